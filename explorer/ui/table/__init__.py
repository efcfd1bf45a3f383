"""The node table: the open map's nodes of one kind in a grid, to fill in a value for twenty nodes at once.

``install(window)`` adds the Table dock (hidden until asked for), View > Node Table (Ctrl+Shift+T) and a
Panels entry; see :mod:`explorer.ui.table.view`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from explorer.ui.common.host import MapHost
from explorer.ui.table.view import NodeTableView

#: The shortcut that shows the table (Ctrl+T ties the selected nodes).
SHORTCUT = "Ctrl+Shift+T"


def install(window: MapHost) -> NodeTableView:
    """Add the node table to ``window``: its dock, its View menu entry and shortcut; returns the table."""
    table = NodeTableView(window)
    dock = window.add_dock("Table", "table", table, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.setAccessibleName("Node table panel")
    dock.hide()  # on a laptop screen the canvas needs the height until the table is asked for
    table.dock = dock
    window.menus["panels"].addAction(dock.toggleViewAction())

    def show_table() -> None:
        dock.show()
        dock.raise_()
        table.grid.setFocus()

    action = window.add_action(
        "Node &Table",
        show_table,
        QKeySequence(SHORTCUT),
        "The nodes of one kind in a table: fill in a value for many at once, or paste a spreadsheet column",
        needs_map=True,
    )
    table.action = action
    window.menus["view"].addSeparator()
    window.menus["view"].addAction(action)
    table.nodesActivated.connect(lambda nodes: window.canvas.select(nodes, centre=True))
    window.mapShown.connect(table.show_map)
    return table


__all__ = ["SHORTCUT", "install"]
