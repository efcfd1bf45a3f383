"""The contract between the main window and its features: what a feature may use, and how views get the map.

A feature (the SPARQL console, the export and report menus, the import dialog,
the named-graph bar) is a module with ``install(host) -> object``: it builds its
widgets, adds its docks, menu entries and actions through the host, follows the
open map through :attr:`MapHost.mapShown`, and returns its object, which the
window keeps. It uses only what :class:`MapHost` lists: no private attribute of
the window, no attribute set on it (``tests/test_architecture.py`` checks both).

Every view, built in or added by a feature, receives the open map the same way:
``show_map(opened)`` with an :class:`OpenMap`, or ``None`` when the map closes.
The canvas is the exception on purpose: it draws any projection (the map, a
query's result graph, an exported picture), so it takes one with its positions.

Examples
--------
>>> OpenMap(document=None, schema=None, projection=None).projection is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

    from explorer.core.document import MapDocument
    from explorer.core.projection import Projection
    from explorer.core.schema import Schema


#: The object name of File > Map Details…: a feature opens the map's details by triggering the action of this name
#: in ``host.menus["file"]``, without importing the feature that makes it.
MAP_DETAILS_ACTION = "mapDetailsAction"


@dataclass(frozen=True)
class OpenMap:
    """The open map as every view receives it: the document, its schema and the projection the canvas draws."""

    document: MapDocument
    schema: Schema
    projection: Projection
    #: What the load's worker read for the views of a big map (``"outline"``, ``"legend"``, ``"canvas"``), each
    #: taken (popped) by the first view that shows it, so a later show never reads a stale one.
    prepared: dict = field(default_factory=dict, compare=False)


class MapView(Protocol):
    """A view that follows the open map."""

    def show_map(self, opened: OpenMap | None) -> None:
        """Show ``opened`` (``None``: no map is open, clear)."""


class MapHost(Protocol):
    """What a feature may use from the window that installs it.

    Attributes
    ----------
    mapShown
        Emitted with the :class:`OpenMap` when a map opens, with ``None`` when it closes. A feature that must
        follow a reload from disk subscribes to the document's ``DocumentReloaded`` event.
    document, schema, projection
        The open map, or ``None``.
    canvas
        The map's :class:`~explorer.ui.canvas.view.MapCanvas`.
    canvas_page
        The page that holds the canvas; a feature may insert a bar in its layout.
    analysis
        The analysis panel (:class:`~explorer.ui.analysis.dock.AnalysisDock`): its current change, result and
        options, for features that report on them.
    map_actions
        Actions enabled only while a map is open (a feature appends those it makes itself).
    busy
        Whether the map is being saved or loaded: a feature does not apply an edit then.
    menus
        The window's menus by name (``"file"``, ``"edit"``, ``"view"``, ``"panels"``, ``"analysis"``,
        ``"help"``, …) and ``"export_anchor"``, the File menu entry export entries go before.
    """

    mapShown: SignalInstance
    document: MapDocument | None
    schema: Schema | None
    projection: Projection | None
    canvas: Any
    canvas_page: QWidget
    analysis: Any
    menus: dict
    map_actions: list
    busy: bool

    def execute(self, command) -> bool:
        """Run ``command`` on the open map (undoable, journalled); on refusal say why in the status line."""

    def add_dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        """Put ``widget`` in a dock titled ``title`` (``name`` keys its place in the saved window state)."""

    def add_action(
        self, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False, *, needs_map: bool = False
    ) -> QAction:
        """A window-wide action calling ``slot``; ``needs_map``: enabled only while a map is open."""

    def add_menu(self, name: str, menu: QMenu) -> None:
        """Insert ``menu`` in the menu bar before Help, known to other features as ``menus[name]``."""

    def commit_pending(self) -> None:
        """Commit an edit still being typed (a node's name box, the inspector), so what a feature reads includes it."""

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        """Say ``text`` in the status line for ``timeout_ms`` (0: until the next message)."""

    def popup(self, menu: QMenu, global_pos) -> None:
        """Show ``menu`` at ``global_pos`` and run the chosen action (one place, so tests can choose)."""


__all__ = ["MAP_DETAILS_ACTION", "MapHost", "MapView", "OpenMap"]
