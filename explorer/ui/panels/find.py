"""The toolbar's find box: type to highlight the nodes whose label matches, Enter (or F3) to walk them.

Matching is :func:`explorer.core.filtering.search` (case- and accent-insensitive, best matches first). A match
hidden by a focus or filter is shown when it is walked to, so "next" never selects something invisible.

Examples
--------
>>> from explorer.ui.canvas.view import MapCanvas
>>> box = FindBox(MapCanvas())
>>> box.show_map(None)
>>> box.isEnabled(), box.matches
(False, [])
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit

from explorer.core.filtering import search
from explorer.ui.common.host import OpenMap

#: Matches highlighted at once; more are still walked by "next", they are only not all lit.
HIGHLIGHT_LIMIT = 2000


class FindBox(QLineEdit):
    """A search field over the open map's labels that highlights and walks the matches on ``canvas``."""

    #: A line for the status bar, and how long to show it (ms).
    message = Signal(str, int)

    def __init__(self, canvas, parent=None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.projection = None
        self.matches: list = []
        self._index = -1
        self.setPlaceholderText("Find a node…")
        self.setClearButtonEnabled(True)
        self.setAccessibleName("Find nodes")
        self.setToolTip("Find nodes by label (Enter: next match)")
        self.setMaximumWidth(260)
        self.textChanged.connect(self._changed)
        self.returnPressed.connect(self.find_next)
        self.setEnabled(False)

    def show_map(self, opened: OpenMap | None) -> None:
        """Search the open map (None: nothing to search, the box is disabled)."""
        self.projection = opened.projection if opened is not None else None
        self.matches, self._index = [], -1
        self.setEnabled(self.projection is not None)

    def start(self) -> None:
        """Put the keyboard in the box with its text selected (Ctrl+F)."""
        self.setFocus()
        self.selectAll()

    def _changed(self, text: str) -> None:
        if self.projection is None:
            return
        self.matches = search(self.projection, text) if text.strip() else []
        self._index = -1
        self.canvas.highlight(self.matches[:HIGHLIGHT_LIMIT])
        if text.strip():
            n = len(self.matches)
            self.message.emit(f"{n:,} match{'es' if n != 1 else ''} for “{text[:40]}”", 5000)

    def find_next(self, step: int = 1) -> None:
        """Select and centre the next match (``step`` -1: the previous one)."""
        if not self.matches:
            if self.text().strip():
                self.message.emit("No node matches.", 4000)
            return
        self._index = (self._index + step) % len(self.matches)
        iri = self.matches[self._index]
        if self.canvas.visible_nodes is not None and iri not in self.canvas.visible_nodes:
            self.canvas.set_visible_nodes(self.canvas.visible_nodes | {iri})
        self.canvas.select([iri], centre=True)
        self.message.emit(f"Match {self._index + 1} of {len(self.matches)}", 4000)

    def find_previous(self) -> None:
        """Select and centre the previous match."""
        self.find_next(-1)
