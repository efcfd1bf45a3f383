"""Levels are sacred on the canvas: a node changes level only when dropped well inside another band.

Driven with real mouse events on the canvas's viewport (press, moves, release), letting the event loop
run between them, as a person drags a node.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from explorer.core.namespaces import RX
from explorer.layout.bands import band_of
from explorer.ui.common.shapes import NODE_H


@pytest.fixture
def unit(make_window):
    """A new map with one unit (meso), shown at 100 % with the unit in the middle of the view."""
    window = make_window()
    window.new_map()
    iri = window.place_node(RX.Unit, label="ICU")
    canvas = window.canvas
    canvas.set_zoom(1.0)
    canvas.centerOn(*canvas.positions[iri])
    return window, iri


def drag(qtbot, canvas, start: tuple[float, float], end: tuple[float, float], *, release: bool = True) -> None:
    """Press on scene point ``start``, move to ``end`` in a few steps, and release there."""
    viewport = canvas.viewport()
    begin = canvas.mapFromScene(QPointF(*start))
    qtbot.mouseMove(viewport, begin)
    qtbot.wait(10)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=begin)
    qtbot.wait(10)
    for step in range(1, 6):
        x = start[0] + (end[0] - start[0]) * step / 5
        y = start[1] + (end[1] - start[1]) * step / 5
        qtbot.mouseMove(viewport, canvas.mapFromScene(QPointF(x, y)))
        qtbot.wait(10)
    if release:
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(QPointF(*end)))
        qtbot.wait(10)


def drop_titles(canvas) -> list[str]:
    return [
        item.text()
        for item in canvas.scene().items()
        if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible() and item.text().startswith("Drop to")
    ]


def test_a_nudge_nine_pixels_across_a_band_edge_keeps_the_level(qtbot, unit):
    window, iri = unit
    canvas = window.canvas
    x, y = canvas.positions[iri]
    meso = band_of(canvas.bands, 2)
    index = window.document.stack.index
    drag(qtbot, canvas, (x, y), (x, meso.bottom + 9), release=False)
    assert canvas.band_at(canvas.node_items[iri].pos().y()) == 1  # the centre is over the micro band...
    assert drop_titles(canvas) == []  # ...but no band lights up: letting go here changes nothing
    qtbot.mouseRelease(
        canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(QPointF(x, meso.bottom + 9))
    )
    qtbot.waitUntil(lambda: window.document.stack.index == index + 1)
    assert window.projection.nodes[iri].level == 2
    assert not list(window.document.store.quads(iri, RX.level, RX.micro))
    # Back inside its band, wholly.
    _, now = canvas.positions[iri]
    assert canvas.node_items[iri].pos().y() == pytest.approx(now)
    assert now + NODE_H / 2 <= band_of(canvas.bands, 2).bottom + 1e-6
    assert "stays at the meso level" in window.statusBar().currentMessage()


def test_a_drop_into_the_middle_of_another_band_moves_the_node_there_in_one_undoable_step(qtbot, unit):
    window, iri = unit
    canvas = window.canvas
    x, y = canvas.positions[iri]
    micro = band_of(canvas.bands, 1)
    middle = (micro.top + micro.bottom) / 2
    index = window.document.stack.index
    drag(qtbot, canvas, (x, y), (x + 40, middle), release=False)
    assert drop_titles(canvas) == ["Drop to move to micro level"]
    qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(QPointF(x + 40, middle)))
    qtbot.waitUntil(lambda: window.projection.nodes[iri].level == 1)
    assert drop_titles(canvas) == []
    assert window.document.stack.index == index + 1
    assert window.document.stack.undo_text == "Move ICU to micro level"
    assert "micro level" in window.statusBar().currentMessage()
    assert canvas.band_at(canvas.positions[iri][1]) == 1
    window.undo()
    qtbot.waitUntil(lambda: window.projection.nodes[iri].level == 2)
    assert window.document.stack.index == index
    assert canvas.positions[iri] == pytest.approx((x, y))
