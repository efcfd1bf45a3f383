"""The scenario bar above the canvas: which scenario the map shows and edits, and making, renaming, deleting them.

A map can hold scenarios beside the as-is map (:mod:`explorer.core.scenarios`).
The bar's list offers "As-is (base map)" and each scenario by name; choosing one
shows it through the host (an undoable view step that leaves the map clean), so
the canvas, the panels and the analysis all follow. The list follows undo, redo,
a reload and the other features' edits of the scenarios (a lever tried, say).

While a scenario is shown the bar turns into a coloured strip saying so, and that
edits go into the scenario while the as-is map stays as it was: nobody should
edit the wrong one by accident.

Edit > Scenarios holds the same commands, with shortcuts: New Scenario…
(Ctrl+Shift+N), Switch Scenario… (Ctrl+Shift+B: the list opens), Show the As-is
Map (Ctrl+Shift+A), New Scenario from What Is Shown…, Rename Scenario…, Delete
Scenario.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
)

from explorer.core.errors import ExplorerError
from explorer.core.events import DocumentReloaded, GraphChanged
from explorer.core.scenarios import (
    SCENARIOS_GRAPH,
    Scenario,
    create,
    delete,
    differences,
    rename,
    scenarios,
    show,
    shown,
    unreadable,
)
from explorer.core.schema import MAX_NAME
from explorer.core.text import shortened
from explorer.ui.common.host import MapHost, OpenMap
from explorer.ui.common.text import safe_text

#: What the list calls the map without any scenario.
BASE_ENTRY = "As-is (base map)"

#: The strip's fill and its edge, light and dark theme: amber, apart from the blues and greens of the map's kinds.
CUE_COLOURS = {"light": ("#ffe9a8", "#b8860b"), "dark": ("#5a4500", "#e0b040")}


#: What the strip says while a scenario is shown (the list beside it names the scenario).
CUE = "Edits go into this scenario; the as-is map is unchanged."


def cue_text(name: str) -> str:
    """What the strip says, in full, while the scenario ``name`` is shown (for screen readers and the tests).

    Examples
    --------
    >>> cue_text("to-be")
    'Scenario “to-be”: edits go into this scenario; the as-is map is unchanged.'
    """
    return f"Scenario “{shortened(name, 60)}”: edits go into this scenario; the as-is map is unchanged."


class ScenarioNameDialog(QDialog):
    """A name for a new or renamed scenario; ``check(name)`` says what is wrong with it (None: fine) before OK."""

    def __init__(self, title: str, prompt: str, name: str, check: Callable[[str], str | None], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioNameDialog")
        self.setWindowTitle(title)
        self._check = check
        layout = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        self.name = QLineEdit(name, self)
        self.name.setObjectName("scenarioName")
        self.name.setAccessibleName("Scenario name")
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText("For example: to-be, nurse-led discharge")
        self.name.selectAll()
        label.setBuddy(self.name)
        self.problem = QLabel("", self)
        self.problem.setObjectName("scenarioNameProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem with the name")
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(label)
        layout.addWidget(self.name)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def accept(self) -> None:
        """Close only with a name the map can take; otherwise say why and stay open."""
        problem = self._check(self.name.text())
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            self.name.setFocus()
            return
        super().accept()


class ScenarioBar(QFrame):
    """The bar: the list of scenarios, New, Rename and Delete, and the strip while a scenario is shown.

    ``switched`` is emitted with the scenario now shown (None: the as-is map) after a switch from the bar.
    """

    switched = Signal(object)

    def __init__(self, host: MapHost) -> None:
        super().__init__(host.canvas_page)
        self.host = host
        self.document = None
        self.showing: Scenario | None = None
        self.listed: list[Scenario] = []
        self.dialog: ScenarioNameDialog | None = None
        self._unsubscribe: list = []
        self._style = None
        self.setObjectName("scenarioBar")
        self.setAccessibleName("Scenario bar")
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 3, 6, 3)
        layout.setSpacing(6)
        caption = QLabel("&Scenario:", self)
        self.choice = QComboBox(self)
        self.choice.setObjectName("scenarioChoice")
        self.choice.setAccessibleName("Scenario shown")
        self.choice.setToolTip("Choose what the map shows and edits: the as-is map or one of its scenarios")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(22)
        caption.setBuddy(self.choice)
        self.new_button = QPushButton("&New…", self)
        self.new_button.setObjectName("scenarioNew")
        self.new_button.setAccessibleName("New scenario")
        self.new_button.setToolTip("Make a scenario, starting as the as-is map (Ctrl+Shift+N)")
        # Rename, Delete and the rest are in this button's menu (Edit > Scenarios): the strip needs the width.
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("scenarioMore")
        self.more_button.setText("More")
        self.more_button.setAccessibleName("More scenario commands")
        self.more_button.setToolTip("Rename or delete the scenario shown, or make one from it")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.cue = QLabel("", self)
        self.cue.setObjectName("scenarioCue")
        self.cue.setTextFormat(Qt.TextFormat.PlainText)
        self.cue.setWordWrap(True)
        self.cue.setAccessibleName("What is shown")
        # A wrapped label's height depends on its width: without this the bar cuts its second line.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.cue.setSizePolicy(policy)
        self.cue.setMinimumWidth(120)
        layout.addWidget(caption)
        layout.addWidget(self.choice)
        layout.addWidget(self.new_button)
        layout.addWidget(self.more_button)
        layout.addWidget(self.cue, 1)
        # Entries of the file's index graph that are no whole scenario (a crafted or foreign file): named, not used.
        self.notice = QLabel("", self)
        self.notice.setObjectName("scenarioNotice")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setAccessibleName("Scenarios that could not be read")
        self.notice.hide()
        layout.addWidget(self.notice)
        self.choice.activated.connect(self._chosen)
        self.new_button.clicked.connect(lambda: self.new_scenario())
        self._restyle()
        self.hide()

    # ------------------------------------------------------------------ following the map
    def show_map(self, opened: OpenMap | None) -> None:
        """Follow the open map (None when it closes)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self.dialog is not None:
            self.dialog.reject()
        self.document = opened.document if opened is not None else None
        if self.document is not None:
            events = self.document.events
            self._unsubscribe = [
                events.subscribe(GraphChanged, self._graph_changed),
                events.subscribe(DocumentReloaded, lambda event: self.refresh()),
            ]
        self.refresh()

    def _graph_changed(self, event: GraphChanged) -> None:
        # Every switch, undo and redo of one touches the index graph (its marker); ordinary edits do not.
        # Graph names compared as text: rdflib's == is Python code, and a layout's change holds 40k quads.
        if event.moves is not None:  # only nodes moved (a layout: 40k quads at 10k nodes)
            return
        scenarios_graph = str(SCENARIOS_GRAPH)
        if any(str.__eq__(q[3], scenarios_graph) for q in (*event.added, *event.removed)):
            self.refresh()

    def refresh(self) -> None:
        """Fill the list and the strip from the map as it now is."""
        document = self.document
        if document is None:
            self.listed, self.showing = [], None
            self.hide()
            return
        self.listed = scenarios(document.store)
        self.showing = shown(document.store)
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem(BASE_ENTRY, None)
        for scenario in self.listed:
            trial = " (trial, not saved)" if scenario.trial else ""
            self.choice.addItem(shortened(scenario.name, 60) + trial, str(scenario.iri))
            if scenario.description:
                self.choice.setItemData(self.choice.count() - 1, scenario.description, Qt.ItemDataRole.ToolTipRole)
        at = 0
        if self.showing is not None:
            at = next((i + 1 for i, s in enumerate(self.listed) if s.iri == self.showing.iri), 0)
        self.choice.setCurrentIndex(at)
        self.choice.blockSignals(False)
        if self.showing is not None:
            self.cue.setText(CUE)
            self.cue.setAccessibleDescription(cue_text(self.showing.name))
            self.cue.setToolTip(
                "Everything you change now is kept in this scenario. Saving writes the as-is map and every "
                "scenario (in TriG or N-Quads). Choose “As-is (base map)” to go back to the map as it is."
            )
        else:
            self.cue.setText("Showing the as-is map." if self.listed else "")
            self.cue.setAccessibleDescription(self.cue.text())
            self.cue.setToolTip("A scenario tries a change (to-be) without touching the as-is map.")
        problems = unreadable(document.store)
        self.notice.setVisible(bool(problems))
        if problems:
            count = len(problems)
            self.notice.setText(f"⚠ {count} scenario{'s' if count > 1 else ''} in this file could not be read")
            self.notice.setToolTip(safe_text("\n".join(problems)))
            self.notice.setAccessibleDescription(" ".join(problems))
        self._restyle()
        self.show()

    def _restyle(self) -> None:
        """Plain like the other bars for the as-is map; the amber strip while a scenario is shown."""
        # The theme is read from the page: this bar's own palette follows its style sheet.
        dark = self.parentWidget().palette().color(QPalette.ColorRole.Window).lightnessF() < 0.5
        style = (self.showing is not None, dark)
        if style == self._style:
            return  # setting a style sheet sends a palette change: only when something changed
        self._style = style
        if self.showing is None:
            self.setStyleSheet(
                "#scenarioBar { background: palette(window); border-bottom: 1px solid palette(mid); }"
                "#scenarioCue { color: palette(placeholder-text); }"
            )
            return
        fill, edge = CUE_COLOURS["dark" if dark else "light"]
        text = "#ffffff" if dark else "#1d232b"
        self.setStyleSheet(
            f"#scenarioBar {{ background: {QColor(fill).name()}; border-bottom: 2px solid {edge}; "
            f"border-top: 2px solid {edge}; }}"
            f"#scenarioBar QLabel {{ color: {text}; }}"
            "#scenarioCue { font-weight: bold; }"
        )

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    # ------------------------------------------------------------------ switching
    def _chosen(self, index: int) -> None:
        iri = self.choice.itemData(index)
        target = None if iri is None else next((s for s in self.listed if str(s.iri) == iri), None)
        self.switch_to(target)

    def switch_to(self, scenario: Scenario | None) -> bool:
        """Show ``scenario`` (None: the as-is map) as one undoable view step; returns whether it is shown now."""
        document = self.document
        if document is None or self.host.busy:
            self.refresh()
            return False
        self.host.commit_pending()  # a name being typed belongs where it was typed
        try:
            command = show(document, scenario)
        except ExplorerError as error:
            self.host.show_status(str(error), 8000)
            self.refresh()
            return False
        done = command.is_empty or self.host.execute(command)
        if not done or command.is_empty:
            self.refresh()  # the list goes back to what is shown (a switch made refreshed it already)
        if done and not command.is_empty:
            what = "the as-is map" if scenario is None else f"scenario “{shortened(scenario.name, 60)}”"
            self.host.show_status(f"Showing {what} (undo with Ctrl+Z).", 5000)
            self.switched.emit(scenario)
        return done

    def open_list(self) -> None:
        """Put the keyboard on the list and open it (Switch Scenario…)."""
        if self.document is None:
            return
        self.choice.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.choice.showPopup()

    # ------------------------------------------------------------------ making, renaming, deleting
    def _problem(self, make: Callable[[str], object]) -> Callable[[str], str | None]:
        def check(name: str) -> str | None:
            try:
                make(name)
            except ExplorerError as error:
                return str(error)
            return None

        return check

    def _ask_name(self, title: str, prompt: str, name: str, make, apply) -> ScenarioNameDialog | None:
        """Open the name dialog (window-modal, not blocking); OK runs ``apply(name)``."""
        if self.document is None or self.host.busy:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        self.host.commit_pending()
        document = self.document
        dialog = self.dialog = ScenarioNameDialog(title, prompt, name, self._problem(make), self.window())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            self.dialog = None
            self.host.canvas.setFocus()  # the keyboard goes back to the map, in the scenario now shown
            if result == QDialog.DialogCode.Accepted and self.document is document and not self.host.busy:
                apply(dialog.name.text())

        dialog.finished.connect(done)
        dialog.open()
        dialog.name.setFocus()
        return dialog

    def new_scenario(self, *, from_shown: bool = False) -> ScenarioNameDialog | None:
        """Ask for a name, then make the scenario and show it (two undoable steps).

        A new scenario starts as the as-is map; ``from_shown`` starts it as the scenario shown now.
        """
        document = self.document
        if document is None:
            return None
        source = self.showing if from_shown else None
        added, removed = differences(document.store, source) if source is not None else ((), ())

        def make(name: str):
            return create(document, name, added=added, removed=removed)

        def apply(name: str) -> None:
            try:
                command, scenario = make(name)
            except ExplorerError as error:
                self.host.show_status(str(error), 8000)
                return
            if self.host.execute(command):
                self.switch_to(scenario)

        if source is not None:
            prompt = f"A new scenario, starting as “{shortened(source.name, 60)}” is now:"
            name = f"{source.name} (copy)"[:MAX_NAME]
        else:
            prompt = "A new scenario starts as the as-is map; what you change while it is shown is kept in it."
            name = ""
        return self._ask_name("New Scenario", prompt, name, make, apply)

    def rename_scenario(self) -> ScenarioNameDialog | None:
        """Ask for a new name for the scenario shown."""
        document, scenario = self.document, self.showing
        if document is None:
            return None
        if scenario is None:
            self.host.show_status("Choose a scenario in the list first: the as-is map keeps its name.", 6000)
            return None

        def make(name: str):
            return rename(document, scenario, name)

        def apply(name: str) -> None:
            try:
                self.host.execute(make(name))
            except ExplorerError as error:
                self.host.show_status(str(error), 8000)

        return self._ask_name("Rename Scenario", "New name for the scenario:", scenario.name, make, apply)

    def delete_scenario(self) -> bool:
        """Delete the scenario shown, after asking; the as-is map is shown again. Undoable. Returns whether deleted."""
        document, scenario = self.document, self.showing
        if document is None or self.host.busy:
            return False
        if scenario is None:
            self.host.show_status("Choose a scenario in the list first: the as-is map cannot be deleted.", 6000)
            return False
        added, removed = differences(document.store, scenario)
        changes = len(added) + len(removed)
        answer = QMessageBox.question(
            self.window(),
            "Delete scenario?",
            safe_text(
                f"Delete the scenario “{shortened(scenario.name, 60)}” and its {changes:,} change(s) from the "
                "as-is map? The as-is map is shown again and stays as it is. Undo brings the scenario back."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if not self.host.execute(delete(document, scenario)):
            return False
        self.host.show_status(f"Deleted scenario “{shortened(scenario.name, 60)}” (undo with Ctrl+Z).", 6000)
        return True


class ScenarioFeature:
    """The bar and Edit > Scenarios, following the open map."""

    def __init__(self, host: MapHost) -> None:
        self.host = host
        self.bar = ScenarioBar(host)
        host.canvas_page.layout().insertWidget(0, self.bar)
        host.mapShown.connect(self.bar.show_map)
        self.menu = QMenu("S&cenarios", host.canvas_page)
        self.menu.setObjectName("scenariosMenu")
        self.act_new = host.add_action(
            "&New Scenario…",
            self.bar.new_scenario,
            QKeySequence("Ctrl+Shift+N"),
            "Make a scenario beside the as-is map, to try a change without touching it",
            needs_map=True,
        )
        self.act_new_from_shown = host.add_action(
            "New Scenario from &What Is Shown…",
            lambda: self.bar.new_scenario(from_shown=self.bar.showing is not None),
            None,
            "Make a scenario starting as the scenario shown now",
            needs_map=True,
        )
        self.act_switch = host.add_action(
            "&Switch Scenario…",
            self.bar.open_list,
            QKeySequence("Ctrl+Shift+B"),
            "Choose what the map shows and edits: the as-is map or a scenario",
            needs_map=True,
        )
        self.act_base = host.add_action(
            "Show the &As-is Map",
            lambda: self.bar.switch_to(None),
            QKeySequence("Ctrl+Shift+A"),
            "Show the map as it is, without any scenario",
            needs_map=True,
        )
        self.act_rename = host.add_action(
            "&Rename Scenario…", self.bar.rename_scenario, None, "Rename the scenario shown", needs_map=True
        )
        self.act_delete = host.add_action(
            "&Delete Scenario", self.bar.delete_scenario, None, "Delete the scenario shown", needs_map=True
        )
        self.menu.addActions([self.act_new, self.act_new_from_shown])
        self.menu.addSeparator()
        self.menu.addActions([self.act_switch, self.act_base])
        self.menu.addSeparator()
        self.menu.addActions([self.act_rename, self.act_delete])
        self.bar.more_button.setMenu(self.menu)
        host.menus["edit"].addSeparator()
        host.menus["edit"].addMenu(self.menu)
        for action in self.menu.actions():
            action.setEnabled(host.document is not None)


def install(host: MapHost) -> ScenarioFeature:
    """Put the scenario bar above the canvas of ``host``, with Edit > Scenarios."""
    return ScenarioFeature(host)


__all__ = ["BASE_ENTRY", "ScenarioBar", "ScenarioFeature", "ScenarioNameDialog", "cue_text", "install"]
