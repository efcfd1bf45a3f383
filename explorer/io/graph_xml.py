"""What GraphML and GEXF share: both are XML, written here and read by networkx.

**Export.** :mod:`explorer.io.graphml` and :mod:`explorer.io.gexf` write the
:class:`~explorer.io.model.ExportView` themselves, valid against the formats' official schemas (networkx's
writers declared one key id for two attributes and took IRIs as GraphML ids):

* nodes carry ``label``, ``kind`` (class IRI), ``kind_label``, ``level`` (1
  micro, 2 meso, 3 macro), ``level_name``, ``colour``, ``shape``, the place,
  ``heat`` (the analysis's likelihood of resistance, 0–1, when given) and every value the map holds on
  them (``readiness``, ``pillar`` ...), each attribute with one type;
* edges carry their id (the qualified tie's IRI, else ``"s|p|o"``),
  ``relation`` (predicate or tie class IRI), ``relation_label``, ``qualified``,
  ``colour``, ``line_style`` and the tie's values (``strength``,
  ``interdependenceType`` ...).

Text XML 1.0 cannot hold becomes U+FFFD (:data:`NOT_XML`), and files are
written atomically: a failed export leaves any old file as it was.

**Import.** networkx reads the file; each node becomes a row (its id, then its
attributes) and each edge a row of a second table (``from``, ``to``, then its
attributes), by :func:`source_from_graph`. What the rows mean is decided by a
:class:`~explorer.io.merge.Mapping`: for a file this app exported the format
suggests one (node ``id`` is the identifier, ``label``, ``kind``, ``level``,
``x`` and ``y`` are what they say, edge ``relation`` names the relation and
``id`` the tie), so an export imports back as the same nodes and ties; for any
other graph the person picks the kind of the nodes and the relation of the edges.

XML is screened before parsing (:func:`read_graph_file`): a document type
declaration (which is where entities, internal or external, are declared) is
refused outright, since expanding entities can exhaust memory and external ones
read files, and a file past :data:`MAX_BYTES` or the row limits is refused
before networkx builds a tree of it.

Examples
--------
>>> root_name(b'<?xml version="1.0"?><gexf xmlns="http://gexf.net/1.2"><graph/></gexf>')
'gexf'
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ..core.atomic_file import atomic_write
from ..core.errors import FormatError, UnsafeInputError
from .model import check_options, export_view
from .tables import MAX_CELLS, MAX_ROWS, ImportSource, Progress, declares_doctype, rows_from_records, too_many_rows

#: Progress steps of an export: five to build the view, one to write.
EXPORT_STEPS = 6
# What XML 1.0 cannot hold, not even as a character reference; an RDF literal can.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Attributes the exporter derives from others; importing them would add nothing.
DERIVED = frozenset(
    {
        "kind_label",
        "level_name",
        "colour",
        "shape",
        "heat",
        "relation_label",
        "qualified",
        "line_style",
        "networkx_key",
        "viz",
    }
)
#: What this app's GraphML adds for other tools (Gephi's colour, size and upward y, Cytoscape's name and
#: interaction): importing one of its own exports, they repeat what other columns say.
TOOL_CONVENTIONS = ("x", "y", "r", "g", "b", "size", "name", "interaction")
#: What networkx reads from yFiles graphics besides the label and the place: it repeats the kind.
YFILES_CONVENTIONS = ("shape_type",)
#: Graph files larger than this are refused before reading: networkx holds the whole document as a tree and then
#: the graph, about 20 times the file's size (534 MB for a 24 MB GraphML of 100k nodes and 100k edges), so about
#: 2 GB here. A graph at the row limit (:data:`~explorer.io.tables.MAX_ROWS` nodes and edges) is 25-60 MB.
MAX_BYTES = 100_000_000
# Elements counted before networkx reads the file: rows, and the values that become their cells.
_ROW_ELEMENTS = frozenset({"node", "edge"})
_VALUE_ELEMENTS = frozenset({"data", "attvalue"})


# GraphML's and GEXF's names for the types of values (bool before int: a bool is an int); anything else is text.
_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"))


def attribute_types(rows: Iterable[Mapping]) -> dict:
    """Each attribute's type over all of ``rows``, in the order the names first come.

    Whole and real numbers together are ``double``; any other mixture is ``string`` (a value is never
    written as a type it is not: a 1.5 declared ``long`` would be read back as 1, or not at all).

    Examples
    --------
    >>> attribute_types([{"a": 1, "b": True, "c": 1}, {"a": 2.5, "c": "x"}])
    {'a': 'double', 'b': 'boolean', 'c': 'string'}
    """
    types: dict = {}
    for row in rows:
        for name, value in row.items():
            kind = next((t for python, t in _TYPES if isinstance(value, python)), "string")
            known = types.setdefault(name, kind)
            if known != kind:
                types[name] = "double" if {known, kind} == {"long", "double"} else "string"
    return types


def attribute_text(value, kind: str) -> str:
    """``value`` written as its attribute's type (from :func:`attribute_types`), in text XML can hold.

    Examples
    --------
    >>> attribute_text(True, "boolean"), attribute_text(2, "double"), attribute_text(3, "long")
    ('true', '2.0', '3')
    >>> attribute_text("bell\x07", "string")
    'bell\ufffd'
    """
    if kind == "boolean":
        text = "true" if value else "false"
    elif kind == "double":
        text = repr(float(value))
    elif kind == "long":
        text = str(int(value))
    else:
        text = str(value)
    return NOT_XML.sub("\ufffd", text)


#: Label text on a node: dark on light fills, white on dark ones, the rule of the canvas
#: (:func:`explorer.ui.common.theme.text_colour`, which works on Qt colours).
DARK_TEXT, LIGHT_TEXT = "#1D232B", "#FFFFFF"


def text_colour(fill: str) -> str:
    """Dark or light label text, whichever reads better on ``fill`` (``#rrggbb``), as the canvas chooses it.

    Examples
    --------
    >>> text_colour("#f2f2f2"), text_colour("#3f8f6b")
    ('#1D232B', '#FFFFFF')
    """
    red, green, blue = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return DARK_TEXT if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.55 else LIGHT_TEXT


def xml_bytes(root) -> bytes:
    r"""``root`` as an XML document in UTF-8, carriage returns and the Unicode line and paragraph separators in
    text written as references.

    An XML parser reads a raw carriage return in text as a line feed (ElementTree writes one in an
    attribute as ``&#13;`` already), and some (xmldom, which graphology uses in Node) take a raw U+2028
    for a line break: a label would come back changed. As references they read back as themselves. They
    stand only in text and attribute values (never in a name or the markup ElementTree writes), so
    replacing them in the bytes is exact.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> node = ET.Element("node", label="a\u2028b")
    >>> node.text = "c\rd"
    >>> xml_bytes(node).splitlines()[-1]
    b'<node label="a&#x2028;b">c&#13;d</node>'
    """
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    for raw, reference in ((b"\r", b"&#13;"), ("\u2028".encode(), b"&#x2028;"), ("\u2029".encode(), b"&#x2029;")):
        data = data.replace(raw, reference)
    return data


def node_values(node) -> dict:
    """The values every graph export carries for a node (GraphML, yEd, CX2), less its IRI, label, place and heat.

    Examples
    --------
    >>> from types import SimpleNamespace as Node
    >>> node = Node(kind="rx:Unit", kind_label="Unit", level=2, level_name="meso", colour="#4a9", shape="ellipse")
    >>> list(node_values(node))
    ['kind', 'kind_label', 'level', 'level_name', 'colour', 'shape']
    """
    return {
        "kind": node.kind,
        "kind_label": node.kind_label,
        "level": node.level,
        "level_name": node.level_name,
        "colour": node.colour,
        "shape": node.shape,
    }


def tie_values(tie) -> dict:
    """The values every GraphML file (plain and yEd) carries for a tie."""
    return {
        "iri": tie.id,
        "relation": tie.relation,
        "relation_label": tie.relation_label,
        "qualified": tie.qualified,
        "colour": tie.colour,
        "line_style": tie.line_style,
    }


def own_values(rows: list[dict], elements) -> list[dict]:
    """``rows`` with each element's heat (a scored node's) and own attributes after them; an attribute named
    like a field above would contradict it, so the field wins."""
    for row, element in zip(rows, elements, strict=True):
        if getattr(element, "heat", None) is not None:
            row["heat"] = element.heat
        for name, value in element.attributes.items():
            row.setdefault(name, value)
    return rows


def write_graph_file(document, path, render: Callable[[object], bytes], title, heat, progress, options) -> None:
    """Write ``render(view)`` of the map's :class:`~explorer.io.model.ExportView` to ``path``, atomically.

    What GraphML and GEXF exports share: the view (``options`` checked), its progress in
    :data:`EXPORT_STEPS`, and a write that leaves any old file as it was when it fails.
    """
    view, report = view_for_export(document, title, heat, progress, options)
    data = render(view)
    report(5, EXPORT_STEPS)
    atomic_write(Path(path), data, compress=False)
    report(EXPORT_STEPS, EXPORT_STEPS)


def view_for_export(
    document,
    title: str | None,
    heat: Mapping[str, float] | None,
    progress: Callable[[int, int], None] | None,
    options: Mapping,
):
    """The :class:`~explorer.io.model.ExportView` an export writes, and its ``report(done, total)``.

    ``report`` counts in :data:`EXPORT_STEPS`.

    ``options`` are the writer's ``**format_options`` (``layout``, ``positions``), checked here.
    """
    check_options(options)

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(done, EXPORT_STEPS)

    view = export_view(
        document,
        title=title,
        heat=heat,
        layout=options.get("layout", "map"),
        positions=options.get("positions"),
        progress=report,
    )
    return view, report


def screen_xml(data: bytes, *, name: str) -> None:
    """Refuse XML that declares a document type (and so may declare entities).

    Examples
    --------
    >>> screen_xml(b'<?xml version="1.0"?><graphml/>', name="ok.graphml")
    >>> screen_xml(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', name="bomb.graphml")
    Traceback (most recent call last):
    ...
    explorer.core.errors.UnsafeInputError: bomb.graphml: The file declares XML entities (a DOCTYPE); ... are refused.
    """
    # Read by expat itself, as networkx will read it: a byte search missed UTF-16 without a byte-order mark.
    if declares_doctype([data]):
        raise UnsafeInputError(
            "The file declares XML entities (a DOCTYPE); such files can exhaust memory or read other files, "
            "and are refused.",
            path=name,
        )


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
    >>> count_rows(b'<graphml><graph><node id="a"/><node id="b"/><edge source="a" target="b"/></graph></graphml>',
    ...            name="g")
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
            reason = too_many_rows(f"node or edge {counts[0]:,}", None).reason
        else:
            reason = (
                f"the file holds more than {MAX_CELLS:,} values of nodes and edges, each a cell, the most one import "
                "takes, so nothing is imported. Leave out the attributes the import does not need, or split the file."
            )
        raise FormatError(reason, path=name, line=line, column=column) from None
    except expat.ExpatError:
        pass
    return counts[0]


def read_graph_file(path: Path, progress: Progress | None) -> bytes:
    """The bytes of a GraphML or GEXF file, once it is known to be XML of a size and shape that may be parsed.

    Raises
    ------
    FormatError
        The file is over :data:`MAX_BYTES`, not XML, or has too many rows or values.
    UnsafeInputError
        The XML declares a document type.
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FormatError(
            f"The file is {size:,} bytes; graph files over {MAX_BYTES:,} bytes are refused.", path=path.name
        )
    if progress is not None:
        progress(0, size)
    data = path.read_bytes()
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"<") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("This is not an XML file: it does not start with '<'.", path=path.name)
    screen_xml(data, name=path.name)
    count_rows(data, name=path.name)
    return data


def root_name(data: bytes) -> str:
    """The local name of the root element, read without building the tree."""
    import xml.etree.ElementTree as ET

    try:
        for _, element in ET.iterparse(io.BytesIO(data), events=("start",)):
            return element.tag.rsplit("}", 1)[-1]
    except ET.ParseError:
        return ""
    return ""


def source_from_graph(graph, *, name: str, format: str, notes: list) -> ImportSource:
    """A networkx graph read from the file ``name`` as rows to import, with the mapping the format suggests."""
    nodes = []
    labelled = any("label" in data for _, data in graph.nodes(data=True))
    # This app's GraphML names nodes and ties by short ids and keeps each one's IRI as ``iri`` (XML ids
    # cannot hold an IRI): the IRI is what identifies them, and the ends of ties are read through it.
    iris = {node: data.get("iri") for node, data in graph.nodes(data=True)}
    by_iri = bool(iris) and all(isinstance(iri, str) and iri for iri in iris.values())
    name_of = (lambda node: iris[node]) if by_iri else str
    for node, data in graph.nodes(data=True):
        # Graph tools show a node's id when it has no label (networkx also adds unlabelled
        # nodes for edges that name an undeclared one).
        record = {"id": name_of(node), **({"label": str(node)} if labelled else {})}
        for key, value in data.items():
            if key == "id" or (by_iri and key == "iri") or isinstance(value, (dict, list, tuple, set)):
                continue
            record[str(key)] = value
        nodes.append(record)
    edges = []
    for source, target, data in graph.edges(data=True):
        record = {"from": name_of(source), "to": name_of(target)}
        for key, value in data.items():
            if key in ("from", "to") or isinstance(value, (dict, list, tuple, set)):
                continue
            record["id" if by_iri and key == "iri" else str(key)] = value
        edges.append(record)
    node_table = rows_from_records(nodes, noun="node", first_columns=["id", "label", "kind", "level"], name=name)
    edge_table = rows_from_records(edges, noun="edge", first_columns=["from", "to", "relation", "id"], name=name)
    columns = set(node_table.columns)
    # Cytoscape keeps a node's label in "name" (and its own layout's id in "id"); yEd and Gephi in "label".
    label = next((c for c in ("label", "name") if c in columns), "id")
    suggested: dict = {"identifier": "id", "name": label}
    ignore = [c for c in node_table.columns if c in DERIVED]
    if "kind" in columns:
        suggested["kind"] = "kind"
    properties = {}
    if "level" in columns:
        properties["level"] = "rx:level"
    # Our own exports carry canvas positions as x and y; other tools' x/y are their own layout.
    own_export = "kind" in columns and any(
        str(v).startswith(("http://", "https://", "urn:")) for v in node_table.column_values("kind", limit=50) if v
    )
    if own_export:
        # The canvas's place: canvas_x/canvas_y where the export has them (its x/y are then Gephi's, y upwards).
        axes = ("canvas_x", "canvas_y") if "canvas_x" in columns else ("x", "y")
        for axis, prop in ((axes[0], "rx:canvasX"), (axes[1], "rx:canvasY"), ("rdf_type", "rdf:type")):
            if axis in columns:
                properties[axis] = prop
        if "canvas_x" in columns:
            ignore += [c for c in TOOL_CONVENTIONS if c in columns]
        # The GraphML for yEd: its place is x/y (its shapes' centres, see graphml.yfiles_centres), and the
        # yFiles shape read by networkx repeats the kind.
        ignore += [c for c in YFILES_CONVENTIONS if c in columns]
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


__all__ = [
    "DARK_TEXT",
    "DERIVED",
    "EXPORT_STEPS",
    "LIGHT_TEXT",
    "MAX_BYTES",
    "NOT_XML",
    "TOOL_CONVENTIONS",
    "YFILES_CONVENTIONS",
    "attribute_text",
    "attribute_types",
    "count_rows",
    "read_graph_file",
    "root_name",
    "screen_xml",
    "source_from_graph",
    "text_colour",
    "view_for_export",
    "write_graph_file",
]
