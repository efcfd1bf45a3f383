"""``routine-explorer compare`` and ``routine-explorer scenarios``, run as the real command in a child process.

The Michigan pair (Keystone against Matching Michigan England, the article's Box 4) is compared end to end in
each output format: in JSON the difference is B minus A with its parts adding up to it, its leading mechanisms
are the context's (read from what the maps hold, not hard-coded), a map against itself gives zero everywhere,
swapping the maps negates, and the same seed repeats. Bad input exits 2 with one line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from rdflib import XSD, Literal
from support.paths import KEYSTONE, MATCHING, REPO, SAMPLES

from explorer.analysis.compare_tables import CSV_COLUMNS

CLI = REPO / ".venv" / "bin" / "routine-explorer"
RUNS = "40"  # enough for an interval and a share of runs; the default 200 only costs time here


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rx-data")


def run(*args, data_dir: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``routine-explorer ARGS`` in a child process, with its own data folder."""
    return subprocess.run(
        [str(CLI), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "ROUTINE_EXPLORER_DATA_DIR": str(data_dir)},
        timeout=300,
    )


def compare_json(*args, data_dir: Path) -> dict:
    done = run("compare", *args, "--format", "json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refused(*args, data_dir: Path, cwd: Path | None = None) -> str:
    """The command exits 2 with a one-line message and no traceback; returns the message."""
    done = run(*args, data_dir=data_dir, cwd=cwd)
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("routine-explorer: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def michigan(data_dir) -> dict:
    return compare_json(KEYSTONE, MATCHING, "--runs", RUNS, data_dir=data_dir)


# ------------------------------------------------------------------- the Michigan pair
def test_json_difference_is_b_minus_a_and_its_parts_add_up(michigan):
    a, b, d = michigan["a"], michigan["b"], michigan["difference"]
    assert a["name"] == "Keystone ICU, Michigan" and b["name"] == "Matching Michigan, England"
    assert d["figure"] == pytest.approx(b["figure"]["value"] - a["figure"]["value"], abs=1e-9)
    assert d["figure"] > 1.0  # England's context resists the same bundle far more
    assert sum(p["value"] for p in d["by_mechanism"]) == pytest.approx(d["figure"], abs=1e-6)
    assert sum(p["value"] for p in d["by_level"]) == pytest.approx(d["figure"], abs=1e-6)
    assert d["low"] <= d["figure"] <= d["high"]
    assert d["a_more_resistant"] + d["b_more_resistant"] <= 1.0
    assert d["share"] == pytest.approx(b["figure"]["share"] - a["figure"]["share"], abs=1e-9)
    assert michigan["runs"] == int(RUNS) and michigan["seed"] == 0
    # Every figure of the difference sits under "difference"; IRIs are strings.
    for key in ("points", "structure", "people", "a_more_resistant", "b_more_resistant", "low", "high"):
        assert key in d
    assert a["change"].startswith("https://") and isinstance(a["figure"]["points"], int)
    point = d["points"][0]
    assert point["difference"] == pytest.approx(point["score_b"] - point["score_a"])
    assert {"nodes_added", "nodes_removed", "ties_added", "ties_removed", "values_changed"} <= set(d["structure"])
    assert len(d["structure"]["nodes_added"]) > 10 and d["structure"]["values_changed"]


def test_the_leading_mechanisms_are_the_context(michigan, data_dir):
    """The bundle is the same in both maps, so what it transgresses differs little: the difference comes from
    the context. Which mechanisms the maps' points carry is read from each map's own analysis."""
    parts = michigan["difference"]["by_mechanism"]
    leading = [p["key"] for p in parts[:2]]
    assert all(not key.startswith("transgression.") for key in leading), leading
    context = sum(abs(p["value"]) for p in parts if not p["key"].startswith("transgression."))
    transgression = sum(abs(p["value"]) for p in parts if p["key"].startswith("transgression."))
    assert context > 2 * transgression
    carried = set()
    for path in (KEYSTONE, MATCHING):
        done = run("analyse", path, "--format", "json", "--runs", "0", "--no-levers", "--top", "0", data_dir=data_dir)
        assert done.returncode == 0, done.stderr
        carried |= {r["mechanism"] for p in json.loads(done.stdout)["points"] for r in p["reasons"]}
    assert set(leading) <= carried


def test_table_says_it_in_words(michigan, data_dir):
    done = run("compare", KEYSTONE, MATCHING, "--runs", RUNS, "--top", "5", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    lines = out.splitlines()
    assert lines[: len(michigan["summary"])] == michigan["summary"]
    assert "Points that moved most" in out and "The difference by mechanism" in out and "By level:" in out
    assert michigan["difference"]["by_mechanism"][0]["label"] in out
    assert michigan["difference"]["points"][0]["label"] in out
    nodes_added = len(michigan["difference"]["structure"]["nodes_added"])
    assert f"Nodes added in B ({nodes_added}):" in out and f"… and {nodes_added - 5} more" in out
    assert "http" not in out.split("Points that moved most")[1]  # words, not IRIs


def test_csv_has_one_row_per_point(michigan, data_dir):
    done = run("compare", KEYSTONE, MATCHING, "--runs", RUNS, "--format", "csv", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    points = michigan["difference"]["points"]
    assert len(rows) - 1 == len(points)
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["label"] == points[0]["label"] and first["match"] == points[0]["match"]
    assert float(first["difference"]) == pytest.approx(points[0]["difference"], abs=1e-4)


def test_a_map_against_itself_is_zero_everywhere(data_dir):
    same = compare_json(MATCHING, MATCHING, "--runs", RUNS, data_dir=data_dir)
    d = same["difference"]
    assert d["figure"] == 0.0 and d["share"] == 0.0 and d["people"] == 0.0
    assert d["low"] == 0.0 and d["high"] == 0.0 and d["a_more_resistant"] == 0.0 and d["b_more_resistant"] == 0.0
    assert d["by_mechanism"] == [] and d["by_level"] == []
    assert d["points"] and all(p["difference"] == 0.0 and p["match"] == "iri" for p in d["points"])
    assert all(not entries for key, entries in d["structure"].items() if not key.startswith("matched"))


def test_swapping_the_maps_negates(michigan, data_dir):
    swapped = compare_json(MATCHING, KEYSTONE, "--runs", RUNS, data_dir=data_dir)
    d, e = michigan["difference"], swapped["difference"]
    assert e["figure"] == pytest.approx(-d["figure"], abs=1e-9)
    assert e["low"] == pytest.approx(-d["high"], abs=1e-9) and e["high"] == pytest.approx(-d["low"], abs=1e-9)
    assert e["a_more_resistant"] == d["b_more_resistant"] and e["b_more_resistant"] == d["a_more_resistant"]
    assert {p["key"]: p["value"] for p in e["by_mechanism"]} == pytest.approx(
        {p["key"]: -p["value"] for p in d["by_mechanism"]}, abs=1e-9
    )
    assert len(e["structure"]["nodes_added"]) == len(d["structure"]["nodes_removed"])


def test_the_same_seed_repeats(michigan, data_dir):
    again = compare_json(KEYSTONE, MATCHING, "--runs", RUNS, "--seed", "0", data_dir=data_dir)
    assert again == michigan
    other = compare_json(KEYSTONE, MATCHING, "--runs", RUNS, "--seed", "7", data_dir=data_dir)
    assert other["difference"]["figure"] == michigan["difference"]["figure"]  # the estimate has no randomness
    assert (other["difference"]["low"], other["difference"]["high"]) != (
        michigan["difference"]["low"],
        michigan["difference"]["high"],
    )


# ------------------------------------------------------------------ hostile labels, bad input
HOSTILE = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:c> a rx:ChangeProposal ; rdfs:label "=cmd|' /C calc'!A0" ; rx:disrupts <urn:x:r> .
<urn:x:r> a rx:Routine ; rdfs:label "@SUM(1+1)" ; rx:embeddedness 0.9 .
<urn:x:p> a rx:Role ; rdfs:label "=HYPERLINK(\\"http://evil.example\\",\\"x\\")\\nsecond line" ;
    rx:performs <urn:x:r> ; rx:changeFatigue %s .
"""


def test_hostile_labels_are_neutralised_in_csv(tmp_path, data_dir):
    (tmp_path / "a.ttl").write_text(HOSTILE % "0.2", encoding="utf-8")
    (tmp_path / "b.ttl").write_text(HOSTILE % "0.9", encoding="utf-8")
    done = run("compare", "a.ttl", "b.ttl", "--format", "csv", "--runs", "0", data_dir=data_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout, newline="")))
    labels = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")\nsecond line' in labels
    assert "'@SUM(1+1)" in labels
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row if cell[:1] != "0")
    table = run("compare", "a.ttl", "b.ttl", "--runs", "0", data_dir=data_dir, cwd=tmp_path)
    assert table.returncode == 0 and "second line" in table.stdout
    assert not any(line.startswith("second line") for line in table.stdout.splitlines())  # one line per point


TWO_CHANGES = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:c1> a rx:ChangeProposal ; rdfs:label "First" ; rx:disrupts <urn:x:r> .
<urn:x:c2> a rx:ChangeProposal ; rdfs:label "Second" ; rx:disrupts <urn:x:r> , <urn:x:s> .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
<urn:x:s> a rx:Routine ; rx:embeddedness 0.5 .
<urn:x:p> a rx:Role ; rdfs:label "Nurse" ; rx:performs <urn:x:r> , <urn:x:s> .
"""


def test_bad_input_exits_2_with_one_line(tmp_path, data_dir):
    (tmp_path / "two.ttl").write_text(TWO_CHANGES, encoding="utf-8")
    shutil.copy(KEYSTONE, tmp_path / "k.ttl")
    assert "missing.ttl" in refused("compare", "k.ttl", "missing.ttl", data_dir=data_dir, cwd=tmp_path)
    message = refused("compare", "k.ttl", "k.ttl", "--change", "urn:x:nope", data_dir=data_dir, cwd=tmp_path)
    assert "urn:x:nope" in message and "CLABSI checklist bundle (Keystone)" in message
    message = refused("compare", "k.ttl", "two.ttl", data_dir=data_dir, cwd=tmp_path)
    assert message.startswith("routine-explorer: two.ttl:") and "--change-b" in message
    assert "First" in message and "Second" in message
    message = refused("compare", "k.ttl", "k.ttl", "--scenario", "to-be", data_dir=data_dir, cwd=tmp_path)
    assert "to-be" in message and "none" in message
    message = refused("compare", "k.ttl", "two.ttl", "-o", "two.ttl", data_dir=data_dir, cwd=tmp_path)
    assert "is the map itself" in message
    assert (tmp_path / "two.ttl").read_text(encoding="utf-8") == TWO_CHANGES
    assert "--top" in refused("compare", "k.ttl", "k.ttl", "--top", "0", data_dir=data_dir, cwd=tmp_path)


def test_two_changes_of_one_map(tmp_path, data_dir):
    (tmp_path / "two.ttl").write_text(TWO_CHANGES, encoding="utf-8")
    both = compare_json(
        tmp_path / "two.ttl", tmp_path / "two.ttl", "--change", "urn:x:c1", "--change-b", "urn:x:c2", data_dir=data_dir
    )
    assert both["a"]["change"] == "urn:x:c1" and both["b"]["change"] == "urn:x:c2"
    assert both["a"]["name"].endswith("“First”") and both["b"]["name"].endswith("“Second”")
    assert both["difference"]["figure"] > 0  # the second also disrupts the other routine
    assert all(not entries for key, entries in both["difference"]["structure"].items() if not key.startswith("m"))


def test_change_b_defaults_to_change_when_b_has_it(tmp_path, data_dir):
    (tmp_path / "two.ttl").write_text(TWO_CHANGES, encoding="utf-8")
    (tmp_path / "copy.ttl").write_text(TWO_CHANGES, encoding="utf-8")
    both = compare_json(tmp_path / "two.ttl", tmp_path / "copy.ttl", "--change", "urn:x:c2", data_dir=data_dir)
    assert both["a"]["change"] == both["b"]["change"] == "urn:x:c2" and both["difference"]["figure"] == 0.0


def test_the_report_is_written(tmp_path, data_dir):
    """-o writes the comparison report (HTML, or PDF through Qt), never over either map."""
    shutil.copy(KEYSTONE, tmp_path / "k.ttl")
    shutil.copy(MATCHING, tmp_path / "m.ttl")
    done = run("compare", "k.ttl", "m.ttl", "--runs", "0", "-o", "box4.html", data_dir=data_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "wrote box4.html" in done.stderr
    page = (tmp_path / "box4.html").read_text(encoding="utf-8")
    assert "Keystone ICU, Michigan" in page and "Matching Michigan, England" in page
    done = run(
        "compare",
        "k.ttl",
        "m.ttl",
        "--runs",
        "0",
        "-o",
        "box4.pdf",
        "--format",
        "json",
        data_dir=data_dir,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "box4.pdf").read_bytes()[:5] == b"%PDF-" and "difference" in json.loads(done.stdout)
    assert "ending" in refused("compare", "k.ttl", "m.ttl", "-o", "box4.docx", data_dir=data_dir, cwd=tmp_path)
    before = (tmp_path / "k.ttl").read_bytes()
    assert "the map itself" in refused("compare", "k.ttl", "m.ttl", "-o", "k.ttl", data_dir=data_dir, cwd=tmp_path)
    assert (tmp_path / "k.ttl").read_bytes() == before


# --------------------------------------------------------------------------- scenarios
@pytest.fixture(scope="module")
def scenario_map(tmp_path_factory, data_dir) -> Path:
    """Keystone as TriG with a scenario "tired" (every change fatigue at 0.95) and an empty one."""
    from explorer.core import scenarios
    from explorer.core.document import MapDocument
    from explorer.core.namespaces import RX
    from explorer.core.terms import DEFAULT_GRAPH

    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copy(KEYSTONE, folder / "k.ttl")
    previous = os.environ.get("ROUTINE_EXPLORER_DATA_DIR")
    os.environ["ROUTINE_EXPLORER_DATA_DIR"] = str(data_dir)
    try:
        doc = MapDocument.open(folder / "k.ttl")
        try:
            old = list(doc.store.quads(None, RX.changeFatigue, None, graph=DEFAULT_GRAPH))
            new = [(s, p, Literal("0.95", datatype=XSD.decimal), g) for s, p, o, g in old]
            command, _ = scenarios.create(doc, "tired", added=new, removed=old)
            doc.execute(command)
            command, _ = scenarios.create(doc, "=cmd|' /C calc'!A0")
            doc.execute(command)
            doc.save_as(folder / "k.trig")
        finally:
            doc.close()
    finally:
        if previous is None:
            os.environ.pop("ROUTINE_EXPLORER_DATA_DIR", None)
        else:
            os.environ["ROUTINE_EXPLORER_DATA_DIR"] = previous
    return folder / "k.trig"


def test_scenarios_are_listed(scenario_map, data_dir):
    done = run("scenarios", scenario_map, "--format", "json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    found = {s["name"]: s for s in json.loads(done.stdout)["scenarios"]}
    assert set(found) == {"tired", "=cmd|' /C calc'!A0"}
    assert found["tired"]["added"] == found["tired"]["removed"] > 0
    assert found["tired"]["iri"].startswith("http") and found["=cmd|' /C calc'!A0"]["added"] == 0
    table = run("scenarios", scenario_map, data_dir=data_dir)
    assert table.returncode == 0 and "2 scenarios" in table.stdout and "“tired”" in table.stdout
    plain = run("scenarios", KEYSTONE, data_dir=data_dir)
    assert plain.returncode == 0 and "no scenarios" in plain.stdout


def test_as_is_against_a_scenario(scenario_map, data_dir):
    to_be = compare_json(scenario_map, scenario_map, "--scenario-b", "tired", "--runs", RUNS, data_dir=data_dir)
    assert to_be["a"]["name"] == "Keystone ICU, Michigan — as-is"
    assert to_be["b"]["name"] == "Keystone ICU, Michigan — scenario “tired”"
    d = to_be["difference"]
    assert d["figure"] > 0 and d["by_mechanism"][0]["key"] == "context.change_fatigue"
    assert sum(p["value"] for p in d["by_mechanism"]) == pytest.approx(d["figure"], abs=1e-6)
    changed = {v["name"] for v in d["structure"]["values_changed"]}
    assert changed == {"changeFatigue"} and not d["structure"]["nodes_added"]
    back = compare_json(scenario_map, scenario_map, "--scenario", "TIRED", "--runs", RUNS, data_dir=data_dir)
    assert back["difference"]["figure"] == pytest.approx(-d["figure"], abs=1e-9)
    same = compare_json(
        scenario_map, scenario_map, "--scenario", "tired", "--scenario-b", "tired", "--runs", "0", data_dir=data_dir
    )
    assert same["difference"]["figure"] == 0.0
    assert same["b"]["name"] == "Keystone ICU, Michigan — scenario “tired” (B)"  # one name twice: by letter
    # A scenario of another file: B's scenario against A's base; one title, so the files tell them apart.
    other = compare_json(KEYSTONE, scenario_map, "--scenario-b", "tired", "--runs", "0", data_dir=data_dir)
    assert other["difference"]["figure"] == pytest.approx(d["figure"], abs=1e-9)
    assert other["a"]["name"] == "Keystone ICU, Michigan (keystone-michigan.ttl)"
    assert other["b"]["name"] == "Keystone ICU, Michigan (k.trig) — scenario “tired”"


def test_unknown_scenario_lists_those_there_are(scenario_map, data_dir):
    message = refused("compare", scenario_map, scenario_map, "--scenario-b", "nope", data_dir=data_dir)
    assert "k.trig" in message and "“nope”" in message and "tired" in message


# --------------------------------------------------------------------------- details (review of issue 16)
NOBODY_A = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:c> a rx:ChangeProposal ; rdfs:label "New rota" ; rx:disrupts <urn:x:r> .
<urn:x:r> a rx:Routine ; rdfs:label "Handover" ; rx:embeddedness 0.9 .
<urn:x:p> a rx:Role ; rdfs:label "Nurse" ; rx:performs <urn:x:r> .
"""
#: The same change, and nobody performs the routine it disrupts: B exposes nobody.
NOBODY_B = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:c> a rx:ChangeProposal ; rdfs:label "New rota" ; rx:disrupts <urn:x:r> .
<urn:x:r> a rx:Routine ; rdfs:label "Handover" ; rx:embeddedness 0.9 .
"""


def test_runs_and_seed_out_of_range_exit_2(tmp_path, data_dir):
    shutil.copy(KEYSTONE, tmp_path / "k.ttl")
    for option, value in (("--runs", "-3"), ("--runs", "100001"), ("--seed", "-1"), ("--seed", str(2**63))):
        message = refused("compare", "k.ttl", "k.ttl", option, value, data_dir=data_dir, cwd=tmp_path)
        assert option in message and value in message.replace(",", "")


def test_one_map_on_both_sides_names_the_sides_by_letter(data_dir):
    same = compare_json(KEYSTONE, KEYSTONE, "--runs", "0", data_dir=data_dir)
    assert same["a"]["name"] == "Keystone ICU, Michigan (A)" and same["b"]["name"] == "Keystone ICU, Michigan (B)"
    table = run("compare", KEYSTONE, KEYSTONE, "--runs", "0", data_dir=data_dir)
    assert "Keystone ICU, Michigan (B) − Keystone ICU, Michigan (A)" in table.stdout


def test_two_different_changes_are_noted(tmp_path, data_dir):
    video = SAMPLES / "video-consultations-gp.ttl"
    done = run("compare", KEYSTONE, video, "--runs", "0", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    (note,) = [line for line in done.stderr.splitlines() if "note:" in line]
    assert "CLABSI checklist bundle (Keystone)" in note and "the same intervention" in note
    assert "Offer video consultations" in note
    # Another file with the change of the same name: nothing to note.
    shutil.copy(KEYSTONE, tmp_path / "copy.ttl")
    alike = run("compare", KEYSTONE, tmp_path / "copy.ttl", "--runs", "0", data_dir=data_dir)
    assert alike.returncode == 0 and "note:" not in alike.stderr, alike.stderr


def test_unknown_scenario_message_is_cleaned(tmp_path, data_dir):
    from explorer.core import scenarios
    from explorer.core.document import MapDocument

    shutil.copy(KEYSTONE, tmp_path / "k.ttl")
    previous = os.environ.get("ROUTINE_EXPLORER_DATA_DIR")
    os.environ["ROUTINE_EXPLORER_DATA_DIR"] = str(data_dir)
    try:
        with MapDocument.open(tmp_path / "k.ttl") as doc:
            command, _ = scenarios.create(doc, "\u202eeb-ot\x1b[31m red\u200f")
            doc.execute(command)
            doc.save_as(tmp_path / "k.trig")
    finally:
        if previous is None:
            os.environ.pop("ROUTINE_EXPLORER_DATA_DIR", None)
        else:
            os.environ["ROUTINE_EXPLORER_DATA_DIR"] = previous
    message = refused("compare", "k.trig", "k.trig", "--scenario-b", "nope\u202e", data_dir=data_dir, cwd=tmp_path)
    assert "eb-ot" in message and "“nope”" in message
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in message), ascii(message)


def test_the_part_from_points_on_one_side_only_is_said(michigan, data_dir):
    d = michigan["difference"]
    assert 0 < d["unmatched"] < d["figure"]  # most of England's extra, from roles Michigan does not have
    table = run("compare", KEYSTONE, MATCHING, "--runs", "0", data_dir=data_dir)
    assert "comes from points drawn on one side only" in table.stdout


def test_a_side_that_exposes_nobody_has_no_share(tmp_path, data_dir):
    (tmp_path / "a.ttl").write_text(NOBODY_A, encoding="utf-8")
    (tmp_path / "b.ttl").write_text(NOBODY_B, encoding="utf-8")
    done = run("compare", "a.ttl", "b.ttl", "--runs", RUNS, "--format", "json", data_dir=data_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    d = data["difference"]
    assert d["share"] is None and d["share_low"] is None and d["a_more_resistant"] is None
    assert d["low"] is not None  # the number likely to resist is still compared, with its interval
    table = run("compare", "a.ttl", "b.ttl", "--runs", RUNS, data_dir=data_dir, cwd=tmp_path)
    assert "exposes nobody to the change: the shares are not compared" in table.stdout
    assert "higher share" not in table.stdout
    report = run("compare", "a.ttl", "b.ttl", "--runs", RUNS, "-o", "r.html", data_dir=data_dir, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "the shares are not compared" in page and "higher share" not in page
