"""Values the app puts into its own queries are bound as terms, never pasted into the text:
quotes, braces, SPARQL keywords and newlines in a label are only ever text to compare."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from explorer.core.commands import add_node, add_tie
from explorer.core.errors import QueryError
from explorer.core.store import ANY_GRAPH
from explorer.sparql.service import DESCRIBE_NODE, NODES_LABELLED

RX_UNIT = URIRef("https://w3id.org/routine-explorer/ns#Unit")
HOSTILE = [
    '"} ; DROP ALL ; {"',
    "'} ; DROP ALL ; {'",
    '""" } DELETE WHERE { ?s ?p ?o } #',
    "Ward 7 } UNION { ?node ?p ?o }",
    "line one\nline two\r\n} ; CLEAR DEFAULT",
    "<http://example.org/x> } SERVICE <http://127.0.0.1:9/> {",
    '\\" ) ) } # \\u0022',
    "?node",
    "Ward 7",
]


def test_the_generated_queries_carry_no_values():
    for text in (DESCRIBE_NODE, NODES_LABELLED):
        assert '"' not in text and "'" not in text


def test_labels_are_matched_as_text_and_change_nothing(small_doc, services):
    doc = small_doc
    nodes = {}
    for i, label in enumerate(HOSTILE):
        node = URIRef(f"http://example.org/map/hostile-{i}")
        doc.execute(add_node(doc.store, node, RX_UNIT, label))
        nodes[label] = node
    # A second node whose label differs only by a trailing space must not match.
    doc.execute(add_node(doc.store, URIRef("http://example.org/map/near"), RX_UNIT, "Ward 7 "))
    service = services(doc)
    before = set(doc.store.quads(graph=ANY_GRAPH))
    for label, node in nodes.items():
        found = service.nodes_labelled(label)
        assert [row[0] for row in found.rows] == [node], label
        assert found.rows[0][1] == Literal(label)
    assert service.nodes_labelled("DROP ALL").rows == ()
    assert set(doc.store.quads(graph=ANY_GRAPH)) == before
    assert int(service.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]) > 1000


def test_labels_in_other_languages_and_skos_are_found(small_doc, services):
    doc = small_doc
    node = URIRef("http://example.org/map/station")
    doc.execute(add_tie(doc.store, node, SKOS.prefLabel, Literal('Estación "norte"', lang="es")))
    found = services(doc).nodes_labelled('Estación "norte"')
    assert [row[0] for row in found.rows] == [node]


def test_describe_node_binds_the_node(small_doc, services):
    doc = small_doc
    weird = URIRef("http://example.org/map/a%20b?c=%22d%22#x")
    doc.execute(add_node(doc.store, weird, RX_UNIT, '"} ; DROP ALL ; {"'))
    doc.execute(
        add_tie(doc.store, URIRef("http://example.org/map/ana"), URIRef("http://www.w3.org/ns/org#memberOf"), weird)
    )
    out = services(doc).describe_node(weird)
    assert out.kind == "graph"
    assert (weird, RDFS.label, Literal('"} ; DROP ALL ; {"')) in out.triples
    assert (URIRef("http://example.org/map/ana"), URIRef("http://www.w3.org/ns/org#memberOf"), weird) in out.triples
    assert all(weird in (s, o) for s, _, o in out.triples)


@pytest.mark.parametrize(
    "bad",
    [
        URIRef("http://e/a> } ; DROP ALL ; { <http://e/b"),
        URIRef("http://e/a b"),
        URIRef("not an iri"),
    ],
)
def test_a_malformed_iri_is_refused_as_a_value(bad, small_doc, services):
    service = services(small_doc)
    before = set(small_doc.store.quads())
    with pytest.raises(QueryError):
        service.describe_node(bad)
    assert set(small_doc.store.quads()) == before
    # The engine survived: the next query answers.
    assert service.run("ASK { ?s ?p ?o }").boolean is True


def test_bindings_need_variable_names_and_terms(small_doc, services):
    service = services(small_doc)
    with pytest.raises(QueryError, match="variable name"):
        service.run("SELECT ?x WHERE { ?x ?p ?o }", bindings={"x } ; DROP ALL ; {": Literal("a")})
    with pytest.raises(QueryError, match="Cannot bind"):
        service.run("SELECT ?x WHERE { ?x ?p ?o }", bindings={"x": object()})
    with pytest.raises(QueryError, match="does not contain variable"):
        service.run("SELECT ?p WHERE { ?x ?p ?o }", bindings={"x": URIRef("http://example.org/map/icu")})
    with pytest.raises(QueryError, match="only in queries"):
        service.run("DELETE WHERE { ?x ?p ?o }", bindings={"x": URIRef("http://example.org/map/icu")})
    plain = service.run("SELECT ?n ?label WHERE { ?n rdfs:label ?label }", bindings={"label": "ICU"})
    assert plain.rows == ((URIRef("http://example.org/map/icu"), Literal("ICU")),)
