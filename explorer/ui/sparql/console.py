"""The SPARQL console: ask the open map anything, starting from saved questions, with results linked to the canvas.

A dock at the bottom of the main window, in three panes:

- **Questions** (:mod:`explorer.ui.sparql.questions`): the saved questions
  shipped in ``ontology/queries`` and the user's own, each with its
  description; choosing one loads it into the editor; the user's query can be
  saved as their own, and their own deleted.
- **Editor**: SPARQL coloured by pygments (:mod:`explorer.ui.sparql.highlighter`),
  line numbers, completion of prefixes, classes and properties from the
  ontology and the map, the parser's error underlined at its line and column
  while typing (checked 350 ms after the last key by
  :meth:`~explorer.sparql.service.QueryService.kind`), a history of the queries
  run (kept in the settings; Alt+Up/Alt+Down), Run (Ctrl+Enter) and Cancel (Esc).
- **Results**: SELECT rows in a sortable table whose IRIs read by the nodes'
  labels (choosing rows selects their nodes on the canvas), ASK as yes or no,
  CONSTRUCT/DESCRIBE as a table of triples and a graph window
  (:mod:`explorer.ui.sparql.graph`), UPDATE applied as one undoable edit;
  export as CSV, TSV, SPARQL results JSON and XML, or Turtle, N-Triples and
  JSON-LD for graphs, through the outcome's own serializers.

Queries run in a worker thread (:mod:`explorer.ui.common.workers`) with a busy bar
and Cancel; the service stops a cancelled query within about a second, and the
window never waits for it. Network access (``SERVICE``, ``LOAD``) is off unless
the user ticks "Allow network" (setting ``sparql/allow_network``). "Map only"
(setting ``sparql/map_only``) makes the map alone the default graph, the ontology
still there by name (``GRAPH <…/ontology>``): counts are the map's own, and
``DROP ALL`` empties the map.

Map text is hostile: cells are plain text, tooltips and message boxes escape it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import RDFS

from explorer.core.atomic_file import atomic_write
from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.errors import ExplorerError
from explorer.core.events import DocumentReloaded, GraphChanged
from explorer.core.text import one_line
from explorer.ui.common import safe_text, settings
from explorer.ui.common.host import MapHost, OpenMap
from explorer.ui.common.text import safe_tooltip
from explorer.ui.common.workers import run_task
from explorer.ui.sparql.editor import CodeEditor
from explorer.ui.sparql.highlighter import SparqlHighlighter
from explorer.ui.sparql.questions import QuestionsPane, library, muted, plain
from explorer.ui.sparql.results import ResultsModel, ResultsTable, TermNames

NETWORK_KEY = "sparql/allow_network"
MAP_ONLY_KEY = "sparql/map_only"
HISTORY_KEY = "sparql/history"
HISTORY_LIMIT = 50
HISTORY_ENTRY_LIMIT = 100_000  # characters
CHECK_DELAY_MS = 350
EMPTY_HINT = "Pick a saved question or write a query; Ctrl+Enter runs it."
NO_MAP_HINT = "Open a map to ask it questions. Saved questions are on the left."
PLACEHOLDER = (
    "Write SPARQL here, for example\n\n"
    "SELECT ?unit ?label WHERE {\n  ?unit a rx:Unit ; rdfs:label ?label\n}\n\n"
    "The map's prefixes (rx:, org:, rdfs:, …) are declared for you. "
    "Ctrl+Space completes, Ctrl+Enter runs, Alt+Up brings back earlier queries."
)
ERROR_COLOUR = "#d62d20"
WARNING_COLOUR = "#b86e00"
#: Export formats: key -> (menu text, file extension, file-dialog filter). Keys are Outcome.serialize's.
TABLE_EXPORTS = {
    "csv": ("CSV…", "csv", "CSV (*.csv)"),
    "tsv": ("TSV…", "tsv", "Tab-separated values (*.tsv)"),
    "json": ("SPARQL Results JSON…", "json", "SPARQL results JSON (*.json *.srj)"),
    "xml": ("SPARQL Results XML…", "xml", "SPARQL results XML (*.xml *.srx)"),
}
GRAPH_EXPORTS = {
    "ttl": ("Turtle…", "ttl", "Turtle (*.ttl)"),
    "nt": ("N-Triples…", "nt", "N-Triples (*.nt)"),
    "jsonld": ("JSON-LD…", "jsonld", "JSON-LD (*.jsonld)"),
}
KEYWORDS = (
    "SELECT",
    "DISTINCT",
    "WHERE",
    "OPTIONAL",
    "FILTER",
    "NOT EXISTS",
    "MINUS",
    "UNION",
    "BIND",
    "VALUES",
    "GROUP BY",
    "ORDER BY",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "COUNT",
    "GROUP_CONCAT",
    "COALESCE",
    "CONSTRUCT",
    "DESCRIBE",
    "ASK",
    "INSERT DATA",
    "DELETE DATA",
    "DELETE",
    "INSERT",
    "PREFIX",
    "GRAPH",
    "DESC",
    "ASC",
    "STR",
    "LANG",
    "REGEX",
    "CONTAINS",
    "LCASE",
    "SAMPLE",
    "SUM",
    "AVG",
    "MIN",
    "MAX",
)
_VOCABULARY_TYPES = {
    "http://www.w3.org/2002/07/owl#Class": "class",
    "http://www.w3.org/2000/01/rdf-schema#Class": "class",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "property",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "property",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "property",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property": "property",
    "http://www.w3.org/2004/02/skos/core#Concept": "concept",
}


def _sparql():
    """The query service and library modules, imported when first needed: the package costs ~0.14 s at start-up.

    The window calls it while a map opens in its worker, so that the console does not import it on the UI
    thread once the map is shown.

    Examples
    --------
    >>> service, library = _sparql()
    >>> service.QueryService.__name__
    'QueryService'
    """
    from explorer.sparql import library, service

    return service, library


#: Imports the console needs once a map is shown, for the worker that opens the map to make first.
prepare_imports = _sparql


def summary_line(text: str) -> str:
    r"""The first line of a query that says something (not a comment or a PREFIX), for menus.

    Examples
    --------
    >>> summary_line(
    ...     "# title: Units\nPREFIX rx: <https://w3id.org/routine-explorer/ns#>\nSELECT ?u WHERE { ?u a rx:Unit }"
    ... )
    'SELECT ?u WHERE { ?u a rx:Unit }'
    """
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not stripped.upper().startswith(("PREFIX", "BASE")):
            return one_line(stripped, 70)
    return one_line(text.strip(), 70) or "(empty)"


def vocabulary(store, prefixes: dict) -> list[tuple[str, str]]:
    """Words to complete: prefixes, the ontology's classes and properties, and those the map uses.

    Reads the ontology graph by pattern and the map with two DISTINCT queries (pyoxigraph releases the
    GIL), so it can run on a worker thread.
    """
    names = TermNames(prefixes=prefixes)
    words: dict[str, str] = {f"{prefix}:": f"prefix · {namespace}" for prefix, namespace in prefixes.items() if prefix}
    for kind_iri, kind in _VOCABULARY_TYPES.items():
        for term, _, _, _ in store.quads(None, RDF.type, URIRef(kind_iri), ONTOLOGY_GRAPH):
            text = names.compact(term) if isinstance(term, URIRef) else "<"
            if text.startswith("<") or text in words:
                continue
            labels = [
                str(q[2])
                for q in store.quads(term, RDFS.label, None, ONTOLOGY_GRAPH)
                if isinstance(q[2], Literal) and q[2].language in (None, "en")
            ]
            words[text] = f"{kind} · {one_line(min(labels), 60)}" if labels else kind
    for query, kind in (
        ("SELECT DISTINCT ?t WHERE { ?s ?t ?o } LIMIT 5000", "property in the map"),
        ("SELECT DISTINCT ?t WHERE { ?s a ?t } LIMIT 5000", "class in the map"),
    ):
        for (term,) in store.query(query).rows:
            if isinstance(term, URIRef):
                text = names.compact(term)
                if not text.startswith("<"):
                    words.setdefault(text, kind)
    for keyword in KEYWORDS:
        words.setdefault(keyword, "keyword")
    return sorted(words.items())


class StatusLine(QLabel):
    """At most two lines of plain text, elided to fit its width; the whole text is in the tooltip."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 2)

    def set_full_text(self, text: str) -> None:
        self._full = one_line(text, 2000)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        # Two lines hold a little less than twice the width once words wrap.
        room = int(max(self.width(), 120) * 1.75)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room))


class SparqlConsole(QWidget):
    """The console's widget; :func:`install` puts it in a dock of the main window.

    Signals
    -------
    message(str)
        A short note for the status bar.
    finished(object)
        A query ended: its Outcome, or None after an error or a cancel.
    """

    message = Signal(str)
    finished = Signal(object)

    def __init__(self, window=None) -> None:
        super().__init__(window)
        self.window_ = window
        self.setAccessibleName("SPARQL console")
        self.document = None
        self._service = None
        self._unsubscribe = None
        self._generation = 0
        self.task = None
        self._cancel_event: threading.Event | None = None
        self._started = 0.0
        self.outcome = None
        self.graph_result = None
        self.graph_windows: list = []
        self._current_question = None
        self._history_index = -1
        self._draft = ""
        self._check_seq = 0
        self._check_cancel: threading.Event | None = None
        self._vocabulary_task = None
        self._vocabulary_of = None  # the map whose vocabulary the completer holds
        self.act_run: QAction | None = None
        self.act_cancel: QAction | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_questions())
        self.splitter.addWidget(self._build_editor())
        self.splitter.addWidget(self._build_results())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([280, 500, 620])
        layout.addWidget(self.splitter)

        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS, timeout=self.check_syntax)
        self._clock = QTimer(self, interval=100, timeout=self._tick)
        self.editor.textChanged.connect(self._text_changed)
        self.editor.cursorPositionChanged.connect(self._show_position)
        self.editor.historyRequested.connect(self.step_history)
        self._show_empty()
        self._update_controls()
        self._show_position()

    # ------------------------------------------------------------------ building
    def _build_questions(self) -> QWidget:
        self.questions_pane = QuestionsPane(self)
        self.questions = self.questions_pane.tree
        self.description = self.questions_pane.description
        self.save_button = self.questions_pane.save_button
        self.delete_button = self.questions_pane.delete_button
        self.questions_pane.chosen.connect(self.load_question)
        self.questions_pane.runRequested.connect(lambda query: (self.load_question(query), self.run()))
        self.questions_pane.saveRequested.connect(lambda: self.save_query())
        self.questions_pane.message.connect(self.message)
        return self.questions_pane

    def _build_editor(self) -> QWidget:
        pane = QWidget(self)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.run_button = QPushButton("▶  Run")
        self.run_button.setAccessibleName("Run the query")
        self.run_button.setToolTip("Run the query on the open map (Ctrl+Enter)")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(lambda: self.run())
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the query")
        self.cancel_button.setToolTip("Stop the running query (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        self.history_button = QToolButton()
        self.history_button.setText("History")
        self.history_button.setAccessibleName("Query history")
        self.history_button.setToolTip("Queries you ran before (Alt+Up and Alt+Down in the editor)")
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_menu = QMenu(self.history_button)
        self.history_menu.setToolTipsVisible(True)
        self.history_menu.aboutToShow.connect(self._fill_history_menu)
        self.history_button.setMenu(self.history_menu)
        self.network_box = QCheckBox("Allow network")
        self.network_box.setAccessibleName("Allow queries to use the network")
        self.network_box.setToolTip(
            "Let queries reach other servers (SERVICE, LOAD, FROM a web address). "
            "Off by default: such a query could send map data elsewhere or wait on a slow server."
        )
        self.network_box.setChecked(self.allow_network())
        self.network_box.toggled.connect(self.set_allow_network)
        self.map_only_box = QCheckBox("Map only")
        self.map_only_box.setAccessibleName("Query the map alone, without the ontology")
        self.map_only_box.setToolTip(
            "The map alone is the default graph: counts and updates are the map's own, and DROP ALL empties "
            f"the map. The ontology stays readable by name: GRAPH <{ONTOLOGY_GRAPH}> {{ … }}."
        )
        self.map_only_box.setChecked(self.map_only())
        self.map_only_box.toggled.connect(self.set_map_only)
        bar.addWidget(self.run_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.history_button)
        bar.addStretch(1)
        bar.addWidget(self.map_only_box)
        bar.addWidget(self.network_box)
        layout.addLayout(bar)
        self.editor = CodeEditor(pane)
        self.editor.setAccessibleName("SPARQL query")
        self.editor.setPlaceholderText(PLACEHOLDER)
        self.highlighter = SparqlHighlighter(self.editor.document())
        layout.addWidget(self.editor, 1)
        status = QHBoxLayout()
        status.setSpacing(8)
        self.status = muted(StatusLine())
        self.status.setAccessibleName("Query check")
        self.position = muted(plain(name="Cursor position", wrap=False))
        status.addWidget(self.status, 1)
        status.addWidget(self.position, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(status)
        pane.setMinimumWidth(280)
        return pane

    def _build_results(self) -> QWidget:
        pane = QWidget(self)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.summary = plain(name="Result summary", wrap=False)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bold = self.summary.font()
        bold.setBold(True)
        self.summary.setFont(bold)
        self.graph_button = QPushButton("Show Graph")
        self.graph_button.setAccessibleName("Show the result as a graph")
        self.graph_button.setToolTip("Open the constructed triples as a graph in a new window")
        self.graph_button.clicked.connect(self.show_graph)
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setAccessibleName("Export the results")
        self.export_button.setToolTip(
            "Save the results as CSV, TSV, SPARQL results JSON or XML (graphs: Turtle, N-Triples, JSON-LD)"
        )
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self.export_button)
        self.export_menu.aboutToShow.connect(self._fill_export_menu)
        self.export_button.setMenu(self.export_menu)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.graph_button)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Query running")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        layout.addWidget(self.progress)

        self.pages = QStackedWidget()
        self.empty = muted(plain(EMPTY_HINT, name="No results yet"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_page = QFrame()
        empty_page.setFrameShape(QFrame.Shape.StyledPanel)
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.addWidget(self.empty)
        self.pages.addWidget(empty_page)

        self.model = ResultsModel(self)
        self.table = ResultsTable()
        self.table.setAccessibleName("Query results")
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._rows_chosen)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.pages.addWidget(self.table)

        answer_page = QFrame()
        answer_page.setFrameShape(QFrame.Shape.StyledPanel)
        answer_layout = QVBoxLayout(answer_page)
        answer_layout.addStretch(1)
        self.answer = plain(name="Answer")
        self.answer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big = self.answer.font()
        big.setPointSizeF(big.pointSizeF() * 2.6)
        big.setBold(True)
        self.answer.setFont(big)
        self.answer_note = muted(plain(name="Answer note"))
        self.answer_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        answer_layout.addWidget(self.answer)
        answer_layout.addWidget(self.answer_note)
        answer_layout.addStretch(2)
        self.pages.addWidget(answer_page)

        message_page = QFrame()
        message_page.setFrameShape(QFrame.Shape.StyledPanel)
        message_layout = QVBoxLayout(message_page)
        message_layout.setContentsMargins(16, 14, 16, 14)
        self.message_title = plain(name="Message")
        font = self.message_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.message_title.setFont(font)
        self.message_detail = plain(name="Message detail")
        self.message_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        message_layout.addWidget(self.message_title)
        message_layout.addWidget(self.message_detail)
        message_layout.addStretch(1)
        self.pages.addWidget(message_page)
        layout.addWidget(self.pages, 1)
        pane.setMinimumWidth(280)
        return pane

    # -------------------------------------------------------------------- map
    def show_map(self, opened: OpenMap | None) -> None:
        """The open map (None when closed): stops a running query, closes the old map's service, clears the results."""
        document = opened.document if opened is not None else None
        if self.running:
            self.cancel()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.document = document
        self._close_service()
        self._generation = 0
        self.outcome = None
        self._discard_graph()
        if document is not None:
            # A revert replaces the whole map: an update worked out before it must not be applied after it.
            unsubscribers = [
                document.events.subscribe(GraphChanged, self._map_changed),
                document.events.subscribe(DocumentReloaded, self._map_changed),
            ]
            self._unsubscribe = lambda: [unsubscribe() for unsubscribe in unsubscribers]
            self._vocabulary_of = None
            if self.isVisible():
                self.prepare()
        else:
            self.editor.set_completions([(k, "keyword") for k in KEYWORDS])
        self.model.clear()
        self._show_empty()
        self._update_controls()
        self.check_syntax()

    def _map_changed(self, _event) -> None:
        self._generation += 1

    @property
    def service(self):
        """The query service for the open map (None without a map), made on first use."""
        if self.document is None:
            return None
        if self._service is None:
            service_module, _ = _sparql()
            self._service = service_module.QueryService(
                self.document, allow_network=self.allow_network(), include_ontology=not self.map_only()
            )
            self._prepared = False
        return self._service

    def _close_service(self) -> None:
        """Stop the service's engine processes (a query still running on it ends as cancelled)."""
        self._stop_check()
        service, self._service = self._service, None
        if service is not None:
            service.close()

    def shutdown(self) -> None:
        """Cancel any query and stop the engines: the app is quitting."""
        self.cancel()
        self._close_service()

    def prepare(self) -> None:
        """Copy the map into the query engine in the background, so the first query answers at once.

        Done when the console is first shown with a map open, not at every map
        open: the engine is a process of its own, worth starting only for someone who queries.
        The editor's completions are read then too: on a 100k-node map that is 0.3 s of the
        interpreter's time, taken from the window's first seconds when done at every open.
        """
        if self.document is not None and self._vocabulary_of is not self.document:
            self._vocabulary_of = self.document
            self._load_vocabulary()
        service = self.service
        if service is None or getattr(self, "_prepared", False):
            return
        self._prepared = True
        run_task(
            "Preparing the query engine",
            lambda progress: service.prepare(),
            parent=self,
            on_failure=lambda error: setattr(self, "_prepared", False),
        )

    def _names(self) -> TermNames:
        window = self.window_
        prefixes = {}
        try:
            prefixes = dict(self.service.prefixes) if self.service is not None else {}
        except ExplorerError:
            prefixes = {}
        if not prefixes and self.document is not None:
            prefixes = dict(self.document.prefixes)
        return TermNames(getattr(window, "projection", None), getattr(window, "schema", None), prefixes)

    def _load_vocabulary(self) -> None:
        """Fill the completer from the ontology and the map, off the UI thread (a big map takes a moment)."""
        document = self.document
        try:
            prefixes = dict(self.service.prefixes)
        except ExplorerError:
            prefixes = dict(document.prefixes)

        def done(words) -> None:
            if self.document is document:
                self.editor.set_completions(words)

        def failed(error) -> None:
            if self.document is document:
                self.editor.set_completions([(f"{p}:", f"prefix · {ns}") for p, ns in prefixes.items()])

        self._vocabulary_task = run_task(
            "Reading the map's vocabulary",
            lambda progress: vocabulary(document.store, prefixes),
            parent=self,
            on_success=done,
            on_failure=failed,
        )

    # ---------------------------------------------------------------- settings
    @staticmethod
    def allow_network() -> bool:
        return settings().value(NETWORK_KEY, False, type=bool)

    def set_allow_network(self, allowed: bool) -> None:
        """Remember the choice; the next query runs under it."""
        settings().setValue(NETWORK_KEY, bool(allowed))
        if self.network_box.isChecked() != bool(allowed):
            self.network_box.setChecked(bool(allowed))
        if self._service is not None and self._service.allow_network != bool(allowed):
            # The box is disabled while a query runs, so no running query loses its engine here.
            self._close_service()
        self.message.emit("Queries may now reach the network." if allowed else "Queries are kept off the network.")
        self.check_syntax()

    @staticmethod
    def map_only() -> bool:
        return settings().value(MAP_ONLY_KEY, False, type=bool)

    def set_map_only(self, on: bool) -> None:
        """Remember whether queries see the map alone; the next query runs under it."""
        settings().setValue(MAP_ONLY_KEY, bool(on))
        if self.map_only_box.isChecked() != bool(on):
            self.map_only_box.setChecked(bool(on))
        if self._service is not None and self._service.include_ontology == bool(on):
            self._close_service()  # disabled while a query runs, as the network box
        self.message.emit(
            "Queries see the map alone; the ontology by name." if on else "Queries see the map and the ontology."
        )
        self.check_syntax()

    # ---------------------------------------------------------------- questions
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.document is not None:
            self.prepare()

    def question(self, item=None):
        """The SavedQuery of a question's tree item (default: the current one), or None."""
        return self.questions_pane.query(item)

    def find_question(self, name_or_title: str):
        """The tree item of the question named (file stem) or titled ``name_or_title``, or None."""
        return self.questions_pane.find(name_or_title)

    def load_question(self, query) -> None:
        """Put a saved question in the editor (one undoable edit) and describe it."""
        self._current_question = query
        if self.editor.toPlainText() != query.text:
            self.editor.replace_text(query.text)
        self.questions_pane.show_query(query)
        self._history_index = -1
        self.check_syntax()

    def save_query(self, title: str | None = None, description: str | None = None):
        """Save the editor's query as the user's own (asks for a title when none is given); returns the SavedQuery."""
        text = self.editor.toPlainText()
        if not text.strip():
            self._show_message("Nothing to save", "Write a query first, then save it as your own.")
            return None
        saved = self.questions_pane.save(text, title, description, base=self._current_question)
        if saved is not None:
            self._current_question = saved
        return saved

    def delete_query(self, query=None, *, ask: bool = True) -> bool:
        """Delete one of the user's own queries (after asking); the saved questions that ship with the app stay."""
        query = query if query is not None else self.question()
        deleted = self.questions_pane.delete(query, ask=ask)
        if deleted and self._current_question is not None and Path(self._current_question.path) == Path(query.path):
            self._current_question = None
        return deleted

    # ------------------------------------------------------------------ history
    def history(self) -> list[str]:
        """Queries run before, newest first (kept in the settings)."""
        value = settings().value(HISTORY_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or []) if str(v).strip()]

    def _remember(self, text: str) -> None:
        if len(text) > HISTORY_ENTRY_LIMIT:
            return  # a pasted data dump would bloat the settings file
        entries = [text] + [t for t in self.history() if t != text]
        settings().setValue(HISTORY_KEY, entries[:HISTORY_LIMIT])
        self._history_index = -1

    def step_history(self, step: int) -> None:
        """Show an older (``step`` -1) or newer (+1) query from the history; past the newest, the draft comes back."""
        entries = self.history()
        if not entries:
            self.message.emit("No query history yet.")
            return
        if self._history_index == -1:
            self._draft = self.editor.toPlainText()
        index = self._history_index - step  # older is further down the list
        index = max(-1, min(index, len(entries) - 1))
        if index == self._history_index:
            return
        self._history_index = index
        text = self._draft if index == -1 else entries[index]
        self.editor.replace_text(text)
        self._history_index = index  # replace_text's change must not reset the walk
        self.status.setText(f"History {index + 1} of {len(entries)}" if index >= 0 else "Back to your draft")

    def _fill_history_menu(self) -> None:
        self.history_menu.clear()
        entries = self.history()
        if not entries:
            self.history_menu.addAction("No queries run yet").setEnabled(False)
            return
        for index, text in enumerate(entries[:25]):
            action = self.history_menu.addAction(summary_line(text).replace("&", "&&"))
            action.setToolTip(safe_tooltip("Query", text[:1500]))
            action.triggered.connect(lambda checked=False, t=text, i=index: self._load_history(t, i))
        self.history_menu.addSeparator()
        self.history_menu.addAction("Clear History", lambda: settings().setValue(HISTORY_KEY, []))

    def _load_history(self, text: str, index: int) -> None:
        if self._history_index == -1:
            self._draft = self.editor.toPlainText()
        self.editor.replace_text(text)
        self._history_index = index

    # ------------------------------------------------------------------ checking
    def _text_changed(self) -> None:
        self._history_index = -1  # typing leaves the history walk (step_history sets it again after its own edit)
        self._check_timer.start()

    def check_syntax(self):
        """Parse the editor's query off the UI thread; then mark a syntax error or say what kind of query it is.

        rdflib's parser takes 20-150 ms on a saved question, and minutes on some
        pasted texts: the service reads it in a checker process, and this thread
        only waits for the answer in a worker, so typing never waits for it. A
        newer check, a run or another map stops the check before (its process is
        killed). Returns the checking Task (None when there is nothing to parse).
        """
        self._check_timer.stop()
        self._stop_check()
        text = self.editor.toPlainText()
        self._check_seq += 1
        if self.running:
            return None
        if not text.strip():
            self.editor.clear_error()
            self._set_status(EMPTY_HINT if self.document is not None else NO_MAP_HINT)
            return None
        try:
            service = self.service
        except ExplorerError as error:
            self.editor.clear_error()
            self._set_status(str(error), ERROR_COLOUR)
            return None
        if service is None:
            self.editor.clear_error()
            self._set_status(NO_MAP_HINT)
            return None
        seq = self._check_seq
        cancel = self._check_cancel = threading.Event()
        task = run_task("Checking the query", lambda progress: service.kind(text, cancel=cancel), parent=self)
        task.succeeded.connect(lambda kind: self._checked(seq, text, kind, None))
        task.failed.connect(lambda error: self._checked(seq, text, None, error))
        task.ended.connect(task.deleteLater)
        return task

    def _stop_check(self) -> None:
        """Stop the check under way, if any: its text is no longer the one to check."""
        cancel, self._check_cancel = self._check_cancel, None
        if cancel is not None:
            cancel.set()

    def _checked(self, seq: int, text: str, kind, error) -> None:
        if seq != self._check_seq or text != self.editor.toPlainText() or self.running:
            return  # the user typed on, or a run took over: a newer check will follow
        service_module, _ = _sparql()
        if isinstance(error, service_module.QuerySyntaxError):
            self._mark_syntax_error(error)
            return
        self.editor.clear_error()
        if isinstance(error, service_module.QueryRefused):
            self._set_status(str(error), WARNING_COLOUR)
        elif error is not None:
            self._set_status(
                str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}", ERROR_COLOUR
            )
        else:
            verb = {
                "update": "An update (it changes the map; Undo takes it back)",
                "construct": "A CONSTRUCT query (its result opens as a graph)",
                "describe": "A DESCRIBE query (its result opens as a graph)",
                "ask": "An ASK query (the answer is yes or no)",
            }
            self._set_status(f"{verb.get(kind, str(kind).upper() + ' query')} · Ctrl+Enter runs it", None)

    def _mark_syntax_error(self, error) -> None:
        line, column = getattr(error, "line", None) or 1, getattr(error, "column", None) or 1
        message = str(error)
        self.editor.set_error(line, column, message)
        where = f"Line {line}, column {column}"
        self._set_status(message if where.lower() in message.lower() else f"{where}: {message}", ERROR_COLOUR)

    def _set_status(self, text: str, colour: str | None = None) -> None:
        self.status.set_full_text(text)
        self.status.setToolTip(safe_tooltip("Query check", text[:2000]) if text else "")
        self.status.setStyleSheet(f"color: {colour};" if colour else "")

    def _show_position(self) -> None:
        cursor = self.editor.textCursor()
        self.position.setText(f"Ln {cursor.blockNumber() + 1}, Col {cursor.positionInBlock() + 1}")

    # ------------------------------------------------------------------- running
    @property
    def running(self) -> bool:
        return (
            self.task is not None
            and not self.task.done
            and self._cancel_event is not None
            and not self._cancel_event.is_set()
        )

    def run(self, text: str | None = None):
        """Run ``text`` (default: the editor's query) in a worker thread; returns the Task (None if nothing ran)."""
        if text is not None and text != self.editor.toPlainText():
            self.editor.replace_text(text)
        text = self.editor.toPlainText()
        if self.document is None:
            self._show_message("No map is open", "Open a map first; the query runs on the open map.")
            return None
        if not text.strip():
            self._show_message("Nothing to run", EMPTY_HINT)
            return None
        if self.running:
            self.message.emit("A query is already running: wait for it or press Esc to cancel it.")
            return None
        try:
            service = self.service
        except ExplorerError as error:
            self._show_message("The query service is not available", str(error))
            return None
        self._remember(text)
        self._check_timer.stop()
        self._stop_check()  # the run reads the text itself
        self.editor.clear_error()
        document = self.document
        cancel = threading.Event()
        title = (
            self._current_question.title
            if self._current_question is not None and self._current_question.text == text
            else summary_line(text)
        )
        generation = self._generation

        def work(progress):
            outcome = service.run(text, cancel=cancel)
            graph = None
            if outcome.kind == "graph" and outcome.triples and not cancel.is_set():
                from explorer.ui.sparql.graph import build_graph_result

                graph = build_graph_result(outcome.triples, document.store, title=title, cancelled=cancel.is_set)
            return outcome, graph

        if self.task is not None and self.task.done:
            self.task.deleteLater()  # one finished run is kept (for its result and error), older ones go
        self._cancel_event = cancel
        self._started = time.monotonic()
        task = run_task("Running the query", work, parent=self)
        self.task = task
        task.succeeded.connect(lambda result: self._succeeded(task, result, document, generation, title))
        task.failed.connect(lambda error: self._failed(task, error))
        task.cancelled.connect(lambda: self._cancelled_by_service(task))
        task.ended.connect(lambda: self._ended(task))
        self._set_running(True)
        return task

    def cancel(self) -> None:
        """Stop the running query; the console is ready again at once (the worker unwinds by itself)."""
        if self.task is None or self.task.done or self._cancel_event is None or self._cancel_event.is_set():
            return
        self._cancel_event.set()
        self._set_running(False)
        self._show_message("Query cancelled", "The query was stopped before it finished; the map is unchanged.")
        self.summary.setText("Cancelled")
        self.message.emit("Query cancelled.")
        self.finished.emit(None)

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        if running:
            self._clock.start()
            self.summary.setText("Running…")
            self.summary.setStyleSheet("")
        else:
            self._clock.stop()
        self._update_controls()

    def _tick(self) -> None:
        if self.running:
            self.summary.setText(f"Running… {time.monotonic() - self._started:.1f} s")

    def _current(self, task) -> bool:
        """Whether ``task`` is the run the console waits for (not one cancelled or replaced)."""
        return task is self.task and self._cancel_event is not None and not self._cancel_event.is_set()

    def _succeeded(self, task, result, document, generation, title) -> None:
        outcome, graph = result
        if not self._current(task) or self.document is not document:
            if graph is not None:
                graph.close()
            return
        self._set_running(False)
        self.outcome = outcome
        self._discard_graph()
        if outcome.kind == "update":
            self._apply_update(outcome, generation)
        elif outcome.kind == "ask":
            self._show_answer(outcome)
        elif outcome.kind == "graph":
            self.graph_result = graph
            self._graph_title = title
            self._show_table(("subject", "predicate", "object"), outcome.triples, outcome)
            if graph is not None:
                self.show_graph()
        else:
            self._show_table(outcome.variables, outcome.rows, outcome)
        self._update_controls()
        self.finished.emit(outcome)

    def _failed(self, task, error) -> None:
        if not self._current(task):
            return
        self._set_running(False)
        self.outcome = None
        service_module, _ = _sparql()
        if isinstance(error, service_module.Cancelled):
            self._show_message("Query cancelled", str(error))
        elif isinstance(error, service_module.QuerySyntaxError):
            self._mark_syntax_error(error)
            self._show_message("The query has a syntax error", str(error))
            self.summary.setText("Syntax error")
        elif isinstance(error, service_module.QueryRefused):
            hint = (
                "" if self.allow_network() else "\n\nTo allow it in this window, tick “Allow network” above the editor."
            )
            self._show_message("The query was refused", str(error) + hint)
            self.summary.setText("Refused")
        elif isinstance(error, ExplorerError):
            self._show_message("The query could not run", str(error))
            self.summary.setText("Failed")
        else:
            detail = getattr(error, "__traceback_text__", "")
            self._show_message("The query failed unexpectedly", f"{type(error).__name__}: {error}\n\n{detail[-2000:]}")
            self.summary.setText("Failed")
        self.summary.setStyleSheet(f"color: {ERROR_COLOUR};")
        self._update_controls()
        self.finished.emit(None)

    def _cancelled_by_service(self, task) -> None:
        """The service ended the query as cancelled although the console did not ask (its engine was stopped)."""
        if not self._current(task):
            return
        self._set_running(False)
        self.outcome = None
        self._show_message("Query cancelled", "The query engine stopped before the query finished; run it again.")
        self.summary.setText("Cancelled")
        self.finished.emit(None)

    def _ended(self, task) -> None:
        if task is self.task and self.task.done:
            self._update_controls()
            if not self.editor.error:
                self.check_syntax()  # the status may describe an older text

    # ------------------------------------------------------------------- results
    def _show_empty(self) -> None:
        self.empty.setText(EMPTY_HINT if self.document is not None else NO_MAP_HINT)
        self.pages.setCurrentIndex(0)
        self.summary.setText("")
        self.summary.setStyleSheet("")

    def _show_message(self, title: str, detail: str) -> None:
        self.message_title.setText(title)
        self.message_detail.setText(detail)
        self.pages.setCurrentIndex(3)

    def _summary_of(self, outcome, count: int, noun: str) -> str:
        text = outcome.message or f"{count:,} {noun}{'s' if count != 1 else ''} in {outcome.elapsed:.2f} s"
        return text

    def _show_table(self, variables, rows, outcome) -> None:
        self.model.set_table(variables, rows, self._names())
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.fit_columns()
        noun = "triple" if outcome.kind == "graph" else "row"
        self.summary.setText(self._summary_of(outcome, len(rows), noun))
        self.summary.setStyleSheet(f"color: {WARNING_COLOUR};" if outcome.truncated else "")
        self.summary.setToolTip(safe_tooltip("Result", self.summary.text()))
        if rows:
            self.pages.setCurrentIndex(1)
        else:
            self._show_message(
                "No results",
                "The query ran and matched nothing in this map."
                if outcome.kind != "graph"
                else "The query ran and constructed no triples.",
            )

    def _show_answer(self, outcome) -> None:
        self.answer.setText("Yes" if outcome.boolean else "No")
        self.answer.setStyleSheet(f"color: {'#2e8b57' if outcome.boolean else ERROR_COLOUR};")
        self.answer_note.setText(
            "The map answers yes to this question." if outcome.boolean else "The map answers no to this question."
        )
        self.summary.setText(outcome.message or f"ASK answered in {outcome.elapsed:.2f} s")
        self.summary.setStyleSheet("")
        self.pages.setCurrentIndex(2)

    def _apply_update(self, outcome, generation: int) -> None:
        command = outcome.command
        window = self.window_
        self.summary.setStyleSheet("")
        if command is None or command.is_empty:
            self.summary.setText("No change")
            self._show_message(
                "The update changed nothing", "Nothing in the map matched what the update removes or adds."
            )
            return
        if generation != self._generation:
            self.summary.setText("Not applied")
            self._show_message(
                "The update was not applied",
                "The map changed while the update ran, so its changes were worked out on an older map. Run it again.",
            )
            return
        if window is not None and getattr(window, "busy", False):
            self.summary.setText("Not applied")
            self._show_message(
                "The update was not applied", "The map is being saved. Run the update again once it is written."
            )
            return
        try:
            if window is not None and hasattr(window, "execute"):
                applied = window.execute(command)
            else:
                self.document.execute(command)
                applied = True
        except ExplorerError as error:
            applied = False
            self.message.emit(str(error))
        if not applied:
            self.summary.setText("Not applied")
            self._show_message("The update was not applied", "The map refused the change; the status bar says why.")
            return
        added, removed = len(command.added), len(command.removed)
        text = f"Added {added:,} and removed {removed:,} triple{'s' if added + removed != 1 else ''}"
        self.summary.setText(f"{text} in {outcome.elapsed:.2f} s")
        self._show_message(
            f"The update changed the map: {text.lower()}.",
            f"{outcome.message} It is one step on the undo stack: Edit ▸ Undo (Ctrl+Z) takes it back.".strip(),
        )
        self.message.emit(f"SPARQL update: {text.lower()}.")

    def _discard_graph(self) -> None:
        if self.graph_result is not None:
            # The windows showing it own it now; only a result never shown is closed here.
            if not any(w.result is self.graph_result for w in self.graph_windows):
                self.graph_result.close()
            self.graph_result = None

    def show_graph(self):
        """Open the last graph result in a window of its own (again, if it was closed); returns the window."""
        if self.graph_result is None:
            return None
        from explorer.ui.sparql.graph import GraphResultWindow

        for existing in self.graph_windows:
            if existing.result is self.graph_result:
                existing.show()
                existing.raise_()
                return existing
        window = GraphResultWindow(
            self.graph_result, getattr(self, "_graph_title", "Query result"), self.window_ or self
        )
        window.setWindowFlag(Qt.WindowType.Window, True)
        window.destroyed.connect(lambda *_: self._forget_window(window))
        self.graph_windows.append(window)
        window.show()
        return window

    def _forget_window(self, window) -> None:
        if window in self.graph_windows:
            self.graph_windows.remove(window)

    def _rows_chosen(self, *_):
        """Select the nodes named in the chosen rows on the canvas, and bring the first into view."""
        rows = self.table.selected_rows()
        window = self.window_
        canvas = getattr(window, "canvas", None)
        if not rows or canvas is None or canvas.projection is None:
            return
        nodes = self.model.nodes_in_rows(rows)
        if not nodes:
            self.message.emit("These rows name no node of the map.")
            return
        if canvas.visible_nodes is not None and not set(nodes) <= canvas.visible_nodes:
            canvas.set_visible_nodes(canvas.visible_nodes | set(nodes))
        canvas.select(nodes, centre=True)
        self.message.emit(f"Selected {len(nodes)} node{'s' if len(nodes) != 1 else ''} on the map.")

    def _table_menu(self, pos) -> None:
        menu = QMenu(self)
        copy = menu.addAction("Copy", self.table.copy_selection)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        menu.addAction("Copy IRIs", self.copy_iris)
        menu.addSeparator()
        menu.addAction("Select All Result Nodes on the Map", self.select_all_nodes)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def copy_iris(self) -> str:
        """The IRIs in the selected rows, one per line, on the clipboard."""
        from PySide6.QtWidgets import QApplication

        iris = []
        for row in self.table.selected_rows():
            iris.extend(str(t) for t in self.model.row_terms(row) if isinstance(t, URIRef) and str(t) not in iris)
        text = "\n".join(iris)
        if text:
            QApplication.clipboard().setText(text + "\n")
        return text

    def select_all_nodes(self) -> list:
        nodes = self.model.nodes_in_rows(range(self.model.rowCount()))
        canvas = getattr(self.window_, "canvas", None)
        if nodes and canvas is not None:
            if canvas.visible_nodes is not None:
                canvas.set_visible_nodes(canvas.visible_nodes | set(nodes))
            canvas.select(nodes)
            canvas.fit(nodes)
        return nodes

    # -------------------------------------------------------------------- export
    def export_formats(self) -> dict:
        """The formats the current result can be saved in (key -> menu text, extension, filter)."""
        if self.outcome is None:
            return {}
        if self.outcome.kind == "graph":
            return GRAPH_EXPORTS
        if self.outcome.kind in ("select", "ask"):
            return TABLE_EXPORTS
        return {}

    def _fill_export_menu(self) -> None:
        self.export_menu.clear()
        for key, (text, _, _) in self.export_formats().items():
            self.export_menu.addAction(text, lambda k=key: self.export(k))

    def export(self, fmt: str, path=None) -> Path | None:
        """Write the current result as ``fmt`` to ``path`` (asks for a file when None); returns the path written."""
        formats = self.export_formats()
        if fmt not in formats:
            return None
        _, extension, file_filter = formats[fmt]
        if path is None:
            start = str(Path.home() / f"query-results.{extension}")
            chosen, _ = QFileDialog.getSaveFileName(self, "Export results", start, file_filter)
            if not chosen:
                return None
            path = Path(chosen)
            if not path.suffix:
                path = path.with_suffix(f".{extension}")
        path = Path(path)
        try:
            data = self.outcome.serialize(fmt)
            atomic_write(path, data)
        except ExplorerError as error:
            QMessageBox.warning(self, "Cannot export the results", safe_text(f"{path}\n\n{error}"))
            return None
        self.message.emit(f"Exported the results to {path.name}.")
        return path

    # ------------------------------------------------------------------ controls
    def _update_controls(self) -> None:
        has_map = self.document is not None
        running = self.running
        self.run_button.setEnabled(has_map and not running)
        self.cancel_button.setEnabled(running)
        self.cancel_button.setVisible(running)
        self.network_box.setEnabled(not running)
        self.map_only_box.setEnabled(not running)
        self.export_button.setEnabled(bool(self.export_formats()) and not running)
        self.graph_button.setVisible(self.outcome is not None and self.outcome.kind == "graph")
        self.graph_button.setEnabled(self.graph_result is not None)
        if self.act_cancel is not None:
            self.act_cancel.setEnabled(running)
        if self.act_run is not None:
            self.act_run.setEnabled(has_map)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == event.Type.PaletteChange:
            self.highlighter.apply_theme()
        super().changeEvent(event)

    def show_console(self) -> None:
        """Show the console's dock and put the cursor in the editor."""
        dock = self.parentWidget()
        while dock is not None and not hasattr(dock, "toggleViewAction"):
            dock = dock.parentWidget()
        if dock is not None:
            dock.show()
            dock.raise_()
        self.editor.setFocus()

    def run_from_action(self):
        """Run (Ctrl+Enter): bring the console up if it is hidden, then run its query."""
        dock = self.parentWidget()
        if dock is not None and not dock.isVisible():
            self.show_console()
        return self.run()

    def run_from_menu(self, query) -> None:
        """Load a saved question chosen from the Query menu, show the console and run it."""
        self.show_console()
        self.load_question(query)
        self.run()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(1200, 300)


def _fill_questions_menu(menu: QMenu, console: SparqlConsole) -> None:
    menu.clear()
    try:
        queries = library().builtin_queries()
    except (ExplorerError, ImportError) as error:
        menu.addAction(one_line(str(error), 80)).setEnabled(False)
        return
    for query in queries:
        action = menu.addAction(one_line(query.title, 80).replace("&", "&&"), lambda q=query: console.run_from_menu(q))
        action.setStatusTip(one_line(query.description, 200))
        action.setEnabled(console.document is not None)


def install(window: MapHost) -> SparqlConsole:
    """Add the SPARQL console to ``window``.

    It adds a dock at the bottom (hidden until asked for), a Query menu and a panel entry.
    """
    console = SparqlConsole(window)
    dock = window.add_dock("SPARQL", "sparql", console, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.setAccessibleName("SPARQL console panel")
    # Hidden at first: on a laptop screen the canvas needs the height; the Query menu and Ctrl+Shift+Q bring it up.
    dock.hide()
    console.dock = dock
    window.menus["panels"].addAction(dock.toggleViewAction())

    menu = QMenu("&Query", window)
    window.add_menu("query", menu)
    act_run = window.add_action(
        "&Run Query",
        console.run_from_action,
        [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
        "Run the query in the SPARQL console on the open map",
        needs_map=True,
    )
    act_cancel = window.add_action(
        "&Cancel Query", console.cancel, QKeySequence(Qt.Key.Key_Escape), "Stop the running query"
    )
    act_show = window.add_action(
        "Show SPARQL &Console",
        console.show_console,
        QKeySequence("Ctrl+Shift+Q"),
        "Ask the map a question in SPARQL, or start from a saved question",
    )
    act_cancel.setEnabled(False)
    console.act_run, console.act_cancel = act_run, act_cancel
    menu.addAction(act_show)
    menu.addSeparator()
    menu.addActions([act_run, act_cancel])
    menu.addSeparator()
    questions = menu.addMenu("Saved &Questions")
    questions.aboutToShow.connect(lambda: _fill_questions_menu(questions, console))
    console.message.connect(lambda text: window.show_status(text, 6000))
    window.mapShown.connect(console.show_map)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(console.shutdown)
    return console
