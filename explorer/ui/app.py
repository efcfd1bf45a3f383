"""Start the desktop app.

This is the first, minimal window: it opens a map and shows what it holds by
kind. The mapping canvas, docks and the rest of the app are built on top of it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer import __version__
from explorer.core.document import MapDocument
from explorer.core.errors import ExplorerError
from explorer.core.info import summarise
from explorer.core.resources import sample_maps

MAP_FILTER = "RDF maps (*.ttl *.trig *.nt *.nq *.jsonld *.json *.rdf *.owl *.xml *.gz);;All files (*)"


class MainWindow(QMainWindow):
    """The main window: one open map at a time."""

    def __init__(self) -> None:
        super().__init__()
        self.document: MapDocument | None = None
        self.setWindowTitle("Routine Explorer")
        self.setAccessibleName("Routine Explorer main window")
        self.resize(1000, 680)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Map title")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.heading.setFont(font)
        self.kinds = QTreeWidget(self)
        self.kinds.setHeaderLabels(["Kind", "Nodes", "IRI"])
        self.kinds.setRootIsDecorated(False)
        self.kinds.setAccessibleName("Nodes by kind")
        layout.addWidget(self.heading)
        layout.addWidget(self.kinds)
        self.setCentralWidget(central)

        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open…", self, shortcut=QKeySequence.StandardKey.Open, triggered=self._choose_map)
        file_menu.addAction(open_action)
        samples = file_menu.addMenu("Open &Sample Map")
        for sample in sample_maps():
            samples.addAction(sample.stem.replace("-", " ").title(), lambda checked=False, p=sample: self.open_map(p))
        samples.setEnabled(bool(sample_maps()))
        file_menu.addSeparator()
        file_menu.addAction(QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close))
        self._show_empty()
        settings = QSettings("Routine Explorer", "Routine Explorer")
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _show_empty(self) -> None:
        self.heading.setText("No map open. Choose File > Open, or File > Open Sample Map to start from an example.")
        self.kinds.clear()
        self.statusBar().showMessage(f"Routine Explorer {__version__}")

    def _choose_map(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open map", "", MAP_FILTER)
        if path:
            self.open_map(path)

    def open_map(self, path: str | Path) -> bool:
        """Open ``path``; on failure say why and keep the current map."""
        try:
            document = MapDocument.open(path)
        except ExplorerError as err:
            QMessageBox.warning(self, "Cannot open map", str(err))
            return False
        if document.pending_recovery is not None:
            self._offer_recovery(document)
        if self.document is not None:
            self.document.close()
        self.document = document
        summary = summarise(document)
        self.setWindowTitle(f"{document.title} — Routine Explorer")
        self.heading.setText(document.title)
        self.kinds.clear()
        for kind in summary.kinds:
            item = QTreeWidgetItem([kind.label or kind.kind.rsplit("#", 1)[-1].rsplit("/", 1)[-1], f"{kind.nodes:,}", kind.kind])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.kinds.addTopLevelItem(item)
        for column in range(3):
            self.kinds.resizeColumnToContents(column)
        self.statusBar().showMessage(f"{summary.triples:,} triples, {summary.nodes:,} nodes — {path}")
        return True

    def _offer_recovery(self, document: MapDocument) -> None:
        recovery = document.pending_recovery
        changed = "" if recovery.matches(document.content_sha256) else (
            "\n\nThe file has changed on disk since then; recovering applies the edits to the new content."
        )
        answer = QMessageBox.question(
            self,
            "Recover unsaved changes?",
            f"Routine Explorer closed unexpectedly while {document.title} had {len(recovery.edits)} unsaved "
            f"edit(s), the last one \u201c{recovery.labels[-1]}\u201d.{changed}\n\nRecover them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            document.recover()
        else:
            document.discard_recovery()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        QSettings("Routine Explorer", "Routine Explorer").setValue("window/geometry", self.saveGeometry())
        if self.document is not None:
            self.document.close()
        super().closeEvent(event)


def create_window(path: str | Path | None = None) -> MainWindow:
    """Create (and show) the main window, opening ``path`` if given; needs a QApplication."""
    window = MainWindow()
    window.show()
    if path is not None:
        window.open_map(path)
    return window


def run(path: str | Path | None = None) -> int:
    """Start the app's event loop; returns its exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Routine Explorer")
    app.setOrganizationName("Routine Explorer")
    app.setApplicationVersion(__version__)
    window = create_window(path)
    window.raise_()
    return app.exec()
