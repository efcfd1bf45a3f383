"""The analysis dock: where a proposed change is likely to meet resistance, why, and what levers exist.

The user picks one of the map's change proposals and presses Run. The map is
serialised on the UI thread (a fast pyoxigraph dump) and analysed in a
**separate process** (:func:`explorer.analysis.run.analyse_serialised`): the
analysis is pure Python and would hold the GIL in a thread. The process sends
progress and finally the (picklable) result back on a queue, which a timer
polls every 50 ms; Cancel terminates the process.

The results, top to bottom: the context figure in words (how many of the
people the change exposes are likely to resist, with its interval), the
inputs of the change the map does not give and the conclusions the uncertainty
runs show to be fragile; a sortable table of points of likely resistance
(likelihood, interval, rank range, share of runs in the top k, confidence, a
restraining-versus-driving bar, kind and level); the selected point's details
(its sentence, attitudes, and its reasons grouped into what the change
transgresses and what makes it harder or easier, with constructs and
citations); the levers, each with its computed effect, which **Apply lever**
makes on the map as one undoable step; and the result read through the three
logics. Selecting a point selects its node and draws its impact paths on the
canvas; the Heat switch colours the canvas by likelihood on a fixed 0–100 %
scale. Once the map is edited (anything but moving nodes), the panel says the
result is out of date and offers to run again.

Results describe likely concerns of roles, units and routines; they do not
label people. Map text is always shown as plain text (escaped where a widget
takes rich text).
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from explorer.core.events import GraphChanged
from explorer.core.namespaces import RX
from explorer.core.presentation import DRIVING_COLOUR, HEAT_LEGEND, LEVELS, RESTRAINING_COLOUR
from explorer.core.terms import DEFAULT_GRAPH, local_name
from explorer.core.text import one_line
from explorer.io.change_text import (
    NO_POINTS,
    ROLE_NOTES,
    figure_meaning,
    figure_sentence,
    lever_effect,
    people,
    percent,
    plain_missing,
    rank_range,
    reason_groups,
)
from explorer.ui.analysis.points import (
    ForcesDelegate,
    HeatScale,
    LeverDelegate,
    LikelihoodDelegate,
    PointsModel,
    PointsProxy,
)
from explorer.ui.analysis.run import AnalysisRun
from explorer.ui.common.host import OpenMap
from explorer.ui.common.workers import run_task

LOGICS = (
    ("mechanistic", "Mechanistic: barriers, facilitators, fidelity"),
    ("ecological", "Ecological: interdependencies, local adaptation"),
    ("social", "Social: norms, legitimacy, ownership, fatigue"),
)
#: Reasons shown in each group of the details before "show all".
REASONS_SHOWN = 6
_POSITION = (RX.canvasX, RX.canvasY)


# ----------------------------------------------------------------------------- the dock
class AnalysisDock(QWidget):
    """Choose a change, run the analysis in a separate process, read and explore the result.

    Host it in a QDockWidget; call :meth:`set_context` when a map is opened or
    closed and :meth:`refresh_changes` when the map changes.
    """

    selectRequested = Signal(object)
    selectNodesRequested = Signal(object)  # a list of node IRIs (a lever's nodes), the first to centre on
    message = Signal(str)
    finished = Signal(object)  # the ChangeAnalysis, or None after an error or a cancel
    recorded = Signal(object)  # the name of the analysis run graph kept in the map
    staleChanged = Signal(bool)  # the result shown is (no longer) that of the map as it is
    leverApplied = Signal(object)  # the Lever whose edit was made on the map
    leverTried = Signal(object)  # "Try It": the Lever to try in a scenario first (the compare view does it)

    def __init__(self, parent=None, *, canvas=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Change analysis")
        self.doc = None
        self.schema = None
        self.projection = None
        self.canvas = canvas  # the map's canvas, where the heat and the paths of a reason are drawn
        self._result = None
        self._run: AnalysisRun | None = None
        self._evidence: list = []
        self._changes: list = []
        self._proposals: dict = {}  # change proposal IRI -> its name in the combo, and what it was read from:
        self._proposals_of: tuple = (None, None)  # (projection, schema)
        self._tie_ends: dict | None = None
        self._show_all = False
        self._unsubscribe = None
        #: The edits (commands) the shown result was computed on, and whether the map still matches them.
        self._basis: tuple | None = None
        self._run_basis: tuple | None = None
        self._stale = False
        self._position_only: dict = {}
        #: Options of the next runs (None: the weights file decides the number of uncertainty runs; 0 skips them).
        self.runs: int | None = None
        self.top_k = 10
        self.seed = 0
        self.weights_path = None
        #: The worker keeping the last run in the map, while it runs.
        self.recording = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        self.header = QLabel("Where might this change meet resistance, and why?")
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.ethics = QLabel(
            "Likely concerns of roles, units and routines, drawn from the map and weighted "
            "assumptions: not labels of people."
        )
        self.ethics.setWordWrap(True)
        self.ethics.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.ethics)

        row = QHBoxLayout()
        row.setSpacing(6)
        self.change_combo = QComboBox()
        self.change_combo.setAccessibleName("Change to analyse")
        self.change_combo.setToolTip("The change proposal to analyse")
        self.change_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.change_combo.setMinimumContentsLength(12)
        self.change_combo.setPlaceholderText("No change proposal in this map")
        self.change_combo.currentIndexChanged.connect(lambda _index: self._show_title())
        row.addWidget(self.change_combo, 1)
        self.run_button = QPushButton("Run")
        self.run_button.setAccessibleName("Run the analysis")
        self.run_button.setToolTip("Analyse the chosen change (in a separate process)")
        self.run_button.clicked.connect(lambda: self.run())
        row.addWidget(self.run_button)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the analysis")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        row.addWidget(self.cancel_button)
        layout.addLayout(row)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Analysis progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        layout.addWidget(self.progress)

        self.status = QLabel()
        self.status.setAccessibleName("Analysis status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        # The out-of-date notice, with the way out.
        self.stale_box = QFrame()
        self.stale_box.setObjectName("staleNotice")
        self.stale_box.setAutoFillBackground(True)
        self.stale_box.setFrameShape(QFrame.Shape.NoFrame)
        stale_row = QHBoxLayout(self.stale_box)
        stale_row.setContentsMargins(8, 3, 3, 3)
        self.stale_label = QLabel("The map has changed since this analysis.")
        self.stale_label.setWordWrap(True)
        self.stale_label.setTextFormat(Qt.TextFormat.PlainText)
        self.stale_label.setAccessibleName("Result out of date")
        stale_row.addWidget(self.stale_label, 1)
        self.rerun_button = QPushButton("Run Again")
        self.rerun_button.setAccessibleName("Run the analysis again on the map as it is now")
        self.rerun_button.clicked.connect(lambda: self.run())
        stale_row.addWidget(self.rerun_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.stale_box.hide()
        layout.addWidget(self.stale_box)

        # The summary: the change, the figure, what the map does not give, what is fragile.
        self.summary_title = QLabel()
        self.summary_title.setAccessibleName("Analysed change")
        self.summary_title.setWordWrap(True)
        self.summary_title.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.summary_title.font()
        bold.setBold(True)
        self.summary_title.setFont(bold)
        layout.addWidget(self.summary_title)
        self.figure = QLabel()
        self.figure.setAccessibleName("Context figure")
        self.figure.setWordWrap(True)
        self.figure.setTextFormat(Qt.TextFormat.PlainText)
        self.figure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = self.figure.font()
        big.setPointSizeF(big.pointSizeF() * 1.15)
        self.figure.setFont(big)
        layout.addWidget(self.figure)
        self.summary = QLabel()
        self.summary.setAccessibleName("Analysis summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.missing = QLabel()
        self.missing.setAccessibleName("Inputs of the change the map does not give")
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        self.missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.missing)
        self.fragile_button = QToolButton()
        self.fragile_button.setCheckable(True)
        self.fragile_button.setArrowType(Qt.ArrowType.RightArrow)
        self.fragile_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.fragile_button.setAutoRaise(True)
        self.fragile_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fragile_button.setAccessibleName("Show the fragile conclusions")
        self.fragile_button.toggled.connect(self._toggle_fragile)
        tools = QHBoxLayout()
        tools.setSpacing(8)
        tools.addWidget(self.fragile_button)
        tools.addStretch(1)
        self.heat = QCheckBox("Heat on the map")
        self.heat.setAccessibleName("Show the likelihood of resistance as heat on the map")
        self.heat.setToolTip(f"Colour the map's nodes by {HEAT_LEGEND} (nodes the analysis does not rank are dimmed)")
        self.heat.toggled.connect(self._apply_heat)
        tools.addWidget(self.heat)
        layout.addLayout(tools)
        self.fragile = QLabel()
        self.fragile.setAccessibleName("Fragile conclusions")
        self.fragile.setWordWrap(True)
        self.fragile.setTextFormat(Qt.TextFormat.PlainText)
        self.fragile.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fragile.setContentsMargins(18, 0, 4, 0)
        self.fragile.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A long list scrolls in a few lines' height rather than squeezing the table.
        self.fragile_area = QScrollArea()
        self.fragile_area.setWidget(self.fragile)
        self.fragile_area.setWidgetResizable(True)
        self.fragile_area.setFrameShape(QFrame.Shape.NoFrame)
        self.fragile_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fragile_area.setMaximumHeight(self.fontMetrics().lineSpacing() * 7 + 4)
        self.fragile_area.hide()
        layout.addWidget(self.fragile_area)

        # The heat's legend, shown while the heat is on the map.
        self.heat_legend = HeatScale()
        self.heat_legend.hide()
        layout.addWidget(self.heat_legend)

        self.model = PointsModel(self)
        self.proxy = PointsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName("Points of likely resistance")
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(PointsModel.FORCES, ForcesDelegate(self.table))
        self.table.setItemDelegateForColumn(PointsModel.LIKELY, LikelihoodDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setSortingEnabled(True)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()  # the "#" column is the rank
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(26)
        header.setStretchLastSection(False)
        for column, width in enumerate(PointsModel.WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.sectionResized.connect(self._column_resized)
        self._label_width = PointsModel.WIDTHS[PointsModel.LABEL]
        self._fitting = False
        self.table.sortByColumn(PointsModel.RANK, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.installEventFilter(self)

        self.details = QTextBrowser()
        self.details.setAccessibleName("Details of the selected point")
        self.details.setOpenLinks(False)
        self.details.setOpenExternalLinks(False)
        self.details.anchorClicked.connect(self._on_link)
        self.details.document().setDocumentMargin(6)

        levers_page = QWidget()
        levers_layout = QVBoxLayout(levers_page)
        levers_layout.setContentsMargins(0, 4, 0, 0)
        levers_layout.setSpacing(4)
        self.levers_note = QLabel(
            "Effects on how many of the exposed people are likely to resist, each tried by running the "
            "model again with the lever's edit."
        )
        self.levers_note.setWordWrap(True)
        self.levers_note.setTextFormat(Qt.TextFormat.PlainText)
        levers_layout.addWidget(self.levers_note)
        self.levers = QListWidget()
        self.levers.setAccessibleName("Levers, strongest effect first")
        self.levers.setWordWrap(True)
        self.levers.setAlternatingRowColors(True)
        self.levers.setItemDelegate(LeverDelegate(self.levers))
        self.levers.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.levers.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.levers.itemActivated.connect(self._on_lever)
        self.levers.itemClicked.connect(self._on_lever)
        self.levers.currentRowChanged.connect(lambda _row: self._update_controls())
        levers_layout.addWidget(self.levers, 1)
        lever_row = QHBoxLayout()
        self.apply_lever_button = QPushButton("Apply Lever")
        self.apply_lever_button.setAccessibleName("Apply the chosen lever to the map")
        self.apply_lever_button.clicked.connect(lambda: self.apply_lever())
        lever_row.addWidget(self.apply_lever_button)
        self.try_lever_button = QPushButton("Try It")
        self.try_lever_button.setAccessibleName("Try the chosen lever in a scenario and compare")
        self.try_lever_button.setToolTip("Make a scenario with the lever's edit and compare it with the map as it is")
        self.try_lever_button.clicked.connect(lambda: self.try_lever())
        lever_row.addWidget(self.try_lever_button)
        self.apply_hint = QLabel()
        self.apply_hint.setWordWrap(True)
        self.apply_hint.setTextFormat(Qt.TextFormat.PlainText)
        lever_row.addWidget(self.apply_hint, 1)
        levers_layout.addLayout(lever_row)

        logics_page = QWidget()
        logics_layout = QVBoxLayout(logics_page)
        logics_layout.setContentsMargins(0, 4, 0, 0)
        self.logic_switch = QComboBox()
        self.logic_switch.setAccessibleName("Logic to read the result through")
        self.logic_switch.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.logic_switch.setMinimumContentsLength(16)
        for key, title in LOGICS:
            self.logic_switch.addItem(title, key)
        self.logic_switch.currentIndexChanged.connect(self._show_logic)
        logics_layout.addWidget(self.logic_switch)
        self.logic_items = QListWidget()
        self.logic_items.setAccessibleName("The result read through the chosen logic")
        self.logic_items.setWordWrap(True)
        self.logic_items.setAlternatingRowColors(True)
        logics_layout.addWidget(self.logic_items)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.details, "Details")
        self.tabs.addTab(levers_page, "Levers")
        self.tabs.addTab(logics_page, "Three logics")
        self.levers_page = levers_page
        from explorer.ui.analysis.interdependency import InterdependencyView

        self.interdependencies = InterdependencyView(self)
        self.interdependencies.selectRequested.connect(self.selectRequested)
        self.interdependencies.message.connect(self.message)
        self.tabs.addTab(self.interdependencies, "Interdependencies")

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)

        self._restyling = False
        self._restyle()
        self._clear_results()
        self._update_controls()

    # ------------------------------------------------------------------ theme
    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        from explorer.ui.common.theme import RESTYLE_EVENTS

        if event.type() in RESTYLE_EVENTS and not self._restyling:
            self._restyling = True
            try:
                self._restyle()
            finally:
                self._restyling = False

    def _restyle(self) -> None:
        """Colours that follow the theme (light or dark): secondary text, the notice, the missing inputs."""
        from explorer.ui.common.theme import dim_colour

        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        dim = dim_colour(palette)
        for label in (self.ethics, self.summary, self.levers_note, self.apply_hint):
            colours = label.palette()
            colours.setColor(QPalette.ColorRole.WindowText, dim)
            label.setPalette(colours)
        amber = QColor("#e0b341" if dark else "#8a5a00")
        colours = self.missing.palette()
        colours.setColor(QPalette.ColorRole.WindowText, amber)
        self.missing.setPalette(colours)
        notice = self.stale_box.palette()
        background = QColor("#d9a521")
        window = palette.color(QPalette.ColorRole.Window)
        mix = 0.22 if dark else 0.16
        notice.setColor(
            QPalette.ColorRole.Window,
            QColor.fromRgbF(
                *(
                    w + (b - w) * mix
                    for w, b in zip(
                        (window.redF(), window.greenF(), window.blueF()),
                        (background.redF(), background.greenF(), background.blueF()),
                    )
                )
            ),
        )
        notice.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.WindowText))
        self.stale_box.setPalette(notice)
        self.stale_label.setPalette(notice)

    # ------------------------------------------------------------------ API
    @property
    def result(self):
        """The last ChangeAnalysis shown, or None."""
        return self._result

    @property
    def running(self) -> bool:
        return self._run is not None and not self._run.done

    @property
    def stale(self) -> bool:
        """True when the map has been edited (other than by moving nodes) since the result shown was computed."""
        return self._result is not None and self._stale

    def show_map(self, opened: OpenMap | None) -> None:
        """The open map (all None when there is none): stops a run, clears the result and overlays."""
        doc, schema, projection = (
            (opened.document, opened.schema, opened.projection) if opened is not None else (None, None, None)
        )
        self.cancel(quiet=True)
        self._clear_canvas()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.doc, self.schema, self.projection = doc, schema, projection
        if doc is not None:
            self._unsubscribe = doc.events.subscribe(GraphChanged, self._map_changed)
        self.interdependencies.show_map(opened)
        self._clear_results()
        self.status.clear()
        self.refresh_changes()

    def current_change(self):
        """The IRI of the change chosen in the combo, or None."""
        index = self.change_combo.currentIndex()
        return self._changes[index] if 0 <= index < len(self._changes) else None

    def refresh_changes(self, nodes=None) -> None:
        """List the map's change proposals again, keeping the current choice when it still exists.

        ``nodes`` are the nodes changed since the last call: only they are read, and the
        list is redone only when one of them is or was a change proposal. None reads every node.
        """
        projection, schema = self.projection, self.schema
        listed = self._proposals_of[0] is projection and self._proposals_of[1] is schema
        if nodes is None or not listed:
            nodes = projection.nodes if projection is not None else ()
            self._proposals, self._proposals_of = {}, (projection, schema)
        if self._follow_proposals(nodes) or not listed:
            self._list_changes()
        if self.doc is None:
            self._hint("Open a map to analyse a proposed change.")
        elif not self._changes:
            self._hint(
                "This map has no change proposal. Add one from the palette (Change proposal), tie it to "
                "the routines it disrupts, then run the analysis here."
            )
        elif self.status.property("hint"):
            self._hint("")
        self._update_controls()

    def _follow_proposals(self, nodes) -> bool:
        """Bring the change proposals among ``nodes`` up to date; whether any came, went or was renamed."""
        found, gone = self.projection.nodes if self.projection is not None else {}, object()
        if nodes is found and found:  # the whole map: its few kinds first, then only their nodes (5x faster)
            kinds = {view.kind for view in found.values()} - {None}
            wanted = {kind for kind in kinds if self.schema.is_a(kind, RX.ChangeProposal)}
            fresh = {iri: one_line(v.label) or local_name(iri) for iri, v in found.items() if v.kind in wanted}
            changed, self._proposals = fresh != self._proposals, fresh
            return changed
        changed = False
        proposal: dict = {}  # kind -> whether it is a change proposal: a map has a few dozen kinds, 100k nodes
        for iri in nodes:
            view = found.get(iri)
            label = gone
            if view is None or view.kind is None:
                is_proposal = False
            else:
                is_proposal = proposal.get(view.kind)
                if is_proposal is None:
                    is_proposal = proposal[view.kind] = self.schema.is_a(view.kind, RX.ChangeProposal)
            if is_proposal:
                label = one_line(view.label) or local_name(iri)
            if self._proposals.get(iri, gone) != label:
                changed = True
                if label is gone:
                    del self._proposals[iri]
                else:
                    self._proposals[iri] = label
        return changed

    def _list_changes(self) -> None:
        """Fill the combo with the change proposals, by name, keeping the current choice when it is still there."""
        current = self.current_change()
        changes = sorted(
            ((label, iri) for iri, label in self._proposals.items()),
            key=lambda item: (item[0].casefold(), str(item[1])),
        )
        self.change_combo.blockSignals(True)
        self.change_combo.clear()
        # The IRIs stay in a Python list: Qt would turn a URIRef stored as item data into a plain str.
        self._changes = [iri for _, iri in changes]
        for label, _iri in changes:
            self.change_combo.addItem(label)
            self.change_combo.setItemData(self.change_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        keep = next((i for i, (_, iri) in enumerate(changes) if iri == current), 0 if changes else -1)
        self.change_combo.setCurrentIndex(keep)
        self.change_combo.blockSignals(False)

    def run(self, change=None, *, runs=None):
        """Analyse ``change`` (the chosen one by default) in a separate process; returns the run (``.wait()``).

        ``runs`` is the number of uncertainty runs (:attr:`runs` when None; 0
        skips them). Returns None when no map is open. A running analysis is
        cancelled first.
        """
        if self.doc is None:
            self._hint("Open a map to analyse a proposed change.")
            return None
        from explorer.analysis.run import serialise_map

        self.cancel(quiet=True)
        if change is None:
            change = self.current_change()
        runs = self.runs if runs is None else runs
        options = {"top_k": self.top_k, "seed": self.seed}
        if runs is not None:
            options["runs"] = int(runs)
        if self.weights_path is not None:
            options["weights_path"] = str(self.weights_path)
        if self.doc.path is not None:
            options["map_path"] = str(self.doc.path)
        try:
            data = serialise_map(self.doc)
            task = AnalysisRun(data, change, options, self)
            task.start()
        except Exception as error:  # noqa: BLE001 - a failure to start is shown, not raised
            self._show_error(f"The analysis could not start: {error}")
            return None
        self._run_basis = self._edits()  # what the map was when it was serialised
        task.progressed.connect(self._on_progress)
        task.ended.connect(lambda t=task: self._on_ended(t))
        self._run = task
        self.progress.setRange(0, 0)
        self.progress.show()
        self._set_status("Analysing… (in a separate process)")
        self.message.emit("Analysing the change…")
        self._update_controls()
        return task

    def cancel(self, quiet: bool = False) -> None:
        """Stop a running analysis (the process is terminated); the previous result stays shown."""
        task = self._run
        if task is None or task.done:
            return
        task.cancel()
        if not quiet:
            self._set_status("Analysis cancelled.")
            self.message.emit("Analysis cancelled")

    def selected_lever(self):
        """The lever chosen in the Levers tab, or None."""
        item = self.levers.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def apply_lever(self, lever=None) -> bool:
        """Make ``lever``'s edit (the chosen lever by default) on the open map, as one undoable step.

        Refused, with a message, when the result is out of date (the edit was
        worked out on an older map) or the edit no longer fits the map.
        Returns True when the map was changed.
        """
        from explorer.core.editing import edit_command
        from explorer.core.errors import ExplorerError

        lever = lever if lever is not None else self.selected_lever()
        if lever is None or self.doc is None or self._result is None:
            return False
        if self.stale:
            self._set_status("The map has changed since this analysis: run it again before applying a lever.")
            return False
        text = one_line(lever.text)
        label = f"Apply lever: {text if len(text) <= 60 else text[:59] + '…'}"
        try:
            command, _minted = edit_command(self.doc, lever.edit, label=label)
            self.doc.execute(command)
        except ExplorerError as error:
            self._set_status(f"The lever could not be applied: {error}")
            self.message.emit(f"The lever could not be applied: {error}")
            return False
        self._applied = text
        self._show_stale()
        self.message.emit(f"Applied the lever “{text}”. Undo with Ctrl+Z; run the analysis again to see its effect.")
        self.leverApplied.emit(lever)
        return True

    def try_lever(self, lever=None) -> bool:
        """Ask for ``lever`` (the chosen one by default) to be tried in a scenario first (:attr:`leverTried`)."""
        lever = lever if lever is not None else self.selected_lever()
        if lever is None or self.doc is None or self._result is None or self.stale:
            return False
        self.leverTried.emit(lever)
        return True

    # ------------------------------------------------------------------ freshness
    def _is_position_only(self, command) -> bool:
        key = id(command)
        found = self._position_only.get(key)
        if found is None or found[0] is not command:
            # Named graphs only (a scenario made or deleted) leave the analysed map as it is, too.
            only = all(q[1] in _POSITION or q[3] != DEFAULT_GRAPH for q in (*command.added, *command.removed))
            found = (command, only)
            self._position_only[key] = found
        return found[1]

    def _edits(self) -> tuple:
        """The commands that make the map what it is now, leaving out those that only move nodes."""
        if self.doc is None:
            return ()
        stack = self.doc.stack
        return tuple(c for c in stack.commands[: stack.index] if not self._is_position_only(c))

    def _map_changed(self, event) -> None:
        if self._result is None or self._basis is None:
            return
        edits = self._edits()
        fresh = len(edits) == len(self._basis) and all(a is b for a, b in zip(edits, self._basis))
        if fresh == (not self._stale):
            return
        self._stale = not fresh
        if self._stale:
            self._show_stale()
        else:
            self._applied = None
            self.stale_box.hide()
            self._update_controls()
            self.staleChanged.emit(False)

    def _show_stale(self) -> None:
        self._stale = True
        applied = getattr(self, "_applied", None)
        self.stale_label.setText(
            "Lever applied: this result is of the map before it."
            if applied
            else "The map has changed since this analysis."
        )
        self.stale_label.setToolTip(
            f"You applied “{applied}” (Ctrl+Z undoes it). Run the analysis again to see the new figure and ranking."
            if applied
            else "The result below may be out of date: run the analysis again on the map as it is now."
        )
        self.stale_box.show()
        self._update_controls()
        self.staleChanged.emit(True)

    # ------------------------------------------------------------------ running
    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self._set_status(f"Uncertainty runs and levers: {done:,} of {total:,}…")

    def _on_ended(self, task: AnalysisRun) -> None:
        if task is not self._run:
            return
        self._run = None
        self.progress.hide()
        self._update_controls()
        if task.cancelled:
            self.finished.emit(None)
            return
        if task.error is not None:
            self._show_error(
                task.error if task.expected_error else "The analysis failed. " + task.error.split("\n\n", 1)[0],
                detail=task.error,
            )
            self.finished.emit(None)
            return
        self._basis = self._run_basis
        self._show_result(task.result)
        # Edited while it ran: the result is of the map as it was.
        self._map_changed(None)
        self._record(task.run_graph)
        self.finished.emit(task.result)

    def _record(self, run_graph) -> None:
        """Keep the run in the map as an analysis run graph, so SPARQL can query it.

        Oxigraph loads it in a worker thread (a 10k-node map's run is some 60k
        triples); the document's event is published here, on the UI thread.
        """
        doc = self.doc
        if doc is None or run_graph is None:
            return
        from explorer.analysis.rdf import record_run

        def recorded(event) -> None:
            self.recording = None
            if self.doc is doc:
                doc.events.publish(event)
                self.summary.setToolTip(
                    "Kept in the map as an analysis run graph: the SPARQL console can query it, "
                    "e.g. GRAPH ?g { ?run a rx:AnalysisRun ; rx:hasPoint ?point }. Saved with "
                    "the map in TriG or N-Quads; left out of Turtle."
                )
                self.recorded.emit(run_graph.name)

        def failed(error) -> None:
            self.recording = None
            if self.doc is doc:
                self.message.emit(f"The analysis could not be kept in the map: {error}")

        self.recording = run_task(
            "Recording the analysis",
            lambda progress: record_run(doc, run_graph, publish=False),
            parent=self,
            cancellable=False,
            on_success=recorded,
            on_failure=failed,
        )

    def _show_error(self, text: str, detail: str | None = None) -> None:
        self._set_status(text)
        self.status.setToolTip(detail or "")
        self.message.emit(text.split("\n", 1)[0])

    # ------------------------------------------------------------------ results
    def _show_result(self, result) -> None:
        self._result = result
        self._stale = False
        self._applied = None
        self._tie_ends = None
        self.stale_box.hide()
        kind_labels = {}
        for point in result.points:
            if point.kind not in kind_labels:
                kind = self.schema.kind(point.kind) if self.schema is not None else None
                kind_labels[point.kind] = kind.label if kind is not None else local_name(point.kind)
        self.table.setSortingEnabled(False)
        self.model.set_points(result.points, kind_labels, result.top_k)
        self.table.sortByColumn(PointsModel.RANK, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        QTimer.singleShot(0, self._fit_columns)
        self.summary_title.setText(one_line(result.change_label))
        self.header.hide()  # the figure answers it; the ethics line goes to the details' foot
        self.ethics.hide()
        self._show_title()
        self.figure.setText(figure_sentence(result.figure, result.runs))
        self.figure.setToolTip(figure_meaning(result.figure, result.runs))
        self.figure.show()
        runs_text = "no uncertainty runs" if not result.runs else f"{result.runs:,} uncertainty runs"
        self.summary.setText(
            f"{len(result.points):,} points ranked · {len(result.impacts):,} routines touched · {runs_text}"
        )
        self.summary.setToolTip(
            f"Seed {result.seed}, top {result.top_k}. Likely concerns of roles, units and routines, "
            "drawn from the map and weighted assumptions: not labels of people."
        )
        self.summary.show()
        if result.missing:
            self.missing.setText(
                "Not given for the change: "
                + "; ".join(plain_missing(m) for m in result.missing)
                + " (taken as neutral)."
            )
            self.missing.setToolTip(
                "The map does not give these inputs of the change itself. The analysis takes them as "
                "neutral, and its uncertainty runs draw them over their whole scale: the intervals "
                "show how much they matter."
            )
            self.missing.show()
        else:
            self.missing.hide()
        fragile = [one_line(text) for text in result.fragile]
        self.fragile.setText("\n".join(f"• {text}" for text in fragile))
        self.fragile_button.setText(f"{len(fragile)} fragile conclusion{'s' if len(fragile) != 1 else ''}")
        self.fragile_button.setToolTip(
            "What the uncertainty runs show to be fragile; click to "
            + ("hide" if self.fragile_button.isChecked() else "show")
            + " the list"
        )
        self.fragile_button.setVisible(bool(fragile))
        self.fragile.setVisible(bool(fragile))
        self.fragile_area.setVisible(bool(fragile) and self.fragile_button.isChecked())
        self.levers.clear()
        for lever in result.levers:
            item = QListWidgetItem(f"{lever_effect(lever)}: {one_line(lever.text)}")
            item.setData(Qt.ItemDataRole.UserRole, lever)
            item.setToolTip(
                f"{lever_effect(lever)} (from {people(result.figure.value)} to "
                f"{people(lever.figure_after)})\nChoosing it selects on the map: "
                + ", ".join(self._node_label(n) for n in lever.nodes)
            )
            self.levers.addItem(item)
        if not result.levers:
            self.levers.addItem(
                QListWidgetItem(
                    "No lever: the change meets no resistance on this map."
                    if not result.points
                    else "No lever found in the map."
                )
            )
        self._show_logic()
        self.tabs.setTabText(1, f"Levers ({len(result.levers)})")
        if result.points:
            self._set_status("")
            self.table.selectRow(0)
        else:
            self._set_status("")
            self.details.setPlainText(NO_POINTS)
        self._update_controls()
        if self.heat.isChecked():
            self._apply_heat(True)
        self.message.emit(f"Analysis done: {figure_sentence(result.figure, result.runs)}")

    def _show_title(self) -> None:
        """Name the analysed change above its figure only when the combo has moved on to another one."""
        other = self._result is not None and self.current_change() != self._result.change
        self.summary_title.setText(f"Result for “{one_line(self._result.change_label)}”:" if other else "")
        self.summary_title.setVisible(other)

    def _toggle_fragile(self, shown: bool) -> None:
        self.fragile_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.fragile_button.setAccessibleName(
            "Hide the fragile conclusions" if shown else "Show the fragile conclusions"
        )
        self.fragile_area.setVisible(shown and bool(self.fragile.text()))

    def _clear_results(self) -> None:
        self._result = None
        self._basis = None
        self._stale = False
        self._applied = None
        self._evidence = []
        self._tie_ends = None
        self.model.set_points((), {})
        self.stale_box.hide()
        for label in (self.summary, self.summary_title, self.figure, self.missing, self.fragile):
            label.clear()
            label.hide()
        self.header.show()
        self.ethics.show()
        self.fragile_button.hide()
        self.fragile_area.hide()
        self.details.setHtml(
            "<p style='color:gray'>Run the analysis, then select a point to read why it may resist.</p>"
        )
        self.levers.clear()
        self.logic_items.clear()
        self.tabs.setTabText(1, "Levers")
        self.heat.blockSignals(True)
        self.heat.setChecked(False)
        self.heat.blockSignals(False)
        self._update_controls()

    def _clear_canvas(self) -> None:
        if self.canvas is not None:
            self.canvas.set_heat(None)
            self.canvas.show_paths([])

    def _show_logic(self, *_):
        self.logic_items.clear()
        if self._result is None:
            return
        key = self.logic_switch.currentData()
        items = (self._result.logics or {}).get(key, ())
        for text in items:
            self.logic_items.addItem(QListWidgetItem(one_line(text)))
        if not items:
            self.logic_items.addItem(QListWidgetItem("Nothing to say through this logic for this map."))

    def heat_values(self) -> dict:
        """The heat the canvas shows: each point's likelihood of resistance (0–1) by node."""
        return {p.node: p.likelihood for p in self._result.points} if self._result is not None else {}

    def _apply_heat(self, on: bool) -> None:
        self.heat_legend.setVisible(bool(on))
        if self.canvas is None:
            return
        if on and self._result is not None:
            self.canvas.set_heat(self.heat_values())
        else:
            self.canvas.set_heat(None)

    def _on_row(self, current, _previous=None) -> None:
        point = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        if point is None:
            return
        self._show_all = False
        self._show_details(point)
        if self.canvas is not None:
            self.canvas.show_paths(self.paths_for(point))
        self.selectRequested.emit(point.node)

    def current_point(self):
        """The point selected in the table, or None."""
        index = self.table.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def paths_for(self, point) -> list:
        """Impact paths (node IRIs, from the change) that end at or run through ``point``'s node.

        For a role, unit or norm, the routines its reasons rest on stand in for it.
        """
        result = self._result
        if result is None:
            return []
        impacts = [i for i in result.impacts if i.routine == point.node or point.node in i.path]
        if not impacts:
            evidence = {e for reason in point.reasons for e in reason.evidence}
            impacts = [i for i in result.impacts if i.routine in evidence]
        return [(result.change,) + tuple(i.path) for i in impacts]

    def _node_label(self, iri) -> str:
        if self.projection is not None:
            view = self.projection.nodes.get(iri)
            if view is not None:
                return one_line(view.label) or local_name(iri)
            if self._tie_ends is None:
                self._tie_ends = {
                    tie.tie: (tie.source, tie.target) for tie in self.projection.ties.values() if tie.tie is not None
                }
            ends = self._tie_ends.get(iri)
            if ends is not None:
                source = self.projection.nodes.get(ends[0])
                target = self.projection.nodes.get(ends[1])
                if source is not None and target is not None:
                    return f"{one_line(source.label)} → {one_line(target.label)}"
        if self._result is not None and iri == self._result.change:
            return one_line(self._result.change_label)
        return local_name(iri)

    def _reason_html(self, reason) -> str:
        esc = html.escape
        colour = RESTRAINING_COLOUR if reason.value > 0 else DRIVING_COLOUR
        links = []
        for node in reason.evidence:
            if node is None:
                continue
            label = esc(self._node_label(node))
            if self.projection is not None and node in self.projection.nodes:
                self._evidence.append(node)
                links.append(f"<a href='evidence:{len(self._evidence) - 1}'>{label}</a>")
            else:
                links.append(label)
        source = []
        if reason.construct_label:
            source.append(esc(one_line(reason.construct_label)))
        if reason.citation:
            source.append(f"<i>{esc(one_line(reason.citation))}</i>")
        return (
            "<tr>"
            "<td width='50' align='right' valign='top' "
            f"style='color:{colour}; padding:3px 8px 3px 0; white-space:nowrap'>"
            f"<b>{reason.value:+.2f}</b></td>"
            f"<td valign='top' style='padding:3px 0'>{esc(one_line(reason.text))}"
            + (f"<br><span style='color:gray'>{' · '.join(source)}</span>" if source else "")
            + (f"<br><span style='color:gray'>On the map: {', '.join(links)}</span>" if links else "")
            + "</td></tr>"
        )

    def _group_html(self, title: str, note: str, reasons: list) -> str:
        if not reasons:
            return ""
        shown = reasons if self._show_all else reasons[:REASONS_SHOWN]
        rows = "".join(self._reason_html(r) for r in shown)
        rest = reasons[len(shown) :]
        more = ""
        if rest:
            more = (
                "<tr><td align='right' style='color:gray; padding:3px 8px 3px 0; white-space:nowrap'>"
                f"{sum(r.value for r in rest):+.2f}</td>"
                f"<td style='color:gray; padding:3px 0'>{len(rest)} smaller reason{'s' if len(rest) != 1 else ''} · "
                "<a href='more:'>show all</a></td></tr>"
            )
        return (
            f"<h4 style='margin:10px 0 2px 0'>{html.escape(title)}</h4>"
            + (f"<p style='margin:0 0 2px 0; color:gray'>{html.escape(note)}</p>" if note else "")
            + f"<table cellspacing='0' width='100%'>{rows}{more}</table>"
        )

    def _show_details(self, point) -> None:
        esc = html.escape
        self._evidence = []
        kind = self.model.kind_label(point)
        rank = self.model.points.index(point) + 1 if point in self.model.points else None
        meta = [kind, LEVELS.get(point.level, "")]
        if rank is not None:
            meta.append(
                f"rank {rank}"
                + (
                    f" ({rank_range(point.rank_low, point.rank_high)} across runs)"
                    if point.rank_low is not None
                    else ""
                )
            )
        facts = [ROLE_NOTES.get(point.role, "").capitalize()]
        if point.confidence is not None:
            facts.append(f"confidence {percent(point.confidence)}")
        if point.stability is not None:
            facts.append(f"in the top {self.model.top_k} in {percent(point.stability)} of runs")
        parts = [
            f"<p style='margin:0'><b>{esc(one_line(point.label))}</b></p>",
            f"<p style='margin:0 0 6px 0; color:gray'>{esc(' · '.join(m for m in meta if m))}</p>",
            f"<p style='margin:0 0 4px 0'>{esc(one_line(point.sentence))}</p>",
            f"<p style='margin:0 0 4px 0; color:gray'>{esc(' · '.join(f for f in facts if f))}.</p>",
        ]
        attitudes = []
        stated, after = point.stated_attitude, point.attitude
        if stated is not None:
            attitudes.append(f"stated {stated:+.2f}")
            if after is not None and abs(after - stated) >= 0.005:
                attitudes.append(f"{after:+.2f} after the influence of their ties")
            elif after is not None:
                attitudes.append("unchanged by the influence of their ties")
        elif after is not None and abs(after) >= 0.005:
            attitudes.append(f"none stated; {after:+.2f} from the influence of their ties")
        if attitudes:
            parts.append(
                f"<p style='margin:0 0 4px 0'>Attitude to the change (−1 against, +1 for): "
                f"{esc(', '.join(attitudes))}.</p>"
            )
        if point.missing:
            parts.append(
                f"<p style='margin:0 0 4px 0; color:#b7791f'>Not given: "
                f"{esc(', '.join(plain_missing(m) for m in point.missing))} (taken as neutral).</p>"
            )
        sources, harder, easier = reason_groups(point.reasons)
        parts.append(
            f"<p style='margin:6px 0 0 0; color:gray'>Resistance score {point.score:.2f} = restraining "
            f"<span style='color:{RESTRAINING_COLOUR}'>{point.restraining:.2f}</span> − driving "
            f"<span style='color:{DRIVING_COLOUR}'>{point.driving:.2f}</span>; "
            "each reason below is its signed part.</p>"
        )
        members = point.role == "collective"
        parts.append(
            self._group_html("What the change transgresses", "as its members meet it" if members else "", sources)
        )
        parts.append(self._group_html("What makes it harder", "", harder))
        parts.append(self._group_html("What makes it easier", "", easier))
        if not point.reasons:
            parts.append("<p>No reason recorded.</p>")
        parts.append(f"<p style='margin-top:12px; color:gray'><i>{esc(self.ethics.text())}</i></p>")
        self.details.setHtml("".join(parts))

    def _on_link(self, url) -> None:
        text = url.toString()
        if text.startswith("evidence:"):
            try:
                node = self._evidence[int(text.split(":", 1)[1])]
            except (ValueError, IndexError):
                return
            self.selectRequested.emit(node)
        elif text.startswith("more:"):
            point = self.current_point()
            if point is not None:
                self._show_all = True
                bar = self.details.verticalScrollBar()
                position = bar.value()
                self._show_details(point)
                bar.setValue(position)

    def _on_lever(self, item) -> None:
        lever = item.data(Qt.ItemDataRole.UserRole)
        if lever is not None and lever.nodes:
            self.selectNodesRequested.emit(list(lever.nodes))

    # ------------------------------------------------------------------ table columns
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent

        if watched is self.table and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_columns)
        return super().eventFilter(watched, event)

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if column == PointsModel.LABEL and not self._fitting:
            self._label_width = new  # the user's choice is the least it gets

    def _fit_columns(self) -> None:
        """Give the label the room the other columns leave, at least its own width.

        A wide panel then shows whole labels.
        """
        header = self.table.horizontalHeader()
        kind = PointsModel.KIND
        self._fitting = True
        try:
            # A wide panel first shows whole labels, then whole kinds ("Professional group (its members)"),
            # and gives the label whatever is left.
            others = sum(
                header.sectionSize(c) for c in range(self.model.columnCount()) if c not in (PointsModel.LABEL, kind)
            )
            room = self.table.viewport().width() - others - PointsModel.WIDTHS[kind]
            label_wanted = min(340, max(self._label_width, self.table.sizeHintForColumn(PointsModel.LABEL)))
            label = max(self._label_width, min(label_wanted, room))
            kind_wanted = min(240, max(PointsModel.WIDTHS[kind], self.table.sizeHintForColumn(kind)))
            header.resizeSection(
                kind, max(PointsModel.WIDTHS[kind], min(kind_wanted, room - label + PointsModel.WIDTHS[kind]))
            )
            room = self.table.viewport().width() - others - header.sectionSize(kind)
            header.resizeSection(PointsModel.LABEL, max(label, room))
        finally:
            self._fitting = False

    # ------------------------------------------------------------------ state
    def _hint(self, text: str) -> None:
        self.status.setText(text)
        self.status.setToolTip("")
        self.status.setProperty("hint", bool(text))
        self.status.setVisible(bool(text))

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setToolTip("")
        self.status.setProperty("hint", False)
        self.status.setVisible(bool(text))

    def _update_controls(self) -> None:
        running = self.running
        has_map = self.doc is not None
        self.change_combo.setEnabled(has_map and not running and self.change_combo.count() > 0)
        self.run_button.setEnabled(has_map and not running and self.change_combo.count() > 0)
        self.run_button.setVisible(not running)
        self.cancel_button.setVisible(running)
        self.rerun_button.setEnabled(has_map and not running)
        self.heat.setEnabled(self.canvas is not None)
        lever = self.selected_lever() if hasattr(self, "apply_lever_button") else None
        can_apply = has_map and lever is not None and not running and not self.stale and bool(lever.edit)
        self.apply_lever_button.setEnabled(can_apply)
        self.try_lever_button.setEnabled(can_apply)
        if self._result is None or not self._result.levers:
            hint = ""
        elif self.stale:
            hint = "The map has changed: run the analysis again first."
        elif lever is None:
            hint = "Choose a lever to apply it."
        else:
            hint = "One step on the map: Ctrl+Z undoes it."
        self.apply_hint.setText(hint)
        self.apply_lever_button.setToolTip(hint or "Make the chosen lever's edit on the map")
