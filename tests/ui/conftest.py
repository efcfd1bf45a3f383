"""Qt test set-up: fresh settings per test, and message boxes that answer instead of blocking."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from support.ui import Dialogs, open_and_wait


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> Dialogs:
    """Message boxes never block a test: each call is recorded and answered."""
    recorder = Dialogs()
    for kind in ("warning", "question", "information", "critical"):

        def answer(parent, title, text, *args, _kind=kind, **kwargs):
            recorder.shown.append((_kind, title, text))
            return recorder.answers.get(_kind, QMessageBox.StandardButton.Ok)

        monkeypatch.setattr(QMessageBox, kind, staticmethod(answer))
    monkeypatch.setattr(
        QMessageBox, "about", staticmethod(lambda parent, title, text: recorder.shown.append(("about", title, text)))
    )
    QSettings("Routine Explorer", "Routine Explorer").clear()
    yield recorder
    QSettings("Routine Explorer", "Routine Explorer").clear()


@pytest.fixture
def make_window(qtbot):
    """``make_window(path=None, size=(1400, 900))``: a shown main window, with ``path`` open; closed after the test."""
    from explorer.ui.main_window import MainWindow

    made = []

    def make(path=None, size=(1400, 900)):
        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        if path is not None:
            open_and_wait(window, path)
        return window

    yield make
    for window in made:
        if window.document is not None:
            window.document.close()
            window.document = None
        window.close()
