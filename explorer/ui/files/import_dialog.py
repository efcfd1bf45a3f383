"""File > Import…: merge a spreadsheet, GraphML, GEXF or Kumu file into the open map.

The dialog reads the file in a worker, guesses what each column means
(:func:`explorer.io.merge.guess_mapping`) and shows it as a table whose
"Imports as" combo boxes the person can change; every change re-plans the
import in a worker and refreshes the preview (the first rows as they will be
imported) and the list of problems with their row numbers. Before anything is
imported it says what will not be: every column left out, by name, with the
reason (or, when the person asks, that they are kept as properties of their
own), and every name in the file that joins a node of another spelling
("Nurses" with the map's "Nurse"). Rows about people become roles unless the
person asks for named persons (the choice is remembered). A kind chosen for the
rows wins over a column guessed to give kinds, as ``--kind`` does; edges whose
type the ontology lacks get the relation chosen for them, else the general
influence tie with their type as its name, as ``--relation`` does. Import applies the
plan as one undoable command, with positions for the new nodes placed beside
the map, by level, so the canvas never has to look for free spots one node at a
time (which costs a scan of every node per node: minutes for a big roster).

Every cell is plain text: a label such as ``<img src=x onerror=…>`` shows as typed.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from rdflib import URIRef

from explorer.core import editing
from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX
from explorer.core.schema import schema_of
from explorer.core.text import one_line
from explorer.io import merge, registry
from explorer.io.tables import cell_text
from explorer.io.xlsx import sheet_names
from explorer.layout.placement import layout_edge
from explorer.ui.common.host import MapHost
from explorer.ui.common.settings import settings
from explorer.ui.common.workers import run_task

#: How many rows the preview shows, and how many problems the list shows.
PREVIEW_ROWS = 200
PROBLEM_ROWS = 5000
_CELL_CHARS = 200
_ACTIONS = {"new": "add", "update": "update", "unchanged": "unchanged", "skip": "not imported"}
#: Settings key: whether rows about people become named persons (else roles, as the map's guidance prefers).
PEOPLE_KEY = "import/named_people"
#: How many left-out columns the "not imported" list names before it counts the rest.
UNUSED_SHOWN = 30


def _item(text: str, *, muted: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(one_line(cell_text(text), _CELL_CHARS))
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if muted:
        item.setForeground(QColor("#8a8f98"))
    return item


def import_filter() -> str:
    """The file dialog filter: every import format, then each one."""
    fmts = list(registry.formats("import"))
    every = " ".join(f"*.{e}" for f in fmts for e in f.extensions)
    return ";;".join([f"Tables and graphs ({every})", *(f.dialog_filter for f in fmts), "All files (*)"])


# ------------------------------------------------------------------------ placement


def layout_new_nodes(plan: merge.ImportPlan, *, cancelled=None) -> dict:
    """By-level positions for the plan's new nodes among themselves (members under their units)."""
    if not plan.new_nodes:
        return {}
    from explorer.layout.layouts import LayoutNode, compute_layout  # networkx and scipy: only when importing

    nodes = [LayoutNode(str(iri), level) for iri, level in plan.new_nodes.items()]
    new = {str(iri) for iri in plan.new_nodes}
    edges = []
    for s, p, o, _ in plan.added:
        if isinstance(o, URIRef) and str(s) in new and str(o) in new and s != o:
            edges.append(layout_edge(str(s), str(p), str(o)))
    laid = compute_layout("levels", nodes, edges, seed=0, cancelled=cancelled)
    return {URIRef(key): xy for key, xy in laid.items()}


def place_beside(existing: dict, laid: dict, levels: dict) -> dict:
    """Move a by-level block of new nodes beside the map's nodes, each level in line with its band.

    ``existing`` is ``{iri: (level, x, y)}`` for the nodes already drawn,
    ``laid`` the block's own positions and ``levels`` the new nodes' levels.
    The block goes to the right of the map; macro rows grow upwards from the
    map's macro band, micro rows downwards from its micro band, meso rows start
    level with its meso band, so bands stay in order.

    Examples
    --------
    >>> existing = {"a": (2, 0.0, 300.0), "b": (1, 0.0, 600.0)}
    >>> laid = {"u": (100.0, 250.0), "p": (100.0, 500.0), "q": (300.0, 595.0)}
    >>> placed = place_beside(existing, laid, {"u": 2, "p": 1, "q": 1})
    >>> placed["u"][1], placed["p"][1], placed["q"][1]
    (300.0, 600.0, 695.0)
    >>> placed["u"][0] > 0
    True
    """
    if not laid:
        return {}
    if not existing:
        return dict(laid)
    from explorer.layout.layouts import NODE_HEIGHT, NODE_WIDTH

    xs = [x for _, x, _ in existing.values()]
    left = max(xs) + 2 * NODE_WIDTH - min(x for x, _ in laid.values())
    extent: dict = {}
    for level, _, y in existing.values():
        low, high = extent.get(level, (y, y))
        extent[level] = (min(low, y), max(high, y))
    block: dict = {}
    for iri, (_, y) in laid.items():
        level = levels.get(iri, 2)
        low, high = block.get(level, (y, y))
        block[level] = (min(low, y), max(high, y))
    all_low = min(low for low, _ in extent.values())
    all_high = max(high for _, high in extent.values())
    shift: dict = {}
    if 3 in block:
        anchor = extent[3][1] if 3 in extent else all_low - 2 * NODE_HEIGHT
        shift[3] = anchor - block[3][1]
    if 2 in block:
        if 2 in extent:
            anchor = extent[2][0]
        elif 3 in extent:
            anchor = extent[3][1] + 2 * NODE_HEIGHT
        else:
            anchor = all_low - 2 * NODE_HEIGHT - (block[2][1] - block[2][0])
        shift[2] = anchor - block[2][0]
    if 1 in block:
        anchor = extent[1][0] if 1 in extent else all_high + 2 * NODE_HEIGHT
        shift[1] = anchor - block[1][0]
    placed = {}
    for iri, (x, y) in laid.items():
        dy = shift.get(levels.get(iri, 2), 0.0)
        placed[iri] = (float(x + left), float(y + dy))
    return placed


# --------------------------------------------------------------------------- dialog


class ImportDialog(QDialog):
    """Choose a file, say what its columns mean, preview, and import into ``window``'s map."""

    imported = Signal(object)  # the applied ImportPlan

    def __init__(self, window, path: str | Path | None = None) -> None:
        super().__init__(window)
        self.window_ = window
        self.document = window.document
        self.schema = window.schema or schema_of(self.document)
        self.source = None
        self.mapping: merge.Mapping | None = None
        self.plan: merge.ImportPlan | None = None
        self.path: Path | None = None
        #: Columns the guess left out, and those of them with no value: the reasons the review gives.
        self._unmatched: set = set()
        self._empty: set = set()
        #: Whether the person chose the kind column in the table (then the kind below fills only empty cells),
        #: and the column a chosen kind took over (named in the review).
        self._kind_column_chosen = False
        self._released: set = set()
        self._merges: list = []
        self._read_task = None
        self._plan_task = None
        self._apply_task = None
        self._generation = 0
        self._closed = False
        self._choices: list = (
            [None]
            + [("target", t) for t in merge.TARGETS]
            + [("property", spec.iri) for spec in merge.mappable_properties(self.schema)]
        )
        self._choice_labels = (
            ["(leave out)"]
            + list(merge.TARGETS.values())
            + [f"Property: {spec.label}" for spec in merge.mappable_properties(self.schema)]
        )
        self._kinds = merge.node_kinds(self.schema)
        self._relations = merge.all_relations(self.schema)
        self.setWindowTitle("Import into the map")
        self.setAccessibleName("Import into the map")
        self.resize(1100, 720)
        self._build()
        self._replan_timer = QTimer(self, singleShot=True, interval=250, timeout=self._start_plan)
        if path is not None:
            self.load(path)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        file_label = QLabel("&File:")
        self.file_edit = QLineEdit(self)
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Choose a CSV, Excel, GraphML, GEXF or Kumu JSON file")
        self.file_edit.setAccessibleName("File to import")
        file_label.setBuddy(self.file_edit)
        self.choose_button = QPushButton("&Choose…", self)
        self.choose_button.setAccessibleName("Choose the file to import")
        self.choose_button.clicked.connect(self.choose_file)
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setAccessibleName("Worksheet")
        self.sheet_combo.setToolTip("The worksheet to import")
        self.sheet_combo.hide()
        self.sheet_combo.activated.connect(lambda _: self._reload_sheet())
        top.addWidget(file_label)
        top.addWidget(self.file_edit, 1)
        top.addWidget(self.sheet_combo)
        top.addWidget(self.choose_button)
        outer.addLayout(top)

        self.notes_label = QLabel(self)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setWordWrap(True)
        self.notes_label.setAccessibleName("About the file")
        outer.addWidget(self.notes_label)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        mapping_label = QLabel("&Columns and what they import as:", left)
        self.mapping_table = QTableWidget(0, 3, left)
        self.mapping_table.setHorizontalHeaderLabels(["Column", "First values", "Imports as"])
        self.mapping_table.setAccessibleName("Column mapping")
        self.mapping_table.setAccessibleDescription("For each column of the file, what it gives the imported nodes")
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setWordWrap(False)  # one line per column, however long its values
        # Tab moves through the combo boxes rather than from cell to cell.
        self.mapping_table.setTabKeyNavigation(False)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        mapping_label.setBuddy(self.mapping_table)
        left_layout.addWidget(mapping_label)
        left_layout.addWidget(self.mapping_table, 1)

        form = QFormLayout()
        people = QWidget(left)
        people_row = QHBoxLayout(people)
        people_row.setContentsMargins(0, 0, 0, 0)
        self.people_roles = QRadioButton("Ro&les (recommended)", people)
        self.people_persons = QRadioButton("&Named persons", people)
        self.people_group = QButtonGroup(self)
        for button in (self.people_roles, self.people_persons):
            self.people_group.addButton(button)
            people_row.addWidget(button)
        people_row.addStretch(1)
        self.people_roles.setAccessibleName("People become roles")
        self.people_persons.setAccessibleName("People become named persons")
        people.setToolTip(
            "A role (“Night nurse, ICU A”) stands for everyone who holds it, which is what the analysis reads "
            "and what a map shared beyond the team should hold. Choose named persons only for a map about "
            "particular people."
        )
        named = settings().value(PEOPLE_KEY, False, type=bool)
        (self.people_persons if named else self.people_roles).setChecked(True)
        self.people_group.buttonClicked.connect(self._people_changed)
        self.people_label = QLabel("People become:", left)
        form.addRow(self.people_label, people)
        self.kind_combo = QComboBox(left)
        self.kind_combo.addItem("(none: rows without one are not imported)")
        for kind in self._kinds:
            self.kind_combo.addItem(kind.label)
        self.kind_combo.setAccessibleName("Kind of the rows")
        self.kind_combo.setToolTip(
            "The kind of every row, over a column guessed to give kinds; when you choose the kind column "
            "yourself, the kind of rows whose cell is empty"
        )
        self.kind_combo.currentIndexChanged.connect(self._defaults_changed)
        form.addRow("&Kind of the rows:", self.kind_combo)
        self.relation_combo = QComboBox(left)
        generic = merge.generic_relation_of(self.schema)
        self.relation_combo.addItem(
            f"(“{generic.label}” where it fits, keeping their type)" if generic else "(none: not imported)"
        )
        for relation in self._relations:
            self.relation_combo.addItem(relation.label)
        self.relation_combo.setAccessibleName("Relation of edges without one of the map")
        self.relation_combo.setToolTip(
            "For edges that name no relation of the map's ontology, or none at all. A qualified tie keeps "
            "each edge's own type as its name."
        )
        self.relation_combo.currentIndexChanged.connect(self._defaults_changed)
        self.relation_label = QLabel("&Relation of edges without one of the map:")
        self.relation_label.setBuddy(self.relation_combo)
        form.addRow(self.relation_label, self.relation_combo)
        self.conflict_combo = QComboBox(left)
        for key, text in merge.ON_CONFLICT.items():
            self.conflict_combo.addItem(text[0].upper() + text[1:], key)
        self.conflict_combo.setAccessibleName("When a node on the map has another value")
        self.conflict_combo.currentIndexChanged.connect(self._defaults_changed)
        form.addRow("When a node on the map has &another value:", self.conflict_combo)
        self.keep_check = QCheckBox("K&eep the other columns as properties of their own", left)
        self.keep_check.setAccessibleName("Keep the other columns as properties of their own")
        self.keep_check.setToolTip(
            "Columns that give no name, kind, tie or property of the map are kept as properties of their own, "
            "described in the map, instead of being left out. Leave this off for columns the map should not "
            "hold (pay, contact details)."
        )
        self.keep_check.toggled.connect(self._defaults_changed)
        form.addRow(self.keep_check)
        left_layout.addLayout(form)
        self.edges_label = QLabel(left)
        self.edges_label.setTextFormat(Qt.TextFormat.PlainText)
        self.edges_label.setWordWrap(True)
        left_layout.addWidget(self.edges_label)

        self.tabs = QTabWidget(splitter)
        self.tabs.setAccessibleName("Preview and problems")
        self.preview = QTableWidget(0, 7, self.tabs)
        self.preview.setHorizontalHeaderLabels(["Row", "Will", "Kind", "Name", "Unit", "Role kind", "Reports to"])
        self.preview.setAccessibleName("Preview of the first rows as they will be imported")
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.problems = QTableWidget(0, 4, self.tabs)
        self.problems.setHorizontalHeaderLabels(["Row", "Column", "Problem", "Effect"])
        self.problems.setAccessibleName("Problems by row")
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setWordWrap(True)
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.preview, "&Preview")
        self.tabs.addTab(self.problems, "P&roblems")
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setSizes([430, 670])
        outer.addWidget(splitter, 1)

        # What the import leaves out or merges, in view before Import is pressed (not on a tab).
        self.review_box = QScrollArea(self)
        self.review_box.setWidgetResizable(True)
        self.review_box.setFrameShape(QScrollArea.Shape.StyledPanel)
        self.review_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.review_label = QLabel(self.review_box)
        self.review_label.setTextFormat(Qt.TextFormat.PlainText)
        self.review_label.setWordWrap(True)
        self.review_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.review_label.setContentsMargins(8, 6, 8, 6)
        self.review_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.review_label.setAccessibleName("Before you import")
        self.review_box.setWidget(self.review_label)
        self.review_box.setAccessibleName("Before you import")
        self.review_box.hide()
        outer.addWidget(self.review_box)

        self.summary_label = QLabel("Choose a file to import.", self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("What the import will do")
        outer.addWidget(self.summary_label)

        self.buttons = QDialogButtonBox(self)
        self.save_mapping_button = self.buttons.addButton("&Save Mapping…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_mapping_button.setAccessibleName("Save the mapping to a file for the command line")
        self.save_mapping_button.clicked.connect(self.save_mapping)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setAccessibleName("Import into the map")
        self.import_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self._update_buttons()

    # ------------------------------------------------------------------- files
    def choose_file(self) -> None:
        """Ask for a file and read it."""
        start = str(self.path.parent) if self.path else (str(self.document.path.parent) if self.document.path else "")
        path, _ = QFileDialog.getOpenFileName(self, "Import a file", start, import_filter())
        if path:
            self.load(path)

    def load(self, path: str | Path, *, sheet: str | None = None):
        """Read ``path`` in a worker; the mapping, preview and problems follow. Returns the task."""
        path = Path(path)
        try:
            fmt = registry.for_path(path, "import")
        except ExplorerError as error:
            self._show_error(str(error))
            return None
        self.path = path
        self.file_edit.setText(str(path))
        self.summary_label.setText(f"Reading {path.name}…")
        self._cancel_tasks()
        self.source = self.plan = None
        self._generation += 1
        generation = self._generation

        def work(progress):
            names = sheet_names(path) if fmt.name == "xlsx" else []
            kwargs = {"sheet": sheet} if sheet else {}
            return fmt.load()(path, progress=progress, **kwargs), names

        def succeeded(result):
            if self._closed or generation != self._generation:
                return
            source, names = result
            self._show_source(source, names, sheet)

        def failed(error):
            if not self._closed and generation == self._generation:
                self._show_error(str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}")

        self._read_task = run_task(
            f"Reading {path.name}…",
            work,
            parent=self,
            dialog_parent=self,
            on_success=succeeded,
            on_failure=failed,
            on_cancel=lambda: self.summary_label.setText("Reading cancelled."),
        )
        self._update_buttons()
        return self._read_task

    def _reload_sheet(self) -> None:
        if self.path is not None and self.sheet_combo.currentText():
            self.load(self.path, sheet=self.sheet_combo.currentText())

    def _show_error(self, message: str) -> None:
        self.source = self.plan = None
        self.mapping_table.setRowCount(0)
        self.preview.setRowCount(0)
        self.problems.setRowCount(0)
        self.notes_label.setText("")
        self._merges = []
        self._update_review()
        self.summary_label.setText(f"Cannot import this file: {message}")
        self._update_buttons()

    def _show_source(self, source, names: list, sheet: str | None) -> None:
        self.source = source
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(names)
        if sheet in names:
            self.sheet_combo.setCurrentText(sheet)
        self.sheet_combo.setVisible(len(names) > 1)
        self.sheet_combo.blockSignals(False)
        rows = len(source.nodes.rows)
        about = [
            f"{source.name}: {rows:,} {source.nodes.noun}{'s' if rows != 1 else ''} "
            f"with {len(source.nodes.columns)} column(s)"
        ]
        if source.edges is not None:
            count = len(source.edges.rows)
            about[0] += f", {count:,} {source.edges.noun}{'s' if count != 1 else ''}"
        about[0] += "."
        about += source.notes
        self.notes_label.setText(" ".join(about))
        self.mapping = merge.guess_mapping(source, self.schema, named_people=self.people_persons.isChecked())
        self.mapping.keep_columns = self.keep_check.isChecked()
        self._kind_column_chosen = False
        self._released = set()
        self._unmatched = set(merge.unused_columns(source, self.mapping))
        self._empty = {
            c for c in self._unmatched if not any(cell_text(v).strip() for v in source.nodes.column_values(c))
        }
        self._merges = []
        self._fill_mapping()
        self._start_plan()

    def _fill_mapping(self) -> None:
        source, mapping = self.source, self.mapping
        table = self.mapping_table
        table.setRowCount(len(source.nodes.columns))
        for row, column in enumerate(source.nodes.columns):
            table.setItem(row, 0, _item(column))
            examples = [
                one_line(cell_text(v), 32) for v in source.nodes.column_values(column, limit=50) if cell_text(v).strip()
            ][:3]
            table.setItem(row, 1, _item(", ".join(examples), muted=True))
            combo = QComboBox(table)
            combo.addItems(self._choice_labels)
            combo.insertSeparator(len(merge.TARGETS) + 1)
            combo.setAccessibleName(f"{one_line(cell_text(column), 60)} imports as")
            combo.setCurrentIndex(self._combo_index(mapping, column))
            combo.currentIndexChanged.connect(lambda index, c=column, box=combo: self._column_changed(c, box))
            table.setCellWidget(row, 2, combo)
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(
            next((i + 1 for i, k in enumerate(self._kinds) if k.iri == mapping.default_kind), 0)
        )
        self.kind_combo.blockSignals(False)
        has_edges = source.edges is not None
        self.relation_combo.setVisible(has_edges)
        self.relation_label.setVisible(has_edges)
        self.relation_combo.blockSignals(True)
        self.relation_combo.setCurrentIndex(
            next((i + 1 for i, r in enumerate(self._relations) if r.iri == mapping.default_relation), 0)
        )
        self.relation_combo.blockSignals(False)
        self.conflict_combo.blockSignals(True)
        self.conflict_combo.setCurrentIndex(list(merge.ON_CONFLICT).index(mapping.on_conflict))
        self.conflict_combo.blockSignals(False)
        if has_edges:
            cols = mapping.edge_columns
            relation = f", relation from “{cols['relation']}”" if cols.get("relation") else ""
            self.edges_label.setText(
                f"Edges: {len(source.edges.rows):,}, "
                f"from “{cols.get('from', '?')}” to “{cols.get('to', '?')}”{relation}."
            )
        else:
            self.edges_label.setText("")
        self._sync_people()
        self._update_review()

    def _combo_index(self, mapping: merge.Mapping, column: str) -> int:
        target = mapping.target_of(column)
        if target is None:
            return 0
        wanted = ("property", mapping.properties[column]) if target == "property" else ("target", target)
        index = self._choices.index(wanted) if wanted in self._choices else 0
        # The separator sits after the targets; indexes past it move by one.
        return index + 1 if index > len(merge.TARGETS) else index

    def _choice_at(self, combo_index: int):
        index = combo_index - 1 if combo_index > len(merge.TARGETS) + 1 else combo_index
        return self._choices[index] if 0 <= index < len(self._choices) else None

    # ----------------------------------------------------------------- mapping
    def _column_changed(self, column: str, combo: QComboBox) -> None:
        choice = self._choice_at(combo.currentIndex())
        if choice == ("target", "kind"):
            self._kind_column_chosen = True  # the person's own choice: the kind below fills only empty cells
            self._released.discard(column)
        if choice is None:
            self.mapping.assign(column, None)
        elif choice[0] == "target":
            self.mapping.assign(column, choice[1])
        else:
            self.mapping.assign(column, "property", choice[1])
        # A target belongs to one column: show the others that lost it as left out.
        self._sync_column_boxes(combo)
        self._update_review()
        self._schedule_plan()

    def _sync_column_boxes(self, changed: QComboBox | None = None) -> None:
        """Each column's box shows what the mapping gives it (``changed`` is the one the person just set)."""
        for row, name in enumerate(self.source.nodes.columns):
            box = self.mapping_table.cellWidget(row, 2)
            if box is not changed and box is not None:
                wanted = self._combo_index(self.mapping, name)
                if box.currentIndex() != wanted:
                    box.blockSignals(True)
                    box.setCurrentIndex(wanted)
                    box.blockSignals(False)

    def _defaults_changed(self, *_):
        if self.mapping is None:
            return
        index = self.kind_combo.currentIndex()
        self.mapping.default_kind = self._kinds[index - 1].iri if index > 0 else None
        if self.mapping.default_kind is not None and not self._kind_column_chosen:
            # As --kind: the kind chosen wins over a column only guessed to give kinds.
            column = self.mapping.kind_for_every_row(self.mapping.default_kind)
            if column is not None:
                self._released.add(column)
                self._sync_column_boxes()
        self.mapping.keep_columns = self.keep_check.isChecked()
        index = self.relation_combo.currentIndex()
        self.mapping.default_relation = self._relations[index - 1].iri if index > 0 else None
        self.mapping.on_conflict = self.conflict_combo.currentData() or "keep"
        self._sync_people()
        self._schedule_plan()

    def _people_changed(self, *_) -> None:
        """Roles or named persons: remembered, and given to the rows about people that name no kind."""
        named = self.people_persons.isChecked()
        settings().setValue(PEOPLE_KEY, named)
        if self.mapping is None or self.mapping.default_kind not in (RX.Role, RX.Person):
            return
        self.mapping.default_kind = RX.Person if named else RX.Role
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(
            next((i + 1 for i, k in enumerate(self._kinds) if k.iri == self.mapping.default_kind), 0)
        )
        self.kind_combo.blockSignals(False)
        self._schedule_plan()

    def _sync_people(self) -> None:
        """The people choice follows the kind of rows without one: it applies while that is a role or a person."""
        kind = self.mapping.default_kind if self.mapping is not None else None
        applies = self.mapping is None or kind in (RX.Role, RX.Person)
        for widget in (self.people_label, self.people_roles, self.people_persons):
            widget.setEnabled(applies)
        if kind in (RX.Role, RX.Person):
            (self.people_persons if kind == RX.Person else self.people_roles).setChecked(True)

    # ------------------------------------------------------------------ review
    def _why_left_out(self, column: str, count: int = 1) -> str:
        """Why ``column`` is not imported, in words for ``count`` such columns."""
        one = count == 1
        if column in self._empty:
            return "the column is empty" if one else "these columns are empty"
        if column in self._released:
            return "the kind chosen for the rows wins over it; choose “Kind” for it in the table to read kinds from it"
        if column in self._unmatched:
            if one:
                return (
                    "no name, kind, tie or property of the map matches its heading; "
                    "choose what it imports as in the table to keep it"
                )
            return (
                "no name, kind, tie or property of the map matches their headings; "
                "choose what they import as in the table to keep them"
            )
        return "set to “(leave out)” in the table"

    def _update_review(self) -> None:
        """Say, before Import, every column left out (with why) and every name joining one of another spelling."""
        if self.source is None or self.mapping is None:
            self.review_label.setText("")
            self.review_box.hide()
            return
        unused = merge.unused_columns(self.source, self.mapping)
        kept = [c for c in unused if c not in self._empty] if self.mapping.keep_columns else []
        unused = [c for c in unused if c not in kept]
        unused_set = set(unused)
        for row, column in enumerate(self.source.nodes.columns):
            item = self.mapping_table.item(row, 0)
            if item is not None:
                left_out = column in unused_set
                item.setForeground(QColor("#8a8f98") if left_out else self.mapping_table.palette().text().color())
                item.setToolTip(f"Not imported: {self._why_left_out(column)}." if left_out else "")
        lines = []
        if kept:
            names = ", ".join(f"“{one_line(cell_text(c), 60)}”" for c in kept[:UNUSED_SHOWN])
            more = f" and {len(kept) - UNUSED_SHOWN:,} more" if len(kept) > UNUSED_SHOWN else ""
            lines.append(f"Kept as properties of their own (no property of the map matches): {names}{more}.")
        if unused:
            count = len(unused)
            lines.append(f"Not imported: {count:,} column{'s' if count != 1 else ''} of the file:")
            groups: dict[str, list] = {}
            for column in unused:
                reason = (
                    "empty"
                    if column in self._empty
                    else "released"
                    if column in self._released
                    else "unmatched"
                    if column in self._unmatched
                    else "chosen"
                )
                groups.setdefault(reason, []).append(column)
            for columns in groups.values():
                names = ", ".join(f"“{one_line(cell_text(c), 60)}”" for c in columns[:UNUSED_SHOWN])
                more = f" and {len(columns) - UNUSED_SHOWN:,} more" if len(columns) > UNUSED_SHOWN else ""
                lines.append(f"   •  {names}{more}: {self._why_left_out(columns[0], len(columns))}.")
        if self._merges:
            lines.append("Joined with what is already there (no second one is made):")
            for found in self._merges:
                where = "existing" if found.existing else "new"
                tail = "" if found.existing else " (as an earlier row writes it)"
                lines.append(
                    f"   •  “{one_line(found.spelling, 60)}” will be added to the {where} {found.kind} "
                    f"“{one_line(found.name, 60)}”{tail}."
                )
        self.review_label.setText("\n".join(lines))
        self.review_box.setVisible(bool(lines))
        self._fit_review()

    def _fit_review(self) -> None:
        """As tall as its text at the width it has, up to seven lines; a longer list scrolls."""
        if self.review_box.isHidden():
            return
        width = max(200, self.width() - 40)
        most = 7 * self.review_label.fontMetrics().lineSpacing() + 12
        height = min(self.review_label.heightForWidth(width), most)
        self.review_box.setFixedHeight(height + 2 * self.review_box.frameWidth())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_review()

    def set_target(self, column: str, target: str | None, prop: URIRef | None = None) -> None:
        """Choose what ``column`` imports as, as the combo box would (for scripts and tests)."""
        row = list(self.source.nodes.columns).index(column)
        wanted = ("property", prop) if target == "property" else (("target", target) if target else None)
        index = self._choices.index(wanted)
        self.mapping_table.cellWidget(row, 2).setCurrentIndex(index + 1 if index > len(merge.TARGETS) else index)

    # -------------------------------------------------------------------- plan
    def _schedule_plan(self) -> None:
        self.plan = None
        self.summary_label.setText("Working out the import…")
        self._update_buttons()
        self._replan_timer.start()

    def _start_plan(self):
        if self.source is None or self.mapping is None:
            return None
        if self._plan_task is not None and not self._plan_task.done:
            self._plan_task.cancel()
        self._generation += 1
        generation = self._generation
        mapping = replace(self.mapping, columns=dict(self.mapping.columns), properties=dict(self.mapping.properties))
        source, document, schema = self.source, self.document, self.schema
        self.plan = None
        self.summary_label.setText("Working out the import…")

        def work(progress):
            return merge.plan_import(document, source, mapping, schema=schema, progress=progress)

        def succeeded(plan):
            if not self._closed and generation == self._generation:
                self._show_plan(plan)

        def failed(error):
            if not self._closed and generation == self._generation:
                self.plan = None
                self.preview.setRowCount(0)
                self.problems.setRowCount(0)
                self.summary_label.setText(
                    str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}"
                )
                self._update_buttons()

        self._plan_task = run_task(
            "Working out the import…",
            work,
            parent=self,
            dialog_parent=self,
            delay_ms=1500,
            on_success=succeeded,
            on_failure=failed,
        )
        self._update_buttons()
        return self._plan_task

    def _show_plan(self, plan: merge.ImportPlan) -> None:
        self.plan = plan
        rows = plan.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        for r, row in enumerate(rows):
            muted = row.action == "skip"
            for c, text in enumerate(
                (str(row.row), _ACTIONS[row.action], row.kind, row.name, row.unit, row.role, row.reports_to)
            ):
                self.preview.setItem(r, c, _item(text, muted=muted))
        problems = plan.problems[:PROBLEM_ROWS]
        self.problems.setRowCount(len(problems))
        for r, problem in enumerate(problems):
            where = f"{problem.noun} {problem.row}" if problem.row is not None else ""
            self.problems.setItem(r, 0, _item(where))
            self.problems.setItem(r, 1, _item(problem.column or ""))
            self.problems.setItem(r, 2, _item(problem.message))
            self.problems.setItem(r, 3, _item(f"{problem.noun} not imported" if problem.skipped else "value left out"))
        self.preview.resizeColumnsToContents()
        self.problems.resizeColumnToContents(0)
        count = len(plan.problems)
        self.tabs.setTabText(1, f"P&roblems ({count:,})" if count else "P&roblems")
        more = f" The list shows the first {PROBLEM_ROWS:,} problems." if count > PROBLEM_ROWS else ""
        shown = f" The preview shows the first {PREVIEW_ROWS:,} rows." if len(plan.rows) > PREVIEW_ROWS else ""
        said = {*(self.source.notes if self.source else []), *(m.note for m in plan.merges)}
        if plan.kept:
            said.add(merge.kept_note(plan.kept))  # the review above names them
        notes = " ".join(n for n in plan.notes if n not in said)
        self.summary_label.setText(f"{plan.summary()}{shown}{more} {notes}".strip())
        self._merges = list(plan.merges)
        self._update_review()
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = any(t is not None and not t.done for t in (self._read_task, self._plan_task, self._apply_task))
        self.import_button.setEnabled(self.plan is not None and self.plan.imported > 0 and not busy)
        self.save_mapping_button.setEnabled(self.mapping is not None)

    # ------------------------------------------------------------------ import
    def run_import(self):
        """Lay out the new nodes and build the command in a worker, then apply it as one undo step."""
        plan = self.plan
        if plan is None or plan.imported == 0:
            return None
        document = self.document
        canvas = getattr(self.window_, "canvas", None)
        projection = getattr(self.window_, "projection", None)
        existing = {}
        if canvas is not None and projection is not None:
            for iri, (x, y) in canvas.positions.items():
                view = projection.nodes.get(iri)
                if view is not None:
                    existing[iri] = (view.level, x, y)

        def work(progress):
            def cancelled():
                progress(0, 0)
                return False

            laid = layout_new_nodes(plan, cancelled=cancelled)
            placed = place_beside(existing, laid, plan.new_nodes)
            positions = {iri: xy for iri, xy in placed.items() if all(math.isfinite(v) for v in xy)}
            return merge.plan_command(document, plan, extra=editing.position_quads(positions))

        def succeeded(command):
            self._apply_task = None
            if self._closed:
                return  # closed while the command was being built: the map stays as it was
            if self.window_.document is not document:
                self.reject()
                return
            # Applying the command and redrawing run on this thread (the document's events drive
            # the views); for thousands of nodes that takes seconds, so say so first.
            self.summary_label.setText(f"Adding {len(command.added):,} statements to the map…")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            QApplication.processEvents()
            try:
                document.execute(command)
            except ExplorerError as error:
                self.summary_label.setText(f"The import failed, and the map is unchanged: {error}")
                self._update_buttons()
                return
            finally:
                QApplication.restoreOverrideCursor()
            self.imported.emit(plan)
            self.accept()

        def failed(error):
            self._apply_task = None
            if self._closed:
                return
            self.summary_label.setText(f"The import failed, and the map is unchanged: {error}")
            self._update_buttons()

        self._apply_task = run_task(
            "Importing…",
            work,
            parent=self,
            dialog_parent=self,
            cancellable=True,
            on_success=succeeded,
            on_failure=failed,
            on_cancel=lambda: (setattr(self, "_apply_task", None), self._update_buttons()),
        )
        self._update_buttons()
        return self._apply_task

    def save_mapping(self) -> None:
        """Write the mapping as JSON, for ``routine-explorer import --mapping``."""
        if self.mapping is None:
            return
        start = str(self.path.with_suffix("") if self.path else Path.home() / "import") + "-mapping.json"
        path, _ = QFileDialog.getSaveFileName(self, "Save the mapping", start, "Mapping (*.json)")
        if not path:
            return
        try:
            Path(path).write_text(
                json.dumps(self.mapping.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except OSError as error:
            QMessageBox.warning(self, "Cannot save the mapping", f"<p>{html.escape(str(error))}</p>")

    # ----------------------------------------------------------------- closing
    def _cancel_tasks(self) -> None:
        for task in (self._read_task, self._plan_task):
            if task is not None and not task.done:
                task.cancel()

    def done(self, result: int) -> None:
        # Closing mid-read, mid-plan or mid-import: stop the work and wait for it, so no
        # worker reports to a dialog that is gone (and a cancelled import changes nothing).
        self._closed = True
        self._replan_timer.stop()
        tasks = [t for t in (self._read_task, self._plan_task, self._apply_task) if t is not None and not t.done]
        for task in tasks:
            task.cancel()
        for task in tasks:
            task.wait(60_000)
        super().done(result)


def open_import_dialog(window, path: str | Path | None = None) -> ImportDialog | None:
    """Show the import dialog for ``window``'s map (window-modal); returns it."""
    if window.document is None:
        return None
    dialog = ImportDialog(window, path)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished(plan) -> None:
        new = list(plan.new_nodes)
        if new and len(new) <= 500:
            window.canvas.select(new)
        # Show where the new nodes went (beside the map) along with the rest.
        window.canvas.fit()
        window.show_status(f"Imported: {plan.summary()} Undo takes it all back.", 12000)

    dialog.imported.connect(finished)
    dialog.open()
    if path is None:
        QTimer.singleShot(0, dialog.choose_file)
    return dialog


def install(window: MapHost) -> QAction:
    """Add File > Import… (before the export entries); it needs an open map."""
    action = window.add_action(
        "&Import…",
        lambda: open_import_dialog(window),
        None,
        "Merge people, units and ties from a spreadsheet, GraphML, GEXF or Kumu file into the map",
        needs_map=True,
    )
    action.setToolTip("Import a spreadsheet, GraphML, GEXF or Kumu file into the map")
    window.menus["file"].insertAction(window.menus["export_anchor"], action)
    return action


__all__ = ["ImportDialog", "import_filter", "install", "layout_new_nodes", "open_import_dialog", "place_beside"]
