"""GraphML and GEXF: the map for Gephi, Cytoscape, yEd and networkx.

Both are written by networkx's own writers from :meth:`ExportView.graph
<explorer.io.model.ExportView.graph>`, a multigraph keyed by node IRI:

* nodes carry ``label``, ``kind`` (class IRI), ``kind_label``, ``level`` (1
  micro, 2 meso, 3 macro), ``level_name``, ``colour``, ``shape``, ``x``, ``y``,
  ``heat`` (the analysis's likelihood of resistance, 0–1, when given) and every value the map holds on
  them (``readiness``, ``pillar`` ...), each attribute with one type;
* edges carry a unique ``id`` (the qualified tie's IRI, else ``"s|p|o"``),
  ``relation`` (predicate or tie class IRI), ``relation_label``, ``qualified``,
  ``colour``, ``line_style`` and the tie's values (``strength``,
  ``interdependenceType`` ...).

GraphML keeps ``x``/``y`` as data in scene units (y grows downwards). GEXF also
gives each edge its ``relation_label`` as its label, and each node
``viz:color`` (the kind's colour, or the heat colour on the fixed 0–1 likelihood scale when scored),
``viz:position`` (y flipped, since Gephi's y axis points up) and ``viz:size``.
Files are written atomically: a failed export leaves any old file as it was.

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
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import __version__
from ..core.atomic_file import atomic_write
from .model import check_options, export_view, heat_colour, heat_strength

_STEPS = 6
# What XML 1.0 cannot hold, not even as a character reference; an RDF literal can.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(G):
    """``G`` with every text value XML can hold: other characters become U+FFFD (else no reader opens the file)."""
    def clean(data: dict) -> None:
        for key, value in data.items():
            if isinstance(value, str) and _NOT_XML.search(value):
                data[key] = _NOT_XML.sub("\ufffd", value)

    clean(G.graph)
    for _, data in G.nodes(data=True):
        clean(data)
    for _, _, data in G.edges(data=True):
        clean(data)
    return G


def _view(document, title, heat, progress, options):
    check_options(options)
    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(done, _STEPS)

    view = export_view(
        document, title=title, heat=heat, layout=options.get("layout", "map"),
        positions=options.get("positions"), progress=report,
    )
    return view, report


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

    view, report = _view(document, title, heat, progress, format_options)
    G = _xml_safe(view.graph())
    G.graph["generator"] = f"Routine Explorer {__version__}"
    report(5, _STEPS)
    buffer = io.BytesIO()
    nx.write_graphml(G, buffer, named_key_ids=True, edge_id_from_attribute="id")
    atomic_write(Path(path), buffer.getvalue(), compress=False)
    report(_STEPS, _STEPS)


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

    Parameters are those of :func:`write_graphml`. With ``heat``, scored nodes
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

    view, report = _view(document, title, heat, progress, format_options)
    G = _xml_safe(view.graph())
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
    report(5, _STEPS)
    buffer = io.BytesIO()
    nx.write_gexf(G, buffer)
    atomic_write(Path(path), buffer.getvalue(), compress=False)
    report(_STEPS, _STEPS)


__all__ = ["write_gexf", "write_graphml"]
