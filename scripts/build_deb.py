"""Wrap the desktop bundle (``scripts/build_bundle.py``) as a Debian package, with ``dpkg-deb``.

Usage, after building the bundle::

    python3 scripts/build_deb.py               # -> dist/routine-explorer_VERSION_ARCH.deb
    sudo apt install ./dist/routine-explorer_*.deb

The package puts the bundle in ``/opt/routine-explorer``, ``routine-explorer`` on the path, a desktop
entry and icon in the menus, and Turtle (``.ttl``) and TriG (``.trig``) files opening in the app by
double click (the MIME types in ``packaging/linux/routine-explorer.xml``). Debian's triggers refresh
the menus, icons and MIME database, so there are no maintainer scripts. Removing it removes only
these files: maps, settings and journals live in the user's home and stay.

Examples
--------
>>> print(control("0.1.0", "amd64", 400_000, "2.35").splitlines()[5])
Depends: libc6 (>= 2.35), libgl1, libegl1, libfontconfig1, libfreetype6, libxkbcommon0, libxkbcommon-x11-0, ...
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from build_bundle import version as app_version  # this folder is on the path when a script here runs

ROOT = Path(__file__).resolve().parents[1]
NAME = "routine-explorer"
#: What the bundle needs from the system and does not carry, besides glibc (whose version is read from the bundle,
#: :func:`glibc_needed`): the OpenGL and EGL drivers, the X11 and D-Bus client libraries Qt's xcb platform loads,
#: and Kerberos (for Qt Network). Found by running the bundle in a minimal Debian root
#: (tests/bundle/test_bundle.py checks that none is missing).
DEPENDS = (
    "libgl1, libegl1, libfontconfig1, libfreetype6, libxkbcommon0, libxkbcommon-x11-0, "
    "libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, "
    "libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libdbus-1-3, libgssapi-krb5-2"
)
_GLIBC = re.compile(r"GLIBC_(\d+)\.(\d+)")
#: Honest placeholder: no mail is read at a .invalid address (RFC 2606); issues go to the project's tracker.
MAINTAINER = "Routine Explorer maintainers <maintainers@routine-explorer.invalid>"
DESCRIPTION = """\
Map an organisation's routines and see where a change meets resistance
 Routine Explorer is a desktop tool for change agents in health care and other
 organisations: map the people, units, routines, norms and external forces of an
 organisation as an RDF knowledge graph at micro, meso and macro levels, see
 where a proposed change is likely to meet resistance and why, export the map
 for reports and query it with SPARQL. It works offline."""


def architecture() -> str:
    return subprocess.check_output(["dpkg", "--print-architecture"], text=True).strip()


def newest_glibc(symbols: str) -> tuple[int, int]:
    r"""The newest ``GLIBC_x.y`` symbol version named in ``objdump -T`` output.

    Examples
    --------
    >>> newest_glibc("0000 DF *UND* GLIBC_2.34 pthread_create\n0000 DF *UND* GLIBC_2.2.5 free\n")
    (2, 34)
    """
    return max(((int(a), int(b)) for a, b in _GLIBC.findall(symbols)), default=(2, 17))


def glibc_needed(bundle: Path) -> str:
    """The oldest glibc every program and library of ``bundle`` can run on: the newest symbol version they use.

    The bundle carries the Python it was built with, linked against the build machine's glibc, so this is
    read from the files rather than assumed (PySide6's wheels alone need 2.34).
    """
    elves = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    elves.append(str(path))
    newest = (2, 17)
    for start in range(0, len(elves), 200):  # objdump takes many files at once
        out = subprocess.run(["objdump", "-T", *elves[start : start + 200]], capture_output=True, text=True).stdout
        newest = max(newest, newest_glibc(out))
    return f"{newest[0]}.{newest[1]}"


def control(version: str, arch: str, installed_kb: int, glibc: str) -> str:
    """The package's ``DEBIAN/control``."""
    return (
        f"Package: {NAME}\nVersion: {version}\nArchitecture: {arch}\nMaintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kb}\nDepends: libc6 (>= {glibc}), {DEPENDS}\nSection: science\n"
        f"Priority: optional\nDescription: {DESCRIPTION}\n"
    )


def copyright_file(version: str) -> str:
    """``/usr/share/doc/routine-explorer/copyright`` in Debian's machine-readable format, from ``LICENSE``."""
    text = (ROOT / "LICENSE").read_text(encoding="utf-8").splitlines()
    holder = next(line for line in text if line.startswith("Copyright")).removeprefix("Copyright (c) ")
    body = text[next(i for i, line in enumerate(text) if line.startswith("Permission")) :]
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: Routine Explorer\nComment: Version {version}. The bundled packages' licences are in\n"
        f" /opt/{NAME}/licenses (README.txt lists them); Qt and PySide6 are used under the LGPL-3.0,\n"
        " see /usr/share/common-licenses/LGPL-3.\n\n"
        f"Files: *\nCopyright: {holder}\nLicense: MIT\n" + "".join(f" {line}\n" if line else " .\n" for line in body)
    )


def build(bundle: Path, out: Path) -> Path:
    """Lay out the package's files beside ``out`` and build it; returns the ``.deb``."""
    version, arch = app_version(), architecture()
    stage = out / f"{NAME}_{version}_{arch}"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / NAME
    shutil.copytree(bundle, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
    share = stage / "usr" / "share"
    places = {
        ROOT / "packaging" / "linux" / f"{NAME}.desktop": share / "applications" / f"{NAME}.desktop",
        ROOT / "explorer" / "ui" / "icons" / f"{NAME}.svg": share
        / "icons"
        / "hicolor"
        / "scalable"
        / "apps"
        / f"{NAME}.svg",
        ROOT / "packaging" / "linux" / f"{NAME}.xml": share / "mime" / "packages" / f"{NAME}.xml",
    }
    for source, target in places.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    doc = share / "doc" / NAME
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_file(version), encoding="utf-8")
    for path in stage.rglob("*"):  # readable by everyone, written by root only; programs keep their x bit
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or path.stat().st_mode & 0o100 else 0o644)
    size_kb = sum(p.lstat().st_size for p in stage.rglob("*")) // 1024
    (stage / "DEBIAN").mkdir()
    glibc = glibc_needed(opt)
    (stage / "DEBIAN" / "control").write_text(control(version, arch, size_kb, glibc), encoding="utf-8")
    package = out / f"{stage.name}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(package)], check=True)
    shutil.rmtree(stage)
    return package


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / NAME, help="the bundle folder")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the package goes")
    args = parser.parse_args()
    if not (args.bundle / NAME).is_file():
        print(f"build_deb: no bundle at {args.bundle}: run scripts/build_bundle.py first", file=sys.stderr)
        return 2
    if shutil.which("dpkg-deb") is None:
        print("build_deb: dpkg-deb is missing (Debian's dpkg package)", file=sys.stderr)
        return 2
    package = build(args.bundle.resolve(), args.out.resolve())
    print(f"package: {package} ({package.stat().st_size / 1e6:,.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
