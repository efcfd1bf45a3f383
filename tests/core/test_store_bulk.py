"""The store's bulk paths: native loading with the rewritten-literal check done in bulk, and native saving.

Oxigraph keeps numbers, booleans and dates by value; the store remembers the literals it rewrote so a
map round-trips exactly. These tests hold the bulk scan (``explorer.core.literal_forms``) and the
native dump to that promise, on the shapes that could slip past a scan of bytes.
"""

from __future__ import annotations

import hashlib
import random

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from explorer.core import literal_forms, rdf_formats
from explorer.core.errors import FormatError, OperationCancelled
from explorer.core.rdf_formats import FORMATS, load_into
from explorer.core.store import EmbeddedStore, Store
from explorer.core.terms import DEFAULT_GRAPH, to_ox

XSD = "http://www.w3.org/2001/XMLSchema#"
# (lexical form, datatype): which Oxigraph rewrites and which it keeps.
LITERALS = [
    ("0.10", "decimal"),  # rewritten: 0.1
    ("0.13", "decimal"),
    ("1.0", "decimal"),  # rewritten: 1
    ("01", "integer"),  # rewritten: 1
    ("7", "integer"),
    ("-0", "integer"),  # rewritten: 0
    ("0", "nonNegativeInteger"),  # rewritten: "0"^^xsd:integer
    ("1e0", "double"),  # rewritten: 1
    ("1", "boolean"),  # rewritten: true
    ("true", "boolean"),
    ("2024-01-05", "date"),
    ("abc", "integer"),  # no valid value: kept
]


def nt_line(i: int, lexical: str, datatype: str, subject: str | None = None) -> str:
    subject = subject or f"<http://e/s{i}>"
    return f'{subject} <http://e/p> "{lexical}"^^<{XSD}{datatype}> .\n'


def stored_as(lexical: str, datatype: str) -> bool:
    """Whether Oxigraph keeps the literal in another form than written."""
    literal = ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))
    scratch = ox.Store()
    scratch.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), literal))
    return next(iter(scratch)).object != literal


def written(path) -> set[ox.Quad]:
    """The quads of a file as written, lexical forms and all (Oxigraph's parser keeps them)."""
    return set(ox.parse(path=str(path)))


def read_back(store: EmbeddedStore) -> set[str]:
    return {" ".join(t.n3() for t in quad[:3]) for quad in store.quads()}


@pytest.fixture
def mixed(tmp_path):
    """An N-Triples file mixing rewritten and kept literals, blank nodes among the subjects."""
    lines = [nt_line(i, lexical, datatype) for i, (lexical, datatype) in enumerate(LITERALS)]
    lines += [nt_line(100 + i, lexical, datatype, f"_:b{i}") for i, (lexical, datatype) in enumerate(LITERALS)]
    lines.append('<http://e/a> <http://e/label> "a ^^ in text, \\"01\\"^^ too" .\n')
    path = tmp_path / "mixed.nt"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_rewritten_literals_read_back_and_save_as_written(mixed, tmp_path, fmt):
    store = EmbeddedStore()
    store.load(mixed)
    got = {(str(s), str(o), str(o.datatype)) for s, _, o, _ in store.quads() if o.datatype}
    assert ("http://e/s3", "01", XSD + "integer") in got
    assert ("http://e/s6", "0", XSD + "nonNegativeInteger") in got
    assert {(o, d) for s, o, d in got if not s.startswith("http")} >= {
        ("0.10", XSD + "decimal"),
        ("1", XSD + "boolean"),
    }
    saved = tmp_path / f"saved{FORMATS[fmt].extension}"
    saved.write_bytes(store.dump(FORMATS[fmt], graphs=[DEFAULT_GRAPH]))
    assert written(saved) == written(mixed)


def test_the_store_is_whole_again_after_a_save_even_a_failed_one(mixed, monkeypatch):
    store = EmbeddedStore()
    store.load(mixed)
    before = set(store.oxigraph)
    store.dump(FORMATS["turtle"], graphs=[DEFAULT_GRAPH])
    assert set(store.oxigraph) == before

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(rdf_formats.ox, "serialize", broken)
    with pytest.raises(OSError):
        store.dump(FORMATS["ntriples"], graphs=[DEFAULT_GRAPH])
    assert set(store.oxigraph) == before


def test_the_line_scan_finds_every_rewritten_literal_however_the_file_is_cut():
    rng = random.Random(7)
    lines = [nt_line(i, *rng.choice(LITERALS)) for i in range(400)]
    lines[5] = '<http://e/x> <http://e/p> "plain" . # "01"^^ in a comment\n'
    lines[9] = "<http://e/t> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> .\r\n"
    data = "".join(lines).encode()
    rewritten = {f'"{lexical}"^^<{XSD}{datatype}>' for lexical, datatype in LITERALS if stored_as(lexical, datatype)}
    assert '"0.10"^^<http://www.w3.org/2001/XMLSchema#decimal>' in rewritten and len(rewritten) == 7
    expected = {line.rstrip("\r\n") for line in lines if any(form in line for form in rewritten)}
    canonical = {
        f'"{lexical}"^^<{XSD}{datatype}>' for lexical, datatype in LITERALS[1:2] + LITERALS[4:5] + LITERALS[9:11]
    }
    for size in (1, 7, 64, 1000, len(data)):
        scan = literal_forms.LineScan()
        for start in range(0, len(data), size):
            scan.feed(data[start : start + size])
        found = {line.decode().rstrip("\r\n") for line in scan.lines}
        assert expected <= found, size
        assert lines[9].rstrip("\r\n") in found  # the triple term, to be refused
        assert not any(form in line for line in found for form in canonical)  # passed over


@pytest.mark.parametrize(
    ("text", "may"),
    [
        (f'e:a e:p 1, -2, 0.5, true, "Unit 7", "2024-01-05"^^xsd:date, "3"^^<{XSD}integer> .', False),
        ('e:a e:p "5"^^xsd:integer.', False),  # a statement's end right after the datatype
        ("e:a e:p 5.\ne:b e:p (1 2) .", False),
        ('e:a e:p "x" .\ns:body\\/215 e:p e:b .', False),  # digits after an escape in a name
        ("e:a e:p 2.50 .", True),
        ("e:a e:p 007 .", True),
        ("e:a e:p +1 .", True),
        ("e:a e:p .5 .", True),
        ("e:a e:p 1e3 .", True),
        ('e:a e:p ("a"01) .', True),  # a number right after a string
        ('e:a e:p "01"^^xsd:integer .', True),
        ("e:a e:p '1'^^xsd:integer .", True),  # a form the scan does not read: looked at
        ('e:a e:p """1"""^^xsd:integer .', True),
        ('e:a e:p "0"^^xsd:nonNegativeInteger .', True),
        ("e:a e:p <<( e:b e:c e:d )>> .", True),
        ('e:a e:p "Room 007" .', True),  # strings are not told apart: only more work
    ],
)
def test_turtle_is_watched_when_it_may_hold_a_rewritten_literal(text, may):
    prologue = (
        "@prefix e: <http://e/> .\n@prefix s: <http://s/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    )
    assert literal_forms.turtle_needs_watching((prologue + text).encode()) is may


def test_turtle_with_rewritten_literals_reads_back_as_written(tmp_path):
    path = tmp_path / "m.ttl"
    path.write_text(
        '@prefix e: <http://e/> .\ne:a e:p 0.50, 01, "1"^^<http://www.w3.org/2001/XMLSchema#boolean> ; e:q 3 .\n'
    )
    store = EmbeddedStore()
    store.load(path)
    assert read_back(store) == {
        '<http://e/a> <http://e/p> "0.50"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '<http://e/a> <http://e/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer>',
        '<http://e/a> <http://e/p> "1"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        '<http://e/a> <http://e/q> "3"^^<http://www.w3.org/2001/XMLSchema#integer>',
    }


def test_a_triple_term_in_n_triples_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "t.nt"
    path.write_text(
        '<http://e/a> <http://e/p> "x" .\n<http://e/a> <http://e/p> <<( <http://e/b> <http://e/c> <http://e/d> )>> .\n'
    )
    with pytest.raises(FormatError, match="triple terms") as caught:
        load_into(ox.Store(), path)
    assert "t.nt" in str(caught.value)


def test_the_hash_is_the_files_and_progress_can_cancel(mixed):
    calls = []
    result = load_into(ox.Store(), mixed, progress=lambda done, total: calls.append((done, total)))
    assert result.sha256 == hashlib.sha256(mixed.read_bytes()).hexdigest()
    assert calls and calls[-1] == (mixed.stat().st_size, mixed.stat().st_size)

    def cancel(done, total):
        raise OperationCancelled("cancelled")

    with pytest.raises(OperationCancelled):
        load_into(ox.Store(), mixed, progress=cancel)


def test_unused_prefixes_are_dropped_and_one_used_last_is_kept():
    body = b"a:x a:y a:z .\n" * 1000 + b"a:x a:y last:z .\n"
    header = b"@prefix a: <http://a/> .\n@prefix bst: <http://n/> .\n@prefix last: <http://l/> .\n"
    header += b"@prefix xa: <http://x/> .\n"
    out = rdf_formats.drop_unused_prefixes(header + body)
    assert out == b"@prefix a: <http://a/> .\n@prefix last: <http://l/> .\n" + body


@pytest.mark.parametrize("name", ["m.nt", "m.ttl"])
def test_blank_nodes_keep_their_names_and_prefixes_are_reported(tmp_path, name):
    # Oxigraph's bulk loader renames blank nodes; a crash's journal names them as they were read.
    path = tmp_path / name
    body = '<http://e/a> <http://e/p> "x" .\n'
    path.write_text(body + '_:b1 <http://e/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    store = EmbeddedStore()
    store.load(path)
    assert {str(s) for s, *_ in store.quads()} == {"http://e/a", "b1"}
    path.write_text("@prefix e: <http://e/> .\nPREFIX f: <http://f/>\ne:a e:p f:b, 0.5 .\n")
    result = load_into(ox.Store(), path, format=FORMATS["turtle"])
    assert result.prefixes == {"e": "http://e/", "f": "http://f/"}


def test_a_bare_number_found_while_loading_sends_the_document_the_slow_way(tmp_path):
    # The numbers are checked beside Oxigraph's bulk load; one it rewrites means reading again, watching.
    path = tmp_path / "n.ttl"
    path.write_text("@prefix e: <http://e/> .\ne:a e:p 0.50 ; e:q 2 .\n")
    store = EmbeddedStore()
    result = store.load(path)
    assert result.prefixes == {"e": "http://e/"}
    assert read_back(store) == {
        '<http://e/a> <http://e/p> "0.50"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '<http://e/a> <http://e/q> "2"^^<http://www.w3.org/2001/XMLSchema#integer>',
    }


def test_a_line_in_a_long_string_that_reads_like_a_prefix_declares_nothing(tmp_path):
    path = tmp_path / "long.ttl"
    path.write_bytes(b'@prefix e: <http://e/> .\ne:a e:p 1, """\nprefix e: <http://zzz/>\n""" .\n')
    result = EmbeddedStore().load(path, format="turtle")
    assert result.prefixes["e"] == "http://e/"


@pytest.mark.parametrize("seed", range(5))
def test_a_command_prepared_ahead_leaves_the_map_and_its_journal_as_one_applied_as_it_comes(
    seed, tmp_path, monkeypatch
):
    """Command.prepare (a layout's worker) reads ahead the Oxigraph quads, the journal text and the rewritten
    literals; done, undone and redone, the map reads back and saves exactly as with nothing read ahead."""
    from rdflib import Literal, URIRef

    from explorer.core.commands import Command
    from explorer.core.document import MapDocument
    from explorer.core.journal import Journal

    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))
    rng = random.Random(seed)

    def literal() -> Literal:
        lexical, datatype = rng.choice(LITERALS)
        return Literal(lexical, datatype=URIRef(XSD + datatype))

    # One literal per subject: two of equal value ("01" and "1") are one statement to Oxigraph, a known limit.
    quads = [(URIRef(f"http://e/s{i}"), URIRef("http://e/p"), literal(), DEFAULT_GRAPH) for i in range(60)]
    change = (URIRef("http://e/s1"), URIRef("http://e/q"), literal(), DEFAULT_GRAPH)
    outcomes = []
    for prepared in (False, True):
        doc = MapDocument.new(with_ontology=False)
        lines = []
        monkeypatch.setattr(Journal, "_write", lambda self, data, lines=lines: lines.append(data))
        try:
            first = Command("Add", added=frozenset(quads))
            second = Command("Change", added=frozenset({change}), removed=frozenset(quads[:10]))
            for command in (first, second):
                doc.execute(command.prepare() if prepared else command)
            doc.undo()
            doc.redo()
            ours = [
                line
                for line in doc.store.dump(FORMATS["ntriples"], graphs=[DEFAULT_GRAPH]).splitlines()
                if line.startswith(b"<http://e/")
            ]
            outcomes.append(
                (
                    {q for q in read_back(doc.store) if q.startswith("<http://e/")},
                    sorted(ours),
                    [line.split(b'"added"', 1)[1] for line in lines],
                )
            )
        finally:
            doc.close()
    as_written = {" ".join(t.n3() for t in q[:3]) for q in (set(quads) - set(quads[:10])) | {change}}
    assert outcomes[0][0] == outcomes[1][0] == as_written
    assert outcomes[0][1] == outcomes[1][1]
    assert outcomes[0][2] == outcomes[1][2]


def canonical(obj: Literal) -> ox.Literal:
    """The form Oxigraph keeps a literal in."""
    scratch = ox.Store()
    scratch.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), to_ox(obj)))
    return next(iter(scratch)).object


def test_a_pattern_naming_an_object_finds_the_quads_of_that_value_as_written_while_they_last():
    rng = random.Random(11)
    store = EmbeddedStore()
    quads = [
        (
            URIRef(f"http://e/s{i}"),
            URIRef("http://e/p"),
            Literal(lexical, datatype=URIRef(XSD + datatype)),
            DEFAULT_GRAPH,
        )
        for i in range(300)
        for lexical, datatype in [rng.choice(LITERALS)]
    ]
    store.apply(added=quads)
    live = list(quads)
    objects = {q[2]: canonical(q[2]) for q in quads}
    rng.shuffle(quads)
    for gone in quads[:60]:
        for obj, value in objects.items():
            # By value (SPARQL's sameTerm aside, as Oxigraph matches), each handed back as written.
            assert sorted(store.quads(None, None, obj)) == sorted(q for q in live if objects[q[2]] == value)
        store.apply(removed=[gone])
        live.remove(gone)
    store.clear(DEFAULT_GRAPH)
    assert not list(store.quads(None, None, quads[0][2]))


def test_prefix_names_are_found_wherever_they_stand_across_the_blocks_searched(monkeypatch):
    rng = random.Random(5)
    block = 64 * 1024  # the blocks' ends fall as they would at full size, in a body of a few blocks
    monkeypatch.setattr(rdf_formats, "_SCAN_BLOCK", block)
    names = [b"a", b"ab", b"rdf", b"rdfs", b"xsd", b"skos", b"org", b"orgx", b"p1", b"dct"]
    for trial in range(6):
        body = bytearray(rng.choice(b'<>htps:/ .;\n\tx"') for _ in range(3 * block + 777))
        # Colons at each side of the blocks' ends (the name in the block before), and anywhere.
        places = [block - 1, block, 2 * block - 1, 2 * block + 1, rng.randrange(8, len(body) - 1)]
        for name, colon in zip(rng.sample(names, len(places)), places):
            body[colon - len(name) : colon + 1] = name + b":"
        header = b"".join(b"@prefix " + n + b": <http://n/" + n + b"#> .\n" for n in names)
        data = header + bytes(body)
        expected = {n for n in names if n + b":" in body}
        assert rdf_formats._names_before_colons(data, len(header), names) == expected, trial


def test_a_prefix_used_only_by_a_literal_kept_as_written_is_declared():
    store = EmbeddedStore()
    a = ox.NamedNode("http://e/a")
    label = ox.Quad(a, ox.NamedNode("http://e/p"), ox.Literal("x"))
    typed = ox.Quad(a, ox.NamedNode("http://only/p"), ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")))
    store.apply(added=[label, typed])
    prefixes = {"e": "http://e/", "only": "http://only/", "unused": "http://unused/"}
    data = store.dump(FORMATS["turtle"], graphs=[DEFAULT_GRAPH], prefixes=prefixes)
    assert b"@prefix only: <http://only/> ." in data and b"unused" not in data
    assert set(ox.parse(data, format=ox.RdfFormat.TURTLE)) == {label, typed}


def test_text_triples_can_leave_out_the_literals_of_predicates_not_asked_for():
    # The projection reads names and places, not scores: the literals it does not read are not converted.
    store = EmbeddedStore()
    a, b, p_name, p_score, p_link = (URIRef(f"urn:x:{n}") for n in ("a", "b", "name", "score", "link"))
    store.apply(
        added=[
            (a, p_name, Literal("Ann", lang="en"), DEFAULT_GRAPH),
            (a, p_score, Literal("0.5", datatype=URIRef(XSD + "decimal")), DEFAULT_GRAPH),
            (a, p_link, b, DEFAULT_GRAPH),
            (a, p_score, b, DEFAULT_GRAPH),  # a resource object is kept whatever its predicate
        ]
    )
    wanted = frozenset({str(p_name)})
    everything = set(store.text_triples())
    kept = set(store.text_triples(literals=wanted))
    assert kept == {row for row in everything if row[3] != 2 or row[1] in wanted}
    assert ("urn:x:a", str(p_name), "Ann", 2, "en") in kept and len(everything) - len(kept) == 1
    # The generic path (any backend) leaves out the same rows.
    assert set(Store.text_triples(store, literals=wanted)) == kept
