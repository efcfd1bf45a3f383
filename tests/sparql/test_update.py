"""An UPDATE is computed as a diff without touching the map; executed, it is one undoable command."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from explorer.core.commands import diff
from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.store import ANY_GRAPH
from explorer.core.terms import DEFAULT_GRAPH
from explorer.sparql import QueryRefused

RX = "https://w3id.org/routine-explorer/ns#"
ICU = URIRef("http://example.org/map/icu")
ANA = URIRef("http://example.org/map/ana")


def _all(doc):
    return set(doc.store.quads(graph=ANY_GRAPH))


def test_update_then_execute_then_undo_gives_back_the_original_graph(small_doc, services):
    doc = small_doc
    service = services(doc)
    original, saved = _all(doc), sorted(doc.serialize("nt").splitlines())
    out = service.run(
        """DELETE { ?who rx:attitude ?old ; rdfs:label ?label }
           INSERT { ?who rx:attitude 0.1 ; rdfs:label ?upper ; rdfs:comment "was \\"sceptical\\"" }
           WHERE { ?who rx:attitude ?old ; rdfs:label ?label FILTER (?old < 0) BIND (UCASE(?label) AS ?upper) }"""
    )
    assert out.kind == "update" and out.message == "The update adds 3 statements and removes 2 statements."
    assert _all(doc) == original and not doc.dirty, "computing the update must not change the map"
    command = out.command
    assert (ANA, URIRef(RX + "attitude"), Literal("-0.40", datatype=XSD.decimal), DEFAULT_GRAPH) in command.removed
    doc.execute(command)
    assert doc.dirty and doc.stack.undo_text.startswith("SPARQL update")
    assert service.run("SELECT ?l WHERE { ?p a rx:Person ; rdfs:label ?l }").rows == ((Literal("ANA"),),)
    doc.undo()
    assert _all(doc) == original and not doc.dirty
    assert sorted(doc.serialize("nt").splitlines()) == saved, "the map is saved as it was written (0.50 stays 0.50)"
    # The engine follows the undo too.
    assert service.run("SELECT ?l WHERE { ?p a rx:Person ; rdfs:label ?l }").rows == ((Literal("Ana"),),)
    doc.redo()
    assert service.run("ASK { ?p rdfs:comment 'was \"sceptical\"' }").boolean is True


def test_an_update_that_changes_nothing_has_no_command(small_doc, services):
    out = services(small_doc).run("DELETE WHERE { ?s rx:noSuchProperty ?o }")
    assert out.command is None and out.message == "The update changes nothing."


def test_the_update_where_sees_the_ontology_but_writes_only_the_map(small_doc, services):
    doc = small_doc
    out = services(doc).run(
        'INSERT { ?who rdfs:comment "an actor" } WHERE { ?who a ?kind . ?kind rdfs:subClassOf* rx:Actor }'
    )
    assert {(q[0], q[3]) for q in out.command.added} == {(ANA, DEFAULT_GRAPH)}
    # Clearing the default graph clears the map, not the ontology.
    before_ontology = doc.store.count(ONTOLOGY_GRAPH)
    cleared = services(doc).run("CLEAR DEFAULT")
    assert cleared.command.removed == frozenset(doc.store.quads())
    doc.execute(cleared.command)
    assert doc.store.count() == 0 and doc.store.count(ONTOLOGY_GRAPH) == before_ontology
    doc.undo()
    assert doc.store.count() == len(cleared.command.removed)


def test_an_update_touching_the_ontology_is_refused(small_doc, services):
    service = services(small_doc)
    before = _all(small_doc)
    for text in (
        f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <http://e/a> <http://e/b> <http://e/c> }} }}",
        f"DELETE WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s rdfs:label ?o }} }}",
        "DROP ALL",
        "CLEAR NAMED",
        f"DROP GRAPH <{ONTOLOGY_GRAPH}>",
    ):
        with pytest.raises(QueryRefused, match=r"ontology graph .* read-only"):
            service.run(text)
        assert _all(small_doc) == before, text
    # The engine's copy was put back too: the ontology is still there to query.
    assert service.run("ASK { rx:Unit a owl:Class }").boolean is True


def test_blank_nodes_keep_their_identity_through_an_update_and_undo(small_doc, services):
    doc = small_doc
    note = BNode("note1")
    doc.execute(
        diff(
            doc.store,
            "Note",
            added=[
                (ICU, RDFS.comment, note, DEFAULT_GRAPH),
                (note, RDF.value, Literal("staffing"), DEFAULT_GRAPH),
            ],
        )
    )
    service = services(doc)
    original = _all(doc)
    found = service.run("SELECT ?n WHERE { <http://example.org/map/icu> rdfs:comment ?n }")
    assert found.rows == ((note,),)
    out = service.run(
        "DELETE { ?n rdf:value ?v } "
        'INSERT { ?n rdf:value "rota" ; rdfs:seeAlso [ rdfs:label "new" ] } WHERE { ?n rdf:value ?v }'
    )
    assert (note, RDF.value, Literal("staffing"), DEFAULT_GRAPH) in out.command.removed
    assert (note, RDF.value, Literal("rota"), DEFAULT_GRAPH) in out.command.added
    doc.execute(out.command)
    assert len(_all(doc)) == len(original) + 2
    doc.undo()
    assert _all(doc) == original


def test_updates_can_write_named_graphs_other_than_the_ontology(small_doc, services):
    graph = URIRef("http://example.org/map/analysis-run-1")
    out = services(small_doc).run(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/map/icu> rx:score 0.8 }} }}")
    assert {q[3] for q in out.command.added} == {graph}


def test_the_engine_follows_a_revert(small_doc, services, tmp_path):
    doc = small_doc
    doc.save_as(tmp_path / "map.ttl")
    service = services(doc)
    doc.execute(services(doc).run("DELETE WHERE { ?s rdfs:label ?l }").command)
    assert service.run("ASK { ?s rdfs:label 'ICU' }").boolean is False
    doc.revert()
    assert service.run("ASK { ?s rdfs:label 'ICU' }").boolean is True


def test_deleting_a_value_spelled_two_ways_removes_both_spellings_and_undo_brings_both_back(tmp_path, services):
    """The engine holds "1" and "1.0" (xsd:decimal) as one quad; the map holds two statements. A DELETE of
    that value removes both, so the engine and the map agree; undo gives both back, as written."""
    from explorer.core.document import MapDocument

    source = tmp_path / "two.nt"
    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    source.write_text(
        f'<http://example.org/a> <http://example.org/p> "1"^^{decimal} .\n'
        f'<http://example.org/a> <http://example.org/p> "1.0"^^{decimal} .\n'
    )
    doc = MapDocument.open(source)
    try:
        out = services(doc).run("DELETE WHERE { <http://example.org/a> <http://example.org/p> ?v }")
        assert out.message == "The update removes 2 statements.", out.message
        doc.execute(out.command)
        assert not list(doc.store.quads(URIRef("http://example.org/a")))
        doc.undo()
        assert sorted(doc.serialize("nt").splitlines()) == sorted(source.read_bytes().splitlines())
    finally:
        doc.close()
