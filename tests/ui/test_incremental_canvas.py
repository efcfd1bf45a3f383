"""Edits redraw only what they touch, and what the canvas then shows is what a full redraw would show."""

from __future__ import annotations

import random
import shutil

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsItem

from explorer.core.namespaces import RX
from explorer.core.resources import sample_graphs_dir
from explorer.layout.bands import bands_for_positions
from explorer.ui.canvas.legend import Legend
from explorer.ui.canvas.view import MapCanvas
from explorer.ui.common.host import OpenMap
from explorer.ui.common.shapes import NODE_H


def _drawn(canvas) -> dict:
    return {key: (tuple(round(v, 6) for v in ends), style) for key, ends, style in canvas.drawn_ties()}


def _fresh(canvas) -> MapCanvas:
    """Another canvas drawing the same map from scratch."""
    other = MapCanvas()
    other.set_map(canvas.projection, canvas.schema, canvas.positions)
    return other


def _assert_like_a_full_redraw(canvas) -> None:
    fresh = _fresh(canvas)
    try:
        assert _drawn(canvas) == _drawn(fresh)
        assert canvas._overview.nodes() == fresh._overview.nodes()
        assert [(b.level, b.top, b.bottom) for b in canvas.bands] == [(b.level, b.top, b.bottom) for b in fresh.bands]
        expected = bands_for_positions(
            ((view.level, canvas.positions.get(iri, (0, 0))[1]) for iri, view in canvas.projection.nodes.items()),
            node_height=NODE_H,
        )
        assert [(b.top, b.bottom) for b in canvas.bands] == [(b.top, b.bottom) for b in expected]
        for key, ends, _ in canvas.drawn_ties():
            assert canvas.tie_at(QPointF((ends[0] + ends[2]) / 2, (ends[1] + ends[3]) / 2)) is not None, key
    finally:
        fresh.deleteLater()


def _assert_legend_counts_the_map(window) -> None:
    """The legend, kept by difference, lists what a legend made now would."""
    window._refresh_views()
    fresh = Legend()
    try:
        fresh.show_map(OpenMap(window.document, window.schema, window.projection))
        assert window.legend.entries() == fresh.entries()
    finally:
        fresh.deleteLater()


def test_a_run_of_edits_and_undos_leaves_the_canvas_as_a_full_redraw_would_draw_it(make_window, qtbot, tmp_path):
    path = shutil.copy(sample_graphs_dir() / "keystone-michigan.ttl", tmp_path / "keystone.ttl")
    window = make_window(path)
    canvas = window.canvas
    qtbot.waitUntil(lambda: not canvas.building)
    rng = random.Random(7)
    for step in range(20):
        nodes = sorted(canvas.projection.nodes)
        action = rng.choice(["place", "tie", "tie", "move", "move-far", "move-all", "delete", "undo", "undo", "redo"])
        if action == "place":
            window.place_node(rng.choice([RX.Unit, RX.Routine, RX.Norm]), label=f"Step {step}")
        elif action == "tie":
            source, target = rng.sample(nodes, 2)
            kinds = [canvas.projection.nodes[n].kind for n in (source, target)]
            allowed = canvas.schema.relations_between(*kinds)
            if allowed:
                window.connect_nodes(source, target, rng.choice(sorted(allowed, key=lambda r: r.iri)))
        elif action in ("move", "move-far"):
            iri = rng.choice(nodes)
            x, y = canvas.positions[iri]
            far = 4000 if action == "move-far" else 60  # far: past the band's edge and across tiles
            canvas.nodesMoved.emit({iri: (x + rng.uniform(-far, far), y + rng.uniform(-far / 8, far / 8))})
        elif action == "move-all":  # most of the map at once, as a layout does: the bulk redraw
            dx = rng.uniform(-300, 300)
            canvas.nodesMoved.emit({iri: (x + dx + rng.uniform(0, 40), y) for iri, (x, y) in canvas.positions.items()})
        elif action == "delete":
            canvas.select([rng.choice(nodes)])
            window.delete_selection()
        elif action == "undo" and window.document.stack.can_undo():
            window.undo()
        elif action == "redo" and window.document.stack.can_redo():
            window.redo()
        qtbot.wait(1)
        _assert_like_a_full_redraw(canvas)
        _assert_legend_counts_the_map(window)
    # A tie made, then most of the map moved (a layout's bulk redraw reuses what it knows of the ties).
    source, nodes = window.place_node(RX.Role, label="Fresh role"), canvas.projection.nodes
    target, allowed = next(
        (t, allowed)
        for t in sorted(nodes)
        if t != source
        for allowed in (canvas.schema.relations_between(nodes[source].kind, nodes[t].kind),)
        if allowed
    )
    ties = len(canvas.projection.ties)
    window.connect_nodes(source, target, sorted(allowed, key=lambda r: r.iri)[0])
    assert len(canvas.projection.ties) == ties + 1
    canvas.nodesMoved.emit({iri: (x + 500, y) for iri, (x, y) in canvas.positions.items()})
    qtbot.wait(1)
    _assert_like_a_full_redraw(canvas)


def _pixels(image) -> np.ndarray:
    return np.frombuffer(image.constBits(), dtype=np.uint8).astype(int)


def _ties_image(canvas, cached: bool):
    """The canvas's view grabbed with the ties painted through their cache, or straight."""
    surface = canvas._ties._surface
    surface.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache if cached else QGraphicsItem.CacheMode.NoCache)
    canvas.viewport().repaint()
    return canvas.viewport().grab().toImage()


def test_a_layout_lands_redraws_in_short_turns_and_leaves_every_view_as_a_fresh_one(make_window, qtbot, tmp_path):
    """At 100 %: the force layout streams, lands as one step, its redraw finishes over turns of the event loop;
    then the ties, bands, overview, minimap and legend are what a fresh canvas draws, and the ties' cached
    image (only the view's part of a much larger item) is the image painted without a cache."""
    path = shutil.copy(sample_graphs_dir() / "keystone-michigan.ttl", tmp_path / "keystone.ttl")
    window = make_window(path)
    canvas = window.canvas
    qtbot.waitUntil(lambda: not canvas.building)
    canvas.set_zoom(1.0)
    canvas.centerOn(*next(iter(canvas.positions.values())))
    finished = []
    canvas.redrawFinished.connect(lambda: finished.append(True))
    before = dict(canvas.positions)
    window.apply_layout("force", wait=True)
    qtbot.waitUntil(lambda: not window.layout_running() and not window.following, timeout=30_000)
    assert finished, "a whole-map change is redrawn over turns, and says when it is done"
    assert canvas.positions != before and window.document.stack.undo_text.startswith("Lay out")
    # The minimap, which waits for the canvas's redraw, then draws the nodes where they now are.
    qtbot.waitUntil(lambda: window.minimap._drawn == canvas.positions)
    _assert_like_a_full_redraw(canvas)
    _assert_legend_counts_the_map(window)
    canvas.set_zoom(1.0)
    for iri, xy in canvas.positions.items():  # a part of the map with ties crossing it
        if len(canvas.projection.ties_of(iri)) > 2:
            canvas.centerOn(*xy)
            break
    qtbot.wait(1)
    straight, cached = _ties_image(canvas, cached=False), _ties_image(canvas, cached=True)
    # The same picture, give or take antialiasing's rounding (a line missing or cut differs by far more).
    assert np.abs(_pixels(cached) - _pixels(straight)).max() <= 8
    window.undo()
    qtbot.waitUntil(lambda: canvas.redrawing)
    # While the ties are refilled over turns: choosing a tie reads the tie layer, which must be whole first.
    tie = next(key for key in canvas.projection.ties if key[0] == "triple")
    canvas.select([tie])
    assert canvas._tie_highlight.path().elementCount() == 2
    qtbot.waitUntil(lambda: not window.following)
    assert canvas.positions == before
    _assert_like_a_full_redraw(canvas)
