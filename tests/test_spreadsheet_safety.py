"""Every CSV and TSV the command line writes opens safely in a spreadsheet: no cell starts like a formula, and a
CR or LF inside a label never starts a new row (issue 13, item 9)."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from explorer.cli import main

FORMULAS = ('=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")


def _turtle_string(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
        + '"'
    )


HOSTILE = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:change> a rx:ChangeProposal ; rdfs:label "the change" ; rx:disrupts <urn:x:r> .
<urn:x:r> a rx:Routine ; rdfs:label "Handover" ; rx:embeddedness 0.8 .
""" + "".join(
    f"<urn:x:p{k}> a rx:Role ; rx:performs <urn:x:r> ; rdfs:label {_turtle_string(label)} .\n"
    for k, label in enumerate(FORMULAS + ("two\rrows", "two\nrows"))
)


@pytest.fixture
def hostile_map(tmp_path):
    path = tmp_path / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    return str(path)


def _cells(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _assert_inert(rows: list[list[str]], columns: int) -> None:
    assert all(len(row) == columns for row in rows), "a CR or LF in a label split a row"
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a number may start that way


def test_analyse_as_csv_neutralises_every_text_cell(hostile_map, capsys):
    assert main(["analyse", hostile_map, "--format", "csv", "--runs", "0", "--no-levers"]) == 0
    rows = _cells(capsys.readouterr().out)
    _assert_inert(rows, len(rows[0]))
    labels = [row[rows[0].index("label")] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x","y")' in labels and "two\rrows" in labels and "two\nrows" in labels


def test_query_as_csv_neutralises_every_cell_and_quotes_line_breaks(hostile_map, capsysbinary):
    query = (
        "SELECT ?label WHERE { ?p a <https://w3id.org/routine-explorer/ns#Role> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert main(["query", hostile_map, "-e", query, "--format", "csv"]) == 0
    text = capsysbinary.readouterr().out.decode("utf-8")
    rows = _cells(text)
    _assert_inert(rows, 1)
    assert sorted(row[0] for row in rows[1:]) == sorted(
        ["'" + f if not _number(f) else f for f in FORMULAS] + ["two\rrows", "two\nrows"]
    )


def test_query_as_tsv_keeps_each_literal_exact_and_never_starts_a_cell_like_a_formula(hostile_map, capsysbinary):
    query = (
        "SELECT ?label WHERE { ?p a <https://w3id.org/routine-explorer/ns#Role> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert main(["query", hostile_map, "-e", query, "--format", "tsv"]) == 0
    out = capsysbinary.readouterr().out
    lines = out.decode("utf-8").split("\n")[1:-1]
    assert len(lines) == len(FORMULAS) + 2  # nothing split a row
    for line in lines:
        # The spreadsheet sees a quoted text that starts with a backslash escape, never with a formula character.
        assert line[:1] == '"' and line[1:2] not in ("=", "+", "-", "@", "\t", "\r")
    # A SPARQL client reads back exactly the labels of the map (Oxigraph's reader: rdflib's TSV reader does not
    # know the \\u escapes of the Turtle syntax the W3C format uses).
    values = sorted(row["label"].value for row in ox.parse_query_results(out, format=ox.QueryResultsFormat.TSV))
    assert values == sorted(FORMULAS + ("two\rrows", "two\nrows"))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
