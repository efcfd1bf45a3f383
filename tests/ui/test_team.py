"""Team maps in the app against a real Oxigraph server: share, open from the server, sync, conflicts, history, revert.

Two windows play two people (Ann and Bob) on one server. Dialogs are filled and clicked
through the event loop; only the operating system's file dialog is answered by a stand-in.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from rdflib import RDFS, Literal
from support.oxigraph_server import oxigraph
from support.paths import SAMPLES
from support.ui import open_and_wait

from explorer.ui.common import settings
from explorer.ui.team.conflicts import ConflictDialog
from explorer.ui.team.connection import ConnectionDialog, ServerProfile, recent_servers
from explorer.ui.team.server_maps import OpenFromServerDialog, ShareDialog

SAMPLE = SAMPLES / "keystone-michigan.ttl"
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An Oxigraph server of this module's own on a free loopback port (its base address)."""
    with oxigraph(tmp_path_factory.mktemp("oxigraph-ui")) as base:
        yield base


def settle(qtbot, ms: int = 60) -> None:
    qtbot.wait(ms)
    QApplication.processEvents()


def when_shown(kind, act, seen: list | None = None) -> None:
    """Call ``act(dialog)`` once a visible ``kind`` dialog is open (a modal dialog runs its own event loop)."""

    def look() -> None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if found:
            if seen is not None:
                seen.append(found[0])
            act(found[0])
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_connection(qtbot, address: str | None, name: str):
    def act(dialog: ConnectionDialog) -> None:
        if address is not None:
            dialog.address.lineEdit().clear()
            qtbot.keyClicks(dialog.address.lineEdit(), address)
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, name)
        click(qtbot, dialog.connect_button)

    return act


def answer_file_dialog(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "TriG (*.trig)")))


def activate(qtbot, window) -> None:
    """Make ``window`` the active one, as a click on it would: a shortcut works in the active window only."""
    window.raise_()
    window.activateWindow()
    if QApplication.activeWindow() is not window:
        QApplication.setActiveWindow(window)  # the offscreen platform does not always pass activation on
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def rename_node(qtbot, window, iri, name: str) -> None:
    activate(qtbot, window)
    window.canvas.setFocus()
    window.canvas.select([iri])
    qtbot.keyClick(window.canvas, Qt.Key.Key_F2)
    qtbot.waitUntil(
        lambda: window.canvas.name_editor is not None and window.canvas.name_editor.isVisible(), timeout=2000
    )
    editor = window.canvas.name_editor
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    settle(qtbot)


def press_sync(qtbot, window) -> None:
    """Ctrl+Alt+S in ``window``."""
    activate(qtbot, window)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)


def sync_by_key(qtbot, window) -> None:
    before = window.team.task
    press_sync(qtbot, window)
    qtbot.waitUntil(lambda: window.team.task is not before and window.team.task.done, timeout=WAIT_MS)
    assert window.team.task.error is None, window.team.task.error


def status_of(qtbot, window) -> str:
    """Ask the server again (a click on the status item) and the words it then shows."""
    team = window.team
    qtbot.waitUntil(lambda: team._status_task is None or team._status_task.done, timeout=WAIT_MS)
    click(qtbot, team.status)
    qtbot.waitUntil(lambda: team._status_task.done, timeout=WAIT_MS)
    settle(qtbot)
    return team.status.text()


def label_of(window, iri) -> str:
    return window.projection.nodes[iri].label


def share_sample(qtbot, make_window, monkeypatch, server, tmp_path):
    """Ann opens the sample map and shares it; she keeps working on the copy in ann.trig."""
    ann = make_window(SAMPLE)
    answer_file_dialog(monkeypatch, tmp_path / "ann.trig")
    when_shown(ConnectionDialog, fill_connection(qtbot, server, "Ann"))
    when_shown(ShareDialog, lambda d: click(qtbot, d.share_button))
    ann.team.act_share.trigger()
    qtbot.waitUntil(lambda: ann.document is not None and ann.document.path == tmp_path / "ann.trig", timeout=WAIT_MS)
    open_and_wait(ann, tmp_path / "ann.trig") if ann.canvas.building else settle(qtbot)
    return ann


def open_as_bob(qtbot, make_window, monkeypatch, server, tmp_path, title: str):
    """Bob opens the map from the server (the server's address remembered) into bob.trig."""
    bob = make_window()
    answer_file_dialog(monkeypatch, tmp_path / "bob.trig")
    listed = []

    def choose(dialog: OpenFromServerDialog) -> None:
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() > 0, timeout=WAIT_MS)
        listed.extend(dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount()))
        row = listed.index(title)
        item = dialog.tree.topLevelItem(row)
        rect = dialog.tree.visualItemRect(item)
        qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        click(qtbot, dialog.open_button)

    when_shown(ConnectionDialog, fill_connection(qtbot, None, "Bob"))
    when_shown(OpenFromServerDialog, choose)
    bob.team.act_open.trigger()
    qtbot.waitUntil(lambda: bob.document is not None and bob.document.path == tmp_path / "bob.trig", timeout=WAIT_MS)
    settle(qtbot)
    return bob, listed


def test_share_open_sync_both_ways_and_history_names_both(qtbot, make_window, monkeypatch, server, tmp_path):
    ann = share_sample(qtbot, make_window, monkeypatch, server, tmp_path)
    title = ann.document.title
    assert recent_servers()[0].address == server, "the server is remembered for next time"
    assert status_of(qtbot, ann) == "Up to date"

    bob, listed = open_as_bob(qtbot, make_window, monkeypatch, server, tmp_path, title)
    assert title in listed
    node = sorted(bob.projection.nodes, key=str)[0]
    other = sorted(bob.projection.nodes, key=str)[1]
    assert bob.projection.nodes.keys() == ann.projection.nodes.keys()

    rename_node(qtbot, bob, node, "Renamed by Bob")
    qtbot.waitUntil(lambda: "to share" in status_of(qtbot, bob), timeout=WAIT_MS)
    sync_by_key(qtbot, bob)
    assert status_of(qtbot, bob) == "Up to date"

    rename_node(qtbot, ann, other, "Renamed by Ann")
    assert status_of(qtbot, ann) == "2 changes to share · 1 to pull", "a rename: one name removed, one added"
    sync_by_key(qtbot, ann)
    assert label_of(ann, node) == "Renamed by Bob", "Bob's change was pulled into Ann's map"
    sync_by_key(qtbot, bob)
    assert label_of(bob, other) == "Renamed by Ann", "Ann's change was pulled into Bob's map"

    panel = ann.team.panel
    ann.team.dock.show()
    click(qtbot, panel.refresh_button)
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 3, timeout=WAIT_MS)
    who = [panel.tree.topLevelItem(i).text(0) for i in range(3)]
    assert who == ["Ann", "Bob", "Ann"], "newest first: Ann's sync, Bob's rename, Ann's share"
    assert panel.tree.topLevelItem(1).text(3).startswith("+1 −1")
    rect = panel.tree.visualItemRect(panel.tree.topLevelItem(1))
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "Renamed by Bob" in panel.detail.text(), "the detail names the thing the change touched"


def test_conflict_dialog_keeps_theirs_then_revert_brings_the_value_back(
    qtbot, make_window, monkeypatch, server, tmp_path
):
    ann = share_sample(qtbot, make_window, monkeypatch, server, tmp_path)
    bob, _ = open_as_bob(qtbot, make_window, monkeypatch, server, tmp_path, ann.document.title)
    node = sorted(ann.projection.nodes, key=str)[2]
    original = label_of(ann, node)
    rename_node(qtbot, bob, node, "Bob's name")
    sync_by_key(qtbot, bob)
    rename_node(qtbot, ann, node, "Ann's name")

    seen: list = []

    def keep_theirs(dialog: ConflictDialog) -> None:
        qtbot.mouseClick(dialog.radio(0, "theirs"), Qt.MouseButton.LeftButton)
        click(qtbot, dialog.apply_button)

    when_shown(ConflictDialog, keep_theirs, seen)
    press_sync(qtbot, ann)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    dialog = seen[0]
    row = [dialog.table.item(0, c).text() for c in range(5)]
    assert row == [original, "name", original, "Ann's name", "Bob's name"], row
    qtbot.waitUntil(lambda: label_of(ann, node) == "Bob's name", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ann.team.task.done, timeout=WAIT_MS)
    assert status_of(qtbot, ann) == "Up to date", "the choice was shared and nothing waits"

    # Bob's rename, reverted from Ann's history panel: a new change puts the name back for both.
    panel = ann.team.panel
    click(qtbot, panel.refresh_button)
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() >= 2, timeout=WAIT_MS)
    bobs = next(i for i in range(panel.tree.topLevelItemCount()) if panel.tree.topLevelItem(i).text(0) == "Bob")
    ann.team.dock.show()
    rect = panel.tree.visualItemRect(panel.tree.topLevelItem(bobs))
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    before = ann.team.task
    click(qtbot, panel.revert_button)
    qtbot.waitUntil(lambda: ann.team.task is not before and ann.team.task.done, timeout=WAIT_MS)
    assert ann.team.task.error is None, ann.team.task.error
    assert label_of(ann, node) == original
    sync_by_key(qtbot, bob)
    assert label_of(bob, node) == original
    assert (node, RDFS.label, Literal(original)) in {(s, p, o) for s, p, o, _ in bob.document.store.quads(node)}


def test_wrong_address_is_said_in_the_dialog_and_nothing_is_remembered(qtbot, make_window):
    window = make_window()
    dialog = ConnectionDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.address.lineEdit(), "http://127.0.0.1:9")
    click(qtbot, dialog.connect_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT_MS)
    assert "cannot reach the server" in dialog.error.text()
    assert dialog.isVisible() and recent_servers() == []
    dialog.method.setCurrentIndex(dialog.method.findData("bearer"))
    assert dialog.secret_label.text() == "&Token:" and not dialog.user.isEnabled()


class MemoryKeyring(KeyringBackend):
    """A keyring in memory, standing in for the system's."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


def test_the_password_goes_to_the_keyring_never_the_settings(qtbot, make_window, server):
    window = make_window()
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        dialog = ConnectionDialog(window)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.keep.isVisible() and not dialog.keyring_note.isVisible()
        qtbot.keyClicks(dialog.address.lineEdit(), server)
        dialog.method.setCurrentIndex(dialog.method.findData("basic"))
        qtbot.keyClicks(dialog.user, "ann")
        qtbot.keyClicks(dialog.secret, "pass-Word 7")
        click(qtbot, dialog.keep)
        click(qtbot, dialog.connect_button)
        qtbot.waitUntil(lambda: dialog.result() == ConnectionDialog.DialogCode.Accepted, timeout=WAIT_MS)
        assert list(ring.kept.values()) == ["pass-Word 7"]
        store = settings()
        assert all("pass-W" not in str(store.value(key)) for key in store.allKeys())
        assert recent_servers()[0] == ServerProfile(server, "basic", "ann", False)

        again = ConnectionDialog(window, address=server)
        qtbot.addWidget(again)
        assert again.secret.text() == "pass-Word 7" and again.keep.isChecked(), "filled in from the keyring"
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_the_dialog_says_it_will_ask_each_time(qtbot, make_window):
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = ConnectionDialog(make_window())
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.method.setCurrentIndex(dialog.method.findData("digest"))
        assert not dialog.keep.isEnabled()
        assert dialog.keyring_note.isVisible() and "asked each time" in dialog.keyring_note.text()
    finally:
        keyring.set_keyring(previous)


def test_a_read_only_connection_refuses_edits_saying_why_and_still_pulls(
    qtbot, make_window, monkeypatch, server, tmp_path
):
    from explorer.ui.team.sharing import READ_ONLY

    ann = share_sample(qtbot, make_window, monkeypatch, server, tmp_path)
    bob = make_window()
    answer_file_dialog(monkeypatch, tmp_path / "bob.trig")

    def read_only(dialog: ConnectionDialog) -> None:
        if not dialog.read_only.isChecked():
            click(qtbot, dialog.read_only)
        fill_connection(qtbot, None, "Bob")(dialog)

    def choose(dialog: OpenFromServerDialog) -> None:
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() > 0, timeout=WAIT_MS)
        titles = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
        rect = dialog.tree.visualItemRect(dialog.tree.topLevelItem(titles.index(ann.document.title)))
        qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        click(qtbot, dialog.open_button)

    when_shown(ConnectionDialog, read_only)
    when_shown(OpenFromServerDialog, choose)
    bob.team.act_open.trigger()
    qtbot.waitUntil(lambda: bob.document is not None and bob.document.path == tmp_path / "bob.trig", timeout=WAIT_MS)
    settle(qtbot)
    assert bob.team.read_only and bob.document.locked == READ_ONLY
    node = sorted(bob.projection.nodes, key=str)[0]
    before = label_of(bob, node)
    rename_node(qtbot, bob, node, "Not allowed")
    assert label_of(bob, node) == before and not bob.document.dirty
    assert bob.statusBar().currentMessage() == READ_ONLY
    rename_node(qtbot, ann, node, "Renamed by Ann")
    sync_by_key(qtbot, ann)
    sync_by_key(qtbot, bob)
    assert label_of(bob, node) == "Renamed by Ann", "a read-only copy still takes what the server sends"
