"""Where nodes go: the layouts (:mod:`.layouts`) and the placement of nodes a map gives no position (:mod:`.placement`).

Qt-free and beside :mod:`explorer.analysis`: it reads the core's projection and schema, and the canvas, the
SPARQL graph view, the import and every export place nodes with it, so a map is laid out alike everywhere.
"""

# Here, not in layouts.py, so the window can name them without importing networkx and scipy (1.3 s).
LAYOUTS: dict[str, str] = {
    "levels": "By level",
    "force": "Force-directed",
    "hierarchical": "Hierarchical",
    "circular": "Circular",
}

__all__ = ["LAYOUTS"]
