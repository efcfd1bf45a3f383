"""After an edit on a big map, the outline and the legend show the map as it is now.

The window refreshes them a moment after each edit with only what the edit changed
(``MainWindow._refresh_views``): the outline moves just the rows of those nodes and the
legend lists the map again only when a kind or a relation could have changed. These
tests edit a 2,000-node map by the keyboard, let the refresh come through the event
loop, and compare each view with one built afresh from the map.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from benchmarks import synthetic
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from explorer.ui.canvas.legend import Legend
from explorer.ui.common.host import OpenMap
from explorer.ui.panels.outline import COUNT_ROLE, GROUP_ROLE, Outline


@pytest.fixture
def window(make_window, tmp_path):
    return make_window(synthetic.write_nodes(tmp_path / "org-2k.nt", 2_000, seed=3), size=(1280, 800))


def settle(qtbot, ms: int = 60) -> None:
    qtbot.wait(ms)
    QApplication.processEvents()


def rows(outline) -> list:
    """Every row of the outline, in order: (depth, text, count, group key)."""
    found = []

    def walk(parent, depth):
        for row in range(outline.model.rowCount(parent)):
            index = outline.model.index(row, 0, parent)
            found.append((depth, index.data(), index.data(COUNT_ROLE), index.data(GROUP_ROLE)))
            walk(index, depth + 1)

    walk(outline.model.index(-1, -1), 0)
    return found


def afresh(window):
    """An outline and a legend built from the map as it is now."""
    opened = OpenMap(window.document, window.schema, window.projection)
    outline, legend = Outline(), Legend()
    outline.show_map(opened)
    legend.show_map(opened)
    return outline, legend


def kind_count(outline, iri) -> int:
    row = outline.item_for(iri).parent()
    return row.data(COUNT_ROLE)


def choose_in_outline(qtbot, window, iri) -> None:
    """Click ``iri``'s row in the outline, which selects it on the canvas (centred, drawn in full)."""
    tree = window.outline.tree
    index = window.outline.item_for(iri).index()
    tree.scrollTo(index)
    settle(qtbot)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center())
    qtbot.waitUntil(lambda: window.canvas.selected_nodes() == [iri])
    window.canvas.setFocus()


def rename_by_keyboard(qtbot, window, iri, name: str) -> None:
    choose_in_outline(qtbot, window, iri)
    qtbot.keyClick(window.canvas, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.canvas.name_editor is not None and window.canvas.name_editor.isVisible())
    editor = window.canvas.name_editor
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_a_rename_on_a_big_map_shows_the_new_name_in_its_place_and_the_same_counts(qtbot, window):
    outline, legend = window.outline, window.legend
    qtbot.waitUntil(lambda: len(outline.shown_nodes()) == len(window.projection.nodes), timeout=10_000)
    nodes = list(window.projection.nodes)
    iri = nodes[len(nodes) // 2]
    count, entries = kind_count(outline, iri), legend.entries()

    rename_by_keyboard(qtbot, window, iri, "Aardvark review board")
    renamed = "Aardvark review board"
    qtbot.waitUntil(lambda: outline.item_for(iri) is not None and outline.item_for(iri).text() == renamed)
    settle(qtbot)
    # First of its kind by name, in the same group, which still counts the same nodes.
    assert outline.item_for(iri).row() == 0
    assert kind_count(outline, iri) == count
    assert legend.entries() == entries
    fresh_outline, fresh_legend = afresh(window)
    assert rows(outline) == rows(fresh_outline)
    assert outline.shown_nodes() == fresh_outline.shown_nodes()
    assert outline.selected() == [iri], "the renamed node's row stays selected"
    assert legend.entries() == fresh_legend.entries()


def test_deleting_and_undoing_on_a_big_map_update_the_counts(qtbot, window):
    outline, legend = window.outline, window.legend
    qtbot.waitUntil(lambda: len(outline.shown_nodes()) == len(window.projection.nodes), timeout=10_000)
    iri = list(window.projection.nodes)[7]
    kind = window.schema.kind(window.projection.nodes[iri].kind).label
    count = kind_count(outline, iri)
    legend_count = {label: n for section, label, n in legend.entries() if section == "node"}[kind]

    choose_in_outline(qtbot, window, iri)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: outline.item_for(iri) is None)
    settle(qtbot, 200)
    fresh_outline, fresh_legend = afresh(window)
    assert rows(outline) == rows(fresh_outline)
    assert {label: n for section, label, n in legend.entries() if section == "node"}[kind] == legend_count - 1
    assert legend.entries() == fresh_legend.entries()

    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: outline.item_for(iri) is not None)
    settle(qtbot, 200)
    assert kind_count(outline, iri) == count
    fresh_outline, fresh_legend = afresh(window)
    assert rows(outline) == rows(fresh_outline)
    assert legend.entries() == fresh_legend.entries()
