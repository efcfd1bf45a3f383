"""The Checks dock: open a sample, show the dock, click an entry and its node is selected on the canvas; an edit
that fills the gap takes the entry away once the map has been checked again."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("PySide6")
import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from rdflib import Literal, Namespace
from rdflib.namespace import RDFS, XSD

from explorer.core.commands import set_property
from explorer.core.resources import sample_maps
from explorer.ui.checks.panel import BY_IMPORTANCE, CHECKING, FOCUS_ROLE, MAP_ROLE, NO_MAP, NOTHING_CHECKED, STALE

RX = Namespace("https://w3id.org/routine-explorer/ns#")
SAMPLE = next(p for p in sample_maps() if p.stem == "keystone-michigan")


def _copy(tmp_path):
    """A copy of the sample: a sample opened in place is locked for editing against other windows and tests."""
    return shutil.copy(SAMPLE, tmp_path / SAMPLE.name)


def _node(window, label: str):
    return next(iter(window.document.store.quads(None, RDFS.label, Literal(label))))[0]


def _entries(panel) -> list:
    """(group index, entry index) of every entry row, in order."""
    model = panel.model
    found = []
    for row in range(model.rowCount()):
        group = model.index(row, 0)
        found += [model.index(child, 0, group) for child in range(model.rowCount(group))]
    return found


def _entry_about(panel, focus, words: str):
    return [i for i in _entries(panel) if i.data(FOCUS_ROLE) == str(focus) and words in i.data()]


def _open_checks(qtbot, window):
    panel = window.checks
    assert not panel.dock.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(panel.dock.isVisible, timeout=5_000)
    qtbot.waitUntil(lambda: panel.report is not None and not panel.busy, timeout=60_000)
    return panel


def test_clicking_a_check_selects_its_node_and_filling_the_gap_removes_it(qtbot, make_window, tmp_path):
    window = make_window(_copy(tmp_path), size=(1280, 800))
    panel = _open_checks(qtbot, window)
    assert "things to fill in" in panel.status.text()
    nurses = _node(window, "ICU nurses")
    (entry,) = _entry_about(panel, nurses, "Give its workload")
    assert window.canvas.selected_keys() != [nurses]

    # A real click on the entry's row.
    panel.tree.scrollTo(entry)
    rect = panel.tree.visualRect(entry)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: list(window.canvas.selected_keys()) == [nurses], timeout=5_000)
    # The inspector follows the canvas selection.
    qtbot.waitUntil(lambda: window.inspector.current == nurses, timeout=5_000)

    # Enter on another entry goes to that node.
    unit = _node(window, "ICU A")
    (other,) = _entry_about(panel, unit, "Give its resource adequacy")
    panel.tree.setFocus()
    panel.tree.setCurrentIndex(other)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: list(window.canvas.selected_keys()) == [unit], timeout=5_000)

    # Fill the gap: the list goes stale at once, and after the pause the entry is gone.
    before = len(panel.report.checks)
    assert window.execute(
        set_property(window.document.store, nurses, RX.workload, Literal("0.7", datatype=XSD.decimal))
    )
    assert panel.status.text() == CHECKING and not panel.tree.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert panel.tree.isEnabled()
    assert _entry_about(panel, nurses, "Give its workload") == []
    assert len(panel.report.checks) == before - 1


def test_hostile_labels_show_as_typed_and_close_map_empties_the_panel(qtbot, make_window, tmp_path):
    window = make_window(_copy(tmp_path), size=(1280, 800))
    panel = _open_checks(qtbot, window)
    nurses = _node(window, "ICU nurses")
    hostile = "<img src=x>\u202e<b>ICU</b>\nnurses"
    assert window.execute(set_property(window.document.store, nurses, RDFS.label, Literal(hostile)))
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    groups = [panel.model.item(row) for row in range(panel.model.rowCount())]
    (group,) = [g for g in groups if g.data(FOCUS_ROLE) == str(nurses)]
    assert group.text().startswith("<img src=x> <b>ICU</b> nurses")  # one line, no control characters, as typed
    assert "\u202e" not in group.text()
    window.close_map()
    qtbot.waitUntil(lambda: panel.status.text() == NO_MAP, timeout=5_000)
    assert panel.model.rowCount() == 0 and panel.placeholder == NO_MAP


UNTITLED_MAP = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix void: <http://rdfs.org/ns/void#> .
<https://example.org/ward/> a void:Dataset ; void:uriSpace "https://example.org/ward/" .
<https://example.org/ward/unit/ward-7> a rx:Unit ; rdfs:label "Ward 7" .
"""


def test_a_check_about_the_map_itself_reads_this_map_and_opens_its_details(qtbot, make_window, tmp_path):
    path = tmp_path / "untitled.ttl"
    path.write_text(UNTITLED_MAP, encoding="utf-8")
    window = make_window(path, size=(1280, 800))
    panel = _open_checks(qtbot, window)
    panel.grouping.setCurrentText(BY_IMPORTANCE)
    (entry,) = [i for i in _entries(panel) if i.data(MAP_ROLE)]
    # The map, not "Dataset https://…", and no IRI anywhere in what the row says.
    assert entry.data().startswith("This map: Give the map a title"), entry.data()
    assert "https://" not in entry.data() and "Dataset" not in entry.data()
    assert window.map_details.dialog is None

    # A real click on the row opens File > Map Details… (window-modal), never "not on the canvas".
    panel.tree.scrollTo(entry)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=panel.tree.visualRect(entry).center())
    qtbot.waitUntil(
        lambda: window.map_details.dialog is not None and window.map_details.dialog.isVisible(), timeout=5_000
    )
    assert "not on the canvas" not in panel.status.text()
    dialog = window.map_details.dialog
    qtbot.waitUntil(lambda: dialog.title.hasFocus(), timeout=5_000)

    # Naming the map there takes the check away once the map has been checked again.
    qtbot.keyClicks(dialog.title, "Ward 7 discharge")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.map_details.dialog is None, timeout=5_000)
    qtbot.waitUntil(lambda: panel.status.text() == CHECKING, timeout=5_000)
    qtbot.waitUntil(lambda: not panel.busy and panel.report is not None, timeout=60_000)
    assert [i for i in _entries(panel) if i.data(MAP_ROLE)] == []


# ---------------------------------------------------------------------------- a big map: the check runs apart
BIG_NODES = 2_000
#: The longest the window may go without running its event loop while a check runs. A guard against the check
#: running on the UI thread (about 4 s at 2k nodes), far above what the child process costs the window (the copy of
#: the map and filling the list: about 0.1 s).
STALL_LIMIT_S = 1.0


def _open_big(qtbot, make_window, tmp_path, ticks=None):
    """A shown window with a 2k-node map, its Checks dock opened by the shortcut and a check running; ``ticks``
    (a list) gets the time of every 20 ms tick of the UI thread from just before the shortcut."""
    import time

    from benchmarks import synthetic
    from PySide6.QtCore import QTimer

    path = synthetic.write_nodes(tmp_path / "org-2k.nt", BIG_NODES, seed=3)
    window = make_window(path, size=(1280, 800))
    panel = window.checks
    window.activateWindow()  # the offscreen platform activates a new window late; the shortcut needs it active
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    if ticks is not None:
        ticks.append(time.perf_counter())
        window.heartbeat = QTimer(window, interval=20)
        window.heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        window.heartbeat.start()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(panel.dock.isVisible, timeout=5_000)
    qtbot.waitUntil(lambda: panel.check_pid is not None, timeout=10_000)
    return window, panel


def test_the_window_keeps_running_while_a_big_map_is_checked(qtbot, make_window, tmp_path):
    import time

    ticks = []
    window, panel = _open_big(qtbot, make_window, tmp_path, ticks)
    qtbot.waitUntil(lambda: panel.report is not None and not panel.busy, timeout=180_000)
    ticks.append(time.perf_counter())
    window.heartbeat.stop()
    assert panel.model.rowCount() > 0
    stall = max(b - a for a, b in itertools.pairwise(ticks))
    assert stall < STALL_LIMIT_S, f"the window stalled {stall:.2f} s while the map was checked"


def test_an_edit_or_closing_the_map_kills_the_running_check(qtbot, make_window, tmp_path):
    psutil = pytest.importorskip("psutil")
    window, panel = _open_big(qtbot, make_window, tmp_path)
    first = panel.check_pid
    assert psutil.pid_exists(first)
    unit = _node(window, "Unit 1")
    assert window.execute(set_property(window.document.store, unit, RDFS.label, Literal("Unit one")))
    # The edit made the running check stale: its child is gone at once, and a new check starts after the pause.
    assert not psutil.pid_exists(first)
    qtbot.waitUntil(lambda: panel.check_pid is not None, timeout=10_000)
    second = panel.check_pid
    assert second != first and psutil.pid_exists(second)
    window.close_map()
    qtbot.waitUntil(lambda: not psutil.pid_exists(second), timeout=5_000)
    assert panel.check_pid is None and panel.status.text() == NO_MAP


def test_after_revert_a_new_nodes_check_still_leads_to_it(qtbot, make_window, dialogs, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    window = make_window(_copy(tmp_path), size=(1280, 800))
    panel = _open_checks(qtbot, window)
    window.place_node(RX.Role, label="Temp")  # an unsaved change to drop
    qtbot.keyClick(window.canvas.name_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.document.dirty, timeout=5_000)
    dialogs.answers["question"] = QMessageBox.StandardButton.Yes
    window.revert()  # a new projection, the same document: no new map is shown
    qtbot.waitUntil(lambda: not window.document.dirty, timeout=10_000)

    porters = window.place_node(RX.Role, label="Porters")  # a role with nothing filled in
    qtbot.keyClick(window.canvas.name_editor, Qt.Key.Key_Return)
    window.canvas.select([])
    qtbot.waitUntil(lambda: not panel.busy and bool(_entries_of(panel, porters)), timeout=60_000)
    entry = _entries_of(panel, porters)[0]
    panel.tree.scrollTo(entry)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=panel.tree.visualRect(entry).center())
    qtbot.waitUntil(lambda: list(window.canvas.selected_keys()) == [porters], timeout=5_000)
    assert "not on the canvas" not in panel.status.text()


def _entries_of(panel, focus) -> list:
    return [i for i in _entries(panel) if i.data(FOCUS_ROLE) == str(focus)]


def test_an_edit_lets_a_long_running_check_finish_then_checks_again(qtbot, make_window, tmp_path):
    psutil = pytest.importorskip("psutil")
    window, panel = _open_big(qtbot, make_window, tmp_path)
    first = panel.check_pid
    qtbot.wait(panel.DEBOUNCE_MS + 300)  # running longer than the pause an edit waits: let finish
    assert panel.check_pid == first, "the 2k check ended too soon to edit during it"
    unit = _node(window, "Unit 1")
    assert window.execute(set_property(window.document.store, unit, RDFS.label, Literal("Unit one")))
    assert psutil.pid_exists(first) and panel.check_pid == first
    assert panel.status.text() == CHECKING

    # Its result shows, dimmed and said to be from before the edit, and the next check starts at once.
    qtbot.waitUntil(lambda: panel.stale, timeout=120_000)
    assert panel.status.text().startswith(STALE) and panel.tree.isEnabled()
    assert panel.model.rowCount() > 0
    grey = panel.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert panel.model.item(0).foreground().color() == grey
    qtbot.waitUntil(lambda: panel.check_pid not in (None, first), timeout=5_000)

    # Then the current result, in full colour.
    qtbot.waitUntil(lambda: not panel.busy, timeout=120_000)
    assert not panel.stale and not panel.status.text().startswith(STALE)
    assert panel.model.rowCount() > 0 and panel.model.item(0).foreground().color() != grey


NAMED_GRAPHS_ONLY = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://data.example.org/graph/units> {
  <https://data.example.org/unit/icu> a rx:Unit ; rdfs:label "ICU" ; rx:readiness 1.5 . }
<https://data.example.org/graph/people> { <https://data.example.org/person/ana> a rx:Person ; rdfs:label "Ana" . }
"""


def test_a_map_whose_data_is_all_in_named_graphs_is_not_said_to_lack_nothing(qtbot, make_window, tmp_path):
    path = tmp_path / "split.trig"
    path.write_text(NAMED_GRAPHS_ONLY, encoding="utf-8")
    window = make_window(path, size=(1280, 800))
    panel = _open_checks(qtbot, window)
    assert panel.status.text() == NOTHING_CHECKED
    assert panel.model.rowCount() == 0
    assert panel.placeholder.startswith("Nothing checked: the map graph (the default graph) is empty;")
    assert "<https://data.example.org/graph/units> (3 statements)" in panel.placeholder
    assert "<https://data.example.org/graph/people> (2 statements)" in panel.placeholder
    assert "above the map" in panel.placeholder, "it says how to check them"
    # Shown through the notice above the canvas, the graphs are checked: the value off its scale is found.
    bar = window.graph_view_bar
    qtbot.waitUntil(bar.isVisible, timeout=5_000)
    with qtbot.waitSignal(bar.viewChanged, timeout=10_000):
        qtbot.mouseClick(bar.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy and "problem to fix" in panel.status.text(), timeout=60_000)
    assert panel.placeholder == ""
