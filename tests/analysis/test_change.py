"""The change analysis: known answers on tiny maps (one per mechanism), the words a change agent reads,
the sample pair by mechanism, the run as RDF, and the command line.

Every number below is worked out by hand from docs/analysis-model.md and the default weights.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from support.paths import SAMPLES

from explorer.analysis.change import AnalysisError, analyse_change
from explorer.analysis.graph import map_graph
from explorer.analysis.rdf import analysis_graph
from explorer.analysis.weights import load_weights
from explorer.core.document import MapDocument
from explorer.core.namespaces import RX

REPO = Path(__file__).resolve().parents[2]
PREFIXES = (
    "@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
W = load_weights()


def analyse(turtle: str, change: str = "urn:x:change", **options):
    options.setdefault("runs", 0)
    options.setdefault("levers", False)
    doc = MapDocument.new()
    try:
        doc.store.load((PREFIXES + turtle).encode("utf-8"), format="turtle")
        return analyse_change(map_graph(doc.store), URIRef(change) if change else None, **options)
    finally:
        doc.close()


def point(result, iri: str, role: str | None = None):
    return next(p for p in result.points if str(p.node) == iri and (role is None or p.role == role))


ONE_ROUTINE = """
<urn:x:change> a rx:ChangeProposal .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .
<urn:x:r> a rx:Routine ; rdfs:label "Handover" ; rx:embeddedness 0.5 .
<urn:x:p> a rx:Role ; rdfs:label "Nurse" ; rx:performs <urn:x:r> .
"""


def test_a_disrupted_routine_weighs_degree_times_embeddedness_on_its_performer():
    p = point(analyse(ONE_ROUTINE), "urn:x:p")
    assert p.score == pytest.approx(W["transgression.routine_disruption"] * 0.8 * 0.5)
    assert p.likelihood == pytest.approx(1 - math.exp(-p.score))
    assert [r.kind for r in p.reasons] == ["transgression"]


def test_context_multiplies_transgression_by_exp_of_its_centred_value():
    p = point(analyse(ONE_ROUTINE + "<urn:x:p> rx:workload 0.9 ; rx:readiness 0.2 ."), "urn:x:p")
    exponent = W["context.workload"] * 0.8 - W["context.readiness"] * (-0.6)
    assert p.score == pytest.approx(0.4 * math.exp(exponent))
    # The reasons split the score exactly: the transgression, and the context in proportion to its terms.
    by = {r.mechanism: r.value for r in p.reasons}
    assert by["transgression.routine_disruption"] == pytest.approx(0.4)
    assert by["context.workload"] / by["context.readiness"] == pytest.approx(
        (W["context.workload"] * 0.8) / (W["context.readiness"] * 0.6)
    )
    assert sum(by.values()) == pytest.approx(p.score)


def test_a_neutral_stated_value_is_the_same_as_none_and_a_low_readiness_raises_resistance():
    silent = point(analyse(ONE_ROUTINE), "urn:x:p").score
    assert point(analyse(ONE_ROUTINE + "<urn:x:p> rx:readiness 0.5 ."), "urn:x:p").score == pytest.approx(silent)
    assert point(analyse(ONE_ROUTINE + "<urn:x:p> rx:readiness 0.1 ."), "urn:x:p").score > silent
    assert point(analyse(ONE_ROUTINE + "<urn:x:p> rx:workload 0.1 ."), "urn:x:p").score < silent
    assert "readiness" in point(analyse(ONE_ROUTINE), "urn:x:p").missing


def test_impact_travels_further_along_reciprocal_than_pooled_ties_and_stops_after_three():
    result = analyse("""
        <urn:x:change> a rx:ChangeProposal .
        [] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:a> ; rx:degree 1.0 .
        <urn:x:a> a rx:Routine . <urn:x:rec> a rx:Routine . <urn:x:pool> a rx:Routine .
        [] a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:rec> ;
            rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
        [] a rx:Interdependency ; rx:from <urn:x:a> ; rx:to <urn:x:pool> ;
            rx:interdependenceType rx:pooled ; rx:strength 1.0 .
        <urn:x:c1> a rx:Routine . <urn:x:c2> a rx:Routine . <urn:x:c3> a rx:Routine .
        [] a rx:Interdependency ; rx:from <urn:x:rec> ; rx:to <urn:x:c1> ;
            rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
        [] a rx:Interdependency ; rx:from <urn:x:c1> ; rx:to <urn:x:c2> ;
            rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
        [] a rx:Interdependency ; rx:from <urn:x:c2> ; rx:to <urn:x:c3> ;
            rx:interdependenceType rx:reciprocal ; rx:strength 1.0 .
    """)
    impact = {str(i.routine): i for i in result.impacts}
    assert impact["urn:x:rec"].impact == pytest.approx(W["propagation.reciprocal"])
    assert impact["urn:x:pool"].impact == pytest.approx(W["propagation.pooled"])
    assert impact["urn:x:c2"].path == tuple(URIRef(f"urn:x:{n}") for n in ("a", "rec", "c1", "c2"))
    assert impact["urn:x:c2"].via == ("reciprocal", "reciprocal", "reciprocal")
    assert "urn:x:c3" not in impact


NORM = """
<urn:x:change> a rx:ChangeProposal ; rx:violates <urn:x:n> .
<urn:x:n> a rx:Norm ; rdfs:label "Doctors decide" ; rx:pillar rx:{pillar} ; rx:formality {f} ; rx:sanctionSeverity 0.8 .
[] a rx:NormSubscription ; rx:from <urn:x:p> ; rx:to <urn:x:n> ; rx:strength 0.5 .
<urn:x:p> a rx:Role ; rdfs:label "Nurse" .
"""


def norm_score(pillar: str, f: float, extra: str = "") -> float:
    return point(analyse(NORM.replace("{pillar}", pillar).replace("{f}", str(f)) + extra), "urn:x:p").score


def test_each_pillar_weighs_a_violated_norm_its_own_way():
    assert norm_score("regulative", 0.6) == pytest.approx(W["transgression.norm_regulative"] * (0.6 + 0.8) / 2 * 0.5)
    assert norm_score("normative", 0.6) == pytest.approx(W["transgression.norm_normative"] * 0.5)
    assert norm_score("culturalCognitive", 0.1) == pytest.approx(W["transgression.norm_cultural_cognitive"] * 0.9 * 0.5)
    # Taken-for-granted norms are strongest exactly where nothing is written down.
    assert norm_score("culturalCognitive", 0.0) > norm_score("normative", 0.0) > norm_score("regulative", 0.0)


def test_bodies_behind_a_norm_weigh_by_authority_or_influence_and_less_when_they_back_the_change():
    body = "<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 1.0 ; rx:influence 0.2 . <urn:x:n> rx:backedBy <urn:x:b> ."
    regulative = norm_score("regulative", 0.6, body)
    assert regulative == pytest.approx(
        W["transgression.norm_regulative"] * 0.7 * (1 + W["transgression.backing_body"] * 1.0) * 0.5
    )
    assert norm_score("normative", 0.6, body) == pytest.approx(
        W["transgression.norm_normative"] * (1 + W["transgression.backing_body"] * 0.2) * 0.5
    )
    endorsing = norm_score(
        "regulative", 0.6, body + "[] a rx:Stance ; rx:from <urn:x:b> ; rx:to <urn:x:change> ; rx:attitude 1.0 ."
    )
    assert endorsing == pytest.approx(norm_score("regulative", 0.6))


def test_a_task_moved_across_professional_groups_weighs_on_both_sides_and_on_the_group_members():
    result = analyse("""
        <urn:x:change> a rx:ChangeProposal .
        <urn:x:doctors> a rx:ProfessionalGroup ; rdfs:label "Doctors" .
        <urn:x:nurses> a rx:ProfessionalGroup ; rdfs:label "Nurses" .
        <urn:x:consultant> a rx:Role ; rx:ofProfession <urn:x:doctors> .
        [] a rx:TaskReallocation ; rx:from <urn:x:doctors> ; rx:to <urn:x:nurses> ; rx:byChange <urn:x:change> .
    """)
    loser = W["transgression.jurisdiction_group"]
    assert point(result, "urn:x:nurses").score == pytest.approx(loser * W["transgression.gainer_share"])
    # The group's member bears the group's jurisdiction one level down; the group reads as all its people: its
    # own (the loss itself) and its member's.
    consultant = point(result, "urn:x:consultant")
    assert consultant.score == pytest.approx(loser * W["levels.decay"])
    doctors = point(result, "urn:x:doctors")
    assert doctors.role == "collective"
    assert doctors.likelihood == pytest.approx(((1 - math.exp(-loser)) + consultant.likelihood) / 2)


def test_a_force_on_an_organisation_reaches_its_members_with_decay_per_level():
    base = (
        ONE_ROUTINE
        + """
        <urn:x:unit> a rx:Unit ; org:unitOf <urn:x:trust> . <urn:x:trust> a rx:Organisation .
        <urn:x:p> org:memberOf <urn:x:unit> .
        <urn:x:mandate> a rx:ExternalForce .
        [] a rx:ForceInfluence ; rx:from <urn:x:mandate> ; rx:to <urn:x:trust> ;
            rx:direction rx:restraining ; rx:magnitude 0.8 .
    """
    )
    p = point(analyse(base), "urn:x:p")
    assert p.score == pytest.approx(0.4 * math.exp(W["context.external_force"] * 0.8 * W["levels.decay"] ** 2))
    assert any("mandate" in r.text and "via “trust”, 2 levels up" in r.text for r in p.reasons)


def test_stances_spread_along_influence_ties_and_both_stances_are_shown():
    result = analyse(
        ONE_ROUTINE
        + """
        <urn:x:lead> a rx:Role ; rdfs:label "Lead" .
        [] a rx:Stance ; rx:from <urn:x:lead> ; rx:to <urn:x:change> ; rx:attitude -0.8 .
        [] a rx:InfluenceTie ; rx:from <urn:x:lead> ; rx:to <urn:x:p> ; rx:strength 1.0 .
        [] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude 0.0 .
    """
    )
    p = point(result, "urn:x:p")
    after = W["stance.susceptibility"] * -0.8
    assert p.stated_attitude == 0.0 and p.attitude == pytest.approx(after)
    assert p.score == pytest.approx(0.4 * math.exp(-W["context.stance"] * after))
    text = next(r.text for r in p.reasons if r.mechanism == "context.stance")
    assert "Stated attitude +0.0" in text and f"{after:+.1f} after influence" in text


def test_top_down_sponsorship_weighs_only_where_it_overrides_professionals_own_norms_or_jurisdictions():
    professional = (
        NORM.replace("{pillar}", "normative").replace("{f}", "0.5") + "<urn:x:p> rx:roleKind rx:clinicalRole ."
    )
    clerk = (
        NORM.replace("{pillar}", "normative").replace("{f}", "0.5") + "<urn:x:p> rx:roleKind rx:administrativeRole ."
    )
    for mode, sign in (("topDown", 1), ("professionallyLed", -1)):
        sponsored = f"<urn:x:change> rx:sponsorshipMode rx:{mode} ."
        assert point(analyse(professional + sponsored), "urn:x:p").score == pytest.approx(
            point(analyse(professional), "urn:x:p").score * math.exp(sign * W["interaction.sponsorship"])
        )
        assert point(analyse(clerk + sponsored), "urn:x:p").score == pytest.approx(
            point(analyse(clerk), "urn:x:p").score
        )
    routine_only = ONE_ROUTINE + "<urn:x:p> rx:roleKind rx:clinicalRole ."
    assert point(
        analyse(routine_only + "<urn:x:change> rx:sponsorshipMode rx:topDown ."), "urn:x:p"
    ).score == pytest.approx(point(analyse(routine_only), "urn:x:p").score)
    mixed = analyse(professional + "<urn:x:change> rx:sponsorshipMode rx:topDown, rx:professionallyLed .")
    assert point(mixed, "urn:x:p").score == pytest.approx(point(analyse(professional), "urn:x:p").score)


def test_an_introduced_routine_is_new_work_not_a_disruption():
    result = analyse("""
        <urn:x:change> a rx:ChangeProposal ; rx:introduces <urn:x:r> .
        <urn:x:r> a rx:Routine ; rdfs:label "Safety huddle" ; rx:embeddedness 0.9 .
        <urn:x:p> a rx:Role ; rx:performs <urn:x:r> .
    """)
    p = point(result, "urn:x:p")
    assert p.score == pytest.approx(W["transgression.new_routine"])
    assert "introduces" in p.reasons[0].text and "disrupted" not in p.reasons[0].text


def test_the_figure_counts_the_people_likely_to_resist_and_a_unit_reads_as_the_share_of_all_its_people():
    result = analyse(
        ONE_ROUTINE
        + """
        <urn:x:unit> a rx:Unit ; rdfs:label "Ward" .
        <urn:x:p> org:memberOf <urn:x:unit> ; rx:headcount 3 .
        <urn:x:q> a rx:Role ; org:memberOf <urn:x:unit> ; rx:performs <urn:x:r> ; rx:workload 0.9 ; rx:headcount 1 .
        <urn:x:bystander> a rx:Role ; org:memberOf <urn:x:unit> ; rx:headcount 50 .
    """
    )
    p, q = point(result, "urn:x:p"), point(result, "urn:x:q")
    assert result.figure.value == pytest.approx(3 * p.likelihood + 1 * q.likelihood)
    assert result.figure.people == 4 and result.figure.points == 2
    assert result.figure.share == pytest.approx((3 * p.likelihood + q.likelihood) / 4)
    # A unit reads as the share of all its people likely to resist: its own (1, no headcount given), and every
    # member drawn, the 50 bystanders the change does not reach among them; a routine, of those who carry it.
    unit = point(result, "urn:x:unit")
    assert unit.role == "collective" and unit.likelihood == pytest.approx((3 * p.likelihood + q.likelihood) / 55)
    routine = point(result, "urn:x:r", "routine")
    assert routine.likelihood == pytest.approx((3 * p.likelihood + q.likelihood) / 4)
    for whole in (unit, routine):
        assert sum(r.value for r in whole.reasons) == pytest.approx(whole.score)


def test_a_change_that_transgresses_nothing_meets_no_resistance_however_it_is_sponsored():
    result = analyse("""
        <urn:x:change> a rx:ChangeProposal ; rx:sponsorshipMode rx:topDown ; rx:rolledOutTo <urn:x:unit> ;
            rx:complexity 1.0 ; rx:relativeAdvantage -1.0 .
        <urn:x:unit> a rx:Unit ; rx:changeFatigue 1.0 ; rx:workload 1.0 .
        <urn:x:p> a rx:Role ; rx:roleKind rx:clinicalRole ; org:memberOf <urn:x:unit> .
        [] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude -1.0 .
    """)
    assert result.points == () and result.figure.value == 0.0


def test_words_use_labels_from_the_ontology_never_iris_or_camel_case():
    result = analyse(
        NORM.replace("{pillar}", "culturalCognitive").replace("{f}", "0.2")
        + ONE_ROUTINE.replace("<urn:x:change> a rx:ChangeProposal .", "")
        + "<urn:x:change> rx:sponsorshipMode rx:topDown .",
        runs=20,
    )
    for p in result.points:
        for text in (
            [p.sentence] + [r.text for r in p.reasons] + [r.construct_label for r in p.reasons] + list(p.missing)
        ):
            assert "rx:" not in text and "culturalCognitive" not in text and "https://" not in text, text
            assert not re.search(r"\b[a-z]+[A-Z][a-z]+\b", text), text
    assert any(r.construct_label == "cultural-cognitive pillar" for p in result.points for r in p.reasons)


def test_levers_are_concrete_edits_ranked_by_their_computed_effect_and_never_use_an_opponent():
    result = analyse(
        ONE_ROUTINE
        + """
        <urn:x:change> rx:sponsorshipMode rx:topDown ; rx:violates <urn:x:n> .
        <urn:x:n> a rx:Norm ; rx:pillar rx:normative ; rx:backedBy <urn:x:college> .
        <urn:x:college> a rx:ExternalBody ; rdfs:label "College" ; rx:influence 0.9 .
        <urn:x:p> rx:roleKind rx:clinicalRole ; rx:subscribesTo <urn:x:n> ; org:memberOf <urn:x:ward> .
        <urn:x:ward> a rx:Unit ; rdfs:label "Ward" . <urn:x:ward2> a rx:Unit ; rdfs:label "Ward 2" .
        <urn:x:opponent> a rx:Role ; a rx:OpinionLeader ; rx:influences <urn:x:p> .
        [] a rx:Stance ; rx:from <urn:x:opponent> ; rx:to <urn:x:change> ; rx:attitude -0.9 .
        <urn:x:ally> a rx:Role ; a rx:OpinionLeader ; org:memberOf <urn:x:ward> .
    """,
        levers=True,
    )
    kinds = {lever.kind for lever in result.levers}
    assert {"sponsorship", "renegotiate norm", "adapt the change", "lateral tie", "data feedback", "broker"} <= kinds
    effects = [lever.effect for lever in result.levers]
    assert effects == sorted(effects, reverse=True) and effects[0] > 0
    for lever in result.levers:
        assert lever.edit and all(op in ("add", "remove", "set") for op, *_ in lever.edit)
        assert URIRef("urn:x:opponent") not in lever.nodes
        if lever.kind == "lateral tie":
            assert {str(n) for n in lever.nodes} == {"urn:x:ward", "urn:x:ward2"}
        if lever.kind == "broker":
            assert str(lever.nodes[0]) == "urn:x:ally" and not any(str(n) == "urn:x:n" for n in lever.nodes)


def test_the_uncertainty_runs_reflect_the_inputs_confidence():
    sure = point(
        analyse(
            ONE_ROUTINE + "<urn:x:p> rx:workload 0.8 ; rx:readiness 0.4 ; rx:changeFatigue 0.6 ; rx:confidence 1.0 .",
            runs=200,
        ),
        "urn:x:p",
    )
    unsure = point(
        analyse(
            ONE_ROUTINE + "<urn:x:p> rx:workload 0.8 ; rx:readiness 0.4 ; rx:changeFatigue 0.6 ; rx:confidence 0.1 .",
            runs=200,
        ),
        "urn:x:p",
    )
    assert sure.score == pytest.approx(unsure.score)
    assert sure.confidence > unsure.confidence


def test_choosing_a_change():
    with pytest.raises(AnalysisError, match="no change proposal"):
        analyse("<urn:x:r> a rx:Routine .", change=None)
    with pytest.raises(AnalysisError, match=r"2 change proposals.*choose one"):
        analyse("<urn:x:a> a rx:ChangeProposal . <urn:x:b> a rx:ChangeProposal .", change=None)


def _sample(name: str, **options):
    doc = MapDocument.open(SAMPLES / f"{name}.ttl", editing=False)
    try:
        options.setdefault("runs", 0)
        options.setdefault("levers", False)
        return analyse_change(map_graph(doc.store), None, **options)
    finally:
        doc.close()


def _by_mechanism(result) -> Counter:
    totals = Counter()
    for p in result.points:
        if p.role == "carrier":
            for reason in p.reasons:
                totals[reason.mechanism] += reason.value
    return totals


def test_the_english_context_meets_more_resistance_than_michigan_for_the_same_intervention_by_mechanism():
    england, michigan = _sample("matching-michigan-england", runs=100), _sample("keystone-michigan", runs=100)
    assert england.figure.value > michigan.figure.value
    assert england.figure.low > michigan.figure.high  # not a close call across the uncertainty runs
    e, m = _by_mechanism(england), _by_mechanism(michigan)
    assert e["interaction.sponsorship"] > 0 > m["interaction.sponsorship"]  # top-down vs professionally led
    assert e["context.concurrent_initiative"] > 0 and m["context.concurrent_initiative"] == 0
    assert m["context.lateral_support"] < e["context.lateral_support"] <= 0  # dense vs sparse peer ties
    assert m["context.data_feedback"] < 0 and e["context.data_feedback"] == 0
    assert e["context.change_fatigue"] > 0


def test_neither_sample_meets_resistance_once_the_change_transgresses_nothing():
    for name in ("matching-michigan-england", "keystone-michigan"):
        graph = Graph().parse(SAMPLES / f"{name}.ttl")
        for predicate in (RX.disrupts, RX.introduces, RX.replaces, RX.violates, RX.reallocatesTask):
            graph.remove((None, predicate, None))
        for tie in list(graph.subjects(None, RX.Disruption)) + list(graph.subjects(None, RX.TaskReallocation)):
            graph.remove((tie, None, None))
        doc = MapDocument.new()
        try:
            doc.store.load(graph.serialize(format="nt").encode("utf-8"), format="ntriples")
            result = analyse_change(map_graph(doc.store), None, runs=0, levers=False)
        finally:
            doc.close()
        assert result.points == () and result.figure.value == 0.0, name


def test_every_sample_can_be_analysed_with_every_score_explained():
    for path in sorted(SAMPLES.glob("*.ttl")):
        result = _sample(path.stem)
        assert result.points, path.name
        for p in result.points:
            assert p.reasons and sum(r.value for r in p.reasons) == pytest.approx(p.score), (path.name, p.label)
            assert p.sentence.startswith("Resistance")


def test_the_run_is_written_as_rdf_with_its_provenance_figure_and_levers():
    result = analyse(ONE_ROUTINE + "<urn:x:change> rx:complexity 0.4 .", runs=10, levers=True)
    graph = analysis_graph(result)
    assert str(graph.identifier).startswith("https://w3id.org/routine-explorer/graph/analysis/")
    run = next(graph.subjects(None, RX.AnalysisRun))
    assert (run, RX.analysedChange, URIRef("urn:x:change")) in graph
    assert float(graph.value(run, RX.peopleLikelyToResist)) == pytest.approx(result.figure.value, abs=1e-4)
    assert float(graph.value(run, RX.exposedShare)) == pytest.approx(result.figure.share, abs=1e-4)
    assert float(graph.value(run, RX.peopleLikelyToResistHigh)) >= float(graph.value(run, RX.peopleLikelyToResist))
    points = list(graph.objects(run, RX.hasPoint))
    assert len(points) == len(result.points)
    assert sorted(int(graph.value(p, RX.rank)) for p in points) == list(range(1, len(points) + 1))
    assert all(graph.value(p, RX.likelihood) is not None and graph.value(p, RX.rankLow) is not None for p in points)
    assert len(list(graph.objects(run, RX.hasLever))) == len(result.levers) > 0
    assert len(list(graph.objects(run, RX.parameter))) > 40


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=180)


def test_the_command_line_prints_a_ranked_explained_result():
    done = _cli("analyse", str(SAMPLES / "matching-michigan-england.ttl"), "--top", "3", "--runs", "20")
    assert done.returncode == 0, done.stderr
    assert re.search(
        r"^[0-9.]+ of the [0-9,]+ people the change exposes are likely to resist \([0-9]+ %; ", done.stdout, re.M
    )
    assert "Sponsored top-down" in done.stdout and "  1  " in done.stdout and "Levers" in done.stdout
    data = json.loads(
        _cli(
            "analyse",
            str(SAMPLES / "keystone-michigan.ttl"),
            "--format",
            "json",
            "--runs",
            "0",
            "--top",
            "1000",
            "--no-levers",
        ).stdout
    )
    assert data["points"][0]["rank"] == 1 and data["points"][0]["reasons"] and data["figure"]["value"] > 0
    ttl = _cli(
        "analyse",
        str(SAMPLES / "keystone-michigan.ttl"),
        "--format",
        "ttl",
        "--runs",
        "0",
        "--no-levers",
    ).stdout
    assert len(list(Graph().parse(data=ttl, format="turtle").subjects(None, RX.ResistancePoint))) == len(data["points"])
    rows = _cli(
        "analyse",
        str(SAMPLES / "keystone-michigan.ttl"),
        "--format",
        "csv",
        "--runs",
        "0",
        "--no-levers",
    ).stdout
    assert rows.splitlines()[0].startswith("rank,level,kind,label,score,likelihood")


def test_the_command_line_refuses_bad_requests_clearly(tmp_path):
    bad = tmp_path / "weights.toml"
    bad.write_text('[context.readiness]\nlabel = "x"\nvalue = 9\n', encoding="utf-8")
    done = _cli("analyse", str(SAMPLES / "keystone-michigan.ttl"), "--weights", str(bad))
    assert done.returncode == 2 and "context.readiness" in done.stderr
    done = _cli("analyse", str(SAMPLES / "keystone-michigan.ttl"), "--change", "urn:x:nothing")
    assert done.returncode == 2 and "not a change proposal" in done.stderr


def test_the_interdependencies_command_lists_each_measure():
    done = _cli("interdependencies", str(SAMPLES / "keystone-michigan.ttl"), "--top", "3")
    assert done.returncode == 0, done.stderr
    for heading in (
        "Brokers",
        "Single points of failure",
        "Coupling between units",
        "Cross-level paths",
        "Clusters",
        "Hybrid leaders",
    ):
        assert heading in done.stdout
    assert "Central-line maintenance and dressing: losing it cuts off" in done.stdout
