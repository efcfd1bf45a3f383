"""GraphML for yEd: the map drawn as yEd draws, with yFiles graphics on every node and tie.

yEd shows only the yFiles extension of GraphML (``y:ShapeNode`` with its ``y:Geometry``, ``y:Fill``,
``y:NodeLabel`` and ``y:Shape``; ``y:PolyLineEdge`` with ``y:LineStyle``, ``y:Arrows`` and
``y:EdgeLabel``), kept in ``<data>`` elements under keys declared with ``yfiles.type``. The official
GraphML schema allows no elements inside ``<data>`` (yWorks' own schema redefines it), so these files
are their own export format beside the plain, schema-valid GraphML of :mod:`explorer.io.graphml`.

:func:`write_yed` writes each node as a shape of its kind (:data:`YED_SHAPES`) filled with its kind's
colour (or the heat colour when scored, as the canvas shows the overlay), the canvas's size
(:data:`~explorer.core.presentation.NODE_W` by ``NODE_H``) and place (yEd's y grows downwards like the
canvas's, and its geometry is the shape's top-left corner), its label wrapped inside it; each tie as a
line in its family's colour, style and width, with an arrow at its target and its relation as its
label. The map's values ride along as ordinary typed GraphML data (``iri``, ``kind``, ``level`` ...),
so :func:`explorer.io.graphml.read_graphml` reads the file back into the same map, labels from
``y:NodeLabel`` and places from ``y:Geometry``.

Examples
--------
>>> import os, tempfile, networkx as nx
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.graphml"
>>> write_yed(doc, out)
>>> G = nx.read_graphml(out, force_multigraph=True)
>>> sorted({d["shape_type"] for _, d in G.nodes(data=True)}) [:3]
['diamond', 'ellipse', 'hexagon']
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path

from ..core.presentation import NODE_H, NODE_W, heat_colour, heat_strength, safe_colour
from .graph_xml import NOT_XML, node_values, own_values, text_colour, tie_values, write_graph_file
from .graphml import GRAPHML_NS, graphml_document

#: The yFiles extension's namespace, in which yEd reads and writes its graphics.
YFILES_NS = "http://www.yworks.com/xml/graphml"
# yWorks' schema, which extends GraphML's <data> with the yFiles elements; named as yEd itself names it.
_SCHEMA = "http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd"
#: yEd's ``y:Shape type`` for each shape name of the ontology (``rx:shape``).
YED_SHAPES = {
    "ellipse": "ellipse",
    "rounded-rectangle": "roundrectangle",
    "rectangle": "rectangle",
    "octagon": "octagon",
    "diamond": "diamond",
    "hexagon": "hexagon",
    "triangle": "triangle",
}
#: yEd's ``y:LineStyle type`` for each tie line style.
YED_LINES = {"solid": "line", "dashed": "dashed", "dotted": "dotted"}


def write_yed(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map as GraphML for yEd: shapes, colours, labels, places, tie lines, arrows and labels.

    Parameters are those of :func:`explorer.io.graphml.write_graphml`. With ``heat``, scored nodes are
    filled with the heat colour on the fixed 0–1 likelihood scale; the kind's colour stays in ``colour``.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.commands import add_node
    >>> from explorer.core.namespaces import RX
    >>> doc = MapDocument.new()
    >>> ward = doc.mint_iri(RX.Unit, "Ward")
    >>> doc.execute(add_node(doc.store, ward, RX.Unit, "Ward <7> & co"))
    >>> out = Path(tempfile.mkdtemp()) / "ward.graphml"
    >>> write_yed(doc, out)
    >>> root = ET.parse(out).getroot()
    >>> shape = root.find(".//{http://www.yworks.com/xml/graphml}ShapeNode")
    >>> shape.findtext("{http://www.yworks.com/xml/graphml}NodeLabel")
    'Ward <7> & co'
    >>> shape.find("{http://www.yworks.com/xml/graphml}Shape").get("type")
    'roundrectangle'
    >>> doc.close()
    """
    write_graph_file(document, path, yed_bytes, title, heat, progress, format_options)


def yed_bytes(view) -> bytes:
    """The :class:`~explorer.io.model.ExportView` as GraphML with yFiles graphics (see :func:`write_yed`)."""
    # The label and the place are in the graphics (yEd edits them there), so not in data of their own.
    node_rows = [{"iri": node.id, **node_values(node)} for node in view.nodes]
    tie_rows = [tie_values(tie) for tie in view.ties]
    return graphml_document(
        view,
        own_values(node_rows, view.nodes),
        own_values(tie_rows, view.ties),
        schema=_SCHEMA,
        namespaces={"y": YFILES_NS},
        keys={
            "ng": {"for": "node", "yfiles.type": "nodegraphics"},
            "eg": {"for": "edge", "yfiles.type": "edgegraphics"},
        },
        node_graphics=lambda element, node: _shape_node(ET.SubElement(element, _g("data"), {"key": "ng"}), node),
        tie_graphics=lambda element, tie: _poly_line_edge(ET.SubElement(element, _g("data"), {"key": "eg"}), tie),
    )


def _shape_node(data, node) -> None:
    """A ``y:ShapeNode`` in yEd's order of children: geometry, fill, border, label, shape."""
    strength = heat_strength(node.heat) if node.heat is not None else None
    fill = heat_colour(strength) if strength is not None else safe_colour(node.colour)
    shape = ET.SubElement(data, _y("ShapeNode"))
    geometry = {
        "height": repr(NODE_H),
        "width": repr(NODE_W),
        "x": repr(float(node.x) - NODE_W / 2),
        "y": repr(float(node.y) - NODE_H / 2),
    }
    ET.SubElement(shape, _y("Geometry"), geometry)
    ET.SubElement(shape, _y("Fill"), {"color": fill.upper(), "transparent": "false"})
    ET.SubElement(shape, _y("BorderStyle"), {"color": "#5A636E", "type": "line", "width": "1.0"})
    label = ET.SubElement(
        shape,
        _y("NodeLabel"),
        {
            "alignment": "center",
            # Wrapped by words within the node's width, as the canvas wraps it.
            "autoSizePolicy": "node_width",
            "configuration": "CroppingLabel",
            "fontFamily": "Dialog",
            "fontSize": "12",
            "fontStyle": "plain",
            "hasBackgroundColor": "false",
            "hasLineColor": "false",
            "modelName": "internal",
            "modelPosition": "c",
            "textColor": text_colour(fill),
            "visible": "true",
            "{http://www.w3.org/XML/1998/namespace}space": "preserve",
        },
    )
    label.text = _text(node.label)
    ET.SubElement(shape, _y("Shape"), {"type": YED_SHAPES.get(node.shape, "roundrectangle")})


def _poly_line_edge(data, tie) -> None:
    """A ``y:PolyLineEdge`` in yEd's order of children: path, line, arrows, label, bends."""
    edge = ET.SubElement(data, _y("PolyLineEdge"))
    ET.SubElement(edge, _y("Path"), {"sx": "0.0", "sy": "0.0", "tx": "0.0", "ty": "0.0"})
    line = {"color": safe_colour(tie.colour).upper(), "type": YED_LINES.get(tie.line_style, "line")}
    ET.SubElement(edge, _y("LineStyle"), {**line, "width": repr(float(tie.width))})
    ET.SubElement(edge, _y("Arrows"), {"source": "none", "target": "standard"})
    label = ET.SubElement(
        edge,
        _y("EdgeLabel"),
        {
            "alignment": "center",
            "fontFamily": "Dialog",
            "fontSize": "10",
            "fontStyle": "plain",
            "hasBackgroundColor": "false",
            "hasLineColor": "false",
            "modelName": "centered",
            "modelPosition": "center",
            "preferredPlacement": "anywhere",
            "textColor": "#5A636E",
            "visible": "true",
        },
    )
    label.text = _text(tie.relation_label)
    ET.SubElement(edge, _y("BendStyle"), {"smoothed": "false"})


def _text(value: str) -> str:
    return NOT_XML.sub("\ufffd", str(value))


def _g(tag: str) -> str:
    return f"{{{GRAPHML_NS}}}{tag}"


def _y(tag: str) -> str:
    return f"{{{YFILES_NS}}}{tag}"


__all__ = ["YED_LINES", "YED_SHAPES", "YFILES_NS", "write_yed", "yed_bytes"]
