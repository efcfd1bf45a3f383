"""Helpers for the review tests: tiny Turtle maps analysed with the public entry point."""

from __future__ import annotations

from rdflib import BNode, URIRef

from explorer.analysis.change import analyse_change
from explorer.analysis.graph import map_graph, map_graph_from_text
from explorer.core.document import MapDocument
from explorer.core.terms import DEFAULT_GRAPH

PREFIXES = (
    "@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
)
CHANGE = URIRef("urn:x:change")


def run(turtle: str, **options):
    options.setdefault("runs", 0)
    options.setdefault("levers", False)
    return analyse_change(map_graph_from_text(PREFIXES + turtle), CHANGE, **options)


def score(result, iri: str, role: str | None = None) -> float:
    """The score of the point at ``iri`` (0 when there is none)."""
    for p in result.points:
        if str(p.node) == iri and (role is None or p.role == role):
            return p.score
    return 0.0


def point(result, iri: str, role: str | None = None):
    return next(p for p in result.points if str(p.node) == iri and (role is None or p.role == role))


def rerun_with_edit(turtle: str, edit, **options):
    """Apply a lever's edit to the map as RDF the way the repository's property test does (a blank-node
    subject is a new tie, minted afresh) and analyse the edited map from scratch."""
    doc = MapDocument.new(editing=False)
    try:
        doc.store.load((PREFIXES + turtle).encode("utf-8"), format="turtle")
        minted = {}
        for op, s, p, o in edit:
            s = minted.setdefault(s, URIRef(f"urn:x:lever-{len(minted)}")) if isinstance(s, BNode) else s
            if op == "set":
                doc.store.apply(removed=list(doc.store.quads(s, p, None)))
            if op in ("add", "set"):
                doc.store.apply(added=[(s, p, o, DEFAULT_GRAPH)])
            else:
                doc.store.apply(removed=[(s, p, o, DEFAULT_GRAPH)])
        options.setdefault("runs", 0)
        return analyse_change(map_graph(doc.store), CHANGE, levers=False, **options)
    finally:
        doc.close()
