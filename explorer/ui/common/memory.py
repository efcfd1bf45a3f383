"""Keeping Python's garbage collector from pausing the window on a big map.

A full collection walks every object that might be in a cycle. With a 100k-node map open that is
millions of objects (the projection's views, terms and ties), and a collection, which Python starts
on its own at moments no one chooses, held the window for ~0.3 s (measured while a layout streamed
its frames). Once a map is open its objects are frozen (:func:`gc.freeze`): collections then skip
them. When another map replaces it they are thawed and the old map's cycles collected once.

Examples
--------
>>> settle(); thaw(); settle(); release()
>>> gc.get_freeze_count()
0
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_pauses = 0
_lock = threading.Lock()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No automatic collections while a map loads (nested and threads allowed: the last one out resumes them).

    Loading a 100k-node map makes millions of objects; each automatic full collection on the way walked
    all made so far, holding the interpreter for up to half a second (the window froze) and adding
    seconds to the load. Nothing made during a load is garbage in a cycle worth collecting early. A load
    that succeeds calls :func:`settle` before it ends, so the first collection after it does not walk the
    whole new map at once (1.6 s at 100k nodes, on the UI thread).

    Examples
    --------
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _pauses
    with _lock:
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if not _pauses:
                gc.enable()


def settle() -> None:
    """Keep every object alive now out of later collections (call once a map is open and drawn)."""
    gc.freeze()


def thaw() -> None:
    """Let collections see the frozen objects again (the window closes: Python reclaims them in its own time)."""
    gc.unfreeze()


def release() -> None:
    """Let collections see the frozen objects again and collect what is garbage among them (a map closed)."""
    gc.unfreeze()
    gc.collect()
