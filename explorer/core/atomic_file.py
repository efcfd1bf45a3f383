"""Write a file so that a crash at any moment leaves either the old or the new file, whole.

The data goes to a temporary file beside the real file, is flushed and fsynced,
then renamed over it (an atomic step on POSIX and on Windows with
:func:`os.replace`); the folder is fsynced so the rename itself survives a
power cut.

- **Symbolic links are written through.** The temporary file goes beside the
  file the link leads to and replaces that file, so the link stays a link and
  the real file (in a synced folder, say) gets the new content.
- **Only a regular file is ever replaced.** A named pipe, device, socket or
  folder at the path, or at the end of its links, is refused with
  :class:`~explorer.core.errors.SaveError` naming it, and nothing is written.
- **A hard-linked file is replaced like any other**: the name saved to gets the
  new content and the file's other names keep the old one, whole. Writing in
  place would keep the names together, but a crash part-way would then tear
  every name at once, and hard-link snapshot backups rely on files being
  replaced rather than rewritten.
- **Leftovers of killed saves are removed.** The temporary file
  (``.NAME.XXXXXXXX.rx-saving``) is locked (``flock``) while it is written, so a
  save that was killed leaves it unlocked. :func:`remove_stale_copies` deletes
  such copies of a file (every save runs it, and so does opening a map for
  editing), never one that another live process is still writing.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "map.ttl"
>>> atomic_write(target, b"<a> <b> <c> .\\n")
>>> target.read_bytes()
b'<a> <b> <c> .\\n'
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gzip
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import SaveError

try:
    import fcntl
except ImportError:  # Windows: a file being written cannot be deleted there anyway
    fcntl = None

TEMP_SUFFIX = ".rx-saving"

#: A leftover temporary copy is removed only when no process holds its lock and it has
#: not changed for this many seconds. The lock protects saves running on this machine;
#: the age also protects those on another machine sharing the folder, whose locks may
#: not reach this one.
STALE_AFTER = 60.0

_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISLNK, "symbolic link that cannot be followed (a loop)"),
)


def resolve_target(path: str | Path) -> Path:
    """The file a save to ``path`` really replaces: ``path`` with every symbolic link followed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "link.ttl").symlink_to(folder / "real.ttl")
    >>> resolve_target(folder / "link.ttl") == (folder / "real.ttl").resolve()
    True
    """
    return Path(os.path.realpath(os.fspath(path)))


def can_replace(path: str | Path) -> bool:
    """Whether this user may replace ``path`` the way :func:`atomic_write` does (a new file in its folder).

    False for a map that came with an installed app (``/opt``, read-only for users) or sits in a
    read-only folder: the app then asks where to save a copy instead of failing the save.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> can_replace(pathlib.Path(tempfile.mkdtemp()) / "map.ttl")
    True
    >>> can_replace("/no/such/folder/map.ttl")
    False
    """
    real = resolve_target(path)
    folder_ok = os.access(real.parent, os.W_OK | os.X_OK)
    return folder_ok and (not real.exists() or os.access(real, os.W_OK))


def atomic_write(
    path: str | Path,
    data: bytes | Callable[[BinaryIO], None],
    *,
    compress: bool | None = None,
    before_replace: Callable[[Path], None] | None = None,
) -> None:
    """Replace ``path`` (or the file its links lead to) with ``data`` atomically.

    ``data`` is the bytes, or a function that writes them into the file it is given (open
    for reading too, so that it can look back at what it wrote): a big map streams straight
    into the file instead of being built in memory first. The data is gzipped when the name
    ends ``.gz`` (or with ``compress``); the function is then given the compressing stream.
    ``before_replace`` is called with the written copy's path before it replaces the file, on a
    thread of its own while the copy is fsynced: the last moment to read it back or to refuse it
    (by raising).
    The file keeps its mode and, where the OS allows, its owner; a new file gets
    the usual mode for new files.

    Raises
    ------
    SaveError
        The folder is missing or not writable, the disk is full, or the path is
        not a regular file (a named pipe, a device, a folder…); the old file is
        untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "real.ttl").write_bytes(b"old")
    3
    >>> (folder / "link.ttl").symlink_to(folder / "real.ttl")
    >>> atomic_write(folder / "link.ttl", b"new")
    >>> (folder / "link.ttl").is_symlink(), (folder / "real.ttl").read_bytes()
    (True, b'new')
    """
    path = Path(path)
    if compress is None:
        compress = path.suffix.lower() == ".gz"
    real = resolve_target(path)
    where = _where(path, real)
    folder = real.parent
    if not folder.is_dir():
        raise SaveError(f"Cannot save {where}: the folder {folder} does not exist.")
    existing = _replaceable(real, where)
    remove_stale_copies(real)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as err:
        raise SaveError(f"Cannot save {where}: {err.strerror or err}.") from None
    try:
        # Opened again by its name, which the handle then carries: a writer may hand it to a library that
        # writes the file itself (Oxigraph, without holding the interpreter all the while).
        try:
            handle = open(temp_name, "w+b")  # noqa: SIM115 - closed by the with below
        finally:
            os.close(fd)
        with handle:
            if fcntl is not None:
                # Marks the copy as being written: remove_stale_copies in any process leaves it alone.
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            with contextlib.ExitStack() as stack:
                out: BinaryIO = handle
                if compress:
                    out = stack.enter_context(gzip.GzipFile(fileobj=handle, mode="wb", mtime=0))  # type: ignore[assignment]
                if callable(data):
                    data(out)
                else:
                    out.write(data)
            handle.flush()
            # fsync also writes what was changed through a memory map of the file.
            if before_replace is None:
                os.fsync(handle.fileno())
            else:
                # The last look reads the copy from memory while fsync writes it out (both let go of the
                # interpreter), so it costs no time of its own; still locked, so no other process takes
                # it for a leftover.
                with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="last-look") as pool:
                    looked = pool.submit(before_replace, Path(temp_name))
                    os.fsync(handle.fileno())
                    looked.result()
        if existing is not None and hasattr(os, "chown"):
            # Root saving a user's map must not take it from them; elsewhere this fails harmlessly.
            with contextlib.suppress(OSError):
                os.chown(temp_name, existing.st_uid, existing.st_gid)
        # mkstemp creates the file private (0600); a new map gets the usual mode for new files.
        os.chmod(temp_name, stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask())
        # Something else may have been put at the path while the data was written.
        _replaceable(real, where)
        os.replace(temp_name, real)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(err, OSError):
            raise SaveError(f"Cannot save {where}: {err.strerror or err}; the previous file is unchanged.") from None
        raise
    _fsync_folder(folder)


def remove_stale_copies(path: str | Path) -> list[Path]:
    """Delete the temporary copies that killed saves of ``path`` left in its folder; return them.

    Only copies that are ours and stale are touched: named as :func:`atomic_write`
    names its copies of this very file, regular files owned by this user, locked
    by no process, and unchanged for :data:`STALE_AFTER` seconds. A save still
    running in another process keeps its copy. Never raises: a copy that cannot
    be removed stays for next time.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> left = folder / ".map.ttl.abcd1234.rx-saving"
    >>> _ = left.write_bytes(b"half a map"); os.utime(left, (0, 0))
    >>> [p.name for p in remove_stale_copies(folder / "map.ttl")]
    ['.map.ttl.abcd1234.rx-saving']
    """
    real = resolve_target(path)
    # tempfile.mkstemp puts 8 characters from [a-z0-9_] between the prefix and the suffix.
    ours = re.compile(rf"\.{re.escape(real.name)}\.[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}")
    try:
        with os.scandir(real.parent) as entries:
            candidates = [Path(entry.path) for entry in entries if ours.fullmatch(entry.name)]
    except OSError:
        return []
    removed = []
    for candidate in candidates:
        with contextlib.suppress(OSError):
            if _remove_if_stale(candidate):
                removed.append(candidate)
    return removed


def _remove_if_stale(candidate: Path) -> bool:
    # O_NOFOLLOW: never act through a link; O_NONBLOCK: opening a FIFO must not hang.
    fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            return False
        if time.time() - info.st_mtime < STALE_AFTER:
            return False
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # a live process is writing it
        if not os.path.samestat(info, os.lstat(candidate)):
            return False  # the name now means another file
        if fcntl is None:
            os.close(fd)
            fd = -1
        os.unlink(candidate)
        return True
    finally:
        if fd >= 0:
            os.close(fd)


def _replaceable(real: Path, where: str) -> os.stat_result | None:
    """The stat of the regular file at ``real``, None if there is none; refuse anything else."""
    try:
        info = os.lstat(real)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise SaveError(f"Cannot save {where}: {err.strerror or err}.") from None
    if stat.S_ISREG(info.st_mode):
        return info
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "special file")
    raise SaveError(f"Cannot save {where}: it is a {kind}, not a regular file; nothing was written.")


def _where(path: Path, real: Path) -> str:
    return f"{path} (a link to {real})" if os.path.islink(path) else str(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
