"""Benchmark switching scenarios in the app: UI time of a switch on a 10k-node map, beside one ordinary edit.

Figures, each beside its baseline measured in the same run on the same map:

* **switch to a scenario** of ~50 changed statements (25 nodes renamed) through the
  scenario bar, and **back to the as-is map**, and **undo of a switch** (target
  < 200 ms of UI time each);
* baseline: **one rename** of a node through the window, the smallest ordinary edit;
* **compare the as-is map with the scenario**, as Try It starts it and as Analysis > Compare…
  prepares a scenario side: UI time now (the synchronous part, and the longest the event loop
  was kept waiting until the side was ready or the run started), beside the earlier way, which
  built both sides on the UI thread (``serialise_side``: ~1 s on a 10k map).

UI time is the synchronous part (the command, the projection, the canvas, the bar)
plus the views the window refreshes a moment later (outline, legend, minimap,
analysis's list of changes), timed apart since they run on a timer. Each figure is
the median of several runs.

Usage::

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_scenarios.py [--nodes 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="bench-scenarios-"))

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from rdflib import RDFS, Literal  # noqa: E402

#: Nodes the scenario renames: each a removed and an added statement.
RENAMED = 25


def _map_file(nodes: int, seed: int = 1) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"canvas-{nodes}-s{seed}.nt"
    if not path.exists():
        synthetic.write_nodes(path, nodes, seed)
    return path


def bench_switch(nodes: int, runs: int) -> None:
    from explorer.core.scenarios import create
    from explorer.core.terms import DEFAULT_GRAPH
    from explorer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    task = window.open_map(_map_file(nodes), ask=False)
    task.wait()
    while window.canvas.building:
        app.processEvents()
    doc = window.document
    bar = window.scenarios.bar
    renamed = list(window.projection.nodes)[:: max(1, len(window.projection.nodes) // RENAMED)][:RENAMED]
    removed = [q for iri in renamed for q in doc.store.quads(iri, RDFS.label, None)]
    added = [(iri, RDFS.label, Literal(f"To-be {n}"), DEFAULT_GRAPH) for n, iri in enumerate(renamed)]
    command, scenario = create(doc, "to-be", added=added, removed=removed)
    window.execute(command)
    app.processEvents()

    def timed(action) -> tuple[float, float]:
        """(synchronous ms, deferred refresh ms) of ``action``."""
        start = time.perf_counter()
        action()
        app.processEvents()
        now = (time.perf_counter() - start) * 1000
        window._refresh_timer.stop()  # run the views' refresh now, timed, rather than on its timer
        start = time.perf_counter()
        window._refresh_views()
        app.processEvents()
        return now, (time.perf_counter() - start) * 1000

    figures: dict[str, list[tuple[float, float]]] = {"to": [], "back": [], "undo": [], "rename": []}
    some = renamed[0]
    for run in range(runs):
        figures["to"].append(timed(lambda: bar.switch_to(scenario)))
        figures["back"].append(timed(lambda: bar.switch_to(None)))
        figures["undo"].append(timed(window.undo))  # back into the scenario
        bar.switch_to(None)
        app.processEvents()
        figures["rename"].append(timed(lambda run=run: window.rename(some, f"Renamed node {run}")))

    def median(key: str) -> tuple[float, float, float]:
        sync = statistics.median(f[0] for f in figures[key])
        later = statistics.median(f[1] for f in figures[key])
        return sync, later, sync + later

    changed = len(added) + len(removed)
    print()
    print(f"scenario switch on the {len(window.projection.nodes):,}-node map, {changed} changed statements")
    print(f"(median of {runs}; UI thread busy, including the redraw; target < 200 ms)")
    print(f"{'figure':44} {'now':>9} {'refresh':>9} {'total':>9}")
    rows = (
        ("switch to the scenario", "to"),
        ("switch back to the as-is map", "back"),
        ("undo a switch", "undo"),
        ("baseline: rename one node", "rename"),
    )
    for text, key in rows:
        sync, later, total = median(key)
        print(f"{text:44} {sync:7.0f}ms {later:7.0f}ms {total:7.0f}ms")
    bench_compare_sides(app, window, scenario, runs)
    doc.close()
    window.document = None
    window.close()


class _Stall:
    """The longest the event loop went without running a 5 ms timer: how long the UI was kept waiting."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.worst = self.last = 0

    def start(self) -> None:
        self.worst = self.last = 0
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst, self.last = max(self.worst, now - self.last), now

    def stop(self) -> int:
        self._tick()
        self.timer.stop()
        return self.worst


def bench_compare_sides(app, window, scenario, runs: int) -> None:
    """UI time of comparing the as-is map with ``scenario``: Try It's start and Compare…'s scenario side."""
    from explorer.analysis.run import serialise_map, serialise_side, side_patch
    from explorer.ui.analysis.compare_dialog import CompareDialog, CompareSide

    doc, feature, stall = window.document, window.compare, _Stall()

    def try_it() -> tuple[float, float]:  # as CompareFeature.try_lever builds its sides and starts the run
        stall.start()
        start = time.perf_counter()
        data = serialise_map(doc)
        as_is = CompareSide("As-is", data, None, True, side_patch(doc))
        run = feature.start(as_is, CompareSide("With the lever", data, None, True, side_patch(doc, scenario)))
        now = (time.perf_counter() - start) * 1000
        app.processEvents()
        worst = stall.stop()
        run.cancel()
        return now, worst

    def dialog_side() -> tuple[float, float]:  # choosing the scenario as side B, until its changes are read
        dialog = CompareDialog(window)
        side = dialog.side_b
        side.source.setCurrentIndex(0)  # the as-is map first, prepared and out of the way
        while side._prepared is None or dialog.side_a._prepared is None:
            app.processEvents()
        side._cache.clear()
        stall.start()
        start = time.perf_counter()
        side.source.setCurrentIndex(side.source.findData(f"scenario:{scenario.iri}"))
        now = (time.perf_counter() - start) * 1000
        while side._prepared is None:
            app.processEvents()
        worst = stall.stop()
        dialog.deleteLater()
        app.processEvents()
        return now, worst

    def before() -> tuple[float, float]:  # the earlier way: both sides built here, on the UI thread
        start = time.perf_counter()
        serialise_side(doc)
        serialise_side(doc, scenario)
        now = (time.perf_counter() - start) * 1000
        return now, now

    figures = {key: [work() for _ in range(runs)] for key, work in (("try", try_it), ("side", dialog_side))}
    figures["before"] = [before() for _ in range(runs)]
    print()
    print("compare the as-is map with the scenario (UI thread; longest wait: the event loop kept waiting)")
    print(f"{'figure':44} {'now':>9} {'longest':>9}")
    for text, key in (
        ("Try It: sides built and the run started", "try"),
        ("Compare…: the scenario chosen as side B", "side"),
        ("baseline: both sides built on the UI thread", "before"),
    ):
        print(
            f"{text:44} {statistics.median(f[0] for f in figures[key]):7.0f}ms "
            f"{statistics.median(f[1] for f in figures[key]):7.0f}ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench_switch(args.nodes, args.runs)


if __name__ == "__main__":
    main()
