"""A map's layout graph read as columns is the one its node and edge records make, so the layouts agree."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, URIRef

from explorer.core.projection import NodeView, TieView
from explorer.layout.layouts import _Graph, compute_layout
from explorer.layout.placement import HIERARCHY, layout_graph_of, layout_input

KINDS = [URIRef("https://w3id.org/routine-explorer/ns#Unit"), URIRef("https://w3id.org/routine-explorer/ns#Role"), None]
# Every way the hierarchy reads a relation (child is subject, child is object), and relations outside it.
RELATIONS = [URIRef(p) for p in HIERARCHY] + [URIRef("urn:x:advises"), URIRef("urn:x:trusts")]


@st.composite
def projections(draw):
    count = draw(st.integers(0, 40))
    iris = [URIRef(f"urn:x:n{i:03d}") if i % 7 else BNode(f"b{i}") for i in range(count)]
    order = draw(st.permutations(iris))  # the projection's order is the store's: any
    nodes = {
        iri: NodeView(iri, draw(st.sampled_from(KINDS)), "", draw(st.sampled_from([1, 2, 3, 0, 9]))) for iri in order
    }
    ends = st.sampled_from([*iris, URIRef("urn:x:gone")]) if iris else st.just(URIRef("urn:x:gone"))
    ties = {}
    for number in range(draw(st.integers(0, 80))):
        source, target, relation = draw(ends), draw(ends), draw(st.sampled_from(RELATIONS))
        if draw(st.booleans()):  # a plain statement
            key = ("triple", source, relation, target)
            ties[key] = TieView(key, source, target, relation, "")
        else:  # a qualified tie: never part of the hierarchy, whatever its class
            tie = URIRef(f"urn:x:tie{number}")
            ties[("tie", tie)] = TieView(("tie", tie), source, target, relation, "", tie=tie)
    return SimpleNamespace(nodes=nodes, ties=ties)


@settings(max_examples=150, deadline=None)
@given(projections())
def test_the_columns_make_the_graph_the_records_make(projection):
    expected = _Graph(*layout_input(projection))
    found = layout_graph_of(projection)
    assert found.keys == expected.keys
    for name in ("level", "kind", "src", "dst", "hier"):
        assert np.array_equal(getattr(found, name), getattr(expected, name)), name
    assert (found.adjacency != expected.adjacency).nnz == 0


@settings(max_examples=40, deadline=None)
@given(projections())
def test_the_levels_layout_places_every_node_as_from_records(projection):
    assert compute_layout("levels", graph=layout_graph_of(projection)) == compute_layout(
        "levels", *layout_input(projection)
    )
