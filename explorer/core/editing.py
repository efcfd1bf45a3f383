"""Map edits as the canvas makes them: place a node, tie two nodes, move, delete, copy and paste.

Each function returns one :class:`~explorer.core.commands.Command` (so one undo
step) built against the current store; run it with
:meth:`~explorer.core.document.MapDocument.execute`.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.schema import Schema
>>> doc = MapDocument.new(); schema = Schema.from_store(doc.store)
>>> command, icu = create_node(doc, schema, RX.Unit, "ICU", position=(10, 20))
>>> doc.execute(command)
>>> command, ward = create_node(doc, schema, RX.Unit, "Ward 3")
>>> doc.execute(command)
>>> relation = next(r for r in schema.relations_between(RX.Unit, RX.Unit) if r.iri == RX.lateralSupport)
>>> doc.execute(connect(doc, schema, icu, ward, relation)[0])
>>> doc.execute(delete_items(doc.store, nodes=[ward]))
>>> list(doc.store.quads(None, RX.lateralSupport, None))
[]
>>> doc.close()
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .commands import Command, description, diff
from .errors import CommandError
from .namespaces import RX
from .schema import Relation, Schema
from .terms import DEFAULT_GRAPH, normalise_quads
from .text import shortened

#: Media type of the clipboard fragment the canvas copies (N-Triples text).
CLIPBOARD_MIME = "application/n-triples"

_POSITION = (RX.canvasX, RX.canvasY)


def position_literal(value: float) -> Literal:
    """A canvas coordinate as an ``xsd:decimal`` rounded to a tenth of a scene unit.

    Examples
    --------
    >>> position_literal(12.345)
    rdflib.term.Literal('12.3', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    >>> str(position_literal(120.0)), str(position_literal(-0.01))
    ('120', '0')
    """
    number = Decimal(f"{float(value):.1f}")
    # Written the way Oxigraph stores decimals ("120", not "120.0"), so the store keeps
    # no rewritten copy of it to look through on every query.
    if number == number.to_integral_value():
        number = Decimal(int(number))
    return Literal(number, datatype=XSD.decimal)


def rename_label(old: str, new: str) -> str:
    """The History entry of a rename, naming the node before and after (the one wording every editor uses).

    Examples
    --------
    >>> rename_label("New unit", "Ward 7")
    'Rename “New unit” to “Ward 7”'
    >>> rename_label("Ward 7\\n(north wing)", "Ward 7")
    'Rename “Ward 7 (north wing)” to “Ward 7”'
    """
    return f"Rename “{shortened(old, 30)}” to “{shortened(new, 30)}”"


def create_node(
    doc, schema: Schema, kind: URIRef, label: str, *, position=None, level: URIRef | None = None
) -> tuple[Command, URIRef]:
    """A new node of ``kind`` named ``label`` (optionally placed at ``position`` and given a ``level``).

    Returns the command and the minted IRI.
    """
    if schema.kind(kind) is None:
        raise CommandError(f"The ontology has no kind {kind}.")
    label = label.strip() or schema.kind(kind).label
    iri = doc.mint_iri(kind, label)
    quads = [(iri, RDF.type, kind, DEFAULT_GRAPH), (iri, RDFS.label, Literal(label), DEFAULT_GRAPH)]
    if level is not None:
        quads.append((iri, RX.level, level, DEFAULT_GRAPH))
    if position is not None:
        quads += [
            (iri, RX.canvasX, position_literal(position[0]), DEFAULT_GRAPH),
            (iri, RX.canvasY, position_literal(position[1]), DEFAULT_GRAPH),
        ]
    return diff(doc.store, f"Add {schema.kind(kind).label.lower()} {shortened(label)}", added=quads), iri


def connect(doc, schema: Schema, source: URIRef, target: URIRef, relation: Relation) -> tuple[Command, tuple]:
    """Tie ``source`` to ``target`` by ``relation``; returns the command and the key of the new tie.

    A plain relation adds one triple; a qualified one adds a tie node with
    ``rx:from`` and ``rx:to``. Refuses relations the ontology does not allow
    between the two kinds.
    """
    kinds, ends = [], (source, target)
    for node in ends:
        kind = schema.kind_of(o for _, _, o, _ in doc.store.quads(node, RDF.type, None))
        if kind is None:
            raise CommandError(f"{node} is not a node of the map.")
        kinds.append(kind)
    allowed = schema.relations_between(kinds[0].iri, kinds[1].iri)
    if relation.iri not in {r.iri for r in allowed}:
        raise CommandError(
            f"The ontology does not allow “{relation.label}” "
            f"from a {kinds[0].label.lower()} to a {kinds[1].label.lower()}."
        )
    names = [shortened(next((str(o) for _, _, o, _ in doc.store.quads(n, RDFS.label, None)), ""), 30) for n in ends]
    label = f"Tie “{names[0]}” {relation.phrase} “{names[1]}”"
    if not relation.qualified:
        quad = (source, relation.iri, target, DEFAULT_GRAPH)
        command = diff(doc.store, label, added=[quad])
        if command.is_empty:
            raise CommandError("These two nodes are already tied that way.")
        return command, ("triple", source, relation.iri, target)
    tie = doc.mint_iri(relation.iri, relation.label)
    quads = [
        (tie, RDF.type, relation.iri, DEFAULT_GRAPH),
        (tie, RX["from"], source, DEFAULT_GRAPH),
        (tie, RX.to, target, DEFAULT_GRAPH),
    ]
    return diff(doc.store, label, added=quads), ("tie", tie)


def position_quads(positions: dict) -> list:
    """``{iri: (x, y)}`` as ``rx:canvasX``/``rx:canvasY`` quads (for writing positions that are not edits)."""
    return [
        (node, predicate, position_literal(value), DEFAULT_GRAPH)
        for node, xy in positions.items()
        for predicate, value in zip(_POSITION, xy)
    ]


def move_nodes(store, positions: dict, *, label: str | None = None) -> Command:
    """Put nodes at new canvas ``positions`` (``{iri: (x, y)}``): one undo step however many move."""
    added, removed = [], []
    for node, (x, y) in positions.items():
        for predicate, value in zip(_POSITION, (x, y)):
            removed.extend(store.quads(node, predicate, None, DEFAULT_GRAPH))
            added.append((node, predicate, position_literal(value), DEFAULT_GRAPH))
    if label is None:
        label = "Move node" if len(positions) == 1 else f"Move {len(positions)} nodes"
    return diff(store, label, added=added, removed=removed)


def delete_items(store, *, nodes: Iterable = (), ties: Iterable = (), label: str | None = None) -> Command:
    """Delete ``nodes`` and ``ties`` (keys from :class:`~explorer.core.projection.Projection`).

    A node goes with every statement about it, every tie at it and the
    qualified ties naming it.
    """
    nodes, ties = list(nodes), list(ties)
    removed = []
    doomed_ties = set()
    for node in nodes:
        removed.extend(description(store, node))
        for s, p, o, g in store.quads(None, None, node, DEFAULT_GRAPH):
            removed.append((s, p, o, g))
            if p in (RX["from"], RX.to):
                doomed_ties.add(s)
    for key in ties:
        if key[0] == "triple":
            removed.append((key[1], key[2], key[3], DEFAULT_GRAPH))
        else:
            doomed_ties.add(key[1])
    for tie in doomed_ties:
        removed.extend(description(store, tie))
        removed.extend(store.quads(None, None, tie, DEFAULT_GRAPH))
    if label is None:
        count = len(nodes) + len(ties)
        label = "Delete" if count == 0 else f"Delete {count} item{'s' if count != 1 else ''}"
    return diff(store, label, removed=removed)


def copy_fragment(store, nodes: Iterable) -> str:
    """The selected nodes, the ties among them and their qualified ties, as N-Triples text for the clipboard."""
    nodes = set(nodes)
    graph = rdflib.Graph()
    for node in nodes:
        for s, p, o, _ in description(store, node):
            if isinstance(o, URIRef) and p != RDF.type and _is_node(store, o) and o not in nodes:
                continue  # a tie to a node left behind
            graph.add((s, p, o))
    for node in nodes:
        for tie, _, _, _ in store.quads(None, RX["from"], node, DEFAULT_GRAPH):
            ends = {o for _, _, o, _ in store.quads(tie, RX.to, None, DEFAULT_GRAPH)}
            if ends and ends <= nodes:
                for s, p, o, _ in description(store, tie):
                    graph.add((s, p, o))
    return graph.serialize(format="nt")


def _is_node(store, iri) -> bool:
    return any(True for _ in store.quads(iri, RDF.type, None, DEFAULT_GRAPH))


def paste_fragment(doc, text: str, *, offset=(40.0, 40.0), label: str = "Paste") -> tuple[Command, list]:
    """Add a copied fragment as new nodes (fresh IRIs, positions shifted by ``offset``).

    Returns the command and the IRIs of the pasted nodes that have a position
    or a label (the ones to select). Raises :class:`CommandError` if ``text``
    is not a fragment.
    """
    if len(text) > 50_000_000:
        raise CommandError("The clipboard holds more than 50 MB; paste a smaller selection.")
    graph = rdflib.Graph()
    try:
        graph.parse(data=text, format="nt")
    except Exception as error:  # noqa: BLE001 - rdflib raises many types for bad N-Triples
        raise CommandError(f"The clipboard does not hold map items: {error}") from None
    if len(graph) == 0:
        raise CommandError("The clipboard holds no map items.")
    subjects = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    renamed = {}
    for subject in sorted(subjects):
        kind = next((o for o in graph.objects(subject, RDF.type) if isinstance(o, URIRef)), RX.Routine)
        name = graph.value(subject, RDFS.label)
        renamed[subject] = doc.mint_iri(kind, str(name) if name is not None else None)
    bnodes = {}
    added = []

    def fresh(term):
        if isinstance(term, URIRef):
            return renamed.get(term, term)
        if isinstance(term, BNode):
            return bnodes.setdefault(term, BNode())
        return term

    for s, p, o in graph:
        if not (s in renamed or isinstance(s, BNode)):
            continue  # only the copied nodes' own statements: never edit nodes already on the map
        if p in _POSITION:
            try:
                number = float(o)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(number) or abs(number) > 1e7:
                continue
            o = position_literal(number + offset[0 if p == RX.canvasX else 1])
        added.append((fresh(s), p, fresh(o), DEFAULT_GRAPH))
    pasted = [renamed[s] for s in renamed if (s, RX["from"], None) not in graph]
    return diff(doc.store, label, added=added), pasted


def _words(iri) -> str:
    """``…#InfluenceTie`` as ``influence tie`` (a label for an IRI minted without a schema at hand)."""
    name = re.split(r"[#/]", str(iri).rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower() or "tie"


def edit_command(doc, edit, *, label: str) -> tuple[Command, dict]:
    """One undoable command from an edit ``(("add" | "remove" | "set", subject, predicate, object), ...)``.

    The change analysis proposes its levers as such edits (rdflib terms). A
    blank node that is the subject of an ``add`` and not in the map stands for
    a new node (a qualified tie): it gets one freshly minted IRI, the same in
    every statement of the edit that names it. ``set`` replaces every value of
    the predicate on the subject. Literals are written as given.

    Returns the command and ``{blank node: minted IRI}``. Raises
    :class:`CommandError` when the edit no longer fits the map (a node it names
    is gone, a statement it removes is not there) or changes nothing.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False)
    >>> a, b = URIRef("urn:x:a"), URIRef("urn:x:b")
    >>> doc.store.apply(added=[(a, RDF.type, RX.Role, DEFAULT_GRAPH), (b, RDF.type, RX.Role, DEFAULT_GRAPH)])
    >>> tie = BNode()
    >>> command, minted = edit_command(doc, [("add", tie, RDF.type, RX.InfluenceTie), ("add", tie, RX["from"], a),
    ...                                      ("add", tie, RX.to, b)], label="Apply lever")
    >>> len(command.added), isinstance(minted[tie], URIRef), {q[0] for q in command.added} == {minted[tie]}
    (3, True, True)
    >>> doc.close()
    """
    store = doc.store
    new: dict = {}
    subjects_added = {s for op, s, _, _ in edit if op == "add" and isinstance(s, BNode)}
    kinds = {s: o for op, s, p, o in edit if op == "add" and p == RDF.type and s in subjects_added}

    def exists(term) -> bool:
        return next(iter(store.quads(term, None, None, DEFAULT_GRAPH)), None) is not None

    for node in sorted(subjects_added, key=str):
        if not exists(node):
            kind = kinds.get(node)
            if not isinstance(kind, URIRef):
                raise CommandError("The edit adds a tie without saying what kind of tie it is.")
            new[node] = doc.mint_iri(kind, _words(kind))

    def term(value):
        return new.get(value, value)

    added, removed = [], []
    for step in edit:
        try:
            op, s, p, o = step
        except (TypeError, ValueError):
            raise CommandError(f"Not an edit step: {step!r}.") from None
        s, o = term(s), term(o)
        if not (isinstance(s, (URIRef, BNode)) and isinstance(p, URIRef) and isinstance(o, (URIRef, BNode, Literal))):
            raise CommandError(f"Not a statement the map can hold: {s!r} {p!r} {o!r}.")
        if s not in new.values() and not exists(s):
            raise CommandError(f"The map no longer has {s}: run the analysis again.")
        if p in (RX["from"], RX.to) and isinstance(o, (URIRef, BNode)) and not exists(o):
            raise CommandError(f"The map no longer has {o}: run the analysis again.")
        quad = (s, p, o, DEFAULT_GRAPH)
        if op == "add":
            added.append(quad)
        elif op == "remove":
            if not all(store.contains(q) for q in normalise_quads([quad])):
                raise CommandError("The map no longer holds a statement this edit removes: run the analysis again.")
            removed.append(quad)
        elif op == "set":
            removed.extend(store.quads(s, p, None, DEFAULT_GRAPH))
            added.append(quad)
        else:
            raise CommandError(f"Unknown edit step {op!r} (add, remove or set).")
    command = diff(store, label, added=added, removed=removed)
    if command.is_empty:
        raise CommandError("The map already holds this edit: nothing to change.")
    return command, new
