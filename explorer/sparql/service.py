"""SPARQL against the open map: safe by default, cancellable, and never changing the map behind the undo stack.

What a query sees
-----------------
- The **default graph is the map plus the ontology** (:data:`ONTOLOGY_GRAPH`),
  so ``?kind rdfs:subClassOf* rx:Actor``, a pillar's ``skos:prefLabel`` or a
  class's ``rx:defaultLevel`` work without ceremony, as the saved questions
  need. Pass ``include_ontology=False`` for the map alone.
- ``GRAPH`` reaches every named graph: the ontology and any derived graphs.
- ``FROM`` chooses the default graph instead: :data:`MAP_GRAPH` names the map
  alone, :data:`ONTOLOGY_GRAPH` the ontology, any other of the map's named
  graphs itself. ``FROM``/``FROM NAMED``/``USING`` naming anything else are
  refused while network access is off (they would be empty anyway: the engine
  never fetches them).
- The map's and the ontology's prefixes are declared (:attr:`QueryService.prefixes`);
  the query's own ``PREFIX`` lines win.

Safety
------
Every text is parsed and its algebra screened before anything runs
(:mod:`explorer.sparql.checking`): ``SERVICE`` and ``LOAD`` are refused unless
``allow_network`` is set, and the engine refuses them again with Oxigraph's
own parser (:mod:`explorer.sparql._engine_worker`), in case rdflib and
Oxigraph ever read a text differently. Values the app puts into a query are bound
(``bindings``, Oxigraph's substitutions), never pasted into the text; see
:meth:`QueryService.describe_node` and :meth:`QueryService.nodes_labelled`.

Running
-------
pyoxigraph cannot interrupt a query, so queries run in a separate engine
process (:mod:`explorer.sparql.engine`) holding a copy of the map. Reading
a text (rdflib's parse and the screen) happens in a process too, a
*checker* started from the same worker: rdflib's parser holds the GIL for as
long as it reads, cannot be interrupted, and is far from linear on some
shapes, so in the app's own process a pasted text could freeze the window
for minutes. The copy is
made once per opened map (about 0.6 s for a 10k-node, 86k-triple map) and then
kept current by sending it the map's edits as they happen (the
:class:`~explorer.core.events.GraphChanged` diffs), so later queries start at
once. Cancel or timeout kills the process: no core stays busy. Results are
capped at ``row_limit`` rows, and at :data:`MAX_RESULT_CHARS` characters of
text in all (one value can be hundreds of megabytes: ``CONCAT`` doubles it at
each step), with ``truncated`` set.

Limits
------
Every query is bounded before it gets anywhere near the map:

- **Length**: a text over :data:`~explorer.sparql.checking.MAX_QUERY_CHARS`
  (1,000,000) characters is refused before anything reads it, and one that
  declares over :data:`~explorer.sparql.checking.MAX_PREFIX_DECLARATIONS`
  (1,000) prefixes before they are bound.
- **Time**: ``timeout`` (or :meth:`run`'s) bounds the whole of it: reading
  the text in the checker, copying the map into the engine, running, and
  turning an update's diff into an edit. Whichever step is under way when it
  passes is stopped (the process killed), and :class:`QueryTimeout` says
  which. :meth:`check` and :meth:`kind` get the same limit of their own.
- **Memory**: each checker and engine process is capped at
  ``memory_limit`` bytes (default :func:`explorer.sparql.engine.memory_limit`:
  4 GiB, or half the physical memory if less; ``ROUTINE_EXPLORER_ENGINE_MEMORY_MB``
  sets it); beyond it :class:`QueryOutOfMemory` says so and names the limit.
- **Results**: ``row_limit`` rows and :data:`MAX_RESULT_CHARS` characters;
  an update's diff at most :data:`MAX_UPDATE_QUADS` statements.

Updates
-------
An update never changes the map directly: the engine runs it on its copy,
reports the quads added and removed, and puts its copy back. :meth:`run`
returns that diff as a :class:`~explorer.core.commands.Command`; the caller
executes it on the UI thread, so it is one undoable step that marks the map
dirty. The update's WHERE sees the ontology like a query does; its writes go
to the map. An update that would change the ontology graph is refused.
(One consequence of the shared view: inserting a statement the ontology
already holds adds nothing to the map.)

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> doc = MapDocument.new(with_ontology=False)
>>> with QueryService(doc) as service:
...     added = service.run('INSERT DATA { <http://e/icu> a rx:Unit ; rdfs:label "ICU" }')
...     doc.execute(added.command)
...     found = service.run("SELECT ?unit ?label WHERE { ?unit a rx:Unit ; rdfs:label ?label }")
>>> added.message
'The update adds 2 statements.'
>>> found.rows
((rdflib.term.URIRef('http://e/icu'), rdflib.term.Literal('ICU')),)
>>> doc.close()
"""

from __future__ import annotations

import collections
import functools
import re
import threading
import time
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from explorer.core import events as ev
from explorer.core.commands import Command, diff
from explorer.core.document import ONTOLOGY_GRAPH, MapDocument
from explorer.core.errors import ExplorerError, QueryError
from explorer.core.rdf_formats import checked_base, format_by_name, local_base
from explorer.core.resources import ontology_files
from explorer.core.terms import DEFAULT_GRAPH, from_ox_quad

from .checking import MAP_GRAPH, CheckedQuery, oxigraph_syntax_error, precheck, usable_prefixes
from .engine import EngineProcess, decode, encode
from .engine import memory_limit as default_memory_limit
from .errors import Cancelled, QueryOutOfMemory, QueryRefused, QuerySyntaxError, QueryTimeout
from .outcome import Outcome

#: At most this many characters of text (values, IRIs, datatypes) in one result; the rows after are left out.
MAX_RESULT_CHARS = 20_000_000

#: At most this many statements added and removed by one update (about 25 s and 1 GB to make into an edit).
MAX_UPDATE_QUADS = 500_000

# Above this many quads of edits waiting for the engine, a fresh copy is cheaper than replaying them.
_REPLAY_LIMIT = 50_000
_CHECK_CACHE = 64
# Seconds a new checker may take to start and load rdflib (about 0.6 s); not counted against a query's timeout.
_CHECKER_START_LIMIT = 60.0
# An update's diff becomes an edit this many statements at a time, looking at the clock and cancel in between.
_DIFF_CHUNK = 2_000
_XSD = "http://www.w3.org/2001/XMLSchema#"
_VARNAME = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")

DESCRIBE_NODE = """CONSTRUCT { ?node ?p ?o . ?s ?q ?node }
WHERE { { ?node ?p ?o } UNION { ?s ?q ?node } }"""
"""What the map says about ``?node`` and what points at it (``?node`` is bound, never pasted)."""

NODES_LABELLED = """SELECT DISTINCT ?node ?label ?text
WHERE {
  ?node rdfs:label|skos:prefLabel ?label .
  FILTER (STR(?label) = ?text)
}
ORDER BY STR(?node)"""
"""The nodes whose label's text is ``?text`` in any language (``?text`` is bound, never pasted)."""


# Checks already made, newest last: rdflib's parser takes 20-150 ms on a saved question, and the same text is
# checked again when it runs. Keyed on everything the check reads; shared by services (a map opened twice).
_CHECKS: collections.OrderedDict = collections.OrderedDict()
_CHECKS_LOCK = threading.Lock()


def _cached_check(
    text: str, prefixes: tuple, base_iri: str | None, allowed_graphs: frozenset, allow_network: bool, read
) -> CheckedQuery:
    """The check of ``text`` with these settings: remembered, or ``read()`` (which asks a checker) and remembered."""
    key = (text, prefixes, base_iri, allowed_graphs, allow_network)
    with _CHECKS_LOCK:
        found = _CHECKS.get(key)
        if found is not None:
            _CHECKS.move_to_end(key)
            return found
    checked = read()
    with _CHECKS_LOCK:
        _CHECKS[key] = checked
        while len(_CHECKS) > _CHECK_CACHE:
            _CHECKS.popitem(last=False)
    return checked


class _CheckerPool:
    """Checker processes, shared by every service in this process: they hold no map, only rdflib (0.6 s to load).

    One per memory limit is kept idle; one in use is killed when its check is cancelled or runs out of time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._every: list[EngineProcess] = []
        self._idle: dict[int | None, list[EngineProcess]] = {}

    def take(self, memory: int | None) -> EngineProcess:
        with self._lock:
            idle = self._idle.setdefault(memory, [])
            while idle:
                checker = idle.pop()
                if checker.alive:
                    return checker
                self._every.remove(checker)
        checker = EngineProcess(checker=True, memory=memory)
        with self._lock:
            self._every.append(checker)
        return checker

    def give_back(self, checker: EngineProcess) -> None:
        with self._lock:
            idle = self._idle.setdefault(checker.memory, [])
            if checker.alive and not idle:
                idle.append(checker)
                return
            if checker in self._every:
                self._every.remove(checker)
        checker.close()

    def pids(self) -> list[int]:
        with self._lock:
            return [c.pid for c in self._every if c.alive]


_CHECKERS = _CheckerPool()


@functools.lru_cache(maxsize=1)
def _read_ontology_prefixes() -> tuple:
    found: dict[str, str] = {}
    for path in ontology_files():
        try:
            parser = ox.parse(path=path, format=ox.RdfFormat.TURTLE)
            for _ in parser:
                pass
        except (OSError, SyntaxError, ValueError):
            continue  # a broken ontology file is reported where the ontology is loaded, not here
        found.update(parser.prefixes)
    return tuple(found.items())


def map_base(document: MapDocument) -> str | None:
    """The base IRI a map's queries resolve relative IRIs against: the same as its data's, where it has one.

    In order: the base the map's file was read with (``--base``), the map's ``void:uriSpace`` (where the app
    mints its nodes), the base its file's own relative IRIs resolved against
    (:func:`~explorer.core.rdf_formats.local_base`); None for a new map that has none of them.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> doc = MapDocument.new(base_iri="https://example.org/ward/", with_ontology=False)
    >>> map_base(doc)
    'https://example.org/ward/'
    >>> doc.close()
    """
    for base in (document.assumed_base, document.base_iri):
        if base and usable_prefixes({"b": base}):
            return base
    return local_base(document.path) if document.path is not None else None


def ontology_prefixes() -> dict[str, str]:
    """The prefixes the ontology's own files declare.

    Examples
    --------
    >>> ontology_prefixes()["rx"]
    'https://w3id.org/routine-explorer/ns#'
    """
    return dict(_read_ontology_prefixes())


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _term(value: Any):
    """A binding value as an rdflib term (Python numbers, text and booleans become literals)."""
    if isinstance(value, (URIRef, BNode, Literal)):
        return value
    if isinstance(value, (str, int, float, bool)):
        return Literal(value)
    raise QueryError(
        f"Cannot bind {value!r} ({type(value).__name__}) in a query: give an IRI, a literal or plain text."
    )


class QueryService:
    """Runs SPARQL against one open map (see the module docstring).

    Parameters
    ----------
    document : MapDocument
        The map. The service follows its edits; close the service with the map.
    allow_network : bool
        Let ``SERVICE``, ``LOAD`` and ``FROM`` other graphs through.
    row_limit : int
        At most this many rows (or triples) per result; ``truncated`` says when there were more.
    timeout : float
        Seconds a query may run before it is stopped.
    include_ontology : bool
        Whether the default graph includes the ontology graph. Without it (the map-only mode) the
        default graph is the map alone; the ontology is still there by name (``GRAPH``, ``FROM``).
    base_iri : str, optional
        The absolute IRI relative IRIs in queries resolve against (``BASE`` in a query wins). By default,
        the map's: the base its file was read with, else its ``void:uriSpace``, else its file's own.
    memory_limit : int, optional
        Bytes of memory each engine and checker process may use (default:
        :func:`explorer.sparql.engine.memory_limit`).

    Raises
    ------
    QueryError
        ``ROUTINE_EXPLORER_ENGINE_MEMORY_MB`` is set to something that is not a size.

    Attributes
    ----------
    prefixes : dict
        The prefixes declared for the user: the ontology's, the standard ones and the map's own (the map's win).
    """

    def __init__(
        self,
        document: MapDocument,
        *,
        allow_network: bool = False,
        row_limit: int = 10_000,
        timeout: float = 30.0,
        include_ontology: bool = True,
        base_iri: str | None = None,
        memory_limit: int | None = None,
    ) -> None:
        self.memory_limit = default_memory_limit() if memory_limit is None else int(memory_limit)
        self.document = document
        self.allow_network = allow_network
        self.row_limit = max(1, int(row_limit))
        self.timeout = float(timeout)
        self.include_ontology = include_ontology
        self.prefixes = usable_prefixes({**ontology_prefixes(), **document.prefixes})
        self.base_iri = checked_base(base_iri) if base_iri is not None else map_base(document)
        # The whole set is the check's key (binding is cheap); a subset picked by scanning the text would cost a pass
        # over the text per prefix, and miss a prefix rdflib reads after a variable (?o.rx:p).
        self._prefix_key = tuple(sorted(self.prefixes.items()))
        self._lock = threading.Lock()
        self._engines: list[EngineProcess] = []
        self._idle: list[EngineProcess] = []
        self._generation = 0
        self._log: list[tuple[tuple, tuple]] = []  # (removed, added) encoded, oldest first
        self._log_base = 0  # sequence number of self._log[0]
        self._log_quads = 0
        self._store = document.store
        self._closed = False
        self._unsubscribe = [
            document.events.subscribe(ev.GraphChanged, self._on_changed),
            document.events.subscribe(ev.DocumentReloaded, self._on_reloaded),
            # An analysis run kept in the map is one big load, rarely repeated: copy the map afresh.
            document.events.subscribe(ev.DerivedGraphsChanged, self._on_reloaded),
        ]

    # ------------------------------------------------------------ map changes
    def _on_changed(self, event: ev.GraphChanged) -> None:
        with self._lock:
            if not self._engines:
                # Nobody holds a copy: the next engine starts from a fresh one.
                self._log_base += len(self._log)
                self._log.clear()
                self._log_quads = 0
                return
            size = len(event.added) + len(event.removed)
            if self._log_quads + size > _REPLAY_LIMIT:
                self._new_generation()
                return
            self._log.append((tuple(map(_encode_quad, event.removed)), tuple(map(_encode_quad, event.added))))
            self._log_quads += size

    def _on_reloaded(self, event) -> None:
        with self._lock:
            self._new_generation()

    def _new_generation(self) -> None:
        self._generation += 1
        self._log_base += len(self._log)
        self._log.clear()
        self._log_quads = 0

    # ---------------------------------------------------------------- parsing
    def _allowed_graphs(self) -> frozenset:
        return frozenset(g for g in self.document.store.graph_names() if isinstance(g, URIRef))

    def check(self, text: str, *, cancel: threading.Event | None = None, timeout: float | None = None) -> CheckedQuery:
        """Parse and screen ``text`` in a checker process (cached): see :func:`explorer.sparql.checking.check`.

        Parameters
        ----------
        cancel : threading.Event, optional
            Set it to stop the check (its process is killed); :class:`Cancelled` follows.
        timeout : float, optional
            Seconds the check may take; defaults to the service's.

        Raises
        ------
        QuerySyntaxError, QueryRefused
            As :func:`~explorer.sparql.checking.check` does.
        QueryTimeout
            Reading the text took longer than the timeout.
        QueryOutOfMemory
            Reading it needed more than ``memory_limit``.
        QueryError
            It is empty, too long, or cannot run.
        """
        limit = self.timeout if timeout is None else float(timeout)
        return self._check(text, cancel, time.monotonic() + limit, limit)[0]

    def _check(self, text: str, cancel, deadline: float, limit: float) -> tuple[CheckedQuery, float]:
        """The check of ``text`` and the deadline for what follows it (moved on by the time a new checker took to
        start)."""
        precheck(text)  # the length first, before anything reads the text
        allowed = self._allowed_graphs()
        moved = [deadline]
        checked = _cached_check(
            text,
            self._prefix_key,
            self.base_iri,
            allowed,
            self.allow_network,
            lambda: self._read(text, allowed, cancel, moved, limit),
        )
        return checked, moved[0]

    def _read(self, text: str, allowed: frozenset, cancel, moved: list, limit: float) -> CheckedQuery:
        """Check ``text`` in a checker process by ``moved[0]`` (a deadline, moved on by a new checker's start)."""
        deadline = moved[0]
        if self._closed:
            raise QueryError("The query service was closed with its map.")
        checker = _CHECKERS.take(self.memory_limit)
        try:
            if not checker.ready and not self._engines:
                self._checkin(self._checkout())  # a run usually follows: let the engine start meanwhile
            # The timeout is for reading the user's text, not for starting Python and loading rdflib.
            deadline = moved[0] = deadline + self._ready(checker, cancel)
            reply = checker.call(
                {
                    "op": "check",
                    "text": text,
                    "prefixes": self.prefixes,
                    "base_iri": self.base_iri,
                    "allowed_graphs": sorted(str(g) for g in allowed),
                    "allow_network": self.allow_network,
                },
                cancel=cancel,
                deadline=deadline,
            )
        except QueryTimeout:
            raise QueryTimeout(
                f"Reading the query took more than {limit:g} s, so it was stopped before it ran; the map is unchanged. "
                "Shorten the query or split it, or allow it more time."
            ) from None
        finally:
            _CHECKERS.give_back(checker)
        if "checked" not in reply:
            raise self._check_error(reply)
        fields = reply["checked"]

        def graphs(names):
            return None if names is None else tuple(URIRef(name) for name in names)

        return CheckedQuery(
            fields["text"], fields["kind"], graphs(fields["default_graphs"]), graphs(fields["named_graphs"])
        )

    @staticmethod
    def _check_error(reply: dict) -> ExplorerError:
        kind, message = reply.get("kind"), str(reply.get("message", ""))
        if kind == "syntax":
            return QuerySyntaxError(str(reply.get("reason", "")), line=int(reply["line"]), column=int(reply["column"]))
        if kind == "refused":
            return QueryRefused(message)
        if kind == "query":
            return QueryError(message)
        return QueryError(f"The query could not be checked: {message}")

    def kind(self, text: str, *, cancel: threading.Event | None = None, timeout: float | None = None) -> str:
        """``"select"``, ``"ask"``, ``"construct"``, ``"describe"`` or ``"update"``; parses and screens only.

        Takes the same ``cancel`` and ``timeout`` as :meth:`check`.

        Raises
        ------
        QuerySyntaxError
            With the line and column of the parser's complaint.
        QueryRefused
            The query would reach outside the map while network access is off.
        QueryTimeout, QueryOutOfMemory
            Reading it took too long, or too much memory.
        """
        return self.check(text, cancel=cancel, timeout=timeout).kind

    # ---------------------------------------------------------------- engines
    def _checkout(self) -> EngineProcess:
        with self._lock:
            if self._closed:
                raise QueryError("The query service was closed with its map.")
            while self._idle:
                engine = self._idle.pop()
                if engine.alive:
                    return engine
                self._forget(engine)
        engine = EngineProcess(memory=self.memory_limit)
        with self._lock:
            self._engines.append(engine)
            if self._closed:
                self._forget(engine)
                engine.close()
                raise QueryError("The query service was closed with its map.")
        return engine

    def _checkin(self, engine: EngineProcess) -> None:
        with self._lock:
            if engine.alive and not self._closed:
                if not self._idle:
                    self._idle.append(engine)
                    return
                # One is kept idle: the one whose copy of the map needs less work to bring up to date.
                if self._fresher(engine, self._idle[0]):
                    self._idle[0], engine = engine, self._idle[0]
            self._forget(engine)
        engine.close()

    def _fresher(self, engine: EngineProcess, other: EngineProcess) -> bool:
        def rank(e: EngineProcess) -> tuple:
            return (e.generation == self._generation, e.seq if e.generation == self._generation else -1)

        return rank(engine) > rank(other)

    def _forget(self, engine: EngineProcess) -> None:
        if engine in self._engines:
            self._engines.remove(engine)
        if engine in self._idle:
            self._idle.remove(engine)

    def _sync(self, engine: EngineProcess, cancel, deadline) -> None:
        """Bring the engine's copy of the map up to date: replay the edits it missed, or copy the map afresh."""
        with self._lock:
            if self.document.store is not self._store:
                self._store = self.document.store
                self._new_generation()
            current = engine.generation == self._generation and engine.seq >= self._log_base
            steps = self._log[engine.seq - self._log_base :] if current else None
            generation, seq = self._generation, self._log_base + len(self._log)
        if steps is None:
            engine.call({"op": "reset", "nquads": self._dump()}, cancel=cancel, deadline=deadline)
        elif steps:
            engine.call({"op": "apply", "steps": steps}, cancel=cancel, deadline=deadline)
        engine.generation, engine.seq = generation, seq
        with self._lock:
            oldest = min((e.seq for e in self._engines if e.generation == self._generation), default=seq)
            drop = max(0, oldest - self._log_base)
            if drop:
                self._log_quads -= sum(len(r) + len(a) for r, a in self._log[:drop])
                del self._log[:drop]
                self._log_base += drop

    def _dump(self) -> bytes:
        store = self.document.store
        native = getattr(store, "oxigraph", None)
        if isinstance(native, ox.Store):
            # Canonical literal forms are what the engine would store anyway; the native dump is 3x faster.
            return native.dump(format=ox.RdfFormat.N_QUADS)
        graphs = [DEFAULT_GRAPH, *store.graph_names()]
        for _ in range(3):
            try:
                return store.dump(format_by_name("nquads"), graphs=graphs)
            except RuntimeError:
                # The UI thread changed the store's rewritten-literal table mid-dump; read again.
                continue
        return store.dump(format_by_name("nquads"), graphs=graphs)

    def prepare(self, *, cancel=None) -> None:
        """Start an engine and copy the map into it now, so the first query answers at once.

        Safe to call from a worker thread when a map opens.
        """
        checker = _CHECKERS.take(self.memory_limit)  # a new one loads rdflib while the map is copied
        try:
            engine = self._checkout()
            try:
                self._sync(engine, cancel, time.monotonic() + max(self.timeout, 60.0))
            finally:
                self._checkin(engine)
            self._ready(checker, cancel)
        finally:
            _CHECKERS.give_back(checker)

    @staticmethod
    def _ready(checker: EngineProcess, cancel) -> float:
        """Wait until a checker has loaded rdflib; the seconds it took (0 when it was ready)."""
        if checker.ready:
            return 0.0
        waited = time.monotonic()
        try:
            checker.call({"op": "ping"}, cancel=cancel, deadline=waited + _CHECKER_START_LIMIT)
        except QueryTimeout:
            raise QueryError(f"The query checker did not start within {_CHECKER_START_LIMIT:g} s; try again.") from None
        checker.ready = True
        return time.monotonic() - waited

    # -------------------------------------------------------------- running
    def run(
        self,
        text: str,
        *,
        bindings: dict | None = None,
        cancel: threading.Event | None = None,
        timeout: float | None = None,
    ) -> Outcome:
        """Run a query or compute an update's diff; safe to call from a worker thread.

        Parameters
        ----------
        text : str
            SPARQL 1.1 query or update.
        bindings : dict, optional
            ``{variable: value}``: each variable is replaced by its value as a
            term (never as text). A bound variable must be in a SELECT's
            projection. Not for updates.
        cancel : threading.Event, optional
            Set it to stop the query; :class:`Cancelled` follows within ~0.1 s.
        timeout : float, optional
            Seconds; defaults to the service's.

        Raises
        ------
        QuerySyntaxError, QueryRefused
            Before anything runs.
        Cancelled
            ``cancel`` was set.
        QueryError
            It timed out, a binding does not fit, or the engine failed.
        """
        started = time.perf_counter()
        limit = self.timeout if timeout is None else float(timeout)
        deadline = time.monotonic() + limit
        checked, deadline = self._check(text, cancel, deadline, limit)
        if checked.kind == "update" and bindings:
            raise QueryError("Values can be bound only in queries; an update takes none.")
        substitutions = {}
        for name, value in (bindings or {}).items():
            name = str(name).lstrip("?$")
            if not _VARNAME.fullmatch(name):
                raise QueryError(f"{name!r} is not a SPARQL variable name.")
            substitutions[name] = encode(_term(value))
        if cancel is not None and cancel.is_set():
            raise Cancelled("The query was cancelled.")
        engine = self._checkout()
        try:
            self._sync(engine, cancel, deadline)
            # The checked text, not the given one: its escapes are expanded, as the check read them.
            if checked.kind == "update":
                reply = engine.call(
                    {
                        "op": "update",
                        "text": checked.text,
                        "prefixes": self.prefixes,
                        "base_iri": self.base_iri,
                        "ontology": str(ONTOLOGY_GRAPH) if self.include_ontology else None,
                        "allow_network": self.allow_network,
                        "max_quads": MAX_UPDATE_QUADS,
                    },
                    cancel=cancel,
                    deadline=deadline,
                )
            else:
                default_graph, named_graphs = self._dataset(checked)
                reply = engine.call(
                    {
                        "op": "query",
                        "text": checked.text,
                        "prefixes": self.prefixes,
                        "base_iri": self.base_iri,
                        "default_graph": default_graph,
                        "named_graphs": named_graphs,
                        "substitutions": substitutions,
                        "limit": self.row_limit,
                        "max_chars": MAX_RESULT_CHARS,
                        "allow_network": self.allow_network,
                    },
                    cancel=cancel,
                    deadline=deadline,
                )
            if reply.get("error") == "too_big":
                engine.close()  # its copy of the map holds the update: start afresh
        except QueryTimeout:
            raise QueryTimeout(
                f"The query ran for more than {limit:g} s and was stopped. "
                "Add a LIMIT or narrow its patterns, or allow it more time."
            ) from None
        finally:
            self._checkin(engine)
        if "error" in reply:
            raise self._engine_error(reply)
        if checked.kind == "update":
            return self._update_outcome(reply, started, cancel, deadline, limit)
        return self._query_outcome(reply, time.perf_counter() - started)

    def _dataset(self, checked: CheckedQuery):
        if checked.default_graphs is None:
            if self.include_ontology and ONTOLOGY_GRAPH in self._allowed_graphs():
                return [encode(DEFAULT_GRAPH), encode(ONTOLOGY_GRAPH)], None
            return None, None
        default = [encode(DEFAULT_GRAPH if g == MAP_GRAPH else g) for g in checked.default_graphs]
        named = [encode(g) for g in checked.named_graphs]
        return default, named

    def _engine_error(self, reply: dict) -> ExplorerError:
        message = reply.get("message", "")
        if reply.get("error") == "refused":
            return QueryRefused(
                "The query engine reads SERVICE or LOAD in this text as a call to another server "
                "(or cannot read the text at all), so it was not run. "
                'Network access is off: turn it on ("Allow network" in the SPARQL console, '
                "--allow-network on the command line) to let it through."
            )
        if reply.get("error") == "syntax":
            return oxigraph_syntax_error(message) or QueryError(f"SPARQL syntax error: {message}")
        if reply.get("error") == "too_big":
            added, removed = int(reply.get("added", 0)), int(reply.get("removed", 0))
            return QueryError(
                f"The update would add {_plural(added, 'statement')} and remove {_plural(removed, 'statement')}; "
                f"one update may change at most {MAX_UPDATE_QUADS:,}, so nothing was changed. "
                "Narrow its WHERE and run it in parts, or import the data instead."
            )
        if "does not contains variable" in message:
            return QueryError(
                f"A bound value does not fit the query: {message.replace('does not contains', 'does not contain')}."
            )
        return QueryError(f"The query could not run: {message}")

    def _query_outcome(self, reply: dict, elapsed: float) -> Outcome:
        form = reply["form"]
        took = f"{elapsed:.2f} s"
        if form == "ask":
            answer = bool(reply["boolean"])
            return Outcome("ask", boolean=answer, elapsed=elapsed, message=f"{'Yes' if answer else 'No'} ({took})")
        truncated = bool(reply.get("truncated"))
        too_large = (
            (
                f"The result is too large to show: it holds more than {MAX_RESULT_CHARS:,} characters of text. "
                "Add a LIMIT, or leave long values out of the query"
            )
            if reply.get("too_large")
            else ""
        )
        # Results repeat the same IRIs and values row after row: build each rdflib term once.
        terms: dict = {None: None}

        def term(value):
            found = terms.get(value, terms)
            if found is terms:
                found = terms[value] = decode(value)
            return found

        if form == "select":
            rows = tuple(tuple(map(term, row)) for row in reply["rows"])
            if too_large:
                message = f"{too_large}; showing the first {_plural(len(rows), 'row')} ({took})."
            elif truncated:
                message = (
                    f"Showing the first {_plural(len(rows), 'row')}; there are more. "
                    f"Add a LIMIT or narrow the query ({took})."
                )
            else:
                message = f"{_plural(len(rows), 'row')} in {took}"
            return Outcome(
                "select",
                variables=tuple(reply["variables"]),
                rows=rows,
                truncated=truncated,
                elapsed=elapsed,
                message=message,
            )
        triples = tuple((term(s), term(p), term(o)) for s, p, o in reply["triples"])
        if too_large:
            message = f"{too_large}; showing the first {_plural(len(triples), 'statement')} ({took})."
        elif truncated:
            message = (
                f"Showing the first {_plural(len(triples), 'statement')}; there are more. Narrow the query ({took})."
            )
        else:
            message = f"{_plural(len(triples), 'statement')} in {took}"
        return Outcome(
            "graph", triples=triples, truncated=truncated, elapsed=elapsed, message=message, prefixes=self.prefixes
        )

    def _update_outcome(self, reply: dict, started: float, cancel, deadline: float, limit: float) -> Outcome:
        """The engine's diff as an undoable command, made a chunk at a time within the query's time limit."""

        def on_time() -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled("The query was cancelled.")
            if time.monotonic() > deadline:
                raise QueryTimeout(
                    f"The update was worked out, but turning its changes into an edit took it past {limit:g} s, "
                    "so nothing was changed. Narrow the update or run it in parts, or allow it more time."
                )

        added, removed = [], []
        for into, data, written in ((added, reply["added"], False), (removed, reply["removed"], True)):
            for count, quad in enumerate(ox.parse(data, ox.RdfFormat.N_QUADS, rename_blank_nodes=False)):
                if count % _DIFF_CHUNK == 0:
                    on_time()
                quad = from_ox_quad(quad)
                if written:
                    into.extend(self._as_written(quad))
                else:
                    into.append(quad)
        touched = [q for q in (*added, *removed) if q[3] == ONTOLOGY_GRAPH]
        kept_ontology = ""
        if touched and not self.include_ontology and self._clears_ontology(added, removed):
            # Map-only: the ontology is not part of the map's dataset, only lent to it by name, so CLEAR or
            # DROP ALL (or NAMED) empties the map's graphs and leaves the read-only ontology as it is.
            removed = [q for q in removed if q[3] != ONTOLOGY_GRAPH]
            touched, kept_ontology = [], " The ontology graph is read-only and was left as it is."
        if touched:
            raise QueryRefused(
                f"This update would change {_plural(len(touched), 'statement')} of the ontology graph "
                f"<{ONTOLOGY_GRAPH}>, which is read-only. Change the map instead (the default graph), "
                "and leave the ontology out of CLEAR and DROP (use CLEAR DEFAULT, not CLEAR ALL)."
            )
        # diff() drops a quad both added and removed; done here for the whole diff, it can then run a chunk at a time.
        both = set(added).intersection(removed)
        if both:
            added, removed = [q for q in added if q not in both], [q for q in removed if q not in both]
        store, kept_added, kept_removed = self.document.store, set(), set()
        for quads, into, key in ((added, kept_added, "added"), (removed, kept_removed, "removed")):
            for start in range(0, len(quads), _DIFF_CHUNK):
                on_time()
                part = quads[start : start + _DIFF_CHUNK]
                into.update(getattr(diff(store, "SPARQL update", **{key: part}), key))
        command = Command("SPARQL update", added=frozenset(kept_added), removed=frozenset(kept_removed))
        n_added, n_removed = len(command.added), len(command.removed)
        elapsed = time.perf_counter() - started
        if command.is_empty:
            return Outcome("update", elapsed=elapsed, message=f"The update changes nothing.{kept_ontology}")
        parts = [f"adds {_plural(n_added, 'statement')}"] if n_added else []
        parts += [f"removes {_plural(n_removed, 'statement')}"] if n_removed else []
        command = Command(f"SPARQL update (+{n_added} −{n_removed})", added=command.added, removed=command.removed)
        return Outcome(
            "update", elapsed=elapsed, command=command, message=f"The update {' and '.join(parts)}.{kept_ontology}"
        )

    def _clears_ontology(self, added: list, removed: list) -> bool:
        """Whether an update's diff empties the whole ontology graph and adds nothing to it (CLEAR or DROP of
        every graph): only statements the map holds in the ontology graph count."""
        if any(q[3] == ONTOLOGY_GRAPH for q in added):
            return False
        gone = sum(1 for q in removed if q[3] == ONTOLOGY_GRAPH)
        return gone >= self.document.store.count(ONTOLOGY_GRAPH)

    def _as_written(self, quad) -> list:
        """The map's own spellings of a quad the engine saw in canonical form (``"0.50"`` for ``"0.5"``^^xsd:decimal).

        Oxigraph stores numbers and booleans by value; the map keeps them as
        written, every spelling of a value a statement of its own, and removing
        the engine's one quad must name each spelling as written for the map's
        save and undo to stay exact.
        """
        s, p, o, g = quad
        if not (isinstance(o, Literal) and o.datatype is not None and str(o.datatype).startswith(_XSD)):
            return [quad]
        spellings = [
            c
            for c in self.document.store.quads(s, p, None, g)
            if isinstance(c[2], Literal) and c[2].datatype is not None and (c[2] == o or _same_value(c[2], o))
        ]
        return spellings or [quad]

    # ---------------------------------------------------- app-made queries
    def describe_node(self, node, *, cancel: threading.Event | None = None) -> Outcome:
        """Every statement about ``node`` and every statement pointing at it, as a graph result.

        ``node`` is bound, never pasted into the query text.
        """
        return self.run(DESCRIBE_NODE, bindings={"node": _term(node)}, cancel=cancel)

    def nodes_labelled(self, label: str, *, cancel: threading.Event | None = None) -> Outcome:
        """The nodes whose ``rdfs:label`` or ``skos:prefLabel`` reads exactly ``label`` (any language).

        ``label`` is bound, never pasted into the query text, so quotes, braces
        or SPARQL keywords in it are only ever text to compare.
        """
        return self.run(NODES_LABELLED, bindings={"text": Literal(str(label))}, cancel=cancel)

    # ------------------------------------------------------------- lifetime
    @property
    def engine_pids(self) -> list[int]:
        """Process ids of this service's running query engines (for diagnostics and tests)."""
        with self._lock:
            return [e.pid for e in self._engines if e.alive]

    @property
    def checker_pids(self) -> list[int]:
        """Process ids of the running checkers, which read queries before they run (shared by every service)."""
        return _CHECKERS.pids()

    # ------------------------------------------------------------- lifetime
    def close(self) -> None:
        """Stop the engines and stop following the map (idempotent)."""
        with self._lock:
            self._closed = True
            engines, self._engines, self._idle = list(self._engines), [], []
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        for engine in engines:
            engine.close()

    def __enter__(self) -> QueryService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_INTEGER_TYPES = frozenset(
    URIRef(_XSD + t)
    for t in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)


def _same_value(written: Literal, canonical: Literal) -> bool:
    """Whether Oxigraph would store ``written`` as ``canonical`` (same value; integer subtypes become xsd:integer)."""
    same_type = written.datatype == canonical.datatype or (
        canonical.datatype == URIRef(_XSD + "integer") and written.datatype in _INTEGER_TYPES
    )
    if not same_type:
        return False
    value, expected = written.toPython(), canonical.toPython()
    return not isinstance(value, Literal) and not isinstance(expected, Literal) and value == expected


def _encode_quad(quad) -> tuple:
    s, p, o, g = quad
    return (encode(s), encode(p), encode(o), encode(g))


__all__ = [
    "DESCRIBE_NODE",
    "MAP_GRAPH",
    "MAX_RESULT_CHARS",
    "MAX_UPDATE_QUADS",
    "NODES_LABELLED",
    "Cancelled",
    "Outcome",
    "QueryError",
    "QueryOutOfMemory",
    "QueryRefused",
    "QueryService",
    "QuerySyntaxError",
    "QueryTimeout",
    "ontology_prefixes",
]
