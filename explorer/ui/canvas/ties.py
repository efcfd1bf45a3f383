"""The canvas's ties: batched by style and by tile, so an edit redraws the tiles it touches, not the map.

One :class:`~explorer.ui.canvas.items.EdgeBatch` per (style, tile): a tie lives in the tile of its
midpoint, on a grid of :data:`TILE` scene units. A new tie, a removed one or a moved node's ties
change a few batches of a few hundred lines each (about a millisecond), where one batch per style
meant redrawing every tie of that style (a third of a second on a 10k-node map). A whole-map change
(a layout, a theme) rebuilds every batch at once, grouped with numpy.

Examples
--------
>>> from PySide6.QtWidgets import QGraphicsRectItem
>>> parent = QGraphicsRectItem()
>>> layer = TieLayer(parent, lambda style: __import__("PySide6.QtGui").QtGui.QPen())
>>> layer.rebuild(["a"], [("#000000", "solid", 1.0)], ["supports"], [(0.0, 0.0, 400.0, 0.0)])
>>> len(layer), "a" in layer
(1, True)
>>> layer.update({"a": None})
>>> len(layer)
0
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPen

from explorer.ui.canvas.items import EdgeBatch, TieSurface, clip_to_boxes

#: Least side of a tile, in scene units: at 10k nodes a tile holds a few hundred ties of a style.
TILE = 1600.0
#: Most tiles across the map's longer side: a map spread far (a circular layout of 10k nodes is ~100k units
#: across) gets bigger tiles, not tens of thousands of batches of one or two ties each.
TILES_ACROSS = 10


def _grown(area: QRectF | None, ends) -> QRectF:
    """``area`` grown to hold the segment ``ends``."""
    x1, y1, x2, y2 = ends
    rect = QRectF(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
    return rect if area is None else area.united(rect)


class TieLayer:
    """Every tie drawn on the canvas, in batches by (style, tile), with the ties' clipped ends by key.

    Parameters
    ----------
    parent : QGraphicsItem
        The layer item the ties' :class:`~explorer.ui.canvas.items.TieSurface` is made under.
    pen_for : callable
        ``pen_for(style)`` -> the QPen a batch of ``style`` draws with.
    """

    def __init__(self, parent, pen_for: Callable[[tuple], QPen]) -> None:
        self._surface = TieSurface(parent)
        self._pen_for = pen_for
        self._batches: dict[tuple, EdgeBatch] = {}  # (style, tx, ty) -> batch
        self._home: dict = {}  # tie key -> (style, tx, ty)
        # A batch's ties by key ({key: (ends, name)}), made when an edit first touches the batch: a
        # whole-map rebuild then stays in numpy and lists.
        self._members: dict[tuple, dict] = {}
        self._tile = TILE  # chosen for the map at each rebuild, kept by the updates between
        self.show_arrows = True

    # -------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self._home)

    def __contains__(self, key) -> bool:
        return key in self._home

    def ends(self, key) -> tuple | None:
        """The drawn ends ``(x1, y1, x2, y2)`` of tie ``key`` (clipped to the node boxes), or None."""
        home = self._home.get(key)
        return None if home is None else self._members_of(home)[key][0]

    def batches(self) -> Iterator[tuple[tuple, EdgeBatch]]:
        """``(style, batch)`` for every batch holding ties."""
        for (style, _, _), batch in self._batches.items():
            if batch.keys:
                yield style, batch

    def drawn(self) -> Iterator[tuple]:
        """``(key, (x1, y1, x2, y2), style)`` for every tie drawn."""
        for (style, _, _), batch in self._batches.items():
            for key, ends in zip(batch.keys, batch.coords.tolist()):
                yield key, tuple(ends), style

    def nearest(self, x: float, y: float, limit: float):
        """The key of the tie nearest ``(x, y)`` within ``limit`` scene units, or None."""
        best, best_d2 = None, limit * limit
        for batch in self._batches.values():
            rect = batch.rect
            if not batch.keys or not (
                rect.left() - limit <= x <= rect.right() + limit and rect.top() - limit <= y <= rect.bottom() + limit
            ):
                continue
            c = batch.coords
            x1, y1, x2, y2 = c[:, 0], c[:, 1], c[:, 2], c[:, 3]
            dx, dy = x2 - x1, y2 - y1
            length2 = dx * dx + dy * dy
            t = np.clip(((x - x1) * dx + (y - y1) * dy) / np.where(length2 == 0, 1, length2), 0, 1)
            d2 = (x1 + t * dx - x) ** 2 + (y1 + t * dy - y) ** 2
            index = int(np.argmin(d2))
            if d2[index] <= best_d2:
                best, best_d2 = batch.keys[index], float(d2[index])
        return best

    # -------------------------------------------------------------- writing
    def clear(self) -> None:
        """Forget every tie (the batches stay, empty, for reuse)."""
        self._home.clear()
        self._members.clear()
        self._surface.hold()
        for batch in self._batches.values():
            if batch.keys:
                batch.keys = []
                batch.set_lines(np.zeros((0, 4)))
        self._surface.release()

    def rebuild(self, keys: list, styles: list, names: list, ends) -> None:
        """Draw exactly these ties: ``styles[i]``, ``names[i]`` and centre-to-centre ``ends[i]`` of ``keys[i]``."""
        for step in self.rebuild_steps(keys, styles, names, ends):
            step()

    def rebuild_steps(self, keys: list, styles: list, names: list, ends, *, per_step: int = 60) -> list:
        """:meth:`rebuild` as steps to run in order, ``per_step`` batches each (a turn of the event loop each).

        The ties are grouped by (style, tile) in numpy now, in this call; the steps fill the batches, and the
        last paints the surface again, once. Until the last step the layer is half refilled: the canvas runs
        the steps out before it reads or changes the ties. At 10k nodes the whole took 100 ms in one turn.
        """
        self._members = {}
        self._surface.hold()
        coords = clip_to_boxes(np.asarray(ends, dtype=float).reshape(-1, 4))
        look: dict = {}
        numbers = np.fromiter((look.setdefault(s, len(look)) for s in styles), dtype=np.int64, count=len(styles))
        middles = (coords[:, :2] + coords[:, 2:]) / 2
        filled: set = set()
        homes: list = [None] * len(keys)
        groups: list = []
        if len(coords):
            self._tile = max(TILE, float(np.ptp(middles, axis=0).max()) / TILES_ACROSS)
            tiles = np.floor(middles / self._tile).astype(np.int64)
            shifted = tiles - tiles.min(axis=0)
            across = int(shifted[:, 1].max()) + 1
            cells = int(shifted[:, 0].max() + 1) * across
            group = numbers * cells + shifted[:, 0] * across + shifted[:, 1]  # one integer per (style, tile)
            order = np.argsort(group, kind="stable")
            sorted_groups = group[order]
            starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
            bounds = np.r_[starts, len(order)].tolist()
            by_number = {number: style for style, number in look.items()}
            groups = [order[bounds[g] : bounds[g + 1]] for g in range(len(starts))]

        def fill(chosen_groups: list) -> None:
            for chosen in chosen_groups:
                first = int(chosen[0])
                tx, ty = tiles[first].tolist()
                home = (by_number[int(numbers[first])], tx, ty)
                picked = chosen.tolist()
                for i in picked:
                    homes[i] = home
                self._fill(home, [keys[i] for i in picked], coords[chosen], [names[i] for i in picked])
                filled.add(home)

        def finish() -> None:
            self._home = dict(zip(keys, homes))
            for home, batch in self._batches.items():
                if home not in filled and batch.keys:
                    self._fill(home, [], np.zeros((0, 4)), [])
            self._surface.release()

        return [*(partial(fill, groups[i : i + per_step]) for i in range(0, len(groups), per_step)), finish]

    def update(self, entries: dict) -> None:
        """Redraw some ties: ``{key: (style, name, (x1, y1, x2, y2)) or None}``, ends centre to centre, None to hide."""
        dirty: dict = {}  # home -> the area of the lines that left or came
        keys = list(entries)
        shown = [key for key in keys if entries[key] is not None]
        clipped = clip_to_boxes(np.array([entries[k][2] for k in shown], dtype=float).reshape(-1, 4)).tolist()
        for key in keys:
            home = self._home.pop(key, None)
            if home is not None:
                ends, _ = self._members_of(home).pop(key)
                dirty[home] = _grown(dirty.get(home), ends)
        for key, ends in zip(shown, clipped):
            style, name, _ = entries[key]
            x1, y1, x2, y2 = ends
            home = (style, int((x1 + x2) // (2 * self._tile)), int((y1 + y2) // (2 * self._tile)))
            self._members_of(home)[key] = (tuple(ends), name)
            self._home[key] = home
            dirty[home] = _grown(dirty.get(home), ends)
        for home, area in dirty.items():
            members = self._members[home]
            values = list(members.values())
            coords = np.array([v[0] for v in values], dtype=float).reshape(-1, 4)
            self._fill(home, list(members), coords, [v[1] for v in values], area)

    def set_arrows(self, shown: bool) -> None:
        """Show or hide arrowheads on every batch (they hide when zoomed out)."""
        self.show_arrows = shown
        for batch in self._batches.values():
            batch.show_arrows = shown
        self._surface.update()

    def _members_of(self, home: tuple) -> dict:
        members = self._members.get(home)
        if members is None:
            batch = self._batches.get(home)
            members = (
                {} if batch is None else dict(zip(batch.keys, zip(map(tuple, batch.coords.tolist()), batch.labels)))
            )
            self._members[home] = members
        return members

    def _fill(self, home: tuple, keys: list, coords: np.ndarray, names: list, changed: QRectF | None = None) -> None:
        batch = self._batches.get(home)
        if batch is None:
            batch = EdgeBatch(self._pen_for(home[0]), self._surface)
            batch.show_arrows = self.show_arrows
            self._batches[home] = batch
        batch.keys = keys
        batch.set_lines(coords, names, changed)
