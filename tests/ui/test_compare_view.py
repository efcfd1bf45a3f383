"""The compare view: Analysis > Compare… on the Michigan pair, the table, the chart, the map, and a lever tried."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog
from rdflib import BNode, URIRef
from support.paths import KEYSTONE, MATCHING
from support.processes import ended

from explorer.core import scenarios
from explorer.core.terms import DEFAULT_GRAPH
from explorer.ui.analysis.compare_dialog import OTHER_FILE
from explorer.ui.analysis.compare_view import CompareModel
from explorer.ui.analysis.points import SORT_ROLE


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))


def open_compare(qtbot, window):
    """Ctrl+Alt+C on the map: the dialog."""
    window.activateWindow()  # the offscreen platform does not give it back when a dialog closes
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.compare.dialog is not None and window.compare.dialog.isVisible(), timeout=5_000)
    return window.compare.dialog


def compare_with_matching(qtbot, window, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(MATCHING), "")))
    dialog = open_compare(qtbot, window)
    side_b = dialog.side_b
    side_b.source.setFocus()
    side_b.source.setCurrentIndex(side_b.source.findData(OTHER_FILE))  # opens the (patched) file dialog
    qtbot.waitUntil(lambda: dialog.compare_button.isEnabled(), timeout=30_000)
    assert side_b.file_box.text() == str(MATCHING)
    assert dialog.side_a.change.currentText() == "CLABSI checklist bundle (Keystone)"
    with qtbot.waitSignal(window.compare.finished, timeout=120_000) as done:
        qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    assert done.args[0] is not None, window.compare.view.status.text()
    return done.args[0]


def click_row(qtbot, table, row: int, column: int = 0) -> None:
    index = table.model().index(row, column)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def test_compare_the_michigan_pair(qtbot, make_window, monkeypatch):
    window = make_window(KEYSTONE, size=(1280, 800))
    feature = window.compare
    comparison = compare_with_matching(qtbot, window, monkeypatch)
    view = feature.view
    assert feature.dock.isVisible()
    assert comparison.a.name == "Keystone ICU, Michigan" and comparison.b.name == "Matching Michigan, England"
    assert comparison.difference.figure > 5  # England's context resists more: +6 people or so
    assert "Matching Michigan, England − Keystone ICU, Michigan: +" in view.summary.text()

    # The table: every point that moved; sorting by the difference sorts the numbers, not the text.
    table, proxy = view.table, view.proxy
    assert proxy.rowCount() == len(comparison.moved) > 10
    header = table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(CompareModel.DIFFERENCE) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert header.sortIndicatorSection() == CompareModel.DIFFERENCE

    def column(role=SORT_ROLE):
        return [proxy.index(r, CompareModel.DIFFERENCE).data(role) for r in range(proxy.rowCount())]

    values = column()
    assert values == sorted(values) or values == sorted(values, reverse=True)
    assert min(values) < 0 < max(values)  # some points less resistant in England, most more

    # Choosing a row selects its node on the map (the open map is side A: the point's node there).
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).node_a)
    moved = proxy.index(row, 0).data(Qt.ItemDataRole.UserRole)
    click_row(qtbot, table, row)
    assert window.canvas.selected_keys() == [moved.node_a]
    # A point only in England is not on this map: said, and nothing else selected.
    only_b = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).node_a is None)
    click_row(qtbot, table, only_b)
    assert "only in Matching Michigan, England" in window.statusBar().currentMessage()
    assert window.canvas.selected_keys() == [moved.node_a]

    # The chart leads with the context's mechanism; its bars add up to the difference.
    chart = view.by_mechanism
    assert chart.labels()[0] == comparison.difference.by_mechanism[0].label
    assert chart.labels()[0].startswith("sponsorship")
    assert abs(sum(chart.values()) - comparison.difference.figure) < 1e-6
    # Drawn, not only counted: the figure is made when the panel first shows, with a bar a label.
    qtbot.waitUntil(lambda: chart.figure is not None and bool(chart.figure.axes))
    assert len(chart.figure.axes[0].patches) == len(chart.labels())
    assert [p.label for p in comparison.difference.by_level] == view.by_level.labels()
    # Under the bars: how much of them is England's roles and units that Michigan lacks (points on one side only).
    assert view.mechanism_note.isVisible() and "drawn on one side only" in view.mechanism_note.text()

    # The map rings what differs; closing the panel takes the rings away.
    marks = feature.overlay_marks()
    assert marks and all(node in window.projection.nodes for node in marks)
    assert window.canvas._mark_items
    removed = {node for node, _label, _kind in comparison.structure.nodes_removed}
    assert removed and all(any(style == "dash" for _c, style, _w in marks[n]) for n in removed if n in marks)
    feature.dock.close()
    assert not window.canvas._mark_items

    # The choices are remembered: the next Compare… starts with England as B.
    dialog = open_compare(qtbot, window)
    assert dialog.side_b.source_key() == OTHER_FILE and dialog.side_b.file_box.text() == str(MATCHING)
    dialog.reject()


def test_cancel_mid_run_leaves_no_child_process(qtbot, make_window):
    from explorer.analysis.run import serialise_side
    from explorer.ui.analysis.compare_dialog import CompareSide, _read_file

    window = make_window(KEYSTONE, size=(1280, 800))
    feature = window.compare
    england = _read_file(str(MATCHING))
    side_a = CompareSide("Keystone", serialise_side(window.document), window.analysis.current_change(), True)
    run = feature.start(side_a, CompareSide(england.name, england.data, england.changes[0][0]))
    qtbot.waitUntil(lambda: run.process.is_alive(), timeout=10_000)
    pid = run.process.pid
    assert feature.view.cancel_button.isVisible()
    qtbot.mouseClick(feature.view.cancel_button, Qt.MouseButton.LeftButton)
    assert run.done and run.cancelled and not feature.running
    qtbot.waitUntil(lambda: ended(pid), timeout=5_000)
    assert "cancelled" in feature.view.status.text()
    assert not feature.view.cancel_button.isVisible()


def map_graph_quads(doc) -> set:
    return set(doc.store.quads(None, None, None, DEFAULT_GRAPH))


def renamed(quads, minted: set) -> set:
    """Quads with the minted nodes named alike, so two mintings of the same edit compare equal."""
    return {tuple("MINTED" if term in minted else term for term in quad) for quad in quads}


def test_try_a_lever_then_apply_it_equals_the_edit_by_hand(qtbot, make_window):
    window = make_window(MATCHING, size=(1280, 800))
    dock, doc, feature = window.analysis, window.document, window.compare
    task = dock.run(runs=0)
    assert task.wait(120_000) and task.error is None
    qtbot.waitUntil(lambda: dock.recording is None, timeout=20_000)
    dock.tabs.setCurrentIndex(1)
    result = dock.result
    # A broker lever: its new tie is a blank node, minted on the map.
    row, lever = next(
        (r, lv) for r, lv in enumerate(result.levers) if any(isinstance(s, BNode) for _, s, _, _ in lv.edit)
    )
    dock.levers.scrollToItem(dock.levers.item(row))
    qtbot.mouseClick(
        dock.levers.viewport(),
        Qt.MouseButton.LeftButton,
        pos=dock.levers.visualItemRect(dock.levers.item(row)).center(),
    )
    assert dock.try_lever_button.isEnabled()
    before = map_graph_quads(doc)

    with qtbot.waitSignal(feature.finished, timeout=120_000) as done:
        qtbot.mouseClick(dock.try_lever_button, Qt.MouseButton.LeftButton)
    comparison = done.args[0]
    assert comparison is not None
    (trial,) = scenarios.scenarios(doc.store)
    assert trial.name.startswith("Try: ") and scenarios.shown(doc.store) is None
    assert map_graph_quads(doc) == before  # tried, not made
    assert not dock.stale  # a scenario made leaves the analysed map as it is
    assert doc.stack.undo_text.startswith("Add scenario")
    assert comparison.a.name == "As-is" and comparison.b.name == "With the lever"
    assert comparison.difference.figure < 0  # the lever lowers resistance
    assert abs(comparison.difference.figure + lever.effect) < 0.05
    assert feature.view.trial_box.isVisible() and feature.view.apply_button.isEnabled()

    qtbot.mouseClick(feature.view.apply_button, Qt.MouseButton.LeftButton)
    tried = map_graph_quads(doc)
    assert tried != before and not scenarios.scenarios(doc.store)  # the trial scenario went in the same step
    assert doc.stack.undo_text.startswith("Apply lever: ") and len(doc.stack.commands) == 2
    assert not feature.view.trial_box.isVisible()
    minted = {q[0] for q in tried - before if isinstance(q[0], URIRef) and q[0] not in {s for s, *_ in before}}

    # Undone as one step: the trial is back; undone again: the map as it was.
    window.act_undo.trigger()
    assert [s.name for s in scenarios.scenarios(doc.store)] == [trial.name] and map_graph_quads(doc) == before
    window.act_undo.trigger()
    assert not scenarios.scenarios(doc.store) and map_graph_quads(doc) == before

    # By hand: Apply Lever makes the same statements (its tie minted anew).
    assert dock.apply_lever(lever)
    by_hand = map_graph_quads(doc)
    minted |= {q[0] for q in by_hand - before if q[0] not in {s for s, *_ in before}}
    assert renamed(by_hand, minted) == renamed(tried, minted)
    assert len(by_hand - before) == len(tried - before) == len(lever.edit)
    window.act_undo.trigger()

    # Discard: the trial scenario deleted, undoably; the map graph untouched throughout.
    with qtbot.waitSignal(feature.finished, timeout=120_000):
        assert dock.try_lever(lever)
    qtbot.mouseClick(feature.view.discard_button, Qt.MouseButton.LeftButton)
    assert not scenarios.scenarios(doc.store) and map_graph_quads(doc) == before
    assert doc.stack.undo_text.startswith("Delete scenario")
    window.act_undo.trigger()
    assert len(scenarios.scenarios(doc.store)) == 1


def watch_modal_boxes(window, seen: list) -> None:
    """Note (and cancel) every message box that opens with its own event loop, while ``window`` lives."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def look():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            seen.append((box.objectName(), box.text()))
            box.reject()

    timer = QTimer(window)  # goes with the window, so it never answers another test's box
    timer.timeout.connect(look)
    timer.start(20)


def try_first_lever(qtbot, window):
    dock, feature = window.analysis, window.compare
    if dock.result is None:
        task = dock.run(runs=0)
        assert task.wait(120_000) and task.error is None
        qtbot.waitUntil(lambda: dock.recording is None, timeout=20_000)
    dock.tabs.setCurrentIndex(1)
    item = dock.levers.item(0)
    dock.levers.scrollToItem(item)
    qtbot.mouseClick(dock.levers.viewport(), Qt.MouseButton.LeftButton, pos=dock.levers.visualItemRect(item).center())
    with qtbot.waitSignal(feature.finished, timeout=120_000) as done:
        qtbot.mouseClick(dock.try_lever_button, Qt.MouseButton.LeftButton)
    assert done.args[0] is not None
    qtbot.waitUntil(feature.view.trial_box.isVisible, timeout=5_000)


def test_a_lever_tried_then_discarded_leaves_a_turtle_map_clean_and_saved_as_turtle(qtbot, make_window, tmp_path):
    path = tmp_path / "matching.ttl"
    path.write_bytes(MATCHING.read_bytes())
    window = make_window(path, size=(1280, 800))
    doc, feature = window.document, window.compare
    try_first_lever(qtbot, window)
    (trial,) = scenarios.scenarios(doc.store)
    assert trial.trial and not doc.dirty  # a what-if, not an edit of the map
    seen: list = []
    watch_modal_boxes(window, seen)
    window.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Turtle, no TriG offer
    qtbot.wait(300)
    assert seen == [] and window.document.path == path and b"Try: " not in path.read_bytes()
    qtbot.mouseClick(feature.view.discard_button, Qt.MouseButton.LeftButton)
    assert not scenarios.scenarios(doc.store) and not doc.dirty and not window.isWindowModified()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert seen == [] and window.document.path == path


def test_a_lever_kept_as_a_scenario_is_an_edit_saved_only_in_trig(qtbot, make_window, tmp_path):
    path = tmp_path / "matching.ttl"
    path.write_bytes(MATCHING.read_bytes())
    window = make_window(path, size=(1280, 800))
    doc, feature = window.document, window.compare
    try_first_lever(qtbot, window)
    assert feature.view.keep_button.isVisible()
    qtbot.mouseClick(feature.view.keep_button, Qt.MouseButton.LeftButton)
    (kept,) = scenarios.scenarios(doc.store)
    assert not kept.trial and doc.dirty and not feature.view.trial_box.isVisible()
    assert doc.stack.undo_text.startswith("Keep ")
    seen: list = []
    watch_modal_boxes(window, seen)
    window.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert seen[0][0] == "scenariosNotSaved" and kept.name in seen[0][1]
    assert doc.dirty and b"Try: " not in path.read_bytes()


def test_a_scenario_side_is_built_off_the_ui_thread(qtbot, make_window):
    """Compare… with a scenario shown: the as-is side and the scenario side are built in the dialog's worker
    thread (the UI thread reads only the scenario's statements), and give the figures of the sides built whole."""
    from rdflib import XSD, Literal

    from explorer.analysis.run import compare_serialised, serialise_side
    from explorer.core.namespaces import RX
    from explorer.ui.analysis.compare_dialog import THIS_MAP

    window = make_window(KEYSTONE, size=(1280, 800))
    doc = window.document
    old = list(doc.store.quads(None, RX.changeFatigue, None, DEFAULT_GRAPH))
    new = [(s, p, Literal("0.95", datatype=XSD.decimal), g) for s, p, _o, g in old]
    command, tired = scenarios.create(doc, "tired", added=new, removed=old)
    window.execute(command)
    window.execute(scenarios.show(doc, tired))  # the canvas shows the scenario: the as-is side is built apart
    dialog = open_compare(qtbot, window)
    dialog.side_a.source.setCurrentIndex(dialog.side_a.source.findData(THIS_MAP))
    dialog.side_b.source.setCurrentIndex(dialog.side_b.source.findData(f"scenario:{tired.iri}"))
    qtbot.waitUntil(lambda: dialog.compare_button.isEnabled(), timeout=60_000)
    with qtbot.waitSignal(window.compare.finished, timeout=120_000) as done:
        qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    comparison = done.args[0]
    assert comparison is not None and comparison.b.name == "tired"
    whole = compare_serialised(serialise_side(doc), serialise_side(doc, tired), runs=comparison.runs)
    assert comparison.difference.figure == pytest.approx(whole.difference.figure, abs=1e-9)
    assert comparison.difference.figure > 0  # tired people resist more
    assert {v.name for v in comparison.structure.values_changed} == {"changeFatigue"}
    assert not window.compare.view.mechanism_note.isVisible()  # the same roles on both sides: nothing one-sided


def test_the_comparison_shown_is_saved_as_a_report_for_a_board(qtbot, make_window, monkeypatch, tmp_path):
    window = make_window(KEYSTONE, size=(1280, 800))
    view = window.compare.view
    assert not view.report_button.isEnabled()  # nothing compared yet
    comparison = compare_with_matching(qtbot, window, monkeypatch)
    target = tmp_path / "board"  # no ending: the filter chosen decides
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "Web page (*.html *.htm)"))
    )
    qtbot.mouseClick(view.report_button, Qt.MouseButton.LeftButton)
    task = window.compare.report_task
    assert task is not None and task.wait(120_000)
    written = tmp_path / "board.html"
    page = written.read_text(encoding="utf-8")
    assert comparison.a.name in page and comparison.b.name in page
    assert "Where the difference comes from" in page or "where it comes from" in page.lower()
    qtbot.waitUntil(lambda: "Report written: board.html" in window.statusBar().currentMessage(), timeout=10_000)
