"""The bad-input corpus: every malformed or hostile file is refused clearly and harmlessly.

Each refusal must be a :class:`FormatError` (or :class:`UnsafeInputError`) naming the
file and, where the parser knows, the line and column; it must leave a map that is
already open exactly as it was, and still editable; nothing may reach the network.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
import rdflib
from rdflib import RDFS, Literal, URIRef
from support.maps import snapshot
from support.network import Listener
from support.waiting import no_hang

from explorer.cli import main
from explorer.core.commands import add_node
from explorer.core.document import MapDocument
from explorer.core.errors import FormatError, NetworkBlockedError, UnsafeInputError
from explorer.core.journal import MapLock, map_key
from explorer.core.netguard import no_network
from explorer.core.store import ANY_GRAPH, EmbeddedStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

EX = "http://example.org/"
RX = "https://w3id.org/routine-explorer/ns#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

XML_BODY = (
    f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="{EX}">\n'
    f'  <rdf:Description rdf:about="{EX}a"><ex:p>&x;</ex:p></rdf:Description>\n'
    "</rdf:RDF>\n"
)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.fixture
def doc_a(tmp_path):
    """Map A, open for editing, with a blank node and a few literals."""
    path = write(
        tmp_path / "a.ttl",
        f"@prefix rx: <{RX}> .\n@prefix rdfs: <{RDFS}> .\n"
        f'<{EX}ward-7> a rx:Unit ; rdfs:label "Ward 7"@en ; rx:hasPart [ rdfs:label "Bay 1" ] .\n',
    )
    doc = MapDocument.open(path, editing=True)
    yield doc
    doc.close()


def refuse(doc_a: MapDocument, path: Path, *, error: type = FormatError) -> FormatError:
    """Try to open ``path`` while ``doc_a`` is open; check the refusal and that A is untouched."""
    before = snapshot(doc_a)
    assert len([q for q in before if q[3] == rdflib.graph.DATASET_DEFAULT_GRAPH_ID]) == 4
    with pytest.raises(error) as caught:
        MapDocument.open(path, editing=True)
    err = caught.value
    assert err.path == str(path)
    assert str(err).startswith(str(path))
    assert "\n" not in str(err)
    assert err.reason and err.reason.strip() == err.reason
    # A is exactly as it was, and still editable.
    assert snapshot(doc_a) == before
    assert not doc_a.dirty
    node = URIRef(EX + "ward-8")
    doc_a.execute(add_node(doc_a.store, node, URIRef(RX + "Unit"), "Ward 8"))
    assert (node, RDFS.label, Literal("Ward 8")) in doc_a.store.as_rdflib()
    assert doc_a.dirty
    doc_a.undo()
    assert snapshot(doc_a) == before
    # The failed open gave its lock back.
    assert MapLock(map_key(path), path).is_free()
    return err


# ------------------------------------------------------------------- malformed text
def test_truncated_turtle_names_line_and_column(doc_a, tmp_path):
    path = write(
        tmp_path / "truncated.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "never closed'
    )
    err = refuse(doc_a, path)
    assert type(err) is FormatError
    assert (err.line, err.column) == (3, 11)
    assert f"{path}, line 3, column 11: " in str(err)
    assert "end of file" in err.reason.lower()
    assert "(read as Turtle)" in err.reason


def test_error_reason_does_not_repeat_the_position(tmp_path):
    path = write(
        tmp_path / "truncated.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "never closed'
    )
    with pytest.raises(FormatError) as caught:
        MapDocument.open(path, editing=False, with_ontology=False)
    assert "Parser error" not in caught.value.reason
    assert str(caught.value).count("line 3") == 1


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        (
            "bad-utf8.ttl",
            b'@prefix ex: <http://example.org/> .\nex:a ex:b "fine" .\nex:c ex:d "bad \xff\xfe bytes" .\n',
            3,
        ),
        (
            "bad-utf8.nt",
            b'<http://example.org/a> <http://example.org/b> "fine" .\n\n'
            b'<http://example.org/a> <http://example.org/b> "bad \xc3\x28" .\n',
            3,
        ),
        (
            "bad-utf8.txt",
            b'<http://example.org/a> <http://example.org/b> "fine" .\n'
            b'<http://example.org/a> <http://example.org/b> "\xe2\x82" .\n',
            2,
        ),
    ],
    ids=["turtle", "ntriples", "sniffed"],
)
def test_invalid_utf8_names_the_line(doc_a, tmp_path, name, content, line):
    path = write(tmp_path / name, content)
    err = refuse(doc_a, path)
    assert err.line == line
    assert f"line {line}" in str(err)
    assert "UTF-8" in err.reason


# ---------------------------------------------------------------------- hostile XML
def billion_laughs() -> str:
    entities = ['<!ENTITY lol "lol">', '<!ENTITY lol1 "' + "&lol;" * 10 + '">']
    entities += [f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(2, 10)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(entities)
        + "\n]>\n"
        + XML_BODY.replace("&x;", "&lol9;")
    )


@pytest.mark.parametrize("name", ["laughs.rdf", "laughs.owl", "laughs.txt", "laughs.rdf.gz"])
def test_billion_laughs_is_refused_at_once(doc_a, tmp_path, name):
    data = billion_laughs().encode("utf-8")
    assert len(data) < 1500
    path = write(tmp_path / name, gzip.compress(data) if name.endswith(".gz") else data)
    # Refused by the screen, at the DOCTYPE, before any parser reads it. Unprotected, rdflib needs minutes
    # of CPU for this 1 KB file: the guard turns that regression into a failure instead of a stuck suite.
    with no_hang(60, "refusing a billion laughs"):
        err = refuse(doc_a, path, error=UnsafeInputError)
    assert (err.line, err.column) == (2, 1)
    assert "<!DOCTYPE" in err.reason


EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + XML_BODY


def test_external_entity_is_refused(doc_a, tmp_path):
    err = refuse(doc_a, write(tmp_path / "external.rdf", EXTERNAL), error=UnsafeInputError)
    assert (err.line, err.column) == (2, 1)
    assert "root:" not in str(err)


def test_doctype_hidden_after_comments_and_instructions_is_refused(doc_a, tmp_path):
    text = (
        '<?xml version="1.0"?>\n<!-- an innocent comment\n   over two lines <!DOCTYPE in a comment is fine> -->\n'
        '<?xml-stylesheet href="x.xsl"?>\n   <!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + XML_BODY
    )
    err = refuse(doc_a, write(tmp_path / "hidden.rdf", text), error=UnsafeInputError)
    assert (err.line, err.column) == (5, 4)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_xml_with_a_doctype_is_refused(doc_a, tmp_path, codec):
    text = EXTERNAL.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    data = text.encode(codec)
    assert b"<!DOCTYPE" not in data  # a byte-level search would miss it
    err = refuse(doc_a, write(tmp_path / "wide.rdf", data), error=UnsafeInputError)
    assert err.line == 2


def test_xml_without_a_doctype_still_opens(tmp_path):
    path = write(tmp_path / "fine.rdf", '<?xml version="1.0"?>\n<!-- comment -->\n' + XML_BODY.replace("&x;", "plain"))
    doc = MapDocument.open(path, editing=False, with_ontology=False)
    assert set(doc.store.as_rdflib()) == {(URIRef(EX + "a"), URIRef(EX + "p"), Literal("plain"))}


@pytest.mark.parametrize(
    "filler", ["<!-- " + "x" * 70_000 + " -->", " " * 70_000], ids=["long-comment", "long-whitespace"]
)
def test_doctype_after_64k_of_prolog_is_refused(tmp_path, filler):
    # A harmless internal entity: if the screen misses it, the file opens and shows the expansion.
    text = '<?xml version="1.0"?>\n' + filler + '\n<!DOCTYPE rdf:RDF [<!ENTITY x "expanded">]>\n' + XML_BODY
    with pytest.raises(UnsafeInputError):
        MapDocument.open(write(tmp_path / "deep.rdf", text), editing=False, with_ontology=False)


# ---------------------------------------------------------- JSON-LD and the network
@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.stop()


def remote_context_doc(url: str) -> dict:
    return {"@context": url, "@id": EX + "ana", "name": "Ana"}


@pytest.mark.parametrize(
    "shape",
    ["string", "in-array", "nested-node", "scoped-on-term"],
)
def test_jsonld_with_remote_context_fails_fast_without_connecting(doc_a, tmp_path, listener, shape):
    url = listener.url
    document = {
        "string": remote_context_doc(url),
        "in-array": {"@context": [{"ex": EX}, url], "@id": EX + "ana", "ex:p": "x"},
        "nested-node": {"@graph": [remote_context_doc(url)]},
        "scoped-on-term": {
            "@context": {"ex": EX, "knows": {"@id": "ex:knows", "@context": url}},
            "@id": EX + "ana",
            "knows": {"@id": EX + "ben", "name": "Ben"},
        },
    }[shape]
    path = write(tmp_path / "remote.jsonld", json.dumps(document))
    err = refuse(doc_a, path, error=UnsafeInputError)
    assert "remote @context" in err.reason
    assert listener.connections() == 0


def test_the_listener_does_count_connections(listener):
    """Control: unguarded, rdflib fetches the remote context, and the listener sees it."""
    with pytest.raises(Exception):  # noqa: B017 - whatever rdflib makes of the reply; the count is the point
        rdflib.Graph().parse(data=json.dumps(remote_context_doc(listener.url + "?control")), format="json-ld")
    assert listener.connections() >= 1


def test_rdflib_inside_no_network_cannot_reach_the_listener(listener):
    data = json.dumps(remote_context_doc(listener.url))
    with pytest.raises(NetworkBlockedError) as caught, no_network("test"):
        rdflib.Graph().parse(data=data, format="json-ld")
    assert f"127.0.0.1:{listener.port}" in str(caught.value)
    assert "while test" in str(caught.value)
    assert listener.connections() == 0


FROM_CONTEXT = URIRef("http://example.org/from-context#name")


@pytest.mark.parametrize("reference", ["file-uri", "absolute-path", "relative-path", "import"])
def test_jsonld_with_a_local_context_does_not_read_it(doc_a, tmp_path, reference):
    context_file = write(tmp_path / "context.jsonld", json.dumps({"@context": {"name": str(FROM_CONTEXT)}}))
    ref = {
        "file-uri": context_file.as_uri(),
        "absolute-path": str(context_file),
        "relative-path": "context.jsonld",
        "import": None,
    }[reference]
    context = {"@version": 1.1, "@import": context_file.as_uri()} if ref is None else ref
    path = write(tmp_path / "local.jsonld", json.dumps({"@context": context, "@id": EX + "ana", "name": "Ana"}))
    # The context itself is valid: rdflib, allowed to read files, would use it.
    assert (URIRef(EX + "ana"), FROM_CONTEXT, Literal("Ana")) in rdflib.Graph().parse(
        data=json.dumps({"@context": context_file.as_uri(), "@id": EX + "ana", "name": "Ana"}), format="json-ld"
    )
    refuse(doc_a, path, error=UnsafeInputError)
    store = EmbeddedStore()
    with pytest.raises(UnsafeInputError):
        store.load(path)
    assert list(store.quads(None, FROM_CONTEXT, None, ANY_GRAPH)) == []


# ------------------------------------------------------------------------ big input
def _big_literal_file(path: Path, size: int) -> Path:
    block = b"0123456789abcdef" * 65536  # 1 MiB, written in blocks to keep memory low
    with open(path, "wb") as out:
        out.write(f'<{EX}a> <{EX}p> "'.encode())
        for _ in range(size // len(block)):
            out.write(block)
        out.write(b'" .\n')
        out.write(f'<{EX}a> <{EX}q> "after" .\n'.encode())
    return path


def _literal_length(doc) -> int:
    (literal,) = [o for _, _, o, _ in doc.store.quads(URIRef(EX + "a"), URIRef(EX + "p"))]
    return len(literal)


def test_a_15_mib_literal_opens(tmp_path):
    doc = MapDocument.open(_big_literal_file(tmp_path / "big.nt", 15 << 20), editing=False, with_ontology=False)
    assert _literal_length(doc) == 15 << 20
    assert doc.store.count() == 2


def test_a_50_mb_literal_is_refused_with_a_clear_message(doc_a, tmp_path):
    """Oxigraph's parsers hold at most 16 MiB in one token: a bigger value is bad input, said plainly."""
    size = 50 << 20
    path = _big_literal_file(tmp_path / "huge.nt", size)
    assert path.stat().st_size > size
    with no_hang(120, "refusing a 50 MB literal"):
        err = refuse(doc_a, path)
    assert "larger than the parser can hold" in err.reason and "16 MiB" in err.reason


# ------------------------------------------------------------- not RDF at all, or no file
def test_empty_file_with_unknown_extension(doc_a, tmp_path):
    err = refuse(doc_a, write(tmp_path / "empty.txt", b""))
    assert "cannot tell the RDF format" in err.reason
    assert ".ttl" in err.reason and ".jsonld" in err.reason


def test_empty_file_without_extension(doc_a, tmp_path):
    err = refuse(doc_a, write(tmp_path / "empty", b""))
    assert "cannot tell the RDF format" in err.reason


def test_empty_jsonld(doc_a, tmp_path):
    err = refuse(doc_a, write(tmp_path / "empty.jsonld", b""))
    assert (err.line, err.column) == (1, 1)
    assert "JSON-LD" in err.reason


@pytest.mark.parametrize("name", ["empty.ttl", "empty.nt"])
def test_empty_turtle_is_a_valid_empty_map(tmp_path, name):
    """An empty document is valid Turtle / N-Triples: it opens as a map with no triples."""
    doc = MapDocument.open(write(tmp_path / name, b""), editing=False, with_ontology=False)
    assert doc.store.count(ANY_GRAPH) == 0


def _garbage() -> bytes:
    data = random.Random(20240229).randbytes(8192)
    assert data[:2] != b"\x1f\x8b" and data[:3] != b"\xef\xbb\xbf"
    return data


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("garbage.bin", None, "cannot tell the RDF format"),
        ("garbage.ttl", 1, "UTF-8"),
        ("garbage.nt", 1, "UTF-8"),
        ("garbage.jsonld", 1, "JSON-LD"),
        ("garbage.rdf", None, "UTF-8"),
    ],
)
def test_binary_garbage(doc_a, tmp_path, name, line, words):
    err = refuse(doc_a, write(tmp_path / name, _garbage()))
    assert err.line == line
    if line is not None:
        assert err.column is not None and err.column >= 1
    assert words in err.reason


@pytest.mark.parametrize(
    "data",
    [b"\x1f\x8b\x07" + b"garbage" * 10, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 64],
    ids=["bad-method", "bad-deflate"],
)
def test_corrupt_gzip(tmp_path, data):
    path = write(tmp_path / "map.ttl.gz", data)
    with pytest.raises(FormatError) as caught:
        MapDocument.open(path, editing=False, with_ontology=False)
    assert caught.value.path == str(path)


def test_truncated_gzip(doc_a, tmp_path):
    data = gzip.compress(
        b"".join(b"<http://example.org/n%d> <http://example.org/p> <http://example.org/o> .\n" % i for i in range(5000))
    )
    err = refuse(doc_a, write(tmp_path / "cut.nt.gz", data[: len(data) // 2]))
    assert "could not read the file" in err.reason


def test_directory(doc_a, tmp_path):
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    err = refuse(doc_a, folder)
    assert err.reason == "not a file"


def test_missing_file(doc_a, tmp_path):
    err = refuse(doc_a, tmp_path / "nowhere" / "missing.ttl")
    assert err.reason == "no such file"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", "Dear team,\nplease find the org chart attached.\n"),
        ("people.csv", "name,unit\nAna,Ward 7\n"),
        ("page.html.bak", "Hello: world, this is not RDF\n"),
    ],
    ids=["txt", "csv", "bak"],
)
def test_unknown_extension_with_non_rdf_content(doc_a, tmp_path, name, content):
    err = refuse(doc_a, write(tmp_path / name, content))
    assert "cannot tell the RDF format from the file name or the content" in err.reason
    assert err.line is None


# --------------------------------------------------------------------------- CLI
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("truncated.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b", "line 2, column 10"),
        ("laughs.rdf", billion_laughs(), "document type"),
        ("bad-utf8.nt", b'<http://example.org/a> <http://example.org/b> "\xff" .\n', "UTF-8"),
        ("notes.txt", "not rdf at all\n", "cannot tell the RDF format"),
        ("missing.ttl", None, "no such file"),
    ],
    ids=["truncated", "laughs", "bad-utf8", "not-rdf", "missing"],
)
@pytest.mark.parametrize("command", ["convert", "info"])
def test_cli_on_bad_input_exits_2_with_one_line(tmp_path, capsys, name, content, expected, command):
    source = tmp_path / name
    if content is not None:
        write(source, content)
    target = tmp_path / "out.ttl"
    argv = ["convert", str(source), str(target)] if command == "convert" else ["info", str(source)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"routine-explorer: {source}")
    assert expected in lines[0]
    assert "Traceback" not in captured.err
    assert not target.exists()


def test_cli_on_remote_jsonld_exits_2_without_connecting(tmp_path, capsys, listener):
    source = write(tmp_path / "remote.jsonld", json.dumps(remote_context_doc(listener.url)))
    assert main(["info", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "remote @context" in err and "Traceback" not in err
    assert listener.connections() == 0
