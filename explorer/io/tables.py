"""Rows to import, read from CSV files and Excel workbooks.

A file read for import becomes an :class:`ImportSource`: a :class:`Table` of
node rows (a header and cells) and, for graph formats, a second table of ties.
Each row keeps the number a person sees in their spreadsheet (the header is
row 1), so every problem found later can point at it. What the rows mean (which
column is the name, the kind, the unit...) is decided afterwards by a
:class:`~explorer.io.merge.Mapping`; this module only reads.

Reading is defensive: a file that is not what its name claims (an old ``.xls``
or an HTML page saved as ``.xlsx``, a workbook renamed ``.csv``) is refused with
a message saying what it seems to be; XML inside a workbook is screened for
entity declarations before openpyxl sees it; cells are returned as Python
values, never evaluated (formulas come back as their cached value, or empty).

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
#: A workbook whose parts would unpack to more than this is refused (a "zip bomb").
MAX_UNPACKED_BYTES = 2_000_000_000

_ZIP_MAGIC = b"PK\x03\x04"
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


def _table(rows: Iterator[tuple[int, tuple]], *, path: Path, noun: str = "row") -> Table:
    """The first non-blank row is the header; the rest are data rows, trimmed to the header's width."""
    header = None
    data: list = []
    for number, cells in rows:
        if _blank(cells):
            continue
        if header is None:
            header = unique_columns(cells)
            continue
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
    sample = head[: 64 * 1024].decode(encoding, errors="replace")
    return encoding, sample


def _dialect(sample: str):
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        sample = "\n".join(lines[:-1])  # the sample may end inside a row
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel  # one column, or nothing to tell: commas


def iter_csv_rows(path: str | Path, *, progress: Progress | None = None) -> Iterator[tuple[int, tuple]]:
    """Stream the records of a CSV file as ``(row number, cells)``, the header being row 1.

    The delimiter (comma, semicolon, tab or bar) and the encoding (UTF-8, with
    or without BOM, UTF-16 with BOM, else Windows-1252) are detected. Row numbers
    count records, as a spreadsheet shows them, even when a quoted cell spans
    several lines.
    """
    path = Path(path)
    encoding, sample = _sniff_text(path)
    dialect = _dialect(sample)
    total = path.stat().st_size
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        with open(path, "r", encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, dialect)
            number = 0
            try:
                for number, cells in enumerate(reader, start=1):
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
            raise UnsafeInputError("This workbook would unpack to more than 2 GB; it is refused.", path=name)
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(info) as part:
                start = part.read(4096).lstrip(b"\xef\xbb\xbf").upper()
            # Entity declarations can only come in a DOCTYPE, before the root element.
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise UnsafeInputError(f"The workbook part {info.filename} declares XML entities (a DOCTYPE); "
                                       "such files can exhaust memory and are refused.", path=name)


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
        for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            if progress is not None and number % 2000 == 0:
                progress(number, total)
            for value in values:
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise FormatError(f"row {number}: a cell holds {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}.", path=path.name)
            yield number, tuple(values)
    finally:
        workbook.close()


def sheet_names(path: str | Path) -> list[str]:
    """The names of a workbook's worksheets, in order (to let the person choose one)."""
    import openpyxl

    path = Path(path)
    _check_workbook(path)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
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
        A part of the workbook declares XML entities, or it would unpack to more than 2 GB.
    """
    path = Path(path)
    table = _table(iter_xlsx_rows(path, sheet=sheet, progress=progress), path=path)
    return ImportSource(name=path.name, format="xlsx", nodes=table)


def rows_from_records(records: Iterable[dict], *, noun: str, first_columns: Iterable[str] = ()) -> Table:
    """A table from dictionaries (JSON objects, graph node attributes), numbered from 1.

    Columns are the union of the keys, ``first_columns`` first, then in order of appearance.

    Examples
    --------
    >>> t = rows_from_records([{"label": "A"}, {"label": "B", "type": "Unit"}], noun="element", first_columns=["id"])
    >>> t.columns, t.rows
    (('label', 'type'), [(1, ('A', None)), (2, ('B', 'Unit'))])
    """
    records = list(records)
    order: dict[str, None] = {}
    for name in first_columns:
        if any(name in r for r in records):
            order[name] = None
    for record in records:
        for key in record:
            order.setdefault(str(key), None)
    columns = tuple(order)
    rows = [(number, tuple(record.get(c) for c in columns)) for number, record in enumerate(records, start=1)]
    return Table(columns=columns, rows=rows, noun=noun)


__all__ = ["ImportSource", "Table", "cell_text", "iter_csv_rows", "iter_xlsx_rows", "read_csv", "read_xlsx",
           "rows_from_records", "sheet_names", "unique_columns"]
