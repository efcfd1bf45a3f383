"""Keep parsing and querying off the network unless the user allows it.

rdflib's own guidance for untrusted input is to block network and file access
with an audit hook. One hook is installed for the process (audit hooks cannot be
removed); it only acts inside :func:`no_network`, which is scoped to the current
thread or task through a context variable, so a parse in a worker thread does not
block the UI thread's own legitimate work.

Examples
--------
>>> import socket
>>> with no_network("reading map.ttl"):
...     try:
...         socket.create_connection(("127.0.0.1", 9), timeout=0.1)
...     except NetworkBlockedError as err:
...         print("blocked")
blocked
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Iterator

from .errors import NetworkBlockedError

_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "urllib.Request",
        "ftplib.connect",
        "http.client.connect",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "webbrowser.open",
    }
)

_guard: contextvars.ContextVar[str | None] = contextvars.ContextVar("routine_explorer_no_network", default=None)
_files_guard: contextvars.ContextVar[str | None] = contextvars.ContextVar("routine_explorer_no_files", default=None)
_installed = False


def _hook(event: str, args: tuple) -> None:
    if event == "open":
        activity = _files_guard.get()
        if activity is not None:
            raise NetworkBlockedError(
                f"Blocked an attempt to open {args[0]!s} while {activity}: a map file may not pull in other files."
            )
    elif event in _BLOCKED_EVENTS:
        activity = _guard.get()
        if activity is not None:
            # socket.connect passes (socket, address); the other events name their target first.
            target = args[1] if event == "socket.connect" and len(args) > 1 else (args[0] if args else "")
            raise NetworkBlockedError(
                f"Blocked an attempt to reach {target!s} while {activity}: "
                "Routine Explorer does not fetch anything from the network or other files "
                "while reading maps or running queries unless network access is allowed in the settings."
            )


def install() -> None:
    """Install the process-wide audit hook once (idempotent)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


@contextlib.contextmanager
def no_network(activity: str, *, block_files: bool = False) -> Iterator[None]:
    """Refuse network connections, URL opens and subprocesses inside the block.

    Parameters
    ----------
    activity : str
        What is being done, for the error message (e.g. ``"reading map.ttl"``).
    block_files : bool
        Also refuse opening files (for a parse whose input is already open, so
        that a document cannot make the parser read another file).
    """
    install()
    token = _guard.set(activity)
    files_token = _files_guard.set(activity if block_files else None)
    try:
        yield
    finally:
        _files_guard.reset(files_token)
        _guard.reset(token)


@contextlib.contextmanager
def files_allowed() -> Iterator[None]:
    """Inside :func:`no_network` with ``block_files``, let this thread open files again for the block.

    For the reader's own code between parses (a scan of bytes already read), not for a parser: Python
    may open files for it, e.g. when PySide6's import hook reads a module's source at a function-level
    import (a map opened in the app was refused for numpy's ``__init__.py``).

    Examples
    --------
    >>> with no_network("reading a map", block_files=True), files_allowed():
    ...     open(__file__).close()
    """
    token = _files_guard.set(None)
    try:
        yield
    finally:
        _files_guard.reset(token)
