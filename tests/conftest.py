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
