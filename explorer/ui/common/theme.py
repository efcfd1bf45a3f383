"""Colours that follow the light or dark theme, and the events after which views restyle."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
)


def text_colour(fill: QColor) -> QColor:
    """Dark or light text, whichever reads better on ``fill``."""
    luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF()
    return QColor("#1d232b") if luminance > 0.55 else QColor("#ffffff")


#: Events after which cached icons and colours are drawn again (new palette, another screen's pixel ratio).
RESTYLE_EVENTS = tuple(
    getattr(QEvent.Type, name)
    for name in ("PaletteChange", "StyleChange", "DevicePixelRatioChange")
    if hasattr(QEvent.Type, name)
)


def dim_colour(palette: QPalette) -> QColor:
    """The colour for secondary text (hints, counts, undone steps) in ``palette``."""
    colour = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
    text = palette.color(QPalette.ColorRole.Text)
    if not colour.isValid() or colour == text:
        colour = QColor(text)
        colour.setAlphaF(0.6)
    return colour


def paint_placeholder(view: QAbstractItemView, text: str) -> None:
    """Paint ``text`` centred near the top of ``view``'s viewport, in the placeholder colour."""
    if not text:
        return
    painter = QPainter(view.viewport())
    painter.setPen(dim_colour(view.palette()))
    rect = QRectF(view.viewport().rect()).adjusted(16, 24, -16, -16)
    painter.drawText(
        rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap), text
    )
    painter.end()


def dark_palette() -> QPalette:
    """A calm dark palette, for platforms that do not switch the application's palette themselves."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#24282e",
        QPalette.ColorRole.WindowText: "#e3e6ea",
        QPalette.ColorRole.Base: "#1c1f24",
        QPalette.ColorRole.AlternateBase: "#2a2f36",
        QPalette.ColorRole.ToolTipBase: "#2a2f36",
        QPalette.ColorRole.ToolTipText: "#e3e6ea",
        QPalette.ColorRole.Text: "#e3e6ea",
        QPalette.ColorRole.Button: "#2c3138",
        QPalette.ColorRole.ButtonText: "#e3e6ea",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7fb0ff",
        QPalette.ColorRole.PlaceholderText: "#8b939d",
        QPalette.ColorRole.Mid: "#3a4048",
        QPalette.ColorRole.Dark: "#15181c",
        QPalette.ColorRole.Light: "#3a4048",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6c737c"))
    return palette
