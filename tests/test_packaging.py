"""A built wheel (not the editable checkout) carries the ontology and the sample maps."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("routine_explorer-*.whl")
    return built


def test_wheel_contains_the_data_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    ontology = {Path(n).name for n in names if n.startswith("explorer/_data/ontology/")}
    expected = {p.name for p in (REPO / "ontology").rglob("*") if p.is_file()}
    assert expected and expected <= ontology
    samples = {Path(n).name for n in names if n.startswith("explorer/_data/sample_graphs/")}
    assert {p.name for p in (REPO / "sample_graphs").glob("*.ttl")} <= samples
    assert "explorer/cli.py" in names
    # The window's icon (the Linux package installs the same file) and the user guide the bundle ships.
    assert "explorer/ui/icons/routine-explorer.svg" in names
    assert "explorer/_data/docs/guide/index.md" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_finds_its_data_and_runs(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    code = (
        "import explorer, explorer.core.resources as r, sys;"
        "assert explorer.__file__.startswith(sys.argv[1]), explorer.__file__;"
        "print(r.ontology_dir()); print(len(r.ontology_files())); print(len(r.sample_maps()))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(target)], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    folder, ontology_files, samples = proc.stdout.split()
    assert Path(folder) == target / "explorer" / "_data" / "ontology"
    assert int(ontology_files) == len(list((REPO / "ontology").glob("*.ttl")))
    assert int(samples) == len(list((REPO / "sample_graphs").glob("*.ttl")))
    if int(samples):
        sample = sorted((target / "explorer" / "_data" / "sample_graphs").glob("*.ttl"))[0]
        info = subprocess.run(
            [sys.executable, "-m", "explorer", "info", str(sample)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert info.returncode == 0 and "triples:" in info.stdout, info.stderr
