"""No statement is lost when two of its literals are one value: every spelling is kept, counted and saved.

Oxigraph stores numbers by value, so ``"1"``, ``"1.0"`` and ``"1."`` typed ``xsd:decimal`` on one subject
and predicate are one quad in it; in RDF they are three statements (W3C ``turtle-subm-26``: 22 statements
in, 19 out before). The properties below hold over generated sets of spellings, through open and save in
each format, and through edits and their undo.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.commands import Command
from explorer.core.document import MapDocument
from explorer.core.rdf_formats import format_for_path
from explorer.core.store import ANY_GRAPH, EmbeddedStore
from explorer.core.terms import DEFAULT_GRAPH, from_ox, from_ox_quad

XSD = "http://www.w3.org/2001/XMLSchema#"
SUBJECTS = [ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b")]
PREDICATE = ox.NamedNode("http://example.org/p")
GRAPHS = [ox.DefaultGraph(), ox.NamedNode("http://example.org/g")]
AS_RDFLIB = [DEFAULT_GRAPH, from_ox(GRAPHS[1])]  # the same graphs, as the store's API names them
# Spellings of the same few values; the first of each is the canonical one Oxigraph keeps.
SPELLINGS = {
    "decimal": ["1", "1.0", "1.", "01.00", "+1", "1.000000000", "2.5", "2.50", "+02.5"],
    "integer": ["1", "01", "+1", "001", "7", "07"],
    "boolean": ["true", "1", "false", "0"],
}

literals = st.sampled_from(
    [ox.Literal(text, datatype=ox.NamedNode(XSD + name)) for name, texts in SPELLINGS.items() for text in texts]
)
quads = st.builds(ox.Quad, st.sampled_from(SUBJECTS), st.just(PREDICATE), literals, st.sampled_from(GRAPHS))
statement_sets = st.sets(quads, min_size=1, max_size=14)


def written(store: EmbeddedStore, fmt: str, graphs) -> set:
    """What ``store`` saves in ``fmt``, read back term for term by Oxigraph."""
    data = store.dump(format_for_path(f"x.{fmt}"), graphs=graphs)
    return set(ox.parse(data, format=format_for_path(f"x.{fmt}").ox_format))


def in_default(statements) -> set:
    return {ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in statements}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statements=statement_sets, fmt=st.sampled_from(["nq", "trig", "nt", "ttl"]))
def test_a_map_opened_and_saved_keeps_every_spelling(statements, fmt):
    if fmt in ("nt", "ttl"):
        statements = in_default(statements)
    folder = Path(tempfile.mkdtemp())
    source = folder / f"in.{fmt}"
    source.write_bytes(ox.serialize(statements, format=format_for_path(source).ox_format))
    document = MapDocument.open(source)
    try:
        store = document.store  # its ontology graph aside
        assert sum(store.count(g) for g in AS_RDFLIB) == len(statements)
        assert {q for g in AS_RDFLIB for q in store.quads(graph=g)} == {from_ox_quad(q) for q in statements}
        for out in ("out.nq", "out.trig") if fmt in ("nq", "trig") else ("out.nt", "out.ttl", "out.nq"):
            document.save_as(folder / out)
            assert set(ox.parse(path=str(folder / out), format=format_for_path(out).ox_format)) == statements, out
    finally:
        document.close()


def test_removing_a_spelling_that_was_never_written_leaves_the_one_that_was():
    """Oxigraph removes by value; the store removes what was written, or nothing."""
    store = EmbeddedStore()
    decimal = ox.NamedNode(XSD + "decimal")
    written = ox.Quad(SUBJECTS[0], PREDICATE, ox.Literal("2.5", datatype=decimal))
    store.apply(added=[written])
    store.apply(removed=[ox.Quad(SUBJECTS[0], PREDICATE, ox.Literal("2.50", datatype=decimal))])
    assert list(store.quads()) == [from_ox_quad(written)]


@settings(max_examples=80, deadline=None)
@given(steps=st.lists(st.tuples(st.booleans(), quads), min_size=1, max_size=25))
def test_adding_and_removing_spellings_keeps_the_store_as_written(steps):
    """The store against a plain set of statements, edit by edit: what it yields, counts, holds and saves."""
    store, model = EmbeddedStore(), set()
    for add, quad in steps:
        if add and quad not in model:
            store.apply(added=[quad])
            model.add(quad)
        elif not add:  # removing what is not there changes nothing, whatever its value
            store.apply(removed=[quad])
            model.discard(quad)
        assert set(store.quads(graph=ANY_GRAPH)) == {from_ox_quad(q) for q in model}
        assert store.count(ANY_GRAPH) == len(model)
        for probe in {quad, *model}:
            assert store.contains(from_ox_quad(probe)) == (probe in model)
    assert written(store, "nq", AS_RDFLIB) == model
    default = {q for q in model if q.graph_name == ox.DefaultGraph()}
    assert written(store, "nt", [DEFAULT_GRAPH]) == default


def test_an_edit_that_adds_a_second_spelling_is_undone_to_the_first(tmp_path):
    """A statement written ``"1"`` and an edit adding ``"1.0"``: both are saved; undo leaves ``"1"`` alone."""
    source = tmp_path / "map.nt"
    source.write_text(
        '<http://example.org/a> <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
    )
    document = MapDocument.open(source)
    try:
        one_point_nought = ox.Quad(SUBJECTS[0], PREDICATE, ox.Literal("1.0", datatype=ox.NamedNode(XSD + "decimal")))
        document.execute(Command("add a spelling", added=frozenset({from_ox_quad(one_point_nought)})))
        document.save()
        saved = {q.object.value for q in ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES)}
        assert saved == {"1", "1.0"}
        document.undo()
        document.save()
        saved = {q.object.value for q in ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES)}
        assert saved == {"1"}
    finally:
        document.close()


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_turtle_subm_26_keeps_its_22_statements(tmp_path, fmt):
    """The W3C case, written out here: four spellings of 1 and the rest."""
    spellings = ["2.345", "1", "1.0", "1.", "1.000000000", "2.3", "2.234000005", "1.2345678901234567890123457890"]
    text = "".join(
        f'<http://example.org/foo> <http://example.org/bar> "{s}"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
        for s in spellings
    )
    source = tmp_path / f"subm26.{fmt}"
    source.write_text(text)
    document = MapDocument.open(source)
    try:
        document.save_as(tmp_path / "out.nt")
    finally:
        document.close()
    saved = {q.object.value for q in ox.parse(path=str(tmp_path / "out.nt"), format=ox.RdfFormat.N_TRIPLES)}
    assert saved == set(spellings)


@pytest.mark.parametrize("blank_nodes", [False, True], ids=["read in one go", "screened first"])
def test_spellings_megabytes_apart_are_both_kept(tmp_path, blank_nodes):
    """``"1"`` at the start of a big N-Triples file and ``"1.0"`` at its end: the scan of the canonical
    literals must find the first again, blocks away (with blank nodes the file takes the other path)."""
    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    filler = "".join(
        f'<http://example.org/n{i}> <http://example.org/label> "node {i} {"x" * 40}" .\n' for i in range(40_000)
    )
    blank = '_:b <http://example.org/p> "b" .\n' if blank_nodes else ""
    source = tmp_path / "big.nt"
    source.write_text(
        f'<http://example.org/a> <http://example.org/p> "1"^^{decimal} .\n{blank}{filler}'
        f'<http://example.org/a> <http://example.org/p> "1.0"^^{decimal} .\n'
    )
    assert source.stat().st_size > 3 * 2**20
    document = MapDocument.open(source)
    try:
        document.save_as(tmp_path / "out.nt")
    finally:
        document.close()
    saved = {
        q.object.value
        for q in ox.parse(path=str(tmp_path / "out.nt"), format=ox.RdfFormat.N_TRIPLES)
        if q.subject.value == "http://example.org/a"
    }
    assert saved == {"1", "1.0"}


def test_a_view_of_named_graphs_shows_every_spelling_and_removes_only_the_one_named():
    """A value spelled "1.0" in one graph and "1" in another (or in the map graph): the view's map graph holds
    both; removing "1.0" there takes it from its own graph and leaves "1" where it is."""
    from rdflib import URIRef

    from explorer.core.graph_view import ViewStore
    from explorer.core.rdf_formats import format_by_name

    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    g1, g2 = URIRef("urn:g1"), URIRef("urn:g2")
    for where_one in ("<urn:g2>", ""):
        store = EmbeddedStore()
        store.load(
            f'<urn:a> <urn:p> "1.0"^^{decimal} <urn:g1> .\n<urn:a> <urn:p> "1"^^{decimal} {where_one} .\n'.encode(),
            format=format_by_name("nquads"),
        )
        view = ViewStore(store, [g1, g2])
        assert sorted(str(q[2]) for q in view.quads(graph=DEFAULT_GRAPH)) == ["1", "1.0"], where_one
        assert view.count(DEFAULT_GRAPH) == 2
        saved = set(ox.parse(view.dump(format_by_name("ntriples"), graphs=[DEFAULT_GRAPH]), ox.RdfFormat.N_TRIPLES))
        assert {q.object.value for q in saved} == {"1", "1.0"}
        one_point_nought = ox.Quad(SUBJECTS[0], PREDICATE, ox.Literal("1.0", datatype=ox.NamedNode(XSD + "decimal")))
        view.apply(
            removed=[from_ox_quad(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), one_point_nought.object))]
        )
        assert not list(view.quads(graph=g1))
        assert [str(q[2]) for q in view.quads(graph=g2 if where_one else DEFAULT_GRAPH)] == ["1"], where_one


@pytest.mark.parametrize("first", ["1", "1.0"])
def test_loading_into_a_store_that_holds_another_spelling_keeps_both(first):
    """Store.load into a store already holding the same value spelled otherwise (the app opens into an empty
    store, but load is public): both statements stay."""
    from explorer.core.rdf_formats import format_by_name

    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    second = {"1": "1.0", "1.0": "1"}[first]
    store = EmbeddedStore()
    for text in (first, second):
        store.load(f'<urn:a> <urn:p> "{text}"^^{decimal} .\n'.encode(), format=format_by_name("ntriples"))
    assert sorted(str(q[2]) for q in store.quads()) == ["1", "1.0"]
    assert store.count() == 2


def test_the_order_of_what_was_found_does_not_matter():
    """A canonical spelling mapped to itself before the other spelling that maps to it is still kept."""
    from explorer.core.written_forms import WrittenForms

    decimal = ox.NamedNode(XSD + "decimal")
    one, one_point_nought = (ox.Quad(SUBJECTS[0], PREDICATE, ox.Literal(t, datatype=decimal)) for t in ("1", "1.0"))
    forms = WrittenForms()
    forms.add({one: one, one_point_nought: one}, held=())
    assert sorted(q.object.value for q in forms.written(one)) == ["1", "1.0"]


def test_the_number_scan_is_not_a_parse_and_may_open_files(tmp_path, monkeypatch):
    """Reading a map refuses any file a parser would open; the scan of bare numbers is our own code, where
    Python itself may open a file (PySide6's import hook reads a module's source at a function-level import:
    a Turtle map was refused for numpy's __init__.py). A scan that opens a file must not fail the read."""
    from explorer.core import literal_forms

    scan = literal_forms.turtle_numbers_need_watching

    def opening(data):
        open(literal_forms.__file__, "rb").close()
        return scan(data)

    monkeypatch.setattr(literal_forms, "turtle_numbers_need_watching", opening)
    source = tmp_path / "with-blank-node.ttl"  # a blank node: read the careful way, the scan in this thread
    source.write_text('<urn:a> <urn:p> 0.50, [ <urn:q> "x" ] .\n', encoding="utf-8")
    store = EmbeddedStore()
    store.load(source)
    assert "0.50" in {str(q[2]) for q in store.quads()}, "read, the number kept as written"
