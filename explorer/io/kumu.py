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

Each element becomes a row (``label`` is the name, ``type`` the kind,
``description`` the comment, ``id`` the identifier); each connection an edge
row, its ``type`` naming the relation. Element ``type`` values must be kinds of
the ontology ("Person", "Unit"...) or be mapped to one.

Examples
--------
>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "map.json"
>>> _ = path.write_text(json.dumps({"elements": [{"label": "Ana", "type": "Person"}, {"label": "ICU", "type": "Unit"}],
...                                 "connections": [{"from": "Ana", "to": "ICU", "type": "member of"}]}), encoding="utf-8")
>>> source = read_kumu_json(path)
>>> source.nodes.rows, source.edges.columns
([(1, ('Ana', 'Person')), (2, ('ICU', 'Unit'))], ('from', 'to', 'type'))
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import FormatError
from .tables import ImportSource, Progress, rows_from_records

#: JSON files larger than this are refused (the whole document is held in memory).
MAX_BYTES = 500_000_000
_DOCUMENTED_KEYS = frozenset({"elements", "connections"})


def _cell(value):
    """A JSON value as a cell: lists (Kumu's tags) joined with "; ", objects left out."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if not isinstance(v, (dict, list)))
    if isinstance(value, dict):
        return None
    return value


def _records(items, what: str, name: str) -> list[dict]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise FormatError(f"{what!r} must be a list of objects, not {type(items).__name__}.", path=name)
    records = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise FormatError(f"{what} {index} must be an object with keys such as \"label\", not {type(item).__name__}.", path=name)
        records.append({str(k): _cell(v) for k, v in item.items()})
    return records


def read_kumu_json(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a Kumu blueprint (``{"elements": [...], "connections": [...]}``) for import.

    Raises
    ------
    FormatError
        The file is not JSON (names line and column), or not a blueprint.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FormatError(f"The file is {size:,} bytes; JSON files over {MAX_BYTES:,} bytes are refused.", path=path.name)
    if progress is not None:
        progress(0, size)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FormatError(f"The file is not UTF-8 text (byte {err.start}); JSON must be UTF-8.", path=path.name) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise FormatError(f"Not valid JSON: {err.msg}.", path=path.name, line=err.lineno, column=err.colno) from None
    except RecursionError:
        raise FormatError("The JSON is nested too deeply to read.", path=path.name) from None
    if not isinstance(document, dict) or "elements" not in document:
        raise FormatError("This is not a Kumu blueprint: it needs an object with an \"elements\" list "
                          "(and usually a \"connections\" list).", path=path.name)
    elements = _records(document.get("elements"), "element", path.name)
    connections = _records(document.get("connections"), "connection", path.name)
    nodes = rows_from_records(elements, noun="element", first_columns=["id", "label", "type", "description"], name=path.name)
    edges = rows_from_records(connections, noun="connection", first_columns=["from", "to", "type", "direction", "id"],
                              name=path.name)
    notes = []
    others = sorted(k for k in document if k not in _DOCUMENTED_KEYS)
    if others:
        notes.append(f"Not imported (not part of Kumu's documented blueprint): {', '.join(map(str, others[:8]))}"
                     f"{' …' if len(others) > 8 else ''}.")
    columns = set(nodes.columns)
    suggested: dict = {"name": "label"}
    if "id" in columns:
        suggested["identifier"] = "id"
    if "type" in columns:
        suggested["kind"] = "type"
    suggested["properties"] = {"description": "rdfs:comment"} if "description" in columns else {}
    suggested["ignore"] = [c for c in ("tags",) if c in columns]
    edge_columns = set(edges.columns)
    suggested["edges"] = {
        "from": "from",
        "to": "to",
        **({"relation": "type"} if "type" in edge_columns else {}),
        **({"direction": "direction"} if "direction" in edge_columns else {}),
    }
    return ImportSource(name=path.name, format="kumu", nodes=nodes, edges=edges, suggested=suggested, notes=notes)


__all__ = ["read_kumu_json"]
