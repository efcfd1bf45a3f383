"""The items the canvas draws: nodes, ties batched per style, and the overview of a big map."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    QPicture,
    QPixmapCache,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QStyle,
    QStyleOptionGraphicsItem,
)

from explorer.ui.common.shapes import NODE_H, NODE_W
from explorer.ui.common.text import wrapped_label


@dataclass
class NodeFonts:
    """What one canvas draws its nodes' text with, shared by all its node items (one canvas's fonts never
    reach another's): the label and badge fonts, and the zoom below which labels grow (:func:`readable_zoom`)."""

    label: QFont
    badge: QFont
    readable_zoom: float = 0.67


def readable_zoom(font_px: float) -> float:
    """The zoom below which labels drawn ``font_px`` pixels high at 100 % grow to keep READABLE_PX on screen.

    Examples
    --------
    >>> readable_zoom(12.0) == READABLE_PX / 12.0
    True
    >>> readable_zoom(4.0)
    1.0
    """
    return min(1.0, READABLE_PX / max(font_px, 1e-6))


class NodeItem(QGraphicsPathItem):
    """A node: its shape filled with its kind's colour, its label and level badge painted on top.

    Label and badge are painted here rather than as child items: a map of 10k
    nodes then has 10k items instead of 30k, and text costs only for the nodes
    on screen, and only when zoomed in far enough to read it.

    The label wraps by words into up to three lines of the node's width (see
    :func:`~explorer.ui.common.text.wrapped_label`). Zoomed out below
    :data:`readable_zoom`, it keeps :data:`READABLE_PX` pixels on screen by
    growing around the node on a plate of the node's colour; then the canvas
    says which labels show where they would collide (:attr:`label_hidden`).
    """

    #: The canvas's fonts (:class:`NodeFonts`), given when the item is made: a reference, so 10k items cost nothing.
    fonts: NodeFonts
    # The node's IRI lives on the Python wrapper, not in QGraphicsItem.setData: a
    # QVariant turns an rdflib URIRef (a str subclass) into a plain QString.
    key = None
    shown = None
    #: Set by the canvas when, zoomed out, another node's label has the place this one would take.
    label_hidden = False

    def __init__(self, path, parent, fonts: NodeFonts) -> None:
        super().__init__(path, parent)
        self.fonts = fonts

    @property
    def label_font(self) -> QFont:
        return self.fonts.label

    @property
    def readable_zoom(self) -> float:
        """Zoom below which the label grows in scene units (its canvas's, see :func:`readable_zoom`)."""
        return self.fonts.readable_zoom

    def set_text(
        self, text: str, badge: str, colour: QColor, width: float, offset: float, inner: tuple = (NODE_W, NODE_H)
    ) -> None:
        """The label ``text`` wrapped in ``width``, ``badge`` below; a plate behind it where it leaves ``inner``."""
        self.text = text
        self.badge = badge
        self.text_colour = colour
        self.text_width = width
        self.text_offset = offset
        self.inner = inner
        self.layout = None
        self.update()

    def label_layout(self) -> tuple:
        """(label as shown on one line, its lines joined by newlines, block width, block height) at 100 %."""
        if self.layout is None:
            metrics = QFontMetricsF(self.label_font)
            shown, lines = wrapped_label(self.text, metrics, self.text_width, LABEL_LINES)
            width = max(metrics.horizontalAdvance(line) for line in lines)
            self.layout = (shown, "\n".join(lines), width, metrics.lineSpacing() * len(lines))
        return self.layout

    def label_scale(self, zoom: float) -> float:
        """How much the label is enlarged around the node at ``zoom`` (1 from :attr:`readable_zoom` up)."""
        return self.readable_zoom / zoom if zoom < self.readable_zoom else 1.0

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
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LABEL_ZOOM or (lod < self.readable_zoom and self.label_hidden):
            return
        _, text, width, height = self.label_layout()
        scale = self.label_scale(lod)
        # With DontSavePainterState on the view, the scale must be undone by hand.
        painter.save()
        painter.scale(scale, scale)
        block = QRectF(-width / 2 - 4, -height / 2 + self.text_offset / scale - 1, width + 8, height + 2)
        if block.width() * scale > self.inner[0] + 2 or block.height() * scale > self.inner[1] + 2:
            # The text leaves the shape: a plate of the node's colour keeps it on its own colour.
            plate = QColor(self.brush().color())
            plate.setAlpha(235)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(plate)
            painter.drawRoundedRect(block, 4, 4)
        painter.setFont(self.label_font)
        painter.setPen(self.text_colour)
        painter.drawText(block, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextDontClip, text)
        painter.restore()
        if lod < BADGE_ZOOM:
            return
        painter.setFont(self.fonts.badge)
        painter.setPen(QColor("#6b7480"))
        painter.drawText(
            QRectF(-NODE_W / 2, max(NODE_H, height + 2) / 2 + 1, NODE_W, 12),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
            self.badge,
        )


#: Below this many square pixels, a repaint of the ties picks the lines that cross it exactly.
SMALL_AREA_PX = 400 * 400


class TieSurface(QGraphicsItem):
    """Every tie on the canvas, painted by one item into one cached image of the view.

    Antialiased lines cost their length in pixels: at 100 % a 10k-node map's view crosses two thousand
    long ties, a quarter second to paint. Painted once into a device-coordinate cache (one pixmap the
    size of the view, see :func:`ensure_pixmap_cache`), a repaint that changes no tie (a node moved,
    the window enabled again, a layout's frame) costs a copy; an edit repaints the area its lines
    cover, a pan the strip it uncovers. The batches (:class:`EdgeBatch`) are plain objects it paints.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.batches: list[EdgeBatch] = []
        self.rect = QRectF()
        self._held: QRectF | None = None  # the area changed while held (see held)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def add(self, batch: EdgeBatch) -> None:
        batch.surface = self
        self.batches.append(batch)

    def hold(self) -> None:
        """Gather the changes of the batches from now until :meth:`release` (a whole-map rebuild) into one repaint."""
        self._held = QRectF()

    def release(self) -> None:
        """Paint again, once, what changed since :meth:`hold`."""
        if self._held is None:
            return
        self._held = None
        rect = QRectF()
        for batch in self.batches:
            if batch.keys and not batch.rect.isNull():
                rect = rect.united(batch.rect)
        self.prepareGeometryChange()
        self.rect = rect
        self.update()

    def changed(self, rect: QRectF, area: QRectF | None) -> None:
        """A batch now covers ``rect``; ``area`` (None: all of it) is what to paint again."""
        if self._held is not None:
            self._held = self._held.united(rect)
        elif not self.rect.contains(rect):
            self.prepareGeometryChange()
            self.rect = self.rect.united(rect) if not self.rect.isNull() else QRectF(rect)
            self.update()
        elif area is None:
            self.update(rect)
        else:
            # Arrowheads reach 12 units past a line's end, its type's name 70 across its middle.
            self.update(area.adjusted(-80, -20, 80, 20))

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect

    def paint(self, painter, option, widget=None) -> None:
        exposed = option.exposedRect
        # Painting into its cache, Qt exposes the whole item even when the cache holds only the view's part
        # (an item larger than the view): what lies outside the device is left out here (at 100 %, nine
        # tenths of the lines of a 10k-node map, half a second). Not into a QPicture (an export records
        # one): its size is that of what it holds so far, and says nothing of where the scene lies.
        device, (inverse, invertible) = painter.device(), painter.worldTransform().inverted()
        if device is not None and not isinstance(device, QPicture) and invertible:
            ratio = device.devicePixelRatioF() or 1.0
            shown = QRectF(0, 0, device.width() / ratio, device.height() / ratio)
            exposed = exposed.intersected(inverse.mapRect(shown))
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        for batch in self.batches:
            if batch.keys and batch.rect.intersects(exposed):
                batch.draw(painter, exposed, lod)


def ensure_pixmap_cache(width: int, height: int) -> None:
    """Let Qt's pixmap cache hold a few images of a ``width`` x ``height`` view (the tie surface's cache).

    Qt's default (10 MB) is less than two images of a large screen; an image that does not fit is painted
    afresh at every repaint, at twice the cost of no cache.
    """
    needed_kb = 3 * width * height * 4 // 1024
    if QPixmapCache.cacheLimit() < needed_kb:
        QPixmapCache.setCacheLimit(needed_kb)


class EdgeBatch:
    """Ties of one style in one tile: their lines in one ``drawLines`` call, arrowheads as one path.

    Painted by its :class:`TieSurface`. Far out, lines are drawn one pixel wide without antialiasing
    (antialiased sub-pixel lines cost ~10x), and only the lines crossing the exposed area are drawn.
    """

    def __init__(self, pen: QPen, surface: TieSurface | None = None) -> None:
        self.pen = pen
        self.labels: list = []
        self.label_font = QFont()
        self.label_font.setPointSizeF(7)
        # The families drawn wide (a violated norm, a disruption) stay a little wider far out too.
        self.far_pen = QPen(pen.color(), 2 if pen.widthF() >= 2.4 else 1)
        self.far_pen.setCosmetic(True)  # width 0 ("hairline") rasterises ~3x slower here than a 1 px cosmetic pen
        self.lines: list | None = []  # made from coords at the first paint: a tile off screen never pays for them
        self.bounds = np.zeros((0, 4))  # each line's box (bounds_of), made with the lines
        self.coords = np.zeros((0, 4))
        self.keys: list = []  # each line's tie key, kept by the canvas's tie layer (explorer.ui.canvas.ties)
        self.rect = QRectF()
        self.show_arrows = True
        self.surface: TieSurface | None = None
        if surface is not None:
            surface.add(self)

    def set_lines(self, coords: np.ndarray, labels: list | None = None, changed: QRectF | None = None) -> None:
        """``coords``: an (n, 4) array of x1, y1, x2, y2; ``labels``: the tie type of each, shown when zoomed in.

        ``changed``: the area of the lines that came or went, when the rest stayed as they were: only that area
        is repainted (else the batch's whole area, as it was and as it is).
        """
        before = self.rect
        self.coords = coords
        self.labels = labels or []
        self.lines = None
        rect = QRectF()
        if len(coords):
            xs, ys = coords[:, [0, 2]], coords[:, [1, 3]]
            rect = QRectF(xs.min() - 12, ys.min() - 12, xs.max() - xs.min() + 24, ys.max() - ys.min() + 24)
        if changed is None or not before.contains(rect):
            self.rect = rect if changed is None else rect.united(before)
            if self.surface is not None:
                self.surface.changed(self.rect.united(before) if not before.isNull() else self.rect, None)
        elif self.surface is not None:
            self.surface.changed(self.rect, changed)

    def draw(self, painter, exposed: QRectF, lod: float) -> None:
        """Paint the lines crossing ``exposed`` (scene units) at level of detail ``lod``."""
        if not len(self.coords):
            return
        if self.lines is None:
            self.lines = [QLineF(*row) for row in self.coords.tolist()]
            self.bounds = bounds_of(self.coords)
        lines, coords = self.lines, self.coords
        index = None
        if not exposed.contains(self.rect):
            area = exposed.adjusted(-12, -12, 12, 12)
            index = np.flatnonzero(boxes_meeting(self.bounds, area))
            # The exact test where it leaves out lines worth its cost: many boxes over a small area (an edit's
            # repaint). For a view's worth the boxes are as good; a few extra lines cost the painter nothing.
            if len(index) > 16 and area.width() * area.height() * lod * lod < SMALL_AREA_PX:
                index = index[segments_crossing(coords[index], area)]
            index = index.tolist()
            lines = [lines[i] for i in index]
            coords = coords[index]
        if not lines:
            return
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
    """Every node as a small filled box, one path per colour: what a far zoom or a huge map shows.

    Kept by difference: an edit rebuilds the path of the colours it touched only.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.paths: dict = {}  # colour -> QPainterPath
        self._points: dict = {}  # colour -> {key: (x, y)}
        self._colour_of: dict = {}  # key -> colour
        self.rect = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_nodes(self, nodes: dict) -> None:
        """Draw exactly ``nodes``: ``{key: ("#RRGGBB", (x, y))}``."""
        self._points, self._colour_of, self.paths = {}, {}, {}
        for key, (colour, xy) in nodes.items():
            self._points.setdefault(colour, {})[key] = xy
            self._colour_of[key] = colour
        self._redraw(set(self._points))

    def nodes(self) -> dict:
        """What is drawn: ``{key: ("#RRGGBB", (x, y))}``."""
        return {key: (colour, self._points[colour][key]) for key, colour in self._colour_of.items()}

    def update_nodes(self, changes: dict) -> None:
        """Follow an edit: ``{key: ("#RRGGBB", (x, y)) or None}`` (None: no longer drawn)."""
        touched = set()
        for key, entry in changes.items():
            colour = self._colour_of.pop(key, None)
            if colour is not None:
                self._points[colour].pop(key, None)
                touched.add(colour)
            if entry is not None:
                colour, xy = entry
                self._points.setdefault(colour, {})[key] = xy
                self._colour_of[key] = colour
                touched.add(colour)
        if touched:
            self._redraw(touched)

    def _redraw(self, colours: set) -> None:
        for colour in colours:
            points = self._points.get(colour)
            if not points:
                self._points.pop(colour, None)
                self.paths.pop(colour, None)
                continue
            path = QPainterPath()
            for x, y in points.values():
                path.addRect(x - NODE_W / 2, y - NODE_H / 2, NODE_W, NODE_H)
            self.paths[colour] = path
        rect = QRectF()
        for path in self.paths.values():
            rect = rect.united(path.boundingRect())
        if not rect.isNull():
            rect.adjust(-NODE_W / 2, -NODE_H / 2, NODE_W / 2, NODE_H / 2)
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = rect
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.rect

    def paint(self, painter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, path in self.paths.items():
            painter.setBrush(QColor(colour))
            painter.drawPath(path)


def bounds_of(coords: np.ndarray) -> np.ndarray:
    """Each segment's ``(x1, y1, x2, y2)`` bounding box as ``(left, top, right, bottom)``."""
    return np.hstack([np.minimum(coords[:, :2], coords[:, 2:]), np.maximum(coords[:, :2], coords[:, 2:])])


def boxes_meeting(bounds: np.ndarray, rect: QRectF) -> np.ndarray:
    """Which boxes ``(left, top, right, bottom)`` (:func:`bounds_of`) meet ``rect``: a boolean per row.

    Examples
    --------
    >>> segments = np.array([[0.0, 10.0, 10.0, 0.0], [20.0, 0.0, 30.0, 1.0]])
    >>> boxes_meeting(bounds_of(segments), QRectF(4, 4, 2, 2)).tolist()
    [True, False]
    """
    return (
        (bounds[:, 2] >= rect.left())
        & (bounds[:, 0] <= rect.right())
        & (bounds[:, 3] >= rect.top())
        & (bounds[:, 1] <= rect.bottom())
    )


def segments_crossing(coords: np.ndarray, rect: QRectF) -> np.ndarray:
    """Which segments ``(x1, y1, x2, y2)`` pass through ``rect``: a boolean per row (Liang-Barsky, vectorised).

    Tighter than comparing bounding boxes: a long diagonal tie whose box covers the area but whose line
    passes beside it is left out, which matters when an edit repaints a small area of a dense map.

    Examples
    --------
    >>> segments_crossing(np.array([[0.0, 0.0, 10.0, 10.0], [0.0, 9.0, 1.0, 10.0]]), QRectF(4, 4, 2, 2)).tolist()
    [True, False]
    """
    if not len(coords):
        return np.zeros(0, dtype=bool)
    x1, y1 = coords[:, 0], coords[:, 1]
    dx, dy = coords[:, 2] - x1, coords[:, 3] - y1
    low, high = np.zeros(len(coords)), np.ones(len(coords))
    inside = np.ones(len(coords), dtype=bool)
    for p, q in (
        (-dx, x1 - rect.left()),
        (dx, rect.right() - x1),
        (-dy, y1 - rect.top()),
        (dy, rect.bottom() - y1),
    ):
        parallel = p == 0
        inside &= ~(parallel & (q < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(parallel, 0.0, q / np.where(parallel, 1.0, p))
        low = np.where(~parallel & (p < 0), np.maximum(low, t), low)
        high = np.where(~parallel & (p > 0), np.minimum(high, t), high)
    return inside & (low <= high)


def clip_to_boxes(ends: np.ndarray) -> np.ndarray:
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


#: Zoom below which labels hide (from :attr:`NodeItem.readable_zoom` down to here they show by priority):
#: as far out as nodes are drawn at all (the canvas's overview zoom is this one), so a map of a few hundred
#: nodes fitted on a laptop still names its change, its norms and its busiest nodes.
LABEL_ZOOM = 0.16


#: The size of node names on the canvas at 100 %, in points (each canvas makes its font of this size).
LABEL_PT = 9.5

#: Smallest on-screen height of a label's font, in pixels, from LABEL_ZOOM up.
READABLE_PX = 8.5


#: Most lines a node's label takes.
LABEL_LINES = 3


#: Zoom below which the level badge under each node hides (the bands name the levels).
BADGE_ZOOM = 0.95


#: Zoom below which arrowheads hide.
ARROW_ZOOM = 0.3


#: Zoom from which ties show their type along the line.
TIE_LABEL_ZOOM = 1.5
