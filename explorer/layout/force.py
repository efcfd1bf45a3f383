"""A force-directed drawing that scales to 100k nodes, each node kept in its level's rows, then put on free slots.

The engine behind the "force" layout (:func:`explorer.layout.layouts.force_steps`). It works in *slot
units*: one unit across is one node slot wide, one unit down one slot high, so two nodes overlap exactly
when both their distances are below 1. Each node moves inside a box: all columns of the map, and the rows
of its level's band.

Fruchterman-Reingold forces (attraction ``d**2 / k`` along ties, repulsion ``k**2 / d`` between every
pair) with the repulsion computed on a mesh: nodes are spread onto a grid (cloud in cell), the grid is
convolved with the repulsion kernel by FFT (scipy), and each node reads the force back from the grid
with the same weights, which cancels a node's force on itself. That costs O(n + G log G) per iteration
for a grid of G cells, instead of O(n**2), and everything runs in numpy and scipy's compiled code.
A pull towards the middle of the map, of the strength under which repelling nodes settle into an evenly
filled ellipse, keeps loose nodes and small components off the edges.

Why this and not a library (measured on this 2-core machine, synthetic organisations):

* igraph's ``layout_fruchterman_reingold(grid=True)`` is fast (0.4 s at 10k nodes) but its repulsion
  reaches only two units, so the drawing collapses: 10k nodes in an 8 x 8 square, the median nearest
  neighbour 40 times closer than the median tie. Without the grid it is O(n**2): 98 s at 10k nodes.
* igraph's ``layout_drl`` takes 14 s at 10k nodes (over two minutes expected at 100k).
* ``fa2`` (ForceAtlas2, Barnes-Hut) ships only as source on PyPI and needs a C compiler to install.

After the run :func:`snap_to_slots` moves each node onto the nearest free slot of its rows (a spiral
search over a set of taken slots), so no two nodes overlap and the drawing keeps its shape.

Examples
--------
>>> import numpy as np
>>> rows = np.array([[0, 1], [3, 5]])        # level 0 in row 0, level 1 in rows 3 and 4
>>> level = np.array([0, 1, 1, 1])
>>> run = ForceRun(np.array([1, 2]), np.array([2, 3]), level, rows, columns=4,
...                start=np.zeros(4), seed=0, iterations=20)
>>> frames = [xy.copy() for xy in run.steps(chunks=4)]
>>> len(frames), frames[-1].shape
(4, (4, 2))
>>> cells = snap_to_slots(frames[-1], level, rows)
>>> len({tuple(c) for c in cells.tolist()}), bool(np.all(cells[level == 1, 1] >= 3))
(4, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

__all__ = ["ITERATIONS", "SPREAD", "ForceRun", "snap_to_slots"]

#: Slots of room per node: the box a level's nodes move in holds this many slots for each, so the
#: drawing has air between nodes and snapping moves few of them far.
SPREAD = 2.5
#: Iterations of a run; the temperature falls linearly to zero over them.
ITERATIONS = 120
# The mesh has at most this many cells: a finer one costs more per iteration and changes little, since
# snapping settles who sits where within a few slots.
_MAX_CELLS = 65_536
# Start temperature as a share of the larger side of the box: the first iterations may move a node that far.
_START_TEMPERATURE = 0.1


class ForceRun:
    """One force-directed run, iteration by iteration; :meth:`steps` yields the positions as it goes.

    Parameters
    ----------
    src, dst : ndarray of int
        The ties, one pair of node numbers each; each pair once, no self-loops.
    level : ndarray of int
        Each node's box, an index into ``rows``.
    rows : ndarray of shape (boxes, 2)
        First row and one past the last of each box (slot units). A node's centre stays between its
        box's first and last row.
    columns : int
        Width of every box in slots; centres stay between 0 and ``columns - 1``.
    start : ndarray
        Each node's starting column (the row is drawn at random within its box).
    seed : int
        Seed of the random starting rows and jitter.
    iterations : int, optional
        Length of the run.
    """

    def __init__(
        self,
        src: np.ndarray,
        dst: np.ndarray,
        level: np.ndarray,
        rows: np.ndarray,
        *,
        columns: int,
        start: np.ndarray,
        seed: int,
        iterations: int = ITERATIONS,
    ) -> None:
        n = level.size
        rng = np.random.default_rng(seed)
        self.src, self.dst = src, dst
        self.iterations = iterations
        self.done = 0
        self.low = np.column_stack([np.zeros(n), rows[level, 0].astype(float)])
        self.high = np.column_stack([np.full(n, columns - 1.0), rows[level, 1] - 1.0])
        xy = np.column_stack([start, self.low[:, 1] + rng.random(n) * (self.high[:, 1] - self.low[:, 1])])
        # A little jitter, so nodes that start on the same column do not move as one.
        xy[:, 0] += rng.uniform(-0.5, 0.5, n)
        self.xy = np.clip(xy, self.low, self.high)
        height = float(rows[:, 1].max())
        self.centre = np.array([(columns - 1) / 2, (height - 1) / 2])
        # The ideal distance between nodes: the side of the square each node has to itself.
        self.k = k = math.sqrt(max(columns * height, 1.0) / max(n, 1))
        # An even ellipse of density 1 / k**2 filling the box is at rest under this pull (the field inside a
        # uniformly charged ellipse grows linearly, along each axis in proportion to the other axis).
        a, b = max(columns / 2, 0.5), max(height / 2, 0.5)
        density = n / (math.pi * a * b)
        self.gravity = 2 * math.pi * density * k * k * np.array([b, a]) / (a + b)
        self.temperature = _START_TEMPERATURE * max(columns, height)
        self._mesh(columns, height)

    def _mesh(self, width: float, height: float) -> None:
        """The grid the repulsion is spread on, and the Fourier transform of its kernel."""
        # Here, not at start: scipy.fft brings scipy.special, a seventh of a second of every start.
        import scipy.fft

        self._fft = scipy.fft
        self.cell = cell = max(1.0, math.sqrt(width * height / _MAX_CELLS))
        self.shape = gx, gy = int(width / cell) + 2, int(height / cell) + 2
        # Twice the grid, so the convolution does not wrap around.
        self.padded = (self._fft.next_fast_len(2 * gx, real=True), self._fft.next_fast_len(2 * gy, real=True))
        ox = np.fft.fftfreq(self.padded[0], 1 / self.padded[0]) * cell
        oy = np.fft.fftfreq(self.padded[1], 1 / self.padded[1]) * cell
        dx, dy = np.meshgrid(ox, oy, indexing="ij")
        d2 = dx * dx + dy * dy
        d2[0, 0] = 1.0
        scale = self.k * self.k / d2
        scale[0, 0] = 0.0
        self.kernel_x = self._fft.rfft2(dx * scale)
        self.kernel_y = self._fft.rfft2(dy * scale)

    def _repulsion(self) -> np.ndarray:
        gx, gy = self.shape
        g = self.xy / self.cell
        i = np.clip(np.floor(g).astype(np.int64), 0, [gx - 2, gy - 2])
        f = g - i
        corners = []
        for ox, oy in ((0, 0), (1, 0), (0, 1), (1, 1)):
            weight = (f[:, 0] if ox else 1 - f[:, 0]) * (f[:, 1] if oy else 1 - f[:, 1])
            corners.append(((i[:, 0] + ox) * gy + i[:, 1] + oy, weight))
        mass = np.zeros(gx * gy)
        for flat, weight in corners:
            mass += np.bincount(flat, weights=weight, minlength=gx * gy)
        spectrum = self._fft.rfft2(mass.reshape(gx, gy), s=self.padded)
        force = np.zeros_like(self.xy)
        for axis, kernel in ((0, self.kernel_x), (1, self.kernel_y)):
            field = self._fft.irfft2(spectrum * kernel, s=self.padded)[:gx, :gy].reshape(-1)
            force[:, axis] = sum(field[flat] * weight for flat, weight in corners)
        return force

    def step(self) -> None:
        """One iteration: move every node along its net force, by at most the temperature, inside its box."""
        xy = self.xy
        force = self._repulsion()
        force -= self.gravity * (xy - self.centre)
        if self.src.size:
            pull = xy[self.dst] - xy[self.src]
            n = xy.shape[0]
            for axis in (0, 1):
                force[:, axis] += np.bincount(self.src, weights=pull[:, axis], minlength=n)
                force[:, axis] -= np.bincount(self.dst, weights=pull[:, axis], minlength=n)
        temperature = self.temperature * (1 - self.done / self.iterations)
        length = np.hypot(force[:, 0], force[:, 1])
        limit = np.minimum(length, temperature) / np.maximum(length, 1e-12)
        self.xy = np.clip(xy + force * limit[:, None], self.low, self.high)
        self.done += 1

    def steps(self, chunks: int) -> Iterator[np.ndarray]:
        """Run to the end in ``chunks`` runs of iterations, yielding the positions (slot units) after each.

        The temperature goes on falling from chunk to chunk: how the run is cut up does not change it.
        The array yielded is the run's own and changes with the next chunk.
        """
        chunks = max(1, min(chunks, self.iterations - self.done))
        ends = np.linspace(self.done, self.iterations, chunks + 1).round().astype(int)[1:]
        for end in ends.tolist():
            while self.done < end:
                self.step()
            yield self.xy


def snap_to_slots(
    xy: np.ndarray, level: np.ndarray, rows: np.ndarray, priority: np.ndarray | None = None
) -> np.ndarray:
    """The slot ``(column, row)`` of each node: the free one nearest its position, within its box's rows.

    Nodes are taken in ``priority`` order (by default by number); each takes its nearest slot if free,
    or else the nearest free slot of its rows, searched ring by ring (columns from 0, as far right as
    needed). No two nodes share a slot, and the same input gives the same slots.

    Examples
    --------
    >>> import numpy as np
    >>> snap_to_slots(np.array([[0.2, 0.1], [0.3, 0.0], [0.1, 0.4]]), np.zeros(3, dtype=int), np.array([[0, 1]]))
    array([[0, 0],
           [1, 0],
           [2, 0]])
    """
    n = level.size
    first, last = rows[level, 0], rows[level, 1] - 1
    column = np.maximum(np.rint(xy[:, 0]).astype(np.int64), 0)
    row = np.clip(np.rint(xy[:, 1]).astype(np.int64), first, last)
    order = np.arange(n) if priority is None else np.asarray(priority)
    width = int(column.max()) + n + 1 if n else 1
    cell = row * width + column
    # Everyone whose nearest slot nobody earlier in the order wants takes it at once.
    _, winners = np.unique(cell[order], return_index=True)
    taken = np.zeros(n, dtype=bool)
    taken[order[winners]] = True
    occupied = set(cell[taken].tolist())
    out = np.column_stack([column, row])
    # Slots are wider than tall: measure the way to a free slot on screen, not in slot counts.
    aspect = 175.0 / 95.0
    losers = order[~taken[order]]
    # Per wanted slot, the ring where the last search from it succeeded: every ring inside it was full
    # then and still is, so the next node wanting that slot starts there (a pile of k nodes costs
    # O(k**1.5) slots looked at, not O(k**2)).
    reached: dict[int, int] = {}
    for node in losers.tolist():
        x, y = float(xy[node, 0]), float(xy[node, 1])
        c0, r0, lo, hi = int(column[node]), int(row[node]), int(first[node]), int(last[node])
        wanted = int(cell[node])
        radius = reached.get(wanted, 1)
        while True:
            best = None
            for dr in range(max(-radius, lo - r0), min(radius, hi - r0) + 1):
                r = r0 + dr
                step = 1 if abs(dr) == radius else 2 * radius
                for dc in range(-radius, radius + 1, step):
                    c = c0 + dc
                    if c < 0 or r * width + c in occupied:
                        continue
                    dist = ((c - x) * aspect) ** 2 + (r - y) ** 2
                    if best is None or dist < best[0]:
                        best = (dist, c, r)
            if best is not None:
                break
            radius += 1
        _, c, r = best
        reached[wanted] = radius
        occupied.add(r * width + c)
        out[node] = (c, r)
    return out
