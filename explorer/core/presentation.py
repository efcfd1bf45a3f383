"""How the map is shown, in one place for the canvas, the legends, the analysis dock and every export.

It holds the size of a node as drawn, the names of the levels, the colour a kind
without a valid one falls back to, the heat scale and the legend's entries.

Qt-free on purpose: the exports (HTML, GraphML, GEXF, the report) and the Qt views
read the same facts, so a level is named, a likelihood is coloured and a legend
lists the same entries everywhere.

Examples
--------
>>> LEVELS[1], level_title(3), heat_colour(1.0)
('micro', 'Macro', '#d7301f')
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from .namespaces import RX
from .terms import local_name
from .text import one_line

if TYPE_CHECKING:
    from .projection import Projection
    from .schema import Schema

#: A node's box as drawn, in scene units at 100 % zoom: the canvas, the exports and the level bands
#: (``layout.bands``, which keep half a node clear of a band's edge) all read it.
NODE_W = 130.0
NODE_H = 44.0

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


#: How ties of no family (:data:`OTHER_FAMILY_IRI`) are drawn, all alike: grey on a light
#: background (the images, the HTML page, the canvas's light theme) and on the canvas's dark one.
PLAIN_TIE_COLOUR = "#a4acb6"
PLAIN_TIE_DARK_COLOUR = "#646c77"
#: The legend's one entry for every tie of no family.
PLAIN_TIE_LABEL = "other relation"
PLAIN_TIE_COMMENT = "A tie of no family above (a source, an analysis result…): its relation shows on hover."
#: The legend's entry for the nodes the heat does not rank (drawn dimmed).
UNRANKED_LABEL = "not ranked (dimmed)"
_LINE_STYLES = ("solid", "dashed", "dotted")
#: Widest a tie's line is drawn, in canvas units (a hostile ``rx:lineWidth`` is clamped to it).
MAX_TIE_WIDTH = 6.0


@dataclass(frozen=True)
class TieStyle:
    """How a tie is drawn and named: its family's look and plain name (see :func:`tie_style`).

    Attributes
    ----------
    family : str
        The family's IRI; ``""`` for the "other relation" family.
    label : str
        The family's name in plain words ("violates a norm").
    colour : str
        A ``#rrggbb`` colour for a light background.
    line_style : str
        ``"solid"``, ``"dashed"`` or ``"dotted"``.
    width : float
        The line's width in canvas units.
    order : int
        The family's place in the legend.
    comment : str
        What the family means, for a tooltip.
    """

    family: str
    label: str
    colour: str
    line_style: str
    width: float
    order: int
    comment: str = ""


#: The family of ties the ontology puts nowhere else (``rx:familyOther``): drawn as :data:`OTHER_TIE_STYLE`.
OTHER_FAMILY_IRI = "https://w3id.org/routine-explorer/ns#familyOther"
#: The style of a tie the ontology gives no family.
OTHER_TIE_STYLE = TieStyle("", PLAIN_TIE_LABEL, PLAIN_TIE_COLOUR, "solid", 1.2, 999, PLAIN_TIE_COMMENT)


def _name(text: str) -> str:
    """A family's or relation's name on one line, cut at 60 characters (a hostile ontology's may be long)."""
    return one_line(text, 60)


def tie_style(schema: Schema, relation) -> TieStyle:
    """How ties of ``relation`` (a property, or a qualified tie's class) are drawn: their family's style.

    The family is the relation's ``rx:tieFamily`` in ``presentation.ttl``; a
    relation without one, or whose family is "other", is drawn as
    :data:`OTHER_TIE_STYLE`. Colours, line styles and widths are checked, so a
    hostile ontology cannot inject them.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.namespaces import ORG, RX
    >>> from explorer.core.schema import Schema
    >>> doc = MapDocument.new()
    >>> schema = Schema.from_store(doc.store)
    >>> tie_style(schema, RX.violates).label, tie_style(schema, ORG.memberOf).label
    ('violates a norm', 'belongs to')
    >>> tie_style(schema, RX.Stance).line_style, tie_style(schema, RX.hasPoint) == OTHER_TIE_STYLE
    ('dotted', True)
    >>> doc.close()
    """
    family = schema.family_of.get(relation)
    if family is None or str(family.iri) == OTHER_FAMILY_IRI:
        return OTHER_TIE_STYLE
    width = family.width if isinstance(family.width, (int, float)) and math.isfinite(family.width) else 1.6
    return TieStyle(
        str(family.iri),
        _name(family.label),
        safe_colour(family.colour),
        family.line_style if family.line_style in _LINE_STYLES else "solid",
        min(MAX_TIE_WIDTH, max(0.5, float(width))),
        family.order,
        family.comment,
    )


def is_membership(schema: Schema, relation) -> bool:
    """Whether ties of ``relation`` (a property, or a qualified tie's class) say a node belongs to another.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.namespaces import ORG, RX
    >>> from explorer.core.schema import Schema
    >>> doc = MapDocument.new()
    >>> schema = Schema.from_store(doc.store)
    >>> is_membership(schema, ORG.memberOf), is_membership(schema, RX.ownedBy), is_membership(schema, RX.violates)
    (True, True, False)
    >>> doc.close()
    """
    family = schema.family_of.get(relation)
    return family is not None and family.iri == RX.familyMembership  # member of, unit of, owned by…


def relation_name(schema: Schema, tie) -> str:
    """What a tie's relation is called, in the ontology's words: the qualified tie's class or the property.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> relation_name(None, SimpleNamespace(relation="x", tie=None, label="member of"))
    'member of'
    """
    kind = schema.kind(tie.relation) if schema is not None and tie.tie is not None else None
    return _name(kind.label if kind is not None else tie.label)


def relation_in_family(relation: str, family: str) -> str:
    """What a tie's hover says: its relation, then the family its colour and line stand for.

    The family is left out when it adds nothing: it is the relation's own name, or "other relation".

    Examples
    --------
    >>> relation_in_family("member of", "belongs to"), relation_in_family("has point", PLAIN_TIE_LABEL)
    ('member of (belongs to)', 'has point')
    """
    return relation if family in (relation, PLAIN_TIE_LABEL, "") else f"{relation} ({family})"


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: a node kind, a tie style or a step of the heat scale.

    Attributes
    ----------
    kind : str
        The kind's IRI; ``""`` for the plain ties' entry and the heat's.
    label : str
        What the legend says.
    colour : str
        A ``#rrggbb`` colour: the kind's fill, the tie's line, or the heat's strongest colour.
    shape : str
        The node shape (``rx:shape``): set for a node kind and for the heat's "not ranked" entry.
    line_style : str
        ``"solid"``, ``"dashed"`` or ``"dotted"``: set for a tie style.
    count : int or None
        How many nodes or ties the entry stands for; None for the heat's entries.
    section : str
        ``"node"``, ``"tie"`` or ``"heat"``.
    comment : str
        What the kind means (the ontology's comment), for a tooltip.
    line_width : float
        For a tie style: its line's width in canvas units (0 for the other sections).
    """

    kind: str
    label: str
    colour: str
    shape: str
    line_style: str
    count: int | None
    section: str = "node"
    comment: str = ""
    line_width: float = 0.0


class LegendCounts(NamedTuple):
    """What a legend counts: nodes by kind, ties by way of naming a relation, and one tie of each way.

    A way is ``(relation, plain, label)``: the relation, whether the tie is a plain statement (not a
    qualified tie), and the label it goes by. A legend kept up to date by difference
    (:class:`~explorer.ui.canvas.legend.Legend`) changes these counts and lists the map again from them.
    """

    kinds: dict  # kind IRI (or None) -> number of nodes
    ways: dict  # way -> number of ties
    samples: dict  # way -> one tie that goes that way


def tie_way(tie) -> tuple:
    """How a tie is counted in the legend: ``(relation, plain, label)`` (see :class:`LegendCounts`)."""
    return (tie.relation, tie.tie is None, tie.label)


def legend_counts(projection: Projection) -> LegendCounts:
    """The :class:`LegendCounts` of ``projection``, counted in C (a big map has hundreds of thousands of ties).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> legend_counts(SimpleNamespace(nodes={}, ties={}))
    LegendCounts(kinds=Counter(), ways=Counter(), samples={})
    """
    ties = list(projection.ties.values())
    return count_legend(map(attrgetter("kind"), projection.nodes.values()), list(map(tie_way, ties)), ties)


def count_legend(kinds: Iterable, ways: list, ties: list) -> LegendCounts:
    """:class:`LegendCounts` of the nodes' ``kinds`` and the ``ways`` of ``ties`` (one way per tie, in order).

    Examples
    --------
    >>> count_legend(["Unit", "Unit", "Role"], [], []).kinds["Unit"]
    2
    """
    return LegendCounts(Counter(kinds), Counter(ways), dict(zip(ways, ties)))


def legend_entries(
    projection: Projection, schema: Schema, *, heat: bool = False, counts: LegendCounts | None = None
) -> list[LegendEntry]:
    """What a legend of the map lists, in order: each node kind present, each tie family present, then the heat.

    Node kinds come in the palette's order, each with its count; ties come by
    family (:func:`tie_style`: "belongs to", "violates a norm"…), in the
    families' order, each with its count and, in its comment, the relations it
    stands for on this map; ties of no family share the last, "other relation"
    entry. With ``heat``, two entries explain the heat: its scale
    (from :data:`HEAT_RANGE`, in its strongest colour) and the nodes it leaves
    unranked.

    Parameters
    ----------
    projection : Projection
        The map as drawn.
    schema : Schema
        Gives each kind's label, colour, shape and comment, and each relation's family.
    heat : bool
        Whether the heat is shown.
    counts : LegendCounts, optional
        The projection's counts, when kept already (:func:`legend_counts`).

    Returns
    -------
    list of LegendEntry

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.projection import Projection
    >>> from explorer.core.resources import sample_graphs_dir
    >>> from explorer.core.schema import Schema
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> schema = Schema.from_store(doc.store)
    >>> entries = legend_entries(Projection.build(doc.store, schema), schema, heat=True)
    >>> sorted({e.section for e in entries}), entries[-2].label, entries[-1].label
    (['heat', 'node', 'tie'], '0–100 %', 'not ranked (dimmed)')
    >>> doc.close()
    """
    if counts is None:
        counts = legend_counts(projection)
    nodes = []
    for iri, count in counts.kinds.items():
        if count <= 0:
            continue
        kind = schema.kind(iri) if iri is not None else None
        if kind is not None:
            key = (kind.group_order, kind.order, kind.label.casefold(), str(iri))
            colour = safe_colour(kind.colour)
            entry = LegendEntry(str(iri), kind.label, colour, kind.shape, "", count, "node", kind.comment)
        else:  # a kind the ontology does not know: last, named by its IRI
            label = local_name(iri) if iri is not None else "Other"
            key = (999, 999, label.casefold(), str(iri or ""))
            entry = LegendEntry(str(iri or ""), label, FALLBACK_COLOUR, "rounded-rectangle", "", count, "node")
        nodes.append((key, entry))
    # A big map has hundreds of thousands of ties and a few dozen ways of naming a relation: ties are
    # counted by those (legend_counts), then each way is styled once (a style's own hash is Python code:
    # 1 s per 100k ties when counted tie by tie).
    styles: dict = {}
    by_style: dict = {}
    named: dict = {}  # style -> one tie per way of naming a relation
    for way, count in counts.ways.items():
        if count <= 0:
            continue
        tie = counts.samples[way]
        style = styles.get(tie.relation)
        if style is None:
            style = styles[tie.relation] = tie_style(schema, tie.relation)
        by_style[style] = by_style.get(style, 0) + count
        named.setdefault(style, {})[way] = tie
    entries = [entry for _, entry in sorted(nodes, key=lambda ke: ke[0])]
    for style, kinds in sorted(named.items(), key=lambda sc: (sc[0].order, sc[0].label.casefold())):
        names = sorted({relation_name(schema, t) for t in kinds.values()}, key=str.casefold)
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        comment = f"{style.comment} On this map: {shown}." if style.comment else f"On this map: {shown}."
        entries.append(
            LegendEntry(
                style.family,
                style.label,
                style.colour,
                "",
                style.line_style,
                by_style[style],
                "tie",
                comment,
                style.width,
            )
        )
    if heat:
        entries.append(LegendEntry("", HEAT_RANGE, heat_colour(HEAT_TOP), "", "", None, "heat", HEAT_LEGEND))
        entries.append(LegendEntry("", UNRANKED_LABEL, FALLBACK_COLOUR, "rounded-rectangle", "", None, "heat"))
    return entries
