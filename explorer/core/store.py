"""Where a map's quads live, behind one interface.

:class:`Store` is what the rest of the code may rely on: apply a diff, read by
quad pattern, run SPARQL, load and dump documents. :class:`EmbeddedStore` is
Oxigraph in this process, in memory or on disk in a folder (for big maps). A
remote SPARQL 1.1 backend can implement the same interface, which is why the
document changes data only through :meth:`Store.apply` and reads only by
pattern or query.

Terms crossing this boundary are rdflib terms with plain literals normalised
(see :mod:`explorer.core.terms`).

Examples
--------
>>> from rdflib import URIRef, Literal
>>> store = EmbeddedStore()
>>> a, label = URIRef("http://example.org/a"), URIRef("http://www.w3.org/2000/01/rdf-schema#label")
>>> store.apply(added=[(a, label, Literal("Ward 7"), DEFAULT_GRAPH)])
>>> [q[2] for q in store.quads(a)]
[rdflib.term.Literal('Ward 7')]
>>> store.count()
1
"""

from __future__ import annotations

import abc
import concurrent.futures
import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, filterfalse
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib
from rdflib import BNode, URIRef
from rdflib.plugins.stores.memory import Memory

from . import rdf_formats
from .errors import QueryError
from .literal_forms import rewritten_forms
from .netguard import no_network
from .rdf_formats import LoadResult, Progress, RdfFormat
from .terms import DEFAULT_GRAPH, Quad, from_ox, from_ox_quad, to_ox, to_ox_graph, to_ox_quad
from .written_forms import WrittenForms

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ANY_GRAPH = object()
"""Pass as ``graph`` to read or count across every graph."""


@dataclass(frozen=True)
class QueryResult:
    """A SPARQL result: ``kind`` is ``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple, ...] = ()


class Store(abc.ABC):
    """The interface every backend offers."""

    #: Whether :meth:`apply` takes Oxigraph quads as they are (a command's native form, see
    #: :attr:`~explorer.core.commands.Command.native`), not only rdflib ones.
    takes_native = False

    @abc.abstractmethod
    def apply(self, *, added: Iterable[Quad] = (), removed: Iterable[Quad] = (), rewritten: dict | None = None) -> None:
        """Remove ``removed`` then add ``added``, as one step.

        ``rewritten``: :func:`rewritten_forms` of ``added`` when found ahead of time (a store that
        takes Oxigraph quads, :attr:`takes_native`, uses it; others ignore it).
        """

    @abc.abstractmethod
    def quads(self, s=None, p=None, o=None, graph=DEFAULT_GRAPH) -> Iterator[Quad]:
        """Quads matching a pattern (``None`` is a wildcard; ``graph=ANY_GRAPH`` reads all graphs)."""

    @abc.abstractmethod
    def count(self, graph=DEFAULT_GRAPH) -> int:
        """Number of quads in ``graph`` (``ANY_GRAPH`` for all)."""

    @abc.abstractmethod
    def graph_names(self) -> list:
        """The named graphs present (the default graph is always there and not listed)."""

    @abc.abstractmethod
    def clear(self, graph=ANY_GRAPH) -> None:
        """Remove every quad of ``graph`` (``ANY_GRAPH`` empties the store)."""

    @abc.abstractmethod
    def load(
        self,
        source,
        *,
        format: RdfFormat | None = None,
        graph=None,
        progress: Progress | None = None,
        name: str | None = None,
        base: str | None = None,
    ) -> LoadResult:
        """Read a document (path or bytes) into the store; ``base``: the IRI its relative IRIs resolve against."""

    @abc.abstractmethod
    def dump(self, fmt: RdfFormat, *, graphs: Sequence, prefixes: dict[str, str] | None = None) -> bytes:
        """``graphs`` serialised in ``fmt``, binding only ``prefixes``."""

    def dump_into(
        self, handle: BinaryIO, fmt: RdfFormat, *, graphs: Sequence, prefixes: dict[str, str] | None = None
    ) -> None:
        """Write what :meth:`dump` returns into ``handle``; a store that can streams it there instead.

        Examples
        --------
        >>> import io
        >>> from explorer.core.rdf_formats import format_by_name
        >>> out = io.BytesIO()
        >>> EmbeddedStore().dump_into(out, format_by_name("ntriples"), graphs=[DEFAULT_GRAPH])
        >>> out.getvalue()
        b''
        """
        handle.write(self.dump(fmt, graphs=graphs, prefixes=prefixes))

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        *,
        bindings: dict | None = None,
        union_default_graph: bool = False,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; values are bound through ``bindings`` (never pasted into the text)."""

    def text_triples(
        self, s=None, p=None, o=None, graph=DEFAULT_GRAPH, *, literals: frozenset | None = None
    ) -> Iterator[tuple]:
        """Triples matching the pattern as plain strings, for bulk reads that must be fast.

        Yields ``(subject, predicate, object, object_kind, extra)``: blank nodes
        are written ``"_:id"``, ``object_kind`` is 0 for an IRI, 1 for a blank
        node, 2 for a literal, whose ``extra`` is its language tag or datatype IRI.
        Converting every term to rdflib costs ~8 µs a triple; this path costs ~1.
        ``literals``: when given, a triple with a literal object is yielded only if its
        predicate (as text) is one of these (a reader that wants names, not scores, skips the rest).
        """
        for s_, p_, o_, _ in self.quads(s, p, o, graph):
            subject = str(s_) if isinstance(s_, URIRef) else f"_:{s_}"
            if isinstance(o_, URIRef):
                yield subject, str(p_), str(o_), 0, ""
            elif isinstance(o_, BNode):
                yield subject, str(p_), f"_:{o_}", 1, ""
            elif literals is None or str(p_) in literals:
                yield subject, str(p_), str(o_), 2, o_.language or str(o_.datatype or _XSD_STRING)

    def contains(self, quad: Quad) -> bool:
        """Whether the store holds ``quad``."""
        s, p, o, g = quad
        return next(iter(self.quads(s, p, o, g)), None) is not None

    def as_rdflib(self, graph=DEFAULT_GRAPH) -> rdflib.Graph:
        """A read-only rdflib :class:`~rdflib.Graph` over one graph (a copy), for rdflib-based tools."""
        memory = _FrozenMemory()
        result = rdflib.Graph(store=memory)
        for s, p, o, _ in self.quads(graph=graph):
            result.add((s, p, o))
        memory.frozen = True
        return result


class _FrozenMemory(Memory):
    """rdflib's memory store, refusing changes once filled."""

    frozen = False

    def add(self, *args, **kwargs):
        if self.frozen:
            raise TypeError("this view is read-only: change a map through commands")
        return super().add(*args, **kwargs)

    def remove(self, *args, **kwargs):
        if self.frozen:
            raise TypeError("this view is read-only: change a map through commands")
        return super().remove(*args, **kwargs)


@functools.cache
def _read_only_store() -> type:
    """oxrdflib's rdflib store over our Oxigraph store, read-only, with plain literals normalised.

    Made on first use: oxrdflib brings rdflib's SPARQL engine, a sixth of a second of every start otherwise.
    """
    from oxrdflib import OxigraphStore

    class ReadOnlyNormalisingStore(OxigraphStore):
        def add(self, *args, **kwargs):
            raise TypeError("this view is read-only: change a map through commands")

        addN = remove = add  # noqa: N815

        def triples(self, triple_pattern, context=None):
            for (s, p, o), ctxs in super().triples(triple_pattern, context):
                if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.string and not o.language:
                    o = rdflib.Literal(str(o))
                yield (s, p, o), ctxs

    return ReadOnlyNormalisingStore


class EmbeddedStore(Store):
    """Oxigraph in this process.

    Oxigraph stores numbers and booleans by value: ``"01"^^xsd:integer`` comes
    back as ``"1"`` and ``"0"^^xsd:nonNegativeInteger`` as ``"0"^^xsd:integer``.
    Values compare the same in SPARQL, but the data would change on a round
    trip (OWL cardinalities must stay ``xsd:nonNegativeInteger``). So the store
    remembers the literals it rewrote (:class:`~explorer.core.written_forms.WrittenForms`),
    and hands back, counts and saves what was written, every form of it: ``"1.0"`` and ``"1"``
    typed ``xsd:decimal`` on one subject and predicate are two statements, one quad in Oxigraph.
    Queries see the canonical value, once.

    Parameters
    ----------
    path : Path, optional
        A folder for an on-disk store (for maps too big for memory); in memory if omitted.
    """

    takes_native = True

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._ox = ox.Store(str(path)) if path is not None else ox.Store()
        self._forms = WrittenForms()  # every form of each quad the store holds in another than written

    def _written(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """``quads`` from the store, each as the statements it was written as."""
        if not self._forms:
            return iter(quads)
        return chain.from_iterable(map(self._forms.written, quads))

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for bulk work that must stay native."""
        return self._ox

    def apply(self, *, added: Iterable[Quad] = (), removed: Iterable[Quad] = (), rewritten: dict | None = None) -> None:
        # Convert everything first so a bad term fails before anything changes. Oxigraph quads (a
        # command's native form, see Command.native) are taken as they are.
        ox_removed = [q if isinstance(q, ox.Quad) else to_ox_quad(q) for q in removed]
        ox_added = [q if isinstance(q, ox.Quad) else to_ox_quad(q) for q in added]
        for quad in ox_removed:
            stored = self._forms.stored(quad)
            if self._forms.remove(quad, self._ox):
                self._ox.remove(stored)
        if ox_added:
            if rewritten is None:
                rewritten = rewritten_forms(ox_added)
            if self._forms:  # a canonical spelling joining others of its value is a form to keep too
                rewritten = {**rewritten, **{q: q for q in ox_added if q in self._forms and q not in rewritten}}
            # A statement kept as written that another form of the same value joins now keeps its own form.
            held = [c for c in set(rewritten.values()) if c not in self._forms and c in self._ox]
            self._ox.extend(ox_added)
            self._forms.add(rewritten, held=held)

    def _pattern(self, s, p, o, graph):
        return (
            None if s is None else to_ox(s),
            None if p is None else to_ox(p),
            None if o is None else to_ox(o),
            None if graph is ANY_GRAPH else to_ox_graph(graph),
        )

    def quads(self, s=None, p=None, o=None, graph=DEFAULT_GRAPH) -> Iterator[Quad]:
        subject, predicate, obj, graph_name = self._pattern(s, p, o, graph)
        # Oxigraph matches a pattern's literal by value, as it stores it: "01"^^xsd:integer finds "1".
        # (Looking up the canonical form among the rewritten quads first cost 14 ms a read at 23k of them.)
        for quad in self._written(self._ox.quads_for_pattern(subject, predicate, obj, graph_name)):
            yield from_ox_quad(quad)

    def text_triples(
        self, s=None, p=None, o=None, graph=DEFAULT_GRAPH, *, literals: frozenset | None = None
    ) -> Iterator[tuple]:
        subject, predicate, obj, graph_name = self._pattern(s, p, o, graph)
        named, blank = ox.NamedNode, ox.BlankNode
        for quad in self._ox.quads_for_pattern(subject, predicate, obj, graph_name):
            so, oo = quad.subject, quad.object
            sv = so.value if type(so) is named else "_:" + so.value
            kind = type(oo)
            if kind is named:
                yield sv, quad.predicate.value, oo.value, 0, ""
            elif kind is blank:
                yield sv, quad.predicate.value, "_:" + oo.value, 1, ""
            else:
                p_text = quad.predicate.value
                # Skipped before reading the literal: 200k scores on a 100k-node map cost 0.2 s to convert.
                if literals is None or p_text in literals:
                    yield sv, p_text, oo.value, 2, oo.language or oo.datatype.value

    def contains(self, quad: Quad) -> bool:
        return self._forms.holds(to_ox_quad(quad), self._ox)

    def count(self, graph=DEFAULT_GRAPH) -> int:
        if graph is ANY_GRAPH:
            return len(self._ox) + self._forms.extra()
        name = to_ox_graph(graph)
        result = self._ox.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=name)
        return int(next(iter(result))["n"].value) + self._forms.extra([name])

    def graph_names(self) -> list:
        return [from_ox(g) for g in self._ox.named_graphs()]

    def clear(self, graph=ANY_GRAPH) -> None:
        if graph is ANY_GRAPH:
            self._ox.clear()
            self._forms.clear()
        else:
            name = to_ox_graph(graph)
            if isinstance(name, ox.DefaultGraph):
                self._ox.clear_graph(name)
            else:
                # Gone from graph_names() too: an emptied named graph would linger there otherwise.
                self._ox.remove_graph(name)
            self._forms.clear(name)

    def load(
        self,
        source,
        *,
        format: RdfFormat | str | None = None,
        graph=None,
        progress: Progress | None = None,
        name: str | None = None,
        base: str | None = None,
    ) -> LoadResult:
        if isinstance(format, str):
            format = rdf_formats.format_by_name(format)
        to_graph = None if graph is None else to_ox_graph(graph)
        already = self._ox if to_graph is None else self._ox.quads_for_pattern(None, None, None, to_graph)
        if next(iter(already), None) is not None:
            # A statement already there may be another spelling of one read now: read into a store of its
            # own, then add as an edit does, which keeps both (the app reads maps into empty stores).
            scratch = EmbeddedStore()
            result = scratch.load(source, format=format, graph=graph, progress=progress, name=name, base=base)
            if scratch._forms or next(self._forms.items(None if to_graph is None else [to_graph]), None):
                native: list = list(scratch._written(scratch._ox))  # apply takes Oxigraph quads as they are
                self.apply(added=native)
            else:  # nothing spelled two ways on either side (an ontology file after another): natively
                self._ox.extend(scratch._ox)
            return result
        result = rdf_formats.load_into(
            self._ox, source, format=format, to_graph=to_graph, progress=progress, name=name, base_iri=base
        )
        rewritten = rewritten_forms(result.typed_literal_quads) if result.rewritten is None else result.rewritten
        self._forms.add(rewritten, held=())  # into an empty graph: no earlier statement to keep apart
        return result

    def dump(self, fmt: RdfFormat, *, graphs: Sequence, prefixes: dict[str, str] | None = None) -> bytes:
        graphs = list(graphs)
        if not fmt.holds_datasets and graphs != [DEFAULT_GRAPH]:
            raise ValueError(f"{fmt.label} holds one graph; got {graphs!r}")
        if self._native_graph_dump(fmt, graphs):
            with self._rewritten_set_aside() as (rewritten, _):
                return rdf_formats.serialize_quads(None, fmt, store=self._ox, prefixes=prefixes, extra=rewritten)
        names = [to_ox_graph(g) for g in graphs]
        return rdf_formats.serialize_quads(self.written_quads(names), fmt, prefixes=prefixes)

    def dump_into(
        self, handle: BinaryIO, fmt: RdfFormat, *, graphs: Sequence, prefixes: dict[str, str] | None = None
    ) -> None:
        if self._native_graph_dump(fmt, list(graphs)):
            with self._rewritten_set_aside() as (rewritten, put_back):  # as dump would, streamed
                rdf_formats.dump_graph_into(handle, self._ox, fmt, prefixes, extra=rewritten, once_read=put_back)
        else:
            super().dump_into(handle, fmt, graphs=graphs, prefixes=prefixes)

    def _native_graph_dump(self, fmt: RdfFormat, graphs: list) -> bool:
        """Whether Oxigraph can write ``graphs`` in ``fmt`` from the store itself (see :meth:`_rewritten_set_aside`)."""
        if fmt.holds_datasets or graphs != [DEFAULT_GRAPH]:
            return False
        return not self._forms or (fmt.name in ("turtle", "ntriples") and self.path is None)

    @contextlib.contextmanager
    def _rewritten_set_aside(self) -> Iterator[tuple[Iterator[ox.Quad], Callable[[], None]]]:
        """While inside, the map graph's rewritten quads are out of the store; yields them as written (once).

        Oxigraph then writes the graph natively and the statements as written follow it. Also
        yields a function to call once what Oxigraph writes of the store is settled: it starts
        putting them back on a thread of its own (Oxigraph lets go of the interpreter while it
        adds), while Oxigraph still writes (at a million statements, 0.035 s of a save's 0.2 s
        beyond Oxigraph's own dump). A save already changes the store while it writes (see
        MapDocument.as_saved), and this puts everything back, waited for, even on error. Only in
        memory: a store on disk would keep them out if the process died here.
        """
        if not self._forms:
            yield iter(()), lambda: None
            return
        canonical = self._forms.stored_in({to_ox_graph(DEFAULT_GRAPH)})
        try:
            _remove_all(self._ox, canonical)
        except BaseException:
            self._ox.extend(canonical)  # those already out go back; adding those still in changes nothing
            raise
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="put-back") as pool:
            started: list[concurrent.futures.Future] = []

            def put_back() -> None:
                if not started:
                    started.append(pool.submit(self._ox.extend, canonical))

            # Read as the writer goes, while Oxigraph writes: a save finds the forms cold in memory, and reading
            # them first took 20-50 ms of a million statements' save (the quads alone, 2 ms).
            written = (form for quad in canonical for form in self._forms.written(quad))
            try:
                yield written, put_back
            finally:
                put_back()
                started[0].result()

    def written_quads(self, names: Sequence) -> Iterator[ox.Quad]:
        """The quads of the Oxigraph graph ``names``, natively, each as the statements it was written as."""
        # Iterators and filters from the standard library keep Python code off the per-quad path.
        quads = chain.from_iterable(self._ox.quads_for_pattern(None, None, None, name) for name in names)
        if not self._forms:
            return quads
        as_written = [w for _, forms in self._forms.items(names) for w in forms]
        return chain(filterfalse(self._forms.__contains__, quads), as_written)

    def query(
        self,
        sparql: str,
        *,
        bindings: dict | None = None,
        union_default_graph: bool = False,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        substitutions = {ox.Variable(str(k)): to_ox(v) for k, v in (bindings or {}).items()}
        with no_network("running a query"):
            try:
                result = self._ox.query(
                    sparql,
                    use_default_graph_as_union=union_default_graph,
                    substitutions=substitutions or None,
                    prefixes=prefixes,
                )
            except SyntaxError as err:
                raise QueryError(f"SPARQL syntax error: {err}") from None
            except (RuntimeError, ValueError) as err:
                raise QueryError(f"The query could not run: {err}") from None
            if isinstance(result, (bool, ox.QueryBoolean)):
                return QueryResult("ask", boolean=bool(result))
            if isinstance(result, ox.QuerySolutions):
                names = tuple(v.value for v in result.variables)
                rows = tuple(tuple(None if t is None else from_ox(t) for t in solution) for solution in result)
                return QueryResult("select", variables=names, rows=rows)
            return QueryResult(
                "graph", triples=tuple((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in result)
            )

    def as_rdflib(self, graph=DEFAULT_GRAPH) -> rdflib.Graph:
        """A read-only rdflib view over one graph: live through oxrdflib, or a copy when
        the store holds literals it rewrote (the view must show them as written)."""
        if self._forms:
            return super().as_rdflib(graph)
        return rdflib.Graph(store=_read_only_store()(store=self._ox), identifier=graph)


#: How many statements :func:`_remove_all` removes one by one to tell whether the interpreter is free.
_PROBE = 256
#: A call to remove one statement takes about 2 µs when the interpreter is free; 20 µs means it is not.
_FREE_CALL = 20e-6


def _remove_all(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Remove ``quads``, all in ``store``'s default graph, quickly whether or not another thread runs Python.

    One call each is quickest while the interpreter is free (23k statements in 0.04 s), but each call
    lets go of the interpreter and must wait to get it back: beside a thread busy in Python, the 23k
    calls took 5.7 s. One ``DELETE DATA`` takes 0.1 s either way. The first calls tell which case this
    is. Statements with a blank node are removed one by one: SPARQL cannot name a blank node (nor any
    statement the update refuses).

    Examples
    --------
    >>> store = ox.Store()
    >>> quads = [ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(i)) for i in range(300)]
    >>> store.extend(quads)
    >>> _remove_all(store, quads[:299]); len(store)
    1
    """
    start = time.perf_counter()
    for quad in quads[:_PROBE]:
        store.remove(quad)
    rest = quads[_PROBE:]
    if not rest:
        return
    if time.perf_counter() - start < _PROBE * _FREE_CALL:
        for quad in rest:
            store.remove(quad)
        return
    named: list[ox.Quad] = []
    one_by_one: list[ox.Quad] = []
    for quad in rest:
        blank = type(quad.subject) is ox.BlankNode or type(quad.object) is ox.BlankNode
        (one_by_one if blank else named).append(quad)
    try:
        if named:
            text = (ox.serialize(named, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
            store.update("DELETE DATA {\n" + text + "}")
    except (SyntaxError, ValueError, RuntimeError):  # a term SPARQL cannot spell as N-Triples does: one by one
        one_by_one = rest
    for quad in one_by_one:
        store.remove(quad)


__all__ = ["ANY_GRAPH", "DEFAULT_GRAPH", "EmbeddedStore", "QueryResult", "Store"]
