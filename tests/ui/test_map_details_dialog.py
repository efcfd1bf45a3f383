"""File > Map Details… and the title notice, driven by real key and mouse events through the event loop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from explorer.core.map_details import read_details
from explorer.core.namespaces import RX


def _open_dialog(qtbot, window):
    qtbot.mouseClick(window.map_details.notice.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.map_details.dialog is not None and window.map_details.dialog.isVisible())
    dialog = window.map_details.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.title)
    return dialog


def test_new_map_details_by_keyboard_set_the_window_title_and_undo_reverts(qtbot, make_window):
    window = make_window(size=(1280, 800))
    window.new_map()
    notice = window.map_details.notice
    qtbot.waitUntil(notice.isVisible)
    window.place_node(RX.Unit, None, "Ward 7")  # already unsaved: the title must follow edits, not the dirty flag
    qtbot.waitUntil(lambda: window.document.dirty)
    assert "Untitled map" in window.windowTitle()
    dialog = _open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.title, "Ward 7 discharge")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "How patients leave Ward 7")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Ana Silva")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "St Elsewhere <Trust>")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Ward 7 discharge" in window.windowTitle())
    details = read_details(window.document.store)
    assert details.description == "How patients leave Ward 7"
    assert details.authors == ("Ana Silva",) and details.organisation == "St Elsewhere <Trust>"
    assert window.document.stack.undo_text == "Edit map details"
    qtbot.waitUntil(lambda: not notice.isVisible())
    qtbot.waitUntil(lambda: window.map_details.dialog is None)
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.canvas)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Untitled map" in window.windowTitle())
    assert read_details(window.document.store).title == ""
    qtbot.waitUntil(notice.isVisible)  # the undo took the title away: the notice is back


def test_cancel_changes_nothing_and_the_title_is_one_line(qtbot, make_window):
    window = make_window(size=(1280, 800))
    window.new_map()
    dialog = _open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.title, "Never kept")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.map_details.dialog is None)
    assert not window.document.stack.can_undo() and "Never kept" not in window.windowTitle()
    window.map_details.action.trigger()  # File > Map Details…
    dialog = window.map_details.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.title.setText("W" * 400)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "WWWW" in window.windowTitle())
    assert len(window.windowTitle()) < 200


def test_a_bad_date_holds_the_dialog_open(qtbot, make_window):
    window = make_window(size=(1280, 800))
    window.new_map()
    dialog = _open_dialog(qtbot, window)
    dialog.created.setFocus()
    dialog.created.selectAll()
    qtbot.keyClicks(dialog.created, "31/03/2025")
    assert dialog.problem.isVisible()
    qtbot.keyClick(dialog.created, Qt.Key.Key_Return)
    assert dialog.isVisible() and not window.document.stack.can_undo()
    dialog.created.selectAll()
    qtbot.keyClicks(dialog.created, "2025-03-31")
    qtbot.keyClick(dialog.created, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: read_details(window.document.store).created == "2025-03-31")


def test_inspector_shows_the_label_and_a_short_iri_never_a_uuid(qtbot, make_window):
    window = make_window(size=(1280, 800))
    window.new_map()
    iri = window.place_node(RX.Unit, None, "Ward 7")
    qtbot.waitUntil(lambda: iri in window.projection.nodes)
    window.inspector.show_item(iri)
    header = window.inspector
    qtbot.waitUntil(lambda: header._title.fullText() == "Ward 7")
    assert header._iri.fullText() == "map:unit/ward-7"
    assert "urn:uuid" not in header._iri.fullText() + header._title.fullText()
