"""The overview of a big map: its units and clusters as shapes, one per level, sized by how many nodes they hold.

A map of 100,000 nodes drawn node by node is a grid of dashes. The overview groups the nodes the way a
reader thinks of the organisation and draws each group as one rectangle per level its nodes are at, in
that level's band, its area growing with its node count (one scale for all levels), with the ties
between the shapes added up:

* each **unit** (a node of one of the caller's unit kinds) heads a group of itself and the nodes tied to it
  by a membership tie (member of, owned by...; see :func:`explorer.core.presentation.is_membership`); a node
  of several units goes to the one with the most members (then the first by key). The group is drawn as
  the unit's shape in its own band ("Ward 7") and one shape for its members at each other level
  ("Ward 7 — micro"), stacked in one column across the bands;
* the nodes in no unit are grouped by **cluster**: the connected parts of their ties within their level,
  a very large part split into communities (igraph's Leiden); a node tied to none at its level is
  **rest**;
* past ``max_groups`` shapes, small units join a neighbouring unit, then the smallest groups (and every
  lone node) are merged per level and kind into one "rest" shape, so the overview stays readable.

Qt-free, numpy and plain dicts: it runs in the loading worker, in about a quarter of a second for
100,000 nodes and 370,000 ties.

Examples
--------
>>> U, P = "ex:Unit", "ex:Person"
>>> nodes = [("u1", 2, U, "Ward 7"), ("p1", 1, P, "Ann"), ("p2", 1, P, "Bo"), ("p3", 1, P, "Cy")]
>>> ties = [("p1", "u1", True), ("p2", "u1", True), ("p3", "p1", False)]
>>> positions = {"u1": (0.0, 0.0), "p1": (-100.0, 300.0), "p2": (100.0, 300.0), "p3": (0.0, 300.0)}
>>> overview = overview_groups(nodes, ties, positions, unit_kinds={U})
>>> [(g.label, g.level, g.count, g.head) for g in overview.groups]
[('Ward 7', 2, 1, ''), ('Ward 7 — micro', 1, 2, 'u1'), ('Person ×1', 1, 1, '')]
>>> [(overview.groups[t.source].label, overview.groups[t.target].label, t.count) for t in overview.ties]
[('Ward 7', 'Ward 7 — micro', 2), ('Ward 7 — micro', 'Person ×1', 1)]
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from explorer.core.presentation import LEVELS, NODE_H, NODE_W
from explorer.core.terms import local_name
from explorer.core.text import one_line

from .bands import TOP_DOWN, Band, band_of, bands_for_positions, level_of
from .columns import column, looked_up

__all__ = ["DEFAULT_MAX_GROUPS", "Group", "GroupTie", "Overview", "TieEnds", "overview_groups"]

#: The most shapes an overview shows: past it, small units join linked ones, then the smallest are merged.
DEFAULT_MAX_GROUPS = 300
#: A part of the unplaced nodes bigger than this is split into communities (Leiden) rather than shown whole.
SPLIT_ABOVE = 2_000
#: The share of each band the shapes' areas fill at most (the rest is room between them).
_FILL = 0.36
# Longest shape label kept: a hostile label of 10k characters is cut here, once.
_LABEL_CHARS = 80
_GAP_SHARE = 0.12  # room between two shapes, as a share of the lower one's height or the column's width
_ASPECT = 1.5  # a shape's width over its height, when its column leaves it the choice (like the map)
_WIDEST = 6.0  # the flattest a shape is made to fill its column's width
_ORIGIN = (0.0, 0.0)
# The ties drawn between shapes: each shape's strongest few, at most MAX_TIES_DRAWN in all (the strongest),
# since a map whose shapes are all tied to each other would otherwise be a grey sheet.
MAX_TIES_DRAWN = 600
TIES_PER_GROUP = 3


@dataclass(frozen=True)
class Group:
    """One shape of the overview: a unit, a unit's members at another level, a cluster, or a level's merged rest.

    Attributes
    ----------
    key : str
        The unit's key; ``"members:<level>:<unit's key>"``; ``"cluster:<key of its best-tied node>"``; or
        ``"rest:<level>:<kind>"``.
    label : str
        One line, at most 80 characters: the unit's label (``"Ward 7"``; with its members at another
        level ``"Ward 7 — micro"``), the best-tied node's of a cluster, or ``"<kind name> ×<parts>"``.
    level : int
        The band it is drawn in (3 macro, 2 meso, 1 micro): all its members are at this level.
    count : int
        How many nodes it holds.
    kinds : tuple of (str, int)
        Its members' kinds with their counts, most first.
    members : tuple of str
        Its nodes' keys, sorted.
    rect : tuple of float
        ``(x, y, w, h)`` in scene units, ``(x, y)`` the top left corner (y grows downwards).
    grouping : str
        ``"unit"``, ``"members"`` (a unit's members at another level), ``"cluster"`` or ``"rest"``.
    parts : int
        How many units a unit's shapes stand for, or how many groups (or lone nodes) a rest shape merges;
        1 otherwise.
    head : str
        For a ``"members"`` shape, the key of its unit's shape (drawn in the same column); ``""`` otherwise.
    """

    key: str
    label: str
    level: int
    count: int
    kinds: tuple
    members: tuple
    rect: tuple
    grouping: str = "unit"
    parts: int = 1
    head: str = ""

    @property
    def kind(self) -> str:
        """The kind most of its members are (the colour it is drawn in)."""
        return self.kinds[0][0] if self.kinds else ""


@dataclass(frozen=True)
class GroupTie:
    """The ties between the members of two shapes: indexes into :attr:`Overview.groups`, ``source < target``."""

    source: int
    target: int
    count: int


class TieEnds(NamedTuple):
    """Ties as columns, for :func:`overview_groups`: each end a number of ``nodes`` (-1 for a key not among them).

    Examples
    --------
    >>> import numpy as np
    >>> nodes = [("u", 2, "Unit", "ICU"), ("a", 1, "Person", "Ann")]
    >>> ties = TieEnds(["a", "u"], np.array([0]), np.array([1]), np.array([True]))
    >>> overview_groups(nodes, ties, {}, unit_kinds={"Unit"}).group_of
    {'a': 1, 'u': 0}
    """

    nodes: Sequence
    source: np.ndarray
    target: np.ndarray
    membership: np.ndarray


@dataclass(frozen=True)
class Overview:
    """What :func:`overview_groups` returns: the shapes, the ties between them and the bands they lie in.

    ``group_of`` maps each node's key to the index of its shape. ``ties`` come strongest first (then by
    their shapes' indexes), the order they are drawn in until a shape has enough.
    """

    groups: tuple = ()
    ties: tuple = ()
    bands: tuple = ()
    group_of: Mapping = field(default_factory=dict, compare=False)

    @functools.cached_property
    def stacked(self) -> tuple:
        """Each unit's shape with each of its members' shapes, as ``(unit, members)`` indexes of :attr:`groups`.

        Such shapes stand in one column across the bands, joined by a line.

        Examples
        --------
        >>> cell = Group("u", "U", 2, 1, (), (), (0, 0, 1, 1))
        >>> member = Group("m", "U — micro", 1, 3, (), (), (0, 2, 1, 1), head="u")
        >>> Overview((cell, member)).stacked
        ((0, 1),)
        """
        where = {group.key: index for index, group in enumerate(self.groups)}
        return tuple(
            (where[group.head], index) for index, group in enumerate(self.groups) if group.head and group.head in where
        )

    @functools.cached_property
    def drawn_ties(self) -> tuple:
        """The ties drawn as lines: the strongest, until each shape has ``TIES_PER_GROUP`` of them.

        A tie is drawn while one of its two shapes has fewer lines than that, at most
        ``MAX_TIES_DRAWN`` in all, and none between a unit's shape and its members' (their column
        says that already). Worked out once (:func:`overview_groups` does it in the loading worker):
        at 100k nodes the shapes have tens of thousands of ties between them, and the window paused
        to rank them.

        Examples
        --------
        >>> cell = Group("u", "U", 2, 1, (), (), (0, 0, 1, 1))
        >>> member = Group("m", "U — micro", 1, 3, (), (), (0, 2, 1, 1), head="u")
        >>> other = Group("x", "X", 1, 1, (), (), (2, 2, 1, 1))
        >>> Overview((cell, member, other), (GroupTie(0, 1, 3), GroupTie(1, 2, 1))).drawn_ties
        (GroupTie(source=1, target=2, count=1),)
        """
        stacked = {(min(pair), max(pair)) for pair in self.stacked}
        drawn: dict = {}
        chosen = []
        for tie in self.ties:  # strongest first already
            if (tie.source, tie.target) in stacked:
                continue
            if drawn.get(tie.source, 0) < TIES_PER_GROUP or drawn.get(tie.target, 0) < TIES_PER_GROUP:
                drawn[tie.source] = drawn.get(tie.source, 0) + 1
                drawn[tie.target] = drawn.get(tie.target, 0) + 1
                chosen.append(tie)
                if len(chosen) == MAX_TIES_DRAWN:
                    break
        return tuple(chosen)


def overview_groups(
    nodes: Iterable,
    ties: Iterable,
    positions: Mapping,
    *,
    unit_kinds: Iterable[str],
    kind_names: Mapping | None = None,
    max_groups: int = DEFAULT_MAX_GROUPS,
    seed: int = 0,
) -> Overview:
    """Group a map's nodes into units and clusters and lay their shapes out in the level bands.

    Parameters
    ----------
    nodes : iterable of (str, int, str, str)
        Each node's ``(key, level, kind, label)``; level 1 micro, 2 meso, 3 macro (anything else: meso).
    ties : iterable of (str, str, bool), or TieEnds
        Each tie's ``(source, target, is_membership)``, or the same as columns (:class:`TieEnds`: a
        caller that has the ties as columns already saves a pass over them); ties to keys not in
        ``nodes`` are ignored.
    positions : mapping of str to (float, float)
        Each node's centre in scene units (a node without one counts as at the origin).
    unit_kinds : iterable of str
        The kinds whose nodes head a group (units, organisations...).
    kind_names : mapping of str to str, optional
        A kind's name in words, for the rest shapes' labels (default: the IRI's last part).
    max_groups : int, optional
        The most shapes returned (give or take a rest shape per level and kind); past it small units
        join linked ones and the smallest groups are merged per level and kind.
    seed : int, optional
        Seeds the community detection of very large clusters, so the overview repeats.

    Returns
    -------
    Overview
        Every node in exactly one shape, of its own level; shapes ordered by level (macro first), then
        count, then key; each shape's rectangle inside its level's band (from
        :func:`~explorer.layout.bands.bands_for_positions` over ``positions``), a group's shapes in one
        column near its members' mean x, overlapping no other; one :class:`GroupTie` per pair of shapes
        with ties between their members.

    Examples
    --------
    >>> nodes = [("u", 2, "Unit", "ICU"), ("a", 1, "Person", "Ann"), ("b", 1, "Person", "<b>Bo</b>")]
    >>> overview = overview_groups(nodes, [("a", "u", True)], {"u": (0, 0), "a": (0, 300), "b": (50, 300)},
    ...                            unit_kinds={"Unit"})
    >>> [(g.key, g.count, g.members) for g in overview.groups]
    [('u', 1, ('u',)), ('members:1:u', 1, ('a',)), ('rest:1:Person', 1, ('b',))]
    >>> overview.group_of["a"], overview.ties
    (1, (GroupTie(source=0, target=1, count=1),))
    """
    units = frozenset(unit_kinds)
    names = kind_names or {}
    rows = _rows(nodes)
    n = len(rows)
    keys = list(map(itemgetter(0), rows))
    levels = _levels(rows)
    kinds = list(map(itemgetter(2), rows))
    kind_list = sorted(set(kinds))  # codes in name order: the first by name wins a tie of counts
    kind_count = max(len(kind_list), 1)
    kind_code = np.fromiter(map(dict(zip(kind_list, range(len(kind_list)))).__getitem__, kinds), np.int64, count=n)
    is_unit = np.array([kind in units for kind in kind_list], dtype=bool)[kind_code]
    # One flat run over the positions (a list of pairs made into an array costs twice as much).
    xy = column(chain.from_iterable(map(positions.get, keys, repeat(_ORIGIN))), float, 2 * n).reshape(n, 2)
    bands = _bands(levels, xy)
    src, dst, is_member = _tie_columns(ties, dict(zip(keys, range(n))))

    group = np.full(n, -1, dtype=np.int64)  # node -> raw group id
    raw: list = []  # raw groups: [grouping, head node or -1, level, pool kind, parts]
    _unit_groups(is_unit, src, dst, is_member, group, raw, levels, kinds)
    _cluster_groups(levels, kinds, src, dst, group, raw, seed)

    # Too many shapes: small units join a neighbouring unit first, then the smallest groups are
    # merged per level and kind.
    sizes = np.bincount(group, minlength=len(raw))
    masks = _level_masks(group, levels, len(raw))
    links = is_member & is_unit[src] & is_unit[dst]
    if _popcount(masks).sum() > max_groups:  # a unit with no members and no linked unit is a lone node
        linked = np.zeros(len(raw), dtype=bool)
        linked[group[src[links]]] = linked[group[dst[links]]] = True
        for g, entry in enumerate(raw):
            if entry[0] == "unit" and sizes[g] == 1 and not linked[g]:
                entry[0] = "rest"
    root = _merge_units(raw, sizes, masks, group[src[links]], group[dst[links]], keys, max_groups)
    group = root[group]

    # Raw shapes: a raw group's nodes at one level.
    shape_id, shape_size = _counted(group * 4 + levels, 4 * len(raw))
    remap = np.zeros(4 * len(raw), dtype=np.int64)
    remap[shape_id] = np.arange(len(shape_id))
    node_shape = remap[group * 4 + levels]
    shape_raw, shape_level = (shape_id // 4).tolist(), (shape_id % 4).tolist()
    dominant = _dominant_kinds(node_shape, kind_code, len(shape_id), kind_count)
    first_shape = np.searchsorted(shape_id // 4, np.arange(len(raw) + 1)).tolist()
    sizes = np.bincount(group, minlength=len(raw)).tolist()
    shape_size = shape_size.tolist()

    def pool_of(s: int) -> tuple:
        g, level = shape_raw[s], shape_level[s]
        return (level, raw[g][3] if level == raw[g][2] else kind_list[dominant[s]])

    order = sorted(
        (g for g in range(len(raw)) if sizes[g]), key=lambda g: (-sizes[g], keys[raw[g][1]] if raw[g][1] >= 0 else "")
    )
    kept = [g for g in order if raw[g][0] != "rest"]
    pools: dict = {}
    for g in order:
        if raw[g][0] == "rest":
            for s in range(first_shape[g], first_shape[g + 1]):
                pools.setdefault(pool_of(s), []).append(s)
    shown = sum(first_shape[g + 1] - first_shape[g] for g in kept) + len(pools)
    while kept and shown > max(1, max_groups):
        g = kept.pop()  # the smallest group's shapes go to their levels' rest
        shown -= first_shape[g + 1] - first_shape[g]
        for s in range(first_shape[g], first_shape[g + 1]):
            pool = pools.setdefault(pool_of(s), [])
            shown += not pool
            pool.append(s)

    final = np.full(len(shape_id), -1, dtype=np.int64)
    specs: list = []  # (key, label, level, grouping, parts, head)
    stacks: list = []  # the shapes drawn in one column: a group's, one per level
    for g in kept:
        grouping, head, level, _, parts = raw[g]
        stack = []
        if grouping == "unit":
            key = str(keys[head])
        else:
            key, label = f"cluster:{keys[head]}", "around " + one_line(rows[head][3], _LABEL_CHARS - 7)
        for s in range(first_shape[g], first_shape[g + 1]):
            at = shape_level[s]
            final[s] = len(specs)
            stack.append(len(specs))
            if grouping != "unit":
                specs.append((key, label, at, grouping, parts, ""))
            elif at == level:
                specs.append((key, _unit_label(rows[head][3], parts, ""), at, "unit", parts, ""))
            else:
                label = _unit_label(rows[head][3], parts, f" — {LEVELS[at]}")
                specs.append((f"members:{at}:{key}", label, at, "members", parts, key))
        stacks.append(stack)
    for (level, kind), merged in sorted(pools.items(), key=lambda item: (-item[0][0], item[0][1])):
        # Lone nodes count one each, a group's shape as the units it stands for.
        parts = sum(shape_size[s] if raw[shape_raw[s]][0] == "rest" else raw[shape_raw[s]][4] for s in merged)
        final[merged] = len(specs)
        stacks.append([len(specs)])
        name = one_line(names.get(kind) or local_name(kind) or "other", _LABEL_CHARS - 12)
        specs.append((f"rest:{level}:{kind}", f"{name} ×{parts:,}", level, "rest", parts, ""))
    node_group = final[node_shape] if n else final[:0]

    # Members, kinds and counts per shape, then the order shapes are returned in.
    count = len(specs)
    by_group = np.argsort(node_group, kind="stable")
    bounds = np.searchsorted(node_group[by_group], np.arange(count + 1)).tolist()
    tallies = _tallies(node_group, kind_code, kind_list, count)
    counts = np.diff(bounds)
    rank = sorted(range(count), key=lambda g: (-specs[g][2], -counts[g], specs[g][0]))
    renumber = np.empty(count, dtype=np.int64)
    renumber[rank] = np.arange(count)
    node_group = renumber[node_group]

    sums = np.bincount(node_group, weights=xy[:, 0], minlength=count)
    mean_x = [float(sum(sums[renumber[g]] for g in stack) / max(sum(counts[g] for g in stack), 1)) for stack in stacks]
    rects = _layout(
        [(specs[g][2], int(counts[g])) for g in rank],
        [(x, renumber[stack].tolist()) for x, stack in zip(mean_x, stacks)],
        bands,
        xy,
    )
    key_array = np.array(keys, dtype=object)
    groups = tuple(
        Group(
            key,
            label,
            level,
            int(counts[g]),
            tallies[g],
            tuple(key_array[by_group[bounds[g] : bounds[g + 1]]].tolist()),
            rect,
            grouping,
            parts,
            head,
        )
        for g, rect in zip(rank, rects)
        for key, label, level, grouping, parts, head in (specs[g],)
    )
    overview = Overview(
        groups, _group_ties(node_group, src, dst, len(groups)), tuple(bands), dict(zip(keys, node_group.tolist()))
    )
    overview.drawn_ties  # noqa: B018 - worked out here, in the caller's thread, not by the window that draws it
    return overview


def _counted(codes: np.ndarray, size: int) -> tuple:
    """The distinct values of ``codes`` (all in ``range(size)``), sorted, and how often each occurs.

    A count per possible value when there are not many more of them than codes: several times
    faster than :func:`numpy.unique`, which sorts or hashes.
    """
    if size <= 4 * len(codes) + 4096:
        tally = np.bincount(codes, minlength=size)
        found = np.flatnonzero(tally)
        return found, tally[found]
    return np.unique(codes, return_counts=True)


def _rows(nodes: Iterable) -> list:
    """The nodes as ``(key, level, kind, label)`` rows sorted by key, one per key (shuffled input, same overview)."""
    rows = sorted(map(tuple, nodes), key=itemgetter(0))
    if len(set(map(itemgetter(0), rows))) != len(rows):  # a key given twice: its least row counts
        best: dict = {}
        for row in rows:
            row = tuple(row[:4])
            if row[0] not in best or row < best[row[0]]:
                best[row[0]] = row
        rows = list(best.values())  # still in key order: rows were sorted by key
    return rows


def _levels(rows: list) -> np.ndarray:
    """Each row's band (3, 2 or 1): its level, or meso for any other."""
    given = np.array(list(map(itemgetter(1), rows)))
    if given.dtype.kind in "iu":
        return np.where((given >= 1) & (given <= 3), given, 2).astype(np.int8)
    return np.fromiter(map(level_of, given.tolist()), dtype=np.int8, count=len(rows))


def _tie_columns(ties: Iterable, index: Mapping) -> tuple:
    """The ties as index arrays ``(source, target, is_membership)``, without loops and ties to unknown keys."""
    if isinstance(ties, TieEnds):
        # The ends renumbered from the caller's nodes to ``index``: one lookup per node, not two per tie.
        number = np.append(looked_up(ties.nodes, index, len(ties.nodes)), -1)  # [-1]: an end that is no node
        src, dst = number[np.asarray(ties.source)], number[np.asarray(ties.target)]
        is_member = np.asarray(ties.membership, dtype=bool)
    else:
        ties = ties if isinstance(ties, (list, tuple)) else list(ties)
        count = len(ties)
        # Column by column with map() in C: a zip(*ties) of 370,000 tuples costs three times as much (gc).
        src = looked_up(map(itemgetter(0), ties), index, count)
        dst = looked_up(map(itemgetter(1), ties), index, count)
        is_member = column(map(bool, map(itemgetter(2), ties)), bool, count)
    known = (src >= 0) & (dst >= 0) & (src != dst)
    return src[known], dst[known], is_member[known]


def _unit_label(text, parts: int, suffix: str) -> str:
    """A unit's shape's name: its label, how many units joined it, and ``suffix``, in at most 80 characters."""
    tail = (f" + {parts - 1:,} units" if parts > 1 else "") + suffix
    return one_line(text, _LABEL_CHARS - len(tail)) + tail


def _level_masks(group: np.ndarray, levels: np.ndarray, count: int) -> np.ndarray:
    """Each raw group's levels as bits (``1 << level``): how many shapes it is drawn as."""
    masks = np.zeros(count, dtype=np.int64)
    pairs, _ = _counted(group * 4 + levels, 4 * count)
    np.bitwise_or.at(masks, pairs // 4, np.left_shift(1, pairs % 4))
    return masks


def _popcount(masks: np.ndarray) -> np.ndarray:
    return ((masks >> 1) & 1) + ((masks >> 2) & 1) + ((masks >> 3) & 1)


def _dominant_kinds(node_shape: np.ndarray, kind_code: np.ndarray, count: int, kind_count: int) -> list:
    """Each shape's most common kind code (the first by name among equals)."""
    pairs, tally = _counted(node_shape * kind_count + kind_code, count * kind_count)
    shape, code = pairs // kind_count, pairs % kind_count
    order = np.lexsort((code, -tally, shape))
    first = np.ones(len(order), dtype=bool)
    first[1:] = shape[order][1:] != shape[order][:-1]
    dominant = np.zeros(count, dtype=np.int64)
    dominant[shape[order][first]] = code[order][first]
    return dominant.tolist()


def _tallies(node_group: np.ndarray, kind_code: np.ndarray, kind_list: list, count: int) -> list:
    """Each shape's ``((kind, count), ...)``, most first, then by name."""
    kind_count = max(len(kind_list), 1)
    pairs, tally = _counted(node_group * kind_count + kind_code, count * kind_count)
    shape, code = pairs // kind_count, pairs % kind_count
    order = np.lexsort((code, -tally, shape))
    found: list = [[] for _ in range(count)]
    for g, c, t in zip(shape[order].tolist(), code[order].tolist(), tally[order].tolist()):
        found[g].append((kind_list[c], t))
    return [tuple(entry) for entry in found]


def _bands(levels: np.ndarray, xy: np.ndarray) -> list[Band]:
    """The level bands over the nodes: read from each level's highest and lowest node only, which is all they need."""
    ends = []
    for level in TOP_DOWN:
        ys = xy[levels == level, 1]
        if len(ys):
            ends += [(level, float(ys.min())), (level, float(ys.max()))]
    return bands_for_positions(ends, node_height=NODE_H)


def _merge_units(raw, sizes, masks, a, b, keys, max_groups) -> np.ndarray:
    """Join small unit groups to a neighbouring unit's (linked by membership) until their shapes fit ``max_groups``.

    The smallest group joins its smallest neighbour of its level (then the first by key), so the
    groups grow alike and each stays one connected piece of the organisation; a joined group is
    named for its unit with the most links to other units. Returns each raw group's new root.
    """
    import heapq

    count = len(raw)
    root = np.arange(count)
    mask = masks.tolist()
    shown = sum(mask[g].bit_count() for g, entry in enumerate(raw) if sizes[g] and entry[0] != "rest")
    shown += len({(entry[2], entry[3]) for entry in raw if entry[0] == "rest"})
    if shown <= max_groups or not len(a):
        return root
    size = sizes.astype(np.int64).tolist()
    neighbours: dict = {}
    for g, h in zip(a.tolist(), b.tolist()):
        if g != h and raw[g][2] == raw[h][2]:
            neighbours.setdefault(g, set()).add(h)
            neighbours.setdefault(h, set()).add(g)
    # A joined group's name: the unit with the most links to other units, then the biggest, then by key.
    rank = {g: (-len(found), -size[g], keys[raw[g][1]]) for g, found in neighbours.items()}
    heads = [entry[1] for entry in raw]
    best = {g: g for g in neighbours}
    parent = list(range(count))

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    heap = [(size[g], keys[raw[g][1]], g) for g in neighbours]
    heapq.heapify(heap)
    while heap and shown > max_groups:
        weight, _, g = heapq.heappop(heap)
        if find(g) != g or weight != size[g]:
            continue  # joined or grown since it was queued
        around = {find(h) for h in neighbours.get(g, ())} - {g}
        if not around:
            continue
        h = min(around, key=lambda r: (size[r], keys[raw[r][1]]))
        small, large = (g, h) if len(neighbours.get(g, ())) <= len(neighbours.get(h, ())) else (h, g)
        parent[small] = large
        size[large] += size[small]
        raw[large][4] += raw[small][4]
        best[large] = min(best[large], best[small], key=rank.__getitem__)
        raw[large][1] = heads[best[large]]
        merged = neighbours.pop(small, set())
        neighbours.setdefault(large, set()).update(merged)
        shown -= (mask[small] & mask[large]).bit_count()  # the shapes at levels both had become one
        mask[large] |= mask[small]
        heapq.heappush(heap, (size[large], keys[raw[large][1]], large))
    return np.array([find(g) for g in range(count)], dtype=np.int64)


def _most_first(item) -> tuple:
    return (-item[1], item[0])


def _unit_groups(is_unit, src, dst, is_member, group, raw, levels, kinds) -> None:
    """Each unit heads a group; a node tied to units by membership joins the one with the most candidates."""
    for u in np.flatnonzero(is_unit).tolist():
        group[u] = len(raw)
        raw.append(["unit", u, int(levels[u]), kinds[u], 1])
    # Membership ties with exactly one end a unit: (member, unit) candidates.
    one_end = is_member & (is_unit[src] != is_unit[dst])
    member = np.where(is_unit[src[one_end]], dst[one_end], src[one_end])
    unit = np.where(is_unit[src[one_end]], src[one_end], dst[one_end])
    if not len(member):
        return
    n = len(group)
    pairs = np.unique(member * n + unit)
    pairs = np.stack([pairs // n, pairs % n], axis=1)
    candidates = np.bincount(pairs[:, 1], minlength=len(group))
    # Most candidates first, then the first unit by key (nodes are sorted by key, so by index).
    best = np.lexsort((pairs[:, 1], -candidates[pairs[:, 1]], pairs[:, 0]))
    pairs = pairs[best]
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:, 0] != pairs[:-1, 0]
    chosen = pairs[first]
    group[chosen[:, 0]] = group[chosen[:, 1]]


def _cluster_groups(levels, kinds, src, dst, group, raw, seed) -> None:
    """The nodes in no unit: connected parts of their ties within their level; lone nodes are rest."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(group)
    free = group < 0
    if not free.any():
        return
    inside = free[src] & free[dst] & (levels[src] == levels[dst])
    a, b = src[inside], dst[inside]
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, part = connected_components(graph, directed=False)
    part = np.where(free, part, -1)
    sizes = np.bincount(part[free], minlength=n)
    degree = np.bincount(np.concatenate([a, b]), minlength=n)
    pools: dict = {}
    for p in np.unique(part[free]).tolist():
        members = np.flatnonzero(part == p) if sizes[p] > 1 else None
        if members is None:
            continue
        if len(members) > SPLIT_ABOVE:
            for community in _communities(members, a, b, n, seed):
                _add_cluster(community, degree, levels, kinds, group, raw)
        else:
            _add_cluster(members, degree, levels, kinds, group, raw)
    for node in np.flatnonzero(group < 0).tolist():
        key = (int(levels[node]), kinds[node])
        gid = pools.get(key)
        if gid is None:
            gid = pools[key] = len(raw)
            raw.append(["rest", -1, key[0], key[1], 1])
        group[node] = gid


def _add_cluster(members, degree, levels, kinds, group, raw) -> None:
    if len(members) < 2:
        return
    # Named for its best-tied node; the first by key among equals (members are in key order).
    hub = int(members[np.argmax(degree[members])])
    tally: dict = {}
    for m in members.tolist():
        tally[kinds[m]] = tally.get(kinds[m], 0) + 1
    group[members] = len(raw)
    raw.append(["cluster", hub, int(levels[hub]), min(tally.items(), key=_most_first)[0], 1])


def _communities(members, a, b, n, seed) -> list:
    """Leiden communities (modularity) of one large connected part, seeded so they repeat."""
    import igraph

    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    inside = (local[a] >= 0) & (local[b] >= 0)
    edges = np.stack([local[a[inside]], local[b[inside]]], axis=1)
    graph = igraph.Graph(n=len(members), edges=edges.tolist())
    # igraph's generator is global: a seeded one for this call, the default after (as the analysis does).
    igraph.set_random_number_generator(random.Random(seed))
    try:
        found = graph.community_leiden(objective_function="modularity", n_iterations=2)
    finally:
        igraph.set_random_number_generator(random)
    membership = np.array(found.membership, dtype=np.int64)
    order = np.argsort(membership, kind="stable")
    cuts = np.flatnonzero(np.diff(membership[order])) + 1
    return [members[np.sort(chunk)] for chunk in np.split(order, cuts)]


def _group_ties(node_group, src, dst, count) -> tuple:
    """One tie per pair of groups with ties between their members, counting them; strongest first.

    Sorted here, in the loading worker: sorting 30k ties in the window cost it 60 ms of a 100k-node map's first drawing.
    """
    if not len(src):
        return ()
    gs, gt = node_group[src], node_group[dst]
    apart = gs != gt
    low = np.minimum(gs[apart], gt[apart])
    high = np.maximum(gs[apart], gt[apart])
    pairs, counts = _counted(low * count + high, count * count)
    sources, targets = pairs // count, pairs % count
    order = np.lexsort((targets, sources, -counts))
    return tuple(map(GroupTie, sources[order].tolist(), targets[order].tolist(), counts[order].tolist()))


def _layout(shapes: list, stacks: list, bands: list[Band], xy: np.ndarray) -> list:
    """Rectangles for ``(level, count)`` shapes: area by count, in their bands, each stack in one column.

    ``stacks`` are ``(mean x, [shape indexes])``: the shapes of one group, at most one per level,
    drawn one above the other so a unit's shapes line up across the bands. One scale for all levels
    (a node takes the same area everywhere), the largest that lets each level's shapes fill at most
    :data:`_FILL` of its band; when the columns do not fit the map's width, it shrinks and they are
    laid out again.
    """
    if not shapes:
        return []
    if len(xy):
        left, right = float(xy[:, 0].min()) - NODE_W, float(xy[:, 0].max()) + NODE_W
    else:
        left, right = -NODE_W, NODE_W
    totals: dict = {}
    for level, count in shapes:
        totals[level] = totals.get(level, 0) + count
    spans = {}
    for level in TOP_DOWN:
        band = band_of(bands, level)
        if band is None:  # bands_for_positions always gives all three; an empty list gives none
            continue
        pad = min(NODE_H, (band.bottom - band.top) * 0.08)
        spans[level] = (band.top + pad, band.bottom - pad)
    scale = min(_FILL * (right - left) * (spans[lv][1] - spans[lv][0]) / totals[lv] for lv in totals)
    for _ in range(60):
        placed = _columns(shapes, stacks, scale, left, right, spans)
        if placed is not None:
            return placed
        scale *= 0.85
    return _columns(shapes, stacks, 0.0, left, right, spans, squeeze=True)  # pragma: no cover - specks by then


def _fitted(area: float, column: float, height: float) -> tuple:
    """A shape's width and height in a column ``column`` wide, in a band ``height`` high."""
    width = max(min(column, math.sqrt(_WIDEST * area)), area / height)
    return width, area / width


def _columns(shapes, stacks, scale, left, right, spans, squeeze=False):
    """The shapes' rectangles at ``scale`` area a node, stacks in columns left to right; None when too wide."""
    area = [max(scale * count, 1e-6) for _, count in shapes]
    high = {level: bottom - top for level, (top, bottom) in spans.items()}
    # The least width of a stack's column: its shapes' natural widths, or more where their band is low.
    need = [
        max(max(math.sqrt(_ASPECT * area[s]), area[s] / high[shapes[s][0]]) for s in members) for _, members in stacks
    ]
    usual = float(np.median(need))
    columns: list = []  # [width, {level: used height}, [stack indexes]]
    for i in sorted(range(len(stacks)), key=lambda i: (stacks[i][0], i)):
        column = columns[-1] if columns else None
        if column is not None:
            width = max(column[0], need[i])
            used = dict(column[1])
            for s in stacks[i][1]:
                level = shapes[s][0]
                h = _fitted(area[s], width, high[level])[1]
                used[level] = used[level] + _GAP_SHARE * h + h if level in used else h
                if used[level] > high[level]:
                    break
            else:
                column[0], column[1] = width, used
                column[2].append(i)
                continue
        width = max(usual, need[i])
        columns.append(
            [width, {shapes[s][0]: _fitted(area[s], width, high[shapes[s][0]])[1] for s in stacks[i][1]}, [i]]
        )
    gaps = [_GAP_SHARE * column[0] for column in columns]  # the room after each column
    if not squeeze and sum(column[0] for column in columns) + sum(gaps) > right - left:
        return None
    # Left to right, each column between its stacks' mean x and its place were the columns
    # spread evenly over the map (so they fill its width), unless the one before is in the way...
    lefts = []
    edge = left
    spare = (right - left - sum(column[0] for column in columns) - sum(gaps[:-1])) / len(columns)
    even = left + spare / 2
    for column, gap in zip(columns, gaps):
        near = float(np.mean([stacks[i][0] for i in column[2]])) - column[0] / 2
        want = 0.3 * near + 0.7 * even
        even += column[0] + gap + spare
        x = max(want, edge)
        lefts.append(x)
        edge = x + column[0] + gap
    # ...then back from the right, so the last columns stay inside the map.
    edge = right
    for c in range(len(columns) - 1, -1, -1):
        lefts[c] = min(lefts[c], edge - columns[c][0])
        edge = lefts[c] - gaps[c - 1] if c else edge
    placed: list = [None] * len(shapes)
    for (width, _, members), x in zip(columns, lefts):
        # The biggest stack on top in every band, so a unit's shapes keep the same place in the column.
        members = sorted(members, key=lambda i: (-sum(shapes[s][1] for s in stacks[i][1]), i))
        for level, (top, _) in spans.items():
            row = [s for i in members for s in stacks[i][1] if shapes[s][0] == level]
            if not row:
                continue
            sizes = [_fitted(area[s], width, high[level]) for s in row]
            used = sum(h for _, h in sizes) + _GAP_SHARE * sum(h for _, h in sizes[1:])
            y = top + max(high[level] - used, 0.0) / 2
            for s, (w, h) in zip(row, sizes):
                placed[s] = (x + (width - w) / 2, y, w, h)
                y += h + _GAP_SHARE * h
    return placed
