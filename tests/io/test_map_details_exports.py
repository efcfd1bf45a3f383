"""Map details in the report's title block and the HTML export's heading: shown, escaped, one line, cut."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from support.details import LONG, give_hostile_details
from support.paths import SAMPLES

from explorer.core.document import MapDocument
from explorer.core.map_details import MapDetails, set_details
from explorer.io import report
from explorer.io.html import write_html

REPO = Path(__file__).resolve().parents[2]
KEYSTONE = SAMPLES / "keystone-michigan.ttl"
WHEN = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def keystone(tmp_path):
    copy = tmp_path / KEYSTONE.name
    copy.write_bytes(KEYSTONE.read_bytes())
    doc = MapDocument.open(copy)
    yield doc
    doc.close()


def _give_details(doc) -> None:
    details = MapDetails(
        title="Keystone ICU, Michigan",
        description="Checklists in Michigan ICUs.\nA second paragraph.",
        authors=("Ana Silva", "Ben Okafor"),
        organisation="Michigan Health & Hospital Association",
        created="2025-03-01",
    )
    doc.execute(set_details(doc.store, details, today=dt.date(2025, 3, 4)))


def _title_block(page: str) -> str:
    return page.split("<body>", 1)[1].split('<section id="change">', 1)[0]


def test_the_report_title_block_shows_the_details(keystone):
    _give_details(keystone)
    page = report.report_html(keystone, report.run_analysis(keystone, runs=0), charts=False, generated=WHEN)
    block = _title_block(page)
    assert (
        '<p class="meta credits">By Ana Silva and Ben Okafor · Michigan Health &amp; Hospital Association'
        " · made 1 March 2025, last changed 4 March 2025</p>"
    ) in block
    assert '<p class="description">Checklists in Michigan ICUs.</p>' in block
    assert '<p class="description">A second paragraph.</p>' in block


def test_hostile_details_in_the_report_are_text_one_line_and_cut(keystone):
    give_hostile_details(keystone)
    page = report.report_html(keystone, report.run_analysis(keystone, runs=0), charts=False, generated=WHEN)
    block = _title_block(page)
    assert "<script" not in page and ESCAPED in block
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)
    assert "<title>Where “CLABSI checklist bundle (Keystone)” may meet resistance</title>" in page
    credits = re.search(r'<p class="meta credits">(.*?)</p>', block).group(1)
    assert "\n" not in credits and len(credits) < 600 and "298 others" in credits
    # The description: its paragraphs, 10,000 characters cut to a title block's worth.
    paragraphs = re.findall(r'<p class="description">(.*?)</p>', block, re.S)
    assert paragraphs[0].startswith(f"How patients leave {ESCAPED}") and "\n" not in "".join(paragraphs)
    assert LONG[:50] in paragraphs[-1] and sum(map(len, paragraphs)) < 1400 and paragraphs[-1].endswith("…")


def test_the_html_export_heading_shows_the_details_escaped(keystone, tmp_path):
    _give_details(keystone)
    out = tmp_path / "map.html"
    write_html(keystone, out)
    heading = out.read_text(encoding="utf-8").split("<header>", 1)[1].split("</header>", 1)[0]
    assert "<h1>Keystone ICU, Michigan</h1>" in heading
    assert (
        '<p class="meta credits">By Ana Silva and Ben Okafor · Michigan Health &amp; Hospital Association'
        " · made 1 March 2025, last changed 4 March 2025</p>"
    ) in heading
    both = "Checklists in Michigan ICUs. A second paragraph."
    assert f'<p class="meta description" title="{both}">{both}</p>' in heading

    give_hostile_details(keystone)
    write_html(keystone, out)
    page = out.read_text(encoding="utf-8")
    heading = page.split("<header>", 1)[1].split("</header>", 1)[0]
    assert f"<h1>Ward {ESCAPED} 7 discharge</h1>" in heading and "<script" not in heading
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", heading)
    credits = re.search(r'<p class="meta credits">(.*?)</p>', heading).group(1)
    description = re.search(r'<p class="meta description"[^>]*>(.*?)</p>', heading).group(1)
    assert "298 others" in credits and len(credits) < 600
    assert description.startswith(f"How patients leave {ESCAPED}") and len(description) < 600
