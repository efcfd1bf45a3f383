"""The two dialogs about maps on a server: naming a map to share, and choosing a shared map to open.

"Open from Server" lists the server's catalogue (:func:`explorer.team.changelog.catalogue`),
read in a worker thread, with each map's title, version and when it was first shared.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from explorer.core.errors import ExplorerError
from explorer.core.text import one_line
from explorer.team import changelog
from explorer.ui.common.workers import run_task
from explorer.ui.team.history_panel import when_text


class ShareDialog(QDialog):
    """The title a map is shared under, on which server."""

    def __init__(self, title: str, server: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Share to Server")
        self.setMinimumWidth(480)
        intro = QLabel(
            f"The map will be copied to {one_line(server, 120)}, where your team can open it. "
            "Each change anyone shares is kept there with who made it and when.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.title = QLineEdit(one_line(title, 200), self)
        self.title.setAccessibleName("Title on the server")
        form = QFormLayout()
        form.addRow("&Title:", self.title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.share_button = buttons.addButton("&Share", QDialogButtonBox.ButtonRole.AcceptRole)
        self.share_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.title.textChanged.connect(lambda text: self.share_button.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)


class OpenFromServerDialog(QDialog):
    """The maps shared on a server; :meth:`chosen` is the one to open once accepted."""

    def __init__(self, client, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open from Server")
        self.resize(640, 420)
        self.entries: list = []
        self.note = QLabel(f"Reading the maps on {one_line(client.endpoint.describe(), 120)}…", self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName("Server maps status")
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Title", "Version", "First shared"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Maps on the server")
        self.tree.itemDoubleClicked.connect(lambda *_: self.accept() if self.chosen() is not None else None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.open_button = buttons.addButton("&Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.tree.currentItemChanged.connect(lambda *_: self.open_button.setEnabled(self.chosen() is not None))
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.task = run_task(
            "Reading the server's maps…",
            lambda progress: changelog.catalogue(client),
            parent=self,
            cancellable=False,
            on_success=self._show,
            on_failure=self._failed,
        )

    def _show(self, entries) -> None:
        self.entries = list(entries)
        for entry in self.entries:
            version = str(entry.version) if entry.version >= 0 else "?"
            item = QTreeWidgetItem([one_line(entry.title, 120), version, when_text(entry.created)])
            item.setToolTip(0, str(entry.iri))
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(0, max(self.tree.columnWidth(0), 360))
        count = len(self.entries)
        self.note.setText(
            f"{count} map{'s' if count != 1 else ''} on this server. Choose one to open a working copy."
            if count
            else "No map is shared on this server yet. Open a map and use File > Share to Server…"
        )
        if count:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _failed(self, error) -> None:
        text = str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"
        self.note.setText(f"Could not read the server's maps: {text}")

    def chosen(self):
        """The :class:`~explorer.team.changelog.MapEntry` chosen, or None."""
        item = self.tree.currentItem()
        if item is None:
            return None
        index = self.tree.indexOfTopLevelItem(item)
        return self.entries[index] if 0 <= index < len(self.entries) else None
