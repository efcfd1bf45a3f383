"""Where nodes go when the map does not say: the hierarchy the layouts follow, and first positions.

One home for these facts, read by the app's canvas, its SPARQL graph view and the exports alike. The
layouts themselves (:mod:`explorer.layout.layouts`) pull in networkx and scipy, so they are imported only
when a layout is computed: this module is cheap to import at start-up.

Examples
--------
>>> HIERARCHY["http://www.w3.org/ns/org#memberOf"]
True
"""

from __future__ import annotations

from operator import attrgetter

#: Predicates that make the hierarchical layout's tree, as (predicate IRI, child is the subject).
HIERARCHY: dict[str, bool] = {
    "http://www.w3.org/ns/org#reportsTo": True,
    "http://www.w3.org/ns/org#memberOf": True,
    "http://www.w3.org/ns/org#unitOf": True,
    "http://www.w3.org/ns/org#subOrganizationOf": True,
    "http://www.w3.org/ns/org#hasUnit": False,
    "http://www.w3.org/ns/org#headOf": True,
}


def layout_edge(source: str, relation: str | None, target: str):
    """The :class:`~explorer.layout.layouts.LayoutEdge` for a tie ``source relation target``: a tie of
    :data:`HIERARCHY` points from child to parent; any other (``relation`` None: a qualified tie) is not hierarchical.

    Examples
    --------
    >>> layout_edge("urn:x:trust", "http://www.w3.org/ns/org#hasUnit", "urn:x:icu")
    LayoutEdge(source='urn:x:icu', target='urn:x:trust', hierarchical=True)
    >>> layout_edge("urn:x:ann", "urn:x:advises", "urn:x:ben").hierarchical
    False
    """
    from explorer.layout.layouts import LayoutEdge

    return _edge(LayoutEdge, source, relation, target)


def hierarchy_way(relation: str | None) -> tuple[bool, bool]:
    """``(reversed, hierarchical)`` for a tie of ``relation`` (None: a qualified tie): whether the layouts
    take it from target to source, and whether it makes the hierarchy (see :data:`HIERARCHY`).

    Examples
    --------
    >>> hierarchy_way("http://www.w3.org/ns/org#hasUnit"), hierarchy_way("urn:x:advises"), hierarchy_way(None)
    ((True, True), (False, False), (False, False))
    """
    child_is_subject = HIERARCHY.get(relation) if relation is not None else None
    return child_is_subject is False, child_is_subject is not None


def _edge(make, source: str, relation: str | None, target: str):
    flipped, hierarchical = hierarchy_way(relation)
    return make(target, source, True) if flipped else make(source, target, hierarchical)


def layout_input(projection) -> tuple[list, list]:
    """Nodes and edges for :func:`explorer.layout.layouts.compute_layout`, hierarchy edges pointing child to parent.

    ``projection`` is a :class:`~explorer.core.projection.Projection`.
    """
    # Imported once here, not per edge: a function-level import costs ~10 us under PySide's import hook,
    # seconds over a 100k-node map's ties.
    from explorer.layout.layouts import LayoutEdge, LayoutNode

    nodes = [LayoutNode(str(iri), view.level, str(view.kind)) for iri, view in projection.nodes.items()]
    edges = [
        _edge(LayoutEdge, str(tie.source), str(tie.relation) if tie.tie is None else None, str(tie.target))
        for tie in projection.ties.values()
    ]
    return nodes, edges


def layout_graph_of(projection, *, columns=None):
    """What :func:`explorer.layout.layouts.compute_layout` takes as ``graph``: the nodes and edges of
    :func:`layout_input`, as columns (1.6 s at 100k nodes as records and back, 0.7 s so).

    ``projection`` is a :class:`~explorer.core.projection.Projection`; ``columns``, its ties as
    :func:`~explorer.layout.columns.tie_columns` reads them, if the caller has read them already.
    """
    import numpy as np

    from explorer.layout.columns import tie_columns
    from explorer.layout.layouts import layout_graph

    nodes = projection.nodes
    ties = tie_columns(nodes, projection.ties) if columns is None else columns
    # Each way's (reversed, hierarchical), then each tie's.
    ways = [hierarchy_way(str(relation) if plain else None) for relation, plain in ties.ways]
    flags = np.array(ways, dtype=bool).reshape(-1, 2)[ties.way]
    flipped, hierarchical = flags[:, 0], flags[:, 1]
    views = nodes.values()
    return layout_graph(
        list(map(str, ties.nodes)),
        list(map(attrgetter("level"), views)),
        list(map(str, map(attrgetter("kind"), views))),
        np.where(flipped, ties.target, ties.source),
        np.where(flipped, ties.source, ties.target),
        hierarchical,
    )


def initial_positions(projection, *, cancelled=None, columns=None) -> dict:
    """Where to draw nodes that have no stored position: a by-level layout of the whole map, computed once.

    Returns ``{node IRI: (x, y)}`` for the unplaced nodes only; ``cancelled()`` may stop the layout.
    ``columns``: the projection's ties as :func:`~explorer.layout.columns.tie_columns` reads them, if read already.
    """
    unplaced = [iri for iri, view in projection.nodes.items() if view.x is None]
    if not unplaced:
        return {}
    from explorer.layout.layouts import compute_layout

    laid = compute_layout("levels", graph=layout_graph_of(projection, columns=columns), seed=0, cancelled=cancelled)
    by_key = {str(iri): iri for iri in unplaced}
    return {by_key[key]: xy for key, xy in laid.items() if key in by_key}
