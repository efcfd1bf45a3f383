"""Map text shown on one line: never a control character, a cut always marked "…" and never past the limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from natsort import natsort_keygen, ns

from explorer.core.text import ELLIPSIS, clipped, natural_key, one_line, shortened

# Every character a label could hide: C0 and C1 controls, DEL, line and paragraph separators,
# zero-width and bidirectional format characters, a non-breaking space.
HIDDEN = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA1))]
HIDDEN += ["\u2028", "\u2029", "\u200b", "\u202e", "\u2066", "\ufeff"]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_one_line_never_shows_a_control_character(hidden):
    shown = one_line(f"Ward{hidden}7{hidden}")
    assert shown.isprintable()
    assert shown == "Ward 7"


@given(st.text(), st.one_of(st.none(), st.integers(min_value=1, max_value=50)))
def test_one_line_is_one_printable_line_within_the_limit(text, limit):
    shown = one_line(text, limit)
    assert shown.isprintable() and "  " not in shown and shown == shown.strip()
    if limit is not None:
        assert len(shown) <= limit
    whole = one_line(text)
    # Cut only when the whole line is too long, and then marked.
    assert shown == whole or (shown.endswith(ELLIPSIS) and whole.startswith(shown[:-1]))


def test_one_line_collapses_spaces_and_cuts_with_an_ellipsis():
    assert one_line("  Morning\n\n  handover\tround  ") == "Morning handover round"
    assert one_line("Morning handover round", 10) == "Morning h…"
    assert one_line("Morning", 7) == "Morning"
    assert one_line(12.5) == "12.5"


def test_clipped_keeps_lines_and_cuts_with_an_ellipsis():
    assert clipped("line one\nline two", 30) == "line one\nline two"
    assert clipped("line one\nline two", 10) == "line one\n…"
    assert clipped("abc", None) == "abc"
    assert all(len(clipped("x" * 100, n)) == n for n in range(1, 20))


def test_shortened_is_one_line_of_forty_characters_by_default():
    assert shortened("Add " + "very " * 20) == one_line("Add " + "very " * 20, 40)
    assert len(shortened("x" * 100)) == 40 and len(shortened("x" * 100, 12)) == 12


@given(st.text(max_size=30))
def test_natural_key_is_natsorts_case_insensitive_key(text):
    # The fast path for names without digits must give the very key natsort gives.
    assert natural_key(text) == natsort_keygen(alg=ns.IGNORECASE)(text)


@given(st.text(alphabet=st.sampled_from("aZ 0123456789-.é"), max_size=20))
def test_natural_key_is_natsorts_key_for_names_with_numbers(text):
    # The fast path for ASCII names with digits ("Unit 12", "007", "1 2") must give natsort's key too.
    assert natural_key(text) == natsort_keygen(alg=ns.IGNORECASE)(text)


@pytest.mark.parametrize("text", ["a²", "Ward ፩", "وحدة ٣", "À 10", "ß"])
def test_natural_key_agrees_with_natsort_on_unusual_digits_and_letters(text):
    assert natural_key(text) == natsort_keygen(alg=ns.IGNORECASE)(text)


def test_natural_key_orders_numbers_by_value():
    names = ["Unit 150", "Unit 16", "unit 15", "Unit 2", "Ward"]
    assert sorted(names, key=natural_key) == ["Unit 2", "unit 15", "Unit 16", "Unit 150", "Ward"]
