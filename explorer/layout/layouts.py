"""Node positions for the canvas: by level, force-directed, hierarchical or circular, each level in its own band.

Pure functions with no Qt: the canvas passes plain node and edge records and gets back
a centre ``(x, y)`` per node key, in scene units with y growing downwards (as in Qt).
The drawing itself comes from networkx's ``spring_layout`` (small maps), from scipy graph
routines (connected and strongly connected components, reverse Cuthill-McKee,
depth-first order, isotonic regression) and, for "force", from the mesh-based force
layout of :mod:`explorer.layout.force`; this module decides which to use for the
size of the map and turns their output into tidy rows and rings of
``NODE_WIDTH`` x ``NODE_HEIGHT`` slots. :func:`force_steps` streams the force
layout frame by frame, for a canvas that animates it.

Examples
--------
>>> nodes = [LayoutNode("ex:unit", 2), LayoutNode("ex:ann", 1), LayoutNode("ex:law", 3)]
>>> edges = [LayoutEdge("ex:ann", "ex:unit", hierarchical=True)]
>>> pos = compute_layout("levels", nodes, edges)
>>> pos["ex:law"][1] < pos["ex:unit"][1] < pos["ex:ann"][1]   # macro above meso above micro
True
>>> list(LAYOUTS)
['levels', 'force', 'hierarchical', 'circular']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from explorer.core.errors import OperationCancelled
from explorer.layout import LAYOUTS
from explorer.layout.bands import BAND_MIN_HEIGHT, TOP_DOWN, Band, level_of
from explorer.layout.columns import column, looked_up
from explorer.layout.force import SPREAD, ForceRun, snap_to_slots

if TYPE_CHECKING:
    import networkx as nx  # imported where a small map's spring layout needs it: a quarter of a second of a start

__all__ = [
    "LAYOUTS",
    "NODE_HEIGHT",
    "NODE_WIDTH",
    "Bands",
    "ForceFrame",
    "LayoutEdge",
    "LayoutNode",
    "bands_for",
    "compute_layout",
    "force_steps",
    "layout_graph",
]


# The slot one node takes: the canvas draws nodes NODE_W x NODE_H (core.presentation) with a level badge underneath,
# and leaves the rest for ties to run between rows and columns.
NODE_WIDTH = 175.0
NODE_HEIGHT = 95.0

_MIN_WIDTH = 1200.0
# Width over height of a whole map; close to common screens, so "fit to view" fills them.
_ASPECT = 1.6

#: The least share of a map's rows a level with nodes gets (when it has that many nodes, one a row). Rows for its
#: nodes alone left 185 external bodies beside 80k people one row of a map 370 rows tall: a red strip a pixel high
#: in the overview, its band's name hidden under the next.
LEAST_LEVEL_SHARE = 0.1

# Barycentre sweeps that smooth the Cuthill-McKee order (see _ordering). On synthetic
# organisations mean edge length falls by about 20% up to 30 sweeps, then rises again.
_SMOOTHING_SWEEPS = 30

# spring_layout costs O(n^2) per iteration in every networkx variant: on a slow
# two-core machine a 400-node component takes ~0.5 s and a 2000-node one ~14 s (see
# _spring_ms). Timing calls would make the picture depend on the machine's load, so
# each layout instead spends a fixed budget of *estimated* milliseconds on the
# largest components that fit.
_LEVELS_SPRING_BUDGET_MS = 400.0
# Between centres of the last row of one level and the first of the next: an empty slot
# row, so the band boundary the canvas draws between them is clear of both.
_LEVEL_GAP = 2 * NODE_HEIGHT


class LayoutNode(NamedTuple):
    """One node to place (a named tuple: a 100k-node map makes 470k nodes and edges, ~3x faster than a
    frozen dataclass).

    Parameters
    ----------
    key : str
        Node id (an IRI string); the keys of :func:`compute_layout`'s result.
    level : int
        3 = macro, 2 = meso, 1 = micro (``rx:order`` of the level concept); anything
        else (0 = unknown) is treated as meso.
    kind : str, optional
        Class IRI; nodes of the same kind are grouped together where nothing better
        decides their order.
    """

    key: str
    level: int
    kind: str = ""


class LayoutEdge(NamedTuple):
    """One edge; only its endpoints, and whether it is hierarchical, matter here.

    Parameters
    ----------
    source, target : str
        Node keys. Self-loops and edges to keys that are not among the nodes are ignored.
    hierarchical : bool, optional
        True for reporting lines and unit membership, pointing from the subordinate to
        its superior: ``source`` reports to, is a member of, or is a unit of ``target``
        (so ``parent org:hasUnit child`` is passed as ``LayoutEdge(child, parent, True)``).
    """

    source: str
    target: str
    hierarchical: bool = False


@dataclass(frozen=True)
class Bands:
    """Where the by-level layout puts each level's rows, in scene coordinates.

    Macro is at the top, meso in the middle, micro at the bottom. These are not the bands the canvas
    draws, which follow the nodes where they are (:func:`explorer.layout.bands.bands_for_positions`).

    The bands are stacked without gaps from ``y = 0`` and span ``x`` from 0 to ``width``.

    Attributes
    ----------
    top : dict[int, float]
        Level -> y of the band's top edge.
    height : dict[int, float]
        Level -> band height.
    width : float
        Width of every band.
    rows : dict[int, int]
        Level -> rows its nodes fill (see :func:`least_share`).

    Examples
    --------
    >>> bands = bands_for({3: 2, 2: 10, 1: 40})
    >>> bands.top[3] < bands.top[2] < bands.top[1]
    True
    """

    top: dict[int, float]
    height: dict[int, float]
    width: float
    rows: dict[int, int] = field(default_factory=dict)

    def as_bands(self) -> list[Band]:
        """The rows as :class:`~explorer.layout.bands.Band` s, top to bottom: ``band_at`` says which holds a y.

        Examples
        --------
        >>> from explorer.layout.bands import band_at
        >>> rows = bands_for({}).as_bands()
        >>> [band.level for band in rows], band_at(rows, -500.0), band_at(rows, 230.0), band_at(rows, 1e9)
        ([3, 2, 1], 3, 2, 1)
        """
        return [Band(level, self.top[level], self.top[level] + self.height[level]) for level in TOP_DOWN]


def _columns(width: float) -> int:
    # Half a slot of margin on each side leaves room for the band's border.
    return max(1, int(width // NODE_WIDTH) - 1)


def _default_width(total: int) -> float:
    # total slots stacked in rows fill a rectangle _ASPECT times wider than tall.
    raw = math.sqrt(_ASPECT * max(total, 0) * NODE_WIDTH * NODE_HEIGHT)
    return max(_MIN_WIDTH, (math.ceil(raw / NODE_WIDTH) + 1) * NODE_WIDTH)


def least_share(rows: dict[int, int], counts: dict[int, int]) -> dict[int, int]:
    """``rows`` per level, a level with nodes raised to :data:`LEAST_LEVEL_SHARE` of all the rows, if it has as many
    nodes (a level never gets more rows than nodes: one node a row at most).

    Examples
    --------
    >>> least_share({3: 1, 2: 70, 1: 300}, {3: 185, 2: 19_000, 1: 80_000})  # 10 % of 371 rows
    {3: 38, 2: 70, 1: 300}
    >>> least_share({3: 1, 2: 1, 1: 5}, {3: 2, 2: 0, 1: 40})
    {3: 1, 2: 1, 1: 5}
    """
    least = math.ceil(LEAST_LEVEL_SHARE * sum(rows.values()))
    return {level: max(r, min(counts.get(level, 0), least)) for level, r in rows.items()}


def bands_for(counts: dict[int, int], *, width: float | None = None) -> Bands:
    """Band geometry sized to hold ``counts[level]`` nodes per level in rows.

    Parameters
    ----------
    counts : dict[int, int]
        Number of nodes per level; levels other than 1, 2 and 3 count as meso, as in
        :func:`compute_layout`.
    width : float, optional
        Width of the bands. By default it grows with the square root of the total so
        that a full map is roughly 16:10, and is at least 1200.

    Returns
    -------
    Bands
        Each band is at least 220 high and tall enough for its rows of
        ``NODE_HEIGHT`` plus half a row of padding above and below. A level's nodes
        take as few rows as the width allows, but a level with few nodes beside many
        gets a share of the rows all the same (:func:`least_share`).
        ``compute_layout("levels", ...)`` places its rows in exactly ``bands_for`` of
        the number of nodes per level (and the default width). These are rows to lay
        nodes out in, not the bands the canvas draws: those follow the nodes where
        they are (:func:`explorer.layout.bands.bands_for_positions`).

    Examples
    --------
    >>> bands = bands_for({3: 1, 2: 3, 0: 2, 1: 5000})
    >>> bands.width >= 1200 and bands.height[1] > bands.height[2] > bands.height[3] == 220.0
    True
    >>> bands.rows  # meso's 5 nodes a row each (10 % of 78 rows would be 8), macro's one node its row
    {3: 1, 2: 5, 1: 76}
    """
    per_level = dict.fromkeys(TOP_DOWN, 0)
    for level, count in counts.items():
        per_level[level_of(level)] += max(int(count), 0)
    if width is None:
        width = _default_width(sum(per_level.values()))
    columns = _columns(width)
    rows = least_share({level: -(-per_level[level] // columns) for level in TOP_DOWN}, per_level)
    top: dict[int, float] = {}
    height: dict[int, float] = {}
    y = 0.0
    for level in TOP_DOWN:
        top[level] = y
        height[level] = max(BAND_MIN_HEIGHT, (rows[level] + 1) * NODE_HEIGHT)
        y += height[level]
    return Bands(top=top, height=height, width=float(width), rows=rows)


# ---------------------------------------------------------------------------
# Input


class _Graph:
    """Nodes sorted by key, edges as index arrays (self-loops and stray edges dropped).

    Everything downstream works on these arrays or on the CSR adjacency, whose
    indices are sorted, so the result does not depend on the order of the input.
    """

    def __init__(self, nodes: Sequence[LayoutNode], edges: Sequence[LayoutEdge]) -> None:
        by_key = {node.key: node for node in nodes}
        keys = sorted(by_key)
        index = {key: i for i, key in enumerate(keys)}
        # Column by column through map() and dict.get, in C: a loop over 369k edges took a second.
        edges = list(edges)
        count = len(edges)
        self._fill(
            keys,
            [by_key[k].level for k in keys],
            [by_key[k].kind or "" for k in keys],
            looked_up(map(attrgetter("source"), edges), index, count),
            looked_up(map(attrgetter("target"), edges), index, count),
            column(map(bool, map(attrgetter("hierarchical"), edges)), bool, count),
        )

    @classmethod
    def from_columns(
        cls, keys: list, levels: list, kinds: list, src: np.ndarray, dst: np.ndarray, hier: np.ndarray
    ) -> _Graph:
        """The graph of nodes given as columns (``keys`` distinct, in any order) and edges as numbers of them
        (-1 for an end that is not a node), without making a record per node and edge."""
        n = len(keys)
        order = sorted(range(n), key=keys.__getitem__)
        rank = np.empty(n + 1, dtype=np.int64)
        rank[np.array(order, dtype=np.int64)] = np.arange(n)
        rank[n] = -1  # where an edge's end is -1
        graph = cls.__new__(cls)
        graph._fill(
            [keys[i] for i in order],
            [levels[i] for i in order],
            [kinds[i] or "" for i in order],
            rank[np.where(src >= 0, src, n)],
            rank[np.where(dst >= 0, dst, n)],
            np.asarray(hier, dtype=bool),
        )
        return graph

    def _fill(self, keys: list, levels: list, kinds: list, src: np.ndarray, dst: np.ndarray, hier: np.ndarray) -> None:
        """Set the columns from nodes sorted by key and edges as numbers of them."""
        self.keys = keys
        self.n = n = len(keys)
        self.level = np.fromiter(map(level_of, levels), dtype=np.int64, count=n)
        # Kinds as ranks, so numpy can sort by them.
        kind_rank = {kind: r for r, kind in enumerate(sorted(set(kinds)))}
        self.kind = np.fromiter(map(kind_rank.__getitem__, kinds), dtype=np.int64, count=n)
        kept = (src >= 0) & (dst >= 0) & (src != dst)
        self.src, self.dst, self.hier = src[kept], dst[kept], hier[kept]
        rows = np.concatenate([self.src, self.dst])
        cols = np.concatenate([self.dst, self.src])
        adjacency = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
        adjacency.sum_duplicates()
        adjacency.data[:] = 1.0
        self.adjacency = adjacency

    def subgraph(self, members: np.ndarray) -> nx.Graph:
        """networkx graph on ``members``, relabelled 0..k-1 in that order."""
        import networkx as nx

        sub = self.adjacency[members][:, members].tocoo()
        graph: nx.Graph = nx.Graph()
        graph.add_nodes_from(range(members.size))
        upper = sub.row < sub.col
        graph.add_edges_from(zip(sub.row[upper].tolist(), sub.col[upper].tolist()))
        return graph


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise OperationCancelled("Layout cancelled.")


# ---------------------------------------------------------------------------
# Shared pieces: components, spring layouts, a one-dimensional order


def _spring_ms(size: int, iterations: int = 50) -> float:
    """Estimated cost of spring_layout on ``size`` nodes (measured on a slow 2-core machine)."""
    if size >= 500:
        # networkx's sparse code loops over the nodes in Python.
        return 1.45e-4 * size * size * iterations
    return 3.0 + 6.4e-5 * size * size * iterations


def _spring(graph: _Graph, members: np.ndarray, seed: int) -> np.ndarray:
    """networkx spring layout of the subgraph on ``members`` (rows follow ``members``)."""
    import networkx as nx

    sub = graph.subgraph(members)
    # "force" is the classic Fruchterman-Reingold; "auto" would switch to the L-BFGS
    # energy method at 500 nodes, slower here for the same picture.
    placed = nx.spring_layout(sub, seed=seed, method="force")
    return np.array([placed[i] for i in range(members.size)], dtype=float)


def _components(graph: _Graph) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Components of two or more nodes, largest first, and the isolated nodes.

    Returns the component number of each node (-1 when isolated), each component's
    members (in key order), and the isolated nodes by kind, then key.
    """
    count, labels = csgraph.connected_components(graph.adjacency, directed=False)
    sizes = np.bincount(labels, minlength=count)
    first = np.full(count, graph.n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(graph.n))
    # Equal sizes go by smallest key, which does not depend on csgraph's numbering.
    order = np.lexsort((first, -sizes))
    order = order[sizes[order] > 1]
    number = np.full(count, -1, dtype=np.int64)
    number[order] = np.arange(order.size)
    comp = number[labels]
    by_comp = np.argsort(comp, kind="stable")
    bounds = np.cumsum(sizes[order])
    isolated_count = graph.n - (int(bounds[-1]) if bounds.size else 0)
    members = np.split(by_comp[isolated_count:], bounds[:-1]) if bounds.size else []
    isolated = by_comp[:isolated_count]
    isolated = isolated[np.lexsort((isolated, graph.kind[isolated]))]
    return comp, members, isolated


@dataclass
class _Ordering:
    """Where each node goes along one axis, so that connected nodes are close.

    Attributes
    ----------
    rank : ndarray
        Position of each node in the order, 0..n-1.
    place : ndarray
        Position across a width of 1: components side by side, each with a share of
        the width equal to its share of the nodes, nodes at their layout coordinate.
    depth : ndarray
        Second coordinate, ordering the nodes that share a grid column: the spring
        layout's y in 2-D parts, the rank in 1-D parts.
    group : ndarray
        Component number (isolated nodes share the last one).
    linear : ndarray of bool
        Nodes of 1-D parts, whose grid columns snake so neighbours in the order stay
        adjacent from one column to the next.
    """

    rank: np.ndarray
    place: np.ndarray
    depth: np.ndarray
    group: np.ndarray
    linear: np.ndarray


def _ordering(graph: _Graph, seed: int, spring_budget_ms: float, cancelled: Callable[[], bool] | None) -> _Ordering:
    """Order nodes so connected ones are close: component by component, largest first.

    Within a component the order is a spring layout's x when the budget allows (small
    maps). Otherwise it starts from reverse Cuthill-McKee, a breadth-first order found
    in linear time, smoothed by barycentre sweeps (each node moves halfway to the mean
    of its neighbours, as in Sugiyama-style layered drawing): breadth-first puts a
    unit a whole generation away from its members, the sweeps pull it to their
    middle. Only sparse products, so 100k nodes take a fraction of a second. A
    spectral order would be the exact form of the same idea, but ARPACK takes
    minutes to converge on tree-like graphs, which reporting lines are. Isolated
    nodes come last, grouped by kind.
    """
    n = graph.n
    comp, members, isolated = _components(graph)
    _check(cancelled)
    rcm = np.empty(n, dtype=np.int64)
    rcm[csgraph.reverse_cuthill_mckee(graph.adjacency, symmetric_mode=True)] = np.arange(n)
    degree = np.maximum(graph.adjacency.sum(axis=1), 1.0)
    x = rcm.astype(float)
    for _ in range(_SMOOTHING_SWEEPS):
        x = 0.5 * x + 0.5 * (graph.adjacency @ x) / degree
    _check(cancelled)
    y = np.zeros(n)
    linear = np.ones(n, dtype=bool)
    budget = spring_budget_ms
    for nodes in members:
        cost = _spring_ms(nodes.size)
        if nodes.size < 4 or cost > budget:
            continue
        budget -= cost
        coords = _spring(graph, nodes, seed)
        x[nodes], y[nodes] = coords[:, 0], coords[:, 1]
        linear[nodes] = False
        _check(cancelled)
    group = comp.copy()
    group[isolated] = len(members)
    order = np.lexsort((rcm, x, group))
    order[n - isolated.size :] = isolated
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    place = (rank + 0.5) / n
    start = 0
    for nodes in members:
        low, high = x[nodes].min(), x[nodes].max()
        share = nodes.size / n
        place[nodes] = start / n + (share * (x[nodes] - low) / (high - low) if high > low else share / 2)
        start += nodes.size
    y[linear] = rank[linear]
    linear[isolated] = True
    return _Ordering(rank=rank, place=place, depth=y, group=group, linear=linear)


# ---------------------------------------------------------------------------
# Grid placement ("levels", "hierarchical")


def _spread(target: np.ndarray, columns: int) -> np.ndarray:
    """Increasing integer columns in [0, columns), one apart at least, as close as possible to ``target``.

    ``target`` must be sorted and no longer than ``columns``. Isotonic regression of
    ``target - i`` gives the least-squares positions that keep the order and leave at
    least one column between neighbours; rounding and clipping keep both properties.
    """
    # Imported here: scipy.optimize alone adds 0.3 s to starting the app.
    from scipy.optimize import isotonic_regression

    count = target.size
    steps = np.arange(count, dtype=float)
    offset = isotonic_regression(target - steps).x
    offset = np.clip(np.floor(offset + 0.5), 0, columns - count)
    return (steps + offset).astype(np.int64)


def _grid(
    target: np.ndarray, depth: np.ndarray, group: np.ndarray, linear: np.ndarray, columns: int, rows: int = 0
) -> tuple[np.ndarray, np.ndarray, int]:
    """Column and row of each item on a grid at most ``columns`` wide, in as few rows as possible (at least ``rows``).

    Items are taken in ``target`` order and fill columns from the top; each column then
    goes as near as it can to the mean target of its items, so a short row does not
    bunch up on the left. Returns ``(column, row, rows)``.
    """
    count = target.size
    rows = min(count, max(rows, -(-count // columns)))
    order = np.lexsort((depth, target))
    chunk = np.arange(count) // rows
    chunks = int(chunk[-1]) + 1
    mean_target = np.bincount(chunk, weights=target[order], minlength=chunks) / np.bincount(chunk, minlength=chunks)
    place = _spread(np.maximum.accumulate(mean_target), columns)
    # In a column: by component, then by depth; 1-D parts run down one column and up the next.
    sign = np.where(linear[order] & (chunk % 2 == 1), -1.0, 1.0)
    within = np.lexsort((sign * depth[order], group[order], chunk))
    items = order[within]
    column = np.empty(count, dtype=np.int64)
    row = np.empty(count, dtype=np.int64)
    column[items] = place[chunk]
    row[items] = np.arange(count) - chunk * rows
    return column, row, rows


def _levels(graph: _Graph, seed: int, cancelled: Callable[[], bool] | None) -> np.ndarray:
    bands = bands_for({level: int(np.count_nonzero(graph.level == level)) for level in TOP_DOWN})
    columns = _columns(bands.width)
    left = (bands.width - columns * NODE_WIDTH) / 2
    ordering = _ordering(graph, seed, _LEVELS_SPRING_BUDGET_MS, cancelled)
    # Every band aims at the same place across the full width, so a unit in the meso
    # band sits above its people in the micro band although the bands differ in size.
    target = ordering.place * columns - 0.5
    pos = np.empty((graph.n, 2))
    for level in TOP_DOWN:
        idx = np.flatnonzero(graph.level == level)
        if idx.size == 0:
            continue
        column, row, rows = _grid(
            target[idx], ordering.depth[idx], ordering.group[idx], ordering.linear[idx], columns, bands.rows[level]
        )
        pad = (bands.height[level] - rows * NODE_HEIGHT) / 2
        pos[idx, 0] = left + (column + 0.5) * NODE_WIDTH
        pos[idx, 1] = bands.top[level] + pad + (row + 0.5) * NODE_HEIGHT
    return pos


# ---------------------------------------------------------------------------
# Force-directed


@dataclass(frozen=True)
class ForceFrame:
    """One picture of a force layout as it runs (:func:`force_steps`).

    Arrays rather than a dict: a frame of 100k nodes is one array copy, and the canvas can move its
    items by row number without hashing a key per node per frame.

    Attributes
    ----------
    keys : list of str
        Node keys, sorted; the same list object in every frame of a run.
    xy : ndarray of shape (len(keys), 2)
        Node centres in scene units (y grows downwards), row ``i`` for ``keys[i]``; the frame's own
        copy. Every node is inside its level's band in every frame; nodes may overlap until the last.
    done : float
        Share of the run done, 0 to 1 (1 in the last two frames).
    final : bool
        True for the last frame: overlaps removed, exactly what ``compute_layout("force", ...)`` returns.
    """

    keys: list[str]
    xy: np.ndarray
    done: float
    final: bool

    def positions(self) -> dict[str, tuple[float, float]]:
        """Node key -> ``(x, y)`` as plain floats, the form :func:`compute_layout` returns.

        Examples
        --------
        >>> frame = ForceFrame(["a"], np.array([[87.5, 47.5]]), 1.0, True)
        >>> frame.positions()
        {'a': (87.5, 47.5)}
        """
        return dict(zip(self.keys, map(tuple, self.xy.tolist())))


def _force_rows(graph: _Graph) -> tuple[int, np.ndarray, np.ndarray]:
    """Columns of the force layout's box, and each level's rows (macro first) and each node's box.

    A level gets rows for :data:`~explorer.layout.force.SPREAD` slots per node, and a level with few nodes
    beside many a share of the rows all the same (:func:`least_share`); an empty row lies between one level's
    rows and the next, as in every layout.
    """
    # Columns x slot width over rows x slot height is about _ASPECT, rows being SPREAD * n / columns.
    columns = max(2, math.ceil(math.sqrt(_ASPECT * SPREAD * graph.n * NODE_HEIGHT / NODE_WIDTH)))
    rows = np.zeros((len(TOP_DOWN), 2), dtype=np.int64)
    box = np.zeros(graph.n, dtype=np.int64)
    counts = {level: int(np.count_nonzero(graph.level == level)) for level in TOP_DOWN}
    heights = least_share({level: math.ceil(SPREAD * n / columns) for level, n in counts.items()}, counts)
    top = 0
    for i, level in enumerate(TOP_DOWN):
        members = graph.level == level
        if counts[level] == 0:
            rows[i] = top, top
            continue
        height = max(1, heights[level])
        rows[i] = top, top + height
        box[members] = i
        top += height + 1
    return columns, rows, box


def _force_frames(graph: _Graph, seed: int, cancelled: Callable[[], bool] | None, frames: int) -> Iterator[ForceFrame]:
    keys = graph.keys
    slot = np.array([NODE_WIDTH, NODE_HEIGHT])
    if graph.n == 0:
        yield ForceFrame(keys, np.zeros((0, 2)), 1.0, True)
        return
    columns, rows, box = _force_rows(graph)
    # Start from the smoothed Cuthill-McKee order across the width: connected nodes begin near each
    # other, which a force layout of 100k nodes could not untangle from a random start in its iterations.
    start = _ordering(graph, seed, 0.0, cancelled).place * (columns - 1)
    _check(cancelled)
    upper = sp.triu(graph.adjacency, k=1).tocoo()
    run = ForceRun(
        upper.row.astype(np.int64), upper.col.astype(np.int64), box, rows, columns=columns, start=start, seed=seed
    )
    # Cancelling is polled between chunks, so there are chunks even when no frame is wanted.
    for xy in run.steps(frames if frames > 0 else 8):
        _check(cancelled)
        if frames > 0:
            yield ForceFrame(keys, (xy + 0.5) * slot, run.done / run.iterations, False)
    # Hubs first: they keep the slot nearest their place and their leaves settle around them.
    degree = np.diff(graph.adjacency.indptr)
    cells = snap_to_slots(run.xy, box, rows, np.lexsort((np.arange(graph.n), -degree)))
    yield ForceFrame(keys, (cells + 0.5) * slot, 1.0, True)


def force_steps(
    nodes: Sequence[LayoutNode],
    edges: Sequence[LayoutEdge],
    *,
    seed: int = 0,
    cancelled: Callable[[], bool] | None = None,
    frames: int = 12,
) -> Iterator[ForceFrame]:
    """The force layout as it runs: ``frames`` pictures along the way, then the finished layout.

    Meant for a worker thread, so the canvas can animate the nodes towards their places. How the
    run is cut into frames does not change it: the temperature keeps falling from frame to frame,
    and the last frame is ``compute_layout("force", nodes, edges, seed=seed)`` whatever ``frames``.

    Parameters
    ----------
    nodes, edges : sequence of LayoutNode, LayoutEdge
        As for :func:`compute_layout`.
    seed : int, optional
        Seed of the random start; the same seed and input give the same frames whatever the input order.
    cancelled : callable, optional
        Polled between frames (and a few times when ``frames`` is 0); when it returns True the
        generator raises :class:`~explorer.core.errors.OperationCancelled`.
    frames : int, optional
        Pictures of the running layout before the finished one (at most one per iteration); 0 for
        only the finished one.

    Yields
    ------
    ForceFrame
        ``frames`` frames with ``final`` False (nodes inside their bands, possibly overlapping),
        then one with ``final`` True (no two nodes overlap).

    Examples
    --------
    >>> nodes = [LayoutNode("ex:law", 3), LayoutNode("ex:unit", 2), LayoutNode("ex:ann", 1)]
    >>> edges = [LayoutEdge("ex:ann", "ex:unit", True), LayoutEdge("ex:unit", "ex:law")]
    >>> steps = list(force_steps(nodes, edges, frames=3))
    >>> [frame.final for frame in steps], steps[0].keys
    ([False, False, False, True], ['ex:ann', 'ex:law', 'ex:unit'])
    >>> steps[-1].positions() == compute_layout("force", nodes, edges)
    True
    """
    _check(cancelled)
    yield from _force_frames(_Graph(nodes, edges), seed, cancelled, max(0, int(frames)))


# ---------------------------------------------------------------------------
# Hierarchical


def _hierarchical(graph: _Graph, cancelled: Callable[[], bool] | None) -> np.ndarray:
    n = graph.n
    columns = _columns(_default_width(n))
    left = NODE_WIDTH / 2
    pos = np.empty((n, 2))
    y = NODE_HEIGHT / 2
    tree = np.unique(np.concatenate([graph.src[graph.hier], graph.dst[graph.hier]]))
    if tree.size:
        y = _place_tree(graph, tree, columns, left, y, pos, cancelled) + NODE_HEIGHT
    # Nodes outside every reporting line: a block per level, macro first, by kind then key.
    outside = np.ones(n, dtype=bool)
    outside[tree] = False
    for level in TOP_DOWN:
        idx = np.flatnonzero(outside & (graph.level == level))
        if idx.size == 0:
            continue
        idx = idx[np.lexsort((idx, graph.kind[idx]))]
        i = np.arange(idx.size)
        pos[idx, 0] = left + (i % columns + 0.5) * NODE_WIDTH
        pos[idx, 1] = y + (i // columns) * NODE_HEIGHT
        y += (-(-idx.size // columns) + 1) * NODE_HEIGHT
    return _stack_levels(graph, pos, rows=True)


def _place_tree(
    graph: _Graph,
    tree: np.ndarray,
    columns: int,
    left: float,
    y: float,
    pos: np.ndarray,
    cancelled: Callable[[], bool] | None,
) -> float:
    """Place the nodes ``tree`` (sorted), those with hierarchical edges, from ``y`` down; returns the y below them."""
    size = tree.size
    local = np.full(graph.n, -1, dtype=np.int64)
    local[tree] = np.arange(size)
    child, parent = local[graph.src[graph.hier]], local[graph.dst[graph.hier]]
    down = sp.csr_array((np.ones(child.size), (parent, child)), shape=(size, size))
    # A cycle (A reports to B, B to A) collapses into one strongly connected component
    # sharing a layer, as in nx.condensation; the condensed graph is acyclic, so the
    # layering below always ends. (csgraph does it in C, which matters at 100k nodes.)
    count, scc = csgraph.connected_components(down, directed=True, connection="strong")
    # Number the components so that siblings, and roots, come macro first, then by kind, then key.
    rep = np.full(count, size, dtype=np.int64)
    np.minimum.at(rep, scc, np.arange(size))
    sort = np.lexsort((rep, graph.kind[tree[rep]], -graph.level[tree[rep]]))
    relabel = np.empty(count, dtype=np.int64)
    relabel[sort] = np.arange(count)
    comp = relabel[scc]
    keep = comp[parent] != comp[child]
    cp, cc = comp[parent[keep]], comp[child[keep]]
    dag = sp.csr_array((np.ones(cp.size), (cp, cc)), shape=(count, count))
    dag.sum_duplicates()
    _check(cancelled)

    # Longest-path layering, one generation of the topological order at a time: a
    # node sits just below the lowest of its superiors.
    indegree = np.bincount(dag.indices, minlength=count)
    roots = np.flatnonzero(indegree == 0)
    layer = np.full(count, -1, dtype=np.int64)
    frontier = roots
    depth = 0
    while frontier.size:
        layer[frontier] = depth
        children = dag[frontier].indices
        indegree -= np.bincount(children, minlength=count)
        frontier = np.unique(children[indegree[children] == 0])
        depth += 1

    # Depth-first preorder from a virtual root above the roots keeps each subtree
    # together; csgraph visits neighbours in index order, which is the sibling order.
    virtual = count
    ext = sp.csr_array(
        (np.ones(cp.size + roots.size), (np.append(cp, np.full(roots.size, virtual)), np.append(cc, roots))),
        shape=(count + 1, count + 1),
    )
    ext.sum_duplicates()
    preorder = csgraph.depth_first_order(ext, virtual, directed=True, return_predecessors=False)[1:]
    pre_rank = np.empty(count, dtype=np.int64)
    pre_rank[preorder] = np.arange(count)
    _check(cancelled)

    # A root aims at the middle of its subtree's share of the width; roots are visited
    # in increasing number, so a subtree runs up to the next root's preorder rank.
    start = pre_rank[roots]
    end = np.append(start[1:], count)
    root_target = np.zeros(count)
    root_target[roots] = (start + end) / 2 / count * columns - 0.5

    node_layer = layer[comp]
    # Members of a cycle follow each other by key.
    node_pre = pre_rank[comp] + np.arange(size) / (size + 1)
    has_children = np.diff(dag.indptr)[comp] > 0
    up = sp.csr_array((np.ones(child.size), (child, parent)), shape=(size, size))
    up.sum_duplicates()
    up.data[:] = 1.0
    column_of = np.zeros(size)
    placed = np.zeros(size)
    one_group = np.zeros(size, dtype=np.int64)
    flat = np.zeros(size, dtype=bool)
    by_layer = np.argsort(node_layer, kind="stable")
    bounds = np.searchsorted(node_layer[by_layer], np.arange(depth + 1))
    for d in range(depth):
        members = by_layer[bounds[d] : bounds[d + 1]]
        # Nodes with subordinates get rows of their own at the bottom of the layer, so
        # a wide layer of people does not bury the units whose members hang below.
        for idx in (members[~has_children[members]], members[has_children[members]]):
            if idx.size == 0:
                continue
            # Each node aims at the mean column of its superiors, all placed above.
            weight = up[idx] @ placed
            total = up[idx] @ (placed * column_of)
            target = np.where(weight > 0, total / np.maximum(weight, 1.0), root_target[comp[idx]])
            column, row, rows = _grid(target, node_pre[idx], one_group[idx], flat[idx], columns)
            column_of[idx] = column
            pos[tree[idx], 0] = left + (column + 0.5) * NODE_WIDTH
            pos[tree[idx], 1] = y + row * NODE_HEIGHT
            y += rows * NODE_HEIGHT
        placed[members] = 1.0
        y += NODE_HEIGHT
        _check(cancelled)
    return y


# ---------------------------------------------------------------------------
# Circular


def _ring(count: int) -> np.ndarray:
    """``count`` points evenly spaced on the unit circle, starting at angle 0.

    The same arrangement as ``nx.circular_layout``, which computes its angles in
    float32: on a ring of 100k nodes that moves neighbours closer than the
    ``NODE_WIDTH`` the radius was chosen for.
    """
    theta = np.arange(count) * (2 * math.pi / count)
    return np.column_stack([np.cos(theta), np.sin(theta)])


def _chord_radius(count: int) -> float:
    # Neighbours on a ring are 2 r sin(pi / count) apart; make that one slot width.
    return NODE_WIDTH / (2 * math.sin(math.pi / count))


def _circular(graph: _Graph, seed: int, cancelled: Callable[[], bool] | None) -> np.ndarray:
    ordering = _ordering(graph, seed, 0.0, cancelled)
    _check(cancelled)
    pos = np.zeros((graph.n, 2))
    # A ring per level, each in its own band, macro on top: rings nested inside each
    # other would put the levels' nodes at the same heights.
    for level in TOP_DOWN:
        idx = np.flatnonzero(graph.level == level)
        if idx.size == 0:
            continue
        idx = idx[np.argsort(ordering.rank[idx])]
        count = idx.size
        pos[idx] = _ring(count) * (0.0 if count == 1 else _chord_radius(count))
    return _stack_levels(graph, pos)


# ---------------------------------------------------------------------------
# Levels in their bands ("hierarchical", "circular")


def _stack_levels(graph: _Graph, pos: np.ndarray, *, rows: bool = False) -> np.ndarray:
    """A drawing with each level's nodes moved into a band of their own, macro at the top.

    x is kept; each level's part keeps its shape, shifted down below the level above
    with :data:`_LEVEL_GAP` between them, so the bands the canvas draws around them
    (:func:`explorer.layout.bands.bands_for_positions`) hold every node in its own.
    ``rows`` closes up the empty rows a layered drawing leaves in a level.
    """
    out = pos.copy()
    y = NODE_HEIGHT / 2
    for level in TOP_DOWN:
        idx = np.flatnonzero(graph.level == level)
        if idx.size == 0:
            continue
        ys = pos[idx, 1]
        if rows:
            ys = np.unique(np.round(ys, 6), return_inverse=True)[1].reshape(-1) * NODE_HEIGHT
        else:
            ys = ys - ys.min()
        out[idx, 1] = y + ys
        y += float(ys.max()) + _LEVEL_GAP
    return out


# ---------------------------------------------------------------------------
# Entry point


def layout_graph(
    keys: list, levels: list, kinds: list, source: np.ndarray, target: np.ndarray, hierarchical: np.ndarray
) -> _Graph:
    """What :func:`compute_layout` lays out, from columns: a big map's nodes and edges without a record each.

    ``keys``, ``levels`` and ``kinds`` hold one node each (keys distinct, in any order), as
    :class:`LayoutNode` does; ``source``, ``target`` and ``hierarchical`` one edge each, its ends as
    numbers of those nodes (-1 for an end that is none), as :class:`LayoutEdge` does.

    Examples
    --------
    >>> import numpy as np
    >>> graph = layout_graph(["ex:ann", "ex:unit"], [1, 2], ["", ""], np.array([0]), np.array([1]), np.array([True]))
    >>> pos = compute_layout("levels", graph=graph)
    >>> pos["ex:unit"][1] < pos["ex:ann"][1]
    True
    """
    return _Graph.from_columns(keys, levels, kinds, source, target, hierarchical)


def compute_layout(
    name: str,
    nodes: Sequence[LayoutNode] = (),
    edges: Sequence[LayoutEdge] = (),
    *,
    seed: int = 0,
    cancelled: Callable[[], bool] | None = None,
    graph: _Graph | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions (node centre, scene units, y grows downwards like Qt) for every node, by layout ``name``.

    Parameters
    ----------
    name : str
        One of :data:`LAYOUTS`:

        ``"levels"``
            Each node in the band of its level (the geometry of :func:`bands_for`),
            on a grid of ``NODE_WIDTH`` x ``NODE_HEIGHT`` slots, so no two nodes
            overlap. Connected nodes sit near each other, and a node's column
            follows its place across the whole map, so the bands line up. The
            order comes from spring layouts of the components on small maps, from
            a smoothed Cuthill-McKee order on large ones (100k nodes in about a
            second). Isolated nodes come last, grouped by kind.
        ``"force"``
            Fruchterman-Reingold forces with the repulsion computed on an FFT
            mesh (:mod:`explorer.layout.force`: 10k nodes in about a second,
            100k in a few), each node kept inside its level's band throughout,
            starting from the smoothed order ``"levels"`` uses. Then every node
            moves to the free slot nearest its place in its band, so no two
            overlap. :func:`force_steps` gives the same layout frame by frame.
        ``"hierarchical"``
            Layers by depth along hierarchical edges, superiors at the top (a
            cycle shares one layer), each node under its superiors, wide layers
            wrapped into several rows, and in each layer the nodes that have
            subordinates on a row of their own below the others. Nodes without
            hierarchical edges follow in a block per level, macro first, by kind.
            Then each level's rows move into a band of their own, in the same order.
        ``"circular"``
            One ring per level, each in its own band, macro on top, neighbours on
            a ring at least ``NODE_WIDTH`` apart and connected nodes close along it.

        Whatever the layout, every level lies wholly above the next, an empty
        slot row between them, so the bands the canvas draws around the nodes
        (:func:`explorer.layout.bands.bands_for_positions`) hold each node in
        its own level's band.
    nodes : sequence of LayoutNode
        Nodes to place; a repeated key counts once (the last one wins).
    edges : sequence of LayoutEdge
        Self-loops and edges to unknown keys are ignored.
    seed : int, optional
        Seed for the random start of spring layouts. The same seed and input give
        the same positions, whatever the order of the input.
    cancelled : callable, optional
        Polled between phases; when it returns True the work stops with
        :class:`~explorer.core.errors.OperationCancelled`.
    graph : optional
        The nodes and edges as :func:`layout_graph` gives them, instead of ``nodes`` and ``edges``.

    Returns
    -------
    dict[str, tuple[float, float]]
        Node key -> ``(x, y)`` as plain floats, all non-negative, the top-left node
        near ``(0, 0)``.

    Raises
    ------
    ValueError
        If ``name`` is not a known layout.
    OperationCancelled
        If ``cancelled()`` returned True.

    Examples
    --------
    >>> nodes = [LayoutNode("ex:board", 2), LayoutNode("ex:head", 2), LayoutNode("ex:ann", 1)]
    >>> edges = [LayoutEdge("ex:ann", "ex:head", True), LayoutEdge("ex:head", "ex:board", True)]
    >>> pos = compute_layout("hierarchical", nodes, edges)
    >>> pos["ex:board"][1] < pos["ex:head"][1] < pos["ex:ann"][1]
    True
    >>> compute_layout("force", [], [])
    {}
    """
    if name not in LAYOUTS:
        raise ValueError(f"Unknown layout {name!r}; choose one of: {', '.join(LAYOUTS)}.")
    _check(cancelled)
    if graph is None:
        graph = _Graph(nodes, edges)
    if graph.n == 0:
        return {}
    _check(cancelled)
    if name == "force":
        *_, last = _force_frames(graph, seed, cancelled, 0)
        return last.positions()
    if name == "levels":
        pos = _levels(graph, seed, cancelled)
    elif name == "hierarchical":
        pos = _hierarchical(graph, cancelled)
    else:
        pos = _circular(graph, seed, cancelled)
    _check(cancelled)
    if name == "circular":
        # Free-form drawings start where the others do: the top-left node's corner at (0, 0).
        pos = pos - pos.min(axis=0) + np.array([NODE_WIDTH / 2, NODE_HEIGHT / 2])
    return dict(zip(graph.keys, map(tuple, pos.tolist())))
