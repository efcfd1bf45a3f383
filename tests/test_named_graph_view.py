"""A map whose data is all in named graphs (published TriG, say) is never an empty map without a word.

The CLI names the graphs and the options (``--union``, ``--graph IRI``) and refuses to print an empty
result; the core shows a view (one graph or the union) that the canvas, the analysis and the exports read,
and that saves each statement back into its own graph; the app offers the choice in a notice above the canvas.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from support.paths import KEYSTONE, REPO
from support.ui import open_and_wait

from explorer.core import graph_view
from explorer.core.commands import Command, add_node
from explorer.core.document import MapDocument
from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX
from explorer.core.projection import Projection
from explorer.core.schema import Schema
from explorer.core.terms import DEFAULT_GRAPH

CLI = REPO / ".venv" / "bin" / "routine-explorer"
ORG = "http://www.w3.org/ns/org#"
UNITS = "https://data.example.org/graph/units"
PEOPLE = "https://data.example.org/graph/people"
FINANCE = URIRef("https://data.example.org/unit/finance")
SHARED_LABEL = (FINANCE, RDFS.label, Literal("Finance committee", lang="en"))
# Non-canonical lexical forms ("0.70", "0120") are what a lossless save must keep as written.
PARLIAMENT_TRIG = f"""@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix org: <{ORG}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{UNITS}> {{
  <https://data.example.org/unit/finance> a rx:Unit ; rdfs:label "Finance committee"@en, "Finanzausschuss"@de ;
      rx:readiness "0.70"^^xsd:decimal ; org:unitOf <https://data.example.org/unit/parliament> .
  <https://data.example.org/unit/parliament> a rx:Unit ; rdfs:label "Parliament" ; rx:headcount "0120"^^xsd:integer .
}}
<{PEOPLE}> {{
  <https://data.example.org/person/ana> a rx:Person ; rdfs:label "Ana" ;
      org:memberOf <https://data.example.org/unit/finance> .
  <https://data.example.org/person/ben> a rx:Person ; rdfs:label "Ben" ;
      org:memberOf <https://data.example.org/unit/finance> .
  <https://data.example.org/unit/finance> rdfs:label "Finance committee"@en .
}}
"""


def quads(path: Path) -> set:
    """Every quad of a file as written (lexical forms kept), for exact comparison."""
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    return {str(q) for q in ox.parse(path=str(path), format=fmt)}


@pytest.fixture
def parliament(tmp_path) -> Path:
    path = tmp_path / "parliament.trig"
    path.write_text(PARLIAMENT_TRIG, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def keystone_split(tmp_path_factory) -> Path:
    """The Keystone sample with its units in one named graph and everything else in another.

    Nothing is left in the default graph.
    """
    unitish = {
        ox.NamedNode(str(RX.Unit)),
        ox.NamedNode(str(RX.Organisation)),
        ox.NamedNode(str(RX.Collaborative)),
        ox.NamedNode(ORG + "Organization"),
    }
    triples = list(ox.parse(path=str(KEYSTONE), format=ox.RdfFormat.TURTLE))
    units = {t.subject for t in triples if t.predicate == ox.NamedNode(str(RDF.type)) and t.object in unitish}
    graphs = ox.NamedNode(UNITS), ox.NamedNode("https://data.example.org/graph/everything-else")
    path = tmp_path_factory.mktemp("split") / "keystone-split.trig"
    path.write_bytes(
        ox.serialize(
            [ox.Quad(t.subject, t.predicate, t.object, graphs[t.subject not in units]) for t in triples],
            format=ox.RdfFormat.TRIG,
        )
    )
    return path


def run(*args, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    """The installed ``routine-explorer ARGS``.

    Killed, failing the test, if it runs past ``timeout`` seconds (a hang).
    """
    return subprocess.run(
        [str(CLI), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


# ---------------------------------------------------------------------------------------------- the command line
def test_info_lists_the_graphs_with_their_counts_and_says_what_to_do(parliament):
    done = run("info", parliament)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "graphs:   2 named graph(s) besides the map" in lines
    assert re.search(rf"<{UNITS}>\s+8 triples\s+2 nodes", done.stdout)
    assert re.search(rf"<{PEOPLE}>\s+7 triples\s+2 nodes", done.stdout)
    note = next(line for line in lines if line.startswith("note:"))
    assert "map graph has no nodes" in note and "--union" in note and "--graph IRI" in note
    data = json.loads(run("info", "--json", parliament).stdout)
    assert data["needs_view"] is True
    assert data["data_graphs"] == [
        {"name": UNITS, "triples": 8, "nodes": 2},
        {"name": PEOPLE, "triples": 7, "nodes": 2},
    ]


def test_info_on_an_ordinary_map_has_no_note():
    done = run("info", KEYSTONE)
    assert done.returncode == 0 and "note:" not in done.stdout and "graphs:" not in done.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["analyse", "{map}"],
        ["interdependencies", "{map}"],
        # validate reports such a map as not checked and goes on to the next (tests/test_validate.py).
        ["export", "{map}", "{out}.html"],
        ["export", "{map}", "{out}.csv"],
        ["report", "{map}", "-o", "{out}.html"],
    ],
)
def test_reading_commands_refuse_an_empty_looking_map_naming_the_graphs_and_the_options(command, parliament, tmp_path):
    args = [a.format(map=parliament, out=tmp_path / "out") for a in command]
    done = run(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    message = done.stderr.strip()
    assert "\n" not in message
    assert message.startswith("routine-explorer: parliament.trig: the map graph has no nodes")
    for needed in ("--union", "--graph IRI", f"<{UNITS}> (8 triples, 2 nodes)", f"<{PEOPLE}> (7 triples, 2 nodes)"):
        assert needed in message
    assert not any(p.name.startswith("out") for p in tmp_path.iterdir()), "nothing is written"


def test_union_reads_exactly_what_the_split_file_holds(keystone_split):
    """Analysis and interdependencies of the union of the split file equal those of the original Turtle."""
    for command in (["interdependencies"], ["analyse", "--runs", "0", "--no-levers", "--format", "json"]):
        union = run(*command, keystone_split, "--union")
        plain = run(*command, KEYSTONE)
        assert union.returncode == 0 and plain.returncode == 0, union.stderr + plain.stderr
        # Blank node labels are minted afresh on every read.
        same = [re.sub(r"\bN[0-9a-f]{32}\b", "_:b", out.stdout) for out in (union, plain)]
        assert same[0] == same[1]
        assert len(union.stdout) > 200


def test_graph_picks_one_graph_and_an_unknown_graph_is_named(parliament):
    units = run("interdependencies", parliament, "--graph", UNITS)
    assert units.returncode == 0, units.stderr
    assert "Finance committee" in units.stdout and "Ana" not in units.stdout
    both = run("interdependencies", parliament, "--graph", UNITS, "--graph", f"<{PEOPLE}>")
    assert both.returncode == 0 and "Ana" in both.stdout and "Parliament" in both.stdout
    # Alone, the people graph ties Ana to a unit it does not describe; with the units, the map is sound.
    alone = run("validate", parliament, "--graph", PEOPLE)
    assert alone.returncode == 1 and "membership points elsewhere" in alone.stdout
    union = run("validate", parliament, "--union")
    assert union.returncode == 0 and union.stdout.endswith("parliament.trig: 0 violation(s), 0 warning(s)\n")
    unknown = run("analyse", parliament, "--graph", "https://data.example.org/graph/nowhere")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "routine-explorer: parliament.trig has no named graph <https://data.example.org/graph/nowhere>; "
        "its data graphs are "
        f"<{UNITS}> (8 triples, 2 nodes), <{PEOPLE}> (7 triples, 2 nodes)."
    )
    clash = run("analyse", parliament, "--graph", UNITS, "--union")
    assert clash.returncode == 2 and "not allowed with argument" in clash.stderr


def test_exports_of_a_view_keep_the_graphs_or_say_why_not(parliament, tmp_path):
    trig = tmp_path / "copy.trig"
    done = run("export", parliament, trig, "--union")
    assert done.returncode == 0, done.stderr
    assert quads(trig) == quads(parliament), "a dataset export writes each statement in its own graph"
    page = tmp_path / "page.html"
    assert run("export", parliament, page, "--union").returncode == 0
    assert "Finanzausschuss" in page.read_text(encoding="utf-8") or "Finance committee" in page.read_text(
        encoding="utf-8"
    )
    turtle = run("export", parliament, tmp_path / "flat.ttl", "--union")
    assert turtle.returncode == 2 and "Save as TriG or N-Quads" in turtle.stderr
    assert not (tmp_path / "flat.ttl").exists()


def test_union_on_an_ordinary_map_changes_nothing(parliament, tmp_path):
    flat = tmp_path / "flat.nt"
    flat.write_bytes(
        ox.serialize(
            (q.triple for q in ox.parse(path=str(parliament), format=ox.RdfFormat.TRIG)), format=ox.RdfFormat.N_TRIPLES
        )
    )
    plain = run("interdependencies", flat)
    union = run("interdependencies", flat, "--union")
    assert (
        plain.returncode == union.returncode == 0
        and plain.stdout == union.stdout
        and "Finance committee" in plain.stdout
    )


# ---------------------------------------------------------------------------------------------- the core
def nodes_of(doc) -> set:
    return {str(n) for n in Projection.build(doc.store, Schema.from_store(doc.store)).nodes}


def test_census_and_choosing_a_view(parliament):
    with MapDocument.open(parliament, editing=False) as doc:
        found = graph_view.census(doc)
        assert found.needs_view and not found.map_has_nodes
        assert [(str(g.name), g.triples, g.nodes) for g in found.graphs] == [(UNITS, 8, 2), (PEOPLE, 7, 2)]
        assert nodes_of(doc) == set()
        assert graph_view.show_view(doc, [PEOPLE]) == (URIRef(PEOPLE),)
        assert nodes_of(doc) == {"https://data.example.org/person/ana", "https://data.example.org/person/ben"}
        assert graph_view.show_view(doc) == (URIRef(UNITS), URIRef(PEOPLE))
        assert len(nodes_of(doc)) == 4 and not graph_view.census(doc).needs_view
        assert graph_view.current_view(doc) == (URIRef(UNITS), URIRef(PEOPLE))
        with pytest.raises(ExplorerError, match="has no named graph <urn:x:elsewhere>"):
            graph_view.show_view(doc, ["urn:x:elsewhere"])


def test_an_ordinary_map_needs_no_view_and_has_no_graph_to_show():
    with MapDocument.open(KEYSTONE, editing=False) as doc:
        assert not graph_view.census(doc).needs_view
        assert graph_view.select_view(doc) == () and graph_view.select_view(doc, union=True) == ()
        with pytest.raises(ExplorerError, match="no named graphs to view"):
            graph_view.show_view(doc)


@pytest.mark.parametrize("view", [None, [UNITS]], ids=["union", "one graph"])
@pytest.mark.parametrize("name", ["parliament.trig", "parliament.nq"])
def test_opening_viewing_and_saving_without_edits_writes_the_same_quads(view, name, parliament, tmp_path):
    path = tmp_path / name
    if name.endswith(".nq"):
        path.write_bytes(
            ox.serialize(ox.parse(path=str(parliament), format=ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS)
        )
    else:
        path.write_bytes(parliament.read_bytes())
    before = quads(path)
    doc = MapDocument.open(path)
    try:
        graph_view.show_view(doc, view)
        assert not doc.dirty
        doc.save()
    finally:
        doc.close()
    after = quads(path)
    assert after == before
    assert any('"0.70"^^' in q for q in after) and any('"0120"^^' in q for q in after)


def test_edits_in_the_union_go_back_into_their_graphs_and_undo_restores_them_exactly(parliament):
    original = quads(parliament)
    doc = MapDocument.open(parliament)
    try:
        graph_view.show_view(doc)
        # A statement held by both graphs leaves both, and undo puts it back into both.
        doc.execute(Command("Remove label", removed=[(*SHARED_LABEL, DEFAULT_GRAPH)]))
        doc.save()
        gone = original - quads(parliament)
        assert gone == {
            f"{q} <{g}>"
            for g in (UNITS, PEOPLE)
            for q in [
                "<https://data.example.org/unit/finance> "
                '<http://www.w3.org/2000/01/rdf-schema#label> "Finance committee"@en'
            ]
        }
        doc.undo()
        doc.save()
        assert quads(parliament) == original
        # A new person goes where the people are; a new fact about a unit goes where the unit is.
        cy = URIRef("https://data.example.org/person/cy")
        doc.execute(add_node(doc.store, cy, RX.Person, "Cy"))
        doc.execute(
            Command(
                "Tie and rate",
                added=[
                    (cy, URIRef(ORG + "memberOf"), FINANCE, DEFAULT_GRAPH),
                    (FINANCE, RX.workload, Literal("0.5", datatype=XSD.decimal), DEFAULT_GRAPH),
                ],
            )
        )
        doc.save()
    finally:
        doc.close()
    added = quads(parliament) - original
    assert {q.rsplit(" ", 1)[1] for q in added if q.startswith("<https://data.example.org/person/cy>")} == {
        f"<{PEOPLE}>"
    }
    assert [q.rsplit(" ", 1)[1] for q in added if "#workload" in q] == [f"<{UNITS}>"]
    assert len(added) == 4 and original <= quads(parliament)
    with MapDocument.open(parliament, editing=False) as again:
        assert graph_view.census(again).needs_view, "the map graph is still empty: the file reopens with the same offer"


def test_a_view_cannot_be_switched_with_unsaved_edits(parliament):
    doc = MapDocument.open(parliament)
    try:
        graph_view.show_view(doc)
        doc.execute(Command("Rename", added=[(FINANCE, RDFS.label, Literal("Budget"), DEFAULT_GRAPH)]))
        with pytest.raises(ExplorerError, match="Save the map"):
            graph_view.show_view(doc, [PEOPLE])
        assert len(nodes_of(doc)) == 4, "the view stays as it was"
        doc.save()
        graph_view.show_view(doc, [PEOPLE])
        assert not doc.stack.can_undo(), "the history of another view cannot follow"
        assert len(nodes_of(doc)) == 2
    finally:
        doc.close()
    assert f'<{FINANCE}> <http://www.w3.org/2000/01/rdf-schema#label> "Budget" <{UNITS}>' in quads(parliament)


class CountingStore:
    """A native Oxigraph store that counts the lookups made in it (pattern searches and ``in`` tests)."""

    def __init__(self, native: ox.Store) -> None:
        self.native = native
        self.lookups = 0

    def quads_for_pattern(self, *args, **kwargs):
        self.lookups += 1
        return self.native.quads_for_pattern(*args, **kwargs)

    def __contains__(self, quad) -> bool:
        self.lookups += 1
        return quad in self.native

    def __len__(self) -> int:
        return len(self.native)

    def __iter__(self):
        return iter(self.native)

    def __getattr__(self, name):
        return getattr(self.native, name)


def test_edits_cost_what_they_touch_not_the_number_of_graphs(tmp_path):
    """Published files may hold a graph per unit: 2,000 of them. Placing and un-placing 2,000 nodes took
    61 s when each quad looked in every graph (4 million lookups); looking only where the statement is,
    it takes a few lookups a statement. How long it takes is measured by tests/benchmarks/bench_graph_view.py."""
    path = tmp_path / "per-unit.nq"
    lines = []
    for i in range(2000):
        g, u = f"<https://data.example.org/graph/{i}>", f"<https://data.example.org/unit/{i}>"
        lines += [f"{u} <{RDF.type}> <{RX.Unit}> {g} .", f'{u} <{RDFS.label}> "Unit {i}" {g} .']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = quads(path)
    with MapDocument.open(path) as doc:
        graph_view.show_view(doc)
        placed = [
            (
                URIRef(f"https://data.example.org/unit/{i}"),
                RX.canvasX,
                Literal(str(i), datatype=XSD.decimal),
                DEFAULT_GRAPH,
            )
            for i in range(2000)
        ]
        counting = doc.store._ox = CountingStore(doc.store._ox)
        doc.execute(Command("Place", added=placed))
        doc.save()
        doc.undo()
        doc.save()
    graphs = 2000
    # A few lookups a statement edited, and one a graph written at each save.
    assert 0 < counting.lookups <= 3 * len(placed) + 2 * graphs, counting.lookups
    assert quads(path) == before


def test_blank_graph_names_and_blank_nodes_survive_a_view(tmp_path):
    import rdflib
    from rdflib.compare import isomorphic

    text = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
_:units { <urn:x:u> a rx:Unit ; rdfs:comment [ rdfs:label "a note" ] . }
<urn:g:people> { <urn:x:p> a rx:Person ; <http://www.w3.org/ns/org#memberOf> <urn:x:u> . }
""".replace("@prefix rx:", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix rx:")
    path = tmp_path / "blank.trig"
    path.write_text(text, encoding="utf-8")
    with MapDocument.open(path) as doc:
        assert [g.shown.startswith("_:") for g in graph_view.census(doc).graphs] == [True, False]
        graph_view.show_view(doc)
        assert len(nodes_of(doc)) == 2
        doc.save()
    from explorer.core.terms import from_ox

    def read(data: bytes):
        found = list(ox.parse(data, format=ox.RdfFormat.TRIG))
        sizes = sorted(
            (type(g).__name__, n)
            for g, n in {q.graph_name: sum(1 for x in found if x.graph_name == q.graph_name) for q in found}.items()
        )
        return sizes, rdflib.Graph().__iadd__([tuple(map(from_ox, (q.subject, q.predicate, q.object))) for q in found])

    (sizes_before, triples_before), (sizes_after, triples_after) = read(text.encode()), read(path.read_bytes())
    assert sizes_before == sizes_after == [("BlankNode", 3), ("NamedNode", 2)]
    assert isomorphic(triples_before, triples_after)


def test_a_huge_graph_name_still_gives_a_one_line_message_with_the_options(tmp_path):
    path = tmp_path / "long.trig"
    path.write_text(f"<https://data.example.org/{'g' * 5000}> {{ <urn:x:u> a <{RX.Unit}> . }}\n", encoding="utf-8")
    done = run("analyse", path)
    message = done.stderr.strip()
    assert done.returncode == 2 and "\n" not in message and len(message) < 500
    assert "Add --union to read them together, or --graph IRI for one" in message


def test_the_apps_analysis_input_is_the_view(keystone_split):
    from explorer.analysis.run import graph_of_serialised, serialise_map

    with MapDocument.open(keystone_split, editing=False) as doc, MapDocument.open(KEYSTONE, editing=False) as plain:
        graph_view.show_view(doc)
        view, original = graph_of_serialised(serialise_map(doc)), graph_of_serialised(serialise_map(plain))
        assert len(view) == len(original) > 50 and view.number_of_edges() == original.number_of_edges()


# ---------------------------------------------------------------------------------------------- the app
@pytest.fixture
def shown_boxes(monkeypatch) -> list:
    """Message boxes the app shows, recorded and answered so that none blocks a test."""
    QMessageBox = pytest.importorskip("PySide6.QtWidgets").QMessageBox  # noqa: N806 - the Qt class's own name
    shown = []
    for kind in ("warning", "question", "information", "critical"):

        def answer(parent, title, text, *args, _kind=kind, **kwargs):
            shown.append((_kind, title, text))
            return QMessageBox.StandardButton.Discard if _kind == "warning" else QMessageBox.StandardButton.Yes

        monkeypatch.setattr(QMessageBox, kind, staticmethod(answer))
    return shown


@pytest.fixture
def app_window(qtbot, shown_boxes):
    from PySide6.QtCore import QSettings

    from explorer.ui.main_window import MainWindow

    QSettings("Routine Explorer", "Routine Explorer").clear()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    yield window
    if window.document is not None:
        window.document.close()
        window.document = None
    window.close()
    QSettings("Routine Explorer", "Routine Explorer").clear()


def test_the_app_offers_the_graphs_and_the_canvas_and_analysis_follow_the_choice(
    app_window, qtbot, parliament, shown_boxes
):
    from PySide6.QtCore import Qt

    window = app_window
    original = quads(parliament)
    open_and_wait(window, parliament)
    bar = window.graph_view_bar
    qtbot.waitUntil(bar.isVisible, timeout=5000)
    assert "2 named graph(s)" in bar.label.text() and "map graph is empty" in bar.label.text()
    assert [bar.choice.itemText(i) for i in range(bar.choice.count())] == [
        "All 2 graphs together (15 statements, 4 nodes)",
        f"<{UNITS}>: 8 statements, 2 nodes",
        f"<{PEOPLE}>: 7 statements, 2 nodes",
    ]
    assert len(window.projection.nodes) == 0 and window.canvas.isEnabled(), "the notice blocks nothing"
    assert shown_boxes == []

    # One graph, picked with the keyboard from the list.
    bar.choice.setFocus()
    qtbot.keyClick(bar.choice, Qt.Key.Key_Down)
    qtbot.keyClick(bar.choice, Qt.Key.Key_Down)
    assert bar.choice.currentIndex() == 2
    with qtbot.waitSignal(bar.viewChanged, timeout=10_000):
        qtbot.mouseClick(bar.show_button, Qt.MouseButton.LeftButton)
    assert {str(n) for n in window.projection.nodes} == {
        "https://data.example.org/person/ana",
        "https://data.example.org/person/ben",
    }
    assert set(window.canvas.positions) == set(window.projection.nodes)
    assert "Showing <" + PEOPLE + ">" in bar.label.text()

    # Then the union: every node drawn, the analysis panel reading the same map.
    qtbot.keyClick(bar.choice, Qt.Key.Key_Home)
    with qtbot.waitSignal(bar.viewChanged, timeout=10_000):
        qtbot.mouseClick(bar.show_button, Qt.MouseButton.LeftButton)
    assert len(window.projection.nodes) == 4 and len(window.canvas.positions) == 4
    assert window.analysis.projection is window.projection
    assert "Showing all 2 named graphs together" in bar.label.text()
    assert window.counts_label.text().startswith("4 nodes")

    # Saving without edits writes the file back as it was read, each statement in its own graph.
    assert window.save(wait=True)
    assert quads(parliament) == original
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible() and len(window.projection.nodes) == 4
    assert shown_boxes == []


def test_the_app_says_nothing_about_an_ordinary_map(app_window, qtbot):

    open_and_wait(app_window, KEYSTONE)  # the bar decides when the map is shown, before this returns
    assert not app_window.graph_view_bar.isVisible() and len(app_window.projection.nodes) > 50


def test_reverting_in_a_view_offers_the_choice_again(app_window, qtbot, parliament):
    from PySide6.QtCore import Qt

    window = app_window
    open_and_wait(window, parliament)
    bar = window.graph_view_bar
    with qtbot.waitSignal(bar.viewChanged, timeout=10_000):
        qtbot.mouseClick(bar.show_button, Qt.MouseButton.LeftButton)
    assert len(window.projection.nodes) == 4
    window.document.revert()
    qtbot.waitUntil(lambda: "Choose what to view" in bar.label.text(), timeout=5000)
    assert bar.isVisible() and len(window.projection.nodes) == 0
