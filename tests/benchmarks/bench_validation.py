"""Benchmark SHACL validation of the sample maps against the shapes (target < 3 s a sample).

Each sample is validated with the map shapes and the ontology, as ``tests/ontology/test_shapes.py``
does; beside it, the same pyshacl call with an empty shapes graph on the same data, measured in
this run (what pyshacl costs before any shape is checked).

Usage::

    python tests/benchmarks/bench_validation.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyshacl
from rdflib import Graph

REPO = Path(__file__).resolve().parents[2]


def _best(work, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    ontology = Graph().parse(REPO / "ontology" / "routine-explorer.ttl", format="turtle")
    shapes = Graph().parse(REPO / "ontology" / "shapes" / "map-shapes.ttl", format="turtle")
    print(f"{'sample (target < 3 s)':<34} {'validate':>10} {'no shapes':>10}   ratio")
    for path in sorted((REPO / "sample_graphs").glob("*.ttl")):
        data = Graph().parse(path, format="turtle")
        # The lambdas run inside _best, in this iteration, so each sees this sample's data.
        ours = _best(lambda: pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none"))  # noqa: B023
        base = _best(lambda: pyshacl.validate(data, shacl_graph=Graph(), ont_graph=ontology, inference="none"))  # noqa: B023
        print(f"{path.stem:<34} {ours:9.2f}s {base:9.2f}s   {ours / base:5.1f}x")


if __name__ == "__main__":
    main()
