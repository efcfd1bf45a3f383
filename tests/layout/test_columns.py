"""Columns read a block at a time come out as numpy's own ``fromiter`` would make them."""

from __future__ import annotations

from itertools import repeat

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.layout.columns import BLOCK, column, looked_up

# Lengths around the block boundaries, where a slicing mistake would show.
LENGTHS = st.sampled_from([0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 3 * BLOCK + 7]) | st.integers(0, 300)


@given(LENGTHS, st.integers(0, 2**31))
def test_a_column_is_what_fromiter_makes(length, seed):
    values = np.random.default_rng(seed).normal(size=length).tolist()
    assert np.array_equal(column(iter(values), float, length), np.fromiter(values, float, count=length))


@given(LENGTHS, st.integers(0, 2**31))
def test_keys_are_looked_up_in_order_with_missing_ones_marked(length, seed):
    rng = np.random.default_rng(seed)
    keys = [f"k{v}" for v in rng.integers(0, 50, size=length).tolist()]
    index = {f"k{i}": i * 3 for i in range(0, 50, 2)}  # the odd keys have no number
    expected = [index.get(key, -1) for key in keys]
    assert looked_up(map(str, keys), index, length).tolist() == expected
    assert looked_up(keys, index, length, missing=-7).tolist() == [index.get(key, -7) for key in keys]


def test_too_few_values_fail_as_in_numpy():
    with pytest.raises(ValueError):
        column(repeat(1.0, BLOCK + 3), float, BLOCK + 4)
    with pytest.raises(ValueError):
        np.fromiter(repeat(1.0, 3), float, count=4)
