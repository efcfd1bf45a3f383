"""Benchmark the interactive HTML export at 1k and 5k nodes, beside pyvis's own page.

Figures, each beside its baselines measured in the same run on the same map
(a seeded synthetic organisation, the same positions for every page):

* **page time**: from the same :class:`~explorer.io.model.ExportView` to a
  file on disk, ours (``render_html``, UTF-8 write) against pyvis 0.3.2's own
  route, ``Network.add_node`` / ``add_edge`` then ``generate_html``
  (``cdn_resources="in_line"``), with physics on (pyvis's default) and off;
  then the **whole export** (``write_html``: reading the map, positions, page,
  file) and the reading alone (``export_view``), which both routes need;
* **file size**;
* **time to first render** in headless Chromium (Debian's ``chromium`` via
  playwright, opened from disk, every request off the machine refused): from
  navigation start to vis-network's first ``afterDrawing`` event, caught by a
  wrapper around ``vis.Network`` installed before the page's scripts run. With
  physics on, vis-network stabilises the layout before its first drawing, which
  is what freezes big pages; the run gives up after ``--cap`` seconds;
* **requests to other hosts** each page attempted (and was refused).

Usage::

    python tests/benchmarks/bench_export.py [--sizes 1000 5000] [--cap 90]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="bench-export-"))

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from explorer.core.document import MapDocument  # noqa: E402
from explorer.io.html import VIS_SHAPES, render_html, write_html  # noqa: E402
from explorer.io.model import export_view  # noqa: E402

# Installed before any script of the page: wraps vis.Network (vis-network's UMD build fills a
# pre-existing window.vis) so the first afterDrawing of any page is timed the same way.
_TIMER_SCRIPT = """
(() => {
  let Real = null;
  const holder = {};
  function Timed(container, data, options) {
    const network = new Real(container, data, options);
    network.once("afterDrawing", () => {
      document.documentElement.setAttribute("data-first-draw", String(performance.now()));
    });
    return network;
  }
  Object.defineProperty(holder, "Network", { configurable: true, enumerable: true,
    get() { return Real ? Timed : undefined; }, set(value) { Real = value; } });
  window.vis = holder;
})();
"""


def pyvis_page(view, path: Path, *, physics: bool) -> float:
    """pyvis's own route to a page with the same nodes, colours, shapes, positions and tooltips; returns seconds."""
    from pyvis.network import Network

    started = time.perf_counter()
    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line", heading=view.title)
    for n in view.nodes:
        net.add_node(
            n.id,
            label=n.label,
            color=n.colour,
            shape=VIS_SHAPES.get(n.shape, "box"),
            x=n.x,
            y=n.y,
            title=f"{n.label}\n{n.kind_label}",
        )
    for t in view.ties:
        net.add_edge(t.source, t.target, title=t.relation_label)
    net.toggle_physics(physics)
    html = net.generate_html()
    path.write_text(html, encoding="utf-8")  # write_html would use the platform's encoding
    return time.perf_counter() - started


def first_render(browser, path: Path, cap_s: float) -> tuple[float | None, int, float]:
    """(ms from navigation start to the first drawing or None past the cap, requests refused, wall seconds)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    outside = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.add_init_script(_TIMER_SCRIPT)
    started = time.perf_counter()
    drawn = None
    try:
        # The flag is an attribute so that Playwright, not the page, keeps the time: a page busy
        # stabilising its physics does not answer until it yields, which may be never within the cap.
        page.goto(path.as_uri(), wait_until="commit", timeout=cap_s * 1000)
        page.wait_for_selector("html[data-first-draw]", state="attached", timeout=cap_s * 1000)
        drawn = float(page.get_attribute("html", "data-first-draw"))
    except PlaywrightTimeout:
        pass
    wall = time.perf_counter() - started
    context.close()
    return drawn, len(outside), wall


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.2f} MB"


def _ratio(ours: float | None, base: float | None) -> str:
    if ours is None or base is None:
        return "n/a"
    return f"{ours / base:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--cap", type=float, default=90.0, help="seconds to wait for a first drawing")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    chromium = shutil.which("chromium")
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    # Warm the imports (pyvis, jinja, networkx, scipy) so the first size is not charged for them.
    warm = MapDocument.open(synthetic.write_nodes(folder / "warm.nt", 50, args.seed), editing=False)
    write_html(warm, folder / "warm.html")
    warm.close()

    playwright = browser = None
    if chromium:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        launch_args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=launch_args)
    else:
        print("chromium not found: render times skipped (apt-get install chromium)")

    try:
        for size in args.sizes:
            doc = MapDocument.open(synthetic.write_nodes(folder / f"org-{size}.nt", size, args.seed), editing=False)
            started = time.perf_counter()
            view = export_view(doc)
            view_s = time.perf_counter() - started
            print(f"\n== {len(view.nodes)} nodes, {len(view.ties)} ties ==")
            ours = folder / f"ours-{size}.html"
            started = time.perf_counter()
            ours.write_text(render_html(view), encoding="utf-8")
            page_s = time.perf_counter() - started
            started = time.perf_counter()
            write_html(doc, ours)
            whole_s = time.perf_counter() - started
            doc.close()
            off, on = folder / f"pyvis-off-{size}.html", folder / f"pyvis-on-{size}.html"
            off_s = pyvis_page(view, off, physics=False)
            on_s = pyvis_page(view, on, physics=True)
            print(f"{'':34}{'ours':>12}{'pyvis, physics off':>22}{'pyvis, physics on':>22}")
            print(
                f"{'page from the view':34}{page_s:>11.2f}s"
                f"{off_s:>14.2f}s ({_ratio(page_s, off_s)})"
                f"{on_s:>14.2f}s ({_ratio(page_s, on_s)})"
            )
            print(f"{'whole export (reading: ' + f'{view_s:.2f}s)':34}{whole_s:>11.2f}s")
            print(f"{'file size':34}{_mb(ours):>12}{_mb(off):>22}{_mb(on):>22}")
            if browser is not None:
                renders = [first_render(browser, page, args.cap) for page in (ours, off, on)]

                def show(result):
                    ms, _, _ = result
                    return f"> {args.cap:.0f} s" if ms is None else f"{ms / 1000:.2f} s"

                (o_ms, o_out, _), (f_ms, f_out, _), (n_ms, n_out, _) = renders
                print(
                    f"{'first render in Chromium':34}{show(renders[0]):>12}"
                    f"{show(renders[1]):>15} ({_ratio(o_ms, f_ms)})"
                    f"{show(renders[2]):>15} ({_ratio(o_ms, n_ms)})"
                )
                print(f"{'requests to other hosts (refused)':34}{o_out:>12}{f_out:>22}{n_out:>22}")
    finally:
        if browser is not None:
            browser.close()
            playwright.stop()


if __name__ == "__main__":
    main()
