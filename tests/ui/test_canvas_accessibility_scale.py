"""The canvas's accessibility tree on a big map: a screen reader walking the nodes costs no sort per node, and the
order it reads stays right after a move or a filter."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from benchmarks import synthetic
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from explorer.ui.canvas import view as canvas_view

BIG_NODES = 10_000
WALKED = 200


@pytest.fixture(scope="module")
def big_map(tmp_path_factory):
    return synthetic.write_nodes(tmp_path_factory.mktemp("big") / "org-10k.nt", BIG_NODES, seed=5)


def _count_sorts(monkeypatch) -> list:
    """Count the canvas's calls of the reading-order sort."""
    calls = []
    sort = canvas_view.reading_order

    def counted(*args, **kwargs):
        calls.append(1)
        return sort(*args, **kwargs)

    monkeypatch.setattr(canvas_view, "reading_order", counted)
    return calls


def _walk(interface, start: int, count: int) -> list:
    """The names of ``count`` node children from ``start``, each asked for as a screen reader does."""
    names = []
    for index in range(start, start + count):
        child = interface.child(index)
        assert interface.indexOfChild(child) == index
        names.append(child.text(QAccessible.Text.Name))
    return names


def test_walking_the_tree_of_a_10k_map_sorts_once_and_follows_moves_and_filters(
    qtbot, make_window, big_map, monkeypatch
):
    window = make_window(big_map, size=(1280, 800))
    canvas = window.canvas
    assert len(canvas.node_items) > 9_000
    canvas.set_zoom(0.5)  # near enough for node items: the overview further out lists none
    qtbot.wait(10)
    interface = QAccessible.queryAccessibleInterface(canvas)
    base = interface.childCount() - len(canvas.node_items)  # the viewport and scroll bars come first
    sorts = _count_sorts(monkeypatch)

    names = _walk(interface, base, WALKED)
    assert interface.childCount() == base + len(canvas.node_items)
    assert len(sorts) <= 2, f"{len(sorts)} sorts of 10k nodes to list {WALKED} children"
    order = canvas.reading_order()
    assert names == [window.projection.nodes[iri].label for iri in order[:WALKED]]

    # Drag the first node in reading order to the far right of its band: it is now read last of its band.
    first = order[0]
    band = canvas.band_at(canvas.node_items[first].pos().y())
    canvas.centerOn(canvas.node_items[first])
    canvas.set_zoom(1.0)
    qtbot.wait(10)
    start = canvas.mapFromScene(canvas.node_items[first].pos())
    was = canvas.positions[first][0]
    canvas.select([first])
    qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
    second = order[1]
    assert canvas.band_at(canvas.node_items[second].pos().y()) == band
    past = canvas.node_items[second].pos().x() - canvas.node_items[first].pos().x() + 60  # at 100 %: pixels
    end = start.__class__(start.x() + round(past), start.y())
    qtbot.mouseMove(canvas.viewport(), end)
    qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=end)
    qtbot.waitUntil(lambda: canvas.positions[first][0] > was + 50)  # the move went through the undo stack
    xs = {iri: canvas.node_items[iri].pos().x() for iri in canvas.node_items}
    in_band = [iri for iri in canvas.reading_order() if canvas.band_at(canvas.node_items[iri].pos().y()) == band]
    assert [xs[iri] for iri in in_band] == sorted(xs[iri] for iri in in_band)
    read = canvas.reading_order()
    assert read.index(second) < read.index(first)  # first came before second; now after it

    # A filter: the tree lists only the nodes shown, in reading order.
    shown = set(order[100:400])
    canvas.set_visible_nodes(shown)
    assert interface.childCount() == base + len(shown)
    names = _walk(interface, base, 50)
    kept = list(canvas.reading_order())
    assert set(kept) == shown
    assert names == [window.projection.nodes[iri].label for iri in kept[:50]]
    canvas.set_visible_nodes(None)
    assert interface.childCount() == base + len(canvas.node_items)
