"""Text from the map (labels, titles, messages) made safe for the Qt widget that shows it.

Examples
--------
>>> safe_text("<img src=x> & more")
'<p>&lt;img src=x&gt; &amp; more</p>'
>>> menu_text("Q&A")
'Q&&A'
"""

from __future__ import annotations

import html


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
