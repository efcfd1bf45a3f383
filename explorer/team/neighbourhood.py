"""Exploring a big graph on a SPARQL server a neighbourhood at a time, read-only, never downloading it whole.

A server may hold far more than a laptop can (10^7 to 10^9 statements), so every
read here is bounded: :func:`size` counts a graph only up to a cap, :func:`find`
searches labels with a ``LIMIT``, and :func:`expand` picks a node's neighbours in a
sub-``SELECT`` with a ``LIMIT`` and then fetches only their ties, one page at a time.
Pages follow the neighbours' addresses in order (keyset paging: ``FILTER(STR(?n) >
"last")``, never ``OFFSET``, which is slow when deep and unstable without an order),
so pages neither repeat nor skip.

What was fetched accumulates in a :class:`Fetched`, which opens as a read-only map
(:meth:`Fetched.document`) for the canvas and the analysis, and knows its boundary
(:meth:`Fetched.boundary`): how many of each fetched node's ties stayed on the
server. Anything computed on the fetched part is about that part only, and says so
(:meth:`Boundary.note`).

A tie here is any statement between two addresses other than ``rdf:type``. Every
value sent to the server is written by :func:`~explorer.team.endpoint.term_text`,
never pasted. With a ``graph``, every read is inside ``GRAPH <graph>``; without one,
the server's default graph.

Examples
--------
>>> page = Page(triples=[], neighbours=[], next_cursor=None, truncated=False)
>>> page.truncated, page.next_cursor is None
(False, True)
>>> Boundary(nodes=40, outside={URIRef("urn:x:a"): 3, URIRef("urn:x:b"): 1}).note()
'2 of 40 nodes have ties outside what was fetched (4 ties not fetched): figures describe the fetched part only.'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS

from ..core.document import MapDocument
from ..core.namespaces import RX
from ..core.terms import DEFAULT_GRAPH
from .endpoint import EndpointError, SparqlClient, term_text

#: Graphs larger than this are only ever said to be "more than" it: counting further costs the server time.
SIZE_CAP = 100_000
#: The most values of the expanded node itself fetched at once (its names, numbers and kinds).
OWN_VALUES_LIMIT = 500
#: How many nodes one boundary count asks about at once.
BOUNDARY_BATCH = 100
#: What is fetched about each neighbour besides its ties to the expanded node: enough to draw it.
DESCRIBING = (RDF.type, RDFS.label, SKOS.prefLabel, RX.level)
#: The ends of a qualified tie (a tie that is a node of its own: an interdependency, a stance…).
TIE_ENDS = (RX["from"], RX.to)
_LABELS = (RDFS.label, SKOS.prefLabel)


@dataclass(frozen=True)
class Size:
    """How many statements a graph holds: exactly ``triples``, or more than it when ``more`` is True."""

    triples: int
    more: bool

    def words(self) -> str:
        """The size as a person reads it.

        Examples
        --------
        >>> Size(1_000_000, True).words(), Size(3, False).words()
        ('more than 1,000,000 statements', '3 statements')
        """
        noun = "statement" if self.triples == 1 and not self.more else "statements"
        return f"{'more than ' if self.more else ''}{self.triples:,} {noun}"


@dataclass(frozen=True)
class Found:
    """A node found by its label: its address, the label that matched and its kind (None if untyped)."""

    iri: URIRef
    label: str
    kind: URIRef | None


@dataclass(frozen=True)
class Neighbour:
    """A neighbour of an expanded node, with its label and kinds as the server has them."""

    iri: URIRef
    label: str
    kinds: tuple


@dataclass(frozen=True)
class Page:
    """One page of a node's neighbourhood.

    Attributes
    ----------
    triples : list
        The statements fetched: the ties between the node and these neighbours, the node's own values (first
        page only), the neighbours' kinds, labels and levels, and the ends of neighbours that are qualified ties.
    neighbours : list of Neighbour
        The neighbours on this page, in address order.
    next_cursor : URIRef or None
        Pass as ``after`` for the next page; None when this is the last one.
    truncated : bool
        Whether the node has more neighbours than this page holds.
    """

    triples: list
    neighbours: list
    next_cursor: URIRef | None
    truncated: bool


@dataclass(frozen=True)
class Boundary:
    """Where the fetched part ends: of ``nodes`` fetched nodes, those in ``outside`` have that many ties not fetched."""

    nodes: int
    outside: dict = field(default_factory=dict)

    @property
    def ties_outside(self) -> int:
        return sum(self.outside.values())

    def note(self) -> str:
        """The boundary in one sentence, for a status line or an analysis note.

        Examples
        --------
        >>> Boundary(nodes=3).note()
        'All 3 fetched nodes have every tie fetched: the fetched part is complete around them.'
        """
        if not self.outside:
            return f"All {self.nodes:,} fetched nodes have every tie fetched: the fetched part is complete around them."
        n, ties = len(self.outside), self.ties_outside
        return (
            f"{n:,} of {self.nodes:,} node{'s' if self.nodes != 1 else ''} "
            f"{'have' if n != 1 else 'has'} ties outside what was fetched "
            f"({ties:,} tie{'s' if ties != 1 else ''} not fetched): figures describe the fetched part only."
        )


# ---------------------------------------------------------------------- queries
def _scoped(pattern: str, graph) -> str:
    """``pattern`` inside ``GRAPH <graph>``, or as it is for the default graph."""
    return f"GRAPH {term_text(URIRef(graph))} {{ {pattern} }}" if graph is not None else pattern


def _values(terms: Iterable) -> str:
    return " ".join(term_text(t) for t in terms)


def size(client: SparqlClient, graph=None, cap: int = SIZE_CAP) -> Size:
    """How many statements ``graph`` holds, counting at most ``cap`` + 1 so a huge graph costs no more than a small one.

    Parameters
    ----------
    client : SparqlClient
        The server.
    graph : IRI, optional
        A named graph; the default graph when omitted.
    cap : int
        Stop counting past this many.
    """
    inner = _scoped("?s ?p ?o", graph)
    rows = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ {inner} }} LIMIT {int(cap) + 1} }}")
    counted = int(rows[0]["n"].toPython()) if rows and "n" in rows[0] else 0
    return Size(min(counted, cap), counted > cap)


def graphs(client: SparqlClient, limit: int = 200) -> list[URIRef]:
    """The server's named graphs, in address order, at most ``limit`` of them."""
    rows = client.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} }} ORDER BY STR(?g) LIMIT {int(limit)}")
    return [row["g"] for row in rows if isinstance(row.get("g"), URIRef)]


def find(client: SparqlClient, text: str, graph=None, limit: int = 50) -> list[Found]:
    """Nodes whose label (``rdfs:label`` or ``skos:prefLabel``) contains ``text``, ignoring case, by label.

    The search is a scan of the labels (engines without a text index, Oxigraph among them, offer
    nothing faster in standard SPARQL). It asks for no order, so the server stops scanning at the
    ``limit``-th match instead of reading every label: on a big graph these are the first matches
    the server meets, sorted by label here, not the alphabetically first (refine the text for others).

    Parameters
    ----------
    client : SparqlClient
        The server.
    text : str
        What the label contains; sent as a constant, so quotes and braces are searched for literally.
    graph : IRI, optional
        The named graph to search; the default graph when omitted.
    limit : int
        The most labels matched (a node with two matching labels counts twice).
    """
    needle = text.strip().lower()
    if not needle:
        return []
    labels = _scoped(
        f"VALUES ?lp {{ {_values(_LABELS)} }} ?s ?lp ?name . "
        f"FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?name)), {term_text(Literal(needle))}))",
        graph,
    )
    kinds = _scoped(f"?s {term_text(RDF.type)} ?kind", graph)
    rows = client.select(
        "SELECT ?s ?label ?kind WHERE { "
        f"{{ SELECT DISTINCT ?s ?label WHERE {{ {labels} BIND(STR(?name) AS ?label) }} LIMIT {int(limit)} }} "
        f"OPTIONAL {{ {kinds} }} }}"
    )
    found: dict[URIRef, Found] = {}
    for row in rows:
        iri = row.get("s")
        if isinstance(iri, URIRef) and iri not in found:
            kind = row.get("kind")
            found[iri] = Found(iri, str(row.get("label", "")), kind if isinstance(kind, URIRef) else None)
    return sorted(found.values(), key=lambda f: (f.label.lower(), str(f.iri)))


def expand(client: SparqlClient, node, graph=None, limit: int = 200, after=None) -> Page:
    """One page of ``node``'s neighbourhood: up to ``limit`` neighbours after ``after``, with their ties to it.

    The neighbours are picked by a sub-``SELECT`` ordered by address with ``LIMIT limit + 1`` (the one more says
    whether another page follows); only then are their ties fetched, so the page is bounded however many ties
    the node has.

    Parameters
    ----------
    client : SparqlClient
        The server.
    node : IRI
        The node to expand.
    graph : IRI, optional
        The named graph; the default graph when omitted.
    limit : int
        The most neighbours on this page.
    after : IRI, optional
        The ``next_cursor`` of the previous page.
    """
    node = URIRef(node)
    if limit < 1:
        raise EndpointError("a page must hold at least one neighbour")
    me = term_text(node)
    rdf_type = term_text(RDF.type)
    keyset = f"FILTER(STR(?n) > {term_text(Literal(str(after)))})" if after is not None else ""
    ties = _scoped(
        f"{{ {me} ?p ?n }} UNION {{ ?n ?p {me} }} FILTER(isIRI(?n) && ?p != {rdf_type})",
        graph,
    )
    picked = f"SELECT DISTINCT ?n WHERE {{ {ties} {keyset} }} ORDER BY STR(?n) LIMIT {int(limit) + 1}"
    rows = client.select(picked)
    chosen = [row["n"] for row in rows if isinstance(row.get("n"), URIRef)]
    truncated = len(chosen) > limit
    chosen = chosen[:limit]
    triples: set = set()
    if chosen:
        described = _values(DESCRIBING)
        ends = _values(TIE_ENDS)
        construct = (
            "CONSTRUCT { ?s ?q ?o } WHERE { "
            f"VALUES ?n {{ {_values(chosen)} }} "
            + _scoped(
                f"{{ {me} ?q ?n BIND({me} AS ?s) BIND(?n AS ?o) FILTER(?q != {rdf_type}) }} "
                f"UNION {{ ?n ?q {me} BIND(?n AS ?s) BIND({me} AS ?o) FILTER(?q != {rdf_type}) }} "
                f"UNION {{ VALUES ?q {{ {described} }} ?n ?q ?o BIND(?n AS ?s) }} "
                f"UNION {{ VALUES ?q {{ {ends} }} ?n ?q ?o BIND(?n AS ?s) }} "
                f"UNION {{ VALUES ?e {{ {ends} }} VALUES ?q {{ {described} }} ?n ?e ?s . ?s ?q ?o }}",
                graph,
            )
            + " }"
        )
        triples.update(client.construct(construct))
    if after is None:
        # The node's own values and kinds, so it is drawn and analysed as what it is.
        own = _scoped(f"{me} ?q ?o FILTER(!isIRI(?o) || ?q = {rdf_type})", graph)
        triples.update(client.construct(f"CONSTRUCT {{ {me} ?q ?o }} WHERE {{ {own} }} LIMIT {OWN_VALUES_LIMIT}"))
    neighbours = [_neighbour(n, triples) for n in chosen]
    return Page(sorted(triples), neighbours, chosen[-1] if truncated else None, truncated)


def _neighbour(iri: URIRef, triples: set) -> Neighbour:
    labels = sorted(str(o) for s, p, o in triples if s == iri and p in _LABELS)
    kinds = tuple(sorted(o for s, p, o in triples if s == iri and p == RDF.type))
    return Neighbour(iri, labels[0] if labels else "", kinds)


def tie_counts(client: SparqlClient, nodes: Iterable, graph=None) -> dict:
    """How many ties each of ``nodes`` has on the server (statements to or from another address, not ``rdf:type``).

    Asked :data:`BOUNDARY_BATCH` nodes at a time; nodes with no tie are left out.
    """
    nodes = sorted({URIRef(n) for n in nodes}, key=str)
    rdf_type = term_text(RDF.type)
    counts: dict = {}
    for start in range(0, len(nodes), BOUNDARY_BATCH):
        batch = nodes[start : start + BOUNDARY_BATCH]
        pattern = _scoped(
            f"{{ ?n ?p ?m }} UNION {{ ?m ?p ?n }} FILTER(isIRI(?m) && ?p != {rdf_type})",
            graph,
        )
        rows = client.select(
            f"SELECT ?n (COUNT(*) AS ?c) WHERE {{ VALUES ?n {{ {_values(batch)} }} {pattern} }} GROUP BY ?n"
        )
        for row in rows:
            if isinstance(row.get("n"), URIRef) and "c" in row:
                counts[row["n"]] = int(row["c"].toPython())
    return counts


# ------------------------------------------------------------------ accumulator
class Fetched:
    """What has been fetched from one graph of one server so far, and where it ends.

    Examples
    --------
    >>> f = Fetched(graph=None)
    >>> a, b = URIRef("urn:x:a"), URIRef("urn:x:b")
    >>> f.add([(a, RX.performs, b), (a, RDFS.label, Literal("A"))])
    2
    >>> sorted(f.nodes()), f.ties_of()[a]
    ([rdflib.term.URIRef('urn:x:a'), rdflib.term.URIRef('urn:x:b')], 1)
    """

    def __init__(self, graph=None) -> None:
        self.graph = URIRef(graph) if graph is not None else None
        self.triples: set = set()
        #: Nodes whose neighbourhood was asked for, with the cursor of their next page (None: all fetched).
        self.expanded: dict = {}

    def add(self, triples: Iterable) -> int:
        """Keep ``triples``; returns how many were new."""
        before = len(self.triples)
        self.triples.update(triples)
        return len(self.triples) - before

    def add_page(self, node, page: Page) -> int:
        """Keep a page of ``node``'s neighbourhood and remember where its next page starts."""
        self.expanded[URIRef(node)] = page.next_cursor
        return self.add(page.triples)

    def expand(self, client: SparqlClient, node, limit: int = 200) -> Page:
        """Fetch the next page of ``node``'s neighbourhood (the first if it was never expanded) and keep it."""
        node = URIRef(node)
        after = self.expanded.get(node)
        if node in self.expanded and after is None:
            return Page([], [], None, False)  # every page of it is here already
        page = expand(client, node, self.graph, limit=limit, after=after)
        self.add_page(node, page)
        return page

    def has_more(self, node) -> bool:
        """Whether ``node`` has a further page to fetch."""
        return self.expanded.get(URIRef(node)) is not None

    def nodes(self) -> set:
        """Every address at either end of a fetched tie, and every expanded node."""
        found = set(self.expanded)
        for s, p, o in self.triples:
            if p != RDF.type and isinstance(o, URIRef) and isinstance(s, URIRef):
                found.add(s)
                found.add(o)
        return found

    def ties_of(self) -> dict:
        """How many fetched ties each node has, counted as :func:`tie_counts` counts them on the server."""
        counts: dict = {}
        for s, p, o in self.triples:
            if p != RDF.type and isinstance(o, URIRef) and isinstance(s, URIRef):
                counts[s] = counts.get(s, 0) + 1
                counts[o] = counts.get(o, 0) + 1
        return counts

    def boundary(self, client: SparqlClient) -> Boundary:
        """Ask the server how many ties each fetched node has, and compare with what was fetched."""
        nodes = self.nodes()
        on_server = tie_counts(client, nodes, self.graph)
        here = self.ties_of()
        outside = {n: on_server[n] - here.get(n, 0) for n in nodes if on_server.get(n, 0) > here.get(n, 0)}
        return Boundary(len(nodes), outside)

    def quads(self) -> list:
        """The fetched statements as quads of one map graph."""
        return [(s, p, o, DEFAULT_GRAPH) for s, p, o in self.triples]

    def document(self, title: str = "Fetched from a server", *, with_ontology: bool = True):
        """The fetched part as a read-only map (not journalled, no file, never saved back to the server).

        Examples
        --------
        >>> import os, tempfile
        >>> os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp())  # doctest: +ELLIPSIS
        '...'
        >>> f = Fetched()
        >>> _ = f.add([(URIRef("urn:x:a"), RDF.type, RX.Unit)])
        >>> doc = f.document(with_ontology=False)
        >>> doc.editing, (URIRef("urn:x:a"), RDF.type, RX.Unit, DEFAULT_GRAPH) in set(doc.store.quads())
        (False, True)
        >>> doc.close()
        """
        document = MapDocument.new(title=title, editing=False, with_ontology=with_ontology)
        try:
            document.store.apply(added=self.quads())
        except BaseException:
            document.close()
            raise
        return document


__all__ = [
    "Boundary",
    "Fetched",
    "Found",
    "Neighbour",
    "Page",
    "Size",
    "expand",
    "find",
    "graphs",
    "size",
    "tie_counts",
]
