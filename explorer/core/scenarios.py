"""Scenarios inside a map: named alternatives to the map as it is, made, renamed, deleted and shown as commands.

A map can hold scenarios beside the as-is map (the *base*), such as
"to-be: nurse-led discharge": each is a difference from the base, kept in named
graphs of the map (:mod:`explorer.core.scenario_graphs` says how), so it is
saved in TriG and N-Quads and SPARQL can query it. Every function here returns a
:class:`~explorer.core.commands.Command` for :meth:`MapDocument.execute
<explorer.core.document.MapDocument.execute>`, so each step can be undone.

Showing a scenario (:func:`show`) is a *view* command: the default graph then
holds the scenario, every reader (canvas, analysis, SPARQL, exports) sees it,
and edits made meanwhile are routed into the scenario by the document. Undo
after a switch switches back; switching alone leaves a saved map clean; a save
always writes the base.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from rdflib import Literal, RDFS
>>> from explorer.core.document import MapDocument
>>> doc = MapDocument.new(with_ontology=False)
>>> ward = URIRef("urn:x:ward")
>>> command, to_be = create(doc, "to-be", added=[(ward, RDFS.label, Literal("Ward 7"), DEFAULT_GRAPH)])
>>> doc.execute(command)
>>> doc.execute(show(doc, to_be))
>>> shown(doc.store).name, doc.store.contains((ward, RDFS.label, Literal("Ward 7"), DEFAULT_GRAPH)), doc.dirty
('to-be', True, True)
>>> doc.stack.undo_text
'Show “to-be”'
>>> doc.undo(); shown(doc.store) is None
True
>>> doc.close()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from .commands import Command, compose
from .errors import CommandError
from .iris import Minter
from .namespaces import RX
from .scenario_graphs import (
    SCENARIOS_GRAPH,
    TRIAL,
    Scenario,
    base_quads,
    differences,
    find,
    in_base,
    marker,
    route,
    scenarios,
    shown,
    unreadable,
)
from .schema import MAX_NAME
from .store import ANY_GRAPH, Store
from .terms import DEFAULT_GRAPH, Quad, normalise_quads
from .text import one_line, shortened


class OpenMap(Protocol):
    """What these functions need of an open map (a :class:`~explorer.core.document.MapDocument`)."""

    @property
    def store(self) -> Store: ...

    @property
    def base_iri(self) -> str | None: ...

    @property
    def title(self) -> str: ...

    def fallback_base(self) -> str: ...


def _checked_name(store: Store, name: str, *, keeping: Scenario | None = None) -> str:
    """``name`` stripped, refused when empty, too long or already a scenario's (any case)."""
    name = " ".join(str(name).split())
    if not name:
        raise CommandError("A scenario needs a name.")
    if len(name) > MAX_NAME:
        raise CommandError(f"The name “{shortened(name)}” is too long (at most {MAX_NAME} characters).")
    for other in scenarios(store):
        if other.name.casefold() == name.casefold() and (keeping is None or other.iri != keeping.iri):
            raise CommandError(f"There is already a scenario called “{shortened(other.name)}”; choose another name.")
    return name


def _default_quads(quads: Iterable, what: str) -> frozenset:
    """Statements of the map graph as quads: triples get the default graph, other graphs are refused."""
    found = normalise_quads(q if len(q) == 4 else (*q, DEFAULT_GRAPH) for q in quads)
    stray = [q for q in found if q[3] != DEFAULT_GRAPH]
    if stray:
        raise CommandError(f"A scenario {what} statements of the map graph only, not of <{stray[0][3]}>.")
    return found


def _taken(store: Store):
    def taken(iri: URIRef) -> bool:
        # A scenario's IRI names its graphs too; any use anywhere in the dataset takes it.
        return any(
            next(iter(found), None) is not None
            for found in (
                store.quads(iri, None, None, ANY_GRAPH),
                store.quads(None, None, iri, ANY_GRAPH),
                store.quads(None, None, None, URIRef(f"{iri}/added")),
                store.quads(None, None, None, URIRef(f"{iri}/removed")),
            )
        )

    return taken


def create(
    doc: OpenMap,
    name: str,
    *,
    added: Iterable = (),
    removed: Iterable = (),
    description: str = "",
    trial: bool = False,
) -> tuple[Command, Scenario]:
    """A command making the scenario ``name``, and the scenario it makes (not shown).

    Parameters
    ----------
    doc : MapDocument
        The open map.
    name : str
        Its name, unique in the map whatever the case, at most
        :data:`~explorer.core.schema.MAX_NAME` characters.
    added, removed : iterable of quads or triples
        Statements of the map graph the scenario adds and removes, relative to the
        base whatever is shown (so "Try a lever" can build one); those that change
        nothing are left out.
    description : str
        Kept as its ``rdfs:comment``.
    trial : bool
        A lever tried: marked ``rx:trial``, never saved, and made (and deleted)
        by a view command, so the map stays clean until the user keeps it (:func:`keep`).

    Raises
    ------
    CommandError
        The name is empty, too long or taken.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False, base_iri="https://example.org/map/")
    >>> command, scenario = create(doc, "To-be: nurse-led discharge")
    >>> str(scenario.iri), command.label
    ('https://example.org/map/scenario/to-be-nurse-led-discharge', 'Add scenario “To-be: nurse-led discharge”')
    >>> doc.execute(command); create(doc, "to-be: NURSE-LED discharge")
    Traceback (most recent call last):
    ...
    explorer.core.errors.CommandError: There is already a scenario called “To-be: nurse-led discharge”; ...
    >>> doc.close()
    """
    store = doc.store
    name = _checked_name(store, name)
    iri = Minter().mint(doc.base_iri or doc.fallback_base(), RX.Scenario, name, taken=_taken(store))
    scenario = Scenario(iri, name, URIRef(f"{iri}/added"), URIRef(f"{iri}/removed"), description.strip(), trial)
    showing = shown(store)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    quads = [
        (iri, RDF.type, RX.Scenario),
        (iri, RDFS.label, Literal(name)),
        (iri, RX.addedGraph, scenario.added_graph),
        (iri, RX.removedGraph, scenario.removed_graph),
        (iri, DCTERMS.created, Literal(created, datatype=XSD.dateTime)),
    ]
    if scenario.description:
        quads.append((iri, RDFS.comment, Literal(scenario.description)))
    if trial:
        quads.append((iri, RX.trial, TRIAL))
    index = [(s, p, o, SCENARIOS_GRAPH) for s, p, o in quads]
    adds = [
        (s, p, o, scenario.added_graph)
        for s, p, o, _ in _default_quads(added, "adds")
        if not in_base(store, (s, p, o, DEFAULT_GRAPH), showing)
    ]
    drops = [
        (s, p, o, scenario.removed_graph)
        for s, p, o, _ in _default_quads(removed, "removes")
        if in_base(store, (s, p, o, DEFAULT_GRAPH), showing)
    ]
    label = f"Add scenario “{shortened(name)}”"
    return Command(label, added=frozenset((*index, *adds, *drops)), view=trial), scenario


def keep(doc: OpenMap, scenario: Scenario) -> Command:
    """A command keeping the trial ``scenario`` as a scenario of the map, saved with it (empty if it is no trial).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False)
    >>> command, trial = create(doc, "Try: a lever", trial=True); doc.execute(command)
    >>> doc.dirty, scenarios(doc.store)[0].trial
    (False, True)
    >>> doc.execute(keep(doc, trial)); doc.dirty, scenarios(doc.store)[0].trial
    (True, False)
    >>> doc.close()
    """
    mark = frozenset(doc.store.quads(scenario.iri, RX.trial, None, SCENARIOS_GRAPH))
    return Command(f"Keep “{shortened(scenario.name)}” as a scenario", removed=mark)


def display_title(doc: OpenMap) -> str:
    """The map's title, naming the scenario shown if any: for window titles, exports and reports.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False, title="Ward 7")
    >>> command, to_be = create(doc, "to-be"); doc.execute(command); doc.execute(show(doc, to_be))
    >>> display_title(doc)
    'Ward 7 — scenario “to-be”'
    >>> doc.close()
    """
    showing = shown(doc.store)
    title = one_line(doc.title, 100)
    return title if showing is None else f"{title} — scenario “{shortened(showing.name, 60)}”"


def rename(doc: OpenMap, scenario: Scenario, name: str) -> Command:
    """A command renaming ``scenario`` (empty when the name is the same).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False)
    >>> command, scenario = create(doc, "to-be"); doc.execute(command)
    >>> doc.execute(rename(doc, scenario, "to-be: nurse-led discharge"))
    >>> [s.name for s in scenarios(doc.store)], doc.stack.undo_text
    (['to-be: nurse-led discharge'], 'Rename “to-be” to “to-be: nurse-led discharge”')
    >>> doc.close()
    """
    store = doc.store
    name = _checked_name(store, name, keeping=scenario)
    old = frozenset(store.quads(scenario.iri, RDFS.label, None, SCENARIOS_GRAPH))
    new = frozenset({(scenario.iri, RDFS.label, Literal(name), SCENARIOS_GRAPH)})
    label = f"Rename “{shortened(scenario.name, 30)}” to “{shortened(name, 30)}”"
    return Command(label, added=new - old, removed=old - new)


def delete(doc: OpenMap, scenario: Scenario) -> Command:
    """A command deleting ``scenario``; if it is shown, the same step shows the base first.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False)
    >>> command, scenario = create(doc, "to-be"); doc.execute(command)
    >>> doc.execute(show(doc, scenario)); doc.execute(delete(doc, scenario))
    >>> scenarios(doc.store), shown(doc.store), doc.stack.undo_text
    ([], None, 'Delete scenario “to-be”')
    >>> doc.undo(); shown(doc.store).name
    'to-be'
    >>> doc.close()
    """
    store = doc.store
    label = f"Delete scenario “{shortened(scenario.name)}”"
    steps = []
    showing = shown(store)
    if showing is not None and showing.iri == scenario.iri:
        steps.append(show(doc, None))
    gone = [
        *store.quads(scenario.iri, None, None, SCENARIOS_GRAPH),
        *store.quads(None, None, None, scenario.added_graph),
        *store.quads(None, None, None, scenario.removed_graph),
    ]
    steps.append(Command(label, removed=frozenset(gone)))
    done = compose(label, steps)
    # A trial was never part of the map: deleting it, like making it, leaves the map as it was.
    trial = store.contains((scenario.iri, RX.trial, TRIAL, SCENARIOS_GRAPH))  # as the map has it now
    return Command(label, added=done.added, removed=done.removed, view=True) if trial else done


def show(doc: OpenMap, scenario: Scenario | None) -> Command:
    """A view command showing ``scenario`` (None: the base) in the map graph; empty if it is shown already.

    Its label is "Show “NAME”", or "Show the as-is map" for the base. It also drops,
    from the scenario, statements a file made elsewhere lists wrongly (added ones
    the base has, removed ones it lacks), so the scenario is exact while shown.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False)
    >>> show(doc, None).is_empty
    True
    >>> command, scenario = create(doc, "to-be"); doc.execute(command)
    >>> switch = show(doc, scenario)
    >>> switch.label, switch.view, doc.dirty
    ('Show “to-be”', True, True)
    >>> doc.close()
    """
    store = doc.store
    showing = shown(store)
    label = "Show the as-is map" if scenario is None else f"Show “{shortened(scenario.name)}”"
    if (showing.iri if showing else None) == (scenario.iri if scenario else None):
        return Command(label, view=True)
    to_add, to_remove = base_quads(store)
    back = Command(label, added=to_add, removed=to_remove, view=True)
    if scenario is None:
        return back

    def base_has(quad: Quad) -> bool:
        return in_base(store, quad, showing)

    statements = [(q, (q[0], q[1], q[2], scenario.added_graph)) for q in _listed(store, scenario.added_graph)]
    stale = {held for quad, held in statements if base_has(quad)}
    adds = {quad for quad, held in statements if held not in stale}
    statements = [(q, (q[0], q[1], q[2], scenario.removed_graph)) for q in _listed(store, scenario.removed_graph)]
    stale |= {held for quad, held in statements if not base_has(quad)}
    drops = {quad for quad, held in statements if held not in stale}
    forth = Command(label, added=frozenset(adds | {marker(scenario)}), removed=frozenset(drops | stale), view=True)
    return back.then(forth)


def _listed(store: Store, graph) -> list[Quad]:
    return [(s, p, o, DEFAULT_GRAPH) for s, p, o, _ in store.quads(None, None, None, graph)]


__all__ = [
    "SCENARIOS_GRAPH",
    "Scenario",
    "base_quads",
    "create",
    "delete",
    "differences",
    "display_title",
    "find",
    "keep",
    "rename",
    "route",
    "scenarios",
    "show",
    "shown",
    "unreadable",
]
