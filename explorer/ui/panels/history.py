"""The undo history: every edit of the open map as a list; click a step to go back (or forward) to it.

A thin Qt adapter over the core :class:`~explorer.core.commands.CommandStack`:
row 0 is the map as opened (nothing applied), row *i* the state after
``stack.commands[i - 1]``. The current state (row ``stack.index``) is bold and
highlighted, undone steps are greyed, and the saved state carries a small mark.
The view never changes the document itself: it emits
:attr:`HistoryView.jumpRequested` and the main window undoes or redoes.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyledItemDelegate

from explorer.core.text import one_line
from explorer.ui.common.host import OpenMap
from explorer.ui.common.text import tooltip_html
from explorer.ui.common.theme import dim_colour, paint_placeholder

_MARK = QSize(12, 12)


def clean_index(stack) -> int | None:
    """The number of applied commands of the saved state, or None when it was discarded (undone, then edited)."""
    return stack.clean_index


class HistoryModel(QAbstractListModel):
    """Rows of a :class:`~explorer.core.commands.CommandStack`: "Opened map", then each command's label."""

    #: Role holding True on the current state's row.
    CURRENT_ROLE = int(Qt.ItemDataRole.UserRole) + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.stack = None
        self._labels: tuple = ()
        self._index = 0
        self._clean: int | None = None
        self._palette = QPalette()
        self._icons: dict = {}

    def set_stack(self, stack) -> None:
        """Follow ``stack`` (None empties the list)."""
        self.beginResetModel()
        self.stack = stack
        self._snapshot()
        self.endResetModel()

    def set_palette(self, palette: QPalette) -> None:
        """Colours for greyed and current rows."""
        self._palette = QPalette(palette)
        self._icons = {}
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    def _read(self) -> tuple:
        if self.stack is None:
            return (), 0, None
        return tuple(command.label for command in self.stack.commands), self.stack.index, clean_index(self.stack)

    def _snapshot(self) -> None:
        self._labels, self._index, self._clean = self._read()

    def refresh(self) -> None:
        """Follow the stack after a change: rows added or dropped, current and saved rows moved."""
        before = self._labels
        after, index, clean = self._read()
        common = 0
        for old, new in zip(before, after):
            if old != new:
                break
            common += 1
        # Rows up to 1 + common stay; the rest is replaced (a new edit discards the redo branch,
        # merged typing relabels the last step).
        if len(before) > common:
            self.beginRemoveRows(QModelIndex(), 1 + common, len(before))
            self._labels = before[:common]
            self.endRemoveRows()
        if len(after) > common:
            self.beginInsertRows(QModelIndex(), 1 + common, len(after))
            self._labels = after
            self.endInsertRows()
        self._labels, self._index, self._clean = after, index, clean
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    # ------------------------------------------------------------------ model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        if parent.isValid() or self.stack is None:
            return 0
        return len(self._labels) + 1

    def label(self, row: int) -> str:
        """The text of ``row``."""
        if row == 0:
            return "Opened map"
        return one_line(self._labels[row - 1]) or "(edit)"

    def _mark(self, saved: bool) -> QIcon:
        icon = self._icons.get(saved)
        if icon is None:
            pixmap = QPixmap(_MARK.width() * 2, _MARK.height() * 2)
            pixmap.setDevicePixelRatio(2.0)
            pixmap.fill(Qt.GlobalColor.transparent)
            if saved:
                painter = QPainter(pixmap)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                colour = self._palette.color(QPalette.ColorRole.Highlight)
                painter.setPen(
                    QPen(colour, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
                )
                painter.setBrush(Qt.BrushStyle.NoBrush)
                # A small tick: "saved here".
                painter.drawPolyline([QPointF(2.5, 6.5), QPointF(5.0, 9.0), QPointF(9.5, 3.5)])
                painter.end()
            icon = QIcon(pixmap)
            self._icons[saved] = icon
        return icon

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.stack is None:
            return None
        row = index.row()
        current = row == self._index
        undone = row > self._index
        saved = self._clean is not None and row == self._clean
        if role == Qt.ItemDataRole.DisplayRole:
            return self.label(row)
        if role == Qt.ItemDataRole.FontRole:
            if current or row == 0:
                font = QFont()
                font.setBold(current)
                font.setItalic(row == 0)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if undone:
                return dim_colour(self._palette)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if current:
                colour = QColor(self._palette.color(QPalette.ColorRole.Highlight))
                colour.setAlphaF(0.18)
                return colour
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._mark(saved)
        if role == Qt.ItemDataRole.ToolTipRole:
            if current:
                state = "The map as it is now."
            elif undone:
                state = "Undone. Click to redo up to this step."
            else:
                state = "Click to undo back to this step."
            if saved:
                state += " This is the state last saved."
            return tooltip_html(self.label(row), state)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [self.label(row)]
            if current:
                parts.append("current")
            elif undone:
                parts.append("undone")
            if saved:
                parts.append("saved")
            return ", ".join(parts)
        if role == self.CURRENT_ROLE:
            return current
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled


class _RoomyDelegate(QStyledItemDelegate):
    """Rows with a little air above and below the text."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), hint.height() + 6)


class HistoryView(QListView):
    """The undo history of the open map; clicking a step asks to jump to it.

    Signals
    -------
    jumpRequested(int)
        The user chose a step: the number of commands that should be applied (0 = as opened).

    Examples
    --------
    >>> view = HistoryView()
    >>> view.show_map(None)
    >>> view.model().rowCount()
    0
    """

    jumpRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.document = None
        self._model = HistoryModel(self)
        self._model.set_palette(self.palette())
        self.setModel(self._model)
        self.setItemDelegate(_RoomyDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformItemSizes(True)
        self.setIconSize(_MARK)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Undo history")
        self.setAccessibleDescription("Each edit of the map; choose one to undo or redo up to it.")
        self.setToolTip("Click a step to undo or redo up to it")
        self.clicked.connect(self._chosen)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(240, 300)

    def show_map(self, opened: OpenMap | None) -> None:
        """Show the open map's history of edits, or nothing for None."""
        doc = opened.document if opened is not None else None
        self.document = doc
        self._model.set_stack(doc.stack if doc is not None else None)
        self._follow()

    def refresh(self) -> None:
        """Follow the document's stack after an edit, undo, redo or save (cheap: call it after every change)."""
        if self._model.stack is None and self.document is not None:
            self._model.set_stack(self.document.stack)
        else:
            self._model.refresh()
        self._follow()

    def current_row(self) -> int:
        """The row of the current state (``stack.index``)."""
        return self._model._index

    def _follow(self) -> None:
        if self._model.rowCount():
            index = self._model.index(self._model._index)
            self.setCurrentIndex(index)
            self.scrollTo(index)
        self.viewport().update()

    def _chosen(self, index) -> None:
        if index.isValid() and index.row() != self._model._index:
            self.jumpRequested.emit(index.row())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._chosen(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == event.Type.PaletteChange:
            self._model.set_palette(self.palette())
        super().changeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self._model.stack is None:
            paint_placeholder(self, "No map open")
        elif self._model.rowCount() == 1:
            # Leave the "Opened map" row visible and explain under it.
            painter_text = "Your edits will appear here. Click one to go back to it."
            rect = self.visualRect(self._model.index(0))
            painter = QPainter(self.viewport())
            painter.setPen(dim_colour(self.palette()))
            area = self.viewport().rect().adjusted(16, rect.bottom() + 16, -16, -8)
            painter.drawText(
                area,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                painter_text,
            )
            painter.end()
