"""The Checks dock: what the map still lacks (the shapes' findings and the analysis's missing inputs), grouped by
node or by importance, each entry one click (or Enter) from its node on the canvas.

The checks come from :mod:`explorer.analysis.checks`. SHACL on a big map takes seconds of pure Python, which on
a thread would hold the GIL and make the window stutter, so the panel copies the map (a quick native dump, about
75 ms at 10k nodes) and checks the copy in a child process (:class:`~explorer.ui.common.process_run.ProcessRun`).
Edits restart the wait (a debounce). A check they catch just started is killed, since its result is stale before
it shows; one that has been running longer is let finish, so that on a big map (a 10k check takes about 30 s)
someone editing every half minute still sees results: they show dimmed, "from before your last edit", and the
next check starts at once. Closing the map or opening another kills a running check. While a check is due or
running the list is greyed out under "Checking…". Nothing starts while the dock is hidden.

Examples
--------
>>> panel = ChecksPanel()
>>> panel.show_map(None)
>>> panel.status.text(), panel.placeholder
('No map open', 'No map open')
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from rdflib import BNode, URIRef

from explorer.analysis.checks import SEVERITY_TITLES, ChecksReport, checks_in_process, snapshot
from explorer.core.events import DocumentReloaded, GraphChanged
from explorer.core.graph_view import census
from explorer.core.text import clipped, one_line
from explorer.core.validation import graphs_besides_the_map, nothing_checked_note
from explorer.ui.common.host import MAP_DETAILS_ACTION, MapHost, OpenMap
from explorer.ui.common.process_run import ProcessRun
from explorer.ui.common.text import tooltip_html
from explorer.ui.common.theme import paint_placeholder

#: Item data role of a row's node: the focus IRI as text.
FOCUS_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: Item data role of a row's tooltip text, as (title, body) of plain text.
TIP_ROLE = int(Qt.ItemDataRole.UserRole) + 2
#: Item data role of a row about the map itself (its title, authors…): True; a click opens the map's details.
MAP_ROLE = int(Qt.ItemDataRole.UserRole) + 3

NO_MAP = "No map open"
CHECKING = "Checking…"
#: Leads the summary of a result the user has edited the map since: it shows, dimmed, while the next check runs.
STALE = "From before your last edit"
ALL_GOOD = "Nothing missing: every shape is satisfied and the analysis has all its inputs."
ALL_GOOD_NO_CHANGE = (
    "Nothing missing: every shape is satisfied. Add a change proposal and this list also shows what its analysis needs."
)
#: The summary of a map whose map graph is empty: the shapes had nothing to check (the list says what it holds).
NOTHING_CHECKED = "Nothing checked"
#: Ends the list's message when the map's data is in named graphs the notice above the canvas offers to show.
_CHECK_THEM = "To check them, show them with the notice above the map."
BY_NODE, BY_IMPORTANCE = "By node", "By importance"
_SOURCE_WORDS = {"shape": "From the map's rules", "analysis": "From the change analysis"}
#: Entries shown at most; a big map in progress can lack thousands of values, and the list must stay quick.
MAX_ROWS = 3_000
_LABEL_CLIP = 120
_CLICK_NODE = "Click to select it on the map"
_CLICK_MAP = "Click to edit the map's details"
_MESSAGE_CLIP = 400


class _Tree(QTreeView):
    """A tree with an empty-state message and tooltips made on demand (escaped: labels are map text)."""

    def __init__(self, panel: ChecksPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self.panel.placeholder and self.model().rowCount() == 0:
            paint_placeholder(self, self.panel.placeholder)

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ToolTip:
            index = self.indexAt(event.pos())
            tip = index.data(TIP_ROLE) if index.isValid() else None
            if tip:
                QToolTip.showText(event.globalPos(), tooltip_html(*tip), self.viewport(), self.visualRect(index))
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)


class ChecksPanel(QWidget):
    """The list of checks of the open map, kept current after edits.

    Signals
    -------
    nodeRequested(list)
        The user clicked an entry (or pressed Enter on it): the canvas keys to select, a node IRI or a tie key.
    detailsRequested()
        The user clicked an entry about the map itself ("This map: give the map a title…").
    checked(object)
        A current :class:`~explorer.analysis.checks.ChecksReport` is shown.
    """

    nodeRequested = Signal(object)
    #: The user clicked a check about the map itself (its title…): open the map's details.
    detailsRequested = Signal()
    checked = Signal(object)

    #: How long edits must pause before the map is checked again.
    DEBOUNCE_MS = 700

    def __init__(self, parent=None, projection_of=None) -> None:
        super().__init__(parent)
        self.opened: OpenMap | None = None
        # Where the canvas's projection is read when an entry is clicked: the host's, which a revert or a reload
        # from disk replaces without a new OpenMap (see keys_for). Alone, the panel reads the map it was shown.
        self._projection_of = projection_of or (lambda: self.opened.projection if self.opened is not None else None)
        self.stale = False  # what the list shows was checked before the last edit
        self.report: ChecksReport | None = None
        self.placeholder = NO_MAP
        self.active = True  # the dock shows it; install() follows the dock
        self._generation = 0  # counts edits: a result is current only for the generation it was started at
        self._task: ProcessRun | None = None
        self._running = QElapsedTimer()  # how long the running check has run
        self._due = False
        self._unsubscribe: list = []

        self.status = QLabel(NO_MAP, self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Checks summary")
        self.grouping = QComboBox(self)
        self.grouping.addItems([BY_NODE, BY_IMPORTANCE])
        self.grouping.setAccessibleName("Group checks")
        self.grouping.setToolTip("Group the checks by node, or by how much they matter")
        self.grouping.currentIndexChanged.connect(lambda _index: self._fill())
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.grouping)

        self.model = QStandardItemModel(self)
        self.tree = _Tree(self)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setWordWrap(True)
        self.tree.setAccessibleName("Checks")
        self.tree.setAccessibleDescription("What the map still lacks; press Enter on an entry to go to its node")
        self.tree.clicked.connect(self._go)
        self.tree.activated.connect(self._go)
        self.tree.selectionModel().currentChanged.connect(lambda current, _previous: self._detail_of(current))
        # The whole message of the entry in hand: a row shows one line of it.
        self.detail = QLabel("", self)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("Selected check")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)

        self._timer = QTimer(self, singleShot=True, interval=self.DEBOUNCE_MS, timeout=self._start)

    # ------------------------------------------------------------------ following the map
    def show_map(self, opened: OpenMap | None) -> None:
        """Follow the open map (``None``: no map)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self.opened = opened
        self._generation += 1
        self.report = None
        self.stale = False
        self._clear()
        self._stop()
        if opened is None:
            self._timer.stop()
            self._due = False
            self._say(NO_MAP, NO_MAP)
            return
        events = opened.document.events
        self._unsubscribe = [
            events.subscribe(GraphChanged, lambda _event: self.map_edited()),
            events.subscribe(DocumentReloaded, lambda _event: self.map_edited()),
        ]
        self._due = True
        self._say(CHECKING, "")
        self._timer.start(0)

    def map_edited(self) -> None:
        """The map changed: what is shown is stale until the map, quiet for a moment, has been checked again."""
        if self.opened is None:
            return
        self._generation += 1
        self._due = True
        self.tree.setEnabled(False)
        self.status.setText(CHECKING)
        self._timer.start(self.DEBOUNCE_MS)
        if self._task is not None and self._running.elapsed() <= self.DEBOUNCE_MS:
            self._stop()  # just started: the next check, after the pause, is nearly as soon and current

    def set_active(self, active: bool) -> None:
        """Check only while the dock shows: a hidden dock catches up when it is shown."""
        self.active = active
        if active and self._due and not self._timer.isActive():
            self._start()

    @property
    def busy(self) -> bool:
        """Whether a check is due or running (what is shown, if anything, is not current)."""
        return self._due or self._task is not None

    @property
    def check_pid(self) -> int | None:
        """The process id of the running check (None when none runs), for diagnostics and tests."""
        return self._task.pid if self._task is not None else None

    # ------------------------------------------------------------------ checking
    def _start(self) -> None:
        if self.opened is None or not self._due or not self.active or self._task is not None:
            return  # a running check starts the next one when it ends
        self._due = False
        generation, document = self._generation, self.opened.document
        data = snapshot(document)  # on this thread, so the copy is the map as it is now
        task = ProcessRun(
            checks_in_process, data, parent=self, name="routine-explorer-checks", suffix=".nq", what="check"
        )
        task.ended.connect(lambda: self._ended(generation, task))
        self._task = task.start()
        self._running.start()

    def _stop(self) -> None:
        """Kill the running check: its result would be stale, or about another map."""
        if self._task is not None:
            self._task.cancel()  # ended follows at once, and _ended forgets it

    def _ended(self, generation: int, task: ProcessRun) -> None:
        if self._task is task:
            self._task = None
        task.deleteLater()
        if task.cancelled:
            return  # by an edit, another map or Close Map, which start the next check themselves
        if task.error is not None:
            self._failed(generation, task.error.split("\n\n", 1)[0])  # the message, not the child's traceback
        else:
            self._show(generation, task.result)
        if self._due and not self._timer.isActive():
            self._start()

    def _current(self, generation: int) -> bool:
        return self.opened is not None and generation == self._generation

    def _show(self, generation: int, report: ChecksReport) -> None:
        if self.opened is None:
            return
        self.stale = not self._current(generation)  # an edit came after the copy: shown dimmed, the next is due
        self.report = report
        self._fill()
        if not self.stale:
            self.checked.emit(report)

    def _failed(self, generation: int, error: str) -> None:
        if not self._current(generation):
            return
        self.report = None
        self._clear()
        self._say(f"Could not check the map: {clipped(one_line(error), 300)}", "")

    # ------------------------------------------------------------------ the list
    def _clear(self) -> None:
        self.model.clear()
        self.detail.setText("")

    def _detail_of(self, index) -> None:
        tip = index.data(TIP_ROLE) if index.isValid() else None
        if not tip or "\n" not in tip[1]:  # a group row: its entries say more
            self.detail.setText("")
            return
        message, source = tip[1].rsplit("\n", 1)
        self.detail.setText(f"{clipped(one_line(tip[0]), 200)}\n{clipped(one_line(message), 600)} ({source.lower()})")

    def _say(self, status: str, placeholder: str) -> None:
        self.status.setText(status)
        self.placeholder = placeholder
        self.tree.setEnabled(True)
        self.tree.viewport().update()

    def _fill(self) -> None:
        report = self.report
        if report is None or (self._due and not self.stale):
            return  # nothing yet, or made stale by an edit: the next check fills the list
        self._clear()
        lead = f"{STALE}: " if self.stale else ""
        if report.nothing_checked:
            self._say(f"{lead}{NOTHING_CHECKED}", self._nothing_checked())
            return
        if not report.checks:
            self._say(f"{lead}Nothing missing", ALL_GOOD if report.changes else ALL_GOOD_NO_CHANGE)
            return
        by_node = self.grouping.currentText() == BY_NODE
        shown = report.checks[:MAX_ROWS]
        groups: dict = {}
        root = self.model.invisibleRootItem()
        for check in shown:
            key = check.focus if by_node else check.severity
            group = groups.get(key)
            if group is None:
                group = groups[key] = self._group(check, by_node)
                root.appendRow(group)
            group.appendRow(self._entry(check, by_node))
        for group in groups.values():
            group.setText(f"{group.text()}  ({group.rowCount():,})")
        if len(report.checks) > len(shown):
            more = QStandardItem(f"… and {len(report.checks) - len(shown):,} more: fill in these first")
            more.setEnabled(False)
            root.appendRow(more)
        if self.stale:
            self._dim(root)
        self._say(f"{lead}{report.summary()}{'. Checking again…' if self.stale else ''}", "")
        self.tree.expandAll()

    def _nothing_checked(self) -> str:
        """Why the list is empty when the map graph is: what the map holds instead, read from the open map.

        The check ran on a copy of the map graph alone, so the named graphs are counted here, once a check
        finds nothing to check.
        """
        document = self.opened.document if self.opened is not None else None
        if document is None:
            return ""
        note = nothing_checked_note(graphs_besides_the_map(document.store))
        hint = f" {_CHECK_THEM}" if census(document).needs_view else ""
        return f"{note[0].upper()}{note[1:]}.{hint}"

    def _dim(self, root: QStandardItem) -> None:
        """Grey out every entry under ``root``: they still lead to their nodes, but may be out of date."""
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for row in range(root.rowCount()):
            group = root.child(row)
            group.setForeground(grey)
            for child in range(group.rowCount()):
                group.child(child).setForeground(grey)

    def _group(self, check, by_node: bool) -> QStandardItem:
        if by_node:
            item = QStandardItem(clipped(one_line(check.focus_label), _LABEL_CLIP) or "(no name)")
            item.setData(check.focus, FOCUS_ROLE)
            item.setData(check.on_map, MAP_ROLE)
            item.setData((check.focus_label, _CLICK_MAP if check.on_map else _CLICK_NODE), TIP_ROLE)
        else:
            item = QStandardItem(SEVERITY_TITLES[check.severity])
            item.setIcon(self._icon(check.severity))
        item.setAccessibleText(item.text())
        return item

    def _entry(self, check, by_node: bool) -> QStandardItem:
        message = clipped(one_line(check.message), _MESSAGE_CLIP)
        label = clipped(one_line(check.focus_label), _LABEL_CLIP)
        text = message if by_node else f"{label}: {message}"
        item = QStandardItem(text)
        item.setIcon(self._icon(check.severity))
        item.setData(check.focus, FOCUS_ROLE)
        item.setData(check.on_map, MAP_ROLE)
        where = f"{check.path_label} of {check.focus_label}" if check.path_label else check.focus_label
        where = f"{check.focus_label} ({_CLICK_MAP.lower()})" if check.on_map else where
        item.setData(
            (f"{SEVERITY_TITLES[check.severity]}: {where}", f"{check.message}\n{_SOURCE_WORDS[check.source]}"), TIP_ROLE
        )
        item.setAccessibleText(f"{SEVERITY_TITLES[check.severity]}, {label}: {message}")
        return item

    def _icon(self, severity: str):
        pixmap = {
            "Violation": QStyle.StandardPixmap.SP_MessageBoxCritical,
            "Warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
        }.get(severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
        return self.style().standardIcon(pixmap)

    # ------------------------------------------------------------------ going to the node
    def keys_for(self, focus: str) -> list:
        """The canvas keys of ``focus`` (a node IRI, or the tie it names), or [] when the canvas does not draw it."""
        projection = self._projection_of() if self.opened is not None else None
        if projection is None or not focus:
            return []
        term = URIRef(focus) if ":" in focus else BNode(focus)
        if term in projection.nodes:
            return [term]
        for tie in projection.ties.values():
            if tie.tie == term:
                return [tie.key]
        return []

    def _go(self, index) -> None:
        focus = index.data(FOCUS_ROLE) if index.isValid() else None
        if not focus:
            return
        if index.data(MAP_ROLE):  # about the map itself, which no node on the canvas stands for
            self.detailsRequested.emit()
            return
        keys = self.keys_for(focus)
        if keys:
            self.nodeRequested.emit(keys)
        else:
            self.status.setText("That item is not on the canvas (a filter or a view of named graphs may hide it).")


def install(host: MapHost) -> ChecksPanel:
    """Add the Checks dock to ``host``: hidden at first; View > Show Checks (Ctrl+Shift+K) brings it up and puts
    the keyboard in its list, View > Panels > Checks shows or hides it.

    Clicking an entry selects its node on the canvas, centred, which also shows it in the inspector; an entry
    about the map itself ("This map: …") opens File > Map Details….
    """
    panel = ChecksPanel(projection_of=lambda: host.projection)
    # At the bottom, under the canvas: the widest place for a list of sentences.
    dock = host.add_dock("Checks", "checks", panel, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.setAccessibleName("Checks panel")
    dock.hide()  # the canvas needs the room on a laptop screen; the shortcut brings it up
    panel.dock = dock
    panel.set_active(False)
    dock.visibilityChanged.connect(panel.set_active)
    host.menus["panels"].addAction(dock.toggleViewAction())

    def show_checks() -> None:
        dock.show()
        dock.raise_()
        panel.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    panel.act_show = host.add_action(
        "Show &Checks", show_checks, QKeySequence("Ctrl+Shift+K"), "Show what the map still lacks, in plain words"
    )
    host.menus["view"].addAction(panel.act_show)
    panel.nodeRequested.connect(lambda keys: host.canvas.select(keys, centre=True))

    def open_details() -> None:
        # File > Map Details…, found by its name in the host's File menu: features never import each other.
        action = next((a for a in host.menus["file"].actions() if a.objectName() == MAP_DETAILS_ACTION), None)
        if action is not None and action.isEnabled():
            action.trigger()

    panel.detailsRequested.connect(open_details)
    host.mapShown.connect(panel.show_map)
    return panel


__all__ = ["ChecksPanel", "install"]
