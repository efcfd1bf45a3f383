"""schema_of: the map's schema is read once, kept while the map is edited, and read again when its ontology changes."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS

from explorer.core.commands import Command, add_node
from explorer.core.document import ONTOLOGY_GRAPH, MapDocument
from explorer.core.graph_view import show_view
from explorer.core.namespaces import RX
from explorer.core.schema import schema_of


@pytest.fixture
def doc():
    document = MapDocument.new(editing=False)
    yield document
    document.close()


def relabel_unit(doc, label: str) -> Command:
    """A command giving the ontology's Unit class another label."""
    old = frozenset(doc.store.quads(RX.Unit, RDFS.label, None, ONTOLOGY_GRAPH))
    return Command(
        "Relabel Unit", added=frozenset({(RX.Unit, RDFS.label, Literal(label), ONTOLOGY_GRAPH)}), removed=old
    )


def test_the_schema_is_read_once_and_kept_while_the_map_is_edited(doc):
    schema = schema_of(doc)
    ward = doc.mint_iri(RX.Unit, "Ward")
    doc.execute(add_node(doc.store, ward, RX.Unit, "Ward"))
    assert schema_of(doc) is schema
    doc.undo()
    doc.redo()
    with doc.batch("Two more"):
        for name in ("ICU", "ED"):
            doc.execute(add_node(doc.store, doc.mint_iri(RX.Unit, name), RX.Unit, name))
    assert schema_of(doc) is schema


def test_an_edit_of_the_ontology_is_seen_and_so_is_its_undo(doc):
    assert schema_of(doc).kinds[RX.Unit].label == "Unit"
    doc.execute(relabel_unit(doc, "Ward unit"))
    assert schema_of(doc).kinds[RX.Unit].label == "Ward unit"
    doc.undo()
    assert schema_of(doc).kinds[RX.Unit].label == "Unit"
    doc.redo()
    assert schema_of(doc).kinds[RX.Unit].label == "Ward unit"


def test_an_ontology_edit_inside_a_batch_is_seen_and_so_is_its_rollback(doc):
    seen = []

    def relabel_then_fail():
        with doc.batch("Fails"):
            doc.execute(relabel_unit(doc, "Ward unit"))
            seen.append(schema_of(doc).kinds[RX.Unit].label)
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        relabel_then_fail()
    assert seen == ["Ward unit"]
    assert schema_of(doc).kinds[RX.Unit].label == "Unit"


def test_a_new_store_is_read_again(tmp_path):
    path = tmp_path / "map.trig"
    path.write_text("<urn:x:g> { <urn:x:icu> a <https://w3id.org/routine-explorer/ns#Unit> . }\n", encoding="utf-8")
    doc = MapDocument.open(path, editing=False)
    try:
        schema = schema_of(doc)
        show_view(doc)  # the view is a new store over the same data
        viewed = schema_of(doc)
        assert viewed is not schema and viewed.kinds.keys() == schema.kinds.keys()
        doc.revert()
        assert schema_of(doc) is not viewed
    finally:
        doc.close()


def test_a_map_opened_without_its_ontology_gets_the_shipped_one():
    bare = MapDocument.new(with_ontology=False, editing=False)
    try:
        assert ONTOLOGY_GRAPH not in bare.store.graph_names()
        assert schema_of(bare).kinds[RX.Unit].label == "Unit"
        assert schema_of(bare) is schema_of(bare)
    finally:
        bare.close()
