"""Building a map: placing and naming nodes, tying them, quick add by typing.

:func:`editing.install` adds the feature to the window; the window's own
``place_node``, ``relations_menu``, ``connect_nodes`` and friends hand over to it.
"""
