"""Analysis of a map: pure functions over a networkx projection of it; no RDF writes, no Qt.

:mod:`explorer.analysis.graph` turns a map into a networkx graph;
:mod:`explorer.analysis.interdependence` measures interdependencies on it
(brokerage, single points of failure, coupling between units, cross-level
paths, clusters, hybrid leaders).
"""
