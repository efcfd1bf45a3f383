"""The resistance model compiled from a map: transgression channels, context terms and the points they make.

The model (docs/analysis-model.md gives every equation):

* A **carrier** is an actor (person, role, professional group), a unit,
  organisation or external body the change reaches, other than its sponsors
  and leaders.
* A **channel** is one transgression a carrier bears: a routine it performs or
  owns is disrupted, a routine it must take up is new, a norm it holds is
  violated, a task moves away from (or to) it. A channel's value is a product:
  its weights, the inputs behind it (degree, embeddedness, a norm's strength,
  how strongly it is held) and ``levels.decay`` per level it travelled down.
  Channels fall into six *families*: routine disruption, new work, the
  professionals' own norms, other norms, a professional's jurisdiction, other
  tasks moved.
* A **term** is one piece of context at a carrier: a weight times a centred
  input (its deviation from the scale's neutral value, in [-1, 1]), a stance,
  or a fixed amount (a peer giving support). Each term applies to some
  families (most to all; sponsorship and divergence only to professionals' own
  norms and jurisdictions; spread logic only to routine work).
* The **resistance** of carrier *i* is ``R_i = sum_f T_if * exp(U_if)``, the
  transgression of family *f* times the exponential of the terms that apply to
  it. Context multiplies transgression: with no transgression there is no
  resistance, whatever the context. ``p_i = 1 - exp(-R_i)`` reads it as a
  likelihood.

:func:`build` compiles a map graph into a :class:`Model` of arrays that
:mod:`~explorer.analysis.resistance.evaluate` evaluates for many runs at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..graph import is_a
from ..weights import Weights
from .inputs import InputTable
from .structure import RX, Structure

ROUTINE, NEW_WORK, NORM_OWN, NORM, JURISDICTION, TASK = range(6)
FAMILIES = 6
FAMILY_NAMES = ("routine disruption", "new work", "professionals' own norms", "norms", "jurisdiction", "tasks moved")
ALL = (1 << FAMILIES) - 1
WORK = (1 << ROUTINE) | (1 << NEW_WORK)
OWN = (1 << NORM_OWN) | (1 << JURISDICTION)

#: How a channel's quantity is read: a fixed 1, a routine's transgression, a norm's strength.
Q_ONE, Q_ROUTINE, Q_NORM = range(3)
#: How a term's z is read: a fixed 1, a centred input, an input as it is, a stance (attitude after influence).
Z_ONE, Z_CENTERED, Z_RAW, Z_STANCE = range(4)


@dataclass
class Channel:
    carrier: int
    family: int
    weights: tuple          # weight names multiplied together
    depth: int = 0          # levels.decay ** depth
    hold: int = -1          # input row multiplied in (a subscription's strength), or -1
    fixed: float = 1.0      # a constant multiplied in (a neutral hold when no input says)
    qty: tuple = (Q_ONE, 0)
    site: int = -1          # the routine or norm point this channel is about, or -1
    mechanism: str = ""     # the weight a reason is filed under
    text: str = ""
    evidence: tuple = ()
    kind: str = ""          # routine | new | norm-held | norm-governed | jurisdiction
    key: object = None      # what the channel is about, so a member's own hold wins over an inherited one


TERM_COLUMNS = ("carrier", "mask", "weight", "const", "depth", "zkind", "zidx", "desc")


class TermTable:
    """Context terms, stored as columns: a big map has a few terms per carrier, tens of thousands in all.

    A term's words live in a shared *description* ``(text, evidence, group, holder)``: the same fact
    (a unit's workload, a peer's support) reaches every member of the unit; :mod:`.explain` adds "via
    the holder, so many levels up" when ``depth`` is above 0. Terms sharing a ``group`` are one piece
    of context seen twice (a concurrent initiative's count and its resourcing) and are explained as one.
    """

    def __init__(self) -> None:
        for name in TERM_COLUMNS:
            setattr(self, name, [])
        self.descriptions: list = []

    def describe(self, text: str, evidence=(), group=None, holder=None) -> int:
        evidence = tuple(evidence)
        if None in evidence:
            evidence = tuple(e for e in evidence if e is not None)
        self.descriptions.append((text, evidence, group, holder))
        return len(self.descriptions) - 1

    def add(self, carrier: int, mask: int, weight: str, const: float, depth: int, z: tuple, desc: int) -> None:
        self.carrier.append(carrier)
        self.mask.append(mask)
        self.weight.append(weight)
        self.const.append(const)
        self.depth.append(depth)
        self.zkind.append(z[0])
        self.zidx.append(z[1])
        self.desc.append(desc)

    def __len__(self) -> int:
        return len(self.carrier)


@dataclass
class Site:
    node: object
    kind: str                # "routine" or "norm"
    qty: tuple               # what one typical carrier would bear: (Q_ROUTINE, r) or (Q_NORM, n)
    weight: tuple            # the weights on it for that typical carrier
    hold: float = 1.0        # a typical carrier's hold (0.5 for a norm: the neutral subscription)
    family: int = ROUTINE


class Builder:
    """Collects carriers, channels, terms and sites while the mechanisms read the map."""

    def __init__(self, G, change, weights: Weights, *, reuse: Model | None = None, structure: Structure | None = None,
                 edited_owners=()) -> None:
        self.G = G
        self.weights = weights
        self.reuse = reuse
        self.structure = structure or Structure(G, change, max_depth=int(weights["levels.max_depth"]))
        self.inputs = (reuse.inputs.reread(edited_owners) if reuse is not None
                       else InputTable(G.graph.get("scales", {})))
        self.carriers: dict = {}
        self.carrier_nodes: list = []
        self.channels: list[Channel] = []
        self.terms = TermTable()
        if reuse is not None:  # copied context blocks keep their description numbers
            self.terms.descriptions = list(reuse.terms.descriptions)
        #: node -> (first, end) rows of the terms context.add made for it, and the rows all of them span,
        #: for a later build to reuse
        self.blocks: dict = {}
        self.context_rows = (0, 0)
        if reuse is not None:  # carriers keep their rows, so copied terms stay valid
            for node in reuse.carrier_nodes:
                self.carrier(node)
        self.sites: dict = {}
        self.site_list: list[Site] = []
        #: node -> {description of an input the map does not give}
        self.missing: dict = defaultdict(set)
        #: inputs of the change itself that the map does not give (reported once, not on every point)
        self.change_missing: set = set()
        self.notes: list = []
        #: agents whose stance the model needs besides the exposed carriers (bodies behind violated norms)
        self.stance_agents: set = set()
        #: context that is the same for every carrier (the change's own attributes, its sponsorship)
        self.global_terms = TermTable()
        self._tie_ends: dict | None = None

    # ---------------------------------------------------------------- registry
    def carrier(self, node) -> int:
        row = self.carriers.get(node)
        if row is None:
            row = self.carriers[node] = len(self.carrier_nodes)
            self.carrier_nodes.append(node)
        return row

    def site(self, node, kind: str, qty: tuple, weight: tuple, *, hold: float = 1.0, family: int = ROUTINE) -> int:
        row = self.sites.get(node)
        if row is None:
            row = self.sites[node] = len(self.site_list)
            self.site_list.append(Site(node, kind, qty, weight, hold, family))
        return row

    def channel(self, node, family: int, weights: tuple, *, evidence=(), **details) -> None:
        self.channels.append(Channel(self.carrier(node), family, tuple(weights),
                                     evidence=tuple(e for e in evidence if e is not None), **details))

    def term(self, node, mask: int, weight: str, *, const: float = 1.0, depth: int = 0, z: tuple = (0, 0),
             desc: int | None = None, text: str = "", evidence=(), group=None) -> None:
        """A context term at ``node``; ``desc`` is a shared description (:meth:`TermTable.describe`), else one is made."""
        if desc is None:
            desc = self.terms.describe(text, evidence, group)
        self.terms.add(self.carrier(node), mask, weight, const, depth, z, desc)

    def global_term(self, mask: int, weight: str, *, const: float = 1.0, depth: int = 0, z: tuple = (0, 0),
                    text: str = "", evidence=(), group=None) -> None:
        """A term that applies to every carrier alike (stored once)."""
        self.global_terms.add(-1, mask, weight, const, depth, z, self.global_terms.describe(text, evidence, group))

    def lack(self, node, what: str) -> None:
        self.missing[node].add(what)

    def read(self, owner, data, name: str, *, missing_on=None, what: str | None = None) -> int:
        """The input row of ``name`` on ``owner``; when the map does not give it, note ``what`` on ``missing_on``."""
        row = self.inputs.read(owner, data, name)
        if not self.inputs._stated[row] and missing_on is not None:
            self.lack(missing_on, what or _words(name))
        return row

    def value(self, row: int) -> float:
        """The stated (or neutral) value of an input row."""
        return self.inputs._values[row]

    def canonical(self, owner) -> str:
        """The same name for ``owner`` whenever the same map is read: an IRI as it is; a qualified tie (a blank
        node, labelled afresh at each reading) by its kind, its ends and its values; a tuple element-wise."""
        if isinstance(owner, tuple):
            return "(" + ",".join(self.canonical(x) for x in owner) + ")"
        if type(owner).__name__ != "BNode":
            return str(owner)
        if self._tie_ends is None:
            self._tie_ends = {}
            for relation, edges in self.structure.every.items():
                for u, v, data in edges:
                    tie = data.get("tie")
                    if tie is not None and type(tie).__name__ == "BNode":
                        values = ",".join(f"{k}={data[k]}" for k in sorted(data) if k not in ("tie", "label") and
                                          type(data[k]).__name__ != "BNode")
                        self._tie_ends[tie] = f"[{self.canonical(u)}|{self.canonical(v)}|{values}]"
        return self._tie_ends.get(owner, "_:")

    def label(self, node) -> str:
        return self.G.nodes[node].get("label", str(node)) if node in self.G else str(node)

    def is_a(self, node, cls) -> bool:
        return node in self.G and is_a(self.G, node, cls)


def _words(name: str) -> str:
    """``changeFatigue`` -> ``change fatigue``."""
    out = []
    for ch in name:
        if ch.isupper():
            out.append(" " + ch.lower())
        else:
            out.append(ch)
    return "".join(out).strip()


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
    routines: object        # routines.RoutineImpacts
    norms: object           # norms.NormStrengths
    stances: object         # stances.StanceModel
    leaves: np.ndarray      # carriers counted in the context figure (bool): the exposed ones, bodies apart
    collective_members: dict  # carrier row -> rows its point is the mean of (itself, every member drawn below it)
    weight_names: list = field(default_factory=list)
    arrays: dict = field(default_factory=dict)
    impacts: tuple = ()
    notes: tuple = ()
    routine_result: object = None


def build(G, change, weights: Weights, *, reuse: Model | None = None, edited: tuple = ()) -> Model:
    """Compile map graph ``G`` for ``change`` (see the module notes): run each mechanism, then pack arrays.

    ``reuse`` is a model of the same map before an edit (a lever) and ``edited`` what the edit changed
    (:func:`explorer.analysis.resistance.levers.apply_edit`): the levels and scope are shared, and work the
    edit cannot have changed is copied instead of redone (tests check the result equals a build from scratch).
    """
    from . import context, jurisdiction, network, norms, routines, stances

    structure = None
    if reuse is not None:
        structure = reuse.structure.patched([c for c in edited if c[0] in ("add", "remove")])
    b = Builder(G, change, weights, reuse=reuse, structure=structure, edited_owners={c[2] for c in edited})
    relations = {c[1] for c in edited}
    if reuse is not None and not relations & routines.RELATIONS:
        impacts = routines.copy(b, reuse)
    else:
        impacts = routines.add(b)
    norm_model = norms.add(b, lambda r: impacts.carriers.get(r) or routines.carriers_of(b, r))
    jurisdiction.add(b)
    _inherit(b)
    exposed = {c.carrier for c in b.channels}
    # Leaders and change agents need their attitude (a leader who opposes the change is no help), stated or not.
    b.stance_agents |= set(b.structure.leader_nodes()) | set(network.change_agents(b))
    stance_model = None
    if reuse is not None and not relations & stances.RELATIONS:
        stance_model = stances.reuse(b, exposed, reuse.stances)
    if stance_model is None:
        stance_model = stances.build(b, exposed)
    dirty = _dirty(b, reuse, edited) if reuse is not None else None
    context.add(b, exposed, stance_model, norm_model, reuse=reuse, dirty=dirty)
    network.add(b, exposed, stance_model)
    # The collectives above those the change reaches are points too: each shows its exposed members.
    for node in list(b.carrier_nodes):
        for ancestor in b.structure.collectives_above(node):
            b.carrier(ancestor)
    b.inputs.freeze(b.canonical)
    headcount = np.array([_headcount(G, n) for n in b.carrier_nodes], dtype=float)
    model = Model(G, change, weights, b, b.structure, b.inputs, b.carrier_nodes, headcount, b.channels, b.terms,
                  b.global_terms, b.site_list, impacts.model, norm_model, stance_model,
                  np.zeros(len(b.carrier_nodes), dtype=bool), {}, impacts=impacts.impacts, notes=tuple(b.notes))
    model.routine_result = impacts
    from .evaluate import base_transgression, pack, pack_population

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


def _inherit(b: Builder) -> None:
    """What a collective holds reaches its members: norms it holds (a unit's, an organisation's, a
    professional group's, and those an external body holds or backs, to the body's members) and a group's
    jurisdiction go down the levels, each level times ``levels.decay``; a member's own hold of the same
    norm wins."""
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
    for (child, _), (depth, collective, channel) in sorted(reached.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        family = channel.family
        if channel.kind == "norm-held":
            family = NORM_OWN if _own_norm(b, child, b.site_list[channel.site].node) else NORM
        via = b.label(collective)
        b.channel(child, family, channel.weights, depth=depth, hold=channel.hold, fixed=channel.fixed, qty=channel.qty, site=channel.site,
                  mechanism=channel.mechanism, kind=channel.kind, key=channel.key,
                  text=f"{channel.text} (as a member of “{via}”, {depth} level{'s' if depth > 1 else ''} down)",
                  evidence=channel.evidence + (collective, child))


def _own_norm(b: Builder, holder, norm) -> bool:
    from .norms import is_own_norm

    return is_own_norm(b, holder, norm)


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
