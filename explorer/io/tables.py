"""Rows to import, read from CSV files and Excel workbooks.

A file read for import becomes an :class:`ImportSource`: a :class:`Table` of
node rows (a header and cells) and, for graph formats, a second table of ties.
Each row keeps the number a person sees in their spreadsheet (the header is
row 1), so every problem found later can point at it. What the rows mean (which
column is the name, the kind, the unit...) is decided afterwards by a
:class:`~explorer.io.merge.Mapping`; this module only reads.

Reading is defensive: a file that is not what its name claims (an old ``.xls``
or an HTML page saved as ``.xlsx``, a workbook renamed ``.csv``) is refused with
a message saying what it seems to be; every part of a workbook is screened for
entity declarations (by expat, as openpyxl will read it) and for unpacking to
more than 100 times its packed size before openpyxl sees it; a file with more
than :data:`MAX_COLUMNS` columns is refused; cells are returned as Python
values, never evaluated (formulas come back as their cached value, or empty).

Size is bounded too, so that a file too big to import is refused while it is
read, in seconds and a little memory, rather than after minutes of planning:
at most :data:`MAX_ROWS` rows in one import (node and edge rows together),
:data:`MAX_CELLS` cells in a table, :data:`MAX_CELL_CHARS` characters in a
cell, and for CSV :data:`MAX_CSV_BYTES` bytes, :data:`MAX_RECORD_CHARS`
characters in a record and :data:`MAX_BLANK_ROWS` blank rows. Each constant
says why it has the value it has.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
>>> _ = path.write_text("Name;Team\\nAna;ICU\\n\\nBen;Ward 7\\n", encoding="utf-8")
>>> source = read_csv(path)
>>> source.nodes.columns
('Name', 'Team')
>>> [(number, cells) for number, cells in source.nodes.rows]
[(2, ('Ana', 'ICU')), (4, ('Ben', 'Ward 7'))]
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..core.errors import FormatError, UnsafeInputError

Progress = Callable[[int, int], None]

#: Cells longer than this are refused while reading (a value this long is no name or number).
MAX_CELL_CHARS = 10_000_000
#: Files with more columns than this are refused: each becomes a line of the import dialog's mapping,
#: and every row holds a cell per column (a JSON key per element would make rows x keys cells).
MAX_COLUMNS = 1000
#: A workbook whose parts would unpack to more than this is refused (a "zip bomb"). It also bounds the time
#: openpyxl takes to parse the sheet, cells with no value included: a sheet at :data:`MAX_CELLS` is about 100 MB.
MAX_UNPACKED_BYTES = 500_000_000
#: A part that unpacks to more than this many times its packed size is refused, once it is past
#: :data:`_RATIO_GRACE` bytes: Apache POI's defaults for the same check (``ZipSecureFile``).
MAX_UNPACK_RATIO = 100
_RATIO_GRACE = 100 * 1024
#: Rows one import may hold, node rows and edge rows together. Every row becomes a plan record and a few
#: statements of one undoable command, all in memory at once, then the map the app opens: this is twice the
#: largest map DESIGN.md plans for (100k nodes). Through ``routine-explorer import`` a 200,000-row roster took
#: 53 s and 1.5 GB (5 columns) to 126 s and 2.3 GB (7 columns, 1.4M statements); a 1M-row one took 350 s and
#: 7.2 GB before there was a limit, and is now refused once its 200,001st row is read (1.7 s and 163 MB).
MAX_ROWS = 200_000
#: Blank rows a CSV file may hold besides its rows: they take no memory but take time (100 MB of line breaks
#: took 31 s to read). A workbook needs no such limit: it has at most 1,048,576 rows, and the blank ones a cell
#: formatted at the bottom of the sheet brings (openpyxl fills the gap) take 4 s at most.
MAX_BLANK_ROWS = 200_000
#: Cells one table may hold (rows x columns, empty ones included): the memory of the rows read and, since a cell
#: becomes about one statement, of the plan and the command (about 1.6 KB a cell end to end, so about 3.3 GB here).
MAX_CELLS = 2_000_000
#: CSV files larger than this are refused before a byte is read (also counted while reading, for pipes):
#: the largest table the other limits let through is far smaller, so this bounds the time spent reading.
MAX_CSV_BYTES = 200_000_000
#: A CSV record (one row, over as many lines as its quoted cells span) longer than this is refused:
#: one cell at most :data:`MAX_CELL_CHARS` and the rest of its row. The reader builds a whole record
#: before it can be looked at, and one of nothing but commas would hold a cell per character.
MAX_RECORD_CHARS = 11_000_000
#: How much of a CSV file the delimiter sniffer reads: csv.Sniffer is quadratic in its sample
#: (64 KiB of hostile quotes took it over 20 s; 8 KiB, a quarter of a second).
_SNIFF_BYTES = 8 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
# What openpyxl raises on a damaged workbook: XML errors (ElementTree's and lxml's are SyntaxErrors),
# bad values and missing parts.
_DAMAGED = (SyntaxError, ValueError, KeyError, TypeError, IndexError, AttributeError, zipfile.BadZipFile, EOFError)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = ",;\t|"


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


def _check_width(count: int, name: str | None, *, at_least: bool = False) -> None:
    if count > MAX_COLUMNS:
        raise FormatError(f"The file has {'more than ' if at_least else ''}{count - at_least:,} columns; at most "
                          f"{MAX_COLUMNS:,} can be imported. Remove the columns the import does not need.", path=name)


def _too_many_rows(where: str, name: str | None) -> FormatError:
    return FormatError(f"{where}: the file holds more than {MAX_ROWS:,} rows to import (nodes and ties together), the most "
                       "one import takes, so nothing is imported. Split the file and import the parts in turn.", path=name)


def _too_many_cells(where: str, rows: int, columns: int, name: str | None) -> FormatError:
    return FormatError(f"{where}: the file holds more than {MAX_CELLS:,} cells ({rows:,} rows of {columns:,} columns), the most one "
                       "import takes, so nothing is imported. Remove the columns the import does not need, or split the file.",
                       path=name)


def _table(rows: Iterator[tuple[int, tuple]], *, path: Path, noun: str = "row", most_blank: int | None = MAX_BLANK_ROWS,
           widest: int | None = None) -> Table:
    """The first non-blank row is the header; the rest are data rows, trimmed to the header's width.

    Reading stops, with a :class:`FormatError`, at the first row past :data:`MAX_ROWS`,
    ``most_blank`` blank rows or :data:`MAX_CELLS`, so a file too big is refused having held no more than that.
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
                raise FormatError(f"{noun} {number:,}: the file holds more than {most_blank:,} blank rows; delete the empty "
                                  "rows and try again.", path=path.name)
            continue
        if header is None:
            if len(cells) > MAX_COLUMNS:
                # A workbook's rows reach its last formatted column, however far: count the named ones.
                cells = tuple(cells[: max(i for i, c in enumerate(cells) if not _blank((c,))) + 1])
            _check_width(len(cells), path.name, at_least=widest is not None and len(cells) >= widest)
            header = unique_columns(cells)
            most = min(MAX_ROWS, MAX_CELLS // max(len(header), 1))
            continue
        if len(data) >= most:
            if len(data) >= MAX_ROWS:
                raise _too_many_rows(f"{noun} {number:,}", path.name)
            raise _too_many_cells(f"{noun} {number:,}", len(data) + 1, len(header), path.name)
        cells = tuple(cells[: len(header)]) + (None,) * max(0, len(header) - len(cells))
        data.append((number, cells))
    if header is None:
        raise FormatError("The file holds no rows: it needs a header row naming its columns, then one row per node.", path=path.name)
    return Table(columns=header, rows=data, noun=noun)


# ---------------------------------------------------------------------------- CSV


def _sniff_text(path: Path) -> tuple[str, str]:
    """The encoding and a sample of a text file, refusing binaries that claim to be CSV."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    name = path.name
    if head.startswith(_ZIP_MAGIC):
        raise FormatError("This is not a CSV file: it is a ZIP archive, probably an Excel workbook (.xlsx). "
                          "Rename it to .xlsx, or save it from your spreadsheet as CSV.", path=name)
    if head.startswith(_OLE_MAGIC):
        raise FormatError("This is not a CSV file: it is an old Excel 97-2003 workbook (.xls). "
                          "Save it from your spreadsheet as .xlsx or CSV.", path=name)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in head:
        raise FormatError("This is not a CSV file: it holds binary data (NUL bytes). Export the table as CSV text.", path=name)
    else:
        try:
            head.decode("utf-8")
            encoding = "utf-8-sig"
        except UnicodeDecodeError as err:
            # A multi-byte character cut at the end of the sample is still UTF-8.
            encoding = "utf-8-sig" if err.start >= len(head) - 4 else "cp1252"
    sample = head[:_SNIFF_BYTES].decode(encoding, errors="replace")
    return encoding, sample


def _dialect(sample: str):
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        sample = "\n".join(lines[:-1])  # the sample may end inside a row
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel  # one column, or nothing to tell: commas


class _RecordLength:
    """The length of the CSV record being read, and the number of the last one read."""

    __slots__ = ("chars", "number")

    def __init__(self) -> None:
        self.chars = self.number = 0


def _bounded_lines(handle, record: _RecordLength, name: str) -> Iterator[str]:
    """The lines of ``handle`` for ``csv.reader``, refusing a record or a file past its limit.

    ``record.chars`` counts the characters of the record being read: the reader takes
    lines only while it builds one record, and the caller zeroes it after each.
    """
    readline = handle.readline
    limit = MAX_RECORD_CHARS + 1  # a line is read no further than its limit, so never held whole
    total = 0
    while True:
        line = readline(limit)
        if not line:
            return
        total += len(line)
        record.chars += len(line)
        if record.chars > MAX_RECORD_CHARS:
            raise FormatError(f"row {record.number + 1:,} is longer than {MAX_RECORD_CHARS:,} characters, the most a row may "
                              f"hold (a cell holds at most {MAX_CELL_CHARS:,}). Check the quotes in that row.", path=name)
        if total > MAX_CSV_BYTES:
            raise FormatError(f"after row {record.number:,}: the file is longer than {MAX_CSV_BYTES:,} characters; CSV files "
                              f"over {MAX_CSV_BYTES:,} bytes are refused. Split the file.", path=name)
        yield line


def iter_csv_rows(path: str | Path, *, progress: Progress | None = None) -> Iterator[tuple[int, tuple]]:
    """Stream the records of a CSV file as ``(row number, cells)``, the header being row 1.

    The delimiter (comma, semicolon, tab or bar) and the encoding (UTF-8, with
    or without BOM, UTF-16 with BOM, else Windows-1252) are detected. Row numbers
    count records, as a spreadsheet shows them, even when a quoted cell spans
    several lines. A file over :data:`MAX_CSV_BYTES` is refused before it is
    read, and a record over :data:`MAX_RECORD_CHARS` as soon as it is, with a
    :class:`FormatError` naming the row.
    """
    path = Path(path)
    total = path.stat().st_size
    if total > MAX_CSV_BYTES:
        raise FormatError(f"The file is {total:,} bytes; CSV files over {MAX_CSV_BYTES:,} bytes are refused (the most rows "
                          f"one import takes, {MAX_ROWS:,}, fit in far less). Split the file.", path=path.name)
    encoding, sample = _sniff_text(path)
    dialect = _dialect(sample)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        with open(path, "r", encoding=encoding, newline="") as handle:
            record = _RecordLength()
            reader = csv.reader(_bounded_lines(handle, record, path.name), dialect)
            number = 0
            try:
                for number, cells in enumerate(reader, start=1):
                    record.number, record.chars = number, 0
                    if progress is not None and number % 2000 == 0:
                        progress(handle.buffer.tell() if hasattr(handle, "buffer") else 0, total)
                    yield number, tuple(cells)
            except csv.Error as err:
                raise FormatError(f"row {number + 1}: {err}. Check the quotes in that row.", path=path.name) from None
            except UnicodeDecodeError as err:
                raise FormatError(f"after row {number}: the file is not valid {encoding} text ({err.reason}). "
                                  "Save it as UTF-8 CSV.", path=path.name) from None
    finally:
        csv.field_size_limit(old_limit)


def read_csv(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a CSV file for import: the first non-blank row names the columns.

    Parameters
    ----------
    path : path
        The file.
    progress : callable, optional
        ``progress(bytes_done, bytes_total)``; may raise to cancel.

    Raises
    ------
    FormatError
        The file is not CSV text (names what it seems to be) or is malformed (names the row).
    """
    path = Path(path)
    table = _table(iter_csv_rows(path, progress=progress), path=path)
    return ImportSource(name=path.name, format="csv", nodes=table)


# -------------------------------------------------------------------------- Excel


def _check_workbook(path: Path) -> None:
    """Refuse anything that is not a safe .xlsx package before openpyxl opens it."""
    name = path.name
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_MAGIC):
        raise FormatError("This is an old Excel 97-2003 workbook (.xls), which cannot be read. "
                          "Save it from your spreadsheet as .xlsx or CSV.", path=name)
    if not head.startswith(_ZIP_MAGIC):
        seems = "text (perhaps CSV: rename it to .csv)" if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head) else "something else"
        raise FormatError(f"This is not an Excel workbook (.xlsx): it is {seems}.", path=name)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as err:
        raise FormatError(f"This Excel workbook is damaged: {err}.", path=name) from None
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            kind = "an OpenDocument spreadsheet (.ods)" if "mimetype" in names else "a ZIP archive"
            raise FormatError(f"This is not an Excel workbook (.xlsx): it is {kind}. Save it as .xlsx or CSV.", path=name)
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise UnsafeInputError(f"This workbook would unpack to more than {MAX_UNPACKED_BYTES:,} bytes; it is refused.", path=name)
        for info in archive.infolist():
            # zipfile stops at the declared size (and checks the CRC), so declared sizes can be trusted.
            if info.file_size > _RATIO_GRACE and info.file_size > MAX_UNPACK_RATIO * max(info.compress_size, 1):
                raise UnsafeInputError(f"The workbook part {info.filename} would unpack to {info.file_size:,} bytes, more than "
                                       f"{MAX_UNPACK_RATIO} times its packed size: it looks like a zip bomb and is refused.", path=name)
        for info in archive.infolist():
            # Every part, whatever its name: openpyxl reads a part wherever the workbook's relations point.
            with archive.open(info) as part:
                chunks = iter(lambda: part.read(64 * 1024), b"")
                if declares_doctype(chunks):
                    raise UnsafeInputError(f"The workbook part {info.filename} declares XML entities (a DOCTYPE); "
                                           "such files can exhaust memory and are refused.", path=name)


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


def iter_xlsx_rows(path: str | Path, *, sheet: str | None = None, progress: Progress | None = None) -> Iterator[tuple[int, tuple]]:
    """Stream the rows of one worksheet as ``(row number, values)``.

    The workbook is opened read-only with cached values (``data_only``): a
    formula gives the value Excel last computed, or nothing if it never ran.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    _check_workbook(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise FormatError(f"This Excel workbook cannot be read: {err}.", path=path.name) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0] if workbook.worksheets else None
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise FormatError(f"The workbook has no sheet called {sheet!r}; it has {', '.join(map(repr, workbook.sheetnames))}.", path=path.name)
        if worksheet is None or not hasattr(worksheet, "iter_rows"):
            raise FormatError("The workbook's first sheet is a chart, not a table of rows.", path=path.name)
        total = worksheet.max_row or 0
        # Rows are no wider than a header can be: a cell formatted at column XFD made every row, blank ones
        # included, 16,384 cells (a 5 KB workbook ran for more than ten minutes).
        rows = enumerate(worksheet.iter_rows(min_row=1, max_col=_widest(worksheet), values_only=True), start=1)
        number = 0
        empty = None
        while True:
            try:
                number, values = next(rows)
            except StopIteration:
                break
            except _DAMAGED as err:  # the sheet's XML is parsed as the rows are read
                raise FormatError(f"after row {number}: this Excel workbook is damaged ({type(err).__name__}: {err}). "
                                  "Open it in a spreadsheet and save it again.", path=path.name) from None
            if progress is not None and number % 2000 == 0:
                progress(number, total)
            # openpyxl gives every missing row as one and the same empty tuple: a sheet formatted a million rows
            # down is mostly that one, looked at once.
            if values is not empty:
                if values.count(None) == len(values):
                    empty = values
                else:
                    for value in values:
                        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                            raise FormatError(f"row {number}: a cell holds {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}.", path=path.name)
            yield number, values
    finally:
        workbook.close()


def _widest(worksheet) -> int:
    """How many cells of each row are read: the sheet's width, up to one past :data:`MAX_COLUMNS`."""
    try:
        width = worksheet.max_column
    except _DAMAGED:
        width = None
    return min(width, MAX_COLUMNS + 1) if isinstance(width, int) and width > 0 else MAX_COLUMNS + 1


def sheet_names(path: str | Path) -> list[str]:
    """The names of a workbook's worksheets, in order (to let the person choose one)."""
    import openpyxl

    path = Path(path)
    _check_workbook(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (*_DAMAGED, OSError) as err:
        raise FormatError(f"This Excel workbook cannot be read: {err}.", path=path.name) from None
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_xlsx(path: str | Path, *, sheet: str | None = None, progress: Progress | None = None) -> ImportSource:
    """Read one sheet of an Excel workbook (the first unless ``sheet`` names another) for import.

    Raises
    ------
    FormatError
        The file is not an ``.xlsx`` workbook (says what it seems to be), is
        damaged, or has no such sheet.
    UnsafeInputError
        A part of the workbook declares XML entities, or it would unpack to more than
        :data:`MAX_UNPACKED_BYTES` bytes.
    """
    path = Path(path)
    table = _table(iter_xlsx_rows(path, sheet=sheet, progress=progress), path=path, most_blank=None, widest=MAX_COLUMNS + 1)
    return ImportSource(name=path.name, format="xlsx", nodes=table)


def rows_from_records(records: Iterable[dict], *, noun: str, first_columns: Iterable[str] = (), name: str | None = None,
                      rows_before: int = 0) -> Table:
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
    _check_width(len(order), name)  # before the rows: they hold a cell per column
    if len(records) + rows_before > MAX_ROWS:
        raise _too_many_rows(f"{noun} {MAX_ROWS - rows_before + 1:,}", name)
    if len(records) * len(order) > MAX_CELLS:
        raise _too_many_cells(f"{noun} {MAX_CELLS // max(len(order), 1) + 1:,}", len(records), len(order), name)
    columns = tuple(order)
    rows = [(number, tuple(record.get(c) for c in columns)) for number, record in enumerate(records, start=1)]
    return Table(columns=columns, rows=rows, noun=noun)


__all__ = ["ImportSource", "Table", "cell_text", "declares_doctype", "iter_csv_rows", "iter_xlsx_rows", "read_csv", "read_xlsx",
           "rows_from_records", "sheet_names", "unique_columns"]
