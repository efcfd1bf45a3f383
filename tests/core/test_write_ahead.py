"""A change written into the map by a worker thread (``write_ahead``) and made an undo step after (``settle_ahead``).

A layout of 10k nodes writes 40k quads; written on the UI thread, that held the window 50-70 ms. The worker
writes it (journal first, then the store), the window settles it. In between, the map must refuse every
other change, a crash must still find the change in the journal, and an error must leave nothing waiting.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from rdflib import RDFS, URIRef
from support.processes import kill_when_ready

from explorer.core import commands, editing, events
from explorer.core.document import MapDocument
from explorer.core.errors import CommandError, SaveError
from explorer.core.terms import DEFAULT_GRAPH

RX = "https://w3id.org/routine-explorer/ns#"
UNIT = URIRef(RX + "Unit")
NODES = [URIRef(f"http://example.org/map/u{i}") for i in range(50)]


def write_map(path) -> None:
    lines = [f'<{n}> a <{UNIT}> ; <{RDFS.label}> "Unit {i}" .' for i, n in enumerate(NODES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def layout(doc: MapDocument):
    return editing.move_nodes(
        doc.store, {n: (10.0 * i, 20.0) for i, n in enumerate(NODES)}, label="Lay out force-directed"
    ).prepare()


def in_thread(work):
    """Run ``work`` in another thread, as the window's worker does; its result or its error."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    return outcome


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "map.ttl"
    write_map(path)
    document = MapDocument.open(path, with_ontology=False)
    yield document
    document.close()


def test_a_change_written_by_a_worker_is_in_the_map_and_becomes_one_undo_step_when_settled(doc):
    seen = []
    for kind in (events.GraphChanged, events.StackChanged, events.DirtyChanged):
        doc.events.subscribe(kind, seen.append)
    before = frozenset(doc.store.quads())

    outcome = in_thread(lambda: doc.write_ahead(layout(doc)))

    written = outcome["result"]
    assert frozenset(doc.store.quads()) == (before - written.removed) | written.added  # in the map already
    assert doc.writing_ahead == "Lay out force-directed"
    assert seen == [] and not doc.stack.can_undo()  # no event from the worker's thread, no undo step yet
    doc.settle_ahead()
    assert doc.writing_ahead is None and doc.stack.undo_text == "Lay out force-directed" and doc.dirty
    changed = [e for e in seen if isinstance(e, events.GraphChanged)]
    assert len(changed) == 1 and changed[0].added == written.added and len(changed[0].moves) == len(NODES)
    doc.settle_ahead()  # nothing left: a second call changes nothing
    assert len([e for e in seen if isinstance(e, events.GraphChanged)]) == 1
    doc.undo()
    assert frozenset(doc.store.quads()) == before and not doc.dirty


def test_until_it_settles_the_map_refuses_every_other_change_and_says_which_is_being_written(doc, tmp_path):
    in_thread(lambda: doc.write_ahead(layout(doc)))
    ward = commands.add_node(doc.store, URIRef("http://example.org/map/ward"), UNIT, "Ward")
    held = frozenset(doc.store.quads())
    refusals = [
        lambda: doc.execute(ward),
        lambda: doc.undo(),
        lambda: doc.batch("Add two").__enter__(),
        lambda: doc.write_ahead(ward),
    ]
    for attempt in refusals:
        with pytest.raises(CommandError, match="“Lay out force-directed” is being written into the map"):
            attempt()
    with pytest.raises(SaveError, match="“Lay out force-directed” is being written into the map: save when"):
        doc.save_as(tmp_path / "copy.ttl")
    assert frozenset(doc.store.quads()) == held and not (tmp_path / "copy.ttl").exists()
    doc.settle_ahead()
    doc.execute(ward)
    assert doc.stack.undo_text == "Add Ward"


def test_a_worker_cannot_write_into_a_batch_the_window_has_open(doc):
    before = frozenset(doc.store.quads())
    with doc.batch("Add a ward"):
        outcome = in_thread(lambda: doc.write_ahead(layout(doc)))
        doc.execute(commands.add_node(doc.store, URIRef("http://example.org/map/ward"), UNIT, "Ward"))
    assert isinstance(outcome["error"], CommandError) and "being grouped" in str(outcome["error"])
    assert doc.writing_ahead is None and doc.stack.undo_text == "Add a ward"
    doc.undo()
    assert frozenset(doc.store.quads()) == before


def test_a_change_that_fails_to_apply_leaves_nothing_waiting_and_the_map_as_it_was(doc, monkeypatch):
    before = frozenset(doc.store.quads())
    command = layout(doc)

    def broken(**_):
        raise OSError("the store failed")

    monkeypatch.setattr(doc.store, "apply", broken)
    outcome = in_thread(lambda: doc.write_ahead(command))
    monkeypatch.undo()
    assert isinstance(outcome["error"], OSError)
    assert doc.writing_ahead is None and frozenset(doc.store.quads()) == before and not doc.stack.can_undo()
    doc.execute(commands.add_node(doc.store, URIRef("http://example.org/map/ward"), UNIT, "Ward"))  # not locked out


@pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")
def test_a_process_killed_before_the_window_settled_the_change_finds_it_in_the_journal(tmp_path):
    path = tmp_path / "map.ttl"
    write_map(path)
    code = f"""
import threading, time
from rdflib import URIRef
from explorer.core import editing
from explorer.core.document import MapDocument
doc = MapDocument.open({str(path)!r}, with_ontology=False)
nodes = [URIRef(f"http://example.org/map/u{{i}}") for i in range({len(NODES)})]
command = editing.move_nodes(doc.store, {{n: (10.0 * i, 20.0) for i, n in enumerate(nodes)}},
                             label="Lay out force-directed").prepare()
worker = threading.Thread(target=doc.write_ahead, args=(command,))  # the window never settles it
worker.start()
worker.join()
print("ready", flush=True)
time.sleep(60)  # alive, holding the map, until the test kills it
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kill_when_ready(proc)
    doc = MapDocument.open(path, with_ontology=False)
    assert doc.pending_recovery is not None and doc.pending_recovery.labels == ["Lay out force-directed"]
    doc.recover()
    assert doc.stack.undo_text == "Recover unsaved changes"
    placed = {q[0]: q[2] for q in doc.store.quads(None, URIRef(RX + "canvasX"), None, DEFAULT_GRAPH)}
    assert set(placed) == set(NODES) and float(placed[NODES[3]]) == 30.0
    doc.close()
