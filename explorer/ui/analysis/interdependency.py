"""The Interdependencies tab of the Analysis panel: brokers, single points of failure, coupling, paths, clusters.

The measures run in a separate process (:func:`explorer.analysis.run.interdependencies_in_process`),
like the change analysis: they are pure Python and take seconds on big maps.
Each finding is a row; choosing it selects its first node on the map, and its
tooltip lists every node it involves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.core.presentation import LEVELS
from explorer.core.terms import local_name
from explorer.core.text import one_line
from explorer.ui.analysis.run import AnalysisRun
from explorer.ui.common.host import OpenMap
from explorer.ui.common.text import tooltip_html

#: Rows shown per group (the CLI's ``interdependencies --top`` shows the same lists).
TOP = 10


class InterdependencyView(QWidget):
    """A button that computes the map's interdependency measures, and a tree of what they found."""

    selectRequested = Signal(object)
    message = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Interdependencies")
        self.doc = None
        self.projection = None
        self.summary = None
        self._run: AnalysisRun | None = None
        # Nodes per row, kept in Python: Qt item data would turn rdflib IRIs into plain strings.
        self._nodes: dict[int, tuple] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        self.run_button = QPushButton("Find Interdependencies")
        self.run_button.setAccessibleName("Find the map's interdependencies")
        self.run_button.setToolTip(
            "Brokers, single points of failure among routines, coupling between units, "
            "macro forces reaching micro routines, clusters and hybrid leaders"
        )
        self.run_button.clicked.connect(lambda: self.run())
        row.addWidget(self.run_button)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel finding interdependencies")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel("Find the brokers, single points of failure and couplings of this map.")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Interdependencies status")
        layout.addWidget(self.status)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Interdependencies found")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.itemClicked.connect(self._on_item)
        self.tree.itemActivated.connect(self._on_item)
        layout.addWidget(self.tree, 1)
        self._update_controls()

    # ------------------------------------------------------------------ API
    @property
    def running(self) -> bool:
        return self._run is not None and not self._run.done

    def show_map(self, opened: OpenMap | None) -> None:
        """The open map (None when there is none): stops a run and clears what was found."""
        doc, projection = (opened.document, opened.projection) if opened is not None else (None, None)
        self.cancel()
        self.doc, self.projection = doc, projection
        self.summary = None
        self.tree.clear()
        self._nodes.clear()
        self.status.setText(
            "Find the brokers, single points of failure and couplings of this map."
            if doc is not None
            else "Open a map to find its interdependencies."
        )
        self._update_controls()

    def run(self, *, seed: int = 0):
        """Compute the measures in a separate process; returns the run (``.wait()``), or None without a map."""
        if self.doc is None:
            return None
        from explorer.analysis.run import serialise_map

        self.cancel()
        try:
            task = AnalysisRun(
                serialise_map(self.doc),
                None,
                {"seed": seed, "list_limit": 50},
                self,
                target="interdependencies_in_process",
            ).start()
        except Exception as error:  # noqa: BLE001 - a failure to start is shown, not raised
            self.status.setText(f"The measures could not start: {error}")
            return None
        task.ended.connect(lambda t=task: self._on_ended(t))
        self._run = task
        self.progress.show()
        self.status.setText("Finding interdependencies… (in a separate process)")
        self._update_controls()
        return task

    def cancel(self) -> None:
        task, self._run = self._run, None
        if task is not None and not task.done:
            task.cancel()
            self.status.setText("Cancelled.")
        self.progress.hide()
        self._update_controls()

    # ------------------------------------------------------------------ results
    def _on_ended(self, task: AnalysisRun) -> None:
        if task is not self._run:
            return
        self._run = None
        self.progress.hide()
        self._update_controls()
        if task.cancelled:
            return
        if task.error is not None:
            self.status.setText("The measures failed. " + task.error.split("\n\n", 1)[0])
            self.status.setToolTip(task.error)
            return
        self.show_summary(task.result)

    def show_summary(self, summary) -> None:
        """Fill the tree from an :class:`~explorer.analysis.interdependence.InterdependenceSummary`."""
        self.summary = summary
        self.tree.clear()
        self._nodes.clear()
        b = summary.brokerage
        how = "exact" if b.exact else f"sampled from {b.k} sources, estimated error {b.estimated_error:.4f}"
        group = self._group(
            f"Brokers ({how})",
            "Actors and units on many shortest paths between others (betweenness), "
            "with Burt's constraint: low constraint means non-redundant contacts",
        )
        for broker in sorted(b.brokers, key=lambda x: (-x.betweenness, x.label))[:TOP]:
            constraint = "–" if broker.constraint is None else f"{broker.constraint:.2f}"
            self._row(
                group,
                f"{one_line(broker.label)} · betweenness {broker.betweenness:.3f} · constraint {constraint}",
                (broker.node,),
            )
        failure = summary.failure_points
        group = self._group(
            f"Single points of failure: {len(failure.articulation_points)} routine(s), {len(failure.bridges)} tie(s)",
            "Routines and interdependencies whose loss splits the routines in two",
        )
        for cut in sorted(failure.articulation_points, key=lambda c: -c.cut_off_size)[:TOP]:
            self._row(
                group,
                f"{one_line(cut.label)} · losing it cuts off {cut.cut_off_size} routine(s)",
                (cut.node, *cut.cut_off),
            )
        for bridge in sorted(failure.bridges, key=lambda x: -x.cut_off_size)[:TOP]:
            names = " – ".join(self._label(n) for n in bridge.ends)
            self._row(
                group,
                f"Tie {names} · losing it cuts off {bridge.cut_off_size} routine(s)",
                (*bridge.ends, *bridge.cut_off),
            )
        group = self._group(
            f"Coupling between units ({len(summary.coupling)} pair(s) shown)",
            "3 × shared routines + strength × Thompson order of crossing interdependencies",
        )
        for pair in summary.coupling[:TOP]:
            types = ", ".join(f"{k} {v}" for k, v in pair.by_type.items() if v)
            self._row(
                group,
                f"{one_line(' & '.join(pair.labels))} · {pair.score:.1f} · {len(pair.shared_routines)} shared"
                + (f" · {types}" if types else ""),
                pair.units,
            )
        cross = summary.cross_level
        group = self._group(
            f"Macro forces reaching routines: {len(cross.paths)} reached, {cross.unreached} not",
            "Shortest paths from external bodies, forces and norms down to routines",
        )
        for path in sorted(cross.paths, key=lambda p: (p.hops, str(p.target)))[:TOP]:
            self._row(group, " → ".join(self._label(n) for n in path.path), path.path)
        clusters = summary.clusters
        group = self._group(
            f"Clusters: {len(clusters.communities)} (modularity {clusters.modularity:.2f}); "
            f"{len(clusters.spanners)} node(s) link them",
            f"Communities by {clusters.method}; the rows are the boundary spanners",
        )
        for spanner in clusters.spanners[:TOP]:
            self._row(
                group,
                f"{one_line(spanner.label)} · reaches {len(spanner.reaches)} other cluster(s) · "
                f"participation {spanner.participation:.2f}",
                (spanner.node,),
            )
        group = self._group(
            f"Hybrid leaders: {len(summary.hybrid_leaders)}", "Actors bridging clinical and managerial roles"
        )
        for leader in summary.hybrid_leaders[:TOP]:
            units = ", ".join(self._label(u) for u in leader.units)
            self._row(
                group,
                f"{one_line(leader.label)} ({LEVELS.get(leader.level, '')})" + (f" · {units}" if units else ""),
                (leader.node, *leader.units),
            )
        self.tree.expandAll()
        self.status.setText("Choose a row to select it on the map.")
        self.message.emit("Interdependencies found")

    def _group(self, text: str, tip: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [text])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setToolTip(0, tip)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        return item

    def _row(self, parent: QTreeWidgetItem, text: str, nodes) -> None:
        item = QTreeWidgetItem(parent, [text])
        nodes = tuple(nodes)
        self._nodes[id(item)] = (item, nodes)
        names = ", ".join(self._label(n) for n in nodes[:12]) + (" …" if len(nodes) > 12 else "")
        # Escaped and wrapped: Qt renders a tooltip that looks like markup as rich text.
        item.setToolTip(0, tooltip_html("", f"{text}\nOn the map: {names}", limit=None))

    def _label(self, node) -> str:
        if self.projection is not None and node in self.projection.nodes:
            return one_line(self.projection.nodes[node].label) or local_name(node)
        return local_name(node)

    def nodes_of(self, item) -> tuple:
        """The nodes a row of the tree involves."""
        entry = self._nodes.get(id(item))
        return entry[1] if entry is not None and entry[0] is item else ()

    def _on_item(self, item, _column=0) -> None:
        for node in self.nodes_of(item):
            if self.projection is not None and node in self.projection.nodes:
                self.selectRequested.emit(node)
                return

    def _update_controls(self) -> None:
        running = self.running
        self.run_button.setEnabled(self.doc is not None and not running)
        self.run_button.setVisible(not running)
        self.cancel_button.setVisible(running)
