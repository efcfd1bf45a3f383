"""Query forms, syntax errors with their line and column, and results written in every format."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from explorer.core.errors import ExplorerError, QueryError
from explorer.sparql import Outcome, QuerySyntaxError
from explorer.sparql.checking import check


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("ASK { ?s ?p ?o }", "ask"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <http://example.org/map/icu>", "describe"),
        ("# a comment first\nPREFIX ex: <http://example.org/>\nselect ?x { ?x a ex:Y }", "select"),
        ("INSERT DATA { <http://e/a> <http://e/b> 1 }", "update"),
        ("DELETE WHERE { ?s ?p ?o }", "update"),
        ("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
    ],
)
def test_kind(text, kind, small_doc, services):
    assert services(small_doc).kind(text) == kind


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("SELECT * WHERE { ?s ?p }", 1, 18),
        ("SELECT ?x\nWHERE {\n  ?x ?p ?o .\n  FILTER (?x = ) }", 4, 3),
        ("SELECT * WHERE { ?s ?p ?o } garbage", 1, 29),
        ("SELEC * { ?s ?p ?o }", 1, 1),
        ("PREFIX ex: <http://e/>\nSELECT * { ?s ex:p ?o .\n  ?s nope:q ?o }", 3, 6),
        ("INSERT DATA { <http://e/a> <http://e/b> }", 1, 15),
        ("INSERT DATA { <http://e/a> <http://e/b> 1 } ;\nDELETE WHERE { ?s ?p }", 2, 16),
        ("SELECT * { ?s ?p 'unterminated\n}", 1, 12),
    ],
)
def test_syntax_errors_name_line_and_column(text, line, column):
    with pytest.raises(QuerySyntaxError) as error:
        check(text, prefixes={"rx": "https://w3id.org/routine-explorer/ns#"})
    assert (error.value.line, error.value.column) == (line, column), str(error.value)
    assert str(error.value).startswith(f"SPARQL syntax error at line {line}, column {column}: ")


def test_unknown_prefix_is_located_and_named():
    with pytest.raises(QuerySyntaxError, match=r"nope.*PREFIX") as error:
        check("SELECT * WHERE {\n  ?s nope:p ?o }")
    assert (error.value.line, error.value.column) == (2, 6)


def test_empty_and_oversized_queries_are_refused():
    with pytest.raises(QueryError, match="empty"):
        check("   \n")
    with pytest.raises(QueryError, match="limit"):
        check("SELECT * { ?s ?p ?o }" + " " * 1_000_001)


def test_engine_syntax_errors_come_back_with_a_position(small_doc, services):
    # rdflib accepts re-binding ?x, Oxigraph does not: the error comes from the engine, still with line and column.
    with pytest.raises(QuerySyntaxError) as error:
        services(small_doc).run("SELECT ?x WHERE {\n ?x a rx:Unit . BIND (1 AS ?x) }")
    assert error.value.line >= 1 and error.value.column >= 1


# ------------------------------------------------------------------- results


@pytest.fixture
def select_outcome(small_doc, services):
    return services(small_doc).run(
        "SELECT ?node ?label ?readiness ?missing FROM <https://w3id.org/routine-explorer/graph/map> "
        "WHERE { ?node rdfs:label ?label OPTIONAL { ?node rx:readiness ?readiness } "
        "OPTIONAL { ?node rx:nothing ?missing } } ORDER BY ?label"
    )


def _parsed(data: bytes, fmt: str) -> Result:
    return Result.parse(io.BytesIO(data), format=fmt)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
def test_select_results_round_trip_through_rdflib_parsers(fmt, select_outcome):
    data = select_outcome.serialize(fmt)
    parsed = _parsed(data, fmt)
    rows = [tuple(binding.get(v) for v in parsed.vars) for binding in parsed.bindings]
    assert [str(v) for v in parsed.vars] == ["node", "label", "readiness", "missing"]
    if fmt == "csv":  # CSV keeps only lexical forms
        assert [tuple(None if t is None else str(t) for t in r) for r in rows] == [
            tuple(None if t is None else str(t) for t in r) for r in select_outcome.rows
        ]
    else:
        assert rows == list(select_outcome.rows)


def test_hostile_literals_survive_every_table_format():
    nasty = Literal('a "quoted", tabbed\tvalue\nwith <b>markup</b> & ünïcode')
    outcome = Outcome("select", variables=("x",), rows=((nasty,),))
    for fmt in ("json", "xml", "tsv"):
        parsed = _parsed(outcome.serialize(fmt), fmt)
        assert [b[parsed.vars[0]] for b in parsed.bindings] == [nasty], fmt
    assert json.loads(outcome.serialize("json"))["results"]["bindings"][0]["x"]["value"] == str(nasty)


def test_ask_results(small_doc, services):
    outcome = services(small_doc).run("ASK { ?s a rx:Unit }")
    assert outcome.boolean is True and outcome.message.startswith("Yes")
    assert json.loads(outcome.serialize("json"))["boolean"] is True
    assert _parsed(outcome.serialize("xml"), "xml").askAnswer is True
    with pytest.raises(ExplorerError, match="json or xml"):
        outcome.serialize("csv")


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's own JSON-LD parser
@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "xml"])
def test_graph_results_in_rdf_formats(fmt, small_doc, services):
    service = services(small_doc)
    outcome = service.run(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), 'http://example.org/map/')) }"
    )
    assert outcome.kind == "graph" and len(outcome.triples) == 7
    data = outcome.serialize(fmt, prefixes=service.prefixes)
    parsed = Graph().parse(data=data, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}[fmt])
    expected = Graph()
    for triple in outcome.triples:
        expected.add(triple)
    assert isomorphic(parsed, expected)
    with pytest.raises(ExplorerError, match="graph"):
        outcome.serialize("csv")
    if fmt == "ttl":  # the declared prefixes come with the outcome
        assert b"@prefix rx: <https://w3id.org/routine-explorer/ns#>" in outcome.serialize("ttl")


def test_update_outcomes_have_nothing_to_serialize(small_doc, services):
    outcome = services(small_doc).run("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    with pytest.raises(ExplorerError, match="execute it"):
        outcome.serialize("json")


def test_select_rows_hold_rdflib_terms(select_outcome):
    node, label, readiness, missing = select_outcome.rows[1]
    assert node == URIRef("http://example.org/map/icu") and label == Literal("ICU")
    assert str(readiness) == "0.5" and missing is None


@pytest.mark.parametrize(
    "text", ["# only a comment", "PREFIX ex: <http://example.org/>\n# and a note", "BASE <http://e/>"]
)
def test_comments_and_prefixes_alone_are_an_empty_update(text):
    assert check(text).kind == "update"
