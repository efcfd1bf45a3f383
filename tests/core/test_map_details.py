"""Map details (title, description, authors, organisation, dates) and readable node IRIs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from explorer.core.commands import set_property
from explorer.core.document import MapDocument
from explorer.core.editing import create_node
from explorer.core.map_details import TITLE_LIMIT, MapDetails, map_node, read_details, set_details
from explorer.core.namespaces import RX
from explorer.core.schema import schema_of
from explorer.core.terms import DEFAULT_GRAPH
from explorer.io.registry import get

HOSTILE = "</title><script>alert(1)</script> & “Ward 7”"

# An IRI as RFC 3987 allows it, restricted to what minting may produce: no spaces, quotes, angle brackets,
# backslashes or controls, and no dot segments.
SAFE_IRI = re.compile(r"^https://[A-Za-z0-9.\-]+(/[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+/?$")


@pytest.fixture
def doc(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    document = MapDocument.new()
    yield document
    document.close()


def test_details_round_trip_through_save_and_reload(doc, tmp_path):
    details = MapDetails(
        title="Ward 7 discharge",
        description="How patients leave Ward 7.\nSecond line.",
        authors=("Ana Silva", "Ben Okafor"),
        organisation="St Elsewhere NHS Trust",
        created="2025-03-01",
    )
    doc.execute(set_details(doc.store, details, today=dt.date(2025, 3, 4)))
    assert doc.title == "Ward 7 discharge" and doc.stack.undo_text == "Edit map details"
    path = tmp_path / "ward.ttl"
    doc.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert 'dct:title "Ward 7 discharge"' in text and "dct:creator" in text and "dct:publisher" in text
    again = MapDocument.open(path, editing=False)
    try:
        back = read_details(again.store)
        assert back == MapDetails(**{**details.__dict__, "modified": "2025-03-04"})
        node = map_node(again.store)
        assert (node, DCTERMS.created, Literal("2025-03-01", datatype=XSD.date), DEFAULT_GRAPH) in set(
            again.store.quads(node, None, None)
        )
        assert again.title == "Ward 7 discharge"
    finally:
        again.close()


def test_details_edit_is_one_undo_step(doc):
    before = read_details(doc.store)
    doc.execute(set_details(doc.store, MapDetails(title="First", authors=("Ana",))))
    doc.execute(set_details(doc.store, MapDetails(title="Second")))
    assert read_details(doc.store).authors == ()
    doc.undo()
    assert doc.title == "First" and read_details(doc.store).authors == ("Ana",)
    doc.undo()
    assert read_details(doc.store) == before and doc.title == "Untitled map" and not doc.dirty


def test_unchanged_details_make_no_edit(doc):
    doc.execute(set_details(doc.store, MapDetails(title="Ward")))
    again = set_details(doc.store, read_details(doc.store), today=dt.date(2099, 1, 1))
    assert again.is_empty


def test_hostile_and_huge_text(doc):
    huge = "Ward " * 2_000  # 10,000 characters
    doc.execute(set_details(doc.store, MapDetails(title=huge + "\x1b[31m\n", authors=(HOSTILE, "", "  "))))
    details = read_details(doc.store)
    assert len(details.title) <= TITLE_LIMIT and "\x1b" not in details.title and "\n" not in details.title
    assert details.authors == (HOSTILE,)
    doc.execute(set_details(doc.store, replace(read_details(doc.store), created="2025-01-02")))
    doc.execute(set_details(doc.store, replace(read_details(doc.store), title=HOSTILE, created="not a date")))
    assert doc.title == HOSTILE
    assert read_details(doc.store).created == "2025-01-02"  # a bad date leaves the old one


def test_html_export_and_report_carry_the_title_escaped(doc, tmp_path):
    doc.execute(set_details(doc.store, MapDetails(title=HOSTILE + " " + "x" * 10_000)))
    target = tmp_path / "map.html"
    get("html", "export").load()(doc, target)
    page = target.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; “Ward 7”" in page
    assert "Untitled map" not in page
    head = page[page.index("<title>") : page.index("</title>")]
    assert "&lt;script&gt;" in head


def test_report_names_the_map(tmp_path, monkeypatch):
    from explorer.io import report

    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    doc = MapDocument.new()
    try:
        schema = schema_of(doc)
        command, change = create_node(doc, schema, RX.ChangeProposal, "New rota")
        doc.execute(command)
        command, routine = create_node(doc, schema, RX.Routine, "Rounds")
        doc.execute(command)
        doc.execute(set_property(doc.store, change, RX.disrupts, routine))
        doc.execute(set_details(doc.store, MapDetails(title=HOSTILE)))
        analysis = report.run_analysis(doc, change=change, runs=0)
        page = report.report_html(doc, analysis, runs=0)
        assert "Untitled map" not in page and "<script>alert(1)" not in page
        assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    finally:
        doc.close()


# --------------------------------------------------------------------------- readable IRIs
def test_new_nodes_get_readable_iris_under_the_map_base(doc):
    schema = schema_of(doc)
    command, ward = create_node(doc, schema, RX.Unit, "Ward 7")
    doc.execute(command)
    assert ward == URIRef(doc.base_iri + "unit/ward-7")
    assert not str(ward).startswith("urn:uuid:")
    command, change = create_node(doc, schema, RX.ChangeProposal, "Ward 7")
    assert change == URIRef(doc.base_iri + "change-proposal/ward-7")


def test_a_thousand_nodes_of_one_name_get_a_thousand_iris(doc):
    schema = schema_of(doc)
    minted = []
    with doc.batch("Add many"):
        for _ in range(1_000):
            command, iri = create_node(doc, schema, RX.Unit, "Ward 7")
            doc.execute(command)
            minted.append(iri)
    assert len(set(minted)) == 1_000
    assert minted[1] == URIRef(doc.base_iri + "unit/ward-7-2")
    assert sum(1 for _ in doc.store.quads(None, RDF.type, RX.Unit)) == 1_000


def test_iris_minted_before_they_are_used_are_unique(doc):
    # An import or a paste mints all its IRIs before its quads reach the store.
    assert len({doc.mint_iri(RX.Unit, "ICU") for _ in range(50)}) == 50


@pytest.mark.parametrize(
    "label",
    [
        "🚑🚑",
        "وحدة العناية المركزة",
        "病房七",
        "../../etc/passwd",
        "Ward 7 (north)",
        "",
        "   ",
        "a/b?c#d e%20f",
        "<script>",
        "x" * 10_000,
        "\u202eevil",
        "Ward\n7\t\x00",
    ],
)
def test_minted_iris_are_valid_for_any_label(doc, label):
    schema = schema_of(doc)
    command, iri = create_node(doc, schema, RX.Unit, label)
    doc.execute(command)
    text = str(iri)
    assert SAFE_IRI.match(text), text
    assert text.startswith(doc.base_iri) and "/../" not in text and "/./" not in text
    assert len(text) < len(doc.base_iri) + 80
    assert (iri, RDF.type, RX.Unit, DEFAULT_GRAPH) in set(doc.store.quads(iri, RDF.type, None))


@pytest.mark.parametrize(
    ("label", "segment"),
    [
        ("病房七", "bing-fang-qi"),
        ("Ärztekammer Köln", "arztekammer-koln"),
        ("Nurse's station", "nurses-station"),
        ("?!", "unit"),
        ("x" * 100, "x" * 48),
    ],
)
def test_minted_iris_read_as_the_label_in_ascii(doc, label, segment):
    assert doc.mint_iri(RX.Unit, label) == URIRef(doc.base_iri + "unit/" + segment)


def test_renaming_keeps_the_iri(doc, tmp_path):
    schema = schema_of(doc)
    command, ward = create_node(doc, schema, RX.Unit, "Ward 7")
    doc.execute(command)
    doc.execute(set_property(doc.store, ward, RDFS.label, Literal("Acute medical unit")))
    path = tmp_path / "m.ttl"
    doc.save_as(path)
    again = MapDocument.open(path, editing=False)
    try:
        assert (ward, RDFS.label, Literal("Acute medical unit"), DEFAULT_GRAPH) in set(again.store.quads(ward))
        # A new node named as the old one was still gets its own IRI: the old one is taken.
        assert again.mint_iri(RX.Unit, "Ward 7") == URIRef(str(ward) + "-2")
    finally:
        again.close()


def test_a_map_without_a_base_mints_under_one_from_its_title(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "elsewhere.ttl"
    path.write_text(
        "<urn:uuid:6f1c0b6e-0000-4000-8000-000000000000> a <http://rdfs.org/ns/void#Dataset> ; "
        '<http://purl.org/dc/terms/title> "Night shift" .\n',
        encoding="utf-8",
    )
    doc = MapDocument.open(path, editing=False)
    try:
        assert doc.base_iri is None
        iri = doc.mint_iri(RX.Role, "Night nurse")
        assert re.fullmatch(r"https://w3id\.org/routine-explorer/map/night-shift-[0-9a-f]{8}/role/night-nurse", iri)
        assert doc.mint_iri(RX.Role, "Night nurse").startswith(str(iri)[: -len("night-nurse")])
    finally:
        doc.close()


def test_a_new_maps_description_is_named_by_its_base(tmp_path, monkeypatch):
    # The journal keeps the base, so a recovered untitled map gets the same description node back.
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    doc = MapDocument.new()
    doc.execute(set_details(doc.store, MapDetails(title="Ward 7 discharge")))
    base = doc.base_iri
    assert (URIRef(base.rstrip("/")), RDF.type, VOID.Dataset, DEFAULT_GRAPH) in set(doc.store.quads())
    assert map_node(doc.store) == URIRef(base.rstrip("/"))
    doc.close()
