"""The inspector: a form, generated from the ontology, for the selected node or tie.

The form is never hand-written per kind: :meth:`Schema.inspector
<explorer.core.schema.Schema.inspector>` says which properties a kind shows and
in which order, each :class:`~explorer.core.schema.PropertySpec` says which
widget shows it, and :meth:`Schema.coerce <explorer.core.schema.Schema.coerce>`
decides whether what the user typed is acceptable. Every change goes through
:meth:`MapDocument.execute <explorer.core.document.MapDocument.execute>` as a
command, so it is undoable and journalled; the inspector never writes to the
store.

The widget is Qt-thin on purpose: it reads the current item's statements with
one pattern per refresh, builds the form once per item and afterwards only
updates values in place, so that :meth:`Inspector.refresh` stays cheap enough
to run after every edit, undo and redo without moving the focus or the scroll
position.

Every text a map can hold (labels, comments, IRIs) is shown as plain text:
labels use ``Qt.PlainText``, tooltips are escaped, and long one-line texts are
elided so that a hostile label cannot widen the dock.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QAction, QColor, QCursor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from explorer.core import commands
from explorer.core.editing import delete_items
from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX
from explorer.core.schema import PropertySpec
from explorer.core.terms import DEFAULT_GRAPH

#: What the inspector says when a map is open but nothing is selected.
EMPTY_HINT = "Select a node or a tie to see and edit its details."
#: What the inspector says when no map is open.
NO_MAP_HINT = "Open or create a map to start."
#: The entry meaning "no value" in choice and link fields.
NOT_SET = "—"

_NUMERIC_TYPES = frozenset({XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short,
                            XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger})
# Statements the form never lists under "Other properties": the kind is the header, positions belong to the canvas.
_HIDDEN = frozenset({RDF.type, RX.canvasX, RX.canvasY})
_LINE_PLACEHOLDERS = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DDThh:mm"}
# Labels in combo lists are cut here: a 10,000-character label must not make a popup screen-wide.
_LIST_LABEL_LIMIT = 120


# --------------------------------------------------------------------------- helpers
def _one_line(text, limit: int | None = None) -> str:
    text = " ".join(str(text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _short(text, limit: int = 40) -> str:
    return _one_line(text, limit)


def _tip(text, limit: int = 1500) -> str:
    """A tooltip that Qt cannot mistake for markup (Qt guesses rich text from the content)."""
    text = str(text or "")
    if not text:
        return ""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def _local_name(iri) -> str:
    text = str(iri).rstrip("/#")
    for sep in ("#", "/", ":"):
        if sep in text:
            return text.rsplit(sep, 1)[1] or text
    return text


def _pick_label(values, fallback) -> str:
    """The label to show: an English or untagged literal, else any, else the IRI's last part (as the canvas does)."""
    literals = [v for v in values if isinstance(v, Literal)]
    preferred = [v for v in literals if v.language in (None, "en")] or literals
    if preferred:
        return str(min(preferred, key=lambda v: (v.language is not None, str(v))))
    return _local_name(fallback)


def _number_text(value) -> str:
    if value is None:
        return "any"
    text = str(int(value)) if float(value).is_integer() else str(value)
    return text.replace("-", "\u2212")


def _scale_text(spec) -> str:
    """``"0 – 1"`` for a scale, ``""`` when the property has none."""
    if spec.minimum is None and spec.maximum is None:
        return ""
    return f"{_number_text(spec.minimum)}\u2009\u2013\u2009{_number_text(spec.maximum)}"  # thin spaces: a narrow gutter


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _secondary_colour(widget: QWidget) -> QColor:
    palette = widget.palette()
    text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    # Three fifths of the way from background to text reads as "secondary" in light and dark themes alike.
    return QColor((text.red() * 3 + window.red() * 2) // 5, (text.green() * 3 + window.green() * 2) // 5,
                  (text.blue() * 3 + window.blue() * 2) // 5)


_PALETTES: dict = {}


def _set_colour(label: QWidget, colour: QColor | str) -> None:
    colour = QColor(colour)
    base = label.palette()
    if base.color(QPalette.ColorRole.WindowText) == colour:
        return
    # Forms hold dozens of coloured labels: one palette per colour, shared (palettes are implicitly shared in Qt).
    key = (base.cacheKey(), colour.rgba())
    palette = _PALETTES.get(key)
    if palette is None:
        palette = QPalette(base)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        palette.setColor(QPalette.ColorRole.Text, colour)
        if len(_PALETTES) > 64:
            _PALETTES.clear()
        _PALETTES[key] = palette
    label.setPalette(palette)


def _scaled_font(widget: QWidget, factor: float, *, bold: bool = False):
    font = widget.font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(max(8, round(font.pixelSize() * factor)))
    font.setBold(bold)
    return font


# --------------------------------------------------------------------------- small widgets
class _ElidedLabel(QLabel):
    """A one-line plain-text label that elides instead of growing: long labels never widen the dock."""

    def __init__(self, text: str = "", mode=Qt.TextElideMode.ElideRight, parent: QWidget | None = None, *, cap: int = 320) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._mode = mode
        self._cap = cap
        self._full = ""
        self._shown = ""
        self.setFullText(text)

    def setFullText(self, text: str) -> None:  # noqa: N802 - Qt naming
        """Show ``text`` (elided to the width available); :meth:`fullText` keeps all of it."""
        text = str(text)
        if text == self._full and self.text():
            return
        self._full = text
        # Only the first couple of thousand characters can ever be visible; measuring all of a huge label is waste.
        self._shown = _one_line(text[:2000])
        self.updateGeometry()
        self._elide()

    def fullText(self) -> str:  # noqa: N802 - Qt naming
        """The text as given, not elided."""
        return self._full

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._shown, self._mode, max(0, width)) if width > 0 else self._shown
        if shown != self.text():
            super().setText(shown)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        margins = self.contentsMargins()
        width = min(self.fontMetrics().horizontalAdvance(self._shown), self._cap) + margins.left() + margins.right()
        return QSize(width, self.fontMetrics().height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.fontMetrics().horizontalAdvance("…") * 4, self.sizeHint().height())


class _LinkLabel(_ElidedLabel):
    """A node named in the form: click it (or press Enter on it) to select that node."""

    clicked = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent=parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        _set_colour(self, self.palette().color(QPalette.ColorRole.Link))
        self._hover = False

    def _underline(self, on: bool) -> None:
        font = self.font()
        font.setUnderline(on)
        self.setFont(font)

    def enterEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._underline(True)
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._underline(self.hasFocus())
        super().leaveEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._underline(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._underline(self.underMouse())
        super().focusOutEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class _LineEdit(QLineEdit):
    """A line edit that says when it lost focus to the user (not to a popup) and lets its field handle Escape."""

    focusLost = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_escape: Callable[[], bool] | None = None

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        # The base class emits editingFinished here, so a refusal is known before focusLost restores the value.
        super().focusOutEvent(event)
        if event.reason() not in (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
            self.focusLost.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape and self.on_escape is not None and self.on_escape():
            event.accept()
            return
        super().keyPressEvent(event)


class _TextEdit(QPlainTextEdit):
    """A multi-line editor that commits on focus out or Ctrl+Enter and restores on Escape."""

    focusLost = Signal()
    submitted = Signal()
    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_escape: Callable[[], bool] | None = None
        self.setTabChangesFocus(True)  # Tab moves through the form, as everywhere else in it

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.resized.emit()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.focusLost.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submitted.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.on_escape is not None and self.on_escape():
            event.accept()
            return
        super().keyPressEvent(event)


class _Combo(QComboBox):
    """A combo box that leaves the mouse wheel to the form unless it has focus.

    Scrolling the form over a combo must scroll the form, not change the value
    under the mouse; the ignored wheel event goes on to the scroll area.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self.hasFocus():
            event.ignore()
            return
        super().wheelEvent(event)


class _LinkCombo(_Combo):
    """An editable combo box over the map's nodes; fills its list only when the user comes to it.

    A map may hold 100,000 nodes; building every link field's list on every
    refresh would make the inspector slow, so the list is built on focus, on
    first key press or when the popup opens.
    """

    def __init__(self, fill: Callable[[], tuple], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # Long labels must not make the combo (and the dock) wider.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fill = fill
        self._filled_with = None
        self.displays: list[str] = []
        self.iris: list = []
        self._model = QStringListModel(self)
        self.setModel(self._model)
        self.lineEdit().installEventFilter(self)
        self.lineEdit().textEdited.connect(lambda _text: self.ensure_filled())

    def ensure_filled(self) -> None:
        """Build the list of candidates if it is missing or stale, keeping what the user typed."""
        displays, iris, token = self._fill()
        if token is self._filled_with and self.displays is displays:
            return
        if self._filled_with is None:
            # Made on first use: most link fields of a form are never touched.
            completer = QCompleter(self._model, self)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.popup().setTextElideMode(Qt.TextElideMode.ElideMiddle)
            self.setCompleter(completer)
            self.view().setTextElideMode(Qt.TextElideMode.ElideMiddle)
        text, cursor = self.lineEdit().text(), self.lineEdit().cursorPosition()
        self.displays, self.iris, self._filled_with = displays, iris, token
        self._model.setStringList(displays)
        self.setCurrentIndex(-1)
        self.lineEdit().setText(text)
        self.lineEdit().setCursorPosition(cursor)

    def iri_at(self, index: int):
        return self.iris[index] if 0 <= index < len(self.iris) else None

    def showPopup(self) -> None:  # noqa: N802 - Qt API
        self.ensure_filled()
        super().showPopup()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.lineEdit() and event.type() == QEvent.Type.FocusIn:
            self.ensure_filled()
        return super().eventFilter(watched, event)


class _CrossDelegate(QStyledItemDelegate):
    """Paints a row as its text plus a remove cross in the right-hand gutter."""

    def __init__(self, view: _LinkList) -> None:
        super().__init__(view)
        self.view = view

    def cross_rect(self, rect: QRect) -> QRect:
        right = min(rect.right(), self.view.viewport().width() - 1)
        return QRect(right - self.view.gutter + 1, rect.top(), self.view.gutter, rect.height())

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.rect.setWidth(min(opt.rect.width(), self.view.viewport().width()))
        hovered = bool(opt.state & QStyle.StateFlag.State_MouseOver)
        focused = bool(opt.state & QStyle.StateFlag.State_HasFocus) and self.view.hasFocus()
        if index.data(_LINKED_ROLE) and (hovered or focused):
            opt.font.setUnderline(True)
        # No selection colours: the list is a set of links, not a choice; the focus shows by underline.
        opt.state &= ~(QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver)
        cross = self.cross_rect(opt.rect)
        opt.rect = opt.rect.adjusted(0, 0, -self.view.gutter - 2, 0)
        self.view.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, self.view)
        painter.save()
        over_cross = hovered and cross.contains(self.view.viewport().mapFromGlobal(QCursor.pos()))
        painter.setPen(opt.palette.color(QPalette.ColorRole.Text) if over_cross or focused else _secondary_colour(self.view))
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 1.15 if font.pointSizeF() > 0 else 10)
        painter.setFont(font)
        painter.drawText(cross, Qt.AlignmentFlag.AlignCenter, "×")
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        # No width of its own: a long label elides inside the row instead of widening the list.
        return QSize(1, self.view.row_height)


#: Item data: which value a row stands for, and whether that value is a node of the map.
_VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's index into the list's own ``values``
_LINKED_ROLE = Qt.ItemDataRole.UserRole + 2


class _LinkList(QListWidget):
    """The values of a multi-valued field: click a row to select that node, its cross to remove it.

    Keyboard: arrows move, Enter selects the node on the map, Delete removes
    the value. One list widget instead of a widget per row keeps a form with
    dozens of values quick to build.
    """

    activatedValue = Signal(object)
    removeRequested = Signal(object, bool)

    def __init__(self, parent: QWidget, *, row_height: int, gutter: int) -> None:
        super().__init__(parent)
        self.row_height, self.gutter = row_height, gutter
        self.values: list = []
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        self.setUniformItemSizes(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        _transparent(self)
        self.setItemDelegate(_CrossDelegate(self))

    def set_rows(self, rows: list) -> None:
        """``rows``: ``(text, tooltip, value, reverse, linked, colour or None)`` for each value."""
        self.clear()
        # Values stay on the Python side: Qt item data would turn an rdflib URIRef into a plain str.
        self.values = [(value, reverse) for _, _, value, reverse, _, _ in rows]
        for row, (text, tip, value, reverse, linked, colour) in enumerate(rows):
            item = QListWidgetItem(text, self)
            item.setToolTip(_tip(tip))
            item.setData(_VALUE_ROLE, row)
            item.setData(_LINKED_ROLE, linked)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole,
                         ("Enter selects it on the map; " if linked else "") + "Delete removes it")
            if colour is not None:
                item.setForeground(QColor(colour))
        self.setFixedHeight(self.row_height * len(rows))
        self.setVisible(bool(rows))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(120, self.row_height * self.count())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(60, self.row_height * self.count())

    def _item_at(self, pos):
        index = self.indexAt(pos)
        return (self.item(index.row()), self.visualRect(index)) if index.isValid() else (None, None)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().mouseMoveEvent(event)
        self.viewport().update()  # the cross under the mouse darkens

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        item, rect = self._item_at(event.position().toPoint())
        if item is not None and event.button() == Qt.MouseButton.LeftButton:
            if self.itemDelegate().cross_rect(rect).contains(event.position().toPoint()):
                self.removeRequested.emit(*self.values[item.data(_VALUE_ROLE)])
            elif item.data(_LINKED_ROLE):
                self.activatedValue.emit(self.values[item.data(_VALUE_ROLE)][0])
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.MouseMove:
            item, _ = self._item_at(event.position().toPoint())
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if item is not None else Qt.CursorShape.ArrowCursor)
        elif event.type() == QEvent.Type.Leave:
            self.viewport().update()
        return super().viewportEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        item = self.currentItem() or (self.item(0) if self.count() else None)
        if item is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.removeRequested.emit(*self.values[item.data(_VALUE_ROLE)])
            return
        if item is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if item.data(_LINKED_ROLE):
                self.activatedValue.emit(self.values[item.data(_VALUE_ROLE)][0])
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.currentRow() < 0 and self.count():
            self.setCurrentRow(0)
        super().focusInEvent(event)


def _transparent(view: QListWidget) -> None:
    # A palette, not a style sheet: a style sheet switches the whole widget to QStyleSheetStyle,
    # which draws check boxes differently from the rest of the form.
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(0, 0, 0, 0))
    view.setPalette(palette)
    view.viewport().setAutoFillBackground(False)


class _CheckList(QListWidget):
    """Concepts with check boxes; click anywhere on a row (or press Space) to toggle it."""

    toggledValue = Signal(object, bool)

    def __init__(self, parent: QWidget, *, row_height: int) -> None:
        super().__init__(parent)
        self.row_height = row_height
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setUniformItemSizes(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        _transparent(self)
        self._loading = False
        self._pressed = None
        self.values: list = []
        self.itemChanged.connect(self._changed)

    def add(self, text: str, value, definition: str = "") -> None:
        self._loading = True
        item = QListWidgetItem(text, self)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(_VALUE_ROLE, len(self.values))
        self.values.append(value)
        item.setSizeHint(QSize(0, self.row_height))
        if definition:
            item.setToolTip(_tip(definition))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, _one_line(definition, 300))
        self._loading = False
        self.setFixedHeight(self.row_height * self.count())

    def set_checked(self, values: set) -> None:
        self._loading = True
        try:
            for row in range(self.count()):
                item = self.item(row)
                state = Qt.CheckState.Checked if self.values[item.data(_VALUE_ROLE)] in values else Qt.CheckState.Unchecked
                if item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._loading = False

    def _changed(self, item) -> None:
        if not self._loading:
            self.toggledValue.emit(self.values[item.data(_VALUE_ROLE)], item.checkState() == Qt.CheckState.Checked)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(120, self.row_height * self.count())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(60, self.row_height * self.count())

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        item = self.itemAt(event.position().toPoint())
        self._pressed = (item, item.checkState()) if item is not None else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().mouseReleaseEvent(event)
        # A click on the text (not the box) toggles too, as it does on a QCheckBox's label.
        item = self.itemAt(event.position().toPoint())
        if self._pressed is not None and item is self._pressed[0] and item.checkState() == self._pressed[1]:
            item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked else Qt.CheckState.Checked)
        self._pressed = None

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.currentRow() < 0 and self.count():
            self.setCurrentRow(0)
        super().focusInEvent(event)


def _escape_sets(edit: QLineEdit, text: str) -> Callable[[], bool]:
    """An Escape handler that puts ``text`` back; it declines (so Escape goes on) when there is nothing to undo."""

    def handler() -> bool:
        if edit.text() == text:
            return False
        edit.setText(text)
        return True

    return handler


def _message_label(parent: QWidget, colour_light: str, colour_dark: str, role: str) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setFont(_scaled_font(parent, 0.9))
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setAccessibleName(role)
    _set_colour(label, colour_dark if _is_dark(parent) else colour_light)
    label.hide()
    return label


def _tool_button(text: str, tip: str, parent: QWidget, width: int = 0) -> QToolButton:
    button = QToolButton(parent)
    if width:
        button.setFixedWidth(width)
    button.setText(text)
    button.setToolTip(_tip(tip))
    button.setAccessibleName(_one_line(tip, 200))
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


# --------------------------------------------------------------------------- the item shown
@dataclass
class _Item:
    """What the inspector shows, read from the store in one pass."""

    key: object
    subject: URIRef | BNode | None  # the node or qualified tie whose statements the form edits
    kind: object = None  # Kind or None
    values: dict = field(default_factory=dict)  # predicate -> [objects]
    incoming: dict = field(default_factory=dict)  # symmetric predicate -> [subjects pointing here]
    triple: tuple | None = None  # (s, p, o) for a plain tie
    ends: tuple = (None, None)  # (from, to) of a tie

    @property
    def is_tie(self) -> bool:
        return self.triple is not None or (self.kind is not None and self.kind.is_tie)

    @property
    def signature(self) -> tuple:
        # The form is rebuilt only when this changes; otherwise values are updated in place.
        return (self.key, self.kind.iri if self.kind is not None else None)


# --------------------------------------------------------------------------- fields
class _Field:
    """One row of the form: an editor, a note for stored values it cannot show as they are, an inline error."""

    def __init__(self, inspector: Inspector, spec, subject) -> None:
        self.inspector = inspector
        self.spec = spec
        self.subject = subject
        self.dead = False
        self.widget = QWidget()
        self.layout = QVBoxLayout(self.widget)
        self.layout.setContentsMargins(0, 0, 0, 0)
        self.layout.setSpacing(3)
        # Most fields never need a note or an error: the labels are made on first use (builds stay fast).
        self._note: QLabel | None = None
        self._error: QLabel | None = None
        self.main: QWidget | None = None
        self.values: list = []

    #: Which metric the first line of this field has ("line", "combo" or "check"): its form label matches it.
    first_line = "line"

    # -- to be provided by each kind of field
    def load(self, values: list) -> None:
        """Show ``values`` (the stored objects of the property)."""
        self.values = list(values)

    def focus_widgets(self) -> list:
        """The widgets Tab visits, in order."""
        return [self.main] if self.main is not None else []

    def commit_pending(self) -> None:
        """Commit what the user typed but has not committed yet (called before the form goes away)."""

    # -- shared
    def finish(self) -> None:
        """Name the editor for assistive technology and give it the property's comment as tooltip."""
        if self.main is not None:
            self.main.setObjectName(str(self.spec.iri))
            self.main.setAccessibleName(self.spec.label)
            if self.spec.comment:
                self.main.setToolTip(_tip(self.spec.comment))
                self.main.setAccessibleDescription(_one_line(self.spec.comment, 300))

    def _message(self, error: bool) -> QLabel:
        label = self._error if error else self._note
        if label is None:
            if error:
                label = self._error = _message_label(self.widget, "#B3261E", "#F2B8B5", f"{self.spec.label}: error")
                label.setObjectName(f"error:{self.spec.iri}")
                self.layout.addWidget(label)  # errors go last, under any note
            else:
                label = self._note = _message_label(self.widget, "#8A5300", "#F3C26B", f"{self.spec.label}: note")
                label.setObjectName(f"note:{self.spec.iri}")
                at = self.layout.indexOf(self._error) if self._error is not None else -1
                self.layout.insertWidget(at if at >= 0 else self.layout.count(), label)
        return label

    def set_note(self, text: str) -> None:
        if not text:
            if self._note is not None:
                self._note.hide()
            return
        note = self._message(False)
        note.setText("⚠ " + text)
        note.setToolTip(_tip(text))
        note.show()

    def show_error(self, text: str) -> None:
        error = self._message(True)
        error.setText(text)
        error.show()
        if self.main is not None:
            self.main.setAccessibleDescription(text)

    def clear_error(self) -> None:
        if self.has_error:
            self._error.hide()
            self._error.setText("")
            if self.main is not None:
                self.main.setAccessibleDescription(_one_line(self.spec.comment, 300))

    @property
    def has_error(self) -> bool:
        return self._error is not None and not self._error.isHidden()

    def refuse(self, reason: str) -> None:
        """Say why a value was not written: under the field and in the status bar."""
        reason = _capitalised(reason)
        self.show_error(reason)
        self.inspector.message.emit(reason)

    def execute(self, command) -> bool:
        if self.dead:
            return False
        self.clear_error()
        return self.inspector._execute(command)

    def store(self):
        return self.inspector._doc.store

    def coerce(self, value):
        return self.inspector._schema.coerce(self.spec.iri, value)

    def set_value(self, value, label: str | None = None) -> bool:
        return self.execute(commands.set_property(self.store(), self.subject, self.spec.iri, value,
                                                  label=label or f"Set {self.spec.label}"))

    def add_typed(self, edit) -> None:
        """Add the value typed in ``edit`` (refused with a message when it is not valid), then clear it."""
        text = edit.text()
        if not text.strip() or self.dead:
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            return
        if self.execute(commands.add_tie(self.store(), self.subject, self.spec.iri, value, label=f"Add {self.spec.label}")):
            edit.clear()

    def unset(self) -> bool:
        if not self.values:
            return True
        return self.execute(commands.unset_property(self.store(), self.subject, self.spec.iri,
                                                    label=f"Clear {self.spec.label}"))


class _LineField(_Field):
    """text, decimal, integer, date and datetime: one line, committed on Enter or when focus leaves."""

    def __init__(self, inspector, spec, subject, *, display_label: str = "") -> None:
        super().__init__(inspector, spec, subject)
        self.edit = _LineEdit(self.widget)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.main = self.edit
        self.shown_text = ""
        self.shown_value = None
        self.display_label = display_label
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.edit, 1)
        scale = _scale_text(spec)
        if spec.widget in ("decimal", "integer"):
            self.edit.setPlaceholderText(scale or ("a whole number" if spec.widget == "integer" else "a number"))
            if scale:
                hint = QLabel(scale, self.widget)
                hint.setTextFormat(Qt.TextFormat.PlainText)
                hint.setFont(_scaled_font(self.widget, 0.9))
                _set_colour(hint, _secondary_colour(self.widget))
                hint.setToolTip(_tip(f"Scale from {_number_text(spec.minimum)} to {_number_text(spec.maximum)}"))
                hint.setAccessibleName(f"{spec.label} scale")
                hint.setFixedWidth(inspector._metric("gutter"))
                row.addWidget(hint)
        elif spec.widget in _LINE_PLACEHOLDERS:
            self.edit.setPlaceholderText(_LINE_PLACEHOLDERS[spec.widget])
        self.layout.addLayout(row)
        self.edit.editingFinished.connect(self.commit)
        self.edit.focusLost.connect(self._focus_lost)
        self.edit.textEdited.connect(lambda _t: self.clear_error())
        self.edit.on_escape = self.restore
        self.finish()

    def load(self, values: list) -> None:
        super().load(values)
        literals = [v for v in values if isinstance(v, Literal)]
        preferred = [v for v in literals if v.language in (None, "en")] or literals or values
        shown = min(preferred, key=lambda v: (getattr(v, "language", None) is not None, str(v))) if preferred else None
        self.shown_value = shown
        text = "" if shown is None else str(shown)
        notes = []
        if shown is not None and not isinstance(shown, Literal):
            notes.append(f"Stored as a link ({_one_line(shown, 80)}), not as a value.")
        elif shown is not None:
            notes.extend(self._odd(shown))
        if len(values) > 1:
            others = ", ".join(f"“{_one_line(v, 30)}”" for v in values if v != shown)
            notes.append(f"Also holds {others}; one value is expected, and editing replaces them all.")
        self.set_note(" ".join(notes))
        if self.spec.iri == RDFS.label and not values and self.display_label:
            self.edit.setPlaceholderText(f"(no label; shown as “{_one_line(self.display_label, 40)}”)")
        # Never overwrite what the user is typing in this very field (an unrelated edit may refresh the form).
        if self.edit.hasFocus() and self.edit.text() != self.shown_text:
            self.shown_text = text
            return
        self.shown_text = text
        if self.edit.text() != text:
            self.edit.setText(text)
            self.edit.setCursorPosition(0)
            self.clear_error()

    def _odd(self, value: Literal) -> list:
        """Why a stored value does not fit this field (read from a file, say), if it does not."""
        if self.spec.widget not in ("decimal", "integer", "date", "datetime"):
            return []
        try:
            self.coerce(str(value))
        except ValueError as err:
            return [f"The stored value does not fit: {err}"]
        if self.spec.widget in ("decimal", "integer") and value.datatype not in _NUMERIC_TYPES:
            kind = _local_name(value.datatype) if value.datatype is not None else "text"
            return [f"Stored as {kind}, not as a number; entering the value again fixes that."]
        return []

    def commit(self) -> None:
        if self.dead:
            return
        text = self.edit.text()
        if text == self.shown_text:
            self.clear_error()
            return
        if not text.strip() and self.spec.iri != RDFS.label:
            self.unset()
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            return
        if self.spec.widget in ("text", "multiline") and isinstance(self.shown_value, Literal) and self.shown_value.language:
            value = Literal(str(value), lang=self.shown_value.language)  # a French label stays French
        label = None
        if self.spec.iri == RDFS.label:
            label = f"Rename “{_short(self.shown_text or self.display_label, 40)}”"
        if self.set_value(value, label) and self.edit.text() != self.shown_text:
            self.edit.setText(self.shown_text)  # show the stored form ("0.40" is stored as 0.4)
            self.edit.setCursorPosition(0)

    def commit_pending(self) -> None:
        if self.edit.text() != self.shown_text and not self.has_error:
            self.commit()

    def restore(self) -> bool:
        """Put the stored value back; True if there was anything to undo."""
        changed = self.edit.text() != self.shown_text or self.has_error
        self.edit.setText(self.shown_text)
        self.edit.setCursorPosition(0)
        self.clear_error()
        return changed

    def _focus_lost(self) -> None:
        if self.has_error and not self.dead:
            self.edit.setText(self.shown_text)  # the refusal stays visible, so the user knows why it reverted
            self.edit.setCursorPosition(0)


class _MultilineField(_Field):
    """A comment: several lines, committed when focus leaves or on Ctrl+Enter."""

    def __init__(self, inspector, spec, subject) -> None:
        super().__init__(inspector, spec, subject)
        self.edit = _TextEdit(self.widget)
        self.main = self.edit
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._lines = 0
        self._fit()
        self.edit.resized.connect(self._fit)
        self.edit.textChanged.connect(self._fit)
        self.edit.setPlaceholderText("Notes (Ctrl+Enter to save)")
        self.shown_text = ""
        self.shown_value = None
        self.layout.addWidget(self.edit)
        self.edit.focusLost.connect(self.commit)
        self.edit.submitted.connect(self.commit)
        self.edit.textChanged.connect(self._edited)
        self.edit.on_escape = self.restore
        self.finish()

    def _fit(self) -> None:
        # Grows with its text from 3 to 8 lines, then scrolls: short notes stay compact, long ones readable.
        width = self.edit.viewport().width() - 2 * int(self.edit.document().documentMargin())
        text = self.edit.toPlainText()[:2000]  # more than 8 lines anyway; measuring all of a huge text is waste
        lines = 3
        if text and width > 20:
            metrics = self.edit.fontMetrics()
            flags = int(Qt.TextFlag.TextWordWrap.value)
            height = metrics.boundingRect(QRect(0, 0, width, 100_000), flags, text).height()
            lines = min(max(round(height / metrics.lineSpacing()) + (1 if text.endswith("\n") else 0), 3), 8)
        if lines != self._lines:
            self._lines = lines
            margins = self.edit.contentsMargins()
            frame = margins.top() + margins.bottom() + 2 * int(self.edit.document().documentMargin())
            self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * lines + frame + 2)

    def _edited(self) -> None:
        if self.edit.toPlainText() != self.shown_text:
            self.clear_error()

    def load(self, values: list) -> None:
        super().load(values)
        literals = [v for v in values if isinstance(v, Literal)]
        preferred = [v for v in literals if v.language in (None, "en")] or literals or values
        shown = preferred[0] if preferred else None
        self.shown_value = shown
        text = "" if shown is None else str(shown)
        notes = []
        if len(values) > 1:
            notes.append(f"{len(values) - 1} more value(s) stored; editing replaces them all.")
        if shown is not None and not isinstance(shown, Literal):
            notes.append("Stored as a link, not as text.")
        self.set_note(" ".join(notes))
        if self.edit.hasFocus() and self.edit.toPlainText() != self.shown_text:
            self.shown_text = text
            return
        self.shown_text = text
        if self.edit.toPlainText() != text:
            self.edit.setPlainText(text)

    def commit(self) -> None:
        if self.dead:
            return
        text = self.edit.toPlainText()
        if text == self.shown_text:
            return
        if not text.strip():
            self.unset()
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            return
        if isinstance(self.shown_value, Literal) and self.shown_value.language:
            value = Literal(str(value), lang=self.shown_value.language)
        if self.set_value(value) and self.edit.toPlainText() != self.shown_text:
            self.edit.setPlainText(self.shown_text)  # surrounding blanks are not stored

    def commit_pending(self) -> None:
        self.commit()

    def restore(self) -> bool:
        changed = self.edit.toPlainText() != self.shown_text
        self.edit.setPlainText(self.shown_text)
        self.clear_error()
        return changed


class _ChoiceField(_Field):
    """One concept of a SKOS scheme, or none."""

    first_line = "combo"

    def __init__(self, inspector, spec, subject, *, default_label: str = "") -> None:
        super().__init__(inspector, spec, subject)
        self.combo = _Combo(self.widget)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(6)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.main = self.combo
        # Entries are indexes into ``options``: Qt item data would turn an rdflib URIRef into a plain str.
        self.options: list = [None]
        self.combo.addItem(f"{NOT_SET} (default: {default_label})" if default_label else NOT_SET)
        for concept in spec.choices:
            self.combo.addItem(concept.label)
            self.options.append(concept.iri)
            if concept.definition:
                self.combo.setItemData(self.combo.count() - 1, _tip(concept.definition), Qt.ItemDataRole.ToolTipRole)
        self._fixed = self.combo.count()
        self.layout.addWidget(self.combo)
        self.combo.activated.connect(self._chosen)
        self.finish()

    def load(self, values: list) -> None:
        super().load(values)
        # Values the scheme does not offer (an odd IRI or a literal from a file) get an entry of their own.
        while self.combo.count() > self._fixed:
            self.combo.removeItem(self.combo.count() - 1)
        del self.options[self._fixed:]
        known = {c.iri for c in self.spec.choices}
        current = values[0] if values else None
        notes = []
        if current is not None and current not in known:
            self.combo.addItem(f"⚠ {_one_line(current if isinstance(current, Literal) else _local_name(current), 60)}")
            self.options.append(current)
            notes.append(f"The stored value “{_one_line(current, 60)}” is not one of the choices.")
        if len(values) > 1:
            notes.append(f"{len(values)} values stored where one is expected; choosing one replaces them all.")
        self.set_note(" ".join(notes))
        index = self.options.index(current) if current in self.options else 0
        if self.combo.currentIndex() != index:
            self.combo.setCurrentIndex(index)

    def _chosen(self, index: int) -> None:
        value = self.options[index] if 0 <= index < len(self.options) else None
        if index == 0:
            self.unset()
            return
        if index >= self._fixed:
            return  # the odd stored value chosen again: nothing to change
        try:
            value = self.coerce(value)
        except ValueError as err:
            self.refuse(str(err))
            return
        self.set_value(value)


class _MultiChoiceField(_Field):
    """Several concepts of a scheme, as a list of checkable items (long concept names elide rather than widen)."""

    first_line = "check"

    def __init__(self, inspector, spec, subject) -> None:
        super().__init__(inspector, spec, subject)
        self.checks = _CheckList(self.widget, row_height=inspector._metric("check"))
        for concept in spec.choices:
            self.checks.add(concept.label, concept.iri, concept.definition)
        self.checks.toggledValue.connect(self._toggled)
        self.odd: _LinkList | None = None  # made only when a stored value is not among the choices
        self.layout.addWidget(self.checks)
        self.main = self.checks
        self.finish()

    def focus_widgets(self) -> list:
        return [self.checks] + ([self.odd] if self.odd is not None and self.odd.count() else [])

    def load(self, values: list) -> None:
        super().load(values)
        self.checks.set_checked(set(values))
        known = {c.iri for c in self.spec.choices}
        odd = [v for v in values if v not in known]
        if odd and self.odd is None:
            self.odd = _LinkList(self.widget, row_height=self.inspector._metric("combo"), gutter=self.inspector._metric("gutter"))
            self.odd.setAccessibleName(f"{self.spec.label}: values that are not among the choices")
            self.odd.removeRequested.connect(lambda value, _reverse: self._toggled(value, False))
            self.layout.insertWidget(self.layout.indexOf(self.checks) + 1, self.odd)
        if self.odd is not None:
            warn = "#F3C26B" if _is_dark(self.widget) else "#8A5300"
            self.odd.set_rows([("⚠ " + (_one_line(v, 60) if isinstance(v, Literal) else _local_name(v)),
                                f"{v}\nnot one of the choices", v, False, False, warn) for v in odd])
        self.set_note("Some stored values are not among the choices." if odd else "")

    def _toggled(self, iri, checked: bool) -> None:
        label = self.spec.label
        if checked:
            try:
                value = self.coerce(iri)
            except ValueError as err:
                self.refuse(str(err))
                self.load(self.values)
                return
            self.execute(commands.add_tie(self.store(), self.subject, self.spec.iri, value, label=f"Add {label}"))
        else:
            self.execute(commands.remove_tie(self.store(), self.subject, self.spec.iri, iri, label=f"Remove {label}"))


class _LinkField(_Field):
    """One other node (``owned by``, a tie's ``from`` and ``to``): type to find it, or pick from the list."""

    first_line = "combo"

    def __init__(self, inspector, spec, subject, range_, *, required: bool = False) -> None:
        super().__init__(inspector, spec, subject)
        self.range = range_
        self.required = required
        self.combo = _LinkCombo(lambda: inspector._candidates(self.range, subject, with_none=not required), self.widget)
        self.combo.lineEdit().setPlaceholderText("Type to find a node…")
        self.main = self.combo
        self.go = _tool_button("→", f"Select this {spec.label} on the map", self.widget, inspector._metric("gutter"))
        self.go.clicked.connect(self._go)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.combo, 1)
        row.addWidget(self.go)
        self.layout.addLayout(row)
        self.shown_text = ""
        self.target = None
        self.combo.activated.connect(self._chosen)
        self.combo.lineEdit().editingFinished.connect(self._typed)
        self.combo.lineEdit().textEdited.connect(lambda _t: self.clear_error())
        inspector._focus_watch.watch(self.combo.lineEdit(), self._focus_lost, self.restore)
        self.finish()

    def focus_widgets(self) -> list:
        return [self.combo, self.go]

    def load(self, values: list) -> None:
        super().load(values)
        target = values[0] if values else None
        notes = []
        if target is None:
            text = ""
        elif isinstance(target, Literal):
            text = str(target)
            notes.append(f"“{_one_line(target, 60)}” is text, not a link to a node.")
        else:
            text = _one_line(self.inspector._label_of(target), _LIST_LABEL_LIMIT)
            if not self.inspector._is_node(target):
                notes.append(f"{_one_line(target, 80)} is not a node of this map.")
        if len(values) > 1:
            notes.append(f"{len(values)} values stored where one is expected; choosing one replaces them all.")
        self.set_note(" ".join(notes))
        self.target = target if isinstance(target, (URIRef, BNode)) else None
        self.go.setEnabled(self.target is not None and self.inspector._is_node(self.target))
        self.go.setToolTip(_tip(f"Select “{text}” on the map") if self.target is not None else "")
        line = self.combo.lineEdit()
        if line.hasFocus() and line.text() != self.shown_text:
            self.shown_text = text
            return
        self.shown_text = text
        if line.text() != text:
            self.combo.setCurrentIndex(-1)
            line.setText(text)
            line.setCursorPosition(0)

    def _go(self) -> None:
        if self.target is not None:
            self.inspector.selectRequested.emit(self.target)

    def _chosen(self, index: int) -> None:
        self._commit(self.combo.iri_at(index))

    def _typed(self) -> None:
        if self.dead:
            return
        text = self.combo.lineEdit().text()
        if text == self.shown_text:
            return
        if not text.strip():
            self._commit(None)
            return
        self.combo.ensure_filled()
        iri = self.inspector._resolve(self.combo, text)
        if iri is None:
            self.refuse(f"No node called “{_one_line(text, 40)}” can be the {self.spec.label} here; pick one from the list.")
            return
        self._commit(iri)

    def _commit(self, iri) -> None:
        if self.dead:
            return
        if iri is None and self.required:
            self.refuse(f"A tie needs its “{self.spec.label}” end; delete the tie instead.")
            return
        if iri is None:
            done = self.unset()
        elif self.values == [iri]:
            self.clear_error()
            done = True
        else:
            try:
                value = self.coerce(iri)
            except ValueError as err:
                self.refuse(str(err))
                return
            done = self.set_value(value)
        if done:
            self.restore()  # the stored target's name, not the part of it that was typed

    def commit_pending(self) -> None:
        if self.combo.lineEdit().text() != self.shown_text and not self.has_error:
            self._typed()

    def restore(self) -> bool:
        changed = self.combo.lineEdit().text() != self.shown_text or self.has_error
        self.combo.setCurrentIndex(-1)
        self.combo.lineEdit().setText(self.shown_text)
        self.combo.lineEdit().setCursorPosition(0)
        self.clear_error()
        return changed

    def _focus_lost(self) -> None:
        if self.has_error and not self.dead:
            self.combo.lineEdit().setText(self.shown_text)


class _MultiLinkField(_Field):
    """Several nodes (and, for sources, free-text citations): a row per value and a way to add one."""

    first_line = "combo"

    def __init__(self, inspector, spec, subject, range_, *, citations: bool = False) -> None:
        super().__init__(inspector, spec, subject)
        self.range = range_
        self.citations = citations
        self.list: _LinkList | None = None  # made when the first value shows up: most fields are empty
        self.shown: list = []
        self.combo = _LinkCombo(lambda: inspector._candidates(self.range, subject, with_none=False), self.widget)
        self.combo.lineEdit().setPlaceholderText("Add a source record…" if citations else "Add…")
        self.combo.activated.connect(lambda index: self._add(self.combo.iri_at(index)))
        self.combo.lineEdit().returnPressed.connect(self._typed)
        self.combo.lineEdit().textEdited.connect(lambda _t: self.clear_error())
        inspector._focus_watch.watch(self.combo.lineEdit(), self._focus_lost, self._clear_typed)
        self.main = self.combo
        self.layout.addWidget(self.combo)
        self.citation = None
        if citations:
            self.citation = _LineEdit(self.widget)
            self.citation.setPlaceholderText("Or type a citation…")
            self.citation.setToolTip(_tip("A free-text reference (author, year, title); press Enter to add it."))
            self.citation.setAccessibleName(f"{spec.label}: add a citation")
            self.citation.returnPressed.connect(self._add_citation)
            self.citation.on_escape = _escape_sets(self.citation, "")
            self.layout.addWidget(self.citation)
        self.finish()
        self.combo.setAccessibleDescription(f"Add a {spec.label}")

    def focus_widgets(self) -> list:
        return ([self.list] if self.shown and self.list is not None else []) + [self.combo] + ([self.citation] if self.citation is not None else [])

    def load(self, values: list, incoming: list = ()) -> None:
        super().load(values)
        shown = [(v, False) for v in values] + [(v, True) for v in incoming if v not in values]
        labels = [self.inspector._label_of(v) if isinstance(v, (URIRef, BNode)) else str(v) for v, _ in shown]
        state = list(zip(shown, labels))
        if state == self.shown:
            return
        self.shown = state
        rows, notes = [], []
        warn = "#F3C26B" if _is_dark(self.widget) else "#8A5300"
        for (value, reverse), label in state:
            one = _one_line(label, _LIST_LABEL_LIMIT)
            where = f"\n(stored on {one}; {self.spec.label} works both ways)" if reverse else ""
            if isinstance(value, (URIRef, BNode)) and self.inspector._is_node(value):
                rows.append((one + (" ↔" if reverse else ""), f"{label}\n{value}{where}\nClick to select it on the map.",
                             value, reverse, True, self.widget.palette().color(QPalette.ColorRole.Link)))
            elif isinstance(value, Literal):
                rows.append(((f"“{one}”" if self.citations else one), label, value, reverse, False, None))
                if not self.citations:
                    notes.append(f"“{_one_line(label, 40)}” is text, not a link to a node.")
            else:
                rows.append(("⚠ " + _local_name(value), f"{value}\nnot a node of this map", value, reverse, False, warn))
                notes.append(f"{_one_line(value, 60)} is not a node of this map.")
        if self.list is None and rows:
            self.list = _LinkList(self.widget, row_height=self.inspector._metric("combo"), gutter=self.inspector._metric("gutter"))
            self.list.setAccessibleName(f"{self.spec.label}: current values")
            self.list.activatedValue.connect(self.inspector.selectRequested.emit)
            self.list.removeRequested.connect(self._remove)
            self.layout.insertWidget(0, self.list)
        if self.list is not None:
            self.list.set_rows(rows)
        self.set_note(" ".join(notes))
        self.inspector._fix_tab_order()

    def _typed(self) -> None:
        text = self.combo.lineEdit().text()
        if not text.strip():
            return
        self.combo.ensure_filled()
        iri = self.inspector._resolve(self.combo, text)
        if iri is None:
            self.refuse(f"No node called “{_one_line(text, 40)}” can be added to {self.spec.label}; pick one from the list.")
            return
        self._add(iri)

    def _add(self, iri) -> None:
        if iri is None or self.dead:
            return
        try:
            value = self.coerce(iri)
        except ValueError as err:
            self.refuse(str(err))
            return
        label = _short(self.inspector._label_of(iri), 30)
        self.execute(commands.add_tie(self.store(), self.subject, self.spec.iri, value, label=f"Add {self.spec.label} “{label}”"))
        self._clear_typed()

    def _clear_typed(self) -> bool:
        had = bool(self.combo.lineEdit().text()) or self.has_error
        self.combo.setCurrentIndex(-1)
        self.combo.lineEdit().clear()
        self.clear_error()
        return had

    def _focus_lost(self) -> None:
        if self.has_error and not self.dead:
            self.combo.lineEdit().clear()

    def _add_citation(self) -> None:
        self.add_typed(self.citation)

    def _remove(self, value, reverse: bool) -> None:
        store, p = self.store(), self.spec.iri
        label = f"Remove {self.spec.label} “{_short(self.inspector._label_of(value) if not isinstance(value, Literal) else value, 30)}”"
        if self.spec.symmetric and isinstance(value, (URIRef, BNode)):
            # Either direction may be stored; remove whichever is there.
            quads = [(self.subject, p, value, DEFAULT_GRAPH), (value, p, self.subject, DEFAULT_GRAPH)]
            self.execute(commands.diff(store, label, removed=quads))
        elif reverse:
            self.execute(commands.remove_tie(store, value, p, self.subject, label=label))
        else:
            self.execute(commands.remove_tie(store, self.subject, p, value, label=label))


class _MultiTextField(_Field):
    """Several text values (a citation, a property the ontology does not describe): one line each."""

    def __init__(self, inspector, spec, subject) -> None:
        super().__init__(inspector, spec, subject)
        self.rows_widget = QWidget(self.widget)
        self.rows = QVBoxLayout(self.rows_widget)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(3)
        self.row_widgets: list = []
        self.edits: list = []
        self.edits_values: list = []
        self.add = _LineEdit(self.widget)
        self.add.setPlaceholderText("Add…")
        self.add.returnPressed.connect(self._add)
        self.add.on_escape = _escape_sets(self.add, "")
        self.main = self.add
        self.layout.addWidget(self.rows_widget)
        self.layout.addWidget(self.add)
        self.finish()
        self.rows_widget.hide()

    def focus_widgets(self) -> list:
        return self.edits + [self.add]

    def load(self, values: list) -> None:
        if values == self.values and (self.row_widgets or not values):
            return
        super().load(values)
        focused = next((i for i, (edit, _) in enumerate(self.edits_values) if edit.hasFocus()), None) if self.row_widgets else None
        for widget in self.row_widgets:
            widget.hide()
            widget.deleteLater()
        self.row_widgets, self.edits, self.edits_values = [], [], []
        for value in sorted(values, key=str):
            row = QWidget(self.rows_widget)
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(4)
            edit = _LineEdit(row)
            edit.setText(str(value))
            edit.setCursorPosition(0)
            edit.setAccessibleName(f"{self.spec.label}: {_one_line(value, 100)}")
            edit.editingFinished.connect(lambda e=edit, v=value: self._replace(e, v))
            edit.on_escape = _escape_sets(edit, str(value))
            if not isinstance(value, Literal):
                edit.setReadOnly(True)
                edit.setToolTip(_tip(f"{value} is a link, not text"))
            remove = _tool_button("×", f"Remove “{_one_line(value, 60)}” from {self.spec.label}", row, self.inspector._metric("gutter"))
            remove.clicked.connect(lambda _=False, v=value: self.execute(
                commands.remove_tie(self.store(), self.subject, self.spec.iri, v, label=f"Remove {self.spec.label}")))
            layout.addWidget(edit, 1)
            layout.addWidget(remove)
            self.rows.addWidget(row)
            self.row_widgets.append(row)
            self.edits += [edit, remove]
            self.edits_values.append((edit, value))
        self.rows_widget.setVisible(bool(values))
        if focused is not None and focused < len(self.edits_values):
            self.edits_values[focused][0].setFocus()
        self.inspector._fix_tab_order()

    def _replace(self, edit, old) -> None:
        text = edit.text()
        if self.dead or text == str(old) or not isinstance(old, Literal):
            return
        store = self.store()
        label = f"Set {self.spec.label}"
        if not text.strip():
            self.execute(commands.remove_tie(store, self.subject, self.spec.iri, old, label=f"Remove {self.spec.label}"))
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            edit.setText(str(old))
            return
        quads_old = [(self.subject, self.spec.iri, old, DEFAULT_GRAPH)]
        quads_new = [(self.subject, self.spec.iri, value, DEFAULT_GRAPH)]
        self.execute(commands.diff(store, label, added=quads_new, removed=quads_old))

    def _add(self) -> None:
        self.add_typed(self.add)


class _ReadOnlyField(_Field):
    """A value shown but not edited here: a plain tie's relation and ends, statements the form does not cover."""

    def __init__(self, inspector, spec, subject=None) -> None:
        super().__init__(inspector, spec, subject)
        self.box = QVBoxLayout()
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(2)
        self.layout.addLayout(self.box)
        self.items: list = []
        self.focusables: list = []
        self.shown = None
        self.finish()

    def focus_widgets(self) -> list:
        return list(self.focusables)

    def load(self, values: list) -> None:
        labels = [self.inspector._label_of(v) if isinstance(v, (URIRef, BNode)) else str(v) for v in values]
        state = list(zip(values, labels))
        if state == self.shown:
            return
        self.shown = state
        super().load(values)
        for widget in self.items:
            widget.hide()
            widget.deleteLater()
        self.items, self.focusables = [], []
        for value, label in state:
            if isinstance(value, (URIRef, BNode)) and self.inspector._is_node(value):
                item = _LinkLabel(label, self.widget)
                item.setToolTip(_tip(f"{label}\n{value}\nClick to select it on the map."))
                item.clicked.connect(lambda v=value: self.inspector.selectRequested.emit(v))
                self.focusables.append(item)
            else:
                item = _ElidedLabel(label, parent=self.widget)
                item.setToolTip(_tip(str(value)))
                item.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            item.setAccessibleName(f"{self.spec.label}: {_one_line(label, 100)}")
            item.setFixedHeight(self.inspector._metric("line"))
            self.box.addWidget(item)
            self.items.append(item)
        self.main = self.focusables[0] if self.focusables else None
        self.inspector._fix_tab_order()


class _FocusWatch(QObject):
    """Focus-out and Escape handling for the line edits inside combo boxes (which cannot be subclassed)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._handlers: dict = {}

    def watch(self, widget: QWidget, on_focus_lost: Callable[[], None], on_escape: Callable[[], bool]) -> None:
        self._handlers[widget] = (on_focus_lost, on_escape)
        widget.installEventFilter(self)
        widget.destroyed.connect(lambda *_: self._handlers.pop(widget, None))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        handlers = self._handlers.get(watched)
        if handlers is None:
            return False
        if event.type() == QEvent.Type.FocusOut and event.reason() not in (
                Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
            handlers[0]()
        elif event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            popup = watched.parentWidget().completer().popup() if isinstance(watched.parentWidget(), QComboBox) else None
            if popup is not None and popup.isVisible():
                return False
            if handlers[1]():
                event.accept()
                return True
        return False


# --------------------------------------------------------------------------- the inspector
class Inspector(QWidget):
    """The details of the selected node or tie, as a form generated from the ontology.

    Put it in a dock. Give it the open map with :meth:`set_context`, the item
    to show with :meth:`show_item`, and call :meth:`refresh` after every change
    of the map (edit, undo, redo). Edits made in the form go through
    ``doc.execute`` as commands, so they are undoable; what the schema refuses
    is not written, and the reason is shown under the field and sent through
    :attr:`message`.

    Signals
    -------
    message(str)
        A sentence for the status bar (why a value was refused, say).
    selectRequested(object)
        The user clicked a node named in the form; carries its IRI.
    """

    message = Signal(str)
    selectRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.setAccessibleName("Inspector")
        self._doc = None
        self._schema = None
        self._projection = None
        self._current = None
        self._item: _Item | None = None
        self._built = None  # signature of the item the form was built for
        self._fields: list = []
        self._by_property: dict = {}
        self._candidate_cache: dict = {}
        self._generation = object()
        self._focus_watch = _FocusWatch(self)
        self._building = False
        self._metrics: dict = {}
        self._delete_button: QPushButton | None = None

        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        # Empty state: one calm sentence in the middle.
        empty = QWidget(self._stack)
        empty_layout = QVBoxLayout(empty)
        empty_layout.setContentsMargins(24, 24, 24, 24)
        self._hint = QLabel(NO_MAP_HINT, empty)
        self._hint.setTextFormat(Qt.TextFormat.PlainText)
        self._hint.setWordWrap(True)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setAccessibleName("Inspector hint")
        _set_colour(self._hint, _secondary_colour(self))
        empty_layout.addStretch(1)
        empty_layout.addWidget(self._hint)
        empty_layout.addStretch(2)
        self._stack.addWidget(empty)

        # Item page: header, a hairline, then the form in a scroll area.
        page = QWidget(self._stack)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self._make_header(page))
        line = QFrame(page)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        _set_colour(line, self.palette().color(QPalette.ColorRole.Mid))
        page_layout.addWidget(line)
        self._scroll = QScrollArea(page)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setAccessibleName("Properties")
        page_layout.addWidget(self._scroll, 1)
        self._stack.addWidget(page)
        self._stack.setCurrentIndex(0)

    # ------------------------------------------------------------------ public API
    @property
    def current(self):
        """The key shown (a node IRI or a tie key), or None in the empty state."""
        return self._current

    def set_context(self, doc, schema, projection) -> None:
        """Use this open map (``None`` for each when no map is open); shows the empty state.

        Parameters
        ----------
        doc : MapDocument or None
            The open map; edits are executed on it.
        schema : Schema or None
            What the ontology says; builds the forms and checks values.
        projection : Projection or None
            The canvas's view of the map; offers the nodes a link can point to.
        """
        # No commit of a half-typed value here: the map is being closed or replaced (after any save prompt).
        self._teardown()
        self._doc, self._schema, self._projection = doc, schema, projection
        self._candidate_cache.clear()
        self._generation = object()
        self._current = None
        self._show_empty()

    def show_item(self, key) -> None:
        """Show ``key``: a node IRI, a tie key (``("triple", s, p, o)`` or ``("tie", iri)``), or None.

        A value typed but not yet committed in the previous item's form is
        committed first (as leaving the field would).
        """
        if key is not None and key == self._current and self._built is not None:
            self.refresh()
            return
        self._commit_pending()
        self._current = key
        self._built = None
        self.refresh()

    def refresh(self) -> None:
        """Read the current item again and update the form in place (cheap; call after every change).

        The form is rebuilt only when the item's kind changed; when the item is
        gone (deleted, or undone out of existence) the empty state shows.
        """
        if self._building:
            return
        self._candidate_cache.clear()
        self._generation = object()
        if self._doc is None or self._schema is None:
            self._current = None
            self._show_empty()
            return
        if self._current is None:
            self._show_empty()
            return
        try:
            item = self._read(self._current)
        except ExplorerError:
            item = None
        if item is None:
            self._current = None
            self._show_empty()
            return
        self._item = item
        self._building = True
        try:
            body = self._build(item) if item.signature != self._built else None
            self._update_header(item)
            self._load(item)
            if body is not None:
                # Attached only once filled: showing and hiding rows of a visible form costs ten times more.
                self._scroll.setWidget(body)
        finally:
            self._building = False
        self._fix_tab_order()
        self._stack.setCurrentIndex(1)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # A dock-sized default; the form's content never asks for more width than this.
        hint = super().sizeHint()
        return QSize(min(max(hint.width(), 320), 400), max(hint.height(), 480))

    # ------------------------------------------------------------------ reading
    def _read(self, key) -> _Item | None:
        store, schema = self._doc.store, self._schema
        if isinstance(key, tuple) and len(key) == 4 and key[0] == "triple":
            _, s, p, o = key
            if not store.contains((s, p, o, DEFAULT_GRAPH)):
                return None
            return _Item(key, None, None, triple=(s, p, o), ends=(s, o))
        if isinstance(key, tuple) and len(key) == 2 and key[0] == "tie":
            subject = key[1]
        elif isinstance(key, (URIRef, BNode)):
            subject = key
        else:
            return None
        values: dict = {}
        for _, p, o, _ in store.quads(subject, None, None, DEFAULT_GRAPH):
            values.setdefault(p, []).append(o)
        if not values:
            return None
        kind = schema.kind_of(values.get(RDF.type, ()))
        item = _Item(key, subject, kind, values)
        if kind is not None and kind.is_tie:
            item.ends = (next(iter(values.get(RX["from"], ())), None), next(iter(values.get(RX.to, ())), None))
        for spec in schema.inspector(kind):
            if spec.symmetric:
                item.incoming[spec.iri] = [s for s, _, _, _ in store.quads(None, spec.iri, subject, DEFAULT_GRAPH)]
        return item

    def _label_of(self, iri) -> str:
        if isinstance(iri, Literal):
            return str(iri)
        if self._projection is not None:
            view = self._projection.nodes.get(iri)
            if view is not None:
                return view.label
        if self._doc is None:
            return _local_name(iri)
        labels = [o for _, _, o, _ in self._doc.store.quads(iri, RDFS.label, None, DEFAULT_GRAPH)]
        labels += [o for _, _, o, _ in self._doc.store.quads(iri, SKOS.prefLabel, None, DEFAULT_GRAPH)]
        return _pick_label(labels, iri)

    def _is_node(self, iri) -> bool:
        if self._projection is not None and iri in self._projection.nodes:
            return True
        # The projection may lag behind the store by one event; the store has the last word.
        return self._doc is not None and next(iter(self._doc.store.quads(iri, RDF.type, None, DEFAULT_GRAPH)), None) is not None

    def _candidates(self, range_, exclude, *, with_none: bool) -> tuple:
        """``(displays, iris, token)`` of the nodes a link field may point to; cached until the next refresh."""
        cache_key = (range_, exclude, with_none)
        cached = self._candidate_cache.get(cache_key)
        if cached is not None:
            return cached
        rows = []
        if self._projection is not None and self._schema is not None:
            admits = self._schema.admits
            for iri, view in self._projection.nodes.items():
                if iri != exclude and admits(range_, view.kind):
                    rows.append((_one_line(view.label, _LIST_LABEL_LIMIT), iri, view.kind))
        rows.sort(key=lambda r: (r[0].casefold(), str(r[1])))
        counts: dict = {}
        for label, _, _ in rows:
            counts[label.casefold()] = counts.get(label.casefold(), 0) + 1
        displays, iris = ([NOT_SET], [None]) if with_none else ([], [])
        for label, iri, kind in rows:
            if counts[label.casefold()] > 1:
                # Two nodes with the same name must still be told apart in the list.
                known = self._schema.kind(kind)
                label = f"{label} ({known.label if known else 'node'} …{str(iri)[-6:]})"
            displays.append(label)
            iris.append(iri)
        result = (displays, iris, self._generation)
        self._candidate_cache[cache_key] = result
        return result

    def _resolve(self, combo: _LinkCombo, text: str):
        """The node a typed text means: an exact name, else the only name containing it; None if unclear."""
        wanted = _one_line(text).casefold()
        exact = [iri for display, iri in zip(combo.displays, combo.iris) if iri is not None and display.casefold() == wanted]
        if len(exact) == 1:
            return exact[0]
        partial = [iri for display, iri in zip(combo.displays, combo.iris) if iri is not None and wanted in display.casefold()]
        return partial[0] if len(partial) == 1 else None

    def _range_for(self, spec, kind):
        if kind is not None and kind.is_tie and spec.iri in (RX["from"], RX.to):
            ends = self._schema.tie_ends(kind.iri)
            if any(ends):
                return ends[0] if spec.iri == RX["from"] else ends[1]
        return spec.range

    # ------------------------------------------------------------------ editing
    def _execute(self, command) -> bool:
        """Run ``command`` on the map (undoable); say why if the map refuses it."""
        if self._doc is None:
            return False
        try:
            self._doc.execute(command)
        except ExplorerError as err:
            self.message.emit(str(err))
            return False
        self.refresh()
        return True

    def commit_pending(self) -> None:
        """Commit what the user is still typing in a field (before a save, a close or a revert)."""
        self._commit_pending()

    def _commit_pending(self) -> None:
        focus = QGuiApplication.focusObject()
        if not isinstance(focus, QWidget) or not self.isAncestorOf(focus):
            return
        try:
            gone = self._doc is None or self._current is None or self._read(self._current) is None
        except ExplorerError:
            gone = True
        if gone:
            return  # committing would bring back a fragment of a deleted item
        for fld in self._fields:
            if not fld.dead and (fld.widget is focus or fld.widget.isAncestorOf(focus)):
                try:
                    fld.commit_pending()
                except ExplorerError as err:
                    self.message.emit(str(err))
                return

    def _delete_tie(self) -> None:
        item = self._item
        if item is None or self._doc is None:
            return
        if item.triple is not None:
            s, p, o = item.triple
            relation = self._schema.property(p).label
            command = commands.remove_tie(self._doc.store, s, p, o, label=f"Delete tie “{_short(relation, 30)}”")
        else:
            name = self._label_of(item.subject) if item.values.get(RDFS.label) else (item.kind.label if item.kind else "tie")
            command = delete_items(self._doc.store, ties=[("tie", item.subject)], label=f"Delete “{_short(name, 30)}”")
        self._execute(command)

    # ------------------------------------------------------------------ building
    def _make_header(self, parent: QWidget) -> QWidget:
        header = QWidget(parent)
        layout = QVBoxLayout(header)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(7)
        self._swatch = QFrame(header)
        self._swatch.setFixedSize(12, 12)
        self._swatch.setAccessibleName("Kind colour")
        self._kind = _ElidedLabel("", parent=header)
        self._kind.setFont(_scaled_font(self, 0.92))
        self._kind.setAccessibleName("Kind")
        _set_colour(self._kind, _secondary_colour(self))
        top.addWidget(self._swatch, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self._kind, 1)
        layout.addLayout(top)
        self._title = _ElidedLabel("", parent=header)
        self._title.setFont(_scaled_font(self, 1.2, bold=True))
        self._title.setAccessibleName("Name")
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._title)
        self._ends = _ElidedLabel("", parent=header)
        self._ends.setAccessibleName("Tie ends")
        layout.addWidget(self._ends)
        self._iri = _ElidedLabel("", Qt.TextElideMode.ElideMiddle, header)
        self._iri.setFont(_scaled_font(self, 0.85))
        self._iri.setAccessibleName("IRI")
        self._iri.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self._iri.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy IRI", self._iri)
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(self._iri.fullText()))
        self._iri.addAction(copy)
        _set_colour(self._iri, _secondary_colour(self))
        layout.addWidget(self._iri)
        return header

    def _update_header(self, item: _Item) -> None:
        schema = self._schema
        if item.triple is not None:
            s, p, o = item.triple
            spec = schema.property(p)
            colour, kind_text = "#8A95A5", "Tie"
            title, iri = spec.label, str(p)
            ends = f"{_one_line(self._label_of(s), 60)}  →  {_one_line(self._label_of(o), 60)}"
        else:
            kind = item.kind
            colour = kind.colour if kind is not None else "#8A95A5"
            kind_text = kind.label if kind is not None else "Resource"
            # Flags such as "Opinion leader" ride along with the kind.
            extra = [schema.kinds[t].label for t in item.values.get(RDF.type, ())
                     if t in schema.kinds and kind is not None and t not in kind.ancestors and t != kind.iri]
            if extra:
                kind_text = " · ".join([kind_text, *sorted(extra)])
            if item.is_tie:
                title = self._label_of(item.subject) if item.values.get(RDFS.label) else kind_text.split(" · ")[0]
                source, target = item.ends
                ends = f"{_one_line(self._label_of(source), 60) if source is not None else '?'}  →  " \
                       f"{_one_line(self._label_of(target), 60) if target is not None else '?'}"
            else:
                title, ends = self._label_of(item.subject), ""
            iri = str(item.subject) if isinstance(item.subject, URIRef) else f"_:{item.subject}"
        self._swatch.setStyleSheet(f"background: {QColor(colour).name()}; border-radius: 3px;"
                                   f" border: 1px solid {QColor(colour).darker(130).name()};")
        self._kind.setFullText(kind_text)
        self._title.setFullText(title)
        self._title.setToolTip(_tip(title))
        self._ends.setFullText(ends)
        self._ends.setToolTip(_tip(ends))
        self._ends.setVisible(bool(ends))
        self._iri.setFullText(iri)
        self._iri.setToolTip(_tip(iri))

    def _teardown(self) -> None:
        for fld in self._fields:
            fld.dead = True
        self._fields, self._by_property = [], {}
        old = self._scroll.takeWidget() if hasattr(self, "_scroll") else None
        if old is not None:
            old.hide()
            old.deleteLater()  # a field's own signal handler may be running right now
        self._built = None

    def _build(self, item: _Item) -> QWidget:
        """A new form for ``item`` (not yet in the scroll area); the old one is torn down."""
        self._teardown()
        schema = self._schema
        body = QWidget()
        body.setObjectName("inspectorForm")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(14, 12, 14, 14)
        outer.setSpacing(12)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(9)
        outer.addLayout(form)

        def add_row(text: str, fld: _Field, tip: str = "") -> None:
            label = QLabel(_capitalised(text), body)
            label.setTextFormat(Qt.TextFormat.PlainText)
            # As tall as the field's first line and centred on it, so labels line up with text, whatever the field's height.
            label.setFixedHeight(self._metric(fld.first_line))
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            _set_colour(label, _secondary_colour(self).darker(125) if not _is_dark(self) else _secondary_colour(self).lighter(125))
            if tip:
                label.setToolTip(_tip(tip))
            if fld.main is not None:
                label.setBuddy(fld.main)
            fld.widget.setParent(body)
            form.addRow(label, fld.widget)
            self._fields.append(fld)

        if item.triple is not None:
            s, p, o = item.triple
            spec = schema.property(p)
            relation = _ReadOnlyField(self, _relation_spec(spec))
            add_row("relation", relation, spec.comment)
            self._by_property["relation"] = relation
            for name, end in (("from", s), ("to", o)):
                fld = _ReadOnlyField(self, _relation_spec(spec, name))
                add_row(name, fld)
                self._by_property[name] = fld
        else:
            kind = item.kind
            specs = schema.inspector(kind)
            listed = {spec.iri for spec in specs}
            display = self._label_of(item.subject)
            for spec in specs:
                fld = self._make_field(spec, item, display)
                add_row(spec.label, fld, spec.comment)
                self._by_property[spec.iri] = fld
            other = sorted((p for p in item.values if p not in listed and p not in _HIDDEN), key=str)
            if other:
                heading = QLabel("Other statements", body)
                heading.setTextFormat(Qt.TextFormat.PlainText)
                heading.setFont(_scaled_font(self, 0.92, bold=True))
                heading.setToolTip(_tip("Statements the ontology does not list for this kind; shown as they are."))
                form.addRow(heading)
                for p in other:
                    spec = schema.property(p)
                    fld = _ReadOnlyField(self, spec, item.subject)
                    add_row(spec.label, fld, f"{spec.comment}\n{p}".strip())
                    self._by_property[p] = fld
        if item.is_tie:
            actions = QHBoxLayout()
            delete = QPushButton("Delete tie", body)
            delete.setAccessibleName("Delete tie")
            delete.setToolTip(_tip("Remove this tie from the map (undoable)."))
            delete.setAutoDefault(False)
            delete.clicked.connect(self._delete_tie)
            actions.addWidget(delete)
            actions.addStretch(1)
            outer.addLayout(actions)
            self._delete_button = delete
        else:
            self._delete_button = None
        outer.addStretch(1)
        self._built = item.signature
        return body

    def _make_field(self, spec, item: _Item, display: str) -> _Field:
        schema, subject, kind = self._schema, item.subject, item.kind
        widget = spec.widget
        if widget == "multiline":
            return _MultilineField(self, spec, subject)
        if widget == "choice":
            if spec.single:
                default = ""
                if spec.iri == RX.level and kind is not None:
                    default_level = schema.level_of(kind)
                    default = next((c.label for c in spec.choices if c.iri == default_level), "")
                return _ChoiceField(self, spec, subject, default_label=default)
            return _MultiChoiceField(self, spec, subject)
        if widget == "link":
            range_ = self._range_for(spec, kind)
            if spec.single:
                required = kind is not None and kind.is_tie and spec.iri in (RX["from"], RX.to)
                return _LinkField(self, spec, subject, range_, required=required)
            return _MultiLinkField(self, spec, subject, range_)
        if widget == "source":
            return _MultiLinkField(self, spec, subject, frozenset({RX.SourceRecord}), citations=True)
        if widget == "text" and not spec.single:
            return _MultiTextField(self, spec, subject)
        return _LineField(self, spec, subject, display_label=display)

    def _load(self, item: _Item) -> None:
        if item.triple is not None:
            s, p, o = item.triple
            self._by_property["relation"].load([Literal(self._schema.property(p).label)])
            self._by_property["from"].load([s])
            self._by_property["to"].load([o])
            return
        for prop, fld in self._by_property.items():
            values = item.values.get(prop, [])
            if isinstance(fld, _MultiLinkField):
                fld.load(values, item.incoming.get(prop, ()))
            else:
                fld.load(values)

    def _metric(self, name: str) -> int:
        """Heights of a line edit, a combo box and a check box, and the width of the right-hand gutter; measured once."""
        if not self._metrics:
            probe = QWidget()
            line, combo, check = QLineEdit(probe), QComboBox(probe), QCheckBox("Xg", probe)
            editable = _LinkCombo(lambda: ([], [], None), probe)
            hint = QLabel("\u22121\u2009\u2013\u20091", probe)
            hint.setFont(_scaled_font(self, 0.9))
            button = QToolButton(probe)
            button.setText("×")
            button.setAutoRaise(True)
            for widget in (line, combo, editable, check, hint, button):
                widget.ensurePolished()  # sizes depend on the style, applied at polish time
            self._metrics = {
                "line": line.sizeHint().height(),
                "combo": max(combo.sizeHint().height(), editable.sizeHint().height(), line.sizeHint().height()),
                "check": check.sizeHint().height() + 2,
                "gutter": max(hint.sizeHint().width() + 4, button.sizeHint().width()),
            }
            probe.deleteLater()
        return self._metrics[name]

    def _fix_tab_order(self) -> None:
        # Rows rebuilt after an edit are appended to Qt's focus chain; put them back in form order.
        if self._building:
            return  # refresh() does it once at the end
        chain = [w for fld in self._fields for w in fld.focus_widgets() if w is not None]
        if self._delete_button is not None:
            chain.append(self._delete_button)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _show_empty(self) -> None:
        self._teardown()
        self._item = None
        self._hint.setText(NO_MAP_HINT if self._doc is None else EMPTY_HINT)
        self._stack.setCurrentIndex(0)


def _relation_spec(spec, name: str | None = None) -> PropertySpec:
    """A stand-in spec for the read-only rows of a plain tie (only label and comment are used)."""
    if name is None:
        return PropertySpec(spec.iri, "relation", spec.comment)
    return PropertySpec(spec.iri, name, f"The node the tie {'starts from' if name == 'from' else 'points to'}.")


__all__ = ["Inspector", "EMPTY_HINT", "NO_MAP_HINT"]
