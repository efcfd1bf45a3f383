"""Benchmark importing a roster: read a CSV, plan the merge, apply it as one command.

A synthetic roster of N people in N/100 units (each person with a unit, a role
kind, a line manager and a workload; every 50th row broken) is imported into a
new map. Each step is printed beside a baseline measured in the same run:
reading beside Python's ``csv`` module alone, the merge beside applying the
same quads to the store directly. With ``--app`` the whole app path runs too
(placing the new nodes, the command, the canvas following it), offscreen.

Usage::

    python tests/benchmarks/bench_import.py --rows 10000 [--app]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def roster(path: Path, rows: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    units = [f"Unit {i}" for i in range(max(1, rows // 100))]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Staff ID", "Name", "Kind", "Team", "Role", "Line manager", "Workload"])
        for i in range(rows):
            manager = f"S{rng.randrange(i)}" if i else ""
            workload = f"{rng.random():.2f}" if i % 50 != 7 else "lots"  # a bad value now and then
            kind = "Person" if i % 50 != 13 else "Robot"  # and a bad row
            writer.writerow([f"S{i}", f"Person {i}", kind, rng.choice(units), rng.choice(["clinical", "managerial", "clinical; managerial"]),
                             manager, workload])
    return path


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--app", action="store_true", help="also time the app's import path (offscreen)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", str(work / "state"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from explorer.core.document import MapDocument
    from explorer.io import merge
    from explorer.io.tables import read_csv

    path = roster(work / "roster.csv", args.rows)
    doc = MapDocument.new(base_iri="https://example.org/map/")
    schema = merge.schema_of(doc)

    _, raw_read = timed(lambda: sum(1 for _ in csv.reader(open(path, encoding="utf-8", newline=""))))
    source, read = timed(lambda: read_csv(path))
    mapping = merge.guess_mapping(source, schema)
    plan, planning = timed(lambda: merge.plan_import(doc, source, mapping, schema=schema))
    command, building = timed(lambda: merge.plan_command(doc, plan))
    _, applying = timed(lambda: doc.execute(command))
    scratch = MapDocument.new()
    _, raw_apply = timed(lambda: scratch.store.apply(added=command.added))
    _, undoing = timed(doc.undo)

    print(f"roster: {args.rows:,} rows -> {plan.summary()}")
    print(f"  {len(plan.problems):,} problems; {len(command.added):,} quads in one command")
    print(f"{'step':<28}{'time':>9}   baseline")
    print(f"{'read CSV':<28}{read:>8.2f}s   csv.reader alone {raw_read:.2f}s ({read / raw_read:.1f}x)")
    print(f"{'plan (match, resolve)':<28}{planning:>8.2f}s")
    print(f"{'command (diff vs store)':<28}{building:>8.2f}s")
    print(f"{'execute (apply + events)':<28}{applying:>8.2f}s   store.apply alone {raw_apply:.2f}s")
    print(f"{'read + plan + merge':<28}{read + planning + building + applying:>8.2f}s")
    print(f"{'undo':<28}{undoing:>8.2f}s")
    doc.close()
    scratch.close()

    if args.app:
        from PySide6.QtWidgets import QApplication

        from explorer.ui import import_dialog
        from explorer.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([])
        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        window.new_map()
        app.processEvents()
        dialog = import_dialog.open_import_dialog(window, path)
        start = time.perf_counter()
        dialog._read_task.wait(600_000)
        app.processEvents()
        while dialog.plan is None:
            app.processEvents()
            time.sleep(0.01)
        ready = time.perf_counter() - start
        closed = []
        dialog.finished.connect(closed.append)
        start = time.perf_counter()
        longest = 0.0
        task = dialog.run_import()
        last = time.perf_counter()
        while not closed:
            app.processEvents()
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now
        total = time.perf_counter() - start
        print(f"{'app: read + preview plan':<28}{ready:>8.2f}s   (worker)")
        print(f"{'app: place + command + draw':<28}{total:>8.2f}s   longest UI-thread stall {longest:.2f}s; "
              f"{len(window.projection.nodes):,} nodes on the canvas")
        del task
        window.document.close()
        window.document = None


if __name__ == "__main__":
    main()
