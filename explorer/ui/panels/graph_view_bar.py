"""The notice above the canvas for a map whose data is all in named graphs, with the choice of what to view.

A TriG or N-Quads file that keeps every statement in named graphs opens as an
empty map: the canvas draws the map graph. When a map opens that way, this bar
says so, names the graphs with their statements and nodes, and offers to show
all of them together or one picked from the list
(:func:`explorer.core.graph_view.show_view`). It never blocks: the map is
usable, and the bar can be closed. Once a view is shown, the bar says which, and
that saving in TriG or N-Quads writes each statement back into its own graph.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton

from explorer.core.errors import ExplorerError
from explorer.core.events import DocumentReloaded
from explorer.core.graph_view import census, current_view, show_view
from explorer.ui.common.host import MapHost, OpenMap

#: Graphs offered one by one in the list (the union covers every graph).
LISTED_GRAPHS = 500


class GraphViewBar(QFrame):
    """The notice and its choice; ``viewChanged`` is emitted with the graphs shown."""

    viewChanged = Signal(tuple)

    def __init__(self, window) -> None:
        super().__init__(window.canvas_page)
        self.window = window
        self.document = None
        self._unsubscribe = None
        self.setObjectName("graphViewBar")
        self.setAccessibleName("Named graphs notice")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(
            "#graphViewBar { background: palette(alternate-base); border-bottom: 1px solid palette(mid); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setObjectName("graphViewText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # graph names come from the file
        self.label.setAccessibleName("Named graphs")
        # A wrapped label's height depends on its width: without this the bar cuts its second line.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.label.setSizePolicy(policy)
        self.label.setMinimumWidth(200)
        self.choice = QComboBox(self)
        self.choice.setObjectName("graphViewChoice")
        self.choice.setAccessibleName("Graphs to view")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(28)
        self.show_button = QPushButton("&Show", self)
        self.show_button.setObjectName("graphViewShow")
        self.show_button.setAccessibleName("Show the chosen graphs")
        self.show_button.setToolTip("Draw and analyse the graphs chosen in the list")
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("graphViewClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Close the notice")
        self.close_button.setToolTip("Close this notice (the map stays as it is shown)")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.choice)
        layout.addWidget(self.show_button)
        layout.addWidget(self.close_button)
        self.choice.currentTextChanged.connect(self.choice.setToolTip)  # the list is narrow; graph IRIs are long
        self.show_button.clicked.connect(self.show_chosen)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    # ------------------------------------------------------------------ following the map
    def show_map(self, opened: OpenMap | None) -> None:
        """Follow the open map (None when it closes)."""
        document = opened.document if opened is not None else None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.document = document
        if document is not None:
            self._unsubscribe = document.events.subscribe(DocumentReloaded, lambda event: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Show the offer, the view shown, or nothing, as the map now is."""
        document = self.document
        viewing = current_view(document) if document is not None else ()
        projection = self.window.projection
        # A map that draws nodes needs no offer: the census (a pass over the store) is for the empty-looking ones.
        if document is None or (not viewing and projection is not None and projection.nodes):
            self.hide()
            return
        found = census(document)
        if not found.needs_view and not viewing:
            self.hide()
            return
        self._fill(found, viewing)
        if viewing:
            shown = {g.name: g.shown for g in found.graphs}
            what = (
                f"all {len(viewing):,} named graphs together"
                if len(viewing) > 1 and len(viewing) == len(found.graphs)
                else ", ".join(shown.get(g, str(g)) for g in viewing[:3]) + (" …" if len(viewing) > 3 else "")
            )
            self.label.setText(f"Showing {what}. Saving keeps every statement in its own graph.")
            self.label.setToolTip(
                "Edits go into the graph that holds each node, new nodes into the graph holding nodes of "
                "their kind; saving as TriG or N-Quads writes each statement back into its own graph."
            )
        else:
            total = sum(g.triples for g in found.graphs)
            self.label.setText(
                f"This file keeps its data in {len(found.graphs):,} named graph(s) ({total:,} statements) "
                "and its map graph is empty. Choose what to view:"
            )
            self.label.setToolTip(
                "Show all the graphs together, or one of them; the file is saved with every statement "
                "in its own graph either way."
            )
        self.show()

    def _fill(self, found, viewing) -> None:
        self.choice.blockSignals(True)
        self.choice.clear()
        total = sum(g.triples for g in found.graphs)
        nodes = sum(g.nodes for g in found.graphs)
        self.choice.addItem(f"All {len(found.graphs):,} graphs together ({total:,} statements, {nodes:,} nodes)", None)
        for graph in found.graphs[:LISTED_GRAPHS]:
            self.choice.addItem(f"{graph.shown}: {graph.triples:,} statements, {graph.nodes:,} nodes", graph.name)
        if len(found.graphs) > LISTED_GRAPHS:
            self.choice.addItem(
                f"({len(found.graphs) - LISTED_GRAPHS:,} more graphs: all of them are in the first entry)", None
            )
            self.choice.model().item(self.choice.count() - 1).setEnabled(False)
        names = [g.name for g in found.graphs]
        if viewing and len(viewing) == 1 and viewing[0] in names[:LISTED_GRAPHS]:
            self.choice.setCurrentIndex(names.index(viewing[0]) + 1)
        else:
            self.choice.setCurrentIndex(0)
        self.choice.blockSignals(False)
        self.choice.setToolTip(self.choice.currentText())

    # ------------------------------------------------------------------ choosing
    def chosen(self):
        """The graphs chosen in the list: None for all of them, else a one-element list."""
        name = self.choice.currentData()
        return None if name is None else [name]

    def show_chosen(self) -> bool:
        """View the chosen graphs; the canvas, panels and analysis follow. Returns whether the view changed."""
        document = self.document
        if document is None:
            return False
        if self.window.busy:  # a layout under way builds its edit against the graphs shown now
            self.window.show_status("Wait until the work under way has finished, then choose the graphs.", 8000)
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            shown = show_view(document, self.chosen())
        except ExplorerError as error:
            self.window.show_status(str(error), 12000)
            self.label.setText(str(error))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.window.show_status(
            f"Showing {len(shown):,} named graph(s): {len(self.window.projection.nodes):,} nodes", 8000
        )
        self.window.canvas.fit()
        self.viewChanged.emit(tuple(shown))
        return True


def install(window: MapHost) -> GraphViewBar:
    """Put the notice above the canvas of ``window`` and have it follow the open map."""
    bar = GraphViewBar(window)
    window.canvas_page.layout().insertWidget(0, bar)
    window.mapShown.connect(bar.show_map)
    return bar
