"""The desktop app starts and shows a map (offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from explorer.ui.app import create_window

REPO = Path(__file__).resolve().parents[2]
TURTLE = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/m> a <http://rdfs.org/ns/void#Dataset> ; dct:title "Ward <b>7</b> map" .
<http://example.org/icu> a rx:Unit .
<http://example.org/ana> a rx:Person .
<http://example.org/ben> a rx:Person .
"""


@pytest.fixture
def map_file(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    return path


def test_window_opens_a_map_given_on_the_command_line(qtbot, map_file, tmp_path):
    window = create_window(map_file)
    qtbot.addWidget(window)
    assert window.isVisible()
    qtbot.waitUntil(lambda: window.document is not None, timeout=30_000)
    assert window.windowTitle().startswith("Ward <b>7</b> map (ward.ttl)")  # markup in a title stays text
    kinds = sorted(str(v.kind) for v in window.projection.nodes.values())
    assert kinds.count("https://w3id.org/routine-explorer/ns#Person") == 2
    window.grab().save(str(tmp_path / "window.png"))
    assert (tmp_path / "window.png").stat().st_size > 1000
    window.document.close()
    window.document = None
    window.close()


def test_without_a_map_the_start_screen_says_what_to_do(qtbot):
    window = create_window(None)
    qtbot.addWidget(window)
    assert window.pages.currentWidget() is window.start_screen
    assert not window.act_save.isEnabled()
    window.close()


def test_a_first_start_fits_the_window_to_the_screen(qtbot):
    # Without a window manager to shrink it (a kiosk, a fresh desktop), a window larger than the screen is cut off.
    window = create_window(None)
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()
    window.close()


def test_the_readme_run_command_keeps_a_window_up(tmp_path, map_file):
    """``routine-explorer MAP`` starts the event loop and stays up until closed."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "explorer", str(map_file)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        # Staying up is the property, so this waits on purpose: a process that exits (a crash, an event loop
        # never started) fails at once; one still running after 4 s (start-up takes about 1 s) has stayed up.
        try:
            ended = proc.wait(timeout=4)
        except subprocess.TimeoutExpired:
            ended = None
        assert ended is None, proc.stderr.read().decode()
    finally:
        proc.terminate()
        proc.wait(10)


def _start_the_window_then(tmp_path, checks: str) -> None:
    """Start the window in a process of its own, show it, then run ``checks`` (Python lines) there."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from explorer.ui.app import create_window\n"
        "window = create_window(None)\n"
        "window.show(); app.processEvents()\n"
    ) + checks
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ROUTINE_EXPLORER_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)


def test_the_window_starts_without_loading_what_only_a_comparison_draws(tmp_path):
    # matplotlib and the compare view's two figures took 0.4-0.5 s of every start; only a comparison shows them.
    _start_the_window_then(
        tmp_path,
        "assert window.compare.view.by_mechanism.figure is None\n"
        "assert not any(m.startswith('matplotlib') for m in sys.modules), 'matplotlib loaded at start'\n",
    )


def test_the_window_starts_without_loading_what_only_servers_checks_reports_and_merges_use(tmp_path):
    # Their imports were half a second of every start: the HTTP client (a map on a server), the SHACL engine
    # (a check of the map), the template engine (a report), the stemmer (a merge of names), rdflib's SPARQL
    # engine (oxrdflib's view, for checks and exports), scipy (layouts and the analysis), the keyring (a server's
    # password) and networkx (the analysis).
    _start_the_window_then(
        tmp_path,
        "later = ('httpx', 'pyshacl', 'jinja2', 'snowballstemmer', 'oxrdflib', 'rdflib.plugins.sparql',"
        " 'scipy', 'keyring', 'networkx')\n"
        "loaded = [m for m in later if m in sys.modules]\n"
        "assert not loaded, f'loaded at start: {loaded}'\n",
    )
