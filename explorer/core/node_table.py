"""The node table: the nodes of one kind as rows, the inspector's fields as columns, and edits of many cells at once.

What a column shows and accepts comes from the schema, as in the inspector:
:meth:`Schema.inspector <explorer.core.schema.Schema.inspector>` lists a kind's
properties in order, each :class:`~explorer.core.schema.PropertySpec` says its
type and choices, and :meth:`Schema.coerce <explorer.core.schema.Schema.coerce>`
checks a typed value. This module adds what a grid needs on top: a cell's text,
how a cell's text becomes values (a choice or a node given by its name), and one
undoable command for a whole paste, checked cell by cell before anything is
written. Qt-free, so the rules are tested without a window.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.editing import create_node
>>> from explorer.core.namespaces import RX
>>> from explorer.core.projection import Projection
>>> from explorer.core.schema import schema_of
>>> doc = MapDocument.new(); schema = schema_of(doc)
>>> for name in ("Nurse", "Surgeon"):
...     doc.execute(create_node(doc, schema, RX.Role, name)[0])
>>> table = NodeTable(doc, schema, Projection.build(doc.store, schema))
>>> [(kind.label, count) for kind, count in table.kinds()][:1]
[('Role', 2)]
>>> readiness = next(c for c in table.columns(RX.Role) if c.spec.iri == RX.readiness)
>>> nurse, surgeon = table.nodes(RX.Role)
>>> command = table.command([CellEdit(nurse, readiness, "0.8", 1), CellEdit(surgeon, readiness, "0,6", 2)])
>>> command.label
'Paste 2 values into Readiness'
>>> doc.execute(command)
>>> [table.text(n, readiness) for n in (nurse, surgeon)]
['0.8', '0.6']
>>> table.command([CellEdit(nurse, readiness, "0.1", 1), CellEdit(surgeon, readiness, "high", 2)])
Traceback (most recent call last):
...
explorer.core.node_table.CellError: Row 2 (Surgeon), Readiness: readiness must be a number; high is not.
>>> doc.close()
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS

from .commands import Command, diff
from .editing import rename_label
from .errors import CommandError
from .schema import Kind, PropertySpec, Schema
from .terms import DEFAULT_GRAPH, local_name
from .text import natural_key, one_line, shortened

#: What separates several values in one cell (a role's kinds, a routine's artefacts).
SEPARATOR = "; "
#: Most cells one paste may hold: a spreadsheet column of a big map, not a whole workbook.
MAX_PASTE_CELLS = 200_000
#: Most text one paste may hold (UTF-8 bytes), refused before it is read: 10,000 rows of 100 characters.
MAX_PASTE_BYTES = 1_000_000
#: Longest text a cell shows; the full value is in the tooltip and the inspector.
CELL_LIMIT = 300

#: The languages a cell shows when a node has them (else whichever it has): no language tag, and English.
_SHOWN_FIRST = (None, "en")

_EDITABLE = frozenset({"text", "multiline", "decimal", "integer", "date", "datetime", "choice", "link"})


class CellError(CommandError):
    """A cell's value was refused; the message names its row and column, and nothing was written."""


@dataclass(frozen=True)
class Column:
    """One column of the table: a property of the kind, as the inspector shows it."""

    spec: PropertySpec

    @property
    def title(self) -> str:
        """The header: "Name" for the label, else the property's label with a capital."""
        if self.spec.iri == RDFS.label:
            return "Name"
        label = self.spec.label
        return label[:1].upper() + label[1:]

    @property
    def editable(self) -> bool:
        """Whether cells of this column take typed or pasted text (sources are edited in the inspector)."""
        spec = self.spec
        return spec.widget in _EDITABLE and (spec.single or spec.widget in ("choice", "link"))

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers (sorted by value, aligned right)."""
        return self.spec.widget in ("decimal", "integer")

    @property
    def hint(self) -> str:
        """What the column accepts, in a few words (the header's tooltip and the editor's placeholder)."""
        spec = self.spec
        if spec.widget in ("decimal", "integer"):
            whole = "a whole number" if spec.widget == "integer" else "a number"
            if spec.minimum is not None and spec.maximum is not None:
                return f"{whole} from {_number(spec.minimum)} to {_number(spec.maximum)}"
            return whole
        if spec.widget == "date":
            return "a date, YYYY-MM-DD"
        if spec.widget == "datetime":
            return "a date and time, YYYY-MM-DDThh:mm"
        if spec.widget == "choice":
            names = ", ".join(c.label for c in spec.choices)
            return f"one of: {names}" if spec.single else f"any of: {names}, separated by “;”"
        if spec.widget == "link":
            return "the name of a node" if spec.single else "names of nodes, separated by “;”"
        if not self.editable:
            return "edited in the inspector"
        return "text"


@dataclass(frozen=True)
class CellEdit:
    """Put ``text`` in the cell of ``node`` under ``column``; ``row`` is the row number the user sees (from 1)."""

    node: URIRef | BNode
    column: Column
    text: str
    row: int


class NodeTable:
    """The nodes of an open map by kind, their cells, and the commands that edit them.

    Parameters
    ----------
    doc : MapDocument
        The open map (read for values; commands are built against its store).
    schema : Schema
        Its schema.
    projection : Projection
        The nodes the canvas draws, with their kinds and labels.
    """

    def __init__(self, doc, schema: Schema, projection) -> None:
        self.doc, self.schema, self.projection = doc, schema, projection

    # ------------------------------------------------------------------ reading
    def kinds(self) -> list[tuple[Kind, int]]:
        """The kinds the map has nodes of, with how many, in the palette's order."""
        counts: dict = {}
        for view in self.projection.nodes.values():
            counts[view.kind] = counts.get(view.kind, 0) + 1
        found = [(kind, n) for iri, n in counts.items() if (kind := self.schema.kind(iri)) is not None]
        return sorted(found, key=lambda kn: (kn[0].group_order, kn[0].order, kn[0].label.casefold()))

    def columns(self, kind_iri) -> list[Column]:
        """The columns of a kind's table: the name, then the inspector's fields in the ontology's order."""
        specs = self.schema.inspector(self.schema.kind(kind_iri))
        label = [s for s in specs if s.iri == RDFS.label] or [self.schema.property(RDFS.label)]
        return [Column(spec) for spec in label + [s for s in specs if s.iri != RDFS.label]]

    def nodes(self, kind_iri) -> list:
        """The nodes of ``kind_iri``, by name in natural order ("Unit 2" before "Unit 10")."""
        found = [
            (natural_key(view.label), str(iri), iri)
            for iri, view in self.projection.nodes.items()
            if view.kind == kind_iri
        ]
        return [iri for _, _, iri in sorted(found)]

    def values(self, node) -> dict:
        """``{predicate: [objects]}`` of ``node``, read in one pass."""
        found: dict = {}
        for _, p, o, _ in self.doc.store.quads(node, None, None, DEFAULT_GRAPH):
            found.setdefault(p, []).append(o)
        return found

    def name_of(self, term) -> str:
        """What a cell calls a node or concept: its label (the projection's), a concept's label, else a local name."""
        if isinstance(term, Literal):
            return str(term)
        view = self.projection.nodes.get(term)
        if view is not None:
            return view.label
        return self.schema.concept_labels.get(term) or local_name(term)

    def text(self, node, column: Column, values: dict | None = None) -> str:
        """The full text of a cell (several values joined by “; ”); what an editor starts from."""
        found = (values if values is not None else self.values(node)).get(column.spec.iri, [])
        return SEPARATOR.join(sorted((self.name_of(v) for v in _shown(column, found)), key=natural_key))

    def cell_editable(self, column: Column, text: str) -> bool:
        """Whether a cell can be typed into: its column takes text, and a comment of several lines is not flattened."""
        return column.editable and not (column.spec.widget == "multiline" and "\n" in text)

    @staticmethod
    def sort_key(column: Column, text: str) -> tuple:
        """How a cell sorts: numbers by value, text in natural order; empty cells last.

        Examples
        --------
        >>> from explorer.core.namespaces import RX
        >>> from explorer.core.schema import PropertySpec
        >>> number = Column(PropertySpec(RX.readiness, "readiness", widget="decimal"))
        >>> sorted(["0.5", "", "0.25", "1"], key=lambda t: NodeTable.sort_key(number, t))
        ['0.25', '0.5', '1', '']
        """
        if not text:
            return (2,)
        if column.numeric:
            try:
                return (0, Decimal(text), ())
            except InvalidOperation:
                return (1, Decimal(0), natural_key(text))
        return (0, Decimal(0), natural_key(text))

    # ------------------------------------------------------------------ writing
    def command(self, edits: Sequence[CellEdit], *, label: str | None = None) -> Command:
        """One undoable command putting every edit's text in its cell; checks them all before building it.

        An edit replaces the values in the language the cell shows and keeps those in other languages.
        An empty text clears the cell (a name cannot be cleared). Raises :class:`CellError` naming the row
        and column of the first cell refused, or :class:`CommandError` when nothing would change.
        """
        if len(edits) > MAX_PASTE_CELLS:
            raise CellError(f"That is {len(edits):,} cells; at most {MAX_PASTE_CELLS:,} can be pasted at once.")
        store = self.doc.store
        planned: dict = {}
        for edit in edits:
            try:
                old = [o for _, _, o, _ in store.quads(edit.node, edit.column.spec.iri, None, DEFAULT_GRAPH)]
                language = next((_language(v) for v in _shown(edit.column, old)), None)
                planned[(edit.node, edit.column.spec.iri)] = (self._values_for(edit, language), language)
            except ValueError as error:
                name = one_line(self.name_of(edit.node), 40) or "no name"
                raise CellError(f"Row {edit.row} ({name}), {edit.column.title}: {error}") from None
        added: list = []
        removed: list = []
        for (node, predicate), (values, language) in planned.items():
            # A cell stands for the values in the language it shows: "Urgences"@fr stays when "ED"@en is typed.
            same = _SHOWN_FIRST if language in _SHOWN_FIRST else (language,)
            removed.extend(q for q in store.quads(node, predicate, None, DEFAULT_GRAPH) if _language(q[2]) in same)
            added.extend((node, predicate, value, DEFAULT_GRAPH) for value in values)
        command = diff(store, label or self._label(edits), added=added, removed=removed)
        if command.is_empty:
            raise CommandError("The cells already hold these values: nothing to change.")
        return command

    def _values_for(self, edit: CellEdit, language: str | None) -> list:
        spec, text = edit.column.spec, edit.text
        if not edit.column.editable:
            raise ValueError(f"this column is {edit.column.hint}, not here.")
        if not text.strip():
            if spec.iri == RDFS.label:
                raise ValueError("a node needs a name; type one, or delete the node instead.")
            return []
        if spec.widget in ("choice", "link"):
            parts = [text] if spec.single else [p for p in text.split(";") if p.strip()]
            found = [
                self._choice(spec, p) if spec.widget == "choice" else self._node(spec, edit.node, p) for p in parts
            ]
            return [self.schema.coerce(spec.iri, v) for v in dict.fromkeys(found)]
        value = self.schema.coerce(spec.iri, text)
        if spec.widget in ("text", "multiline") and language:
            value = Literal(str(value), lang=language)  # the language of the value the cell showed
        return [value]

    def _choice(self, spec: PropertySpec, text: str):
        wanted = one_line(text).casefold()
        for concept in spec.choices:
            if wanted in (concept.label.casefold(), local_name(concept.iri).casefold(), str(concept.iri).casefold()):
                return concept.iri
        names = ", ".join(c.label for c in spec.choices)
        raise ValueError(f"{spec.label} must be one of: {names}; “{one_line(text, 30)}” is not.")

    def _node(self, spec: PropertySpec, subject, text: str):
        wanted = one_line(text).casefold()
        found = [
            iri
            for iri, view in self.projection.nodes.items()
            if iri != subject
            and one_line(view.label).casefold() == wanted
            and self.schema.admits(spec.range, view.kind)
        ]
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(f"no node called “{one_line(text, 30)}” can be the {spec.label} here.")
        raise ValueError(f"{len(found)} nodes are called “{one_line(text, 30)}”; pick one in the inspector.")

    def _label(self, edits: Sequence[CellEdit]) -> str:
        if len(edits) == 1:
            edit = edits[0]
            name = shortened(self.name_of(edit.node), 30)
            if edit.column.spec.iri == RDFS.label:
                return rename_label(self.name_of(edit.node), edit.text)
            return f"Set {edit.column.spec.label} of “{name}”"
        titles = list(dict.fromkeys(edit.column.title for edit in edits))
        where = titles[0] if len(titles) == 1 else f"{len(titles)} columns"
        return f"Paste {len(edits)} values into {where}"


def _shown(column: Column, found: list) -> list:
    """Which of a cell's values it shows: those in English or in no language (else all), the first if single."""
    preferred = [v for v in found if _language(v) in _SHOWN_FIRST] or found
    return preferred[:1] if column.spec.single else preferred


def _language(term) -> str | None:
    return term.language if isinstance(term, Literal) else None


def paste_grid(text: str) -> list[list[str]]:
    """Text copied from a spreadsheet as rows of cells (tab-separated, quoted cells may hold tabs and newlines).

    The line break after the last row, which spreadsheets add, makes no empty row.

    Examples
    --------
    >>> paste_grid("0.5\\t1\\n0.7\\t2\\n")
    [['0.5', '1'], ['0.7', '2']]
    >>> paste_grid('"two\\nlines"\\tx')
    [['two\\nlines', 'x']]
    >>> paste_grid("")
    []
    >>> paste_grid("x" * 2_000_000)
    Traceback (most recent call last):
    ...
    explorer.core.node_table.CellError: The clipboard holds 2 MB of text; at most 1 MB can be pasted ...
    """
    # Counted before anything is read: parsing megabytes of cells would freeze the window before refusing them.
    size = len(text) if len(text) > MAX_PASTE_BYTES else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_PASTE_BYTES:
        raise CellError(
            f"The clipboard holds {_megabytes(size)} of text; at most {_megabytes(MAX_PASTE_BYTES)} can be pasted "
            "into the table at once. Copy fewer cells. Nothing was changed."
        )
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")), delimiter="\t"))
    return [row if row else [""] for row in rows]


def fill(grid: list[list[str]], targets: Iterable[tuple[int, int]], shape: tuple[int, int] | None = None) -> dict:
    """Which text goes in which cell when ``grid`` is pasted over the selected cells ``targets`` ((row, column)).

    One value fills every selected cell; a block the selection's size fills it cell by cell; otherwise the block
    goes at the selection's top-left corner. Returns ``{(row, column): text}``. With the table's ``shape``
    (rows, columns), a block reaching past the table raises :class:`CellError` before any cell is listed.

    Examples
    --------
    >>> fill([["x"]], [(0, 1), (1, 1), (2, 1)])
    {(0, 1): 'x', (1, 1): 'x', (2, 1): 'x'}
    >>> fill([["a"], ["b"]], [(3, 2)])
    {(3, 2): 'a', (4, 2): 'b'}
    >>> fill([["a"], ["b"]], [(3, 2)], shape=(4, 5))
    Traceback (most recent call last):
    ...
    explorer.core.node_table.CellError: The paste is 2 rows by 1 column; from row 4, column 3 ...
    """
    targets = sorted(set(targets))
    if not grid or not targets:
        return {}
    if len(grid) == 1 and len(grid[0]) == 1:
        return dict.fromkeys(targets, grid[0][0])
    rows = sorted({r for r, _ in targets})
    columns = sorted({c for _, c in targets})
    width = max(len(row) for row in grid)
    if len(rows) == len(grid) and len(columns) == width and len(targets) == len(rows) * len(columns):
        return {
            (r, c): (grid[i][j] if j < len(grid[i]) else "") for i, r in enumerate(rows) for j, c in enumerate(columns)
        }
    top, left = rows[0], columns[0]
    if shape is not None and (top + len(grid) > shape[0] or left + width > shape[1]):
        raise CellError(
            f"The paste is {_count(len(grid), 'row')} by {_count(width, 'column')}; from row {top + 1}, "
            f"column {left + 1} it reaches past the table, which shows {_count(shape[0], 'row')} and "
            f"{_count(shape[1], 'column')}. Nothing was changed."
        )
    return {(top + i, left + j): (row[j] if j < len(row) else "") for i, row in enumerate(grid) for j in range(width)}


def grid_text(rows: Sequence[Sequence[str]]) -> str:
    """Rows of cells as text a spreadsheet pastes (tab-separated; a cell with a tab or a line break quoted).

    Examples
    --------
    >>> grid_text([["Ward 7", "0.5"], ["ICU", ""]])
    'Ward 7\\t0.5\\nICU\\t\\n'
    """
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
    return out.getvalue()


#: Kind names whose plural no suffix rule gives.
_IRREGULAR = {"person": "people"}


def plural(label: str) -> str:
    """A kind's label for many of them: "Units", "External bodies", "People", "Points of likely resistance".

    A few English rules, enough for the ontology's kind names (the head noun before "of" takes the plural);
    the ``inflect`` package does this in general but takes 2.7 s to import (typeguard instruments it).

    Examples
    --------
    >>> [plural(w) for w in ("Unit", "External body", "Process", "Day", "Person", "Point of likely resistance")]
    ['Units', 'External bodies', 'Processes', 'Days', 'People', 'Points of likely resistance']
    """
    head, of, rest = label.partition(" of ")
    if of:
        return plural(head) + of + rest
    start, _, last = label.rpartition(" ")
    found = _IRREGULAR.get(last.casefold())
    if found is not None:
        return (start + " " if start else "") + (found.capitalize() if last[:1].isupper() else found)
    if label.endswith("y") and label[-2:-1] not in tuple("aeiou"):
        return label[:-1] + "ies"
    if label.endswith(("s", "x", "ch", "sh")):
        return label + "es"
    return label + "s"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = [
    "CELL_LIMIT",
    "MAX_PASTE_CELLS",
    "SEPARATOR",
    "CellEdit",
    "CellError",
    "Column",
    "NodeTable",
    "fill",
    "grid_text",
    "paste_grid",
    "plural",
]
