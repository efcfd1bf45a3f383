"""Help > About: what the app is, and which versions of it, its ontology and its libraries are running.

The versions come from :mod:`explorer.core.software` (the same lines ``routine-explorer --self-test``
prints and the report's method note names). Copy Versions puts them on the clipboard as plain text,
for a bug report or a methods section.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from explorer import __version__
from explorer.core.software import about_text

SUMMARY = (
    "Map the people, units, routines, norms and external forces of an organisation at micro, meso and macro "
    "level, and see where a proposed change will meet resistance, and why."
)


class AboutDialog(QDialog):
    """The app's name and purpose above its versions, which can be copied.

    Examples
    --------
    >>> dialog = AboutDialog()
    >>> dialog.versions.toPlainText().splitlines()[0].startswith("Routine Explorer")
    True
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Routine Explorer")
        self.setAccessibleName("About Routine Explorer")
        title = QLabel(f"<b>Routine Explorer {__version__}</b>", self)
        summary = QLabel(SUMMARY, self)
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        self.versions = QPlainTextEdit(about_text(), self)
        self.versions.setReadOnly(True)
        self.versions.setAccessibleName("Versions")
        self.versions.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.versions.setMinimumHeight(220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("&Copy Versions", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setToolTip("Put the versions on the clipboard, for a bug report or a methods section")
        self.copy_button.clicked.connect(self.copy_versions)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addWidget(QLabel("Versions:", self))
        layout.addWidget(self.versions, 1)
        layout.addWidget(buttons)
        self.resize(520, 460)

    def copy_versions(self) -> None:
        """Put the versions on the clipboard as plain text."""
        QApplication.clipboard().setText(self.versions.toPlainText())


__all__ = ["AboutDialog"]
