"""Network position: leaders nearby, and the change agent's ties and network (Battilana and Casciaro).

* **Leaders nearby.** A hybrid leader (clinical and managerial role kinds, or
  typed so) or an opinion leader who does not oppose the change (attitude after
  influence at least 0) lowers resistance: ``-context.leader_nearby`` at those
  with a social tie to them and at the organisational units they belong to or
  lead (not their profession, which spans every hospital), and
  ``levels.decay`` times that at the other members of those units, unless they
  are leaders themselves (McGivern et al.: hybrid leaders make room for the
  staff around them; so a leader role drawn as two sub-roles is not its own
  help).
* **The change agent** is whoever the change is ``rx:ledBy``, or an actor who
  sponsors it. Battilana and Casciaro (Manage Sci 2013) found that a change
  agent's strong ties to *fence-sitters* (a known attitude, stated, passed down
  or reached through influence, within ``stance.fence_band`` of 0; an attitude
  nobody knows is not evidence of ambivalence) help co-opt them, while strong ties to *resistors* (attitude
  at or below minus the band) help only for a change that diverges little from
  institutionalised practice and turn into a liability for a divergent one.
  So an undecided actor tied to a change agent gets ``-interaction.fence_sitter_tie * strength``,
  an opponent ``+interaction.resistor_tie * strength * z_divergence`` (``z`` in [-1, 1]:
  negative, helping, for a minor change; positive for a divergent one).
* **The change agent's network** (Battilana and Casciaro, Acad Manage J 2012):
  an agent whose contacts are not tied to each other (structural holes) suits
  a divergent change; one whose contacts are tied to each other (closure)
  suits a minor one. The paper defines structural closure as "the extent to
  which an actor's network contacts are connected to one another": here the
  share of pairs of the agent's contacts that have a social tie (networkx's
  local clustering, unweighted; at least two contacts, else there is nothing
  to say). With ``holes = 1 - 2 * closure`` in [-1, 1], carriers the agent
  reaches (a social tie or an organisational unit they share, not a
  profession: 1; two steps: ``levels.decay``) get
  ``-interaction.network_fit * reach * holes * z_divergence``: the sign flips
  with the divergence, which is the interaction the paper reports. Social
  ties are influence, advice and reporting lines
  (:meth:`~explorer.analysis.resistance.structure.Structure.social_ties`).
"""

from __future__ import annotations

from .builder import ALL, Z_CENTERED, Z_ONE, Builder
from .structure import RX


def add(b: Builder) -> None:
    """The ``interaction`` mechanism: leader-nearby and change-agent terms for the exposed carriers (``b.exposed``),
    after the stances (``b.stance_model``)."""
    exposed_nodes = {b.carrier_nodes[i] for i in b.exposed}
    _leaders(b, exposed_nodes, b.stance_model)
    _change_agents(b, exposed_nodes, b.stance_model)


def _attitude(stances, node) -> float:
    row = stances.row.get(node)
    return 0.0 if row is None else float(stances.base[row])


def _leaders(b: Builder, exposed: set, stances) -> None:
    s = b.structure
    decay = b.weights["levels.decay"]
    best: dict = {}  # carrier -> (reach, leader)
    for leader in s.leader_nodes():
        if _attitude(stances, leader) < 0:
            continue  # never count a known opponent as a help
        reached = [(other, 1.0, "is one tie away") for other, _, _ in s.social_ties(leader)]
        for unit in s.units(leader):
            reached.append((unit, 1.0, "is one of its members"))
            reached += [(member, decay, "is in their unit") for member in s.children(unit)]
        for other, reach, how in reached:
            if other == leader or other not in exposed or s.is_leader_kind(other):
                continue  # leaders make room for the staff around them, not for each other
            current = best.get(other)
            if current is None or reach > current[0]:
                best[other] = (reach, leader, how)
    for node, (reach, leader, how) in sorted(best.items(), key=lambda kv: str(kv[0])):
        kind = "a hybrid leader" if _hybrid(b, leader) else "an opinion leader"
        b.term(
            node,
            ALL,
            "context.leader_nearby",
            const=-reach,
            z=(Z_ONE, 0),
            text=f"“{b.label(leader)}”, {kind} who does not oppose the change, {how}",
            evidence=(leader, node),
        )


def _hybrid(b: Builder, node) -> bool:
    from ..graph import is_a

    kinds = b.G.nodes[node].get("roleKind") or frozenset()
    kinds = kinds if isinstance(kinds, frozenset) else frozenset({kinds})
    return is_a(b.G, node, RX.HybridLeader) or {RX.clinicalRole, RX.managerialRole} <= kinds


def closure(b: Builder, agent) -> float | None:
    """The share of pairs of ``agent``'s contacts that are tied to each other (local clustering of the
    agent in its ego network, networkx, unweighted), or None with fewer than two contacts.

    Unlike Burt's constraint, it does not grow as the agent has fewer contacts: it reads only whether the
    contacts know each other, which is what Battilana and Casciaro define closure as.
    """
    s = b.structure
    contacts = {other for other, _, _ in s.social_ties(agent) if other != agent}
    if len(contacts) < 2:
        return None
    import networkx as nx  # here, not at start (see explorer.analysis.graph): 3 us a call

    ego = nx.Graph()
    ego.add_edges_from((agent, other) for other in contacts)
    for node in contacts:
        ego.add_edges_from((node, other) for other, _, _ in s.social_ties(node) if other in contacts and other != node)
    return float(nx.clustering(ego, agent))


def _change_agents(b: Builder, exposed: set, stances) -> None:
    s = b.structure
    agents = s.change_agents()
    if not agents:
        if exposed:
            b.change_missing.add("who leads it locally")
        return
    decay, band = b.weights["levels.decay"], b.weights["stance.fence_band"]
    divergence = b.read(s.change, b.G.nodes[s.change], "divergence")
    ties: dict = {}  # (carrier, "fence"|"resistor") -> (strength, agent)
    reach: dict = {}  # carrier -> (reach, [agents])
    for agent in agents:
        holes = None
        c = closure(b, agent)
        if c is not None:
            holes = 1.0 - 2.0 * c
        near = {}
        for other, strength, _ in s.social_ties(agent):
            near[other] = max(near.get(other, 0.0), 1.0)
            row = stances.row.get(other)
            if other in exposed and s.flags(other)[0] and row is not None and stances.how[row] != "none":
                attitude = float(stances.base[row])
                kind = "fence" if abs(attitude) < band else ("resistor" if attitude <= -band else None)
                if kind:
                    current = ties.get((other, kind))
                    if current is None or strength > current[0]:
                        ties[(other, kind)] = (strength, agent)
            for second, _, _ in s.social_ties(other):
                near.setdefault(second, decay)
        for unit in s.units(agent):
            near[unit] = 1.0
            for member in s.children(unit):
                near.setdefault(member, decay)
        if holes is None:
            continue
        for other, r in near.items():
            if other == agent or other not in exposed:
                continue
            current = reach.get(other)
            if current is None or r > current[0]:
                reach[other] = (r, [(agent, holes)])
            elif r == current[0]:
                current[1].append((agent, holes))
    for (node, kind), (strength, agent) in sorted(ties.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        if kind == "fence":
            b.term(
                node,
                ALL,
                "interaction.fence_sitter_tie",
                const=-strength,
                z=(Z_ONE, 0),
                evidence=(agent, node),
                text=(
                    f"Undecided, with a tie of strength {strength:.1f} to “{b.label(agent)}”, "
                    "who leads the change (co-optation)"
                ),
            )
        else:
            b.term(
                node,
                ALL,
                "interaction.resistor_tie",
                const=strength,
                z=(Z_CENTERED, divergence),
                evidence=(agent, node),
                text=f"Opposed, with a tie of strength {strength:.1f} to “{b.label(agent)}”, who leads the change: "
                "helps for a change that departs little from practice, backfires for a divergent one",
            )
    for node, (r, found) in sorted(reach.items(), key=lambda kv: str(kv[0])):
        holes = sum(h for _, h in found) / len(found)
        names = ", ".join(f"“{b.label(a)}”" for a, _ in found)
        shape = (
            "spans structural holes"
            if holes > 0
            else ("sits in a closed, cohesive network" if holes < 0 else "is between brokerage and closure")
        )
        b.term(
            node,
            ALL,
            "interaction.network_fit",
            const=-r * holes,
            z=(Z_CENTERED, divergence),
            evidence=tuple(a for a, _ in found) + (node,),
            text=f"Near the change agent {names}, who {shape}: suits a {'divergent' if holes > 0 else 'minor'} change",
        )
