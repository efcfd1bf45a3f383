"""The SPARQL console's list of questions: the saved questions that ship in ``ontology/queries`` and the user's own.

Each question shows its title; choosing one shows its description and asks the
console to load it (double-click: load and run). The user's query can be saved
as their own (a title and an optional description) and their own deleted;
saved questions that ship with the app stay. Reading and writing the files is
:mod:`explorer.sparql.library`'s; this pane only shows them.

Titles and descriptions are map-independent but still user-written: they are
shown as plain text, and tooltips escape them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.core.errors import ExplorerError
from explorer.core.text import one_line
from explorer.ui.common import safe_text
from explorer.ui.common.text import safe_tooltip

DESCRIPTION_HINT = "Choose a question to load it and read what it asks; double-click runs it."


def library():
    """:mod:`explorer.sparql.library`, imported when first needed: the query package costs ~0.14 s at start-up."""
    from explorer.sparql import library as module

    return module


def muted(label: QLabel) -> QLabel:
    """``label`` in the quieter placeholder colour: a palette role, so it follows a switch of theme at once."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def plain(text: str = "", *, name: str = "", wrap: bool = True) -> QLabel:
    """A label that never takes its text as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if name:
        label.setAccessibleName(name)
    return label


class SaveQueryDialog(QDialog):
    """Ask for the title and description of a query the user saves as their own."""

    def __init__(self, title: str = "", description: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save query as mine")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(title)
        self.title.setAccessibleName("Query title")
        self.title.setPlaceholderText("A question, such as “Who leads two units?”")
        self.description = QPlainTextEdit(description)
        self.description.setAccessibleName("Query description")
        self.description.setPlaceholderText("What the answer tells you (optional)")
        self.description.setFixedHeight(90)
        form.addRow("Title", self.title)
        form.addRow("Description", self.description)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.title.textChanged.connect(lambda text: save.setEnabled(bool(text.strip())))
        save.setEnabled(bool(title.strip()))
        layout.addWidget(buttons)
        self.resize(460, 220)


class QuestionsPane(QWidget):
    """Saved questions and the user's own, with the chosen one's description.

    Signals
    -------
    chosen(object)
        The user chose a :class:`~explorer.sparql.library.SavedQuery` (load it).
    runRequested(object)
        The user double-clicked one (load and run it).
    saveRequested()
        The Save as Mine button was pressed (the console knows the text to save).
    message(str)
        A short note for the status bar.
    """

    chosen = Signal(object)
    runRequested = Signal(object)
    saveRequested = Signal()
    message = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._queries: list = []
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(4)
        heading = QLabel("Questions")
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        layout.addWidget(heading)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Saved questions")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.itemClicked.connect(lambda item, _column: self._choose(item))
        self.tree.itemActivated.connect(lambda item, _column: self._choose(item))
        self.tree.itemDoubleClicked.connect(lambda item, _column: self._choose(item, run=True))
        self.tree.currentItemChanged.connect(lambda item, _previous: self.describe(item))
        self.description = muted(plain(DESCRIPTION_HINT, name="Question description"))
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setMinimumHeight(60)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.tree)
        scroll = QScrollArea()
        scroll.setWidget(self.description)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.save_button = QPushButton("Save as Mine…")
        self.save_button.setAccessibleName("Save the query as my own")
        self.save_button.setToolTip("Keep the query in the editor under My queries")
        self.save_button.clicked.connect(self.saveRequested.emit)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete my saved query")
        self.delete_button.setToolTip("Delete the chosen query from My queries")
        self.delete_button.clicked.connect(lambda: self.delete())
        row.addWidget(self.save_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.setMinimumWidth(180)
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self, select=None) -> None:
        """Read the questions again (``select``: the path of one to make current)."""
        self.loaded = True
        self.tree.clear()
        self._queries = []
        problems = []
        try:
            module = library()
            builtin = module.builtin_queries()
        except (ExplorerError, ImportError) as error:
            module, builtin = None, []
            problems.append(str(error))
        try:
            mine = module.user_queries() if module is not None else []
        except ExplorerError as error:
            mine = []
            problems.append(str(error))
        current = None
        for heading, queries, empty in (
            ("Saved questions", builtin, "None found"),
            ("My queries", mine, "None yet: write a query, then Save as Mine"),
        ):
            group = QTreeWidgetItem(self.tree, [heading])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(True)
            for query in queries:
                item = QTreeWidgetItem(group, [one_line(query.title, 120)])
                item.setData(0, Qt.ItemDataRole.UserRole, len(self._queries))
                item.setToolTip(0, safe_tooltip(one_line(query.title, 200), query.description[:1500]))
                self._queries.append(query)
                if select is not None and Path(query.path) == Path(select):
                    current = item
            if not queries:
                QTreeWidgetItem(group, [empty]).setFlags(Qt.ItemFlag.NoItemFlags)
            group.setExpanded(True)
        if current is not None:
            self.tree.setCurrentItem(current)
        if problems:
            self.description.setText("; ".join(problems))
        self._update_buttons()

    def query(self, item=None):
        """The SavedQuery of ``item`` (default: the current item), or None."""
        item = item if item is not None else self.tree.currentItem()
        if item is None:
            return None
        index = item.data(0, Qt.ItemDataRole.UserRole)
        return self._queries[index] if isinstance(index, int) and 0 <= index < len(self._queries) else None

    def find(self, name_or_title: str):
        """The tree item of the question named (file stem) or titled ``name_or_title``, or None."""
        if not self.loaded:
            self.refresh()
        for group in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(group)
            for child in range(top.childCount()):
                item = top.child(child)
                query = self.query(item)
                if query is not None and name_or_title in (query.name, query.title):
                    return item
        return None

    def show_query(self, query) -> None:
        """Make ``query`` the current item (if listed) and show its description."""
        item = self.find(query.name) if query is not None else None
        if item is not None and self.tree.currentItem() is not item:
            self.tree.setCurrentItem(item)
        self.describe(item)

    def describe(self, item) -> None:
        query = self.query(item)
        self._update_buttons()
        if query is None:
            self.description.setText(DESCRIPTION_HINT)
            self.description.setToolTip("")
            return
        title = one_line(query.title)
        self.description.setText(f"{title}\n\n{query.description.strip()}" if query.description.strip() else title)
        self.description.setToolTip(safe_tooltip("Saved question" if query.builtin else "My query", str(query.path)))

    def _choose(self, item, *, run: bool = False) -> None:
        query = self.query(item)
        if query is not None:
            (self.runRequested if run else self.chosen).emit(query)

    def save(self, text: str, title: str | None = None, description: str | None = None, *, base=None):
        """Save ``text`` as the user's own query; asks for a title (offering ``base``'s) when none is given."""
        if title is None:
            suggestion = f"{base.title} (mine)" if base is not None and base.builtin else (base.title if base else "")
            dialog = SaveQueryDialog(suggestion, base.description if base is not None else "", self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            title, description = dialog.title.text(), dialog.description.toPlainText()
        try:
            saved = library().save_user_query(title, text, description or "")
        except ExplorerError as error:
            QMessageBox.warning(self, "Cannot save the query", safe_text(str(error)))
            return None
        self.refresh(select=saved.path)
        self.message.emit(f"Saved “{one_line(saved.title, 60)}” under My queries.")
        return saved

    def delete(self, query=None, *, ask: bool = True) -> bool:
        """Delete one of the user's own queries (after asking); the questions that ship with the app stay."""
        query = query if query is not None else self.query()
        if query is None or query.builtin:
            return False
        if ask:
            answer = QMessageBox.question(
                self, "Delete query?", safe_text(f"Delete “{one_line(query.title)}” from My queries?")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            library().delete_user_query(query)
        except ExplorerError as error:
            QMessageBox.warning(self, "Cannot delete the query", safe_text(str(error)))
            return False
        self.description.setText(DESCRIPTION_HINT)
        self.refresh()
        self.message.emit(f"Deleted “{one_line(query.title, 60)}”.")
        return True

    def _update_buttons(self) -> None:
        query = self.query()
        self.delete_button.setEnabled(query is not None and not query.builtin)
