"""A plain-text code editor: line numbers, the current line, an error marked where the parser stopped, completion.

Language-neutral: the SPARQL console gives it a highlighter
(:mod:`explorer.ui.sparql.highlighter`) and the words to complete. Text is
always plain (a ``QPlainTextEdit``), so nothing typed or pasted is taken as
markup.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QStyle, QStyledItemDelegate, QTextEdit, QToolTip, QWidget

ERROR_COLOUR = "#d62d20"
#: Characters of a word to complete: prefixed names (``rx:Unit``), variables (``?x``) and keywords.
# From the start of the run only, taken whole: "[…]+$" alone retries every letter of a long word (quadratic).
_WORD = re.compile(r"(?<![\w\-:?$])[\w\-:?$]++$")
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1


class _LineNumbers(QWidget):
    """The gutter: paints line numbers for the editor it belongs to."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setAccessibleName("Line numbers")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.editor.paint_gutter(event)


class _CompletionDelegate(QStyledItemDelegate):
    """Draws a completion with its detail (what the term is) in a quieter colour on the right."""

    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)
        detail = index.data(DETAIL_ROLE)
        if not detail:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(option.palette.color(role))
        font = option.font
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        name_width = option.fontMetrics.horizontalAdvance(str(index.data() or "")) + 24
        rect = option.rect.adjusted(name_width, 0, -6, 0)
        text = painter.fontMetrics().elidedText(detail, Qt.TextElideMode.ElideRight, max(rect.width(), 0))
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        size = super().sizeHint(option, index)
        detail = index.data(DETAIL_ROLE) or ""
        return QSize(size.width() + option.fontMetrics.horizontalAdvance(detail[:40]) + 30, size.height())


class CodeEditor(QPlainTextEdit):
    """A monospaced editor with line numbers, an error marker and word completion.

    Signals
    -------
    historyRequested(int)
        Alt+Up (-1) or Alt+Down (+1): the owner shows an older or newer entry.
    """

    historyRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 2)
        self._gutter = _LineNumbers(self)
        self._error: tuple[int, int, int, int, str] | None = None  # (start, end, line, column, message)
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self.cursorPositionChanged.connect(self._refresh_selections)
        self._fit_gutter()

        self._completion_model = QStandardItemModel(self)
        self._static_words: list[tuple[str, str]] = []
        self._variables: list[str] = []
        self.completer = QCompleter(self)
        self.completer.setWidget(self)
        self.completer.setModel(self._completion_model)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.popup().setItemDelegate(_CompletionDelegate(self.completer.popup()))
        self.completer.popup().setAccessibleName("Completions")
        self.completer.activated[str].connect(self.insert_completion)

    # ---------------------------------------------------------------- gutter
    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * max(digits, 2)

    def _fit_gutter(self, *_):
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._fit_gutter()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event) -> None:
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        current = self.textCursor().blockNumber()
        error_line = self._error[2] if self._error else None
        width = self._gutter.width() - 6
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                if number + 1 == error_line:
                    painter.setPen(QColor(ERROR_COLOUR))
                    font = painter.font()
                    font.setBold(True)
                    painter.setFont(font)
                else:
                    font = painter.font()
                    font.setBold(False)
                    painter.setFont(font)
                    painter.setPen(
                        palette.color(
                            QPalette.ColorRole.Text if number == current else QPalette.ColorRole.PlaceholderText
                        )
                    )
                painter.drawText(0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    # ------------------------------------------------------------ error marker
    def set_error(self, line: int, column: int, message: str) -> None:
        """Underline the text at 1-based ``line`` and ``column`` (clamped to the text) and remember ``message``."""
        doc = self.document()
        line = min(max(int(line), 1), doc.blockCount())
        block = doc.findBlockByNumber(line - 1)
        text = block.text()
        column = min(max(int(column), 1), len(text) + 1)
        start = column - 1
        match = re.match(r"\S+", text[start:])
        if match:
            begin, end = block.position() + start, block.position() + start + len(match.group(0))
        else:
            # Nothing to underline here (the end of a line, or of the query): mark the last character written before.
            before = doc.toPlainText()[: block.position() + start].rstrip()
            begin = max(len(before) - 1, 0)
            end = begin + 1
        self._error = (begin, end, line, column, message)
        self._refresh_selections()
        self._gutter.update()

    def clear_error(self) -> None:
        if self._error is not None:
            self._error = None
            self._refresh_selections()
            self._gutter.update()

    @property
    def error(self) -> tuple[int, int, str] | None:
        """``(line, column, message)`` of the marked error, or None."""
        return None if self._error is None else self._error[2:]

    def error_range(self) -> tuple[int, int] | None:
        """Document positions ``(start, end)`` of the underlined text, or None."""
        return (self._error[0], self._error[1]) if self._error else None

    def _refresh_selections(self) -> None:
        selections = []
        line = QTextEdit.ExtraSelection()
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        colour.setAlpha(22)
        line.format.setBackground(colour)
        line.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        line.cursor = self.textCursor()
        line.cursor.clearSelection()
        selections.append(line)
        if self._error is not None:
            start, end = self._error[:2]
            size = self.document().characterCount()
            mark = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(ERROR_COLOUR))
            tint = QColor(ERROR_COLOUR)
            tint.setAlpha(40)
            fmt.setBackground(tint)
            mark.format = fmt
            cursor = QTextCursor(self.document())
            cursor.setPosition(min(start, size - 1))
            cursor.setPosition(min(end, size - 1), QTextCursor.MoveMode.KeepAnchor)
            mark.cursor = cursor
            selections.append(mark)
        self.setExtraSelections(selections)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip and self._error is not None:
            position = self.cursorForPosition(event.pos() - self.viewport().pos()).position()
            start, end, _, _, message = self._error
            if start <= position <= end:
                QToolTip.showText(event.globalPos(), "<p>" + html.escape(message) + "</p>", self)
                return True
            QToolTip.hideText()
        return super().event(event)

    # -------------------------------------------------------------- completion
    def set_completions(self, words) -> None:
        """The words to offer: ``(text, detail)`` pairs, such as ``("rx:Unit", "class · Unit")``."""
        self._static_words = sorted(set(words), key=lambda pair: (pair[0].casefold(), pair[0]))
        self._completion_model.clear()
        self._variables = []
        for text, detail in self._static_words:
            self._completion_model.appendRow(self._completion_item(text, detail))

    def completions(self) -> list[str]:
        """Every word currently offered (static words and the query's variables)."""
        return [self._completion_model.item(row).text() for row in range(self._completion_model.rowCount())]

    @staticmethod
    def _completion_item(text: str, detail: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setData(detail, DETAIL_ROLE)
        item.setToolTip(html.escape(detail))
        return item

    def _offer_variables(self, variables: list[str]) -> None:
        """Put the query's variables at the top of the offer; the static words stay (no rebuild per key)."""
        if variables == self._variables:
            return
        model = self._completion_model
        if self._variables:
            model.removeRows(0, len(self._variables))
        for row, name in enumerate(variables):
            model.insertRow(row, self._completion_item(name, "variable"))
        self._variables = list(variables)

    def word_before_cursor(self) -> str:
        cursor = self.textCursor()
        text = cursor.block().text()[: cursor.positionInBlock()]
        match = _WORD.search(text)
        return match.group(0) if match else ""

    def insert_completion(self, completion: str) -> None:
        """Replace the word before the cursor with ``completion``."""
        cursor = self.textCursor()
        word = self.word_before_cursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(word))
        cursor.insertText(completion)
        self.setTextCursor(cursor)

    def complete(self, *, forced: bool = False) -> bool:
        """Show the completion popup for the word before the cursor; True if it is shown."""
        word = self.word_before_cursor()
        if not forced and len(word) < 2:
            self.completer.popup().hide()
            return False
        variables = sorted(set(re.findall(r"[?$]\w+", self.toPlainText())) - {word}) if word[:1] in "?$" else []
        self._offer_variables(variables)
        self.completer.setCompletionPrefix(word)
        count = self.completer.completionCount()
        if count == 0 or (count == 1 and self.completer.currentCompletion() == word):
            self.completer.popup().hide()
            return False
        popup = self.completer.popup()
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.translate(self.viewportMargins().left(), 0)
        rect.setWidth(
            min(max(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 12, 260), 560)
        )
        self.completer.complete(rect)
        return True

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        popup = self.completer.popup()
        if (
            popup.isVisible()
            and event.key()
            in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.ignore()  # the completer's popup takes these
            return
        if event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.complete(forced=True)
            return
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.historyRequested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        if event.key() == Qt.Key.Key_Tab and not event.modifiers():
            self.textCursor().insertText("  ")
            return
        super().keyPressEvent(event)
        typed = event.text()
        if (
            typed
            and (typed.isprintable() and not typed.isspace())
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ) or (event.key() == Qt.Key.Key_Backspace and popup.isVisible()):
            self.complete()
        elif popup.isVisible() and (not typed or typed.isspace()):
            popup.hide()

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.completer.setWidget(self)
        super().focusInEvent(event)

    def replace_text(self, text: str) -> None:
        """Replace the whole text as one edit the user can undo (Ctrl+Z brings the old text back)."""
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.setTextCursor(cursor)
        self.clear_error()
