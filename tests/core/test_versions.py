"""Earlier versions kept when a save replaces a map's file: made by saves, pruned, per map, never failing a save."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from rdflib import RDFS, Literal, URIRef

from explorer.core import events as ev
from explorer.core import versions
from explorer.core.commands import Command
from explorer.core.document import MapDocument
from explorer.core.terms import DEFAULT_GRAPH
from explorer.core.versions import keep_version, versions_of

WARD = URIRef("http://example.org/map/unit/ward-7")


def rename_ward(doc: MapDocument, name: str) -> None:
    old = frozenset(doc.store.quads(WARD, RDFS.label, None))
    doc.execute(
        Command(f"Rename to {name}", added=frozenset({(WARD, RDFS.label, Literal(name), DEFAULT_GRAPH)}), removed=old)
    )


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(f'<{WARD}> <{RDFS.label}> "Ward 7" .\n', encoding="utf-8")
    opened = MapDocument.open(path, with_ontology=False)
    yield opened
    opened.close()


def saved_at(path, seconds: int) -> None:
    """Give the file on disk a distinct save time (two saves in one test may share a clock tick)."""
    stamp = 1_700_000_000 + seconds
    os.utime(path, (stamp, stamp))


def test_each_save_keeps_the_file_it_replaces(doc):
    first = doc.path.read_bytes()
    saved_at(doc.path, 0)
    rename_ward(doc, "Ward 8")
    doc.save()
    second = doc.path.read_bytes()
    saved_at(doc.path, 1)
    rename_ward(doc, "Ward 9")
    doc.save()
    kept = versions_of(doc.path)
    assert [v.path.read_bytes() for v in kept] == [second, first]  # newest first
    assert [v.saved_at for v in kept] == [
        dt.datetime.fromtimestamp(1_700_000_001, dt.UTC),
        dt.datetime.fromtimestamp(1_700_000_000, dt.UTC),
    ]
    assert all(v.saved_at.tzinfo is not None and v.size == len(v.path.read_bytes()) for v in kept)
    assert all(v.path.suffix == ".ttl" for v in kept)


def test_saving_what_is_on_disk_already_keeps_nothing(doc):
    doc.save()  # the hand-written file is rewritten as the app writes it: that is a change, kept
    doc.save()
    assert len(versions_of(doc.path)) == 1


def test_save_as_another_file_keeps_no_version_of_either(doc, tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text("# someone else's\n")
    rename_ward(doc, "Ward 8")
    doc.save_as(other)
    assert versions_of(other) == [] and versions_of(tmp_path / "ward.ttl") == []


def test_only_the_newest_are_kept(doc, monkeypatch):
    monkeypatch.setattr(versions, "MAX_VERSIONS", 3)
    monkeypatch.setattr(versions.prune, "__kwdefaults__", {"keep": 3, "max_bytes": versions.MAX_BYTES})
    contents = []
    for number in range(6):
        saved_at(doc.path, number)
        contents.append(doc.path.read_bytes())
        rename_ward(doc, f"Ward {number + 10}")
        doc.save()
    assert [v.path.read_bytes() for v in versions_of(doc.path)] == contents[::-1][:3]


def test_oldest_dropped_to_stay_under_the_size_cap(doc, monkeypatch):
    rename_ward(doc, "Ward 99")
    doc.save()  # from here on every file has the same size
    size = len(doc.path.read_bytes())
    monkeypatch.setattr(versions.prune, "__kwdefaults__", {"keep": 20, "max_bytes": 2 * size + 2})
    for number in range(4):
        saved_at(doc.path, number)
        rename_ward(doc, f"Ward {number + 10}")
        doc.save()
    kept = versions_of(doc.path)
    assert len(kept) == 2 and sum(v.size for v in kept) <= 2 * size + 2


def test_a_version_that_cannot_be_kept_does_not_stop_the_save(doc, monkeypatch):
    data = versions.versions_folder(doc.path).parent
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where the versions folder should be\n")  # mkdir fails, even for root
    said = []
    doc.events.subscribe(ev.DocumentSaved, said.append)
    rename_ward(doc, "Ward 8")
    doc.save()
    assert "Ward 8" in doc.path.read_text() and not doc.dirty
    assert versions_of(doc.path) == []
    assert len(said) == 1 and said[0].warning.startswith("No earlier version of ward.ttl was kept")


def test_versions_of_one_map_do_not_mix_with_anothers(tmp_path):
    paths = []
    for name in ("a", "b"):
        path = tmp_path / name / "map.ttl"  # the same file name in two folders
        path.parent.mkdir()
        path.write_text(f"# {name}\n")
        paths.append(path)
        keep_version(path)
    a, b = (versions_of(p) for p in paths)
    assert [v.path.read_text() for v in a] == ["# a\n"] and [v.path.read_text() for v in b] == ["# b\n"]


def test_a_half_written_copy_is_never_listed(tmp_path):
    path = tmp_path / "map.ttl.gz"
    path.write_bytes(b"\x1f\x8b")
    kept = keep_version(path)
    assert kept.name.endswith("Z.ttl.gz")
    (kept.parent / ".0123.partial").write_bytes(b"cut short")
    assert [v.path for v in versions_of(path)] == [kept]
