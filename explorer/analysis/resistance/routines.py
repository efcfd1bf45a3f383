"""Routine transgression: what the change does to routines, carried along interdependencies to those who do them.

* **Direct touches.** The change (or a component) disrupts a routine to a
  degree (``rx:Disruption`` with ``rx:degree``; the shortcut ``rx:disrupts``, a
  task it reallocates, or a routine using an artefact it introduces, at an
  unstated degree), replaces it (degree 1: the routine is done away with), or
  introduces it (a new routine: nothing embedded is broken, so it is new work
  for those who will do it, not a disruption).
* **Propagation.** The impact travels along interdependencies, either way,
  multiplied at each step by the Thompson type's share (pooled < sequential <
  reciprocal) and the tie's strength, for at most ``propagation.max_hops``
  steps; each routine keeps its strongest path from each touched routine, and
  its impact is the strongest over them. An introduced routine starts an
  impact of 0.5 at itself, carried to the routines interdependent with it like
  any other (times each tie's share and strength: they must make room for it);
  it is never a target itself (nothing is embedded in it yet to disrupt), nor a
  step on another routine's path. Impacts below ``propagation.min_impact``
  count as none.
* **Transgression** of routine *r*: ``tau_r = impact_r * embeddedness_r``. Its
  performers (``rx:performs``, or taking part in one of its performances) bear
  it times ``transgression.routine_disruption``; the unit that owns it
  (``rx:ownedBy``) bears ``transgression.owner_share`` of that. Those who will
  perform an introduced routine bear ``transgression.new_routine``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .builder import NEW_WORK, Q_ONE, Q_ROUTINE, ROUTINE, Builder
from .structure import RX, WAS_ASSOCIATED_WITH

_TYPE_SHARE = {
    RX.pooled: "propagation.pooled",
    RX.sequential: "propagation.sequential",
    RX.reciprocal: "propagation.reciprocal",
}
_TYPE_WORD = {RX.pooled: "pooled", RX.sequential: "sequential", RX.reciprocal: "reciprocal"}
#: Degree of the impact a new routine starts on the routines interdependent with it.
INTRODUCED_IMPACT = 0.5
_SHORTCUT = {RX.disrupts: "disrupted", RX.reallocatesTask: "disrupted (a task in it moves)", RX.replaces: "replaced"}


@dataclass(frozen=True)
class Impact:
    """A routine the change touches: ``path`` runs from a directly touched routine to this one."""

    routine: object
    label: str
    impact: float
    direct: bool
    path: tuple = ()
    via: tuple = ()
    how: str = "disrupted"


@dataclass
class RoutineModel:
    """What :mod:`.evaluate` needs to compute every touched routine's impact and transgression per run."""

    routines: list = field(default_factory=list)  # routine nodes, by index
    embeddedness: list = field(default_factory=list)  # input row per routine
    # One row per (source, routine) path: target index, degree (input row, or -1 with a fixed degree),
    # share weight names and strength input rows along the path.
    pair_target: list = field(default_factory=list)
    pair_degree_row: list = field(default_factory=list)
    pair_degree_fixed: list = field(default_factory=list)
    pair_shares: list = field(default_factory=list)
    pair_strengths: list = field(default_factory=list)


@dataclass
class Routines:
    model: RoutineModel
    impacts: tuple
    carriers: dict  # routine -> [(carrier node, share weights, how)]
    index: dict  # routine -> index in model.routines


#: What this module reads (relations, and values whose size decides which paths are kept): an edit touching
#: none of them leaves its work as it was (:func:`copy`).
RELATIONS = frozenset(
    {
        RX.Disruption,
        RX.disrupts,
        RX.introduces,
        RX.replaces,
        RX.reallocatesTask,
        RX.TaskReallocation,
        RX.usesArtefact,
        RX.Interdependency,
        RX.interdependentWith,
        RX.performs,
        RX.performanceOf,
        WAS_ASSOCIATED_WITH,
        RX.ownedBy,
        RX.hasComponent,
        RX.rolledOutTo,
        RX.sponsoredBy,
        RX.ledBy,
        "degree",
        "embeddedness",
        "strength",
        "interdependenceType",
    }
)


def copy(b: Builder, reuse) -> Routines:
    """The routine channels and points of ``reuse`` (a model of the map before an edit that touched nothing
    this module reads), registered in the same order in ``b``."""
    base = reuse.routine_result
    old = reuse.builder
    for site in reuse.sites:
        if site.kind == "routine":
            b.site(site.node, site.kind, site.qty, site.weight, hold=site.hold, family=site.family)
            if site.node in old.missing:
                b.missing[site.node] |= old.missing[site.node]
    for channel in reuse.channels:
        if channel.kind in ("routine", "new"):
            site = b.sites[reuse.sites[channel.site].node]
            b.channel(
                reuse.carrier_nodes[channel.carrier],
                channel.family,
                channel.weights,
                depth=channel.depth,
                hold=channel.hold,
                fixed=channel.fixed,
                qty=channel.qty,
                site=site,
                mechanism=channel.mechanism,
                kind=channel.kind,
                key=channel.key,
                text=channel.text,
                evidence=channel.evidence,
            )
    return base


def add(b: Builder) -> None:
    """The ``propagation`` mechanism: every routine channel and routine point (see the module notes), and the
    routine model in ``b.routine_result``; copied from ``b.reuse`` when the edit touched nothing this module reads."""
    if b.reuse is not None and not b.edited_relations & RELATIONS:
        b.routine_result = copy(b, b.reuse)
    else:
        b.routine_result = _register(b)


def _register(b: Builder) -> Routines:
    """Register every routine channel and routine point (see the module notes); return the routine model."""
    G, w = b.G, b.weights
    touches = _direct_touches(b)
    model = RoutineModel()
    index: dict = {}

    def routine_index(r) -> int:
        found = index.get(r)
        if found is None:
            found = index[r] = len(model.routines)
            model.routines.append(r)
            model.embeddedness.append(b.read(r, G.nodes[r], "embeddedness", missing_on=r))
        return found

    best: dict = {}  # routine -> (value at base, Impact)
    hops, floor = int(w["propagation.max_hops"]), w["propagation.min_impact"]
    new = frozenset(r for r, t in touches.items() if t[2] == "introduced")
    for source, touch in sorted(touches.items(), key=lambda kv: str(kv[0])):
        degree_row, fixed, how = touch
        base = fixed if degree_row < 0 else b.value(degree_row)
        if how != "introduced":
            _pair(model, routine_index(source), degree_row, fixed, (), ())
            if base >= floor:
                _keep(best, source, base, Impact(source, b.label(source), base, True, (source,), (), how))
        start = INTRODUCED_IMPACT if how == "introduced" else base
        start_row = -1 if how == "introduced" else degree_row
        start_fixed = INTRODUCED_IMPACT if how == "introduced" else fixed
        for target, (value, path, edges) in _paths(b, source, start, hops, floor, new).items():
            if target == source:
                continue
            shares = tuple(share for share, _, _ in edges)
            strengths = tuple(row for _, row, _ in edges)
            _pair(model, routine_index(target), start_row, start_fixed, shares, strengths)
            _keep(
                best,
                target,
                value,
                Impact(target, b.label(target), value, False, path, tuple(word for _, _, word in edges)),
            )
    impacts = tuple(sorted((i for _, i in best.values()), key=lambda i: (-i.impact, i.label, str(i.routine))))

    carriers: dict = {}
    for r in sorted(set(index) | {r for r, t in touches.items() if t[2] == "introduced"}, key=str):
        carriers[r] = carriers_of(b, r)
    for r, found in carriers.items():
        introduced = r in new
        disrupted = r in index and r in best and not introduced
        if disrupted:
            site = b.site(r, "routine", (Q_ROUTINE, index[r]), ("transgression.routine_disruption",))
        elif introduced:
            site = b.site(r, "routine", (Q_ONE, 0), ("transgression.new_routine",), family=NEW_WORK)
        else:
            continue  # reached only below the impact floor at the stated values
        if not found:
            b.lack(r, "who performs it")
        impact = best[r][1] if r in best else None
        for carrier, shares, verb in found:
            if disrupted:
                b.channel(
                    carrier,
                    ROUTINE,
                    ("transgression.routine_disruption", *shares),
                    qty=(Q_ROUTINE, index[r]),
                    site=site,
                    mechanism="transgression.routine_disruption",
                    kind="routine",
                    key=("routine", r),
                    text=_disruption_text(b, r, verb, impact, model.embeddedness[index[r]]),
                    evidence=(*impact.path, carrier),
                )
            if introduced:
                b.channel(
                    carrier,
                    NEW_WORK,
                    ("transgression.new_routine", *shares),
                    site=site,
                    mechanism="transgression.new_routine",
                    kind="new",
                    key=("new", r),
                    text=f"“{b.label(r)}”, which {verb}, is new: the change introduces it",
                    evidence=(b.structure.change, r, carrier),
                )
    return Routines(model, impacts, carriers, index)


def _keep(best: dict, routine, value: float, impact: Impact) -> None:
    found = best.get(routine)
    if found is None or value > found[0] or (value == found[0] and impact.direct and not found[1].direct):
        best[routine] = (value, impact)


def _pair(model: RoutineModel, target: int, degree_row: int, fixed: float, shares: tuple, strengths: tuple) -> None:
    model.pair_target.append(target)
    model.pair_degree_row.append(degree_row)
    model.pair_degree_fixed.append(fixed)
    model.pair_shares.append(shares)
    model.pair_strengths.append(strengths)


def _direct_touches(b: Builder) -> dict:
    """``{routine: (degree input row or -1, fixed degree, how)}``: a stated degree wins, then the largest."""
    G, s = b.G, b.structure
    found: dict = {}

    def touch(routine, row: int, fixed: float, how: str, stated: bool) -> None:
        if routine not in G or not b.is_a(routine, RX.Routine):
            return
        rank = (how != "introduced", stated, fixed if row < 0 else b.value(row))
        current = found.get(routine)
        if current is None or rank > current[0]:
            found[routine] = (rank, (row, fixed, how))

    for c in s.changers:
        for _, target, data in G.out_edges(c, data=True):
            relation = data.get("relation")
            if relation == RX.Disruption:
                row = b.inputs.read(data.get("tie"), data, "degree")
                touch(target, row, 0.0, "disrupted", b.inputs._stated[row])
            elif relation in (RX.disrupts, RX.reallocatesTask):
                row = b.inputs.read((c, target, relation), None, "degree")
                touch(target, row, 0.0, _SHORTCUT[relation], False)
            elif relation == RX.replaces:
                touch(target, -1, 1.0, "replaced", True)
            elif relation == RX.introduces:
                if b.is_a(target, RX.Routine):
                    touch(target, -1, INTRODUCED_IMPACT, "introduced", True)
                elif b.is_a(target, RX.Artefact):
                    for routine, _ in s.ins(target, RX.usesArtefact):
                        row = b.inputs.read((c, routine, RX.usesArtefact), None, "degree")
                        touch(
                            routine,
                            row,
                            0.0,
                            f"disrupted (it uses “{b.label(target)}”, which the change introduces)",
                            False,
                        )
    for _u, _v, data in s.every.get(RX.TaskReallocation, ()):
        task = data.get("task")
        if task is not None and data.get("byChange") in (None, *s.changers):
            row = b.inputs.read((data.get("tie"), task), None, "degree")
            touch(task, row, 0.0, "disrupted (a task in it moves)", False)
    result = {}
    for routine, (_, (row, fixed, how)) in found.items():
        if row >= 0 and not b.inputs._stated[row]:
            b.lack(routine, "degree of disruption")
        result[routine] = (row, fixed, how)
    return result


def _paths(b: Builder, source, start: float, hops: int, floor: float, new=frozenset()) -> dict:
    """Strongest path (at most ``hops`` ties) from ``source`` to every routine it reaches with an impact of at least
    ``floor``, never into a ``new`` (introduced) routine: ``{routine: (impact, path nodes, ((share weight, strength
    row, type word), ...))}``."""
    w = b.weights
    best = {source: (start, (source,), ())}
    frontier = {source}
    for _ in range(hops):
        updates = {}
        for routine in sorted(frontier, key=str):
            value, path, edges = best[routine]
            for other, share, row, word in _interdependencies(b, routine):
                if other in path or other in new:
                    continue
                strength = b.value(row)
                nxt = value * w[share] * strength
                if nxt < floor:
                    continue
                current = updates.get(other) or best.get(other)
                if current is None or nxt > current[0]:
                    updates[other] = (nxt, path + (other,), edges + ((share, row, word),))
        for routine, found in updates.items():
            if routine not in best or found[0] > best[routine][0]:
                best[routine] = found
        frontier = set(updates)
        if not frontier:
            break
    return best


def _interdependencies(b: Builder, routine):
    """``(other routine, share weight, strength input row, type word)`` for each interdependency of ``routine``."""
    G = b.G
    for u, v, key, data in list(G.out_edges(routine, keys=True, data=True)) + list(
        G.in_edges(routine, keys=True, data=True)
    ):
        relation = data.get("relation")
        if relation not in (RX.Interdependency, RX.interdependentWith):
            continue
        other = v if u == routine else u
        if other == routine or not b.is_a(other, RX.Routine):
            continue
        kind = data.get("interdependenceType") if relation == RX.Interdependency else None
        share = _TYPE_SHARE.get(kind, "propagation.untyped")
        owner = data.get("tie") if relation == RX.Interdependency else (u, v, key)
        row = b.inputs.read(owner, data if relation == RX.Interdependency else None, "strength")
        if not b.inputs._stated[row]:
            b.lack(other, "strength of an interdependency")
        yield other, share, row, _TYPE_WORD.get(kind, "untyped")


def carriers_of(b: Builder, routine) -> list:
    """``[(carrier, extra share weights, verb phrase)]``: performers first, then owners, in scope, not the sponsors."""
    s = b.structure
    found, seen = [], set()
    performers = [a for a, _ in s.ins(routine, RX.performs)]
    for performance, _ in s.ins(routine, RX.performanceOf):
        performers += [a for a, _ in s.outs(performance, WAS_ASSOCIATED_WITH)]
        performers += [a for a, _ in s.ins(performance, WAS_ASSOCIATED_WITH)]
    for actor in sorted(set(performers), key=str):
        if actor not in seen and s.is_carrier(actor) and s.in_scope(actor):
            seen.add(actor)
            found.append((actor, (), "they perform"))
    for owner, _ in sorted(s.outs(routine, RX.ownedBy), key=lambda x: str(x[0])):
        if owner not in seen and s.is_carrier(owner) and s.in_scope(owner):
            seen.add(owner)
            found.append((owner, ("transgression.owner_share",), "they own"))
    return found


def _disruption_text(b: Builder, routine, verb: str, impact: Impact, embeddedness_row: int) -> str:
    embedded = (
        f"embeddedness {b.value(embeddedness_row):.1f}"
        if b.inputs._stated[embeddedness_row]
        else "embeddedness not given"
    )
    if impact.direct:
        return f"“{impact.label}”, which {verb}, is {impact.how} (impact {impact.impact:.2f}, {embedded})"
    through = " → ".join(b.label(n) for n in impact.path[:-1])
    return (
        f"“{impact.label}”, which {verb}, is disrupted indirectly, through {through} "
        f"({', '.join(impact.via)}; impact {impact.impact:.2f}, {embedded})"
    )


def evaluate(model: RoutineModel, X: np.ndarray, weight_row, floor: float) -> np.ndarray:
    """``routines x runs`` impacts for input matrix ``X`` (rows x runs); ``weight_row(name)`` gives a weight per run."""
    runs = X.shape[1]
    n = len(model.routines)
    impact = np.zeros((n, runs))
    if not model.pair_target:
        return impact
    for target, row, fixed, shares, strengths in zip(
        model.pair_target, model.pair_degree_row, model.pair_degree_fixed, model.pair_shares, model.pair_strengths
    ):
        value = (X[row] if row >= 0 else np.full(runs, fixed)).copy()
        for share in shares:
            value *= weight_row(share)
        for strength in strengths:
            value *= X[strength]
        np.maximum(impact[target], value, out=impact[target])
    impact[impact < floor] = 0.0
    return impact
