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

import contextlib
import functools
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
    #: The changes this copy published (to compare with others made on the same version).
    published: frozenset = frozenset()


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
# A sync compares whole graphs, so it works on *keys*: a triple as the plain strings the store reads fastest,
# ``(subject, predicate, object, kind, extra)`` (see Store.text_triples), values in canonical form. Only the
# differences, a few hundred triples, become rdflib terms (converting a 10k-node map took seconds).
_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _key_of(s, p, o, kind: int, extra: str) -> tuple:
    if kind == 2 and extra != _STRING:
        if ":" not in extra:  # a language tag
            return s, p, o, 2, extra.lower()
        return (s, p, *_canonical_value(o, extra))
    return s, p, o, kind, extra


@functools.lru_cache(maxsize=1 << 16)
def _canonical_value(lexical: str, datatype: str) -> tuple:
    """(lexical form, 2, datatype) of a typed value in canonical form (maps repeat their numbers: cached)."""
    value = canonical(Literal(lexical, datatype=URIRef(datatype)))
    return str(value), 2, str(value.datatype)


def _triples(document: MapDocument, graph) -> set:
    """The keys of ``graph``'s triples."""
    return {_key_of(*row) for row in document.store.text_triples(graph=graph)}


def _key(triple) -> tuple:
    """The key of an rdflib triple."""
    s, p, o = triple
    subject = f"_:{s}" if isinstance(s, BNode) else str(s)
    if isinstance(o, Literal):
        return _key_of(subject, str(p), str(o), 2, o.language or str(o.datatype or _STRING))
    if isinstance(o, BNode):
        return subject, str(p), f"_:{o}", 1, ""
    return subject, str(p), str(o), 0, ""


def _node(text: str):
    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def _object(key: tuple):
    _, _, o, kind, extra = key
    if kind == 0:
        return URIRef(o)
    if kind == 1:
        return BNode(o[2:])
    if extra == _STRING:
        return Literal(o)
    return Literal(o, datatype=URIRef(extra)) if ":" in extra else Literal(o, lang=extra)


def _triple(key: tuple) -> tuple:
    """The rdflib triple of a key."""
    return _node(key[0]), URIRef(key[1]), _object(key)


def _key_patch(patch: Patch) -> Patch:
    return Patch(frozenset(map(_key, patch.adds)), frozenset(map(_key, patch.deletes)))


def _rdf_patch(patch: Patch) -> Patch:
    return Patch(frozenset(map(_triple, patch.adds)), frozenset(map(_triple, patch.deletes)))


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
        published=frozenset(values.get(TEAM.publishedChange, [])),
    )


@dataclass(frozen=True)
class _Waiting:
    """A conflict kept in the sync graph: its marker node and the two sides' values."""

    marker: URIRef
    mine: tuple
    theirs: tuple


def _waiting(document: MapDocument) -> dict:
    """The conflicts waiting for a choice: (subject, predicate) to :class:`_Waiting`."""
    found = {}
    for _, _, marker, _ in document.store.quads(_HERE, TEAM.conflict, None, SYNC_GRAPH):
        values: dict = defaultdict(list)
        for _, p, o, _ in document.store.quads(marker, None, None, SYNC_GRAPH):
            values[p].append(o)
        if values.get(TEAM.subject) and values.get(TEAM.predicate):
            key = (values[TEAM.subject][0], values[TEAM.predicate][0])
            found[key] = _Waiting(
                marker,
                tuple(sorted(values.get(TEAM.mine, []), key=str)),
                tuple(sorted(values.get(TEAM.theirs, []), key=str)),
            )
    return found


def endpoint_of(document: MapDocument, **options) -> Endpoint:
    """The endpoint a working copy syncs with (sign-in options as given: the file holds no secret)."""
    found = sharing(document)
    if found is None:
        raise SyncError("This map is not a working copy of a shared map (File > Share to Server… shares it).")
    return Endpoint(found.query_url, found.update_url, **options)


# --------------------------------------------------------------------- making a copy
def _sharing_quads(endpoint: Endpoint, map_iri, version: int, applied, published=()) -> set:
    quads = {
        (_HERE, TEAM.sharedMap, URIRef(map_iri), SYNC_GRAPH),
        (_HERE, TEAM.queryService, Literal(endpoint.query_url), SYNC_GRAPH),
        (_HERE, TEAM.syncedVersion, Literal(int(version)), SYNC_GRAPH),
    }
    if endpoint.update_url:
        quads.add((_HERE, TEAM.updateService, Literal(endpoint.update_url), SYNC_GRAPH))
    quads |= {(_HERE, TEAM.appliedChange, c, SYNC_GRAPH) for c in applied}
    quads |= {(_HERE, TEAM.publishedChange, c, SYNC_GRAPH) for c in published}
    return quads


def normalised(keys) -> tuple[set, dict]:
    """``keys`` with blank nodes named (values are canonical already); and the blank nodes' new names."""
    names: dict = {}

    def named(text: str) -> str:
        if text not in names:
            names[text] = str(skolem_iri())
        return names[text]

    out = set()
    for key in keys:
        s_, p_, o_, kind, extra = key
        if s_.startswith("_:") or kind == 1:
            key = (
                named(s_) if s_.startswith("_:") else s_,
                p_,
                named(o_) if kind == 1 else o_,
                0 if kind == 1 else kind,
                extra,
            )
        out.add(key)
    return out, names


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
    map_iri = changelog.share(client, [_triple(k) for k in shared], title, author, progress=progress)
    applied = changelog.change_iris(client, map_iri)
    added = {(*_triple(k), DEFAULT_GRAPH) for k in shared - current} | {(*_triple(k), BASE_GRAPH) for k in shared}
    added |= _sharing_quads(client.endpoint, map_iri, 0, applied)
    removed = {(*_triple(k), DEFAULT_GRAPH) for k in current - shared}
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
        # The version and the number of changes before and after: a change landing beside another on one
        # version moves only the count.
        before = (changelog.version(client, map_iri), changelog.count_changes(client, map_iri))
        applied = changelog.change_iris(client, map_iri)
        triples = changelog.content(client, g.map)
        if (changelog.version(client, map_iri), changelog.count_changes(client, map_iri)) == before:
            break
    else:
        raise SyncError(f"the map {map_iri} kept changing while it was read; try again")
    document = MapDocument.new(with_ontology=False, editing=False)
    document.store.clear(DEFAULT_GRAPH)  # a new map describes itself; a copy holds exactly the shared map
    quads = {(*t, DEFAULT_GRAPH) for t in triples} | {(*t, BASE_GRAPH) for t in triples}
    quads |= _sharing_quads(client.endpoint, map_iri, before[0], applied)
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
    fresh = changelog.records(client, found.map_iri, since=found.version, skip=found.applied)
    if changelog.count_changes(client, found.map_iri) > len(found.applied) + len(fresh):
        # A change landed late on an older version (an engine without write isolation): find it.
        missing = set(changelog.change_iris(client, found.map_iri)) - set(found.applied) - {r.iri for r in fresh}
        fresh += changelog.records(client, found.map_iri, only=missing)
    return sorted(fresh, key=lambda r: r.order)


def _values(keys, key) -> tuple:
    """The values (rdflib terms) of ``key`` = (subject, predicate) among ``keys``."""
    return tuple(sorted((_object(k) for k in keys if k[:2] == key), key=str))


def _by_key(keys) -> dict:
    out: dict = defaultdict(set)
    for k in keys:
        out[k[:2]].add(k[2:])
    return out


def _clashes(mine: Patch, theirs: Patch) -> set:
    """The (subject, predicate) pairs where ``mine`` and ``theirs`` (key patches) changed the same value
    differently: both removed one old value, or both set values (literals) where there were none."""
    my_adds, my_dels = _by_key(mine.adds), _by_key(mine.deletes)
    their_adds, their_dels = _by_key(theirs.adds), _by_key(theirs.deletes)
    clashes = set()
    for key in (set(my_adds) | set(my_dels)) & (set(their_adds) | set(their_dels)):
        if my_adds.get(key, set()) == their_adds.get(key, set()) and my_dels.get(key, set()) == their_dels.get(
            key, set()
        ):
            continue  # both made the same change
        both_removed = my_dels.get(key, set()) & their_dels.get(key, set())
        both_set_values = any(o[1] == 2 for o in my_adds.get(key, ())) and any(
            o[1] == 2 for o in their_adds.get(key, ())
        )
        if both_removed or both_set_values:
            clashes.add(key)
    return clashes


_LABEL = str(RDFS.label)


def _label(node: str, *sources: set) -> str:
    """The node's name as the first of ``sources`` that names it gives it (the smallest, if it has two)."""
    for keys in sources:
        names = sorted(k[2] for k in keys if k[0] == node and k[1] == _LABEL)
        if names:
            return names[0]
    return node.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _words(predicate) -> str:
    predicate = URIRef(predicate)
    name = str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "name" if predicate == RDFS.label else "".join(" " + c.lower() if c.isupper() else c for c in name).strip()


def _siblings(fresh: list[Record], mine: list[Record]) -> dict:
    """Values changed differently by a pulled change and one of ours made on the same version: both landed
    (an engine without write isolation let both guards through), so both values are in the map now.
    (subject, predicate) to (our values, their values)."""
    found: dict = {}
    for theirs in fresh:
        for ours in mine:
            if ours.base_version != theirs.base_version or ours.iri == theirs.iri:
                continue
            mine_keys, their_keys = _key_patch(ours.patch), _key_patch(theirs.patch)
            for key in _clashes(mine_keys, their_keys):
                found[key] = (_values(mine_keys.adds, key), _values(their_keys.adds, key))
    return found


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
    old_base = _triples(document, BASE_GRAPH)
    mine_now, _ = normalised(current)  # new blank nodes named, values canonical
    base = old_base
    waiting = {(str(s_), str(p_)): w for (s_, p_), w in _waiting(document).items()}
    new_conflicts: dict = {}  # (subject, predicate) -> (mine, theirs), found by this sync
    held = set(waiting)  # never published until chosen, across every attempt
    pulled: list[Record] = []
    published: Record | None = None
    version, applied = found.version, set(found.applied)
    ours = set(found.published)
    pending = {o for _, _, o, _ in document.store.quads(_HERE, TEAM.pendingChange, None, SYNC_GRAPH)}
    # With changes of its own to publish, a copy takes the map's write lease before it reads the server, so
    # that nobody publishes between that read and its own publish: copies publishing at once then take turns
    # instead of overtaking each other until one gives up.
    own = Patch.between(old_base, mine_now)
    publishing = not client.endpoint.read_only and bool(own)
    copy = changelog.copy_tag(document.path) if document.path is not None else ""
    for attempt in range(ATTEMPTS):
        if attempt:  # others published first or kept the lease: wait a random while (growing), so they stop colliding
            time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))
        if publishing:
            say("Waiting for the map's write lease…")
        lease_held = (
            changelog.write_lease(
                client, found.map_iri, changelog.lease_seconds(len(own.adds) + len(own.deletes)), copy
            )
            if publishing
            else contextlib.nullcontext(None)
        )
        with lease_held as lease:
            if publishing and lease is None:  # others kept it: ask again
                continue
            say("Reading the server's changes…")
            fresh = [r for r in _pull(client, found) if r.iri not in applied]
            pulled += fresh
            # A change of ours whose answer was lost is ours: it goes into the base, not into the merge as
            # someone else's (which could bring back what was deleted here since).
            for record in (r for r in fresh if r.iri in pending):
                base = _key_patch(record.patch).applied_to(base)
                applied.add(record.iri)
                ours.add(record.iri)
                version = max(version, record.version)
            fresh_others = [r for r in fresh if r.iri not in pending]
            theirs_base = set(base)
            for record in fresh_others:  # in place: a copy of the map per change pulled cost seconds on a big map
                patch = _key_patch(record.patch)
                theirs_base.difference_update(patch.deletes)
                theirs_base.update(patch.adds)
                applied.add(record.iri)
                version = max(version, record.version)
            # Changes of ours that landed beside one of these (same version made on): compare them.
            if fresh_others and ours:
                oldest = min(r.base_version for r in fresh_others)
                mine_landed = [r for r in changelog.records(client, found.map_iri, since=oldest + 1) if r.iri in ours]
                for key, sides in _siblings(fresh_others, mine_landed).items():
                    new_conflicts[key] = sides
                    held.add(key)
            mine = Patch.between(base, mine_now)
            theirs = Patch.between(base, theirs_base)
            for key in _clashes(mine, theirs) - set(new_conflicts):
                new_conflicts[key] = (_values(mine_now, key), _values(theirs_base, key))
            held |= set(new_conflicts)
            # Merge: their changes everywhere, yours where they do not clash; a clash keeps your value in the map.
            merged = set(mine_now)
            for t in theirs.deletes:
                if (t[0], t[1]) not in held:
                    merged.discard(t)
            merged |= {t for t in theirs.adds if (t[0], t[1]) not in held}
            outgoing = Patch.between(theirs_base, merged)
            outgoing = Patch(
                frozenset(t for t in outgoing.adds if (t[0], t[1]) not in held),
                frozenset(t for t in outgoing.deletes if (t[0], t[1]) not in held),
            )
            base, mine_now = theirs_base, merged
            found = Sharing(
                found.query_url, found.update_url, found.map_iri, version, frozenset(applied), frozenset(ours)
            )
            if not outgoing or client.endpoint.read_only:
                break
            say(f"Publishing {len(outgoing.adds) + len(outgoing.deletes)} changed statements…")
            change = changelog.new_change_iri()
            try:
                published = changelog.publish(
                    client,
                    found.map_iri,
                    version,
                    _rdf_patch(outgoing),
                    author,
                    message,
                    reverts=reverts,
                    change=change,
                    lease=lease,
                )
            except EndpointError:
                # It may have landed with its answer lost: keep its name, so the next sync knows it as ours.
                # Kept outside the undo history (it describes the server, not an edit) and saved with the copy.
                document.store.apply(added=[(_HERE, TEAM.pendingChange, change, SYNC_GRAPH)])
                raise
            if published is not None:
                base = outgoing.applied_to(base)
                version = published.version
                applied.add(published.iri)
                ours.add(published.iri)
                break
    else:
        raise SyncError(
            f"others kept publishing first {ATTEMPTS} times (or a copy that stopped while publishing holds the "
            "map's write lease, which ends within a minute); your changes are kept: sync again"
        )
    conflicts = {key: (w.mine, w.theirs) for key, w in waiting.items()}
    conflicts.update({key: sides for key, sides in new_conflicts.items() if sides[0] != sides[1]})
    listed = [
        Conflict(URIRef(s), URIRef(p), _label(s, mine_now, base), _words(p), _values(old_base, (s, p)), mine, theirs)
        for (s, p), (mine, theirs) in sorted(conflicts.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
    ]
    sharing_now = Sharing(
        found.query_url, found.update_url, found.map_iri, version, frozenset(applied), frozenset(ours)
    )
    _write(document, current, mine_now, old_base, base, sharing_now, listed, pulled, published)
    return SyncResult(pulled, published, listed)


def _write(document, current, merged, old_base, base, found: Sharing, conflicts, pulled, published) -> None:
    """Put the sync's outcome in the document as one undoable step."""
    old_sync = set(document.store.quads(graph=SYNC_GRAPH))
    endpoint = Endpoint(found.query_url, found.update_url)
    new_sync = _sharing_quads(endpoint, found.map_iri, found.version, found.applied, found.published)
    waiting = _waiting(document)
    for c in conflicts:
        key = (c.subject, c.predicate)
        marker = waiting[key].marker if key in waiting else URIRef("urn:uuid:" + str(uuid.uuid4()))
        new_sync |= {
            (_HERE, TEAM.conflict, marker, SYNC_GRAPH),
            (marker, TEAM.subject, c.subject, SYNC_GRAPH),
            (marker, TEAM.predicate, c.predicate, SYNC_GRAPH),
        }
        new_sync |= {(marker, TEAM.mine, v, SYNC_GRAPH) for v in c.mine}
        new_sync |= {(marker, TEAM.theirs, v, SYNC_GRAPH) for v in c.theirs}
    added = {(*_triple(k), DEFAULT_GRAPH) for k in merged - current}
    added |= {(*_triple(k), BASE_GRAPH) for k in base - old_base} | (new_sync - old_sync)
    removed = {(*_triple(k), DEFAULT_GRAPH) for k in current - merged}
    removed |= {(*_triple(k), BASE_GRAPH) for k in old_base - base} | (old_sync - new_sync)
    parts = []
    if pulled:
        parts.append(f"{len(pulled)} pulled")
    if published is not None:
        parts.append("1 published")
    label = "Sync" + (f" ({', '.join(parts)})" if parts else "")
    with document.unlocked():  # a read-only copy still takes what the server sends
        document.execute(Command(label, added=frozenset(added), removed=frozenset(removed)))


def conflicts(document: MapDocument) -> list[Conflict]:
    """The conflicts waiting in a working copy, with both values (the value before is no longer known once
    synced, so it is left empty)."""
    mine = _triples(document, DEFAULT_GRAPH)
    return [
        Conflict(s, p, _label(str(s), mine), _words(p), (), w.mine, w.theirs)
        for (s, p), w in sorted(_waiting(document).items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
    ]


def resolve(document: MapDocument, chosen, keep: str) -> None:
    """Record a choice for conflicts: ``keep="mine"`` keeps your value, ``"theirs"`` the other; the next sync
    publishes it as a new change. One undoable step."""
    if keep not in ("mine", "theirs"):
        raise ValueError("keep is 'mine' or 'theirs'")
    waiting = _waiting(document)
    added: set = set()
    removed: set = set()
    for c in chosen:
        key = (c.subject, c.predicate)
        w = waiting.get(key)
        if w is None:
            continue
        removed |= set(document.store.quads(w.marker, None, None, SYNC_GRAPH))
        removed.add((_HERE, TEAM.conflict, w.marker, SYNC_GRAPH))
        keep_values, drop_values = (w.mine, w.theirs) if keep == "mine" else (w.theirs, w.mine)
        # The chosen values stay or come back; the other side's go (both may be in the map).
        removed |= {(c.subject, c.predicate, v, DEFAULT_GRAPH) for v in drop_values if v not in keep_values}
        added |= {(c.subject, c.predicate, v, DEFAULT_GRAPH) for v in keep_values}
    added = {q for q in added if not document.store.contains(q)}
    removed = {q for q in removed if document.store.contains(q)}
    label = "Keep my value" if keep == "mine" else "Take the other value"
    document.execute(Command(label, added=frozenset(added - removed), removed=frozenset(removed - added)))


def revert(document: MapDocument, client: SparqlClient, record: Record, author: Author) -> SyncResult:
    """Undo a published change as a new change: after pulling (so the change is in the copy), what it added
    is removed and what it deleted restored, where the map still holds its outcome; then sync."""
    sync(document, client, author)
    current = _triples(document, DEFAULT_GRAPH)
    added = {(*t, DEFAULT_GRAPH) for t in record.deletes if _key(t) not in current}
    removed = {(*_triple(_key(t)), DEFAULT_GRAPH) for t in record.adds if _key(t) in current}
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
    return Status(len(mine.adds) + len(mine.deletes), remote, len(_waiting(document)))


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
