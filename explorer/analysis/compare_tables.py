"""A comparison of two analyses as text for a terminal, or as JSON or CSV for other tools.

:func:`~explorer.analysis.compare.compare` gives a :class:`~explorer.analysis.compare.Comparison`;
this module writes it out for ``routine-explorer compare``: :func:`as_text` (the summary in
sentences, the points that moved most, the difference by mechanism and by level, the structural
difference), :func:`as_dict`/:func:`as_json` (every figure of the difference under the key
``difference``, B minus A, IRIs as strings) and :func:`as_csv` (one row per point; text cells a
spreadsheet would read as a formula are neutralised).

Examples
--------
>>> from explorer.analysis.compare import compare
>>> from explorer.analysis.graph import map_graph_from_text
>>> text = '''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
... <urn:x:p> a rx:Role ; rdfs:label "Nurse" ; rx:performs <urn:x:r> ; rx:changeFatigue %s .'''
>>> A, B = map_graph_from_text(text % "0.2"), map_graph_from_text(text % "0.9")
>>> result = compare(A, B, runs=0, names=("Before", "After"))
>>> data = as_dict(result)
>>> round(data["difference"]["figure"], 3), [p["key"] for p in data["difference"]["by_mechanism"]]
(0.205, ['context.change_fatigue'])
>>> print(as_csv(result).splitlines()[1])
Nurse,Role,carrier,micro,0.3334,0.6713,0.3380,0.2835,0.4890,0.2055,iri,urn:x:p,urn:x:p
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import fields
from fractions import Fraction

from rdflib.term import Identifier

from explorer.core.presentation import LEVELS
from explorer.core.spreadsheet import neutralise
from explorer.core.terms import local_name
from explorer.core.text import one_line

from .compare import Comparison, Moved, StructuralDifference, signed_people, summary
from .resistance.explain import NBSP

__all__ = ["CSV_COLUMNS", "as_csv", "as_dict", "as_json", "as_text"]

#: The columns of :func:`as_csv`, one row per point.
CSV_COLUMNS = (
    "label",
    "kind",
    "role",
    "level",
    "score_a",
    "score_b",
    "difference",
    "likelihood_a",
    "likelihood_b",
    "likelihood_difference",
    "match",
    "iri_a",
    "iri_b",
)
#: How a point was matched, in words (for the table).
_MATCH_WORDS = {"iri": "", "label": "matched by name", "a only": "only in A", "b only": "only in B"}


def _kind_local(kind, role: str) -> str:
    return local_name(kind) if kind is not None else ""


def _iri(node) -> str | None:
    return None if node is None else str(node)


def _plain(value):
    """A value of the map graph as JSON data: IRIs and literals as strings, sets as sorted lists."""
    if isinstance(value, Identifier):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, frozenset | set | tuple | list):
        return sorted((_plain(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, Fraction):
        return float(value)
    return str(value)


def _figure(figure) -> dict:
    return {
        "value": figure.value,
        "low": figure.low,
        "high": figure.high,
        "interval": figure.interval,
        "people": figure.people,
        "share": figure.share,
        "points": figure.points,
    }


def _side(side) -> dict:
    return {
        "name": side.name,
        "change": _iri(side.change),
        "change_label": side.change_label,
        "figure": _figure(side.figure),
    }


def _parts(parts) -> list[dict]:
    return [{"key": p.key, "label": p.label, "value": p.value} for p in parts]


def _point(m: Moved) -> dict:
    return {
        "label": m.label,
        "kind": _iri(m.kind),
        "role": m.role,
        "level": LEVELS.get(m.level),
        "node_a": _iri(m.node_a),
        "node_b": _iri(m.node_b),
        "score_a": m.score_a,
        "score_b": m.score_b,
        "likelihood_a": m.likelihood_a,
        "likelihood_b": m.likelihood_b,
        "difference": m.difference,
        "likelihood_difference": m.likelihood_b - m.likelihood_a,
        "match": m.match,
    }


def _structure(s: StructuralDifference) -> dict:
    def nodes(entries):
        return [{"iri": _iri(node), "label": label, "kind": _iri(kind)} for node, label, kind in entries]

    def ties(entries):
        return [
            {
                "source": t.source,
                "relation": _iri(t.relation),
                "relation_label": t.relation_label,
                "target": t.target,
            }
            for t in entries
        ]

    return {
        "nodes_added": nodes(s.nodes_added),
        "nodes_removed": nodes(s.nodes_removed),
        "ties_added": ties(s.ties_added),
        "ties_removed": ties(s.ties_removed),
        "values_changed": [
            {
                "node_a": _iri(v.node_a),
                "node_b": _iri(v.node_b),
                "label": v.label,
                "name": v.name,
                "property_label": v.property_label,
                "before": _plain(v.before),
                "after": _plain(v.after),
                "before_text": v.before_text,
                "after_text": v.after_text,
            }
            for v in s.values_changed
        ],
        "matched_by_iri": s.matched_by_iri,
        "matched_by_label": s.matched_by_label,
    }


def as_dict(result: Comparison, *, top: int | None = None) -> dict:
    """Plain data: both sides, and every figure of the difference (B minus A) under ``difference``.

    ``top`` limits the points listed (every point by default); IRIs are strings.

    Examples
    --------
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .''')
    >>> data = as_dict(compare(G, G, runs=0))
    >>> sorted(data), data["difference"]["figure"], data["a"]["change"]
    (['a', 'b', 'difference', 'interval', 'runs', 'seed', 'summary'], 0.0, 'urn:x:c')
    """
    d = result.difference
    moved = result.moved[:top] if top else result.moved
    return {
        "a": _side(result.a),
        "b": _side(result.b),
        "difference": {
            "meaning": "B minus A: figure, low and high in people likely to resist, share in shares of the "
            "people exposed; by_mechanism and by_level each add up to figure",
            # Every figure of the difference, so one added to it later is written too.
            **{f.name: _plain(getattr(d, f.name)) for f in fields(d) if f.name not in ("by_mechanism", "by_level")},
            "by_mechanism": _parts(d.by_mechanism),
            "by_level": _parts(d.by_level),
            "points": [_point(m) for m in moved],
            "structure": _structure(result.structure),
        },
        "runs": result.runs,
        "seed": result.seed,
        "interval": result.interval,
        "summary": [line.replace(NBSP, " ") for line in summary(result)],
    }


def as_json(result: Comparison, *, top: int | None = None) -> str:
    """:func:`as_dict` as JSON text."""
    return json.dumps(as_dict(result, top=top), indent=2, ensure_ascii=False) + "\n"


def as_csv(
    result: Comparison, *, top: int | None = None, kind_words: Callable[[object, str], str] | None = None
) -> str:
    """One row per point (the points that moved most first), B minus A; columns :data:`CSV_COLUMNS`.

    Every text cell goes through :func:`~explorer.core.spreadsheet.neutralise` (a label that starts like
    a formula gets an apostrophe); rows end in CRLF, so a line break inside a cell is quoted.
    ``kind_words(kind, role)`` names a kind (its local name when omitted).
    """
    kind_words = kind_words or _kind_local
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for m in result.moved[:top] if top else result.moved:
        writer.writerow(
            [
                neutralise(m.label),
                neutralise(kind_words(m.kind, m.role)),
                neutralise(m.role),
                LEVELS.get(m.level, ""),
                f"{m.score_a:.4f}",
                f"{m.score_b:.4f}",
                f"{m.difference:.4f}",
                f"{m.likelihood_a:.4f}",
                f"{m.likelihood_b:.4f}",
                f"{m.likelihood_b - m.likelihood_a:.4f}",
                m.match,
                neutralise(_iri(m.node_a) or ""),
                neutralise(_iri(m.node_b) or ""),
            ]
        )
    return out.getvalue()


def _listed(title: str, items: list[str], limit: int) -> list[str]:
    """``title (n):`` then the first ``limit`` items, then "… and K more"."""
    if not items:
        return []
    lines = [f"{title} ({len(items):,}):"] + [f"  - {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"  … and {len(items) - limit:,} more")
    return lines


def _parts_lines(parts, total: float) -> list[str]:
    lines = [f"  {signed_people(p.value):>8}  {one_line(p.label, 100)}" for p in parts]
    return lines + [f"  {'':->8}", f"  {signed_people(total):>8}  in all"]


def _change_points(value: float) -> str:
    shown = round(value * 100)
    return "0" if shown == 0 else f"{'+' if shown > 0 else '−'}{abs(shown)}"


def as_text(result: Comparison, *, top: int = 10, kind_words: Callable[[object, str], str] | None = None) -> str:
    """The comparison for a terminal: the summary, the ``top`` points that moved most, the difference by
    mechanism and by level, and the structural difference (``top`` of each list).

    ``kind_words(kind, role)`` names a kind (its local name when omitted).

    Examples
    --------
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .''')
    >>> text = as_text(compare(G, G, runs=0, names=("Ours", "Theirs")))
    >>> print(text[text.index("A: "):])
    A: Ours — change “c”
    B: Theirs — change “c”
    <BLANKLINE>
    No point moved: every point scores the same on both sides.
    <BLANKLINE>
    The difference by mechanism (people likely to resist, B − A):
      none
    <BLANKLINE>
    By level:
      none
    <BLANKLINE>
    What differs in the maps: nothing.
    """
    kind_words = kind_words or _kind_local
    a, b, d = result.a, result.b, result.difference
    lines = [one_line(line.replace(NBSP, " ")) for line in summary(result)]
    lines += ["", f"A: {one_line(a.name, 120)} — change “{one_line(a.change_label, 120)}”"]
    lines += [f"B: {one_line(b.name, 120)} — change “{one_line(b.change_label, 120)}”"]
    moved = [m for m in result.moved if abs(m.difference) > 1e-12][:top]
    lines.append("")
    if moved:
        lines += [
            f"Points that moved most (B − A; likelihood of resistance in %, change in percentage points; "
            f"{len(moved)} of {len(result.moved):,}):",
            f"  {'A':>5}  {'B':>5}  {'change':>6}  {'score A':>7}  {'score B':>7}  {'change':>7}  kind: label",
        ]
        for m in moved:
            note = _MATCH_WORDS.get(m.match, m.match)
            lines.append(
                f"  {round(m.likelihood_a * 100):>4}%  {round(m.likelihood_b * 100):>4}%  "
                f"{_change_points(m.likelihood_b - m.likelihood_a):>6}  {m.score_a:7.2f}  {m.score_b:7.2f}  "
                f"{m.difference:+7.2f}  {one_line(kind_words(m.kind, m.role), 40)}: {one_line(m.label, 80)}"
                + (f" ({note})" if note else "")
            )
    else:
        lines.append("No point moved: every point scores the same on both sides.")
    lines += ["", "The difference by mechanism (people likely to resist, B − A):"]
    lines += _parts_lines(d.by_mechanism, d.figure) if d.by_mechanism else ["  none"]
    lines += ["", "By level:"]
    lines += _parts_lines(d.by_level, d.figure) if d.by_level else ["  none"]
    s = result.structure
    lines += ["", "What differs in the maps: nothing." if s.empty else "What differs in the maps:"]
    if not s.empty:
        lines += _listed(
            "Nodes added in B",
            [f"{one_line(label, 100)} ({kind_words(kind, '')})" for _, label, kind in s.nodes_added],
            top,
        )
        lines += _listed(
            "Nodes only in A",
            [f"{one_line(label, 100)} ({kind_words(kind, '')})" for _, label, kind in s.nodes_removed],
            top,
        )
        lines += _listed("Ties added in B", [_tie(t) for t in s.ties_added], top)
        lines += _listed("Ties only in A", [_tie(t) for t in s.ties_removed], top)
        lines += _listed(
            "Values changed (A → B)",
            [
                f"{one_line(v.label, 80)}: {one_line(v.property_label, 60)} "
                f"{one_line(v.before_text, 60)} → {one_line(v.after_text, 60)}"
                for v in s.values_changed
            ],
            top,
        )
    return "\n".join(lines) + "\n"


def _tie(t) -> str:
    return f"{one_line(t.source, 80)} —{one_line(t.relation_label, 60)}→ {one_line(t.target, 80)}"
