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

Requests (``op``) and their replies:

``reset``
    ``nquads``: the whole dataset. Blank node labels are kept, so the
    results and update diffs name the same blank nodes as the map.
``apply``
    ``steps``: ``[(removed, added), …]`` encoded quads, applied in order
    (the map's edits since the last request).
``query``
    ``text``, ``prefixes``, ``base_iri``, ``default_graph``, ``named_graphs``,
    ``substitutions``, ``limit`` → ``form`` ``"select"``/``"ask"``/``"graph"``
    with ``variables``/``rows``/``boolean``/``triples`` and ``truncated``.
``update``
    ``text``, ``prefixes``, ``base_iri``, ``ontology`` (a graph IRI whose
    quads the update's WHERE should also see in the default graph, or None)
    → ``added``/``removed`` as N-Quads bytes. The store is put back as it was:
    the parent turns the diff into an undoable command.

A failure replies ``{"error": "syntax" | "runtime", "message": …}``.
Terms travel as tuples: ``("I", iri)``, ``("B", id)``, ``("L", value, lang,
datatype)`` (datatype None for a plain string), ``("T", s, p, o)`` for a
triple term, ``("D",)`` for the default graph, None for an unbound value.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_HEADER = struct.Struct(">I")


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

    def query(self, text, *, prefixes=None, base_iri=None, default_graph=None, named_graphs=None, substitutions=None, limit=10_000) -> dict:
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
        truncated = False
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) >= limit:
                    truncated = True
                    break
                rows.append(tuple(None if t is None else encode(t) for t in solution))
            return {"form": "select", "variables": variables, "rows": rows, "truncated": truncated}
        triples = []
        for triple in result:
            if len(triples) >= limit:
                truncated = True
                break
            triples.append((encode(triple.subject), encode(triple.predicate), encode(triple.object)))
        return {"form": "graph", "triples": triples, "truncated": truncated}

    def update(self, text, *, prefixes=None, base_iri=None, ontology=None) -> dict:
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
            added = b"\n".join(sorted(after - before))
            removed = b"\n".join(sorted(before - after))
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

    def handle(self, request: dict) -> dict:
        op = request.pop("op")
        try:
            if op == "reset":
                return self.reset(request["nquads"])
            if op == "apply":
                return self.apply(request["steps"])
            if op == "query":
                return self.query(**request)
            if op == "update":
                return self.update(**request)
            return {"error": "runtime", "message": f"unknown request {op!r}"}
        except SyntaxError as err:
            return {"error": "syntax", "message": str(err)}
        except (OSError, RuntimeError, ValueError, TypeError) as err:
            return {"error": "runtime", "message": str(err)}


def _read_exact(stream, size: int) -> bytes | None:
    data = stream.read(size)
    if data is None or len(data) < size:
        return None
    return data


def main() -> None:
    """Serve requests from stdin until it closes."""
    inbox = sys.stdin.buffer
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    engine = Engine()
    while True:
        header = _read_exact(inbox, _HEADER.size)
        if header is None:
            return
        body = _read_exact(inbox, _HEADER.unpack(header)[0])
        if body is None:
            return
        reply = pickle.dumps(engine.handle(pickle.loads(body)), protocol=pickle.HIGHEST_PROTOCOL)
        outbox.write(_HEADER.pack(len(reply)) + reply)
        outbox.flush()


if __name__ == "__main__":
    main()
