"""Interdependency measures: known answers on tiny maps, invariances, and every sample map."""

from __future__ import annotations

import re

import networkx as nx
import pytest
from rdflib import URIRef
from support.paths import SAMPLES as SAMPLE_DIR

from explorer.analysis import interdependence as ia
from explorer.analysis.graph import map_graph, map_graph_from_text
from explorer.core.document import MapDocument
from explorer.core.namespaces import RX

SAMPLES = sorted(SAMPLE_DIR.glob("*.ttl"))
PREFIXES = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def x(name: str) -> URIRef:
    return URIRef(f"urn:x:{name}")


def labels(G, nodes) -> list:
    return [G.nodes[n]["label"] for n in nodes]


# A small organisation: two units sharing a routine, a chain of routines, a force reaching a person,
# a hybrid leader, and two cliques of people joined by one tie.
ORGANISATION = (
    PREFIXES
    + """
<urn:x:icu> a rx:Unit ; rdfs:label "ICU" .
<urn:x:theatre> a rx:Unit ; rdfs:label "Theatre" .
<urn:x:insertion> a rx:Routine ; rdfs:label "line insertion" ; rx:ownedBy <urn:x:icu> ; rx:governedBy <urn:x:norm> .
<urn:x:care> a rx:Routine ; rdfs:label "line care" ; rx:ownedBy <urn:x:icu> .
<urn:x:handover> a rx:Routine ; rdfs:label "handover" ; rx:ownedBy <urn:x:theatre> .
<urn:x:t1> a rx:Interdependency ; rx:from <urn:x:insertion> ; rx:to <urn:x:care> ;
    rx:interdependenceType rx:sequential ; rx:strength 0.9 .
<urn:x:t2> a rx:Interdependency ; rx:from <urn:x:care> ; rx:to <urn:x:handover> ;
    rx:interdependenceType rx:reciprocal ; rx:strength 0.5 .
<urn:x:norm> a rx:Norm ; rdfs:label "asepsis rule" ; rx:pillar rx:regulative .
<urn:x:force> a rx:ExternalForce ; rdfs:label "infection targets" ; rx:bearsOn <urn:x:norm> .
<urn:x:nurse> a rx:Person ; rdfs:label "nurse" ; org:memberOf <urn:x:theatre> ; rx:performs <urn:x:insertion> ;
    rx:influences <urn:x:n2>, <urn:x:n3> .
<urn:x:n2> a rx:Person ; rdfs:label "n2" ; rx:influences <urn:x:n3> .
<urn:x:n3> a rx:Person ; rdfs:label "n3" ; rx:influences <urn:x:d1> .
<urn:x:d1> a rx:Person ; rdfs:label "d1" ; rx:influences <urn:x:d2>, <urn:x:d3> .
<urn:x:d2> a rx:Person ; rdfs:label "d2" ; rx:influences <urn:x:d3> .
<urn:x:d3> a rx:Person ; rdfs:label "d3" .
<urn:x:director> a rx:Person ; rdfs:label "clinical director" ; rx:roleKind rx:clinicalRole, rx:managerialRole ;
    org:memberOf <urn:x:icu> ; rx:performs <urn:x:care> .
<urn:x:flagged> a rx:Person, rx:HybridLeader ; rdfs:label "flagged leader" .
<urn:x:clinician> a rx:Person ; rdfs:label "clinician" ; rx:roleKind rx:clinicalRole .
"""
)


@pytest.fixture(scope="module")
def G():
    return map_graph_from_text(ORGANISATION)


def test_chain_of_routines_has_its_middle_as_articulation_point(G):
    found = ia.single_points_of_failure(G)
    points = {p.label: p for p in found.articulation_points}
    assert set(points) == {"line care"}
    care = points["line care"]
    assert care.parts == (1, 1) and care.cut_off_size == 1
    assert labels(G, care.cut_off) in (["handover"], ["line insertion"])
    assert len(found.bridges) == 2
    assert all(b.cut_off_size == 1 for b in found.bridges)
    assert {b.ties for b in found.bridges} == {(x("t1"),), (x("t2"),)}


def test_cut_off_sets_agree_with_removing_the_node():
    # A tree and a cycle hanging off a hub: check against brute force.
    routines = " ".join(f"<urn:x:r{i}> a rx:Routine ." for i in range(12))
    ties = [(0, 1), (1, 2), (2, 3), (3, 1), (1, 4), (4, 5), (4, 6), (6, 7), (7, 8), (8, 6), (9, 10), (10, 11)]
    text = PREFIXES + routines + " ".join(f"<urn:x:r{a}> rx:interdependentWith <urn:x:r{b}> ." for a, b in ties)
    G = map_graph_from_text(text)
    found = ia.single_points_of_failure(G, list_limit=100)
    R = nx.Graph(ties)
    assert {int(str(p.node)[7:]) for p in found.articulation_points} == set(nx.articulation_points(R))
    for point in found.articulation_points:
        v = int(str(point.node)[7:])
        H = R.copy()
        H.remove_node(v)
        sizes = sorted((len(c) for c in nx.connected_components(H) if c & set(R[v])), reverse=True)
        assert sorted(point.parts, reverse=True) == sizes
        assert point.cut_off_size == sum(sizes[1:]) == len(point.cut_off)
    assert {frozenset(int(str(n)[7:]) for n in b.ends) for b in found.bridges} == {frozenset(e) for e in nx.bridges(R)}


def test_two_units_sharing_a_routine_are_coupled(G):
    (pair,) = ia.unit_coupling(G)
    assert pair.labels == ("ICU", "Theatre")
    assert labels(G, pair.shared_routines) == ["line insertion"]  # owned by the ICU, performed by a theatre nurse
    assert pair.crossing == (x("t2"),)
    assert pair.by_type == {"pooled": 0, "sequential": 0, "reciprocal": 1, "unspecified": 0}
    assert pair.score == pytest.approx(3.0 * 1 + 0.5 * 3)


def test_macro_force_reaches_a_person_through_norm_and_routine(G):
    found = ia.cross_level_paths(G)
    by_target = {G.nodes[p.target]["label"]: p for p in found.paths}
    nurse = by_target["nurse"]
    assert labels(G, nurse.path) == ["infection targets", "asepsis rule", "line insertion", "nurse"]
    assert nurse.steps == ((RX.bearsOn, True), (RX.governedBy, False), (RX.performs, False))
    assert nurse.hops == 3
    assert found.reach[x("force")] == len(found.paths)
    assert ia.cross_level_paths(G, max_hops=2).paths[0].hops == 2
    assert "nurse" not in {G.nodes[p.target]["label"] for p in ia.cross_level_paths(G, max_hops=2).paths}


def test_hybrid_leaders_by_type_or_by_role_kinds(G):
    found = {h.label: h for h in ia.hybrid_leaders(G)}
    assert set(found) == {"clinical director", "flagged leader"}
    director = found["clinical director"]
    assert (director.asserted, director.by_role_kinds) == (False, True)
    assert labels(G, director.units) == ["ICU"] and labels(G, director.routines) == ["line care"]
    assert (found["flagged leader"].asserted, found["flagged leader"].by_role_kinds) == (True, False)


def test_clusters_find_the_two_cliques_and_who_links_them():
    text = (
        PREFIXES
        + """
    <urn:x:a1> a rx:Person ; rx:influences <urn:x:a2>, <urn:x:a3>, <urn:x:a4> .
    <urn:x:a2> a rx:Person ; rx:influences <urn:x:a3>, <urn:x:a4> .
    <urn:x:a3> a rx:Person ; rx:influences <urn:x:a4> . <urn:x:a4> a rx:Person ; rx:influences <urn:x:b1> .
    <urn:x:b1> a rx:Person ; rx:influences <urn:x:b2>, <urn:x:b3>, <urn:x:b4> .
    <urn:x:b2> a rx:Person ; rx:influences <urn:x:b3>, <urn:x:b4> .
    <urn:x:b3> a rx:Person ; rx:influences <urn:x:b4> . <urn:x:b4> a rx:Person .
    """
    )
    G = map_graph_from_text(text)
    found = ia.clusters(G, seed=3)
    assert sorted(sorted(labels(G, c)) for c in found.communities) == [
        ["a1", "a2", "a3", "a4"],
        ["b1", "b2", "b3", "b4"],
    ]
    assert sorted(s.label for s in found.spanners) == ["a4", "b1"]
    assert found.modularity > 0.3
    leiden = ia.clusters(G, seed=3, method="leiden")
    assert leiden.communities == found.communities and leiden.method == "leiden"
    assert leiden.modularity == pytest.approx(found.modularity)
    assert ia.clusters(G, seed=3, method="leiden") == leiden
    with pytest.raises(ValueError):
        ia.clusters(G, method="magic")


def test_brokerage_finds_the_bridge_between_cliques(G):
    result = ia.brokerage(G)
    assert result.exact and result.error_bound == 0.0
    top = result.brokers[0]
    assert top.label in ("n3", "d1") and top.betweenness > 0.1
    isolated = result.by_node[x("clinician")]
    assert isolated.constraint is None and isolated.betweenness == 0.0
    assert result.by_node[x("d2")].constraint > result.by_node[x("d1")].constraint


def test_sampled_betweenness_same_seed_same_result_and_error_stated():
    path = nx.connected_watts_strogatz_graph(300, 4, 0.1, seed=2)
    text = (
        PREFIXES
        + " ".join(f"<urn:x:p{i}> a rx:Person ." for i in path)
        + " ".join(f"<urn:x:p{a}> rx:influences <urn:x:p{b}> ." for a, b in path.edges())
    )
    G = map_graph_from_text(text)
    first = ia.brokerage(G, exact_below=10, k=60, seed=7)
    again = ia.brokerage(G, exact_below=10, k=60, seed=7)
    other = ia.brokerage(G, exact_below=10, k=60, seed=8)
    exact = ia.brokerage(G)
    assert not first.exact and first.k == 60 and first.seed == 7
    assert [(b.node, b.betweenness) for b in first.brokers] == [(b.node, b.betweenness) for b in again.brokers]
    assert [b.betweenness for b in first.brokers] != [b.betweenness for b in other.brokers]
    errors = [abs(first.by_node[n].betweenness - exact.by_node[n].betweenness) for n in G]
    assert max(errors) <= first.error_bound  # Hoeffding: holds per node with 95 %, here for all
    assert first.estimated_error > 0
    assert sum(errors) / len(errors) < 5 * first.estimated_error


def _renamed(text: str) -> str:
    """The same map with every IRI and every label changed."""
    text = re.sub(r"<urn:x:([^>]+)>", lambda m: f"<https://example.org/other/{m.group(1)[::-1]}-z>", text)
    return re.sub(r'rdfs:label "([^"]+)"', lambda m: f'rdfs:label "zz {m.group(1).upper()}"', text)


def _figures(G) -> dict:
    """Every measure reduced to what must not depend on names: sorted multisets of numbers."""
    s = ia.summary(G, seed=1)
    return {
        "betweenness": sorted(round(b.betweenness, 9) for b in s.brokerage.brokers),
        "constraint": sorted(round(b.constraint, 9) for b in s.brokerage.brokers if b.constraint is not None),
        "effective": sorted(round(b.effective_size, 9) for b in s.brokerage.brokers if b.effective_size is not None),
        "cuts": sorted(p.parts for p in s.failure_points.articulation_points),
        "bridges": sorted(b.cut_off_size for b in s.failure_points.bridges),
        "coupling": sorted((c.score, len(c.shared_routines), tuple(c.by_type.values())) for c in s.coupling),
        "paths": sorted(p.hops for p in s.cross_level.paths),
        "clusters": sorted(len(c) for c in s.clusters.communities),
        "hybrids": sorted((h.asserted, h.by_role_kinds, len(h.units), len(h.routines)) for h in s.hybrid_leaders),
    }


def test_renaming_labels_and_iris_changes_no_figure(G):
    assert _figures(map_graph_from_text(_renamed(ORGANISATION))) == _figures(G)


def test_a_disconnected_component_changes_nothing_for_the_others(G):
    extra = (
        PREFIXES
        + """
    <urn:y:u> a rx:Unit . <urn:y:r1> a rx:Routine ; rx:ownedBy <urn:y:u> .
    <urn:y:r2> a rx:Routine ; rx:ownedBy <urn:y:u> .
    <urn:y:r1> rx:interdependentWith <urn:y:r2> .
    <urn:y:p> a rx:Person ; org:memberOf <urn:y:u> ; rx:performs <urn:y:r1> .
    """
    )
    H = map_graph_from_text(ORGANISATION + extra)
    assert len(H) == len(G) + 4
    failure, failure_h = ia.single_points_of_failure(G), ia.single_points_of_failure(H)
    assert failure.articulation_points == failure_h.articulation_points
    assert set(failure.bridges) <= set(failure_h.bridges)
    assert ia.unit_coupling(G) == ia.unit_coupling(H)
    assert ia.hybrid_leaders(G) == ia.hybrid_leaders(H)
    paths = {p.target: p for p in ia.cross_level_paths(G).paths}
    assert {p.target: p for p in ia.cross_level_paths(H).paths} == paths
    b, bh = ia.brokerage(G), ia.brokerage(H)
    for node, broker in b.by_node.items():
        other = bh.by_node[node]
        assert other.constraint == broker.constraint and other.effective_size == broker.effective_size
        # Normalised betweenness divides by the pairs of the whole graph: compare raw path counts.
        n, nh = len(b.brokers), len(bh.brokers)
        assert other.betweenness * (nh - 1) * (nh - 2) == pytest.approx(broker.betweenness * (n - 1) * (n - 2))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_map_gives_plausible_results(path):
    doc = MapDocument.open(path, editing=False)
    G = map_graph(doc.store)
    doc.close()
    s = ia.summary(G, seed=0)
    assert s.brokerage.exact and s.brokerage.brokers
    assert all(0.0 <= b.betweenness <= 1.0 for b in s.brokerage.brokers)
    assert all(b.constraint is None or 0.0 < b.constraint <= 1.5 for b in s.brokerage.brokers)
    assert s.cross_level.paths, "every sample has macro forces or bodies reaching its routines"
    for p in s.cross_level.paths:
        assert G.nodes[p.source]["level"] == 3 and p.hops == len(p.steps) <= 4
    assert sum(len(c) for c in s.clusters.communities) == sum(1 for n in G if G.nodes[n]["kind"] != RX.SourceRecord)
    assert all(c.score > 0 and c.units[0] != c.units[1] for c in s.coupling)
    for point in s.failure_points.articulation_points:
        assert point.cut_off_size >= 1 and point.cut_off_size == sum(point.parts[1:])


def test_the_keystone_map_has_hybrid_leaders():
    doc = MapDocument.open(next(p for p in SAMPLES if p.stem == "keystone-michigan"), editing=False)
    G = map_graph(doc.store)
    doc.close()
    leaders = ia.hybrid_leaders(G)
    assert len(leaders) >= 3 and all(h.by_role_kinds or h.asserted for h in leaders)


@pytest.mark.parametrize("seed", [1, 2])
def test_sparse_burt_measures_match_networkx(seed):
    import random

    rng = random.Random(seed)
    S = nx.gnm_random_graph(60, 150, seed=seed)
    S.add_node(99)  # isolated
    for u, v in S.edges():
        S.edges[u, v]["weight"] = rng.uniform(0.1, 2.0)
    for weight in ("weight", None):
        constraint, effective = ia.burt_measures(S, weight=weight)
        expected_c = nx.constraint(S, nodes=list(S), weight=weight)
        expected_e = nx.effective_size(S, nodes=list(S), weight=weight)
        for node in S:
            if S.degree(node):
                assert constraint[node] == pytest.approx(expected_c[node])
                assert effective[node] == pytest.approx(expected_e[node])
            else:
                assert constraint[node] != constraint[node] and effective[node] != effective[node]
