"""Every form a statement was written in, for a store that keeps literals by value.

Oxigraph stores numbers, booleans and dates by value: ``"1.0"``, ``"1."`` and ``"1"`` typed
``xsd:decimal`` are one value, so the three statements ``ex:a ex:p "1.0", "1.", "1"`` are one quad
in the store. In RDF they are three statements (the literals differ), and a map must save all three
(W3C ``turtle-subm-26``). :class:`WrittenForms` keeps, for each quad the store holds in canonical
form, every form it was written in; the store yields and saves those, and drops the canonical quad
only when its last written form goes.

A quad the store keeps exactly as written, with no other form of the same value, is not recorded:
the table stays empty for the usual map.

Examples
--------
>>> import pyoxigraph as ox
>>> decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
>>> def quad(text):
...     return ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal(text, datatype=decimal))
>>> forms = WrittenForms()
>>> forms.add({quad("1.0"): quad("1"), quad("1."): quad("1")}, held=set())
>>> [q.object.value for q in forms.written(quad("1"))]
['1.0', '1.']
>>> store = ox.Store()  # holds the one quad, "1"; not looked at while forms are recorded
>>> forms.remove(quad("1.0"), store), forms.remove(quad("1."), store)
(False, True)
>>> bool(forms)
False
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

import pyoxigraph as ox

from .literal_forms import surely_kept


class WrittenForms:
    """For each quad a store holds in canonical form, the forms it was written in (see the module notes)."""

    def __init__(self) -> None:
        self._forms: dict[ox.Quad, tuple[ox.Quad, ...]] = {}  # canonical quad in the store -> written forms
        self._stored: dict[ox.Quad, ox.Quad] = {}  # written form other than the canonical -> canonical

    def __bool__(self) -> bool:
        return bool(self._forms)

    def __contains__(self, stored: object) -> bool:
        """Whether the store's quad ``stored`` has forms recorded (it is then saved as those, not as itself)."""
        return stored in self._forms

    def stored(self, quad: ox.Quad) -> ox.Quad:
        """The quad the store holds for ``quad`` as written (``quad`` itself when it is kept as written)."""
        return self._stored.get(quad, quad) if self._stored else quad

    def written(self, stored: ox.Quad) -> tuple[ox.Quad, ...]:
        """The forms the store's quad ``stored`` was written in: ``(stored,)`` when it is kept as written."""
        return self._forms.get(stored, (stored,)) if self._forms else (stored,)

    def holds(self, quad: ox.Quad, store: ox.Store) -> bool:
        """Whether ``store`` holds ``quad`` as written (Oxigraph alone finds ``"2.50"`` where ``"2.5"`` is)."""
        stored = self.stored(quad)
        forms = self._forms.get(stored) if self._forms else None
        if forms is not None:
            return quad in forms
        return _held_as_written(quad, store)

    def add(self, rewritten: dict[ox.Quad, ox.Quad], *, held: Collection[ox.Quad]) -> None:
        """Record statements added to the store: ``rewritten`` maps each written form to the quad stored.

        ``rewritten`` is what :func:`~explorer.core.literal_forms.rewritten_forms` found, and may map a
        canonical quad to itself when the same statement was also written in canonical form. ``held``:
        the canonical quads the store held before these were added, each written as it is stored.
        """
        # Other spellings first: a canonical one mapped to itself counts only beside them, in any order given.
        for written, stored in sorted(rewritten.items(), key=lambda item: item[0] == item[1]):
            forms = self._forms.get(stored)
            if forms is None:
                if written == stored:
                    continue  # kept as written, with no other form recorded: nothing to remember
                forms = (stored,) if stored in held else ()
            if written not in forms:
                forms = (*forms, written)
            self._forms[stored] = forms
            if written != stored:
                self._stored[written] = stored

    def replace(self, stored: ox.Quad, forms: Iterable[ox.Quad]) -> None:
        """Record ``forms`` (in order, each once) as every spelling of the store's quad ``stored``."""
        for form in self._forms.pop(stored, ()):
            self._stored.pop(form, None)
        forms = tuple(dict.fromkeys(forms))
        if forms and forms != (stored,):
            self._forms[stored] = forms
            self._stored.update((form, stored) for form in forms if form != stored)

    def remove(self, quad: ox.Quad, store: ox.Store) -> bool:
        """Forget the written form ``quad``; whether ``store`` must now drop its quad (no form of it is left).

        A quad with no forms recorded is the store's to drop if it holds it as written: Oxigraph removes by
        value, so ``"2.50"``, never written, would take away the ``"2.5"`` that was.
        """
        stored = self.stored(quad)
        forms = self._forms.get(stored) if self._forms else None
        if forms is None:
            # A spelling the store keeps as it is goes by itself (removing it when absent changes nothing).
            return surely_kept(quad.object) or _held_as_written(quad, store)
        if quad not in forms:
            return False  # that form was never written: the others stay
        self._stored.pop(quad, None)
        left = tuple(f for f in forms if f != quad)
        if not left:
            del self._forms[stored]
            return True
        if left == (stored,):
            del self._forms[stored]  # only the canonical form is left: the store holds it as written
        else:
            self._forms[stored] = left
        return False

    def items(self, graphs: Iterable | None = None) -> Iterator[tuple[ox.Quad, tuple[ox.Quad, ...]]]:
        """``(stored, forms)`` for every quad recorded, or for those in ``graphs`` (Oxigraph graph names)."""
        if graphs is None:
            return iter(list(self._forms.items()))
        names = set(graphs)
        return iter([(c, forms) for c, forms in self._forms.items() if c.graph_name in names])

    def stored_in(self, graphs: Collection) -> list[ox.Quad]:
        """The store's quads with forms recorded, in ``graphs`` (Oxigraph graph names), without their forms.

        Examples
        --------
        >>> decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
        >>> one = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("1", datatype=decimal))
        >>> forms = WrittenForms()
        >>> forms.add({ox.Quad(one.subject, one.predicate, ox.Literal("1.0", datatype=decimal)): one}, held=set())
        >>> forms.stored_in({ox.DefaultGraph()}) == [one], forms.stored_in({ox.NamedNode("urn:g")})
        (True, [])
        """
        return [c for c in self._forms if c.graph_name in graphs]

    def extra(self, graphs: Iterable | None = None) -> int:
        """How many more statements the recorded quads stand for than the store counts (one per quad)."""
        return sum(len(forms) - 1 for _, forms in self.items(graphs))

    def clear(self, graph=None) -> None:
        """Forget everything, or what is recorded for the Oxigraph graph name ``graph``."""
        if graph is None:
            self._forms.clear()
            self._stored.clear()
            return
        for stored, forms in self.items([graph]):
            del self._forms[stored]
            for form in forms:
                self._stored.pop(form, None)


def _held_as_written(quad: ox.Quad, store: ox.Store) -> bool:
    """Whether ``store`` holds ``quad`` spelled as it is (for a quad with no other forms recorded)."""
    if surely_kept(quad.object):
        return quad in store  # the store's spelling is this one: a lookup by value is exact
    return any(held == quad for held in store.quads_for_pattern(*quad))


__all__ = ["WrittenForms"]
