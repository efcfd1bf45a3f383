"""The dialog shown when you and someone else changed the same value: keep yours or theirs, row by row.

Each :class:`~explorer.team.sync.Conflict` is one row: the thing and the property in plain
words, then the value before either change, yours and theirs side by side, and a choice of
"Mine" or "Theirs" (yours by default, since it is the edit you just made). "Keep All Mine"
and "Keep All Theirs" set every row. The dialog only asks; the feature applies the choice
with :func:`explorer.team.sync.resolve`, which publishes it as a new change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from rdflib import RDFS, URIRef

from explorer.core.terms import local_name
from explorer.core.text import one_line

_COLUMNS = ["Thing", "What", "Before", "Yours", "Theirs", "Keep"]


def values_text(values, name_of=lambda iri: None) -> str:
    """A property's values as a person reads them: text as typed, a node by its name, "(none)" when empty.

    Examples
    --------
    >>> from rdflib import Literal
    >>> values_text([Literal("Ward 4"), Literal(3)])
    'Ward 4; 3'
    >>> values_text([])
    '(none)'
    >>> values_text([URIRef("urn:x:Nurse")])
    'Nurse'
    """
    shown = []
    for value in values:
        if isinstance(value, URIRef):
            shown.append(name_of(value) or local_name(value))
        else:
            shown.append(str(value))
    return one_line("; ".join(shown), 200) if shown else "(none)"


class ConflictDialog(QDialog):
    """Both values of every conflict, and the choice of which to keep; :meth:`choices` after it is accepted."""

    def __init__(self, conflicts, parent=None, *, name_of=lambda iri: None) -> None:
        super().__init__(parent)
        self.setWindowTitle("You and Someone Else Changed the Same Things")
        self.resize(900, 420)
        self.conflicts = list(conflicts)
        count = len(self.conflicts)
        intro = QLabel(
            f"{count} value{'s were' if count != 1 else ' was'} changed both here and on the server since you "
            "last synced. Choose which to keep for each; your choice is shared as a new change.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(count, len(_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setAccessibleName("Conflicting changes")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(len(_COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(_COLUMNS) - 1, QHeaderView.ResizeMode.ResizeToContents)
        self._groups: list[QButtonGroup] = []
        for row, conflict in enumerate(self.conflicts):
            # A clash over the name itself names the thing as it was, not by one side's new name.
            thing = str(conflict.base[0]) if conflict.predicate == RDFS.label and conflict.base else conflict.label
            cells = [
                one_line(thing, 80),
                one_line(conflict.what, 80),
                values_text(conflict.base, name_of),
                values_text(conflict.mine, name_of),
                values_text(conflict.theirs, name_of),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            self.table.setCellWidget(row, len(_COLUMNS) - 1, self._choice(row))
        self.table.resizeRowsToContents()

        self.all_mine = QDialogButtonBox(self)
        mine = self.all_mine.addButton("Keep All &Mine", QDialogButtonBox.ButtonRole.ActionRole)
        theirs = self.all_mine.addButton("Keep All &Theirs", QDialogButtonBox.ButtonRole.ActionRole)
        mine.clicked.connect(lambda: self.choose_all("mine"))
        theirs.clicked.connect(lambda: self.choose_all("theirs"))
        self.keep_all_mine, self.keep_all_theirs = mine, theirs
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton("&Apply and Share", QDialogButtonBox.ButtonRole.AcceptRole)
        self.later_button = self.buttons.addButton("Decide &Later", QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.setToolTip("Keep both changes waiting; Sync asks again")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lower = QHBoxLayout()
        lower.addWidget(self.all_mine)
        lower.addStretch(1)
        lower.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(lower)

    def _choice(self, row: int) -> QWidget:
        cell = QWidget(self.table)
        box = QHBoxLayout(cell)
        box.setContentsMargins(6, 0, 6, 0)
        group = QButtonGroup(cell)
        for index, text in enumerate(("Mine", "Theirs")):
            button = QRadioButton(text, cell)
            button.setAccessibleName(f"Keep {text.lower()} for row {row + 1}")
            group.addButton(button, index)
            box.addWidget(button)
        group.button(0).setChecked(True)
        self._groups.append(group)
        return cell

    def radio(self, row: int, keep: str) -> QRadioButton:
        """The "Mine" or "Theirs" button of ``row`` (for keyboard and tests)."""
        return self._groups[row].button(0 if keep == "mine" else 1)

    def choose_all(self, keep: str) -> None:
        """Set every row to ``"mine"`` or ``"theirs"``."""
        for row in range(len(self._groups)):
            self.radio(row, keep).setChecked(True)

    def choices(self) -> list[str]:
        """``"mine"`` or ``"theirs"`` for each conflict, in order."""
        return ["mine" if group.checkedId() == 0 else "theirs" for group in self._groups]

    def split(self) -> tuple[list, list]:
        """The conflicts to keep as mine and those to take as theirs."""
        mine = [c for c, keep in zip(self.conflicts, self.choices(), strict=True) if keep == "mine"]
        theirs = [c for c, keep in zip(self.conflicts, self.choices(), strict=True) if keep == "theirs"]
        return mine, theirs
