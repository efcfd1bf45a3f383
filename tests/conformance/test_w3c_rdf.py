"""The W3C RDF 1.1, RDF 1.2 and JSON-LD toRdf suites, run through the command line's ``convert`` (issue 21).

Every test goes through our own layer (sniffing, screening, the literal-forms store, the writers), not
through pyoxigraph directly, because that layer is where our bugs live:

- a positive syntax test must convert with exit 0;
- an evaluation test is converted to N-Quads and compared with the expected result by isomorphism
  (rdflib's, read by rdflib so the engine under test does not judge itself; pyoxigraph's
  canonicalisation where rdflib cannot read the result: RDF 1.2 triple terms, blank graph names);
- a canonical N-Triples/N-Quads (C14N) test must come out as the expected lines;
- a negative test must be refused with exit 2 and one line on stderr, no traceback, nothing written;
- a JSON-LD test whose input names a remote context is refused, with no connection tried.

Each input is read with the base IRI its manifest says it assumes (``--base``). A test that fails because
of the engine itself (pyoxigraph fails it too when used directly) is listed once in :data:`ENGINE`, with
the upstream reason; one that fails because of our own layer is in :data:`OURS`, naming issue 21's item.
Both are strict expected failures: one that starts passing fails the run, so the lists keep up.

Ids are ``SUITE/FOLDER/NAME`` (``rdf11/rdf-turtle/turtle-subm-26``, ``jsonld/toRdf/t0001``);
``scripts/conformance.py`` counts them by their first segment.
"""

from __future__ import annotations

import functools
import json
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from support.w3c import MF, entries, file_of, suites_root

from explorer import cli
from explorer.cli import main

# rdflib's N-Quads parser warns that it uses its own deprecated API, once a test: thousands of lines of noise.
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")

#: Test types by what the test asks of us.
_SYNTAX_OK = {
    "TestNTriplesPositiveSyntax",
    "TestNQuadsPositiveSyntax",
    "TestTurtlePositiveSyntax",
    "TestTrigPositiveSyntax",
}
_SYNTAX_BAD = {
    "TestNTriplesNegativeSyntax",
    "TestNQuadsNegativeSyntax",
    "TestTurtleNegativeSyntax",
    "TestTrigNegativeSyntax",
    "TestXMLNegativeSyntax",
    "TestTurtleNegativeEval",
    "TestTrigNegativeEval",
}
_EVAL = {"TestTurtleEval", "TestTrigEval", "TestXMLEval", "TestNTriplesEval", "TestNQuadsEval"}
_C14N = {"TestNTriplesPositiveC14N", "TestNQuadsPositiveC14N"}

JSONLD_BASE = "https://w3c.github.io/json-ld-api/tests/"

#: Failures of the engine itself: pyoxigraph used directly fails them too. Reasons name the upstream cause.
ENGINE: dict[str, str] = {
    **dict.fromkeys(
        ("jsonld/toRdf/t0122", "jsonld/toRdf/t0123", "jsonld/toRdf/te062"),
        "Oxigraph 0.5's JSON-LD reader resolves these relative IRIs otherwise than RFC 3986 (dot segments "
        "after a query or fragment)",
    ),
    "jsonld/toRdf/te091": "Oxigraph 0.5's JSON-LD reader resolves a relative @base against the document's IRI "
    "instead of the base option",
    "jsonld/toRdf/tc013": "Oxigraph 0.5's JSON-LD reader applies the containing type-scoped context inside a type map",
    **dict.fromkeys(
        ("jsonld/toRdf/tdi02", "jsonld/toRdf/tdi04", "jsonld/toRdf/tdi05", "jsonld/toRdf/tdi06"),
        "Oxigraph 0.5's JSON-LD reader keeps @direction as an RDF 1.2 directional language tag (@de--ltr); "
        "JSON-LD 1.1 with no rdfDirection option drops it",
    ),
    "jsonld/toRdf/tli12": "Oxigraph 0.5's JSON-LD reader refuses the whole document for an invalid @base that the "
    "expected result ignores",
}

#: Failures of our own layer (each passes in pyoxigraph used directly), naming the issue: none left. Issue 21's
#: item 1 (turtle-subm-26, trig-subm-26) and the annotation syntax ({| |}) that slipped past the refusal of
#: triple terms (20 Turtle and TriG tests) were listed here until fixed.
OURS: dict[str, str] = {}


@dataclass(frozen=True)
class Case:
    """One test: what to read (with which base), what it is (``kind``) and what should come of it."""

    id: str
    # "syntax", "negative", "eval", "c14n"; "remote" (a JSON-LD remote context) and "refused" (RDF 1.2
    # triple terms) are refused by design, and asserted as refusals
    kind: str
    action: Path
    base: str | None
    result: Path | None = None
    skip: str | None = field(default=None, compare=False)

    @property
    def family(self) -> str:
        """``syntax`` or ``eval``, as the conformance table counts them."""
        return "eval" if self.kind in ("eval", "c14n") or self.result is not None else "syntax"


def _rdf_cases(suite: str, manifest: Path, leave_out: Path | None = None) -> list[Case]:
    found = []
    top = manifest.parent
    for entry in entries(manifest):
        if leave_out is not None and entry.manifest.is_relative_to(leave_out):
            continue
        folder = entry.manifest.parent.relative_to(top).as_posix()
        test_id = f"{suite}/{folder}/{entry.iri.rsplit('#', 1)[-1]}"
        result = entry.value(MF.result)
        if entry.types & (_SYNTAX_OK | _EVAL | _C14N) and _holds_triple_terms(entry, result):
            kind = "refused"
        elif entry.types & _SYNTAX_OK:
            kind = "syntax"
        elif entry.types & _SYNTAX_BAD:
            kind = "negative"
        elif entry.types & _EVAL:
            kind = "eval"
        elif entry.types & _C14N:
            kind = "c14n"
        else:
            # The RDF 1.2 semantics tests (entailment) check an entailment regime, which neither we nor
            # the engine implement: nothing of ours to run them through.
            continue
        found.append(
            Case(
                test_id,
                kind,
                file_of(entry.value(MF.action)),
                entry.base,
                file_of(result) if result is not None else None,
            )
        )
    return found


def _holds_triple_terms(entry, result) -> bool:
    """Whether a positive test's data holds RDF 1.2 triple terms, which our reading refuses by design
    (:mod:`explorer.core.rdf_formats`: nothing downstream of the store handles them yet).

    An evaluation test's expected N-Triples show them as ``<<(``; a syntax test's input is parsed by
    pyoxigraph to find out (classifying the test only: the test itself goes through our command).
    """
    if result is not None:
        return b"<<(" in file_of(result).read_bytes()
    if "rdf12" not in entry.manifest.parts:
        return False
    action = file_of(entry.value(MF.action))
    fmt = ox.RdfFormat.from_extension(action.suffix.lstrip("."))
    try:
        return any(
            isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple)
            for q in ox.parse(path=action, format=fmt, base_iri=entry.base)
        )
    except SyntaxError:
        return False


def _jsonld_remote(document) -> bool:
    """Whether a JSON-LD document names a context (or an ``@import``) by address, to be fetched.

    Values of terms typed ``@json`` are JSON literals, not JSON-LD: a ``@context`` in one is data.
    """
    literal_terms: set[str] = set()

    def contexts(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "@context":
                    for context in item if isinstance(item, list) else [item]:
                        if isinstance(context, dict):
                            literal_terms.update(
                                term for term, d in context.items() if isinstance(d, dict) and d.get("@type") == "@json"
                            )
                contexts(item)
        elif isinstance(value, list):
            for item in value:
                contexts(item)

    def remote(value) -> bool:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in literal_terms:
                    continue
                if key == "@context" and any(isinstance(c, str) for c in (item if isinstance(item, list) else [item])):
                    return True
                if (key == "@import" and isinstance(item, str)) or remote(item):
                    return True
        elif isinstance(value, list):
            return any(remote(item) for item in value)
        return False

    contexts(document)
    return remote(document)


# Options the manifest sets that no surface of ours offers: such a test asks for another processor.
_JSONLD_UNSUPPORTED = {
    "specVersion": {"json-ld-1.0": "a JSON-LD 1.0 test; we (and Oxigraph) read JSON-LD 1.1"},
    "processingMode": {"json-ld-1.0": "asks for JSON-LD 1.0 processing mode; we read JSON-LD 1.1"},
    "produceGeneralizedRdf": {True: "asks for generalized RDF (blank node predicates), which a map cannot hold"},
    "rdfDirection": {
        "i18n-datatype": "asks for the rdfDirection option, which our reading does not offer",
        "compound-literal": "asks for the rdfDirection option, which our reading does not offer",
    },
}


def _jsonld_cases(folder: Path) -> list[Case]:
    manifest = json.loads((folder / "toRdf-manifest.jsonld").read_text(encoding="utf-8"))
    found = []
    for test in manifest["sequence"]:
        test_id = f"jsonld/toRdf/{test['@id'].lstrip('#')}"
        types = set(test["@type"])
        option = test.get("option", {})
        action = folder / test["input"]
        skip = None
        for name, values in _JSONLD_UNSUPPORTED.items():
            if name in option and option[name] in values:
                skip = values[option[name]]
        if "expandContext" in option:
            skip = "asks for an expandContext option, which our reading does not offer"
        base = option.get("base", JSONLD_BASE + test["input"])
        if not action.is_file():
            # A few toRdf tests read their input from the expand suite, which the copy leaves out.
            found.append(Case(test_id, "eval", action, base, skip=f"its input {test['input']} is not in the copy"))
            continue
        try:
            remote = _jsonld_remote(json.loads(action.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError):
            remote = False  # a test of malformed JSON
        if remote:
            kind = "remote"
        elif "jld:NegativeEvaluationTest" in types:
            kind = "negative"
        elif "jld:PositiveSyntaxTest" in types:
            kind = "syntax"
        else:
            kind = "eval"
        expect = test.get("expect")
        found.append(Case(test_id, kind, action, base, folder / expect if expect else None, skip))
    return found


def _cases() -> list[Case]:
    root = suites_root()
    if root is None:
        return []
    rdf = root / "rdf-tests" / "rdf"
    found = _rdf_cases("rdf11", rdf / "rdf11" / "manifest.ttl")
    # RDF 1.2's manifests include RDF 1.1's (counted above as rdf11) and its semantics tests (left out in
    # _rdf_cases): rdf12 here is what RDF 1.2 adds.
    found += _rdf_cases("rdf12", rdf / "rdf12" / "manifest.ttl", leave_out=rdf / "rdf11")
    found += _jsonld_cases(root / "json-ld-api" / "tests")
    return found


def _params():
    cases = _cases()
    if not cases:
        yield pytest.param(None, id="w3c/absent")
        return
    for case in cases:
        marks = []
        reason = ENGINE.get(case.id) or OURS.get(case.id)
        if reason is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        yield pytest.param(case, id=case.id, marks=marks)


def _convert(case: Case, target: Path, capsys) -> tuple[int, str]:
    """Run ``routine-explorer convert`` on the test's input, with its base; the exit code and stderr."""
    argv = ["convert", str(case.action), str(target)]
    if case.base is not None:
        argv += ["--base", case.base]
    code = main(argv)
    return code, capsys.readouterr().err


def _graphs_by_rdflib(data: bytes) -> dict | None:
    """Each non-empty graph of an N-Quads document by name, read by rdflib; ``None`` where rdflib cannot
    read it or name its graphs stably (RDF 1.2 triple terms, blank graph names)."""
    dataset = rdflib.Dataset()
    # Literals as written: rdflib would otherwise make "1.0" and "1" (xsd:decimal) one term, and a test
    # could not see a spelling lost (W3C turtle-subm-26).
    normalise, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        dataset.parse(data=data, format="nquads")
    except Exception:  # noqa: BLE001 - rdflib's parser raises several kinds; any of them means "cannot"
        return None
    finally:
        rdflib.NORMALIZE_LITERALS = normalise
    graphs = {g.identifier: _lower_case_languages(g) for g in dataset.graphs() if len(g)}
    return None if any(isinstance(name, rdflib.BNode) for name in graphs) else graphs


def _lower_case_languages(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` with its language tags in lower case: RDF compares them without case (RDF 1.1 Concepts,
    3.3), and Oxigraph writes them in lower case, which rdflib would count as other literals."""
    lowered = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.language:
            o = rdflib.Literal(str(o), lang=o.language.lower())
        lowered.add((s, p, o))
    return lowered


def _same_dataset(got: bytes, expected: bytes) -> bool:
    """Whether two N-Quads (or N-Triples) documents hold isomorphic datasets."""
    ours, theirs = _graphs_by_rdflib(got), _graphs_by_rdflib(expected)
    if ours is not None and theirs is not None:
        return ours.keys() == theirs.keys() and all(isomorphic(ours[name], theirs[name]) for name in ours)
    # Triple terms or blank graph names: compare pyoxigraph's canonical forms of the two.
    a, b = (ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_QUADS)) for data in (got, expected))
    a.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    b.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return a == b


@pytest.fixture(autouse=True)
def _one_parser(monkeypatch):
    """The command's argument parser, built once: a run builds it once too, and building it is most of
    the time a small test takes (27 of 44 ms), which would put this module over its time budget."""
    monkeypatch.setattr(cli, "build_parser", _PARSER)


_PARSER = functools.cache(cli.build_parser)


@pytest.fixture
def no_connection(monkeypatch):
    """Counts (and stops) every connection or name look-up Python code tries."""
    tried: list = []

    def refuse(*args, **kwargs):
        tried.append(args)
        raise OSError("a W3C conformance test tried to reach the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return tried


@pytest.mark.parametrize("case", list(_params()))
def test_w3c(case: Case | None, tmp_path, capsys, no_connection, record_property) -> None:
    if case is None:
        suites_root() or pytest.skip("the W3C test suites are not here: set ROUTINE_EXPLORER_W3C_TESTS")
        return
    record_property("w3c_kind", case.family)
    if case.kind in ("remote", "refused"):
        record_property("w3c_refused", "by design")
    if case.skip is not None:
        pytest.skip(case.skip)
    c14n = case.kind == "c14n" and case.result is not None
    target = tmp_path / ("out" + (case.result.suffix if c14n else ".nq"))
    code, err = _convert(case, target, capsys)
    if case.kind in ("negative", "remote", "refused"):
        assert code == 2, f"accepted: exit {code}, {err!r}"
        assert err.startswith("routine-explorer: ") and err.count("\n") == 1, err
        assert "Traceback" not in err and "internal error" not in err, err
        assert not target.exists()
        if case.kind == "remote":
            assert "remote @context" in err, err
            assert no_connection == []
        if case.kind == "refused":
            assert "RDF 1.2 triple terms" in err, err
        return
    assert code == 0, err
    if c14n:
        got = target.read_text(encoding="utf-8").splitlines()
        assert sorted(got) == sorted(case.result.read_text(encoding="utf-8").splitlines())
    elif case.kind == "eval" and case.result is not None:
        assert _same_dataset(target.read_bytes(), case.result.read_bytes()), target.read_text(encoding="utf-8")
