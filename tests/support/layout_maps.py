"""Maps for the layout tests: a generated organisation, and the check that no two nodes overlap."""

from __future__ import annotations

import random

import numpy as np
from scipy.spatial import cKDTree

from explorer.layout.layouts import NODE_HEIGHT, NODE_WIDTH, LayoutEdge, LayoutNode

EX = "http://example.org/"
PERSON, UNIT, LAW = f"{EX}Person", f"{EX}Unit", f"{EX}Law"


def organisation(people: int, seed: int = 1) -> tuple[list[LayoutNode], list[LayoutEdge]]:
    """Units in a tree (meso), people in units (micro), laws (macro), some isolated nodes and noise."""
    rng = random.Random(seed)
    units = max(2, people // 20)
    laws = max(1, people // 50)
    nodes = [LayoutNode(f"{EX}unit/{u}", 2, UNIT) for u in range(units)]
    nodes += [LayoutNode(f"{EX}person/{p}", 1, PERSON) for p in range(people)]
    nodes += [LayoutNode(f"{EX}law/{k}", 3, LAW) for k in range(laws)]
    nodes += [LayoutNode(f"{EX}loose/{i}", 0) for i in range(max(1, people // 25))]
    edges = [LayoutEdge(f"{EX}unit/{u}", f"{EX}unit/{rng.randrange(u)}", True) for u in range(1, units)]
    for p in range(people):
        edges.append(LayoutEdge(f"{EX}person/{p}", f"{EX}unit/{rng.randrange(units)}", True))
        edges.append(LayoutEdge(f"{EX}person/{p}", f"{EX}person/{rng.randrange(people)}"))
    edges += [LayoutEdge(f"{EX}unit/{rng.randrange(units)}", f"{EX}law/{k}") for k in range(laws)]
    # A separate little team, a self-loop and an edge to a node that is not on the map.
    nodes += [LayoutNode(f"{EX}team/{i}", 1, PERSON) for i in range(3)]
    edges += [LayoutEdge(f"{EX}team/0", f"{EX}team/1"), LayoutEdge(f"{EX}team/1", f"{EX}team/2", True)]
    edges += [LayoutEdge(f"{EX}person/0", f"{EX}person/0"), LayoutEdge(f"{EX}person/1", f"{EX}nowhere")]
    return nodes, edges


def assert_no_overlap(pos: dict[str, tuple[float, float]]) -> None:
    """No two centres closer than a slot: NODE_WIDTH apart in x or NODE_HEIGHT apart in y."""
    xy = np.array(list(pos.values())) / [NODE_WIDTH, NODE_HEIGHT]
    # Chebyshev distance in slot units below 1 means both gaps are too small.
    clashes = cKDTree(xy).query_pairs(1 - 1e-9, p=np.inf)
    assert not clashes, f"{len(clashes)} overlapping pairs, e.g. {sorted(clashes)[:3]}"
