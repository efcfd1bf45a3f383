"""Context: what makes a carrier's transgression easier or harder to bear (it never creates any).

Each piece of context is a *term* ``weight * const * decay**depth * z`` added to
the exponent that multiplies a carrier's transgression (see
:mod:`explorer.analysis.resistance.model`). ``z`` is an input centred on its
neutral value and scaled to [-1, 1] (``(x - neutral) / half the scale``), an
input as it is (a force's magnitude), a stance, or 1 (a peer that supports).
Positive terms raise resistance, negative ones lower it; a neutral or missing
input contributes nothing (a missing one is noted, and varies over its whole
scale in the uncertainty runs).

* **A carrier's own state**: workload, change fatigue and dispositional
  resistance raise; readiness, tension for change, absorptive capacity and
  resource adequacy lower. A carrier that does not state one takes its nearest
  collective's (a unit's, its organisation's), times ``levels.decay`` per
  level. Dispositional resistance is personal and not passed down.
* **The change itself** (the same for every carrier): relative advantage,
  compatibility, trialability, observability and resource adequacy lower;
  complexity raises. *Sponsorship* (top-down +1, professionally led or
  grassroots -1, their mean when mixed) and *divergence* weigh only on the
  professionals' own norms and jurisdictions. *Spread logic* (mechanistic only
  +1, ecological or social without mechanistic -1) weighs only on routine work.
* **Around the carrier** (its own, or its collectives' at ``decay**depth``):
  each initiative running concurrently that reaches it (+1, and minus half its
  centred resource adequacy; in full at every level below the place it is
  rolled out to, as it is when rolled out everywhere: it is work for all in
  it); each peer giving lateral support (-1) and each
  peer that has adopted the change (-1, ``context.peer_adoption``); data fed
  back by the change (-1); each external force bearing on it, its
  collectives, the change (one level away), a routine it carries or a norm it
  holds (one level away), times its magnitude (+ restraining, - driving).
* **Stance**: ``-attitude`` after influence (:mod:`.stances`).
* **Aligned norms**: ``-hold`` for each norm the change aligns with that the
  carrier (or its collective, one level down each) holds.
"""

from __future__ import annotations

from collections import defaultdict

from .builder import ALL, OWN, TERM_COLUMNS, WORK, Z_CENTERED, Z_ONE, Z_RAW, Z_STANCE, Builder
from .structure import RX, WAS_ASSOCIATED_WITH

#: (property, weight, sign, passed down from collectives, applies to: "actor", "collective" or "both")
OWN_STATE = (
    ("workload", "context.workload", +1, True, "both"),
    ("changeFatigue", "context.change_fatigue", +1, True, "both"),
    ("readiness", "context.readiness", -1, True, "both"),
    ("tensionForChange", "context.tension_for_change", -1, True, "collective"),
    ("absorptiveCapacity", "context.absorptive_capacity", -1, True, "collective"),
    ("resourceAdequacy", "context.resource_adequacy", -1, True, "collective"),
    ("dispositionalResistance", "context.dispositional", +1, False, "actor"),
)
#: (property of the change, weight, sign)
CHANGE_ATTRIBUTES = (
    ("relativeAdvantage", "context.relative_advantage", -1),
    ("compatibility", "context.compatibility", -1),
    ("complexity", "context.complexity", +1),
    ("trialability", "context.trialability", -1),
    ("observability", "context.observability", -1),
    ("resourceAdequacy", "context.resource_adequacy", -1),
)
MODE_SIGN = {RX.topDown: 1.0, RX.professionallyLed: -1.0, RX.grassroots: -1.0}
_WORDS = {
    "workload": "Workload",
    "changeFatigue": "Change fatigue",
    "readiness": "Readiness",
    "tensionForChange": "Tension for change",
    "absorptiveCapacity": "Absorptive capacity",
    "resourceAdequacy": "Resource adequacy",
    "dispositionalResistance": "Dispositional resistance",
    "relativeAdvantage": "relative advantage",
    "compatibility": "compatibility",
    "complexity": "complexity",
    "trialability": "trialability",
    "observability": "observability",
}


def add(b: Builder) -> None:
    """The ``context`` mechanism: the context terms of every exposed carrier (``b.exposed``), and the change's
    own (global) terms; after the stances (``b.stance_model``) and the norms (``b.norm_model``).

    With ``b.reuse`` (a model of the map before an edit, whose carriers keep their rows in ``b``), the terms it
    made for carriers outside ``b.dirty`` are copied in one piece (nothing the edit touched reaches them); the
    others are made afresh and their old copies silenced.
    """
    exposed, stances, reuse = b.exposed, b.stance_model, b.reuse
    _change_terms(b)
    facts = _Facts(b, _concurrent(b))
    copied = _copy_terms(b, reuse, b.dirty, stances) if reuse is not None else set()
    first = b.context_rows[0] if copied else len(b.terms)
    for i in sorted(exposed):
        node = b.carrier_nodes[i]
        if node in copied:
            continue
        start = len(b.terms)
        _own_state(b, node, facts)
        _stance(b, node, stances)
        _around(b, node, _carried_under_force(b, node), facts)
        b.blocks[node] = (start, len(b.terms))
    b.context_rows = (first, len(b.terms))
    _aligned(b, exposed, b.norm_model)


def _copy_terms(b: Builder, reuse, dirty: set, stances) -> set:
    """Copy ``reuse``'s per-carrier context terms in one piece; silence (const 0) those of ``dirty`` carriers.
    Returns the carriers whose terms were kept."""
    old, new = reuse.terms, b.terms
    first, end = reuse.builder.context_rows
    offset = len(new) - first
    for column in TERM_COLUMNS:
        getattr(new, column).extend(getattr(old, column)[first:end])
    if stances is not reuse.stances:  # the stance rows were numbered afresh
        agents, rows = reuse.stances.agents, stances.row
        for k in range(first + offset, end + offset):
            if new.zkind[k] == Z_STANCE:
                new.zidx[k] = rows[agents[new.zidx[k]]]
    kept = set()
    for node, (start, stop) in reuse.builder.blocks.items():
        if node in dirty:
            for k in range(start + offset, stop + offset):
                new.const[k] = 0.0
        else:
            kept.add(node)
            b.blocks[node] = (start + offset, stop + offset)
            if node in reuse.builder.missing:
                b.missing[node] |= reuse.builder.missing[node]
    b.context_rows = (first + offset, None)
    return kept


class _Facts:
    """What each node holds or faces, read once and described once: the members of a unit share its chain.

    ``state(holder, name)`` is the input row and description of a state the holder gives (or None);
    ``around(holder)`` the terms that reach those inside it: its lateral peers and those that adopted,
    siblings that adopted, data feedback, external forces on it and initiatives rolled out to it.
    """

    def __init__(self, b: Builder, concurrent: list) -> None:
        s = b.structure
        self.b = b
        self.adopters = {u for c in s.changers for u, _ in s.outs(c, RX.adoptedBy)}
        self.feedback = {u for c in s.changers for u, _ in s.outs(c, RX.feedsBackDataTo)}
        self.adopting_children = defaultdict(list)  # parent -> adopters among its members
        for adopter in sorted(self.adopters, key=str):
            for parent in s.parents(adopter):
                self.adopting_children[parent].append(adopter)
        self.rolled_out = defaultdict(list)  # place -> [(initiative, resource row)]
        for initiative, places, row in concurrent:
            for place in sorted(places or (), key=str):
                self.rolled_out[place].append((initiative, row))
        self._states: dict = {}
        self._around: dict = {}

    def state(self, holder, name: str):
        key = (holder, name)
        if key not in self._states:
            b = self.b
            data = b.G.nodes[holder]
            if name not in data:
                self._states[key] = None
            elif not b.structure.flags(holder)[2]:
                row = b.inputs.read(holder, data, name)
                desc = b.terms.describe(f"{_WORDS[name]} {b.value(row):.1f}", (holder,), holder=holder)
                self._states[key] = (row, desc)
            else:
                self._states[key] = None
        return self._states[key]

    def around(self, holder) -> list:
        """``[(key, weight, const, z, desc)]``: what reaches the members of ``holder`` (and itself); ``key``
        names the source so that one source reaching a member through several collectives counts once."""
        found = self._around.get(holder)
        if found is not None:
            return found
        b, s = self.b, self.b.structure
        change = s.change
        found = []
        terms = b.terms
        peers = sorted(
            {p for p, _ in s.outs(holder, RX.lateralSupport)} | {p for p, _ in s.ins(holder, RX.lateralSupport)},
            key=str,
        )
        for peer in peers:
            found.append(
                (
                    ("peer", peer),
                    "context.lateral_support",
                    -1.0,
                    (Z_ONE, 0),
                    terms.describe(f"Lateral support from “{b.label(peer)}”", (holder, peer), holder=holder),
                )
            )
            if peer in self.adopters:
                found.append(
                    (
                        ("adopted", peer),
                        "context.peer_adoption",
                        -1.0,
                        (Z_ONE, 0),
                        terms.describe(
                            f"“{b.label(peer)}”, a peer, has adopted the change", (peer, change), holder=holder
                        ),
                    )
                )
        for parent in s.parents(holder):
            for sibling in self.adopting_children.get(parent, ()):
                if sibling != holder:
                    found.append(
                        (
                            ("adopted", sibling),
                            "context.peer_adoption",
                            -1.0,
                            (Z_ONE, 0),
                            terms.describe(
                                f"“{b.label(sibling)}”, a peer in “{b.label(parent)}”, has adopted the change",
                                (sibling, parent, change),
                                holder=holder,
                            ),
                        )
                    )
        if holder in self.feedback:
            found.append(
                (
                    ("feedback",),
                    "context.data_feedback",
                    -1.0,
                    (Z_ONE, 0),
                    terms.describe("The change feeds data back", (change, holder), holder=holder),
                )
            )
        for source, data in _forces_on(b, holder):
            term = _force_term(b, source, data, holder=holder)
            found.append((("force", data.get("tie")),) + (term if term is not None else (None, 0.0, None, None)))
        for initiative, row in self.rolled_out.get(holder, ()):
            desc = _concurrent_description(b, initiative, row, holder)
            found.append((("concurrent", initiative), "context.concurrent_initiative", 1.0, (Z_ONE, 0), desc))
            found.append(
                (("concurrent-resources", initiative), "context.concurrent_initiative", -0.5, (Z_CENTERED, row), desc)
            )
        self._around[holder] = found
        return found


def _levels_up(b: Builder, node):
    """``(node, 0)`` then its collectives with their depth."""
    yield node, 0
    yield from b.structure.ancestors(node)


def _own_state(b: Builder, node, facts: _Facts) -> None:
    actor, _, body = b.structure.flags(node)
    if body:
        return
    data = b.G.nodes[node]
    for name, weight, sign, inherited, applies in OWN_STATE:
        if applies == "actor" and not actor:
            continue
        found, depth = facts.state(node, name), 0
        if found is None and inherited:
            for ancestor, d in b.structure.ancestors(node):
                found = facts.state(ancestor, name)
                if found is not None:
                    depth = d
                    break
        if found is None:
            relevant = applies == "both" or (applies == "actor") == bool(actor)
            if not relevant:
                continue  # a unit-level judgement nobody above this person states: not theirs to miss
            optional = name == "dispositionalResistance"  # stated only on evidence: its absence is no gap
            row = b.inputs.read(node, data, name, optional=optional)
            if not optional:
                b.lack(node, _WORDS[name].lower())
            desc = b.terms.describe(f"{_WORDS[name]} not given", (node,))
        else:
            row, desc = found
        b.term(node, ALL, weight, const=float(sign), depth=depth, z=(Z_CENTERED, row), desc=desc)


def _stance(b: Builder, node, stances) -> None:
    row = stances.row.get(node)
    if row is None:
        b.lack(node, "stance")
        return
    how = stances.how[row]
    after = stances.base[row]
    if how == "none":
        b.lack(node, "stance")
    stated = stances.stated_value(b, node)
    if how == "stated":
        text = f"Stated attitude {stated:+.1f}" + (
            f", {after:+.1f} after influence" if abs(after - stated) >= 0.05 else ""
        )
    elif how == "influence":
        text = f"No stated attitude; {after:+.1f} likely through influence ties"
    elif how == "inherited":
        source = stances.anchor_from[row]
        passed = b.value(stances.anchor_row[row]) * b.weights["levels.decay"] ** stances.anchor_depth[row]
        text = f"No stated attitude; {passed:+.1f} from the stance of “{b.label(source)}”"
        if abs(after - passed) >= 0.05:
            text += f", {after:+.1f} after influence"
    else:
        text = "No stated attitude (taken as undecided)"
    evidence = (node, *stances.sources[row][:5]) + (
        (stances.anchor_from[row],) if stances.anchor_from[row] not in (None, node) else ()
    )
    b.term(node, ALL, "context.stance", const=-1.0, z=(Z_STANCE, row), text=text, evidence=evidence)


def _change_terms(b: Builder) -> None:
    G, s = b.G, b.structure
    change = s.change
    data = G.nodes[change]
    for name, weight, sign in CHANGE_ATTRIBUTES:
        row = b.read(change, data, name)
        if not b.inputs._stated[row]:
            b.change_missing.add(f"its {_WORDS[name].lower()}")
            text = f"The change's {_WORDS[name].lower()} is not given"
        else:
            value = f"{b.value(row):+.1f}" if b.inputs._lo[row] < 0 else f"{b.value(row):.1f}"
            text = f"The change's {_WORDS[name].lower()} {value}"
        b.global_term(ALL, weight, const=float(sign), z=(Z_CENTERED, row), text=text, evidence=(change,))
    modes = set()
    for c in s.changers:
        value = G.nodes[c].get("sponsorshipMode")
        modes |= set(value) if isinstance(value, frozenset) else ({value} if value is not None else set())
    signs = [MODE_SIGN[m] for m in sorted(modes, key=str) if m in MODE_SIGN]
    labels = G.graph.get("concept_labels", {})
    if signs:
        z = sum(signs) / len(signs)
        names = " and ".join(labels.get(m, str(m)) for m in sorted(modes, key=str) if m in MODE_SIGN)
        b.global_term(
            OWN,
            "interaction.sponsorship",
            const=z,
            z=(Z_ONE, 0),
            evidence=(change,),
            text=f"Sponsored {names} (on professionals' own norms and jurisdictions)",
        )
    else:
        b.change_missing.add("its sponsorship mode")
    row = b.read(change, data, "divergence")
    if b.inputs._stated[row]:
        text = (
            f"Divergence {b.value(row):.1f} from established practice (on professionals' own norms and jurisdictions)"
        )
    else:
        b.change_missing.add("its divergence")
        text = "Divergence from established practice not given"
    b.global_term(OWN, "interaction.divergence", const=1.0, z=(Z_CENTERED, row), text=text, evidence=(change,))
    logics = set()
    for c in s.changers:
        value = G.nodes[c].get("spreadLogic")
        logics |= set(value) if isinstance(value, frozenset) else ({value} if value is not None else set())
    if logics:
        adaptive = bool(logics & {RX.ecologicalLogic, RX.socialLogic})
        fidelity = RX.mechanisticLogic in logics
        z = 1.0 if fidelity and not adaptive else (-1.0 if adaptive and not fidelity else 0.0)
        words = {
            1.0: "only mechanistic (fidelity): little room to adapt routines locally",
            -1.0: "ecological or social: routines may be adapted locally",
            0.0: "mixed logics",
        }[z]
        b.global_term(WORK, "context.spread_logic", const=z, z=(Z_ONE, 0), evidence=(change,), text=f"Spread {words}")
    for source, data in _forces_on(b, change):
        term = _force_term(b, source, data, holder=None, where="the change")
        if term is not None:
            weight, const, z, desc = term
            text, evidence, _, _ = b.terms.descriptions[desc]
            b.global_term(ALL, weight, const=const, depth=1, z=z, text=text, evidence=evidence)


def _concurrent(b: Builder) -> list:
    """``[(initiative, places it is rolled out to or None for everywhere, resource row)]``; the ones
    rolled out nowhere in particular are global terms."""
    G, s = b.G, b.structure
    change = s.change
    others = {i for i, _ in s.outs(change, RX.runsConcurrentlyWith)} | {
        i for i, _ in s.ins(change, RX.runsConcurrentlyWith)
    }
    found = []
    for initiative in sorted(others - set(s.changers), key=str):
        places = {u for u, _ in s.outs(initiative, RX.rolledOutTo)}
        row = b.read(initiative, G.nodes[initiative], "resourceAdequacy")
        found.append((initiative, places or None, row))
        if not places:
            text, evidence, group, _ = b.terms.descriptions[_concurrent_description(b, initiative, row, None)]
            b.global_term(
                ALL, "context.concurrent_initiative", const=1.0, z=(Z_ONE, 0), text=text, evidence=evidence, group=group
            )
            b.global_term(
                ALL,
                "context.concurrent_initiative",
                const=-0.5,
                z=(Z_CENTERED, row),
                text=text,
                evidence=evidence,
                group=group,
            )
    return found


def _concurrent_description(b: Builder, initiative, row: int, holder) -> int:
    resourced = f", resource adequacy {b.value(row):.1f}" if b.inputs._stated[row] else ""
    return b.terms.describe(
        f"“{b.label(initiative)}” runs alongside the change{resourced}",
        (initiative,),
        group=("concurrent", initiative),
        holder=holder,
    )


def _around(b: Builder, node, carried: dict, facts: _Facts) -> None:
    """What reaches ``node`` from itself and its collectives (each source once, at its nearest level), and
    the forces bearing on routines it carries or norms it holds (one level away)."""
    seen = set()
    own = {node}
    for holder, depth in _levels_up(b, node):
        own.add(holder)
        for key, weight, const, z, desc in facts.around(holder):
            if key in seen or (key[0] in ("peer", "adopted") and key[1] in own):
                continue
            seen.add(key)
            if weight is None:
                b.lack(node, "direction of a force")  # a bearing without a direction cannot count either way
                continue
            # An initiative rolled out to a place is work for everyone in it, at whatever level it is named.
            b.term(
                node, ALL, weight, const=const, depth=0 if key[0].startswith("concurrent") else depth, z=z, desc=desc
            )
            if z[0] == Z_RAW and not b.inputs._stated[z[1]]:
                b.lack(node, "magnitude of a force")
        if b.structure.ins(holder, RX.bearsOn) and any(True for _ in _bare_bearings(b, holder)):
            b.lack(node, "direction of a force")  # a force said to bear here, without a direction to count it by
    for target, how in sorted(carried.items(), key=lambda kv: str(kv[0])):
        for source, data in _forces_on(b, target):
            term = _force_term(b, source, data, holder=None, where=f"“{b.label(target)}”, {how}")
            if term is not None and ("force", data.get("tie")) not in seen:
                seen.add(("force", data.get("tie")))
                weight, const, z, desc = term
                b.term(node, ALL, weight, const=const, depth=1, z=z, desc=desc)


def _carried_under_force(b: Builder, node) -> dict:
    """``{routine or norm: how}`` for each routine ``node`` performs or owns, and each norm it holds, on which an
    external force bears.

    Read from the map's structure, never from what the change transgresses: a force around a person is context
    whatever the change asks of them, so asking more can only add transgressions, never take context away.
    """
    s = b.structure
    routines = {r for r, _ in s.outs(node, RX.performs)} | {r for r, _ in s.ins(node, RX.ownedBy)}
    for performance in {p for p, _ in s.ins(node, WAS_ASSOCIATED_WITH)} | {
        p for p, _ in s.outs(node, WAS_ASSOCIATED_WITH)
    }:
        routines |= {r for r, _ in s.outs(performance, RX.performanceOf)}
    norms = {n for n, _ in s.outs(node, RX.subscribesTo)} | {n for n, _ in s.outs(node, RX.NormSubscription)}
    carried = {}
    for targets, how in ((routines, "which they carry"), (norms, "which they hold")):
        for target in targets:
            if target not in carried and s.ins(target, RX.ForceInfluence):
                carried[target] = how
    return carried


def _forces_on(b: Builder, target):
    """``(source, data)`` of each external force bearing on ``target`` with respect to this change (or any)."""
    s = b.structure
    for source, data in sorted(s.ins(target, RX.ForceInfluence), key=lambda x: str(x[1].get("tie"))):
        about = data.get("withRespectTo")
        if about is None or about in s.changers:
            yield source, data


def _bare_bearings(b: Builder, target):
    s = b.structure
    qualified = {src for src, _ in s.ins(target, RX.ForceInfluence)}
    for source, _ in s.ins(target, RX.bearsOn):
        if source not in qualified:
            yield source, target


def _force_term(b: Builder, source, data, *, holder, where: str | None = None):
    """``(weight, const, z, desc)`` of a force bearing (None when its direction is not given: then it cannot count)."""
    direction = data.get("direction")
    tie = data.get("tie")
    if direction not in (RX.driving, RX.restraining):
        return None
    row = b.inputs.read(tie, data, "magnitude")
    sign = 1.0 if direction == RX.restraining else -1.0
    word = "Restraining" if sign > 0 else "Driving"
    magnitude = f", magnitude {b.value(row):.1f}" if b.inputs._stated[row] else ", magnitude not given"
    text = f"{word} force “{b.label(source)}”" + (f" on {where}" if where else "") + magnitude
    return "context.external_force", sign, (Z_RAW, row), b.terms.describe(text, (source, tie), holder=holder)


def _aligned(b: Builder, exposed: set, norms) -> None:
    exposed_nodes = {b.carrier_nodes[i]: i for i in exposed}
    s = b.structure
    for holder, row, fixed, norm, how, evidence in norms.aligned:
        hold = f" (subscription {b.value(row):.1f})" if row >= 0 and b.inputs._stated[row] else ""
        desc = b.terms.describe(f"The change aligns with “{b.label(norm)}”{hold}: {how}", evidence, holder=holder)
        reached = [(holder, 0)]
        _, organisation, body = s.flags(holder)
        if organisation and not body:
            frontier, seen = [holder], {holder}
            for depth in range(1, s.max_depth + 1):
                nxt = []
                for parent in frontier:
                    for child in s.children(parent):
                        if child not in seen:
                            seen.add(child)
                            nxt.append(child)
                            reached.append((child, depth))
                frontier = nxt
        for target, depth in reached:
            if target not in exposed_nodes:
                continue
            if row >= 0:
                b.term(target, ALL, "context.aligned_norm", const=-1.0, depth=depth, z=(Z_RAW, row), desc=desc)
            else:
                b.term(target, ALL, "context.aligned_norm", const=-fixed, depth=depth, z=(Z_ONE, 0), desc=desc)
