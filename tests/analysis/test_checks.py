"""The checks: the shapes' messages and the analysis's missing inputs, in plain words, naming the node; filling
the gap in the store takes the check away."""

from __future__ import annotations

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDFS, XSD

from explorer.analysis.checks import checks_of_snapshot, map_checks, snapshot
from explorer.core.document import MapDocument
from explorer.core.graph_view import show_view
from explorer.core.resources import sample_maps
from explorer.core.terms import DEFAULT_GRAPH

RX = Namespace("https://w3id.org/routine-explorer/ns#")
SAMPLE = next(p for p in sample_maps() if p.stem == "keystone-michigan")


def _node(document, label: str) -> URIRef:
    return next(iter(document.store.quads(None, RDFS.label, Literal(label))))[0]


@pytest.fixture
def doc():
    document = MapDocument.open(SAMPLE, editing=False)
    yield document
    document.close()


def _about(report, node, prop):
    return [c for c in report.checks if c.focus == str(node) and c.path == str(prop)]


def test_a_missing_input_is_a_plain_message_naming_the_node_and_filling_it_removes_it(doc):
    nurses = _node(doc, "ICU nurses")
    report = map_checks(doc)
    (check,) = _about(report, nurses, RX.workload)
    assert check.source == "analysis" and check.severity == "Warning"
    assert check.focus_label == "ICU nurses" and check.path_label == "workload"
    assert check.message == (
        "Give its workload: the analysis of “CLABSI checklist bundle (Keystone)” takes it as neutral until then."
    )
    assert check.as_text().startswith("To fill in   ICU nurses (workload): Give its workload")
    assert "things to fill in" in report.summary()

    doc.store.apply(added=[(nurses, RX.workload, Literal("0.7", datatype=XSD.decimal), DEFAULT_GRAPH)])
    after = map_checks(doc)
    assert _about(after, nurses, RX.workload) == []
    assert len(after.checks) == len(report.checks) - 1


def test_a_shape_message_comes_once_without_ontology_terms(doc):
    bearing = URIRef("urn:x:bearing")
    force = URIRef("urn:x:force")
    # A typed force bearing on the nurses with no direction: the shape asks for it, in words.
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    doc.store.apply(
        added=[
            (force, rdf_type, RX.ExternalForce, DEFAULT_GRAPH),
            (force, RDFS.label, Literal("New tariff"), DEFAULT_GRAPH),
            (bearing, rdf_type, RX.ForceInfluence, DEFAULT_GRAPH),
            (bearing, RX["from"], force, DEFAULT_GRAPH),
            (bearing, RX.to, _node(doc, "ICU nurses"), DEFAULT_GRAPH),
            (bearing, RX.magnitude, Literal("0.5", datatype=XSD.decimal), DEFAULT_GRAPH),
        ]
    )
    report = map_checks(doc)
    (check,) = _about(report, bearing, RX.direction)
    assert check.source == "shape" and check.severity == "Warning"
    assert check.message == "Say whether this force drives the change or restrains it."
    assert check.path_label == "direction"


def test_a_snapshot_gives_the_same_checks_as_the_map_in_place(doc):
    assert checks_of_snapshot(snapshot(doc)) == map_checks(doc)


def test_checks_are_sorted_by_severity_then_node():
    document = MapDocument.open(SAMPLE, editing=False)
    try:
        unit = _node(document, "ICU A")
        document.store.apply(added=[(unit, RX.readiness, Literal("1.5", datatype=XSD.decimal), DEFAULT_GRAPH)])
        checks = map_checks(document).checks
    finally:
        document.close()
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    keys = [(order[c.severity], c.focus_label.casefold()) for c in checks]
    assert keys == sorted(keys)
    assert checks[0].severity == "Violation" and checks[0].focus_label == "ICU A"


NAMED_GRAPHS_ONLY = b"""@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:g:units> { <urn:x:icu> a rx:Unit ; rdfs:label "ICU" ; rx:readiness 1.5 . }
"""


def test_a_map_graph_with_nothing_in_it_is_not_a_map_with_nothing_missing(tmp_path):
    path = tmp_path / "split.trig"
    path.write_bytes(NAMED_GRAPHS_ONLY)
    document = MapDocument.open(path, editing=False)
    try:
        report = checks_of_snapshot(snapshot(document))
        assert report.checks == () and report.nothing_checked
        assert map_checks(document).nothing_checked
        # Viewed, the named graph is the map the window shows: its copy is checked, the value off scale found.
        show_view(document)
        viewed = checks_of_snapshot(snapshot(document))
        assert not viewed.nothing_checked and viewed.checked == 3
        assert [c.path_label for c in viewed.checks if c.severity == "Violation"] == ["readiness"]
        assert viewed == map_checks(document)
    finally:
        document.close()
