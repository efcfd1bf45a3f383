"""The change report as HTML: what a board reads is there, map text is escaped, nothing is fetched."""

from __future__ import annotations

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape
from support.paths import SAMPLES

from explorer.analysis.change import Point
from explorer.core.document import MapDocument
from explorer.core.software import library_versions
from explorer.io import report
from explorer.io.change_text import NBSP, figure_sentence, interval, lever_effect, people, percent
from explorer.io.registry import get

REPO = Path(__file__).resolve().parents[2]
MATCHING = SAMPLES / "matching-michigan-england.ttl"
WHEN = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_MAP = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/h/> .
ex:change a rx:ChangeProposal ; rdfs:label "New <b>rota</b> $5 and $10" ; rx:disrupts ex:rounds ;
    rdfs:comment "Starts Monday </script><script>alert(2)</script>" .
ex:rounds a rx:Routine ; rdfs:label "<img src=x onerror=alert(1)>" ; rx:embeddedness 0.9 .
ex:nurse a rx:Role ; rdfs:label "</script><script>alert(1)</script>" ; rx:performs ex:rounds ; rx:changeFatigue 0.8 .
"""


@pytest.fixture(scope="module")
def matching():
    doc = MapDocument.open(MATCHING, editing=False)
    yield doc
    doc.close()


@pytest.fixture(scope="module")
def analysis(matching):
    return report.run_analysis(matching, runs=40)


@pytest.fixture(scope="module")
def page(matching, analysis):
    return report.report_html(matching, analysis, map_image=b"\x89PNG\r\n\x1a\n" + b"\0" * 16, generated=WHEN, runs=40)


class Attributes(HTMLParser):
    """Collects every tag and its attributes, to check what a browser would load or run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict]]:
    parser = Attributes()
    parser.feed(html)
    return parser.tags


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags out, entities read, spaces (no-break ones too) single."""
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ").split())


def test_the_report_holds_what_a_board_needs(page, analysis):
    assert "Where “CLABSI checklist bundle (Matching Michigan)” may meet resistance" in page
    assert "4 March 2026" in page
    # The proposed change, with its description and components.
    assert "Evidence-based insertion practices with a checklist" in page
    assert "Prompt removal of unnecessary lines" in page
    text = text_of(page)
    # The headline: the context figure with its interval and what it means; no index any more.
    figure = analysis.figure
    assert figure.points > 0 and figure.low is not None
    headline = text[text.index("The proposed change") : text.index("The map by level")]
    assert f"{people(figure.value)} ({people(figure.low)}–{people(figure.high)})" in headline
    assert f"of the {people(figure.people)} people the change exposes are likely to resist" in headline
    assert "expected number of people likely to resist" in headline
    assert "middle 80% of 40 uncertainty runs" in headline
    assert "index" not in headline.lower()
    # What the map does not give for the change itself, in words (no CURIE).
    assert "Not given on the map for the change: who leads it" in text
    # The top points: likelihood, interval, rank range and sentence; reasons grouped, with construct labels
    # (never the CURIE) and numbered citations to the sources listed.
    for rank, point in enumerate(analysis.points[:10], 1):
        assert str(escape(point.label)) in page
        assert " ".join(point.sentence.split()) in text
        head = f"{rank}. {' '.join(point.label.split())} "
        assert head in text
        card = text[text.index(head) :][:400]
        assert (
            f"{percent(point.likelihood)} likely ({interval(point.likelihood_low, point.likelihood_high)})".replace(
                NBSP, " "
            )
            in card
        )
        strongest = max(point.reasons, key=lambda r: abs(r.value))
        assert str(escape(" ".join(strongest.text.split()))) in page
    first = text[
        text.index("1. " + " ".join(analysis.points[0].label.split()) + " Role") : text.index(
            "2. " + " ".join(analysis.points[1].label.split())
        )
    ]
    assert (
        first.index("What the change transgresses")
        < first.index("What makes it harder")
        < first.index("What makes it easier")
    )
    assert "· normative pillar [" in first and "· legitimation [" in first
    assert not re.search(r"\brx:[A-Za-z]", text)
    assert not re.search(r"\b(nptLegitimation|culturalCognitive|changeFatigueConstruct)\b", text)
    assert re.search(r'<span class="cite">· [^<]+ \[\d+(, \d+)*\]</span>', page)
    sources = page[page.index("Sources cited") :]
    assert "Dixon-Woods M et al. Impl Sci 2013;8:70" in sources  # "2013;8:70" stays one reference
    assert "Lewin K. Field Theory in Social Science. 1951" in sources
    # Levers with their computed effects, strongest first; the three logics; the uncertainty; the method note.
    levers = text[text.index("Levers Edits a change agent") : text.index("Read through three logics")]
    for lever in analysis.levers[:10]:
        assert str(escape(lever.text)) in page
        assert f"{lever_effect(lever, short=True)} {' '.join(lever.text.split())}".replace(NBSP, " ") in levers
    assert levers.index(" ".join(analysis.levers[0].text.split())) < levers.index(
        " ".join(analysis.levers[1].text.split())
    )
    for title in (
        "Mechanistic: barriers, facilitators, fidelity",
        "Ecological: interdependencies and local adaptation",
        "Social: norms, legitimacy, ownership and fatigue",
    ):
        assert str(escape(title)) in page
    for item in analysis.logics["mechanistic"][:3]:
        assert str(escape(item)) in page
    trust = text[text.index("How far to trust the result") : text.index("Method The change analysis")]
    assert "the analysis was run 40 more times" in trust and "between 0.70 and 1.30" in trust
    assert "by its stated confidence" in trust  # the inputs vary too, not only the weights
    for sentence in analysis.fragile:
        assert " ".join(sentence.split()) in trust
    assert "Routine Explorer ontology, version 0.1.0 (https://w3id.org/routine-explorer/ns/0.1.0)" in page
    assert "analysis-weights.toml, the defaults shipped with Routine Explorer" in page
    # The software the figures came from, with the versions of the libraries that computed them.
    versions = library_versions()
    assert f"rdflib {versions['rdflib']}, pyoxigraph {versions['pyoxigraph']}, networkx {versions['networkx']}" in page
    assert "2026-03-04T09:30:00+00:00" in page
    # The weights table: each weight's label, value and source.
    weights = text[text.index("Weights and parameters used") :]
    entry = analysis.weights.entry("context.change_fatigue")
    assert f"{entry.label} context.change_fatigue {entry.value:g} {' '.join(entry.source.split())}" in weights
    # The map and two charts, inline.
    assert 'src="data:image/png;base64,' in page
    assert page.count('src="data:image/svg+xml;base64,') == 2


def test_everything_is_inline_and_nothing_can_run(page):
    tags = parse(page)
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed", "link", "base", "form")]
    for tag, attrs in tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "action", "poster"):
                assert value.startswith(("data:", "#")), (tag, name, value[:40])
    policy = next(a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy["content"]


def test_hostile_labels_are_text(tmp_path):
    source = tmp_path / "hostile.ttl"
    source.write_text(HOSTILE_MAP, encoding="utf-8")
    doc = MapDocument.open(source, editing=False)
    try:
        result = report.run_analysis(doc, runs=5)
        assert {p.label for p in result.points} >= {HOSTILE, "</script><script>alert(1)</script>"}
        out = tmp_path / "report.html"
        report.generate_report_html(doc, out, analysis=result)
        html = out.read_text(encoding="utf-8")
    finally:
        doc.close()
    assert HOSTILE not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "</script>" not in html and "<script" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "New &lt;b&gt;rota&lt;/b&gt; $5 and $10" in html and "<b>rota</b>" not in html
    assert [t for t, _ in parse(html) if t == "script"] == []
    # The charts carry the labels too: inside <img> SVGs (no script can run there), well-formed, as paths.
    charts = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(charts) == 2
    for uri in charts:
        root = ET.fromstring(base64.b64decode(uri))
        for element in root.iter():
            assert not element.tag.endswith(("script", "foreignObject", "image")), element.tag
            assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib


def test_charts_take_any_label(analysis):
    odd = [
        Point("urn:x:a", "cost $5 to $10 \\frac{1}{2}", None, 1, 1.0, 1.5, 0.5, 0.63),
        Point("urn:x:b", "line\nbreak\x00 and a very long label " * 5, None, 3, 0.0, 0.1, 0.5, 0.0),
    ]
    for chart in (report.chart_force_field, report.chart_likelihood_by_level):
        svg = chart(odd)
        ET.fromstring(svg)
        assert chart(odd) == svg  # the same result, the same bytes
        assert chart(odd, fmt="png", dpi=40)[:4] == b"\x89PNG"
    assert report.chart_force_field(analysis.points[:10]).count(b"<path") > 20


def test_file_options_and_errors(matching, analysis, tmp_path):
    out = tmp_path / "r.html"
    assert get("html", "report").load() is report.generate_report_html
    seen = []
    report.generate_report_html(
        matching,
        out,
        runs=0,
        progress=lambda d, t: seen.append((d, t)),
        generated=WHEN,
        title="Board paper: <ICU>",
        top=3,
    )
    html = out.read_text(encoding="utf-8")
    assert seen[-1] == (100, 100)
    assert "<title>Board paper: &lt;ICU&gt;</title>" in html
    assert "No uncertainty runs were made for this report" in html
    assert "No map image in this report" in html
    assert html.count('<div class="point">') == 3
    with pytest.raises(report.ReportError, match="PNG"):
        report.report_html(matching, analysis, map_image=b"GIF89a")
    with pytest.raises(report.ReportError, match="data:image/"):
        report.report_html(matching, analysis, map_image="https://example.org/map.png")
    with pytest.raises(report.ReportError, match="Unknown report option"):
        report.generate_report_html(matching, out, analysis=analysis, colour="red")
    with pytest.raises(report.ReportError, match="at least 1"):
        report.report_html(matching, analysis, top=0)
    with pytest.raises(report.ExplorerError, match="not a change proposal"):
        report.generate_report_html(matching, out, change="https://example.org/nope")
    with pytest.raises(report.ExplorerError, match="weights file"):
        report.generate_report_html(matching, out, weights=tmp_path / "missing.toml")
    assert html == out.read_text(encoding="utf-8")  # failures leave the file as it was


def test_a_change_that_touches_nothing_still_reports(tmp_path):
    source = tmp_path / "quiet.ttl"
    source.write_text(
        """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/q/change> a rx:ChangeProposal ; rdfs:label "Paint the corridor" .
<https://example.org/q/unit> a rx:Unit ; rdfs:label "Ward" .
""",
        encoding="utf-8",
    )
    doc = MapDocument.open(source, editing=False)
    try:
        result = report.run_analysis(doc)
        html = report.report_html(doc, result)
    finally:
        doc.close()
    assert result.points == () and result.runs == 0
    assert "Paint the corridor" in html and "No uncertainty runs were made" in html
    text = text_of(html)
    assert figure_sentence(result.figure) == (
        "The change asks nobody on the map to do anything differently: no resistance is expected from it."
    )
    assert figure_sentence(result.figure) in text
    assert (
        "The map suggests no lever: the change meets no resistance on this map" in text and 'class="chart"' not in html
    )
