"""What a cell or a mapping names: kinds, relations and properties of the ontology, found by their text.

A kind, relation or property is named by its label, its local name, a prefixed
name (``rx:workload``) or its IRI, in any case. Text is compared loosely
(:func:`norm`: letters and digits only), a node's name as a person would
compare it (:func:`name_key`: any case, spaces collapsed).

Examples
--------
>>> norm("Line manager"), name_key("  Ana   Ruiz "), expand("rx:Unit")
('linemanager', 'ana ruiz', 'https://w3id.org/routine-explorer/ns#Unit')
>>> show("a very long name indeed", 10)
'a very lo…'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ...core.document import STANDARD_PREFIXES
from ...core.namespaces import RX
from ...core.schema import Kind, PropertySpec, Relation, Schema
from ...core.terms import local_name
from ...core.text import shortened
from ..tables import cell_text

#: An IRI written out (``http``, ``https`` or ``urn``): an identifier like this is the node's own IRI.
IRI = re.compile(r"(?:https?://|urn:)[^\s<>\"{}|\\^`]+", re.IGNORECASE)
#: Several values in one cell, "; " apart.
SPLIT = re.compile(r"\s*;\s*")
#: ``rx:from`` and ``rx:to``: how a qualified tie names its ends, never what a column gives.
TIE_ENDS = frozenset({RX["from"], RX.to})

#: English stemmers for :func:`group_key`, one per thread: a stemmer keeps the word it works on in itself.
_STEMMERS = threading.local()

_PROPERTY_WORDS: dict[str, URIRef] = {
    "description": RDFS.comment,
    "notes": RDFS.comment,
    "note": RDFS.comment,
    "comments": RDFS.comment,
}


def norm(text) -> str:
    """Text compared loosely: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", str(text).casefold())


def name_key(text: str) -> str:
    """A name compared as a person would: any case, spaces collapsed."""
    return " ".join(str(text).split()).casefold()


def group_key(text) -> str:
    """A profession's or group's name compared across spellings: any case, each word reduced to its stem by
    the Snowball English stemmer (Porter2), so "Nurse", "nurses" and "Nursing" are one group, and so are
    "Secretaries" and "Secretary" or "Orderlies" and "Orderly".

    Different professions stay apart: "Nurse" and "Nursery staff", "Physician" and "Physicist",
    "Pharmacist" and "Pharmacy". A stemmer is not a dictionary, though: irregular plurals keep their own
    stem ("Midwives" is not "Midwife"), and a word and its derived noun share one ("Managers" and
    "Management", "Assistants" and "Assistance" are taken as one group).

    Examples
    --------
    >>> [group_key(t) for t in ("Nurse", "nurses", "Nursing", "  Staff  Nurses ")]
    ['nurs', 'nurs', 'nurs', 'staff nurs']
    >>> group_key("Secretaries") == group_key("secretary"), group_key("Pharmacy") == group_key("Pharmacist")
    (True, False)
    """
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import snowballstemmer  # here, not at start: only a merge of names needs it

        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return " ".join(stemmer.stemWords(re.findall(r"[^\W_]+", str(text).casefold())))


def show(text, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters, for a message (:func:`~explorer.core.text.shortened`)."""
    return shortened(text, limit)


def expand(text: str) -> str | None:
    """A prefixed name (``rx:workload``) or ``<IRI>``/IRI as a full IRI string, else None."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, colon, rest = text.partition(":")
    if colon and prefix in STANDARD_PREFIXES and not rest.startswith("//"):
        return STANDARD_PREFIXES[prefix] + rest
    if IRI.fullmatch(text):
        return text
    return None


def node_kinds(schema: Schema) -> list[Kind]:
    """The kinds a row may be: node kinds of the palette, in palette order."""
    return [kind for _, kinds in schema.palette() for kind in kinds]


def find_kind(schema: Schema, text) -> Kind | None:
    """The node kind ``text`` names: its label, local name, prefixed name or IRI, in any case.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.schema import schema_of
    >>> doc = MapDocument.new(); schema = schema_of(doc)
    >>> find_kind(schema, "professional group").iri == RX.ProfessionalGroup, find_kind(schema, "rx:Unit").label
    (True, 'Unit')
    >>> find_kind(schema, "Robot") is None
    True
    >>> doc.close()
    """
    return find_named(node_kinds(schema), text)


def find_named(items: Iterable, text):
    """The item (with ``iri`` and ``label``) that ``text`` names: by IRI, else by label or local name, any case."""
    text = cell_text(text).strip()
    if not text:
        return None
    items = list(items)
    iri = expand(text)
    if iri is not None:
        for item in items:
            if str(item.iri) == iri:
                return item
    key = norm(text)
    return next((item for item in items if key in (norm(item.label), norm(local_name(item.iri)))), None)


def tie_properties(schema: Schema) -> list[PropertySpec]:
    """Properties whose values are other nodes (plain ties), tie attributes aside."""
    return [
        spec
        for spec in schema.properties.values()
        if spec.widget in ("link", "source")
        and spec.iri not in TIE_ENDS
        and not any(schema.kind(d) is not None and schema.kind(d).is_tie for d in spec.domain)
    ]


def allowed_relations(schema: Schema, source_kind, target_kind) -> frozenset:
    """IRIs of the relations that may tie a ``source_kind`` node to a ``target_kind`` node.

    Those :meth:`Schema.relations_between` offers, plus the object properties
    whose domain and range admit the two kinds when either is left open
    (``rx:bearsOn``, ``dct:source``...), which a map may hold but the canvas does
    not offer between every pair of kinds.
    """
    offered = {r.iri for r in schema.relations_between(source_kind, target_kind)}
    open_ended = {
        spec.iri
        for spec in tie_properties(schema)
        if schema.admits(spec.domain, source_kind) and schema.admits(spec.range, target_kind)
    }
    return frozenset(offered | open_ended)


def all_relations(schema: Schema) -> list[Relation]:
    """Every relation of the ontology: plain object properties, then qualified tie kinds."""
    plain = [Relation(spec.iri, spec.label, spec.comment) for spec in tie_properties(schema)]
    qualified = [
        Relation(k.iri, k.label, k.comment, qualified=True) for k in schema.kinds.values() if k.is_tie and k.in_palette
    ]
    return sorted(plain, key=lambda r: r.label.casefold()) + sorted(qualified, key=lambda r: r.label.casefold())


def find_relation(relations: Iterable[Relation], text) -> Relation | None:
    """The relation ``text`` names (label, local name, prefixed name or IRI, any case)."""
    return find_named(relations, text)


def mappable_properties(schema: Schema) -> list[PropertySpec]:
    """Properties a column can fill: those the inspector offers for some kind, by label.

    The name (``rdfs:label``) has its own target, so it is not listed.
    """
    seen: dict = {}
    for kind in node_kinds(schema):
        for spec in schema.inspector(kind):
            if spec.iri != RDFS.label and spec.iri not in seen:
                seen[spec.iri] = spec
    for iri in (RX.canvasX, RX.canvasY, RX.level, DCTERMS.identifier, RDF.type):
        seen.setdefault(iri, schema.property(iri))
    return sorted(seen.values(), key=lambda s: s.label.casefold())


def find_property(schema: Schema, text) -> PropertySpec | None:
    """The property ``text`` names: label, local name, prefixed name or IRI, any case."""
    text = str(text).strip()
    iri = expand(text)
    if iri is not None:
        # Other vocabularies' properties are the person's call; the ontology's own must exist.
        known = URIRef(iri) in schema.properties or not iri.startswith(STANDARD_PREFIXES["rx"])
        return schema.property(URIRef(iri)) if known else None
    key = norm(text)
    if key in _PROPERTY_WORDS:
        return schema.property(_PROPERTY_WORDS[key])
    for spec in mappable_properties(schema):
        if key in (norm(spec.label), norm(local_name(spec.iri))):
            return spec
    return None


__all__ = [
    "IRI",
    "SPLIT",
    "TIE_ENDS",
    "all_relations",
    "allowed_relations",
    "expand",
    "find_kind",
    "find_named",
    "find_property",
    "find_relation",
    "mappable_properties",
    "name_key",
    "node_kinds",
    "norm",
    "show",
    "tie_properties",
]
