"""Set-up for every pytest run in this repository: the test suite and the docstring examples.

Qt must see ``QT_QPA_PLATFORM=offscreen`` before it is imported, or a headless run aborts the
interpreter, and user folders (QSettings, journals) are redirected to a temporary folder first,
since Qt reads them once. The examples of the Qt modules (``explorer/ui``, collected with
``--doctest-modules``) run in the QApplication pytest-qt makes, named ``app`` in their namespace.
This file sits at the root, outside the package the wheel ships; the suite's fixtures are in
``tests/conftest.py``.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SANDBOX = Path(tempfile.mkdtemp(prefix="rx-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")

# The sample maps are read from a copy of this process's own: opening a map for editing locks the file, so the
# test processes running side by side (pytest -n) or the app running on this checkout would lock each other out.
_SAMPLES = shutil.copytree(Path(__file__).resolve().parent / "sample_graphs", _SANDBOX / "sample_graphs")
import explorer.core.resources  # noqa: E402 - after the folders above are set

explorer.core.resources.sample_graphs_dir = lambda: _SAMPLES  # type: ignore[assignment]

_UI = Path(__file__).resolve().parent / "explorer" / "ui"


@pytest.fixture(autouse=True)
def _qt_for_ui_examples(request):
    """A docstring example in ``explorer/ui`` gets the QApplication and a data folder of its own."""
    if type(request.node).__name__ != "DoctestItem" or _UI not in Path(request.node.path).parents:
        return
    request.getfixturevalue("doctest_namespace")["app"] = request.getfixturevalue("qapp")
    folder = request.getfixturevalue("tmp_path")
    request.getfixturevalue("monkeypatch").setenv("ROUTINE_EXPLORER_DATA_DIR", str(folder))
