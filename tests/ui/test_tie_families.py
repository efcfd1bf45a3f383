"""Ties drawn by relation family on the canvas, named in the legend, and named on hover at any zoom."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QEvent, QPoint, QPointF
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from explorer.core.presentation import OTHER_TIE_STYLE, relation_name, tie_style
from explorer.core.resources import sample_graphs_dir

#: At least this share of a sample's ties is drawn in a named family, not as grey "other relation".
MIN_FAMILY_SHARE = 0.85


def _sample(tmp_path):
    """A copy of a sample: the samples themselves may be open in another test's window."""
    return shutil.copy(sample_graphs_dir() / "keystone-michigan.ttl", tmp_path / "keystone.ttl")


def test_most_ties_are_drawn_in_a_named_family_and_the_legend_names_those_families(make_window, qtbot, tmp_path):
    window = make_window(_sample(tmp_path), size=(1280, 800))
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas.projection is not None and any(canvas.drawn_ties()))
    drawn = {}
    for _, _, (colour, line, width) in canvas.drawn_ties():
        drawn[(QColor(colour).name(), line, width)] = drawn.get((QColor(colour).name(), line, width), 0) + 1
    other = drawn.get((OTHER_TIE_STYLE.colour, OTHER_TIE_STYLE.line_style, OTHER_TIE_STYLE.width), 0)
    total = sum(drawn.values())
    assert total == len({key for key, _, _ in canvas.drawn_ties()}) > 100
    assert (total - other) / total >= MIN_FAMILY_SHARE
    # Each batch holds one family's ties: the pen is the family's look.
    styles = {tie_style(canvas.schema, t.relation) for t in canvas.projection.ties.values()}
    looks = {(s.colour, s.line_style, s.width) for s in styles}
    assert {look for look, count in drawn.items() if count} == looks
    for (_, _line, width), batch in canvas._ties.batches():
        assert batch.pen.widthF() == width
    # The legend names every family on the map, in plain words, with its count.
    ties = {label: count for section, label, count in window.legend.entries() if section == "tie"}
    families = {}
    for tie in canvas.projection.ties.values():
        label = tie_style(canvas.schema, tie.relation).label
        families[label] = families.get(label, 0) + 1
    assert ties == families
    assert {"violates a norm", "disrupts a routine", "belongs to", "influences", "stance towards the change"} <= set(
        ties
    )
    assert "depends on / interdependent" in ties


def test_hovering_a_tie_names_its_relation_at_any_zoom(make_window, qtbot, tmp_path):
    window = make_window(_sample(tmp_path), size=(1280, 800))
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas.projection is not None and any(canvas.drawn_ties()))
    for zoom in (0.35, 0.6, 1.0):
        canvas.set_zoom(zoom)
        qtbot.wait(10)
        found = None
        for key, (x1, y1, x2, y2), _ in canvas.drawn_ties():
            point = canvas.mapFromScene(QPointF((x1 + x2) / 2, (y1 + y2) / 2))
            if not canvas.viewport().rect().adjusted(20, 20, -20, -20).contains(point):
                continue
            if canvas.node_at(point) is None and canvas.tie_at(canvas.mapToScene(point)) == key:
                found = key, point
                break
        assert found is not None, zoom
        key, point = found
        qtbot.mouseMove(canvas.viewport(), point)
        qtbot.wait(20)
        QToolTip.hideText()
        event = QHelpEvent(QEvent.Type.ToolTip, point, canvas.viewport().mapToGlobal(point))
        QApplication.sendEvent(canvas.viewport(), event)
        qtbot.waitUntil(QToolTip.isVisible, timeout=1000)
        tie = canvas.projection.ties[key]
        text = QToolTip.text()
        assert relation_name(canvas.schema, tie) in text, (zoom, text)
        assert tie_style(canvas.schema, tie.relation).label in text or "other relation" not in text
        QToolTip.hideText()
        qtbot.mouseMove(canvas.viewport(), QPoint(2, 2))
