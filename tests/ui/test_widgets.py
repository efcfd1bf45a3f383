"""The docks and overlays around the canvas: palette, outline, history, legend, minimap, start screen.

Real documents, schemas and projections throughout (offscreen Qt, pytest-qt).
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget
from rdflib import URIRef

from explorer.core.document import MapDocument
from explorer.core.editing import create_node
from explorer.core.namespaces import RX
from explorer.core.projection import NodeView, Projection
from explorer.core.resources import sample_maps
from explorer.core.schema import Schema
from explorer.ui.canvas.legend import Legend
from explorer.ui.canvas.minimap import Minimap
from explorer.ui.canvas.view import MapCanvas
from explorer.ui.common.host import OpenMap
from explorer.ui.panels.history import HistoryView
from explorer.ui.panels.outline import NODE_ROLE, Outline
from explorer.ui.panels.palette import Palette
from explorer.ui.panels.start_screen import StartScreen, describe_map, sample_catalogue

HOSTILE = "<b>x</b><script>alert(1)</script>" + "y" * 10_000 + " \u05e9\u05dc\u05d5\u05dd \U0001f600\nsecond line"


@pytest.fixture
def doc():
    document = MapDocument.new()
    yield document
    document.close()


@pytest.fixture
def schema(doc):
    return Schema.from_store(doc.store)


def add(doc, schema, kind, label, position=(0.0, 0.0)):
    command, iri = create_node(doc, schema, kind, label, position=position)
    doc.execute(command)
    return iri


@pytest.fixture
def small_map(doc, schema):
    """A unit, two roles, a routine and a regulator, and the projection of them."""
    iris = {
        "icu": add(doc, schema, RX.Unit, "ICU", (0, 0)),
        "nurse": add(doc, schema, RX.Role, "Bedside nurse", (-200, 300)),
        "lead": add(doc, schema, RX.Role, "Nurse lead", (200, 300)),
        "round": add(doc, schema, RX.Routine, "Ward round", (300, 0)),
        "regulator": add(doc, schema, RX.ExternalBody, "Regulator", (0, -300)),
    }
    return Projection.build(doc.store, schema), iris


def row_texts(model, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


# --------------------------------------------------------------------------- palette
def test_palette_lists_groups_and_kinds_in_ontology_order(qtbot, schema):
    palette = Palette()
    qtbot.addWidget(palette)
    palette.show_map(OpenMap(None, schema, None))
    expected = schema.palette()
    groups = [palette.topLevelItem(i) for i in range(palette.topLevelItemCount())]
    assert [g.text(0) for g in groups] == [label for label, _ in expected]
    for group, (_, kinds) in zip(groups, expected):
        assert [group.child(i).text(0) for i in range(group.childCount())] == [k.label for k in kinds]
        assert group.isExpanded()
        assert not group.flags() & Qt.ItemFlag.ItemIsSelectable
        assert not group.flags() & Qt.ItemFlag.ItemIsDragEnabled
    tie_labels = {k.label for _, kinds in schema.palette(ties=True) for k in kinds}
    assert not tie_labels & {item.text(0) for item in palette.kind_items()}
    routine = palette.item_for(RX.Routine)
    assert routine is not None and not routine.icon(0).isNull()
    assert "routine" in routine.toolTip(0).lower()


def test_palette_click_and_enter_emit_the_kind(qtbot, schema):
    palette = Palette()
    qtbot.addWidget(palette)
    palette.show_map(OpenMap(None, schema, None))
    palette.resize(260, 700)
    palette.show()
    qtbot.waitExposed(palette)
    item = palette.item_for(RX.Unit)
    rect = palette.visualItemRect(item)
    with qtbot.waitSignal(palette.kindActivated) as blocker:
        qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [str(RX.Unit)]
    palette.setCurrentItem(palette.item_for(RX.Norm))
    with qtbot.waitSignal(palette.kindActivated) as blocker:
        qtbot.keyClick(palette, Qt.Key.Key_Return)
    assert blocker.args == [str(RX.Norm)]
    # Arrow keys skip the group headings.
    first_group, second_group = palette.topLevelItem(0), palette.topLevelItem(1)
    palette.setCurrentItem(first_group.child(first_group.childCount() - 1))
    qtbot.keyClick(palette, Qt.Key.Key_Down)
    assert palette.currentItem() is second_group.child(0)
    qtbot.keyClick(palette, Qt.Key.Key_Up)
    assert palette.currentItem() is first_group.child(first_group.childCount() - 1)
    # Clicking a group heading does nothing.
    heading = palette.topLevelItem(0)
    with qtbot.assertNotEmitted(palette.kindActivated):
        qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=palette.visualItemRect(heading).center())


def test_palette_drag_carries_the_kind_iri(qtbot, schema):
    palette = Palette()
    qtbot.addWidget(palette)
    palette.show_map(OpenMap(None, schema, None))
    item = palette.item_for(RX.Routine)
    data = palette.mimeData([item])
    assert palette.mimeTypes() == [MapCanvas.KIND_MIME]
    assert data.hasFormat(MapCanvas.KIND_MIME)
    assert bytes(data.data(MapCanvas.KIND_MIME)).decode("utf-8") == str(RX.Routine)
    assert item.flags() & Qt.ItemFlag.ItemIsDragEnabled


def test_palette_empty_without_schema(qtbot, schema):
    palette = Palette()
    qtbot.addWidget(palette)
    palette.show_map(OpenMap(None, schema, None))
    palette.show_map(None)
    assert palette.topLevelItemCount() == 0
    assert not palette.isEnabled()


# --------------------------------------------------------------------------- outline
def test_outline_groups_by_level_then_kind(qtbot, small_map, schema):
    projection, iris = small_map
    outline = Outline()
    qtbot.addWidget(outline)
    outline.show_map(OpenMap(None, schema, projection))
    model = outline.model
    assert row_texts(model) == ["Macro", "Meso", "Micro"]
    meso = model.index(1, 0)
    assert row_texts(model, meso) == ["Unit", "Routine"]  # palette order
    micro = model.index(2, 0)
    assert row_texts(model, micro) == ["Role"]
    roles = model.index(0, 0, micro)
    assert row_texts(model, roles) == ["Bedside nurse", "Nurse lead"]
    assert outline.node_of(model.index(0, 0, roles)) == iris["nurse"]
    assert model.index(0, 0, roles).data(NODE_ROLE) == str(iris["nurse"])
    assert outline.placeholder == ""


def test_outline_sorts_numbers_in_names_by_value(qtbot, doc, schema):
    for name in ("Unit 150", "Unit 16", "unit 15", "Unit 2"):
        add(doc, schema, RX.Unit, name, (0, 0))
    outline = Outline()
    qtbot.addWidget(outline)
    outline.show_map(OpenMap(None, schema, Projection.build(doc.store, schema)))
    model = outline.model
    units = model.index(0, 0, model.index(0, 0))
    assert row_texts(model, units) == ["Unit 2", "unit 15", "Unit 16", "Unit 150"]


def test_outline_filter_narrows_and_says_when_nothing_matches(qtbot, small_map, schema):
    projection, _ = small_map
    outline = Outline()
    qtbot.addWidget(outline)
    outline.show_map(OpenMap(None, schema, projection))
    outline.set_filter("NURSE")
    model = outline.model
    assert row_texts(model) == ["Micro"]
    assert row_texts(model, model.index(0, 0, model.index(0, 0))) == ["Bedside nurse", "Nurse lead"]
    outline.set_filter("no such node")
    assert model.rowCount() == 0
    assert "no such node" in outline.placeholder
    outline.set_filter("")
    assert row_texts(model) == ["Macro", "Meso", "Micro"]


def test_outline_selecting_a_row_emits_the_iri_and_select_does_not(qtbot, small_map, schema):
    projection, iris = small_map
    outline = Outline()
    qtbot.addWidget(outline)
    outline.show_map(OpenMap(None, schema, projection))
    outline.resize(300, 500)
    outline.show()
    qtbot.waitExposed(outline)
    item = outline.item_for(iris["round"])
    rect = outline.tree.visualRect(item.index())
    with qtbot.waitSignal(outline.nodesActivated) as blocker:
        qtbot.mouseClick(outline.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [[iris["round"]]]
    with qtbot.assertNotEmitted(outline.nodesActivated):
        outline.select([iris["nurse"], iris["lead"], ("triple", iris["nurse"], RX.performs, iris["round"])])
    assert set(outline.selected()) == {iris["nurse"], iris["lead"]}
    outline.select([str(iris["round"])])  # as a Signal(list) delivers IRIs
    assert outline.selected() == [iris["round"]]


def test_outline_without_map_says_so(qtbot):
    outline = Outline()
    qtbot.addWidget(outline)
    outline.show_map(None)
    assert outline.placeholder == "No map open"
    assert not outline.filter.isEnabled()
    assert outline.model.rowCount() == 0


def _synthetic(schema, count: int) -> Projection:
    projection = Projection(schema)
    kinds = [RX.Role, RX.Unit, RX.Routine, RX.Norm, RX.ExternalBody]
    levels = [1, 2, 2, 2, 3]
    for i in range(count):
        iri = URIRef(f"http://example.org/n{i}")
        projection.nodes[iri] = NodeView(
            iri, kinds[i % 5], f"Node {i:06d}", levels[i % 5], float(i % 300) * 150, float(i // 300) * 60
        )
    return projection


def test_outline_builds_ten_thousand_nodes(qtbot, schema):
    # How long the refresh takes is in tests/benchmarks/bench_widgets.py (target 0.3 s).
    projection = _synthetic(schema, 10_000)
    outline = Outline()
    qtbot.addWidget(outline)
    outline.show_map(OpenMap(None, schema, projection))
    outline.refresh()
    assert len(outline.shown_nodes()) == 10_000


def test_outline_caps_huge_maps_and_filter_searches_everything(qtbot, schema):
    projection = _synthetic(schema, 25_000)
    outline = Outline()
    qtbot.addWidget(outline)
    outline.show_map(OpenMap(None, schema, projection))
    model = outline.model
    micro = model.index(2, 0)
    roles = model.index(0, 0, micro)
    assert model.rowCount(roles) == Outline.PER_KIND + 1
    assert model.index(Outline.PER_KIND, 0, roles).data() == "… 3,000 more — use the filter"
    # Node 24,995 is a role far past the cap: the filter finds it.
    outline.set_filter("node 024995")
    assert outline.shown_nodes() == [URIRef("http://example.org/n24995")]


def test_outline_hostile_label_is_plain_text_and_does_not_widen_the_dock(qtbot, doc, schema):
    iri = add(doc, schema, RX.Unit, HOSTILE)
    projection = Projection.build(doc.store, schema)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QWidget())
    dock = QDockWidget("Outline", window)
    outline = Outline(dock)
    dock.setWidget(outline)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.resize(1200, 700)
    outline.show_map(OpenMap(None, schema, projection))
    window.show()
    qtbot.waitExposed(window)
    text = outline.item_for(iri).text()
    assert "\n" not in text and len(text) <= 200
    assert text.startswith("<b>x</b><script>")  # shown as typed, not interpreted
    assert dock.width() <= 400
    assert outline.sizeHint().width() <= 400
    tip = outline.tooltip_for(outline.item_for(iri).index())
    assert "<script>" not in tip and "&lt;script&gt;" in tip
    image = outline.grab()
    assert image.width() <= 400


# --------------------------------------------------------------------------- history
def test_history_lists_commands_and_clicking_asks_for_a_jump(qtbot, doc, schema):
    view = HistoryView()
    qtbot.addWidget(view)
    view.show_map(OpenMap(doc, None, None))
    assert view.model().rowCount() == 1
    assert view.model().index(0).data() == "Opened map"
    add(doc, schema, RX.Unit, "ICU")
    view.refresh()
    add(doc, schema, RX.Role, "Nurse")
    view.refresh()
    add(doc, schema, RX.Routine, "Round")
    view.refresh()
    labels = [view.model().index(r).data() for r in range(view.model().rowCount())]
    assert labels == ["Opened map"] + [c.label for c in doc.stack.commands]
    assert view.current_row() == 3
    doc.undo()
    view.refresh()
    assert view.current_row() == 2
    model = view.model()
    assert model.index(2).data(Qt.ItemDataRole.FontRole).bold()
    undone = model.index(3).data(Qt.ItemDataRole.ForegroundRole)
    assert undone is not None and QColor(undone) != view.palette().color(view.palette().ColorRole.Text)
    view.resize(260, 300)
    view.show()
    qtbot.waitExposed(view)
    rect = view.visualRect(model.index(1))
    with qtbot.waitSignal(view.jumpRequested) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [1]
    # A new edit discards the undone step.
    add(doc, schema, RX.Norm, "Hand hygiene")
    view.refresh()
    assert [model.index(r).data() for r in range(model.rowCount())][-1] == doc.stack.commands[-1].label
    assert model.rowCount() == 4
    view.show_map(None)
    assert model.rowCount() == 0


# --------------------------------------------------------------------------- legend
def test_legend_lists_only_what_is_on_the_map(qtbot, small_map, schema, doc):
    projection, iris = small_map
    legend = Legend()
    qtbot.addWidget(legend)
    legend.show()
    qtbot.waitExposed(legend)
    empty_height = legend.height()
    legend.show_map(OpenMap(None, schema, projection))
    assert legend.height() > empty_height + 40  # grows at once, even while shown
    nodes = {label: count for section, label, count in legend.entries() if section == "node"}
    assert nodes == {"Unit": 1, "Role": 2, "Routine": 1, "External body": 1}
    assert not [e for e in legend.entries() if e[0] == "tie"]
    assert legend.sizeHint().width() <= 240
    # Add a plain tie: one entry for its family.
    from explorer.core.commands import Command
    from explorer.core.terms import DEFAULT_GRAPH

    doc.execute(Command("tie", added=frozenset({(iris["nurse"], RX.performs, iris["round"], DEFAULT_GRAPH)})))
    legend.show_map(OpenMap(doc, schema, Projection.build(doc.store, schema)))
    assert ("tie", "depends on / interdependent", 1) in legend.entries()


# --------------------------------------------------------------------------- minimap
def _is_blank(image: QImage) -> bool:
    first = image.pixel(0, 0)
    return all(image.pixel(x, y) == first for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))


def test_minimap_draws_and_click_centres_the_canvas(qtbot, small_map, schema):
    projection, iris = small_map
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    positions = {iri: (view.x, view.y) for iri, view in projection.nodes.items()}
    canvas.set_map(projection, schema, positions)
    canvas.resize(400, 300)
    canvas.show()
    qtbot.waitExposed(canvas)
    minimap = Minimap(canvas)
    qtbot.addWidget(minimap)
    minimap.show_map(OpenMap(None, schema, projection))
    assert minimap._image is not None and not _is_blank(minimap._image)
    minimap.show()
    qtbot.waitExposed(minimap)
    target = QPointF(*positions[iris["regulator"]])
    point = minimap.map_pos(target)
    qtbot.mouseClick(minimap, Qt.MouseButton.LeftButton, pos=QPoint(round(point.x()), round(point.y())))
    centre = canvas.mapToScene(canvas.viewport().rect().center())
    tolerance = 2 / minimap._scale + 2
    assert abs(centre.x() - target.x()) <= tolerance and abs(centre.y() - target.y()) <= tolerance
    assert minimap.visible_rect() is not None


def test_minimap_renders_a_hundred_thousand_nodes(qtbot, schema):
    # How long the refresh takes is in tests/benchmarks/bench_widgets.py (target 0.2 s).
    projection = _synthetic(schema, 100_000)
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.positions = {iri: (view.x, view.y) for iri, view in projection.nodes.items()}
    minimap = Minimap(canvas)
    qtbot.addWidget(minimap)
    minimap.projection, minimap.schema = projection, schema
    minimap.refresh()
    assert not _is_blank(minimap._image)


# --------------------------------------------------------------------------- start screen
def test_start_screen_lists_the_samples_and_emits(qtbot, tmp_path):
    screen = StartScreen()
    qtbot.addWidget(screen)
    catalogue = sample_catalogue()
    assert len(catalogue) == len(sample_maps()) == 5
    assert "Keystone ICU, Michigan" in screen.sample_titles()
    assert screen.sample_titles() == [title for _, title, _ in catalogue]
    assert all(description for _, _, description in catalogue)
    screen.resize(1000, 800)
    screen.show()
    qtbot.waitExposed(screen)
    rect = screen.samples.visualItemRect(screen.samples.item(1))
    with qtbot.waitSignal(screen.pathChosen) as blocker:
        qtbot.mouseClick(screen.samples.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [catalogue[1][0]]
    with qtbot.waitSignal(screen.newRequested):
        qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    screen.open_button.setFocus()
    with qtbot.waitSignal(screen.openRequested):
        qtbot.keyClick(screen.open_button, Qt.Key.Key_Return)


def test_start_screen_recent_maps_grey_out_missing_files(qtbot, tmp_path):
    present = tmp_path / "ward.ttl"
    present.write_text("", encoding="utf-8")
    missing = tmp_path / "gone.ttl"
    screen = StartScreen()
    qtbot.addWidget(screen)
    screen.set_recent([present, missing])
    assert screen.recent.count() == 2
    gone = screen.recent.item(1)
    assert "(missing)" in gone.text()
    assert not gone.flags() & Qt.ItemFlag.ItemIsEnabled
    screen.resize(1000, 800)
    screen.show()
    qtbot.waitExposed(screen)
    with qtbot.assertNotEmitted(screen.pathChosen):
        qtbot.mouseClick(
            screen.recent.viewport(), Qt.MouseButton.LeftButton, pos=screen.recent.visualItemRect(gone).center()
        )
    with qtbot.waitSignal(screen.pathChosen) as blocker:
        qtbot.mouseClick(
            screen.recent.viewport(),
            Qt.MouseButton.LeftButton,
            pos=screen.recent.visualItemRect(screen.recent.item(0)).center(),
        )
    assert blocker.args == [present]
    screen.set_recent([])
    assert screen.recent_section.isHidden()


def test_describe_map_never_raises(tmp_path):
    broken = tmp_path / "broken-map.ttl"
    broken.write_text("@prefix : <http://e/> . :a :b", encoding="utf-8")
    assert describe_map(broken) == ("Broken map", "")
    undescribed = tmp_path / "plain.ttl"
    undescribed.write_text("<http://e/a> <http://e/b> <http://e/c> .", encoding="utf-8")
    assert describe_map(undescribed) == ("Plain", "")
    hostile = tmp_path / "h.ttl"
    hostile.write_text(
        '<http://e/d> a <http://rdfs.org/ns/void#Dataset> ; <http://purl.org/dc/terms/title> "<b>T</b>\\nline" .',
        encoding="utf-8",
    )
    assert describe_map(hostile) == ("<b>T</b> line", "")


def test_widgets_have_accessible_names(qtbot, schema):
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    widgets = [Palette(), Outline(), HistoryView(), Legend(), Minimap(canvas), StartScreen()]
    for widget in widgets:
        qtbot.addWidget(widget)
        assert widget.accessibleName()
    outline = widgets[1]
    assert outline.filter.accessibleName() and outline.tree.accessibleName()
    screen = widgets[-1]
    for button in (screen.new_button, screen.open_button, screen.sample_button):
        assert button.accessibleName() and button.toolTip()
