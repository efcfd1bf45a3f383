"""The overview of a big map as drawn: shapes in their kinds' colours, a unit joined to its members, named safely."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from explorer.layout.overview import overview_groups
from explorer.ui.canvas.groups import GroupOverviewItem

UNIT, PERSON = "ex:Unit", "ex:Person"
COLOURS = {UNIT: "#d62728", PERSON: "#1f77b4"}
HOSTILE = "<img src=x onerror=alert(1)><b>Ward</b>"


def _overview():
    nodes = [("u1", 2, UNIT, HOSTILE), ("u2", 2, UNIT, "Theatre")]
    nodes += [(f"p{i}", 1, PERSON, f"P{i}") for i in range(12)]
    ties = [(f"p{i}", "u1" if i < 8 else "u2", True) for i in range(12)] + [("p0", "p9", False)]
    positions = {"u1": (0.0, 0.0), "u2": (2000.0, 0.0)}
    positions |= {f"p{i}": (i * 180.0, 500.0) for i in range(12)}
    return overview_groups(nodes, ties, positions, unit_kinds={UNIT})


def _drawn(qtbot, overview, colours: dict, names: dict):
    """``overview`` drawn in a 640x400 view, fitted: the item and the view."""
    item = GroupOverviewItem(colours.get, names.get)
    item.set_overview(overview)
    scene = QGraphicsScene()
    scene.addItem(item)
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.resize(640, 400)
    view.show()
    qtbot.waitExposed(view)
    view.fitInView(item.boundingRect(), Qt.AspectRatioMode.KeepAspectRatio)
    qtbot.wait(10)
    view.keep = scene  # the view does not own its scene
    return item, view


@pytest.fixture
def shown(qtbot):
    overview = _overview()
    return (overview, *_drawn(qtbot, overview, COLOURS, {UNIT: "Unit", PERSON: "Person"}))


def test_groups_paint_in_their_dominant_kinds_colour(shown):
    overview, item, view = shown
    image = view.viewport().grab().toImage()
    ward = next(g for g in overview.groups if g.key == "members:1:u1")
    x, y, w, h = ward.rect
    centre = view.mapFromScene(QPointF(x + w * 0.15, y + h * 0.3))  # off the label, above the strip
    assert ward.kind == PERSON
    assert image.pixelColor(centre).name() == QColor(COLOURS[PERSON]).name()
    assert item.boundingRect().contains(x, y)


def test_a_shape_smaller_than_its_name_stays_in_sight_beside_it(qtbot):
    # Three bodies beside 3,000 people: the bodies' shape is a few pixels, its name a hundred and more.
    body = "ex:Body"
    nodes = [(f"b{i}", 3, body, f"B{i}") for i in range(3)] + [(f"p{i}", 1, PERSON, f"P{i}") for i in range(3000)]
    positions = {f"b{i}": (i * 180.0, 0.0) for i in range(3)} | {
        f"p{i}": (i % 60 * 180.0, 500.0 + i // 60 * 95) for i in range(3000)
    }
    overview = overview_groups(nodes, [], positions, unit_kinds={UNIT})
    colours = {**COLOURS, body: "#2ca02c"}
    _, view = _drawn(qtbot, overview, colours, {PERSON: "Person", body: "Body"})
    bodies = next(g for g in overview.groups if g.kind == body)
    x, y, w, h = bodies.rect
    shape = view.mapFromScene(QPointF(x, y)), view.mapFromScene(QPointF(x + w, y + h))
    assert shape[1].x() - shape[0].x() < 40 and shape[1].y() - shape[0].y() < 20  # smaller than its name
    image = view.viewport().grab().toImage()
    centre = view.mapFromScene(QPointF(x + w / 2, y + h / 2))
    assert image.pixelColor(centre).name() == QColor(colours[body]).name()  # the shape, not the name's plate
    beside = [image.pixelColor(shape[1].x() + dx, centre.y() + dy) for dx in range(4, 120) for dy in range(-5, 6)]
    assert any(colour.lightness() < 100 for colour in beside)  # its name's dark letters, just right of it


@pytest.mark.parametrize("dark", [False, True])
def test_a_unit_is_joined_to_its_members_by_its_own_line(shown, dark):
    """Between a unit's shape and its members' below, a dashed line of the theme's link shade, not a grey tie."""
    overview, item, view = shown
    item.set_dark(dark)
    view.setBackgroundBrush(QColor("#1f2328") if dark else QColor("#f6f7f9"))
    unit = next(g for g in overview.groups if g.key == "u1")
    members = next(g for g in overview.groups if g.head == "u1")
    x = unit.rect[0] + unit.rect[2] / 2
    top, bottom = unit.rect[1] + unit.rect[3], members.rect[1]
    image = view.viewport().grab().toImage()
    shades = [image.pixelColor(view.mapFromScene(QPointF(x, top + (bottom - top) * t / 20))) for t in range(2, 19)]
    link = QColor("#aab4c0" if dark else "#5b6573")
    near = [c for c in shades if max(abs(c.red() - link.red()), abs(c.green() - link.green())) < 40]
    assert len(near) >= 4  # dashes: some of the gap drawn in the link's shade
    background = view.backgroundBrush().color().name()
    assert any(c.name() == background for c in shades)  # ...and between them nothing: no grey tie under it


def test_group_at_finds_the_group_under_a_point(shown):
    overview, item, _ = shown
    for group in overview.groups:
        x, y, w, h = group.rect
        assert item.group_at(QPointF(x + w / 2, y + h / 2)) is group
    below = max(g.rect[1] + g.rect[3] for g in overview.groups) + 50
    assert item.group_at(QPointF(0, below)) is None


def test_tooltip_shows_a_hostile_label_as_text(shown):
    overview, item, _ = shown
    ward = next(g for g in overview.groups if g.key == "u1")
    tip = item.tooltip(ward)
    assert "<img" not in tip and "&lt;img src=x onerror=alert(1)&gt;" in tip
    assert "1 node:" in tip and "Unit 1" in tip
    members = item.tooltip(next(g for g in overview.groups if g.key == "members:1:u1"))
    assert "<img" not in members and "&lt;img src=x onerror=alert(1)&gt;" in members
    assert "The members at this level of a unit" in members and "8 nodes" in members and "Person 8" in members


def test_every_band_is_named_and_names_keep_a_line_apart(qtbot):
    """A crowded level must not take every name: each band's biggest shape is named, and names stay apart."""
    body, routine = "ex:Body", "ex:Routine"
    nodes = [(f"b{i}", 3, body, f"B{i}") for i in range(4)]
    nodes += [(f"u{i}", 2, UNIT, f"Ward {i}") for i in range(40)]
    nodes += [(f"r{i}", 2, routine, f"R{i}") for i in range(400)]
    nodes += [(f"p{i}", 1, PERSON, f"P{i}") for i in range(4000)]
    ties = [(f"p{i}", f"u{i % 40}", True) for i in range(4000)] + [(f"r{i}", f"u{i % 40}", True) for i in range(400)]
    positions = {f"b{i}": (i * 180.0, 0.0) for i in range(4)}
    positions |= {f"u{i}": (i * 180.0, 300.0) for i in range(40)} | {
        f"r{i}": (i % 40 * 180.0, 400.0) for i in range(400)
    }
    positions |= {f"p{i}": (i % 80 * 90.0, 900.0 + i // 80 * 40) for i in range(4000)}
    overview = overview_groups(nodes, ties, positions, unit_kinds={UNIT})
    item, view = _drawn(qtbot, overview, {**COLOURS, body: "#2ca02c", routine: "#ff7f0e"}, {})
    view.viewport().grab()  # a whole paint
    named = item.drawn_labels
    assert {overview.groups[index].level for index, _ in named} == {g.level for g in overview.groups}
    assert len(named) < sum(1 for g in overview.groups if g.level == 1)  # not every crowded shape
    line = min(rect.height() for _, rect in named)
    for i, (_, a) in enumerate(named):
        for _, b in named[i + 1 :]:
            assert not a.adjusted(-8, -line + 2, 8, line - 2).intersects(b), (a, b)


def test_names_at_the_views_edge_are_drawn_whole_inside_it(qtbot):
    """A name cut by the view's edge named nothing and took the room of a shape in full view."""
    nodes = [(f"u{i}", 2, UNIT, f"A ward with a long name {i}") for i in range(30)]
    nodes += [(f"p{i}", 1, PERSON, f"P{i}") for i in range(3000)]
    ties = [(f"p{i}", f"u{i % 30}", True) for i in range(3000)]
    positions = {f"u{i}": (i * 300.0, 0.0) for i in range(30)}
    positions |= {f"p{i}": (i % 30 * 300.0, 500.0 + i // 30 * 40) for i in range(3000)}
    overview = overview_groups(nodes, ties, positions, unit_kinds={UNIT})
    item, view = _drawn(qtbot, overview, COLOURS, {})
    view.scale(4, 4)  # the shapes now run past every edge of the view
    view.centerOn(item.boundingRect().center())
    view.viewport().grab()
    inside = QRectF(view.viewport().rect())
    assert item.drawn_labels
    assert all(inside.contains(rect) for _, rect in item.drawn_labels)


def test_no_name_is_drawn_under_an_overlay(qtbot):
    """The minimap sits over the view's corner: a name under it showed as "U… 57" around its edge."""
    overview = _overview()
    item, view = _drawn(qtbot, overview, COLOURS, {UNIT: "Unit", PERSON: "Person"})
    view.viewport().grab()
    drawn = [rect for _, rect in item.drawn_labels]
    assert drawn
    item.covered = [drawn[0].adjusted(-2, -2, 2, 2)]  # an overlay right over the first name
    view.viewport().grab()
    assert item.drawn_labels and not any(rect.intersects(item.covered[0]) for _, rect in item.drawn_labels)


def test_a_units_members_are_named_as_the_unit_their_band_says_the_level(shown):
    """ "Ward — micro" inside the micro band said the level twice, and took room another name needed."""
    overview, item, _ = shown
    members = next(i for i, g in enumerate(overview.groups) if g.grouping == "members" and g.head == "u2")
    unit = next(g for g in overview.groups if g.key == "u2")
    assert item.name(members) == f"{unit.label} · {overview.groups[members].count}"
    assert "micro" in overview.groups[members].label and "micro" in item.tooltip(overview.groups[members])
