"""Moving around the map by keyboard: the nodes in reading order, the nearest node in a direction.

Plain geometry on node centres (scene coordinates, y down), so the canvas's keys, its accessibility
children and the tests agree on one order. No Qt.

Examples
--------
>>> spots = {"a": (0, 0), "b": (200, 10), "c": (100, 300), "d": (-50, 320)}
>>> reading_order(spots, {"a": 3, "b": 3, "c": 2, "d": 2})
['a', 'b', 'd', 'c']
>>> toward(spots["a"], spots, (1, 0)), toward(spots["a"], spots, (0, 1)), toward(spots["a"], spots, (0, -1))
('b', 'd', None)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["reading_order", "toward"]


def reading_order(positions: Mapping, levels: Mapping) -> list:
    """The nodes as one reads the map: band by band from the top (macro, meso, micro), left to right in each.

    Parameters
    ----------
    positions : mapping
        ``{node: (x, y)}``.
    levels : mapping
        ``{node: level}`` of the band each node is drawn in (3 macro at the top ... 1 micro).

    Examples
    --------
    >>> reading_order({"x": (5, 0), "y": (5, -10), "z": (-5, 0)}, {"x": 2, "y": 2, "z": 2})
    ['z', 'y', 'x']
    """
    return sorted(positions, key=lambda n: (-levels.get(n, 2), positions[n][0], positions[n][1], str(n)))


def toward(origin, positions: Mapping, direction) -> object | None:
    """The node nearest ``origin`` in ``direction`` (``(dx, dy)``, y down), or None when nothing lies that way.

    Only nodes within about 60 degrees of the direction count (no more than twice as far across it as
    along it); the nearest by distance along it plus twice the distance across it wins, so the node
    straight ahead beats a nearer one off to the side.

    Examples
    --------
    >>> toward((0, 0), {"near-side": (100, 90), "ahead": (160, 0)}, (1, 0))
    'ahead'
    >>> toward((0, 0), {"above": (10, -200)}, (1, 0)) is None
    True
    """
    dx, dy = direction
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    best = None
    for node, (x, y) in positions.items():
        rx, ry = x - origin[0], y - origin[1]
        along = rx * dx + ry * dy
        across = abs(rx * -dy + ry * dx)
        if along <= 1e-6 or across > 2 * along:
            continue
        score = (along + 2 * across, str(node))
        if best is None or score < best[0]:
            best = (score, node)
    return best[1] if best is not None else None
