"""Benchmark edits through a named-graph view: a file with a graph per unit, 2,000 graphs.

Placing and un-placing 2,000 nodes, with a save after each, took 61 s when each statement
looked in every graph; ``tests/test_named_graph_view.py`` checks the number of lookups, this
measures the time. Printed beside it: the same edits, saves and undo on the same statements
kept in the map graph (a plain map, no view), measured in this run.

Usage::

    python tests/benchmarks/bench_graph_view.py [--graphs 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def _write(path: Path, graphs: int, named: bool) -> Path:
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    unit_kind = "https://w3id.org/routine-explorer/ns#Unit"
    lines = []
    for i in range(graphs):
        g = f" <https://data.example.org/graph/{i}>" if named else ""
        u = f"<https://data.example.org/unit/{i}>"
        lines += [f"{u} <{rdf_type}> <{unit_kind}>{g} .", f'{u} <{label}> "Unit {i}"{g} .']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _place_save_undo_save(path: Path, graphs: int, view: bool) -> float:
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from explorer.core import graph_view
    from explorer.core.commands import Command
    from explorer.core.document import MapDocument
    from explorer.core.namespaces import RX
    from explorer.core.terms import DEFAULT_GRAPH

    with MapDocument.open(path) as doc:
        if view:
            graph_view.show_view(doc)
        placed = [
            (
                URIRef(f"https://data.example.org/unit/{i}"),
                RX.canvasX,
                Literal(str(i), datatype=XSD.decimal),
                DEFAULT_GRAPH,
            )
            for i in range(graphs)
        ]
        started = time.perf_counter()
        doc.execute(Command("Place", added=placed))
        doc.save()
        doc.undo()
        doc.save()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-graph-view-"))
    os.environ["ROUTINE_EXPLORER_DATA_DIR"] = str(folder / "state")
    named = _write(folder / "per-unit.nq", args.graphs, named=True)
    plain = _write(folder / "plain.nt", args.graphs, named=False)
    _place_save_undo_save(plain, 10, view=False)  # warm up: imports and the ontology
    ours = min(_place_save_undo_save(named, args.graphs, view=True) for _ in range(3))
    base = min(_place_save_undo_save(plain, args.graphs, view=False) for _ in range(3))
    print(
        f"{'place, save, undo, save: ' + format(args.graphs, ',') + ' nodes':<48} "
        f"{'view, a graph a unit':>22} {'plain map':>12}"
    )
    print(f"{'time (was 61 s through the view)':<48} {ours:21.2f}s {base:11.2f}s   {ours / base:.1f}x")


if __name__ == "__main__":
    main()
