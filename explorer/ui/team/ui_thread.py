"""The open map as a worker thread may use it: reads go straight to the store, edits run on the UI thread.

The core's sync (:mod:`explorer.team.sync`) talks to the server and then changes the map
with one command. The talking belongs in a worker, so the window keeps answering; the
change must happen on the UI thread, where the map's events reach the canvas and panels.
:class:`UiThreadDocument` stands in for the document inside the worker: ``execute``
hands the command to the UI thread and waits for it there, passing back any refusal.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal


class _Caller(QObject):
    """Runs callables sent from other threads on the thread it lives in (the UI thread)."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(lambda job: job(), Qt.ConnectionType.QueuedConnection)


class UiThreadDocument:
    """``document`` for a worker thread: its store and attributes as they are, ``execute`` on the UI thread.

    Make it on the UI thread. The command runs there between two turns of the event loop, so
    it is applied like any edit (undo, journal, views); the worker waits until it is done.
    """

    def __init__(self, document, timeout_s: float = 600.0) -> None:
        self._document = document
        self._caller = _Caller()
        self._timeout_s = timeout_s

    def __getattr__(self, name):
        return getattr(self._document, name)

    def execute(self, command) -> None:
        if QThread.currentThread() is self._caller.thread():
            self._document.execute(command)
            return
        done = threading.Event()
        outcome: list = []

        def job() -> None:
            try:
                self._document.execute(command)
            except BaseException as error:  # noqa: BLE001 - the worker raises it where sync can unwind
                outcome.append(error)
            finally:
                done.set()

        self._caller.call.emit(job)
        if not done.wait(self._timeout_s):
            raise TimeoutError("the window did not apply the change in time")
        if outcome:
            raise outcome[0]
