"""Nothing lost: a save killed part-way, and a process killed with unsaved edits.

The processes are real and really killed (SIGKILL): no cleanup code runs in them.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from rdflib import RDFS, Literal, URIRef
from support.processes import kill_when_ready, wait_for_line

from explorer.core.document import MapDocument
from explorer.core.errors import MapLockedError
from explorer.core.journal import orphaned_untitled

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")

RX = "https://w3id.org/routine-explorer/ns#"


def write_map(path, people: int) -> None:
    lines = [
        "<http://example.org/map> a <http://rdfs.org/ns/void#Dataset> ; "
        '<http://rdfs.org/ns/void#uriSpace> "http://example.org/map/" .'
    ]
    for i in range(people):
        lines.append(
            f"<http://example.org/map/p{i}> a <{RX}Person> ; "
            f'<http://www.w3.org/2000/01/rdf-schema#label> "Person {i}" .'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def child(code: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def test_a_save_killed_part_way_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / "big.ttl"
    write_map(path, 20_000)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    # The child saves, and is killed while the new content sits in the temporary
    # file (its fsync is slowed down so the moment can be caught every time).
    proc = child(
        f"""
        import os, sys, time
        from rdflib import URIRef, Literal, RDFS
        from explorer.core import atomic_file, commands
        from explorer.core.document import MapDocument
        doc = MapDocument.open({str(path)!r}, with_ontology=False)
        doc.execute(
            commands.set_property(doc.store, URIRef("http://example.org/map/p1"), RDFS.label, Literal("renamed"))
        )
        real_fsync = os.fsync
        def slow_fsync(fd):
            real_fsync(fd)
            print("writing", flush=True)
            time.sleep(60)  # part-way through the save until the test kills it
        atomic_file.os.fsync = slow_fsync
        doc.save()
        print("saved", flush=True)
        """
    )
    try:
        wait_for_line(proc, "writing")
        temp = list(tmp_path.glob(".big.ttl.*.rx-saving"))
        assert temp and temp[0].stat().st_size > 0  # the kill really lands mid-save
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    doc = MapDocument.open(path, with_ontology=False)
    assert doc.store.count() == 40_002
    # The edit itself was journaled before the save began, so it is not lost either.
    assert doc.pending_recovery is not None
    doc.recover()
    assert Literal("renamed") in {q[2] for q in doc.store.quads(URIRef("http://example.org/map/p1"), RDFS.label)}
    doc.close()


def test_a_killed_process_with_unsaved_edits_is_recovered_on_next_open(tmp_path):
    path = tmp_path / "team.ttl"
    write_map(path, 10)
    original = frozenset(MapDocument.open(path, editing=False, with_ontology=False).store.quads())
    proc = child(
        f"""
        import time
        from rdflib import URIRef, Literal, RDFS
        from explorer.core import commands
        from explorer.core.document import MapDocument
        doc = MapDocument.open({str(path)!r}, with_ontology=False)
        unit = URIRef("{RX}Unit")
        icu = doc.mint_iri(unit, "ICU")
        doc.execute(commands.add_node(doc.store, icu, unit, "ICU"))
        doc.execute(
            commands.set_property(doc.store, URIRef("http://example.org/map/p3"), RDFS.label, Literal("Nurse lead"))
        )
        doc.execute(commands.remove_node(doc.store, URIRef("http://example.org/map/p4")))
        doc.undo()
        print(icu, flush=True)
        print("ready", flush=True)
        time.sleep(60)  # alive, holding the map, until the test kills it: the crash under test
        """
    )
    try:
        icu = URIRef(proc.stdout.readline().strip())
        wait_for_line(proc, "ready")
        with pytest.raises(MapLockedError, match=f"process {proc.pid}"):
            MapDocument.open(path, with_ontology=False)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
    doc = MapDocument.open(path, with_ontology=False)  # the dead process's lock is gone
    recovery = doc.pending_recovery
    assert recovery is not None and recovery.matches(doc.content_sha256)
    assert recovery.labels == [
        "Add ICU",
        "Set label",
        "Delete http://example.org/map/p4",
        "Undo Delete http://example.org/map/p4",
    ]
    doc.recover()
    labels = {q[2] for q in doc.store.quads(None, RDFS.label)}
    assert Literal("ICU") in labels and Literal("Nurse lead") in labels and Literal("Person 4") in labels
    assert doc.dirty and doc.stack.undo_text == "Recover unsaved changes"
    assert (icu, RDFS.label, Literal("ICU")) in doc.store.as_rdflib()
    doc.undo()
    assert frozenset(doc.store.quads()) == original
    doc.close()
    # Recovery is offered once: after a clean close there is nothing left to recover.
    assert MapDocument.open(path, with_ontology=False).pending_recovery is None


def kill_after_deleting_p0(path) -> None:
    """A process opens ``path``, deletes p0 and is killed (SIGKILL) with that edit unsaved."""
    proc = child(
        f"""
        import time
        from rdflib import URIRef
        from explorer.core import commands
        from explorer.core.document import MapDocument
        doc = MapDocument.open({str(path)!r}, with_ontology=False)
        doc.execute(commands.remove_node(doc.store, URIRef("http://example.org/map/p0")))
        print("ready", flush=True)
        time.sleep(60)  # alive, holding the map, until the test kills it: the crash under test
        """
    )
    kill_when_ready(proc)


def test_declining_recovery_discards_the_journal(tmp_path):
    path = tmp_path / "team.ttl"
    write_map(path, 3)
    kill_after_deleting_p0(path)
    doc = MapDocument.open(path, with_ontology=False)
    assert doc.pending_recovery is not None
    doc.discard_recovery()
    doc.close()
    assert MapDocument.open(path, with_ontology=False).pending_recovery is None


def test_a_map_closed_before_its_recovery_was_offered_keeps_the_edits(tmp_path):
    # An opening cancelled or superseded after the file was read closes the document before the
    # window asks about the crashed session's edits: they must still be there the next time.
    path = tmp_path / "team.ttl"
    write_map(path, 3)
    kill_after_deleting_p0(path)
    for _ in range(2):
        doc = MapDocument.open(path, with_ontology=False)
        assert doc.pending_recovery is not None and doc.pending_recovery.labels == ["Delete http://example.org/map/p0"]
        doc.close()
    doc = MapDocument.open(path, with_ontology=False)
    doc.recover()
    assert URIRef("http://example.org/map/p0") not in {q[0] for q in doc.store.quads()}
    doc.close()


def test_an_untitled_map_is_recovered_after_a_kill():
    proc = child(
        f"""
        import time
        from rdflib import URIRef
        from explorer.core import commands
        from explorer.core.document import MapDocument
        doc = MapDocument.new(with_ontology=False)
        kind = URIRef("{RX}Routine")
        doc.execute(commands.add_node(doc.store, doc.mint_iri(kind, "Handover"), kind, "Handover"))
        print("ready", flush=True)
        time.sleep(60)  # alive, holding the map, until the test kills it: the crash under test
        """
    )
    kill_when_ready(proc)
    found = orphaned_untitled()
    assert len(found) == 1 and found[0].labels == ["Add Handover"]
    doc = MapDocument.recover_untitled(found[0], with_ontology=False)
    assert Literal("Handover") in {q[2] for q in doc.store.quads(None, RDFS.label)}
    assert doc.dirty
    doc.close()
    assert orphaned_untitled() == []
