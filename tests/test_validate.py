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
