"""The SPARQL console in the main window: saved questions, running, results linked to the canvas, export,
syntax errors, updates and undo, cancel, refusals, history, hostile text, and the highlighter."""

from __future__ import annotations

import csv
import json

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QFileDialog
from rdflib import URIRef
from rdflib.namespace import RDFS
from support.paths import KEYSTONE
from support.processes import cpu_seconds, ended
from support.waiting import wait_until

from explorer.core.namespaces import RX
from explorer.core.store import ANY_GRAPH
from explorer.ui.sparql import console as sparql_console
from explorer.ui.sparql.editor import CodeEditor
from explorer.ui.sparql.highlighter import SparqlHighlighter

HOSTILE = "<img src='http://example.invalid/x.png'><b>bold</b> \"} ; DROP ALL ; {\""
UNITS = "SELECT ?unit ?label WHERE { ?unit a rx:Unit ; rdfs:label ?label } ORDER BY ?label"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def window(make_window):
    w = make_window(KEYSTONE)
    yield w
    w.sparql_console.shutdown()
    for graph_window in list(w.sparql_console.graph_windows):
        graph_window.close()


@pytest.fixture
def console(window, qtbot):
    show = next(a for a in window.actions() if a.text() == "Show SPARQL &Console")
    assert not window.sparql_dock.isVisible()  # hidden until asked for
    show.trigger()
    qtbot.waitUntil(lambda: window.sparql_dock.isVisible(), timeout=5000)
    c = window.sparql_console
    qtbot.waitUntil(lambda: "rx:Unit" in c.editor.completions(), timeout=10_000)
    return c


def run(qtbot, console, text=None, *, timeout=20_000):
    task = console.run(text)
    assert task is not None, console.message_detail.text()
    assert task.wait(timeout), "the query did not finish"
    QApplication.processEvents()
    return task


def click_item(qtbot, tree, item) -> None:
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def map_quads(document) -> set:
    return set(document.store.quads(graph=ANY_GRAPH))


def test_the_map_vocabulary_is_read_when_the_console_is_first_shown_not_at_every_open(qtbot, window):
    """Reading it takes the interpreter 0.3 s on a 100k-node map: not in the first seconds of every open."""
    console = window.sparql_console
    QApplication.processEvents()
    assert "rx:Unit" not in console.editor.completions()
    next(a for a in window.actions() if a.text() == "Show SPARQL &Console").trigger()
    qtbot.waitUntil(lambda: "rx:Unit" in console.editor.completions(), timeout=10_000)


# ---------------------------------------------------------------------------------------------- the walkthrough
def test_pick_a_saved_question_run_it_and_click_a_row_to_select_its_nodes(qtbot, window, console):
    assert console.pages.currentIndex() == 0 and console.empty.text() == sparql_console.EMPTY_HINT
    item = console.find_question("01-who-performs-disrupted-routines")
    assert item is not None, "the saved questions are listed"
    click_item(qtbot, console.questions, item)
    query = console.question(item)
    assert query.builtin and console.editor.toPlainText() == query.text
    assert query.description.split()[0] in console.description.text()

    # Ctrl+Enter in the editor runs it.
    console.editor.setFocus()
    qtbot.keyClick(console.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert console.task is not None
    assert console.task.wait(20_000)
    QApplication.processEvents()
    assert console.task.error is None, console.task.error
    model = console.model
    assert console.pages.currentIndex() == 1 and model.rowCount() > 3
    assert model.variables[:2] == ("change", "changeLabel")
    assert console.summary.text()

    # IRIs read by the node's label, the IRI in the tooltip.
    performer = model.variables.index("performer")
    iri = model.term(0, performer)
    assert isinstance(iri, URIRef) and iri in window.projection.nodes
    index = model.index(0, performer)
    assert index.data() == window.projection.nodes[iri].label
    assert str(iri) in index.data(Qt.ItemDataRole.ToolTipRole)

    # Clicking a row selects the nodes it names on the canvas.
    rect = console.table.visualRect(model.index(1, 0))
    qtbot.mouseClick(console.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    expected = {t for t in model.row_terms(1) if isinstance(t, URIRef) and t in window.projection.nodes}
    assert len(expected) >= 2
    assert set(window.canvas.selected_nodes()) == expected

    # Sorting by a column reorders the rows.
    column = model.variables.index("routineLabel")
    console.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = [model.index(r, column).data() for r in range(model.rowCount())]
    assert shown == sorted(shown, key=str.casefold, reverse=True)

    # Ctrl+C copies the selected rows as tab-separated text, with the column names.
    console.table.setFocus()
    console.table.selectRow(0)
    qtbot.keyClick(console.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == list(model.variables)
    assert lines[1].split("\t")[performer] == window.projection.nodes[model.term(0, performer)].label
    QApplication.clipboard().clear()


def test_export_writes_the_rows_in_every_table_format(qtbot, window, console, tmp_path, monkeypatch):
    run(qtbot, console, UNITS)
    rows = console.model.rowCount()
    assert rows >= 4
    # Through the Export menu and its file dialog.
    target = tmp_path / "units"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    console._fill_export_menu()
    csv_action = next(a for a in console.export_menu.actions() if a.text().startswith("CSV"))
    csv_action.trigger()
    written = target.with_suffix(".csv")
    with written.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["unit", "label"]
    assert len(table) == rows + 1
    labels = {window.projection.nodes[URIRef(r[0])].label for r in table[1:]}
    assert labels == {r[1] for r in table[1:]}

    path = console.export("json", tmp_path / "units.json")
    assert len(json.loads(path.read_text(encoding="utf-8"))["results"]["bindings"]) == rows
    assert b"<sparql" in console.export("xml", tmp_path / "units.xml").read_bytes()
    assert (
        len(console.export("tsv", tmp_path / "units.tsv").read_text(encoding="utf-8").strip().splitlines()) == rows + 1
    )


# ------------------------------------------------------------------------------------------------- mistakes
def test_a_syntax_error_is_marked_at_its_line_and_column_as_the_user_types(qtbot, console):
    console.editor.setFocus()
    for index, line in enumerate(["SELECT ?unit", "WHERE {", "  ?unit a rx:Unit ; ) .", "}"]):
        if index:
            qtbot.keyClick(console.editor, Qt.Key.Key_Return)
        console.editor.completer.popup().hide()
        qtbot.keyClicks(console.editor, line)
    qtbot.waitUntil(lambda: console.editor.error is not None, timeout=5000)
    line, column, message = console.editor.error
    assert line == 3 and 12 <= column <= 22, (line, column, message)
    start, end = console.editor.error_range()
    block = console.editor.document().findBlock(start)
    assert block.blockNumber() == 2 and end > start
    assert "3" in console.status.text()

    # Running it anyway explains the error and keeps the mark.
    task = console.run()
    task.wait(10_000)
    QApplication.processEvents()
    assert console.pages.currentIndex() == 3 and "syntax" in console.message_title.text()
    assert console.editor.error is not None and console.editor.error[0] == 3

    # Fixing it clears the mark.
    console.editor.replace_text("SELECT ?unit WHERE { ?unit a rx:Unit }")
    qtbot.waitUntil(lambda: "SELECT" in console.status.text(), timeout=5000)
    assert console.editor.error is None


def test_service_and_load_are_refused_with_the_services_message(qtbot, console):
    assert not QSettings("Routine Explorer", "Routine Explorer").value(sparql_console.NETWORK_KEY, False, type=bool)
    assert not console.network_box.isChecked()
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    console.editor.replace_text(text)
    qtbot.waitUntil(
        lambda: "SERVICE" in console.status.text() or "network" in console.status.text().lower(), timeout=5000
    )
    run(qtbot, console)
    assert console.pages.currentIndex() == 3
    assert console.message_title.text() == "The query was refused"
    service_module, _ = sparql_console._sparql()
    with pytest.raises(service_module.QueryRefused) as refused:
        console.service.kind(text)
    assert console.message_detail.text().startswith(str(refused.value))
    assert "Allow network" in console.message_detail.text()
    run(qtbot, console, "LOAD <http://127.0.0.1:9/data.ttl>")
    assert console.message_title.text() == "The query was refused"

    # The setting turns network access on for the next query, and is remembered.
    console.network_box.setChecked(True)
    assert QSettings("Routine Explorer", "Routine Explorer").value(sparql_console.NETWORK_KEY, False, type=bool)
    assert console.service.kind(text) == "select"
    console.network_box.setChecked(False)


def test_map_only_is_a_remembered_box_that_takes_the_ontology_out_of_the_default_graph(qtbot, window, console):
    """Ticked (a click, as a user would), a count is the map's own and the ontology is read by name."""
    from explorer.core.document import ONTOLOGY_GRAPH
    from explorer.core.terms import DEFAULT_GRAPH

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def counted(text: str) -> int:
        run(qtbot, console, text)
        return int(console.table.model().term(0, 0))

    assert not console.map_only_box.isChecked()
    in_map = window.document.store.count(DEFAULT_GRAPH)
    assert counted(count) > in_map, "by default the ontology is in the default graph"
    qtbot.mouseClick(console.map_only_box, Qt.MouseButton.LeftButton)
    assert console.map_only_box.isChecked()
    assert QSettings("Routine Explorer", "Routine Explorer").value(sparql_console.MAP_ONLY_KEY, False, type=bool)
    assert counted(count) == in_map
    assert counted(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}") > 1000
    qtbot.mouseClick(console.map_only_box, Qt.MouseButton.LeftButton)
    assert not QSettings("Routine Explorer", "Routine Explorer").value(sparql_console.MAP_ONLY_KEY, True, type=bool)
    assert counted(count) > in_map


# --------------------------------------------------------------------------------------------------- updates
def test_an_update_is_one_undoable_edit_that_gives_back_the_original_graph(qtbot, window, console):
    before = map_quads(window.document)
    units = [iri for iri, view in window.projection.nodes.items() if view.kind == RX.Unit]
    run(
        qtbot,
        console,
        'DELETE { ?u rdfs:label ?l } INSERT { ?u rdfs:label "Renamed unit" } WHERE { ?u a rx:Unit ; rdfs:label ?l }',
    )
    assert console.task.error is None, console.task.error
    assert "Added" in console.summary.text()
    assert window.document.dirty
    assert all(window.projection.nodes[iri].label == "Renamed unit" for iri in units)
    assert window.document.stack.index == 1
    window.act_undo.trigger()
    assert map_quads(window.document) == before
    assert not window.document.dirty
    assert window.projection.nodes[units[0]].label != "Renamed unit"

    run(qtbot, console, 'DELETE DATA { <urn:x:nothing> rdfs:label "none" }')
    assert "changed nothing" in console.message_title.text()
    assert window.document.stack.index == 0


def test_an_update_is_not_applied_to_a_map_reverted_while_it_ran(qtbot, window, console):
    """The update's diff was worked out on the map before the revert: applying it to the file's content
    would mix the two."""
    task = console.run('INSERT DATA { <urn:x:late> rdfs:label "Late" }')
    assert task is not None
    window.document.revert()  # File > Revert while the update runs: the map is read again from its file
    assert task.wait(20_000)
    QApplication.processEvents()
    assert console.summary.text() == "Not applied", console.message_detail.text()
    assert not list(window.document.store.quads(URIRef("urn:x:late"), None, None, ANY_GRAPH))
    assert window.document.stack.index == 0 and not window.document.dirty


# ---------------------------------------------------------------------------------------------------- cancel
def test_esc_cancels_a_runaway_query_and_stops_its_engine(qtbot, window, console, monkeypatch):
    # How soon the query stops and how long the event loop stalls meanwhile: tests/benchmarks/bench_widgets.py.
    from explorer.sparql.engine import EngineProcess

    sent: dict[int, float] = {}  # engine pid: its CPU seconds when the query was sent (it was idle until then)
    real_call = EngineProcess.call

    def call(engine, request, **kwargs):
        if request.get("op") == "query":
            sent[engine.pid] = cpu_seconds(engine.pid)
        return real_call(engine, request, **kwargs)

    monkeypatch.setattr(EngineProcess, "call", call)
    task = console.run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }")
    assert task is not None and console.running
    assert console.cancel_button.isVisible() and not console.run_button.isEnabled()
    # Cancel once the engine is running the query: it has used a core for a while since it was sent.
    qtbot.waitUntil(lambda: any(cpu_seconds(pid) - used > 0.2 for pid, used in list(sent.items())), timeout=30_000)
    engines = list(sent)
    assert not task.done, "the runaway query ended by itself"
    cancel_action = next(a for a in window.actions() if a.text() == "&Cancel Query")
    assert cancel_action.isEnabled()
    console.editor.setFocus()
    qtbot.keyClick(console.editor, Qt.Key.Key_Escape)  # Esc cancels while running
    assert not console.running and console.run_button.isEnabled()
    assert console.message_title.text() == "Query cancelled"
    qtbot.waitUntil(lambda: task.done, timeout=30_000)
    wait_until(lambda: all(ended(pid) for pid in engines), what="the cancelled query's engine stopping")
    # Ready for the next query at once.
    run(qtbot, console, UNITS)
    assert console.model.rowCount() >= 4


# ------------------------------------------------------------------------------------------- graph and ask
def test_construct_opens_a_read_only_graph_window_and_ask_answers_yes_or_no(qtbot, window, console, tmp_path):
    before = map_quads(window.document)
    run(qtbot, console, "CONSTRUCT { ?p org:memberOf ?u } WHERE { ?p org:memberOf ?u . ?u a rx:Unit }")
    assert console.task.error is None, console.task.error
    assert console.model.variables == ("subject", "predicate", "object")
    triples = console.model.rowCount()
    assert triples > 0
    assert len(console.graph_windows) == 1
    graph = console.graph_windows[0]
    qtbot.waitExposed(graph)
    drawn = graph.canvas.projection
    units = {console.model.term(r, 2) for r in range(triples)}
    assert units <= set(drawn.nodes) and len(drawn.ties) == triples
    assert all(drawn.nodes[u].label == window.projection.nodes[u].label for u in units)
    graph.canvas.start_rename(next(iter(units)))
    assert graph.canvas._editor is None  # read-only
    path = console.export("ttl", tmp_path / "members.ttl")
    assert "memberOf" in path.read_text(encoding="utf-8")
    graph.close()
    qtbot.waitUntil(lambda: not console.graph_windows, timeout=5000)
    assert map_quads(window.document) == before

    run(qtbot, console, "ASK { ?u a rx:Unit }")
    assert console.pages.currentIndex() == 2 and console.answer.text() == "Yes"
    run(qtbot, console, 'ASK { ?u a rx:Unit ; rdfs:label "No such unit" }')
    assert console.answer.text() == "No"


# ------------------------------------------------------------------------------------ own queries and history
def test_save_the_query_as_mine_then_delete_it(qtbot, console, dialogs):
    console.editor.replace_text(UNITS)
    saved = console.save_query("Units & <b>their</b> labels", "Every unit <script>x</script>")
    assert saved is not None and not saved.builtin
    item = console.find_question(saved.name)
    assert item is not None and item.parent().text(0) == "My queries"
    assert item.text(0) == "Units & <b>their</b> labels"
    assert "<script>" not in item.toolTip(0) and "&lt;script&gt;" in item.toolTip(0)
    click_item(qtbot, console.questions, item)
    assert console.delete_button.isEnabled()
    builtin = console.find_question("01-who-performs-disrupted-routines")
    console.questions.setCurrentItem(builtin)
    console._update_controls()
    assert not console.delete_button.isEnabled()
    assert not console.delete_query(console.question(builtin))
    assert console.delete_query(saved)
    assert console.find_question(saved.name) is None
    assert any("Delete" in text for _, title, text in dialogs.shown)


def test_history_is_kept_in_the_settings_and_walked_with_alt_arrows(qtbot, console):
    first, second = UNITS, "ASK { ?u a rx:Unit }"
    run(qtbot, console, first)
    run(qtbot, console, second)
    assert console.history()[:2] == [second, first]
    console.editor.replace_text("SELECT * WHERE { ?draft ?p ?o }")
    console.editor.setFocus()
    qtbot.keyClick(console.editor, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert console.editor.toPlainText() == second
    qtbot.keyClick(console.editor, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert console.editor.toPlainText() == first
    qtbot.keyClick(console.editor, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(console.editor, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert console.editor.toPlainText() == "SELECT * WHERE { ?draft ?p ?o }"
    stored = QSettings("Routine Explorer", "Routine Explorer").value(sparql_console.HISTORY_KEY)
    assert list(stored)[:2] == [second, first]


# ----------------------------------------------------------------------------------------------- hostile text
def test_hostile_labels_show_as_plain_text_and_escaped_tooltips(qtbot, window, console):
    unit = next(iri for iri, view in window.projection.nodes.items() if view.kind == RX.Unit)
    window.rename(unit, HOSTILE)
    run(qtbot, console, UNITS)
    model = console.model
    row = next(r for r in range(model.rowCount()) if model.term(r, 0) == unit)
    assert model.index(row, 0).data() == HOSTILE
    assert model.index(row, 1).data() == HOSTILE
    tooltip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip and "&lt;img" in tooltip
    # The label changed nothing it should not: the map still has one label on that unit.
    assert len(list(window.document.store.quads(unit, RDFS.label, None))) == 1


# ------------------------------------------------------------------------------------------ editor and menus
def test_completion_offers_prefixes_classes_and_properties(qtbot, console):
    words = set(console.editor.completions())
    assert {"rx:", "org:", "rx:Unit", "rx:Routine", "org:memberOf", "rx:performs"} <= words
    console.editor.replace_text("SELECT * WHERE { ?x org:membe")
    cursor = console.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    console.editor.setTextCursor(cursor)
    assert console.editor.complete()
    assert console.editor.completer.currentCompletion() == "org:memberOf"
    console.editor.insert_completion("org:memberOf")
    assert console.editor.toPlainText().endswith("?x org:memberOf")
    console.editor.completer.popup().hide()


def test_the_query_menu_and_its_shortcuts(window, console):
    menu = window.menus["query"]
    texts = [a.text() for a in menu.actions()]
    assert "&Run Query" in texts and "&Cancel Query" in texts and "Show SPARQL &Console" in texts
    mine = {a for a in window.actions() if a.text() in ("&Run Query", "&Cancel Query", "Show SPARQL &Console")}
    assert len(mine) == 3
    theirs = {s.toString() for a in window.actions() if a not in mine for s in a.shortcuts() if not s.isEmpty()}
    ours = {s.toString() for a in mine for s in a.shortcuts()}
    assert ours >= {"Ctrl+Return", "Ctrl+Enter", "Esc", "Ctrl+Shift+Q"}
    assert not ours & theirs, f"the console's shortcuts clash with {ours & theirs}"
    assert window.sparql_dock.toggleViewAction() in window.menus["panels"].actions()


def test_the_highlighter_colours_tokens_with_pygments_and_follows_long_strings(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    document = editor.document()
    highlighter = SparqlHighlighter(document, dark=False)
    quotes = '"' * 3
    editor.setPlainText(f"SELECT ?x WHERE {{\n  ?x rdfs:comment {quotes}two\nlines{quotes} .\n  ?x a rx:Unit }}")

    def colour_at(line: int, column: int):
        block = document.findBlockByNumber(line)
        for fmt in block.layout().formats():
            if fmt.start <= column < fmt.start + fmt.length:
                return fmt.format.foreground().color().name()
        return None

    from pygments.styles import get_style_by_name
    from pygments.token import Keyword, String

    style = get_style_by_name("friendly")
    assert colour_at(0, 0) == QColor(f"#{style.style_for_token(Keyword)['color']}").name()
    string = QColor(f"#{style.style_for_token(String)['color']}").name()
    assert colour_at(1, 20) == string and colour_at(2, 0) == string  # inside the long string
    assert colour_at(2, 9) != string and colour_at(3, 7) != string  # after it closed
    assert colour_at(3, 5) == QColor(f"#{style.style_for_token(Keyword)['color']}").name()  # "a"
    highlighter.apply_theme(dark=True)
    assert highlighter.style_name == "github-dark"
