"""File > Map Details…: the map's title, description, authors, organisation and date; a notice for untitled maps.

The details live in the map (:mod:`explorer.core.map_details`); the dialog edits
them as one undoable step. A map with no title of its own gets a slim notice
above the canvas, "This map has no title yet", with a button to the dialog: it
never blocks and never takes the keyboard from the canvas, and it goes away once
the map has a title (and comes back if an undo takes the title away).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from explorer.core.events import DocumentReloaded, GraphChanged
from explorer.core.map_details import DESCRIPTION_LIMIT, TITLE_LIMIT, MapDetails, read_details, set_details
from explorer.ui.common.host import MAP_DETAILS_ACTION, MapHost, OpenMap

#: How many authors the dialog keeps (one per line); more is a list, not a byline.
AUTHOR_LIMIT = 100


def _date_ok(text: str) -> bool:
    text = text.strip()
    if not text:
        return True
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class MapDetailsDialog(QDialog):
    """The form: title first (Enter accepts), then description, authors (one a line), organisation, date made."""

    def __init__(self, details: MapDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapDetailsDialog")
        self.setWindowTitle("Map Details")
        self._details = details
        self.title = QLineEdit(details.title, self)
        self.title.setObjectName("mapDetailsTitle")
        self.title.setAccessibleName("Title")
        self.title.setMaxLength(TITLE_LIMIT)
        self.title.setPlaceholderText("What the map is of, such as “Ward 7 discharge, 2025”")
        self.description = QPlainTextEdit(details.description, self)
        self.description.setObjectName("mapDetailsDescription")
        self.description.setAccessibleName("Description")
        self.description.setPlaceholderText("The service mapped, the change in view, who it is for")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.authors = QPlainTextEdit("\n".join(details.authors), self)
        self.authors.setObjectName("mapDetailsAuthors")
        self.authors.setAccessibleName("Authors, one a line")
        self.authors.setPlaceholderText("One name a line")
        self.authors.setTabChangesFocus(True)
        self.authors.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.organisation = QLineEdit(details.organisation, self)
        self.organisation.setObjectName("mapDetailsOrganisation")
        self.organisation.setAccessibleName("Organisation")
        self.organisation.setMaxLength(TITLE_LIMIT)
        self.created = QLineEdit(details.created, self)
        self.created.setObjectName("mapDetailsCreated")
        self.created.setAccessibleName("Date made, year-month-day")
        self.created.setPlaceholderText("YYYY-MM-DD")
        self.created.setMaxLength(10)
        modified = QLabel(details.modified or "not yet", self)
        modified.setTextFormat(Qt.TextFormat.PlainText)
        modified.setAccessibleName("Last changed")
        self.problem = QLabel("", self)
        self.problem.setObjectName("mapDetailsProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)

        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Description", self.description)
        form.addRow("&Authors", self.authors)
        form.addRow("&Organisation", self.organisation)
        form.addRow("Date &made", self.created)
        form.addRow("Last changed", modified)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.created.textChanged.connect(self._check)
        self.setMinimumWidth(480)
        self.title.setFocus()
        self._check()

    def _check(self) -> None:
        ok = _date_ok(self.created.text())
        self.problem.setText("" if ok else "Write the date as year-month-day, such as 2025-03-31.")
        self.problem.setVisible(not ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def details(self) -> MapDetails:
        """What the form now says."""
        authors = tuple(a.strip() for a in self.authors.toPlainText().splitlines() if a.strip())[:AUTHOR_LIMIT]
        return MapDetails(
            title=self.title.text(),
            description=self.description.toPlainText()[:DESCRIPTION_LIMIT],
            authors=authors,
            organisation=self.organisation.text(),
            created=self.created.text().strip(),
            modified=self._details.modified,
        )


class TitleNotice(QFrame):
    """The notice above the canvas for a map without a title."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("mapTitleNotice")
        self.setAccessibleName("Map title notice")
        self.setStyleSheet(
            "#mapTitleNotice { background: palette(alternate-base); border-bottom: 1px solid palette(mid); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 6, 4)
        text = QLabel("This map has no title yet: give it one for the window, the exports and the report.", self)
        text.setWordWrap(True)
        self.button = QPushButton("Give it a &title…", self)
        self.button.setObjectName("mapTitleNoticeButton")
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Close the notice")
        self.close_button.setToolTip("Close this notice (File > Map Details… gives the map a title later)")
        layout.addWidget(text, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.close_button)
        self.hide()


class MapDetailsFeature(QObject):
    """The File menu entry, the dialog and the notice, following the open map."""

    def __init__(self, host: MapHost) -> None:
        super().__init__(host.canvas_page)
        self.host = host
        self.document = None
        self.dialog: MapDetailsDialog | None = None
        self._dismissed = None  # the map whose notice the user closed
        self._unsubscribe: list = []
        self.action = QAction("Map &Details…", host.canvas_page)
        self.action.setObjectName(MAP_DETAILS_ACTION)
        self.action.setStatusTip("The map's title, description, authors, organisation and date")
        self.action.triggered.connect(lambda checked=False: self.edit())
        host.menus["file"].insertAction(host.menus["export_anchor"], self.action)
        host.map_actions.append(self.action)
        self.action.setEnabled(host.document is not None)
        self.notice = TitleNotice(host.canvas_page)
        self.notice.button.clicked.connect(self.edit)
        self.notice.close_button.clicked.connect(self._dismiss)
        host.canvas_page.layout().insertWidget(0, self.notice)
        host.mapShown.connect(self.show_map)

    def show_map(self, opened: OpenMap | None) -> None:
        """Follow the open map (None when it closes)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self.document = opened.document if opened is not None else None
        if self.dialog is not None:
            self.dialog.reject()
        if self.document is not None:
            events = self.document.events
            self._unsubscribe = [
                events.subscribe(GraphChanged, lambda event: self.refresh()),
                events.subscribe(DocumentReloaded, lambda event: self.refresh()),
            ]
        self.refresh()

    def refresh(self) -> None:
        """Show the notice while the open map has no title of its own."""
        document = self.document
        untitled = document is not None and not read_details(document.store).title
        self.notice.setVisible(untitled and self._dismissed is not document)

    def _dismiss(self) -> None:
        self._dismissed = self.document
        self.notice.hide()

    def edit(self) -> MapDetailsDialog | None:
        """Open the dialog on the open map's details (window-modal, without blocking); OK applies them."""
        document = self.document
        if document is None:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        parent = self.host.canvas_page.window()
        dialog = self.dialog = MapDetailsDialog(read_details(document.store), parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            self.dialog = None
            applying = result == QDialog.DialogCode.Accepted and self.document is document and not self.host.busy
            if applying and self.host.execute(set_details(document.store, dialog.details())):
                self.host.show_status("Map details saved in the map (undo with Ctrl+Z).", 5000)

        dialog.finished.connect(done)
        dialog.open()
        dialog.title.setFocus()
        return dialog


def install(host: MapHost) -> MapDetailsFeature:
    """Add File > Map Details… and the title notice to ``host``."""
    return MapDetailsFeature(host)
