"""A change analysis in words: the figure, percentages, intervals, roles, reasons by group, levers' effects.

One home for the wording the Analysis panel, the report and the exports share,
so that they say the same thing the same way. Plain text only: callers escape
it where they show it as markup. Qt-free.

Examples
--------
>>> from explorer.analysis.change import Figure
>>> figure_sentence(Figure(4.99, 4.3, 5.7, people=8, points=8), runs=200)
'5.0 of the 8 people the change exposes are likely to resist (62\xa0%; 4.3–5.7 across the uncertainty runs).'
>>> figure_sentence(Figure(0.0, people=0, points=0), runs=0)
'The change asks nobody on the map to do anything differently: no resistance is expected from it.'
>>> percent(0.9991), percent(0.004), percent(None)
('> 99\xa0%', '< 1\xa0%', '–')
>>> plain_missing("who leads it (rx:ledBy)")
'who leads it'
"""

from __future__ import annotations

import re

from explorer.analysis.resistance.explain import (
    NBSP,
    NO_POINTS,
    figure_caption,
    figure_meaning,
    figure_sentence,
    interval,
    lever_effect,
    people,
    percent,
)
from explorer.core.text import one_line

__all__ = [
    "NBSP",
    "NO_POINTS",
    "ROLE_NOTES",
    "figure_caption",
    "figure_meaning",
    "figure_sentence",
    "interval",
    "kind_text",
    "lever_effect",
    "people",
    "percent",
    "plain_missing",
    "rank_range",
    "reason_groups",
]


#: What a point's likelihood is about, by its role.
ROLE_NOTES = {
    "carrier": "its own likely resistance",
    "collective": "the share of all its people likely to resist, its members included",
    "routine": "the likely resistance of those who carry it",
    "norm": "the likely resistance of those who hold it",
}

_CURIE = re.compile(r"\s*\((?:[A-Za-z][\w-]*):[A-Za-z_][\w.-]*\)")


def rank_range(low, high) -> str:
    """``"2–3"``, ``"1"`` when it never moves, ``"–"`` without runs."""
    if low is None or high is None:
        return "–"
    return str(low) if low == high else f"{low}–{high}"


def _people(count: float) -> str:
    count = float(count)
    return f"{count:,.0f}" if abs(count - round(count)) < 0.05 else f"{count:,.1f}"


def kind_text(kind_label: str, role: str) -> str:
    """The kind as the points table shows it: a collective is its members (``"Unit (its members)"``).

    Examples
    --------
    >>> kind_text("Unit", "collective"), kind_text("Routine", "routine")
    ('Unit (its members)', 'Routine')
    """
    return f"{kind_label} (its members)" if role == "collective" else kind_label


def plain_missing(phrase: str) -> str:
    """An input the map does not give, without the property's CURIE a person does not need."""
    return one_line(_CURIE.sub("", str(phrase)))


def reason_groups(reasons) -> tuple[list, list, list]:
    """``(transgressions, harder, easier)``: what the change transgresses (with a collective's members'
    transgressions), and the context that makes it harder or easier to bear; each strongest first."""
    sources = sorted((r for r in reasons if r.kind in ("transgression", "members")), key=lambda r: -abs(r.value))
    context = [r for r in reasons if r.kind not in ("transgression", "members")]
    harder = sorted((r for r in context if r.value > 0), key=lambda r: -r.value)
    easier = sorted((r for r in context if r.value < 0), key=lambda r: r.value)
    return sources, harder, easier
