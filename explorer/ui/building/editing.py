"""Building a map by hand: place a node and name it, rename it, tie two nodes, quick add by typing.

The canvas asks (a kind dropped, a tie dragged, a name typed) and this feature turns the request
into core commands (:mod:`explorer.core.editing`) run through the host, so each is one undo step
whose History entry names the nodes it touched.

The tie menu offers what :meth:`~explorer.core.schema.Schema.tie_menu` says: one entry per
relation, in plain words, the theory's relations first, and the direction that starts at a change
first whichever way the tie was dragged.

Examples
--------
>>> from explorer.core.namespaces import RX
>>> CHANGE_KINDS == (RX.Initiative, RX.ChangeComponent)
True
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu
from rdflib import URIRef
from rdflib.namespace import RDFS

from explorer.core import editing
from explorer.core.commands import set_property
from explorer.core.editing import rename_label
from explorer.core.errors import CommandError, ExplorerError
from explorer.core.namespaces import RX
from explorer.core.quick_add import read_line
from explorer.core.text import one_line, shortened
from explorer.ui.common import menu_text
from explorer.ui.common.host import MapHost
from explorer.ui.common.shapes import NODE_W

from .quick_add import QuickAddLine

#: Kinds a tie from which is a change acting on the map: the theory's relations start there.
CHANGE_KINDS = (RX.Initiative, RX.ChangeComponent)
#: What a tie menu entry that can carry details adds to its tooltip.
DETAILS_HINT = "The tie is selected once made: add its details in the Inspector, or leave them for later."


class Building(QObject):
    """Places, names and ties nodes on the host's map; see :func:`install`."""

    def __init__(self, window: MapHost) -> None:
        super().__init__(window.canvas)
        self.window = window
        #: The kind of the node placed last: what quick add gives a new name said without a kind.
        self.last_kind: URIRef | None = None
        self.quick_add = QuickAddLine(window.canvas)
        self.quick_add.submitted.connect(self.add_typed)
        self.quick_add_action = None

    def show_map(self, _opened) -> None:
        """Another map, or none: a half-typed quick-add line belonged to the one before, so it goes."""
        self.quick_add.clear()
        self.quick_add.hide()

    # ------------------------------------------------------------------ nodes
    def place_node(self, kind: URIRef, scene_pos: QPointF | None = None, label: str | None = None):
        """Add a node of ``kind`` (at ``scene_pos``, or a free spot in its level's band) and start naming it.

        With ``label`` the node is named at once and no name box opens. A name still being typed
        for the previous node is saved first. Returns the new node's IRI, or None if refused.
        """
        window = self.window
        if window.document is None or window.schema.kind(kind) is None:
            return None
        canvas = window.canvas
        canvas.commit_rename()
        iri = self._create(kind, label, scene_pos)
        if iri is None:
            return None
        canvas.select([iri])
        if label is None:
            canvas.start_rename(iri)
        return iri

    def _create(self, kind: URIRef, label: str | None, scene_pos: QPointF | None = None, near_x=None):
        window = self.window
        schema, canvas = window.schema, window.canvas
        kind_info = schema.kind(kind)
        default_level = schema.level_order(schema.level_of(kind_info))
        level = None
        if scene_pos is None:
            x, y = canvas.free_spot(default_level, near_x)
        else:
            x, y = scene_pos.x(), scene_pos.y()
            band = canvas.band_at(y)
            if band != default_level:
                level = next((c.iri for c in schema.levels if c.order == band), None)
        name = label or f"New {kind_info.label.lower()}"
        try:
            command, iri = editing.create_node(window.document, schema, kind, name, position=(x, y), level=level)
        except ExplorerError as error:
            window.show_status(str(error), 8000)
            return None
        if not window.execute(command):
            return None
        self.last_kind = kind
        return iri

    def rename(self, iri, text: str) -> None:
        """Give ``iri`` the label ``text`` (refused with a message if the ontology's rules say no)."""
        window = self.window
        if window.document is None:
            return
        try:
            value = window.schema.coerce(RDFS.label, text)
        except ValueError as error:
            window.show_status(str(error), 8000)
            return
        old = window.projection.nodes[iri].label if iri in window.projection.nodes else ""
        window.execute(set_property(window.document.store, iri, RDFS.label, value, label=rename_label(old, str(value))))

    def rename_selected(self) -> None:
        """Start naming the one selected node."""
        nodes = self.window.canvas.selected_nodes()
        if len(nodes) == 1:
            self.window.canvas.start_rename(nodes[0])

    # ------------------------------------------------------------------ ties
    def is_change(self, iri) -> bool:
        """Whether node ``iri`` is a change (an initiative or a change component)."""
        view = self.window.projection.nodes.get(iri)
        return view is not None and any(self.window.schema.is_a(view.kind, k) for k in CHANGE_KINDS)

    def relations_menu(self, source, target, parent=None) -> QMenu:
        """A menu of the relations the ontology allows between two nodes, both directions, a change's first."""
        window = self.window
        projection, schema = window.projection, window.schema
        menu = QMenu(parent or window.canvas)
        menu.setAccessibleName("Choose a relation")
        directions = [(source, target), (target, source)]
        if self.is_change(target) and not self.is_change(source):
            directions.reverse()
        offered = set()
        for a, b in directions:
            va, vb = projection.nodes[a], projection.nodes[b]
            header = menu.addAction(menu_text(f"{one_line(va.label, 30)} → {one_line(vb.label, 30)}"))
            header.setEnabled(False)
            relations = [
                r
                for r in schema.tie_menu(va.kind, vb.kind)
                if not (schema.property(r.iri).symmetric and r.iri in offered)  # the same tie either way
            ]
            if not relations:
                menu.addAction("    (no relation fits this way)").setEnabled(False)
            for relation in relations:
                offered.add(relation.iri)
                action = menu.addAction(
                    menu_text(f"    {relation.phrase}"), lambda r=relation, s=a, t=b: self.connect_nodes(s, t, r)
                )
                tip = f"{relation.comment} {DETAILS_HINT}" if relation.qualified else relation.comment
                action.setToolTip(tip)
                action.setStatusTip(tip[:200])
            menu.addSeparator()
        menu.setToolTipsVisible(True)
        return menu

    def connect_nodes(self, source, target, relation):
        """Tie ``source`` to ``target`` by ``relation`` (a :class:`~explorer.core.schema.Relation`); select the tie."""
        window = self.window
        try:
            command, key = editing.connect(window.document, window.schema, source, target, relation)
        except ExplorerError as error:
            window.show_status(str(error), 8000)
            return None
        if window.execute(command):
            window.canvas.select([key])
            return key
        return None

    def offer_ties(self, source, target, global_pos) -> None:
        """Offer the relations between two nodes at ``global_pos`` (a tie dragged from one onto the other)."""
        self.window.popup(self.relations_menu(source, target), global_pos)

    def tie_selected(self) -> None:
        """Offer the relations between the two selected nodes."""
        canvas = self.window.canvas
        nodes = canvas.selected_nodes()
        if len(nodes) != 2:
            self.window.show_status("Select exactly two nodes to tie them.", 6000)
            return
        self.offer_ties(nodes[0], nodes[1], canvas.mapToGlobal(canvas.viewport().rect().center()))

    # -------------------------------------------------------------- quick add
    def start_quick_add(self) -> None:
        """Open the quick-add line over the canvas."""
        if self.window.document is not None:
            self.window.canvas.commit_rename()
            self.quick_add.open()

    def add_typed(self, text: str) -> list:
        """Add the nodes a quick-add line names (reusing those on the map), then offer the ties between them.

        Returns the nodes' IRIs; on a line it cannot read it says why in the status line, adds
        nothing and leaves the line open to be corrected.
        """
        window = self.window
        if window.document is None:
            return []
        try:
            wanted = self._resolve(read_line(text, window.schema))
        except ExplorerError as error:
            window.show_status(str(error), 10000)
            return []
        nodes, near_x = [], None
        for existing, name, kind in wanted:
            iri = existing or self._create(kind, name, near_x=near_x)
            if iri is None:
                return nodes
            nodes.append(iri)
            near_x = window.canvas.positions.get(iri, (0.0, 0.0))[0] + NODE_W + 60
        self.quick_add.hide()
        canvas = window.canvas
        canvas.setFocus()
        canvas.select(nodes, centre=True)
        if len(nodes) == 2:
            self.offer_ties(nodes[0], nodes[1], canvas.mapToGlobal(canvas.viewport().rect().center()))
        return nodes

    def _resolve(self, named) -> list:
        """``[(existing IRI or None, name, kind)]`` for each name, or ``CommandError`` saying what is missing.

        A new name said twice with the same kind is one node, so ``Ward 7 (unit) -> Ward 7`` is
        refused rather than making two units called Ward 7.
        """
        projection = self.window.projection
        resolved, last = [], self.last_kind
        for part in named:
            wanted = part.name.casefold()
            existing = next(
                (
                    iri
                    for iri, view in sorted(projection.nodes.items(), key=lambda item: str(item[0]))
                    if one_line(view.label).casefold() == wanted and (part.kind is None or view.kind == part.kind)
                ),
                None,
            )
            kind = part.kind or (projection.nodes[existing].kind if existing is not None else last)
            if kind is None:
                raise CommandError(f"Say what kind “{shortened(part.name)}” is, e.g. {shortened(part.name)} (unit).")
            resolved.append((existing, part.name, kind))
            last = kind
        if len(resolved) == 2 and _same_node(*resolved):
            raise CommandError("Name two different nodes to tie them.")
        return resolved


def _same_node(first, second) -> bool:
    """Whether two resolved names are one node: the same node of the map, or the same new name and kind."""
    (node_a, name_a, kind_a), (node_b, name_b, kind_b) = first, second
    if node_a is not None or node_b is not None:
        return node_a == node_b
    return name_a.casefold() == name_b.casefold() and kind_a == kind_b


def install(window: MapHost) -> Building:
    """Let ``window``'s canvas place, name and tie nodes, and add Edit > Quick Add (Ctrl+K)."""
    building = Building(window)
    canvas = window.canvas
    canvas.connectRequested.connect(building.offer_ties)
    canvas.renameRequested.connect(building.rename)
    canvas.placeRequested.connect(lambda kind, pos: building.place_node(URIRef(kind), pos))
    window.mapShown.connect(building.show_map)
    building.quick_add_action = window.add_action(
        "&Quick Add…",
        building.start_quick_add,
        QKeySequence("Ctrl+K"),
        "Add nodes and a tie by typing: Ward 7 (unit) -> Discharge huddle (routine)",
        needs_map=True,
    )
    window.menus["edit"].addAction(building.quick_add_action)
    return building
