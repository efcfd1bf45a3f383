"""Shared fixtures: sample maps opened read-only, and query services that are closed after use."""

from __future__ import annotations

import pytest

from explorer.core.document import MapDocument
from explorer.core.resources import sample_graphs_dir
from explorer.sparql import QueryService


@pytest.fixture(scope="session")
def sample():
    """Open a sample map read-only by file name (one document per map for the whole session; tests must not edit it)."""
    opened: dict[str, MapDocument] = {}

    def open_sample(name: str) -> MapDocument:
        if name not in opened:
            opened[name] = MapDocument.open(sample_graphs_dir() / name, editing=False)
        return opened[name]

    yield open_sample
    for doc in opened.values():
        doc.close()


@pytest.fixture
def services():
    """Make services with ``services(doc, **options)``; every one is closed after the test."""
    made = []

    def make(doc, **options) -> QueryService:
        service = QueryService(doc, **options)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.fixture
def small_doc():
    """A new, editable map with a few nodes (the ontology loaded)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    from explorer.core.commands import diff
    from explorer.core.terms import DEFAULT_GRAPH

    rx = "https://w3id.org/routine-explorer/ns#"
    doc = MapDocument.new(base_iri="http://example.org/map/", title="Test map")
    icu, ana = URIRef("http://example.org/map/icu"), URIRef("http://example.org/map/ana")
    quads = [
        (icu, RDF.type, URIRef(rx + "Unit"), DEFAULT_GRAPH),
        (icu, RDFS.label, Literal("ICU"), DEFAULT_GRAPH),
        (icu, URIRef(rx + "readiness"), Literal("0.50", datatype=XSD.decimal), DEFAULT_GRAPH),
        (ana, RDF.type, URIRef(rx + "Person"), DEFAULT_GRAPH),
        (ana, RDFS.label, Literal("Ana"), DEFAULT_GRAPH),
        (ana, URIRef("http://www.w3.org/ns/org#memberOf"), icu, DEFAULT_GRAPH),
        (ana, URIRef(rx + "attitude"), Literal("-0.40", datatype=XSD.decimal), DEFAULT_GRAPH),
    ]
    doc.execute(diff(doc.store, "Seed", added=quads))
    doc.stack.set_clean()
    yield doc
    doc.close()
