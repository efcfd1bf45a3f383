"""The user guide (docs/guide/) says only what is there: its pictures exist, its links lead somewhere, and
every keyboard shortcut it names is a shortcut of one of the window's actions."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QKeySequence

from explorer.ui.help.guide import CHAPTERS, guide_dir

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)")
#: A key with modifiers (Ctrl+Shift+K, Ctrl+/) or a function key (F1, F2), as the guide writes them.
SHORTCUT = re.compile(
    r"(?<![\w+])((?:(?:Ctrl|Shift|Alt|Meta)\+)+(?:F\d{1,2}|[A-Z0-9/]|Enter|Return|Left|Right)|F\d{1,2})(?!\w)"
)


def _pages():
    return {name: (guide_dir() / name).read_text(encoding="utf-8") for name, _ in CHAPTERS}


def test_every_chapter_exists_and_every_picture_and_link_it_names_is_there():
    pages = _pages()
    for name, text in pages.items():
        images = IMAGE.findall(text)
        if name != "index.md":
            assert 2 <= len(images) <= 4, f"{name} has {len(images)} pictures"
        for image in images:
            path = guide_dir() / image
            assert path.is_file(), f"{name} shows {image}, which is missing"
            assert path.stat().st_size < 150_000, f"{image} is {path.stat().st_size} bytes"
        for link in LINK.findall(text):
            if "://" in link:
                continue
            assert (guide_dir() / link).resolve().is_file(), f"{name} links to {link}, which is missing"


def test_every_shortcut_the_guide_names_is_a_shortcut_of_the_window(make_window):
    window = make_window()
    known = set()
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            known.add(sequence.toString(QKeySequence.SequenceFormat.PortableText))
    named = {key for text in _pages().values() for key in SHORTCUT.findall(text)}
    assert {"F1", "Ctrl+K", "Ctrl+R", "Ctrl+Shift+K"} <= named  # the parser reads the guide's keys
    unknown = {
        key for key in named if QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText) not in known
    }
    assert not unknown, f"the guide names shortcuts no action has: {sorted(unknown)}"


def test_the_guide_names_the_start_screens_import_button(qtbot):
    from explorer.ui.panels.start_screen import StartScreen

    screen = StartScreen()
    qtbot.addWidget(screen)
    guide = _pages()["mapping-your-service.md"]
    section = guide.split("## Import a spreadsheet", 1)[1].split("\n## ", 1)[0]
    assert f"**{screen.import_button.accessibleName()}**" in section  # as the guide names buttons: in bold
