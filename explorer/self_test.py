"""``routine-explorer --self-test``: does this copy of the app work here? One line per check, headless.

It does what a user does first, through the same functions the app and the command line use: it
opens each sample map, validates it against the shapes, runs the change analysis, asks a SPARQL
question through the query service (whose engine is a process of its own), writes every export
and both reports into a temporary folder (reading the RDF ones back), and runs the map checks in a
child process as the Checks panel does. It also checks what a frozen bundle can silently lose: the
ontology and shapes, the user guide, rdflib's Oxigraph store (found through package metadata) and
the versions of everything. Images and PDFs are drawn on Qt's ``offscreen`` platform, so no display
is needed.

Each line reads ``ok`` or ``FAIL``, what was checked, what it found (or the error), and the seconds
it took; the last line counts them. The exit status is 0 when every check passed, 1 otherwise. It
runs the same from a source install and from the bundle (``scripts/build_bundle.py``).

Examples
--------
>>> outcome = Outcome("versions", True, "Routine Explorer 0.1.0", 0.01)
>>> outcome.line()
'ok    versions: Routine Explorer 0.1.0 (0.0 s)'
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .core.errors import ExplorerError, printable
from .core.text import one_line

#: The SPARQL question asked of each sample: its nodes by kind.
QUESTION = "SELECT ?kind (COUNT(?node) AS ?nodes) WHERE { ?node a ?kind } GROUP BY ?kind ORDER BY DESC(?nodes)"
#: Uncertainty runs of the analysis: enough to exercise them, few enough to stay quick.
RUNS = 20
#: Seconds a child process (the map checks, a query) may take before the check fails.
TIMEOUT = 120
#: Export formats whose files are read back and must hold what the map holds.
_READ_BACK = {"ttl", "trig", "nt", "nq", "jsonld", "rdfxml"}


@dataclass(frozen=True)
class Outcome:
    """One check's result."""

    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        """The check as the self-test prints it."""
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail} ({self.seconds:.1f} s)"


def run_check(name: str, check: Callable[[], str]) -> Outcome:
    """Run ``check`` (which returns what it found, or raises); any error is a failure, said in one line."""
    start = time.perf_counter()
    try:
        detail, ok = check(), True
    except Exception as err:  # noqa: BLE001 - a self-test reports every failure and goes on
        reason = str(err) if isinstance(err, ExplorerError) else f"{type(err).__name__}: {err}"
        detail, ok = one_line(printable(reason), 300), False
    return Outcome(name, ok, detail, time.perf_counter() - start)


def checks(folder: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """The checks in order, as ``(name, check)``; files are written into ``folder``."""
    from .core.resources import sample_maps

    yield "versions", _versions
    yield "ontology and shapes", _ontology
    yield "rdflib uses the Oxigraph store", _rdflib_store
    yield "user guide", _guide
    yield "map checks in a child process", _checks_in_child
    samples = sample_maps()
    if not samples:
        yield "sample maps", _no_samples
    for path in samples:
        yield from _sample_checks(path, folder)


def run(out: TextIO | None = None, folder: Path | None = None) -> list[Outcome]:
    """Run every check, printing each line to ``out`` as it ends; returns the outcomes."""
    out = out or sys.stdout
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="routine-explorer-self-test-") as temporary:
        where = Path(folder or temporary)
        where.mkdir(parents=True, exist_ok=True)
        for name, check in checks(where):
            outcome = run_check(name, check)
            outcomes.append(outcome)
            print(outcome.line(), file=out, flush=True)
    failed = sum(not o.ok for o in outcomes)
    summary = f"{failed} of {len(outcomes)} checks failed" if failed else f"all {len(outcomes)} checks passed"
    print(summary, file=out, flush=True)
    return outcomes


def main(out: TextIO | None = None) -> int:
    """``routine-explorer --self-test``: 0 when every check passed, 1 otherwise."""
    return 0 if all(o.ok for o in run(out)) else 1


# ----------------------------------------------------------------------------- the checks
def _versions() -> str:
    from .core.software import library_versions, ontology_version, software_line

    missing = [name for name, version in library_versions().items() if version == "not installed"]
    if missing:
        raise ExplorerError(f"not installed: {', '.join(missing)}")
    return f"{software_line()}; ontology {ontology_version()}"


def _ontology() -> str:
    from .core.document import MapDocument
    from .core.resources import ontology_dir
    from .core.schema import schema_of
    from .core.terms import ONTOLOGY_GRAPH

    doc = MapDocument.new(editing=False)
    try:
        statements = doc.store.count(ONTOLOGY_GRAPH)
        kinds = len(schema_of(doc).kinds)
    finally:
        doc.close()
    shapes = len(list((ontology_dir() / "shapes").glob("*.ttl")))
    if not statements or not kinds or not shapes:
        raise ExplorerError(f"{statements} ontology statements, {kinds} kinds, {shapes} shape files ({ontology_dir()})")
    return f"{statements:,} ontology statements, {kinds} kinds, {shapes} shape file{'s' if shapes != 1 else ''}"


def _rdflib_store() -> str:
    # rdflib finds oxrdflib's store through package metadata (entry points): a bundle without that
    # metadata falls back to rdflib's slow memory store without a word.
    import rdflib
    from rdflib import plugin
    from rdflib.store import Store

    store = plugin.get("Oxigraph", Store)
    graph = rdflib.Graph(store="Oxigraph")
    graph.add((rdflib.URIRef("urn:x:a"), rdflib.RDF.type, rdflib.URIRef("urn:x:K")))
    if len(graph) != 1:
        raise ExplorerError("the Oxigraph store did not keep a statement")
    return f"{store.__module__}.{store.__name__}"


def _guide() -> str:
    from .core.resources import docs_dir

    folder = docs_dir() / "guide"
    pages = sorted(folder.glob("*.md"))
    if not (folder / "index.md").is_file():
        raise ExplorerError(f"the user guide is missing from {folder}")
    return f"{len(pages)} chapters in {folder}"


def _checks_in_child() -> str:
    # As the Checks panel does: a spawned process (in a bundle, the app's own executable started again).
    from .analysis.checks import checks_in_process, snapshot
    from .core.document import MapDocument
    from .core.resources import sample_maps

    doc = MapDocument.open(sample_maps()[0], editing=False) if sample_maps() else MapDocument.new(editing=False)
    try:
        data = snapshot(doc)
    finally:
        doc.close()
    with tempfile.NamedTemporaryFile(prefix="routine-explorer-checks-", suffix=".nq", delete=False) as handle:
        handle.write(data)
    context = multiprocessing.get_context("spawn")
    outbox = context.Queue()
    child = context.Process(target=checks_in_process, args=(outbox, handle.name), daemon=True)
    try:
        child.start()
        answer = outbox.get(timeout=TIMEOUT)
        child.join(TIMEOUT)
    finally:
        if child.is_alive():
            child.kill()
        Path(handle.name).unlink(missing_ok=True)
    if answer[0] != "result":
        raise ExplorerError(f"the checks failed in the child process: {answer[1]}")
    report = pickle.loads(answer[1])
    return f"{len(report.checks)} findings on {sample_maps()[0].name if sample_maps() else 'a new map'}"


def _no_samples() -> str:
    from .core.resources import sample_graphs_dir

    raise ExplorerError(f"no sample maps in {sample_graphs_dir()}")


def _sample_checks(path: Path, folder: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """Open, validate, analyse, query, export and report one sample map."""
    state: dict = {}

    def opened():
        if "doc" not in state:
            raise ExplorerError("the map did not open")
        return state["doc"]

    def open_map() -> str:
        from .core.document import MapDocument
        from .core.info import summarise

        state["doc"] = doc = MapDocument.open(path, editing=False, with_ontology=True)
        summary = summarise(doc)
        return f"{summary.triples:,} statements, {sum(k.nodes for k in summary.kinds):,} typed nodes"

    def validate() -> str:
        from .core.validation import validate as shacl

        report = shacl(opened())
        if not report.conforms:
            first = next((r.as_text() for r in report.results if r.severity == "Violation"), "")
            raise ExplorerError(f"{report.violations} violation(s): {first}")
        return f"conforms ({report.warnings} warning(s))"

    def analyse() -> str:
        from .io.report import run_analysis

        state["analysis"] = result = run_analysis(opened(), runs=RUNS)
        if not result.points:
            return f"“{one_line(result.change_label, 60)}”: no point likely to resist"
        top = result.points[0]
        return (
            f"“{one_line(result.change_label, 60)}”: {len(result.points)} points, first "
            f"“{one_line(top.label, 40)}” at {top.likelihood:.0%}"
        )

    def query() -> str:
        from .sparql import QueryService

        with QueryService(opened(), timeout=TIMEOUT) as service:
            outcome = service.run(QUESTION)
        if not outcome.rows:
            raise ExplorerError("the question found no node")
        return f"{len(outcome.rows)} kinds, {outcome.message}"

    yield f"open {path.name}", open_map
    yield f"validate {path.name}", validate
    yield f"analyse {path.name}", analyse
    yield f"query {path.name}", query
    yield from _export_checks(path, folder, opened)
    yield from _report_checks(path, folder, opened, state)
    yield f"close {path.name}", lambda: (opened().close(), "closed")[1]


def _export_checks(path: Path, folder: Path, opened) -> Iterator[tuple[str, Callable[[], str]]]:
    from .io.registry import formats

    for fmt in formats("export"):

        def export(fmt=fmt) -> str:
            target = folder / f"{path.stem}.{fmt.extensions[0]}"
            doc = opened()
            fmt.load()(doc, target, title=None, heat=None, progress=None)
            if fmt.name == "csv":
                from .io.csv_tables import csv_paths

                written = list(csv_paths(target))
            else:
                written = [target]
            size = sum(p.stat().st_size for p in written)
            if not size:
                raise ExplorerError(f"{target.name} is empty")
            found = f"{size:,} bytes"
            if fmt.name in _READ_BACK:
                found += _read_back(doc, target)
            return found

        yield f"export {path.name} as {fmt.label}", export


def _read_back(doc, target: Path) -> str:
    """The export read again must hold the map graph's statements (one-graph formats hold only those)."""
    from .core.document import MapDocument

    again = MapDocument.open(target, editing=False, with_ontology=False)
    try:
        held, expected = again.store.count(), doc.store.count()
    finally:
        again.close()
    if held != expected:
        raise ExplorerError(f"{target.name} reads back {held:,} statements, the map holds {expected:,}")
    return f", {held:,} statements read back"


def _report_checks(path: Path, folder: Path, opened, state: dict) -> Iterator[tuple[str, Callable[[], str]]]:
    from .io.registry import formats

    for fmt in formats("report"):

        def report(fmt=fmt) -> str:
            if "analysis" not in state:
                raise ExplorerError("the analysis did not run")
            target = folder / f"{path.stem}-report.{fmt.extensions[0]}"
            doc, analysis = opened(), state["analysis"]
            options: dict = {"analysis": analysis}
            if fmt.name == "html":
                # The report's map is drawn by the canvas, as `routine-explorer report` draws it.
                from .ui.files.report_pdf import report_map_png

                options["map_image"] = report_map_png(doc, analysis)
            fmt.load()(doc, target, **options)
            return f"{target.stat().st_size:,} bytes"

        yield f"report {path.name} as {fmt.label}", report


__all__ = ["Outcome", "checks", "main", "run", "run_check"]
