"""The W3C SPARQL 1.1 suite, run through the query service (issue 21).

Every test goes through our own layer (:class:`~explorer.sparql.QueryService`: the checker process, the
safety screen, the engine process, the update's diff made into an edit), not through pyoxigraph directly,
because that layer is where our bugs live. The dataset is the map alone, as ``--map-only`` gives it: the
test's ``qt:data`` is the map graph, each ``qt:graphData`` a named graph under its file's IRI, and no
ontology. Each query is read with its own file's IRI as base, as the suite assumes.

- a positive syntax test (query or update) must run on an empty map;
- a negative syntax test must be refused with a :class:`~explorer.core.errors.QueryError`, never an internal
  error;
- a query evaluation test's result must equal the expected one as a result set: blank nodes matched up to
  renaming, in order only when the query has ``ORDER BY``; a graph result by isomorphism;
- an update evaluation test's map and named graphs afterwards must be isomorphic to the expected ones;
- ``SERVICE`` and ``LOAD`` are refused by design while network access is off, with no connection tried;
  with network access on, such a text must still check (parse only).

A test that fails because of the engine itself (pyoxigraph fails it too when used directly) is listed once
in :data:`ENGINE`, with the upstream reason; one that fails because of our own layer is in :data:`OURS`.
Both are strict expected failures: one that starts passing fails the run, so the lists keep up.

Ids are ``sparql11/FOLDER/NAME`` (``sparql11/aggregates/agg01``); ``scripts/conformance.py`` counts them
by their first segment. One map and one query service serve every test of a worker (a service starts an
engine process, and one per test would cost more than the tests themselves): each test gives the map a
new store, which the service copies into its engine as it does for a map read again.
"""

from __future__ import annotations

import collections
import io
import re
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result
from support.w3c import MF, QT, UT, Entry, entries, file_of, suites_root

from explorer.core.document import MapDocument
from explorer.core.errors import QueryError
from explorer.core.store import EmbeddedStore
from explorer.core.terms import DEFAULT_GRAPH
from explorer.sparql import QueryRefused, QueryService, QuerySyntaxError

RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")

_NUMBERS = (
    "Oxigraph keeps numbers by value and writes them in its own canonical form, stored or computed "
    '("1.0"^^xsd:decimal as "1", "32100.0"^^xsd:double as "32100", xsd:negativeInteger as xsd:integer); '
    "the suite expects the forms as written"
)
_PATHS = (
    "Oxigraph 0.5 answers :s :p*/:p? ?o only for an :s in the graph (oxigraph/oxigraph#1815); the suite now "
    "expects the zero-length path for any given term (w3c/rdf-tests#264, w3c/sparql-query#313)"
)
_GRAPH_SCOPE = (
    "Oxigraph evaluates the pattern inside GRAPH ?g with ?g in scope (VALUES, MINUS, an empty group's COUNT); "
    "the suite's newer tests expect it out of scope"
)

#: Failures of the engine itself: pyoxigraph 0.5 used directly fails them the same way.
ENGINE: dict[str, str] = {
    **{
        f"sparql11/{name}": _NUMBERS
        for name in (
            "cast/cast-bool",
            "cast/cast-int",
            "cast/cast-float",
            "cast/cast-double",
            "cast/cast-decimal",
            "cast/cast-string",
            "aggregates/agg-sum-02",
            "aggregates/agg-avg-02",
            "aggregates/agg-min-01",
            "aggregates/agg-min-02",
            "aggregates/agg-max-01",
            "aggregates/agg-max-02",
            "aggregates/agg-err-02",
            "aggregates/agg-avg-distinct",
            "aggregates/agg-max-distinct",
            "aggregates/agg-min-distinct",
            "aggregates/agg-sum-distinct",
            "functions/plus-1-corrected",
            "functions/plus-2-corrected",
            "functions/coalesce01",
            "csv-tsv-res/csv03",
            "csv-tsv-res/tsv03",
        )
    },
    **{
        f"sparql11/property-path/{name}": _PATHS
        for name in ("zero_or_more_set_start", "zero_or_more_set_end", "zero_or_one_set_start", "zero_or_one_set_end")
    },
    **{
        f"sparql11/{name}": _GRAPH_SCOPE
        for name in ("bindings/graph", "negation/graph-minus", "aggregates/agg-empty-group-count-graph")
    },
    "sparql11/aggregates/agg-groupconcat-04": "Oxigraph's GROUP_CONCAT over mixed language tags keeps a tag the "
    "suite expects dropped (ASK answers false)",
    "sparql11/aggregates/agg-groupconcat-06": "Oxigraph's GROUP_CONCAT over mixed language tags keeps a tag the "
    "suite expects dropped (ASK answers false)",
    "sparql11/functions/timezone": 'Oxigraph writes a zero xsd:dayTimeDuration as "PT0S"; the suite expects "P0D"',
    "sparql11/functions/bnode01": "Oxigraph's BNODE(text) gives the same blank node for the same text in every "
    "solution; SPARQL 1.1 (17.4.2.9) gives one per solution",
}

#: Failures of our own layer, by issue 21's item.
OURS: dict[str, str] = {}

_SYNTAX = {
    "PositiveSyntaxTest11": "positive",
    "PositiveUpdateSyntaxTest11": "positive",
    "NegativeSyntaxTest11": "negative",
    "NegativeUpdateSyntaxTest11": "negative",
}
_LOAD = re.compile(r"\bLOAD\b", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    """One test: its id, what it asks (``positive``, ``negative``, ``query``, ``update``, ``csv``) and its entry."""

    id: str
    kind: str
    entry: Entry

    @property
    def family(self) -> str:
        return "syntax" if self.kind in ("positive", "negative") else "eval"


def _cases() -> list[Case]:
    root = suites_root()
    if root is None:
        return []
    folder = root / "rdf-tests" / "sparql" / "sparql11"
    found = []
    for manifest in ("manifest.ttl", "manifest-sparql11-fed.ttl"):
        for entry in entries(folder / manifest):
            kind = _SYNTAX.get(next(iter(entry.types & _SYNTAX.keys()), ""))
            if kind is None and "QueryEvaluationTest" in entry.types:
                kind = "query"
            elif kind is None and "UpdateEvaluationTest" in entry.types:
                kind = "update"
            elif kind is None and "CSVResultFormatTest" in entry.types:
                kind = "csv"
            if kind is not None:
                found.append(Case(f"sparql11/{entry.id}", kind, entry))
    return found


def _params():
    cases = _cases()
    if not cases:
        yield pytest.param(None, id="w3c/absent")
        return
    for case in cases:
        reason = ENGINE.get(case.id) or OURS.get(case.id)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(case, id=case.id, marks=marks)


# ------------------------------------------------------------------------------------------------ the map
class Map:
    """The map and the query service every test of a worker shares; :meth:`holding` gives it a test's data."""

    def __init__(self) -> None:
        self.document = MapDocument(EmbeddedStore(), path=None, format=None, prefixes={}, editing=False)
        self.service = QueryService(self.document, include_ontology=False, timeout=20.0)

    def holding(self, default: list[Path], named: dict[str, Path], base: str) -> QueryService:
        """The service, over a map of ``default`` files and ``named`` graphs, reading queries against ``base``."""
        store = EmbeddedStore()
        for path in default:
            store.load(path, base=path.as_uri())
        for name, path in named.items():
            store.load(path, graph=rdflib.URIRef(name), base=path.as_uri())
        self.document.store = store  # the service copies a new store into its engine afresh, as after a revert
        self.service.base_iri = base
        return self.service


@pytest.fixture(scope="module")
def shared_map():
    shared = Map()
    yield shared
    shared.service.close()


@pytest.fixture
def no_connection(monkeypatch):
    """Counts (and stops) every connection or name look-up Python code tries in this process."""
    tried: list = []

    def refuse(*args, **kwargs):
        tried.append(args)
        raise OSError("a W3C conformance test tried to reach the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return tried


# ---------------------------------------------------------------------------------------- result sets
def _term(term):
    """A term as compared: language tags without case (RDF compares them so; Oxigraph writes lower case)."""
    if isinstance(term, rdflib.Literal) and term.language:
        return rdflib.Literal(str(term), lang=term.language.lower())
    return term


def _rows(variables, rows) -> list[dict]:
    return [{str(v): _term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]


def _equivalent(got: list[dict], expected: list[dict], *, ordered: bool) -> bool:
    """Whether two lists of solutions are the same, blank nodes matched up to a consistent renaming."""
    if len(got) != len(expected):
        return False
    if not ordered:
        plain = [frozenset(row.items()) for row in got]
        if not any(isinstance(t, rdflib.BNode) for row in got + expected for t in row.values()):
            return collections.Counter(plain) == collections.Counter(frozenset(r.items()) for r in expected)

    def fits(row: dict, other: dict, mapping: dict) -> dict | None:
        if row.keys() != other.keys():
            return None
        mapping = dict(mapping)
        for name, term in row.items():
            theirs = other[name]
            if isinstance(term, rdflib.BNode) and isinstance(theirs, rdflib.BNode):
                if mapping.setdefault(term, theirs) != theirs:
                    return None
            elif term != theirs:
                return None
        if len(set(mapping.values())) != len(mapping):
            return None
        return mapping

    def match(i: int, left: list[int], mapping: dict) -> bool:
        if i == len(got):
            return True
        for position, j in enumerate(left):
            if ordered and position > 0:
                break
            found = fits(got[i], expected[j], mapping)
            if found is not None and match(i + 1, left[:position] + left[position + 1 :], found):
                return True
        return False

    return match(0, list(range(len(expected))), {})


def _result_set_graph(path: Path) -> tuple[str, object]:
    """An expected result written as an ``rs:ResultSet`` graph (``.ttl``/``.rdf``): ``("ask", bool)``,
    ``("select", (variables, rows, ordered))``."""
    graph = rdflib.Graph().parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
    result_set = graph.value(None, rdflib.RDF.type, RS.ResultSet)
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return "ask", bool(boolean.toPython())
    variables = [str(v) for v in graph.objects(result_set, RS.resultVariable)]
    solutions = []
    for solution in graph.objects(result_set, RS.solution):
        row = {}
        for binding in graph.objects(solution, RS.binding):
            row[str(graph.value(binding, RS.variable))] = _term(graph.value(binding, RS.value))
        index = graph.value(solution, RS.index)
        solutions.append((int(index) if index is not None else 0, row))
    ordered = any(index for index, _ in solutions)
    return "select", (variables, [row for _, row in sorted(solutions, key=lambda s: s[0])], ordered)


_RESULT_FORMATS = {".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}


def _expected(path: Path):
    """The expected result: ``("ask", bool)``, ``("select", (variables, rows, ordered))`` or ``("graph", Graph)``."""
    if path.suffix in _RESULT_FORMATS:
        with path.open("rb") as stream:
            result = Result.parse(stream, format=_RESULT_FORMATS[path.suffix])
        if result.type == "ASK":
            return "ask", bool(result.askAnswer)
        rows = [{str(k): _term(v) for k, v in row.items() if v is not None} for row in result.bindings]
        return "select", ([str(v) for v in result.vars or ()], rows, False)
    graph = rdflib.Graph().parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
    if (None, rdflib.RDF.type, RS.ResultSet) in graph:
        return _result_set_graph(path)
    return "graph", graph


def _ordered(text: str) -> bool:
    return re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE) is not None


def _as_graph(triples) -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o in triples:
        graph.add((s, p, _term(o)))
    return graph


# -------------------------------------------------------------------------------------------- the tests
def _action(case: Case) -> dict:
    action = case.entry.value(MF.action)
    return case.entry.about(action) if isinstance(action, rdflib.BNode) else {MF.action: [action]}


def _dataset(entry: Entry, action: dict, data, graph_data) -> tuple[list[Path], dict[str, Path]]:
    """The files of the map graph and the named graphs by name, from an action's (or result's) properties."""
    default = [file_of(d) for d in action.get(data, [])]
    named = {}
    for node in action.get(graph_data, []):
        if isinstance(node, rdflib.BNode):  # ut:graphData [ ut:graph <file> ; rdfs:label "name" ]
            about = entry.about(node)
            named[str(about[rdflib.RDFS.label][0])] = file_of(about[UT.graph][0])
        else:
            named[str(node)] = file_of(node)
    return default, named


def _syntax(case: Case, service: QueryService, record_property) -> None:
    """A negative test is refused as a query error; a positive one is read, and runs or fails only as it runs."""
    text = file_of(case.entry.value(MF.action)).read_text(encoding="utf-8")
    if case.kind == "negative":
        with pytest.raises(QueryError) as refused:
            service.run(text)
        assert not isinstance(refused.value, QueryRefused), refused.value
        assert "Traceback" not in str(refused.value) and "codec" not in str(refused.value), refused.value
        return
    failed = None
    try:
        service.run(text)
    except QueryRefused:
        # SERVICE, LOAD, FROM or USING a graph the map lacks: refused by design while network access is off.
        # With it on, the text still reads (checked only: nothing runs, so nothing connects).
        record_property("w3c_refused", "by design")
        service.allow_network = True
        try:
            service.check(text)
        finally:
            service.allow_network = False
    except QuerySyntaxError:
        raise
    except QueryError as err:
        failed = str(err)
    # Read, and then failed as it ran on an empty map (a custom function, a graph the map lacks): not syntax.
    assert failed is None or failed.startswith("The query could not run: "), failed


def _query(case: Case, service_for) -> None:
    action = _action(case)
    query = file_of(action[QT.query][0])
    text = query.read_text(encoding="utf-8")
    default, named = _dataset(case.entry, action, QT.data, QT.graphData)
    service = service_for(default, named, query.as_uri())
    if "service" in case.id.split("/"):
        with pytest.raises(QueryRefused):  # by design, while network access is off
            service.run(text)
        return
    outcome = service.run(text)
    kind, expected = _expected(file_of(case.entry.value(MF.result)))
    if case.kind == "csv":
        got = Result.parse(io.BytesIO(outcome.serialize("csv")), format="csv")
        theirs = Result.parse(file_of(case.entry.value(MF.result)).open("rb"), format="csv")
        assert _equivalent(_rows(got.vars, got), _rows(theirs.vars, theirs), ordered=False)
        return
    if kind == "ask":
        assert outcome.kind == "ask" and outcome.boolean == expected
    elif kind == "select":
        _, rows, ordered = expected
        assert outcome.kind == "select", outcome.kind
        got = _rows(outcome.variables, outcome.rows)
        assert _equivalent(got, rows, ordered=ordered or _ordered(text)), (got, rows)
    else:
        assert outcome.kind == "graph", outcome.kind
        assert isomorphic(_as_graph(outcome.triples), _as_graph(expected)), outcome.triples


def _graphs(store) -> dict:
    found: dict = {}
    for s, p, o, g in store.quads(None, None, None, None):
        found.setdefault(None if g == DEFAULT_GRAPH else str(g), rdflib.Graph()).add((s, p, _term(o)))
    return {name: graph for name, graph in found.items() if len(graph)}


def _update(case: Case, service_for) -> None:
    action = _action(case)
    request = file_of(action[UT.request][0])
    text = request.read_text(encoding="utf-8")
    default, named = _dataset(case.entry, action, UT.data, UT.graphData)
    service = service_for(default, named, request.as_uri())
    if _LOAD.search(text):
        with pytest.raises(QueryRefused):  # by design, while network access is off
            service.run(text)
        return
    outcome = service.run(text)
    if outcome.command is not None:
        service.document.execute(outcome.command)
    result = case.entry.value(MF.result)
    expected_default, expected_named = _dataset(case.entry, case.entry.about(result), UT.data, UT.graphData)
    expected = EmbeddedStore()
    for path in expected_default:
        expected.load(path, base=path.as_uri())
    for name, path in expected_named.items():
        expected.load(path, graph=rdflib.URIRef(name), base=path.as_uri())
    got, theirs = _graphs(service.document.store), _graphs(expected)
    assert got.keys() == theirs.keys(), (sorted(got, key=str), sorted(theirs, key=str))
    for name, graph in got.items():
        assert isomorphic(graph, theirs[name]), (name, sorted(graph), sorted(theirs[name]))


@pytest.mark.parametrize("case", list(_params()))
def test_w3c(case: Case | None, shared_map, no_connection, record_property) -> None:
    if case is None:
        suites_root() or pytest.skip("the W3C test suites are not here: set ROUTINE_EXPLORER_W3C_TESTS")
        return
    record_property("w3c_kind", case.family)
    if case.kind in ("positive", "negative"):
        _syntax(case, shared_map.holding([], {}, file_of(case.entry.value(MF.action)).as_uri()), record_property)
    elif case.kind in ("query", "csv"):
        if "service" in case.id.split("/"):
            record_property("w3c_refused", "by design")
        _query(case, shared_map.holding)
    else:
        _update(case, shared_map.holding)
    assert no_connection == []
