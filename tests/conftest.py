"""Fixtures shared by every test: a data folder of its own, the repository, a disk that fills up.

The root ``conftest.py`` has already made Qt offscreen and moved the user folders (QSettings)
to a temporary folder; helpers the test modules import are in ``tests/support``.
"""

import os
from pathlib import Path

import pytest
from support.disk import SmallDisk
from support.paths import REPO


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Each test gets its own folder for journals and locks."""
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path_factory.mktemp("rx-data")))


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """The data folder on a :class:`~support.disk.SmallDisk`; skipped, saying why, where a tmpfs cannot be mounted."""
    import subprocess

    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on a POSIX system")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(mount))
    yield SmallDisk(mount)
    # Lazy: a journal handle a failed test left open must not keep the mount alive.
    subprocess.run(["umount", "-l", str(mount)], check=False)
