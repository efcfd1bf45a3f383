"""The comparison report as HTML and PDF: the Michigan pair renders with the Comparison's own figures, text from
the maps is escaped, and the PDF has pages that read back."""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.paths import SAMPLES

from explorer.analysis.compare import compare, signed_people, signed_points, structure_words
from explorer.analysis.graph import map_graph_from_text
from explorer.analysis.run import compare_serialised, serialise_map
from explorer.core.document import MapDocument
from explorer.io import compare_report, registry
from explorer.io.change_text import NBSP, people, percent

REPO = Path(__file__).resolve().parents[2]
KEYSTONE = SAMPLES / "keystone-michigan.ttl"
MATCHING = SAMPLES / "matching-michigan-england.ttl"
WHEN = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
SCRIPT = "</script><script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
IMAGE = "<img src=x onerror=alert(2)>"
HOSTILE_MAP = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:c> a rx:ChangeProposal ; rdfs:label "New <b>rota</b> $5 and $10" ; rx:disrupts <urn:x:r> .
<urn:x:r> a rx:Routine ; rdfs:label "<img src=x onerror=alert(1)>" ; rx:embeddedness 0.9 .
<urn:x:p> a rx:Role ; rdfs:label "%s" ; rx:performs <urn:x:r> ; rx:changeFatigue %s .
"""


@pytest.fixture(scope="module")
def michigan():
    """Keystone (A) against Matching Michigan England (B), as the app and the command line compare them."""
    with MapDocument.open(KEYSTONE, editing=False) as a, MapDocument.open(MATCHING, editing=False) as b:
        return compare_serialised(serialise_map(a), serialise_map(b), names=(a.title, b.title), runs=50)


@pytest.fixture(scope="module")
def page(michigan):
    return compare_report.comparison_html(michigan, generated=WHEN)


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags out, entities read, spaces (no-break ones too) single."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ").split())


def plain(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_the_michigan_pair_renders_with_the_comparisons_figures(michigan, page):
    text = text_of(page)
    a, b, d = michigan.a, michigan.b, michigan.difference
    assert "Comparison: Keystone ICU, Michigan and Matching Michigan, England" in text
    assert "4 March 2026" in text
    # Both sides side by side: the figure with its interval, the share, the people exposed, the points.
    for side in (a, b):
        f = side.figure
        assert f"{side.change_label}" in text
        assert f"{people(f.value)} ({people(f.low)}–{people(f.high)})" in text
        assert plain(percent(f.share)) in text
    row = f"Points {a.figure.points:,} {b.figure.points:,}"
    assert f"People exposed {people(a.figure.people)} {people(b.figure.people)} {row}" in text
    # The difference: B − A with its interval, the share's difference and the share of paired runs.
    assert (
        f"{signed_people(d.figure)} ({signed_people(d.low)} to {signed_people(d.high)}) people likely to resist" in text
    )
    assert signed_points(d.share) in text and signed_points(d.share_high) in text
    assert f"{plain(percent(d.a_more_resistant))} of the 50 paired runs in which A has the higher share" in text
    assert "Matching Michigan, England is the more resistant context" in text  # the interval leaves out 0
    # The decomposition: the twelve largest mechanisms, the rest summed, adding up to the whole; by level.
    shown = d.by_mechanism[: compare_report.MECHANISMS_SHOWN]
    for part in shown:
        assert f"{part.label} {signed_people(part.value)}" in text
    rest = d.by_mechanism[len(shown) :]
    assert f"{len(rest)} other mechanisms {signed_people(sum(p.value for p in rest))}" in text
    assert f"In all {signed_people(d.figure)}" in text
    for part in d.by_level:
        assert f"{part.label.capitalize()} {signed_people(part.value)}" in text
    assert d.by_mechanism[0].label == "sponsorship (top-down or professionally led)"
    # The points that moved: the top 20 with A, B and the difference in points; unmatched ones marked.
    moved = [m for m in michigan.moved if abs(m.difference) > 1e-12][: compare_report.TOP_MOVED]
    assert len(moved) == 20
    for rank, m in enumerate(moved, 1):
        a_cell = "–" if m.match == "b only" else plain(percent(m.likelihood_a))
        b_cell = "–" if m.match == "a only" else plain(percent(m.likelihood_b))
        change = round((m.likelihood_b - m.likelihood_a) * 100)
        cells = rf" {rank} {re.escape(m.label)} .*? {re.escape(a_cell)} {re.escape(b_cell)} \+{change} "
        assert re.search(cells, text), m.label
    assert "only in B" in text and "matched by name" in text
    # The structural difference in words and in capped lists.
    assert f"In all: {structure_words(michigan.structure)}." in text
    assert f"… and {len(michigan.structure.ties_added) - 10:,} more" in text
    # The caveat and the method.
    assert "Both sides use the same seed (0)" in text
    assert "An interval that contains 0 means the model cannot tell the two contexts apart" in text
    assert "The difference by mechanism is exact" in text and "secant" not in text
    # Self-contained: the chart inline, nothing fetched, nothing run.
    images = [attrs["src"] for tag, attrs in tags_of(page) if tag == "img"]
    assert len(images) == 1 and images[0].startswith("data:image/svg+xml;base64,")
    assert not any(tag in ("script", "link", "iframe") for tag, _ in tags_of(page))


def test_text_from_the_maps_is_escaped():
    A = map_graph_from_text(HOSTILE_MAP % (SCRIPT, "0.2"))
    # Another node on B's side: each role is a point of one side only.
    B = map_graph_from_text((HOSTILE_MAP % (FORMULA.replace("'", "\\'"), "0.9")).replace("urn:x:p", "urn:x:q"))
    page = compare_report.comparison_html(compare(A, B, runs=10, names=(IMAGE, FORMULA)), generated=WHEN)
    tags = tags_of(page)
    assert not any(tag == "script" for tag, _ in tags)
    assert [attrs["src"][:11] for tag, attrs in tags if tag == "img"] == ["data:image/"]
    assert "<b>rota" not in page and "<img src=x" not in page and "</script><script>" not in page
    text = text_of(page)
    # Read as text, where a reader would see it: the names, the change, the points, the structure.
    assert f"Comparison: {IMAGE} and {FORMULA}" in text
    assert "New <b>rota</b> $5 and $10" in text
    assert f"{SCRIPT} only in A" in text and f"{FORMULA} only in B" in text
    assert f"Nodes removed (in A only) 1 {SCRIPT} (Role)" in text
    assert f"<title>Comparison: {html_module.escape(IMAGE, quote=False)} and" in page


def test_a_map_against_itself_reads_as_no_difference(tmp_path):
    G = map_graph_from_text(HOSTILE_MAP % ("Nurse", "0.5"))
    out = tmp_path / "same.html"
    seen = []
    compare_report.write_comparison_html(
        compare(G, G, runs=10), out, title="Ward 7 today", progress=lambda d, t: seen.append((d, t))
    )
    text = text_of(out.read_text(encoding="utf-8"))
    assert "Ward 7 today" in text and seen[-1] == (100, 100)
    assert "The interval contains 0: the model cannot tell the two contexts apart." in text
    assert "No point moved" in text and "The two maps are the same." in text


def test_the_comparison_formats_are_registered():
    assert registry.for_path("c.html", "comparison").load() is compare_report.write_comparison_html
    assert registry.for_path("c.PDF", "comparison").needs_qt


def test_the_pdf_has_pages_that_read_back(michigan, tmp_path):
    pytest.importorskip("PySide6")
    from pypdf import PdfReader

    from explorer.ui.files.compare_report_pdf import write_comparison_pdf

    out = tmp_path / "comparison.pdf"
    seen = []
    write_comparison_pdf(michigan, out, generated=WHEN, progress=lambda d, t: seen.append(d))
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert 4 <= len(reader.pages) <= 12 and seen[-1] == 100
    assert reader.metadata.title == "Comparison: Keystone ICU, Michigan and Matching Michigan, England"
    # NFKC: the PDF's fonts set "ff" as one ligature glyph.
    text = " ".join(unicodedata.normalize("NFKC", page.extract_text() or "") for page in reader.pages)
    text = " ".join(text.replace(NBSP, " ").split())
    for heading in (
        "The two contexts",
        "The difference",
        "Where the difference comes from",
        "The points that moved",
        "What differs in the maps",
        "How far to trust the difference",
        "Method",
    ):
        assert heading in text, heading
    assert signed_people(michigan.difference.figure) in text
    assert "Physician lead, ICU C" in text
    # The first page holds both sides and the difference, not a broken table.
    first = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text() or "").split())
    assert "The two contexts" in first and "paired runs in which A has the higher share" in first


def test_the_part_from_one_side_only_and_shares_not_compared(page, michigan):
    # Michigan against England: most of the difference is England's roles and units that Michigan lacks.
    said = text_of(page)
    d = michigan.difference
    assert f"Of the {plain(signed_people(d.figure))} people, {plain(signed_people(d.unmatched))} comes from " in said
    # B exposes nobody: no share is compared anywhere on the page, only the number likely to resist.
    text = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
<urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
"""
    a = map_graph_from_text(text + "<urn:x:p> a rx:Role ; rx:performs <urn:x:r> .")
    nobody = compare(a, map_graph_from_text(text), runs=20, names=("Ward", "Clinic"))
    assert nobody.difference.share is None
    shown = text_of(compare_report.comparison_html(nobody, generated=WHEN))
    assert "Clinic exposes nobody to the change: the shares are not compared, only the numbers" in shown
    assert "higher share" not in shown and "interval of the share" not in shown
