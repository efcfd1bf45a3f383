"""The Team History panel: the changes published to a shared map, who made them, when, and what they touched.

It lists the server's change log (:func:`explorer.team.changelog.history`), newest first:
who, when, their message and how many facts each change added and removed. Choosing a
change shows the things it touched by name; "Revert This Change" asks the feature to
publish a change that undoes it (a revert is a new change, so nothing leaves the log).
The panel only shows: the feature fetches the records in a worker and hands them here.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from rdflib import RDFS, URIRef

from explorer.core.terms import local_name
from explorer.core.text import one_line

#: How many touched things the detail names before saying "and N more".
NAMED_IN_DETAIL = 12


def when_text(moment) -> str:
    """When a change was published, in local time ("" when unknown).

    Examples
    --------
    >>> when_text(dt.datetime(2001, 3, 1, 14, 5, tzinfo=dt.UTC).astimezone()).startswith("1 Mar 2001")
    True
    >>> when_text("2001-03-01T14:05:00+00:00")[:10]
    '1 Mar 2001'
    >>> when_text(None)
    ''
    """
    if isinstance(moment, str) and moment:
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if not isinstance(moment, dt.datetime):
        return ""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    # This year's changes leave the year out: the list is read in a narrow panel.
    year = "" if local.year == dt.datetime.now().year else f" {local.year}"
    return f"{local.day} {local:%b}{year}, {local:%H:%M}"


def size_text(added: int, removed: int) -> str:
    """How much a change did, as "+added −removed".

    Examples
    --------
    >>> size_text(3, 0)
    '+3 −0'
    """
    return f"+{added} −{removed}"


def touched_names(adds, deletes, name_of) -> list[str]:
    """The things a change touched, by name, in the order first met; a thing the map no longer holds is named
    by the label the change itself gave or took away.

    Examples
    --------
    >>> a = URIRef("urn:x:ward")
    >>> touched_names([(a, RDFS.label, "Ward 4")], [], lambda iri: None)
    ['Ward 4']
    """
    adds, deletes = sorted(adds), sorted(deletes)  # a patch is a set: name things in a steady order
    labels = {s: str(o) for s, p, o in [*deletes, *adds] if p == RDFS.label}
    names, seen = [], set()
    for s, _, _ in [*adds, *deletes]:
        if s in seen or not isinstance(s, URIRef):
            continue
        seen.add(s)
        names.append(name_of(s) or labels.get(s) or local_name(s))
    return names


def _facts(verb: str, count: int) -> str:
    return f"{verb} {count} fact{'s' if count != 1 else ''}"


class TeamHistoryPanel(QWidget):
    """The list of published changes with a detail and Revert; shows what the feature hands it."""

    revertRequested = Signal(object)
    refreshRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._records: list = []
        self._name_of = lambda iri: None
        self.note = QLabel("Open a map shared on a team server to see who changed what.", self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName("Team history status")
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Who", "When", "What", "Size"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName("Published changes")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(lambda *_: self._show_detail())
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("What the change touched")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.refresh_button = QPushButton("Re&fresh", self)
        self.refresh_button.clicked.connect(self.refreshRequested)
        self.revert_button = QPushButton("Re&vert This Change", self)
        self.revert_button.setToolTip("Publish a change that undoes this one (it stays in the history)")
        self.revert_button.setEnabled(False)
        self.revert_button.clicked.connect(self._revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 3)
        layout.addWidget(self.detail, 1)
        layout.addLayout(buttons)
        self.set_available(False)

    def set_available(self, available: bool, note: str | None = None, *, can_revert: bool = True) -> None:
        """Whether a shared map is open (the list and buttons work) and what the note line says."""
        if note is not None:
            self.note.setText(note)
        self.tree.setEnabled(available)
        self.refresh_button.setEnabled(available)
        self._can_revert = available and can_revert
        if not available:
            self.tree.clear()
            self._records = []
            self.detail.setText("")
        self._show_detail()

    def show_records(self, records, name_of=None) -> None:
        """List ``records`` (newest first); ``name_of(iri)`` names a node the open map holds (None if not)."""
        self._records = list(records)
        if name_of is not None:
            self._name_of = name_of
        current = self.current_record()
        self.tree.clear()
        for record in self._records:
            item = QTreeWidgetItem(
                [
                    one_line(self._who(record), 60),
                    when_text(record.time),
                    one_line(self._message(record), 120),
                    size_text(len(record.adds), len(record.deletes)),
                ]
            )
            item.setToolTip(2, one_line(self._message(record), 400))
            self.tree.addTopLevelItem(item)
        index = next((i for i, r in enumerate(self._records) if current is not None and r.iri == current.iri), 0)
        if self._records:
            self.tree.setCurrentItem(self.tree.topLevelItem(index))
        self._show_detail()

    @staticmethod
    def _who(record) -> str:
        return record.author_name or (local_name(record.author) if record.author is not None else "someone")

    @staticmethod
    def _message(record) -> str:
        if record.message:
            return record.message
        return "Reverted an earlier change" if record.reverts else "(no message)"

    def current_record(self):
        """The change chosen in the list, or None."""
        item = self.tree.currentItem()
        if item is None:
            return None
        index = self.tree.indexOfTopLevelItem(item)
        return self._records[index] if 0 <= index < len(self._records) else None

    def _show_detail(self) -> None:
        record = self.current_record()
        self.revert_button.setEnabled(record is not None and self._can_revert)
        if record is None:
            self.detail.setText("")
            return
        names = touched_names(record.adds, record.deletes, self._name_of)
        shown = ", ".join(one_line(n, 60) for n in names[:NAMED_IN_DETAIL])
        if len(names) > NAMED_IN_DETAIL:
            shown += f" and {len(names) - NAMED_IN_DETAIL} more"
        who = self._who(record)
        lines = [
            f"{one_line(who, 60)}, {when_text(record.time)}: {one_line(self._message(record), 300)}",
            f"Version {record.version}: {_facts('added', len(record.adds))}, {_facts('removed', len(record.deletes))}.",
            f"Touched: {shown}." if names else "Touched nothing on the map.",
        ]
        self.detail.setText("\n".join(lines))

    def _revert(self) -> None:
        record = self.current_record()
        if record is not None:
            self.revertRequested.emit(record)
