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
    routine-explorer validate map.ttl     # SHACL check; exit 1 on violations, 2 when nothing was checked
    routine-explorer analyse map.ttl      # where the map's change will meet resistance, and why
    routine-explorer interdependencies map.ttl   # brokers, single points of failure, coupling, clusters
    routine-explorer analyse data.trig --union    # a map whose data is in named graphs
                                                  # ('info' lists them; or --graph IRI)
    routine-explorer import map.ttl roster.xlsx -o map.ttl   # merge a roster (CSV, Excel, GraphML, GEXF, Kumu JSON)
    routine-explorer export map.ttl map.html --heat   # offline web page with the analysis heat
                                                      # (or .png .svg .pdf .graphml .gexf .cx2 .csv .ttl ...)
    routine-explorer export map.ttl map-yed.graphml --format yed   # GraphML with yEd's shapes and labels
    routine-explorer report map.ttl -o report.pdf     # the change report for a board (or .html);
                                                      # --change IRI, --weights FILE
    routine-explorer compare a.ttl b.ttl --format json  # how B differs from A, by mechanism and level
    routine-explorer compare map.trig map.trig --scenario-b "to-be"   # as-is against a scenario
    routine-explorer scenarios map.trig                # the map's scenarios
    routine-explorer share map.ttl --endpoint http://server:7878 -o team.trig   # prints the shared map's IRI
    routine-explorer clone http://server:7878 MAP-IRI -o team.trig   # a working copy of a shared map
    routine-explorer sync team.trig -m "Added ward 7"    # pull, merge, publish; exit 3 when conflicts wait
    routine-explorer history team.trig                 # who changed what, when
    routine-explorer query map.ttl 04 --format csv     # a saved question (ontology/queries/04-*.rq),
                                                       # or FILE.rq, or -e 'SELECT ...'
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .core.errors import ExplorerError, printable
from .core.text import one_line, shortened

SUBCOMMANDS = (
    "info",
    "convert",
    "validate",
    "analyse",
    "interdependencies",
    "import",
    "export",
    "report",
    "compare",
    "scenarios",
    "share",
    "clone",
    "sync",
    "history",
    "query",
    "app",
)

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
EXIT_CONFLICTS = 3  # sync: conflicts wait for a choice (--mine or --theirs)
EXIT_VIOLATIONS = 1  # validate: the map has violations (the same code as a failed check in most tools)
# validate: a map had nothing to check (its map graph empty, or its data all in named graphs). Not "conforms",
# and not a violation found: the input was not what a check needs, as for bad input. It wins over EXIT_VIOLATIONS.
EXIT_NOTHING_CHECKED = EXIT_BAD_INPUT


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


def _open_readonly(path: Path, *, with_ontology: bool, fmt: str | None = None, base: str | None = None):
    from .core.document import MapDocument

    progress = _progress_for(path, "reading")
    try:
        return MapDocument.open(
            path, format=fmt, editing=False, with_ontology=with_ontology, progress=progress, base=base
        )
    finally:
        progress.finish()


def _open_view(path: Path, args: argparse.Namespace):
    """Open a map read-only and apply ``--graph``/``--union``; a map whose data is all in named graphs is refused
    without them, naming its graphs and the options (see :func:`explorer.core.graph_view.select_view`)."""
    from .core.graph_view import select_view

    doc = _open_readonly(path, with_ontology=True, base=args.base)
    select_view(doc, graphs=args.graphs, union=args.union, source=path.name)
    _show_scenario(doc, getattr(args, "view_scenario", None), path)  # --scenario NAME
    return doc


def _view_options(parser: argparse.ArgumentParser, *, scenario: bool = True) -> None:
    """``--graph IRI``, ``--union`` and (unless ``scenario`` is False) ``--scenario NAME``: what a command reads."""
    group = parser.add_mutually_exclusive_group()
    if scenario:
        group.add_argument(
            "--scenario",
            dest="view_scenario",
            metavar="NAME",
            help="read the map's scenario NAME instead of the map as it is ('scenarios MAP' lists them)",
        )
    group.add_argument(
        "--graph",
        dest="graphs",
        action="append",
        metavar="IRI",
        help="read the named graph IRI as the map (repeat for several; 'info' lists them)",
    )
    group.add_argument(
        "--union",
        action="store_true",
        help="read the map graph together with every named graph (not the analysis runs)",
    )


def _base_option(parser: argparse.ArgumentParser) -> None:
    """``--base IRI``: what relative IRIs in the map files resolve against, when the data assumes a base."""
    parser.add_argument(
        "--base",
        metavar="IRI",
        help="resolve relative IRIs in the map against this absolute IRI (default: against the file's name)",
    )


def cmd_info(args: argparse.Namespace) -> int:
    """Print a summary of a map: triples, nodes by kind, named graphs, prefixes."""
    from .core.info import summarise

    doc = _open_readonly(Path(args.map), with_ontology=True, fmt=args.input_format, base=args.base)
    _show_scenario(doc, args.view_scenario, Path(args.map))
    summary = summarise(doc)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary.as_text())
    return EXIT_OK


def cmd_convert(args: argparse.Namespace) -> int:
    """Read a map in any supported format and write it in another."""
    source, target = Path(args.input), Path(args.output)
    with _write_locks([target]):
        pass  # refuse a map open for editing before reading; save_as holds the lock while it writes
    doc = _open_readonly(source, with_ontology=False, fmt=args.input_format, base=args.base)
    doc.save_as(target, args.output_format)
    print(f"wrote {target} ({doc.format.label}, {doc.store.count()} triples in the map graph)", file=sys.stderr)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check maps against the SHACL shapes; exit 1 when any map has violations, 2 when one had nothing to check.

    A map whose map graph is empty, or has no nodes while its data is in named graphs, is not passed as
    conforming: its line says that nothing was checked and what the file holds instead, the other maps are
    still checked, and the exit code is 2 (:data:`EXIT_NOTHING_CHECKED`). With ``--json`` each checked map
    gives its list of results and each unchecked one an object saying why (``"checked": false``).
    """
    from .core.graph_view import census, select_view
    from .core.validation import ValidationReport, validate

    any_violations = False
    outcomes: dict[str, ValidationReport | dict] = {}
    unchecked: list[str] = []
    for name in args.maps:
        path = Path(name)
        doc = _open_readonly(path, with_ontology=True, base=args.base)
        found = census(doc) if not (args.graphs or args.union) else None
        if found is not None and found.needs_view:
            # The map graph has no node, so the shapes would see none of the data: say where it is instead.
            statements = doc.store.count()
            message = (
                f"nothing checked: the map graph (the default graph) {'has no nodes' if statements else 'is empty'}; "
                f"its data is in {len(found.graphs):,} named graph(s): {found.listing()}. "
                "Add --union to check them together, or --graph IRI for one"
            )
            outcomes[name] = _not_checked(message, statements, [(g.shown, g.triples) for g in found.graphs])
        else:
            select_view(doc, graphs=args.graphs, union=args.union, source=path.name)
            _show_scenario(doc, getattr(args, "view_scenario", None), path)
            report = validate(doc)
            if report.nothing_checked:
                outcomes[name] = _not_checked(report.note(), 0, report.elsewhere)
            else:
                any_violations |= not report.conforms
                outcomes[name] = report
        outcome = outcomes[name]
        if isinstance(outcome, dict):
            unchecked.append(name)
            if not args.json:
                print(f"{name}: {outcome['message']}")
        elif not args.json:
            print(f"{name}: {outcome.violations} violation(s), {outcome.warnings} warning(s)")
            for result in outcome.results:
                if result.severity != "Info" or args.all:
                    print(f"  {result.as_text()}")
    if args.json:
        print(
            json.dumps(
                {n: o if isinstance(o, dict) else [vars(r) for r in o.results] for n, o in outcomes.items()},
                indent=2,
                ensure_ascii=False,
            )
        )
    if unchecked:
        print(f"routine-explorer: nothing was checked in {', '.join(unchecked)}", file=sys.stderr)
        return EXIT_NOTHING_CHECKED
    return EXIT_VIOLATIONS if any_violations else EXIT_OK


def _not_checked(message: str, map_statements: int, graphs) -> dict:
    """``validate --json``'s entry for a map with nothing to check: why, and what the file holds instead."""
    return {
        "checked": False,
        "message": message,
        "map_graph_statements": map_statements,
        "named_graphs": [
            {"graph": name[1:-1] if name.startswith("<") else name, "statements": n} for name, n in graphs
        ],
    }


def cmd_analyse(args: argparse.Namespace) -> int:
    """Rank where a change will meet resistance, with reasons, levers and the three logics."""
    from .analysis.change import analyse_change
    from .analysis.graph import map_graph
    from .analysis.rdf import analysis_graph_turtle
    from .analysis.report import as_csv, as_json, as_text
    from .analysis.weights import load_weights

    weights = load_weights(args.weights)
    doc = _open_view(Path(args.map), args)
    G = map_graph(doc.store)
    progress = _StderrProgress("uncertainty runs and levers", len(G) > 5_000 and sys.stderr.isatty())
    try:
        result = analyse_change(
            G,
            args.change,
            weights=weights,
            top_k=args.top,
            seed=args.seed,
            runs=args.runs,
            levers=not args.no_levers,
            name_people=args.name_people,
            progress=progress,
        )
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

    doc = _open_view(Path(args.map), args)
    G = map_graph(doc.store)
    labels = {node: data.get("label") for node, data in G.nodes(data=True)}
    sys.stdout.write(interdependencies_text(summary(G, seed=args.seed), top=args.top, labels=labels))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Merge rows of a table or graph file into a map and write the result; problems go to stderr by row."""
    from .core.document import MapDocument
    from .core.schema import schema_of
    from .io import merge
    from .io.registry import for_path

    map_path, source_path = Path(args.map), Path(args.input)
    if args.output is None and not args.dry_run:
        raise ExplorerError(
            f"Say where to write the merged map: -o OUT (or -o {map_path.name} to update {map_path.name} in place), "
            "or --dry-run to only list the problems."
        )
    fmt = for_path(source_path, "import")
    if args.sheet and fmt.name != "xlsx":
        raise ExplorerError("--sheet applies to Excel workbooks only.")
    if args.output is not None and not args.dry_run:
        with _write_locks([Path(args.output)]):
            pass  # refuse a map open for editing before any work; save_as holds the lock while it writes
    progress = _progress_for(map_path, "reading")
    try:
        doc = MapDocument.open(map_path, editing=not args.dry_run, progress=progress, base=args.base)
    finally:
        progress.finish()
    try:
        schema = schema_of(doc)
        reading = _progress_for(source_path, "reading")
        try:
            source = fmt.load()(source_path, progress=reading, **({"sheet": args.sheet} if args.sheet else {}))
        finally:
            reading.finish()
        if args.mapping:
            mapping = merge.load_mapping(args.mapping, schema, source=source)
        else:
            mapping = merge.guess_mapping(source, schema, named_people=args.named_people)
        if args.kind:
            kind = merge.find_kind(schema, args.kind)
            if kind is None:
                raise ExplorerError(
                    f"--kind {args.kind!r} is not a kind; use one of: "
                    f"{', '.join(k.label for k in merge.node_kinds(schema))}."
                )
            if args.mapping:
                mapping.default_kind = kind.iri  # the mapping file's kind column, if it names one, stays
            elif (column := mapping.kind_for_every_row(kind.iri)) is not None:
                print(
                    f"{source.name}: --kind {kind.label}: every row is a {kind.label.lower()}; the column "
                    f"“{shortened(column, 60)}” is not read as the kind (name it in a --mapping file to read kinds "
                    "from it).",
                    file=sys.stderr,
                )
        mapping.keep_columns = mapping.keep_columns or args.keep_columns
        if args.relation:
            relation = merge.find_relation(merge.all_relations(schema), args.relation)
            if relation is None:
                raise ExplorerError(f"--relation {args.relation!r} is not a relation of the ontology.")
            mapping.default_relation = relation.iri
        if args.on_conflict:
            mapping.on_conflict = args.on_conflict
        planning = _StderrProgress(f"matching {source.name}", len(source.nodes.rows) > 20_000 and sys.stderr.isatty())
        try:
            plan = merge.plan_import(doc, source, mapping, schema=schema, progress=planning)
        finally:
            planning.finish()
        unused = [c for c in merge.unused_columns(source, mapping) if c not in plan.kept]
        if unused:
            print(
                f"{source.name}: warning: {len(unused):,} column{'s' if len(unused) != 1 else ''} not imported "
                f"(no name, kind, tie or property of the map matches"
                f"{'; empty' if mapping.keep_columns else ''}): "
                + ", ".join(f"“{shortened(c, 60)}”" for c in unused)
                + (
                    "."
                    if mapping.keep_columns
                    else "; name them in a --mapping file, or --keep-columns, to import them."
                ),
                file=sys.stderr,
            )
        for note in plan.notes:
            print(f"{source.name}: {note}", file=sys.stderr)
        for problem in plan.problems:
            print(f"{source.name}: {problem}", file=sys.stderr)
        print(f"{source.name}: {plan.summary()}", file=sys.stderr)
        if plan.imported == 0:
            print(
                f"routine-explorer: nothing in {source.name} could be imported; the map is unchanged.", file=sys.stderr
            )
            return EXIT_BAD_INPUT
        if args.dry_run:
            return EXIT_OK
        merge.apply_plan(doc, plan)
        target = Path(args.output)
        doc.save_as(target)
        print(f"wrote {target} ({doc.store.count()} triples in the map graph)", file=sys.stderr)
    finally:
        doc.close()
    return EXIT_OK


@contextlib.contextmanager
def _write_locks(targets):
    """Hold every writer's lock on ``targets`` while they are written: a map open for editing in the app, or being
    written by another command, is refused (exit 2, naming who holds it), by whatever name or data folder it is reached.
    Commands that write a map through :meth:`MapDocument.save_as` (convert, import, query updates) get it from there."""
    from .core.journal import write_lock

    with contextlib.ExitStack() as stack:
        for target in targets:
            stack.enter_context(write_lock(target))
        yield


def _refuse_writing_over_map(map_path: Path, targets) -> None:
    """An export or report never replaces the map it is made from (``--format html`` could name the map itself)."""
    source = map_path.resolve()
    for target in targets:
        target = Path(target)
        if target.resolve() == source or (target.exists() and source.exists() and target.samefile(source)):
            raise ExplorerError(
                f"{target} is the map itself; choose another file to write (use 'convert' to change "
                "the map's own format)."
            )


def cmd_export(args: argparse.Namespace) -> int:
    """Write a map as an offline web page, an image, GraphML/GEXF, CSV lists or another RDF format."""
    from .core import scenarios
    from .io.registry import for_path, get

    target = Path(args.output)
    fmt = get(args.format, "export") if args.format else for_path(target, "export")
    if fmt.name == "csv":
        from .io.csv_tables import csv_paths

        _refuse_writing_over_map(Path(args.map), csv_paths(target))
    else:
        _refuse_writing_over_map(Path(args.map), [target])
    doc = _open_view(Path(args.map), args)
    heat = None
    if args.heat or args.change:
        from .analysis.change import analyse_change
        from .analysis.graph import map_graph

        result = analyse_change(map_graph(doc.store), args.change, runs=0, levers=False)
        heat = {point.node: point.likelihood for point in result.points}
    options = {
        name: value
        for name, value in (("scale", args.scale), ("dpi", args.dpi), ("page_size", args.page_size))
        if value is not None
    }
    if args.layout:
        if fmt.needs_qt:
            # Images take places, not a layout name: compute them the way the other exports do.
            from .io.model import layout_positions

            options["positions"] = layout_positions(doc, args.layout)
        else:
            options["layout"] = args.layout
    started = time.monotonic()
    shown = _StderrProgress(f"exporting {target.name}", sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        if time.monotonic() - started >= 1.0:  # quick exports print nothing
            shown(done, total)

    try:
        if fmt.name == "csv":
            from .io.csv_tables import csv_paths

            targets = list(csv_paths(target))
        else:
            targets = [target]
        with _write_locks(targets):
            title = args.title
            if title is None and scenarios.shown(doc.store) is not None:
                title = scenarios.display_title(doc)  # "Map — scenario “to-be”"
            fmt.load()(doc, target, title=title, heat=heat, progress=progress, **options)
    finally:
        shown.finish()
    written = [target]
    if fmt.name == "csv":
        from .io.csv_tables import csv_paths

        written = list(csv_paths(target))
    scored = f", heat on {len(heat)} node(s)" if heat else ""
    if heat and fmt.target.startswith("explorer.io.rdf_export:"):
        scored = "; the heat is not written to RDF: 'routine-explorer analyse --format ttl' gives the analysis as RDF"
    if fmt.target.startswith("explorer.io.rdf_export:"):
        from .io.rdf_export import scenarios_note

        note = scenarios_note(doc, fmt.name)  # a one-graph format: the map shown, not the scenarios
        scored += f"; {note}" if note else ""
    print(f"wrote {' and '.join(map(str, written))} ({fmt.label}{scored})", file=sys.stderr)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the change report (where the change will meet resistance, why, levers, method) as HTML or PDF."""
    from .io.registry import for_path, get
    from .io.report import run_analysis, scenario_title

    target = Path(args.output)
    fmt = get(args.format, "report") if args.format else for_path(target, "report")
    if args.top < 1:
        raise ExplorerError(f"--top must be at least 1, not {args.top}.")
    _refuse_writing_over_map(Path(args.map), [target])
    doc = _open_view(Path(args.map), args)
    started = time.monotonic()
    shown = _StderrProgress(f"report {target.name}", sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        if time.monotonic() - started >= 1.0:  # a quick report prints nothing
            shown(done, total)

    try:
        # Analysis first (the uncertainty runs and levers are most of the work), as a share of the whole.
        result = run_analysis(
            doc,
            args.change,
            weights=args.weights,
            top_k=args.top,
            seed=args.seed,
            runs=args.runs,
            progress=lambda done, total: progress(60 * done // max(total, 1), 100),
        )
        options = {
            "analysis": result,
            "title": args.title if args.title is not None else scenario_title(doc, result),
            "top": args.top,
            "top_k": args.top,
            "seed": args.seed,
            "progress": lambda done, total: progress(60 + 40 * done // max(total, 1), 100),
        }
        if fmt.name == "html":
            # The map is drawn by the canvas, which needs Qt: the command line is the layer allowed to ask for it.
            from .ui.files.report_pdf import report_map_png

            options["map_image"] = report_map_png(doc, result)
        elif args.page_size:
            options["page_size"] = args.page_size
        with _write_locks([target]):
            fmt.load()(doc, target, **options)
    finally:
        shown.finish()
    print(
        f"wrote {target} ({fmt.label}: {len(result.points)} points, {len(result.levers)} levers, change "
        f"“{one_line(result.change_label, 80)}”)",
        file=sys.stderr,
    )
    return EXIT_OK


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _show_scenario(doc, name: str | None, path: Path):
    """Show the scenario ``name`` of an open map (None or "as-is": the base); returns it (None for the base)."""
    if name is None:
        return None  # a saved map always shows its base
    from .core import scenarios

    if name.strip().casefold() in ("as-is", "as is", "base"):
        found = None
    else:
        try:
            found = scenarios.find(doc.store, name)
        except ExplorerError as err:
            raise ExplorerError(f"{one_line(path.name)}: {err}") from None
    doc.execute(scenarios.show(doc, found))
    return found


def _chosen_change(G, change, *, path: Path, flag: str):
    """The change of one side: ``change`` if it is one of ``G``, else the map's only one (errors name ``flag``)."""
    from .analysis.change import AnalysisError, choose_change

    try:
        return choose_change(G, change)
    except AnalysisError as err:
        raise ExplorerError(f"{path.name}: {str(err).replace('with --change:', f'with {flag}:')}") from None


#: The largest --runs: each run draws every input of the map, so more would only exhaust memory.
MAX_RUNS = 100_000
#: The largest --seed (the runs take it as a 64-bit number; a larger one would repeat a smaller one's runs).
MAX_SEED = 2**63 - 1


def _check_runs_and_seed(args: argparse.Namespace) -> None:
    """Refuse ``--runs`` below 0 or above :data:`MAX_RUNS` and ``--seed`` outside 0 to :data:`MAX_SEED`."""
    if args.runs is not None and not 0 <= args.runs <= MAX_RUNS:
        raise ExplorerError(f"--runs must be from 0 to {MAX_RUNS:,}, not {args.runs:,}.")
    if not 0 <= args.seed <= MAX_SEED:
        raise ExplorerError(f"--seed must be from 0 to {MAX_SEED}, not {shortened(str(args.seed), 30)}.")


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare two analyses: two maps, two changes of one map, or two scenarios; B minus A, explained."""
    from rdflib import URIRef

    from .analysis.compare import compare, ontology_words
    from .analysis.compare_tables import as_csv, as_json, as_text
    from .analysis.graph import map_graph
    from .analysis.weights import load_weights
    from .core.schema import schema_of
    from .core.terms import local_name
    from .io.change_text import kind_text

    if args.top < 1:
        raise ExplorerError(f"--top must be at least 1, not {args.top}.")
    _check_runs_and_seed(args)
    path_a, path_b = Path(args.a), Path(args.b)
    target = Path(args.output) if args.output else None
    fmt = None
    if target is not None:
        from .io.registry import for_path, get

        _refuse_writing_over_map(path_a, [target])
        _refuse_writing_over_map(path_b, [target])
        fmt = get(args.report_format, "comparison") if args.report_format else for_path(target, "comparison")
    elif args.report_format or args.page_size:
        raise ExplorerError("--report-format and --page-size apply to a report: add -o OUT.html or -o OUT.pdf.")
    weights = load_weights(args.weights)
    same = _same_file(path_a, path_b)
    doc_a = _open_view(path_a, args)
    shown_a = _show_scenario(doc_a, args.scenario, path_a)
    graph_a = map_graph(doc_a.store)
    if same:
        doc_b = doc_a
        # B's base when no scenario is named, even after A's scenario was shown on the same map.
        shown_b = _show_scenario(doc_a, args.scenario_b or ("as-is" if shown_a else None), path_b)
        graph_b = graph_a if shown_b == shown_a else map_graph(doc_a.store)
    else:
        doc_b = _open_view(path_b, args)
        shown_b = _show_scenario(doc_b, args.scenario_b, path_b)
        graph_b = map_graph(doc_b.store)
    change_b = args.change_b
    if change_b is None and args.change is not None and URIRef(args.change) in graph_b:
        change_b = args.change
    change_a = _chosen_change(graph_a, args.change, path=path_a, flag="--change")
    change_b = _chosen_change(graph_b, change_b, path=path_b, flag="--change-b")

    def name(doc, path, scenario, graph, change) -> str:
        words = one_line(doc.title, 120)
        if not same and one_line(doc_a.title) == one_line(doc_b.title):
            words += f" ({path.name})"  # two files of one title: the file tells them apart
        if scenario is not None:
            words += f" — scenario “{one_line(scenario.name, 80)}”"
        elif same and shown_a != shown_b:
            words += " — as-is"
        if same and change_a != change_b:
            words += f" — “{one_line(graph.nodes[change].get('label', change), 80)}”"
        return words

    names = (name(doc_a, path_a, shown_a, graph_a, change_a), name(doc_b, path_b, shown_b, graph_b, change_b))
    if names[0] == names[1]:  # one map, scenario and change on both sides: as the app, the sides by letter
        names = (f"{names[0]} (A)", f"{names[1]} (B)")
    labels = [one_line(g.nodes[c].get("label", c), 80) for g, c in ((graph_a, change_a), (graph_b, change_b))]
    # Two files name one intervention in their own words ("… (Keystone)", "… (Matching Michigan)") but usually
    # keep its IRI's last segment: a note only when both differ.
    if (
        not same
        and labels[0].casefold() != labels[1].casefold()
        and local_name(change_a).casefold() != local_name(change_b).casefold()
    ):
        print(
            f"routine-explorer: note: A's change is “{labels[0]}” and B's “{labels[1]}”: "
            "the comparison assumes the same intervention on both sides.",
            file=sys.stderr,
        )
    progress = _StderrProgress("uncertainty runs", len(graph_a) + len(graph_b) > 10_000 and sys.stderr.isatty())
    try:
        comparison = compare(
            graph_a,
            graph_b,
            change_a,
            change_b,
            names=names,
            weights=weights,
            seed=args.seed,
            runs=args.runs,
            words=ontology_words(doc_a.store),
            progress=progress,
        )
    finally:
        progress.finish()
    schema = schema_of(doc_a)

    def kind_words(kind, role: str) -> str:
        found = schema.kind(kind) if kind is not None else None
        return kind_text(found.label if found is not None else (local_name(kind) if kind else ""), role)

    if target is not None:
        assert fmt is not None  # chosen with the target, above
        started = time.monotonic()
        shown = _StderrProgress(f"report {target.name}", sys.stderr.isatty())

        def report_progress(done: int, total: int) -> None:
            if time.monotonic() - started >= 1.0:  # a quick report prints nothing
                shown(done, total)

        options = {"title": args.title, "progress": report_progress}
        if fmt.name == "pdf" and args.page_size:
            options["page_size"] = args.page_size
        try:
            with _write_locks([target]):
                fmt.load()(comparison, target, **options)
        finally:
            shown.finish()
        print(f"wrote {target} ({fmt.label}: “{names[0]}” and “{names[1]}”)", file=sys.stderr)
        if args.format is None:
            return EXIT_OK
    if args.format == "json":
        sys.stdout.write(as_json(comparison))
    elif args.format == "csv":
        sys.stdout.write(as_csv(comparison, kind_words=kind_words))
    else:
        sys.stdout.write(as_text(comparison, top=args.top, kind_words=kind_words))
    return EXIT_OK


# ------------------------------------------------------------------ team maps
def _server_options(parser: argparse.ArgumentParser) -> None:
    """Sign-in options for a shared server (the secret comes from the keyring, $ROUTINE_EXPLORER_SECRET or a prompt)."""
    parser.add_argument("--auth", choices=("none", "basic", "digest", "bearer"), default="none", help="sign-in method")
    parser.add_argument("--user", default="", help="user name (basic, digest)")
    parser.add_argument("--insecure", action="store_true", help="do not check the server's TLS certificate")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the server (default 30)")
    parser.add_argument(
        "--author", default=None, help="your name in the change log (default: $ROUTINE_EXPLORER_AUTHOR or your login)"
    )


def _secret(args: argparse.Namespace, address: str) -> str:
    """The password or token: from the environment, the system keyring, or asked for (never from the command line)."""
    if args.auth == "none":
        return ""
    secret = os.environ.get("ROUTINE_EXPLORER_SECRET")
    if secret:
        return secret
    from .team import credentials

    secret = credentials.recall(address, args.user)
    if secret:
        return secret
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"Password for {args.user or 'the token'} at {address}: ")
    raise ExplorerError(
        f"{address} needs a password: set ROUTINE_EXPLORER_SECRET, or store it in the system keyring from the app"
    )


def _endpoint(args: argparse.Namespace, address: str, *, update_url=None, query_url=None):
    from .team.endpoint import Endpoint

    options = {
        "auth": args.auth,
        "user": args.user,
        "verify": not args.insecure,
        "timeout": args.timeout,
    }
    if query_url is None and getattr(args, "update_endpoint", None):
        query_url, update_url = address, args.update_endpoint  # another engine: both services named
    if query_url is not None:
        endpoint = Endpoint(query_url, update_url, **options)
    else:
        endpoint = Endpoint.for_server(address, **options)
    return endpoint.with_secret(_secret(args, endpoint.query_url))


def _author(args: argparse.Namespace):
    import getpass

    from .team.changelog import Author

    return Author.named(args.author or os.environ.get("ROUTINE_EXPLORER_AUTHOR") or getpass.getuser())


def cmd_share(args: argparse.Namespace) -> int:
    """Share a map on a server as a new shared map; print its IRI (and write a working copy with -o)."""
    from .core.document import MapDocument
    from .team import sync
    from .team.endpoint import SparqlClient

    path = Path(args.map)
    out = Path(args.output) if args.output else None
    if out is not None and out.exists() and not args.force:
        raise ExplorerError(f"{out} exists already (use --force to replace it); nothing was shared")
    doc = MapDocument.open(path, editing=False, with_ontology=False, base=args.base)
    with SparqlClient(_endpoint(args, args.endpoint)) as client:
        iri = sync.share(client, doc, args.title or path.stem, _author(args))
    if out is not None:
        doc.save_as(out, "trig", overwrite=args.force)
    doc.close()
    print(iri)
    return EXIT_OK


def cmd_clone(args: argparse.Namespace) -> int:
    """Write a working copy of a shared map."""
    from .team import sync
    from .team.endpoint import SparqlClient

    with SparqlClient(_endpoint(args, args.endpoint)) as client:
        path = sync.clone(client, args.map_iri, args.output, overwrite=args.force)
    print(f"{path}: a working copy of <{args.map_iri}>")
    return EXIT_OK


def _open_copy(path: Path):
    from .core.document import MapDocument
    from .team import sync

    doc = MapDocument.open(path, with_ontology=False)
    found = sync.sharing(doc)
    if found is None:
        doc.close()
        raise ExplorerError(f"{path.name} is not a working copy of a shared map (use share or clone)")
    return doc, found


def cmd_sync(args: argparse.Namespace) -> int:
    """Pull, merge and publish; exit 3 when conflicts wait (listed), after --mine/--theirs records a choice."""
    from .team import sync
    from .team.endpoint import SparqlClient

    path = Path(args.map)
    doc, found = _open_copy(path)
    try:
        if doc.pending_recovery is not None:
            raise ExplorerError(f"{path.name} has unsaved edits from a session that ended; open it in the app first")
        if args.mine or args.theirs:
            sync.resolve(doc, sync.conflicts(doc), "mine" if args.mine else "theirs")
        endpoint = _endpoint(args, found.query_url, query_url=found.query_url, update_url=found.update_url)
        with SparqlClient(endpoint) as client:
            try:
                result = sync.sync(doc, client, _author(args), args.message or "")
            except ExplorerError:
                doc.save()  # keeps the name of a change that may have landed, so the next sync knows it as ours
                raise
        if doc.dirty:
            doc.save()
        version = found.version if result.published is None and not result.pulled else _version(doc)
    finally:
        doc.close()
    print(
        f"{path.name}: pulled {len(result.pulled)} change{'s' if len(result.pulled) != 1 else ''}"
        + (f", published 1 ({_count(result.published.patch)})" if result.published else ", nothing to publish")
        + f"; at version {version}"
    )
    if result.conflicts:
        print(f"{len(result.conflicts)} conflict{'s' if len(result.conflicts) != 1 else ''} wait for a choice:")
        for c in result.conflicts:
            mine = ", ".join(one_line(str(v), 60) for v in c.mine) or "(none)"
            theirs = ", ".join(one_line(str(v), 60) for v in c.theirs) or "(none)"
            print(f"  “{one_line(c.label, 60)}” {c.what}: yours {mine}; on the server {theirs}")
        print("Run sync again with --mine or --theirs to choose for all of them, or choose in the app.")
        return EXIT_CONFLICTS
    return EXIT_OK


def _version(doc) -> int:
    from .team import sync

    found = sync.sharing(doc)
    return found.version if found is not None else -1


def _count(patch) -> str:
    return f"+{len(patch.adds):,} −{len(patch.deletes):,} statements"


def cmd_history(args: argparse.Namespace) -> int:
    """The shared map's changes, newest first: version, when, who, what."""
    from .team import changelog, sync
    from .team.endpoint import SparqlClient

    path = Path(args.map)
    doc = _open_readonly(path, with_ontology=False)
    found = sync.sharing(doc)
    doc.close()
    if found is None:
        raise ExplorerError(f"{path.name} is not a working copy of a shared map (use share or clone)")
    endpoint = _endpoint(args, found.query_url, query_url=found.query_url, update_url=found.update_url)
    with SparqlClient(endpoint) as client:
        records = changelog.history(client, found.map_iri)
    if args.format == "json":
        listing = [
            {
                "change": str(r.iri),
                "version": r.version,
                "time": r.time,
                "author": r.author_name,
                "message": r.message,
                "added": len(r.adds),
                "deleted": len(r.deletes),
                "reverts": str(r.reverts) if r.reverts else None,
            }
            for r in records
        ]
        print(json.dumps({"map": str(found.map_iri), "changes": listing}, indent=2, ensure_ascii=False))
        return EXIT_OK
    for r in records:
        print(
            f"v{r.version:<4} {r.time:<25} {one_line(r.author_name, 40):<20} {_count(r.patch):<28} "
            f"{one_line(r.message, 80)}"
        )
    return EXIT_OK


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List a map's scenarios: name, IRI, and how many statements each adds to and removes from the map."""
    from .core import scenarios

    path = Path(args.map)
    doc = _open_readonly(path, with_ontology=False, base=args.base)
    found = []
    for scenario in scenarios.scenarios(doc.store):
        added, removed = scenarios.differences(doc.store, scenario)
        found.append((scenario, len(added), len(removed)))
    if args.format == "json":
        listing = [
            {
                "name": s.name,
                "iri": str(s.iri),
                "added": n_added,
                "removed": n_removed,
                "description": s.description,
            }
            for s, n_added, n_removed in found
        ]
        print(json.dumps({"map": str(path), "scenarios": listing}, indent=2, ensure_ascii=False))
    elif not found:
        print(f"{path.name}: no scenarios (only the as-is map).")
    else:
        print(f"{path.name}: {len(found)} scenario{'s' if len(found) != 1 else ''}")
        for s, n_added, n_removed in found:
            print(
                f"  “{one_line(s.name, 100)}”  +{n_added:,} / −{n_removed:,} statements  <{s.iri}>"
                + (f"  {one_line(s.description, 100)}" if s.description else "")
            )
    return EXIT_OK


def _query_text(args: argparse.Namespace) -> tuple[str, str]:
    """The query to run and where it came from: ``-e``, a file, ``-`` (stdin) or a saved question's name."""
    from .sparql.library import builtin_queries, find_saved

    if (args.query is None) == (args.expression is None):
        raise ExplorerError(
            "Give the query either as a file (FILE.rq, - for stdin, or a saved question's name) or with -e, "
            "not both or neither."
        )
    if args.expression is not None:
        return args.expression, "<-e>"
    if args.query == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(args.query)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as err:
            raise ExplorerError(f"{path}: cannot read the query ({getattr(err, 'strerror', None) or err}).") from None
    saved = find_saved(args.query)
    if saved is None:
        names = ", ".join(q.name for q in builtin_queries())
        raise ExplorerError(f"{args.query}: no such file or saved question (the saved questions are {names}).")
    return saved.text, str(saved.path)


def cmd_query(args: argparse.Namespace) -> int:
    """Run a SPARQL query or update on a map; print the result, or write the updated map to a new file."""
    from .core.atomic_file import atomic_write
    from .sparql import QueryService, QuerySyntaxError, format_table

    text, source = _query_text(args)
    map_path = Path(args.map)
    output = Path(args.output) if args.output else None
    if output is not None:
        with _write_locks([output]):
            pass  # refuse a map open for editing before the query runs; the write below holds the lock
    doc = _open_readonly(map_path, with_ontology=True, base=args.base)
    with QueryService(
        doc,
        allow_network=args.allow_network,
        row_limit=args.limit,
        timeout=args.timeout,
        include_ontology=not args.map_only,
    ) as service:
        try:
            update = service.kind(text) == "update"
            if update and output is None:
                raise ExplorerError(
                    f"{source} is an update; the map file is never changed in place: "
                    "add -o OUT.ttl to write the updated map to a new file."
                )
            if output is not None and output.resolve() == map_path.resolve():
                raise ExplorerError(
                    f"-o {output} is the map itself; "
                    "write the updated map to a new file and compare before replacing it."
                    if update
                    else f"-o {output} is the map itself; write the results to another file."
                )
            if output is not None and not source.startswith("<") and output.resolve() == Path(source).resolve():
                raise ExplorerError(
                    f"-o {output} is the query file itself; "
                    f"write the {'updated map' if update else 'results'} to another file."
                )
            outcome = service.run(text)
        except QuerySyntaxError as err:
            raise ExplorerError(f"{source}:{err.line}:{err.column}: SPARQL syntax error: {err.reason}") from None
        if outcome.kind == "update":
            if outcome.command is not None:
                doc.execute(outcome.command)
            doc.save_as(output)
            print(f"wrote {output}: {outcome.message}", file=sys.stderr)
            return EXIT_OK
        fmt = args.format
        if fmt == "table":
            data = (
                (format_table(outcome, service.prefixes) + "\n").encode("utf-8")
                if outcome.kind != "graph"
                else outcome.serialize("ttl", prefixes=service.prefixes)
            )
        else:
            data = outcome.serialize(fmt, prefixes=service.prefixes)
    if output is not None:
        with _write_locks([output]):
            atomic_write(output, data)
        print(f"wrote {output}: {outcome.message}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
        sys.stdout.flush()
    if outcome.truncated:
        print(f"routine-explorer: {outcome.message} (raise --limit to see more)", file=sys.stderr)
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    """Start the desktop app, optionally on a map."""
    from .ui.app import run

    return run(args.map)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands are added here as the app grows)."""
    from .core.rdf_formats import FORMATS

    formats = sorted(FORMATS)
    from .io.registry import formats as registered

    parser = argparse.ArgumentParser(
        prog="routine-explorer",
        description="Map an organisation's people, units, routines, norms and external forces, "
        "and see where a change will meet resistance.",
        epilog="With no command, or with a map file, the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"routine-explorer {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a full traceback on errors")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this copy of the app, headless (samples, checks, analysis, SPARQL, exports); exit 1 on a failure",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    info = commands.add_parser("info", help="summarise a map: triples, nodes by kind, prefixes")
    info.add_argument("map", help="the map file")
    info.add_argument(
        "--from", dest="input_format", choices=formats, help="the map's format (default: from its name or content)"
    )
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.add_argument(
        "--scenario", dest="view_scenario", metavar="NAME", help="summarise the map's scenario NAME instead"
    )
    _base_option(info)
    info.set_defaults(func=cmd_info)

    convert = commands.add_parser("convert", help="convert a map between RDF formats")
    convert.add_argument("input", help="the map to read")
    convert.add_argument("output", help="the file to write (format from its extension; .gz compresses)")
    convert.add_argument(
        "--from", dest="input_format", choices=formats, help="input format (default: from name or content)"
    )
    convert.add_argument(
        "--to", dest="output_format", choices=formats, help="output format (default: from the output name)"
    )
    _base_option(convert)
    convert.set_defaults(func=cmd_convert)

    check = commands.add_parser(
        "validate",
        help="check maps against the ontology's shapes (exit 1 on violations, 2 when a map had nothing to check)",
    )
    check.add_argument("maps", nargs="+", metavar="MAP", help="the map files")
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--all", action="store_true", help="also print informational results")
    _view_options(check)
    _base_option(check)
    check.set_defaults(func=cmd_validate)

    analyse = commands.add_parser(
        "analyse", aliases=[], help="where a change will meet resistance, why, and what levers exist"
    )
    analyse.add_argument("map", help="the map file")
    analyse.add_argument("--change", help="IRI of the change proposal (default: the map's only one)")
    analyse.add_argument(
        "--top", type=int, default=10, help="how many points to show, and the k of the stability figure (default 10)"
    )
    analyse.add_argument("--weights", help="a weights file (default: ontology/analysis-weights.toml)")
    analyse.add_argument(
        "--format", choices=("table", "json", "csv", "ttl"), default="table", help="output format (default: table)"
    )
    analyse.add_argument("--seed", type=int, default=0, help="seed of the uncertainty runs (default 0)")
    analyse.add_argument(
        "--runs", type=int, default=None, help="number of uncertainty runs (default: from the weights; 0 skips)"
    )
    analyse.add_argument(
        "--no-levers", action="store_true", help="do not try the levers (each is one more run of the model)"
    )
    analyse.add_argument(
        "--name-people",
        action="store_true",
        help="list named people (rx:Person) as points of their own (default: counted in their units, never named)",
    )
    _view_options(analyse)
    _base_option(analyse)
    analyse.set_defaults(func=cmd_analyse)

    links = commands.add_parser(
        "interdependencies", help="brokers, single points of failure, unit coupling, cross-level paths, clusters"
    )
    links.add_argument("map", help="the map file")
    links.add_argument("--top", type=int, default=10, help="how many of each to list (default 10)")
    links.add_argument("--seed", type=int, default=0, help="seed of sampled betweenness and clustering (default 0)")
    _view_options(links)
    _base_option(links)
    links.set_defaults(func=cmd_interdependencies)

    merge_in = commands.add_parser(
        "import",
        help="merge a CSV, Excel, GraphML, GEXF or Kumu JSON file into a map",
        description="Merge the rows of IN into MAP and write the result to OUT. Columns are matched from their headers "
        "(name, kind, unit, role, reports to, identifier, and properties by label) unless --mapping gives "
        "a mapping file (TOML or JSON; see explorer/io/merge/mapping.py). Rows that cannot be imported are listed "
        "on stderr with their row numbers; the good rows are imported. MAP is never overwritten unless -o "
        "names it. Exit 2 if nothing could be imported.",
    )
    merge_in.add_argument("map", help="the map to merge into")
    merge_in.add_argument("input", metavar="IN", help="the file to import (.csv, .xlsx, .graphml, .gexf, Kumu .json)")
    merge_in.add_argument(
        "-o", "--output", metavar="OUT", help="where to write the merged map (give MAP itself to update it in place)"
    )
    merge_in.add_argument(
        "--mapping", metavar="FILE", help="a mapping file (.toml or .json) saying what each column means"
    )
    merge_in.add_argument(
        "--on-conflict",
        choices=("keep", "replace", "add"),
        help="when a matched node has another value: keep the map's (default), replace it, "
        "or add the row as a new node",
    )
    merge_in.add_argument(
        "--kind",
        help="kind of every row (e.g. Person), over a column guessed to give kinds; with --mapping, of rows "
        "without one",
    )
    merge_in.add_argument(
        "--keep-columns",
        action="store_true",
        help="keep the columns nothing else reads as properties of their own, described in the map "
        "(default: name them as not imported)",
    )
    merge_in.add_argument(
        "--named-people",
        action="store_true",
        help="rows about people become named persons (default: roles, which stand for everyone who holds them)",
    )
    merge_in.add_argument(
        "--relation",
        help="relation of graph edges that name none of the ontology (e.g. 'influences'); default: an influence "
        "tie where the ends admit one, keeping the edge's type as its name",
    )
    merge_in.add_argument("--sheet", help="the worksheet to read (Excel; default: the first)")
    merge_in.add_argument("--dry-run", action="store_true", help="list the problems and the summary; write nothing")
    _base_option(merge_in)
    merge_in.set_defaults(func=cmd_import)

    export = commands.add_parser(
        "export",
        help="write a map as a web page, image, GraphML, GEXF, CSV lists or RDF",
        description="Write MAP to OUT in the format its ending names (or --format): "
        + ", ".join(fmt.name for fmt in registered("export"))
        + ". html is an interactive page that works offline; csv writes NAME-nodes.csv and NAME-edges.csv. "
        "Exit 2 with a one-line message on bad input.",
    )
    export.add_argument("map", help="the map file")
    export.add_argument("output", metavar="OUT", help="the file to write")
    export.add_argument("--format", help="the export format by name (default: from OUT's ending)")
    export.add_argument("--title", help="title of the page or image (default: the map's title)")
    export.add_argument(
        "--heat", action="store_true", help="run the change analysis and draw its scores as a heat overlay"
    )
    export.add_argument(
        "--change", metavar="IRI", help="the change proposal for --heat (default: the map's only one; implies --heat)"
    )
    export.add_argument(
        "--layout",
        choices=("map", "levels", "force", "hierarchical", "circular"),
        help="where nodes go (default 'map': the map's own places, by level for the rest)",
    )
    export.add_argument("--scale", type=float, help="PNG: pixels per logical pixel (default 2)")
    export.add_argument("--dpi", type=float, help="PNG: resolution instead of --scale (96 dpi is scale 1)")
    export.add_argument("--page-size", help="PDF: fit the drawing to paper (A4, A3, A2, letter, legal, tabloid)")
    _view_options(export)
    _base_option(export)
    export.set_defaults(func=cmd_export)

    report = commands.add_parser(
        "report",
        help="the change report for a board: resistance, reasons, levers, three logics, method (HTML or PDF)",
        description="Analyse the map's change proposal and write a report a board can read: "
        "the change, the map by level with the analysis heat, "
        "the points of likely resistance with reasons and citations, charts, levers, "
        "the three logics, the uncertainty caveat and a method note. The format comes from OUT's ending "
        "(.html: one self-contained page; .pdf).",
    )
    report.add_argument("map", help="the map file")
    report.add_argument("-o", "--output", required=True, metavar="OUT", help="the report to write (.html or .pdf)")
    report.add_argument("--change", help="IRI of the change proposal (default: the map's only one)")
    report.add_argument("--weights", help="a weights file (default: ontology/analysis-weights.toml)")
    report.add_argument("--format", choices=("html", "pdf"), help="the report's format (default: from OUT's ending)")
    report.add_argument("--title", help="the report's title (default: where the change may meet resistance)")
    report.add_argument(
        "--top",
        type=int,
        default=10,
        help="points shown with their reasons, and the k of the stability figure (default 10)",
    )
    report.add_argument("--seed", type=int, default=0, help="seed of the uncertainty runs (default 0)")
    report.add_argument(
        "--runs", type=int, default=None, help="number of uncertainty runs (default: from the weights; 0 skips)"
    )
    report.add_argument("--page-size", choices=("A4", "A3", "letter", "legal"), help="PDF paper size (default A4)")
    _view_options(report)
    _base_option(report)
    report.set_defaults(func=cmd_report)

    comparing = commands.add_parser(
        "compare",
        help="compare two analyses: two maps, two changes or two scenarios of one map; B minus A, explained",
        description="Analyse the change on each side and say how B differs from A: each side's people likely to "
        "resist with its interval, the difference with the share of paired uncertainty runs in which A is the more "
        "resistant, split by mechanism and by level (each adding up to the difference), the points that moved most "
        "and what differs in the maps. A and B may be the same file: then --change/--change-b compare two changes "
        "and --scenario/--scenario-b two scenarios ('as-is', or no option, is the map without a scenario).",
    )
    comparing.add_argument("a", metavar="A", help="the first map (the difference is B minus A)")
    comparing.add_argument("b", metavar="B", help="the second map (may be A itself)")
    comparing.add_argument("--change", metavar="IRI", help="A's change proposal (default: the map's only one)")
    comparing.add_argument(
        "--change-b", metavar="IRI", help="B's change proposal (default: --change when B has it, else B's only one)"
    )
    comparing.add_argument("--scenario", metavar="NAME", help="the scenario of A to analyse (default: as-is)")
    comparing.add_argument("--scenario-b", metavar="NAME", help="the scenario of B to analyse (default: as-is)")
    comparing.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default=None,
        help="what to print: table (default), json (every figure of the difference under 'difference') "
        "or csv (one row per point)",
    )
    comparing.add_argument(
        "-o", "--output", metavar="OUT", help="write the comparison report (.html or .pdf) instead of printing it"
    )
    comparing.add_argument(
        "--report-format", choices=("html", "pdf"), help="the report's format (default: from OUT's ending)"
    )
    comparing.add_argument("--title", help="the report's title")
    comparing.add_argument("--page-size", choices=("A4", "A3", "letter", "legal"), help="PDF paper size (default A4)")
    comparing.add_argument("--top", type=int, default=10, help="how many points and items to list (default 10)")
    comparing.add_argument("--weights", help="a weights file (default: ontology/analysis-weights.toml)")
    comparing.add_argument("--seed", type=int, default=0, help="seed of the uncertainty runs, both sides (default 0)")
    comparing.add_argument(
        "--runs", type=int, default=None, help="number of uncertainty runs (default: from the weights; 0 skips)"
    )
    _view_options(comparing, scenario=False)  # it has --scenario and --scenario-b of its own
    _base_option(comparing)  # both maps
    comparing.set_defaults(func=cmd_compare)

    listing = commands.add_parser("scenarios", help="list a map's scenarios and how much each changes")
    listing.add_argument("map", help="the map file")
    listing.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    _base_option(listing)
    listing.set_defaults(func=cmd_scenarios)

    sharing = commands.add_parser("share", help="share a map on a SPARQL server; prints the shared map's IRI")
    sharing.add_argument("map", help="the map file")
    sharing.add_argument("--endpoint", required=True, help="the server (http://host:7878, or …/sparql for Virtuoso)")
    sharing.add_argument("--title", default=None, help="the map's title on the server (default: the file's name)")
    sharing.add_argument("-o", "--output", default=None, help="also write a working copy (TriG) to sync")
    sharing.add_argument("--force", action="store_true", help="replace the working copy file if it exists")
    sharing.add_argument(
        "--update-endpoint",
        default=None,
        help="the update service, for engines of another layout (then the endpoint is the query service)",
    )
    _server_options(sharing)
    _base_option(sharing)
    sharing.set_defaults(func=cmd_share)

    cloning = commands.add_parser("clone", help="write a working copy (TriG) of a shared map")
    cloning.add_argument("endpoint", help="the server (http://host:7878, or …/sparql for Virtuoso)")
    cloning.add_argument("map_iri", help="the shared map's IRI (share prints it)")
    cloning.add_argument("-o", "--output", required=True, help="the working copy to write (.trig)")
    cloning.add_argument("--force", action="store_true", help="replace the file if it exists")
    cloning.add_argument(
        "--update-endpoint",
        default=None,
        help="the update service, for engines of another layout (then the endpoint is the query service)",
    )
    _server_options(cloning)
    cloning.set_defaults(func=cmd_clone)

    syncing = commands.add_parser(
        "sync", help="pull others' changes, merge and publish yours (exit 3 when conflicts wait)"
    )
    syncing.add_argument("map", help="the working copy (.trig)")
    syncing.add_argument("-m", "--message", default="", help="what your change does, for the history")
    choice = syncing.add_mutually_exclusive_group()
    choice.add_argument("--mine", action="store_true", help="settle waiting conflicts with your values")
    choice.add_argument("--theirs", action="store_true", help="settle waiting conflicts with the server's values")
    _server_options(syncing)
    syncing.set_defaults(func=cmd_sync)

    changes = commands.add_parser("history", help="a shared map's changes: who, when, what")
    changes.add_argument("map", help="the working copy (.trig)")
    changes.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    _server_options(changes)
    changes.set_defaults(func=cmd_history)

    query = commands.add_parser(
        "query",
        help="ask the map a SPARQL question: a saved one, a .rq file, or -e 'SELECT ...'",
        description="Run a SPARQL query on a map (its default graph is the map plus the ontology, or the map alone "
        "with --map-only; the map's and the "
        "ontology's prefixes are declared). SERVICE, LOAD and FROM other graphs are refused unless "
        "--allow-network. An update never changes MAP: with -o it writes the updated map to a new file.",
    )
    query.add_argument("map", help="the map file")
    query.add_argument(
        "query",
        nargs="?",
        metavar="FILE",
        help="a .rq file, - for stdin, or a saved question's name or number (e.g. 04)",
    )
    query.add_argument("-e", "--expression", metavar="QUERY", help="the query text itself")
    query.add_argument(
        "--format",
        choices=("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"),
        default="table",
        help="table (default; Turtle for CONSTRUCT/DESCRIBE), SPARQL results csv/tsv/json/xml, "
        "or ttl/nt/jsonld/xml for graphs",
    )
    query.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write the result here instead of stdout; for an update, the updated map (format from its name)",
    )
    query.add_argument("--allow-network", action="store_true", help="let SERVICE, LOAD and FROM other graphs through")
    query.add_argument(
        "--base",
        metavar="IRI",
        help="the absolute IRI relative IRIs resolve against, in the map and in the query "
        "(default: the map's void:uriSpace, else its file name)",
    )
    query.add_argument(
        "--map-only",
        action="store_true",
        help="the default graph is the map alone, without the ontology (still there by name: GRAPH, FROM); "
        "CLEAR ALL and DROP ALL then leave the ontology as it is",
    )
    query.add_argument("--timeout", type=float, default=30.0, help="seconds before the query is stopped (default 30)")
    query.add_argument("--limit", type=int, default=10_000, help="at most this many rows or triples (default 10000)")
    query.set_defaults(func=cmd_query)

    app = commands.add_parser("app", help="start the desktop app (the default)")
    app.add_argument("map", nargs="?", help="a map to open")
    app.set_defaults(func=cmd_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    positional = [a for a in argv if not a.startswith("-")]
    if (not positional or positional[0] not in SUBCOMMANDS) and not any(
        a in ("-h", "--help", "--version") for a in argv
    ):
        flags = [a for a in argv if a.startswith("-")]
        argv = flags + ["app"] + positional
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from . import self_test

        return self_test.main()
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
    except BrokenPipeError:
        # The reader of our output went away (``info | head``): nothing left to say to it, and
        # Python's own flush at exit must not fail again on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("routine-explorer: the output was closed before everything was written", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as err:
        if args.debug:
            raise
        print(
            f"routine-explorer: internal error: {type(err).__name__}: {printable(str(err))} "
            "(run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
