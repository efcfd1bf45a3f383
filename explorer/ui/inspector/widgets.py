"""The small widgets the inspector's form is made of, and the text helpers they share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)
from rdflib import Literal

from explorer.core.terms import local_name
from explorer.core.text import one_line
from explorer.ui.common.text import tooltip_html

#: The entry meaning "no value" in choice and link fields.
NOT_SET = "—"


# Labels in combo lists are cut here: a 10,000-character label must not make a popup screen-wide.
LIST_LABEL_LIMIT = 120


# --------------------------------------------------------------------------- helpers
def tip_text(text, limit: int = 1500) -> str:
    """A tooltip that Qt cannot mistake for markup, with no title: :func:`~explorer.ui.common.text.tooltip_html`."""
    return tooltip_html("", text, limit=limit)


def pick_label(values, fallback) -> str:
    """The label to show: an English or untagged literal, else any, else the IRI's last part (as the canvas does)."""
    literals = [v for v in values if isinstance(v, Literal)]
    preferred = [v for v in literals if v.language in (None, "en")] or literals
    if preferred:
        return str(min(preferred, key=lambda v: (v.language is not None, str(v))))
    return local_name(fallback)


def number_text(value) -> str:
    if value is None:
        return "any"
    text = str(int(value)) if float(value).is_integer() else str(value)
    return text.replace("-", "\u2212")


def scale_text(spec) -> str:
    """``"0 – 1"`` for a scale, ``""`` when the property has none."""
    if spec.minimum is None and spec.maximum is None:
        return ""
    return f"{number_text(spec.minimum)}\u2009\u2013\u2009{number_text(spec.maximum)}"  # thin spaces: a narrow gutter


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def secondary_colour(widget: QWidget) -> QColor:
    palette = widget.palette()
    text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    # Three fifths of the way from background to text reads as "secondary" in light and dark themes alike.
    return QColor(
        (text.red() * 3 + window.red() * 2) // 5,
        (text.green() * 3 + window.green() * 2) // 5,
        (text.blue() * 3 + window.blue() * 2) // 5,
    )


def set_colour(label: QWidget, colour: QColor | str) -> None:
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


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False):
    font = widget.font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(max(8, round(font.pixelSize() * factor)))
    font.setBold(bold)
    return font


# --------------------------------------------------------------------------- small widgets
class ElidedLabel(QLabel):
    """A one-line plain-text label that elides instead of growing: long labels never widen the dock."""

    def __init__(
        self, text: str = "", mode=Qt.TextElideMode.ElideRight, parent: QWidget | None = None, *, cap: int = 320
    ) -> None:
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
        self._shown = one_line(text[:2000])
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


class LinkLabel(ElidedLabel):
    """A node named in the form: click it (or press Enter on it) to select that node."""

    clicked = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent=parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        set_colour(self, self.palette().color(QPalette.ColorRole.Link))
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


class LineEdit(QLineEdit):
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


class TextEdit(QPlainTextEdit):
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
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submitted.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.on_escape is not None and self.on_escape():
            event.accept()
            return
        super().keyPressEvent(event)


class Combo(QComboBox):
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


class LinkCombo(Combo):
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


class CrossDelegate(QStyledItemDelegate):
    """Paints a row as its text plus a remove cross in the right-hand gutter."""

    def __init__(self, view: LinkList) -> None:
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
        if index.data(LINKED_ROLE) and (hovered or focused):
            opt.font.setUnderline(True)
        # No selection colours: the list is a set of links, not a choice; the focus shows by underline.
        opt.state &= ~(
            QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver
        )
        cross = self.cross_rect(opt.rect)
        opt.rect = opt.rect.adjusted(0, 0, -self.view.gutter - 2, 0)
        self.view.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, self.view)
        painter.save()
        over_cross = hovered and cross.contains(self.view.viewport().mapFromGlobal(QCursor.pos()))
        painter.setPen(
            opt.palette.color(QPalette.ColorRole.Text) if over_cross or focused else secondary_colour(self.view)
        )
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 1.15 if font.pointSizeF() > 0 else 10)
        painter.setFont(font)
        painter.drawText(cross, Qt.AlignmentFlag.AlignCenter, "×")
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        # No width of its own: a long label elides inside the row instead of widening the list.
        return QSize(1, self.view.row_height)


#: Item data: which value a row stands for, and whether that value is a node of the map.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's index into the list's own ``values``


LINKED_ROLE = Qt.ItemDataRole.UserRole + 2


class LinkList(QListWidget):
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
        make_transparent(self)
        self.setItemDelegate(CrossDelegate(self))

    def set_rows(self, rows: list) -> None:
        """``rows``: ``(text, tooltip, value, reverse, linked, colour or None)`` for each value."""
        self.clear()
        # Values stay on the Python side: Qt item data would turn an rdflib URIRef into a plain str.
        self.values = [(value, reverse) for _, _, value, reverse, _, _ in rows]
        for row, (text, tip, _value, _reverse, linked, colour) in enumerate(rows):
            item = QListWidgetItem(text, self)
            item.setToolTip(tip_text(tip))
            item.setData(VALUE_ROLE, row)
            item.setData(LINKED_ROLE, linked)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            item.setData(
                Qt.ItemDataRole.AccessibleDescriptionRole,
                ("Enter selects it on the map; " if linked else "") + "Delete removes it",
            )
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
                self.removeRequested.emit(*self.values[item.data(VALUE_ROLE)])
            elif item.data(LINKED_ROLE):
                self.activatedValue.emit(self.values[item.data(VALUE_ROLE)][0])
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.MouseMove:
            item, _ = self._item_at(event.position().toPoint())
            self.viewport().setCursor(
                Qt.CursorShape.PointingHandCursor if item is not None else Qt.CursorShape.ArrowCursor
            )
        elif event.type() == QEvent.Type.Leave:
            self.viewport().update()
        return super().viewportEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        item = self.currentItem() or (self.item(0) if self.count() else None)
        if item is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.removeRequested.emit(*self.values[item.data(VALUE_ROLE)])
            return
        if item is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if item.data(LINKED_ROLE):
                self.activatedValue.emit(self.values[item.data(VALUE_ROLE)][0])
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.currentRow() < 0 and self.count():
            self.setCurrentRow(0)
        super().focusInEvent(event)


def make_transparent(view: QListWidget) -> None:
    # A palette, not a style sheet: a style sheet switches the whole widget to QStyleSheetStyle,
    # which draws check boxes differently from the rest of the form.
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(0, 0, 0, 0))
    view.setPalette(palette)
    view.viewport().setAutoFillBackground(False)


class CheckList(QListWidget):
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
        make_transparent(self)
        self._loading = False
        self._pressed = None
        self.values: list = []
        self.itemChanged.connect(self._changed)

    def add(self, text: str, value, definition: str = "") -> None:
        self._loading = True
        item = QListWidgetItem(text, self)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(VALUE_ROLE, len(self.values))
        self.values.append(value)
        item.setSizeHint(QSize(0, self.row_height))
        if definition:
            item.setToolTip(tip_text(definition))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, one_line(definition, 300))
        self._loading = False
        self.setFixedHeight(self.row_height * self.count())

    def set_checked(self, values: set) -> None:
        self._loading = True
        try:
            for row in range(self.count()):
                item = self.item(row)
                state = (
                    Qt.CheckState.Checked if self.values[item.data(VALUE_ROLE)] in values else Qt.CheckState.Unchecked
                )
                if item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._loading = False

    def _changed(self, item) -> None:
        if not self._loading:
            self.toggledValue.emit(self.values[item.data(VALUE_ROLE)], item.checkState() == Qt.CheckState.Checked)

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
            item.setCheckState(
                Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked else Qt.CheckState.Checked
            )
        self._pressed = None

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.currentRow() < 0 and self.count():
            self.setCurrentRow(0)
        super().focusInEvent(event)


def escape_sets(edit: QLineEdit, text: str) -> Callable[[], bool]:
    """An Escape handler that puts ``text`` back; it declines (so Escape goes on) when there is nothing to undo."""

    def handler() -> bool:
        if edit.text() == text:
            return False
        edit.setText(text)
        return True

    return handler


def message_label(parent: QWidget, colour_light: str, colour_dark: str, role: str) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setFont(scaled_font(parent, 0.9))
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setAccessibleName(role)
    set_colour(label, colour_dark if is_dark(parent) else colour_light)
    label.hide()
    return label


def tool_button(text: str, tip: str, parent: QWidget, width: int = 0) -> QToolButton:
    button = QToolButton(parent)
    if width:
        button.setFixedWidth(width)
    button.setText(text)
    button.setToolTip(tip_text(tip))
    button.setAccessibleName(one_line(tip, 200))
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class FocusWatch(QObject):
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
            Qt.FocusReason.PopupFocusReason,
            Qt.FocusReason.ActiveWindowFocusReason,
        ):
            handlers[0]()
        elif event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            popup = (
                watched.parentWidget().completer().popup() if isinstance(watched.parentWidget(), QComboBox) else None
            )
            if popup is not None and popup.isVisible():
                return False
            if handlers[1]():
                event.accept()
                return True
        return False


_PALETTES: dict = {}
