"""Viewing a map whose data sits in named graphs: say so, and show one graph or their union.

Published RDF often keeps every statement in named graphs (TriG or N-Quads, one
graph per source or per kind of thing) and leaves the default graph empty. The
canvas, the analysis and the exports read the map graph (the default graph), so
such a file opens as an empty map. This module finds that case
(:func:`census`) and shows the data through a **view** (:func:`show_view`): the
default graph then holds, as a working copy, the map graph's own statements plus
those of the chosen named graphs, and every reader works unchanged.

The file stays the user's: the named graphs are kept as they were read, and
every edit made in the view is mirrored into them as it is applied, so a save
in TriG or N-Quads writes each statement back into the graph it came from.

- A statement removed in the view is removed from every viewed graph that
  holds it (and from the map graph's own statements); undoing puts it back
  into exactly those graphs.
- A statement added in the view goes into the first viewed graph that already
  describes its subject (the map graph's own statements come last). A new node
  goes into the first viewed graph holding nodes of its kind (a new person
  where the people are), else into the view's **home** graph: the chosen graph,
  or for the union the one with the most statements. New nodes therefore land
  in a named graph too, and the file reopens as it was written: its map graph
  still empty, the view offered.
- Graph formats (Turtle, N-Triples, RDF/XML) still refuse to save such a map,
  which has named graphs (see :meth:`MapDocument.saved_graphs
  <explorer.core.document.MapDocument.saved_graphs>`).

Limits: a view doubles the memory of the viewed statements (the working copy);
the SPARQL console sees the view as its default graph, while ``GRAPH <g>``
patterns see the named graphs as they were when the view was shown; switching
to another view needs the map saved first (the undo history cannot follow a
different view) and clears the history; edits recovered after a crash are
applied to the map graph, not to the named graphs they were mirrored into.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.rdf_formats import format_by_name
>>> doc = MapDocument.new(editing=False)
>>> doc.store.clear(DEFAULT_GRAPH)
>>> _ = doc.store.load(b'''<urn:x:units> { <urn:x:icu> a <https://w3id.org/routine-explorer/ns#Unit> . }
... <urn:x:people> { <urn:x:ana> a <https://w3id.org/routine-explorer/ns#Person> ;
...                  <http://www.w3.org/ns/org#memberOf> <urn:x:icu> . }''', format=format_by_name("trig"))
>>> found = census(doc)
>>> found.needs_view, [(str(g.name), g.triples, g.nodes) for g in found.graphs]
(True, [('urn:x:people', 2, 1), ('urn:x:units', 1, 1)])
>>> show_view(doc)
(rdflib.term.URIRef('urn:x:people'), rdflib.term.URIRef('urn:x:units'))
>>> doc.store.count(DEFAULT_GRAPH), census(doc).needs_view
(3, False)
>>> doc.close()
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import pyoxigraph as ox
from rdflib import RDF, BNode, URIRef

from . import events as ev
from .document import ONTOLOGY_GRAPH, is_derived
from .errors import ExplorerError
from .namespaces import RX
from .rdf_formats import RdfFormat, serialize_quads
from .scenario_graphs import graph_names as scenario_graph_names
from .schema import Schema, schema_of
from .store import ANY_GRAPH, EmbeddedStore
from .terms import DEFAULT_GRAPH, Quad, from_ox_quad, to_ox, to_ox_graph

#: Graphs named in a one-line message (the rest are counted).
MESSAGE_GRAPHS = 3

_TRIPLES_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass(frozen=True)
class GraphCount:
    """One named graph of a map: its name, its statements, and its nodes of a kind the ontology knows."""

    name: URIRef | BNode
    triples: int
    nodes: int

    @property
    def shown(self) -> str:
        """The name as written in messages: ``<iri>`` or ``_:id``."""
        return f"<{self.name}>" if isinstance(self.name, URIRef) else f"_:{self.name}"


@dataclass(frozen=True)
class Census:
    """What is where in a map: whether its map graph has nodes, and its data graphs (most statements first).

    Data graphs are the named graphs that came with the data: not the ontology,
    not the analysis runs kept in the map. ``map_has_nodes`` is only looked up
    when there are data graphs (True otherwise); ``viewing`` names the graphs
    of the view shown, if any.
    """

    map_has_nodes: bool
    graphs: tuple[GraphCount, ...] = ()
    viewing: tuple = ()

    @property
    def needs_view(self) -> bool:
        """The map graph has no node while named graphs hold statements: the map looks empty without a view."""
        return not self.map_has_nodes and not self.viewing and any(g.triples for g in self.graphs)

    def listing(self, limit: int = MESSAGE_GRAPHS) -> str:
        """The data graphs with their counts, for a one-line message.

        >>> Census(False, (GraphCount(URIRef("urn:g:a"), 12, 3),)).listing()
        '<urn:g:a> (12 triples, 3 nodes)'
        """
        shown = [f"{g.shown} ({g.triples:,} triples, {g.nodes:,} nodes)" for g in self.graphs[:limit]]
        if len(self.graphs) > limit:
            shown.append(f"and {len(self.graphs) - limit:,} more")
        return ", ".join(shown)


def _is_data_graph(name, scenario_graphs: frozenset = frozenset()) -> bool:
    # Scenarios are the app's own differences from the map graph, not data that came in named graphs.
    return name != ONTOLOGY_GRAPH and not is_derived(name) and name not in scenario_graphs


def node_types(schema: Schema) -> list[URIRef]:
    """The classes that make a subject a node on the canvas.

    They are the ones :class:`~explorer.core.projection.Projection` reads.
    """
    return sorted(
        iri
        for iri, kind in schema.kinds.items()
        if isinstance(iri, URIRef) and not kind.is_tie and kind.iri != RX.QualifiedTie
    )


def census(doc, schema: Schema | None = None) -> Census:
    """Which named graphs hold the map's data, with their statements and nodes, and whether the map graph has nodes.

    Costs one query when the map has no named graphs besides the ontology and
    analysis runs; else three, each one pass over the store.

    Parameters
    ----------
    doc : MapDocument
        An open map.
    schema : Schema, optional
        The ontology (read from ``doc`` when omitted).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(editing=False)
    >>> census(doc).needs_view, census(doc).graphs
    (False, ())
    >>> doc.close()
    """
    store = doc.store
    viewing = store.graphs if isinstance(store, ViewStore) else ()
    hidden = scenario_graph_names(store)
    names = [g for g in store.graph_names() if _is_data_graph(g, hidden)]
    if not names:
        return Census(map_has_nodes=True, viewing=viewing)
    types = " ".join(f"<{t}>" for t in node_types(schema or schema_of(doc)))
    if not types:
        return Census(map_has_nodes=True, viewing=viewing)
    has_nodes = bool(store.query(f"SELECT ?s WHERE {{ ?s a ?t VALUES ?t {{ {types} }} }} LIMIT 1").rows)
    triples = {g: int(n) for g, n in store.query(_TRIPLES_BY_GRAPH).rows}
    nodes = {
        g: int(n)
        for g, n in store.query(
            "SELECT ?g (COUNT(DISTINCT ?s) AS ?n) "
            f"WHERE {{ GRAPH ?g {{ ?s a ?t }} VALUES ?t {{ {types} }} }} GROUP BY ?g"
        ).rows
    }
    counts = [GraphCount(g, triples.get(g, 0), nodes.get(g, 0)) for g in names]
    counts.sort(key=lambda c: (-c.triples, str(c.name)))
    return Census(map_has_nodes=has_nodes, graphs=tuple(counts), viewing=viewing)


def current_view(doc) -> tuple:
    """The named graphs ``doc`` is viewed through (empty when it shows its map graph alone)."""
    return doc.store.graphs if isinstance(doc.store, ViewStore) else ()


def show_view(doc, graphs: Iterable | None = None, *, source: str = "The map") -> tuple:
    """Show the map graph together with the named ``graphs`` (all data graphs, their union, when None).

    Canvas, analysis, exports and SPARQL then read the view as the map graph;
    saving in TriG or N-Quads writes every statement back into its own graph.
    Publishes :class:`~explorer.core.events.DocumentReloaded`.

    Parameters
    ----------
    doc : MapDocument
        An open map.
    graphs : iterable of IRI, optional
        Names of data graphs (as :class:`~rdflib.URIRef` or text); the first is
        the home of new nodes. By default, every data graph, most statements first.
    source : str
        How messages name the map (a file name, say).

    Returns
    -------
    tuple
        The graphs now viewed.

    Raises
    ------
    ExplorerError
        A name is not a data graph of the map, the map has none, or another
        view has unsaved changes.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(editing=False)
    >>> show_view(doc, ["urn:x:nowhere"])
    Traceback (most recent call last):
    ...
    explorer.core.errors.ExplorerError: The map has no named graph <urn:x:nowhere>;
    it has no named graphs besides the ontology ...
    >>> doc.close()
    """
    found = census(doc)
    if graphs is None:
        chosen = tuple(g.name for g in found.graphs)
    else:
        by_text = {str(g.name): g.name for g in found.graphs}
        by_text.update({f"_:{g.name}": g.name for g in found.graphs if isinstance(g.name, BNode)})
        chosen = []
        for name in graphs:
            text = str(name).strip()
            text = text[1:-1] if text.startswith("<") and text.endswith(">") else text
            if text not in by_text:
                have = (
                    f"its data graphs are {found.listing()}"
                    if found.graphs
                    else "it has no named graphs besides the ontology and analysis runs"
                )
                raise ExplorerError(f"{source} has no named graph <{text}>; {have}.")
            if by_text[text] not in chosen:
                chosen.append(by_text[text])
        chosen = tuple(chosen)
    if not chosen:
        raise ExplorerError(f"{source} has no named graphs to view: its data is all in the map graph.")
    store = doc.store
    if isinstance(store, ViewStore):
        if set(store.graphs) == set(chosen):
            return store.graphs
        if doc.dirty:
            raise ExplorerError(
                "Save the map (or undo your changes) before viewing other graphs: the edits made in this "
                "view are in its graphs, and the undo history cannot follow them into another view."
            )
        store = store.release()
        if doc.stack.commands:
            doc.stack.clear()
            doc.events.publish(ev.StackChanged(None, None))
    doc.store = ViewStore(store, chosen)
    doc.events.publish(ev.DocumentReloaded())
    return chosen


def select_view(doc, *, graphs: Sequence[str] | None = None, union: bool = False, source: str = "the map") -> tuple:
    """The command line's choice: view ``graphs`` or their ``union``, or refuse a map that would look empty.

    Without a choice, a map whose map graph has no node while named graphs hold
    its data raises :class:`~explorer.core.errors.ExplorerError` naming the
    graphs and the options, so no command prints an empty result without a word.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(editing=False)
    >>> select_view(doc), select_view(doc, union=True)
    ((), ())
    >>> doc.close()
    """
    if graphs:
        return show_view(doc, graphs, source=source)
    found = census(doc)
    if union:
        return show_view(doc) if found.graphs else ()
    if found.needs_view:
        raise ExplorerError(
            f"{source}: the map graph has no nodes; its data is in {len(found.graphs):,} named graph(s). "
            f"Add --union to read them together, or --graph IRI for one: {found.listing()}."
        )
    return ()


def _in(quad: ox.Quad, graph) -> ox.Quad:
    """``quad``'s statement in the Oxigraph graph ``graph``."""
    return ox.Quad(quad.subject, quad.predicate, quad.object, graph)


class ViewStore(EmbeddedStore):
    """An :class:`EmbeddedStore` whose default graph shows the map graph plus named graphs (see the module notes).

    It takes over ``base``'s data (the same Oxigraph store, not a copy), keeps
    the map graph's own statements aside, and copies the viewed graphs into the
    default graph.

    Parameters
    ----------
    base : EmbeddedStore
        The map's store, showing its map graph alone.
    graphs : sequence
        The named graphs to show; the first is the home of new nodes.
    """

    def __init__(self, base: EmbeddedStore, graphs: Sequence) -> None:
        if isinstance(base, ViewStore) or type(base) is not EmbeddedStore:
            raise TypeError("a view is made from a plain EmbeddedStore")
        # The same native store and rewritten-literal tables: nothing is copied but the map graph.
        self.__dict__.update(base.__dict__)
        self.graphs = tuple(graphs)
        self.home = self.graphs[0]
        self._viewed = frozenset(self.graphs)
        self._names = tuple((g, to_ox_graph(g)) for g in self.graphs)
        self._index = {name: i for i, (_, name) in enumerate(self._names)}
        self._origins: dict = {}  # (s, p, o) removed in the view -> the graphs it was removed from
        self._own = EmbeddedStore()
        self._own.apply(added=list(self.quads(graph=DEFAULT_GRAPH)))
        default = ox.DefaultGraph()
        names = {to_ox_graph(g) for g in self.graphs}
        # Values spelled more than one way, in the map graph or a viewed one: their spellings are gathered
        # from every graph once the copies are in (Oxigraph holds each value once in the default graph).
        spelled = {_in(c, default) for c, _ in self._forms.items([*names, default])}
        own = {key for key in spelled if key in self._ox}
        for name in names:
            if isinstance(name, ox.NamedNode):
                # Natively, without a Python object per quad: ten times faster than copying quad by quad.
                self._ox.update(f"ADD {name} TO DEFAULT")
            else:  # a blank node names no graph in SPARQL
                self._ox.extend(
                    [
                        ox.Quad(q.subject, q.predicate, q.object, default)
                        for q in self._ox.quads_for_pattern(None, None, None, name)
                    ]
                )
        for key in spelled:
            forms = list(self._forms.written(key)) if key in own else []
            for name in names:
                held = _in(key, name)
                if held in self._ox:
                    forms += [_in(form, default) for form in self._forms.written(held)]
            self._forms.replace(key, forms)

    def release(self) -> EmbeddedStore:
        """The map's store showing its map graph alone again (this view must not be used afterwards)."""
        base = EmbeddedStore.__new__(EmbeddedStore)
        base.__dict__.update({k: v for k, v in self.__dict__.items() if k in ("path", "_ox", "_forms")})
        EmbeddedStore.clear(base, DEFAULT_GRAPH)
        EmbeddedStore.apply(base, added=list(self._own.quads(graph=DEFAULT_GRAPH)))
        return base

    # ------------------------------------------------------------------ edits
    @staticmethod
    def _holds(store: EmbeddedStore, triple: tuple, graph) -> bool:
        """Whether ``store`` holds the Oxigraph ``triple`` in ``graph``.

        As :meth:`EmbeddedStore.contains`, with the triple converted once.
        """
        return store._forms.holds(ox.Quad(*triple, graph), store._ox)

    def _held_in(self, triple: tuple) -> list:
        """The viewed graphs holding the Oxigraph ``triple``, in view order, with the quad as written there.

        One pattern over all graphs, so the cost follows the graphs that hold it, not the graphs viewed
        (a file may hold thousands)."""
        quad = ox.Quad(*triple, ox.DefaultGraph())
        canonical = self._forms.stored(quad)
        index, found = self._index, list[tuple[int, Quad]]()
        for held in self._ox.quads_for_pattern(canonical.subject, canonical.predicate, canonical.object, None):
            i = index.get(held.graph_name)
            if i is not None:
                # The spelling named, where a graph holds it: Oxigraph finds every spelling of its value.
                named = [form for form in self._forms.written(held) if form.object == quad.object]
                found.extend((i, from_ox_quad(form)) for form in named)
        found.sort(key=lambda item: item[0])
        return [quad for _, quad in found]

    def _first_graph_of(self, subject):
        """The first viewed graph (in view order) with a statement about ``subject``, or None."""
        index, best = self._index, None
        for quad in self._ox.quads_for_pattern(to_ox(subject), None, None, None):
            i = index.get(quad.graph_name)
            if i is not None and (best is None or i < best):
                best = i
                if i == 0:
                    break
        return None if best is None else self.graphs[best]

    def _first_graph_with_kind(self, kind, memo: dict):
        """The first viewed graph holding a node typed ``kind``, or None (one lookup a graph, once an edit)."""
        if kind not in memo:
            pattern = (None, to_ox(RDF.type), to_ox(kind))
            memo[kind] = next(
                (
                    g
                    for g, name in self._names
                    if next(iter(self._ox.quads_for_pattern(*pattern, name)), None) is not None
                ),
                None,
            )
        return memo[kind]

    def _home_of(self, subject, homes: dict, kinds: dict, by_kind: dict):
        """Where a new statement about ``subject`` goes: the first viewed graph describing it, else the map
        graph if that does, else (a new node) the first viewed graph holding nodes of its kind, else home."""
        home = homes.get(subject)
        if home is None:
            home = self._first_graph_of(subject)
            if home is None and next(iter(self._own.quads(subject)), None) is not None:
                home = DEFAULT_GRAPH
            if home is None:
                home = next(
                    (
                        g
                        for g in (self._first_graph_with_kind(k, by_kind) for k in kinds.get(subject, ()))
                        if g is not None
                    ),
                    self.home,
                )
            homes[subject] = home
        return home

    takes_native = False  # it reads the terms of each quad: rdflib ones

    def apply(self, *, added: Iterable[Quad] = (), removed: Iterable[Quad] = (), rewritten: dict | None = None) -> None:
        added, removed = list(added), list(removed)
        more_added, more_removed, own_added, own_removed = [], [], [], []
        origins: dict = {}
        default = ox.DefaultGraph()
        for s, p, o, g in removed:
            mapped = g is DEFAULT_GRAPH or g == DEFAULT_GRAPH
            if not mapped and g not in self._viewed:
                continue
            triple = (to_ox(s), to_ox(p), to_ox(o))
            held = self._held_in(triple)
            if mapped:
                more_removed.extend(held)
                graphs = [q[3] for q in held]
                if self._holds(self._own, triple, default):
                    own_removed.append((s, p, o, DEFAULT_GRAPH))
                    graphs.append(DEFAULT_GRAPH)
                if graphs:
                    origins[(s, p, o)] = tuple(graphs)
            elif not self._holds(self._own, triple, default) and all(q[3] == g for q in held):
                # A viewed graph edited directly (a SPARQL update naming it): the view follows.
                more_removed.append((s, p, o, DEFAULT_GRAPH))
        homes: dict = {}
        kinds: dict = {}
        by_kind: dict = {}
        for s, p, o, g in added:
            if p == RDF.type and (g is DEFAULT_GRAPH or g == DEFAULT_GRAPH):
                kinds.setdefault(s, []).append(o)
        for s, p, o, g in added:
            triple = (s, p, o)
            if g is DEFAULT_GRAPH or g == DEFAULT_GRAPH:
                targets = (
                    origins.pop(triple, None) or self._origins.get(triple) or (self._home_of(s, homes, kinds, by_kind),)
                )
                for target in targets:
                    (own_added if target == DEFAULT_GRAPH else more_added).append((s, p, o, target))
            elif g in self._viewed:
                more_added.append((s, p, o, DEFAULT_GRAPH))
        EmbeddedStore.apply(self, added=added + more_added, removed=removed + more_removed)
        self._own.apply(added=own_added, removed=own_removed)
        if self._origins:
            for s, p, o, g in added:
                if g is DEFAULT_GRAPH or g == DEFAULT_GRAPH:
                    self._origins.pop((s, p, o), None)
        self._origins.update(origins)

    def clear(self, graph=ANY_GRAPH) -> None:
        super().clear(graph)
        if graph is ANY_GRAPH or graph == DEFAULT_GRAPH:
            self._own.clear()

    # ----------------------------------------------------------------- saving
    def dump(self, fmt: RdfFormat, *, graphs: Sequence, prefixes: dict[str, str] | None = None) -> bytes:
        """Graph formats get the view; dataset formats get each graph as it is, the map graph without the copies."""
        if not fmt.holds_datasets:
            return super().dump(fmt, graphs=graphs, prefixes=prefixes)
        parts = []
        for graph in graphs:
            if graph == DEFAULT_GRAPH:
                parts.append(self._own.written_quads([ox.DefaultGraph()]))
            else:
                parts.append(self.written_quads([to_ox_graph(graph)]))
        return serialize_quads(chain.from_iterable(parts), fmt, prefixes=prefixes)


__all__ = ["Census", "GraphCount", "ViewStore", "census", "current_view", "node_types", "select_view", "show_view"]
