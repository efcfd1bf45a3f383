"""Benchmark the query service: what running queries in a separate engine process costs.

pyoxigraph cannot interrupt a query, so :class:`explorer.sparql.QueryService`
runs them in a child process holding a copy of the map (see
``explorer/sparql/service.py``). Each figure is printed beside the same work
done by pyoxigraph in this process (the baseline, which cannot be cancelled),
measured in this run on the same generated map.

Then the bounds of hostile text and runaway queries (``tests/test_sparql_hostile.py``
and ``tests/sparql/test_cancel.py`` check what happens; these are the times): how
soon a timeout stops a query, how long another thread (the app's UI thread) waits at
most while a runaway query runs or a 60,000-letter word is read, beside the same
thread with nothing running, and the command line refusing hostile texts, beside
the command line answering ``ASK {}``.

Usage::

    python tests/benchmarks/bench_sparql.py --nodes 10000
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import synthetic  # noqa: E402

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GROUP = "SELECT ?kind (COUNT(?s) AS ?n) WHERE { ?s a ?kind } GROUP BY ?kind"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
UPDATE = "DELETE { ?p rx:attitude ?a } INSERT { ?p rx:attitude 0 } WHERE { ?p rx:attitude ?a FILTER (?a < 0) }"


def _best(work, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _row(what: str, ours: float, baseline: float | None, unit: str = "s") -> None:
    ratio = f"{ours / baseline:6.1f}x" if baseline else "      "
    base = f"{baseline:8.3f} {unit}" if baseline is not None else " " * 10
    print(f"{what:<46} {ours:8.3f} {unit}   baseline {base}   {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rx-bench-sparql-"))
    os.environ["ROUTINE_EXPLORER_DATA_DIR"] = str(folder / "state")

    import pyoxigraph as ox
    from rdflib import RDFS, Literal, URIRef

    from explorer.core.commands import set_property
    from explorer.core.document import MapDocument
    from explorer.sparql import Cancelled, QueryService

    source = synthetic.write_nodes(folder / "map.nt", args.nodes)
    doc = MapDocument.open(source)
    print(
        f"map: {args.nodes:,} nodes, {doc.store.count():,} triples "
        f"(+{len(doc.store.oxigraph) - doc.store.count():,} ontology)"
    )
    native = doc.store.oxigraph
    data = native.dump(format=ox.RdfFormat.N_QUADS)

    service = QueryService(doc)
    started = time.perf_counter()
    service.prepare()
    first = time.perf_counter() - started
    _row(
        "copy the map into a new engine (prepare)",
        first,
        _best(lambda: ox.Store().load(data, format=ox.RdfFormat.N_QUADS), 3),
    )
    service.kind(COUNT), service.kind(GROUP)
    _row(
        "COUNT(*) over the map + ontology", _best(lambda: service.run(COUNT)), _best(lambda: list(native.query(COUNT)))
    )
    _row("GROUP BY kind", _best(lambda: service.run(GROUP)), _best(lambda: list(native.query(GROUP))))
    _row(
        "a 10,000-row SELECT",
        _best(lambda: service.run("SELECT * WHERE { ?s ?p ?o } LIMIT 10000"), 3),
        _best(lambda: list(native.query("SELECT * WHERE { ?s ?p ?o } LIMIT 10000")), 3),
    )
    node = URIRef("https://example.org/synthetic/person/1")
    doc.execute(set_property(doc.store, node, RDFS.label, Literal("Renamed")))
    started = time.perf_counter()
    service.run("SELECT ?l WHERE { <https://example.org/synthetic/person/1> rdfs:label ?l }")
    _row("first query after an edit (edit replayed)", time.perf_counter() - started, None)

    latencies = []
    for _ in range(3):
        cancel, ended = threading.Event(), {}

        def work():
            try:
                service.run(RUNAWAY, cancel=cancel)  # noqa: B023 - the thread is joined in this iteration
            except Cancelled:
                ended["at"] = time.perf_counter()  # noqa: B023 - the thread is joined in this iteration

        worker = threading.Thread(target=work)
        worker.start()
        time.sleep(0.5)
        asked = time.perf_counter()
        cancel.set()
        worker.join()
        latencies.append(ended["at"] - asked)
    _row("cancel a runaway query (worst of 3)", max(latencies), None)
    started = time.perf_counter()
    service.run("ASK { ?s ?p ?o }")
    _row("first query after a cancel (new engine + copy)", time.perf_counter() - started, None)
    service.kind(UPDATE)
    started = time.perf_counter()
    outcome = service.run(UPDATE)
    _row(
        f"UPDATE as a diff ({len(outcome.command.added) + len(outcome.command.removed):,} quads)",
        time.perf_counter() - started,
        None,
    )
    started = time.perf_counter()
    doc.execute(outcome.command)
    _row("execute it on the map", time.perf_counter() - started, None)
    hostile(service)
    service.close()
    doc.close()
    hostile_cli(folder)


def _longest_wait(work) -> float:
    """The longest gap between the steps of a thread sleeping 10 ms at a time while ``work()`` runs in another."""
    worker = threading.Thread(target=work)
    worker.start()
    slowest, last = 0.0, time.perf_counter()
    while worker.is_alive():
        time.sleep(0.01)
        now = time.perf_counter()
        slowest, last = max(slowest, now - last), now
    worker.join()
    return slowest


def hostile(service) -> None:
    from explorer.core.errors import QueryError
    from explorer.sparql import Cancelled, QueryTimeout

    def expect(error, work):
        def run():
            with contextlib.suppress(error):
                work()

        return run

    started = time.perf_counter()
    expect(QueryTimeout, lambda: service.run(RUNAWAY, timeout=0.5))()
    _row("a runaway query under a 0.5 s timeout, stopped", time.perf_counter() - started, None)
    idle = _longest_wait(lambda: time.sleep(1.0))
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    _row(
        "other thread's longest wait: runaway query",
        _longest_wait(expect(Cancelled, lambda: service.run(RUNAWAY, cancel=cancel))),
        idle,
    )
    word = "a" * 60_000 + " b"
    _row(
        "other thread's longest wait: 60,000 letters",
        _longest_wait(expect(QueryError, lambda: service.kind(word))),
        idle,
    )
    long_text = "a" * 1_000_001
    started = time.perf_counter()
    expect(QueryError, lambda: service.kind(long_text))()
    _row("refuse a 1,000,001-character text", time.perf_counter() - started, None)


def hostile_cli(folder: Path) -> None:
    import subprocess

    keystone = HERE.parents[1] / "sample_graphs" / "keystone-michigan.ttl"
    env = {**os.environ, "ROUTINE_EXPLORER_DATA_DIR": str(folder / "cli-state")}

    def cli(*args) -> float:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "explorer", "query", str(keystone), *args],
            capture_output=True,
            env=env,
            cwd=HERE.parents[1],
        )
        return time.perf_counter() - started

    def text(name: str, body: str) -> str:
        path = folder / name
        path.write_text(body, encoding="utf-8")
        return str(path)

    plain = min(cli("-e", "ASK {}") for _ in range(2))
    prefixes = "".join(f"PREFIX p{i}: <http://e/{i}#>\n" for i in range(30_000)) + "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    cases = [
        ("CLI: refuse a 100,000-letter word", (text("word.rq", "a" * 100_000), "--timeout", "5")),
        ("CLI: refuse a 1,000,001-character text", (text("long.rq", "a" * 1_000_001), "--timeout", "5")),
        ("CLI: stop reading 30,000 PREFIX lines at 2 s", (text("prefixes.rq", prefixes), "--timeout", "2")),
    ]
    for label, args in cases:
        _row(label, cli(*args), plain)


if __name__ == "__main__":
    main()
