"""Node shapes and the small pictures of them the palette, legend and minimap draw."""

from __future__ import annotations

from PySide6.QtCore import (
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)

from explorer.core.presentation import NODE_H, NODE_W

#: The share of a node's box each shape leaves for text on its fill (the rest of the shapes: 0.9).
_ELIDE = {"ellipse": 0.74, "diamond": 0.6, "triangle": 0.5, "hexagon": 0.8, "octagon": 0.84}


#: Width a node's label wraps in at 100 % zoom: a narrow shape (a norm's diamond) puts it on a plate instead of
#: cutting it to a few characters.
LABEL_WIDTH = NODE_W * 0.8


def label_area(shape: str) -> tuple[float, float]:
    """Width and height inside a node of ``shape`` where its label sits on the fill.

    Examples
    --------
    >>> label_area("rounded-rectangle"), label_area("diamond")
    ((107.0, 39.6), (68.0, 26.4))
    """
    share = _ELIDE.get(shape, 0.9)
    return round(NODE_W * share - 10, 3), round(NODE_H * share, 3)


def node_shape(shape: str, w: float = NODE_W, h: float = NODE_H) -> QPainterPath:
    """The outline of a node of ``shape`` centred on the origin."""
    path = QPainterPath()
    x, y = -w / 2, -h / 2
    if shape == "ellipse":
        path.addEllipse(QRectF(x, y, w, h))
    elif shape == "rectangle":
        path.addRect(QRectF(x, y, w, h))
    elif shape == "diamond":
        path.addPolygon(QPolygonF([QPointF(0, y), QPointF(w / 2, 0), QPointF(0, h / 2), QPointF(x, 0), QPointF(0, y)]))
    elif shape == "triangle":
        path.addPolygon(QPolygonF([QPointF(0, y - 4), QPointF(w / 2, h / 2), QPointF(x, h / 2), QPointF(0, y - 4)]))
    elif shape == "hexagon":
        c = h / 2
        path.addPolygon(
            QPolygonF(
                [
                    QPointF(x + c, y),
                    QPointF(w / 2 - c, y),
                    QPointF(w / 2, 0),
                    QPointF(w / 2 - c, h / 2),
                    QPointF(x + c, h / 2),
                    QPointF(x, 0),
                    QPointF(x + c, y),
                ]
            )
        )
    elif shape == "octagon":
        c = h / 3.2
        path.addPolygon(
            QPolygonF(
                [
                    QPointF(x + c, y),
                    QPointF(w / 2 - c, y),
                    QPointF(w / 2, y + c),
                    QPointF(w / 2, h / 2 - c),
                    QPointF(w / 2 - c, h / 2),
                    QPointF(x + c, h / 2),
                    QPointF(x, h / 2 - c),
                    QPointF(x, y + c),
                    QPointF(x + c, y),
                ]
            )
        )
    else:
        path.addRoundedRect(QRectF(x, y, w, h), 10, 10)
    path.closeSubpath()
    return path


#: Size of a kind's icon in the palette, outline and legend (logical pixels).
ICON_SIZE = QSize(22, 14)


_PEN_STYLES = {"dashed": Qt.PenStyle.DashLine, "dotted": Qt.PenStyle.DotLine}


def shape_pixmap(shape: str, colour: str | QColor, size: QSize = ICON_SIZE, dpr: float = 1.0) -> QPixmap:
    """A kind's node shape filled with its colour, scaled into ``size`` (device-pixel-ratio aware).

    Parameters
    ----------
    shape : str
        A shape name from ``presentation.ttl`` (``"ellipse"``, ``"diamond"`` ...), as :func:`node_shape` takes.
    colour : str or QColor
        The fill; the outline is a darker shade of it.
    size : QSize, optional
        Logical size of the pixmap.
    dpr : float, optional
        Device pixel ratio of the screen it is shown on.

    Returns
    -------
    QPixmap
        A transparent pixmap with the shape centred in it; cached per arguments.

    Examples
    --------
    >>> shape_pixmap("diamond", "#9479BE").deviceIndependentSize().toSize()
    PySide6.QtCore.QSize(22, 14)
    """
    fill = QColor(colour)
    key = ("shape", shape, fill.rgba(), size.width(), size.height(), round(dpr, 2))
    cached = _pixmaps.get(key)
    if cached is not None:
        return cached
    pixmap = QPixmap(max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    path = node_shape(shape)
    bounds = path.boundingRect()
    margin = 1.0
    sx = (size.width() - 2 * margin) / bounds.width()
    sy = (size.height() - 2 * margin) / bounds.height()
    transform = QTransform()
    transform.translate(size.width() / 2, size.height() / 2)
    transform.scale(sx, sy)
    transform.translate(-bounds.center().x(), -bounds.center().y())
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(fill.darker(140), 1.0)
    pen.setCosmetic(True)
    painter.setPen(pen)
    painter.setBrush(fill)
    painter.drawPath(transform.map(path))
    painter.end()
    _pixmaps[key] = pixmap
    return pixmap


def line_pixmap(
    colour: str | QColor, style: str = "solid", size: QSize = ICON_SIZE, dpr: float = 1.0, width: float = 1.8
) -> QPixmap:
    """A short arrow in ``colour``, ``style`` (``"solid"``, ``"dashed"``, ``"dotted"``) and ``width``: a tie's look.

    Examples
    --------
    >>> line_pixmap("#C8932F", "dashed").isNull()
    False
    """
    colour = QColor(colour)
    width = min(4.0, max(0.8, width))  # the icon's height holds no wider line
    key = ("line", colour.rgba(), style, size.width(), size.height(), round(dpr, 2), width)
    cached = _pixmaps.get(key)
    if cached is not None:
        return cached
    pixmap = QPixmap(max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    y = size.height() / 2
    right = size.width() - 1.0
    pen = QPen(colour, width, _PEN_STYLES.get(style, Qt.PenStyle.SolidLine), Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawLine(QPointF(1.0, y), QPointF(right - 5.0, y))
    head = QPainterPath(QPointF(right, y))
    head.lineTo(right - 6.0, y - 3.5)
    head.lineTo(right - 6.0, y + 3.5)
    head.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(head)
    painter.end()
    _pixmaps[key] = pixmap
    return pixmap


_pixmaps: dict = {}
