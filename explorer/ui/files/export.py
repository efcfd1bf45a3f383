"""File > Export: one menu entry per export format in the registry, each run in a worker with progress.

The entries come from :mod:`explorer.io.registry` at start-up, so a format
registered there (the web page, the images, GraphML, GEXF, CSV lists, the RDF
formats) appears here without a change to this module. An export writes what
the canvas shows: the nodes where they are drawn, and the analysis heat when
the Analysis panel's Heat box is ticked. The last folder exported to is
remembered between sessions. While a scenario is shown, the export is titled with
it ("Map — scenario “to-be”") and its suggested file name ends in the scenario's
name, so the to-be picture is never taken for the map as it is.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from explorer.core.errors import ExplorerError
from explorer.core.iris import slug
from explorer.core.scenarios import display_title, shown
from explorer.io import registry
from explorer.ui.common import safe_text, settings
from explorer.ui.common.host import MapHost

SETTINGS_KEY = "export/folder"


def _group(fmt: registry.Format) -> int:
    """Menu section: the web page and images first, then graph and table files, then RDF."""
    if fmt.name == "html" or fmt.needs_qt:
        return 0
    if fmt.target.startswith("explorer.io.rdf_export:"):
        return 2
    return 1


def scenario_suffix(document) -> str:
    """``"-to-be"`` for a file made while the scenario "to-be" is shown, else ``""``: ends a suggested file name."""
    showing = shown(document.store)
    return "" if showing is None else f"-{slug(showing.name, 40) or 'scenario'}"


def _stem(document) -> str:
    if document.path is not None:
        name = document.path.name
        for ending in (".gz",):
            name = name.removesuffix(ending)
        return Path(name).stem + scenario_suffix(document)
    cleaned = "".join(c if c.isalnum() or c in " -_" else " " for c in document.title).strip()
    return ("-".join(cleaned.split()).lower() or "map") + scenario_suffix(document)


def with_extension(path: Path, fmt: registry.Format) -> Path:
    """``path``, with the format's first extension added when its name ends in none of the format's."""
    name = path.name.lower()
    if any(name.endswith("." + e) for e in fmt.extensions):
        return path
    return path.with_name(f"{path.name}.{fmt.extensions[0]}")


class ExportActions(QObject):
    """The Export submenu of a :class:`~explorer.ui.main_window.MainWindow`.

    ``exported`` is emitted with the written path(s) after each successful export.
    """

    exported = Signal(object)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.task = None
        self.menu = QMenu("E&xport", window)
        self.menu.setObjectName("menu-export")
        self.menu.setToolTipsVisible(True)
        window.menus["file"].insertMenu(window.menus["export_anchor"], self.menu)
        self.actions: dict[str, QAction] = {}
        previous = None
        for fmt in sorted(registry.formats("export"), key=_group):
            if previous is not None and _group(fmt) != previous:
                self.menu.addSeparator()
            previous = _group(fmt)
            endings = ", ".join("." + e for e in fmt.extensions)
            action = QAction(f"{fmt.label}…", window)
            action.setStatusTip(f"Write the map as {fmt.label} ({endings})")
            action.setToolTip(f"{fmt.label} ({endings})")
            action.triggered.connect(lambda checked=False, f=fmt: self.export(f))
            self.menu.addAction(action)
            window.map_actions.append(action)
            self.actions[fmt.name] = action
            action.setEnabled(window.document is not None)
        window.menus["export"] = self.menu

    # ------------------------------------------------------------------ choosing
    def _settings(self):

        return settings()

    def start_folder(self) -> Path:
        """Where the file dialog opens: the last export folder, else the map's folder, else home."""
        remembered = self._settings().value(SETTINGS_KEY, "", type=str)
        if remembered and Path(remembered).is_dir():
            return Path(remembered)
        document = self.window.document
        if document is not None and document.path is not None and document.path.parent.is_dir():
            return document.path.parent
        return Path.home()

    def ask_path(self, fmt: registry.Format) -> Path | None:
        start = self.start_folder() / f"{_stem(self.window.document)}.{fmt.extensions[0]}"
        chosen, _ = QFileDialog.getSaveFileName(self.window, f"Export as {fmt.label}", str(start), fmt.dialog_filter)
        return Path(chosen) if chosen else None

    def heat(self) -> dict | None:
        """The analysis's likelihood of resistance by node (0–1) when the Analysis panel shows its heat, else None."""
        panel = getattr(self.window, "analysis", None)
        result = getattr(panel, "result", None)
        box = getattr(panel, "heat", None)
        if result is None or box is None or not box.isChecked():
            return None
        return {point.node: point.likelihood for point in result.points}

    # ------------------------------------------------------------------ exporting
    def export(self, fmt: registry.Format | str, path: str | Path | None = None):
        """Export the open map as ``fmt`` to ``path`` (asks when None); returns the running task, or None."""
        window = self.window
        document = window.document
        if document is None:
            return None
        if isinstance(fmt, str):
            fmt = registry.get(fmt, "export")
        if path is None:
            path = self.ask_path(fmt)
            if path is None:
                return None
        path = with_extension(Path(path), fmt)
        self._settings().setValue(SETTINGS_KEY, str(path.parent))
        try:
            writer = fmt.load()
        except (ImportError, AttributeError) as error:
            self._warn(f"Cannot export as {fmt.label}", f"This format is not available: {error}")
            return None
        window.commit_pending()
        title = display_title(document)
        heat = self.heat()
        # A copy taken here, on the UI thread: the canvas keeps changing its own while the worker reads.
        positions = dict(window.canvas.positions) if window.canvas.positions else None
        options = {"positions": positions} if positions else {}

        def work(progress):
            import contextlib

            from explorer.core.journal import write_lock

            targets = [path]
            if fmt.name == "csv":
                from explorer.io.csv_tables import csv_paths

                targets = list(csv_paths(path))
            # A map open for editing (here or in another window) is never overwritten by an export.
            with contextlib.ExitStack() as locks:
                for target in targets:
                    locks.enter_context(write_lock(target))
                writer(document, path, title=title, heat=heat, progress=progress, **options)
            return path

        def succeeded(_):
            written = [path]
            if fmt.name == "csv":
                from explorer.io.csv_tables import csv_paths

                written = list(csv_paths(path))
            names = " and ".join(p.name for p in written)
            note = ""
            if fmt.target.startswith("explorer.io.rdf_export:"):
                from explorer.io.rdf_export import scenarios_note

                note = scenarios_note(document, fmt.name)  # a one-graph format: the map shown, not the scenarios
            heated = " with the analysis heat" if heat else ""
            window.show_status(f"Exported {names}{heated}" + (f": {note}" if note else ""), 12000 if note else 8000)
            self.exported.emit(written)

        def failed(error):
            text = str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"
            self._warn(f"Cannot export as {fmt.label}", f"{path}\n\n{text}")

        from explorer.ui.common.workers import run_task

        self.task = run_task(
            f"Exporting {path.name}…",
            work,
            parent=window,
            dialog_parent=window,
            on_success=succeeded,
            on_failure=failed,
            on_cancel=lambda: window.show_status("Export cancelled", 5000),
        )
        return self.task

    def _warn(self, title: str, text: str) -> None:

        QMessageBox.warning(self.window, title, safe_text(text))


def install(window: MapHost) -> ExportActions:
    """Add File > Export to ``window``, one entry per export format in the registry."""
    return ExportActions(window)
