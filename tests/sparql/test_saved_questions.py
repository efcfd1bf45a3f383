"""Every saved question runs on every sample map, and gives the rows the maps say it should.

The expected rows below were worked out by reading the sample maps' Turtle, not
by running the queries (the comments say which statements give each row).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

from explorer.core.resources import ontology_dir, sample_maps
from explorer.sparql import builtin_queries

RX = "https://w3id.org/routine-explorer/ns#"
MME = "https://w3id.org/routine-explorer/sample/matching-michigan-england/"
KM = "https://w3id.org/routine-explorer/sample/keystone-michigan/"
SAMPLES = [p.name for p in sample_maps()]
QUESTIONS = {q.name: q for q in builtin_queries()}


def test_there_are_saved_questions_with_titles_and_descriptions():
    files = sorted(p.stem for p in (ontology_dir() / "queries").glob("*.rq"))
    assert len(files) >= 16 and sorted(QUESTIONS) == files, "every .rq file in ontology/queries is a saved question"
    for question in QUESTIONS.values():
        assert question.builtin and question.title and not question.title.startswith("#")
        assert len(question.description) > 40, question.name


def test_the_two_key_sample_maps_are_there():
    assert {"matching-michigan-england.ttl", "keystone-michigan.ttl"} <= set(SAMPLES)


@pytest.mark.parametrize("sample_name", SAMPLES)
def test_every_saved_question_runs_on_every_sample(sample_name, sample, services):
    service = services(sample(sample_name))
    for question in QUESTIONS.values():
        outcome = service.run(question.text)
        assert outcome.kind == "select", question.name
        assert not outcome.truncated
        assert all(len(row) == len(outcome.variables) for row in outcome.rows)


def _table(outcome, *columns):
    index = [outcome.variables.index(c) for c in columns]
    return [
        tuple(
            None if row[i] is None else (str(row[i]) if isinstance(row[i], URIRef) else row[i].toPython())
            for i in index
        )
        for row in outcome.rows
    ]


@pytest.fixture(scope="module")
def england(request):
    return request.getfixturevalue("sample")("matching-michigan-england.ttl")


@pytest.fixture
def ask_england(england, services):
    service = services(england)
    return lambda name: service.run(QUESTIONS[name].text)


@pytest.fixture
def ask_michigan(sample, services):
    service = services(sample("keystone-michigan.ttl"))
    return lambda name: service.run(QUESTIONS[name].text)


# ----------------------------------------------------------- Matching Michigan, England


def test_england_units_without_lateral_support(ask_england):
    # Only ICU A and ICU B have rx:lateralSupport (to each other).
    out = ask_england("03-units-without-lateral-support")
    assert _table(out, "unitLabel") == [
        ("ICU C (little change)",),
        ("ICU D (little change)",),
        ("Infection control team, trust A",),
    ]


def test_england_violated_norms_carry_pillar_labels_from_the_ontology(ask_england):
    # clabsi-bundle rx:violates four norms (checklist-stop repeats one); pillar labels live in the ontology graph.
    out = ask_england("02-violated-norms-by-pillar")
    rows = _table(out, "norm", "pillarLabel", "backers")
    assert rows == [
        (MME + "norm/infections-inevitable", "cultural-cognitive pillar", None),
        (MME + "norm/nurses-do-not-challenge", "cultural-cognitive pillar", None),
        (MME + "norm/clinicians-set-standards", "normative pillar", "Intensive-care professional societies"),
        (MME + "norm/physician-autonomy", "normative pillar", None),
    ]


def test_england_who_performs_disrupted_routines(ask_england):
    # insertion: 5 performers, maintenance: 4, removal: 2, rounds: 3, stocking: 1.
    out = ask_england("01-who-performs-disrupted-routines")
    assert len(out.rows) == 15
    rows = set(_table(out, "routineLabel", "performerLabel", "degree"))
    assert ("Central-line insertion", "Trainee doctor inserting lines, ICU A", Decimal("0.7")) in rows
    assert ("Stocking line-insertion supplies", "Bedside nurse, ICU A", Decimal("0.3")) in rows


def test_england_hybrid_leader(ask_england):
    # Only the ICU A physician lead has both clinical and managerial role kinds; stance +0.6.
    out = ask_england("05-hybrid-leaders")
    assert _table(out, "actorLabel", "unitLabel", "attitude") == [
        ("Physician lead, ICU A", "ICU A (transformed)", Decimal("0.6"))
    ]


def test_england_force_field_balance(ask_england):
    # Trust C: mandate 0.5 + media 0.3 driving; ICU C -0.6, ICU D -0.5, insertion -0.4 restraining.
    out = ask_england("09-force-field-by-target")
    assert _table(out, "targetLabel", "balance") == [
        ("ICU C (little change)", Decimal("-0.6")),
        ("ICU D (little change)", Decimal("-0.5")),
        ("Central-line insertion", Decimal("-0.4")),
        ("Trust C", Decimal("0.8")),
    ]


def test_england_concurrent_initiatives_and_fatigue(ask_england):
    out = ask_england("10-concurrent-initiatives")
    assert sorted(r[0] for r in _table(out, "initiativeLabel")) == [
        "Patient Safety First campaign",
        "Safer Patients Initiative",
        "Saving Lives programme (2007)",
    ]
    # ICU C (fatigue 0.8, readiness 0.3) and ICU D (0.7, 0.3); ICU A and B are neither.
    out = ask_england("12-fatigued-or-unready-units")
    assert _table(out, "unitLabel", "changeFatigue") == [
        ("ICU C (little change)", Decimal("0.8")),
        ("ICU D (little change)", Decimal("0.7")),
    ]


def test_england_sponsorship_contrast(ask_england):
    # top-down, adopted by ICU A only, no data feedback, one peer pair (A-B), three concurrent initiatives.
    out = ask_england("14-sponsorship-peers-and-feedback")
    assert _table(out, "modeLabel", "adopters", "feedbackUnits", "lateralTies", "concurrent") == [
        ("top-down", 1, 0, 1, 3)
    ]


def test_england_stances_and_low_confidence(ask_england):
    out = ask_england("08-stances-on-the-change")
    assert len(out.rows) == 11
    assert _table(out, "holderLabel", "attitude")[0] == ("Physician lead, ICU C", Decimal("-0.4"))
    # 3 bodies + 1 force at 0.5, 8 stances at <= 0.5, the media force tie at 0.5.
    out = ask_england("15-low-confidence-facts")
    assert len(out.rows) == 13
    assert _table(out, "item", "confidence")[0] == (MME + "tie/stance-bedside-nurse-c", Decimal("0.4"))


def test_england_macro_forces_reach_line_insertion_performers(ask_england):
    # Only the physician-autonomy pressure reaches a routine (insertion) with micro-level performers.
    out = ask_england("07-macro-forces-reaching-micro")
    assert {r[0] for r in _table(out, "force")} == {MME + "force/physician-autonomy-pressure"}
    assert len(out.rows) == 5


def test_england_task_crosses_professions_and_nothing_indirect(ask_england):
    out = ask_england("11-tasks-crossing-professions")
    assert _table(out, "fromGroupLabel", "toGroupLabel", "crossesBoundary") == [
        ("Intensivists and ICU doctors", "ICU nurses", True)
    ]
    assert ask_england("13-indirectly-affected-routines").rows == ()
    assert ask_england("04-people-bridging-units").rows == ()


# ---------------------------------------------------------------- Keystone, Michigan


def test_michigan_lateral_support_and_bridging(ask_michigan):
    # ICUs A-D all support each other; the infection prevention team has no peer.
    assert _table(ask_michigan("03-units-without-lateral-support"), "unitLabel") == [
        ("Infection prevention team, hospital A",)
    ]
    # The infection preventionist is a member of the infection prevention team and ICU A.
    out = ask_michigan("04-people-bridging-units")
    assert _table(out, "actor", "units") == [(KM + "role/infection-preventionist-a", 2)]


def test_michigan_hybrid_leaders(ask_michigan):
    out = ask_michigan("05-hybrid-leaders")
    assert _table(out, "actorLabel", "unitLabel") == [
        ("Nurse lead, ICU A", "ICU A"),
        ("Physician lead, ICU A", "ICU A"),
        ("Physician lead, ICU B", "ICU B"),
    ]


def test_michigan_sponsorship_contrast(ask_michigan):
    # Professionally led, adopted by and feeding data back to the four ICUs, 6 peer pairs among them,
    # nothing concurrent.
    out = ask_michigan("14-sponsorship-peers-and-feedback")
    assert _table(out, "modeLabel", "adopters", "feedbackUnits", "lateralTies", "concurrent") == [
        ("professionally led", 4, 4, 6, 0)
    ]
    assert ask_michigan("12-fatigued-or-unready-units").rows == ()


def test_michigan_reciprocal_interdependencies(ask_michigan):
    out = ask_michigan("06-reciprocal-interdependencies")
    assert _table(out, "tie", "strength") == [
        (KM + "tie/rounds-removal", Decimal("0.6")),
        (KM + "tie/rounds-maintenance", Decimal("0.5")),
    ]


def test_results_are_rdflib_terms(ask_michigan):
    out = ask_michigan("06-reciprocal-interdependencies")
    tie, strength = out.rows[0][0], out.rows[0][out.variables.index("strength")]
    assert isinstance(tie, URIRef) and isinstance(strength, Literal)
    assert str(strength.datatype) == "http://www.w3.org/2001/XMLSchema#decimal"
    label = out.rows[0][out.variables.index("fromLabel")]
    assert label == Literal("Daily ICU ward round") and label.datatype is None


def test_the_analysis_question_reads_the_runs_kept_in_the_map(services):
    """Empty before any analysis; after one, the run's ten leading points in rank order."""
    from explorer.analysis.change import analyse_change
    from explorer.analysis.graph import map_graph
    from explorer.analysis.rdf import record_run
    from explorer.core.document import MapDocument
    from explorer.core.resources import sample_graphs_dir

    doc = MapDocument.open(sample_graphs_dir() / "matching-michigan-england.ttl", editing=False)
    try:
        service = services(doc)
        question = QUESTIONS["16-leading-points-of-resistance"]
        assert service.run(question.text).rows == ()
        result = analyse_change(map_graph(doc.store), runs=5)
        record_run(doc, result)
        out = service.run(question.text)
        assert _table(out, "rank", "node") == [(rank, str(p.node)) for rank, p in enumerate(result.points[:10], 1)]
        assert {row[out.variables.index("changeLabel")].toPython() for row in out.rows} == {result.change_label}
        scores = [row[out.variables.index("score")].toPython() for row in out.rows]
        assert scores == sorted(scores, reverse=True)
    finally:
        doc.close()
