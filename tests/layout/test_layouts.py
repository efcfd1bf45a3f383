"""Canvas layouts: every node placed, as plain floats, reproducibly; levels in their bands without overlaps."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from explorer.core.errors import OperationCancelled
from explorer.layout.bands import band_at, level_of
from explorer.layout.layouts import (
    LAYOUTS,
    LEAST_LEVEL_SHARE,
    NODE_HEIGHT,
    NODE_WIDTH,
    LayoutEdge,
    LayoutNode,
    bands_for,
    compute_layout,
)
from tests.support.layout_maps import EX, LAW, PERSON, UNIT, assert_no_overlap, organisation


@pytest.fixture(scope="module")
def small():
    return organisation(60)


def test_layouts_are_listed_in_menu_order():
    assert LAYOUTS == {
        "levels": "By level",
        "force": "Force-directed",
        "hierarchical": "Hierarchical",
        "circular": "Circular",
    }


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_node_gets_a_plain_float_position(name, small):
    nodes, edges = small
    pos = compute_layout(name, nodes, edges)
    assert set(pos) == {node.key for node in nodes}
    for x, y in pos.values():
        assert type(x) is float and type(y) is float
        assert math.isfinite(x) and math.isfinite(y) and x >= 0 and y >= 0


@pytest.mark.parametrize("name", LAYOUTS)
def test_same_seed_and_input_give_the_same_layout_whatever_the_input_order(name, small):
    nodes, edges = small
    first = compute_layout(name, nodes, edges, seed=3)
    rng = random.Random(7)
    shuffled_nodes, shuffled_edges = nodes[:], edges[:]
    rng.shuffle(shuffled_nodes)
    rng.shuffle(shuffled_edges)
    assert compute_layout(name, shuffled_nodes, shuffled_edges, seed=3) == first


def test_force_layout_follows_the_seed(small):
    nodes, edges = small
    assert compute_layout("force", nodes, edges, seed=1) != compute_layout("force", nodes, edges, seed=2)


@pytest.mark.parametrize("name", LAYOUTS)
def test_self_loops_and_stray_edges_are_ignored(name, small):
    nodes, edges = small
    clean = [e for e in edges if e.source != e.target and not e.target.endswith("nowhere")]
    assert compute_layout(name, nodes, edges) == compute_layout(name, nodes, clean)


@pytest.mark.parametrize("name", LAYOUTS)
def test_empty_and_single_node(name):
    assert compute_layout(name, [], []) == {}
    assert compute_layout(name, [], [LayoutEdge("a", "b")]) == {}
    ((x, y),) = compute_layout(name, [LayoutNode("a", 2)], [LayoutEdge("a", "a")]).values()
    assert type(x) is float and type(y) is float


def test_unknown_layout_names_the_valid_ones():
    with pytest.raises(ValueError, match="levels, force, hierarchical, circular"):
        compute_layout("spiral", [LayoutNode("a", 1)], [])
    with pytest.raises(ValueError):
        compute_layout("spiral", [], [])


@pytest.mark.parametrize("name", LAYOUTS)
def test_cancelling_raises(name, small):
    nodes, edges = small
    with pytest.raises(OperationCancelled):
        compute_layout(name, nodes, edges, cancelled=lambda: True)


@pytest.mark.parametrize("name", LAYOUTS)
def test_cancelling_part_way_raises(name, small):
    nodes, edges = small
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(OperationCancelled):
        compute_layout(name, nodes, edges, cancelled=cancelled)


def _assert_levels_layout(nodes: list[LayoutNode], pos: dict[str, tuple[float, float]]) -> None:
    bands = bands_for(Counter(node.level for node in nodes))
    assert bands.top[3] < bands.top[2] < bands.top[1]
    for node in nodes:
        level = level_of(node.level)
        x, y = pos[node.key]
        assert band_at(bands.as_bands(), y) == level, node
        assert bands.top[level] + NODE_HEIGHT / 2 <= y <= bands.top[level] + bands.height[level] - NODE_HEIGHT / 2, node
        assert NODE_WIDTH / 2 <= x <= bands.width - NODE_WIDTH / 2, node
    ys = {
        level: [pos[n.key][1] for n in nodes if (n.level if n.level in (1, 2, 3) else 2) == level]
        for level in (1, 2, 3)
    }
    assert max(ys[3]) < min(ys[2]) and max(ys[2]) < min(ys[1])
    assert_no_overlap(pos)


@pytest.mark.parametrize("people", [8, 60, 600])
def test_levels_keeps_each_node_in_its_band_without_overlaps(people):
    # 8 and 60 people use spring layouts for the order, 600 the smoothed Cuthill-McKee order.
    nodes, edges = organisation(people)
    _assert_levels_layout(nodes, compute_layout("levels", nodes, edges))


def test_levels_on_5000_nodes():
    nodes, edges = organisation(4600)
    assert len(nodes) > 5000
    _assert_levels_layout(nodes, compute_layout("levels", nodes, edges))


def test_levels_puts_a_unit_above_its_people():
    nodes = [LayoutNode(f"{EX}unit/{u}", 2, UNIT) for u in range(3)]
    nodes += [LayoutNode(f"{EX}person/{u}/{p}", 1, PERSON) for u in range(3) for p in range(4)]
    edges = [LayoutEdge(f"{EX}person/{u}/{p}", f"{EX}unit/{u}", True) for u in range(3) for p in range(4)]
    pos = compute_layout("levels", nodes, edges)
    # Each unit is nearer (in x) to the middle of its own people than to anyone else's.
    for u in range(3):
        own = np.mean([pos[f"{EX}person/{u}/{p}"][0] for p in range(4)])
        others = [np.mean([pos[f"{EX}person/{v}/{p}"][0] for p in range(4)]) for v in range(3) if v != u]
        unit_x = pos[f"{EX}unit/{u}"][0]
        assert all(abs(unit_x - own) < abs(unit_x - other) for other in others)


def test_hierarchical_puts_superiors_above_subordinates():
    boss, head, clerk = f"{EX}boss", f"{EX}head", f"{EX}clerk"
    nodes = [
        LayoutNode(clerk, 1, PERSON),
        LayoutNode(boss, 1, PERSON),
        LayoutNode(head, 1, PERSON),
        LayoutNode(f"{EX}law", 3, LAW),
    ]
    edges = [LayoutEdge(clerk, head, True), LayoutEdge(head, boss, True), LayoutEdge(clerk, f"{EX}law")]
    pos = compute_layout("hierarchical", nodes, edges)
    assert pos[boss][1] < pos[head][1] < pos[clerk][1]
    # The law is outside the reporting line, and in the macro band above it.
    assert pos[f"{EX}law"][1] < pos[boss][1]


def test_hierarchical_survives_cycles_and_wraps_wide_layers():
    nodes = [LayoutNode(f"{EX}boss", 2, UNIT)] + [LayoutNode(f"{EX}p{i}", 1, PERSON) for i in range(500)]
    edges = [LayoutEdge(f"{EX}p{i}", f"{EX}boss", True) for i in range(500)]
    # A cycle: p0 and p1 report to each other, and boss reports to p2, who reports to boss.
    edges += [LayoutEdge(f"{EX}p0", f"{EX}p1", True), LayoutEdge(f"{EX}p1", f"{EX}p0", True)]
    edges += [LayoutEdge(f"{EX}boss", f"{EX}p2", True)]
    pos = compute_layout("hierarchical", nodes, edges)
    assert len(pos) == 501
    assert_no_overlap(pos)
    xs = [x for x, _ in pos.values()]
    rows = {y for _, y in pos.values()}
    assert max(xs) - min(xs) < 60 * NODE_WIDTH and len(rows) > 3
    # boss and p2 form a cycle, which shares the top layer: boss alone in the meso band,
    # p2 on the micro band's first row, above everyone else.
    top = pos[f"{EX}p2"][1]
    assert pos[f"{EX}boss"][1] < top
    assert all(y > top for key, (_, y) in pos.items() if key not in (f"{EX}boss", f"{EX}p2"))


def test_hierarchical_layers_are_spaced_and_unoverlapped(small):
    nodes, edges = small
    assert_no_overlap(compute_layout("hierarchical", nodes, edges))


def test_circular_keeps_neighbours_a_node_width_apart(small):
    nodes, edges = small
    pos = compute_layout("circular", nodes, edges)
    xy = np.array(list(pos.values()))
    assert not cKDTree(xy).query_pairs(NODE_WIDTH * (1 - 1e-9))


def test_force_lays_out_a_component_too_big_for_one_spring_layout():
    nodes, edges = organisation(550)
    pos = compute_layout("force", nodes, edges)
    xy = np.array(list(pos.values()))
    assert len(pos) == len(nodes) and np.all(np.isfinite(xy))
    # Spread so that nodes seldom sit on each other.
    near, _ = cKDTree(xy / [NODE_WIDTH, NODE_HEIGHT]).query(xy / [NODE_WIDTH, NODE_HEIGHT], k=2, p=np.inf)
    assert np.mean(near[:, 1] < 0.5) < 0.1


def test_bands_grow_with_their_rows_and_clamp():
    empty = bands_for({})
    assert empty.width >= 1200 and all(empty.height[level] == pytest.approx(220) for level in (1, 2, 3))
    assert empty.top == {3: 0.0, 2: 220.0, 1: 440.0}
    full = bands_for({1: 10_000, 0: 5})
    assert full.height[1] > 220 and full.height[3] == pytest.approx(220)
    assert full.rows[2] == 5  # a small level beside a big one: a row a node, up to a tenth of the rows
    assert full.width > empty.width
    assert bands_for({0: 4}) == bands_for({2: 4})
    narrow = bands_for({1: 100}, width=1200)
    assert narrow.width == 1200 and narrow.height[1] > full.height[2]
    rows = narrow.as_bands()
    assert (band_at(rows, -1e6), band_at(rows, narrow.top[2]), band_at(rows, 1e12)) == (3, 2, 1)


@settings(max_examples=200, deadline=None)
@given(
    counts=st.dictionaries(st.sampled_from([0, 1, 2, 3]), st.integers(0, 200_000), max_size=4),
    width=st.one_of(st.none(), st.floats(1200, 60_000)),
)
def test_each_level_has_the_rows_its_nodes_need_and_a_small_one_a_share_of_the_map(counts, width):
    bands = bands_for(counts, width=width)
    per_level = {level: sum(n for lv, n in counts.items() if level_of(lv) == level) for level in (1, 2, 3)}
    columns = max(1, int(bands.width // NODE_WIDTH) - 1)
    least = math.ceil(LEAST_LEVEL_SHARE * sum(-(-n // columns) for n in per_level.values()))
    for level, n in per_level.items():
        rows = bands.rows[level]
        assert rows >= -(-n // columns)  # room for every node of the level
        assert rows >= min(n, least)  # and a share of the map, if it has nodes for it
        assert rows <= max(-(-n // columns), least) and (n > 0 or rows == 0)
        assert bands.height[level] >= max(220.0, (rows + 1) * NODE_HEIGHT) - 1e-6


def test_a_small_level_beside_big_ones_fills_its_share_of_the_map_in_rows():
    # 1 macro node for every 400 micro: the by-level layout gave them one row of a map hundreds of rows tall.
    counts = {1: 8000, 2: 300, 3: 20}
    nodes = [LayoutNode(f"{level}-{i}", level) for level, n in counts.items() for i in range(n)]
    pos = compute_layout("levels", nodes, [])
    _assert_levels_layout(nodes, pos)
    columns = int(bands_for(counts).width // NODE_WIDTH) - 1
    least = math.ceil(LEAST_LEVEL_SHARE * sum(-(-n // columns) for n in counts.values()))
    macro_rows = {pos[f"3-{i}"][1] for i in range(20)}
    assert len(macro_rows) == min(20, least) > 1


def test_duplicate_keys_count_once():
    nodes = [LayoutNode("a", 1), LayoutNode("a", 3), LayoutNode("b", 2)]
    pos = compute_layout("levels", nodes, [LayoutEdge("a", "b")])
    assert set(pos) == {"a", "b"}
    assert band_at(bands_for({3: 1, 2: 1}).as_bands(), pos["a"][1]) == 3
