"""The compare view: two analyses side by side, the difference explained, and a lever tried before it is pulled.

:class:`CompareFeature` (``install(host)``) adds Analysis > Compare… (Ctrl+Alt+C) and the Compare panel.
:meth:`CompareFeature.start` compares two :class:`CompareSide` (each a map graph as N-Triples and a
change) in a child process (:class:`~explorer.ui.analysis.compare_run.CompareRun`), with progress and
Cancel, then shows: the comparison in sentences (:func:`explorer.analysis.compare.summary`); a sortable
table of the points that moved (choosing a row selects the node on the map); the difference by
mechanism and by level as diverging bars; and what differs in the maps. When a side is the open map
(or one of its scenarios), the map rings each point whose resistance went up or down and each node
added or changed, in styles that differ by line as well as by colour; the rings go when the panel
closes or the map changes.

**Try a lever.** The analysis panel's "Try It" makes a trial scenario "Try: …" holding the lever's edit
(undoable, not shown, and not an edit of the map: a trial is never saved, so the map stays clean) and
compares the as-is map with it; the panel then offers "Apply to the Map" (the same edit on the as-is map,
and the trial deleted, as one undoable edit), "Keep as Scenario" (the trial becomes a scenario of the
map, saved with it) and "Discard" (the trial deleted, undoable).

Examples
--------
>>> CompareModel.COLUMNS
('Point', 'Kind', 'A', 'B', 'B − A', 'Matched')
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
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
    QVBoxLayout,
    QWidget,
)

from explorer.core.errors import ExplorerError
from explorer.core.events import GraphChanged
from explorer.core.positions import POSITION_TEXT
from explorer.core.presentation import LEVELS
from explorer.core.terms import DEFAULT_GRAPH, local_name
from explorer.core.text import one_line, shortened
from explorer.io import registry
from explorer.io.change_text import kind_text, percent
from explorer.ui.analysis.compare_chart import LESS_COLOUR, MORE_COLOUR, DifferenceChart
from explorer.ui.analysis.compare_dialog import CompareDialog, CompareSide
from explorer.ui.analysis.compare_run import CompareRun
from explorer.ui.analysis.points import SORT_ROLE, PointsProxy
from explorer.ui.common.workers import run_task

#: The overlay's rings, (colour, line style): points more and less resistant in B (the bars' colours), nodes
#: on one side only and values changed (Okabe–Ito bluish green and reddish purple, dashed and dotted).
RING_MORE = (MORE_COLOUR, "solid")
RING_LESS = (LESS_COLOUR, "solid")
RING_ONLY = ("#009E73", "dash")
RING_CHANGED = ("#CC79A7", "dot")
#: A likelihood moving less than this (0–1) is not ringed.
RING_THRESHOLD = 0.01
MATCH_WORDS = {"iri": "same node", "label": "same name", "a only": "only in A", "b only": "only in B"}
#: The same, in full (the tooltip).
MATCH_TIPS = {"iri": "the same node", "label": "the same kind and name", "a only": "only in A", "b only": "only in B"}


# ----------------------------------------------------------------------------- the table
class CompareModel(QAbstractTableModel):
    """The points that moved (:class:`explorer.analysis.compare.Moved`): likelihood on A and on B, the difference."""

    COLUMNS = ("Point", "Kind", "A", "B", "B − A", "Matched")
    POINT, KIND, A, B, DIFFERENCE, MATCHED = range(6)
    NUMERIC = (A, B, DIFFERENCE)
    WIDTHS = ((KIND, 100), (A, 58), (B, 58), (DIFFERENCE, 50), (MATCHED, 80))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.moved: tuple = ()
        self.kind_labels: dict = {}
        self.names = ("A", "B")

    def set_moved(self, moved, kind_labels: dict, names: tuple[str, str]) -> None:
        self.beginResetModel()
        self.moved = tuple(moved)
        self.kind_labels = dict(kind_labels)
        self.names = names
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.moved)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation != Qt.Orientation.Horizontal:
            return None
        a, b = self.names
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "The role, unit, routine or norm",
                "Kind of node; “(its members)”: the unit or group reads as all its people",
                f"Likelihood of resistance in A, {a}",
                f"Likelihood of resistance in B, {b}",
                "B minus A, in percentage points: above zero, more likely to resist in B",
                "How the point was found on both sides: the same node, the same kind and name, or one side only",
            )[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def kind_label(self, moved) -> str:
        return kind_text(self.kind_labels.get(moved.kind) or local_name(moved.kind), moved.role)

    def match_words(self, moved) -> str:
        """How it was matched, in full, the sides by name."""
        words = MATCH_TIPS.get(moved.match, moved.match)
        return words.replace(" A", f" {self.names[0]}").replace(" B", f" {self.names[1]}")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.moved):
            return None
        moved = self.moved[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return moved
        difference = moved.likelihood_b - moved.likelihood_a
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.POINT:
                return one_line(moved.label)
            if column == self.KIND:
                return self.kind_label(moved)
            if column == self.A:
                return "–" if moved.match == "b only" else percent(moved.likelihood_a)
            if column == self.B:
                return "–" if moved.match == "a only" else percent(moved.likelihood_b)
            if column == self.DIFFERENCE:
                points = round(difference * 100)
                return "0" if points == 0 else f"{'+' if points > 0 else '−'}{abs(points)}"
            if column == self.MATCHED:
                return MATCH_WORDS.get(moved.match, moved.match)
        if role == SORT_ROLE:
            return (
                one_line(moved.label).casefold(),
                self.kind_label(moved).casefold(),
                moved.likelihood_a,
                moved.likelihood_b,
                difference,
                moved.match,
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.DIFFERENCE and abs(difference) >= 0.005:
            from PySide6.QtGui import QColor

            return QColor(MORE_COLOUR if difference > 0 else LESS_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            a, b = self.names
            return (
                f"{one_line(moved.label)} ({self.kind_label(moved)}, {LEVELS.get(moved.level, '')})\n"
                f"{a}: {percent(moved.likelihood_a, digits=1)} (score {moved.score_a:.2f})\n"
                f"{b}: {percent(moved.likelihood_b, digits=1)} (score {moved.score_b:.2f})\n"
                f"Matched: {self.match_words(moved)}"
            )
        return None


# ----------------------------------------------------------------------------- the view
class RingKey(QWidget):
    """The key to the map's rings: each ring drawn as the canvas draws it (colour and line), then its meaning."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Key to the rings on the map")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(20, 0, 0, 0)
        self._layout.setSpacing(1)
        self.texts: list[str] = []

    def set_entries(self, entries) -> None:
        """``entries``: ``((colour, style), text)`` pairs."""
        from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.texts = [text for _, text in entries]
        styles = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}
        ratio = self.devicePixelRatioF()
        for (colour, style), text in entries:
            pixmap = QPixmap(round(34 * ratio), round(16 * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(colour), 2.5, styles[style]))
            painter.drawRoundedRect(2, 2, 29, 11, 4, 4)
            painter.end()
            row = QHBoxLayout()
            row.setSpacing(6)
            swatch = QLabel()
            swatch.setPixmap(pixmap)
            row.addWidget(swatch)
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            row.addWidget(label, 1)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(0, 0, 0, 0)
            self._layout.addWidget(holder)


@dataclass(frozen=True)
class Trial:
    """A lever being tried: the scenario holding its edit, the lever, and its text."""

    scenario: object
    lever: object
    text: str


#: The comparison report's file types, PDF first (what a board is handed).
_REPORT_FILTERS = ("PDF report (*.pdf)", "Web page (*.html *.htm)")


class CompareView(QWidget):
    """The comparison: sentences, the points that moved, the decomposition, the structure; progress while it runs."""

    selectRequested = Signal(object)  # a row chosen: the Moved point
    cancelRequested = Signal()
    applyRequested = Signal()
    keepRequested = Signal()
    discardRequested = Signal()
    overlayToggled = Signal(bool)
    reportRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Comparison")
        self.comparison = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)

        self.title = QLabel("Analysis > Compare… compares two maps, two scenarios or two changes.")
        self.title.setAccessibleName("What is compared")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        self.report_button = QPushButton("Save Report…")
        self.report_button.setAccessibleName("Save the comparison as a report for a board, PDF or web page")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.reportRequested)
        heading.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(heading)

        running = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Comparison progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        running.addWidget(self.progress, 1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the comparison")
        self.cancel_button.clicked.connect(self.cancelRequested)
        running.addWidget(self.cancel_button)
        self.running_row = QWidget()
        self.running_row.setLayout(running)
        running.setContentsMargins(0, 0, 0, 0)
        self.running_row.hide()
        layout.addWidget(self.running_row)

        self.status = QLabel()
        self.status.setAccessibleName("Comparison status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        layout.addWidget(self.status)

        # The lever being tried, with the two ways out.
        self.trial_box = QFrame()
        self.trial_box.setFrameShape(QFrame.Shape.StyledPanel)
        trial_row = QHBoxLayout(self.trial_box)
        trial_row.setContentsMargins(8, 3, 3, 3)
        self.trial_label = QLabel()
        self.trial_label.setAccessibleName("The lever being tried")
        self.trial_label.setWordWrap(True)
        self.trial_label.setTextFormat(Qt.TextFormat.PlainText)
        trial_row.addWidget(self.trial_label, 1)
        self.apply_button = QPushButton("Apply to the Map")
        self.apply_button.setAccessibleName("Make the lever's edit on the as-is map, as one undoable step")
        self.apply_button.clicked.connect(self.applyRequested)
        trial_row.addWidget(self.apply_button)
        self.keep_button = QPushButton("Keep as Scenario")
        self.keep_button.setAccessibleName("Keep the trial as a scenario of the map, saved with it")
        self.keep_button.clicked.connect(self.keepRequested)
        trial_row.addWidget(self.keep_button)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setAccessibleName("Delete the trial scenario (undoable)")
        self.discard_button.clicked.connect(self.discardRequested)
        trial_row.addWidget(self.discard_button)
        self.trial_box.hide()
        layout.addWidget(self.trial_box)

        self.summary = QLabel()
        self.summary.setAccessibleName("The comparison in words")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        tools = QVBoxLayout()
        tools.setSpacing(2)
        self.overlay = QCheckBox("Differences on the map")
        self.overlay.setAccessibleName("Ring the map's nodes by how they differ")
        self.overlay.setChecked(True)
        self.overlay.toggled.connect(self.overlayToggled)
        tools.addWidget(self.overlay)
        self.key = RingKey()
        tools.addWidget(self.key)
        self.tools_row = QWidget()
        self.tools_row.setLayout(tools)
        tools.setContentsMargins(0, 6, 0, 0)
        # The sentences and the key scroll in a pane of their own, so a low panel still shows the table and bars.
        words = QWidget()
        words_layout = QVBoxLayout(words)
        words_layout.setContentsMargins(0, 0, 6, 0)
        words_layout.addWidget(self.summary)
        words_layout.addWidget(self.tools_row)
        words_layout.addStretch(1)
        self.words = QScrollArea()
        self.words.setWidget(words)
        self.words.setWidgetResizable(True)
        self.words.setFrameShape(QFrame.Shape.NoFrame)
        self.words.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.words.setMinimumWidth(260)

        self.model = CompareModel(self)
        self.proxy = PointsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName("Points that moved")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(CompareModel.POINT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(30)
        for column, width in CompareModel.WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table.setMinimumSize(300, 100)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)

        self.by_mechanism = DifferenceChart(self, what="other mechanisms")
        self.by_mechanism.setAccessibleName("The difference by mechanism")
        self.by_level = DifferenceChart(self, what="other levels")
        self.by_level.setAccessibleName("The difference by level")
        self.structure = QListWidget()
        self.structure.setAccessibleName("What differs in the maps")
        self.structure.setWordWrap(True)
        self.structure.setAlternatingRowColors(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # Under the bars, how much of them is who the maps draw rather than how the same points fare.
        self.mechanism_note = QLabel()
        self.mechanism_note.setAccessibleName("Of the difference, from points drawn on one side only")
        self.mechanism_note.setWordWrap(True)
        self.mechanism_note.setTextFormat(Qt.TextFormat.PlainText)
        self.mechanism_note.setContentsMargins(6, 0, 6, 2)
        self.mechanism_note.hide()
        mechanisms = QWidget()
        mechanisms_layout = QVBoxLayout(mechanisms)
        mechanisms_layout.setContentsMargins(0, 0, 0, 0)
        mechanisms_layout.setSpacing(2)
        mechanisms_layout.addWidget(self.by_mechanism, 1)
        mechanisms_layout.addWidget(self.mechanism_note)
        self.tabs.addTab(mechanisms, "By Mechanism")
        self.tabs.addTab(self.by_level, "By Level")
        self.tabs.addTab(self.structure, "What Differs")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.words)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([300, 520, 440])
        layout.addWidget(self.splitter, 1)
        self.clear()

    # ------------------------------------------------------------------ states
    def clear(self) -> None:
        self.comparison = None
        self.report_button.setEnabled(False)
        self.model.set_moved((), {}, ("A", "B"))
        self.summary.clear()
        self.summary.hide()
        self.tools_row.hide()
        self.structure.clear()
        self.by_mechanism.show_parts(())
        self.by_level.show_parts(())
        self.mechanism_note.clear()
        self.mechanism_note.hide()
        self.set_trial(None)

    def show_running(self, text: str) -> None:
        self.running_row.show()
        self.progress.setRange(0, 0)
        self.say(text)

    def show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.say(f"Comparing: uncertainty runs {done:,} of {total:,}…")

    def stop_running(self) -> None:
        self.running_row.hide()

    def say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def set_trial(self, trial: Trial | None) -> None:
        if trial is None:
            self.trial_box.hide()
            return
        self.trial_label.setText(
            f"Trying “{shortened(trial.text, 90)}” in the scenario “{shortened(trial.scenario.name, 60)}”, "
            "not shown on the map."
        )
        self.apply_button.setEnabled(True)
        self.keep_button.setEnabled(True)
        self.discard_button.setEnabled(True)
        self.trial_box.show()

    def set_key(self, names: tuple[str, str], canvas_side: str | None) -> None:
        """The key to the rings (None: neither side is the open map, so nothing can be ringed)."""
        self.overlay.setEnabled(canvas_side is not None)
        if canvas_side is None:
            self.overlay.setToolTip("Neither side is the open map: its nodes cannot be ringed.")
            self.key.set_entries(())
            return
        self.overlay.setToolTip(
            "Ring the map's nodes: resistance up or down in B, nodes on one side only, values changed"
        )
        a, b = (shortened(n, 30) for n in names)
        self.key.set_entries(
            (
                (RING_MORE, f"more resistance in {b}"),
                (RING_LESS, f"less resistance in {b}"),
                (RING_ONLY, f"only in {a}" if canvas_side == "a" else f"new in {b}"),
                (RING_CHANGED, "a value changed"),
            )
        )

    def show_comparison(self, comparison, kind_labels: dict) -> None:
        self.comparison = comparison
        self.report_button.setEnabled(True)
        from explorer.analysis.compare import summary

        names = (comparison.a.name, comparison.b.name)
        self.title.setText(
            f"A: {shortened(names[0], 60)} · {shortened(comparison.a.change_label, 50)}    against    "
            f"B: {shortened(names[1], 60)} · {shortened(comparison.b.change_label, 50)}"
        )
        sentences = summary(comparison)
        self.summary.setText(
            "<table cellspacing='0' cellpadding='0'>"
            + "".join(f"<tr><td style='padding:1px 0'>{html.escape(one_line(s, 400))}</td></tr>" for s in sentences)
            + "</table>"
        )
        self.summary.setToolTip(
            f"Every difference is B minus A. {comparison.runs:,} paired uncertainty runs, seed {comparison.seed}."
        )
        self.summary.show()
        self.tools_row.show()
        # The comparison's own order (the largest move first) until a header is clicked.
        self.table.setSortingEnabled(False)
        self.model.set_moved(comparison.moved, kind_labels, names)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.table.setSortingEnabled(True)
        self.by_mechanism.show_parts(comparison.difference.by_mechanism, names)
        self.by_level.show_parts(comparison.difference.by_level, names)
        self._show_unmatched(comparison.difference)
        self._show_structure(comparison.structure, names)
        self.say("")

    def _show_unmatched(self, difference) -> None:
        """The line under the bars: the part of the difference from points drawn on one side only."""
        from explorer.analysis.compare import signed_people

        unmatched = getattr(difference, "unmatched", 0.0)
        shown = abs(unmatched) >= 0.05 and abs(difference.figure) >= 0.05
        self.mechanism_note.setText(
            f"Of the {signed_people(difference.figure)}, {signed_people(unmatched)} comes from points drawn on "
            "one side only (their own reasons, not a change in the same roles and units)."
            if shown
            else ""
        )
        self.mechanism_note.setVisible(shown)

    def _show_structure(self, structure, names) -> None:
        from explorer.analysis.compare import structure_words

        self.structure.clear()
        a, b = (shortened(n, 40) for n in names)
        lines = [f"In all: {structure_words(structure)}."]
        lines += [f"Only in {b}: {one_line(label)}" for _node, label, _kind in structure.nodes_added]
        lines += [f"Only in {a}: {one_line(label)}" for _node, label, _kind in structure.nodes_removed]
        lines += [
            f"{one_line(v.label)}: {v.property_label} {one_line(v.before_text)} → {one_line(v.after_text)}"
            for v in structure.values_changed
        ]
        lines += [
            f"Tie only in {b}: {one_line(t.source)} {t.relation_label} {one_line(t.target)}"
            for t in structure.ties_added
        ]
        lines += [
            f"Tie only in {a}: {one_line(t.source)} {t.relation_label} {one_line(t.target)}"
            for t in structure.ties_removed
        ]
        for line in lines:
            self.structure.addItem(QListWidgetItem(line))

    def _on_row(self, current, _previous=None) -> None:
        moved = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        if moved is not None:
            self.selectRequested.emit(moved)

    def current_moved(self):
        index = self.table.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        from explorer.ui.common.theme import RESTYLE_EVENTS, dim_colour

        if event.type() in RESTYLE_EVENTS and hasattr(self, "status"):
            colours = self.status.palette()
            colours.setColor(QPalette.ColorRole.WindowText, dim_colour(self.palette()))
            self.status.setPalette(colours)


# ----------------------------------------------------------------------------- the feature
class CompareFeature(QObject):
    """Analysis > Compare…, the Compare panel, and trying a lever; see the module docstring."""

    finished = Signal(object)  # the Comparison, or None after an error or a cancel

    def __init__(self, host) -> None:
        super().__init__(host if isinstance(host, QObject) else None)
        self.host = host
        self.view = CompareView()
        self.dock = host.add_dock("Compare", "compare", self.view, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._visibility)
        self.action = host.add_action(
            "&Compare…",
            self.open_dialog,
            QKeySequence("Ctrl+Alt+C"),
            "Compare two maps, scenarios or changes: where the difference in resistance comes from",
            needs_map=True,
        )
        host.menus["analysis"].addAction(self.action)
        self.report_action = host.add_action(
            "Save Comparison &Report…",
            lambda: self.save_report(),
            None,
            "The comparison shown as a report for a board: both contexts, the difference and where it comes from",
            needs_map=True,
        )
        host.menus["analysis"].addAction(self.report_action)
        self.report_task = None
        host.menus["panels"].addAction(self.dock.toggleViewAction())
        self.dialog: CompareDialog | None = None
        self.run: CompareRun | None = None
        self.trial: Trial | None = None
        self._pending_trial: Trial | None = None
        self._canvas_side: str | None = None
        self._unsubscribe = None
        self.view.selectRequested.connect(self._select)
        self.view.cancelRequested.connect(self.cancel)
        self.view.applyRequested.connect(lambda: self.apply_trial())
        self.view.keepRequested.connect(lambda: self.keep_trial())
        self.view.discardRequested.connect(lambda: self.discard_trial())
        self.view.overlayToggled.connect(lambda _on: self._draw_overlay())
        self.view.reportRequested.connect(lambda: self.save_report())
        host.mapShown.connect(self._map_shown)
        analysis = getattr(host, "analysis", None)
        if analysis is not None and hasattr(analysis, "leverTried"):
            analysis.leverTried.connect(lambda lever: self.try_lever(lever))

    # ------------------------------------------------------------------ API
    @property
    def result(self):
        """The Comparison shown, or None."""
        return self.view.comparison

    @property
    def running(self) -> bool:
        return self.run is not None and not self.run.done

    def save_report(self, path: str | Path | None = None):
        """Write the comparison shown as a report (PDF or web page, by the file's ending) in a worker thread;
        asks where when ``path`` is None. Returns the task (``.wait()``), or None when there is nothing to do."""
        comparison = self.result
        if comparison is None:
            self.host.show_status("Compare two maps first (Analysis > Compare…): the report is of a comparison.", 6000)
            return None
        if path is None:
            parent = self.host.canvas.window() if self.host.canvas is not None else None
            document = self.host.document
            folder = document.path.parent if document is not None and document.path is not None else Path.home()
            chosen, selected = QFileDialog.getSaveFileName(
                parent, "Save Comparison Report", str(folder / "comparison-report.pdf"), ";;".join(_REPORT_FILTERS)
            )
            if not chosen:
                return None
            path = Path(chosen)
            if path.suffix.lower() not in (".pdf", ".html", ".htm"):  # no known ending: the filter chosen decides
                path = path.with_name(path.name + (".html" if selected == _REPORT_FILTERS[1] else ".pdf"))
        target = Path(path)
        try:
            writer = registry.for_path(target, "comparison").load()
        except ExplorerError as error:
            self.host.show_status(str(error), 8000)
            return None

        def work(progress):
            writer(comparison, target, progress=progress)
            return target

        def failed(error):
            text = str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"
            self.host.show_status(f"Cannot write the report {target.name}: {one_line(text, 200)}", 10000)

        self.report_task = run_task(
            f"Writing the comparison report {target.name}…",
            work,
            parent=self,
            on_success=lambda _: self.host.show_status(f"Report written: {target.name}", 8000),
            on_failure=failed,
            on_cancel=lambda: self.host.show_status("Report cancelled", 5000),
        )
        return self.report_task

    def open_dialog(self) -> CompareDialog | None:
        """Analysis > Compare…: choose the sides (window-modal, not blocking), then compare."""
        if self.host.document is None:
            return None
        if self.dialog is not None:
            self.dialog.close()
        self.host.commit_pending()
        dialog = CompareDialog(self.host, self.host.canvas.window() if self.host.canvas is not None else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda d=dialog: self._chosen(d))
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _chosen(self, dialog: CompareDialog) -> None:
        sides = dialog.sides()
        if sides is not None:
            self.start(*sides)

    def start(self, a: CompareSide, b: CompareSide) -> CompareRun | None:
        """Compare side ``a`` with side ``b`` in a child process and show the result; returns the run (``.wait()``)."""
        trial, self._pending_trial = self._pending_trial, None
        self.cancel(quiet=True)
        names = (a.name, b.name) if a.name != b.name else (f"{a.name} (A)", f"{b.name} (B)")
        options = {"change_a": a.change, "change_b": b.change, "names": names}
        try:
            run = CompareRun(a.data, b.data, options, self.view, patches=(a.patch, b.patch))
            run.start()
        except Exception as error:  # noqa: BLE001 - a failure to start is shown, not raised
            self.view.say(f"The comparison could not start: {error}")
            return None
        self._clear_overlay()
        self.view.clear()
        self.trial = trial
        self._canvas_side = "a" if a.open_map else "b" if b.open_map else None
        run.progressed.connect(self.view.show_progress)
        run.ended.connect(lambda r=run: self._ended(r))
        self.run = run
        self.view.title.setText(f"A: {shortened(names[0], 60)}    against    B: {shortened(names[1], 60)}")
        self.view.show_running("Comparing… (in a separate process)")
        self.dock.show()
        self.dock.raise_()
        self.host.show_status("Comparing…", 4000)
        return run

    def cancel(self, quiet: bool = False) -> None:
        """Stop a running comparison (its process is killed)."""
        run = self.run
        if run is None or run.done:
            return
        run.cancel()
        if not quiet:
            self.view.say("Comparison cancelled.")

    def _ended(self, run: CompareRun) -> None:
        if run is not self.run:
            return
        self.run = None
        self.view.stop_running()
        if run.cancelled:
            self.finished.emit(None)
            return
        if run.error is not None:
            text = run.error if run.expected_error else "The comparison failed. " + run.error.split("\n\n", 1)[0]
            self.view.say(text)
            self.view.status.setToolTip(run.error)
            self.host.show_status(text.split("\n", 1)[0], 8000)
            self.finished.emit(None)
            return
        comparison = run.result
        self.view.show_comparison(comparison, self._kind_labels(comparison))
        self.view.set_key((comparison.a.name, comparison.b.name), self._canvas_side)
        self.view.set_trial(self.trial)
        self._draw_overlay()
        self.host.show_status("Comparison done.", 4000)
        self.finished.emit(comparison)

    def _kind_labels(self, comparison) -> dict:
        schema = self.host.schema
        labels = {}
        for moved in comparison.moved:
            if moved.kind not in labels:
                kind = schema.kind(moved.kind) if schema is not None else None
                labels[moved.kind] = kind.label if kind is not None else local_name(moved.kind)
        return labels

    # ------------------------------------------------------------------ the map
    def node_on_map(self, moved):
        """The node of ``moved`` on the open map (None when neither side is it, or the point is on the other only)."""
        if self._canvas_side is None:
            return None
        return moved.node_a if self._canvas_side == "a" else moved.node_b

    def _select(self, moved) -> None:
        node = self.node_on_map(moved)
        canvas = self.host.canvas
        projection = self.host.projection
        if node is None or canvas is None or projection is None or node not in projection.nodes:
            if self._canvas_side is None:
                self.host.show_status("Neither side of this comparison is the open map.", 6000)
            else:
                side = self.result.b.name if self._canvas_side == "a" else self.result.a.name
                self.host.show_status(
                    f"“{shortened(moved.label)}” is only in {shortened(side)}, not on this map.", 6000
                )
            return
        canvas.select([node], centre=True)

    def overlay_marks(self) -> dict:
        """The rings the map shows, ``{node: ((colour, style, width), ...)}``: empty when none can be drawn."""
        comparison = self.result
        if comparison is None or self._canvas_side is None:
            return {}
        on_a = self._canvas_side == "a"
        rings: dict = {}
        for moved in comparison.moved:
            node = moved.node_a if on_a else moved.node_b
            difference = moved.likelihood_b - moved.likelihood_a
            if node is None or abs(difference) < RING_THRESHOLD:
                continue
            colour, style = RING_MORE if difference > 0 else RING_LESS
            rings.setdefault(node, []).append((colour, style, 3 + round(5 * min(1.0, abs(difference) / 0.5))))
        structure = comparison.structure
        for node, _label, _kind in structure.nodes_removed if on_a else structure.nodes_added:
            rings.setdefault(node, []).append((*RING_ONLY, 4))
        for change in structure.values_changed:
            node = change.node_a if on_a else change.node_b
            if node is not None and not any(r[0] == RING_CHANGED[0] for r in rings.get(node, ())):
                rings.setdefault(node, []).append((*RING_CHANGED, 4))
        return {node: tuple(found) for node, found in rings.items()}

    def _draw_overlay(self) -> None:
        canvas = self.host.canvas
        if canvas is None:
            return
        on = self.view.overlay.isChecked() and self.dock.isVisible() and self.result is not None
        canvas.set_marks(self.overlay_marks() if on else None)

    def _clear_overlay(self) -> None:
        if self.host.canvas is not None:
            self.host.canvas.set_marks(None)

    def _visibility(self, visible: bool) -> None:
        if visible:
            QTimer.singleShot(0, self._draw_overlay)
        else:
            self._clear_overlay()

    def _map_shown(self, opened) -> None:
        """Another map (or none): the comparison was of the one before."""
        self.cancel(quiet=True)
        self._clear_overlay()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.view.clear()
        self.view.say("")
        self.view.title.setText("Analysis > Compare… compares two maps, two scenarios or two changes.")
        self.trial = None
        if opened is not None:
            self._unsubscribe = opened.document.events.subscribe(GraphChanged, self._map_changed)

    def _map_changed(self, event) -> None:
        # Moving nodes changes nothing compared; an edit of the map graph makes the rings out of date.
        if self.result is not None and self.host.canvas is not None and self._edits_map(event):
            self._clear_overlay()
            self.view.overlay.blockSignals(True)
            self.view.overlay.setChecked(False)
            self.view.overlay.blockSignals(False)
            self.view.overlay.setToolTip("The map has changed since this comparison: compare again to ring it.")
            self.view.overlay.setEnabled(False)
        if self.trial is not None and not self._trial_exists():
            self.trial = None
            self.view.set_trial(None)

    @staticmethod
    def _edits_map(event) -> bool:
        """Whether the change touches the map graph other than by moving nodes (stops at the first such quad)."""
        # Compared as text: rdflib's == is Python code, and a layout's change holds 40k quads.
        default, moves = str(DEFAULT_GRAPH), POSITION_TEXT
        return any(str.__eq__(q[3], default) and str(q[1]) not in moves for q in (*event.added, *event.removed))

    # ------------------------------------------------------------------ trying a lever
    def _trial_exists(self) -> bool:
        from explorer.core import scenarios

        doc = self.host.document
        return (
            doc is not None
            and self.trial is not None
            and any(s.iri == self.trial.scenario.iri for s in scenarios.scenarios(doc.store))
        )

    def try_lever(self, lever=None) -> CompareRun | None:
        """Make a scenario "Try: …" holding ``lever``'s edit (the analysis panel's chosen lever by default),
        undoable and not shown, and compare the as-is map with it. Returns the run, or None when refused."""
        from explorer.analysis.run import serialise_map, side_patch
        from explorer.core import scenarios
        from explorer.core.editing import edit_command
        from explorer.core.errors import ExplorerError

        analysis, doc = self.host.analysis, self.host.document
        lever = lever if lever is not None else analysis.selected_lever()
        result = analysis.result
        if lever is None or doc is None or result is None:
            return None
        if analysis.stale:
            self.host.show_status("The map has changed since this analysis: run it again before trying a lever.", 8000)
            return None
        if scenarios.shown(doc.store) is not None:
            self.host.show_status(
                "Show the as-is map to try a lever: it is tried as a scenario of the as-is map.", 8000
            )
            return None
        text = one_line(lever.text)
        taken = {s.name.casefold() for s in scenarios.scenarios(doc.store)}
        name = base = f"Try: {shortened(text, 48)}"
        number = 2
        while name.casefold() in taken:
            name, number = f"{base} ({number})", number + 1
        try:
            edit, _minted = edit_command(doc, lever.edit, label=f"Try lever: {shortened(text, 60)}")
            command, scenario = scenarios.create(
                doc, name, added=edit.added, removed=edit.removed, description=f"A lever tried: {text}", trial=True
            )
        except ExplorerError as error:
            self.host.show_status(f"The lever could not be tried: {error}", 8000)
            return None
        if not self.host.execute(command):
            return None
        self._pending_trial = Trial(scenario, lever, text)
        # One dump of the map here; the comparison's process builds both sides from it (no 1 s wait on a 10k map).
        data = serialise_map(doc)
        as_is = CompareSide("As-is", data, result.change, open_map=True, patch=side_patch(doc))
        with_lever = CompareSide("With the lever", data, result.change, True, side_patch(doc, scenario))
        return self.start(as_is, with_lever)

    def apply_trial(self) -> bool:
        """Make the tried lever's edit on the as-is map and delete its trial scenario, as one undoable step."""
        from explorer.core import scenarios
        from explorer.core.commands import Command
        from explorer.core.errors import ExplorerError

        doc, trial = self.host.document, self.trial
        if doc is None or trial is None:
            return False
        if not self._trial_exists():
            self._end_trial("The trial scenario is gone: try the lever again.")
            return False
        showing = scenarios.shown(doc.store)
        if showing is not None and showing.iri != trial.scenario.iri:
            self.host.show_status("Show the as-is map first: the lever is applied to it.", 8000)
            return False
        added, removed = scenarios.differences(doc.store, trial.scenario)
        label = f"Apply lever: {shortened(trial.text, 60)}"
        try:
            with doc.batch(label):
                doc.execute(scenarios.delete(doc, trial.scenario))  # shows the as-is map first if the trial is shown
                doc.execute(Command(label, added=added, removed=removed))
        except ExplorerError as error:
            self.host.show_status(f"The lever could not be applied: {error}", 8000)
            return False
        self._end_trial(f"Applied “{shortened(trial.text, 60)}” to the map. Ctrl+Z undoes it.")
        return True

    def keep_trial(self) -> bool:
        """Keep the trial as a scenario of the map (an edit: the map is saved with it, in TriG or N-Quads)."""
        from explorer.core import scenarios

        doc, trial = self.host.document, self.trial
        if doc is None or trial is None:
            return False
        if not self._trial_exists():
            self._end_trial("The trial scenario is gone: try the lever again.")
            return False
        if not self.host.execute(scenarios.keep(doc, trial.scenario)):
            return False
        self._end_trial(f"Kept “{shortened(trial.scenario.name, 60)}” as a scenario of the map. Ctrl+Z undoes it.")
        return True

    def discard_trial(self) -> bool:
        """Delete the trial scenario (undoable); the comparison stays shown."""
        from explorer.core import scenarios

        doc, trial = self.host.document, self.trial
        if doc is None or trial is None:
            return False
        if not self._trial_exists():
            self._end_trial("The trial scenario is gone already.")
            return False
        if not self.host.execute(scenarios.delete(doc, trial.scenario)):
            return False
        self._end_trial(f"Discarded the trial of “{shortened(trial.text, 60)}”. Ctrl+Z brings it back.")
        return True

    def _end_trial(self, text: str) -> None:
        self.trial = None
        self.view.set_trial(None)
        self.view.say(text)
        self.host.show_status(text, 6000)


def install(host) -> CompareFeature:
    """Add Analysis > Compare… and the Compare panel; returns the feature."""
    return CompareFeature(host)


__all__ = ["CompareFeature", "CompareModel", "CompareSide", "CompareView", "Trial", "install"]
