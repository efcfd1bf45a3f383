"""Help > Keyboard Shortcuts: every action that has a shortcut, and the gestures of the canvas.

Examples
--------
>>> from PySide6.QtGui import QAction, QKeySequence
>>> save = QAction("&Save")
>>> save.setShortcut(QKeySequence("Ctrl+S"))
>>> ("Save", "Ctrl+S") in shortcut_rows([save])
True
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout

#: What the mouse and the keys do on the canvas, which no action lists.
GESTURES = (
    ("Zoom", "Mouse wheel, + and −"),
    ("Pan", "Arrow keys (nothing selected), scroll bars"),
    ("Rename in place", "Double-click, F2 or Enter"),
    ("Tie two nodes", "Drag from a node's handle onto another node"),
    ("Clear selection", "Esc"),
)


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """``(action, keys)`` for every action with a shortcut, and the canvas's gestures, sorted by action."""
    rows = [
        (a.text().replace("&", ""), a.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
        for a in actions
        if not a.shortcut().isEmpty()
    ]
    return sorted([*rows, *GESTURES])


class ShortcutsDialog(QDialog):
    """A table of :func:`shortcut_rows` with a Close button."""

    def __init__(self, actions: Iterable[QAction], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        rows = shortcut_rows(actions)
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels(["Action", "Shortcut"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (text, keys) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(text))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(table)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.resize(460, 560)
