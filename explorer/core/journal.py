"""Nothing lost: a lock per open map and an append-only journal of unsaved edits.

Each map opened for editing gets a folder key (a hash of its real path, or
``untitled-…`` for a new map) in the user's data folder (platformdirs; override
with ``ROUTINE_EXPLORER_DATA_DIR``). There:

- ``KEY.lock`` is an OS file lock held while the map is open, so a second
  running copy cannot silently edit (and overwrite) the same file. The OS
  releases it when a process dies, which is also how a crash is recognised;
- ``KEY.owner.json`` says who holds the lock, for the message;
- the map file itself carries an OS lock (``flock``) while it is open for
  editing or being written. The kernel keys it on the file's identity (device
  and inode), so it is the same lock whichever name reaches the file (a
  symbolic link, a hard link) and whichever data folder the process uses, it
  needs no write access to the map's folder, and it dies with its process.
  A save replaces the file (a new inode), so the saver moves the lock to the
  new file at once; see :class:`MapLock`. Every writer, app and command line,
  takes both locks (:func:`write_lock`);
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
import errno
import hashlib
import json
import os
import socket
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import filelock
import platformdirs
import pyoxigraph as ox

from .errors import MapLockedError
from .terms import Quad, from_ox_quad, to_ox_quad

try:
    import fcntl
except ImportError:  # Windows: only the lock in the data folder (the map file cannot be replaced while held open there)
    fcntl = None

JOURNAL_VERSION = 1


def state_dir() -> Path:
    """The folder for locks and journals (created on demand)."""
    override = os.environ.get("ROUTINE_EXPLORER_DATA_DIR")
    base = Path(override) if override else platformdirs.user_data_path("routine-explorer", appauthor=False)
    folder = base / "journals"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def map_key(path: str | Path | None) -> str:
    """The key of a map: a hash of its real path, or a fresh ``untitled-…`` key.

    It names the map's journal and data-folder lock, so it must stay the same across
    saves: the file's identity (:func:`file_identity`) changes with every save, and the
    lock on that identity is the one on the file itself (:class:`MapLock`).
    """
    if path is None:
        return f"untitled-{uuid.uuid4().hex}"
    real = os.path.realpath(os.fspath(path))
    return hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def file_identity(path: str | Path) -> tuple[int, int] | None:
    """The identity of the file at ``path``: its device and inode, links followed; None if there is none.

    Every name of one file (a symbolic or a hard link) has the same identity; a
    file replaced by a save (a new file renamed over the old one) gets a new one.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "map.ttl").write_text("")
    >>> os.link(folder / "map.ttl", folder / "same.ttl")
    >>> file_identity(folder / "map.ttl") == file_identity(folder / "same.ttl")
    True
    >>> file_identity(folder / "missing.ttl") is None
    True
    """
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


class _FileLock:
    """An exclusive ``flock`` on the map file itself, which the kernel keys on the file's identity."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity: tuple[int, int] | None = None
        self._fd: int | None = None

    def acquire(self) -> tuple[int, int] | None:
        """Lock the file now at ``path`` (dropping a lock on a file it replaced).

        Returns the file's identity when another process holds it, else None.
        Nothing to lock (no file yet, not a regular file, unreadable, a file
        system without locks, Windows) is not an error: the data-folder lock
        still guards the path.
        """
        if fcntl is None:
            return None
        for _ in range(8):  # the file may be replaced between looking and locking: look again
            try:
                info = os.stat(self.path)
            except (OSError, ValueError):
                return None
            if (info.st_dev, info.st_ino) == self.identity:
                return None  # ours already (a second flock of our own would fail on it)
            if not stat.S_ISREG(info.st_mode):
                return None  # opening a FIFO or a device could block or act on it
            try:
                fd = os.open(
                    self.path,
                    os.O_RDONLY
                    | getattr(os, "O_CLOEXEC", 0)
                    | getattr(os, "O_NONBLOCK", 0)
                    | getattr(os, "O_NOCTTY", 0),
                )
            except OSError:
                return None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held = os.fstat(fd)
                os.close(fd)
                if file_identity(self.path) == (held.st_dev, held.st_ino):
                    return (held.st_dev, held.st_ino)
                continue
            except OSError:
                os.close(fd)
                return None  # some network and FUSE file systems have no flock
            mine = os.fstat(fd)
            if file_identity(self.path) == (mine.st_dev, mine.st_ino):
                self.release()
                self._fd, self.identity = fd, (mine.st_dev, mine.st_ino)
                return None
            os.close(fd)
        return None

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = self.identity = None


def _flock_holder(identity: tuple[int, int]) -> int | None:
    """The process that holds the ``flock`` on the file with ``identity``, from ``/proc/locks`` (Linux)."""
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    dev, ino = identity
    exact, same_inode = f"{os.major(dev):02x}:{os.minor(dev):02x}:{ino}", f":{ino}"
    found: dict[str, list[int]] = {"exact": [], "inode": []}
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:123456 0 EOF"; "1: -> FLOCK …" is a process waiting, not holding.
        if len(fields) < 6 or fields[1] != "FLOCK" or not fields[4].isdigit() or int(fields[4]) <= 0:
            continue
        if fields[5] == exact:
            found["exact"].append(int(fields[4]))
        elif fields[5].endswith(same_inode):
            found["inode"].append(int(fields[4]))  # some file systems (btrfs) show another device number there
    pids = found["exact"] or found["inode"]
    return pids[0] if len(set(pids)) == 1 else None


def _read_owner(path: Path) -> dict | None:
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(info, dict) and "pid" in info:
            return info
    return None


class MapLock:
    """Holds the locks that mark a map as open for editing (or being written) in this process.

    Two locks, both released by the OS when the process dies:

    - ``KEY.lock`` in the data folder, keyed by the map's real path: it owns the
      map's journal, and is all an untitled map or a file not yet written has;
    - a ``flock`` on the map file itself, keyed by the kernel on the file's
      identity: every name of the file (symbolic and hard links) and every data
      folder meets it, and it needs only read access, so it works in a read-only
      folder. No lock file is left next to the map (a synced or shared folder
      stays clean, and nothing goes stale after a crash).

    A save replaces the file with a new one, so after writing it the saver calls
    :meth:`follow_file` to move the lock to the new file. The moment between the
    rename and the new lock is covered by the check every save makes for a file
    changed on disk.

    Parameters
    ----------
    key : str
        The data-folder key, :func:`map_key`.
    path : Path or None
        The map file (None for an untitled map).
    writing : bool
        Held by a command writing the file rather than an editor; only the
        messages differ.
    advice : str, optional
        What the refusal suggests instead ("open a copy" when opening, "write to
        another file" when writing).
    """

    def __init__(self, key: str, path: Path | None, *, writing: bool = False, advice: str | None = None) -> None:
        self.key = key
        self._path = path
        self._writing = writing
        self._advice = advice or ("write to another file" if writing else "open a copy")
        folder = state_dir()
        # Not thread-local (filelock's default): the app opens and saves maps in a worker
        # thread and closes them on the UI thread, which must be able to release the lock.
        self._lock = filelock.FileLock(str(folder / f"{key}.lock"), timeout=0, thread_local=False)
        self._owner = folder / f"{key}.owner.json"
        self._file = _FileLock(Path(path)) if path is not None else None

    @property
    def identity(self) -> tuple[int, int] | None:
        """The identity (device, inode) of the map file this lock holds, if it holds one."""
        return self._file.identity if self._file is not None else None

    def acquire(self) -> None:
        """Take the lock or raise :class:`MapLockedError` naming who holds it."""
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise MapLockedError(self._held_message(self._file_holder_identity())) from None
        if self._file is not None:
            held = self._file.acquire()
            if held is not None:
                self._lock.release(force=True)
                raise MapLockedError(self._held_message(held))
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": dt.datetime.now().isoformat(timespec="seconds"),
            "map": str(self._path) if self._path else None,
            "writing": self._writing,
        }
        with contextlib.suppress(OSError):
            self._owner.write_text(json.dumps(info), encoding="utf-8")

    def follow_file(self) -> None:
        """Move the lock on the map file to the file now at its path (a save replaced it).

        Raises
        ------
        MapLockedError
            Another process holds the file now there.
        """
        if self._file is not None:
            held = self._file.acquire()
            if held is not None:
                raise MapLockedError(self._held_message(held))

    def _file_holder_identity(self) -> tuple[int, int] | None:
        """The map file's identity when another process holds its ``flock``, else None.

        The data-folder lock can be busy for a moment with a command that is itself being
        refused (it takes that lock, then fails on the file's): the file's holder is the one
        to name then, not the nobody the owner file would give.
        """
        if self._path is None:
            return None
        identity = file_identity(self._path)
        if identity is None or identity == self.identity or _flock_holder(identity) is None:
            return None
        return identity

    def _holder(self, identity: tuple[int, int] | None) -> dict | None:
        if identity is None:  # the data-folder lock: its owner file says who
            return _read_owner(self._owner)
        pid = _flock_holder(identity)
        if pid is None:
            return None
        host = socket.gethostname()
        # The holder may use this data folder under another name of the file (a hard link):
        # its owner file has more to say.
        with contextlib.suppress(OSError):
            for owner in state_dir().glob("*.owner.json"):
                info = _read_owner(owner)
                if info is not None and info.get("pid") == pid and info.get("host") == host:
                    return info
        return {"pid": pid, "host": host}

    def _held_message(self, identity: tuple[int, int] | None = None) -> str:
        info = self._holder(identity)
        who = ""
        if info is not None:
            since = f", since {info['since']}" if info.get("since") else ""
            who = f" (process {info['pid']} on {info.get('host', '?')}{since})"
        name = self._path.name if self._path else "This map"
        if info is not None and info.get("writing"):
            return f"{name} is being written by another Routine Explorer command{who}; try again when it has finished."
        return (
            f"{name} is already open for editing in another Routine Explorer window{who}; "
            f"close it there first, or {self._advice}."
        )

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
        if self._file is not None:
            self._file.release()
        if self._lock.is_locked:
            with contextlib.suppress(OSError):
                self._owner.unlink()
            self._lock.release(force=True)


@contextlib.contextmanager
def write_lock(path: str | Path) -> Iterator[MapLock]:
    """Hold the lock every writer takes on ``path`` while a command writes it.

    A file open for editing in the app, or being written by another command, is
    refused, whichever name (a symbolic or hard link) or data folder reaches it.

    Raises
    ------
    MapLockedError
        Someone holds the file; the message names them.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.ttl"
    >>> with write_lock(target):
    ...     _ = target.write_text("")
    """
    lock = MapLock(map_key(path), Path(path), writing=True)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def _to_nquads(quads) -> str:
    """N-Quads of rdflib or Oxigraph quads (a command's :attr:`~explorer.core.commands.Command.native` form)."""
    native = [q if type(q) is ox.Quad else to_ox_quad(q) for q in quads]
    return ox.serialize(native, format=ox.RdfFormat.N_QUADS).decode("utf-8")


class Encoded(NamedTuple):
    """One side of a diff as its journal entry holds it (N-Quads as a JSON string), made ahead of time."""

    json: str


def encoded(quads) -> Encoded:
    """``quads`` as :meth:`Journal.record` writes them: a layout's command makes this in its worker.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> json.loads(encoded([(URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o"), None)]).json)
    '<urn:s> <urn:p> <urn:o> .\\n'
    """
    return Encoded(json.dumps(_to_nquads(quads), ensure_ascii=False))


def _from_nquads(text: str) -> frozenset[Quad]:
    return frozenset(from_ox_quad(q) for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


class Journal:
    """The append-only record of edits since the last save, for one map."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.path = state_dir() / f"{key}.journal"
        self._handle = None
        self._header: dict | None = None
        self._size = 0
        self._last: int | None = None
        self._broken = False

    def start(self, *, map_path: Path | None, base_sha256: str | None, base_iri: str | None = None) -> None:
        """Begin a fresh journal (after open or save): the header names what the edits apply to.

        Nothing is written yet: the first :meth:`record` writes the header and its
        entry together and only then replaces the previous journal, so a journal
        that cannot be written never costs the edits an older one holds (a crashed
        session's, waiting to be recovered).
        """
        self.close(delete=False)
        self._header = {
            "journal": JOURNAL_VERSION,
            "map": str(map_path) if map_path else None,
            "base_sha256": base_sha256,
            "base_iri": base_iri,
            "started": dt.datetime.now().isoformat(timespec="seconds"),
        }

    @property
    def active(self) -> bool:
        return self._handle is not None or self._header is not None

    def record(self, label: str, added, removed) -> None:
        """Append one diff and push it to disk before returning.

        Raises
        ------
        OSError
            The entry could not be written (a full disk, say). The journal is left
            as it was before the call, so the caller can refuse the edit and later
            edits still reach the reader.
        """
        if not self.active:
            raise RuntimeError("journal not started")
        # The line json.dumps would make of {"label", "added", "removed"}, each side encoded once (see encoded).
        sides = [side if isinstance(side, Encoded) else encoded(side) for side in (added, removed)]
        name = json.dumps(label, ensure_ascii=False)
        entry = f'{{"label": {name}, "added": {sides[0].json}, "removed": {sides[1].json}}}\n'.encode()
        if self._handle is None:
            self._begin(entry)
        else:
            self._write(entry)

    def retract(self) -> None:
        """Remove the entry the last :meth:`record` appended (its edit could not be applied after all)."""
        if self._handle is None or self._last is None:
            return
        self._cut(self._last)
        os.fsync(self._handle.fileno())
        self._last = None

    def _begin(self, entry: bytes) -> None:
        header = self._line(self._header)
        data = header + entry
        fresh = self.path.with_name(self.path.name + "-new")
        handle = open(fresh, "wb", buffering=0)  # noqa: SIM115 - kept open as the journal, closed on failure
        try:
            self._write_all(handle.fileno(), data)
            os.fsync(handle.fileno())
            os.replace(fresh, self.path)
        except BaseException:
            handle.close()
            with contextlib.suppress(OSError):
                fresh.unlink()
            raise
        self._handle, self._header = handle, None
        self._size, self._last, self._broken = len(data), len(header), False

    def _write(self, data: bytes) -> None:
        if self._broken:
            raise OSError(errno.EIO, "an earlier entry could not be taken back; save the map to start a new journal")
        start = self._size
        fd = self._handle.fileno()
        try:
            self._write_all(fd, data)
            os.fsync(fd)
        except OSError:
            # A torn last line ends the journal for its reader, hiding every later edit: cut it off.
            with contextlib.suppress(OSError):
                self._cut(start)
            raise
        self._size, self._last = start + len(data), start

    def _cut(self, size: int) -> None:
        fd = self._handle.fileno()
        self._broken = True
        os.ftruncate(fd, size)
        os.lseek(fd, size, os.SEEK_SET)
        self._size, self._broken = size, False

    @staticmethod
    def _line(entry: dict) -> bytes:
        return (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")

    @staticmethod
    def _write_all(fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    def close(self, *, delete: bool) -> None:
        """Stop journaling; ``delete`` removes the file (a clean close or a save with no edits since)."""
        self._header = None
        if self._handle is not None:
            # Every entry was fsynced when written: nothing is left to fail here.
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        if delete:
            for leftover in (self.path, self.path.with_name(self.path.name + "-new")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


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
