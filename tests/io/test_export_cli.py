"""``routine-explorer export``: the format from the ending or --format, the heat, and one-line errors."""

from __future__ import annotations

import csv
import subprocess
import sys

import networkx as nx
import pytest
from export_maps import KEYSTONE, hostile_map

from explorer.cli import main


def test_export_html_and_graph_files_with_the_heat(tmp_path, capsys):
    page = tmp_path / "keystone.html"
    assert main(["export", str(KEYSTONE), str(page), "--heat", "--title", "Keystone <board>"]) == 0
    err = capsys.readouterr().err
    assert f"wrote {page}" in err and "heat on" in err
    text = page.read_text(encoding="utf-8")
    assert "<title>Keystone &lt;board&gt;</title>" in text and '"heat":true' in text

    graphml = tmp_path / "keystone.xml"
    assert (
        main(["export", str(KEYSTONE), str(graphml), "--format", "GraphML", "--heat", "--layout", "hierarchical"]) == 0
    )
    G = nx.read_graphml(graphml, force_multigraph=True)
    scores = {n: d["heat"] for n, d in G.nodes(data=True) if "heat" in d}
    assert scores and all(isinstance(v, float) for v in scores.values())
    assert G.graph["layout"] == "hierarchical"


def test_export_csv_names_both_files(tmp_path, capsys):
    assert main(["export", str(KEYSTONE), str(tmp_path / "k.csv")]) == 0
    assert f"{tmp_path / 'k-nodes.csv'} and {tmp_path / 'k-edges.csv'}" in capsys.readouterr().err
    with open(tmp_path / "k-edges.csv", encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) > 100


def test_export_rdf_says_the_heat_is_not_written(tmp_path, capsys):
    out = tmp_path / "k.ttl.gz"
    assert main(["export", str(KEYSTONE), str(out), "--heat"]) == 0
    assert "not written to RDF" in capsys.readouterr().err
    assert out.read_bytes()[:2] == b"\x1f\x8b"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{map}", "{out}/x.docx"], "Cannot tell the export format of 'x.docx'"),
        (["{map}", "{out}/x.html", "--format", "word"], "No export format called 'word'"),
        (["{missing}", "{out}/x.html"], "no such file"),
        (["{map}", "{out}/nowhere/x.gexf"], "does not exist"),
        (["{hostile}", "{out}/x.html", "--heat"], "change"),
        (["{map}", "{out}/x.html", "--change", "https://example.org/not-a-change"], "not-a-change"),
        (["{map}", "{out}/x.csv", "--dpi", "300"], "Unknown export option(s): dpi"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, arguments, message):
    hostile = hostile_map(tmp_path)
    hostile.close()
    values = {
        "map": KEYSTONE,
        "out": tmp_path,
        "missing": tmp_path / "missing.ttl",
        "hostile": tmp_path / "hostile.ttl",
    }
    assert main(["export", *(a.format(**values) for a in arguments)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("routine-explorer: ") and message in err, err
    assert not list(tmp_path.glob("x*"))


def test_export_runs_as_a_command(tmp_path):
    out = tmp_path / "k.gexf"
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "export", str(KEYSTONE), str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert nx.read_gexf(out).number_of_nodes() > 10
