"""Benchmark the Checks panel's work on synthetic maps of 1k and 10k nodes, beside the CLI ``validate`` path.

For each size: the CLI path (``validate(doc)``, what ``routine-explorer validate`` runs), then the checks
(:func:`explorer.analysis.checks.map_checks`: the same validation plus the analysis's missing inputs for each
change proposal), and the panel's own steps: the copy taken on the UI thread (``snapshot``) and the check of
the copy (``checks_of_snapshot``). The synthetic organisation gets one change proposal
that disrupts a tenth of the routines and violates a tenth of the norms, so the analysis has work to do.

Then the panel's two ways of running the check, side by side in the same run: on a worker thread (as it did
before: pure-Python pySHACL holds the GIL) and in a child process (``ProcessRun``, as it does now). For each, the
time from the copy to the result, and the UI stall: the longest gap between ticks of a 20 ms QTimer on the UI
thread while the check runs (the copy included, since it is taken on the UI thread).

Usage::

    python tests/benchmarks/bench_checks.py [--nodes 1000 10000] [--panel-only]
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

import itertools

from synthetic import BASE, RX, triples_for_nodes, write

from explorer.analysis.checks import checks_in_process, checks_of_snapshot, map_checks, snapshot
from explorer.core.document import MapDocument
from explorer.core.validation import validate

#: The UI thread's heartbeat while a check runs.
TICK_MS = 20


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


def _on_ui(doc, mode: str) -> tuple[float, float, int]:
    """Run one check as the panel would (``"thread"`` or ``"process"``) under a 20 ms heartbeat on the UI thread.

    Returns the seconds from the copy to the result, the longest gap between heartbeats in seconds, and the
    number of checks found.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from explorer.ui.common.process_run import ProcessRun
    from explorer.ui.common.workers import run_task, wait_for

    app = QApplication.instance() or QApplication([])
    ticks: list[float] = []
    heartbeat = QTimer(interval=TICK_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    app.processEvents()
    ticks.append(time.perf_counter())
    started = time.perf_counter()
    data = snapshot(doc)  # on the UI thread, in both ways
    if mode == "thread":
        job = run_task("Checking the map", lambda _progress: checks_of_snapshot(data), cancellable=False)
    else:
        job = ProcessRun(checks_in_process, data, name="routine-explorer-checks", what="check").start()
    wait_for(job, 3_600_000)
    elapsed = time.perf_counter() - started
    ticks.append(time.perf_counter())
    heartbeat.stop()
    report = job.result
    if job.error is not None:
        raise RuntimeError(str(job.error))
    stall = max(b - a for a, b in itertools.pairwise(ticks))
    return elapsed, stall, len(report.checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--panel-only", action="store_true", help="only the panel's thread and process runs")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as folder:
        for nodes in args.nodes:
            path = write(Path(folder) / f"org-{nodes}.nt", triples_for_nodes(nodes))
            _with_change(path, nodes)
            doc = MapDocument.open(path, editing=False)
            try:
                if not args.panel_only:
                    _direct(doc, nodes)
                print(f"{nodes:>7,} nodes, in the panel: {'':>6}{'to result':>10} {'UI stall':>9}  (20 ms heartbeat)")
                for mode in ("thread", "process"):
                    elapsed, stall, found = _on_ui(doc, mode)
                    print(f"{'':>7}  {mode:>15}: {elapsed:>12.2f}s {stall * 1000:>7.0f}ms  {found:,} checks")
            finally:
                doc.close()


def _direct(doc, nodes: int) -> None:
    """The CLI path, the checks in place, the copy and the check of the copy, each timed on this thread."""
    print(f"{'nodes':>7} {'triples':>8} {'CLI validate':>13} {'checks':>8} {'snapshot':>9} {'worker':>8}  found")
    cli, report = _timed(lambda: validate(doc))
    ours, checks = _timed(lambda: map_checks(doc))
    copy, data = _timed(lambda: snapshot(doc))
    worker, _ = _timed(lambda: checks_of_snapshot(data))
    print(
        f"{nodes:>7,} {doc.store.count():>8,} {cli:>12.2f}s {ours:>7.2f}s {copy * 1000:>7.0f}ms "
        f"{worker:>7.2f}s  {len(report.results):,} shape results; {len(checks.checks):,} checks "
        f"({checks.summary()})"
    )


if __name__ == "__main__":
    main()
