"""Canvas edits in the core: create, connect, move, delete, copy and paste, each one undo step."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS

from explorer.core import editing
from explorer.core.document import MapDocument
from explorer.core.errors import CommandError
from explorer.core.namespaces import RX
from explorer.core.schema import Schema
from explorer.core.terms import DEFAULT_GRAPH


@pytest.fixture
def doc():
    document = MapDocument.new()
    yield document
    document.close()


@pytest.fixture
def schema(doc):
    return Schema.from_store(doc.store)


def _quads(doc) -> set:
    return set(doc.store.quads(graph=DEFAULT_GRAPH))


def _node(doc, schema, kind, label, x=0.0):
    command, iri = editing.create_node(doc, schema, kind, label, position=(x, 0))
    doc.execute(command)
    return iri


def test_positions_are_written_the_way_the_store_keeps_them(doc, schema):
    rewritten = len(list(doc.store._forms.items()))
    iri = _node(doc, schema, RX.Unit, "ICU", x=120.0)
    assert (
        iri,
        RX.canvasX,
        Literal("120", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
        DEFAULT_GRAPH,
    ) in _quads(doc)
    # Nothing rewritten, so nothing more to look through on every query.
    assert len(list(doc.store._forms.items())) == rewritten


def test_deleting_a_node_takes_its_ties_qualified_ties_and_nested_blank_nodes(doc, schema):
    a, b = _node(doc, schema, RX.Routine, "Handover"), _node(doc, schema, RX.Routine, "Round", 200)
    relation = next(r for r in schema.relations_between(RX.Routine, RX.Routine) if r.qualified)
    doc.execute(editing.connect(doc, schema, a, b, relation)[0])
    outer, inner = BNode(), BNode()
    doc.execute(
        editing.diff(
            doc.store,
            "note",
            added=[
                (a, RX.ownedBy, outer, DEFAULT_GRAPH),
                (outer, RDFS.comment, inner, DEFAULT_GRAPH),
                (inner, RDFS.label, Literal("plan"), DEFAULT_GRAPH),
            ],
        )
    )
    before = _quads(doc)
    doc.execute(editing.delete_items(doc.store, nodes=[a]))
    left = _quads(doc)
    assert not any(a in (s, o) for s, _, o, _ in left)
    assert not any(s in (outer, inner) for s, _, _, _ in left)  # no orphaned blank nodes, however deep
    assert not any(o == RX.Interdependency for _, _, o, _ in left)  # the qualified tie went with it
    doc.undo()
    assert _quads(doc) == before


def test_paste_makes_new_nodes_with_their_ties_and_undoes_exactly(doc, schema):
    a, b = _node(doc, schema, RX.Routine, "Handover"), _node(doc, schema, RX.Unit, "ICU", 200)
    owned = next(r for r in schema.relations_between(RX.Routine, RX.Unit) if r.iri == RX.ownedBy)
    doc.execute(editing.connect(doc, schema, a, b, owned)[0])
    text = editing.copy_fragment(doc.store, [a, b])
    before = _quads(doc)
    command, pasted = editing.paste_fragment(doc, text)
    doc.execute(command)
    assert len(pasted) == 2 and not set(pasted) & {a, b}
    new_a = next(p for p in pasted if (p, RDFS.label, Literal("Handover"), DEFAULT_GRAPH) in _quads(doc))
    new_b = next(p for p in pasted if p != new_a)
    assert (new_a, RX.ownedBy, new_b, DEFAULT_GRAPH) in _quads(doc)
    doc.undo()
    assert _quads(doc) == before


def test_a_hostile_clipboard_cannot_edit_nodes_already_on_the_map(doc, schema):
    existing = _node(doc, schema, RX.Unit, "ICU")
    hostile = (
        f'<{existing}> <{RDFS.label}> "pwned" .\n'
        f"<http://e/new> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RX.Unit}> .\n"
        f'<http://e/new> <{RX.canvasX}> "NaN"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
        f'<http://e/new> <{RX.canvasY}> "1e300"^^<http://www.w3.org/2001/XMLSchema#double> .\n'
    )
    command, pasted = editing.paste_fragment(doc, hostile)
    doc.execute(command)
    assert (existing, RDFS.label, Literal("pwned"), DEFAULT_GRAPH) not in _quads(doc)
    assert len(pasted) == 1
    assert not list(doc.store.quads(pasted[0], RX.canvasX, None))  # the broken positions were dropped
    with pytest.raises(CommandError):
        editing.paste_fragment(doc, "this is not N-Triples")


def test_connect_refuses_what_the_ontology_does_not_allow(doc, schema):
    norm, person = _node(doc, schema, RX.Norm, "Two-nurse check"), _node(doc, schema, RX.Person, "Ana", 200)
    performs = next(r for r in schema.relations_between(RX.Person, RX.Routine) if r.iri == RX.performs)
    with pytest.raises(CommandError, match="does not allow"):
        editing.connect(doc, schema, person, norm, performs)
