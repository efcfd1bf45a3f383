"""The macro, meso and micro bands: where each level's nodes sit, and what a drop into them means.

One home for the band geometry the canvas draws, the layouts keep to and a drag is judged by. The bands
follow the nodes: each spans its level's nodes plus a margin, and neighbours meet between their nodes, so
a map whose levels lie in order (macro above meso above micro) has every node inside its own band.
Qt-free and cheap to import (no networkx, no scipy).

Examples
--------
>>> bands = bands_for_positions([(3, 0.0), (2, 300.0), (1, 600.0), (1, 700.0)], node_height=44.0)
>>> [band.level for band in bands], band_at(bands, 310.0), band_at(bands, 5000.0)
([3, 2, 1], 2, 1)
>>> settle_drop(bands, 2, 300.0, 310.0, node_height=44.0)   # moved within its band
(2, 310.0)
>>> settle_drop(bands, 2, 300.0, 660.0, node_height=44.0)   # dropped well inside the micro band
(1, 660.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "BAND_MIN_HEIGHT",
    "SLIGHT_CROSSING",
    "TOP_DOWN",
    "Band",
    "band_at",
    "band_of",
    "bands_for_positions",
    "level_of",
    "settle_drop",
]

#: The least height of a band, so an empty or one-row level still has room to drop nodes into.
BAND_MIN_HEIGHT = 220.0
#: A node dropped with its centre less than this share of its height past its band's edge has only
#: slipped: it stays at its level and goes back inside its band.
SLIGHT_CROSSING = 1 / 3
# Space kept above and below a band's outermost nodes, beyond half a node.
_MARGIN = 40.0
#: The levels as their bands lie, top to bottom: 3 macro, 2 meso, 1 micro.
TOP_DOWN = (3, 2, 1)


@dataclass
class Band:
    """One level band in scene coordinates (y grows downwards).

    Attributes
    ----------
    level : int
        3 = macro, 2 = meso, 1 = micro.
    top, bottom : float
        The band's edges; a point at ``y`` is in the band when ``top <= y < bottom``.
    """

    level: int
    top: float
    bottom: float


def level_of(level: int) -> int:
    """The band a node of ``level`` belongs in: its level, or meso (2) for anything but 1, 2 and 3.

    Examples
    --------
    >>> level_of(3), level_of(0), level_of(7)
    (3, 2, 2)
    """
    return level if level in TOP_DOWN else 2


def bands_for_positions(
    levels_and_ys: Iterable[tuple[int, float]], *, node_height: float, minimum: float = BAND_MIN_HEIGHT
) -> list[Band]:
    """Bands for macro (top), meso and micro (bottom) that hold the nodes where they are.

    Parameters
    ----------
    levels_and_ys : iterable of (int, float)
        Each node's level (anything but 1, 2 and 3 counts as meso) and the y of its centre.
    node_height : float
        Height of a node as drawn.
    minimum : float, optional
        Least band height; an empty level gets a band this high.

    Returns
    -------
    list of Band
        Macro, meso, micro, top to bottom, meeting without gaps. Each spans its nodes plus
        ``node_height / 2 + 40``; neighbours meet half-way between their edges, but never
        closer than half a node to the nodes on either side (nor beyond them): when every
        node of a level lies above every node of the level below, each node is inside its
        own band.

    Examples
    --------
    >>> bands = bands_for_positions([(3, 0.0), (2, 30.0)], node_height=44.0)
    >>> band_at(bands, 0.0), band_at(bands, 30.0)
    (3, 2)
    >>> [round(b.bottom - b.top) for b in bands_for_positions([], node_height=44.0)]
    [220, 220, 220]
    """
    extents: dict[int, tuple[float, float]] = {}
    for level, y in levels_and_ys:
        level = level_of(level)
        low, high = extents.get(level, (y, y))
        extents[level] = (min(low, y), max(high, y))
    return bands_for_extents(extents, node_height=node_height, minimum=minimum)


def bands_for_extents(
    extents: dict[int, tuple[float, float]], *, node_height: float, minimum: float = BAND_MIN_HEIGHT
) -> list[Band]:
    """:func:`bands_for_positions` from each level's lowest and highest y (``{level: (low, high)}``, 1 to 3).

    Examples
    --------
    >>> [(b.level, round(b.top), round(b.bottom)) for b in bands_for_extents({2: (0.0, 0.0)}, node_height=44.0)]
    [(3, -330, -110), (2, -110, 110), (1, 110, 330)]
    """
    present = [level for level in TOP_DOWN if level in extents]
    if not present:
        return [Band(level, i * minimum, (i + 1) * minimum) for i, level in enumerate(TOP_DOWN)]
    margin = node_height / 2 + _MARGIN
    edges: dict[int, list[float]] = {}
    for level in present:
        low, high = extents[level]
        top, bottom = low - margin, high + margin
        if bottom - top < minimum:
            middle = (top + bottom) / 2
            top, bottom = middle - minimum / 2, middle + minimum / 2
        edges[level] = [top, bottom]
    floor = -float("inf")  # keeps the boundaries in order when the levels' nodes are not
    for upper, lower in pairwise(present):
        # Neighbours meet half-way between their edges, whether they overlap or leave a gap...
        boundary = max((edges[upper][1] + edges[lower][0]) / 2, floor)
        above, below = extents[upper][1], extents[lower][0]
        ordered = above < below
        if ordered:
            # ...but between the two levels' nodes, so a band of the least height does not
            # reach over its neighbour's nodes.
            slack = min(node_height / 2, (below - above) / 2)
            low, high = above + slack, below - slack
            boundary = min(max(boundary, low), high)
        if upper - lower == 2:  # an empty meso band between macro and micro
            height = min(minimum, high - low) if ordered else minimum
            centre = min(max(boundary, low + height / 2), high - height / 2) if ordered else boundary
            edges[2] = [centre - height / 2, centre + height / 2]
            edges[upper][1], edges[lower][0] = edges[2]
        else:
            edges[upper][1] = edges[lower][0] = boundary
        floor = edges[lower][0] + node_height
        edges[lower][1] = max(edges[lower][1], floor)
    # Empty levels above or below the others stack outwards from their neighbours.
    first, last = TOP_DOWN.index(present[0]), TOP_DOWN.index(present[-1])
    for i in range(first - 1, -1, -1):
        below = edges[TOP_DOWN[i + 1]][0]
        edges[TOP_DOWN[i]] = [below - minimum, below]
    for i in range(last + 1, len(TOP_DOWN)):
        above = edges[TOP_DOWN[i - 1]][1]
        edges[TOP_DOWN[i]] = [above, above + minimum]
    return [Band(level, *edges[level]) for level in TOP_DOWN]


def band_at(bands: list[Band], y: float) -> int:
    """The level of the band containing ``y``: above the bands is the top band, below them the bottom one.

    Examples
    --------
    >>> bands = bands_for_positions([], node_height=44.0)
    >>> band_at(bands, -1e9), band_at(bands, 1e9), band_at([], 0.0)
    (3, 1, 2)
    """
    if not bands:
        return 2
    for band in bands:
        if band.top <= y < band.bottom:
            return band.level
    return bands[0].level if y < bands[0].top else bands[-1].level


def band_of(bands: list[Band], level: int) -> Band | None:
    """The band of ``level`` (anything but 1, 2 and 3 counts as meso), or None when there are no bands.

    Examples
    --------
    >>> band_of(bands_for_positions([], node_height=44.0), 0).level
    2
    """
    level = level_of(level)
    return next((band for band in bands if band.level == level), None)


def settle_drop(bands: list[Band], level: int, start_y: float, y: float, *, node_height: float) -> tuple[int, float]:
    """Where a node of ``level`` dragged from ``start_y`` and dropped at ``y`` ends: its level and its y.

    The level changes only on a real drop into another band: the node's centre lands in a
    band other than its own, and other than the one it started in (a node drawn in the
    wrong band does not change level when nudged), and more than :data:`SLIGHT_CROSSING`
    of its height past its own band's edge. A node that only slipped across stays at its
    level and goes back inside its band, wholly when the band is tall enough.

    Parameters
    ----------
    bands : list of Band
        The bands as drawn when the drag began.
    level : int
        The node's level.
    start_y, y : float
        Its centre's y before and after the drag.
    node_height : float
        Height of a node as drawn.

    Returns
    -------
    tuple of (int, float)
        The node's level after the drop (``level`` or the band it was dropped into) and its y.

    Examples
    --------
    >>> bands = [Band(3, 0.0, 200.0), Band(2, 200.0, 400.0), Band(1, 400.0, 600.0)]
    >>> settle_drop(bands, 2, 300.0, 409.0, node_height=44.0)   # 9 px across: back inside
    (2, 378.0)
    >>> settle_drop(bands, 2, 300.0, 500.0, node_height=44.0)
    (1, 500.0)
    >>> settle_drop(bands, 2, 100.0, 110.0, node_height=44.0)   # already in the macro band
    (2, 110.0)
    """
    own = band_of(bands, level)
    target = band_at(bands, y)
    if own is None or target == own.level or target == band_at(bands, start_y):
        return (own.level if own is not None else level_of(level)), y
    past = own.top - y if y < own.top else y - own.bottom
    if past >= node_height * SLIGHT_CROSSING:
        return target, y
    half = min(node_height / 2, (own.bottom - own.top) / 2)
    return own.level, (own.top + half if y < own.top else own.bottom - half)
