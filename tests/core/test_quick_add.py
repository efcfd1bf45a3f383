"""Reading a quick-add line: which arrows join two names, which way, and what is refused with a message."""

from __future__ import annotations

import pytest
from rdflib.namespace import RDFS

from explorer.core import editing
from explorer.core.document import MapDocument
from explorer.core.errors import CommandError
from explorer.core.quick_add import MAX_LINE, read_line
from explorer.core.schema import MAX_NAME, Schema


@pytest.fixture
def schema():
    document = MapDocument.new()
    yield Schema.from_store(document.store)
    document.close()


def names(line: str, schema) -> list[tuple[str, str | None]]:
    return [(p.name, p.kind.split("#")[1] if p.kind else None) for p in read_line(line, schema)]


@pytest.mark.parametrize("arrow", ["->", "→", "⟶", "—>", "=>", "⇒", "-->", "–>"])
def test_each_arrow_joins_two_names(schema, arrow):
    assert names(f"Ward 7 (unit) {arrow} Discharge huddle (routine)", schema) == [
        ("Ward 7", "Unit"),
        ("Discharge huddle", "Routine"),
    ]


@pytest.mark.parametrize("arrow", ["<-", "←", "<="])
def test_a_backward_arrow_names_the_tie_the_other_way(schema, arrow):
    assert names(f"Ward 7 (unit) {arrow} Discharge huddle (routine)", schema) == [
        ("Discharge huddle", "Routine"),
        ("Ward 7", "Unit"),
    ]


def test_hyphens_and_a_lone_less_than_stay_in_a_name(schema):
    assert names("Pre-op ward (unit) -> Age < 65 clinic (unit)", schema) == [
        ("Pre-op ward", "Unit"),
        ("Age < 65 clinic", "Unit"),
    ]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("C (unit) <-> D (unit)", "A tie runs one way. Use -> between two names"),
        ("C (unit) ↔ D (unit)", "A tie runs one way"),
        ("C (unit) > D (unit)", "Use -> between two names"),
        ("C (unit) >> D (unit)", "Use -> between two names"),
        ("C (unit) ~> D (unit)", "Use -> between two names"),
        ("C (unit) ↝ D (unit)", "Use -> between two names"),
        ("C (unit) <", "Use -> between two names"),
        ("C (unit) <- D <", "Use -> between two names"),
        ("A -> B => C", "Use one arrow"),
        ("A <- ", "both sides"),
    ],
)
def test_what_is_still_arrow_like_is_refused_not_read_into_a_name(schema, line, says):
    with pytest.raises(CommandError, match=says):
        read_line(line, schema)


def test_one_name_limit_for_quick_add_renames_and_new_nodes(schema):
    longest = "x" * MAX_NAME
    assert read_line(f"{longest} (unit) -> {longest} (role)", schema)[0].name == longest
    assert len(f"{longest} (unit) -> {longest} (role)") <= MAX_LINE
    with pytest.raises(CommandError, match=f"at most {MAX_NAME}"):
        read_line(longest + "x (unit)", schema)
    with pytest.raises(ValueError, match=f"at most {MAX_NAME}"):
        schema.coerce(RDFS.label, longest + "x")
    assert str(schema.coerce(RDFS.label, longest)) == longest


def test_the_rename_history_label_names_both_names():
    label = editing.rename_label("Ward 7\n(north wing)", "Ward 7 East")
    assert label == "Rename “Ward 7 (north wing)” to “Ward 7 East”"
