"""Images of the map as the canvas draws it: PNG, SVG and PDF, with a title and a legend.

The map is drawn by a private, never-shown :class:`~explorer.ui.canvas.view.MapCanvas`
(light theme, nothing selected, the analysis heat when given), so an image
looks like the app. Its scene is recorded once into a :class:`QPicture` at
100 % zoom, where the canvas draws labels, badges and arrowheads, and the
recording is then played back at whatever scale the image needs: labels stay
in the picture however small the map is drawn (the canvas itself hides them
when zoomed out). SVG and PDF stay vector: node labels are text elements that
can be searched and copied.

A page holds the title and a subtitle, the map with its macro, meso and micro
bands named in a left margin, the legend of the kinds and tie styles on the
map (with counts, and the heat scale when there is heat), and a footer saying
where the image comes from. Sizes are in logical pixels (1/96 inch): the map
is drawn at most :data:`MAX_MAP_WIDTH` by :data:`MAX_MAP_HEIGHT` of them; a PNG
multiplies them by ``scale`` (or ``dpi / 96``); a PDF page is the drawing's
size, or a standard paper size with the drawing fitted to it.

Works headless: without a running application one is created on Qt's
``offscreen`` platform, so the command line can make images. Scene building
needs the GUI thread; called from a worker thread, that part runs on the GUI
thread (which must be running its event loop) and the rest stays in the worker.

Maps above :data:`explorer.ui.canvas.view.FULL_DETAIL_LIMIT` nodes are drawn as the
canvas draws them: the overview, one box per node, without labels or ties.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QMarginsF,
    QObject,
    QPointF,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QLinearGradient,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPicture,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsRectItem, QGraphicsSimpleTextItem
from rdflib import URIRef

from explorer import __version__
from explorer.core.atomic_file import atomic_write
from explorer.core.errors import ExplorerError
from explorer.core.map_details import authorship, read_details
from explorer.core.presentation import HEAT_ALPHA, HEAT_NAME, legend_entries, level_title
from explorer.core.text import one_line

#: Largest map area, in logical pixels (1/96 inch); bigger maps are drawn smaller to fit.
MAX_MAP_WIDTH = 1800.0
MAX_MAP_HEIGHT = 1400.0
#: Largest PNG: pixels in all, and pixels on a side (PNG and QImage limits, and memory: 4 bytes a pixel).
MAX_PIXELS = 150_000_000
MAX_SIDE = 32_000
#: Logical pixels per inch: 1 logical pixel is 1/96 inch, as on a standard-density screen.
LOGICAL_DPI = 96.0
#: Paper sizes a PDF may be fitted to (besides the default, a page the drawing's own size).
PAGE_SIZES = {
    "a4": QPageSize.PageSizeId.A4,
    "a3": QPageSize.PageSizeId.A3,
    "a2": QPageSize.PageSizeId.A2,
    "letter": QPageSize.PageSizeId.Letter,
    "legal": QPageSize.PageSizeId.Legal,
    "tabloid": QPageSize.PageSizeId.Tabloid,
}

#: Smallest text on a page of paper (node labels, legend, footer), in points: a PDF fitted to a paper
#: size is drawn at a scale that keeps it, on as many pages as that takes.
MIN_PRINT_PT = 7.0
#: How much neighbouring pages of a map split across paper overlap, in logical pixels, so a tie cut
#: at one page's edge is found again on the next.
_PAGE_OVERLAP = 36.0
_SMALLEST_TEXT_PX = 10.5  # the page's smallest own text (the footer), in logical pixels at text scale 1

_INK = QColor("#1d232b")
_DIM = QColor("#5f6875")
_RULE = QColor("#d5dae1")
_BAND_SHADES = ("#eceff4", "#f3f5f8", "#e9edf2")  # the canvas's light band shades, if the scene gives none
_MARGIN = 28.0
_GUTTER = 74.0
_LEGEND_GAP = 24.0
_LEGEND_WIDTH = 236.0
_SYMBOL = QSizeF(30.0, 14.0)
_TITLE_LIMIT = 300  # characters of a title or subtitle kept (the page elides it to its width anyway)

_APP: QApplication | None = None


# ----------------------------------------------------------------------------- application and threads
def ensure_app() -> QApplication:
    """The running QApplication, or a new one on the ``offscreen`` platform (for the command line)."""
    global _APP
    app = QApplication.instance()
    if app is None:
        # -platform wins over QT_QPA_PLATFORM: an image needs no display, and a desktop session's
        # platform plugin may not load in a terminal or a CI job.
        _APP = app = QApplication(["routine-explorer", "-platform", "offscreen"])
    return app


class _GuiCaller(QObject):
    """Runs a function on the GUI thread for a worker thread, which waits for it."""

    request = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.request.connect(self._run, Qt.ConnectionType.BlockingQueuedConnection)

    def _run(self, job) -> None:
        job()


_CALLER: _GuiCaller | None = None


def on_gui_thread(function: Callable, *args, **kwargs):
    """Call ``function`` on the GUI thread and return its result (directly when already there).

    From a worker thread the GUI thread must be running its event loop: the
    worker waits until the call is done. Exceptions are raised in the caller.
    """
    global _CALLER
    app = ensure_app()
    if QThread.currentThread() == app.thread():
        return function(*args, **kwargs)
    if _CALLER is None:
        caller = _GuiCaller()
        caller.moveToThread(app.thread())
        _CALLER = caller
    box: dict = {}

    def job() -> None:
        try:
            box["result"] = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - handed back to the calling thread
            box["error"] = error

    _CALLER.request.emit(job)
    if "error" in box:
        raise box["error"]
    return box.get("result")


class _Runner(QThread):
    def __init__(self, function: Callable) -> None:
        super().__init__()
        self.function = function
        self.box: dict = {}

    def run(self) -> None:
        try:
            self.box["result"] = self.function()
        except BaseException as error:  # noqa: BLE001 - handed back to the calling thread
            self.box["error"] = error


def in_qt_thread(function: Callable, *args, **kwargs):
    """Call ``function`` where Qt objects that use timers work, and return its result.

    On the GUI thread it is called directly. A plain Python thread has no Qt
    event dispatcher, and QTextDocument's layout starts timers ("QBasicTimer::start:
    current thread's event dispatcher has already been destroyed"): there the
    call runs in a QThread, which has one, and the calling thread waits.
    """
    app = ensure_app()
    if QThread.currentThread() == app.thread():
        return function(*args, **kwargs)
    runner = _Runner(lambda: function(*args, **kwargs))
    runner.start()
    runner.wait()
    if "error" in runner.box:
        raise runner.box["error"]
    return runner.box.get("result")


# ----------------------------------------------------------------------------- the drawing
#: Section captions. The heat's names what it shows and its first entry the range, so the two read as one
#: ("HEAT: LIKELIHOOD OF RESISTANCE", then "0–100 %"): the legend column is narrow.
_SECTION_TITLES = {"node": "NODES", "tie": "TIES", "heat": f"HEAT: {HEAT_NAME.upper()}"}


@dataclass
class MapDrawing:
    """A map ready to be painted at any size: the recorded scene plus what goes around it.

    Make one with :func:`draw_map`; :meth:`paint` draws the whole page in
    logical pixels (scale the painter to make it bigger). ``text_scale``
    enlarges the title, band names, legend and footer, not the map.
    """

    picture: QPicture
    source: QRectF
    bands: list
    legend: list  # of explorer.core.presentation.LegendEntry
    title: str
    subtitle: str
    footer: str
    heat: bool
    nodes: int
    text_scale: float = 1.0
    legend_at: str = "right"
    zoom: float = 1.0
    #: Height of a node label's font in the recorded scene, in logical pixels (drawn ``zoom`` times that).
    label_px: float = 12.7
    #: The map's authors and organisation, and its description, one line each: the file's metadata.
    author: str = ""
    description: str = ""
    size: QSizeF = field(default_factory=QSizeF)
    _layout: dict = field(default_factory=dict, repr=False)

    def _font(self, pixels: float, *, bold: bool = False) -> QFont:
        return _font(pixels * self.text_scale, bold=bold)

    def paint(self, painter: QPainter) -> None:
        """Paint the page at logical size (0, 0, ``size``) with ``painter``."""
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        layout = self._layout
        painter.fillRect(QRectF(QPointF(0, 0), self.size), QColor("#ffffff"))
        painter.setPen(_INK)
        painter.setFont(self._font(22, bold=True))
        painter.drawText(layout["title_rect"], Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, layout["title"])
        painter.setPen(_DIM)
        painter.setFont(self._font(13))
        painter.drawText(
            layout["subtitle_rect"], Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, layout["subtitle"]
        )
        self._paint_map(painter, layout["map"])
        for column, entries in zip(layout["columns"], layout["legend_columns"]):
            self._paint_legend(painter, column, entries, first=column is layout["columns"][0])
        painter.setPen(_DIM)
        painter.setFont(self._font(10.5))
        painter.drawText(layout["footer_rect"], Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.footer)

    def _count_width(self) -> float:
        """Width of the legend's count column: its widest count, so the column wastes no paper."""
        metrics = QFontMetricsF(self._font(12))
        counts = [f"{e.count:,}" for e in self.legend if e.count is not None] or ["0"]
        return max(metrics.horizontalAdvance("00"), *(metrics.horizontalAdvance(c) for c in counts))

    def _legend_width(self) -> float:
        """Width of a legend column: room for the names as ever, and the counts as wide as they are."""
        widest = QFontMetricsF(self._font(12)).horizontalAdvance("000,000")
        return _LEGEND_WIDTH * self.text_scale - widest + self._count_width()

    def _paint_map(self, painter: QPainter, frame: QRectF) -> None:
        z = self.zoom
        gutter = self._layout["gutter"]
        map_left = frame.left() + gutter
        # Level bands continue into the margin, in the canvas's shades, each named at its top.
        painter.setPen(Qt.PenStyle.NoPen)
        for _, top, bottom, shade in self.bands:
            painter.setBrush(QColor(shade))
            painter.drawRect(
                QRectF(frame.left(), frame.top() + (top - self.source.top()) * z, gutter, (bottom - top) * z)
            )
        painter.setPen(QPen(_RULE, 1))
        for _, top, _, _ in self.bands[1:]:  # the boundaries the canvas draws between bands, into the margin
            y = frame.top() + (top - self.source.top()) * z
            painter.drawLine(QPointF(frame.left(), y), QPointF(map_left, y))
        painter.save()
        painter.translate(map_left, frame.top())
        painter.scale(z, z)
        # Intersect: painted inside a report page, the page's own clip still holds.
        painter.setClipRect(QRectF(0, 0, self.source.width(), self.source.height()), Qt.ClipOperation.IntersectClip)
        painter.translate(-self.source.left(), -self.source.top())
        painter.drawPicture(QPointF(0, 0), self.picture)
        painter.restore()
        if self.nodes == 0:
            painter.setPen(_DIM)
            painter.setFont(self._font(15))
            painter.drawText(
                QRectF(map_left, frame.top(), frame.width() - gutter, frame.height()),
                Qt.AlignmentFlag.AlignCenter,
                "Nothing on the map yet.",
            )
        painter.setFont(self._font(12.5, bold=True))
        metrics = QFontMetricsF(painter.font())
        painter.setPen(QColor("#4d5663"))
        for level, top, bottom, _ in self.bands:
            y = frame.top() + (top - self.source.top()) * z
            if (bottom - top) * z < metrics.height() + 4:
                continue
            painter.drawText(
                QRectF(frame.left() + 8 * self.text_scale, y + 6, gutter - 10, metrics.height() + 2),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                level_title(level, ""),
            )
        painter.setPen(QPen(_RULE, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(frame)

    def _paint_legend(self, painter: QPainter, box: QRectF, rows: list, *, first: bool) -> None:
        from explorer.ui.common.shapes import node_shape

        s = self.text_scale
        x, y = box.left(), box.top()
        if first:
            painter.setPen(_INK)
            painter.setFont(self._font(15, bold=True))
            painter.drawText(
                QRectF(x, y, box.width(), 22 * s), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "Legend"
            )
        y += 28 * s
        caption_font, entry_font = self._font(11, bold=True), self._font(12)
        entry_metrics = QFontMetricsF(entry_font)
        count_width = self._count_width()
        symbol_w, symbol_h = _SYMBOL.width() * s, _SYMBOL.height() * s
        row_h = 22 * s
        text_width = box.width() - symbol_w - 10 * s - count_width - 6 * s
        for entry in rows:
            if isinstance(entry, str):  # a section caption
                painter.setPen(_DIM)
                painter.setFont(caption_font)
                painter.drawText(
                    QRectF(x, y + 6 * s, box.width(), 18 * s),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    _SECTION_TITLES.get(entry, entry.upper()),
                )
                y += 26 * s
                continue
            symbol = QRectF(x, y + (row_h - symbol_h) / 2, symbol_w, symbol_h)
            painter.save()
            if entry.section == "node":
                fill = QColor(entry.colour)
                painter.translate(symbol.center())
                painter.setBrush(fill)
                painter.setPen(QPen(fill.darker(135), 1.0))
                painter.drawPath(node_shape(entry.shape, symbol_w, symbol_h))
            elif entry.section == "tie":
                pen = QPen(QColor(entry.colour), 1.8 * s)
                pen.setStyle(
                    {"dashed": Qt.PenStyle.DashLine, "dotted": Qt.PenStyle.DotLine}.get(
                        entry.line_style, Qt.PenStyle.SolidLine
                    )
                )
                painter.setPen(pen)
                mid = symbol.center().y()
                painter.drawLine(QPointF(symbol.left(), mid), QPointF(symbol.right() - 5 * s, mid))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(entry.colour))
                tip = QPointF(symbol.right(), mid)
                painter.drawPolygon(
                    [tip, QPointF(tip.x() - 7 * s, mid - 3.5 * s), QPointF(tip.x() - 7 * s, mid + 3.5 * s)]
                )
            elif entry.shape:  # heat: not ranked, a dimmed node
                colour = QColor(entry.colour)
                colour.setAlphaF(0.35)
                painter.translate(symbol.center())
                painter.setBrush(colour)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawPath(node_shape("rounded-rectangle", symbol_w, symbol_h))
            else:  # heat: the halo colour from a likelihood of 0 (faint) to 1 (strong), as the canvas draws it
                gradient = QLinearGradient(symbol.topLeft(), symbol.topRight())
                # Opaque, blended on the page's white: a PDF drops a gradient's transparency (it printed solid red).
                warm = QColor(entry.colour)
                faint, strong = (
                    QColor.fromRgbF(*(1 - a + a * c for c in (warm.redF(), warm.greenF(), warm.blueF())))
                    for a in HEAT_ALPHA
                )
                gradient.setColorAt(0, faint)
                gradient.setColorAt(1, strong)
                painter.setBrush(QBrush(gradient))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawRoundedRect(symbol, 4 * s, 4 * s)
            painter.restore()
            painter.setFont(entry_font)
            painter.setPen(_INK)
            label = entry_metrics.elidedText(entry.label, Qt.TextElideMode.ElideRight, text_width)
            painter.drawText(
                QRectF(x + symbol_w + 10 * s, y, text_width, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            if entry.count is not None:
                painter.setPen(_DIM)
                painter.drawText(
                    QRectF(box.right() - count_width, y, count_width, row_h),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    f"{entry.count:,}",
                )
            y += row_h


def _font(pixels: float, *, bold: bool = False) -> QFont:
    """A font of ``pixels`` logical pixels: the same size on every device whatever its resolution."""
    font = QFont(QApplication.font())
    font.setPixelSize(max(1, round(pixels)))
    font.setBold(bold)
    return font


def _positions(projection, given: Mapping | None) -> dict:
    """Where each node goes.

    ``given`` comes first, then its stored place, then the by-level layout the app computes at open.
    """
    # Keyed by text: callers hold rdflib terms or plain strings, which do not compare equal.
    chosen = {str(k): (float(v[0]), float(v[1])) for k, v in (given or {}).items()}
    positions = {}
    for iri, view in projection.nodes.items():
        place = chosen.get(str(iri))
        if place is not None and all(math.isfinite(c) and abs(c) < 1e7 for c in place):
            positions[iri] = place
        elif view.x is not None and view.y is not None:
            positions[iri] = (view.x, view.y)
    if len(positions) < len(projection.nodes):
        # The layout the app computes when it opens a map.
        from explorer.layout.placement import initial_positions

        for iri, place in initial_positions(projection).items():
            positions.setdefault(iri, place)
    return positions


def _levels_in_bands(projection, positions: dict, bands: list) -> bool:
    """Whether every placed node sits in its own level's band (as a by-level layout puts it)."""
    spans = {level: (top, bottom) for level, top, bottom, _ in bands}
    for key, (_, y) in positions.items():
        view = projection.nodes.get(key)
        if view is None:
            continue
        span = spans.get(view.level)
        if span is None or not span[0] <= y < span[1]:
            return False
    return bool(bands)


def _undim_labels(canvas, projection, schema) -> None:
    """In an image, a node the heat leaves unranked is dimmed in its fill, never in its text; the change is not dimmed.

    The canvas dims such a node whole (its opacity): on paper its name would be
    unreadable. Here it keeps full opacity, a pale fill and a dashed outline, and dark text.
    """
    from explorer.core.namespaces import RX

    for iri, item in canvas.node_items.items():
        if item.opacity() >= 1.0:
            continue
        item.setOpacity(1.0)
        view = projection.nodes.get(iri)
        if view is not None and any(schema.is_a(view.kind, c) for c in (RX.ChangeProposal, RX.ChangeComponent)):
            continue  # the change itself (and its parts) keeps its own look
        fill = QColor(item.brush().color())
        pale = QColor.fromRgbF(*(0.35 * c + 0.65 for c in (fill.redF(), fill.greenF(), fill.blueF())))
        item.setBrush(pale)
        item.setPen(QPen(fill.darker(120), 1.2, Qt.PenStyle.DashLine))
        item.text_colour = QColor(_INK)
        item.update()


def _record_scene(projection, schema, positions: dict, heat: Mapping | None, levels: frozenset | None = None):
    """On the GUI thread: draw the map on a private canvas, record its scene; returns (picture, source, bands).

    With ``levels``, only the bands from the highest of them to the lowest are kept (the picture spans them only).
    """
    from explorer.ui.canvas.view import MapCanvas
    from explorer.ui.common.shapes import NODE_H, NODE_W

    app = ensure_app()
    canvas = MapCanvas()
    try:
        canvas.apply_theme(dark=False)
        canvas.resize(1200, 800)
        canvas.set_map(projection, schema, positions)
        while canvas.building:
            # Big maps make their node items a few hundred per turn of the event loop.
            app.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 50)
        if heat:
            scores = {URIRef(str(k)): float(v) for k, v in heat.items()}
            canvas.set_heat({k: v for k, v in scores.items() if k in projection.nodes and math.isfinite(v)})
            _undim_labels(canvas, projection, schema)
        scene = canvas.scene()
        shades = {}
        for item in scene.items():
            if isinstance(item, QGraphicsSimpleTextItem):
                item.setVisible(False)  # band names are drawn in the image's margin, at a readable size
            elif (
                isinstance(item, QGraphicsRectItem)
                and not item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
            ):
                shades[round(item.rect().top(), 3)] = item.brush().color().name()
            if item.cacheMode() != QGraphicsItem.CacheMode.NoCache:
                item.setCacheMode(
                    QGraphicsItem.CacheMode.NoCache
                )  # a cache would make the ties a bitmap in SVG and PDF
        bands = [
            (band.level, band.top, band.bottom, shades.get(round(band.top, 3), _BAND_SHADES[i % 3]))
            for i, band in enumerate(canvas.bands)
        ]
        if levels:
            bands = [b for b in bands if min(levels) <= b[0] <= max(levels)]
        if not _levels_in_bands(projection, positions, bands):
            # A force-directed or circular layout mixes the levels: named bands would mislabel nodes.
            canvas.set_bands_visible(False)
            bands = []
        xs = [x for x, _ in positions.values()]
        ys = [y for _, y in positions.values()]
        if xs:
            left, right = min(xs) - NODE_W / 2 - 40, max(xs) + NODE_W / 2 + 40
        else:
            left, right = -600.0, 600.0
        top = bands[0][1] if bands else (min(ys) - NODE_H / 2 - 40 if ys else -400.0)
        bottom = bands[-1][2] if bands else (max(ys) + NODE_H / 2 + 40 if ys else 400.0)
        source = QRectF(left, top, max(right - left, NODE_W * 3), max(bottom - top, NODE_H * 3))
        picture = QPicture()
        painter = QPainter(picture)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # Recorded at 100 % zoom, where the canvas draws labels and arrowheads; played back at any scale.
        scene.render(painter, QRectF(source), QRectF(source), Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.end()
        label_px = canvas.label_font.pointSizeF() * LOGICAL_DPI / 72 if canvas.label_font.pointSizeF() > 0 else 12.7
        return picture, source, bands, label_px
    finally:
        canvas.clear_map()
        canvas.deleteLater()


def draw_map(
    document,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    heat: Mapping[str, float] | None = None,
    projection=None,
    schema=None,
    positions: Mapping | None = None,
    legend: bool = True,
    progress: Callable[[int, int], None] | None = None,
    date: dt.date | None = None,
    max_size: tuple[float, float] | None = None,
    text_scale: float = 1.0,
    legend_at: str = "right",
    levels: Iterable[int] | None = None,
) -> MapDrawing:
    """Draw ``document``'s map, ready to paint at any size (see :class:`MapDrawing`).

    Parameters
    ----------
    document : MapDocument
        The map.
    title, subtitle : str, optional
        Shown at the top (default: the map's title; its nodes, ties and levels).
    heat : mapping of str to float, optional
        The analysis's likelihood of resistance (0–1) by node IRI, drawn as the canvas's heat overlay
        on its fixed scale (the warmer, the likelier).
    projection, schema, positions : optional
        What the app already has (otherwise read from the document; positions
        default to the stored ones, then the by-level layout).
    legend : bool
        Draw the legend panel.
    progress : callable, optional
        ``progress(done, total)``; may raise to cancel.
    date : date, optional
        The date in the footer (today by default).
    max_size : (float, float), optional
        Largest map area in logical pixels (default :data:`MAX_MAP_WIDTH` x :data:`MAX_MAP_HEIGHT`).
    text_scale : float
        Enlarges the title, band names, legend and footer (for a map printed small, as in a report).
    legend_at : str
        ``"right"`` of the map, or ``"bottom"`` in columns under it.
    levels : iterable of int, optional
        Draw only these levels (3 macro, 2 meso, 1 micro): their nodes where the whole map puts them, the ties
        among them, and their bands (with any between them), so a figure of one level has no empty bands
        of the others. All levels by default.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> [band[0] for band in draw_map(doc, levels=(2,)).bands]
    [2]
    >>> doc.close()
    """
    if legend_at not in ("right", "bottom"):
        raise ExplorerError(f'The legend goes "right" or "bottom", not {legend_at!r}.')
    if not (isinstance(text_scale, (int, float)) and 0.5 <= text_scale <= 4):
        raise ExplorerError(f"The text scale must be a number from 0.5 to 4, not {text_scale!r}.")
    from explorer.core.projection import Projection
    from explorer.core.schema import schema_of

    shown_levels = _levels(levels)
    total = 4
    report = progress or (lambda done, total: None)
    report(0, total)
    if schema is None:
        schema = schema_of(document)
    if projection is None:
        projection = Projection.build(document.store, schema)
    report(1, total)
    placed = _positions(projection, positions)
    if shown_levels is not None:
        # Placed with the whole map first: a node the map gives no place goes where it would in the whole map.
        projection = _only_levels(projection, shown_levels)
        placed = {k: v for k, v in placed.items() if k in projection.nodes}
    report(2, total)
    picture, source, bands, label_px = on_gui_thread(_record_scene, projection, schema, placed, heat, shown_levels)
    report(3, total)
    nodes, ties = len(projection.nodes), len(projection.ties)
    name = document.path.name if getattr(document, "path", None) else "an unsaved map"
    when = date or dt.date.today()
    details = read_details(document.store)
    if subtitle is None:
        subtitle = f"{nodes:,} nodes and {ties:,} ties, by level: macro (society), meso (organisations), micro (people)"
    drawing = MapDrawing(
        picture=picture,
        source=source,
        bands=bands,
        legend=legend_entries(projection, schema, heat=bool(heat)) if legend else [],
        title=one_line(title if title is not None else document.title, _TITLE_LIMIT) or "Untitled map",
        subtitle=one_line(subtitle, _TITLE_LIMIT),
        footer=f"Routine Explorer {__version__} · {name} · {when.isoformat()}",
        heat=bool(heat),
        nodes=nodes,
        text_scale=float(text_scale),
        legend_at=legend_at,
        label_px=label_px,
        author=authorship(details),
        description=one_line(details.description, 1000),
    )
    _lay_out(drawing, max_size or (MAX_MAP_WIDTH, MAX_MAP_HEIGHT))
    report(4, total)
    return drawing


def _levels(levels) -> frozenset | None:
    """``levels`` as a set of level numbers (None for all), or an ExplorerError saying what levels are."""
    if levels is None:
        return None
    chosen = list(levels) if not isinstance(levels, (str, bytes)) else [levels]
    if not chosen or any(isinstance(v, bool) or v not in (1, 2, 3) for v in chosen):
        raise ExplorerError(f"The levels to draw are some of 3 (macro), 2 (meso) and 1 (micro), not {levels!r}.")
    return frozenset(int(v) for v in chosen)


def _only_levels(projection, levels: frozenset):
    """A copy of ``projection`` with the nodes of ``levels`` only, and the ties among them (the original is shared)."""
    import copy

    shown = copy.copy(projection)  # its views are frozen: new dicts of the same views
    shown.nodes = {k: v for k, v in projection.nodes.items() if v.level in levels}
    shown.ties = {k: t for k, t in projection.ties.items() if t.source in shown.nodes and t.target in shown.nodes}
    return shown


def _legend_rows(entries: list) -> list:
    """The legend as rows: a section's name (a str) before its first entry."""
    rows, section = [], None
    for entry in entries:
        if entry.section != section:
            section = entry.section
            rows.append(section)
        rows.append(entry)
    return rows


def _lay_out(drawing: MapDrawing, max_size: tuple[float, float]) -> None:
    """Sizes and places of the page's parts, in logical pixels."""
    ensure_app()
    s = drawing.text_scale
    source = drawing.source
    width, height = max_size
    if not (width >= 100 and height >= 100):
        raise ExplorerError(f"The map area must be at least 100 x 100 pixels, not {width!r} x {height!r}.")
    zoom = min(1.0, width / source.width(), height / source.height())
    drawing.zoom = zoom
    margin, gutter, gap = _MARGIN * s, _GUTTER * s, _LEGEND_GAP * s
    map_w, map_h = source.width() * zoom + gutter, source.height() * zoom
    title_font, sub_font, footer_font = drawing._font(22, bold=True), drawing._font(13), drawing._font(10.5)
    title_h, subtitle_h = QFontMetricsF(title_font).height(), QFontMetricsF(sub_font).height()
    footer_h = QFontMetricsF(footer_font).height() + 6 * s
    rows = _legend_rows(drawing.legend)
    column_w = drawing._legend_width()

    def rows_height(chunk: list) -> float:
        return 28 * s + sum(26 * s if isinstance(r, str) else 22 * s for r in chunk)

    top = margin + title_h + 4 * s + subtitle_h + 16 * s
    if not rows:
        columns, chunks, body_w, body_h = [], [], map_w, map_h
    elif drawing.legend_at == "bottom":
        count = max(1, min(4, int((map_w + gap) // (column_w + gap))))
        per = -(-len(rows) // count)
        chunks = [rows[i : i + per] for i in range(0, len(rows), per)]
        for index in range(1, len(chunks)):  # a section's name never ends a column
            if isinstance(chunks[index - 1][-1], str):
                chunks[index].insert(0, chunks[index - 1].pop())
        legend_top = top + map_h + 18 * s
        columns = [
            QRectF(margin + i * (column_w + gap), legend_top, column_w, rows_height(chunk))
            for i, chunk in enumerate(chunks)
        ]
        body_w = max(map_w, len(chunks) * (column_w + gap) - gap)
        body_h = map_h + 18 * s + max(c.height() for c in columns)
    else:
        chunks = [rows]
        columns = [QRectF(margin + map_w + gap, top, column_w, rows_height(rows))]
        body_w, body_h = map_w + gap + column_w, max(map_h, columns[0].height())
    page_w = max(margin * 2 + body_w, 640.0 * s)
    page_h = top + body_h + 10 * s + footer_h + margin
    text_w = page_w - 2 * margin
    drawing.size = QSizeF(page_w, page_h)
    title_rect = QRectF(margin, margin, text_w, title_h)
    drawing._layout = {
        "title": QFontMetricsF(title_font).elidedText(drawing.title, Qt.TextElideMode.ElideRight, text_w),
        "subtitle": QFontMetricsF(sub_font).elidedText(drawing.subtitle, Qt.TextElideMode.ElideRight, text_w),
        "title_rect": title_rect,
        "subtitle_rect": QRectF(margin, title_rect.bottom() + 4 * s, text_w, subtitle_h),
        "footer_rect": QRectF(margin, page_h - margin - footer_h + 6 * s, text_w, footer_h),
        "gutter": gutter,
        "map": QRectF(margin, top, map_w, map_h),
        "columns": columns,
        "legend_columns": chunks,
    }


# ----------------------------------------------------------------------------- outputs
def _pixel_scale(scale: float | None, dpi: float | None) -> float:
    if dpi is not None:
        if not (isinstance(dpi, (int, float)) and 10 <= dpi <= 2400):
            raise ExplorerError(f"DPI must be a number from 10 to 2400, not {dpi!r}.")
        return float(dpi) / LOGICAL_DPI
    scale = 1.0 if scale is None else scale
    if not (isinstance(scale, (int, float)) and 0.05 <= scale <= 20):
        raise ExplorerError(f"Scale must be a number from 0.05 to 20, not {scale!r}.")
    return float(scale)


def png_size(drawing: MapDrawing, *, scale: float | None = None, dpi: float | None = None) -> QSize:
    """The PNG's size in pixels at ``scale`` (or ``dpi``): the drawing's logical size times ``scale``."""
    factor = _pixel_scale(scale, dpi)
    return QSize(max(1, round(drawing.size.width() * factor)), max(1, round(drawing.size.height() * factor)))


def render_png(drawing: MapDrawing, *, scale: float | None = None, dpi: float | None = None) -> bytes:
    """The drawing as PNG bytes, ``scale`` times its logical size (or at ``dpi``, 96 being 1:1)."""
    factor = _pixel_scale(scale, dpi)
    size = png_size(drawing, scale=scale, dpi=dpi)
    if size.width() > MAX_SIDE or size.height() > MAX_SIDE or size.width() * size.height() > MAX_PIXELS:
        raise ExplorerError(
            f"The image would be {size.width():,} x {size.height():,} pixels, more than this app makes "
            f"({MAX_SIDE:,} a side, {MAX_PIXELS / 1e6:.0f} million in all). "
            "Choose a smaller scale or DPI, or SVG or PDF."
        )
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise ExplorerError(
            f"Not enough memory for a {size.width():,} x {size.height():,} pixel image; choose a smaller scale."
        )
    # Fonts in points follow the device's resolution: paint at 96 dpi, scaled, then record the DPI asked for.
    dots = round(LOGICAL_DPI / 0.0254)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    # One factor for both axes: a slightly different x and y scale (from rounding) makes Qt draw
    # every glyph as a path, 15x slower on a 10k-node map.
    painter.scale(factor, factor)
    drawing.paint(painter)
    painter.end()
    dots = round(LOGICAL_DPI * factor / 0.0254)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    image.setText("Title", drawing.title)
    image.setText("Software", f"Routine Explorer {__version__}")
    for key, text in (("Author", drawing.author), ("Description", drawing.description)):
        if text:
            image.setText(key, text)
    return _save_image(image, "PNG")


def _save_image(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise ExplorerError(f"The {fmt} image could not be encoded.")
    buffer.close()
    return bytes(data)


def render_svg(drawing: MapDrawing) -> bytes:
    """The drawing as SVG (vector; node labels are ``<text>`` elements)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setResolution(round(LOGICAL_DPI))
    width, height = drawing.size.width(), drawing.size.height()
    generator.setSize(QSize(round(width), round(height)))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(drawing.title)
    generator.setDescription(f"{drawing.subtitle}. {drawing.footer}")
    painter = QPainter(generator)
    drawing.paint(painter)
    painter.end()
    buffer.close()
    return bytes(data)


def render_pdf(drawing: MapDrawing, *, page_size: str | None = None) -> bytes:
    """The drawing as a one-page vector PDF: a page of its own size, or ``page_size`` (``"A4"``, ``"A3"``…) fitted."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(round(LOGICAL_DPI))
    writer.setTitle(drawing.title)
    writer.setCreator(f"Routine Explorer {__version__}")
    set_pdf_details(writer, author=drawing.author, subject=drawing.description)
    width, height = drawing.size.width(), drawing.size.height()
    if page_size is None or str(page_size).lower() in ("", "fit", "auto"):
        points = QSizeF(width * 72 / LOGICAL_DPI, height * 72 / LOGICAL_DPI)
        layout = QPageLayout(
            QPageSize(points, QPageSize.Unit.Point, "Map", QPageSize.SizeMatchPolicy.ExactMatch),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    else:
        key = str(page_size).lower()
        if key not in PAGE_SIZES:
            raise ExplorerError(
                f"Unknown page size {page_size!r}. "
                f"Known: fit, {', '.join(k.upper() if k[0] == 'a' else k for k in PAGE_SIZES)}."
            )
        wide = QPageLayout.Orientation.Landscape if width >= height else QPageLayout.Orientation.Portrait
        tall = QPageLayout.Orientation.Portrait if width >= height else QPageLayout.Orientation.Landscape
        choices = []
        placements = (drawing.legend_at, "bottom" if drawing.legend_at == "right" else "right")
        for rank, (orientation, legend_at) in enumerate((o, p) for p in placements for o in (wide, tall)):
            layout = QPageLayout(
                QPageSize(PAGE_SIZES[key]), orientation, QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter
            )
            area = QRectF(layout.paintRectPixels(writer.resolution()))
            laid, fit = _for_paper(drawing, area, legend_at)
            pages = len(_tiles(laid.size.width() * fit, laid.size.height() * fit, area))
            choices.append((pages, rank, layout, laid, fit))
        # Labels stay at print size in every choice: the orientation and legend place needing fewest pages win.
        _, _, layout, drawing, fit = min(choices, key=lambda c: (c[0], c[1]))
        width, height = drawing.size.width(), drawing.size.height()
    writer.setPageLayout(layout)
    area = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
    if page_size is None or str(page_size).lower() in ("", "fit", "auto"):
        fit = min(area.width() / width, area.height() / height)
    painter = QPainter(writer)
    if not painter.isActive():
        raise ExplorerError("The PDF could not be started.")
    tiles = _tiles(width * fit, height * fit, area)
    for number, (x, y) in enumerate(tiles):
        if number:
            writer.newPage()
        painter.save()
        painter.setClipRect(QRectF(0, 0, area.width(), area.height()))
        if len(tiles) == 1:
            painter.translate((area.width() - width * fit) / 2, (area.height() - height * fit) / 2)
        else:
            painter.translate(-x, -y)
        painter.scale(fit, fit)
        drawing.paint(painter)
        painter.restore()
        if len(tiles) > 1:
            _paint_part(painter, area, number, len(tiles), drawing)
    painter.end()
    buffer.close()
    return bytes(data)


def set_pdf_details(writer: QPdfWriter, *, author: str = "", subject: str = "") -> None:
    """Give a PDF its author and subject where this Qt can (``setAuthor`` since Qt 6.8; no ``setSubject`` yet)."""
    for name, text in (("setAuthor", author), ("setSubject", subject)):
        if text and hasattr(writer, name):
            getattr(writer, name)(text)


def print_label_pt(drawing: MapDrawing, fit: float = 1.0) -> float:
    """How high a node label prints, in points, when the drawing is scaled by ``fit`` (1: its own size).

    Examples
    --------
    >>> print_label_pt(MapDrawing(QPicture(), QRectF(), [], [], "", "", "", False, 0, zoom=0.5, label_px=12))
    4.5
    """
    return drawing.label_px * drawing.zoom * fit * 72 / LOGICAL_DPI


def _for_paper(drawing: MapDrawing, area: QRectF, legend_at: str) -> tuple[MapDrawing, float]:
    """The drawing laid out for paper, and its scale: node labels and the page's own text at least MIN_PRINT_PT.

    The page's text (legend, band names, footer) is enlarged for the page; the
    map is scaled down to fit the paper only as far as its labels stay readable,
    and :func:`render_pdf` splits what is left over across pages.
    """
    from dataclasses import replace

    need = MIN_PRINT_PT / max(print_label_pt(drawing), 1e-6)  # the scale at which labels print at the minimum
    size = (max(100.0, drawing.source.width() * drawing.zoom), max(100.0, drawing.source.height() * drawing.zoom))
    if legend_at != drawing.legend_at:
        drawing = replace(drawing, legend_at=legend_at, _layout={})
        _lay_out(drawing, size)
    fit = max(need, min(area.width() / drawing.size.width(), area.height() / drawing.size.height()))
    text_pt = _SMALLEST_TEXT_PX * drawing.text_scale * fit * 72 / LOGICAL_DPI
    if text_pt < MIN_PRINT_PT:
        drawing = replace(drawing, text_scale=min(4.0, drawing.text_scale * MIN_PRINT_PT / text_pt), _layout={})
        _lay_out(drawing, size)
        fit = max(need, min(area.width() / drawing.size.width(), area.height() / drawing.size.height()))
    return drawing, fit


def _tiles(width: float, height: float, area: QRectF) -> list[tuple[float, float]]:
    """Top-left corners of the pages a ``width`` x ``height`` drawing takes on paper of ``area``, rows first."""
    step_x, step_y = area.width() - _PAGE_OVERLAP, area.height() - _PAGE_OVERLAP
    columns = max(1, math.ceil((width - _PAGE_OVERLAP) / step_x - 1e-6))
    rows = max(1, math.ceil((height - _PAGE_OVERLAP) / step_y - 1e-6))
    return [(c * step_x, r * step_y) for r in range(rows) for c in range(columns)]


def _paint_part(painter: QPainter, area: QRectF, number: int, count: int, drawing: MapDrawing) -> None:
    """Say on a page of a split map which part it is, so the pages can be laid side by side."""
    font = _font(MIN_PRINT_PT * LOGICAL_DPI / 72 + 1)
    text = f"{drawing.title} · part {number + 1} of {count}"
    metrics = QFontMetricsF(font)
    box = QRectF(area.width() - metrics.horizontalAdvance(text) - 12, 2, metrics.horizontalAdvance(text) + 10, 0)
    box.setHeight(metrics.height() + 4)
    painter.save()
    painter.setFont(font)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 230))
    painter.drawRoundedRect(box, 3, 3)
    painter.setPen(_DIM)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def _drawing_for(document, title, heat, progress, options) -> MapDrawing:
    keys = (
        "subtitle",
        "projection",
        "schema",
        "positions",
        "legend",
        "date",
        "max_size",
        "text_scale",
        "legend_at",
        "levels",
    )
    unknown = set(options) - set(keys)
    if unknown:
        raise ExplorerError(f"Unknown image option(s): {', '.join(sorted(unknown))}.")
    steps = (lambda done, total: progress(done, total + 1)) if progress else None
    return draw_map(document, title=title, heat=heat, progress=steps, **options)


def write_png(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    scale: float | None = None,
    dpi: float | None = None,
    **options,
) -> None:
    """Write the map as a PNG image ``scale`` times its logical size (or at ``dpi``; 96 dpi is scale 1).

    Other options are those of :func:`draw_map` (``subtitle``, ``positions``, …).
    """
    drawing = _drawing_for(document, title, heat, progress, options)
    atomic_write(path, render_png(drawing, scale=scale, dpi=dpi))
    if progress:
        progress(5, 5)


def write_svg(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **options,
) -> None:
    """Write the map as an SVG image (vector, labels as text)."""
    drawing = _drawing_for(document, title, heat, progress, options)
    atomic_write(path, render_svg(drawing))
    if progress:
        progress(5, 5)


def write_pdf(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    page_size: str | None = None,
    **options,
) -> None:
    """Write the map as a one-page vector PDF (``page_size`` "A4", "A3"… fits it to paper; default: its own size)."""
    drawing = _drawing_for(document, title, heat, progress, options)
    atomic_write(path, render_pdf(drawing, page_size=page_size))
    if progress:
        progress(5, 5)


def map_png(document, *, width: float | None = None, scale: float = 2.0, **options) -> bytes:
    """The map as PNG bytes for a report: ``scale`` x its logical size, or ``width`` pixels wide.

    ``options`` are those of :func:`draw_map` (``title``, ``heat``, ``positions``, …).
    """
    drawing = draw_map(document, **options)
    if width is not None:
        scale = max(0.05, min(20.0, width / drawing.size.width()))
    return render_png(drawing, scale=scale)
