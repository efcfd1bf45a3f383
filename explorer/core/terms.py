"""RDF terms at the store boundary: rdflib terms outside, Oxigraph terms inside.

The rest of the code speaks rdflib. Oxigraph types every plain literal as
``xsd:string``, which rdflib compares unequal to an untyped ``Literal("x")``, so
literals are normalised here, once, on the way out. Lexical forms are kept as
they are (``"01"^^xsd:integer`` stays ``"01"``) so that a quad read from the
store can always be found again to remove it.

Examples
--------
>>> from rdflib import Literal, URIRef
>>> q = (URIRef("http://e/a"), URIRef("http://e/p"), Literal("x"), DEFAULT_GRAPH)
>>> from_ox_quad(to_ox_quad(q)) == q
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

#: The name the core uses for a dataset's default graph (the map the user drew).
DEFAULT_GRAPH: URIRef = DATASET_DEFAULT_GRAPH_ID

#: The named graph holding the read-only ontology and SKOS schemes.
ONTOLOGY_GRAPH = URIRef("https://w3id.org/routine-explorer/graph/ontology")

#: Named graphs under this IRI hold derived results (analysis runs): they can always be
#: regenerated, so they are kept outside the undo history and left out of one-graph formats.
DERIVED_GRAPHS = "https://w3id.org/routine-explorer/graph/analysis/"

Subject = URIRef | BNode
Object = URIRef | BNode | Literal
GraphName = URIRef | BNode
#: A quad (subject, predicate, object, graph); graph is :data:`DEFAULT_GRAPH` for the default graph.
Quad = tuple[Subject, URIRef, Object, GraphName]

_XSD_STRING = str(XSD.string)
_OX_DEFAULT = ox.DefaultGraph()


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to Oxigraph; raises ``TypeError`` for anything else."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r} ({type(term).__name__})")


def to_ox_graph(graph) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    """Convert a graph name (``None`` or :data:`DEFAULT_GRAPH` mean the default graph)."""
    if graph is None or graph == DEFAULT_GRAPH:
        return _OX_DEFAULT
    return to_ox(graph)


def from_ox(term) -> URIRef | BNode | Literal:
    """Convert an Oxigraph term to rdflib, normalising ``xsd:string`` literals to plain ones."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    if isinstance(term, ox.DefaultGraph):
        return DEFAULT_GRAPH
    raise TypeError(f"unsupported Oxigraph term: {term!r}")


def to_ox_quad(quad: Quad) -> ox.Quad:
    """Convert an rdflib quad; the graph may be ``None`` for the default graph."""
    s, p, o, g = quad
    if not isinstance(s, (URIRef, BNode)):
        raise TypeError(f"a subject must be an IRI or blank node, not {s!r}")
    if not isinstance(p, URIRef):
        raise TypeError(f"a predicate must be an IRI, not {p!r}")
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox_graph(g))


def from_ox_quad(quad: ox.Quad) -> Quad:
    """Convert an Oxigraph quad to an rdflib one."""
    return (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), from_ox(quad.graph_name))


def normalise_quads(quads: Iterable) -> frozenset[Quad]:
    """Return ``quads`` as a frozenset, with ``None`` graphs and typed plain literals normalised."""
    return frozenset(from_ox_quad(to_ox_quad(q)) for q in quads)


def iter_from_ox(quads: Iterable[ox.Quad]) -> Iterator[Quad]:
    """Convert a stream of Oxigraph quads lazily."""
    for quad in quads:
        yield from_ox_quad(quad)


def is_derived(graph) -> bool:
    """Whether ``graph`` names a derived graph (see :data:`DERIVED_GRAPHS`).

    >>> is_derived(URIRef(DERIVED_GRAPHS + "1234")), is_derived(ONTOLOGY_GRAPH)
    (True, False)
    """
    return str(graph).startswith(DERIVED_GRAPHS)


def local_name(iri) -> str:
    """The last part of an IRI, after its last ``#``, ``/`` or ``:`` (a trailing one ignored): what a map shows
    for a term that has no label.

    Examples
    --------
    >>> local_name("https://w3id.org/routine-explorer#Routine")
    'Routine'
    >>> local_name("http://ex.org/units/"), local_name("urn:x:y")
    ('units', 'y')
    """
    text = str(iri).rstrip("/#")
    for sep in ("#", "/", ":"):
        if sep in text:
            return text.rsplit(sep, 1)[1] or text
    return text
