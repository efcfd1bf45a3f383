"""Text from the map (labels, titles, messages) made safe for the Qt widget that shows it.

What needs no Qt (one line, no control characters, a cut marked "…") is in
:mod:`explorer.core.text`; this module holds what Qt's rich-text guessing,
its menus and its font metrics need.

Examples
--------
>>> safe_text("<img src=x> & more")
'<p>&lt;img src=x&gt; &amp; more</p>'
>>> menu_text("Q&A")
'Q&&A'
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import (
    QFontMetricsF,
)

from explorer.core.text import clipped


def safe_text(text: str) -> str:
    """``text`` for a message box: escaped and wrapped, so a label with markup shows as typed.

    Qt guesses whether a message is rich text; a map title such as
    ``<img src=…>`` would otherwise be rendered (and fetched).

    Examples
    --------
    >>> safe_text("line one\\nline <two>")
    '<p>line one<br>line &lt;two&gt;</p>'
    """
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def menu_text(text: str) -> str:
    """``text`` for a menu or action: '&' shown as itself, not taken as a shortcut marker.

    Examples
    --------
    >>> menu_text("R&D unit")
    'R&&D unit'
    """
    return text.replace("&", "&&")


def two_lines(text: str, metrics: QFontMetricsF, width: float) -> str:
    """``text`` wrapped at word boundaries into at most two lines of ``width``, the second elided."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    first = ""
    for index, word in enumerate(words):
        candidate = f"{first} {word}" if first else word
        if metrics.horizontalAdvance(candidate) > width:
            if not first:  # a first word longer than the line: elide rather than break it mid-word
                return metrics.elidedText(text[:400], Qt.TextElideMode.ElideRight, width)
            rest = " ".join(words[index:])
            return first + "\n" + metrics.elidedText(rest[:400], Qt.TextElideMode.ElideRight, width)
        first = candidate
    return first


def safe_tooltip(title: str, body: str = "") -> str:
    """A tooltip that shows map text as typed: escaped rich text (Qt would render a label like ``<img …>``).

    The title is always there, and the body is one paragraph: its line breaks show
    as spaces (a query's lines run on), which :func:`tooltip_html` would keep.

    Examples
    --------
    >>> safe_tooltip("<b>ICU</b>", "Unit")
    '<p><b>&lt;b&gt;ICU&lt;/b&gt;</b><br>Unit</p>'
    """
    return f"<p><b>{html.escape(title)}</b>" + (f"<br>{html.escape(body)}" if body else "") + "</p>"


def tooltip_html(title: str, body: str = "", *, limit: int | None = 600) -> str:
    """A tooltip that shows ``title`` (bold) and ``body`` as text, never as markup, and wraps long lines.

    Qt treats a tooltip that looks like HTML as rich text and never wraps a plain
    one; escaping the text and wrapping it in a paragraph gives both safety and
    wrapping. Each part is cut to ``limit`` characters (None: not cut); with
    neither part there is no tooltip (``""``), not an empty box.

    Unlike :func:`safe_tooltip`, the body keeps its line breaks.

    Examples
    --------
    >>> tooltip_html("<b>x</b>", "a & b")
    '<p><b>&lt;b&gt;x&lt;/b&gt;</b><br>a &amp; b</p>'
    >>> tooltip_html("", "line one\\nline two"), tooltip_html("", "")
    ('<p>line one<br>line two</p>', '')
    """
    parts = []
    if title:
        parts.append(f"<b>{html.escape(clipped(str(title), limit))}</b>")
    if body:
        parts.append(html.escape(clipped(str(body), limit)).replace("\n", "<br>"))
    return "<p>" + "<br>".join(parts) + "</p>" if parts else ""
