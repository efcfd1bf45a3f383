"""GEXF import takes what Gephi writes whole: GEXF 1.3 and its list types, nulls, nodes without
labels, hex colours, mixed directed and undirected edges; what it cannot read it says, naming the file.

The files are written here, small, in the form the GEXF 1.3 primer gives (nodes, edges,
attributes and attvalues, viz).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from explorer.core.errors import FormatError
from explorer.core.namespaces import RX
from explorer.io.gexf import read_gexf

# The namespace of the GEXF 1.3 primer (networkx knows it, so a test of something else fails for that reason).
GEXF_13 = "http://gexf.net/1.3"


def gexf(
    tmp_path: Path,
    body: str,
    *,
    namespace: str | None = GEXF_13,
    graph: str = 'defaultedgetype="directed"',
    name: str = "graph.gexf",
) -> Path:
    """A GEXF file of ``body`` (what the ``<graph>`` holds), in ``namespace`` (None: no namespace)."""
    declarations = f'xmlns="{namespace}" xmlns:viz="{namespace}/viz"' if namespace else 'xmlns:viz="viz"'
    version = next((v for v in ("1.1", "1.2") if namespace and f"/{v}" in namespace), "1.3")
    path = tmp_path / name
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gexf {declarations} version="{version}">\n'
        f"<graph {graph}>\n{body}\n</graph>\n</gexf>\n",
        encoding="utf-8",
    )
    return path


def rows(table) -> list[dict]:
    return [dict(zip(table.columns, cells, strict=True)) for _, cells in table.rows]


TWO_NODES = """<nodes><node id="0" label="Ann"/><node id="1" label="Bo"/></nodes>
<edges><edge id="0" source="0" target="1"/></edges>"""


@pytest.mark.parametrize(
    "namespace",
    [
        "http://www.gexf.net/1.3",
        "http://gexf.net/1.3",
        "http://www.gexf.net/1.2draft",
        "http://www.gexf.net/1.1draft",
        None,
    ],
)
def test_every_gexf_namespace_and_none_imports(tmp_path, namespace):
    source = read_gexf(gexf(tmp_path, TWO_NODES, namespace=namespace))
    assert rows(source.nodes) == [{"id": "0", "label": "Ann"}, {"id": "1", "label": "Bo"}]
    assert rows(source.edges) == [{"from": "0", "to": "1", "id": "0"}]


@pytest.mark.parametrize(
    ("type_", "value", "cell"),
    [
        ("listboolean", "[true, false]", "true; false"),
        ("liststring", "[ICU, Ward 3]", "ICU; Ward 3"),
        ("liststring", '["Smith, J", "Lee"]', "Smith, J; Lee"),
        ("liststring", "ICU|Ward 3", "ICU; Ward 3"),  # GEXF 1.2's way of writing a list
        ("listinteger", "[1, 2, 3]", "1; 2; 3"),
        ("listdouble", "[0.5, 2.0]", "0.5; 2.0"),
        ("listlong", "[7]", "7"),
    ],
)
def test_list_types_import_as_one_cell_with_items_semicolon_apart(tmp_path, type_, value, cell):
    body = f"""<attributes class="node" mode="static"><attribute id="0" title="items" type="{type_}"/></attributes>
<nodes><node id="a" label="Ann"><attvalues><attvalue for="0" value='{value}'/></attvalues></node></nodes>"""
    source = read_gexf(gexf(tmp_path, body))
    assert rows(source.nodes) == [{"id": "a", "label": "Ann", "items": cell}]


def test_null_values_are_missing_not_errors(tmp_path):
    # Gephi's "include null values" writes value="null" for an element without a value.
    body = """<attributes class="node" mode="static">
  <attribute id="score" title="score" type="double"/>
  <attribute id="rank" title="rank" type="integer"/>
  <attribute id="lead" title="lead" type="boolean"/>
  <attribute id="tags" title="tags" type="listboolean"/>
  <attribute id="note" title="note" type="string"/>
</attributes>
<nodes>
  <node id="a" label="Ann"><attvalues>
    <attvalue for="score" value="null"/><attvalue for="rank" value="null"/><attvalue for="lead" value="null"/>
    <attvalue for="tags" value="null"/><attvalue for="note" value="null"/>
  </attvalues></node>
  <node id="b" label="Bo"><attvalues>
    <attvalue for="score" value="2.5"/><attvalue for="rank" value="3"/><attvalue for="lead" value="true"/>
    <attvalue for="tags" value="[false]"/><attvalue for="note" value="on leave"/>
  </attvalues></node>
  <node id="c" label="Cy"><attvalues><attvalue for="score" value="NaN"/><attvalue for="rank" value=""/></attvalues>
  </node>
</nodes>"""
    source = read_gexf(gexf(tmp_path, body))
    ann, bo, cy = rows(source.nodes)
    assert {k: ann[k] for k in ("score", "rank", "lead", "tags")} == dict.fromkeys(("score", "rank", "lead", "tags"))
    assert ann["note"] == "null"  # text is kept as written: "null" may be what it says
    assert (bo["score"], bo["rank"], bo["lead"], bo["tags"], bo["note"]) == (2.5, 3, True, "false", "on leave")
    assert cy["score"] is None and cy["rank"] is None


def test_a_value_that_does_not_read_as_its_type_is_kept_as_written(tmp_path):
    body = """<attributes class="node"><attribute id="0" title="beds" type="integer"/></attributes>
<nodes><node id="a" label="Ann"><attvalues><attvalue for="0" value="twelve"/></attvalues></node></nodes>"""
    assert rows(read_gexf(gexf(tmp_path, body)).nodes)[0]["beds"] == "twelve"


def test_defaults_fill_the_values_a_node_does_not_give(tmp_path):
    body = """<attributes class="node">
  <attribute id="0" title="frog" type="boolean"><default>true</default></attribute>
  <attribute id="1" title="team" type="string"><default>ICU</default></attribute>
</attributes>
<nodes><node id="a" label="Ann"><attvalues><attvalue for="0" value="false"/></attvalues></node>
  <node id="b" label="Bo"/></nodes>"""
    assert [(r["frog"], r["team"]) for r in rows(read_gexf(gexf(tmp_path, body)).nodes)] == [
        (False, "ICU"),
        (True, "ICU"),
    ]


def test_nodes_without_a_label_are_named_by_their_id(tmp_path):
    body = """<nodes><node id="n1" label="Ann"/><node id="n2"/><node id="n3" label=""/></nodes>
<edges><edge source="n1" target="n2"/></edges>"""
    source = read_gexf(gexf(tmp_path, body))
    assert [(r["id"], r["label"]) for r in rows(source.nodes)] == [("n1", "Ann"), ("n2", "n2"), ("n3", "n3")]
    assert source.suggested["name"] == "label"
    assert "2 nodes have no label: each is named by its id, as Gephi does." in source.notes


@pytest.mark.parametrize(
    "colour",
    ['<viz:color hex="#ff0000"/>', '<viz:color hex="#FF0000"/>', '<viz:color r="255" g="0" b="0" a="0.5"/>'],
)
def test_viz_colours_in_hex_or_rgba_are_read(tmp_path, colour):
    from explorer.io.gexf_import import parse_gexf

    body = f"""<nodes><node id="a" label="Ann">{colour}<viz:position x="1.5" y="-2" z="0.0"/><viz:size value="4"/>
</node></nodes>"""
    path = gexf(tmp_path, body)
    source = read_gexf(path)
    assert rows(source.nodes) == [{"id": "a", "label": "Ann"}]  # Gephi's drawing is not the map's: no column
    graph, _ = parse_gexf(path.read_bytes(), name=path.name)
    viz = graph.nodes["a"]["viz"]
    assert {c: viz["color"][c] for c in "rgb"} == {"r": 255, "g": 0, "b": 0}
    assert viz["position"] == {"x": 1.5, "y": -2.0, "z": 0.0} and viz["size"] == 4.0


def test_a_drawing_value_that_does_not_read_is_left_out(tmp_path):
    from explorer.io.gexf_import import parse_gexf

    body = '<nodes><node id="a" label="Ann"><viz:color hex="#zz0000"/><viz:size value="big"/></node></nodes>'
    path = gexf(tmp_path, body)
    assert rows(read_gexf(path).nodes) == [{"id": "a", "label": "Ann"}]
    assert "viz" not in parse_gexf(path.read_bytes(), name=path.name)[0].nodes["a"]


MIXED = """<nodes><node id="a" label="Ann"/><node id="b" label="Bo"/><node id="c" label="Cy"/></nodes>
<edges>
  <edge id="0" source="a" target="b"/>
  <edge id="1" source="c" target="b" type="undirected"/>
  <edge id="2" source="b" target="a" type="directed"/>
</edges>"""


@pytest.mark.parametrize(
    ("graph", "note"),
    [
        (
            'defaultedgetype="directed"',
            "1 of the 3 edges is undirected: each is imported in the direction it is written.",
        ),
        # Gephi writes a mixed graph without a defaultedgetype, whose default is undirected.
        ("", "2 of the 3 edges are undirected: each is imported in the direction it is written."),
        (
            'defaultedgetype="undirected"',
            "2 of the 3 edges are undirected: each is imported in the direction it is written.",
        ),
    ],
)
def test_mixed_directed_and_undirected_edges_all_import_as_written(tmp_path, graph, note):
    source = read_gexf(gexf(tmp_path, MIXED, graph=graph))
    # Each from its source to its target as written; the undirected c-b is not turned into b-c.
    assert sorted((r["from"], r["to"], r["id"]) for r in rows(source.edges)) == [
        ("a", "b", "0"),
        ("b", "a", "2"),
        ("c", "b", "1"),
    ]
    assert note in source.notes


def test_mutual_edges_import_once_each_way(tmp_path):
    body = """<nodes><node id="a" label="Ann"/><node id="b" label="Bo"/></nodes>
<edges><edge id="0" source="a" target="b" type="mutual"/></edges>"""
    source = read_gexf(gexf(tmp_path, body))
    assert [(r["from"], r["to"]) for r in rows(source.edges)] == [("a", "b"), ("b", "a")]
    assert "1 mutual edge is imported once in each direction." in source.notes


def test_values_that_change_over_time_are_named_not_imported(tmp_path):
    body = """<attributes class="node" mode="dynamic"><attribute id="0" title="score" type="double"/></attributes>
<attributes class="node" mode="static"><attribute id="1" title="team" type="string"/></attributes>
<nodes><node id="a" label="Ann"><attvalues>
  <attvalue for="0" value="1.0" start="2001" end="2002"/><attvalue for="0" value="2.0" start="2002"/>
  <attvalue for="1" value="ICU"/>
</attvalues></node></nodes>"""
    source = read_gexf(gexf(tmp_path, body, graph='defaultedgetype="directed" mode="dynamic"'))
    assert rows(source.nodes) == [{"id": "a", "label": "Ann", "team": "ICU"}]
    assert "Values that change over time are not imported: “score”." in source.notes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<gexf><graph><nodes><node id='a'></nodes></graph></gexf>", "graph.gexf, line 1, column "),
        ("<gexf><meta><creator>Gephi</creator></meta></gexf>", "graph.gexf: This GEXF file has no <graph> element"),
        (
            "<gexf>\n<graph><nodes><node id='a'/></nodes>\n<edges><edge source='a'/></edges></graph></gexf>",
            "graph.gexf, line 3, column 8: An <edge> has no target.",
        ),
        (
            "<gexf><graph><nodes><node label='a'/></nodes></graph></gexf>",
            "graph.gexf, line 1, column 21: A <node> has no id.",
        ),
    ],
)
def test_what_cannot_be_read_is_a_format_error_naming_the_file_in_one_line(tmp_path, text, reason):
    path = tmp_path / "graph.gexf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_gexf(path)
    message = str(caught.value)
    assert message.startswith(reason) and "\n" not in message


def test_an_encoding_python_cannot_read_is_a_format_error(tmp_path):
    path = tmp_path / "graph.gexf"
    path.write_text('<?xml version="1.0" encoding="UTF-84"?><gexf><graph/></gexf>', encoding="utf-8")
    with pytest.raises(FormatError, match=r"^graph\.gexf: This GEXF file says it is written in the encoding 'UTF-84'"):
        read_gexf(path)


def test_a_gephi_13_file_imports_from_the_shell(tmp_path):
    # End to end: everything above in one file, through `routine-explorer import`.
    team = tmp_path / "team.ttl"
    team.write_text(
        """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/icu> a rx:Unit ; rdfs:label "ICU" .
""",
        encoding="utf-8",
    )
    body = """<attributes class="node" mode="static">
  <attribute id="lead" title="lead" type="boolean"/>
  <attribute id="shifts" title="shifts" type="listinteger"/>
  <attribute id="score" title="score" type="double"/>
</attributes>
<nodes>
  <node id="0" label="Ann"><attvalues><attvalue for="lead" value="true"/><attvalue for="shifts" value="[1, 2]"/>
    <attvalue for="score" value="null"/></attvalues><viz:color hex="#ff0000"/><viz:size value="10.0"/></node>
  <node id="1" label="Bo"><viz:color r="0" g="128" b="255"/></node>
  <node id="Cy"/>
</nodes>
<edges>
  <edge id="0" source="0" target="1" type="directed"/>
  <edge id="1" source="Cy" target="1" type="undirected"/>
</edges>"""
    path = gexf(tmp_path, body, graph='mode="static"', name="gephi.gexf")
    out = tmp_path / "out.ttl"
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "import", str(team), str(path), "--kind", "Person"]
        + ["--relation", "influences", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "gephi.gexf: 1 of the 2 edges is undirected: each is imported in the direction it is written." in proc.stderr
    assert "gephi.gexf: 1 node has no label: it is named by its id, as Gephi does." in proc.stderr
    graph = Graph().parse(out)
    ann, bo, cy = (graph.value(predicate=RDFS.label, object=Literal(name)) for name in ("Ann", "Bo", "Cy"))
    assert None not in (ann, bo, cy)
    assert (ann, RX.influences, bo) in graph and (cy, RX.influences, bo) in graph
    assert (bo, RX.influences, cy) not in graph  # the undirected edge as written, not reversed
