"""A figure of some levels only (no empty bands of the others), as the report's figures by level use it; and the
map's details as the metadata of PDF and PNG images."""

from __future__ import annotations

import datetime as dt
import io

import pytest

pytest.importorskip("PySide6")
from pypdf import PdfReader
from PySide6.QtGui import QImage
from support.details import give_hostile_details
from support.paths import KEYSTONE

from explorer.core.document import MapDocument
from explorer.core.errors import ExplorerError
from explorer.core.map_details import MapDetails, set_details
from explorer.core.projection import Projection
from explorer.core.resources import sample_maps
from explorer.core.schema import schema_of
from explorer.io.report import run_analysis
from explorer.ui.canvas import image_export
from explorer.ui.files.report_pdf import report_pages


@pytest.fixture(scope="module")
def keystone():
    doc = MapDocument.open(KEYSTONE, editing=False)
    yield doc
    doc.close()


@pytest.fixture
def editable(tmp_path):
    copy = tmp_path / KEYSTONE.name
    copy.write_bytes(KEYSTONE.read_bytes())
    doc = MapDocument.open(copy)
    yield doc
    doc.close()


def test_a_figure_of_one_level_has_only_its_band_and_its_nodes(keystone):
    projection = Projection.build(keystone.store, schema_of(keystone))
    whole = image_export.draw_map(keystone, projection=projection, legend=False)
    assert [band[0] for band in whole.bands] == [3, 2, 1]
    for level in (3, 2, 1):
        drawing = image_export.draw_map(keystone, projection=projection, legend=False, levels=(level,))
        assert [band[0] for band in drawing.bands] == [level]
        assert drawing.nodes == sum(1 for v in projection.nodes.values() if v.level == level) > 0
        # The picture spans its band only: the other bands' room is gone, the width and the names' size kept.
        (_, top, bottom, _) = drawing.bands[0]
        assert (drawing.source.top(), drawing.source.bottom()) == (top, bottom)
        assert drawing.size.height() < whole.size.height() * 0.8
        assert drawing.zoom == whole.zoom
    both = image_export.draw_map(keystone, projection=projection, legend=False, levels=[2, 3])
    assert [band[0] for band in both.bands] == [3, 2]


def test_levels_must_be_levels(keystone):
    for bad in ((), (4,), ("meso",), (2, 2.5)):
        with pytest.raises(ExplorerError, match="levels"):
            image_export.draw_map(keystone, levels=bad)


def test_each_level_of_the_report_is_drawn_in_its_own_band_only(keystone):
    pages = report_pages(keystone, run_analysis(keystone, runs=0), runs=0)
    figures = {n: d for n, d in pages._map_object.drawings.items() if n.count(":") > 1}
    assert figures
    for name, drawing in figures.items():
        level = int(name.split(":")[-2])
        assert [band[0] for band in drawing.bands] == [level], name


def test_pdf_and_png_carry_the_maps_authors_and_title(editable):
    details = MapDetails(
        title="Keystone ICU, Michigan",
        description="Checklists in Michigan ICUs.\nSecond line.",
        authors=("Ana Silva", "Ben Okafor"),
        organisation="Michigan Health & Hospital Association",
    )
    editable.execute(set_details(editable.store, details, today=dt.date(2025, 3, 4)))
    drawing = image_export.draw_map(editable, legend=False)
    info = PdfReader(io.BytesIO(image_export.render_pdf(drawing))).metadata
    assert info.title == "Keystone ICU, Michigan"
    assert info.author == "Ana Silva, Ben Okafor · Michigan Health & Hospital Association"
    image = QImage.fromData(image_export.render_png(drawing, scale=0.2))
    assert image.text("Author") == "Ana Silva, Ben Okafor · Michigan Health & Hospital Association"
    assert image.text("Description") == "Checklists in Michigan ICUs. Second line."


def test_hostile_details_make_short_one_line_metadata(editable):
    give_hostile_details(editable)
    drawing = image_export.draw_map(editable, legend=False)
    info = PdfReader(io.BytesIO(image_export.render_pdf(drawing))).metadata
    for text in (info.title, info.author):
        assert text.isprintable() and len(text) <= 500
    assert info.author.startswith("Ana <script>alert(1)</script>, Author 000")
    image = QImage.fromData(image_export.render_png(drawing, scale=0.2))
    for key, limit in (("Title", 500), ("Author", 300), ("Description", 1000)):
        assert image.text(key).isprintable() and 0 < len(image.text(key)) <= limit, key


def test_the_report_pdf_shows_the_details_and_names_the_authors(editable):
    give_hostile_details(editable)
    pages = report_pages(editable, run_analysis(editable, runs=0), runs=0)
    reader = PdfReader(io.BytesIO(pages.pdf()))
    assert reader.metadata.author.startswith("Ana <script>alert(1)</script>, Author 000")
    first = " ".join(reader.pages[0].extract_text().split())
    assert "By Ana <script>alert(1)</script>, Author 000" in first and "298 others" in first
    assert "How patients leave <script>alert(1)</script>" in first and "\x1b" not in first


@pytest.mark.parametrize("name", ["mental-health-lmic", "action-schools-bc"])
def test_no_figure_of_the_report_leaves_its_caption_to_the_next_page(name):
    path = next(p for p in sample_maps() if p.stem == name)
    doc = MapDocument.open(path, editing=False)
    try:
        pages = report_pages(doc, run_analysis(doc, runs=0), runs=0)
    finally:
        doc.close()
    block, figures = pages.document.begin(), 0
    while block.isValid():
        end = pages._figure_end(block)
        if end is not None:
            figures += 1
            top = pages._first_line_top(block)
            assert pages._page_of(end - 0.5) == pages._page_of(top), f"the caption after figure {figures}"
        block = block.next()
    assert figures >= 4
