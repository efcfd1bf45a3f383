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

from explorer.core.text import ELLIPSIS, clipped


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


#: Characters of a label's end that a label shortened in the middle keeps, in whole words, at least.
TAIL_CHARS = 8


def wrapped_label(text: str, metrics, width: float, max_lines: int = 3) -> tuple[str, list[str]]:
    """A node's label in at most ``max_lines`` lines of ``width``: wrapped by words, shortened in the middle if it must.

    Lines break at spaces and after hyphens; a word longer than a line is broken
    where the line ends. A label that still needs more lines keeps its start and
    its last word, with "…" where the middle was, so two long names that differ
    only at the end stay told apart.

    Parameters
    ----------
    text : str
        The label on one line (see :func:`explorer.core.text.one_line`).
    metrics : QFontMetricsF
        Anything with ``horizontalAdvance(str) -> float``: the font the label is drawn in.
    width : float
        The widest a line may be, in the units of ``metrics``.
    max_lines : int, optional
        The most lines the label may take.

    Returns
    -------
    tuple of (str, list of str)
        The label as shown on one line (the whole label, or its start "…" its end), and its lines.

    Examples
    --------
    >>> class Mono:  # every character one unit wide
    ...     def horizontalAdvance(self, text):
    ...         return len(text)
    >>> wrapped_label("Daily review of line necessity", Mono(), 12)
    ('Daily review of line necessity', ['Daily review', 'of line', 'necessity'])
    >>> wrapped_label("National public-health agency for infection prevention", Mono(), 12)
    ('National public-heal… prevention', ['National', 'public-heal…', 'prevention'])
    """
    if metrics.horizontalAdvance(text) <= width or max_lines < 1:
        return text, [text]
    lines = _wrap(text, metrics, width)
    if len(lines) <= max_lines:
        return text, lines
    words = text.split(" ")
    tail = ""
    for word in reversed(words[1:]):  # the end: its last words, enough of them to say something ("8 am" is not)
        longer = f"{word} {tail}" if tail else word
        if tail and (len(tail) >= TAIL_CHARS or metrics.horizontalAdvance(longer) > width * 0.7):
            break
        tail = longer
    if max_lines < 2 or metrics.horizontalAdvance(tail) > width:
        tail = ""  # no line to spare for the end: keep the start only
    limit = len(text) - len(tail) - 1
    low, high = 1, max(1, limit)
    best = None
    while low <= high:  # the longest start that, with "…" and the last word, still fits
        middle = (low + high) // 2
        shown = text[:middle].rstrip() + ELLIPSIS + (f" {tail}" if tail else "")
        candidate = _wrap(shown, metrics, width)
        if len(candidate) <= max_lines:
            best, low = (shown, candidate), middle + 1
        else:
            high = middle - 1
    if best is None:
        shown = ELLIPSIS
        return shown, [shown]
    return best


def _wrap(text: str, metrics, width: float) -> list[str]:
    """``text`` in lines of ``width``, broken at spaces and after hyphens, a too-long word where the line ends."""
    lines: list[str] = []
    line = ""
    for token, spaced in _tokens(text):
        candidate = f"{line}{' ' if spaced and line else ''}{token}"
        if metrics.horizontalAdvance(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while len(token) > 1 and metrics.horizontalAdvance(token) > width:
            low, high = 1, len(token) - 1
            while low < high:  # the most characters of the word that fit on a line
                middle = (low + high + 1) // 2
                if metrics.horizontalAdvance(token[:middle]) <= width:
                    low = middle
                else:
                    high = middle - 1
            lines.append(token[:low])
            token = token[low:]
        line = token
    if line:
        lines.append(line)
    return lines


def _tokens(text: str):
    """(piece, whether a space comes before it): the places a line may break, after spaces and hyphens."""
    for word in text.split(" "):
        if not word:
            continue
        pieces = word.split("-")
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            token = piece if last else piece + "-"
            if token:
                yield token, index == 0


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
