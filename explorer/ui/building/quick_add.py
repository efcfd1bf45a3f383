"""The quick-add line: type ``Ward 7 (unit) -> Discharge huddle (routine)``, press Enter, get the nodes.

The line floats at the top of the canvas while it is open (Ctrl+K opens it, Escape closes it).
What it reads is :func:`explorer.core.quick_add.read_line`'s business; the line only collects
the text and says it was submitted.

Examples
--------
>>> from PySide6.QtWidgets import QWidget
>>> canvas = QWidget()
>>> line = QuickAddLine(canvas)
>>> line.isVisible(), line.placeholderText().startswith("Add:")
(False, True)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit

from explorer.core.quick_add import EXAMPLE, MAX_LINE


class QuickAddLine(QLineEdit):
    """A one-line field over the canvas; ``submitted(text)`` on Enter, hidden on Escape."""

    submitted = Signal(str)

    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.setPlaceholderText(f"Add: {EXAMPLE}")
        self.setAccessibleName("Quick add")
        self.setAccessibleDescription(
            "Type a name, or two names joined by an arrow, each with its kind in brackets if it is new; "
            "Enter adds them and offers the ties between them, Escape closes."
        )
        self.setToolTip(
            f"{EXAMPLE}\nA name already on the map is reused; a new name without a kind takes the last kind used."
        )
        self.setMaxLength(MAX_LINE + 1)  # one more, so an over-long paste is refused with a message, not cut
        self.setClearButtonEnabled(True)
        self.setStyleSheet("QLineEdit { padding: 4px 6px; border: 2px solid palette(highlight); }")
        self.hide()

    def open(self) -> None:
        """Show the line at the top of its parent, empty, with the keyboard in it."""
        parent = self.parentWidget()
        width = min(520, max(240, parent.width() - 40))
        self.setGeometry(16, 12, width, 34)
        self.clear()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.hide()
            self.parentWidget().setFocus()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # taken here: the canvas's own Enter (rename the selected node) must not see it
            self.submitted.emit(self.text())
            return
        super().keyPressEvent(event)
