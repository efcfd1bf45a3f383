"""GraphML: the map for Cytoscape, yEd and networkx, and graphs from them to import.

:func:`write_graphml` writes the map with the node and edge attributes of
:mod:`explorer.io.graph_xml`; ``x``/``y`` are data in scene units (y grows
downwards). :func:`read_graphml` reads any GraphML file (this app's own exports
included) as rows to import, screened as :mod:`explorer.io.graph_xml` says.

Examples
--------
>>> import os, tempfile, networkx as nx
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.graphml"
>>> write_graphml(doc, out)
>>> G = nx.read_graphml(out, force_multigraph=True)
>>> sorted({d["level_name"] for _, d in G.nodes(data=True)})
['macro', 'meso', 'micro']
>>> path = Path(tempfile.mkdtemp()) / "team.graphml"
>>> _ = path.write_text('''<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
...   <key id="l" for="node" attr.name="label" attr.type="string"/>
...   <graph edgedefault="directed">
...     <node id="a"><data key="l">Ana</data></node><node id="b"><data key="l">ICU</data></node>
...     <edge source="a" target="b"/>
...   </graph></graphml>''', encoding="utf-8")
>>> source = read_graphml(path)
>>> source.nodes.columns, source.nodes.rows[0], source.edges.rows
(('id', 'label'), (1, ('a', 'Ana')), [(1, ('a', 'b'))])
>>> source.suggested["name"]
'label'
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import __version__
from ..core.errors import FormatError
from .graph_xml import (
    attribute_text,
    attribute_types,
    node_values,
    own_values,
    read_graph_file,
    root_name,
    source_from_graph,
    tie_values,
    write_graph_file,
    xml_bytes,
)
from .tables import ImportSource, Progress


def read_graphml(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a GraphML file for import: one row per node, one edge row per edge.

    Raises
    ------
    UnsafeInputError
        The XML declares a document type.
    FormatError
        The file is not GraphML, or networkx cannot read it (the reason is given).
    """
    import networkx as nx

    path = Path(path)
    data = read_graph_file(path, progress)
    root = root_name(data)
    if root != "graphml":
        raise FormatError(
            f"This is not a GraphML file: its root element is {root or 'unreadable'!r}, not 'graphml'.", path=path.name
        )
    try:
        graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    except (nx.NetworkXError, ValueError, KeyError, TypeError, SyntaxError) as err:
        raise FormatError(f"This GraphML file cannot be read: {err}", path=path.name) from None
    if YFILES_MARK in data:
        # networkx gives a yFiles node the top-left corner of its shape, as text; the canvas places centres.
        for node, (x, y) in yfiles_centres(data).items():
            if node in graph:
                graph.nodes[node].update(x=x, y=y)
    notes = []
    if not graph.is_directed():
        notes.append("The graph is undirected: each edge is imported in the direction it is written.")
    return source_from_graph(graph, name=path.name, format="graphml", notes=notes)


#: GraphML's namespace.
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
#: Bytes found in a GraphML file that may carry yFiles graphics (yEd's, or this app's yEd export).
YFILES_MARK = b"http://www.yworks.com/xml/graphml"


def yfiles_centres(data: bytes) -> dict:
    """Node id -> the centre ``(x, y)`` of its yFiles shape (``y:Geometry``), for the nodes that have one.

    yEd's geometry is the shape's top-left corner, its width and its height, with y growing downwards as on
    the canvas; the first geometry in a node's own ``<data>`` is its shape's (a group's nested nodes are
    nodes of their own).

    Examples
    --------
    >>> yfiles_centres(b'''<graphml xmlns="http://graphml.graphdrawing.org/xmlns"
    ...   xmlns:y="http://www.yworks.com/xml/graphml"><graph><node id="a"><data key="d0"><y:ShapeNode>
    ...   <y:Geometry x="10" y="20" width="130" height="44"/></y:ShapeNode></data></node></graph></graphml>''')
    {'a': (75.0, 42.0)}
    """
    centres = {}
    data_tag, geometry_tag = f"{{{GRAPHML_NS}}}data", "{http://www.yworks.com/xml/graphml}Geometry"
    for _, element in ET.iterparse(io.BytesIO(data)):
        if element.tag != f"{{{GRAPHML_NS}}}node":
            continue
        for value in element.findall(data_tag):
            geometry = value.find(f".//{geometry_tag}")
            if geometry is None:
                continue
            try:
                x, y, w, h = (float(geometry.get(a, "0")) for a in ("x", "y", "width", "height"))
            except ValueError:
                break
            if all(math.isfinite(v) for v in (x, y, w, h)):
                centres[element.get("id")] = (x + w / 2, y + h / 2)
            break
    return centres


_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"


def write_graphml(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map as GraphML valid against the official schema, read alike by Gephi, Cytoscape and networkx.

    Each node and tie has a short id (``n0``, ``e0``: GraphML ids are XML name tokens, which IRIs are not) and
    its IRI as ``iri``. Nodes carry ``label``, ``kind``, ``kind_label``, ``level``, ``level_name``,
    ``colour``, ``shape``, ``heat`` (when scored) and the map's values on them; the conventions of the tools
    that read GraphML sit beside them: Cytoscape's ``name`` (the label it shows), Gephi's ``r``/``g``/``b``
    (the colour), ``size`` and ``x``/``y`` with y growing upwards as in Gephi (so the map is not upside
    down), and the canvas's own place as ``canvas_x``/``canvas_y`` (y growing downwards), which an import
    reads back. Ties carry ``relation``, ``relation_label`` (also as Cytoscape's ``interaction``),
    ``qualified``, ``colour``, ``line_style`` and their values.

    Parameters
    ----------
    document : MapDocument
        The map.
    path : Path
        The file to write.
    title : str, optional
        Stored as the graph's ``title``; the map's title by default.
    heat : mapping, optional
        Node IRI -> the analysis's likelihood of resistance (0–1), stored as each scored node's ``heat``.
    progress : callable, optional
        ``progress(done, total)`` between steps; may raise to cancel.
    **format_options
        ``layout`` (a key of :data:`explorer.io.model.EXPORT_LAYOUTS`, default
        ``"map"``) and ``positions`` (node IRI -> ``(x, y)``, winning over the layout).

    Examples
    --------
    >>> import os, tempfile, networkx as nx
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.commands import add_node
    >>> from explorer.core.namespaces import RX
    >>> doc = MapDocument.new()
    >>> ward = doc.mint_iri(RX.Unit, "Ward")
    >>> doc.execute(add_node(doc.store, ward, RX.Unit, "Ward <7>"))
    >>> out = Path(tempfile.mkdtemp()) / "ward.graphml"
    >>> write_graphml(doc, out, heat={ward: 0.25})
    >>> node = nx.read_graphml(out).nodes["n0"]
    >>> node["iri"] == str(ward), node["label"], node["name"], node["level"], node["heat"]
    (True, 'Ward <7>', 'Ward <7>', 2, 0.25)
    >>> doc.close()
    """
    write_graph_file(document, path, graphml_bytes, title, heat, progress, format_options)


def graphml_bytes(view) -> bytes:
    """The :class:`~explorer.io.model.ExportView` as a GraphML document (see :func:`write_graphml`)."""
    node_rows = []
    for node in view.nodes:
        node_rows.append(
            {
                "iri": node.id,
                "label": node.label,
                "name": node.label,
                **node_values(node),
                "canvas_x": float(node.x),
                "canvas_y": float(node.y),
                "x": float(node.x),
                "y": -float(node.y),
                "size": 10.0,
                **_rgb(node.colour),
            }
        )
    tie_rows = []
    for tie in view.ties:
        iri, relation, label, *rest = tie_values(tie).items()
        tie_rows.append(dict([iri, relation, label, ("interaction", tie.relation_label), *rest]))  # Cytoscape's
    return graphml_document(view, own_values(node_rows, view.nodes), own_values(tie_rows, view.ties))


def graphml_document(
    view,
    node_rows: list[dict],
    tie_rows: list[dict],
    *,
    schema: str = _SCHEMA,
    namespaces: Mapping[str, str] | None = None,
    keys: Mapping[str, Mapping[str, str]] | None = None,
    node_graphics: Callable | None = None,
    tie_graphics: Callable | None = None,
) -> bytes:
    """A GraphML document: one ``<key>`` per element and name, the graph's values, each node and tie with its row.

    Nodes are ``n0``, ``n1``… and ties ``e0``, ``e1``… (name tokens; the IRI is a value). For the yEd
    variant (:mod:`explorer.io.yed`): the ``schema`` its ``xsi:schemaLocation`` names, ``namespaces``
    more to declare, ``keys`` more ``<key>`` elements (id to attributes), and ``node_graphics(element,
    node)`` / ``tie_graphics(element, tie)`` called after each element's data.
    """
    ET.register_namespace("", GRAPHML_NS)
    ET.register_namespace("xsi", _XSI)
    for prefix, uri in (namespaces or {}).items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(_q("graphml"), {f"{{{_XSI}}}schemaLocation": f"{GRAPHML_NS} {schema}"})
    graph_values = {"title": view.title, "layout": view.layout, "generator": f"Routine Explorer {__version__}"}
    # One <key> per element and name: networkx declared one id for a node's and a tie's colour alike, which
    # the schema's uniqueness constraint refuses.
    declared = {}
    for scope, rows in (("graph", [graph_values]), ("node", node_rows), ("edge", tie_rows)):
        for number, (name, kind) in enumerate(attribute_types(rows).items()):
            declared[scope, name] = key = (f"{scope[0]}{number}", kind)
            ET.SubElement(root, _q("key"), {"id": key[0], "for": scope, "attr.name": name, "attr.type": kind})
    for key_id, attributes in (keys or {}).items():
        ET.SubElement(root, _q("key"), {"id": key_id, **attributes})
    graph = ET.SubElement(root, _q("graph"), {"id": "map", "edgedefault": "directed"})
    _data(graph, declared, "graph", graph_values)
    node_ids = {}
    for number, (row, node) in enumerate(zip(node_rows, view.nodes, strict=True)):
        node_ids[node.id] = f"n{number}"
        element = ET.SubElement(graph, _q("node"), {"id": node_ids[node.id]})
        _data(element, declared, "node", row)
        if node_graphics is not None:
            node_graphics(element, node)
    for number, (row, tie) in enumerate(zip(tie_rows, view.ties, strict=True)):
        ends = {"source": node_ids[tie.source], "target": node_ids[tie.target]}
        element = ET.SubElement(graph, _q("edge"), {"id": f"e{number}", **ends})
        _data(element, declared, "edge", row)
        if tie_graphics is not None:
            tie_graphics(element, tie)
    ET.indent(root, space="  ")
    return xml_bytes(root)


def _data(element, keys: dict, scope: str, row: Mapping) -> None:
    for name, value in row.items():
        key, kind = keys[scope, name]
        ET.SubElement(element, _q("data"), {"key": key}).text = attribute_text(value, kind)


def _q(tag: str) -> str:
    return f"{{{GRAPHML_NS}}}{tag}"


def _rgb(colour: str) -> dict:
    """Gephi's ``r``, ``g``, ``b`` of a ``#rrggbb`` colour (none for anything else)."""
    if len(colour) == 7 and colour.startswith("#"):
        try:
            return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16)}
        except ValueError:
            return {}
    return {}


__all__ = ["GRAPHML_NS", "YFILES_MARK", "graphml_bytes", "read_graphml", "write_graphml", "yfiles_centres"]
