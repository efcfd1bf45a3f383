"""Where one proposed change will meet resistance, why, and what levers exist.

Resistance comes from what the change *transgresses* (Greenhalgh and Papoutsi,
BMJ 2019: organisational change is inherently transgressive): the routines it
disrupts, introduces or replaces, the norms it violates, the jurisdictions it
crosses. The context (sponsorship, fatigue, workload, readiness, peers, data
feedback, stances, leaders, external forces, the change agent's network)
makes that transgression easier or harder to bear, and never creates it: a
change that asks nobody to do anything differently meets no resistance.

The model is in :mod:`explorer.analysis.resistance` (one module per
mechanism) and, with every equation, parameter and source, in
``docs/analysis-model.md``. Every number comes from
``ontology/analysis-weights.toml`` (an assumption a user can change).

The result holds, for each *point* (a role, unit, routine or norm): its
resistance score (0 = none), the likelihood ``1 - exp(-score)``, its reasons
(signed contributions that add up to the score, each with its evidence in the
map, the construct and the citation), the inputs the map does not give, one
plain sentence, and from the seeded uncertainty runs its intervals, rank range,
share of runs in the top k and confidence. It also holds one context-level
figure (the expected number of people likely to resist, out of those the
change exposes, with its interval), levers ranked by their computed effect, and the
result read through the mechanistic, ecological and social logics.

Results describe likely concerns of roles, units and routines; they do not
label people.

Examples
--------
>>> from explorer.analysis.graph import map_graph_from_text
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue 0.8 .''')
>>> result = analyse_change(G, URIRef("urn:x:c"), runs=0)
>>> [(p.label, p.role, round(p.score, 2)) for p in result.points]
[('p', 'carrier', 0.61), ('r', 'routine', 0.61)]
>>> round(sum(r.value for r in result.points[0].reasons), 2)
0.61
>>> G0 = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:sponsorshipMode rx:topDown .
... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue 0.9 .''')
>>> analyse_change(G0, runs=0).points, analyse_change(G0, runs=0).figure.value
((), 0.0)
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from rdflib import URIRef

from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX

from .graph import is_a
from .resistance import explain, uncertainty
from .resistance import levers as lever_model
from .resistance.evaluate import base
from .resistance.model import build
from .resistance.results import ChangeAnalysis, Figure, Impact, Lever, Point, Reason
from .weights import Weights, load_weights

__all__ = [
    "AnalysisError",
    "ChangeAnalysis",
    "Detail",
    "Figure",
    "Impact",
    "Lever",
    "Point",
    "Reason",
    "analyse_change",
    "analyse_in_detail",
    "changes_in",
    "choose_change",
]


class AnalysisError(ExplorerError, ValueError):
    """The map or the request cannot be analysed (no such change, several and none chosen...)."""


def changes_in(G) -> list:
    """The change proposals of map graph ``G``, in label order."""
    found = [n for n in G if is_a(G, n, RX.ChangeProposal)]
    return sorted(found, key=lambda n: (G.nodes[n].get("label", ""), str(n)))


def choose_change(G, change=None):
    """``change`` if it is a change in ``G``; the only one if None; else an error listing them."""
    options = changes_in(G)
    if change is not None:
        change = URIRef(change) if not isinstance(change, URIRef) else change
        if change not in G or not (is_a(G, change, RX.Initiative) or is_a(G, change, RX.ChangeComponent)):
            raise AnalysisError(
                f"{change} is not a change proposal of this map."
                + (f" The map has: {_list(G, options)}." if options else "")
            )
        return change
    if not options:
        raise AnalysisError("The map has no change proposal (rx:ChangeProposal) to analyse.")
    if len(options) > 1:
        raise AnalysisError(
            f"The map has {len(options)} change proposals; choose one with --change: {_list(G, options)}."
        )
    return options[0]


def _list(G, nodes) -> str:
    return "; ".join(f"{G.nodes[n].get('label', n)} <{n}>" for n in nodes)


def analyse_change(
    G,
    change=None,
    *,
    weights: Weights | None = None,
    top_k: int = 10,
    seed: int = 0,
    runs: int | None = None,
    levers: bool = True,
    name_people: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ChangeAnalysis:
    """Analyse one proposed change on map graph ``G`` (from :func:`explorer.analysis.graph.map_graph`).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map.
    change : IRI, optional
        The change proposal; the map's only one when omitted.
    weights : Weights, optional
        The model's weights (the documented defaults when omitted).
    top_k : int
        How many leading points the stability share and the fragility words are about.
    seed : int
        Seed of the uncertainty runs.
    runs : int, optional
        Number of uncertainty runs (``uncertainty.runs`` from the weights when
        omitted; 0 skips them, and with them every interval and confidence).
    levers : bool
        Whether to try the levers (each is one more run of the model).
    name_people : bool
        Whether named people (``rx:Person``) are points of their own. By default they are not: they count in
        the figure and in their units, and the words never name one as the likeliest to resist.
    progress : callable, optional
        ``progress(done, total)`` as runs and levers finish (it may raise to cancel).

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:violates <urn:x:n> .
    ... <urn:x:n> a rx:Norm ; rx:pillar rx:culturalCognitive ; rx:formality 0.0 .
    ... <urn:x:nurse> a rx:Role ; rx:subscribesTo <urn:x:n> .''')
    >>> result = analyse_change(G, runs=20, seed=1)
    >>> point = next(p for p in result.points if p.label == "nurse")
    >>> round(point.likelihood, 2), point.rank_low <= 2 and point.rank_high >= 1
    (0.45, True)
    >>> 0 <= point.confidence <= 1 and result.figure.low <= result.figure.value <= result.figure.high
    True
    """
    return analyse_in_detail(
        G,
        change,
        weights=weights,
        top_k=top_k,
        seed=seed,
        runs=runs,
        levers=levers,
        name_people=name_people,
        progress=progress,
    ).analysis


@dataclass(frozen=True)
class Detail:
    """An analysis with what comparing it to another needs: each carrier's resistance split by mechanism.

    ``carriers`` are the carrier nodes (roles, units, people... the rows of the model); ``people[i]`` is
    the headcount carrier ``i`` adds to the figure (0 when it does not count: not exposed, an external
    body, a collective whose members stand for it); ``resistance[i]`` its resistance ``R_i`` and
    ``by_mechanism[i, m]`` the part of it filed under mechanism ``mechanisms[m]`` (a row adds up to
    ``R_i``, the split of the points' reasons); ``levels[i]`` its level (1 micro, 2 meso, 3 macro). So
    ``analysis.figure.value == sum(people * (1 - exp(-resistance)))``. ``run_figures`` is the figure in
    each uncertainty run (None without runs): runs with the same seed draw the same weights on any map.
    """

    analysis: ChangeAnalysis
    carriers: tuple
    people: np.ndarray
    resistance: np.ndarray
    by_mechanism: np.ndarray
    mechanisms: tuple
    levels: np.ndarray
    run_figures: np.ndarray | None = None
    #: ``R_i = sum_f T[i, f] * exp(clip(U[i, f]))`` (§5 of docs/analysis-model.md), carriers x families.
    T: np.ndarray | None = field(default=None, repr=False)
    U: np.ndarray | None = field(default=None, repr=False)
    #: What ``T`` and ``U`` are sums of, each row with its carrier, its mechanism (an index into ``mechanisms``)
    #: and its value: the channels (one family each), the local terms and the global terms (the families they
    #: apply to as 0/1 columns; a global term applies to every carrier).
    channels: dict = field(default_factory=dict, repr=False)
    terms: dict = field(default_factory=dict, repr=False)
    global_terms: dict = field(default_factory=dict, repr=False)


def analyse_in_detail(
    G,
    change=None,
    *,
    weights: Weights | None = None,
    top_k: int = 10,
    seed: int = 0,
    runs: int | None = None,
    levers: bool = True,
    name_people: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Detail:
    """:func:`analyse_change`, with each carrier's resistance by mechanism and the figure of every run.

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
    ... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue 0.8 .''')
    >>> detail = analyse_in_detail(G, runs=0, levers=False)
    >>> bool(np.allclose(detail.by_mechanism.sum(axis=1), detail.resistance))
    True
    >>> figure = float((detail.people * -np.expm1(-detail.resistance)).sum())
    >>> round(figure, 6) == round(detail.analysis.figure.value, 6)
    True
    """
    weights = weights or load_weights()
    change = choose_change(G, change)
    # The analysis makes hundreds of thousands of small objects on a big map, none of them cyclic garbage:
    # automatic collections, each walking every object the map graph holds, cost more than the model itself.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _analyse(G, change, weights, top_k, seed, runs, levers, name_people, progress)
    finally:
        if collecting:
            gc.enable()


def _analyse(G, change, weights, top_k, seed, runs, levers, name_people, progress) -> Detail:
    """The steps of :func:`analyse_change`: build the model, explain its points, run the uncertainty runs, try
    the levers. ``progress`` counts the runs, then the levers after them."""
    model = build(G, change, weights)
    ev = base(model)
    explainer = explain.Explainer(model, ev, name_people=name_people)
    fields, rows = _ranked_fields(explainer)
    figure = Figure(
        float(ev.figure[0]),
        people=float(model.arrays["people_total"]),
        points=int(model.leaves.sum()),
        interval=weights["uncertainty.interval"],
    )
    n_runs = int(weights["uncertainty.runs"]) if runs is None else int(runs)
    fragile: list = []
    run_figures = None
    if n_runs and (fields or figure.value > 0):
        figure, fragile, run_figures = _add_uncertainty(model, ev, fields, rows, figure, n_runs, seed, top_k, progress)
    else:
        n_runs = 0
    points = [Point(**point, sentence=explain.sentence(point)) for point in fields]
    found_levers = _levers(model, ev, points, figure.value, n_runs, progress) if levers and points else ()
    analysis = _result(model, change, points, found_levers, figure, seed, n_runs, top_k, fragile)
    return Detail(
        analysis,
        tuple(model.carrier_nodes),
        np.asarray(model.arrays["people"], dtype=float),
        np.asarray(ev.R[:, 0], dtype=float),
        explainer.by_mech,
        tuple(explainer.mechanisms),
        np.array([G.nodes[n].get("level", 2) for n in model.carrier_nodes], dtype=np.int64),
        run_figures,
        np.ascontiguousarray(ev.T[:, :, 0].T),
        np.ascontiguousarray(ev.U[:, :, 0].T),
        *_parts(model, ev, explainer),
    )


def _parts(model, ev, explainer) -> tuple[dict, dict, dict]:
    """The channels, local terms and global terms of the base evaluation (see :class:`Detail`)."""
    a = model.arrays
    channels = {
        "carrier": a["ch_carrier"],
        "family": a["ch_family"],
        "mechanism": explainer.channel_mech,
        "value": np.asarray(ev.channel[:, 0], dtype=float),
    }
    terms = {
        "carrier": a["t_carrier"],
        "bits": a["t_bits"],
        "mechanism": a["t_weight"],
        "value": np.asarray(ev.term[:, 0], dtype=float),
    }
    global_terms = {
        "bits": a["g_bits"],
        "mechanism": a["g_weight"],
        "value": np.asarray(ev.global_term[:, 0], dtype=float),
    }
    return channels, terms, global_terms


def _ranked_fields(explainer) -> tuple[list, list]:
    """Every point's fields (:class:`~.resistance.explain.Explainer`), highest score first, and its model row."""
    fields = explainer.points()
    fields.sort(key=lambda p: (-p["score"], p["label"], str(p["node"])))
    rows = [p.pop("row") for p in fields]
    return fields, rows


def _add_uncertainty(
    model, ev, fields: list, rows: list, figure: Figure, n_runs: int, seed: int, top_k: int, progress
) -> tuple[Figure, list, np.ndarray]:
    """Run the seeded uncertainty runs and add each point's intervals, rank range, stability and confidence to
    its ``fields``; return the figure with its interval, the sentences naming fragile conclusions and the
    figure of each run."""

    def run_progress(done, total):
        if progress is not None:
            progress(done, n_runs)

    result = uncertainty.run(model, n_runs, seed=seed, progress=run_progress)
    n_all = result.scores.shape[0]
    ranked = set(rows)
    base_order = np.array(rows + [r for r in range(n_all) if r not in ranked], dtype=np.int64)
    summary = uncertainty.summarise(result, base_order, top_k, ev.points[:, 0], figure.value, shown=len(rows))
    for point, row in zip(fields, rows):
        point.update(_spread(summary, row))
    fragile = uncertainty.fragile(fields, rows, summary, top_k)
    return replace(figure, low=summary.figure_low, high=summary.figure_high), fragile, result.figure


def _spread(summary, row: int) -> dict:
    """A point's fields from the uncertainty runs (``summary``, :func:`~.resistance.uncertainty.summarise`)."""
    lo, hi = float(summary.score_low[row]), float(summary.score_high[row])
    p_lo, p_hi = float(-np.expm1(-lo)), float(-np.expm1(-hi))
    return {
        "stability": float(summary.top_share[row]),
        "rank_low": int(summary.rank_low[row]),
        "rank_high": int(summary.rank_high[row]),
        "score_low": lo,
        "score_high": hi,
        "likelihood_low": p_lo,
        "likelihood_high": p_hi,
        "confidence": uncertainty.confidence(lo, hi),
    }


def _levers(model, ev, points: list, figure_value: float, n_runs: int, progress) -> tuple:
    """The levers, each tried by building the model again with its edit (reusing what the edit cannot change);
    ``progress`` goes on from the ``n_runs`` uncertainty runs."""
    base_total = float(ev.points[:, 0].sum())

    def rerun(changed):
        again = base(build(model.G, model.change, model.weights, reuse=model, edited=changed))
        return float(again.figure[0]), float(again.points[:, 0].sum())

    def lever_progress(done, total):
        if progress is not None:
            progress(n_runs + done, n_runs + total)

    return lever_model.try_levers(model, points, figure_value, base_total, rerun, progress=lever_progress)


def _result(
    model, change, points: list, levers: tuple, figure: Figure, seed: int, n_runs: int, top_k: int, fragile: list
) -> ChangeAnalysis:
    """The analysis as the callers see it: the points, the figure, the levers and the three logics."""
    restraining = sum(p.restraining for p in points if p.role == "carrier")
    driving = sum(p.driving for p in points if p.role == "carrier")
    missing = tuple(sorted(model.builder.change_missing))
    return ChangeAnalysis(
        change,
        model.builder.label(change),
        tuple(points),
        tuple(model.impacts),
        levers,
        _logics(model, points),
        figure,
        restraining,
        driving,
        model.weights,
        seed,
        n_runs,
        top_k,
        missing,
        tuple(fragile),
        model.notes,
    )


def _logics(model, points: list) -> dict:
    """The result read through the three logics of spread (Greenhalgh and Papoutsi, BMJ 2019, table 1)."""
    by_mechanism = _by_mechanism(points)
    return {
        "mechanistic": _mechanistic(model, by_mechanism),
        "ecological": _ecological(model),
        "social": _social(model, by_mechanism),
    }


def _by_mechanism(points: list) -> dict:
    """The carriers' reasons summed by mechanism (collectives, routines and norms restate their carriers')."""
    by_mechanism: dict = defaultdict(float)
    for point in points:
        if point.role != "carrier":
            continue
        for reason in point.reasons:
            by_mechanism[reason.mechanism] += reason.value
    return by_mechanism


def _label(weights, mechanism: str) -> str:
    return weights.entry(mechanism).label if mechanism in weights else mechanism


def _mechanistic(model, by_mechanism: dict) -> tuple:
    """The leading barriers and facilitators, and components that disrupt deeply embedded routines."""
    G, b, weights = model.G, model.builder, model.weights
    barriers = sorted((m for m in by_mechanism if by_mechanism[m] > 0), key=lambda m: -by_mechanism[m])
    facilitators = sorted((m for m in by_mechanism if by_mechanism[m] < 0), key=lambda m: by_mechanism[m])
    found = [f"Barrier: {_label(weights, m)} (total {by_mechanism[m]:.2f})" for m in barriers[:5]]
    found += [f"Facilitator: {_label(weights, m)} (total {-by_mechanism[m]:.2f})" for m in facilitators[:5]]
    for component in model.structure.changers[1:]:
        touched = [i for i in model.impacts if i.direct and G.has_edge(component, i.routine)]
        embedded = [i for i in touched if G.nodes[i.routine].get("embeddedness", 0) >= 0.7]
        if embedded:
            found.append(
                f"Fidelity risk: component “{b.label(component)}” disrupts deeply embedded "
                + ", ".join(f"“{i.label}”" for i in embedded)
            )
    return tuple(found)


def _ecological(model) -> tuple:
    """Routines touched indirectly, and the routines that hold the touched ones together."""
    import networkx as nx  # here, not at start (see explorer.analysis.graph)

    G, b, impacts = model.G, model.builder, model.impacts
    found = [
        f"“{i.label}” is touched through {' → '.join(b.label(n) for n in i.path[:-1])} "
        f"({', '.join(i.via)}; impact {i.impact:.2f})"
        for i in impacts
        if not i.direct
    ][:8]
    routines = nx.Graph()
    for i in impacts:
        for u, v, d in G.edges(i.routine, data=True):
            if d.get("relation") in (RX.Interdependency, RX.interdependentWith):
                routines.add_edge(u, v)
    for cut in sorted(nx.articulation_points(routines), key=str) if routines.number_of_nodes() > 2 else ():
        found.append(
            f"“{b.label(cut)}” holds touched routines together: "
            "local adaptation there decides how far the change travels"
        )
    return tuple(found)


def _social(model, by_mechanism: dict) -> tuple:
    """The norms in conflict, and the social mechanisms that move resistance either way."""
    G, b, weights = model.G, model.builder, model.weights
    found = []
    labels = G.graph.get("concept_labels", {})
    for norm in sorted(model.norms.norms, key=lambda n: b.label(n)):
        pillar = labels.get(G.nodes[norm].get("pillar"), "pillar not given")
        found.append(f"Norm conflict ({pillar}): “{b.label(norm)}”")
    for mechanism in (
        "interaction.sponsorship",
        "transgression.jurisdiction_group",
        "transgression.jurisdiction_role",
        "context.change_fatigue",
        "context.concurrent_initiative",
        "interaction.network_fit",
    ):
        if by_mechanism.get(mechanism):
            value = by_mechanism[mechanism]
            label = _label(weights, mechanism)
            found.append(
                f"{label[0].upper() + label[1:]}: {'raises' if value > 0 else 'lowers'} resistance (total {value:+.2f})"
            )
    return tuple(found)
