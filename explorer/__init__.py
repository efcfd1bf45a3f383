"""Routine Explorer: map an organisation's people, units, routines, norms and external forces
as an RDF knowledge graph, see where a proposed change will meet resistance, and why.

The package is layered (each may import only what is to its left):
``core`` <- ``analysis``, ``layout`` <- ``io``, ``sparql`` <- ``ui``; only ``explorer.ui`` imports Qt.
"""

__version__ = "0.1.0"

#: The first argument that makes the app's own executable serve as a SPARQL engine process
#: (:mod:`explorer.sparql.engine`): a frozen bundle has no Python to run the engine's file with.
ENGINE_ARGUMENT = "--sparql-engine"
