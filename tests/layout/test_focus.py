"""The places Focus and an opened overview group give nodes: each inside its band, none on another, in a block
shaped like the view when the view's shape is given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.layout.bands import Band
from explorer.layout.focus import _GAP_X, _GAP_Y, focus_positions

NODE = (130.0, 44.0)
STEP_X, STEP_Y = NODE[0] + _GAP_X, NODE[1] + _GAP_Y


def _bands(micro_height: float) -> list[Band]:
    """A big map's bands: the micro band as tall as ``micro_height``."""
    return [Band(3, 0.0, 400.0), Band(2, 400.0, 1200.0), Band(1, 1200.0, 1200.0 + micro_height)]


def _block(spots: dict) -> tuple[float, float]:
    xs = [x for x, _ in spots.values()]
    ys = [y for _, y in spots.values()]
    return max(xs) - min(xs) + STEP_X, max(ys) - min(ys) + STEP_Y


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(1, 2500),
    micro_height=st.sampled_from([300.0, 5_000.0, 60_000.0]),
    aspect=st.one_of(st.none(), st.floats(0.6, 3.0)),
)
def test_nodes_stay_in_their_band_apart_and_in_a_block_shaped_like_the_view(count, micro_height, aspect):
    bands = _bands(micro_height)
    nodes = [f"n{i}" for i in range(count)]
    spots = focus_positions(
        rings={n: 0 if n == "n0" else 1 for n in nodes},
        levels=dict.fromkeys(nodes, 1),
        bands=bands,
        centre_x=0.0,
        node_size=NODE,
        aspect=aspect,
    )
    assert len(set(spots.values())) == count
    assert all(bands[2].top < y < bands[2].bottom for _, y in spots.values())
    width, height = _block(spots)
    rows_room = int((micro_height - NODE[1] - 48.0) / 2 // STEP_Y) * 2 + 1
    rows_wanted = (count * STEP_X / (aspect * STEP_Y)) ** 0.5 if aspect is not None else 0.0
    if rows_wanted >= 5 and rows_room >= 2 * rows_wanted:
        # Room for more rows than that shape takes: about as wide against high as the view.
        assert aspect / 2 <= width / height <= aspect * 2, (width, height)


def test_a_units_members_in_a_wide_view_are_a_wide_block_not_a_column():
    """1,260 members had stood 105 rows high and 12 wide in a 100k map's micro band, drawn at 7 %."""
    nodes = [f"n{i}" for i in range(1260)]
    rings, levels, bands = dict.fromkeys(nodes, 1), dict.fromkeys(nodes, 1), _bands(60_000.0)
    tall = _block(focus_positions(rings=rings, levels=levels, bands=bands, centre_x=0.0, node_size=NODE))
    wide = _block(
        focus_positions(rings=rings, levels=levels, bands=bands, centre_x=0.0, node_size=NODE, aspect=730 / 640)
    )
    assert tall[1] > 4 * tall[0]
    assert 0.6 < wide[0] / wide[1] < 2.3 and wide[1] < tall[1] / 2
