"""GEXF: the map for Gephi, and Gephi's graphs to import.

:func:`write_gexf` writes GEXF 1.2 with the node and edge attributes of
:mod:`explorer.io.graph_xml`, and also gives each edge its ``relation_label``
as its label, and each node ``viz:color`` (the kind's colour, or the heat colour
on the fixed 0–1 likelihood scale when scored), ``viz:position`` (y flipped,
since Gephi's y axis points up) and ``viz:size``. :func:`read_gexf` reads a
GEXF 1.1 or 1.2 file as rows to import, screened as :mod:`explorer.io.graph_xml` says.

Examples
--------
>>> import os, tempfile, networkx as nx
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.gexf"
>>> write_gexf(doc, out)
>>> source = read_gexf(out)
>>> source.format, source.suggested["identifier"], len(source.nodes.rows) == len(nx.read_gexf(out))
('gexf', 'id', True)
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

from ..core.atomic_file import atomic_write
from ..core.errors import FormatError
from ..core.presentation import heat_colour, heat_strength
from .graph_xml import EXPORT_STEPS, read_graph_file, root_name, source_from_graph, view_for_export, xml_safe
from .tables import ImportSource, Progress


def read_gexf(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a GEXF file (Gephi) for import: one row per node, one edge row per edge.

    Raises
    ------
    UnsafeInputError
        The XML declares a document type.
    FormatError
        The file is not GEXF, or networkx cannot read it.
    """
    import networkx as nx

    path = Path(path)
    data = read_graph_file(path, progress)
    root = root_name(data)
    if root != "gexf":
        raise FormatError(
            f"This is not a GEXF file: its root element is {root or 'unreadable'!r}, not 'gexf'.", path=path.name
        )
    version = "1.1draft" if b"gexf.net/1.1draft" in data[:2000] else "1.2draft"
    try:
        graph = nx.read_gexf(io.BytesIO(data), version=version)
    except (nx.NetworkXError, ValueError, KeyError, TypeError, SyntaxError, AttributeError) as err:
        raise FormatError(f"This GEXF file cannot be read: {err}", path=path.name) from None
    notes = []
    if not graph.is_directed():
        notes.append("The graph is undirected: each edge is imported in the direction it is written.")
    return source_from_graph(graph, name=path.name, format="gexf", notes=notes)


def _rgb(colour: str) -> dict:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}


def write_gexf(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map as GEXF 1.2 (networkx's writer), with colours, positions, kinds, levels and attributes.

    Parameters are those of :func:`explorer.io.graphml.write_graphml`. With ``heat``, scored nodes
    are coloured on the fixed 0–1 likelihood scale (the same likelihood, the same
    colour on every map) and sized by the likelihood, so Gephi
    shows the overlay as it opens; the kind's colour stays in ``colour``.

    Examples
    --------
    >>> import os, tempfile, networkx as nx
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> out = Path(tempfile.mkdtemp()) / "keystone.gexf"
    >>> write_gexf(doc, out)
    >>> G = nx.read_gexf(out)
    >>> node = next(iter(G.nodes(data=True)))[1]
    >>> sorted(node["viz"]) , node["kind_label"] != ""
    (['color', 'position', 'size'], True)
    """
    import networkx as nx

    view, report = view_for_export(document, title, heat, progress, format_options)
    G = xml_safe(view.graph())
    for node in view.nodes:
        strength = heat_strength(node.heat) if node.heat is not None else None
        colour = heat_colour(strength) if strength is not None else node.colour
        size = 10.0 + (20.0 * strength if strength is not None else 0.0)
        G.nodes[node.id]["viz"] = {
            "color": _rgb(colour),
            "position": {"x": node.x, "y": -node.y, "z": 0.0},
            "size": size,
        }
    for _, _, data in G.edges(data=True):
        data["label"] = data["relation_label"]  # GEXF edges have a label of their own, which Gephi shows
    report(5, EXPORT_STEPS)
    buffer = io.BytesIO()
    nx.write_gexf(G, buffer)
    atomic_write(Path(path), buffer.getvalue(), compress=False)
    report(EXPORT_STEPS, EXPORT_STEPS)


__all__ = ["read_gexf", "write_gexf"]
