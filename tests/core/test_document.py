"""Map documents: open/save/revert, base IRIs, prefixes, the ontology graph, locks."""

from __future__ import annotations

import hashlib

import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic

from explorer.core import commands as c
from explorer.core.document import ONTOLOGY_GRAPH, MapDocument
from explorer.core.errors import ExplorerError, FormatError, MapLockedError, SaveError
from explorer.core.events import DocumentReloaded, DocumentSaved, GraphChanged

RX = "https://w3id.org/routine-explorer/ns#"
UNIT = URIRef(RX + "Unit")

TURTLE = """@prefix ex: <http://example.org/> .
@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/map> a void:Dataset ; dct:title "Ward map" ; void:uriSpace "http://example.org/map/" .
ex:icu a rx:Unit ; <http://www.w3.org/2000/01/rdf-schema#label> "ICU" .
"""


@pytest.fixture
def map_file(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    return path


def test_open_edit_save_reopen_round_trip(map_file):
    doc = MapDocument.open(map_file)
    assert doc.title == "Ward map" and doc.base_iri == "http://example.org/map/"
    node = doc.mint_iri(UNIT, "Ward 7 (north)")
    assert node == URIRef("http://example.org/map/unit/ward-7-north")
    doc.execute(c.add_node(doc.store, node, UNIT, "Ward 7 (north)"))
    doc.save()
    assert not doc.dirty
    expected = doc.store.as_rdflib()
    doc.close()
    again = MapDocument.open(map_file)
    assert isomorphic(again.store.as_rdflib(), expected)
    assert (node, RDFS.label, Literal("Ward 7 (north)")) in again.store.as_rdflib()
    again.close()


def test_saved_turtle_binds_only_used_prefixes(map_file, tmp_path):
    doc = MapDocument.open(map_file, editing=False)
    text = doc.serialize("turtle").decode()
    assert "@prefix rx:" in text and "@prefix ex:" in text
    assert "@prefix prov:" not in text and "@prefix foaf:" not in text and "@prefix skos:" not in text


def test_ontology_graph_is_loaded_but_never_saved(map_file, tmp_path):
    doc = MapDocument.open(map_file, editing=False)
    ontology_size = doc.store.count(ONTOLOGY_GRAPH)
    assert ontology_size > 0
    doc.save_as(tmp_path / "copy.trig")
    assert b"graph/ontology" not in (tmp_path / "copy.trig").read_bytes()
    assert doc.store.count() == 5


def test_new_map_without_base_gets_one_and_mints_readable_iris():
    doc = MapDocument.new(with_ontology=False, editing=False)
    assert doc.base_iri.startswith("https://w3id.org/routine-explorer/map/map-")
    iri = doc.mint_iri(UNIT)
    assert iri == URIRef(doc.base_iri + "unit/unit")
    assert doc.mint_iri(UNIT) == URIRef(doc.base_iri + "unit/unit-2")
    assert not doc.dirty and doc.title == "Untitled map"


def test_new_map_with_base_keeps_it_across_save_and_load(tmp_path):
    doc = MapDocument.new(base_iri="https://trust.example/maps/icu/", title="ICU", with_ontology=False)
    doc.save_as(tmp_path / "icu.ttl")
    doc.close()
    again = MapDocument.open(tmp_path / "icu.ttl", with_ontology=False)
    assert again.base_iri == "https://trust.example/maps/icu/"
    assert again.title == "ICU"
    again.close()


def test_save_without_a_file_asks_for_one():
    doc = MapDocument.new(with_ontology=False, editing=False)
    with pytest.raises(SaveError, match="Save As"):
        doc.save()


def test_save_as_unknown_extension_is_refused(tmp_path):
    doc = MapDocument.new(with_ontology=False, editing=False)
    with pytest.raises(SaveError, match="format"):
        doc.save_as(tmp_path / "map.docx")
    assert not (tmp_path / "map.docx").exists()


def test_revert_discards_unsaved_edits(map_file):
    doc = MapDocument.open(map_file)
    before = frozenset(doc.store.quads())
    seen = []
    doc.events.subscribe(DocumentReloaded, seen.append)
    doc.execute(c.remove_node(doc.store, URIRef("http://example.org/icu")))
    doc.revert()
    assert frozenset(doc.store.quads()) == before
    assert not doc.dirty and not doc.stack.can_undo() and len(seen) == 1
    assert doc.store.count(ONTOLOGY_GRAPH) > 0
    doc.close()


def test_events_report_each_change_and_save(map_file, tmp_path):
    doc = MapDocument.open(map_file)
    changes, saves = [], []
    doc.events.subscribe(GraphChanged, changes.append)
    doc.events.subscribe(DocumentSaved, saves.append)
    cmd = c.set_property(doc.store, URIRef("http://example.org/icu"), RDFS.label, Literal("Intensive care"))
    doc.execute(cmd)
    doc.undo()
    doc.save_as(tmp_path / "other.ttl")
    assert [len(e.added) for e in changes] == [1, 1]
    assert changes[0].added == changes[1].removed
    assert saves[0].path == tmp_path / "other.ttl"
    doc.close()


def test_a_map_open_for_editing_is_locked_against_a_second_copy(map_file):
    first = MapDocument.open(map_file)
    with pytest.raises(MapLockedError) as err:
        MapDocument.open(map_file)
    assert "already open" in str(err.value) and "ward.ttl" in str(err.value)
    readonly = MapDocument.open(map_file, editing=False)  # reading (CLI info) is still fine
    readonly.close()
    first.close()
    MapDocument.open(map_file).close()


def test_save_as_onto_a_map_open_elsewhere_is_refused(map_file, tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text(TURTLE, encoding="utf-8")
    holder = MapDocument.open(other)
    doc = MapDocument.open(map_file)
    original = other.read_bytes()
    with pytest.raises(MapLockedError):
        doc.save_as(other)
    assert other.read_bytes() == original
    holder.close()
    doc.close()


def test_failed_open_releases_the_lock(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> ", encoding="utf-8")
    with pytest.raises(FormatError):
        MapDocument.open(bad)
    bad.write_text("<http://e/a> <http://e/b> <http://e/c> .", encoding="utf-8")
    MapDocument.open(bad).close()


def test_save_keeps_the_file_mode_and_records_the_hash(map_file):
    map_file.chmod(0o640)
    doc = MapDocument.open(map_file)
    doc.execute(c.add_node(doc.store, doc.mint_iri(UNIT, "x"), UNIT, "x"))
    doc.save()
    assert map_file.stat().st_mode & 0o777 == 0o640
    assert doc.content_sha256 == hashlib.sha256(map_file.read_bytes()).hexdigest()
    assert not list(map_file.parent.glob("*.rx-saving"))
    doc.close()


def test_on_disk_store_for_big_maps(map_file, tmp_path):
    doc = MapDocument.open(map_file, editing=False, store_dir=tmp_path / "store")
    assert doc.store.count() == 5 and (tmp_path / "store").is_dir()
    with pytest.raises(ExplorerError, match="not empty"):
        MapDocument.open(map_file, editing=False, store_dir=tmp_path / "store")


def test_rdflib_view_is_read_only_and_normalised(map_file):
    doc = MapDocument.open(map_file, editing=False)
    graph = doc.store.as_rdflib()
    assert (URIRef("http://example.org/icu"), RDFS.label, Literal("ICU")) in graph
    assert Literal("ICU") in set(graph.objects(URIRef("http://example.org/icu"), RDFS.label))
    with pytest.raises(TypeError, match="read-only"):
        graph.add((URIRef("http://e/a"), RDF.type, UNIT))


def test_query_binds_values_instead_of_pasting_them(map_file):
    doc = MapDocument.open(map_file, editing=False)
    hostile = Literal('"} ; DROP ALL ; {"')
    result = doc.store.query("SELECT ?s ?label WHERE { ?s ?p ?label }", bindings={"label": hostile})
    assert result.rows == ()
    result = doc.store.query("SELECT ?s ?label WHERE { ?s ?p ?label }", bindings={"label": Literal("ICU")})
    assert result.rows == ((URIRef("http://example.org/icu"), Literal("ICU")),)
    assert doc.store.count() == 5
    assert doc.store.query("ASK { ?s ?p ?label }", bindings={"label": Literal("ICU")}).boolean is True
    assert doc.store.query("ASK { ?s ?p ?label }", bindings={"label": hostile}).boolean is False


def test_a_parse_cannot_open_other_files(tmp_path):
    """Inside a parse the audit hook refuses file opens (the input is already open)."""
    import rdflib

    from explorer.core.errors import NetworkBlockedError
    from explorer.core.netguard import no_network

    secret = tmp_path / "context.jsonld"
    secret.write_text('{"@context": {"name": "http://example.org/name"}}', encoding="utf-8")
    document = f'{{"@context": "{secret.as_uri()}", "@id": "http://example.org/a", "name": "x"}}'
    with no_network("reading test.jsonld", block_files=True), pytest.raises(Exception) as err:
        rdflib.Graph().parse(data=document, format="json-ld")
    assert isinstance(err.value, NetworkBlockedError) or "Blocked" in str(err.value)
    with no_network("reading x", block_files=True), pytest.raises(NetworkBlockedError, match="open"):
        open(secret, "rb").close()
    with open(secret, "rb") as handle:  # outside the block, files open as usual
        assert handle.read()


def test_a_map_opened_in_a_worker_thread_can_be_closed_and_reopened_on_another(tmp_path):
    """The app opens and saves maps off the UI thread; the lock must not be tied to that thread."""
    import threading

    path = tmp_path / "map.ttl"
    path.write_text("<http://e/a> a <http://e/K> .\n", encoding="utf-8")
    opened = {}
    worker = threading.Thread(target=lambda: opened.setdefault("doc", MapDocument.open(path)))
    worker.start()
    worker.join()
    saved_as = tmp_path / "copy.ttl"
    worker = threading.Thread(target=lambda: opened["doc"].save_as(saved_as))
    worker.start()
    worker.join()
    opened["doc"].close()
    again = MapDocument.open(saved_as)
    again.close()


def test_extra_quads_are_written_into_the_file_but_not_into_the_map(tmp_path):
    doc = MapDocument.new(with_ontology=False)
    node = URIRef("http://e/icu")
    doc.execute(c.add_node(doc.store, node, URIRef("http://e/Unit"), "ICU"))
    extra = [(node, URIRef("https://w3id.org/routine-explorer/ns#canvasX"), Literal(12), c.DEFAULT_GRAPH)]
    path = tmp_path / "m.nt"
    written = doc.write_file(path, extra=extra)
    assert doc.dirty  # written, not yet marked saved
    doc.finish_save(written)
    assert not doc.dirty
    assert "canvasX" in path.read_text(encoding="utf-8")
    assert not list(doc.store.quads(node, extra[0][1], None))
    doc.close()


def test_derived_graphs_are_not_edits_and_stay_out_of_one_graph_formats(map_file, tmp_path):
    from explorer.core.document import DERIVED_GRAPHS
    from explorer.core.events import DerivedGraphsChanged

    doc = MapDocument.open(map_file)
    seen = []
    doc.events.subscribe(DerivedGraphsChanged, seen.append)
    run = URIRef(DERIVED_GRAPHS + "run-1")
    doc.put_derived_graph(run, data=b'<urn:x:run> <http://www.w3.org/2000/01/rdf-schema#label> "run" .\n')
    assert seen == [DerivedGraphsChanged(added=(run,), removed=())]
    assert not doc.dirty and not doc.stack.can_undo() and doc.derived_graphs() == [run]
    # Turtle holds one graph: the derived one is left out, not refused; TriG keeps it.
    assert b"urn:x:run" not in doc.serialize("turtle")
    doc.save_as(tmp_path / "kept.trig")
    assert b"urn:x:run" in (tmp_path / "kept.trig").read_bytes()
    # A graph that came with the data is never dropped silently.
    doc.store.apply(added=[(URIRef("urn:x:a"), RDFS.label, Literal("a"), URIRef("urn:x:other"))])
    with pytest.raises(SaveError, match="urn:x:other"):
        doc.serialize("turtle")
    with pytest.raises(ExplorerError, match="derived graph"):
        doc.put_derived_graph(URIRef("urn:x:other"), [])
    with pytest.raises(ExplorerError, match="not a derived graph"):
        doc.drop_derived_graphs([URIRef("urn:x:other")])
    second = URIRef(DERIVED_GRAPHS + "run-2")
    doc.put_derived_graph(second, [(URIRef("urn:x:b"), RDFS.label, Literal("b"))], replacing=[run])
    assert doc.derived_graphs() == [second] and seen[-1].removed == (run,)
    doc.close()


def test_base_iri_follows_edits_undo_and_revert(map_file):
    from rdflib.namespace import VOID

    doc = MapDocument.open(map_file)
    assert doc.base_iri == "http://example.org/map/"
    dataset = URIRef("http://example.org/map")
    change = c.diff(
        doc.store,
        "New space",
        removed=[(dataset, VOID.uriSpace, Literal("http://example.org/map/"), None)],
        added=[(dataset, VOID.uriSpace, Literal("http://example.org/other/"), None)],
    )
    doc.execute(change)
    assert doc.base_iri == "http://example.org/other/"
    assert doc.mint_iri(UNIT, "Ward") == URIRef("http://example.org/other/unit/ward")
    doc.undo()
    assert doc.base_iri == "http://example.org/map/"
    doc.redo()
    doc.revert()
    assert doc.base_iri == "http://example.org/map/"
    doc.close()
