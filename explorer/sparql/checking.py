"""Read a query before it runs: its form, its syntax errors, and whether it would reach outside the map.

rdflib parses the text into SPARQL algebra (nothing runs), and the algebra is
screened for what reaches outside: ``SERVICE`` (a federated call), ``LOAD`` (a
fetch), and ``FROM``/``FROM NAMED``/``USING`` naming a graph that is not one of
the map's. Screening the algebra, not the text, means comments, strings, odd
spacing or prefixed names cannot hide a ``SERVICE``.

Both parsers must read the same text, or a ``SERVICE`` rdflib takes for a
comment or a string would still run in Oxigraph. Two differences between
them are closed here: rdflib expands ``\\u``/``\\U`` escapes everywhere
before parsing (as SPARQL says), Oxigraph only inside strings and IRIs, so
the text is expanded once and the expanded text is both checked and run
(:attr:`CheckedQuery.text`); and a lone carriage return ends a ``#`` comment
for Oxigraph but not for rdflib, so rdflib reads a copy in which it is a
line feed. The engine screens again with Oxigraph's own parser
(:mod:`explorer.sparql._engine_worker`) in case another difference exists.

Hostile text
------------
:func:`check` refuses a text over :data:`MAX_QUERY_CHARS` before reading a
character of it, and one declaring more than :data:`MAX_PREFIX_DECLARATIONS`
prefixes before rdflib binds them (rdflib binds each into a trie at a cost
that grows with the number already bound: 30,000 ``PREFIX`` lines took 52 s).
Brackets nested deeper than :data:`MAX_NESTING` are refused before parsing too,
in one line naming where (rdflib's parser recurses some 40 frames a level,
and reads the rest under a recursion limit that fits that depth); and a
``SERVICE`` inside a ``SERVICE``, on which rdflib's parser recursed without
end (RDFLib/rdflib#2136), is read without its search for the pattern's text.
Nothing here scans the text with a pattern that can backtrack. rdflib's own
parser is not linear on every shape (a long run of ``;`` reads at about
2,000 characters a second, a collection of 2,500 items takes minutes), so
the app never calls :func:`check` on its own thread or process:
:class:`explorer.sparql.service.QueryService` runs it in a child process
(the query engine's worker, started as a checker) that the query's timeout,
its cancel and a memory cap all stop.

rdflib is the gatekeeper for syntax too: a text it cannot read cannot be
screened, so it does not run, even where Oxigraph (which executes queries)
would accept it (Oxigraph's extensions such as ``LATERAL``). rdflib places a
syntax error at the start of the construct that fails, which is where the
editor marks it. (Oxigraph has no parse-only call, and its error positions
are the furthest point its parser tried, often the end of the text.) A text
rdflib accepts and Oxigraph rejects fails when it runs, with Oxigraph's
position.

Examples
--------
>>> checked = check("SELECT ?unit WHERE { ?unit a rx:Unit }", prefixes={"rx": "https://w3id.org/routine-explorer/ns#"})
>>> checked.kind, checked.default_graphs
('select', None)
>>> check("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
explorer.sparql.errors.QueryRefused: This query calls SERVICE <http://example.org/sparql>, which would send it to
another server. Network access is off: turn it on ("Allow network" in the SPARQL console, --allow-network on the
command line) to run federated queries.
>>> check("SELECT * WHERE {\\n  ?s ?p }")
Traceback (most recent call last):
...
explorer.sparql.errors.QuerySyntaxError: SPARQL syntax error at line 2, column 3: Expected SelectQuery, found '?'
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from pyparsing import ParseBaseException, col, lineno
from rdflib import URIRef, Variable
from rdflib.plugins.sparql import parser as rdflib_parser
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import Update1, expandUnicodeEscapes_re, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue, ParamValue

from explorer.core.errors import QueryError
from explorer.core.netguard import no_network
from explorer.core.text import clipped

from .errors import QueryRefused, QuerySyntaxError

#: The name by which ``FROM`` can choose the map graph (the store's default graph).
MAP_GRAPH = URIRef("https://w3id.org/routine-explorer/graph/map")

#: Texts longer than this are refused before parsing (a query is typed or saved, not generated in bulk).
MAX_QUERY_CHARS = 1_000_000

#: At most this many ``PREFIX`` declarations in one text (each costs rdflib more than the one before).
MAX_PREFIX_DECLARATIONS = 1_000

#: Brackets (``{``, ``(``, ``[``) nested at most this deep in one text: rdflib's parser recurses about 40 frames
#: for each level, so this bounds its stack whatever the text.
MAX_NESTING = 64
# The interpreter's recursion limit while rdflib reads a text: MAX_NESTING levels of parentheses took 2,500
# frames (of groups 1,750); the rest is headroom for the caller's own frames.
_RECURSION_LIMIT = 8_000

_NETWORK_HINT = 'turn it on ("Allow network" in the SPARQL console, --allow-network on the command line)'
_OX_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
# rdflib's parser keeps module-level state (pyparsing's packrat cache); one parse at a time.
_RDFLIB_LOCK = threading.Lock()
_FORMS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct", "DescribeQuery": "describe"}
_PREFIX_NAME = re.compile(r"([A-Za-z\u00C0-\uFFFF]([\w.\-\u00B7\u00C0-\uFFFF]*[\w\-\u00B7\u00C0-\uFFFF])?)?")
_IRI = re.compile(r"[^\s<>\"{}|^`\\\x00-\x20]+:[^\s<>\"{}|^`\\\x00-\x20]*")
_LONE_CR = re.compile(r"\r(?!\n)")
# What can hold a bracket that is not one: comments, strings (long ones first) and IRIs, each taken whole, and
# runs of anything else. Possessive, so an unterminated string runs to the end of the text once and is never
# retried from each later quote: one pass, linear in the text.
_NOT_BRACKETS = re.compile(
    r"#[^\n\r]*+"
    r'|"""(?:[^"\\]|\\.|"(?!""))*+(?:"""|\\?\Z)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*+(?:'''|\\?\Z)"
    r'|"(?:[^"\\\n\r]|\\.)*+"?'
    r"|'(?:[^'\\\n\r]|\\.)*+'?"
    r'|<[^<>"{}|^`\\\x00-\x20]*+>'
    r"|[^#\"'<{}()\[\]]++"
    r"|(?P<bracket>[{}()\[\]])"
    r"|.",
    re.S,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# An IRI with a scheme (RFC 3986); one without, left in a checked text, is relative with no base to resolve it.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Over rdflib's message, never the query: a name of non-space characters after "prefix :", taken whole.
_UNKNOWN_PREFIX = re.compile(r"prefix\s*+:\s*+(\S*+)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedQuery:
    """What :func:`check` found.

    Attributes
    ----------
    text : str
        The text to run: the query with its ``\\u``/``\\U`` escapes expanded, exactly as it was checked.
    kind : str
        ``"select"``, ``"ask"``, ``"construct"``, ``"describe"`` or ``"update"``.
    default_graphs, named_graphs : tuple of URIRef or None
        The query's ``FROM`` and ``FROM NAMED`` graphs, None when it names none
        (then the service's default view applies).
    """

    text: str
    kind: str
    default_graphs: tuple | None = None
    named_graphs: tuple | None = None


def usable_prefixes(prefixes: dict[str, str]) -> dict[str, str]:
    """The bindings both parsers accept: valid prefix names bound to absolute IRIs.

    Examples
    --------
    >>> usable_prefixes({"rx": "https://w3id.org/routine-explorer/ns#", "9bad": "http://e/", "sp": "not an iri", "v6": "http://[::1/"})
    {'rx': 'https://w3id.org/routine-explorer/ns#'}
    """
    usable = {}
    for name, namespace in prefixes.items():
        if (
            isinstance(name, str)
            and isinstance(namespace, str)
            and _PREFIX_NAME.fullmatch(name)
            and _IRI.fullmatch(namespace)
        ):
            try:
                ox.NamedNode(namespace)  # Oxigraph refuses every query if one declared prefix is not a valid IRI
            except ValueError:
                continue
            usable[name] = namespace
    return usable


@dataclass(frozen=True)
class _RdflibError:
    reason: str
    line: int | None
    column: int | None


def _declarations(parsed, update: bool) -> int:
    """How many PREFIX declarations rdflib's parse of a query or update holds."""
    if update:
        return sum(len(prologue) for prologue in parsed.get("prologue", None) or ())
    return len(parsed[0]) if len(parsed) else 0


def _service_pattern(instring: str, loc: int, tokens) -> CompValue:
    """rdflib's ``ServiceGraphPattern`` result without its ``service_string``.

    rdflib finds that string by searching the whole text again for a SERVICE pattern; for a SERVICE inside
    a SERVICE the search parses the outer one, whose inner one searches again, without end (RDFLib/rdflib#2136,
    "maximum recursion depth exceeded"). The string serves only rdflib's own evaluation of SERVICE, which the
    app never uses: Oxigraph runs every query.
    """
    found = CompValue("ServiceGraphPattern")
    for token in tokens:
        if isinstance(token, ParamValue):
            if token.isList:
                found.setdefault(token.name, []).append(token.tokenList)
            else:
                found[token.name] = token.tokenList
    return found


@contextlib.contextmanager
def _bounded_reading() -> Iterator[None]:
    """While inside (holding :data:`_RDFLIB_LOCK`), rdflib reads SERVICE patterns without searching again, and
    the recursion limit allows :data:`MAX_NESTING` levels of brackets."""
    element = rdflib_parser.ServiceGraphPattern
    limit = sys.getrecursionlimit()
    element.__dict__["postParse"] = _service_pattern  # on the one element only, while this check reads
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)
        element.__dict__.pop("postParse", None)


def _too_deep(text: str) -> QueryError | None:
    """The error for a text whose brackets nest deeper than :data:`MAX_NESTING`, else None.

    Brackets in comments, strings and IRIs are not counted. One pass over the text, stopped at the first
    bracket too deep.

    Examples
    --------
    >>> _too_deep("SELECT * { FILTER (?x = '((((') }") is None
    True
    >>> print(_too_deep("ASK " + "{" * 70 + "}" * 70))
    The query nests brackets more than 64 deep (at line 1, column 69); write it with fewer levels.
    """
    depth = 0
    for token in _NOT_BRACKETS.finditer(text):
        bracket = token.group("bracket")
        if bracket is None:
            continue
        if bracket in "{([":
            depth += 1
            if depth > MAX_NESTING:
                at = token.start()
                return QueryError(
                    f"The query nests brackets more than {MAX_NESTING} deep (at line {lineno(at, text)}, "
                    f"column {col(at, text)}); write it with fewer levels."
                )
        elif depth:
            depth -= 1
    return None


def _rdflib(text: str, update: bool, prefixes: dict, base_iri: str | None):
    """The rdflib algebra of ``text``, or an :class:`_RdflibError`."""
    try:
        with _RDFLIB_LOCK, no_network("checking a SPARQL query"), _bounded_reading():
            parsed = parseUpdate(text) if update else parseQuery(text)
            declared = _declarations(parsed, update)
            if declared > MAX_PREFIX_DECLARATIONS:
                raise QueryError(f"The query declares {declared:,} prefixes; the limit is {MAX_PREFIX_DECLARATIONS:,}.")
            if update:
                return translateUpdate(parsed, base=base_iri, initNs=prefixes)
            return translateQuery(parsed, base=base_iri, initNs=prefixes)
    except QueryError:
        raise
    except ParseBaseException as err:
        return _refined(text, err) if update else _as_error(err, text, 0)
    except RecursionError:
        return _RdflibError("the query is nested too deeply to read", None, None)
    except Exception as err:  # noqa: BLE001 - rdflib raises bare Exception for unknown prefixes and the like
        return _RdflibError(str(err) or type(err).__name__, None, None)


def _as_error(err: ParseBaseException, text: str, offset: int) -> _RdflibError:
    found = clipped(str(getattr(err, "found", "")), 80)
    loc = offset + err.loc
    return _RdflibError(err.msg + (f", found {found}" if found else ""), lineno(loc, text), col(loc, text))


def _refined(text: str, err: ParseBaseException) -> _RdflibError:
    """rdflib's update grammar fails at the start of the operation that is wrong; parse that one alone to say where
    in it."""
    try:
        with _RDFLIB_LOCK, _bounded_reading():
            Update1.parse_string(text[err.loc :])
    except ParseBaseException as inner:
        if inner.loc > 0:
            return _as_error(inner, text, err.loc)
    except RecursionError:
        pass
    return _as_error(err, text, 0)


def _walk(root) -> Iterator[CompValue]:
    """Every algebra node under ``root`` (operators, patterns, expressions, clauses)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if id(node) in seen:
                continue
            seen.add(id(node))
            yield node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)


def _relative_iri(root) -> URIRef | None:
    """An IRI in the algebra under ``root`` that has no scheme (left relative: there was no base), if any."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, URIRef):
            if not _ABSOLUTE_IRI.match(node):
                return node
        elif isinstance(node, (dict, list, tuple, set, frozenset)):
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return None


def _name(term) -> str:
    return f"?{term}" if isinstance(term, Variable) else f"<{term}>"


def _screen(
    algebra, *, update: bool, allowed_graphs: frozenset, allow_network: bool
) -> tuple[tuple | None, tuple | None]:
    """Refuse what reaches outside the map; return the FROM and FROM NAMED graphs."""
    default: list = []
    named: list = []
    any_dataset = False
    for node in _walk(algebra):
        if node.name == "ServiceGraphPattern" and not allow_network:
            raise QueryRefused(
                f"This query calls SERVICE {_name(dict.get(node, 'term'))}, which would send it to another server. "
                f"Network access is off: {_NETWORK_HINT} to run federated queries."
            )
        if node.name == "Load" and not allow_network:
            raise QueryRefused(
                f"This update would LOAD {_name(dict.get(node, 'iri'))}, fetching data from outside the map. "
                f"Network access is off: {_NETWORK_HINT} to load remote data."
            )
        if node.name in ("DatasetClause", "UsingClause"):
            any_dataset = True
            clause = "FROM" if node.name == "DatasetClause" else "USING"
            for key, into in (("default", default), ("named", named)):
                graph = dict.get(node, key)
                if graph is None:
                    continue
                where = f"{clause}{' NAMED' if key == 'named' else ''} <{graph}>"
                if graph == MAP_GRAPH and (key == "named" or update):
                    raise QueryError(
                        f"{where}: an update's WHERE already reads the map (the default graph); USING cannot name it."
                        if update
                        else f"{where}: the map is the default graph, so it can be chosen with FROM but not FROM NAMED."
                    )
                if graph not in allowed_graphs and not allow_network:
                    known = ", ".join(f"<{g}>" for g in sorted(allowed_graphs, key=str)[:4])
                    raise QueryRefused(
                        f"{where} names a graph that is not part of this map (its graphs are {known}). "
                        f"Other graphs are off limits while network access is off: {_NETWORK_HINT}, "
                        "or remove the clause."
                    )
                into.append(graph)
    if not any_dataset or update:
        return None, None
    return tuple(default), tuple(named)


def _locate_prefix(text: str, reason: str) -> tuple[int, int] | None:
    """Where an unknown prefix named in rdflib's message is first used.

    Found with ``str.find`` (linear), not a pattern: a prefix can be as long as the text.

    Examples
    --------
    >>> _locate_prefix("SELECT * WHERE {\\n  ?s xrx:p rx:q }", "Unknown namespace prefix : rx")
    (2, 12)
    """
    found = _UNKNOWN_PREFIX.search(reason)
    if not found:
        return None
    use, start = found.group(1) + ":", 0
    while True:
        at = text.find(use, start)
        if at < 0:
            return None
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_:<"):
            break
        start = at + 1
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _expanded(text: str) -> str:
    """``text`` with its ``\\u``/``\\U`` escapes replaced by the characters they name, as rdflib reads it.

    An escape that names no character, or an expansion that spells a new escape
    (``\\u005Cu0041``, which rdflib would expand again), is a syntax error.

    Examples
    --------
    >>> _expanded('BIND ("caf\\\\u00e9" AS ?x)')
    'BIND ("café" AS ?x)'
    """
    if "\\" not in text:
        return text
    for escape in expandUnicodeEscapes_re.finditer(text):
        try:
            named = chr(int(escape.group(1), 16))
        except (ValueError, OverflowError):
            named = None
        if named is None or _SURROGATE.match(named):
            start = escape.start()
            # A surrogate (U+D800-U+DFFF) is half of a UTF-16 pair, not a character: no text can hold it alone.
            raise QuerySyntaxError(
                f"{escape.group(0)} names no character", line=lineno(start, text), column=col(start, text)
            ) from None
    expanded = expandUnicodeEscapes_re.sub(lambda escape: chr(int(escape.group(1), 16)), text)
    again = expandUnicodeEscapes_re.search(expanded)
    if again is not None:
        start = again.start()
        raise QuerySyntaxError(
            f"an escape spells another escape, {again.group(0)}; write the character itself",
            line=lineno(start, expanded),
            column=col(start, expanded),
        )
    return expanded


def _locate_iri(text: str, iri: str) -> tuple[int, int]:
    """Where ``<iri>`` is first written in ``text`` (line and column; the start when it is not found as written)."""
    at = max(text.find(f"<{iri}>"), 0)
    return lineno(at, text), col(at, text)


def _reach(error: _RdflibError) -> tuple:
    """How far the parse got: an error without a position came after parsing (an unknown prefix), the furthest."""
    return (float("inf"), 0) if error.line is None else (error.line, error.column)


def precheck(text) -> None:
    """Refuse an empty or too long text, in constant time (before anything reads it).

    Examples
    --------
    >>> precheck("x" * (MAX_QUERY_CHARS + 1))
    Traceback (most recent call last):
    ...
    explorer.core.errors.QueryError: The query is 1,000,001 characters long; the limit is 1,000,000.
    """
    if not isinstance(text, str):
        raise QueryError("The query is empty: write a SELECT, ASK, CONSTRUCT, DESCRIBE or an update.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}.")
    if not text.strip():
        raise QueryError("The query is empty: write a SELECT, ASK, CONSTRUCT, DESCRIBE or an update.")


def check(
    text: str,
    *,
    prefixes: dict[str, str] | None = None,
    base_iri: str | None = None,
    allowed_graphs: Iterable = (),
    allow_network: bool = False,
) -> CheckedQuery:
    """Parse and screen ``text`` without running it.

    Parameters
    ----------
    text : str
        A SPARQL 1.1 query or update.
    prefixes : dict, optional
        Prefixes declared for the user (pass them through :func:`usable_prefixes`).
    base_iri : str, optional
        Base for relative IRIs.
    allowed_graphs : iterable of URIRef
        Graphs ``FROM``/``USING`` may name besides :data:`MAP_GRAPH`.
    allow_network : bool
        Let ``SERVICE``, ``LOAD`` and other graphs through.

    Raises
    ------
    QuerySyntaxError
        The text does not parse (with line and column).
    QueryRefused
        It would reach outside the map while network access is off.
    QueryError
        It is empty, too long (:data:`MAX_QUERY_CHARS`), declares too many prefixes
        (:data:`MAX_PREFIX_DECLARATIONS`), or names the map in a way that cannot work.
    """
    precheck(text)
    prefixes = dict(prefixes or {})
    text = _expanded(text)
    lone = _SURROGATE.search(text)  # given as such (the API takes any str): no encoding can carry it
    if lone is not None:
        at = lone.start()
        raise QuerySyntaxError(
            f"U+{ord(lone.group()):04X} is half of a UTF-16 pair, not a character",
            line=lineno(at, text),
            column=col(at, text),
        )
    # As long as ``text``, so rdflib's positions hold for it; a lone CR is a line end to Oxigraph and the editor.
    readable = _LONE_CR.sub("\n", text)
    too_deep = _too_deep(readable)
    if too_deep is not None:
        raise too_deep
    as_query = _rdflib(readable, False, prefixes, base_iri)
    update = False
    algebra = as_query
    if isinstance(as_query, _RdflibError):
        as_update = _rdflib(readable, True, prefixes, base_iri)
        if not isinstance(as_update, _RdflibError) or _reach(as_update) > _reach(as_query):
            update, algebra = True, as_update
    if isinstance(algebra, _RdflibError):
        if algebra.line is not None:
            raise QuerySyntaxError(algebra.reason, line=algebra.line, column=algebra.column)
        where = _locate_prefix(readable, algebra.reason) if "prefix" in algebra.reason.lower() else None
        if where is not None:
            raise QuerySyntaxError(
                f"{clipped(algebra.reason.replace('prefix : ', 'prefix '), 300)} (declare it with PREFIX)",
                line=where[0],
                column=where[1],
            )
        raise QueryError(f"The query cannot run: {clipped(algebra.reason, 300)}")
    allowed = frozenset({MAP_GRAPH, *allowed_graphs})
    if update and not getattr(algebra, "algebra", None):
        # Only comments, BASE or PREFIX: an update of no operations (SPARQL 1.1 Update's grammar allows it).
        return CheckedQuery(text, "update")
    # Only with no base at all: rdflib leaves IRIs relative to a base of an unusual scheme (BASE <base:>),
    # which Oxigraph resolves.
    based = base_iri is not None or bool(getattr(getattr(algebra, "prologue", None), "base", None))
    relative = None if based else _relative_iri(algebra.algebra)
    if relative is not None:
        where = _locate_iri(readable, relative)
        raise QuerySyntaxError(
            f"<{clipped(str(relative), 80)}> is a relative IRI and the query has no base to resolve it against: "
            "write BASE <https://…/> first, or give the map a base (--base on the command line)",
            line=where[0],
            column=where[1],
        )
    if update:
        _screen(algebra.algebra, update=True, allowed_graphs=allowed, allow_network=allow_network)
        return CheckedQuery(text, "update")
    default, named = _screen(algebra.algebra, update=False, allowed_graphs=allowed, allow_network=allow_network)
    return CheckedQuery(text, _FORMS.get(algebra.algebra.name, "select"), default, named)


def oxigraph_syntax_error(message: str) -> QuerySyntaxError | None:
    """A :class:`QuerySyntaxError` from an Oxigraph ``SyntaxError`` message, if it names a position."""
    found = _OX_POSITION.match(message)
    if not found:
        return None
    return QuerySyntaxError(" ".join(found.group(3).split()), line=int(found.group(1)), column=int(found.group(2)))


__all__ = [
    "MAP_GRAPH",
    "MAX_PREFIX_DECLARATIONS",
    "MAX_QUERY_CHARS",
    "CheckedQuery",
    "check",
    "oxigraph_syntax_error",
    "precheck",
    "usable_prefixes",
]
