"""The analysis dock: where a proposed change is likely to meet resistance, why, and what levers exist.

The user picks one of the map's change proposals and presses Run. The map is
serialised on the UI thread (a fast pyoxigraph dump) and analysed in a
**separate process** (:func:`explorer.analysis.run.analyse_serialised`): the
analysis is pure Python and would hold the GIL in a thread. The process sends
progress and finally the (picklable) result back on a queue, which a timer
polls every 50 ms; Cancel terminates the process.

The results: a ranked table of points of likely resistance (level, kind,
label, score, a restraining-versus-driving bar, confidence, stability), the
reasons of the selected point in plain language with their constructs and
citations, the levers, and the same result read through the three logics.
Selecting a point selects its node and draws its impact paths on the canvas;
the Heat switch colours the canvas by score.

Results describe likely concerns of roles, units and routines; they do not
label people. Map text is always shown as plain text (escaped where a widget
takes rich text).
"""

from __future__ import annotations

import atexit
import html
import multiprocessing
import os
import pickle
import queue as queue_module
import tempfile
import weakref

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from explorer.core.namespaces import RX
from explorer.ui.workers import run_task, wait_for

RESTRAINING_COLOUR = "#d6604d"
DRIVING_COLOUR = "#4393c3"
LEVELS = {1: "micro", 2: "meso", 3: "macro"}
LOGICS = (
    ("mechanistic", "Mechanistic: barriers, facilitators, fidelity"),
    ("ecological", "Ecological: interdependencies, local adaptation"),
    ("social", "Social: norms, legitimacy, ownership, fatigue"),
)
POLL_MS = 50
_ACTIVE: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _stop_active_runs() -> None:
    """At exit, stop analyses still running and delete their temporary map files."""
    for run in list(_ACTIVE):
        try:
            if run.process.is_alive():
                run.process.terminate()
            os.unlink(run._path)
        except Exception:  # noqa: BLE001 - best effort while the interpreter exits
            pass


def _plain(text) -> str:
    """One line of plain text (map labels may hold newlines or control characters)."""
    text = str(text)
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _local_name(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text


# ----------------------------------------------------------------------------- the worker process
def _target(name: str = "analyse_in_process"):
    # Imported when a run starts: the analysis pulls in networkx, which app start-up does not need.
    from explorer.analysis import run

    return getattr(run, name)


class AnalysisRun(QObject):
    """One analysis running in a separate process; ``wait()`` spins the event loop until it ends.

    After the end exactly one of ``result`` (a ChangeAnalysis), ``error`` (a
    message) or ``cancelled`` is set.
    """

    progressed = Signal(int, int)
    ended = Signal()

    def __init__(self, data: bytes, change, options: dict, parent=None, *, target: str = "analyse_in_process") -> None:
        super().__init__(parent)
        self.change = change
        self.options = dict(options)
        self.done = False
        self.result = None
        self.error: str | None = None
        self.expected_error = False
        self.cancelled = False
        #: The run as RDF (explorer.analysis.rdf.RunGraph), sent with the result.
        self.run_graph = None
        # The map goes through a private temporary file, not the process arguments: writing a big
        # pickle into the child's pipe would block the UI thread while the child imports its modules.
        fd, self._path = tempfile.mkstemp(prefix="routine-explorer-analysis-", suffix=".nt")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue()
        self.process = context.Process(
            target=_target(target), args=(self._queue, self._path, change, self.options),
            name="routine-explorer-analysis", daemon=True,
        )
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> AnalysisRun:
        try:
            self.process.start()
        except BaseException:
            self._discard_file()
            raise
        _ACTIVE.add(self)
        self._timer.start()
        return self

    def _discard_file(self) -> None:
        try:
            os.unlink(self._path)
        except OSError:
            pass

    @property
    def running(self) -> bool:
        return not self.done

    def _poll(self) -> None:
        if self.done:
            return
        alive = self.process.is_alive()
        while not self.done:
            try:
                message = self._queue.get_nowait()
            except queue_module.Empty:
                break
            except (EOFError, OSError, pickle.UnpicklingError) as error:
                self._end(error=f"The analysis process could not be read: {error}")
                return
            if message[0] == "progress":
                self.progressed.emit(message[1], message[2])
            elif message[0] == "result":
                try:
                    self.run_graph = message[2] if len(message) > 2 else None
                    self._end(result=pickle.loads(message[1]))
                except Exception as error:  # noqa: BLE001
                    self._end(error=f"The analysis result could not be read: {error}")
            elif message[0] == "error":
                self.expected_error = bool(message[2])
                self._end(error=message[1])
        if not self.done and not alive:
            # The process ended without a word (killed, out of memory...): whatever it sent is read above.
            self.process.join(1)
            self._end(error=f"The analysis process stopped unexpectedly (exit code {self.process.exitcode}).")

    def cancel(self) -> None:
        """Stop the process now (terminate, then kill if it does not go)."""
        if self.done:
            return
        self.cancelled = True
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(2)
        self._end()

    def _end(self, *, result=None, error: str | None = None) -> None:
        if self.done:
            return
        self.done = True
        _ACTIVE.discard(self)
        self._timer.stop()
        self.result = result
        self.error = error
        if self.process.is_alive() and not self.cancelled:
            self.process.join(2)
        try:
            self._queue.close()
            self._queue.cancel_join_thread()
        except (OSError, ValueError):
            pass
        self._discard_file()
        self.ended.emit()

    def wait(self, timeout_ms: int = 600_000) -> bool:
        """Spin the event loop until the run has ended (tests and scripted use); False on timeout."""
        return wait_for(self, timeout_ms)


# ----------------------------------------------------------------------------- the ranked table
class PointsModel(QAbstractTableModel):
    """The points of likely resistance, in rank order; ``Qt.UserRole`` gives the Point."""

    COLUMNS = ("Level", "Kind", "Label", "Score", "Forces", "Conf.", "Stable")
    WIDTHS = (42, 58, 120, 44, 58, 42, 44)
    LABEL = 2
    FORCES = 4
    TIPS = (
        "Micro (people and routines), meso (units) or macro (society)",
        "Kind of node, from the ontology",
        "The role, unit, routine or norm",
        "Restraining minus driving forces: above zero, likely resistance; below zero, likely support",
        "Restraining (red, right of the line) against driving (blue, left) forces, to the table's scale",
        "Confidence: lower when the map does not give an input the model uses (see the tooltip)",
        "Stability: share of sensitivity runs (weights perturbed) in which this point stays in the top k",
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.points: tuple = ()
        self.kind_labels: dict = {}
        self.scale = 1.0

    def set_points(self, points, kind_labels: dict) -> None:
        self.beginResetModel()
        self.points = tuple(points)
        self.kind_labels = dict(kind_labels)
        self.scale = max((max(p.restraining, p.driving) for p in self.points), default=0.0) or 1.0
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.points)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.TIPS[section]
        elif role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.points):
            return None
        point = self.points[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return point
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return LEVELS.get(point.level, str(point.level))
            if column == 1:
                return self.kind_labels.get(point.kind) or _local_name(point.kind)
            if column == 2:
                return _plain(point.label)
            if column == 3:
                return f"{point.score:+.2f}"
            if column == 5:
                return f"{point.confidence:.0%}"
            if column == 6:
                return "–" if point.stability is None else f"{point.stability:.0%}"
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 2:
                return _plain(point.label)
            if column in (3, self.FORCES):
                return f"Restraining {point.restraining:.2f} · driving {point.driving:.2f} · score {point.score:+.2f}"
            if column == 5:
                return ("Missing: " + ", ".join(point.missing)) if point.missing else "The map gives every input the model uses."
            if column == 6:
                return ("No sensitivity runs" if point.stability is None
                        else f"In the top k in {point.stability:.0%} of the perturbed-weight runs")
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and point.missing:
            return QColor("#c98a1a")
        return None


class ForcesDelegate(QStyledItemDelegate):
    """Paints restraining (red, to the right) against driving (blue, to the left) forces around a centre line."""

    def paint(self, painter: QPainter, option, index) -> None:
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        point = index.data(Qt.ItemDataRole.UserRole)
        model = index.model()
        if point is None:
            return
        scale = getattr(model, "scale", 1.0) or 1.0
        rect = QRectF(option.rect).adjusted(5, 0, -5, 0)
        half = rect.width() / 2
        centre = rect.left() + half
        height = min(10.0, rect.height() - 8)
        top = rect.center().y() - height / 2
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        track = option.palette.color(QPalette.ColorRole.Mid)
        track.setAlphaF(0.35)
        painter.setBrush(track)
        painter.drawRoundedRect(QRectF(rect.left(), top, rect.width(), height), 3, 3)
        driving = half * min(1.0, point.driving / scale)
        restraining = half * min(1.0, point.restraining / scale)
        painter.setBrush(QColor(DRIVING_COLOUR))
        painter.drawRoundedRect(QRectF(centre - driving, top, driving, height), 2, 2)
        painter.setBrush(QColor(RESTRAINING_COLOUR))
        painter.drawRoundedRect(QRectF(centre, top, restraining, height), 2, 2)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawLine(int(centre), int(top - 2), int(centre), int(top + height + 2))
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        return QSize(58, 22)


# ----------------------------------------------------------------------------- the dock
class AnalysisDock(QWidget):
    """Choose a change, run the analysis in a separate process, read and explore the result.

    Host it in a QDockWidget; call :meth:`set_context` when a map is opened or
    closed and :meth:`refresh_changes` when the map changes.
    """

    selectRequested = Signal(object)
    message = Signal(str)
    finished = Signal(object)  # the ChangeAnalysis, or None after an error or a cancel
    recorded = Signal(object)  # the name of the analysis run graph kept in the map

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Change analysis")
        self.doc = None
        self.schema = None
        self.projection = None
        self.canvas = None
        self._result = None
        self._run: AnalysisRun | None = None
        self._runs_used = 0
        self._evidence: list = []
        self._changes: list = []
        #: Options of the next runs (None: the weights file decides the number of sensitivity runs).
        self.sensitivity_runs: int | None = None
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
        self.ethics = QLabel("Results are likely concerns of roles, units and routines, drawn from the map and "
                             "weighted assumptions: not labels of people.")
        self.ethics.setWordWrap(True)
        self.ethics.setTextFormat(Qt.TextFormat.PlainText)
        self.ethics.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.ethics)

        row = QHBoxLayout()
        row.setSpacing(6)
        self.change_combo = QComboBox()
        self.change_combo.setAccessibleName("Change to analyse")
        self.change_combo.setToolTip("The change proposal to analyse")
        self.change_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.change_combo.setMinimumContentsLength(12)
        self.change_combo.setPlaceholderText("No change proposal in this map")
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

        self.summary_title = QLabel()
        self.summary_title.setAccessibleName("Analysed change")
        self.summary_title.setWordWrap(True)
        self.summary_title.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.summary_title.font()
        bold.setBold(True)
        self.summary_title.setFont(bold)
        layout.addWidget(self.summary_title)
        self.summary = QLabel()
        self.summary.setAccessibleName("Analysis summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setToolTip("Index: the mean score of the points (above zero: resistance outweighs support)")
        layout.addWidget(self.summary)

        heat_row = QHBoxLayout()
        heat_row.setSpacing(8)
        self.heat = QCheckBox("Heat")
        self.heat.setAccessibleName("Show heat by score on the map")
        self.heat.setToolTip("Colour the map's nodes by score (nodes without a score are dimmed)")
        self.heat.toggled.connect(self._apply_heat)
        heat_row.addWidget(self.heat)
        # Our own fixed text (no map content), so rich text is safe here.
        self.heat_legend = QLabel(
            f'<span style="color:{RESTRAINING_COLOUR}">■</span> warm: likely resistance &nbsp;·&nbsp; '
            f'<span style="color:{DRIVING_COLOUR}">■</span> cool: likely support')
        self.heat_legend.setTextFormat(Qt.TextFormat.RichText)
        self.heat_legend.setStyleSheet("color: palette(placeholder-text);")
        self.heat_legend.setWordWrap(True)
        self.heat_legend.setAccessibleName("Heat legend: warm is likely resistance, cool is likely support")
        heat_row.addWidget(self.heat_legend, 1)
        layout.addLayout(heat_row)

        self.model = PointsModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Points of likely resistance")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(PointsModel.FORCES, ForcesDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()  # the order is the rank
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(30)
        for column, width in enumerate(PointsModel.WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(PointsModel.LABEL, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)

        self.reasons = QTextBrowser()
        self.reasons.setAccessibleName("Reasons for the selected point")
        self.reasons.setOpenLinks(False)
        self.reasons.setOpenExternalLinks(False)
        self.reasons.anchorClicked.connect(self._on_evidence)
        self.levers = QListWidget()
        self.levers.setAccessibleName("Levers")
        self.levers.setWordWrap(True)
        self.levers.setAlternatingRowColors(True)
        self.levers.itemActivated.connect(self._on_lever)
        self.levers.itemClicked.connect(self._on_lever)
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
        self.tabs.addTab(self.reasons, "Reasons")
        self.tabs.addTab(self.levers, "Levers")
        self.tabs.addTab(logics_page, "Three logics")
        from explorer.ui.interdependency_view import InterdependencyView

        self.interdependencies = InterdependencyView(self)
        self.interdependencies.selectRequested.connect(self.selectRequested)
        self.interdependencies.message.connect(self.message)
        self.tabs.addTab(self.interdependencies, "Interdependencies")

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)

        self._clear_results()
        self._update_controls()

    # ------------------------------------------------------------------ API
    @property
    def result(self):
        """The last ChangeAnalysis shown, or None."""
        return self._result

    @property
    def running(self) -> bool:
        return self._run is not None and not self._run.done

    def set_context(self, doc, schema, projection, canvas) -> None:
        """The open map (all None when there is none): stops a run, clears the result and overlays."""
        self.cancel(quiet=True)
        self._clear_canvas()
        self.doc, self.schema, self.projection, self.canvas = doc, schema, projection, canvas
        self.interdependencies.set_context(doc, projection)
        self._clear_results()
        self.status.clear()
        self.refresh_changes()

    def current_change(self):
        """The IRI of the change chosen in the combo, or None."""
        index = self.change_combo.currentIndex()
        return self._changes[index] if 0 <= index < len(self._changes) else None

    def refresh_changes(self) -> None:
        """List the map's change proposals again, keeping the current choice when it still exists."""
        current = self.current_change()
        changes = []
        if self.projection is not None and self.schema is not None:
            for iri, view in self.projection.nodes.items():
                if view.kind is not None and self.schema.is_a(view.kind, RX.ChangeProposal):
                    changes.append((_plain(view.label) or _local_name(iri), iri))
        changes.sort(key=lambda item: (item[0].casefold(), str(item[1])))
        self.change_combo.blockSignals(True)
        self.change_combo.clear()
        # The IRIs stay in a Python list: Qt would turn a URIRef stored as item data into a plain str.
        self._changes = [iri for _, iri in changes]
        for label, iri in changes:
            self.change_combo.addItem(label)
            self.change_combo.setItemData(self.change_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        keep = next((i for i, (_, iri) in enumerate(changes) if iri == current), 0 if changes else -1)
        self.change_combo.setCurrentIndex(keep)
        self.change_combo.blockSignals(False)
        if self.doc is None:
            self._hint("Open a map to analyse a proposed change.")
        elif not changes:
            self._hint("This map has no change proposal. Add one from the palette (Change proposal), tie it to "
                       "the routines it disrupts, then run the analysis here.")
        elif self.status.property("hint"):
            self._hint("")
        self._update_controls()

    def run(self, change=None, *, sensitivity_runs=None):
        """Analyse ``change`` (the chosen one by default) in a separate process; returns the run (``.wait()``).

        Returns None when no map is open. A running analysis is cancelled first.
        """
        if self.doc is None:
            self._hint("Open a map to analyse a proposed change.")
            return None
        from explorer.analysis.run import serialise_map

        self.cancel(quiet=True)
        if change is None:
            change = self.current_change()
        runs = self.sensitivity_runs if sensitivity_runs is None else sensitivity_runs
        options = {"top_k": self.top_k, "seed": self.seed}
        if runs is not None:
            options["sensitivity_runs"] = int(runs)
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
        self._runs_used = runs
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

    # ------------------------------------------------------------------ running
    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self._set_status(f"Sensitivity runs: {done:,} of {total:,}…")

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
            self._show_error(task.error if task.expected_error else
                             "The analysis failed. " + task.error.split("\n\n", 1)[0], detail=task.error)
            self.finished.emit(None)
            return
        self._show_result(task.result)
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
                self.summary.setToolTip("Kept in the map as an analysis run graph: the SPARQL console can query it, "
                                        "e.g. GRAPH ?g { ?run a rx:AnalysisRun ; rx:hasPoint ?point }. Saved with "
                                        "the map in TriG or N-Quads; left out of Turtle.")
                self.recorded.emit(run_graph.name)

        def failed(error) -> None:
            self.recording = None
            if self.doc is doc:
                self.message.emit(f"The analysis could not be kept in the map: {error}")

        self.recording = run_task("Recording the analysis", lambda progress: record_run(doc, run_graph, publish=False),
                                  parent=self, cancellable=False, on_success=recorded, on_failure=failed)

    def _show_error(self, text: str, detail: str | None = None) -> None:
        self._set_status(text)
        self.status.setToolTip(detail or "")
        self.message.emit(text.split("\n", 1)[0])

    # ------------------------------------------------------------------ results
    def _show_result(self, result) -> None:
        self._result = result
        kind_labels = {}
        for point in result.points:
            kind = self.schema.kind(point.kind) if self.schema is not None else None
            kind_labels[point.kind] = kind.label if kind is not None else _local_name(point.kind)
        self.model.set_points(result.points, kind_labels)
        runs = self._runs_used
        if runs is None and result.weights is not None:
            try:
                runs = int(result.weights["sensitivity.runs"])
            except (KeyError, TypeError, ValueError):
                runs = None
        runs_text = "no sensitivity runs" if not runs else f"{runs:,} sensitivity runs"
        self.summary_title.setText(_plain(result.change_label))
        self.summary_title.show()
        self.summary.setText(
            f"Index {result.index:+.2f} · restraining {result.restraining:.1f} vs driving {result.driving:.1f} · "
            f"{len(result.points)} points · {len(result.impacts)} routines touched · seed {result.seed} · {runs_text}")
        self.summary.show()
        self.levers.clear()
        for lever in result.levers:
            item = QListWidgetItem(f"{lever.kind.capitalize()}: {_plain(lever.text)}")
            item.setData(Qt.ItemDataRole.UserRole, tuple(lever.nodes))
            item.setToolTip("Select on the map: " + ", ".join(self._node_label(n) for n in lever.nodes))
            self.levers.addItem(item)
        if not result.levers:
            self.levers.addItem(QListWidgetItem("No lever found in the map."))
        self._show_logic()
        self.tabs.setTabText(1, f"Levers ({len(result.levers)})")
        if result.points:
            self._set_status("")
            self.table.selectRow(0)
        else:
            self._set_status("The change touches no routine, role or unit of the map: nothing to rank.")
            self.reasons.clear()
        if self.heat.isChecked():
            self._apply_heat(True)
        self.message.emit(f"Analysis done: {len(result.points)} points, index {result.index:+.2f}")

    def _clear_results(self) -> None:
        self._result = None
        self._evidence = []
        self.model.set_points((), {})
        self.summary.clear()
        self.summary.hide()
        self.summary_title.clear()
        self.summary_title.hide()
        self.reasons.setHtml("<p style='color:gray'>Run the analysis, then select a point to read its reasons.</p>")
        self.levers.clear()
        self.logic_items.clear()
        self.tabs.setTabText(1, "Levers")
        self.heat.blockSignals(True)
        self.heat.setChecked(False)
        self.heat.blockSignals(False)

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
            self.logic_items.addItem(QListWidgetItem(_plain(text)))
        if not items:
            self.logic_items.addItem(QListWidgetItem("Nothing to say through this logic for this map."))

    def _apply_heat(self, on: bool) -> None:
        if self.canvas is None:
            return
        if on and self._result is not None:
            self.canvas.set_heat({p.node: p.score for p in self._result.points})
        else:
            self.canvas.set_heat(None)

    def _on_row(self, current, _previous=None) -> None:
        point = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        if point is None:
            return
        self._show_reasons(point)
        if self.canvas is not None:
            self.canvas.show_paths(self.paths_for(point))
        self.selectRequested.emit(point.node)

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
                return _plain(view.label) or _local_name(iri)
            for tie in self.projection.ties.values():
                if tie.tie == iri:
                    source = self.projection.nodes.get(tie.source)
                    target = self.projection.nodes.get(tie.target)
                    if source is not None and target is not None:
                        return f"{_plain(source.label)} → {_plain(target.label)}"
        if self._result is not None and iri == self._result.change:
            return _plain(self._result.change_label)
        return _local_name(iri)

    def _show_reasons(self, point) -> None:
        esc = html.escape
        self._evidence = []
        kind = self.model.kind_labels.get(point.kind, "")
        verdict = "likely resistance" if point.score > 0 else "likely support" if point.score < 0 else "balanced"
        parts = [
            f"<p style='margin-bottom:2px'><b>{esc(_plain(point.label))}</b> "
            f"<span style='color:gray'>{esc(kind)} · {esc(LEVELS.get(point.level, ''))}</span></p>",
            f"<p style='margin-top:0'>Score {point.score:+.2f} ({esc(verdict)}): restraining "
            f"<span style='color:{RESTRAINING_COLOUR}'>{point.restraining:.2f}</span>, driving "
            f"<span style='color:{DRIVING_COLOUR}'>{point.driving:.2f}</span>. "
            f"Confidence {point.confidence:.0%}"
            + (f"; the map does not give: {esc(', '.join(point.missing))}." if point.missing else ".")
            + ("" if point.stability is None else f" Stays in the top {self.top_k} in {point.stability:.0%} of sensitivity runs.")
            + "</p>",
        ]
        reasons = sorted(point.reasons, key=lambda r: -abs(r.value))
        if not reasons:
            parts.append("<p>No reason recorded.</p>")
        for reason in reasons:
            colour = RESTRAINING_COLOUR if reason.value > 0 else DRIVING_COLOUR
            side = "restraining" if reason.value > 0 else "driving"
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
            source = " · ".join(esc(x) for x in (reason.construct, reason.citation) if x)
            parts.append(
                "<p style='margin-top:8px'>"
                f"<span style='color:{colour}'><b>{reason.value:+.2f}</b> {side}</span> · {esc(_plain(reason.text))}"
                + (f"<br><span style='color:gray'>Evidence: {', '.join(links)}</span>" if links else "")
                + (f"<br><span style='color:gray'><i>{source}</i></span>" if source else "")
                + "</p>")
        self.reasons.setHtml("".join(parts))

    def _on_evidence(self, url) -> None:
        text = url.toString()
        if text.startswith("evidence:"):
            try:
                node = self._evidence[int(text.split(":", 1)[1])]
            except (ValueError, IndexError):
                return
            self.selectRequested.emit(node)

    def _on_lever(self, item) -> None:
        nodes = item.data(Qt.ItemDataRole.UserRole) or ()
        if nodes:
            self.selectRequested.emit(nodes[0])

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
        self.heat.setEnabled(self.canvas is not None)
