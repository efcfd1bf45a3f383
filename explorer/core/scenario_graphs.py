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
A file never holds a marker (a save writes the base); one found in a file is
dropped on open (:func:`drop_markers`).

A scenario made to try a lever is a *trial* (``rx:trial true``): a what-if that a
save leaves out (:func:`trial_quads`) until the user keeps it.

The index graph is checked as it is read: an entry that is not a whole scenario
(two names, two added graphs, its graphs the same, or a graph of the map, the
ontology, an analysis run or another scenario) is left out of :func:`scenarios`,
its graphs stay data graphs, and :func:`unreadable` says why, so a crafted or
foreign file can never make a delete or a switch touch data it does not own.

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

from rdflib import RDF, RDFS, Literal, URIRef

from .commands import Command
from .errors import ExplorerError
from .namespaces import RX
from .store import Store
from .terms import DEFAULT_GRAPH, ONTOLOGY_GRAPH, Quad, is_derived
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
    trial: bool = False


#: The value of ``rx:trial`` on a trial scenario.
TRIAL = Literal(True)

#: Graphs no scenario may claim: deleting a scenario deletes its graphs.
_RESERVED = frozenset({DEFAULT_GRAPH, ONTOLOGY_GRAPH, SCENARIOS_GRAPH})


def _described(store: Store) -> list[tuple]:
    """Each ``rx:Scenario`` of the index graph with its values, predicate by predicate."""
    found = []
    for iri in {q[0] for q in store.quads(None, RDF.type, RX.Scenario, SCENARIOS_GRAPH)}:
        values: dict = {}
        for _, predicate, value, _ in store.quads(iri, None, None, SCENARIOS_GRAPH):
            values.setdefault(predicate, []).append(value)
        found.append((iri, values))
    return found


def _checked(store: Store) -> tuple[list[Scenario], list[str]]:
    """The whole scenarios of the index graph, and a one-line reason for each entry left out."""
    described = _described(store)
    claims: dict = {}  # graph -> how many entries name it
    for _, values in described:
        for graph in {*values.get(RX.addedGraph, ()), *values.get(RX.removedGraph, ())}:
            claims[graph] = claims.get(graph, 0) + 1
    good, reasons = [], []
    for iri, values in described:
        names, added, removed = (values.get(p, []) for p in (RDFS.label, RX.addedGraph, RX.removedGraph))
        what = f"“{shortened(str(names[0]))}”" if len(names) == 1 else f"<{shortened(str(iri))}>"
        reason = None
        if len(names) != 1:
            reason = "it has no name" if not names else f"it has {len(names)} names"
        elif len(added) != 1 or len(removed) != 1:
            reason = "it needs exactly one graph of added and one of removed statements"
        elif not isinstance(added[0], URIRef) or not isinstance(removed[0], URIRef):
            reason = "its graphs are not named by IRIs"
        elif added[0] == removed[0]:
            reason = "its added and removed statements are in the same graph"
        elif any(g in _RESERVED or is_derived(g) for g in (added[0], removed[0])):
            reason = "one of its graphs is the map, the ontology or an analysis run"
        elif claims[added[0]] > 1 or claims[removed[0]] > 1:
            reason = "it shares a graph with another scenario"
        if reason is not None:
            reasons.append(f"Scenario {what} was left out: {reason}; its graphs are kept as data.")
            continue
        description = values.get(RDFS.comment, [""])[0]
        trial = TRIAL in values.get(RX.trial, ())
        good.append(Scenario(iri, str(names[0]), added[0], removed[0], str(description), trial))
    good.sort(key=lambda s: (natural_key(s.name), str(s.iri)))
    return good, sorted(reasons, key=natural_key)


def scenarios(store: Store) -> list[Scenario]:
    """The map's scenarios, in natural order of their names (those :func:`unreadable` names left out).

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> scenarios(EmbeddedStore())
    []
    """
    return _checked(store)[0]


def unreadable(store: Store) -> list[str]:
    """Why each scenario the index graph describes badly (a crafted or foreign file) was left out, a line each.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> store = EmbeddedStore()
    >>> s, g = URIRef("urn:s"), URIRef("urn:g")
    >>> entry = [(s, RDF.type, RX.Scenario), (s, RDFS.label, Literal("to-be")), (s, RX.addedGraph, g)]
    >>> store.apply(added=[(*t, SCENARIOS_GRAPH) for t in [*entry, (s, RX.removedGraph, g)]])
    >>> scenarios(store), unreadable(store)[0][:62]
    ([], 'Scenario “to-be” was left out: its added and removed statement')
    """
    return _checked(store)[1]


def marker(scenario: Scenario) -> Quad:
    """The quad saying ``scenario`` is shown.

    >>> marker(Scenario(URIRef("urn:s"), "x", URIRef("urn:a"), URIRef("urn:r")))[1:3]
    (rdflib.term.URIRef('https://w3id.org/routine-explorer/ns#shownScenario'), rdflib.term.URIRef('urn:s'))
    """
    return (SCENARIOS_GRAPH, RX.shownScenario, scenario.iri, SCENARIOS_GRAPH)


def shown(store: Store) -> Scenario | None:
    """The scenario the default graph shows, or None for the base (one lookup when none is shown).

    A marker naming no whole scenario is ignored; with two markers, neither is trusted.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> shown(EmbeddedStore()) is None
    True
    """
    found = list(islice(store.quads(SCENARIOS_GRAPH, RX.shownScenario, None, SCENARIOS_GRAPH), 2))
    if len(found) != 1:
        return None
    return next((s for s in scenarios(store) if s.iri == found[0][2]), None)


def drop_markers(store: Store) -> int:
    """Remove every shown-scenario marker from ``store``, applied directly; returns how many.

    A file read from disk holds the base (the app never saves a marker), so a marker
    in it, crafted or foreign, would make the base pass for a scenario shown.

    >>> from explorer.core.store import EmbeddedStore
    >>> drop_markers(EmbeddedStore())
    0
    """
    found = list(store.quads(None, RX.shownScenario, None, SCENARIOS_GRAPH))
    store.apply(removed=found)
    return len(found)


def trial_quads(store: Store) -> list[Quad]:
    """What the trial scenarios hold (their entries in the index graph, their two graphs): a save leaves it out.

    >>> from explorer.core.store import EmbeddedStore
    >>> trial_quads(EmbeddedStore())
    []
    """
    found: list[Quad] = []
    for scenario in scenarios(store):
        if scenario.trial:
            found.extend(store.quads(scenario.iri, None, None, SCENARIOS_GRAPH))
            found.extend(store.quads(None, None, None, scenario.added_graph))
            found.extend(store.quads(None, None, None, scenario.removed_graph))
    return found


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
    for scenario in scenarios(store):  # an unreadable entry's graphs stay data graphs
        names.update((scenario.added_graph, scenario.removed_graph))
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


def _keys_held(store: Store, graph, keys: set) -> set:
    """Those ``(subject, predicate)`` pairs of ``keys`` with a statement in ``graph``."""
    some = list(islice(store.quads(None, None, None, graph), len(keys) + 1))
    if len(some) <= len(keys):
        return {q[:2] for q in some} & keys
    return {(s, p) for s, p in keys if next(iter(store.quads(s, p, None, graph)), None) is not None}


def _overrides(store: Store, scenario: Scenario, added: list[Quad]) -> list[Quad]:
    """Quads of ``scenario``'s removed graph keeping its own value where a base edit adds one it replaced.

    The scenario replaced the value of ``(s, p)`` when it removes one and adds one;
    a value the base now gets for that pair is removed too, so the scenario still
    shows its own (one value, not two), unless it is the value the scenario adds.
    """
    keys = {q[:2] for q in added}
    replaced = _keys_held(store, scenario.removed_graph, keys) & _keys_held(store, scenario.added_graph, keys)
    return [
        (s, p, o, scenario.removed_graph)
        for s, p, o, _ in added
        if (s, p) in replaced and not store.contains((s, p, o, scenario.added_graph))
    ]


def changes_shown(command: Command) -> bool:
    """Whether ``command`` changes which scenario is shown (a switch, or a delete of the shown scenario)."""
    if command.view:
        return True
    if command.moves[0] is not None:  # only canvas positions (a layout: 40k quads at 10k nodes, read once)
        return False
    shown = str(RX.shownScenario)  # compared as plain text: rdflib's == is Python code
    return any(str.__eq__(q[1], shown) and q[3] == SCENARIOS_GRAPH for q in (*command.added, *command.removed))


def route(store: Store, command: Command) -> Command:
    """``command``, built against what the store shows, with what keeps the scenarios exact.

    With a scenario shown, an edit of the default graph is also an edit of that
    scenario: a statement removed leaves its added graph if there, else joins its
    removed graph; a statement added leaves its removed graph if there, else joins
    its added graph. With the base shown, an edit of the base drops, from every
    scenario, the statements it makes moot (one the scenario added that the base
    now has, one it removed that the base no longer has), so each scenario still
    shows the base's edits, except a new value for a statement the scenario
    replaced (it removes one value of the subject's property and adds another):
    that value joins the scenario's removed graph, so the scenario keeps its own.
    Call it before applying ``command``. Commands that change which scenario is
    shown, and those with no default-graph statement, come back as they are; the
    extra quads join the command, so undo reverts both.

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
    if command.moves[0] is not None and next(iter(store.quads(None, None, None, SCENARIOS_GRAPH)), None) is None:
        return command  # nodes moved on a map with no scenario: nothing to keep exact
    # Identity first: rdflib's == is Python code, and commands name the default graph by this very object.
    added = [q for q in command.added if q[3] is DEFAULT_GRAPH or q[3] == DEFAULT_GRAPH]
    removed = [q for q in command.removed if q[3] is DEFAULT_GRAPH or q[3] == DEFAULT_GRAPH]
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
            extra_added.update(_overrides(store, scenario, added))
    # What the command holds already needs no adding: a command routed once (a layout's, made ready in its
    # worker, see Command.prepare) comes back as the very same command.
    extra_added.difference_update(command.removed, command.added)
    extra_removed.difference_update(command.added, command.removed)
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
    "drop_markers",
    "find",
    "graph_names",
    "in_base",
    "listing",
    "marker",
    "route",
    "scenarios",
    "shown",
    "trial_quads",
    "unreadable",
]
