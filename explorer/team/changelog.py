"""A shared map on a server and its change log: share, read the log, publish a change.

Layout of a shared map ``M`` (an IRI under :data:`SHARED_BASE`), in standard SPARQL only:

- ``<M>``: the map (IRIs only, canonical values: :mod:`explorer.team.canonical`);
- ``<M/initial>``: the map as first shared;
- ``<M/meta>``: ``<M> team:version N``, bumped by each change;
- ``<M/log>``: one record per change, with its own IRI: ``a team:Change, prov:Activity``,
  ``prov:wasAssociatedWith`` its author (``rdfs:label`` the author's name),
  ``prov:endedAtTime``, ``team:message``, ``team:baseVersion`` (the version it was made on),
  ``team:version`` (the version it makes), ``team:reverts`` when it undoes another, and its
  patch as two graphs, ``team:added`` and ``team:deleted`` (``<M/changes/ID/added>``…);
  :attr:`Record.patch` writes it as RDF Patch (:mod:`explorer.team.patch`);
- the catalogue graph :data:`CATALOGUE` lists the maps (``a team:SharedMap``, title, created).

**The map always equals the replay of its log**: every record's patch applied in (version, IRI)
order, from nothing (the first record adds the map as first shared, ``<M/initial>``; :func:`replayed`).

A change is published in two steps. Its triples are first written into its own two graphs
(plain ``INSERT DATA`` in parts: nothing refers to them yet, so a client stopped here changes
nothing anyone sees). Then *one* request, every operation guarded by ``<M> team:version base``
and each small (it names the graphs, not the triples: engines compile an update, and Virtuoso
refuses a large one), applies them to the map, adds the record and bumps the version, followed
by a receipt question (SPARQL Update answers the same whether or not a guard matched). On an
engine that serialises writes the guard refuses a stale change (:func:`publish` returns None;
the caller pulls and tries again). On one that does not (the Oxigraph server, Virtuoso here),
the guard is read on a snapshot taken when the request starts, so a slow change could land
after a later one; hence the request is sent under the map's write lease (:func:`_take_lease`),
which one copy holds at a time. A sync takes it before it reads the version it publishes on
(:func:`write_lease`), so that nobody publishes in between. Should two changes made on one
version land all the same (a copy not using the lease), neither is lost: each patch only adds
what its base lacked and deletes what its base held, so two patches made on one base commute;
both records are in the log, where each author's next sync finds the other and shows a clash
(:mod:`explorer.team.sync`).

Examples
--------
>>> str(graphs(URIRef(SHARED_BASE + "x")).log)
'https://w3id.org/routine-explorer/shared/x/log'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from .canonical import canonical_triple
from .endpoint import AuthenticationError, EndpointError, SparqlClient, term_text
from .patch import Patch

#: Where shared maps are named.
SHARED_BASE = "https://w3id.org/routine-explorer/shared/"
#: The graph listing the maps shared on a server.
CATALOGUE = URIRef("https://w3id.org/routine-explorer/graph/catalogue")
#: Terms of the team layer (kept out of the map ontology: they describe the sharing, not the organisation).
TEAM = Namespace("https://w3id.org/routine-explorer/team#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
#: Triples in one operation of a request (Virtuoso refuses one INSERT DATA of more than ~4,990 triples;
#: several operations in one request are fine, and the request is still all or nothing).
CHUNK = 2000
#: Triples written in one request (in operations of CHUNK).
REQUEST = 5 * CHUNK
#: Seconds a write lease lasts (plus one per thousand statements changed) when the copy holding it dies
#: before releasing it.
LEASE_SECONDS = 30
#: Seconds the first of several writers that met waits for the others to finish or withdraw.
LEASE_WAIT = 10.0
#: Changes read in one answer (each is a row; servers cap rows).
BATCH = 1000
#: Subjects read in one answer when a whole graph is read (their triples stay below answer caps).
SUBJECTS = 500
#: Rows read in one answer (below the caps servers put on an answer: Virtuoso's default is 10,000).
PAGE = 5000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Graphs:
    """The graphs of one shared map."""

    map: URIRef
    initial: URIRef
    meta: URIRef
    log: URIRef


def graphs(map_iri) -> Graphs:
    """The graphs of the shared map ``map_iri``."""
    base = str(map_iri)
    return Graphs(URIRef(base), URIRef(base + "/initial"), URIRef(base + "/meta"), URIRef(base + "/log"))


@dataclass(frozen=True)
class Author:
    """Who makes a change: an IRI for the log and a name for people.

    Examples
    --------
    >>> Author.named("Ann Lee").iri
    rdflib.term.URIRef('urn:routine-explorer:author:Ann%20Lee')
    """

    iri: URIRef
    name: str

    @classmethod
    def named(cls, name: str) -> Author:
        name = " ".join(name.split())[:200] or "someone"
        return cls(URIRef("urn:routine-explorer:author:" + quote(name, safe="")), name)


@dataclass(frozen=True)
class MapEntry:
    """A map listed in a server's catalogue."""

    iri: URIRef
    title: str
    version: int
    created: str


@dataclass(frozen=True)
class Record:
    """One change in a map's log."""

    iri: URIRef
    author: URIRef | None
    author_name: str
    time: str
    message: str
    base_version: int
    version: int
    patch: Patch
    reverts: URIRef | None = None

    @property
    def adds(self) -> frozenset:
        return self.patch.adds

    @property
    def deletes(self) -> frozenset:
        return self.patch.deletes

    @property
    def order(self) -> tuple[int, str]:
        """Where it stands in the replay: by version, then IRI (two changes made on one version commute)."""
        return self.version, str(self.iri)


def _record(change, author: Author, now, message: str, base: int, *, added=None, deleted=None, reverts=None):
    """The triples of a change record in the log (see the module's description)."""
    record = [
        (change, RDF.type, TEAM.Change),
        (change, RDF.type, PROV.Activity),
        (change, PROV.wasAssociatedWith, author.iri),
        (author.iri, RDFS.label, Literal(author.name)),
        (change, PROV.endedAtTime, now),
        (change, TEAM.message, Literal(message)),
        (change, TEAM.baseVersion, Literal(base)),
        (change, TEAM.version, Literal(base + 1)),
    ]
    for predicate, value in ((TEAM.added, added), (TEAM.deleted, deleted), (TEAM.reverts, reverts)):
        if value is not None:
            record.append((change, predicate, URIRef(value)))
    return record


def new_change_iri() -> URIRef:
    """A fresh name for a change record."""
    return URIRef("urn:uuid:" + str(uuid.uuid4()))


def new_map_iri() -> URIRef:
    return URIRef(SHARED_BASE + str(uuid.uuid4()))


def _now() -> Literal:
    return Literal(dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _data(triples: Iterable[tuple]) -> str:
    return " ".join(" ".join(term_text(t) for t in triple) + " ." for triple in triples)


def share(
    client: SparqlClient, triples: Iterable[tuple], title: str, author: Author, *, progress: Progress | None = None
) -> URIRef:
    """Put ``triples`` on the server as a new shared map; its IRI.

    The map is written in chunks, then listed (catalogue, version 0, first log record) in one
    last request, so a share that stops half-way leaves nothing anyone can open.
    """
    rows = sorted({canonical_triple(t) for t in triples})
    m = new_map_iri()
    g = graphs(m)
    for start in range(0, len(rows), CHUNK // 2):
        data = _data(rows[start : start + CHUNK // 2])  # written twice: the map and its first state
        client.update(
            f"INSERT DATA {{ GRAPH {term_text(g.map)} {{ {data} }} GRAPH {term_text(g.initial)} {{ {data} }} }}"
        )
        if progress is not None:
            progress(min(start + CHUNK // 2, len(rows)), len(rows))
    now = _now()
    record = _record(new_change_iri(), author, now, "Shared " + title, -1, added=g.initial)
    listing = [
        (m, RDF.type, TEAM.SharedMap),
        (m, RDFS.label, Literal(title)),
        (m, DCTERMS.created, now),
        (m, DCTERMS.creator, author.iri),
    ]
    client.update(
        f"INSERT DATA {{ GRAPH {term_text(g.log)} {{ {_data(record)} }} "
        f"GRAPH {term_text(g.meta)} {{ {term_text(m)} {term_text(TEAM.version)} 0 . }} "
        f"GRAPH {term_text(CATALOGUE)} {{ {_data(listing)} }} }}"
    )
    return m


def catalogue(client: SparqlClient) -> list[MapEntry]:
    """The maps shared on the server, newest first."""
    rows = client.select(
        f"""SELECT ?m ?title ?created ?version WHERE {{
          GRAPH {term_text(CATALOGUE)} {{ ?m a {term_text(TEAM.SharedMap)} .
            OPTIONAL {{ ?m {term_text(RDFS.label)} ?title }} OPTIONAL {{ ?m {term_text(DCTERMS.created)} ?created }} }}
          OPTIONAL {{ GRAPH ?meta {{ ?m {term_text(TEAM.version)} ?version }} }}
        }} LIMIT 10000"""
    )
    found: dict = {}
    for row in rows:
        m = row["m"]
        if not isinstance(m, URIRef) or not str(m).startswith(SHARED_BASE):
            continue
        version = _int(row.get("version"), -1)
        previous = found.get(m)
        if previous is None or version > previous.version:
            found[m] = MapEntry(m, str(row.get("title", "")) or str(m), version, str(row.get("created", "")))
    return sorted(found.values(), key=lambda e: e.created, reverse=True)


def version(client: SparqlClient, map_iri) -> int:
    """The map's version on the server (the highest, should two changes have written at once)."""
    g = graphs(map_iri)
    rows = client.select(
        f"SELECT ?v WHERE {{ GRAPH {term_text(g.meta)} {{ {term_text(g.map)} {term_text(TEAM.version)} ?v }} }}"
    )
    if not rows:
        raise EndpointError(f"the server holds no shared map {map_iri}")
    return max(_int(r.get("v"), -1) for r in rows)


def _count(client: SparqlClient, pattern: str) -> int:
    rows = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return _int(rows[0].get("n"), 0) if rows else 0


def content(client: SparqlClient, graph) -> set:
    """Every triple of ``graph``, in canonical form, checked against a count asked first.

    Servers cap the rows of one answer (Virtuoso's default is 10,000) and may say so or not. So
    the graph is read in one answer when the server gives it whole; else in pages of
    :data:`PAGE` rows; else (when pages without an order miss rows) a page of :data:`SUBJECTS`
    subjects at a time, keyed on the last subject read, which is exact but slower.
    """
    g = term_text(graph)
    pattern = f"GRAPH {g} {{ ?s ?p ?o }}"
    expected = _count(client, pattern)

    def read(rows) -> set:
        return {canonical_triple((r["s"], r["p"], r["o"])) for r in rows}

    with contextlib.suppress(EndpointError):  # an answer the server cut, saying so
        whole = read(client.select(f"SELECT ?s ?p ?o WHERE {{ {pattern} }}"))
        if len(whole) >= expected:
            return whole
    paged: set = set()
    for start in range(0, expected + PAGE, PAGE):
        page = client.select(f"SELECT ?s ?p ?o WHERE {{ {pattern} }} LIMIT {PAGE} OFFSET {start}")
        paged |= read(page)
        if len(page) < PAGE:
            break
    if len(paged) >= expected:
        return paged
    triples: set = set()
    last = ""
    while True:
        after = f"FILTER(STR(?s) > {term_text(Literal(last))})" if last else ""
        rows = client.select(
            f"SELECT ?s ?p ?o WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ GRAPH {g} {{ ?s ?p0 ?o0 }} {after} }} "
            f"ORDER BY STR(?s) LIMIT {SUBJECTS} }} GRAPH {g} {{ ?s ?p ?o }} }}"
        )
        if not rows:
            break
        triples |= read(rows)
        subjects = {str(r["s"]) for r in rows}
        last = max(subjects)
        if len(subjects) < SUBJECTS:
            break
    if len(triples) < expected:
        raise EndpointError(
            f"the server at {client.endpoint.query_url} gave {len(triples):,} of the {expected:,} statements of "
            f"{graph}; it may cap the rows of an answer"
        )
    return triples


def count_changes(client: SparqlClient, map_iri) -> int:
    """How many changes the map's log holds."""
    return _count(client, f"GRAPH {term_text(graphs(map_iri).log)} {{ ?c a {term_text(TEAM.Change)} }}")


def change_iris(client: SparqlClient, map_iri) -> dict:
    """Every change in the log: IRI to version (read in pages keyed on the last IRI)."""
    g = graphs(map_iri)
    found: dict = {}
    last = ""
    while True:
        after = f"FILTER(STR(?c) > {term_text(Literal(last))})" if last else ""
        rows = client.select(
            f"SELECT ?c ?v WHERE {{ GRAPH {term_text(g.log)} {{ ?c a {term_text(TEAM.Change)} ; "
            f"{term_text(TEAM.version)} ?v }} {after} }} ORDER BY STR(?c) LIMIT {PAGE}"
        )
        found.update({r["c"]: _int(r.get("v"), -1) for r in rows if "c" in r})
        if len(rows) < PAGE:
            return found
        last = max(str(r["c"]) for r in rows)


_RECORD = """SELECT ?c ?v ?base ?who ?name ?time ?msg ?reverts ?added ?deleted WHERE {{
  GRAPH {log} {{
    ?c a {change} ; {version} ?v .
    OPTIONAL {{ ?c {base} ?base }} OPTIONAL {{ ?c {who} ?who . OPTIONAL {{ ?who {label} ?name }} }}
    OPTIONAL {{ ?c {time} ?time }} OPTIONAL {{ ?c {message} ?msg }} OPTIONAL {{ ?c {reverts} ?reverts }}
    OPTIONAL {{ ?c {added} ?added }} OPTIONAL {{ ?c {deleted} ?deleted }}
    {filter}
  }}
}}"""


def records(
    client: SparqlClient, map_iri, *, since: int | None = None, only: Iterable | None = None, skip=frozenset()
) -> list[Record]:
    """The log's records (all, those of version ``since`` or later, or those named in ``only``; none named in
    ``skip``, whose patches are not read), in replay order."""
    g = graphs(map_iri)
    if only is None:
        pattern = f"GRAPH {term_text(g.log)} {{ ?c a {term_text(TEAM.Change)} ; {term_text(TEAM.version)} ?v }}"
        if since is not None:
            pattern += f" FILTER(?v >= {int(since)})"
        if _count(client, pattern) > BATCH:  # a long log: named a batch at a time, below any answer cap
            only = [c for c, v in change_iris(client, map_iri).items() if since is None or v >= since]
    if only is not None:
        names = sorted(str(c) for c in only if c not in skip)
        if len(names) > BATCH:
            found: list[Record] = []
            for start in range(0, len(names), BATCH):
                found += records(client, map_iri, only=names[start : start + BATCH])
            return sorted(found, key=lambda r: r.order)
        if not names:
            return []
        filter_ = "VALUES ?c { " + " ".join(term_text(URIRef(c)) for c in names) + " }"
    elif since is not None:
        filter_ = f"FILTER(?v >= {int(since)})"
    else:
        filter_ = ""
    rows = client.select(
        _RECORD.format(
            log=term_text(g.log),
            change=term_text(TEAM.Change),
            version=term_text(TEAM.version),
            base=term_text(TEAM.baseVersion),
            who=term_text(PROV.wasAssociatedWith),
            label=term_text(RDFS.label),
            time=term_text(PROV.endedAtTime),
            message=term_text(TEAM.message),
            reverts=term_text(TEAM.reverts),
            added=term_text(TEAM.added),
            deleted=term_text(TEAM.deleted),
            filter=filter_,
        )
    )
    first: dict = {}
    for row in rows:
        if isinstance(row.get("c"), URIRef) and row["c"] not in skip:
            first.setdefault(row["c"], row)
    patch_graphs = {row[k] for row in first.values() for k in ("added", "deleted") if isinstance(row.get(k), URIRef)}
    triples = _graph_triples(client, patch_graphs)
    found = [
        Record(
            iri=c,
            author=row.get("who"),
            author_name=str(row.get("name", "")) or "someone",
            time=str(row.get("time", "")),
            message=str(row.get("msg", "")),
            base_version=_int(row.get("base"), -1),
            version=_int(row.get("v"), -1),
            patch=Patch(frozenset(triples.get(row.get("added"), ())), frozenset(triples.get(row.get("deleted"), ()))),
            reverts=row.get("reverts") if isinstance(row.get("reverts"), URIRef) else None,
        )
        for c, row in first.items()
    ]
    return sorted(found, key=lambda r: r.order)


def _graph_triples(client: SparqlClient, names: set) -> dict:
    """The triples of each graph in ``names`` (canonical): in one answer when they fit in one, else graph by graph."""
    if not names:
        return {}
    values = "VALUES ?g { " + " ".join(term_text(n) for n in sorted(names)) + " }"
    out: dict = defaultdict(set)
    if _count(client, f"{values} GRAPH ?g {{ ?s ?p ?o }}") <= PAGE:
        for r in client.select(f"SELECT ?g ?s ?p ?o WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}"):
            out[r["g"]].add(canonical_triple((r["s"], r["p"], r["o"])))
        return out
    return {name: content(client, name) for name in names}


def history(client: SparqlClient, map_iri) -> list[Record]:
    """Every change of the map, newest first."""
    return list(reversed(records(client, map_iri)))


def publish(
    client: SparqlClient,
    map_iri,
    base: int,
    patch: Patch,
    author: Author,
    message: str = "",
    *,
    reverts=None,
    change: URIRef | None = None,
    lease: URIRef | None = None,
) -> Record | None:
    """Publish ``patch``, made on version ``base``; the record, or None when the server's version had moved
    on (nothing changed in the map or the log: pull, merge and try again). See the module's description.

    ``change`` names the record (a fresh ``urn:uuid:`` by default): a caller that names it first can
    recognise it in the log should the answer to this request be lost. ``lease`` is the map's write lease
    when the caller holds it already (:func:`write_lease`, taken before it read the version ``base``, so
    nobody published in between); otherwise it is taken here and given back when the request is answered.
    """
    g = graphs(map_iri)
    change = change or new_change_iri()
    token = str(change).rsplit(":", 1)[-1]
    added, deleted = URIRef(f"{g.map}/changes/{token}/added"), URIRef(f"{g.map}/changes/{token}/deleted")
    try:
        _write(client, added, patch.adds)
        _write(client, deleted, patch.deletes)
    except EndpointError as err:
        if not _gave_way(err):
            raise
        _drop(client, added, deleted)  # nothing reached the map or the log: the caller tries again
        return None
    now = _now()
    guard = f"GRAPH {term_text(g.meta)} {{ {term_text(g.map)} {term_text(TEAM.version)} {int(base)} }}"
    record = _record(
        change,
        author,
        now,
        message,
        int(base),
        added=added if patch.adds else None,
        deleted=deleted if patch.deletes else None,
        reverts=reverts,
    )
    m, version_term = term_text(g.map), term_text(TEAM.version)
    # Every operation carries the guard (each runs on its own); deletes before adds, as a patch says.
    operations = []
    if patch.deletes:
        operations.append(
            f"DELETE {{ GRAPH {m} {{ ?s ?p ?o }} }} WHERE {{ {guard} GRAPH {term_text(deleted)} {{ ?s ?p ?o }} }}"
        )
    if patch.adds:
        operations.append(
            f"INSERT {{ GRAPH {m} {{ ?s ?p ?o }} }} WHERE {{ {guard} GRAPH {term_text(added)} {{ ?s ?p ?o }} }}"
        )
    operations.append(f"INSERT {{ GRAPH {term_text(g.log)} {{ {_data(record)} }} }} WHERE {{ {guard} }}")
    operations.append(
        f"DELETE {{ GRAPH {term_text(g.meta)} {{ {m} {version_term} {int(base)} }} }} "
        f"INSERT {{ GRAPH {term_text(g.meta)} {{ {m} {version_term} {int(base) + 1} }} }} WHERE {{ {guard} }}"
    )
    held = lease is not None
    if lease is None:
        lease = _lease_or_none(client, g, lease_seconds(len(patch.adds) + len(patch.deletes)))
    if lease is None:  # another copy is publishing now: nothing written to the map or the log; try again
        _drop(client, added, deleted)
        return None
    try:
        client.update(" ;\n".join(operations))
    except AuthenticationError:
        raise
    except EndpointError as err:
        # The request failed as a whole or landed with its answer lost: the log says which. A server that
        # gave up on it because of another writer (Virtuoso: "40001", a deadlock) is tried again by the caller.
        if received(client, map_iri, change):
            return Record(change, author.iri, author.name, str(now), message, int(base), int(base) + 1, patch, reverts)
        if not _gave_way(err):
            raise
    finally:
        if not held:
            with contextlib.suppress(EndpointError):
                _release(client, g, lease)
    if not received(client, map_iri, change):
        _drop(client, added, deleted)
        return None
    return Record(change, author.iri, author.name, str(now), message, int(base), int(base) + 1, patch, reverts)


def _gave_way(error: EndpointError) -> bool:
    """Whether the server gave up on a request because of another writer (Virtuoso: "40001", a deadlock).

    Examples
    --------
    >>> _gave_way(EndpointError("HTTP 500: Virtuoso 40001 Error SR172: Transaction deadlocked"))
    True
    >>> _gave_way(EndpointError("HTTP 400: syntax error"))
    False
    """
    return "40001" in str(error) or "deadlock" in str(error).lower()


def _drop(client: SparqlClient, *names) -> None:
    """Drop graphs nothing refers to (a change not published); tidy, so a failure here is no matter."""
    with contextlib.suppress(EndpointError):
        client.update(" ; ".join(f"DROP SILENT GRAPH {term_text(n)}" for n in names))


def lease_seconds(statements: int) -> float:
    """How long a write lease lasts: long enough for a request of ``statements`` changed statements to
    finish, short enough that a copy that died holding it keeps others waiting only a little.

    >>> lease_seconds(2000) == LEASE_SECONDS + 2
    True
    """
    return LEASE_SECONDS + statements / 1000


@contextlib.contextmanager
def write_lease(client: SparqlClient, map_iri, seconds: float, copy: str = "") -> Iterator[URIRef | None]:
    """Hold the map's write lease for the block: its name, or None when others kept it (see :func:`_take_lease`).

    A copy that takes it before it reads the version it will publish on cannot be overtaken between that
    read and its publish (``publish(..., lease=...)``), however many copies publish at once. ``copy`` names
    the working copy (:func:`copy_tag`): a lease this copy left when it stopped mid-sync is cleared at once,
    instead of keeping the copy itself out until it expires.
    """
    g = graphs(map_iri)
    lease = _lease_or_none(client, g, seconds, copy)
    try:
        yield lease
    finally:
        with contextlib.suppress(EndpointError):
            _release(client, g, lease)


def copy_tag(path, host: str | None = None) -> str:
    """A short name for the working copy at ``path`` on this machine, which one process edits at a time.

    >>> copy_tag("/maps/ward.trig", "laptop") == copy_tag("/maps/ward.trig", "laptop") != copy_tag("/x.trig", "laptop")
    True
    """
    host = socket.gethostname() if host is None else host
    return hashlib.sha256(f"{host}\n{path}".encode()).hexdigest()[:16]


def _lease_or_none(client: SparqlClient, g: Graphs, seconds: float, copy: str = "") -> URIRef | None:
    """:func:`_take_lease`, or None when the server gave way to another writer while it was taken."""
    # Named by the time it was asked for: of copies that meet, the first to ask waits while the others step
    # aside, and a copy that came later never takes its place. Then by the copy asking, then at random.
    token = f"{time.time_ns():020d}-{copy or 'x'}-{uuid.uuid4().hex}"
    try:
        return _take_lease(client, g, token, seconds, copy)
    except EndpointError as err:
        if not _gave_way(err):
            raise
        # Its lease may have landed before the server gave way: withdrawn, else every copy waits for it to expire.
        with contextlib.suppress(EndpointError):
            _release(client, g, _lease_iri(g, token))
        return None


def _take_lease(client: SparqlClient, g: Graphs, token: str, seconds: float, copy: str = "") -> URIRef | None:
    """The map's write lease for the guarded request, or None when another copy holds one.

    A guard alone cannot stop two writers on an engine that evaluates it on a snapshot taken when a
    request starts (Oxigraph, Virtuoso): a slow change could land after a later one and the map would
    no longer equal its log. So a writer first adds its lease, then reads the leases: it goes on only
    if its own is the only live one. Each request is atomic and later requests see it, so of two
    writers the later reader always sees the other's lease, and at most one goes on. A lease left by
    a copy that died expires after ``seconds``.

    Writers that meet do not all withdraw (several copies publishing at once could then withdraw
    together time after time): the one whose lease sorts first (the first to ask, see
    :func:`_lease_or_none`) keeps it and reads again, for up to :data:`LEASE_WAIT` seconds, until it
    is alone; the others withdraw and try later.
    """
    lease = _lease_iri(g, token)
    meta, m = term_text(g.meta), term_text(g.map)
    until = Literal(f"{time.time() + seconds:.3f}", datatype=XSD.decimal)
    client.update(
        f"INSERT DATA {{ GRAPH {meta} {{ {m} {term_text(TEAM.lease)} {term_text(lease)} . "
        f"{term_text(lease)} {term_text(TEAM.until)} {term_text(until)} }} }}"
    )
    give_up, pause = time.monotonic() + LEASE_WAIT, 0.02
    while True:
        live = _other_leases(client, g, lease, copy)
        if live is None:  # ours was cleared as expired while it waited: start again later
            return None
        if not live:
            return lease
        if min(live) < str(lease) or time.monotonic() + pause > give_up:
            _release(client, g, lease)
            return None
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def _other_leases(client: SparqlClient, g: Graphs, lease: URIRef, copy: str = "") -> list[str] | None:
    """The names of the live leases other than ``lease``, or None when ``lease`` itself is no longer there.

    Expired ones are cleared, and so are those of the same ``copy``: one process edits a copy at a time, so
    such a lease was left by a run of this copy that stopped mid-sync.
    """
    mine = f"-{copy}-" if copy else None
    meta, m = term_text(g.meta), term_text(g.map)
    rows = client.select(
        f"SELECT ?l ?u WHERE {{ GRAPH {meta} {{ {m} {term_text(TEAM.lease)} ?l . "
        f"OPTIONAL {{ ?l {term_text(TEAM.until)} ?u }} }} }}"
    )
    now = time.time()
    live, stale, ours = [], [], False
    for row in rows:
        other = row.get("l")
        if other is None:
            continue
        if other == lease:
            ours = True
            continue
        try:
            expired = float(str(row.get("u"))) < now
        except ValueError:
            expired = True
        (stale if expired or (mine is not None and mine in str(other)) else live).append(other)
    for other in stale:
        with contextlib.suppress(EndpointError):
            _release(client, g, other)
    return [str(other) for other in live] if ours else None


def _lease_iri(g: Graphs, token: str) -> URIRef:
    """The name of a writer's lease on the map."""
    return URIRef(f"{g.map}/lease/{token}")


def _release(client: SparqlClient, g: Graphs, lease) -> None:
    if lease is None:
        return
    meta = term_text(g.meta)
    client.update(
        f"DELETE WHERE {{ GRAPH {meta} {{ {term_text(g.map)} {term_text(TEAM.lease)} {term_text(lease)} . "
        f"{term_text(lease)} {term_text(TEAM.until)} ?u }} }}"
    )


def _write(client: SparqlClient, graph, triples) -> None:
    """Add ``triples`` to ``graph`` with plain INSERT DATA, a request of :data:`REQUEST` triples at a time."""
    rows = sorted(triples)
    for start in range(0, len(rows), REQUEST):
        part = rows[start : start + REQUEST]
        client.update(
            " ;\n".join(
                f"INSERT DATA {{ GRAPH {term_text(graph)} {{ {_data(part[i : i + CHUNK])} }} }}"
                for i in range(0, len(part), CHUNK)
            )
        )


def received(client: SparqlClient, map_iri, change) -> bool:
    """Whether the log holds ``change`` (the only way to know a guarded update took effect)."""
    g = graphs(map_iri)
    return client.ask(f"ASK {{ GRAPH {term_text(g.log)} {{ {term_text(change)} a {term_text(TEAM.Change)} }} }}")


def replayed(client: SparqlClient, map_iri) -> set:
    """The map as its log rebuilds it: every record's patch, in replay order, from nothing."""
    state: set = set()
    for record in records(client, map_iri):
        state = record.patch.applied_to(state)
    return state


def _int(term, default: int) -> int:
    try:
        return int(str(term)) if term is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class EngineCheck:
    """What a server did with simultaneous guarded changes (:func:`check_engine`)."""

    writers: int
    winners: int

    @property
    def isolated(self) -> bool:
        """Whether exactly one of the simultaneous changes went through (as a serialising engine does)."""
        return self.winners == 1

    def text(self) -> str:
        """What the check found and what the app guarantees either way.

        Examples
        --------
        >>> print(EngineCheck(8, 3).text())  # doctest: +ELLIPSIS
        This server let 3 of 8 simultaneous guarded changes through: it does not isolate writes. ...
        """
        if self.isolated:
            return (
                f"This server let 1 of {self.writers} simultaneous guarded changes through, as a server that "
                "isolates writes does (one check cannot prove it always will). Every sync still reads the "
                "change log, so a change that landed beside another would be found and merged."
            )
        return (
            f"This server let {self.winners} of {self.writers} simultaneous guarded changes through: it does "
            "not isolate writes. The app makes up for it: a change is published under a write lease that one "
            "copy holds at a time, and every sync reads the change log, so changes that still land at once are "
            "merged and a value both changed comes to its authors as a conflict."
        )


def check_engine(endpoint, writers: int = 8) -> EngineCheck:
    """Send ``writers`` guarded compare-and-set changes at once to a scratch graph and count how many went
    through (one on an engine that serialises writes). The scratch graph is dropped afterwards.

    ``endpoint`` is an :class:`~explorer.team.endpoint.Endpoint` that may update; each writer
    uses a connection of its own.
    """
    import threading

    scratch = URIRef(SHARED_BASE + "engine-check/" + str(uuid.uuid4()))
    s, v, won = term_text(scratch), term_text(TEAM.version), term_text(TEAM.winner)
    with SparqlClient(endpoint) as client:
        client.update(f"INSERT DATA {{ GRAPH {s} {{ {s} {v} 0 }} }}")
        start = threading.Barrier(writers)
        errors: list[Exception] = []

        def write(i: int) -> None:
            try:
                with SparqlClient(endpoint) as mine:
                    start.wait(timeout=endpoint.timeout)
                    mine.update(
                        f"DELETE {{ GRAPH {s} {{ {s} {v} 0 }} }} "
                        f"INSERT {{ GRAPH {s} {{ {s} {v} 1 . {s} {won} {i} }} }} "
                        f"WHERE {{ GRAPH {s} {{ {s} {v} 0 }} }}"
                    )
            except (EndpointError, threading.BrokenBarrierError) as err:
                errors.append(err)

        threads = [threading.Thread(target=write, args=(i,), daemon=True) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=2 * endpoint.timeout)
        try:
            if errors and not isinstance(errors[0], threading.BrokenBarrierError):
                raise errors[0]
            rows = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {s} {{ {s} {won} ?i }} }}")
            winners = _int(rows[0].get("n"), 0) if rows else 0
        finally:
            client.update(f"DROP SILENT GRAPH {s}")
    return EngineCheck(writers, winners)
