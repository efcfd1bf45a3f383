"""The command line: info, convert, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from explorer.cli import main
from explorer.core.document import MapDocument
from explorer.core.store import ANY_GRAPH

TURTLE = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix ex: <http://example.org/> .
ex:icu a rx:Unit ; <http://www.w3.org/2000/01/rdf-schema#label> "ICU" .
ex:ana a rx:Person ; <http://www.w3.org/ns/org#memberOf> ex:icu .
ex:ben a rx:Person .
"""


@pytest.fixture
def map_file(tmp_path):
    path = tmp_path / "team.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    return path


def test_info_counts_triples_kinds_and_prefixes(map_file, capsys):
    assert main(["info", str(map_file), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["triples"] == 5
    assert info["nodes"] == 3
    kinds = {k["kind"].rsplit("#", 1)[-1]: k["nodes"] for k in info["kinds"]}
    assert kinds == {"Person": 2, "Unit": 1}
    assert info["prefixes"] == {"rx": "https://w3id.org/routine-explorer/ns#", "ex": "http://example.org/"}


def test_info_text(map_file, capsys):
    assert main(["info", str(map_file)]) == 0
    out = capsys.readouterr().out
    assert "triples:  5" in out and "nodes by kind:" in out and "rx:" in out


@pytest.mark.parametrize("suffix", [".jsonld", ".rdf", ".nt", ".nq", ".trig", ".ttl.gz"])
def test_convert_to_each_format_and_back(map_file, tmp_path, suffix, capsys):
    out = tmp_path / f"converted{suffix}"
    assert main(["convert", str(map_file), str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    back = tmp_path / "back.ttl"
    assert main(["convert", str(out), str(back)]) == 0
    assert isomorphic(Graph().parse(back), Graph().parse(map_file))


def test_convert_with_explicit_formats(map_file, tmp_path):
    out = tmp_path / "out.data"
    assert main(["convert", str(map_file), str(out), "--to", "ntriples"]) == 0
    assert main(["convert", str(out), str(tmp_path / "again.ttl"), "--from", "ntriples"]) == 0
    assert len(Graph().parse(tmp_path / "again.ttl")) == 5


def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "open\n', encoding="utf-8")
    assert main(["info", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "bad.ttl, line 2" in err


def test_unknown_output_extension_is_bad_input(map_file, tmp_path, capsys):
    assert main(["convert", str(map_file), str(tmp_path / "out.docx")]) == 2
    assert "format" in capsys.readouterr().err
    assert not (tmp_path / "out.docx").exists()


def test_debug_shows_the_traceback(tmp_path):
    missing = tmp_path / "missing.ttl"
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "--debug", "info", str(missing)], capture_output=True, text=True
    )
    assert proc.returncode != 0 and "Traceback" in proc.stderr and "no such file" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "explorer", "info", str(missing)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_convert_leaves_no_lock_or_journal(map_file, tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(data))
    assert main(["convert", str(map_file), str(tmp_path / "x.nt")]) == 0
    assert not list(data.rglob("*.journal"))
    MapDocument.open(map_file).close()  # not locked


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "info" in out and "convert" in out


# ------------------------------------------------------------------ --scenario (a map's scenario, read)
@pytest.fixture
def scenario_map(tmp_path, monkeypatch):
    """The Keystone sample saved in TriG with the scenario "to-be", in which unit ICU A has change fatigue 0.9."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from explorer.core import scenarios
    from explorer.core.namespaces import RX
    from explorer.core.resources import sample_graphs_dir

    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "keystone.trig"
    unit = URIRef("https://w3id.org/routine-explorer/sample/keystone-michigan/unit/icu-a")
    with MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", with_ontology=False) as doc:
        old = list(doc.store.quads(unit, RX.changeFatigue, None))
        tired = [(unit, RX.changeFatigue, Literal("0.9", datatype=XSD.decimal))]
        command, _ = scenarios.create(doc, "to-be", added=tired, removed=old)
        doc.execute(command)
        doc.save_as(path)
    return path


def test_info_and_analyse_read_a_scenario(scenario_map, capsys):
    assert main(["info", str(scenario_map), "--scenario", "to-be"]) == 0
    assert "map:      Keystone ICU, Michigan — scenario “to-be”" in capsys.readouterr().out
    assert main(["analyse", str(scenario_map), "--runs", "0", "--format", "json"]) == 0
    as_is = json.loads(capsys.readouterr().out)
    assert main(["analyse", str(scenario_map), "--runs", "0", "--format", "json", "--scenario", "to-be"]) == 0
    to_be = json.loads(capsys.readouterr().out)
    assert to_be != as_is
    assert main(["analyse", str(scenario_map), "--scenario", "nope"]) == 2
    assert "There is no scenario “nope”" in capsys.readouterr().err


def test_export_names_the_scenario_and_a_one_graph_format_says_what_it_leaves_out(scenario_map, tmp_path, capsys):
    page = tmp_path / "to-be.html"
    assert main(["export", str(scenario_map), str(page), "--scenario", "to-be"]) == 0
    assert "<title>Keystone ICU, Michigan — scenario “to-be”" in page.read_text(encoding="utf-8")
    capsys.readouterr()
    turtle = tmp_path / "to-be.ttl"
    assert main(["export", str(scenario_map), str(turtle), "--scenario", "to-be"]) == 0
    assert "exported the map shown; its scenario is kept only in TriG or N-Quads" in capsys.readouterr().err
    assert "0.9" in turtle.read_text(encoding="utf-8")  # the scenario shown
    trig = tmp_path / "again.trig"
    assert main(["export", str(scenario_map), str(trig), "--scenario", "to-be"]) == 0
    with (
        MapDocument.open(trig, editing=False, with_ontology=False) as again,
        MapDocument.open(scenario_map, editing=False, with_ontology=False) as first,
    ):  # TriG: as a save writes it, the map as it is and the scenario
        assert set(again.store.quads(graph=ANY_GRAPH)) == set(first.store.quads(graph=ANY_GRAPH))


def test_report_on_a_scenario_is_titled_with_it(scenario_map, tmp_path):
    pytest.importorskip("PySide6")
    page = tmp_path / "report.html"
    assert main(["report", str(scenario_map), "-o", str(page), "--runs", "0", "--scenario", "to-be"]) == 0
    assert "may meet resistance in Keystone ICU, Michigan — scenario “to-be”" in page.read_text(encoding="utf-8")
