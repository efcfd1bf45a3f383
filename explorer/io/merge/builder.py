"""The quads of an import: new nodes, each row's values, and the ties of a graph file's edges.

Once the rows are read and matched, the plan's quads are written in three
steps: :func:`add_nodes` mints the new nodes (rows matched with nothing, and
the units and professions they name), :func:`add_values` writes each row's
values, keeping or replacing a matched node's own as ``on_conflict`` says, and
:func:`add_edges` ties the nodes an edge row names, as a plain triple or a
qualified tie with its attributes. The quads are built here rather than by
:mod:`explorer.core.editing`, which checks each quad against the store: for a
10,000-row roster that costs seconds. The IRIs are minted by
:meth:`MapDocument.mint_iri <explorer.core.document.MapDocument.mint_iri>` all the same.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ...core.document import STANDARD_PREFIXES
from ...core.namespaces import RX
from ...core.schema import Kind, PropertySpec, Relation, Schema
from ...core.terms import DEFAULT_GRAPH, local_name
from ..tables import Table
from .mapping import LINK_TARGETS
from .matcher import edge_end, same_values, value_key
from .names import IRI, SPLIT, TIE_ENDS, all_relations, find_relation, norm, show
from .planning import Miss, Planning, Problem, Record, cell, term_of

#: The tie an edge gets when it names no relation of the ontology and none is chosen (:func:`generic_relation`).
GENERIC_TIE = RX.InfluenceTie
# Values of these are ties to other nodes (a unit, a profession, a manager), counted as ties in the plan.
_LINKS = frozenset(predicate for predicate, _ in LINK_TARGETS.values())


# ------------------------------------------------------------------------------ nodes


def new_node(planning: Planning, added: list, kind: Kind, name: str, level=None, iri=None) -> URIRef:
    """Add the quads of a new node to ``added``: those :func:`explorer.core.editing.create_node` writes."""
    g = DEFAULT_GRAPH
    if iri is None:
        iri = planning.doc.mint_iri(kind.iri, name)
    added += [(iri, RDF.type, kind.iri, g), (iri, RDFS.label, Literal(name), g)]
    if level is not None:
        added.append((iri, RX.level, level, g))
    planning.fresh.add(iri)
    return iri


def add_nodes(planning: Planning, added: list) -> dict:
    """Step 3: the quads of every new node (rows matched with nothing, then the units and professions they name).

    Returns IRI -> level order (1 micro, 2 meso, 3 macro) of each.
    """
    schema, store = planning.schema, planning.store
    new_nodes: dict = {}
    for record in planning.records:
        if record.matched:
            continue
        level = None
        levels = record.values.get(RX.level)
        if levels:
            level = levels[0]
            if level == schema.level_of(record.kind):
                level = None
            record.values.pop(RX.level)
        hint = record.new_iri_hint
        iri = hint if hint is not None and not any(True for _ in store.quads(hint)) else None
        iri = new_node(planning, added, record.kind, record.name, level, iri)
        record.iri = iri
        if record.identifier is not None and not IRI.fullmatch(record.identifier):
            added.append((iri, DCTERMS.identifier, Literal(record.identifier), DEFAULT_GRAPH))
        new_nodes[iri] = schema.level_order(schema.level_of(record.kind, level))
    for made in planning.created.values():
        made.iri = iri = new_node(planning, added, made.kind, made.name)
        new_nodes[iri] = schema.level_order(schema.level_of(made.kind))
    return new_nodes


# ----------------------------------------------------------------------------- values


def add_values(planning: Planning, added: list, removed: list) -> int:
    """Step 4: the quads of every row's values, and on a matched node those it replaces.

    Returns the number of ties to other nodes (units, professions, managers) among them.
    """
    ties = 0
    for record in planning.records:
        if record.matched and planning.mapping.on_conflict == "replace":
            _replace_kind_and_name(planning, record, added, removed)
        for predicate, values in record.values.items():
            ties += _add_values_of(planning, record, predicate, values, added, removed)
    return ties


def _replace_kind_and_name(planning: Planning, record: Record, added: list, removed: list) -> None:
    """A matched node takes its row's kind, and its name when the row was matched by identifier."""
    node, g = record.iri, DEFAULT_GRAPH
    current = planning.index.kind.get(str(node))
    if current is not None and current.iri != record.kind.iri:
        removed.append((node, RDF.type, current.iri, g))
        added.append((node, RDF.type, record.kind.iri, g))
    if record.identifier is not None and planning.index.label.get(str(node)) != record.name:
        removed += list(planning.store.quads(node, RDFS.label, None, g))
        added.append((node, RDFS.label, Literal(record.name), g))


def _add_values_of(planning: Planning, record: Record, predicate, values: list, added: list, removed: list) -> int:
    """The quads of one property of a row; returns how many are ties to other nodes."""
    schema, store, node, g = planning.schema, planning.store, record.iri, DEFAULT_GRAPH
    replace = record.matched and planning.mapping.on_conflict == "replace"
    wanted = list(dict.fromkeys(term_of(v) for v in values))
    if schema.property(predicate).single and predicate not in (RX.roleKind, RDF.type):
        wanted = wanted[:1]
    if record.matched and predicate != RDF.type:  # types are only added, never replaced
        have = list(store.quads(node, predicate, None, g))
        current = planning.index.kind.get(str(node))
        if predicate == RX.level and not have and current is not None and set(wanted) == {schema.level_of(current)}:
            return 0
        if have and same_values((q[2] for q in have), wanted):
            return 0
        if have:
            if not replace:
                return 0
            # Replace only what differs: a value the file also gives stays (removing it and
            # then finding it still on the map would leave it out altogether).
            wanted_keys = {value_key(v) for v in wanted}
            removed += [q for q in have if value_key(q[2]) not in wanted_keys]
            have_keys = {value_key(q[2]) for q in have}
            wanted = [v for v in wanted if value_key(v) not in have_keys]
    ties = 0
    for value in wanted:
        quad = (node, predicate, value, g)
        if record.matched and store.contains(quad):
            continue
        added.append(quad)
        if isinstance(value, URIRef) and predicate in _LINKS:
            ties += 1
    return ties


# ------------------------------------------------------------------------------ edges


def add_edges(planning: Planning, added: list) -> int:
    """Step 5: the ties the edge rows of a graph file give. Returns how many are new."""
    table = planning.source.edges
    if table is None or not table.rows:
        return 0
    cols = planning.mapping.edge_columns
    noun = table.noun
    if not cols.get("from") or not cols.get("to"):
        planning.problems.append(
            Problem(
                None,
                None,
                f"the file has {len(table.rows):,} {noun}s, but no column is chosen for where they start and end",
                True,
                noun,
            )
        )
        return 0
    attribute_columns = [c for c in table.columns if c not in cols.values()]
    existing_ties = 0
    count = 0
    for number, cells in table.rows:
        planning.tick()
        ends = _edge_ends(planning, table, cells, number)
        if ends is None:
            continue
        (source, source_kind), (target, target_kind) = ends
        found = _edge_relation(planning, table, cells, number, source_kind, target_kind)
        if found is None:
            continue
        relation, foreign = found
        identifier = cell(table, cells, cols.get("identifier")) if relation.qualified else ""
        if identifier and IRI.fullmatch(identifier) and URIRef(identifier) in planning.fresh:
            # Taken by a node or another tie of this same import: two things under one IRI would merge.
            planning.problems.append(
                Problem(
                    number,
                    cols.get("identifier"),
                    f"the identifier <{show(identifier, 60)}> is already used by a node or another {noun} of the file",
                    True,
                    noun,
                )
            )
            continue
        directions = [(source, target)]
        if norm(cell(table, cells, cols.get("direction"))) == "mutual" and relation.iri in planning.allowed_between(
            target_kind, source_kind
        ):
            directions.append((target, source))
        for a, b in directions:
            if not relation.qualified:
                quad = (a, relation.iri, b, DEFAULT_GRAPH)
                if planning.store.contains(quad):
                    existing_ties += 1
                else:
                    added.append(quad)
                    count += 1
                continue
            tie = URIRef(identifier) if identifier and IRI.fullmatch(identifier) and (a, b) == directions[0] else None
            if tie is not None and any(True for _ in planning.store.quads(tie)):
                existing_ties += 1
                continue
            tie = _add_tie(planning, table, cells, number, relation, tie, a, b, attribute_columns, added)
            if foreign:
                # The file's own word for the tie, shown as its name on the canvas: nothing of it is lost.
                added.append((tie, RDFS.label, Literal(foreign), DEFAULT_GRAPH))
            count += 1
    if existing_ties:
        planning.notes.append(f"{existing_ties:,} {noun}(s) already on the map were left as they are.")
    planning.notes += _foreign_notes(planning, noun)
    _note_unused_edge_columns(planning, table, attribute_columns)
    return count


def generic_relation(planning: Planning) -> Relation | None:
    """The tie an edge gets when it names no relation of the ontology and none is chosen: the influence tie.

    The ontology's most general tie between agents (people, roles, units, organisations, bodies): a
    qualified tie, so it can carry the file's own word for the edge as its name.
    """
    return next((r for r in planning.relations if r.iri == GENERIC_TIE), None)


def generic_relation_of(schema: Schema) -> Relation | None:
    """:func:`generic_relation` of a schema (None when its ontology lacks the influence tie).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.schema import schema_of
    >>> doc = MapDocument.new()
    >>> generic_relation_of(schema_of(doc)).label
    'Influence tie'
    >>> doc.close()
    """
    return next((r for r in all_relations(schema) if r.iri == GENERIC_TIE), None)


def _foreign_notes(planning: Planning, noun: str) -> list[str]:
    """What happened to edges whose type the ontology lacks, or that name none: one sentence per relation used."""
    notes = []
    for (relation, chosen), types in planning.foreign.items():
        total = sum(types.values())
        named = sorted(((t, n) for t, n in types.items() if t), key=lambda kv: -kv[1])
        why = []
        if named:
            listed = ", ".join(f"“{show(t)}”: {n:,}" for t, n in named[:12])
            more = f" and {len(named) - 12:,} more types" if len(named) > 12 else ""
            why.append(f"their type is not a relation of the ontology ({listed}{more})")
        untyped = types.get("", 0)
        if untyped:
            why.append(f"{untyped:,} name no relation" if named else "they name no relation")
        edges = f"{total:,} {noun}{'s' if total != 1 else ''}"
        how = "the relation chosen for them" if chosen else "the general tie"
        text = f"{edges} imported as “{relation.label}”, {how}, since {' or '.join(why)}"
        if relation.qualified:
            text += ": each keeps its type as the tie's name" if named else ""
        elif named:
            text += "; a plain relation keeps no type (choose a qualified tie to keep it on each tie)"
        if not chosen:
            text += f". Choose a relation for such {noun}s to import them as another"
        notes.append(text + ".")
    return notes


def _note_unused_edge_columns(planning: Planning, table: Table, attribute_columns: list) -> None:
    """Say which edge columns with values gave nothing to any tie (a plain relation takes no attributes)."""
    from ..graph_xml import DERIVED, TOOL_CONVENTIONS

    ignored = set(DERIVED)
    relation = planning.mapping.edge_columns.get("relation")
    if (
        relation is not None
        and relation in table.columns
        and any(IRI.fullmatch(str(v)) for v in table.column_values(relation, limit=20) if v is not None)
    ):
        ignored.update(TOOL_CONVENTIONS)  # this app's own export: they repeat what other columns say
    unused = []
    for column in attribute_columns:
        if column in planning.edge_columns_used or column in ignored:
            continue
        if any(cell(table, cells, column) for _, cells in table.rows):
            unused.append(column)
    if unused:
        names = ", ".join(f"“{show(c, 60)}”" for c in unused[:20]) + (" …" if len(unused) > 20 else "")
        planning.notes.append(
            f"Not imported: the {table.noun} column{'s' if len(unused) != 1 else ''} {names} "
            f"(no attribute of the ties {'it' if len(unused) == 1 else 'they'} became matches)."
        )


def _edge_ends(planning: Planning, table: Table, cells: tuple, number: int):
    """``((source, kind), (target, kind))`` of an edge row, or None (with a problem) when either end names nothing."""
    cols = planning.mapping.edge_columns
    ends = []
    for end in ("from", "to"):
        text = cell(table, cells, cols[end])
        found = edge_end(planning, text) if text else Miss(f"the {end} end is empty")
        if isinstance(found, Miss):
            planning.problems.append(Problem(number, cols[end], found, True, table.noun))
            return None
        ends.append(found)
    return ends


def _edge_relation(
    planning: Planning, table: Table, cells: tuple, number: int, source_kind: Kind, target_kind: Kind
) -> tuple[Relation, str] | None:
    """The relation an edge row gets, if the ontology has it between its ends, and the file's word for it when
    that is not a relation of the ontology ("" when it is one).

    An edge that names a relation gets it; one whose cell names none of the ontology, or that has no cell,
    gets the relation chosen for them (:attr:`~explorer.io.merge.Mapping.default_relation`), else the general
    tie (:func:`generic_relation`) where its ends admit it. None, with a problem noted, when the relation does
    not link the two ends' kinds.
    """
    mapping, relations, noun = planning.mapping, planning.relations, table.noun
    column = mapping.edge_columns.get("relation")
    text = cell(table, cells, column)
    relation = None
    foreign = ""
    if text:
        mapped = mapping.relation_values.get(norm(text))
        relation = next((r for r in relations if r.iri == mapped), None) if mapped else find_relation(relations, text)
        if relation is None:
            foreign = text
    if relation is None:
        chosen = mapping.default_relation is not None
        if chosen:
            relation = next((r for r in relations if r.iri == mapping.default_relation), None)
        else:
            relation = generic_relation(planning)
            if relation is None or relation.iri not in planning.allowed_between(source_kind, target_kind):
                said = (f"“{show(text)}” is not a relation of the ontology" if text else "no relation is given") + (
                    f", and the general tie, “{relation.label}”, does not link a {source_kind.label.lower()} "
                    f"to a {target_kind.label.lower()}"
                    if relation is not None
                    else ""
                )
                planning.problems.append(
                    Problem(
                        number,
                        column,
                        f"{said}; choose a relation for edges {'of other types' if text else 'without one'}",
                        True,
                        noun,
                    )
                )
                return None
        if relation is not None and relation.iri in planning.allowed_between(source_kind, target_kind):
            types = planning.foreign.setdefault((relation, chosen), {})
            types[foreign] = types.get(foreign, 0) + 1
    if relation is None:
        planning.problems.append(
            Problem(number, column, "no relation is given; choose a relation for edges without one", True, noun)
        )
        return None
    if relation.iri not in planning.allowed_between(source_kind, target_kind):
        planning.problems.append(
            Problem(
                number,
                column,
                f"the ontology has no “{relation.label}” from a "
                f"{source_kind.label.lower()} to a {target_kind.label.lower()}",
                True,
                noun,
            )
        )
        return None
    return relation, foreign


def _add_tie(
    planning: Planning,
    table: Table,
    cells: tuple,
    number: int,
    relation: Relation,
    tie: URIRef | None,
    source,
    target,
    attribute_columns: list,
    added: list,
) -> URIRef:
    """The quads of a qualified tie from ``source`` to ``target``, with its attributes (``tie``, or a new IRI).

    Returns the tie's IRI.
    """
    g = DEFAULT_GRAPH
    if tie is None:
        tie = planning.doc.mint_iri(relation.iri, relation.label)
    planning.fresh.add(tie)
    added += [(tie, RDF.type, relation.iri, g), (tie, RX["from"], source, g), (tie, RX.to, target, g)]
    for column in attribute_columns:
        value = cell(table, cells, column)
        spec = tie_property(planning, column, relation.iri)
        if value and spec is not None:
            linked = spec.widget in ("link", "source")
            parts = [p for p in SPLIT.split(value) if p] if linked and not spec.single else [value]
            for part in parts:
                try:
                    term = tie_value(planning, spec, part)
                except ValueError as err:
                    planning.problems.append(Problem(number, column, str(err), False, table.noun))
                    continue
                added.append((tie, spec.iri, term, g))
                planning.edge_columns_used.add(column)
    return tie


def tie_value(planning: Planning, spec: PropertySpec, text: str):
    """The term a tie attribute's cell gives for ``spec``; ValueError says why there is none."""
    schema = planning.schema
    if spec.widget == "choice":
        term = planning.concept(spec, text)
        if term is None:
            raise ValueError(f"{spec.label} must be one of: {', '.join(c.label for c in spec.choices)}")
        return term
    if spec.widget in ("link", "source"):
        # A tie's link to a node (a task reallocation's task, a source record), named as an edge end is.
        found = edge_end(planning, text)
        if isinstance(found, Miss):
            raise ValueError(str(found))
        node, kind = found
        if spec.range and not schema.admits(spec.range, kind.iri):
            raise ValueError(f"“{show(text)}” is a {kind.label.lower()}, which “{spec.label}” does not take")
        return node
    return schema.coerce(spec.iri, text)


def tie_property(planning: Planning, column: str, tie_kind) -> PropertySpec | None:
    """The attribute of a ``tie_kind`` tie an edge column gives (by label, local name or ``prefix_local``), or None."""
    key = (column, tie_kind)
    if key not in planning.tie_specs:
        schema = planning.schema
        found = None
        prefix, _, local = column.partition("_")
        if local and prefix in STANDARD_PREFIXES:
            # "rdfs_label": how an export names a property whose local name is taken (see explorer.io.model).
            spec = schema.properties.get(URIRef(STANDARD_PREFIXES[prefix] + local))
            if spec is None and prefix != "rx":
                spec = schema.property(URIRef(STANDARD_PREFIXES[prefix] + local))
            if spec is not None and spec.iri not in (RDF.type, *TIE_ENDS) and schema.admits(spec.domain, tie_kind):
                found = spec
        key_text = norm(column)
        for spec in schema.properties.values():
            if found is not None:
                break
            # A bare "label" is the relation's name in graph files (GEXF's edge label), not the tie's own.
            if spec.widget == "source" or spec.iri in (RDFS.label, RX.canvasX, RX.canvasY, RX.level, *TIE_ENDS):
                continue
            if key_text in (norm(spec.label), norm(local_name(spec.iri))) and schema.admits(spec.domain, tie_kind):
                found = spec
        planning.tie_specs[key] = found
    return planning.tie_specs[key]


__all__ = [
    "GENERIC_TIE",
    "add_edges",
    "add_nodes",
    "add_values",
    "generic_relation",
    "generic_relation_of",
    "new_node",
    "tie_property",
    "tie_value",
]
