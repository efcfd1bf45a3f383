"""The comparison report: two contexts (or the as-is and a to-be) side by side, and why they differ, as HTML.

What a board reads about a :class:`~explorer.analysis.compare.Comparison`, with the change report's
look (:mod:`explorer.io.report`: the same styles, chart style, autoescaping template environment and
helpers): the title and date; both sides side by side (the map or scenario, the change, the figure with
its interval, the share of the exposed, the people exposed, the points); the difference, B minus A, with
its interval and the share of paired uncertainty runs in which A is the more resistant; the difference by
mechanism and by level as diverging bar charts (matplotlib); the points that moved most, matched across
the maps, a point of one side only marked as such; the structural difference in words and lists; the
caveat on the interval; and how the difference is decomposed. One self-contained page (styles inline,
charts as ``data:`` URIs, a Content-Security-Policy that allows nothing else); every text from the maps
is escaped by the template.

The PDF of the same report is :mod:`explorer.ui.files.compare_report_pdf`.

Examples
--------
>>> from explorer.analysis.compare import compare
>>> from explorer.analysis.graph import map_graph_from_text
>>> text = '''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <urn:x:c> a rx:ChangeProposal ; rdfs:label "Rota" ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
... <urn:x:p> a rx:Role ; rdfs:label "<b>Nurse</b>" ; rx:performs <urn:x:r> ; rx:changeFatigue %s .'''
>>> A, B = map_graph_from_text(text % "0.2"), map_graph_from_text(text % "0.9")
>>> page = comparison_html(compare(A, B, runs=20, names=("Ward 1", "Ward 2")), charts=False)
>>> "Ward 2 − Ward 1" in page, "&lt;b&gt;Nurse&lt;/b&gt;" in page, "<b>Nurse" in page
(True, True, False)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from pathlib import Path

from explorer import __version__
from explorer.analysis.compare import (
    Comparison,
    Part,
    shares_not_compared,
    signed_people,
    signed_points,
    structure_words,
)
from explorer.analysis.weights import load_weights
from explorer.core.atomic_file import atomic_write
from explorer.core.presentation import DRIVING_COLOUR, LEVELS, RESTRAINING_COLOUR
from explorer.core.software import software_line
from explorer.core.terms import local_name
from explorer.core.text import one_line

from .change_text import figure_caption, figure_sentence, interval, kind_text, people, percent
from .report import LIST_LIMIT, capped, chart_style, data_uri, figure_bytes, file_facts, template_env

__all__ = [
    "MECHANISMS_SHOWN",
    "TOP_MOVED",
    "chart_decomposition",
    "comparison_context",
    "comparison_html",
    "comparison_title",
    "difference_meaning",
    "leading_words",
    "render_comparison",
    "write_comparison_html",
]

#: Points in the table of the points that moved.
TOP_MOVED = 20
#: Mechanisms drawn and listed one by one; the rest are summed in one bar, so the bars still add up.
MECHANISMS_SHOWN = 12
#: The command line that lists everything the report caps.
COMMAND = "routine-explorer compare"
#: Where the whole difference is drawn under its parts.
TOTAL_COLOUR = "#3b434d"
OTHERS_COLOUR = "#aab2bd"
_MOVED = 1e-12


@functools.lru_cache(maxsize=1)
def _shipped_schema():
    # A comparison carries no ontology: kinds are named by the one shipped with the app.
    from explorer.core.document import MapDocument
    from explorer.core.schema import schema_of

    with MapDocument.new(with_ontology=False, editing=False) as document:
        return schema_of(document)


def _kind_words(kind, role: str) -> str:
    if kind is None:
        return ""
    found = _shipped_schema().kind(kind)
    return kind_text(found.label if found is not None else local_name(kind), role)


def _points_change(value: float) -> str:
    """A change of likelihood in percentage points, signed (``+58``, ``−3``, ``0``)."""
    shown = round(value * 100)
    return "0" if shown == 0 else f"{'+' if shown > 0 else '−'}{abs(shown)}"


# ----------------------------------------------------------------------------- the charts
def _rows(parts, total: float, limit: int | None, others: str) -> list:
    """``(label, value, kind)`` bars: the parts (past ``limit`` the rest summed), then the whole."""
    parts = list(parts)
    rows = [(one_line(p.label, 48), p.value, "part") for p in parts[:limit]]
    if limit is not None and len(parts) > limit:
        rows.append((f"{len(parts) - limit} {others}", sum(p.value for p in parts[limit:]), "others"))
    return rows + [("In all (B − A)", total, "total")]


def chart_decomposition(
    by_mechanism,
    by_level,
    total: float,
    *,
    limit: int | None = MECHANISMS_SHOWN,
    fmt: str = "svg",
    dpi: int = 200,
) -> bytes:
    """The difference (B minus A, people) by mechanism and by level: horizontal bars either side of zero.

    Two panels on one scale, the whole under the parts of each. A part that adds resistance in B points
    right in the restraining colour, one that takes it away points left in the driving colour (a red–blue
    pair that colour-blind eyes tell apart; the side of zero says the same); each bar carries its signed
    value. Past ``limit`` mechanisms the rest are summed in one grey bar, so the bars always add up.

    Examples
    --------
    >>> from explorer.analysis.compare import Part
    >>> mechanisms = [Part("a", "<fatigue>", 0.5), Part("b", "norms", -0.2)]
    >>> svg = chart_decomposition(mechanisms, [Part("1", "micro", 0.3)], 0.3)
    >>> svg.startswith(b"<?xml") and b"<script" not in svg
    True
    """
    from matplotlib.figure import Figure

    panels = [
        ("By mechanism", _rows(by_mechanism, total, limit, "other mechanisms")),
        ("By level", _rows([Part(p.key, p.label.capitalize(), p.value) for p in by_level], total, None, "")),
    ]
    values = [value for _, rows in panels for _, value, _ in rows] + [0.0]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    colours = {"total": TOTAL_COLOUR, "others": OTHERS_COLOUR}
    with chart_style():
        figure = Figure(figsize=(7.2, 1.0 + 0.27 * sum(len(rows) + 1.5 for _, rows in panels)), layout="constrained")
        grid = figure.add_gridspec(2, 1, height_ratios=[len(rows) + 0.5 for _, rows in panels])
        for index, (name, rows) in enumerate(panels):
            axes = figure.add_subplot(grid[index])
            ys = list(range(len(rows)))
            axes.barh(
                ys,
                [value for _, value, _ in rows],
                color=[
                    colours.get(kind, RESTRAINING_COLOUR if value > 0 else DRIVING_COLOUR) for _, value, kind in rows
                ],
                height=0.62,
            )
            axes.axvline(0, color="#1d232b", linewidth=0.8)
            axes.axhline(len(rows) - 1.5, color="#aab2bd", linewidth=0.6, linestyle=(0, (2, 2)))
            axes.set_yticks(ys, labels=[label for label, _, _ in rows])
            axes.invert_yaxis()
            # One scale for both panels, with room for the values at the bars' ends.
            axes.set_xlim(low - 0.16 * span, high + 0.16 * span)
            axes.set_title(name, loc="left", fontsize=9, fontweight="bold", color="#1d232b")
            for y, (_, value, kind) in zip(ys, rows, strict=True):
                axes.annotate(
                    signed_people(value),
                    (value, y),
                    xytext=(4 if value >= 0 else -4, 0),
                    textcoords="offset points",
                    ha="left" if value >= 0 else "right",
                    va="center",
                    fontsize=7.5,
                    fontweight="bold" if kind == "total" else "normal",
                    color="#1d232b",
                )
            axes.grid(axis="x", color="#e3e7ec", linewidth=0.6)
            axes.set_axisbelow(True)
        axes.set_xlabel("people likely to resist, B − A   (← fewer in B      more in B →)")
        return figure_bytes(figure, fmt, dpi)


# ----------------------------------------------------------------------------- in words
def _points_range(low: float, high: float) -> str:
    """``"+48 to +62 points"``: an interval of share differences, the unit said once."""
    return f"{signed_points(low).removesuffix(' points')} to {signed_points(high)}"


def _contains_zero(d) -> bool:
    # Which side is the more resistant is read on the share, so it is the share's interval that decides.
    low, high = (d.share_low, d.share_high) if d.share_low is not None else (d.low, d.high)
    return low <= 0 <= high


def nobody_words(comparison: Comparison) -> str:
    """Why the shares are not compared, or "" when they are (:func:`~explorer.analysis.compare.shares_not_compared`)."""
    return shares_not_compared(comparison)


def unmatched_words(comparison: Comparison) -> str:
    """How much of the difference comes from points drawn on one side only, in one sentence ("" when little).

    Examples
    --------
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> text = '''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
    ... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> .'''
    >>> B = map_graph_from_text(text + "<urn:x:q> a rx:Role ; rx:performs <urn:x:r> .")
    >>> print(unmatched_words(compare(map_graph_from_text(text), B, runs=0)).replace(chr(160), " "))
    ... # doctest: +NORMALIZE_WHITESPACE
    Of the +0.4 people, +0.4 comes from points drawn on one side only (their own reasons, not a change in the
    same roles and units) and 0.0 from points on both.
    """
    d = comparison.difference
    if abs(d.unmatched) < 0.05 or abs(d.figure) < 0.05:
        return ""
    return (
        f"Of the {signed_people(d.figure)} people, {signed_people(d.unmatched)} comes from points drawn on one side "
        f"only (their own reasons, not a change in the same roles and units) and "
        f"{signed_people(d.figure - d.unmatched)} from points on both."
    )


def difference_meaning(comparison: Comparison) -> str:
    """What the share of paired runs and the interval say about which context is the more resistant, in words.

    Examples
    --------
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
    ... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> .''')
    >>> print(difference_meaning(compare(G, G, runs=10)).replace(chr(160), " "))  # doctest: +NORMALIZE_WHITESPACE
    A has the higher share of its exposed people likely to resist in 0 % of the 10 paired runs, and B in 0 %.
    The interval contains 0: the model cannot tell the two contexts apart.
    """
    a, b, d = comparison.a.name, comparison.b.name, comparison.difference
    if d.low is None:
        return (
            "No uncertainty runs were made: there is no interval, and no telling how far the difference rests on "
            "the weights and the maps' inputs. Read it as indicative only."
        )
    if d.share is None:
        verdict = (
            "the interval contains 0: the model cannot tell the two numbers apart"
            if _contains_zero(d)
            else "the interval of the number likely to resist leaves out 0"
        )
        words = nobody_words(comparison)
        return f"{words[:1].upper()}{words[1:]}, only the numbers likely to resist; {verdict}."
    text = (
        f"{a} has the higher share of its exposed people likely to resist in {percent(d.a_more_resistant)} of the "
        f"{comparison.runs:,} paired runs, and {b} in {percent(d.b_more_resistant)}."
    )
    if _contains_zero(d):
        return text + " The interval contains 0: the model cannot tell the two contexts apart."
    higher, lower = (b, a) if d.share > 0 else (a, b)
    return (
        text + f" The interval leaves out 0: within what the runs vary, {higher} is the more resistant context "
        f"(a larger share of the people the change exposes there is likely to resist than in {lower})."
    )


def leading_words(comparison: Comparison, parts: int = 3) -> str:
    """Where most of the difference comes from, in one sentence: the leading mechanisms, then the levels.

    Examples
    --------
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> text = '''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
    ... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue %s .'''
    >>> A, B = map_graph_from_text(text % "0.2"), map_graph_from_text(text % "0.9")
    >>> leading_words(compare(A, B, runs=0))
    'It comes from change fatigue (+0.2); by level, micro +0.2.'
    """
    d = comparison.difference
    leading = [p for p in d.by_mechanism[:parts] if abs(p.value) >= 0.05]
    if not leading:
        return ""
    names = [f"{one_line(p.label, 80)} ({signed_people(p.value)})" for p in leading]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    most = " mostly" if len(d.by_mechanism) > len(leading) else ""
    levels = ", ".join(f"{p.label} {signed_people(p.value)}" for p in d.by_level if abs(p.value) >= 0.05)
    return f"It comes{most} from {joined}" + (f"; by level, {levels}." if levels else ".")


def _caveat(comparison: Comparison) -> list[str]:
    d = comparison.difference
    weights = comparison.weights if comparison.weights is not None else load_weights()
    spread = weights["uncertainty.weight_spread"]
    lines = [
        "Every figure in this report rests on weights that are assumptions, each with a source, and on the maps' "
        "inputs, which are estimates. The difference compares likely concerns in two contexts; it is not a "
        "measurement, and a small difference means little."
    ]
    if d.low is None:
        lines.append(
            "No uncertainty runs were made for this comparison: there is no interval and no share of runs, and the "
            "difference should be read as indicative only."
        )
        return lines
    lines.append(
        f"The intervals come from {comparison.runs:,} uncertainty runs of each side. Each run multiplied every "
        f"weight by a random factor between {1 - spread:.2f} and {1 + spread:.2f}, and drew each of the maps' "
        "inputs around its value by its stated confidence (an input a map does not give varies over its whole "
        f"scale). Both sides use the same seed ({comparison.seed}), so a run draws the same weights for A and for "
        "B: each run's difference is between the two contexts, not between two draws of luck. An interval holds "
        f"the middle {comparison.interval:.0%} of the runs' differences (and the estimate); the share of runs is "
        "the share in which A's share of its exposed people likely to resist is above B's."
    )
    here = "contains 0" if _contains_zero(d) else "leaves out 0"
    which = "the share" if d.share is not None else "the number likely to resist (the shares are not compared)"
    lines.append(
        "An interval that contains 0 means the model cannot tell the two contexts apart: the difference is within "
        "what its assumptions leave open. One that leaves out 0 says the difference holds whatever the runs varied, "
        f"not that it is large, nor that the maps are right. Here the interval of {which} {here}."
    )
    return lines


METHOD = (
    "Each side is analysed as the change report analyses a change, with the same weights and the same seed. "
    "Every difference is B minus A: comparing B with A gives the opposite signs, and a map compared with itself "
    "gives zero everywhere.",
    "The figure of each side is the expected number of people likely to resist: each person the change exposes "
    "counts by how likely they are to resist (a role or a unit by its headcount). Which context is the more "
    "resistant is read on the share of the people exposed who are likely to resist: two maps often draw different "
    "numbers of people, so the number itself does not compare them.",
    "The difference by mechanism is exact. The roles, units and people who carry the resistance are matched "
    "across the maps (the same IRI, else the same kind and name). For a matched carrier, its share of the "
    "difference is the change in its likelihood times its mean headcount on the two sides, plus the change in its "
    "headcount times its mean likelihood; nothing is left over. The headcount part is shown as “people "
    "counted”. The change in likelihood follows the change in resistance, which is split by mechanism: for a "
    "carrier that meets resistance on both sides, the change in what the change asks of it (routines, norms, "
    "jurisdiction) goes to those mechanisms, weighted by its context on the two sides, and the change in its "
    "context goes to the context mechanisms that moved, weighted by what is asked of it. A mechanism that is the "
    "same on both sides gets nothing: two maps that differ only in workload differ only under workload. A "
    "carrier on one side only, or meeting no resistance on one side (the change does not reach it there), "
    "contributes its likelihood split as its reasons are, so its whole share goes to its mechanisms. The parts "
    "add up to the difference, to rounding.",
    "By level, each carrier's share goes to its level (half to each when a matched carrier sits at different "
    "levels on the two sides).",
    "The points that moved are every point of either side (role, unit, routine or norm), matched by IRI, then by "
    "kind and name; a point of one side only is listed as such, with no resistance on the other side. The "
    "structural difference lists the nodes, ties and values of the two maps that differ; matched nodes count as "
    "the same node.",
)


# ----------------------------------------------------------------------------- the page
def _side(side, letter: str, runs: int) -> dict:
    figure = side.figure
    return {
        "letter": letter,
        "name": one_line(side.name, 200),
        "change": one_line(side.change_label, 300),
        "change_iri": str(side.change) if side.change is not None else "",
        "figure": people(figure.value) if figure.points else "0",
        "interval": f"{people(figure.low)}–{people(figure.high)}" if runs and figure.low is not None else "",
        "caption": figure_caption(figure),
        "sentence": figure_sentence(figure, runs),
        "share": percent(figure.share) if figure.points else "–",
        "share_interval": interval(figure.share_low, figure.share_high) if runs else "",
        "people": people(figure.people),
        "points": f"{figure.points:,}",
    }


def _parts(parts, total: float, limit: int | None, others: str) -> dict:
    parts = list(parts)
    shown = parts if limit is None else parts[:limit]
    rest = parts[len(shown) :]
    return {
        "items": [{"label": one_line(p.label, 120), "value": signed_people(p.value), "up": p.value > 0} for p in shown],
        "more": f"{len(rest):,} {others}" if rest else "",
        "more_value": signed_people(sum(p.value for p in rest)),
        "total": signed_people(total),
    }


def comparison_title(comparison: Comparison, title: str | None = None) -> str:
    """The report's title: ``title`` as one line, else "Comparison: A's name and B's name".

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> comparison_title(S(a=S(name="Ward 1"), b=S(name=" Ward  2 ")))
    'Comparison: Ward 1 and Ward 2'
    """
    if title:
        return one_line(title, 300)
    return f"Comparison: {one_line(comparison.a.name, 120)} and {one_line(comparison.b.name, 120)}"


def comparison_context(
    comparison: Comparison,
    *,
    title: str | None = None,
    top: int = TOP_MOVED,
    generated: dt.datetime | None = None,
    kind_words: Callable[[object, str], str] | None = None,
) -> dict:
    """Everything the template shows, as plain values (map text as it is: the template escapes it).

    ``top`` is how many of the points that moved the table lists; ``kind_words(kind, role)`` names a kind
    (by the shipped ontology's labels when omitted).

    Examples
    --------
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .''')
    >>> context = comparison_context(compare(G, G, runs=0))
    >>> context["title"], context["difference"]["figure"], context["moved"]["rows"]
    ('Comparison: A and B', '0.0', [])
    """
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"The number of points to show must be a whole number of at least 1, not {top!r}.")
    kind_words = kind_words or _kind_words
    generated = generated or dt.datetime.now().astimezone()
    a, b, d, runs = comparison.a, comparison.b, comparison.difference, comparison.runs
    name_a, name_b = one_line(a.name, 120), one_line(b.name, 120)

    moved = [m for m in comparison.moved if abs(m.difference) > _MOVED]
    rows = []
    for m in moved[:top]:
        rows.append(
            {
                "label": one_line(m.label, 160),
                "kind": kind_words(m.kind, m.role),
                "level": LEVELS.get(m.level, "meso"),
                "a": "–" if m.match == "b only" else percent(m.likelihood_a),
                "b": "–" if m.match == "a only" else percent(m.likelihood_b),
                "difference": _points_change(m.likelihood_b - m.likelihood_a),
                "up": m.difference > 0,
                "note": {"a only": "only in A", "b only": "only in B", "label": "matched by name"}.get(m.match, ""),
            }
        )
    counts = {key: sum(1 for m in comparison.moved if m.match == key) for key in ("a only", "b only")}

    s = comparison.structure

    def listed(title_text: str, items: list[str]) -> dict:
        return {"title": title_text, "count": len(items), "items": capped(items, LIST_LIMIT, command=COMMAND)}

    structure_lists = [
        listed("Nodes added (in B only)", [f"{one_line(lb, 120)} ({kind_words(k, '')})" for _, lb, k in s.nodes_added]),
        listed(
            "Nodes removed (in A only)", [f"{one_line(lb, 120)} ({kind_words(k, '')})" for _, lb, k in s.nodes_removed]
        ),
        listed("Ties added (in B only)", [_tie(t) for t in s.ties_added]),
        listed("Ties removed (in A only)", [_tie(t) for t in s.ties_removed]),
        listed(
            "Values changed (A → B)",
            [
                f"{one_line(v.label, 100)}: {one_line(v.property_label, 60)} {one_line(v.before_text, 60)} → "
                f"{one_line(v.after_text, 60)}"
                for v in s.values_changed
            ],
        ),
    ]

    weights = comparison.weights if comparison.weights is not None else load_weights()
    weights_path = getattr(weights, "path", None)
    facts = [
        ("A", f"{name_a}: “{one_line(a.change_label, 200)}” <{a.change}>"),
        ("B", f"{name_b}: “{one_line(b.change_label, 200)}” <{b.change}>"),
        (
            "Uncertainty",
            f"{runs:,} paired runs, seed {comparison.seed} on both sides; weights "
            f"±{weights['uncertainty.weight_spread']:.0%}, inputs by their confidence; intervals of the middle "
            f"{comparison.interval:.0%}"
            if runs
            else "not run",
        ),
        ("Weights", file_facts(weights_path) if weights_path is not None else "built in"),
        (
            "Nodes matched",
            f"{s.matched_by_iri:,} by IRI, {s.matched_by_label:,} by kind and name",
        ),
        ("Software", software_line()),
        ("Generated", generated.isoformat(timespec="seconds")),
    ]
    return {
        "title": comparison_title(comparison, title),
        "date_long": f"{generated.day} {generated:%B %Y}",
        "generated_iso": generated.isoformat(timespec="seconds"),
        "software_version": __version__,
        "sides": [_side(a, "A", runs), _side(b, "B", runs)],
        "difference": {
            "figure": signed_people(d.figure),
            "up": d.figure > 0,
            "interval": (
                f"{signed_people(d.low)} to {signed_people(d.high)}" if d.low is not None and d.high is not None else ""
            ),
            "share": signed_points(d.share) if d.share is not None else "–",
            "share_up": d.share is not None and d.share > 0,
            "not_compared": nobody_words(comparison),
            "unmatched": unmatched_words(comparison),
            "share_interval": (
                _points_range(d.share_low, d.share_high) if d.share_low is not None and d.share_high is not None else ""
            ),
            "label": f"{name_b} − {name_a}",
            "a_more": percent(d.a_more_resistant) if d.a_more_resistant is not None else "",
            "meaning": difference_meaning(comparison),
            "leading": leading_words(comparison),
            "people": signed_people(d.people),
            "runs": f"{runs:,}",
            "interval_share": percent(comparison.interval),
        },
        "by_mechanism": _parts(d.by_mechanism, d.figure, MECHANISMS_SHOWN, "other mechanisms"),
        "by_level": _parts(
            [Part(p.key, p.label.capitalize(), p.value) for p in d.by_level], d.figure, None, "other levels"
        ),
        "moved": {
            "rows": rows,
            "count": len(moved),
            "all": len(comparison.moved),
            "a_only": counts["a only"],
            "b_only": counts["b only"],
        },
        "structure": {
            "words": structure_words(s),
            "empty": s.empty,
            "lists": [item for item in structure_lists if item["count"]],
        },
        "caveat": _caveat(comparison),
        "method": {"paragraphs": list(METHOD), "facts": facts},
    }


def _tie(t) -> str:
    return f"{one_line(t.source, 100)} — {one_line(t.relation_label, 60)} → {one_line(t.target, 100)}"


def render_comparison(
    context: Mapping,
    *,
    charts: Mapping[str, str] | None = None,
    for_print: bool = False,
    image_width: int = 680,
) -> str:
    """The report page from :func:`comparison_context` and chart sources (``data:`` URIs)."""
    template = template_env().get_template("compare_report.html.j2")
    return template.render(
        **context,
        charts={"decomposition": None, **(charts or {})},
        for_print=for_print,
        image_width=image_width,
    )


def comparison_html(
    comparison: Comparison,
    *,
    title: str | None = None,
    top: int = TOP_MOVED,
    charts: bool = True,
    chart_format: str = "svg",
    for_print: bool = False,
    image_width: int = 680,
    generated: dt.datetime | None = None,
    kind_words: Callable[[object, str], str] | None = None,
) -> str:
    """The comparison report as one HTML page.

    Charts are SVG by default (PNG for engines without SVG images, such as the PDF's); ``for_print`` and
    ``image_width`` lay it out for a page of paper.
    """
    context = comparison_context(comparison, title=title, top=top, generated=generated, kind_words=kind_words)
    images = {}
    d = comparison.difference
    if charts and (d.by_mechanism or d.by_level):
        mime = {"svg": "image/svg+xml", "png": "image/png"}[chart_format]
        images["decomposition"] = data_uri(
            chart_decomposition(d.by_mechanism, d.by_level, d.figure, fmt=chart_format), mime
        )
    return render_comparison(context, charts=images, for_print=for_print, image_width=image_width)


def write_comparison_html(
    comparison: Comparison,
    path: str | Path,
    *,
    title: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    generated: dt.datetime | None = None,
) -> None:
    """Write the comparison report as a self-contained HTML file (atomically: a failure leaves no half file).

    Examples
    --------
    >>> import tempfile
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .''')
    >>> out = Path(tempfile.mkdtemp()) / "comparison.html"
    >>> write_comparison_html(compare(G, G, runs=0, names=("Today", "Tomorrow")), out)
    >>> "<title>Comparison: Today and Tomorrow</title>" in out.read_text(encoding="utf-8")
    True
    """
    report = progress or (lambda done, total: None)
    report(0, 100)
    page = comparison_html(comparison, title=title, generated=generated)
    report(90, 100)
    atomic_write(path, page.encode("utf-8"))
    report(100, 100)
