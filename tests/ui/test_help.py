"""Help: F1 opens the user guide, its links and chapter list move between pages, and the first-run tour."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from explorer.ui.common import settings
from explorer.ui.help.guide import GuideWindow
from explorer.ui.panels.tour import DONE_KEY


def _link_point(browser, href: str) -> QPoint:
    """Where on the browser's viewport the first link to ``href`` is drawn."""
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(browser.document())
                cursor.setPosition(fragment.position() + min(2, fragment.length() // 2))
                return browser.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError(f"no link to {href}")


def _open_guide_with_f1(qtbot, window) -> GuideWindow:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help.guide is not None and window.help.guide.isVisible())
    return window.help.guide


def test_f1_opens_the_guide_and_a_chapter_link_changes_the_page(qtbot, make_window):
    window = make_window()
    guide = _open_guide_with_f1(qtbot, window)
    assert guide.current_chapter() == "index.md"
    assert "User guide" in guide.browser.toPlainText()
    point = _link_point(guide.browser, "getting-started.md")
    qtbot.mouseClick(guide.browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: guide.current_chapter() == "getting-started.md")
    assert guide.chapters.currentItem().data(Qt.ItemDataRole.UserRole) == "getting-started.md"
    # The pictures are the guide's own, drawn from local files.
    assert guide.browser.document().resource(2, guide.browser.source().resolved("img/start-screen.png")) is not None
    qtbot.waitUntil(guide.back_button.isEnabled)
    qtbot.mouseClick(guide.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: guide.current_chapter() == "index.md")
    # The chapter list moves too.
    row = next(r for r in range(guide.chapters.count()) if "analysis" in guide.chapters.item(r).text().lower())
    rect = guide.chapters.visualItemRect(guide.chapters.item(row))
    qtbot.mouseClick(guide.chapters.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: guide.current_chapter() == "reading-the-analysis.md")
    qtbot.keyClick(guide, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not guide.isVisible())


def test_a_web_link_is_never_followed(qtbot, tmp_path):
    (tmp_path / "index.md").write_text("# Guide\n\nSee [the article](https://www.bmj.com/content/365/bmj.l2068).\n")
    guide = GuideWindow(folder=tmp_path)
    qtbot.addWidget(guide)
    guide.resize(900, 600)
    guide.show()
    qtbot.waitExposed(guide)
    point = _link_point(guide.browser, "https://www.bmj.com/content/365/bmj.l2068")
    qtbot.mouseClick(guide.browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: "not opened" in guide.note.text())
    assert guide.current_chapter() == "index.md"


def test_the_tour_shows_on_first_run_closes_with_escape_and_stays_closed(qtbot, make_window):
    window = make_window()
    tour = window.start_screen.tour
    qtbot.waitUntil(tour.isVisible)
    assert tour.title.text().startswith("Step 1 of 4")
    qtbot.mouseClick(tour.next_button, Qt.MouseButton.LeftButton)
    assert tour.title.text().startswith("Step 2 of 4")
    qtbot.keyClick(QApplication.focusWidget() or tour.next_button, Qt.Key.Key_Right)
    assert tour.title.text().startswith("Step 3 of 4")
    qtbot.keyClick(QApplication.focusWidget() or tour.next_button, Qt.Key.Key_Left)
    assert tour.title.text().startswith("Step 2 of 4")
    qtbot.keyClick(QApplication.focusWidget() or tour.next_button, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not tour.isVisible())
    assert settings().value(DONE_KEY, False, type=bool)
    window.close()

    again = make_window()
    qtbot.wait(50)
    assert not again.start_screen.tour.isVisible()


def test_help_show_the_tour_brings_it_back(qtbot, make_window):
    settings().setValue(DONE_KEY, True)
    window = make_window()
    tour = window.start_screen.tour
    assert not tour.isVisible()
    bar = window.menuBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(window.menus["help"].menuAction()).center())
    menu = window.menus["help"]
    qtbot.waitUntil(menu.isVisible)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(window.help.tour_action).center())
    qtbot.waitUntil(tour.isVisible)
    assert tour.title.text().startswith("Step 1 of 4")
    assert not settings().value(DONE_KEY, True, type=bool)


def test_the_tours_last_step_opens_the_guide(qtbot, make_window):
    window = make_window()
    tour = window.start_screen.tour
    qtbot.waitUntil(tour.isVisible)
    for _ in range(3):
        qtbot.mouseClick(tour.next_button, Qt.MouseButton.LeftButton)
    assert tour.do_button.text() == "Open the Guide"
    qtbot.mouseClick(tour.do_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.help.guide is not None and window.help.guide.isVisible())


def test_help_about_shows_the_versions_and_copies_them(qtbot, make_window):
    from PySide6.QtCore import QTimer

    from explorer.core.software import about_text, library_versions
    from explorer.ui.help.about import AboutDialog

    window = make_window()
    seen = {}

    def look():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AboutDialog) or seen:
            return
        seen["text"] = dialog.versions.toPlainText()
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        seen["clipboard"] = QApplication.clipboard().text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    timer = QTimer(window)
    timer.timeout.connect(look)
    timer.start(20)
    # Through the Help menu, as a user would: Alt+H, then the About entry's accelerator.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    menu = QApplication.activePopupWidget()
    qtbot.keyClick(menu, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: "clipboard" in seen)
    timer.stop()
    text = seen["text"]
    assert text == about_text() and seen["clipboard"] == text
    assert "Ontology 0.1.0 (https://w3id.org/routine-explorer/ns/0.1.0)" in text
    assert f"pyoxigraph {library_versions()['pyoxigraph']}" in text.splitlines()
