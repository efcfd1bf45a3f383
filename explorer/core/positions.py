"""Canvas positions in the map: the statements that hold them, and reading a change made only of them.

A node's place on the canvas is two statements, ``rx:canvasX`` and ``rx:canvasY``. Moving
nodes (a drag, a layout, their undo) changes nothing else, and the views that follow the
map (:class:`~explorer.core.projection.Projection`, the window's panels) can take such a
change as a list of new places instead of reading the map again. At 10k nodes a layout is
40k statements: reading them costs a fifth of a second, so a command reads them once
(:attr:`~explorer.core.commands.Command.moves`), in the worker that built it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .namespaces import RX
from .terms import DEFAULT_GRAPH

#: The predicates of a canvas position, as text: rdflib compares terms in Python, plain ``str`` in C.
X_TEXT, Y_TEXT = str(RX.canvasX), str(RX.canvasY)
POSITION_TEXT = frozenset({X_TEXT, Y_TEXT})


class Place(NamedTuple):
    """Where a change puts a node: both coordinates, or neither (its position removed)."""

    node: object
    x: float | None
    y: float | None


def coordinate(text: str) -> float | None:
    """A position value as a number, or None when it is not one the canvas can use.

    Hostile or broken positions (NaN, 1e308) would break the scene's rectangle, so they count as none.

    Examples
    --------
    >>> coordinate("12.5"), coordinate("nan"), coordinate("1e308"), coordinate("left")
    (12.5, None, None, None)
    """
    try:
        number = float(text)
    except (TypeError, ValueError):
        return None
    return number if abs(number) < 1e7 else None


def position_changes(added: Iterable, removed: Iterable, graph=DEFAULT_GRAPH) -> list[Place] | None:
    """The places a change gives nodes in ``graph``, or None when it is not exactly a move.

    Exact when the change holds canvas positions only and each node either gets both
    coordinates or loses both (what moves, layouts and their undos do). Statements in
    other graphs are left out (a scenario's positions do not move the map's nodes).

    Parameters
    ----------
    added, removed : iterable of quads
        The change, as ``(subject, predicate, object, graph)`` quads.
    graph : rdflib term
        The graph whose nodes are drawn.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> ana = URIRef("urn:ana")
    >>> moved = [(ana, RX.canvasX, Literal(1.0), DEFAULT_GRAPH), (ana, RX.canvasY, Literal(2.0), DEFAULT_GRAPH)]
    >>> position_changes(moved, [])
    [Place(node=rdflib.term.URIRef('urn:ana'), x=1.0, y=2.0)]
    >>> position_changes([], moved)
    [Place(node=rdflib.term.URIRef('urn:ana'), x=None, y=None)]
    >>> position_changes(moved[:1], []) is None  # half a position: read the map instead
    True
    """
    new: dict = {}  # subject text -> [subject, {predicate text: number}]
    for s, p, o, g in added:
        p = str(p)
        if p not in POSITION_TEXT:
            return None
        if g is graph or g == graph:
            found = new.get(str(s))
            if found is None:
                found = new[str(s)] = [s, {}]
            found[1][p] = coordinate(str(o))
    gone: dict = {}  # subjects nothing was added to -> predicates removed
    for s, p, _, g in removed:
        p = str(p)
        if p not in POSITION_TEXT:
            return None
        if (g is graph or g == graph) and str(s) not in new:
            gone.setdefault(str(s), [s, set()])[1].add(p)
    places = []
    for s, values in new.values():
        if len(values) != 2:
            return None
        x, y = values[X_TEXT], values[Y_TEXT]
        places.append(Place(s, x if y is not None else None, y if x is not None else None))
    for s, predicates in gone.values():
        if predicates != POSITION_TEXT:
            return None
        places.append(Place(s, None, None))
    return places
