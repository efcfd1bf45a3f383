"""The analysis dock: a run in a separate process, the figure, the ranked table, details, levers applied and undone,
the heat, staleness, cancel, errors."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("PySide6")
import re

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from rdflib import RDF, BNode, URIRef
from support.paths import MATCHING

from explorer.core.document import MapDocument
from explorer.core.presentation import HEAT_ALPHA
from explorer.core.projection import Projection
from explorer.core.schema import Schema
from explorer.core.terms import DEFAULT_GRAPH
from explorer.core.text import one_line as _plain
from explorer.io.change_text import (
    NBSP,
    figure_sentence,
    interval,
    lever_effect,
    people,
    percent,
    plain_missing,
    rank_range,
    reason_groups,
)
from explorer.io.model import HEAT_LEGEND, heat_colour
from explorer.layout.placement import initial_positions
from explorer.ui.analysis.dock import AnalysisDock
from explorer.ui.analysis.points import PointsModel
from explorer.ui.canvas.view import MapCanvas
from explorer.ui.common.host import OpenMap

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


def click_row(qtbot, table, row: int, column: int = 1) -> None:
    """A real mouse click on a cell of ``table`` (after scrolling it into view)."""
    index = table.model().index(row, column)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def run_and_wait(qtbot, dock, runs):
    task = dock.run(runs=runs)
    assert task is not None
    assert task.wait(120_000), "the analysis did not finish"
    assert task.error is None, task.error
    qtbot.waitUntil(lambda: dock.recording is None, timeout=20_000)
    return task


def details_text(dock) -> str:
    return " ".join(dock.details.toPlainText().split())


def test_run_ranks_points_and_drives_the_canvas(qtbot, dock, matching, monkeypatch):
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    dock.show()
    qtbot.waitExposed(dock)
    assert dock.change_combo.count() == 1
    assert dock.run_button.isEnabled()
    change = dock.current_change()
    assert isinstance(change, URIRef)

    task = dock.run(runs=10)
    assert task is not None and dock.running and dock.cancel_button.isVisibleTo(dock)
    assert task.wait(120_000), "the analysis did not finish"
    assert task.error is None, task.error
    result = dock.result
    assert result is not None and result.change == change and result.runs == 10
    assert not task.process.is_alive()

    # The run is kept in the map as an analysis run graph that SPARQL can query, without
    # becoming an edit; a second run of the same change replaces it.
    qtbot.waitUntil(lambda: dock.recording is None and bool(matching.derived_graphs()), timeout=20_000)
    (graph,) = matching.derived_graphs()
    found = matching.store.query(
        "PREFIX rx: <https://w3id.org/routine-explorer/ns#> SELECT ?change ?g (COUNT(?point) AS ?n) "
        "WHERE { GRAPH ?g { ?run a rx:AnalysisRun ; rx:analysedChange ?change ; rx:hasPoint ?point } } "
        "GROUP BY ?change ?g",
        bindings={"change": change},
    )
    assert [(c, g, int(n)) for c, g, n in found.rows] == [(change, graph, len(result.points))]
    assert not matching.dirty and not matching.stack.can_undo()

    # The table: rank, label, likelihood (%), interval, rank range, top-k share, confidence, kind (with the
    # role), level.
    model = dock.table.model()
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert columns == ["#", "Label", "Likely", "Interval", "Forces", "Ranks", "Top k", "Conf.", "Kind", "Level"]
    assert model.rowCount() == len(result.points) > 3

    def cell(r, c):
        return (model.index(r, c).data() or "").replace(NBSP, " ")

    for row, point in enumerate(result.points):
        assert model.index(row, PointsModel.LABEL).data(Qt.ItemDataRole.UserRole) is point
        assert cell(row, PointsModel.RANK) == str(row + 1)
        assert cell(row, PointsModel.LIKELY) == percent(point.likelihood).replace(NBSP, " ")
        assert cell(row, PointsModel.INTERVAL) == interval(point.likelihood_low, point.likelihood_high).replace(
            NBSP, " "
        )
        assert cell(row, PointsModel.RANKS) == rank_range(point.rank_low, point.rank_high) != "–"
        assert cell(row, PointsModel.TOP_K).endswith("%") and cell(row, PointsModel.CONFIDENCE).endswith("%")
        assert cell(row, PointsModel.LEVEL) == {1: "micro", 2: "meso", 3: "macro"}[point.level]
    likelihoods = [p.likelihood for p in result.points]
    assert likelihoods == sorted(likelihoods, reverse=True)
    collective = next(r for r, p in enumerate(result.points) if p.role == "collective")
    assert cell(collective, PointsModel.KIND).endswith("(its members)")
    assert "the share of all its people likely to resist, its members included" in model.index(
        collective, PointsModel.KIND
    ).data(Qt.ItemDataRole.ToolTipRole)

    # The summary: the figure in words, with its interval; the change's missing inputs; no index any more.
    figure = result.figure
    assert dock.figure.text() == figure_sentence(figure, runs=10) and dock.figure.isVisibleTo(dock)
    assert dock.figure.text().startswith(
        f"{people(figure.value)} of the {people(figure.people)} people the change exposes"
    )
    assert f"({percent(figure.share)}; {people(figure.low)}–{people(figure.high)} across" in dock.figure.text()
    assert "expected number of people" in dock.figure.toolTip() and "10 uncertainty runs" in dock.figure.toolTip()
    assert "10 uncertainty runs" in dock.summary.text() and "Index" not in dock.summary.text()
    assert result.missing  # the sample does not say who leads the change
    assert (
        dock.missing.text()
        == f"Not given for the change: {'; '.join(plain_missing(m) for m in result.missing)} (taken as neutral)."
    )
    assert "rx:" not in dock.missing.text() and dock.missing.isVisibleTo(dock)
    assert dock.levers.count() == len(result.levers) > 0
    for index in range(dock.logic_switch.count()):
        dock.logic_switch.setCurrentIndex(index)
        assert dock.logic_items.count() >= 1

    # Clicking a row selects the node and draws the impact paths that reach it.
    routine_row = next(
        r for r in range(model.rowCount()) if result.points[r].node in {i.routine for i in result.impacts}
    )
    drawn = []
    monkeypatch.setattr(canvas, "show_paths", lambda paths: drawn.append(list(paths)))
    with qtbot.waitSignal(dock.selectRequested) as signal:
        click_row(qtbot, dock.table, routine_row)
    node = result.points[routine_row].node
    assert signal.args == [node] and isinstance(signal.args[0], URIRef)
    assert drawn and drawn[-1] and all(path[0] == result.change and node in path for path in drawn[-1])
    assert details_text(dock).startswith(_plain(result.points[routine_row].label))

    # The keyboard walks the table: Down selects the next point.
    dock.table.setFocus()
    with qtbot.waitSignal(dock.selectRequested) as signal:
        qtbot.keyClick(dock.table, Qt.Key.Key_Down)
    assert signal.args == [result.points[routine_row + 1].node]

    # Sorting: a click on the Level header orders by level; a click on "#" brings the ranking back.
    header = dock.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(PointsModel.LEVEL) + 10, header.height() // 2),
    )
    levels = [model.index(r, 0).data(Qt.ItemDataRole.UserRole).level for r in range(model.rowCount())]
    assert levels in (sorted(levels), sorted(levels, reverse=True)) and levels != [p.level for p in result.points]
    dock.table.sortByColumn(PointsModel.RANK, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())] == list(result.points)

    # Heat on and off.
    dock.heat.setChecked(True)
    assert len(canvas._heat_items) > 0 and dock.heat_legend.isVisibleTo(dock)
    dock.heat.setChecked(False)
    assert canvas._heat_items == [] and not dock.heat_legend.isVisibleTo(dock)

    # A new map clears the heat and the result.
    dock.heat.setChecked(True)
    dock.show_map(None)
    assert canvas._heat_items == []
    assert dock.result is None and dock.table.model().rowCount() == 0
    assert not dock.run_button.isEnabled() and not dock.figure.isVisibleTo(dock)


def test_the_heat_is_the_likelihood_on_a_fixed_scale(qtbot, dock, matching):
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    run_and_wait(qtbot, dock, 0)
    result = dock.result
    dock.heat.setChecked(True)
    assert canvas._heat_scores == {p.node: p.likelihood for p in result.points}
    assert dock.heat_values() == canvas._heat_scores
    # Each halo's strength is its likelihood on the fixed 0-1 scale, not relative to the map's largest.

    def alpha(strength):
        return HEAT_ALPHA[0] + (HEAT_ALPHA[1] - HEAT_ALPHA[0]) * strength

    halos = {(round(h.pos().x(), 1), round(h.pos().y(), 1)): h.brush().color().alphaF() for h in canvas._heat_items}
    assert len(halos) == len([p for p in result.points if p.node in canvas.node_items]) > 5
    for point in result.points:
        if point.node in canvas.node_items:
            at = canvas.node_items[point.node].pos()
            assert abs(halos[(round(at.x(), 1), round(at.y(), 1))] - alpha(point.likelihood)) < 0.01
    assert QColor(heat_colour(1.0)) == QColor(canvas._heat_items[0].brush().color().rgb())
    one = result.points[-1].node
    canvas.set_heat({one: 0.5})  # alone on the map, a likelihood of 0.5 is still half strength
    (halo,) = canvas._heat_items
    assert abs(halo.brush().color().alphaF() - alpha(0.5)) < 0.01
    assert HEAT_LEGEND in dock.heat_legend.accessibleName() and "0–100" in HEAT_LEGEND


def test_details_tell_the_sentence_then_the_reasons_by_group(qtbot, dock, matching):
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    dock.show()
    qtbot.waitExposed(dock)
    run_and_wait(qtbot, dock, 0)
    result = dock.result
    # A person with a stated attitude (moved by the influence of their ties, when the sample has one).
    stated = [(r, p) for r, p in enumerate(result.points) if p.role == "carrier" and p.stated_attitude is not None]
    row, point = next(((r, p) for r, p in stated if abs(p.attitude - p.stated_attitude) > 0.01), stated[0])
    click_row(qtbot, dock.table, row)
    text = details_text(dock)
    sentence = " ".join(point.sentence.split())
    title = text.index(_plain(point.label))
    assert title == 0 and text.index(sentence) < text.index("What the change transgresses")
    assert f"stated {point.stated_attitude:+.2f}" in text
    if abs(point.attitude - point.stated_attitude) > 0.01:
        assert f"{point.attitude:+.2f} after the influence of their ties" in text
    else:
        assert "unchanged by the influence of their ties" in text
    # The groups, worked out here from each reason's kind and sign.

    def strongest(reasons):
        return sorted(reasons, key=lambda r: -abs(r.value))

    sources = strongest(r for r in point.reasons if r.kind in ("transgression", "members"))
    harder = strongest(r for r in point.reasons if r.kind == "context" and r.value > 0)
    easier = strongest(r for r in point.reasons if r.kind == "context" and r.value < 0)
    assert sources and harder and easier
    assert reason_groups(point.reasons) == (sources, harder, easier)
    heads = [text.index(h) for h in ("What the change transgresses", "What makes it harder", "What makes it easier")]
    assert heads == sorted(heads)
    # Each group holds its own reasons: value, text and the construct's label (never the CURIE or camelCase).
    for group, (start, stop) in zip((sources, harder, easier), zip(heads, heads[1:] + [len(text)])):
        part = text[start:stop]
        for reason in group[:3]:
            assert f"{reason.value:+.2f} {' '.join(reason.text.split())}" in part
            if reason.construct_label:
                assert reason.construct_label in part
    part = text[heads[0] : heads[1]]
    for reason in harder[:3] + easier[:3]:  # no context in what the change transgresses
        assert f"{reason.value:+.2f} {' '.join(reason.text.split())}" not in part
    assert "rx:" not in text and not re.search(r"\b[a-z]+[A-Z][a-z]+[A-Za-z]*\b", text.replace("iPhone", ""))
    citation = sources[0].citation.split(" (")[0]
    assert citation in text
    # "show all" lists every reason.
    more = [r for r in point.reasons if r.kind == "context" and r.value > 0][6:]
    if more:
        assert "smaller reason" in text
        dock._on_link(QUrl("more:"))
        assert f"{more[-1].value:+.2f} {' '.join(more[-1].text.split())}" in details_text(dock)
    # An evidence link selects its node.
    with qtbot.waitSignal(dock.selectRequested) as signal:
        dock._on_link(QUrl("evidence:0"))
    assert signal.args[0] in projection.nodes
    # What the map does not give, in words.
    row, gap = next((r, p) for r, p in enumerate(result.points) if p.missing)
    click_row(qtbot, dock.table, row)
    assert f"Not given: {', '.join(plain_missing(m) for m in gap.missing)} (taken as neutral)." in details_text(dock)
    # A collective: its members' transgressions.
    row, group = next((r, p) for r, p in enumerate(result.points) if p.role == "collective")
    click_row(qtbot, dock.table, row)
    text = details_text(dock)
    assert "What the change transgresses as its members meet it" in text
    assert next(r for r in group.reasons if r.kind == "members").text.split(",")[0] in text


def test_the_fragile_conclusions_open_from_the_keyboard(qtbot, dock, matching):
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    dock.show()
    qtbot.waitExposed(dock)
    run_and_wait(qtbot, dock, 20)
    result = dock.result
    if len(result.fragile) < 2:  # the list is the analysis's; what is tested here is how the panel shows it
        from dataclasses import replace

        result = replace(
            result,
            fragile=result.fragile
            + (
                "“A” is in the top 10 in only 40% of the runs (rank 8–12).",
                "Whether “B” meets more resistance than “C” is uncertain.",
            ),
        )
        dock._show_result(result)
    button = dock.fragile_button
    assert button.isVisibleTo(dock) and button.text() == f"{len(result.fragile)} fragile conclusions"
    assert not dock.fragile.isVisibleTo(dock)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert dock.fragile.isVisibleTo(dock) and button.accessibleName() == "Hide the fragile conclusions"
    for sentence in result.fragile:
        assert " ".join(sentence.split()) in dock.fragile.text()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert not dock.fragile.isVisibleTo(dock)


def test_a_change_that_asks_nothing_says_so(qtbot, dock, tmp_path):
    source = tmp_path / "quiet.ttl"
    source.write_text(
        """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/q/change> a rx:ChangeProposal ; rdfs:label "Paint the corridor" ; rx:sponsorshipMode rx:topDown .
<https://example.org/q/nurse> a rx:Role ; rdfs:label "Nurse" ; rx:changeFatigue 0.9 .
""",
        encoding="utf-8",
    )
    doc = MapDocument.open(source, editing=False)
    try:
        schema, projection, canvas = context(qtbot, doc)
        dock.canvas = canvas
        dock.show_map(OpenMap(doc, schema, projection))
        run_and_wait(qtbot, dock, None)
        assert dock.result.points == ()
        message = "The change asks nobody on the map to do anything differently: no resistance is expected from it."
        assert dock.figure.text() == message
        assert dock.details.toPlainText() == message
        assert dock.table.model().rowCount() == 0 and not dock.fragile_button.isVisibleTo(dock)
        assert dock.levers.item(0).text() == "No lever: the change meets no resistance on this map."
        assert not dock.apply_lever_button.isEnabled()
    finally:
        doc.close()


def test_the_levers_tab_shows_each_effect(qtbot, dock, matching):
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    dock.show()
    qtbot.waitExposed(dock)
    run_and_wait(qtbot, dock, 0)
    result = dock.result
    assert dock.tabs.tabText(1) == f"Levers ({len(result.levers)})"
    effects = [lever.effect for lever in result.levers]
    assert effects == sorted(effects, reverse=True) and effects[0] > 0
    for row, lever in enumerate(result.levers):
        item = dock.levers.item(row)
        assert item.data(Qt.ItemDataRole.UserRole) is lever
        assert item.text() == f"{lever_effect(lever)}: {_plain(lever.text)}"
    first = result.levers[0]
    assert lever_effect(first) == f"−{first.effect:.1f} people likely to resist"
    # Choosing a lever (a real click) selects its nodes on the map and allows applying it.
    dock.tabs.setCurrentIndex(1)
    assert not dock.apply_lever_button.isEnabled()
    rect = dock.levers.visualItemRect(dock.levers.item(1))
    with qtbot.waitSignal(dock.selectNodesRequested) as signal:
        qtbot.mouseClick(dock.levers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [list(result.levers[1].nodes)]
    assert dock.selected_lever() is result.levers[1] and dock.apply_lever_button.isEnabled()
    assert "Ctrl+Z" in dock.apply_hint.text()


def quads(doc) -> set:
    return set(doc.store.quads())


def test_apply_lever_then_undo_restores_the_exact_quads(qtbot, make_window):
    window = make_window(MATCHING, size=(1280, 800))
    dock = window.analysis
    doc = window.document
    window.analysis_dock.show()
    window.analysis_dock.raise_()
    run_and_wait(qtbot, dock, 0)
    qtbot.waitUntil(lambda: bool(doc.derived_graphs()), timeout=20_000)
    result = dock.result
    dock.tabs.setCurrentIndex(1)
    before = quads(doc)

    # A broker lever: a new qualified tie (a blank node in the edit) gets one freshly minted IRI.
    row, lever = next(
        (r, lv) for r, lv in enumerate(result.levers) if any(isinstance(s, BNode) for _, s, _, _ in lv.edit)
    )
    dock.levers.scrollToItem(dock.levers.item(row))
    qtbot.mouseClick(
        dock.levers.viewport(),
        Qt.MouseButton.LeftButton,
        pos=dock.levers.visualItemRect(dock.levers.item(row)).center(),
    )
    assert dock.selected_lever() is lever
    assert set(window.canvas.selected_keys()) == set(lever.nodes)  # its people, selected on the map
    with qtbot.waitSignal(dock.leverApplied) as applied:
        qtbot.mouseClick(dock.apply_lever_button, Qt.MouseButton.LeftButton)
    assert applied.args == [lever]
    added = quads(doc) - before
    assert not before - quads(doc)
    assert len(added) == len(lever.edit) == 4
    (tie,) = {q[0] for q in added}
    assert isinstance(tie, URIRef) and str(tie).startswith(doc.base_iri or "urn:uuid:")
    kind = next(o for _, _, p, o in lever.edit if p == RDF.type)
    assert (tie, RDF.type, kind, DEFAULT_GRAPH) in added
    assert {(p, o) for _, p, o, _ in added} == {(p, o) for _, _, p, o in lever.edit}
    assert doc.stack.undo_text.startswith("Apply lever: ") and len(doc.stack.commands) == 1
    # The panel says the result is out of date, and will not apply a lever to a map it was not worked out on.
    assert dock.stale and dock.stale_box.isVisibleTo(dock) and "Lever applied" in dock.stale_label.text()
    assert dock.rerun_button.isEnabled() and not dock.apply_lever_button.isEnabled()
    assert window.projection.ties  # the new tie is drawn
    assert any(key[1] == tie for key in window.projection.ties if key[0] == "tie")

    # Ctrl+Z undoes it as one step: exactly the quads there were; the result is current again.
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert quads(doc) == before
    assert not dock.stale and not dock.stale_box.isVisibleTo(dock)

    # A lever that removes and adds (sponsorship: top-down to professionally led), then undo.
    lever = next(lv for lv in result.levers if any(op == "remove" for op, *_ in lv.edit))
    assert dock.apply_lever(lever)
    after = quads(doc)
    for op, s, p, o in lever.edit:
        assert ((s, p, o, DEFAULT_GRAPH) in after) == (op == "add")
    window.act_undo.trigger()
    assert quads(doc) == before

    # Run again from the notice: the new result replaces the stale one.
    assert dock.apply_lever(result.levers[0])
    assert dock.stale
    with qtbot.waitSignal(dock.finished, timeout=120_000):
        qtbot.mouseClick(dock.rerun_button, Qt.MouseButton.LeftButton)
    assert not dock.stale and not dock.stale_box.isVisibleTo(dock)
    assert dock.result.figure.value < result.figure.value  # the lever lowered the number likely to resist
    assert abs((result.figure.value - dock.result.figure.value) - result.levers[0].effect) < 1e-6


def test_moving_nodes_keeps_the_result_current_but_an_edit_does_not(qtbot, make_window):
    window = make_window(MATCHING, size=(1280, 800))
    dock = window.analysis
    run_and_wait(qtbot, dock, 0)
    node = dock.result.points[0].node
    x, y = window.canvas.positions[node]
    window._nodes_moved({node: (x + 200, y)})
    assert window.document.stack.can_undo() and not dock.stale
    window.rename(node, "Renamed")
    assert dock.stale and dock.stale_box.isVisibleTo(dock)
    assert window.report_actions.reusable_result(dock.result.change) is None
    window.act_undo.trigger()
    assert not dock.stale and window.report_actions.reusable_result(dock.result.change) is dock.result


def test_cancel_stops_the_process(qtbot, dock, matching):
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    task = dock.run(runs=10_000)
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
        doc.store.load(
            b"""@prefix rx: <https://w3id.org/routine-explorer/ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:x:r> a rx:Routine ; rdfs:label "Ward round" .""",
            format="turtle",
        )
        schema, projection, canvas = context(qtbot, doc)
        dock.canvas = canvas
        dock.show_map(OpenMap(doc, schema, projection))
        assert dock.change_combo.count() == 0
        assert not dock.run_button.isEnabled()
        assert "no change proposal" in dock.status.text().lower()
        task = dock.run(runs=0)  # forced: the analysis's own error is shown, not raised
        assert task.wait(60_000)
        assert dock.result is None and task.expected_error
        assert "no change proposal" in dock.status.text().lower()
        assert dock.status.isVisibleTo(dock)
    finally:
        doc.close()


def test_map_text_is_plain(qtbot, dock, matching):
    """A hostile label shows as typed in the table, the combo and the details (never as markup)."""
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    run_and_wait(qtbot, dock, 0)
    point = dock.result.points[0]
    from dataclasses import replace

    hostile = replace(
        point,
        label=HOSTILE,
        sentence=HOSTILE,
        reasons=tuple(r._replace(text=HOSTILE, construct_label=HOSTILE, citation=HOSTILE) for r in point.reasons),
    )
    dock.model.set_points((hostile,), {})
    assert dock.table.model().index(0, PointsModel.LABEL).data() == HOSTILE
    dock._show_details(hostile)
    assert HOSTILE in dock.details.toPlainText()
    assert "<img" not in dock.details.toHtml().replace("&lt;img", "")


def test_screenshot(qtbot, dock, matching, tmp_path):
    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    dock.show()
    qtbot.waitExposed(dock)
    run_and_wait(qtbot, dock, 20)
    dock.table.selectRow(0)
    QApplication.processEvents()
    path = os.environ.get("ANALYSIS_DOCK_SCREENSHOT") or str(tmp_path / "analysis-dock.png")
    assert dock.grab().save(path)
    assert isinstance(dock.model, PointsModel)


def test_interdependencies_tab_lists_what_the_measures_find(qtbot, dock, matching, tmp_path):
    from explorer.analysis.graph import map_graph
    from explorer.analysis.interdependence import summary

    schema, projection, canvas = context(qtbot, matching)
    dock.canvas = canvas
    dock.show_map(OpenMap(matching, schema, projection))
    view = dock.interdependencies
    assert view.run_button.isEnabled()
    task = view.run()
    assert task.wait(60_000) and task.error is None, task.error
    expected = summary(map_graph(matching.store), seed=0, list_limit=50)
    assert view.summary.coupling == expected.coupling
    assert [b.node for b in view.summary.brokerage.brokers] == [b.node for b in expected.brokerage.brokers]
    groups = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    assert [g.text(0).split(" ")[0] for g in groups] == [
        "Brokers",
        "Single",
        "Coupling",
        "Macro",
        "Clusters:",
        "Hybrid",
    ]
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
    dock.show_map(None)
    assert view.tree.topLevelItemCount() == 0 and not view.run_button.isEnabled()
