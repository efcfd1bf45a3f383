"""GraphML, GEXF, CSV and RDF exports, each read back by the tool that consumes it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from export_maps import FORMULA, IMG_ALERT, QUOTED_IRI, SCRIPT_CLOSE, hostile_map, keystone
from rdflib.compare import isomorphic

from explorer.core.errors import ExplorerError, SaveError
from explorer.io.csv_tables import csv_paths, write_csv
from explorer.io.gexf import write_gexf
from explorer.io.graphml import write_graphml
from explorer.io.model import export_view, heat_colour
from explorer.io.rdf_export import write_jsonld, write_nquads, write_ntriples, write_rdfxml, write_trig, write_turtle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def sample():
    doc = keystone()
    view = export_view(doc)
    yield doc, view
    doc.close()


@pytest.fixture
def hostile(tmp_path):
    doc = hostile_map(tmp_path)
    yield doc
    doc.close()


def _edges(view):
    return sorted((t.source, t.target, t.id) for t in view.ties)


def read_gexf13(path):
    """networkx's reading of a GEXF 1.3 file (it knows GEXF up to 1.2: the namespaces are renamed for it)."""
    data = Path(path).read_bytes().replace(b"http://gexf.net/1.3", b"http://www.gexf.net/1.2draft")
    return nx.read_gexf(io.BytesIO(data.replace(b'version="1.3"', b'version="1.2"')))


def read_graphml_by_iri(path):
    """networkx's reading of our GraphML, its nodes and edges keyed by their ``iri`` (GraphML ids are short)."""
    G = nx.read_graphml(path, force_multigraph=True)
    by_iri = nx.MultiDiGraph(**G.graph)
    iri = {node: data["iri"] for node, data in G.nodes(data=True)}
    by_iri.add_nodes_from((iri[node], data) for node, data in G.nodes(data=True))
    by_iri.add_edges_from((iri[u], iri[v], data["iri"], data) for u, v, data in G.edges(data=True))
    return by_iri


def test_graphml_reads_back_with_the_same_nodes_edges_and_attributes(sample, tmp_path):
    doc, view = sample
    heat = {view.nodes[0].id: 0.75, view.nodes[1].id: -0.5}
    out = tmp_path / "keystone.graphml"
    write_graphml(doc, out, heat=heat)
    G = read_graphml_by_iri(out)
    assert sorted(G.nodes) == sorted(n.id for n in view.nodes)
    assert sorted((u, v, k) for u, v, k in G.edges(keys=True)) == _edges(view)
    for n in view.nodes:
        data = G.nodes[n.id]
        assert (data["label"], data["kind"], data["level"], data["level_name"]) == (
            n.label,
            n.kind,
            n.level,
            n.level_name,
        )
        assert (data["colour"], data["shape"]) == (n.colour, n.shape)
        assert data["canvas_x"] == pytest.approx(n.x) and data["canvas_y"] == pytest.approx(n.y)
        # Gephi's y grows upwards: flipped, the map is the right way up there.
        assert data["x"] == pytest.approx(n.x) and data["y"] == pytest.approx(-n.y)
        assert data["name"] == n.label and f"#{data['r']:02x}{data['g']:02x}{data['b']:02x}" == n.colour
        for name, value in n.attributes.items():
            assert data[name] == (pytest.approx(value) if isinstance(value, float) else value), (n.id, name)
        assert data.get("heat") == heat.get(n.id)
    for t in view.ties:
        data = G.edges[t.source, t.target, t.id]
        assert (data["relation"], data["relation_label"], data["qualified"]) == (
            t.relation,
            t.relation_label,
            t.qualified,
        )
        assert {k: data[k] for k in t.attributes} == dict(t.attributes)
    # Typed attributes: numbers stay numbers for Gephi and Cytoscape.
    assert any(isinstance(d.get("readiness"), float) for _, d in G.nodes(data=True))
    assert {type(d["level"]) for _, d in G.nodes(data=True)} == {int}


def test_gexf_reads_back_with_colours_positions_and_attributes(sample, tmp_path):
    doc, view = sample
    scored = view.nodes[2].id
    out = tmp_path / "keystone.gexf"
    write_gexf(doc, out, heat={scored: 1.0})
    G = read_gexf13(out)
    assert sorted(G.nodes) == sorted(n.id for n in view.nodes)
    assert sorted((u, v, k) for u, v, k in G.edges(keys=True)) == _edges(view)
    for n in view.nodes:
        data = G.nodes[n.id]
        assert (data["label"], data["kind_label"], data["level"]) == (n.label, n.kind_label, n.level)
        viz = data["viz"]
        assert viz["position"]["x"] == pytest.approx(n.x) and viz["position"]["y"] == pytest.approx(-n.y)
        colour = f"#{viz['color']['r']:02x}{viz['color']['g']:02x}{viz['color']['b']:02x}"
        assert colour == ("#d7301f" if n.id == scored else n.colour)
        for name, value in n.attributes.items():
            assert data[name] == (pytest.approx(value) if isinstance(value, float) else value)
    for t in view.ties:
        data = G.edges[t.source, t.target, t.id]
        assert data["relation"] == t.relation and data["label"] == t.relation_label
        for name, value in t.attributes.items():
            assert data[name] == (pytest.approx(value) if isinstance(value, float) else value)


def test_gexf_heat_is_on_the_fixed_likelihood_scale(sample, tmp_path):
    """The same likelihood has the same colour and size on every map: never scaled to the map's largest."""
    doc, view = sample
    half, low = view.nodes[0].id, view.nodes[1].id
    out = tmp_path / "half.gexf"
    write_gexf(doc, out, heat={half: 0.5, low: 0.1})
    G = read_gexf13(out)

    def viz(n):
        return G.nodes[n]["viz"]

    def colour(n):
        rgb = viz(n)["color"]
        return f"#{rgb['r']:02x}{rgb['g']:02x}{rgb['b']:02x}"

    assert colour(half) == heat_colour(0.5) != heat_colour(1.0) and colour(low) == heat_colour(0.1)
    assert viz(half)["size"] == pytest.approx(20.0) and viz(low)["size"] == pytest.approx(12.0)


def test_graph_files_keep_hostile_text_as_text(hostile, tmp_path):
    write_graphml(hostile, tmp_path / "h.graphml")
    write_gexf(hostile, tmp_path / "h.gexf")
    for G in (read_graphml_by_iri(tmp_path / "h.graphml"), read_gexf13(tmp_path / "h.gexf")):
        labels = {d["label"] for _, d in G.nodes(data=True)}
        assert {IMG_ALERT, SCRIPT_CLOSE, "Line\u2028separator and \u2029 paragraph"} <= labels
        assert QUOTED_IRI in G
        assert any(d.get("comment") == FORMULA for _, d in G.nodes(data=True))


def test_csv_lists_read_back_with_the_csv_module(sample, tmp_path):
    doc, view = sample
    write_csv(doc, tmp_path / "keystone.csv", heat={view.nodes[0].id: 0.5})
    nodes_file, edges_file = csv_paths(tmp_path / "keystone.csv")
    assert not (tmp_path / "keystone.csv").exists()
    with open(nodes_file, encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with open(edges_file, encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert [r["id"] for r in nodes] == [n.id for n in view.nodes]
    for row, n in zip(nodes, view.nodes):
        assert (row["label"], row["kind"], int(row["level"]), row["colour"]) == (n.label, n.kind, n.level, n.colour)
        assert float(row["x"]) == pytest.approx(n.x)
        for name, value in n.attributes.items():
            assert (float(row[name]) == pytest.approx(value)) if isinstance(value, float) else row[name] == str(value)
        assert (row["heat"] == "0.5") if n is view.nodes[0] else row["heat"] == ""
    assert [(r["source"], r["target"], r["id"]) for r in edges] == [(t.source, t.target, t.id) for t in view.ties]
    assert {r["qualified"] for r in edges} == {"true", "false"}
    interdependency = next(r for r in edges if r["relation"].endswith("#Interdependency"))
    assert interdependency["strength"] and interdependency["interdependenceType"]


def test_csv_guards_spreadsheet_formulas_and_keeps_other_text(hostile, tmp_path):
    write_csv(hostile, tmp_path / "h-nodes.csv")
    nodes_file, edges_file = csv_paths(tmp_path / "h-nodes.csv")
    assert nodes_file.name == "h-nodes.csv" and edges_file.name == "h-edges.csv"
    with open(nodes_file, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["label"] for r in rows} >= {IMG_ALERT, SCRIPT_CLOSE, "O'Brien \"quoted\" ' -->"}
    assert "'" + FORMULA in {r["comment"] for r in rows}
    with open(edges_file, encoding="utf-8", newline="") as f:
        assert any(r["comment"] == IMG_ALERT for r in csv.DictReader(f))


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (write_turtle, "map.ttl"),
        (write_trig, "map.trig"),
        (write_ntriples, "map.nt"),
        (write_nquads, "map.nq"),
        (write_jsonld, "map.jsonld"),
        (write_rdfxml, "map.rdf"),
        (write_turtle, "map.ttl.gz"),
    ],
)
def test_rdf_exports_parse_back_to_the_same_graph(hostile, tmp_path, writer, name):
    out = tmp_path / name
    writer(hostile, out)
    expected = hostile.store.as_rdflib()
    fmt = {
        "ttl": "turtle",
        "trig": "trig",
        "nt": "nt",
        "nq": "nquads",
        "jsonld": "json-ld",
        "rdf": "xml",
        "gz": "turtle",
    }[name.rsplit(".", 1)[1]]
    if name.endswith(".gz"):
        import gzip

        data = gzip.decompress(out.read_bytes())
    else:
        data = out.read_bytes()
    parsed = rdflib.Dataset()
    parsed.parse(data=data, format=fmt)
    graph = rdflib.Graph()
    for s, p, o, _ in parsed.quads((None, None, None, None)):
        graph.add((s, p, o))
    assert len(graph) == len(expected)
    assert isomorphic(graph, expected)
    # Oxigraph, which the app reads with, agrees.
    assert len(
        list(
            ox.parse(
                data,
                format={
                    "turtle": ox.RdfFormat.TURTLE,
                    "trig": ox.RdfFormat.TRIG,
                    "nt": ox.RdfFormat.N_TRIPLES,
                    "nquads": ox.RdfFormat.N_QUADS,
                    "json-ld": ox.RdfFormat.JSON_LD,
                    "xml": ox.RdfFormat.RDF_XML,
                }[fmt],
            )
        )
    ) == len(expected)


def test_graph_rdf_formats_refuse_a_map_with_named_graphs(hostile, tmp_path):
    hostile.store.apply(
        added=[(rdflib.URIRef("urn:x:a"), rdflib.RDFS.label, rdflib.Literal("a"), rdflib.URIRef("urn:x:run"))]
    )
    with pytest.raises(SaveError, match="TriG or N-Quads"):
        write_turtle(hostile, tmp_path / "map.ttl")
    assert not (tmp_path / "map.ttl").exists()
    write_trig(hostile, tmp_path / "map.trig")
    assert "urn:x:run" in (tmp_path / "map.trig").read_text(encoding="utf-8")


def test_layouts_positions_and_bad_options(sample, tmp_path):
    doc, view = sample
    first = view.nodes[0].id
    write_graphml(doc, tmp_path / "a.graphml", layout="hierarchical", positions={first: (-40.0, 12.5)})
    G = read_graphml_by_iri(tmp_path / "a.graphml")
    assert (G.nodes[first]["canvas_x"], G.nodes[first]["canvas_y"]) == (-40.0, 12.5)
    assert G.graph["layout"] == "hierarchical"
    with pytest.raises(ExplorerError, match="Unknown layout 'spiral'"):
        write_gexf(doc, tmp_path / "b.gexf", layout="spiral")
    with pytest.raises(ExplorerError, match="Unknown export option"):
        write_csv(doc, tmp_path / "b.csv", dpi=300)
    with pytest.raises(SaveError, match="does not exist"):
        write_graphml(doc, tmp_path / "missing" / "c.graphml")
    assert not list(tmp_path.glob("b*"))


def test_a_map_without_nodes_exports_empty_files(tmp_path):
    from explorer.core.document import MapDocument

    doc = MapDocument.new(title="Empty", editing=False)
    write_graphml(doc, tmp_path / "e.graphml")
    write_gexf(doc, tmp_path / "e.gexf")
    write_csv(doc, tmp_path / "e.csv")
    assert nx.read_graphml(tmp_path / "e.graphml").number_of_nodes() == 0
    assert read_gexf13(tmp_path / "e.gexf").number_of_nodes() == 0
    assert (tmp_path / "e-nodes.csv").read_text(encoding="utf-8").startswith("id,label,kind")
