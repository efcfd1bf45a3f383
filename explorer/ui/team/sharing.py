"""Team maps in the app: share a map to a server, open one from it, sync, see who changed what, revert.

``install(host, open_map=...)`` adds File > Share to Server…, File > Open from Server…,
File > Sync with Server (Ctrl+Alt+S), the Team History panel and a status-bar item that
says how far the open map is from the server ("3 changes to share · 2 to pull ·
1 conflict"), checked a few seconds after edits and on demand (click it).

Every request to the server runs in a worker thread (:mod:`explorer.ui.common.workers`),
with a progress dialog that can cancel what is long; a failure is said in one plain
message and the local map is kept as it was. What changes the open map (pulling others'
changes, resolving a conflict, a revert) runs where the map lives, on the UI thread, as
the core's :mod:`explorer.team.sync` asks. The connection (address, sign-in, read-only) is
asked in :class:`~explorer.ui.team.connection.ConnectionDialog`; a shared map remembers
its server, so reopening it reconnects without asking when the keyring holds the secret.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox, QToolButton

from explorer.core.errors import ExplorerError
from explorer.core.events import DocumentReloaded, GraphChanged
from explorer.core.text import one_line
from explorer.team import changelog, sync
from explorer.team.endpoint import Endpoint, SparqlClient
from explorer.ui.common import safe_text, settings
from explorer.ui.common.host import MapHost, OpenMap
from explorer.ui.common.workers import run_task
from explorer.ui.team.conflicts import ConflictDialog
from explorer.ui.team.connection import (
    ConnectionDialog,
    author_name,
    endpoint_for,
    profile_serving,
    saved_secret,
)
from explorer.ui.team.history_panel import TeamHistoryPanel
from explorer.ui.team.server_maps import OpenFromServerDialog, ShareDialog
from explorer.ui.team.ui_thread import UiThreadDocument

#: How long after the last edit the status is checked again (ms): typing a name is one check, not twenty.
STATUS_DELAY_MS = 4000
#: The shortcut of File > Sync with Server (free in the window; Ctrl+Shift+S is Save As).
SYNC_SHORTCUT = "Ctrl+Alt+S"


#: Why a shared map on a read-only connection cannot be edited.
READ_ONLY = (
    "This shared map is open on a read-only connection: it cannot be edited here. "
    "File > Sync with Server still pulls others' changes; connect as a user who may edit to change it."
)


def result_text(pulled: int, published: bool, conflicts: int) -> str:
    """What a sync did, in one line for the status bar.

    Examples
    --------
    >>> result_text(2, True, 0)
    'Synced: pulled 2 changes, shared yours.'
    >>> result_text(0, False, 0)
    'Synced: nothing new on either side.'
    """
    did = []
    if pulled:
        did.append(f"pulled {pulled} change{'s' if pulled != 1 else ''}")
    if published:
        did.append("shared yours")
    if conflicts:
        did.append(f"{conflicts} conflict{'s' if conflicts != 1 else ''} to decide")
    return "Synced: " + (", ".join(did) if did else "nothing new on either side") + "."


def _message(error) -> str:
    return str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"


class TeamFeature:
    """The sharing actions, the status item and the Team History panel, following the open map."""

    def __init__(self, host: MapHost, open_map) -> None:
        self.host = host
        self._open_map = open_map
        self.client: SparqlClient | None = None
        self.document = None
        self.shared = None  # sync.sharing(document) of the open map
        self._unsubscribe: list = []
        self._status_task = None
        self._name = ""
        self.task = None  # the last task the person asked for (tests wait on it)
        self._status_timer = QTimer(singleShot=True, interval=STATUS_DELAY_MS, timeout=self.refresh_status)

        file_menu, anchor = host.menus["file"], host.menus["export_anchor"]
        self.act_open = host.add_action(
            "Open from Ser&ver…", self.open_from_server, None, "Open a map your team shares on a server"
        )
        self.act_share = host.add_action(
            "S&hare to Server…",
            self.share,
            None,
            "Put this map on a team server, so others can open it and every change is kept",
            needs_map=True,
        )
        self.act_sync = host.add_action(
            "S&ync with Server",
            self.sync,
            QKeySequence(SYNC_SHORTCUT),
            "Share your changes and pull the team's",
            needs_map=True,
        )
        for action in (self.act_open, self.act_share, self.act_sync):
            file_menu.insertAction(anchor, action)
        file_menu.insertSeparator(anchor)

        self.panel = TeamHistoryPanel()
        self.dock = host.add_dock("Team History", "team-history", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        # Beside the undo history, as a tab: the two histories are read the same way.
        undo_history = host.findChild(QDockWidget, "dock-history")
        if undo_history is not None:
            host.tabifyDockWidget(undo_history, self.dock)
        self.dock.hide()
        host.menus["panels"].addAction(self.dock.toggleViewAction())
        self.panel.refreshRequested.connect(self.refresh_history)
        self.panel.revertRequested.connect(self.revert)

        self.status = QToolButton()
        self.status.setAutoRaise(True)
        self.status.setAccessibleName("Team sync status")
        self.status.setToolTip("Click to check the server again")
        self.status.clicked.connect(self.refresh_status)
        self.status.hide()
        host.statusBar().addPermanentWidget(self.status)
        host.mapShown.connect(self.show_map)

    # ------------------------------------------------------------------ following the map
    def show_map(self, opened: OpenMap | None) -> None:
        """Follow the open map: connect to its server if it is shared, and show its status and history."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._status_timer.stop()
        self.document = opened.document if opened is not None else None
        self.shared = sync.sharing(self.document) if self.document is not None else None
        if self.document is not None:
            events = self.document.events
            self._unsubscribe = [
                events.subscribe(GraphChanged, lambda _e: self._status_timer.start()),
                events.subscribe(DocumentReloaded, lambda _e: self._status_timer.start()),
            ]
        self._follow_lock()
        if self.shared is None:
            self.status.hide()
            self.panel.set_available(False, "This map is not shared. File > Share to Server… puts it on a team server.")
            return
        self.status.show()
        self.dock.show()
        if self.client is None or self.client.endpoint.query_url != self.shared.query_url:
            self._use(self._saved_endpoint(self.shared))
        self.refresh_status()
        self.refresh_history()

    def _saved_endpoint(self, shared) -> Endpoint | None:
        """The endpoint remembered for the map's server, with its secret from the keyring; None if one must be
        asked. A server never connected to from here is tried without sign-in, as the working copy names it."""
        profile = profile_serving(shared.query_url)
        try:
            if profile is None:
                return Endpoint(shared.query_url, shared.update_url)
            secret = saved_secret(profile)
            if profile.auth != "none" and not secret:
                return None
            return endpoint_for(profile, secret)
        except ExplorerError:
            return None

    def _use(self, endpoint: Endpoint | None) -> None:
        if self.client is not None:
            self.client.close()
        self.client = SparqlClient(endpoint) if endpoint is not None else None
        self._follow_lock()

    def _follow_lock(self) -> None:
        """A shared map on a read-only connection refuses edits (each refusal says why); others edit as usual."""
        if self.document is None:
            return
        if self.shared is not None and self.read_only:
            self.document.locked = READ_ONLY
        elif self.document.locked == READ_ONLY:
            self.document.locked = None

    @property
    def read_only(self) -> bool:
        return self.client is not None and self.client.endpoint.read_only

    def connect(self, address: str = "", title: str = "Connect to a Team Server") -> bool:
        """Ask where the server is and how to sign in; True once connected."""
        dialog = ConnectionDialog(self.host, address=address, title=title)
        if dialog.exec() != ConnectionDialog.DialogCode.Accepted or dialog.endpoint is None:
            return False
        self._use(dialog.endpoint)
        self._name = dialog.name.text().strip()
        if dialog.warning or dialog.engine:
            self.host.show_status(dialog.warning or dialog.engine, 15000)
        return True

    def _author(self):
        # The name given when connecting in this window; else the one the settings remember.
        return changelog.Author.named(self._name or author_name())

    # ------------------------------------------------------------------ network work
    def _run(self, label: str, work, on_success, *, cancellable: bool = True, quiet: bool = False, delay_ms=400):
        """Run ``work(progress)`` in a worker with a progress dialog; say a failure plainly."""

        def failed(error):
            if quiet:
                self._say_status(f"Cannot reach the server: {one_line(_message(error), 160)}")
            else:
                QMessageBox.warning(
                    self.host, "Team server", safe_text(f"{label.rstrip('…')} failed.\n\n{_message(error)}")
                )

        task = run_task(
            label,
            work,
            parent=self.host,
            dialog_parent=None if quiet else self.host,
            cancellable=cancellable,
            delay_ms=delay_ms,
            on_success=on_success,
            on_failure=failed,
            on_cancel=lambda: self.host.show_status(f"{label.rstrip('…')} cancelled.", 6000),
        )
        if not quiet:
            self.task = task  # what the person asked for, not a background check
        return task

    def _say_status(self, text: str) -> None:
        if self.read_only:
            text += " · read-only connection: your edits are not shared"
        self.status.setText(text)

    def refresh_status(self) -> None:
        """Ask the server how far the open map is from it (in a worker); the answer goes in the status bar."""
        if self.shared is None or self.document is None:
            return
        if self.client is None:
            self._say_status("Not connected · Sync to sign in")
            return
        if self._status_task is not None and not self._status_task.done:
            self._status_timer.start()  # one check at a time; look again once this one is done
            return
        document, client = self.document, self.client

        def shown(found) -> None:
            if document is self.document:
                self._say_status(found.text())

        self._status_task = self._run(
            "Checking the server…", lambda progress: sync.status(document, client), shown, quiet=True
        )

    def refresh_history(self) -> None:
        """Read the map's change log (in a worker) into the Team History panel."""
        if self.shared is None:
            return
        if self.client is None:
            self.panel.set_available(False, "Not connected to the map's server: use Sync with Server to sign in.")
            return
        document, client, map_iri = self.document, self.client, self.shared.map_iri
        self.panel.set_available(
            True,
            f"Changes shared on {one_line(client.endpoint.describe(), 100)}, newest first.",
            can_revert=not self.read_only,
        )

        def shown(records) -> None:
            if document is self.document:
                self.panel.show_records(records, self._name_of)

        self._run("Reading the history…", lambda progress: changelog.history(client, map_iri), shown, quiet=True)

    def _name_of(self, iri) -> str | None:
        projection = self.host.projection
        view = projection.nodes.get(iri) if projection is not None else None
        return view.label if view is not None else None

    # ------------------------------------------------------------------ actions
    def share(self) -> None:
        """File > Share to Server…: put the open map on a server, then offer to work on its shared copy."""
        document = self.host.document
        if document is None:
            return
        if self.client is None and not self.connect(title="Share to Server: Connect"):
            return
        if self.read_only:
            QMessageBox.information(
                self.host, "Share to Server", "This connection is read-only: it cannot share a map."
            )
            return
        dialog = ShareDialog(document.title, self.client.endpoint.describe(), self.host)
        if dialog.exec() != ShareDialog.DialogCode.Accepted:
            return
        self.host.commit_pending()
        title, client, author = dialog.title.text().strip(), self.client, self._author()
        worker_document = UiThreadDocument(document)
        self._run(
            f"Sharing “{one_line(title, 60)}”…",
            lambda progress: sync.share(client, worker_document, title, author, progress=progress),
            lambda map_iri: self._shared(map_iri, title),
        )

    def _shared(self, map_iri, title: str) -> None:
        self.host.show_status(f"Shared “{one_line(title, 60)}” on {self.client.endpoint.describe()}.", 8000)
        answer = QMessageBox.question(
            self.host,
            "Shared",
            safe_text(
                f"“{title}” is on the server. Work on the shared copy now? You choose where to keep it "
                "(a TriG file); Sync then shares your changes and pulls the team's."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._clone(map_iri, title)

    def open_from_server(self) -> None:
        """File > Open from Server…: choose a shared map and open a working copy of it."""
        if self.client is None and not self.connect(title="Open from Server: Connect"):
            return
        dialog = OpenFromServerDialog(self.client, self.host)
        if dialog.exec() != OpenFromServerDialog.DialogCode.Accepted or dialog.chosen() is None:
            return
        entry = dialog.chosen()
        self._clone(entry.iri, entry.title)

    def _clone(self, map_iri, title: str) -> None:
        start = Path(str(settings().value("team/folder", "") or Path.home())) / f"{_file_name(title)}.trig"
        path, _ = QFileDialog.getSaveFileName(self.host, "Keep the working copy as", str(start), "TriG (*.trig)")
        if not path:
            return
        path = Path(path) if path.endswith(".trig") else Path(path + ".trig")
        settings().setValue("team/folder", str(path.parent))
        client = self.client
        self._run(
            f"Copying “{one_line(title, 60)}” from the server…",
            lambda progress: sync.clone(client, map_iri, path),
            lambda written: self._open_map(Path(written)),
        )

    def sync(self) -> None:
        """File > Sync with Server: share your changes, pull the team's, and ask about values both changed."""
        if self.document is None:
            return
        if self.shared is None:
            self.host.show_status("This map is not shared: File > Share to Server… puts it on a server.", 8000)
            return
        if self.client is None and not self.connect(self.shared.query_url, "Sync: Sign In"):
            return
        self.host.commit_pending()
        document, client, author = self.document, self.client, self._author()
        worker_document = UiThreadDocument(document)
        self.host.show_status("Syncing with the server…")
        self._run(
            "Syncing with the server…",
            lambda progress: sync.sync(worker_document, client, author, progress=lambda _text: progress(0, 0)),
            lambda result: self._synced(document, result),
            delay_ms=0,
        )

    def revert(self, record) -> None:
        """Undo ``record`` as a new shared change, after asking."""
        if self.document is None or self.client is None or self.read_only:
            return
        who = record.author_name or "someone"
        what = record.message or "a change"
        answer = QMessageBox.question(
            self.host,
            "Revert a Change",
            safe_text(f"Undo “{one_line(what, 120)}” by {one_line(who, 60)}? The undoing is shared as a new change."),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        document, client, author = self.document, self.client, self._author()
        worker_document = UiThreadDocument(document)
        self._run(
            "Reverting the change…",
            lambda progress: sync.revert(worker_document, client, record, author),
            lambda result: self._synced(document, result),
            delay_ms=0,
        )

    def _synced(self, document, result) -> None:
        if document is not self.document:
            return
        self.shared = sync.sharing(document)
        if result.conflicts:
            self._decide(result.conflicts)
        self.host.show_status(
            result_text(len(result.pulled), result.published is not None, len(result.conflicts)), 8000
        )
        self.refresh_status()
        self.refresh_history()

    def _decide(self, conflicts) -> None:
        dialog = ConflictDialog(conflicts, self.host, name_of=self._name_of)
        if dialog.exec() != ConflictDialog.DialogCode.Accepted:
            self.host.show_status("The conflicts wait: Sync asks again.", 8000)
            return
        mine, theirs = dialog.split()
        if mine:
            sync.resolve(self.document, mine, keep="mine")
        if theirs:
            sync.resolve(self.document, theirs, keep="theirs")
        self.sync()  # the choice is shared as a new change


def _file_name(title: str) -> str:
    """A file name made from a map's title.

    Examples
    --------
    >>> _file_name("Ward 4: nights / weekends")
    'Ward 4 nights weekends'
    """
    kept = "".join(c if c.isalnum() or c in " -_" else " " for c in title)
    return " ".join(kept.split())[:80] or "shared map"


def install(host: MapHost, *, open_map) -> TeamFeature:
    """Add the team actions, the status item and the Team History panel; ``open_map(path)`` opens a working copy."""
    return TeamFeature(host, open_map)
