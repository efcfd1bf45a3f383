"""Pure-Python work in a child process, polled from the UI thread and killed when it is no longer wanted.

A Python thread running pure-Python work (the change analysis, SHACL with pySHACL) holds the GIL and makes the
window stutter; a child process does not. The child is started with ``spawn`` (no copy of the window's state), and
its input goes through a private temporary file, not the process arguments: writing a big pickle into the child's
pipe would block the UI thread while the child imports its modules.

The work is a function of a Qt-free module, ``target(outbox, path, *args)``, that reads its input from ``path`` and
puts messages on ``outbox``: any number of ``("progress", done, total)``, then one of ``("result", pickled value,
*extras)`` or ``("error", message, expected)``, where ``expected`` is True for a problem of the input, not of the
program.

Examples
--------
>>> from explorer.ui.common.process_run import ProcessRun
>>> ProcessRun.__name__, ProcessRun.POLL_MS
('ProcessRun', 50)
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import pickle
import queue as queue_module
import tempfile
import weakref

from PySide6.QtCore import QObject, QTimer, Signal

from explorer.ui.common.workers import wait_for

_ACTIVE: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _stop_active_runs() -> None:
    """At exit, stop the children still running and delete their temporary files."""
    for run in list(_ACTIVE):
        with contextlib.suppress(Exception):  # best effort while the interpreter exits
            _kill(run.process)
            os.unlink(run.path)


def _kill(process) -> None:
    # SIGKILL, not SIGTERM: the child holds nothing but a copy of the map, and a killed child cannot linger.
    if process.is_alive():
        process.kill()
        process.join(2)


class ProcessRun(QObject):
    """One piece of work running in a child process; ``wait()`` spins the event loop until it ends.

    After the end exactly one of ``result`` (the unpickled value, with ``extras`` the rest of its message),
    ``error`` (a message) or ``cancelled`` is set. The child is killed by :meth:`cancel`, and also when this object
    is deleted (its parent widget closed) or the app exits.

    Parameters
    ----------
    target : callable
        ``target(outbox, path, *args)``, a module-level function of a Qt-free module (spawn pickles it by name).
    data : bytes
        The input, written to the private file at ``path``.
    args : tuple
        More arguments for ``target`` (picklable).
    parent : QObject, optional
    name : str
        The child's process name.
    suffix : str
        The temporary file's suffix (says what it holds, for whoever finds one left over).
    what : str
        The work in a word or two, for error messages ("The analysis process stopped unexpectedly").
    """

    progressed = Signal(int, int)
    ended = Signal()

    #: How often the UI thread looks for the child's messages.
    POLL_MS = 50

    def __init__(
        self,
        target,
        data: bytes,
        args: tuple = (),
        parent=None,
        *,
        name: str = "routine-explorer-worker",
        suffix: str = ".bin",
        what: str = "worker",
    ) -> None:
        super().__init__(parent)
        self.what = what
        self.done = False
        self.result = None
        self.extras: tuple = ()
        self.error: str | None = None
        self.expected_error = False
        self.cancelled = False
        fd, self.path = tempfile.mkstemp(prefix=f"{name}-", suffix=suffix)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue()
        self.process = context.Process(target=target, args=(self._queue, self.path, *args), name=name, daemon=True)
        # Deleted with its parent (the map's panel closed): the child goes too. The slot holds the process, not self.
        process = self.process
        self.destroyed.connect(lambda *_: _kill(process) if process.pid is not None else None)
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> ProcessRun:
        """Start the child; returns self."""
        try:
            self.process.start()
        except BaseException:
            self._discard_file()
            raise
        _ACTIVE.add(self)
        self._timer.start()
        return self

    @property
    def running(self) -> bool:
        return not self.done

    @property
    def pid(self) -> int | None:
        """The child's process id (None before it starts)."""
        return self.process.pid

    def _discard_file(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)

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
                self._end(error=f"The {self.what} process could not be read: {error}")
                return
            if message[0] == "progress":
                self.progressed.emit(message[1], message[2])
            elif message[0] == "result":
                try:
                    self.extras = tuple(message[2:])
                    self._end(result=pickle.loads(message[1]))
                except Exception as error:  # noqa: BLE001 - a broken result is an error to show, not a crash
                    self._end(error=f"The {self.what} result could not be read: {error}")
            elif message[0] == "error":
                self.expected_error = bool(message[2])
                self._end(error=message[1])
        if not self.done and not alive:
            # The child ended without a word (killed, out of memory...): whatever it sent is read above.
            self.process.join(1)
            code = self.process.exitcode
            self._end(error=f"The {self.what} process stopped unexpectedly (exit code {code}).")

    def cancel(self) -> None:
        """Kill the child now; ``ended`` follows at once."""
        if self.done:
            return
        self.cancelled = True
        self._end()

    def _end(self, *, result=None, error: str | None = None) -> None:
        if self.done:
            return
        self.done = True
        _ACTIVE.discard(self)
        self._timer.stop()
        self.result = result
        self.error = error
        # Its answer is read, and the rest is the child's own shutdown, which takes a third of a second after a
        # big check: waiting for it would freeze the window that long, so it is killed instead.
        _kill(self.process)
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


__all__ = ["ProcessRun"]
