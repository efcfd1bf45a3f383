"""Node positions for the canvas: by level, force-directed, hierarchical or circular.

Pure functions with no Qt: the canvas passes plain node and edge records and gets back
a centre ``(x, y)`` per node key, in scene units with y growing downwards (as in Qt).
The drawing itself comes from networkx layouts (``spring_layout``,
``circular_layout``) and scipy graph routines (components, Cuthill-McKee ordering,
strongly connected components, isotonic regression); this module only decides which
to use for the size of the map and turns their output into a tidy, non-overlapping
arrangement of ``NODE_WIDTH`` x ``NODE_HEIGHT`` slots.

Examples
--------
>>> nodes = [LayoutNode("ex:unit", 2), LayoutNode("ex:ann", 1), LayoutNode("ex:law", 3)]
>>> edges = [LayoutEdge("ex:ann", "ex:unit", hierarchical=True)]
>>> pos = compute_layout("levels", nodes, edges)
>>> pos["ex:law"][1] < pos["ex:unit"][1] < pos["ex:ann"][1]   # macro above meso above micro
True
>>> sorted(LAYOUTS)
['circular', 'force', 'hierarchical', 'levels']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.optimize import isotonic_regression
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from .errors import OperationCancelled

__all__ = [
    "LAYOUTS",
    "NODE_HEIGHT",
    "NODE_WIDTH",
    "Bands",
    "LayoutEdge",
    "LayoutNode",
    "bands_for",
    "compute_layout",
]

LAYOUTS: dict[str, str] = {
    "levels": "By level",
    "force": "Force-directed",
    "hierarchical": "Hierarchical",
    "circular": "Circular",
}

NODE_WIDTH = 150.0
NODE_HEIGHT = 70.0

MACRO, MESO, MICRO = 3, 2, 1
_TOP_DOWN = (MACRO, MESO, MICRO)

_MIN_BAND_HEIGHT = 220.0
_MIN_WIDTH = 1200.0
# Width over height of a whole "levels" map; close to common screens so "fit to view" fills them.
_ASPECT = 1.6

# spring_layout is O(n^2) per iteration in every networkx variant. On a slow two-core
# machine one call costs about 3 ms + 3.2 us * n^2 (50 iterations), so a component of
# 400 nodes is ~0.5 s and one of 2000 is ~14 s. Rather than timing calls (which would
# make the result depend on the machine's load), each layout has a fixed budget in
# these estimated milliseconds and spends it on the largest components that fit.
_LEVELS_SPRING_BUDGET_MS = 400.0
_FORCE_BUDGET_MS = 2000.0
# networkx switches to its much slower sparse code at 500 nodes.
_FORCE_SPRING_MAX_NODES = 450
# Larger components are drawn in two levels: clusters of consecutive nodes in the
# one-dimensional order, a spring layout of the cluster graph, and a spring layout
# inside each cluster; then, while the budget lasts, a few spring iterations over the
# whole component from that start undo the seams between clusters. At most this many
# clusters keeps the top level in networkx's fast code.
_FORCE_MAX_CLUSTERS = 450
_CLUSTER_ITERATIONS = 25
# How far _fit_spacing may blow a drawing up to keep nodes apart; a few coincident
# nodes must not make the whole map huge.
_MAX_SPREAD = 4.0
_REFINE_ITERATIONS = 10
# Beyond this even the two-level drawing takes several seconds; "force" then shows the
# "levels" arrangement, which is the readable one at that size anyway.
_FORCE_MAX_NODES = 20000
# Barycentre sweeps that smooth the Cuthill-McKee order (see _ordering); measured on
# synthetic organisations, edge lengths drop by about 20% up to 30 sweeps, then rise again.
_SMOOTHING_SWEEPS = 30


@dataclass(frozen=True)
class LayoutNode:
    """One node to place.

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


@dataclass(frozen=True)
class LayoutEdge:
    """One edge; only its endpoints (and whether it is hierarchical) matter for layout.

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
    """Vertical extent of each level band in scene coordinates: macro at the top, meso in the middle, micro at the bottom.

    The bands are stacked without gaps from ``y = 0``.

    Attributes
    ----------
    top : dict[int, float]
        Level -> y of the band's top edge.
    height : dict[int, float]
        Level -> band height.
    width : float
        Width of every band, from ``x = 0``.

    Examples
    --------
    >>> bands = bands_for({3: 2, 2: 10, 1: 40})
    >>> bands.top[3] < bands.top[2] < bands.top[1]
    True
    >>> bands.band_of(bands.top[2] + 1), bands.band_of(-500.0), bands.band_of(1e9)
    (2, 3, 1)
    """

    top: dict[int, float]
    height: dict[int, float]
    width: float

    def band_of(self, y: float) -> int:
        """The level whose band contains ``y``; above the map is macro, below it micro.

        Parameters
        ----------
        y : float
            A scene y coordinate.

        Returns
        -------
        int
            3 (macro), 2 (meso) or 1 (micro).

        Examples
        --------
        >>> bands_for({}).band_of(0.0)
        3
        """
        if y < self.top[MESO]:
            return MACRO
        if y < self.top[MICRO]:
            return MESO
        return MICRO


def _level(value: int) -> int:
    return value if value in (MACRO, MESO, MICRO) else MESO


def _columns(width: float) -> int:
    # Half a slot of margin on each side leaves room for the band's label and border.
    return max(1, int(width // NODE_WIDTH) - 1)


def _default_width(total: int) -> float:
    # Area needed is total * slot; a band stack of that area is _ASPECT times wider than tall.
    raw = math.sqrt(_ASPECT * max(total, 0) * NODE_WIDTH * NODE_HEIGHT)
    return max(_MIN_WIDTH, (math.ceil(raw / NODE_WIDTH) + 1) * NODE_WIDTH)


def bands_for(counts: dict[int, int], *, width: float | None = None) -> Bands:
    """Band geometry sized to hold ``counts[level]`` nodes per level in rows.

    Parameters
    ----------
    counts : dict[int, int]
        Number of nodes per level; levels other than 1, 2 and 3 count as meso, as in
        :func:`compute_layout`.
    width : float, optional
        Width of the bands. By default it grows with the square root of the node count
        so a full map is roughly 16:10, and is at least 1200.

    Returns
    -------
    Bands
        Each band is at least 220 high and tall enough for its rows of
        ``NODE_HEIGHT``, plus half a row of padding above and below.
        ``compute_layout("levels", ...)`` uses exactly this geometry (with the counts of
        its nodes), so the canvas can draw the bands behind the nodes.

    Examples
    --------
    >>> bands = bands_for({3: 1, 2: 3, 0: 2, 1: 5000})
    >>> bands.width >= 1200 and bands.height[1] > bands.height[2] == 220.0
    True
    """
    per_level = dict.fromkeys(_TOP_DOWN, 0)
    for level, count in counts.items():
        per_level[_level(level)] += max(int(count), 0)
    if width is None:
        width = _default_width(sum(per_level.values()))
    columns = _columns(width)
    top: dict[int, float] = {}
    height: dict[int, float] = {}
    y = 0.0
    for level in _TOP_DOWN:
        rows = -(-per_level[level] // columns)
        top[level] = y
        height[level] = max(_MIN_BAND_HEIGHT, (rows + 1) * NODE_HEIGHT)
        y += height[level]
    return Bands(top=top, height=height, width=float(width))


# ---------------------------------------------------------------------------
# Input


class _Graph:
    """Nodes sorted by key, with edges as index arrays (self-loops and strays dropped)."""

    def __init__(self, nodes: Sequence[LayoutNode], edges: Sequence[LayoutEdge]) -> None:
        by_key = {node.key: node for node in nodes}
        self.keys = sorted(by_key)
        self.n = n = len(self.keys)
        index = {key: i for i, key in enumerate(self.keys)}
        self.level = np.fromiter((_level(by_key[k].level) for k in self.keys), dtype=np.int8, count=n)
        kinds = [by_key[k].kind for k in self.keys]
        # Rank of each node's kind among the distinct kinds, to sort by kind with numpy.
        kind_rank = {kind: r for r, kind in enumerate(sorted(set(kinds)))}
        self.kind = np.fromiter((kind_rank[k] for k in kinds), dtype=np.int64, count=n)
        src: list[int] = []
        dst: list[int] = []
        hier: list[bool] = []
        get = index.get
        for edge in edges:
            a = get(edge.source)
            b = get(edge.target)
            if a is None or b is None or a == b:
                continue
            src.append(a)
            dst.append(b)
            hier.append(bool(edge.hierarchical))
        self.src = np.asarray(src, dtype=np.int64)
        self.dst = np.asarray(dst, dtype=np.int64)
        self.hier = np.asarray(hier, dtype=bool)
        self._adjacency: sp.csr_array | None = None

    @property
    def adjacency(self) -> sp.csr_array:
        """Symmetric 0/1 adjacency with sorted indices, whatever the input edge order."""
        if self._adjacency is None:
            rows = np.concatenate([self.src, self.dst])
            cols = np.concatenate([self.dst, self.src])
            a = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(self.n, self.n))
            a.sum_duplicates()
            a.data[:] = 1.0
            self._adjacency = a
        return self._adjacency

    def subgraph(self, members: np.ndarray) -> nx.Graph:
        """networkx graph on ``members`` relabelled 0..k-1 in that order."""
        sub = self.adjacency[members][:, members].tocoo()
        graph = nx.Graph()
        graph.add_nodes_from(range(members.size))
        upper = sub.row < sub.col
        graph.add_edges_from(zip(sub.row[upper].tolist(), sub.col[upper].tolist()))
        return graph


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise OperationCancelled("Layout cancelled.")


# ---------------------------------------------------------------------------
# Orderings and embeddings


def _spring_ms(size: int, iterations: int = 50) -> float:
    if size >= 500:
        # networkx's sparse code loops over nodes in Python: ~0.15 s per iteration at 1000.
        return 1.45e-4 * size * size * iterations
    return 3.0 + 6.4e-5 * size * size * iterations


def _components(graph: _Graph) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Components of two or more nodes, largest first, and the isolated nodes.

    Returns the component number of each node (-1 when isolated), the member arrays
    (sorted by key) in that order, and the isolated nodes grouped by kind then key.
    """
    count, labels = csgraph.connected_components(graph.adjacency, directed=False)
    sizes = np.bincount(labels, minlength=count)
    first = np.full(count, graph.n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(graph.n))
    # Ties in size go to the component holding the smallest key: stable across runs.
    order = np.lexsort((first, -sizes))
    order = order[sizes[order] > 1]
    rank = np.full(count, -1, dtype=np.int64)
    rank[order] = np.arange(order.size)
    comp = rank[labels]
    by_comp = np.argsort(comp, kind="stable")
    bounds = np.cumsum(sizes[order])
    isolated_count = graph.n - (int(bounds[-1]) if bounds.size else 0)
    members = np.split(by_comp[isolated_count:], bounds[:-1]) if bounds.size else []
    isolated = by_comp[:isolated_count]
    isolated = isolated[np.lexsort((isolated, graph.kind[isolated]))]
    return comp, members, isolated


def _spring(graph: _Graph, members: np.ndarray, seed: int, *, start: np.ndarray | None = None, iterations: int = 50) -> np.ndarray:
    """networkx spring layout of the subgraph on ``members`` (rows follow ``members``)."""
    sub = graph.subgraph(members)
    pos = None
    if start is not None:
        # spring_layout's step size follows the spread of the start, which it expects
        # to be about the unit square (the size of its own random start).
        pos = dict(enumerate(nx.rescale_layout(start.copy(), scale=0.5) + 0.5))
    # "force" is networkx's classic Fruchterman-Reingold; "auto" would switch to the
    # L-BFGS energy method at 500 nodes, which is slower for the same picture.
    placed = nx.spring_layout(sub, pos=pos, iterations=iterations, seed=seed, method="force")
    return np.array([placed[i] for i in range(members.size)], dtype=float)


@dataclass
class _Ordering:
    """A left-to-right order of all nodes, with a second coordinate for 2-D parts.

    ``rank[i]`` is node i's position in the order (0..n-1); ``depth`` orders nodes that
    share a grid column (the embedding's y for 2-D parts, the rank for 1-D parts) and
    ``linear`` marks 1-D parts, whose columns snake so that consecutive nodes stay adjacent.
    """

    rank: np.ndarray
    depth: np.ndarray
    group: np.ndarray
    linear: np.ndarray


def _ordering(graph: _Graph, seed: int, spring_budget_ms: float, cancelled: Callable[[], bool] | None) -> _Ordering:
    """Order nodes so connected ones are close: component by component, largest first.

    Within a component the order comes from a spring layout's x when the budget allows
    (small maps). Otherwise it starts from reverse Cuthill-McKee, a breadth-first order
    that runs in linear time, smoothed by barycentre sweeps (each node moves halfway to
    the mean of its neighbours, as in Sugiyama-style layered drawing): a breadth-first
    order puts a parent a whole generation away from its children, the sweeps pull it
    to their middle. Sparse matrix products only, so 100k nodes take well under a
    second; a spectral ordering would be the exact version, but ARPACK needs minutes
    to converge on tree-like maps, which reporting lines are. Isolated nodes come
    last, grouped by kind.
    """
    n = graph.n
    comp, members, isolated = _components(graph)
    _check(cancelled)
    # One call orders every component; ties inside it depend only on the matrix.
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
    # Isolated nodes keep their kind order rather than the (meaningless) RCM order.
    order[n - isolated.size :] = isolated
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    # Along 1-D parts, nodes sharing a grid column follow the order itself.
    y[linear] = rank[linear]
    linear[isolated] = True
    return _Ordering(rank=rank, depth=y, group=group, linear=linear)


# ---------------------------------------------------------------------------
# Grid placement


def _spread(target: np.ndarray, columns: int) -> np.ndarray:
    """Distinct increasing integer columns in [0, columns) as close as possible to ``target``.

    ``target`` must be sorted and no longer than ``columns``. Isotonic regression of
    ``target - i`` gives the least-squares positions that keep the order and a gap of
    at least one column.
    """
    count = target.size
    steps = np.arange(count, dtype=float)
    offset = isotonic_regression(target - steps).x
    offset = np.clip(np.floor(offset + 0.5), 0, columns - count)
    return (steps + offset).astype(np.int64)


def _grid(target: np.ndarray, depth: np.ndarray, group: np.ndarray, linear: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Column and row of items on a grid at most ``columns`` wide, as few rows as possible.

    Items are taken in ``target`` order and fill columns top to bottom; each column goes
    as near as it can to the mean target of its items. Returns (column, row, rows).
    """
    count = target.size
    rows = -(-count // columns)
    order = np.lexsort((depth, target))
    chunk = np.arange(count) // rows
    chunks = int(chunk[-1]) + 1
    mean_target = np.bincount(chunk, weights=target[order], minlength=chunks) / np.bincount(chunk, minlength=chunks)
    place = _spread(np.maximum.accumulate(mean_target), columns)
    # Within a column: by component, then by depth; 1-D parts run down one column and up the next.
    sign = np.where(linear[order] & (chunk % 2 == 1), -1.0, 1.0)
    within = np.lexsort((sign * depth[order], group[order], chunk))
    column = np.empty(count, dtype=np.int64)
    row = np.empty(count, dtype=np.int64)
    sorted_items = order[within]
    column[sorted_items] = place[chunk]
    row[sorted_items] = np.arange(count) - chunk * rows
    return column, row, rows


def _levels(graph: _Graph, seed: int, cancelled: Callable[[], bool] | None) -> np.ndarray:
    bands = bands_for({level: int(np.count_nonzero(graph.level == level)) for level in _TOP_DOWN})
    columns = _columns(bands.width)
    left = (bands.width - columns * NODE_WIDTH) / 2
    ordering = _ordering(graph, seed, _LEVELS_SPRING_BUDGET_MS, cancelled)
    _check(cancelled)
    # Each node aims at the spot its rank takes across the whole width, so a unit in the
    # meso band lines up with its people in the micro band even though the bands differ in size.
    target = (ordering.rank + 0.5) / graph.n * columns - 0.5
    pos = np.empty((graph.n, 2))
    for level in _TOP_DOWN:
        idx = np.flatnonzero(graph.level == level)
        if idx.size == 0:
            continue
        column, row, rows = _grid(target[idx], ordering.depth[idx], ordering.group[idx], ordering.linear[idx], columns)
        pad = (bands.height[level] - rows * NODE_HEIGHT) / 2
        pos[idx, 0] = left + (column + 0.5) * NODE_WIDTH
        pos[idx, 1] = bands.top[level] + pad + (row + 0.5) * NODE_HEIGHT
    return pos


# ---------------------------------------------------------------------------
# Force-directed


def _fit_spacing(coords: np.ndarray) -> np.ndarray:
    """Scale a unit-size embedding so nearest neighbours are rarely closer than a slot."""
    size = coords.shape[0]
    coords = coords - coords.mean(axis=0)
    extent = np.abs(coords).max()
    if size < 2 or extent == 0:
        return np.zeros_like(coords)
    # A square of size slots has room for everything; start from there, then grow it
    # until 90% of nodes are a slot away from their nearest neighbour (Chebyshev
    # distance in slot units, since the slot is wider than tall).
    base = coords / extent * NODE_WIDTH * math.sqrt(size) / 2
    slots = base / np.array([NODE_WIDTH, NODE_HEIGHT])
    dist, _ = cKDTree(slots).query(slots, k=2, p=np.inf)
    near = float(np.percentile(dist[:, 1], 10))
    factor = 1.0 / near if near > 0 else 4.0
    return base * min(max(factor, 1.0), _MAX_SPREAD)


def _row(count: int) -> np.ndarray:
    """``count`` nodes side by side, centred on the origin."""
    return np.column_stack([(np.arange(count) - (count - 1) / 2) * NODE_WIDTH, np.zeros(count)])


def _pack(boxes: list[np.ndarray]) -> list[np.ndarray]:
    """Shelf-pack component drawings (largest first) into rows about 16:10 overall."""
    gap = np.array([NODE_WIDTH, NODE_HEIGHT])
    sizes = [box.max(axis=0) - box.min(axis=0) + gap for box in boxes]
    area = sum(float(w * h) for w, h in sizes)
    row_width = max(math.sqrt(area * _ASPECT), max(float(w) for w, _ in sizes))
    placed = []
    x = y = shelf = 0.0
    for box, (w, h) in zip(boxes, sizes):
        if x > 0 and x + w > row_width:
            x, y, shelf = 0.0, y + shelf, 0.0
        placed.append(box - box.min(axis=0) + np.array([x, y]))
        x += float(w)
        shelf = max(shelf, float(h))
    return placed


def _balls(adjacency: sp.csr_array, order: np.ndarray, per: int) -> np.ndarray:
    """Cluster number of each node: breadth-first balls of up to ``per`` nodes.

    Balls grow from the nodes in ``order`` that are still free, so each cluster is
    connected (unlike runs of the order, which cut across subtrees); scraps of fewer
    than ``per // 4`` nodes then join a neighbouring cluster.
    """
    size = adjacency.shape[0]
    indptr = adjacency.indptr.tolist()
    indices = adjacency.indices.tolist()
    label = [-1] * size
    sizes: list[int] = []
    for start in order.tolist():
        if label[start] >= 0:
            continue
        number = len(sizes)
        label[start] = number
        queue = [start]
        head = 0
        while head < len(queue) and len(queue) < per:
            node = queue[head]
            head += 1
            for other in indices[indptr[node] : indptr[node + 1]]:
                if label[other] < 0:
                    label[other] = number
                    queue.append(other)
                    if len(queue) >= per:
                        break
        sizes.append(len(queue))
    merged = list(range(len(sizes)))
    for node in order.tolist():
        own = label[node]
        if sizes[own] >= max(2, per // 4) or merged[own] != own:
            continue
        for other in indices[indptr[node] : indptr[node + 1]]:
            target = merged[label[other]]
            if target != own:
                merged[own] = target
                sizes[target] += sizes[own]
                break
    # Follow merge chains to their end, then number the surviving clusters 0..k-1.
    final = np.array(merged)
    for _ in range(len(sizes)):
        nxt = final[final]
        if np.array_equal(nxt, final):
            break
        final = nxt
    _, dense = np.unique(final[np.asarray(label)], return_inverse=True)
    return dense


def _two_level(graph: _Graph, members: np.ndarray, rank: np.ndarray, seed: int, cancelled: Callable[[], bool] | None) -> np.ndarray:
    """Spring layout of a large component in two levels (see _FORCE_MAX_CLUSTERS)."""
    size = members.size
    per = max(8, math.ceil(size / (_FORCE_MAX_CLUSTERS * 0.7)), math.ceil(math.sqrt(size) / 4))
    sub = graph.adjacency[members][:, members]
    cluster = _balls(sub, np.argsort(rank[members], kind="stable"), per)
    count = int(cluster.max()) + 1
    coo = sub.tocoo()
    links = sp.coo_array((coo.data, (cluster[coo.row], cluster[coo.col])), shape=(count, count)).tocsr()
    links.sum_duplicates()
    top = nx.Graph()
    top.add_nodes_from(range(count))
    upper = sp.triu(links, k=1).tocoo()
    top.add_weighted_edges_from(zip(upper.row.tolist(), upper.col.tolist(), upper.data.tolist()))
    centre = nx.spring_layout(top, seed=seed, method="force")
    centre = np.array([centre[i] for i in range(count)], dtype=float)
    _check(cancelled)
    local = np.zeros((size, 2))
    radius = np.zeros(count)
    by_cluster = np.argsort(cluster, kind="stable")
    bounds = np.searchsorted(cluster[by_cluster], np.arange(count + 1))
    for c in range(count):
        inside = by_cluster[bounds[c] : bounds[c + 1]]
        coords = _fit_spacing(_spring(graph, members[inside], seed, iterations=_CLUSTER_ITERATIONS)) if inside.size > 2 else _row(inside.size)
        local[inside] = coords
        radius[c] = float(np.hypot(coords[:, 0], coords[:, 1]).max())
        if c % 64 == 63:
            _check(cancelled)
    if count > 1:
        # Spread the centres so a typical cluster clears its nearest neighbour. Spacing
        # for the worst pair instead would blow the map up many times over, and
        # _fit_spacing on the whole would squeeze the clusters into each other (about
        # 4% of nodes overlap this way, against 40-90% either other way).
        dist, _ = cKDTree(centre).query(centre, k=2)
        centre *= 2.2 * float(np.median(radius) + NODE_WIDTH / 2) / max(float(np.median(dist[:, 1])), 1e-9)
    return centre[cluster] + local


def _small(count: int) -> np.ndarray:
    """A few nodes on a circle just wide enough for them (see _circular)."""
    radius = NODE_WIDTH / (2 * math.sin(math.pi / count))
    ring = nx.circular_layout(range(count))
    unit = np.array([ring[i] for i in range(count)], dtype=float)
    return unit / np.linalg.norm(unit, axis=1, keepdims=True) * radius


def _force(graph: _Graph, seed: int, cancelled: Callable[[], bool] | None) -> np.ndarray:
    if graph.n > _FORCE_MAX_NODES:
        return _levels(graph, seed, cancelled)
    _, members, isolated = _components(graph)
    _check(cancelled)
    rank = None
    drawings: list[np.ndarray] = []
    budget = _FORCE_BUDGET_MS
    for nodes in members:
        size = nodes.size
        cost = _spring_ms(size)
        if size <= 2:
            coords = _row(size)
        elif size <= _FORCE_SPRING_MAX_NODES and cost <= budget:
            budget -= cost
            coords = _fit_spacing(_spring(graph, nodes, seed))
        elif size <= 8:
            coords = _small(size)
        else:
            if rank is None:
                rank = _ordering(graph, seed, 0.0, cancelled).rank
            coords = _two_level(graph, nodes, rank, seed, cancelled)
            iterations = min(_REFINE_ITERATIONS, int(budget // _spring_ms(size, 1)))
            if iterations >= 2:
                budget -= _spring_ms(size, iterations)
                _check(cancelled)
                coords = _fit_spacing(_spring(graph, nodes, seed, start=coords, iterations=iterations))
        drawings.append(coords)
        _check(cancelled)
    if isolated.size:
        columns = max(1, math.ceil(math.sqrt(isolated.size * _ASPECT * NODE_HEIGHT / NODE_WIDTH)))
        i = np.arange(isolated.size)
        drawings.append(np.column_stack([(i % columns) * NODE_WIDTH, (i // columns) * NODE_HEIGHT]).astype(float))
    placed = _pack(drawings)
    pos = np.empty((graph.n, 2))
    for nodes, coords in zip([*members, isolated], placed):
        pos[nodes] = coords
    return pos


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
    in_tree = np.zeros(n, dtype=bool)
    in_tree[tree] = True
    for level in _TOP_DOWN:
        idx = np.flatnonzero(~in_tree & (graph.level == level))
        if idx.size == 0:
            continue
        idx = idx[np.lexsort((idx, graph.kind[idx]))]
        i = np.arange(idx.size)
        pos[idx, 0] = left + (i % columns + 0.5) * NODE_WIDTH
        pos[idx, 1] = y + (i // columns) * NODE_HEIGHT
        y += (-(-idx.size // columns) + 1) * NODE_HEIGHT
    return pos


def _place_tree(
    graph: _Graph, tree: np.ndarray, columns: int, left: float, y: float, pos: np.ndarray, cancelled: Callable[[], bool] | None
) -> float:
    """Place the nodes ``tree`` (sorted) that have hierarchical edges; returns the y below them."""
    size = tree.size
    local = np.full(graph.n, -1, dtype=np.int64)
    local[tree] = np.arange(size)
    child, parent = local[graph.src[graph.hier]], local[graph.dst[graph.hier]]
    down = sp.csr_array((np.ones(child.size), (parent, child)), shape=(size, size))
    # Cycles (A reports to B reports to A) collapse into one strongly connected component,
    # which shares a layer; the condensation is acyclic, so the layering always ends.
    count, scc = csgraph.connected_components(down, directed=True, connection="strong")
    # Number the components so that siblings (and roots) come macro first, then by kind, then key.
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

    # Longest-path layering, one generation of the topological order at a time, so a
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
    # contiguous; csgraph visits neighbours in index order, i.e. the sibling order above.
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

    # Roots aim at the middle of their subtree's share of the width (roots are visited
    # in increasing number, so a subtree runs up to the next root's preorder rank).
    start = pre_rank[roots]
    end = np.append(start[1:], count)
    root_target = np.zeros(count)
    root_target[roots] = (start + end) / 2 / count * columns - 0.5

    node_layer = layer[comp]
    # Members of a cycle follow each other by key.
    node_pre = pre_rank[comp] + np.arange(size) / (size + 1)
    up = sp.csr_array((np.ones(child.size), (child, parent)), shape=(size, size))
    up.sum_duplicates()
    up.data[:] = 1.0
    column_of = np.zeros(size)
    placed = np.zeros(size)
    same = np.zeros(size, dtype=np.int64)
    flat = np.zeros(size, dtype=bool)
    by_layer = np.argsort(node_layer, kind="stable")
    bounds = np.searchsorted(node_layer[by_layer], np.arange(depth + 1))
    for d in range(depth):
        idx = by_layer[bounds[d] : bounds[d + 1]]
        # Each node aims at the mean column of its superiors, already placed above.
        weight = up[idx] @ placed
        total = up[idx] @ (placed * column_of)
        target = np.where(weight > 0, total / np.maximum(weight, 1.0), root_target[comp[idx]])
        column, row, rows = _grid(target, node_pre[idx], same[idx], flat[idx], columns)
        column_of[idx] = column
        placed[idx] = 1.0
        pos[tree[idx], 0] = left + (column + 0.5) * NODE_WIDTH
        pos[tree[idx], 1] = y + row * NODE_HEIGHT
        y += (rows + 1) * NODE_HEIGHT
        _check(cancelled)
    return y


# ---------------------------------------------------------------------------
# Circular


def _circular(graph: _Graph, seed: int, cancelled: Callable[[], bool] | None) -> np.ndarray:
    ordering = _ordering(graph, seed, 0.0, cancelled)
    _check(cancelled)
    pos = np.zeros((graph.n, 2))
    radius = None
    # Macro innermost: it is usually the smallest level, and the rings must grow
    # outwards anyway to give the many micro nodes their circumference.
    for level in _TOP_DOWN:
        idx = np.flatnonzero(graph.level == level)
        if idx.size == 0:
            continue
        idx = idx[np.argsort(ordering.rank[idx])]
        count = idx.size
        # Chord between neighbours = 2 r sin(pi / count) >= NODE_WIDTH; a ring one slot
        # wide between rings keeps every pair of nodes at least NODE_WIDTH apart.
        needed = 0.0 if count == 1 else NODE_WIDTH / (2 * math.sin(math.pi / count))
        radius = needed if radius is None else max(needed, radius + NODE_WIDTH)
        if count == 1:
            # circular_layout puts a lone node at the centre, where an inner ring may be.
            unit = np.array([[1.0, 0.0]])
        else:
            ring = nx.circular_layout(range(count), scale=1.0)
            unit = np.array([ring[i] for i in range(count)], dtype=float)
            # circular_layout rescales by the largest coordinate; back to a true unit circle.
            unit /= np.linalg.norm(unit, axis=1, keepdims=True)
        pos[idx] = unit * radius
    return pos


# ---------------------------------------------------------------------------
# Entry point


def compute_layout(
    name: str,
    nodes: Sequence[LayoutNode],
    edges: Sequence[LayoutEdge],
    *,
    seed: int = 0,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions (node centre, scene units, y grows downwards like Qt) for every node, by layout ``name``.

    Parameters
    ----------
    name : str
        One of :data:`LAYOUTS`:

        ``"levels"``
            Each node in the band of its level (geometry from :func:`bands_for`),
            on a grid of ``NODE_WIDTH`` x ``NODE_HEIGHT`` slots, so no two nodes
            overlap. Connected nodes sit near each other: the order comes from a
            spring layout of each component on small maps and from reverse
            Cuthill-McKee on larger ones; a node's column follows its place in that
            order across the whole width, so bands line up. Isolated nodes come
            last, grouped by kind.
        ``"force"``
            networkx ``spring_layout`` of each connected component (a spectral
            start refined by a few iterations, or the spectral embedding alone, on
            large components), scaled so nodes rarely overlap, components packed
            in rows. Above 30,000 nodes it falls back to ``"levels"``.
        ``"hierarchical"``
            Layers by depth along hierarchical edges (superior above subordinate,
            cycles collapsed into one layer), each node near its parents, wide
            layers wrapped into several rows. Nodes with no hierarchical edge
            follow in a block per level (macro first), grouped by kind.
        ``"circular"``
            One ring per level, macro innermost, neighbours on a ring at least
            ``NODE_WIDTH`` apart and connected nodes close along it.
    nodes : sequence of LayoutNode
        Nodes to place; a repeated key counts once (the last one wins).
    edges : sequence of LayoutEdge
        Self-loops and edges to unknown keys are ignored.
    seed : int, optional
        Seed for the random start of spring layouts; the same seed and input always
        give the same positions, whatever the input order.
    cancelled : callable, optional
        Polled between phases; when it returns True the work stops with
        :class:`~explorer.core.errors.OperationCancelled`.

    Returns
    -------
    dict[str, tuple[float, float]]
        Node key -> (x, y) as plain floats, all non-negative.

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
    graph = _Graph(nodes, edges)
    if graph.n == 0:
        return {}
    _check(cancelled)
    if name == "levels":
        pos = _levels(graph, seed, cancelled)
    elif name == "force":
        pos = _force(graph, seed, cancelled)
    elif name == "hierarchical":
        pos = _hierarchical(graph, cancelled)
    else:
        pos = _circular(graph, seed, cancelled)
    _check(cancelled)
    if name in ("force", "circular"):
        # Free-form layouts start at the origin like the others: the top-left node's
        # corner at about (0, 0).
        pos = pos - pos.min(axis=0) + np.array([NODE_WIDTH / 2, NODE_HEIGHT / 2])
    return dict(zip(graph.keys, map(tuple, pos.tolist())))
