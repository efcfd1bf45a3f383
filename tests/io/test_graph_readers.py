"""Readers nobody on this project wrote read every export whole: networkx and igraph (GraphML, GEXF, the yEd
GraphML), graph-tool (GraphML), JGraphT, whose GraphMLImporter validates against the official GraphML schema,
and graphology (GraphML, GEXF), the JavaScript library Gephi Lite reads files with.

graph-tool runs when Debian's ``python3-graph-tool`` is installed: it is built for Debian's own
``/usr/bin/python3``, so tests/support/graph_tool_count.py runs there and prints what it read. JGraphT runs
when Java (``java``, ``javac``) and Debian's ``libjgrapht-java`` are there; tests/support/JGraphTCount.java
is compiled into a temporary folder at test time. graphology runs when Node and npm are there: the versions
pinned in tests/support/graphology/ (package.json and npm's package-lock.json) are installed once per
session with ``npm ci`` into a temporary folder, and tests/support/graphology_count.mjs reads the files. What
each reader shows is what the README's table "Graph files for other tools" states.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from export_maps import IMG_ALERT, SCRIPT_CLOSE, hostile_map, keystone

from explorer.core.document import MapDocument
from explorer.core.resources import sample_graphs_dir
from explorer.io.gexf import write_gexf
from explorer.io.graphml import write_graphml
from explorer.io.model import export_view
from explorer.io.yed import write_yed

SUPPORT = Path(__file__).resolve().parents[1] / "support"
JARS = Path("/usr/share/java")
# jgrapht-io and what it needs at run time, as Debian names them.
JGRAPHT_JARS = ("jgrapht-core", "jgrapht-io", "antlr4-runtime", "commons-text", "commons-lang3", "jheaps", "fastutil")


def _maps(tmp_path):
    yield "keystone", keystone()
    yield "hostile", hostile_map(tmp_path)
    for path in sorted(sample_graphs_dir().glob("*.ttl")):
        if path.stem != "keystone-michigan":
            yield path.stem, MapDocument.open(path, editing=False)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Each map's three graph files, with what the map holds: name -> (view, {format: path})."""
    folder = tmp_path_factory.mktemp("exports")
    found = {}
    for name, doc in _maps(folder):
        files = {}
        for fmt, write, ending in (("graphml", write_graphml, "graphml"), ("gexf", write_gexf, "gexf"),
                                   ("yed", write_yed, "yed.graphml")):  # fmt: skip
            files[fmt] = folder / f"{name}.{ending}"
            write(doc, files[fmt])
        found[name] = (export_view(doc), files)
        doc.close()
    return found


def test_networkx_reads_every_node_tie_label_and_place(exports):
    for name, (view, files) in exports.items():
        labels = sorted(n.label for n in view.nodes)
        for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf), ("yed", nx.read_graphml)):
            graph = read(files[fmt], force_multigraph=True) if read is nx.read_graphml else read(files[fmt])
            assert (graph.number_of_nodes(), graph.number_of_edges()) == (len(view.nodes), len(view.ties)), (name, fmt)
            # GraphML's label is a value; GEXF's a node attribute; yEd's the y:NodeLabel networkx reads.
            assert sorted(d["label"] for _, d in graph.nodes(data=True)) == labels, (name, fmt)
        gexf = nx.read_gexf(files["gexf"])
        places = {n.id: (n.x, -n.y) for n in view.nodes}  # Gephi's y grows upwards
        for node, data in gexf.nodes(data=True):
            position = data["viz"]["position"]
            assert (position["x"], position["y"]) == pytest.approx(places[node]), (name, node)


def test_the_hostile_labels_come_out_of_every_reader_as_they_went_in(exports):
    _, files = exports["hostile"]
    for fmt in ("graphml", "yed"):
        labels = {d["label"] for _, d in nx.read_graphml(files[fmt]).nodes(data=True)}
        assert {IMG_ALERT, SCRIPT_CLOSE} <= labels, fmt


def test_igraph_reads_every_node_and_tie_of_both_graphml_files(exports):
    ig = pytest.importorskip("igraph")
    for name, (view, files) in exports.items():
        for fmt in ("graphml", "yed"):
            graph = ig.Graph.Read_GraphML(str(files[fmt]))
            assert (graph.vcount(), graph.ecount()) == (len(view.nodes), len(view.ties)), (name, fmt)
            assert set(graph.vs["iri"]) == {n.id for n in view.nodes}, (name, fmt)
        # igraph reads GraphML's own data only: the plain file's labels, not yEd's graphics.
        assert sorted(ig.Graph.Read_GraphML(str(files["graphml"])).vs["label"]) == sorted(n.label for n in view.nodes)
        assert "label" not in ig.Graph.Read_GraphML(str(files["yed"])).vs.attributes()


# graph-tool is packaged for Debian's own Python (python3-graph-tool), not for the project's environment.
SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.fixture(scope="module")
def graph_tool():
    """A command reading GraphML files with graph-tool: one dict per file (tests/support/graph_tool_count.py)."""
    if not SYSTEM_PYTHON.exists():
        pytest.skip("graph-tool's check needs Debian's python3 with python3-graph-tool")
    found = subprocess.run([SYSTEM_PYTHON, "-c", "import graph_tool"], capture_output=True, text=True, timeout=120)
    if found.returncode != 0:
        pytest.skip("graph-tool's check needs Debian's python3-graph-tool, which is not installed")

    def run(*files: Path) -> list[dict]:
        done = subprocess.run(
            [SYSTEM_PYTHON, str(SUPPORT / "graph_tool_count.py"), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return [json.loads(line) for line in done.stdout.split("\n") if line]

    return run


def test_graph_tool_reads_every_node_tie_label_and_iri_of_the_graphml_export(exports, graph_tool):
    names = list(exports)
    read = graph_tool(*(exports[name][1]["graphml"] for name in names))
    for name, found in zip(names, read, strict=True):
        view, _ = exports[name]
        assert "error" not in found, (name, found)
        assert (found["nodes"], found["edges"]) == (len(view.nodes), len(view.ties)), name
        assert sorted(found["labels"]) == sorted(n.label for n in view.nodes), name
        assert sorted(found["iris"]) == sorted(n.id for n in view.nodes), name


@pytest.fixture(scope="module")
def jgrapht(tmp_path_factory):
    """A command running tests/support/JGraphTCount.java on a file: ``(returncode, stdout, stderr)``."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        pytest.skip("JGraphT's check needs Java (java and javac), which is not installed")
    jars = [JARS / f"{name}.jar" for name in JGRAPHT_JARS]
    missing = [j.name for j in jars if not j.exists()]
    if missing:
        pytest.skip(f"JGraphT's check needs Debian's libjgrapht-java (missing: {', '.join(missing)})")
    classes = tmp_path_factory.mktemp("jgrapht")
    path = ":".join(map(str, jars))
    subprocess.run(
        ["javac", "-d", str(classes), "-cp", path, str(SUPPORT / "JGraphTCount.java")],
        check=True,
        capture_output=True,
        timeout=120,
    )

    def run(file: Path, *options: str):
        done = subprocess.run(
            ["java", "-cp", f"{classes}:{path}", "JGraphTCount", str(file), *options],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.returncode, done.stdout.split(), done.stderr

    return run


def test_jgrapht_validating_against_the_schema_reads_every_graphml_export_whole(exports, jgrapht):
    for name, (view, files) in exports.items():
        code, counts, error = jgrapht(files["graphml"])
        assert code == 0, f"{name}: {error}"
        assert counts == [str(len(view.nodes)), str(len(view.ties)), str(len(view.nodes))], name


def test_jgrapht_refuses_the_yed_file_while_validating_and_reads_it_whole_without(exports, jgrapht):
    # yFiles graphics are not GraphML by the official schema (yWorks' own schema allows them): that is why the
    # yEd file is an export of its own, beside the plain one.
    for name, (view, files) in exports.items():
        code, _, error = jgrapht(files["yed"])
        assert code == 2 and "yfiles.type" in error, name
        code, counts, error = jgrapht(files["yed"], "--no-validation")
        assert code == 0, f"{name}: {error}"
        assert counts == [str(len(view.nodes)), str(len(view.ties)), str(len(view.nodes))], name


@pytest.fixture(scope="session")
def graphology(tmp_path_factory):
    """A command running tests/support/graphology_count.mjs on files: ``(returncode, [one dict per file])``."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("graphology's check needs Node.js (node and npm), which is not installed")
    modules = tmp_path_factory.mktemp("graphology")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(SUPPORT / "graphology" / name, modules / name)
    # From npm's cache when it holds them; short fetches, retried once (npm's defaults: 5 minutes, twice), so that an
    # unreachable registry skips within minutes.
    command = [npm, "ci", "--prefix", str(modules), "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline",
               "--fetch-retries=1", "--fetch-timeout=30000"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.skip("graphology's check could not install its pinned packages: npm ci took over 4 minutes")
    if done.returncode != 0:
        lines = [line.removeprefix("npm error ") for line in done.stderr.splitlines() if line.strip()] or ["no message"]
        reason = next((line for line in lines if "Error:" in line), lines[0])  # the fetch's reason, not the log's path
        pytest.skip(f"graphology's check could not install its pinned packages (offline?): npm ci said {reason!r}")

    def run(*files: Path):
        done = subprocess.run(
            [node, str(SUPPORT / "graphology_count.mjs"), str(modules), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.stderr == "", done.stderr
        # split("\n"), not splitlines(): a label may hold U+2028, which JSON leaves as it is.
        return done.returncode, [json.loads(line) for line in done.stdout.split("\n") if line]

    return run


def test_graphology_reads_graphml_and_gexf_whole_and_the_yed_file_without_labels_or_places(exports, graphology):
    names = list(exports)
    code, read = graphology(*(exports[name][1][fmt] for name in names for fmt in ("graphml", "gexf", "yed")))
    assert code == 0, [r for r in read if "error" in r]
    for name, graphml, gexf, yed in zip(names, read[::3], read[1::3], read[2::3], strict=True):
        view, _ = exports[name]
        # Like igraph, graphology reads GraphML's own data only: yEd's labels and places are yFiles graphics.
        assert (yed["nodes"], yed["edges"], yed["positions"]) == (len(view.nodes), len(view.ties), {}), name
        assert sorted(yed["iris"]) == sorted(n.id for n in view.nodes) and set(yed["labels"]) == {None}, name
        # GraphML's nodes are n0, n1... with the IRI as "iri", GEXF's the IRIs; Gephi's y grows upwards in both.
        places = {n.id: pytest.approx([n.x, -n.y]) for n in view.nodes}
        # Labels exactly, the hostile map's U+2028 too: xmldom, graphology's DOM in Node, turns a raw one into a
        # line feed (XML 1.1's line-end rule), so the exports write it as a reference (graph_xml.xml_bytes).
        for fmt, found in (("graphml", graphml), ("gexf", gexf)):
            assert (found["nodes"], found["edges"]) == (len(view.nodes), len(view.ties)), (name, fmt)
            assert sorted(found["labels"]) == sorted(n.label for n in view.nodes), (name, fmt)
            assert sorted(found["iris"]) == sorted(n.id for n in view.nodes), (name, fmt)
            assert found["positions"] == places, (name, fmt)
