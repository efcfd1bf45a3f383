"""Node names read on a laptop: every sample, fitted at 1280x800, shows its names at a legible size.

What a first-time user met (issue 15): names hidden below 40 % zoom, so three of the five samples opened
with no names at all, and the rest cut to about twelve characters. These tests open each sample in a
1280x800 window, press Fit Map, and read what the canvas draws (``MapCanvas.visible_labels``).
"""

from __future__ import annotations

import html
import shutil

import pytest

pytest.importorskip("PySide6")
from benchmarks import synthetic
from PySide6.QtCore import QEvent, QPoint, QRectF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from explorer.core.namespaces import RX
from explorer.core.resources import sample_maps
from explorer.core.text import one_line

#: Smallest on-screen font height of a shown name, in pixels.
MIN_PX = 8.0
#: A name cut short still shows at least its first this many characters.
MIN_CHARS = 18
#: Share of a sample's nodes whose names show after Fit Map at 1280x800.
MIN_SHARE = 0.8
#: The nodes the analysis is about: their names always show.
FIRST = {RX.ChangeProposal, RX.ChangeComponent, RX.Norm}
#: Share of a generated 300-node map's names that show after Fit Map at 1280x800 (the rest make way).
MIN_SHARE_300 = 0.35

SAMPLES = sample_maps()


def _copy(path, tmp_path):
    """A copy of a sample: another window (another test run) may hold the sample itself open."""
    return shutil.copy(path, tmp_path / path.name)


def _fit(qtbot, window) -> None:
    """Press Fit Map (Ctrl+0), let the event loop settle, and check that every node is now in view."""
    canvas = window.canvas
    canvas.set_zoom(4.0)  # from far in, so a Fit that does nothing cannot pass for one
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    view = canvas.viewport().rect()
    outside = [key for key, item in canvas.node_items.items() if not view.contains(canvas.mapFromScene(item.pos()))]
    assert not outside, f"{len(outside)} of {len(canvas.node_items)} nodes out of view after Fit Map"


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_fitted_sample_shows_its_names_at_1280x800(qtbot, make_window, path, tmp_path):
    window = make_window(_copy(path, tmp_path), size=(1280, 800))
    _fit(qtbot, window)
    canvas, nodes = window.canvas, window.projection.nodes
    shown = canvas.visible_labels()

    assert len(shown) >= MIN_SHARE * len(nodes), f"{len(shown)} of {len(nodes)} names shown at {canvas.zoom():.0%}"
    first = {key for key, view in nodes.items() if view.kind in FIRST}
    assert first and first <= set(shown), "a change proposal or norm has no name on the map"
    for key, (text, px) in shown.items():
        name = one_line(nodes[key].label)
        assert px >= MIN_PX, f"{name!r} drawn {px:.1f} px high"
        assert text == name or text.startswith(name[:MIN_CHARS]), f"{name!r} shown as {text!r}"
        if text != name:  # shortened in the middle: the end is kept too
            assert text.endswith(name.split(" ")[-1]), f"{name!r} shown as {text!r}"


def _organisation(path, nodes: int):
    """A generated organisation of about ``nodes`` nodes, with a change proposal, its component and the norms
    they break (the synthetic maps of the benchmarks have norms but no change)."""
    synthetic.write_nodes(path, nodes)
    base, rx = synthetic.BASE, synthetic.RX
    change, part = f"<{base}change/0>", f"<{base}change/1>"
    lines = [
        f"{change} {synthetic.RDF_TYPE} <{rx}ChangeProposal> .",
        f'{change} {synthetic.LABEL} "Discharge planning moves to the ward" .',
        f"{part} {synthetic.RDF_TYPE} <{rx}ChangeComponent> .",
        f'{part} {synthetic.LABEL} "Daily discharge huddle" .',
        f"{change} <{rx}hasComponent> {part} .",
        f"{part} <{rx}violates> <{base}norm/0> .",
        f"{change} <{rx}violates> <{base}norm/1> .",
    ]
    with open(path, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return path


def test_a_300_node_map_fitted_at_1280x800_names_its_change_and_norms(qtbot, make_window, tmp_path):
    # The samples hold 20 to 60 nodes; the issue asks for names readable on open up to a few hundred.
    window = make_window(_organisation(tmp_path / "org-300.nt", 300), size=(1280, 800))
    _fit(qtbot, window)
    canvas, nodes = window.canvas, window.projection.nodes
    assert len(nodes) >= 290
    shown = canvas.visible_labels()
    first = {key for key, view in nodes.items() if view.kind in FIRST}
    assert len(first) >= 7 and first <= set(shown), f"unnamed at {canvas.zoom():.0%}: {first - set(shown)}"
    assert len(shown) >= MIN_SHARE_300 * len(nodes), f"{len(shown)} of {len(nodes)} names at {canvas.zoom():.0%}"
    assert all(px >= MIN_PX for _, px in shown.values())


def test_focus_on_the_map_gives_the_canvas_the_window_and_is_remembered(qtbot, make_window, tmp_path):
    window = make_window(_copy(SAMPLES[0], tmp_path), size=(1280, 800))
    narrow = window.canvas.viewport().width()
    assert narrow >= 0.55 * 1280, "the panels leave the map less than 55 % of a 1280 px window"
    qtbot.keyClick(window.canvas, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.canvas.viewport().width() > 1200)
    assert not window.inspector_dock.isVisible() and not window.palette_dock.isVisible()
    window.close()  # the mode is a setting, like the other View toggles

    (tmp_path / "again").mkdir()
    again = make_window(_copy(SAMPLES[0], tmp_path / "again"), size=(1280, 800))
    assert again.act_focus_map.isChecked()
    qtbot.waitUntil(lambda: again.canvas.viewport().width() > 1200)
    again.act_focus_map.trigger()
    qtbot.waitUntil(lambda: again.inspector_dock.isVisible() and again.palette_dock.isVisible())
    assert again.canvas.viewport().width() < 1000


def test_hover_shows_the_whole_name(qtbot, make_window, tmp_path):
    path = next(p for p in SAMPLES if p.stem == "keystone-michigan")
    window = make_window(_copy(path, tmp_path), size=(1280, 800))
    _fit(qtbot, window)
    canvas, nodes = window.canvas, window.projection.nodes
    cut = [key for key, (text, _) in canvas.visible_labels().items() if text != one_line(nodes[key].label)]
    assert cut, "no name is shortened on this sample: pick a longer one"
    key = max(cut, key=lambda k: len(nodes[k].label))
    name = one_line(nodes[key].label)
    at = canvas.mapFromScene(canvas.node_items[key].pos())
    qtbot.mouseMove(canvas.viewport(), at)
    QApplication.sendEvent(
        canvas.viewport(), QHelpEvent(QEvent.Type.ToolTip, at, canvas.viewport().mapToGlobal(QPoint(at)))
    )
    qtbot.waitUntil(QToolTip.isVisible)
    assert html.escape(name) in QToolTip.text()
    QToolTip.hideText()


def test_zoomed_out_names_show_by_priority_without_overlapping(qtbot, make_window, tmp_path):
    path = next(p for p in SAMPLES if p.stem == "keystone-michigan")
    window = make_window(_copy(path, tmp_path), size=(1280, 800))
    canvas, nodes = window.canvas, window.projection.nodes
    canvas.set_zoom(0.3)
    shown = canvas.visible_labels()
    assert 0 < len(shown) < len(nodes), "at 30 % some names make way for others"
    assert all(px >= MIN_PX for _, px in shown.values())

    def box(key):
        item = canvas.node_items[key]
        _, _, width, height = item.label_layout()
        grow = item.label_scale(canvas.zoom())
        return canvas.mapFromScene(item.pos()), width * grow * canvas.zoom(), height * grow * canvas.zoom()

    boxes = [box(key) for key in shown]
    for i, (a, aw, ah) in enumerate(boxes):
        for b, bw, bh in boxes[i + 1 :]:
            assert abs(a.x() - b.x()) >= (aw + bw) / 2 or abs(a.y() - b.y()) >= (ah + bh) / 2, "two names overlap"
    first = {key for key, view in nodes.items() if view.kind in FIRST}
    others = set(nodes) - first
    assert len(first & set(shown)) / len(first) >= len(others & set(shown)) / len(others)

    hidden = next(key for key in canvas.node_items if key not in shown)
    canvas.centerOn(canvas.node_items[hidden].pos())
    at = canvas.mapFromScene(canvas.node_items[hidden].pos())
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert canvas.selected_nodes() == [hidden]
    qtbot.waitUntil(lambda: hidden in canvas.visible_labels())  # a selected node's name shows first


def test_minimap_stands_aside_while_the_whole_map_is_in_view(qtbot, make_window, tmp_path):
    # Over a fitted map the minimap only covered nodes in the canvas's corner.
    window = make_window(_copy(SAMPLES[0], tmp_path), size=(1280, 800))
    _fit(qtbot, window)
    assert window.act_minimap.isChecked()
    qtbot.waitUntil(lambda: not window.minimap.isVisible())
    for _ in range(3):
        qtbot.keyClick(window.canvas, Qt.Key.Key_Plus)
    qtbot.waitUntil(window.minimap.isVisible)
    # Shown, it covers its corner of the view: a big map's overview draws no names there.
    corner = window.minimap.geometry().translated(-window.canvas.viewport().geometry().topLeft())
    assert window.canvas.covered == [QRectF(corner)]
    _fit(qtbot, window)
    qtbot.waitUntil(lambda: not window.minimap.isVisible())
    assert window.canvas.covered == []
