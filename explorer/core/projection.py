"""The map as the canvas draws it: nodes with a kind, a label, a level and a position, and ties between them.

The store holds triples; the canvas wants boxes and arrows. A
:class:`Projection` reads the default graph once, then follows each
:class:`~explorer.core.events.GraphChanged` by re-reading only the nodes the
change touched, and says what changed as a :class:`Delta`.

* A **node** is a subject typed with a known kind that is not a qualified tie.
* A **tie** is either a triple between two nodes (``org:memberOf``), keyed
  ``("triple", s, p, o)``, or a qualified-tie node with ``rx:from`` and
  ``rx:to`` on two nodes, keyed ``("tie", iri)`` and drawn as one edge that
  carries the tie's attributes.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.schema import Schema
>>> from explorer.core.commands import add_node
>>> doc = MapDocument.new()
>>> projection = Projection.build(doc.store, Schema.from_store(doc.store))
>>> unit = doc.mint_iri(RX.Unit, "ICU")
>>> doc.execute(add_node(doc.store, unit, RX.Unit, "ICU"))
>>> delta = projection.update(doc.store, doc.store.quads(unit))
>>> projection.nodes[unit].label, projection.nodes[unit].level, sorted(delta.nodes)
('ICU', 2, [rdflib.term.URIRef(...)])
>>> doc.close()
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from rdflib import BNode, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import RX
from .positions import X_TEXT as _X
from .positions import Y_TEXT as _Y
from .positions import Place, coordinate, position_changes
from .schema import Schema
from .terms import DEFAULT_GRAPH, local_name

# Plain strings: the projection reads triples as text (see Store.text_triples), and
# comparing str is ~20x cheaper than comparing rdflib terms.
_TYPE = str(RDF.type)
_LABELS = (str(RDFS.label), str(SKOS.prefLabel))
_LEVEL = str(RX.level)
_FROM, _TO = str(RX["from"]), str(RX.to)
_NOT_TIES = frozenset({_TYPE, _LEVEL, _FROM, _TO})
_FACTS = frozenset({*_LABELS, _LEVEL, _X, _Y, _FROM, _TO})  # what node and qualified tie views read
_NODE, _TIE = "node", "tie"


def _drawn_as(kind) -> str | None:
    """How a subject of ``kind`` is drawn: as a node, as a tie (a qualified tie), or not at all."""
    if kind is None:
        return None
    if kind.is_tie:
        return _TIE
    # The bare class of qualified ties is neither: a subject typed with it alone names no relation.
    return None if kind.iri == RX.QualifiedTie else _NODE


class NodeView(NamedTuple):
    """One node as drawn: ``level`` is the level's order (micro 1, meso 2, macro 3).

    Views are named tuples, not frozen dataclasses: a 100k-node map makes 470k of them as it
    opens, and a named tuple is made ~3x faster (a frozen dataclass sets each field through
    ``object.__setattr__``). Both are immutable and compare by value.
    """

    iri: URIRef
    kind: URIRef | None
    label: str
    level: int
    x: float | None = None
    y: float | None = None
    types: frozenset = frozenset()


class TieView(NamedTuple):
    """One tie as drawn, from ``source`` to ``target``.

    ``relation`` is the predicate of a plain tie or the class of a qualified
    one; ``tie`` is the qualified tie's own IRI (None for a plain tie).
    """

    key: tuple
    source: URIRef
    target: URIRef
    relation: URIRef
    label: str
    tie: URIRef | BNode | None = None


@dataclass
class Delta:
    """What a change did to the projection: keys of nodes and ties added or changed, and removed."""

    nodes: set = field(default_factory=set)
    removed_nodes: set = field(default_factory=set)
    ties: set = field(default_factory=set)
    removed_ties: set = field(default_factory=set)
    #: Only canvas positions changed: views that draw no positions (the outline, the legend) have nothing to do.
    moved: bool = False

    def __bool__(self) -> bool:
        return bool(self.nodes or self.removed_nodes or self.ties or self.removed_ties)


def node_label(labels: Iterable, fallback) -> str:
    """The label to show: an English or untagged label, else any label, else the IRI's last part.

    ``labels`` holds ``(text, language)`` pairs (language "" when untagged).
    """
    labels = list(labels)
    preferred = [pair for pair in labels if pair[1] in ("", "en") or pair[1].startswith("http")] or labels
    if preferred:
        return min(preferred, key=lambda pair: (not (pair[1] == "" or pair[1].startswith("http")), pair[0]))[0]
    return local_name(fallback)


class Projection:
    """Nodes and ties of the map's default graph, kept up to date by :meth:`update`."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.nodes: dict = {}
        self.ties: dict = {}
        self._out: dict = {}  # node -> keys of ties that start there
        self._in: dict = {}  # node -> keys of ties that end there
        self._tie_nodes: dict = {}  # qualified tie IRI -> its key, when drawn
        self._fresh: set = set()  # keys whose view changed during the current update
        self._terms: dict = {}  # text -> rdflib term, so each IRI is built once
        self._node_text: set = set()  # nodes as text, for the triple-reading fast path
        self._kind_terms = {str(k): k for k in schema.kinds}
        self._level_orders = {str(c.iri): c.order for c in schema.levels}
        self._kind_levels: dict = {}  # kind IRI -> the level order of its nodes that name none
        self._relation_labels: dict = {}

    # ----------------------------------------------------------------- building
    def term(self, text: str):
        """The rdflib term for an IRI or ``"_:id"`` blank node read as text (one object per IRI)."""
        found = self._terms.get(text)
        if found is None:
            found = BNode(text[2:]) if text.startswith("_:") else URIRef(text)
            self._terms[text] = found
        return found

    @classmethod
    def build(cls, store, schema: Schema, *, graph=DEFAULT_GRAPH) -> Projection:
        """Read every node and tie of ``graph``: one pass over its triples, then nodes and ties in bulk.

        The pass keeps only what a view reads (types, names, levels, places, ends of qualified ties,
        and links between resources); a kind is worked out once per combination of types, not per node
        (100k nodes share a few dozen). The views are the ones :meth:`update` makes, one by one.
        """
        projection = cls(schema)
        types: dict = {}  # subject -> its rdf:type IRIs
        facts: dict = {}  # subject -> (p, o, kind, extra) rows a node or qualified tie view reads
        links: list = []  # (s, p, o) with a resource as object: a plain tie when both ends are nodes
        read, not_ties = _FACTS, _NOT_TIES
        for s, p, o, k, extra in store.text_triples(graph=graph, literals=read):
            if p == _TYPE:
                if k == 0:
                    found = types.get(s)
                    if found is None:
                        types[s] = [o]
                    else:
                        found.append(o)
                continue
            if p in read:
                found = facts.get(s)
                if found is None:
                    facts[s] = [(p, o, k, extra)]
                else:
                    found.append((p, o, k, extra))
            if k != 2 and p not in not_ties:
                links.append((s, p, o))
        kinds: dict = {}  # the types as stored -> (kind, types as terms, what such a subject is drawn as)
        tie_subjects = []
        node_keys = set()
        nodes, view = projection.nodes, projection._view
        for subject, texts in types.items():
            shape = tuple(texts)
            known = kinds.get(shape)
            if known is None:
                found = [projection._kind_terms.get(o) or projection.term(o) for o in texts]
                kind = schema.kind_of(found)
                known = kinds[shape] = (kind, frozenset(found), _drawn_as(kind))
            kind, types_of, drawn_as = known
            if drawn_as is _NODE:
                made = view(subject, kind, types_of, facts.get(subject, ()))
                nodes[made.iri] = made
                node_keys.add(subject)
            elif drawn_as is _TIE:
                tie_subjects.append((subject, kind))
        projection._node_text = node_keys
        term, interned, relation_labels = projection.term, projection._terms, projection._relation_labels
        ties, outgoing, incoming = projection.ties, projection._out, projection._in
        for s, p, o in links:
            if s in node_keys and o in node_keys:
                # Both ends are nodes, so their terms exist already: index, don't call (369k ties at 100k nodes).
                s_term, o_term = interned[s], interned[o]
                p_term = interned.get(p) or term(p)
                label = relation_labels.get(p)
                if label is None:
                    label = relation_labels[p] = schema.property(p_term).label
                key = ("triple", s_term, p_term, o_term)
                ties[key] = TieView(key, s_term, o_term, p_term, label)
                found = outgoing.get(s_term)
                if found is None:
                    outgoing[s_term] = {key}
                else:
                    found.add(key)
                found = incoming.get(o_term)
                if found is None:
                    incoming[o_term] = {key}
                else:
                    found.add(key)
        for subject, kind in tie_subjects:
            projection._qualified_tie(subject, kind, facts.get(subject, ()))
        return projection

    def _node_view(self, subject: str, rows) -> NodeView | None:
        kinds = self._kind_terms
        types = [kinds.get(o) or self.term(o) for p, o, k, _ in rows if p == _TYPE and k == 0]
        kind = self.schema.kind_of(types)
        if _drawn_as(kind) is not _NODE:
            return None
        return self._view(subject, kind, frozenset(types), rows)

    def _view(self, subject: str, kind, types: frozenset, rows) -> NodeView:
        labels, level, x, y = [], None, None, None
        for p, o, k, extra in rows:
            if p in _LABELS and k == 2:
                labels.append((o, extra if not extra.startswith("http") else ""))
            elif p == _LEVEL and k == 0:
                level = o
            elif p == _X and k == 2:
                x = coordinate(o)
            elif p == _Y and k == 2:
                y = coordinate(o)
        level_order = self._level_orders.get(level) if level is not None else None
        if not level_order:
            level_order = self._kind_levels.get(kind.iri)
            if level_order is None:
                # Once per kind: the schema compares terms in Python, for each of 100k nodes otherwise.
                level_order = self.schema.level_order(self.schema.level_of(kind, None)) or 2
                self._kind_levels[kind.iri] = level_order
        iri = self.term(subject)
        return NodeView(
            iri=iri,
            kind=kind.iri,
            label=node_label(labels, iri),
            level=level_order,
            x=x if y is not None else None,
            y=y if x is not None else None,
            types=types,
        )

    def _read_ties(self, subject: str, rows) -> None:
        if subject in self._node_text:
            nodes = self._node_text
            for p, o, k, _ in rows:
                if k != 2 and o in nodes and p not in _NOT_TIES:
                    s_term, p_term, o_term = self.term(subject), self.term(p), self.term(o)
                    label = self._relation_labels.get(p)
                    if label is None:
                        label = self._relation_labels[p] = self.schema.property(p_term).label
                    self._add(TieView(("triple", s_term, p_term, o_term), s_term, o_term, p_term, label))
            return
        types = [self._kind_terms.get(o) or self.term(o) for p, o, k, _ in rows if p == _TYPE and k == 0]
        kind = self.schema.kind_of(types)
        if kind is None or not kind.is_tie:
            return
        self._qualified_tie(subject, kind, rows)

    def _qualified_tie(self, subject: str, kind, rows) -> None:
        source = target = None
        labels = []
        for p, o, k, extra in rows:
            if p == _FROM and k != 2:
                source = o
            elif p == _TO and k != 2:
                target = o
            elif p in _LABELS and k == 2:
                labels.append((o, extra if not extra.startswith("http") else ""))
        if source in self._node_text and target in self._node_text:
            label = node_label(labels, "") if labels else kind.label
            tie = self.term(subject)
            self._add(TieView(("tie", tie), self.term(source), self.term(target), kind.iri, label, tie=tie))

    def _add(self, tie: TieView) -> None:
        if self.ties.get(tie.key) != tie:
            self._fresh.add(tie.key)
        self.ties[tie.key] = tie
        self._out.setdefault(tie.source, set()).add(tie.key)
        self._in.setdefault(tie.target, set()).add(tie.key)
        if tie.tie is not None:
            self._tie_nodes[tie.tie] = tie.key

    def _drop(self, key) -> TieView | None:
        tie = self.ties.pop(key, None)
        if tie is not None:
            self._out.get(tie.source, set()).discard(key)
            self._in.get(tie.target, set()).discard(key)
            if tie.tie is not None:
                self._tie_nodes.pop(tie.tie, None)
        return tie

    # ----------------------------------------------------------------- updating
    def update(
        self,
        store,
        changed_quads: Iterable,
        *,
        graph=DEFAULT_GRAPH,
        added: Iterable | None = None,
        moves: list[Place] | None = None,
    ) -> Delta:
        """Re-read what ``changed_quads`` (added or removed) touched; return what changed.

        Pass the ``added`` quads too and a change that only moves nodes (a layout,
        a drag) is applied from them directly, without reading the store; pass its
        ``moves`` (:func:`~explorer.core.positions.position_changes` of the default
        graph, read ahead of time) and not even the quads are read.
        """
        if moves is not None and graph == DEFAULT_GRAPH:
            return self._move(moves)
        changed_quads = list(changed_quads)
        if added is not None and changed_quads:
            # The changed quads hold the added ones too: as "removed" they change nothing, since a node
            # given a place is not one whose place went.
            places = position_changes(added, changed_quads, graph)
            if places is not None:
                return self._move(places)
        touched = set()
        for s, _, o, g in changed_quads:
            if g != graph:
                continue
            touched.add(s)
            if isinstance(o, (URIRef, BNode)):
                touched.add(o)
        if len(touched) > max(2_000, len(self.nodes) // 4):
            return self._rebuild(store, graph)
        delta = Delta()
        self._fresh = set()
        text_of = {term: (str(term) if isinstance(term, URIRef) else f"_:{term}") for term in touched}
        rows_of = {
            text_of[t]: [(p, o, k, e) for _, p, o, k, e in store.text_triples(t, None, None, graph)] for t in touched
        }
        # Nodes first, so that ties see which ends exist now.
        for term in touched:
            text = text_of[term]
            old = self.nodes.get(term)
            new = self._node_view(text, rows_of[text])
            if new is None:
                self._node_text.discard(text)
                if old is not None:
                    del self.nodes[term]
                    delta.removed_nodes.add(term)
            else:
                self._node_text.add(text)
                if new != old:
                    self.nodes[new.iri] = new
                    delta.nodes.add(new.iri)
        # Any tie at a touched node, or a touched qualified tie, may have changed.
        stale = set()
        for term in touched:
            stale |= self._out.get(term, set()) | self._in.get(term, set())
            if term in self._tie_nodes:
                stale.add(self._tie_nodes[term])
        before = {key: self._drop(key) for key in stale}
        rescan = set(text_of.values())
        for _key, tie in before.items():
            if tie is not None:
                owner = tie.tie if tie.tie is not None else tie.source
                rescan.add(str(owner) if isinstance(owner, URIRef) else f"_:{owner}")
        # Incoming plain ties and qualified ties naming a touched node live on other subjects.
        for term in touched:
            for s_text, p_text, _, _, _ in store.text_triples(None, None, term, graph):
                if p_text != _TYPE:
                    rescan.add(s_text)
        for text in rescan:
            rows = rows_of.get(text)
            if rows is None:
                rows = [(p, o, k, e) for _, p, o, k, e in store.text_triples(self.term(text), None, None, graph)]
            self._read_ties(text, rows)
        for key, tie in before.items():
            if key not in self.ties:
                delta.removed_ties.add(key)
            elif self.ties[key] != tie:
                delta.ties.add(key)
        # New ties are among those read in this update: a scan of every tie would cost the map, not the edit.
        delta.ties |= {key for key in self._fresh if key in self.ties and key not in before}
        return delta

    def _move(self, places: list[Place]) -> Delta:
        """Put nodes at new ``places`` (a change made only of canvas positions)."""
        delta = Delta(moved=True)
        nodes, changed, get = self.nodes, delta.nodes, self.nodes.get
        make = tuple.__new__  # a NodeView made in C, without its __new__'s Python call: 10k moves follow a layout
        for s, x, y in places:
            view = get(s)
            if view is None:
                continue
            # The map's own IRI object, not the command's equal copy: lookups match by identity.
            iri, kind, label, level, old_x, old_y, types = view
            if old_x != x or old_y != y:
                nodes[iri] = make(NodeView, (iri, kind, label, level, x, y, types))
                changed.add(iri)
        return delta

    def _rebuild(self, store, graph) -> Delta:
        """Re-read everything and diff: cheaper than node-by-node when a change touches most of the map (a layout)."""
        fresh = Projection.build(store, self.schema, graph=graph)
        delta = Delta(
            nodes={iri for iri, view in fresh.nodes.items() if self.nodes.get(iri) != view},
            removed_nodes=self.nodes.keys() - fresh.nodes.keys(),
            ties={key for key, tie in fresh.ties.items() if self.ties.get(key) != tie},
            removed_ties=self.ties.keys() - fresh.ties.keys(),
        )
        self.__dict__.update(fresh.__dict__)
        return delta

    # ------------------------------------------------------------------ queries
    def ties_of(self, node) -> set:
        """Keys of the ties that start or end at ``node``."""
        return self._out.get(node, set()) | self._in.get(node, set())

    def neighbourhood(self, nodes: Iterable, degree: int = 1) -> set:
        """The nodes within ``degree`` ties of ``nodes`` (either direction), ``nodes`` included."""
        found = {n for n in nodes if n in self.nodes}
        frontier = set(found)
        for _ in range(max(0, degree)):
            step = set()
            for node in frontier:
                for key in self.ties_of(node):
                    tie = self.ties[key]
                    step.add(tie.target if tie.source == node else tie.source)
            frontier = step - found
            found |= step
            if not frontier:
                break
        return found
