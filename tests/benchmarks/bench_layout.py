"""Benchmark the force layout beside networkx's spring layout: time, overlapping nodes, time to the first frame.

For generated organisations of 2,500, 10,000 and 100,000 nodes (the synthetic maps the canvas
benchmark opens), each read through the app's projection into layout input:

* **force layout** (``compute_layout("force", ...)``, :mod:`explorer.layout.force`): wall time, and
  the share of nodes whose slot (``NODE_WIDTH`` x ``NODE_HEIGHT``) overlaps another's;
* **first streamed frame**: wall time from calling :func:`explorer.layout.layouts.force_steps` (12
  frames) to its first frame, what a canvas animating the layout waits before anything moves;
* **baseline**: ``networkx.spring_layout`` on the same graph (50 iterations, its default), scaled as
  the app's force layout scaled it before (90 % of nodes a slot or more from their nearest
  neighbour), and the same overlap measure. It is O(n^2) per iteration: about 5 minutes at 10,000
  nodes here, so it is run only up to ``--spring-max`` nodes (10,000 by default; at 100k it would
  take hours) and the row says so.

Usage::

    python tests/benchmarks/bench_layout.py [--sizes 2500 10000 100000] [--spring-max 10000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

from explorer.layout.layouts import NODE_HEIGHT, NODE_WIDTH, compute_layout, force_steps  # noqa: E402


def _layout_input(nodes: int):
    from explorer.core.document import MapDocument
    from explorer.core.projection import Projection
    from explorer.core.schema import Schema
    from explorer.layout.placement import layout_input

    DATA.mkdir(exist_ok=True)
    path = DATA / f"canvas-{nodes}-s1.nt"  # the canvas benchmark's maps: generated once, shared
    if not path.exists():
        synthetic.write_nodes(path, nodes, 1)
    doc = MapDocument.open(path, editing=False)
    projection = Projection.build(doc.store, Schema.from_store(doc.store))
    return layout_input(projection)


def overlapping_share(xy: np.ndarray) -> float:
    """Share of nodes whose slot overlaps another node's (centres closer than a slot both ways)."""
    slots = xy / np.array([NODE_WIDTH, NODE_HEIGHT])
    pairs = cKDTree(slots).query_pairs(1 - 1e-9, p=np.inf, output_type="ndarray")
    return np.unique(pairs).size / max(len(xy), 1)


def _spring(nodes, edges) -> tuple[float, float]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(node.key for node in nodes)
    graph.add_edges_from((e.source, e.target) for e in edges if e.source != e.target and e.target in graph)
    start = time.perf_counter()
    placed = nx.spring_layout(graph, seed=0)
    seconds = time.perf_counter() - start
    xy = np.array(list(placed.values()))
    # Scaled as the app's force layout did before (issue 18's 4-7 %): until 90 % of nodes are a slot
    # or more from their nearest neighbour. Scaling by the extent instead lets a few outliers squeeze
    # the rest together.
    slots = xy / np.array([NODE_WIDTH, NODE_HEIGHT])
    nearest = cKDTree(slots).query(slots, k=2, p=np.inf)[0][:, 1]
    tenth = float(np.percentile(nearest, 10))
    return seconds, overlapping_share(xy / tenth if tenth > 0 else xy)


def bench(size: int, spring_max: int) -> None:
    start = time.perf_counter()
    nodes, edges = _layout_input(size)
    load = time.perf_counter() - start
    print(f"\n{len(nodes):,} nodes, {len(edges):,} ties (map read in {load:.1f} s)")

    start = time.perf_counter()
    pos = compute_layout("force", nodes, edges, seed=0)
    force = time.perf_counter() - start
    share = overlapping_share(np.array(list(pos.values())))

    start = time.perf_counter()
    steps = force_steps(nodes, edges, seed=0, frames=12)
    next(steps)
    first = time.perf_counter() - start
    steps.close()

    print(f"  {'force layout (mesh FR + snap)':40} {force:8.2f} s   {100 * share:5.1f} % overlapping")
    print(f"  {'  first streamed frame':40} {first:8.2f} s")
    if len(nodes) <= spring_max:
        seconds, spring_share = _spring(nodes, edges)
        print(f"  {'networkx spring_layout (baseline)':40} {seconds:8.2f} s   {100 * spring_share:5.1f} % overlapping")
    else:
        print(f"  {'networkx spring_layout (baseline)':40} skipped: above --spring-max={spring_max:,} (O(n^2))")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 10_000, 100_000])
    parser.add_argument("--spring-max", type=int, default=10_000)
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args.spring_max)


if __name__ == "__main__":
    main()
