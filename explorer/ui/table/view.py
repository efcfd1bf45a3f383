"""The node table panel: choose a kind, filter its rows, edit cells, paste a spreadsheet column into many rows.

A grid of the open map's nodes of one kind, the columns the inspector shows for
that kind (:mod:`explorer.core.node_table`). Typing in a cell, pasting (Ctrl+V)
and clearing (Delete) each make one undoable step through the window; a value
the schema refuses is named by row and column above the grid, and nothing is
written. Copy (Ctrl+C) puts the selected cells on the clipboard as a spreadsheet
reads them. Selecting rows selects their nodes on the map and centres it on them.
The grid follows every change of the map, made here or anywhere else: an edit reads
again only the rows whose nodes it touched, so a big table costs an edit little.
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QSize, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.core.errors import ExplorerError
from explorer.core.events import DocumentReloaded, GraphChanged
from explorer.core.node_table import NodeTable, grid_text, paste_grid, plural
from explorer.core.text import natural_key, one_line
from explorer.ui.common.host import MapHost, OpenMap
from explorer.ui.common.theme import paint_placeholder
from explorer.ui.table.model import NodeTableModel

#: Keys the grid keeps for itself while it has the focus, rather than the window's actions of the same keys
#: (Paste would paste map items on the canvas, Delete would delete the selected nodes).
_OWN_KEYS = (
    QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.Copy,
    QKeySequence.StandardKey.Delete,
    QKeySequence.StandardKey.SelectAll,
)


class _Grid(QTableView):
    """The table view: spreadsheet keys (paste, copy, clear) and an empty-state message."""

    def __init__(self, panel: NodeTableView) -> None:
        super().__init__(panel)
        self.panel = panel
        self.placeholder = ""

    def _own(self, event) -> bool:
        return self.state() != QAbstractItemView.State.EditingState and (
            any(event.matches(key) for key in _OWN_KEYS) or event.key() == Qt.Key.Key_Backspace
        )

    def event(self, event) -> bool:
        # F2 edits the cell here; on the window it renames the selected node.
        if event.type() == QEvent.Type.ShortcutOverride and (self._own(event) or event.key() == Qt.Key.Key_F2):
            event.accept()  # the key press comes to keyPressEvent instead of firing a window action
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._own(event):
            if event.matches(QKeySequence.StandardKey.Paste):
                self.panel.paste()
            elif event.matches(QKeySequence.StandardKey.Copy):
                self.panel.copy()
            elif event.matches(QKeySequence.StandardKey.SelectAll):
                self.selectAll()
            else:
                self.panel.clear_cells()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self.placeholder:
            paint_placeholder(self, self.placeholder)


class _CellDelegate(QStyledItemDelegate):
    """The editor a column needs: a list of the choices, or a line (with node names to complete for a link)."""

    def __init__(self, panel: NodeTableView) -> None:
        super().__init__(panel)
        self.panel = panel

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt API
        model = self.panel.model
        column = model.columns[index.column()]
        spec = column.spec
        if spec.widget == "choice" and spec.single:
            combo = QComboBox(parent)
            combo.addItem("")  # not set
            combo.addItems([c.label for c in spec.choices])
            combo.setAccessibleName(column.title)
            combo.activated.connect(lambda _i, c=combo: (self.commitData.emit(c), self.closeEditor.emit(c)))
            return combo
        edit = QLineEdit(parent)
        edit.setPlaceholderText(column.hint)
        edit.setAccessibleName(column.title)
        edit.setFrame(False)
        if spec.widget == "link" and model.table is not None:
            table = model.table
            names = sorted(
                {
                    one_line(view.label)
                    for view in table.projection.nodes.values()
                    if table.schema.admits(spec.range, view.kind)
                },
                key=natural_key,
            )
            completer = QCompleter(QStringListModel(names, edit), edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)
        return edit

    def setEditorData(self, editor, index) -> None:  # noqa: N802 - Qt API
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            found = editor.findText(text)
            editor.setCurrentIndex(max(found, 0))
        else:
            editor.setText(text)

    def setModelData(self, editor, model, index) -> None:  # noqa: N802 - Qt API
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        model.setData(index, text, Qt.ItemDataRole.EditRole)


class NodeTableView(QWidget):
    """The nodes of one kind in a grid with editable columns, a kind chooser and a filter.

    Signals
    -------
    nodesActivated(list)
        The user selected cells: the IRIs of their rows' nodes (to select on the map).

    Examples
    --------
    >>> panel = NodeTableView(None)
    >>> panel.show_map(None)
    >>> panel.grid.placeholder
    'No map open'
    """

    nodesActivated = Signal(object)

    def __init__(self, host: MapHost | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.setObjectName("nodeTable")
        self.setAccessibleName("Node table")
        self._document = None
        self._unsubscribe = None
        self._kinds: list = []
        self._stale = False
        self._touched: set | None = None  # subjects changed since the last read; None: read everything
        self._syncing = False

        self.kind_box = QComboBox(self)
        self.kind_box.setAccessibleName("Kind of node")
        self.kind_box.setToolTip("Which kind of node the table lists")
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_box.currentIndexChanged.connect(self._kind_chosen)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter rows…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter rows")
        self.filter.setToolTip("Show only rows with a cell containing this text (not case-sensitive)")
        self.filter.textChanged.connect(self._filter_changed)
        self.count = QLabel(self)
        self.count.setAccessibleName("Rows shown")
        self.problem = QLabel(self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.problem.setAccessibleName("Table: refused value")
        self.problem.setStyleSheet("color: #B3261E;")
        self.problem.hide()

        self.model = NodeTableModel(self._execute, self)
        self.model.refused.connect(self._refused)
        self.model.applied.connect(self._applied)
        self.grid = _Grid(self)
        self.grid.setModel(self.model)
        self.grid.setItemDelegate(_CellDelegate(self))
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.grid.setSortingEnabled(True)
        self.grid.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(False)
        self.grid.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.grid.setAccessibleName("Nodes")
        self.grid.setAccessibleDescription(
            "Type in a cell to change it; Ctrl+V pastes a spreadsheet column into the selected cells; "
            "Delete clears them. Selecting rows selects their nodes on the map."
        )
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self.grid.verticalHeader().setDefaultSectionSize(self.grid.fontMetrics().height() + 10)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(6)
        show = QLabel("Show", self)
        show.setBuddy(self.kind_box)
        top.addWidget(show)
        top.addWidget(self.kind_box)
        top.addWidget(self.filter, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.grid, 1)
        self._timer = QTimer(self, singleShot=True, interval=0, timeout=self._catch_up)
        self.show_map(None)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(900, 260)

    # ------------------------------------------------------------------ the map
    def show_map(self, opened: OpenMap | None) -> None:
        """Follow the open map (``None``: empty); every change of it refreshes the table."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._document = opened.document if opened is not None else None
        if self._document is not None:
            events = self._document.events
            unsubscribers = [
                events.subscribe(GraphChanged, self._changed),
                events.subscribe(DocumentReloaded, self._changed),
            ]
            self._unsubscribe = lambda: [unsubscribe() for unsubscribe in unsubscribers]
        self.filter.setEnabled(self._document is not None)
        self.kind_box.setEnabled(self._document is not None)
        self._hide_problem()
        self._stale, self._touched = True, None
        if self._document is None or self.isVisible():
            self.reload()

    def _changed(self, event) -> None:
        if not self._stale:
            self._touched = set()
        self._stale = True
        if isinstance(event, GraphChanged) and self._touched is not None and self.isVisible():
            self._touched.update(quad[0] for quad in event.added)
            self._touched.update(quad[0] for quad in event.removed)
        else:
            self._touched = None  # a reload from disk, or edits while hidden: read everything when next shown
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self._catch_up()

    def _catch_up(self) -> None:
        """Follow the edits since the last read: only their rows when that is enough, else everything."""
        touched, self._touched = self._touched, None
        if not self._stale:
            return
        table = self._table()
        if touched is None or table is None or self.model.table is None:
            self.reload()
            return
        self._timer.stop()
        self._stale = False
        self._syncing = True
        try:
            self._fill_kinds(table, self.kind)
            with self._keeping_place():
                done = self.model.refresh(table, touched)
        finally:
            self._syncing = False
        if not done:
            self.reload()
            return
        self._update_state()

    def _table(self) -> NodeTable | None:
        host = self.host
        if self._document is None or host is None or host.document is not self._document or host.projection is None:
            return None
        # The window's projection and schema, read now: a reload from disk replaces both.
        return NodeTable(host.document, host.schema, host.projection)

    def reload(self) -> None:
        """Read the map again (keeps the kind, the filter, the sort and the selected cells)."""
        self._timer.stop()
        self._stale = False
        self._touched = None
        table = self._table()
        self._syncing = True
        try:
            kind = self._fill_kinds(table, self.kind)
            self._load(table, kind)
        finally:
            self._syncing = False

    def _fill_kinds(self, table, kind):
        """List the map's kinds with their counts, ``kind`` chosen if the map still has it; returns the chosen."""
        kinds = table.kinds() if table is not None else []
        iris = [k.iri for k, _ in kinds]
        if kind not in iris:
            kind = iris[0] if iris else None
        texts = [f"{plural(found.label)} ({count:,})" for found, count in kinds]
        if texts != [self.kind_box.itemText(i) for i in range(self.kind_box.count())]:
            self.kind_box.blockSignals(True)
            try:
                self.kind_box.clear()
                self.kind_box.addItems(texts)
            finally:
                self.kind_box.blockSignals(False)
        self._kinds = kinds
        if kind is not None and self.kind_box.currentIndex() != iris.index(kind):
            self.kind_box.blockSignals(True)
            self.kind_box.setCurrentIndex(iris.index(kind))
            self.kind_box.blockSignals(False)
        return kind

    @property
    def kind(self):
        """The IRI of the kind shown, or None."""
        return self.model.kind

    def choose_kind(self, kind) -> bool:
        """Show the nodes of ``kind`` (an IRI); False when the map has none."""
        iris = [k.iri for k, _ in self._kinds]
        if kind not in iris:
            return False
        self.kind_box.setCurrentIndex(iris.index(kind))
        return True

    def _kind_chosen(self, index: int) -> None:
        if 0 <= index < len(self._kinds):
            self._hide_problem()
            self._load(self._table(), self._kinds[index][0].iri)
            self.grid.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)

    def _load(self, table, kind) -> None:
        same = kind == self.model.kind
        syncing, self._syncing = self._syncing, True
        try:
            if same:
                with self._keeping_place():
                    self.model.load(table, kind)
            else:
                self.model.load(table, kind)
                self._fit_columns()
        finally:
            self._syncing = syncing
        self._update_state()

    @contextmanager
    def _keeping_place(self):
        """Keep the selected cells, the current cell and the scroll on their nodes while the rows are read again.

        The selection is kept as ranges (the nodes of each range's rows and its columns), so selecting a
        whole big table costs a reload a pass over its rows, not a search per cell.
        """
        model, selection_model = self.model, self.grid.selectionModel()
        ranges = [
            ([model.node_at(row) for row in range(r.top(), r.bottom() + 1)], r.left(), r.right())
            for r in selection_model.selection()
        ]
        current = self.grid.currentIndex()
        current = (model.node_at(current.row()), current.column()) if current.isValid() else None
        bars = (self.grid.horizontalScrollBar(), self.grid.verticalScrollBar())
        scrolled = [bar.value() for bar in bars]
        resets = []

        def reset() -> None:
            resets.append(True)

        model.modelReset.connect(reset)
        try:
            yield
        finally:
            model.modelReset.disconnect(reset)
        if not resets:
            return  # the rows kept their places (or moved with the selection, on a sort)
        columns = model.columnCount()
        selection = QItemSelection()
        for nodes, left, right in ranges:
            right = min(right, columns - 1)
            if left > right:
                continue
            rows = sorted(row for node in nodes if (row := model.row_of(node)) is not None)
            for top, bottom in _runs(rows):
                selection.select(model.index(top, left), model.index(bottom, right))
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if current is not None:
            row = model.row_of(current[0])
            if row is not None and current[1] < columns:
                selection_model.setCurrentIndex(
                    model.index(row, current[1]), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        for bar, value in zip(bars, scrolled):
            bar.setValue(value)  # an edit elsewhere never scrolls the table away from where the user is

    def _fit_columns(self) -> None:
        header = self.grid.horizontalHeader()
        metrics = self.grid.fontMetrics()
        for column in range(self.model.columnCount()):
            title = self.model.columns[column].title
            width = max(metrics.horizontalAdvance(title) + 28, 70)
            if column == 0:
                width = max(width, 220)
            header.resizeSection(column, min(width, 260))

    def _update_state(self) -> None:
        model = self.model
        if self._document is None:
            self.grid.placeholder = "No map open"
        elif model.kind is None:
            self.grid.placeholder = "The map has no nodes yet. Add some from the palette."
        elif model.rowCount() == 0:
            self.grid.placeholder = f"No row matches “{one_line(self.filter.text(), 40)}”."
        else:
            self.grid.placeholder = ""
        shown, total = model.rowCount(), model.total
        rows = f"{total:,} row{'s' if total != 1 else ''}"
        self.count.setText("" if model.kind is None else (rows if shown == total else f"{shown:,} of {rows}"))
        self.grid.viewport().update()

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_state()

    # ------------------------------------------------------------------ editing
    def _execute(self, command) -> bool:
        if self.host is None or self.host.busy:
            self._refused("The map is being saved or loaded; try again in a moment. Nothing was changed.")
            return False
        return self.host.execute(command)

    def _refused(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        if self.host is not None:
            self.host.show_status(text, 10_000)

    def _applied(self, label: str) -> None:
        self._hide_problem()
        if self.host is not None:
            self.host.show_status(label, 4000)

    def _hide_problem(self) -> None:
        self.problem.hide()
        self.problem.setText("")

    def _targets(self) -> list:
        cells = [(i.row(), i.column()) for i in self.grid.selectionModel().selectedIndexes()]
        current = self.grid.currentIndex()
        if not cells and current.isValid():
            cells = [(current.row(), current.column())]
        return cells

    def paste(self) -> bool:
        """Paste the clipboard's text (a spreadsheet's cells) into the selected cells, as one undoable step."""
        text = QGuiApplication.clipboard().text()
        targets = self._targets()
        if not targets:
            self._refused("Select the cells to paste into first.")
            return False
        if not text:
            self._refused("The clipboard holds no text to paste.")
            return False
        try:
            grid = paste_grid(text)
        except ExplorerError as error:
            self._refused(str(error))
            return False
        return self.model.paste(grid, targets)

    def copy(self) -> None:
        """Put the selected cells on the clipboard, as a spreadsheet pastes them."""
        cells = self._targets()
        if not cells:
            return
        rows = sorted({r for r, _ in cells})
        columns = sorted({c for _, c in cells})
        chosen = set(cells)
        QGuiApplication.clipboard().setText(
            grid_text([[self.model.full_text(r, c) if (r, c) in chosen else "" for c in columns] for r in rows])
        )

    def clear_cells(self) -> bool:
        """Empty the selected cells, as one undoable step."""
        cells = self._targets()
        if not cells:
            return False
        titles = {self.model.columns[c].title for _, c in cells}
        where = f" of {next(iter(titles))}" if len(titles) == 1 else ""
        return self.model.put(
            dict.fromkeys(cells, ""), label=f"Clear {len(cells)} cell{'s' if len(cells) > 1 else ''}{where}"
        )

    # ------------------------------------------------------------------ selection
    def _selection_changed(self, *_args) -> None:
        if self._syncing:
            return
        ranges = self.grid.selectionModel().selection()
        rows = sorted({row for r in ranges for row in range(r.top(), r.bottom() + 1)})
        nodes = [self.model.node_at(row) for row in rows]
        if nodes:
            self.nodesActivated.emit(nodes)


def _runs(rows: list[int]):
    """Consecutive runs in sorted ``rows``, as (first, last) pairs: [1, 2, 3, 7] gives (1, 3) and (7, 7)."""
    start = previous = None
    for row in rows:
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None:
            yield start, previous
        start = previous = row
    if start is not None:
        yield start, previous


__all__ = ["NodeTableView"]
