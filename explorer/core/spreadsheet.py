"""Text bound for a spreadsheet: a cell that starts like a formula is made inert (OWASP "CSV injection").

Examples
--------
>>> neutralise("=HYPERLINK(1)"), neutralise("-0.5"), neutralise("plain")
("'=HYPERLINK(1)", '-0.5', 'plain')
"""

from __future__ import annotations

#: What makes Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a would-be formula gets a leading apostrophe (numbers stay)."""
    if text.startswith(FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text
