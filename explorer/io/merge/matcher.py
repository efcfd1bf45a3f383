"""Rows to the nodes they are: a row's own node on the map, and the nodes its cells and edges name.

A row with an identifier that is an IRI (``http``, ``https`` or ``urn``) is the
node with that IRI, or a new node keeping it (so an export imports back with
the same IRIs); any other identifier is kept as ``dct:identifier`` and matched
against it on the next import. A row without an identifier matches a node of
the same kind with the same name (any case): :func:`match_identifier`,
:func:`match_name`. A cell naming another node (a unit, a manager, a tie's
end) is looked up among the file's rows and the map's nodes by identifier,
IRI or name, keeping only those the relation admits: :func:`resolve`,
:func:`edge_end`. A matched node is then compared with its row, value by
value: :func:`decide`.

Examples
--------
>>> from rdflib import Literal
>>> from rdflib.namespace import XSD
>>> same_values([Literal("0.0", datatype=XSD.decimal)], [Literal("0", datatype=XSD.decimal)])
True
>>> same_values([Literal("a")], [Literal("a"), Literal("b")])
False
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from ...core.namespaces import RX
from ...core.schema import Kind
from ...core.terms import DEFAULT_GRAPH
from .names import IRI, group_key, name_key, show
from .planning import Created, Merge, Miss, Planning, Record, cell, term_of


def value_key(term):
    """A term compared by value: ``"0.0"^^xsd:decimal`` is ``"0"^^xsd:decimal``."""
    if isinstance(term, Literal):
        value = term.value
        try:
            hash(value)
        except TypeError:
            value = None
        return ("literal", term.datatype, term.language, value if value is not None else str(term))
    return term


def same_values(have: Iterable, wanted: Iterable) -> bool:
    """Whether two collections of terms hold the same values (see :func:`value_key`)."""
    return {value_key(t) for t in have} == {value_key(t) for t in wanted}


# ----------------------------------------------------------------- a row's own node


def match_identifier(planning: Planning, record: Record, column) -> bool:
    """Match ``record`` by its identifier; False (and the row left out) when it cannot be imported."""
    identifier = record.identifier
    index = planning.index
    if IRI.fullmatch(identifier):
        iri = URIRef(identifier)
        existing = index.kind.get(identifier)
        if existing is not None:
            record.iri, record.matched = iri, True
        elif identifier in index.subjects:
            planning.skip(
                record.row,
                column,
                f"the identifier names <{show(identifier, 60)}>, which is on the map but is not a node",
            )
            return False
        else:
            record.new_iri_hint = iri
        return True
    found = index.by_identifier.get(identifier, [])
    if len(found) > 1:
        planning.skip(record.row, column, f"{len(found)} nodes on the map have the identifier “{show(identifier)}”")
        return False
    if found:
        record.iri, record.matched = URIRef(found[0]), True
    return True


def match_name(planning: Planning, record: Record, column) -> bool:
    """Match ``record`` with the map's node of its kind and name; False (and the row left out) when several fit."""
    index = planning.index
    found = [s for s in index.by_name.get(name_key(record.name), ()) if index.kind[s].iri == record.kind.iri]
    if len(found) > 1:
        planning.skip(
            record.row,
            column,
            f"{len(found)} {record.kind.label.lower()}s on the map are called “{show(record.name)}”; "
            "add an identifier column to say which",
        )
        return False
    if found:
        record.iri, record.matched = URIRef(found[0]), True
    return True


# ------------------------------------------------------------------ nodes named in cells


def kind_of(planning: Planning, target) -> Kind:
    """The kind of a record, a node to create, or a node of the map."""
    if isinstance(target, (Record, Created)):
        return target.kind
    return planning.index.kind[str(target)]


def resolve(
    planning: Planning,
    text: str,
    predicate,
    source_kind: Kind,
    *,
    create: Kind | None = None,
    own: Record | None = None,
):
    """The node ``text`` names for ``predicate`` from a ``source_kind`` node.

    A record of the file, the IRI of a node of the map, a :class:`Created` node,
    or a :class:`Miss` saying why there is none.

    ``create`` is the kind of node made when nobody is called ``text`` (units,
    professions); ``own`` is the row's own record, which a cell never names.
    """
    index = planning.index
    relation_label = planning.schema.property(predicate).label
    candidates: list = []
    record = planning.by_identifier.get(text)
    if record is not None:
        candidates = [record]
    elif IRI.fullmatch(text) and text in index.kind:
        candidates = [URIRef(text)]
    elif text in index.by_identifier:
        candidates = [URIRef(s) for s in index.by_identifier[text]]
    else:
        key = name_key(text)
        in_file = [r for r in planning.by_name.get(key, ()) if r is not own]
        matched = {r.iri for r in in_file if r.matched}
        candidates = in_file + [URIRef(s) for s in index.by_name.get(key, ()) if URIRef(s) not in matched]
    fitting = [c for c in candidates if planning.allowed(source_kind, predicate, kind_of(planning, c))]
    if len(fitting) == 1:
        return fitting[0]
    if len(fitting) > 1:
        return Miss(f"{len(fitting)} nodes are called “{show(text)}”; use identifiers to say which")
    if candidates:
        other = kind_of(planning, candidates[0])
        return Miss(
            f"“{show(text)}” is a {other.label.lower()}; the ontology has no “{relation_label}” from a "
            f"{source_kind.label.lower()} to a {other.label.lower()}"
        )
    if create is not None and create.iri == RX.ProfessionalGroup:
        # A staff group is often written several ways ("Nurse", "nurses", "Nursing"): one group, not three.
        same = same_group(planning, text, create)
        if same is not None:
            return same
    if create is not None:
        if not planning.allowed(source_kind, predicate, create):
            return Miss(
                f"the ontology has no “{relation_label}” from a {source_kind.label.lower()} to a {create.label.lower()}"
            )
        key = (name_key(text), create.iri)
        made = planning.created.get(key)
        if made is None:
            made = planning.created[key] = Created(" ".join(text.split()), create)
        return made
    skipped = next(iter(skipped_with_name(planning, text)), None)
    if skipped is not None:
        return Miss(f"“{show(text)}” is {planning.source.nodes.noun} {skipped}, which is not imported")
    return Miss(f"“{show(text)}” names nobody in the file or on the map")


def same_group(planning: Planning, text: str, kind: Kind):
    """The professional group of the map (or one the import already makes) that ``text`` names in another
    spelling (:func:`~explorer.io.merge.names.group_key`), or None; each merge is noted for the user once."""
    key = group_key(text)
    if planning.by_group is None:
        planning.by_group = {}
        for name, subjects in planning.index.by_name.items():
            for s in subjects:
                if planning.index.kind[s].iri == kind.iri:
                    planning.by_group.setdefault(group_key(name), []).append(s)
    found = sorted(set(planning.by_group.get(key, ())))
    existing = len(found) == 1
    target: URIRef | Created
    if existing:
        target, label = URIRef(found[0]), planning.index.label[found[0]]
    else:
        made = next(
            (c for (_, iri), c in planning.created.items() if iri == kind.iri and group_key(c.name) == key), None
        )
        if made is None:
            return None
        target, label = made, made.name
    spelled = " ".join(text.split())
    if name_key(spelled) != name_key(label) and (spelled, label) not in planning.merged:
        merged = planning.merged[(spelled, label)] = Merge(spelled, label, kind.label.lower(), existing)
        planning.notes.append(merged.note)
    return target


def skipped_with_name(planning: Planning, text: str) -> list[int]:
    """Numbers of the rows left out whose name or identifier is ``text``."""
    if planning.skipped_names is None:
        table, name_col = planning.source.nodes, planning.mapping.columns.get("name")
        id_col = planning.mapping.columns.get("identifier")
        planning.skipped_names = {}
        for number, cells in table.rows:
            if number in planning.skipped_rows:
                for key in {name_key(cell(table, cells, name_col)), cell(table, cells, id_col)} - {""}:
                    planning.skipped_names.setdefault(key, []).append(number)
    return planning.skipped_names.get(text, []) or planning.skipped_names.get(name_key(text), [])


def edge_end(planning: Planning, text: str):
    """(IRI, kind) of the node an edge end names, or a :class:`Miss` saying why there is none."""
    index = planning.index
    record = planning.by_identifier.get(text)
    if record is not None:
        return record.iri, record.kind
    if text in index.kind:
        return URIRef(text), index.kind[text]
    if text in index.by_identifier and len(index.by_identifier[text]) == 1:
        s = index.by_identifier[text][0]
        return URIRef(s), index.kind[s]
    key = name_key(text)
    noun = planning.source.nodes.noun
    in_file = planning.by_name.get(key, [])
    if len(in_file) == 1:
        return in_file[0].iri, in_file[0].kind
    if len(in_file) > 1:
        return Miss(f"{len(in_file)} {noun}s are called “{show(text)}”; use identifiers")
    on_map = index.by_name.get(key, [])
    if len(on_map) == 1:
        return URIRef(on_map[0]), index.kind[on_map[0]]
    if len(on_map) > 1:
        return Miss(f"{len(on_map)} nodes on the map are called “{show(text)}”; use identifiers")
    if skipped_with_name(planning, text):
        return Miss(f"“{show(text)}” is {'an' if noun[:1] in 'aeiou' else 'a'} {noun} that is not imported")
    return Miss(f"“{show(text)}” names no {noun} of the file and no node of the map")


# ------------------------------------------------------------- a matched node and its row


def decide(planning: Planning, record: Record) -> None:
    """Compare a matched node with its row: unchanged, update, or (on conflict with "add") new."""
    node = record.iri
    index, schema = planning.index, planning.schema
    differs = False
    conflict = False
    existing_label = index.label.get(str(node))
    if (
        record.identifier is not None
        and existing_label is not None
        and name_key(existing_label) != name_key(record.name)
    ):
        conflict = True
    current_kind = index.kind.get(str(node))
    if current_kind is not None and current_kind.iri != record.kind.iri:
        conflict = True
    for predicate, values in record.values.items():
        have = {o for _, _, o, _ in planning.store.quads(node, predicate, None, DEFAULT_GRAPH)}
        wanted = {term_of(v) for v in values}
        if predicate == RDF.type:
            differs = differs or bool(wanted - have)  # types are only added (the kind is the node's own column)
            continue
        if (
            predicate == RX.level
            and not have
            and current_kind is not None
            and wanted == {schema.level_of(current_kind)}
        ):
            continue  # the level the kind gives anyway
        if not have:
            differs = True
        elif not same_values(have, wanted):
            conflict = True
    on_conflict = planning.mapping.on_conflict
    if conflict:
        planning.conflicts += 1
        if on_conflict == "add":
            record.matched, record.iri = False, None
            record.new_iri_hint = None
            return
        record.action = "update" if on_conflict == "replace" or differs else "unchanged"
    else:
        record.action = "update" if differs else "unchanged"


__all__ = [
    "decide",
    "edge_end",
    "kind_of",
    "match_identifier",
    "match_name",
    "resolve",
    "same_values",
    "skipped_with_name",
    "value_key",
]
