"""N-Triples and N-Quads load in one read: screened, hashed and scanned block by block while Oxigraph parses.

Every test compares with the same document read the way it was before (screened whole first, then
parsed), which stays the way for documents the one read cannot take, and checks which way was taken.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import time

import pyoxigraph as ox
import pytest

from explorer.core import literal_forms, rdf_formats
from explorer.core.errors import FormatError, OperationCancelled
from explorer.core.rdf_formats import load_into
from explorer.core.store import EmbeddedStore
from explorer.core.terms import DEFAULT_GRAPH

XSD = "http://www.w3.org/2001/XMLSchema#"
# Forms Oxigraph keeps and forms it rewrites (see test_store_bulk.LITERALS).
FORMS = [
    ("0.10", "decimal"),
    ("0.5", "decimal"),
    ("01", "integer"),
    ("7", "integer"),
    ("1", "boolean"),
    ("0", "nonNegativeInteger"),
    ("2024-01-05", "date"),
    ("abc", "integer"),
    ("1e0", "double"),
]


def document(seed: int, statements: int, *, quads: bool = False) -> bytes:
    """A generated N-Triples (or N-Quads) document of several blocks: labels, ties and typed literals."""
    rng = random.Random(seed)
    lines = []
    for i in range(statements):
        graph = f" <http://e/g{rng.randrange(3)}>" if quads and rng.random() < 0.5 else ""
        kind = rng.random()
        if kind < 0.3:
            lexical, datatype = rng.choice(FORMS)
            obj = f'"{lexical}"^^<{XSD}{datatype}>'
        elif kind < 0.6:
            obj = f"<http://e/n{rng.randrange(statements)}>"
        else:
            obj = f'"label {i} with \\"quotes\\", ^^ and snake_case"@en'
        lines.append(f"<http://e/n{i % 5000}> <http://e/p{rng.randrange(20)}> {obj}{graph} .\n")
    return "".join(lines).encode()


def one_read_taken(monkeypatch) -> list:
    """Record whether each load took the one read (``True``), fell back (``False``) or raised in it."""
    taken: list = []
    real = rdf_formats._load_in_one_read

    def spy(*args, **kwargs):
        try:
            result = real(*args, **kwargs)
        except Exception:
            taken.append("raised")
            raise
        taken.append(result is not None)
        return result

    monkeypatch.setattr(rdf_formats, "_load_in_one_read", spy)
    return taken


def screened_first(monkeypatch, path, **kwargs):
    """The same document read the way it was before: screened whole, then parsed."""
    with monkeypatch.context() as patch:
        patch.setattr(rdf_formats, "_pipe_to_parser", lambda: None)
        store = ox.Store()
        return store, load_into(store, path, **kwargs)


@pytest.mark.parametrize(
    ("seed", "name", "quads"), [(1, "big.nt", False), (2, "big.nq", True), (3, "big.nt.gz", False)]
)
def test_a_document_of_many_blocks_loads_as_when_screened_first(tmp_path, monkeypatch, seed, name, quads):
    data = document(seed, 45_000, quads=quads)
    assert len(data) > 3 * rdf_formats._BLOCK
    path = tmp_path / name
    path.write_bytes(gzip.compress(data, compresslevel=1) if name.endswith(".gz") else data)
    taken = one_read_taken(monkeypatch)
    calls = []
    store = ox.Store()
    result = load_into(store, path, progress=lambda done, total: calls.append((done, total)))
    assert taken == [True]
    before, expected = screened_first(monkeypatch, path)
    assert set(store) == set(before)
    assert result.sha256 == expected.sha256 == hashlib.sha256(data).hexdigest()  # gzip: what it unpacks to
    assert set(result.typed_literal_quads) == set(expected.typed_literal_quads)
    # The stored forms found batch by batch are those found at once, and every rewritten literal is among them.
    assert result.rewritten == literal_forms.rewritten_forms(expected.typed_literal_quads)
    assert result.rewritten and {q.object.value for q in result.rewritten} >= {"0.10", "01", "1", "0"}
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_the_map_reads_back_and_saves_as_written(tmp_path):
    path = tmp_path / "m.nt"
    path.write_bytes(document(4, 30_000))
    store = EmbeddedStore()
    store.load(path)
    saved = tmp_path / "saved.nt"
    saved.write_bytes(store.dump(rdf_formats.FORMATS["ntriples"], graphs=[DEFAULT_GRAPH]))
    assert set(ox.parse(path=str(saved))) == set(ox.parse(path=str(path)))


def test_a_byte_order_mark_is_hashed_but_not_parsed(tmp_path, monkeypatch):
    path = tmp_path / "bom.nt"
    path.write_bytes(b"\xef\xbb\xbf" + document(5, 30_000))
    taken = one_read_taken(monkeypatch)
    store = ox.Store()
    result = load_into(store, path)
    assert taken == [True]
    before, expected = screened_first(monkeypatch, path)
    assert set(store) == set(before)
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.rewritten == literal_forms.rewritten_forms(expected.typed_literal_quads)


def test_a_blank_node_late_in_the_document_sends_it_the_way_that_keeps_its_name(tmp_path, monkeypatch):
    data = document(6, 40_000) + b'_:late <http://e/p> "01"^^<' + XSD.encode() + b"integer> .\n"
    path = tmp_path / "late.nt"
    path.write_bytes(data)
    taken = one_read_taken(monkeypatch)
    store = EmbeddedStore()
    store.load(path)
    assert taken == [False]
    assert ("late", "01") in {(str(s), str(o)) for s, _, o, _ in store.quads() if str(s) == "late"}
    assert store.count() == len(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))


def test_an_error_deep_in_the_document_names_its_line_in_bounded_time(tmp_path, monkeypatch):
    lines = document(7, 40_000).splitlines(keepends=True)
    lines[31_234] = b"<http://e/broken> <http://e/p> .\n"
    path = tmp_path / "broken.nt"
    path.write_bytes(b"".join(lines))
    taken = one_read_taken(monkeypatch)
    start = time.monotonic()
    with pytest.raises(FormatError) as caught:
        load_into(ox.Store(), path)
    assert time.monotonic() - start < 60  # a parser that stops must not leave the reader waiting on the pipe
    assert taken == ["raised"]
    assert caught.value.line == 31_235
    with pytest.raises(FormatError) as before:
        screened_first(monkeypatch, path)
    assert str(caught.value) == str(before.value)


def test_a_cancel_mid_way_stops_the_parser_before_the_end(tmp_path):
    data = document(8, 45_000)
    path = tmp_path / "c.nt"
    path.write_bytes(data)

    def cancel(done, total):
        if done > 2 * rdf_formats._BLOCK:
            raise OperationCancelled("cancelled")

    store = ox.Store()
    with pytest.raises(OperationCancelled):
        load_into(store, path, progress=cancel)
    assert len(store) < len(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))


def test_many_triple_term_openers_in_text_are_walked_exactly_and_load(tmp_path, monkeypatch):
    text = " ".join(["<<"] * 100)
    data = document(9, 30_000) + f'<http://e/a> <http://e/p> "{text}" .\n'.encode()
    path = tmp_path / "opens.nt"
    path.write_bytes(data)
    taken = one_read_taken(monkeypatch)
    store = ox.Store()
    load_into(store, path)
    assert taken == [False]
    assert len(store) == len(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
