"""The query engine's own process: an Oxigraph store holding a copy of the map, answering one request at a time.

pyoxigraph 0.5 cannot interrupt a running query (``Store.query`` has no
cancellation token or timeout), and a query such as a triple cross product
keeps a core busy long after the user gave up on it. So queries run here, in
a child process that the app kills on cancel or timeout; killing a process is
the one interruption that always works and frees the core at once.

The parent (:mod:`explorer.sparql.engine`) starts this file by path with the
same Python, so it imports only the standard library and pyoxigraph (fast to
start, and nothing of the app's state comes along). Messages are pickled
dicts, each framed by a 4-byte big-endian length, over stdin and stdout; the
real stdout is redirected to stderr so nothing else can corrupt the stream.
The engine ends as soon as stdin ends, even in the middle of a query: the
app closed it or is gone.

Requests (``op``) and their replies:

``reset``
    ``nquads``: the whole dataset. Blank node labels are kept, so the
    results and update diffs name the same blank nodes as the map.
``apply``
    ``steps``: ``[(removed, added), …]`` encoded quads, applied in order
    (the map's edits since the last request).
``query``
    ``text``, ``prefixes``, ``base_iri``, ``default_graph``, ``named_graphs``,
    ``substitutions``, ``limit``, ``max_chars``, ``allow_network`` → ``form``
    ``"select"``/``"ask"``/``"graph"`` with ``variables``/``rows``/``boolean``/``triples``,
    ``truncated`` (more than ``limit`` rows, or more than ``max_chars``
    characters of text) and ``too_large`` (the latter).
``update``
    ``text``, ``prefixes``, ``base_iri``, ``ontology`` (a graph IRI whose
    quads the update's WHERE should also see in the default graph, or None),
    ``allow_network`` → ``added``/``removed`` as N-Quads bytes. The store is
    put back as it was: the parent turns the diff into an undoable command.

``ping``
    → ``{}`` (a process started as a checker answers once it has loaded what checking needs).
``check``
    ``text``, ``prefixes``, ``base_iri``, ``allowed_graphs``, ``allow_network``
    → ``checked``: the fields of :class:`explorer.sparql.checking.CheckedQuery`
    (graphs as strings), or ``{"error": "check", "kind": "syntax" | "refused" | "query", …}``
    with the message (and ``reason``, ``line``, ``column`` for a syntax error).
    Only a process started as a checker (``--checker``) is sent these: it
    imports rdflib and the app's checking module (about 0.6 s, done at start
    so a checker started early is ready when the first text arrives).

A failure replies ``{"error": "syntax" | "runtime" | "refused" | "memory" | "too_big", "message": …}``;
after ``memory`` or ``too_big`` the parent discards the process.

Limits
------
``--memory BYTES`` caps the process's address space (``RLIMIT_AS``, where
the system has it: Linux, the BSDs; not Windows, and macOS does not enforce
it). A query that needs more dies as it allocates (Rust aborts with
"memory allocation of N bytes failed" on stderr) or gets a MemoryError
(replied as ``memory``); the parent reads either and says so. An update
whose diff holds more than ``max_quads`` quads replies ``too_big`` with the
counts instead of sending them.
Terms travel as tuples: ``("I", iri)``, ``("B", id)``, ``("L", value, lang,
datatype)`` (datatype None for a plain string), ``("T", s, p, o)`` for a
triple term, ``("D",)`` for the default graph, None for an unbound value.

Network screen
--------------
The parent refuses ``SERVICE`` and ``LOAD`` after reading the text with
rdflib; should rdflib ever read a text differently from Oxigraph (a comment
or a string ending elsewhere), Oxigraph would still make the call. So unless
``allow_network`` is true, the engine also asks Oxigraph's own parser: every
``service`` and ``load`` in the text (in any case, inside any word, string
or comment) has its last letter changed, and the changed text is parsed on
an empty store. It parses only if none of them was a keyword, since no other
SPARQL token changes kind when a letter changes; if it does not parse, the
request is refused ("refused") rather than run.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import re
import struct
import sys
import threading

# Run by path, this file's folder is first on sys.path, where errors.py, engine.py and the like would shadow
# any top-level module of the same name that a library imports; the package root is put there instead.
_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
if __name__ == "__main__" and sys.path and os.path.abspath(sys.path[0] or os.curdir) == _HERE:
    sys.path[0] = _ROOT

import pyoxigraph as ox  # noqa: E402

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_HEADER = struct.Struct(">I")
#: The words of the keywords by which Oxigraph reaches the network: SERVICE (a federated call) and LOAD (a fetch).
_NETWORK_WORDS = re.compile(r"service|load", re.IGNORECASE | re.ASCII)


def limit_memory(limit: int | None) -> bool:
    """Cap this process's address space at ``limit`` bytes; False where the system cannot.

    Examples
    --------
    >>> limit_memory(None)
    False
    """
    if not limit:
        return False
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, AttributeError, ValueError, OSError):
        return False
    return True


_CHECKING = None
_CHECKING_LOCK = threading.Lock()


def checking():
    """The app's :mod:`explorer.sparql.checking`, imported once.

    Imported without running ``explorer/sparql/__init__.py``, which would pull in
    the whole service and map layers (another 0.5 s) for nothing. rdflib's
    ``reorderTriples``, which orders each block's triples for evaluation at a
    cost quadratic in their number (500 triples of ``INSERT DATA``: 5 s), is
    replaced by the identity here: this process only reads queries, it never
    evaluates them with rdflib, and the order changes nothing the check reads.
    """
    global _CHECKING
    with _CHECKING_LOCK:
        if _CHECKING is None:
            import importlib
            import types

            if "explorer.sparql" not in sys.modules:
                if _ROOT not in sys.path:
                    sys.path.insert(0, _ROOT)
                import explorer  # noqa: F401 - the top package holds only its version

                package = types.ModuleType("explorer.sparql")
                package.__path__ = [_HERE]
                sys.modules["explorer.sparql"] = package
            from rdflib.plugins.sparql import algebra

            algebra.reorderTriples = list
            _CHECKING = importlib.import_module("explorer.sparql.checking")
    return _CHECKING


def _blunted(text: str) -> str:
    """``text`` with the last letter of every ``service`` and ``load`` changed, so none can be a keyword."""
    return _NETWORK_WORDS.sub(lambda word: word.group(0)[:-1] + "Q", text)


def reaches_network(text: str, *, update: bool = False, prefixes=None, base_iri=None) -> bool:
    """Whether Oxigraph reads a SERVICE or LOAD keyword in ``text`` (see "Network screen" above).

    Also True for a text Oxigraph cannot parse at all once blunted: it would fail anyway.

    Examples
    --------
    >>> reaches_network("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> reaches_network('SELECT ?workload WHERE { BIND ("SERVICE <http://example.org/>" AS ?workload) } # load')
    False
    >>> reaches_network("LOAD <http://example.org/data.ttl>", update=True)
    True
    """
    if not _NETWORK_WORDS.search(text):
        return False
    renamed = {_blunted(name): namespace for name, namespace in (prefixes or {}).items()}
    probe = ox.Store()
    try:
        # On an empty store: a SELECT, CONSTRUCT or DESCRIBE is only parsed (its results are lazy),
        # an ASK or an update runs on nothing. Either way the blunted text cannot reach out.
        if update:
            probe.update(_blunted(text), prefixes=renamed or None, base_iri=base_iri)
        else:
            probe.query(_blunted(text), prefixes=renamed or None, base_iri=base_iri)
    except SyntaxError:
        return True
    except Exception:  # noqa: BLE001 - it parsed; running it on nothing failed for another reason (a missing graph, …)
        return False
    return False


def _chars(term) -> int:
    """The characters of text in an encoded term (its value, language, datatype; a triple term's parts)."""
    if term is None:
        return 0
    if term[0] == "T":
        return sum(_chars(part) for part in term[1:])
    return sum(len(part) for part in term[1:] if part)


def encode(term):
    """An Oxigraph term as a plain tuple (see the module docstring)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return ("I", term.value)
    if kind is ox.BlankNode:
        return ("B", term.value)
    if kind is ox.Literal:
        if term.language:
            return ("L", term.value, term.language, None)
        datatype = term.datatype.value
        return ("L", term.value, None, None if datatype == _XSD_STRING else datatype)
    if kind is ox.Triple:
        return ("T", encode(term.subject), encode(term.predicate), encode(term.object))
    if kind is ox.DefaultGraph:
        return ("D",)
    raise TypeError(f"unexpected term {term!r}")


def decode(value):
    """The Oxigraph term of an encoded tuple."""
    tag = value[0]
    if tag == "I":
        return ox.NamedNode(value[1])
    if tag == "B":
        return ox.BlankNode(value[1])
    if tag == "L":
        if value[2]:
            return ox.Literal(value[1], language=value[2])
        if value[3]:
            return ox.Literal(value[1], datatype=ox.NamedNode(value[3]))
        return ox.Literal(value[1])
    if tag == "T":
        return ox.Triple(decode(value[1]), decode(value[2]), decode(value[3]))
    if tag == "D":
        return ox.DefaultGraph()
    raise ValueError(f"unexpected encoded term {value!r}")


def _quad(encoded) -> ox.Quad:
    s, p, o, g = encoded
    return ox.Quad(decode(s), decode(p), decode(o), decode(g))


class Engine:
    """The store and the requests it answers (usable in-process too, for tests)."""

    def __init__(self) -> None:
        self.store = ox.Store()

    def reset(self, nquads: bytes) -> dict:
        store = ox.Store()
        lines = nquads.split(b"\n")
        # Store.load is twice as fast as extend(parse(...)) but renames blank
        # nodes; only the (rare) lines holding one go the slow, label-keeping way.
        plain = b"\n".join(line for line in lines if b"_:" not in line)
        blank = b"\n".join(line for line in lines if b"_:" in line)
        store.load(plain, format=ox.RdfFormat.N_QUADS, lenient=True)
        if blank:
            store.extend(ox.parse(blank, ox.RdfFormat.N_QUADS, rename_blank_nodes=False))
        self.store = store
        return {"quads": len(store)}

    def apply(self, steps) -> dict:
        for removed, added in steps:
            for quad in removed:
                self.store.remove(_quad(quad))
            self.store.extend([_quad(q) for q in added])
        return {}

    def query(
        self,
        text,
        *,
        prefixes=None,
        base_iri=None,
        default_graph=None,
        named_graphs=None,
        substitutions=None,
        limit=10_000,
        max_chars=None,
        allow_network=False,
    ) -> dict:
        if not allow_network and reaches_network(text, prefixes=prefixes, base_iri=base_iri):
            return {"error": "refused", "message": "SERVICE or LOAD while network access is off"}
        result = self.store.query(
            text,
            prefixes=prefixes or None,
            base_iri=base_iri,
            default_graph=None if default_graph is None else [decode(g) for g in default_graph],
            named_graphs=None if named_graphs is None else [decode(g) for g in named_graphs],
            substitutions={ox.Variable(k): decode(v) for k, v in (substitutions or {}).items()} or None,
        )
        if isinstance(result, ox.QueryBoolean):
            return {"form": "ask", "boolean": bool(result)}
        truncated = too_large = False
        # The text budget keeps a huge result here, where a kill frees it, instead of in the app's memory.
        budget = float("inf") if max_chars is None else max_chars
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) >= limit:
                    truncated = True
                    break
                row = tuple(None if t is None else encode(t) for t in solution)
                budget -= sum(map(_chars, row))
                if budget < 0:
                    truncated = too_large = True
                    break
                rows.append(row)
            return {
                "form": "select",
                "variables": variables,
                "rows": rows,
                "truncated": truncated,
                "too_large": too_large,
            }
        triples = []
        for triple in result:
            if len(triples) >= limit:
                truncated = True
                break
            encoded = (encode(triple.subject), encode(triple.predicate), encode(triple.object))
            budget -= sum(map(_chars, encoded))
            if budget < 0:
                truncated = too_large = True
                break
            triples.append(encoded)
        return {"form": "graph", "triples": triples, "truncated": truncated, "too_large": too_large}

    def update(self, text, *, prefixes=None, base_iri=None, ontology=None, allow_network=False, max_quads=None) -> dict:
        if not allow_network and reaches_network(text, update=True, prefixes=prefixes, base_iri=base_iri):
            return {"error": "refused", "message": "SERVICE or LOAD while network access is off"}
        store = self.store
        # The update's WHERE sees the ontology in the default graph, as queries
        # do: copy it in for the duration (only the quads not already there).
        copies = []
        if ontology:
            default = ox.DefaultGraph()
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ontology)):
                copy = ox.Quad(q.subject, q.predicate, q.object, default)
                if copy not in store:
                    copies.append(copy)
            store.extend(copies)
        try:
            before = set(store.dump(format=ox.RdfFormat.N_QUADS).split(b"\n"))
            store.update(text, prefixes=prefixes or None, base_iri=base_iri)
            after = set(store.dump(format=ox.RdfFormat.N_QUADS).split(b"\n"))
            added_lines, removed_lines = after - before, before - after
            del before, after
            if max_quads is not None and len(added_lines) + len(removed_lines) > max_quads:
                # Too many to send and turn into an edit: the parent discards this process, store and all.
                return {"error": "too_big", "added": len(added_lines), "removed": len(removed_lines)}
            added = b"\n".join(sorted(added_lines))
            removed = b"\n".join(sorted(removed_lines))
            del added_lines, removed_lines
            # Put the store back: the map changes only when the parent executes the diff.
            if added:
                for quad in ox.parse(added, ox.RdfFormat.N_QUADS, rename_blank_nodes=False):
                    store.remove(quad)
            if removed:
                store.extend(ox.parse(removed, ox.RdfFormat.N_QUADS, rename_blank_nodes=False))
        finally:
            for copy in copies:
                store.remove(copy)
        return {"added": added, "removed": removed}

    def check(self, text, *, prefixes=None, base_iri=None, allowed_graphs=(), allow_network=False) -> dict:
        try:
            module = checking()
            from rdflib import URIRef
        except Exception as err:  # noqa: BLE001 - an installation problem, said as such
            return {"error": "runtime", "message": f"the query checker cannot start: {type(err).__name__}: {err}"}

        try:
            checked = module.check(
                text,
                prefixes=prefixes,
                base_iri=base_iri,
                allowed_graphs=[URIRef(g) for g in allowed_graphs],
                allow_network=allow_network,
            )
        except module.QuerySyntaxError as err:
            return {
                "error": "check",
                "kind": "syntax",
                "message": str(err),
                "reason": err.reason,
                "line": err.line,
                "column": err.column,
            }
        except module.QueryRefused as err:
            return {"error": "check", "kind": "refused", "message": str(err)}
        except module.QueryError as err:
            return {"error": "check", "kind": "query", "message": str(err)}

        def graphs(found):
            return None if found is None else [str(g) for g in found]

        return {
            "checked": {
                "text": checked.text,
                "kind": checked.kind,
                "default_graphs": graphs(checked.default_graphs),
                "named_graphs": graphs(checked.named_graphs),
            }
        }

    def handle(self, request: dict) -> dict:
        op = request.pop("op")
        try:
            if op == "ping":
                return {}
            if op == "check":
                return self.check(**request)
            if op == "reset":
                return self.reset(request["nquads"])
            if op == "apply":
                return self.apply(request["steps"])
            if op == "query":
                return self.query(**request)
            if op == "update":
                return self.update(**request)
            return {"error": "runtime", "message": f"unknown request {op!r}"}
        except MemoryError:
            return {"error": "memory", "message": "out of memory"}
        except SyntaxError as err:
            return {"error": "syntax", "message": str(err)}
        except (OSError, RuntimeError, ValueError, TypeError) as err:
            return {"error": "runtime", "message": str(err)}


def _read_exact(stream, size: int) -> bytes | None:
    data = stream.read(size)
    if data is None or len(data) < size:
        return None
    return data


def _listen(inbox, requests: queue.Queue) -> None:
    """Read requests into ``requests``; when stdin ends, end the process at once, even mid-request.

    stdin ends when the app closes it or dies (a crash, a kill): the app's
    watchdog cannot stop a runaway query then, so the engine stops itself
    rather than keep a core busy for nobody. (pyoxigraph releases the GIL
    while it evaluates, so this thread runs during a query.)
    """
    while True:
        header = _read_exact(inbox, _HEADER.size)
        body = None if header is None else _read_exact(inbox, _HEADER.unpack(header)[0])
        if body is None:
            os._exit(0)
        requests.put(body)


def main(argv: list[str]) -> None:
    """Serve requests from stdin until it closes; ``--memory BYTES`` caps memory, ``--checker`` loads the checker."""
    if "--memory" in argv:
        limit_memory(int(argv[argv.index("--memory") + 1]))
    inbox = sys.stdin.buffer
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    engine = Engine()
    requests: queue.Queue = queue.Queue()
    threading.Thread(target=_listen, args=(inbox, requests), name="requests", daemon=True).start()
    if "--checker" in argv:
        # Any failure here is left for the first check to report, as a reply.
        with contextlib.suppress(Exception):
            checking()
    while True:
        body = requests.get()
        try:
            reply = pickle.dumps(engine.handle(pickle.loads(body)), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            reply = pickle.dumps({"error": "memory", "message": "out of memory"}, protocol=pickle.HIGHEST_PROTOCOL)
        outbox.write(_HEADER.pack(len(reply)) + reply)
        outbox.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
