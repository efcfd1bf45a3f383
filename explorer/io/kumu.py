"""Kumu "blueprint" JSON files as rows to import.

Kumu (kumu.io) documents its JSON import, which it calls a blueprint
(docs.kumu.io, *Guides > Import > JSON / Blueprints*): an object with an
``"elements"`` array and a ``"connections"`` array. An element has a
``"label"`` and optionally an ``"id"``, a ``"type"``, a ``"description"``,
``"tags"`` (a list) and any custom keys; a connection has ``"from"`` and
``"to"`` (element labels, or ids when elements have them) and optionally an
``"id"``, a ``"type"`` and a ``"direction"`` (``"directed"``, ``"undirected"``
or ``"mutual"``). That is what is read here. Kumu's full project backup
("Export JSON") holds more (maps, views, positions, loops) whose layout the
documentation does not describe; only its elements and connections are read,
and the rest is named in :attr:`~explorer.io.tables.ImportSource.notes`.

Kumu's own exports (the project backup, and the JSON Kumu writes for a map)
keep an element's or connection's fields in an ``"attributes"`` object, by the
names its data sheet shows: ``"label"``, ``"element type"``, ``"connection
type"``, ``"connection direction"``, ``"description"``, ``"tags"`` and the
project's custom fields, beside a system ``"_id"`` that connections' ``"from"``
and ``"to"`` name. Such an object is read as the record's own fields (a field
given both inside and outside it keeps both, the inner one as ``"NAME
(attributes)"``), so a backup imports as a blueprint does.

Each element becomes a row (``label`` is the name, ``type`` or ``element type``
the kind, ``description`` the comment, ``id`` or ``_id`` the identifier); each
connection an edge row, its ``type`` or ``connection type`` naming the relation.
Element types that are kinds of the ontology ("Person", "Unit"...) give the kind;
others must be mapped to one, or every element given one (``--kind``). Tags and
custom fields are columns like any other: imported where a property of the
ontology matches, else named as left out (or kept as properties of their own,
see :class:`~explorer.io.merge.Mapping`).

Elements and connections are decoded one at a time, so a file past a limit
(:data:`MAX_BYTES`, :data:`~explorer.io.tables.MAX_ROWS`,
:data:`~explorer.io.json_input.MAX_NESTING`, a number of more than
:data:`~explorer.io.json_input.MAX_INT_DIGITS` digits) is refused with its
line and column, in seconds: a 1.4M-row, 99 MB blueprint took 242 s and
4.5 GB before these limits and is refused in 2.8 s and 300 MB.

Examples
--------
>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "map.json"
>>> elements = [{"label": "Ana", "type": "Person"}, {"label": "ICU", "type": "Unit"}]
>>> connections = [{"from": "Ana", "to": "ICU", "type": "member of"}]
>>> _ = path.write_text(json.dumps({"elements": elements, "connections": connections}), encoding="utf-8")
>>> source = read_kumu_json(path)
>>> source.nodes.rows, source.edges.columns
([(1, ('Ana', 'Person')), (2, ('ICU', 'Unit'))], ('from', 'to', 'type'))
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import FormatError
from .json_input import (
    MAX_NESTING,
    WHITESPACE,
    decode_at,
    depth_of,
    nesting_error,
    position,
    skip_whitespace,
    too_deep_at,
)
from .tables import MAX_COLUMNS, MAX_ROWS, ImportSource, Progress, rows_from_records, too_many_rows

#: JSON files larger than this are refused before reading. The text is held whole while its elements and
#: connections are decoded one at a time (about twice the file's size in memory, plus the rows); a blueprint
#: at the row limit (:data:`~explorer.io.tables.MAX_ROWS` elements and connections) is 30-60 MB.
MAX_BYTES = 100_000_000
#: Distinct keys read before the file is refused as too wide: each is a column (at most
#: :data:`~explorer.io.tables.MAX_COLUMNS`), and past this many the count itself would take memory.
MAX_KEYS = 100 * MAX_COLUMNS
_DOCUMENTED_KEYS = frozenset({"elements", "connections"})
_LISTS = {"elements": "element", "connections": "connection"}
_VALUE_START = frozenset('[{"-0123456789tfnNI')
_CONTAINERS = (list, dict)


#: Where Kumu's exports keep an element's or connection's fields.
ATTRIBUTES = "attributes"


def _cell(value):
    """A JSON value as a cell: lists (Kumu's tags) joined with "; ", objects left out."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if not isinstance(v, (dict, list)))
    if isinstance(value, dict):
        return None
    return value


def flatten(item: dict) -> dict:
    """A Kumu record with the fields of its ``"attributes"`` object as its own.

    A field given both outside and inside the object with different values
    keeps both, the inner one as ``"NAME (attributes)"``.

    Examples
    --------
    >>> flatten({"_id": "elem-1", "attributes": {"label": "Ward A", "element type": "Unit", "tags": ["x", "y"]}})
    {'_id': 'elem-1', 'label': 'Ward A', 'element type': 'Unit', 'tags': ['x', 'y']}
    >>> flatten({"label": "A", "attributes": {"label": "B"}})
    {'label': 'A', 'label (attributes)': 'B'}
    """
    inner = item.get(ATTRIBUTES)
    if not isinstance(inner, dict):
        return item
    record = {k: v for k, v in item.items() if k != ATTRIBUTES}
    for key, value in inner.items():
        if key not in record:
            record[key] = value
        elif record[key] != value:
            record[f"{key} (attributes)"] = value
    return record


def _first(columns, *names: str) -> str | None:
    """The first of ``names`` that is a column."""
    return next((name for name in names if name in columns), None)


class _Blueprint:
    """Reads a blueprint's top-level object by hand and each element and connection with :mod:`json`.

    Only one element is ever decoded at a time, so a file with too many rows is
    refused on reading row :data:`~explorer.io.tables.MAX_ROWS` + 1, holding no
    more than that many rows.
    """

    def __init__(self, text: str, name: str, progress: Progress | None) -> None:
        self.text, self.name, self.progress = text, name, progress
        self.rows = 0
        self.keys: set = set()
        #: Fields whose value was an object (a cell holds text), named in the notes.
        self.objects: set = set()

    def fail(self, reason: str, index: int) -> FormatError:
        line, column = position(self.text, index)
        return FormatError(reason, path=self.name, line=line, column=column)

    def expect(self, index: int, what: str) -> FormatError:
        return self.fail(
            f"Not valid JSON: {what}."
            if index < len(self.text)
            else f"Not valid JSON: unexpected end of file, {what[0].lower()}{what[1:]}.",
            index,
        )

    def read(self) -> dict:
        """The top-level object: key -> records for elements and connections, None for the rest."""
        text = self.text
        i = skip_whitespace(text, 0)
        if text[i : i + 1] != "{":
            if text[i : i + 1] in _VALUE_START and text[i : i + 1]:
                raise FormatError(
                    'This is not a Kumu blueprint: it needs an object with an "elements" list '
                    '(and usually a "connections" list).',
                    path=self.name,
                )
            raise self.expect(i, "Expecting value")
        found: dict = {}
        i = skip_whitespace(text, i + 1)
        if text[i : i + 1] == "}":
            return found
        while True:
            if text[i : i + 1] != '"':
                raise self.expect(i, "Expecting property name enclosed in double quotes")
            key, i = decode_at(text, i, name=self.name, depth=1)
            i = skip_whitespace(text, i)
            if text[i : i + 1] != ":":
                raise self.expect(i, "Expecting ':' delimiter")
            i = skip_whitespace(text, i + 1)
            if key in _LISTS and text[i : i + 1] == "[":
                found[key], i = self.items(i, _LISTS[key])
            else:
                # Anything else is decoded whole and dropped (only its name is reported).
                value, i = decode_at(text, i, name=self.name, depth=1)
                if key in _LISTS and value is not None:
                    raise FormatError(f"{key!r} must be a list of objects, not {type(value).__name__}.", path=self.name)
                found[key] = [] if key in _LISTS else None
            i = skip_whitespace(text, i)
            if text[i : i + 1] == ",":
                i = skip_whitespace(text, i + 1)
                continue
            if text[i : i + 1] == "}":
                break
            raise self.expect(i, "Expecting ',' delimiter")
        end = skip_whitespace(text, i + 1)
        if end != len(text):
            raise self.fail("Not valid JSON: Extra data.", end)
        return found

    def items(self, i: int, noun: str) -> tuple[list, int]:
        """The records of the array at ``text[i]`` (a ``[``), and the index after it."""
        text = self.text
        records: list = []
        i = skip_whitespace(text, i + 1)
        if text[i : i + 1] == "]":
            return records, i + 1
        whitespace = WHITESPACE.match
        while True:
            start = i
            if self.rows >= MAX_ROWS:
                raise self.fail(too_many_rows(f"{noun} {len(records) + 1:,}", None).reason, start)
            item, i = decode_at(text, i, name=self.name, depth=2, check_depth=False)
            if not isinstance(item, dict):
                raise FormatError(
                    f'{noun} {len(records) + 1} must be an object with keys such as "label", '
                    f"not {type(item).__name__}.",
                    path=self.name,
                )
            # Most values are text or numbers, kept as they are; the depth of the rest is checked here
            # rather than for every element (the walk doubled the reading time).
            containers = [k for k, v in item.items() if v.__class__ in _CONTAINERS]
            for key in containers:
                value = item[key]
                inner = value.values() if value.__class__ is dict else value
                if (
                    any(v.__class__ in _CONTAINERS for v in inner)
                    and depth_of(value, stop=MAX_NESTING) + 3 > MAX_NESTING
                ):
                    raise nesting_error(text, too_deep_at(text, start, depth=2), name=self.name)
            if containers:
                if ATTRIBUTES in containers:
                    item = flatten(item)
                for key in [k for k, v in item.items() if v.__class__ in _CONTAINERS]:
                    if item[key].__class__ is dict:
                        self.objects.add(key)
                    item[key] = _cell(item[key])
            self.keys.update(item)
            if len(self.keys) > MAX_KEYS:
                raise self.fail(
                    f"The file has more than {MAX_KEYS:,} keys, each a column; at most {MAX_COLUMNS:,} columns "
                    "can be imported.",
                    start,
                )
            records.append(item)
            self.rows += 1
            if self.progress is not None and self.rows % 2000 == 0:
                self.progress(i, len(text))
            i = whitespace(text, i).end()
            if text[i : i + 1] == ",":
                i = whitespace(text, i + 1).end()
                continue
            if text[i : i + 1] == "]":
                return records, i + 1
            raise self.expect(i, "Expecting ',' delimiter")


def read_kumu_json(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a Kumu blueprint (``{"elements": [...], "connections": [...]}``) for import.

    The elements and connections are read one at a time: a file over
    :data:`MAX_BYTES`, or with more than :data:`~explorer.io.tables.MAX_ROWS`
    elements and connections, nested more than
    :data:`~explorer.io.json_input.MAX_NESTING` levels deep or holding a number
    of more than :data:`~explorer.io.json_input.MAX_INT_DIGITS` digits is
    refused, naming the line and column, having held no more than that.

    Raises
    ------
    FormatError
        The file is not JSON (names line and column), not a blueprint, or past a limit above.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FormatError(
            f"The file is {size:,} bytes; JSON files over {MAX_BYTES:,} bytes are refused (a blueprint of "
            f"{MAX_ROWS:,} elements and connections, the most one import takes, is far smaller).",
            path=path.name,
        )
    if progress is not None:
        progress(0, size)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FormatError(
            f"The file is not UTF-8 text (byte {err.start}); JSON must be UTF-8.", path=path.name
        ) from None
    del raw
    blueprint = _Blueprint(text, path.name, progress)
    document = blueprint.read()
    if "elements" not in document:
        raise FormatError(
            'This is not a Kumu blueprint: it needs an object with an "elements" list '
            '(and usually a "connections" list).',
            path=path.name,
        )
    elements = document.get("elements") or []
    connections = document.get("connections") or []
    nodes = rows_from_records(
        elements,
        noun="element",
        first_columns=["id", "_id", "label", "type", "element type", "description"],
        name=path.name,
    )
    edges = rows_from_records(
        connections,
        noun="connection",
        first_columns=["from", "to", "type", "connection type", "direction", "connection direction", "id", "_id"],
        name=path.name,
        rows_before=len(elements),
    )
    notes = []
    others = sorted(k for k in document if k not in _DOCUMENTED_KEYS)
    if others:
        notes.append(
            f"Not imported (not part of Kumu's documented blueprint): {', '.join(map(str, others[:8]))}"
            f"{' …' if len(others) > 8 else ''}."
        )
    if blueprint.objects:
        fields = sorted(map(str, blueprint.objects))
        notes.append(
            f"Not imported (objects, not values): the field{'s' if len(fields) > 1 else ''} "
            f"{', '.join(fields[:8])}{' …' if len(fields) > 8 else ''}."
        )
    columns = set(nodes.columns)
    suggested: dict = {"name": "label"}
    identifier = _first(columns, "id", "_id")
    if identifier:
        suggested["identifier"] = identifier
    kind = _first(columns, "type", "element type")
    if kind:
        suggested["kind"] = kind
    suggested["properties"] = {"description": "rdfs:comment"} if "description" in columns else {}
    edge_columns = set(edges.columns)
    relation = _first(edge_columns, "type", "connection type")
    direction = _first(edge_columns, "direction", "connection direction")
    edge_id = _first(edge_columns, "id", "_id")
    suggested["edges"] = {
        "from": "from",
        "to": "to",
        **({"relation": relation} if relation else {}),
        **({"direction": direction} if direction else {}),
        **({"identifier": edge_id} if edge_id else {}),
    }
    return ImportSource(name=path.name, format="kumu", nodes=nodes, edges=edges, suggested=suggested, notes=notes)


__all__ = ["read_kumu_json"]
