"""A save streams the map into the file: the file holds exactly what the map serialised in memory would.

The streamed path (Oxigraph writing into the temporary copy, unused prefixes then taken out of
its header in place) must give the same bytes as :func:`serialize_quads`, whatever the prefixes,
the statements kept as written and what the file already held before; and a write that fails
half-way must leave the old file and the store as they were.
"""

from __future__ import annotations

import os
import tempfile

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core import rdf_formats
from explorer.core.atomic_file import TEMP_SUFFIX, atomic_write
from explorer.core.document import MapDocument, _content_sha256
from explorer.core.errors import SaveError
from explorer.core.rdf_formats import FORMATS, dump_graph_into, serialize_quads
from explorer.core.store import EmbeddedStore
from explorer.core.terms import DEFAULT_GRAPH

NAMESPACES = {"a": "http://a.example/", "bb": "http://bb.example/ns#", "c": "http://c.example/", "dd": "urn:dd:"}
XSD = "http://www.w3.org/2001/XMLSchema#"


def iri(ns: str, local: int) -> ox.NamedNode:
    return ox.NamedNode(f"{NAMESPACES[ns]}n{local}")


terms = st.builds(iri, st.sampled_from(sorted(NAMESPACES)), st.integers(0, 5))
literals = st.one_of(
    st.builds(ox.Literal, st.text(max_size=8)),
    st.builds(lambda v: ox.Literal(v, datatype=ox.NamedNode(XSD + "decimal")), st.sampled_from(["1.0", "0.10", "2"])),
)
quads = st.builds(lambda s, p, o: ox.Quad(s, p, o, ox.DefaultGraph()), terms, terms, st.one_of(terms, literals))


@settings(max_examples=60, deadline=None)
@given(
    body=st.lists(quads, max_size=12),
    extra=st.lists(quads, max_size=4),
    names=st.sets(st.sampled_from(sorted(NAMESPACES))),
    preamble=st.sampled_from([b"", b"# already here\n"]),
    fmt=st.sampled_from(["turtle", "ntriples"]),
)
def test_streaming_into_a_file_writes_what_serialising_in_memory_returns(body, extra, names, preamble, fmt):
    store = ox.Store()
    store.extend(body)
    prefixes = {name: NAMESPACES[name] for name in sorted(names)}
    expected = serialize_quads(None, FORMATS[fmt], store=store, prefixes=prefixes, extra=extra)
    # A named file: empty, Oxigraph writes it by its name; after a preamble, through the handle.
    with tempfile.NamedTemporaryFile("w+b") as handle:
        handle.write(preamble)
        dump_graph_into(handle, store, FORMATS[fmt], prefixes, extra=extra)
        handle.write(b"# after\n")  # the handle is left at the end of what it holds
        handle.seek(0)
        assert handle.read() == preamble + expected + b"# after\n"


def test_an_empty_named_file_is_written_by_oxigraph_itself(monkeypatch, tmp_path):
    """Through the handle Oxigraph takes the interpreter back for every write: beside a busy thread, a minute."""
    store = ox.Store()
    store.add(ox.Quad(iri("a", 1), iri("a", 2), ox.Literal("x")))
    outputs = []
    real_dump = ox.Store.dump

    def recording(self, output=None, *args, **kwargs):
        outputs.append(output)
        return real_dump(self, output, *args, **kwargs)

    monkeypatch.setattr(rdf_formats.ox.Store, "dump", recording)
    for preamble in (b"", b"# here\n"):
        path = tmp_path / f"out{len(preamble)}.ttl"
        with open(path, "w+b") as handle:
            handle.write(preamble)
            dump_graph_into(handle, store, FORMATS["turtle"], {"a": NAMESPACES["a"]})
        assert path.read_bytes() == preamble + b'@prefix a: <http://a.example/> .\na:n1 a:n2 "x" .\n'
    assert outputs[0] == str(tmp_path / "out0.ttl") and not isinstance(outputs[1], str)


def test_a_stream_that_is_not_a_file_gets_the_document_whole():
    import io

    store = ox.Store()
    store.add(ox.Quad(iri("a", 1), iri("a", 2), ox.Literal("x")))
    out = io.BytesIO()
    dump_graph_into(out, store, FORMATS["turtle"], dict(NAMESPACES))
    assert out.getvalue() == serialize_quads(None, FORMATS["turtle"], store=store, prefixes=dict(NAMESPACES))
    assert out.getvalue().startswith(b"@prefix a: <http://a.example/> .\na:n1")


@pytest.fixture
def spelled(tmp_path):
    """A map whose decimals are spelled as Oxigraph would not write them, with prefixes it never uses."""
    lines = [
        "@prefix rx: <https://w3id.org/routine-explorer/ns#> .",
        "@prefix unused: <http://unused.example/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    for i in range(40):
        lines.append(f'<http://e/u{i}> a rx:Unit ; rx:readiness "{i % 3}.50"^^xsd:decimal ; rx:label "u{i}" .')
    path = tmp_path / "spelled.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".ttl.gz", ".jsonld"])
def test_a_saved_file_holds_the_map_as_serialised_and_its_hash(spelled, tmp_path, suffix):
    doc = MapDocument.open(spelled, editing=False)
    fmt = rdf_formats.format_for_path(tmp_path / f"out{suffix}")
    target = tmp_path / f"out{suffix}"
    doc.save_as(target)
    expected = doc.serialize(fmt)
    assert _content_sha256(target) == doc.content_sha256 == __import__("hashlib").sha256(expected).hexdigest()
    if not suffix.endswith(".gz"):
        assert target.read_bytes() == expected
    if suffix == ".ttl":
        text = target.read_text(encoding="utf-8")
        assert "rx:readiness 1.50 ." in text and "unused:" not in text  # as written, not 1.5
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_a_write_that_fails_half_way_leaves_the_file_and_the_store_as_they_were(spelled, tmp_path, monkeypatch):
    doc = MapDocument.open(spelled, editing=False)
    target = tmp_path / "out.ttl"
    target.write_bytes(b"the old file\n")
    before = set(doc.store.oxigraph)
    real_dump = ox.Store.dump

    def half(self, output=None, *args, **kwargs):
        if isinstance(output, str):  # the temporary copy, by its name
            with open(output, "wb") as copy:
                copy.write(b"@prefix rx: <https://w3id.org/routine-explorer/ns#> .\nhalf a ")
            raise OSError(28, "No space left on device")
        return real_dump(self, output, *args, **kwargs)

    monkeypatch.setattr(rdf_formats.ox.Store, "dump", half)
    with pytest.raises(SaveError, match="No space left on device"):
        doc.save_as(target)
    assert target.read_bytes() == b"the old file\n"
    assert set(doc.store.oxigraph) == before  # the statements set aside for the write are back
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_atomic_write_takes_a_writer_and_a_last_look_before_replacing(tmp_path):
    target = tmp_path / "map.ttl"
    target.write_bytes(b"old\n")
    seen = []
    atomic_write(
        target, lambda handle: handle.write(b"new\n"), before_replace=lambda copy: seen.append(copy.read_bytes())
    )
    assert target.read_bytes() == b"new\n" and seen == [b"new\n"]

    def refuse(copy):
        raise OSError(5, "Input/output error")

    with pytest.raises(SaveError, match="Input/output error"):
        atomic_write(target, b"newer\n", before_replace=refuse)
    assert target.read_bytes() == b"new\n"
    assert sorted(os.listdir(tmp_path)) == ["map.ttl"]


def test_the_store_streams_only_what_it_would_dump(spelled):
    store = EmbeddedStore()
    store.load(spelled)
    for name in ("turtle", "ntriples", "rdfxml", "nquads", "trig", "jsonld"):
        with tempfile.TemporaryFile() as handle:
            graphs = [DEFAULT_GRAPH]
            store.dump_into(
                handle, FORMATS[name], graphs=graphs, prefixes={"rx": "https://w3id.org/routine-explorer/ns#"}
            )
            handle.seek(0)
            assert handle.read() == store.dump(
                FORMATS[name], graphs=graphs, prefixes={"rx": "https://w3id.org/routine-explorer/ns#"}
            ), name


def _many(count: int) -> list[ox.Quad]:
    decimal = ox.NamedNode(XSD + "decimal")
    return [
        ox.Quad(iri("a", i), iri("bb", i % 7), ox.Literal(f"{i}.25", datatype=decimal), ox.DefaultGraph())
        for i in range(count)
    ]


def test_the_store_may_change_once_the_dump_has_read_it(tmp_path):
    """The statements set aside go back while Oxigraph still writes: what it writes no longer changes then."""
    store = ox.Store()
    store.extend(_many(100_000))
    prefixes = {"a": NAMESPACES["a"], "bb": NAMESPACES["bb"]}
    expected = serialize_quads(None, FORMATS["turtle"], store=store, prefixes=prefixes)
    assert len(expected) > 2 * rdf_formats._READ_MARGIN
    path = tmp_path / "out.ttl"
    seen = []

    def changed() -> None:
        seen.append(path.stat().st_size)
        store.remove(_many(1)[0])
        store.add(ox.Quad(iri("c", 1), iri("c", 2), ox.Literal("later"), ox.DefaultGraph()))

    with open(path, "w+b") as handle:
        dump_graph_into(handle, store, FORMATS["turtle"], prefixes, once_read=changed)
    assert path.read_bytes() == expected
    assert len(seen) == 1 and 0 < seen[0] < len(expected)  # called while Oxigraph was writing


def test_a_big_map_saved_holds_its_spellings_and_keeps_its_statements(tmp_path):
    """Saved while the statements set aside go back: the file has each as written, once; the store has all."""
    lines = [
        "@prefix rx: <https://w3id.org/routine-explorer/ns#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    lines += [f'<http://e/u{i}> a rx:Unit ; rx:readiness "{i % 9}.50"^^xsd:decimal .' for i in range(40_000)]
    source = tmp_path / "big.ttl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = MapDocument.open(source, editing=False)

    def statements(document: MapDocument) -> set:
        return set(document.store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    before = statements(doc)
    target = tmp_path / "out.ttl"
    doc.save_as(target)
    assert target.stat().st_size > 2 * rdf_formats._READ_MARGIN
    assert statements(doc) == before and len(before) == 80_000
    text = target.read_text(encoding="utf-8")
    assert text.count("rx:readiness") == 40_000 and text.count(".50 ") == 40_000  # none written as 1.5 as well
    assert statements(MapDocument.open(target, editing=False)) == before


_subjects = st.one_of(terms, st.builds(ox.BlankNode, st.sampled_from(["b1", "b2"])))
_hostile = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"} ; DROP ALL ; INSERT DATA { <urn:x> <urn:y> "z" }', "line\nbreak\\", ">", "\u202e"]
)
_objects = st.one_of(
    terms,
    st.builds(ox.BlankNode, st.sampled_from(["b1", "b3"])),
    st.builds(ox.Literal, _hostile),
    st.builds(lambda text: ox.Literal(text, language="en-GB"), _hostile),
    st.builds(lambda v: ox.Literal(v, datatype=ox.NamedNode(XSD + "decimal")), st.sampled_from(["1.0", "0.10", "-2"])),
)


@settings(max_examples=60, deadline=None)
@given(
    quads=st.lists(st.builds(lambda s, p, o: ox.Quad(s, p, o, ox.DefaultGraph()), _subjects, terms, _objects)),
    kept=st.sets(st.integers(0, 40)),
    busy=st.booleans(),
)
def test_statements_are_removed_alike_one_by_one_and_in_one_update(quads, kept, busy):
    """Beside a busy thread the statements set aside for a save go in one DELETE DATA: the same ones, and only them."""
    from unittest import mock

    from explorer.core import store as store_module

    store = ox.Store()
    store.extend(quads)
    store.add(ox.Quad(iri("c", 0), iri("c", 0), ox.Literal("elsewhere"), iri("c", 9)))  # a named graph keeps it
    held = list(dict.fromkeys(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    gone = [q for i, q in enumerate(held) if i not in kept]
    # A free call takes no time at all when busy (so every call seems slow), forever when not.
    with (
        mock.patch.object(store_module, "_PROBE", 2),
        mock.patch.object(store_module, "_FREE_CALL", 0.0 if busy else 1e9),
    ):
        store_module._remove_all(store, gone)
    assert set(store) == {q for q in held if q not in gone} | {
        ox.Quad(iri("c", 0), iri("c", 0), ox.Literal("elsewhere"), iri("c", 9))
    }


def test_statements_the_update_refuses_are_removed_one_by_one(monkeypatch):
    from explorer.core import store as store_module

    class Refusing:
        """A store whose updates fail, as one would on a term SPARQL cannot spell."""

        def __init__(self, store: ox.Store) -> None:
            self.store = store

        def remove(self, quad: ox.Quad) -> None:
            self.store.remove(quad)

        def update(self, text: str) -> None:
            raise SyntaxError("refused")

    store = ox.Store()
    quads = _many(10)
    store.extend(quads)
    monkeypatch.setattr(store_module, "_PROBE", 2)
    monkeypatch.setattr(store_module, "_FREE_CALL", 0.0)  # every call seems slow: the update is tried
    store_module._remove_all(Refusing(store), quads[:-1])
    assert list(store) == [quads[-1]]


def test_a_save_that_fails_while_setting_statements_aside_keeps_them_all(spelled, tmp_path, monkeypatch):
    from explorer.core import store as store_module

    doc = MapDocument.open(spelled, editing=False)
    before = set(doc.store.oxigraph)
    real = store_module._remove_all

    def half(store, quads):
        real(store, quads[: len(quads) // 2])
        raise MemoryError("out of memory")

    monkeypatch.setattr(store_module, "_remove_all", half)
    with pytest.raises(MemoryError):
        doc.save_as(tmp_path / "out.ttl")
    assert set(doc.store.oxigraph) == before and not (tmp_path / "out.ttl").exists()
