"""The minimap: the whole map in a small panel, with the part the canvas shows as a rectangle.

Nodes are drawn as small marks in their kind's colour into a cached image,
rebuilt by :meth:`Minimap.refresh` only (after the map or the positions
change), and only when a node it draws came, went, moved or changed kind or
the level bands moved: a rename keeps the image; scrolling and zooming the
canvas only moves the rectangle. Large maps
are rasterised with numpy (four writes per colour), so 100k
nodes take a few tens of milliseconds. Click or drag on the minimap to centre
the canvas there.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from explorer.core.presentation import FALLBACK_COLOUR
from explorer.ui.common.host import OpenMap
from explorer.ui.common.shapes import NODE_H, NODE_W
from explorer.ui.common.theme import RESTYLE_EVENTS, dim_colour

#: Logical size of the minimap.
SIZE = QSize(220, 140)
#: Up to this many nodes each is drawn as a scaled rectangle; above it, as a dot per pixel.
RECT_LIMIT = 4000
_MARGIN = 6.0


class Minimap(QWidget):
    """An overview of ``canvas`` (a :class:`~explorer.ui.canvas.view.MapCanvas`) that also steers it.

    Examples
    --------
    >>> from explorer.ui.canvas.view import MapCanvas
    >>> minimap = Minimap(MapCanvas())
    >>> minimap.size().width(), minimap.size().height()
    (220, 140)
    """

    def __init__(self, canvas, parent=None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.projection = None
        self.schema = None
        self._image: QImage | None = None
        self._world: QRectF | None = None  # scene rectangle shown
        self._nodes: QRectF | None = None  # scene rectangle the nodes cover
        self._scale = 1.0  # minimap pixels per scene unit
        self._offset = QPointF(0, 0)  # minimap position of the world's top-left
        self._buffer = None  # pixels of the last numpy raster
        self._drawn: dict = {}  # node -> position as the image draws it
        self._drawn_kinds: dict = {}  # node -> kind as the image draws it
        self._drawn_bands = None  # the canvas's bands when the image was drawn
        self._waiting: set | None = set()  # nodes changed while the canvas was redrawing (None: all)
        self._waits = False
        canvas.redrawFinished.connect(self._redrawn)
        self.setFixedSize(SIZE)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Minimap")
        self.setAccessibleDescription("The whole map; the rectangle is the part shown. Click or drag to move the view.")
        self.setToolTip("The whole map: click or drag to move the view")
        canvas.horizontalScrollBar().valueChanged.connect(self.update)
        canvas.verticalScrollBar().valueChanged.connect(self.update)
        canvas.zoomChanged.connect(self.update)
        canvas.viewport().installEventFilter(self)

    # ------------------------------------------------------------------ API
    def show_map(self, opened: OpenMap | None) -> None:
        """Draw the open map's nodes in the colours of their kinds (positions from the canvas)."""
        projection, schema = (opened.projection, opened.schema) if opened is not None else (None, None)
        self.projection = projection
        self.schema = schema
        self.refresh()

    def refresh(self, nodes=None) -> None:
        """Redraw the cached image of the map (call after nodes are added, removed or moved).

        ``nodes`` are the nodes changed since the last refresh: the image is kept
        when none of them changed what it draws. None redraws it.
        """
        if self.canvas.redrawing:
            # The canvas is redrawing a bulk change over a few turns; reading its bands now would finish
            # that in one (a layout of 10k nodes held the window for a quarter second): draw when it is done.
            self._waiting = None if nodes is None or self._waiting is None else self._waiting | set(nodes)
            self._waits = True
            return
        if self._waits:  # a redraw ended without telling (the map was closed): take what waited too
            waited, self._waiting, self._waits = self._waiting, set(), False
            nodes = None if nodes is None or waited is None else set(nodes) | waited
        if nodes is not None and self._image is not None and not self._alters(nodes):
            self.update()
            return
        self._image = None
        self._world = self._nodes = None
        positions = self.canvas.positions if self.projection is not None else {}
        self._drawn, self._drawn_kinds, self._drawn_bands = {}, {}, getattr(self.canvas, "bands", None)
        if positions:
            self._image, kinds = self._render(positions)
            # Copied and zipped in C: pairs of (position, kind) for 100k nodes cost the window 80 ms.
            self._drawn, self._drawn_kinds = dict(positions), dict(zip(positions, kinds))
        self.update()

    def _redrawn(self) -> None:
        if self._waits:
            # In a turn of its own: the canvas's last redraw step has just had one.
            QTimer.singleShot(0, self, lambda: self.refresh(set()))

    def _alters(self, nodes) -> bool:
        """Whether the image no longer shows ``nodes`` (or the bands) as the canvas has them."""
        if self.projection is None or getattr(self.canvas, "bands", None) is not self._drawn_bands:
            return True
        positions, now, missing = self.canvas.positions, self.projection.nodes, object()
        drawn, kinds = self._drawn, self._drawn_kinds
        for iri in nodes:
            view = now.get(iri)
            if drawn.get(iri, missing) != positions.get(iri, missing) or kinds.get(iri, missing) != (
                view.kind if view is not None else None
            ):
                return True
        return False

    def world_rect(self) -> QRectF | None:
        """The scene rectangle the minimap shows, or None when there is no map."""
        return QRectF(self._world) if self._world is not None else None

    def scene_pos(self, point: QPointF) -> QPointF:
        """The scene position under minimap ``point``."""
        return QPointF((point.x() - self._offset.x()) / self._scale, (point.y() - self._offset.y()) / self._scale)

    def map_pos(self, scene: QPointF) -> QPointF:
        """The minimap position of scene position ``scene``."""
        return QPointF(self._offset.x() + scene.x() * self._scale, self._offset.y() + scene.y() * self._scale)

    # ------------------------------------------------------------- rendering
    def _colours(self, kinds: list) -> tuple[np.ndarray, list[str]]:
        """Each node's colour slot (from its kind) and the colours."""
        colour_of: dict = {}
        table: dict = {}
        for kind_iri in dict.fromkeys(kinds):  # the kinds in the order they first come
            kind = self.schema.kind(kind_iri) if self.schema is not None and kind_iri is not None else None
            colour = kind.colour if kind is not None else FALLBACK_COLOUR
            colour_of[kind_iri] = table.setdefault(colour, len(table))
        index = np.fromiter(map(colour_of.__getitem__, kinds), dtype=np.int32, count=len(kinds))
        return index, list(table)

    def _fit(self, xs: np.ndarray, ys: np.ndarray) -> None:
        bands = getattr(self.canvas, "bands", None) or []
        left, right = float(xs.min()) - NODE_W, float(xs.max()) + NODE_W
        top, bottom = float(ys.min()) - NODE_H, float(ys.max()) + NODE_H
        if bands:
            top, bottom = min(top, bands[0].top), max(bottom, bands[-1].bottom)
        width, height = max(right - left, 1.0), max(bottom - top, 1.0)
        self._world = QRectF(left, top, width, height)
        self._nodes = QRectF(
            float(xs.min()) - NODE_W / 2,
            float(ys.min()) - NODE_H / 2,
            float(xs.max() - xs.min()) + NODE_W,
            float(ys.max() - ys.min()) + NODE_H,
        )
        room_w, room_h = self.width() - 2 * _MARGIN, self.height() - 2 * _MARGIN
        self._scale = min(room_w / width, room_h / height)
        self._offset = QPointF(
            _MARGIN + (room_w - width * self._scale) / 2 - left * self._scale,
            _MARGIN + (room_h - height * self._scale) / 2 - top * self._scale,
        )

    def _render(self, positions: dict) -> tuple[QImage, list]:
        """The image of the nodes at ``positions``, and the kind of each node (in the order of ``positions``)."""
        nodes = self.projection.nodes
        kinds = [view.kind if view is not None else None for view in map(nodes.get, positions)]
        drawn = kinds
        # One flat run in C (a list of pairs made into an array cost 70 ms at 100k nodes).
        coords = np.fromiter(chain.from_iterable(positions.values()), float, count=2 * len(positions)).reshape(-1, 2)
        finite = np.isfinite(coords).all(axis=1)
        if not finite.all():
            coords = coords[finite]
            drawn = [k for k, ok in zip(kinds, finite.tolist()) if ok]
        dpr = self.devicePixelRatioF()
        image = QImage(
            max(1, round(self.width() * dpr)),
            max(1, round(self.height() * dpr)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        if not len(coords):
            return image, kinds
        xs, ys = coords[:, 0], coords[:, 1]
        self._fit(xs, ys)
        colour_index, colours = self._colours(drawn)
        painter = QPainter(image)
        self._paint_bands(painter)
        if len(coords) <= RECT_LIMIT:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            w = max(NODE_W * self._scale, 2.0)
            h = max(NODE_H * self._scale, 1.5)
            px = self._offset.x() + xs * self._scale - w / 2
            py = self._offset.y() + ys * self._scale - h / 2
            for slot, colour in enumerate(colours):
                painter.setBrush(QColor(colour))
                chosen = np.flatnonzero(colour_index == slot)
                painter.drawRects([QRectF(x, y, w, h) for x, y in zip(px[chosen].tolist(), py[chosen].tolist())])
        else:
            painter.drawImage(
                QRectF(0, 0, self.width(), self.height()),
                self._raster(xs, ys, colour_index, colours, image.width(), image.height(), dpr),
            )
        painter.end()
        return image, kinds

    def _raster(self, xs, ys, colour_index, colours, width: int, height: int, dpr: float) -> QImage:
        """Every node as a 2x2 device-pixel dot, one numpy write per colour: fast for 100k nodes."""
        px = np.floor((self._offset.x() + xs * self._scale) * dpr).astype(np.int64)
        py = np.floor((self._offset.y() + ys * self._scale) * dpr).astype(np.int64)
        layer = np.zeros((height, width), dtype=np.uint32)
        inside = (px >= 0) & (px < width - 1) & (py >= 0) & (py < height - 1)
        flat = layer.reshape(-1)
        for slot, colour in enumerate(colours):
            chosen = inside & (colour_index == slot)
            linear = py[chosen] * width + px[chosen]  # a pixel written twice is the same colour
            argb = np.uint32(QColor(colour).rgba())
            for offset in (0, 1, width, width + 1):
                flat[linear + offset] = argb
        self._buffer = layer  # the image below refers to this memory until it is drawn
        return QImage(layer.data, width, height, width * 4, QImage.Format.Format_ARGB32).copy()

    def _paint_bands(self, painter: QPainter) -> None:
        bands = getattr(self.canvas, "bands", None) or []
        if not bands or self._world is None:
            return
        text = QColor(self.palette().color(QPalette.ColorRole.Text))
        left, right = self._world.left(), self._world.right()
        for number, band in enumerate(bands):
            shade = QColor(text)
            shade.setAlphaF(0.035 if number % 2 else 0.07)
            top_left = self.map_pos(QPointF(left, band.top))
            bottom_right = self.map_pos(QPointF(right, band.bottom))
            painter.fillRect(QRectF(top_left, bottom_right), shade)

    # ----------------------------------------------------------------- paint
    def needed(self) -> bool:
        """Whether part of the map lies outside the canvas's view.

        With every node in view the minimap has nothing to steer to and would only
        cover nodes in the canvas's corner, so the window hides it until then.
        """
        if self._world is None or self._nodes is None:
            return False
        area = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
        return not area.contains(self._nodes)

    def visible_rect(self) -> QRectF | None:
        """The canvas's visible scene area in minimap coordinates, or None when there is no map."""
        if self._world is None:
            return None
        area = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
        return QRectF(self.map_pos(area.topLeft()), self.map_pos(area.bottomRight()))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        base = QColor(self.palette().color(QPalette.ColorRole.Base))
        base.setAlphaF(0.92)
        border = QColor(self.palette().color(QPalette.ColorRole.Text))
        border.setAlphaF(0.16)
        painter.setPen(QPen(border, 1))
        painter.setBrush(base)
        painter.drawRoundedRect(frame, 8, 8)
        if self._image is None:
            painter.setPen(dim_colour(self.palette()))
            painter.drawText(
                frame, int(Qt.AlignmentFlag.AlignCenter), "No map open" if self.projection is None else "No nodes yet"
            )
            painter.end()
            return
        painter.save()
        painter.setClipRect(frame.adjusted(2, 2, -2, -2))
        painter.drawImage(QRectF(0, 0, self.width(), self.height()), self._image)
        view = self.visible_rect()
        if view is not None:
            accent = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            fill = QColor(accent)
            fill.setAlphaF(0.12)
            painter.setBrush(fill)
            painter.setPen(QPen(accent, 1.5))
            view = view.intersected(frame.adjusted(1, 1, -1, -1))
            painter.drawRect(view)
        painter.restore()
        painter.end()

    # ---------------------------------------------------------------- input
    def _steer(self, point: QPointF) -> None:
        if self._world is None:
            return
        scene = self.scene_pos(point)
        self.canvas.centerOn(scene.x(), scene.y())
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self._steer(event.position())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._steer(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.update()
        return super().eventFilter(obj, event)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in RESTYLE_EVENTS and self.projection is not None:
            self.refresh()
