"""Which nodes to show: search by label, filter by kind, level or a numeric attribute.

Examples
--------
>>> from rdflib import URIRef
>>> from explorer.core.projection import NodeView, Projection
>>> from explorer.core.schema import Schema
>>> p = Projection(Schema())
>>> p.nodes = {URIRef("http://e/a"): NodeView(URIRef("http://e/a"), None, "Line insertion", 2),
...            URIRef("http://e/b"): NodeView(URIRef("http://e/b"), None, "Ward round", 1)}
>>> [str(n) for n in search(p, "INSERT")]
['http://e/a']
>>> sorted(str(n) for n in filter_nodes(p, None, levels={1}))
['http://e/b']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal

from .terms import DEFAULT_GRAPH


def search(projection, text: str) -> list:
    """Nodes whose label contains ``text`` (case- and accent-insensitive), best matches first.

    Labels that start with the text come before labels that merely contain it;
    ties are broken by label, so "next match" walks a stable order.
    """
    needle = _fold(text)
    if not needle:
        return []
    found = []
    for iri, view in projection.nodes.items():
        label = _fold(view.label)
        position = label.find(needle)
        if position >= 0:
            found.append((position != 0, label, str(iri), iri))
    found.sort()
    return [entry[-1] for entry in found]


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class AttributeRange:
    """Keep nodes whose ``prop`` has a numeric value in [``low``, ``high``] (either end may be None)."""

    prop: object
    low: float | None = None
    high: float | None = None


def filter_nodes(
    projection,
    store,
    *,
    kinds: Iterable | None = None,
    levels: Iterable | None = None,
    attribute: AttributeRange | None = None,
) -> set:
    """The nodes that pass every given criterion (None means "any").

    ``kinds`` are kind IRIs (a node passes if its drawn kind is one of them);
    ``levels`` are level orders (1 micro, 2 meso, 3 macro).
    """
    kinds = set(kinds) if kinds is not None else None
    levels = set(levels) if levels is not None else None
    chosen = {
        iri
        for iri, view in projection.nodes.items()
        if (kinds is None or view.kind in kinds) and (levels is None or view.level in levels)
    }
    if attribute is not None and store is not None:
        passing = set()
        for s, _, value, _ in store.quads(None, attribute.prop, None, DEFAULT_GRAPH):
            if s not in chosen or not isinstance(value, Literal):
                continue
            try:
                number = float(value.toPython())
            except (TypeError, ValueError):
                continue
            if (attribute.low is None or number >= attribute.low) and (
                attribute.high is None or number <= attribute.high
            ):
                passing.add(s)
        chosen = passing
    return chosen
