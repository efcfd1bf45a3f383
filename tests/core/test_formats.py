"""Reading and writing every supported RDF format, faithfully.

Round trips are compared with :func:`rdflib.compare.isomorphic` against graphs
built or parsed by rdflib, so a term that changes on the way (a datatype, a
character, a blank-node structure) fails the comparison.

Two normalisations are applied to the *expected* side only, both allowed by
RDF 1.1: a plain literal equals the same ``xsd:string`` literal, and language
tags compare case-insensitively (Oxigraph lower-cases them).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from explorer.cli import main
from explorer.core.document import ONTOLOGY_GRAPH, MapDocument
from explorer.core.errors import SaveError
from explorer.core.rdf_formats import FORMATS, format_for_path, sniff
from explorer.core.store import ANY_GRAPH
from explorer.core.terms import DEFAULT_GRAPH

# A plain Namespace: rdflib's closed XSD namespace warns when pytest probes module attributes.
XSD = Namespace(str(rdflib.namespace.XSD))

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

VOCAB = Path(__file__).resolve().parents[3] / "shared" / "vocab"

EX = "http://example.org/"
RX = "https://w3id.org/routine-explorer/ns#"
GRAPH_1 = URIRef(EX + "graph/analysis-1")

#: rdflib's names for the formats, to read our output with an independent parser.
RDFLIB_FORMAT = {
    "turtle": "turtle",
    "trig": "trig",
    "ntriples": "nt",
    "nquads": "nquads",
    "jsonld": "json-ld",
    "rdfxml": "xml",
}

EMOJI = "👩\u200d💻 Team 🚀 ünïcödé"
ARABIC = "مرحبا بالعالم"
HEBREW = "שלום עולם"
MULTILINE = 'line one\nline "two" with \'single\' quotes\n\ttabbed \\ backslash """ triple\r\nCRLF end'
LF_ONLY = MULTILINE.replace("\r\n", "\n")
MARKUP = "<tag attr='1'> & ]]> &amp; end"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path / "data"))


def p(name: str) -> URIRef:
    return URIRef(EX + "p/" + name)


def canonical(graph) -> Graph:
    """A copy with ``xsd:string`` literals made plain and language tags lower-cased."""
    out = Graph()
    for s, pred, o in graph:
        if isinstance(o, Literal):
            if o.language:
                o = Literal(str(o), lang=o.language.lower())
            elif o.datatype == XSD.string:
                o = Literal(str(o))
        out.add((s, pred, o))
    return out


def sample_graph(multiline: str = MULTILINE) -> Graph:
    """A small map exercising every kind of term."""
    g = Graph()
    a, b = URIRef(EX + "unit/ward-7"), URIRef(EX + "person/ana")
    member, place = BNode(), BNode()
    g.add((a, RDF.type, URIRef(RX + "Unit")))
    g.add((b, p("memberOf"), a))
    g.add((b, p("membership"), member))  # blank node object ...
    g.add((member, p("at"), place))  # ... pointing at another blank node
    g.add((member, RDFS.label, Literal("membership")))
    g.add((place, p("room"), Literal("4.12")))
    g.add((a, RDFS.label, Literal("Station 7", lang="de")))
    g.add((a, RDFS.label, Literal("Ward 7", lang="en-GB")))
    g.add((a, p("beds"), Literal("42", datatype=XSD.integer)))
    g.add((a, p("opened"), Literal("2024-02-29", datatype=XSD.date)))
    g.add((a, p("open"), Literal("true", datatype=XSD.boolean)))
    g.add((a, p("custom"), Literal("x y z", datatype=URIRef(EX + "datatype/code"))))
    g.add((a, p("plain"), Literal("plain text")))
    g.add((a, p("empty"), Literal("")))
    g.add((a, p("multiline"), Literal(multiline)))
    g.add((a, p("markup"), Literal(MARKUP)))
    g.add((a, p("emoji"), Literal(EMOJI)))
    g.add((a, p("rtl"), Literal(ARABIC, lang="ar")))
    g.add((a, p("rtl"), Literal(HEBREW)))
    return g


def doc_from(graph: Graph, named: dict | None = None) -> MapDocument:
    """A read-only document holding exactly ``graph`` (plus ``named`` graphs)."""
    doc = MapDocument.new(with_ontology=False, editing=False)
    doc.store.clear()
    doc.prefixes.pop("map")  # the new map's own (random) namespace went with its description
    quads = [(s, pred, o, DEFAULT_GRAPH) for s, pred, o in graph]
    for name, g in (named or {}).items():
        quads += [(s, pred, o, name) for s, pred, o in g]
    doc.store.apply(added=quads)
    assert doc.store.count() == len(graph)
    return doc


def reopen(path: Path, **kw) -> MapDocument:
    return MapDocument.open(path, editing=False, with_ontology=False, **kw)


def named_graph() -> Graph:
    g = Graph()
    run = BNode()
    g.add((URIRef(EX + "unit/ward-7"), URIRef(RX + "resistanceScore"), Literal("0.75", datatype=XSD.decimal)))
    g.add((URIRef(EX + "unit/ward-7"), p("run"), run))
    g.add((run, RDFS.label, Literal("Analyse 1 ✓", lang="de")))
    return g


# --------------------------------------------------------------------- round trips
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_every_format(fmt, tmp_path):
    original = sample_graph()
    doc = doc_from(original)
    target = tmp_path / f"map{FORMATS[fmt].extension}"
    doc.save_as(target)
    assert doc.path == target and doc.format.name == fmt

    back = reopen(target)
    assert back.format.name == fmt
    assert back.store.count() == len(original) == 19
    graph = back.store.as_rdflib()
    assert isomorphic(graph, canonical(original))
    ward = URIRef(EX + "unit/ward-7")
    # Spot checks with concrete values, so a failure says what went wrong.
    assert set(graph.objects(ward, p("emoji"))) == {Literal(EMOJI)}
    assert set(graph.objects(ward, p("multiline"))) == {Literal(MULTILINE)}
    assert set(graph.objects(ward, p("markup"))) == {Literal(MARKUP)}
    assert set(graph.objects(ward, p("rtl"))) == {Literal(ARABIC, lang="ar"), Literal(HEBREW)}
    assert set(graph.objects(ward, p("opened"))) == {Literal("2024-02-29", datatype=XSD.date)}
    assert len({n for t in graph for n in (t[0], t[2]) if isinstance(n, BNode)}) == 2


def rdflib_default_graph(data, fmt: str) -> Graph:
    """Parse ``data`` with rdflib; for dataset formats, check it holds only a default graph and return it."""
    if FORMATS[fmt].holds_datasets:
        ds = rdflib.Dataset()
        ds.parse(data=data, format=RDFLIB_FORMAT[fmt])
        default = ds.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
        assert sum(len(g) for g in ds.graphs()) == len(default)
        return default
    return Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_rdflib_reads_what_we_write(fmt):
    """Our output is standard: an independent parser (rdflib) reads the same graph."""
    original = sample_graph(multiline=LF_ONLY)
    parsed = rdflib_default_graph(doc_from(original).serialize(fmt), fmt)
    assert len(parsed) == 19
    assert isomorphic(canonical(parsed), canonical(original))


@pytest.mark.parametrize(
    "fmt",
    sorted(FORMATS),
)
def test_carriage_return_in_a_literal_survives_another_parser(fmt):
    a, pred = URIRef(EX + "a"), p("text")
    original = Graph()
    original.add((a, pred, Literal("first\r\nsecond\rthird")))
    parsed = rdflib_default_graph(doc_from(original).serialize(fmt), fmt)
    assert [str(o) for o in parsed.objects(a, pred)] == ["first\r\nsecond\rthird"]


@pytest.mark.parametrize("fmt", sorted(n for n, f in FORMATS.items() if f.holds_datasets))
def test_dataset_formats_keep_named_graphs(fmt, tmp_path):
    original, extra = sample_graph(), named_graph()
    doc = doc_from(original, {GRAPH_1: extra})
    target = tmp_path / f"map{FORMATS[fmt].extension}"
    doc.save_as(target)

    back = reopen(target)
    assert back.store.graph_names() == [GRAPH_1]
    assert back.store.count() == 19
    assert back.store.count(GRAPH_1) == 3
    assert back.store.count(ANY_GRAPH) == 22
    assert isomorphic(back.store.as_rdflib(), canonical(original))
    assert isomorphic(back.store.as_rdflib(GRAPH_1), canonical(extra))


@pytest.mark.parametrize("fmt", sorted(n for n, f in FORMATS.items() if not f.holds_datasets))
def test_graph_formats_refuse_a_map_with_named_graphs(fmt, tmp_path):
    doc = doc_from(sample_graph(), {GRAPH_1: named_graph()})
    target = tmp_path / "out" / f"map{FORMATS[fmt].extension}"
    target.parent.mkdir()
    with pytest.raises(SaveError) as err:
        doc.save_as(target)
    message = str(err.value)
    assert f"<{GRAPH_1}>" in message
    assert "1 named graph" in message and FORMATS[fmt].label in message
    assert list(target.parent.iterdir()) == []  # no file, no temporary left behind
    assert doc.path is None
    assert doc.store.count(GRAPH_1) == 3  # nothing dropped from the map either


def test_ontology_graph_is_never_saved(tmp_path):
    doc = MapDocument.open(_write(tmp_path / "m.ttl", f"<{EX}a> <{EX}b> <{EX}c> .\n"), editing=False)
    assert ONTOLOGY_GRAPH in doc.store.graph_names()
    assert doc.store.count(ONTOLOGY_GRAPH) > 0
    doc.save_as(tmp_path / "m.ttl.out.ttl")  # Turtle would refuse any other named graph
    doc.save_as(tmp_path / "m.trig")
    back = reopen(tmp_path / "m.trig")
    assert back.store.graph_names() == []
    assert back.store.count(ANY_GRAPH) == 1


@pytest.mark.parametrize("fmt", ["turtle", "nquads", "rdfxml"])
def test_gzip_round_trip(fmt, tmp_path):
    original = sample_graph()
    target = tmp_path / f"map{FORMATS[fmt].extension}.gz"
    doc_from(original).save_as(target)
    raw = target.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert gzip.decompress(raw) == doc_from(original).serialize(fmt)

    back = reopen(target)
    assert back.format.name == fmt
    assert isomorphic(back.store.as_rdflib(), canonical(original))

    # gzip is recognised by its magic number, whatever the name says.
    disguised = tmp_path / f"plain{FORMATS[fmt].extension}"
    disguised.write_bytes(raw)
    assert isomorphic(reopen(disguised).store.as_rdflib(), canonical(original))


# ------------------------------------------------------------------------ sniffing
def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


_EXPECTED_SNIFFED = {
    (URIRef(EX + "a"), URIRef(EX + "p"), Literal("x")),
    (URIRef(EX + "a"), URIRef(EX + "q"), URIRef(EX + "b")),
}

SNIFF_CASES = {
    "turtle": ('# a comment first\n@prefix ex: <http://example.org/> .\nex:a ex:p "x" ;\n  ex:q ex:b .\n', "trig"),
    "turtle-sparql-prefix": ('PREFIX ex: <http://example.org/>\nex:a ex:p "x" ; ex:q ex:b .\n', "trig"),
    "ntriples": (
        '<http://example.org/a> <http://example.org/p> "x" .\n'
        "<http://example.org/a> <http://example.org/q> <http://example.org/b> .\n",
        "nquads",
    ),
    "jsonld": (json.dumps({"@id": EX + "a", EX + "p": "x", EX + "q": {"@id": EX + "b"}}), "jsonld"),
    "rdfxml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p>'
        '<ex:q rdf:resource="http://example.org/b"/></rdf:Description>\n</rdf:RDF>\n',
        "rdfxml",
    ),
    "rdfxml-no-declaration": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p><ex:q rdf:resource="http://example.org/b"/>'
        "</rdf:Description></rdf:RDF>",
        "rdfxml",
    ),
}


@pytest.mark.parametrize("name", sorted(SNIFF_CASES))
@pytest.mark.parametrize("filename", ["map.txt", "map"])
def test_format_is_sniffed_when_the_extension_is_unknown(name, filename, tmp_path):
    content, expected = SNIFF_CASES[name]
    path = _write(tmp_path / filename, content)
    assert format_for_path(path) is None
    doc = reopen(path)
    assert doc.format.name == expected
    assert set(doc.store.as_rdflib()) == _EXPECTED_SNIFFED


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ("<http://example.org/a> a <http://example.org/T> .\n", "turtle"),
        ("<http://example.org/a> <http://example.org/p> 42 .\n", "turtle"),
        (
            "<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
            "@prefix ex: <http://example.org/> .\nex:a ex:p ex:c .\n",
            "turtle",
        ),
        ('_:b0 <http://example.org/p> "x" <http://example.org/g> .\n', "nquads"),
    ],
    ids=["turtle-a-keyword", "turtle-number", "turtle-later-prefix", "nquads-blank-subject-graph"],
)
def test_content_that_misleads_the_first_line_guess_is_still_read(content, fmt, tmp_path):
    doc = reopen(_write(tmp_path / "map.txt", content))
    expected = rdflib.Dataset().parse(data=content, format=RDFLIB_FORMAT[fmt])
    assert doc.store.count(ANY_GRAPH) == sum(len(g) for g in expected.graphs()) >= 1


def test_sniff_and_format_for_path_units():
    assert format_for_path("team.ttl.gz").name == "turtle"
    assert format_for_path("TEAM.TTL").name == "turtle"
    assert format_for_path("org.owl").name == "rdfxml"
    assert format_for_path("map.json").name == "jsonld"
    assert format_for_path("data.nq.gz").name == "nquads"
    assert format_for_path("notes.txt") is None
    assert format_for_path("archive.gz") is None
    assert format_for_path("README") is None
    assert sniff(b"\xef\xbb\xbf<?xml version='1.0'?><rdf:RDF/>").name == "rdfxml"
    assert sniff('<?xml version="1.0"?><rdf:RDF/>'.encode("utf-16")).name == "rdfxml"
    assert sniff(b'  \n[{"@id": "http://e/a"}]').name == "jsonld"
    assert sniff(b"@base <http://e/> .\n<a> <b> <c> .").name == "trig"
    assert sniff(b'<http://e/a> <http://e/p> "x" <http://e/g> .\n').name == "nquads"
    assert sniff(b'_:b0 <http://e/p> "x" .\n').name == "nquads"  # a superset of N-Triples: fine for triples
    assert sniff(b"# only a comment\n").name == "nquads"  # an empty document of every text format
    assert sniff(b"name,unit\nAna,Ward 7\n") is None
    assert sniff(b"") is None


# ---------------------------------------------------------------- the vocab files
VOCAB_FILES = {
    "w3c-org.ttl": (748, "turtle"),
    "w3c-org.rdf": (748, "rdfxml"),
    "w3c-prov-o.ttl": (1146, "turtle"),
    "berlin-berorgs.ttl": (370, "turtle"),
}


def _vocab(name: str) -> Path:
    path = VOCAB / name
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return path


def _vocab_params(with_bug_marks: bool):
    return [pytest.param(name) for name in VOCAB_FILES]


@pytest.mark.parametrize("name", list(VOCAB_FILES))
def test_vocab_file_opens_with_its_triple_count(name):
    count, fmt = VOCAB_FILES[name]
    doc = reopen(_vocab(name))
    assert doc.format.name == fmt
    assert doc.store.count() == count
    assert doc.store.graph_names() == []
    graph = doc.store.as_rdflib()
    assert len(graph) == count
    # The view already normalises: no literal comes out typed xsd:string.
    assert not [o for o in graph.objects() if isinstance(o, Literal) and o.datatype == XSD.string]


@pytest.mark.parametrize("name", _vocab_params(with_bug_marks=True))
def test_vocab_file_is_isomorphic_to_rdflibs_parse(name):
    path = _vocab(name)
    ours = reopen(path).store.as_rdflib()
    theirs = Graph().parse(path, format=RDFLIB_FORMAT[VOCAB_FILES[name][1]])
    assert len(theirs) == VOCAB_FILES[name][0]
    assert isomorphic(ours, canonical(theirs))


def test_typed_literal_keeps_its_datatype_and_lexical_form(tmp_path):
    """The narrow form of the PROV-O failure above, one triple per case."""
    cases = [
        ("0", XSD.nonNegativeInteger),
        ("7", XSD.int),
        ("01", XSD.integer),
        ("1.50", XSD.decimal),
        ("1e0", XSD.double),
    ]
    text = "".join(f'<{EX}s{i}> <{EX}p> "{v}"^^<{t}> .\n' for i, (v, t) in enumerate(cases))
    doc = reopen(_write(tmp_path / "typed.nt", text))
    got = {str(s): o for s, _, o in doc.store.as_rdflib()}
    found = [(got[f"{EX}s{i}"].n3()) for i in range(len(cases))]
    assert found == [Literal(v, datatype=t, normalize=False).n3() for v, t in cases]
    assert b'"0"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in doc.serialize("ntriples")


def test_as_rdflib_treats_plain_and_xsd_string_alike(tmp_path):
    path = _write(
        tmp_path / "strings.ttl",
        f'@prefix xsd: <{XSD}> .\n<{EX}a> <{EX}p> "typed"^^xsd:string , "plain" , "tagged"@en .\n',
    )
    graph = reopen(path).store.as_rdflib()
    a = URIRef(EX + "a")
    assert set(graph.objects(a, URIRef(EX + "p"))) == {Literal("typed"), Literal("plain"), Literal("tagged", lang="en")}
    assert (a, URIRef(EX + "p"), Literal("typed")) in graph
    assert (a, URIRef(EX + "p"), Literal("typed", datatype=XSD.string)) in graph  # lookups normalise too
    theirs = Graph().parse(path)
    assert Literal("typed", datatype=XSD.string) in set(theirs.objects())  # rdflib keeps the datatype ...
    assert not isomorphic(graph, theirs)  # ... so a raw comparison differs
    assert isomorphic(graph, canonical(theirs))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", _vocab_params(with_bug_marks=True))
def test_vocab_file_converts_through_the_cli_and_back(name, fmt, tmp_path, capsys):
    source = _vocab(name)
    count = VOCAB_FILES[name][0]
    converted = tmp_path / f"converted{FORMATS[fmt].extension}"
    back = tmp_path / "back.nt"
    assert main(["convert", str(source), str(converted)]) == 0
    assert main(["convert", str(converted), str(back)]) == 0
    assert f"{count} triples" in capsys.readouterr().err
    assert reopen(converted).format.name == fmt
    theirs = canonical(Graph().parse(source, format=RDFLIB_FORMAT[VOCAB_FILES[name][1]]))
    returned = canonical(Graph().parse(back, format="nt"))
    assert len(returned) == count
    assert isomorphic(returned, theirs)


# ----------------------------------------------------------------------- prefixes
OTHER_ORG = "http://example.com/not-w3c-org#"
W3C_ORG = "http://www.w3.org/ns/org#"


@pytest.mark.parametrize("fmt", ["turtle", "trig", "rdfxml", "jsonld"])
def test_a_file_binding_org_elsewhere_keeps_full_iris(fmt, tmp_path):
    text = (
        f"@prefix org: <{OTHER_ORG}> .\n"
        f"org:ana org:memberOf org:ward7 ;\n"
        f"    a <{W3C_ORG}Role> ;\n"
        f"    <{W3C_ORG}memberOf> <{W3C_ORG}Organization> .\n"
    )
    source = _write(tmp_path / "src.ttl", text)
    doc = reopen(source)
    assert doc.declared_prefixes["org"] == OTHER_ORG
    expected = {
        (URIRef(OTHER_ORG + "ana"), URIRef(OTHER_ORG + "memberOf"), URIRef(OTHER_ORG + "ward7")),
        (URIRef(OTHER_ORG + "ana"), RDF.type, URIRef(W3C_ORG + "Role")),
        (URIRef(OTHER_ORG + "ana"), URIRef(W3C_ORG + "memberOf"), URIRef(W3C_ORG + "Organization")),
    }
    assert set(doc.store.as_rdflib()) == expected
    target = tmp_path / f"out{FORMATS[fmt].extension}"
    doc.save_as(target)
    assert set(reopen(target).store.as_rdflib()) == expected
    if FORMATS[fmt].holds_datasets:
        ds = rdflib.Dataset().parse(target, format=RDFLIB_FORMAT[fmt])
        theirs = set(ds.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID))
    else:
        theirs = set(Graph().parse(target, format=RDFLIB_FORMAT[fmt]))
    assert theirs == expected


def _declared(turtle: bytes) -> dict[str, str]:
    return dict(re.findall(rb"^@prefix ([\w-]*): <([^>]*)> \.$", turtle, re.MULTILINE))


def test_saved_turtle_binds_only_the_prefixes_it_uses(tmp_path):
    text = (
        f"@prefix rx: <{RX}> .\n@prefix rdfs: <{RDFS}> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        f"@prefix void: <http://rdfs.org/ns/void#> .\n@prefix unused: <http://example.org/unused#> .\n"
        f'<{EX}ward-7> a rx:Unit ; rdfs:label "Ward 7" .\n'
    )
    doc = reopen(_write(tmp_path / "m.ttl", text))
    data = doc.serialize("turtle")
    declared = {k.decode(): v.decode() for k, v in _declared(data).items()}
    assert declared == {"rx": RX, "rdfs": str(RDFS)}
    assert b"@prefix void:" not in data and b"@prefix prov:" not in data and b"@prefix unused:" not in data
    assert b"rx:Unit" in data
    assert isomorphic(Graph().parse(data=data, format="turtle"), Graph().parse(data=text, format="turtle"))


def test_new_map_binds_the_standard_prefixes_it_uses_and_no_others():
    doc = MapDocument.new(with_ontology=False, editing=False, base_iri=EX + "map/")
    data = doc.serialize("turtle")
    declared = {k.decode() for k in _declared(data)}
    # The map description uses void:Dataset, dct:title, dct:created (xsd:date) and void:uriSpace.
    assert declared == {"void", "dct", "xsd"}
    assert b"@prefix prov:" not in data and b"@prefix rx:" not in data
    trig = doc.serialize("trig")
    assert {k.decode() for k in _declared(trig)} == {"void", "dct", "xsd"}
