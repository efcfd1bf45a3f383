"""Where Focus draws a node's neighbourhood: around the node, ring by ring, each node in its own level band.

Focus shows a node and the nodes a few ties away. At their places on the whole map those neighbours can lie
anywhere, so the view would zoom out until nothing is readable. This arrangement is for the focus view only
(nothing is saved): the focused node in the middle, the nodes one tie away in the places nearest it, two ties
away in the next, and so on, each inside its level's band as the map draws it, in rows the band has room for.
Qt-free.

Examples
--------
>>> from explorer.layout.bands import Band
>>> bands = [Band(3, 0.0, 300.0), Band(2, 300.0, 600.0), Band(1, 600.0, 900.0)]
>>> spots = focus_positions(
...     rings={"a": 0, "b": 1, "c": 1, "d": 2},
...     levels={"a": 2, "b": 2, "c": 1, "d": 2},
...     bands=bands, centre_x=1000.0, node_size=(130.0, 44.0))
>>> spots["a"]                      # the focused node: in the middle of its band, at the centre
(1000.0, 450.0)
>>> spots["c"]                      # one tie away, in its own (micro) band, straight below
(1000.0, 750.0)
>>> import math
>>> math.dist(spots["b"], spots["a"]) <= math.dist(spots["d"], spots["a"])   # nearer rings sit nearer
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .bands import Band, band_of

__all__ = ["focus_positions", "rings_from"]

#: Room between neighbouring nodes, beyond the node itself: across (for labels wider than a node) and down.
_GAP_X, _GAP_Y = 56.0, 34.0
#: Space kept inside a band's edges.
_PAD = 24.0


def rings_from(starts, neighbours, depth: int) -> dict:
    """How many ties each node within ``depth`` ties of ``starts`` is from them (breadth first).

    Parameters
    ----------
    starts : iterable
        The focused nodes (ring 0).
    neighbours : callable
        ``neighbours(node)`` gives the nodes tied to ``node``, either direction.
    depth : int
        How many ties away to go.

    Examples
    --------
    >>> ties = {"a": ["b"], "b": ["a", "c"], "c": ["b"]}
    >>> rings_from(["a"], ties.__getitem__, 1)
    {'a': 0, 'b': 1}
    >>> rings_from(["a"], ties.__getitem__, 5)
    {'a': 0, 'b': 1, 'c': 2}
    """
    rings = dict.fromkeys(starts, 0)
    frontier = list(rings)
    for ring in range(1, max(0, depth) + 1):
        step = []
        for node in frontier:
            for other in neighbours(node):
                if other not in rings:
                    rings[other] = ring
                    step.append(other)
        if not step:
            break
        frontier = step
    return rings


def focus_positions(
    *,
    rings: Mapping,
    levels: Mapping,
    bands: list[Band],
    centre_x: float,
    node_size: tuple[float, float],
    order: Mapping | None = None,
    aspect: float | None = None,
) -> dict:
    """Places for the nodes of a neighbourhood: the focused ones in the middle, farther rings farther out.

    Parameters
    ----------
    rings : mapping
        ``{node: ties away}``; 0 for the focused nodes (see :func:`rings_from`).
    levels : mapping
        ``{node: level}`` (3 macro, 2 meso, 1 micro); each node stays inside its level's band.
    bands : list of Band
        The bands as the map draws them.
    centre_x : float
        Where the focused nodes go across.
    node_size : (float, float)
        A node's width and height as drawn.
    order : mapping, optional
        ``{node: (x, y)}`` where the nodes are on the map: among nodes as far away, those further
        left there stay further left here.
    aspect : float, optional
        The width of the view over its height: each level's nodes then fill a block about that shape
        (fewer rows than its band has room for, when it has room for more) instead of every row the band
        has. A unit's 1,260 members had stood 105 rows high and 12 wide, drawn at 7 % in a wide view.

    Returns
    -------
    dict
        ``{node: (x, y)}``, no two nodes on the same spot, each inside its band.

    Examples
    --------
    >>> from explorer.layout.bands import bands_for_positions
    >>> bands = bands_for_positions([(2, 0.0)], node_height=44.0)
    >>> spots = focus_positions(rings={n: 1 for n in "abcdefg"} | {"x": 0}, levels=dict.fromkeys("abcdefgx", 2),
    ...                         bands=bands, centre_x=0.0, node_size=(130.0, 44.0))
    >>> len(set(spots.values())) == 8 and all(bands[1].top < y < bands[1].bottom for _, y in spots.values())
    True
    """
    width, height = node_size
    step_x, step_y = width + _GAP_X, height + _GAP_Y
    order = order or {}
    by_level: dict = {}
    for node in rings:
        by_level.setdefault(levels.get(node, 2), []).append(node)
    spots: dict = {}
    for level, members in by_level.items():
        band = band_of(bands, level)
        middle = (band.top + band.bottom) / 2 if band is not None else 0.0
        room = (band.bottom - band.top - height - 2 * _PAD) if band is not None else 0.0
        # Rows above and below the band's middle, as many as it has room for (at least the middle one).
        reach = max(0, int(room / 2 // step_y))
        if aspect:
            # r rows of c columns hold the n nodes, with c * step_x / (r * step_y) near aspect when
            # r = sqrt(n * step_x / (aspect * step_y)).
            wanted = math.sqrt(len(members) * step_x / (aspect * step_y))
            reach = min(reach, max(0, math.ceil((wanted - 1) / 2)))
        rows = sorted(range(-reach, reach + 1), key=abs)
        columns = math.ceil(len(members) / len(rows)) + 1
        # The places nearest the middle first: a neighbour's distance on screen follows its ring.
        slots = sorted(
            ((c, r) for c in range(-columns, columns + 1) for r in rows),
            key=lambda s: (math.hypot(s[0] * step_x, s[1] * step_y), s[0] < 0, s[1]),
        )
        members.sort(key=lambda n: (rings[n], order.get(n, (0.0, 0.0))))
        taken = 0
        for ring in sorted({rings[n] for n in members}):
            # Within one ring, keep the map's left-to-right order across the ring's places.
            group = [n for n in members if rings[n] == ring]
            places = sorted(slots[taken : taken + len(group)])
            taken += len(group)
            group.sort(key=lambda n: order.get(n, (0.0, 0.0)))
            for node, (column, row) in zip(group, places, strict=True):
                spots[node] = (centre_x + column * step_x, middle + row * step_y)
    return spots
