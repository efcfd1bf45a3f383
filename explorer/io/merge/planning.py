"""What the steps of one import's planning share: the map read once, the file's rows as records, what went wrong.

:func:`~explorer.io.merge.plan.plan_import` plans an import in steps:
:mod:`~explorer.io.merge.reader` reads the rows in as :class:`Record` objects,
:mod:`~explorer.io.merge.matcher` finds the nodes of the map (or of the file)
that rows and cells name, and :mod:`~explorer.io.merge.builder` writes the
quads. They share one :class:`Planning`: the map's nodes read once
(:class:`MapIndex`), the records and how to find them, the :class:`Problem`
list, and lookups the steps repeat thousands of times (a kind by its cell, a
value coerced), each remembered.

Examples
--------
>>> print(Problem(4, "Name", "the name is empty"))
row 4, column “Name”: the name is empty (row not imported)
>>> print(Problem(7, "Workload", "workload must be a number; x is not", skipped=False))
row 7, column “Workload”: workload must be a number; x is not (value left out)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ...core.namespaces import RX
from ...core.schema import Kind, PropertySpec, Schema
from ...core.terms import DEFAULT_GRAPH, local_name
from ..tables import ImportSource, Table, cell_text
from .mapping import Mapping
from .names import all_relations, allowed_relations, expand, find_kind, name_key, node_kinds, norm, show

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """Something in one row (or edge) that could not be imported.

    ``skipped`` is True when the whole row was left out, False when only this
    value was (the rest of the row was imported).
    """

    row: int | None
    column: str | None
    message: str
    skipped: bool = True
    noun: str = "row"

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"{self.noun} {self.row}")
        if self.column:
            where.append(f"column “{show(self.column, 60)}”")
        tail = f" ({self.noun} not imported)" if self.skipped else " (value left out)"
        return f"{', '.join(where)}: {self.message}{tail}" if where else self.message + tail


class Record:
    """One node row while planning."""

    __slots__ = (
        "action",
        "display",
        "identifier",
        "iri",
        "kind",
        "labels",
        "level",
        "matched",
        "name",
        "new_iri_hint",
        "row",
        "values",
    )

    def __init__(self, row: int, name: str, kind: Kind) -> None:
        self.row = row
        self.name = name
        self.kind = kind
        self.identifier: str | None = None
        self.iri: URIRef | None = None  # the node's IRI once known
        self.matched = False  # True: an existing node of the map
        self.values: dict = {}  # predicate -> list of values (terms, or Record references)
        self.labels: dict = {}  # target -> display text, for the preview
        self.action = "new"
        self.new_iri_hint: URIRef | None = None
        self.level = None


@dataclass(frozen=True)
class Merge:
    """A name in the file taken as a node of another spelling ("Nurses" as the map's "Nurse"), said to the user.

    ``existing`` is True when the node is on the map already, False when the import makes it (from an
    earlier row's spelling).

    Examples
    --------
    >>> print(Merge("Nurses", "Nurse", "professional group", True).note)
    “Nurses” was taken as the existing professional group “Nurse”.
    """

    spelling: str
    name: str
    kind: str
    existing: bool

    @property
    def note(self) -> str:
        """The merge as a plan note, in the past tense (what the import did)."""
        made = "existing" if self.existing else "new"
        return f"“{show(self.spelling)}” was taken as the {made} {self.kind} “{show(self.name)}”."


class Miss(str):
    """Why a reference could not be resolved (a distinct type: an IRI is a str too)."""


class Created:
    """A unit or profession named in rows but not found: created once."""

    __slots__ = ("iri", "kind", "name")

    def __init__(self, name: str, kind: Kind) -> None:
        self.name, self.kind, self.iri = name, kind, None


def term_of(value):
    """A value's RDF term now (None for a node not yet minted)."""
    if isinstance(value, (Record, Created)):
        return value.iri
    return value


def cell(table: Table, cells: tuple, column: str | None) -> str:
    """The text of ``column`` in a row's ``cells``, stripped ("" when there is no such column)."""
    if column is None:
        return ""
    try:
        index = table.columns.index(column)
    except ValueError:
        return ""
    return cell_text(cells[index]).strip() if index < len(cells) else ""


class MapIndex:
    """The map's nodes by IRI, name and identifier, read once."""

    def __init__(self, store, schema: Schema) -> None:
        types: dict[str, list] = {}
        for s, _, o, kind, _ in store.text_triples(None, RDF.type, None, DEFAULT_GRAPH):
            if kind == 0 and not s.startswith("_:"):
                types.setdefault(s, []).append(URIRef(o))
        self.kind: dict[str, Kind] = {}
        for s, found in types.items():
            kind = schema.kind_of(found)
            if kind is not None and not kind.is_tie:
                self.kind[s] = kind
        self.label: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        for s, _, o, kind, _ in store.text_triples(None, RDFS.label, None, DEFAULT_GRAPH):
            if kind == 2 and s in self.kind and s not in self.label:
                self.label[s] = o
                self.by_name.setdefault(name_key(o), []).append(s)
        self.by_identifier: dict[str, list[str]] = {}
        for s, _, o, kind, _ in store.text_triples(None, DCTERMS.identifier, None, DEFAULT_GRAPH):
            if kind == 2 and s in self.kind:
                self.by_identifier.setdefault(o.strip(), []).append(s)
        self.subjects = types.keys()


class Planning:
    """One import being planned: its inputs, the map read once, and what the steps have found so far.

    Attributes
    ----------
    index : MapIndex
        The map's nodes, read when planning starts.
    records : list of Record
        The node rows read (step 1), in file order; rows left out are in ``skipped_rows``.
    by_identifier, by_name : dict
        The records by identifier, and by :func:`~explorer.io.merge.names.name_key` of their name.
    created : dict
        ``(name key, kind IRI)`` -> :class:`Created`: units and professions the rows name but nobody holds.
    problems : list of Problem
        Everything left out so far.
    fresh : set
        IRIs the import mints (new nodes and qualified ties): every quad about them is new.
    """

    def __init__(self, doc, source: ImportSource, mapping: Mapping, schema: Schema, progress: Progress | None) -> None:
        self.doc = doc
        self.store = doc.store
        self.source = source
        self.mapping = mapping
        self.schema = schema
        self.progress = progress
        self.index = MapIndex(doc.store, schema)
        self.kinds = node_kinds(schema)
        self.relations = all_relations(schema)
        self.problems: list[Problem] = []
        self.records: list[Record] = []
        self.skipped_rows: dict[int, str] = {}
        self.by_identifier: dict[str, Record] = {}
        self.by_name: dict[str, list[Record]] = {}
        self.created: dict[tuple, Created] = {}
        self.conflicts = 0
        self.fresh: set = set()
        self.notes: list = list(source.notes)
        #: Professional groups by :func:`~explorer.io.merge.names.group_key` (built when first needed), and
        #: the merges so far, by ``(spelling, name)``.
        self.by_group: dict | None = None
        self.merged: dict[tuple, Merge] = {}
        #: Names and identifiers of the rows left out (built when a reference first needs them).
        self.skipped_names: dict | None = None
        #: ``(column, tie kind)`` -> the tie attribute an edge column gives, or None.
        self.tie_specs: dict = {}
        #: ``(relation, chosen)`` -> {the file's type ("" for none): edges}: edges whose type the ontology
        #: lacks, or that name none, imported as ``relation`` (chosen by the person, or the general tie).
        self.foreign: dict = {}
        #: Edge columns that gave a value to some tie.
        self.edge_columns_used: set = set()
        #: Column -> property of its own, for the columns kept with ``mapping.keep_columns``; ``described``
        #: holds the quads that describe the new ones.
        self.kept: dict = {}
        self.described: list = []
        if mapping.keep_columns:
            self._keep_columns()
        self.steps = len(source.nodes.rows) * 2 + (len(source.edges.rows) if source.edges is not None else 0)
        self._done = 0
        self._allowed: dict = {}
        self._kinds_by_text: dict = {}
        self._coerced: dict = {}
        self._concepts: dict = {}

    def _keep_columns(self) -> None:
        """A property for each column nothing else reads that has a value: the map's own by that label, else new.

        A new one is minted in the map's namespace and described (``rdf:Property``, its label, where it came
        from), so a second import of the file fills the same property.
        """
        from .mapping import unused_columns

        table = self.source.nodes
        wanted = [
            c
            for c in unused_columns(self.source, self.mapping)
            if any(cell(table, cells, c) for _, cells in table.rows)
        ]
        if not wanted:
            return
        existing: dict = {}
        for prop, _, _, _ in self.store.quads(None, RDF.type, RDF.Property, DEFAULT_GRAPH):
            for _, _, label, _ in self.store.quads(prop, RDFS.label, None, DEFAULT_GRAPH):
                existing.setdefault(name_key(str(label)), prop)
        g = DEFAULT_GRAPH
        for column in wanted:
            prop = existing.get(name_key(column))
            if prop is None:
                prop = self.doc.mint_iri(RDF.Property, column)
                self.fresh.add(prop)
                self.described += [
                    (prop, RDF.type, RDF.Property, g),
                    (prop, RDFS.label, Literal(column), g),
                    (
                        prop,
                        RDFS.comment,
                        Literal(
                            f"The column “{column}” of {self.source.name}, kept by the import: "
                            "no property of the ontology matched it."
                        ),
                        g,
                    ),
                ]
            self.kept[column] = prop

    def tick(self, count: int = 1) -> None:
        """Count a row done, and report progress every 500."""
        self._done += count
        if self.progress is not None and self._done % 500 == 0:
            self.progress(self._done, self.steps)

    def problem(self, row, column, message, *, skipped=True, noun=None) -> None:
        """Note a problem with ``row`` (a node row unless ``noun`` says otherwise)."""
        self.problems.append(Problem(row, column, message, skipped, noun or self.source.nodes.noun))

    def skip(self, number: int, column, message: str) -> None:
        """Leave node row ``number`` out, saying why."""
        self.problem(number, column, message)
        self.skipped_rows[number] = message

    def kind_for(self, text: str) -> Kind | None:
        """The node kind a kind cell names, through the mapping's ``kinds`` first."""
        text = text.strip()
        if text in self._kinds_by_text:
            return self._kinds_by_text[text]
        mapped = self.mapping.kind_values.get(norm(text))
        kind = self.schema.kind(mapped) if mapped is not None else find_kind(self.schema, text)
        if len(self._kinds_by_text) < 10_000:
            self._kinds_by_text[text] = kind
        return kind

    def coerce(self, prop, text: str):
        """:meth:`Schema.coerce`, remembered: the same few values recur down a column."""
        key = (prop, text)
        found = self._coerced.get(key)
        if found is None:
            try:
                found = self.schema.coerce(prop, text)
            except ValueError as err:
                found = Miss(str(err))
            if len(text) < 200 and len(self._coerced) < 100_000:
                self._coerced[key] = found
        if isinstance(found, Miss):
            raise ValueError(str(found))
        return found

    def concept(self, spec: PropertySpec, text: str):
        """The IRI of the choice of ``spec`` that ``text`` names (label, local name or IRI; a level by number too)."""
        key = (spec.iri, text)
        if key not in self._concepts:
            self._concepts[key] = self._find_concept(spec, text)
        return self._concepts[key]

    def _find_concept(self, spec: PropertySpec, text: str):
        text = text.strip()
        iri = expand(text)
        key = norm(text)
        for concept in spec.choices:
            if (iri is not None and str(concept.iri) == iri) or key in (
                norm(concept.label),
                norm(local_name(concept.iri)),
            ):
                return concept.iri
        if spec.iri == RX.level:
            for concept in self.schema.levels:
                if key in (norm(concept.label), norm(local_name(concept.iri)), str(concept.order)):
                    return concept.iri
        return None

    def allowed(self, source_kind: Kind, predicate, target_kind: Kind) -> bool:
        """Whether the ontology has ``predicate`` from a ``source_kind`` node to a ``target_kind`` node."""
        return predicate in self.allowed_between(source_kind, target_kind)

    def allowed_between(self, source_kind: Kind, target_kind: Kind) -> frozenset:
        """:func:`~explorer.io.merge.names.allowed_relations` of the two kinds, remembered."""
        key = (source_kind.iri, target_kind.iri)
        found = self._allowed.get(key)
        if found is None:
            found = self._allowed[key] = allowed_relations(self.schema, *key)
        return found


__all__ = ["Created", "MapIndex", "Merge", "Miss", "Planning", "Problem", "Progress", "Record", "cell", "term_of"]
