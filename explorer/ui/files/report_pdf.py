"""The change report as PDF: the HTML report laid out by Qt's QTextDocument on pages, through QPdfWriter.

The page is the same report as :mod:`explorer.io.report` (one template), made
for print: charts as PNG (QTextDocument shows no SVG), images as wide as the
text, major sections on new pages. The map is not an image here: a custom text
object paints the :class:`~explorer.ui.canvas.image_export.MapDrawing` straight onto
the page, so the printed map is vectors and its labels are text, sharp at any
zoom. The whole map, shrunk to the page, shows its shape; its names are then too
small to read on paper, so each level follows in figures of its own, its nodes in
rows narrow enough that their names print at :data:`LABEL_MIN_PT` or more
(:func:`level_drawings`); a level too big for that shows its nodes most likely to resist and says where
the rest are, so the report stays a readable length. QTextDocument paginates; a heading that would end a page
moves to the next one with what it heads (:meth:`ReportPages.keep_headings`); each page is
painted here with a footer (the report's title, the page number), so a page
can also be painted onto an image to look at it (:meth:`ReportPages.page_image`).
Text stays text: it can be searched, copied and read back.

Works headless, like :mod:`explorer.ui.canvas.image_export`: without a running
application one is created on the ``offscreen`` platform.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPyTextObject,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from explorer import __version__
from explorer.core.atomic_file import atomic_write
from explorer.core.errors import ExplorerError
from explorer.core.presentation import LEVEL_HINTS, level_title
from explorer.ui.canvas.image_export import (
    LOGICAL_DPI,
    PAGE_SIZES,
    MapDrawing,
    draw_map,
    ensure_app,
    in_qt_thread,
    map_png,
    set_pdf_details,
)

#: Page margins in millimetres (left, top, right, bottom).
MARGINS_MM = (18.0, 16.0, 18.0, 14.0)
#: Height of the footer band under the text, in logical pixels.
FOOTER = 26.0
#: The image source the report's template gets for the map; the map object replaces it.
MAP_PLACEHOLDER = "rx-report:map"
#: The smallest size, in points on paper, of a node's name in the report's figures of each level.
LABEL_MIN_PT = 7.0
#: Grid of a level's figure, in scene pixels: the distance between neighbouring nodes across and down.
GRID_STEP = (175.0, 92.0)
#: Rows of nodes in one figure of a level; more nodes go on to the next figure.
GRID_ROWS = 6
#: Figures a level may fill with all its nodes (144 nodes on A4); a bigger level shows only its likeliest to resist.
LEVEL_FIGURES = 6
#: Figures of a bigger level's nodes most likely to resist (48 nodes on A4), so a report stays a readable length.
LEVEL_FIGURES_SHOWN = 2
_MAP_OBJECT = QTextFormat.ObjectTypes.UserObject.value + 1
_MAP_NAME = QTextFormat.Property.UserProperty.value + 1


class _MapObject(QPyTextObject):  # PySide's stand-in for QObject + QTextObjectInterface
    """Paints the MapDrawings where the report has its maps (by their placeholder's name), as wide as the text."""

    def __init__(self, drawings: dict, width: float) -> None:
        super().__init__()
        self.drawings = drawings
        self.width = width

    def _drawing(self, fmt) -> MapDrawing:
        return self.drawings[fmt.property(_MAP_NAME)]

    def intrinsicSize(self, document, position, fmt) -> QSizeF:  # noqa: N802 - Qt API
        size = self._drawing(fmt).size
        return QSizeF(self.width, self.width * size.height() / size.width())

    def drawObject(self, painter, rect, document, position, fmt) -> None:  # noqa: N802 - Qt API
        drawing = self._drawing(fmt)
        painter.save()
        painter.translate(rect.topLeft())
        factor = rect.width() / drawing.size.width()
        painter.scale(factor, factor)
        drawing.paint(painter)
        painter.restore()
        painter.save()
        painter.setPen(QPen(QColor("#d5dae1"), 0.8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        painter.restore()


class ReportPages:
    """An HTML report laid out on pages of ``page_size`` ("A4", "letter"…); paint them to a PDF or to images.

    Examples
    --------
    >>> pages = ReportPages("<h1>Board paper</h1><p>Text</p>", title="Board paper")
    >>> pages.count, len(pages.pdf()) > 1000
    (1, True)
    """

    def __init__(
        self,
        html: str,
        *,
        title: str = "",
        page_size: str = "A4",
        map_drawing: MapDrawing | None = None,
        drawings: dict | None = None,
        author: str = "",
        subject: str = "",
    ) -> None:
        ensure_app()
        key = str(page_size).lower()
        if key not in PAGE_SIZES:
            raise ExplorerError(
                f"Unknown page size {page_size!r}. "
                f"Known: {', '.join(k.upper() if k[0] == 'a' else k for k in PAGE_SIZES)}."
            )
        self.title = title
        self.author, self.subject = author, subject
        self.layout = QPageLayout(
            QPageSize(PAGE_SIZES[key]),
            QPageLayout.Orientation.Portrait,
            QMarginsF(*MARGINS_MM),
            QPageLayout.Unit.Millimeter,
        )
        # Lay the text out with a PDF device's font metrics (at 96 dpi, the report's logical pixels),
        # so pages painted on an image break where the PDF's do.
        self._metrics_buffer = QBuffer()
        self._metrics_buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self._metrics_device = self._writer(self._metrics_buffer)
        area = self.layout.paintRectPixels(round(LOGICAL_DPI))
        self.text_width = float(area.width())
        self.body_height = float(area.height()) - FOOTER
        self.document = QTextDocument()
        self.document.documentLayout().setPaintDevice(self._metrics_device)
        font = QFont(self.document.defaultFont())
        font.setPointSizeF(10.5)
        self.document.setDefaultFont(font)
        self.document.setDocumentMargin(0)
        self.document.setPageSize(QSizeF(self.text_width, self.body_height))
        self.document.setHtml(html)
        self._map_object = None
        drawings = dict(drawings or {})
        if map_drawing is not None:
            drawings[MAP_PLACEHOLDER] = map_drawing
        if drawings:
            self._place_maps(drawings)
        self.keep_headings()

    def _place_maps(self, drawings: dict) -> None:
        """Put the map objects where the template put their placeholder images (keyed by image name)."""
        self._map_object = _MapObject(drawings, self.text_width)
        self.document.documentLayout().registerHandler(_MAP_OBJECT, self._map_object)
        found = []
        block = self.document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat() and fmt.toImageFormat().name() in drawings:
                    found.append((fragment.position(), fragment.length(), fmt.toImageFormat().name()))
                fragments += 1
            block = block.next()
        for position, length, name in reversed(found):  # from the end: earlier positions stay valid
            cursor = QTextCursor(self.document)
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            replacement = QTextCharFormat()
            replacement.setObjectType(_MAP_OBJECT)
            replacement.setProperty(_MAP_NAME, name)
            cursor.insertText("\ufffc", replacement)
        if found:
            # Lay the whole document out again: the blocks after the object keep stale
            # positions (and zero heights) otherwise once pages are involved.
            self.document.markContentsDirty(0, self.document.characterCount())

    def _page_of(self, y: float) -> int:
        return int(y // self.body_height)

    def _first_line_top(self, block) -> float | None:
        """Where the block's first line starts, in document coordinates (None for an empty block)."""
        layout = block.layout()
        if layout is None or layout.lineCount() == 0:
            return None
        rect = self.document.documentLayout().blockBoundingRect(block)
        return rect.top() + layout.lineAt(0).y()

    def _figure_end(self, block) -> float | None:
        """Where the caption under a figure ends, when ``block`` is a figure (a map object alone); else None."""
        if block.text().strip() != "\ufffc":
            return None
        caption = block.next()
        while caption.isValid() and not caption.text().strip():
            caption = caption.next()
        layout = caption.layout() if caption.isValid() else None
        if layout is None or layout.lineCount() == 0:
            return None
        last = layout.lineAt(layout.lineCount() - 1)
        return self.document.documentLayout().blockBoundingRect(caption).top() + last.y() + last.height()

    def keep_headings(self, rounds: int = 60) -> int:
        """Move every heading that would end a page (what it heads starts on the next) to that next page.

        Qt's text layout ignores CSS ``page-break-after: avoid``, so each such heading is pushed down by the room
        left on its page, and the layout read again, until no heading ends a page (headings in document order:
        a move changes only what follows it). A heading over a figure also moves when the figure's caption
        would run on to the next page, where heading, figure and caption fit on one. Returns how many were moved.
        """
        moved = 0
        for _ in range(rounds):
            changed = False
            block = self.document.begin()
            while block.isValid():
                if block.blockFormat().headingLevel() > 0 and block.text().strip():
                    following = block.next()
                    while following.isValid() and not following.text().strip():
                        following = following.next()
                    top, after = self._first_line_top(block), None
                    if following.isValid():
                        after = self._first_line_top(following)
                    split = top is not None and after is not None and self._page_of(after) > self._page_of(top)
                    end = self._figure_end(following) if top is not None and following.isValid() else None
                    if not split and end is not None and end - top < self.body_height - 2:
                        split = self._page_of(end - 0.5) > self._page_of(top)
                    if split:
                        # Push it down by the room left on its page (a page break before it would also do, but
                        # Qt then adds a blank page where earlier moves already brought it to a page's top).
                        fmt = QTextBlockFormat()
                        room = (self._page_of(top) + 1) * self.body_height - top
                        fmt.setTopMargin(block.blockFormat().topMargin() + room + 1)
                        QTextCursor(block).mergeBlockFormat(fmt)
                        moved += 1
                        changed = True
                        break  # the pages after it moved: read the layout again from the start
                block = block.next()
            if not changed:
                break
        return moved

    def _writer(self, device) -> QPdfWriter:
        writer = QPdfWriter(device)
        writer.setResolution(round(LOGICAL_DPI))
        writer.setPageLayout(self.layout)
        writer.setTitle(self.title)
        writer.setCreator(f"Routine Explorer {__version__}")
        set_pdf_details(writer, author=self.author, subject=self.subject)
        return writer

    @property
    def count(self) -> int:
        """Number of pages."""
        return self.document.pageCount()

    def paint_page(self, painter: QPainter, index: int) -> None:
        """Paint page ``index`` (from 0) with the painter's origin at the text area's top-left."""
        top = index * self.body_height
        painter.save()
        clip = QRectF(0, top, self.text_width, self.body_height)
        painter.translate(0, -top)
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        # A hair inside the page: a line that starts exactly at the next page's top is laid out there,
        # and drawn here it would only be clipped, yet stay in the PDF's text (found, copied, read aloud).
        context.clip = clip.adjusted(0, 0.5, 0, -0.5)
        context.palette.setColor(context.palette.ColorRole.Text, QColor("#1d232b"))
        self.document.documentLayout().draw(painter, context)
        painter.restore()
        # The footer: a hairline, the title on the left, the page number on the right.
        y = self.body_height + 8
        painter.save()
        painter.setPen(QPen(QColor("#d5dae1"), 0.8))
        painter.drawLine(QPointF(0, y), QPointF(self.text_width, y))
        font = QFont(self.document.defaultFont())
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(QColor("#5f6875"))
        row = QRectF(0, y + 3, self.text_width, FOOTER - 10)
        width = self.text_width * 0.75
        title = painter.fontMetrics().elidedText(self.title, Qt.TextElideMode.ElideRight, int(width))
        painter.drawText(
            QRectF(row.left(), row.top(), width, row.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        painter.drawText(
            row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{index + 1} / {self.count}"
        )
        painter.restore()

    def pdf(self, progress: Callable[[int, int], None] | None = None) -> bytes:
        """The pages as PDF bytes; ``progress(done, total)`` after each page (may raise to cancel)."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = self._writer(buffer)
        painter = QPainter(writer)
        if not painter.isActive():
            raise ExplorerError("The PDF could not be started.")
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        total = self.count
        try:
            for index in range(total):
                if index:
                    writer.newPage()
                self.paint_page(painter, index)
                if progress is not None:
                    progress(index + 1, total)
        finally:
            painter.end()
            buffer.close()
        return bytes(data)

    def page_image(self, index: int, *, scale: float = 1.0) -> QImage:
        """Page ``index`` as an image, whole (margins included), ``scale`` x 96 dpi: to look at a page."""
        full = self.layout.fullRectPixels(round(LOGICAL_DPI))
        area = self.layout.paintRectPixels(round(LOGICAL_DPI))
        image = QImage(
            round(full.width() * scale), round(full.height() * scale), QImage.Format.Format_ARGB32_Premultiplied
        )
        dots = round(LOGICAL_DPI / 0.0254)
        image.setDotsPerMeterX(dots)
        image.setDotsPerMeterY(dots)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        painter.scale(scale, scale)
        painter.translate(area.left(), area.top())
        self.paint_page(painter, index)
        painter.end()
        return image


def report_pages(
    document,
    analysis,
    *,
    map_image: bytes | None = None,
    title: str | None = None,
    page_size: str = "A4",
    top: int = 10,
    top_k: int | None = None,
    runs: int | None = None,
    generated: dt.datetime | None = None,
    map_options: dict | None = None,
) -> ReportPages:
    """The report on ``analysis`` laid out on pages.

    The map is drawn here as vectors (``map_options`` as for
    :func:`explorer.ui.canvas.image_export.draw_map`: ``positions``, ``projection``…),
    unless ``map_image`` (PNG bytes) is given.
    """
    from explorer.core.map_details import authorship, read_details
    from explorer.core.text import one_line
    from explorer.io.report import report_html

    drawing = None
    figures: list = []
    if map_image is None:
        options = _map_options(analysis, map_options)
        options.pop("scale", None)
        drawing = draw_map(document, **options)
        figures = level_drawings(document, options, text_width=page_text_width(page_size))
    html = report_html(
        document,
        analysis,
        map_image=map_image,
        title=title,
        top=top,
        top_k=top_k,
        runs=runs,
        chart_format="png",
        for_print=True,
        image_width=page_text_width(page_size),
        generated=generated,
        map_src=MAP_PLACEHOLDER if drawing is not None else None,
        level_maps=[{"title": f["title"], "src": f["name"], "caption": f["caption"]} for f in figures],
    )
    pages_title = title if title is not None else f"Where “{analysis.change_label}” may meet resistance"
    return ReportPages(
        html,
        title=one_line(pages_title, 200),
        author=authorship(read_details(document.store)),
        subject=f"A change report on {one_line(document.title, 200)}",
        page_size=page_size,
        map_drawing=drawing,
        drawings={f["name"]: f["drawing"] for f in figures},
    )


def _grid_columns(text_width: float, label_pt: float) -> int:
    """How many nodes a row of a level's figure holds for names of ``label_pt`` on the canvas to print at
    :data:`LABEL_MIN_PT` in ``text_width`` logical pixels (the figure's band names and margins included).

    Examples
    --------
    >>> _grid_columns(658, 9.5), _grid_columns(1000, 9.5), _grid_columns(100, 9.5)
    (4, 6, 1)
    """
    from explorer.ui.common.shapes import NODE_W

    widest = text_width * label_pt / LABEL_MIN_PT  # the widest figure that keeps the names large enough
    room = widest - (74.0 + 2 * 28.0) - (NODE_W + 80.0)  # the band names' margin, the page's, a node and its air
    return max(1, int(room // GRID_STEP[0]) + 1)


def printed_label_pt(drawing: MapDrawing, text_width: float) -> float:
    """The size, in points on paper, of the node names of ``drawing`` printed ``text_width`` logical pixels wide."""
    from explorer.ui.canvas.items import LABEL_PT

    return LABEL_PT * drawing.zoom * text_width / drawing.size.width()


def level_drawings(document, options: dict, *, text_width: float) -> list[dict]:
    """The map level by level, macro first, at a size its names can be read on paper.

    Each level's nodes are set out in rows of as many as keep their names at :data:`LABEL_MIN_PT` or more
    when the figure is ``text_width`` wide, in the order the map places them (left to right, then top
    to bottom), at most :data:`GRID_ROWS` rows to a figure. A level that needs more than
    :data:`LEVEL_FIGURES` figures shows only the nodes most likely to resist (then those with the most
    ties), :data:`LEVEL_FIGURES_SHOWN` figures of them, and says that the whole level is in the whole map
    and the interactive web page: a report of a 10,000-node map stays a few dozen pages, not four hundred.
    The ties among a figure's nodes are drawn; its caption counts those to the level's other nodes.
    ``options`` are :func:`draw_map`'s for the whole map.
    Returns ``{"name", "title", "caption", "drawing"}`` for each figure.
    """
    from explorer.core.projection import Projection
    from explorer.core.schema import schema_of
    from explorer.layout.placement import initial_positions
    from explorer.ui.canvas.items import LABEL_PT

    schema = options.get("schema") or schema_of(document)
    projection = options.get("projection") or Projection.build(document.store, schema)
    given = {str(k): v for k, v in (options.get("positions") or {}).items()}
    places = initial_positions(projection)
    for iri, view in projection.nodes.items():
        if str(iri) in given:
            places[iri] = tuple(given[str(iri)])
        elif view.x is not None and view.y is not None:
            places[iri] = (view.x, view.y)
    heat = options.get("heat") or {}
    columns = _grid_columns(text_width, LABEL_PT)
    per_figure = columns * GRID_ROWS
    degree: dict = {}
    for tie in projection.ties.values():
        degree[tie.source] = degree.get(tie.source, 0) + 1
        degree[tie.target] = degree.get(tie.target, 0) + 1
    # Which figure each shown node is in, every level's split first: then one pass over the ties files
    # each under its figure, or counts it as reaching the level's nodes in another figure or not shown.
    plans = []
    figure_of: dict = {}
    for level in (3, 2, 1):
        everyone = [k for k, v in projection.nodes.items() if v.level == level]
        shown = everyone
        if len(everyone) > LEVEL_FIGURES * per_figure:
            likeliest = sorted(everyone, key=lambda k: (-(heat.get(str(k)) or 0.0), -degree.get(k, 0), str(k)))
            shown = likeliest[: LEVEL_FIGURES_SHOWN * per_figure]
        keys = sorted(
            shown,
            key=lambda k: (places.get(k, (0.0, 0.0))[1] // GRID_STEP[1], places.get(k, (0.0, 0.0))[0], str(k)),
        )
        chunks = [keys[i : i + per_figure] for i in range(0, len(keys), per_figure)]
        for part, chunk in enumerate(chunks):
            for k in chunk:
                figure_of[k] = len(plans) + part
        plans.extend((level, part, len(chunks), chunk, len(everyone)) for part, chunk in enumerate(chunks))
    level_of = {k: v.level for k, v in projection.nodes.items()}
    shown_in = {level: sum(len(plan[3]) for plan in plans if plan[0] == level) for level in (3, 2, 1)}
    ties: list[dict] = [{} for _ in plans]
    elsewhere = [0] * len(plans)
    for key, tie in projection.ties.items():
        one, other = figure_of.get(tie.source), figure_of.get(tie.target)
        if one is not None and one == other:
            ties[one][key] = tie
        elif level_of.get(tie.source) == level_of.get(tie.target):
            for end in {one, other} - {None}:
                elsewhere[end] += 1
    figures = []
    for index, (level, part, parts, chunk, total) in enumerate(plans):
        # Only these nodes and the ties among them: a copy, the projection's views are frozen.
        shown = copy.copy(projection)
        shown.nodes = {k: projection.nodes[k] for k in chunk}
        shown.ties = ties[index]
        names = {str(k) for k in chunk}
        base_y = {3: -1000.0, 2: 0.0, 1: 1000.0}[level]
        grid = {k: (i % columns * GRID_STEP[0], base_y + i // columns * GRID_STEP[1]) for i, k in enumerate(chunk)}
        name = level_title(level)
        count = f" ({part + 1} of {parts})" if parts > 1 else ""
        drawing = draw_map(
            document,
            levels=(level,),  # this level's band only: the empty bands of the others would take a third
            title=f"{name} level{count}",
            subtitle=f"{LEVEL_HINTS[level].capitalize()}: {len(chunk):,} of the level's {total:,} nodes",
            heat={k: v for k, v in heat.items() if k in names},
            projection=shown,
            schema=schema,
            positions=grid,
            legend=False,
            date=options.get("date"),
            max_size=(10_000.0, 10_000.0),  # never shrunk: the figure is as wide as its rows
        )
        figures.append(
            {
                "name": f"{MAP_PLACEHOLDER}:{level}:{part + 1}",
                "title": f"{name}: {LEVEL_HINTS[level]}{count}",
                "caption": _level_caption(name, shown_in[level], total, elsewhere[index]),
                "drawing": drawing,
            }
        )
    return figures


def _level_caption(name: str, shown: int, total: int, elsewhere: int) -> str:
    """The caption of a figure of one level: which of its nodes are there, and where the rest and their ties are.

    Examples
    --------
    >>> print(_level_caption("Meso", 59, 59, 0)[:59])
    The meso level's nodes in rows, in the order the map places
    >>> print(_level_caption("Micro", 48, 1599, 1))  # doctest: +NORMALIZE_WHITESPACE
    The 48 of the micro level's 1,599 nodes most likely to resist (then those with the most ties), in rows, in
    the order the map places them; the ties among them are drawn. All 1,599 are in the whole map above and in
    the interactive web page that File > Export writes. Heat and dimming as there. 1 tie to the level's other
    nodes is not drawn here.
    """
    level = name.lower()
    if shown < total:
        text = (
            f"The {shown:,} of the {level} level's {total:,} nodes most likely to resist (then those with the most "
            "ties), in rows, in the order the map places them; the ties among them are drawn. "
            f"All {total:,} are in the whole map above and in the interactive web page that File > Export writes. "
            "Heat and dimming as there."
        )
    else:
        text = (
            f"The {level} level's nodes in rows, in the order the map places them, so that their names can be read "
            "on paper; the ties among them are drawn, those to other levels are in the whole map above. "
            "Heat and dimming as there."
        )
    if elsewhere:
        where = "the level's other nodes" if shown < total else "this level's nodes in its other figures"
        ties = f"{elsewhere:,} ties to {where} are" if elsewhere != 1 else f"1 tie to {where} is"
        text += f" {ties} not drawn here."
    return text


def page_text_width(page_size: str) -> int:
    """The width of a report page's text in logical pixels (96 dpi), between the margins of :data:`MARGINS_MM`.

    Examples
    --------
    >>> page_text_width("A4"), page_text_width("letter")
    (657, 680)
    """
    key = str(page_size).lower()
    if key not in PAGE_SIZES:
        raise ExplorerError(
            f"Unknown page size {page_size!r}. Known: {', '.join(k.upper() if k[0] == 'a' else k for k in PAGE_SIZES)}."
        )
    layout = QPageLayout(
        QPageSize(PAGE_SIZES[key]),
        QPageLayout.Orientation.Portrait,
        QMarginsF(*MARGINS_MM),
        QPageLayout.Unit.Millimeter,
    )
    return layout.paintRectPixels(round(LOGICAL_DPI)).width()


def _map_options(analysis, given: dict | None) -> dict:
    """How the report draws the map.

    Heat by likelihood, the change as subtitle, and a map area that leaves the legend readable.
    """
    from explorer.core.presentation import HEAT_LEGEND

    options = {
        "heat": {str(p.node): p.likelihood for p in analysis.points},
        "title": analysis.change_label,
        "subtitle": f"Heat: {HEAT_LEGEND} (the warmer, the likelier); nodes the analysis does not rank are dimmed",
        # Printed about 17 cm wide: the legend goes under the map and the text around it is enlarged to stay readable.
        "max_size": (1000.0, 760.0),
        "text_scale": 1.4,
        "legend_at": "bottom",
        "scale": 2.0,
    }
    options.update(given or {})
    return options


def report_map_png(document, analysis, **map_options) -> bytes:
    """The map as the report shows it (heat by likelihood, legend), as PNG bytes; ``map_options`` as for
    :func:`explorer.ui.canvas.image_export.map_png` (``positions``, ``projection``, ``schema``…)."""
    return map_png(document, **_map_options(analysis, map_options))


def generate_report_pdf(
    document,
    path: Path,
    *,
    title: str | None = None,
    change=None,
    weights=None,
    analysis=None,
    map_image: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
    page_size: str = "A4",
    top: int = 10,
    top_k: int = 10,
    seed: int = 0,
    runs: int | None = None,
    generated: dt.datetime | None = None,
    projection=None,
    schema=None,
    positions=None,
    **options,
) -> None:
    """Write the report on ``change`` (the map's only one when None) as a PDF.

    ``analysis`` is reused when it is of ``change``; otherwise the change is
    analysed here with ``weights`` (a file, or the defaults). The map is drawn
    with its heat unless ``map_image`` (PNG bytes) is given; ``projection``,
    ``schema`` and ``positions`` let the app draw it as its canvas shows it.
    """
    from explorer.io.report import ReportError, ensure_analysis

    options.pop("heat", None)  # the report's heat comes from its analysis
    if options:
        raise ReportError(f"Unknown report option(s): {', '.join(sorted(options))}.")
    report = progress or (lambda done, total: None)
    # In hundredths: the analysis is the first 60, the map 15, the page 10, the PDF the rest.
    analysis = ensure_analysis(
        document,
        analysis,
        change=change,
        weights=weights,
        top_k=top_k,
        seed=seed,
        runs=runs,
        progress=lambda done, total: report(60 * done // max(total, 1), 100),
    )
    report(60, 100)
    given = {
        k: v for k, v in (("projection", projection), ("schema", schema), ("positions", positions)) if v is not None
    }

    def make() -> bytes:
        pages = report_pages(
            document,
            analysis,
            map_image=map_image,
            title=title,
            page_size=page_size,
            top=top,
            generated=generated,
            map_options=given,
        )
        report(85, 100)
        return pages.pdf(progress=lambda done, total: report(85 + 14 * done // max(total, 1), 100))

    atomic_write(path, in_qt_thread(make))
    report(100, 100)
