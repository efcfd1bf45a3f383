"""The items the canvas draws: nodes, ties batched per style, and the overview of a big map."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QStyle,
    QStyleOptionGraphicsItem,
)

from explorer.ui.common.shapes import NODE_H, NODE_W
from explorer.ui.common.text import two_lines


class NodeItem(QGraphicsPathItem):
    """A node: its shape filled with its kind's colour, its label and level badge painted on top.

    Label and badge are painted here rather than as child items: a map of 10k
    nodes then has 10k items instead of 30k, and text costs only for the nodes
    on screen, and only when zoomed in far enough to read it.
    """

    label_font: QFont
    badge_font: QFont
    # The node's IRI lives on the Python wrapper, not in QGraphicsItem.setData: a
    # QVariant turns an rdflib URIRef (a str subclass) into a plain QString.
    key = None
    shown = None

    def set_text(self, text: str, badge: str, colour: QColor, width: float, offset: float) -> None:
        self.text = text
        self.badge = badge
        self.text_colour = colour
        self.text_width = width
        self.text_offset = offset
        self.elided = None
        self.update()

    def paint(self, painter, option, widget=None):
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        # Draw selection as a thicker outline instead of Qt's dashed bounding box.
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        painter.drawPath(self.path())
        if selected:
            painter.setPen(QPen(QApplication.palette().color(QPalette.ColorRole.Highlight), 3.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.path())
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < LABEL_ZOOM:
            return
        if self.elided is None:
            self.elided = two_lines(self.text, QFontMetricsF(self.label_font), self.text_width)
        painter.setFont(self.label_font)
        painter.setPen(self.text_colour)
        painter.drawText(
            QRectF(-NODE_W / 2, -NODE_H / 2 + self.text_offset, NODE_W, NODE_H),
            Qt.AlignmentFlag.AlignCenter,
            self.elided,
        )
        painter.setFont(self.badge_font)
        painter.setPen(QColor("#6b7480"))
        painter.drawText(
            QRectF(-NODE_W / 2, NODE_H / 2 + 1, NODE_W, 12),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
            self.badge,
        )


class EdgeBatch(QGraphicsItem):
    """Every tie of one style: the lines on screen in one ``drawLines`` call, arrowheads as one path.

    Far out, lines are drawn one pixel wide without antialiasing (antialiased
    sub-pixel lines cost ~10x), and only the lines crossing the exposed area
    are handed to the painter.
    """

    def __init__(self, pen: QPen, parent=None) -> None:
        super().__init__(parent)
        self.pen = pen
        self.labels: list = []
        self.label_font = QFont()
        self.label_font.setPointSizeF(7)
        self.far_pen = QPen(pen.color(), 1)
        self.far_pen.setCosmetic(True)  # width 0 ("hairline") rasterises ~3x slower here than a 1 px cosmetic pen
        self.lines: list = []
        self.coords = np.zeros((0, 4))
        self.rect = QRectF()
        self.show_arrows = True
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        # Panning and repainting reuse the rendered lines; only a zoom or an edit redraws them.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_lines(self, coords: np.ndarray, labels: list | None = None) -> None:
        """``coords``: an (n, 4) array of x1, y1, x2, y2; ``labels``: the tie type of each, shown when zoomed in."""
        self.prepareGeometryChange()
        self.coords = coords
        self.labels = labels or []
        self.lines = [QLineF(*row) for row in coords.tolist()]
        if len(coords):
            xs, ys = coords[:, [0, 2]], coords[:, [1, 3]]
            self.rect = QRectF(xs.min() - 12, ys.min() - 12, xs.max() - xs.min() + 24, ys.max() - ys.min() + 24)
        else:
            self.rect = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect

    def paint(self, painter, option, widget=None) -> None:
        if not self.lines:
            return
        exposed = option.exposedRect
        lines, coords = self.lines, self.coords
        index = None
        if exposed.width() * exposed.height() < 0.8 * self.rect.width() * self.rect.height():
            c = coords
            inside = (
                (np.maximum(c[:, 0], c[:, 2]) >= exposed.left())
                & (np.minimum(c[:, 0], c[:, 2]) <= exposed.right())
                & (np.maximum(c[:, 1], c[:, 3]) >= exposed.top())
                & (np.minimum(c[:, 1], c[:, 3]) <= exposed.bottom())
            )
            index = np.flatnonzero(inside).tolist()
            lines = [lines[i] for i in index]
            coords = c[index]
        if not lines:
            return
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < ARROW_ZOOM:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(self.far_pen)
            painter.drawLines(lines)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            return
        painter.setPen(self.pen)
        painter.drawLines(lines)
        if self.show_arrows and len(lines) <= 5000:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.pen.color())
            painter.drawPath(_arrowheads(coords.tolist()))
        if lod >= TIE_LABEL_ZOOM and self.labels and len(lines) <= 150:
            labels = self.labels if index is None else [self.labels[i] for i in index]
            painter.setFont(self.label_font)
            painter.setPen(self.pen.color().darker(140))
            for (x1, y1, x2, y2), text in zip(coords.tolist(), labels):
                if (x2 - x1) ** 2 + (y2 - y1) ** 2 > 90**2:
                    painter.drawText(
                        QRectF((x1 + x2) / 2 - 70, (y1 + y2) / 2 - 14, 140, 12), Qt.AlignmentFlag.AlignCenter, text
                    )


class OverviewItem(QGraphicsItem):
    """Every node as a small filled box, one path per colour: what a far zoom or a huge map shows."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.paths: list = []  # (QColor, QPainterPath)
        self.rect = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_nodes(self, by_colour: dict) -> None:
        """``by_colour``: ``{"#RRGGBB": [(x, y), ...]}``."""
        self.prepareGeometryChange()
        self.paths = []
        xs, ys = [], []
        for colour, points in by_colour.items():
            path = QPainterPath()
            for x, y in points:
                path.addRect(x - NODE_W / 2, y - NODE_H / 2, NODE_W, NODE_H)
                xs.append(x)
                ys.append(y)
            self.paths.append((QColor(colour), path))
        self.rect = (
            QRectF(min(xs) - NODE_W, min(ys) - NODE_H, max(xs) - min(xs) + 2 * NODE_W, max(ys) - min(ys) + 2 * NODE_H)
            if xs
            else QRectF()
        )
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect

    def paint(self, painter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, path in self.paths:
            painter.setBrush(colour)
            painter.drawPath(path)


def _clip_to_boxes(ends: np.ndarray) -> np.ndarray:
    """Shorten centre-to-centre segments so they start and end at the node boxes' borders."""
    if not len(ends):
        return ends
    d = ends[:, 2:] - ends[:, :2]
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = np.where(np.abs(d[:, 0]) > 1e-9, (NODE_W / 2) / np.abs(d[:, 0]), np.inf)
        ty = np.where(np.abs(d[:, 1]) > 1e-9, (NODE_H / 2) / np.abs(d[:, 1]), np.inf)
    t = np.minimum(np.minimum(tx, ty), 0.5)[:, None]  # overlapping nodes: a zero-length tie, not an inverted one
    return np.hstack([ends[:, :2] + d * t, ends[:, 2:] - d * t])


def _arrowheads(segments) -> QPainterPath:
    """Filled arrowheads at the target end of each segment, as one path."""
    path = QPainterPath()
    for x1, y1, x2, y2 in segments:
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        if length < 1e-6:
            continue
        ux, uy = dx / length, dy / length
        bx, by = x2 - ux * 11, y2 - uy * 11
        path.moveTo(x2, y2)
        path.lineTo(bx - uy * 5, by + ux * 5)
        path.lineTo(bx + uy * 5, by - ux * 5)
        path.closeSubpath()
    return path


#: Zoom below which labels and badges hide.
LABEL_ZOOM = 0.4


#: Zoom below which arrowheads hide.
ARROW_ZOOM = 0.3


#: Zoom from which ties show their type along the line.
TIE_LABEL_ZOOM = 1.5
