"""The map as a networkx graph: the one bridge from RDF to the analysis.

:func:`map_graph` reads a map's graph once, in bulk, and returns a
:class:`networkx.MultiDiGraph`:

* one **node** per map node (a subject typed with a known kind that is not a
  qualified tie), keyed by its rdflib term as in
  :mod:`explorer.core.projection`, with attributes ``kind`` (the most specific
  known class), ``kinds`` (every ``rdf:type``), ``label``, ``level`` (1 micro,
  2 meso, 3 macro: ``rx:level`` if given, else the kind's default) and the
  judgements present on the node, named by the property's local name:
  numbers (``readiness``, ``embeddedness``, ``changeFatigue`` ...) as floats,
  SKOS-valued properties (``pillar``, ``normKind``, ``sponsorshipMode`` ...) as
  the concept IRI, or a frozenset for multi-valued ones (``roleKind``). A
  judgement that is absent is absent from the attributes, never 0.
* one **edge** per tie: a triple between two nodes is an edge keyed and
  labelled by its predicate (``relation``); a qualified tie (Interdependency,
  Disruption, Stance, ForceInfluence, NormSubscription, TaskReallocation,
  InfluenceTie) is one edge from ``rx:from`` to ``rx:to`` keyed by the tie's
  own term, with ``relation`` = the tie class, ``tie`` = its term, and its
  attributes read the same way (``strength``, ``degree``, ``attitude``,
  ``confidence``, ``direction``, ``magnitude``, ``interdependenceType`` ...;
  a concept-valued attribute also gets its ``rx:order`` as ``<name>_order``,
  e.g. ``interdependenceType_order`` 1 pooled, 2 sequential, 3 reciprocal;
  links to other nodes such as ``withRespectTo`` or ``task`` as the node).

A multigraph, because two nodes are often tied several ways at once (a person
is a member of a unit and heads it; two routines can carry a sequential and a
pooled interdependency) and the analysis must see each tie with its own
attributes. Edges keep the direction they were drawn with; the helpers
:func:`routine_graph` and :func:`social_graph` give the simple undirected
views most network measures expect.

``G.graph`` carries what the analysis needs to reason about kinds without the
schema: ``ancestors`` (kind IRI -> its superclasses, itself included),
``concept_order`` (concept IRI -> ``rx:order``), ``concept_labels`` (concept
IRI -> its label) and ``scales`` (a numeric property's local name ->
``(minimum, maximum, neutral value)``).

Examples
--------
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:a> a rx:Routine ; rx:embeddedness 0.8 .
... <urn:x:b> a rx:Routine .
... <urn:x:t> a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:b> ;
...     rx:interdependenceType rx:sequential ; rx:strength 0.5 .''')
>>> G.nodes[URIRef("urn:x:a")]["embeddedness"], "embeddedness" in G.nodes[URIRef("urn:x:b")]
(0.8, False)
>>> [(d["strength"], d["interdependenceType_order"]) for _, _, d in G.edges(data=True)]
[(0.5, 2)]
>>> R = routine_graph(G)
>>> R.edges[URIRef("urn:x:a"), URIRef("urn:x:b")]["weight"]
1.0
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import BNode, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from explorer.core.namespaces import RX
from explorer.core.projection import node_label
from explorer.core.schema import Schema
from explorer.core.terms import DEFAULT_GRAPH, local_name

if TYPE_CHECKING:
    import networkx as nx

# networkx is imported where a graph is made, not at start: it is a quarter of a second, and a window
# imports this module (through the analysis it shows) long before it analyses a map.

ORG = "http://www.w3.org/ns/org#"
FOAF_AGENT = URIRef("http://xmlns.com/foaf/0.1/Agent")
ORG_ORGANIZATION = URIRef(ORG + "Organization")

_TYPE = str(RDF.type)
_LABELS = (str(RDFS.label), str(SKOS.prefLabel))
_LEVEL = str(RX.level)
_FROM, _TO = str(RX["from"]), str(RX.to)
_NOT_TIES = frozenset({_TYPE, _LEVEL, _FROM, _TO})
# Canvas positions and scheme bookkeeping are not judgements about the organisation.
_SKIPPED = frozenset({str(RX.canvasX), str(RX.canvasY), str(RX.order), _LEVEL})

#: Default strength of an interdependency that does not say (the middle of the [0, 1] scale).
DEFAULT_STRENGTH = 0.5
#: Default Thompson order of an interdependency without a type (pooled, the weakest claim).
DEFAULT_ORDER = 1


def _finite(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def map_graph(store, schema: Schema | None = None, *, graph=DEFAULT_GRAPH) -> nx.MultiDiGraph:
    """The map as a typed, weighted :class:`networkx.MultiDiGraph` (see the module notes).

    Parameters
    ----------
    store : explorer.core.store.Store
        The map's store (``MapDocument.store``).
    schema : Schema, optional
        The ontology as read by :meth:`Schema.from_store`; read from ``store`` when omitted.
    graph : optional
        The graph holding the map (the default graph).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by rdflib term; edge keys are the predicate (plain ties)
        or the tie's own term (qualified ties).

    Examples
    --------
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.rdf_formats import format_by_name
    >>> doc = MapDocument.new(editing=False)
    >>> _ = doc.store.load(b'''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:p> a rx:Person ; rx:roleKind rx:clinicalRole, rx:managerialRole ; rx:performs <urn:x:r> .
    ... <urn:x:r> a rx:Routine .''', format=format_by_name("turtle"))
    >>> G = map_graph(doc.store)
    >>> p = G.nodes[URIRef("urn:x:p")]
    >>> p["level"], sorted(str(c).split("#")[1] for c in p["roleKind"])
    (1, ['clinicalRole', 'managerialRole'])
    >>> [d["relation"].split("#")[1] for _, _, d in G.edges(data=True)]
    ['performs']
    >>> doc.close()
    """
    if schema is None:
        schema = Schema.from_store(store)
    # Building millions of small containers triggers repeated full garbage collections
    # (a third of the time at 100k nodes); nothing built here is cyclic garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(store, schema, graph)
    finally:
        if collecting:
            gc.enable()


def _build(store, schema: Schema, graph) -> nx.MultiDiGraph:
    import networkx as nx

    kind_terms = {str(k): k for k in schema.kinds}
    level_orders = {str(c.iri): c.order for c in schema.levels}
    numeric, choice, multi, concept_order = set(), set(), set(), {}
    for iri, spec in schema.properties.items():
        text = str(iri)
        if text in _SKIPPED:
            continue
        if spec.widget in ("decimal", "integer"):
            numeric.add(text)
        elif spec.widget == "choice":
            choice.add(text)
            if not spec.single:
                multi.add(text)
            for concept in spec.choices:
                concept_order[str(concept.iri)] = concept.order
    names: dict = {}

    def name(predicate: str) -> str:
        found = names.get(predicate)
        if found is None:
            found = names[predicate] = local_name(predicate)
        return found

    terms: dict = {}

    def term(text: str):
        found = terms.get(text)
        if found is None:
            found = terms[text] = BNode(text[2:]) if text.startswith("_:") else URIRef(text)
        return found

    # One pass over the graph, grouped by subject; everything else works on these rows
    # (each row is the triple as read: subject, predicate, object, object kind, extra).
    by_subject: dict = {}
    for row in store.text_triples(graph=graph):
        rows = by_subject.get(row[0])
        if rows is None:
            rows = by_subject[row[0]] = []
        rows.append(row)

    kind_cache: dict = {}  # type IRIs (text) -> (Kind or None, types as terms); most subjects share a few type sets

    def kind_of(rows):
        types = frozenset([o for _, p, o, k, _ in rows if p == _TYPE and k == 0])
        found = kind_cache.get(types)
        if found is None:
            typed = frozenset(kind_terms.get(t) or URIRef(t) for t in types)
            found = kind_cache[types] = (schema.kind_of(typed), typed)
        return found

    def attributes(rows, into: dict) -> None:
        for _, p, o, k, _extra in rows:
            if k == 2:
                if p in numeric:
                    value = _finite(o)
                    if value is not None:
                        into[name(p)] = value
            elif p in choice:
                key = name(p)
                if p in multi:
                    into[key] = into.get(key, frozenset()) | {term(o)}
                else:
                    into[key] = term(o)
                    order = concept_order.get(o)
                    if order:
                        into[key + "_order"] = order

    G = nx.MultiDiGraph()
    used_kinds, node_terms, tie_subjects = set(), {}, []
    default_levels: dict = {}
    for subject, rows in by_subject.items():
        kind, types = kind_of(rows)
        if kind is None:
            continue
        if kind.is_tie or kind.iri == RX.QualifiedTie:
            if kind.is_tie:
                tie_subjects.append((subject, kind))
            continue
        labels, level = [], None
        for _, p, o, k, extra in rows:
            if k == 2 and p in _LABELS:
                labels.append((o, "" if extra.startswith("http") else extra))
            elif p == _LEVEL and k == 0:
                level = level_orders.get(o)
        if not level:
            level = default_levels.get(kind.iri)
            if level is None:
                level = default_levels[kind.iri] = schema.level_order(schema.level_of(kind, None)) or 2
        iri = term(subject)
        data = {"kind": kind.iri, "kinds": types, "label": node_label(labels, iri), "level": level}
        attributes(rows, data)
        G.add_node(iri, **data)
        node_terms[subject] = iri
        used_kinds.add(kind.iri)

    edges = []
    predicates: dict = {}
    for subject, source in node_terms.items():
        for _, p, o, k, _ in by_subject[subject]:
            if k != 2 and p not in _NOT_TIES:
                target = node_terms.get(o)
                if target is not None:
                    relation = predicates.get(p)
                    if relation is None:
                        relation = predicates[p] = URIRef(p)
                    edges.append((source, target, relation, {"relation": relation}))
    for subject, kind in tie_subjects:
        rows = by_subject[subject]
        source = target = None
        labels, data = [], {}
        for _, p, o, k, extra in rows:
            if p == _FROM and k != 2:
                source = o
            elif p == _TO and k != 2:
                target = o
            elif k == 2 and p in _LABELS:
                labels.append((o, "" if extra.startswith("http") else extra))
            elif k != 2 and p not in _NOT_TIES and p not in choice and o in node_terms:
                # Links from the tie to other nodes (withRespectTo, task, byChange).
                data[name(p)] = node_terms[o]
        if source not in node_terms or target not in node_terms:
            continue
        attributes(rows, data)
        tie = term(subject)
        data.update(relation=kind.iri, tie=tie, label=node_label(labels, "") if labels else kind.label)
        edges.append((node_terms[source], node_terms[target], tie, data))
    _add_edges(G, edges)
    G.graph["ancestors"] = {k: schema.kinds[k].ancestors for k in used_kinds}
    for _subject, kind in tie_subjects:
        G.graph["ancestors"].setdefault(kind.iri, kind.ancestors)
    G.graph["concept_order"] = concept_order
    G.graph["concept_labels"] = dict(schema.concept_labels)
    # Scales of the numeric judgements by local name: (minimum, maximum, neutral value), for the analysis.
    G.graph["scales"] = {
        name(str(iri)): (spec.minimum, spec.maximum, spec.neutral)
        for iri, spec in schema.properties.items()
        if spec.widget in ("decimal", "integer") and str(iri) not in _SKIPPED
    }
    return G


def _add_edges(G: nx.MultiDiGraph, edges) -> None:
    """Add ``(u, v, key, data)`` edges between existing nodes, filling the adjacency as ``add_edge`` does.

    ``MultiDiGraph.add_edges_from`` costs ~10 µs an edge (it re-resolves keys
    and views per edge); at 100k nodes and ~370k ties that was a third of the
    build. The structure written here is the one networkx documents for
    multigraphs: ``succ[u][v]`` and ``pred[v][u]`` share one key dict.
    """
    succ, pred, new_keys = G._succ, G._pred, G.edge_key_dict_factory
    for u, v, key, data in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = new_keys()
        previous = keys.get(key)
        if previous is None:
            keys[key] = data
        else:
            previous.update(data)


# --------------------------------------------------------------------- helpers


def is_a(G, node, cls) -> bool:
    """Whether ``node`` of the map graph ``G`` is of class ``cls`` (or a subclass), by any of its types.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(ancestors={RX.Person: frozenset({RX.Person, RX.Actor})})
    >>> G.add_node("p", kind=RX.Person, kinds=frozenset({RX.Person}))
    >>> is_a(G, "p", RX.Actor), is_a(G, "p", RX.Routine)
    (True, False)
    """
    data = G.nodes[node]
    ancestors = G.graph.get("ancestors", {})
    # Decided once per (kind, types, class): the analysis asks this of every node in scope,
    # and comparing rdflib terms goes through Python.
    cache = G.graph.get("_is_a")
    if cache is None or cache[0] is not ancestors:
        cache = G.graph["_is_a"] = (ancestors, {})
    memo = cache[1]
    kind, kinds = data.get("kind"), data.get("kinds", frozenset())
    key = (kind, kinds, cls)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = (
            cls == kind or cls in ancestors.get(kind, ()) or any(cls == t or cls in ancestors.get(t, ()) for t in kinds)
        )
    return hit


def nodes_of(G, cls) -> list:
    """The nodes of ``G`` of class ``cls`` (or a subclass), in graph order.

    Decided once per distinct set of types, so it stays cheap on big maps.
    """
    ancestors = G.graph.get("ancestors", {})
    memo: dict = {}
    found = []
    for node, kinds in G.nodes(data="kinds"):
        kinds = kinds or frozenset()
        hit = memo.get(kinds)
        if hit is None:
            hit = memo[kinds] = any(cls == t or cls in ancestors.get(t, ()) for t in kinds)
        if hit:
            found.append(node)
    return found


def tie_weight(data: dict, *, default_strength: float = DEFAULT_STRENGTH, default_order: int = DEFAULT_ORDER) -> float:
    """Weight of an interdependency: strength x Thompson order (pooled 1, sequential 2, reciprocal 3).

    Thompson ranks coordination cost pooled < sequential < reciprocal; using the
    rank as a multiplier is an assumption (an ordinal scale read as a ratio one).

    Examples
    --------
    >>> tie_weight({"strength": 0.5, "interdependenceType_order": 3})
    1.5
    >>> tie_weight({})
    0.5
    """
    strength = data.get("strength", default_strength)
    order = data.get("interdependenceType_order") or default_order
    return float(strength) * order


def routine_graph(G, *, default_strength: float = DEFAULT_STRENGTH, default_order: int = DEFAULT_ORDER) -> nx.Graph:
    """Routines and their interdependencies as an undirected weighted :class:`networkx.Graph`.

    Every routine of ``G`` is a node (isolated ones too: they matter for
    counts). Edges come from ``rx:Interdependency`` ties and plain
    ``rx:interdependentWith`` triples; several ties between the same pair add up.
    Edge attributes: ``weight`` (sum of :func:`tie_weight`), ``ties`` (the
    qualified ties' terms, or the predicate for a plain tie) and ``types``
    (the Thompson type concepts present).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(ancestors={RX.Routine: frozenset({RX.Routine})})
    >>> G.add_nodes_from("ab", kind=RX.Routine, kinds=frozenset({RX.Routine}))
    >>> _ = G.add_edge("a", "b", relation=RX.Interdependency, strength=1.0, interdependenceType_order=3)
    >>> routine_graph(G).edges["a", "b"]["weight"]
    3.0
    """
    import networkx as nx

    routines = nodes_of(G, RX.Routine)
    R = nx.Graph()
    R.add_nodes_from((r, G.nodes[r]) for r in routines)
    for r in routines:
        for _, other, key, data in G.out_edges(r, keys=True, data=True):
            relation = data.get("relation")
            if other not in R or other == r:
                continue
            if relation == RX.Interdependency:
                weight = tie_weight(data, default_strength=default_strength, default_order=default_order)
                kind = data.get("interdependenceType")
            elif relation == RX.interdependentWith:
                weight = default_strength * default_order
                kind = None
            else:
                continue
            if R.has_edge(r, other):
                edge = R.edges[r, other]
                edge["weight"] += weight
                edge["ties"] += (key,)
                if kind is not None:
                    edge["types"] = edge["types"] | {kind}
            else:
                R.add_edge(
                    r, other, weight=weight, ties=(key,), types=frozenset({kind}) if kind is not None else frozenset()
                )
    return R


#: Qualified ties that are not social ties between the actors they join.
_NOT_SOCIAL = frozenset({RX.TaskReallocation, RX.Stance, RX.Disruption, RX.ForceInfluence, RX.NormSubscription})


def social_nodes(G) -> list:
    """Actors, units and organisations (external bodies included): what brokerage is measured among."""
    return nodes_of(G, FOAF_AGENT) or list(dict.fromkeys(nodes_of(G, RX.Actor) + nodes_of(G, ORG_ORGANIZATION)))


def social_graph(G, *, nodes: Iterable | None = None) -> nx.Graph:
    """Actors and organisations and every tie between two of them, as an undirected weighted graph.

    Plain ties of any relation (membership, reporting, influence, advice,
    lateral support ...) and influence ties count; the tie's ``strength`` is
    its weight (1 when absent) and several ties between a pair add up.
    Task reallocations, stances and other change-related ties are not social ties.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A map graph from :func:`map_graph`.
    nodes : iterable, optional
        Restrict to these nodes (default: :func:`social_nodes`).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(ancestors={RX.Person: frozenset({RX.Person, RX.Actor, FOAF_AGENT})})
    >>> G.add_nodes_from("ab", kind=RX.Person, kinds=frozenset({RX.Person}))
    >>> _ = G.add_edge("a", "b", relation=RX.influences)
    >>> _ = G.add_edge("b", "a", relation=RX.advises)
    >>> social_graph(G).edges["a", "b"]["weight"]
    2.0
    """
    import networkx as nx

    members = list(nodes) if nodes is not None else social_nodes(G)
    S = nx.Graph()
    S.add_nodes_from((n, G.nodes[n]) for n in members)
    for n in members:
        for _, other, data in G.out_edges(n, data=True):
            if other == n or other not in S or data.get("relation") in _NOT_SOCIAL:
                continue
            weight = float(data.get("strength", 1.0))
            if S.has_edge(n, other):
                S.edges[n, other]["weight"] += weight
            else:
                S.add_edge(n, other, weight=weight)
    return S


def map_graph_from_text(data: str | bytes, *, format: str = "turtle") -> nx.MultiDiGraph:
    """The map graph of an RDF text, read into a fresh in-memory map with the ontology (for examples and tests).

    Examples
    --------
    >>> G = map_graph_from_text("<urn:x:u> a <https://w3id.org/routine-explorer/ns#Unit> .")
    >>> [d["label"] for _, d in G.nodes(data=True)]
    ['u']
    """
    from explorer.core.document import MapDocument
    from explorer.core.rdf_formats import format_by_name

    doc = MapDocument.new(editing=False)
    try:
        doc.store.load(data.encode("utf-8") if isinstance(data, str) else data, format=format_by_name(format))
        return map_graph(doc.store)
    finally:
        doc.close()


def simple_graph(G) -> nx.Graph:
    """``G`` as an undirected simple graph, each pair weighted by the number of ties between them."""
    import networkx as nx

    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    for u, v in G.edges():
        if u == v:
            continue
        if U.has_edge(u, v):
            U.edges[u, v]["weight"] += 1.0
        else:
            U.add_edge(u, v, weight=1.0)
    return U


__all__ = [
    "DEFAULT_ORDER",
    "DEFAULT_STRENGTH",
    "is_a",
    "map_graph",
    "map_graph_from_text",
    "nodes_of",
    "routine_graph",
    "simple_graph",
    "social_graph",
    "social_nodes",
    "tie_weight",
]
