"""Edits are atomic with their journal: an edit whose journal entry cannot be written is not made.

The journal lives in the data folder (``ROUTINE_EXPLORER_DATA_DIR``), which each test
points at a small tmpfs it mounts itself and then fills, so the disk is really full
(ENOSPC from the kernel, not a mock). After every refused edit the map's quads, its
undo history, its dirty flag and the events the views listen to must all agree, a
:class:`JournalError` must say what happened, and the journal on disk must still hold
every edit made before, readable by the recovery that follows a crash.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import RDFS, Literal, URIRef
from support.processes import wait_for_line
from support.waiting import no_hang

from explorer.core import commands, events
from explorer.core.document import MapDocument
from explorer.core.errors import JournalError
from explorer.core.journal import read_journal

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mounts a tmpfs")

RX = "https://w3id.org/routine-explorer/ns#"
ICU = URIRef("http://example.org/icu")
UNIT = URIRef(RX + "Unit")
MAP = f'<{ICU}> a <{RX}Unit> ; <http://www.w3.org/2000/01/rdf-schema#label> "ICU" .\n'
# Longer than a page, so its journal line cannot fit in the slack of the journal's last page.
LONG = "a long note " * 1000


class Watcher:
    """Every event the document publishes, as the views see them."""

    def __init__(self, doc: MapDocument) -> None:
        self.seen: list = []
        for kind in (events.GraphChanged, events.StackChanged, events.DirtyChanged, events.EditNotRecorded):
            doc.events.subscribe(kind, self.seen.append)

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.seen]


def state(doc: MapDocument) -> tuple:
    """Everything that must not move when an edit is refused."""
    return (
        frozenset(doc.store.quads()),
        doc.stack.index,
        doc.stack.commands,
        doc.stack.undo_text,
        doc.stack.redo_text,
        doc.dirty,
    )


def rename(doc: MapDocument, name: str):
    return commands.set_property(doc.store, ICU, RDFS.label, Literal(name))


def note(doc: MapDocument, text: str = LONG):
    return commands.set_property(doc.store, ICU, RDFS.comment, Literal(text))


@pytest.fixture
def map_file(tmp_path) -> Path:
    path = tmp_path / "map" / "team.ttl"  # on the ordinary disk: only the journal is short of space
    path.parent.mkdir()
    path.write_text(MAP, encoding="utf-8")
    return path


def assert_refused(doc: MapDocument, attempt, watcher: Watcher, label: str) -> JournalError:
    before = state(doc)
    seen = len(watcher.seen)
    with no_hang(60, f"{label}, refused"), pytest.raises(JournalError) as caught:  # no retrying a full disk
        attempt()
    assert state(doc) == before  # the map, the undo history and the dirty flag agree: nothing happened
    assert watcher.kinds()[seen:] == ["EditNotRecorded"]  # the canvas hears no change, only the warning
    message = str(caught.value)
    assert message.startswith(f"{label}: not done, because the recovery journal ")
    assert "No space left on device" in message and "Free some space on that disk" in message
    assert str(doc._journal.path) in message and "\n" not in message and len(message) < 400
    assert watcher.seen[-1].message == message
    return caught.value


def test_the_first_edit_on_a_full_disk_is_refused_and_the_map_stays_clean(small_disk, map_file):
    doc = MapDocument.open(map_file, with_ontology=False)
    watcher = Watcher(doc)
    small_disk.fill()

    assert_refused(doc, lambda: doc.execute(rename(doc, "Intensive care")), watcher, "Set label")

    assert not doc.dirty and not doc.stack.can_undo()  # before: the label changed but the map stayed "clean"
    assert read_journal(doc._journal.key) is None
    small_disk.free()
    doc.execute(rename(doc, "Intensive care"))
    assert doc.dirty and read_journal(doc._journal.key).labels == ["Set label"]
    doc.close()


def test_an_edit_refused_part_way_through_the_journal_leaves_every_earlier_and_later_entry_readable(
    small_disk, map_file
):
    doc = MapDocument.open(map_file, with_ontology=False)
    doc.execute(rename(doc, "Intensive care"))
    watcher = Watcher(doc)
    small_disk.fill()

    assert_refused(doc, lambda: doc.execute(note(doc)), watcher, "Set comment")

    assert doc.stack.undo_text == "Set label"
    assert (ICU, RDFS.comment, Literal(LONG)) not in doc.store.as_rdflib()
    # The kernel took part of the line before saying no; a torn line would end the journal for its
    # reader and hide every later edit, so it must have been cut off.
    assert read_journal(doc._journal.key).labels == ["Set label"]
    small_disk.free()
    doc.execute(note(doc))
    doc.execute(rename(doc, "ICU 2"))
    assert read_journal(doc._journal.key).labels == ["Set label", "Set comment", "Set label"]
    doc.close()


def test_undo_and_redo_on_a_full_disk_are_refused_and_the_history_stays_in_step(small_disk, map_file):
    doc = MapDocument.open(map_file, with_ontology=False)
    doc.execute(note(doc))
    doc.execute(rename(doc, LONG))
    doc.undo()
    watcher = Watcher(doc)
    small_disk.fill()

    assert_refused(doc, doc.undo, watcher, "Undo Set comment")
    assert_refused(doc, doc.redo, watcher, "Redo Set label")
    assert doc.stack.undo_text == "Set comment" and doc.stack.redo_text == "Set label"
    assert (ICU, RDFS.comment, Literal(LONG)) in doc.store.as_rdflib()
    assert (ICU, RDFS.label, Literal("ICU")) in doc.store.as_rdflib()

    small_disk.free()
    doc.undo()
    assert not doc.stack.can_undo() and not doc.dirty
    assert read_journal(doc._journal.key).labels == ["Set comment", "Set label", "Undo Set label", "Undo Set comment"]
    doc.close()


def test_a_batch_whose_journal_entry_cannot_be_written_is_rolled_back(small_disk, map_file):
    doc = MapDocument.open(map_file, with_ontology=False)
    watcher = Watcher(doc)
    small_disk.fill()

    def add_team():
        with doc.batch("Add team"):
            for name in ("Ana", "Ben"):
                doc.execute(commands.add_node(doc.store, doc.mint_iri(UNIT, name), UNIT, name + LONG))

    assert_refused(doc, add_team, watcher, "Add team")
    assert doc.store.count() == 2 and doc.base_iri is None
    doc.close()


def test_a_change_a_worker_writes_on_a_full_disk_is_refused_without_an_event_from_its_thread(small_disk, map_file):
    import threading

    doc = MapDocument.open(map_file, with_ontology=False)
    watcher = Watcher(doc)
    small_disk.fill()
    before, refused = state(doc), []

    def worker():
        try:
            doc.write_ahead(note(doc))
        except JournalError as error:
            refused.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(60)

    assert refused and str(refused[0]).startswith("Set comment: not done, because the recovery journal ")
    # The views live on the window's thread: the worker's caller tells the user, not an event from the worker.
    assert state(doc) == before and watcher.seen == [] and doc.writing_ahead is None
    small_disk.free()
    doc.execute(rename(doc, "Intensive care"))  # nothing left waiting to settle
    assert read_journal(doc._journal.key).labels == ["Set label"]
    doc.close()


def test_a_save_after_a_refused_edit_writes_the_map_as_shown_and_reports_success(small_disk, map_file, tmp_path):
    doc = MapDocument.open(map_file, with_ontology=False)
    doc.execute(rename(doc, "Intensive care"))
    small_disk.fill()
    # Small edits use up the slack in the journal's last page, then one is refused.
    refused = None
    for i in range(200):
        try:
            doc.execute(commands.add_node(doc.store, URIRef(f"http://example.org/n{i}"), UNIT, f"Unit {i}"))
        except JournalError:
            refused = i
            break
    assert refused is not None, "the disk never filled"
    shown = frozenset(doc.store.quads())

    doc.save_as(tmp_path / "saved.ttl")  # before: wrote the file, then raised OSError from the journal

    assert not doc.dirty
    saved = MapDocument.open(tmp_path / "saved.ttl", editing=False, with_ontology=False)
    assert frozenset(saved.store.quads()) == shown
    assert URIRef(f"http://example.org/n{refused}") not in {q[0] for q in shown}
    doc.close()


CRASHING_EDITOR = textwrap.dedent(
    """
    import sys, time
    from rdflib import RDFS, Literal, URIRef
    from explorer.core import commands
    from explorer.core.document import MapDocument
    doc = MapDocument.open(sys.argv[1], with_ontology=False)
    doc.execute(
        commands.set_property(
            doc.store, URIRef("http://example.org/icu"), RDFS.label, Literal("Renamed before the crash")
        )
    )
    print("ready", flush=True)
    time.sleep(120)  # alive, with its edit journalled, until the test kills it: the crash under test
    """
)


def test_a_recovery_refused_on_a_full_disk_loses_nothing(small_disk, map_file):
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASHING_EDITOR, str(map_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        wait_for_line(proc, "ready", who="the editor")
        proc.send_signal(signal.SIGKILL)  # a real crash: nothing is cleaned up
        proc.wait(10)
    finally:
        proc.kill()
    doc = MapDocument.open(map_file, with_ontology=False)
    watcher = Watcher(doc)
    assert doc.pending_recovery.labels == ["Set label"]
    small_disk.fill()

    assert_refused(doc, doc.recover, watcher, "Recover unsaved changes")

    # The crashed session's edits are still offered, and still on disk for the next crash.
    assert doc.pending_recovery is not None
    assert read_journal(doc._journal.key).labels == ["Set label"]
    small_disk.free()
    doc.recover()
    assert Literal("Renamed before the crash") in {q[2] for q in doc.store.quads(ICU, RDFS.label)}
    assert read_journal(doc._journal.key).labels == ["Recover unsaved changes"]
    doc.close()
