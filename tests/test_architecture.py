"""The layers hold: Qt only in explorer.ui, and each layer imports only those below it."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    proc = subprocess.run([lint, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" in proc.stdout and "0 broken" in proc.stdout


def test_qt_contract_covers_every_package_but_the_ui():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == "Only explorer.ui imports Qt"
    )
    packages = {f"explorer.{p.name}" for p in (REPO / "explorer").iterdir() if (p / "__init__.py").exists()}
    assert set(contract["source_modules"]) == packages - {"explorer.ui"}


def test_no_qt_import_outside_ui_even_inside_functions():
    offenders = []
    for path in (REPO / "explorer").rglob("*.py"):
        if "ui" in path.relative_to(REPO / "explorer").parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n.split(".")[0] in ("PySide6", "shiboken6") for n in names):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_core_commands_run_without_qt_loaded():
    code = (
        "import sys, explorer.cli, explorer.core.document, explorer.core.info; "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_query_engine_process_loads_only_what_it_needs():
    # A bundle starts the engine through the package (routine-explorer --sparql-engine): rdflib and the query
    # service loaded with it cost 0.5 s at every engine start.
    code = (
        "import sys, explorer.sparql._engine_worker; "
        "assert not any(m == 'rdflib' or m == 'explorer.sparql.service' for m in sys.modules), 'loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_import_cycles_anywhere():
    """No module imports itself back through others, at the top or inside a function (type-only imports aside).

    Layers keep packages apart; this keeps modules inside a package apart too, so a
    function-level import is never needed to dodge a cycle.
    """
    import grimp
    import networkx as nx

    graph = grimp.build_graph("explorer", exclude_type_checking_imports=True)
    G = nx.DiGraph(
        (module, imported) for module in graph.modules for imported in graph.find_modules_directly_imported_by(module)
    )
    cycles = sorted(" -> ".join([*cycle, cycle[0]]) for cycle in nx.simple_cycles(G, length_bound=8))
    assert cycles == []


def test_features_use_only_the_host_contract():
    """Feature modules reach the main window only through MapHost: no private attribute, none set on it."""
    qt_widgets = pytest.importorskip("PySide6.QtWidgets")
    from explorer.ui.common.host import MapHost

    public = {name for name in dir(MapHost) if not name.startswith("_")} | set(MapHost.__annotations__)
    offenders = []
    for path in (REPO / "explorer" / "ui").rglob("*.py"):
        if path.name in ("main_window.py", "app.py") or path.parent.name == "common":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        installs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "install"]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            host = node.value
            named = (isinstance(host, ast.Name) and host.id == "window") or (
                isinstance(host, ast.Attribute)
                and host.attr == "window"
                and isinstance(host.value, ast.Name)
                and host.value.id == "self"
            )
            if not named:
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno} .{node.attr}"
            if node.attr.startswith("_"):
                offenders.append(where + " (private)")
            elif isinstance(node.ctx, ast.Store):
                offenders.append(where + " (set on the window)")
            elif (
                installs
                and node.attr not in public
                and not hasattr(qt_widgets.QMainWindow, node.attr)  # Qt's own API, e.g. menuBar()
            ):
                offenders.append(where + " (not in MapHost)")
    assert offenders == []
