"""GraphML: the map for Cytoscape, yEd and networkx, and graphs from them to import.

:func:`write_graphml` writes the map with the node and edge attributes of
:mod:`explorer.io.graph_xml`; ``x``/``y`` are data in scene units (y grows
downwards). :func:`read_graphml` reads any GraphML file (this app's own exports
included) as rows to import, screened as :mod:`explorer.io.graph_xml` says.

Examples
--------
>>> import os, tempfile, networkx as nx
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.graphml"
>>> write_graphml(doc, out)
>>> G = nx.read_graphml(out, force_multigraph=True)
>>> sorted({d["level_name"] for _, d in G.nodes(data=True)})
['macro', 'meso', 'micro']
>>> path = Path(tempfile.mkdtemp()) / "team.graphml"
>>> _ = path.write_text('''<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
...   <key id="l" for="node" attr.name="label" attr.type="string"/>
...   <graph edgedefault="directed">
...     <node id="a"><data key="l">Ana</data></node><node id="b"><data key="l">ICU</data></node>
...     <edge source="a" target="b"/>
...   </graph></graphml>''', encoding="utf-8")
>>> source = read_graphml(path)
>>> source.nodes.columns, source.nodes.rows[0], source.edges.rows
(('id', 'label'), (1, ('a', 'Ana')), [(1, ('a', 'b'))])
>>> source.suggested["name"]
'label'
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import __version__
from ..core.atomic_file import atomic_write
from ..core.errors import FormatError
from .graph_xml import EXPORT_STEPS, read_graph_file, root_name, source_from_graph, view_for_export, xml_safe
from .tables import ImportSource, Progress


def read_graphml(path: str | Path, *, progress: Progress | None = None) -> ImportSource:
    """Read a GraphML file for import: one row per node, one edge row per edge.

    Raises
    ------
    UnsafeInputError
        The XML declares a document type.
    FormatError
        The file is not GraphML, or networkx cannot read it (the reason is given).
    """
    import networkx as nx

    path = Path(path)
    data = read_graph_file(path, progress)
    root = root_name(data)
    if root != "graphml":
        raise FormatError(
            f"This is not a GraphML file: its root element is {root or 'unreadable'!r}, not 'graphml'.", path=path.name
        )
    try:
        graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    except (nx.NetworkXError, ValueError, KeyError, TypeError, SyntaxError) as err:
        raise FormatError(f"This GraphML file cannot be read: {err}", path=path.name) from None
    notes = []
    if not graph.is_directed():
        notes.append("The graph is undirected: each edge is imported in the direction it is written.")
    return source_from_graph(graph, name=path.name, format="graphml", notes=notes)


def write_graphml(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map as GraphML (networkx's writer), with kinds, levels, positions and attributes.

    Parameters
    ----------
    document : MapDocument
        The map.
    path : Path
        The file to write.
    title : str, optional
        Stored as the graph's ``title``; the map's title by default.
    heat : mapping, optional
        Node IRI -> the analysis's likelihood of resistance (0–1), stored as each scored node's ``heat``.
    progress : callable, optional
        ``progress(done, total)`` between steps; may raise to cancel.
    **format_options
        ``layout`` (a key of :data:`explorer.io.model.EXPORT_LAYOUTS`, default
        ``"map"``) and ``positions`` (node IRI -> ``(x, y)``, winning over the layout).

    Examples
    --------
    >>> import os, tempfile, networkx as nx
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.commands import add_node
    >>> from explorer.core.namespaces import RX
    >>> doc = MapDocument.new()
    >>> ward = doc.mint_iri(RX.Unit, "Ward")
    >>> doc.execute(add_node(doc.store, ward, RX.Unit, "Ward <7>"))
    >>> out = Path(tempfile.mkdtemp()) / "ward.graphml"
    >>> write_graphml(doc, out, heat={ward: 0.25})
    >>> G = nx.read_graphml(out)
    >>> G.nodes[str(ward)]["label"], G.nodes[str(ward)]["level"], G.nodes[str(ward)]["heat"]
    ('Ward <7>', 2, 0.25)
    >>> doc.close()
    """
    import networkx as nx

    view, report = view_for_export(document, title, heat, progress, format_options)
    G = xml_safe(view.graph())
    G.graph["generator"] = f"Routine Explorer {__version__}"
    report(5, EXPORT_STEPS)
    buffer = io.BytesIO()
    nx.write_graphml(G, buffer, named_key_ids=True, edge_id_from_attribute="id")
    atomic_write(Path(path), buffer.getvalue(), compress=False)
    report(EXPORT_STEPS, EXPORT_STEPS)


__all__ = ["read_graphml", "write_graphml"]
