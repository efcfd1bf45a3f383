"""Where a map's scenarios live in its dataset, which one is shown, and how edits keep their differences right.

A scenario is a difference from the map as it is (the *base*), kept in named
graphs so it travels in TriG and N-Quads and SPARQL can read it:

- the index graph :data:`SCENARIOS_GRAPH` describes each scenario (``rx:Scenario``,
  its name, its two graphs, when it was made, an optional description);
- ``<S>/added`` holds the base-graph statements the scenario adds, ``<S>/removed``
  those of the base it removes. They stay exact: nothing in ``added`` is in the
  base, everything in ``removed`` is.

The canvas, the analysis, SPARQL and the exports all read the default graph, so a
scenario is *shown* by materialising it there, with the marker
``(SCENARIOS_GRAPH, rx:shownScenario, S)`` in the index graph. Which scenario is
shown is read from the store, so undo, the journal and crash recovery follow it
with no state kept in Python. :func:`route` turns an edit of the shown map into
an edit of the scenario too (or, with the base shown, keeps the scenarios exact).

This module reads the store only; :mod:`explorer.core.scenarios` makes the
commands that create, rename, delete and show scenarios on an open map.

Examples
--------
>>> from explorer.core.store import EmbeddedStore
>>> store = EmbeddedStore()
>>> scenarios(store), shown(store)
([], None)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from rdflib import RDF, RDFS, URIRef

from .commands import Command
from .errors import ExplorerError
from .namespaces import RX
from .store import Store
from .terms import DEFAULT_GRAPH, Quad
from .text import natural_key, shortened

#: The named graph describing a map's scenarios (and, while one is shown, saying which).
SCENARIOS_GRAPH = URIRef("https://w3id.org/routine-explorer/graph/scenarios")

#: Scenario names listed in a one-line message (the rest are counted).
MESSAGE_NAMES = 5


@dataclass(frozen=True)
class Scenario:
    """A scenario of a map: its IRI, its name and the two graphs of its difference from the base.

    Examples
    --------
    >>> s = Scenario(URIRef("urn:s"), "to-be", URIRef("urn:s/added"), URIRef("urn:s/removed"))
    >>> s.name, s.description
    ('to-be', '')
    """

    iri: URIRef
    name: str
    added_graph: URIRef
    removed_graph: URIRef
    description: str = ""


def _read(store: Store, iri) -> Scenario | None:
    """The scenario ``iri`` as the index graph describes it (None when it is not a whole scenario there)."""
    values: dict = {}
    for _, predicate, value, _ in store.quads(iri, None, None, SCENARIOS_GRAPH):
        values.setdefault(predicate, value)
    added, removed = values.get(RX.addedGraph), values.get(RX.removedGraph)
    if not isinstance(added, URIRef) or not isinstance(removed, URIRef):
        return None
    name = str(values.get(RDFS.label) or iri)
    return Scenario(iri, name, added, removed, str(values.get(RDFS.comment) or ""))


def scenarios(store: Store) -> list[Scenario]:
    """The map's scenarios, in natural order of their names.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> scenarios(EmbeddedStore())
    []
    """
    found = (_read(store, s) for s, _, _, _ in store.quads(None, RDF.type, RX.Scenario, SCENARIOS_GRAPH))
    return sorted((s for s in found if s is not None), key=lambda s: (natural_key(s.name), str(s.iri)))


def marker(scenario: Scenario) -> Quad:
    """The quad saying ``scenario`` is shown.

    >>> marker(Scenario(URIRef("urn:s"), "x", URIRef("urn:a"), URIRef("urn:r")))[1:3]
    (rdflib.term.URIRef('https://w3id.org/routine-explorer/ns#shownScenario'), rdflib.term.URIRef('urn:s'))
    """
    return (SCENARIOS_GRAPH, RX.shownScenario, scenario.iri, SCENARIOS_GRAPH)


def shown(store: Store) -> Scenario | None:
    """The scenario the default graph shows, or None for the base (one lookup when none is shown).

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> shown(EmbeddedStore()) is None
    True
    """
    quad = next(iter(store.quads(SCENARIOS_GRAPH, RX.shownScenario, None, SCENARIOS_GRAPH)), None)
    return None if quad is None else _read(store, quad[2])


def find(store: Store, name_or_iri: str) -> Scenario:
    """The scenario named ``name_or_iri`` (any case) or with that IRI.

    Raises
    ------
    ExplorerError
        There is none; the message names the scenarios there are.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> find(EmbeddedStore(), "to-be")
    Traceback (most recent call last):
    ...
    explorer.core.errors.ExplorerError: There is no scenario “to-be” in this map; it has none.
    """
    found = scenarios(store)
    wanted = str(name_or_iri).strip()
    for scenario in found:
        if str(scenario.iri) == wanted:
            return scenario
    for scenario in found:
        if scenario.name.casefold() == wanted.casefold():
            return scenario
    raise ExplorerError(f"There is no scenario “{shortened(wanted)}” in this map; it has {listing(found)}.")


def listing(found: list[Scenario], limit: int = MESSAGE_NAMES) -> str:
    """Scenario names for a one-line message: quoted, the rest counted.

    >>> listing([Scenario(URIRef(f"urn:{n}"), n, URIRef("urn:a"), URIRef("urn:r")) for n in "ab"])
    '“a”, “b”'
    """
    if not found:
        return "none"
    names = [f"“{shortened(s.name)}”" for s in found[:limit]]
    if len(found) > limit:
        names.append(f"and {len(found) - limit:,} more")
    return ", ".join(names)


def graph_names(store: Store) -> frozenset:
    """The named graphs that hold scenarios: the index graph and each scenario's two graphs.

    >>> from explorer.core.store import EmbeddedStore
    >>> graph_names(EmbeddedStore()) == {SCENARIOS_GRAPH}
    True
    """
    names = {SCENARIOS_GRAPH}
    for _, predicate, graph, _ in store.quads(None, None, None, SCENARIOS_GRAPH):
        if predicate in (RX.addedGraph, RX.removedGraph):
            names.add(graph)
    return frozenset(names)


def _in(graph, quads: Iterable[Quad]) -> list[Quad]:
    return [(s, p, o, graph) for s, p, o, _ in quads]


def _statements(store: Store, graph) -> list[Quad]:
    """The statements of a scenario graph, as default-graph quads."""
    return _in(DEFAULT_GRAPH, store.quads(None, None, None, graph))


def in_base(store: Store, quad: Quad, showing: Scenario | None) -> bool:
    """Whether the base holds the default-graph ``quad``, while ``showing`` is shown.

    >>> from explorer.core.store import EmbeddedStore
    >>> q = (URIRef("urn:a"), RDFS.label, URIRef("urn:b"), DEFAULT_GRAPH)
    >>> in_base(EmbeddedStore(), q, None)
    False
    """
    if showing is None:
        return store.contains(quad)
    s, p, o, _ = quad
    if store.contains(quad):
        return not store.contains((s, p, o, showing.added_graph))
    return store.contains((s, p, o, showing.removed_graph))


def differences(store: Store, scenario: Scenario) -> tuple[frozenset, frozenset]:
    """What ``scenario`` adds to and removes from the base, as default-graph quads ``(added, removed)``.

    Statements a file made elsewhere lists wrongly (added ones the base has, removed
    ones it lacks) are left out, so the result is what showing the scenario changes.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> s = Scenario(URIRef("urn:s"), "to-be", URIRef("urn:s/added"), URIRef("urn:s/removed"))
    >>> differences(EmbeddedStore(), s)
    (frozenset(), frozenset())
    """
    showing = shown(store)
    added = frozenset(q for q in _statements(store, scenario.added_graph) if not in_base(store, q, showing))
    removed = frozenset(q for q in _statements(store, scenario.removed_graph) if in_base(store, q, showing))
    return added, removed


def base_quads(store: Store) -> tuple[frozenset, frozenset]:
    """``(to add, to remove)`` to get from what the store shows to the base: nothing when the base is shown.

    To remove includes the marker of the shown scenario.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> base_quads(EmbeddedStore())
    (frozenset(), frozenset())
    """
    showing = shown(store)
    if showing is None:
        return frozenset(), frozenset()
    to_add = frozenset(q for q in _statements(store, showing.removed_graph) if not store.contains(q))
    to_remove = frozenset(q for q in _statements(store, showing.added_graph) if store.contains(q))
    return to_add, to_remove | {marker(showing)}


def _held(store: Store, graph, quads: list[Quad]) -> list[Quad]:
    """Those of ``quads`` whose statements ``graph`` holds, as quads of ``graph``."""
    # A scenario is usually far smaller than a big edit (an import): read it whole then.
    some = list(islice(store.quads(None, None, None, graph), len(quads) + 1))
    if len(some) <= len(quads):
        wanted = {q[:3] for q in quads}
        return [q for q in some if q[:3] in wanted]
    return [q for q in _in(graph, quads) if store.contains(q)]


def changes_shown(command: Command) -> bool:
    """Whether ``command`` changes which scenario is shown (a switch, or a delete of the shown scenario)."""
    return command.view or any(
        q[1] == RX.shownScenario and q[3] == SCENARIOS_GRAPH for q in (*command.added, *command.removed)
    )


def route(store: Store, command: Command) -> Command:
    """``command``, built against what the store shows, with what keeps the scenarios exact.

    With a scenario shown, an edit of the default graph is also an edit of that
    scenario: a statement removed leaves its added graph if there, else joins its
    removed graph; a statement added leaves its removed graph if there, else joins
    its added graph. With the base shown, an edit of the base drops, from every
    scenario, the statements it makes moot (one the scenario added that the base
    now has, one it removed that the base no longer has), so each scenario still
    shows the base's edits. Call it before applying ``command``. Commands that
    change which scenario is shown, and those with no default-graph statement,
    come back as they are; the extra quads join the command, so undo reverts both.

    Examples
    --------
    >>> from rdflib import Literal
    >>> from explorer.core.store import EmbeddedStore
    >>> q = (URIRef("urn:a"), RDFS.label, Literal("a"), DEFAULT_GRAPH)
    >>> route(EmbeddedStore(), Command("Add a", added=frozenset({q}))).added == {q}
    True
    """
    if changes_shown(command):
        return command
    added = [q for q in command.added if q[3] == DEFAULT_GRAPH]
    removed = [q for q in command.removed if q[3] == DEFAULT_GRAPH]
    if not added and not removed:
        return command
    showing = shown(store)
    extra_added: set[Quad] = set()
    extra_removed: set[Quad] = set()
    if showing is not None:
        for s, p, o, _ in removed:
            if store.contains(in_added := (s, p, o, showing.added_graph)):
                extra_removed.add(in_added)
            else:
                extra_added.add((s, p, o, showing.removed_graph))
        for s, p, o, _ in added:
            if store.contains(in_removed := (s, p, o, showing.removed_graph)):
                extra_removed.add(in_removed)
            else:
                extra_added.add((s, p, o, showing.added_graph))
    else:
        for scenario in scenarios(store):
            extra_removed.update(_held(store, scenario.added_graph, added))
            extra_removed.update(_held(store, scenario.removed_graph, removed))
    extra_added.difference_update(command.removed)
    extra_removed.difference_update(command.added)
    if not extra_added and not extra_removed:
        return command
    return Command(
        command.label,
        added=frozenset(command.added) | extra_added,
        removed=frozenset(command.removed) | extra_removed,
        merge_key=command.merge_key,
    )


__all__ = [
    "SCENARIOS_GRAPH",
    "Scenario",
    "base_quads",
    "changes_shown",
    "differences",
    "find",
    "graph_names",
    "in_base",
    "listing",
    "marker",
    "route",
    "scenarios",
    "shown",
]
