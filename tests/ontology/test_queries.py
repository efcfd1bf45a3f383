"""Saved SPARQL questions: well-formed, and the answers they give on the sample maps."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDFS, Dataset, Graph, Literal, URIRef
from support.ontology import ONTOLOGY_DIR, ontology, sample, schemes

from explorer.core.document import MapDocument
from explorer.core.scenarios import create, show
from explorer.core.terms import DEFAULT_GRAPH

QUERIES = sorted((ONTOLOGY_DIR / "queries").glob("*.rq"))


def _graph(name: str) -> Graph:
    """Map + ontology + schemes in one rdflib Graph, as the brief requires."""
    return sample(name) + ontology() + schemes()


_GRAPHS: dict[str, Graph] = {}


def run(query_stem: str, name: str, *columns: str) -> list[tuple]:
    """Rows of a saved query on a sample, IRIs shortened to their last path segment."""
    if name not in _GRAPHS:
        _GRAPHS[name] = _graph(name)
    text = (ONTOLOGY_DIR / "queries" / f"{query_stem}.rq").read_text(encoding="utf-8")
    result = _GRAPHS[name].query(text)
    rows = []
    for row in result:
        out = []
        for col in columns:
            v = row[col]
            if isinstance(v, URIRef):
                v = str(v).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            elif isinstance(v, Literal):
                v = v.toPython()
                if isinstance(v, (Decimal, float)):
                    v = round(float(v), 3)
            out.append(v)
        rows.append(tuple(out))
    return rows


def test_there_are_at_least_twelve_questions():
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_question_header(path: Path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# title: ") and len(lines[0]) > 15
    assert lines[1].startswith("# description: ")
    description = " ".join(line[2:].strip() for line in lines[1:] if line.startswith("# "))
    assert len(description) > 120
    assert "PREFIX rx:   <https://w3id.org/routine-explorer/ns#>" in text
    used = set(re.findall(r"\b([a-z]+):[A-Za-z]", re.sub(r"(?m)^#.*$|<[^>]*>|\"[^\"]*\"", "", text)))
    declared = set(re.findall(r"PREFIX (\w+):", text))
    assert used <= declared, used - declared
    assert "SERVICE" not in text
    # Only questions about analysis runs or scenarios look into named graphs (the app keeps both in the map).
    assert "GRAPH" not in text or "rx:AnalysisRun" in text or "rx:Scenario" in text


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_question_runs_on_every_sample(path: Path, sample_name: str):
    g = _GRAPHS.setdefault(sample_name, _graph(sample_name))
    text = path.read_text(encoding="utf-8")
    if "GRAPH" in text:
        # A question about analysis runs or scenarios needs a dataset; a sample map holds neither yet.
        dataset = Dataset()
        default = dataset.default_graph
        default.addN((s, p, o, default) for s, p, o in g)
        assert list(dataset.query(text)) == []
    else:
        list(g.query(text))


GP, MI, EN = "video-consultations-gp", "keystone-michigan", "matching-michigan-england"


def test_who_performs_disrupted_routines():
    rows = run("01-who-performs-disrupted-routines", GP, "routine", "degree", "performer")
    assert set(rows) == {
        ("consultation", 0.7, "gp-partner"),
        ("consultation", 0.7, "practice-nurse"),
        ("consultation", 0.7, "salaried-gp"),
        ("booking", 0.6, "receptionist"),
        ("identity-check", 0.5, "receptionist"),
    }
    assert rows[0][1] == 0.7 and rows[-1][1] == 0.5  # most disrupted first
    mi = run("01-who-performs-disrupted-routines", MI, "routine", "performer")
    assert len(mi) == 14 and ("line-insertion", "resident-a") in mi


def test_violated_norms_by_pillar_and_backers():
    assert run("02-violated-norms-by-pillar", GP, "pillarLabel", "norm", "backers") == [
        ("cultural-cognitive pillar", "examination-belief", None),
        ("cultural-cognitive pillar", "first-come-first-served", None),
    ]
    assert run("02-violated-norms-by-pillar", EN, "pillarLabel", "norm", "backers") == [
        ("cultural-cognitive pillar", "infections-inevitable", None),
        ("cultural-cognitive pillar", "nurses-do-not-challenge", None),
        ("normative pillar", "clinicians-set-standards", "Intensive-care professional societies"),
        ("normative pillar", "physician-autonomy", None),
    ]
    assert len(run("02-violated-norms-by-pillar", MI, "norm")) == 3


def test_units_without_lateral_support():
    assert run("03-units-without-lateral-support", GP, "unit") == [("clinical-team",), ("reception-team",)]
    assert run("03-units-without-lateral-support", MI, "unit") == [("infection-control-a",)]
    assert run("03-units-without-lateral-support", EN, "unit") == [("icu-c",), ("icu-d",), ("infection-control-a",)]


def test_people_bridging_units():
    assert run("04-people-bridging-units", GP, "actor", "units") == [("practice-manager", 2)]
    assert run("04-people-bridging-units", MI, "actor", "units") == [("infection-preventionist-a", 2)]
    assert run("04-people-bridging-units", EN, "actor") == []


def test_hybrid_leaders():
    assert run("05-hybrid-leaders", GP, "actor", "unitLabel", "attitude") == [("gp-partner", "Clinical team", 0.8)]
    assert set(run("05-hybrid-leaders", MI, "actor")) == {
        ("nurse-lead-a",),
        ("physician-lead-a",),
        ("physician-lead-b",),
    }
    assert run("05-hybrid-leaders", EN, "actor") == [("physician-lead-a",)]


def test_reciprocal_interdependencies():
    assert run("06-reciprocal-interdependencies", GP, "from", "to", "strength") == [("booking", "consultation", 0.7)]
    assert run("06-reciprocal-interdependencies", MI, "from", "to", "strength") == [
        ("daily-rounds", "line-removal", 0.6),
        ("daily-rounds", "line-maintenance", 0.5),
    ]


def test_macro_forces_reaching_micro_work():
    rows = run("07-macro-forces-reaching-micro", GP, "force", "routine", "performer", "path")
    assert len(rows) == 19
    assert (
        "medico-legal-caution",
        "consultation",
        "salaried-gp",
        "Professional caution about missing signs on video > Face-to-face consultation > Salaried GP",
    ) in rows
    assert (
        "digital-first-policy",
        "booking",
        "receptionist",
        "National push for remote and digital access > Riverside Surgery (invented) > "
        "Booking and triage of appointments > Receptionist",
    ) in rows
    en = run("07-macro-forces-reaching-micro", EN, "force", "routine", "performer", "how")
    assert (
        "punitive-climate",
        "line-insertion",
        "physician-lead-c",
        "through the unit owning the routine",
    ) not in en  # ICU C owns no routine in this map
    assert ("physician-autonomy-pressure", "line-insertion", "trainee-a", "directly") in en


def test_stances_most_negative_first():
    assert run("08-stances-on-the-change", GP, "holder", "attitude", "confidence") == [
        ("receptionist", -0.4, 0.6),
        ("salaried-gp", -0.3, 0.6),
        ("practice-nurse", -0.1, 0.4),
        ("patient-group", 0.4, 0.5),
        ("practice-manager", 0.5, 0.7),
        ("gp-partner", 0.8, 0.9),
    ]
    assert run("08-stances-on-the-change", EN, "holder", "attitude")[0] == ("physician-lead-c", -0.4)


def test_force_field_by_target():
    assert run("09-force-field-by-target", GP, "target", "driving", "restraining", "balance") == [
        ("consultation", 0.0, 0.4, -0.4),
        ("riverside", 1.1, 0.0, 1.1),
    ]
    assert run("09-force-field-by-target", EN, "target", "balance") == [
        ("icu-c", -0.6),
        ("icu-d", -0.5),
        ("line-insertion", -0.4),
        ("trust-c", 0.8),
    ]
    assert run("09-force-field-by-target", MI, "target", "balance") == [
        ("line-insertion", 0.1),
        ("hospital-a", 0.3),
        ("keystone-collaborative", 1.1),
    ]


def test_concurrent_initiatives():
    assert run("10-concurrent-initiatives", GP, "initiative", "modeLabel", "rolledOutTo") == [
        ("online-triage", "top-down", "Riverside Surgery (invented)")
    ]
    assert run("10-concurrent-initiatives", MI, "initiative") == []
    en = run("10-concurrent-initiatives", EN, "initiative", "modeLabel")
    assert en == [
        ("patient-safety-first", None),
        ("safer-patients-initiative", None),
        ("saving-lives-programme", "top-down"),
    ]


def test_tasks_crossing_professions():
    assert run("11-tasks-crossing-professions", GP, "task", "fromGroup", "toGroup", "crossesBoundary") == [
        ("identity-check", "gps", "receptionists", True)
    ]
    assert run("11-tasks-crossing-professions", MI, "task", "fromGroup", "toGroup", "crossesBoundary") == [
        ("line-insertion", "intensivists", "icu-nurses", True)
    ]


def test_fatigued_or_unready_units():
    assert run("12-fatigued-or-unready-units", GP, "unit", "changeFatigue", "readiness") == [
        ("reception-team", 0.5, 0.4)
    ]
    assert run("12-fatigued-or-unready-units", MI, "unit") == []
    assert run("12-fatigued-or-unready-units", EN, "unit", "changeFatigue", "readiness") == [
        ("icu-c", 0.8, 0.3),
        ("icu-d", 0.7, 0.3),
    ]


def test_indirectly_affected_routines():
    assert run("13-indirectly-affected-routines", GP, "routine", "via", "typeLabel", "strength") == [
        ("documentation", "consultation", "sequential", 0.6),
        ("telephone-consultation", "consultation", "pooled", 0.4),
    ]
    assert run("13-indirectly-affected-routines", MI, "routine") == []


def test_sponsorship_peers_and_feedback_contrast_michigan_and_england():
    cols = ("modeLabel", "adopters", "feedbackUnits", "lateralTies", "concurrent")
    assert run("14-sponsorship-peers-and-feedback", MI, *cols) == [("professionally led", 4, 4, 6, 0)]
    assert run("14-sponsorship-peers-and-feedback", EN, *cols) == [("top-down", 1, 0, 1, 3)]
    assert run("14-sponsorship-peers-and-feedback", GP, *cols) == [("professionally led", 1, 0, 0, 1)]


def test_low_confidence_facts():
    rows = run("15-low-confidence-facts", GP, "item", "kindLabel", "confidence")
    assert rows == [
        ("stance-nurse", "Stance", 0.4),
        ("medico-legal-caution", "External force", 0.5),
        ("force-caution", "External force bearing", 0.5),
        ("stance-patient-group", "Stance", 0.5),
    ]
    assert len(run("15-low-confidence-facts", EN, "item")) == 13


AS, MH = "action-schools-bc", "mental-health-lmic"


def test_answers_on_action_schools_bc():
    assert run("02-violated-norms-by-pillar", AS, "pillarLabel", "norm", "backers") == [
        ("cultural-cognitive pillar", "academic-time", "Parents and parent advisory councils"),
        ("normative pillar", "pe-is-specialist-work", None),
    ]
    assert run("03-units-without-lateral-support", AS, "unit") == []
    assert run("05-hybrid-leaders", AS, "actor") == []
    assert run("11-tasks-crossing-professions", AS, "task", "fromGroup", "toGroup") == [
        ("classroom-action", "pe-specialists", "teachers")
    ]
    assert run("12-fatigued-or-unready-units", AS, "unit", "changeFatigue", "readiness") == [("school-d", 0.6, 0.4)]
    assert set(run("13-indirectly-affected-routines", AS, "routine", "via", "typeLabel")) == {
        ("classroom-action", "pe-classes", "reciprocal"),
        ("classroom-action", "action-planning", "sequential"),
        ("classroom-action", "classroom-lessons", "pooled"),
    }
    assert run(
        "14-sponsorship-peers-and-feedback", AS, "modeLabel", "adopters", "feedbackUnits", "lateralTies", "concurrent"
    ) == [("top-down", 3, 0, 2, 0)]


def test_answers_on_mental_health_lmic():
    assert run("02-violated-norms-by-pillar", MH, "pillarLabel", "norm") == [
        ("cultural-cognitive pillar", "stigma"),
        ("cultural-cognitive pillar", "hospital-is-the-place"),
        ("normative pillar", "psychiatric-jurisdiction"),
        ("regulative pillar", "prescribing-rules"),
    ]
    assert run("04-people-bridging-units", MH, "actor", "units") == [("district-coordinator", 2)]
    assert {r[0] for r in run("05-hybrid-leaders", MH, "actor")} == {"hospital-director", "district-coordinator"}
    assert run("08-stances-on-the-change", MH, "holder", "attitude")[0] == ("hospital-director", -0.5)
    assert run("09-force-field-by-target", MH, "target", "driving", "restraining") == [
        ("home-visits", 0.0, 0.6),
        ("clinic-a", 0.0, 0.6),
        ("district-health-office", 0.5, 0.7),
        ("health-ministry", 0.5, 0.0),
    ]
    assert run("11-tasks-crossing-professions", MH, "task", "fromGroup", "toGroup", "crossesBoundary") == [
        ("home-visits", "psychiatrists", "chws", True),
        ("prescribing", "psychiatrists", "nurses", True),
    ]
    assert set(run("13-indirectly-affected-routines", MH, "routine", "via")) == {
        ("drug-supply", "prescribing"),
        ("data-reporting", "primary-consultation"),
        ("specialist-review", "prescribing"),
        ("specialist-review", "referral"),
    }


def test_scenario_differences_lists_what_each_scenario_adds_and_removes(tmp_path):
    doc = MapDocument.new(with_ontology=False, base_iri="http://example.org/map/")
    try:
        ward, broker = URIRef("http://example.org/map/unit/ward"), URIRef("http://example.org/map/person/broker")
        member_of = URIRef("http://www.w3.org/ns/org#memberOf")
        doc.store.apply(added=[(ward, RDFS.label, Literal("Ward 7"), DEFAULT_GRAPH)])
        command, to_be = create(
            doc,
            "to-be",
            added=[(broker, RDFS.label, Literal("Bed manager")), (broker, member_of, ward)],
            removed=[(ward, RDFS.label, Literal("Ward 7"))],
        )
        doc.execute(command)
        doc.execute(show(doc, to_be))  # the file holds the map as it is all the same
        doc.save_as(tmp_path / "map.trig")
        dataset = Dataset()
        dataset.parse(tmp_path / "map.trig", format="trig")
    finally:
        doc.close()
    text = (ONTOLOGY_DIR / "queries" / "17-scenario-differences.rq").read_text(encoding="utf-8")
    rows = [
        (
            str(r.scenarioLabel),
            str(r.change),
            str(r.subjectLabel),
            r.property.split("#")[-1],
            str(r.valueLabel or r.value),
        )
        for r in dataset.query(text)
    ]
    assert rows == [
        ("to-be", "added", "Bed manager", "label", "Bed manager"),
        ("to-be", "added", "Bed manager", "memberOf", "Ward 7"),
        ("to-be", "removed", "Ward 7", "label", "Ward 7"),
    ]
