"""The force layout: levels kept in every frame, no overlaps at the end, reproducible, streamable, cancellable."""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.errors import OperationCancelled
from explorer.layout.bands import TOP_DOWN, level_of
from explorer.layout.force import snap_to_slots
from explorer.layout.layouts import LayoutEdge, LayoutNode, compute_layout, force_steps
from tests.support.layout_maps import assert_no_overlap, organisation


@st.composite
def maps(draw, max_nodes: int = 60):
    """1..max_nodes nodes on levels 0 (meso), 1, 2 and 3, with random ties, some hierarchical."""
    count = draw(st.integers(1, max_nodes))
    levels = draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=count, max_size=count))
    nodes = [LayoutNode(f"n{i}", level) for i, level in enumerate(levels)]
    pairs = st.tuples(st.integers(0, count - 1), st.integers(0, count - 1), st.booleans())
    edges = [LayoutEdge(f"n{a}", f"n{b}", h) for a, b, h in draw(st.lists(pairs, max_size=2 * count))]
    return nodes, edges


def assert_levels_stacked(nodes: list[LayoutNode], keys: list[str], xy: np.ndarray) -> None:
    """Macro wholly above meso wholly above micro, an empty slot row (95) between their centres' rows."""
    level = {node.key: level_of(node.level) for node in nodes}
    by_level = np.array([level[key] for key in keys])
    spans = [(xy[by_level == lv, 1].min(), xy[by_level == lv, 1].max()) for lv in TOP_DOWN if np.any(by_level == lv)]
    for (_, bottom), (top, _) in pairwise(spans):
        assert top - bottom >= 2 * 95.0 - 1e-9, spans
    assert np.all(xy >= 0)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=maps())
def test_every_frame_keeps_the_levels_apart_and_the_last_has_no_overlap(data):
    nodes, edges = data
    frames = list(force_steps(nodes, edges, frames=4))
    assert [frame.final for frame in frames][-1] and not any(frame.final for frame in frames[:-1])
    for frame in frames:
        assert_levels_stacked(nodes, frame.keys, frame.xy)
    assert_no_overlap(frames[-1].positions())


def test_a_crowded_map_has_no_overlap():
    nodes, edges = organisation(400)
    # Everyone tied to one hub as well: the force drawing piles them up around it.
    edges = edges + [LayoutEdge(node.key, nodes[0].key) for node in nodes[1:]]
    pos = compute_layout("force", nodes, edges)
    assert len(pos) == len(nodes)
    assert_no_overlap(pos)
    keys = sorted(pos)
    assert_levels_stacked(nodes, keys, np.array([pos[key] for key in keys]))


def test_the_last_frame_is_compute_layout_however_the_run_is_cut():
    nodes, edges = organisation(120)
    expected = compute_layout("force", nodes, edges, seed=4)
    for frames in (0, 1, 5, 500):
        steps = list(force_steps(nodes, edges, seed=4, frames=frames))
        assert steps[-1].positions() == expected
        assert len(steps) == 1 + min(frames, 120)
        done = [frame.done for frame in steps]
        assert done == sorted(done) and done[-1] == 1.0


def test_frames_are_reproducible_whatever_the_input_order():
    nodes, edges = organisation(80)
    first = [frame.xy for frame in force_steps(nodes, edges, seed=2, frames=3)]
    rng = random.Random(5)
    nodes, edges = nodes[:], edges[:]
    rng.shuffle(nodes)
    rng.shuffle(edges)
    again = [frame.xy for frame in force_steps(nodes, edges, seed=2, frames=3)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_the_frames_move_towards_the_result():
    nodes, edges = organisation(200)
    steps = list(force_steps(nodes, edges, frames=6))
    assert not np.array_equal(steps[0].xy, steps[1].xy)
    # Cooling: later frames move less than earlier ones.
    moves = [np.abs(b.xy - a.xy).mean() for a, b in pairwise(steps[:-1])]
    assert moves[-1] < moves[0]


def test_cancelling_stops_between_frames():
    nodes, edges = organisation(100)
    seen = []

    def watch() -> None:
        # Cancelled as soon as the canvas has had two frames.
        for frame in force_steps(nodes, edges, frames=20, cancelled=lambda: len(seen) >= 2):
            seen.append(frame)

    with pytest.raises(OperationCancelled):
        watch()
    assert len(seen) == 2 and not any(frame.final for frame in seen)
    polls = []
    with pytest.raises(OperationCancelled):
        compute_layout("force", nodes, edges, cancelled=lambda: len(polls) > 6 or bool(polls.append(1)))


def test_empty_map_streams_one_empty_frame():
    (frame,) = force_steps([], [], frames=5)
    assert frame.final and frame.keys == [] and frame.positions() == {}


def test_snapping_spreads_a_pile_within_its_rows():
    rows = np.array([[0, 2], [3, 4]])
    level = np.array([0] * 30 + [1] * 5)
    xy = np.column_stack([np.full(35, 5.2), np.where(level == 0, 0.4, 3.0)])
    cells = snap_to_slots(xy, level, rows)
    assert len({tuple(cell) for cell in cells.tolist()}) == 35
    assert np.all((cells[level == 0, 1] >= 0) & (cells[level == 0, 1] <= 1))
    assert np.all(cells[level == 1, 1] == 3) and np.all(cells[:, 0] >= 0)
    # Nearest first: the pile fills the slots around it, not far away.
    assert np.abs(cells[:, 0] - 5).max() <= 16
    assert np.array_equal(cells, snap_to_slots(xy, level, rows))
