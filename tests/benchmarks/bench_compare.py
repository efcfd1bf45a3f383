"""Benchmark comparing two analyses: two 10k-node maps with the uncertainty runs (target < 5 s).

Map A is the generated organisation with one change proposal of ``bench_change.py``;
map B is a perturbed copy of it (``_perturbed``): 5 % of the people's values
(attitude, change fatigue) redrawn, 1 % of the people removed with their ties,
as many new people added, 1 % of the membership ties moved to another unit,
and a second concurrent initiative rolled out to a few units.

Printed beside the comparison, measured in the same run on the same maps: the
baseline, **one** analysis of map A with the same uncertainty runs (what each side
of a comparison costs), so the reader sees compare = two analyses + the
matching, the decomposition and the structural difference. The projections of
the two maps (map graphs) are timed apart: the app pays them before either.
Each size runs in its own process so its peak memory is its own. No timed
assertions: figures only.

Usage::

    python tests/benchmarks/bench_compare.py [--sizes 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
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
DEC = "http://www.w3.org/2001/XMLSchema#decimal"


def _perturbed(path: Path, seed: int = 7) -> Path:
    """A perturbed copy of the map at ``path`` (N-Triples), cached beside it (see the module notes)."""
    out = path.with_name(path.stem + f"-perturbed-s{seed}.nt")
    if out.exists():
        return out
    rng = random.Random(seed)
    lines = path.read_text(encoding="utf-8").splitlines()
    people = sorted({line.split(" ", 1)[0] for line in lines if line.startswith(f"<{BASE}person/")})
    units = sorted({line.split(" ", 1)[0] for line in lines if line.startswith(f"<{BASE}unit/")})
    gone = set(rng.sample(people, max(1, len(people) // 100)))
    redraw = {p for p in rng.sample(people, max(1, len(people) // 20)) if p not in gone}
    kept, moved_ties = [], 0
    by_person: dict = {}
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        obj = rest[: -len(" .")] if rest.endswith(" .") else rest
        if subject in gone or obj in gone:
            continue
        if subject in redraw and predicate in (f"<{RX}attitude>", f"<{RX}changeFatigue>"):
            low = -1 if predicate.endswith("attitude>") else 0
            line = f'{subject} {predicate} "{rng.uniform(low, 1):.2f}"^^<{DEC}> .'
        elif predicate == "<http://www.w3.org/ns/org#memberOf>" and rng.random() < 0.01:
            line = f"{subject} {predicate} {rng.choice(units)} ."
            moved_ties += 1
        kept.append(line)
        if subject.startswith(f"<{BASE}person/"):
            by_person.setdefault(subject, []).append(line)
    # New people: each a copy of an existing person (their ties too) under a new IRI and name.
    models = rng.sample(sorted(by_person), len(gone))
    for k, model in enumerate(models):
        new = f"<{BASE}person/new-{k}>"
        for line in by_person[model]:
            line = new + line[len(model) :]
            if "rdf-schema#label" in line:
                line = f'{new} <http://www.w3.org/2000/01/rdf-schema#label> "New person {k}" .'
            kept.append(line)
    other = f"<{BASE}change/3>"
    kept += [
        f"{other} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RX}Initiative> .",
        f"{other} <{RX}runsConcurrentlyWith> <{BASE}change/1> .",
    ] + [f"{other} <{RX}rolledOutTo> {unit} ." for unit in rng.sample(units, max(1, len(units) // 10))]
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return out


def _timed(fn, repeat: int) -> tuple[float, object]:
    """The median wall time of ``repeat`` calls of ``fn`` and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _measure(path_a: str, path_b: str, repeat: int) -> dict:
    os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp())
    from explorer.analysis.change import analyse_change
    from explorer.analysis.compare import compare, structure_words
    from explorer.analysis.graph import map_graph
    from explorer.analysis.weights import load_weights
    from explorer.core.document import MapDocument

    weights = load_weights()
    graphs, projection = [], 0.0
    for path in (path_a, path_b):
        doc = MapDocument.open(path, editing=False)
        start = time.perf_counter()
        graphs.append(map_graph(doc.store))
        projection += time.perf_counter() - start
    A, B = graphs
    # Warm both code paths once (imports, weight tables) so neither figure pays them.
    compare(A, B, weights=weights, runs=2)
    one, analysis = _timed(lambda: analyse_change(A, weights=weights, levers=False), repeat)
    both, result = _timed(lambda: compare(A, B, weights=weights, names=("A", "B")), repeat)
    d = result.difference
    return {
        "nodes": (A.number_of_nodes(), B.number_of_nodes()),
        "edges": (A.number_of_edges(), B.number_of_edges()),
        "projection": projection,
        "analysis": one,
        "compare": both,
        "runs": result.runs,
        "analysis_runs": analysis.runs,
        "figures": (result.a.figure.value, result.b.figure.value),
        "difference": (d.figure, d.low, d.high),
        "a_more": d.a_more_resistant,
        "leading": [(p.label, p.value) for p in d.by_mechanism[:3]],
        "moved": len(result.moved),
        "structure": structure_words(result.structure),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3, help="median of this many timings of each")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(*args.measure, args.repeat)))
        return
    from bench_change import _with_change

    print(
        f"{'nodes A/B':>15} {'projections':>12} {'1 analysis':>11} {'compare':>8} {'ratio':>6} {'target':>7} "
        f"{'peak MB':>8}"
    )
    for size in args.sizes:
        a = _with_change(size)
        b = _perturbed(a)
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(a), str(b), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        nodes = f"{r['nodes'][0]:,}/{r['nodes'][1]:,}"
        print(
            f"{nodes:>15} {r['projection']:>11.2f}s {r['analysis']:>10.2f}s {r['compare']:>7.2f}s "
            f"{r['compare'] / r['analysis']:>5.1f}x {'5 s':>7} {r['peak_mb']:>8.0f}"
        )
        fa, fb = r["figures"]
        diff, low, high = r["difference"]
        print(
            f"{'':>15} {r['runs']} paired uncertainty runs (the analysis alone: {r['analysis_runs']}); "
            f"figures A {fa:,.1f}, B {fb:,.1f}; B - A {diff:+,.1f} ({low:+,.1f} to {high:+,.1f}), "
            f"A the more resistant in {r['a_more']:.0%} of runs"
        )
        print(
            f"{'':>15} leading: "
            + ", ".join(f"{label} {value:+,.1f}" for label, value in r["leading"])
            + f"; {r['moved']:,} points listed; maps: {r['structure']}"
        )


if __name__ == "__main__":
    main()
