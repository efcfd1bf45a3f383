"""Guard against the PySide6 build that crashes this Python.

PySide6 6.12.0 on CPython 3.11 dies with "Fatal Python error: none_dealloc"
after a few thousand void calls such as ``QPen.setWidth``; pyproject pins
around it. The stress run below, in a child process, would catch a regression
(a crash kills the child, not the test run).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PySide6 = pytest.importorskip("PySide6")

STRESS = """
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsEllipseItem
from PySide6.QtGui import QPen
app = QApplication([])
scene = QGraphicsScene()
pen = QPen()
items = [QGraphicsEllipseItem(0, 0, 10, 10) for _ in range(200)]
for item in items:
    scene.addItem(item)
for i in range(30000):
    pen.setWidth(i % 5)
    items[i % 200].setPos(i % 97, i % 89)
    items[i % 200].setPen(pen)
print("survived")
"""


def test_pinned_pyside_is_not_the_crashing_release():
    if sys.version_info[:2] == (3, 11):
        assert not PySide6.__version__.startswith("6.12."), PySide6.__version__


def test_many_void_calls_do_not_crash_the_interpreter():
    proc = subprocess.run(
        [sys.executable, "-c", STRESS],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and "survived" in proc.stdout, proc.stderr[-2000:]
