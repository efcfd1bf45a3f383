"""SHACL shapes: the samples validate; broken copies give the expected results."""

from __future__ import annotations

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from support.ontology import RX, ontology, sample, shapes


def validate(g: Graph) -> list[tuple[URIRef, URIRef, URIRef, str]]:
    """Top-level results as (severity, focus node, path, message); nested sh:detail results are skipped."""
    _, report, _ = pyshacl.validate(g, shacl_graph=shapes(), ont_graph=ontology(), inference="none")
    out = []
    for r in report.objects(None, SH.result):
        out.append(
            (
                report.value(r, SH.resultSeverity),
                report.value(r, SH.focusNode),
                report.value(r, SH.resultPath),
                str(report.value(r, SH.resultMessage)),
            )
        )
    return out


def violations(g: Graph):
    return [r for r in validate(g) if r[0] == SH.Violation]


def _first(g: Graph, cls: URIRef) -> URIRef:
    return sorted(g.subjects(RDF.type, cls))[0]


def test_each_sample_validates_cleanly(sample_name):
    # How long validation takes is in tests/benchmarks/bench_validation.py (target < 3 s a sample).
    results = validate(sample(sample_name))
    assert [r for r in results if r[0] == SH.Violation] == []
    # The samples are complete maps: not even warnings or infos.
    assert results == []


def test_value_off_scale_is_a_violation_naming_the_tie(sample_name):
    g = sample(sample_name)
    stance = _first(g, RX.Stance)
    g.set((stance, RX.attitude, Literal("1.5", datatype=XSD.decimal)))
    found = violations(g)
    assert [(f, p) for _, f, p, _ in found] == [(stance, RX.attitude)]
    assert "from -1 to 1" in found[0][3]


def test_tie_missing_an_end_is_a_violation_naming_the_tie(sample_name):
    g = sample(sample_name)
    tie = _first(g, RX.Interdependency)
    g.remove((tie, RX.to, None))
    found = violations(g)
    assert [(f, p) for _, f, p, _ in found] == [(tie, RX.to)]
    assert "target end" in found[0][3]


def test_wrong_kind_at_the_end_of_a_tie_is_a_violation(sample_name):
    g = sample(sample_name)
    tie = _first(g, RX.Interdependency)
    norm = _first(g, RX.Norm)
    g.set((tie, RX["from"], norm))
    found = violations(g)
    assert (tie, RX["from"]) in [(f, p) for _, f, p, _ in found]


def test_scale_datatypes():
    g = sample("video-consultations-gp")
    unit = URIRef("https://w3id.org/routine-explorer/sample/video-consultations-gp/unit/reception-team")
    g.set((unit, RX.readiness, Literal(1)))  # xsd:integer is accepted
    assert violations(g) == []
    g.set((unit, RX.readiness, Literal(0.4)))  # xsd:double is not
    assert [(f, p) for _, f, p, _ in violations(g)] == [(unit, RX.readiness)]
    g.set((unit, RX.readiness, Literal("high")))  # wrong datatype and not comparable: several results
    assert {(f, p) for _, f, p, _ in violations(g)} == {(unit, RX.readiness)}
    g.set((unit, RX.readiness, Literal("0.4", datatype=XSD.decimal)))
    g.add((unit, RX.readiness, Literal("0.5", datatype=XSD.decimal)))  # two values
    assert [(f, p) for _, f, p, _ in violations(g)] == [(unit, RX.readiness)]


def test_incomplete_routine_is_only_a_warning():
    g = sample("video-consultations-gp")
    r = URIRef("https://w3id.org/routine-explorer/sample/video-consultations-gp/routine/new")
    g.add((r, RDF.type, RX.Routine))
    results = validate(g)
    assert {(s, f) for s, f, _, _ in results} == {(SH.Warning, r)}
    assert len(results) == 2  # no label; no performer or owner
    assert any("performs" in m for *_, m in results)


def test_change_touching_nothing_is_a_warning():
    g = sample("video-consultations-gp")
    change = URIRef("https://w3id.org/routine-explorer/sample/video-consultations-gp/change/video-consultations")
    for p in (RX.disrupts, RX.introduces, RX.replaces, RX.violates, RX.alignsWith):
        g.remove((change, p, None))
    for tie in list(g.subjects(RDF.type, RX.Disruption)):
        g.remove((tie, RX["from"], None))
        g.remove((tie, None, None))
    results = validate(g)
    assert (SH.Warning, change) in {(s, f) for s, f, _, _ in results}
    assert violations(g) == []


def test_value_outside_its_scheme_is_a_violation():
    g = sample("keystone-michigan")
    norm = URIRef("https://w3id.org/routine-explorer/sample/keystone-michigan/norm/nurses-do-not-challenge")
    g.set((norm, RX.pillar, RX.micro))
    assert [(f, p) for _, f, p, _ in violations(g)] == [(norm, RX.pillar)]
