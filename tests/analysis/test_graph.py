"""The map as a networkx graph: nodes, attributes, ties, helpers."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import URIRef
from support.paths import SAMPLES as SAMPLE_DIR

from explorer.analysis.graph import map_graph, map_graph_from_text, routine_graph, social_graph
from explorer.core.document import MapDocument
from explorer.core.editing import connect, create_node
from explorer.core.namespaces import RX
from explorer.core.schema import Relation, Schema

SAMPLES = sorted(SAMPLE_DIR.glob("*.ttl"))
PREFIXES = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def x(name: str) -> URIRef:
    return URIRef(f"urn:x:{name}")


def test_nodes_carry_kind_level_label_and_only_the_judgements_present():
    G = map_graph_from_text(
        PREFIXES
        + """
    <urn:x:icu> a rx:Unit ; rdfs:label "ICU" ; rx:readiness 0.4 .
    <urn:x:ward> a rx:Unit ; rx:level rx:macro .
    <urn:x:norm> a rx:Norm ; rx:pillar rx:normative ; rx:formality 0 .
    <urn:x:cd> a rx:Person, rx:HybridLeader ; rx:roleKind rx:clinicalRole, rx:managerialRole .
    <urn:x:src> rx:about "not a node" .
    """
    )
    assert set(G) == {x("icu"), x("ward"), x("norm"), x("cd")}
    icu = G.nodes[x("icu")]
    assert (icu["kind"], icu["label"], icu["level"], icu["readiness"]) == (RX.Unit, "ICU", 2, 0.4)
    assert "readiness" not in G.nodes[x("ward")] and G.nodes[x("ward")]["level"] == 3
    norm = G.nodes[x("norm")]
    assert norm["pillar"] == RX.normative and norm["pillar_order"] == 2 and norm["formality"] == 0.0
    cd = G.nodes[x("cd")]
    assert cd["kind"] == RX.Person and RX.HybridLeader in cd["kinds"]
    assert cd["roleKind"] == frozenset({RX.clinicalRole, RX.managerialRole}) and cd["level"] == 1


def test_plain_and_qualified_ties_become_edges_with_their_attributes():
    G = map_graph_from_text(
        PREFIXES
        + """
    <urn:x:a> a rx:Routine ; rx:ownedBy <urn:x:u> . <urn:x:b> a rx:Routine . <urn:x:u> a rx:Unit .
    <urn:x:t1> a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:b> ;
        rx:interdependenceType rx:reciprocal ; rx:strength 0.8 .
    <urn:x:t2> a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:b> ; rx:interdependenceType rx:pooled .
    <urn:x:dangling> a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:nowhere> .
    <urn:x:f> a rx:ExternalForce . <urn:x:c> a rx:ChangeProposal .
    <urn:x:fi> a rx:ForceInfluence ; rx:from <urn:x:f> ; rx:to <urn:x:u> ; rx:direction rx:restraining ;
        rx:magnitude 0.6 ; rx:withRespectTo <urn:x:c> .
    """
    )
    assert isinstance(G, nx.MultiDiGraph)
    assert G.edges[x("a"), x("u"), RX.ownedBy] == {"relation": RX.ownedBy}
    ties = G.get_edge_data(x("a"), x("b"))
    assert set(ties) == {x("t1"), x("t2")}
    assert ties[x("t1")]["strength"] == 0.8 and ties[x("t1")]["interdependenceType_order"] == 3
    assert ties[x("t2")]["relation"] == RX.Interdependency and "strength" not in ties[x("t2")]
    force = G.edges[x("f"), x("u"), x("fi")]
    assert (force["direction"], force["magnitude"], force["withRespectTo"]) == (RX.restraining, 0.6, x("c"))
    assert G.number_of_edges() == 4  # the dangling tie is not an edge
    R = routine_graph(G)
    assert R.edges[x("a"), x("b")]["weight"] == pytest.approx(0.8 * 3 + 0.5 * 1)
    assert R.edges[x("a"), x("b")]["types"] == {RX.reciprocal, RX.pooled}


def test_graph_built_from_editing_commands_matches_the_projection():
    doc = MapDocument.new()
    schema = Schema.from_store(doc.store)
    nodes = {}
    for kind, label in [(RX.Routine, "insertion"), (RX.Routine, "care"), (RX.Person, "nurse"), (RX.Unit, "ICU")]:
        command, iri = create_node(doc, schema, kind, label)
        doc.execute(command)
        nodes[label] = iri
    doc.execute(
        connect(
            doc,
            schema,
            nodes["nurse"],
            nodes["ICU"],
            Relation(URIRef("http://www.w3.org/ns/org#memberOf"), "member of"),
        )[0]
    )
    doc.execute(
        connect(
            doc,
            schema,
            nodes["insertion"],
            nodes["care"],
            Relation(RX.Interdependency, "Interdependency", qualified=True),
        )[0]
    )
    G = map_graph(doc.store)
    from explorer.core.projection import Projection

    projection = Projection.build(doc.store, schema)
    assert set(G) == set(projection.nodes)
    assert G.number_of_edges() == len(projection.ties) == 2
    assert {G.nodes[n]["label"] for n in G} == {"insertion", "care", "nurse", "ICU"}
    doc.close()


def test_social_graph_keeps_actors_and_organisations_and_their_social_ties():
    G = map_graph_from_text(
        PREFIXES
        + """
    <urn:x:p> a rx:Person ; org:memberOf <urn:x:u> ; rx:performs <urn:x:r> ; rx:influences <urn:x:q> .
    <urn:x:q> a rx:Person . <urn:x:u> a rx:Unit . <urn:x:r> a rx:Routine . <urn:x:b> a rx:ExternalBody .
    <urn:x:s> a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:c> . <urn:x:c> a rx:ChangeProposal .
    """
    )
    S = social_graph(G)
    assert set(S) == {x("p"), x("q"), x("u"), x("b")}
    assert set(map(frozenset, S.edges())) == {frozenset({x("p"), x("u")}), frozenset({x("p"), x("q")})}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_map_projects_every_node_the_canvas_draws(path):
    doc = MapDocument.open(path, editing=False)
    schema = Schema.from_store(doc.store)
    from explorer.core.projection import Projection

    projection = Projection.build(doc.store, schema)
    G = map_graph(doc.store, schema)
    assert set(G) == set(projection.nodes)
    assert G.number_of_edges() == len(projection.ties)
    for node, data in G.nodes(data=True):
        assert data["level"] == projection.nodes[node].level and data["label"] == projection.nodes[node].label
    doc.close()
