"""Query results as a sortable Qt table: IRIs shown by the map's labels, literals as text, copy as tab-separated text.

:class:`TermNames` says how a term reads (a node's label, else a prefixed
name, else the IRI); :class:`ResultsModel` is a thin adapter over the rows of
an :class:`~explorer.sparql.service.Outcome` (SELECT rows, or a graph result's
triples as subject/predicate/object rows); :class:`ResultsTable` is the view,
which copies its selection as tab-separated text with Ctrl+C.

Everything shown is plain text: the display role is never rendered as markup,
and tooltips are escaped (:func:`explorer.ui.common.text.safe_tooltip`).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from explorer.core.text import clipped, one_line
from explorer.ui.common.text import safe_tooltip

#: Longest text shown in a cell; the tooltip and exports carry the whole value.
CELL_LIMIT = 300
TOOLTIP_LIMIT = 2000
TERM_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_NUMERIC = {
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.negativeInteger,
    XSD.nonPositiveInteger,
    XSD.unsignedInt,
    XSD.unsignedLong,
    XSD.unsignedShort,
    XSD.unsignedByte,
}


class TermNames:
    """How terms read in the console: by the map's labels and the map's prefixes.

    Parameters
    ----------
    projection : Projection or None
        The open map's nodes (their labels); None reads every IRI by its prefixed name.
    schema : Schema or None
        Kinds' and properties' labels, for tooltips.
    prefixes : dict
        ``{prefix: namespace}`` used to shorten IRIs that are not nodes.
    """

    def __init__(self, projection=None, schema=None, prefixes: dict | None = None) -> None:
        self.projection = projection
        self.schema = schema
        # Longest namespace first, so ``rx:`` wins over a shorter namespace it extends.
        self._prefixes = sorted(
            ((str(ns), p) for p, ns in (prefixes or {}).items() if ns), key=lambda item: -len(item[0])
        )
        self._display: dict = {}

    def compact(self, iri) -> str:
        """``iri`` as a prefixed name when a prefix covers it (and the rest is a plain local name), else ``<iri>``.

        Examples
        --------
        >>> names = TermNames(prefixes={"rx": "https://w3id.org/routine-explorer/ns#"})
        >>> names.compact("https://w3id.org/routine-explorer/ns#Unit"), names.compact("http://e/a b")
        ('rx:Unit', '<http://e/a b>')
        """
        text = str(iri)
        for namespace, prefix in self._prefixes:
            if text.startswith(namespace):
                local = text[len(namespace) :]
                if local and all(ch.isalnum() or ch in "_-" for ch in local):
                    return f"{prefix}:{local}"
        return f"<{text}>"

    def node(self, term):
        """The map node ``term`` names, or None."""
        if isinstance(term, URIRef) and self.projection is not None and term in self.projection.nodes:
            return self.projection.nodes[term]
        return None

    def display(self, term) -> str:
        """The text of a cell."""
        if term is None:
            return ""
        found = self._display.get(term)
        if found is None:
            view = self.node(term)
            if view is not None:
                found = one_line(view.label, CELL_LIMIT) or self.compact(term)
            elif isinstance(term, URIRef):
                found = one_line(self.compact(term), CELL_LIMIT)
            elif isinstance(term, BNode):
                found = f"_:{term}"
            else:
                found = one_line(str(term), CELL_LIMIT)
            if len(self._display) < 200_000:
                self._display[term] = found
        return found

    def tooltip(self, term) -> str:
        """An escaped tooltip: the full IRI (with the node's label or the vocabulary's), or the whole literal."""
        if term is None:
            return ""
        if isinstance(term, URIRef):
            view = self.node(term)
            title = view.label if view is not None else self._vocabulary_label(term)
            if title:
                return safe_tooltip(one_line(title, 200), str(term))
            return safe_tooltip(str(term))
        if isinstance(term, Literal):
            text = str(term)
            body = clipped(text, TOOLTIP_LIMIT)
            kind = (
                f"language {term.language}" if term.language else (self.compact(term.datatype) if term.datatype else "")
            )
            return safe_tooltip(kind or "text", body)
        return safe_tooltip(f"blank node _:{term}")

    def _vocabulary_label(self, iri) -> str:
        if self.schema is None:
            return ""
        kind = self.schema.kind(iri)
        if kind is not None:
            return f"{kind.label} (kind)"
        spec = self.schema.properties.get(iri)
        return f"{spec.label} (property)" if spec is not None else ""

    def sort_key(self, term):
        """Numbers by value, then text by its shown form, empty cells last."""
        if term is None:
            return (2, 0.0, "")
        if isinstance(term, Literal) and term.datatype in _NUMERIC:
            try:
                return (0, float(term), "")
            except (TypeError, ValueError):
                pass
        return (1, 0.0, self.display(term).casefold())

    def colour(self, term) -> QColor | None:
        """The colour of a node's kind (a swatch in the cell says "this is on the map")."""
        view = self.node(term)
        if view is None or self.schema is None:
            return None
        kind = self.schema.kind(view.kind)
        return QColor(kind.colour) if kind is not None else None


class ResultsModel(QAbstractTableModel):
    """Rows of terms under named columns; sorting reorders a row index, never the rows themselves."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.variables: tuple = ()
        self.rows: tuple = ()
        self.names = TermNames()
        self._order: list[int] = []

    def set_table(self, variables, rows, names: TermNames) -> None:
        self.beginResetModel()
        self.variables = tuple(str(v) for v in variables)
        self.rows = tuple(rows)
        self.names = names
        self._order = list(range(len(self.rows)))
        self.endResetModel()

    def clear(self) -> None:
        self.set_table((), (), TermNames())

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.variables)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.variables):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.variables[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return safe_tooltip(f"?{self.variables[section]}", "Click to sort")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def term(self, row: int, column: int):
        """The term in a visible row and column (None for an unbound cell)."""
        values = self.rows[self._order[row]]
        return values[column] if column < len(values) else None

    def row_terms(self, row: int) -> tuple:
        return tuple(self.rows[self._order[row]])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        term = self.term(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.names.display(term)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.names.tooltip(term)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.names.colour(term)
        if role == TERM_ROLE:
            return term
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(term, Literal) and term.datatype in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.variables):
            return
        self.layoutAboutToBeChanged.emit()
        key = self.names.sort_key
        self._order.sort(
            key=lambda i: key(self.rows[i][column] if column < len(self.rows[i]) else None),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.layoutChanged.emit()

    def nodes_in_rows(self, rows) -> list:
        """The map nodes named in ``rows`` (visible row numbers), in order, without repeats."""
        found = {}
        for row in rows:
            for term in self.row_terms(row):
                if self.names.node(term) is not None:
                    found.setdefault(term, None)
        return list(found)

    def text_of(self, rows, columns, *, header: bool) -> str:
        """Tab-separated text of the given cells (tabs and line breaks inside values become spaces)."""
        lines = []
        if header:
            lines.append("\t".join(self.variables[c] for c in columns))
        for row in rows:
            lines.append("\t".join(self.names.display(self.term(row, c)).replace("\t", " ") for c in columns))
        return "\n".join(lines) + "\n"


class ResultsTable(QTableView):
    """The results view: sortable, whole-row selection, Ctrl+C copies the selected rows as tab-separated text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setDefaultSectionSize(22)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setResizeContentsPrecision(50)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def fit_columns(self) -> None:
        """Columns as wide as their first rows need, within reason."""
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for column in range(header.count()):
            header.resizeSection(column, min(max(header.sectionSize(column), 70), 320))

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.selectionModel().selectedRows()}) if self.selectionModel() else []

    def selection_text(self) -> str:
        """The selected rows (or cells) as tab-separated text, with a header line for whole rows."""
        model = self.model()
        rows = self.selected_rows()
        if rows:
            return model.text_of(rows, range(model.columnCount()), header=True)
        indexes = self.selectedIndexes()
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        return model.text_of(rows, columns, header=False)

    def copy_selection(self) -> str:
        text = self.selection_text()
        if text:
            QApplication.clipboard().setText(text)
        return text

    def event(self, event) -> bool:
        # Claim Ctrl+C before the main window's Copy (which copies canvas nodes) takes it as a shortcut.
        if event.type() == event.Type.ShortcutOverride and event.matches(QKeySequence.StandardKey.Copy):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)
