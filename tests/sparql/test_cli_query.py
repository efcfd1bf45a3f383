"""``routine-explorer query``: every output format, saved questions by number, and one-line errors with exit code 2."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph
from rdflib.query import Result

from explorer.cli import main
from explorer.core.resources import sample_graphs_dir

KEYSTONE = str(sample_graphs_dir() / "keystone-michigan.ttl")
BRIDGES = "04-people-bridging-units"


def _run(capsysbinary, *argv):
    code = main(["query", *argv])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def test_saved_question_as_a_table(capsysbinary):
    code, out, err = _run(capsysbinary, KEYSTONE, "04")
    text = out.decode("utf-8")
    assert code == 0 and err == ""
    lines = text.splitlines()
    assert lines[0].split(" | ")[0].strip() == "actor"
    assert "role:infection-preventionist-a" in lines[2] and "| 2 " in lines[2]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_table_formats(fmt, capsysbinary):
    code, out, _ = _run(capsysbinary, KEYSTONE, BRIDGES, "--format", fmt)
    assert code == 0
    parsed = Result.parse(io.BytesIO(out), format=fmt)
    assert [str(v) for v in parsed.vars] == ["actor", "actorLabel", "units", "unitLabels"]
    assert len(parsed.bindings) == 1
    assert str(parsed.bindings[0][parsed.vars[0]]).endswith("/role/infection-preventionist-a")


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's own JSON-LD parser
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("table", "turtle")]
)
def test_graph_formats(fmt, rdflib_format, capsysbinary):
    query = "DESCRIBE <https://w3id.org/routine-explorer/sample/keystone-michigan/unit/icu-a>"
    code, out, _ = _run(capsysbinary, KEYSTONE, "-e", query, "--format", fmt)
    assert code == 0
    graph = Graph().parse(data=out, format=rdflib_format)
    # icu-a: type, label, unitOf, memberOf, three lateralSupport, five readings (keystone-michigan.ttl lines 111-114).
    assert len(graph) == 12


def test_ask_as_table_and_json(capsysbinary):
    assert _run(capsysbinary, KEYSTONE, "-e", "ASK { ?u a rx:Unit }")[1] == b"yes\n"
    code, out, _ = _run(capsysbinary, KEYSTONE, "-e", "ASK { ?u a rx:Nothing }", "--format", "json")
    assert code == 0 and json.loads(out)["boolean"] is False


def test_query_from_a_file_and_into_a_file(tmp_path, capsysbinary):
    query = tmp_path / "units.rq"
    query.write_text("SELECT ?u WHERE { ?u a rx:Unit } ORDER BY ?u", encoding="utf-8")
    target = tmp_path / "units.csv"
    code, out, err = _run(capsysbinary, KEYSTONE, str(query), "--format", "csv", "-o", str(target))
    assert code == 0 and out == b"" and "wrote" in err
    assert target.read_text(encoding="utf-8").splitlines()[0] == "u" and len(target.read_text().splitlines()) == 6


def test_limit_truncates_with_a_message(capsysbinary):
    code, out, err = _run(
        capsysbinary, KEYSTONE, "-e", "SELECT * WHERE { ?s ?p ?o }", "--limit", "3", "--format", "tsv"
    )
    assert code == 0 and len(out.splitlines()) == 4
    assert "first 3 rows" in err and "--limit" in err


def _one_line_error(code, err):
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("routine-explorer: ") and "Traceback" not in err


def test_syntax_error_exits_2_with_line_and_column(tmp_path, capsysbinary):
    query = tmp_path / "broken.rq"
    query.write_text("SELECT ?x\nWHERE {\n  ?x ?p }\n", encoding="utf-8")
    code, _, err = _run(capsysbinary, KEYSTONE, str(query))
    _one_line_error(code, err)
    assert f"{query}:3:3: SPARQL syntax error" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["-e", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"],
        ["-e", "LOAD <http://127.0.0.1:9/data.ttl>"],
        ["-e", "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }"],
    ],
)
def test_refusals_exit_2(argv, capsysbinary):
    code, _, err = _run(capsysbinary, KEYSTONE, *argv)
    _one_line_error(code, err)
    assert "--allow-network" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["no-such-question"], "no such file or saved question"),
        ([], "either as a file"),
        (["04", "-e", "ASK {}"], "not both"),
        (["-e", "SELECT ?x { ?x a rx:Unit }", "--format", "ttl"], "table"),
        (["-e", "CONSTRUCT WHERE { ?s a rx:Unit }", "--format", "csv"], "graph"),
    ],
)
def test_bad_requests_exit_2(argv, message, capsysbinary):
    code, _, err = _run(capsysbinary, KEYSTONE, *argv)
    _one_line_error(code, err)
    assert message in err


def test_bad_map_and_bad_query_file_exit_2(tmp_path, capsysbinary):
    code, _, err = _run(capsysbinary, str(tmp_path / "missing.ttl"), "04")
    _one_line_error(code, err)
    undecodable = tmp_path / "latin1.rq"
    undecodable.write_bytes(b"SELECT * { ?s ?p '\xe9' }")
    code, _, err = _run(capsysbinary, KEYSTONE, str(undecodable))
    _one_line_error(code, err)
    assert "cannot read the query" in err


def test_update_needs_an_output_and_never_changes_the_map(tmp_path, capsysbinary):
    original = (sample_graphs_dir() / "keystone-michigan.ttl").read_bytes()
    update = "DELETE WHERE { ?unit rx:readiness ?r }"
    code, _, err = _run(capsysbinary, KEYSTONE, "-e", update)
    _one_line_error(code, err)
    assert "-o OUT.ttl" in err
    code, _, err = _run(capsysbinary, KEYSTONE, "-e", update, "-o", KEYSTONE)
    _one_line_error(code, err)
    target = tmp_path / "updated.ttl"
    code, _, err = _run(capsysbinary, KEYSTONE, "-e", update, "-o", str(target))
    assert code == 0 and "removes 5 statements" in err
    before, after = Graph().parse(KEYSTONE), Graph().parse(target)
    assert len(before) - len(after) == 5
    assert (sample_graphs_dir() / "keystone-michigan.ttl").read_bytes() == original


def test_query_results_never_overwrite_the_map_or_the_query(tmp_path, capsysbinary):
    copy = tmp_path / "map.ttl"
    copy.write_bytes((sample_graphs_dir() / "keystone-michigan.ttl").read_bytes())
    query = tmp_path / "units.rq"
    query.write_text("SELECT ?u WHERE { ?u a rx:Unit }", encoding="utf-8")
    for target in (copy, query):
        before = target.read_bytes()
        code, _, err = _run(capsysbinary, str(copy), str(query), "--format", "csv", "-o", str(target))
        _one_line_error(code, err)
        assert target.read_bytes() == before


def test_a_text_of_comments_alone_is_an_empty_update(capsysbinary, tmp_path):
    """SPARQL 1.1 Update's grammar allows an update of no operations (W3C syntax-update-1 test_38-40)."""
    code, _, err = _run(capsysbinary, KEYSTONE, "-e", "# nothing here yet")
    _one_line_error(code, err)
    assert "is an update" in err
    out = tmp_path / "same.ttl"
    code, _, err = _run(capsysbinary, KEYSTONE, "-e", "PREFIX ex: <http://example.org/>\n# nothing", "-o", str(out))
    assert code == 0 and "The update changes nothing." in err
