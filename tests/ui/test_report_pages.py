"""The PDF report of every sample: no blank page, no heading left at a page's foot, no "unknown", and the
map level by level with names printed at a readable size."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("PySide6")
pypdf = pytest.importorskip("pypdf")

from explorer.core.document import MapDocument  # noqa: E402
from explorer.core.resources import sample_maps  # noqa: E402
from explorer.io.report import run_analysis  # noqa: E402
from explorer.ui.files.report_pdf import LABEL_MIN_PT, printed_label_pt, report_pages  # noqa: E402


@pytest.fixture(scope="module", params=[p.stem for p in sample_maps()])
def pages(request):
    path = next(p for p in sample_maps() if p.stem == request.param)
    doc = MapDocument.open(path, editing=False)
    try:
        yield report_pages(doc, run_analysis(doc, runs=20), runs=20)
    finally:
        doc.close()


def test_every_page_has_text_and_none_says_unknown(pages):
    reader = pypdf.PdfReader(io.BytesIO(pages.pdf()))
    assert len(reader.pages) == pages.count
    for number, page in enumerate(reader.pages, 1):
        words = (page.extract_text() or "").split()
        footer = len(pages.title.split()) + 3  # the title and "n / N"
        assert len(words) > footer, f"page {number} is blank"
        assert "unknown" not in " ".join(words).lower(), f"page {number}"


def test_no_heading_ends_a_page(pages):
    block = pages.document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0 and block.text().strip():
            following = block.next()
            while following.isValid() and not following.text().strip():
                following = following.next()
            top, after = pages._first_line_top(block), pages._first_line_top(following)
            assert pages._page_of(top) == pages._page_of(after), block.text()
        block = block.next()


def test_the_levels_print_names_at_a_readable_size(pages):
    drawings = pages._map_object.drawings
    levels = [d for name, d in drawings.items() if name.count(":") > 1]
    assert levels
    for drawing in levels:
        assert printed_label_pt(drawing, pages.text_width) >= LABEL_MIN_PT
