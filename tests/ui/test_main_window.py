"""The desktop app end to end: gestures on the canvas, undo to empty, save and reopen, big maps, hostile labels."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("PySide6")
from benchmarks import synthetic
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD
from support.paths import KEYSTONE, MATCHING
from support.ui import open_and_wait as open_in

from explorer.core import editing
from explorer.core.namespaces import RX
from explorer.core.resources import sample_maps
from explorer.core.terms import DEFAULT_GRAPH
from explorer.ui.common.shapes import NODE_W
from explorer.ui.main_window import MainWindow

HOSTILE = "<b>bold</b><script>alert('x')</script>\n" + "مرحبا بالعالم 👩‍⚕️🏥 " + "x" * 10_000


@pytest.fixture
def window(make_window):
    return make_window()


def mouse(widget, kind, pos: QPoint, buttons=Qt.MouseButton.LeftButton, button=Qt.MouseButton.LeftButton) -> None:
    local = QPointF(pos)
    event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def view_point(window, iri) -> QPoint:
    x, y = window.canvas.positions[iri]
    return window.canvas.mapFromScene(QPointF(x, y))


def click_palette(qtbot, window, kind_label: str) -> None:
    palette = window.palette_view
    items = palette.findItems(kind_label, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert items, f"no palette entry {kind_label}"
    rect = palette.visualItemRect(items[0])
    palette.scrollToItem(items[0])
    rect = palette.visualItemRect(items[0])
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def type_new_name(qtbot, window, name: str) -> None:
    editor = window.canvas._editor
    assert editor is not None and editor.isVisible(), "placing a node starts renaming it in place"
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def drag_tie(window, source, target, monkeypatch, relation_label: str) -> list[str]:
    """Drag from ``source``'s handle onto ``target`` and pick ``relation_label`` from the menu offered."""
    offered = []

    def choose(menu, global_pos):
        for action in menu.actions():
            offered.append(action.text().strip())
        for action in menu.actions():
            if action.isEnabled() and action.text().strip().split("  (")[0] == relation_label:
                action.trigger()
                return action
        return None

    monkeypatch.setattr(window, "popup", choose)
    canvas = window.canvas
    viewport = canvas.viewport()
    start = view_point(window, source)
    mouse(viewport, QMouseEvent.Type.MouseMove, start, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    assert canvas._handle.isVisible(), "hovering a node shows its tie handle"
    handle = canvas.mapFromScene(canvas._handle.scenePos())
    mouse(viewport, QMouseEvent.Type.MouseButtonPress, handle)
    end = view_point(window, target)
    mouse(viewport, QMouseEvent.Type.MouseMove, end)
    mouse(viewport, QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    return offered


def inspector_field(window, name: str) -> QLineEdit:
    fields = [w for w in window.inspector.findChildren(QLineEdit) if w.accessibleName() == name and w.isVisible()]
    assert fields, f"no visible inspector field {name}"
    return fields[0]


def map_quads(document) -> set:
    return set(document.store.quads(graph=DEFAULT_GRAPH))


def without_positions(quads: set) -> set:
    return {q for q in quads if q[1] not in (RX.canvasX, RX.canvasY)}


def test_build_a_map_by_gestures_undo_to_empty_redo_save_and_reopen(qtbot, window, tmp_path, monkeypatch):
    window.new_map()
    empty = map_quads(window.document)
    click_palette(qtbot, window, "Unit")
    type_new_name(qtbot, window, "Intensive care")
    click_palette(qtbot, window, "Routine")
    type_new_name(qtbot, window, "Line insertion")
    labels = {v.label: iri for iri, v in window.projection.nodes.items()}
    unit, routine = labels["Intensive care"], labels["Line insertion"]
    assert window.projection.nodes[unit].level == 2 and window.projection.nodes[routine].level == 2

    offered = drag_tie(window, routine, unit, monkeypatch, "owned by")
    assert "owned by" in offered
    assert (routine, RX.ownedBy, unit, DEFAULT_GRAPH) in map_quads(window.document)

    window.canvas.select([unit])
    field = inspector_field(window, "readiness")
    field.setFocus()
    qtbot.keyClicks(field, "0.6")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert (unit, RX.readiness, Literal("0.6", datatype=XSD.decimal), DEFAULT_GRAPH) in map_quads(window.document)

    # Move the routine by dragging it.
    before = window.canvas.positions[routine]
    start = view_point(window, routine)
    mouse(window.canvas.viewport(), QMouseEvent.Type.MouseButtonPress, start)
    for step in range(1, 6):
        mouse(window.canvas.viewport(), QMouseEvent.Type.MouseMove, start + QPoint(12 * step, 4 * step))
    mouse(
        window.canvas.viewport(), QMouseEvent.Type.MouseButtonRelease, start + QPoint(60, 20), Qt.MouseButton.NoButton
    )
    moved = window.canvas.positions[routine]
    assert moved != before
    full = map_quads(window.document)
    steps = window.document.stack.index
    assert steps >= 6  # add, rename, add, rename, tie, set, move

    while window.document.stack.can_undo():
        window.act_undo.trigger()
    assert map_quads(window.document) == empty
    assert not window.projection.nodes and not window.canvas.node_items
    while window.document.stack.can_redo():
        window.act_redo.trigger()
    assert map_quads(window.document) == full
    assert window.canvas.positions[routine] == pytest.approx(moved, abs=0.1)

    path = tmp_path / "icu.ttl"
    assert window.save_as(path, wait=True)
    assert not window.document.dirty
    saved_positions = dict(window.canvas.positions)
    window.close_map()
    open_in(window, path)
    assert map_quads(window.document) == full
    for iri, (x, y) in saved_positions.items():
        assert window.canvas.positions[iri] == pytest.approx((x, y), abs=0.1)
    assert path in [p.resolve() for p in window.recent_files()] or path.resolve() in window.recent_files()


def test_the_keystone_walkthrough_a_new_user_would_do(qtbot, window, tmp_path, monkeypatch):
    """Open Keystone from the start screen, see it by levels, add a unit and a routine, tie, edit,
    undo, redo, save, reopen."""
    chosen = []
    window.start_screen.pathChosen.connect(chosen.append)
    samples = [p for p in sample_maps() if p.stem == "keystone-michigan"]
    window.start_screen.pathChosen.emit(samples[0])
    qtbot.waitUntil(lambda: window.document is not None, timeout=30_000)
    assert window.pages.currentWidget() is window.canvas_page
    bands = {band.level: band for band in window.canvas.bands}
    assert [b.level for b in window.canvas.bands] == [3, 2, 1]  # macro on top
    for iri, view in window.projection.nodes.items():
        _, y = window.canvas.positions[iri]
        assert bands[view.level].top <= y <= bands[view.level].bottom, view.label

    click_palette(qtbot, window, "Unit")
    type_new_name(qtbot, window, "Step-down unit")
    click_palette(qtbot, window, "Routine")
    type_new_name(qtbot, window, "Daily line review")
    labels = {v.label: iri for iri, v in window.projection.nodes.items()}
    unit, routine = labels["Step-down unit"], labels["Daily line review"]
    drag_tie(window, routine, unit, monkeypatch, "owned by")
    window.canvas.select([unit])
    field = inspector_field(window, "absorptive capacity")
    field.setFocus()
    qtbot.keyClicks(field, "0.3")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    edited = map_quads(window.document)
    window.act_undo.trigger()
    assert map_quads(window.document) != edited
    window.act_redo.trigger()
    assert map_quads(window.document) == edited

    path = tmp_path / "keystone-edited.ttl"
    assert window.save_as(path, wait=True)
    positions = dict(window.canvas.positions)
    window.close_map()
    open_in(window, path)
    # The file also holds where the nodes laid out at open were drawn, so it reopens as it looked.
    assert without_positions(map_quads(window.document)) == without_positions(edited)
    assert {k: pytest.approx(v, abs=0.1) for k, v in positions.items()} == window.canvas.positions
    assert all(view.x is not None for view in window.projection.nodes.values())


def test_only_allowed_relations_are_offered(qtbot, window):
    window.new_map()
    doc, schema = window.document, window.schema
    made = {}
    for kind, name in ((RX.Routine, "Handover"), (RX.Norm, "Two-nurse check"), (RX.Person, "Ana")):
        command, iri = editing.create_node(doc, schema, kind, name, position=(len(made) * 200, 0))
        doc.execute(command)
        made[name] = iri
    menu = window.relations_menu(made["Handover"], made["Two-nurse check"])
    texts = [a.text().strip() for a in menu.actions() if a.isEnabled()]
    assert "governed by" in texts
    assert not any(t.startswith(("member of", "owned by", "performs", "reports to")) for t in texts)
    menu = window.relations_menu(made["Ana"], made["Handover"])
    texts = [a.text().strip() for a in menu.actions() if a.isEnabled()]
    assert "performs" in texts and "governed by" not in texts
    # The core refuses a relation the ontology does not allow, whatever the UI offers.
    relation = next(r for r in schema.relations_between(RX.Person, RX.Routine) if r.iri == RX.performs)
    with pytest.raises(Exception, match="does not allow"):
        editing.connect(doc, schema, made["Handover"], made["Two-nurse check"], relation)


def test_an_inspector_edit_that_breaks_a_scale_is_refused_with_a_message(qtbot, window):
    window.new_map()
    iri = window.place_node(RX.Unit, label="ICU")
    window.canvas.select([iri])
    before = map_quads(window.document)
    field = inspector_field(window, "readiness")
    field.setFocus()
    qtbot.keyClicks(field, "1.5")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert map_quads(window.document) == before
    assert "between 0 and 1" in window.statusBar().currentMessage()


def test_a_10k_node_map_is_read_off_the_ui_thread_and_drawn_whole(qtbot, window, tmp_path, monkeypatch):
    """The event loop stays alive while a big map opens because the map is read in a worker; how long the
    loop stalls meanwhile is measured by tests/benchmarks/bench_canvas.py."""
    from explorer.core.document import MapDocument

    path = synthetic.write_nodes(tmp_path / "org-10k.nt", 10_000, seed=2)
    real_open, readers = MapDocument.open, []

    def open_and_note_the_thread(*args, **kwargs):
        readers.append(threading.current_thread())
        return real_open(*args, **kwargs)

    monkeypatch.setattr(MapDocument, "open", open_and_note_the_thread)
    task = window.open_map(path, ask=False)
    assert window.projection is None, "open_map returns at once; the map is shown when the worker has read it"
    assert task.wait(120_000) and task.error is None, task.error
    qtbot.waitUntil(lambda: window.projection is not None and not window.canvas.building, timeout=60_000)
    assert readers and threading.main_thread() not in readers
    assert 9_000 < len(window.projection.nodes) < 11_000
    assert len(window.canvas.node_items) == len(window.projection.nodes)


def test_the_panels_that_read_every_node_follow_an_opened_map_one_per_turn(qtbot, make_window):
    """The analysis dock, outline, minimap and legend each read every node: at 100k nodes they took 400-700 ms
    when they ran back to back; each now has a turn of the event loop of its own (a repeating 0 ms timer,
    fired once a turn, counts the turns)."""
    from PySide6.QtCore import QTimer

    window = make_window()
    turns, seen = [0], {}
    counter = QTimer(interval=0)
    counter.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    for name in ("analysis", "outline", "minimap", "legend"):
        panel = getattr(window, name)
        real = panel.show_map

        def show_map(opened, _real=real, _name=name):
            seen[_name] = turns[0]
            return _real(opened)

        panel.show_map = show_map
    counter.start()
    open_in(window, KEYSTONE)
    counter.stop()
    assert set(seen) == {"analysis", "outline", "minimap", "legend"} and not window.panels_pending
    assert len(set(seen.values())) == 4, f"two panels in one turn: {seen}"
    assert window.outline.tree.model().rowCount() > 0, "the outline lists the map"


def test_hostile_labels_show_as_plain_text_and_keep_the_layout(qtbot, window, tmp_path):
    window.new_map()
    iri = window.place_node(RX.Routine, label=HOSTILE)  # as a file may hold it (a typed name stops at MAX_NAME)
    view = window.projection.nodes[iri]
    assert view.label == HOSTILE
    item = window.canvas.node_items[iri]
    assert item.sceneBoundingRect().width() <= NODE_W + 10  # the node does not grow with its label
    assert "\n" not in item.text and "<b>" in item.text  # shown as text, one line
    window.canvas.select([iri])
    window.canvas.set_zoom(1.0)
    window.canvas.centerOn(item)
    QApplication.processEvents()
    window.grab().save(str(tmp_path / "hostile.png"))
    assert window.inspector.sizeHint().width() <= 460
    assert window.outline.sizeHint().width() <= 460


def test_a_bad_file_is_reported_with_its_line_and_the_open_map_stays(qtbot, window, tmp_path, dialogs):
    open_in(window, KEYSTONE)
    nodes = len(window.projection.nodes)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n<a> <b> .\n", encoding="utf-8")
    task = window.open_map(bad, ask=False)
    task.wait()
    QApplication.processEvents()
    assert any("bad.ttl" in text and "line 2" in text for text in dialogs.texts("warning")), dialogs.shown
    assert window.document.path == KEYSTONE and len(window.projection.nodes) == nodes


def test_closing_with_unsaved_changes_asks(qtbot, window, dialogs):
    from PySide6.QtWidgets import QMessageBox

    window.new_map()
    window.place_node(RX.Unit, label="ICU")
    dialogs.answers["warning"] = QMessageBox.StandardButton.Cancel
    assert window.close_map() is False
    assert window.document is not None
    dialogs.answers["warning"] = QMessageBox.StandardButton.Discard
    assert window.close_map() is True
    assert window.pages.currentWidget() is window.start_screen


def test_delete_copy_paste_and_focus(qtbot, window):
    open_in(window, KEYSTONE)
    doc = window.document
    routine = next(iri for iri, v in window.projection.nodes.items() if v.kind == RX.Routine)
    neighbours = window.projection.neighbourhood([routine], 1)
    window.canvas.select([routine])
    window.act_focus.trigger()
    assert window.canvas.visible_nodes == neighbours
    window.act_show_all.trigger()
    assert window.canvas.visible_nodes is None

    count = len(window.projection.nodes)
    window.canvas.select([routine])
    window.act_copy.trigger()
    window.act_paste.trigger()
    assert len(window.projection.nodes) == count + 1
    pasted = window.canvas.selected_nodes()
    assert len(pasted) == 1 and pasted[0] != routine
    assert window.projection.nodes[pasted[0]].label == window.projection.nodes[routine].label
    window.act_delete.trigger()
    window.canvas.select([routine])
    window.act_delete.trigger()
    assert routine not in window.projection.nodes
    assert not any(t.source == routine or t.target == routine for t in window.projection.ties.values())
    window.act_undo.trigger()
    assert routine in window.projection.nodes
    assert doc.stack.index == 2


def test_search_highlights_and_walks_matches(qtbot, window):
    """Ctrl+F, type, Enter walks the matches; Find Previous walks back; the status line counts them."""
    from PySide6.QtGui import QKeySequence

    open_in(window, KEYSTONE)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Find))
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClicks(window.search_box, "icu")
    matches = list(window.search_box.matches)
    assert len(matches) >= 2
    assert window.statusBar().currentMessage().startswith(f"{len(matches)} matches")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.canvas.selected_nodes() == [matches[0]]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.canvas.selected_nodes() == [matches[1]]
    window.act_find_previous.trigger()
    assert window.canvas.selected_nodes() == [matches[0]]
    assert window.statusBar().currentMessage() == f"Match 1 of {len(matches)}"


@pytest.mark.parametrize("name", ["levels", "force", "hierarchical", "circular"])
def test_each_layout_is_one_undoable_step(qtbot, window, name):
    open_in(window, KEYSTONE)
    before = dict(window.canvas.positions)
    index = window.document.stack.index
    window.apply_layout(name, wait=True)
    QApplication.processEvents()
    assert window.document.stack.index == index + 1
    assert window.canvas.positions != before or name == "levels"
    window.act_undo.trigger()
    assert window.document.stack.index == index


def test_a_layout_is_written_into_the_map_by_its_worker_not_the_window(qtbot, window, monkeypatch):
    import threading

    open_in(window, KEYSTONE)
    store = window.document.store
    writers = []
    apply = store.apply

    def watched(**quads):
        writers.append(threading.current_thread())
        apply(**quads)

    monkeypatch.setattr(store, "apply", watched)
    task = window.apply_layout("force")
    # The worker waits for the next turn: the window first draws its panels greyed without sharing the interpreter.
    assert not window.inspector.isEnabled()
    assert not any(t.name.startswith("task: Lay out") for t in threading.enumerate())
    assert task.wait(30_000)
    qtbot.waitUntil(lambda: not window.following and not window.busy)
    assert writers and all(t is not threading.main_thread() for t in writers)  # 40k quads at 10k nodes: 50-70 ms
    assert window.document.writing_ahead is None and window.document.stack.undo_text.startswith("Lay out")
    placed = {n: (v.x, v.y) for n, v in window.projection.nodes.items()}
    assert placed == {n: tuple(xy) for n, xy in window.canvas.positions.items()}  # the window followed it
    # Its places name the very objects the views key the nodes by: looked up by identity, not rdflib's __eq__.
    keys = {id(node) for node in window.projection.nodes}
    layout = window.document.stack.commands[-1]
    assert all(id(place.node) in keys for moves in layout.moves for place in moves)
    window.act_undo.trigger()
    assert writers[-1] is threading.main_thread() and not window.document.stack.can_undo()


def test_levels_move_a_node_across_bands_changes_its_level(qtbot, window):
    window.new_map()
    iri = window.place_node(RX.Unit, label="ICU")
    macro = next(b for b in window.canvas.bands if b.level == 3)
    x, _ = window.canvas.positions[iri]
    # Dropped from its meso place into the middle of the macro band (tests/ui/test_level_bands.py drags it).
    window.canvas.node_items[iri].setPos(x, (macro.top + macro.bottom) / 2)
    window._nodes_moved({iri: (x, (macro.top + macro.bottom) / 2)})
    assert window.projection.nodes[iri].level == 3
    assert (iri, RX.level, RX.macro, DEFAULT_GRAPH) in map_quads(window.document)
    assert "macro" in window.document.stack.undo_text


def test_moving_one_node_stores_only_its_own_position(qtbot, window):
    open_in(window, KEYSTONE)
    iri = next(iter(window.projection.nodes))
    x, y = window.canvas.positions[iri]
    window._nodes_moved({iri: (x + 30, y)})
    placed = [n for n, v in window.projection.nodes.items() if v.x is not None]
    assert placed == [iri]  # the others stay where the open-time layout drew them, unsaved
    assert window.document.stack.undo_text.startswith("Move")


def test_recent_files_and_window_layout_persist(qtbot, tmp_path):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    open_in(first, KEYSTONE)
    first.palette_dock.hide()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert KEYSTONE.resolve() in second.recent_files()
    assert not second.palette_dock.isVisible()
    second.close()


def test_every_sample_map_opens_and_draws(qtbot, window):
    for sample in sample_maps():
        open_in(window, sample)
        assert window.projection.nodes and len(window.canvas.node_items) == len(window.projection.nodes), sample.name
        assert window.windowTitle().endswith("Routine Explorer")


def test_labels_are_plain_in_the_window_title(qtbot, window, tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        '<http://example.org/m> a <http://rdfs.org/ns/void#Dataset> ; dct:title "Ward <b>7</b> map" .\n'
        "<http://example.org/icu> a <https://w3id.org/routine-explorer/ns#Unit> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "ICU" .\n',
        encoding="utf-8",
    )
    open_in(window, path)
    assert window.windowTitle().startswith("Ward <b>7</b> map (ward.ttl)")
    assert window.projection.nodes[URIRef("http://example.org/icu")].label == "ICU"
    assert RDFS.label  # imported for the quads above


def test_the_layout_menu_offers_every_layout_there_is(window):
    from explorer.layout import layouts

    assert list(window.layout_actions) == list(layouts.LAYOUTS)
    assert [a.text() for a in window.layout_actions.values()] == [
        f"Lay Out {label}" for label in layouts.LAYOUTS.values()
    ]


def test_text_still_being_typed_in_the_inspector_is_saved(qtbot, window, tmp_path):
    window.new_map()
    iri = window.place_node(RX.Unit, label="Alpha")
    window.canvas.select([iri])
    field = inspector_field(window, "label")
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "Beta")  # no Enter: the user goes straight to Save
    path = tmp_path / "typed.ttl"
    assert window.save_as(path, wait=True)
    assert "Beta" in path.read_text(encoding="utf-8")
    assert not window.document.dirty


def test_the_map_takes_no_edits_while_a_file_is_written(qtbot, window, tmp_path):
    window.new_map()
    window.place_node(RX.Unit, label="ICU")
    task_started = []
    original = window.document.write_file
    release = threading.Event()

    def held_write(*args, **kwargs):
        task_started.append(True)
        assert release.wait(60), "the test never let the write go on"  # held while the test looks at the window
        return original(*args, **kwargs)

    window.document.write_file = held_write
    try:
        assert window.save_as(tmp_path / "busy.ttl")  # returns at once; the file is written in a worker
        assert window._busy and not window.act_delete.isEnabled() and not window.canvas_page.isEnabled()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window._busy, timeout=10_000)
    assert task_started and not window.document.dirty and window.act_undo.isEnabled()


def test_the_last_map_asked_for_is_the_one_that_opens(qtbot, window, tmp_path):
    big = synthetic.write_nodes(tmp_path / "org-3k.nt", 3_000, seed=4)
    first = window.open_map(big, ask=False)
    second = window.open_map(KEYSTONE, ask=False)
    first.wait(60_000)
    second.wait(60_000)
    QApplication.processEvents()
    assert window.document.path == KEYSTONE
    # The superseded map was closed, so it can be opened again (its lock is free).
    open_in(window, big)
    assert window.document.path == big


def test_tooltips_show_labels_as_text_not_markup(qtbot, window):
    window.new_map()
    iri = window.place_node(RX.Unit, label="<img src='http://example.org/x.png'><b>ICU</b>")
    tip = window.canvas.node_items[iri].toolTip()
    assert "<img" not in tip and "&lt;img" in tip


def test_the_tie_handle_of_a_deleted_node_does_nothing(qtbot, window, monkeypatch):
    window.new_map()
    a = window.place_node(RX.Unit, label="A")
    window.place_node(RX.Unit, label="B")
    viewport = window.canvas.viewport()
    mouse(viewport, QMouseEvent.Type.MouseMove, view_point(window, a), Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    assert window.canvas._handle.isVisible()
    handle = window.canvas.mapFromScene(window.canvas._handle.scenePos())
    window.document.execute(editing.delete_items(window.document.store, nodes=[a]))
    assert not window.canvas._handle.isVisible()
    offered = []
    monkeypatch.setattr(window, "popup", lambda menu, pos: offered.append(menu))
    mouse(viewport, QMouseEvent.Type.MouseButtonPress, handle)
    mouse(viewport, QMouseEvent.Type.MouseMove, handle + QPoint(40, 0))
    mouse(viewport, QMouseEvent.Type.MouseButtonRelease, handle + QPoint(40, 0), Qt.MouseButton.NoButton)
    assert not offered


def test_appearance_can_be_fixed_dark_or_follow_the_system(qtbot, window):
    from PySide6.QtGui import QPalette

    def dark() -> bool:
        return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128

    window.set_theme("dark")
    assert dark()
    window.set_theme("system")
    assert not dark()


def test_unsaved_edits_are_offered_back_after_a_crash(qtbot, window, tmp_path, dialogs):
    import shutil

    path = tmp_path / "keystone.ttl"
    shutil.copy(KEYSTONE, path)
    open_in(window, path)
    window.place_node(RX.Unit, label="Unit added before the crash")
    # A crash: the process stops holding the lock, the journal stays, nothing is closed.
    window.document._lock.release()
    window._detach()
    window.document = None
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    open_in(second, path)
    assert any(title == "Recover unsaved changes?" for _, title, _ in dialogs.shown)
    assert any(v.label == "Unit added before the crash" for v in second.projection.nodes.values())
    assert second.document.dirty
    second.document.close()
    second.document = None
    second.close()


def test_a_kind_dropped_from_the_palette_lands_in_the_band_it_was_dropped_on(qtbot, window):
    from PySide6.QtCore import QByteArray, QMimeData
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    window.new_map()
    window.place_node(RX.Routine, label="Existing routine")  # gives the canvas its bands
    macro = next(b for b in window.canvas.bands if b.level == 3)
    target = window.canvas.mapFromScene(QPointF(0, (macro.top + macro.bottom) / 2))
    data = QMimeData()
    data.setData(window.canvas.KIND_MIME, QByteArray(str(RX.Unit).encode("utf-8")))
    enter = QDragEnterEvent(
        target, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window.canvas.viewport(), enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(target), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window.canvas.viewport(), event)
    units = [v for v in window.projection.nodes.values() if v.kind == RX.Unit]
    assert len(units) == 1 and units[0].level == 3  # a unit dropped on the macro band is a macro-level unit
    assert window.canvas._editor is not None  # and its name is ready to type


def test_double_click_renames_in_place(qtbot, window):
    window.new_map()
    iri = window.place_node(RX.Unit, label="ICU")
    qtbot.mouseDClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_point(window, iri))
    type_new_name(qtbot, window, "Intensive care unit")
    assert window.projection.nodes[iri].label == "Intensive care unit"
    assert window.document.stack.undo_text.startswith("Rename")


def test_the_analysis_panel_analyses_the_open_maps_change(qtbot, window):
    open_in(window, MATCHING)
    window.analysis.runs = 5
    window.act_analyse.trigger()
    qtbot.waitUntil(lambda: window.analysis.result is not None, timeout=60_000)
    result = window.analysis.result
    assert result.change_label.startswith("CLABSI checklist bundle") and result.runs == 5
    assert result.points[0].likelihood >= result.points[-1].likelihood
    assert window.analysis_dock.isVisible()
    # Asked for, the panel gets the height it reads in: the Legend below it gives some up (once a session).
    assert window.legend_dock.height() <= 200 < window.analysis_dock.height()
    # The run is kept in the map for SPARQL, and the Analysis menu can remove it (not an edit).
    assert not window.act_drop_runs.isEnabled() or window.document.derived_graphs()
    qtbot.waitUntil(lambda: window.act_drop_runs.isEnabled(), timeout=20_000)
    assert len(window.document.derived_graphs()) == 1 and not window.document.dirty
    window.act_drop_runs.trigger()
    assert window.document.derived_graphs() == [] and not window.act_drop_runs.isEnabled()
    assert not window.document.stack.can_undo()


def test_the_heat_overlay_follows_a_moved_node(qtbot, window):
    window.new_map()
    iri = window.place_node(RX.Unit, label="ICU")
    window.canvas.set_heat({iri: 1.0})
    halo = window.canvas._heat_items[0]
    x, y = window.canvas.positions[iri]
    window._nodes_moved({iri: (x + 300, y)})
    halo = window.canvas._heat_items[0]
    assert halo.pos().x() == pytest.approx(x + 300, abs=0.2)


def test_many_new_nodes_without_places_are_set_out_beside_the_map(qtbot, window, monkeypatch):
    """A big command adding typed nodes without positions (an update, a paste from another tool)
    places them at once, beside the map and in their level's band, without overlaps."""
    from rdflib.namespace import RDF

    from explorer.core.commands import diff

    open_in(window, KEYSTONE)
    before = dict(window.canvas.positions)
    new = [URIRef(f"urn:x:person-{i}") for i in range(400)] + [URIRef(f"urn:x:routine-{i}") for i in range(100)]
    quads = [(n, RDF.type, RX.Person if "person" in n else RX.Routine, DEFAULT_GRAPH) for n in new]
    quads += [(n, RDFS.label, Literal(str(n).rsplit(":", 1)[-1]), DEFAULT_GRAPH) for n in new]
    # A free-spot search scans every node, so one per new node took 10-43 s for 500-2,000 nodes: there are none.
    searches = []
    free_spot = window.canvas.free_spot
    monkeypatch.setattr(
        window.canvas, "free_spot", lambda *args, **kwargs: searches.append(args) or free_spot(*args, **kwargs)
    )
    assert window.execute(diff(window.document.store, "Add many", added=quads))
    qtbot.waitUntil(lambda: all(n in window.canvas.positions for n in new), timeout=20_000)
    assert searches == []
    right = max(x for x, _ in before.values())
    spots = [window.canvas.positions[n] for n in new]
    assert all(x > right for x, _ in spots)
    assert len(set(spots)) == len(spots)
    for n in new:
        _, y = window.canvas.positions[n]
        assert window.canvas.band_at(y) == window.projection.nodes[n].level
    assert all(window.canvas.positions[k] == v for k, v in before.items())


def test_ctrl_slash_shows_every_shortcut_and_the_canvas_gestures(qtbot, window):
    """Help > Keyboard Shortcuts, opened with its key, lists the window's shortcuts and the canvas's gestures."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QTableWidget

    from explorer.ui.panels.shortcuts import ShortcutsDialog

    seen = []

    def read_and_close():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutsDialog) and w.isVisible())
        table = dialog.findChild(QTableWidget)
        seen.extend((table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount()))
        dialog.accept()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTimer.singleShot(0, read_and_close)
    combination = window.act_shortcuts.shortcut()[0]
    qtbot.keyClick(window, combination.key(), combination.keyboardModifiers())
    assert ("Save", window.act_save.shortcut().toString()) in seen
    assert ("Tie two nodes", "Drag from a node's handle onto another node") in seen
    assert seen == sorted(seen)


def _save_with_ctrl_s_choosing(qtbot, window, monkeypatch, copy) -> dict:
    """Press Ctrl+S; a Save As dialog, if one opens, chooses ``copy``. Returns ``{"start": the dialog's start}``."""
    from explorer.ui import main_window

    asked = {}

    def choose(parent, caption, start, filters):
        asked["start"] = start
        return str(copy), ""

    monkeypatch.setattr(main_window.QFileDialog, "getSaveFileName", choose)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: copy.exists() and not window.document.dirty, timeout=20_000)
    return asked


def test_ctrl_s_on_a_map_that_cannot_be_changed_where_it_is_asks_where_to_save_a_copy(
    qtbot, window, tmp_path, monkeypatch
):
    # A sample opened from the installed app (/opt is read-only for users): Save offers Save As in the home folder.
    import shutil
    from pathlib import Path

    from explorer.ui import main_window

    shipped = tmp_path / "opt" / "keystone-michigan.ttl"
    shipped.parent.mkdir()
    shutil.copyfile(KEYSTONE, shipped)
    original = shipped.read_bytes()
    monkeypatch.setattr(main_window, "can_replace", lambda path: Path(path).parent != shipped.parent)
    assert not main_window.is_sample(shipped)  # read-only here, not a sample
    open_in(window, shipped)
    window.rename(next(iter(window.projection.nodes)), "Renamed here")
    copy = tmp_path / "home" / "my-keystone.ttl"
    copy.parent.mkdir()
    asked = _save_with_ctrl_s_choosing(qtbot, window, monkeypatch, copy)
    assert asked["start"] == str(Path.home() / "keystone-michigan.ttl")  # not the read-only folder
    assert shipped.read_bytes() == original and b"Renamed here" in copy.read_bytes()
    assert window.document.path == copy


def test_ctrl_s_on_a_sample_saves_a_copy_and_leaves_the_sample_as_it_came(qtbot, window, tmp_path, monkeypatch):
    # Writable or not (an unpacked bundle, a source checkout, Windows), a sample's edits go to a copy: an update of
    # the app would replace the sample, and the next user of the start screen expects it as it came.
    from pathlib import Path

    (sample,) = [p for p in sample_maps() if p.name == "keystone-michigan.ttl"]
    original = sample.read_bytes()
    open_in(window, sample)
    window.rename(next(iter(window.projection.nodes)), "Renamed in the sample")
    copy = tmp_path / "my-keystone.ttl"
    asked = _save_with_ctrl_s_choosing(qtbot, window, monkeypatch, copy)
    assert asked["start"] == str(Path.home() / sample.name)  # the home folder, not the app's samples
    assert sample.read_bytes() == original and b"Renamed in the sample" in copy.read_bytes()
    assert window.document.path == copy
