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
#: Debian's copies of the licence texts that packages only name (PySide6 and Qt: LGPL-3.0, which cites GPL-3.0).
COMMON_LICENCES = Path("/usr/share/common-licenses")


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
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["version"]


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


def copy_licences(environment: Path, bundled: set[str], target: Path) -> list[str]:
    """Copy the licence files of the ``bundled`` distributions into ``target``; returns README lines."""
    lines = []
    for info in distributions(environment):
        metadata = email.parser.Parser().parsestr((info / "METADATA").read_text(encoding="utf-8", errors="replace"))
        name, release = metadata["Name"], metadata["Version"]
        if name.lower() not in bundled:
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
        lines.append(f"{name} {release}: {licence_of(metadata)}{held}")
    return lines


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
    bundled = {info.name.split("-")[0].replace("_", "-").lower() for info in distributions(app)}
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
    shutil.copyfile(ROOT / "LICENSE", folder / "LICENSE")
    base = Path(
        subprocess.check_output([python_of(app), "-c", "import sys; print(sys.base_prefix)"], text=True).strip()
    )
    python_licence = next(iter(sorted(base.glob("lib/python3.*/LICENSE.txt"))), None)
    if python_licence is not None:
        shutil.copyfile(python_licence, licences / "Python-LICENSE.txt")
        lines.append(f"Python {platform.python_version()}: PSF-2.0 (Python-LICENSE.txt)")
    for text in ("LGPL-3", "GPL-3"):
        if (COMMON_LICENCES / text).is_file():
            (licences / "COMMON-LICENCES").mkdir(exist_ok=True)
            shutil.copyfile(COMMON_LICENCES / text, licences / "COMMON-LICENCES" / text)
    (licences / "README.txt").write_text(
        f"Routine Explorer {release} is MIT-licensed (../LICENSE). It bundles these packages; each folder here holds\n"
        "the licence files its package ships. Qt and PySide6 are used under the LGPL-3.0 (COMMON-LICENCES/LGPL-3):\n"
        "their libraries are separate files in _internal/, which you may replace with your own builds.\n"
        f"The bill of materials ({sbom.name}) lists the same packages with their licences.\n\n"
        + "\n".join(lines)
        + "\n",
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
