"""File > Compare with Earlier Version…: the open map against a version kept when it was saved, or any saved copy.

Each save over a map's file keeps the file it replaces (:mod:`explorer.core.versions`).
This dialog lists those versions, newest first, with when each was saved and its
size, and offers "Another saved copy…" (a file chosen on disk). The chosen file is
read off the UI thread, then compared (A, earlier) with the map as it is shown now
(B) by the compare feature, so a team can see what changed since last month and
why resistance moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from explorer.core.text import one_line
from explorer.core.versions import Version, versions_of
from explorer.ui.analysis.compare_dialog import CompareSide
from explorer.ui.common import MAP_FILTER
from explorer.ui.common.host import MapHost
from explorer.ui.common.workers import run_task

#: The list entry for a file chosen on disk.
ANOTHER_COPY = "Another saved copy…"


def size_text(size: int) -> str:
    """A file size in words a person reads at a glance.

    Examples
    --------
    >>> size_text(900), size_text(12_345), size_text(3_400_000)
    ('900 bytes', '12 KB', '3.4 MB')
    """
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def when_text(saved_at: dt.datetime) -> str:
    """When a version was saved, in local time.

    Examples
    --------
    >>> when_text(dt.datetime(2025, 3, 1, 14, 5, tzinfo=dt.UTC).astimezone()).startswith("1 Mar 2025")
    True
    """
    local = saved_at.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M}"


@dataclass(frozen=True)
class _Earlier:
    name: str
    data: bytes


def _read(path: Path, name: str) -> _Earlier:
    from explorer.analysis.run import serialise_map
    from explorer.core.document import MapDocument

    doc = MapDocument.open(path, editing=False)
    try:
        return _Earlier(name, serialise_map(doc))  # the file's map graph: a save always writes the as-is map
    finally:
        doc.close()


class EarlierVersionDialog(QDialog):
    """The versions kept of the open map, newest first, and "Another saved copy…"."""

    def __init__(self, versions: list[Version], title: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("earlierVersionDialog")
        self.setWindowTitle("Compare with an Earlier Version")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Compare “{one_line(title, 60)}” as it is now with an earlier version. Routine Explorer keeps "
            "the file each save replaces (the last 20)."
            if versions
            else "No earlier version of this map has been kept yet: one is kept each time a save replaces "
            "its file. You can compare with another saved copy.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget(self)
        self.list.setObjectName("earlierVersionList")
        self.list.setAccessibleName("Earlier versions")
        intro.setBuddy(self.list)
        for version in versions:
            item = QListWidgetItem(f"Saved {when_text(version.saved_at)}  ·  {size_text(version.size)}")
            item.setData(Qt.ItemDataRole.UserRole, str(version.path))
            self.list.addItem(item)
        other = QListWidgetItem(ANOTHER_COPY)
        other.setToolTip("Choose a copy of this map saved elsewhere (a backup, last month's file)")
        self.list.addItem(other)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        compare = buttons.addButton("&Compare", QDialogButtonBox.ButtonRole.AcceptRole)
        compare.setObjectName("earlierVersionCompare")
        compare.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(440, 380)

    def chosen(self) -> tuple[str, str] | None:
        """``(path, name)`` of the version chosen, ``("", ANOTHER_COPY)`` for another copy, None for nothing."""
        item = self.list.currentItem()
        if item is None:
            return None
        return (item.data(Qt.ItemDataRole.UserRole) or "", item.text())


class EarlierVersions:
    """File > Compare with Earlier Version…, handing the two sides to the compare feature."""

    def __init__(self, host: MapHost, compare) -> None:
        self.host = host
        self.compare = compare
        self.dialog: EarlierVersionDialog | None = None
        self.task = None
        self.action = QAction("Compare with &Earlier Version…", host.canvas_page)
        self.action.setObjectName("compareEarlierVersion")
        self.action.setStatusTip("What changed since an earlier version of this map, and how resistance moved")
        self.action.triggered.connect(lambda checked=False: self.open_dialog())
        host.menus["file"].insertAction(host.menus["export_anchor"], self.action)
        host.map_actions.append(self.action)
        self.action.setEnabled(host.document is not None)

    def open_dialog(self) -> EarlierVersionDialog | None:
        """List the versions kept (window-modal, not blocking); Compare starts the comparison."""
        document = self.host.document
        if document is None:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        self.host.commit_pending()
        versions = versions_of(document.path) if document.path is not None else []
        dialog = self.dialog = EarlierVersionDialog(versions, document.title, self.host.canvas_page.window())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            self.dialog = None
            chosen = dialog.chosen() if result == QDialog.DialogCode.Accepted else None
            if chosen is not None and self.host.document is document:
                self.compare_with(*chosen)

        dialog.finished.connect(done)
        dialog.open()
        dialog.list.setFocus()
        return dialog

    def compare_with(self, path: str, name: str) -> None:
        """Read ``path`` (asks for a file when empty) in a worker, then compare it (A) with the open map (B)."""
        document = self.host.document
        if document is None:
            return
        if not path:
            start = str(document.path.parent) if document.path is not None else str(Path.home())
            path, _ = QFileDialog.getOpenFileName(
                self.host.canvas_page.window(), "Compare with a saved copy", start, MAP_FILTER
            )
            if not path:
                return
            name = Path(path).name
        self.host.show_status(f"Reading {name}…", 4000)
        self.task = run_task(
            "Reading the earlier version",
            lambda progress: _read(Path(path), name),
            parent=self.host.canvas_page,
            on_success=lambda earlier: self._start(document, earlier),
            on_failure=lambda error: self.host.show_status(f"The earlier version could not be read: {error}", 10000),
        )

    def _start(self, document, earlier: _Earlier) -> None:
        self.task = None
        if self.host.document is not document:
            return
        if self.compare is None:
            self.host.show_status("Comparing is not available in this window.", 8000)
            return
        from explorer.analysis.run import serialise_map
        from explorer.core.scenarios import shown

        analysis = getattr(self.host, "analysis", None)
        change = analysis.current_change() if analysis is not None else None
        change_a = change if change is not None and f"<{change}>".encode() in earlier.data else None
        showing = shown(document.store)
        now = f"{one_line(document.title, 60)} now" + (f" (scenario “{showing.name}”)" if showing else "")
        a = CompareSide(earlier.name, earlier.data, change_a)
        b = CompareSide(now, serialise_map(document), change, open_map=True)
        self.compare.start(a, b)


def install(host: MapHost, compare) -> EarlierVersions:
    """Add File > Compare with Earlier Version… to ``host``; ``compare`` is the compare feature (its ``start``)."""
    return EarlierVersions(host, compare)


__all__ = ["ANOTHER_COPY", "EarlierVersionDialog", "EarlierVersions", "install", "size_text", "when_text"]
