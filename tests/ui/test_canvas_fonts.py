"""Each canvas draws its nodes' names in its own font: a second canvas (an export, a query's result graph) made
under another font leaves the first one's names as they were."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from support.paths import SAMPLES

from explorer.ui.canvas.view import MapCanvas

SAMPLE = SAMPLES / "action-schools-bc.ttl"


def test_two_canvases_with_different_fonts_keep_their_own(qtbot, make_window):
    window = make_window(SAMPLE, size=(1280, 800))
    first = window.canvas
    item = next(iter(first.node_items.values()))
    item.layout = None
    width = item.label_layout()[2]
    family = first.label_font.family()

    app = QApplication.instance()
    before = app.font()
    other = QFont(before)
    other.setFamily("DejaVu Serif" if "Serif" not in family else "DejaVu Sans Mono")
    app.setFont(other)
    try:
        second = MapCanvas()
        qtbot.addWidget(second)
    finally:
        app.setFont(before)
    second.set_map(window.projection, window.schema, dict(first.positions))
    assert second.label_font.family() != family

    # The first canvas's nodes still measure and draw their names in its font, the second's in its own.
    assert item.label_font.family() == family and item.fonts is first.fonts
    item.layout = None
    assert item.label_layout()[2] == width
    twin = second.node_items[item.key]
    assert twin.fonts is second.fonts and twin.label_font.family() == second.label_font.family()
    assert twin.label_layout()[2] != width
    first.viewport().grab()  # paints with its own font, the badge's too
