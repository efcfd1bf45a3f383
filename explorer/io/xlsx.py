"""Excel workbooks (``.xlsx``, ``.xlsm``): one sheet as a table of rows to import.

A file that is not what its name claims (an old ``.xls``, an OpenDocument
spreadsheet, an HTML page or CSV text saved as ``.xlsx``) is refused with a
message saying what it seems to be. Before openpyxl sees the workbook, every
part of it is screened for entity declarations (by expat, as openpyxl will read
it) and for unpacking to more than :data:`MAX_UNPACK_RATIO` times its packed
size or :data:`MAX_UNPACKED_BYTES` in all. Cells are returned as Python
values, never evaluated: a formula comes back as its cached value, or empty.
The limits on rows, columns and cells are those of :mod:`explorer.io.tables`.

Examples
--------
>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "roster.xlsx"
>>> book = openpyxl.Workbook(); sheet = book.active; sheet.title = "Staff"
>>> for row in (["Name", "Team"], ["Ana", "ICU"], ["Ben", "=1+1"]): sheet.append(row)
>>> book.save(path)
>>> sheet_names(path)
['Staff']
>>> read_xlsx(path).nodes.rows
[(2, ('Ana', 'ICU')), (3, ('Ben', None))]
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import FormatError, UnsafeInputError
from .tables import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    OLE_MAGIC,
    ZIP_MAGIC,
    ImportSource,
    Progress,
    declares_doctype,
    table_from_rows,
)

#: A workbook whose parts would unpack to more than this is refused (a "zip bomb"). It also bounds the time
#: openpyxl takes to parse the sheet, cells with no value included: a sheet at
#: :data:`~explorer.io.tables.MAX_CELLS` is about 100 MB.
MAX_UNPACKED_BYTES = 500_000_000
#: A part that unpacks to more than this many times its packed size is refused, once it is past
#: :data:`_RATIO_GRACE` bytes: Apache POI's defaults for the same check (``ZipSecureFile``).
MAX_UNPACK_RATIO = 100
_RATIO_GRACE = 100 * 1024
# What openpyxl raises on a damaged workbook: XML errors (ElementTree's and lxml's are SyntaxErrors),
# bad values and missing parts.
_DAMAGED = (SyntaxError, ValueError, KeyError, TypeError, IndexError, AttributeError, zipfile.BadZipFile, EOFError)


def _check_workbook(path: Path) -> None:
    """Refuse anything that is not a safe .xlsx package before openpyxl opens it."""
    name = path.name
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise FormatError(
            "This is an old Excel 97-2003 workbook (.xls), which cannot be read. "
            "Save it from your spreadsheet as .xlsx or CSV.",
            path=name,
        )
    if not head.startswith(ZIP_MAGIC):
        seems = (
            "text (perhaps CSV: rename it to .csv)"
            if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head)
            else "something else"
        )
        raise FormatError(f"This is not an Excel workbook (.xlsx): it is {seems}.", path=name)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as err:
        raise FormatError(f"This Excel workbook is damaged: {err}.", path=name) from None
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            kind = "an OpenDocument spreadsheet (.ods)" if "mimetype" in names else "a ZIP archive"
            raise FormatError(
                f"This is not an Excel workbook (.xlsx): it is {kind}. Save it as .xlsx or CSV.", path=name
            )
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise UnsafeInputError(
                f"This workbook would unpack to more than {MAX_UNPACKED_BYTES:,} bytes; it is refused.", path=name
            )
        for info in archive.infolist():
            # zipfile stops at the declared size (and checks the CRC), so declared sizes can be trusted.
            if info.file_size > _RATIO_GRACE and info.file_size > MAX_UNPACK_RATIO * max(info.compress_size, 1):
                raise UnsafeInputError(
                    f"The workbook part {info.filename} would unpack to {info.file_size:,} bytes, more than "
                    f"{MAX_UNPACK_RATIO} times its packed size: it looks like a zip bomb and is refused.",
                    path=name,
                )
        for info in archive.infolist():
            # Every part, whatever its name: openpyxl reads a part wherever the workbook's relations point.
            with archive.open(info) as part:
                chunks = iter(lambda: part.read(64 * 1024), b"")
                if declares_doctype(chunks):
                    raise UnsafeInputError(
                        f"The workbook part {info.filename} declares XML entities (a DOCTYPE); "
                        "such files can exhaust memory and are refused.",
                        path=name,
                    )


def iter_xlsx_rows(
    path: str | Path, *, sheet: str | None = None, progress: Progress | None = None
) -> Iterator[tuple[int, tuple]]:
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
            raise FormatError(
                f"The workbook has no sheet called {sheet!r}; it has {', '.join(map(repr, workbook.sheetnames))}.",
                path=path.name,
            )
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
                raise FormatError(
                    f"after row {number}: this Excel workbook is damaged ({type(err).__name__}: {err}). "
                    "Open it in a spreadsheet and save it again.",
                    path=path.name,
                ) from None
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
                            reason = f"a cell holds {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}."
                            raise FormatError(f"row {number}: {reason}", path=path.name)
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
    table = table_from_rows(
        iter_xlsx_rows(path, sheet=sheet, progress=progress), name=path.name, widest=MAX_COLUMNS + 1
    )
    return ImportSource(name=path.name, format="xlsx", nodes=table)


__all__ = ["MAX_UNPACKED_BYTES", "MAX_UNPACK_RATIO", "iter_xlsx_rows", "read_xlsx", "sheet_names"]
