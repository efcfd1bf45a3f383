"""The open map: its dataset, file, format, prefixes, base IRI, undo stack and safety nets.

A map is one RDF dataset in a :class:`~explorer.core.store.Store`:

- the **map graph** (the store's default graph): what the user drew, and what
  Turtle holds when saved;
- the **ontology graph** (:data:`ONTOLOGY_GRAPH`), read-only, loaded from
  ``ontology/*.ttl`` and never saved with the map;
- any other named graphs (derived analysis runs, or graphs that came with a
  TriG/N-Quads file), saved only in formats that hold datasets.

The data changes only through :meth:`MapDocument.execute` with a
:class:`~explorer.core.commands.Command`, so undo, the dirty state, the autosave
journal and (later) a remote store all see the same diffs.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from rdflib import URIRef
>>> from explorer.core.commands import add_node
>>> doc = MapDocument.new(with_ontology=False)
>>> ward = doc.mint_iri(URIRef("https://w3id.org/routine-explorer/ns#Unit"), "Ward 7")
>>> doc.execute(add_node(doc.store, ward, URIRef("https://w3id.org/routine-explorer/ns#Unit"), "Ward 7"))
>>> doc.dirty, doc.stack.undo_text
(True, 'Add Ward 7')
>>> doc.undo(); doc.dirty
False
>>> doc.close()
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gzip
import hashlib
import itertools
import os
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from . import events as ev
from .atomic_file import atomic_write, remove_stale_copies
from .commands import Command, CommandStack, compose, diff
from .errors import (
    CommandError,
    ExplorerError,
    FileChangedError,
    JournalError,
    MapLockedError,
    SaveError,
    ScenariosNotSaved,
)
from .iris import Minter, base_for_title
from .journal import Journal, MapLock, Recovery, file_identity, map_key, read_journal
from .rdf_formats import FORMATS, Progress, RdfFormat, checked_base, format_by_name, format_for_path
from .resources import ontology_files
from .scenario_graphs import base_quads, drop_markers, route, scenarios, shown, trial_quads
from .scenario_graphs import graph_names as scenario_graph_names
from .store import EmbeddedStore, Store
from .terms import DEFAULT_GRAPH, DERIVED_GRAPHS, ONTOLOGY_GRAPH, is_derived
from .text import one_line
from .versions import VersionNotKept, keep_version

#: The title of a map that has none of its own.
UNTITLED = "Untitled map"

#: Prefixes offered to every map; a saved file binds only those it uses.
STANDARD_PREFIXES: dict[str, str] = {
    "rx": "https://w3id.org/routine-explorer/ns#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "void": "http://rdfs.org/ns/void#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _content_sha256(path: Path) -> str | None:
    """SHA-256 of a file's content as reading it hashes it (gzip unpacked); None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as raw:
            magic = raw.read(2)
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, EOFError, zlib.error):
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class WrittenFile:
    """A map written by :meth:`MapDocument.write_file`, waiting for :meth:`MapDocument.finish_save`."""

    path: Path
    format: RdfFormat
    sha256: str
    index: int
    lock: MapLock | None
    warning: str = ""  # said after the save, which went ahead: an earlier version could not be kept


class MapDocument:
    """One open map. Create with :meth:`new` or :meth:`open`; never construct directly.

    Attributes
    ----------
    store : Store
        Where the quads are.
    path : Path or None
        The file the map was opened from or last saved to.
    format : RdfFormat or None
        The format of that file.
    prefixes : dict
        Prefix bindings offered when saving (the file's own plus the standard ones).
    stack : CommandStack
        Undo history.
    events : EventBus
        Publishes :class:`~explorer.core.events.GraphChanged` and friends.
    pending_recovery : Recovery or None
        Unsaved edits left by a crashed copy of the app, found when the map was
        opened; apply with :meth:`recover` or drop with :meth:`discard_recovery`.
    content_sha256 : str or None
        Hash of the file content as last read or written.
    assumed_base : str or None
        The base IRI the file was read with (``open(base=...)``); None for the file's own.
    schema_cache : tuple or None
        ``(ontology_version, Schema)``, kept by :func:`explorer.core.schema.schema_of`.
    """

    def __init__(
        self, store: Store, *, path: Path | None, format: RdfFormat | None, prefixes: dict[str, str], editing: bool
    ) -> None:
        self._ontology_version = 0
        self.schema_cache: tuple | None = None
        self.store = store
        self.path = path
        self.format = format
        self.prefixes = dict(prefixes)
        self.stack = CommandStack()
        #: Why the map may not be edited now (a read-only connection to its server), or None.
        self.locked: str | None = None
        self._unlocked = False
        self.events = ev.EventBus()
        self.editing = editing
        self.pending_recovery: Recovery | None = None
        self.content_sha256: str | None = None
        self.declared_prefixes: dict[str, str] = {}
        self.assumed_base: str | None = None
        self._lock: MapLock | None = None
        self._journal: Journal | None = None
        self._batch: list[Command] | None = None
        # A command a worker thread is writing (see write_ahead), and the lock under which a change starts: the
        # window's edits and a worker's claim never interleave. Re-entrant: a batch executes inside.
        self._ahead: Command | None = None
        self._writing = threading.RLock()
        # A scenario shown when the map was saved: the file holds the base, so a journal
        # started after the save must first say how to get from the file to what is shown.
        self._shown_at_save: Command | None = None
        self._closed = False
        # base_iri is read for every IRI minted (10k times by a big import); edits and reloads forget it.
        self._base_iri: tuple[str | None] | None = None
        self._minter = Minter()
        self.events.subscribe(ev.GraphChanged, self._forget_base_iri)
        self.events.subscribe(ev.DocumentReloaded, self._forget_base_iri)
        if editing and path is not None:
            # Copies left by saves killed earlier; a save still running elsewhere keeps its own.
            remove_stale_copies(path)

    # ----------------------------------------------------------------- creation
    @classmethod
    def new(
        cls,
        *,
        base_iri: str | None = None,
        title: str | None = None,
        with_ontology: bool = True,
        editing: bool = True,
        _journal_key: str | None = None,
    ) -> MapDocument:
        """A new, empty map with a map description (creation date, base IRI, and ``title`` if given).

        Parameters
        ----------
        title : str, optional
            The map's title (``dct:title``); without one the map is untitled (:data:`UNTITLED`).
        base_iri : str, optional
            Namespace for new nodes (``void:uriSpace``). Without one, the map gets
            one from its title and a random id (:func:`~explorer.core.iris.base_for_title`).
        """
        doc = cls(EmbeddedStore(), path=None, format=None, prefixes=STANDARD_PREFIXES, editing=editing)
        if with_ontology:
            doc._load_ontology()
        # The description's IRI follows from the base, so a recovered untitled map (whose
        # journal keeps the base) gets the same description back, with the edits made to it.
        base_iri = base_iri or base_for_title(title or "", uuid.uuid4().hex)
        description = URIRef(base_iri.rstrip("/#"))
        quads = [
            (description, RDF.type, VOID.Dataset, DEFAULT_GRAPH),
            (description, DCTERMS.created, Literal(dt.date.today().isoformat(), datatype=XSD.date), DEFAULT_GRAPH),
            (description, VOID.uriSpace, Literal(base_iri), DEFAULT_GRAPH),
        ]
        if title:  # else it has none until the user gives it one (Map Details); it shows as "Untitled map"
            quads.append((description, DCTERMS.title, Literal(title), DEFAULT_GRAPH))
        doc.prefixes.setdefault("map", base_iri)
        doc.store.apply(added=quads)
        if editing:
            doc._claim(_journal_key or map_key(None))
        return doc

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        format: RdfFormat | str | None = None,
        progress: Progress | None = None,
        editing: bool = True,
        with_ontology: bool = True,
        store_dir: str | Path | None = None,
        base: str | None = None,
    ) -> MapDocument:
        """Read a map from a file into a new document.

        Nothing else changes if this fails: the caller's open map stays as it was.

        Parameters
        ----------
        path : path
            Turtle, TriG, N-Triples, N-Quads, JSON-LD or RDF/XML, optionally gzipped.
        format : RdfFormat or str, optional
            Forces the format; otherwise the extension, then the content decides.
        progress : callable, optional
            ``progress(bytes_done, bytes_total)``; raise
            :class:`~explorer.core.errors.OperationCancelled` in it to cancel.
        editing : bool
            Take the file's lock and journal edits (the app does); the CLI's
            read-only commands pass ``False``.
        with_ontology : bool
            Load the ontology graph as well.
        store_dir : path, optional
            Keep the quads on disk in this (new or empty) folder, for big maps.
        base : str, optional
            The absolute IRI the file's relative IRIs resolve against, when the data assumes one (as
            published data often does); by default they resolve against the file's name
            (:func:`~explorer.core.rdf_formats.local_base`). :meth:`revert` reads the file with it again.

        Raises
        ------
        ExplorerError
            ``base`` is not an absolute IRI.
        FormatError
            The file is malformed (names file, line, column and reason) or unsafe.
        MapLockedError
            Another running copy has the map open for editing.
        """
        path = Path(path)
        fmt = format_by_name(format) if isinstance(format, str) else format
        if base is not None:
            checked_base(base)  # before the lock: a typo in the base is not the map's problem
        lock = None
        if editing:
            lock = MapLock(map_key(path), path)
            lock.acquire()
        try:
            if store_dir is not None and Path(store_dir).exists() and any(Path(store_dir).iterdir()):
                raise ExplorerError(f"The store folder {store_dir} is not empty; choose a new or empty folder.")
            store = EmbeddedStore(store_dir)
            result = store.load(path, format=fmt, progress=progress, base=base)
            doc = cls(
                store,
                path=path,
                format=result.format,
                prefixes={**STANDARD_PREFIXES, **result.prefixes},
                editing=editing,
            )
            doc.content_sha256 = result.sha256
            doc.declared_prefixes = dict(result.prefixes)
            doc.assumed_base = base
            # The app never saves a shown-scenario marker: one in a file would pass its base off as a
            # scenario shown. A crash's switch comes back through the journal, after this.
            drop_markers(store)
            if with_ontology:
                doc._load_ontology()
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if editing:
            doc._lock = lock
            doc._journal = Journal(lock.key)
            doc.pending_recovery = read_journal(lock.key)
        return doc

    @classmethod
    def recover_untitled(cls, recovery: Recovery, *, with_ontology: bool = True) -> MapDocument:
        """Rebuild a never-saved map from the journal its crashed app left behind."""
        doc = cls.new(base_iri=recovery.base_iri, with_ontology=with_ontology, _journal_key=recovery.key)
        doc.pending_recovery = recovery
        doc.recover()
        return doc

    def _claim(self, key: str) -> None:
        self._lock = MapLock(key, self.path)
        self._lock.acquire()
        self._journal = Journal(key)

    def _load_ontology(self) -> None:
        for file in ontology_files():
            self.store.load(file, graph=ONTOLOGY_GRAPH)
        self._ontology_version += 1

    # --------------------------------------------------------------- properties
    @property
    def store(self) -> Store:
        """Where the quads are (a new store, on revert or for a view of named graphs, counts as a new ontology)."""
        return self._store

    @store.setter
    def store(self, store: Store) -> None:
        self._store = store
        self._ontology_version += 1

    @property
    def ontology_version(self) -> int:
        """A number that changes whenever the ontology graph may have changed, so what is read from it can be kept.

        The ontology graph is read-only: it is loaded with the map, never saved, and no
        edit the app or the command line makes touches it (a SPARQL update that would
        is refused). The number changes all the same when the ontology is loaded, when
        the store is replaced (:meth:`revert`, a view of named graphs) and when an edit,
        undo or redo touches the ontology graph, so nothing kept against it goes stale.
        Writing to :attr:`store` directly bypasses it, as it bypasses undo.

        Examples
        --------
        >>> import os, tempfile
        >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
        >>> from explorer.core.commands import Command
        >>> doc = MapDocument.new(editing=False)
        >>> before = doc.ontology_version
        >>> a, p = URIRef("urn:x:a"), URIRef("urn:x:p")
        >>> doc.execute(Command("Name it", added=frozenset({(a, p, Literal("a"), DEFAULT_GRAPH)})))
        >>> doc.ontology_version == before
        True
        >>> doc.execute(Command("Extend it", added=frozenset({(a, p, Literal("a"), ONTOLOGY_GRAPH)})))
        >>> doc.ontology_version == before
        False
        >>> doc.close()
        """
        return self._ontology_version

    def _note_changes(self, added, removed) -> None:
        """Count a change of the ontology graph when a diff about to be applied touches it."""
        if any(q[3] is not DEFAULT_GRAPH and q[3] == ONTOLOGY_GRAPH for q in itertools.chain(added, removed)):
            self._ontology_version += 1

    @property
    def dirty(self) -> bool:
        """Unsaved changes exist (false again after undoing back to the saved state)."""
        return not self.stack.is_clean

    @property
    def title(self) -> str:
        """The map's title (``dct:title`` of its description), else the file name."""
        for _, _, title, _ in self._description_quads(DCTERMS.title):
            return str(title)
        return self.path.stem if self.path else UNTITLED

    @property
    def base_iri(self) -> str | None:
        """The namespace new nodes are minted in (``void:uriSpace``), if the map sets one."""
        if self._base_iri is None or self._batch is not None:
            space = next((str(q[2]) for q in self._description_quads(VOID.uriSpace)), None)
            self._base_iri = (space,)
        return self._base_iri[0]

    def _forget_base_iri(self, event=None) -> None:
        self._base_iri = None

    def _description_quads(self, predicate) -> Iterator:
        for description, _, _, _ in self.store.quads(None, RDF.type, VOID.Dataset):
            yield from self.store.quads(description, predicate, None)

    def mint_iri(self, kind: URIRef, label: str | None = None) -> URIRef:
        """A new, unused IRI for a node of ``kind``: ``{base}{kind}/{label}``, numbered when taken.

        The base is the map's own (:attr:`base_iri`), else one from its title. IRIs are
        minted once and never change, whatever happens to the label (see :mod:`explorer.core.iris`).
        """
        base = self.base_iri or self.fallback_base()
        return self._minter.mint(base, kind, label, taken=self._iri_in_use)

    def fallback_base(self) -> str:
        """The base of a map that names none (a file made elsewhere): from its title and its own IRI or file."""
        seed = next((str(q[0]) for q in self._description_quads(RDF.type)), None) or str(self.path or id(self))
        return base_for_title(self.title, seed)

    def _iri_in_use(self, iri: URIRef) -> bool:
        return (
            next(iter(self.store.quads(iri)), None) is not None
            or next(iter(self.store.quads(None, None, iri)), None) is not None
        )

    def used_prefixes(self) -> dict[str, str]:
        """The prefixes worth writing: the file's own and the standard ones, one name per namespace."""
        seen: dict[str, str] = {}
        for name, namespace in self.prefixes.items():
            if namespace not in seen.values() and name not in seen:
                seen[name] = namespace
        return seen

    # ------------------------------------------------------------------ editing
    def execute(self, command: Command) -> None:
        """Apply ``command`` and put it on the undo stack (inside :meth:`batch`, collect it).

        While a scenario is shown, an edit of the map graph is an edit of that scenario
        too (:func:`~explorer.core.scenarios.route`), in the same undo step. A :attr:`locked`
        map refuses, saying why.
        """
        with self._writing:
            self._check_editable()
            if not command.is_empty:
                self._execute(route(self.store, command))

    def _execute(self, command: Command) -> None:
        """Apply ``command`` as it is (already routed) and record it."""
        if command.is_empty:
            return
        if self._batch is not None:
            self._note_changes(command.added, command.removed)
            self.store.apply(added=command.added, removed=command.removed)
            self._batch.append(command)
            return
        self._apply_recorded(command.label, command)
        was_dirty = self.dirty
        self.stack.push(command)
        self._changed(command.added, command.removed, was_dirty, command.moves[0])

    def undo(self) -> None:
        """Revert the last command."""
        with self._writing:
            self._check_editable()
            was_dirty = self.dirty
            command = self.stack.undo()
            try:
                self._apply_recorded(f"Undo {command.label}", command, undo=True)
            except BaseException:
                self.stack.redo()  # the history stays in step with the map, which did not change
                raise
        self._changed(command.removed, command.added, was_dirty, command.moves[1])

    def redo(self) -> None:
        """Apply again the last undone command."""
        with self._writing:
            self._check_editable()
            was_dirty = self.dirty
            command = self.stack.redo()
            try:
                self._apply_recorded(f"Redo {command.label}", command)
            except BaseException:
                self.stack.undo()
                raise
        self._changed(command.added, command.removed, was_dirty, command.moves[0])

    def write_ahead(self, command: Command) -> Command:
        """Journal and apply ``command`` from a worker thread; :meth:`settle_ahead` then makes it an undo step.

        For a change too big to write while the window waits: a layout of 10k nodes writes 40k quads
        (50-70 ms, most of it in Oxigraph, which lets go of the interpreter meanwhile). Until it settles,
        the map refuses every other change, saying why, and :attr:`writing_ahead` names it. Returns the
        command as routed (see :meth:`execute`); on an error nothing changed and nothing waits to settle.

        Examples
        --------
        >>> import os, tempfile
        >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
        >>> from explorer.core.commands import add_node
        >>> doc = MapDocument.new(with_ontology=False)
        >>> unit = URIRef("http://e/Unit")
        >>> written = doc.write_ahead(add_node(doc.store, URIRef("http://e/ward"), unit, "Ward"))  # in a worker
        >>> doc.writing_ahead, doc.stack.undo_text
        ('Add Ward', None)
        >>> doc.settle_ahead()  # on the thread that owns the document: the undo step and the events
        >>> doc.writing_ahead, doc.stack.undo_text
        (None, 'Add Ward')
        >>> doc.close()
        """
        with self._writing:
            self._check_editable()
            if self._batch is not None:
                raise CommandError(f"{one_line(command.label, 60)}: not done while other edits are being grouped.")
            command = route(self.store, command)
            self._ahead = command
        try:
            if not command.is_empty:
                self._apply_recorded(command.label, command, announce=False)  # no events from this thread
        except BaseException:
            self._ahead = None
            raise
        return command

    def settle_ahead(self) -> None:
        """Make the command :meth:`write_ahead` wrote an undo step and tell the views (on the owner's thread)."""
        command = self._ahead
        if command is None:
            return
        was_dirty = self.dirty
        if not command.is_empty:
            self.stack.push(command)
        self._ahead = None
        if not command.is_empty:
            self._changed(command.added, command.removed, was_dirty, command.moves[0])

    @property
    def writing_ahead(self) -> str | None:
        """The label of the change a worker is writing into the map (:meth:`write_ahead`), or None."""
        command = self._ahead
        return None if command is None else command.label

    @contextlib.contextmanager
    def batch(self, label: str) -> Iterator[None]:
        """Group the commands executed inside into one undo step; roll them back on error.

        Each command inside is built against the state the previous ones left.

        Examples
        --------
        >>> import os, tempfile
        >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
        >>> from explorer.core.commands import add_node
        >>> doc = MapDocument.new(with_ontology=False)
        >>> with doc.batch("Add team"):
        ...     for name in ("Ana", "Ben"):
        ...         person = URIRef("http://e/Person")
        ...         doc.execute(add_node(doc.store, doc.mint_iri(person, name), person, name))
        >>> len(doc.stack.commands), doc.stack.undo_text
        (1, 'Add team')
        >>> doc.close()
        """
        with self._writing:
            if self._batch is not None:
                raise CommandError("Batches cannot be nested.")
            self._check_not_ahead()
            self._batch = []
        try:
            yield
            done = self._batch
            combined = compose(label, done)
            if not combined.is_empty:
                self._record(combined.label, combined.added, combined.removed)
        except BaseException:
            done, self._batch = self._batch, None
            for command in reversed(done):
                self._note_changes(command.removed, command.added)
                self.store.apply(added=command.removed, removed=command.added)
            self._forget_base_iri()
            raise
        self._batch = None
        if not combined.is_empty:
            was_dirty = self.dirty
            self.stack.push(combined)
            self._changed(combined.added, combined.removed, was_dirty, combined.moves[0])

    def _apply_recorded(self, label: str, command: Command, *, undo: bool = False, announce: bool = True) -> None:
        """Journal ``command`` (or its inverse), then apply it: the map never holds an edit its journal lacks.

        ``announce``: a journal that cannot be written is told to the views too (:class:`EditNotRecorded`).
        """
        added, removed = (command.removed, command.added) if undo else (command.added, command.removed)
        native_added, native_removed = command.native[::-1] if undo else command.native
        journal = command.journal if self._journal is not None else command.native  # no journal: no text
        recorded = self._record(label, *(journal[::-1] if undo else journal), announce=announce)
        self._note_changes(added, removed)
        try:
            if self.store.takes_native:
                rewritten = command.rewritten[1 if undo else 0]
                self.store.apply(added=native_added, removed=native_removed, rewritten=rewritten)
            else:
                self.store.apply(added=added, removed=removed)
        except BaseException:
            if recorded:
                with contextlib.suppress(OSError):
                    self._journal.retract()
            raise

    def _record(self, label: str, added, removed, *, announce: bool = True) -> bool:
        """Write a diff to the journal before it is applied; False when this map keeps none.

        Raises :class:`JournalError` when it cannot be written: the caller must
        then leave the map, its history and its dirty state as they were.
        """
        if self._journal is None:
            return False
        try:
            if not self._journal.active:
                self._journal.start(map_path=self.path, base_sha256=self.content_sha256, base_iri=self.base_iri)
            if self._shown_at_save is not None:
                switch = self._shown_at_save
                self._journal.record(switch.label, switch.added, switch.removed)
                self._shown_at_save = None
            self._journal.record(label, added, removed)
        except OSError as err:
            shown = one_line(label, 60)
            full = err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG)
            advice = "Free some space on that disk" if full else "Check that its folder can be written"
            message = (
                f"{shown}: not done, because the recovery journal {self._journal.path} could not be written "
                f"({err.strerror or err}). {advice}, then try again; the map is as it was."
            )
            if announce:
                self.events.publish(ev.EditNotRecorded(message))
            raise JournalError(message) from None
        return True

    def _changed(self, added, removed, was_dirty: bool, moves: list | None = None) -> None:
        self.events.publish(ev.GraphChanged(frozenset(added), frozenset(removed), moves))
        self.events.publish(ev.StackChanged(self.stack.undo_text, self.stack.redo_text))
        if was_dirty != self.dirty:
            self.events.publish(ev.DirtyChanged(self.dirty))

    # ----------------------------------------------------------------- recovery
    def recover(self) -> None:
        """Apply the pending recovered edits as one undoable command, "Recover unsaved changes"."""
        recovery = self.pending_recovery
        if recovery is None:
            raise CommandError("There are no unsaved changes to recover for this map.")
        net = compose("Recover unsaved changes", (Command(label, added=a, removed=r) for label, a, r in recovery.edits))
        command = diff(self.store, "Recover unsaved changes", added=net.added, removed=net.removed)
        if command.is_empty:
            self.pending_recovery = None
            if self._journal is None or not self._journal.active:
                recovery.discard()  # the file is still the crashed session's journal
            return
        # The crashed session's journal stays on disk until the new one holds this step
        # (its first entry replaces the file), so a failed recovery loses nothing.
        self.pending_recovery = None
        try:
            self._execute(command)  # its edits were routed into their scenarios when first made
        except BaseException:
            self.pending_recovery = recovery
            raise

    def discard_recovery(self) -> None:
        """Give up the pending recovered edits and delete their journal."""
        if self.pending_recovery is not None:
            self.pending_recovery.discard()
            self.pending_recovery = None

    # ------------------------------------------------------------------- saving
    def saved_graphs(self, fmt: RdfFormat, *, without_scenarios: bool = False) -> list:
        """The graphs a save in ``fmt`` writes; refuses a format that would drop named graphs.

        ``without_scenarios``: a one-graph export writes the map shown and leaves the scenarios out.
        """
        extra = [g for g in self.store.graph_names() if g != ONTOLOGY_GRAPH]
        if fmt.holds_datasets:
            return [DEFAULT_GRAPH, *extra]
        found = [s for s in scenarios(self.store) if not s.trial]  # trials are never saved
        if found and not without_scenarios:
            raise ScenariosNotSaved([s.name for s in found], fmt.label)
        # Derived graphs can be regenerated, so a one-graph format leaves them out; other
        # named graphs came with the data and must not vanish silently. Graphs left empty
        # (by deleted scenarios, say) hold nothing to lose.
        hidden = scenario_graph_names(self.store)
        kept = [
            g
            for g in extra
            if not is_derived(g) and g not in hidden and next(iter(self.store.quads(graph=g)), None) is not None
        ]
        if kept:
            names = ", ".join(f"<{g}>" for g in kept[:3]) + (" …" if len(kept) > 3 else "")
            raise SaveError(
                f"This map has {len(kept)} named graph(s) besides the map ({names}); {fmt.label} holds one graph. "
                "Save as TriG or N-Quads to keep them."
            )
        return [DEFAULT_GRAPH]

    # ------------------------------------------------------------ derived graphs
    def derived_graphs(self) -> list:
        """The names of the derived graphs (analysis runs) in the dataset."""
        return [g for g in self.store.graph_names() if is_derived(g)]

    def put_derived_graph(
        self, name, triples: Iterable = (), *, data: bytes | None = None, replacing: Iterable = ()
    ) -> None:
        """Add a derived graph ``name`` holding ``triples`` (or N-Triples ``data``).

        The graphs in ``replacing`` are dropped.

        Derived graphs are results, not edits: they bypass the undo history and
        the dirty state, are saved only in formats that hold datasets (TriG,
        N-Quads), and SPARQL sees them like any named graph.

        Examples
        --------
        >>> from rdflib import Literal, RDFS
        >>> doc = MapDocument.new(with_ontology=False)
        >>> run = URIRef(DERIVED_GRAPHS + "run-1")
        >>> doc.put_derived_graph(run, [(URIRef("urn:x:a"), RDFS.label, Literal("a"))])
        >>> doc.derived_graphs() == [run], doc.dirty, doc.stack.can_undo()
        (True, False, False)
        >>> doc.drop_derived_graphs([run]); doc.derived_graphs()
        []
        >>> doc.close()
        """
        self.events.publish(self.write_derived_graph(name, triples, data=data, replacing=replacing))

    def write_derived_graph(
        self, name, triples: Iterable = (), *, data: bytes | None = None, replacing: Iterable = ()
    ) -> ev.DerivedGraphsChanged:
        """The store half of :meth:`put_derived_graph`: safe in a worker thread (Oxigraph loads
        without holding the GIL); publish the returned event on the document's own thread."""
        self._check_open()
        name = URIRef(str(name))
        if not is_derived(name):
            raise CommandError(f"A derived graph must be named under {DERIVED_GRAPHS}, not <{name}>.")
        dropped = [g for g in replacing if is_derived(g) and g != name]
        for graph in (*dropped, name):
            self.store.clear(graph)
        if data is not None:
            self.store.load(data, format=format_by_name("ntriples"), graph=name)
        self.store.apply(added=[(s, p, o, name) for s, p, o in triples])
        return ev.DerivedGraphsChanged(added=(name,), removed=tuple(dropped))

    def drop_derived_graphs(self, names: Iterable) -> None:
        """Remove derived graphs from the dataset (names that are not derived graphs are refused)."""
        self._check_open()
        names = [URIRef(str(n)) for n in names]
        for name in names:
            if not is_derived(name):
                raise CommandError(f"<{name}> is not a derived graph; only analysis results can be dropped this way.")
            self.store.clear(name)
        self.events.publish(ev.DerivedGraphsChanged(added=(), removed=tuple(names)))

    def serialize(self, fmt: RdfFormat | str, *, without_scenarios: bool = False) -> bytes:
        """The map as the store holds it (without the ontology graph) as bytes in ``fmt`` (see :meth:`saved_graphs`)."""
        fmt = format_by_name(fmt) if isinstance(fmt, str) else fmt
        graphs = self.saved_graphs(fmt, without_scenarios=without_scenarios)
        return self.store.dump(fmt, graphs=graphs, prefixes=self.used_prefixes())

    @contextlib.contextmanager
    def as_saved(self) -> Iterator[bool]:
        """While inside, the store holds what a save writes: the base, not the scenario shown, and no trial.

        Yields whether a scenario was shown. Everything is put back after, even on error;
        nothing is journalled or published.
        """
        to_base, from_base = base_quads(self.store)
        self.store.apply(added=to_base, removed=from_base)
        try:
            # Trial scenarios (levers tried) are what-ifs, never saved: out for the write as well.
            trials = trial_quads(self.store)
            self.store.apply(removed=trials)
            try:
                yield bool(from_base)
            finally:
                self.store.apply(added=trials)
        finally:
            self.store.apply(added=from_base, removed=to_base)

    def save(self, *, overwrite: bool = False) -> None:
        """Write the map back to its file, atomically (see :meth:`write_file` for ``overwrite``)."""
        if self.path is None:
            raise SaveError("This map has not been saved yet: choose a file name (Save As).")
        self.save_as(self.path, self.format, overwrite=overwrite)

    def save_as(self, path: str | Path, format: RdfFormat | str | None = None, *, overwrite: bool = False) -> None:
        """Write the map to ``path`` atomically and make it the map's file.

        The format comes from ``format``, else the extension. Saving under a new
        name takes that file's lock first, so it cannot overwrite a map another
        copy of the app has open.
        """
        self.finish_save(self.write_file(path, format, overwrite=overwrite))

    def write_file(
        self, path: str | Path, format: RdfFormat | str | None = None, *, extra: Iterable = (), overwrite: bool = False
    ) -> WrittenFile:
        """The slow half of :meth:`save_as`: serialise and write atomically, changing nothing else.

        Safe to run in a worker thread while the UI thread waits; publishes no
        events. Hand the result to :meth:`finish_save` on the thread that owns
        the document. ``extra`` quads (map graph only) are written into the
        file without becoming part of the map: the app writes the positions it
        computed for nodes that had none, so the file reopens as it looked.

        Every write holds the file's lock (:class:`~explorer.core.journal.MapLock`):
        a map open for editing keeps its own, a document opened read-only (the
        command line's) takes it for the write. Writing the map back to its own
        file first checks that the file is still the one the map was read from
        or last saved to, by its identity and its content hash.

        Parameters
        ----------
        overwrite : bool
            Replace the map's own file even if it changed on disk (the user chose to).

        Raises
        ------
        FileChangedError
            The map's own file was changed, replaced or deleted by someone else
            since it was read or saved here; nothing was written.
        MapLockedError
            The file is open for editing, or being written, elsewhere.
        SaveError
            The file could not be written; the old one is unchanged.

        Examples
        --------
        >>> import os, tempfile, pathlib
        >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.ttl"
        >>> doc = MapDocument.new(with_ontology=False)
        >>> doc.save_as(path)
        >>> _ = path.write_text(path.read_text() + "# edited elsewhere\\n")
        >>> doc.save()
        Traceback (most recent call last):
        ...
        explorer.core.errors.FileChangedError: map.ttl changed on disk since it was opened or last saved here ...
        >>> doc.save(overwrite=True); doc.close()
        """
        self._check_open()
        ahead = self._ahead  # read once: the window may settle it meanwhile
        if ahead is not None:  # the file would hold half of it
            raise SaveError(f"“{one_line(ahead.label, 60)}” is being written into the map: save when it is done.")
        path = Path(path)
        fmt = format_by_name(format) if isinstance(format, str) else format
        fmt = fmt or format_for_path(path)
        if fmt is None:
            raise SaveError(
                f"Cannot tell the format from the name {path.name}; "
                f"use one of {', '.join(f.extension for f in FORMATS.values())}."
            )
        index = self.stack.index
        new_lock = None
        # os.path.realpath, not Path.resolve: a link that loops must reach atomic_write, which names it, not raise here.
        moving = self.path is None or os.path.realpath(path) != os.path.realpath(self.path)
        if self.editing and not moving:
            self._check_on_disk(path, overwrite=overwrite)
        elif (
            self.editing
            and self._lock is not None
            and self._lock.identity is not None
            and file_identity(path) == self._lock.identity
        ):
            raise SaveError(
                f"{path.name} is this map's own file under another name (a hard link); use Save to write it."
            )
        if moving or not self.editing:
            new_lock = MapLock(
                map_key(path),
                path,
                writing=not self.editing,
                advice=None if not self.editing else "save under another name",
            )
            new_lock.acquire()
        digest, warning = "", ""

        def write(handle: BinaryIO) -> None:
            # The file holds the base, never a scenario shown: take it out for the write, put it back after.
            with self.as_saved() as was_shown:
                added = [q for q in extra if q[3] == DEFAULT_GRAPH and not self.store.contains(q)]
                if was_shown:  # positions of a scenario's own nodes stay out of the base
                    added = [q for q in added if next(iter(self.store.quads(q[0], RDF.type)), None) is not None]
                self.store.apply(added=added)
                try:
                    self.store.dump_into(handle, fmt, graphs=self.saved_graphs(fmt), prefixes=self.used_prefixes())
                finally:
                    self.store.apply(removed=added)

        def before_replace(copy: Path) -> None:
            nonlocal digest, warning
            # Hashed as written, read back from the copy: the map streams into it, never whole in memory.
            digest = _content_sha256(copy) or ""
            if not digest:
                raise OSError(f"the written copy {copy.name} could not be read back")
            if not moving and digest != self.content_sha256:
                try:  # the file about to be replaced is kept, to compare with later; never at the save's cost
                    keep_version(path)
                except VersionNotKept as error:
                    warning = str(error)

        try:
            atomic_write(path, write, before_replace=before_replace)
        except BaseException:
            if new_lock is not None:
                new_lock.release()
            raise
        if not self.editing:
            new_lock.release()  # a command's write is over; only an editor keeps its file
            new_lock = None
        elif (new_lock or self._lock) is not None:
            # The save put a new file at the path: the lock moves to it. Should another process take
            # it in the moment between, the next save finds the file changed or held and says so.
            with contextlib.suppress(MapLockedError):
                (new_lock or self._lock).follow_file()
        return WrittenFile(path, fmt, digest, index, new_lock, warning)

    def _check_on_disk(self, path: Path, *, overwrite: bool) -> None:
        """Before writing over the map's own file: is it still the file the map was read from or last saved to?"""
        try:
            now = os.stat(path)
        except FileNotFoundError:
            if overwrite:
                return
            raise FileChangedError(path, deleted=True) from None
        except OSError:
            return  # unreachable for now: the write itself will say why
        if self._lock is not None and (now.st_dev, now.st_ino) != self._lock.identity:
            # Another file was put there (an editor's or a sync client's save): whoever holds
            # it must not be overwritten, and from now on this map holds it.
            self._lock.follow_file()
        if not overwrite and self.content_sha256 is not None and _content_sha256(path) != self.content_sha256:
            raise FileChangedError(path)

    def finish_save(self, written: WrittenFile) -> None:
        """The quick half of :meth:`save_as`: the file is now the map's.

        The map is clean if nothing changed since.
        """
        if written.lock is not None:
            if self._journal is not None:
                self._journal.close(delete=True)
            if self._lock is not None:
                self._lock.release()
            self._lock, self._journal = written.lock, Journal(written.lock.key)
        self.path, self.format = written.path, written.format
        self.content_sha256 = written.sha256
        was_dirty = self.dirty
        self.stack.set_clean(written.index)
        # Edits made while the file was written are not in it: keep their journal.
        if self._journal is not None and self.stack.index == written.index:
            self._journal.close(delete=True)
            showing = shown(self.store)
            if showing is not None:
                to_base, from_base = base_quads(self.store)
                self._shown_at_save = Command(f"Show “{showing.name}”", added=from_base, removed=to_base)
        self.events.publish(ev.DocumentSaved(written.path, written.warning))
        if was_dirty != self.dirty:
            self.events.publish(ev.DirtyChanged(self.dirty))

    def revert(self, progress: Progress | None = None) -> None:
        """Throw away unsaved changes and read the file again (the history is cleared)."""
        self._check_open()
        if self.path is None:
            raise ExplorerError("This map has never been saved, so there is nothing to revert to.")
        fresh = EmbeddedStore()
        result = fresh.load(self.path, format=self.format, progress=progress, base=self.assumed_base)
        drop_markers(fresh)  # as on open
        if any(g == ONTOLOGY_GRAPH for g in self.store.graph_names()):
            for file in ontology_files():
                fresh.load(file, graph=ONTOLOGY_GRAPH)
        self.store = fresh
        self.content_sha256 = result.sha256
        if self._lock is not None:
            # The file read may be a new one another program put there: hold that one now.
            with contextlib.suppress(MapLockedError):
                self._lock.follow_file()
        was_dirty = self.dirty
        self.stack.clear()
        self._shown_at_save = None
        if self._journal is not None:
            self._journal.close(delete=True)
        self.events.publish(ev.DocumentReloaded())
        if was_dirty:
            self.events.publish(ev.DirtyChanged(False))

    def close(self) -> None:
        """Release the file's lock and delete the journal (call after the user chose to save or discard).

        A crashed session's edits not yet recovered or discarded (:attr:`pending_recovery`) stay on disk:
        a map closed before the user was asked (its opening cancelled or superseded) offers them next time.
        """
        if self._closed:
            return
        self._closed = True
        if self._journal is not None:
            self._journal.close(delete=self.pending_recovery is None)
        if self._lock is not None:
            self._lock.release()

    def _check_open(self) -> None:
        if self._closed:
            raise ExplorerError("This map has been closed.")

    def _check_editable(self) -> None:
        self._check_open()
        if self.locked and not self._unlocked:
            raise ExplorerError(self.locked)
        self._check_not_ahead()

    def _check_not_ahead(self) -> None:
        ahead = self._ahead
        if ahead is not None:
            raise CommandError(
                f"“{one_line(ahead.label, 60)}” is being written into the map: try again when it is done."
            )

    @contextlib.contextmanager
    def unlocked(self) -> Iterator[None]:
        """Let the code inside change a :attr:`locked` map (what its server sends it, say)."""
        self._unlocked = True
        try:
            yield
        finally:
            self._unlocked = False

    def __enter__(self) -> MapDocument:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["ONTOLOGY_GRAPH", "STANDARD_PREFIXES", "MapDocument"]
