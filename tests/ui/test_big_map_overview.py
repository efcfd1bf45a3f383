"""A map too big to draw node by node opens on its units and clusters; double-clicking one draws its nodes.

The limit is lowered so a sample map plays the big one: the code paths are those of a 100k-node map.
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from explorer.core.namespaces import RX
from explorer.core.resources import sample_graphs_dir
from explorer.ui.canvas import view


@pytest.fixture
def big(monkeypatch, make_window, qtbot, tmp_path):
    monkeypatch.setattr(view, "FULL_DETAIL_LIMIT", 20)
    path = shutil.copy(sample_graphs_dir() / "keystone-michigan.ttl", tmp_path / "keystone.ttl")
    window = make_window(path, size=(1280, 800))
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas._groups.isVisible(), timeout=5000)
    return window


def _centre(canvas, group) -> QPoint:
    x, y, w, h = group.rect
    return canvas.mapFromScene(x + w / 2, y + h / 2)


def test_the_map_opens_on_groups_that_hold_every_node_once(big):
    canvas = big.canvas
    groups = canvas._groups.overview.groups
    members = [iri for group in groups for iri in group.members]
    assert sorted(members) == sorted(canvas.projection.nodes)
    assert not canvas._overview.isVisible() and not canvas._node_layer.isVisible()
    assert "units and clusters" in big.banner.text()


def test_double_clicking_a_group_draws_its_nodes_and_show_everything_returns(big, qtbot):
    canvas = big.canvas
    group = max(canvas._groups.overview.groups, key=lambda g: g.count)
    point = _centre(canvas, group)
    assert canvas.group_at(point) == group
    event = QHelpEvent(QEvent.Type.ToolTip, point, canvas.viewport().mapToGlobal(point))
    QApplication.sendEvent(canvas.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=1000)
    assert f"{group.count}" in QToolTip.text()
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: canvas.visible_nodes == set(group.members), timeout=2000)
    qtbot.waitUntil(lambda: not canvas.building, timeout=5000)
    assert not canvas._groups.isVisible()
    assert set(canvas.node_items) >= set(group.members)
    assert group.label[:20] in big.banner.text()
    big.activateWindow()
    QApplication.setActiveWindow(big)  # the offscreen platform does not always pass activation on
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: canvas.visible_nodes is None and canvas._groups.isVisible(), timeout=2000)


def test_the_groups_are_counted_again_after_an_edit(big, qtbot):
    canvas = big.canvas
    before = sum(group.count for group in canvas._groups.overview.groups)
    big.place_node(RX.Unit, label="A new unit")
    qtbot.waitUntil(lambda: sum(g.count for g in canvas._groups.overview.groups) == before + 1, timeout=10_000)
