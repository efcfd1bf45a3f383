"""The Qt model of the node table: the rows of one kind, filtered and sorted, over :mod:`explorer.core.node_table`.

The model holds each row's cell texts, read once per load and again, row by row, for the
nodes an edit touched (:meth:`NodeTableModel.refresh`); what the cells mean and
accept, and the command an edit makes, come from :class:`~explorer.core.node_table.NodeTable`.
It never writes to the map: an edit becomes one command handed to ``execute`` (the
window's, so it is undoable and journalled), and a refused one is said through
:attr:`NodeTableModel.refused`, with the map left as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt, Signal

from explorer.core.errors import ExplorerError
from explorer.core.node_table import CELL_LIMIT, CellEdit, Column, NodeTable, fill
from explorer.core.text import one_line
from explorer.ui.common.text import tooltip_html

#: The overload of layoutAboutToBeChanged/layoutChanged that carries a hint (PySide picks it by its C++ name).
_LAYOUT_SIGNATURE = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")
_ALIGN_NUMBER = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_TEXT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class NodeTableModel(QAbstractTableModel):
    """The nodes of one kind as rows and the kind's fields as columns; editable cells make undoable commands.

    Signals
    -------
    refused(str)
        An edit or a paste was refused; the sentence names the row and column. Nothing was written.
    applied(str)
        An edit or a paste was made; carries its undo label.

    Examples
    --------
    >>> model = NodeTableModel(lambda command: False)
    >>> model.rowCount(), model.columnCount()
    (0, 0)
    """

    refused = Signal(str)
    applied = Signal(str)

    def __init__(self, execute: Callable, parent=None) -> None:
        super().__init__(parent)
        self._execute = execute
        self.table: NodeTable | None = None
        self.kind = None
        self.columns: list[Column] = []
        self._rows: list[tuple] = []  # (node, (full text per column))
        self._index: dict = {}  # node -> its index in _rows
        self._links: dict = {}  # a node named in a link cell -> the row nodes naming it
        self._shown: list[int] = []  # indexes into _rows, filtered and sorted
        self._where: dict = {}  # node -> its shown row
        self._sort = (0, Qt.SortOrder.AscendingOrder)
        self._filter = ""

    # ------------------------------------------------------------------ content
    def load(self, table: NodeTable | None, kind) -> None:
        """Show the nodes of ``kind`` in ``table`` (read again now); ``None`` empties the model."""
        self.beginResetModel()
        self._links = {}
        if table is None or kind is None or table.schema.kind(kind) is None:
            self.table, self.kind, self.columns, self._rows = table, None, [], []
        else:
            if kind != self.kind:
                self._sort = (0, Qt.SortOrder.AscendingOrder)
            self.table, self.kind = table, kind
            self.columns = table.columns(kind)
            self._rows = [(node, self._read(node)) for node in table.nodes(kind)]
        self._index = {node: i for i, (node, _) in enumerate(self._rows)}
        self._arrange()
        self.endResetModel()

    def _read(self, node) -> tuple:
        """The cell texts of ``node``'s row; notes the nodes its link cells name (their names show here)."""
        table = self.table
        values = table.values(node)
        for column in self.columns:
            if column.spec.widget == "link":
                for value in values.get(column.spec.iri, ()):
                    self._links.setdefault(value, set()).add(node)
        return tuple(table.text(node, column, values) for column in self.columns)

    def refresh(self, table: NodeTable | None, touched) -> bool:
        """Read again only the rows an edit touched: ``touched`` are the subjects of its changed statements.

        Rows naming a touched node in a link cell are read again too (a renamed node's name shows there).
        Returns False, changing nothing, when a whole :meth:`load` is needed: a touched node joined or left
        the kind, or the kind's columns changed. Rows keep their place unless the sort or filter moves them.
        """
        if table is None or self.table is None or self.kind is None or table.schema.kind(self.kind) is None:
            return False
        if table.columns(self.kind) != self.columns:
            return False
        kind = self.kind
        for node in touched:
            view = table.projection.nodes.get(node)
            if (view is not None and view.kind == kind) != (node in self._index):
                return False
        self.table = table
        nodes = set(touched)
        for node in touched:
            nodes |= self._links.get(node, set())
        changed = []
        for node in nodes:
            i = self._index.get(node)
            if i is not None and (cells := self._read(node)) != self._rows[i][1]:
                changed.append((i, self._rows[i][1]))
                self._rows[i] = (node, cells)
        if not changed:
            return True
        column = self._sort[0]
        if self._filter or any(old[column] != self._rows[i][1][column] for i, old in changed):
            self._relayout()  # the sort or the filter may move these rows
        else:
            for i, _ in changed:
                row = self._where[self._rows[i][0]]
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
        return True

    def set_filter(self, text: str) -> None:
        """Show only rows with a cell containing ``text`` (not case-sensitive)."""
        folded = " ".join(text.split()).casefold()
        if folded == self._filter:
            return
        self.beginResetModel()
        self._filter = folded
        self._arrange()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # Qt API
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self._relayout()

    def _relayout(self) -> None:
        """Sort and filter the rows again, keeping the selection and the current cell on their nodes."""
        shown = self._shown
        old = [self._rows[i][0] for i in shown]
        self._arrange()
        arranged, where, self._shown = self._shown, self._where, shown  # views see the old rows until told
        if len(arranged) != len(shown):  # the filter let a row in or out: the views need a reset
            self.beginResetModel()
            self._shown = arranged
            self.endResetModel()
            return
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint  # the selection keeps rows, not every cell
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)
        persistent = self.persistentIndexList()
        self._shown = arranged
        self.changePersistentIndexList(
            persistent,
            [
                self.index(row, p.column())
                if p.row() < len(old) and (row := where.get(old[p.row()])) is not None
                else QModelIndex()
                for p in persistent
            ],
        )
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)

    def _arrange(self) -> None:
        text = self._filter
        shown = [i for i, (_, cells) in enumerate(self._rows) if not text or any(text in c.casefold() for c in cells)]
        column, order = self._sort
        if self.columns and 0 <= column < len(self.columns):
            spec = self.columns[column]
            filled = [i for i in shown if self._rows[i][1][column]]
            empty = [i for i in shown if not self._rows[i][1][column]]
            filled.sort(
                key=lambda i: NodeTable.sort_key(spec, self._rows[i][1][column]),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
            shown = filled + empty  # empty cells stay last both ways
        self._shown = shown
        self._where = {self._rows[i][0]: row for row, i in enumerate(shown)}

    # ------------------------------------------------------------------ reading
    @property
    def total(self) -> int:
        """How many nodes of the kind there are, shown or not."""
        return len(self._rows)

    def node_at(self, row: int):
        """The node of a shown row."""
        return self._rows[self._shown[row]][0]

    def row_of(self, node) -> int | None:
        """The shown row of ``node``, or None."""
        return self._where.get(node)

    def full_text(self, row: int, column: int) -> str:
        return self._rows[self._shown[row]][1][column]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        text = self.full_text(index.row(), index.column())
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return one_line(text, CELL_LIMIT)
        if role == Qt.ItemDataRole.EditRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            shown = one_line(text, CELL_LIMIT)
            if not self.table.cell_editable(column, text):
                return tooltip_html(shown if shown != text else "", f"{column.title}: {column.hint}", limit=1500)
            return tooltip_html("", text, limit=1500) if shown != text else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_NUMBER if column.numeric else _ALIGN_TEXT
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(column.title, f"{column.spec.comment}\n\nTakes {column.hint}.".strip(), limit=1500)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self.columns[index.column()]
        if self.table is not None and self.table.cell_editable(column, self.full_text(index.row(), index.column())):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # ------------------------------------------------------------------ writing
    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 - Qt API
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        text = "" if value is None else str(value)
        if text == self.full_text(index.row(), index.column()):
            return False
        return self.put({(index.row(), index.column()): text})

    def put(self, cells: dict, *, label: str | None = None) -> bool:
        """Put ``{(row, column): text}`` (shown rows) in the map as one undoable step; all or nothing."""
        if self.table is None or not cells:
            return False
        edits = []
        for (row, column), text in sorted(cells.items()):
            if not (0 <= row < len(self._shown) and 0 <= column < len(self.columns)):
                self.refused.emit(
                    f"The paste reaches past the table (row {row + 1}, column {column + 1}); "
                    f"it shows {len(self._shown)} rows and {len(self.columns)} columns. Nothing was changed."
                )
                return False
            edits.append(CellEdit(self.node_at(row), self.columns[column], text, row + 1))
        try:
            command = self.table.command(edits, label=label)
        except ExplorerError as error:
            self.refused.emit(f"{error} Nothing was changed.")
            return False
        if not self._execute(command):
            return False
        self.applied.emit(command.label)
        return True

    def paste(self, grid: list, targets) -> bool:
        """Paste rows of cells over the selected ``targets`` ((row, column) pairs), as one undoable step."""
        try:
            cells = fill(grid, targets, shape=(len(self._shown), len(self.columns)))
        except ExplorerError as error:
            self.refused.emit(str(error))
            return False
        return self.put(cells)


__all__ = ["NodeTableModel"]
