"""The map canvas: nodes by kind in level bands, ties as arrows, built to stay fluid at 10k+ nodes.

Performance choices (measured on this machine, see ``tests/benchmarks/bench_canvas.py``):

* The scene has **no item index** (the default BSP index took 21 s to paint 10k
  nodes with one item per edge) and a fixed scene rect.
* **Ties are batched**: one item per tie style draws all its lines with one
  ``drawLines`` call and its arrowheads with one cached path; hovering and
  clicking a tie is a vectorised nearest-segment search, not an item lookup.
* **Level of detail**: labels and badges hide when zoomed out, arrowheads
  shortly after, and far out (or on maps above :data:`FULL_DETAIL_LIMIT`
  nodes) the node items give way to an **overview** that paints every node of a
  kind as one path.
"""

from __future__ import annotations

from functools import partial
from itertools import chain, compress
from operator import attrgetter

import numpy as np
from PySide6.QtCore import QElapsedTimer, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLineEdit,
    QToolTip,
)
from rdflib import URIRef

from explorer.core.namespaces import ORG, RX
from explorer.core.presentation import (
    HEAT_ALPHA,
    LEVEL_HINTS,
    OTHER_TIE_STYLE,
    PLAIN_TIE_DARK_COLOUR,
    is_membership,
    level_title,
    relation_in_family,
    relation_name,
    tie_style,
)
from explorer.core.schema import MAX_NAME
from explorer.core.terms import local_name
from explorer.core.text import one_line
from explorer.layout.bands import TOP_DOWN, Band, band_at, band_of, bands_for_extents, level_of, settle_drop
from explorer.layout.columns import TieColumns, tie_columns
from explorer.layout.overview import Overview, TieEnds, overview_groups
from explorer.ui.canvas import accessibility
from explorer.ui.canvas.groups import GroupOverviewItem
from explorer.ui.canvas.items import (
    ARROW_ZOOM,
    LABEL_PT,
    LABEL_ZOOM,
    NodeFonts,
    NodeItem,
    OverviewItem,
    clip_to_boxes,
    ensure_pixmap_cache,
    readable_zoom,
)
from explorer.ui.canvas.navigation import reading_order, toward
from explorer.ui.canvas.ties import TieLayer
from explorer.ui.common.shapes import LABEL_WIDTH, NODE_H, NODE_W, label_area, node_shape
from explorer.ui.common.text import safe_tooltip
from explorer.ui.common.theme import text_colour
from explorer.ui.common.workers import Task

#: Above this many nodes the canvas opens in overview mode: filter or focus to draw nodes in full.
FULL_DETAIL_LIMIT = 15_000
#: Nodes a bulk change's redraw handles per turn of the event loop (~25 ms each on this machine's 2 cores).
STEP_NODES = 2_500
#: Above this many ties, ties hide when zoomed out below OVERVIEW_ZOOM.
FAR_TIE_LIMIT = 15_000
#: Up to this many nodes, items are made at once; above, a few hundred per turn of the event loop.
SYNC_BUILD_LIMIT = 2_000
#: Zoom below which node items give way to the overview (names show wherever nodes do).
OVERVIEW_ZOOM = LABEL_ZOOM
#: Keys that end naming in the name box: Return and Enter and Tab save, Escape cancels.
_NAME_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape})
#: Focus leaving the name box for these reasons (a menu, another window) comes back: the box stays open.
_KEEP_OPEN = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)
#: Zoom that walking to a node (Find, the Outline, Checks) leaves the overview for: its name is readable.
FIND_ZOOM = 0.8
#: What the keyboard does on the canvas, for screen readers (the canvas's accessible description).
KEYS_HELP = (
    "The map: nodes by level, ties as arrows. Tab and Shift+Tab go from node to node, band by band, left to "
    "right; the arrow keys go to the nearest node that way (with nothing selected they pan); T goes through "
    "the node's ties and Enter follows a tie to its other end; F2 renames; the Menu key opens the node's "
    "menu; + and - zoom."
)
#: How far in from the view's edge a node walked to by keyboard is kept, in pixels.
_KEEP_IN_VIEW = 60
#: Room Fit Map leaves around the nodes, in pixels (left, top, right, bottom): the band names sit at the left.
FIT_MARGIN = (84, 24, 28, 24)
#: Up to this many node items, labels are arranged for the whole map; above, for the nodes in view.
LABEL_ARRANGE_ALL = 1_500
#: Kinds whose labels show first when labels compete: what the analysis is about.
_LABEL_FIRST = frozenset({RX.ChangeProposal, RX.ChangeComponent, RX.Norm})
#: Opacity of a heat halo at likelihood 0 and 1 (the legends draw the same ramp).


def _kind_colour(schema, kind_iri) -> str:
    """The fill of a node of ``kind_iri``: its kind's colour, grey for a kind the ontology does not know."""
    kind = schema.kind(kind_iri) if schema is not None else None
    return kind.colour if kind is not None else "#8A95A5"


def band_geometry(projection, positions: dict) -> tuple:
    """``(bands, extents, (left, right))`` of the level bands around ``projection``'s nodes at ``positions``.

    ``extents``: ``{"x": (min x, max x), level: (min y, max y)}`` of the nodes, what the bands follow (see
    ``MapCanvas._bands_move``). Qt-free: a big map's load computes it in its worker.

    Examples
    --------
    >>> band_geometry(None, {})[1]
    {'x': (0.0, 0.0)}
    """
    nodes = projection.nodes if projection is not None else {}
    # In numpy: a layout's redraw reads 10k nodes here, and Python's min and max per node took 50 ms.
    get, origin = positions.get, (0.0, 0.0)
    places = np.array([get(iri, origin) for iri in nodes], dtype=float).reshape(-1, 2)
    levels = np.fromiter((level_of(view.level) for view in nodes.values()), dtype=np.int8, count=len(nodes))
    extents: dict = {"x": (float(places[:, 0].min()), float(places[:, 0].max())) if len(places) else (0.0, 0.0)}
    for level in TOP_DOWN:
        ys = places[levels == level, 1]
        if len(ys):
            extents[level] = (float(ys.min()), float(ys.max()))
    bands = bands_for_extents({k: v for k, v in extents.items() if k != "x"}, node_height=NODE_H)
    low, high = extents["x"]
    left, right = low - NODE_W - 160, high + NODE_W + 80
    return bands, extents, (left, max(right, left + 1200))


def read_canvas(projection, schema, positions: dict, *, columns: TieColumns | None = None) -> dict:
    """What :meth:`MapCanvas.set_map` reads before it draws: Qt-free, so a big map's load reads it in its worker.

    ``columns``: the projection's ties as :func:`~explorer.layout.columns.tie_columns` reads them, if read already.

    Examples
    --------
    >>> sorted(read_canvas(None, None, {}))
    ['geometry', 'overview']
    """
    overview = {}
    if projection is not None and len(projection.nodes) > FULL_DETAIL_LIMIT:
        # Too many nodes to draw one by one: the map opens on its units and clusters, no box per node.
        groups = group_overview(projection.nodes, projection.ties, schema, positions, columns=columns)
        return {
            "geometry": band_geometry(projection, positions),
            "overview": overview,
            "groups": groups,
            "levels": levels_of(projection.nodes),
        }
    if projection is not None:
        colours: dict = {}
        for iri, view in projection.nodes.items():
            xy = positions.get(iri)
            if xy is None:
                continue
            colour = colours.get(view.kind)
            if colour is None:
                colour = colours[view.kind] = _kind_colour(schema, view.kind)
            overview[iri] = (colour, xy)
    return {"geometry": band_geometry(projection, positions), "overview": overview}


def levels_of(nodes: dict) -> dict:
    """Each node's level (its order: micro 1, meso 2, macro 3), from a projection's views.

    Examples
    --------
    >>> from collections import namedtuple
    >>> View = namedtuple("View", "level")
    >>> levels_of({"a": View(1), "b": View(3)})
    {'a': 1, 'b': 3}
    """
    return dict(zip(nodes, map(attrgetter("level"), nodes.values())))


def group_overview(nodes: dict, ties: dict, schema, positions: dict, *, columns: TieColumns | None = None) -> Overview:
    """The map's nodes as units and clusters with counts (:func:`~explorer.layout.overview.overview_groups`).

    ``nodes`` and ``ties`` are a projection's views; ``columns``, the same ties as
    :func:`~explorer.layout.columns.tie_columns` reads them, when the caller has them already (the
    first layout of a map just opened reads them too). Units are the nodes of organisation and unit
    kinds; membership is the tie family that says a node belongs to another
    (:func:`~explorer.core.presentation.is_membership`).

    Examples
    --------
    >>> group_overview({}, {}, None, {}).groups
    ()
    """
    if columns is None:
        columns = tie_columns(nodes, ties)
    membership = np.array([is_membership(schema, relation) for relation, _ in columns.ways], dtype=bool)
    links = TieEnds(columns.nodes, columns.source, columns.target, membership[columns.way])
    rows = [(iri, view.level, str(view.kind or ""), view.label) for iri, view in nodes.items()]
    kinds = schema.kinds if schema is not None else {}
    units = {str(k) for k in kinds if schema.is_a(k, ORG.Organization) or schema.is_a(k, ORG.OrganizationalUnit)}
    names = {str(k): kind.label for k, kind in kinds.items()}
    return overview_groups(rows, links, positions, unit_kinds=units, kind_names=names)


def _tie_pen(style: tuple) -> QPen:
    """The pen of a tie style ``(colour, line style, width)``."""
    colour, line, width = style
    pen = QPen(QColor(colour), width)
    pen.setStyle({"dashed": Qt.PenStyle.DashLine, "dotted": Qt.PenStyle.DotLine}.get(line, Qt.PenStyle.SolidLine))
    return pen


class _TieTable:
    """The columns of :meth:`MapCanvas._tie_table`, made from the ties given, one slice at a time."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.visible, self.dark, self.projection = canvas.visible_nodes, canvas._dark, canvas.projection
        self.keys: list = []
        self.styles: list = []
        self.names: list = []
        self.sources: list = []
        self.targets: list = []
        self.looks: dict = {}
        self.numbers: dict = {}

    def current(self) -> bool:
        """Whether the canvas still shows what this table was begun for (its filter, theme and map)."""
        canvas = self.canvas
        return (
            canvas.visible_nodes is self.visible and canvas._dark == self.dark and canvas.projection is self.projection
        )

    def add(self, ties) -> None:
        """Take ``(key, tie)`` pairs into the table."""
        visible, same, looks, numbers = self.visible, str.__eq__, self.looks, self.numbers  # rdflib's == is Python
        for key, tie in ties:
            source, target = tie.source, tie.target
            if same(source, target):
                continue
            if visible is not None and (source not in visible or target not in visible):
                continue
            look = looks.get((tie.relation, tie.tie is None))
            if look is None:
                look = looks[(tie.relation, tie.tie is None)] = (
                    self.canvas._tie_style(tie),
                    self.canvas._type_name(tie),
                )
            self.keys.append(key)
            self.styles.append(look[0])
            self.names.append(look[1])
            self.sources.append(numbers.setdefault(source, len(numbers)))
            self.targets.append(numbers.setdefault(target, len(numbers)))

    def columns(self) -> tuple:
        """keys, styles, type names, ends as node numbers, the nodes."""
        return (
            self.keys,
            self.styles,
            self.names,
            np.array(self.sources, dtype=np.int64),
            np.array(self.targets, dtype=np.int64),
            list(self.numbers),
        )


class MapCanvas(QGraphicsView):
    """The canvas view and its scene. It draws; the main window turns its signals into commands.

    Signals
    -------
    selectionChanged(list)
        Keys now selected: node IRIs and tie keys.
    nodesMoved(dict)
        ``{iri: (x, y)}`` after the user dragged nodes.
    connectRequested(object, object, QPoint)
        The user dragged from ``source``'s handle onto ``target``; global position for a menu.
    renameRequested(object, str)
        In-place rename finished.
    placeRequested(str, QPointF)
        A kind (IRI string) was dropped from the palette at a scene position.
    contextMenuRequested(object, QPoint)
        Right-click on a key (or None for the background) at a global position.
    """

    # object, not list/dict: Qt would turn each URIRef (a str subclass) into a plain str.
    selectionChanged = Signal(object)
    nodesMoved = Signal(object)
    connectRequested = Signal(object, object, object)
    renameRequested = Signal(object, str)
    placeRequested = Signal(str, QPointF)
    contextMenuRequested = Signal(object, object)
    zoomChanged = Signal(float)
    #: A bulk change's redraw, left for later turns of the event loop, is done (see :attr:`redrawing`).
    redrawFinished = Signal()
    #: A group of the big-map overview was opened (double-click): its :class:`~explorer.layout.overview.Group`.
    groupOpened = Signal(object)

    KIND_MIME = "application/x-routine-explorer-kind"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # Parented to the view, so Qt deletes the scene with it and not at interpreter exit.
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._scene.selectionChanged.connect(self._on_scene_selection)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setAccessibleName("Map canvas")
        self.setAccessibleDescription(KEYS_HELP)
        accessibility.install()
        self.selectionChanged.connect(self._announce_selection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.schema = None
        self.projection = None
        self.positions: dict = {}
        self.node_items: dict = {}
        self._bands: list[Band] = []
        self._extents: dict = {}  # the nodes' extents the bands were drawn for (see _bands_move)
        self._levels: dict = {}  # each node's level as last drawn (see apply_delta)
        self._prepared_geometry = None  # band_geometry read by the load's worker, for the first _draw_bands
        self._table = None  # the drawable ties as columns (see _tie_table)
        self._previewing = False  # a layout's frames are shown (preview_positions)
        self._steps: list = []  # what a bulk change left to redraw, one per turn of the event loop
        self._ties_stale = False  # the ties show where nodes were until the bulk redraw reaches them
        self._stepping = False
        self._step_timer = QTimer(self, singleShot=True, interval=0, timeout=self._next_step)
        self.visible_nodes: set | None = None
        self.overview_only = False
        self._highlighted: set = set()
        self._selected_tie = None
        self._hover_tie = None
        self._drag_start: dict = {}
        self._connect_from = None
        self._live_keys: set = set()
        self._editor: QLineEdit | None = None
        self._renaming = None
        self._opened_with = ""  # the name box's text when it opened: only a change of it renames
        self._view_positions: dict = {}  # where Focus draws nodes, for its view only (set_view_positions)
        self._order: list | None = None  # the reading order, kept until nodes, places or filter change
        self._tie_walk = None  # (node, tie) while T walks a node's ties
        self._dark = False
        self._styles: dict = {}
        self._fonts()

        self._band_layer = self._layer(-30)
        self._edge_layer = self._layer(-10)
        self._node_layer = self._layer(0)
        self._overview = OverviewItem()
        self._overview.setZValue(-5)
        self._scene.addItem(self._overview)
        self._overview.setVisible(False)
        # A map too big to draw node by node opens on its units and clusters (see read_canvas).
        self._groups = GroupOverviewItem(self._group_colour, self._kind_name)
        self._groups.setZValue(-4)
        self._scene.addItem(self._groups)
        self._groups.setVisible(False)
        # After edits the groups are counted again in a worker, once the edits pause.
        self._regroup_timer = QTimer(self, singleShot=True, interval=1500, timeout=self._regroup)
        self._edits = 0  # edits since the map was set: a regrouping older than the last edit is dropped
        self._regrouping = None
        self._ties = TieLayer(self._edge_layer, _tie_pen)
        self._live = QGraphicsPathItem()
        self._live.setZValue(-9)
        self._scene.addItem(self._live)
        self._tie_highlight = QGraphicsPathItem()
        self._tie_highlight.setZValue(-8)
        self._scene.addItem(self._tie_highlight)
        self._rubber = QGraphicsPathItem()
        self._rubber.setZValue(50)
        self._scene.addItem(self._rubber)
        self._handle = QGraphicsPathItem()
        handle = QPainterPath()
        handle.addEllipse(QPointF(0, 0), 7, 7)
        self._handle.setPath(handle)
        self._handle.setZValue(40)
        self._handle.setVisible(False)
        self._handle.setToolTip("Drag to another node to tie them")
        self._scene.addItem(self._handle)
        self._handle_node = None
        self._band_titles: list = []
        self._band_x = (0.0, 0.0)
        self._drop_levels: set = set()  # the bands lit up while dragging (see _show_drop_bands)
        self._drop_items: list = []
        self._pending: list = []
        self._heat_items: list = []
        self._heat_scores: dict | None = None
        self._mark_items: list = []
        self._marks: dict | None = None
        self._impact_paths = QGraphicsPathItem()
        self._impact_paths.setZValue(-7)
        self._scene.addItem(self._impact_paths)
        self.ties_hidden = False
        self._build_timer = QTimer(self, singleShot=True, interval=0, timeout=self._build_some)
        self._lod_state = None
        self._labels_zoom = None
        # On a big map labels are arranged for the nodes in view: again once a pan or a new selection settles.
        self._label_timer = QTimer(
            self, singleShot=True, interval=80, timeout=lambda: self._arrange_labels(self.zoom(), force=True)
        )
        self.apply_theme()

    # ------------------------------------------------------------------ set-up
    def _fonts(self) -> None:
        self.label_font = QFont(self.font())
        self.label_font.setPointSizeF(LABEL_PT)
        self.badge_font = QFont(self.font())
        self.badge_font.setPointSizeF(6.5)
        self.badge_font.setCapitalization(QFont.Capitalization.AllUppercase)
        self.badge_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.6)
        self.band_font = QFont(self.font())
        self.band_font.setPointSizeF(13)
        self.band_font.setBold(True)
        # This canvas's own, handed to each node item it makes: another canvas's fonts never reach them.
        zoom = readable_zoom(self.label_font.pointSizeF() * self.logicalDpiY() / 72)
        self.fonts = NodeFonts(self.label_font, self.badge_font, zoom)

    def _layer(self, z: float) -> QGraphicsRectItem:
        layer = QGraphicsRectItem()
        layer.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        layer.setZValue(z)
        self._scene.addItem(layer)
        return layer

    def apply_theme(self, dark: bool | None = None) -> None:
        """Follow the application palette (light or dark)."""
        palette = QApplication.palette()
        if dark is None:
            dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        self._dark = dark
        self._groups.set_dark(dark)
        self._table = None  # plain ties take the theme's colour
        self.setBackgroundBrush(QColor("#1f2328") if dark else QColor("#f6f7f9"))
        accent = palette.color(QPalette.ColorRole.Highlight)
        self._handle.setBrush(accent)
        self._handle.setPen(QPen(QColor("#ffffff"), 1.5))
        self._rubber.setPen(QPen(accent, 2, Qt.PenStyle.DashLine))
        self._tie_highlight.setPen(QPen(accent, 4.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        if self.projection is not None:
            self._draw_bands()
            self._rebuild_edges()

    # ------------------------------------------------------------------- model
    def set_map(self, projection, schema, positions: dict, prepared: dict | None = None) -> None:
        """Show ``projection`` with node centres ``positions`` (``{iri: (x, y)}``); replaces what was shown.

        ``prepared``: what :func:`read_canvas` read for the same map and places in a worker, so a big map's
        first drawing costs the window no pass over its nodes.
        """
        prepared = prepared or {}
        self.clear_map()
        self.projection = projection
        self.schema = schema
        self.positions = dict(positions)
        self._levels = prepared.get("levels") or levels_of(projection.nodes)
        self.overview_only = len(projection.nodes) > FULL_DETAIL_LIMIT
        self.visible_nodes = None
        if not self.overview_only:
            self._pending = list(projection.nodes)
            if len(self._pending) <= SYNC_BUILD_LIMIT:
                self._build_some(len(self._pending))
            else:
                # Big maps: the overview shows every node at once, items follow a few
                # hundred per turn of the event loop, so the window never freezes.
                self._build_timer.start()
        self._prepared_geometry = prepared.get("geometry")
        self._groups.set_overview(prepared.get("groups") or Overview())
        self._refresh_overview(prepared.get("overview"))
        self._draw_bands()
        self._rebuild_edges()
        self._update_scene_rect()
        self._apply_lod(force=True)

    @property
    def bands(self) -> list[Band]:
        """The level bands as drawn: macro, meso, micro, top to bottom."""
        self.finish_redraw()
        return self._bands

    @bands.setter
    def bands(self, bands: list[Band]) -> None:
        self._bands = bands

    @property
    def building(self) -> bool:
        """Whether node items are still being created (see :meth:`set_map`)."""
        return bool(self._pending)

    def _build_some(self, count: int | None = None) -> None:
        """Create the next node items: ``count`` of them, or as many as fit in ~30 ms."""
        clock = QElapsedTimer()
        clock.start()
        made = 0
        nodes = self.projection.nodes if self.projection is not None else {}
        while self._pending and (made < count if count is not None else clock.elapsed() < 30):
            iri = self._pending.pop()
            if iri in nodes and iri not in self.node_items:
                item = self._make_node(iri)
                if self.visible_nodes is not None:
                    item.setVisible(iri in self.visible_nodes)
            made += 1
        if self._pending:
            self._build_timer.start()
        else:
            self._build_timer.stop()
            self._apply_lod(force=True)

    def clear_map(self) -> None:
        """Remove everything from the canvas."""
        self._regroup_timer.stop()
        self._edits += 1  # a regrouping under way is for the map that was
        self._steps = []
        self._ties_stale = False
        self._step_timer.stop()
        self.set_heat(None)
        self.set_marks(None)
        self.show_paths([])
        self._build_timer.stop()
        self._pending = []
        self._cancel_editor()
        self._scene.clearSelection()
        for item in list(self._node_layer.childItems()) + list(self._band_layer.childItems()):
            self._scene.removeItem(item)
        self.node_items.clear()
        self._ties.clear()
        self._table = None
        self.positions = {}
        self.projection = None
        self.bands = []
        self._extents = {}
        self._levels = {}
        self._selected_tie = self._hover_tie = None
        self._tie_highlight.setPath(QPainterPath())
        self._live.setPath(QPainterPath())
        self._overview.set_nodes({})
        self._overview.setVisible(False)
        self._groups.set_overview(Overview())
        self._groups.setVisible(False)
        self._handle.setVisible(False)
        self._highlighted = set()
        self._view_positions = {}
        self._tie_walk = None
        self._order = None
        accessibility.forget_nodes(self)

    def _colour_of(self, view) -> str:
        return _kind_colour(self.schema, view.kind)

    def _style(self, kind_iri):
        """(shape path, brush, pen, text colour, shape name) for a kind, cached: 10k nodes share a few."""
        style = self._styles.get(kind_iri)
        if style is None:
            kind = self.schema.kind(kind_iri)
            shape = kind.shape if kind is not None else "rounded-rectangle"
            fill = QColor(kind.colour if kind is not None else "#8A95A5")
            style = (node_shape(shape), QBrush(fill), QPen(fill.darker(135), 1.2), text_colour(fill), shape)
            self._styles[kind_iri] = style
        return style

    def _make_node(self, iri) -> NodeItem:
        view = self.projection.nodes[iri]
        path, brush, pen, _, _ = self._style(view.kind)
        item = NodeItem(path, self._node_layer, self.fonts)
        item.setBrush(brush)
        item.setPen(pen)
        item.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not self._view_positions)  # see set_view_positions
        item.key = iri
        self._order = None
        x, y = self._view_positions.get(iri) or self.positions.get(iri, (0.0, 0.0))
        item.setPos(x, y)
        self.node_items[iri] = item
        self._dress(item, view)
        return item

    def _dress(self, item: NodeItem, view) -> None:
        item.shown = (view.label, view.kind, view.level)  # a move alone then skips re-dressing
        _, _, _, colour, shape = self._style(view.kind)
        text = one_line(view.label) or "(no label)"
        level = level_title(view.level)
        inner = label_area(shape)
        item.set_text(text, level, colour, max(inner[0], LABEL_WIDTH), 6 if shape == "triangle" else 0, inner)
        kind = self.schema.kind(view.kind)
        item.setToolTip(
            safe_tooltip(
                f"{text[:300]}{'…' if len(text) > 300 else ''}",
                f"{kind.label if kind else 'Node'} · {level.lower()} level",
            )
        )

    def apply_delta(self, delta, positions: dict) -> None:
        """Follow a :class:`~explorer.core.projection.Delta`; ``positions`` holds the new centres of changed nodes.

        Only what the edit touched is redrawn: the changed nodes' items, the tiles of their ties, the overview's
        colours they are drawn in, and the bands only when a node reaches or leaves a band's edge.
        """
        if self.projection is None:
            return
        self.finish_redraw()  # the last bulk change first: what follows assumes ties and bands are current
        self._order = None
        nodes = self.projection.nodes
        moved = {iri for iri, xy in positions.items() if self.positions.get(iri) != xy}
        # Most of the map moved (a layout, its undo): everything is redrawn in bulk, mostly later.
        bulk = len(moved) > max(50, len(nodes) // 4)
        # Levels as the bands were last drawn: a node with no item (an overview) changes level too.
        drawn = self._levels
        relevelled = set() if bulk else {iri for iri in delta.nodes if iri in drawn and drawn[iri] != nodes[iri].level}
        for iri in delta.nodes:
            drawn[iri] = nodes[iri].level
        for iri in delta.removed_nodes:
            drawn.pop(iri, None)
        # Where the changed nodes were: a node that leaves a band's edge can shrink the band.
        left = (
            []
            if bulk
            else [self.positions[i] for i in (*moved, *relevelled, *delta.removed_nodes) if i in self.positions]
        )
        self.positions.update(positions)
        if self._handle_node in delta.removed_nodes:
            self._handle.setVisible(False)
            self._handle_node = None
        if self._connect_from in delta.removed_nodes:
            self._connect_from = None
            self._rubber.setPath(QPainterPath())
        for iri in delta.removed_nodes:
            self.positions.pop(iri, None)
            self._view_positions.pop(iri, None)
            item = self.node_items.pop(iri, None)
            if item is not None:
                self._scene.removeItem(item)
        if self._selected_tie is not None and self._selected_tie not in self.projection.ties:
            self._selected_tie = None
            self._tie_highlight.setPath(QPainterPath())
        if delta.ties or delta.removed_ties:
            self._table = None
        if self._groups.overview.groups:
            self._edits += 1
            self._regroup_timer.start()
        changed = moved | relevelled | set(delta.removed_nodes)
        if bulk:
            # The nodes, then their ties, then the overview, each in its own turn of the event loop
            # (each ~30-50 ms at 10k nodes), so the window never waits for all of it; the scene's extent
            # follows at once, since fitting the view reads it. Anything that reads them first finishes them.
            self._grow_scene_rect()
            self._ties_stale = True  # hidden until redrawn, whatever the zoom does meanwhile
            self._edge_layer.setVisible(False)
            # Each step at most STEP_NODES nodes: a turn stays within ~50 ms whatever the map's size.
            touched, changes = list(delta.nodes), list(changed)
            entries: dict = {}  # the overview's new entries, gathered over turns, drawn at once
            self._steps = [
                *(partial(self._follow_nodes, touched[i : i + STEP_NODES]) for i in range(0, len(touched), STEP_NODES)),
                lambda: (self._draw_bands(), self._update_scene_rect()),
                *self._tie_table_steps(),
                self._rebuild_edges_steps,
                *(
                    partial(self._gather_overview, changes[i : i + STEP_NODES], entries)
                    for i in range(0, len(changes), STEP_NODES)
                ),
                lambda: (self._overview.update_nodes(entries), self._follow_halos(changed)),
            ]
            self._step_timer.start()
            return
        self._follow_nodes(delta.nodes)
        # A rename or a new value moves nothing: leave the ties, bands and overview as they are.
        if not changed and not delta.ties and not delta.removed_ties:
            return
        if changed:
            self._update_overview(changed)
            if self._bands_move(left, moved | relevelled):
                self._draw_bands()
                self._update_scene_rect()
        ties = set(delta.ties) | set(delta.removed_ties)
        for iri in moved | relevelled:
            if iri in nodes:
                ties.update(self.projection.ties_of(iri))
        self._refresh_ties(ties)
        self._follow_halos(changed)

    def _follow_nodes(self, iris) -> None:
        """Make, restyle and move the node items of ``iris`` as the projection and the places now have them."""
        nodes = self.projection.nodes
        for iri in iris:
            view = nodes.get(iri)
            if view is None or (self.overview_only and iri not in self.node_items):
                continue
            item = self.node_items.get(iri)
            if item is None:
                item = self._make_node(iri)
            elif item.shown != (view.label, view.kind, view.level):
                path, brush, pen, _, _ = self._style(view.kind)
                item.setPath(path)
                item.setBrush(brush)
                item.setPen(QPen(QColor("#f2b705"), 5) if iri in self._highlighted else pen)
                self._dress(item, view)
            x, y = self._view_positions.get(iri) or self.positions.get(iri, (item.pos().x(), item.pos().y()))
            if (item.pos().x(), item.pos().y()) != (x, y):
                item.setPos(x, y)
            if self.visible_nodes is not None:
                item.setVisible(iri in self.visible_nodes)

    def _grow_scene_rect(self) -> None:
        """Let the scene reach every node now (before the bands are drawn again around them)."""
        if not self.positions:
            return
        placed = np.array(list(self.positions.values()), dtype=float).reshape(-1, 2)
        (left, top), (right, bottom) = placed.min(axis=0), placed.max(axis=0)
        pad = 800
        needed = QRectF(left - pad, top - pad, right - left + 2 * pad, bottom - top + 2 * pad)
        self._scene.setSceneRect(self._scene.sceneRect().united(needed))

    def _follow_halos(self, changed: set) -> None:
        """Heat halos and marks follow the nodes they are drawn around."""
        nodes = self.projection.nodes if self.projection is not None else {}
        if changed and self._heat_scores and not changed.isdisjoint(self._heat_scores):
            self.set_heat({k: v for k, v in self._heat_scores.items() if k in nodes})
        if changed and self._marks and not changed.isdisjoint(self._marks):
            self.set_marks({k: v for k, v in self._marks.items() if k in nodes})

    def _next_step(self) -> None:
        """One step of the redraw a bulk change left for later (see :meth:`apply_delta`)."""
        if not self._steps:
            return
        step = self._steps.pop(0)
        self._stepping = True
        try:
            more = step()
            if isinstance(more, list):  # a step that leaves steps of its own: they come next
                self._steps[:0] = more
        finally:
            self._stepping = False
        if self._steps:
            self._step_timer.start()
        else:
            self.redrawFinished.emit()

    @property
    def redrawing(self) -> bool:
        """Whether a bulk change is still being redrawn over turns of the event loop (see :meth:`apply_delta`)."""
        return bool(self._steps)

    def finish_redraw(self) -> None:
        """Finish now the redraw a bulk change left for later turns of the event loop.

        Whatever reads ties, bands or the overview calls this first, so it never sees them half redrawn.

        Examples
        --------
        >>> MapCanvas().finish_redraw()
        """
        if self._stepping:
            return
        self._step_timer.stop()
        while self._steps:
            self._next_step()
        self._step_timer.stop()

    # -------------------------------------------------------------- geometry
    def _draw_bands(self) -> None:
        self._order = None  # the order reads the bands
        for item in list(self._band_layer.childItems()):
            self._scene.removeItem(item)
        self._band_titles = []
        if self.projection is None:
            return
        geometry, self._prepared_geometry = self._prepared_geometry, None
        if geometry is None:
            geometry = band_geometry(self.projection, self.positions)
        self.bands, self._extents, self._band_x = geometry
        left, right = self._band_x
        shades = ["#eceff4", "#f3f5f8", "#e9edf2"] if not self._dark else ["#262b31", "#2b3138", "#24292f"]
        text = QColor("#6b7480") if not self._dark else QColor("#9aa4b0")
        for index, band in enumerate(self.bands):
            rect = QGraphicsRectItem(QRectF(left, band.top, right - left, band.bottom - band.top), self._band_layer)
            rect.setBrush(QColor(shades[index % 3]))
            rect.setPen(QPen(QColor("#d5dae1") if not self._dark else QColor("#3a414a"), 1, Qt.PenStyle.SolidLine))
            rect.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            # Band names keep their screen size at every zoom, so the levels stay readable.
            title = QGraphicsSimpleTextItem(level_title(band.level), self._band_layer)
            title.setFont(self.band_font)
            title.setBrush(text)
            title.setPos(left + 8, band.top + 6)
            title.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            title.setToolTip(f"{level_title(band.level)} level: {LEVEL_HINTS[band.level]}")
            self._band_titles.append((title, band))
            rect.setToolTip(title.toolTip())
        self._pin_band_titles()

    def _bands_move(self, left: list, arrived: set) -> bool:
        """Whether the bands must be drawn again after nodes left the places ``left`` and ``arrived`` where they are.

        The bands follow each level's highest and lowest node and the leftmost and rightmost one
        (:func:`~explorer.layout.bands.bands_for_positions`): a node that was one of those, or is now
        at or beyond one, changes them; any other edit leaves them as they are.
        """
        extents = self._extents
        if not extents:
            return True
        x_low, x_high = extents["x"]
        ends = {value for level, pair in extents.items() if level != "x" for value in pair}
        for x, y in left:
            if x in (x_low, x_high) or y in ends:
                return True
        nodes = self.projection.nodes
        for iri in arrived:
            if iri not in nodes:
                continue
            x, y = self.positions.get(iri, (0.0, 0.0))
            pair = extents.get(level_of(nodes[iri].level))
            if pair is None or not (pair[0] < y < pair[1] and x_low < x < x_high):
                return True
        return False

    def _pin_band_titles(self) -> None:
        """Keep each band's name at the left edge of the view, so the levels stay named while panning."""
        if not self._band_titles:
            return
        left_edge = self.mapToScene(0, 0).x() + 8 / max(self.zoom(), 1e-6)
        for title, band in self._band_titles:
            title.setPos(max(self._band_x[0] + 8, left_edge), band.top + 6)

    def set_bands_visible(self, visible: bool) -> None:
        """Show or hide the macro, meso and micro bands (nodes keep their places)."""
        self._band_layer.setVisible(visible)

    def band_at(self, y: float) -> int:
        """The level of the band containing scene ``y`` (the nearest band outside them)."""
        return band_at(self.bands, y)

    def settle_drop(self, iri, y: float) -> tuple[int, float]:
        """The level and y of node ``iri`` dropped at scene ``y``, from where it is now.

        The level changes only on a real drop into another band; a node that only slipped
        across its band's edge stays at its level and comes back inside (see
        :func:`explorer.layout.bands.settle_drop`).
        """
        view = self.projection.nodes.get(iri) if self.projection is not None else None
        level = view.level if view is not None else band_at(self.bands, y)
        start = self.positions.get(iri, (0.0, y))[1]
        return settle_drop(self.bands, level, start, y, node_height=NODE_H)

    def band_centre(self, level: int) -> float:
        """Scene y of the middle of ``level``'s band."""
        band = band_of(self.bands, level)
        return (band.top + band.bottom) / 2 if band is not None else 0.0

    def _update_scene_rect(self) -> None:
        if not self.bands:
            self._scene.setSceneRect(QRectF(-600, -400, 1200, 800))
            return
        left, right = self._band_x
        top, bottom = self.bands[0].top, self.bands[-1].bottom
        pad = 400
        self._scene.setSceneRect(QRectF(left - pad, top - pad, right - left + 2 * pad, bottom - top + 2 * pad))

    def _node_pos(self, iri):
        item = self.node_items.get(iri)
        if item is not None:
            p = item.pos()
            return p.x(), p.y()
        return self.positions.get(iri)

    def _tie_style(self, tie):
        """(colour, line style, width) for a tie: its family's (:func:`~explorer.core.presentation.tie_style`)."""
        style = tie_style(self.schema, tie.relation)
        if style == OTHER_TIE_STYLE and self._dark:
            return PLAIN_TIE_DARK_COLOUR, style.line_style, style.width
        return style.colour, style.line_style, style.width

    def _type_name(self, tie) -> str:
        """What a tie's line says when zoomed in: the relation, or the qualified tie's class."""
        return relation_name(self.schema, tie)[:40]

    def _rebuild_edges(self) -> None:
        """Redraw every tie from the current node positions (a new map, a layout, a filter, a theme)."""
        self.finish_redraw()  # a bulk redraw's steps left for later would fill the batches after this
        for step in self._rebuild_edges_steps():
            step()

    def _rebuild_edges_steps(self) -> list:
        """:meth:`_rebuild_edges` as this step and the steps it leaves (a bulk change runs one per turn)."""
        if self.projection is None:
            return []
        if self.overview_only and self.visible_nodes is None:
            # Hundreds of thousands of ties are a grey fog at this scale and cost seconds to
            # draw: the overview shows nodes; focus or filter to see their ties.
            self._ties.clear()
            self._update_tie_highlight()
            return []
        keys, styles, names, sources, targets, nodes = self._tie_table()
        get = self._drawn_positions().get
        # Only the ends are looked up again: a layout moves every node but leaves each tie's look alone.
        places = np.array([get(n) or (np.nan, np.nan) for n in nodes], dtype=float).reshape(-1, 2)
        ends = np.hstack([places[sources], places[targets]])
        drawn = ~np.isnan(ends).any(axis=1)
        if self._live_keys:
            drawn &= np.fromiter((k not in self._live_keys for k in keys), dtype=bool, count=len(keys))
        if not drawn.all():
            keep = drawn.tolist()
            keys, styles, names = (list(compress(column, keep)) for column in (keys, styles, names))
            ends = ends[drawn]

        def drawn_all() -> None:
            self._ties_stale = False
            self._apply_lod(force=True)
            self._update_tie_highlight()

        return [*self._ties.rebuild_steps(keys, styles, names, ends), drawn_all]

    def _tie_table(self) -> tuple:
        """The ties that can be drawn, as columns: keys, styles, type names, ends as node numbers, the nodes.

        Kept until ties, the filter or the theme change (:attr:`_table` set to None), so a layout's
        redraw only looks up the new places.
        """
        if self._table is None:
            table = _TieTable(self)
            table.add(self.projection.ties.items())
            self._table = table.columns()
        return self._table

    def _tie_table_steps(self) -> list:
        """Steps that make :meth:`_tie_table` a slice of the ties at a time, for a bulk redraw (see apply_delta)."""
        if self._table is not None or self.projection is None:
            return []
        table, ties = _TieTable(self), list(self.projection.ties.items())

        def finish() -> None:
            if self._table is None and table.current():
                self._table = table.columns()

        size = 4 * STEP_NODES
        return [*(partial(table.add, ties[i : i + size]) for i in range(0, len(ties), size)), finish]

    def _refresh_ties(self, keys) -> None:
        """Redraw the ties ``keys`` only (added, removed, or an end moved): the tiles they leave and enter."""
        if self.projection is None or not keys or (self.overview_only and self.visible_nodes is None):
            return
        self.finish_redraw()  # the tie layer is whole again before it changes (a rebuild fills it over turns)
        ties, looks, positions = self.projection.ties, {}, self._drawn_positions()
        self._ties.update(
            {key: (None if key not in ties else self._tie_entry(key, ties[key], positions, looks)) for key in keys}
        )
        self._apply_lod()  # the count of ties may cross FAR_TIE_LIMIT
        self._update_tie_highlight()

    def _drawn_positions(self) -> dict:
        return {**self.positions, **self._view_positions} if self._view_positions else self.positions

    def _tie_entry(self, key, tie, positions: dict, looks: dict):
        """``(style, type name, centre-to-centre ends)`` of a tie as drawn now, or None when it is not drawn."""
        source, target = tie.source, tie.target
        if str.__eq__(source, target) or key in self._live_keys:
            return None
        visible = self.visible_nodes
        if visible is not None and (source not in visible or target not in visible):
            return None
        a, b = positions.get(source), positions.get(target)
        if a is None or b is None:
            return None
        look = looks.get((tie.relation, tie.tie is None))
        if look is None:
            look = looks[(tie.relation, tie.tie is None)] = (self._tie_style(tie), self._type_name(tie))
        return look[0], look[1], (a[0], a[1], b[0], b[1])

    def drawn_ties(self):
        """``(key, (x1, y1, x2, y2), (colour, line style, width))`` for every tie drawn, ends at the node boxes.

        Examples
        --------
        >>> canvas = MapCanvas()
        >>> list(canvas.drawn_ties())
        []
        """
        self.finish_redraw()
        return self._ties.drawn()

    def _overview_entry(self, iri):
        view = self.projection.nodes.get(iri)
        if view is None or (self.visible_nodes is not None and iri not in self.visible_nodes):
            return None
        position = self._view_positions.get(iri) or self.positions.get(iri)
        return None if position is None else (self._colour_of(view), position)

    def _refresh_overview(self, prepared: dict | None = None) -> None:
        if self.projection is None:
            return
        if prepared is None:
            entries = ((iri, self._overview_entry(iri)) for iri in self.projection.nodes)
            prepared = {iri: entry for iri, entry in entries if entry is not None}
        self._overview.set_nodes(prepared)

    def _update_overview(self, changed: set) -> None:
        self._overview.update_nodes({iri: self._overview_entry(iri) for iri in changed})

    def _gather_overview(self, changed: list, entries: dict) -> None:
        entries.update((iri, self._overview_entry(iri)) for iri in changed)

    # -------------------------------------------------------------- level of detail
    def zoom(self) -> float:
        """The current scale (1.0 = one scene unit per pixel)."""
        return self.transform().m11()

    def _apply_lod(self, force: bool = False) -> None:
        self._pin_band_titles()
        scale = self.zoom()
        labels = scale >= LABEL_ZOOM
        arrows = scale >= ARROW_ZOOM
        overview = self.overview_only or scale < OVERVIEW_ZOOM
        state = (labels, arrows, overview, len(self._ties) > FAR_TIE_LIMIT)
        if state == self._lod_state and not force:
            self._arrange_labels(scale, force)
            return
        self._lod_state = state
        self._ties.set_arrows(arrows)
        # Like Cytoscape on big networks: tens of thousands of ties seen from far away are a
        # grey fog that costs half a second to rasterise; they return as soon as you zoom in.
        self.ties_hidden = scale < OVERVIEW_ZOOM and len(self._ties) > FAR_TIE_LIMIT
        self._edge_layer.setVisible(not self.ties_hidden and not self._previewing and not self._ties_stale)
        self._node_layer.setVisible(
            not overview or (self.overview_only and bool(self.node_items) and scale >= OVERVIEW_ZOOM)
        )
        # While items are still being made, the overview stands in for the missing ones.
        grouped = self.overview_only and self.visible_nodes is None and bool(self._groups.overview.groups)
        self._groups.setVisible(grouped)
        self._overview.setVisible(
            not grouped
            and ((overview and not (self.overview_only and self._node_layer.isVisible())) or bool(self._pending))
        )
        # After the node layer shows: zoomed in from the overview, names are arranged, not all drawn at once.
        self._arrange_labels(scale, force)

    def _arrange_labels(self, scale: float, force: bool = False) -> None:
        """Zoomed out, where labels would overlap, show those that matter most (as Cytoscape and Gephi do).

        Selected nodes and search matches first, then change proposals, their components and norms (what the
        analysis is about), then the nodes with the most ties; a label shows only if its box, on screen, leaves
        every label already shown clear. On a big map only the nodes in view are arranged, again after a pan.
        """
        if (
            self.projection is None
            or not LABEL_ZOOM <= scale < self.fonts.readable_zoom
            or not self._node_layer.isVisible()
        ):
            self._labels_zoom = None
            return
        if scale == self._labels_zoom and not force:
            return
        if not force and len(self.node_items) > LABEL_ARRANGE_ALL:
            if self._labels_zoom is None:  # coming into this range: no name until arranged, not every name at once
                for item in self.node_items.values():
                    item.label_hidden = True
            self._labels_zoom = scale
            self._label_timer.start()  # a big map: once the wheel rests, not at each of its steps
            return
        self._labels_zoom = scale
        items = [item for item in self.node_items.values() if item.isVisible()]
        if len(items) > LABEL_ARRANGE_ALL:
            area = self.mapToScene(self.viewport().rect()).boundingRect()
            area.adjust(-NODE_W, -NODE_H, NODE_W, NODE_H)
            items = [item for item in items if area.contains(item.pos())]
        nodes, projection, highlighted = self.projection.nodes, self.projection, self._highlighted

        def rank(item):
            view = nodes.get(item.key)
            return (
                not item.isSelected(),
                item.key not in highlighted,
                view is None or view.kind not in _LABEL_FIRST,
                -len(projection.ties_of(item.key)),
            )

        readable = self.fonts.readable_zoom
        grid: dict = {}
        cell = 64.0
        for item in sorted(items, key=rank):
            _, _, width, height = item.label_layout()
            pos = item.pos()
            x, y = pos.x() * scale, pos.y() * scale
            half_w = max((width + 8) * readable, NODE_W * scale) / 2 + 2
            half_h = max((height + 2) * readable, NODE_H * scale) / 2 + 1
            box = (x - half_w, x + half_w, y - half_h, y + half_h)
            cells = [
                (i, j)
                for i in range(int(box[0] // cell), int(box[1] // cell) + 1)
                for j in range(int(box[2] // cell), int(box[3] // cell) + 1)
            ]
            hidden = any(
                other[0] < box[1] and box[0] < other[1] and other[2] < box[3] and box[2] < other[3]
                for key in cells
                for other in grid.get(key, ())
            )
            if not hidden:
                for key in cells:
                    grid.setdefault(key, []).append(box)
            if item.label_hidden != hidden:
                item.label_hidden = hidden
                item.setZValue(0 if hidden else 1)  # a shown label's plate lies over its neighbours
                item.update()

    def visible_labels(self) -> dict:
        """The node labels drawn now, in the view: ``{iri: (label as shown on one line, font height on screen, px)}``.

        A label cut short shows its start, "…" and its end (see :func:`~explorer.ui.common.text.wrapped_label`).
        """
        scale = self.zoom()
        if self.projection is None or not self._node_layer.isVisible() or scale < LABEL_ZOOM:
            return {}
        area = self.mapToScene(self.viewport().rect()).boundingRect()
        font_px = self.label_font.pointSizeF() * self.logicalDpiY() / 72
        far = scale < self.fonts.readable_zoom
        shown = {}
        for key, item in self.node_items.items():
            if item.isVisible() and area.contains(item.pos()) and not (far and item.label_hidden):
                shown[key] = (item.label_layout()[0], font_px * scale * item.label_scale(scale))
        return shown

    def set_zoom(self, scale: float) -> None:
        """Zoom to ``scale`` (clamped to 0.02–4) around the view centre."""
        scale = max(0.02, min(4.0, scale))
        factor = scale / self.zoom()
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(factor, factor)
        self.setTransformationAnchor(anchor)
        self._apply_lod()
        self.zoomChanged.emit(self.zoom())

    def zoom_by(self, factor: float) -> None:
        """Zoom in (factor > 1) or out."""
        self.set_zoom(self.zoom() * factor)

    def fit(self, keys=None) -> None:
        """Fit the whole map (or the nodes ``keys``) in the view."""
        if self.projection is None:
            return
        if not keys:
            # The nodes, not the bands: the bands run wider than the nodes, and every pixel goes to the names.
            if self.visible_nodes is None:
                # One flat run in C: a list of pairs made into an array cost 40 ms of the first fit at 100k nodes.
                shown = self.positions.values()
                placed = np.fromiter(chain.from_iterable(shown), float, count=2 * len(shown)).reshape(-1, 2)
            else:
                shown = map(self._node_pos, self.visible_nodes)
                placed = np.array([p for p in shown if p is not None], dtype=float).reshape(-1, 2)
            if not len(placed):
                self.fitInView(QRectF(-600, -400, 1200, 800), Qt.AspectRatioMode.KeepAspectRatio)
                self._apply_lod()
                self.zoomChanged.emit(self.zoom())
                return
            (left, top), (right, bottom) = placed.min(axis=0), placed.max(axis=0)
            rect = QRectF(left - NODE_W / 2, top - NODE_H / 2, right - left + NODE_W, bottom - top + NODE_H)
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
            # Margins in pixels: room for the band names pinned at the left and for labels wider than their node.
            px = 1 / max(min(self.zoom(), 1.5), 1e-6)
            rect.adjust(-FIT_MARGIN[0] * px, -FIT_MARGIN[1] * px, FIT_MARGIN[2] * px, FIT_MARGIN[3] * px)
        elif chosen := [self._node_pos(k) for k in keys if self._node_pos(k) is not None]:
            xs, ys = [p[0] for p in chosen], [p[1] for p in chosen]
            rect = QRectF(
                min(xs) - NODE_W, min(ys) - NODE_H * 2, max(xs) - min(xs) + 2 * NODE_W, max(ys) - min(ys) + 4 * NODE_H
            ).adjusted(-20, -20, 20, 20)
        else:
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.5:
            self.set_zoom(1.5)
        self._apply_lod()
        self.zoomChanged.emit(self.zoom())

    # --------------------------------------------------------------- selection
    def selected_nodes(self) -> list:
        """IRIs of the selected nodes."""
        return [item.key for item in self._scene.selectedItems() if isinstance(item, NodeItem)]

    def selected_keys(self) -> list:
        """Selected nodes, then the selected tie (if any)."""
        keys = self.selected_nodes()
        if self._selected_tie is not None:
            keys.append(self._selected_tie)
        return keys

    def select(self, keys, *, centre: bool = False) -> None:
        """Select exactly ``keys`` (node IRIs and/or one tie key)."""
        keys = list(keys)
        if centre and keys and not self._node_layer.isVisible():
            # Hidden items cannot be selected, and a match in the overview is a dot among thousands:
            # leave the overview for the match, at a zoom its name can be read.
            self.set_zoom(max(self.zoom(), FIND_ZOOM))
        self._scene.blockSignals(True)
        self._scene.clearSelection()
        self._selected_tie = None
        for key in keys:
            if isinstance(key, tuple):
                if self.projection is not None and key in self.projection.ties:
                    self._selected_tie = key
            else:
                item = self.node_items.get(key)
                if (
                    item is None
                    and (self.overview_only or self._pending)
                    and self.projection is not None
                    and key in self.projection.nodes
                ):
                    item = self._make_node(key)
                if item is not None:
                    item.setSelected(True)
        self._scene.blockSignals(False)
        self._update_tie_highlight()
        if centre and keys:
            first = keys[0]
            position = (
                self._node_pos(first if not isinstance(first, tuple) else self.projection.ties[first].source)
                if self.projection
                else None
            )
            if position is not None:
                self.centerOn(*position)
        self.selectionChanged.emit(self.selected_keys())

    def select_all(self) -> None:
        """Select every node shown."""
        self.select([k for k, item in self.node_items.items() if item.isVisible()])

    def _on_scene_selection(self) -> None:
        try:
            selected = self._scene.selectedItems()
        except RuntimeError:  # the scene is being torn down with the window
            return
        if selected and self._selected_tie is not None:
            self._selected_tie = None
            self._update_tie_highlight()
        if self._labels_zoom is not None:  # a selected node's label shows first
            self._label_timer.start()
        self.selectionChanged.emit(self.selected_keys())

    def _update_tie_highlight(self) -> None:
        self.finish_redraw()  # a tie's ends are read from the tie layer, filled over turns by a bulk redraw
        path = QPainterPath()
        for key in (self._selected_tie, self._hover_tie):
            ends = None if key is None else self._ties.ends(key)
            if ends is None:
                continue
            x1, y1, x2, y2 = ends
            path.moveTo(x1, y1)
            path.lineTo(x2, y2)
        self._tie_highlight.setPath(path)

    def tie_at(self, scene_pos: QPointF, tolerance_px: float = 6.0):
        """The key of the tie nearest ``scene_pos`` within ``tolerance_px`` screen pixels, or None."""
        self.finish_redraw()
        return self._ties.nearest(scene_pos.x(), scene_pos.y(), tolerance_px / max(self.zoom(), 1e-6))

    def node_at(self, view_pos) -> object:
        """The IRI of the node under a viewport position, or None."""
        for item in self.items_at(view_pos):
            if isinstance(item, NodeItem):
                return item.key
        return None

    def items_at(self, view_pos):
        found = []
        for item in self.items(view_pos):
            while (
                item is not None
                and not isinstance(item, NodeItem)
                and item.parentItem() is not None
                and item.parentItem() is not self._node_layer
            ):
                item = item.parentItem()
            if item is not None:
                found.append(item)
        return found

    @property
    def covered(self) -> list[QRectF]:
        """Parts of the viewport an overlay hides, in viewport pixels (see :meth:`set_covered`)."""
        return list(self._groups.covered)

    def set_covered(self, rects) -> None:
        """Parts of the viewport an overlay hides (rectangles in viewport pixels): the overview names none there."""
        covered = [QRectF(rect) for rect in rects]
        if covered != self._groups.covered:
            self._groups.covered = covered
            self._groups.update()

    # ------------------------------------------------------------ focus & search
    def set_visible_nodes(self, nodes: set | None) -> None:
        """Show only ``nodes`` (focus or filter); None shows everything."""
        self.finish_redraw()
        self.visible_nodes = set(nodes) if nodes is not None else None
        self._table = None
        self._order = None
        if self.projection is None:
            return
        if self.overview_only and nodes is not None and len(nodes) <= FULL_DETAIL_LIMIT:
            missing = [iri for iri in nodes if iri not in self.node_items and iri in self.projection.nodes]
            if len(missing) <= SYNC_BUILD_LIMIT:
                for iri in missing:
                    self._make_node(iri)
            else:  # a few hundred per turn of the event loop, the overview standing in meanwhile
                self._pending = missing
                self._build_timer.start()
        for iri, item in self.node_items.items():
            item.setVisible(nodes is None or iri in nodes)
        self._refresh_overview()
        self._rebuild_edges()
        self._apply_lod(force=True)  # back to the groups, or away from them

    def set_heat(self, scores: dict | None) -> None:
        """Colour nodes by the analysis's likelihood of resistance (``{iri: 0..1}``); None clears.

        The scale is fixed (0 faint, 1 fully coloured; values outside are
        clamped), so the same likelihood looks the same on every map; nodes
        without a value are dimmed.
        """
        for item in self._heat_items:
            self._scene.removeItem(item)
        self._heat_items = []
        self._heat_scores = dict(scores) if scores else None
        if not scores:
            for item in self.node_items.values():
                item.setOpacity(1.0)
            return
        # The exports' own scale and colour (imported here: rdflib and the layouts are not needed to draw a map).
        from explorer.core.presentation import heat_colour, heat_strength

        warm = heat_colour(1.0)
        for iri, item in self.node_items.items():
            strength = heat_strength(scores.get(iri))
            item.setOpacity(1.0 if strength is not None else 0.35)
            if strength is None:
                continue
            colour = QColor(warm)
            colour.setAlphaF(HEAT_ALPHA[0] + (HEAT_ALPHA[1] - HEAT_ALPHA[0]) * strength)
            halo = QGraphicsPathItem(node_shape("rounded-rectangle", NODE_W + 26, NODE_H + 26))
            halo.setPen(Qt.PenStyle.NoPen)
            halo.setBrush(colour)
            halo.setPos(item.pos())
            halo.setZValue(-1)
            halo.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._scene.addItem(halo)
            self._heat_items.append(halo)

    def set_marks(self, marks: dict | None) -> None:
        """Ring nodes, as the heat haloes them: ``{iri: ((colour, style, width), ...)}``, innermost ring first.

        ``style`` is "solid", "dash" or "dot", so marks differ by more than colour (the comparison's
        difference overlay); None clears.
        """
        for item in self._mark_items:
            self._scene.removeItem(item)
        self._mark_items = []
        self._marks = dict(marks) if marks else None
        styles = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}
        for iri, rings in (marks or {}).items():
            item = self.node_items.get(iri)
            if item is None:
                continue
            grow = 16
            for colour, style, width in rings:
                ring = QGraphicsPathItem(node_shape("rounded-rectangle", NODE_W + grow, NODE_H + grow))
                ring.setPen(QPen(QColor(colour), width, styles.get(style, Qt.PenStyle.SolidLine)))
                ring.setBrush(Qt.BrushStyle.NoBrush)
                ring.setPos(item.pos())
                ring.setZValue(-1)
                ring.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                self._scene.addItem(ring)
                self._mark_items.append(ring)
                grow += 2 * width + 8

    def show_paths(self, paths) -> None:
        """Draw paths of impact (each a sequence of node IRIs) over the map; an empty list clears them."""
        path = QPainterPath()
        for nodes in paths:
            points = [self._node_pos(n) for n in nodes]
            points = [p for p in points if p is not None]
            if len(points) < 2:
                continue
            path.moveTo(*points[0])
            for point in points[1:]:
                path.lineTo(*point)
        pen = QPen(QColor("#e6550d"), 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        self._impact_paths.setPen(pen)
        self._impact_paths.setPath(path)

    def highlight(self, nodes) -> None:
        """Mark ``nodes`` (search matches) with a halo; an empty set clears it."""
        for iri in self._highlighted - set(nodes):
            item = self.node_items.get(iri)
            if item is not None and iri in self.projection.nodes:
                item.setPen(self._style(self.projection.nodes[iri].kind)[2])
        self._highlighted = set(nodes)
        halo = QPen(QColor("#f2b705"), 5)
        for iri in self._highlighted:
            item = self.node_items.get(iri)
            if item is not None:
                item.setPen(halo)

    @property
    def view_positions(self) -> dict:
        """Where nodes are drawn for this view only (Focus's arrangement), ``{iri: (x, y)}``; empty for none."""
        return dict(self._view_positions)

    def preview_positions(self, positions: dict | None) -> None:
        """Move the node items to ``positions`` while a layout runs; None puts them back at their places.

        Only the nodes move (10k in ~30 ms): the ties hide until the layout is applied or given up, and
        nothing reaches :attr:`positions`, the map or the undo stack.
        """
        was, self._previewing = self._previewing, positions is not None
        self._edge_layer.setVisible(not self._previewing and not self.ties_hidden and not self._ties_stale)
        self._handle.setVisible(False)
        if positions is None and was and self._steps:
            # The layout landed: its redraw moves the nodes over the next turns; what it leaves (a node the
            # layout put back where it was) is put back after it, in a turn of its own.
            self._steps.append(self._end_preview)
            return
        self._end_preview(positions, was)

    def _end_preview(self, positions: dict | None = None, was: bool = True) -> None:
        if self._node_layer.isVisible() or not self._previewing:
            for iri, item in self.node_items.items():
                xy = positions.get(iri) if positions is not None else None
                if xy is None:
                    xy = self._view_positions.get(iri) or self.positions.get(iri)
                if xy is not None:
                    item.setPos(*xy)
        if positions is None:
            if was:
                # Only the boxes the preview left away from their places: after a layout landed, next to none.
                places, missing = self._drawn_positions(), object()
                self._overview.update_nodes(
                    {
                        iri: self._overview_entry(iri)
                        for iri, (_, xy) in self._overview.nodes().items()
                        if places.get(iri, missing) != xy
                    }
                )
        elif self._overview.isVisible():  # zoomed out: the overview's boxes are what moves
            drawn = self._overview.nodes()
            self._overview.set_nodes({iri: (colour, positions.get(iri, xy)) for iri, (colour, xy) in drawn.items()})

    def set_view_positions(self, positions: dict | None) -> None:
        """Draw nodes at ``positions`` for this view only; None draws every node at its place on the map again.

        Nothing is saved and nothing goes on the undo stack: :attr:`positions` (the map's) stays as it was,
        and exports, the report and saving read that. While the arrangement is shown the nodes cannot be
        dragged, since a place here says nothing about the map.
        """
        if not positions and not self._view_positions:
            return  # nothing drawn apart: nothing to put back (a pass over a 100k-node map saved)
        self._view_positions = dict(positions or {})
        self._order = None
        if self.projection is None:
            return
        movable = not self._view_positions
        for iri, item in self.node_items.items():
            x, y = self._view_positions.get(iri) or self.positions.get(iri, (item.pos().x(), item.pos().y()))
            if (item.pos().x(), item.pos().y()) != (x, y):
                item.setPos(x, y)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, movable)
        self._handle.setVisible(False)
        self._refresh_overview()
        self._rebuild_edges()
        if self._heat_scores:  # halos follow the nodes they colour
            self.set_heat(dict(self._heat_scores))
        if self._marks:
            self.set_marks(dict(self._marks))

    # ---------------------------------------------------------------- keyboard and assistive technology
    def reading_order(self) -> list:
        """The nodes shown, band by band from the top, left to right: what Tab walks (not to be modified).

        Sorted once and kept until nodes, their places, the bands or the filter change: a screen reader
        asks for it for every child it lists, and on 10k nodes a sort takes ~50 ms. Zoomed out to the
        overview, where no node item is drawn, there are none.
        """
        if self._order is None:
            shown = {}
            for iri, item in self.node_items.items():
                if item.isVisibleTo(self._node_layer):  # hidden by a filter, not by the zoom (kept apart)
                    shown[iri] = (item.pos().x(), item.pos().y())
            self._order = reading_order(shown, {iri: self.band_at(y) for iri, (_, y) in shown.items()})
        return self._order if self._node_layer.isVisible() else []

    def accessible_nodes(self) -> list:
        """The nodes assistive technology lists as the canvas's children (those shown, in reading order)."""
        return self.reading_order()

    def current_node(self):
        """The node in hand: the one selected node, or None."""
        nodes = self.selected_nodes()
        return nodes[0] if len(nodes) == 1 else None

    def node_description(self, iri) -> str:
        """``iri`` in words for a screen reader (see :func:`~explorer.ui.canvas.accessibility.describe_node`)."""
        return accessibility.describe_node(self.schema, self.projection, iri)

    def node_screen_rect(self, iri) -> QRect:
        """Where node ``iri`` is on the screen (global coordinates); empty when it is not drawn."""
        item = self.node_items.get(iri)
        if item is None or not item.isVisible():
            return QRect()
        rect = self.mapFromScene(item.sceneBoundingRect()).boundingRect()
        return QRect(self.viewport().mapToGlobal(rect.topLeft()), rect.size())

    def node_at_global(self, x: int, y: int):
        """The node at global screen point (``x``, ``y``), or None."""
        return self.node_at(self.viewport().mapFromGlobal(QPoint(x, y)))

    def go_to(self, key) -> None:
        """Select ``key`` (a node or a tie) from the keyboard, keeping it in view."""
        self.select([key])
        node = key if not isinstance(key, tuple) else None
        if node is None and self.projection is not None and key in self.projection.ties:
            ends = [self._node_pos(end) for end in (self.projection.ties[key].source, self.projection.ties[key].target)]
            ends = [end for end in ends if end is not None]
            if ends:
                x, y = sum(e[0] for e in ends) / len(ends), sum(e[1] for e in ends) / len(ends)
                self.ensureVisible(QRectF(x - 1, y - 1, 2, 2), _KEEP_IN_VIEW, _KEEP_IN_VIEW)
            return
        item = self.node_items.get(node)
        if item is None:
            return
        area = self.mapToScene(self.viewport().rect()).boundingRect()
        if not area.intersects(item.sceneBoundingRect()):
            self.centerOn(item)  # far off: bring it to the middle, not to an edge
        else:
            self.ensureVisible(item, _KEEP_IN_VIEW, _KEEP_IN_VIEW)

    def _step(self, forward: bool) -> bool:
        """Select the next (or previous) node in reading order; False past the last (or first) one."""
        order = self.reading_order()
        if not order:
            return False
        current = self.current_node()
        if current is None and self._selected_tie is not None and self._tie_walk is not None:
            current = self._tie_walk[0]
        if current not in order:
            index = 0 if forward else len(order) - 1
        else:
            index = order.index(current) + (1 if forward else -1)
        if not 0 <= index < len(order):
            return False
        self.go_to(order[index])
        return True

    def _move_toward(self, direction) -> bool:
        """Select the node nearest the current one in ``direction``; True if the key was used."""
        current = self.current_node()
        if current is None:
            return False
        origin = self._node_pos(current)
        shown = {
            iri: (item.pos().x(), item.pos().y())
            for iri, item in self.node_items.items()
            if item.isVisible() and iri != current
        }
        target = toward(origin, shown, direction) if origin is not None else None
        if target is not None:
            self.go_to(target)
        return True  # at the edge the selection stays: the key never pans the map away from it

    def _walk_ties(self, forward: bool) -> None:
        """Select the next tie of the node in hand (T; Shift+T goes back), nearest its own direction first."""
        node = self.current_node()
        if node is None and self._tie_walk is not None and self._selected_tie == self._tie_walk[1]:
            node = self._tie_walk[0]
        if node is None or self.projection is None:
            return
        order = self.reading_order()
        rank = {iri: i for i, iri in enumerate(order)}
        ties = [key for key in self.projection.ties_of(node) if key in self._ties]
        if not ties:
            return

        def far_end(key):
            tie = self.projection.ties[key]
            return tie.target if tie.source == node else tie.source

        ties.sort(key=lambda key: (rank.get(far_end(key), len(rank)), str(key)))
        last = self._tie_walk[1] if self._tie_walk is not None and self._tie_walk[0] == node else None
        index = ties.index(last) + (1 if forward else -1) if last in ties else (0 if forward else -1)
        key = ties[index % len(ties)]
        self.go_to(key)
        self._tie_walk = (node, key)

    def _follow_tie(self) -> bool:
        """Enter on a tie walked to from a node: go to the tie's other end."""
        if self._selected_tie is None or self.projection is None:
            return False
        tie = self.projection.ties.get(self._selected_tie)
        if tie is None:
            return False
        walked = self._tie_walk is not None and self._tie_walk[1] == self._selected_tie
        start = self._tie_walk[0] if walked else tie.source
        self.go_to(tie.target if start == tie.source else tie.source)
        return True

    def _menu_for_selection(self) -> None:
        """Open the context menu of the selection at the node (the Menu key, Shift+F10)."""
        keys = self.selected_keys()
        key = keys[0] if keys else None
        if key is None:
            point = self.viewport().rect().center()
        elif isinstance(key, tuple):
            rect = self.node_screen_rect(self.projection.ties[key].source) if key in self.projection.ties else QRect()
            point = self.viewport().mapFromGlobal(rect.center()) if rect.isValid() else self.viewport().rect().center()
        else:
            item = self.node_items.get(key)
            point = self.mapFromScene(item.pos()) if item is not None else self.viewport().rect().center()
        self.contextMenuRequested.emit(key, self.viewport().mapToGlobal(point))

    def _announce_selection(self) -> None:
        """The canvas's accessible name follows the node or tie in hand, and a screen reader hears of it."""
        self.setAccessibleName(accessibility.describe_selection(self.schema, self.projection, self.selected_keys()))
        accessibility.announce(self)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt API
        # Tab walks the nodes; past the last one (Shift+Tab: before the first) it leaves the map, as
        # Tab leaves any other widget, so the keyboard is never trapped here.
        if self._editor is None and self.hasFocus() and self._step(forward):
            return True
        return super().focusNextPrevChild(forward)

    # ------------------------------------------------------------------ events
    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier) or True:
            delta = event.angleDelta().y()
            if delta:
                factor = 1.0015**delta
                self.scale(factor, factor)
                clamped = max(0.02, min(4.0, self.zoom()))
                if clamped != self.zoom():
                    self.set_zoom(clamped)
                self._apply_lod()
                self.zoomChanged.emit(self.zoom())
            event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key = event.key()
        step = 60 / max(self.zoom(), 0.05)
        moves = {
            Qt.Key.Key_Left: (-step, 0),
            Qt.Key.Key_Right: (step, 0),
            Qt.Key.Key_Up: (0, -step),
            Qt.Key.Key_Down: (0, step),
        }
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        alt = modifiers == Qt.KeyboardModifier.AltModifier
        if key in moves and (alt or (not modifiers and self.current_node() is not None)):
            # To the nearest node that way (there was no nudging to keep: a selection made arrows scroll a little).
            if self.current_node() is None:
                self._step(True)
            else:
                self._move_toward(moves[key])
            return
        if key in moves and not self._scene.selectedItems():
            centre = self.mapToScene(self.viewport().rect().center())
            self.centerOn(centre.x() + moves[key][0], centre.y() + moves[key][1])
            return
        if key == Qt.Key.Key_T and modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            self._walk_ties(forward=not modifiers)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.selected_nodes() and self._follow_tie():
            return
        if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and modifiers == Qt.KeyboardModifier.ShiftModifier):
            self._menu_for_selection()
            return
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and modifiers & Qt.KeyboardModifier.ControlModifier:
            # Ctrl+Tab leaves the map at once, from any node.
            forward = key == Qt.Key.Key_Tab and not modifiers & Qt.KeyboardModifier.ShiftModifier
            QGraphicsView.focusNextPrevChild(self, forward)
            return
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
            return
        if key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
            return
        if key == Qt.Key.Key_Escape:
            self._tie_walk = None
            self.select([])
            return
        if key in (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter) and len(self.selected_nodes()) == 1:
            self.start_rename(self.selected_nodes()[0])
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.commit_rename()  # a click elsewhere on the map keeps the name typed so far
        scene_pos = self.mapToScene(event.position().toPoint())
        if (
            event.button() == Qt.MouseButton.LeftButton
            and self._handle.isVisible()
            and self._handle.contains(self._handle.mapFromScene(scene_pos))
        ):
            self._connect_from = self._handle_node
            self._handle.setVisible(False)
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            node = self.node_at(event.position().toPoint())
            if node is None and self.projection is not None:
                tie = self.tie_at(scene_pos)
                if tie is not None:
                    self._scene.clearSelection()
                    self._selected_tie = tie
                    self._update_tie_highlight()
                    self.selectionChanged.emit(self.selected_keys())
                    event.accept()
                    return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_start = {iri: self._node_pos(iri) for iri in self.selected_nodes()}
            if self._drag_start:
                moving = set(self._drag_start)
                self._live_keys = (
                    set().union(*(self.projection.ties_of(n) for n in moving)) if self.projection else set()
                )
                self._refresh_ties(self._live_keys)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        scene_pos = self.mapToScene(event.position().toPoint())
        if self._connect_from is not None:
            start = self._node_pos(self._connect_from)
            path = QPainterPath(QPointF(*start))
            path.lineTo(scene_pos)
            self._rubber.setPath(path)
            return
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton and self._drag_start:
            self._draw_live()
            self._show_drop_bands()
            return
        if not event.buttons() and self.projection is not None:
            node = self.node_at(event.position().toPoint())
            self._place_handle(node)
            hover = None if node is not None else self.tie_at(scene_pos)
            if hover != self._hover_tie:
                self._hover_tie = hover
                self._update_tie_highlight()
                if hover is not None:
                    self.setToolTip(self.tie_tooltip(hover))
                else:
                    self.setToolTip("")

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._connect_from is not None:
            source, self._connect_from = self._connect_from, None
            self._rubber.setPath(QPainterPath())
            target = self.node_at(event.position().toPoint())
            if target is not None and target != source:
                self.connectRequested.emit(source, target, event.globalPosition().toPoint())
            return
        super().mouseReleaseEvent(event)
        self._show_drop_bands(dragging=False)
        if event.button() == Qt.MouseButton.LeftButton and self._drag_start:
            self._order = None  # nodes moved under the mouse, whether or not a command takes the move
            moved = {}
            for iri, before in self._drag_start.items():
                now = self._node_pos(iri)
                if (
                    before is not None
                    and now is not None
                    and (abs(now[0] - before[0]) > 0.5 or abs(now[1] - before[1]) > 0.5)
                ):
                    moved[iri] = now
            self._drag_start = {}
            live, self._live_keys = self._live_keys, set()
            self._live.setPath(QPainterPath())
            if moved:
                # The move command comes back through apply_delta, which redraws ties and bands.
                self.nodesMoved.emit(moved)
            refused = [iri for iri, xy in moved.items() if self.positions.get(iri) != xy and iri in self.node_items]
            for iri in refused:  # no command took the move: put the nodes back
                if self.positions.get(iri) is not None:
                    self.node_items[iri].setPos(*self.positions[iri])
            if not moved or refused:
                self._refresh_ties(live)  # back where they were: nothing came through apply_delta

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt API
        node = self.node_at(event.position().toPoint())
        if node is not None:
            self.start_rename(node)
            return
        group = self.group_at(event.position().toPoint())
        if group is not None:
            self.groupOpened.emit(group)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _regroup(self) -> None:
        """Count the overview's groups again after edits, in a worker, from copies of the map's views."""
        if self.projection is None or not self._groups.overview.groups:
            return
        if self._regrouping is not None and not self._regrouping.done:
            self._regroup_timer.start()  # one at a time: this one again once that ends
            return
        projection, schema, edits = self.projection, self.schema, self._edits
        nodes, ties, positions = dict(projection.nodes), dict(projection.ties), dict(self.positions)

        def done(overview) -> None:
            if self.projection is projection and self._edits == edits:
                self._groups.set_overview(overview)
                self._apply_lod(force=True)

        task = Task("Counting the map's groups", lambda progress: group_overview(nodes, ties, schema, positions))
        task.succeeded.connect(done)
        self._regrouping = task.start()

    def group_at(self, view_pos):
        """The overview's group under a viewport position (a map drawn by its groups), or None."""
        if not self._groups.isVisible():
            return None
        return self._groups.group_at(self.mapToScene(view_pos))

    def _group_colour(self, kind: str) -> str:
        return _kind_colour(self.schema, URIRef(kind)) if kind else "#8A95A5"

    def _kind_name(self, kind: str) -> str:
        found = self.schema.kind(URIRef(kind)) if self.schema is not None and kind else None
        return found.label if found is not None else local_name(kind)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.reason() == event.Reason.Keyboard:  # at the selection, not wherever the pointer rests
            self._menu_for_selection()
            return
        node = self.node_at(event.pos())
        key = node
        if node is not None:
            if node not in self.selected_nodes():
                self.select([node])
        else:
            tie = self.tie_at(self.mapToScene(event.pos()))
            if tie is not None:
                self.select([tie])
                key = tie
        self.contextMenuRequested.emit(key, event.globalPos())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        ratio = self.viewport().devicePixelRatioF()
        ensure_pixmap_cache(round(self.viewport().width() * ratio), round(self.viewport().height() * ratio))
        self._place_editor()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt API
        super().scrollContentsBy(dx, dy)
        self._pin_band_titles()
        if self._labels_zoom is not None and len(self.node_items) > LABEL_ARRANGE_ALL:
            self._label_timer.start()
        # The box follows its node: a view that scrolls under it (a new map's first node widening the
        # scene, a notice bar taking room above the canvas) must not end the naming.
        self._place_editor()

    def _place_handle(self, node) -> None:
        if node is None or self.zoom() < ARROW_ZOOM:
            if node is None and self._handle.isVisible():
                # Keep the handle while the pointer travels from the node to it.
                pos = self.mapFromGlobal(self.cursor().pos())
                if self._handle.isUnderMouse() or self._handle.contains(
                    self._handle.mapFromScene(self.mapToScene(pos))
                ):
                    return
            self._handle.setVisible(False)
            self._handle_node = None
            return
        x, y = self._node_pos(node)
        self._handle.setPos(x + NODE_W / 2 + 2, y)
        self._handle.setVisible(True)
        self._handle_node = node

    def _show_drop_bands(self, *, dragging: bool = True) -> None:
        """Light up each band a drop would move a dragged node into, titled with what the drop does.

        A level changes only on such a drop (see :meth:`settle_drop`), so the user sees it coming.
        """
        targets = set()
        if dragging and self.projection is not None:
            for iri in self._drag_start:
                now, view = self._node_pos(iri), self.projection.nodes.get(iri)
                if now is not None and view is not None:
                    level = self.settle_drop(iri, now[1])[0]
                    if level != view.level:
                        targets.add(level)
        if targets == self._drop_levels:
            return
        self._drop_levels = targets
        for item in self._drop_items:
            self._scene.removeItem(item)
        self._drop_items = []
        accent = QApplication.palette().color(QPalette.ColorRole.Highlight)
        fill = QColor(accent)
        fill.setAlpha(45)
        left, right = self._band_x
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        for band in self.bands:
            if band.level not in targets:
                continue
            rect = QGraphicsRectItem(QRectF(left, band.top, right - left, band.bottom - band.top))
            rect.setBrush(fill)
            rect.setPen(QPen(accent, 3, Qt.PenStyle.DashLine))
            rect.setZValue(-20)  # over the bands, under the ties and nodes
            rect.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._scene.addItem(rect)
            title = QGraphicsSimpleTextItem(f"Drop to move to {level_title(band.level).lower()} level", rect)
            title.setFont(self.band_font)
            title.setBrush(accent)
            title.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            # Centred in the view, clear of the band's own name pinned at its left, at the band's top or
            # the view's, whichever is lower: always in sight.
            scale = 1 / max(self.zoom(), 1e-6)
            width = title.boundingRect().width() * scale
            x = max(visible.center().x() - width / 2, max(visible.left(), left) + 110 * scale)
            title.setPos(x, max(band.top, visible.top()) + 8 * scale)
            self._drop_items.append(rect)

    def _draw_live(self) -> None:
        ends = []
        for key in self._live_keys:
            tie = self.projection.ties.get(key)
            a, b = (self._node_pos(tie.source), self._node_pos(tie.target)) if tie is not None else (None, None)
            if a is not None and b is not None:
                ends.append((a[0], a[1], b[0], b[1]))
        path = QPainterPath()
        for x1, y1, x2, y2 in clip_to_boxes(np.array(ends, dtype=float).reshape(-1, 4)).tolist():
            path.moveTo(x1, y1)
            path.lineTo(x2, y2)
        self._live.setPen(QPen(QColor("#8d96a3"), 1.6))
        self._live.setPath(path)

    def tie_tooltip(self, key) -> str:
        """A one-line description of a tie for its tooltip."""
        tie = self.projection.ties.get(key)
        if tie is None:
            return ""
        source = self.projection.nodes.get(tie.source)
        target = self.projection.nodes.get(tie.target)
        names = (one_line(source.label) if source else "?", one_line(target.label) if target else "?")
        # The relation in the ontology's words, then the family the line's colour and style stand for.
        said = relation_in_family(relation_name(self.schema, tie), tie_style(self.schema, tie.relation).label)
        return safe_tooltip(f"{names[0][:60]} → {names[1][:60]}", said)

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt API
        # The scene answers tooltips from its items (a band's, behind the ties): a tie under the
        # pointer, with no node over it, names its relation instead, at any zoom.
        if event.type() == event.Type.ToolTip and self.projection is not None:
            point = event.pos()
            group = self.group_at(point)
            if group is not None:
                QToolTip.showText(event.globalPos(), self._groups.tooltip(group), self.viewport())
                return True
            tie = None if self.node_at(point) is not None else self.tie_at(self.mapToScene(point))
            if tie is not None and not self.ties_hidden:
                QToolTip.showText(event.globalPos(), self.tie_tooltip(tie), self.viewport())
                return True
        return super().viewportEvent(event)

    # ---------------------------------------------------------------- rename
    @property
    def name_editor(self) -> QLineEdit | None:
        """The box a node's name is being typed in, or None."""
        return self._editor

    def start_rename(self, iri) -> None:
        """Edit ``iri``'s label in place: Enter or Tab saves, Escape cancels, a click elsewhere saves.

        A name still being typed for another node is saved first, so a quick second gesture
        (the next palette click) never loses it.
        """
        item = self.node_items.get(iri)
        if item is None:
            return
        self.commit_rename()
        editor = QLineEdit(self.viewport())
        editor.setAccessibleName("Rename node")
        text = one_line(self.projection.nodes[iri].label)
        # Typing stops at the longest name a rename accepts, so no typed text is refused and lost on Enter;
        # a longer name read from a file still opens whole.
        editor.setMaxLength(max(MAX_NAME, len(text)))
        editor.setText(text)
        editor.selectAll()
        self._editor, self._renaming, self._opened_with = editor, iri, editor.text()
        self._place_editor()
        editor.show()
        editor.setFocus()
        editor.installEventFilter(self)

    def _place_editor(self) -> None:
        """Put the name box over its node (again after the view scrolls or resizes: it moves with the node)."""
        item = self.node_items.get(self._renaming) if self._editor is not None else None
        if item is None:
            return
        rect = self.mapFromScene(item.sceneBoundingRect()).boundingRect()
        width = max(rect.width(), 180)
        self._editor.setGeometry(int(rect.center().x() - width / 2), int(rect.center().y() - 14), int(width), 28)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self._editor and obj is not None:
            kind = event.type()
            if kind in (event.Type.KeyPress, event.Type.ShortcutOverride) and event.key() in _NAME_KEYS:
                # Taken here, so the key ends naming once: QLineEdit passes Return on to its parents,
                # where the canvas's own Enter (rename the selected node) would open the box again.
                event.accept()
                if kind == event.Type.KeyPress:
                    if event.key() == Qt.Key.Key_Escape:
                        self._close_editor(refocus=True)
                    else:
                        self.commit_rename()
                return True
            if kind == event.Type.FocusOut and event.reason() not in _KEEP_OPEN:
                # Deferred, and only for this box: the click that took the keyboard may be placing
                # the next node, whose own box must not be closed by this one's leaving.
                QTimer.singleShot(0, lambda editor=obj: self._focus_left(editor))
        return super().eventFilter(obj, event)

    def commit_rename(self) -> None:
        """Save the name being typed, if a name box is open, and close the box."""
        editor, iri = self._editor, self._renaming
        if editor is None:
            return
        text, opened_with = editor.text(), self._opened_with
        self._close_editor(refocus=editor.hasFocus())
        # Against the box's opening text, not the label: the box shows a multi-line label on one
        # line, and Enter without typing must not rewrite it.
        if self.projection is not None and text.strip() and iri in self.projection.nodes and text != opened_with:
            self.renameRequested.emit(iri, text)

    def _focus_left(self, editor) -> None:
        if self._editor is editor and not editor.hasFocus():
            self.commit_rename()

    def _cancel_editor(self) -> None:
        self._close_editor(refocus=self._editor is not None and self._editor.hasFocus())

    def _close_editor(self, *, refocus: bool) -> None:
        editor, self._editor, self._renaming = self._editor, None, None
        if editor is not None:
            editor.removeEventFilter(self)
            editor.hide()
            editor.deleteLater()
            if refocus:  # back to the canvas only from the box; a click elsewhere keeps its widget
                self.setFocus()

    # ------------------------------------------------------------- drag & drop
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(self.KIND_MIME) or event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(self.KIND_MIME):
            event.acceptProposedAction()
        elif event.mimeData().hasUrls():
            event.ignore()  # the main window opens dropped files
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(self.KIND_MIME):
            kind = bytes(event.mimeData().data(self.KIND_MIME)).decode("utf-8")
            self.placeRequested.emit(kind, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            event.ignore()

    def free_spot(self, level: int, near_x: float | None = None) -> tuple[float, float]:
        """A place in ``level``'s band, near ``near_x``, not on top of another node."""
        y = self.band_centre(level) if self.bands else 0.0
        x = near_x if near_x is not None else self.mapToScene(self.viewport().rect().center()).x()
        taken = np.array(list(self.positions.values()), dtype=float).reshape(-1, 2)
        # Only nodes within reach of the search can be in the way: one filter, then each try is small.
        reach = 51 * (NODE_W + 20) + NODE_W
        taken = taken[(np.abs(taken[:, 0] - x) < reach) & (np.abs(taken[:, 1] - y) < 3 * (NODE_H + 26) + NODE_H)]
        for attempt in range(400):
            ring, step = divmod(attempt, 8)
            dx = (ring + 1) * (NODE_W + 20) * (1 if step % 2 else -1) if attempt else 0
            dy = ((step // 2) - 1.5) * (NODE_H + 26) if attempt else 0
            cx, cy = x + (dx if attempt else 0), y + (dy if attempt else 0)
            if not np.any((np.abs(taken[:, 0] - cx) < NODE_W + 10) & (np.abs(taken[:, 1] - cy) < NODE_H + 10)):
                return cx, cy
        return x, y
