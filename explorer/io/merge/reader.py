"""Rows in: each node row of an import read as a :class:`~explorer.io.merge.planning.Record`, through the mapping.

Reading takes two passes over the rows. :func:`read_rows` reads what makes a
row a node (its name, kind and identifier), leaves out the rows that cannot be
one (an empty name, a kind the ontology lacks, an identifier or a name given
twice) and matches the rest with the map's nodes. :func:`read_values` then
reads the rest of each row, once every row is known, so a cell may name a row
further down: the nodes its unit, profession and manager cells name, its role
kinds, and the properties its other columns give. A bad value leaves out that
value, never the row.
"""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from ...core.errors import ExplorerError
from ...core.namespaces import RX
from ...core.schema import Kind, PropertySpec
from .mapping import LINK_TARGETS
from .matcher import decide, match_identifier, match_name, resolve
from .names import SPLIT, expand, name_key, show
from .planning import Miss, Planning, Record, cell

_ROLE_SPLIT = re.compile(r"\s*(?:[;,/&+]|\band\b)\s*", re.IGNORECASE)


# ------------------------------------------------------------------------ first pass


def read_rows(planning: Planning) -> None:
    """Step 1: the name, kind and identifier of every node row, each matched with the map's node it is.

    Raises
    ------
    ExplorerError
        No column gives the name.
    """
    columns = planning.mapping.columns
    if columns.get("name") is None:
        raise ExplorerError("Choose the column that gives each node's name before importing.")
    default_kind = (
        planning.schema.kind(planning.mapping.default_kind) if planning.mapping.default_kind is not None else None
    )
    kind_names = ", ".join(k.label for k in planning.kinds)
    for number, cells in planning.source.nodes.rows:
        planning.tick()
        record = _read_row(planning, number, cells, default_kind, kind_names)
        if record is not None and _match(planning, record):
            planning.records.append(record)
            if record.identifier is not None:
                planning.by_identifier[record.identifier] = record
            planning.by_name.setdefault(name_key(record.name), []).append(record)


def _read_row(
    planning: Planning, number: int, cells: tuple, default_kind: Kind | None, kind_names: str
) -> Record | None:
    """The row's name, kind and identifier as a record; None (the row left out) without a valid name or kind."""
    table, columns = planning.source.nodes, planning.mapping.columns
    name_col, kind_col = columns.get("name"), columns.get("kind")
    name = cell(table, cells, name_col)
    if not name:
        planning.skip(number, name_col, "the name is empty")
        return None
    try:
        label = planning.schema.coerce(RDFS.label, name)
    except ValueError as err:
        planning.skip(number, name_col, str(err).replace("label", "the name", 1))
        return None
    kind_text = cell(table, cells, kind_col)
    if kind_text:
        kind = planning.kind_for(kind_text)
        if kind is None:
            planning.skip(number, kind_col, f"“{show(kind_text)}” is not a kind of node; use one of: {kind_names}")
            return None
    elif default_kind is not None:
        kind = default_kind
    else:
        planning.skip(
            number,
            kind_col,
            "the kind is empty; choose a kind for rows without one"
            if kind_col
            else "no column gives the kind; choose a kind for the rows",
        )
        return None
    record = Record(number, str(label), kind)
    identifier = cell(table, cells, columns.get("identifier"))
    if identifier:
        record.identifier = identifier
    return record


def _match(planning: Planning, record: Record) -> bool:
    """Match a new record with the map, unless the file already has its identifier, or its name without one."""
    table, columns = planning.source.nodes, planning.mapping.columns
    if record.identifier is not None:
        id_col = columns.get("identifier")
        earlier = planning.by_identifier.get(record.identifier)
        if earlier is not None:
            planning.skip(
                record.row, id_col, f"the identifier “{show(record.identifier)}” is also in {table.noun} {earlier.row}"
            )
            return False
        return match_identifier(planning, record, id_col)
    name_col = columns.get("name")
    kind = record.kind
    twin = next(
        (r for r in planning.by_name.get(name_key(record.name), ()) if r.kind.iri == kind.iri and r.identifier is None),
        None,
    )
    if twin is not None:
        planning.skip(
            record.row,
            name_col,
            f"a {kind.label.lower()} called “{show(record.name)}” is already in {table.noun} "
            f"{twin.row}; add an identifier column to import both",
        )
        return False
    return match_name(planning, record, name_col)


# ----------------------------------------------------------------------- second pass


def read_values(planning: Planning) -> None:
    """Step 2: the rest of every row read: the nodes it names, its role kinds and properties; matched nodes compared."""
    table = planning.source.nodes
    cells_by_row = dict(table.rows) if planning.records else {}
    role_spec = planning.schema.property(RX.roleKind)
    for record in planning.records:
        planning.tick()
        cells = cells_by_row[record.row]
        _read_links(planning, record, cells)
        _read_roles(planning, record, cells, role_spec)
        for column, prop in (*planning.mapping.properties.items(), *planning.kept.items()):
            text = cell(table, cells, column)
            if text:
                property_value(planning, record, column, prop, text)
        if record.matched:
            decide(planning, record)


def _read_links(planning: Planning, record: Record, cells: tuple) -> None:
    """The nodes the row's unit, profession and "reports to" cells name (a unit or profession nobody has is made)."""
    table, columns, schema = planning.source.nodes, planning.mapping.columns, planning.schema
    for target, (predicate, create) in LINK_TARGETS.items():
        column = columns.get(target)
        text = cell(table, cells, column)
        if not text:
            continue
        names = [text] if target == "reports_to" else [t for t in SPLIT.split(text) if t]
        for name in names:
            found = resolve(
                planning, name, predicate, record.kind, create=schema.kind(create) if create else None, own=record
            )
            if isinstance(found, Miss):
                planning.problem(record.row, column, found, skipped=False)
                continue
            if found is record:
                planning.problem(
                    record.row,
                    column,
                    f"a node cannot be tied to itself by “{schema.property(predicate).label}”",
                    skipped=False,
                )
                continue
            record.values.setdefault(predicate, []).append(found)
            record.labels[target] = (record.labels.get(target, "") + "; " if target in record.labels else "") + name


def _read_roles(planning: Planning, record: Record, cells: tuple, role_spec: PropertySpec) -> None:
    """The role kinds the row's role cell names ("clinical and managerial", "Clinical role; academic")."""
    column = planning.mapping.columns.get("role")
    text = cell(planning.source.nodes, cells, column)
    if not text:
        return
    if not planning.schema.admits(role_spec.domain, record.kind.iri):
        planning.problem(record.row, column, f"a {record.kind.label.lower()} has no role kinds", skipped=False)
        return
    for part in [p for p in _ROLE_SPLIT.split(text) if p]:
        concept = planning.concept(role_spec, re.sub(r"(?i)\s*role$", "", part)) or planning.concept(role_spec, part)
        if concept is None:
            choices = ", ".join(c.label for c in role_spec.choices)
            planning.problem(
                record.row,
                column,
                f"“{show(part)}” is not a role kind; use one of: {choices} (a job title can go in a comment column)",
                skipped=False,
            )
            continue
        record.values.setdefault(RX.roleKind, []).append(concept)
        record.labels["role"] = (record.labels["role"] + "; " if "role" in record.labels else "") + part


def property_value(planning: Planning, record: Record, column: str, prop: URIRef, text: str) -> None:
    """The values of property ``prop`` that ``column``'s cell gives, added to ``record`` (a problem for a bad one)."""
    if prop == RDF.type:
        type_values(planning, record, column, text)
        return
    schema = planning.schema
    spec = schema.property(prop)
    if spec.domain and not schema.admits(spec.domain, record.kind.iri):
        planning.problem(
            record.row, column, f"“{spec.label}” does not apply to a {record.kind.label.lower()}", skipped=False
        )
        return
    if spec.iri == RX.level:
        spec = PropertySpec(RX.level, spec.label, widget="choice", choices=schema.levels, single=True)
    parts = [text] if spec.single or spec.widget in ("text", "multiline") else [p for p in SPLIT.split(text) if p]
    for part in parts:
        if spec.widget == "choice":
            value = planning.concept(spec, part)
            if value is None:
                choices = ", ".join(c.label for c in spec.choices[:8])
                planning.problem(
                    record.row, column, f"{spec.label} must be one of: {choices}; “{show(part)}” is not", skipped=False
                )
                continue
        elif spec.widget == "link":
            value = resolve(planning, part, prop, record.kind, own=record)
            if isinstance(value, Miss):
                planning.problem(record.row, column, value, skipped=False)
                continue
        else:
            try:
                value = planning.coerce(prop, part)
            except ValueError as err:
                planning.problem(record.row, column, str(err), skipped=False)
                continue
        record.values.setdefault(prop, []).append(value)


def type_values(planning: Planning, record: Record, column: str, text: str) -> None:
    """Types a node has besides its kind (``rx:OpinionLeader`` on a role): IRIs or prefixed names, "; " apart."""
    for part in (p for p in SPLIT.split(text) if p):
        iri = expand(part)
        kind = planning.schema.kind(URIRef(iri)) if iri is not None else None
        if iri is None or (kind is not None and (kind.is_tie or kind.iri == RX.QualifiedTie)):
            # A tie's class would turn the node into a tie.
            planning.problem(
                record.row, column, f"“{show(part)}” is not the IRI of a class a node can have", skipped=False
            )
            continue
        record.values.setdefault(RDF.type, []).append(URIRef(iri))


__all__ = ["property_value", "read_rows", "read_values", "type_values"]
