"""What the ontology says the map may hold, read once from the ontology graph.

The canvas, the palette and the inspector never hard-code kinds or properties:
they ask a :class:`Schema` for the kinds of node and tie (with their colour,
shape and palette place from ``presentation.ttl``), the properties a kind shows
in the inspector (with their scales and SKOS choices), the relations the
ontology allows between two kinds, and how to turn what a user typed into a
well-typed RDF value.

Examples
--------
>>> from explorer.core.document import MapDocument
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> doc = MapDocument.new()
>>> schema = Schema.from_store(doc.store)
>>> schema.kinds[RX.Routine].label, schema.kinds[RX.Routine].shape
('Routine', 'rounded-rectangle')
>>> [r.label for r in schema.relations_between(RX.Routine, RX.Routine)][:3]
['interdependent with', 'Interdependency']
>>> doc.close()
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from .document import ONTOLOGY_GRAPH
from .namespaces import RX
from .resources import ontology_files
from .store import EmbeddedStore
from .terms import local_name
from .text import one_line

_DCT_SOURCE = URIRef("http://purl.org/dc/terms/source")
_DCT_DATE = URIRef("http://purl.org/dc/terms/date")
_FALLBACK_COLOUR = "#8A95A5"

_QUOTED = 30  # characters of a refused value an error message quotes
#: The longest text value the inspector accepts (a comment, a note), in characters.
MAX_TEXT = 100_000
#: The longest name (``rdfs:label``) a person may type for a node or tie, in characters. Quick add,
#: the canvas's name box, the inspector and the node table all refuse a longer one through
#: :meth:`Schema.coerce`; a name read from a file is kept whole.
MAX_NAME = 200
#: Most digits before or after the point a number may have (Decimal keeps 28 significant digits exactly).
MAX_NUMBER_DIGITS = 28
#: Longest number as written (28 digits with sign, point and exponent).
MAX_NUMBER_CHARS = 40


@dataclass(frozen=True)
class Concept:
    """A SKOS concept offered as a value (a level, a pillar, an interdependence type)."""

    iri: URIRef
    label: str
    order: int = 0
    definition: str = ""


@dataclass(frozen=True)
class Kind:
    """A class of node (Routine, Unit, ...) or of qualified tie (Interdependency, ...)."""

    iri: URIRef
    label: str
    comment: str = ""
    colour: str = _FALLBACK_COLOUR
    shape: str = "rounded-rectangle"
    line_style: str = "solid"
    group: URIRef | None = None
    group_label: str = ""
    group_order: int = 99
    order: int = 99
    default_level: URIRef | None = None
    ancestors: frozenset = frozenset()
    inspector: tuple = ()
    is_tie: bool = False

    @property
    def in_palette(self) -> bool:
        """Whether the palette offers this kind (abstract kinds and flags have no palette group)."""
        return self.group is not None


@dataclass(frozen=True)
class TieFamily:
    """A family of relations drawn alike (a concept of ``rx:TieFamilyScheme`` in ``presentation.ttl``).

    ``label`` is the family's name in plain words, as the legend says it;
    ``width`` the line's width in canvas units.
    """

    iri: URIRef | None
    label: str
    comment: str = ""
    colour: str = _FALLBACK_COLOUR
    line_style: str = "solid"
    width: float = 1.6
    order: int = 99


@dataclass(frozen=True)
class PropertySpec:
    """How the inspector shows and checks one property.

    ``widget`` is one of ``"text"``, ``"multiline"``, ``"decimal"``, ``"integer"``,
    ``"date"``, ``"datetime"``, ``"choice"`` (values from a SKOS scheme),
    ``"link"`` (another node of the map) or ``"source"`` (a source record or a
    citation).
    """

    iri: URIRef
    label: str
    comment: str = ""
    widget: str = "text"
    datatype: URIRef | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: The scale's value that says nothing either way (``rx:neutralValue``):
    #: what the analysis assumes when it is missing.
    neutral: float | None = None
    choices: tuple = ()
    domain: frozenset = frozenset()
    range: frozenset = frozenset()
    single: bool = True
    symmetric: bool = False


@dataclass(frozen=True)
class Relation:
    """A way to tie a source node to a target node.

    ``qualified`` relations are made as a node of the tie class ``iri`` with
    ``rx:from`` and ``rx:to``; the others are one triple with predicate ``iri``.
    """

    iri: URIRef
    label: str
    comment: str = ""
    qualified: bool = False
    #: How the tie menu says it, in plain words (``rx:menuLabel``); empty: the label.
    words: str = ""

    @property
    def phrase(self) -> str:
        """The relation as a sentence between two names says it: its menu label, else its label."""
        return self.words or self.label


@dataclass(frozen=True)
class MenuHint:
    """How the tie menu offers one relation (``presentation.ttl``): its words, place, details tie and pairs."""

    words: str = ""
    order: int = 99
    details: URIRef | None = None
    pairs: tuple = ()


@dataclass
class Schema:
    """The kinds, properties and relations of the ontology; build with :meth:`from_store`."""

    kinds: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)
    levels: tuple = ()
    _object_properties: tuple = ()
    #: Every SKOS concept of the ontology (levels, pillars, modes, constructs...) by IRI: its label.
    concept_labels: dict = field(default_factory=dict)
    #: The tie families (``rx:TieFamilyScheme``) in order, and each relation's family (``rx:tieFamily``) by IRI.
    tie_families: tuple = ()
    family_of: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ reading
    @classmethod
    def from_store(cls, store, graph=ONTOLOGY_GRAPH) -> Schema:
        """Read the ontology graph of ``store`` (loaded by :class:`~explorer.core.document.MapDocument`)."""
        reader = _Reader(store, graph)
        return reader.schema()

    # ------------------------------------------------------------------- kinds
    def kind(self, iri) -> Kind | None:
        """The kind ``iri``, or None when the ontology does not know it."""
        return self.kinds.get(iri)

    def kind_of(self, types: Iterable) -> Kind | None:
        """The most specific known kind among a node's ``rdf:type`` values.

        Examples
        --------
        >>> s = Schema(kinds={RX.Actor: Kind(RX.Actor, "Actor", ancestors=frozenset({RX.Actor})),
        ...                   RX.Role: Kind(RX.Role, "Role", ancestors=frozenset({RX.Role, RX.Actor}))})
        >>> s.kind_of([RX.Actor, RX.Role]).label
        'Role'
        """
        known = [self.kinds[t] for t in types if t in self.kinds]
        if not known:
            return None
        # Palette kinds win over flags (a Person who is also a HybridLeader is drawn as a Person).
        return max(known, key=lambda k: (k.in_palette, len(k.ancestors), str(k.iri)))

    def is_a(self, kind, cls) -> bool:
        """Whether ``kind`` is ``cls`` or one of its subclasses."""
        known = self.kinds.get(kind)
        return kind == cls or (known is not None and cls in known.ancestors)

    def palette(self, *, ties: bool = False) -> list[tuple[str, list[Kind]]]:
        """Palette sections in order: ``[(group label, [kinds in order])]``.

        The sections hold node kinds, or tie kinds with ``ties=True``.
        """
        groups: dict = {}
        for kind in self.kinds.values():
            if kind.in_palette and kind.is_tie == ties:
                groups.setdefault((kind.group_order, kind.group_label), []).append(kind)
        return [
            (label, sorted(kinds, key=lambda k: (k.order, k.label))) for (_, label), kinds in sorted(groups.items())
        ]

    # ------------------------------------------------------------------ levels
    def level_order(self, level) -> int:
        """``rx:order`` of a level concept (micro 1, meso 2, macro 3); 0 when unknown."""
        for concept in self.levels:
            if concept.iri == level:
                return concept.order
        return 0

    def level_of(self, kind: Kind | None, level=None):
        """The level IRI of a node: its own ``rx:level`` if given, else its kind's default, else meso."""
        if level is not None and self.level_order(level):
            return level
        if kind is not None and kind.default_level is not None:
            return kind.default_level
        return RX.meso

    # -------------------------------------------------------------- properties
    def property(self, iri) -> PropertySpec:
        """How to show ``iri``; unknown properties are shown as text."""
        spec = self.properties.get(iri)
        if spec is None:
            spec = PropertySpec(iri, local_name(iri), single=False)
        return spec

    def inspector(self, kind: Kind | None) -> list[PropertySpec]:
        """The properties the inspector shows for ``kind``, in the ontology's order."""
        if kind is None or not kind.inspector:
            return [self.property(RDFS.label), self.property(RDFS.comment)]
        return [self.property(p) for p in kind.inspector]

    def relations_between(self, source_kind, target_kind) -> list[Relation]:
        """The relations the ontology allows from a node of ``source_kind`` to one of ``target_kind``.

        Plain object properties whose domain admits the source and range admits
        the target come first (in label order), then qualified ties whose
        ``rx:from``/``rx:to`` restrictions admit them.
        """
        plain = [
            Relation(spec.iri, spec.label, spec.comment)
            for spec in self._object_properties
            if self.admits(spec.domain, source_kind) and self.admits(spec.range, target_kind)
        ]
        qualified = [
            Relation(kind.iri, kind.label, kind.comment, qualified=True)
            for kind in sorted(self.kinds.values(), key=lambda k: (k.order, k.label))
            if kind.is_tie
            and kind.in_palette
            and self.admits(self.tie_ends(kind.iri)[0], source_kind)
            and self.admits(self.tie_ends(kind.iri)[1], target_kind)
        ]
        return sorted(plain, key=lambda r: r.label.casefold()) + qualified

    def admits(self, classes, kind) -> bool:
        """Whether a node of ``kind`` fits a domain or range ``classes`` (empty: anything fits)."""
        if not classes:
            return True
        known = self.kinds.get(kind)
        ancestors = known.ancestors if known is not None else frozenset({kind})
        return any(c in ancestors for c in classes)

    _tie_ends: dict = field(default_factory=dict)
    #: The tie menu's hints by relation IRI (``presentation.ttl``): :class:`MenuHint`.
    _menu: dict = field(default_factory=dict)

    def tie_menu(self, source_kind, target_kind) -> list[Relation]:
        """What the tie menu offers from ``source_kind`` to ``target_kind``: one entry per relation, in plain words.

        A shortcut whose details a qualified tie carries (``rx:detailsTie``) is offered once, as
        that tie under the shortcut's words, so its details can follow in the inspector. The
        theory's relations come first (``rx:menuOrder``), the rest by their words; a property with
        ``rx:menuPair`` is offered only between the pairs it names.

        Examples
        --------
        >>> from explorer.core.document import MapDocument
        >>> doc = MapDocument.new(); schema = Schema.from_store(doc.store)
        >>> [r.phrase for r in schema.tie_menu(RX.ChangeProposal, RX.Norm)][:2]
        ['violates', 'aligns with']
        >>> [(r.phrase, r.qualified) for r in schema.tie_menu(RX.Unit, RX.Norm)]
        [('holds the norm', True)]
        >>> doc.close()
        """
        allowed = self.relations_between(source_kind, target_kind)
        offered = {r.iri for r in allowed}
        merged = {}
        for relation in allowed:
            hint = self._menu.get(relation.iri, MenuHint())
            if hint.pairs and not any(
                self.admits({a}, source_kind) and self.admits({b}, target_kind) for a, b in hint.pairs
            ):
                continue
            if hint.details in offered:
                # Offered once, as the tie that can carry the details, in the shortcut's words.
                tie = next(r for r in allowed if r.iri == hint.details)
                words = hint.words or relation.label
                merged[tie.iri] = (hint.order, Relation(tie.iri, tie.label, relation.comment, True, words))
            elif relation.iri not in merged:
                merged[relation.iri] = (hint.order, Relation(**{**relation.__dict__, "words": hint.words}))
        return [r for _, r in sorted(merged.values(), key=lambda entry: (entry[0], entry[1].phrase.casefold()))]

    def tie_ends(self, tie_kind) -> tuple[frozenset, frozenset]:
        """The classes a qualified tie of ``tie_kind`` may start from and point to (empty: any)."""
        return self._tie_ends.get(tie_kind, (frozenset(), frozenset()))

    def coerce(self, prop, value):
        """Turn what a user entered for ``prop`` into an RDF term, or raise ``ValueError`` saying why not.

        Examples
        --------
        >>> s = Schema(properties={RX.strength: PropertySpec(RX.strength, "strength", widget="decimal",
        ...     datatype=XSD.decimal, minimum=0.0, maximum=1.0)})
        >>> s.coerce(RX.strength, "0.75")
        rdflib.term.Literal('0.75', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
        >>> s.coerce(RX.strength, "1.5")
        Traceback (most recent call last):
        ...
        ValueError: strength must be between 0 and 1; 1.5 is outside the scale.
        >>> s.coerce(RDFS.label, "x" * (MAX_NAME + 1))
        Traceback (most recent call last):
        ...
        ValueError: A name is at most 200 characters; this one is 201.
        """
        spec = self.property(prop)
        if spec.widget in ("choice", "link"):
            if not isinstance(value, URIRef):
                raise ValueError(f"{spec.label} takes a node or a concept, not {value!r}.")
            if spec.widget == "choice" and spec.choices and value not in {c.iri for c in spec.choices}:
                raise ValueError(f"{spec.label} must be one of: {', '.join(c.label for c in spec.choices)}.")
            return value
        if spec.widget == "source" and isinstance(value, URIRef):
            return value
        if isinstance(value, (URIRef, BNode)):
            raise ValueError(f"{spec.label} takes a value, not a link.")
        text = str(value).strip() if not isinstance(value, Literal) else str(value)
        if spec.widget in ("decimal", "integer"):
            return self._number(spec, text)
        if spec.widget == "date":
            try:
                return Literal(dt.date.fromisoformat(text.strip()).isoformat(), datatype=XSD.date)
            except ValueError:
                raise ValueError(
                    f"{spec.label} must be a date written as YYYY-MM-DD; {one_line(text, _QUOTED)} is not."
                ) from None
        if spec.widget == "datetime":
            try:
                return Literal(dt.datetime.fromisoformat(text.strip()).isoformat(), datatype=XSD.dateTime)
            except ValueError:
                raise ValueError(
                    f"{spec.label} must be a date and time written as YYYY-MM-DDThh:mm; "
                    f"{one_line(text, _QUOTED)} is not."
                ) from None
        if len(text) > MAX_TEXT:
            raise ValueError(f"{spec.label} is {len(text):,} characters long; the limit is {MAX_TEXT:,}.")
        if spec.iri == RDFS.label and len(text.strip()) > MAX_NAME:
            raise ValueError(f"A name is at most {MAX_NAME} characters; this one is {len(text.strip()):,}.")
        if spec.widget == "text" and not text.strip():
            raise ValueError(f"{spec.label} cannot be empty; clear the field's value instead.")
        return Literal(text)

    def _number(self, spec: PropertySpec, text: str) -> Literal:
        cleaned = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip()
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"{spec.label} must be a number; {one_line(text, _QUOTED)} is not.") from None
        if not number.is_finite():
            raise ValueError(f"{spec.label} must be a finite number; {one_line(text, _QUOTED)} is not.")
        low, high = spec.minimum, spec.maximum
        if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
            raise ValueError(
                f"{spec.label} must be between {_num(low)} and {_num(high)}; "
                f"{one_line(text, _QUOTED)} is outside the scale."
            )
        # Past 28 significant digits Decimal rounds silently, and 1e999999999 as a whole number takes gigabytes.
        if len(cleaned) > MAX_NUMBER_CHARS or (number and abs(number.adjusted()) > MAX_NUMBER_DIGITS):
            raise ValueError(
                f"{spec.label} must be a number of at most {MAX_NUMBER_DIGITS} digits; "
                f"{one_line(text, _QUOTED)} is {'longer' if len(cleaned) > MAX_NUMBER_CHARS else 'larger or smaller'}."
            )
        if spec.widget == "integer":
            if number != number.to_integral_value():
                raise ValueError(f"{spec.label} must be a whole number; {one_line(text, _QUOTED)} is not.")
            return Literal(int(number), datatype=spec.datatype or XSD.integer)
        return Literal(
            format(number.normalize() if number == number.to_integral_value() else number, "f"), datatype=XSD.decimal
        )


def schema_of(document) -> Schema:
    """The schema of the map's ontology, read once and kept on the document until its ontology changes.

    This is the one way to the schema of an open map: the app, the command line,
    the exports and the import all ask here. The schema is kept in
    :attr:`MapDocument.schema_cache <explorer.core.document.MapDocument.schema_cache>`
    against :attr:`~explorer.core.document.MapDocument.ontology_version`, which
    changes when the ontology graph is loaded, when the store is replaced (revert,
    a view of named graphs) and when an edit touches the ontology graph; edits of
    the map itself keep it. A map opened without its ontology (the command line's
    ``convert``) gets the schema of the shipped ontology.

    Parameters
    ----------
    document : MapDocument
        An open map.

    Returns
    -------
    Schema

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(editing=False)
    >>> schema = schema_of(doc)
    >>> schema.kinds[RX.Unit].label, schema_of(doc) is schema
    ('Unit', True)
    >>> bare = MapDocument.new(with_ontology=False, editing=False)
    >>> schema_of(bare).kinds[RX.Unit].label
    'Unit'
    >>> doc.close(); bare.close()
    """
    version = document.ontology_version  # read before the store: a change while reading makes the next call read again
    cached = document.schema_cache
    if cached is not None and cached[0] == version:
        return cached[1]
    store = document.store
    if ONTOLOGY_GRAPH not in store.graph_names():
        store = EmbeddedStore()
        for file in ontology_files():
            store.load(file, graph=ONTOLOGY_GRAPH)
    schema = Schema.from_store(store)
    document.schema_cache = (version, schema)
    return schema


def _num(value) -> str:
    if value is None:
        return "any"
    return str(int(value)) if float(value).is_integer() else str(value)


class _Reader:
    """Reads the ontology graph once into plain dictionaries, then builds the schema."""

    def __init__(self, store, graph) -> None:
        self.by_subject: dict = {}
        for s, p, o, _ in store.quads(graph=graph):
            self.by_subject.setdefault(s, {}).setdefault(p, []).append(o)

    def values(self, subject, predicate) -> list:
        return self.by_subject.get(subject, {}).get(predicate, [])

    def value(self, subject, predicate):
        found = self.values(subject, predicate)
        return found[0] if found else None

    def text(self, subject, predicate) -> str:
        found = self.values(subject, predicate)
        preferred = [v for v in found if isinstance(v, Literal) and v.language in (None, "en")] or found
        return str(preferred[0]) if preferred else ""

    def label(self, subject) -> str:
        return self.text(subject, RDFS.label) or self.text(subject, SKOS.prefLabel) or local_name(subject)

    def number(self, subject, predicate) -> float | None:
        found = self.value(subject, predicate)
        try:
            number = float(found.toPython()) if isinstance(found, Literal) else None
        except (TypeError, ValueError):
            return None
        return number if number is not None and math.isfinite(number) else None

    def rdf_list(self, head) -> list:
        items, seen = [], set()
        while head is not None and head != RDF.nil and head not in seen:
            seen.add(head)
            first = self.value(head, RDF.first)
            if first is not None:
                items.append(first)
            head = self.value(head, RDF.rest)
        return items

    def classes_in(self, node) -> frozenset:
        """A class, or the members of an owl:unionOf class expression."""
        if isinstance(node, BNode):
            union = self.value(node, OWL.unionOf)
            return frozenset(self.rdf_list(union)) if union is not None else frozenset()
        return frozenset({node}) if node is not None else frozenset()

    def ancestors(self, cls, memo: dict) -> frozenset:
        if cls in memo:
            return memo[cls]
        memo[cls] = frozenset({cls})  # guards against subclass cycles
        found = {cls}
        for parent in self.values(cls, RDFS.subClassOf):
            if isinstance(parent, URIRef):
                found |= self.ancestors(parent, memo)
        memo[cls] = frozenset(found)
        return memo[cls]

    def restriction(self, cls, prop) -> frozenset:
        for parent in self.values(cls, RDFS.subClassOf):
            if isinstance(parent, BNode) and self.value(parent, OWL.onProperty) == prop:
                return self.classes_in(self.value(parent, OWL.allValuesFrom))
        return frozenset()

    def concepts(self, scheme) -> tuple:
        members = [s for s, props in self.by_subject.items() if scheme in props.get(SKOS.inScheme, ())]
        found = [
            Concept(m, self.label(m), int(self.number(m, RX.order) or 0), self.text(m, SKOS.definition))
            for m in members
        ]
        return tuple(sorted(found, key=lambda c: (c.order, c.label.casefold())))

    def schema(self) -> Schema:
        memo: dict = {}
        classes = [
            s for s, props in self.by_subject.items() if OWL.Class in props.get(RDF.type, ()) and isinstance(s, URIRef)
        ]
        groups = {
            g: (int(self.number(g, RX.order) or 99), self.label(g))
            for g in {self.value(c, RX.paletteGroup) for c in classes}
            if g
        }
        kinds, tie_ends = {}, {}
        for cls in classes:
            ancestors = self.ancestors(cls, memo)
            is_tie = RX.QualifiedTie in ancestors and cls != RX.QualifiedTie
            group = self.value(cls, RX.paletteGroup)
            kinds[cls] = Kind(
                iri=cls,
                label=self.label(cls),
                comment=self.text(cls, RDFS.comment),
                colour=str(self.value(cls, RX.colour) or _FALLBACK_COLOUR),
                shape=str(self.value(cls, RX.shape) or "rounded-rectangle"),
                line_style=str(self.value(cls, RX.lineStyle) or "solid"),
                group=group,
                group_label=groups.get(group, (99, ""))[1],
                group_order=groups.get(group, (99, ""))[0],
                order=int(self.number(cls, RX.paletteOrder) or 99),
                default_level=self.value(cls, RX.defaultLevel),
                ancestors=ancestors,
                inspector=tuple(self.rdf_list(self.value(cls, RX.inspectorProperties))),
                is_tie=is_tie,
            )
            if is_tie:
                tie_ends[cls] = (self.restriction(cls, RX["from"]), self.restriction(cls, RX.to))
        properties = {p: self.property(p) for p in self.property_iris()}
        object_properties = tuple(
            spec
            for spec in properties.values()
            if spec.widget == "link"
            and spec.domain
            and spec.range
            and not any(RX.QualifiedTie in self.ancestors(d, memo) for d in spec.domain)
            and spec.iri not in (RX["from"], RX.to)
        )
        concepts = {
            s: self.label(s)
            for s, props in self.by_subject.items()
            if SKOS.Concept in props.get(RDF.type, ()) and isinstance(s, URIRef)
        }
        families = {
            c.iri: TieFamily(
                c.iri,
                c.label,
                c.definition,
                str(self.value(c.iri, RX.colour) or _FALLBACK_COLOUR),
                str(self.value(c.iri, RX.lineStyle) or "solid"),
                self.number(c.iri, RX.lineWidth) or 1.6,
                c.order,
            )
            for c in self.concepts(RX.TieFamilyScheme)
        }
        return Schema(
            kinds=kinds,
            properties=properties,
            concept_labels=concepts,
            levels=self.concepts(RX.LevelScheme),
            _object_properties=tuple(sorted(object_properties, key=lambda s: str(s.iri))),
            tie_families=tuple(families.values()),
            family_of={s: families[f] for s in self.by_subject for f in self.values(s, RX.tieFamily) if f in families},
            _tie_ends=tie_ends,
            _menu=self.menu_hints(),
        )

    def menu_hints(self) -> dict:
        """The tie menu's hints by relation: ``rx:menuLabel``, ``rx:menuOrder``, ``rx:detailsTie``, ``rx:menuPair``."""
        hinted = {RX.menuLabel, RX.menuOrder, RX.detailsTie, RX.menuPair}
        hints = {}
        for subject, props in self.by_subject.items():
            if not hinted & set(props):
                continue
            lists = (self.rdf_list(head) for head in self.values(subject, RX.menuPair))
            pairs = tuple(tuple(ends) for ends in lists if len(ends) == 2)
            hints[subject] = MenuHint(
                self.text(subject, RX.menuLabel),
                int(self.number(subject, RX.menuOrder) or 99),
                self.value(subject, RX.detailsTie),
                pairs,
            )
        return hints

    def property_iris(self) -> set:
        declared = {
            s
            for s, props in self.by_subject.items()
            if isinstance(s, URIRef)
            and ({OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property} & set(props.get(RDF.type, ())))
        }
        listed = {
            p for s in self.by_subject for head in self.values(s, RX.inspectorProperties) for p in self.rdf_list(head)
        }
        return declared | listed | {RDFS.label, RDFS.comment}

    def property(self, iri) -> PropertySpec:
        types = set(self.values(iri, RDF.type))
        label = self.label(iri) if iri in self.by_subject else local_name(iri)
        ranges = (
            frozenset().union(*(self.classes_in(r) for r in self.values(iri, RDFS.range)))
            if self.values(iri, RDFS.range)
            else frozenset()
        )
        domain = (
            frozenset().union(*(self.classes_in(d) for d in self.values(iri, RDFS.domain)))
            if self.values(iri, RDFS.domain)
            else frozenset()
        )
        scheme = self.value(iri, RX.valueScheme)
        single_flag = self.value(iri, RX.singleValued)
        common = {
            "iri": iri,
            "label": label,
            "comment": self.text(iri, RDFS.comment),
            "domain": domain,
            "range": ranges,
            "symmetric": OWL.SymmetricProperty in types,
        }
        if iri == RDFS.label:
            return PropertySpec(**{**common, "label": "label"}, widget="text", single=True)
        if iri == RDFS.comment:
            return PropertySpec(**{**common, "label": "comment"}, widget="multiline", single=True)
        if iri == _DCT_SOURCE:
            return PropertySpec(**common, widget="source", single=False)
        if scheme is not None:
            return PropertySpec(
                **common,
                widget="choice",
                choices=self.concepts(scheme),
                single=bool(single_flag is not None and single_flag.toPython() is True),
            )
        if XSD.decimal in ranges or XSD.double in ranges or XSD.float in ranges:
            return PropertySpec(
                **common,
                widget="decimal",
                datatype=XSD.decimal,
                minimum=self.number(iri, RX.scaleMin),
                maximum=self.number(iri, RX.scaleMax),
                neutral=self.number(iri, RX.neutralValue),
                single=True,
            )
        if XSD.integer in ranges:
            return PropertySpec(
                **common,
                widget="integer",
                datatype=XSD.integer,
                minimum=self.number(iri, RX.scaleMin),
                maximum=self.number(iri, RX.scaleMax),
                single=True,
            )
        if XSD.date in ranges or iri == _DCT_DATE:
            return PropertySpec(**common, widget="date", datatype=XSD.date, single=True)
        if XSD.dateTime in ranges:
            return PropertySpec(**common, widget="datetime", datatype=XSD.dateTime, single=True)
        if OWL.ObjectProperty in types:
            single = single_flag is not None and single_flag.toPython() is True
            return PropertySpec(**common, widget="link", single=single)
        return PropertySpec(**common, widget="text", single=False)
