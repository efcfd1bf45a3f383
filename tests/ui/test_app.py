"""The desktop app starts and shows a map (offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from explorer.core.resources import sample_maps  # noqa: E402
from explorer.ui.app import create_window  # noqa: E402

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


def test_window_opens_a_map_and_lists_its_kinds(qtbot, map_file, tmp_path):
    window = create_window(map_file)
    qtbot.addWidget(window)
    assert window.isVisible()
    assert window.windowTitle() == "Ward <b>7</b> map — Routine Explorer"
    assert window.heading.text() == "Ward <b>7</b> map"  # markup in a title stays text
    rows = {window.kinds.topLevelItem(i).text(2): window.kinds.topLevelItem(i).text(1) for i in range(window.kinds.topLevelItemCount())}
    assert rows["https://w3id.org/routine-explorer/ns#Person"] == "2"
    window.grab().save(str(tmp_path / "window.png"))
    assert (tmp_path / "window.png").stat().st_size > 1000
    window.close()


def test_a_bad_file_is_reported_and_the_open_map_stays(qtbot, map_file, tmp_path, monkeypatch):
    window = create_window(map_file)
    qtbot.addWidget(window)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b>", encoding="utf-8")
    assert window.open_map(bad) is False
    assert "bad.ttl, line 1" in shown[0]
    assert window.heading.text() == "Ward <b>7</b> map"
    window.close()


def test_empty_state_says_what_to_do(qtbot):
    window = create_window(None)
    qtbot.addWidget(window)
    assert "Open Sample Map" in window.heading.text()
    window.close()


@pytest.mark.skipif(not sample_maps(), reason="no sample maps")
def test_every_sample_map_opens(qtbot):
    window = create_window(None)
    qtbot.addWidget(window)
    for sample in sample_maps():
        assert window.open_map(sample), sample
        assert window.kinds.topLevelItemCount() > 3
    window.close()


def test_the_readme_run_command_keeps_a_window_up(tmp_path, map_file):
    """``routine-explorer MAP`` starts the event loop and stays up until closed."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "explorer", str(map_file)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(4)
        assert proc.poll() is None, proc.stderr.read().decode()
    finally:
        proc.terminate()
        proc.wait(10)
