"""File > Export Report… and Analysis > Report on the Change…: the change report as PDF or HTML, from the app.

The report is about one change proposal: the one chosen in the Analysis panel
(asked for when the map has several). If the panel's last result is of that
change and the map has not changed since, it is reused; otherwise the change
is analysed first, in a separate process as the panel does (with its seed,
top k, uncertainty runs and weights), with a progress dialog that can cancel.
Then a worker thread draws the map as the canvas shows it (places and heat),
the charts and the pages, and writes the file; the window stays responsive.
While a scenario is shown, the report's title names it.
"""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QProgressDialog

from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX
from explorer.core.text import one_line
from explorer.io import registry
from explorer.io.report import scenario_title
from explorer.ui.common import safe_text, settings
from explorer.ui.common.host import MapHost
from explorer.ui.files.export import scenario_suffix

SETTINGS_KEY = "export/folder"  # shared with File > Export: one remembered folder for what leaves the app
_FILTERS = {"pdf": "PDF report (*.pdf)", "html": "Report as a web page (*.html *.htm)"}


class ReportActions(QObject):
    """The report's menu entries on a :class:`~explorer.ui.main_window.MainWindow`.

    ``written`` is emitted with the report's path when it has been written.
    """

    written = Signal(object)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.run = None  # the analysis run, while one is going
        self.task = None  # the report task, once started
        self.action = QAction("Export &Report…", window)
        self.action.setStatusTip(
            "Write the change report (resistance, reasons, levers, method) as PDF or as a web page"
        )
        self.action.triggered.connect(lambda: self.export_report())
        window.menus["file"].insertAction(window.menus["export_anchor"], self.action)
        self.analysis_action = QAction("&Report on the Change…", window)
        self.analysis_action.setStatusTip(
            "Write a report on the change chosen in the Analysis panel, as PDF or as a web page"
        )
        self.analysis_action.triggered.connect(lambda: self.export_report())
        window.menus["analysis"].addAction(self.analysis_action)
        for action in (self.action, self.analysis_action):
            window.map_actions.append(action)
            action.setEnabled(window.document is not None)

    # ------------------------------------------------------------------ freshness of the panel's result
    def reusable_result(self, change):
        """The Analysis panel's result when it is of ``change`` and still of the map as it is, else None.

        Nodes moved on the canvas since do not count as a change of the map.
        """
        panel = self.window.analysis
        result = panel.result
        if result is None or result.change != change or panel.stale:
            return None
        return result

    # ------------------------------------------------------------------ choosing
    def changes(self) -> list:
        """The map's change proposals as ``(label, iri)``, in label order."""
        window = self.window
        if window.projection is None or window.schema is None:
            return []
        found = [
            (one_line(view.label) or str(iri), iri)
            for iri, view in window.projection.nodes.items()
            if view.kind is not None and window.schema.is_a(view.kind, RX.ChangeProposal)
        ]
        return sorted(found, key=lambda item: (item[0].casefold(), str(item[1])))

    def choose_change(self):
        """The change to report on: the panel's choice, or the user's when the map has several.

        None if the map has none or the user cancelled.
        """
        options = self.changes()
        if not options:
            QMessageBox.information(
                self.window,
                "No change to report on",
                "This map has no change proposal. Add one from the palette (Change proposal), tie it to "
                "the routines it disrupts, then export the report.",
            )
            return None
        if len(options) == 1:
            return options[0][1]
        current = self.window.analysis.current_change()
        labels = [label for label, _ in options]
        index = next((i for i, (_, iri) in enumerate(options) if iri == current), 0)
        label, ok = QInputDialog.getItem(self.window, "Export Report", "Report on which change?", labels, index, False)
        if not ok:
            return None
        return options[labels.index(label)][1]

    def ask_path(self) -> Path | None:

        window = self.window
        folder = settings().value(SETTINGS_KEY, "", type=str)
        if not folder or not Path(folder).is_dir():
            path = window.document.path
            folder = str(path.parent) if path is not None and path.parent.is_dir() else str(Path.home())
        stem = window.document.path.stem if window.document.path is not None else "map"
        stem += scenario_suffix(window.document)
        chosen, selected = QFileDialog.getSaveFileName(
            window, "Export Report", str(Path(folder) / f"{stem}-report.pdf"), ";;".join(_FILTERS.values())
        )
        if not chosen:
            return None
        path = Path(chosen)
        try:
            registry.for_path(path, "report")
        except ExplorerError:  # no known ending: the filter chosen decides
            ending = "html" if selected == _FILTERS["html"] else "pdf"
            path = path.with_name(f"{path.name}.{ending}")
        settings().setValue(SETTINGS_KEY, str(path.parent))
        return path

    # ------------------------------------------------------------------ running
    def export_report(self, path: str | Path | None = None, change=None):
        """Write the report on ``change`` (chosen as above when None) to ``path`` (asked for when None).

        Returns the analysis run (when one is needed first) or the report task, or None if nothing started.
        Both have ``wait()``; :attr:`task` is the report task once it has started.
        """
        window = self.window
        if window.document is None:
            return None
        if self.run is not None and not self.run.done:
            return None  # one report at a time
        change = change if change is not None else self.choose_change()
        if change is None:
            return None
        path = Path(path) if path is not None else self.ask_path()
        if path is None:
            return None
        try:
            fmt = registry.for_path(path, "report")
        except ExplorerError as error:
            self._warn("Cannot export the report", str(error))
            return None
        if hasattr(window, "inspector"):
            window.commit_pending()
        self.task = None
        result = self.reusable_result(change)
        if result is not None:
            return self._write(fmt, path, result)
        return self._analyse(fmt, path, change)

    def _options(self) -> dict:
        panel = self.window.analysis
        options = {"top_k": panel.top_k, "seed": panel.seed}
        if panel.runs is not None:
            options["runs"] = int(panel.runs)
        if panel.weights_path is not None:
            options["weights_path"] = str(panel.weights_path)
        return options

    def _analyse(self, fmt, path: Path, change):
        """Analyse ``change`` in a separate process, then write the report."""
        from explorer.analysis.run import serialise_map
        from explorer.ui.analysis.run import AnalysisRun

        window = self.window
        try:
            run = AnalysisRun(serialise_map(window.document), change, self._options(), window)
            run.start()
        except Exception as error:  # noqa: BLE001 - a failure to start is shown, not raised
            self._warn("Cannot export the report", f"The analysis could not start: {error}")
            return None
        dialog = QProgressDialog("Analysing the change for the report…", "Cancel", 0, 0, window)
        dialog.setWindowTitle("Routine Explorer")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(run.cancel)

        def progressed(done: int, total: int) -> None:
            if total > 0:
                dialog.setMaximum(total)
                dialog.setValue(min(done, total))

        def ended() -> None:
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()
            if run.cancelled:
                window.show_status("Report cancelled", 5000)
            elif run.error is not None:
                message = run.error if run.expected_error else "The analysis failed. " + run.error.split("\n\n", 1)[0]
                self._warn("Cannot export the report", message)
            else:
                self._write(fmt, path, run.result)

        run.progressed.connect(progressed)
        run.ended.connect(ended)
        self.run = run
        window.show_status("Analysing the change for the report…")
        return run

    def _write(self, fmt, path: Path, result):
        """Draw and write the report in a worker thread."""
        from explorer.ui.common.workers import run_task

        window = self.window
        document = window.document
        panel = window.analysis
        try:
            generate = fmt.load()
        except (ImportError, AttributeError) as error:
            self._warn("Cannot export the report", f"This format is not available: {error}")
            return None
        # Taken on the UI thread: the map as the canvas draws it, while the worker reads. The projection is
        # copied (its views are frozen): the window updates its own in place on every edit, and the worker
        # iterates the nodes and ties, which would break mid-report on an edit made meanwhile.
        projection = None
        if window.projection is not None:
            projection = copy.copy(window.projection)
            projection.nodes, projection.ties = dict(window.projection.nodes), dict(window.projection.ties)
        view = {
            "projection": projection,
            "schema": window.schema,
            "positions": dict(window.canvas.positions) if window.canvas.positions else None,
        }
        options = {"analysis": result, "top_k": panel.top_k, "top": panel.top_k, "seed": panel.seed, "runs": panel.runs}
        title = scenario_title(document, result)  # names the scenario shown, if any
        if title is not None:
            options["title"] = title

        def work(progress):
            if fmt.name == "html":
                from explorer.ui.files.report_pdf import report_map_png

                image = report_map_png(document, result, **{k: v for k, v in view.items() if v is not None})
                progress(1, 3)
                generate(document, path, map_image=image, **options)
            else:
                generate(
                    document, path, progress=progress, **options, **{k: v for k, v in view.items() if v is not None}
                )
            return path

        def succeeded(_):
            window.show_status(f"Report written: {path.name}", 8000)
            self.written.emit(path)

        def failed(error):
            text = str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"
            self._warn("Cannot export the report", f"{path}\n\n{text}")

        self.task = run_task(
            f"Writing the report {path.name}…",
            work,
            parent=window,
            dialog_parent=window,
            on_success=succeeded,
            on_failure=failed,
            on_cancel=lambda: window.show_status("Report cancelled", 5000),
        )
        return self.task

    def _warn(self, title: str, text: str) -> None:

        QMessageBox.warning(self.window, title, safe_text(text))


def install(window: MapHost) -> ReportActions:
    """Add File > Export Report… and Analysis > Report on the Change… to ``window``."""
    return ReportActions(window)
