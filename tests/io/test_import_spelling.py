"""Import: every column left out is named, people become roles unless asked otherwise, and a professional
group written another way ("nurses", "Nursing") is the map's existing one."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from explorer.cli import main
from explorer.core.namespaces import RX
from explorer.io.merge.names import group_key

BASE = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:nurse> a rx:ProfessionalGroup ; rdfs:label "Nurse" .
"""
ROWS = "Name,Profession,Shoe size\nAna,Nurses,38\nBen,nursing,44\n"


def _import(tmp_path, capsys, *flags):
    base, rows, out = tmp_path / "base.ttl", tmp_path / "staff.csv", tmp_path / "out.ttl"
    base.write_text(BASE, encoding="utf-8")
    rows.write_text(ROWS, encoding="utf-8")
    code = main(["import", str(base), str(rows), "-o", str(out), *flags])
    graph = Graph()
    graph.parse(out, format="turtle")
    return code, capsys.readouterr().err, graph


def test_an_extra_column_is_named_in_a_warning(tmp_path, capsys):
    code, err, _ = _import(tmp_path, capsys)
    assert code == 0
    assert "warning" in err and "“Shoe size”" in err


def test_people_are_roles_unless_named_people_is_asked(tmp_path, capsys):
    _, _, graph = _import(tmp_path, capsys)
    people = list(graph.subjects(RX.ofProfession, None))
    assert people and all((s, RDF.type, RX.Role) in graph for s in people)
    _, _, named = _import(tmp_path, capsys, "--named-people")
    people = list(named.subjects(RX.ofProfession, None))
    assert people and all((s, RDF.type, RX.Person) in named for s in people)


def test_spellings_of_a_profession_merge_into_the_existing_one(tmp_path, capsys):
    _, err, graph = _import(tmp_path, capsys)
    assert set(graph.subjects(RDF.type, RX.ProfessionalGroup)) == {URIRef("urn:x:nurse")}
    assert set(graph.objects(None, RX.ofProfession)) == {URIRef("urn:x:nurse")}
    assert "“Nurses” was taken as the existing professional group “Nurse”" in err
    assert "“nursing” was taken" in err


# Spellings the English stemmer joins that the old suffix rule ("ing", then "s", then "e") kept apart.
JOINED = [("Secretaries", "Secretary"), ("Orderlies", "orderly"), ("Deputies", "Deputy"), ("Pharmacies", "Pharmacy")]
# Different professions that share a beginning: never one group.
APART = [
    ("Nurse", "Nursery staff"),
    ("Nurse", "Nursery"),
    ("Physician", "Physicist"),
    ("Pharmacist", "Pharmacy"),
    ("Surgeon", "Surgery"),
    ("Therapist", "Therapy"),
]


@pytest.mark.parametrize(("one", "other"), JOINED)
def test_plurals_in_ies_are_the_same_group(one, other):
    assert group_key(one) == group_key(other)


@pytest.mark.parametrize(("one", "other"), APART)
def test_different_professions_stay_apart(one, other):
    assert group_key(one) != group_key(other)


def test_the_limits_of_a_stemmer_are_as_documented():
    # An irregular plural keeps its own stem; a job and its derived noun share one (group_key's docstring).
    assert group_key("Midwives") != group_key("Midwife")
    assert group_key("Managers") == group_key("Management")


def test_an_import_joins_a_plural_in_ies_and_keeps_a_lookalike_apart(tmp_path, capsys):
    base, rows, out = tmp_path / "base.ttl", tmp_path / "staff.csv", tmp_path / "out.ttl"
    base.write_text(BASE + '<urn:x:secretary> a rx:ProfessionalGroup ; rdfs:label "Secretary" .\n', encoding="utf-8")
    rows.write_text("Name,Profession\nAna,Secretaries\nBen,Nursery staff\n", encoding="utf-8")
    assert main(["import", str(base), str(rows), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    graph = Graph()
    graph.parse(out, format="turtle")
    groups = set(graph.subjects(RDF.type, RX.ProfessionalGroup))
    assert URIRef("urn:x:secretary") in groups and URIRef("urn:x:nurse") in groups and len(groups) == 3
    assert "“Secretaries” was taken as the existing professional group “Secretary”" in err
    assert "“Nursery staff” was taken" not in err
