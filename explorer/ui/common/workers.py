"""Long work off the UI thread, with a progress dialog that can cancel it.

Loading, saving and layouts run in a Python thread: pyoxigraph releases the
GIL while it parses and serialises, so the event loop keeps running. The work
function gets a ``progress(done, total)`` callback; calling it after the user
pressed Cancel raises :class:`~explorer.core.errors.OperationCancelled` inside
the work, which unwinds it cleanly.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog

from explorer.core.errors import OperationCancelled


class Task(QObject):
    """One piece of work running in a thread; connect to ``succeeded``/``failed``/``cancelled``.

    Signals are delivered on the UI thread (queued), in this order: any number
    of ``progressed``, then exactly one of the three endings, then ``ended``.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()
    _finished = Signal()

    def __init__(
        self, label: str, work, *, parent=None, dialog_parent=None, cancellable: bool = True, delay_ms: int = 400
    ) -> None:
        super().__init__(parent)
        self.label = label
        self._work = work
        self._cancel = threading.Event()
        self.done = False
        self.result = None
        self.error: BaseException | None = None
        self.dialog: QProgressDialog | None = None
        if dialog_parent is not None:
            dialog = QProgressDialog(label, "Cancel" if cancellable else "", 0, 0, dialog_parent)
            dialog.setWindowTitle("Routine Explorer")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(delay_ms)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            if not cancellable:
                dialog.setCancelButton(None)
            dialog.canceled.connect(self.cancel)
            self.progressed.connect(self._show_progress)
            self.dialog = dialog
        self._finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name=f"task: {label}", daemon=True)

    def start(self, *, next_turn: bool = False) -> Task:
        """Start the work; returns self.

        ``next_turn``: once the event loop has finished the turn that asked, for a caller whose turn
        leaves the window a relayout and repaint to do (greying its panels, say). With the worker
        already running Python, each of the paint's calls into Python waited for the interpreter:
        a 10k-node map's layout began with a 60-120 ms pause, 20-30 ms when the worker starts after.
        """
        if next_turn:
            QTimer.singleShot(0, self, self.start)
            return self
        _share_the_interpreter()
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        """The callback handed to the work (runs on the worker thread)."""
        if self._cancel.is_set():
            raise OperationCancelled(f"{self.label} cancelled.")
        self.progressed.emit(int(min(done, 2**31 - 1)), int(min(total, 2**31 - 1)))

    def _run(self) -> None:
        try:
            result = self._work(self.progress)
        except OperationCancelled:
            self._deliver("cancelled", None)
        except BaseException as error:  # noqa: BLE001 - every failure must reach the UI, not vanish with the thread
            error.__traceback_text__ = traceback.format_exc()
            self._deliver("failed", error)
        else:
            self._deliver("succeeded", result)

    def _deliver(self, outcome: str, value) -> None:
        self._outcome = (outcome, value)
        # Queued: the ending runs on the UI thread, where this object lives.
        # RuntimeError: the window that asked closed meanwhile (Qt deleted this object), so nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            self._finished.emit()

    def _finish(self) -> None:
        outcome, value = self._outcome
        self.done = True
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        if outcome == "succeeded":
            self.result = value
            self.succeeded.emit(value)
        elif outcome == "failed":
            self.error = value
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self._outcome = None  # the result stays in ``result`` only, for its caller to drop once taken
        self.ended.emit()

    def _show_progress(self, done: int, total: int) -> None:
        if self.dialog is None:
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        else:
            self.dialog.setMaximum(0)

    def wait(self, timeout_ms: int = 600_000) -> bool:
        """Spin the event loop until the task has ended (for tests and scripted use); False on timeout."""
        return wait_for(self, timeout_ms)


#: How long a thread running Python keeps the interpreter before another may have it, in seconds.
SWITCH_INTERVAL = 0.001


def _share_the_interpreter() -> None:
    """Let the window have the interpreter back within a millisecond while a worker runs Python code.

    Python hands the interpreter from a busy thread to a waiting one every switch interval (5 ms by
    default). The window gives it up at each call into Qt, then waits up to that long to go on: a
    repaint of a few hundred calls took three times as long while a layout's worker ran. One
    millisecond, once a worker starts, keeps the window's turns near their own cost.
    """
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)


def spin_until(condition, timeout_ms: int) -> bool:
    """Spin the event loop until ``condition()`` holds (for tests and scripted use); False on timeout.

    Examples
    --------
    >>> spin_until(lambda: True, 10)
    True
    """
    clock = QElapsedTimer()
    clock.start()
    while not condition():
        if clock.elapsed() > timeout_ms:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return True


def wait_for(job, timeout_ms: int) -> bool:
    """Spin the event loop until ``job`` (anything with ``done`` and an ``ended`` signal) ends; False on timeout."""
    if job.done:
        return True
    loop = QEventLoop()
    job.ended.connect(loop.quit)
    timer = QTimer(singleShot=True, interval=timeout_ms)
    timer.timeout.connect(loop.quit)
    timer.start()
    if not job.done:
        loop.exec()
    timer.stop()
    return job.done


def run_task(
    label: str,
    work,
    *,
    parent=None,
    dialog_parent=None,
    cancellable: bool = True,
    delay_ms: int = 400,
    on_success=None,
    on_failure=None,
    on_cancel=None,
    next_turn: bool = False,
) -> Task:
    """Start ``work(progress)`` in a thread; call the given handlers on the UI thread when it ends.

    ``next_turn``: start it once the event loop has finished this turn (see :meth:`Task.start`).
    """
    task = Task(label, work, parent=parent, dialog_parent=dialog_parent, cancellable=cancellable, delay_ms=delay_ms)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_failure is not None:
        task.failed.connect(on_failure)
    if on_cancel is not None:
        task.cancelled.connect(on_cancel)
    return task.start(next_turn=next_turn)
