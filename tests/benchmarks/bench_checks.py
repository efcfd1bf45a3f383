"""Benchmark the Checks panel's work on synthetic maps of 1k and 10k nodes, beside the CLI ``validate`` path.

For each size: the CLI path (``validate(doc)``, what ``routine-explorer validate`` runs), then the checks
(:func:`explorer.analysis.checks.map_checks`: the same validation plus the analysis's missing inputs for each
change proposal), and the panel's own steps: the copy taken on the UI thread (``snapshot``) and the check of
the copy on the worker thread (``checks_of_snapshot``). The synthetic organisation gets one change proposal
that disrupts a tenth of the routines and violates a tenth of the norms, so the analysis has work to do.

Usage::

    python tests/benchmarks/bench_checks.py [--nodes 1000 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp())

from synthetic import BASE, RX, triples_for_nodes, write

from explorer.analysis.checks import checks_of_snapshot, map_checks, snapshot
from explorer.core.document import MapDocument
from explorer.core.validation import validate


def _timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _with_change(path: Path, nodes: int) -> None:
    """Append a change proposal that disrupts some routines and violates some norms."""
    routines = max(4, round(triples_for_nodes(nodes) / 11.57) // 5)
    norms = max(3, routines // 8)
    change = f"<{BASE}change/0>"
    lines = [
        f"{change} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RX}ChangeProposal> .",
        f'{change} <http://www.w3.org/2000/01/rdf-schema#label> "Synthetic change" .',
    ]
    lines += [f"{change} <{RX}disrupts> <{BASE}routine/{r}> ." for r in range(0, routines, 10)]
    lines += [f"{change} <{RX}violates> <{BASE}norm/{n}> ." for n in range(0, norms, 10)]
    with open(path, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1_000, 10_000])
    args = parser.parse_args()
    print(f"{'nodes':>7} {'triples':>8} {'CLI validate':>13} {'checks':>8} {'snapshot':>9} {'worker':>8}  found")
    with tempfile.TemporaryDirectory() as folder:
        for nodes in args.nodes:
            path = write(Path(folder) / f"org-{nodes}.nt", triples_for_nodes(nodes))
            _with_change(path, nodes)
            doc = MapDocument.open(path, editing=False)
            try:
                cli, report = _timed(lambda: validate(doc))  # noqa: B023 - called at once
                ours, checks = _timed(lambda: map_checks(doc))  # noqa: B023
                copy, data = _timed(lambda: snapshot(doc))  # noqa: B023
                worker, _ = _timed(lambda: checks_of_snapshot(data))  # noqa: B023
                print(
                    f"{nodes:>7,} {doc.store.count():>8,} {cli:>12.2f}s {ours:>7.2f}s {copy * 1000:>7.0f}ms "
                    f"{worker:>7.2f}s  {len(report.results):,} shape results; {len(checks.checks):,} checks "
                    f"({checks.summary()})"
                )
            finally:
                doc.close()


if __name__ == "__main__":
    main()
