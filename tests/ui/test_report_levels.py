"""The PDF report's figures of the map by level on a big map: a readable number of them, the nodes most likely
to resist among them, and every tie within a level either drawn or counted in a caption."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("PySide6")

from benchmarks import synthetic

from explorer.core.document import MapDocument
from explorer.core.projection import Projection
from explorer.core.schema import schema_of
from explorer.ui.files import report_pdf

WIDTH = 658  # A4's text width in logical pixels: 24 nodes to a figure


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = synthetic.write_nodes(tmp_path_factory.mktemp("levels") / "org.nt", 2000, seed=1)
    doc = MapDocument.open(path, editing=False)
    schema = schema_of(doc)
    yield doc, schema, Projection.build(doc.store, schema)
    doc.close()


def _figures(monkeypatch, big, heat):
    """level_drawings' figures, each with the projection it was drawn from (drawing is stubbed: only the choice
    of nodes and ties is under test here)."""
    doc, schema, projection = big
    drawn = []
    monkeypatch.setattr(report_pdf, "draw_map", lambda document, **options: drawn.append(options) or options)
    options = {"schema": schema, "projection": projection, "heat": heat}
    return projection, report_pdf.level_drawings(doc, options, text_width=WIDTH)


def test_a_big_level_shows_its_likeliest_nodes_and_says_where_the_rest_are(monkeypatch, big):
    projection = big[2]
    micro = sorted((k for k, v in projection.nodes.items() if v.level == 1), key=str)
    assert len(micro) > 1000
    likely = micro[::97][:12]  # spread over the level, so the map's order would not pick them
    heat = {str(k): 0.9 for k in likely}
    _, figures = _figures(monkeypatch, big, heat)
    per_level = {level: [f for f in figures if f["name"].split(":")[-2] == str(level)] for level in (1, 2, 3)}
    assert len(per_level[1]) == report_pdf.LEVEL_FIGURES_SHOWN
    assert len(figures) <= 3 * report_pdf.LEVEL_FIGURES
    shown = {k for f in per_level[1] for k in f["drawing"]["projection"].nodes}
    assert set(likely) <= shown
    for figure in per_level[1]:
        assert f"of the micro level's {len(micro):,} nodes most likely to resist" in figure["caption"]
        assert "whole map above" in figure["caption"] and "File > Export" in figure["caption"]
        # The heat given to a figure is its own nodes' only.
        assert set(figure["drawing"]["heat"]) == {str(k) for k in figure["drawing"]["projection"].nodes} & set(heat)


def test_every_tie_within_a_level_is_drawn_or_counted(monkeypatch, big):
    projection, figures = _figures(monkeypatch, big, {})
    figure_of = {k: i for i, f in enumerate(figures) for k in f["drawing"]["projection"].nodes}
    drawn = {key for f in figures for key in f["drawing"]["projection"].ties}
    expected = 0
    for key, tie in projection.ties.items():
        same_level = projection.nodes[tie.source].level == projection.nodes[tie.target].level
        one, other = figure_of.get(tie.source), figure_of.get(tie.target)
        if one is not None and one == other:
            assert key in drawn
        elif same_level:
            expected += (one is not None) + (other is not None)  # named in each figure that holds an end
    counted = 0
    for figure in figures:
        found = re.search(
            r"([\d,]+) ties? to (?:the level's other nodes|this level's nodes in its other figures)", figure["caption"]
        )
        counted += int(found.group(1).replace(",", "")) if found else 0
    assert expected > 0 and counted == expected
