"""A map read in a thread of its own from the moment the app starts, while the window is still being made.

``routine-explorer map.ttl`` spends over a second loading the window's modules before it could start
reading the map. Oxigraph parses without Python's interpreter lock, so on a second core the file can be
read meanwhile: at 100k nodes the map is in memory a second sooner. The window then takes the document
from :meth:`Opening.result`, which reports the reading's progress and honours a cancel as
:meth:`MapDocument.open <explorer.core.document.MapDocument.open>` does.

Examples
--------
>>> from explorer.core.resources import sample_maps
>>> opening = Opening(sample_maps()[0], editing=False)
>>> document = opening.result()
>>> document.path == sample_maps()[0]
True
"""

from __future__ import annotations

import threading
from pathlib import Path

from explorer.core.document import MapDocument
from explorer.core.errors import OperationCancelled
from explorer.core.rdf_formats import Progress

__all__ = ["Opening"]

#: Seconds between two reports of the reading's progress to :meth:`Opening.result`'s caller.
POLL = 0.05


class Opening:
    """Starts reading ``path`` into a :class:`MapDocument` at once, in a thread; see :meth:`result`.

    Parameters
    ----------
    path : path
        The map file.
    editing : bool
        As for :meth:`MapDocument.open`: take the file's lock and journal edits (the app does).
    """

    def __init__(self, path: str | Path, *, editing: bool = True) -> None:
        self.path = Path(path)
        self._editing = editing
        self._done = threading.Event()
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._read = (0, 0)
        self._document: MapDocument | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="opening", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            document = MapDocument.open(self.path, progress=self._progress, editing=self._editing)
        except BaseException as error:  # noqa: BLE001 - raised again by result(), in its caller's thread
            self._error = error
        else:
            with self._lock:
                if self._cancelled.is_set():
                    document.close()  # nobody will take it: let go of the file's lock
                else:
                    self._document = document
        finally:
            self._done.set()

    def _progress(self, done: int, total: int) -> None:
        self._read = (done, total)
        if self._cancelled.is_set():
            raise OperationCancelled("Opening cancelled.")

    def done(self) -> bool:
        """Whether the reading has ended (read, failed or cancelled)."""
        return self._done.is_set()

    def result(self, progress: Progress | None = None) -> MapDocument:
        """The document, once read; waits for it, calling ``progress(bytes_done, bytes_total)`` meanwhile.

        Raises what :meth:`MapDocument.open` raised. Should ``progress`` raise (the user cancelled),
        the reading is cancelled, its document (if it opened all the same) closed, and the error raised.
        """
        while not self._done.wait(POLL):
            if progress is not None:
                try:
                    progress(*self._read)
                except BaseException:
                    self.cancel()
                    raise
        if self._error is not None:
            raise self._error
        with self._lock:
            # Handed over once: the caller owns the document now, and a late cancel() leaves it open.
            document, self._document = self._document, None
        if document is None:
            raise OperationCancelled("Opening cancelled." if self._cancelled.is_set() else "The map was taken already.")
        return document

    def cancel(self) -> None:
        """Stop reading; a document read but not yet taken by :meth:`result` is closed (its file's lock released)."""
        with self._lock:
            self._cancelled.set()
            document, self._document = self._document, None
        if document is not None:
            document.close()
