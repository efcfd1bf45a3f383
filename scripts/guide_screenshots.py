#!/usr/bin/env python3
"""Take the user guide's pictures (docs/guide/img/*.png): the app driven to each state the guide shows.

Usage (from the repository root)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/guide_screenshots.py [OUT_DIR]

The window is 1280x800, offscreen; settings and journals go to a temporary folder, so your own are untouched.
Each picture is written as PNG, then made smaller with pngquant and optipng when they are installed
(Debian: ``apt-get install pngquant optipng``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp(prefix="rx-guide-")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="rx-guide-config-")
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, QTimer  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget  # noqa: E402

SIZE = (1280, 800)


def settle(app, seconds: float = 0.3) -> None:
    """Let the event loop run for ``seconds`` (queued layouts, timers, worker results)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_for(app, condition, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not reach the state in time")
        app.processEvents()
        time.sleep(0.02)


def shrink(path: Path) -> None:
    """Make ``path`` smaller in place with pngquant and optipng, when they are installed."""
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--quality", "60-90", "--output", str(path), str(path)],
            check=False,
        )
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", str(path)], check=False)


def save(widget_or_image, path: Path) -> None:
    image = widget_or_image.grab() if isinstance(widget_or_image, QWidget) else widget_or_image
    image.save(str(path))
    shrink(path)
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def with_popup(window, popup, top_left: QPoint):
    """The window's picture with ``popup`` (a menu or a floating line) drawn where it shows on screen."""
    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(window.mapFromGlobal(top_left), popup.grab())
    painter.end()
    return picture


def open_sample(app, window, stem: str) -> None:
    from explorer.core.resources import sample_maps

    sample = next(s for s in sample_maps() if s.stem == stem)
    window.open_map(sample, ask=False).wait()
    wait_for(app, lambda: window.document is not None and not window.canvas.building)
    settle(app, 0.5)


def answer_tie_menu(app, window, choice: str | None, picture: Path | None = None) -> None:
    """When the tie menu opens (it blocks in ``exec``), take its picture if asked, and choose a relation.

    ``choice``: the first relation whose text starts with it (the first relation when None).
    """

    def answer() -> None:
        menus = [w for w in app.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
        if not menus:
            QTimer.singleShot(100, answer)
            return
        menu = menus[0]
        if picture is not None:
            save(with_popup(window, menu, menu.mapToGlobal(QPoint(0, 0))), picture)
        print("tie menu:", [a.text() for a in menu.actions()])
        relations = [a for a in menu.actions() if a.isEnabled() and not a.isSeparator() and a.menu() is None]
        wanted = [a for a in relations if choice is None or a.text().replace("&", "").strip().startswith(choice)]
        menu.close()
        if wanted:
            wanted[0].trigger()

    QTimer.singleShot(300, answer)


def node_named(window, start: str):
    return next(i for i, v in window.projection.nodes.items() if v.label.startswith(start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "guide" / "img"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    from explorer.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    settle(app)

    # Getting started: the start screen with the tour, the sample, the analysis.
    save(window, out / "start-screen.png")
    open_sample(app, window, "keystone-michigan")
    routine = node_named(window, "Central-line insertion")
    window.canvas.select([routine])
    window.canvas.set_zoom(0.7)
    window.canvas.centerOn(*window.canvas.positions[routine])
    settle(app)
    save(window, out / "keystone-map.png")

    window.act_analyse.trigger()
    wait_for(app, lambda: window.analysis.result is not None and not window.analysis.running)
    window.analysis.heat.setChecked(True)
    settle(app, 0.8)
    window.canvas.fit()
    settle(app)
    save(window, out / "analysis-verdict.png")
    # The panel alone, taller, so the points and their reasons can be read.
    dock = window.analysis_dock
    dock.setFloating(True)
    dock.resize(560, 780)
    settle(app)
    save(dock, out / "analysis-panel.png")
    window.analysis.tabs.setCurrentIndex(1)  # Levers
    settle(app)
    save(dock, out / "analysis-levers.png")
    window.analysis.tabs.setCurrentIndex(0)
    dock.setFloating(False)
    settle(app)

    # Exporting: File > Export, drawn over the window.
    file_menu = window.menus["file"]
    corner = window.mapToGlobal(window.menuBar().actionGeometry(file_menu.menuAction()).bottomLeft())
    file_menu.popup(corner)
    settle(app)
    export_menu = window.export_actions.menu
    export_menu.popup(file_menu.mapToGlobal(file_menu.actionGeometry(export_menu.menuAction()).topRight()))
    settle(app)
    picture = with_popup(window, file_menu, file_menu.mapToGlobal(QPoint(0, 0)))
    painter = QPainter(picture)
    painter.drawPixmap(window.mapFromGlobal(export_menu.mapToGlobal(QPoint(0, 0))), export_menu.grab())
    painter.end()
    save(picture, out / "export-menu.png")
    export_menu.hide()
    file_menu.hide()
    settle(app)

    # Mapping your own service: a new map, its details, quick add, the table, the checks.
    window.document.close()
    window.document = None
    window.new_map()
    settle(app)
    window.map_details.action.trigger()
    settle(app)
    dialog = next(w for w in app.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible())
    dialog.title.setText("Discharge from Ward 7")
    dialog.description.setPlainText("How patients leave Ward 7, and what an earlier discharge round would change.")
    dialog.authors.setPlainText("Ana Silva\nTom Reed")
    dialog.organisation.setText("St Elsewhere Hospital")
    dialog.created.setText("2025-03-31")
    settle(app)
    save(with_popup(window, dialog, dialog.mapToGlobal(QPoint(0, 0))), out / "map-details.png")
    dialog.accept()
    settle(app)

    building = window.building
    for text, choice in (
        ("Ward 7 (unit) -> Discharge huddle (routine)", None),
        ("Sister Okafor (role) -> Ward 7", "is a member"),
    ):
        answer_tie_menu(app, window, choice)
        building.add_typed(text)
        settle(app, 0.5)
    window.canvas.set_zoom(0.95)
    window.canvas.centerOn(*window.canvas.positions[node_named(window, "Ward 7")])
    settle(app)
    building.start_quick_add()
    building.quick_add.setText("Earlier discharge round (change proposal) -> Discharge huddle")
    settle(app)
    save(window, out / "quick-add.png")
    answer_tie_menu(app, window, "disrupts", out / "tie-menu.png")
    building.add_typed(building.quick_add.text())
    settle(app, 0.5)
    window.canvas.fit()
    settle(app)

    window.document.close()
    window.document = None
    open_sample(app, window, "video-consultations-gp")
    window.node_table.action.trigger()
    settle(app, 0.6)
    save(window, out / "node-table.png")
    window.node_table.dock.hide()
    window.checks.act_show.trigger()
    wait_for(app, lambda: not window.checks.busy, 60)
    settle(app, 1.0)
    save(window, out / "checks-panel.png")

    window.checks.dock.hide()
    settle(app)

    # Comparing contexts and trying changes: the Michigan pair compared, a lever tried, a scenario shown.
    # The Compare panel sits below the map; the legend makes way for it, so the window keeps its size.
    window.legend_dock.hide()
    window.document.close()
    window.document = None
    open_sample(app, window, "keystone-michigan")
    compare_michigan_pair(app, window)
    show_compare_panel(app, window)
    change = node_named(window, "CLABSI checklist bundle")
    window.canvas.set_zoom(0.6)
    window.canvas.centerOn(*window.canvas.positions[change])
    settle(app, 0.5)
    save(window, out / "compare-panel.png")
    window.compare.dock.hide()

    window.document.close()
    window.document = None
    open_sample(app, window, "matching-michigan-england")
    try_first_lever(app, window)
    show_compare_panel(app, window)
    change = node_named(window, "CLABSI checklist bundle")
    window.canvas.set_zoom(0.6)
    window.canvas.centerOn(*window.canvas.positions[change])
    settle(app, 0.5)
    save(window, out / "try-lever.png")
    window.compare.dock.hide()
    window.analysis.tabs.setCurrentIndex(0)
    window.legend_dock.show()
    settle(app)

    # A scenario: made with New…, shown with its amber strip, and a role added to it.
    bar = window.scenarios.bar
    dialog = bar.new_scenario()
    dialog.name.setText("To-be: a nurse lead in ICU D")
    dialog.accept()
    wait_for(app, lambda: bar.showing is not None)
    answer_tie_menu(app, window, "is a member")
    # The unit's name ends in brackets, so its kind is said after it.
    window.building.add_typed("Nurse lead for ICU D (role) -> ICU D (little change) (unit)")
    settle(app, 0.5)
    added = node_named(window, "Nurse lead for ICU D")
    window.canvas.select([added])
    window.inspector_dock.raise_()
    window.resize(*SIZE)
    window.canvas.set_zoom(0.8)
    window.canvas.centerOn(*window.canvas.positions[added])
    settle(app, 0.5)
    save(window, out / "scenario-bar.png")

    window.document.close()
    window.document = None
    window.close()


def compare_michigan_pair(app, window) -> None:
    """Analysis > Compare…: the open Keystone map (A) against the Matching Michigan file (B)."""
    from explorer.core.resources import sample_maps
    from explorer.ui.analysis.compare_dialog import OTHER_FILE, THIS_MAP

    other = next(s for s in sample_maps() if s.stem == "matching-michigan-england")
    dialog = window.compare.open_dialog()
    dialog.side_b.restore(OTHER_FILE, str(other), None, THIS_MAP)
    wait_for(app, lambda: dialog.compare_button.isEnabled())
    dialog.compare_button.click()
    wait_for(app, lambda: window.compare.result is not None and not window.compare.running)


def try_first_lever(app, window) -> None:
    """Run the analysis, choose its first lever and press Try It; wait for the comparison it starts."""
    window.act_analyse.trigger()
    wait_for(app, lambda: window.analysis.result is not None and not window.analysis.running)
    wait_for(app, lambda: window.analysis.recording is None, 20)
    window.analysis.tabs.setCurrentIndex(1)  # Levers
    window.analysis.levers.setCurrentRow(0)
    settle(app)
    window.analysis.try_lever_button.click()
    wait_for(app, lambda: window.compare.result is not None and not window.compare.running)


def show_compare_panel(app, window, height: int = 330) -> None:
    """The Compare panel ``height`` pixels tall below the map, the window at its usual size."""
    from PySide6.QtCore import Qt

    settle(app)
    window.resize(*SIZE)
    window.resizeDocks([window.compare.dock], [height], Qt.Orientation.Vertical)
    settle(app, 0.5)
    if (window.width(), window.height()) != SIZE:
        raise RuntimeError(f"the window is {window.width()}x{window.height()}, not {SIZE[0]}x{SIZE[1]}")


if __name__ == "__main__":
    main()
