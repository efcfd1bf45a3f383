"""The inspector: a form from the ontology that edits the map only through undoable commands."""

from __future__ import annotations

import itertools

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from explorer.core import commands
from explorer.core.document import MapDocument
from explorer.core.editing import connect, create_node, delete_items
from explorer.core.events import GraphChanged
from explorer.core.namespaces import DCTERMS, RX
from explorer.core.projection import Projection
from explorer.core.schema import Schema
from explorer.core.terms import DEFAULT_GRAPH
from explorer.ui.common.host import OpenMap
from explorer.ui.inspector.form import EMPTY_HINT, NO_MAP_HINT, Inspector
from explorer.ui.inspector.widgets import LinkList

HOSTILE = "<b>x</b><script>alert(1)</script> \u202eמפה\u202c 🧪\nsecond line " + "y" * 10_000


class World:
    """A small map and an inspector on it, wired as the main window does.

    The map has two units, two routines and an interdependency.
    """

    def __init__(self, qtbot) -> None:
        self.doc = MapDocument.new()
        self.schema = Schema.from_store(self.doc.store)
        self.icu = self.add(RX.Unit, "ICU")
        self.ward = self.add(RX.Unit, "Ward 3")
        self.handover = self.add(RX.Routine, "Handover")
        self.rounds = self.add(RX.Routine, "Rounds")
        self.lines = self.add(RX.Routine, "Line care")
        relation = next(r for r in self.schema.relations_between(RX.Routine, RX.Routine) if r.iri == RX.Interdependency)
        command, self.tie = connect(self.doc, self.schema, self.handover, self.rounds, relation)
        self.doc.execute(command)
        self.projection = Projection.build(self.doc.store, self.schema)
        self.doc.events.subscribe(
            GraphChanged, lambda e: self.projection.update(self.doc.store, itertools.chain(e.added, e.removed))
        )
        self.inspector = Inspector()
        qtbot.addWidget(self.inspector)
        self.inspector.resize(380, 800)
        self.inspector.show()
        qtbot.waitExposed(self.inspector)
        self.inspector.show_map(OpenMap(self.doc, self.schema, self.projection))
        self.messages: list[str] = []
        self.selected: list = []
        self.inspector.message.connect(self.messages.append)
        self.inspector.selectRequested.connect(self.selected.append)

    def add(self, kind, label) -> URIRef:
        command, iri = create_node(self.doc, self.schema, kind, label)
        self.doc.execute(command)
        return iri

    def values(self, subject, predicate) -> list:
        return [o for _, _, o, _ in self.doc.store.quads(subject, predicate, None, DEFAULT_GRAPH)]

    def editor(self, prop, cls=QWidget):
        found = self.inspector.findChild(cls, str(prop))
        assert found is not None, f"no {cls.__name__} for {prop}"
        return found

    def error(self, prop) -> QLabel | None:
        return self.inspector.findChild(QLabel, f"error:{prop}")

    def note(self, prop) -> QLabel | None:
        return self.inspector.findChild(QLabel, f"note:{prop}")


@pytest.fixture
def world(qtbot):
    w = World(qtbot)
    yield w
    w.inspector.show_map(None)
    w.doc.close()


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    """Replace the field's text the way a user does: select all, type, press Enter."""
    edit.setFocus()
    edit.selectAll()
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


# ----------------------------------------------------------------------------- labels, undo
def test_a_label_is_edited_in_place_and_undo_brings_it_back(world, qtbot):
    world.inspector.show_item(world.icu)
    assert world.inspector.current == world.icu
    assert world.inspector._title.fullText() == "ICU"
    assert world.inspector._kind.fullText() == "Unit"
    edit = world.editor(RDFS.label, QLineEdit)
    assert edit.text() == "ICU"

    type_into(qtbot, edit, "Intensive care unit")
    assert world.values(world.icu, RDFS.label) == [Literal("Intensive care unit")]
    assert world.doc.stack.undo_text == "Rename “ICU” to “Intensive care unit”"
    assert world.inspector._title.fullText() == "Intensive care unit"

    world.doc.undo()
    world.inspector.refresh()
    assert edit.text() == "ICU"
    assert world.inspector._title.fullText() == "ICU"
    world.doc.redo()
    world.inspector.refresh()
    assert edit.text() == "Intensive care unit"


def test_an_empty_label_is_refused_with_a_reason(world, qtbot):
    world.inspector.show_item(world.icu)
    edit = world.editor(RDFS.label, QLineEdit)
    before = world.doc.stack.index
    type_into(qtbot, edit, "")
    assert world.values(world.icu, RDFS.label) == [Literal("ICU")]
    assert world.doc.stack.index == before
    assert world.messages and "cannot be empty" in world.messages[-1]
    assert world.error(RDFS.label).isVisible()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)  # Escape puts the stored value back
    assert edit.text() == "ICU"
    assert not world.error(RDFS.label).isVisible()


def test_a_comment_commits_on_ctrl_enter_and_clearing_it_unsets(world, qtbot):
    world.inspector.show_item(world.handover)
    edit = world.editor(RDFS.comment, QPlainTextEdit)
    edit.setFocus()
    qtbot.keyClicks(edit, "Two lines")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "of notes")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert world.values(world.handover, RDFS.comment) == [Literal("Two lines\nof notes")]
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert world.values(world.handover, RDFS.comment) == []


# ----------------------------------------------------------------------------- scales
@pytest.mark.parametrize("where", ["unit readiness", "tie strength"])
def test_values_outside_the_scale_or_not_numbers_are_refused(world, qtbot, where):
    subject, prop = (world.icu, RX.readiness) if where == "unit readiness" else (world.tie[1], RX.strength)
    world.inspector.show_item(world.icu if where == "unit readiness" else world.tie)
    edit = world.editor(prop, QLineEdit)
    assert edit.placeholderText() == "0\u2009\u2013\u20091"
    before = world.doc.stack.index

    with qtbot.waitSignal(world.inspector.message, timeout=1000) as signal:
        type_into(qtbot, edit, "1.5")
    assert "between 0 and 1" in signal.args[0] and "scale" in signal.args[0]
    assert world.values(subject, prop) == []
    assert world.doc.stack.index == before
    error = world.error(prop)
    assert error is not None and error.isVisible() and "scale" in error.text()
    assert edit.text() == "1.5"  # kept, so the user can fix it
    assert "scale" in edit.accessibleDescription()

    with qtbot.waitSignal(world.inspector.message, timeout=1000) as signal:
        type_into(qtbot, edit, "abc")
    assert "must be a number" in signal.args[0]
    assert world.values(subject, prop) == []

    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == "" and not error.isVisible()

    type_into(qtbot, edit, "0.4")
    assert world.values(subject, prop) == [Literal("0.4", datatype=XSD.decimal)]
    assert not error.isVisible()
    # History names whose value it is: the unit, or the tie by its two ends.
    named = "“ICU”" if where == "unit readiness" else " → "
    assert world.doc.stack.undo_text.startswith(f"Set {world.schema.property(prop).label} of “")
    assert named in world.doc.stack.undo_text

    type_into(qtbot, edit, "")  # clearing the field unsets the property
    assert world.values(subject, prop) == []


def test_consecutive_edits_of_one_field_are_one_undo_step(world, qtbot):
    world.inspector.show_item(world.icu)
    edit = world.editor(RX.readiness, QLineEdit)
    before = world.doc.stack.index
    type_into(qtbot, edit, "0.2")
    type_into(qtbot, edit, "0.3")
    assert world.doc.stack.index == before + 1
    world.doc.undo()
    world.inspector.refresh()
    assert edit.text() == ""


def test_a_refused_value_is_put_back_when_focus_leaves(world, qtbot):
    world.inspector.show_item(world.icu)
    world.inspector.activateWindow()
    qtbot.waitActive(world.inspector)
    edit = world.editor(RX.readiness, QLineEdit)
    other = world.editor(RX.workload, QLineEdit)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=1000)
    qtbot.keyClicks(edit, "7")
    other.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(other.hasFocus, timeout=1000)
    assert edit.text() == ""  # restored to the stored value (none)
    assert world.error(RX.readiness).isVisible()  # and the reason stays visible
    assert world.values(world.icu, RX.readiness) == []


def test_stored_values_the_field_cannot_hold_are_shown_and_flagged(world):
    store = world.doc.store
    world.doc.execute(
        commands.diff(
            store,
            "import",
            added=[
                (world.icu, RX.readiness, Literal("1.7", datatype=XSD.decimal), DEFAULT_GRAPH),
                (world.icu, RX.workload, Literal("high"), DEFAULT_GRAPH),
            ],
        )
    )
    world.inspector.show_item(world.icu)
    assert world.editor(RX.readiness, QLineEdit).text() == "1.7"
    assert world.note(RX.readiness).isVisible() and "outside the scale" in world.note(RX.readiness).text()
    assert world.editor(RX.workload, QLineEdit).text() == "high"
    assert "not" in world.note(RX.workload).text()
    # Showing a flagged value changes nothing.
    assert world.values(world.icu, RX.readiness) == [Literal("1.7", datatype=XSD.decimal)]


# ----------------------------------------------------------------------------- choices and links
def test_a_choice_is_set_from_the_combo(world, qtbot):
    world.inspector.show_item(world.tie)
    combo = world.editor(RX.interdependenceType, QComboBox)
    spec = world.schema.property(RX.interdependenceType)
    assert combo.itemText(0) == "—"
    assert [combo.itemText(i) for i in range(1, combo.count())] == [c.label for c in spec.choices]
    sequential = next(c for c in spec.choices if c.iri == RX.sequential)
    index = combo.findText(sequential.label)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert world.values(world.tie[1], RX.interdependenceType) == [RX.sequential]
    assert isinstance(world.values(world.tie[1], RX.interdependenceType)[0], URIRef)
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert world.values(world.tie[1], RX.interdependenceType) == []


def test_a_multi_valued_choice_is_a_list_of_checkable_items(world, qtbot):
    command, nurse = create_node(world.doc, world.schema, RX.Role, "Nurse")
    world.doc.execute(command)
    world.inspector.show_item(nurse)
    checks = world.editor(RX.roleKind)
    spec = world.schema.property(RX.roleKind)
    assert checks.count() == len(spec.choices)
    checks.item(0).setCheckState(Qt.CheckState.Checked)
    checks.item(1).setCheckState(Qt.CheckState.Checked)
    assert set(world.values(nurse, RX.roleKind)) == {spec.choices[0].iri, spec.choices[1].iri}
    checks.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert world.values(nurse, RX.roleKind) == [spec.choices[1].iri]


def test_owned_by_is_set_to_a_unit_through_the_link_widget(world, qtbot):
    world.inspector.show_item(world.handover)
    combo = world.editor(RX.ownedBy, QComboBox)
    combo.lineEdit().setFocus()
    qtbot.keyClicks(combo.lineEdit(), "icu")  # case-insensitive, part of the name is enough
    assert "ICU" in combo.displays and "Ward 3" in combo.displays
    assert "Rounds" not in combo.displays  # a routine is not an organisation
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert world.values(world.handover, RX.ownedBy) == [world.icu]
    assert combo.lineEdit().text() == ""

    # The new value is a row: clicking it asks to select the unit, its cross removes it.
    row_list = next(
        lst for lst in world.inspector.findChildren(LinkList) if lst.accessibleName().startswith("owned by")
    )
    rect = row_list.visualItemRect(row_list.item(0))
    qtbot.mouseClick(row_list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y()))
    assert world.selected == [world.icu] and isinstance(world.selected[0], URIRef)
    qtbot.mouseClick(row_list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.right() - 5, rect.center().y()))
    assert world.values(world.handover, RX.ownedBy) == []


def test_an_unknown_node_name_is_refused(world, qtbot):
    world.inspector.show_item(world.handover)
    combo = world.editor(RX.ownedBy, QComboBox)
    qtbot.keyClicks(combo.lineEdit(), "Nowhere")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert world.values(world.handover, RX.ownedBy) == []
    assert "Nowhere" in world.messages[-1]


def test_a_tie_end_is_a_single_link_that_cannot_be_cleared(world, qtbot):
    tie = world.tie[1]
    world.inspector.show_item(world.tie)
    assert world.inspector._kind.fullText() == "Interdependency"
    target = world.editor(RX.to, QComboBox)
    assert target.lineEdit().text() == "Rounds"
    target.lineEdit().setFocus()
    target.lineEdit().selectAll()
    qtbot.keyClicks(target.lineEdit(), "Line care")
    qtbot.keyClick(target.lineEdit(), Qt.Key.Key_Return)
    assert world.values(tie, RX.to) == [world.lines]
    assert target.lineEdit().text() == "Line care"

    source = world.editor(RX["from"], QComboBox)
    source.lineEdit().selectAll()
    qtbot.keyClick(source.lineEdit(), Qt.Key.Key_Delete)
    qtbot.keyClick(source.lineEdit(), Qt.Key.Key_Return)
    assert world.values(tie, RX["from"]) == [world.handover]
    assert "delete the tie" in world.messages[-1]


def test_a_citation_is_added_as_text_to_source(world, qtbot):
    world.inspector.show_item(world.icu)
    citation = next(
        e for e in world.inspector.findChildren(QLineEdit) if e.accessibleName() == "source: add a citation"
    )
    qtbot.keyClicks(citation, "Dixon-Woods et al. 2011")
    qtbot.keyClick(citation, Qt.Key.Key_Return)
    assert world.values(world.icu, DCTERMS.source) == [Literal("Dixon-Woods et al. 2011")]


# ----------------------------------------------------------------------------- plain ties
def test_a_plain_tie_shows_its_ends_and_can_be_deleted(world, qtbot):
    relation = next(r for r in world.schema.relations_between(RX.Unit, RX.Unit) if r.iri == RX.lateralSupport)
    command, key = connect(world.doc, world.schema, world.icu, world.ward, relation)
    world.doc.execute(command)
    world.inspector.show_item(key)
    assert world.inspector._kind.fullText() == "Tie"
    assert world.inspector._title.fullText() == relation.label
    assert "ICU" in world.inspector._ends.fullText() and "Ward 3" in world.inspector._ends.fullText()
    delete = next(b for b in world.inspector.findChildren(QPushButton) if b.text() == "Delete tie")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert world.values(world.icu, RX.lateralSupport) == []
    assert world.inspector.current is None
    world.doc.undo()
    assert world.values(world.icu, RX.lateralSupport) == [world.ward]


# ----------------------------------------------------------------------------- hostile text, size
def test_hostile_labels_show_as_plain_text_and_do_not_widen_the_dock(world, qtbot):
    node = world.add(RX.Unit, "placeholder")
    world.doc.execute(commands.set_property(world.doc.store, node, RDFS.label, Literal(HOSTILE)))
    world.doc.execute(commands.set_property(world.doc.store, world.handover, RX.ownedBy, node))
    world.inspector.show_item(node)
    assert world.inspector._title.fullText() == HOSTILE
    assert world.inspector._title.textFormat() == Qt.TextFormat.PlainText
    assert world.editor(RDFS.label, QLineEdit).text() == HOSTILE
    assert "&lt;b&gt;" in world.inspector._title.toolTip()  # tooltips are escaped, never rendered
    for label in world.inspector.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()[:40]
    assert world.inspector.sizeHint().width() <= 450
    assert world.inspector.minimumSizeHint().width() <= 450
    assert world.inspector._scroll.widget().sizeHint().width() <= 450
    assert world.inspector._scroll.widget().minimumSizeHint().width() <= 450

    world.inspector.show_item(world.handover)  # the hostile node as a link value
    assert world.inspector._scroll.widget().sizeHint().width() <= 450
    assert world.inspector._scroll.widget().minimumSizeHint().width() <= 450
    world.inspector.grab()  # paints without trouble


# ----------------------------------------------------------------------------- empty states
def test_empty_states(world, qtbot):
    world.inspector.show_map(None)
    assert world.inspector._hint.text() == NO_MAP_HINT and world.inspector._hint.isVisible()
    world.inspector.show_map(OpenMap(world.doc, world.schema, world.projection))
    assert world.inspector._hint.text() == EMPTY_HINT and world.inspector._hint.isVisible()

    world.inspector.show_item(world.icu)
    assert not world.inspector._hint.isVisible()
    world.inspector.show_item(None)
    assert world.inspector.current is None and world.inspector._hint.isVisible()

    world.inspector.show_item(world.icu)
    world.doc.execute(delete_items(world.doc.store, nodes=[world.icu]))
    world.inspector.refresh()
    assert world.inspector.current is None
    assert world.inspector._hint.isVisible() and world.inspector._hint.text() == EMPTY_HINT

    world.inspector.show_item(URIRef("urn:example:never-there"))
    assert world.inspector.current is None and world.inspector._hint.isVisible()


# ----------------------------------------------------------------------------- accessibility, speed
def test_every_field_is_named_explained_and_in_tab_order(world):
    command, person = create_node(world.doc, world.schema, RX.Person, "Ana")
    world.doc.execute(command)
    world.inspector.show_item(person)
    specs = world.schema.inspector(world.schema.kind(RX.Person))
    editors = [world.editor(spec.iri) for spec in specs]
    for spec, editor in zip(specs, editors):
        assert editor.accessibleName() == spec.label
        if spec.comment:
            assert editor.toolTip(), spec.label
    # Tab visits the fields in form order.
    order = []
    widget = editors[0]
    for _ in range(200):
        if widget in editors and widget not in order:
            order.append(widget)
        widget = widget.nextInFocusChain()
    assert order == editors


def test_refresh_updates_the_form_in_place_without_building_it_again(world):
    # Refresh runs after every change, so it must not rebuild the form. How long building and refreshing
    # take is in tests/benchmarks/bench_widgets.py (targets 30 ms and a few ms).
    command, person = create_node(world.doc, world.schema, RX.Person, "Ana")
    world.doc.execute(command)
    world.inspector.show_item(person)
    specs = world.schema.inspector(world.schema.kind(RX.Person))
    editors = [world.editor(spec.iri) for spec in specs]
    label = world.editor(RDFS.label, QLineEdit)
    world.doc.execute(commands.set_property(world.doc.store, person, RDFS.label, Literal("Ana Lima")))
    for _ in range(10):
        world.inspector.refresh()
    assert all(world.editor(spec.iri) is editor for spec, editor in zip(specs, editors))
    assert world.editor(RDFS.label, QLineEdit) is label and label.text() == "Ana Lima"


def test_a_number_shows_as_stored_after_commit(world, qtbot):
    world.inspector.show_item(world.icu)
    edit = world.editor(RX.readiness, QLineEdit)
    type_into(qtbot, edit, " 0,5 ")  # a decimal comma and stray blanks are understood
    assert world.values(world.icu, RX.readiness) == [Literal("0.5", datatype=XSD.decimal)]
    assert edit.text() == "0.5"


def test_switching_items_commits_what_was_typed(world, qtbot):
    world.inspector.show_item(world.icu)
    world.inspector.activateWindow()
    qtbot.waitActive(world.inspector)
    edit = world.editor(RX.readiness, QLineEdit)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=1000)
    qtbot.keyClicks(edit, "0.6")
    world.inspector.show_item(world.ward)
    assert world.values(world.icu, RX.readiness) == [Literal("0.6", datatype=XSD.decimal)]
    assert world.values(world.ward, RX.readiness) == []


def test_a_node_deleted_while_typing_is_not_brought_back(world, qtbot):
    world.inspector.show_item(world.icu)
    world.inspector.activateWindow()
    qtbot.waitActive(world.inspector)
    edit = world.editor(RX.readiness, QLineEdit)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=1000)
    qtbot.keyClicks(edit, "0.6")
    world.doc.execute(delete_items(world.doc.store, nodes=[world.icu]))
    world.inspector.show_item(None)
    world.inspector.refresh()
    assert list(world.doc.store.quads(world.icu)) == []


def test_a_date_is_checked_and_stored_typed(world, qtbot):
    command, record = create_node(world.doc, world.schema, RX.SourceRecord, "Interview notes")
    world.doc.execute(command)
    world.inspector.show_item(record)
    edit = world.editor(DCTERMS.date, QLineEdit)
    assert edit.placeholderText() == "YYYY-MM-DD"
    type_into(qtbot, edit, "2024-13-01")
    assert world.values(record, DCTERMS.date) == []
    assert "YYYY-MM-DD" in world.messages[-1]
    type_into(qtbot, edit, "2024-05-01")
    assert world.values(record, DCTERMS.date) == [Literal("2024-05-01", datatype=XSD.date)]
