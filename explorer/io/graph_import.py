"""GraphML and GEXF files (Gephi, Cytoscape, yEd, this app's own exports) as rows to import.

networkx reads the file; each node becomes a row (its id, then its attributes)
and each edge a row of a second table (``from``, ``to``, then its attributes).
What the rows mean is decided by a :class:`~explorer.io.merge.Mapping`: for a
file written by :mod:`explorer.io.graph_formats` the format suggests one (node
``id`` is the identifier, ``label``, ``kind``, ``level``, ``x`` and ``y`` are
what they say, edge ``relation`` names the relation and ``id`` the tie), so an
export imports back as the same nodes and ties; for any other graph the person
picks the kind of the nodes and the relation of the edges.

XML is screened before parsing: a document type declaration (which is where
entities, internal or external, are declared) is refused outright, since
expanding entities can exhaust memory and external ones read files.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "team.graphml"
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
from pathlib import Path

from ..core.errors import FormatError, UnsafeInputError
from .tables import MAX_CELLS, MAX_ROWS, ImportSource, Progress, _too_many_rows, declares_doctype, rows_from_records

#: Attributes the exporter derives from others; importing them would add nothing.
DERIVED = frozenset({"kind_label", "level_name", "colour", "shape", "heat", "relation_label", "qualified",
                     "line_style", "networkx_key", "viz"})
#: Graph files larger than this are refused before reading: networkx holds the whole document as a tree and then
#: the graph, about 20 times the file's size (534 MB for a 24 MB GraphML of 100k nodes and 100k edges), so about
#: 2 GB here. A graph at the row limit (:data:`~explorer.io.tables.MAX_ROWS` nodes and edges) is 25-60 MB.
MAX_BYTES = 100_000_000
# Elements counted before networkx reads the file: rows, and the values that become their cells.
_ROW_ELEMENTS = frozenset({"node", "edge"})
_VALUE_ELEMENTS = frozenset({"data", "attvalue"})


def screen_xml(data: bytes, *, name: str) -> None:
    """Refuse XML that declares a document type (and so may declare entities).

    Examples
    --------
    >>> screen_xml(b'<?xml version="1.0"?><graphml/>', name="ok.graphml")
    >>> screen_xml(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', name="bomb.graphml")
    Traceback (most recent call last):
    ...
    explorer.core.errors.UnsafeInputError: bomb.graphml: The file declares XML entities (a DOCTYPE); such files can exhaust memory or read other files, and are refused.
    """
    # Read by expat itself, as networkx will read it: a byte search missed UTF-16 without a byte-order mark.
    if declares_doctype([data]):
        raise UnsafeInputError("The file declares XML entities (a DOCTYPE); such files can exhaust memory or read other files, "
                               "and are refused.", path=name)


class _Counted(Exception):
    """Raised from expat's handler: a limit is passed at the current element."""


def count_rows(data: bytes, *, name: str) -> int:
    """The nodes and edges of a GraphML or GEXF document, counted by expat without building anything.

    A document with more than :data:`~explorer.io.tables.MAX_ROWS` of them, or more values
    (``data``, ``attvalue``) than :data:`~explorer.io.tables.MAX_CELLS`, is refused at the
    element that passes the limit, before networkx builds a tree of the whole file.
    What expat cannot read is left to networkx to report.

    Examples
    --------
    >>> count_rows(b'<graphml><graph><node id="a"/><node id="b"/><edge source="a" target="b"/></graph></graphml>', name="g")
    3
    """
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    counts = [0, 0]
    where = [0, 0]

    def start(tag, _attributes) -> None:
        local = tag.rpartition(" ")[2]
        if local in _ROW_ELEMENTS:
            counts[0] += 1
        elif local in _VALUE_ELEMENTS:
            counts[1] += 1
        else:
            return
        if counts[0] > MAX_ROWS or counts[1] > MAX_CELLS:
            # Here expat's position is the element's start; once the exception is out it has moved on.
            where[:] = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
            raise _Counted

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Counted:
        line, column = where
        if counts[0] > MAX_ROWS:
            reason = _too_many_rows(f"node or edge {counts[0]:,}", None).reason
        else:
            reason = (f"the file holds more than {MAX_CELLS:,} values of nodes and edges, each a cell, the most one import "
                      "takes, so nothing is imported. Leave out the attributes the import does not need, or split the file.")
        raise FormatError(reason, path=name, line=line, column=column) from None
    except expat.ExpatError:
        pass
    return counts[0]


def _read_bytes(path: Path, progress: Progress | None) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FormatError(f"The file is {size:,} bytes; graph files over {MAX_BYTES:,} bytes are refused.", path=path.name)
    if progress is not None:
        progress(0, size)
    data = path.read_bytes()
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"<") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("This is not an XML file: it does not start with '<'.", path=path.name)
    screen_xml(data, name=path.name)
    count_rows(data, name=path.name)
    return data


def _root_name(data: bytes) -> str:
    """The local name of the root element, read without building the tree."""
    import xml.etree.ElementTree as ET

    try:
        for _, element in ET.iterparse(io.BytesIO(data), events=("start",)):
            return element.tag.rsplit("}", 1)[-1]
    except ET.ParseError:
        return ""
    return ""


def _source_from_graph(graph, *, name: str, format: str, notes: list) -> ImportSource:
    nodes = []
    labelled = any("label" in data for _, data in graph.nodes(data=True))
    for node, data in graph.nodes(data=True):
        # Graph tools show a node's id when it has no label (networkx also adds unlabelled
        # nodes for edges that name an undeclared one).
        record = {"id": str(node), **({"label": str(node)} if labelled else {})}
        for key, value in data.items():
            if key == "id" or isinstance(value, (dict, list, tuple, set)):
                continue
            record[str(key)] = value
        nodes.append(record)
    edges = []
    for source, target, data in graph.edges(data=True):
        record = {"from": str(source), "to": str(target)}
        for key, value in data.items():
            if key in ("from", "to") or isinstance(value, (dict, list, tuple, set)):
                continue
            record[str(key)] = value
        edges.append(record)
    node_table = rows_from_records(nodes, noun="node", first_columns=["id", "label", "kind", "level"], name=name)
    edge_table = rows_from_records(edges, noun="edge", first_columns=["from", "to", "relation", "id"], name=name)
    columns = set(node_table.columns)
    suggested: dict = {"identifier": "id", "name": "label" if "label" in columns else "id"}
    ignore = [c for c in node_table.columns if c in DERIVED]
    if "kind" in columns:
        suggested["kind"] = "kind"
    properties = {}
    if "level" in columns:
        properties["level"] = "rx:level"
    # Our own exports carry canvas positions as x and y; other tools' x/y are their own layout.
    own_export = "kind" in columns and any(str(v).startswith(("http://", "https://", "urn:"))
                                           for v in node_table.column_values("kind", limit=50) if v)
    if own_export:
        for axis, prop in (("x", "rx:canvasX"), ("y", "rx:canvasY"), ("rdf_type", "rdf:type")):
            if axis in columns:
                properties[axis] = prop
    else:
        ignore += [c for c in ("x", "y") if c in columns]
    suggested["properties"] = properties
    suggested["ignore"] = ignore
    edge_columns = set(edge_table.columns)
    suggested["edges"] = {
        "from": "from",
        "to": "to",
        **({"relation": "relation"} if "relation" in edge_columns else {}),
        **({"identifier": "id"} if "id" in edge_columns else {}),
    }
    return ImportSource(name=name, format=format, nodes=node_table, edges=edge_table, suggested=suggested, notes=notes)


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
    data = _read_bytes(path, progress)
    root = _root_name(data)
    if root != "graphml":
        raise FormatError(f"This is not a GraphML file: its root element is {root or 'unreadable'!r}, not 'graphml'.", path=path.name)
    try:
        graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    except (nx.NetworkXError, ValueError, KeyError, TypeError, SyntaxError) as err:
        raise FormatError(f"This GraphML file cannot be read: {err}", path=path.name) from None
    notes = []
    if not graph.is_directed():
        notes.append("The graph is undirected: each edge is imported in the direction it is written.")
    return _source_from_graph(graph, name=path.name, format="graphml", notes=notes)


def read_gexf(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a GEXF file (Gephi) for import: one row per node, one edge row per edge.

    Raises
    ------
    UnsafeInputError
        The XML declares a document type.
    FormatError
        The file is not GEXF, or networkx cannot read it.
    """
    import networkx as nx

    path = Path(path)
    data = _read_bytes(path, progress)
    root = _root_name(data)
    if root != "gexf":
        raise FormatError(f"This is not a GEXF file: its root element is {root or 'unreadable'!r}, not 'gexf'.", path=path.name)
    version = "1.1draft" if b"gexf.net/1.1draft" in data[:2000] else "1.2draft"
    try:
        graph = nx.read_gexf(io.BytesIO(data), version=version)
    except (nx.NetworkXError, ValueError, KeyError, TypeError, SyntaxError, AttributeError) as err:
        raise FormatError(f"This GEXF file cannot be read: {err}", path=path.name) from None
    notes = []
    if not graph.is_directed():
        notes.append("The graph is undirected: each edge is imported in the direction it is written.")
    return _source_from_graph(graph, name=path.name, format="gexf", notes=notes)


__all__ = ["count_rows", "read_gexf", "read_graphml", "screen_xml"]
