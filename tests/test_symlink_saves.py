"""Saves write through symbolic links, never replace anything but a regular file, and tidy up after killed saves.

Every case goes through the public surface: a map opened, edited and saved with
:class:`MapDocument`, the command line's ``convert`` in a real process, and
:func:`remove_stale_copies` against a real process killed (SIGKILL) part-way
through a save.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rdflib import RDFS, Literal, URIRef
from support.processes import EXPLORER, wait_for_line
from support.waiting import no_hang

from explorer.core import commands
from explorer.core.atomic_file import STALE_AFTER, TEMP_SUFFIX, atomic_write, remove_stale_copies
from explorer.core.document import MapDocument
from explorer.core.errors import SaveError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links, FIFOs, device nodes and SIGKILL are POSIX")

RX = "https://w3id.org/routine-explorer/ns#"
ICU = URIRef("http://example.org/icu")
MAP = f'<{ICU}> a <{RX}Unit> ; <http://www.w3.org/2000/01/rdf-schema#label> "ICU" .\n'


def rename_and_save(path, name: str, *, save_to=None) -> None:
    with MapDocument.open(path, with_ontology=False) as doc:
        doc.execute(commands.set_property(doc.store, ICU, RDFS.label, Literal(name)))
        if save_to is None:
            doc.save()
        else:
            doc.save_as(save_to)


def label_in(path) -> str:
    doc = MapDocument.open(path, editing=False, with_ontology=False)
    return str(next(doc.store.quads(ICU, RDFS.label))[2])


def leftovers(*folders) -> list[Path]:
    return [p for folder in folders for p in Path(folder).iterdir() if p.name.endswith(TEMP_SUFFIX)]


def aged(path: Path, seconds: float = 3600) -> Path:
    """Make ``path`` look as if it was last written ``seconds`` ago (a save killed an hour ago)."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


# ------------------------------------------------------------------ symbolic links
def test_a_save_through_a_symlink_writes_the_file_it_leads_to_and_keeps_the_link(tmp_path):
    synced = tmp_path / "Synced folder"
    synced.mkdir()
    real = synced / "team.ttl"
    real.write_text(MAP, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "team.ttl"
    link.symlink_to(real)
    inode = real.stat().st_ino

    rename_and_save(link, "Intensive care")

    assert link.is_symlink() and os.readlink(link) == str(real)
    assert label_in(real) == "Intensive care"  # the real file got the edit: the map did not fork
    assert real.stat().st_ino != inode  # it was replaced atomically, not rewritten in place
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert leftovers(tmp_path, synced) == []


def test_relative_chained_and_folder_links_are_all_written_through(tmp_path):
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "map.ttl"
    real.write_text(MAP, encoding="utf-8")
    (tmp_path / "first.ttl").symlink_to("data/map.ttl")  # relative
    (tmp_path / "second.ttl").symlink_to("first.ttl")  # a link to a link
    (tmp_path / "alias").symlink_to("data", target_is_directory=True)  # a linked folder

    for name, via in (("one", "first.ttl"), ("two", "second.ttl"), ("three", "alias/map.ttl")):
        rename_and_save(tmp_path / via, name)
        assert label_in(real) == name
    assert (tmp_path / "first.ttl").is_symlink() and (tmp_path / "second.ttl").is_symlink()
    assert os.readlink(tmp_path / "first.ttl") == "data/map.ttl"
    assert leftovers(tmp_path, tmp_path / "data") == []


def test_save_as_onto_a_dangling_link_creates_the_file_it_names(tmp_path):
    source = tmp_path / "source.ttl"
    source.write_text(MAP, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "copy.ttl"
    link.symlink_to(tmp_path / "elsewhere" / "copy.ttl")

    rename_and_save(source, "Copied", save_to=link)

    assert link.is_symlink() and label_in(tmp_path / "elsewhere" / "copy.ttl") == "Copied"


def test_the_command_line_writes_through_a_symlink_too(tmp_path):
    source = tmp_path / "source.ttl"
    source.write_text(MAP, encoding="utf-8")
    (tmp_path / "out").mkdir()
    real = tmp_path / "out" / "map.nt"
    real.write_text("", encoding="utf-8")
    link = tmp_path / "map.nt"
    link.symlink_to(real)

    done = subprocess.run([*EXPLORER, "convert", str(source), str(link)], capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and "ICU" in real.read_text(encoding="utf-8")


def loop(tmp_path) -> Path:
    (tmp_path / "a.ttl").symlink_to("b.ttl")
    (tmp_path / "b.ttl").symlink_to("a.ttl")
    return tmp_path / "a.ttl"


def test_a_link_that_loops_is_refused_by_name(tmp_path):
    with pytest.raises(SaveError, match=r"a\.ttl \(a link to .*\): it is a symbolic link that cannot be followed"):
        atomic_write(loop(tmp_path), b"data")
    assert (tmp_path / "a.ttl").is_symlink() and (tmp_path / "b.ttl").is_symlink()


def test_the_command_line_refuses_a_link_that_loops_with_exit_2(tmp_path):
    source = tmp_path / "source.ttl"
    source.write_text(MAP, encoding="utf-8")
    done = subprocess.run(
        [*EXPLORER, "convert", str(source), str(loop(tmp_path))], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr


# --------------------------------------------------------------------- hard links
def test_a_hard_linked_map_is_saved_whole_and_its_other_name_keeps_the_old_map_whole(tmp_path):
    """Replacing (not rewriting in place) is what keeps a save atomic; the other name is a snapshot.

    Hard-link snapshot backups (rsnapshot, ``cp -al``) rely on exactly this.
    """
    first = tmp_path / "map.ttl"
    first.write_text(MAP, encoding="utf-8")
    (tmp_path / "backup").mkdir()
    other = tmp_path / "backup" / "map.ttl"
    os.link(first, other)
    assert first.stat().st_nlink == 2

    rename_and_save(first, "Edited")

    assert label_in(first) == "Edited"
    assert label_in(other) == "ICU" and other.read_text(encoding="utf-8") == MAP
    assert first.stat().st_nlink == 1 and other.stat().st_nlink == 1
    assert leftovers(tmp_path, tmp_path / "backup") == []


# --------------------------------------------- only a regular file is ever replaced
def test_a_fifo_is_refused_by_name_in_bounded_time_and_left_a_fifo(tmp_path):
    source = tmp_path / "source.ttl"
    source.write_text(MAP, encoding="utf-8")
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    link = tmp_path / "via-link.ttl"
    link.symlink_to(fifo)

    with MapDocument.open(source, with_ontology=False) as doc:
        with pytest.raises(
            SaveError, match=r"pipe\.ttl: it is a named pipe \(FIFO\), not a regular file; nothing was written"
        ):
            doc.save_as(fifo)
        with pytest.raises(SaveError, match=r"via-link\.ttl \(a link to .*pipe\.ttl\): it is a named pipe"):
            doc.save_as(link)

    # The command line, in a real process: exit 2, one line naming the file. A blocked open of the FIFO would
    # hang: the timeout kills it and fails the test.
    done = subprocess.run([*EXPLORER, "convert", str(source), str(fifo)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "pipe.ttl" in done.stderr and "not a regular file" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and link.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_device_node_is_refused_and_stays_a_device(tmp_path):
    source = tmp_path / "source.ttl"
    source.write_text(MAP, encoding="utf-8")
    device = tmp_path / "disk.ttl"
    try:
        # The numbers of /dev/null, made here in a scratch folder: the real /dev is never at risk.
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError) as err:
        pytest.skip(f"cannot make a device node here: {err}")
    link = tmp_path / "map.ttl"
    link.symlink_to(device)

    with MapDocument.open(source, with_ontology=False) as doc:
        for target in (device, link):
            with pytest.raises(SaveError, match="it is a character device, not a regular file"):
                doc.save_as(target)

    info = os.lstat(device)
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)
    assert link.is_symlink() and leftovers(tmp_path) == []


def test_a_folder_in_the_way_is_refused_by_name(tmp_path):
    source = tmp_path / "source.ttl"
    source.write_text(MAP, encoding="utf-8")
    (tmp_path / "map.ttl").mkdir()
    with (
        MapDocument.open(source, with_ontology=False) as doc,
        pytest.raises(SaveError, match=r"map\.ttl: it is a folder, not a regular file"),
    ):
        doc.save_as(tmp_path / "map.ttl")


# ----------------------------------------------------- copies left by killed saves
SLOW_SAVE = textwrap.dedent(
    """
    import os, sys, time
    from rdflib import RDFS, Literal, URIRef
    from explorer.core import atomic_file, commands
    from explorer.core.document import MapDocument
    doc = MapDocument.open(sys.argv[1], with_ontology=False)
    doc.execute(commands.set_property(doc.store, URIRef("http://example.org/icu"), RDFS.label, Literal("half saved")))
    real_fsync = os.fsync
    def slow_fsync(fd):
        real_fsync(fd)
        print("writing", flush=True)
        time.sleep(120)  # part-way through the save until the test looks, then kills it
    atomic_file.os.fsync = slow_fsync
    doc.save()
    """
)


def start_slow_save(path: Path) -> subprocess.Popen:
    """A real process that is part-way through saving ``path``: its copy is written and it waits."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_SAVE, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for_line(proc, "writing", who="the saving process")
    except AssertionError:
        proc.kill()
        raise
    return proc


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def test_a_copy_left_by_a_killed_save_is_removed_on_the_next_open_and_a_live_save_keeps_its_own(tmp_path):
    path = tmp_path / "team.ttl"
    path.write_text(MAP, encoding="utf-8")
    proc = start_slow_save(path)
    try:
        [copy] = leftovers(tmp_path)
        assert copy.name.startswith(".team.ttl.") and copy.stat().st_size > 0
        aged(copy)  # even an old-looking copy is kept while its process is writing it
        assert remove_stale_copies(path) == [] and copy.exists()
    finally:
        kill(proc)
    assert copy.exists() and path.read_text(encoding="utf-8") == MAP  # the kill left the copy and the old map

    # Opening the map for editing tidies the folder; the edit itself waits in the journal.
    with MapDocument.open(path, with_ontology=False) as doc:
        assert not copy.exists() and leftovers(tmp_path) == []
        assert doc.pending_recovery is not None and doc.pending_recovery.labels == ["Set label"]


def test_a_save_removes_stale_copies_of_its_map_beside_the_real_file(tmp_path):
    synced = tmp_path / "synced"
    synced.mkdir()
    real = synced / "team.ttl"
    real.write_text(MAP, encoding="utf-8")
    link = tmp_path / "team.ttl"
    link.symlink_to(real)
    stale = synced / ".team.ttl.k1ll3d_0.rx-saving"  # where a save through the link puts its copy
    stale.write_bytes(b"half a map")
    aged(stale)
    doc = MapDocument.open(real, editing=False, with_ontology=False)
    doc.save_as(link)
    doc.close()
    assert not stale.exists() and leftovers(tmp_path, synced) == []


def test_only_our_own_stale_copies_of_this_map_are_removed(tmp_path):
    path = tmp_path / "team.ttl"
    path.write_text(MAP, encoding="utf-8")
    kept = {
        "fresh": tmp_path / ".team.ttl.a1b2c3d4.rx-saving",  # younger than STALE_AFTER: maybe a save on another machine
        "other map": tmp_path / ".other.ttl.a1b2c3d4.rx-saving",
        "not our pattern": tmp_path / ".team.ttl.rx-saving",
        "user's own file": tmp_path / "team.ttl.a1b2c3d4.rx-saving",
    }
    for file in kept.values():
        file.write_bytes(b"x")
    for name in ("other map", "not our pattern", "user's own file"):
        aged(kept[name])
    # A link named like a copy: removing it would be harmless, but following it is not.
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    trap = tmp_path / ".team.ttl.zzzzzzzz.rx-saving"
    trap.symlink_to(target)
    aged(trap)
    fifo = tmp_path / ".team.ttl.fifofifo.rx-saving"
    os.mkfifo(fifo)
    aged(fifo)
    foreign = None
    if os.geteuid() == 0:
        foreign = tmp_path / ".team.ttl.nobody00.rx-saving"
        foreign.write_bytes(b"x")
        os.chown(foreign, 65534, 65534)
        aged(foreign)
    stale = tmp_path / ".team.ttl.q9w8e7r6.rx-saving"
    stale.write_bytes(b"half a map")
    aged(stale, STALE_AFTER + 5)

    with no_hang(30, "removing stale copies beside a FIFO"):  # a FIFO among the candidates must not block the open
        assert remove_stale_copies(path) == [stale]
    assert all(file.exists() for file in kept.values())
    assert trap.is_symlink() and target.read_text(encoding="utf-8") == "keep me"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert foreign is None or foreign.exists()
