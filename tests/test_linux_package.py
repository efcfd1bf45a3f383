"""The desktop entry, MIME types and icon the Linux package installs agree with each other and with the app."""

from __future__ import annotations

import configparser
import doctest
import importlib
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"


def _script(name: str):
    """A module of ``scripts/`` (they import each other by name, as when run from there)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_the_build_scripts_examples_hold():
    for name in ("build_bundle", "build_deb"):
        failed, tried = doctest.testmod(_script(name), optionflags=doctest.ELLIPSIS)
        assert tried and not failed, name


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / "routine-explorer.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_starts_the_installed_command_on_the_file_clicked_with_the_apps_icon():
    entry = _entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    command, argument = entry["Exec"].split()
    assert command in scripts and argument == "%f"  # one file: the app opens one map
    assert (ROOT / "explorer" / "ui" / "icons" / f"{entry['Icon']}.svg").is_file()
    # The window names the desktop entry the package installs, so a desktop matches the window to its launcher.
    from explorer.ui.app import DESKTOP_FILE

    assert (LINUX / f"{DESKTOP_FILE}.desktop").is_file() and _script("build_deb").NAME == DESKTOP_FILE


def test_the_mime_types_the_entry_opens_are_declared_for_turtle_and_trig_files():
    entry_types = {t for t in _entry()["MimeType"].split(";") if t}
    namespace = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    declared = {
        node.get("type"): [glob.get("pattern") for glob in node.findall("m:glob", namespace)]
        for node in ET.parse(LINUX / "routine-explorer.xml").getroot().findall("m:mime-type", namespace)
    }
    assert entry_types == set(declared) and declared == {"text/turtle": ["*.ttl"], "application/trig": ["*.trig"]}


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-validate is not installed")
def test_the_desktop_entry_is_valid():
    proc = subprocess.run(
        ["desktop-file-validate", str(LINUX / "routine-explorer.desktop")], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "error" not in proc.stdout, proc.stdout
