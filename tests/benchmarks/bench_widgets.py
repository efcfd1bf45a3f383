"""Benchmark the panels around the canvas and the console: the timings the UI tests used to assert.

Figures, each beside its baseline measured in the same run:

* **outline** refresh of 10,000 nodes (target 0.3 s), against a plain QStandardItemModel
  filled with the same labels;
* **minimap** refresh of 100,000 nodes (target 0.2 s), against drawing a point per node on
  an image of the same size;
* **inspector** form built for a person (target 30 ms) and refreshed (a few ms), against a
  QFormLayout of as many line edits, built and set;
* **500 new nodes without positions** set out beside the map, against a free-spot search
  per node (the old way: 10-43 s for 500-2,000 nodes);
* **node table** of a synthetic 3,000-node map, every cell of its biggest kind selected: the
  table catching up after an edit elsewhere (only touched rows are read) and after an edit adding
  a row (every row read, the selection put back), against a plain QStandardItemModel filled with
  the same cells;
* **console**: a runaway query cancelled (target < 1 s), and the longest stall of the event
  loop while it ran, against the same 20 ms timer with nothing running; 30,000 letters
  pasted and a key typed after them (targets 1 s and 0.5 s), and the longest stall, against
  a plain QPlainTextEdit.

Usage::

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_widgets.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="bench-widgets-"))
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="bench-widgets-config-"))

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from bench_canvas import Heartbeat  # noqa: E402
from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFormLayout, QLineEdit, QPlainTextEdit, QTreeView, QWidget  # noqa: E402

KEYSTONE = REPO / "sample_graphs" / "keystone-michigan.ttl"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _row(what: str, ours: float, baseline: float | None, base_name: str = "", unit: str = "ms") -> None:
    ratio = f"{ours / baseline:6.2f}x" if baseline else ""
    base = f"{baseline:9.1f} {unit}  {base_name}" if baseline is not None else ""
    print(f"{what:<52} {ours:9.1f} {unit}   {base:<48} {ratio}")


def _ms(work, repeat: int = 3) -> float:
    """The best of ``repeat`` runs of ``work()``, in ms, events processed after each."""
    app = QApplication.instance()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        app.processEvents()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _synthetic(schema, count: int):
    from rdflib import URIRef

    from explorer.core.namespaces import RX
    from explorer.core.projection import NodeView, Projection

    projection = Projection(schema)
    kinds = [RX.Role, RX.Unit, RX.Routine, RX.Norm, RX.ExternalBody]
    levels = [1, 2, 2, 2, 3]
    for i in range(count):
        iri = URIRef(f"http://example.org/n{i}")
        projection.nodes[iri] = NodeView(
            iri, kinds[i % 5], f"Node {i:06d}", levels[i % 5], float(i % 300) * 150, float(i // 300) * 60
        )
    return projection


def bench_outline_and_minimap(schema) -> None:
    from explorer.ui.canvas.minimap import Minimap
    from explorer.ui.canvas.view import MapCanvas
    from explorer.ui.common.host import OpenMap
    from explorer.ui.panels.outline import Outline

    projection = _synthetic(schema, 10_000)
    # The first showing reads and sorts every name (natural order: each label holds a number here),
    # so each run gets a fresh outline with no names cached.
    first = _ms(lambda: Outline().show_map(OpenMap(None, schema, projection)))
    outline = Outline()
    outline.show_map(OpenMap(None, schema, projection))
    ours = _ms(outline.refresh)
    labels = [view.label for view in projection.nodes.values()]
    tree = QTreeView()

    def plain_model() -> None:
        model = QStandardItemModel()
        root = model.invisibleRootItem()
        for label in labels:
            root.appendRow(QStandardItem(label))
        tree.setModel(model)

    plain = _ms(plain_model)
    _row("outline first showing, 10,000 nodes", first, plain, "QStandardItemModel, same labels")
    _row("outline refresh, 10,000 nodes (target 300 ms)", ours, plain, "QStandardItemModel, same labels")
    outline.close()

    projection = _synthetic(schema, 100_000)
    canvas = MapCanvas()
    canvas.positions = {iri: (view.x, view.y) for iri, view in projection.nodes.items()}
    minimap = Minimap(canvas)
    minimap.projection, minimap.schema = projection, schema
    minimap.refresh()
    ours = _ms(minimap.refresh)
    size = minimap._image.size()
    xs = [x for x, _ in canvas.positions.values()]
    ys = [y for _, y in canvas.positions.values()]
    scale = min(size.width() / (max(xs) - min(xs) or 1), size.height() / (max(ys) - min(ys) or 1))
    points = [QPointF((x - min(xs)) * scale, (y - min(ys)) * scale) for x, y in zip(xs, ys)]

    def plain_points() -> None:
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setPen(QColor("#3F8F6B"))
        for point in points:
            painter.drawPoint(point)
        painter.end()

    _row("minimap refresh, 100,000 nodes (target 200 ms)", ours, _ms(plain_points), "a QPainter point per node")
    minimap.close()
    canvas.close()


def bench_inspector() -> None:
    from rdflib import Literal
    from rdflib.namespace import RDFS

    from explorer.core import commands
    from explorer.core.document import MapDocument
    from explorer.core.editing import create_node
    from explorer.core.namespaces import RX
    from explorer.core.projection import Projection
    from explorer.core.schema import Schema
    from explorer.ui.common.host import OpenMap
    from explorer.ui.inspector.form import Inspector

    doc = MapDocument.new()
    schema = Schema.from_store(doc.store)
    made = []
    for kind, label in ((RX.Unit, "ICU"), (RX.Person, "Ana")):
        command, iri = create_node(doc, schema, kind, label)
        doc.execute(command)
        made.append(iri)
    icu, person = made
    projection = Projection.build(doc.store, schema)
    inspector = Inspector()
    inspector.resize(380, 800)
    inspector.show()
    inspector.show_map(OpenMap(doc, schema, projection))
    rows = len(schema.inspector(schema.kind(RX.Person)))

    def build() -> None:
        inspector.show_item(icu)
        inspector.show_item(person)

    built = _ms(build, 5) / 2
    doc.execute(commands.set_property(doc.store, person, RDFS.label, Literal("Ana Lima")))
    refreshed = _ms(inspector.refresh, 10)
    form_host = QWidget()
    form_host.show()

    def plain_form() -> None:
        for child in form_host.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            child.deleteLater()
        body = QWidget(form_host)
        layout = QFormLayout(body)
        for i in range(rows):
            layout.addRow(f"Field {i}", QLineEdit(f"value {i}"))
        body.show()

    plain_built = _ms(plain_form, 5)
    edits = form_host.findChildren(QLineEdit)
    plain_set = _ms(lambda: [edit.setText("Ana Lima") for edit in edits], 10)
    _row(
        f"inspector form built, a person ({rows} fields; target 30)",
        built,
        plain_built,
        f"QFormLayout of {rows} line edits",
    )
    _row("inspector refresh after an edit (target a few)", refreshed, plain_set, "setText on those line edits")
    inspector.show_map(None)
    inspector.close()
    form_host.close()
    doc.close()


def bench_placing_new_nodes() -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from explorer.core.commands import diff
    from explorer.core.namespaces import RX
    from explorer.core.terms import DEFAULT_GRAPH
    from explorer.ui.main_window import MainWindow

    app = QApplication.instance()
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    task = window.open_map(KEYSTONE, ask=False)
    task.wait()
    while window.canvas.building:
        app.processEvents()
    new = [URIRef(f"urn:x:person-{i}") for i in range(400)] + [URIRef(f"urn:x:routine-{i}") for i in range(100)]
    quads = [(n, RDF.type, RX.Person if "person" in n else RX.Routine, DEFAULT_GRAPH) for n in new]
    quads += [(n, RDFS.label, Literal(str(n).rsplit(":", 1)[-1]), DEFAULT_GRAPH) for n in new]
    started = time.perf_counter()
    window.execute(diff(window.document.store, "Add many", added=quads))
    while not all(n in window.canvas.positions for n in new):
        app.processEvents()
    ours = (time.perf_counter() - started) * 1000
    window.undo()
    app.processEvents()
    levels = [window.projection.nodes[n].level if n in window.projection.nodes else 1 for n in new]
    started = time.perf_counter()
    added = []
    for i, level in enumerate(levels):  # the old way: a free-spot search per node, each seeing the ones before
        key = URIRef(f"urn:x:bench-{i}")
        window.canvas.positions[key] = window.canvas.free_spot(level)
        added.append(key)
    search = (time.perf_counter() - started) * 1000
    for key in added:
        del window.canvas.positions[key]
    _row("500 new nodes set out beside the map", ours, search, "a free-spot search per node (the spots alone)")
    window.document.close()
    window.document = None
    window.close()


def bench_console() -> None:
    from explorer.core.document import MapDocument
    from explorer.ui.common.host import OpenMap
    from explorer.ui.sparql.console import SparqlConsole

    app = QApplication.instance()
    doc = MapDocument.open(KEYSTONE, editing=False)
    console = SparqlConsole()
    console.resize(900, 600)
    console.show()
    console.show_map(OpenMap(doc, None, None))
    console.service.prepare()

    idle = Heartbeat()
    QTest.qWait(1000)
    idle.stop()
    idle_gap = idle.longest(1.0)

    heartbeat = Heartbeat()
    task = console.run(RUNAWAY)
    QTest.qWait(1000)
    started = time.perf_counter()
    console.cancel()
    while not task.done:
        app.processEvents()
    cancelled = (time.perf_counter() - started) * 1000
    heartbeat.stop()
    _row("console: cancel a runaway query (target < 1,000)", cancelled, None)
    _row(
        "console: longest event-loop stall while it ran", heartbeat.longest(2.0), idle_gap, "the same 20 ms timer, idle"
    )

    text = "a" * 30_000
    console.editor.clear()
    console.editor.setFocus()
    heartbeat = Heartbeat()
    started = time.perf_counter()
    console.editor.insertPlainText(text)  # what a paste does
    app.processEvents()
    pasted = (time.perf_counter() - started) * 1000
    QTest.keyClick(console.editor, Qt.Key.Key_Space)
    started = time.perf_counter()
    QTest.keyClick(console.editor, Qt.Key.Key_B)  # completion looks at the word before the cursor
    app.processEvents()
    typed = (time.perf_counter() - started) * 1000
    QTest.qWait(500)
    heartbeat.stop()
    plain = QPlainTextEdit()
    plain.resize(900, 600)
    plain.show()
    plain.setFocus()
    plain_heartbeat = Heartbeat()
    started = time.perf_counter()
    plain.insertPlainText(text)
    app.processEvents()
    plain_pasted = (time.perf_counter() - started) * 1000
    QTest.keyClick(plain, Qt.Key.Key_Space)
    started = time.perf_counter()
    QTest.keyClick(plain, Qt.Key.Key_B)
    app.processEvents()
    plain_typed = (time.perf_counter() - started) * 1000
    QTest.qWait(500)
    plain_heartbeat.stop()
    _row("console: paste 30,000 letters (target < 1,000)", pasted, plain_pasted, "QPlainTextEdit")
    _row("console: a key after them (target < 500)", typed, plain_typed, "QPlainTextEdit")
    _row(
        "console: longest event-loop stall meanwhile",
        heartbeat.longest(1.0),
        plain_heartbeat.longest(1.0),
        "QPlainTextEdit",
    )
    plain.close()
    console.shutdown()
    console.close()
    doc.close()


def bench_node_table(nodes: int = 3000) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from support.ui import open_and_wait
    from synthetic import write_nodes

    from explorer.ui.main_window import MainWindow

    app = QApplication.instance()
    path = write_nodes(Path(tempfile.mkdtemp(prefix="bench-table-")) / "org.nt", nodes)
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    open_and_wait(window, path, 300_000)
    table = window.node_table
    table.action.trigger()
    app.processEvents()
    biggest = max(table._kinds, key=lambda kind_count: kind_count[1])[0].iri
    other = next(kind.iri for kind, _ in table._kinds if kind.iri != biggest)
    table.choose_kind(biggest)
    table.grid.selectAll()
    app.processEvents()
    rows, columns = table.model.rowCount(), table.model.columnCount()
    texts = [[table.model.full_text(r, c) for c in range(columns)] for r in range(rows)]
    placed = iter(range(1_000_000))
    spent = []  # the table's own share of each edit: its catch-up on the UI thread
    catch_up = table._catch_up

    def timed() -> None:
        started = time.perf_counter()
        catch_up()
        spent.append((time.perf_counter() - started) * 1000)

    table._timer.timeout.disconnect()
    table._timer.timeout.connect(timed)

    def edit(kind) -> None:
        window.place_node(kind, label=f"Bench {next(placed)}")
        while table._stale:
            app.processEvents()

    def table_ms(kind) -> float:
        spent.clear()
        _ms(lambda: edit(kind))
        return min(spent)

    def plain() -> None:
        model = QStandardItemModel(rows, columns)
        for r, row in enumerate(texts):
            for c, text in enumerate(row):
                model.setItem(r, c, QStandardItem(text))

    baseline = _ms(plain)
    _row(
        f"table after an edit elsewhere, {rows:,} rows, all selected",
        table_ms(other),
        baseline,
        f"QStandardItemModel of {rows * columns:,} cells",
    )
    _row(
        f"table reload after an edit adding a row, {rows:,} rows, all selected",
        table_ms(biggest),
        baseline,
        f"QStandardItemModel of {rows * columns:,} cells",
    )
    window.document.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    app = QApplication.instance() or QApplication([])  # noqa: F841 - keeps Qt alive
    from explorer.core.document import MapDocument
    from explorer.core.schema import Schema

    doc = MapDocument.new()
    schema = Schema.from_store(doc.store)
    print(f"{'figure':<52} {'ours':>12}   {'baseline (same run)':<48} ratio")
    bench_outline_and_minimap(schema)
    doc.close()
    bench_inspector()
    bench_placing_new_nodes()
    bench_node_table()
    bench_console()


if __name__ == "__main__":
    main()
