"""Map items on the system clipboard: put a copied fragment there, read one back.

The fragment is the text :func:`explorer.core.editing.copy_fragment` makes, under its own MIME type
(:data:`explorer.core.editing.CLIPBOARD_MIME`) and as plain text, so it pastes into another map and into a
text editor alike.

Examples
--------
>>> put_map_items("<urn:x:a> <urn:x:b> <urn:x:c> .")
>>> map_items()
'<urn:x:a> <urn:x:b> <urn:x:c> .'
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from explorer.core import editing

_RELEASE_HOOKED = False


def put_map_items(text: str) -> None:
    """Put a copied fragment on the clipboard, as map items and as plain text."""
    data = QMimeData()
    data.setData(editing.CLIPBOARD_MIME, text.encode("utf-8"))
    data.setText(text)
    QApplication.clipboard().setMimeData(data)
    _release_at_exit()


def map_items() -> str | None:
    """The fragment of map items on the clipboard, or None when it holds something else."""
    data = QApplication.clipboard().mimeData()
    if data is None or not data.hasFormat(editing.CLIPBOARD_MIME):
        return None
    return bytes(data.data(editing.CLIPBOARD_MIME)).decode("utf-8", errors="replace")


def _release_at_exit() -> None:
    """Clear map items we put on the clipboard when Python exits.

    PySide6 6.11 crashes at interpreter exit (segmentation fault) when the
    clipboard still holds a QMimeData created from Python; clearing it first
    avoids that.
    """
    global _RELEASE_HOOKED
    if _RELEASE_HOOKED:
        return
    _RELEASE_HOOKED = True

    def release() -> None:
        app = QApplication.instance()
        if app is not None:
            data = app.clipboard().mimeData()
            if data is not None and data.hasFormat(editing.CLIPBOARD_MIME):
                app.clipboard().clear()

    atexit.register(release)
