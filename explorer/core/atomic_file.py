"""Write a file so that a crash at any moment leaves either the old or the new file, whole.

The data goes to a temporary file in the same folder, is flushed and fsynced,
then renamed over the target (an atomic step on POSIX and on Windows with
:func:`os.replace`); the folder is fsynced so the rename itself survives a
power cut.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "map.ttl"
>>> atomic_write(target, b"<a> <b> <c> .\\n")
>>> target.read_bytes()
b'<a> <b> <c> .\\n'
"""

from __future__ import annotations

import contextlib
import gzip
import os
import stat
import tempfile
from pathlib import Path

from .errors import SaveError

TEMP_SUFFIX = ".rx-saving"


def atomic_write(path: str | Path, data: bytes, *, compress: bool | None = None) -> None:
    """Replace ``path`` with ``data`` atomically; gzip it when the name ends ``.gz`` (or ``compress``).

    Raises
    ------
    SaveError
        The folder is missing or not writable, or the disk is full; the old file is untouched.
    """
    path = Path(path)
    if compress is None:
        compress = path.suffix.lower() == ".gz"
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SaveError(f"Cannot save {path}: the folder {folder} does not exist.")
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as err:
        raise SaveError(f"Cannot save {path}: {err.strerror or err}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if compress:
                with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as zipped:
                    zipped.write(data)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file private (0600); a new map gets the usual mode for new files.
        os.chmod(temp_name, mode if mode is not None else 0o666 & ~_umask())
        os.replace(temp_name, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise SaveError(f"Cannot save {path}: {err.strerror or err}; the previous file is unchanged.") from None
    _fsync_folder(folder)


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
