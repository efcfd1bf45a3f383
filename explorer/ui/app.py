"""Start the desktop app."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from explorer import __version__
from explorer.ui.main_window import MainWindow

#: The app's icon (the Linux package installs the same file for the desktop's menus).
ICON = Path(__file__).with_name("icons") / "routine-explorer.svg"
#: The desktop entry's name (``routine-explorer.desktop``), so a desktop matches the window to its launcher.
DESKTOP_FILE = "routine-explorer"


def create_window(path: str | Path | None = None) -> MainWindow:
    """Create and show the main window, opening ``path`` if given; needs a QApplication.

    With no path, the start screen shows (and any untitled map a crashed
    session left behind is offered back).
    """
    window = MainWindow()
    window.show()
    if path is not None:
        window.open_map(path, ask=False)
    else:
        window.offer_untitled_recovery()
    return window


def run(path: str | Path | None = None) -> int:
    """Start the app's event loop; returns its exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Routine Explorer")
    app.setOrganizationName("Routine Explorer")
    app.setApplicationDisplayName("Routine Explorer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(QIcon(str(ICON)))
    window = create_window(path)
    window.raise_()
    return app.exec()
