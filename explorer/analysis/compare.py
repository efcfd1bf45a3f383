"""Compare two analyses: two contexts, two changes in one map, or the as-is against a scenario, and say why.

The two sides, A and B, are each analysed as :func:`~explorer.analysis.change.analyse_change` does, with
the same weights and the same seed; every difference is **B minus A**, so ``compare(A, B)`` is minus
``compare(B, A)`` and comparing a map with itself gives zero everywhere.

**The figure.** Each side's context figure ``F = sum_i h_i p_i`` (people likely to resist: headcount
``h``, likelihood ``p = 1 - exp(-R)``) with its interval, and its share ``F / N`` of the ``N`` people the
change exposes there. The runs of the two sides use the same seed, so run ``r`` draws the same weights on
both. Which context is *more resistant* is read on the share (two maps often draw different numbers of
people, so the number itself does not compare them; the validation set reads it so too): the share of
runs in which A's share is above B's is the chance, under the model's uncertainty, that A is the more
resistant context. The central interval of the runs' differences brackets each difference.

**The difference by mechanism**, exactly. Carriers (roles, units, people) are matched across the sides
(:func:`match_nodes`). For a matched carrier,

``h_B p_B - h_A p_A = hbar (p_B - p_A) + pbar (h_B - h_A)`` (bars: the mean of the two sides; exact)

and ``p_B - p_A = s (R_B - R_A)`` with ``s`` the secant slope of ``1 - exp(-R)`` between the two
resistances (its derivative ``exp(-R)`` when they are equal); "people counted" gets ``pbar (h_B - h_A)``
(a headcount changed, or a unit now counted through its members). How ``R`` changed is split by
mechanism: for a carrier that meets resistance on both sides, per family ``R_f = T_f e^{U_f}`` changes
by ``Ebar dT_f + Tbar dE_f`` (the same two-factor split), the first part going to the channels'
mechanisms by how much each changed, the second to the context terms' mechanisms by how much each moved
``U_f`` (``dE_f = s_E dU_f``): a channel or a term that is the same on both sides gets nothing, so two
maps that differ only in workload differ only under workload. A carrier on one side only, or meeting no
resistance on one side (the change does not reach it there), contributes its likelihood split as its
reasons are (:mod:`~explorer.analysis.resistance.explain`), read with the same headcount on both (nobody
who meets no resistance adds to a figure). The parts add up to the difference of the figures to
rounding; **by level**, each carrier's part goes to its level (half to each when a matched carrier's level
differs).

**The points that moved**: every point of either side (role, unit, routine, norm), matched by IRI, then
by kind and label, with score A, score B and the difference; a point of one side only is listed as such.

**The structure**: nodes added and removed, ties added and removed, values changed, from the two maps.

Examples
--------
>>> from explorer.analysis.graph import map_graph_from_text
>>> text = '''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue %s .'''
>>> A, B = map_graph_from_text(text % "0.2"), map_graph_from_text(text % "0.9")
>>> result = compare(A, B, runs=20)
>>> round(result.difference.figure, 3), result.difference.figure > 0
(0.205, True)
>>> total = sum(part.value for part in result.difference.by_mechanism)
>>> abs(total - result.difference.figure) < 1e-9
True
>>> [part.label for part in result.difference.by_mechanism][:2]
['change fatigue']
>>> [(v.label, v.before, v.after) for v in result.structure.values_changed]
[('p', 0.2, 0.9)]
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from rdflib import RDFS, URIRef

from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.namespaces import RX
from explorer.core.terms import local_name
from explorer.core.text import one_line

from .change import Detail, analyse_in_detail
from .graph import is_a
from .resistance.builder import INPUT_NAMES
from .resistance.evaluate import EXPONENT_CAP
from .resistance.explain import NO_POINTS, figure_sentence, level_name, percent
from .weights import Weights, load_weights

__all__ = [
    "Comparison",
    "Difference",
    "Moved",
    "Part",
    "Side",
    "StructuralDifference",
    "TieChange",
    "ValueChange",
    "compare",
    "match_nodes",
    "ontology_words",
    "shares_not_compared",
    "signed_people",
    "signed_points",
    "structure_words",
    "summary",
    "value_text",
]

#: The part of the figure's difference that is not a mechanism's: who is counted, and with what headcount.
PEOPLE_COUNTED = "people.counted"
PEOPLE_COUNTED_LABEL = "people counted (headcounts, members drawn)"
#: Node attributes of the map graph that are not values a person set.
_NOT_VALUES = frozenset({"kinds"})
#: Values closer than this are the same value (a decimal read twice).
_SAME = 1e-9


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its name (the map, the scenario), the change and the analysis of it."""

    name: str
    change: object
    change_label: str
    detail: Detail = field(repr=False)

    @property
    def analysis(self):
        return self.detail.analysis

    @property
    def figure(self):
        """The side's context figure (:class:`~explorer.analysis.resistance.results.Figure`)."""
        return self.detail.analysis.figure


@dataclass(frozen=True)
class Part:
    """A share of the figure's difference: a mechanism's (or a level's), in people, B minus A."""

    key: str
    label: str
    value: float


@dataclass(frozen=True)
class Moved:
    """A point of either side, matched to the other: its score on each (0: no resistance there)."""

    label: str
    kind: object
    role: str
    level: int
    node_a: object
    node_b: object
    score_a: float
    score_b: float
    #: How it was matched: "iri", "label" (same kind and label), "a only" or "b only". A comparison lists the
    #: points by how far their likelihood moved, then their score.
    match: str

    @property
    def difference(self) -> float:
        """``score_b - score_a``, 0 when it is rounding (one score summed in another order)."""
        return float(_rounded(self.score_b - self.score_a))

    @property
    def likelihood_a(self) -> float:
        return float(-math.expm1(-self.score_a))

    @property
    def likelihood_b(self) -> float:
        return float(-math.expm1(-self.score_b))


@dataclass(frozen=True)
class ValueChange:
    """A value of a node present on both sides that differs: ``before`` on A, ``after`` on B (None: not set)."""

    node_a: object
    node_b: object
    label: str
    name: str
    property_label: str
    before: object
    after: object
    #: The two values in words (a concept by its label, several values joined, "not set" for None).
    before_text: str = ""
    after_text: str = ""


@dataclass(frozen=True)
class TieChange:
    """A tie on one side only, between the labels of its ends (matched nodes keep one label)."""

    source: str
    relation: object
    relation_label: str
    target: str


@dataclass(frozen=True)
class StructuralDifference:
    """What differs between the two maps: nodes as ``(node, label, kind)``, ties and values."""

    nodes_added: tuple = ()
    nodes_removed: tuple = ()
    ties_added: tuple = ()
    ties_removed: tuple = ()
    values_changed: tuple = ()
    #: How many nodes were matched by IRI and by kind and label.
    matched_by_iri: int = 0
    matched_by_label: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.nodes_added or self.nodes_removed or self.ties_added or self.ties_removed or self.values_changed
        )


@dataclass(frozen=True)
class Difference:
    """B minus A: the figure, its interval, the share of runs where A is more resistant, and its parts.

    ``figure`` is in people likely to resist, ``share`` in shares of the people exposed (0.1 = ten
    points; None, with its interval and the two shares of runs, when a side exposes nobody: there is no
    share to compare), ``people`` in people exposed. ``by_mechanism`` and ``by_level`` each add up to ``figure`` (to
    rounding); ``low`` and ``high`` (``share_low``, ``share_high``) are the central interval of the paired
    runs' differences (widened to include the estimate) and ``a_more_resistant`` the share of runs in which
    A's share is above B's (``b_more_resistant`` the reverse; equal shares count for neither): None without
    runs.
    """

    figure: float
    low: float | None
    high: float | None
    a_more_resistant: float | None
    b_more_resistant: float | None
    people: float
    by_mechanism: tuple
    by_level: tuple
    share: float | None = 0.0
    share_low: float | None = None
    share_high: float | None = None
    #: The part of ``figure`` from carriers drawn on one side only (split by their own reasons in
    #: ``by_mechanism``): how much of the difference is who the two maps draw rather than how the same
    #: roles and units fare.
    unmatched: float = 0.0


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`."""

    a: Side
    b: Side
    difference: Difference
    moved: tuple
    structure: StructuralDifference
    runs: int
    seed: int
    interval: float
    weights: Weights | None = field(repr=False, compare=False, default=None)


def compare(
    graph_a,
    graph_b,
    change_a=None,
    change_b=None,
    *,
    names: tuple[str, str] = ("A", "B"),
    weights: Weights | None = None,
    seed: int = 0,
    runs: int | None = None,
    name_people: bool = False,
    words: Callable[[object], str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Compare the analyses of two maps (or of two changes, or of two scenarios), B minus A.

    Parameters
    ----------
    graph_a, graph_b : networkx.MultiDiGraph
        The two map graphs (:func:`~explorer.analysis.graph.map_graph`); the same graph twice compares
        two changes of one map.
    change_a, change_b : IRI, optional
        The change on each side; each map's only one when omitted; ``change_b`` defaults to ``change_a``
        when it is a change of B too.
    names : (str, str)
        What the two sides are called in words.
    weights : Weights, optional
        One set of weights for both sides (the documented defaults when omitted).
    seed, runs : int
        The uncertainty runs, the same seed on both sides (``uncertainty.runs`` when ``runs`` is None;
        0 skips them and every interval).
    words : callable, optional
        A relation's or property's IRI to its label (the local name when omitted).
    progress : callable, optional
        ``progress(done, total)`` over both sides' runs (it may raise to cancel).

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
    ... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> .''')
    >>> same = compare(G, G, runs=10)
    >>> same.difference.figure, same.difference.a_more_resistant, same.structure.empty
    (0.0, 0.0, True)
    """
    weights = weights or load_weights()
    n_runs = int(weights["uncertainty.runs"]) if runs is None else int(runs)
    if change_b is None and change_a is not None and graph_a is not graph_b and change_a in graph_b:
        change_b = change_a
    matches, by_iri, by_label = match_nodes(graph_a, graph_b)
    # Nodes and ties matched under two names draw their inputs under one name, the same whichever side is A:
    # the runs stay paired, and swapping the sides swaps them.
    renamed: tuple[dict, dict] = ({}, {})
    for a, b in [(a, b) for a, b in matches.items() if a != b] + _matched_ties(graph_a, graph_b, matches):
        renamed[0][a] = renamed[1][b] = " ~ ".join(sorted((str(a), str(b))))
    details = []
    for k, (G, change) in enumerate(((graph_a, change_a), (graph_b, change_b))):

        def side_progress(done, total, k=k):
            if progress is not None:
                progress(k * total + done, 2 * total)

        named = bool(renamed[k]) and graph_a is not graph_b
        if named:
            G.graph[INPUT_NAMES] = renamed[k]
        try:
            details.append(
                analyse_in_detail(
                    G,
                    change,
                    weights=weights,
                    seed=seed,
                    runs=n_runs,
                    levers=False,
                    name_people=name_people,
                    progress=side_progress,
                )
            )
        finally:
            if named:
                del G.graph[INPUT_NAMES]
    da, db = details
    sides = tuple(
        Side(name, d.analysis.change, d.analysis.change_label, d) for name, d in zip(names, details, strict=True)
    )
    return Comparison(
        sides[0],
        sides[1],
        _difference(da, db, matches, n_runs, weights),
        _moved(da, db, matches),
        _structure(graph_a, graph_b, matches, by_iri, by_label, words or _words, name_people),
        n_runs,
        seed,
        weights["uncertainty.interval"],
        weights,
    )


# --------------------------------------------------------------------- matching
def _kind_label(G, node) -> tuple:
    data = G.nodes[node]
    return (data.get("kind"), str(data.get("label", "")).strip().casefold())


def match_nodes(graph_a, graph_b) -> tuple[dict, int, int]:
    """Match the nodes of two map graphs: the same IRI, then the same kind and label where that is unique.

    Returns ``{node of A: node of B}``, how many matched by IRI and how many by kind and label. The
    matching is symmetric: swapping the graphs inverts the mapping.

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> P = '''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .'''
    >>> A = map_graph_from_text(P + '''
    ... <urn:a:icu> a rx:Unit ; rdfs:label "ICU" . <urn:x:nurse> a rx:Role .''')
    >>> B = map_graph_from_text(P + '''
    ... <urn:b:icu> a rx:Unit ; rdfs:label "ICU" . <urn:x:nurse> a rx:Role . <urn:b:w> a rx:Unit .''')
    >>> matches, by_iri, by_label = match_nodes(A, B)
    >>> sorted(map(str, matches.values())), by_iri, by_label
    (['urn:b:icu', 'urn:x:nurse'], 1, 1)
    """
    matches = {n: n for n in graph_a if n in graph_b}
    by_iri = len(matches)
    taken = set(matches.values())
    keys_a, keys_b = defaultdict(list), defaultdict(list)
    for n in graph_a:
        if n not in matches:
            keys_a[_kind_label(graph_a, n)].append(n)
    for n in graph_b:
        if n not in taken:
            keys_b[_kind_label(graph_b, n)].append(n)
    by_label = 0
    for key, found in keys_a.items():
        other = keys_b.get(key, ())
        if len(found) == 1 and len(other) == 1 and key[1]:
            matches[found[0]] = other[0]
            by_label += 1
    return matches, by_iri, by_label


def _matched_ties(graph_a, graph_b, matches: dict) -> list:
    """``[(tie of A, tie of B)]`` for qualified ties with an IRI, named differently on the two sides: the same
    relation between matched ends with the same values, as many times on each side."""
    back = {b: a for a, b in matches.items()}

    def named_ties(G, rename) -> dict:
        found: dict = defaultdict(list)
        for u, v, data in G.edges(data=True):
            tie = data.get("tie")
            if isinstance(tie, URIRef):
                values = tuple(sorted((k, str(rename(x) or x)) for k, x in data.items() if k not in ("tie", "label")))
                found[(rename(u), data.get("relation"), rename(v), values)].append(tie)
        return found

    ties_a = named_ties(graph_a, lambda n: n)
    ties_b = named_ties(graph_b, lambda n: back.get(n))
    pairs = []
    for key, found in ties_b.items():
        mine = ties_a.get(key, [])
        if len(found) == len(mine):
            # Two ties alike in every respect are interchangeable: pair them in any fixed order.
            pairs += [(a, b) for a, b in zip(sorted(mine, key=str), sorted(found, key=str), strict=True) if a != b]
    return pairs


# -------------------------------------------------------------------- the figure
def _difference(da: Detail, db: Detail, matches: dict, n_runs: int, weights: Weights) -> Difference:
    """The figure's difference, its interval and its exact split by mechanism and by level."""
    mechanisms = sorted(set(da.mechanisms) | set(db.mechanisms))
    column = {m: i for i, m in enumerate(mechanisms)}
    by_mech = np.zeros(len(mechanisms) + 1)  # the last: people counted
    by_level: dict = defaultdict(float)
    row_b = {n: i for i, n in enumerate(db.carriers)}
    cols_a = np.array([column[m] for m in da.mechanisms], dtype=np.int64)
    cols_b = np.array([column[m] for m in db.mechanisms], dtype=np.int64)
    n_mech = len(mechanisms)
    pairs = [(i, row_b.get(matches.get(node))) for i, node in enumerate(da.carriers)]
    paired_b = {j for _, j in pairs if j is not None}
    # Met with resistance on both sides: the change decomposition; on one side only: that side's reasons.
    both = [(i, j) for i, j in pairs if j is not None and da.resistance[i] > 0 and db.resistance[j] > 0]
    changed = _change_split(da, db, [i for i, _ in both], [j for _, j in both], cols_a, cols_b, n_mech)
    for k, (i, j) in enumerate(both):
        _add_pair(by_mech, by_level, changed[k], *_carrier(da, i), *_carrier(db, j))
    split_both = set(both)

    def reasons(detail, cols, row) -> np.ndarray:
        found = np.zeros(n_mech)
        found[cols] = detail.by_mechanism[row]
        return found

    unmatched = 0.0
    for i, other in pairs:
        if (i, other) in split_both:
            continue
        ra = reasons(da, cols_a, i)
        if other is None:
            h_a, res_a, level_a = _carrier(da, i)
            unmatched += _add_pair(by_mech, by_level, -ra, h_a, res_a, level_a, h_a, 0.0, level_a)
        else:
            _add_pair(by_mech, by_level, reasons(db, cols_b, other) - ra, *_carrier(da, i), *_carrier(db, other))
    for j in range(len(db.carriers)):
        if j not in paired_b:
            h_b, res_b, level_b = _carrier(db, j)
            unmatched += _add_pair(by_mech, by_level, reasons(db, cols_b, j), h_b, 0.0, level_b, h_b, res_b, level_b)
    figure = db.analysis.figure.value - da.analysis.figure.value
    parts = [
        Part(m, _mechanism_label(weights, m), float(by_mech[column[m]]))
        for m in mechanisms
        if abs(by_mech[column[m]]) > 1e-12
    ]
    if abs(by_mech[-1]) > 1e-12:
        parts.append(Part(PEOPLE_COUNTED, PEOPLE_COUNTED_LABEL, float(by_mech[-1])))
    parts.sort(key=lambda p: (-abs(p.value), p.key))
    levels = tuple(
        Part(str(level), level_name(level), float(value))
        for level, value in sorted(by_level.items(), reverse=True)
        if abs(value) > 1e-12
    )
    fig_a, fig_b = da.analysis.figure, db.analysis.figure
    # A side that exposes nobody has no share (0 of 0): the shares are not compared.
    shares = fig_a.people > 0 and fig_b.people > 0
    share = fig_b.share - fig_a.share if shares else None
    low = high = share_low = share_high = a_more = b_more = None
    if n_runs:
        fa = da.run_figures if da.run_figures is not None else np.zeros(n_runs)
        fb = db.run_figures if db.run_figures is not None else np.zeros(n_runs)
        low, high = _interval(fb - fa, figure, weights)
    if n_runs and shares:
        sa, sb = fa / fig_a.people, fb / fig_b.people
        share_low, share_high = _interval(sb - sa, fig_b.share - fig_a.share, weights)
        # Equal shares (a map against itself, two contexts neither change reaches) favour neither side.
        a_more = float((sa > sb + _SAME).mean())
        b_more = float((sb > sa + _SAME).mean())
    return Difference(
        _rounded(figure),
        _rounded(low),
        _rounded(high),
        a_more,
        b_more,
        float(fig_b.people - fig_a.people),
        tuple(parts),
        levels,
        _rounded(share),
        _rounded(share_low),
        _rounded(share_high),
        float(_rounded(unmatched)),
    )


def _rounded(value):
    """``value`` as a float, 0 when it is rounding (sums of the same terms in another order differ by ~1e-17)."""
    return None if value is None else (0.0 if abs(value) < 1e-12 else float(value))


def _interval(delta: np.ndarray, estimate: float, weights: Weights) -> tuple[float, float]:
    """The central interval of paired differences, widened to include the estimate at the map's values."""
    interval = weights["uncertainty.interval"]
    lo_q, hi_q = (1 - interval) / 2, 1 - (1 - interval) / 2
    return min(float(np.quantile(delta, lo_q)), estimate), max(float(np.quantile(delta, hi_q)), estimate)


def _carrier(detail: Detail, row: int) -> tuple[float, float, int]:
    """A carrier's headcount in the figure, resistance and level."""
    return float(detail.people[row]), float(detail.resistance[row]), int(detail.levels[row])


def _change_split(da: Detail, db: Detail, rows_a: list, rows_b: list, cols_a, cols_b, n_mech: int) -> np.ndarray:
    """How the resistance of each matched carrier changes, by mechanism (pairs x mechanisms; rows add up to
    ``R_B - R_A`` exactly).

    Per family, ``R_f = T_f e^{U_f}`` changes by ``Ebar dT_f + Tbar dE_f`` (the two-factor split; bars are
    means of the sides): the first part goes to the channels' mechanisms by how much each changed, the second
    to the terms' mechanisms by how much each moved ``U_f`` (``dE_f = s dU_f``, ``s`` the secant slope of the
    exponential). A channel or a term that is the same on both sides gets nothing.
    """
    n = len(rows_a)
    out = np.zeros((n, n_mech))
    if not n:
        return out
    assert da.T is not None, "a Detail from analyse_in_detail holds T and U"
    families = da.T.shape[1]
    sides = []
    for detail, side_rows, cols in ((da, rows_a, cols_a), (db, rows_b, cols_b)):
        pos = np.full(len(detail.carriers), -1, dtype=np.int64)
        pos[np.asarray(side_rows, dtype=np.int64)] = np.arange(n)
        sides.append((detail, np.asarray(side_rows, dtype=np.int64), pos, cols))
    for f in range(families):
        parts = []
        for detail, rows, pos, cols in sides:
            t_m, u_m = np.zeros((n, n_mech)), np.zeros((n, n_mech))
            ch = detail.channels
            mine = (ch["family"] == f) & (pos[ch["carrier"]] >= 0)
            np.add.at(t_m, (pos[ch["carrier"][mine]], cols[ch["mechanism"][mine]]), ch["value"][mine])
            t = detail.terms
            mine = (t["bits"][:, f] > 0) & (pos[t["carrier"]] >= 0) if len(t["value"]) else np.zeros(0, dtype=bool)
            np.add.at(u_m, (pos[t["carrier"][mine]], cols[t["mechanism"][mine]]), t["value"][mine])
            g = detail.global_terms
            if len(g["value"]):
                on_all = np.zeros(n_mech)
                np.add.at(on_all, cols[g["mechanism"]], g["value"] * g["bits"][:, f])
                u_m += on_all[None, :]
            assert detail.T is not None and detail.U is not None
            parts.append((t_m, u_m, detail.T[rows, f], detail.U[rows, f]))
        (ta_m, ua_m, t_a, u_a), (tb_m, ub_m, t_b, u_b) = parts
        e_a = np.exp(np.clip(u_a, -EXPONENT_CAP, EXPONENT_CAP))
        e_b = np.exp(np.clip(u_b, -EXPONENT_CAP, EXPONENT_CAP))
        d_u = u_b - u_a
        moved = np.abs(d_u) > 1e-12
        slope = np.where(np.abs(u_a) < EXPONENT_CAP, e_a, 0.0)
        slope[moved] = (e_b[moved] - e_a[moved]) / d_u[moved]
        out += ((e_a + e_b) / 2)[:, None] * (tb_m - ta_m) + ((t_a + t_b) / 2 * slope)[:, None] * (ub_m - ua_m)
    return out


def _add_pair(by_mech, by_level, d_r, h_a, res_a, level_a, h_b, res_b, level_b) -> float:
    """Add one carrier's share of the difference (B minus A) to the mechanisms and the levels, given how its
    resistance changed by mechanism (``d_r``, adding up to ``res_b - res_a``); return that share."""
    p_a, p_b = -math.expm1(-res_a), -math.expm1(-res_b)
    # A side with no resistance adds nothing whatever its headcount (a carrier the change does not reach there
    # is not counted): reading it with the other side's keeps the difference on the mechanisms that made it.
    if p_a == 0.0:
        h_a = h_b
    if p_b == 0.0:
        h_b = h_a
    if h_a == 0.0 and h_b == 0.0:
        return 0.0
    d_res = res_b - res_a
    # The secant slope of 1 - exp(-R); its derivative where the two are (nearly) equal.
    slope = (p_b - p_a) / d_res if abs(d_res) > 1e-9 else math.exp(-(res_a + res_b) / 2)
    h_mean, p_mean = (h_a + h_b) / 2, (p_a + p_b) / 2
    by_mech[:-1] += h_mean * slope * d_r
    by_mech[-1] += p_mean * (h_b - h_a)
    total = h_b * p_b - h_a * p_a
    if level_a == level_b:
        by_level[level_a] += total
    else:
        by_level[level_a] += total / 2
        by_level[level_b] += total / 2
    return total


def _mechanism_label(weights: Weights, name: str) -> str:
    return weights.entry(name).label if name in weights else name


# ------------------------------------------------------------------ the points
def _moved(da: Detail, db: Detail, matches: dict) -> tuple:
    """Every point of either side with its score on both, the likelihood that moved most first."""
    points_b = {p.node: p for p in db.analysis.points}
    found = []
    seen_b = set()
    for p in da.analysis.points:
        other = matches.get(p.node)
        q = points_b.get(other) if other is not None else None
        if other is None:
            how = "a only"
        else:
            how = "iri" if other == p.node else "label"
            seen_b.add(other)
        found.append(Moved(p.label, p.kind, p.role, p.level, p.node, other, p.score, q.score if q else 0.0, how))
    back = {b: a for a, b in matches.items()}
    for q in db.analysis.points:
        if q.node in seen_b:
            continue
        other = back.get(q.node)
        how = "b only" if other is None else ("iri" if other == q.node else "label")
        found.append(Moved(q.label, q.kind, q.role, q.level, other, q.node, 0.0, q.score, how))
    # By how far the likelihood moved (what the tables show), then the score (which moves on past certainty).
    found.sort(
        key=lambda m: (
            -round(abs(m.likelihood_b - m.likelihood_a), 12),
            -abs(m.difference),
            m.label,
            str(m.node_a or m.node_b),
        )
    )
    return tuple(found)


# --------------------------------------------------------------- the structure
def _words(iri) -> str:
    """A relation's or property's words from its local name ("subscribesTo" -> "subscribes to")."""
    name = local_name(iri) if not isinstance(iri, str) or ":" in iri else iri
    out: list[str] = []
    for ch in name:
        if ch.isupper() and out:
            out.append(" ")
        out.append(ch.lower())
    return "".join(out)


def _tie_signatures(G, rename: Callable) -> Counter:
    return Counter((rename(u), d.get("relation"), rename(v)) for u, v, d in G.edges(data=True))


#: What a named person is called in a comparison that does not name people (as the analysis never does).
A_PERSON = "a person"


def _structure(
    graph_a, graph_b, matches: dict, by_iri: int, by_label: int, words: Callable, name_people: bool
) -> StructuralDifference:
    """Nodes, ties and values that differ between the two maps (matched nodes are the same node). Named people
    are "a person" unless ``name_people``: their values are personal, and the analysis never names them."""
    back = {b: a for a, b in matches.items()}

    def name(G, n) -> str:
        if not name_people and is_a(G, n, RX.Person):
            return A_PERSON
        return str(G.nodes[n].get("label", n))

    def node_entry(G, n):
        return (n, name(G, n), G.nodes[n].get("kind"))

    added = tuple(sorted((node_entry(graph_b, n) for n in graph_b if n not in back), key=lambda e: (e[1], str(e[0]))))
    removed = tuple(
        sorted((node_entry(graph_a, n) for n in graph_a if n not in matches), key=lambda e: (e[1], str(e[0])))
    )
    # Ties compared in A's names: a matched node of B stands for its A node.
    ties_a = _tie_signatures(graph_a, lambda n: n)
    ties_b = _tie_signatures(graph_b, lambda n: back.get(n, ("b", n)))

    def label_of(key):
        return name(graph_b, key[1]) if isinstance(key, tuple) else name(graph_a, key)

    def ties(counter: Counter) -> tuple:
        found = [
            TieChange(label_of(u), relation, words(relation) if relation is not None else "tie", label_of(v))
            for (u, relation, v), count in counter.items()
            for _ in range(count)
        ]
        return tuple(sorted(found, key=lambda t: (t.source, t.relation_label, t.target)))

    changed = []
    for a, b in matches.items():
        da, db = graph_a.nodes[a], graph_b.nodes[b]
        for prop in sorted((set(da) | set(db)) - _NOT_VALUES):
            if prop.endswith("_order"):  # a concept's rx:order (graph.py), changed with the concept beside it
                continue
            before, after = da.get(prop), db.get(prop)
            if _same(before, after):
                continue
            changed.append(
                ValueChange(
                    a,
                    b,
                    name(graph_b, b),
                    prop,
                    _property_words(prop, words),
                    before,
                    after,
                    value_text(before, graph_a, words),
                    value_text(after, graph_b, words),
                )
            )
    changed.sort(key=lambda c: (c.label, c.property_label, str(c.node_a)))
    return StructuralDifference(
        added, removed, ties(ties_b - ties_a), ties(ties_a - ties_b), tuple(changed), by_iri, by_label
    )


def _property_words(name: str, words: Callable) -> str:
    return words(RX[name]) if name not in ("label", "kind", "level") else name


def ontology_words(store) -> Callable[[object], str]:
    """A relation's or property's label from the ontology graph of ``store`` (an open map's), English first.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> with MapDocument.new(editing=False) as doc:
    ...     ontology_words(doc.store)(RX.subscribesTo)
    'subscribes to'
    """
    found: dict = {}

    def words(iri) -> str:
        if iri not in found:
            labels = [q[2] for q in store.quads(iri, RDFS.label, None, graph=ONTOLOGY_GRAPH)]
            english = [str(v) for v in labels if getattr(v, "language", None) in (None, "en")]
            found[iri] = (english or [str(v) for v in labels] or [_words(iri)])[0]
        return found[iri]

    return words


def value_text(value, G=None, words: Callable | None = None) -> str:
    """A node's value in words: a concept by its label (from ``G``), several values joined, a number trimmed.

    Examples
    --------
    >>> value_text(0.70), value_text(None), value_text(frozenset({"b", "a"})), value_text(3)
    ('0.7', 'not set', 'a, b', '3')
    """
    if value is None:
        return "not set"
    if isinstance(value, frozenset | set | tuple | list):
        return ", ".join(sorted(value_text(v, G, words) for v in value))
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, URIRef):
        labels = G.graph.get("concept_labels", {}) if G is not None else {}
        if value in labels:
            return str(labels[value])
        if G is not None and value in G:
            return str(G.nodes[value].get("label", value))
        return (words or _words)(value)
    return str(value)


def _same(before, after) -> bool:
    if isinstance(before, float) and isinstance(after, float):
        return abs(before - after) <= _SAME
    return before == after


# ------------------------------------------------------------------- in words
def summary(result: Comparison, *, parts: int = 3) -> list[str]:
    """The comparison in a few plain sentences: each side's figure, the difference with its interval and the
    share of runs, the mechanisms and levels it comes from, and what differs in the maps.

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> text = '''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
    ... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue %s .'''
    >>> A, B = map_graph_from_text(text % "0.2"), map_graph_from_text(text % "0.9")
    >>> for line in summary(compare(A, B, runs=0, names=("Before", "After"))):
    ...     print(line.replace(chr(160), " "))
    Before: The one person the change exposes is 28 % likely to resist.
    After: The one person the change exposes is 49 % likely to resist.
    After − Before: +0.2 people likely to resist; +21 points in the share of the people exposed.
    The difference comes from change fatigue +0.2.
    By level: micro +0.2.
    What differs in the maps: 1 value changed.
    """
    a, b, d = result.a, result.b, result.difference
    lines = [f"{a.name}: {_figure_words(a.figure)}", f"{b.name}: {_figure_words(b.figure)}"]
    if d.share is None:
        share = shares_not_compared(result)
    else:
        share = f"{signed_points(d.share)} in the share of the people exposed"
    lines.append(f"{b.name} − {a.name}: {signed_people(d.figure)} people likely to resist; {share}.")
    if d.low is not None and d.high is not None:
        runs = f"{result.runs} paired uncertainty run{'s' if result.runs != 1 else ''}"
        line = f"Across {runs}: {signed_people(d.low)} to {signed_people(d.high)} people"
        if d.a_more_resistant is None:
            line += "."
        elif d.a_more_resistant == 0 and d.b_more_resistant == 0:
            line += "; the two shares are equal in every run."
        else:
            line += (
                f"; {a.name} has the higher share in {percent(d.a_more_resistant)} of them, "
                f"{b.name} in {percent(d.b_more_resistant)}."
            )
        lines.append(line)
    if abs(d.unmatched) >= 0.05 and abs(d.figure) >= 0.05:
        lines.append(
            f"Of the difference, {signed_people(d.unmatched)} comes from points drawn on one side only "
            f"and {signed_people(d.figure - d.unmatched)} from those on both."
        )
    leading = [p for p in d.by_mechanism[:parts] if abs(p.value) >= 0.005]
    if leading:
        more = " mostly" if len(d.by_mechanism) > len(leading) else ""
        lines.append(
            f"The difference comes{more} from "
            + _joined([f"{p.label} {signed_people(p.value)}" for p in leading])
            + "."
        )
    if d.by_level:
        lines.append("By level: " + ", ".join(f"{p.label} {signed_people(p.value)}" for p in d.by_level) + ".")
    lines.append("What differs in the maps: " + structure_words(result.structure) + ".")
    return lines


def shares_not_compared(result: Comparison) -> str:
    """Why the shares are not compared ("B exposes nobody to the change…"), or "" when they are.

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .''')
    >>> shares_not_compared(compare(G, G, runs=0))
    'A and B expose nobody to the change: the shares are not compared'
    """
    if result.difference.share is not None:
        return ""
    nobody = " and ".join(one_line(side.name, 80) for side in (result.a, result.b) if side.figure.people <= 0)
    verb = "expose" if " and " in nobody else "exposes"
    return f"{nobody} {verb} nobody to the change: the shares are not compared"


def structure_words(structure: StructuralDifference) -> str:
    """The structural difference in a few words ("2 nodes added, 1 tie removed, 3 values changed").

    Examples
    --------
    >>> structure_words(StructuralDifference())
    'nothing'
    """
    counts = (
        (len(structure.nodes_added), "node", "added"),
        (len(structure.nodes_removed), "node", "removed"),
        (len(structure.ties_added), "tie", "added"),
        (len(structure.ties_removed), "tie", "removed"),
        (len(structure.values_changed), "value", "changed"),
    )
    words = [f"{n:,} {what}{'s' if n != 1 else ''} {how}" for n, what, how in counts if n]
    if structure.matched_by_label:
        words.append(f"{structure.matched_by_label:,} matched by kind and name")
    return ", ".join(words) if words else "nothing"


def signed_people(value: float) -> str:
    """A difference in people with its sign, one decimal (``+0.2``, ``−1.5``, ``0.0``).

    Examples
    --------
    >>> signed_people(0.24), signed_people(-1.5), signed_people(0.0)
    ('+0.2', '−1.5', '0.0')
    """
    if abs(value) < 0.05:
        return "0.0"
    return f"{'+' if value > 0 else '−'}{abs(value):,.1f}"


def signed_points(share: float) -> str:
    """A difference of two shares in percentage points, with its sign (``+21 points``, ``−3 points``).

    Examples
    --------
    >>> signed_points(0.214), signed_points(-0.01), signed_points(0.001)
    ('+21 points', '−1 point', '0 points')
    """
    points = round(share * 100)
    sign = "+" if points > 0 else "−" if points < 0 else ""
    return f"{sign}{abs(points)} point{'' if abs(points) == 1 else 's'}"


def _figure_words(figure) -> str:
    return figure_sentence(replace(figure, low=None, high=None)) if figure.points else NO_POINTS


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
