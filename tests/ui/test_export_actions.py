"""File > Export: an entry per registered export format, run in a worker, writing what the canvas shows."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")
import networkx as nx
from PySide6.QtWidgets import QApplication, QFileDialog
from support.paths import KEYSTONE
from support.ui import open_and_wait

from explorer.io import registry
from explorer.ui.files.export import SETTINGS_KEY
from explorer.ui.main_window import settings


@pytest.fixture
def window(make_window):
    return make_window(size=(1200, 800))


def open_keystone(window) -> None:
    open_and_wait(window, KEYSTONE)


def finish(task) -> None:
    assert task is not None
    assert task.wait(60_000), "the export did not finish"


def test_menu_lists_every_export_format_and_follows_the_map(window):
    file_menu = window.menus["file"]
    entries = file_menu.actions()
    submenu = window.menus["export"]
    position = entries.index(submenu.menuAction())
    assert position < entries.index(window.menus["export_anchor"])
    labels = [a.text() for a in submenu.actions() if not a.isSeparator()]
    assert sorted(labels) == sorted(f"{f.label}…" for f in registry.formats("export"))
    actions = window.export_actions.actions
    assert set(actions) == {f.name for f in registry.formats("export")}
    assert all(a in window.map_actions for a in actions.values())
    assert not any(a.isEnabled() for a in actions.values())
    open_keystone(window)
    assert all(a.isEnabled() for a in actions.values())


def test_export_writes_the_canvas_positions_and_the_heat(qtbot, window, tmp_path, dialogs):
    open_keystone(window)
    iri = next(iter(window.canvas.positions))
    window.canvas.positions[iri] = (4321.0, -123.0)  # as if dragged there
    task = window.analysis.run(runs=0)
    assert task is not None and task.wait(60_000) and task.error is None
    window.analysis.heat.setChecked(True)
    scores = window.export_actions.heat()
    # The heat is each point's likelihood of resistance (0-1), as the canvas shows it.
    assert scores == {p.node: p.likelihood for p in window.analysis.result.points}
    assert scores == window.canvas._heat_scores and all(0 <= v <= 1 for v in scores.values())

    out = tmp_path / "keystone.graphml"
    exported = []
    window.export_actions.exported.connect(exported.append)
    finish(window.export_actions.export("graphml", out))
    assert exported == [[out]]
    G = nx.read_graphml(out, force_multigraph=True)
    G = nx.relabel_nodes(G, {n: d["iri"] for n, d in G.nodes(data=True)})  # GraphML ids are short
    assert (G.nodes[str(iri)]["canvas_x"], G.nodes[str(iri)]["canvas_y"]) == (4321.0, -123.0)
    for node, (x, y) in window.canvas.positions.items():
        data = G.nodes[str(node)]
        assert data["canvas_x"] == pytest.approx(x) and data["canvas_y"] == pytest.approx(y)
    assert {n: d["heat"] for n, d in G.nodes(data=True) if "heat" in d} == pytest.approx(
        {str(k): v for k, v in scores.items()}
    )
    assert "Exported keystone.graphml with the analysis heat" in window.statusBar().currentMessage()
    assert dialogs.shown == []


def test_the_dialog_adds_the_ending_and_the_folder_is_remembered(qtbot, window, tmp_path, monkeypatch):
    open_keystone(window)
    asked = []

    def choose(parent, caption, start, filters):
        asked.append((caption, start, filters))
        return str(tmp_path / "board-pack"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    window.export_actions.actions["html"].trigger()
    finish(window.export_actions.task)
    assert (tmp_path / "board-pack.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    caption, start, filters = asked[0]
    assert caption.startswith("Export as") and Path(start).name == "keystone-michigan.html" and "*.html" in filters
    assert settings().value(SETTINGS_KEY) == str(tmp_path)
    window.export_actions.actions["csv"].trigger()
    finish(window.export_actions.task)
    assert Path(asked[1][1]).parent == tmp_path
    assert (tmp_path / "board-pack-nodes.csv").exists() and (tmp_path / "board-pack-edges.csv").exists()


def test_a_failed_export_is_reported_and_the_app_goes_on(qtbot, window, tmp_path, dialogs):
    open_keystone(window)
    finish(window.export_actions.export("gexf", tmp_path / "missing" / "k.gexf"))
    ((kind, title, text),) = dialogs.shown
    assert kind == "warning" and title == "Cannot export as GEXF" and "does not exist" in text
    finish(window.export_actions.export("gexf", tmp_path / "k.gexf"))
    assert nx.read_gexf(tmp_path / "k.gexf").number_of_nodes() == len(window.projection.nodes)


def test_images_drawn_by_the_canvas_export_from_the_worker(qtbot, window, tmp_path, dialogs):
    """Image writers build their scene on the GUI thread while the worker waits: the loop must keep running."""
    import xml.etree.ElementTree as ET

    open_keystone(window)
    finish(window.export_actions.export("png", tmp_path / "k"))
    assert (tmp_path / "k.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finish(window.export_actions.export("svg", tmp_path / "k.svg"))
    text = "".join(ET.parse(tmp_path / "k.svg").getroot().itertext())
    assert "ICU A" in text
    assert dialogs.shown == []


def test_an_export_never_overwrites_a_map_open_for_editing(qtbot, window, tmp_path, dialogs):
    own = tmp_path / "keystone.ttl"
    own.write_bytes(KEYSTONE.read_bytes())
    task = window.open_map(own, ask=False)
    assert task.wait(60_000) and task.error is None, task.error
    QApplication.processEvents()
    finish(window.export_actions.export("ttl", own))
    ((kind, _, text),) = dialogs.shown
    assert kind == "warning" and "already open for editing" in text, text
    assert own.read_bytes() == KEYSTONE.read_bytes()
