"""Levels are sacred: every layout keeps every node inside its own level's band, on any map.

The bands are the ones the canvas draws around the nodes (:func:`explorer.layout.bands.bands_for_positions`),
so what is checked here is what a person sees: no node drawn in another level's band, none reaching over
a band's edge.
"""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.presentation import NODE_H
from explorer.layout.bands import Band, band_at, band_of, bands_for_positions, level_of, settle_drop
from explorer.layout.layouts import LAYOUTS, LayoutEdge, LayoutNode, compute_layout

HIERARCHICAL = ("reports", "member")


@st.composite
def maps(draw, max_nodes: int = 300):
    """1..max_nodes nodes on levels 0 (unknown: meso), 1, 2 and 3, with random ties, some hierarchical."""
    count = draw(st.integers(1, max_nodes))
    levels = draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=count, max_size=count))
    nodes = [LayoutNode(f"n{i}", level, f"kind{level}") for i, level in enumerate(levels)]
    pairs = st.tuples(st.integers(0, count - 1), st.integers(0, count - 1), st.booleans())
    ties = draw(st.lists(pairs, max_size=2 * count))
    edges = [LayoutEdge(f"n{a}", f"n{b}", hierarchical) for a, b, hierarchical in ties]
    return nodes, edges


def assert_in_own_bands(nodes: list[LayoutNode], pos: dict[str, tuple[float, float]]) -> None:
    level = {node.key: level_of(node.level) for node in nodes}
    bands = bands_for_positions(((level[key], y) for key, (_, y) in pos.items()), node_height=NODE_H)
    wrong = [key for key, (_, y) in pos.items() if band_at(bands, y) != level[key]]
    assert not wrong, f"{len(wrong)} of {len(pos)} nodes outside their level's band, e.g. {wrong[:3]}"
    for key, (_, y) in pos.items():
        band = band_of(bands, level[key])
        # A node exactly on the band's edge may sit there by the last bit of a sum (47.500000000000014 + 22).
        slack = 1e-9 * max(1.0, abs(band.top), abs(band.bottom))
        assert band.top - slack <= y - NODE_H / 2 and y + NODE_H / 2 <= band.bottom + slack, key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=maps(), name=st.sampled_from(list(LAYOUTS)))
def test_every_layout_keeps_every_node_inside_its_levels_band(data, name):
    nodes, edges = data
    assert_in_own_bands(nodes, compute_layout(name, nodes, edges))


@settings(max_examples=15, deadline=None)
@given(data=maps(max_nodes=12))
def test_small_maps_keep_their_levels_in_every_layout(data):
    nodes, edges = data
    for name in LAYOUTS:
        assert_in_own_bands(nodes, compute_layout(name, nodes, edges))


@given(
    st.lists(st.tuples(st.sampled_from([1, 2, 3]), st.floats(-5000, 5000)), max_size=30),
    st.floats(0, 400),
)
def test_bands_around_levels_in_order_hold_each_node(points, gap):
    """Whatever the nodes' spread, if each level lies wholly below the one above, every node is in its band."""
    ordered = []
    floor = 0.0
    for level in (3, 2, 1):
        ys = sorted(y for lv, y in points if lv == level)
        if ys:
            ordered += [(level, y - ys[0] + floor) for y in ys]
            floor += ys[-1] - ys[0] + gap + 1e-3
    bands = bands_for_positions(ordered, node_height=NODE_H)
    assert [band.level for band in bands] == [3, 2, 1]
    assert all(a.bottom == b.top for a, b in pairwise(bands))
    assert all(band_at(bands, y) == level for level, y in ordered)


BANDS = [Band(3, 0.0, 200.0), Band(2, 200.0, 400.0), Band(1, 400.0, 600.0)]


def test_a_slip_across_a_band_edge_keeps_the_level_and_comes_back_inside():
    assert settle_drop(BANDS, 2, 370.0, 409.0, node_height=NODE_H) == (2, 400.0 - NODE_H / 2)
    assert settle_drop(BANDS, 2, 230.0, 186.0, node_height=NODE_H) == (2, 200.0 + NODE_H / 2)


def test_a_drop_well_into_another_band_changes_the_level():
    assert settle_drop(BANDS, 2, 300.0, 400.0 + NODE_H / 3, node_height=NODE_H) == (1, 400.0 + NODE_H / 3)
    assert settle_drop(BANDS, 2, 300.0, 50.0, node_height=NODE_H) == (3, 50.0)
    assert settle_drop(BANDS, 3, 100.0, 900.0, node_height=NODE_H) == (1, 900.0)


def test_past_the_outer_bands_is_still_the_outer_level():
    assert settle_drop(BANDS, 1, 500.0, 5000.0, node_height=NODE_H) == (1, 5000.0)
    assert settle_drop(BANDS, 3, 100.0, -5000.0, node_height=NODE_H) == (3, -5000.0)


def test_a_node_drawn_in_the_wrong_band_keeps_its_level_when_nudged():
    assert settle_drop(BANDS, 2, 100.0, 120.0, node_height=NODE_H) == (2, 120.0)
