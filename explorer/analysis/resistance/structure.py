"""Who and what a change reaches: its parts, its sponsors and leaders, where it is rolled out, and the levels.

*Levels* are the containment the map draws: a person is a member of a unit
(``org:memberOf``, ``org:headOf``) and of a profession (``rx:ofProfession``); a
unit is a unit of an organisation (``org:unitOf``, ``org:hasUnit``); an
organisation is part of a larger one (``org:subOrganizationOf``) or a member of
a collaborative. What a collective holds or faces reaches its members one level
down at a time (``levels.decay`` per level, at most ``levels.max_depth``
levels), and a collective's result reflects its members' (see
:mod:`explorer.analysis.resistance.model`).

Examples
--------
>>> from explorer.analysis.graph import map_graph_from_text
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... @prefix org: <http://www.w3.org/ns/org#> .
... <urn:x:c> a rx:ChangeProposal ; rx:rolledOutTo <urn:x:icu> .
... <urn:x:trust> a rx:Organisation ; org:hasUnit <urn:x:icu> .
... <urn:x:icu> a rx:Unit . <urn:x:nurse> a rx:Role ; org:memberOf <urn:x:icu> .
... <urn:x:other> a rx:Unit ; org:unitOf <urn:x:trust> .''')
>>> s = Structure(G, URIRef("urn:x:c"), max_depth=4)
>>> [(str(a), d) for a, d in s.ancestors(URIRef("urn:x:nurse"))]
[('urn:x:icu', 1), ('urn:x:trust', 2)]
>>> s.in_scope(URIRef("urn:x:nurse")), s.in_scope(URIRef("urn:x:trust")), s.in_scope(URIRef("urn:x:other"))
(True, True, False)
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from explorer.core.namespaces import RX as _RX

from ..graph import FOAF_AGENT, ORG, ORG_ORGANIZATION, is_a


class _Vocabulary:
    """``RX.Routine`` looked up once: the closed namespace's attribute lookup runs Python code each time,
    and the model asks for these terms hundreds of thousands of times on a big map."""

    def __getattr__(self, name: str):
        value = _RX[name]
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str):
        return _RX[name]


RX = _Vocabulary()

MEMBER_OF = URIRef(ORG + "memberOf")
UNIT_OF = URIRef(ORG + "unitOf")
HAS_UNIT = URIRef(ORG + "hasUnit")
HEAD_OF = URIRef(ORG + "headOf")
SUB_ORG = URIRef(ORG + "subOrganizationOf")
REPORTS_TO = URIRef(ORG + "reportsTo")
WAS_ASSOCIATED_WITH = URIRef("http://www.w3.org/ns/prov#wasAssociatedWith")
#: Ties that put a node inside a collective (child -> parent), and the one drawn the other way.
UP = (MEMBER_OF, UNIT_OF, SUB_ORG, HEAD_OF, RX.ofProfession)
DOWN = (HAS_UNIT,)
#: Organisational containment only (a profession is not a place a change is rolled out to).
_PLACES = (MEMBER_OF, UNIT_OF, SUB_ORG, HEAD_OF)
#: Qualified ties that are not social ties between the agents they join.
#: The ties between agents the change agent's network and nearby leaders read.
SOCIAL = frozenset({RX.influences, RX.advises, RX.InfluenceTie, REPORTS_TO})
PROFESSIONAL_ROLES = frozenset({RX.clinicalRole})


class Structure:
    """The change's scope and the map's levels, read once per analysis (see the module notes)."""

    def __init__(self, G, change, *, max_depth: int, every: dict | None = None) -> None:
        self.G = G
        self.change = change
        self.max_depth = max_depth
        self.every = _index(G) if every is None else every
        self._out: dict = {}
        self._in: dict = {}
        self._parents = defaultdict(list)
        for relation in UP:
            for child, parent, _ in self.every.get(relation, ()):
                if parent != child:
                    self._parents[child].append(parent)
        for relation in DOWN:
            for parent, child, _ in self.every.get(relation, ()):
                if parent != child:
                    self._parents[child].append(parent)
        self.changers = (change, *[c for c, _ in self.outs(change, RX.hasComponent)])
        self.sponsors = {s for c in self.changers for s, _ in self.outs(c, RX.sponsoredBy)}
        self.leaders = {s for c in self.changers for s, _ in self.outs(c, RX.ledBy)}
        self.rollout = {u for c in self.changers for u, _ in self.outs(c, RX.rolledOutTo)}
        self._ancestors: dict = {}
        self._children: dict | None = None
        self._kind: dict = {}
        self._scope: dict = {}
        self._containing: set | None = None
        self._descendants: dict = {}
        self._leader_nodes: list | None = None
        self._above: dict = {}

    # ------------------------------------------------------------------ kinds
    def flags(self, node) -> tuple[bool, bool, bool]:
        """``(actor, organisation, external body)`` for ``node``, decided once per set of types."""
        data = self.G.nodes[node]
        key = data.get("kinds", frozenset())
        found = self._kind.get(key)
        if found is None:
            G = self.G
            found = self._kind[key] = (
                is_a(G, node, RX.Actor) or (is_a(G, node, FOAF_AGENT) and not is_a(G, node, ORG_ORGANIZATION)),
                is_a(G, node, ORG_ORGANIZATION),
                is_a(G, node, RX.ExternalBody),
            )
        return found

    def is_carrier(self, node) -> bool:
        """Whether ``node`` can carry resistance: an actor or an organisation, not the change's sponsor or leader."""
        if node in self.sponsors or node in self.leaders or node in self.changers:
            return False
        actor, organisation, _ = self.flags(node)
        return actor or organisation

    def is_professional(self, node) -> bool:
        """A professional group, a member of one, or an actor in a clinical role."""
        G = self.G
        if is_a(G, node, RX.ProfessionalGroup):
            return True
        kinds = _as_set(G.nodes[node].get("roleKind"))
        return bool(kinds & PROFESSIONAL_ROLES) or bool(self.outs(node, RX.ofProfession))

    def professions(self, node) -> frozenset:
        """The professional groups ``node`` belongs to (a group is its own)."""
        if is_a(self.G, node, RX.ProfessionalGroup):
            return frozenset({node})
        return frozenset(p for p, _ in self.outs(node, RX.ofProfession))

    def collectives_above(self, node) -> tuple:
        """The collectives ``node`` is in (at any depth) that can carry resistance and that the change reaches."""
        found = self._above.get(node)
        if found is None:
            found = self._above[node] = tuple(
                a for a, _ in self.ancestors(node) if self.is_carrier(a) and self.in_scope(a)
            )
        return found

    def leader_nodes(self) -> list:
        """Every actor of the map who is a hybrid or opinion leader, in IRI order (read once)."""
        if self._leader_nodes is None:
            self._leader_nodes = sorted((n for n in self.G if self.flags(n)[0] and self.is_leader_kind(n)), key=str)
        return self._leader_nodes

    def change_agents(self) -> list:
        """Whoever the change is led by, and the actors who sponsor it (not bodies or organisations), in IRI order."""
        G = self.G
        found = set(self.leaders) | {x for x in self.sponsors if x in G and self.flags(x)[0] and not self.flags(x)[1]}
        return sorted((a for a in found if a in G), key=str)

    def is_leader_kind(self, node) -> bool:
        """A hybrid leader (typed, or with clinical and managerial role kinds) or an opinion leader."""
        G = self.G
        kinds = _as_set(G.nodes[node].get("roleKind"))
        return (
            is_a(G, node, RX.HybridLeader)
            or is_a(G, node, RX.OpinionLeader)
            or {RX.clinicalRole, RX.managerialRole} <= kinds
        )

    # ----------------------------------------------------------------- levels
    def outs(self, node, relation) -> list:
        """``[(target, tie data)]`` for the ties of ``relation`` from ``node``."""
        by_node = self._out.get(relation)
        if by_node is None:
            by_node = self._out[relation] = defaultdict(list)
            for u, v, data in self.every.get(relation, ()):
                by_node[u].append((v, data))
        return by_node.get(node, ())

    def ins(self, node, relation) -> list:
        """``[(source, tie data)]`` for the ties of ``relation`` into ``node``."""
        by_node = self._in.get(relation)
        if by_node is None:
            by_node = self._in[relation] = defaultdict(list)
            for u, v, data in self.every.get(relation, ()):
                by_node[v].append((u, data))
        return by_node.get(node, ())

    def parents(self, node):
        """The collectives ``node`` is directly in (membership, unit of, sub-organisation, head of, profession)."""
        return self._parents.get(node, ())

    def units(self, node) -> list:
        """The organisational units ``node`` works in, one level up: not its profession (a professional group
        spans every hospital) nor an external body (a college it belongs to). "Their unit" means these."""
        G = self.G
        return [
            parent
            for parent, depth in self.ancestors(node)
            if depth == 1 and not is_a(G, parent, RX.ProfessionalGroup) and not self.flags(parent)[2]
        ]

    def ancestors(self, node) -> tuple:
        """``((ancestor, depth), ...)`` within ``max_depth`` levels, each at its shortest depth, nearest first."""
        found = self._ancestors.get(node)
        if found is not None:
            return found
        depth_of, frontier = {}, [node]
        for depth in range(1, self.max_depth + 1):
            nxt = []
            for current in frontier:
                for parent in self.parents(current):
                    if parent != node and parent not in depth_of:
                        depth_of[parent] = depth
                        nxt.append(parent)
            frontier = nxt
            if not frontier:
                break
        found = self._ancestors[node] = tuple(sorted(depth_of.items(), key=lambda item: (item[1], str(item[0]))))
        return found

    def children(self, node) -> list:
        """The direct members of a collective (people, units, sub-organisations)."""
        if self._children is None:
            children = defaultdict(list)
            for relation in UP:
                for child, parent, _ in self.every.get(relation, ()):
                    children[parent].append(child)
            for relation in DOWN:
                for parent, child, _ in self.every.get(relation, ()):
                    children[parent].append(child)
            self._children = children
        return self._children.get(node, [])

    def descendants(self, node) -> list:
        """Everything inside a collective, down to ``max_depth`` levels (members, units, their members...)."""
        found = self._descendants.get(node)
        if found is None:
            found, frontier, seen = [], [node], {node}
            for _ in range(self.max_depth):
                nxt = []
                for parent in frontier:
                    for child in self.children(parent):
                        if child not in seen:
                            seen.add(child)
                            nxt.append(child)
                            found.append(child)
                frontier = nxt
                if not frontier:
                    break
            self._descendants[node] = found
        return found

    def patched(self, changes) -> Structure:
        """This structure after an edit that added or removed the ties ``changes`` (``(op, relation, u, v, data)``)
        and no containment: the levels, scope and kinds are shared, the ties of the relations touched redone."""
        other = object.__new__(Structure)
        other.__dict__.update(self.__dict__)
        every = dict(self.every)
        touched = set()
        for op, relation, u, v, data in changes:
            if relation in UP or relation in DOWN:
                raise ValueError("a patched structure cannot change membership")
            edges = list(every.get(relation, ()))
            if op == "add":
                edges.append((u, v, data))
            else:
                edges = [e for e in edges if not (e[0] == u and e[1] == v and e[2] is data)]
            every[relation] = edges
            touched.add(relation)
        other.every = every
        other._out = {r: m for r, m in self._out.items() if r not in touched}
        other._in = {r: m for r, m in self._in.items() if r not in touched}
        return other

    def in_scope(self, node) -> bool:
        """Whether the change reaches ``node``. Everywhere when it names no place it is rolled out to; else the
        places named, what they contain, the organisations that contain them, external bodies and professional
        groups (they span places), and actors the map places nowhere (it cannot tell, so they are not left out)."""
        if not self.rollout or node in self.rollout:
            return True
        found = self._scope.get(node)
        if found is None:
            found = self._scope[node] = self._in_scope(node)
        return found

    def _in_scope(self, node) -> bool:
        _, organisation, body = self.flags(node)
        if body or is_a(self.G, node, RX.ProfessionalGroup):
            return True
        places = [a for a, _ in self.ancestors(node) if not is_a(self.G, a, RX.ProfessionalGroup)]
        if any(a in self.rollout for a in places):
            return True
        if organisation:
            if self._containing is None:
                self._containing = {a for place in self.rollout for a, _ in self.ancestors(place)}
            return node in self._containing
        return not places

    # ----------------------------------------------------------------- social
    def social_ties(self, node):
        """``(other, strength, tie)`` for every social tie of ``node`` with another agent, either way: influence
        and advice (``rx:InfluenceTie`` by its strength clipped to [0, 1]; plain ``rx:influences``,
        ``rx:advises`` at 0.5) and reporting lines (``org:reportsTo``). No other relation is a social tie
        (ontology/analysis-inputs.ttl says which ties the change agent's network and nearby leaders read)."""
        G = self.G
        for _u, v in ((node, None), (None, node)):
            edges = G.out_edges(node, data=True) if v is None else G.in_edges(node, data=True)
            for a, b, data in edges:
                other = b if v is None else a
                if other == node or data.get("relation") not in SOCIAL:
                    continue
                actor, organisation, _ = self.flags(other)
                if not (actor or organisation):
                    continue
                yield other, clip_unit(data.get("strength", 0.5)), data.get("tie")


def clip_unit(value, default: float = 0.5) -> float:
    """A tie's strength read on its [0, 1] scale, as every input is: out-of-scale values clipped, a value that
    is not a number taken as ``default``."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return default if value != value else min(1.0, max(0.0, value))


def _as_set(value) -> frozenset:
    if value is None:
        return frozenset()
    return value if isinstance(value, frozenset) else frozenset({value})


def _index(G) -> dict:
    """Every tie of ``G`` by relation: ``{relation: [(u, v, data)]}``. Built afresh for each analysis
    (a lever edits the graph between two), so nothing is cached on the graph."""
    every = defaultdict(list)
    for u, neighbours in G._adj.items():
        for v, keyed in neighbours.items():
            for data in keyed.values():
                every[data.get("relation")].append((u, v, data))
    return every
