"""A local working copy of a shared map: clone, sync (pull, merge, publish), conflicts, revert, status.

The working copy is a TriG file holding, besides the map (the default graph):

- :data:`BASE_GRAPH`: the map as it was at the last sync, so *your changes* are exactly
  the difference between the map and it, whatever happened since (undo, a crash and
  recovery, days offline);
- :data:`SYNC_GRAPH`: the server's address (never a secret), the shared map's IRI, the
  version synced and the changes already applied, and the conflicts waiting for a choice.

:func:`sync` pulls the log records not applied yet and replays them on the base, works out
your changes, merges, publishes what does not clash as one change, and records conflicts.
Two changes *clash* on a (thing, property) when both changed it to different values: both
removed the same old value, or both set values of a property that had none. Anything else
merges by itself (adding a tie here and a role there). A clash never overwrites either
side: the map keeps your value, the base keeps theirs, and nothing of that property is
published until :func:`resolve` records the choice, which the next sync publishes as a new
change. The whole sync is one command on the document, so it can be undone like an edit.

Examples
--------
>>> from explorer.core.document import MapDocument
>>> import os, tempfile
>>> os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp())  # doctest: +ELLIPSIS
'...'
>>> sharing(MapDocument.new(with_ontology=False)) is None
True
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDFS, BNode, Literal, URIRef

from ..core.commands import Command
from ..core.document import MapDocument
from ..core.errors import ExplorerError
from ..core.scenario_graphs import shown
from ..core.terms import DEFAULT_GRAPH
from . import changelog
from .canonical import canonical, skolem_iri
from .changelog import TEAM, Author, Record
from .endpoint import Endpoint, EndpointError, SparqlClient
from .patch import Patch

#: The map as it was at the last sync.
BASE_GRAPH = URIRef("https://w3id.org/routine-explorer/graph/sync/base")
#: How the working copy is shared: server, map, version, applied changes, conflicts.
SYNC_GRAPH = URIRef("https://w3id.org/routine-explorer/graph/sync")
_HERE = SYNC_GRAPH  # the subject of the sync graph's statements
#: Tries at publishing before giving up when others keep publishing first.
ATTEMPTS = 10
Progress = Callable[[str], None]


class SyncError(ExplorerError):
    """A working copy that cannot be synced as it is."""


@dataclass(frozen=True)
class Sharing:
    """Where a working copy's map is shared."""

    query_url: str
    update_url: str | None
    map_iri: URIRef
    version: int
    applied: frozenset


@dataclass(frozen=True)
class Conflict:
    """A (thing, property) both you and someone else changed, to different values."""

    subject: URIRef
    predicate: URIRef
    label: str
    what: str
    base: tuple
    mine: tuple
    theirs: tuple


@dataclass(frozen=True)
class SyncResult:
    """What a sync did."""

    pulled: list[Record] = field(default_factory=list)
    published: Record | None = None
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(frozen=True)
class Status:
    """How far a working copy is from the server."""

    local_changes: int
    remote_changes: int
    conflicts: int

    def text(self) -> str:
        """The status in a few words, for a status bar.

        Examples
        --------
        >>> Status(3, 0, 1).text()
        '3 changes to share · 1 conflict'
        >>> Status(0, 0, 0).text()
        'Up to date'
        """
        parts = []
        if self.local_changes:
            parts.append(f"{self.local_changes} change{'s' if self.local_changes != 1 else ''} to share")
        if self.remote_changes:
            parts.append(f"{self.remote_changes} to pull")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        return " · ".join(parts) or "Up to date"


# --------------------------------------------------------------------- reading the copy
def _triples(document: MapDocument, graph) -> set:
    return {(s, p, o) for s, p, o, _ in document.store.quads(graph=graph)}


def sharing(document: MapDocument) -> Sharing | None:
    """How ``document`` is shared, or None for a map that is not a working copy."""
    values: dict = defaultdict(list)
    for _, p, o, _ in document.store.quads(_HERE, None, None, SYNC_GRAPH):
        values[p].append(o)
    if not values.get(TEAM.sharedMap):
        return None
    update = values.get(TEAM.updateService)
    return Sharing(
        query_url=str(values[TEAM.queryService][0]) if values.get(TEAM.queryService) else "",
        update_url=str(update[0]) if update else None,
        map_iri=URIRef(values[TEAM.sharedMap][0]),
        version=max((int(str(v)) for v in values.get(TEAM.syncedVersion, [])), default=-1),
        applied=frozenset(values.get(TEAM.appliedChange, [])),
    )


def _conflict_keys(document: MapDocument) -> dict:
    """The (subject, predicate) pairs waiting for a choice: key to the marker node."""
    keys = {}
    for _, _, marker, _ in document.store.quads(_HERE, TEAM.conflict, None, SYNC_GRAPH):
        s = next((o for _, _, o, _ in document.store.quads(marker, TEAM.subject, None, SYNC_GRAPH)), None)
        p = next((o for _, _, o, _ in document.store.quads(marker, TEAM.predicate, None, SYNC_GRAPH)), None)
        if s is not None and p is not None:
            keys[(s, p)] = marker
    return keys


def endpoint_of(document: MapDocument, **options) -> Endpoint:
    """The endpoint a working copy syncs with (sign-in options as given: the file holds no secret)."""
    found = sharing(document)
    if found is None:
        raise SyncError("This map is not a working copy of a shared map (File > Share to Server… shares it).")
    return Endpoint(found.query_url, found.update_url, **options)


# --------------------------------------------------------------------- making a copy
def _sharing_quads(endpoint: Endpoint, map_iri, version: int, applied) -> set:
    quads = {
        (_HERE, TEAM.sharedMap, URIRef(map_iri), SYNC_GRAPH),
        (_HERE, TEAM.queryService, Literal(endpoint.query_url), SYNC_GRAPH),
        (_HERE, TEAM.syncedVersion, Literal(int(version)), SYNC_GRAPH),
    }
    if endpoint.update_url:
        quads.add((_HERE, TEAM.updateService, Literal(endpoint.update_url), SYNC_GRAPH))
    quads |= {(_HERE, TEAM.appliedChange, c, SYNC_GRAPH) for c in applied}
    return quads


def normalised(triples) -> tuple[set, dict]:
    """``triples`` with blank nodes named and values canonical; and the blank nodes' new names."""
    names: dict = {}

    def term(t):
        if isinstance(t, BNode):
            if t not in names:
                names[t] = skolem_iri()
            return names[t]
        return canonical(t)

    return {(term(s), p, term(o)) for s, p, o in triples}, names


def share(
    client: SparqlClient,
    document: MapDocument,
    title: str,
    author: Author,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> URIRef:
    """Share ``document``'s map on the server as a new map and make the document its working copy.

    The map's blank nodes are named and its values made canonical first (one undoable step
    with the sharing record), so the copy and the server hold the same triples.
    """
    _check_shareable(document)
    if sharing(document) is not None:
        raise SyncError("This map is already shared; sync it, or save a copy to share it as a new map.")
    current = _triples(document, DEFAULT_GRAPH)
    shared, _ = normalised(current)
    map_iri = changelog.share(client, shared, title, author, progress=progress)
    applied = changelog.change_iris(client, map_iri)
    added = {(*t, DEFAULT_GRAPH) for t in shared - current} | {(*t, BASE_GRAPH) for t in shared}
    added |= _sharing_quads(client.endpoint, map_iri, 0, applied)
    removed = {(*t, DEFAULT_GRAPH) for t in current - shared}
    document.execute(Command("Share to server", added=frozenset(added), removed=frozenset(removed)))
    return map_iri


def clone(client: SparqlClient, map_iri, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a working copy of the shared map ``map_iri`` to ``path`` (TriG) and return the path.

    The map, its version and its log are read until two readings of the version agree, so the
    copy is the map at one version even while others publish.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise SyncError(f"{path} exists already; choose another name (nothing was written)")
    g = changelog.graphs(map_iri)
    for _ in range(ATTEMPTS):
        before = changelog.version(client, map_iri)
        triples = changelog.content(client, g.map)
        applied = changelog.change_iris(client, map_iri)
        if changelog.version(client, map_iri) == before:
            break
    else:
        raise SyncError(f"the map {map_iri} kept changing while it was read; try again")
    document = MapDocument.new(with_ontology=False, editing=False)
    document.store.clear(DEFAULT_GRAPH)  # a new map describes itself; a copy holds exactly the shared map
    quads = {(*t, DEFAULT_GRAPH) for t in triples} | {(*t, BASE_GRAPH) for t in triples}
    quads |= _sharing_quads(client.endpoint, map_iri, before, applied)
    document.store.apply(added=quads)
    document.save_as(path, "trig", overwrite=overwrite)
    document.close()
    return path


# --------------------------------------------------------------------- sync
def _check_shareable(document: MapDocument) -> None:
    if shown(document.store) is not None:
        raise SyncError("A scenario is shown: show the map as it is (Scenario > Base) before sharing or syncing.")


def _pull(client: SparqlClient, found: Sharing) -> list[Record]:
    """The log records not applied to the copy yet, in replay order."""
    fresh = [r for r in changelog.records(client, found.map_iri, since=found.version) if r.iri not in found.applied]
    if changelog.count_changes(client, found.map_iri) > len(found.applied) + len(fresh):
        # A change landed late on an older version (an engine without write isolation): find it.
        missing = set(changelog.change_iris(client, found.map_iri)) - set(found.applied) - {r.iri for r in fresh}
        fresh += changelog.records(client, found.map_iri, only=missing)
    return sorted(fresh, key=lambda r: r.order)


def _values(triples, key) -> tuple:
    return tuple(sorted((o for s, p, o in triples if (s, p) == key), key=str))


def _by_key(triples) -> dict:
    out: dict = defaultdict(set)
    for s, p, o in triples:
        out[(s, p)].add(o)
    return out


def _clashes(base: set, mine: Patch, theirs: Patch) -> set:
    """The (subject, predicate) pairs where ``mine`` and ``theirs`` changed the same value differently."""
    my_adds, my_dels = _by_key(mine.adds), _by_key(mine.deletes)
    their_adds, their_dels = _by_key(theirs.adds), _by_key(theirs.deletes)
    clashes = set()
    for key in (set(my_adds) | set(my_dels)) & (set(their_adds) | set(their_dels)):
        if my_adds.get(key, set()) == their_adds.get(key, set()) and my_dels.get(key, set()) == their_dels.get(
            key, set()
        ):
            continue  # both made the same change
        both_removed = my_dels.get(key, set()) & their_dels.get(key, set())
        both_set_values = any(isinstance(o, Literal) for o in my_adds.get(key, ())) and any(
            isinstance(o, Literal) for o in their_adds.get(key, ())
        )
        if both_removed or both_set_values:
            clashes.add(key)
    return clashes


def _label(triples: set, node) -> str:
    for s, p, o in triples:
        if s == node and p == RDFS.label:
            return str(o)
    return str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _words(predicate) -> str:
    name = str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "name" if predicate == RDFS.label else "".join(" " + c.lower() if c.isupper() else c for c in name).strip()


def sync(
    document: MapDocument,
    client: SparqlClient,
    author: Author,
    message: str = "",
    *,
    reverts=None,
    progress: Progress | None = None,
) -> SyncResult:
    """Pull others' changes, merge, and publish yours as one change (see the module's description).

    Returns what was pulled, the change published (None when there was nothing to publish or the
    connection is read-only) and the conflicts waiting for a choice (:func:`resolve`).
    """
    _check_shareable(document)
    found = sharing(document)
    if found is None:
        raise SyncError("This map is not a working copy of a shared map (File > Share to Server… shares it).")
    say = progress or (lambda _text: None)
    current = _triples(document, DEFAULT_GRAPH)
    mine_now, _ = normalised(current)  # new blank nodes named, values canonical
    base = _triples(document, BASE_GRAPH)
    waiting = _conflict_keys(document)
    pulled: list[Record] = []
    published: Record | None = None
    version, applied = found.version, set(found.applied)
    for _attempt in range(ATTEMPTS):
        say("Reading the server's changes…")
        fresh = [r for r in _pull(client, found) if r.iri not in applied]
        pulled += fresh
        theirs_base = base
        for record in fresh:
            theirs_base = record.patch.applied_to(theirs_base)
            applied.add(record.iri)
            version = max(version, record.version)
        mine = Patch.between(base, mine_now)
        theirs = Patch.between(base, theirs_base)
        clashes = _clashes(base, mine, theirs) | set(waiting)
        # Merge: their changes everywhere, yours where they do not clash; a clash keeps your value in the map.
        merged = set(mine_now)
        for t in theirs.deletes:
            if (t[0], t[1]) not in clashes:
                merged.discard(t)
        merged |= {t for t in theirs.adds if (t[0], t[1]) not in clashes}
        outgoing = Patch.between(theirs_base, merged)
        outgoing = Patch(
            frozenset(t for t in outgoing.adds if (t[0], t[1]) not in clashes),
            frozenset(t for t in outgoing.deletes if (t[0], t[1]) not in clashes),
        )
        base, mine_now = theirs_base, merged
        found = Sharing(found.query_url, found.update_url, found.map_iri, version, frozenset(applied))
        if not outgoing or client.endpoint.read_only:
            break
        say(f"Publishing {len(outgoing.adds) + len(outgoing.deletes)} changed statements…")
        published = changelog.publish(client, found.map_iri, version, outgoing, author, message, reverts=reverts)
        if published is not None:
            base = outgoing.applied_to(base)
            version = published.version
            applied.add(published.iri)
            break
        # Someone published first: wait a random while (growing) so that busy copies stop colliding.
        time.sleep(random.uniform(0, min(2.0, 0.05 * 2**_attempt)))
    else:
        raise SyncError(f"others kept publishing first {ATTEMPTS} times; your changes are kept: sync again")
    conflicts = [
        Conflict(
            s,
            p,
            _label(mine_now | base, s),
            _words(p),
            _values(_triples(document, BASE_GRAPH), (s, p)),
            _values(mine_now, (s, p)),
            _values(base, (s, p)),
        )
        for s, p in sorted(clashes, key=str)
        if _values(mine_now, (s, p)) != _values(base, (s, p))
    ]
    _write(document, current, mine_now, base, found, version, applied, conflicts, pulled, published)
    return SyncResult(pulled, published, conflicts)


def _write(document, current, merged, base, found, version, applied, conflicts, pulled, published) -> None:
    """Put the sync's outcome in the document as one undoable step."""
    old_base = _triples(document, BASE_GRAPH)
    old_sync = set(document.store.quads(graph=SYNC_GRAPH))
    endpoint = Endpoint(found.query_url, found.update_url)
    new_sync = _sharing_quads(endpoint, found.map_iri, version, applied)
    keys = _conflict_keys(document)
    for c in conflicts:
        marker = keys.get((c.subject, c.predicate)) or URIRef("urn:uuid:" + str(uuid.uuid4()))
        new_sync |= {
            (_HERE, TEAM.conflict, marker, SYNC_GRAPH),
            (marker, TEAM.subject, c.subject, SYNC_GRAPH),
            (marker, TEAM.predicate, c.predicate, SYNC_GRAPH),
        }
    added = {(*t, DEFAULT_GRAPH) for t in merged - current}
    added |= {(*t, BASE_GRAPH) for t in base - old_base} | (new_sync - old_sync)
    removed = {(*t, DEFAULT_GRAPH) for t in current - merged}
    removed |= {(*t, BASE_GRAPH) for t in old_base - base} | (old_sync - new_sync)
    parts = []
    if pulled:
        parts.append(f"{len(pulled)} pulled")
    if published is not None:
        parts.append("1 published")
    label = "Sync" + (f" ({', '.join(parts)})" if parts else "")
    with document.unlocked():  # a read-only copy still takes what the server sends
        document.execute(Command(label, added=frozenset(added), removed=frozenset(removed)))


def conflicts(document: MapDocument) -> list[Conflict]:
    """The conflicts waiting in a working copy, with both values (base: the value before either change is
    no longer known once synced, so it is left empty)."""
    base = _triples(document, BASE_GRAPH)
    mine = _triples(document, DEFAULT_GRAPH)
    return [
        Conflict(s, p, _label(mine | base, s), _words(p), (), _values(mine, (s, p)), _values(base, (s, p)))
        for s, p in sorted(_conflict_keys(document), key=str)
    ]


def resolve(document: MapDocument, chosen, keep: str) -> None:
    """Record a choice for conflicts: ``keep="mine"`` publishes your value at the next sync, ``"theirs"``
    takes the value on the server. One undoable step."""
    if keep not in ("mine", "theirs"):
        raise ValueError("keep is 'mine' or 'theirs'")
    keys = _conflict_keys(document)
    base = _triples(document, BASE_GRAPH)
    mine = _triples(document, DEFAULT_GRAPH)
    added: set = set()
    removed: set = set()
    for c in chosen:
        key = (c.subject, c.predicate)
        marker = keys.get(key)
        if marker is None:
            continue
        removed |= set(document.store.quads(marker, None, None, SYNC_GRAPH))
        removed.add((_HERE, TEAM.conflict, marker, SYNC_GRAPH))
        if keep == "theirs":
            removed |= {(s, p, o, DEFAULT_GRAPH) for s, p, o in mine if (s, p) == key}
            added |= {(s, p, o, DEFAULT_GRAPH) for s, p, o in base if (s, p) == key}
    label = "Keep my value" if keep == "mine" else "Take the server's value"
    document.execute(Command(label, added=frozenset(added - removed), removed=frozenset(removed - added)))


def revert(document: MapDocument, client: SparqlClient, record: Record, author: Author) -> SyncResult:
    """Undo a published change as a new change: what it added is removed and what it deleted restored,
    where the map still holds its outcome; then sync."""
    current = _triples(document, DEFAULT_GRAPH)
    added = {(*t, DEFAULT_GRAPH) for t in record.deletes if t not in current}
    removed = {(*t, DEFAULT_GRAPH) for t in record.adds if t in current}
    if added or removed:
        document.execute(Command("Revert a shared change", added=frozenset(added), removed=frozenset(removed)))
    what = record.message or f"the change of {record.author_name}"
    return sync(document, client, author, f"Revert: {what}", reverts=record.iri)


def status(document: MapDocument, client: SparqlClient | None = None) -> Status:
    """Your changes not yet shared (statements), others' not yet pulled (changes; 0 without a client),
    and conflicts waiting."""
    found = sharing(document)
    if found is None:
        raise SyncError("This map is not a working copy of a shared map.")
    mine_now, _ = normalised(_triples(document, DEFAULT_GRAPH))
    mine = Patch.between(_triples(document, BASE_GRAPH), mine_now)
    remote = 0
    if client is not None:
        remote = max(0, changelog.count_changes(client, found.map_iri) - len(found.applied))
    return Status(len(mine.adds) + len(mine.deletes), remote, len(_conflict_keys(document)))


__all__ = [
    "BASE_GRAPH",
    "SYNC_GRAPH",
    "Author",
    "Conflict",
    "EndpointError",
    "Sharing",
    "Status",
    "SyncError",
    "SyncResult",
    "clone",
    "conflicts",
    "endpoint_of",
    "resolve",
    "revert",
    "share",
    "sharing",
    "status",
    "sync",
]
