"""An analysis run: the analysis in a child process, its progress polled from the UI thread, cancellable."""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import pickle
import queue as queue_module
import tempfile
import weakref

from PySide6.QtCore import (
    QObject,
    QTimer,
    Signal,
)

from explorer.ui.common.workers import wait_for

POLL_MS = 50


_ACTIVE: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _stop_active_runs() -> None:
    """At exit, stop analyses still running and delete their temporary map files."""
    for run in list(_ACTIVE):
        try:
            if run.process.is_alive():
                run.process.terminate()
            os.unlink(run._path)
        except Exception:  # noqa: BLE001 - best effort while the interpreter exits
            pass


# ----------------------------------------------------------------------------- the worker process
def _target(name: str = "analyse_in_process"):
    # Imported when a run starts: the analysis pulls in networkx, which app start-up does not need.
    from explorer.analysis import run

    return getattr(run, name)


class AnalysisRun(QObject):
    """One analysis running in a separate process; ``wait()`` spins the event loop until it ends.

    After the end exactly one of ``result`` (a ChangeAnalysis), ``error`` (a
    message) or ``cancelled`` is set.
    """

    progressed = Signal(int, int)
    ended = Signal()

    def __init__(self, data: bytes, change, options: dict, parent=None, *, target: str = "analyse_in_process") -> None:
        super().__init__(parent)
        self.change = change
        self.options = dict(options)
        self.done = False
        self.result = None
        self.error: str | None = None
        self.expected_error = False
        self.cancelled = False
        #: The run as RDF (explorer.analysis.rdf.RunGraph), sent with the result.
        self.run_graph = None
        # The map goes through a private temporary file, not the process arguments: writing a big
        # pickle into the child's pipe would block the UI thread while the child imports its modules.
        fd, self._path = tempfile.mkstemp(prefix="routine-explorer-analysis-", suffix=".nt")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue()
        self.process = context.Process(
            target=_target(target),
            args=(self._queue, self._path, change, self.options),
            name="routine-explorer-analysis",
            daemon=True,
        )
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> AnalysisRun:
        try:
            self.process.start()
        except BaseException:
            self._discard_file()
            raise
        _ACTIVE.add(self)
        self._timer.start()
        return self

    def _discard_file(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._path)

    @property
    def running(self) -> bool:
        return not self.done

    def _poll(self) -> None:
        if self.done:
            return
        alive = self.process.is_alive()
        while not self.done:
            try:
                message = self._queue.get_nowait()
            except queue_module.Empty:
                break
            except (EOFError, OSError, pickle.UnpicklingError) as error:
                self._end(error=f"The analysis process could not be read: {error}")
                return
            if message[0] == "progress":
                self.progressed.emit(message[1], message[2])
            elif message[0] == "result":
                try:
                    self.run_graph = message[2] if len(message) > 2 else None
                    self._end(result=pickle.loads(message[1]))
                except Exception as error:  # noqa: BLE001
                    self._end(error=f"The analysis result could not be read: {error}")
            elif message[0] == "error":
                self.expected_error = bool(message[2])
                self._end(error=message[1])
        if not self.done and not alive:
            # The process ended without a word (killed, out of memory...): whatever it sent is read above.
            self.process.join(1)
            self._end(error=f"The analysis process stopped unexpectedly (exit code {self.process.exitcode}).")

    def cancel(self) -> None:
        """Stop the process now (terminate, then kill if it does not go)."""
        if self.done:
            return
        self.cancelled = True
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(2)
        self._end()

    def _end(self, *, result=None, error: str | None = None) -> None:
        if self.done:
            return
        self.done = True
        _ACTIVE.discard(self)
        self._timer.stop()
        self.result = result
        self.error = error
        if self.process.is_alive() and not self.cancelled:
            self.process.join(2)
        try:
            self._queue.close()
            self._queue.cancel_join_thread()
        except (OSError, ValueError):
            pass
        self._discard_file()
        self.ended.emit()

    def wait(self, timeout_ms: int = 600_000) -> bool:
        """Spin the event loop until the run has ended (tests and scripted use); False on timeout."""
        return wait_for(self, timeout_ms)
