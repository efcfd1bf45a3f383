"""The macro, meso and micro bands behind the map: where each level's nodes sit."""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.presentation import LEVELS
from explorer.ui.common.shapes import NODE_H

BAND_MIN_HEIGHT = 220.0


@dataclass
class Band:
    """One level band in scene coordinates."""

    level: int
    top: float
    bottom: float


def bands_for_positions(levels_and_ys, *, minimum: float = BAND_MIN_HEIGHT) -> list[Band]:
    """Bands for macro (top), meso and micro (bottom) that hold the nodes where they are.

    ``levels_and_ys`` is an iterable of ``(level, y)``. Each band spans its
    nodes plus a margin; the boundary between neighbours is half-way between
    them; empty levels get a band of ``minimum`` height.
    """
    extents: dict = {}
    for level, y in levels_and_ys:
        level = level if level in LEVELS else 2
        low, high = extents.get(level, (y, y))
        extents[level] = (min(low, y), max(high, y))
    margin = NODE_H / 2 + 40
    spans = {}
    for level, (low, high) in extents.items():
        top, bottom = low - margin, high + margin
        if bottom - top < minimum:
            middle = (top + bottom) / 2
            top, bottom = middle - minimum / 2, middle + minimum / 2
        spans[level] = (top, bottom)
    order = (3, 2, 1)
    bands: list[Band] = []
    for index, level in enumerate(order):
        if level in spans:
            top, bottom = spans[level]
        elif bands:
            top = bands[-1].bottom
            bottom = top + minimum
        else:
            following = next((spans[lv][0] for lv in order[index + 1 :] if lv in spans), minimum * (index + 1))
            top, bottom = following - minimum, following
        if bands:
            # Neighbouring bands meet half-way, whether they overlap or leave a gap.
            boundary = (bands[-1].bottom + top) / 2
            bands[-1].bottom = boundary
            top = boundary
            if bottom - top < NODE_H:
                bottom = top + minimum
        bands.append(Band(level, top, bottom))
    return bands
