"""The scenario bar driven through the event loop: make a scenario, switch, edit in it, undo, save as TriG, reopen.

Every step is a key or a click, with the event loop let run between them, as a person would.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from support.paths import SAMPLES
from support.ui import open_and_wait

from explorer.core.scenarios import scenarios, shown
from explorer.ui.panels.scenario_bar import BASE_ENTRY, CUE, cue_text

SAMPLE = SAMPLES / "keystone-michigan.ttl"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(make_window, tmp_path):
    path = tmp_path / "keystone.ttl"
    shutil.copyfile(SAMPLE, path)
    return make_window(path, size=(1280, 800))


def settle(qtbot, ms: int = 60) -> None:
    qtbot.wait(ms)
    QApplication.processEvents()


def bar(window):
    return window.scenarios.bar


def node_named(window, label: str):
    return next(iri for iri, view in window.projection.nodes.items() if view.label == label)


def label_of(window, iri) -> str:
    return window.projection.nodes[iri].label


def new_scenario(qtbot, window, name: str) -> None:
    """Ctrl+Shift+N, type the name, Enter."""
    window.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bar(window).dialog is not None and bar(window).dialog.isVisible(), timeout=3000)
    dialog = bar(window).dialog
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    back_to(qtbot, window)


def back_to(qtbot, window) -> None:
    """The window is active again once a dialog closes, as a window manager makes it (offscreen Qt does not)."""
    settle(qtbot)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    settle(qtbot)


def choose(qtbot, window, text: str) -> None:
    """Pick ``text`` in the bar's list with the keyboard, as a person would: focus it, arrow keys."""
    choice = bar(window).choice
    choice.setFocus()
    target = choice.findText(text)
    assert target >= 0, f"{text!r} not in the list"
    key = Qt.Key.Key_Down if target > choice.currentIndex() else Qt.Key.Key_Up
    while choice.currentIndex() != target:
        qtbot.keyClick(choice, key)
        settle(qtbot, 20)
    settle(qtbot)


def rename_node(qtbot, window, iri, name: str) -> None:
    window.canvas.setFocus()
    window.canvas.select([iri])
    qtbot.keyClick(window.canvas, Qt.Key.Key_F2)
    qtbot.waitUntil(
        lambda: window.canvas.name_editor is not None and window.canvas.name_editor.isVisible(), timeout=2000
    )
    editor = window.canvas.name_editor
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    settle(qtbot)


def test_make_switch_edit_and_go_back_without_touching_the_base(qtbot, window):
    assert bar(window).isVisible() and bar(window).choice.currentText() == BASE_ENTRY
    icu = node_named(window, "ICU A")
    new_scenario(qtbot, window, "to-be")
    assert shown(window.document.store).name == "to-be"
    assert bar(window).choice.currentText() == "to-be"
    assert bar(window).cue.text() == CUE and bar(window).cue.accessibleDescription() == cue_text("to-be")
    rename_node(qtbot, window, icu, "ICU A (nurse-led)")
    assert label_of(window, icu) == "ICU A (nurse-led)"
    choose(qtbot, window, BASE_ENTRY)
    assert shown(window.document.store) is None
    assert label_of(window, icu) == "ICU A"  # the base never saw the edit
    assert bar(window).cue.text() == "Showing the as-is map."
    choose(qtbot, window, "to-be")
    assert label_of(window, icu) == "ICU A (nurse-led)"


def test_undo_and_redo_go_through_switches_and_the_list_follows(qtbot, window):
    icu = node_named(window, "ICU A")
    new_scenario(qtbot, window, "to-be")
    rename_node(qtbot, window, icu, "ICU A (nurse-led)")
    choose(qtbot, window, BASE_ENTRY)
    undo = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, *undo)  # undoes the switch back: the scenario is shown again
    settle(qtbot)
    assert bar(window).choice.currentText() == "to-be" and label_of(window, icu) == "ICU A (nurse-led)"
    qtbot.keyClick(window.canvas, *undo)  # undoes the rename, inside the scenario
    settle(qtbot)
    assert bar(window).choice.currentText() == "to-be" and label_of(window, icu) == "ICU A"
    qtbot.keyClick(window.canvas, *undo)  # undoes showing it
    settle(qtbot)
    assert bar(window).choice.currentText() == BASE_ENTRY and shown(window.document.store) is None
    redo = window.act_redo.shortcut()
    for _ in range(2):
        qtbot.keyClick(window.canvas, redo[0].key(), redo[0].keyboardModifiers())
        settle(qtbot)
    assert bar(window).choice.currentText() == "to-be" and label_of(window, icu) == "ICU A (nurse-led)"
    assert bar(window).palette() is not None and bar(window).styleSheet().count("#ffe9a8") == 1  # the strip


def test_a_name_in_use_is_refused_in_the_dialog(qtbot, window):
    new_scenario(qtbot, window, "to-be")
    window.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bar(window).dialog is not None and bar(window).dialog.isVisible(), timeout=3000)
    dialog = bar(window).dialog
    qtbot.keyClicks(dialog.name, "TO-BE")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    settle(qtbot)
    assert dialog.isVisible() and "already a scenario called" in dialog.problem.text()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    settle(qtbot)
    assert [s.name for s in scenarios(window.document.store)] == ["to-be"]


def test_delete_asks_then_shows_the_base_and_undo_brings_it_back(qtbot, window, dialogs):
    new_scenario(qtbot, window, "to-be")
    window.scenarios.act_delete.trigger()
    settle(qtbot)
    assert dialogs.shown[-1][1] == "Delete scenario?"
    assert scenarios(window.document.store) == [] and bar(window).choice.count() == 1
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert bar(window).choice.currentText() == "to-be"


def test_saved_as_trig_and_reopened_the_scenario_is_there_and_the_base_is_shown(qtbot, window, tmp_path):
    icu = node_named(window, "ICU A")
    new_scenario(qtbot, window, "to-be")
    rename_node(qtbot, window, icu, "ICU A (nurse-led)")
    target = tmp_path / "keystone.trig"
    assert window.save_as(target, wait=True)
    settle(qtbot)
    assert not window.document.dirty and bar(window).choice.currentText() == "to-be"  # still shown after saving
    window.close_map()
    open_and_wait(window, target)
    settle(qtbot)
    assert [bar(window).choice.itemText(i) for i in range(bar(window).choice.count())] == [BASE_ENTRY, "to-be"]
    assert bar(window).choice.currentText() == BASE_ENTRY and label_of(window, icu) == "ICU A"
    choose(qtbot, window, "to-be")
    assert label_of(window, icu) == "ICU A (nurse-led)" and not window.document.dirty


def answer_scenarios_box(qtbot, seen: list, button: str) -> None:
    """When the scenarios box opens (its own event loop), note its text and click ``button`` ("trig" or "cancel")."""

    def look():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "scenariosNotSaved":
            QTimer.singleShot(20, look)
            return
        seen.append(box.text())
        chosen = (
            box.findChild(object, "saveAsTrig") if button == "trig" else box.button(QMessageBox.StandardButton.Cancel)
        )
        qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, look)


def test_saving_scenarios_as_turtle_names_them_and_offers_trig(qtbot, window, tmp_path, monkeypatch, dialogs):
    turtle = window.document.path
    before = turtle.read_bytes()
    new_scenario(qtbot, window, "to-be")
    asked = []

    def save_dialog(parent, caption, start, filters, *args, **kwargs):
        asked.append((start, filters))
        return start, filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    seen: list = []
    answer_scenarios_box(qtbot, seen, "cancel")
    window.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    settle(qtbot, 200)
    assert "“to-be”" in seen[0] or "• to-be" in seen[0]
    assert turtle.read_bytes() == before and asked == [] and window.document.dirty
    assert not [t for t in dialogs.texts() if "Cannot save" in t]  # not the old error message
    back_to(qtbot, window)
    answer_scenarios_box(qtbot, seen, "trig")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    trig = tmp_path / "keystone.trig"
    qtbot.waitUntil(lambda: trig.exists() and not window.document.dirty, timeout=10000)
    assert asked == [(str(trig), "TriG (*.trig)")]
    assert window.document.path == trig and turtle.read_bytes() == before
    assert b"to-be" in trig.read_bytes()


def test_compare_with_an_earlier_version_kept_by_a_save(qtbot, window, monkeypatch):
    icu = node_named(window, "ICU A")
    window.save(wait=True)  # the sample as it came is kept
    settle(qtbot)
    rename_node(qtbot, window, icu, "ICU A (after the audit)")
    window.save(wait=True)  # and the first save, before the rename
    settle(qtbot)
    started = []
    monkeypatch.setattr(window.compare, "start", lambda a, b: started.append((a, b)))
    action = window.earlier_versions.action
    assert action in window.menus["file"].actions() and action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: window.earlier_versions.dialog is not None, timeout=2000)
    dialog = window.earlier_versions.dialog
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert len(rows) == 3 and rows[0].startswith("Saved ") and rows[-1] == "Another saved copy…"
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)  # the newest: the map before the rename
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    a, b = started[0]
    assert b"ICU A (after the audit)" not in a.data and b"ICU A (after the audit)" in b.data
    assert b.open_map and not a.open_map and a.name.startswith("Saved ")


def test_exports_and_the_window_title_name_the_scenario_shown(qtbot, window, tmp_path, monkeypatch):
    title = window.document.title
    new_scenario(qtbot, window, "to-be")
    assert f"{title} — scenario “to-be”" in window.windowTitle()
    asked = []

    def save_dialog(parent, caption, start, filters, *args, **kwargs):
        asked.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    window.export_actions.export("html")  # the file name suggested: the map's and the scenario's
    assert asked and asked[-1].endswith("keystone-to-be.html")
    page = tmp_path / "to-be.html"
    window.export_actions.export("html", page)
    qtbot.waitUntil(lambda: page.exists(), timeout=20000)
    assert f"<title>{title} — scenario “to-be”" in page.read_text(encoding="utf-8")
    choose(qtbot, window, BASE_ENTRY)
    assert "scenario" not in window.windowTitle()


def test_a_file_with_a_scenario_that_cannot_be_read_says_so(qtbot, make_window, tmp_path):
    path = tmp_path / "crafted.trig"
    path.write_text(
        "@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '{ <urn:ex:ward> a rx:Unit ; rdfs:label "Ward" . }\n'
        "<https://w3id.org/routine-explorer/graph/scenarios> { <urn:ex:s> a rx:Scenario ; rdfs:label 'to-be' ; "
        "rx:addedGraph <urn:ex:g> ; rx:removedGraph <urn:ex:g> . }\n"
        "<urn:ex:g> { <urn:ex:ward> rx:workload 0.9 . }\n",
        encoding="utf-8",
    )
    window = make_window(path, size=(1280, 800))
    notice = bar(window).notice
    qtbot.waitUntil(notice.isVisible, timeout=3000)
    assert notice.text() == "⚠ 1 scenario in this file could not be read"
    assert "“to-be” was left out" in notice.accessibleDescription()
    assert bar(window).choice.count() == 1  # only the as-is map to show
