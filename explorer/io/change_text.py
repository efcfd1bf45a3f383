"""A change analysis in words: the figure, percentages, intervals, roles, reasons by group, levers' effects.

One home for the wording the Analysis panel, the report and the exports share,
so that they say the same thing the same way. Plain text only: callers escape
it where they show it as markup. Qt-free.

Examples
--------
>>> from explorer.analysis.change import Figure
>>> figure_sentence(Figure(0.6235, 0.54, 0.712, people=8, points=8), runs=200)
'62\xa0% of the 8 people the change exposes are likely to resist (54–71\xa0%).'
>>> figure_sentence(Figure(0.0, people=0, points=0), runs=0)
'The change asks nobody on the map to do anything differently: no resistance is expected from it.'
>>> percent(0.9991), percent(0.004), percent(None)
('> 99\xa0%', '< 1\xa0%', '–')
>>> plain_missing("who leads it (rx:ledBy)")
'who leads it'
"""

from __future__ import annotations

import re

from explorer.analysis.resistance.explain import NBSP, interval, percent

__all__ = [
    "NBSP", "NO_POINTS", "ROLE_NOTES", "figure_caption", "figure_meaning", "figure_sentence", "interval", "kind_text", "lever_effect",
    "percent", "plain_missing", "rank_range", "reason_groups",
]

#: What the panel and the report say when the change exposes nobody.
NO_POINTS = "The change asks nobody on the map to do anything differently: no resistance is expected from it."

#: What a point's likelihood is about, by its role.
ROLE_NOTES = {
    "carrier": "its own likely resistance",
    "collective": "its exposed members' likely resistance, taken together",
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


def figure_sentence(figure, runs: int = 0) -> str:
    """The context figure in one sentence, with its interval when there were uncertainty runs.

    Examples
    --------
    >>> from explorer.analysis.change import Figure
    >>> figure_sentence(Figure(0.4, people=1, points=1)).replace(NBSP, " ")
    'The one person the change exposes is 40 % likely to resist.'
    """
    if not figure.points:
        return NO_POINTS
    span = interval(figure.low, figure.high) if runs else ""
    tail = f" ({span})." if span else "."
    if abs(float(figure.people) - 1.0) < 0.05:
        return f"The one person the change exposes is {percent(figure.value)} likely to resist" + tail
    return f"{percent(figure.value)} of the {_people(figure.people)} people the change exposes are likely to resist" + tail


def figure_caption(figure) -> str:
    """What follows the figure's number where it stands alone (a report's headline box).

    Examples
    --------
    >>> from explorer.analysis.change import Figure
    >>> figure_caption(Figure(0.62, people=8, points=8)), figure_caption(Figure(0.4, people=1, points=1))
    ('of the 8 people the change exposes are likely to resist', 'likelihood that the one person the change exposes resists')
    """
    if not figure.points:
        return "likely to resist: the change asks nobody on the map to do anything differently"
    if abs(float(figure.people) - 1.0) < 0.05:
        return "likelihood that the one person the change exposes resists"
    return f"of the {_people(figure.people)} people the change exposes are likely to resist"


def figure_meaning(figure, runs: int = 0) -> str:
    """What the figure is and where its interval comes from, for a tooltip or a caption."""
    text = ("The expected share of the people the change exposes who are likely to resist: each exposed person "
            "counts by how likely they are to resist (a role by its headcount)")
    if figure.points:
        text += f"; {figure.points:,} point{'s' if figure.points != 1 else ''} of the map stand for them"
    text += "."
    if runs and figure.low is not None:
        text += (f" The interval holds the middle {figure.interval:.0%} of {runs:,} uncertainty runs, in which the weights "
                 "and the map's inputs vary (each input by its stated confidence; a missing one over its whole scale).")
    else:
        text += " No uncertainty runs were made: there is no interval."
    return text


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
    return " ".join(_CURIE.sub("", str(phrase)).split())


def reason_groups(reasons) -> tuple[list, list, list]:
    """``(transgressions, harder, easier)``: what the change transgresses (with a collective's members'
    transgressions), and the context that makes it harder or easier to bear; each strongest first."""
    sources = sorted((r for r in reasons if r.kind in ("transgression", "members")), key=lambda r: -abs(r.value))
    context = [r for r in reasons if r.kind not in ("transgression", "members")]
    harder = sorted((r for r in context if r.value > 0), key=lambda r: -r.value)
    easier = sorted((r for r in context if r.value < 0), key=lambda r: r.value)
    return sources, harder, easier


def lever_effect(lever, *, short: bool = False) -> str:
    """A lever's effect on the figure in percentage points: ``"−4.2 pts likely to resist"`` (``short``: ``"−4.2 pts"``).

    Examples
    --------
    >>> from explorer.analysis.change import Lever
    >>> lever_effect(Lever("resources", "Resource it", effect=0.0423)).replace(NBSP, " "), lever_effect(Lever("x", "y"))
    ('−4.2 pts likely to resist', 'no measurable effect')
    """
    points = -float(lever.effect) * 100
    if abs(points) < 0.05:
        return "none" if short else "no measurable effect"
    return f"{'−' if points < 0 else '+'}{abs(points):.1f}{NBSP}pts" + ("" if short else " likely to resist")
