"""Benchmark the canvas: build the scene of a 10k-node map, repaint it, open 100k nodes without freezing.

Figures, each beside its baseline measured in the same run:

* **scene build** for a generated map of ~10k nodes and ~35k ties (target < 1 s),
  against the straightforward scene: one item per node, one label item per
  node, one line item per tie, with Qt's default BSP index (measured at 2k
  nodes and at full size without the index, since BSP at 10k did not finish
  in minutes on this machine; see DESIGN.md);
* **repaint** of a 1200x800 view, zoomed out to the whole map and at 50 % and
  100 % (target < 50 ms zoomed out), against the straightforward scene;
* **100k nodes through the app window**: wall time to a usable window and the
  longest gap between ticks of a 20 ms QTimer during the load (the event loop
  must stay alive), against the same file opened by the core alone; the
  median of three runs of each, taking turns, with every run's figure printed.
* **single edits and a force layout** on the 10k map, beside an empty map; the
  layout's figures are medians of three layouts (and of nine undo/redo steps).

Usage::

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_canvas.py [--nodes 10000] [--big 100000]
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
os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="bench-canvas-"))

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QLineF, QRectF, QTimer  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QPainter, QPen  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView  # noqa: E402


class Heartbeat:
    """A 20 ms QTimer that records the gaps between its ticks: how long the event loop was kept waiting."""

    def __init__(self) -> None:
        self.gaps: list[int] = []
        self._clock = QElapsedTimer()
        self._clock.start()
        self._last = 0
        self._timer = QTimer(interval=20, timeout=self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = self._clock.elapsed()
        self.gaps.append(now - self._last)
        self._last = now

    def stop(self) -> None:
        self._timer.stop()

    def longest(self, total_seconds: float) -> float:
        """The longest gap in ms (the whole run if the timer never fired)."""
        return max(self.gaps) if self.gaps else total_seconds * 1000


def _map_file(nodes: int, seed: int = 1) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"canvas-{nodes}-s{seed}.nt"
    if not path.exists():
        synthetic.write_nodes(path, nodes, seed)
    return path


def _load(path: Path):
    from explorer.core.document import MapDocument
    from explorer.core.projection import Projection
    from explorer.core.schema import Schema
    from explorer.layout.placement import initial_positions

    doc = MapDocument.open(path, editing=False)
    schema = Schema.from_store(doc.store)
    projection = Projection.build(doc.store, schema)
    positions = initial_positions(projection)
    return doc, schema, projection, positions


def _repaint_ms(view: QGraphicsView, repeats: int = 5) -> float:
    view.viewport().repaint()  # the first paint after a zoom fills caches; time the steady state
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        view.viewport().repaint()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def _first_paint_ms(view: QGraphicsView) -> float:
    start = time.perf_counter()
    view.viewport().repaint()
    return (time.perf_counter() - start) * 1000


def _naive_scene(projection, positions, *, bsp: bool, limit: int | None = None):
    """The scene most Qt code would build: an item per node, label and tie."""
    scene = QGraphicsScene()
    if not bsp:
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
    chosen = list(projection.nodes)[:limit] if limit else list(projection.nodes)
    keep = set(chosen)
    brush, pen = QBrush(QColor("#5FA880")), QPen(QColor("#3F8F6B"))
    for iri in chosen:
        x, y = positions[iri]
        item = scene.addEllipse(QRectF(x - 65, y - 22, 130, 44), pen, brush)
        text = scene.addSimpleText(projection.nodes[iri].label[:20])
        text.setPos(x - 50, y - 8)
        item.setFlag(item.GraphicsItemFlag.ItemIsSelectable)
    line_pen = QPen(QColor("#8d96a3"), 1.6)
    for tie in projection.ties.values():
        if tie.source in keep and tie.target in keep:
            a, b = positions[tie.source], positions[tie.target]
            scene.addLine(QLineF(a[0], a[1], b[0], b[1]), line_pen)
    return scene


def bench_scene(nodes: int) -> None:
    from explorer.ui.canvas.view import MapCanvas

    path = _map_file(nodes)
    start = time.perf_counter()
    doc, schema, projection, positions = _load(path)
    load = time.perf_counter() - start
    print(
        f"map: {path.name}: {len(projection.nodes):,} nodes, {len(projection.ties):,} ties "
        f"(open + projection + by-level layout off the UI thread: {load:.2f} s)"
    )
    app = QApplication.instance()

    canvas = MapCanvas()
    canvas.resize(1200, 800)
    canvas.show()
    app.processEvents()
    start = time.perf_counter()
    canvas.set_map(projection, schema, positions)
    canvas.fit()
    app.processEvents()
    build = time.perf_counter() - start
    first = _first_paint_ms(canvas)
    while canvas.building:  # node items follow the overview, ~30 ms of work per turn of the event loop
        app.processEvents()
    ready = time.perf_counter() - start
    fitted = _repaint_ms(canvas)
    fit_zoom = canvas.zoom()
    fit_hidden = canvas.ties_hidden
    canvas.set_zoom(0.2)
    fifth = _repaint_ms(canvas)
    canvas.set_zoom(0.5)
    half_first = _first_paint_ms(canvas)
    half = _repaint_ms(canvas)
    canvas.set_zoom(1.0)
    full_first = _first_paint_ms(canvas)
    full = _repaint_ms(canvas)

    def naive(bsp: bool, limit: int | None):
        scene_start = time.perf_counter()
        scene = _naive_scene(projection, positions, bsp=bsp, limit=limit)
        view = QGraphicsView(scene)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.resize(1200, 800)
        view.show()
        view.fitInView(scene.itemsBoundingRect())
        app.processEvents()
        built = time.perf_counter() - scene_start
        first_paint = _first_paint_ms(view)
        zoomed_out = _repaint_ms(view, 3)
        view.resetTransform()
        view.scale(0.5, 0.5)
        halfway = _repaint_ms(view, 3)
        view.resetTransform()
        actual = _repaint_ms(view, 3)
        view.close()
        scene.clear()
        return built, first_paint, zoomed_out, halfway, actual

    small = 2000
    bsp_small = naive(True, small)
    noindex_full = naive(False, None)

    print()
    print(f"{'figure':48} {'canvas':>10} {'naive, no index':>16} {'naive, BSP @2k':>16}")
    print(
        f"{'scene build + first paint (target < 1 s)':48} {build + first / 1000:9.2f}s "
        f"{noindex_full[0] + noindex_full[1] / 1000:15.2f}s {bsp_small[0] + bsp_small[1] / 1000:15.2f}s"
    )
    print(
        f"{'repaint 1200x800, whole map (target < 50 ms)':48} {fitted:8.1f}ms {noindex_full[2]:14.1f}ms "
        f"{bsp_small[2]:14.1f}ms"
    )
    print(f"{'repaint 1200x800 at 20 % (ties drawn)':48} {fifth:8.1f}ms {'':>16} {'':>16}")
    print(f"{'repaint 1200x800 at 50 %':48} {half:8.1f}ms {noindex_full[3]:14.1f}ms {bsp_small[3]:14.1f}ms")
    print(f"{'repaint 1200x800 at 100 %':48} {full:8.1f}ms {noindex_full[4]:14.1f}ms {bsp_small[4]:14.1f}ms")
    # The canvas keeps its ties in an image of the view: the first paint at a new zoom draws them afresh.
    print(f"{'first paint after zooming to 50 % / 100 %':48} {half_first:5.0f}/{full_first:.0f}ms {'':>16} {'':>16}")
    print(
        f"(whole-map zoom {fit_zoom:.3f}; every node item made, in slices, by {ready:.2f} s; "
        f"ties hidden at that zoom: {fit_hidden})"
    )
    canvas.close()
    doc.close()


_OPEN_BIG = """
import os, sys, time
start = time.perf_counter()
sys.path.insert(0, sys.argv[3])
which, path = sys.argv[1], sys.argv[2]
if which == "core":
    from explorer.core.document import MapDocument

    document = MapDocument.open(path, editing=False)
    print(time.perf_counter() - start, 0, 0)
    sys.exit(0)
from PySide6.QtWidgets import QApplication
from bench_canvas import Heartbeat
from explorer.ui.main_window import MainWindow

app = QApplication([])
window = MainWindow()
window.resize(1400, 900)
window.show()
app.processEvents()
heartbeat = Heartbeat()
task = window.open_map(path, ask=False)
task.wait()
for _ in range(20):  # the panels that follow the canvas, one per turn of the event loop
    app.processEvents()
total = time.perf_counter() - start
heartbeat.stop()
print(total, heartbeat.longest(total), len(window.projection.nodes))
"""


def _compiled_modules() -> str:
    """Compile the app's modules ahead of the runs, as a user's start finds them; says so, for the printout.

    pip compiles a package's modules as it installs it, the installers ship them compiled, and an
    editable install writes them at its first start. This machine's environment sets
    PYTHONDONTWRITEBYTECODE, so without this every run here compiled every module of the app again.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "explorer"), quiet=1)
    return "the app's modules compiled ahead, as at every start but a new install's first"


def _spread(values: list[float], scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
    """Every run's figure, for the line under a median: ``"runs 7.41 8.02 9.90 s"``."""
    return "runs " + " ".join(f"{v * scale:.{digits}f}" for v in values) + f" {unit}"


def bench_open_big(nodes: int, repeats: int = 3) -> None:
    """A big map from process start to a usable window (every panel filled), and the longest pause of the
    event loop meanwhile (a 20 ms timer), beside the same file opened by the core alone (no window).

    The medians of ``repeats`` runs of each, taking turns, so that a slow minute of a shared machine
    falls on both sides (this machine's speed varies by up to half between minutes).
    """
    import subprocess

    path = _map_file(nodes)
    compiled = _compiled_modules()

    def run(which: str) -> list:
        env = {**os.environ, "ROUTINE_EXPLORER_DATA_DIR": tempfile.mkdtemp(), "XDG_CONFIG_HOME": tempfile.mkdtemp()}
        out = subprocess.run(
            [sys.executable, "-c", _OPEN_BIG, which, str(path), str(HERE)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return [float(v) for v in out.stdout.split()[-3:]]

    run("core")  # warm the file cache
    apps, cores = [], []
    for _ in range(max(1, repeats)):
        apps.append(run("app"))
        cores.append(run("core"))
    app = [statistics.median(a[i] for a in apps) for i in range(3)]
    core = statistics.median(c[0] for c in cores)
    print()
    print(f"open {path.name} ({int(app[2]):,} nodes) from process start ({compiled})")
    heading = f"figure (median of {len(apps)} runs each, taking turns)"
    print(f"{heading:48} {'app window':>12} {'core, no window':>16}")
    print(f"{'process start to usable window (target < 10 s)':48} {app[0]:11.2f}s {core:15.2f}s")
    print(f"{'':48} {_spread([a[0] for a in apps])}; core {_spread([c[0] for c in cores])}")
    print(f"{'longest event-loop stall (target < 200 ms)':48} {app[1]:10.0f}ms {'':>16}")
    print(f"{'':48} {_spread([a[1] for a in apps], unit='ms', digits=0)}")


_START = """
import os, sys, time
start = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
if sys.argv[1] == "app":
    from explorer.ui.main_window import MainWindow
    window = MainWindow()
else:
    window = QMainWindow()
window.show()
app.processEvents()
print(time.perf_counter() - start)
"""


def bench_start() -> None:
    """Process start to a shown, usable window: the app's start screen against an empty QMainWindow."""
    import subprocess

    def run(which: str) -> float:
        env = {**os.environ, "ROUTINE_EXPLORER_DATA_DIR": tempfile.mkdtemp(), "XDG_CONFIG_HOME": tempfile.mkdtemp()}
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _START, which], env=env, capture_output=True, text=True, check=True)
        total = time.perf_counter() - start
        return total, float(out.stdout.strip().splitlines()[-1])

    compiled = _compiled_modules()
    run("app")  # warm the file cache
    app, bare = min(run("app") for _ in range(3)), min(run("bare") for _ in range(3))
    print()
    print(f"start ({compiled})")
    print(f"{'figure':48} {'app':>10} {'empty QMainWindow':>18}")
    print(f"{'process start to usable window (target < 2 s)':48} {app[0]:9.2f}s {bare[0]:17.2f}s")
    print(f"{'  of which imports + window (in process)':48} {app[1]:9.2f}s {bare[1]:17.2f}s")


def _edit_figures(window, zoom: float | None = None) -> dict:
    """Milliseconds the UI thread is busy (the edit, then the redraw it queued) for each single edit and its undo.

    ``zoom``: the view first zooms there around the map's middle (ties and names drawn), else it stays fitted.
    """
    from explorer.core.namespaces import RX

    app = QApplication.instance()
    if zoom is not None:
        window.canvas.set_zoom(zoom)
        app.processEvents()

    def timed(action) -> float:
        start = time.perf_counter()
        action()
        app.processEvents()
        return (time.perf_counter() - start) * 1000

    figures = {}
    figures["place a node"] = timed(lambda: window.place_node(RX.Unit, label="New unit"))
    figures["undo that"] = timed(window.undo)
    made = []
    figures["place a second node"] = timed(lambda: made.append(window.place_node(RX.Routine, label="New routine")))
    figures["place a third"] = timed(lambda: made.append(window.place_node(RX.Unit, label="Another unit")))
    first, second = made
    relation = window.schema.relations_between(
        window.projection.nodes[first].kind, window.projection.nodes[second].kind
    )[0]
    figures["tie two nodes"] = timed(lambda: window.connect_nodes(first, second, relation))
    figures["undo that"] = max(figures["undo that"], timed(window.undo))
    x, y = window.canvas.positions[first]
    figures["move a node"] = timed(lambda: window.canvas.nodesMoved.emit({first: (x + 40, y + 10)}))
    figures["rename a node"] = timed(lambda: window.rename(first, "Renamed node"))
    from explorer.core import editing

    delete = editing.delete_items(window.document.store, nodes=[first], ties=[], label="Delete a node")
    figures["delete a node"] = timed(lambda: window.execute(delete))
    figures["undo the delete"] = timed(window.undo)
    return figures


def bench_edits(nodes: int) -> None:
    """How long the UI thread is busy for single edits and a whole-map layout: a big map beside an empty one."""
    app = QApplication.instance()

    def window_with(path):
        from explorer.ui.main_window import MainWindow

        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        if path is None:
            window.new_map()
        else:
            task = window.open_map(path, ask=False)
            task.wait()
        while window.canvas.building:
            app.processEvents()
        app.processEvents()
        return window

    empty = window_with(None)
    baseline = _edit_figures(empty)
    empty.document.close()
    empty.document = None
    empty.close()

    window = window_with(_map_file(nodes))
    fitted = _edit_figures(window)
    near = _edit_figures(window, zoom=1.0)
    print()
    size = f"{len(window.projection.nodes):,}-node map"
    print(f"single edits, UI thread busy including the redraw (target < 50 ms on the {size})")
    print(f"{'figure':40} {'map fitted':>12} {'at 100 %':>10} {'empty map':>12}")
    for name, value in fitted.items():
        print(f"{name:40} {value:10.0f}ms {near[name]:8.0f}ms {baseline[name]:10.0f}ms")

    def settled() -> None:
        """Until the canvas has drawn the whole change (a whole-map change is drawn over a few turns)."""
        app.processEvents()
        while window.following:
            app.processEvents()

    def step_turns(step) -> tuple[float, float]:
        """The busy time of ``step`` itself, then the longest of the turns that finish its drawing."""
        start = time.perf_counter()
        step()
        turns = [time.perf_counter() - start]
        while window.following:
            start = time.perf_counter()
            app.processEvents()
            turns.append(time.perf_counter() - start)
        return max(turns) * 1000, sum(turns) * 1000

    layouts, stalls, undos = [], [], []
    for _ in range(3):  # each layout undone before the next: three runs from the same places, for a median
        heartbeat = Heartbeat()
        start = time.perf_counter()
        window.apply_layout("force", wait=True)
        while window.layout_running():
            app.processEvents()
        settled()
        layouts.append(time.perf_counter() - start)
        heartbeat.stop()
        stalls.append(heartbeat.longest(layouts[-1]))
        undos += [step_turns(window.undo), step_turns(window.redo), step_turns(window.undo)]
    layout, stall = statistics.median(layouts), statistics.median(stalls)
    longest, total = (statistics.median(u[i] for u in undos) for i in (0, 1))  # undo, redo, undo, three times
    print(f"{'force-directed layout: total / longest stall (< 100 ms)':48} {layout:8.2f}s {stall:6.0f}ms")
    print(f"{'  (median of 3 layouts; stalls: ' + ' '.join(f'{v:.0f}' for v in stalls) + ' ms)':48}")
    print(f"{'undo the layout: longest turn / all turns (< 200 ms)':48} {longest:7.0f}ms {total:6.0f}ms")
    print(f"{'  (median of 9 undo/redo steps; worst ' + f'{max(undos)[0]:.0f} ms)':48}")
    window.document.close()
    window.document = None
    window.close()


def bench_accessibility(nodes: int, walked: int = 200) -> None:
    """A screen reader listing the canvas's nodes: ``walked`` accessible children, each with its index and name,
    against one sort of the nodes shown into reading order (what each child cost before the order was kept)."""
    from PySide6.QtGui import QAccessible

    from explorer.ui.canvas.navigation import reading_order
    from explorer.ui.main_window import MainWindow

    path = _map_file(nodes)
    app = QApplication.instance()
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    task = window.open_map(path, ask=False)
    task.wait()
    while window.canvas.building:
        app.processEvents()
    canvas = window.canvas
    canvas.set_zoom(0.5)  # near enough for node items: the overview further out lists none
    app.processEvents()
    interface = QAccessible.queryAccessibleInterface(canvas)
    base = interface.childCount() - len(canvas.reading_order())
    canvas.set_visible_nodes(None)  # forget the order: the walk below pays for its one sort

    start = time.perf_counter()
    for index in range(base, base + walked):
        child = interface.child(index)
        interface.indexOfChild(child)
        child.text(QAccessible.Text.Name)
    walk = (time.perf_counter() - start) * 1000

    shown = {iri: (item.pos().x(), item.pos().y()) for iri, item in canvas.node_items.items()}
    bands = {iri: canvas.band_at(y) for iri, (_, y) in shown.items()}
    start = time.perf_counter()
    reading_order(shown, bands)
    one_sort = (time.perf_counter() - start) * 1000
    figure = f"accessibility tree walk, {len(shown):,} nodes ({walked} children)"
    print()
    print(f"{'figure':48} {'canvas':>10} {'one sort of the nodes':>22}")
    print(f"{figure:48} {walk:8.1f}ms {one_sort:20.1f}ms")
    window.document.close()
    window.document = None
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])  # noqa: F841 - keeps Qt alive
    bench_start()
    bench_scene(args.nodes)
    bench_edits(args.nodes)
    bench_accessibility(args.nodes)
    if args.big:
        bench_open_big(args.big)


if __name__ == "__main__":
    main()
