"""``routine-explorer import``: writes the merged map, lists problems by row on stderr, exit 2 when nothing imports."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import ORG, RDF, RDFS
from support.paths import SAMPLES

from explorer.cli import main
from explorer.core.namespaces import RX

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def team(tmp_path) -> Path:
    path = tmp_path / "team.ttl"
    path.write_text(
        """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/icu> a rx:Unit ; rdfs:label "ICU" .
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Type", "Team", "Manager"])
        writer.writerow(["Ana", "Person", "ICU", ""])
        writer.writerow(["Ben", "Person", "ICU", "Ana"])
        writer.writerow(["", "Person", "ICU", ""])
        writer.writerow(["Cid", "Person", "ICU", "Zed"])
    return path


def test_import_writes_the_merged_map_and_lists_problems_by_row(team, roster, tmp_path, capsys):
    out = tmp_path / "merged.ttl"
    assert main(["import", str(team), str(roster), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "roster.csv: row 4, column “Name”: the name is empty (row not imported)" in err
    assert "roster.csv: row 5, column “Manager”: “Zed” names nobody in the file or on the map (value left out)" in err
    assert "3 new nodes, 1 row not imported" in err and f"wrote {out}" in err
    graph = Graph().parse(out)
    ana = graph.value(predicate=RDFS.label, object=Literal("Ana"))
    ben = graph.value(predicate=RDFS.label, object=Literal("Ben"))
    assert (ben, ORG.reportsTo, ana) in graph and (ana, RDF.type, RX.Person) in graph
    assert (ana, ORG.memberOf, graph.value(predicate=RDFS.label, object=Literal("ICU"))) in graph
    assert "Ana" not in team.read_text(encoding="utf-8")  # the map itself is untouched


def test_import_refuses_to_overwrite_the_map_unless_asked(team, roster, capsys):
    before = team.read_text(encoding="utf-8")
    assert main(["import", str(team), str(roster)]) == 2
    assert "Say where to write the merged map: -o OUT (or -o team.ttl" in capsys.readouterr().err
    assert team.read_text(encoding="utf-8") == before
    assert main(["import", str(team), str(roster), "-o", str(team)]) == 0
    assert "Ana" in team.read_text(encoding="utf-8")


def test_dry_run_lists_problems_and_writes_nothing(team, roster, tmp_path, capsys):
    assert main(["import", str(team), str(roster), "--dry-run"]) == 0
    assert "row 4" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv", "team.ttl"]


def test_nothing_importable_exits_2_and_writes_nothing(team, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Kind\n,Person\nX,Dragon\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    assert main(["import", str(team), str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "row 3, column “Kind”: “Dragon” is not a kind of node" in err and "nothing in bad.csv could be imported" in err
    )
    assert not out.exists()


def test_mapping_file_kind_and_conflict_options(team, tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_text("Who,Unit\nICU,\nAna,ICU\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nname = "Who"\nunit = "Unit"\n', encoding="utf-8")
    out = tmp_path / "out.ttl"
    assert main(["import", str(team), str(people), "--mapping", str(mapping), "--kind", "role", "-o", str(out)]) == 0
    graph = Graph().parse(out)
    assert (graph.value(predicate=RDFS.label, object=Literal("Ana")), RDF.type, RX.Role) in graph
    assert main(["import", str(team), str(people), "--kind", "Dragon", "-o", str(out)]) == 2
    assert "--kind 'Dragon' is not a kind" in capsys.readouterr().err
    bad_mapping = tmp_path / "bad.json"
    bad_mapping.write_text('{"columns": {"name": "Nope"}}', encoding="utf-8")
    assert main(["import", str(team), str(people), "--mapping", str(bad_mapping), "-o", str(out)]) == 2
    assert "the column 'Nope' is not in people.csv" in capsys.readouterr().err


def test_unsafe_or_unknown_inputs_give_a_message_and_exit_2(team, tmp_path, capsys):
    bomb = tmp_path / "bomb.graphml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaa">]><graphml/>', encoding="utf-8")
    assert main(["import", str(team), str(bomb), "-o", str(tmp_path / "o.ttl")]) == 2
    assert "declares XML entities" in capsys.readouterr().err
    odd = tmp_path / "table.ods"
    odd.write_bytes(b"PK\x03\x04")
    assert main(["import", str(team), str(odd), "-o", str(tmp_path / "o.ttl")]) == 2
    assert "Cannot tell the import format of 'table.ods'" in capsys.readouterr().err


def test_graph_import_with_a_relation_for_bare_edges(team, tmp_path, capsys):
    gexf = tmp_path / "g.gexf"
    gexf.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph defaultedgetype="directed">
  <nodes><node id="0" label="Ann"/><node id="1" label="Bo"/></nodes>
  <edges><edge id="0" source="0" target="1"/></edges>
</graph></gexf>""",
        encoding="utf-8",
    )
    out = tmp_path / "out.ttl"
    assert main(["import", str(team), str(gexf), "--kind", "Person", "--relation", "influences", "-o", str(out)]) == 0
    graph = Graph().parse(out)
    ann = graph.value(predicate=RDFS.label, object=Literal("Ann"))
    bo = graph.value(predicate=RDFS.label, object=Literal("Bo"))
    assert (ann, RX.influences, bo) in graph


def test_sample_map_and_roster_from_the_shell(tmp_path):
    import subprocess
    import sys

    sample = tmp_path / "keystone.ttl"
    shutil.copy(SAMPLES / "keystone-michigan.ttl", sample)
    roster = tmp_path / "r.csv"
    roster.write_text('Name,Kind,Unit,Reports to\nNew nurse,Role,ICU A,"Nurse lead, ICU A"\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "import", str(sample), str(roster), "-o", str(sample)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 new node" in proc.stderr and "New nurse" in sample.read_text(encoding="utf-8")
