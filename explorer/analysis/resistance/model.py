"""The resistance model compiled from a map: its mechanisms, the order they run in, and the arrays they make.

The model (docs/analysis-model.md gives every equation; :mod:`.builder` defines carriers, channels, terms and
sites): the **resistance** of carrier *i* is ``R_i = sum_f T_if * exp(U_if)``, the transgression of family *f*
(its channels summed) times the exponential of the context terms that apply to it. Context multiplies
transgression: with no transgression there is no resistance, whatever the context. ``p_i = 1 - exp(-R_i)``
reads it as a likelihood.

Mechanisms
----------
A mechanism is one function ``(b: Builder) -> None`` in the family module it belongs to (each module's is
``add``): it reads the map through the :class:`~.builder.Builder` and registers channels or terms in it.
:func:`build` runs them in the order of :data:`MECHANISMS`, each keyed by the group of weights it reads in
``ontology/analysis-weights.toml`` (a section, or the shared start of its weights' names):

1. ``propagation``: routine disruption and new work, carried along interdependencies
   (:func:`.routines.add`; also ``transgression.routine_disruption``, ``new_routine``, ``owner_share``);
2. ``transgression.norm``: the norms the change violates, by pillar (:func:`.norms.add`; also
   ``transgression.backing_body``); needs the routines' carriers (the performers of a governed routine);
3. ``transgression.jurisdiction``: tasks moved between roles and groups (:func:`.jurisdiction.add`; also
   ``transgression.gainer_share``);
4. ``levels``: what a collective holds (norms, jurisdiction) reaches its members, ``levels.decay`` per level
   (:func:`inherit`); after every channel a collective can hold.

These are the **transgression** mechanisms (:data:`TRANSGRESSION`): they add channels. Then the carriers with a
channel are the *exposed* ones (``b.exposed``), and the **context** mechanisms (:data:`CONTEXT`) add terms at
them, never channels, so context cannot create resistance:

5. ``stance``: stances stated, passed down and spread along influence ties (:func:`.stances.add`);
6. ``context``: each carrier's own state, the change's attributes, what is around it, its stance, aligned
   norms (:func:`.context.add`; also ``interaction.sponsorship`` and ``interaction.divergence``); needs the
   stances and the norms;
7. ``interaction``: leaders nearby and the change agent's ties and network (:func:`.network.add`; also
   ``context.leader_nearby``); needs the stances.

Each leaves what later ones need on the builder (``b.routine_result``, ``b.norm_model``, ``b.stance_model``).
After them, :func:`build` adds the collectives above the exposed carriers as points, packs the arrays
(:mod:`.evaluate`) and works out what each collective's point is made of.

**A lever's rebuild** (``build(..., reuse=model, edited=...)``) shares the levels and scope (patched by the
edit), and each mechanism copies from ``reuse`` what the edit cannot have changed: the routine paths unless a
routine relation is edited, the stances unless a stance relation is, the context terms of carriers the edit
does not name (``b.dirty``). Tests check the result equals a build from scratch.

Examples
--------
>>> list(MECHANISMS)[:2], list(MECHANISMS)[-1]
(['propagation', 'transgression.norm'], 'interaction')
>>> from explorer.analysis.graph import map_graph_from_text
>>> from explorer.analysis.weights import load_weights
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:changeFatigue 0.8 .''')
>>> model = build(G, next(n for n in G if str(n) == "urn:x:c"), load_weights())
>>> [str(model.carrier_nodes[c.carrier]) for c in model.channels], [c.mechanism for c in model.channels]
(['urn:x:p'], ['transgression.routine_disruption'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..graph import is_a
from ..weights import Weights
from . import context, jurisdiction, network, norms, routines, stances
from .builder import NORM, NORM_OWN, Builder, TermTable
from .evaluate import base_transgression, pack, pack_population
from .inputs import InputTable
from .structure import RX, Structure


@dataclass
class Model:
    """A map compiled for one change: everything :mod:`.evaluate` needs, as arrays, plus what explanations need."""

    G: object
    change: object
    weights: Weights
    builder: Builder
    structure: Structure
    inputs: InputTable
    carrier_nodes: list
    headcount: np.ndarray
    channels: list
    terms: TermTable
    global_terms: TermTable
    sites: list
    routines: routines.RoutineModel
    norms: norms.NormStrengths
    stances: stances.StanceModel
    leaves: np.ndarray  # carriers counted in the context figure (bool): the exposed ones, bodies apart
    collective_members: dict  # carrier row -> rows its point is the mean of (itself, every member drawn below it)
    weight_names: list = field(default_factory=list)
    arrays: dict = field(default_factory=dict)
    impacts: tuple = ()
    notes: tuple = ()
    routine_result: routines.Routines | None = None


def inherit(b: Builder) -> None:
    """The ``levels`` mechanism: what a collective holds reaches its members.

    Norms it holds (a unit's, an organisation's, a professional group's, and those an external body holds or
    backs, to the body's members) and a group's jurisdiction go down the levels, each level times
    ``levels.decay``; a member's own hold of the same norm wins."""
    structure = b.structure
    inherited = [c for c in b.channels if c.kind in ("norm-held", "jurisdiction") and c.depth == 0]
    if not inherited:
        return
    by_collective = defaultdict(list)
    for channel in inherited:
        node = b.carrier_nodes[channel.carrier]
        _, organisation, body = structure.flags(node)
        if body and channel.kind != "norm-held":
            continue  # a body passes down the norms it holds or backs (a college to its members), nothing else
        if organisation or body or is_a(b.G, node, RX.ProfessionalGroup):
            by_collective[node].append(channel)
    if not by_collective:
        return
    own = {(b.carrier_nodes[c.carrier], c.key) for c in b.channels if c.kind in ("norm-held", "jurisdiction")}
    reached: dict = {}
    for collective, channels in by_collective.items():
        frontier, seen = [collective], {collective}
        for depth in range(1, structure.max_depth + 1):
            nxt = []
            for parent in frontier:
                for child in structure.children(parent):
                    if child in seen or not structure.is_carrier(child) or not structure.in_scope(child):
                        continue
                    seen.add(child)
                    nxt.append(child)
                    for channel in channels:
                        key = (child, channel.key)
                        if key in own:
                            continue
                        best = reached.get(key)
                        if best is None or best[0] > depth:
                            reached[key] = (depth, collective, channel)
            frontier = nxt
            if not frontier:
                break
    for (child, _), (depth, collective, channel) in sorted(
        reached.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))
    ):
        family = channel.family
        if channel.kind == "norm-held":
            family = NORM_OWN if norms.is_own_norm(b, child, b.site_list[channel.site].node) else NORM
        via = b.label(collective)
        b.channel(
            child,
            family,
            channel.weights,
            depth=depth,
            hold=channel.hold,
            fixed=channel.fixed,
            qty=channel.qty,
            site=channel.site,
            mechanism=channel.mechanism,
            kind=channel.kind,
            key=channel.key,
            text=f"{channel.text} (as a member of “{via}”, {depth} level{'s' if depth > 1 else ''} down)",
            evidence=channel.evidence + (collective, child),
        )


#: The mechanisms that add transgression channels, in the order :func:`build` runs them, keyed by the weight
#: group each reads (see the module notes).
TRANSGRESSION: dict[str, Callable[[Builder], None]] = {
    "propagation": routines.add,
    "transgression.norm": norms.add,
    "transgression.jurisdiction": jurisdiction.add,
    "levels": inherit,
}
#: The mechanisms that add context terms at the exposed carriers, in order, after every transgression mechanism.
CONTEXT: dict[str, Callable[[Builder], None]] = {
    "stance": stances.add,
    "context": context.add,
    "interaction": network.add,
}
#: Every mechanism, in the order :func:`build` runs them.
MECHANISMS: dict[str, Callable[[Builder], None]] = {**TRANSGRESSION, **CONTEXT}


def build(G, change, weights: Weights, *, reuse: Model | None = None, edited: tuple = ()) -> Model:
    """Compile map graph ``G`` for ``change``: run each mechanism (see the module notes), then pack arrays.

    ``reuse`` is a model of the same map before an edit (a lever) and ``edited`` what the edit changed
    (:func:`explorer.analysis.resistance.levers.apply_edit`): the levels and scope are shared, and work the
    edit cannot have changed is copied instead of redone (tests check the result equals a build from scratch).
    """
    structure = None
    if reuse is not None:
        structure = reuse.structure.patched([c for c in edited if c[0] in ("add", "remove")])
    b = Builder(G, change, weights, reuse=reuse, structure=structure, edited=edited)
    for mechanism in TRANSGRESSION.values():
        mechanism(b)
    b.exposed = {c.carrier for c in b.channels}
    if reuse is not None:
        b.dirty = _dirty(b, reuse, edited)
    for mechanism in CONTEXT.values():
        mechanism(b)
    # The collectives above those the change reaches are points too: each shows its exposed members.
    for node in list(b.carrier_nodes):
        for ancestor in b.structure.collectives_above(node):
            b.carrier(ancestor)
    b.inputs.freeze(b.canonical)
    headcount = np.array([_headcount(G, n) for n in b.carrier_nodes], dtype=float)
    impacts = b.routine_result
    model = Model(
        G,
        change,
        weights,
        b,
        b.structure,
        b.inputs,
        b.carrier_nodes,
        headcount,
        b.channels,
        b.terms,
        b.global_terms,
        b.site_list,
        impacts.model,
        b.norm_model,
        b.stance_model,
        np.zeros(len(b.carrier_nodes), dtype=bool),
        {},
        impacts=impacts.impacts,
        notes=tuple(b.notes),
    )
    model.routine_result = impacts
    pack(model)
    # Exposed: the change asks something of them at the map's values (a transgression above 0). Only they
    # are people the context figure counts, and a collective is represented by its exposed members.
    exposed = set(np.flatnonzero(base_transgression(model) > 0).tolist())
    model.leaves, model.collective_members = _levels(b, exposed)
    pack_population(model)
    return model


def _dirty(b: Builder, reuse: Model, edited: tuple) -> set:
    """The nodes whose own context an edit may have changed: those whose collectives (or themselves) the edit
    names, those rolled into by an initiative it names, and those holding or carrying what it names."""
    s = b.structure
    named = {c[2] for c in edited} | {c[3] for c in edited}
    named = {n for n in named if n in b.G and n != s.change}
    for node in list(named):
        named |= {place for place, _ in s.outs(node, RX.rolledOutTo)}
    dirty = set()
    for node in reuse.carrier_nodes:
        if node in named or any(a in named for a, _ in s.ancestors(node)):
            dirty.add(node)
    for channel in reuse.channels:
        if channel.site >= 0 and reuse.sites[channel.site].node in named:
            dirty.add(reuse.carrier_nodes[channel.carrier])
    return dirty


def _headcount(G, node) -> float:
    value = G.nodes[node].get("headcount")
    return float(value) if isinstance(value, (int, float)) and value >= 0 else 1.0


def _levels(b: Builder, exposed: set) -> tuple[np.ndarray, dict]:
    """Who counts as people in the context figure, and what each collective's point is made of.

    Every exposed carrier counts, with its headcount, except external bodies (they are not people of the
    organisation). A collective's headcount stands for its people who are not drawn as members of their own
    (``rx:headcount``), so its own exposure (a routine it owns, a norm it holds) is never lost when a member
    is drawn. A collective with members drawn below it (at any depth), when it or one of them is exposed,
    reads as the share of all its people likely to resist: the headcount-weighted mean likelihood over
    itself and every member drawn below it, exposed or not (the unexposed add people, not likelihood), so
    on a given map its point never falls when the change asks more of it.
    """
    structure = b.structure
    n = len(b.carrier_nodes)
    counted = np.zeros(n, dtype=bool)
    for i in exposed:
        counted[i] = not structure.flags(b.carrier_nodes[i])[2]
    members = {}
    for i, node in enumerate(b.carrier_nodes):
        below = {d for d in structure.descendants(node) if d in b.G and not structure.flags(d)[2]}
        rows = sorted({b.carriers[d] for d in below if d in b.carriers})
        if below and (counted[i] or any(counted[j] for j in rows)):
            own = [] if structure.flags(node)[2] else [i]
            # Members the change does not reach are not carriers; they still add their people.
            people = sum(_headcount(b.G, d) for d in below) + (_headcount(b.G, node) if own else 0.0)
            members[i] = Members(own + rows, people, len(below))
    return counted, members


class Members(NamedTuple):
    """What a collective's point is made of: the carrier rows it averages, all the people it stands for
    (itself and every member drawn below it) and how many members are drawn."""

    rows: list
    people: float
    drawn: int
