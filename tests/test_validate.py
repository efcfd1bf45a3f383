"""``routine-explorer validate``: samples pass; broken copies name the node, with severity, and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from explorer.cli import main
from explorer.core.document import MapDocument
from explorer.core.resources import sample_maps
from explorer.core.validation import validate

RX = Namespace("https://w3id.org/routine-explorer/ns#")
SAMPLE = next(p for p in sample_maps() if p.stem == "keystone-michigan")


def broken_copy(tmp_path: Path, change) -> tuple[Path, Graph]:
    graph = Graph().parse(SAMPLE)
    change(graph)
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    return path, graph


def test_every_sample_map_has_no_violations(capsys):
    assert main(["validate", *map(str, sample_maps())]) == 0
    out = capsys.readouterr().out
    assert out.count("0 violation(s)") == len(sample_maps()) == 5


def test_a_value_off_scale_is_a_violation_naming_the_node(tmp_path, capsys):
    def change(graph):
        unit = sorted(graph.subjects(RDF.type, RX.Unit))[0]
        graph.set((unit, RX.readiness, Literal("1.5", datatype=XSD.decimal)))
        change.label = str(graph.value(unit, RDFS.label))

    path, _ = broken_copy(tmp_path, change)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1 violation(s)" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("Violation"))
    assert change.label in line and "(readiness)" in line


def test_a_tie_missing_an_end_is_a_violation_naming_the_tie(tmp_path, capsys):
    def change(graph):
        tie = sorted(graph.subjects(RDF.type, RX.Interdependency))[0]
        # A tie is named by its own label, or else by its kind and the label of the end it still has.
        change.name = str(graph.value(tie, RDFS.label) or graph.value(graph.value(tie, RX["from"]), RDFS.label))
        graph.remove((tie, RX.to, None))

    path, _ = broken_copy(tmp_path, change)
    assert main(["validate", str(path), "--json"]) == 1
    (results,) = json.loads(capsys.readouterr().out).values()
    violations = [r for r in results if r["severity"] == "Violation"]
    assert len(violations) == 1
    assert violations[0]["path"] == str(RX.to)
    assert change.name in violations[0]["focus_label"]


def test_warnings_alone_do_not_fail(tmp_path):
    # Titled, so the only warnings are the routine's (an untitled map is asked for a title too).
    doc = MapDocument.new(title="Ward 7 discharge", with_ontology=True, editing=False)
    routine = URIRef("urn:uuid:00000000-0000-4000-8000-000000000001")
    doc.store.apply(added=[(routine, RDF.type, RX.Routine, URIRef("urn:x-rdflib:default"))])
    report = validate(doc)
    assert report.conforms and report.warnings == 2
    assert {r.focus for r in report.results} == {str(routine)}
    doc.save_as(tmp_path / "incomplete.ttl")
    assert main(["validate", str(tmp_path / "incomplete.ttl")]) == 0


def test_a_malformed_map_is_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b>", encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    assert "bad.ttl, line 1" in capsys.readouterr().err


@pytest.mark.parametrize("sample", sample_maps(), ids=lambda p: p.stem)
def test_validation_reads_the_map_by_iri_not_prefix(sample):
    # Validation runs on the map graph only; the ontology graph is background, never reported on.
    doc = MapDocument.open(sample, editing=False)
    assert validate(doc).results == ()


def test_an_unlabelled_tie_is_named_by_its_kind_and_remaining_end(tmp_path, capsys):
    def change(graph):
        tie = sorted(graph.subjects(RDF.type, RX.Interdependency))[0]
        change.source = str(graph.value(graph.value(tie, RX["from"]), RDFS.label))
        graph.remove((tie, RDFS.label, None))
        graph.remove((tie, RX.to, None))

    path, _ = broken_copy(tmp_path, change)
    assert main(["validate", str(path)]) == 1
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("Violation"))
    assert "Interdependency" in line and change.source in line and "(to)" in line


# ------------------------------------------------------------------ a map with nothing to check
UNITS, PEOPLE = "https://data.example.org/graph/units", "https://data.example.org/graph/people"
NAMED_GRAPHS_ONLY = f"""@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{UNITS}> {{ <https://data.example.org/unit/icu> a rx:Unit ; rdfs:label "ICU" ; rx:readiness 1.5 . }}
<{PEOPLE}> {{ <https://data.example.org/person/ana> a rx:Person ; rdfs:label "Ana" . }}
"""
#: An analysis run kept in a map whose map graph is empty: the run is a result, not map data to view or check.
RUN_ONLY = """<https://w3id.org/routine-explorer/graph/analysis/run-1> {
  <urn:x:run> a <https://w3id.org/routine-explorer/ns#AnalysisRun> ;
      <http://www.w3.org/2000/01/rdf-schema#label> "run" .
}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_data_only_in_named_graphs_is_reported_as_not_checked_with_its_graphs(tmp_path, capsys):
    path = _write(tmp_path, "split.trig", NAMED_GRAPHS_ONLY)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    assert line.startswith(f"{path}: nothing checked: the map graph (the default graph) is empty;")
    assert f"<{UNITS}> (3 triples, 1 nodes)" in line and f"<{PEOPLE}> (2 triples, 1 nodes)" in line
    assert "--union" in line and "--graph IRI" in line
    assert "violation" not in line
    assert captured.err == f"routine-explorer: nothing was checked in {path}\n"
    # With the graphs read, the value off its scale is found.
    assert main(["validate", str(path), "--union"]) == 1
    assert "1 violation(s)" in capsys.readouterr().out


def test_json_says_what_was_not_checked_and_why(tmp_path, capsys):
    path = _write(tmp_path, "split.trig", NAMED_GRAPHS_ONLY)
    assert main(["validate", str(path), str(SAMPLE), "--json"]) == 2
    found = json.loads(capsys.readouterr().out)
    assert found[str(SAMPLE)] == []
    entry = found[str(path)]
    assert entry["checked"] is False
    assert entry["map_graph_statements"] == 0
    assert entry["named_graphs"] == [{"graph": UNITS, "statements": 3}, {"graph": PEOPLE, "statements": 2}]
    assert "nothing checked" in entry["message"]


def test_every_map_is_checked_even_after_one_with_nothing_to_check(tmp_path, capsys):
    path = _write(tmp_path, "split.trig", NAMED_GRAPHS_ONLY)
    assert main(["validate", str(path), str(SAMPLE)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path}: nothing checked")
    assert lines[1] == f"{SAMPLE}: 0 violation(s), 0 warning(s)"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "nothing checked: the map is empty"),
        (
            RUN_ONLY,
            "nothing checked: the map graph (the default graph) is empty; 2 statement(s) are in 1 named graph(s): "
            "<https://w3id.org/routine-explorer/graph/analysis/run-1> (2 statements)",
        ),
    ],
    ids=["empty-file", "analysis-run-only"],
)
def test_an_empty_map_graph_is_not_said_to_conform(text, said, tmp_path, capsys):
    path = _write(tmp_path, "nothing.trig", text)
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().out == f"{path}: {said}\n"
    doc = MapDocument.open(path, editing=False, with_ontology=True)
    try:
        report = validate(doc)
    finally:
        doc.close()
    assert report.nothing_checked and not report.conforms and report.checked == 0
    assert report.note() == said


def test_a_map_with_scenarios_beside_its_map_graph_is_checked(tmp_path, capsys):
    from explorer.core import scenarios

    path = tmp_path / "keystone.trig"
    with MapDocument.open(SAMPLE, with_ontology=False) as doc:
        unit = sorted(doc.store.quads(None, RDF.type, RX.Unit))[0][0]
        tired = [(unit, RX.changeFatigue, Literal("0.9", datatype=XSD.decimal))]
        command, _ = scenarios.create(doc, "to-be", added=tired, removed=list(doc.store.quads(unit, RX.changeFatigue)))
        doc.execute(command)
        doc.save_as(path)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: 0 violation(s), 0 warning(s)\n"
    doc = MapDocument.open(path, editing=False, with_ontology=True)
    try:
        report = validate(doc)
    finally:
        doc.close()
    assert report.conforms and not report.nothing_checked and report.checked and report.note() == ""
