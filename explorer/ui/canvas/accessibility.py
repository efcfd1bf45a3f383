"""What the map canvas tells assistive technology: the node in hand by name, and every node as a child.

The canvas draws its nodes as graphics items, which Qt's accessibility tree does not see. Here the canvas gets
its own accessible interface (installed as a factory, for any widget offering :class:`NodeSource`'s methods): its
children are Qt's usual ones (the viewport, the scroll bars), then one child per node shown, in reading order,
each with the node's name, a description ("Unit, meso level, 5 ties"), its place on screen and whether it is
selected. The canvas's own name follows the selection (:func:`describe_selection`), and :func:`announce` tells
a screen reader when the node in hand changes.

Node interfaces have no QObject, so Qt keeps them in its cache until told: they are made once per node and
canvas, and deleted together when the map changes or the canvas goes (:func:`forget_nodes`).
"""

from __future__ import annotations

from typing import Protocol

import shiboken6
from PySide6.QtCore import QRect
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget

from explorer.core.presentation import level_title, relation_name
from explorer.core.text import one_line

__all__ = ["announce", "describe_node", "describe_selection", "forget_nodes", "install"]

#: The canvas's name when nothing is selected.
CANVAS_NAME = "Map canvas"

# Node interfaces made so far, per canvas (by id): {iri: (interface, id in Qt's cache)}. Held here, so
# Python never frees one Qt's cache still points to.
_made: dict[int, dict] = {}
_installed = False


class NodeSource(Protocol):
    """What the canvas offers its accessible interface."""

    def accessible_nodes(self) -> list: ...  # the nodes shown, in reading order

    def node_description(self, iri) -> str: ...

    def node_screen_rect(self, iri) -> QRect: ...

    def current_node(self): ...  # the one selected node, or None

    def node_at_global(self, x: int, y: int): ...


def describe_node(schema, projection, iri) -> str:
    """A node in words, for a screen reader: ``"Unit: ICU A, meso level, 5 ties"``.

    Examples
    --------
    >>> from explorer.core.projection import NodeView, Projection
    >>> from explorer.core.schema import Schema
    >>> p = Projection(Schema())
    >>> p.nodes = {"a": NodeView("a", None, "ICU A", 2)}
    >>> describe_node(Schema(), p, "a")
    'Node: ICU A, meso level, no ties'
    """
    view = projection.nodes.get(iri) if projection is not None else None
    if view is None:
        return ""
    kind = schema.kind(view.kind) if schema is not None else None
    ties = len(projection.ties_of(iri))
    count = {0: "no ties", 1: "1 tie"}.get(ties, f"{ties:,} ties")
    label = one_line(view.label) or "no name"
    return f"{kind.label if kind else 'Node'}: {label}, {level_title(view.level).lower()} level, {count}"


def describe_selection(schema, projection, keys: list) -> str:
    """What the canvas is called while ``keys`` are selected: the node or tie in hand, or how many.

    Examples
    --------
    >>> describe_selection(None, None, [])
    'Map canvas'
    >>> describe_selection(None, None, ["a", "b"])
    'Map canvas, 2 selected'
    """
    if len(keys) > 1:
        return f"{CANVAS_NAME}, {len(keys):,} selected"
    if projection is None or not keys:
        return CANVAS_NAME
    key = keys[0]
    if isinstance(key, tuple):
        tie = projection.ties.get(key)
        if tie is None:
            return CANVAS_NAME
        ends = [projection.nodes.get(n) for n in (tie.source, tie.target)]
        names = [one_line(view.label) if view is not None else "?" for view in ends]
        return f"Tie: {names[0]} {relation_name(schema, tie)} {names[1]}"
    return describe_node(schema, projection, key) or CANVAS_NAME


class NodeAccessible(QAccessibleInterface):
    """One node of the map, as a child of the canvas in the accessibility tree."""

    def __init__(self, canvas, iri) -> None:
        super().__init__()
        self.canvas, self.iri = canvas, iri

    def _alive(self) -> bool:
        return shiboken6.isValid(self.canvas)

    def isValid(self) -> bool:  # noqa: N802 - Qt API
        return self._alive() and self.iri in self.canvas.node_items

    def object(self):
        return None

    def window(self):
        return self.canvas.window().windowHandle() if self._alive() else None

    def relations(self, match=None) -> list:
        return []

    def focusChild(self):  # noqa: N802 - Qt API
        return None

    def childAt(self, x: int, y: int):  # noqa: N802 - Qt API
        return None

    def parent(self):
        return QAccessible.queryAccessibleInterface(self.canvas) if self._alive() else None

    def child(self, index: int):
        return None

    def childCount(self) -> int:  # noqa: N802 - Qt API
        return 0

    def indexOfChild(self, child) -> int:  # noqa: N802 - Qt API
        return -1

    def text(self, kind) -> str:
        if not self.isValid():
            return ""
        if kind == QAccessible.Text.Name:
            view = self.canvas.projection.nodes.get(self.iri)
            return one_line(view.label) if view is not None else ""
        if kind == QAccessible.Text.Description:
            return self.canvas.node_description(self.iri)
        return ""

    def setText(self, kind, text: str) -> None:  # noqa: N802 - Qt API
        pass  # renaming goes through the canvas's name box, as an undoable edit

    def rect(self) -> QRect:
        return self.canvas.node_screen_rect(self.iri) if self.isValid() else QRect()

    def role(self):
        return QAccessible.Role.ListItem

    def state(self):
        state = QAccessible.State()
        state.selectable = state.focusable = True
        if not self.isValid():
            state.invisible = True
            return state
        item = self.canvas.node_items[self.iri]
        state.selected = item.isSelected()
        state.invisible = not item.isVisible()
        state.focused = self.canvas.hasFocus() and self.canvas.current_node() == self.iri
        return state


class CanvasAccessible(QAccessibleWidget):
    """The canvas in the accessibility tree: Qt's children for the widget, then one child per node shown."""

    def __init__(self, canvas) -> None:
        super().__init__(canvas, QAccessible.Role.List)
        self.canvas = canvas
        self._rank: tuple = ([], {})  # (the canvas's node list, {node: its index}) for indexOfChild

    def _nodes(self) -> list:
        # The canvas keeps its reading order until the map changes, so asking for each child costs no sort.
        return self.canvas.accessible_nodes() if shiboken6.isValid(self.canvas) else []

    def _index_of(self, iri) -> int:
        nodes = self._nodes()
        if self._rank[0] is not nodes:  # a new order: index it once, not once per child asked for
            self._rank = (nodes, {node: i for i, node in enumerate(nodes)})
        return self._rank[1].get(iri, -1)

    def childCount(self) -> int:  # noqa: N802 - Qt API
        return super().childCount() + len(self._nodes())

    def child(self, index: int):
        base = super().childCount()
        if index < base:
            return super().child(index)
        nodes = self._nodes()
        return node_interface(self.canvas, nodes[index - base]) if 0 <= index - base < len(nodes) else None

    def indexOfChild(self, child) -> int:  # noqa: N802 - Qt API
        if isinstance(child, NodeAccessible):
            index = self._index_of(child.iri)
            return super().childCount() + index if index >= 0 else -1
        return super().indexOfChild(child)

    def focusChild(self):  # noqa: N802 - Qt API
        current = self.canvas.current_node() if shiboken6.isValid(self.canvas) else None
        return node_interface(self.canvas, current) if current is not None else super().focusChild()

    def childAt(self, x: int, y: int):  # noqa: N802 - Qt API
        node = self.canvas.node_at_global(x, y) if shiboken6.isValid(self.canvas) else None
        return node_interface(self.canvas, node) if node is not None else super().childAt(x, y)


def node_interface(canvas, iri) -> NodeAccessible:
    """The accessible interface of ``canvas``'s node ``iri``, made once and kept in Qt's cache."""
    made = _made.get(id(canvas))
    if made is None:
        made = _made[id(canvas)] = {}
        key = id(canvas)
        canvas.destroyed.connect(lambda *_: _forget(key))
    if iri not in made:
        interface = NodeAccessible(canvas, iri)
        made[iri] = (interface, QAccessible.registerAccessibleInterface(interface))
    return made[iri][0]


def forget_nodes(canvas) -> None:
    """Drop ``canvas``'s node interfaces (the map was closed or replaced)."""
    _forget(id(canvas), keep=True)


def _forget(key: int, keep: bool = False) -> None:
    made = _made.pop(key, {}) if not keep else _made.get(key, {})
    for _, unique in list(made.values()):
        if QAccessible.accessibleInterface(unique) is not None:
            QAccessible.deleteAccessibleInterface(unique)
    made.clear()


def _factory(key: str, obj):
    if hasattr(obj, "accessible_nodes") and hasattr(obj, "node_screen_rect"):
        return CanvasAccessible(obj)
    return None


def install() -> None:
    """Give every map canvas its accessible interface (once per process)."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


def announce(canvas) -> None:
    """Tell assistive technology that the node in hand changed: it has the keyboard focus and is selected."""
    if not QAccessible.isActive():
        return
    current = canvas.current_node()
    target = node_interface(canvas, current) if current is not None else QAccessible.queryAccessibleInterface(canvas)
    if target is None:
        return
    for event in (QAccessible.Event.Focus, QAccessible.Event.Selection):
        if event == QAccessible.Event.Focus and not canvas.hasFocus():
            continue
        QAccessible.updateAccessibility(QAccessibleEvent(target, event))
