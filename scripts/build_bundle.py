"""Build Routine Explorer's desktop bundle: one folder holding the app, Python and every library it needs.

Run from a clean checkout, with the Python 3.11+ the bundle should carry, on the oldest Linux it is for
(the bundle needs that machine's glibc or newer; PySide6 needs glibc 2.34)::

    python3 scripts/build_bundle.py            # then: dist/routine-explorer/routine-explorer
    python3 scripts/build_deb.py               # wraps it as a Debian package

What it does, each step printed with its time:

1. **Environments.** ``build/bundle/app`` holds the app installed from this checkout and nothing else
   (it is made without pip; a second environment, ``build/bundle/tools``, holds pip and the build tools of
   ``pyproject.toml``'s ``bundle`` extra and installs into it), so its packages are exactly what runs.
2. **Bill of materials.** ``cyclonedx-py`` describes that environment, before the freezer joins it:
   ``dist/routine-explorer-VERSION.cdx.json`` (CycloneDX JSON, with licence texts where packages ship them).
3. **Freeze.** PyInstaller runs ``packaging/routine-explorer.spec`` (one folder, the app's data and every
   package's metadata) into ``dist/routine-explorer/``.
4. **Licences.** Each bundled package's licence files go to ``licenses/PACKAGE/``, listed with their licence
   in ``licenses/README.txt``, beside the app's own ``LICENSE`` and Python's.
5. **Self-test.** The bundle's own ``routine-explorer --self-test`` runs headless; a failure fails the build.
6. **Archive.** ``dist/routine-explorer-VERSION-SYSTEM-ARCH.tar.gz`` (a ``.zip`` on Windows).

The same script runs on Windows and macOS (``packaging/ci/installers.yml`` wraps its bundle in their installers
there); it has been run on Linux only.

Nothing is fetched but packages from the package index pip is configured with.

Examples
--------
>>> licence_of({"License-Expression": "MIT"}), licence_of({"License": "BSD License"})
('MIT', 'BSD License')
"""

from __future__ import annotations

import argparse
import email.parser
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "routine-explorer"
#: Files in a package's distribution that hold its licence, copyright or notices.
LICENCE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|notice|authors|copyright)[^/]*$", re.IGNORECASE)
#: The licence texts that bundled packages name without shipping (PySide6 and Qt: LGPL-3.0, which cites GPL-3.0;
#: igraph: GPL-2.0 or later), kept in the repository so every system's bundle carries them.
COMMON_LICENCES = ROOT / "packaging" / "licenses"


def canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares them: ``PySide6_Essentials`` and ``pyside6-essentials`` are one.

    Examples
    --------
    >>> canonical("PySide6_Essentials"), canonical("jaraco.context")
    ('pyside6-essentials', 'jaraco-context')
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def step(title: str):
    """Print ``title``, then (when the returned function is called) the seconds since."""
    print(f"== {title}", flush=True)
    start = time.perf_counter()
    return lambda: print(f"   done in {time.perf_counter() - start:.0f} s", flush=True)


def run(*args, **kwargs) -> None:
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def bundle_requirements() -> list[str]:
    """The build tools, as ``pyproject.toml``'s ``bundle`` extra pins them (one home for the ranges)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["optional-dependencies"]["bundle"])


def version() -> str:
    """The app's version, from its one home (``explorer/__init__.py``; the package metadata is built from it too)."""
    text = (ROOT / "explorer" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise SystemExit("build_bundle: no __version__ in explorer/__init__.py")
    return found.group(1)


def python_of(environment: Path) -> Path:
    return environment / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def site_packages(environment: Path) -> Path:
    found = sorted(environment.glob("lib/python3.*/site-packages")) or [environment / "Lib" / "site-packages"]
    return found[0]


def distributions(environment: Path) -> list[Path]:
    """The ``*.dist-info`` folders of the packages installed in ``environment``."""
    return sorted(site_packages(environment).glob("*.dist-info"))


def licence_of(metadata) -> str:
    """A distribution's licence as its metadata states it (the SPDX expression when given)."""
    for field in ("License-Expression", "License"):
        value = (metadata.get(field) or "").strip()
        if value and len(value) < 200:  # some packages paste the whole licence text here
            return value.splitlines()[0]
    classifiers = [c.split(" :: ")[-1] for c in metadata.get_all("Classifier") or [] if c.startswith("License ::")]
    return "; ".join(classifiers) or "see the files in this folder"


def metadata_of(info: Path):
    """The parsed ``METADATA`` of a ``*.dist-info`` folder."""
    return email.parser.Parser().parsestr((info / "METADATA").read_text(encoding="utf-8", errors="replace"))


def copy_licences(environment: Path, bundled: set[str], target: Path) -> dict[str, str]:
    """Copy the licence files of the ``bundled`` distributions into ``target``; returns ``{name: README line}``."""
    lines = {}
    for info in distributions(environment):
        metadata = metadata_of(info)
        name, release = metadata["Name"], metadata["Version"]
        if canonical(name) not in bundled:
            continue
        record = (info / "RECORD").read_text(encoding="utf-8", errors="replace").splitlines()
        files = [line.split(",")[0] for line in record if LICENCE_FILE.search(line.split(",")[0])]
        folder = target / name
        for relative in files:
            source = site_packages(environment) / relative
            if source.is_file():
                destination = folder / Path(relative).name
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
        held = "" if files else " (no licence file in the package; the text is in COMMON-LICENCES or at its home page)"
        lines[canonical(name)] = f"{name} {release}: {licence_of(metadata)}{held}"
    return lines


def copyleft(lines: dict[str, str]) -> list[str]:
    """The packages under the GPL itself (not the LGPL, not a choice that includes it): the bundle as a whole
    is then distributed on the GPL's terms.

    Examples
    --------
    >>> copyleft({"igraph": "igraph 1.0.0: GNU General Public License (GPL)", "qt": "Qt: LGPL-3.0 OR GPL-3.0"})
    ['igraph 1.0.0: GNU General Public License (GPL)']
    """
    gpl, lesser = re.compile(r"GPL|General Public"), re.compile(r"LGPL|Lesser")
    return [line for line in lines.values() if gpl.search(line) and not lesser.search(line)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bundle", help="build folder (replaced)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle and its files go")
    parser.add_argument("--no-self-test", action="store_true", help="skip the bundle's --self-test")
    args = parser.parse_args()
    work, dist = args.work.resolve(), args.dist.resolve()
    tools, app = work / "tools", work / "app"
    release = version()
    arch = platform.machine()

    done = step("environments (the app alone, and the build tools)")
    shutil.rmtree(work, ignore_errors=True)
    venv.create(tools, with_pip=True, clear=True)
    venv.create(app, with_pip=False, clear=True)
    pip = [python_of(tools), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    run(*pip, "install", *[r for r in bundle_requirements() if r.startswith("cyclonedx")])
    run(*pip, "--python", python_of(app), "install", ROOT)
    bundled = {canonical(metadata_of(info)["Name"]) for info in distributions(app)}
    done()

    done = step("bill of materials (CycloneDX)")
    dist.mkdir(parents=True, exist_ok=True)
    sbom = dist / f"{NAME}-{release}.cdx.json"
    cyclonedx = tools / ("Scripts" if os.name == "nt" else "bin") / "cyclonedx-py"
    run(
        cyclonedx,
        "environment",
        python_of(app),
        "--pyproject",
        ROOT / "pyproject.toml",
        "--gather-license-texts",
        "--output-reproducible",
        "-o",
        sbom,
    )
    done()

    done = step("freeze (PyInstaller, one folder)")
    run(*pip, "--python", python_of(app), "install", *[r for r in bundle_requirements() if r.startswith("pyinstaller")])
    folder = dist / NAME
    shutil.rmtree(folder, ignore_errors=True)
    # Run from the build folder: from the checkout, `python -m` would find the source tree's `explorer`, which
    # does not hold the app's data (the installed package carries it in explorer/_data).
    run(
        python_of(app),
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        dist,
        "--workpath",
        work / "pyinstaller",
        ROOT / "packaging" / f"{NAME}.spec",
        cwd=work,
    )
    done()

    done = step("licences")
    licences = folder / "licenses"
    lines = copy_licences(app, bundled, licences)
    unlisted = sorted(bundled - lines.keys())
    if unlisted:
        raise SystemExit(f"build_bundle: no licence found for {', '.join(unlisted)}")
    shutil.copyfile(ROOT / "LICENSE", folder / "LICENSE")
    prefix = [python_of(app), "-c", "import sys; print(sys.base_prefix)"]
    base = Path(subprocess.check_output(prefix, text=True).strip())
    python_licence = next(iter(sorted([*base.glob("lib/python3.*/LICENSE.txt"), *base.glob("LICENSE.txt")])), None)
    if python_licence is None:
        raise SystemExit(f"build_bundle: Python's LICENSE.txt is not under {base}")
    shutil.copyfile(python_licence, licences / "Python-LICENSE.txt")
    shutil.copytree(COMMON_LICENCES, licences / "COMMON-LICENCES")
    gpl = copyleft(lines)
    (licences / "README.txt").write_text(
        f"Routine Explorer {release}'s own code is MIT-licensed (../LICENSE). This bundle also carries the packages\n"
        "below, each folder here holding the licence files its package ships, and Python's (Python-LICENSE.txt).\n"
        "Qt and PySide6 are used under the LGPL-3.0 (COMMON-LICENCES/LGPL-3.0.txt): their libraries are separate\n"
        "files in _internal/, which you may replace with your own builds.\n"
        + (
            "These are under the GPL, so the bundle as a whole is distributed on the GPL's terms (their source is\n"
            "the unmodified release of the version named, on PyPI; COMMON-LICENCES has the GPL texts):\n"
            + "".join(f"  {line}\n" for line in gpl)
            if gpl
            else ""
        )
        + f"The bill of materials ({sbom.name}) lists the same packages with their licences.\n\n"
        + "\n".join(sorted(lines.values(), key=str.lower))
        + f"\nPython {platform.python_version()}: PSF-2.0 (Python-LICENSE.txt)\n",
        encoding="utf-8",
    )
    done()

    if not args.no_self_test:
        done = step("self-test of the bundle (headless)")
        with tempfile.TemporaryDirectory() as data:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ROUTINE_EXPLORER_DATA_DIR": data}
            run(folder / (f"{NAME}.exe" if os.name == "nt" else NAME), "--self-test", env=env)
        done()

    done = step("archive")
    system = platform.system().lower()
    archive = shutil.make_archive(
        str(dist / f"{NAME}-{release}-{system}-{arch}"), "zip" if os.name == "nt" else "gztar", dist, NAME
    )
    done()
    size = sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_symlink())  # Qt's libraries are linked twice
    print(f"\nbundle: {folder} ({size / 1e6:,.0f} MB)\narchive: {archive}\nbill of materials: {sbom}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
