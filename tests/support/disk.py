"""A disk that really fills up: a small tmpfs, for tests of what happens when a write meets ENOSPC."""

from __future__ import annotations

import errno
import os
from pathlib import Path


class SmallDisk:
    """A 256 KiB tmpfs mounted at ``mount`` (see the ``small_disk`` fixture, which mounts it)."""

    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.filler = mount / "filler"

    def fill(self) -> None:
        """Write until the kernel says the disk is full."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as err:
            stopped = err.errno
        finally:
            os.close(fd)
        assert stopped == errno.ENOSPC, os.strerror(stopped)

    def free(self) -> None:
        """Give the space back."""
        self.filler.unlink()
