"""Rows read for import: what every reader returns, and the limits every reader keeps.

A file read for import becomes an :class:`ImportSource`: a :class:`Table` of
node rows (a header and cells) and, for graph formats, a second table of ties.
Each row keeps the number a person sees in their spreadsheet (the header is
row 1), so every problem found later can point at it. What the rows mean (which
column is the name, the kind, the unit...) is decided afterwards by a
:class:`~explorer.io.merge.Mapping`; readers only read.

The readers live one module per format: :mod:`~explorer.io.csv_tables`,
:mod:`~explorer.io.xlsx`, :mod:`~explorer.io.graphml`, :mod:`~explorer.io.gexf`
and :mod:`~explorer.io.kumu`. This module holds what they share: the tables,
the limits on their size, the turning of rows or records into a table within
those limits, and the check that an XML document declares no entities.

Size is bounded so that a file too big to import is refused while it is read,
in seconds and a little memory, rather than after minutes of planning: at most
:data:`MAX_ROWS` rows in one import (node and edge rows together),
:data:`MAX_CELLS` cells in a table, :data:`MAX_COLUMNS` columns and
:data:`MAX_CELL_CHARS` characters in a cell. Each constant says why it has the
value it has; the formats add their own (bytes, blank rows, unpacked size).

Examples
--------
>>> rows = [(1, ("Name", "Team")), (2, ("Ana", "ICU")), (3, (None, " ")), (4, ("Ben",))]
>>> table = table_from_rows(iter(rows), name="roster.csv")
>>> table.columns, table.rows
(('Name', 'Team'), [(2, ('Ana', 'ICU')), (4, ('Ben', None))])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ..core.errors import FormatError

Progress = Callable[[int, int], None]

#: Cells longer than this are refused while reading (a value this long is no name or number).
MAX_CELL_CHARS = 10_000_000
#: Files with more columns than this are refused: each becomes a line of the import dialog's mapping,
#: and every row holds a cell per column (a JSON key per element would make rows x keys cells).
MAX_COLUMNS = 1000
#: Rows one import may hold, node rows and edge rows together. Every row becomes a plan record and a few
#: statements of one undoable command, all in memory at once, then the map the app opens: this is twice the
#: largest map DESIGN.md plans for (100k nodes). Through ``routine-explorer import`` a 200,000-row roster took
#: 53 s and 1.5 GB (5 columns) to 126 s and 2.3 GB (7 columns, 1.4M statements); a 1M-row one took 350 s and
#: 7.2 GB before there was a limit, and is now refused once its 200,001st row is read (1.7 s and 163 MB).
MAX_ROWS = 200_000
#: Cells one table may hold (rows x columns, empty ones included): the memory of the rows read and, since a cell
#: becomes about one statement, of the plan and the command (about 1.6 KB a cell end to end, so about 3.3 GB here).
MAX_CELLS = 2_000_000
#: How a ZIP archive (an ``.xlsx`` workbook) starts.
ZIP_MAGIC = b"PK\x03\x04"
#: How an OLE compound file (an old ``.xls`` workbook) starts.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Table:
    """Rows read from a file: a header and, per row, the cells under it.

    Attributes
    ----------
    columns : tuple of str
        Column names, unique (a repeated or empty header gets a suffix such as ``"Name (2)"``).
    rows : list of (int, tuple)
        ``(number, cells)``; ``number`` is what the person sees (spreadsheet row,
        header = 1; or the element's position in a JSON list). Blank rows are left out.
    noun : str
        What a row is called in messages: ``"row"``, ``"node"``, ``"element"``...
    """

    columns: tuple
    rows: list = field(default_factory=list)
    noun: str = "row"

    def column_values(self, column: str, limit: int | None = None) -> list:
        """The cells of ``column``, in row order (the first ``limit`` rows)."""
        index = self.columns.index(column)
        rows = self.rows if limit is None else self.rows[:limit]
        return [cells[index] if index < len(cells) else None for _, cells in rows]


@dataclass
class ImportSource:
    """Everything a file offers to import.

    Attributes
    ----------
    name : str
        The file's name, for messages and the undo label.
    format : str
        Registry name of the format that read it (``"csv"``, ``"xlsx"``, ``"graphml"``...).
    nodes : Table
        One row per node to import.
    edges : Table or None
        For graph formats: one row per tie, with ``from`` and ``to`` columns
        naming node rows (by identifier or name).
    suggested : dict
        A mapping the format itself implies (``{"name": "label", "identifier": "id"}``),
        used before guessing from headers.
    notes : list of str
        What the file holds that is not imported, said once (not per row).
    """

    name: str
    format: str
    nodes: Table
    edges: Table | None = None
    suggested: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def unique_columns(header: Iterable) -> tuple:
    """Column names from a header row: text, stripped, never empty, never repeated.

    Examples
    --------
    >>> unique_columns(["Name", None, " Name ", "Team"])
    ('Name', 'Column 2', 'Name (2)', 'Team')
    """
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(header, start=1):
        name = " ".join(cell_text(cell).split())[:200] or f"Column {index}"
        candidate, n = name, 2
        while candidate.casefold() in seen:
            candidate, n = f"{name} ({n})", n + 1
        seen.add(candidate.casefold())
        names.append(candidate)
    return tuple(names)


def cell_text(value) -> str:
    """A cell as the text a person would read in it ("" for an empty cell).

    Numbers lose a spurious ``.0``; dates are written ISO 8601 (a date-time at
    midnight as a date).

    Examples
    --------
    >>> cell_text(3.0), cell_text(0.25), cell_text(None), cell_text(True)
    ('3', '0.25', '', 'true')
    >>> import datetime as dt
    >>> cell_text(dt.datetime(2024, 5, 3)), cell_text(dt.datetime(2024, 5, 3, 9, 30))
    ('2024-05-03', '2024-05-03T09:30:00')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def check_width(count: int, name: str | None, *, at_least: bool = False) -> None:
    """Refuse ``count`` columns past :data:`MAX_COLUMNS` (``at_least``: the reader stopped counting at ``count``)."""
    if count > MAX_COLUMNS:
        raise FormatError(
            f"The file has {'more than ' if at_least else ''}{count - at_least:,} columns; at most "
            f"{MAX_COLUMNS:,} can be imported. Remove the columns the import does not need.",
            path=name,
        )


def too_many_rows(where: str, name: str | None) -> FormatError:
    """The error for a file past :data:`MAX_ROWS`, found at ``where`` (``"row 200,002"``) of the file ``name``.

    Examples
    --------
    >>> str(too_many_rows("row 200,002", "big.csv"))[:60]
    'big.csv: row 200,002: the file holds more than 200,000 rows '
    """
    return FormatError(
        f"{where}: the file holds more than {MAX_ROWS:,} rows to import (nodes and ties together), the most "
        "one import takes, so nothing is imported. Split the file and import the parts in turn.",
        path=name,
    )


def too_many_cells(where: str, rows: int, columns: int, name: str | None) -> FormatError:
    """The error for a table past :data:`MAX_CELLS`: ``rows`` rows of ``columns`` columns, found at ``where``."""
    return FormatError(
        f"{where}: the file holds more than {MAX_CELLS:,} cells ({rows:,} rows of {columns:,} columns), the most one "
        "import takes, so nothing is imported. Remove the columns the import does not need, or split the file.",
        path=name,
    )


def table_from_rows(
    rows: Iterator[tuple[int, tuple]],
    *,
    name: str | None,
    noun: str = "row",
    most_blank: int | None = None,
    widest: int | None = None,
) -> Table:
    """The first non-blank row is the header; the rest are data rows, trimmed to the header's width.

    Reading stops, with a :class:`FormatError` naming the file ``name``, at the first row past
    :data:`MAX_ROWS`, ``most_blank`` blank rows (if given) or :data:`MAX_CELLS`, so a file too big
    is refused having held no more than that.
    ``widest`` is the width at which the reader cut its rows, if it did (a header that wide has more columns).
    """
    header = None
    data: list = []
    blank = 0
    most = MAX_ROWS
    seen_blank = None  # a workbook's missing rows all come as one tuple: looked at once
    for number, cells in rows:
        if cells is seen_blank or _blank(cells):
            seen_blank = cells
            blank += 1
            if most_blank is not None and blank > most_blank:
                raise FormatError(
                    f"{noun} {number:,}: the file holds more than {most_blank:,} blank rows; delete the empty "
                    "rows and try again.",
                    path=name,
                )
            continue
        if header is None:
            if len(cells) > MAX_COLUMNS:
                # A workbook's rows reach its last formatted column, however far: count the named ones.
                cells = tuple(cells[: max(i for i, c in enumerate(cells) if not _blank((c,))) + 1])
            check_width(len(cells), name, at_least=widest is not None and len(cells) >= widest)
            header = unique_columns(cells)
            most = min(MAX_ROWS, MAX_CELLS // max(len(header), 1))
            continue
        if len(data) >= most:
            if len(data) >= MAX_ROWS:
                raise too_many_rows(f"{noun} {number:,}", name)
            raise too_many_cells(f"{noun} {number:,}", len(data) + 1, len(header), name)
        cells = tuple(cells[: len(header)]) + (None,) * max(0, len(header) - len(cells))
        data.append((number, cells))
    if header is None:
        raise FormatError(
            "The file holds no rows: it needs a header row naming its columns, then one row per node.", path=name
        )
    return Table(columns=header, rows=data, noun=noun)


class _PrologRead(Exception):
    """Raised from expat's handlers: the prolog has been read."""


def declares_doctype(chunks: Iterable[bytes]) -> bool:
    """Whether the XML document in ``chunks`` declares a document type (where entities are declared).

    The prolog is read by expat, the parser that ElementTree, networkx and
    openpyxl use, so the encoding is told as they tell it (UTF-16 without a
    byte-order mark, any declared encoding) and no comment or processing
    instruction can hide a declaration. Reading stops at the root element;
    what expat cannot read at all (binary data) declares nothing, and the real
    parser reports it.

    Examples
    --------
    >>> declares_doctype([b'<?xml version="1.0"?><!-- note --><graphml/>'])
    False
    >>> declares_doctype(['<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode("utf-16-le")])
    True
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    found = []

    def doctype(*_args) -> None:
        found.append(True)
        raise _PrologRead

    def root(*_args) -> None:
        raise _PrologRead

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (_PrologRead, expat.ExpatError):
        pass
    return bool(found)


def rows_from_records(
    records: Iterable[dict],
    *,
    noun: str,
    first_columns: Iterable[str] = (),
    name: str | None = None,
    rows_before: int = 0,
) -> Table:
    """A table from dictionaries (JSON objects, graph node attributes), numbered from 1.

    Columns are the union of the keys, ``first_columns`` first, then in order of appearance; more
    than :data:`MAX_COLUMNS` of them, more than :data:`MAX_ROWS` records (``rows_before`` being
    the rows of the file's other table) or more than :data:`MAX_CELLS` cells raise a
    :class:`FormatError` (naming the file ``name``) before the rows are built.

    Examples
    --------
    >>> t = rows_from_records([{"label": "A"}, {"label": "B", "type": "Unit"}], noun="element", first_columns=["id"])
    >>> t.columns, t.rows
    (('label', 'type'), [(1, ('A', None)), (2, ('B', 'Unit'))])
    """
    records = list(records)
    keys: dict[str, None] = {}
    for record in records:
        for key in record:
            if key not in keys:
                keys[key] = None
    order = dict.fromkeys(column for column in first_columns if column in keys)
    order.update(keys)
    check_width(len(order), name)  # before the rows: they hold a cell per column
    if len(records) + rows_before > MAX_ROWS:
        raise too_many_rows(f"{noun} {MAX_ROWS - rows_before + 1:,}", name)
    if len(records) * len(order) > MAX_CELLS:
        raise too_many_cells(f"{noun} {MAX_CELLS // max(len(order), 1) + 1:,}", len(records), len(order), name)
    columns = tuple(order)
    rows = [(number, tuple(record.get(c) for c in columns)) for number, record in enumerate(records, start=1)]
    return Table(columns=columns, rows=rows, noun=noun)


__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "OLE_MAGIC",
    "ZIP_MAGIC",
    "ImportSource",
    "Progress",
    "Table",
    "cell_text",
    "check_width",
    "declares_doctype",
    "rows_from_records",
    "table_from_rows",
    "too_many_cells",
    "too_many_rows",
    "unique_columns",
]
