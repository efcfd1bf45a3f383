"""Issue 20: other tools' files import whole. Kumu's own exports (fields inside ``attributes``), ties whose type
the ontology lacks (kept with the relation chosen, or as the general influence tie named by their type), node
attributes said or kept, and ``--kind`` over a column only guessed to give kinds.

Fixtures are written here from each tool's documented format: Kumu's blueprint and backup fields (docs.kumu.io,
*Import > JSON / Blueprints*; field names as its data sheet shows them), Cytoscape's GraphML (``name``,
``interaction``) and Gephi's GEXF 1.3.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS

from explorer.cli import main
from explorer.core.document import MapDocument
from explorer.core.errors import FormatError
from explorer.core.namespaces import RX
from explorer.core.schema import schema_of
from explorer.io import merge
from explorer.io.kumu import read_kumu_json

#: A Kumu project export: every field inside "attributes", connections naming elements by "_id".
KUMU_EXPORT = {
    "elements": [
        {
            "_id": "elem-1",
            "attributes": {
                "label": "Ward A",
                "element type": "Unit",
                "description": "Intensive care, north wing",
                "tags": ["icu", "north"],
            },
        },
        {
            "_id": "elem-2",
            "attributes": {"label": "Ana Ruiz", "element type": "Person", "tags": ["nurse"], "Website": "a.example"},
        },
        {"_id": "elem-3", "attributes": {"label": "Ben Okafor", "element type": "Person", "image": {"url": "x"}}},
    ],
    "connections": [
        {
            "_id": "conn-1",
            "from": "elem-2",
            "to": "elem-1",
            "direction": "directed",
            "attributes": {"connection type": "member of"},
        },
        {"_id": "conn-2", "from": "elem-2", "to": "elem-3", "attributes": {"connection type": "mentors"}},
    ],
    "maps": [{"name": "Main", "elements": [{"element": "elem-1", "position": {"x": 10, "y": 20}}]}],
}

CYTOSCAPE = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="k0" for="node" attr.name="label" attr.type="string"/>
  <key id="k1" for="node" attr.name="City" attr.type="string"/>
  <key id="k2" for="node" attr.name="Code" attr.type="int"/>
  <key id="k5" for="node" attr.name="Category" attr.type="string"/>
  <key id="k3" for="edge" attr.name="interaction" attr.type="string"/>
  <graph edgedefault="directed">
    <node id="n0"><data key="k0">Ana</data><data key="k1">Leeds</data><data key="k2">7</data>
      <data key="k5">staff</data></node>
    <node id="n1"><data key="k0">Ben</data><data key="k1">York</data><data key="k2">9</data>
      <data key="k5">staff</data></node>
    <node id="n2"><data key="k0">Cy</data><data key="k1">Hull</data><data key="k5">guest</data></node>
    <edge source="n0" target="n1"><data key="k3">pp</data></edge>
    <edge source="n1" target="n2"><data key="k3">pp</data></edge>
    <edge source="n2" target="n0"><data key="k3">pd</data></edge>
  </graph>
</graphml>
"""

GEPHI = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="directed">
    <attributes class="node">
      <attribute id="0" title="City" type="string"/><attribute id="1" title="Code" type="integer"/>
    </attributes>
    <nodes>
      <node id="a" label="Ana">
        <attvalues><attvalue for="0" value="Leeds"/><attvalue for="1" value="7"/></attvalues></node>
      <node id="b" label="Ben"><attvalues><attvalue for="0" value="York"/></attvalues></node>
    </nodes>
    <edges><edge id="e" source="a" target="b" label="knows"/></edges>
  </graph>
</gexf>
"""


@pytest.fixture
def doc():
    document = MapDocument.new()
    yield document
    document.close()


@pytest.fixture
def team(tmp_path) -> Path:
    path = tmp_path / "team.ttl"
    path.write_text("@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n", encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def labelled(graph: Graph, text: str):
    return graph.value(predicate=RDFS.label, object=Literal(text))


# ------------------------------------------------------------------------------- Kumu


def test_a_kumu_export_reads_its_attributes_as_columns(tmp_path):
    source = read_kumu_json(write(tmp_path, "project.json", json.dumps(KUMU_EXPORT)))
    assert source.nodes.columns[:5] == ("_id", "label", "element type", "description", "tags")
    assert source.nodes.rows[0][1][:5] == ("elem-1", "Ward A", "Unit", "Intensive care, north wing", "icu; north")
    assert source.edges.columns[:3] == ("from", "to", "connection type")
    assert source.suggested["kind"] == "element type" and source.suggested["identifier"] == "_id"
    assert source.suggested["edges"]["relation"] == "connection type"
    assert "tags" not in source.suggested.get("ignore", ())  # said or kept, never dropped unseen
    assert any("maps" in note for note in source.notes) and any("image" in note for note in source.notes)


def test_a_kumu_export_imports_whole(doc, tmp_path):
    source = read_kumu_json(write(tmp_path, "project.json", json.dumps(KUMU_EXPORT)))
    mapping = merge.guess_mapping(source, schema_of(doc))
    plan = merge.plan_import(doc, source, mapping)
    assert plan.problems == [] and plan.counts["new"] == 3 and plan.counts["ties"] == 2
    # Named to the person, not lost ("image" held an object, named in the notes).
    assert merge.unused_columns(source, mapping) == ["tags", "Website", "image"]
    merge.apply_plan(doc, plan)
    by_id = {str(o): s for s, _, o, _ in doc.store.quads(None, DCTERMS.identifier, None)}
    ward, ana, ben = by_id["elem-1"], by_id["elem-2"], by_id["elem-3"]
    assert doc.store.contains((ward, RDF.type, RX.Unit, None)) and doc.store.contains((ana, RDF.type, RX.Person, None))
    assert [str(o) for _, _, o, _ in doc.store.quads(ward, RDFS.comment, None)] == ["Intensive care, north wing"]
    assert doc.store.contains(
        (ana, merge.find_relation(merge.all_relations(schema_of(doc)), "member of").iri, ward, None)
    )
    (tie,) = [s for s, _, _, _ in doc.store.quads(None, RX["from"], ana) if doc.store.contains((s, RX.to, ben, None))]
    assert [str(o) for _, _, o, _ in doc.store.quads(tie, RDFS.label, None)] == ["mentors"]


def test_a_kumu_export_keeps_tags_and_custom_fields_when_asked(doc, tmp_path):
    source = read_kumu_json(write(tmp_path, "project.json", json.dumps(KUMU_EXPORT)))
    mapping = merge.guess_mapping(source, schema_of(doc))
    mapping.keep_columns = True
    plan = merge.plan_import(doc, source, mapping)
    assert list(plan.kept) == ["tags", "Website"] and merge.kept_note(plan.kept) in plan.notes
    merge.apply_plan(doc, plan)
    tags = plan.kept["tags"]
    assert doc.store.contains((tags, RDF.type, RDF.Property, None))
    assert [str(o) for _, _, o, _ in doc.store.quads(tags, RDFS.label, None)] == ["tags"]
    ward = next(s for s, _, o, _ in doc.store.quads(None, DCTERMS.identifier, None) if str(o) == "elem-1")
    assert [str(o) for _, _, o, _ in doc.store.quads(ward, tags, None)] == ["icu; north"]
    # A second import of the file fills the same property, not a new "tags-2".
    again = merge.plan_import(doc, source, mapping)
    assert again.kept["tags"] == tags and not any(q[0] == tags for q in again.added)


def test_nesting_inside_attributes_is_still_refused(tmp_path):
    deep = {"elements": [{"_id": "e", "attributes": {"label": "x", "deep": json.loads("[" * 70 + "]" * 70)}}]}
    with pytest.raises(FormatError, match="nested more than 64 levels"):
        read_kumu_json(write(tmp_path, "deep.json", json.dumps(deep)))


# ----------------------------------------------------------------- ties of unknown type


def test_ties_of_unknown_type_get_the_chosen_relation_and_keep_their_type(team, tmp_path, capsys):
    graphml = write(tmp_path, "cytoscape.graphml", CYTOSCAPE)
    out = tmp_path / "out.ttl"
    args = ["import", str(team), str(graphml), "--kind", "Person", "--relation", "Influence tie", "-o", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "3 edges imported as “Influence tie”, the relation chosen for them" in err and "“pp”: 2, “pd”: 1" in err
    graph = Graph().parse(out)
    ties = set(graph.subjects(RDF.type, RX.InfluenceTie))
    assert len(ties) == 3 and sorted(str(graph.value(t, RDFS.label)) for t in ties) == ["pd", "pp", "pp"]


def test_ties_of_unknown_type_without_a_relation_become_influence_ties(team, tmp_path, capsys):
    gexf = write(tmp_path, "gephi.gexf", GEPHI)
    out = tmp_path / "out.ttl"
    assert main(["import", str(team), str(gexf), "--kind", "Person", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 edge imported as “Influence tie”, the general tie" in err and "Choose a relation" in err
    graph = Graph().parse(out)
    (tie,) = graph.subjects(RDF.type, RX.InfluenceTie)
    assert str(graph.value(tie, RDFS.label)) == "knows"
    assert graph.value(tie, RX["from"]) == labelled(graph, "Ana") and graph.value(tie, RX.to) == labelled(graph, "Ben")


def test_a_plain_relation_chosen_says_the_type_is_not_kept(team, tmp_path, capsys):
    gexf = write(tmp_path, "gephi.gexf", GEPHI)
    out = tmp_path / "out.ttl"
    assert main(["import", str(team), str(gexf), "--kind", "Person", "--relation", "influences", "-o", str(out)]) == 0
    assert "a plain relation keeps no type" in capsys.readouterr().err
    graph = Graph().parse(out)
    assert (labelled(graph, "Ana"), RX.influences, labelled(graph, "Ben")) in graph


def test_ties_the_general_tie_cannot_hold_are_listed_with_the_way_out(team, tmp_path, capsys):
    gexf = write(tmp_path, "gephi.gexf", GEPHI)
    assert main(["import", str(team), str(gexf), "--kind", "Routine", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert (
        "edge 1, column “label”: “knows” is not a relation of the ontology, and the general tie, “Influence tie”, "
        "does not link a routine to a routine; choose a relation for edges of other types (edge not imported)"
    ) in err


# ------------------------------------------------------------------- node attributes


def test_node_attributes_are_named_in_a_dry_run(team, tmp_path, capsys):
    gexf = write(tmp_path, "gephi.gexf", GEPHI)
    assert main(["import", str(team), str(gexf), "--kind", "Person", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "2 columns not imported" in err and "“City”, “Code”" in err and "--keep-columns" in err


def test_node_attributes_are_kept_as_described_properties(team, tmp_path, capsys):
    gexf = write(tmp_path, "gephi.gexf", GEPHI)
    out = tmp_path / "out.ttl"
    assert main(["import", str(team), str(gexf), "--kind", "Person", "--keep-columns", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Kept as properties of their own (no property of the ontology matches): “City”, “Code”." in err
    assert "not imported (no name" not in err
    graph = Graph().parse(out)
    city = labelled(graph, "City")
    assert (city, RDF.type, RDF.Property) in graph and "gephi.gexf" in str(graph.value(city, RDFS.comment))
    assert str(graph.value(labelled(graph, "Ana"), city)) == "Leeds"
    assert str(graph.value(labelled(graph, "Ana"), labelled(graph, "Code"))) == "7"


def test_keep_columns_travels_in_a_mapping_file(doc, tmp_path):
    mapping = merge.Mapping(columns={"name": "label"}, keep_columns=True)
    path = write(tmp_path, "m.json", json.dumps(mapping.to_dict()))
    assert merge.load_mapping(path, schema_of(doc)).keep_columns is True
    write(tmp_path, "bad.toml", '[defaults]\nkeep_columns = "yes"\n')
    with pytest.raises(Exception, match="keep_columns must be true or false"):
        merge.load_mapping(tmp_path / "bad.toml", schema_of(doc))


# ------------------------------------------------------------------------------ --kind


def test_kind_wins_over_a_guessed_category_column(team, tmp_path, capsys):
    graphml = write(tmp_path, "cytoscape.graphml", CYTOSCAPE)
    out = tmp_path / "out.ttl"
    assert main(["import", str(team), str(graphml), "--kind", "Person", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "--kind Person: every row is a person; the column “Category” is not read as the kind" in err
    assert "3 new nodes" in err and "not a kind of node" not in err
    graph = Graph().parse(out)
    assert all((labelled(graph, name), RDF.type, RX.Person) in graph for name in ("Ana", "Ben", "Cy"))


def test_a_kind_column_the_mapping_file_names_still_gives_the_kind(team, tmp_path, capsys):
    graphml = write(tmp_path, "cytoscape.graphml", CYTOSCAPE)
    mapping = write(tmp_path, "m.toml", '[columns]\nname = "label"\nkind = "Category"\n')
    args = ["import", str(team), str(graphml), "--kind", "Person", "--mapping", str(mapping), "--dry-run"]
    assert main(args) == 2  # the person said the column gives kinds: "staff" is none, so every row is refused
    assert "“staff” is not a kind of node" in capsys.readouterr().err
