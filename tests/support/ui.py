"""Helpers for tests that drive the app's windows (offscreen Qt): recorded message boxes, opening a map.

Qt is imported inside the functions, so importing this module needs no Qt; the test modules
that use it skip themselves where PySide6 is missing.
"""

from __future__ import annotations


class Dialogs:
    """Records every message box the app shows and answers it as told (see the ``dialogs`` fixture)."""

    def __init__(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.shown: list[tuple[str, str, str]] = []
        self.answers = {
            "warning": QMessageBox.StandardButton.Discard,
            "question": QMessageBox.StandardButton.Yes,
            "information": QMessageBox.StandardButton.Ok,
        }

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _, text in self.shown if kind is None or k == kind]


def open_and_wait(window, path, timeout_ms: int = 60_000) -> None:
    """Open ``path`` in ``window`` through its own worker; wait until it is loaded and every node item is drawn."""
    from PySide6.QtCore import QDeadlineTimer
    from PySide6.QtWidgets import QApplication

    task = window.open_map(path, ask=False)
    assert task.wait(timeout_ms), "opening did not finish"
    assert task.error is None, task.error
    QApplication.processEvents()
    deadline = QDeadlineTimer(timeout_ms)
    # Node items follow the overview, a slice per turn of the event loop; the panels, one per turn.
    while window.canvas.building or window.panels_pending:
        assert not deadline.hasExpired(), "the canvas was still drawing the map's nodes"
        QApplication.processEvents()
