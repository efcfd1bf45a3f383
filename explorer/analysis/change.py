"""Where one proposed change will meet resistance, why, and what levers exist.

The model, in the order it runs (DOMAIN.md section 4; every number comes from
:mod:`explorer.analysis.weights`, so each is an assumption a user can change):

1. **Scope.** The change and its components (``rx:hasComponent``).
2. **Impact.** Routines the change disrupts (``rx:Disruption`` with a degree,
   or plain ``rx:disrupts``/``rx:introduces``/``rx:replaces``/``rx:reallocatesTask``)
   are touched directly. Impact travels along interdependencies in both
   directions, multiplied at each step by the type's share (pooled < sequential
   < reciprocal) and the tie's strength, for at most ``propagation.max_hops``
   steps; each routine keeps its strongest path, which is reported.
3. **Exposure.** Who carries each impacted routine: its performers and its
   owning unit; units and organisations the change is rolled out to and their
   members; the norms it violates or aligns with; whoever states a stance.
4. **Stances spread** along influence ties (a Friedkin-Johnsen update: each
   actor moves ``stance.susceptibility`` of the way towards the weighted mean
   of those who influence it; an actor with no stated stance takes theirs).
5. **Force field.** For each exposed actor, unit, routine and norm, the
   restraining and driving contributions of DOMAIN.md 4.2, each a
   :class:`Reason` (signed value, evidence, construct, citation).
6. **Points of likely resistance**: score = restraining - driving, ranked;
   confidence falls by ``confidence.missing_input`` for each input the map
   does not give (a missing stance, embeddedness, pillar, degree...), and the
   point says which. Missing inputs are never read as zero.
7. **Levers**, **three logics** and **sensitivity**: the share of seeded
   runs, each multiplying every mechanism weight by a random factor in
   [1 - spread, 1 + spread], in which a point stays in the top k.

Results describe likely concerns of roles, units and routines; they do not
label people.

Examples
--------
>>> from explorer.analysis.graph import map_graph_from_text
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue 0.8 .''')
>>> result = analyse_change(G, URIRef("urn:x:c"), sensitivity_runs=0)
>>> [(p.label, round(p.score, 2)) for p in result.points]
[('p', 0.79), ('r', 0.47)]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable

import networkx as nx
import numpy as np
from rdflib import URIRef

from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX

from .graph import is_a
from .weights import Weights, load_weights, perturbed



class _Terms:
    """``R.Routine`` is ``RX.Routine``, looked up once: the closed namespace's attribute
    lookup runs Python code, and the analysis asks for these terms hundreds of thousands of times."""

    def __getattr__(self, name: str):
        value = RX[name]
        setattr(self, name, value)
        return value


R = _Terms()
ORG = "http://www.w3.org/ns/org#"
_MEMBER_OF = URIRef(ORG + "memberOf")
_UNIT_OF = URIRef(ORG + "unitOf")
_HAS_UNIT = URIRef(ORG + "hasUnit")
_HEAD_OF = URIRef(ORG + "headOf")
_SUB_ORG = URIRef(ORG + "subOrganizationOf")
_ORGANIZATION = URIRef(ORG + "Organization")
_DIRECT = (R.disrupts, R.introduces, R.replaces, R.reallocatesTask)
_TYPE_SHARE = {R.pooled: "propagation.pooled", R.sequential: "propagation.sequential", R.reciprocal: "propagation.reciprocal"}
_PILLAR = {R.regulative: "restraining.pillar_regulative", R.normative: "restraining.pillar_normative",
           R.culturalCognitive: "restraining.pillar_cultural_cognitive"}
_LEVEL_NAMES = {1: "micro", 2: "meso", 3: "macro"}
#: Value assumed for an input the map does not give (the middle of its scale); it also lowers confidence.
MIDDLE = 0.5


@dataclass(frozen=True)
class Reason:
    """One signed contribution to a point's score.

    ``value`` is positive for a restraining contribution and negative for a
    driving one; ``evidence`` are the map's nodes and ties it rests on.
    """

    mechanism: str
    value: float
    text: str
    evidence: tuple = ()
    construct: str = ""
    citation: str = ""

    @property
    def restraining(self) -> bool:
        return self.value > 0


@dataclass(frozen=True)
class Impact:
    """A routine the change touches: ``path`` runs from a directly touched routine to this one."""

    routine: object
    label: str
    impact: float
    direct: bool
    path: tuple = ()
    via: tuple = ()


@dataclass(frozen=True)
class Point:
    """A likely point of resistance (or support, if its score is negative)."""

    node: object
    label: str
    kind: object
    level: int
    score: float
    restraining: float
    driving: float
    confidence: float
    missing: tuple = ()
    reasons: tuple = ()
    stability: float | None = None


@dataclass(frozen=True)
class Lever:
    """Something a change agent could do, with the nodes it concerns."""

    kind: str
    text: str
    nodes: tuple = ()
    weight: float = 0.0


@dataclass(frozen=True)
class ChangeAnalysis:
    """The result of :func:`analyse_change`."""

    change: object
    change_label: str
    points: tuple
    impacts: tuple
    levers: tuple
    logics: dict
    restraining: float
    driving: float
    index: float
    weights: Weights = field(repr=False, compare=False, default=None)
    seed: int = 0
    #: How stability was measured: the number of perturbed runs (0: none) and the top k it counts.
    sensitivity_runs: int = 0
    top_k: int = 10


class AnalysisError(ExplorerError, ValueError):
    """The map or the request cannot be analysed (no such change, several and none chosen...)."""


def changes_in(G) -> list:
    """The change proposals of map graph ``G``, in label order."""
    found = [n for n in G if is_a(G, n, R.ChangeProposal)]
    return sorted(found, key=lambda n: (G.nodes[n].get("label", ""), str(n)))


def choose_change(G, change=None):
    """``change`` if it is a change in ``G``; the only one if None; else an error listing them."""
    options = changes_in(G)
    if change is not None:
        change = URIRef(change) if not isinstance(change, URIRef) else change
        if change not in G or not (is_a(G, change, R.Initiative) or is_a(G, change, R.ChangeComponent)):
            raise AnalysisError(f"{change} is not a change proposal of this map."
                                + (f" The map has: {_list(G, options)}." if options else ""))
        return change
    if not options:
        raise AnalysisError("The map has no change proposal (rx:ChangeProposal) to analyse.")
    if len(options) > 1:
        raise AnalysisError(f"The map has {len(options)} change proposals; choose one with --change: {_list(G, options)}.")
    return options[0]


def _list(G, nodes) -> str:
    return "; ".join(f"{G.nodes[n].get('label', n)} <{n}>" for n in nodes)


# ---------------------------------------------------------------------------- helpers
def _index(G, *, rebuild: bool = False):
    """Edges by (node, relation), both ways: units with thousands of members would otherwise
    be scanned edge by edge for every person in scope. Built at the start of each analysis
    (so a graph changed between analyses is read afresh) and kept on the graph meanwhile."""
    cached = G.graph.get("_by_relation")
    if cached is None or rebuild:
        out, into, every = defaultdict(list), defaultdict(list), defaultdict(list)
        for u, neighbours in G._adj.items():
            for v, keyed in neighbours.items():
                for data in keyed.values():
                    relation = data.get("relation")
                    out[(u, relation)].append((v, data))
                    into[(v, relation)].append((u, data))
                    every[relation].append((u, v, data))
        cached = G.graph["_by_relation"] = (out, into, every, {})
    return cached


def _edges(G, *relations) -> list:
    """Every edge ``(u, v, data)`` with one of ``relations`` (from the index :func:`_index` built)."""
    every = G.graph["_by_relation"][2]
    return [edge for relation in relations for edge in every.get(relation, ())]


def _out(G, node, relation):
    return G.graph["_by_relation"][0].get((node, relation), ())


def _in(G, node, relation):
    return G.graph["_by_relation"][1].get((node, relation), ())


def _label(G, node) -> str:
    return G.nodes[node].get("label", str(node)) if node in G else str(node)


def _is_professional(G, node) -> bool:
    data = G.nodes[node]
    if is_a(G, node, R.ProfessionalGroup):
        return True
    kinds = data.get("roleKind") or ()
    kinds = kinds if isinstance(kinds, frozenset) else frozenset({kinds})
    return R.clinicalRole in kinds or any(True for _ in _out(G, node, R.ofProfession))


def _is_hybrid(G, node) -> bool:
    kinds = G.nodes[node].get("roleKind") or ()
    kinds = kinds if isinstance(kinds, frozenset) else frozenset({kinds})
    return is_a(G, node, R.HybridLeader) or is_a(G, node, R.OpinionLeader) or {R.clinicalRole, R.managerialRole} <= kinds


def _containers(G, node) -> set:
    """Units and organisations ``node`` belongs to, transitively (membership, unit of, sub-organisation).

    Kept per node for the run (:func:`_index` resets it): the people of one unit share its chain.
    """
    memo = G.graph["_by_relation"][3]
    if node in memo:
        return memo[node]
    found, frontier = set(), [node]
    while frontier:
        current = frontier.pop()
        for relation in (_MEMBER_OF, _UNIT_OF, _SUB_ORG, _HEAD_OF):
            for parent, _ in _out(G, current, relation):
                if parent not in found:
                    found.add(parent)
                    frontier.append(parent)
        for parent, _ in _in(G, current, _HAS_UNIT):
            if parent not in found:
                found.add(parent)
                frontier.append(parent)
    memo[node] = found
    return found


class _Ledger:
    """Reasons and missing inputs collected per node."""

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self.reasons: dict = defaultdict(list)
        self.missing: dict = defaultdict(set)

    def add(self, node, mechanism: str, amount: float, text: str, evidence=(), sign: int = 1) -> None:
        if amount <= 0:
            return
        entry = self.weights.entry(mechanism)
        value = sign * entry.value * amount
        if value:
            self.reasons[node].append(Reason(mechanism, value, text, tuple(evidence), entry.construct, entry.source))

    def lack(self, node, what: str) -> None:
        self.missing[node].add(what)


# ---------------------------------------------------------------------------- the model
def analyse_change(G, change=None, *, weights: Weights | None = None, top_k: int = 10, seed: int = 0,
                   sensitivity_runs: int | None = None, progress: Callable[[int, int], None] | None = None) -> ChangeAnalysis:
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
        How many points the sensitivity figure is about ("stays in the top k").
    seed : int
        Seed of the sensitivity runs.
    sensitivity_runs : int, optional
        Number of perturbed runs (``sensitivity.runs`` from the weights when
        omitted; 0 skips sensitivity).
    progress : callable, optional
        ``progress(done, total)`` after each sensitivity run (may raise to cancel).
    """
    weights = weights or load_weights()
    change = choose_change(G, change)
    result = _run(G, change, weights)
    runs = int(weights["sensitivity.runs"]) if sensitivity_runs is None else sensitivity_runs
    if runs and result.points:
        # Each reason is a mechanism's weight times an amount read from the map, so a run with
        # perturbed weights re-scores the points from their reasons: exact for every mechanism
        # weight, and cheap enough for hundreds of runs on big maps. Propagation and stance
        # parameters shape which reasons exist; they are held at their values here.
        base = weights.values()
        names = sorted({r.mechanism for p in result.points for r in p.reasons})
        column = {name: i for i, name in enumerate(names)}
        # points x mechanisms: each point's reasons summed per mechanism, so a run is one product.
        by_mechanism = np.zeros((len(result.points), len(names)))
        for row, point in enumerate(result.points):
            for reason in point.reasons:
                by_mechanism[row, column[reason.mechanism]] += reason.value
        order = np.arange(len(result.points))  # ties keep the base ranking's order (label, IRI)
        counts = np.zeros(len(result.points))
        for run in range(runs):
            varied = perturbed(weights, seed=seed * 100_003 + run).values()
            factor = np.array([varied[n] / base[n] if base[n] else 1.0 for n in names])
            scores = by_mechanism @ factor
            ranked = np.lexsort((order, -scores))
            counts[ranked[:top_k]] += 1
            if progress is not None:
                progress(run + 1, runs)
        tops = {point.node: counts[row] for row, point in enumerate(result.points)}
        points = tuple(replace(p, stability=tops[p.node] / runs) for p in result.points)
        result = replace(result, points=points)
    return replace(result, seed=seed, sensitivity_runs=runs if result.points else 0, top_k=top_k)


def _run(G, change, weights: Weights) -> ChangeAnalysis:
    w = weights
    _index(G, rebuild=True)
    ledger = _Ledger(w)
    change_data = G.nodes[change]
    changers = [change] + [c for c, _ in _out(G, change, R.hasComponent)]

    # --- impact on routines
    direct: dict = {}
    for source in changers:
        for _, target, data in G.out_edges(source, data=True):
            relation = data.get("relation")
            if target not in G or not is_a(G, target, R.Routine):
                continue
            if relation == R.Disruption and data.get("degree") is not None:
                degree, known, evidence = data["degree"], True, (source, data.get("tie"))
            elif relation in _DIRECT or relation == R.Disruption:
                degree, known, evidence = MIDDLE, False, (source, data.get("tie"))
            else:
                continue
            # A stated degree wins over a shortcut without one; among stated ones, the largest.
            if target not in direct or (known, degree) > direct[target][:2]:
                direct[target] = (known, degree, evidence)
    for routine, (known, _, _) in direct.items():
        if not known:
            ledger.lack(routine, "degree of disruption")
    direct = {r: (d, e) for r, (_, d, e) in direct.items()}
    impacts = {r: Impact(r, _label(G, r), d, True, (r,), ()) for r, (d, _) in direct.items()}
    frontier = list(impacts)
    for _ in range(int(w["propagation.max_hops"])):
        nxt = []
        for routine in frontier:
            here = impacts[routine]
            for u, v, data in list(G.out_edges(routine, data=True)) + list(G.in_edges(routine, data=True)):
                if data.get("relation") not in (R.Interdependency, R.interdependentWith):
                    continue
                other = v if u == routine else u
                kind = data.get("interdependenceType")
                share = w[_TYPE_SHARE[kind]] if kind in _TYPE_SHARE else w["propagation.untyped"]
                strength = data.get("strength")
                if strength is None:
                    strength = MIDDLE
                value = here.impact * share * strength
                if value < w["propagation.min_impact"] or value <= impacts.get(other, Impact(other, "", 0, False)).impact:
                    continue
                type_name = str(kind).rsplit("#", 1)[-1] if kind is not None else "untyped"
                impacts[other] = Impact(other, _label(G, other), value, False, here.path + (other,), here.via + (type_name,))
                nxt.append(other)
        frontier = nxt

    # --- routine disruption, felt by the routine, its performers and its owner
    exposed = set()
    for routine, impact in impacts.items():
        embeddedness = G.nodes[routine].get("embeddedness")
        if embeddedness is None:
            ledger.lack(routine, "embeddedness")
            embeddedness = MIDDLE
        amount = impact.impact * (0.5 + embeddedness) / 1.5  # an unembedded routine still resists a little
        how = "directly" if impact.direct else "through " + " → ".join(_label(G, n) for n in impact.path[:-1]) + f" ({', '.join(impact.via)})"
        text = f"“{impact.label}” is disrupted {how}, impact {impact.impact:.2f}, embeddedness {embeddedness:.1f}"
        evidence = impact.path + tuple(e for e in direct.get(routine, (0, ()))[1] if e is not None)
        ledger.add(routine, "restraining.routine_disruption", amount, text, evidence)
        exposed.add(routine)
        carriers = [a for a, _ in _in(G, routine, R.performs)] + [u for u, _ in _out(G, routine, R.ownedBy)]
        for carrier in carriers:
            ledger.add(carrier, "restraining.routine_disruption", amount / 2, f"performs or owns {text[0].lower() + text[1:]}", evidence + (carrier,))
            exposed.add(carrier)

    rollout = {u for c in changers for u, _ in _out(G, c, R.rolledOutTo)}
    for target in rollout:
        exposed.add(target)
        for member in G.predecessors(target):
            if any(d.get("relation") in (_MEMBER_OF, _UNIT_OF, _HEAD_OF) for d in G.get_edge_data(member, target).values()):
                exposed.add(member)

    # --- norms
    violated = {n for c in changers for n, _ in _out(G, c, R.violates)}
    aligned = {n for c in changers for n, _ in _out(G, c, R.alignsWith)}
    for norm in violated:
        data = G.nodes[norm]
        formality = data.get("formality")
        if formality is None:
            ledger.lack(norm, "formality")
            formality = MIDDLE
        pillar = data.get("pillar")
        if pillar in _PILLAR:
            factor = w[_PILLAR[pillar]]
        else:
            ledger.lack(norm, "pillar")
            factor = 1.0
        bodies = [b for rel in (R.issuedBy, R.backedBy) for b, _ in _out(G, norm, rel)]
        backing = sum(G.nodes[b].get("influence", MIDDLE) for b in bodies)
        pillar_name = str(pillar).rsplit("#", 1)[-1] if pillar is not None else "unknown"
        amount = formality * factor + w["restraining.backing_body"] * backing / max(w["restraining.norm_violation"], 1e-9)
        text = f"the change violates the {pillar_name} norm “{_label(G, norm)}” (formality {formality:.1f})"
        if bodies:
            text += ", backed by " + ", ".join(_label(G, b) for b in bodies)
        ledger.add(norm, "restraining.norm_violation", amount, text[0].upper() + text[1:], (norm, *bodies))
        exposed.add(norm)
        held = f"Holds to the {pillar_name} norm “{_label(G, norm)}” (formality {formality:.1f}), which the change violates"
        if bodies:
            held += "; it is backed by " + ", ".join(_label(G, b) for b in bodies)
        for holder, weight in _norm_holders(G, norm):
            ledger.add(holder, "restraining.norm_violation", amount * weight, held, (norm, holder))
            exposed.add(holder)
    for norm in aligned:
        formality = G.nodes[norm].get("formality", MIDDLE)
        for holder, weight in [(norm, 1.0), *_norm_holders(G, norm)]:
            ledger.add(holder, "driving.aligned_norm", formality * weight, f"the change aligns with “{_label(G, norm)}”", (norm,), sign=-1)
            exposed.add(holder)

    # --- stances (stated, then spread along influence ties)
    stated = {}
    for actor, _, data in G.in_edges(change, data=True):
        if data.get("relation") == R.Stance and data.get("attitude") is not None:
            stated[actor] = (data["attitude"], data.get("confidence", MIDDLE), data.get("tie"))
            exposed.add(actor)
    stances = _spread(G, stated, w)

    # --- people, units and routines in scope
    mode = change_data.get("sponsorshipMode")
    concurrent = [i for i, _ in _out(G, change, R.runsConcurrentlyWith)] + [i for i, _ in _in(G, change, R.runsConcurrentlyWith)]
    concurrent_rollout = {i: {u for u, _ in _out(G, i, R.rolledOutTo)} for i in concurrent}
    feedback = {n for c in changers for n, _ in _out(G, c, R.feedsBackDataTo)}
    adopters = {n for c in changers for n, _ in _out(G, c, R.adoptedBy)}
    burden_parts = [v for v in (change_data.get("complexity"),
                                (1 - change_data["compatibility"]) / 2 if "compatibility" in change_data else None,
                                (1 - change_data["relativeAdvantage"]) / 2 if "relativeAdvantage" in change_data else None) if v is not None]
    ease_parts = [v for v in (change_data.get("trialability"), change_data.get("observability")) if v is not None]
    kind_flags: dict = {}
    for node in list(exposed):
        if node not in G or node == change or node in changers:
            continue
        data = G.nodes[node]
        types = data.get("kinds", frozenset())
        flags = kind_flags.get(types)
        if flags is None:  # decided once per set of types: big maps share a handful
            flags = kind_flags[types] = (is_a(G, node, R.Actor), is_a(G, node, _ORGANIZATION),
                                         is_a(G, node, R.Routine) or is_a(G, node, R.Norm))
        actor, unit, other = flags
        if not (actor or unit or other):
            continue
        homes = _containers(G, node) if (actor or unit) else set()
        if actor:
            stance = stances.get(node)
            if stance is None:
                ledger.lack(node, "stance")
            else:
                attitude, confidence, evidence, how = stance
                text = f"{'stated' if how == 'stated' else 'likely, through influence ties,'} attitude {attitude:+.1f} to the change"
                if attitude < 0:
                    ledger.add(node, "restraining.negative_stance", -attitude * confidence, text.capitalize(), evidence)
                else:
                    ledger.add(node, "driving.positive_stance", attitude * confidence, text.capitalize(), evidence, sign=-1)
            if "dispositionalResistance" in data:
                ledger.add(node, "restraining.dispositional", data["dispositionalResistance"], f"Dispositional resistance {data['dispositionalResistance']:.1f}", (node,))
        if actor or unit:
            for name, mechanism in (("workload", "restraining.workload"), ("changeFatigue", "restraining.change_fatigue")):
                if name in data:
                    label = "Workload" if name == "workload" else "Change fatigue"
                    ledger.add(node, mechanism, data[name], f"{label} {data[name]:.1f}", (node,))
            for name, mechanism, label in (("tensionForChange", "driving.tension_for_change", "Tension for change"),
                                           ("readiness", "driving.readiness", "Readiness"),
                                           ("absorptiveCapacity", "driving.absorptive_capacity", "Absorptive capacity")):
                if name in data:
                    ledger.add(node, mechanism, data[name], f"{label} {data[name]:.1f}", (node,), sign=-1)
            mine = {node} | homes
            for initiative, places in concurrent_rollout.items():
                if places & mine:
                    ledger.add(node, "restraining.concurrent_initiative", 1.0,
                               f"“{_label(G, initiative)}” runs alongside the change here", (initiative, *(places & mine)))
            if _is_professional(G, node) or (unit and any(_is_professional(G, m) for m in G.predecessors(node) if m in exposed)):
                if mode == R.topDown:
                    ledger.add(node, "restraining.top_down_professionals", 1.0,
                               "Professionals are asked to carry a top-down change", (change, node))
                elif mode in (R.professionallyLed, R.grassroots):
                    ledger.add(node, "driving.professionally_led", 1.0,
                               "The change is led by professionals like them", (change, node), sign=-1)
            if mine & feedback:
                ledger.add(node, "driving.data_feedback", 1.0, "The change feeds data back to them", (change, *(mine & feedback)), sign=-1)
            peers = {p for p, _ in _out(G, node, R.lateralSupport)} | {p for p, _ in _in(G, node, R.lateralSupport)}
            for peer in peers:
                amount = 1.0 + (w["driving.peer_adoption"] / max(w["driving.lateral_support"], 1e-9) if peer in adopters else 0.0)
                text = f"Lateral support from “{_label(G, peer)}”" + (", which has adopted the change" if peer in adopters else "")
                ledger.add(node, "driving.lateral_support", amount, text, (node, peer), sign=-1)
            for neighbour in set(G.predecessors(node)) | set(G.successors(node)):
                if neighbour != node and neighbour in G and is_a(G, neighbour, R.Actor) and _is_hybrid(G, neighbour):
                    stance = stances.get(neighbour)
                    if stance is None or stance[0] >= 0:
                        ledger.add(node, "driving.broker_nearby", 1.0, f"“{_label(G, neighbour)}”, a hybrid or opinion leader, is one tie away", (neighbour, node), sign=-1)
                        break
        if burden_parts and not is_a(G, node, R.Norm):
            burden = sum(burden_parts) / len(burden_parts)
            ledger.add(node, "restraining.innovation_burden", burden, f"The change is demanding (complexity, fit, advantage: burden {burden:.2f})", (change,))
        if ease_parts and not is_a(G, node, R.Norm):
            ease = sum(ease_parts) / len(ease_parts)
            ledger.add(node, "driving.trialability_observability", ease, f"The change can be tried and seen (ease {ease:.2f})", (change,), sign=-1)
        for source, edge in _in(G, node, R.ForceInfluence):
            about = edge.get("withRespectTo")
            if about is not None and about != change:
                continue
            magnitude = edge.get("magnitude")
            if magnitude is None:
                ledger.lack(node, "magnitude of a force")
                magnitude = MIDDLE
            direction = edge.get("direction")
            if direction == R.restraining:
                ledger.add(node, "restraining.external_force", magnitude, f"Restraining force: “{_label(G, source)}”", (source, edge.get("tie")))
            elif direction == R.driving:
                ledger.add(node, "driving.external_force", magnitude, f"Driving force: “{_label(G, source)}”", (source, edge.get("tie")), sign=-1)
            else:
                ledger.lack(node, "direction of a force")

    # --- task reallocation across professions
    for source in changers:
        for u, v, data in _edges(G, R.TaskReallocation):
            if data.get("byChange") not in (None, source):
                continue
            professions = [frozenset(p for p, _ in _out(G, n, R.ofProfession)) for n in (u, v)]
            if not all(professions):
                ledger.lack(u, "professions of a task reallocation")
                continue
            if professions[0] != professions[1]:
                task = data.get("task")
                text = f"A task{' (' + _label(G, task) + ')' if task is not None else ''} moves from “{_label(G, u)}” to “{_label(G, v)}”, across professions"
                for node in (u, v):
                    ledger.add(node, "restraining.task_reallocation", 1.0, text, (u, v, data.get("tie")))
                    exposed.add(node)

    # --- points
    points = []
    for node in exposed:
        if node not in G or node in changers:
            continue
        reasons = tuple(sorted(ledger.reasons.get(node, ()), key=lambda r: -abs(r.value)))
        if not reasons:
            continue
        restraining = sum(r.value for r in reasons if r.value > 0)
        driving = -sum(r.value for r in reasons if r.value < 0)
        missing = tuple(sorted(ledger.missing.get(node, ())))
        confidence = max(0.1, 1.0 - w["confidence.missing_input"] * len(missing))
        data = G.nodes[node]
        points.append(Point(node, data.get("label", str(node)), data.get("kind"), data.get("level", 2),
                            restraining - driving, restraining, driving, confidence, missing, reasons))
    points.sort(key=lambda p: (-p.score, p.label, str(p.node)))
    restraining = sum(p.restraining for p in points)
    driving = sum(p.driving for p in points)
    index = sum(p.score for p in points) / len(points) if points else 0.0
    impacts_sorted = tuple(sorted(impacts.values(), key=lambda i: (-i.impact, i.label)))
    levers = _levers(G, points, violated, stances, exposed)
    logics = _logics(G, points, impacts_sorted, changers, violated)
    return ChangeAnalysis(change, _label(G, change), tuple(points), impacts_sorted, levers, logics,
                          restraining, driving, index, weights)


def _norm_holders(G, norm) -> list:
    """Who holds to ``norm``, with how strongly: subscribers, and routines it governs with their performers."""
    holders = []
    for u, _, data in G.in_edges(norm, data=True):
        relation = data.get("relation")
        if relation == R.NormSubscription:
            holders.append((u, data.get("strength", MIDDLE)))
        elif relation == R.subscribesTo:
            holders.append((u, MIDDLE))
        elif relation == R.governedBy:
            holders.append((u, 1.0))
    return holders


def _spread(G, stated: dict, weights: Weights) -> dict:
    """Friedkin-Johnsen: ``{actor: (attitude, confidence, evidence, 'stated'|'influence')}``."""
    influence = defaultdict(list)  # target -> [(source, weight, tie)]
    for u, v, data in _edges(G, R.influences, R.advises):
        influence[v].append((u, MIDDLE, None))
    for u, v, data in _edges(G, R.InfluenceTie):
        influence[v].append((u, data.get("strength", MIDDLE), data.get("tie")))
    if not influence:
        return {a: (s[0], s[1], (a, s[2]), "stated") for a, s in stated.items()}
    s = weights["stance.susceptibility"]
    attitude = {a: v[0] for a, v in stated.items()}
    for _ in range(int(weights["stance.iterations"])):
        nxt = {}
        for target in set(attitude) | set(influence):
            sources = [(attitude[src], weight) for src, weight, _ in influence.get(target, ()) if src in attitude]
            total = sum(weight for _, weight in sources)
            pull = sum(a * weight for a, weight in sources) / total if total else None
            if target in stated:
                nxt[target] = stated[target][0] if pull is None else (1 - s) * stated[target][0] + s * pull
            elif pull is not None:
                nxt[target] = pull
        if nxt == attitude:
            break
        attitude = nxt
    result = {}
    for actor, value in attitude.items():
        sources = tuple(src for src, _, _ in influence.get(actor, ()) if src in attitude)
        if actor in stated:
            result[actor] = (value, stated[actor][1], (actor, stated[actor][2], *sources), "stated")
        else:
            confidence = MIDDLE * min(1.0, sum(stated.get(src, (0, MIDDLE))[1] for src in sources))
            result[actor] = (value, confidence, (actor, *sources), "influence")
    return result


def _levers(G, points, violated, stances, exposed) -> tuple:
    levers = []
    resistant = [p for p in points if p.score > 0][:10]
    resistant_nodes = {p.node for p in resistant}
    near = defaultdict(set)
    for point in resistant:
        for neighbour in set(G.predecessors(point.node)) | set(G.successors(point.node)):
            if neighbour in G and is_a(G, neighbour, R.Actor) and (_is_hybrid(G, neighbour) or (stances.get(neighbour, (0,))[0] > 0.3)):
                near[neighbour].add(point.node)
    for broker, reached in sorted(near.items(), key=lambda kv: (-len(kv[1]), _label(G, kv[0]))):
        names = ", ".join(_label(G, n) for n in sorted(reached, key=str))
        role = "a hybrid or opinion leader" if _is_hybrid(G, broker) else "a supporter"
        levers.append(Lever("broker", f"Ask “{_label(G, broker)}” ({role}) to broker with {names}", (broker, *sorted(reached, key=str)), float(len(reached))))
    units = [p for p in points if is_a(G, p.node, URIRef(ORG + "Organization")) and not is_a(G, p.node, R.ExternalBody)]
    supportive = [p for p in units if p.score < 0] or sorted(units, key=lambda p: p.score)[:1]
    for point in [p for p in units if p.node in resistant_nodes]:
        peers = {v for _, v, d in G.out_edges(point.node, data=True) if d.get("relation") == R.lateralSupport}
        peers |= {u for u, _, d in G.in_edges(point.node, data=True) if d.get("relation") == R.lateralSupport}
        for other in supportive:
            if other.node != point.node and other.node not in peers:
                levers.append(Lever("lateral tie", f"Build lateral support between “{point.label}” and “{other.label}”",
                                    (point.node, other.node), point.score - other.score))
    score_of = {p.node: p.score for p in points}
    for norm in sorted(violated, key=lambda n: (-score_of.get(n, 0.0), str(n))):
        bodies = [b for rel in (R.issuedBy, R.backedBy) for b, _ in _out(G, norm, rel)]
        level = _LEVEL_NAMES.get(G.nodes[norm].get("level", 2), "meso")
        with_whom = f", with {', '.join(_label(G, b) for b in bodies)}" if bodies else ""
        levers.append(Lever("renegotiate norm", f"Renegotiate “{_label(G, norm)}” at {level} level{with_whom}", (norm, *bodies),
                            score_of.get(norm, 0.0)))
    return tuple(levers)


def _logics(G, points, impacts, changers, violated) -> dict:
    """The result read through three logics of spread (generated from the analysis)."""
    by_mechanism = defaultdict(float)
    for point in points:
        for reason in point.reasons:
            by_mechanism[reason.mechanism] += reason.value
    barriers = sorted((m for m in by_mechanism if by_mechanism[m] > 0), key=lambda m: -by_mechanism[m])
    facilitators = sorted((m for m in by_mechanism if by_mechanism[m] < 0), key=lambda m: by_mechanism[m])
    mechanistic = [f"Barrier: {m.split('.', 1)[1].replace('_', ' ')} (total {by_mechanism[m]:.2f})" for m in barriers[:5]]
    mechanistic += [f"Facilitator: {m.split('.', 1)[1].replace('_', ' ')} (total {-by_mechanism[m]:.2f})" for m in facilitators[:5]]
    for component in changers[1:]:
        touched = [i for i in impacts if i.direct and G.has_edge(component, i.routine)]
        embedded = [i for i in touched if G.nodes[i.routine].get("embeddedness", 0) >= 0.7]
        if embedded:
            mechanistic.append(f"Fidelity risk: component “{_label(G, component)}” disrupts deeply embedded "
                               + ", ".join(f"“{i.label}”" for i in embedded))
    ecological = [f"“{i.label}” is touched through {' → '.join(_label(G, n) for n in i.path[:-1])} ({', '.join(i.via)}; impact {i.impact:.2f})"
                  for i in impacts if not i.direct][:8]
    routines = nx.Graph()
    for i in impacts:
        for u, v, d in G.edges(i.routine, data=True):
            if d.get("relation") in (R.Interdependency, R.interdependentWith):
                routines.add_edge(u, v)
    for cut in sorted(nx.articulation_points(routines), key=str) if routines.number_of_nodes() > 2 else ():
        ecological.append(f"“{_label(G, cut)}” holds impacted routines together: local adaptation there decides how far the change travels")
    social = []
    for norm in sorted(violated, key=lambda n: _label(G, n)):
        pillar = G.nodes[norm].get("pillar")
        name = str(pillar).rsplit("#", 1)[-1] if pillar is not None else "unstated"
        social.append(f"Norm conflict ({name} pillar): “{_label(G, norm)}”")
    if by_mechanism.get("restraining.top_down_professionals"):
        social.append(f"Legitimacy and ownership: a top-down change carried by professionals (total {by_mechanism['restraining.top_down_professionals']:.2f})")
    if by_mechanism.get("driving.professionally_led"):
        social.append(f"Legitimacy and ownership: professionally led (total {-by_mechanism['driving.professionally_led']:.2f})")
    fatigue = by_mechanism.get("restraining.change_fatigue", 0) + by_mechanism.get("restraining.concurrent_initiative", 0)
    if fatigue:
        social.append(f"Fatigue: change fatigue and parallel initiatives (total {fatigue:.2f})")
    return {"mechanistic": tuple(mechanistic), "ecological": tuple(ecological), "social": tuple(social)}
