"""The overview of a big map: every node in one shape of its level, shapes that fit their bands and never overlap."""

from __future__ import annotations

import random
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.layout.overview import TieEnds, overview_groups

UNIT, PERSON, ROUTINE, NORM = "ex:Unit", "ex:Person", "ex:Routine", "ex:Norm"
_Y = {3: 0.0, 2: 400.0, 1: 900.0}


def _map(seed: int, size: int):
    """A small organisation: units with members, lone nodes, ties across and within levels."""
    rng = random.Random(seed)
    kinds = [(UNIT, 2), (PERSON, 1), (PERSON, 1), (ROUTINE, 2), (NORM, 3)]
    nodes, positions = [], {}
    for i in range(size):
        kind, level = rng.choice(kinds)
        key = f"n{i:03d}"
        nodes.append((key, level, kind, f"node {i}"))
        positions[key] = (rng.uniform(0, 3000), _Y[level] + rng.uniform(-60, 60))
    ties = []
    for _ in range(size * 2):
        a, b = rng.sample(range(size), 2)
        ties.append((nodes[a][0], nodes[b][0], rng.random() < 0.5))
    return nodes, ties, positions


def _check(nodes, ties, positions, max_groups):
    overview = overview_groups(nodes, ties, positions, unit_kinds={UNIT}, max_groups=max_groups)
    members = [key for group in overview.groups for key in group.members]
    assert sorted(members) == sorted(key for key, *_ in nodes)  # each node in exactly one shape
    assert sum(group.count for group in overview.groups) == len(nodes)
    assert len(overview.groups) <= max(max_groups, 1) or max_groups < 4
    level = {key: lv for key, lv, *_ in nodes}
    by_key = {group.key: group for group in overview.groups}
    assert len(by_key) == len(overview.groups)
    for group in overview.groups:
        assert overview.group_of[group.members[0]] == overview.groups.index(group)
        assert sum(count for _, count in group.kinds) == group.count
        assert {level[key] for key in group.members} == {group.level}  # a shape per level
        if group.grouping == "members":  # a unit's members at another level: in its unit's column
            head = by_key[group.head]
            assert (overview.groups.index(head), overview.groups.index(group)) in overview.stacked
            assert head.grouping == "unit" and head.level != group.level and head.key in group.key
            assert abs((head.rect[0] + head.rect[2] / 2) - (group.rect[0] + group.rect[2] / 2)) < 1e-6
        else:
            assert group.head == ""
    assert len(overview.stacked) == sum(group.grouping == "members" for group in overview.groups)
    bands = {band.level: band for band in overview.bands}
    left = min(x for x, _ in positions.values()) - 130
    right = max(x for x, _ in positions.values()) + 130
    rects = [group.rect for group in overview.groups]
    for group, (x, y, w, h) in zip(overview.groups, rects):
        band = bands[group.level]
        assert w > 0 and h > 0
        assert band.top <= y and y + h <= band.bottom, (group.key, band, group.rect)
        assert left - 1e-6 <= x and x + w <= right + 1e-6
    for i, (x, y, w, h) in enumerate(rects):
        for X, Y, W, H in rects[i + 1 :]:
            assert x + w <= X or x >= X + W or y + h <= Y or y >= Y + H, "two groups overlap"
    apart = sum(1 for a, b, _ in ties if overview.group_of[a] != overview.group_of[b])
    assert sum(tie.count for tie in overview.ties) == apart
    assert all(tie.source < tie.target for tie in overview.ties)
    return overview


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(2, 120), max_groups=st.sampled_from([3, 10, 300]))
def test_groups_hold_every_node_once_and_fit_their_bands(seed, size, max_groups):
    _check(*_map(seed, size), max_groups)


def test_same_overview_for_shuffled_input():
    nodes, ties, positions = _map(7, 150)
    first = overview_groups(nodes, ties, positions, unit_kinds={UNIT}, max_groups=12)
    rng = random.Random(3)
    nodes2, ties2 = nodes[:], ties[:]
    rng.shuffle(nodes2)
    rng.shuffle(ties2)
    second = overview_groups(nodes2, ties2, dict(reversed(positions.items())), unit_kinds={UNIT}, max_groups=12)
    assert first.groups == second.groups and first.ties == second.ties


def test_a_member_of_two_units_joins_the_bigger():
    nodes = [("u1", 2, UNIT, "Small"), ("u2", 2, UNIT, "Big"), ("a", 1, PERSON, "A"), ("b", 1, PERSON, "B")]
    ties = [("a", "u1", True), ("a", "u2", True), ("b", "u2", True), ("a", "b", False)]
    positions = {"u1": (0, 0), "u2": (500, 0), "a": (0, 400), "b": (500, 400)}
    overview = overview_groups(nodes, ties, positions, unit_kinds={UNIT})
    by_key = {group.key: group for group in overview.groups}
    assert set(by_key) == {"u1", "u2", "members:1:u2"}
    assert by_key["u2"].members == ("u2",) and by_key["u1"].members == ("u1",)
    people = by_key["members:1:u2"]
    assert people.members == ("a", "b") and people.level == 1 and people.kinds == ((PERSON, 2),)
    assert people.head == "u2" and people.label == "Big — micro" and people.grouping == "members"


def test_a_units_members_at_each_level_stack_under_it_across_the_bands():
    """Macro unit, meso and micro members: three shapes, one per band, in one column, sized by count."""
    nodes = [("org", 3, UNIT, "Trust"), ("r1", 2, ROUTINE, "R1"), ("r2", 2, ROUTINE, "R2")]
    nodes += [(f"p{i}", 1, PERSON, f"P{i}") for i in range(8)] + [("q", 1, PERSON, "Q")]
    ties = [(key, "org", True) for key, *_ in nodes[1:-1]] + [("q", "p0", False)]
    positions = {key: (i * 300.0, _Y[lv]) for i, (key, lv, *_) in enumerate(nodes)}
    overview = _check(nodes, ties, positions, 300)
    shapes = [(g.key, g.level, g.count, g.head) for g in overview.groups]
    assert shapes == [
        ("org", 3, 1, ""),
        ("members:2:org", 2, 2, "org"),
        ("members:1:org", 1, 8, "org"),
        ("rest:1:ex:Person", 1, 1, ""),
    ]
    areas = [g.rect[2] * g.rect[3] / g.count for g in overview.groups]
    assert max(areas) - min(areas) < 1e-6 * max(areas)  # one scale for every level
    tops = [g.rect[1] for g in overview.groups[:3]]
    assert tops == sorted(tops)  # the unit on top, its members below in their bands


def test_units_beyond_the_cap_join_their_linked_units():
    nodes = [(f"u{i}", 2, UNIT, f"Unit {i}") for i in range(20)]
    ties = [(f"u{i}", f"u{i // 2}", True) for i in range(1, 20)]  # a tree of units
    positions = {key: (i * 200.0, 0.0) for i, (key, *_) in enumerate(nodes)}
    overview = _check(nodes, ties + [("u3", "u17", False)], positions, 5)
    assert len(overview.groups) == 5 and all(group.grouping == "unit" for group in overview.groups)
    assert sum(group.parts for group in overview.groups) == 20


def test_hostile_label_is_cut_and_kept_as_text():
    hostile = "<b onmouseover='x'>Ward</b>\n" + "x" * 10_000
    nodes = [("u", 2, UNIT, hostile), ("p", 1, PERSON, hostile), ("q", 1, PERSON, "q")]
    ties = [("p", "u", True), ("q", "p", False)]
    overview = overview_groups(nodes, ties, {"u": (0, 0), "p": (0, 400), "q": (10, 400)}, unit_kinds={UNIT})
    label = overview.groups[0].label
    assert len(label) <= 80 and "\n" not in label and label.startswith("<b onmouseover='x'>Ward</b> x")
    assert [group.count for group in overview.groups] == [1, 1, 1]
    members = overview.groups[1].label
    assert len(members) <= 80 and members.startswith("<b onmouseover='x'>Ward</b> x") and members.endswith(" — micro")


def test_an_empty_map_has_no_groups():
    overview = overview_groups([], [], {}, unit_kinds={UNIT})
    assert overview.groups == () and overview.ties == () and len(overview.bands) == 3


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(2, 300),
    per_group=st.sampled_from([1, 3]),
    most=st.sampled_from([5, 600]),
)
def test_the_ties_drawn_are_the_strongest_until_each_shape_has_enough(seed, size, per_group, most):
    """A tie gets a line exactly when, at its turn (strongest first), one of its shapes has fewer than the
    limit and lines are left; never between a unit's shape and its members' (their column says it)."""
    from explorer.layout import overview as module

    nodes, ties, positions = _map(seed, size)
    with mock.patch.multiple(module, TIES_PER_GROUP=per_group, MAX_TIES_DRAWN=most):
        overview = overview_groups(nodes, ties, positions, unit_kinds={UNIT}, max_groups=10)
    where = {group.key: index for index, group in enumerate(overview.groups)}
    stacked = {(min(where[g.head], i), max(where[g.head], i)) for i, g in enumerate(overview.groups) if g.head in where}
    drawn = set(overview.drawn_ties)
    chosen, lines = [], {}
    for tie in overview.ties:
        if len(chosen) == most:
            break
        wanted = (tie.source, tie.target) not in stacked and (
            lines.get(tie.source, 0) < per_group or lines.get(tie.target, 0) < per_group
        )
        assert (tie in drawn) == wanted, tie
        if wanted:
            chosen.append(tie)
            lines[tie.source] = lines.get(tie.source, 0) + 1
            lines[tie.target] = lines.get(tie.target, 0) + 1
    assert tuple(chosen) == overview.drawn_ties


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(2, 150), strays=st.integers(0, 5))
def test_ties_given_as_columns_give_the_overview_given_as_tuples(seed, size, strays):
    """A caller's columns (ends numbered in its own order of the nodes, -1 for an end that is no node)
    give the same overview as the ties written out, ties to unknown keys dropped both ways."""
    nodes, ties, positions = _map(seed, size)
    rng = random.Random(seed)
    ties += [(f"stray{i}", nodes[0][0], False) for i in range(strays)]  # an end that is no node
    order = [key for key, *_ in nodes]
    rng.shuffle(order)
    number = {key: i for i, key in enumerate(order)}
    columns = TieEnds(
        order,
        np.array([number.get(s, -1) for s, _, _ in ties], dtype=np.int64),
        np.array([number.get(t, -1) for _, t, _ in ties], dtype=np.int64),
        np.array([m for _, _, m in ties], dtype=bool),
    )
    as_tuples = overview_groups(nodes, ties, positions, unit_kinds={UNIT}, max_groups=10)
    as_columns = overview_groups(nodes, columns, positions, unit_kinds={UNIT}, max_groups=10)
    assert as_columns == as_tuples
    assert as_columns.group_of == as_tuples.group_of and as_columns.drawn_ties == as_tuples.drawn_ties
