"""A change to a shared map as RDF Patch text: the triples it adds and deletes, replayable anywhere.

RDF Patch (Jena's text format, https://jena.apache.org/documentation/rdf-patch) writes
a change as ``A`` (add) and ``D`` (delete) rows of N-Triples terms inside ``TX .`` /
``TC .``, with ``H id`` and ``H prev`` headers naming the change and its parent. A
change record in a map's log carries its patch in this form, so the map on the server
can always be rebuilt by replaying the log, and Jena's patch tools can read it.

Examples
--------
>>> from rdflib import URIRef, Literal
>>> a, label = URIRef("urn:x:a"), URIRef("http://www.w3.org/2000/01/rdf-schema#label")
>>> p = Patch(adds=frozenset({(a, label, Literal("Ward 7"))}), deletes=frozenset({(a, label, Literal("Ward"))}))
>>> print(p.text(URIRef("urn:uuid:1")))
H id <urn:uuid:1> .
TX .
D <urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "Ward" .
A <urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "Ward 7" .
TC .
>>> Patch.parse(p.text(URIRef("urn:uuid:1"))) == p
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..core.errors import ExplorerError
from ..core.terms import from_ox
from .endpoint import term_text


class PatchError(ExplorerError):
    """A patch text that is not RDF Patch as this app writes it."""


@dataclass(frozen=True)
class Patch:
    """Triples added and deleted (a triple is never in both)."""

    adds: frozenset = field(default_factory=frozenset)
    deletes: frozenset = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.adds or self.deletes)

    @classmethod
    def between(cls, before: set | frozenset, after: set | frozenset) -> Patch:
        """The patch that turns ``before`` into ``after``.

        Examples
        --------
        >>> Patch.between({1, 2}, {2, 3})
        Patch(adds=frozenset({3}), deletes=frozenset({1}))
        """
        return cls(frozenset(after - before), frozenset(before - after))

    def applied_to(self, triples: set) -> set:
        """``triples`` with this patch applied (a new set)."""
        return (triples - self.deletes) | self.adds

    def inverse(self) -> Patch:
        """The patch that undoes this one."""
        return Patch(self.deletes, self.adds)

    def subjects(self) -> set:
        """The subjects this patch touches."""
        return {t[0] for t in self.adds} | {t[0] for t in self.deletes}

    def text(self, change=None, prev=None) -> str:
        """The patch in RDF Patch form (rows sorted, so the same patch is always the same text)."""
        lines = []
        if change is not None:
            lines.append(f"H id {term_text(change)} .")
        if prev is not None:
            lines.append(f"H prev {term_text(prev)} .")
        lines.append("TX .")
        lines += sorted(f"D {_row(t)} ." for t in self.deletes)
        lines += sorted(f"A {_row(t)} ." for t in self.adds)
        lines.append("TC .")
        return "\n".join(lines)

    @classmethod
    def parse(cls, text: str) -> Patch:
        """The patch an RDF Patch text writes (headers and transaction rows are read past)."""
        adds: list[tuple] = []
        deletes: list[tuple] = []
        rows: dict[str, list[str]] = {"A": [], "D": []}
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line[0] in ("H", "T", "#"):
                continue
            kind, _, rest = line.partition(" ")
            if kind not in rows:
                raise PatchError(f"line {number} of a patch starts with {kind[:10]!r}, not A or D")
            rows[kind].append(rest)
        for kind, target in (("A", adds), ("D", deletes)):
            if not rows[kind]:
                continue
            try:
                parsed = ox.parse("\n".join(rows[kind]), format=ox.RdfFormat.N_TRIPLES)
                target += [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in parsed]
            except (SyntaxError, ValueError) as err:
                raise PatchError(f"a patch holds a row that is not N-Triples ({str(err)[:200]})") from None
        return cls(frozenset(adds), frozenset(deletes))


def _row(triple: tuple) -> str:
    return " ".join(term_text(t) for t in triple)


def replay(initial: Iterable[tuple], patches: Iterable[Patch]) -> set:
    """The triples ``initial`` becomes when ``patches`` are applied in order.

    Examples
    --------
    >>> replay({1}, [Patch(frozenset({2}), frozenset({1})), Patch(frozenset({3}))])
    {2, 3}
    """
    state = set(initial)
    for patch in patches:
        state = patch.applied_to(state)
    return state
