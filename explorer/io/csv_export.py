"""CSV node and edge lists: the map for spreadsheets, Gephi's and Cytoscape's table import, and scripts.

A CSV file holds one table, so an export writes **two files** beside each
other, named from the path given: ``team.csv`` gives ``team-nodes.csv`` and
``team-edges.csv`` (a path that already ends in ``-nodes.csv`` or
``-edges.csv`` gives the same pair). :func:`csv_paths` says which.

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
>>> csv_paths("out/team.csv")
(PosixPath('out/team-nodes.csv'), PosixPath('out/team-edges.csv'))
>>> csv_paths("team-edges.csv")[0].name
'team-nodes.csv'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path

from ..core.atomic_file import atomic_write
from ..core.spreadsheet import neutralise
from .model import check_options, export_view

_NODE_COLUMNS = ("id", "label", "kind", "kind_label", "level", "level_name", "colour", "shape", "x", "y")
_EDGE_COLUMNS = ("id", "source", "target", "relation", "relation_label", "qualified", "colour", "line_style")


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


def _table(header: list[str], rows) -> bytes:
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
        document, title=title, heat=heat, layout=format_options.get("layout", "map"),
        positions=format_options.get("positions"), progress=report,
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
    atomic_write(nodes_path, _table(node_header, nodes), compress=False)
    atomic_write(edges_path, _table([*_EDGE_COLUMNS, *tie_attrs], edges), compress=False)
    report(steps, steps)


__all__ = ["csv_paths", "neutralise", "write_csv"]
