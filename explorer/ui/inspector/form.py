"""The inspector: a form, generated from the ontology, for the selected node or tie.

The form is never hand-written per kind: :meth:`Schema.inspector
<explorer.core.schema.Schema.inspector>` says which properties a kind shows and
in which order, each :class:`~explorer.core.schema.PropertySpec` says which
widget shows it, and :meth:`Schema.coerce <explorer.core.schema.Schema.coerce>`
decides whether what the user typed is acceptable. Every change goes through
:meth:`MapDocument.execute <explorer.core.document.MapDocument.execute>` as a
command, so it is undoable and journalled; the inspector never writes to the
store.

The widget is Qt-thin on purpose: it reads the current item's statements with
one pattern per refresh, builds the form once per item and afterwards only
updates values in place, so that :meth:`Inspector.refresh` stays cheap enough
to run after every edit, undo and redo without moving the focus or the scroll
position.

Every text a map can hold (labels, comments, IRIs) is shown as plain text:
labels use ``Qt.PlainText``, tooltips are escaped, and long one-line texts are
elided so that a hostile label cannot widen the dock.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from explorer.core import commands
from explorer.core.editing import delete_items
from explorer.core.errors import ExplorerError
from explorer.core.iris import compact, is_opaque
from explorer.core.namespaces import RX
from explorer.core.terms import DEFAULT_GRAPH, local_name
from explorer.core.text import one_line, shortened
from explorer.ui.common.host import OpenMap
from explorer.ui.inspector.fields import (
    ChoiceField,
    Field,
    Item,
    LineField,
    LinkField,
    MultiChoiceField,
    MultilineField,
    MultiLinkField,
    MultiTextField,
    ReadOnlyField,
    relation_spec,
)
from explorer.ui.inspector.widgets import (
    LIST_LABEL_LIMIT,
    NOT_SET,
    ElidedLabel,
    FocusWatch,
    LinkCombo,
    capitalised,
    is_dark,
    pick_label,
    scaled_font,
    secondary_colour,
    set_colour,
    tip_text,
)

#: What the inspector says when a map is open but nothing is selected.
EMPTY_HINT = "Select a node or a tie to see and edit its details."
#: What the inspector says when no map is open.
NO_MAP_HINT = "Open or create a map to start."

# Statements the form never lists under "Other properties": the kind is the header, positions belong to the canvas.
_HIDDEN = frozenset({RDF.type, RX.canvasX, RX.canvasY})


# --------------------------------------------------------------------------- the inspector
class Inspector(QWidget):
    """The details of the selected node or tie, as a form generated from the ontology.

    Put it in a dock. Give it the open map with :meth:`set_context`, the item
    to show with :meth:`show_item`, and call :meth:`refresh` after every change
    of the map (edit, undo, redo). Edits made in the form go through
    ``doc.execute`` as commands, so they are undoable; what the schema refuses
    is not written, and the reason is shown under the field and sent through
    :attr:`message`.

    Signals
    -------
    message(str)
        A sentence for the status bar (why a value was refused, say).
    selectRequested(object)
        The user clicked a node named in the form; carries its IRI.
    """

    message = Signal(str)
    selectRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.setAccessibleName("Inspector")
        self.doc = None
        self.schema = None
        self._projection = None
        self._current = None
        self._item: Item | None = None
        self._built = None  # signature of the item the form was built for
        self._fields: list = []
        self._by_property: dict = {}
        self._candidate_cache: dict = {}
        self._generation = object()
        self.focus_watch = FocusWatch(self)
        self._building = False
        self._metrics: dict = {}
        self._delete_button: QPushButton | None = None

        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        # Empty state: one calm sentence in the middle.
        empty = QWidget(self._stack)
        empty_layout = QVBoxLayout(empty)
        empty_layout.setContentsMargins(24, 24, 24, 24)
        self._hint = QLabel(NO_MAP_HINT, empty)
        self._hint.setTextFormat(Qt.TextFormat.PlainText)
        self._hint.setWordWrap(True)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setAccessibleName("Inspector hint")
        set_colour(self._hint, secondary_colour(self))
        empty_layout.addStretch(1)
        empty_layout.addWidget(self._hint)
        empty_layout.addStretch(2)
        self._stack.addWidget(empty)

        # Item page: header, a hairline, then the form in a scroll area.
        page = QWidget(self._stack)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self._make_header(page))
        line = QFrame(page)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        set_colour(line, self.palette().color(QPalette.ColorRole.Mid))
        page_layout.addWidget(line)
        self._scroll = QScrollArea(page)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setAccessibleName("Properties")
        page_layout.addWidget(self._scroll, 1)
        self._stack.addWidget(page)
        self._stack.setCurrentIndex(0)

    # ------------------------------------------------------------------ public API
    @property
    def current(self):
        """The key shown (a node IRI or a tie key), or None in the empty state."""
        return self._current

    def show_map(self, opened: OpenMap | None) -> None:
        """Use this open map (``None`` for each when no map is open); shows the empty state.

        Parameters
        ----------
        doc : MapDocument or None
            The open map; edits are executed on it.
        schema : Schema or None
            What the ontology says; builds the forms and checks values.
        projection : Projection or None
            The canvas's view of the map; offers the nodes a link can point to.
        """
        doc, schema, projection = (
            (opened.document, opened.schema, opened.projection) if opened is not None else (None, None, None)
        )
        self._teardown()
        self.doc, self.schema, self._projection = doc, schema, projection
        self._candidate_cache.clear()
        self._generation = object()
        self._current = None
        self._show_empty()

    def show_item(self, key) -> None:
        """Show ``key``: a node IRI, a tie key (``("triple", s, p, o)`` or ``("tie", iri)``), or None.

        A value typed but not yet committed in the previous item's form is
        committed first (as leaving the field would).
        """
        if key is not None and key == self._current and self._built is not None:
            self.refresh()
            return
        self._commit_pending()
        self._current = key
        self._built = None
        self.refresh()

    def refresh(self) -> None:
        """Read the current item again and update the form in place (cheap; call after every change).

        The form is rebuilt only when the item's kind changed; when the item is
        gone (deleted, or undone out of existence) the empty state shows.
        """
        if self._building:
            return
        self._candidate_cache.clear()
        self._generation = object()
        if self.doc is None or self.schema is None:
            self._current = None
            self._show_empty()
            return
        if self._current is None:
            self._show_empty()
            return
        try:
            item = self._read(self._current)
        except ExplorerError:
            item = None
        if item is None:
            self._current = None
            self._show_empty()
            return
        self._item = item
        self._building = True
        try:
            body = self._build(item) if item.signature != self._built else None
            self._update_header(item)
            self._load(item)
            if body is not None:
                # Attached only once filled: showing and hiding rows of a visible form costs ten times more.
                self._scroll.setWidget(body)
        finally:
            self._building = False
        self.fix_tab_order()
        self._stack.setCurrentIndex(1)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # A dock-sized default; the form's content never asks for more width than this.
        hint = super().sizeHint()
        return QSize(min(max(hint.width(), 320), 400), max(hint.height(), 480))

    # ------------------------------------------------------------------ reading
    def _read(self, key) -> Item | None:
        store, schema = self.doc.store, self.schema
        if isinstance(key, tuple) and len(key) == 4 and key[0] == "triple":
            _, s, p, o = key
            if not store.contains((s, p, o, DEFAULT_GRAPH)):
                return None
            return Item(key, None, None, triple=(s, p, o), ends=(s, o))
        if isinstance(key, tuple) and len(key) == 2 and key[0] == "tie":
            subject = key[1]
        elif isinstance(key, (URIRef, BNode)):
            subject = key
        else:
            return None
        values: dict = {}
        for _, p, o, _ in store.quads(subject, None, None, DEFAULT_GRAPH):
            values.setdefault(p, []).append(o)
        if not values:
            return None
        kind = schema.kind_of(values.get(RDF.type, ()))
        item = Item(key, subject, kind, values)
        if kind is not None and kind.is_tie:
            item.ends = (next(iter(values.get(RX["from"], ())), None), next(iter(values.get(RX.to, ())), None))
        for spec in schema.inspector(kind):
            if spec.symmetric:
                item.incoming[spec.iri] = [s for s, _, _, _ in store.quads(None, spec.iri, subject, DEFAULT_GRAPH)]
        return item

    def label_of(self, iri) -> str:
        if isinstance(iri, Literal):
            return str(iri)
        if self._projection is not None:
            view = self._projection.nodes.get(iri)
            if view is not None:
                return view.label
        if self.doc is None:
            return local_name(iri)
        labels = [o for _, _, o, _ in self.doc.store.quads(iri, RDFS.label, None, DEFAULT_GRAPH)]
        labels += [o for _, _, o, _ in self.doc.store.quads(iri, SKOS.prefLabel, None, DEFAULT_GRAPH)]
        return pick_label(labels, iri)

    def is_node(self, iri) -> bool:
        if self._projection is not None and iri in self._projection.nodes:
            return True
        # The projection may lag behind the store by one event; the store has the last word.
        return (
            self.doc is not None
            and next(iter(self.doc.store.quads(iri, RDF.type, None, DEFAULT_GRAPH)), None) is not None
        )

    def candidates(self, range_, exclude, *, with_none: bool) -> tuple:
        """``(displays, iris, token)`` of the nodes a link field may point to; cached until the next refresh."""
        cache_key = (range_, exclude, with_none)
        cached = self._candidate_cache.get(cache_key)
        if cached is not None:
            return cached
        rows = []
        if self._projection is not None and self.schema is not None:
            admits = self.schema.admits
            for iri, view in self._projection.nodes.items():
                if iri != exclude and admits(range_, view.kind):
                    rows.append((one_line(view.label, LIST_LABEL_LIMIT), iri, view.kind))
        rows.sort(key=lambda r: (r[0].casefold(), str(r[1])))
        counts: dict = {}
        for label, _, _ in rows:
            counts[label.casefold()] = counts.get(label.casefold(), 0) + 1
        displays, iris = ([NOT_SET], [None]) if with_none else ([], [])
        for label, iri, kind in rows:
            if counts[label.casefold()] > 1:
                # Two nodes with the same name must still be told apart in the list.
                known = self.schema.kind(kind)
                label = f"{label} ({known.label if known else 'node'} …{str(iri)[-6:]})"
            displays.append(label)
            iris.append(iri)
        result = (displays, iris, self._generation)
        self._candidate_cache[cache_key] = result
        return result

    def resolve(self, combo: LinkCombo, text: str):
        """The node a typed text means: an exact name, else the only name containing it; None if unclear."""
        wanted = one_line(text).casefold()
        exact = [
            iri for display, iri in zip(combo.displays, combo.iris) if iri is not None and display.casefold() == wanted
        ]
        if len(exact) == 1:
            return exact[0]
        partial = [
            iri for display, iri in zip(combo.displays, combo.iris) if iri is not None and wanted in display.casefold()
        ]
        return partial[0] if len(partial) == 1 else None

    def _range_for(self, spec, kind):
        if kind is not None and kind.is_tie and spec.iri in (RX["from"], RX.to):
            ends = self.schema.tie_ends(kind.iri)
            if any(ends):
                return ends[0] if spec.iri == RX["from"] else ends[1]
        return spec.range

    # ------------------------------------------------------------------ editing
    def execute(self, command) -> bool:
        """Run ``command`` on the map (undoable); say why if the map refuses it."""
        if self.doc is None:
            return False
        try:
            self.doc.execute(command)
        except ExplorerError as err:
            self.message.emit(str(err))
            return False
        self.refresh()
        return True

    def commit_pending(self) -> None:
        """Commit what the user is still typing in a field (before a save, a close or a revert)."""
        self._commit_pending()

    def _commit_pending(self) -> None:
        focus = QGuiApplication.focusObject()
        if not isinstance(focus, QWidget) or not self.isAncestorOf(focus):
            return
        try:
            gone = self.doc is None or self._current is None or self._read(self._current) is None
        except ExplorerError:
            gone = True
        if gone:
            return  # committing would bring back a fragment of a deleted item
        for fld in self._fields:
            if not fld.dead and (fld.widget is focus or fld.widget.isAncestorOf(focus)):
                try:
                    fld.commit_pending()
                except ExplorerError as err:
                    self.message.emit(str(err))
                return

    def _delete_tie(self) -> None:
        item = self._item
        if item is None or self.doc is None:
            return
        if item.triple is not None:
            s, p, o = item.triple
            relation = self.schema.property(p).label
            command = commands.remove_tie(self.doc.store, s, p, o, label=f"Delete tie “{shortened(relation, 30)}”")
        else:
            name = (
                self.label_of(item.subject)
                if item.values.get(RDFS.label)
                else (item.kind.label if item.kind else "tie")
            )
            command = delete_items(
                self.doc.store, ties=[("tie", item.subject)], label=f"Delete “{shortened(name, 30)}”"
            )
        self.execute(command)

    # ------------------------------------------------------------------ building
    def _make_header(self, parent: QWidget) -> QWidget:
        header = QWidget(parent)
        layout = QVBoxLayout(header)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(7)
        self._swatch = QFrame(header)
        self._swatch.setFixedSize(12, 12)
        self._swatch.setAccessibleName("Kind colour")
        self._kind = ElidedLabel("", parent=header)
        self._kind.setFont(scaled_font(self, 0.92))
        self._kind.setAccessibleName("Kind")
        set_colour(self._kind, secondary_colour(self))
        top.addWidget(self._swatch, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self._kind, 1)
        layout.addLayout(top)
        self._title = ElidedLabel("", parent=header)
        self._title.setFont(scaled_font(self, 1.2, bold=True))
        self._title.setAccessibleName("Name")
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._title)
        self._ends = ElidedLabel("", parent=header)
        self._ends.setAccessibleName("Tie ends")
        layout.addWidget(self._ends)
        self._iri = ElidedLabel("", Qt.TextElideMode.ElideMiddle, header)
        self._iri.setFont(scaled_font(self, 0.85))
        self._iri.setAccessibleName("IRI")
        self._iri.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._iri.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy IRI", self._iri)
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(self._iri_full))
        self._iri_full = ""
        self._iri.addAction(copy)
        set_colour(self._iri, secondary_colour(self))
        layout.addWidget(self._iri)
        return header

    def _update_header(self, item: Item) -> None:
        schema = self.schema
        if item.triple is not None:
            s, p, o = item.triple
            spec = schema.property(p)
            colour, kind_text = "#8A95A5", "Tie"
            title, iri = spec.label, str(p)
            ends = f"{one_line(self.label_of(s), 60)}  →  {one_line(self.label_of(o), 60)}"
        else:
            kind = item.kind
            colour = kind.colour if kind is not None else "#8A95A5"
            kind_text = kind.label if kind is not None else "Resource"
            # Flags such as "Opinion leader" ride along with the kind.
            extra = [
                schema.kinds[t].label
                for t in item.values.get(RDF.type, ())
                if t in schema.kinds and kind is not None and t not in kind.ancestors and t != kind.iri
            ]
            if extra:
                kind_text = " · ".join([kind_text, *sorted(extra)])
            if item.is_tie:
                title = self.label_of(item.subject) if item.values.get(RDFS.label) else kind_text.split(" · ")[0]
                source, target = item.ends
                ends = (
                    f"{one_line(self.label_of(source), 60) if source is not None else '?'}  →  "
                    f"{one_line(self.label_of(target), 60) if target is not None else '?'}"
                )
            else:
                title, ends = self.label_of(item.subject), ""
            iri = str(item.subject) if isinstance(item.subject, URIRef) else f"_:{item.subject}"
        self._swatch.setStyleSheet(
            f"background: {QColor(colour).name()}; border-radius: 3px;"
            f" border: 1px solid {QColor(colour).darker(130).name()};"
        )
        self._kind.setFullText(kind_text)
        self._title.setFullText(title)
        self._title.setToolTip(tip_text(title))
        self._ends.setFullText(ends)
        self._ends.setToolTip(tip_text(ends))
        self._ends.setVisible(bool(ends))
        # The IRI shows short (map:unit/ward-7); an opaque one (urn:uuid:…) not at all: the title names the node.
        self._iri_full = "" if is_opaque(iri) else iri
        shown = iri if iri.startswith("_:") or not self._iri_full else compact(iri, self.doc.prefixes)
        self._iri.setFullText(shown if self._iri_full else "")
        self._iri.setToolTip(tip_text(iri) if self._iri_full else "")
        self._iri.setVisible(bool(self._iri_full))

    def _teardown(self) -> None:
        for fld in self._fields:
            fld.dead = True
        self._fields, self._by_property = [], {}
        old = self._scroll.takeWidget() if hasattr(self, "_scroll") else None
        if old is not None:
            old.hide()
            old.deleteLater()  # a field's own signal handler may be running right now
        self._built = None

    def _build(self, item: Item) -> QWidget:
        """A new form for ``item`` (not yet in the scroll area); the old one is torn down."""
        self._teardown()
        schema = self.schema
        body = QWidget()
        body.setObjectName("inspectorForm")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(14, 12, 14, 14)
        outer.setSpacing(12)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(9)
        outer.addLayout(form)

        def add_row(text: str, fld: Field, tip: str = "") -> None:
            label = QLabel(capitalised(text), body)
            label.setTextFormat(Qt.TextFormat.PlainText)
            # As tall as the field's first line and centred on it, so labels line up with text,
            # whatever the field's height.
            label.setFixedHeight(self.size_for(fld.first_line))
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            set_colour(
                label, secondary_colour(self).darker(125) if not is_dark(self) else secondary_colour(self).lighter(125)
            )
            if tip:
                label.setToolTip(tip_text(tip))
            if fld.main is not None:
                label.setBuddy(fld.main)
            fld.widget.setParent(body)
            form.addRow(label, fld.widget)
            self._fields.append(fld)

        if item.triple is not None:
            s, p, o = item.triple
            spec = schema.property(p)
            relation = ReadOnlyField(self, relation_spec(spec))
            add_row("relation", relation, spec.comment)
            self._by_property["relation"] = relation
            for name, _end in (("from", s), ("to", o)):
                fld = ReadOnlyField(self, relation_spec(spec, name))
                add_row(name, fld)
                self._by_property[name] = fld
        else:
            kind = item.kind
            specs = schema.inspector(kind)
            listed = {spec.iri for spec in specs}
            display = self.label_of(item.subject)
            for spec in specs:
                fld = self._make_field(spec, item, display)
                add_row(spec.label, fld, spec.comment)
                self._by_property[spec.iri] = fld
            other = sorted((p for p in item.values if p not in listed and p not in _HIDDEN), key=str)
            if other:
                heading = QLabel("Other statements", body)
                heading.setTextFormat(Qt.TextFormat.PlainText)
                heading.setFont(scaled_font(self, 0.92, bold=True))
                heading.setToolTip(tip_text("Statements the ontology does not list for this kind; shown as they are."))
                form.addRow(heading)
                for p in other:
                    spec = schema.property(p)
                    fld = ReadOnlyField(self, spec, item.subject)
                    add_row(spec.label, fld, f"{spec.comment}\n{p}".strip())
                    self._by_property[p] = fld
        if item.is_tie:
            actions = QHBoxLayout()
            delete = QPushButton("Delete tie", body)
            delete.setAccessibleName("Delete tie")
            delete.setToolTip(tip_text("Remove this tie from the map (undoable)."))
            delete.setAutoDefault(False)
            delete.clicked.connect(self._delete_tie)
            actions.addWidget(delete)
            actions.addStretch(1)
            outer.addLayout(actions)
            self._delete_button = delete
        else:
            self._delete_button = None
        outer.addStretch(1)
        self._built = item.signature
        return body

    def _make_field(self, spec, item: Item, display: str) -> Field:
        schema, subject, kind = self.schema, item.subject, item.kind
        widget = spec.widget
        if widget == "multiline":
            return MultilineField(self, spec, subject)
        if widget == "choice":
            if spec.single:
                default = ""
                if spec.iri == RX.level and kind is not None:
                    default_level = schema.level_of(kind)
                    default = next((c.label for c in spec.choices if c.iri == default_level), "")
                return ChoiceField(self, spec, subject, default_label=default)
            return MultiChoiceField(self, spec, subject)
        if widget == "link":
            range_ = self._range_for(spec, kind)
            if spec.single:
                required = kind is not None and kind.is_tie and spec.iri in (RX["from"], RX.to)
                return LinkField(self, spec, subject, range_, required=required)
            return MultiLinkField(self, spec, subject, range_)
        if widget == "source":
            return MultiLinkField(self, spec, subject, frozenset({RX.SourceRecord}), citations=True)
        if widget == "text" and not spec.single:
            return MultiTextField(self, spec, subject)
        return LineField(self, spec, subject, display_label=display)

    def _load(self, item: Item) -> None:
        if item.triple is not None:
            s, p, o = item.triple
            self._by_property["relation"].load([Literal(self.schema.property(p).label)])
            self._by_property["from"].load([s])
            self._by_property["to"].load([o])
            return
        for prop, fld in self._by_property.items():
            values = item.values.get(prop, [])
            if isinstance(fld, MultiLinkField):
                fld.load(values, item.incoming.get(prop, ()))
            else:
                fld.load(values)

    def size_for(self, name: str) -> int:
        """Heights of a line edit, a combo box and a check box, and the width of the right-hand gutter.

        They are measured once.
        """
        if not self._metrics:
            probe = QWidget()
            line, combo, check = QLineEdit(probe), QComboBox(probe), QCheckBox("Xg", probe)
            editable = LinkCombo(lambda: ([], [], None), probe)
            hint = QLabel("\u22121\u2009\u2013\u20091", probe)
            hint.setFont(scaled_font(self, 0.9))
            button = QToolButton(probe)
            button.setText("×")
            button.setAutoRaise(True)
            for widget in (line, combo, editable, check, hint, button):
                widget.ensurePolished()  # sizes depend on the style, applied at polish time
            self._metrics = {
                "line": line.sizeHint().height(),
                "combo": max(combo.sizeHint().height(), editable.sizeHint().height(), line.sizeHint().height()),
                "check": check.sizeHint().height() + 2,
                "gutter": max(hint.sizeHint().width() + 4, button.sizeHint().width()),
            }
            probe.deleteLater()
        return self._metrics[name]

    def fix_tab_order(self) -> None:
        # Rows rebuilt after an edit are appended to Qt's focus chain; put them back in form order.
        if self._building:
            return  # refresh() does it once at the end
        chain = [w for fld in self._fields for w in fld.focus_widgets() if w is not None]
        if self._delete_button is not None:
            chain.append(self._delete_button)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _show_empty(self) -> None:
        self._teardown()
        self._item = None
        self._hint.setText(NO_MAP_HINT if self.doc is None else EMPTY_HINT)
        self._stack.setCurrentIndex(0)


__all__ = ["EMPTY_HINT", "NO_MAP_HINT", "Inspector"]
