"""Text from the map made fit to show in one place: one line, no control characters, at most so many characters.

A label, title or comment may hold newlines, tabs, runs of spaces and control
characters (an escape sequence, a NUL, a right-to-left override). Every place
that shows such text on one line (a menu, an undo step, a table cell, a report
line, an error message) goes through :func:`one_line`, so a control character is
never shown and a cut is always marked by "…". Qt-free: the app, the command
line and the exports share it.

Examples
--------
>>> one_line("Ward 7\\n\\thandover\\x00"), one_line("Intensive care unit", 10), clipped("line one\\nline two", 12)
('Ward 7 handover', 'Intensive…', 'line one\\nli…')
"""

from __future__ import annotations

import re
import unicodedata

from natsort import natsort_keygen, ns

#: What marks a cut.
ELLIPSIS = "…"


def clipped(text: str, limit: int | None) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked by "…"; lines and spaces kept as they are.

    For text that keeps its own lines (a tooltip, a quoted token); see :func:`one_line` for one line.

    Examples
    --------
    >>> clipped("abcdef", 4), clipped("abcd", 4), clipped("abc", None)
    ('abc…', 'abcd', 'abc')
    """
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS


def one_line(text, limit: int | None = None) -> str:
    r"""``text`` as one line of plain text, at most ``limit`` characters (no limit by default).

    Newlines, tabs and other control or invisible format characters become spaces,
    runs of spaces become one, the ends are trimmed; a longer text is cut with "…".

    Examples
    --------
    >>> one_line("  Ward\n<b>7</b>\x00  rounds ")
    'Ward <b>7</b> rounds'
    >>> one_line("Handover at the nurses' station", 12)
    'Handover at…'
    >>> one_line(42)
    '42'
    """
    text = str(text)
    if text.isprintable():  # the usual case, ~20x faster than looking at each character
        if "  " in text or text != text.strip():
            text = " ".join(text.split())
    else:
        text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return clipped(text, limit)


def shortened(text, limit: int = 40) -> str:
    """``text`` as one short line (40 characters by default): a name inside a menu entry, an undo step or a message.

    Examples
    --------
    >>> shortened("Add the weekly multidisciplinary handover meeting")
    'Add the weekly multidisciplinary handov…'
    """
    return one_line(text, limit)


_NATURAL = natsort_keygen(alg=ns.IGNORECASE)
_ASCII_DIGIT = re.compile("[0-9]")
_ASCII_NUMBERS = re.compile("([0-9]+)")


def natural_key(text: str) -> tuple:
    """A sort key that orders numbers inside names by value, ignoring case: "Unit 2" before "Unit 10".

    The key is natsort's (case-insensitive by ``str.casefold``, accents decomposed). Names
    without a digit, and ASCII names (most of a map), skip natsort: their key is built here as
    natsort builds it (the runs of text and of digits as numbers, and an empty text first when
    the name starts with a number), 4-5x faster, which matters when the outline sorts 100k names.

    Examples
    --------
    >>> sorted(["Unit 150", "unit 16", "Unit 15", "Ward"], key=natural_key)
    ['Unit 15', 'unit 16', 'Unit 150', 'Ward']
    """
    if text.isascii():
        if _ASCII_DIGIT.search(text) is None:
            return (text.casefold(),) if text else ()
        parts = _ASCII_NUMBERS.split(text.casefold())
        # split() puts text at even places and digits at odd ones, empty texts where two meet or at an end.
        parts[1::2] = map(int, parts[1::2])
        key = tuple(filter(_not_empty, parts))
        return ("", *key) if parts[0] == "" else key
    if not any(ch.isdigit() for ch in text):
        return (unicodedata.normalize("NFD", text.casefold()),) if text else ()
    return _NATURAL(text)


def _not_empty(part) -> bool:
    return part != ""


__all__ = ["ELLIPSIS", "clipped", "natural_key", "one_line", "shortened"]
