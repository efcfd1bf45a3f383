"""Rows of Python objects as numpy columns, read in C without holding the interpreter for long.

``np.fromiter`` over ``map()`` reads a column with no Python bytecode running, which is what makes it fast
(a loop over 369k ties took a second; this takes a tenth). It also means the interpreter lock is never
offered to another thread meanwhile: run in the map's loading worker, one such column of 369k ties held the
window for 180 ms. So a column is read a block at a time, and the loop between blocks lets the window in.

Examples
--------
>>> from operator import itemgetter
>>> ties = [("a", "b"), ("b", "c"), ("c", "x")]
>>> index = {"a": 0, "b": 1, "c": 2}
>>> looked_up(map(itemgetter(1), ties), index, len(ties)).tolist()
[1, 2, -1]
>>> column(map(len, ["ab", "c"]), np.int64, 2).tolist()
[2, 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice, repeat
from operator import attrgetter, is_
from typing import NamedTuple

import numpy as np

__all__ = ["BLOCK", "TieColumns", "column", "looked_up", "tie_columns"]

#: Items read per block: about 3 ms of C work, within the interpreter's 5 ms switch interval.
BLOCK = 16_384


def column(values: Iterable, dtype, count: int) -> np.ndarray:
    """The first ``count`` of ``values`` as an array of ``dtype``, read a block at a time.

    Parameters
    ----------
    values : iterable
        Best a ``map()`` chain of C functions: the values are then read without running bytecode.
    dtype : numpy dtype
        The column's type.
    count : int
        How many values there are (fewer raise ``ValueError``, as ``np.fromiter`` does).

    Examples
    --------
    >>> column(iter([1.5, 2.5, 3.5]), float, 3).tolist()
    [1.5, 2.5, 3.5]
    """
    values = iter(values)
    result = np.empty(count, dtype=dtype)
    for start in range(0, count, BLOCK):
        stop = min(start + BLOCK, count)
        # This loop's turns are where another thread can take the interpreter.
        result[start:stop] = np.fromiter(islice(values, stop - start), dtype=dtype, count=stop - start)
    return result


def looked_up(keys: Iterable, index: Mapping, count: int, missing: int = -1) -> np.ndarray:
    """Each of ``keys`` replaced by its number in ``index`` (``missing`` where it has none), as int64.

    Examples
    --------
    >>> looked_up(["b", "z", "a"], {"a": 0, "b": 1}, 3).tolist()
    [1, -1, 0]
    """
    return column(map(index.get, keys, repeat(missing)), np.int64, count)


class TieColumns(NamedTuple):
    """A map's ties as columns of node numbers (see :func:`tie_columns`)."""

    #: The nodes' keys, in the order given: a tie's ends are numbers of these.
    nodes: list
    #: Each tie's source and target (-1 for an end that is not among the nodes).
    source: np.ndarray
    target: np.ndarray
    #: Each tie's way, a number of :attr:`ways`.
    way: np.ndarray
    #: The ways ties go, each ``(relation, plain)``: the relation (a property, or a qualified tie's class)
    #: and whether the tie is a plain statement rather than a qualified tie.
    ways: list


def tie_columns(nodes: Mapping, ties: Mapping) -> TieColumns:
    """``ties`` (views with ``source``, ``target``, ``relation`` and ``tie``, as a projection's are) as columns
    of numbers of ``nodes``' keys, read in C: no record is made per tie.

    Examples
    --------
    >>> from collections import namedtuple
    >>> Tie = namedtuple("Tie", "source target relation tie")
    >>> found = tie_columns({"a": 0, "b": 0}, {1: Tie("a", "b", "memberOf", None), 2: Tie("b", "x", "Advice", "t2")})
    >>> found.source.tolist(), found.target.tolist(), [found.ways[w] for w in found.way]
    ([0, 1], [1, -1], [('memberOf', True), ('Advice', False)])
    """
    keys = list(nodes)
    index = dict(zip(keys, range(len(keys))))
    views = list(ties.values())
    count = len(views)
    pairs = list(zip(map(attrgetter("relation"), views), map(is_, map(attrgetter("tie"), views), repeat(None))))
    ways = list(dict.fromkeys(pairs))
    return TieColumns(
        keys,
        looked_up(map(attrgetter("source"), views), index, count),
        looked_up(map(attrgetter("target"), views), index, count),
        looked_up(pairs, dict(zip(ways, range(len(ways)))), count),
        ways,
    )
