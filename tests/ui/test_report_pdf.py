"""The change report as PDF (read back by pypdf), from the command line and from the app's menus."""

from __future__ import annotations

import datetime as dt
import io

import pytest

pytest.importorskip("PySide6")
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication
from support.paths import KEYSTONE, MATCHING

from explorer.cli import main
from explorer.core.document import MapDocument
from explorer.io import registry, report
from explorer.io.change_text import NBSP, interval, people, percent
from explorer.ui.analysis.run import AnalysisRun
from explorer.ui.common.workers import Task
from explorer.ui.files import report_pdf
from explorer.ui.main_window import MainWindow

WHEN = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
HEADINGS = (
    "The proposed change",
    "The map by level",
    "Points of likely resistance",
    "Likelihood by level",
    "Levers",
    "Read through three logics",
    "How far to trust the result",
    "Method",
    "Sources cited",
)
HOSTILE_MAP = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/h/> .
ex:change a rx:ChangeProposal ; rdfs:label "New rota" ; rx:disrupts ex:rounds .
ex:rounds a rx:Routine ; rdfs:label "<img src=x onerror=alert(1)>" ; rx:embeddedness 0.9 .
ex:nurse a rx:Role ; rdfs:label "</script>" ; rx:performs ex:rounds ; rx:changeFatigue 0.8 .
"""


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    # pypdf may split words with tabs; compare on single spaces.
    return len(reader.pages), " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def matching():
    doc = MapDocument.open(MATCHING, editing=False)
    yield doc
    doc.close()


def test_pdf_report_has_pages_headings_points_and_the_map_as_text(matching, tmp_path):
    result = report.run_analysis(matching, runs=20)
    pages = report_pdf.report_pages(matching, result, runs=20, generated=WHEN)
    seen = []
    count, text = pdf_text(pages.pdf(progress=lambda d, t: seen.append((d, t))))
    assert count == pages.count and seen[-1] == (count, count)
    assert 6 <= count <= 30  # the map level by level adds a page or two per level
    for heading in HEADINGS:
        assert heading in text, heading
    for point in result.points[:5]:
        assert " ".join(point.label.split()) in text
        # The sentence's start (the rest may run over a page's foot, or break after a hyphen).
        assert " ".join(point.sentence.split())[:60] in text
    # The headline figure with its interval, and each point's likelihood with its interval.
    figure = result.figure
    assert f"{people(figure.value)} ({people(figure.low)}–{people(figure.high)})" in text
    assert f"of the {people(figure.people)} people the change exposes are likely to resist" in text
    top = result.points[0]
    assert (
        f"{percent(top.likelihood)} likely ({interval(top.likelihood_low, top.likelihood_high)})".replace(NBSP, " ")
        in text
    )
    assert "What the change transgresses" in text and "What makes it easier" in text
    assert "rx:" not in text
    assert "Dixon-Woods M et al. Impl Sci 2013;8:70" in text
    assert "Routine Explorer ontology, version 0.1.0" in text
    # The map is painted as vectors: its node labels and legend are text in the PDF.
    for label in ("Nurse lead,", "ICU C", "Legend", "HEAT: LIKELIHOOD OF RESISTANCE", "0–100 %", "not ranked (dimmed)"):
        assert label in text, label
    assert f"1 / {count}" in text and f"{count} / {count}" in text  # the footer numbers every page
    # What the PDF prints, as images to look at (saved next to the test's files).
    for index in (0, 1):
        image = pages.page_image(index, scale=1.0)
        image.save(str(tmp_path / f"page-{index + 1}.png"))
        ink = sum(
            1
            for x in range(0, image.width(), 5)
            for y in range(0, image.height(), 5)
            if image.pixelColor(x, y).lightness() < 200
        )
        assert ink > 300, f"page {index + 1} is nearly blank"
    with pytest.raises(report.ExplorerError, match="page size"):
        report_pdf.report_pages(matching, result, page_size="B9")


def test_command_line_writes_html_and_pdf_and_refuses_bad_input(tmp_path, capsys):
    assert registry.for_path("board.pdf", "report").load() is report_pdf.generate_report_pdf
    assert registry.for_path("board.html", "report").load() is report.generate_report_html
    html = tmp_path / "keystone.html"
    assert main(["report", str(KEYSTONE), "-o", str(html), "--runs", "0", "--top", "5"]) == 0
    page = html.read_text(encoding="utf-8")
    assert "CLABSI checklist bundle (Keystone)" in page and page.count('<div class="point">') == 5
    assert 'src="data:image/png;base64,' in page  # the map, drawn by the canvas
    # A PDF through the registry's generator, of a map whose labels are markup: printed as the text they are.
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(HOSTILE_MAP, encoding="utf-8")
    pdf = tmp_path / "hostile.pdf"
    assert main(["report", str(hostile), "-o", str(pdf), "--runs", "0", "--title", "Board paper"]) == 0
    pages, text = pdf_text(pdf.read_bytes())
    assert pages >= 3 and "Board paper" in text
    assert "<img src=x onerror=alert(1)>" in text and "</script>" in text
    capsys.readouterr()
    for args, message in (
        (["--change", "https://example.org/nope"], "not a change proposal"),
        (["--weights", str(tmp_path / "missing.toml")], "weights file"),
        (["--top", "0"], "--top"),
    ):
        assert main(["report", str(KEYSTONE), "-o", str(tmp_path / "x.pdf"), *args]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert main(["report", str(KEYSTONE), "-o", str(tmp_path / "x.docx")]) == 2
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.report_actions.run and w.report_actions.run.cancel()
    if w.document is not None:
        w.document.close()
        w.document = None
    w.close()


def test_app_menus_analyse_then_reuse_the_panels_result(qtbot, window, tmp_path, dialogs):
    actions = window.report_actions
    file_actions = window.menus["file"].actions()
    assert file_actions.index(actions.action) < file_actions.index(window.menus["export_anchor"])
    assert actions.analysis_action in window.menus["analysis"].actions()
    assert not actions.action.isEnabled()
    task = window.open_map(KEYSTONE, ask=False)
    assert task.wait(60_000) and task.error is None
    QApplication.processEvents()
    assert actions.action.isEnabled() and actions.analysis_action.isEnabled()
    window.analysis.runs = 0  # quick runs: the report follows the panel's settings

    # No result in the panel: the change is analysed first (in a separate process), then written.
    written = []
    actions.written.connect(written.append)
    run = actions.export_report(tmp_path / "first.pdf")
    assert isinstance(run, AnalysisRun)
    assert run.wait(60_000) and run.error is None
    assert actions.task is not None and actions.task.wait(60_000) and actions.task.error is None
    assert written == [tmp_path / "first.pdf"]
    pages, text = pdf_text((tmp_path / "first.pdf").read_bytes())
    assert pages >= 5 and "CLABSI checklist bundle (Keystone)" in text

    # The panel's fresh result of the same change is reused: no second analysis.
    panel_run = window.analysis.run()
    assert panel_run.wait(60_000) and window.analysis.result is not None
    job = actions.export_report(tmp_path / "second.html")
    assert isinstance(job, Task)
    assert job.wait(60_000) and job.error is None
    assert "data:image/png;base64," in (tmp_path / "second.html").read_text(encoding="utf-8")

    # After an edit the result is stale: analysed again.
    node = next(iter(window.projection.nodes))
    window.rename(node, "Renamed for the report")
    assert actions.reusable_result(window.analysis.result.change) is None
    again = actions.export_report(tmp_path / "third.html")
    assert isinstance(again, AnalysisRun)
    again.cancel()  # (the first report went the whole way; a cancelled one writes nothing)
    assert again.done and actions.task is None and not (tmp_path / "third.html").exists()
    assert not [text for kind, _, text in dialogs.shown if kind in ("warning", "critical")]


def test_app_says_when_there_is_nothing_to_report_on(qtbot, window, dialogs):
    window.new_map()
    assert window.report_actions.export_report("unused.pdf") is None
    assert any("no change proposal" in text for text in dialogs.texts("information"))


def test_the_report_worker_draws_from_a_copy_of_the_canvas_projection(qtbot, window, tmp_path):
    # The live projection changes on the UI thread with every edit; a worker iterating it could fail mid-report.
    task = window.open_map(KEYSTONE, ask=False)
    assert task.wait(60_000) and task.error is None
    QApplication.processEvents()
    seen = {}

    class Recorder:
        name = "pdf"

        def load(self):
            return lambda document, path, **options: seen.update(options)

    job = window.report_actions._write(Recorder(), tmp_path / "r.pdf", object())
    assert job.wait(60_000) and job.error is None
    copy = seen["projection"]
    assert (
        copy is not window.projection and copy.nodes == window.projection.nodes and copy.ties == window.projection.ties
    )
    node = next(iter(window.projection.nodes))
    label = copy.nodes[node].label
    window.rename(node, "Renamed after the report started")
    assert window.projection.nodes[node].label == "Renamed after the report started"
    assert copy.nodes[node].label == label
