"""Issue 21 items 2-5 in the query layer: a base for queries, nesting that cannot exhaust the parser, empty
updates and lone surrogates, and the map-only dataset; each through the API and the command line."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from explorer.cli import main
from explorer.core.document import MapDocument
from explorer.core.errors import QueryError
from explorer.sparql import QueryRefused, QuerySyntaxError
from explorer.sparql.checking import MAX_NESTING, check
from explorer.sparql.service import map_base

# A map whose data holds relative IRIs: what they mean depends on the base it is read with.
RELATIVE = '@prefix ex: <http://example.org/> .\n<ward> ex:label "Ward 7" .\nex:icu ex:label "ICU" .\n'
NESTED_SERVICE = "SELECT * { SERVICE <http://a.example/> { ?s ?p ?o SERVICE <http://b.example/> { ?s ?p ?x } } }"


@pytest.fixture
def relative_map(tmp_path):
    path = tmp_path / "ward.ttl"
    path.write_text(RELATIVE, encoding="utf-8")
    return path


def _query(capsys, *argv) -> tuple[int, str, str]:
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------------------------- item 2: a base
def test_a_query_resolves_relative_iris_against_the_base_the_map_was_read_with(relative_map, services):
    doc = MapDocument.open(relative_map, editing=False, with_ontology=False, base="https://example.org/wards/")
    try:
        assert map_base(doc) == "https://example.org/wards/"
        found = services(doc).run("SELECT ?label { <ward> ?p ?label }")
        assert found.rows == ((Literal("Ward 7"),),)
        # Given to the service, a base wins over the map's (the data keeps what it was read with).
        other = services(doc, base_iri="https://example.org/elsewhere/").run("ASK { <ward> ?p ?o }")
        assert other.boolean is False
    finally:
        doc.close()


def test_the_cli_base_reads_the_map_and_the_query_alike(relative_map, capsys):
    code, out, err = _query(capsys, str(relative_map), "--base", "https://example.org/wards/", "-e",
                            "SELECT ?s { ?s ?p 'Ward 7' }", "--format", "csv")  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[1] == "https://example.org/wards/ward"
    code, out, err = _query(capsys, str(relative_map), "--base", "https://example.org/wards/", "-e",
                            "SELECT ?label { <ward> ?p ?label }", "--format", "csv")  # fmt: skip
    assert code == 0 and out.splitlines()[1] == "Ward 7", err


def test_a_base_that_is_not_absolute_is_refused_in_one_line(relative_map, capsys):
    code, _, err = _query(capsys, str(relative_map), "--base", "wards/", "-e", "ASK {}")
    assert code == 2 and err.count("\n") == 1 and "'wards/' is not an absolute IRI" in err, err


def test_a_relative_iri_with_no_base_is_said_to_be_one():
    with pytest.raises(QuerySyntaxError) as refused:
        check("SELECT * {\n  <ward> ?p ?o }")
    assert (refused.value.line, refused.value.column) == (2, 3)
    assert "<ward> is a relative IRI and the query has no base" in str(refused.value)
    assert check("BASE <https://example.org/> SELECT * { <ward> ?p ?o }").kind == "select"


# ------------------------------------------------------------------------------------------ item 3: nesting
@pytest.mark.parametrize("allow_network", [False, True])
def test_nested_service_reads_without_recursing(allow_network):
    if allow_network:
        assert check(NESTED_SERVICE, allow_network=True).kind == "select"
    else:
        with pytest.raises(QueryRefused, match=r"calls SERVICE <http://a\.example/>"):
            check(NESTED_SERVICE)


def test_a_nested_service_is_checked_in_the_checker_too(services):
    doc = MapDocument.new(with_ontology=False)
    try:
        assert services(doc, allow_network=True).check(NESTED_SERVICE).kind == "select"
    finally:
        doc.close()


def test_nesting_up_to_the_limit_reads_and_beyond_it_is_refused_in_one_line():
    deepest = "SELECT * WHERE " + "{ ?s ?p ?o " * MAX_NESTING + "}" * MAX_NESTING
    assert check(deepest).kind == "select"
    for hostile in (
        "ASK " + "{" * 100_000,
        "SELECT * { FILTER (" + "(" * 5_000 + "1" + ")" * 5_000 + ") }",
        "SELECT * { ?s ?p " + "[ ?p " * 500 + "1" + "]" * 500 + " }",
    ):
        with pytest.raises(QueryError) as refused:
            check(hostile)
        message = str(refused.value)
        assert message.startswith(f"The query nests brackets more than {MAX_NESTING} deep (at line 1, column ")
        assert "\n" not in message


def test_brackets_in_strings_comments_and_iris_are_not_nesting():
    text = "SELECT * { ?s ?p '((((((' . ?s ?q <http://e/((((((> } # " + "(" * 200
    assert check(text.replace("((((((", "(" * 100)).kind == "select"


# -------------------------------------------------------------------------- item 4: empty updates, surrogates
@pytest.mark.parametrize("text", ["# a note", "BASE <http://example.org/>", "PREFIX ex: <http://example.org/>"])
def test_an_empty_update_is_a_no_op(text, small_doc, services):
    outcome = services(small_doc).run(text)
    assert outcome.kind == "update" and outcome.command is None
    assert outcome.message == "The update changes nothing."


@pytest.mark.parametrize("text", ['SELECT * { ?s ?p "\\uD800" }', 'SELECT * { ?s ?p "\\U0000DFFF" }'])
def test_a_lone_surrogate_escape_is_a_syntax_error(text, small_doc, services):
    with pytest.raises(QuerySyntaxError) as refused:
        services(small_doc).run(text)
    assert (refused.value.line, refused.value.column) == (1, 19)
    assert "names no character" in str(refused.value) and "codec" not in str(refused.value)


def test_a_lone_surrogate_given_as_such_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError, match="U\\+D800 is half of a UTF-16 pair"):
        check('SELECT * { ?s ?p "\ud800" }')


def test_the_cli_says_where_a_lone_surrogate_is(relative_map, capsys):
    code, _, err = _query(capsys, str(relative_map), "-e", 'ASK { ?s ?p "\\uD800" }')
    assert code == 2 and err.count("\n") == 1 and "<-e>:1:14: SPARQL syntax error: \\uD800 names no character" in err


# ----------------------------------------------------------------------------------------- item 5: map only
def test_map_only_leaves_the_ontology_out_of_the_default_graph_but_names_it(small_doc, services):
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    with_ontology = services(small_doc).run(count).rows[0][0].toPython()
    service = services(small_doc, include_ontology=False)
    alone = service.run(count).rows[0][0].toPython()
    assert alone == len(list(small_doc.store.quads())) < with_ontology
    named = service.run("ASK { GRAPH <https://w3id.org/routine-explorer/graph/ontology> { ?s ?p ?o } }")
    assert named.boolean is True


@pytest.mark.parametrize("update", ["DROP ALL", "CLEAR ALL", "CLEAR NAMED"])
def test_map_only_clear_all_empties_the_map_and_keeps_the_ontology(update, small_doc, services):
    before = len(list(small_doc.store.quads()))
    outcome = services(small_doc, include_ontology=False).run(update)
    if update == "CLEAR NAMED":
        assert outcome.command is None and "left as it is" in outcome.message
        return
    assert len(outcome.command.removed) == before and not outcome.command.added
    assert outcome.message.endswith("The ontology graph is read-only and was left as it is.")
    # With the ontology in the default graph, it is part of what ALL names: still refused.
    with pytest.raises(QueryRefused, match="read-only"):
        services(small_doc).run(update)


def test_the_cli_map_only_switch(relative_map, tmp_path, capsys):
    code, out, err = _query(capsys, str(relative_map), "--map-only", "-e", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert code == 0 and out.split()[-1] == "2", err
    code, out, _ = _query(capsys, str(relative_map), "-e", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert int(out.split()[-1]) > 1_000  # the ontology's statements too
    emptied = tmp_path / "empty.ttl"
    code, _, err = _query(capsys, str(relative_map), "--map-only", "-e", "DROP ALL", "-o", str(emptied))
    assert code == 0 and "removes 2 statements" in err, err
    assert URIRef("http://example.org/icu").n3() not in emptied.read_text(encoding="utf-8")
    code, _, err = _query(capsys, str(relative_map), "-e", "DROP ALL", "-o", str(tmp_path / "refused.ttl"))
    assert code == 2 and "read-only" in err
