"""Map details as people read them: the credit line of the report and exports, and ``routine-explorer info``.

Whatever a file holds (markup, control sequences, 10,000 characters, hundreds of authors), what is shown on one
line is one printable line of bounded length.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from support.details import AUTHORS, DESCRIPTION, ESCAPE, SCRIPT, give_hostile_details

from explorer.cli import main
from explorer.core.document import MapDocument
from explorer.core.info import summarise
from explorer.core.map_details import CREDIT_LIMIT, MapDetails, credit_line, read_details, set_details


@pytest.fixture
def doc():
    document = MapDocument.new()
    yield document
    document.close()


def test_the_credit_line_says_who_for_whom_and_when():
    details = MapDetails(
        authors=("Ana Silva", "Ben Okafor"),
        organisation="St Elsewhere NHS Trust",
        created="2025-03-01",
        modified="2025-03-04",
    )
    assert credit_line(details) == (
        "By Ana Silva and Ben Okafor · St Elsewhere NHS Trust · made 1 March 2025, last changed 4 March 2025"
    )
    assert credit_line(MapDetails(authors=("A", "B", "C"))) == "By A, B and C"
    assert credit_line(MapDetails(organisation="Trust")) == "Trust"
    assert credit_line(MapDetails(modified="2025-03-04")) == "Last changed 4 March 2025"
    assert credit_line(MapDetails(title="Only a title", description="and a description")) == ""


def test_hostile_details_make_one_short_printable_line(doc):
    give_hostile_details(doc)
    line = credit_line(read_details(doc.store))
    assert line.isprintable() and "\n" not in line and len(line) <= CREDIT_LIMIT
    # Escaping is the page's job: here text stays text. Authors come in alphabetical order, five named.
    assert line.startswith(f"By Ana {SCRIPT}, Author 000, Author 001, Author 002, Author 003 and")
    assert line.endswith(
        f"and {len(AUTHORS) - 5} others · St {SCRIPT} Elsewhere NHS [31m Trust"
        f" · made 1 March 2025, last changed not a date {SCRIPT}"  # not a date: shown as the file has it
    )


def test_info_prints_the_details_one_line_each(doc):
    give_hostile_details(doc)
    summary = summarise(doc)
    text = summary.as_text()
    assert ESCAPE not in text and "\x00" not in text and "\x07" not in text
    lines = text.splitlines()
    assert lines[0] == f"map:      Ward {SCRIPT} 7 discharge"
    about = next(line for line in lines if line.startswith("about:"))
    credits = next(line for line in lines if line.startswith("credits:"))
    assert about.startswith(f"about:    How patients leave {SCRIPT} [31m Ward 7. Second line. Long")
    assert len(about) <= 320
    assert about.endswith("…") and len(credits) <= CREDIT_LIMIT + 10
    # JSON is for programs: every value whole (json escapes the control characters).
    data = summary.as_dict()
    assert data["description"] == DESCRIPTION and len(data["authors"]) == len(AUTHORS)
    assert "\x1b" not in json.dumps(data)


def test_info_on_the_command_line_shows_the_details(doc, tmp_path, capsys):
    details = MapDetails(
        title="Ward 7 discharge",
        description="How patients\nleave Ward 7.",
        authors=("Ana Silva",),
        created="2025-03-01",
    )
    doc.execute(set_details(doc.store, details, today=dt.date(2025, 3, 4)))
    path = tmp_path / "ward.ttl"
    doc.save_as(path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "map:      Ward 7 discharge",
        "about:    How patients leave Ward 7.",
        "credits:  By Ana Silva · made 1 March 2025, last changed 4 March 2025",
    ]
    assert main(["info", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["authors"] == ["Ana Silva"] and data["created"] == "2025-03-01"
