"""Benchmark the change analysis on generated organisations: 10k nodes (target < 2 s) and 100k (< 30 s, < 4 GB).

The generated organisation (``synthetic.py``) gets one change proposal: top-down,
disrupting 2 % of the routines, violating a tenth of the norms, rolled out to
half of the units, running alongside another initiative, with stances from 5 %
of the people. Each size runs in its own process so its peak memory is its own.
Printed beside each figure: the same analysis with the uncertainty runs off,
and the map projection alone (the baseline every analysis pays); the levers
(each one more run of the model with its edit) are timed on their own. Last,
how many of the validation set's published orderings hold (tests/validation).

Usage::

    python tests/benchmarks/bench_change.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

RX = "https://w3id.org/routine-explorer/ns#"
BASE = "https://example.org/synthetic/"


def _with_change(nodes: int, seed: int = 1) -> Path:
    """A generated organisation plus one change proposal (N-Triples), cached in tests/benchmarks/data."""
    import synthetic

    DATA.mkdir(exist_ok=True)
    path = DATA / f"change-{nodes}-s{seed}.nt"
    if path.exists():
        return path
    base = (
        synthetic.write_nodes(DATA / f"canvas-{nodes}-s{seed}.nt", nodes, seed)
        if not (DATA / f"canvas-{nodes}-s{seed}.nt").exists()
        else DATA / f"canvas-{nodes}-s{seed}.nt"
    )
    lines = base.read_text(encoding="utf-8").splitlines()
    kinds = {"routine": set(), "norm": set(), "unit": set(), "person": set()}
    for line in lines:
        for kind in kinds:
            marker = f"<{BASE}{kind}/"
            if line.startswith(marker):
                kinds[kind].add(line.split(" ", 1)[0])
    rng = random.Random(seed)
    change, other = f"<{BASE}change/1>", f"<{BASE}change/2>"
    extra = [
        f"{change} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RX}ChangeProposal> .",
        f'{change} <http://www.w3.org/2000/01/rdf-schema#label> "Synthetic change" .',
        f"{change} <{RX}sponsorshipMode> <{RX}topDown> .",
        f'{change} <{RX}complexity> "0.6"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
        f"{other} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RX}Initiative> .",
        f"{other} <{RX}runsConcurrentlyWith> {change} .",
    ]
    for i, routine in enumerate(rng.sample(sorted(kinds["routine"]), max(1, len(kinds["routine"]) // 50))):
        tie = f"<{BASE}disruption/{i}>"
        extra += [
            f"{tie} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RX}Disruption> .",
            f"{tie} <{RX}from> {change} .",
            f"{tie} <{RX}to> {routine} .",
            f'{tie} <{RX}degree> "{rng.uniform(0.2, 0.9):.2f}"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
        ]
    for norm in rng.sample(sorted(kinds["norm"]), max(1, len(kinds["norm"]) // 10)):
        extra.append(f"{change} <{RX}violates> {norm} .")
    for unit in rng.sample(sorted(kinds["unit"]), max(1, len(kinds["unit"]) // 2)):
        extra += [f"{change} <{RX}rolledOutTo> {unit} .", f"{other} <{RX}rolledOutTo> {unit} ."]
    for i, person in enumerate(rng.sample(sorted(kinds["person"]), max(1, len(kinds["person"]) // 20))):
        tie = f"<{BASE}stance/{i}>"
        extra += [
            f"{tie} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RX}Stance> .",
            f"{tie} <{RX}from> {person} .",
            f"{tie} <{RX}to> {change} .",
            f'{tie} <{RX}attitude> "{rng.uniform(-1, 1):.2f}"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
        ]
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    return path


def _measure(path: str) -> dict:
    os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp())
    from explorer.analysis.change import analyse_change
    from explorer.analysis.graph import map_graph
    from explorer.core.document import MapDocument

    doc = MapDocument.open(path, editing=False)
    start = time.perf_counter()
    G = map_graph(doc.store)
    projection = time.perf_counter() - start
    start = time.perf_counter()
    quick = analyse_change(G, runs=0, levers=False)
    without = time.perf_counter() - start
    start = time.perf_counter()
    full = analyse_change(G, levers=False)
    with_runs = time.perf_counter() - start
    start = time.perf_counter()
    levered = analyse_change(G, runs=0, levers=True)
    levers = time.perf_counter() - start - without
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "points": len(full.points),
        "impacts": len(full.impacts),
        "projection": projection,
        "analysis": without,
        "full": with_runs,
        "runs": full.runs,
        "levers": levers,
        "lever_count": len(levered.levers),
        "figure": full.figure.value,
        "low": full.figure.low,
        "high": full.figure.high,
        "people": full.figure.people,
        "same_ranking": [p.node for p in quick.points[:10]] == [p.node for p in full.points[:10]],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure)))
        return
    print(
        f"{'nodes':>8} {'edges':>8} {'points':>7} {'projection':>11} {'analysis':>9} {'+ runs':>8} {'target':>7} "
        f"{'levers':>8} {'peak MB':>8}"
    )
    for size in args.sizes:
        path = _with_change(size)
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        target = "2 s" if size <= 10_000 else "30 s"
        print(
            f"{r['nodes']:>8,} {r['edges']:>8,} {r['points']:>7,} {r['projection']:>10.2f}s {r['analysis']:>8.2f}s "
            f"{r['full']:>7.2f}s {target:>7} {r['levers']:>7.2f}s {r['peak_mb']:>8.0f}"
        )
        print(
            f"{'':>8} {r['runs']} uncertainty runs (weights and inputs); {r['lever_count']} levers, "
            "each a run of the model with its edit; "
            f"context figure {r['figure']:,.0f} ({r['low']:,.0f}-{r['high']:,.0f}) "
            f"of the {r['people']:,.0f} people exposed likely to resist; "
            f"top 10 the same with and without runs: {r['same_ranking']}"
        )
    # How many of the validation set's published orderings the analysis reproduces (tests/validation).
    sys.path.insert(0, str(HERE.parent / "validation"))
    from agreement import compare, table

    print("\nValidation set (tests/validation):\n" + table(compare(runs=200)))


if __name__ == "__main__":
    main()
