"""The map file is the user's: one writer at a time, whatever name or data folder reaches it,
and no save over changes someone else made on disk.

Two real processes throughout: a child opens a map for editing (as the app does) and waits,
while the test runs the command-line writers against the same file by its own name, through a
symlink, through a hard link and from another data folder (``ROUTINE_EXPLORER_DATA_DIR``).
Changes on disk are made by another process that writes the file as an editor or a sync
client would, taking no lock.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import filelock
import pytest
from rdflib import RDFS, Literal, URIRef
from support.processes import EXPLORER, wait_for_line
from support.ui import open_and_wait

from explorer.core import commands
from explorer.core.document import MapDocument
from explorer.core.errors import FileChangedError, MapLockedError, SaveError
from explorer.core.journal import map_key, state_dir

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="symlinks, hard links and the OS file lock are tested on POSIX"
)

RX = "https://w3id.org/routine-explorer/ns#"
MAP = f"""@prefix rx: <{RX}> .
@prefix ex: <http://example.org/> .
ex:icu a rx:Unit ; <http://www.w3.org/2000/01/rdf-schema#label> "ICU" .
ex:ana a rx:Person ; <http://www.w3.org/2000/01/rdf-schema#label> "Ana" .
"""
OTHER = f"""@prefix rx: <{RX}> .
<http://example.org/other> a rx:Unit ; <http://www.w3.org/2000/01/rdf-schema#label> "Other" .
"""
CHANGED = MAP + "<http://example.org/ben> a <https://w3id.org/routine-explorer/ns#Person> .\n"

# Holds a map open for editing, as the app does, until its stdin closes; "save" makes an edit and saves.
HOLDER = textwrap.dedent(
    """
    import sys
    from rdflib import RDFS, Literal, URIRef
    from explorer.core import commands
    from explorer.core.document import MapDocument
    doc = MapDocument.open(sys.argv[1], with_ontology=False)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "save":
            doc.execute(
                commands.set_property(
                    doc.store, URIRef("http://example.org/icu"), RDFS.label, Literal("Saved by the holder")
                )
            )
            doc.save()
            print("saved", flush=True)
    doc.close()
    """
)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def env_for(data_dir: Path) -> dict:
    return {**os.environ, "ROUTINE_EXPLORER_DATA_DIR": str(data_dir)}


class Holder:
    def __init__(self, path: Path, data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_for(data_dir),
        )
        self.pid = self.proc.pid
        self.expect("ready")

    def expect(self, word: str, timeout: float = 60) -> None:
        wait_for_line(self.proc, word, timeout, who="the holder")

    def save(self) -> None:
        self.proc.stdin.write("save\n")
        self.proc.stdin.flush()
        self.expect("saved")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture
def place(tmp_path):
    """The map, another map to write from, a roster to import, and two data folders."""
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / "map.ttl").write_text(MAP, encoding="utf-8")
    (tmp_path / "other.ttl").write_text(OTHER, encoding="utf-8")
    (tmp_path / "roster.csv").write_text("name,kind\nCara,Person\n", encoding="utf-8")
    for name in ("data-app", "data-cli"):
        (tmp_path / name).mkdir()
    return tmp_path


@pytest.fixture
def holder(place):
    held = Holder(place / "maps" / "map.ttl", place / "data-app")
    yield held
    held.close()


def writers(place: Path, target: Path) -> dict[str, list[str]]:
    other = str(place / "other.ttl")
    return {
        "convert": ["convert", other, str(target)],
        "export": ["export", other, str(target)],
        "query update": [
            "query",
            other,
            "-e",
            f"INSERT DATA {{ <http://example.org/x> a <{RX}Unit> }}",
            "-o",
            str(target),
        ],
        "query results": ["query", other, "-e", "SELECT * WHERE { ?s ?p ?o }", "--format", "csv", "-o", str(target)],
        "import": ["import", other, str(place / "roster.csv"), "-o", str(target)],
    }


def run_writers(place: Path, target: Path, data_dir: Path) -> dict[str, subprocess.CompletedProcess]:
    """Run every writer at once (they all read ``other.ttl`` and aim at ``target``)."""
    started = {
        name: subprocess.Popen(
            [*EXPLORER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_for(data_dir)
        )
        for name, args in writers(place, target).items()
    }
    done = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return done


def alias(place: Path, via: str) -> tuple[Path, Path]:
    """The name the writers use for the map, and the data folder they run with."""
    real = place / "maps" / "map.ttl"
    if via == "symlink":
        link = place / "link.ttl"
        link.symlink_to(real)
        return link, place / "data-app"
    if via == "hard link":
        elsewhere = place / "elsewhere"
        elsewhere.mkdir()
        os.link(real, elsewhere / "same-map.ttl")
        return elsewhere / "same-map.ttl", place / "data-app"
    if via == "another data folder":
        return real, place / "data-cli"
    return real, place / "data-app"


@pytest.mark.parametrize("via", ["its own name", "symlink", "hard link", "another data folder"])
def test_no_command_line_writer_replaces_a_map_open_for_editing(place, holder, via):
    real = place / "maps" / "map.ttl"
    target, data_dir = alias(place, via)
    before = sha(real)
    results = run_writers(place, target, data_dir)
    for name, result in results.items():
        assert result.returncode == 2, (name, result.returncode, result.stderr)
        message = result.stderr.strip()
        assert message.count("\n") == 0, (name, message)
        assert "already open for editing" in message and f"process {holder.pid}" in message, (name, message)
        assert target.name in message, (name, message)
    assert sha(real) == before and sha(target) == before
    if via == "symlink":
        assert target.is_symlink()
    if via == "hard link":
        assert os.path.samefile(real, target)


def test_a_writer_refused_while_another_refused_writer_holds_the_data_folder_lock_names_the_editor(
    place, holder, monkeypatch
):
    """The race behind a flaky refusal with nobody named: five writers at once under a hard link's
    name share its data-folder lock; the one that finds it busy must still name the file's editor."""
    target, data_dir = alias(place, "hard link")
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(data_dir))
    busy = filelock.FileLock(str(state_dir() / f"{map_key(target)}.lock"), timeout=0)
    with busy:  # as a writer does between taking this lock and failing on the file's flock
        result = subprocess.run(
            [*EXPLORER, "export", str(place / "other.ttl"), str(target)],
            capture_output=True,
            text=True,
            env=env_for(data_dir),
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert f"process {holder.pid}" in result.stderr, result.stderr


@pytest.mark.parametrize("via", ["symlink", "hard link", "another data folder"])
def test_a_second_editor_is_refused_whatever_name_or_data_folder_reaches_the_file(place, holder, via, monkeypatch):
    target, data_dir = alias(place, via)
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(data_dir))
    with pytest.raises(MapLockedError, match=f"already open for editing.*process {holder.pid}"):
        MapDocument.open(target, with_ontology=False)
    MapDocument.open(target, with_ontology=False, editing=False).close()  # reading is still fine


def test_the_lock_follows_the_file_through_the_holders_own_saves(place, holder):
    real = place / "maps" / "map.ttl"
    for _ in range(2):
        inode = real.stat().st_ino
        holder.save()
        assert real.stat().st_ino != inode, "a save writes a new file and renames it into place"
    saved = sha(real)
    result = subprocess.run(
        [*EXPLORER, "convert", str(place / "other.ttl"), str(real)],
        capture_output=True,
        text=True,
        env=env_for(place / "data-cli"),
        timeout=120,
    )
    assert result.returncode == 2 and f"process {holder.pid}" in result.stderr, result.stderr
    assert sha(real) == saved and "Saved by the holder" in real.read_text(encoding="utf-8")


def test_writers_go_ahead_once_the_editor_has_closed_the_map(place, holder):
    holder.close()
    real = place / "maps" / "map.ttl"
    result = subprocess.run(
        [*EXPLORER, "convert", str(place / "other.ttl"), str(real)],
        capture_output=True,
        text=True,
        env=env_for(place / "data-cli"),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Other" in real.read_text(encoding="utf-8")


@pytest.fixture
def read_only_folder(place):
    """``place/ro``: a read-only view (bind mount) of a folder holding the map, where no lock file could be made."""
    source, view = place / "ro-source", place / "ro"
    source.mkdir()
    view.mkdir()
    (source / "map.ttl").write_text(MAP, encoding="utf-8")
    try:
        subprocess.run(["mount", "--bind", str(source), str(view)], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a read-only folder here (needs root and mount)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True, capture_output=True, timeout=30)
        with pytest.raises(OSError):
            (view / "probe").write_text("")
        yield view
    finally:
        subprocess.run(["umount", str(view)], capture_output=True, timeout=30)


def test_the_lock_holds_in_a_read_only_folder(place, read_only_folder):
    real = read_only_folder / "map.ttl"
    held = Holder(real, place / "data-app")
    try:
        result = subprocess.run(
            [*EXPLORER, "convert", str(place / "other.ttl"), str(real)],
            capture_output=True,
            text=True,
            env=env_for(place / "data-cli"),
            timeout=120,
        )
        assert (
            result.returncode == 2
            and f"already open for editing in another Routine Explorer window (process {held.pid} " in result.stderr
        ), result.stderr
    finally:
        held.close()
    assert real.read_text(encoding="utf-8") == MAP


def test_a_map_being_written_by_a_command_is_not_opened_for_editing_meanwhile(place, monkeypatch):
    """In the same data folder the message can say it is a command; across data folders only the process is known."""
    real = place / "maps" / "map.ttl"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom explorer.core.journal import write_lock\n"
            "with write_lock(sys.argv[1]):\n    print('ready', flush=True)\n    sys.stdin.read()",
            str(real),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(place / "data-app"),
    )
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(place / "data-app"))
        with pytest.raises(
            MapLockedError,
            match=f"map.ttl is being written by another Routine Explorer command \\(process {writer.pid} ",
        ):
            MapDocument.open(real, with_ontology=False)
    finally:
        writer.stdin.close()
        writer.wait(20)
    MapDocument.open(real, with_ontology=False).close()


def test_save_as_onto_another_name_of_its_own_file_says_so(place):
    real = place / "maps" / "map.ttl"
    os.link(real, place / "alias.ttl")
    doc = MapDocument.open(real, with_ontology=False)
    with pytest.raises(SaveError, match=r"alias\.ttl is this map's own file under another name"):
        doc.save_as(place / "alias.ttl")
    doc.close()


# ------------------------------------------------------------------ changed on disk


def write_elsewhere(path: Path, text: str, *, how: str) -> None:
    """Another program writes the map without asking.

    In place (an editor) or by renaming a new file over it (a sync client).
    """
    code = {
        "in place": "import sys; open(sys.argv[1], 'w', encoding='utf-8').write(sys.argv[2])",
        "renamed": "import os, sys; open(sys.argv[1] + '.new', 'w', encoding='utf-8').write(sys.argv[2]); "
        "os.replace(sys.argv[1] + '.new', sys.argv[1])",
        "deleted": "import os, sys; os.unlink(sys.argv[1])",
    }[how]
    subprocess.run([sys.executable, "-c", code, str(path), text], check=True, timeout=60)


def rename_icu(doc: MapDocument, label: str) -> None:
    doc.execute(commands.set_property(doc.store, URIRef("http://example.org/icu"), RDFS.label, Literal(label)))


@pytest.mark.parametrize("how", ["in place", "renamed"])
def test_save_refuses_to_replace_a_file_changed_on_disk(place, how):
    path = place / "maps" / "map.ttl"
    doc = MapDocument.open(path, with_ontology=False)
    rename_icu(doc, "Intensive care")
    write_elsewhere(path, CHANGED, how=how)
    with pytest.raises(FileChangedError, match=r"map\.ttl changed on disk") as err:
        doc.save()
    assert err.value.path == path and not err.value.deleted
    assert path.read_text(encoding="utf-8") == CHANGED and doc.dirty
    doc.save(overwrite=True)
    assert "Intensive care" in path.read_text(encoding="utf-8") and not doc.dirty
    rename_icu(doc, "ICU again")
    doc.save()  # our own save is not a change on disk
    doc.close()


def test_reloading_takes_what_is_on_disk_and_the_next_save_goes_ahead(place):
    path = place / "maps" / "map.ttl"
    doc = MapDocument.open(path, with_ontology=False)
    rename_icu(doc, "Intensive care")
    write_elsewhere(path, CHANGED, how="renamed")
    with pytest.raises(FileChangedError):
        doc.save()
    doc.revert()
    assert (URIRef("http://example.org/ben"), None, None) in doc.store.as_rdflib() and not doc.dirty
    rename_icu(doc, "After reload")
    doc.save()
    text = path.read_text(encoding="utf-8")
    assert "After reload" in text and "ben" in text
    doc.close()


def test_a_file_replaced_with_the_same_content_saves_silently_and_stays_locked(place):
    """A sync client rewrites the file as it was: nothing to ask, but the lock must move to the new file."""
    path = place / "maps" / "map.ttl"
    doc = MapDocument.open(path, with_ontology=False)
    write_elsewhere(path, MAP, how="renamed")
    rename_icu(doc, "Intensive care")
    doc.save()
    assert "Intensive care" in path.read_text(encoding="utf-8")
    result = subprocess.run(
        [*EXPLORER, "convert", str(place / "other.ttl"), str(path)],
        capture_output=True,
        text=True,
        env=env_for(place / "data-cli"),
        timeout=120,
    )
    assert result.returncode == 2 and f"process {os.getpid()}" in result.stderr, result.stderr
    doc.close()


def test_a_deleted_file_is_a_change_on_disk_too(place):
    path = place / "maps" / "map.ttl"
    doc = MapDocument.open(path, with_ontology=False)
    rename_icu(doc, "Intensive care")
    write_elsewhere(path, "", how="deleted")
    with pytest.raises(FileChangedError, match=r"map\.ttl was deleted or moved") as err:
        doc.save()
    assert err.value.deleted and not path.exists()
    doc.save(overwrite=True)
    assert "Intensive care" in path.read_text(encoding="utf-8")
    doc.close()


def test_a_gzipped_map_saved_twice_is_not_a_change_on_disk(place):
    path = place / "maps" / "map.ttl.gz"
    MapDocument.open(place / "maps" / "map.ttl", editing=False, with_ontology=False).save_as(path)
    doc = MapDocument.open(path, with_ontology=False)
    rename_icu(doc, "One")
    doc.save()
    rename_icu(doc, "Two")
    doc.save()
    doc.close()


# ------------------------------------------------------------------------- the app


@pytest.fixture
def app_window(qtbot, monkeypatch):
    pytest.importorskip("PySide6")
    from PySide6.QtWidgets import QMessageBox

    from explorer.ui.main_window import MainWindow

    # Any other message box would block the test: record it instead.
    shown = []
    for kind in ("warning", "question", "information", "critical"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            staticmethod(
                lambda parent, title, text, *a, _k=kind, **k: shown.append((_k, text)) or QMessageBox.StandardButton.Ok
            ),
        )
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    window.shown_boxes = shown
    yield window
    if window.document is not None:
        window.document.close()
        window.document = None
    window.close()


def press_save_and_answer(qtbot, window, answer: str) -> str:
    """Press Ctrl+S in the window and click ``answer`` in the box that asks what to do; returns the box's text."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen = {}

    def look() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is not None:
            seen["text"] = box.text()
            seen["buttons"] = sorted(b.text().replace("&", "") for b in box.buttons())
            button = next(b for b in box.buttons() if b.text().replace("&", "") == answer)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        elif "text" not in seen:
            QTimer.singleShot(20, look)

    window.activateWindow()  # the last box may still hold the focus: the shortcut goes to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    QTimer.singleShot(0, look)
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "text" in seen and not window._busy, timeout=30_000)
    assert seen["buttons"] == ["Cancel", "Overwrite", "Reload", "Save As…"], seen
    return seen["text"]


def test_the_app_asks_before_saving_over_a_file_changed_on_disk(qtbot, app_window, place, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from explorer.core.namespaces import RX as RXNS

    window = app_window
    path = place / "maps" / "map.ttl"
    open_and_wait(window, path)
    window.place_node(RXNS.Unit, label="Pharmacy")
    write_elsewhere(path, CHANGED, how="renamed")

    text = press_save_and_answer(qtbot, window, "Cancel")
    assert "map.ttl changed on disk" in text
    assert path.read_text(encoding="utf-8") == CHANGED and window.document.dirty

    press_save_and_answer(qtbot, window, "Overwrite")
    assert "Pharmacy" in path.read_text(encoding="utf-8") and not window.document.dirty

    window.place_node(RXNS.Unit, label="Radiology")
    write_elsewhere(path, CHANGED, how="in place")
    press_save_and_answer(qtbot, window, "Reload")
    assert path.read_text(encoding="utf-8") == CHANGED
    assert not window.document.dirty
    labels = {view.label for view in window.projection.nodes.values()}
    assert "Radiology" not in labels and "Pharmacy" not in labels

    window.place_node(RXNS.Unit, label="Theatres")
    write_elsewhere(path, OTHER, how="renamed")
    copy = place / "maps" / "my-copy.ttl"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(copy), "")))
    press_save_and_answer(qtbot, window, "Save As…")
    assert path.read_text(encoding="utf-8") == OTHER
    assert "Theatres" in copy.read_text(encoding="utf-8")
    assert window.document.path == copy and not window.document.dirty
    assert not window.shown_boxes, window.shown_boxes
