"""CSV files: a table of rows to import, and the map written as node and edge lists.

**Import.** :func:`read_csv` reads a CSV (or TSV) file as one table, its first
non-blank row naming the columns. The delimiter (comma, semicolon, tab or bar)
and the encoding (UTF-8 with or without BOM, UTF-16 with BOM, else
Windows-1252) are detected. A file that is not what its name claims (an Excel
workbook renamed ``.csv``, binary data) is refused with a message saying what it
seems to be. Besides the limits of :mod:`explorer.io.tables`, a file over
:data:`MAX_CSV_BYTES` bytes is refused before it is read, a record over
:data:`MAX_RECORD_CHARS` characters or past :data:`MAX_BLANK_ROWS` blank rows as
soon as it is.

**Export.** A CSV file holds one table, so :func:`write_csv` writes **two
files** beside each other, named from the path given: ``team.csv`` gives
``team-nodes.csv`` and ``team-edges.csv`` (a path that already ends in
``-nodes.csv`` or ``-edges.csv`` gives the same pair). :func:`csv_paths` says which.

* ``NAME-nodes.csv``: ``id`` (the IRI), ``label``, ``kind``, ``kind_label``,
  ``level`` (1 micro, 2 meso, 3 macro), ``level_name``, ``colour``, ``shape``,
  ``x``, ``y``, ``heat`` (the likelihood of resistance, only when given), then one column per
  attribute (see :mod:`explorer.io.model`).
* ``NAME-edges.csv``: ``id``, ``source``, ``target`` (node IRIs),
  ``relation``, ``relation_label``, ``qualified``, ``colour``,
  ``line_style``, then one column per tie attribute.

UTF-8 without a byte-order mark, comma-separated, every row ending CRLF (the
csv module's default, RFC 4180). Text that a spreadsheet would run as a formula
(starting ``=``, ``+``, ``-``, ``@``, tab or carriage return, and not a number)
is written with a leading apostrophe, the OWASP advice against CSV injection;
numbers are written as they are.

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
>>> csv_paths("out/team.csv")
(PosixPath('out/team-nodes.csv'), PosixPath('out/team-edges.csv'))
>>> csv_paths("team-edges.csv")[0].name
'team-nodes.csv'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..core.atomic_file import atomic_write
from ..core.errors import FormatError
from ..core.spreadsheet import neutralise
from .model import check_options, export_view
from .tables import MAX_CELL_CHARS, MAX_ROWS, OLE_MAGIC, ZIP_MAGIC, ImportSource, Progress, table_from_rows

#: Blank rows a CSV file may hold besides its rows: they take no memory but take time (100 MB of line breaks
#: took 31 s to read). A workbook needs no such limit: it has at most 1,048,576 rows, and the blank ones a cell
#: formatted at the bottom of the sheet brings (openpyxl fills the gap) take 4 s at most.
MAX_BLANK_ROWS = 200_000
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
_DELIMITERS = ",;\t|"
_NODE_COLUMNS = ("id", "label", "kind", "kind_label", "level", "level_name", "colour", "shape", "x", "y")
_EDGE_COLUMNS = ("id", "source", "target", "relation", "relation_label", "qualified", "colour", "line_style")


# ------------------------------------------------------------------------- import


def _sniff_text(path: Path) -> tuple[str, str]:
    """The encoding and a sample of a text file, refusing binaries that claim to be CSV."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    name = path.name
    if head.startswith(ZIP_MAGIC):
        raise FormatError(
            "This is not a CSV file: it is a ZIP archive, probably an Excel workbook (.xlsx). "
            "Rename it to .xlsx, or save it from your spreadsheet as CSV.",
            path=name,
        )
    if head.startswith(OLE_MAGIC):
        raise FormatError(
            "This is not a CSV file: it is an old Excel 97-2003 workbook (.xls). "
            "Save it from your spreadsheet as .xlsx or CSV.",
            path=name,
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in head:
        raise FormatError(
            "This is not a CSV file: it holds binary data (NUL bytes). Export the table as CSV text.", path=name
        )
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
            raise FormatError(
                f"row {record.number + 1:,} is longer than {MAX_RECORD_CHARS:,} characters, the most a row may "
                f"hold (a cell holds at most {MAX_CELL_CHARS:,}). Check the quotes in that row.",
                path=name,
            )
        if total > MAX_CSV_BYTES:
            raise FormatError(
                f"after row {record.number:,}: the file is longer than {MAX_CSV_BYTES:,} characters; CSV files "
                f"over {MAX_CSV_BYTES:,} bytes are refused. Split the file.",
                path=name,
            )
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
        raise FormatError(
            f"The file is {total:,} bytes; CSV files over {MAX_CSV_BYTES:,} bytes are refused (the most rows "
            f"one import takes, {MAX_ROWS:,}, fit in far less). Split the file.",
            path=path.name,
        )
    encoding, sample = _sniff_text(path)
    dialect = _dialect(sample)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        with open(path, encoding=encoding, newline="") as handle:
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
                raise FormatError(
                    f"after row {number}: the file is not valid {encoding} text ({err.reason}). Save it as UTF-8 CSV.",
                    path=path.name,
                ) from None
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
    table = table_from_rows(iter_csv_rows(path, progress=progress), name=path.name, most_blank=MAX_BLANK_ROWS)
    return ImportSource(name=path.name, format="csv", nodes=table)


# ------------------------------------------------------------------------- export


def csv_paths(path: str | Path) -> tuple[Path, Path]:
    """The node and edge list files an export to ``path`` writes."""
    path = Path(path)
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".csv" else path.name
    for ending in ("-nodes", "-edges"):
        if stem.endswith(ending):
            stem = stem[: -len(ending)]
            break
    return path.with_name(f"{stem}-nodes.csv"), path.with_name(f"{stem}-edges.csv")


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def _csv_bytes(header: list[str], rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    # Column names come from property IRIs, whose last part can start with "=" too.
    writer.writerow([neutralise(name) for name in header])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_csv(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map as a node list and an edge list, ``NAME-nodes.csv`` and ``NAME-edges.csv``.

    Parameters
    ----------
    document : MapDocument
        The map.
    path : Path
        Names the pair of files (see :func:`csv_paths`); this exact file is not written
        unless it is one of the pair.
    title : str, optional
        Not used: a CSV file has no place for a title (accepted like every export's).
    heat : mapping, optional
        Node IRI -> the analysis's likelihood of resistance (0–1), as a ``heat`` column.
    progress : callable, optional
        ``progress(done, total)`` between steps; may raise to cancel.
    **format_options
        ``layout`` and ``positions``, as for :func:`explorer.io.model.export_view`.

    Examples
    --------
    >>> import csv, os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> out = Path(tempfile.mkdtemp()) / "keystone.csv"
    >>> write_csv(doc, out)
    >>> nodes_file, edges_file = csv_paths(out)
    >>> with open(nodes_file, encoding="utf-8", newline="") as f:
    ...     rows = list(csv.DictReader(f))
    >>> rows[0]["level_name"], "readiness" in rows[0]
    ('macro', True)
    """
    check_options(format_options)
    steps = 6

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(done, steps)

    view = export_view(
        document,
        title=title,
        heat=heat,
        layout=format_options.get("layout", "map"),
        positions=format_options.get("positions"),
        progress=report,
    )
    node_attrs = list(view.node_attribute_types)
    tie_attrs = list(view.tie_attribute_types)
    node_header = [*_NODE_COLUMNS, *(["heat"] if view.has_heat else []), *node_attrs]
    nodes = []
    for n in view.nodes:
        row = [n.id, n.label, n.kind, n.kind_label, n.level, n.level_name, n.colour, n.shape, n.x, n.y]
        if view.has_heat:
            row.append("" if n.heat is None else n.heat)
        row.extend(n.attributes.get(name, "") for name in node_attrs)
        nodes.append([_cell(v) for v in row])
    edges = []
    for t in view.ties:
        row = [t.id, t.source, t.target, t.relation, t.relation_label, t.qualified, t.colour, t.line_style]
        row.extend(t.attributes.get(name, "") for name in tie_attrs)
        edges.append([_cell(v) for v in row])
    report(5, steps)
    nodes_path, edges_path = csv_paths(path)
    atomic_write(nodes_path, _csv_bytes(node_header, nodes), compress=False)
    atomic_write(edges_path, _csv_bytes([*_EDGE_COLUMNS, *tie_attrs], edges), compress=False)
    report(steps, steps)


__all__ = ["MAX_BLANK_ROWS", "MAX_CSV_BYTES", "MAX_RECORD_CHARS", "csv_paths", "iter_csv_rows", "read_csv", "write_csv"]
