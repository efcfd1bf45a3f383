"""Commands and the undo stack: exact undo, redo, merging, the clean state."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from support.maps import snapshot

from explorer.core import commands as c
from explorer.core.document import MapDocument
from explorer.core.errors import CommandError
from explorer.core.terms import DEFAULT_GRAPH

EX = "http://example.org/"
NODES = [URIRef(f"{EX}n{i}") for i in range(5)]
KINDS = [URIRef(f"{EX}Person"), URIRef(f"{EX}Unit")]
PREDICATES = [URIRef(f"{EX}memberOf"), URIRef(f"{EX}performs"), RDFS.label]
VALUES = [
    Literal("a"),
    Literal("b", lang="en"),
    Literal("3", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    Literal("03", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    *NODES,
    Literal(""),
]


def seeded_doc() -> MapDocument:
    doc = MapDocument.new(with_ontology=False, editing=False)
    doc.store.apply(
        added=[
            (NODES[0], RDF.type, KINDS[0], DEFAULT_GRAPH),
            (NODES[0], RDFS.label, Literal("Ana"), DEFAULT_GRAPH),
            (NODES[1], RDF.type, KINDS[1], DEFAULT_GRAPH),
            (NODES[0], PREDICATES[0], NODES[1], DEFAULT_GRAPH),
            (NODES[1], URIRef(f"{EX}source"), BNode("prov1"), DEFAULT_GRAPH),
            (BNode("prov1"), RDFS.comment, Literal("interview 3"), DEFAULT_GRAPH),
        ]
    )
    return doc


operation = st.one_of(
    st.tuples(
        st.just("add_node"),
        st.sampled_from(NODES),
        st.sampled_from(KINDS),
        st.sampled_from(["Ana", "Ben", "ICU", "“quoted”"]),
    ),
    st.tuples(st.just("remove_node"), st.sampled_from(NODES)),
    st.tuples(st.just("set"), st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(VALUES)),
    st.tuples(st.just("unset"), st.sampled_from(NODES), st.sampled_from(PREDICATES)),
    st.tuples(st.just("add_tie"), st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(VALUES)),
    st.tuples(st.just("remove_tie"), st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(VALUES)),
)


def run(doc: MapDocument, op) -> None:
    name, *args = op
    store = doc.store
    if name == "add_node":
        doc.execute(c.add_node(store, *args))
    elif name == "remove_node":
        with contextlib.suppress(CommandError):  # nothing to remove: the command refuses, the map is unchanged
            doc.execute(c.remove_node(store, args[0]))
    elif name == "set":
        doc.execute(c.set_property(store, *args))
    elif name == "unset":
        doc.execute(c.unset_property(store, *args))
    elif name == "add_tie":
        doc.execute(c.add_tie(store, *args))
    else:
        doc.execute(c.remove_tie(store, *args))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(operation, st.lists(operation, min_size=2, max_size=4)), max_size=25))
def test_undo_all_restores_the_original_and_redo_all_restores_the_result(ops):
    doc = seeded_doc()
    original = snapshot(doc)
    for op in ops:
        if isinstance(op, list):
            with doc.batch("several"):
                for inner in op:
                    run(doc, inner)
        else:
            run(doc, op)
    result = snapshot(doc)
    while doc.stack.can_undo():
        doc.undo()
    assert snapshot(doc) == original
    assert not doc.dirty
    while doc.stack.can_redo():
        doc.redo()
    assert snapshot(doc) == result
    assert doc.dirty == (result != original or doc.stack.index > 0)


def test_diffs_hold_only_real_changes():
    doc = seeded_doc()
    again = c.add_node(doc.store, NODES[0], KINDS[0], "Ana")
    assert again.is_empty
    doc.execute(again)
    assert not doc.dirty and doc.stack.index == 0


def test_consecutive_edits_of_one_field_merge_into_one_undo_step():
    doc = seeded_doc()
    for text in ("A", "An", "Ana M"):
        doc.execute(c.set_property(doc.store, NODES[0], RDFS.label, Literal(text)))
    assert doc.stack.index == 1
    doc.undo()
    assert {q[2] for q in doc.store.quads(NODES[0], RDFS.label)} == {Literal("Ana")}


def test_edits_do_not_merge_across_the_saved_state(tmp_path):
    doc = seeded_doc()
    doc.execute(c.set_property(doc.store, NODES[0], RDFS.label, Literal("A")))
    doc.save_as(tmp_path / "m.ttl")
    doc.execute(c.set_property(doc.store, NODES[0], RDFS.label, Literal("B")))
    assert doc.stack.index == 2 and doc.dirty
    doc.undo()
    assert not doc.dirty
    assert {q[2] for q in doc.store.quads(NODES[0], RDFS.label)} == {Literal("A")}


def test_dirty_state_follows_undo_back_to_the_saved_state(tmp_path):
    doc = seeded_doc()
    seen = []
    from explorer.core.events import DirtyChanged

    doc.events.subscribe(DirtyChanged, lambda e: seen.append(e.dirty))
    doc.execute(c.add_tie(doc.store, NODES[2], PREDICATES[1], NODES[3]))
    doc.save_as(tmp_path / "m.ttl")
    doc.execute(c.add_tie(doc.store, NODES[3], PREDICATES[1], NODES[4]))
    doc.undo()
    doc.undo()
    assert doc.dirty
    doc.redo()
    assert not doc.dirty
    assert seen == [True, False, True, False, True, False]


def test_new_command_after_undo_discards_redo_and_saved_branch(tmp_path):
    doc = seeded_doc()
    doc.execute(c.add_tie(doc.store, NODES[2], PREDICATES[1], NODES[3]))
    doc.save_as(tmp_path / "m.ttl")
    doc.undo()
    doc.execute(c.add_tie(doc.store, NODES[2], PREDICATES[0], NODES[4]))
    assert not doc.stack.can_redo()
    # The new command sits where the saved one did (index 1), but it is another map: unsaved.
    assert doc.dirty
    doc.undo()
    assert doc.dirty  # the saved state is on the discarded branch: never clean again here


def test_remove_node_takes_its_ties_and_owned_blank_nodes():
    doc = seeded_doc()
    doc.execute(c.remove_node(doc.store, NODES[1]))
    remaining = snapshot(doc)
    assert not any(NODES[1] in (q[0], q[2]) for q in remaining)
    assert not any(q[0] == BNode("prov1") for q in remaining)


def test_batch_rolls_back_on_error():
    doc = seeded_doc()
    before = snapshot(doc)
    with pytest.raises(CommandError), doc.batch("broken"):  # noqa: PT012 - the batch spans both commands
        doc.execute(c.add_node(doc.store, NODES[3], KINDS[0], "Cy"))
        doc.execute(c.remove_node(doc.store, NODES[4]))  # does not exist
    assert snapshot(doc) == before
    assert doc.stack.index == 0


@pytest.mark.parametrize(
    "build",
    [
        lambda s: c.set_property(s, "not a node", RDFS.label, Literal("x")),
        lambda s: c.set_property(s, NODES[0], "label", Literal("x")),
        lambda s: c.set_property(s, NODES[0], RDFS.label, 42),
        lambda s: c.add_tie(s, Literal("x"), RDFS.seeAlso, NODES[1]),
    ],
)
def test_wrong_types_are_refused_with_a_message(build):
    doc = seeded_doc()
    with pytest.raises(CommandError) as err:
        build(doc.store)
    assert "must be" in str(err.value)


def test_nothing_to_undo_is_a_clear_error():
    doc = seeded_doc()
    with pytest.raises(CommandError, match="nothing to undo"):
        doc.undo()
