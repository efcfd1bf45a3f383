"""How the map is shown, in one place for the canvas, the legends, the analysis dock and every export: the names of the levels, the colour a kind without a valid one falls back to, and the heat scale.

Qt-free on purpose: the exports (HTML, GraphML, GEXF, the report) and the Qt views
read the same facts, so a level is named and a likelihood is coloured alike
everywhere.

Examples
--------
>>> LEVELS[1], level_title(3), heat_colour(1.0)
('micro', 'Macro', '#d7301f')
"""

from __future__ import annotations

import math
import re

#: The three levels by their order in the ontology (``rx:levelOrder``): 1 micro, 2 meso, 3 macro.
LEVELS: dict[int, str] = {1: "micro", 2: "meso", 3: "macro"}
#: What each level holds, as the canvas's band tooltips say it.
LEVEL_HINTS: dict[int, str] = {
    3: "society: professions, regulators, laws, markets, the public",
    2: "organisations, units and their routines",
    1: "individuals and small groups",
}


#: The colour of a kind that has no valid ``#rrggbb`` colour of its own.
FALLBACK_COLOUR = "#8a95a5"


_COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")


def safe_colour(text: str | None) -> str:
    """``text`` if it is a ``#rrggbb`` colour (lower-cased), else the neutral grey kinds fall back to.

    Examples
    --------
    >>> safe_colour("#5FA880"), safe_colour("red; background:url(x)")
    ('#5fa880', '#8a95a5')
    """
    return text.lower() if isinstance(text, str) and _COLOUR_PATTERN.fullmatch(text) else FALLBACK_COLOUR


def level_title(level: int, default: str = "Meso") -> str:
    """The level's name as a title (``"Macro"``), or ``default`` for a level outside 1–3.

    Examples
    --------
    >>> level_title(1), level_title(7)
    ('Micro', 'Meso')
    """
    name = LEVELS.get(level)
    return name.capitalize() if name else default


#: What the heat shows, on a fixed scale (so two maps compare): the analysis's likelihood of resistance.
HEAT_NAME = "likelihood of resistance"


HEAT_RANGE = "0–100 %"


HEAT_LEGEND = f"{HEAT_NAME}, {HEAT_RANGE}"


#: The top of the heat scale: a likelihood of 1 is fully coloured, whatever the map's largest.
HEAT_TOP = 1.0

#: Opacity of a heat halo at likelihood 0 and 1 (the canvas, the legends and the images draw the same ramp).
HEAT_ALPHA = (0.12, 0.85)
#: The colours of forces that push against a change (restraining) and for it (driving), in bars and legends.
RESTRAINING_COLOUR = "#d6604d"
DRIVING_COLOUR = "#4393c3"


def heat_strength(value) -> float | None:
    """A heat value as a strength on the fixed 0–1 scale (clamped), or None when it is not a number.

    Examples
    --------
    >>> heat_strength(0.62), heat_strength(1.5), heat_strength(-0.2), heat_strength(float("nan"))
    (0.62, 1.0, 0.0, None)
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    return min(HEAT_TOP, max(0.0, value)) / HEAT_TOP


def heat_colour(score: float, top: float = HEAT_TOP) -> str:
    """The heat overlay's colour for ``score``: from pale (0) to warm red (``top``), as the canvas draws it.

    The exports call it with the likelihood of resistance on the fixed scale
    (``top`` 1), so the same likelihood has the same colour on every map. The
    model's resistance is never negative; a negative value (cool blue) is only
    kept for callers with a signed score of their own.

    Examples
    --------
    >>> heat_colour(1.0, 1.0), heat_colour(-1.0, 1.0), heat_colour(0.0, 1.0)
    ('#d7301f', '#2b8cbe', '#f2f2f2')
    """
    strength = min(1.0, abs(score) / top) if top else 0.0
    warm, cool, pale = (0xD7, 0x30, 0x1F), (0x2B, 0x8C, 0xBE), (0xF2, 0xF2, 0xF2)
    end = warm if score > 0 else cool
    mixed = [round(p + (e - p) * strength) for p, e in zip(pale, end)]
    return "#" + "".join(f"{c:02x}" for c in mixed)
