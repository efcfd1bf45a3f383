"""The desktop bundle and its Debian package, built from this checkout and checked as a user would meet them.

Slow (about six minutes: the build, a fresh Debian root, the package's dependencies), so these run in a
script of their own, ``scripts/test_bundle.sh`` (CONTRIBUTING.md), not in ``.ci/run``. Each test is skipped,
saying why, where its tools are missing: ``dpkg-deb``, and for the fresh root ``debootstrap``, ``Xvfb``,
ImageMagick's ``import``, ``xwininfo`` and root (``chroot`` and ``mount``).

The screenshots of the installed app (its start screen, then a map opened by double click) are kept in
``build/bundle-test/`` to be looked at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "routine-explorer"
KEPT = ROOT / "build" / "bundle-test"
SUITE = "bookworm"
#: The user in the fresh root: a uid no one on the host is likely to have (the root shares the host's processes).
UID = 64999

pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb (Debian's dpkg) is missing")


def _tools_for_a_fresh_root() -> str | None:
    missing = [tool for tool in ("debootstrap", "Xvfb", "import", "xwininfo", "chroot") if shutil.which(tool) is None]
    if missing:
        return f"missing: {', '.join(missing)} (Debian: debootstrap, xvfb, imagemagick, x11-utils)"
    if os.geteuid() != 0:
        return "a fresh Debian root needs root (chroot and mount)"
    return None


@pytest.fixture(scope="module")
def built():
    """The bundle, its archive, bill of materials and Debian package, built by the project's scripts.

    ``ROUTINE_EXPLORER_BUNDLE_DIST`` names a folder where they were built already, to check them again.
    """
    ready = os.environ.get("ROUTINE_EXPLORER_BUNDLE_DIST")
    if ready:
        return Path(ready)
    shutil.rmtree(KEPT, ignore_errors=True)
    dist = KEPT / "dist"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, ROOT / "scripts" / "build_bundle.py", "--work", KEPT / "work", "--dist", dist], check=True
    )
    built_in = time.perf_counter() - started
    subprocess.run(
        [sys.executable, ROOT / "scripts" / "build_deb.py", "--bundle", dist / NAME, "--out", dist], check=True
    )
    shutil.rmtree(KEPT / "work", ignore_errors=True)
    print(f"\nbuilt in {built_in:.0f} s")
    return dist


def _self_test(command: list, tmp_path) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ROUTINE_EXPLORER_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(command + ["--self-test"], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.splitlines()


def test_the_bundle_passes_the_same_self_test_as_the_source_install(built, tmp_path):
    bundle = _self_test([str(built / NAME / NAME)], tmp_path / "bundle")
    source = _self_test([sys.executable, "-m", "explorer"], tmp_path / "source")
    assert bundle[-1].startswith("all ") and bundle[-1].endswith(" checks passed")

    def names(lines):
        return [line.split(": ")[0] for line in lines[:-1]]

    assert names(bundle) == names(source)


def test_the_bundle_carries_its_licences_and_a_bill_of_materials(built):
    folder = built / NAME
    listing = (folder / "licenses" / "README.txt").read_text(encoding="utf-8")
    listed = {_canonical(line.split(" ")[0]) for line in listing.splitlines() if ": " in line}
    names = (info.name.removesuffix(".dist-info").rsplit("-", 1) for info in (folder / "_internal").glob("*.dist-info"))
    shipped = {_canonical(name): release for name, release in names}
    # Every package whose metadata the bundle carries is listed with its licence (the app itself has ../LICENSE).
    assert shipped.keys() - {"routine-explorer"} <= listed, shipped.keys() - listed
    assert {"pyside6-essentials", "pyoxigraph", "rdflib", "networkx", "igraph"} <= listed
    assert "distributed on the GPL's terms" in listing  # igraph is GPL: said, not hidden behind "MIT"
    assert (folder / "LICENSE").is_file() and (folder / "licenses" / "Python-LICENSE.txt").is_file()
    assert (folder / "licenses" / "COMMON-LICENCES" / "LGPL-3.0.txt").is_file()
    (sbom,) = built.glob(f"{NAME}-*.cdx.json")
    components = {_canonical(c["name"]): c.get("version") for c in json.loads(sbom.read_text())["components"]}
    # The bill of materials names what ships, at the versions that ship, and not the freezer.
    assert (
        components["pyoxigraph"] == shipped["pyoxigraph"]
        and components["pyside6-essentials"] == shipped["pyside6-essentials"]
    )
    assert "pyinstaller" not in components
    (archive,) = built.glob(f"{NAME}-*-linux-*.tar.gz")
    assert archive.stat().st_size > 50e6


#: The environment of commands in the fresh root: none of this process's (the tests' QT_QPA_PLATFORM=offscreen
#: would keep the app off the display).
CLEAN = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _run_in(root: Path, command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["chroot", str(root), "/bin/sh", "-c", command], capture_output=True, text=True, env=CLEAN, **kwargs
    )


def _mount(stack: ExitStack, source: str, target: Path, *options: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", *options, source, str(target)], check=True)
    # A mount left behind would let a later clean-up of the temporary folder reach the host's /dev.
    stack.callback(subprocess.run, ["umount", "-l", str(target)], check=True)


def _window_shown(display: str, title: str) -> bool:
    tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", display], capture_output=True, text=True)
    return title in tree.stdout


def _launch_and_look(root: Path, display: str, command: str, title: str, name: str) -> float:
    """Run ``command`` as the user on ``display``; wait for a window whose title holds ``title``; keep a screenshot.

    Returns the seconds until the window showed.
    """
    started = time.perf_counter()
    # In the background, its output to a file: xdg-open waits for the program it starts, and either would keep the
    # pipe this test reads open.
    launcher = _run_in(root, f"su mapper -c 'DISPLAY={display} setsid {command} > ~/launch.log 2>&1 < /dev/null &'")
    assert launcher.returncode == 0, launcher.stdout + launcher.stderr
    deadline = time.monotonic() + 90
    while not _window_shown(display, title) and time.monotonic() < deadline:
        time.sleep(0.2)
    shown_after = time.perf_counter() - started
    assert _window_shown(display, title), f"no window titled “{title}” in 90 s after {command}"
    time.sleep(3)  # let it paint
    shot = KEPT / f"installed-{name}.png"
    subprocess.run(["import", "-display", display, "-window", "root", str(shot)], check=True)
    colours = subprocess.run(["identify", "-format", "%k", str(shot)], capture_output=True, text=True).stdout
    assert int(colours or 0) > 50, f"the screenshot {shot} is blank"
    return shown_after


def test_the_package_installs_on_a_fresh_debian_opens_the_start_screen_and_leaves_maps_on_removal(built, tmp_path):
    reason = _tools_for_a_fresh_root()
    if reason:
        pytest.skip(reason)
    (package,) = built.glob(f"{NAME}_*.deb")
    root = tmp_path / "debian"
    subprocess.run(
        ["debootstrap", "--variant=minbase", SUITE, str(root), "http://deb.debian.org/debian"],
        check=True,
        capture_output=True,
    )
    with ExitStack() as stack:
        _mount(stack, "proc", root / "proc", "-t", "proc")
        _mount(stack, "/dev", root / "dev", "--bind")
        sockets = Path("/tmp/.X11-unix")
        sockets.mkdir(exist_ok=True)
        sockets.chmod(0o1777)
        _mount(stack, str(sockets), root / "tmp" / ".X11-unix", "--bind")
        shutil.copyfile(package, root / "routine-explorer.deb")  # commands in the root start at its top
        shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")
        # The package and its dependencies, as `apt install ./file.deb` gets them; plus what a desktop has
        # that launches a menu entry (gio) and resolves a double click (the MIME database, xdg-utils).
        install = _run_in(
            root,
            "apt-get update -q && apt-get install -y -q ./routine-explorer.deb shared-mime-info xdg-utils "
            "desktop-file-utils libglib2.0-bin procps",
            timeout=900,
        )
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

        # Every library the bundle's program and Qt's X11 platform load is found on this fresh system.
        internal = f"/opt/{NAME}/_internal"
        linked = _run_in(
            root,
            f"ldd /opt/{NAME}/{NAME} {internal}/libpython3*.so* {internal}/PySide6/Qt/plugins/platforms/libqxcb.so "
            f"{internal}/PySide6/Qt/lib/libQt6XcbQpa.so.6 {internal}/PySide6/*.so",
        )
        assert "not found" not in linked.stdout, [line for line in linked.stdout.splitlines() if "not found" in line]

        # A double click on a Turtle or TriG file opens the app.
        for kind in ("text/turtle", "application/trig"):
            default = _run_in(root, f"xdg-mime query default {kind}")
            assert default.stdout.strip() == f"{NAME}.desktop", default.stdout + default.stderr
        assert _run_in(root, "touch ward.ttl && xdg-mime query filetype ward.ttl").stdout.strip() == ("text/turtle")

        # The user's map, written by the installed command line.
        # A uid of its own: the root shares the host's processes, and the clean-up kills the user's.
        assert _run_in(root, f"useradd --create-home --uid {UID} mapper").returncode == 0
        made = _run_in(
            root,
            f"su mapper -c 'mkdir -p ~/maps && {NAME} convert {internal}/explorer/_data/sample_graphs/"
            "keystone-michigan.ttl ~/maps/mine.ttl'",
        )
        assert made.returncode == 0, made.stdout + made.stderr

        # Xvfb picks a free display and writes its number to the pipe.
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"], pass_fds=(write,)
        )
        os.close(write)
        stack.callback(xvfb.kill)
        with os.fdopen(read) as pipe:
            display = f":{pipe.readline().strip()}"
        stack.callback(lambda: _run_in(root, f"pkill -KILL -u {UID}"))
        KEPT.mkdir(parents=True, exist_ok=True)

        # Clicking the menu entry (gio launches the desktop file as a desktop does): the start screen comes up.
        shown_after = _launch_and_look(
            root, display, f"gio launch /usr/share/applications/{NAME}.desktop", "Routine Explorer", "start-screen"
        )
        print(f"\ninstalled app's window shown {shown_after:.1f} s after its menu entry was launched")
        _run_in(root, f"pkill -u {UID}; sleep 1")
        # A double click on the map (xdg-open, through the MIME database): the app opens it.
        _launch_and_look(root, display, "xdg-open ~/maps/mine.ttl", "(mine.ttl)", "map-opened")

        # Removing the package takes the app away and leaves the user's maps where they are.
        _run_in(root, f"pkill -u {UID}; sleep 1")
        removed = _run_in(root, f"dpkg -r {NAME}")
        assert removed.returncode == 0, removed.stdout + removed.stderr
        assert not (root / "opt" / NAME).exists() and not (root / "usr" / "bin" / NAME).exists()
        assert (root / "home" / "mapper" / "maps" / "mine.ttl").stat().st_size > 1000
