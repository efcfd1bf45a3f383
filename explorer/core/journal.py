"""Nothing lost: a lock per open map and an append-only journal of unsaved edits.

Each map opened for editing gets a folder key (a hash of its real path, or
``untitled-…`` for a new map) in the user's data folder (platformdirs; override
with ``ROUTINE_EXPLORER_DATA_DIR``). There:

- ``KEY.lock`` is an OS file lock held while the map is open, so a second
  running copy cannot silently edit (and overwrite) the same file. The OS
  releases it when a process dies, which is also how a crash is recognised;
- ``KEY.owner.json`` says who holds the lock, for the message;
- ``KEY.journal`` records, one JSON line per edit, the diff applied since the
  last save, flushed and fsynced at once. After a crash or kill, opening the
  map finds the journal with nobody holding its lock and offers recovery.

A journal's first line records the SHA-256 of the file content the edits
apply to, so recovery can say whether the file changed since.

Examples
--------
>>> map_key(None).startswith("untitled-")
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import filelock
import platformdirs
import pyoxigraph as ox

from .errors import MapLockedError
from .terms import Quad, from_ox_quad, to_ox_quad

JOURNAL_VERSION = 1


def state_dir() -> Path:
    """The folder for locks and journals (created on demand)."""
    override = os.environ.get("ROUTINE_EXPLORER_DATA_DIR")
    base = Path(override) if override else platformdirs.user_data_path("routine-explorer", appauthor=False)
    folder = base / "journals"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def map_key(path: str | Path | None) -> str:
    """The key of a map: a hash of its real path, or a fresh ``untitled-…`` key."""
    if path is None:
        return f"untitled-{uuid.uuid4().hex}"
    real = os.path.realpath(os.fspath(path))
    return hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class MapLock:
    """Holds the OS lock that marks a map as open for editing in this process."""

    def __init__(self, key: str, path: Path | None) -> None:
        self.key = key
        self._path = path
        folder = state_dir()
        # Not thread-local (filelock's default): the app opens and saves maps in a worker
        # thread and closes them on the UI thread, which must be able to release the lock.
        self._lock = filelock.FileLock(str(folder / f"{key}.lock"), timeout=0, thread_local=False)
        self._owner = folder / f"{key}.owner.json"

    def acquire(self) -> None:
        """Take the lock or raise :class:`MapLockedError` naming who holds it."""
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise MapLockedError(self._held_message()) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since": dt.datetime.now().isoformat(timespec="seconds"), "map": str(self._path) if self._path else None}
        with contextlib.suppress(OSError):
            self._owner.write_text(json.dumps(info), encoding="utf-8")

    def _held_message(self) -> str:
        who = ""
        with contextlib.suppress(OSError, ValueError):
            info = json.loads(self._owner.read_text(encoding="utf-8"))
            who = f" (process {info['pid']} on {info['host']}, since {info['since']})"
        name = self._path.name if self._path else "This map"
        return f"{name} is already open for editing in another Routine Explorer window{who}; close it there first, or open a copy."

    def is_free(self) -> bool:
        """Whether no process holds the lock (tries and releases it)."""
        try:
            self._lock.acquire()
        except filelock.Timeout:
            return False
        self._lock.release()
        return True

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self._lock.is_locked:
            with contextlib.suppress(OSError):
                self._owner.unlink()
            self._lock.release(force=True)


def _to_nquads(quads) -> str:
    return ox.serialize([to_ox_quad(q) for q in quads], format=ox.RdfFormat.N_QUADS).decode("utf-8")


def _from_nquads(text: str) -> frozenset[Quad]:
    return frozenset(from_ox_quad(q) for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


class Journal:
    """The append-only record of edits since the last save, for one map."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.path = state_dir() / f"{key}.journal"
        self._handle = None

    def start(self, *, map_path: Path | None, base_sha256: str | None, base_iri: str | None = None) -> None:
        """Begin a fresh journal (after open or save): the header names what the edits apply to."""
        self.close(delete=False)
        header = {"journal": JOURNAL_VERSION, "map": str(map_path) if map_path else None, "base_sha256": base_sha256, "base_iri": base_iri, "started": dt.datetime.now().isoformat(timespec="seconds")}
        self._handle = open(self.path, "w", encoding="utf-8")
        self._write(header)

    @property
    def active(self) -> bool:
        return self._handle is not None

    def record(self, label: str, added, removed) -> None:
        """Append one applied diff and push it to disk before returning."""
        if self._handle is None:
            raise RuntimeError("journal not started")
        self._write({"label": label, "added": _to_nquads(added), "removed": _to_nquads(removed)})

    def _write(self, entry: dict) -> None:
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self, *, delete: bool) -> None:
        """Stop journaling; ``delete`` removes the file (a clean close or a save with no edits since)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if delete:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


@dataclass(frozen=True)
class Recovery:
    """Unsaved edits found in a journal left by a copy of the app that crashed or was killed."""

    key: str
    journal_path: Path
    map_path: Path | None
    base_sha256: str | None
    base_iri: str | None
    started: str
    edits: tuple[tuple[str, frozenset, frozenset], ...]

    @property
    def labels(self) -> list[str]:
        """What the edits were, in order."""
        return [label for label, _, _ in self.edits]

    def matches(self, sha256: str | None) -> bool:
        """Whether the edits were made on the file content with this hash."""
        return self.base_sha256 is not None and self.base_sha256 == sha256

    def discard(self) -> None:
        """Delete the journal: the edits are given up."""
        with contextlib.suppress(FileNotFoundError):
            self.journal_path.unlink()


def read_journal(key: str) -> Recovery | None:
    """The unsaved edits in ``key``'s journal, or ``None`` if there are none.

    A last line torn by the crash is ignored: it was never acknowledged.
    """
    path = state_dir() / f"{key}.journal"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return None
    if not lines:
        return None
    try:
        header = json.loads(lines[0])
    except ValueError:
        return None
    edits = []
    for line in lines[1:]:
        try:
            entry = json.loads(line)
            edits.append((entry["label"], _from_nquads(entry["added"]), _from_nquads(entry["removed"])))
        except (ValueError, KeyError, SyntaxError):
            break
    if not edits:
        return None
    return Recovery(
        key=key,
        journal_path=path,
        map_path=Path(header["map"]) if header.get("map") else None,
        base_sha256=header.get("base_sha256"),
        base_iri=header.get("base_iri"),
        started=header.get("started", ""),
        edits=tuple(edits),
    )


def orphaned_untitled() -> list[Recovery]:
    """Journals of new, never-saved maps whose app is gone (for the start screen)."""
    found = []
    for journal in sorted(state_dir().glob("untitled-*.journal")):
        key = journal.name[: -len(".journal")]
        if MapLock(key, None).is_free():
            recovery = read_journal(key)
            if recovery is not None:
                found.append(recovery)
    return found
