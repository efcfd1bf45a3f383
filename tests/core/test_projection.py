"""The canvas's view of the map follows every edit exactly as a fresh read would see it."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from explorer.core import editing
from explorer.core.commands import set_property
from explorer.core.document import MapDocument
from explorer.core.errors import CommandError
from explorer.core.events import GraphChanged
from explorer.core.namespaces import RX
from explorer.core.projection import Projection
from explorer.core.schema import Schema
from explorer.core.terms import DEFAULT_GRAPH

KINDS = [RX.Unit, RX.Routine, RX.Person, RX.Norm, RX.ChangeProposal, RX.ExternalForce]


@pytest.fixture(scope="module")
def schema():
    doc = MapDocument.new()
    yield Schema.from_store(doc.store)
    doc.close()


def _same(projection: Projection, doc, schema) -> None:
    fresh = Projection.build(doc.store, schema)
    assert projection.nodes == fresh.nodes
    assert projection.ties == fresh.ties


def _step(doc, schema, rng: random.Random, op: int) -> None:
    nodes = sorted(Projection.build(doc.store, schema).nodes)
    ties = sorted(Projection.build(doc.store, schema).ties, key=str)
    if op == 0 or len(nodes) < 2:
        command, _ = editing.create_node(
            doc, schema, rng.choice(KINDS), f"n{rng.randrange(99)}", position=(rng.random() * 500, 0)
        )
    elif op == 1:
        a, b = rng.sample(nodes, 2)
        kinds = [schema.kind_of(o for _, _, o, _ in doc.store.quads(n, RDF.type, None)) for n in (a, b)]
        relations = schema.relations_between(kinds[0].iri, kinds[1].iri)
        if not relations:
            return
        try:
            command, _ = editing.connect(doc, schema, a, b, rng.choice(relations))
        except CommandError:
            return
    elif op == 2:
        command = editing.move_nodes(
            doc.store, {n: (rng.random() * 900, rng.random() * 900) for n in rng.sample(nodes, min(3, len(nodes)))}
        )
    elif op == 3:
        command = editing.delete_items(doc.store, nodes=[rng.choice(nodes)], ties=rng.sample(ties, min(1, len(ties))))
    elif op == 4:
        command = set_property(doc.store, rng.choice(nodes), RDFS.label, Literal(f"renamed {rng.randrange(9)}"))
    elif op == 5:
        command = set_property(doc.store, rng.choice(nodes), RX.level, rng.choice([RX.micro, RX.meso, RX.macro]))
    elif op == 6:
        command, _ = editing.paste_fragment(
            doc, editing.copy_fragment(doc.store, rng.sample(nodes, min(2, len(nodes))))
        )
    elif op == 7 and doc.stack.can_undo():
        doc.undo()
        return
    elif op == 8 and doc.stack.can_redo():
        doc.redo()
        return
    else:
        return
    doc.execute(command)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), ops=st.lists(st.integers(0, 8), min_size=5, max_size=25), hinted=st.booleans())
def test_incremental_updates_match_a_fresh_read(schema, seed, ops, hinted):
    """Followed from the changed quads, or (``hinted``) from a move's places read ahead (GraphChanged.moves)."""
    rng = random.Random(seed)
    doc = MapDocument.new()
    try:
        projection = Projection.build(doc.store, schema)
        changes = []
        unsubscribe = doc.events.subscribe(GraphChanged, changes.append)
        for op in ops:
            _step(doc, schema, rng, op)
            for event in changes:
                projection.update(
                    doc.store,
                    itertools.chain(event.added, event.removed),
                    added=event.added,
                    moves=event.moves if hinted else None,
                )
            changes.clear()
            _same(projection, doc, schema)
        unsubscribe()
    finally:
        doc.close()


def test_a_change_touching_most_of_the_map_is_read_again_whole(schema):
    doc = MapDocument.new()
    try:
        made = []
        for i in range(30):
            command, iri = editing.create_node(doc, schema, RX.Unit, f"u{i}", position=(i * 10, 0))
            doc.execute(command)
            made.append(iri)
        projection = Projection.build(doc.store, schema)
        command = editing.move_nodes(doc.store, dict.fromkeys(made, (5.0, 5.0)))
        doc.execute(command)
        delta = projection._rebuild(doc.store, DEFAULT_GRAPH)
        assert delta.nodes == set(made) and not delta.removed_nodes
        _same(projection, doc, schema)
    finally:
        doc.close()


def test_a_move_where_some_nodes_keep_one_coordinate_names_every_node_that_moved(schema):
    # The diff drops an unchanged x, so those nodes get only a new y: the fast path gives way to a
    # real read, which must still see every node as it was before (else the moved ones go unnamed).
    doc = MapDocument.new()
    nodes = []
    for i in range(40):
        command, iri = editing.create_node(doc, schema, RX.Routine, f"n{i}", position=(100.0 * i, 50.0))
        doc.execute(command)
        nodes.append(iri)
    projection = Projection.build(doc.store, schema)
    # One node keeps its x: whatever order the nodes are read in, others come before it.
    places = {iri: ((100.0 * i + 7, 90.0) if i else (100.0 * i, 90.0)) for i, iri in enumerate(nodes)}
    command = editing.move_nodes(doc.store, places)
    doc.execute(command)
    delta = projection.update(doc.store, itertools.chain(command.added, command.removed), added=command.added)
    fresh = Projection.build(doc.store, schema)
    assert set(nodes) <= delta.nodes
    assert all(projection.nodes[iri] == fresh.nodes[iri] for iri in nodes)
    doc.close()


def test_a_move_and_its_undo_carry_their_places_and_nothing_else_does(schema):
    """GraphChanged.moves: the places of a move (and of its undo), None for any other change."""
    doc = MapDocument.new()
    try:
        command, iri = editing.create_node(doc, schema, RX.Unit, "ICU", position=(10.0, 20.0))
        changes = []
        doc.events.subscribe(GraphChanged, changes.append)
        doc.execute(command)
        doc.execute(editing.move_nodes(doc.store, {iri: (30.0, 40.0)}).prepare())
        doc.undo()
        doc.redo()
        doc.execute(set_property(doc.store, iri, RDFS.label, Literal("Intensive care")))
        places = [None if e.moves is None else [(p.node, p.x, p.y) for p in e.moves] for e in changes]
        assert places == [None, [(iri, 30.0, 40.0)], [(iri, 10.0, 20.0)], [(iri, 30.0, 40.0)], None]
    finally:
        doc.close()
