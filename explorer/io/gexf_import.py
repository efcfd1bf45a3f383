"""GEXF files (Gephi's, and any other tool's) read for import.

:func:`read_gexf` takes GEXF 1.1, 1.2 and 1.3 whole, in any namespace or none
(``http://www.gexf.net/1.3``, ``http://gexf.net/1.3``, the ``1.2draft`` and
``1.1draft`` ones): the file is screened as :mod:`explorer.io.graph_xml` says,
then read here by expat, element by element, rather than by networkx, whose
reader knows only two namespaces and refuses much that Gephi writes. What Gephi
writes is read as Gephi reads it:

* a node without a ``label`` (or with an empty one) is named by its id;
* typed values become numbers or booleans; for a number, boolean or list type,
  ``null`` (as Gephi's "include null values" exports write a missing value), an
  empty value or a NaN is missing, not an error; text types keep ``null`` as
  written; a value that does not read as its type is kept as written, for the
  import to judge by row;
* a list (the ``list…`` types of GEXF 1.3, written ``[a, b]``, or ``a|b`` in
  older files) becomes one text cell with its items ``"; "`` apart, the way the
  import takes several values in one cell;
* an attribute's ``<default>`` is the value of each node or edge without one;
* edges are kept each in the direction it is written (``source`` to
  ``target``), whatever their ``type`` or the graph's ``defaultedgetype``: a
  note says how many were undirected; a ``mutual`` edge is imported once each way;
* ``viz`` (Gephi's drawing: ``viz:color`` as ``r``/``g``/``b``/``a`` or
  ``hex``, position, size, shape) is read into the graph but is not a column:
  the map draws nodes its own way; a drawing value that does not read is left out;
* values that change over time (a ``dynamic`` attribute, or an ``attvalue``
  with a time) are not imported, and a note names them; a node's or edge's own
  ``start``, ``end`` or ``timestamp`` is kept as text, as networkx kept it, and
  its ``spells`` are not read.

What cannot be read at all (XML that is not well formed, no ``<graph>``, a
node without an id, an edge without both ends) raises
:class:`~explorer.core.errors.FormatError` naming the file and the place.

Examples
--------
>>> graph, notes = parse_gexf(b'''<gexf xmlns="http://gexf.net/1.3" version="1.3">
...   <graph defaultedgetype="directed">
...     <attributes class="node"><attribute id="0" title="tags" type="liststring"/></attributes>
...     <nodes><node id="a" label="Ann"><attvalues><attvalue for="0" value="[x, y]"/></attvalues></node>
...       <node id="b"/></nodes>
...     <edges><edge source="a" target="b" type="undirected"/></edges>
...   </graph></gexf>''', name="team.gexf")
>>> dict(graph.nodes(data=True))
{'a': {'tags': 'x; y', 'label': 'Ann'}, 'b': {'label': 'b'}}
>>> for note in notes:
...     print(note)
1 node has no label: it is named by its id, as Gephi does.
The graph is undirected: its 1 edge is imported in the direction it is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import networkx as nx

from ..core.errors import FormatError
from .graph_xml import read_graph_file, root_name, source_from_graph
from .tables import ImportSource, Progress

_INTEGER_TYPES = frozenset({"integer", "int", "long", "short", "byte", "biginteger"})
_REAL_TYPES = frozenset({"double", "float", "bigdecimal"})
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
# An <attvalue> with one of these gives a value for a time (GEXF's dynamics), not the element's one value.
_TIME_ATTRIBUTES = ("start", "end", "timestamp", "startopen", "endopen")
_VIZ = frozenset({"color", "position", "size", "shape", "thickness"})


@dataclass
class _Attribute:
    """A declared ``<attribute>``: its column title, type, default and whether it changes over time."""

    title: str
    type: str
    dynamic: bool
    default: Any = None


@dataclass
class _Element:
    """A ``<node>`` or ``<edge>`` being read: its XML attributes and the values read so far."""

    kind: str  # "node" or "edge"
    attributes: dict
    values: dict = field(default_factory=dict)
    viz: dict = field(default_factory=dict)


def _typed(text: str | None, kind: str) -> Any:
    """``text`` as a value of the GEXF type ``kind``; None when it says there is none.

    Examples
    --------
    >>> _typed("3", "integer"), _typed("2.5", "double"), _typed("TRUE", "boolean"), _typed("null", "float")
    (3, 2.5, True, None)
    >>> _typed("[true, false]", "listboolean"), _typed("a|b", "liststring"), _typed("many", "integer")
    ('true; false', 'a; b', 'many')
    >>> _typed("null", "string")
    'null'
    """
    if text is None:
        return None
    kind = kind.strip().lower()
    if kind.startswith("list"):
        return _list_text(text)
    if kind not in _INTEGER_TYPES and kind not in _REAL_TYPES and kind not in ("boolean", "bool"):
        return text  # string, anyURI, char and types this reader does not know: text as written
    value = text.strip()
    if not value or value.lower() in ("null", "nan"):
        return None
    if kind in ("boolean", "bool"):
        return _BOOLEANS.get(value.lower(), text)
    try:
        number = int(value) if kind in _INTEGER_TYPES else float(value)
    except ValueError:
        try:
            number = float(value)  # "3.0" written for an integer
        except ValueError:
            return text
        if kind in _INTEGER_TYPES and number.is_integer():
            return int(number)
        return text if kind in _INTEGER_TYPES else number
    return None if isinstance(number, float) and math.isnan(number) else number


def _list_text(text: str) -> str | None:
    """A GEXF list value as one cell, its items ``"; "`` apart; None when it is null or empty.

    GEXF 1.3 (and Gephi) write ``[a, b]``, items quoted when they hold a comma; older files ``a|b``.

    Examples
    --------
    >>> _list_text('["Smith, J", "Lee"]'), _list_text("[1, 2]"), _list_text("[]"), _list_text("solo")
    ('Smith, J; Lee', '1; 2', None, 'solo')
    """
    value = text.strip()
    if value.lower() == "null":
        return None
    if value.startswith("[") and value.endswith("]"):
        items = _split_items(value[1:-1])
    else:
        items = value.split("|")
    items = [item.strip() for item in items]
    items = [item for item in items if item and item.lower() != "null"]
    return "; ".join(items) if items else None


def _split_items(inner: str) -> list[str]:
    """The comma-separated items of a bracketed list, a quoted item keeping its commas."""
    items: list[str] = []
    current: list[str] = []
    quote = ""
    escaped = False
    for char in inner:
        if quote:
            if escaped:
                current.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
            else:
                current.append(char)
        elif char in "\"'" and not "".join(current).strip():
            quote = char
            current = []
        elif char == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _number(text: str | None) -> float | None:
    """``text`` as a finite number, else None (a drawing value that does not read is left out)."""
    try:
        number = float(text) if text is not None else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _colour(attributes: dict) -> dict | None:
    """A ``viz:color`` as networkx reads one (``r``, ``g``, ``b`` 0–255 and ``a`` 0–1), from r/g/b/a or hex.

    Examples
    --------
    >>> _colour({"hex": "#FF0022"}), _colour({"r": "239", "g": "173", "b": "66", "a": "0.6"})
    ({'r': 255, 'g': 0, 'b': 34, 'a': 1.0}, {'r': 239, 'g': 173, 'b': 66, 'a': 0.6})
    >>> _colour({"hex": "red"}) is None, _colour({"r": "1"}) is None
    (True, True)
    """
    alpha = _number(attributes.get("a"))
    hex_colour = attributes.get("hex")
    if hex_colour is not None:
        digits = hex_colour.strip().removeprefix("#")
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        try:
            channels = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
        except ValueError:
            return None
        if len(channels) == 4:  # #rrggbbaa
            alpha = channels.pop() / 255
        if len(channels) != 3:
            return None
    else:
        numbers = [_number(attributes.get(c)) for c in "rgb"]
        if any(n is None for n in numbers):
            return None
        channels = [int(n) for n in numbers if n is not None]
    if not all(0 <= c <= 255 for c in channels):
        return None
    return {"r": channels[0], "g": channels[1], "b": channels[2], "a": 1.0 if alpha is None else alpha}


def _unknown_encoding(err: LookupError, name: str) -> FormatError:
    """The refusal of a file whose XML declaration names an encoding Python has no codec for.

    expat raises :class:`LookupError` for one, from the screening as from the reading.
    """
    encoding = str(err).rpartition(": ")[2] or "?"
    return FormatError(
        f"This GEXF file says it is written in the encoding {encoding!r}, which cannot be read; "
        "save it again as UTF-8.",
        path=name,
    )


class _Reader:
    """Builds the graph from expat's events: elements are told apart by their local name, any namespace."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser = expat.ParserCreate()
        self.graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        self.open: list[str] = []  # local names of the open elements
        self.in_graph = False
        self.seen_graph = False
        self.edge_default = "undirected"  # GEXF's default when a graph says nothing
        self.declared: dict[str, dict[str, _Attribute]] = {"node": {}, "edge": {}}
        self.declaring: dict[str, _Attribute] | None = None  # the <attributes> being read
        self.declaring_dynamic = False
        self.attribute: _Attribute | None = None  # the <attribute> being read
        self.default_text: list[str] | None = None
        self.elements: list[_Element] = []  # the open <node>s and <edge>s, innermost last
        self.edges = 0
        self.undirected = 0
        self.mutual = 0
        self.unlabelled = 0
        self.dynamic: dict[str, None] = {}  # titles of values not imported, in file order
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text

    def refuse(self, reason: str) -> FormatError:
        """A :class:`FormatError` at the element expat is at."""
        return FormatError(
            reason, path=self.name, line=self.parser.CurrentLineNumber, column=self.parser.CurrentColumnNumber + 1
        )

    def read(self, data: bytes) -> None:
        try:
            self.parser.Parse(data, True)
        except LookupError as err:
            raise _unknown_encoding(err, self.name) from None
        except expat.ExpatError as err:
            raise FormatError(
                f"This GEXF file is not well-formed XML: {expat.ErrorString(err.code)}.",
                path=self.name,
                line=err.lineno,
                column=err.offset + 1,
            ) from None
        if not self.seen_graph:
            raise FormatError("This GEXF file has no <graph> element, so it holds no nodes or edges.", path=self.name)

    def start(self, tag: str, attributes: dict) -> None:
        local = tag.rpartition(":")[2]
        parent = self.open[-1] if self.open else ""
        self.open.append(local)
        if local == "graph" and parent == "gexf" and not self.seen_graph:
            self.in_graph = self.seen_graph = True
            self.edge_default = attributes.get("defaultedgetype", "undirected").strip().lower()
        elif not self.in_graph:
            return
        elif local == "attributes":
            # Attributes of any class but node and edge (none in the standard) are read and dropped.
            self.declaring = self.declared.get(attributes.get("class", "").strip().lower(), {})
            self.declaring_dynamic = attributes.get("mode", "static").strip().lower() == "dynamic"
        elif local == "attribute" and parent == "attributes" and self.declaring is not None:
            key = attributes.get("id")
            if key is None:
                raise self.refuse("An <attribute> has no id, so no value can name it.")
            title = attributes.get("title") or key
            self.attribute = _Attribute(title, attributes.get("type", "string"), self.declaring_dynamic)
            self.declaring[key] = self.attribute
        elif local == "default" and self.attribute is not None:
            self.default_text = []
        elif local == "node" and parent == "nodes":
            self.start_node(attributes)
        elif local == "edge" and parent == "edges":
            self.start_edge(attributes)
        elif local == "attvalue" and parent == "attvalues" and self.elements:
            self.attvalue(self.elements[-1], attributes)
        elif local in _VIZ and self.elements and parent in ("node", "edge"):
            self.viz(self.elements[-1], local, attributes)

    def start_node(self, attributes: dict) -> None:
        node = attributes.get("id", "")
        if not node:
            raise self.refuse("A <node> has no id.")
        enclosing = next((e for e in reversed(self.elements) if e.kind == "node"), None)
        if enclosing is not None and "pid" not in attributes:
            attributes = {**attributes, "pid": enclosing.attributes["id"]}  # a node nested in another
        self.graph.add_node(node)  # here, so nodes keep the file's order, nested ones after their parent
        self.elements.append(_Element("node", attributes))

    def start_edge(self, attributes: dict) -> None:
        for end in ("source", "target"):
            if not attributes.get(end):
                raise self.refuse(f"An <edge> has no {end}.")
        self.elements.append(_Element("edge", attributes))

    def attvalue(self, element: _Element, attributes: dict) -> None:
        key = attributes.get("for")
        if key is None:
            raise self.refuse("An <attvalue> has no 'for': it does not say which attribute it gives.")
        declared = self.declared[element.kind].get(key)
        if declared is None:
            # networkx's reader took an undeclared edge "weight" (old Gephi wrote one); any other
            # undeclared value is kept too, as text under the name the file gives it.
            declared = _Attribute(key, "double" if key == "weight" and element.kind == "edge" else "string", False)
        if declared.dynamic or any(a in attributes for a in _TIME_ATTRIBUTES):
            self.dynamic[declared.title] = None
            return
        # A value that is missing (None) stays: it says this element has none, its attribute's default aside.
        element.values[declared.title] = _typed(attributes.get("value"), declared.type)

    def viz(self, element: _Element, local: str, attributes: dict) -> None:
        if local == "color":
            colour = _colour(attributes)
            if colour is not None:
                element.viz["color"] = colour
        elif local == "position":
            axes = {axis: _number(attributes.get(axis, "0")) for axis in "xyz"}
            if all(v is not None for v in axes.values()):
                element.viz["position"] = axes
        elif local in ("size", "thickness"):
            value = _number(attributes.get("value"))
            if value is not None:
                element.viz[local] = value
        elif local == "shape":
            shape = attributes.get("value") or attributes.get("shape")
            if shape:
                element.viz["shape"] = attributes.get("uri", shape) if shape == "image" else shape

    def text(self, data: str) -> None:
        if self.default_text is not None:
            self.default_text.append(data)

    def end(self, tag: str) -> None:
        local = self.open.pop()
        if not self.in_graph:
            return
        if local == "graph" and self.open and self.open[-1] == "gexf":
            self.in_graph = False
        elif local == "default" and self.attribute is not None and self.default_text is not None:
            self.attribute.default = _typed("".join(self.default_text), self.attribute.type)
            self.default_text = None
        elif local == "attribute":
            self.attribute = None
        elif local == "attributes":
            self.declaring = None
        elif local == "node" and self.elements and self.elements[-1].kind == "node" and self.open[-1:] == ["nodes"]:
            self.end_node(self.elements.pop())
        elif local == "edge" and self.elements and self.elements[-1].kind == "edge" and self.open[-1:] == ["edges"]:
            self.end_edge(self.elements.pop())

    def values(self, element: _Element) -> dict:
        """The element's values: its own, else its attributes' defaults; missing ones left out."""
        data = {
            a.title: a.default for a in self.declared[element.kind].values() if a.default is not None and not a.dynamic
        }
        data.update(element.values)
        data = {key: value for key, value in data.items() if value is not None}
        # networkx's writer keeps a multigraph's edge key as a value; it is no value of the edge.
        data.pop("networkx_key", None)
        for key in ("start", "end", "timestamp"):
            if element.attributes.get(key):
                data[key] = element.attributes[key]
        if element.viz:
            data["viz"] = element.viz
        return data

    def end_node(self, element: _Element) -> None:
        attributes = element.attributes
        data = self.values(element)
        label = (attributes.get("label") or "").strip()
        if not label and isinstance(data.get("label"), str):
            label = data["label"].strip()  # a value titled "label", which some tools write instead
        if not label:
            self.unlabelled += 1
        data["label"] = label or attributes["id"]  # as Gephi shows a node without a label
        if attributes.get("pid"):
            data["pid"] = attributes["pid"]
        self.graph.add_node(attributes["id"], **data)

    def end_edge(self, element: _Element) -> None:
        attributes = element.attributes
        data = self.values(element)
        for key in ("id", "label", "kind"):
            if attributes.get(key):
                data[key] = attributes[key]
        if "weight" in attributes:
            weight = _typed(attributes["weight"], "double")
            if weight is not None:
                data["weight"] = weight
        source, target = attributes["source"], attributes["target"]
        direction = (attributes.get("type") or self.edge_default).strip().lower()
        self.edges += 1
        self.graph.add_edge(source, target, **data)
        if direction == "mutual":
            self.mutual += 1
            self.graph.add_edge(target, source, **data)
        elif direction != "directed":
            self.undirected += 1

    def notes(self) -> list[str]:
        """What the import should tell the person about how the file was read."""
        notes = []
        if self.unlabelled:
            has, it = ("node has", "it is") if self.unlabelled == 1 else ("nodes have", "each is")
            notes.append(f"{self.unlabelled:,} {has} no label: {it} named by its id, as Gephi does.")
        if self.undirected and self.undirected == self.edges:
            edges = "its 1 edge is" if self.edges == 1 else f"each of its {self.edges:,} edges is"
            notes.append(f"The graph is undirected: {edges} imported in the direction it is written.")
        elif self.undirected:
            are = "is" if self.undirected == 1 else "are"
            notes.append(
                f"{self.undirected:,} of the {self.edges:,} edges {are} undirected: "
                "each is imported in the direction it is written."
            )
        if self.mutual:
            edges = "edge is" if self.mutual == 1 else "edges are"
            notes.append(f"{self.mutual:,} mutual {edges} imported once in each direction.")
        if self.dynamic:
            titles = ", ".join(f"“{t}”" for t in self.dynamic)
            notes.append(f"Values that change over time are not imported: {titles}.")
        return notes


def parse_gexf(data: bytes, *, name: str) -> tuple[nx.MultiDiGraph[str], list[str]]:
    """The graph a GEXF document holds, each edge in the direction it is written, and notes on how it was read.

    ``data`` should have been screened (:func:`~explorer.io.graph_xml.read_graph_file`): this parses
    what it is given. Nodes keep the data networkx's reader gives them (``label``, values by attribute
    title, ``viz``, ``pid``), as do edges (``id``, ``label``, ``weight``, values), plus an edge's ``kind``.

    Parameters
    ----------
    data : bytes
        The GEXF document.
    name : str
        The file's name, for messages.

    Returns
    -------
    graph : networkx.MultiDiGraph
        Keyed by node id (text).
    notes : list of str
        What was read in a way the person should know of (undirected edges, unlabelled nodes ...).

    Raises
    ------
    FormatError
        The document is not well-formed XML, has no ``<graph>``, or a node without an id or an edge
        without both ends.

    Examples
    --------
    >>> graph, notes = parse_gexf(b'''<gexf><graph defaultedgetype="directed" xmlns:viz="v">
    ...   <nodes><node id="1" label="Ann"><viz:color hex="#ff0000"/></node></nodes>
    ...   <edges><edge source="1" target="2" weight="2"/></edges></graph></gexf>''', name="g.gexf")
    >>> graph.nodes["1"], list(graph.edges(data=True)), notes
    ({'viz': {'color': {'r': 255, 'g': 0, 'b': 0, 'a': 1.0}}, 'label': 'Ann'}, [('1', '2', {'weight': 2.0})], [])
    """
    reader = _Reader(name)
    reader.read(data)
    return reader.graph, reader.notes()


def read_gexf(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a GEXF file (Gephi's, version 1.1 to 1.3) for import: one row per node, one edge row per edge.

    The file is screened first (:func:`~explorer.io.graph_xml.read_graph_file`), then read by
    :func:`parse_gexf`; its notes (undirected edges, nodes named by their id ...) are the source's.

    Parameters
    ----------
    path : str or Path
        The GEXF file.
    progress : callable, optional
        Told ``(0, size)`` as the file is read.

    Returns
    -------
    ImportSource
        The node and edge tables, format ``"gexf"``, and the mapping a GEXF file suggests.

    Raises
    ------
    UnsafeInputError
        The XML declares a document type.
    FormatError
        The file is too large, not XML, not GEXF, or cannot be read (the reason and place are given).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "team.gexf"
    >>> _ = path.write_text('''<gexf xmlns="http://www.gexf.net/1.3" version="1.3"><graph defaultedgetype="directed">
    ...   <nodes><node id="0" label="Ann"/><node id="1" label="Bo"/></nodes>
    ...   <edges><edge id="0" source="0" target="1"/></edges></graph></gexf>''', encoding="utf-8")
    >>> source = read_gexf(path)
    >>> source.format, source.nodes.rows, source.edges.rows
    ('gexf', [(1, ('0', 'Ann')), (2, ('1', 'Bo'))], [(1, ('0', '1', '0'))])
    """
    path = Path(path)
    try:
        data = read_graph_file(path, progress)
    except LookupError as err:
        raise _unknown_encoding(err, path.name) from None
    root = root_name(data)
    if root != "gexf":
        raise FormatError(
            f"This is not a GEXF file: its root element is {root or 'unreadable'!r}, not 'gexf'.", path=path.name
        )
    graph, notes = parse_gexf(data, name=path.name)
    return source_from_graph(graph, name=path.name, format="gexf", notes=notes)


__all__ = ["parse_gexf", "read_gexf"]
