"""The outline: every node of the map by level and kind, with a filter, to find and select nodes.

The tree is Level (Macro, Meso, Micro) -> Kind (icon and count) -> node
(label as plain text). Selecting node rows emits :attr:`Outline.nodesActivated`
so the main window can select them on the canvas; :meth:`Outline.select`
mirrors the canvas selection back without emitting.

Maps above :attr:`Outline.FULL_LIMIT` nodes show at most
:attr:`Outline.PER_KIND` nodes per kind followed by a "… N more — use the
filter" row; the filter always searches every node of the map.

After an edit, :meth:`Outline.refresh` is given the nodes it changed and moves
only their rows, so a rename on a 10k-node map costs a few rows, not the tree.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from operator import itemgetter

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from explorer.core.presentation import LEVEL_HINTS, LEVELS, level_title
from explorer.core.text import clipped, natural_key, one_line
from explorer.ui.common.host import OpenMap
from explorer.ui.common.shapes import ICON_SIZE, shape_pixmap
from explorer.ui.common.text import tooltip_html
from explorer.ui.common.theme import RESTYLE_EVENTS, dim_colour, paint_placeholder

#: Item data roles of outline items.
NODE_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # a node row's IRI as text (see Outline.node_of)
GROUP_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # ("level", n) or ("kind", n, kind IRI) on group rows
COUNT_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # a group row's node count, drawn right-aligned

_LABEL_CLIP = 200
_LEVEL_ORDER = (3, 2, 1)


def display_label(label: str) -> str:
    """A node label as one short line of plain text (at most 200 characters).

    Examples
    --------
    >>> display_label("Ward\\n7  handover")
    'Ward 7 handover'
    >>> len(display_label("x" * 10_000))
    200
    """
    if (
        len(label) <= _LABEL_CLIP
        and label.isprintable()
        and "  " not in label
        and label[:1] != " "
        and label[-1:] != " "
    ):
        return label or "(no label)"
    head = label[: _LABEL_CLIP * 2]
    text = one_line(head)
    if not text:
        return "(no label)"
    return text if len(text) <= _LABEL_CLIP and len(head) == len(label) else text[: _LABEL_CLIP - 1] + "…"


def _entry(label: str, iri, key: str) -> tuple:
    """A node row's (text, folded text, IRI, sort key); the key breaks ties by IRI, so the order is total."""
    text = display_label(label)
    return (text, text.casefold(), iri, (natural_key(text), key))


class _RowDelegate(QStyledItemDelegate):
    """Rows a little taller than the default; group rows show their count right-aligned."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), QFontMetrics(option.font).height()) + 5)

    def paint(self, painter, option, index) -> None:
        count = index.data(COUNT_ROLE)
        if count is None:
            super().paint(painter, option, index)
            return
        text = f"{count:,}"
        metrics = QFontMetrics(option.font)
        width = metrics.horizontalAdvance(text) + 10
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -width, 0)
        super().paint(painter, narrowed, index)
        painter.save()
        painter.setFont(option.font)
        painter.setPen(dim_colour(option.palette))
        painter.drawText(
            option.rect.adjusted(0, 0, -6, 0), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text
        )
        painter.restore()


class _Tree(QTreeView):
    """A tree view with an empty-state message and tooltips computed on demand."""

    def __init__(self, outline: Outline) -> None:
        super().__init__(outline)
        self.outline = outline
        self.placeholder = ""

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self.placeholder:
            paint_placeholder(self, self.placeholder)

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ToolTip:
            index = self.indexAt(event.pos())
            text = self.outline.tooltip_for(index) if index.isValid() else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport(), self.visualRect(index))
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)


class Outline(QWidget):
    """Nodes of the map by level and kind, with a filter; selecting rows selects nodes.

    Signals
    -------
    nodesActivated(list of IRIs)
        The user selected (or pressed Enter on) node rows: their IRIs.

    Examples
    --------
    >>> outline = Outline()
    >>> outline.show_map(None)
    >>> outline.placeholder
    'No map open'
    """

    # object, not list: a Signal(list) turns each URIRef into a plain str, which no longer finds the node.
    nodesActivated = Signal(object)

    #: Above this many nodes, each kind shows at most :attr:`PER_KIND` nodes unless filtered narrower.
    FULL_LIMIT = 20_000
    #: Nodes shown per kind on maps above :attr:`FULL_LIMIT`.
    PER_KIND = 2_000

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.projection = None
        self.schema = None
        self._entries: dict = {}  # {level: {kind IRI: [(text, folded text, iri, sort key), ...]}}, in display order
        # str(iri) -> (label, entry): display text cached across refreshes, and the way back from
        # a row to its IRI (Qt stores a URIRef as plain text).
        self._labels: dict = {}
        self._count = 0
        self._items: dict = {}  # str(iri) -> QStandardItem of the rows shown
        self._group_of: dict = {}  # str(iri) -> (level, kind IRI): the node's group in _entries
        self._kind_items: dict = {}  # (level, kind IRI) -> QStandardItem of the kind rows shown
        self._expanded: dict = {}  # group key -> expanded, as the user left it
        self._syncing = False
        self._building = False

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter nodes…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter nodes")
        self.filter.setToolTip("Show only nodes whose label contains this text (not case-sensitive)")
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.installEventFilter(self)

        self.model = QStandardItemModel(0, 1, self)
        self.tree = _Tree(self)
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(_RowDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setIconSize(ICON_SIZE)
        self.tree.setIndentation(14)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setAccessibleName("Nodes by level and kind")
        self.tree.setAccessibleDescription("Select nodes to select them on the map; Enter centres the map on them.")
        self.tree.header().setStretchLastSection(True)
        self.tree.selectionModel().selectionChanged.connect(self._selection_changed)
        self.tree.activated.connect(self._activated)
        self.tree.expanded.connect(lambda index: self._remember(index, True))
        self.tree.collapsed.connect(lambda index: self._remember(index, False))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        self.setFocusProxy(self.filter)
        self.setAccessibleName("Outline")

        self._timer = QTimer(self, singleShot=True, interval=150, timeout=self._rebuild)
        self._group_font = QFont(self.font())
        self._group_font.setBold(True)
        self.show_map(None)

    # ------------------------------------------------------------------ API
    @property
    def placeholder(self) -> str:
        """The empty-state message shown in the tree ("" when it shows nodes)."""
        return self.tree.placeholder

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(260, 420)

    def show_map(self, opened: OpenMap | None) -> None:
        """Show the nodes of the open map; None shows "No map open"."""
        projection, schema = (opened.projection, opened.schema) if opened is not None else (None, None)
        self.projection = projection
        self.schema = schema
        self._expanded = {}
        self._labels = {}
        self.filter.setEnabled(projection is not None)
        read = opened.prepared.pop("outline", None) if opened is not None else None
        if read is not None:  # read in the load's worker (read_outline): a 100k-node map's rows cost no stall
            self._entries = self._take(read)
            self._rebuild()
            return
        self.refresh()

    def refresh(self, nodes=None) -> None:
        """Re-read the projection and show it (keeps the filter, the selection and what is expanded).

        ``nodes`` are the IRIs of the nodes added, changed or removed since the last
        refresh: only their rows are re-read and moved. None re-reads every node.
        """
        if nodes is not None and self._patch(nodes):
            return
        self._entries = self._read_entries()
        self._rebuild()

    def select(self, keys) -> None:
        """Select the rows of the node IRIs among ``keys`` (tie keys are ignored) without emitting.

        IRIs may come as rdflib terms or as plain text (a ``Signal(list)`` turns them into ``str``).
        """
        self._syncing = True
        try:
            selection = QItemSelection()
            first = None
            for key in keys:
                item = self.item_for(key)
                if item is None:
                    continue
                index = item.index()
                selection.select(index, index)
                parent = index.parent()
                while parent.isValid():
                    if not self.tree.isExpanded(parent):
                        self.tree.expand(parent)
                    parent = parent.parent()
                first = first or index
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.tree.selectionModel().select(selection, flags)
            if first is not None:
                self.tree.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.tree.scrollTo(first)
        finally:
            self._syncing = False

    def item_for(self, key) -> QStandardItem | None:
        """The row of node ``key`` (an IRI, or its text), or None when it is not shown (or ``key`` is a tie)."""
        if key is None or isinstance(key, tuple):
            return None
        return self._items.get(str(key))

    def shown_nodes(self) -> list:
        """IRIs of the node rows shown, in order."""
        shown = []
        for level in range(self.model.rowCount()):
            level_item = self.model.item(level)
            for k in range(level_item.rowCount()):
                kind_item = level_item.child(k)
                for n in range(kind_item.rowCount()):
                    known = self._labels.get(kind_item.child(n).data(NODE_ROLE))
                    if known is not None:
                        shown.append(known[1][2])
        return shown

    def selected(self) -> list:
        """IRIs of the selected node rows."""
        rows = self.tree.selectionModel().selectedRows(0)
        return [iri for iri in (self.node_of(index) for index in rows) if iri is not None]

    def node_of(self, index):
        """The node IRI (as the projection keys it) of a row, or None for other rows."""
        text = index.data(NODE_ROLE) if index.isValid() else None
        known = self._labels.get(text) if text is not None else None
        return known[1][2] if known is not None else None

    def set_filter(self, text: str) -> None:
        """Filter the tree now (as if ``text`` had been typed)."""
        self.filter.setText(text)
        self._timer.stop()
        self._rebuild()

    # ------------------------------------------------------------- building
    def _read_entries(self) -> dict:
        """``{level: {kind IRI: [entry, ...]}}`` in display order; entry = (text, folded, iri, natural sort key)."""
        return self._take(read_outline(self.projection, self.schema, self._labels))

    def _take(self, read: tuple) -> dict:
        entries, self._labels, self._count, self._group_of = read
        return entries

    def _patch(self, nodes) -> bool:
        """Re-read the rows of ``nodes`` alone; False when the outline must read the whole map again instead.

        A rebuild is needed when a kind or level appears or empties, when the map
        crosses the sizes that decide capping and expanding, or when most rows change.
        """
        if (
            self.projection is None
            or self.schema is None
            or not self._entries
            or self._timer.isActive()  # a new filter text is waiting for its rebuild
            or self._count > self.FULL_LIMIT
            or len(nodes) > max(500, self._count // 10)
        ):
            return False
        now = self.projection.nodes
        changes = []  # (str(iri), known (label, entry) or None, view or None, (level, kind) or None)
        for iri in nodes:
            key = str(iri)
            known, view = self._labels.get(key), now.get(iri)
            group = None
            if view is not None:
                group = (view.level if view.level in LEVELS else 2, view.kind)
                if known is not None and known[0] == view.label and self._group_of.get(key) == group:
                    continue
            elif known is None:
                continue
            changes.append((key, known, view, group))
        if not changes:
            return True
        count = self._count + sum((view is not None) - (known is not None) for _, known, view, _ in changes)
        if count > self.FULL_LIMIT or any(
            view is not None and group[1] not in self._entries.get(group[0], {}) for _, _, view, group in changes
        ):
            return False
        # Move the entries first: the sorted lists stay those a full read would make.
        by_name = itemgetter(3)
        affected = set()
        inserts = []
        for key, known, view, group in changes:
            old_group = self._group_of.pop(key, None)
            if known is not None:
                del self._labels[key]
                bucket = self._entries[old_group[0]][old_group[1]]
                at = bisect_left(bucket, known[1][3], key=by_name)
                if at == len(bucket) or bucket[at] is not known[1]:
                    return False
                del bucket[at]
                affected.add(old_group)
            if view is not None:
                entry = known[1] if known is not None and known[0] == view.label else _entry(view.label, view.iri, key)
                insort(self._entries[group[0]][group[1]], entry, key=by_name)
                self._labels[key] = (view.label, entry)
                self._group_of[key] = group
                affected.add(group)
                inserts.append((group, entry[3], key, entry))
        for level, kind in affected:
            if not self._entries[level][kind]:  # as a full read would leave it: no empty groups
                del self._entries[level][kind]
                if not self._entries[level]:
                    del self._entries[level]
        self._count = count
        text = " ".join(self.filter.text().split()).casefold()
        kinds = {group: self._entries.get(group[0], {}).get(group[1], ()) for group in affected}
        shown_now = {
            group: len(entries) if not text else sum(1 for e in entries if text in e[1])
            for group, entries in kinds.items()
        }
        items = self._kind_items
        before = sum(self.model.item(row).data(COUNT_ROLE) or 0 for row in range(self.model.rowCount()))
        after = before + sum(shown_now[g] - (items[g].data(COUNT_ROLE) if g in items else 0) for g in affected)
        if (
            any(not n for n in shown_now.values())
            or any(g not in items for g in affected)
            or (not text and (before <= 300) != (after <= 300))
        ):
            self._rebuild()  # a group appears or empties, or the groups' default expansion changes
            return True
        self._building = True
        try:
            selection = self.tree.selectionModel()
            reselect = []
            for key, _, _, _ in changes:
                item = self._items.pop(key, None)
                if item is not None:
                    if selection.isSelected(item.index()):
                        reselect.append(key)
                    item.parent().removeRow(item.row())
            # In sorted order, so each row goes in among the rows already in place.
            for group, _, key, entry in sorted(inserts, key=itemgetter(0, 1)):
                if text and text not in entry[1]:
                    continue
                bucket = self._entries[group[0]][group[1]]
                at = bisect_left(bucket, entry[3], key=by_name)
                row = at if not text else sum(1 for e in bucket[:at] if text in e[1])
                item = QStandardItem(entry[0])
                item.setData(entry[2], NODE_ROLE)
                items[group].insertRow(row, item)
                self._items[key] = item
            for group in affected:
                kind_item = items[group]
                kind_item.setData(shown_now[group], COUNT_ROLE)
                kind_item.setData(f"{kind_item.text()}, {shown_now[group]:,} nodes", Qt.ItemDataRole.AccessibleTextRole)
            for level, level_item in {group[0]: items[group].parent() for group in affected}.items():
                total = sum(level_item.child(k).data(COUNT_ROLE) for k in range(level_item.rowCount()))
                level_item.setData(total, COUNT_ROLE)
                level_item.setData(f"{level_title(level)} level, {total:,} nodes", Qt.ItemDataRole.AccessibleTextRole)
        finally:
            self._building = False
        kept = [self._labels[key][1][2] for key in reselect if key in self._items]
        if kept:
            self.select(self.selected() + kept)
        return True

    def _kind_icon(self, kind) -> QIcon:
        if kind is None:
            return QIcon()
        return QIcon(shape_pixmap(kind.shape, kind.colour, ICON_SIZE, self.devicePixelRatioF()))

    def _rebuild(self) -> None:
        self._timer.stop()
        previous = set(self.selected()) if self._items else set()
        text = " ".join(self.filter.text().split()).casefold()
        self._building = True
        self.tree.setUpdatesEnabled(False)
        try:
            self.model.removeRows(0, self.model.rowCount())
            self._items = {}
            self._kind_items = {}
            if self.projection is None:
                self.tree.placeholder = "No map open"
                return
            if not self._entries:
                self.tree.placeholder = "The map has no nodes yet. Add one from the palette."
                return
            groups = self._entries
            if text:
                groups = {}
                for level, kinds in self._entries.items():
                    for kind, entries in kinds.items():
                        found = [entry for entry in entries if text in entry[1]]
                        if found:
                            groups.setdefault(level, {})[kind] = found
            if not groups:
                shown = clipped(self.filter.text().strip(), 40)
                self.tree.placeholder = f"No node matches \u201c{shown}\u201d."
                return
            self.tree.placeholder = ""
            cap = self.PER_KIND if self._count > self.FULL_LIMIT else None
            total_shown = sum(len(nodes) for kinds in groups.values() for nodes in kinds.values())
            self._fill(groups, cap, bool(text), total_shown)
        finally:
            self._building = False
            self.tree.setUpdatesEnabled(True)
        if previous:
            self.select([iri for iri in previous if str(iri) in self._items])

    def _fill(self, groups: dict, cap: int | None, filtering: bool, total_shown: int) -> None:
        dim = dim_colour(self.palette())
        node_role = NODE_ROLE
        expand = []
        for level in _LEVEL_ORDER:
            kinds = groups.get(level)
            if not kinds:
                continue
            level_item = QStandardItem(level_title(level))
            level_item.setFont(self._group_font)
            level_item.setSelectable(False)
            level_item.setData(("level", level), GROUP_ROLE)
            level_item.setData(
                f"{level_title(level)} level, {sum(len(n) for n in kinds.values()):,} nodes",
                Qt.ItemDataRole.AccessibleTextRole,
            )
            level_item.setData(sum(len(n) for n in kinds.values()), COUNT_ROLE)
            self.model.appendRow(level_item)
            expand.append((level_item, self._expanded.get(("level", level), True)))
            for kind_iri, nodes in kinds.items():
                kind = self.schema.kind(kind_iri) if self.schema is not None and kind_iri is not None else None
                kind_item = QStandardItem(self._kind_icon(kind), kind.label if kind is not None else "Other")
                kind_item.setSelectable(False)
                key = ("kind", level, kind_iri)
                kind_item.setData(key, GROUP_ROLE)
                self._kind_items[(level, kind_iri)] = kind_item
                kind_item.setData(len(nodes), COUNT_ROLE)
                kind_item.setData(f"{kind_item.text()}, {len(nodes):,} nodes", Qt.ItemDataRole.AccessibleTextRole)
                shown = nodes if cap is None else nodes[:cap]
                rows = []
                for entry in shown:
                    item = QStandardItem(entry[0])
                    item.setData(entry[2], node_role)
                    self._items[str(entry[2])] = item
                    rows.append(item)
                if cap is not None and len(nodes) > cap:
                    more = QStandardItem(f"… {len(nodes) - cap:,} more — use the filter")
                    more.setSelectable(False)
                    more.setForeground(dim)
                    font = QFont(self.font())
                    font.setItalic(True)
                    more.setFont(font)
                    rows.append(more)
                kind_item.appendRows(rows)
                level_item.appendRow(kind_item)
                default = filtering or total_shown <= 300
                expand.append((kind_item, default if filtering else self._expanded.get(key, default)))
        for item, state in expand:
            if state:
                self.tree.setExpanded(item.index(), True)

    # --------------------------------------------------------------- events
    def _remember(self, index, expanded: bool) -> None:
        if self._building or self.filter.text().strip():
            return
        key = index.data(GROUP_ROLE)
        if key is not None:
            self._expanded[key] = expanded

    def _filter_changed(self, _text: str) -> None:
        self._timer.start(0 if self._count <= 5000 else 150)

    def _selection_changed(self, *_args) -> None:
        if self._syncing or self._building:
            return
        iris = self.selected()
        if iris:
            self.nodesActivated.emit(iris)

    def _activated(self, index) -> None:
        iris = self.selected()
        if iris:
            self.nodesActivated.emit(iris)
        elif index.data(GROUP_ROLE) is not None:
            self.tree.setExpanded(index.siblingAtColumn(0), not self.tree.isExpanded(index.siblingAtColumn(0)))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in RESTYLE_EVENTS and self.projection is not None and not self._building:
            self._rebuild()  # icons and dim colours follow the palette and the pixel ratio

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self.filter and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self.tree.setFocus()
                if not self.tree.currentIndex().isValid():
                    self.tree.setCurrentIndex(self.model.index(0, 0))
                return True
        return super().eventFilter(obj, event)

    def tooltip_for(self, index) -> str:
        """The tooltip of a row: a node's full label, kind and level; a kind's description; a level's scope."""
        index = index.siblingAtColumn(0)
        iri = self.node_of(index)
        if iri is not None and self.projection is not None:
            view = self.projection.nodes.get(iri)
            if view is None:
                return ""
            kind = self.schema.kind(view.kind) if self.schema is not None and view.kind is not None else None
            level = level_title(view.level).lower()
            return tooltip_html(
                one_line(view.label[:1000]) or "(no label)", f"{kind.label if kind else 'Node'} · {level} level"
            )
        key = index.data(GROUP_ROLE)
        if key is None:
            return ""
        if key[0] == "level":
            return tooltip_html(f"{level_title(key[1])} level", LEVEL_HINTS.get(key[1], ""))
        kind = self.schema.kind(key[2]) if self.schema is not None and key[2] is not None else None
        return tooltip_html(kind.label, kind.comment) if kind is not None else ""


def _kind_sort(schema, kind_iri) -> tuple:
    kind = schema.kind(kind_iri) if schema is not None and kind_iri is not None else None
    if kind is None:
        return (999, 999, str(kind_iri or ""))
    return (kind.group_order, kind.order, kind.label.casefold())


def read_outline(projection, schema, cache: dict | None = None) -> tuple:
    """What the outline lists, read from ``projection``: Qt-free, so a big map's load reads it in its worker.

    Returns ``(entries, labels, count, group_of)``: ``{level: {kind IRI: [entry, ...]}}`` in display order
    (entry = (text, folded, iri, natural sort key)), ``{str(iri): (label, entry)}`` (the next read's
    ``cache``: an unchanged label is not formatted again), the node count and ``{str(iri): (level, kind)}``.

    Examples
    --------
    >>> read_outline(None, None)
    ({}, {}, 0, {})
    """
    if projection is None:
        return {}, {}, 0, {}
    cache = cache or {}
    fresh: dict = {}
    buckets: dict = {}
    kinds: dict = {}
    slots: dict = {}
    # Keyed by str(iri): rdflib terms hash in Python, plain strings in C (3x faster at 100k nodes).
    for iri, view in projection.nodes.items():
        key = str(iri)
        label = view.label
        known = cache.get(key)
        if known is None or known[0] != label:
            known = (label, _entry(label, iri, key))
        fresh[key] = known
        kind = view.kind
        slot = (view.level, id(kind))  # kinds are a few shared objects: bucket by identity, merge below
        slots[key] = slot
        bucket = buckets.get(slot)
        if bucket is None:
            bucket = buckets[slot] = []
            kinds[slot] = kind
        bucket.append(known[1])
    merged: dict = {}
    group_of_slot: dict = {}
    for slot, entries in buckets.items():
        level, kind = slot[0] if slot[0] in LEVELS else 2, kinds[slot]
        group_of_slot[slot] = (level, kind)
        if (level, kind) in merged:
            merged[(level, kind)].extend(entries)
        else:
            merged[(level, kind)] = entries
    group_of = {key: group_of_slot[slot] for key, slot in slots.items()}
    groups: dict = {}
    by_name = itemgetter(3)
    for level, kind in sorted(merged, key=lambda lk: (-lk[0], _kind_sort(schema, lk[1]))):
        entries = merged[(level, kind)]
        entries.sort(key=by_name)
        groups.setdefault(level, {})[kind] = entries
    return groups, fresh, len(fresh), group_of
