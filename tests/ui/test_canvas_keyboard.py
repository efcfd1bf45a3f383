"""The map by keyboard and screen reader, Focus around the node, the Filter dialog's words, the legend after closing.

Every step is a real key event through the event loop (``qtbot.keyClick``), on a sample map.
"""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from support.paths import SAMPLES

from explorer.ui.panels.filter_dialog import FilterDialog

SAMPLE = SAMPLES / "action-schools-bc.ttl"


@pytest.fixture
def window(make_window, qtbot):
    window = make_window(SAMPLE, size=(1280, 800))
    canvas = window.canvas
    window.activateWindow()
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.waitUntil(lambda: bool(window.legend.entries()))  # the legend follows a turn of the event loop
    return window


def _pos(canvas, iri):
    item = canvas.node_items[iri]
    return item.pos().x(), item.pos().y()


def _in_view(canvas, iri) -> bool:
    area = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    return area.contains(canvas.node_items[iri].sceneBoundingRect())


def _press(qtbot, canvas, key, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(canvas, key, modifiers)
    qtbot.wait(1)  # let anything the key queued run, as it would between two real presses


def test_tab_walks_every_node_once_in_reading_order_then_leaves(window, qtbot):
    canvas = window.canvas
    shown = [iri for iri, item in canvas.node_items.items() if item.isVisible()]
    walked = []
    for _ in shown:
        _press(qtbot, canvas, Qt.Key.Key_Tab)
        assert canvas.hasFocus()
        walked.append(canvas.current_node())
        assert _in_view(canvas, walked[-1]), "the node walked to is kept in view"
    assert sorted(map(str, walked)) == sorted(map(str, shown))
    # Reading order: band by band from the top (macro first), left to right in a band.
    places = [(canvas.band_at(_pos(canvas, iri)[1]), _pos(canvas, iri)[0]) for iri in walked]
    for (band, x), (next_band, next_x) in pairwise(places):
        assert next_band < band or (next_band == band and next_x >= x)
    _press(qtbot, canvas, Qt.Key.Key_Tab)  # past the last node, Tab leaves the map: no keyboard trap
    assert not canvas.hasFocus()
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    _press(qtbot, canvas, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert canvas.current_node() == walked[-2]


def test_arrows_go_to_the_nearest_node_that_way(window, qtbot):
    canvas = window.canvas
    directions = {Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Down: (0, 1), Qt.Key.Key_Up: (0, -1)}
    moved = 0
    for start in canvas.reading_order()[:12]:
        for key, (dx, dy) in directions.items():
            canvas.select([start])
            before = _pos(canvas, start)
            _press(qtbot, canvas, key)
            now = canvas.current_node()
            assert now is not None, "an arrow keeps a node in hand"
            if now == start:
                continue  # nothing lies that way
            after = _pos(canvas, now)
            along = (after[0] - before[0]) * dx + (after[1] - before[1]) * dy
            across = abs((after[0] - before[0]) * dy - (after[1] - before[1]) * dx)
            assert along > 0 and across <= 2 * along, "the node reached lies in the arrow's direction"
            assert _in_view(canvas, now)
            moved += 1
    assert moved >= 12
    # Alt+arrow with nothing selected takes the first node.
    canvas.select([])
    _press(qtbot, canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert canvas.current_node() == canvas.reading_order()[0]


def test_t_walks_the_ties_of_the_node_and_enter_follows_one(window, qtbot):
    canvas, projection = window.canvas, window.projection
    node = max(canvas.reading_order(), key=lambda n: len(projection.ties_of(n)))
    ties = projection.ties_of(node)
    assert len(ties) >= 2
    canvas.select([node])
    seen = []
    for _ in range(len(ties)):
        _press(qtbot, canvas, Qt.Key.Key_T)
        keys = canvas.selected_keys()
        assert len(keys) == 1 and keys[0] in ties
        seen.append(keys[0])
    assert sorted(map(str, seen)) == sorted(map(str, ties)), "T reaches every tie of the node once"
    tie = projection.ties[seen[-1]]
    name = QAccessible.queryAccessibleInterface(canvas).text(QAccessible.Text.Name)
    assert name.startswith("Tie: ")
    _press(qtbot, canvas, Qt.Key.Key_Return)
    assert canvas.current_node() == (tie.target if tie.source == node else tie.source)
    assert canvas.name_editor is None, "Enter on a tie follows it; it does not rename"


def test_the_accessibility_tree_names_the_node_in_hand(window, qtbot):
    canvas, projection = window.canvas, window.projection
    _press(qtbot, canvas, Qt.Key.Key_Tab)
    node = canvas.current_node()
    view = projection.nodes[node]
    kind = window.schema.kind(view.kind).label
    interface = QAccessible.queryAccessibleInterface(canvas)
    name = interface.text(QAccessible.Text.Name)
    assert name.startswith(f"{kind}: {view.label}") and "level" in name and "ties" in name
    assert "Tab" in interface.text(QAccessible.Text.Description)
    # Every node shown is a child, in reading order, with its name, its place on screen and its selection.
    children = [interface.child(i) for i in range(interface.childCount())]
    nodes = [child for child in children if child is not None and child.role() == QAccessible.Role.ListItem]
    assert [child.text(QAccessible.Text.Name) for child in nodes] == [
        projection.nodes[iri].label for iri in canvas.reading_order()
    ]
    chosen = next(child for child in nodes if child.state().selected)
    assert chosen.text(QAccessible.Text.Name) == view.label
    assert chosen.state().focused
    assert chosen.text(QAccessible.Text.Description) == name
    assert chosen.parent().text(QAccessible.Text.Name) == name
    assert interface.indexOfChild(chosen) == children.index(chosen)
    assert interface.focusChild().text(QAccessible.Text.Name) == view.label
    assert chosen.rect() == canvas.node_screen_rect(node) and chosen.rect().width() > 20
    _press(qtbot, canvas, Qt.Key.Key_Escape)
    assert interface.text(QAccessible.Text.Name) == "Map canvas"


def test_menu_key_opens_the_menu_at_the_node(window, qtbot, monkeypatch):
    canvas = window.canvas
    shown = []
    monkeypatch.setattr(window, "popup", lambda menu, pos: shown.append(([a.text() for a in menu.actions()], pos)))
    _press(qtbot, canvas, Qt.Key.Key_Tab)
    node = canvas.current_node()
    for key, modifiers in (
        (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
    ):
        _press(qtbot, canvas, key, modifiers)
        texts, pos = shown.pop()
        assert window.act_rename.text() in texts
        assert canvas.node_screen_rect(node).contains(pos)


def test_focus_lays_the_neighbourhood_out_around_the_node_and_show_everything_restores_it(window, qtbot):
    canvas, projection, document = window.canvas, window.projection, window.document
    node = max(canvas.reading_order(), key=lambda n: len(projection.ties_of(n)))
    map_positions = dict(canvas.positions)
    could_undo = document.stack.can_undo()
    canvas.select([node])
    _press(qtbot, canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: canvas.visible_nodes is not None)
    shown = canvas.visible_nodes
    assert len(shown) > 3
    centre = _pos(canvas, node)
    spread = max(math.dist(centre, _pos(canvas, n)) for n in shown)
    spread_on_map = max(math.dist(map_positions[node], map_positions[n]) for n in shown)
    assert spread < spread_on_map, "the neighbours are drawn nearer the node than on the map"
    for iri in shown:
        assert _in_view(canvas, iri), "every neighbour is in the view"
        assert canvas.band_at(_pos(canvas, iri)[1]) == projection.nodes[iri].level, "each in its own band"
    # The node sits in the middle of the view across, the nearest neighbours nearest it.
    middle = canvas.mapToScene(canvas.viewport().rect().center())
    assert abs(middle.x() - centre[0]) < canvas.viewport().width() / canvas.zoom() * 0.15
    assert canvas.zoom() >= 0.4
    # Nothing was saved or put on the undo stack: the map's own places are as they were.
    assert canvas.positions == map_positions
    assert not document.dirty and document.stack.can_undo() == could_undo
    _press(qtbot, canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: canvas.visible_nodes is None)
    assert all(_pos(canvas, iri) == map_positions[iri] for iri in canvas.node_items)
    assert not canvas.view_positions


def test_filter_dialog_offers_only_what_a_person_sets(window):
    dialog = FilterDialog(window.schema, window.projection, window)
    offered = [dialog.attribute.itemData(i) for i in range(1, dialog.attribute.count())]
    texts = [dialog.attribute.itemText(i).lower() for i in range(1, dialog.attribute.count())]
    assert offered, "the values people set are offered"
    for internal in ("canvas x", "canvas y", "score", "likelihood", "driving sum", "people likely to resist"):
        assert internal not in texts
    kinds = {view.kind for view in window.projection.nodes.values()}
    settable = {p.iri for k in kinds for p in window.schema.inspector(window.schema.kind(k))}
    assert all(spec.iri in settable for spec in offered)
    dialog.attribute.setCurrentIndex(texts.index("people represented") + 1)
    assert dialog.high.maximum() > 1, "a count is not cut at 1"
    dialog.deleteLater()


def test_legend_is_empty_after_close_map(window, qtbot):
    assert window.legend.entries()
    window.act_close.trigger()
    qtbot.waitUntil(lambda: window.document is None)
    qtbot.wait(10)
    assert window.legend.entries() == []
