"""Benchmark the map images (PNG, SVG, PDF) and the change report (HTML, PDF), beside baselines from the same run.

For the Keystone sample and a generated organisation of ~10k nodes with one
change proposal (``bench_change.py``'s map), each figure is printed beside its
baseline, as a ratio:

* **images**: drawing the map (the private canvas, its scene recorded) and
  writing each format, against a **screenshot** of the canvas fitted in a view
  of the same size (``QWidget.grab``, saved as PNG): what a user could do by
  hand, which loses labels and arrowheads when the map is zoomed out. Then
  each format written whole from the document (``write_png`` and friends:
  reading the map, its layout, the drawing, the file), as File > Export and
  ``routine-explorer export`` do it;
* **report**: the HTML and PDF reports, against the analysis alone (with its
  uncertainty runs), which ``routine-explorer analyse`` prints as text;
* **report length** (``--lengths 300,2000,10000``): for generated maps of those
  sizes, the PDF report's time and pages beside the analysis alone, and how many
  figures of the map by level it holds against one for every node (the old rule:
  85 figures at 2k nodes, about 417 at 10k).

Usage::

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_report.py [--nodes 10000] [--skip-big]
        [--lengths 300,2000,10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="bench-report-"))

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from PySide6.QtCore import QBuffer, QByteArray, QIODevice  # noqa: E402

from explorer.core.document import MapDocument  # noqa: E402
from explorer.io import report  # noqa: E402
from explorer.ui.canvas import image_export  # noqa: E402
from explorer.ui.files import report_pdf  # noqa: E402


def clock(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def inputs(doc) -> dict:
    """What the app holds for an open map: its schema, projection and node places (not timed: both routes need them)."""
    from explorer.core.projection import Projection
    from explorer.core.schema import Schema
    from explorer.layout.placement import initial_positions

    schema = Schema.from_store(doc.store)
    projection = Projection.build(doc.store, schema)
    return {"schema": schema, "projection": projection, "positions": initial_positions(projection)}


def screenshot(given: dict, drawing) -> tuple[int, float]:
    """The baseline: the canvas fitted in a view the size of the drawing's map, grabbed and saved as PNG."""
    from explorer.ui.canvas.view import MapCanvas

    schema, projection, positions = given["schema"], given["projection"], given["positions"]
    app = image_export.ensure_app()
    start = time.perf_counter()
    canvas = MapCanvas()
    canvas.resize(int(drawing.source.width() * drawing.zoom), int(drawing.source.height() * drawing.zoom))
    canvas.set_map(projection, schema, positions)
    while canvas.building:
        app.processEvents()
    canvas.fit()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    canvas.grab().save(buffer, "PNG")
    return len(data), time.perf_counter() - start


def ratio(value: float, baseline: float) -> str:
    return f"x{value / baseline:.1f}" if baseline > 0 else ""


def bench(name: str, path: Path, out: Path) -> None:
    doc = MapDocument.open(path, editing=False)
    print(f"\n== {name}: {path.name}")
    given, read = clock(inputs, doc)
    print(f"  (reading the map and laying it out, as the app does at open: {read:.2f} s, in neither figure below)")
    drawing, drawn = clock(image_export.draw_map, doc, **given)
    size, grabbed = screenshot(given, drawing)
    print(f"  baseline: canvas screenshot (fitted, PNG)      {grabbed:7.2f} s   {size / 1e6:6.1f} MB")
    print(f"  draw the map (canvas scene recorded)            {drawn:7.2f} s   {ratio(drawn, grabbed)}")
    for label, render in (
        ("PNG x1", lambda: image_export.render_png(drawing)),
        ("PNG x2", lambda: image_export.render_png(drawing, scale=2)),
        ("SVG", lambda: image_export.render_svg(drawing)),
        ("PDF", lambda: image_export.render_pdf(drawing)),
    ):
        data, seconds = clock(render)
        print(
            f"  + render {label:<8}                             {seconds:7.2f} s   {len(data) / 1e6:6.1f} MB   "
            f"drawn+rendered {ratio(drawn + seconds, grabbed)} the screenshot"
        )
    for fmt in ("png", "svg", "pdf"):
        _, seconds = clock(getattr(image_export, f"write_{fmt}"), doc, out / f"{path.stem}.{fmt}")
        print(
            f"  write_{fmt} from the document (read, lay out, draw) {seconds:6.2f} s   "
            f"{ratio(seconds, read + grabbed)} reading + screenshot"
        )
    analysis, analysed = clock(report.run_analysis, doc)
    print(f"  baseline: the analysis ({len(analysis.points):,} points, uncertainty runs)  {analysed:7.2f} s")
    png, mapped = clock(report_pdf.report_map_png, doc, analysis)
    _, html = clock(
        report.generate_report_html, doc, out / f"{path.stem}-report.html", analysis=analysis, map_image=png
    )
    print(
        f"  report HTML (map PNG {mapped:.2f} s + page {html:.2f} s)     {mapped + html:7.2f} s   "
        f"{ratio(mapped + html, analysed)} the analysis   "
        f"{(out / f'{path.stem}-report.html').stat().st_size / 1e6:5.1f} MB"
    )
    _, pdf = clock(report_pdf.generate_report_pdf, doc, out / f"{path.stem}-report.pdf", analysis=analysis)
    print(
        f"  report PDF (vector map, charts, pages)          {pdf:7.2f} s   {ratio(pdf, analysed)} the analysis   "
        f"{(out / f'{path.stem}-report.pdf').stat().st_size / 1e6:5.1f} MB"
    )
    doc.close()


def pdf_pages(path: Path) -> int:
    """The page count of a PDF, read from its page tree (Qt writes one ``/Type /Page`` object per page)."""
    import re

    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def bench_length(nodes: int, out: Path) -> None:
    """The PDF report of a generated map of ``nodes`` nodes: its time and length beside the analysis alone."""
    from bench_change import _with_change

    path = _with_change(nodes)
    doc = MapDocument.open(path, editing=False)
    given = inputs(doc)
    projection = given["projection"]
    analysis, analysed = clock(report.run_analysis, doc)
    pdf = out / f"{path.stem}-report.pdf"
    _, seconds = clock(
        report_pdf.generate_report_pdf,
        doc,
        pdf,
        analysis=analysis,
        projection=projection,
        schema=given["schema"],
        positions=given["positions"],
    )
    width = report_pdf.page_text_width("A4")
    figures = report_pdf.level_drawings(doc, {"projection": projection, "schema": given["schema"]}, text_width=width)
    per = report_pdf._grid_columns(width, 9.5) * report_pdf.GRID_ROWS
    every = sum(-(-sum(1 for v in projection.nodes.values() if v.level == lv) // per) for lv in (3, 2, 1))
    print(f"\n== report length: generated organisation, {len(projection.nodes):,} nodes shown ({path.name})")
    print(f"  baseline: the analysis ({len(analysis.points):,} points, uncertainty runs)  {analysed:7.2f} s")
    print(
        f"  report PDF                                    {seconds:7.2f} s   {ratio(seconds, analysed)} the analysis  "
        f" {pdf_pages(pdf):4d} pages   {pdf.stat().st_size / 1e6:5.1f} MB"
    )
    print(f"  figures of the map by level: {len(figures):,} (one for every node, {per} to a figure: {every:,})")
    doc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--skip-big", action="store_true", help="only the Keystone sample")
    parser.add_argument("--lengths", default="", help="sizes of generated maps whose PDF report length to measure")
    parser.add_argument("--only-lengths", action="store_true", help="skip the images and the Keystone report")
    args = parser.parse_args()
    image_export.ensure_app()
    out = Path(tempfile.mkdtemp(prefix="bench-report-out-"))
    # The first use imports matplotlib, scipy and the layout code: pay it before timing anything.
    warm = MapDocument.open(REPO / "sample_graphs" / "keystone-michigan.ttl", editing=False)
    report.chart_force_field(report.run_analysis(warm, runs=0).points[:3])
    image_export.draw_map(warm)
    warm.close()
    lengths = [int(n) for n in args.lengths.split(",") if n.strip()]
    for nodes in lengths:
        bench_length(nodes, out)
    if args.only_lengths:
        print(f"\nfiles in {out}")
        return
    bench("Keystone sample", REPO / "sample_graphs" / "keystone-michigan.ttl", out)
    if not args.skip_big:
        from bench_change import _with_change

        bench(f"generated organisation, ~{args.nodes:,} nodes, one change", _with_change(args.nodes), out)
    print(f"\nfiles in {out}")


if __name__ == "__main__":
    main()
