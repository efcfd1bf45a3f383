"""The map as the exports see it: plain nodes and ties with kind, level, label, colour, shape, position and attributes.

Every export that draws or lists the map (HTML, GraphML, GEXF, CSV, the
images and the report) starts from one :class:`ExportView`, built by
:func:`export_view` from the map's :class:`~explorer.core.projection.Projection`
(what the canvas draws), its :class:`~explorer.core.schema.Schema` (colours,
shapes, level names) and :mod:`explorer.layout.layouts` (positions). It holds only
strings, numbers and booleans, so writers never touch rdflib or the store.

* Node ids are full IRIs (``"_:id"`` for a blank node); positions are scene
  units with y growing downwards, as on the canvas.
* Tie ids are unique: the qualified tie's own IRI, or ``"subject|predicate|object"``
  for a plain triple between two nodes (``|`` cannot occur in an IRI).
* ``attributes`` hold the other values a node or tie carries, named by the
  property's local name (``readiness``, ``pillar``, ``comment`` ...). Numbers
  stay numbers, concepts become their label, several values of one property are
  joined with ``"; "``. Each attribute has one type across the whole map (see
  :attr:`ExportView.node_attribute_types`), which GraphML and GEXF need. A
  name already taken (or reserved) is ``prefix_local``: a tie's own label is
  ``rdfs_label``, a node's types besides its kind are ``rdf_type`` (IRIs), and
  a tie's links to nodes (a task reallocation's ``task``) are the nodes' IRIs,
  so an import can rebuild them.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> view = export_view(doc)
>>> len(view.nodes) > 10, {n.level_name for n in view.nodes} <= {"micro", "meso", "macro"}
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..core.errors import ExplorerError
from ..core.namespaces import RX
from ..core.presentation import (
    HEAT_LEGEND,
    HEAT_NAME,
    HEAT_RANGE,
    HEAT_TOP,
    LEVELS,
    LegendEntry,
    heat_colour,
    heat_strength,
    legend_entries,
    relation_name,
    safe_colour,
    tie_style,
)
from ..core.projection import Projection, node_label
from ..core.schema import schema_of
from ..core.terms import DEFAULT_GRAPH, local_name
from ..core.text import one_line
from ..layout import LAYOUTS
from ..layout.placement import HIERARCHY, layout_input

#: Layout names :func:`export_view` accepts: ``"map"`` (positions as the map stores them,
#: by level for the rest, as the app shows it) and those of :mod:`explorer.layout.layouts`.
EXPORT_LAYOUTS: dict[str, str] = {"map": "As on the map", **LAYOUTS}


# Attribute names the exports use themselves, or that networkx's GEXF writer treats
# specially; a property with one of these local names is exported as prefix_name.
RESERVED = frozenset(
    {
        "id",
        "label",
        "kind",
        "kind_label",
        "level",
        "level_name",
        "colour",
        "shape",
        "x",
        "y",
        "heat",
        "source",
        "target",
        "relation",
        "relation_label",
        "qualified",
        "line_style",
        "key",
        "viz",
        "pid",
        "start",
        "end",
        "parents",
        "slices",
        "spells",
        "type",
        "weight",
        "networkx_key",
    }
)

_TYPE = str(RDF.type)
_SKIPPED = frozenset(
    {
        _TYPE,
        str(RDFS.label),
        str(SKOS.prefLabel),
        str(RX.level),
        str(RX.canvasX),
        str(RX.canvasY),
        str(RX["from"]),
        str(RX.to),
    }
)
# A tie's own label is one of its values (nodes have theirs in their own column).
_TIE_SKIPPED = _SKIPPED - {str(RDFS.label), str(SKOS.prefLabel)}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(
    _XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
)
_REALS = frozenset(_XSD + t for t in ("decimal", "double", "float"))
_BOOLEAN = _XSD + "boolean"


@dataclass(frozen=True)
class ExportNode:
    """One node: ``level`` is 1 micro, 2 meso, 3 macro; ``heat`` the analysis's likelihood of resistance (0–1),
    when given."""

    id: str
    label: str
    kind: str
    kind_label: str
    level: int
    level_name: str
    colour: str
    shape: str
    x: float
    y: float
    attributes: Mapping[str, Any] = field(default_factory=dict)
    heat: float | None = None


@dataclass(frozen=True)
class ExportTie:
    """One tie from ``source`` to ``target``; ``relation`` is the predicate, or the qualified tie's class.

    ``colour``, ``line_style`` and ``width`` are its family's, as the canvas and the legends draw it
    (:func:`explorer.core.presentation.tie_style`); ``family`` names that family ("violates a norm"),
    ``relation_label`` the relation itself.
    """

    id: str
    source: str
    target: str
    relation: str
    relation_label: str
    qualified: bool
    colour: str
    line_style: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    family: str = ""
    width: float = 1.0


@dataclass(frozen=True)
class ExportView:
    """The whole map, ready to write; build with :func:`export_view`.

    Attributes
    ----------
    title : str
        The map's title, or the one the caller gave.
    layout : str
        The layout the positions come from (a key of :data:`EXPORT_LAYOUTS`).
    nodes, ties : tuple
        :class:`ExportNode` and :class:`ExportTie`, in a stable order.
    node_kinds, tie_kinds : tuple of LegendEntry
        The node kinds and tie styles present, for legends, as every legend lists them
        (:func:`explorer.core.presentation.legend_entries`: plain ties share one last entry).
    levels : dict
        Level order -> name from the ontology (1 ``"micro"``, 2 ``"meso"``, 3 ``"macro"``).
    node_attribute_types, tie_attribute_types : dict
        Attribute name -> ``int``, ``float``, ``bool`` or ``str``, in a stable order.
    has_heat : bool
        Whether analysis scores were given.
    """

    title: str
    layout: str
    nodes: tuple
    ties: tuple
    node_kinds: tuple
    tie_kinds: tuple
    levels: dict
    node_attribute_types: dict
    tie_attribute_types: dict
    has_heat: bool = False


#: The options every Qt-free export of this package takes besides the common ones.
EXPORT_OPTIONS = ("layout", "positions")


def check_options(options: Mapping, known: tuple = EXPORT_OPTIONS) -> None:
    """Refuse export options a writer does not know, naming them (a typo must not pass silently).

    Examples
    --------
    >>> check_options({"layout": "levels"})
    >>> check_options({"dpi": 300})
    Traceback (most recent call last):
    ...
    explorer.core.errors.ExplorerError: Unknown export option(s): dpi; this format takes: layout, positions.
    """
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ExplorerError(f"Unknown export option(s): {', '.join(unknown)}; this format takes: {', '.join(known)}.")


def layout_positions(document, layout: str, *, cancelled: Callable[[], bool] | None = None) -> dict:
    """Node IRI (rdflib term) -> ``(x, y)`` for the map under ``layout`` (a key of :data:`EXPORT_LAYOUTS`).

    For writers that take only ``positions`` (the images): the same places
    :func:`export_view` would use.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> places = layout_positions(doc, "hierarchical")
    >>> all(isinstance(k, URIRef) for k in places), len(places) > 10
    (True, True)
    """
    if layout not in EXPORT_LAYOUTS:
        raise ExplorerError(f"Unknown layout {layout!r}; choose one of: {', '.join(EXPORT_LAYOUTS)}.")
    projection = Projection.build(document.store, schema_of(document))
    placed = _positions(projection, layout, None, cancelled)
    return {iri: placed[str(iri)] for iri in projection.nodes if str(iri) in placed}


def _text(term) -> str:
    """An IRI as its string, a blank node as ``"_:id"`` (as :meth:`Store.text_triples` writes them)."""
    return str(term) if isinstance(term, URIRef) else f"_:{term}"


def _value(text: str, kind: int, extra: str):
    """A literal as a Python value (int, float, bool or str); IRIs are handled by the caller."""
    if extra in _INTEGERS:
        try:
            return int(text)
        except ValueError:
            return text
    if extra in _REALS:
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    if extra == _BOOLEAN:
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
    return text


def _merge_type(seen, value) -> type:
    kind = type(value)
    if seen is None or seen is kind:
        return kind
    if {seen, kind} <= {int, float}:
        return float
    return str


class _Attributes:
    """Collects attribute values per entity, names properties, and settles one type per name."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.values: dict[str, dict[str, list]] = {}
        self.predicates: dict[str, None] = {}
        self._prefixes = prefixes

    def add(self, entity: str, predicate: str, value) -> None:
        self.values.setdefault(entity, {}).setdefault(predicate, []).append(value)
        self.predicates.setdefault(predicate)

    def names(self) -> dict[str, str]:
        """Predicate -> attribute name: the local name, or ``prefix_local`` when taken or reserved."""
        by_local: dict[str, list[str]] = {}
        for predicate in self.predicates:
            by_local.setdefault(local_name(predicate), []).append(predicate)
        names = {}
        for local, predicates in by_local.items():
            for predicate in predicates:
                name = local
                if len(predicates) > 1 or local in RESERVED or not local:
                    prefix = next((p for p, ns in self._prefixes.items() if predicate.startswith(ns) and p), "")
                    name = f"{prefix or 'p'}_{local}"
                names[predicate] = name
        # Two namespaces without prefixes could still clash: number them apart.
        used: dict[str, int] = {}
        for predicate, name in names.items():
            count = used.get(name, 0)
            used[name] = count + 1
            if count:
                names[predicate] = f"{name}_{count + 1}"
        return names

    def settle(self) -> tuple[dict[str, dict[str, Any]], dict[str, type]]:
        """Per entity, name -> value; and name -> type, with several values joined into text."""
        names = self.names()
        types: dict[str, type] = {}
        settled: dict[str, dict[str, Any]] = {}
        for entity, by_predicate in self.values.items():
            row = {}
            for predicate, values in by_predicate.items():
                name = names[predicate]
                if len(values) == 1:
                    value = values[0]
                else:
                    value = "; ".join(sorted({str(v) for v in values}))
                row[name] = value
                types[name] = _merge_type(types.get(name), value)
            settled[entity] = row
        for row in settled.values():
            for name, value in row.items():
                wanted = types[name]
                if wanted is float and isinstance(value, int) and not isinstance(value, bool):
                    row[name] = float(value)
                elif wanted is str and not isinstance(value, str):
                    row[name] = str(value).lower() if isinstance(value, bool) else str(value)
        return settled, dict(sorted(types.items()))


def _positions(projection: Projection, layout: str, given: Mapping | None, cancelled) -> dict[str, tuple[float, float]]:
    from ..layout.layouts import compute_layout  # here, not at start: it brings scipy's sparse graphs

    given = {str(k): (float(v[0]), float(v[1])) for k, v in (given or {}).items()}
    if layout == "map":
        stored = {str(iri): (v.x, v.y) for iri, v in projection.nodes.items() if v.x is not None and v.y is not None}
        positions = {**stored, **given}
        if len(positions) < len(projection.nodes):
            nodes, edges = layout_input(projection)
            laid = compute_layout("levels", nodes, edges, seed=0, cancelled=cancelled)
            positions = {**laid, **positions}
        return positions
    nodes, edges = layout_input(projection)
    return {**compute_layout(layout, nodes, edges, seed=0, cancelled=cancelled), **given}


def export_view(
    document,
    *,
    title: str | None = None,
    heat: Mapping | None = None,
    layout: str = "map",
    positions: Mapping | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportView:
    """Read ``document``'s map into an :class:`ExportView`.

    Parameters
    ----------
    document : MapDocument
        The map; its ontology graph gives colours and shapes (the shipped
        ontology is read when the map was opened without one).
    title : str, optional
        Title of the export; the map's own title by default.
    heat : mapping, optional
        Node IRI (str or URIRef) -> the analysis's likelihood of resistance (0–1, drawn on the fixed
        scale of :func:`heat_strength`); values of unknown nodes are ignored.
    layout : str
        A key of :data:`EXPORT_LAYOUTS`. ``"map"`` keeps the positions the map
        stores and places the others by level, as the app does on opening.
    positions : mapping, optional
        Node IRI -> ``(x, y)`` that win over the layout (the app passes the canvas's).
    progress : callable, optional
        ``progress(done, total)`` between steps; may raise to cancel.

    Returns
    -------
    ExportView

    Raises
    ------
    ExplorerError
        If ``layout`` is not known.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.commands import add_node
    >>> doc = MapDocument.new(title="Ward")
    >>> unit = doc.mint_iri(RX.Unit, "ICU")
    >>> doc.execute(add_node(doc.store, unit, RX.Unit, "ICU"))
    >>> view = export_view(doc, heat={unit: 0.5}, layout="levels")
    >>> node = view.nodes[0]
    >>> (view.title, node.label, node.kind_label, node.level_name, node.shape, node.heat)
    ('Ward', 'ICU', 'Unit', 'meso', 'rounded-rectangle', 0.5)
    >>> export_view(doc, layout="spiral")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    explorer.core.errors.ExplorerError: Unknown layout 'spiral';
    choose one of: map, levels, force, hierarchical, circular.
    >>> doc.close()
    """
    if layout not in EXPORT_LAYOUTS:
        raise ExplorerError(f"Unknown layout {layout!r}; choose one of: {', '.join(EXPORT_LAYOUTS)}.")
    steps = 4
    report = progress or (lambda done, total: None)
    report(0, steps)
    schema = schema_of(document)
    projection = Projection.build(document.store, schema)
    report(1, steps)

    node_text = {_text(iri) for iri in projection.nodes}
    node_kind = {_text(iri): str(view.kind) for iri, view in projection.nodes.items()}
    tie_text = {_text(t.tie) for t in projection.ties.values() if t.tie is not None}
    concept_labels: dict[str, str] = {}
    for spec in schema.properties.values():
        for concept in spec.choices:
            concept_labels[str(concept.iri)] = concept.label
    for concept in schema.levels:
        concept_labels[str(concept.iri)] = concept.label
    labels: dict[str, list] = {}
    node_attrs = _Attributes(document.used_prefixes())
    tie_attrs = _Attributes(document.used_prefixes())
    links: list[tuple[_Attributes, str, str, str]] = []
    label_predicates = (str(RDFS.label), str(SKOS.prefLabel))
    for s, p, o, kind, extra in document.store.text_triples(graph=DEFAULT_GRAPH):
        if p in label_predicates and kind == 2:
            labels.setdefault(s, []).append((o, extra if not extra.startswith("http") else ""))
        if s in node_text:
            target = node_attrs
            if p == _TYPE:
                # A second type (a role that is also an opinion leader), as its IRI: the kind has its own column.
                if kind == 0 and o != node_kind[s]:
                    target.add(s, p, o)
                continue
            if p in _SKIPPED:
                continue
        elif s in tie_text:
            target = tie_attrs
            if p in _TIE_SKIPPED:
                continue
        else:
            continue
        if kind == 2:
            target.add(s, p, _value(o, kind, extra))
        elif kind == 0 and o not in node_text:
            # A link to something that is not a node (a concept, an outside resource): its label.
            links.append((target, s, p, o))
        elif kind == 0 and target is tie_attrs:
            # A tie's link to a node (a task reallocation's task): the node's IRI, which an import resolves.
            target.add(s, p, o)
    for target, s, p, o in links:
        name = concept_labels.get(o)
        if name is None and o in labels:
            name = node_label(labels[o], o)
        target.add(s, p, name if name is not None else o)
    report(2, steps)

    def cancelled() -> bool:
        report(2, steps)
        return False

    placed = _positions(projection, layout, positions, cancelled)
    report(3, steps)

    level_names = {c.order: c.label for c in schema.levels if c.order} or dict(LEVELS)
    node_values, node_types = node_attrs.settle()
    tie_values, tie_types = tie_attrs.settle()
    scores = {
        _text(k) if isinstance(k, (URIRef, BNode)) else str(k): float(v)
        for k, v in (heat or {}).items()
        if v is not None and math.isfinite(float(v))
    }
    nodes = []
    for iri, view in projection.nodes.items():
        key = _text(iri)
        kind = schema.kind(view.kind)
        x, y = placed.get(str(iri), (0.0, 0.0))
        nodes.append(
            ExportNode(
                id=key,
                label=view.label,
                kind=str(view.kind),
                kind_label=kind.label if kind is not None else local_name(str(view.kind)),
                level=view.level,
                level_name=level_names.get(view.level, LEVELS.get(view.level, str(view.level))),
                colour=safe_colour(kind.colour if kind is not None else None),
                shape=kind.shape if kind is not None else "rounded-rectangle",
                x=float(x),
                y=float(y),
                attributes=node_values.get(key, {}),
                heat=scores.get(key),
            )
        )
    nodes.sort(key=lambda n: (-n.level, n.kind_label, n.label.casefold(), n.id))

    ties = []
    seen_ids: set[str] = set()
    family_styles: dict = {}  # relation -> its family's style, looked up once per relation
    for tie in projection.ties.values():
        source, target = _text(tie.source), _text(tie.target)
        qualified = tie.tie is not None
        if qualified:
            tie_id = _text(tie.tie)
            attributes = tie_values.get(tie_id, {})
        else:
            # "|" cannot occur in an IRI, so the id splits back into its three parts.
            tie_id = f"{source}|{tie.relation}|{target}"
            attributes = {}
        while tie_id in seen_ids:
            tie_id += "'"
        seen_ids.add(tie_id)
        style = family_styles.get(tie.relation)
        if style is None:
            style = family_styles[tie.relation] = tie_style(schema, tie.relation)
        ties.append(
            ExportTie(
                tie_id,
                source,
                target,
                str(tie.relation),
                relation_name(schema, tie),
                qualified,
                style.colour,
                style.line_style,
                attributes,
                style.label,
                style.width,
            )
        )
    ties.sort(key=lambda t: (t.source, t.relation, t.target, t.id))

    legend = legend_entries(projection, schema)
    view = ExportView(
        title=one_line(title if title is not None else document.title, 500),  # a heading: one line, no controls
        layout=layout,
        nodes=tuple(nodes),
        ties=tuple(ties),
        node_kinds=tuple(e for e in legend if e.section == "node"),
        tie_kinds=tuple(e for e in legend if e.section == "tie"),
        levels=dict(sorted(level_names.items())),
        node_attribute_types=node_types,
        tie_attribute_types=tie_types,
        has_heat=bool(scores) and any(n.heat is not None for n in nodes),
    )
    report(4, steps)
    return view


__all__ = [
    "EXPORT_LAYOUTS",
    "EXPORT_OPTIONS",
    "HEAT_LEGEND",
    "HEAT_NAME",
    "HEAT_RANGE",
    "HEAT_TOP",
    "HIERARCHY",
    "ExportNode",
    "ExportTie",
    "ExportView",
    "LegendEntry",
    "check_options",
    "export_view",
    "heat_colour",
    "heat_strength",
    "layout_input",
    "layout_positions",
    "safe_colour",
]
