"""The palette: the kinds of node the ontology offers, grouped as in ``presentation.ttl``.

Click a kind (or press Enter on it) to add a node of that kind at a free spot;
drag it onto the canvas to place it where it is dropped. The palette never
hard-codes kinds: it lists ``Schema.palette()``.

This module also holds small drawing helpers the other docks share:
:func:`shape_pixmap` (a kind's shape and colour as an icon),
:func:`line_pixmap` (a tie style as a short line), :func:`tooltip_html` (a
tooltip that shows text as text) and :func:`paint_placeholder` (the empty-state
message of an item view).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QMimeData, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QFont, QIcon
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from explorer.ui.canvas.view import MapCanvas
from explorer.ui.common.host import OpenMap
from explorer.ui.common.shapes import ICON_SIZE, shape_pixmap
from explorer.ui.common.text import tooltip_html
from explorer.ui.common.theme import RESTYLE_EVENTS, dim_colour, paint_placeholder

#: Item data role holding a kind's IRI (as ``str``) on palette items.
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


class Palette(QTreeWidget):
    """The node kinds of the ontology, grouped; click or drag one to add a node.

    Signals
    -------
    kindActivated(str)
        A kind (its IRI) was clicked or chosen with Enter: add a node of it at a free spot.

    Examples
    --------
    >>> palette = Palette()
    >>> palette.show_map(None)
    >>> palette.topLevelItemCount(), palette.isEnabled()
    (0, False)
    """

    kindActivated = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.schema = None
        self._restyling = False
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setIndentation(10)
        self.setIconSize(ICON_SIZE)
        self.setUniformRowHeights(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setMouseTracking(True)
        self.setAccessibleName("Palette of node kinds")
        self.setAccessibleDescription(
            "Click a kind or press Enter to add a node of it; drag a kind onto the map to place it."
        )
        self.setToolTip("Click a kind to add a node, or drag it onto the map")
        self.itemClicked.connect(self._on_clicked)
        self.show_map(None)

    # ------------------------------------------------------------------ content
    def show_map(self, opened: OpenMap | None) -> None:
        """List the node kinds of the open map's schema; None empties the palette."""
        self._fill(opened.schema if opened is not None else None)

    def _fill(self, schema) -> None:
        self.schema = schema
        self.clear()
        self.setEnabled(schema is not None)
        if schema is None:
            return
        dpr = self.devicePixelRatioF()
        header_font = QFont(self.font())
        header_font.setBold(True)
        header_font.setPointSizeF(max(7.0, header_font.pointSizeF() * 0.92))
        for label, kinds in schema.palette():
            group = QTreeWidgetItem(self, [label or "Other"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)  # enabled (children inherit it), not selectable
            group.setFont(0, header_font)
            group.setForeground(0, dim_colour(self.palette()))
            group.setSizeHint(0, QSize(0, 28))
            group.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{label} group")
            for kind in kinds:
                item = QTreeWidgetItem(group, [kind.label])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                item.setIcon(0, QIcon(shape_pixmap(kind.shape, kind.colour, ICON_SIZE, dpr)))
                item.setData(0, KIND_ROLE, str(kind.iri))
                item.setToolTip(
                    0, tooltip_html(kind.label, kind.comment or "Click to add one; drag onto the map to place it.")
                )
                item.setData(0, Qt.ItemDataRole.AccessibleTextRole, kind.label)
                item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, kind.comment)
                item.setSizeHint(0, QSize(0, 24))
            group.setExpanded(True)

    def kind_items(self) -> list[QTreeWidgetItem]:
        """The kind items, in palette order."""
        items = []
        for g in range(self.topLevelItemCount()):
            group = self.topLevelItem(g)
            items.extend(group.child(i) for i in range(group.childCount()))
        return items

    def item_for(self, kind_iri) -> QTreeWidgetItem | None:
        """The item of kind ``kind_iri``, or None."""
        return next((item for item in self.kind_items() if item.data(0, KIND_ROLE) == str(kind_iri)), None)

    # ------------------------------------------------------------- activation
    def _on_clicked(self, item: QTreeWidgetItem, column: int = 0) -> None:
        kind = item.data(0, KIND_ROLE) if item is not None else None
        if kind:
            self.kindActivated.emit(kind)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.currentItem() is not None:
            self._on_clicked(self.currentItem())
            event.accept()
            return
        super().keyPressEvent(event)

    def moveCursor(self, action, modifiers):  # noqa: N802 - Qt API
        """Keyboard moves skip the group headings: they land on kinds only."""
        move = QAbstractItemView.CursorAction
        if action == move.MoveLeft:
            return self.currentIndex()
        index = super().moveCursor(action, modifiers)
        if not index.isValid() or index.parent().isValid():
            return index
        group = self.itemFromIndex(index)
        upwards = action in (move.MoveUp, move.MovePrevious, move.MovePageUp)
        before = (
            self.topLevelItem(self.indexOfTopLevelItem(group) - 1)
            if upwards and self.indexOfTopLevelItem(group) > 0
            else None
        )
        if before is not None and before.childCount():
            return self.indexFromItem(before.child(before.childCount() - 1))
        return self.indexFromItem(group.child(0)) if group.childCount() else index

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().focusInEvent(event)
        current = self.currentItem()
        if (current is None or current.parent() is None) and self.kind_items():
            self.selectionModel().setCurrentIndex(
                self.indexFromItem(self.kind_items()[0]), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    # ------------------------------------------------------------------- drag
    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [MapCanvas.KIND_MIME]

    def mimeData(self, items) -> QMimeData:  # noqa: N802 - Qt API
        """Mime data for dragging the first kind among ``items``: :attr:`MapCanvas.KIND_MIME` = the kind IRI (utf-8)."""
        data = QMimeData()
        kinds = [item.data(0, KIND_ROLE) for item in items if item is not None and item.data(0, KIND_ROLE)]
        if kinds:
            data.setData(MapCanvas.KIND_MIME, kinds[0].encode("utf-8"))
            data.setText(kinds[0])
        return data

    def startDrag(self, supported_actions) -> None:  # noqa: N802 - Qt API
        item = self.currentItem()
        kind_iri = item.data(0, KIND_ROLE) if item is not None else None
        if not kind_iri or self.schema is None:
            return
        kind = self.schema.kind(kind_iri)
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        if kind is not None:
            size = QSize(66, 23)
            pixmap = shape_pixmap(kind.shape, kind.colour, size, self.devicePixelRatioF())
            drag.setPixmap(pixmap)
            drag.setHotSpot(QPointF(size.width() / 2, size.height() / 2).toPoint())
        drag.exec(Qt.DropAction.CopyAction)

    # ------------------------------------------------------------------ paint
    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in RESTYLE_EVENTS and self.schema is not None and not self._restyling:
            # Icons follow the screen's pixel ratio, headings the palette (light or dark).
            self._restyling = True
            try:
                current = self.currentItem().data(0, KIND_ROLE) if self.currentItem() is not None else None
                self._fill(self.schema)
                if current and self.item_for(current) is not None:
                    self.selectionModel().setCurrentIndex(
                        self.indexFromItem(self.item_for(current)), QItemSelectionModel.SelectionFlag.NoUpdate
                    )
            finally:
                self._restyling = False

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self.topLevelItemCount() == 0:
            paint_placeholder(self, "Open or create a map to add nodes.")
