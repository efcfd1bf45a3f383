"""The map as drawn: the canvas view and its items, the level bands, the minimap, the legend, and image export.

Everything here draws a :class:`~explorer.core.projection.Projection`; it edits nothing itself (edits go
through the window's commands) and imports only :mod:`explorer.ui.common` from the UI.
"""
