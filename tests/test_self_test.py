"""``routine-explorer --self-test``: every check passes on a working copy, and a broken one fails loudly."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from explorer import self_test
from explorer.core import resources
from explorer.io.registry import formats
from tests.support.paths import SAMPLES


def test_the_self_test_passes_here_one_line_per_check(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ROUTINE_EXPLORER_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "--self-test"], env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == f"all {len(lines) - 1} checks passed"
    assert all(line.startswith("ok    ") for line in lines[:-1])
    names = [line.split(":")[0][6:] for line in lines[:-1]]
    for sample in sorted(SAMPLES.glob("*.ttl")):
        for step in ("open", "validate", "analyse", "query", "close"):
            assert f"{step} {sample.name}" in names
        for fmt in formats("export"):
            assert f"export {sample.name} as {fmt.label}" in names
        for fmt in formats("report"):
            assert f"report {sample.name} as {fmt.label}" in names
    assert "rdflib uses the Oxigraph store" in names and "map checks in a child process" in names


def test_a_sample_that_does_not_open_fails_the_self_test_naming_it(tmp_path, monkeypatch):
    folder = tmp_path / "samples"
    folder.mkdir()
    (folder / "broken.ttl").write_text("<urn:x:a> <urn:x:p> .\n", encoding="utf-8")
    monkeypatch.setattr(resources, "sample_graphs_dir", lambda: folder)
    out = io.StringIO()
    outcomes = self_test.run(out, folder=tmp_path / "out")
    assert self_test.main(io.StringIO()) == 1
    failed = [o for o in outcomes if not o.ok]
    # The sample's own checks fail, and so does the child-process check, which checks the first sample.
    assert failed and all("broken.ttl" in o.name + o.detail for o in failed)
    opened = next(o for o in outcomes if o.name == "open broken.ttl")
    assert not opened.ok and "broken.ttl" in opened.detail
    text = out.getvalue().splitlines()
    assert any(line.startswith("FAIL  open broken.ttl: ") for line in text)
    assert text[-1] == f"{len(failed)} of {len(outcomes)} checks failed"


def test_a_check_that_raises_is_one_failed_line_and_the_next_still_runs():
    def boom() -> str:
        raise RuntimeError("the disk\nis full")

    outcome = self_test.run_check("write", boom)
    assert not outcome.ok and outcome.line().startswith("FAIL  write: RuntimeError: the disk is full (")
    assert self_test.run_check("read", lambda: "fine").line().startswith("ok    read: fine (")
