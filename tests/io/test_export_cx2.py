"""CX2 for Cytoscape keeps the rules of the CX2 specification that can be checked from the file, and its style
shows each node and tie as the canvas does.

No JSON Schema of CX2 is published (the specification is prose, and its "CX2 Visual Styles" page gives a schema
fragment per visual property); the rules below are the specification's: the descriptor first and one status
last, each aspect a one-key object of a list, declarations before the aspects they declare, every value of the
declared type, unique ids, edges between nodes, places on all nodes or none, and the portable style's names
and enumerations for the visual properties written.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from export_maps import IMG_ALERT, SCRIPT_CLOSE, hostile_map, keystone

from explorer.core.document import MapDocument
from explorer.core.presentation import NODE_H, NODE_W, heat_colour, heat_strength
from explorer.core.resources import sample_graphs_dir
from explorer.io import registry
from explorer.io.cx2 import CX2_SHAPES, write_cx2
from explorer.io.model import export_view

# From the specification's attributeDeclarations ("d") and the portable style's enumerations.
TYPES = {
    "string": lambda v: isinstance(v, str),
    "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "double": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
    "boolean": lambda v: isinstance(v, bool),
}
NODE_SHAPES = {
    "ellipse",
    "triangle",
    "rectangle",
    "round-rectangle",
    "parallelogram",
    "diamond",
    "hexagon",
    "octagon",
    "vee",
}
LINE_STYLES = {"solid", "dotted", "dashed", "double"}
ARROWS = {"none", "triangle", "triangle-cross", "square", "diamond", "circle", "vee", "tee"}
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
CORE = ("attributeDeclarations", "networkAttributes", "nodes", "edges", "visualProperties", "nodeBypasses")


def _maps(tmp_path):
    yield "keystone", keystone()
    yield "hostile", hostile_map(tmp_path)
    for path in sorted(sample_graphs_dir().glob("*.ttl")):
        yield path.stem, MapDocument.open(path, editing=False)
    yield "empty", MapDocument.new(title="Empty", editing=False)


def check_cx2(document: list) -> dict:
    """Assert the CX2 rules on a parsed document; return its aspects by name."""
    assert isinstance(document, list) and document, "a CX2 network is one JSON array"
    assert document[0] == {"CXVersion": "2.0", "hasFragments": False}
    assert list(document[-1]) == ["status"] and document[-1]["status"] == [{"error": "", "success": True}]
    aspects: dict = {}
    order = []
    for block in document[1:-1]:
        assert isinstance(block, dict) and len(block) == 1, "an aspect block has exactly one key"
        ((name, elements),) = block.items()
        assert isinstance(elements, list), name
        assert name not in aspects or name == "metaData", f"{name} is fragmented though hasFragments is false"
        aspects[name] = elements
        order.append(name)
    assert "status" not in aspects, "exactly one status, at the end"
    declared = aspects["attributeDeclarations"]
    assert len(declared) == 1, "one declaration object for a network without fragments"
    first_data = min(order.index(n) for n in CORE[1:] if n in order)
    assert order.index("attributeDeclarations") < first_data, "declarations come before the aspects they declare"
    declarations = declared[0]
    for scope in ("networkAttributes", "nodes", "edges"):
        for attribute, spec in declarations.get(scope, {}).items():
            assert spec["d"] in TYPES and set(spec) <= {"d", "v", "a"}, (scope, attribute)

    def typed(scope: str, values: dict) -> None:
        assert "id" not in values, f"'id' is not allowed among a {scope} element's values"
        for attribute, value in values.items():
            spec = declarations[scope].get(attribute)
            assert spec is not None, f"{scope}: {attribute!r} is not declared"
            assert TYPES[spec["d"]](value), f"{scope}: {attribute}={value!r} is not a {spec['d']}"

    (network,) = aspects["networkAttributes"]
    typed("networkAttributes", network)
    nodes, edges = aspects["nodes"], aspects["edges"]
    node_ids = [n["id"] for n in nodes]
    assert all(TYPES["long"](i) for i in node_ids) and len(set(node_ids)) == len(node_ids), "node ids unique"
    placed = [("x" in n, "y" in n) for n in nodes]
    assert all(p == (True, True) for p in placed) or all(p == (False, False) for p in placed), "x and y: all or none"
    for node in nodes:
        assert set(node) <= {"id", "v", "x", "y", "z"}
        assert all(TYPES["double"](node[axis]) for axis in ("x", "y") if axis in node)
        typed("nodes", node.get("v", {}))
        assert isinstance(node["v"].get("name", ""), str) and isinstance(node["v"].get("represents", ""), str)
    edge_ids = [e["id"] for e in edges]
    assert all(TYPES["long"](i) for i in edge_ids) and len(set(edge_ids)) == len(edge_ids), "edge ids unique"
    known = set(node_ids)
    for edge in edges:
        assert set(edge) <= {"id", "s", "t", "v"} and edge["s"] in known and edge["t"] in known, edge["id"]
        typed("edges", edge.get("v", {}))
    for meta in aspects.get("metaData", []):
        assert meta["elementCount"] == len(aspects[meta["name"]]), meta
    (style,) = aspects["visualProperties"]
    _check_style(style, declarations)
    for bypass in aspects.get("nodeBypasses", []):
        assert bypass["id"] in known and all(COLOUR.fullmatch(c) for c in bypass["v"].values())
    return aspects


def _check_style(style: dict, declarations: dict) -> None:
    assert set(style) <= {"default", "nodeMapping", "edgeMapping"}
    node, edge = style["default"]["node"], style["default"]["edge"]
    assert node["NODE_SHAPE"] in NODE_SHAPES and node["NODE_WIDTH"] > 0 and node["NODE_HEIGHT"] > 0
    assert edge["EDGE_LINE_STYLE"] in LINE_STYLES and edge["EDGE_TARGET_ARROW_SHAPE"] in ARROWS
    for defaults in style["default"].values():
        for name, value in defaults.items():
            if name.endswith("_COLOR"):
                assert COLOUR.fullmatch(value), (name, value)
            if name.endswith("_OPACITY"):
                assert 0 <= value <= 1, name
    for scope, mappings in (("nodes", style["nodeMapping"]), ("edges", style["edgeMapping"])):
        for name, mapping in mappings.items():
            assert mapping["type"] in {"DISCRETE", "PASSTHROUGH", "CONTINUOUS"}, name
            attribute = mapping["definition"]["attribute"]
            # An alias may not be used in a mapping; the attribute must be declared (or typed here).
            assert attribute in declarations[scope] or "type" in mapping["definition"], (name, attribute)
            for entry in mapping["definition"].get("map", []):
                if name.endswith("_COLOR"):
                    assert COLOUR.fullmatch(entry["vp"]), (name, entry)
                if name == "NODE_SHAPE":
                    assert entry["vp"] in NODE_SHAPES, entry


def _fill(style: dict, bypasses: dict, node: dict) -> str:
    """The fill Cytoscape gives ``node``: its bypass, else the discrete mapping of its kind, else the default."""
    if node["id"] in bypasses:
        return bypasses[node["id"]]["NODE_BACKGROUND_COLOR"]
    definition = style["nodeMapping"]["NODE_BACKGROUND_COLOR"]["definition"]
    found = {e["v"]: e["vp"] for e in definition["map"]}.get(node["v"][definition["attribute"]])
    return found or style["default"]["node"]["NODE_BACKGROUND_COLOR"]


def test_every_cx2_export_keeps_the_rules_of_the_specification(tmp_path):
    for name, doc in _maps(tmp_path):
        out = tmp_path / f"{name}.cx2"
        view = export_view(doc)
        write_cx2(doc, out)
        doc.close()
        aspects = check_cx2(json.loads(out.read_text(encoding="utf-8")))
        assert len(aspects["nodes"]) == len(view.nodes) and len(aspects["edges"]) == len(view.ties), name


def test_cytoscape_shows_labels_colours_shapes_places_and_ties_as_the_canvas(tmp_path):
    doc = keystone()
    view = export_view(doc)
    heat = {view.nodes[0].id: 0.9}
    out = tmp_path / "keystone.cx2"
    write_cx2(doc, out, heat=heat)
    doc.close()
    aspects = check_cx2(json.loads(out.read_text(encoding="utf-8")))
    (style,) = aspects["visualProperties"]
    assert style["nodeMapping"]["NODE_LABEL"]["definition"]["attribute"] == "name"
    assert (style["default"]["node"]["NODE_WIDTH"], style["default"]["node"]["NODE_HEIGHT"]) == (NODE_W, NODE_H)
    bypasses = {b["id"]: b["v"] for b in aspects.get("nodeBypasses", [])}
    by_iri = {n["v"]["represents"]: n for n in aspects["nodes"]}
    shapes = {e["v"]: e["vp"] for e in style["nodeMapping"]["NODE_SHAPE"]["definition"]["map"]}
    for node in view.nodes:
        record = by_iri[node.id]
        assert record["v"]["name"] == node.label
        # Cytoscape's y grows downwards, as the canvas's does: the places are the canvas's as they are.
        assert (record["x"], record["y"]) == pytest.approx((node.x, node.y))
        expected = heat_colour(heat_strength(heat[node.id])) if node.id in heat else node.colour
        assert _fill(style, bypasses, record) == expected, node.id
        assert shapes[node.kind] == CX2_SHAPES[node.shape]
    assert record["v"]["colour"] == node.colour  # the kind's colour stays a value beside the heat
    edges = {e["v"]["iri"]: e["v"] for e in aspects["edges"]}
    mapped = {name: m["definition"]["attribute"] for name, m in style["edgeMapping"].items()}
    for tie in view.ties:
        values = edges[tie.id]
        assert values[mapped["EDGE_LABEL"]] == tie.relation_label
        assert values[mapped["EDGE_LINE_COLOR"]] == tie.colour and values[mapped["EDGE_LINE_STYLE"]] in LINE_STYLES
        assert values[mapped["EDGE_LINE_STYLE"]] == tie.line_style
    assert style["default"]["edge"]["EDGE_TARGET_ARROW_SHAPE"] == "triangle"


def test_hostile_labels_stay_text_inside_their_json_strings(tmp_path):
    doc = hostile_map(tmp_path)
    out = tmp_path / "hostile.cx2"
    write_cx2(doc, out, title='"]}],[{"status":[{"success":false}]}')
    doc.close()
    aspects = check_cx2(json.loads(out.read_text(encoding="utf-8")))
    names = {n["v"]["name"] for n in aspects["nodes"]}
    assert {IMG_ALERT, SCRIPT_CLOSE, "O'Brien \"quoted\" ' -->", "Line\u2028separator and \u2029 paragraph"} <= names
    assert aspects["networkAttributes"][0]["name"] == '"]}],[{"status":[{"success":false}]}'


def test_a_checker_that_passes_everything_would_be_caught():
    # The rules can fail: an undeclared attribute, an edge to nowhere, a place on one node only.
    good = [
        {"CXVersion": "2.0", "hasFragments": False},
        {"attributeDeclarations": [{"networkAttributes": {}, "nodes": {"name": {"d": "string"}}, "edges": {}}]},
        {"networkAttributes": [{}]},
        {"nodes": [{"id": 0, "x": 0.0, "y": 0.0, "v": {"name": "a"}}, {"id": 1, "x": 1.0, "y": 1.0, "v": {}}]},
        {"edges": [{"id": 0, "s": 0, "t": 1, "v": {}}]},
        {
            "visualProperties": [
                {
                    "default": {
                        "node": {"NODE_SHAPE": "ellipse", "NODE_WIDTH": 1, "NODE_HEIGHT": 1},
                        "edge": {"EDGE_LINE_STYLE": "solid", "EDGE_TARGET_ARROW_SHAPE": "triangle"},
                    },
                    "nodeMapping": {},
                    "edgeMapping": {},
                }
            ]
        },
        {"status": [{"error": "", "success": True}]},
    ]
    check_cx2(good)
    for broken in (
        lambda d: d[3]["nodes"][1]["v"].update(size=3),
        lambda d: d[4]["edges"][0].update(t=7),
        lambda d: d[3]["nodes"][1].pop("x"),
        lambda d: d[3]["nodes"][1].update(id=0),
        lambda d: d[3]["nodes"][0]["v"].update(name=5),
    ):
        document = json.loads(json.dumps(good))
        broken(document)
        with pytest.raises(AssertionError):
            check_cx2(document)


def test_the_registry_and_the_command_line_offer_it(tmp_path):
    from explorer.cli import main

    fmt = registry.for_path("map.cx2", "export")
    assert fmt.name == "cx2" and "Cytoscape" in fmt.label
    out = tmp_path / "k.cx2"
    assert main(["export", str(sample_graphs_dir() / "keystone-michigan.ttl"), str(out)]) == 0
    check_cx2(json.loads(out.read_text(encoding="utf-8")))
