"""Test set-up shared by every test.

Qt must see ``QT_QPA_PLATFORM=offscreen`` before it is imported, or a headless run
aborts the interpreter; user folders (journals, locks, QSettings) are redirected
to a temporary folder so tests never touch the real ones.
"""

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SANDBOX = Path(tempfile.mkdtemp(prefix="rx-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")

REPO = Path(__file__).resolve().parents[1]
SHARED_VOCAB = REPO.parent / "shared" / "vocab"


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Each test gets its own folder for journals and locks."""
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path_factory.mktemp("rx-data")))


@pytest.fixture
def repo() -> Path:
    return REPO


class SmallDisk:
    """A 256 KiB tmpfs holding the data folder (journals and locks)."""

    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.filler = mount / "filler"

    def fill(self) -> None:
        """Write until the kernel says the disk is full."""
        import errno

        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as err:
            assert err.errno == errno.ENOSPC
        finally:
            os.close(fd)

    def free(self) -> None:
        """Give the space back."""
        self.filler.unlink()


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """The data folder on a :class:`SmallDisk`; skipped, saying why, where a tmpfs cannot be mounted."""
    import subprocess

    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on a POSIX system")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(mount))
    yield SmallDisk(mount)
    # Lazy: a journal handle a failed test left open must not keep the mount alive.
    subprocess.run(["umount", "-l", str(mount)], check=False)
