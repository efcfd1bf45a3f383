"""Earlier versions of a map, kept when a save replaces its file, so the open map can be compared with them.

Before a save writes over a map's own file, :func:`keep_version` copies the
file being replaced into the app's data folder (``versions/KEY`` beside the
journals, where ``KEY`` is the map's :func:`~explorer.core.journal.map_key`), named
by the time that file was saved (its modification time, in UTC). Each map keeps
its last :data:`MAX_VERSIONS` versions and at most :data:`MAX_BYTES` of them;
the oldest go first. :func:`versions_of` lists them, newest first.

Keeping a version is a courtesy, never a condition: when it cannot be done (a
full disk, a data folder that cannot be written, a file larger than the cap) it
raises :class:`VersionNotKept`, which the save reports and otherwise ignores.

Examples
--------
>>> import os, tempfile, pathlib
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> path = pathlib.Path(tempfile.mkdtemp()) / "map.ttl"
>>> versions_of(path), keep_version(path)
([], None)
>>> _ = path.write_text("<urn:a> <urn:b> <urn:c> .\\n")
>>> kept = keep_version(path)
>>> [v.path for v in versions_of(path)] == [kept], kept.read_text() == path.read_text()
(True, True)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from .errors import ExplorerError
from .journal import map_key, state_dir

#: Versions kept per map (the newest).
MAX_VERSIONS = 20

#: Bytes of versions kept per map; the oldest are dropped to stay under it.
MAX_BYTES = 200 * 1024 * 1024

#: A version's name: when its file was saved (UTC, to the microsecond), an optional counter, the map's extension.
_NAME = re.compile(r"^(\d{8}T\d{6}\.\d{6})Z(?:-(\d+))?(\.[^/]*)?$")

_STAMP = "%Y%m%dT%H%M%S.%f"


class VersionNotKept(ExplorerError):
    """An earlier version of a map could not be kept; the save goes on without it."""


@dataclass(frozen=True)
class Version:
    """An earlier version of a map: the copy, when the map was saved as this, and its size in bytes.

    Examples
    --------
    >>> v = Version(Path("v.ttl"), dt.datetime(2025, 3, 1, tzinfo=dt.UTC), 1200)
    >>> v.saved_at.isoformat(), v.size
    ('2025-03-01T00:00:00+00:00', 1200)
    """

    path: Path
    saved_at: dt.datetime
    size: int


def versions_folder(path: str | Path) -> Path:
    """The folder holding the versions of the map at ``path`` (not created here).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> versions_folder("/maps/a.ttl") != versions_folder("/maps/b.ttl")
    True
    """
    return state_dir().parent / "versions" / map_key(path)


def _extension(path: Path) -> str:
    """The map's extension, with ``.gz`` kept together with the one before it (``.ttl.gz``)."""
    suffixes = path.suffixes
    if len(suffixes) >= 2 and suffixes[-1].lower() == ".gz":
        return "".join(suffixes[-2:])
    return suffixes[-1] if suffixes else ""


def versions_of(path: str | Path) -> list[Version]:
    """The versions kept of the map at ``path``, newest first (none if the folder cannot be read).

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> versions_of(pathlib.Path(tempfile.mkdtemp()) / "never-saved.ttl")
    []
    """
    found = []
    try:
        entries = list(os.scandir(versions_folder(path)))
    except OSError:
        return []
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None:
            continue  # a copy still being written, or something that is not ours
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            size = entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue
        saved_at = dt.datetime.strptime(match[1], _STAMP).replace(tzinfo=dt.UTC)
        found.append((saved_at, int(match[2] or 0), Version(Path(entry.path), saved_at, size)))
    found.sort(key=lambda item: item[:2], reverse=True)
    return [version for _, _, version in found]


def keep_version(path: str | Path) -> Path | None:
    """Keep a copy of the map file at ``path`` as it is now, before a save replaces it; returns the copy.

    Returns None when there is no file to keep. The copy is named by the time the
    file was saved; the same file kept twice (a save that failed after keeping
    it, then tried again) is kept once. Older versions beyond :data:`MAX_VERSIONS`
    or :data:`MAX_BYTES` are dropped.

    Raises
    ------
    VersionNotKept
        The copy could not be made; nothing is left half-written. The caller's
        save should go on.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.trig"
    >>> _ = path.write_text("")
    >>> keep_version(path) == keep_version(path), keep_version(path).suffix
    (True, '.trig')
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise VersionNotKept(f"No earlier version of {path.name} was kept: {error.strerror or error}.") from None
    if info.st_size > MAX_BYTES:
        raise VersionNotKept(
            f"No earlier version of {path.name} was kept: at {info.st_size / 2**20:,.0f} MB "
            f"it is larger than the {MAX_BYTES // 2**20} MB kept per map."
        )
    saved_at = dt.datetime.fromtimestamp(info.st_mtime_ns / 1e9, dt.UTC)
    stamp = saved_at.strftime(_STAMP) + "Z"
    extension = _extension(path)
    folder = versions_folder(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{stamp}{extension}"
        counter = 0
        while target.exists():
            if target.stat().st_size == info.st_size:
                return target  # this very file, kept by an earlier attempt at the same save
            counter += 1
            target = folder / f"{stamp}-{counter}{extension}"
        # Copied under a name versions_of ignores, then renamed: a copy cut short is never listed.
        partial = folder / f".{uuid.uuid4().hex}.partial"
        try:
            shutil.copyfile(path, partial)
            os.replace(partial, target)
        finally:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
    except OSError as error:
        raise VersionNotKept(f"No earlier version of {path.name} was kept: {error.strerror or error}.") from None
    prune(path)
    return target


def prune(path: str | Path, *, keep: int = MAX_VERSIONS, max_bytes: int = MAX_BYTES) -> list[Path]:
    """Drop the oldest versions of the map at ``path`` beyond ``keep`` of them or ``max_bytes``; returns those dropped.

    The newest version always stays. A version that cannot be removed is left (and
    tried again at the next save).

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.ttl"
    >>> for second in range(3):
    ...     _ = path.write_text(f"# save {second}\\n")
    ...     os.utime(path, (1_700_000_000 + second, 1_700_000_000 + second))
    ...     _ = keep_version(path)
    >>> len(prune(path, keep=2)), len(versions_of(path))
    (1, 2)
    """
    dropped = []
    total = 0
    for count, version in enumerate(versions_of(path)):
        total += version.size
        if count == 0 or (count < keep and total <= max_bytes):
            continue
        try:
            version.path.unlink()
        except OSError:
            continue
        dropped.append(version.path)
    return dropped


__all__ = ["MAX_BYTES", "MAX_VERSIONS", "Version", "VersionNotKept", "keep_version", "prune", "versions_of"]
