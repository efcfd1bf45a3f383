"""A map read in a thread from the app's first moment: the same document, errors and cancels as a plain open."""

from __future__ import annotations

import time

import pytest

from explorer.core.document import MapDocument
from explorer.core.errors import FormatError, MapLockedError, OperationCancelled
from explorer.core.opening import Opening

TURTLE = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
<http://example.org/m> a <http://rdfs.org/ns/void#Dataset> .
<http://example.org/icu> a rx:Unit ; <http://www.w3.org/2000/01/rdf-schema#label> "ICU" .
"""


def _opens_again(path, seconds: float = 30) -> MapDocument:
    """The map opened for editing once its lock is free (the reading thread lets go when it ends)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return MapDocument.open(path)
        except MapLockedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_the_document_is_the_one_a_plain_open_reads_and_holds_the_map(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    document = Opening(path).result()
    try:
        plain = MapDocument.open(path, editing=False)
        assert set(document.store.quads()) == set(plain.store.quads())
        assert document.content_sha256 == plain.content_sha256
        with pytest.raises(MapLockedError):
            MapDocument.open(path)  # taken for editing, as the app's open takes it
    finally:
        document.close()
    _opens_again(path).close()


def test_a_malformed_file_fails_with_the_plain_opens_message(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text(TURTLE + "<http://example.org/x> <http://example.org/p> .\n", encoding="utf-8")
    with pytest.raises(FormatError) as plain:
        MapDocument.open(path, editing=False)
    with pytest.raises(FormatError) as threaded:
        Opening(path).result()
    assert str(threaded.value) == str(plain.value) and "broken.ttl" in str(threaded.value)
    path.write_text(TURTLE, encoding="utf-8")  # mended: it opens, so the failed reading let go of the map
    _opens_again(path).close()


def test_a_cancelled_opening_lets_go_of_the_map_and_keeps_nothing(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    opening = Opening(path)
    opening.cancel()
    with pytest.raises(OperationCancelled):
        opening.result()
    _opens_again(path).close()


def test_an_opening_cancelled_once_read_closes_its_document(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    opening = Opening(path)
    deadline = time.monotonic() + 30
    while not opening.done() and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(MapLockedError):
        MapDocument.open(path)  # read, and holding the map for whoever takes it
    opening.cancel()  # nobody will: the window was closed before it took the map
    MapDocument.open(path).close()
    with pytest.raises(OperationCancelled):
        opening.result()


def test_progress_is_reported_while_reading_and_raising_in_it_cancels(tmp_path):
    path = tmp_path / "big.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(500_000):
            out.write(f'<http://example.org/n{i}> <http://www.w3.org/2000/01/rdf-schema#label> "Node {i}" .\n')
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if len(seen) == 2:
            raise OperationCancelled("the user pressed Cancel")

    with pytest.raises(OperationCancelled, match="pressed Cancel"):
        Opening(path).result(progress)
    assert all(total == path.stat().st_size for _, total in seen[1:])
    _opens_again(path).close()


def test_the_document_is_handed_over_once(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    opening = Opening(path)
    document = opening.result()
    opening.cancel()  # too late: the caller owns the document, still open and holding the map
    with pytest.raises(MapLockedError):
        MapDocument.open(path)
    with pytest.raises(OperationCancelled):
        opening.result()
    document.close()
