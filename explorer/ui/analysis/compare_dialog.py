"""Analysis > Compare…: choose the two sides of a comparison, each a map and the change analysed on it.

A side is the open map as-is, one of its scenarios (built apart, so the open map is not touched), or
another map file, read read-only. Each side is built and its change proposals read in a worker thread:
the UI thread only reads which statements the scenario changes
(:func:`explorer.analysis.run.side_patch`); the map is dumped, patched and read in the thread (the
dialog is window-modal, so the map cannot change meanwhile). The choices are remembered for the next time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.core.terms import local_name
from explorer.core.text import one_line, shortened
from explorer.ui.common import MAP_FILTER, settings
from explorer.ui.common.workers import run_task

#: The first entry of a side's source list.
THIS_MAP = "map"
#: The last entry: another map file, chosen with the file dialog.
OTHER_FILE = "file"


@dataclass(frozen=True)
class CompareSide:
    """One side of a comparison: its name, its map graph as N-Triples and the change analysed on it.

    ``open_map``: the side is the open map or one of its scenarios, so its nodes are the canvas's
    (the difference overlay draws them). ``patch``: ``(added, removed)`` statements the comparison's
    process applies to ``data`` first (a scenario's differences), or empty.

    Examples
    --------
    >>> CompareSide("As-is", b"").change is None
    True
    """

    name: str
    data: bytes = field(repr=False)
    change: object = None
    open_map: bool = False
    patch: tuple = ()


@dataclass(frozen=True)
class _Prepared:
    name: str
    data: bytes
    changes: tuple  # (iri, label) in label order
    open_map: bool


def _changes_of(data: bytes, graph=None) -> tuple:
    from explorer.analysis.change import changes_in
    from explorer.analysis.run import graph_of_serialised

    graph = graph_of_serialised(data) if graph is None else graph
    return tuple((iri, one_line(graph.nodes[iri].get("label", "")) or local_name(iri)) for iri in changes_in(graph))


class _MapDump:
    """The open map's graph as N-Triples, dumped once for both sides (a dump holds the GIL: ~0.1 s on a 10k map)."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self._lock = threading.Lock()
        self._data: bytes | None = None

    def __call__(self) -> bytes:
        from explorer.analysis.run import serialise_map

        with self._lock:
            if self._data is None:
                self._data = serialise_map(self.doc)
            return self._data


def _build_side(dump: _MapDump, name: str, patch: tuple) -> _Prepared:
    """The open map's side (run in a worker thread): its map dumped, ``patch`` applied, its changes read."""
    from explorer.analysis.run import built_side

    data, graph = built_side(dump(), patch)
    return _Prepared(name, data, _changes_of(data, graph), True)


def _read_file(path: str) -> _Prepared:
    from explorer.analysis.run import serialise_map
    from explorer.core.document import MapDocument

    doc = MapDocument.open(path, editing=False)
    try:
        data, title = serialise_map(doc), doc.title
    finally:
        doc.close()
    return _Prepared(one_line(title) or Path(path).stem, data, _changes_of(data), False)


class SideChooser(QGroupBox):
    """One side: where its map comes from (this map, a scenario, a file) and which change."""

    changed = Signal()

    def __init__(self, title: str, key: str, host, parent=None) -> None:
        super().__init__(title, parent)
        self.host = host
        self.key = key
        self._cache: dict = {}
        self._prepared: _Prepared | None = None
        self._task = None
        self._wanted_change = None
        self.path: str | None = None
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.source = QComboBox()
        self.source.setAccessibleName(f"{title}: the map")
        self.source.setMinimumContentsLength(28)
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        form.addRow("Map:", self.source)
        self.file_row = QWidget()
        row = QHBoxLayout(self.file_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.file_box = QLineEdit()
        self.file_box.setReadOnly(True)
        self.file_box.setAccessibleName(f"{title}: the map file")
        self.file_box.setPlaceholderText("No file chosen")
        row.addWidget(self.file_box, 1)
        self.browse = QPushButton("Choose…")
        self.browse.setAccessibleName(f"{title}: choose a map file")
        self.browse.clicked.connect(self.choose_file)
        row.addWidget(self.browse)
        form.addRow("File:", self.file_row)
        self.change = QComboBox()
        self.change.setAccessibleName(f"{title}: the change analysed")
        self.change.setMinimumContentsLength(28)
        self.change.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.change.setPlaceholderText("No change proposal")
        self.change.currentIndexChanged.connect(lambda _i: self.changed.emit())
        form.addRow("Change:", self.change)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(self.note)
        self._form = form
        self._fill_sources()
        self.source.currentIndexChanged.connect(self._source_chosen)

    # ------------------------------------------------------------------ sources
    def _fill_sources(self) -> None:
        from explorer.core import scenarios

        doc = self.host.document
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem("This map, as-is", THIS_MAP)
        if doc is not None:
            for scenario in scenarios.scenarios(doc.store):
                self.source.addItem(f"Scenario: {shortened(scenario.name, 60)}", f"scenario:{scenario.iri}")
        self.source.addItem("Another map file…", OTHER_FILE)
        self.source.blockSignals(False)

    def restore(self, source: str | None, path: str | None, change: str | None, fallback: str) -> None:
        """Choose ``source`` (else ``fallback``), the file ``path`` and the change ``change`` when they exist."""
        self._wanted_change = change
        if path and Path(path).is_file():
            self.path = path
            self.file_box.setText(path)
        index = self.source.findData(source) if source else -1
        if index < 0 or (source == OTHER_FILE and not self.path):
            index = max(0, self.source.findData(fallback))
        self.source.blockSignals(True)
        self.source.setCurrentIndex(index)
        self.source.blockSignals(False)
        self._source_chosen()

    def source_key(self) -> str:
        return self.source.currentData() or THIS_MAP

    def _source_chosen(self, *_args) -> None:
        key = self.source_key()
        self.file_row.setVisible(key == OTHER_FILE)
        self._form.setRowVisible(self.file_row, key == OTHER_FILE)
        if key == OTHER_FILE and not self.path:
            self.choose_file()
            return
        self._prepare()

    def choose_file(self) -> None:
        start = str(Path(self.path).parent) if self.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Compare with a map", start, MAP_FILTER)
        if path:
            self.path = path
            self.file_box.setText(path)
            index = self.source.findData(OTHER_FILE)
            if self.source.currentIndex() != index:
                self.source.setCurrentIndex(index)  # prepares it
                return
        self._prepare()

    # ------------------------------------------------------------------ preparing the side
    def _prepare(self) -> None:
        from explorer.analysis.run import side_patch
        from explorer.core import scenarios

        key = self.source_key()
        doc = self.host.document
        self._prepared = None
        self._fill_changes(())
        if key == OTHER_FILE:
            if not self.path:
                self._say("Choose a map file to compare with.")
                return
            cache_key = f"file:{self.path}"
            name, work = None, (lambda progress, p=self.path: _read_file(p))
        else:
            if doc is None:
                self._say("Open a map first.")
                return
            cache_key = key
            scenario = None
            if key.startswith("scenario:"):
                iri = key.split(":", 1)[1]
                scenario = next((s for s in scenarios.scenarios(doc.store) if str(s.iri) == iri), None)
            name = one_line(scenario.name) if scenario is not None else one_line(doc.title)
            try:
                patch = side_patch(doc, scenario)  # a quick read, here: which statements the side changes
            except Exception as error:  # noqa: BLE001 - shown, not raised
                self._say(f"This side could not be read: {error}")
                return

            dump = self._dump(doc)

            def work(progress, dump=dump, name=name, patch=patch):
                return _build_side(dump, name, patch)

        if cache_key in self._cache:
            self._ready(cache_key, self._cache[cache_key])
            return
        self._say("Reading the map…")
        if self._task is not None:
            self._task.cancel()
        self._task = run_task(
            "Reading the map",
            work,
            parent=self,
            on_success=lambda prepared, k=cache_key: self._ready(k, prepared),
            on_failure=lambda error, k=cache_key: self._failed(k, error),
        )

    def _ready(self, cache_key: str, prepared: _Prepared) -> None:
        self._cache[cache_key] = prepared
        if self._current_cache_key() != cache_key:
            return  # a side chosen before: kept for later, and the task now running is another's
        self._task = None
        self._prepared = prepared
        self._fill_changes(prepared.changes)
        self._say("" if prepared.changes else "This map has no change proposal to analyse.")
        self.changed.emit()

    def _failed(self, cache_key: str, error) -> None:
        if self._current_cache_key() == cache_key:
            self._task = None
            self._say(f"The map could not be read: {error}")
            self.changed.emit()

    def _dump(self, doc) -> _MapDump:
        """The dialog's one dump of ``doc`` (this side's own when it stands alone)."""
        dialog = self.parent()
        if isinstance(dialog, CompareDialog):
            if dialog.dump is None or dialog.dump.doc is not doc:
                dialog.dump = _MapDump(doc)
            return dialog.dump
        return _MapDump(doc)

    def _current_cache_key(self) -> str:
        key = self.source_key()
        return f"file:{self.path}" if key == OTHER_FILE else key

    def _fill_changes(self, changes) -> None:
        self.change.blockSignals(True)
        self.change.clear()
        for iri, label in changes:
            self.change.addItem(shortened(label, 60), str(iri))
            self.change.setItemData(self.change.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.change.setCurrentIndex(self._default_change(changes))
        self.change.setEnabled(bool(changes))
        self.change.blockSignals(False)

    def _default_change(self, changes) -> int:
        """The remembered change, else the analysis panel's, else one of the same name, else the first."""
        if not changes:
            return -1
        analysis = getattr(self.host, "analysis", None)
        current = analysis.current_change() if analysis is not None else None
        current_label = analysis.change_combo.currentText() if current is not None else None
        for wanted in (self._wanted_change, current):
            for index, (iri, _label) in enumerate(changes):
                if wanted is not None and str(iri) == str(wanted):
                    return index
        for index, (_iri, label) in enumerate(changes):
            if current_label and label.casefold() == current_label.casefold():
                return index
        return 0

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    # ------------------------------------------------------------------ answer
    @property
    def ready(self) -> bool:
        return self._prepared is not None and self.change.currentIndex() >= 0

    def side(self) -> CompareSide | None:
        """The side as chosen, or None while it is not ready."""
        if not self.ready:
            return None
        prepared = self._prepared
        iri = prepared.changes[self.change.currentIndex()][0]
        return CompareSide(prepared.name, prepared.data, iri, prepared.open_map)

    def remember(self) -> None:
        store = settings()
        store.setValue(f"compare/{self.key}/source", self.source_key())
        store.setValue(f"compare/{self.key}/file", self.path or "")
        side = self.side()
        store.setValue(f"compare/{self.key}/change", str(side.change) if side is not None else "")


class CompareDialog(QDialog):
    """Choose side A and side B; ``sides()`` gives them once both are read."""

    def __init__(self, host, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare")
        self.setAccessibleName("Compare two analyses")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Compare where a change is likely to meet resistance in two maps, two scenarios or two changes: "
            "each difference is B minus A, explained by mechanism."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        self.dump: _MapDump | None = None
        self.side_a = SideChooser("Side A", "a", host, self)
        self.side_b = SideChooser("Side B", "b", host, self)
        layout.addWidget(self.side_a)
        layout.addWidget(self.side_b)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.compare_button = self.buttons.addButton("Compare", QDialogButtonBox.ButtonRole.AcceptRole)
        self.compare_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for side in (self.side_a, self.side_b):
            side.changed.connect(self._update)
        store = settings()
        has_scenario = self.side_b.source.count() > 2
        for side, fallback in ((self.side_a, THIS_MAP), (self.side_b, "" if not has_scenario else None)):
            if fallback is None:  # B defaults to the first scenario
                fallback = self.side_b.source.itemData(1)
            side.restore(
                store.value(f"compare/{side.key}/source", "", str) or None,
                store.value(f"compare/{side.key}/file", "", str) or None,
                store.value(f"compare/{side.key}/change", "", str) or None,
                fallback or THIS_MAP,
            )
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())
        self._update()

    def _update(self) -> None:
        self.compare_button.setEnabled(self.side_a.ready and self.side_b.ready)

    def sides(self) -> tuple[CompareSide, CompareSide] | None:
        a, b = self.side_a.side(), self.side_b.side()
        return (a, b) if a is not None and b is not None else None

    def accept(self) -> None:
        if self.sides() is None:
            return
        self.side_a.remember()
        self.side_b.remember()
        super().accept()


__all__ = ["CompareDialog", "CompareSide", "SideChooser"]
