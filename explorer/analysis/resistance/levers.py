"""Levers as counterfactuals: concrete edits to the map, each tried by running the model again with it.

Candidates (each an edit a change agent could make happen, on the map):

* **broker**: an influence tie (strength 0.6) from a hybrid or opinion leader, or
  a supporter (attitude at least ``stance.fence_band``), who does not oppose
  the change and is within two social ties, to one of the most resistant
  people; never a known opponent, never to or from a norm;
* **sponsorship**: add professionally led to a change that lacks it, and
  replace top-down by it;
* **lateral tie**: lateral support between a resistant unit and a peer of the
  same kind (neither contains the other), preferring peers that have adopted
  the change, then the least resistant;
* **data feedback** from the change to a resistant unit;
* **renegotiate a norm** with the body behind it: the body states support for
  the change (attitude +0.5), which takes its weight off the norm;
* **adapt the change** so that it no longer violates a norm, or disrupts its
  most disruptive routine half as much;
* **pause a concurrent initiative**; **resource the change** (resource
  adequacy 0.8).

Each lever's effect is the context figure at the map's values minus the figure
with the edit (positive: fewer people likely to resist); levers are ranked by
it, and one that moves the figure by less than a hundredth of a percentage
point is not listed. The edit is applied to the analysis graph exactly as reading the edited
map would project it (tests check the two agree), and removed afterwards.
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from explorer.core.terms import local_name

from .results import Lever
from .structure import RX

BROKER_STRENGTH = 0.6
#: A lever is listed when it lowers the figure by at least this share of the people exposed (a hundredth of a
#: percentage point); one that does less, or raises it, is not a lever.
NEGLIGIBLE = 1e-4
ENDORSEMENT = 0.5
RESOURCED = 0.8
_PER_KIND = 4


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.4g}", datatype=XSD.decimal)


def apply_edit(G, edit) -> tuple:
    """Apply ``edit`` to the map graph ``G`` as :func:`map_graph` would read the edited map.

    ``edit`` is ``(("add" | "remove" | "set", s, p, o), ...)``; ``set`` replaces
    every value of ``p`` on ``s`` by the literal ``o``. Supported: plain ties
    between nodes, new qualified ties (a blank node with ``rdf:type``,
    ``rx:from``, ``rx:to`` and numeric attributes), numeric values and concept
    values on a node or on an existing qualified tie.

    Returns ``(undo, changed)``: a function that undoes it, and what changed as
    ``(op, relation or attribute name, subject, object, data)`` for
    :func:`explorer.analysis.resistance.model.build` to reuse the rest.
    """
    undo, changed = [], []
    new_ties: dict = {}
    tie_edges = None
    numeric = set(G.graph.get("scales", {}))

    def holder(subject):
        nonlocal tie_edges
        if subject in G:
            return G.nodes[subject]
        if tie_edges is None:
            tie_edges = {key: (u, v, key) for u, v, key in G.edges(keys=True)}
        u, v, key = tie_edges[subject]
        return G.edges[u, v, key]

    for op, s, p, o in edit:
        if isinstance(s, BNode) and op == "add":
            new_ties.setdefault(s, []).append((p, o))
            continue
        name = local_name(p)  # the attribute map_graph names the property by
        if isinstance(o, Literal):
            data = holder(s)
            old = data.get(name, None)
            if op in ("add", "set"):
                data[name] = float(o.toPython())
            elif name in data:
                del data[name]
            undo.append(
                lambda data=data, name=name, old=old: (
                    data.__setitem__(name, old) if old is not None else data.pop(name, None)
                )
            )
            changed.append(("set", name, s, None, None))
        elif o in G and s in G and name not in numeric and not _is_concept(G, o):
            key = URIRef(str(p))
            if op == "add" and not G.has_edge(s, o, key):
                G.add_edge(s, o, key=key, relation=key)
                undo.append(lambda s=s, o=o, key=key: G.remove_edge(s, o, key))
                changed.append(("add", key, s, o, G.edges[s, o, key]))
            elif op == "remove" and G.has_edge(s, o, key):
                data = G.edges[s, o, key]
                G.remove_edge(s, o, key)
                undo.append(lambda s=s, o=o, key=key, data=data: G.add_edge(s, o, key=key, **data))
                changed.append(("remove", key, s, o, data))
        else:  # a concept value (sponsorship mode ...): multi-valued attributes are frozensets
            data = holder(s)
            old = data.get(name)
            current = old if isinstance(old, frozenset) else (frozenset({old}) if old is not None else frozenset())
            data[name] = current | {o} if op == "add" else current - {o}
            undo.append(
                lambda data=data, name=name, old=old: (
                    data.__setitem__(name, old) if old is not None else data.pop(name, None)
                )
            )
            changed.append(("set", name, s, None, None))
    for tie, triples in new_ties.items():
        attrs = {"tie": tie, "label": ""}
        source = target = None
        for p, o in triples:
            if p == RDF.type:
                attrs["relation"] = o
            elif p == RX["from"]:
                source = o
            elif p == RX.to:
                target = o
            elif isinstance(o, Literal):
                attrs[local_name(p)] = float(o.toPython())
            else:
                attrs[local_name(p)] = o
        G.add_edge(source, target, key=tie, **attrs)
        undo.append(lambda s=source, t=target, k=tie: G.remove_edge(s, t, k))
        changed.append(("add", attrs["relation"], source, target, G.edges[source, target, tie]))

    def revert():
        for step in reversed(undo):
            step()

    return revert, tuple(changed)


def _is_concept(G, term) -> bool:
    return term in G.graph.get("concept_labels", {})


def candidates(model, points) -> list:
    """``[(kind, text, nodes, edit)]`` for the levers worth trying (see the module notes)."""
    G, s, b = model.G, model.structure, model.builder
    change = model.change
    stances = model.stances
    band = model.weights["stance.fence_band"]
    found = []
    score = {p.node: p.score for p in points}
    resistant = [p for p in points if p.score > 0]

    def attitude(node) -> float | None:
        row = stances.row.get(node)
        return None if row is None else float(stances.base[row])

    # Brokers: a non-opposing leader or supporter within two social ties of a resistant person.
    people = [p for p in resistant if p.role == "carrier" and s.flags(p.node)[0]][:_PER_KIND]
    for point in people:
        target = point.node
        near = {}
        for other, _, _ in s.social_ties(target):
            near.setdefault(other, 1)
            for second, _, _ in s.social_ties(other):
                near.setdefault(second, 2)
        for unit in s.units(target):
            for member in s.children(unit):
                near.setdefault(member, 2)
        already = {src for src, _ in s.ins(target, RX.InfluenceTie)} | {src for src, _ in s.ins(target, RX.influences)}
        options = []
        for other, hops in near.items():
            if other == target or other in already or other not in G or not s.flags(other)[0] or s.flags(other)[1]:
                continue
            if other in s.leaders or other in s.sponsors:
                continue  # a tie to the change agent would also change its network position; not modelled as a lever
            view = attitude(other)
            leader = s.is_leader_kind(other)
            if view is not None and view < 0:
                continue  # never a known opponent
            if not leader and (view is None or view < band):
                continue
            options.append((not leader, -(view or 0.0), hops, b.label(other), other))
        if options:
            _, _, _, _, broker = min(options)
            tie = BNode()
            role = "a hybrid or opinion leader" if s.is_leader_kind(broker) else "a supporter"
            edit = (
                ("add", tie, RDF.type, RX.InfluenceTie),
                ("add", tie, RX["from"], broker),
                ("add", tie, RX.to, target),
                ("add", tie, RX.strength, _decimal(BROKER_STRENGTH)),
            )
            found.append(
                (
                    "broker",
                    f"Ask “{b.label(broker)}” ({role}) to work with “{point.label}” "
                    f"(an influence tie of strength {BROKER_STRENGTH})",
                    (broker, target),
                    edit,
                )
            )
    # Sponsorship
    modes = set()
    for c in s.changers:
        value = G.nodes[c].get("sponsorshipMode")
        modes |= set(value) if isinstance(value, frozenset) else ({value} if value is not None else set())
    if RX.professionallyLed not in modes and any(c.family in (2, 4) for c in model.channels):
        found.append(
            (
                "sponsorship",
                "Give professionals a leading part in the change (sponsorship professionally led as well)",
                (change,),
                (("add", change, RX.sponsorshipMode, RX.professionallyLed),),
            )
        )
        if RX.topDown in modes:
            found.append(
                (
                    "sponsorship",
                    "Hand the change to the professions (professionally led instead of top-down)",
                    (change,),
                    (
                        ("remove", change, RX.sponsorshipMode, RX.topDown),
                        ("add", change, RX.sponsorshipMode, RX.professionallyLed),
                    ),
                )
            )
    # Lateral ties and data feedback for resistant units
    units = [p for p in resistant if s.flags(p.node)[1] and not s.flags(p.node)[2]][:_PER_KIND]
    adopters = {u for c in s.changers for u, _ in s.outs(c, RX.adoptedBy)}
    feedback = {u for c in s.changers for u, _ in s.outs(c, RX.feedsBackDataTo)}
    offered = set()  # lateral support is symmetric: one lever per pair
    for point in units:
        unit = point.node
        kind = G.nodes[unit].get("kind")
        around = {a for a, _ in s.ancestors(unit)}
        tied = {p for p, _ in s.outs(unit, RX.lateralSupport)} | {p for p, _ in s.ins(unit, RX.lateralSupport)}
        peers = []
        for other in G:
            if other == unit or other in tied or other in around or G.nodes[other].get("kind") != kind:
                continue
            if not s.is_carrier(other) or s.flags(other)[2] or frozenset((unit, other)) in offered:
                continue  # the change's sponsors, leaders and bodies are not peers giving support
            if unit in {a for a, _ in s.ancestors(other)}:
                continue
            peers.append((other not in adopters, score.get(other, 0.0), b.label(other), other))
        if peers:
            peer = min(peers)[3]
            offered.add(frozenset((unit, peer)))
            adopted = ", which has adopted the change" if peer in adopters else ""
            found.append(
                (
                    "lateral tie",
                    f"Build lateral support between “{point.label}” and “{b.label(peer)}”{adopted}",
                    (unit, peer),
                    (("add", unit, RX.lateralSupport, peer),),
                )
            )
        if unit not in feedback:
            found.append(
                (
                    "data feedback",
                    f"Feed data on the change back to “{point.label}”",
                    (change, unit),
                    (("add", change, RX.feedsBackDataTo, unit),),
                )
            )
    # Norms: renegotiate with the bodies behind them, or adapt the change
    norms = sorted(model.norms.norms, key=lambda n: (-score.get(n, 0.0), str(n)))[:_PER_KIND]
    for norm in norms:
        bodies = [
            body
            for body, _, _ in model.norms.bodies[model.norms.norms.index(norm)]
            if body not in s.sponsors and stances.stated_value(b, body) is None
        ]
        if bodies:
            edit = []
            for body in bodies:
                tie = BNode()
                edit += [
                    ("add", tie, RDF.type, RX.Stance),
                    ("add", tie, RX["from"], body),
                    ("add", tie, RX.to, change),
                    ("add", tie, RX.attitude, _decimal(ENDORSEMENT)),
                ]
            names = ", ".join(f"“{b.label(x)}”" for x in bodies)
            found.append(
                (
                    "renegotiate norm",
                    f"Renegotiate “{b.label(norm)}” with {names}, "
                    f"so that {'it endorses' if len(bodies) == 1 else 'they endorse'} "
                    f"the change (attitude +{ENDORSEMENT})",
                    (norm, *bodies),
                    tuple(edit),
                )
            )
        violators = [c for c in s.changers if any(n == norm for n, _ in s.outs(c, RX.violates))]
        found.append(
            (
                "adapt the change",
                f"Adapt the change so that it no longer violates “{b.label(norm)}”",
                (norm, *violators),
                tuple(("remove", c, RX.violates, norm) for c in violators),
            )
        )
    # A tie drawn as a blank node has no name that survives a reading of the map: only named ties are edited.
    disruptions = sorted(
        (
            (float(d.get("degree")), d.get("tie"), v)
            for c in s.changers
            for v, d in s.outs(c, RX.Disruption)
            if d.get("degree") is not None and d.get("degree") > 0 and isinstance(d.get("tie"), URIRef)
        ),
        key=lambda x: (-score.get(x[2], 0.0), -x[0], str(x[1])),
    )
    for degree, tie, routine in disruptions[:2]:
        found.append(
            (
                "adapt the change",
                f"Stage the change so that it disrupts “{b.label(routine)}” half as much "
                f"(degree {degree:.2g} → {degree / 2:.2g})",
                (routine,),
                (("set", tie, RX.degree, _decimal(degree / 2)),),
            )
        )
    # Concurrent initiatives and resources
    others = {i for i, _ in s.outs(change, RX.runsConcurrentlyWith)} | {
        i for i, _ in s.ins(change, RX.runsConcurrentlyWith)
    }
    for initiative in sorted(others - set(s.changers), key=str)[:_PER_KIND]:
        edit = tuple(
            ("remove", x, RX.runsConcurrentlyWith, y)
            for x, y in ((change, initiative), (initiative, change))
            if G.has_edge(x, y, RX.runsConcurrentlyWith)
        )
        found.append(
            (
                "pause initiative",
                f"Pause or merge “{b.label(initiative)}” while the change beds in",
                (initiative,),
                edit,
            )
        )
    current = G.nodes[change].get("resourceAdequacy")
    if current is None or current < RESOURCED:
        found.append(
            (
                "resources",
                f"Resource the change well (resource adequacy {RESOURCED})",
                (change,),
                (("set", change, RX.resourceAdequacy, _decimal(RESOURCED)),),
            )
        )
    return found


def try_levers(model, points, base_figure: float, base_total: float, rerun, progress=None) -> tuple:
    """Run the model again with each candidate edit; return the levers ranked by their effect on the figure:
    those that lower it by at least ``NEGLIGIBLE`` of the people exposed.

    ``rerun(changed)`` runs the model on the edited graph (``changed`` from :func:`apply_edit`) and returns its
    figure and the sum of its points' scores.
    """
    options = candidates(model, points)
    threshold = NEGLIGIBLE * max(float(model.arrays["people_total"]), 1.0)
    levers = []
    for done, (kind, text, nodes, edit) in enumerate(options, 1):
        revert, changed = apply_edit(model.G, edit)
        try:
            figure, total = rerun(changed)
        finally:
            revert()
        if base_figure - figure >= threshold:
            levers.append(
                Lever(kind, text, tuple(nodes), tuple(edit), base_figure - figure, figure, base_total - total)
            )
        if progress is not None:
            progress(done, len(options))
    levers.sort(key=lambda lever: (-round(lever.effect, 12), -lever.resistance_effect, lever.text))
    return tuple(levers)
