"""SPARQL syntax colours: pygments' SPARQL lexer driving a QSyntaxHighlighter, one block at a time.

Why per block, with state: Qt asks for one block (line) at a time and re-asks
for the following blocks only while a block's end state changes, so typing on
one line re-lexes that line, not the document. The only lexer state that
crosses a line break in SPARQL is "inside a long (triple-quoted) string";
comments and short strings end at the line's end. That state is kept as the
block state (0 outside, 1 inside ``\"\"\"``, 2 inside ``'''``) and handed back to
pygments as its start stack for the next line.

pygments 2.x's long-string rules take ``[^\\\\]+``, which swallows the closing
quotes, so a long string never ends; :class:`SparqlLongStringLexer` narrows
those two rules and keeps every other rule of the original lexer. Its
prefixed-name rule is quadratic on a long word that is not a prefixed name
(it tries every letter as a prefix's start: 20,000 letters took 12 s on
the UI thread), so a run of 64 or more name characters that cannot be a
prefix is taken whole, as the error it is, before that rule sees it.

Colours come from a pygments style (``friendly`` on light palettes,
``github-dark`` on dark ones), so token kinds and colours stay pygments' own.
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pygments.lexer import inherit
from pygments.lexers.rdf import SparqlLexer
from pygments.styles import get_style_by_name
from pygments.token import Error, String
from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QApplication

LIGHT_STYLE = "friendly"
DARK_STYLE = "github-dark"

#: Block states: where a line ends, lexically.
OUTSIDE, IN_DOUBLE, IN_SINGLE = 0, 1, 2
_START_STACK = {
    OUTSIDE: ("root",),
    IN_DOUBLE: ("root", "triple-double-quoted-string"),
    IN_SINGLE: ("root", "triple-single-quoted-string"),
}
_OPENERS = {'"""': IN_DOUBLE, "'''": IN_SINGLE}


class SparqlLongStringLexer(SparqlLexer):
    """pygments' SPARQL lexer with long strings that end at their closing quotes.

    Examples
    --------
    >>> quotes = '"' * 3
    >>> text = quotes + "a" + quotes + " ?x"
    >>> [value for _, _, value in SparqlLongStringLexer().get_tokens_unprocessed(text)][-1]
    '?x'
    """

    name = "SPARQL (long strings fixed)"
    aliases: ClassVar[list] = []
    filenames: ClassVar[list] = []
    tokens: ClassVar[dict] = {
        # Possessive: a run before ":" is left to the next rules (a long prefix, read in one pass) unless it
        # ends in "." (which no prefix does, so those rules would fail on it letter by letter).
        "root": [("[" + SparqlLexer.PN_CHARS_GRP + ".]{64,}+(?:(?<=\\.)|(?!:))", Error), inherit],
        "triple-double-quoted-string": [
            (r'"""', String, "end-of-string"),
            (r'[^"\\]+', String),
            (r'"', String),
            (r"\\", String, "string-escape"),
        ],
        "triple-single-quoted-string": [
            (r"'''", String, "end-of-string"),
            (r"[^'\\]+", String),
            (r"'", String),
            (r"\\", String.Escape, "string-escape"),
        ],
    }


def end_state(tokens, state: int) -> int:
    r"""The block state after ``tokens`` (pygments' ``(index, type, value)``), starting in ``state``.

    A long string opens and closes on a String token that is exactly its three
    quotes; inside the other kind of long string such a token is content.

    Examples
    --------
    >>> lexer = SparqlLongStringLexer(stripnl=False, ensurenl=False)
    >>> opened = list(lexer.get_tokens_unprocessed("?x rdfs:comment " + '"' * 3 + "two\n", stack=("root",)))
    >>> end_state(opened, OUTSIDE) == IN_DOUBLE
    True
    """
    for _, token_type, value in tokens:
        if token_type in String and value in _OPENERS:
            kind = _OPENERS[value]
            if state == OUTSIDE:
                state = kind
            elif state == kind:
                state = OUTSIDE
    return state


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


@lru_cache(maxsize=4)
def _style_formats(style_name: str) -> dict:
    """Token type -> QTextCharFormat for a pygments style (only the types the style colours)."""
    style = get_style_by_name(style_name)
    formats = {}
    for token_type, spec in style:
        fmt = QTextCharFormat()
        if spec["color"]:
            fmt.setForeground(QColor(f"#{spec['color']}"))
        if spec["bold"]:
            fmt.setFontWeight(QFont.Weight.Bold)
        if spec["italic"]:
            fmt.setFontItalic(True)
        if spec["color"] or spec["bold"] or spec["italic"]:
            formats[token_type] = fmt
    return formats


class SparqlHighlighter(QSyntaxHighlighter):
    """Colours a QTextDocument holding SPARQL; call :meth:`apply_theme` when the palette changes."""

    def __init__(self, document, *, dark: bool | None = None) -> None:
        super().__init__(document)
        self._lexer = SparqlLongStringLexer(stripnl=False, ensurenl=False)
        self._formats: dict = {}
        self._cache: dict = {}
        self.apply_theme(dark)

    def apply_theme(self, dark: bool | None = None) -> None:
        """Use the light or dark pygments style (None: follow the application palette)."""
        dark = is_dark() if dark is None else dark
        self.style_name = DARK_STYLE if dark else LIGHT_STYLE
        self._formats = _style_formats(self.style_name)
        self._cache = {}
        self.rehighlight()

    def format_for(self, token_type) -> QTextCharFormat | None:
        """The format of a token type: its own, else its nearest styled parent's, else None."""
        if token_type in self._cache:
            return self._cache[token_type]
        found = None
        walk = token_type
        while walk is not None:
            if walk in self._formats:
                found = self._formats[walk]
                break
            walk = walk.parent
        self._cache[token_type] = found
        return found

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        state = self.previousBlockState()
        if state not in _START_STACK:
            state = OUTSIDE
        # The line break belongs to the block: lexing it lets line comments and short strings end here.
        tokens = list(self._lexer.get_tokens_unprocessed(text + "\n", stack=_START_STACK[state]))
        for index, token_type, value in tokens:
            fmt = self.format_for(token_type)
            if fmt is not None and index < len(text):
                self.setFormat(index, min(len(value), len(text) - index), fmt)
        self.setCurrentBlockState(end_state(tokens, state))
