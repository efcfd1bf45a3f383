"""Looking at a map's content in tests."""

from __future__ import annotations

from explorer.core.store import ANY_GRAPH


def snapshot(doc) -> frozenset:
    """Every quad of ``doc``'s store, in every graph: equal before and after means nothing changed."""
    return frozenset(doc.store.quads(graph=ANY_GRAPH))
