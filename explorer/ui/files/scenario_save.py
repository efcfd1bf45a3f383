"""Saving a map with scenarios in a one-graph format: say which scenarios would be left out and offer TriG.

Turtle, N-Triples, JSON-LD and RDF/XML hold one graph, so they cannot keep a
map's scenarios; the core refuses such a save
(:class:`~explorer.core.errors.ScenariosNotSaved`). The window then asks here:
"Save as TriG…" (a Save As dialog with the same name ending in ``.trig``) or
Cancel. Nothing is written until the user chooses.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from explorer.core.errors import ScenariosNotSaved
from explorer.core.text import one_line

#: Scenario names listed in the dialog (the rest are counted).
LISTED = 10

TRIG_FILTER = "TriG (*.trig)"


def trig_name(path: Path) -> Path:
    """``path`` with its extension (``.gz`` included) replaced by ``.trig``.

    Examples
    --------
    >>> trig_name(Path("/maps/ward.ttl.gz")).name, trig_name(Path("ward.jsonld")).name
    ('ward.trig', 'ward.trig')
    """
    if path.suffix.lower() == ".gz":
        path = path.with_suffix("")
    return path.with_suffix(".trig")


def ask_save_as_trig(parent: QWidget, error: ScenariosNotSaved, path: Path) -> Path | None:
    """Say which scenarios ``path``'s format would leave out; returns the TriG file chosen, or None (cancelled)."""
    count = len(error.scenarios)
    names = "\n".join(f"• {one_line(name, 80)}" for name in error.scenarios[:LISTED])
    if count > LISTED:
        names += f"\n… and {count - LISTED:,} more"
    noun = "scenario" if count == 1 else "scenarios"
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Scenarios would be left out",
        f"{error.format_label} keeps one graph, so saving “{path.name}” would leave out this map's "
        f"{count:,} {noun}:\n\n{names}",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("scenariosNotSaved")
    box.setTextFormat(Qt.TextFormat.PlainText)  # scenario names come from the file
    box.setInformativeText(
        "TriG keeps the as-is map and every scenario in one file, and opens again as it is now. "
        "Nothing has been written."
    )
    trig = box.addButton("Save as &TriG…", QMessageBox.ButtonRole.AcceptRole)
    trig.setObjectName("saveAsTrig")
    box.setDefaultButton(trig)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is not trig:
        return None
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save map as TriG", str(trig_name(path)), TRIG_FILTER)
    if not chosen:
        return None
    chosen = Path(chosen)
    return chosen if chosen.suffix else chosen.with_suffix(".trig")


__all__ = ["ask_save_as_trig", "trig_name"]
