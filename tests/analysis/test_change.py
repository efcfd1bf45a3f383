"""The change analysis: known answers on tiny maps, invariances, the sample pair, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from explorer.analysis.change import AnalysisError, analyse_change
from explorer.analysis.graph import map_graph
from explorer.analysis.rdf import analysis_graph
from explorer.core.document import MapDocument
from explorer.core.namespaces import RX

REPO = Path(__file__).resolve().parents[2]
PREFIXES = "@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n@prefix org: <http://www.w3.org/ns/org#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"


def analyse(turtle: str, change: str = "urn:x:change", **options):
    doc = MapDocument.new()
    try:
        doc.store.load((PREFIXES + turtle).encode("utf-8"), format="turtle")
        return analyse_change(map_graph(doc.store), URIRef(change) if change else None, sensitivity_runs=options.pop("runs", 0), **options)
    finally:
        doc.close()


def point(result, iri: str):
    return next(p for p in result.points if str(p.node) == iri)


def test_impact_travels_further_along_reciprocal_than_pooled_ties_and_stops_after_the_hop_limit():
    result = analyse("""
        <urn:x:change> a rx:ChangeProposal .
        [] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:a> ; rx:degree 1.0 .
        <urn:x:a> a rx:Routine . <urn:x:rec> a rx:Routine . <urn:x:pool> a rx:Routine .
        [] a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:rec> ; rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
        [] a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:pool> ; rx:interdependenceType rx:pooled ; rx:strength 1.0 .
        <urn:x:c1> a rx:Routine . <urn:x:c2> a rx:Routine . <urn:x:c3> a rx:Routine . <urn:x:c4> a rx:Routine .
        [] a rx:Interdependency ; rx:from <urn:x:rec> ; rx:to <urn:x:c1> ; rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
        [] a rx:Interdependency ; rx:from <urn:x:c1> ; rx:to <urn:x:c2> ; rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
        [] a rx:Interdependency ; rx:from <urn:x:c2> ; rx:to <urn:x:c3> ; rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
        [] a rx:Interdependency ; rx:from <urn:x:c3> ; rx:to <urn:x:c4> ; rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
    """)
    impact = {str(i.routine): i for i in result.impacts}
    assert impact["urn:x:a"].direct and impact["urn:x:a"].impact == 1.0
    assert impact["urn:x:rec"].impact > impact["urn:x:pool"].impact
    assert impact["urn:x:c2"].path == tuple(URIRef(f"urn:x:{n}") for n in ("a", "rec", "c1", "c2"))
    assert impact["urn:x:c2"].via == ("reciprocal", "reciprocal", "reciprocal")
    assert "urn:x:c3" not in impact  # four ties away: beyond the three-hop bound


def test_norm_violation_is_weighted_by_pillar_and_formality():
    result = analyse("""
        <urn:x:change> a rx:ChangeProposal ; rx:violates <urn:x:cc>, <urn:x:reg>, <urn:x:informal> .
        <urn:x:cc> a rx:Norm ; rx:pillar rx:culturalCognitive ; rx:formality 0.8 .
        <urn:x:reg> a rx:Norm ; rx:pillar rx:regulative ; rx:formality 0.8 .
        <urn:x:informal> a rx:Norm ; rx:pillar rx:regulative ; rx:formality 0.2 .
    """)
    assert point(result, "urn:x:cc").score > point(result, "urn:x:reg").score > point(result, "urn:x:informal").score
    assert point(result, "urn:x:cc").reasons[0].construct == "rx:normative"


UNIT = """
    <urn:x:change> a rx:ChangeProposal ; rx:sponsorshipMode rx:{mode} ; rx:rolledOutTo <urn:x:icu>, <urn:x:ward> .
    <urn:x:icu> a rx:Unit ; rx:workload 0.6 .
    <urn:x:ward> a rx:Unit ; rx:workload 0.6 .
    <urn:x:nurses> a rx:ProfessionalGroup ; org:memberOf <urn:x:icu> .
    [] a rx:Stance ; rx:from <urn:x:nurses> ; rx:to <urn:x:change> ; rx:attitude 0.0 ; rx:confidence 0.5 .
"""


def test_lateral_support_lowers_a_units_score():
    alone = analyse(UNIT.replace("{mode}", "professionallyLed"))
    supported = analyse(UNIT.replace("{mode}", "professionallyLed") + "<urn:x:icu> rx:lateralSupport <urn:x:ward> .")
    assert point(supported, "urn:x:icu").score < point(alone, "urn:x:icu").score


def test_top_down_sponsorship_of_a_professional_group_raises_its_score():
    led = analyse(UNIT.replace("{mode}", "professionallyLed"))
    imposed = analyse(UNIT.replace("{mode}", "topDown"))
    assert point(imposed, "urn:x:nurses").score > point(led, "urn:x:nurses").score
    assert any(r.mechanism == "restraining.top_down_professionals" for r in point(imposed, "urn:x:nurses").reasons)


def test_a_missing_stance_lowers_confidence_not_the_score():
    base = """
        <urn:x:change> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
        <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
        <urn:x:p> a rx:Role ; rx:performs <urn:x:r> .
    """
    silent = analyse(base)
    neutral = analyse(base + "[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude 0.0 ; rx:confidence 1.0 .")
    assert point(silent, "urn:x:p").score == pytest.approx(point(neutral, "urn:x:p").score)
    assert point(silent, "urn:x:p").confidence < point(neutral, "urn:x:p").confidence
    assert "stance" in point(silent, "urn:x:p").missing


def test_stances_spread_along_influence_ties():
    result = analyse("""
        <urn:x:change> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
        <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
        <urn:x:leader> a rx:Role ; rx:performs <urn:x:r> ; rx:influences <urn:x:follower> .
        <urn:x:follower> a rx:Role ; rx:performs <urn:x:r> .
        [] a rx:Stance ; rx:from <urn:x:leader> ; rx:to <urn:x:change> ; rx:attitude -0.8 ; rx:confidence 1.0 .
    """)
    reasons = point(result, "urn:x:follower").reasons
    assert any(r.mechanism == "restraining.negative_stance" and "influence" in r.text for r in reasons)


SAMPLE = """
    <urn:x:change> a rx:ChangeProposal ; rx:sponsorshipMode rx:topDown ; rx:disrupts <urn:x:r> ; rx:violates <urn:x:n> .
    <urn:x:r> a rx:Routine ; rdfs:label "Handover" ; rx:embeddedness 0.7 .
    <urn:x:n> a rx:Norm ; rdfs:label "Doctors decide" ; rx:pillar rx:normative ; rx:formality 0.5 .
    <urn:x:p> a rx:Role ; rdfs:label "Nurse" ; rx:roleKind rx:clinicalRole ; rx:performs <urn:x:r> ; rx:changeFatigue 0.6 .
"""


def _scores(result) -> list:
    return sorted(round(p.score, 9) for p in result.points)


def test_renaming_nodes_or_iris_changes_no_score():
    renamed = SAMPLE.replace("Handover", "Shift change").replace("Nurse", "<b>RN</b>").replace("urn:x:p", "urn:y:someone").replace("urn:x:r", "urn:y:routine")
    assert _scores(analyse(SAMPLE)) == _scores(analyse(renamed))


def test_a_disconnected_component_changes_no_score():
    extra = """
        <urn:z:unit> a rx:Unit ; rx:workload 0.9 ; rx:changeFatigue 0.9 .
        <urn:z:r> a rx:Routine ; rx:ownedBy <urn:z:unit> .
    """
    assert _scores(analyse(SAMPLE)) == _scores(analyse(SAMPLE + extra))


def test_the_same_seed_gives_the_same_sensitivity_figures():
    first = analyse(SAMPLE, runs=30, seed=5)
    again = analyse(SAMPLE, runs=30, seed=5)
    assert [p.stability for p in first.points] == [p.stability for p in again.points]
    assert all(p.stability is not None and 0 <= p.stability <= 1 for p in first.points)


def test_choosing_a_change():
    with pytest.raises(AnalysisError, match="no change proposal"):
        analyse("<urn:x:r> a rx:Routine .", change=None)
    with pytest.raises(AnalysisError, match="2 change proposals.*choose one"):
        analyse("<urn:x:a> a rx:ChangeProposal . <urn:x:b> a rx:ChangeProposal .", change=None)


def _sample(name: str):
    doc = MapDocument.open(REPO / "sample_graphs" / f"{name}.ttl", editing=False)
    try:
        return analyse_change(map_graph(doc.store), None, sensitivity_runs=0)
    finally:
        doc.close()


def test_the_english_context_is_more_resistant_than_michigan_for_the_same_intervention_and_says_why():
    england, michigan = _sample("matching-michigan-england"), _sample("keystone-michigan")
    assert england.index > michigan.index
    assert england.restraining - england.driving > michigan.restraining - michigan.driving
    totals = Counter()
    for p in england.points:
        for reason in p.reasons:
            totals[reason.mechanism] += reason.value
    leading = [m for m, v in totals.most_common() if v > 0][:4]
    assert {"restraining.top_down_professionals", "restraining.concurrent_initiative"} <= set(leading)
    assert totals["restraining.change_fatigue"] > 0
    lateral = {name: -sum(r.value for p in result.points for r in p.reasons if r.mechanism == "driving.lateral_support")
               for name, result in (("england", england), ("michigan", michigan))}
    assert lateral["michigan"] > lateral["england"]  # sparse peer ties in England
    assert any(item.startswith("Fidelity risk") for item in england.logics["mechanistic"])
    assert any("sequential" in item for item in england.logics["ecological"])
    assert any("pillar" in item for item in england.logics["social"])


def test_every_sample_with_a_change_can_be_analysed():
    for path in sorted((REPO / "sample_graphs").glob("*.ttl")):
        result = _sample(path.stem)
        assert result.points, path.name
        assert all(p.reasons for p in result.points)


def test_the_run_is_written_as_rdf_with_its_provenance():
    result = analyse(SAMPLE)
    graph = analysis_graph(result)
    assert str(graph.identifier).startswith("https://w3id.org/routine-explorer/graph/analysis/")
    run = next(graph.subjects(None, RX.AnalysisRun))
    assert (run, RX.analysedChange, URIRef("urn:x:change")) in graph
    points = list(graph.objects(run, RX.hasPoint))
    assert len(points) == len(result.points)
    ranks = sorted(int(graph.value(p, RX.rank)) for p in points)
    assert ranks == list(range(1, len(points) + 1))
    assert len(list(graph.objects(run, RX.parameter))) > 30


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=120)


def test_the_command_line_prints_a_ranked_explained_result():
    done = _cli("analyse", str(REPO / "sample_graphs" / "matching-michigan-england.ttl"), "--top", "3", "--runs", "5")
    assert done.returncode == 0, done.stderr
    assert "Professionals are asked to carry a top-down change" in done.stdout
    assert "  1  " in done.stdout and "Levers:" in done.stdout
    data = json.loads(_cli("analyse", str(REPO / "sample_graphs" / "keystone-michigan.ttl"), "--format", "json", "--runs", "0", "--top", "1000").stdout)
    assert data["points"][0]["rank"] == 1 and data["points"][0]["reasons"]
    ttl = _cli("analyse", str(REPO / "sample_graphs" / "keystone-michigan.ttl"), "--format", "ttl", "--runs", "0").stdout
    assert len(list(Graph().parse(data=ttl, format="turtle").subjects(None, RX.ResistancePoint))) == len(data["points"])


def test_the_command_line_refuses_bad_requests_clearly(tmp_path):
    bad = tmp_path / "weights.toml"
    bad.write_text("[driving.readiness]\nvalue = 9\n", encoding="utf-8")
    done = _cli("analyse", str(REPO / "sample_graphs" / "keystone-michigan.ttl"), "--weights", str(bad))
    assert done.returncode == 2 and "driving.readiness" in done.stderr
    done = _cli("analyse", str(REPO / "sample_graphs" / "keystone-michigan.ttl"), "--change", "urn:x:nothing")
    assert done.returncode == 2 and "not a change proposal" in done.stderr


def test_the_interdependencies_command_lists_each_measure():
    done = _cli("interdependencies", str(REPO / "sample_graphs" / "keystone-michigan.ttl"), "--top", "3")
    assert done.returncode == 0, done.stderr
    for heading in ("Brokers", "Single points of failure", "Coupling between units", "Cross-level paths", "Clusters", "Hybrid leaders"):
        assert heading in done.stdout
    assert "Central-line maintenance and dressing: losing it cuts off" in done.stdout
