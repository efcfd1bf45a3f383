"""The app's one settings store: window geometry, recent files, export choices, the console's history."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def settings() -> QSettings:
    """The app's settings store (per user; the same store whichever feature asks)."""
    return QSettings("Routine Explorer", "Routine Explorer")
