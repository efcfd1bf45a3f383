"""The analysis dock: a run in a separate process, the ranked table, canvas overlays, cancel, errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from rdflib import URIRef  # noqa: E402

from explorer.core.document import MapDocument  # noqa: E402
from explorer.core.projection import Projection  # noqa: E402
from explorer.core.schema import Schema  # noqa: E402
from explorer.ui.analysis_dock import AnalysisDock, PointsModel  # noqa: E402
from explorer.ui.canvas import MapCanvas  # noqa: E402
from explorer.ui.main_window import initial_positions  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MATCHING = REPO / "sample_graphs" / "matching-michigan-england.ttl"
HOSTILE = "<img src='http://example.invalid/x.png'><b>bold</b>"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))


def context(qtbot, doc):
    schema = Schema.from_store(doc.store)
    projection = Projection.build(doc.store, schema)
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.set_map(projection, schema, initial_positions(projection))
    return schema, projection, canvas


@pytest.fixture
def matching():
    doc = MapDocument.open(MATCHING, editing=False)
    yield doc
    doc.close()


@pytest.fixture
def dock(qtbot):
    widget = AnalysisDock()
    qtbot.addWidget(widget)
    widget.resize(420, 900)
    yield widget
    widget.cancel(quiet=True)


def test_run_ranks_points_and_drives_the_canvas(qtbot, dock, matching, monkeypatch):
    schema, projection, canvas = context(qtbot, matching)
    dock.set_context(matching, schema, projection, canvas)
    assert dock.change_combo.count() == 1
    assert dock.run_button.isEnabled()
    change = dock.current_change()
    assert isinstance(change, URIRef)

    task = dock.run(sensitivity_runs=10)
    assert task is not None and dock.running and dock.cancel_button.isVisibleTo(dock)
    assert task.wait(60_000), "the analysis did not finish"
    assert task.error is None, task.error
    result = dock.result
    assert result is not None and result.change == change
    assert not task.process.is_alive()

    # The run is kept in the map as an analysis run graph that SPARQL can query, without
    # becoming an edit; a second run of the same change replaces it.
    qtbot.waitUntil(lambda: dock.recording is None and bool(matching.derived_graphs()), timeout=20_000)
    (graph,) = matching.derived_graphs()
    found = matching.store.query(
        "PREFIX rx: <https://w3id.org/routine-explorer/ns#> SELECT ?change ?g (COUNT(?point) AS ?n) "
        "WHERE { GRAPH ?g { ?run a rx:AnalysisRun ; rx:analysedChange ?change ; rx:hasPoint ?point } } GROUP BY ?change ?g",
        bindings={"change": change})
    assert [(c, g, int(n)) for c, g, n in found.rows] == [(change, graph, len(result.points))]
    assert not matching.dirty and not matching.stack.can_undo()

    model = dock.table.model()
    assert model.rowCount() == len(result.points) > 3
    scores = [model.index(r, 3).data(Qt.ItemDataRole.UserRole).score for r in range(model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    assert model.index(0, 3).data() == f"{scores[0]:+.2f}"
    assert model.index(0, 6).data().endswith("%")  # stability from the 10 sensitivity runs
    assert "10 sensitivity runs" in dock.summary.text()
    assert dock.summary_title.text() == result.change_label
    assert dock.levers.count() == len(result.levers) > 0
    for index in range(dock.logic_switch.count()):
        dock.logic_switch.setCurrentIndex(index)
        assert dock.logic_items.count() >= 1

    # Selecting a row selects the node and draws the impact paths that reach it.
    routine_row = next(r for r in range(model.rowCount()) if model.points[r].node in {i.routine for i in result.impacts})
    drawn = []
    monkeypatch.setattr(canvas, "show_paths", lambda paths: drawn.append(list(paths)))
    with qtbot.waitSignal(dock.selectRequested) as signal:
        dock.table.selectRow(routine_row)
    node = model.points[routine_row].node
    assert signal.args == [node] and isinstance(signal.args[0], URIRef)
    assert drawn and drawn[-1] and all(path[0] == result.change and node in path for path in drawn[-1])
    text = dock.reasons.toPlainText()
    assert model.points[routine_row].reasons[0].text in text or model.points[routine_row].reasons[0].construct in text

    # Heat on and off.
    dock.heat.setChecked(True)
    assert len(canvas._heat_items) > 0
    dock.heat.setChecked(False)
    assert canvas._heat_items == []

    # A new map clears the heat and the result.
    dock.heat.setChecked(True)
    dock.set_context(None, None, None, None)
    assert canvas._heat_items == []
    assert dock.result is None and dock.table.model().rowCount() == 0
    assert not dock.run_button.isEnabled()


def test_cancel_stops_the_process(qtbot, dock, matching):
    schema, projection, canvas = context(qtbot, matching)
    dock.set_context(matching, schema, projection, canvas)
    task = dock.run(sensitivity_runs=1_000_000)
    qtbot.waitUntil(lambda: dock.progress.maximum() > 0, timeout=30_000)  # it is really running
    assert dock.running
    dock.cancel()
    assert task.done and task.cancelled
    assert not task.process.is_alive() and task.process.exitcode is not None
    assert dock.result is None and dock.table.model().rowCount() == 0
    assert dock.run_button.isEnabled() and not dock.running
    assert "cancelled" in dock.status.text().lower()


def test_a_map_without_a_change_says_so(qtbot, dock):
    doc = MapDocument.new(editing=False)
    try:
        doc.store.load(b"""@prefix rx: <https://w3id.org/routine-explorer/ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:x:r> a rx:Routine ; rdfs:label "Ward round" .""", format="turtle")
        schema, projection, canvas = context(qtbot, doc)
        dock.set_context(doc, schema, projection, canvas)
        assert dock.change_combo.count() == 0
        assert not dock.run_button.isEnabled()
        assert "no change proposal" in dock.status.text().lower()
        task = dock.run(sensitivity_runs=0)  # forced: the analysis's own error is shown, not raised
        assert task.wait(60_000)
        assert dock.result is None and task.expected_error
        assert "no change proposal" in dock.status.text().lower()
        assert dock.status.isVisibleTo(dock)
    finally:
        doc.close()


def test_map_text_is_plain(qtbot, dock, matching):
    """A hostile label shows as typed in the table, the combo and the reasons (never as markup)."""
    schema, projection, canvas = context(qtbot, matching)
    dock.set_context(matching, schema, projection, canvas)
    task = dock.run(sensitivity_runs=0)
    assert task.wait(60_000) and task.error is None
    point = dock.result.points[0]
    from dataclasses import replace

    hostile = replace(point, label=HOSTILE, reasons=tuple(replace(r, text=HOSTILE) for r in point.reasons))
    dock.model.set_points((hostile,), {})
    assert dock.model.index(0, 2).data() == HOSTILE
    dock._show_reasons(hostile)
    assert HOSTILE in dock.reasons.toPlainText()
    assert "<img" not in dock.reasons.toHtml().replace("&lt;img", "")


def test_screenshot(qtbot, dock, matching, tmp_path):
    schema, projection, canvas = context(qtbot, matching)
    dock.set_context(matching, schema, projection, canvas)
    dock.show()
    qtbot.waitExposed(dock)
    task = dock.run(sensitivity_runs=20)
    assert task.wait(60_000) and task.error is None
    dock.table.selectRow(0)
    QApplication.processEvents()
    path = os.environ.get("ANALYSIS_DOCK_SCREENSHOT") or str(tmp_path / "analysis-dock.png")
    assert dock.grab().save(path)
    assert isinstance(dock.model, PointsModel)


def test_interdependencies_tab_lists_what_the_measures_find(qtbot, dock, matching, tmp_path):
    from explorer.analysis.graph import map_graph
    from explorer.analysis.interdependence import summary

    schema, projection, canvas = context(qtbot, matching)
    dock.set_context(matching, schema, projection, canvas)
    view = dock.interdependencies
    assert view.run_button.isEnabled()
    task = view.run()
    assert task.wait(60_000) and task.error is None, task.error
    expected = summary(map_graph(matching.store), seed=0, list_limit=50)
    assert view.summary.coupling == expected.coupling
    assert [b.node for b in view.summary.brokerage.brokers] == [b.node for b in expected.brokerage.brokers]
    groups = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    assert [g.text(0).split(" ")[0] for g in groups] == ["Brokers", "Single", "Coupling", "Macro", "Clusters:", "Hybrid"]
    assert groups[0].childCount() == min(10, len(expected.brokerage.brokers)) > 0
    assert groups[2].childCount() == min(10, len(expected.coupling)) > 0
    # Choosing a row selects its first node on the map.
    row = groups[0].child(0)
    with qtbot.waitSignal(dock.selectRequested) as signal:
        view.tree.itemClicked.emit(row, 0)
    assert signal.args == [expected.brokerage.brokers[0].node] and isinstance(signal.args[0], URIRef)
    # Map text in a tooltip is escaped, not rendered.
    view._row(groups[0], HOSTILE, ())
    tip = groups[0].child(groups[0].childCount() - 1).toolTip(0)
    assert "<img" not in tip and "&lt;img" in tip
    dock.tabs.setCurrentWidget(view)
    dock.show()
    qtbot.waitExposed(dock)
    assert dock.grab().save(os.environ.get("INTERDEPENDENCY_SCREENSHOT") or str(tmp_path / "interdependencies.png"))
    # A new map clears them.
    dock.set_context(None, None, None, None)
    assert view.tree.topLevelItemCount() == 0 and not view.run_button.isEnabled()
