"""File > Import… end to end: read a workbook, map its columns, preview, problems by row, import as one undo step."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from rdflib import Literal
from rdflib.namespace import RDFS
from support.paths import KEYSTONE

from explorer.core.namespaces import RX
from explorer.core.store import ANY_GRAPH
from explorer.ui.files import import_dialog
from explorer.ui.main_window import MainWindow

HOSTILE = "<img src=x onerror=alert(1)><b>bold</b>"


@pytest.fixture
def window(make_window):
    return make_window(KEYSTONE)


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "roster.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Kind", "Team", "Line manager", "Workload", "Notes"])
    sheet.append(["Night nurse, ICU A", "Role", "ICU A", "Nurse lead, ICU A", 0.8, "joined in May"])
    sheet.append(["Ward clerk", "Role", "Reception", "", 0.3, ""])
    sheet.append(["", "Role", "ICU A", "", "", ""])
    sheet.append([HOSTILE, "Person", "ICU A", "Nobody", "lots", ""])
    workbook.save(path)
    return path


def settle(qtbot, dialog) -> None:
    """Wait until the dialog has read the file and worked out the plan."""
    qtbot.waitUntil(
        lambda: (
            dialog.source is not None
            and not dialog._replan_timer.isActive()
            and dialog._plan_task is not None
            and dialog._plan_task.done
            and dialog.plan is not None
        ),
        timeout=30_000,
    )


def cell(table, row: int, column: int) -> str:
    return table.item(row, column).text()


def test_import_menu_entry_sits_before_the_exports_and_needs_a_map(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    actions = w.menus["file"].actions()
    assert w.act_import in actions
    assert actions.index(w.act_import) < actions.index(w.menus["export_anchor"])
    assert w.act_import in w.map_actions and not w.act_import.isEnabled()
    assert import_dialog.open_import_dialog(w) is None


def test_dialog_maps_previews_lists_problems_and_imports_as_one_undo_step(window, roster, qtbot, tmp_path):
    before = set(window.document.store.quads(graph=ANY_GRAPH))
    nodes_before = len(window.projection.nodes)
    dialog = import_dialog.open_import_dialog(window, roster)
    settle(qtbot, dialog)

    table = dialog.mapping_table
    assert [cell(table, r, 0) for r in range(table.rowCount())] == [
        "Name",
        "Kind",
        "Team",
        "Line manager",
        "Workload",
        "Notes",
    ]
    shown = {cell(table, r, 0): table.cellWidget(r, 2).currentText() for r in range(table.rowCount())}
    assert shown == {
        "Name": "Name",
        "Kind": "Kind",
        "Team": "Unit (member of)",
        "Line manager": "Reports to",
        "Workload": "Property: workload",
        "Notes": "Property: comment",
    }
    assert table.cellWidget(0, 2).accessibleName() == "Name imports as"

    preview, problems = dialog.preview, dialog.problems
    assert [cell(preview, r, 1) for r in range(preview.rowCount())] == ["add", "add", "not imported", "add"]
    assert cell(preview, 3, 3) == HOSTILE  # plain text, shown as typed
    assert cell(preview, 0, 4) == "ICU A" and cell(preview, 0, 6) == "Nurse lead, ICU A"
    found = {(cell(problems, r, 0), cell(problems, r, 1)) for r in range(problems.rowCount())}
    assert found == {("row 4", "Name"), ("row 5", "Line manager"), ("row 5", "Workload")}
    assert dialog.tabs.tabText(1) == "P&roblems (3)"
    assert "3 new nodes" in dialog.summary_label.text() and dialog.import_button.isEnabled()

    # Leave the workload out: the plan follows, and its problem goes.
    workload = table.cellWidget(4, 2)
    workload.setCurrentIndex(0)
    settle(qtbot, dialog)
    assert {cell(problems, r, 1) for r in range(problems.rowCount())} == {"Name", "Line manager"}
    # Giving "Name" to another column takes it from the first one.
    dialog.set_target("Notes", "name")
    settle(qtbot, dialog)
    assert table.cellWidget(0, 2).currentText() == "(leave out)"
    dialog.set_target("Name", "name")
    settle(qtbot, dialog)
    assert table.cellWidget(5, 2).currentText() == "(leave out)"

    dialog.show()
    dialog.grab().save(str(tmp_path / "import-dialog.png"))
    assert (tmp_path / "import-dialog.png").stat().st_size > 10_000

    closed = []
    dialog.finished.connect(closed.append)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=30_000)
    document = window.document
    assert document.stack.undo_text == "Import roster.xlsx"
    assert len(window.projection.nodes) == nodes_before + 4  # three rows and the new "Reception" unit
    night = next(s for s, _, _, _ in document.store.quads(None, RDFS.label, Literal("Night nurse, ICU A")))
    # New nodes come with positions beside the map, so the canvas never hunts for free spots.
    assert night in window.canvas.positions and list(document.store.quads(night, RX.canvasX, None))
    old_right = max(x for iri, (x, _) in window.canvas.positions.items() if iri in {q[0] for q in before})
    assert window.canvas.positions[night][0] > old_right
    assert "Undo takes it all back" in window.statusBar().currentMessage()

    window.undo()
    assert set(document.store.quads(graph=ANY_GRAPH)) == before
    qtbot.waitUntil(lambda: len(window.projection.nodes) == nodes_before)


def test_dialog_is_keyboard_reachable(window, roster, qtbot):
    dialog = import_dialog.open_import_dialog(window, roster)
    settle(qtbot, dialog)
    dialog.activateWindow()
    dialog.choose_button.setFocus()
    reached = []
    for _ in range(40):
        dialog.focusNextChild()
        reached.append(QApplication.focusWidget())
    combos = [w for w in reached if isinstance(w, QComboBox) and w.parent() is dialog.mapping_table.viewport()]
    assert len(combos) >= 3
    assert dialog.conflict_combo in reached and dialog.import_button in reached
    for widget in (
        dialog.file_edit,
        dialog.choose_button,
        dialog.mapping_table,
        dialog.preview,
        dialog.problems,
        dialog.conflict_combo,
        dialog.kind_combo,
        dialog.import_button,
    ):
        assert widget.accessibleName()
    dialog.reject()


def test_unreadable_file_says_why_and_import_stays_off(window, tmp_path, qtbot):
    fake = tmp_path / "roster.xlsx"
    fake.write_text("Name,Kind\nAna,Person\n", encoding="utf-8")
    dialog = import_dialog.open_import_dialog(window, fake)
    qtbot.waitUntil(lambda: dialog._read_task.done, timeout=30_000)
    QApplication.processEvents()
    assert "not an Excel workbook" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    dialog.reject()


def test_place_beside_keeps_bands_in_order():
    existing = {"macro": (3, 0.0, 0.0), "meso": (2, 200.0, 300.0), "micro": (1, 400.0, 600.0)}
    laid = {"law": (50.0, 40.0), "unit": (50.0, 300.0), "p1": (50.0, 560.0), "p2": (50.0, 655.0)}
    placed = import_dialog.place_beside(existing, laid, {"law": 3, "unit": 2, "p1": 1, "p2": 1})
    assert placed["law"][1] <= 0.0 < placed["unit"][1] < placed["p1"][1] < placed["p2"][1]
    assert placed["p1"][1] == 600.0 and placed["unit"][1] == 300.0
    assert min(x for x, _ in placed.values()) > 400.0


def test_sheet_choice_save_mapping_and_closing_mid_plan(window, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from explorer.io import merge

    path = tmp_path / "two-sheets.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Remark"])
    workbook.active.append(["nothing to import here"])
    staff = workbook.create_sheet("Staff")
    staff.append(["Name", "Kind"])
    staff.append(["Porter", "Role"])
    workbook.save(path)
    dialog = import_dialog.open_import_dialog(window, path)
    qtbot.waitUntil(lambda: dialog._plan_task is not None and dialog._plan_task.done, timeout=30_000)
    assert dialog.sheet_combo.isVisibleTo(dialog) and dialog.sheet_combo.count() == 2
    assert "Choose the column that gives each node's name" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    dialog.sheet_combo.setCurrentIndex(1)
    dialog.sheet_combo.activated.emit(1)
    qtbot.waitUntil(
        lambda: dialog.source is not None and dialog.source.nodes.columns == ("Name", "Kind"), timeout=30_000
    )
    settle(qtbot, dialog)
    assert dialog.import_button.isEnabled() and dialog.sheet_combo.currentText() == "Staff"

    saved = tmp_path / "mapping.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(saved), "")))
    qtbot.mouseClick(dialog.save_mapping_button, Qt.MouseButton.LeftButton)
    mapping = merge.load_mapping(saved, window.schema, source=dialog.source)
    assert mapping.columns == {"name": "Name", "kind": "Kind"}

    before = window.document.stack.index
    dialog.set_target("Kind", None)
    dialog._start_plan()  # a plan under way when the dialog closes
    dialog.reject()
    assert window.document.stack.index == before


# ----------------------------------------------------------- said before import: left out, people, merges

NURSE_MAP = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:nurse> a rx:ProfessionalGroup ; rdfs:label "Nurse" .
<urn:x:icu> a rx:Unit ; rdfs:label "ICU" .
"""


def write_csv(tmp_path, text: str, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def opened_dialog(qtbot, window) -> import_dialog.ImportDialog:
    """The import dialog the window shows (opened by File > Import… or the start screen)."""
    found = []

    def shown():
        found[:] = [d for d in window.findChildren(import_dialog.ImportDialog) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=10_000)
    return found[0]


def choose_file(monkeypatch, path: Path) -> None:
    """The file dialog answers ``path``, as a person picking it would."""
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def test_columns_left_out_are_named_with_why_before_anything_is_imported(window, tmp_path, qtbot, monkeypatch):
    path = write_csv(tmp_path, "Name,Team,Shoe size,Parking permit\nAna,ICU A,38,\nBen,ICU A,44,\n")
    before = set(window.document.store.quads(graph=ANY_GRAPH))
    choose_file(monkeypatch, path)
    window.act_import.trigger()  # File > Import…, then the file dialog
    dialog = opened_dialog(qtbot, window)
    settle(qtbot, dialog)

    assert dialog.review_box.isVisible()
    text = dialog.review_label.text()
    assert "Not imported: 2 columns of the file" in text
    assert "“Shoe size”: no name, kind, tie or property of the map matches its heading" in text
    assert "“Parking permit”: the column is empty" in text
    assert "Team" not in text and "“Name”" not in text
    shoe = next(r for r in range(dialog.mapping_table.rowCount()) if cell(dialog.mapping_table, r, 0) == "Shoe size")
    assert dialog.mapping_table.item(shoe, 0).toolTip().startswith("Not imported: no name")
    # Said while the import is still to be confirmed: nothing has changed yet.
    assert dialog.import_button.isEnabled()
    assert set(window.document.store.quads(graph=ANY_GRAPH)) == before

    # Leaving a column out by hand lists it too, with that reason.
    team = next(r for r in range(dialog.mapping_table.rowCount()) if cell(dialog.mapping_table, r, 0) == "Team")
    dialog.mapping_table.cellWidget(team, 2).setCurrentIndex(0)
    assert "“Team”: set to “(leave out)” in the table" in dialog.review_label.text()
    dialog.reject()


def test_people_become_roles_by_default_and_named_persons_when_chosen(window, tmp_path, qtbot, monkeypatch):
    from rdflib.namespace import RDF

    path = write_csv(tmp_path, "Name,Team\nNight nurse,ICU A\n")
    choose_file(monkeypatch, path)
    window.act_import.trigger()
    dialog = opened_dialog(qtbot, window)
    settle(qtbot, dialog)
    assert dialog.people_roles.isChecked() and dialog.people_roles.isEnabled()
    assert cell(dialog.preview, 0, 2) == "Role" and dialog.kind_combo.currentText() == "Role"

    qtbot.mouseClick(dialog.people_persons, Qt.MouseButton.LeftButton)
    assert dialog.people_persons.isChecked()
    settle(qtbot, dialog)
    assert cell(dialog.preview, 0, 2) == "Person" and dialog.kind_combo.currentText() == "Person"
    (new,) = dialog.plan.new_nodes
    assert {o for s, p, o, _ in dialog.plan.added if s == new and p == RDF.type} == {RX.Person}
    dialog.reject()

    # Remembered: the next import starts with named persons.
    window.act_import.trigger()
    again = opened_dialog(qtbot, window)
    settle(qtbot, again)
    assert again.people_persons.isChecked() and cell(again.preview, 0, 2) == "Person"
    again.reject()


def test_a_profession_spelt_another_way_joins_the_one_on_the_map(make_window, tmp_path, qtbot, monkeypatch):
    from rdflib import URIRef
    from rdflib.namespace import RDF

    base = tmp_path / "nurses.ttl"
    base.write_text(NURSE_MAP, encoding="utf-8")
    window = make_window(base)
    path = write_csv(tmp_path, "Name,Team,Profession\nNight nurse,ICU,Nurses\nDay nurse,ICU,Nurse\n")
    choose_file(monkeypatch, path)
    window.act_import.trigger()
    dialog = opened_dialog(qtbot, window)
    settle(qtbot, dialog)
    text = dialog.review_label.text()
    assert "“Nurses” will be added to the existing professional group “Nurse”." in text
    assert "“Nurse” will be added" not in text  # the same spelling needs no word
    assert "was taken as" not in dialog.summary_label.text()  # said once, in the list

    closed = []
    dialog.finished.connect(closed.append)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=30_000)
    store = window.document.store
    assert [s for s, _, _, _ in store.quads(None, RDF.type, RX.ProfessionalGroup)] == [URIRef("urn:x:nurse")]
    assert {o for _, _, o, _ in store.quads(None, RX.ofProfession, None)} == {URIRef("urn:x:nurse")}


def test_the_start_screen_imports_a_spreadsheet_into_a_new_map(make_window, tmp_path, qtbot, monkeypatch):
    window = make_window()
    assert window.pages.currentWidget() is window.start_screen and window.document is None
    path = write_csv(tmp_path, "Name,Team\nNight nurse,ICU A\n")
    choose_file(monkeypatch, path)
    button = window.start_screen.import_button
    assert button.isVisible() and button.accessibleName() == "Import a spreadsheet…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = opened_dialog(qtbot, window)
    settle(qtbot, dialog)
    assert window.document is not None and dialog.document is window.document
    assert dialog.path == path and cell(dialog.preview, 0, 3) == "Night nurse"
    closed = []
    dialog.finished.connect(closed.append)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=30_000)
    assert window.document.stack.undo_text == "Import staff.csv"


FOREIGN_GRAPH = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="l" for="node" attr.name="label" attr.type="string"/>
  <key id="c" for="node" attr.name="City" attr.type="string"/>
  <key id="k" for="node" attr.name="Category" attr.type="string"/>
  <key id="i" for="edge" attr.name="interaction" attr.type="string"/>
  <graph edgedefault="directed">
    <node id="a"><data key="l">Ana Foreign</data><data key="c">Leeds</data><data key="k">staff</data></node>
    <node id="b"><data key="l">Ben Foreign</data><data key="c">York</data><data key="k">staff</data></node>
    <edge source="a" target="b"><data key="i">pp</data></edge>
  </graph>
</graphml>
"""


def test_kind_relation_and_kept_columns_as_the_command_line_offers(window, tmp_path, qtbot, monkeypatch):
    """The dialog offers what ``import`` does: --kind over a guessed column, --relation, --keep-columns."""
    from rdflib.namespace import RDF

    path = write_csv(tmp_path, FOREIGN_GRAPH, name="cytoscape.graphml")
    choose_file(monkeypatch, path)
    window.act_import.trigger()
    dialog = opened_dialog(qtbot, window)
    settle(qtbot, dialog)
    table = dialog.mapping_table
    category = next(r for r in range(table.rowCount()) if cell(table, r, 0) == "Category")
    assert table.cellWidget(category, 2).currentText() == "Kind"  # guessed from the heading
    assert {cell(dialog.preview, r, 1) for r in range(dialog.preview.rowCount())} == {"not imported"}

    # Typing a kind into the kind box, as a person does: it wins over the guessed column.
    dialog.kind_combo.setFocus()
    qtbot.keyClicks(dialog.kind_combo, "Person")
    settle(qtbot, dialog)
    assert dialog.kind_combo.currentText() == "Person"
    assert table.cellWidget(category, 2).currentText() == "(leave out)"
    assert "“Category”: the kind chosen for the rows wins over it" in dialog.review_label.text()
    assert [cell(dialog.preview, r, 1) for r in range(dialog.preview.rowCount())] == ["add", "add"]
    # The edge's type "pp" is no relation of the map: the general influence tie, and the summary says so.
    assert dialog.relation_combo.currentText() == "(“Influence tie” where it fits, keeping their type)"
    assert "1 edge imported as “Influence tie”, the general tie" in dialog.summary_label.text()

    qtbot.mouseClick(dialog.keep_check, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    text = dialog.review_label.text()
    assert "Kept as properties of their own (no property of the map matches): “City”, “Category”." in text
    assert "Not imported" not in text

    dialog.relation_combo.setFocus()
    qtbot.keyClicks(dialog.relation_combo, "influences")
    settle(qtbot, dialog)
    assert dialog.relation_combo.currentText() == "influences"
    assert "the relation chosen for them" in dialog.summary_label.text()

    closed = []
    dialog.finished.connect(closed.append)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=30_000)
    store = window.document.store
    ana = next(s for s, _, o, _ in store.quads(None, RDFS.label, None) if str(o) == "Ana Foreign")
    ben = next(s for s, _, o, _ in store.quads(None, RDFS.label, None) if str(o) == "Ben Foreign")
    assert store.contains((ana, RDF.type, RX.Person, None)) and store.contains((ana, RX.influences, ben, None))
    city = next(s for s, _, o, _ in store.quads(None, RDFS.label, None) if str(o) == "City")
    assert [str(o) for _, _, o, _ in store.quads(ana, city, None)] == ["Leeds"]
