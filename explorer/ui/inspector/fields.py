"""The rows of the inspector's form: one field per property, chosen by the property's widget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from explorer.core import commands
from explorer.core.editing import rename_label
from explorer.core.namespaces import RX
from explorer.core.schema import PropertySpec
from explorer.core.terms import DEFAULT_GRAPH, local_name
from explorer.core.text import one_line, shortened
from explorer.ui.inspector.widgets import (
    LIST_LABEL_LIMIT,
    NOT_SET,
    CheckList,
    Combo,
    ElidedLabel,
    LineEdit,
    LinkCombo,
    LinkLabel,
    LinkList,
    TextEdit,
    capitalised,
    escape_sets,
    is_dark,
    message_label,
    number_text,
    scale_text,
    scaled_font,
    secondary_colour,
    set_colour,
    tip_text,
    tool_button,
)

if TYPE_CHECKING:
    from explorer.ui.inspector.form import Inspector

NUMERIC_TYPES = frozenset(
    {
        XSD.decimal,
        XSD.integer,
        XSD.double,
        XSD.float,
        XSD.int,
        XSD.long,
        XSD.short,
        XSD.nonNegativeInteger,
        XSD.positiveInteger,
        XSD.nonPositiveInteger,
        XSD.negativeInteger,
    }
)


LINE_PLACEHOLDERS = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DDThh:mm"}


# --------------------------------------------------------------------------- the item shown
@dataclass
class Item:
    """What the inspector shows, read from the store in one pass."""

    key: object
    subject: URIRef | BNode | None  # the node or qualified tie whose statements the form edits
    kind: object = None  # Kind or None
    values: dict = field(default_factory=dict)  # predicate -> [objects]
    incoming: dict = field(default_factory=dict)  # symmetric predicate -> [subjects pointing here]
    triple: tuple | None = None  # (s, p, o) for a plain tie
    ends: tuple = (None, None)  # (from, to) of a tie

    @property
    def is_tie(self) -> bool:
        return self.triple is not None or (self.kind is not None and self.kind.is_tie)

    @property
    def signature(self) -> tuple:
        # The form is rebuilt only when this changes; otherwise values are updated in place.
        return (self.key, self.kind.iri if self.kind is not None else None)


# --------------------------------------------------------------------------- fields
class Field:
    """One row of the form: an editor, a note for stored values it cannot show as they are, an inline error."""

    def __init__(self, inspector: Inspector, spec, subject) -> None:
        self.inspector = inspector
        self.spec = spec
        self.subject = subject
        self.dead = False
        self.widget = QWidget()
        self.layout = QVBoxLayout(self.widget)
        self.layout.setContentsMargins(0, 0, 0, 0)
        self.layout.setSpacing(3)
        # Most fields never need a note or an error: the labels are made on first use (builds stay fast).
        self._note: QLabel | None = None
        self._error: QLabel | None = None
        self.main: QWidget | None = None
        self.values: list = []

    #: Which metric the first line of this field has ("line", "combo" or "check"): its form label matches it.
    first_line = "line"

    # -- to be provided by each kind of field
    def load(self, values: list) -> None:
        """Show ``values`` (the stored objects of the property)."""
        self.values = list(values)

    def focus_widgets(self) -> list:
        """The widgets Tab visits, in order."""
        return [self.main] if self.main is not None else []

    def commit_pending(self) -> None:
        """Commit what the user typed but has not committed yet (called before the form goes away)."""

    # -- shared
    def finish(self) -> None:
        """Name the editor for assistive technology and give it the property's comment as tooltip."""
        if self.main is not None:
            self.main.setObjectName(str(self.spec.iri))
            self.main.setAccessibleName(self.spec.label)
            if self.spec.comment:
                self.main.setToolTip(tip_text(self.spec.comment))
                self.main.setAccessibleDescription(one_line(self.spec.comment, 300))

    def _message(self, error: bool) -> QLabel:
        label = self._error if error else self._note
        if label is None:
            if error:
                label = self._error = message_label(self.widget, "#B3261E", "#F2B8B5", f"{self.spec.label}: error")
                label.setObjectName(f"error:{self.spec.iri}")
                self.layout.addWidget(label)  # errors go last, under any note
            else:
                label = self._note = message_label(self.widget, "#8A5300", "#F3C26B", f"{self.spec.label}: note")
                label.setObjectName(f"note:{self.spec.iri}")
                at = self.layout.indexOf(self._error) if self._error is not None else -1
                self.layout.insertWidget(at if at >= 0 else self.layout.count(), label)
        return label

    def set_note(self, text: str) -> None:
        if not text:
            if self._note is not None:
                self._note.hide()
            return
        note = self._message(False)
        note.setText("⚠ " + text)
        note.setToolTip(tip_text(text))
        note.show()

    def show_error(self, text: str) -> None:
        error = self._message(True)
        error.setText(text)
        error.show()
        if self.main is not None:
            self.main.setAccessibleDescription(text)

    def clear_error(self) -> None:
        if self.has_error:
            self._error.hide()
            self._error.setText("")
            if self.main is not None:
                self.main.setAccessibleDescription(one_line(self.spec.comment, 300))

    @property
    def has_error(self) -> bool:
        return self._error is not None and not self._error.isHidden()

    def refuse(self, reason: str) -> None:
        """Say why a value was not written: under the field and in the status bar."""
        reason = capitalised(reason)
        self.show_error(reason)
        self.inspector.message.emit(reason)

    def execute(self, command) -> bool:
        if self.dead:
            return False
        self.clear_error()
        return self.inspector.execute(command)

    def store(self):
        return self.inspector.doc.store

    def coerce(self, value):
        return self.inspector.schema.coerce(self.spec.iri, value)

    def whose(self) -> str:
        """Whose value this is, as its History entry names it: “Ward 7”, or “Ward 7 nurses → Nurse-led discharge”."""
        store, name = self.store(), self.inspector.label_of
        ends = [
            next((o for _, _, o, _ in store.quads(self.subject, end, None, DEFAULT_GRAPH)), None)
            for end in (RX["from"], RX.to)
        ]
        said = f"{name(ends[0])} → {name(ends[1])}" if all(ends) else name(self.subject)
        return f"“{shortened(said, 40)}”"

    def set_value(self, value, label: str | None = None) -> bool:
        return self.execute(
            commands.set_property(
                self.store(),
                self.subject,
                self.spec.iri,
                value,
                label=label or f"Set {self.spec.label} of {self.whose()}",
            )
        )

    def add_typed(self, edit) -> None:
        """Add the value typed in ``edit`` (refused with a message when it is not valid), then clear it."""
        text = edit.text()
        if not text.strip() or self.dead:
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            return
        if self.execute(
            commands.add_tie(
                self.store(), self.subject, self.spec.iri, value, label=f"Add {self.spec.label} to {self.whose()}"
            )
        ):
            edit.clear()

    def unset(self) -> bool:
        if not self.values:
            return True
        return self.execute(
            commands.unset_property(
                self.store(), self.subject, self.spec.iri, label=f"Clear {self.spec.label} of {self.whose()}"
            )
        )


class LineField(Field):
    """text, decimal, integer, date and datetime: one line, committed on Enter or when focus leaves."""

    def __init__(self, inspector, spec, subject, *, display_label: str = "") -> None:
        super().__init__(inspector, spec, subject)
        self.edit = LineEdit(self.widget)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.main = self.edit
        self.shown_text = ""
        self.shown_value = None
        self.display_label = display_label
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.edit, 1)
        scale = scale_text(spec)
        if spec.widget in ("decimal", "integer"):
            self.edit.setPlaceholderText(scale or ("a whole number" if spec.widget == "integer" else "a number"))
            if scale:
                hint = QLabel(scale, self.widget)
                hint.setTextFormat(Qt.TextFormat.PlainText)
                hint.setFont(scaled_font(self.widget, 0.9))
                set_colour(hint, secondary_colour(self.widget))
                hint.setToolTip(tip_text(f"Scale from {number_text(spec.minimum)} to {number_text(spec.maximum)}"))
                hint.setAccessibleName(f"{spec.label} scale")
                hint.setFixedWidth(inspector.size_for("gutter"))
                row.addWidget(hint)
        elif spec.widget in LINE_PLACEHOLDERS:
            self.edit.setPlaceholderText(LINE_PLACEHOLDERS[spec.widget])
        self.layout.addLayout(row)
        self.edit.editingFinished.connect(self.commit)
        self.edit.focusLost.connect(self._focus_lost)
        self.edit.textEdited.connect(lambda _t: self.clear_error())
        self.edit.on_escape = self.restore
        self.finish()

    def load(self, values: list) -> None:
        super().load(values)
        literals = [v for v in values if isinstance(v, Literal)]
        preferred = [v for v in literals if v.language in (None, "en")] or literals or values
        shown = min(preferred, key=lambda v: (getattr(v, "language", None) is not None, str(v))) if preferred else None
        self.shown_value = shown
        text = "" if shown is None else str(shown)
        notes = []
        if shown is not None and not isinstance(shown, Literal):
            notes.append(f"Stored as a link ({one_line(shown, 80)}), not as a value.")
        elif shown is not None:
            notes.extend(self._odd(shown))
        if len(values) > 1:
            others = ", ".join(f"“{one_line(v, 30)}”" for v in values if v != shown)
            notes.append(f"Also holds {others}; one value is expected, and editing replaces them all.")
        self.set_note(" ".join(notes))
        if self.spec.iri == RDFS.label and not values and self.display_label:
            self.edit.setPlaceholderText(f"(no label; shown as “{one_line(self.display_label, 40)}”)")
        # Never overwrite what the user is typing in this very field (an unrelated edit may refresh the form).
        if self.edit.hasFocus() and self.edit.text() != self.shown_text:
            self.shown_text = text
            return
        self.shown_text = text
        if self.edit.text() != text:
            self.edit.setText(text)
            self.edit.setCursorPosition(0)
            self.clear_error()

    def _odd(self, value: Literal) -> list:
        """Why a stored value does not fit this field (read from a file, say), if it does not."""
        if self.spec.widget not in ("decimal", "integer", "date", "datetime"):
            return []
        try:
            self.coerce(str(value))
        except ValueError as err:
            return [f"The stored value does not fit: {err}"]
        if self.spec.widget in ("decimal", "integer") and value.datatype not in NUMERIC_TYPES:
            kind = local_name(value.datatype) if value.datatype is not None else "text"
            return [f"Stored as {kind}, not as a number; entering the value again fixes that."]
        return []

    def commit(self) -> None:
        if self.dead:
            return
        text = self.edit.text()
        if text == self.shown_text:
            self.clear_error()
            return
        if not text.strip() and self.spec.iri != RDFS.label:
            self.unset()
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            return
        if (
            self.spec.widget in ("text", "multiline")
            and isinstance(self.shown_value, Literal)
            and self.shown_value.language
        ):
            value = Literal(str(value), lang=self.shown_value.language)  # a French label stays French
        label = None
        if self.spec.iri == RDFS.label:
            label = rename_label(self.shown_text or self.display_label, str(value))
        if self.set_value(value, label) and self.edit.text() != self.shown_text:
            self.edit.setText(self.shown_text)  # show the stored form ("0.40" is stored as 0.4)
            self.edit.setCursorPosition(0)

    def commit_pending(self) -> None:
        if self.edit.text() != self.shown_text and not self.has_error:
            self.commit()

    def restore(self) -> bool:
        """Put the stored value back; True if there was anything to undo."""
        changed = self.edit.text() != self.shown_text or self.has_error
        self.edit.setText(self.shown_text)
        self.edit.setCursorPosition(0)
        self.clear_error()
        return changed

    def _focus_lost(self) -> None:
        if self.has_error and not self.dead:
            self.edit.setText(self.shown_text)  # the refusal stays visible, so the user knows why it reverted
            self.edit.setCursorPosition(0)


class MultilineField(Field):
    """A comment: several lines, committed when focus leaves or on Ctrl+Enter."""

    def __init__(self, inspector, spec, subject) -> None:
        super().__init__(inspector, spec, subject)
        self.edit = TextEdit(self.widget)
        self.main = self.edit
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._lines = 0
        self._fit()
        self.edit.resized.connect(self._fit)
        self.edit.textChanged.connect(self._fit)
        self.edit.setPlaceholderText("Notes (Ctrl+Enter to save)")
        self.shown_text = ""
        self.shown_value = None
        self.layout.addWidget(self.edit)
        self.edit.focusLost.connect(self.commit)
        self.edit.submitted.connect(self.commit)
        self.edit.textChanged.connect(self._edited)
        self.edit.on_escape = self.restore
        self.finish()

    def _fit(self) -> None:
        # Grows with its text from 3 to 8 lines, then scrolls: short notes stay compact, long ones readable.
        width = self.edit.viewport().width() - 2 * int(self.edit.document().documentMargin())
        text = self.edit.toPlainText()[:2000]  # more than 8 lines anyway; measuring all of a huge text is waste
        lines = 3
        if text and width > 20:
            metrics = self.edit.fontMetrics()
            flags = int(Qt.TextFlag.TextWordWrap.value)
            height = metrics.boundingRect(QRect(0, 0, width, 100_000), flags, text).height()
            lines = min(max(round(height / metrics.lineSpacing()) + (1 if text.endswith("\n") else 0), 3), 8)
        if lines != self._lines:
            self._lines = lines
            margins = self.edit.contentsMargins()
            frame = margins.top() + margins.bottom() + 2 * int(self.edit.document().documentMargin())
            self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * lines + frame + 2)

    def _edited(self) -> None:
        if self.edit.toPlainText() != self.shown_text:
            self.clear_error()

    def load(self, values: list) -> None:
        super().load(values)
        literals = [v for v in values if isinstance(v, Literal)]
        preferred = [v for v in literals if v.language in (None, "en")] or literals or values
        shown = preferred[0] if preferred else None
        self.shown_value = shown
        text = "" if shown is None else str(shown)
        notes = []
        if len(values) > 1:
            notes.append(f"{len(values) - 1} more value(s) stored; editing replaces them all.")
        if shown is not None and not isinstance(shown, Literal):
            notes.append("Stored as a link, not as text.")
        self.set_note(" ".join(notes))
        if self.edit.hasFocus() and self.edit.toPlainText() != self.shown_text:
            self.shown_text = text
            return
        self.shown_text = text
        if self.edit.toPlainText() != text:
            self.edit.setPlainText(text)

    def commit(self) -> None:
        if self.dead:
            return
        text = self.edit.toPlainText()
        if text == self.shown_text:
            return
        if not text.strip():
            self.unset()
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            return
        if isinstance(self.shown_value, Literal) and self.shown_value.language:
            value = Literal(str(value), lang=self.shown_value.language)
        if self.set_value(value) and self.edit.toPlainText() != self.shown_text:
            self.edit.setPlainText(self.shown_text)  # surrounding blanks are not stored

    def commit_pending(self) -> None:
        self.commit()

    def restore(self) -> bool:
        changed = self.edit.toPlainText() != self.shown_text
        self.edit.setPlainText(self.shown_text)
        self.clear_error()
        return changed


class ChoiceField(Field):
    """One concept of a SKOS scheme, or none."""

    first_line = "combo"

    def __init__(self, inspector, spec, subject, *, default_label: str = "") -> None:
        super().__init__(inspector, spec, subject)
        self.combo = Combo(self.widget)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(6)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.main = self.combo
        # Entries are indexes into ``options``: Qt item data would turn an rdflib URIRef into a plain str.
        self.options: list = [None]
        self.combo.addItem(f"{NOT_SET} (default: {default_label})" if default_label else NOT_SET)
        for concept in spec.choices:
            self.combo.addItem(concept.label)
            self.options.append(concept.iri)
            if concept.definition:
                self.combo.setItemData(
                    self.combo.count() - 1, tip_text(concept.definition), Qt.ItemDataRole.ToolTipRole
                )
        self._fixed = self.combo.count()
        self.layout.addWidget(self.combo)
        self.combo.activated.connect(self._chosen)
        self.finish()

    def load(self, values: list) -> None:
        super().load(values)
        # Values the scheme does not offer (an odd IRI or a literal from a file) get an entry of their own.
        while self.combo.count() > self._fixed:
            self.combo.removeItem(self.combo.count() - 1)
        del self.options[self._fixed :]
        known = {c.iri for c in self.spec.choices}
        current = values[0] if values else None
        notes = []
        if current is not None and current not in known:
            self.combo.addItem(f"⚠ {one_line(current if isinstance(current, Literal) else local_name(current), 60)}")
            self.options.append(current)
            notes.append(f"The stored value “{one_line(current, 60)}” is not one of the choices.")
        if len(values) > 1:
            notes.append(f"{len(values)} values stored where one is expected; choosing one replaces them all.")
        self.set_note(" ".join(notes))
        index = self.options.index(current) if current in self.options else 0
        if self.combo.currentIndex() != index:
            self.combo.setCurrentIndex(index)

    def _chosen(self, index: int) -> None:
        value = self.options[index] if 0 <= index < len(self.options) else None
        if index == 0:
            self.unset()
            return
        if index >= self._fixed:
            return  # the odd stored value chosen again: nothing to change
        try:
            value = self.coerce(value)
        except ValueError as err:
            self.refuse(str(err))
            return
        self.set_value(value)


class MultiChoiceField(Field):
    """Several concepts of a scheme, as a list of checkable items (long concept names elide rather than widen)."""

    first_line = "check"

    def __init__(self, inspector, spec, subject) -> None:
        super().__init__(inspector, spec, subject)
        self.checks = CheckList(self.widget, row_height=inspector.size_for("check"))
        for concept in spec.choices:
            self.checks.add(concept.label, concept.iri, concept.definition)
        self.checks.toggledValue.connect(self._toggled)
        self.odd: LinkList | None = None  # made only when a stored value is not among the choices
        self.layout.addWidget(self.checks)
        self.main = self.checks
        self.finish()

    def focus_widgets(self) -> list:
        return [self.checks] + ([self.odd] if self.odd is not None and self.odd.count() else [])

    def load(self, values: list) -> None:
        super().load(values)
        self.checks.set_checked(set(values))
        known = {c.iri for c in self.spec.choices}
        odd = [v for v in values if v not in known]
        if odd and self.odd is None:
            self.odd = LinkList(
                self.widget, row_height=self.inspector.size_for("combo"), gutter=self.inspector.size_for("gutter")
            )
            self.odd.setAccessibleName(f"{self.spec.label}: values that are not among the choices")
            self.odd.removeRequested.connect(lambda value, _reverse: self._toggled(value, False))
            self.layout.insertWidget(self.layout.indexOf(self.checks) + 1, self.odd)
        if self.odd is not None:
            warn = "#F3C26B" if is_dark(self.widget) else "#8A5300"
            self.odd.set_rows(
                [
                    (
                        "⚠ " + (one_line(v, 60) if isinstance(v, Literal) else local_name(v)),
                        f"{v}\nnot one of the choices",
                        v,
                        False,
                        False,
                        warn,
                    )
                    for v in odd
                ]
            )
        self.set_note("Some stored values are not among the choices." if odd else "")

    def _toggled(self, iri, checked: bool) -> None:
        label = self.spec.label
        if checked:
            try:
                value = self.coerce(iri)
            except ValueError as err:
                self.refuse(str(err))
                self.load(self.values)
                return
            self.execute(
                commands.add_tie(
                    self.store(), self.subject, self.spec.iri, value, label=f"Add {label} to {self.whose()}"
                )
            )
        else:
            self.execute(
                commands.remove_tie(
                    self.store(), self.subject, self.spec.iri, iri, label=f"Remove {label} from {self.whose()}"
                )
            )


class LinkField(Field):
    """One other node (``owned by``, a tie's ``from`` and ``to``): type to find it, or pick from the list."""

    first_line = "combo"

    def __init__(self, inspector, spec, subject, range_, *, required: bool = False) -> None:
        super().__init__(inspector, spec, subject)
        self.range = range_
        self.required = required
        self.combo = LinkCombo(lambda: inspector.candidates(self.range, subject, with_none=not required), self.widget)
        self.combo.lineEdit().setPlaceholderText("Type to find a node…")
        self.main = self.combo
        self.go = tool_button("→", f"Select this {spec.label} on the map", self.widget, inspector.size_for("gutter"))
        self.go.clicked.connect(self._go)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.combo, 1)
        row.addWidget(self.go)
        self.layout.addLayout(row)
        self.shown_text = ""
        self.target = None
        self.combo.activated.connect(self._chosen)
        self.combo.lineEdit().editingFinished.connect(self._typed)
        self.combo.lineEdit().textEdited.connect(lambda _t: self.clear_error())
        inspector.focus_watch.watch(self.combo.lineEdit(), self._focus_lost, self.restore)
        self.finish()

    def focus_widgets(self) -> list:
        return [self.combo, self.go]

    def load(self, values: list) -> None:
        super().load(values)
        target = values[0] if values else None
        notes = []
        if target is None:
            text = ""
        elif isinstance(target, Literal):
            text = str(target)
            notes.append(f"“{one_line(target, 60)}” is text, not a link to a node.")
        else:
            text = one_line(self.inspector.label_of(target), LIST_LABEL_LIMIT)
            if not self.inspector.is_node(target):
                notes.append(f"{one_line(target, 80)} is not a node of this map.")
        if len(values) > 1:
            notes.append(f"{len(values)} values stored where one is expected; choosing one replaces them all.")
        self.set_note(" ".join(notes))
        self.target = target if isinstance(target, (URIRef, BNode)) else None
        self.go.setEnabled(self.target is not None and self.inspector.is_node(self.target))
        self.go.setToolTip(tip_text(f"Select “{text}” on the map") if self.target is not None else "")
        line = self.combo.lineEdit()
        if line.hasFocus() and line.text() != self.shown_text:
            self.shown_text = text
            return
        self.shown_text = text
        if line.text() != text:
            self.combo.setCurrentIndex(-1)
            line.setText(text)
            line.setCursorPosition(0)

    def _go(self) -> None:
        if self.target is not None:
            self.inspector.selectRequested.emit(self.target)

    def _chosen(self, index: int) -> None:
        self._commit(self.combo.iri_at(index))

    def _typed(self) -> None:
        if self.dead:
            return
        text = self.combo.lineEdit().text()
        if text == self.shown_text:
            return
        if not text.strip():
            self._commit(None)
            return
        self.combo.ensure_filled()
        iri = self.inspector.resolve(self.combo, text)
        if iri is None:
            self.refuse(
                f"No node called “{one_line(text, 40)}” can be the {self.spec.label} here; pick one from the list."
            )
            return
        self._commit(iri)

    def _commit(self, iri) -> None:
        if self.dead:
            return
        if iri is None and self.required:
            self.refuse(f"A tie needs its “{self.spec.label}” end; delete the tie instead.")
            return
        if iri is None:
            done = self.unset()
        elif self.values == [iri]:
            self.clear_error()
            done = True
        else:
            try:
                value = self.coerce(iri)
            except ValueError as err:
                self.refuse(str(err))
                return
            done = self.set_value(value)
        if done:
            self.restore()  # the stored target's name, not the part of it that was typed

    def commit_pending(self) -> None:
        if self.combo.lineEdit().text() != self.shown_text and not self.has_error:
            self._typed()

    def restore(self) -> bool:
        changed = self.combo.lineEdit().text() != self.shown_text or self.has_error
        self.combo.setCurrentIndex(-1)
        self.combo.lineEdit().setText(self.shown_text)
        self.combo.lineEdit().setCursorPosition(0)
        self.clear_error()
        return changed

    def _focus_lost(self) -> None:
        if self.has_error and not self.dead:
            self.combo.lineEdit().setText(self.shown_text)


class MultiLinkField(Field):
    """Several nodes (and, for sources, free-text citations): a row per value and a way to add one."""

    first_line = "combo"

    def __init__(self, inspector, spec, subject, range_, *, citations: bool = False) -> None:
        super().__init__(inspector, spec, subject)
        self.range = range_
        self.citations = citations
        self.list: LinkList | None = None  # made when the first value shows up: most fields are empty
        self.shown: list = []
        self.combo = LinkCombo(lambda: inspector.candidates(self.range, subject, with_none=False), self.widget)
        self.combo.lineEdit().setPlaceholderText("Add a source record…" if citations else "Add…")
        self.combo.activated.connect(lambda index: self._add(self.combo.iri_at(index)))
        self.combo.lineEdit().returnPressed.connect(self._typed)
        self.combo.lineEdit().textEdited.connect(lambda _t: self.clear_error())
        inspector.focus_watch.watch(self.combo.lineEdit(), self._focus_lost, self._clear_typed)
        self.main = self.combo
        self.layout.addWidget(self.combo)
        self.citation = None
        if citations:
            self.citation = LineEdit(self.widget)
            self.citation.setPlaceholderText("Or type a citation…")
            self.citation.setToolTip(tip_text("A free-text reference (author, year, title); press Enter to add it."))
            self.citation.setAccessibleName(f"{spec.label}: add a citation")
            self.citation.returnPressed.connect(self._add_citation)
            self.citation.on_escape = escape_sets(self.citation, "")
            self.layout.addWidget(self.citation)
        self.finish()
        self.combo.setAccessibleDescription(f"Add a {spec.label}")

    def focus_widgets(self) -> list:
        return (
            ([self.list] if self.shown and self.list is not None else [])
            + [self.combo]
            + ([self.citation] if self.citation is not None else [])
        )

    def load(self, values: list, incoming: list = ()) -> None:
        super().load(values)
        shown = [(v, False) for v in values] + [(v, True) for v in incoming if v not in values]
        labels = [self.inspector.label_of(v) if isinstance(v, (URIRef, BNode)) else str(v) for v, _ in shown]
        state = list(zip(shown, labels))
        if state == self.shown:
            return
        self.shown = state
        rows, notes = [], []
        warn = "#F3C26B" if is_dark(self.widget) else "#8A5300"
        for (value, reverse), label in state:
            one = one_line(label, LIST_LABEL_LIMIT)
            where = f"\n(stored on {one}; {self.spec.label} works both ways)" if reverse else ""
            if isinstance(value, (URIRef, BNode)) and self.inspector.is_node(value):
                rows.append(
                    (
                        one + (" ↔" if reverse else ""),
                        f"{label}\n{value}{where}\nClick to select it on the map.",
                        value,
                        reverse,
                        True,
                        self.widget.palette().color(QPalette.ColorRole.Link),
                    )
                )
            elif isinstance(value, Literal):
                rows.append(((f"“{one}”" if self.citations else one), label, value, reverse, False, None))
                if not self.citations:
                    notes.append(f"“{one_line(label, 40)}” is text, not a link to a node.")
            else:
                rows.append(("⚠ " + local_name(value), f"{value}\nnot a node of this map", value, reverse, False, warn))
                notes.append(f"{one_line(value, 60)} is not a node of this map.")
        if self.list is None and rows:
            self.list = LinkList(
                self.widget, row_height=self.inspector.size_for("combo"), gutter=self.inspector.size_for("gutter")
            )
            self.list.setAccessibleName(f"{self.spec.label}: current values")
            self.list.activatedValue.connect(self.inspector.selectRequested.emit)
            self.list.removeRequested.connect(self._remove)
            self.layout.insertWidget(0, self.list)
        if self.list is not None:
            self.list.set_rows(rows)
        self.set_note(" ".join(notes))
        self.inspector.fix_tab_order()

    def _typed(self) -> None:
        text = self.combo.lineEdit().text()
        if not text.strip():
            return
        self.combo.ensure_filled()
        iri = self.inspector.resolve(self.combo, text)
        if iri is None:
            self.refuse(
                f"No node called “{one_line(text, 40)}” can be added to {self.spec.label}; pick one from the list."
            )
            return
        self._add(iri)

    def _add(self, iri) -> None:
        if iri is None or self.dead:
            return
        try:
            value = self.coerce(iri)
        except ValueError as err:
            self.refuse(str(err))
            return
        label = shortened(self.inspector.label_of(iri), 30)
        self.execute(
            commands.add_tie(
                self.store(),
                self.subject,
                self.spec.iri,
                value,
                label=f"Add {self.spec.label} “{label}” to {self.whose()}",
            )
        )
        self._clear_typed()

    def _clear_typed(self) -> bool:
        had = bool(self.combo.lineEdit().text()) or self.has_error
        self.combo.setCurrentIndex(-1)
        self.combo.lineEdit().clear()
        self.clear_error()
        return had

    def _focus_lost(self) -> None:
        if self.has_error and not self.dead:
            self.combo.lineEdit().clear()

    def _add_citation(self) -> None:
        self.add_typed(self.citation)

    def _remove(self, value, reverse: bool) -> None:
        store, p = self.store(), self.spec.iri
        label = (
            f"Remove {self.spec.label} "
            f"“{shortened(self.inspector.label_of(value) if not isinstance(value, Literal) else value, 30)}” "
            f"from {self.whose()}"
        )
        if self.spec.symmetric and isinstance(value, (URIRef, BNode)):
            # Either direction may be stored; remove whichever is there.
            quads = [(self.subject, p, value, DEFAULT_GRAPH), (value, p, self.subject, DEFAULT_GRAPH)]
            self.execute(commands.diff(store, label, removed=quads))
        elif reverse:
            self.execute(commands.remove_tie(store, value, p, self.subject, label=label))
        else:
            self.execute(commands.remove_tie(store, self.subject, p, value, label=label))


class MultiTextField(Field):
    """Several text values (a citation, a property the ontology does not describe): one line each."""

    def __init__(self, inspector, spec, subject) -> None:
        super().__init__(inspector, spec, subject)
        self.rows_widget = QWidget(self.widget)
        self.rows = QVBoxLayout(self.rows_widget)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(3)
        self.row_widgets: list = []
        self.edits: list = []
        self.edits_values: list = []
        self.add = LineEdit(self.widget)
        self.add.setPlaceholderText("Add…")
        self.add.returnPressed.connect(self._add)
        self.add.on_escape = escape_sets(self.add, "")
        self.main = self.add
        self.layout.addWidget(self.rows_widget)
        self.layout.addWidget(self.add)
        self.finish()
        self.rows_widget.hide()

    def focus_widgets(self) -> list:
        return self.edits + [self.add]

    def load(self, values: list) -> None:
        if values == self.values and (self.row_widgets or not values):
            return
        super().load(values)
        focused = (
            next((i for i, (edit, _) in enumerate(self.edits_values) if edit.hasFocus()), None)
            if self.row_widgets
            else None
        )
        for widget in self.row_widgets:
            widget.hide()
            widget.deleteLater()
        self.row_widgets, self.edits, self.edits_values = [], [], []
        for value in sorted(values, key=str):
            row = QWidget(self.rows_widget)
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(4)
            edit = LineEdit(row)
            edit.setText(str(value))
            edit.setCursorPosition(0)
            edit.setAccessibleName(f"{self.spec.label}: {one_line(value, 100)}")
            edit.editingFinished.connect(lambda e=edit, v=value: self._replace(e, v))
            edit.on_escape = escape_sets(edit, str(value))
            if not isinstance(value, Literal):
                edit.setReadOnly(True)
                edit.setToolTip(tip_text(f"{value} is a link, not text"))
            remove = tool_button(
                "×", f"Remove “{one_line(value, 60)}” from {self.spec.label}", row, self.inspector.size_for("gutter")
            )
            remove.clicked.connect(
                lambda _=False, v=value: self.execute(
                    commands.remove_tie(
                        self.store(),
                        self.subject,
                        self.spec.iri,
                        v,
                        label=f"Remove {self.spec.label} from {self.whose()}",
                    )
                )
            )
            layout.addWidget(edit, 1)
            layout.addWidget(remove)
            self.rows.addWidget(row)
            self.row_widgets.append(row)
            self.edits += [edit, remove]
            self.edits_values.append((edit, value))
        self.rows_widget.setVisible(bool(values))
        if focused is not None and focused < len(self.edits_values):
            self.edits_values[focused][0].setFocus()
        self.inspector.fix_tab_order()

    def _replace(self, edit, old) -> None:
        text = edit.text()
        if self.dead or text == str(old) or not isinstance(old, Literal):
            return
        store = self.store()
        label = f"Set {self.spec.label} of {self.whose()}"
        if not text.strip():
            self.execute(
                commands.remove_tie(
                    store, self.subject, self.spec.iri, old, label=f"Remove {self.spec.label} from {self.whose()}"
                )
            )
            return
        try:
            value = self.coerce(text)
        except ValueError as err:
            self.refuse(str(err))
            edit.setText(str(old))
            return
        quads_old = [(self.subject, self.spec.iri, old, DEFAULT_GRAPH)]
        quads_new = [(self.subject, self.spec.iri, value, DEFAULT_GRAPH)]
        self.execute(commands.diff(store, label, added=quads_new, removed=quads_old))

    def _add(self) -> None:
        self.add_typed(self.add)


class ReadOnlyField(Field):
    """A value shown but not edited here: a plain tie's relation and ends, statements the form does not cover."""

    def __init__(self, inspector, spec, subject=None) -> None:
        super().__init__(inspector, spec, subject)
        self.box = QVBoxLayout()
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(2)
        self.layout.addLayout(self.box)
        self.items: list = []
        self.focusables: list = []
        self.shown = None
        self.finish()

    def focus_widgets(self) -> list:
        return list(self.focusables)

    def load(self, values: list) -> None:
        labels = [self.inspector.label_of(v) if isinstance(v, (URIRef, BNode)) else str(v) for v in values]
        state = list(zip(values, labels))
        if state == self.shown:
            return
        self.shown = state
        super().load(values)
        for widget in self.items:
            widget.hide()
            widget.deleteLater()
        self.items, self.focusables = [], []
        for value, label in state:
            if isinstance(value, (URIRef, BNode)) and self.inspector.is_node(value):
                item = LinkLabel(label, self.widget)
                item.setToolTip(tip_text(f"{label}\n{value}\nClick to select it on the map."))
                item.clicked.connect(lambda v=value: self.inspector.selectRequested.emit(v))
                self.focusables.append(item)
            else:
                item = ElidedLabel(label, parent=self.widget)
                item.setToolTip(tip_text(str(value)))
                item.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            item.setAccessibleName(f"{self.spec.label}: {one_line(label, 100)}")
            item.setFixedHeight(self.inspector.size_for("line"))
            self.box.addWidget(item)
            self.items.append(item)
        self.main = self.focusables[0] if self.focusables else None
        self.inspector.fix_tab_order()


def relation_spec(spec, name: str | None = None) -> PropertySpec:
    """A stand-in spec for the read-only rows of a plain tie (only label and comment are used)."""
    if name is None:
        return PropertySpec(spec.iri, "relation", spec.comment)
    return PropertySpec(spec.iri, name, f"The node the tie {'starts from' if name == 'from' else 'points to'}.")
