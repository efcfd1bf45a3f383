"""GEXF: the map for Gephi, and Gephi's graphs to import.

:func:`write_gexf` writes GEXF 1.3 (valid against its grammar) with the node and edge attributes of
:mod:`explorer.io.graph_xml`, and also gives each edge its ``relation_label``
as its label, and each node ``viz:color`` (the kind's colour, or the heat colour
on the fixed 0–1 likelihood scale when scored), ``viz:position`` (y flipped,
since Gephi's y axis points up) and ``viz:size``. :func:`read_gexf`, from
:mod:`explorer.io.gexf_import`, reads GEXF 1.1 to 1.3 (Gephi's files whole) as rows to import.

Examples
--------
>>> import os, tempfile, networkx as nx
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.gexf"
>>> write_gexf(doc, out)
>>> source = read_gexf(out)
>>> source.format, source.suggested["identifier"], len(source.nodes.rows) == len(nx.read_gexf(out))
('gexf', 'id', True)
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import __version__
from ..core.presentation import heat_colour, heat_strength
from .gexf_import import read_gexf
from .graph_xml import NOT_XML, attribute_text, attribute_types, write_graph_file, xml_bytes

#: GEXF 1.3's namespaces (the viz module's is its own).
GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"


def _rgb(colour: str) -> dict:
    return {"r": str(int(colour[1:3], 16)), "g": str(int(colour[3:5], 16)), "b": str(int(colour[5:7], 16)), "a": "1.0"}


def write_gexf(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map as GEXF 1.3, valid against its grammar, with colours, positions, kinds, levels and attributes.

    Parameters are those of :func:`explorer.io.graphml.write_graphml`. Nodes and ties keep their IRIs as
    ids (GEXF ids are any text); the title is the ``<meta>``'s description and the creator this app. With
    ``heat``, scored nodes are coloured on the fixed 0–1 likelihood scale (the same likelihood, the same
    colour on every map) and sized by the likelihood, so Gephi shows the overlay as it opens; the kind's
    colour stays in ``colour``. Positions are flipped upright for Gephi, whose y grows upwards.

    Examples
    --------
    >>> import os, tempfile, networkx as nx
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> out = Path(tempfile.mkdtemp()) / "keystone.gexf"
    >>> write_gexf(doc, out)
    >>> b"<creator>Routine Explorer" in out.read_bytes(), b'version="1.3"' in out.read_bytes()
    (True, True)
    """
    write_graph_file(document, path, gexf_bytes, title, heat, progress, format_options)


def gexf_bytes(view) -> bytes:
    """The :class:`~explorer.io.model.ExportView` as a GEXF 1.3 document (see :func:`write_gexf`)."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    # No xsi:schemaLocation: the grammar has no place for it, and the XSD beside the grammar refuses the viz module.
    root = ET.Element(_q("gexf"), {"version": "1.3"})
    meta = ET.SubElement(root, _q("meta"), {"lastmodifieddate": datetime.date.today().isoformat()})
    ET.SubElement(meta, _q("creator")).text = f"Routine Explorer {__version__}"
    ET.SubElement(meta, _q("description")).text = _text(view.title)
    graph = ET.SubElement(root, _q("graph"), {"defaultedgetype": "directed", "mode": "static"})
    node_fields = [
        {"kind": n.kind, "kind_label": n.kind_label, "level": n.level, "level_name": n.level_name,
         "colour": n.colour, "shape": n.shape, "x": float(n.x), "y": float(n.y),
         **({"heat": n.heat} if n.heat is not None else {}), **_own(n.attributes, ("label",))}
        for n in view.nodes
    ]  # fmt: skip
    tie_fields = [
        {"relation": t.relation, "relation_label": t.relation_label, "qualified": t.qualified,
         "colour": t.colour, "line_style": t.line_style, **_own(t.attributes, ("label",))}
        for t in view.ties
    ]  # fmt: skip
    node_keys = _declare(graph, "node", node_fields)
    edge_keys = _declare(graph, "edge", tie_fields)
    nodes = ET.SubElement(graph, _q("nodes"), {"count": str(len(view.nodes))})
    for node, fields in zip(view.nodes, node_fields, strict=True):
        element = ET.SubElement(nodes, _q("node"), {"id": _text(node.id), "label": _text(node.label)})
        _values(element, node_keys, fields)
        strength = heat_strength(node.heat) if node.heat is not None else None
        colour = heat_colour(strength) if strength is not None else node.colour
        size = 10.0 + (20.0 * strength if strength is not None else 0.0)
        ET.SubElement(element, f"{{{VIZ_NS}}}color", _rgb(colour))
        ET.SubElement(
            element, f"{{{VIZ_NS}}}position", {"x": repr(float(node.x)), "y": repr(-float(node.y)), "z": "0.0"}
        )
        ET.SubElement(element, f"{{{VIZ_NS}}}size", {"value": repr(size)})
    edges = ET.SubElement(graph, _q("edges"), {"count": str(len(view.ties))})
    for tie, fields in zip(view.ties, tie_fields, strict=True):
        # GEXF edges have a label of their own, which Gephi shows.
        ends = {"source": _text(tie.source), "target": _text(tie.target), "label": _text(tie.relation_label)}
        element = ET.SubElement(edges, _q("edge"), {"id": _text(tie.id), **ends})
        _values(element, edge_keys, fields)
    ET.indent(root, space="  ")
    return xml_bytes(root)


def _own(attributes: Mapping, taken: tuple) -> dict:
    """The map's values on a node or tie, but those named like a field the format gives them itself."""
    return {name: value for name, value in attributes.items() if name not in taken}


def _declare(graph, scope: str, rows: list) -> dict:
    """One ``<attribute>`` per name in ``rows``; name -> (id, type)."""
    keys = {name: (str(number), kind) for number, (name, kind) in enumerate(attribute_types(rows).items())}
    if keys:
        block = ET.SubElement(graph, _q("attributes"), {"class": scope, "mode": "static"})
        for name, (key, kind) in keys.items():
            ET.SubElement(block, _q("attribute"), {"id": key, "title": _text(name), "type": kind})
    return keys


def _values(element, keys: dict, row: dict) -> None:
    if row:
        values = ET.SubElement(element, _q("attvalues"))
        for name, value in row.items():
            key, kind = keys[name]
            ET.SubElement(values, _q("attvalue"), {"for": key, "value": attribute_text(value, kind)})


def _text(value: str) -> str:
    return NOT_XML.sub("\ufffd", str(value))


def _q(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


__all__ = ["read_gexf", "write_gexf"]
