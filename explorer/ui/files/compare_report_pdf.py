"""The comparison report as PDF: the HTML comparison report laid out on pages as the change report's PDF is.

The page is :mod:`explorer.io.compare_report`'s (one template), made for print: the chart as PNG
(QTextDocument shows no SVG), as wide as the text, major sections on new pages; the pages, their
footer (title, page number) and the PDF itself are :class:`~explorer.ui.files.report_pdf.ReportPages`'.
Text stays text: it can be searched, copied and read back. Works headless: without a running
application one is created on the ``offscreen`` platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from explorer.core.atomic_file import atomic_write
from explorer.core.text import one_line
from explorer.io.compare_report import comparison_html, comparison_title
from explorer.ui.canvas.image_export import in_qt_thread
from explorer.ui.files.report_pdf import ReportPages, page_text_width


def comparison_pages(
    comparison,
    *,
    title: str | None = None,
    page_size: str = "A4",
    generated: dt.datetime | None = None,
) -> ReportPages:
    """The comparison report on ``comparison`` laid out on pages of ``page_size`` ("A4", "letter"…).

    Examples
    --------
    >>> from explorer.analysis.compare import compare
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
    ... <urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
    ... <urn:x:p> a rx:Role ; rx:performs <urn:x:r> .''')
    >>> pages = comparison_pages(compare(G, G, runs=10))
    >>> pages.title, pages.count >= 2
    ('Comparison: A and B', True)
    """
    html = comparison_html(
        comparison,
        title=title,
        chart_format="png",
        for_print=True,
        image_width=page_text_width(page_size),
        generated=generated,
    )
    return ReportPages(
        html,
        title=one_line(comparison_title(comparison, title), 200),
        subject=f"A comparison report: {one_line(comparison.a.name, 100)} and {one_line(comparison.b.name, 100)}",
        page_size=page_size,
    )


def write_comparison_pdf(
    comparison,
    path: str | Path,
    *,
    title: str | None = None,
    page_size: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    generated: dt.datetime | None = None,
) -> None:
    """Write the comparison report on ``comparison`` as a PDF (A4 unless ``page_size`` says otherwise).

    Written atomically: a failure or a cancel (``progress`` may raise) leaves no half file. Callable from
    any thread: the pages are laid out where Qt's text layout works (:func:`in_qt_thread`).
    """
    report = progress or (lambda done, total: None)

    def make() -> bytes:
        report(0, 100)
        pages = comparison_pages(comparison, title=title, page_size=page_size or "A4", generated=generated)
        report(40, 100)
        return pages.pdf(progress=lambda done, total: report(40 + 59 * done // max(total, 1), 100))

    atomic_write(path, in_qt_thread(make))
    report(100, 100)
