"""CX2 for Cytoscape: the map with a visual style, so Cytoscape shows it as the app does.

Cytoscape styles a network from its attributes, and GraphML cannot carry a style; CX2 (the Cytoscape
Exchange format, version 2: JSON, opened by Cytoscape 3.10 and later and by Cytoscape Web) carries the
network and its style together. :func:`write_cx2` writes, in the order the specification asks for:

* the descriptor (``CXVersion`` 2.0), the elements' counts (``metaData``) and ``attributeDeclarations``,
  one type for each attribute (``string``, ``long``, ``double`` or ``boolean``);
* ``networkAttributes``: the map's title as ``name``;
* ``nodes``, each with an integer id, its place as ``x`` and ``y`` (the canvas's, y growing downwards as in
  Cytoscape) and its values: ``name`` (the label Cytoscape shows), ``represents`` (its IRI), ``kind``,
  ``kind_label``, ``level``, ``level_name``, ``colour``, ``shape``, ``heat`` when scored, and the map's own;
* ``edges`` from node to node with ``interaction`` (the relation's name, Cytoscape's edge label), ``iri``,
  ``relation``, ``qualified``, ``colour``, ``line_style``, ``width`` and the tie's values;
* ``visualProperties``, the style, in Cytoscape's portable style names: nodes the canvas's size, labelled
  by ``name``, shaped and filled by ``kind`` (the kinds' shapes and colours of the ontology), labels dark or
  light on their fill; ties coloured, dashed and as wide as their family, with an arrow and their relation;
* ``nodeBypasses``: the heat colour of each scored node, over its kind's colour, when ``heat`` is given;
* ``status``: success.

Values JSON cannot hold (a non-finite number) are left out of their node or tie; text goes through
:mod:`json`, so no label can break out of its string.

Examples
--------
>>> import os, tempfile, json
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.cx2"
>>> write_cx2(doc, out)
>>> cx = json.loads(out.read_text(encoding="utf-8"))
>>> cx[0], [next(iter(block)) for block in cx[1:]]  # doctest: +NORMALIZE_WHITESPACE
({'CXVersion': '2.0', 'hasFragments': False},
 ['metaData', 'attributeDeclarations', 'networkAttributes', 'nodes', 'edges', 'visualProperties',
  'visualEditorProperties', 'status'])
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import __version__
from ..core.presentation import (
    FALLBACK_COLOUR,
    NODE_H,
    NODE_W,
    PLAIN_TIE_COLOUR,
    heat_colour,
    heat_strength,
    safe_colour,
)
from .graph_xml import DARK_TEXT, attribute_types, node_values, text_colour, write_graph_file

#: Cytoscape's portable ``NODE_SHAPE`` for each shape name of the ontology (``rx:shape``).
CX2_SHAPES = {
    "ellipse": "ellipse",
    "rounded-rectangle": "round-rectangle",
    "rectangle": "rectangle",
    "octagon": "octagon",
    "diamond": "diamond",
    "hexagon": "hexagon",
    "triangle": "triangle",
}
#: CX2's name for each attribute type of :func:`~explorer.io.graph_xml.attribute_types`.
CX2_TYPES = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}
# Node attribute names CX2 reserves with a meaning (and, for alias, a type) of its own: a map's value of that
# name is kept under another.
_RESERVED = frozenset({"id", "name", "represents", "alias"})
_EDGE_RESERVED = frozenset({"id"})
# The values the style maps, with their types.
_STYLED_NODE_VALUES = {"name": "string", "kind": "string"}
_STYLED_TIE_VALUES = {"interaction": "string", "colour": "string", "line_style": "string", "width": "double"}
# Strings JSON text (UTF-8) cannot hold: halves of a surrogate pair, which an RDF literal may carry.
_SURROGATES = re.compile("[\ud800-\udfff]")
_BORDER = "#5A636E"


def write_cx2(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map as CX2 for Cytoscape: nodes, ties, their values, places and the app's style.

    Parameters are those of :func:`explorer.io.graphml.write_graphml`. With ``heat``, scored nodes carry
    ``heat`` and are filled with the heat colour on the fixed 0–1 likelihood scale (a bypass of the style,
    which Cytoscape shows as such); the kind's colour stays in ``colour``.

    Examples
    --------
    >>> import os, tempfile, json
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.commands import add_node
    >>> from explorer.core.namespaces import RX
    >>> doc = MapDocument.new()
    >>> ward = doc.mint_iri(RX.Unit, "Ward")
    >>> doc.execute(add_node(doc.store, ward, RX.Unit, 'Ward "7" </script>'))
    >>> out = Path(tempfile.mkdtemp()) / "ward.cx2"
    >>> write_cx2(doc, out, heat={ward: 0.25})
    >>> cx = json.loads(out.read_text(encoding="utf-8"))
    >>> node = next(block["nodes"] for block in cx if "nodes" in block)[0]
    >>> node["v"]["name"], node["v"]["represents"] == str(ward), node["v"]["heat"]
    ('Ward "7" </script>', True, 0.25)
    >>> doc.close()
    """
    write_graph_file(document, path, cx2_bytes, title, heat, progress, format_options)


def cx2_bytes(view) -> bytes:
    """The :class:`~explorer.io.model.ExportView` as a CX2 document (see :func:`write_cx2`)."""
    node_rows = []
    for node in view.nodes:
        row = {"name": node.label, "represents": node.id, **node_values(node)}
        if node.heat is not None:
            row["heat"] = node.heat
        _add_own(row, node.attributes, _RESERVED)
        node_rows.append(_json_values(row))
    tie_rows = []
    for tie in view.ties:
        row = {
            "interaction": tie.relation_label,
            "iri": tie.id,
            "relation": tie.relation,
            "qualified": tie.qualified,
            "colour": tie.colour,
            "line_style": tie.line_style,
            "width": float(tie.width),
        }
        _add_own(row, tie.attributes, _EDGE_RESERVED)
        tie_rows.append(_json_values(row))
    network = _json_values({"name": view.title, "generator": f"Routine Explorer {__version__}"})
    node_types, tie_types, network_types = (attribute_types(rows) for rows in (node_rows, tie_rows, [network]))
    # The style's mappings name these even on a map without nodes or ties, where no value declares them.
    for types, names in ((node_types, _STYLED_NODE_VALUES), (tie_types, _STYLED_TIE_VALUES)):
        for name, kind in names.items():
            types.setdefault(name, kind)
    numbers = {node.id: number for number, node in enumerate(view.nodes)}
    nodes = [
        {"id": numbers[node.id], "x": _place(node.x), "y": _place(node.y), "v": _typed(row, node_types)}
        for node, row in zip(view.nodes, node_rows, strict=True)
    ]
    edges = [
        {"id": number, "s": numbers[tie.source], "t": numbers[tie.target], "v": _typed(row, tie_types)}
        for number, (tie, row) in enumerate(zip(view.ties, tie_rows, strict=True))
    ]
    bypasses = []
    for node in view.nodes:
        strength = heat_strength(node.heat) if node.heat is not None else None
        if strength is not None:
            fill = heat_colour(strength)
            bypasses.append(
                {"id": numbers[node.id], "v": {"NODE_BACKGROUND_COLOR": fill, "NODE_LABEL_COLOR": text_colour(fill)}}
            )
    aspects = [
        {
            "attributeDeclarations": [
                {
                    "networkAttributes": _declarations(network_types),
                    "nodes": _declarations(node_types),
                    "edges": _declarations(tie_types),
                }
            ]
        },
        {"networkAttributes": [_typed(network, network_types)]},
        {"nodes": nodes},
        {"edges": edges},
        {"visualProperties": [_style(view)]},
        *([{"nodeBypasses": bypasses}] if bypasses else []),
        # Width and height differ: a locked size would make every node a square.
        {"visualEditorProperties": [{"nodeSizeLocked": False, "arrowColorMatchesEdge": False}]},
    ]
    meta = [{"name": next(iter(aspect)), "elementCount": len(next(iter(aspect.values())))} for aspect in aspects]
    document = [
        {"CXVersion": "2.0", "hasFragments": False},
        {"metaData": meta},
        *aspects,
        {"status": [{"error": "", "success": True}]},
    ]
    # One block a line: compact, as CX2 means to be, yet readable. allow_nan=False: a non-finite number that
    # slipped through is an error here, not invalid JSON in the file.
    blocks = (json.dumps(block, ensure_ascii=False, allow_nan=False, separators=(",", ":")) for block in document)
    return ("[\n" + ",\n".join(blocks) + "\n]\n").encode("utf-8")


def _style(view) -> dict:
    """The portable visual style: the canvas's look as defaults and mappings."""
    kinds: dict[str, tuple[str, str]] = {}
    for node in view.nodes:
        kinds.setdefault(node.kind, (safe_colour(node.colour), CX2_SHAPES.get(node.shape, "round-rectangle")))

    def discrete(values: dict) -> dict:
        mapping = [{"v": kind, "vp": value} for kind, value in values.items()]
        return {"type": "DISCRETE", "definition": {"attribute": "kind", "type": "string", "map": mapping}}

    def passthrough(attribute: str) -> dict:
        return {"type": "PASSTHROUGH", "definition": {"attribute": attribute}}

    centred = {
        "HORIZONTAL_ALIGN": "center",
        "VERTICAL_ALIGN": "center",
        "HORIZONTAL_ANCHOR": "center",
        "VERTICAL_ANCHOR": "center",
        "MARGIN_X": 0.0,
        "MARGIN_Y": 0.0,
        "JUSTIFICATION": "center",
    }
    return {
        "default": {
            "network": {"NETWORK_BACKGROUND_COLOR": "#FFFFFF"},
            "node": {
                "NODE_SHAPE": "round-rectangle",
                "NODE_BACKGROUND_COLOR": FALLBACK_COLOUR,
                "NODE_BACKGROUND_OPACITY": 1.0,
                "NODE_WIDTH": NODE_W,
                "NODE_HEIGHT": NODE_H,
                "NODE_BORDER_COLOR": _BORDER,
                "NODE_BORDER_WIDTH": 1.0,
                "NODE_BORDER_STYLE": "solid",
                "NODE_BORDER_OPACITY": 1.0,
                "NODE_LABEL_COLOR": DARK_TEXT,
                "NODE_LABEL_FONT_SIZE": 12,
                "NODE_LABEL_FONT_FACE": {"FONT_FAMILY": "sans-serif", "FONT_STYLE": "normal", "FONT_WEIGHT": "normal"},
                "NODE_LABEL_POSITION": centred,
                # Wrapped within the node, as the canvas wraps it.
                "NODE_LABEL_MAX_WIDTH": NODE_W - 10,
                "NODE_LABEL_OPACITY": 1.0,
                "NODE_VISIBILITY": "element",
            },
            "edge": {
                "EDGE_LINE_COLOR": PLAIN_TIE_COLOUR,
                "EDGE_LINE_STYLE": "solid",
                "EDGE_WIDTH": 1.2,
                "EDGE_OPACITY": 1.0,
                "EDGE_SOURCE_ARROW_SHAPE": "none",
                "EDGE_TARGET_ARROW_SHAPE": "triangle",
                "EDGE_TARGET_ARROW_COLOR": PLAIN_TIE_COLOUR,
                "EDGE_LABEL_COLOR": _BORDER,
                "EDGE_LABEL_FONT_SIZE": 10,
                "EDGE_LABEL_OPACITY": 1.0,
                "EDGE_CURVED": True,
                "EDGE_VISIBILITY": "element",
            },
        },
        "nodeMapping": {
            "NODE_LABEL": passthrough("name"),
            "NODE_BACKGROUND_COLOR": discrete({kind: colour for kind, (colour, _) in kinds.items()}),
            "NODE_SHAPE": discrete({kind: shape for kind, (_, shape) in kinds.items()}),
            "NODE_LABEL_COLOR": discrete({kind: text_colour(colour) for kind, (colour, _) in kinds.items()}),
        },
        "edgeMapping": {
            "EDGE_LABEL": passthrough("interaction"),
            "EDGE_LINE_COLOR": passthrough("colour"),
            "EDGE_TARGET_ARROW_COLOR": passthrough("colour"),
            "EDGE_LINE_STYLE": passthrough("line_style"),
            "EDGE_WIDTH": passthrough("width"),
        },
    }


def _add_own(row: dict, attributes: Mapping, reserved: frozenset) -> None:
    """The map's values beside the fixed fields: one named like a field or a CX2 reserved name gets ``_value``."""
    for name, value in attributes.items():
        if name in reserved:
            name = f"{name}_value"
        row.setdefault(name, value)


def _json_values(row: Mapping) -> dict:
    """``row`` without values JSON cannot hold (non-finite numbers), text without lone surrogates."""
    kept = {}
    for name, value in row.items():
        if isinstance(value, float) and not math.isfinite(value):
            continue
        kept[_clean(name)] = _clean(value) if isinstance(value, str) else value
    return kept


def _typed(row: Mapping, types: Mapping) -> dict:
    """``row``'s values as their declared type (a whole number among reals is written as a real)."""
    typed = {}
    for name, value in row.items():
        kind = types[name]
        if kind == "double":
            value = float(value)
        elif kind == "string" and not isinstance(value, str):
            value = str(value).lower() if isinstance(value, bool) else str(value)
        typed[name] = value
    return typed


def _declarations(types: Mapping) -> dict:
    return {name: {"d": CX2_TYPES[kind]} for name, kind in types.items()}


def _place(value) -> float:
    value = float(value)
    return value if math.isfinite(value) else 0.0


def _clean(text: str) -> str:
    return _SURROGATES.sub("\ufffd", text)


__all__ = ["CX2_SHAPES", "CX2_TYPES", "cx2_bytes", "write_cx2"]
