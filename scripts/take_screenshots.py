#!/usr/bin/env python3
"""Save screenshots of the app: the start screen and each sample map (offscreen, no display needed).

Usage (from the repository root)::

    QT_QPA_PLATFORM=offscreen python scripts/take_screenshots.py OUT_DIR
    QT_QPA_PLATFORM=offscreen python scripts/take_screenshots.py --readme   # docs/screenshot-keystone.png

Settings and journals go to a temporary folder, so your own are untouched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp(prefix="rx-shots-")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="rx-shots-config-")
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402


def settle(app, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs"))
    parser.add_argument("--readme", action="store_true", help="only the README screenshot")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    from explorer.core.resources import sample_maps
    from explorer.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    settle(app)
    if not args.readme:
        window.grab().save(str(out / "start-screen.png"))
    for sample in sample_maps():
        if args.readme and sample.stem != "keystone-michigan":
            continue
        task = window.open_map(sample, ask=False)
        task.wait()
        settle(app)
        if args.readme:
            routine = next(
                i for i, v in window.projection.nodes.items() if v.label.startswith("Central-line insertion")
            )
            window.canvas.select([routine])
            window.canvas.set_zoom(0.72)
            window.canvas.centerOn(*window.canvas.positions[routine])
            settle(app)
            window.grab().save(str(out / "screenshot-keystone.png"))
            print(out / "screenshot-keystone.png")
        else:
            window.grab().save(str(out / f"{sample.stem}.png"))
            print(out / f"{sample.stem}.png")
    window.document.close() if window.document else None
    window.document = None
    window.close()


if __name__ == "__main__":
    main()
