"""The main window: the canvas in the middle, docks around it, menus, files and undo.

The window is glue. It turns what the canvas and the docks ask for into core
commands (:mod:`explorer.core.editing`) executed on the open
:class:`~explorer.core.document.MapDocument`, and follows the document's events
to keep every view current. Loading, saving and layouts run off the UI thread
(:mod:`explorer.ui.common.workers`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QObject, QPointF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from rdflib import URIRef

from explorer.core import editing
from explorer.core.atomic_file import can_replace
from explorer.core.commands import set_property
from explorer.core.document import MapDocument
from explorer.core.errors import ExplorerError, FileChangedError, ScenariosNotSaved
from explorer.core.events import (
    DerivedGraphsChanged,
    DirtyChanged,
    DocumentReloaded,
    DocumentSaved,
    EditNotRecorded,
    GraphChanged,
    StackChanged,
)
from explorer.core.filtering import filter_nodes
from explorer.core.graph_view import current_view
from explorer.core.journal import orphaned_untitled
from explorer.core.namespaces import RX
from explorer.core.presentation import level_title
from explorer.core.projection import Projection
from explorer.core.rdf_formats import FORMATS, format_for_path
from explorer.core.resources import docs_dir, is_sample
from explorer.core.scenario_graphs import route
from explorer.core.scenarios import display_title
from explorer.core.schema import Schema, schema_of
from explorer.core.text import one_line
from explorer.layout import LAYOUTS
from explorer.layout.columns import tie_columns
from explorer.layout.focus import focus_positions, rings_from
from explorer.layout.placement import initial_positions, layout_input
from explorer.ui.analysis import compare_view
from explorer.ui.analysis.dock import AnalysisDock
from explorer.ui.building import editing as building
from explorer.ui.canvas.legend import Legend, read_legend
from explorer.ui.canvas.minimap import Minimap
from explorer.ui.canvas.view import FULL_DETAIL_LIMIT, MapCanvas, read_canvas
from explorer.ui.checks import panel as checks_panel
from explorer.ui.common import MAP_FILTER, clipboard, memory, menu_text, safe_text, settings
from explorer.ui.common.host import OpenMap
from explorer.ui.common.shapes import NODE_H, NODE_W
from explorer.ui.common.theme import dark_palette
from explorer.ui.common.workers import run_task, spin_until
from explorer.ui.files import earlier_versions, endpoint_browser, import_dialog
from explorer.ui.files import export as export_actions
from explorer.ui.files import map_details as map_details_feature
from explorer.ui.files import report as report_actions
from explorer.ui.files.scenario_save import ask_save_as_trig
from explorer.ui.help import guide as help_guide
from explorer.ui.help.about import AboutDialog
from explorer.ui.inspector.form import Inspector
from explorer.ui.panels import graph_view_bar, scenario_bar
from explorer.ui.panels.filter_dialog import FilterDialog
from explorer.ui.panels.find import FindBox
from explorer.ui.panels.history import HistoryView
from explorer.ui.panels.outline import Outline, read_outline
from explorer.ui.panels.palette import Palette
from explorer.ui.panels.shortcuts import ShortcutsDialog
from explorer.ui.panels.start_screen import StartScreen
from explorer.ui.sparql import console as sparql_console
from explorer.ui.table import install as install_node_table
from explorer.ui.team import install as install_team

#: Default widths of the left (Palette, Outline) and right (Inspector, Legend) columns: at 1280x800 the map
#: keeps about 60 % of the window's width.
DOCK_WIDTHS = [200, 290]
SAVE_FILTERS = {
    "turtle": "Turtle (*.ttl)",
    "trig": "TriG (*.trig)",
    "ntriples": "N-Triples (*.nt)",
    "nquads": "N-Quads (*.nq)",
    "jsonld": "JSON-LD (*.jsonld)",
    "rdfxml": "RDF/XML (*.rdf)",
}
RECENT_LIMIT = 10
LEVEL_IRIS = {1: RX.micro, 2: RX.meso, 3: RX.macro}


#: Frames a force layout shows on the way to its result (each costs the window ~30 ms at 10k nodes).
LAYOUT_FRAMES = 12

#: Up to this many new nodes without positions each get a free spot near the view's centre;
#: more (a big paste or update) are set out beside the map, since each search scans every node.
FREE_SPOT_LIMIT = 20
#: A move of more nodes than this (a layout, its undo) is drawn from the next turn of the event loop.
FOLLOW_NEXT_TURN = 2_000


def prepare_views(projection: Projection, schema: Schema, computed: dict, *, columns=None) -> dict:
    """What the canvas, the outline and the legend read from a map just opened, read in its loading thread.

    ``computed``: places worked out for the nodes the map gives none (:func:`initial_positions`). On a 100k-node
    map each of these reads took the window 0.3-1.6 s; read here, the window only draws them
    (see :attr:`~explorer.ui.common.host.OpenMap.prepared`). ``columns``: the ties as
    :func:`~explorer.layout.columns.tie_columns` reads them, if read already.
    """
    placed = {}
    for iri, view in projection.nodes.items():
        xy = (view.x, view.y) if view.x is not None else computed.get(iri)
        if xy is not None:
            placed[iri] = xy
    return {
        "positions": placed,
        "canvas": read_canvas(projection, schema, placed, columns=columns),
        "outline": read_outline(projection, schema),
        "legend": read_legend(projection, schema),
    }


class _FrameRelay(QObject):
    """Carries a layout's frames from its worker thread to the window (a queued signal)."""

    frame = Signal(object)


@dataclass
class LoadedMap:
    """What the loading thread hands to the window."""

    document: MapDocument
    schema: Schema
    projection: Projection
    positions: dict
    #: What the views read from the map, read in the loading thread (see OpenMap.prepared).
    prepared: dict = field(default_factory=dict)


class MainWindow(QMainWindow):
    """The Routine Explorer main window: one open map at a time."""

    #: The open map as an :class:`~explorer.ui.common.host.OpenMap` when one opens, None when it closes.
    mapShown = Signal(object)
    openFailed = Signal(str)
    saved = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.document: MapDocument | None = None
        self.schema: Schema | None = None
        self.projection: Projection | None = None
        self._computed: dict = {}
        self._unsubscribe: list = []
        self._journal_warning: QMessageBox | None = None
        self._task = None
        self._focus_depth = 1
        self._busy = False
        self._own_palette = False
        self._load_task = None
        self._closing = False
        self.setWindowTitle("Routine Explorer")
        self.setAccessibleName("Routine Explorer")
        self.setAcceptDrops(True)
        # A first start fits the screen (a 1280x800 laptop's, less its panels); later starts restore the last size.
        room = self.screen().availableGeometry()
        self.resize(min(1360, room.width()), min(860, room.height()))
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.canvas = MapCanvas(self)
        self.start_screen = StartScreen(self)
        self.canvas_page = QWidget(self)
        page = QVBoxLayout(self.canvas_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        self.banner = QLabel(self.canvas_page)
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setContentsMargins(12, 8, 12, 8)
        self.banner.setStyleSheet("background: palette(alternate-base); border-bottom: 1px solid palette(mid);")
        self.banner.setAccessibleName("Notice")
        self.banner.hide()
        page.addWidget(self.banner)
        page.addWidget(self.canvas)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.start_screen)
        self.pages.addWidget(self.canvas_page)
        self.setCentralWidget(self.pages)
        self.legend = Legend(self)
        # A child of the canvas, not of its viewport: the view scrolls its viewport's children.
        self.minimap = Minimap(self.canvas, self.canvas)
        self._fit_pending = False
        self._needs_dock_sizes = False
        self.canvas.viewport().installEventFilter(self)

        self.palette_view = Palette(self)
        self.inspector = Inspector(self)
        self.outline = Outline(self)
        self.history = HistoryView(self)
        self.analysis = AnalysisDock(self, canvas=self.canvas)
        self.palette_dock = self.add_dock("Palette", "palette", self.palette_view, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.outline_dock = self.add_dock("Outline", "outline", self.outline, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self.add_dock(
            "Inspector", "inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.history_dock = self.add_dock("History", "history", self.history, Qt.DockWidgetArea.RightDockWidgetArea)
        self.analysis_dock = self.add_dock("Analysis", "analysis", self.analysis, Qt.DockWidgetArea.RightDockWidgetArea)
        # The legend is a panel, not an overlay: on a dense map an overlay hides nodes.
        legend_scroll = QScrollArea(self)
        legend_scroll.setWidget(self.legend)
        legend_scroll.setWidgetResizable(True)
        legend_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.legend_dock = self.add_dock("Legend", "legend", legend_scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        # Palette and Outline share one tabbed column, so the map keeps most of a laptop's window.
        self.tabifyDockWidget(self.palette_dock, self.outline_dock)
        self.palette_dock.raise_()
        self.splitDockWidget(self.inspector_dock, self.legend_dock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.inspector_dock, self.history_dock)
        self.tabifyDockWidget(self.history_dock, self.analysis_dock)
        self.inspector_dock.raise_()
        self.resizeDocks([self.palette_dock, self.inspector_dock], DOCK_WIDTHS, Qt.Orientation.Horizontal)
        self.resizeDocks([self.inspector_dock, self.legend_dock], [600, 260], Qt.Orientation.Vertical)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        #: Actions that need an open map; feature modules append theirs (see _install_features).
        self.map_actions: list[QAction] = []
        self._install_features()
        self._connect()
        self._restore_settings()
        self._show_start()
        self._refresh_timer = QTimer(self, singleShot=True, interval=120, timeout=self._refresh_views)
        self._moves_pending: list = []  # (projection, GraphChanged) of big moves the window follows next turn
        self._panel_steps: list = []  # (projection, step) of the panels following the map just shown
        # Not 0 ms: Qt runs zero timers ahead of the others, so the follow would run back to back with the
        # turn that took the change, and input and other timers would wait for both.
        self._follow_timer = QTimer(self, singleShot=True, interval=1, timeout=self._follow_moves)
        # Nodes and ties changed since _refresh_views, and nodes only moved (only the minimap draws positions).
        self._unrefreshed: tuple[set, set, set] = (set(), set(), set())

    # ------------------------------------------------------------------ building
    def _install_features(self) -> None:
        """Let feature modules add their panels, menus and actions, one line each.

        Each ``install(host)`` uses only what :class:`~explorer.ui.common.host.MapHost` lists (the menus,
        :meth:`add_dock`, :meth:`add_action`, :meth:`execute`, the status line), follows the map through
        ``mapShown`` and returns its object, which the window keeps. It runs before the saved window state
        is restored, which needs every dock to exist.
        """
        self.sparql_console = sparql_console.install(self)
        self.sparql_dock = self.sparql_console.dock
        self.act_import = import_dialog.install(self)
        self.export_actions = export_actions.install(self)
        self.report_actions = report_actions.install(self)
        self.graph_view_bar = graph_view_bar.install(self)
        self.scenarios = scenario_bar.install(self)
        self.map_details = map_details_feature.install(self)
        self.building = building.install(self)
        self.node_table = install_node_table(self)
        self.checks = checks_panel.install(self)
        self.compare = compare_view.install(self)
        self.earlier_versions = earlier_versions.install(self, self.compare)
        self.endpoint_browsing = endpoint_browser.install(self)
        self.team = install_team(self, open_map=self.open_map)
        self.help = help_guide.install(self)
        self.help.tourRequested.connect(self.show_tour)
        self.start_screen.guideRequested.connect(lambda: self.help.open_guide())

    def add_dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        """Put ``widget`` in a dock titled ``title`` (``name`` keys its place in the saved window state)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setAccessibleName(f"{title} panel")
        self.addDockWidget(area, dock)
        return dock

    def add_action(
        self, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False, *, needs_map: bool = False
    ) -> QAction:
        """A window-wide action calling ``slot``; ``needs_map``: enabled only while a map is open."""
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                action.setShortcuts(list(shortcut))
            else:
                action.setShortcut(shortcut)
        action.setToolTip(tip or text.replace("&", "").replace("…", ""))
        action.setStatusTip(tip or "")
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)
        if needs_map:
            self.map_actions.append(action)
        return action

    def add_menu(self, name: str, menu: QMenu) -> None:
        """Insert ``menu`` in the menu bar before Help, known to other features as ``menus[name]``."""
        self.menuBar().insertMenu(self.menus["help"].menuAction(), menu)
        self.menus[name] = menu

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        """Say ``text`` in the status line for ``timeout_ms`` (0: until the next message)."""
        self.statusBar().showMessage(text, timeout_ms)

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.act_new = self.add_action("&New Map", self.new_map, key.New, "Start an empty map")
        self.act_open = self.add_action("&Open…", self.choose_map, key.Open, "Open a map file")
        self.act_save = self.add_action("&Save", self.save, key.Save, "Save the map")
        self.act_save_as = self.add_action(
            "Save &As…", self.save_as, key.SaveAs, "Save the map to a new file or format"
        )
        self.act_revert = self.add_action(
            "&Revert", self.revert, None, "Go back to the saved file, dropping unsaved changes"
        )
        self.act_close = self.add_action("&Close Map", self.close_map, key.Close, "Close the map")
        self.act_quit = self.add_action("&Quit", self.close, key.Quit, "Quit Routine Explorer")
        self.act_undo = self.add_action("&Undo", self.undo, key.Undo)
        self.act_redo = self.add_action("&Redo", self.redo, key.Redo)
        # The menu says what will be undone; the toolbar button keeps a short, steady name.
        self.act_undo.setIconText("Undo")
        self.act_redo.setIconText("Redo")
        self.act_cut = self.add_action("Cu&t", self.cut, key.Cut, "Cut the selected nodes with their ties")
        self.act_copy = self.add_action("&Copy", self.copy, key.Copy, "Copy the selected nodes with their ties")
        self.act_paste = self.add_action("&Paste", self.paste, key.Paste, "Paste nodes as new ones")
        self.act_delete = self.add_action(
            "&Delete",
            self.delete_selection,
            [QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence(Qt.Key.Key_Backspace)],
            "Delete the selected nodes and ties",
        )
        self.act_select_all = self.add_action("Select &All", self.canvas.select_all, key.SelectAll)
        self.act_find = self.add_action("&Find…", lambda: self.search_box.start(), key.Find, "Find nodes by label")
        self.act_find_next = self.add_action("Find &Next", lambda: self.search_box.find_next(), key.FindNext)
        self.act_find_previous = self.add_action(
            "Find Pre&vious", lambda: self.search_box.find_previous(), key.FindPrevious
        )
        self.act_tie = self.add_action(
            "&Tie Selected Nodes…",
            self.tie_selected,
            QKeySequence("Ctrl+T"),
            "Tie two selected nodes with a relation the ontology allows",
        )
        self.act_rename = self.add_action("&Rename", self.rename_selected, QKeySequence(Qt.Key.Key_F2))
        self.act_zoom_in = self.add_action("Zoom &In", lambda: self.canvas.zoom_by(1.25), key.ZoomIn)
        self.act_zoom_out = self.add_action("Zoom &Out", lambda: self.canvas.zoom_by(0.8), key.ZoomOut)
        self.act_fit = self.add_action("&Fit Map", lambda: self.canvas.fit(), QKeySequence("Ctrl+0"))
        self.act_actual = self.add_action("Actual &Size", lambda: self.canvas.set_zoom(1.0), QKeySequence("Ctrl+1"))
        self.act_focus = self.add_action(
            "&Focus on Selection",
            self.focus_selection,
            QKeySequence("Ctrl+Shift+F"),
            "Show only the selection and its neighbours",
        )
        self.act_filter = self.add_action(
            "Fi&lter…",
            self.choose_filter,
            QKeySequence("Ctrl+Shift+L"),
            "Show only some kinds, levels or attribute values",
        )
        self.act_show_all = self.add_action(
            "Show &Everything", self.show_everything, QKeySequence("Ctrl+Shift+E"), "Clear focus and filter"
        )
        self.act_legend = self.legend_dock.toggleViewAction()
        self.act_legend.setText("&Legend")
        self.act_legend.setStatusTip("Show the kinds and ties on the map")
        self.act_minimap = self.add_action("&Minimap", self._toggle_minimap, None, "Show the minimap", checkable=True)
        self.act_focus_map = self.add_action(
            "Focus on the &Map",
            self._toggle_focus_map,
            QKeySequence("Ctrl+Shift+M"),
            "Hide every panel, so the map has the whole window (again to bring them back)",
            checkable=True,
        )
        self.act_bands = self.add_action(
            "Level &Bands", self._toggle_bands, None, "Show the macro, meso and micro bands", checkable=True
        )
        self.act_drop_runs = self.add_action(
            "&Remove Kept Analysis Runs",
            self.drop_analysis_runs,
            None,
            "Remove the analysis runs kept in the map for SPARQL (they can be run again)",
        )
        self.act_analyse = self.add_action(
            "&Analyse Change",
            self.analyse_change,
            QKeySequence("Ctrl+R"),
            "Where the chosen change will meet resistance, why, and what levers exist",
        )
        # F1 (the platform's help key) opens the user guide (ui/help); the shortcut list takes Ctrl+/.
        self.act_shortcuts = self.add_action("&Keyboard Shortcuts", self.show_shortcuts, QKeySequence("Ctrl+/"))
        self.act_reference = self.add_action("&Ontology Reference", self.open_reference)
        self.act_about = self.add_action("&About Routine Explorer", self.show_about)
        self.layout_actions = {}
        for name, label in LAYOUTS.items():
            self.layout_actions[name] = self.add_action(
                f"Lay Out {label}", lambda n=name: self.apply_layout(n), None, f"Arrange all nodes: {label.lower()}"
            )
        self.layout_actions["levels"].setShortcut(QKeySequence("Ctrl+L"))
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for name, label in (("system", "Follow the System"), ("light", "Light"), ("dark", "Dark")):
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda checked=False, n=name: self.set_theme(n))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.samples_menu = file_menu.addMenu("Open Sample &Map")
        from explorer.ui.panels.start_screen import sample_catalogue

        for path, title, description in sample_catalogue():
            action = self.samples_menu.addAction(menu_text(title), lambda checked=False, p=path: self.open_map(p))
            action.setStatusTip(description)
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as, self.act_revert])
        # Import, export and report entries are inserted before this separator.
        export_anchor = file_menu.addSeparator()
        file_menu.addActions([self.act_close, self.act_quit])
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_delete])
        edit.addSeparator()
        edit.addActions([self.act_rename, self.act_tie, self.act_select_all])
        edit.addSeparator()
        edit.addActions([self.act_find, self.act_find_next, self.act_find_previous])
        view = bar.addMenu("&View")
        layouts = view.addMenu("&Layout")
        layouts.addActions(list(self.layout_actions.values()))
        view.addSeparator()
        view.addActions([self.act_zoom_in, self.act_zoom_out, self.act_fit, self.act_actual])
        view.addSeparator()
        view.addActions([self.act_focus, self.act_filter, self.act_show_all])
        depth = view.addMenu("Focus &Depth")
        group = QActionGroup(self)
        for n in (1, 2, 3):
            action = depth.addAction(f"{n} tie{'s' if n > 1 else ''} away", lambda n=n: self._set_depth(n))
            action.setCheckable(True)
            action.setChecked(n == 1)
            group.addAction(action)
        view.addSeparator()
        view.addActions([self.act_focus_map, self.act_bands, self.act_legend, self.act_minimap])
        theme = view.addMenu("&Appearance")
        theme.addActions(list(self.theme_actions.values()))
        view.addSeparator()
        panels = view.addMenu("&Panels")
        for dock in (self.palette_dock, self.outline_dock, self.inspector_dock, self.history_dock, self.analysis_dock):
            panels.addAction(dock.toggleViewAction())
        analysis = bar.addMenu("&Analysis")
        analysis.addAction(self.act_analyse)
        analysis.addAction(self.act_drop_runs)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_reference])
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)
        self.menus = {
            "file": file_menu,
            "export_anchor": export_anchor,
            "edit": edit,
            "view": view,
            "panels": panels,
            "analysis": analysis,
            "help": help_menu,
        }

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("toolbar-main")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.act_undo, self.act_redo])
        bar.addSeparator()
        bar.addAction(self.layout_actions["levels"])
        bar.addAction(self.act_fit)
        bar.addSeparator()
        bar.addActions([self.act_focus, self.act_filter, self.act_show_all])
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy().Preferred
        )
        bar.addWidget(spacer)
        self.search_box = FindBox(self.canvas, self)
        self.search_box.message.connect(self.show_status)
        bar.addWidget(self.search_box)
        self.addToolBar(bar)
        self.toolbar = bar
        self.zoom_label = QLabel("")
        self.zoom_label.setAccessibleName("Zoom")
        self.counts_label = QLabel("")
        self.counts_label.setAccessibleName("Map size")
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _connect(self) -> None:
        c = self.canvas
        c.selectionChanged.connect(self._selection_changed)
        c.nodesMoved.connect(self._nodes_moved)
        c.groupOpened.connect(self.open_group)
        c.contextMenuRequested.connect(self._context_menu)
        c.zoomChanged.connect(self._show_zoom)
        # The minimap shows only while part of the map is out of view.
        c.zoomChanged.connect(self._place_overlays)
        c.horizontalScrollBar().valueChanged.connect(self._place_overlays)
        c.verticalScrollBar().valueChanged.connect(self._place_overlays)
        self.palette_view.kindActivated.connect(lambda kind: self.place_node(URIRef(kind)))
        self.outline.nodesActivated.connect(lambda keys: self.canvas.select(keys, centre=True))
        self.inspector.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.inspector.selectRequested.connect(lambda key: self.canvas.select([key], centre=True))
        self.history.jumpRequested.connect(self.jump_to)
        self.analysis.selectRequested.connect(lambda key: self.canvas.select([key], centre=True))
        self.analysis.selectNodesRequested.connect(lambda keys: self.canvas.select(list(keys), centre=True))
        self.analysis.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.start_screen.newRequested.connect(self.new_map)
        self.start_screen.openRequested.connect(self.choose_map)
        self.start_screen.pathChosen.connect(self.open_map)
        self.start_screen.importRequested.connect(self.import_spreadsheet)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda *_: self.canvas.apply_theme())

    # ------------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        s = settings()
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        else:
            self._needs_dock_sizes = True
        self.act_minimap.setChecked(s.value("view/minimap", True, type=bool))
        self.act_bands.setChecked(s.value("view/bands", True, type=bool))
        self.act_focus_map.setChecked(s.value("view/focus_map", False, type=bool))
        theme = s.value("view/theme", "system")
        self.theme_actions.get(theme, self.theme_actions["system"]).setChecked(True)
        if theme != "system":
            self.set_theme(theme, remember=False)
        self._update_recent()

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.palette_dock, self.inspector_dock], DOCK_WIDTHS, Qt.Orientation.Horizontal)
        self.resizeDocks([self.inspector_dock, self.legend_dock], [620, 240], Qt.Orientation.Vertical)

    def _toggle_focus_map(self, on: bool) -> None:
        """Hide every panel so the map has the window; off again, bring back the panels that were open."""
        docks = [dock for dock in self.findChildren(QDockWidget) if dock.parent() is self]
        if on:
            self._panels_before_focus = [dock for dock in docks if not dock.isHidden()]
            for dock in docks:
                dock.hide()
        else:
            shown = getattr(self, "_panels_before_focus", None) or [
                self.palette_dock,
                self.outline_dock,
                self.inspector_dock,
                self.legend_dock,
            ]
            for dock in shown:
                dock.show()
            self.palette_dock.raise_()
            self.inspector_dock.raise_()
        settings().setValue("view/focus_map", on)

    def _save_settings(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("view/minimap", self.act_minimap.isChecked())
        s.setValue("view/bands", self.act_bands.isChecked())

    def recent_files(self) -> list[Path]:
        """Recently opened or saved maps, newest first."""
        value = settings().value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [Path(p) for p in (value or [])]

    def _remember(self, path: Path) -> None:
        paths = [str(Path(path).resolve())] + [
            str(p) for p in self.recent_files() if str(p) != str(Path(path).resolve())
        ]
        settings().setValue("recent", paths[:RECENT_LIMIT])
        self._update_recent()

    def _update_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(menu_text(path.name), lambda checked=False, p=path: self.open_map(p))
            action.setStatusTip(str(path))
            action.setEnabled(path.exists())
        if not recent:
            self.recent_menu.addAction("No recent maps").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(
                "Clear Recent Maps", lambda: (settings().setValue("recent", []), self._update_recent())
            )
        self.start_screen.set_recent(recent)

    def set_theme(self, name: str, *, remember: bool = True) -> None:
        """Light, dark, or follow the system."""
        hints = QGuiApplication.styleHints()
        scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(name, Qt.ColorScheme.Unknown)
        if hasattr(hints, "setColorScheme"):
            hints.setColorScheme(scheme)
        app = QApplication.instance()
        dark_now = app.palette().color(QPalette.ColorRole.Window).lightness() < 128
        if name == "system":
            if self._own_palette:
                app.setPalette(app.style().standardPalette())
                self._own_palette = False
        elif dark_now != (name == "dark"):
            # Some platforms (and the offscreen one) ignore the colour-scheme hint: set the palette ourselves.
            app.setPalette(dark_palette() if name == "dark" else app.style().standardPalette())
            self._own_palette = True
        if remember:
            settings().setValue("view/theme", name)
        self.canvas.apply_theme(None if name == "system" else name == "dark")
        self.minimap.refresh()

    # ------------------------------------------------------------------- state
    def _show_start(self) -> None:
        self.pages.setCurrentWidget(self.start_screen)
        self.setWindowTitle("Routine Explorer")
        self.setWindowModified(False)
        self.counts_label.setText("")
        self.zoom_label.setText("")
        self.minimap.hide()
        self._update_actions()

    def _update_actions(self) -> None:
        if self._busy:
            for action in self.actions():
                if action not in (self.act_quit, self.act_shortcuts, self.act_about, self.act_reference):
                    action.setEnabled(False)
            return
        has_map = self.document is not None
        for action in (
            self.act_save,
            self.act_save_as,
            self.act_close,
            self.act_select_all,
            self.act_find,
            self.act_find_next,
            self.act_find_previous,
            self.act_zoom_in,
            self.act_zoom_out,
            self.act_fit,
            self.act_actual,
            self.act_focus,
            self.act_filter,
            self.act_show_all,
            self.act_paste,
            self.act_analyse,
            *self.layout_actions.values(),
            *self.map_actions,
        ):
            action.setEnabled(has_map)
        self.act_revert.setEnabled(has_map and self.document.path is not None and self.document.dirty)
        self.act_drop_runs.setEnabled(has_map and bool(self.document.derived_graphs()))
        selected = self.canvas.selected_keys() if has_map else []
        nodes = [k for k in selected if not isinstance(k, tuple)]
        self.act_cut.setEnabled(bool(nodes))
        self.act_copy.setEnabled(bool(nodes))
        self.act_delete.setEnabled(bool(selected))
        self.act_tie.setEnabled(len(nodes) == 2)
        self.act_rename.setEnabled(len(nodes) == 1)
        self.act_focus.setEnabled(bool(nodes))
        stack = self.document.stack if has_map else None
        self.act_undo.setEnabled(bool(stack and stack.can_undo()))
        self.act_redo.setEnabled(bool(stack and stack.can_redo()))
        self.act_undo.setText(f"&Undo {menu_text(stack.undo_text)}" if stack and stack.can_undo() else "&Undo")
        self.act_redo.setText(f"&Redo {menu_text(stack.redo_text)}" if stack and stack.can_redo() else "&Redo")
        self.search_box.setEnabled(has_map)

    def _update_title(self) -> None:
        if self.document is None:
            self.setWindowTitle("Routine Explorer")
            return
        name = self.document.path.name if self.document.path is not None else "not saved yet"
        title = display_title(self.document)  # names the scenario shown, if any
        self.setWindowTitle(f"{one_line(title, 160)} ({name})[*] — Routine Explorer")
        self.setWindowModified(self.document.dirty)

    # ------------------------------------------------------------------- files
    def new_map(self) -> bool:
        """Start an empty, untitled map."""
        if not self.maybe_save():
            return False
        document = MapDocument.new()
        schema = schema_of(document)
        self._install(LoadedMap(document, schema, Projection.build(document.store, schema), {}))
        self.statusBar().showMessage("New map: drag a kind from the palette onto a level band to start.", 10000)
        return True

    def import_spreadsheet(self) -> None:
        """Start a map and open File > Import… on it (the start screen's "Import a spreadsheet…")."""
        if self.document is None and not self.new_map():
            return
        self.act_import.trigger()

    def choose_map(self) -> None:
        """Ask for a map file and open it."""
        start = str(self.recent_files()[0].parent) if self.recent_files() else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open map", start, MAP_FILTER)
        if path:
            self.open_map(path)

    def open_map(self, path, *, ask: bool = True):
        """Open ``path`` in a worker thread; the current map stays until the new one is ready.

        Returns the :class:`~explorer.ui.common.workers.Task` (or None if the user cancelled closing the current map).
        """
        path = Path(path)
        if ask and not self.maybe_save():
            return None

        def work(progress):
            with memory.paused():
                document = MapDocument.open(path, progress=progress)
                try:
                    schema = schema_of(document)
                    projection = Projection.build(document.store, schema)
                    # Read once for the first layout and the overview: a pass over every tie (0.4 s at 100k nodes).
                    columns = tie_columns(projection.nodes, projection.ties)
                    positions = initial_positions(
                        projection, cancelled=lambda: (progress(0, 0), False)[1], columns=columns
                    )
                    prepared = prepare_views(projection, schema, positions, columns=columns)
                    sparql_console.prepare_imports()  # here, not on the UI thread when the map is shown
                except BaseException:
                    document.close()
                    raise
                # Before collections resume, else the first walks the whole new map at once (1.6 s at 100k
                # nodes, on the UI thread); only a map that opened (a failed one's objects stay collectable).
                memory.settle()
            return LoadedMap(document, schema, projection, positions, prepared)

        def failed(error):
            if task is not self._load_task:
                return
            self._load_task = None
            message = str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"
            self.openFailed.emit(message)
            self._warn("Cannot open map", f"{path}\n\n{message}")

        def succeeded(loaded: LoadedMap):
            if self._closing or task is not self._load_task:
                loaded.document.close()  # superseded by a later open, or the window closed meanwhile
                return
            self._load_task = None
            task.result = None  # the window holds the map now: a finished task keeps none of it alive
            self._install(loaded)
            self._remember(path)
            self.statusBar().showMessage(f"Opened {path.name}", 6000)

        def cancelled():
            if task is self._load_task:
                self._load_task = None
                self.statusBar().showMessage("Opening cancelled; the current map is unchanged.", 6000)

        if self._load_task is not None:
            self._load_task.cancel()  # the newest request wins
        self.statusBar().showMessage(f"Opening {path.name}…")
        task = run_task(
            f"Opening {path.name}…",
            work,
            parent=self,
            dialog_parent=self,
            on_success=succeeded,
            on_failure=failed,
            on_cancel=cancelled,
        )
        self._task = self._load_task = task
        return task

    def _install(self, loaded: LoadedMap) -> None:
        """Make ``loaded`` the open map (closing the previous one)."""
        self._detach()
        replaced = self.document is not None
        if replaced:
            self.document.close()
        self.document, self.schema, self.projection = loaded.document, loaded.schema, loaded.projection
        self._computed = dict(loaded.positions)
        events = self.document.events
        self._unsubscribe = [
            events.subscribe(GraphChanged, self._graph_changed),
            events.subscribe(DirtyChanged, lambda e: self._update_title() or self._update_actions()),
            events.subscribe(
                StackChanged, lambda e: (self._update_title(), self._update_actions(), self.history.refresh())
            ),
            events.subscribe(DocumentReloaded, lambda e: self._reload()),
            events.subscribe(DocumentSaved, lambda e: (self._update_title(), self._update_actions())),
            events.subscribe(DerivedGraphsChanged, lambda e: self._update_actions()),
            events.subscribe(EditNotRecorded, self._edit_not_recorded),
        ]
        self.pages.setCurrentWidget(self.canvas_page)
        prepared = dict(loaded.prepared)
        placed = prepared.pop("positions", None)
        if placed is None:
            placed = self._positions_for(self.projection.nodes)
        self.canvas.set_map(self.projection, self.schema, placed, prepared.pop("canvas", None))
        opened = OpenMap(self.document, self.schema, self.projection, prepared)
        for view in (self.palette_view, self.inspector, self.history, self.search_box):
            view.show_map(opened)
        # The panels that read every node follow one per turn of the event loop, so a 100k-node map never
        # holds the window for all of them at once: each step queues the next when it is done (queued all at
        # once, they ran back to back in one turn: 400-700 ms at 100k nodes).
        self._panel_steps = [
            (self.projection, step)
            for step in (
                lambda: self.analysis.show_map(opened),
                lambda: self.outline.show_map(opened),
                lambda: self.minimap.show_map(opened),
                lambda: (self.legend.show_map(opened), self._place_overlays()),
            )
        ]
        # Fit once the page switch has given the canvas its final size (see eventFilter).
        self._fit_pending = True
        QTimer.singleShot(0, self._fit_if_pending)
        # After the panels above have let go of the old map: its cycles are collected (one pause, when maps
        # change), then this map's objects stay out of the collections that would pause the window later.
        QTimer.singleShot(0, lambda: (memory.release() if replaced else None, memory.settle()))
        # The first panel step in a turn after the fit's: the same turn held a 100k-node map's window 230 ms.
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, self._next_panel_step))
        self._place_overlays()
        self._update_banner()
        self._update_title()
        self._update_actions()
        self._update_counts()
        self.mapShown.emit(opened)
        if self.document.pending_recovery is not None:
            self._offer_recovery()

    @property
    def panels_pending(self) -> bool:
        """Whether panels that read every node are still to follow the map just shown (one per turn)."""
        return bool(self._panel_steps)

    def _next_panel_step(self) -> None:
        if not self._panel_steps:
            return
        projection, step = self._panel_steps.pop(0)
        if projection is not self.projection:  # the map was closed or replaced meanwhile
            self._panel_steps = []
            return
        step()
        if self._panel_steps:
            QTimer.singleShot(0, self._next_panel_step)

    def _detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    def _positions_for(self, iris) -> dict:
        positions = {}
        for iri in iris:
            view = self.projection.nodes.get(iri)
            if view is None:
                continue
            if view.x is not None:
                positions[iri] = (view.x, view.y)
            elif iri in self._computed:
                positions[iri] = self._computed[iri]
        missing = [iri for iri in iris if iri in self.projection.nodes and iri not in positions]
        if len(missing) > FREE_SPOT_LIMIT:
            spots = self._beside_the_map(missing)
        else:
            spots = {}
            for iri in missing:
                spots[iri] = self.canvas.positions[iri] = self.canvas.free_spot(self.projection.nodes[iri].level)
        for iri, spot in spots.items():
            self._computed[iri] = spot
            positions[iri] = spot
            self.canvas.positions[iri] = spot
        return positions

    def _beside_the_map(self, iris) -> dict:
        """Places for many new nodes without positions (a big paste or SPARQL update): columns to
        the right of the map, two rows in each level's band. ``free_spot`` looks for room among all
        nodes for each one, which took 10-43 s for 500-2,000 nodes."""
        xs = [x for x, _ in self.canvas.positions.values()]
        left = (max(xs) if xs else 0.0) + 1.5 * NODE_W
        by_level: dict = {}
        for iri in iris:
            by_level.setdefault(self.projection.nodes[iri].level, []).append(iri)
        spots = {}
        for level, members in by_level.items():
            centre = self.canvas.band_centre(level) if self.canvas.bands else 0.0
            for i, iri in enumerate(members):
                column, row = divmod(i, 2)
                spots[iri] = (left + column * (NODE_W + 30), centre + (row - 0.5) * (NODE_H + 20))
        return spots

    def _offer_recovery(self) -> None:
        document = self.document
        recovery = document.pending_recovery
        changed = (
            ""
            if recovery.matches(document.content_sha256)
            else ("\n\nThe file has changed on disk since then; recovering applies the edits to the new content.")
        )
        if self._ask_recover(
            "Recover unsaved changes?",
            f"Routine Explorer closed unexpectedly while {document.title} had {len(recovery.edits)} unsaved "
            f"edit(s), the last one \u201c{recovery.labels[-1]}\u201d.{changed}\n\nRecover them?",
        ):
            document.recover()
        else:
            document.discard_recovery()

    def _ask_recover(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            safe_text(text),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def offer_untitled_recovery(self) -> None:
        """At start-up, offer the unsaved untitled maps a crashed session left behind."""
        for recovery in orphaned_untitled():
            if self._ask_recover(
                "Recover an unsaved map?",
                f"An untitled map with {len(recovery.edits)} unsaved edit(s) was left when Routine Explorer "
                f"closed unexpectedly; the last edit was \u201c{recovery.labels[-1]}\u201d.\n\nRecover it?",
            ):
                document = MapDocument.recover_untitled(recovery)
                schema = schema_of(document)
                self._install(LoadedMap(document, schema, Projection.build(document.store, schema), {}))
                return
            recovery.discard()

    def maybe_save(self) -> bool:
        """Ask what to do with unsaved changes; False if the user cancelled."""
        if self.document is not None:
            self.commit_pending()
        if self.document is None or not self.document.dirty:
            return True
        answer = QMessageBox.warning(
            self,
            "Unsaved changes",
            safe_text(f"Save the changes to “{self.document.title}” before closing it?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save(wait=True)
        return True

    def save(self, *, wait: bool = False) -> bool:
        """Save to the map's file (asks for one if it has none)."""
        if self.document is None:
            return False
        self.commit_pending()
        if self.document.path is None:
            return self.save_as(wait=wait)
        if not self._saves_in_place(self.document.path):
            # A sample (the installed app's folder is read-only, and an update would replace it), or a read-only
            # folder: the edits go to a copy, elsewhere.
            why = "is a sample that comes with the app" if is_sample(self.document.path) else "is read-only where it is"
            self.statusBar().showMessage(f"{self.document.path.name} {why}: choose where to save your copy.", 12000)
            return self.save_as(wait=wait)
        return self._run_save(self.document.path, self.document.format, wait)

    def save_as(self, path=None, *, wait: bool = False) -> bool:
        """Save to ``path`` (asks when None); the format follows the extension."""
        if self.document is None:
            return False
        self.commit_pending()
        if path is None:
            here = self.document.path
            elsewhere = Path.home() / (here.name if here else "map.ttl")
            start = str(here if here and self._saves_in_place(here) else elsewhere)
            filters = ";;".join(SAVE_FILTERS.values())
            chosen, selected = QFileDialog.getSaveFileName(self, "Save map as", start, filters)
            if not chosen:
                return False
            path = Path(chosen)
            if not path.suffix:
                name = next((n for n, f in SAVE_FILTERS.items() if f == selected), "turtle")
                path = path.with_suffix(FORMATS[name].extension)
        path = Path(path)
        try:
            fmt = format_for_path(path)
        except ExplorerError as error:
            self._warn("Cannot save map", str(error))
            return False
        return self._run_save(path, fmt, wait)

    @staticmethod
    def _saves_in_place(path: Path) -> bool:
        """Whether Save may write ``path`` itself: not a sample that came with the app, and writable by this user."""
        return not is_sample(path) and can_replace(path)

    def _run_save(self, path: Path, fmt, wait: bool, *, overwrite: bool = False) -> bool:
        """Write the file in a worker; the map takes no edits until it is written, then is marked saved here.

        The core refuses to write over the map's file if it changed on disk since it was read or
        saved (:class:`~explorer.core.errors.FileChangedError`); the user then chooses what to do.
        """
        outcome = {}
        document = self.document

        def succeeded(written):
            self._set_busy(False)
            if self.document is not document:
                return
            document.finish_save(written)
            outcome["ok"] = True
            self._remember(path)
            self._update_title()
            self._update_actions()
            self.history.refresh()
            note = f". {written.warning}" if written.warning else ""  # the save went ahead without a version kept
            self.statusBar().showMessage(f"Saved {path.name}{note}", 12000 if note else 6000)
            self.saved.emit(path)

        def failed(error):
            self._set_busy(False)
            if isinstance(error, FileChangedError) and self.document is document:
                outcome["ok"] = self._changed_on_disk(error, fmt, wait)
                return
            if isinstance(error, ScenariosNotSaved) and self.document is document:
                chosen = ask_save_as_trig(self, error, path)
                outcome["ok"] = chosen is not None and self.save_as(chosen, wait=wait)
                return
            outcome["ok"] = False
            self._warn("Cannot save map", f"{path}\n\n{error}")

        # A view of named graphs writes them back as they were read: no computed places added to published data.
        placed = [] if current_view(document) else editing.position_quads(self._unplaced_positions())
        self._set_busy(True)
        task = run_task(
            f"Saving {path.name}…",
            lambda progress: document.write_file(path, fmt, extra=placed, overwrite=overwrite),
            parent=self,
            dialog_parent=self,
            cancellable=False,
            on_success=succeeded,
            on_failure=failed,
        )
        self._task = task
        if wait:
            task.wait()
            return outcome.get("ok", False)
        return True

    def _changed_on_disk(self, error: FileChangedError, fmt, wait: bool) -> bool:
        """Ask what to do when the map's file changed on disk: reload it, save as another file, or overwrite it.

        Returns whether the map now agrees with a file (False if the user cancelled or that failed).
        """
        box = QMessageBox(
            QMessageBox.Icon.Warning, "File changed on disk", str(error), QMessageBox.StandardButton.Cancel, self
        )
        box.setObjectName("fileChangedOnDisk")
        box.setTextFormat(Qt.TextFormat.PlainText)
        choices = [] if error.deleted else ["Reload: drop your unsaved changes and read the file as it is now."]
        choices += [
            "Save As: keep both, writing your map to another file.",
            "Overwrite: replace the file with your map; what was written there is lost.",
        ]
        box.setInformativeText("\n".join(choices))
        reload = None if error.deleted else box.addButton("&Reload", QMessageBox.ButtonRole.ResetRole)
        save_as = box.addButton("Save &As…", QMessageBox.ButtonRole.AcceptRole)
        overwrite = box.addButton("&Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(save_as)  # the choice that loses nothing
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is reload and reload is not None:
            try:
                self.document.revert()
            except ExplorerError as failure:
                self._warn("Cannot reload map", f"{error.path}\n\n{failure}")
                return False
            self.statusBar().showMessage(f"Reloaded {error.path.name} as it is on disk", 6000)
            return True
        if clicked is save_as:
            return self.save_as(wait=wait)
        if clicked is overwrite:
            return self._run_save(error.path, fmt, wait, overwrite=True)
        return False

    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, safe_text(text))

    @property
    def busy(self) -> bool:
        """Whether the map is being saved or loaded (edits wait until it is done)."""
        return self._busy

    def commit_pending(self) -> None:
        """Commit a name or value still being typed, so saves, exports and reports include it.

        Both the canvas's name box and the inspector: Close Map then asks about a half-typed name
        rather than dropping it.
        """
        self._follow_moves()  # what a save, an export or a report reads comes after the moves it follows
        self.canvas.commit_rename()
        self.inspector.commit_pending()

    def _set_busy(self, busy: bool, *, grey_canvas: bool = True) -> None:
        """While a file is written, nothing may change the map: the canvas, panels and edit actions pause.

        ``grey_canvas=False`` (a layout, which animates the canvas meanwhile) leaves the canvas drawn as it
        is and only stops it taking input: greying a 10k-node canvas out and back held the window 0.1 s.
        """
        self._busy = busy
        for widget in (self.palette_view, self.inspector, self.outline, self.history):
            widget.setEnabled(not busy)
        if grey_canvas or not busy:
            self.canvas_page.setEnabled(not busy)
        self.canvas.setInteractive(not busy)
        self._update_actions()

    def revert(self) -> None:
        """Reload the saved file, dropping unsaved changes (after asking)."""
        if self.document is None or self.document.path is None:
            return
        self.commit_pending()
        answer = QMessageBox.question(
            self,
            "Revert to saved?",
            safe_text(f"Drop every unsaved change to “{self.document.title}”? This cannot be undone."),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.document.revert()
        except ExplorerError as error:
            self._warn("Cannot revert", str(error))

    def close_map(self) -> bool:
        """Close the map and show the start screen (asks about unsaved changes)."""
        if self.document is None:
            return True
        if not self.maybe_save():
            return False
        self._detach()
        self.canvas.clear_map()
        self.document.close()
        self.document = self.schema = self.projection = None
        views = (self.palette_view, self.inspector, self.outline, self.history, self.analysis, self.search_box)
        for view in (*views, self.legend):  # the legend too: it would go on listing the closed map
            view.show_map(None)
        self.banner.hide()
        self._show_start()
        self.mapShown.emit(None)
        return True

    def _reload(self) -> None:
        self.projection = Projection.build(self.document.store, self.schema)
        self._computed = initial_positions(self.projection)
        self.canvas.set_map(self.projection, self.schema, self._positions_for(self.projection.nodes))
        opened = OpenMap(self.document, self.schema, self.projection)
        for view in (self.inspector, self.outline, self.minimap, self.analysis, self.search_box):
            view.show_map(opened)
        self._refresh_views()
        self._update_counts()
        self._update_title()
        self._update_actions()

    # ------------------------------------------------------------------ events
    def _graph_changed(self, event: GraphChanged) -> None:
        if event.moves is not None and len(event.moves) > FOLLOW_NEXT_TURN:
            # A layout or its undo: the map takes it in this turn, the window follows it in the next, so no
            # one turn holds the window for both (~60 ms each at 10k nodes). Any other change first
            # brings the window up to date (see _follow_moves), so changes are followed in order.
            self._moves_pending.append((self.projection, event))
            self._follow_timer.start()
            return
        self._follow_moves()
        self._follow(event)

    @property
    def following(self) -> bool:
        """Whether the window is still drawing a change the map has taken (a layout: over a few turns)."""
        return bool(self._moves_pending) or self.canvas.redrawing

    def _follow_moves(self) -> None:
        """Follow now the moves left for the next turn (see _graph_changed), for the map they were made on."""
        self._follow_timer.stop()
        pending, self._moves_pending = self._moves_pending, []
        for projection, event in pending:
            if projection is self.projection:
                self._follow(event)

    def _follow(self, event: GraphChanged) -> None:
        """Bring the projection, the canvas and (soon) the panels up to date with ``event``."""
        delta = self.projection.update(
            self.document.store, itertools.chain(event.added, event.removed), added=event.added, moves=event.moves
        )
        if delta:
            if delta.moved:
                self._unrefreshed[2].update(delta.nodes)
            else:
                self._unrefreshed[0].update(delta.nodes, delta.removed_nodes)
                self._unrefreshed[1].update(delta.ties, delta.removed_ties)
            self.canvas.apply_delta(delta, self._positions_for(delta.nodes))
            for iri in delta.removed_nodes:
                self._computed.pop(iri, None)
        self.inspector.refresh()
        self._refresh_timer.start()
        self._update_counts()

    def _refresh_views(self) -> None:
        if self.projection is None:
            return
        # Each view re-reads only what changed since, so an edit costs what it changed, not the map.
        (nodes, ties, moved), self._unrefreshed = self._unrefreshed, (set(), set(), set())
        self.outline.refresh(nodes)
        self.analysis.refresh_changes(nodes)
        self.legend.show_map(OpenMap(self.document, self.schema, self.projection), nodes=nodes, ties=ties)
        self.minimap.refresh(nodes | moved)
        self._place_overlays()

    def _show_zoom(self, zoom: float) -> None:
        hidden = " · ties hidden this far out" if self.canvas.ties_hidden else ""
        self.zoom_label.setText(f"{zoom * 100:.0f} %{hidden}")

    def _update_counts(self) -> None:
        if self.projection is None:
            return
        shown = "" if self.canvas.visible_nodes is None else f" ({len(self.canvas.visible_nodes):,} shown)"
        self.counts_label.setText(f"{len(self.projection.nodes):,} nodes · {len(self.projection.ties):,} ties{shown}")

    def _update_banner(self) -> None:
        if self.projection is not None and self.canvas.overview_only and self.canvas.visible_nodes is None:
            self.banner.setText(
                f"This map has {len(self.projection.nodes):,} nodes, "
                f"more than the {FULL_DETAIL_LIMIT:,} the canvas draws in full. "
                "You are seeing its units and clusters: double-click one to draw its nodes, "
                "or find a node and Focus on Selection, or use Filter."
            )
            self.banner.show()
        else:
            self.banner.hide()

    def _selection_changed(self, keys: list) -> None:
        self.inspector.show_item(
            keys[0]
            if len(keys) == 1
            else (keys[-1] if keys and isinstance(keys[-1], tuple) else (keys[0] if keys else None))
        )
        self.outline.select([k for k in keys if not isinstance(k, tuple)])
        self._update_actions()
        if len(keys) > 1:
            self.statusBar().showMessage(f"{len(keys)} selected", 3000)

    # ------------------------------------------------------------------ editing
    def execute(self, command) -> bool:
        """Run ``command`` on the open map (undoable, journalled); on refusal say why in the status line."""
        if self._busy:
            # A key on the canvas (F2, a paste) or a panel left enabled can still ask while the map is being
            # written or laid out: the file or the layout would not hold the edit.
            self.statusBar().showMessage("Wait until the work under way has finished, then try again.", 8000)
            return False
        try:
            self.document.execute(command)
        except ExplorerError as error:
            self.statusBar().showMessage(str(error), 8000)
            return False
        return True

    def _unplaced_positions(self) -> dict:
        """Where nodes without a stored position are drawn (laid out when the map opened).

        They are written into the file at the next save, so a saved map reopens
        exactly as it looked; they are not edits, so they cost nothing until then.
        """
        self._follow_moves()  # a layout's undo followed a turn later: its places count, not the ones before
        return {
            iri: self.canvas.positions[iri]
            for iri, view in self.projection.nodes.items()
            if view.x is None and iri in self.canvas.positions
        }

    def place_node(self, kind: URIRef, scene_pos: QPointF | None = None, label: str | None = None):
        """Add a node of ``kind`` and start naming it (see :meth:`Building.place_node`)."""
        return self.building.place_node(kind, scene_pos, label)

    def _nodes_moved(self, moved: dict) -> None:
        if self.document is None:
            return
        # A level changes only on a real drop into another band; a node that slipped across
        # its band's edge stays at its level, back inside its band (canvas.settle_drop).
        positions, changes, kept = {}, {}, []
        for iri, (x, y) in moved.items():
            view = self.projection.nodes.get(iri)
            band, settled = self.canvas.settle_drop(iri, y)
            positions[iri] = (x, settled)
            if view is not None and band != view.level:
                changes[iri] = band
            elif settled != y:
                kept.append(iri)
        if len(moved) == 1:
            name = self.projection.nodes[next(iter(moved))].label
            label = f"Move {name[:40]}"
        else:
            label = f"Move {len(moved)} nodes"
        if changes:
            label += (
                f" to {level_title(next(iter(changes.values()))).lower()} level"
                if len(set(changes.values())) == 1
                else " across levels"
            )
        try:
            with self.document.batch(label):
                self.document.execute(editing.move_nodes(self.document.store, positions, label=label))
                for iri, band in changes.items():
                    self.document.execute(set_property(self.document.store, iri, RX.level, LEVEL_IRIS[band]))
        except ExplorerError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        if changes:
            levels = {level_title(band).lower() for band in changes.values()}
            where = f"the {levels.pop()} level" if len(levels) == 1 else "other levels"
            first = self.projection.nodes[next(iter(changes))].label[:40]
            who = first if len(changes) == 1 else f"{len(changes)} nodes"
            self.statusBar().showMessage(f"Moved {who} to {where}; Undo puts it back.", 10000)
        elif kept:
            name = self.projection.nodes[kept[0]].label if len(kept) == 1 else f"{len(kept)} nodes"
            level = level_title(self.projection.nodes[kept[0]].level).lower()
            self.statusBar().showMessage(
                f"{name[:40]} stays at the {level} level: drop well inside another band to change a level.", 8000
            )

    def rename(self, iri, text: str) -> None:
        """Give ``iri`` the label ``text`` (see :meth:`Building.rename`)."""
        self.building.rename(iri, text)

    def relations_menu(self, source, target, parent=None) -> QMenu:
        """The tie menu between two nodes (see :meth:`Building.relations_menu`)."""
        return self.building.relations_menu(source, target, parent)

    def connect_nodes(self, source, target, relation):
        """Tie ``source`` to ``target`` by ``relation`` and select the tie (see :meth:`Building.connect_nodes`)."""
        return self.building.connect_nodes(source, target, relation)

    def popup(self, menu: QMenu, global_pos) -> None:
        """Show ``menu`` at ``global_pos`` and run the chosen action (one place, so tests can choose).

        The menu is made for this one showing: it is deleted afterwards, and the keyboard goes back
        to where it was, so the next key (Ctrl+K, an arrow) reaches the map again.
        """
        focus = QApplication.focusWidget()
        menu.exec(global_pos)
        menu.deleteLater()
        if focus is not None and self.isVisible():
            self.activateWindow()
            focus.setFocus(Qt.FocusReason.PopupFocusReason)

    def tie_selected(self) -> None:
        """Offer the relations between the two selected nodes."""
        self.building.tie_selected()

    def rename_selected(self) -> None:
        self.building.rename_selected()

    def delete_selection(self) -> None:
        """Delete the selected nodes (with their ties) and the selected tie."""
        if self.document is None:
            return
        keys = self.canvas.selected_keys()
        nodes = [k for k in keys if not isinstance(k, tuple)]
        ties = [k for k in keys if isinstance(k, tuple)]
        if not keys:
            return
        if len(nodes) == 1 and not ties:
            label = f"Delete {self.projection.nodes[nodes[0]].label[:40]}"
        elif ties and not nodes:
            label = (
                f"Delete {self.projection.ties[ties[0]].label[:40]}"
                if ties[0] in self.projection.ties
                else "Delete tie"
            )
        else:
            label = None
        if self.execute(editing.delete_items(self.document.store, nodes=nodes, ties=ties, label=label)):
            self.canvas.select([])

    def copy(self) -> bool:
        """Copy the selected nodes, the ties among them and their details to the clipboard."""
        nodes = self.canvas.selected_nodes()
        if self.document is None or not nodes:
            return False
        clipboard.put_map_items(editing.copy_fragment(self.document.store, nodes))
        self.statusBar().showMessage(f"Copied {len(nodes)} node{'s' if len(nodes) != 1 else ''}", 4000)
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete_selection()

    def paste(self) -> None:
        """Paste copied nodes as new ones, shifted so they do not cover the originals."""
        if self.document is None:
            return
        text = clipboard.map_items()
        if text is None:
            self.statusBar().showMessage("The clipboard holds no map items to paste.", 6000)
            return
        try:
            command, pasted = editing.paste_fragment(self.document, text, label="Paste")
        except ExplorerError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        if self.execute(command):
            self.canvas.select([iri for iri in pasted if iri in self.projection.nodes])

    def undo(self) -> None:
        if self.document is not None and self.document.stack.can_undo():
            self._step(self.document.undo)

    def redo(self) -> None:
        if self.document is not None and self.document.stack.can_redo():
            self._step(self.document.redo)

    def jump_to(self, index: int) -> None:
        """Undo or redo until ``index`` commands are applied (stopping at a step the map refuses)."""
        if self.document is None:
            return
        stack = self.document.stack
        while stack.index > index and stack.can_undo():
            if not self._step(self.document.undo):
                return
        while stack.index < index and stack.can_redo():
            if not self._step(self.document.redo):
                return

    def _step(self, step) -> bool:
        try:
            step()
        except ExplorerError as error:
            self.statusBar().showMessage(str(error), 8000)
            self.history.refresh()
            return False
        return True

    def _edit_not_recorded(self, event: EditNotRecorded) -> None:
        """Warn, without blocking, that an edit was not made because its journal could not be written.

        The map sends no change, so the canvas and the panels stay as they were. One
        box serves every refusal, so a burst of refused edits does not stack windows.
        """
        box = self._journal_warning
        if box is None:
            box = QMessageBox(QMessageBox.Icon.Warning, "Edit not made", "", QMessageBox.StandardButton.Ok, self)
            box.setObjectName("editNotRecorded")
            box.setTextFormat(Qt.TextFormat.PlainText)
            # Back to the window (and the widget that had focus in it), so the next gesture or shortcut lands there.
            box.finished.connect(lambda _result: self.activateWindow())
            self._journal_warning = box
        box.setText(event.message)
        self.statusBar().showMessage(event.message, 15000)
        if not box.isVisible():
            box.open()

    def drop_analysis_runs(self) -> None:
        """Remove the analysis runs kept in the map (results, not edits: nothing to undo)."""
        if self.document is None:
            return
        runs = self.document.derived_graphs()
        self.document.drop_derived_graphs(runs)
        self.statusBar().showMessage(
            f"Removed {len(runs)} analysis run{'s' if len(runs) != 1 else ''} from the map.", 6000
        )

    def analyse_change(self) -> None:
        """Show the Analysis panel and analyse the change chosen there (in a separate process)."""
        if self.document is None:
            return
        self.analysis_dock.show()
        self.analysis_dock.raise_()
        self._give_analysis_room()
        self.analysis.run()

    def _give_analysis_room(self) -> None:
        """Once a session, when the Analysis panel is asked for: the Legend below it gives up height it reads in."""
        if getattr(self, "_analysis_room_given", False):
            return
        self._analysis_room_given = True
        dock, legend = self.analysis_dock, self.legend_dock
        if dock.isFloating() or legend.isFloating() or not legend.isVisible():
            return
        if self.dockWidgetArea(dock) != self.dockWidgetArea(legend):
            return
        keep = 170
        if legend.height() > keep:
            self.resizeDocks([dock, legend], [dock.height() + legend.height() - keep, keep], Qt.Orientation.Vertical)

    # ------------------------------------------------------------- layouts
    def apply_layout(self, name: str, *, wait: bool = False):
        """Arrange every node by layout ``name`` in a worker; one undoable step.

        The force layout streams its frames: the nodes move on the canvas while it runs (the window
        stays responsive), and the finished layout lands as one command, built and written into the map
        in the worker (:meth:`~explorer.core.document.MapDocument.write_ahead`), so the window only
        records it as an undo step and redraws.
        """
        if self.document is None:
            return None
        self.commit_pending()  # a name being typed lands first: the layout is built against the map as it is
        projection, document = self.projection, self.document
        label = f"Lay out {LAYOUTS[name].lower()}"
        relay = _FrameRelay(self)
        state = {"ended": False}
        relay.frame.connect(lambda frame: self._preview_layout(task, projection, frame))
        # Copies (made in C, milliseconds) for the worker to read while the window goes on: the map takes no
        # edits while busy, but a team sync may still bring some.
        snapshot = SimpleNamespace(nodes=dict(projection.nodes), ties=dict(projection.ties))

        def work(progress):
            # Its objects (the layout's input, frames, then a 40k-quad command at 10k nodes) would set off
            # collections, which hold the window as well as this thread: none until the layout has landed.
            with memory.paused():
                command = lay_out(progress)
                memory.settle()  # what it made stays (the command) or is gone: later collections skip it
                return command

        def lay_out(progress):
            from explorer.layout.layouts import compute_layout, force_steps

            progress(0, 0)
            nodes, edges = layout_input(snapshot)  # here, not on the UI thread: a second at 100k nodes
            by_key = {str(iri): iri for iri in snapshot.nodes}
            if name == "force":
                frames = 0 if self.canvas.overview_only else LAYOUT_FRAMES
                for frame in force_steps(nodes, edges, seed=0, frames=frames, cancelled=lambda: progress(0, 0)):
                    if frame.final:
                        laid = frame.positions()
                    else:
                        progress(round(frame.done * 100), 100)
                        relay.frame.emit(frame)
            else:
                laid = compute_layout(name, nodes, edges, seed=0, cancelled=lambda: progress(0, 0))
            positions = {by_key[k]: xy for k, xy in laid.items() if k in by_key}
            # Built here too, and routed (a scenario shown takes it too): the map takes no edits while busy, so
            # the diff stays true. Written here as well (journal, then the store: 50-70 ms at 10k nodes that held
            # the window); the window makes it an undo step. No progress report after this: it cannot be cancelled.
            progress(100, 100)
            command = route(document.store, editing.move_nodes(document.store, positions, label=label))
            command = command.prepare(nodes=snapshot.nodes)  # the window follows its places by identity
            return document.write_ahead(command)

        def succeeded(command):
            task.result = None  # the command lives on in the undo history; the task keeps nothing
            self._set_busy(False, grey_canvas=False)
            document.settle_ahead()  # written into the map in the worker: the undo step and the views' turn now
            if self.document is not document or command.is_empty:
                ended()
                return
            memory.settle()  # the command stays in the history: later collections need not walk it
            # The window follows the layout in the next turn (see _graph_changed); the preview ends after,
            # so the nodes go from where it left them to their places, and the view fits them.
            QTimer.singleShot(1, self, landed)

        def landed():
            self._follow_moves()
            # In a turn of its own: following 10k moves is one already (25-60 ms), and ending the preview redraws.
            QTimer.singleShot(0, self, fitted)

        def fitted():
            ended()
            self.canvas.fit()

        def ended_without_result(error=None):
            ended()
            if error is not None:
                self._warn("Layout failed", str(error))

        def ended():
            state["ended"] = True
            self._set_busy(False, grey_canvas=False)
            self.canvas.preview_positions(None)
            relay.deleteLater()  # its connection holds the task and the map
            self._layout_keys = self._layout_keys_of = None

        self._set_busy(True, grey_canvas=False)
        task = run_task(
            f"{label}…",
            work,
            parent=self,
            dialog_parent=self,
            on_success=succeeded,
            on_failure=ended_without_result,
            on_cancel=ended_without_result,
            next_turn=True,  # after the window has drawn itself busy, which is slow while the worker runs Python
        )
        self._task = self._layout_task = task
        if wait:
            task.wait()
            spin_until(lambda: state["ended"], 60_000)  # and the window has followed it (see succeeded)
        return task

    def layout_running(self) -> bool:
        """Whether a layout is being computed (its frames may still be arriving)."""
        task = getattr(self, "_layout_task", None)
        return task is not None and not task.done

    def _preview_layout(self, task, projection, frame) -> None:
        """Show a layout's frame on the canvas while it runs (dropped once the layout ended or the map changed)."""
        if task.done or task.is_cancelled or self.projection is not projection:
            return
        keys = frame.keys
        by_key = self._layout_keys if getattr(self, "_layout_keys_of", None) is keys else None
        if by_key is None:
            # The same key list object comes with every frame: its IRIs are looked up once.
            nodes = {str(iri): iri for iri in projection.nodes}
            by_key = self._layout_keys = [nodes.get(k) for k in keys]
            self._layout_keys_of = keys
        self.canvas.preview_positions(dict(zip(by_key, map(tuple, frame.xy.tolist()))))

    # ---------------------------------------------------------- focus, filter, find
    def _set_depth(self, n: int) -> None:
        self._focus_depth = n
        if self.canvas.visible_nodes is not None and self.canvas.selected_nodes():
            self.focus_selection()

    def focus_selection(self) -> None:
        """Show only the selected nodes and their neighbours (Focus Depth ties away)."""
        nodes = self.canvas.selected_nodes()
        if not nodes or self.projection is None:
            return
        shown = self.projection.neighbourhood(nodes, self._focus_depth)
        # Drawn around the node for this view only: at their places on the map the neighbours lie anywhere.
        projection = self.projection
        rings = rings_from(
            [n for n in nodes if n in projection.nodes],
            lambda n: (
                projection.ties[k].target if projection.ties[k].source == n else projection.ties[k].source
                for k in projection.ties_of(n)
            ),
            self._focus_depth,
        )
        placed = {n: self.canvas.positions[n] for n in rings if n in self.canvas.positions}
        centre = [placed[n][0] for n in nodes if n in placed]
        self.canvas.set_view_positions(
            focus_positions(
                rings=rings,
                levels={n: projection.nodes[n].level for n in rings},
                bands=self.canvas.bands,
                centre_x=sum(centre) / len(centre) if centre else 0.0,
                node_size=(NODE_W, NODE_H),
                order=placed,
            )
        )
        self._show_only(shown, f"Focused on {len(nodes)} node{'s' if len(nodes) != 1 else ''} and their neighbours")

    def choose_filter(self) -> None:
        """Ask for kinds, levels and an attribute range, then show only what matches."""
        if self.projection is None:
            return
        dialog = FilterDialog(self.schema, self.projection, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_filter(**dialog.criteria())

    def apply_filter(self, **criteria) -> set:
        """Show only the nodes passing ``criteria`` (see :func:`explorer.core.filtering.filter_nodes`)."""
        shown = filter_nodes(self.projection, self.document.store, **criteria)
        self.canvas.set_view_positions(None)  # a filter shows nodes at their places on the map
        self._show_only(shown, f"Filter: {len(shown):,} of {len(self.projection.nodes):,} nodes")
        return shown

    def _show_only(self, nodes: set, message: str) -> None:
        selected = self.canvas.selected_keys()
        self.canvas.set_visible_nodes(nodes)
        self.canvas.select([k for k in selected if isinstance(k, tuple) or k in nodes])
        self.canvas.fit(list(nodes) if nodes else None)
        self.banner.setText(f"{message}. Press Ctrl+Shift+E (Show Everything) to see the whole map.")
        self.banner.show()
        self._update_counts()

    def open_group(self, group) -> None:
        """Draw the nodes of one group of a big map's overview (a unit and its members, or a cluster)."""
        if self.projection is None:
            return
        projection = self.projection
        nodes = {iri for iri in group.members if iri in projection.nodes}
        # Drawn together, around the group's shape, for this view only: at their places on the map a
        # group's members can lie anywhere across it (as Focus draws a neighbourhood).
        x, _, width, _ = group.rect
        area = self.canvas.viewport().size()
        self.canvas.set_view_positions(
            focus_positions(
                rings={n: 0 if str(n) in (group.key, group.head) else 1 for n in nodes},
                levels={n: projection.nodes[n].level for n in nodes},
                bands=self.canvas.bands,
                centre_x=x + width / 2,
                node_size=(NODE_W, NODE_H),
                order=self.canvas.positions,
                aspect=area.width() / max(area.height(), 1),  # a block the view shows whole at the largest zoom
            )
        )
        self._show_only(nodes, f"{one_line(group.label, 80)}: {len(nodes):,} of {len(projection.nodes):,} nodes")

    def show_everything(self) -> None:
        """Clear focus and filter."""
        if self.projection is None:
            return
        self.canvas.set_view_positions(None)  # back to the map's own places
        self.canvas.set_visible_nodes(None)
        self._update_banner()
        self._update_counts()

    # ------------------------------------------------------------- view options
    def _toggle_minimap(self, on: bool) -> None:
        self._place_overlays()

    def _toggle_bands(self, on: bool) -> None:
        self.canvas.set_bands_visible(on)

    def _place_overlays(self) -> None:
        has_map = self.document is not None and self.pages.currentWidget() is self.canvas_page
        self.minimap.setVisible(
            has_map
            and self.act_minimap.isChecked()
            and bool(self.projection and self.projection.nodes)
            and self.minimap.needed()
        )
        if self.minimap.isVisible():
            area = self.canvas.viewport().geometry()
            self.minimap.move(area.right() - self.minimap.width() - 12, area.bottom() - self.minimap.height() - 12)
            self.minimap.raise_()
            self.canvas.set_covered([self.minimap.geometry().translated(-area.topLeft())])
        else:
            self.canvas.set_covered([])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._place_overlays()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._needs_dock_sizes:
            # Qt applies dock sizes only once the window is laid out.
            self._needs_dock_sizes = False
            QTimer.singleShot(0, self._default_dock_sizes)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.canvas.viewport() and event.type() in (event.Type.Resize, event.Type.Show):
            self._place_overlays()
            QTimer.singleShot(0, self._fit_if_pending)
        return super().eventFilter(watched, event)

    def _fit_if_pending(self) -> None:
        if self._fit_pending and self.canvas.isVisible() and self.canvas.viewport().width() > 100:
            self._fit_pending = False
            self.canvas.fit()

    def _context_menu(self, key, global_pos) -> None:
        menu = QMenu(self)
        if key is None:
            scene_pos = self.canvas.mapToScene(self.canvas.mapFromGlobal(global_pos))
            add = menu.addMenu("Add Here")
            for group, kinds in self.schema.palette():
                section = add.addAction(group)
                section.setEnabled(False)
                for kind in kinds:
                    add.addAction(f"    {kind.label}", lambda k=kind.iri, p=scene_pos: self.place_node(k, p))
            menu.addAction(self.act_paste)
            menu.addSeparator()
            menu.addAction(self.act_fit)
            menu.addAction(self.layout_actions["levels"])
        elif isinstance(key, tuple):
            menu.addAction(self.act_delete)
        else:
            menu.addActions([self.act_rename, self.act_tie, self.act_focus])
            menu.addSeparator()
            menu.addActions([self.act_cut, self.act_copy, self.act_delete])
        self.popup(menu, global_pos)

    # ------------------------------------------------------------------ help
    def show_shortcuts(self) -> None:
        """A table of every action with a keyboard shortcut."""
        ShortcutsDialog(self.actions(), self).exec()

    def show_tour(self) -> None:
        """Show the first-run tour again on the start screen (Help > Show the Tour)."""
        self.start_screen.show_tour()
        if self.document is not None:
            self.show_status("The tour is on the start screen: it shows when you close the map.", 10000)

    def open_reference(self) -> None:
        """Open the generated ontology reference in the browser (a local file: no network)."""
        page = docs_dir() / "ontology.html"
        if page.exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(page)))
        else:
            QMessageBox.information(
                self, "Ontology reference", safe_text(f"The reference page is not installed ({page}).")
            )

    def show_about(self) -> None:
        """Help > About: the app's purpose and the versions of it, its ontology and its libraries."""
        AboutDialog(self).exec()

    # ------------------------------------------------------------------ window
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_map(files[0])

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._busy:
            event.ignore()  # a file is being written; the window closes when asked again after it
            return
        if not self.maybe_save():
            event.ignore()
            return
        self._closing = True
        self.analysis.cancel(quiet=True)
        if self._load_task is not None:
            self._load_task.cancel()
        self._save_settings()
        self._detach()
        self.analysis.interdependencies.cancel()
        if self.document is not None:
            self.document.close()
            self.document = None
            # Feature modules let go of the map here too (the SPARQL console stops its engine process).
            self.mapShown.emit(None)
        memory.thaw()
        super().closeEvent(event)
