"""File > Open Endpoint (Read-Only)…: browse a big graph on a SPARQL server a neighbourhood at a time.

A window of its own (like a query's graph result) rather than the main map: what it
shows is a growing excerpt of a graph that may be far too big for the laptop, and
it can never be edited or saved back. The person connects, finds nodes by their
label, expands a result or a node picked on the canvas (its neighbours, a page at a
time; More fetches the next page), and reads the boundary under the canvas: how
many fetched nodes still have ties on the server that are not shown. Analyse
describes the fetched part and repeats that boundary with its figures.

Every request runs in a worker thread (:mod:`explorer.ui.common.workers`); the
reading itself is :mod:`explorer.team.neighbourhood`, which bounds every query.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from rdflib import URIRef

from explorer.analysis.change import AnalysisError, analyse_change, changes_in
from explorer.analysis.graph import map_graph
from explorer.core.errors import ExplorerError
from explorer.core.terms import local_name
from explorer.core.text import one_line
from explorer.team.endpoint import Endpoint, SparqlClient
from explorer.team.neighbourhood import Fetched, find, size
from explorer.ui.common.host import MapHost
from explorer.ui.common.workers import run_task
from explorer.ui.sparql.graph import ReadOnlyCanvas, build_graph_result

#: Neighbours fetched per page.
PAGE = 100
#: Results of one search.
FOUND = 50
READ_ONLY_NOTE = "Read-only: this view cannot be edited, and nothing here is saved or sent back to the server."
SIGN_IN = (("No sign-in", "none"), ("User name and password", "basic"), ("Digest", "digest"), ("Token", "bearer"))


class EndpointBrowser(QMainWindow):
    """A read-only window onto one graph of one SPARQL server."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle("Endpoint (read-only) — Routine Explorer")
        self.setAccessibleName("Endpoint browser")
        self.client: SparqlClient | None = None
        self.fetched: Fetched | None = None
        self.result = None  # the GraphResult drawn now
        self.last_expanded: URIRef | None = None
        self.task = None
        self.boundary_text = ""

        page = QWidget(self)
        outer = QVBoxLayout(page)
        # Where and how to connect.
        form = QFormLayout()
        self.address = QLineEdit(page, placeholderText="http://server:7878 or https://server/sparql")
        self.address.setAccessibleName("Server address")
        self.graph = QLineEdit(page, placeholderText="the server's default graph")
        self.graph.setAccessibleName("Graph")
        self.auth = QComboBox(page)
        for text, key in SIGN_IN:
            self.auth.addItem(text, key)
        self.auth.setAccessibleName("Sign-in")
        self.user = QLineEdit(page, placeholderText="user name")
        self.user.setAccessibleName("User name")
        self.secret = QLineEdit(page, placeholderText="password or token")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Password")
        sign_in = QHBoxLayout()
        for widget in (self.auth, self.user, self.secret):
            sign_in.addWidget(widget)
        self.connect_button = QPushButton("&Connect", page, clicked=self.connect_to_server)
        sign_in.addWidget(self.connect_button)
        form.addRow("Server:", self.address)
        form.addRow("Graph:", self.graph)
        form.addRow("Sign-in:", sign_in)
        outer.addLayout(form)
        self.note = QLabel(READ_ONLY_NOTE, page)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Read-only note")
        self.note.setStyleSheet("background: palette(alternate-base); padding: 6px;")
        outer.addWidget(self.note)

        # Search on the left, the fetched part on the right.
        split = QSplitter(page)
        side = QWidget(split)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(side, placeholderText="Find by name…")
        self.search.setAccessibleName("Find by name")
        self.search.returnPressed.connect(self.find_nodes)
        self.results = QListWidget(side)
        self.results.setAccessibleName("Found nodes")
        self.results.itemActivated.connect(lambda item: self.expand_node(item.data(Qt.ItemDataRole.UserRole)))
        buttons = QHBoxLayout()
        self.expand_button = QPushButton("&Expand", side, clicked=self.expand_chosen)
        self.expand_button.setToolTip("Add the neighbours of the chosen result, or of the node selected on the canvas")
        self.more_button = QPushButton("&More", side, clicked=self.more)
        self.more_button.setToolTip("Fetch the next page of neighbours of the node expanded last")
        self.analyse_button = QPushButton("&Analyse", side, clicked=self.analyse)
        self.analyse_button.setToolTip("Describe the fetched part, with what it leaves out")
        for button in (self.expand_button, self.more_button, self.analyse_button):
            buttons.addWidget(button)
        column.addWidget(self.search)
        column.addWidget(self.results, 1)
        column.addLayout(buttons)
        self.canvas = ReadOnlyCanvas(split)
        self.canvas.setAccessibleName("Fetched part canvas")
        self.canvas.selectionChanged.connect(lambda keys: self._update_buttons())
        split.addWidget(side)
        split.addWidget(self.canvas)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 900])
        outer.addWidget(split, 1)
        self.boundary = QLabel("Not connected.", page)
        self.boundary.setWordWrap(True)
        self.boundary.setTextFormat(Qt.TextFormat.PlainText)
        self.boundary.setAccessibleName("What was fetched")
        outer.addWidget(self.boundary)
        self.setCentralWidget(page)
        self.resize(1280, 800)
        self._update_buttons()

    # ----------------------------------------------------------------- state
    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.done

    def _update_buttons(self) -> None:
        connected = self.client is not None and not self.busy
        self.search.setEnabled(connected)
        self.results.setEnabled(connected)
        self.expand_button.setEnabled(connected and self._chosen() is not None)
        self.more_button.setEnabled(
            connected
            and self.last_expanded is not None
            and self.fetched is not None
            and self.fetched.has_more(self.last_expanded)
        )
        self.analyse_button.setEnabled(connected and bool(self.fetched and self.fetched.triples))
        self.connect_button.setEnabled(not self.busy)

    def _chosen(self):
        item = self.results.currentItem()
        if item is not None and item.isSelected():
            return item.data(Qt.ItemDataRole.UserRole)
        nodes = [k for k in self.canvas.selected_keys() if isinstance(k, URIRef)]
        return nodes[0] if len(nodes) == 1 else None

    def _say(self, text: str) -> None:
        self.statusBar().showMessage(one_line(text, 300))

    def _run(self, label: str, work, done) -> None:
        def failed(error):
            message = str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"
            self._say(message)
            self._update_buttons()

        def succeeded(value):
            done(value)
            self._update_buttons()

        self._say(label)
        self.task = run_task(label, lambda progress: work(), parent=self, on_success=succeeded, on_failure=failed)
        self._update_buttons()

    # --------------------------------------------------------------- actions
    def connect_to_server(self) -> None:
        """Connect (read-only) to the address given and say how big the graph is; nothing is fetched yet."""
        try:
            endpoint = Endpoint.for_server(
                self.address.text().strip(),
                read_only=True,
                auth=self.auth.currentData(),
                user=self.user.text().strip(),
                secret=self.secret.text(),
            )
            graph = self.graph.text().strip() or None
            if graph is not None and not graph.startswith(("http://", "https://", "urn:")):
                raise ExplorerError(f"{graph!r} is not a graph's address")
        except ExplorerError as error:
            self._say(str(error))
            return
        client = SparqlClient(endpoint)

        def done(counted):
            if self.client is not None:
                self.client.close()
            self.client, self.fetched, self.last_expanded = client, Fetched(graph), None
            self._show(None)
            where = f"graph {graph}" if graph else "the default graph"
            self.boundary.setText(
                f"Connected to {endpoint.describe()}, {where}: {counted.words()}. Nothing fetched yet."
            )
            self._say("Connected, read-only. Find a node by name to start.")
            self.search.setFocus()

        self._run(f"Connecting to {endpoint.describe()}…", lambda: size(client, graph), done)

    def find_nodes(self) -> None:
        """List the nodes whose name contains the search text."""
        text = self.search.text()
        if not text.strip() or self.client is None or self.busy:
            return
        client, graph = self.client, self.fetched.graph

        def done(found):
            self.results.clear()
            for f in found:
                kind = f" ({local_name(f.kind)})" if f.kind is not None else ""
                item = QListWidgetItem(one_line(f.label, 120) + kind)
                item.setData(Qt.ItemDataRole.UserRole, f.iri)
                item.setToolTip(str(f.iri))
                self.results.addItem(item)
            more = " (the first ones; refine the search for others)" if len(found) == FOUND else ""
            self._say(f"{len(found)} node{'s' if len(found) != 1 else ''} found{more}.")
            if found:
                self.results.setCurrentRow(0)

        self._run("Searching…", lambda: find(client, text, graph, limit=FOUND), done)

    def expand_chosen(self) -> None:
        node = self._chosen()
        if node is not None:
            self.expand_node(node)

    def more(self) -> None:
        if self.last_expanded is not None:
            self.expand_node(self.last_expanded)

    def expand_node(self, node) -> None:
        """Fetch the next page of ``node``'s neighbours, redraw, and count the boundary again."""
        if self.client is None or self.busy or node is None:
            return
        client, fetched = self.client, self.fetched

        def work():
            page = fetched.expand(client, node, limit=PAGE)
            boundary = fetched.boundary(client)
            result = build_graph_result(sorted(fetched.triples), title="Fetched from the server")
            return page, boundary, result

        def done(value):
            page, boundary, result = value
            self.last_expanded = URIRef(node)
            self._show(result)
            self.canvas.select([URIRef(node)], centre=True)
            self.boundary_text = boundary.note()
            more = " More fetches the next page." if page.truncated else ""
            self.boundary.setText(
                f"Fetched {len(fetched.triples):,} statements, {boundary.nodes:,} nodes. {self.boundary_text}{more}"
            )
            self._say(f"{len(page.neighbours)} neighbour{'s' if len(page.neighbours) != 1 else ''} added.")

        self._run("Fetching the neighbourhood…", work, done)

    def analyse(self) -> None:
        """Describe the fetched part: its nodes by kind, its ties, the change analysis if it holds one change."""
        if self.result is None or self.busy:
            return
        store, note = self.result.document.store, self.boundary_text

        def work():
            G = map_graph(store)
            kinds = Counter(local_name(d.get("kind")) for _, d in G.nodes(data=True) if d.get("kind"))
            parts = ", ".join(f"{n} {k}" for k, n in kinds.most_common(6))
            text = f"The fetched part: {G.number_of_nodes()} nodes ({parts}), {G.number_of_edges()} ties."
            if changes_in(G):
                try:
                    analysis = analyse_change(G, runs=0, levers=False)
                    text += f" About {analysis.figure.value:.0f} people likely to resist the change."
                except AnalysisError as error:
                    text += f" {error}"
            return f"{text} {note}"

        self._run("Analysing the fetched part…", work, lambda text: self.boundary.setText(text))

    # -------------------------------------------------------------- drawing
    def _show(self, result) -> None:
        old, self.result = self.result, result
        if result is None:
            self.canvas.clear_map()
        else:
            self.canvas.set_map(result.projection, result.schema, result.positions)
            # Once the canvas has its size after this turn of the event loop, as the main window does.
            QTimer.singleShot(0, self.canvas.fit)
        if old is not None:
            old.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.task is not None and not self.task.done:
            self.task.wait(30_000)
        self.canvas.clear_map()
        if self.result is not None:
            self.result.close()
            self.result = None
        if self.client is not None:
            self.client.close()
            self.client = None
        super().closeEvent(event)


class EndpointBrowsing:
    """The feature: File > Open Endpoint (Read-Only)…, opening one browser window at a time."""

    def __init__(self, host: MapHost) -> None:
        self.host = host
        self.window: EndpointBrowser | None = None
        self.action = host.add_action(
            "Open &Endpoint (Read-Only)…",
            self.open,
            None,
            "Explore a graph on a SPARQL server by neighbourhood, without downloading it",
        )
        menu = host.menus["file"]
        actions = menu.actions()
        # After Open and the sample maps, before Save.
        anchor = next((a for a in actions if a.isSeparator()), None)
        menu.insertAction(anchor, self.action)

    def open(self) -> EndpointBrowser:
        """Show the browser window (the open one if there is one)."""
        if self.window is None:
            self.window = EndpointBrowser(self.host.canvas_page.window())
            self.window.destroyed.connect(lambda: setattr(self, "window", None))
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window


def install(host: MapHost) -> EndpointBrowsing:
    """Add File > Open Endpoint (Read-Only)… to ``host``."""
    return EndpointBrowsing(host)


__all__ = ["EndpointBrowser", "EndpointBrowsing", "install"]
