"""The ``routine-explorer`` command.

With no subcommand, or with a map file, it starts the desktop app. Subcommands
work headless and follow one contract: exit code 0 on success, 2 on bad input
(with a one-line message on stderr), 1 on an internal error; a traceback only
with ``--debug``.

Examples
--------
::

    routine-explorer                      # the desktop app
    routine-explorer map.ttl              # the desktop app, on map.ttl
    routine-explorer info map.ttl         # triples, nodes by kind, prefixes
    routine-explorer convert map.ttl map.jsonld
    routine-explorer validate map.ttl     # SHACL check; exit 1 on violations
    routine-explorer analyse map.ttl      # where the map's change will meet resistance, and why
    routine-explorer interdependencies map.ttl   # brokers, single points of failure, coupling, clusters
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from . import __version__
from .core.errors import ExplorerError

SUBCOMMANDS = ("info", "convert", "validate", "analyse", "interdependencies", "app")

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
EXIT_VIOLATIONS = 1  # validate: the map has violations (the same code as a failed check in most tools)


class _StderrProgress:
    """Prints ``reading map.nt: 42%`` on stderr for big files, at most a few times a second."""

    def __init__(self, what: str, enabled: bool) -> None:
        self.what = what
        self.enabled = enabled
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self._last >= 0.5 or done >= total:
            self._last = now
            sys.stderr.write(f"\r{self.what}: {min(100, done * 100 // total)}%")
            sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled and self._last:
            sys.stderr.write("\n")


def _progress_for(path: Path, what: str) -> _StderrProgress:
    try:
        big = path.stat().st_size > 20_000_000
    except OSError:
        big = False
    return _StderrProgress(f"{what} {path.name}", big and sys.stderr.isatty())


def _open_readonly(path: Path, *, with_ontology: bool, fmt: str | None = None):
    from .core.document import MapDocument

    progress = _progress_for(path, "reading")
    try:
        return MapDocument.open(path, format=fmt, editing=False, with_ontology=with_ontology, progress=progress)
    finally:
        progress.finish()


def cmd_info(args: argparse.Namespace) -> int:
    """Print a summary of a map: triples, nodes by kind, named graphs, prefixes."""
    from .core.info import summarise

    doc = _open_readonly(Path(args.map), with_ontology=True, fmt=args.input_format)
    summary = summarise(doc)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary.as_text())
    return EXIT_OK


def cmd_convert(args: argparse.Namespace) -> int:
    """Read a map in any supported format and write it in another."""
    source, target = Path(args.input), Path(args.output)
    doc = _open_readonly(source, with_ontology=False, fmt=args.input_format)
    doc.save_as(target, args.output_format)
    print(f"wrote {target} ({doc.format.label}, {doc.store.count()} triples in the map graph)", file=sys.stderr)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check maps against the SHACL shapes; exit 1 when any map has violations."""
    from .core.validation import validate

    any_violations = False
    reports = {}
    for name in args.maps:
        doc = _open_readonly(Path(name), with_ontology=True)
        report = validate(doc)
        any_violations |= not report.conforms
        reports[name] = report
        if not args.json:
            print(f"{name}: {report.violations} violation(s), {report.warnings} warning(s)")
            for result in report.results:
                if result.severity != "Info" or args.all:
                    print(f"  {result.as_text()}")
    if args.json:
        print(json.dumps({n: [vars(r) for r in rep.results] for n, rep in reports.items()}, indent=2, ensure_ascii=False))
    return EXIT_VIOLATIONS if any_violations else EXIT_OK


def cmd_analyse(args: argparse.Namespace) -> int:
    """Rank where a change will meet resistance, with reasons, levers and the three logics."""
    from .analysis.change import analyse_change
    from .analysis.graph import map_graph
    from .analysis.report import as_csv, as_json, as_text
    from .analysis.rdf import analysis_graph_turtle
    from .analysis.weights import load_weights

    weights = load_weights(args.weights)
    doc = _open_readonly(Path(args.map), with_ontology=True)
    G = map_graph(doc.store)
    progress = _StderrProgress("sensitivity runs", len(G) > 5_000 and sys.stderr.isatty())
    try:
        result = analyse_change(G, args.change, weights=weights, top_k=args.top, seed=args.seed,
                                sensitivity_runs=args.runs, progress=progress)
    finally:
        progress.finish()
    if args.format == "json":
        sys.stdout.write(as_json(result, top=args.top))
    elif args.format == "csv":
        sys.stdout.write(as_csv(result, top=args.top))
    elif args.format == "ttl":
        sys.stdout.write(analysis_graph_turtle(result, map_path=Path(args.map)))
    else:
        sys.stdout.write(as_text(result, top=args.top))
    return EXIT_OK


def cmd_interdependencies(args: argparse.Namespace) -> int:
    """Brokers, single points of failure, coupling between units, cross-level paths, clusters, hybrid leaders."""
    from .analysis.graph import map_graph
    from .analysis.interdependence import summary
    from .analysis.report import interdependencies_text

    doc = _open_readonly(Path(args.map), with_ontology=True)
    G = map_graph(doc.store)
    labels = {node: data.get("label") for node, data in G.nodes(data=True)}
    sys.stdout.write(interdependencies_text(summary(G, seed=args.seed), top=args.top, labels=labels))
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    """Start the desktop app, optionally on a map."""
    from .ui.app import run

    return run(args.map)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands are added here as the app grows)."""
    from .core.rdf_formats import FORMATS

    formats = sorted(FORMATS)
    parser = argparse.ArgumentParser(
        prog="routine-explorer",
        description="Map an organisation's people, units, routines, norms and external forces, and see where a change will meet resistance.",
        epilog="With no command, or with a map file, the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"routine-explorer {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a full traceback on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    info = commands.add_parser("info", help="summarise a map: triples, nodes by kind, prefixes")
    info.add_argument("map", help="the map file")
    info.add_argument("--from", dest="input_format", choices=formats, help="the map's format (default: from its name or content)")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(func=cmd_info)

    convert = commands.add_parser("convert", help="convert a map between RDF formats")
    convert.add_argument("input", help="the map to read")
    convert.add_argument("output", help="the file to write (format from its extension; .gz compresses)")
    convert.add_argument("--from", dest="input_format", choices=formats, help="input format (default: from name or content)")
    convert.add_argument("--to", dest="output_format", choices=formats, help="output format (default: from the output name)")
    convert.set_defaults(func=cmd_convert)

    check = commands.add_parser("validate", help="check maps against the ontology's shapes (exit 1 on violations)")
    check.add_argument("maps", nargs="+", metavar="MAP", help="the map files")
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--all", action="store_true", help="also print informational results")
    check.set_defaults(func=cmd_validate)

    analyse = commands.add_parser("analyse", aliases=[], help="where a change will meet resistance, why, and what levers exist")
    analyse.add_argument("map", help="the map file")
    analyse.add_argument("--change", help="IRI of the change proposal (default: the map's only one)")
    analyse.add_argument("--top", type=int, default=10, help="how many points to show, and the k of the stability figure (default 10)")
    analyse.add_argument("--weights", help="a weights file (default: ontology/analysis-weights.toml)")
    analyse.add_argument("--format", choices=("table", "json", "csv", "ttl"), default="table", help="output format (default: table)")
    analyse.add_argument("--seed", type=int, default=0, help="seed of the sensitivity runs (default 0)")
    analyse.add_argument("--runs", type=int, default=None, help="number of sensitivity runs (default: from the weights; 0 skips)")
    analyse.set_defaults(func=cmd_analyse)

    links = commands.add_parser("interdependencies", help="brokers, single points of failure, unit coupling, cross-level paths, clusters")
    links.add_argument("map", help="the map file")
    links.add_argument("--top", type=int, default=10, help="how many of each to list (default 10)")
    links.add_argument("--seed", type=int, default=0, help="seed of sampled betweenness and clustering (default 0)")
    links.set_defaults(func=cmd_interdependencies)

    app = commands.add_parser("app", help="start the desktop app (the default)")
    app.add_argument("map", nargs="?", help="a map to open")
    app.set_defaults(func=cmd_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    positional = [a for a in argv if not a.startswith("-")]
    if not positional or positional[0] not in SUBCOMMANDS:
        if not any(a in ("-h", "--help", "--version") for a in argv):
            flags = [a for a in argv if a.startswith("-")]
            argv = flags + ["app"] + positional
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ExplorerError as err:
        if args.debug:
            raise
        print(f"routine-explorer: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("routine-explorer: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - the one place that turns surprises into a message
        if args.debug:
            raise
        print(f"routine-explorer: internal error: {type(err).__name__}: {err} (run with --debug for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
