"""The app when the journal's disk is full: a gesture that cannot be journaled shows a warning and changes nothing.

Driven through the real event loop: a double-click on the canvas, typing and Enter in
the rename box, Ctrl+Z on the window; the journal's folder is a small tmpfs the test
mounts and fills, so the kernel itself refuses the write.
"""

from __future__ import annotations

import os

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from explorer.core.commands import set_property
from explorer.core.schema import MAX_NAME

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mounts a tmpfs")

RX = "https://w3id.org/routine-explorer/ns#"
ICU = URIRef("http://example.org/icu")
MAP = f"""<{ICU}> a <{RX}Unit> ; <http://www.w3.org/2000/01/rdf-schema#label> "ICU" ;
    <{RX}canvasX> 0.0 ; <{RX}canvasY> 0.0 .
<http://example.org/ana> a <{RX}Person> ; <http://www.w3.org/2000/01/rdf-schema#label> "Ana" .
"""


def canvas_state(window) -> dict:
    """What the canvas draws: each node item's text and place."""
    return {iri: (item.text, item.pos().x(), item.pos().y()) for iri, item in window.canvas.node_items.items()}


def rename_by_gesture(qtbot, window, iri, name: str) -> None:
    canvas = window.canvas
    x, y = canvas.positions[iri]
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(QPointF(x, y)))
    qtbot.waitUntil(lambda: canvas._editor is not None and canvas._editor.isVisible())
    editor = canvas._editor
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def warning(window) -> QMessageBox | None:
    box = window.findChild(QMessageBox, "editNotRecorded")
    return box if box is not None and box.isVisible() else None


def dismiss(qtbot, window) -> None:
    box = warning(window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: warning(window) is None)
    qtbot.waitUntil(window.isActiveWindow)  # the window takes the keyboard back, so the next shortcut reaches it


def test_an_edit_the_journal_cannot_take_shows_a_warning_and_leaves_canvas_and_history_as_they_were(
    qtbot, make_window, tmp_path, small_disk
):
    path = tmp_path / "team.ttl"  # the map is on the ordinary disk; only the journal is short of space
    path.write_text(MAP, encoding="utf-8")
    window = make_window(path)
    doc = window.document
    rename_by_gesture(qtbot, window, ICU, "Intensive care")
    assert window.projection.nodes[ICU].label == "Intensive care"
    small_disk.fill()

    # A name is at most MAX_NAME characters, so it takes a few renames to need a new journal page: rename
    # until one is refused, each time keeping what the app showed just before.
    for turn in range(80):
        canvas, title, history = canvas_state(window), window.windowTitle(), tuple(doc.stack.commands)
        quads, before = frozenset(doc.store.quads()), window.projection.nodes[ICU].label
        name = (f"{turn:02d} Intensive care and high dependency " * 10)[:MAX_NAME].strip()
        rename_by_gesture(qtbot, window, ICU, name)
        qtbot.waitUntil(lambda name=name: warning(window) is not None or window.projection.nodes[ICU].label == name)
        if warning(window) is not None:
            break
    else:
        pytest.fail("80 renames fitted on a full disk: the journal never needed a new page")

    text = warning(window).text()
    assert (
        text.startswith(f"Rename “{before[:20]}")
        and ": not done, " in text
        and "because the recovery journal " in text
        and "No space left on device" in text
    )
    QApplication.processEvents()  # the box does not block the event loop: anything queued has run
    assert canvas_state(window) == canvas  # before: the store held the new label, the canvas the old one
    assert window.projection.nodes[ICU].label == before
    assert frozenset(doc.store.quads()) == quads and tuple(doc.stack.commands) == history
    assert window.windowTitle() == title and window.act_undo.isEnabled()
    dismiss(qtbot, window)

    # Undo is refused the same way, and the history keeps its place.
    small_disk.free()
    assert window.execute(set_property(doc.store, ICU, RDFS.comment, Literal("note " * 2000)))
    small_disk.fill()
    before_undo = (canvas_state(window), doc.stack.index, frozenset(doc.store.quads()))
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: warning(window) is not None, timeout=5000)
    assert warning(window).text().startswith("Undo Set comment: not done")
    assert (canvas_state(window), doc.stack.index, frozenset(doc.store.quads())) == before_undo
    dismiss(qtbot, window)

    # With space again, the same gesture works and the canvas follows.
    small_disk.free()
    rename_by_gesture(qtbot, window, ICU, "ICU again")
    qtbot.waitUntil(lambda: window.projection.nodes[ICU].label == "ICU again")
    assert canvas_state(window)[ICU][0] == "ICU again" and warning(window) is None
