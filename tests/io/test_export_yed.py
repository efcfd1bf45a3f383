"""The GraphML for yEd: yFiles graphics yEd draws (shapes, colours, labels, places, tie lines, arrows), the
rest of the file valid GraphML, and an export that imports back as the same map, placed where it was drawn."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from export_maps import IMG_ALERT, SCRIPT_CLOSE, hostile_map, keystone
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from explorer.core.document import MapDocument
from explorer.core.namespaces import RX
from explorer.core.presentation import NODE_H, NODE_W, heat_colour, heat_strength
from explorer.core.resources import sample_graphs_dir
from explorer.core.schema import schema_of
from explorer.core.terms import DEFAULT_GRAPH
from explorer.io import merge, registry
from explorer.io.graphml import read_graphml
from explorer.io.model import export_view
from explorer.io.yed import YED_LINES, YED_SHAPES, YFILES_NS, write_yed

G = "{http://graphml.graphdrawing.org/xmlns}"
Y = f"{{{YFILES_NS}}}"
SCHEMAS = Path(__file__).resolve().parents[1] / "support" / "schemas"


def _maps(tmp_path):
    yield "keystone", keystone()
    yield "hostile", hostile_map(tmp_path)
    for path in sorted(sample_graphs_dir().glob("*.ttl")):
        yield path.stem, MapDocument.open(path, editing=False)
    yield "empty", MapDocument.new(title="Empty", editing=False)


def _graphics(root) -> tuple[dict, dict]:
    """Node IRI -> its y:ShapeNode, tie IRI -> its y:PolyLineEdge (read through the keys the file declares)."""
    keys = {k.get("id"): k.get("attr.name") or k.get("yfiles.type") for k in root.iter(f"{G}key")}

    def by_iri(element, graphics):
        values = {keys[d.get("key")]: d for d in element.iter(f"{G}data")}
        return values["iri"].text, values[graphics].find(
            f"{Y}ShapeNode" if graphics == "nodegraphics" else f"{Y}PolyLineEdge"
        )

    nodes = dict(by_iri(n, "nodegraphics") for n in root.iter(f"{G}node"))
    ties = dict(by_iri(e, "edgegraphics") for e in root.iter(f"{G}edge"))
    return nodes, ties


def test_every_node_and_tie_is_drawn_as_the_canvas_draws_it(tmp_path):
    for name, doc in _maps(tmp_path):
        out = tmp_path / f"{name}.graphml"
        view = export_view(doc)
        write_yed(doc, out)
        doc.close()
        root = ET.parse(out).getroot()
        assert {k.get("yfiles.type") for k in root.iter(f"{G}key")} >= (
            {"nodegraphics", "edgegraphics"} if view.nodes else set()
        )
        nodes, ties = _graphics(root)
        assert set(nodes) == {n.id for n in view.nodes}, name
        assert set(ties) == {t.id for t in view.ties}, name
        for node in view.nodes:
            shape = nodes[node.id]
            geometry = shape.find(f"{Y}Geometry")
            # yEd's geometry is the shape's top-left corner; its y grows downwards, as the canvas's does.
            x, y, w, h = (float(geometry.get(a)) for a in ("x", "y", "width", "height"))
            assert (x + w / 2, y + h / 2, w, h) == pytest.approx((node.x, node.y, NODE_W, NODE_H)), node.id
            assert shape.find(f"{Y}Fill").get("color").lower() == node.colour, node.id
            assert shape.findtext(f"{Y}NodeLabel") == node.label.replace("\x00", "\ufffd"), node.id
            assert shape.find(f"{Y}Shape").get("type") == YED_SHAPES[node.shape], node.id
        for tie in view.ties:
            edge = ties[tie.id]
            line = edge.find(f"{Y}LineStyle")
            assert line.get("color").lower() == tie.colour and line.get("type") == YED_LINES[tie.line_style]
            assert edge.find(f"{Y}Arrows").attrib == {"source": "none", "target": "standard"}
            assert edge.findtext(f"{Y}EdgeLabel") == tie.relation_label


def test_hostile_labels_are_text_in_the_file_not_markup(tmp_path):
    doc = hostile_map(tmp_path)
    out = tmp_path / "hostile.graphml"
    write_yed(doc, out)
    doc.close()
    data = out.read_bytes()
    assert b"<img" not in data and b"<script" not in data and b"</script>" not in data
    labels = {e.text for e in ET.parse(out).getroot().iter(f"{Y}NodeLabel")}
    assert {IMG_ALERT, SCRIPT_CLOSE, "O'Brien \"quoted\" ' -->"} <= labels


def test_scored_nodes_are_filled_with_the_heat_colour_and_keep_their_kind_colour(tmp_path):
    doc = keystone()
    view = export_view(doc)
    heat = {view.nodes[0].id: 0.8, view.nodes[1].id: 0.1}
    out = tmp_path / "heat.graphml"
    write_yed(doc, out, heat=heat)
    doc.close()
    nodes, _ = _graphics(ET.parse(out).getroot())
    for iri, value in heat.items():
        assert nodes[iri].find(f"{Y}Fill").get("color").lower() == heat_colour(heat_strength(value))
    unscored = view.nodes[2]
    assert nodes[unscored.id].find(f"{Y}Fill").get("color").lower() == unscored.colour


def test_without_its_yfiles_graphics_the_file_is_valid_graphml(tmp_path):
    # The official schema allows no elements in <data> and no yfiles.type on <key>: everything else must be
    # plain, valid GraphML, so that a reader that skips the graphics reads the rest.
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml" / "graphml.xsd")))
    for name, doc in _maps(tmp_path):
        out = tmp_path / f"{name}.graphml"
        write_yed(doc, out)
        doc.close()
        tree = etree.parse(str(out))
        assert not schema.validate(copy.deepcopy(tree)) or not len(tree.getroot().findall(f"{G}graph/{G}node"))
        graphics = {k.get("id") for k in tree.getroot().iter(f"{G}key") if k.get("yfiles.type")}
        for key in tree.getroot().findall(f"{G}key"):
            if key.get("id") in graphics:
                key.getparent().remove(key)
        for data in list(tree.getroot().iter(f"{G}data")):
            if data.get("key") in graphics:
                data.getparent().remove(data)
        assert schema.validate(tree), f"{name}: {schema.error_log.filter_from_errors()[:3]}"


def test_the_registry_offers_it_beside_plain_graphml_which_stays_the_default_for_the_ending():
    fmt = registry.get("yed", "export")
    assert fmt.extensions == ("graphml",) and "yEd" in fmt.label
    assert registry.for_path("map.graphml", "export").name == "graphml"


def _statements(document) -> set:
    """The map graph's statements, literals by value, without positions and the map's own description."""
    dataset = {s for s, _, _, _ in document.store.quads(None, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset"))}
    found = set()
    for s, p, o, _ in document.store.quads(graph=DEFAULT_GRAPH):
        if s in dataset or p in (RX.canvasX, RX.canvasY):
            continue
        value = (o.datatype, o.language, o.value if o.value is not None else str(o)) if isinstance(o, Literal) else o
        found.add((s, p, value))
    return found


@pytest.mark.parametrize("sample", ["keystone-michigan", "action-schools-bc"])
def test_export_then_import_gives_the_same_map_placed_where_it_was_drawn(tmp_path, sample):
    original = MapDocument.open(sample_graphs_dir() / f"{sample}.ttl", editing=False)
    fresh = MapDocument.new()
    try:
        out = tmp_path / "map.graphml"
        write_yed(original, out)
        source = read_graphml(out)
        plan = merge.plan_import(fresh, source, merge.guess_mapping(source, schema_of(original)))
        assert plan.problems == []
        merge.apply_plan(fresh, plan)
        before, after = _statements(original), _statements(fresh)
        assert sorted(before - after, key=str) == [] and sorted(after - before, key=str) == []
        # Labels from y:NodeLabel, places from the centres of y:Geometry.
        for node in export_view(original).nodes:
            got = [float(next(iter(fresh.store.quads(URIRef(node.id), p, None)))[2]) for p in (RX.canvasX, RX.canvasY)]
            assert got == pytest.approx([node.x, node.y]), node.id
        assert "shape_type" in source.suggested["ignore"]
        again = merge.plan_import(original, source, merge.guess_mapping(source, schema_of(original)))
        assert again.counts["new"] == 0 and again.counts["conflicts"] == 0 and again.removed == []
    finally:
        original.close()
        fresh.close()


def test_a_node_moved_in_yed_imports_where_yed_left_it(tmp_path):
    doc = keystone()
    out = tmp_path / "moved.graphml"
    write_yed(doc, out)
    node = export_view(doc).nodes[0]
    doc.close()
    ET.register_namespace("", G[1:-1])
    ET.register_namespace("y", YFILES_NS)
    tree = ET.parse(out)
    nodes, _ = _graphics(tree.getroot())
    geometry = nodes[node.id].find(f"{Y}Geometry")
    # As yEd saves a node dragged and widened: another corner and size, the same centre rule.
    geometry.attrib.update(x="-400.5", y="300.0", width="200.0", height="60.0")
    tree.write(out, xml_declaration=True, encoding="utf-8")
    source = read_graphml(out)
    row = next(cells for _, cells in source.nodes.rows if cells[0] == node.id)
    columns = source.nodes.columns
    assert (row[columns.index("x")], row[columns.index("y")]) == (-300.5, 330.0)
