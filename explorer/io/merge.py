"""Import rows into the open map: the mapping, the plan, and the merge as one undoable command.

An import has three steps, each usable on its own:

1. a :class:`Mapping` says what each column means: which gives the node's
   **name**, its **kind** (a kind of the ontology, by label or local name, any
   case: "Person", "professional group"), its **unit** (``org:memberOf``), its
   **role** kinds (``rx:roleKind``: clinical, managerial, academic,
   administrative), whom it **reports to** (``org:reportsTo``), its
   **profession** (``rx:ofProfession``), an **identifier**, and which columns
   hold a property of the ontology (coerced with
   :meth:`~explorer.core.schema.Schema.coerce`). :func:`guess_mapping` guesses
   one from the headers; :func:`load_mapping` reads one from a file;
2. :func:`plan_import` works out, without changing anything, which rows add a
   node, which update one already on the map, and which cannot be imported,
   with a :class:`Problem` per bad value naming its row and column (the header
   is row 1, as in the spreadsheet). Good rows are never held back by bad ones;
3. :func:`apply_plan` applies the plan as **one** command: a single undo takes
   the whole import back.

Matching. A row with an identifier that is an IRI (``http``, ``https`` or
``urn``) is the node with that IRI, or a new node keeping it (so an export
imports back with the same IRIs); any other identifier is kept as
``dct:identifier`` and matched against it on the next import. A row without an
identifier matches a node of the same kind with the same name (any case). Units
and professions named but found nowhere are created; "reports to" must name a
person or role in the file or on the map (by identifier or name).

Conflicts. When a matched node already has a different value for something the
row gives, ``on_conflict`` decides: ``"keep"`` the map's value, ``"replace"`` it
with the file's, or ``"add"`` the row as a new node. Values the node lacks are
always added.

A mapping file is TOML (``.toml``) or JSON (``.json``) with the same keys::

    # roster-mapping.toml
    [columns]                 # what each column gives; leave out what the file lacks
    name = "Full name"
    kind = "Type"
    identifier = "Staff number"
    unit = "Department"
    role = "Role"
    reports_to = "Line manager"
    profession = "Staff group"

    [properties]              # other columns: a property by label, local name, rx:name or IRI
    "Workload" = "workload"
    "Notes" = "rdfs:comment"

    [kinds]                   # kind cells that are not the name of a kind
    "Nurse" = "Role"

    [defaults]
    kind = "Person"           # for rows whose kind cell is empty (or without a kind column)
    relation = "influences"   # graph files: edges that name no relation
    on_conflict = "keep"      # keep | replace | add

    [edges]                   # graph files and Kumu blueprints: the edge columns
    from = "from"
    to = "to"
    relation = "type"

    [relations]               # relation cells that are not the name of a relation
    "likes" = "influences"

Examples
--------
>>> import os, tempfile, pathlib
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.io.tables import read_csv
>>> path = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
>>> _ = path.write_text("Name,Kind,Team,Manager\\nAna,Person,ICU,\\nBen,Person,ICU,Ana\\n,Person,ICU,\\nCid,Robot,ICU,\\n", encoding="utf-8")
>>> doc = MapDocument.new()
>>> source = read_csv(path)
>>> mapping = guess_mapping(source, schema_of(doc))
>>> mapping.columns
{'name': 'Name', 'kind': 'Kind', 'unit': 'Team', 'reports_to': 'Manager'}
>>> plan = plan_import(doc, source, mapping)
>>> print(plan.summary())
2 new nodes, 2 rows not imported; 1 new node named in the rows (units, professions); 3 ties.
>>> for problem in plan.problems: print(problem)  # doctest: +ELLIPSIS
row 4, column “Name”: the name is empty (row not imported)
row 5, column “Kind”: “Robot” is not a kind of node; use one of: Role, Person, Professional group, Unit, ... (row not imported)
>>> command = apply_plan(doc, plan)
>>> doc.stack.undo_text
'Import roster.csv'
>>> doc.close()
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS

from ..core.commands import Command, diff
from ..core.document import STANDARD_PREFIXES
from ..core.errors import ExplorerError
from ..core.namespaces import RX
from ..core.schema import Kind, PropertySpec, Relation, Schema
from ..core.terms import DEFAULT_GRAPH
from .tables import ImportSource, Table, cell_text

Progress = Callable[[int, int], None]

#: What a column can give besides a property, with the words a dialog shows.
TARGETS: dict[str, str] = {
    "name": "Name",
    "kind": "Kind",
    "identifier": "Identifier",
    "unit": "Unit (member of)",
    "role": "Role kind",
    "reports_to": "Reports to",
    "profession": "Profession",
}
#: Targets that tie the row's node to another node: (predicate, kind created when the named node is missing).
LINK_TARGETS: dict[str, tuple[URIRef, URIRef | None]] = {
    "unit": (ORG.memberOf, RX.Unit),
    "profession": (RX.ofProfession, RX.ProfessionalGroup),
    "reports_to": (ORG.reportsTo, None),
}
#: Mapping files larger than this are refused before reading (a mapping is a few KB; every value is held).
MAX_MAPPING_BYTES = 1_000_000
#: Edge columns of graph files and Kumu blueprints.
EDGE_TARGETS = ("from", "to", "relation", "identifier", "direction")
ON_CONFLICT: dict[str, str] = {
    "keep": "keep the map's value",
    "replace": "take the file's value",
    "add": "add the row as a new node",
}

_IRI = re.compile(r"(?:https?://|urn:)[^\s<>\"{}|\\^`]+", re.IGNORECASE)
_SPLIT = re.compile(r"\s*;\s*")
_ROLE_SPLIT = re.compile(r"\s*(?:[;,/&+]|\band\b)\s*", re.IGNORECASE)
_INTERNAL = frozenset({RX["from"], RX.to})
_TIES = frozenset(predicate for predicate, _ in LINK_TARGETS.values())

_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "label", "fullname", "displayname", "employeename", "staffname", "personname", "nodename", "element"),
    "kind": ("kind", "type", "nodekind", "nodetype", "elementtype", "category", "class"),
    "identifier": ("id", "identifier", "iri", "uri", "staffid", "staffnumber", "employeeid", "employeenumber",
                   "personid", "payrollnumber", "key"),
    "unit": ("unit", "team", "department", "dept", "ward", "division", "service", "memberof", "unitname",
             "teamname", "departmentname", "orgunit", "organisationalunit", "organizationalunit"),
    "role": ("role", "roles", "rolekind", "rolekinds", "roletype"),
    "reports_to": ("reportsto", "reportingto", "manager", "linemanager", "supervisor", "managername", "reportsline"),
    "profession": ("profession", "professionalgroup", "staffgroup", "occupation", "discipline", "ofprofession"),
}
_PROPERTY_WORDS: dict[str, URIRef] = {
    "description": RDFS.comment, "notes": RDFS.comment, "note": RDFS.comment, "comments": RDFS.comment,
}
_EDGE_WORDS: dict[str, tuple[str, ...]] = {
    "from": ("from", "source", "sourceid", "start"),
    "to": ("to", "target", "targetid", "end"),
    "relation": ("relation", "type", "predicate", "relationtype", "connectiontype", "label"),
    "identifier": ("id", "identifier", "iri"),
}


def _value_key(term):
    """A term compared by value: ``"0.0"^^xsd:decimal`` is ``"0"^^xsd:decimal``."""
    if isinstance(term, Literal):
        value = term.value
        try:
            hash(value)
        except TypeError:
            value = None
        return ("literal", term.datatype, term.language, value if value is not None else str(term))
    return term


def _same_values(have: Iterable, wanted: Iterable) -> bool:
    return {_value_key(t) for t in have} == {_value_key(t) for t in wanted}


def _norm(text) -> str:
    """Text compared loosely: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", str(text).casefold())


def _name_key(text: str) -> str:
    """A name compared as a person would: any case, spaces collapsed."""
    return " ".join(str(text).split()).casefold()


def _show(text, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _local(iri) -> str:
    text = str(iri).rstrip("/#")
    for sep in ("#", "/", ":"):
        if sep in text:
            return text.rsplit(sep, 1)[1]
    return text


def _expand(text: str) -> str | None:
    """A prefixed name (``rx:workload``) or ``<IRI>``/IRI as a full IRI string, else None."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, colon, rest = text.partition(":")
    if colon and prefix in STANDARD_PREFIXES and not rest.startswith("//"):
        return STANDARD_PREFIXES[prefix] + rest
    if _IRI.fullmatch(text):
        return text
    return None


def schema_of(doc) -> Schema:
    """The schema of ``doc``'s ontology (the shipped one if the map was opened without it)."""
    from ..core.document import ONTOLOGY_GRAPH

    if ONTOLOGY_GRAPH in doc.store.graph_names():
        return Schema.from_store(doc.store)
    from ..core.resources import ontology_files
    from ..core.store import EmbeddedStore

    store = EmbeddedStore()
    for file in ontology_files():
        store.load(file, graph=ONTOLOGY_GRAPH)
    return Schema.from_store(store)


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
    >>> doc = MapDocument.new(); schema = schema_of(doc)
    >>> find_kind(schema, "professional group").iri == RX.ProfessionalGroup, find_kind(schema, "rx:Unit").label
    (True, 'Unit')
    >>> find_kind(schema, "Robot") is None
    True
    >>> doc.close()
    """
    return _find_named(node_kinds(schema), text)


def _find_named(items: Iterable, text):
    """The item (with ``iri`` and ``label``) that ``text`` names: by IRI, else by label or local name, any case."""
    text = cell_text(text).strip()
    if not text:
        return None
    items = list(items)
    iri = _expand(text)
    if iri is not None:
        for item in items:
            if str(item.iri) == iri:
                return item
    key = _norm(text)
    return next((item for item in items if key in (_norm(item.label), _norm(_local(item.iri)))), None)


def _tie_properties(schema: Schema) -> list[PropertySpec]:
    """Properties whose values are other nodes (plain ties), tie attributes aside."""
    return [spec for spec in schema.properties.values()
            if spec.widget in ("link", "source") and spec.iri not in _INTERNAL
            and not any(schema.kind(d) is not None and schema.kind(d).is_tie for d in spec.domain)]


def allowed_relations(schema: Schema, source_kind, target_kind) -> frozenset:
    """IRIs of the relations that may tie a ``source_kind`` node to a ``target_kind`` node.

    Those :meth:`Schema.relations_between` offers, plus the object properties
    whose domain and range admit the two kinds when either is left open
    (``rx:bearsOn``, ``dct:source``...), which a map may hold but the canvas does
    not offer between every pair of kinds.
    """
    offered = {r.iri for r in schema.relations_between(source_kind, target_kind)}
    open_ended = {spec.iri for spec in _tie_properties(schema)
                  if schema.admits(spec.domain, source_kind) and schema.admits(spec.range, target_kind)}
    return frozenset(offered | open_ended)


def all_relations(schema: Schema) -> list[Relation]:
    """Every relation of the ontology: plain object properties, then qualified tie kinds."""
    plain = [Relation(spec.iri, spec.label, spec.comment) for spec in _tie_properties(schema)]
    qualified = [Relation(k.iri, k.label, k.comment, qualified=True) for k in schema.kinds.values() if k.is_tie and k.in_palette]
    return sorted(plain, key=lambda r: r.label.casefold()) + sorted(qualified, key=lambda r: r.label.casefold())


def find_relation(relations: Iterable[Relation], text) -> Relation | None:
    """The relation ``text`` names (label, local name, prefixed name or IRI, any case)."""
    return _find_named(relations, text)


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
    iri = _expand(text)
    if iri is not None:
        # Other vocabularies' properties are the person's call; the ontology's own must exist.
        known = URIRef(iri) in schema.properties or not iri.startswith(STANDARD_PREFIXES["rx"])
        return schema.property(URIRef(iri)) if known else None
    key = _norm(text)
    if key in _PROPERTY_WORDS:
        return schema.property(_PROPERTY_WORDS[key])
    for spec in mappable_properties(schema):
        if key in (_norm(spec.label), _norm(_local(spec.iri))):
            return spec
    return None


# ------------------------------------------------------------------------- mapping


@dataclass
class Mapping:
    """What each column of an import means.

    Attributes
    ----------
    columns : dict
        Target (a key of :data:`TARGETS`) -> column name.
    properties : dict
        Column name -> property IRI.
    default_kind : URIRef or None
        Kind of rows whose kind cell is empty, or of every row without a kind column.
    kind_values : dict
        Kind cell (compared loosely) -> kind IRI, for cells that are not a kind's own name.
    edge_columns : dict
        For sources with edges: ``from``, ``to``, ``relation``, ``identifier``, ``direction`` -> column.
    default_relation : URIRef or None
        Relation of edges that name none.
    relation_values : dict
        Relation cell (compared loosely) -> relation IRI.
    on_conflict : str
        ``"keep"``, ``"replace"`` or ``"add"`` (see the module's description).
    """

    columns: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)
    default_kind: URIRef | None = None
    kind_values: dict = field(default_factory=dict)
    edge_columns: dict = field(default_factory=dict)
    default_relation: URIRef | None = None
    relation_values: dict = field(default_factory=dict)
    on_conflict: str = "keep"

    def target_of(self, column: str) -> str | None:
        """``"name"``, ``"kind"``... or ``"property"`` for ``column``; None when it is left out."""
        for target, name in self.columns.items():
            if name == column:
                return target
        return "property" if column in self.properties else None

    def assign(self, column: str, target: str | None, prop: URIRef | None = None) -> None:
        """Give ``column`` a ``target`` (or a property), taking it from any column that had it."""
        self.columns = {t: c for t, c in self.columns.items() if c != column}
        self.properties.pop(column, None)
        if target == "property":
            if prop is None:
                raise ValueError("a property target needs the property")
            self.properties[column] = prop
        elif target is not None:
            self.columns[target] = column

    def to_dict(self) -> dict:
        """The mapping as the dictionary a mapping file holds (JSON-ready)."""
        data: dict = {"columns": dict(self.columns), "properties": {c: str(p) for c, p in self.properties.items()}}
        if self.kind_values:
            data["kinds"] = {k: str(v) for k, v in self.kind_values.items()}
        defaults = {"on_conflict": self.on_conflict}
        if self.default_kind is not None:
            defaults["kind"] = str(self.default_kind)
        if self.default_relation is not None:
            defaults["relation"] = str(self.default_relation)
        data["defaults"] = defaults
        if self.edge_columns:
            data["edges"] = dict(self.edge_columns)
        if self.relation_values:
            data["relations"] = {k: str(v) for k, v in self.relation_values.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict, schema: Schema, *, where: str = "the mapping", source: ImportSource | None = None) -> Mapping:
        """Read a mapping file's dictionary; an :class:`ExplorerError` names any key that makes no sense.

        ``source``, when given, is checked to have every column the mapping names.
        """
        if not isinstance(data, dict):
            raise ExplorerError(f"{where}: a mapping must be a table (TOML) or an object (JSON).")
        unknown = set(data) - {"columns", "properties", "kinds", "defaults", "edges", "relations"}
        if unknown:
            raise ExplorerError(f"{where}: unknown section(s) {', '.join(sorted(map(repr, unknown)))}; "
                                "use columns, properties, kinds, defaults, edges, relations.")

        def section(name: str) -> dict:
            value = data.get(name, {})
            if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                raise ExplorerError(f"{where}: [{name}] must map names to text values.")
            return value

        mapping = cls()
        for target, column in section("columns").items():
            if target not in TARGETS:
                raise ExplorerError(f"{where}: [columns] has {target!r}; the targets are {', '.join(TARGETS)}.")
            mapping.columns[target] = column
        for column, name in section("properties").items():
            spec = find_property(schema, name)
            if spec is None:
                raise ExplorerError(f"{where}: [properties] {column!r} = {name!r} names no property of the ontology.")
            mapping.properties[column] = spec.iri
        kinds = [k.label for k in node_kinds(schema)]
        for value, name in section("kinds").items():
            kind = find_kind(schema, name)
            if kind is None:
                raise ExplorerError(f"{where}: [kinds] {value!r} = {name!r} is not a kind; use one of: {', '.join(kinds)}.")
            mapping.kind_values[_norm(value)] = kind.iri
        relations = all_relations(schema)
        defaults = section("defaults")
        for key in defaults:
            if key not in ("kind", "relation", "on_conflict"):
                raise ExplorerError(f"{where}: [defaults] has {key!r}; use kind, relation, on_conflict.")
        if "kind" in defaults:
            kind = find_kind(schema, defaults["kind"])
            if kind is None:
                raise ExplorerError(f"{where}: [defaults] kind = {defaults['kind']!r} is not a kind; use one of: {', '.join(kinds)}.")
            mapping.default_kind = kind.iri
        if "relation" in defaults:
            relation = find_relation(relations, defaults["relation"])
            if relation is None:
                raise ExplorerError(f"{where}: [defaults] relation = {defaults['relation']!r} is not a relation of the ontology.")
            mapping.default_relation = relation.iri
        if "on_conflict" in defaults:
            if defaults["on_conflict"] not in ON_CONFLICT:
                raise ExplorerError(f"{where}: [defaults] on_conflict must be one of {', '.join(ON_CONFLICT)}.")
            mapping.on_conflict = defaults["on_conflict"]
        for target, column in section("edges").items():
            if target not in EDGE_TARGETS:
                raise ExplorerError(f"{where}: [edges] has {target!r}; use {', '.join(EDGE_TARGETS)}.")
            mapping.edge_columns[target] = column
        for value, name in section("relations").items():
            relation = find_relation(relations, name)
            if relation is None:
                raise ExplorerError(f"{where}: [relations] {value!r} = {name!r} is not a relation of the ontology.")
            mapping.relation_values[_norm(value)] = relation.iri
        if source is not None:
            known = set(source.nodes.columns)
            for column in [*mapping.columns.values(), *mapping.properties]:
                if column not in known:
                    raise ExplorerError(f"{where}: the column {column!r} is not in {source.name}; its columns are "
                                        f"{', '.join(map(repr, source.nodes.columns[:20]))}.")
            edge_known = set(source.edges.columns) if source.edges is not None else set()
            for column in mapping.edge_columns.values():
                if column not in edge_known:
                    raise ExplorerError(f"{where}: the edge column {column!r} is not in {source.name}.")
        return mapping


def load_mapping(path: str | Path, schema: Schema, *, source: ImportSource | None = None) -> Mapping:
    """Read a mapping file: TOML (``.toml``) or JSON (``.json``); see the module's description.

    Raises
    ------
    ExplorerError
        The file cannot be read or parsed (names line and column), or names
        columns, kinds or properties that do not exist.
    """
    from .json_input import load_json, load_toml

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_MAPPING_BYTES:
            raise ExplorerError(f"The mapping file {path.name} is {size:,} bytes; a mapping names columns, kinds and relations "
                                f"in a few KB, and files over {MAX_MAPPING_BYTES:,} bytes are refused.")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ExplorerError(f"Cannot read the mapping file {path.name}: {err}") from None
    # Nesting and numbers past Python's parsers' own limits are refused with a line and column.
    data = load_json(text, name=path.name) if path.suffix.lower() == ".json" else load_toml(text, name=path.name)
    return Mapping.from_dict(data, schema, where=path.name, source=source)


def guess_mapping(source: ImportSource, schema: Schema) -> Mapping:
    """A mapping from what the format suggests, then from the column headers.

    Headers are compared loosely ("Line manager" = "linemanager"): name/label,
    kind/type, unit/team/department, role, reports to/manager, id/identifier,
    profession/staff group, and the label or local name of a property.
    """
    mapping = Mapping()
    suggested = source.suggested or {}
    columns = list(source.nodes.columns)
    ignored = set(suggested.get("ignore", ()))
    for target in TARGETS:
        column = suggested.get(target)
        if column in columns:
            mapping.columns[target] = column
    for column, name in (suggested.get("properties") or {}).items():
        spec = find_property(schema, name)
        if column in columns and spec is not None:
            mapping.properties[column] = spec.iri
    taken = set(mapping.columns.values()) | set(mapping.properties) | ignored
    for column in columns:
        if column in taken:
            continue
        key = _norm(column)
        target = next((t for t, words in _HEADER_WORDS.items() if key in words and t not in mapping.columns), None)
        if target is not None:
            mapping.columns[target] = column
            continue
        spec = find_property(schema, column)
        # Not rdf:type from a header: a "Type" column beside the kind is usually something else (a contract
        # type...); graph files of this app's own export suggest it themselves.
        if spec is not None and spec.iri not in mapping.properties.values() and spec.iri not in (RDFS.label, RDF.type):
            mapping.properties[column] = spec.iri
    if "kind" not in mapping.columns:
        mapping.default_kind = RX.Person if "reports_to" in mapping.columns or "role" in mapping.columns or "unit" in mapping.columns else None
    if source.edges is not None:
        edge_columns = list(source.edges.columns)
        for target, column in (suggested.get("edges") or {}).items():
            if column in edge_columns:
                mapping.edge_columns[target] = column
        for column in edge_columns:
            key = _norm(column)
            target = next((t for t, words in _EDGE_WORDS.items() if key in words and t not in mapping.edge_columns), None)
            if target is not None and column not in mapping.edge_columns.values():
                mapping.edge_columns[target] = column
    return mapping


# ---------------------------------------------------------------------------- plan


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
            where.append(f"column “{_show(self.column, 60)}”")
        tail = f" ({self.noun} not imported)" if self.skipped else " (value left out)"
        return f"{', '.join(where)}: {self.message}{tail}" if where else self.message + tail


@dataclass
class PlannedRow:
    """One row as it will be imported, for a preview."""

    row: int
    action: str  # "new", "update", "unchanged", "skip"
    kind: str = ""
    name: str = ""
    unit: str = ""
    role: str = ""
    reports_to: str = ""
    iri: URIRef | None = None


@dataclass
class ImportPlan:
    """What an import will do; nothing has changed yet. Apply with :func:`apply_plan`.

    Attributes
    ----------
    label : str
        The undo label ("Import roster.csv").
    added, removed : list
        Quads the import adds and removes.
    rows : list of PlannedRow
        Every node row, in file order, with what happens to it.
    problems : list of Problem
        Everything left out, with row and column.
    new_nodes : dict
        IRI -> level order (1 micro, 2 meso, 3 macro) of every node the import creates.
    fresh : frozenset
        IRIs the import mints (new nodes and qualified ties): quads about them are new.
    counts : dict
        ``new``, ``update``, ``unchanged``, ``skip``, ``created`` (named units and
        professions), ``ties``, ``conflicts``.
    notes : list of str
        Said once: what the file holds that is not imported, how conflicts went.
    """

    label: str
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    new_nodes: dict = field(default_factory=dict)
    fresh: frozenset = frozenset()
    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    notes_conflict: str = ""

    @property
    def imported(self) -> int:
        """How many rows were imported (new, updated or already as in the file)."""
        return self.counts.get("new", 0) + self.counts.get("update", 0) + self.counts.get("unchanged", 0)

    def summary(self) -> str:
        """One sentence: what the import does."""
        c = self.counts

        def n(count: int, one: str, many: str | None = None) -> str:
            return f"{count:,} {one if count == 1 else (many or one + 's')}"

        parts = []
        if c.get("new"):
            parts.append(n(c["new"], "new node"))
        if c.get("update"):
            parts.append(n(c["update"], "node updated", "nodes updated"))
        if c.get("unchanged"):
            parts.append(n(c["unchanged"], "node unchanged", "nodes unchanged"))
        if c.get("skip"):
            parts.append(n(c["skip"], "row not imported", "rows not imported"))
        text = ", ".join(parts) or "nothing to import"
        extra = []
        if c.get("created"):
            extra.append(n(c["created"], "new node named in the rows (units, professions)", "new nodes named in the rows (units, professions)"))
        if c.get("ties"):
            extra.append(n(c["ties"], "tie"))
        if c.get("conflicts"):
            extra.append(n(c["conflicts"], "conflict") + f" ({self.notes_conflict})")
        return text + ("; " + "; ".join(extra) if extra else "") + "."


class _Record:
    """One node row while planning."""

    __slots__ = ("row", "name", "kind", "identifier", "iri", "matched", "values", "labels", "action", "display", "new_iri_hint", "level")

    def __init__(self, row: int, name: str, kind: Kind) -> None:
        self.row = row
        self.name = name
        self.kind = kind
        self.identifier: str | None = None
        self.iri: URIRef | None = None  # the node's IRI once known
        self.matched = False  # True: an existing node of the map
        self.values: dict = {}  # predicate -> list of values (terms, or _Record references)
        self.labels: dict = {}  # target -> display text, for the preview
        self.action = "new"
        self.new_iri_hint: URIRef | None = None
        self.level = None


class _Miss(str):
    """Why a reference could not be resolved (a distinct type: an IRI is a str too)."""


class _Created:
    """A unit or profession named in rows but not found: created once."""

    __slots__ = ("name", "kind", "iri")

    def __init__(self, name: str, kind: Kind) -> None:
        self.name, self.kind, self.iri = name, kind, None


class _MapIndex:
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
                self.by_name.setdefault(_name_key(o), []).append(s)
        self.by_identifier: dict[str, list[str]] = {}
        for s, _, o, kind, _ in store.text_triples(None, DCTERMS.identifier, None, DEFAULT_GRAPH):
            if kind == 2 and s in self.kind:
                self.by_identifier.setdefault(o.strip(), []).append(s)
        self.subjects = types.keys()


def _cell(table: Table, cells: tuple, column: str | None) -> str:
    if column is None:
        return ""
    try:
        index = table.columns.index(column)
    except ValueError:
        return ""
    return cell_text(cells[index]).strip() if index < len(cells) else ""


class _Planner:
    def __init__(self, doc, source: ImportSource, mapping: Mapping, schema: Schema, progress: Progress | None) -> None:
        self.doc = doc
        self.store = doc.store
        self.source = source
        self.mapping = mapping
        self.schema = schema
        self.progress = progress
        self.index = _MapIndex(doc.store, schema)
        self.problems: list[Problem] = []
        self.records: list[_Record] = []
        self.skipped_rows: dict[int, str] = {}
        self.by_identifier: dict[str, _Record] = {}
        self.by_name: dict[str, list[_Record]] = {}
        self.created: dict[tuple, _Created] = {}
        self.kinds = node_kinds(schema)
        self.relations = all_relations(schema)
        self.conflicts = 0
        self.rows: list[PlannedRow] = []
        self._table_columns = {c: i for i, c in enumerate(source.nodes.columns)}
        self._steps = len(source.nodes.rows) * 2 + (len(source.edges.rows) if source.edges is not None else 0)
        self._done = 0
        self._spec_cache: dict = {}
        self._allowed: dict = {}
        self._kind_cache: dict = {}
        self._skipped_names: dict | None = None
        self.fresh: set = set()  # subjects the import mints: every quad about them is new
        self._coerced: dict = {}
        self._concepts: dict = {}
        self.notes: list = list(source.notes)

    # ------------------------------------------------------------------ helpers
    def tick(self, count: int = 1) -> None:
        self._done += count
        if self.progress is not None and self._done % 500 == 0:
            self.progress(self._done, self._steps)

    def problem(self, row, column, message, *, skipped=True, noun=None) -> None:
        self.problems.append(Problem(row, column, message, skipped, noun or self.source.nodes.noun))

    def kind_for(self, text: str) -> Kind | None:
        text = text.strip()
        if text in self._kind_cache:
            return self._kind_cache[text]
        mapped = self.mapping.kind_values.get(_norm(text))
        kind = self.schema.kind(mapped) if mapped is not None else find_kind(self.schema, text)
        if len(self._kind_cache) < 10_000:
            self._kind_cache[text] = kind
        return kind

    def coerce(self, prop, text: str):
        """:meth:`Schema.coerce`, remembered: the same few values recur down a column."""
        key = (prop, text)
        found = self._coerced.get(key)
        if found is None:
            try:
                found = self.schema.coerce(prop, text)
            except ValueError as err:
                found = _Miss(str(err))
            if len(text) < 200 and len(self._coerced) < 100_000:
                self._coerced[key] = found
        if isinstance(found, _Miss):
            raise ValueError(str(found))
        return found

    def allowed(self, source_kind: Kind, predicate, target_kind: Kind) -> bool:
        return predicate in self.allowed_between(source_kind, target_kind)

    def allowed_between(self, source_kind: Kind, target_kind: Kind) -> frozenset:
        key = (source_kind.iri, target_kind.iri)
        found = self._allowed.get(key)
        if found is None:
            found = self._allowed[key] = allowed_relations(self.schema, *key)
        return found

    # --------------------------------------------------------------- first pass
    def read_rows(self) -> None:
        table, columns = self.source.nodes, self.mapping.columns
        name_col, kind_col, id_col = columns.get("name"), columns.get("kind"), columns.get("identifier")
        default_kind = self.schema.kind(self.mapping.default_kind) if self.mapping.default_kind is not None else None
        if name_col is None:
            raise ExplorerError("Choose the column that gives each node's name before importing.")
        kind_names = ", ".join(k.label for k in self.kinds)
        for number, cells in table.rows:
            self.tick()
            name = _cell(table, cells, name_col)
            if not name:
                self.skip(number, name_col, "the name is empty")
                continue
            try:
                label = self.schema.coerce(RDFS.label, name)
            except ValueError as err:
                self.skip(number, name_col, str(err).replace("label", "the name", 1))
                continue
            kind_text = _cell(table, cells, kind_col)
            if kind_text:
                kind = self.kind_for(kind_text)
                if kind is None:
                    self.skip(number, kind_col, f"“{_show(kind_text)}” is not a kind of node; use one of: {kind_names}")
                    continue
            elif default_kind is not None:
                kind = default_kind
            else:
                self.skip(number, kind_col, "the kind is empty; choose a kind for rows without one" if kind_col
                          else "no column gives the kind; choose a kind for the rows")
                continue
            record = _Record(number, str(label), kind)
            identifier = _cell(table, cells, id_col)
            if identifier:
                if identifier in self.by_identifier:
                    self.skip(number, id_col, f"the identifier “{_show(identifier)}” is also in "
                                              f"{table.noun} {self.by_identifier[identifier].row}")
                    continue
                record.identifier = identifier
                if not self.match_identifier(record, id_col):
                    continue
            else:
                key = (_name_key(record.name), kind.iri)
                twin = next((r for r in self.by_name.get(key[0], ()) if r.kind.iri == kind.iri and r.identifier is None), None)
                if twin is not None:
                    self.skip(number, name_col, f"a {kind.label.lower()} called “{_show(name)}” is already in {table.noun} "
                                                f"{twin.row}; add an identifier column to import both")
                    continue
                if not self.match_name(record, name_col):
                    continue
            self.records.append(record)
            if record.identifier is not None:
                self.by_identifier[record.identifier] = record
            self.by_name.setdefault(_name_key(record.name), []).append(record)

    def skip(self, number: int, column, message: str) -> None:
        self.problem(number, column, message)
        self.skipped_rows[number] = message

    def match_identifier(self, record: _Record, column) -> bool:
        identifier = record.identifier
        if _IRI.fullmatch(identifier):
            iri = URIRef(identifier)
            existing = self.index.kind.get(identifier)
            if existing is not None:
                record.iri, record.matched = iri, True
            elif identifier in self.index.subjects:
                self.skip(record.row, column, f"the identifier names <{_show(identifier, 60)}>, which is on the map but is not a node")
                return False
            else:
                record.new_iri_hint = iri
            return True
        found = self.index.by_identifier.get(identifier, [])
        if len(found) > 1:
            self.skip(record.row, column, f"{len(found)} nodes on the map have the identifier “{_show(identifier)}”")
            return False
        if found:
            record.iri, record.matched = URIRef(found[0]), True
        return True

    def match_name(self, record: _Record, column) -> bool:
        found = [s for s in self.index.by_name.get(_name_key(record.name), ()) if self.index.kind[s].iri == record.kind.iri]
        if len(found) > 1:
            self.skip(record.row, column, f"{len(found)} {record.kind.label.lower()}s on the map are called “{_show(record.name)}”; "
                                          "add an identifier column to say which")
            return False
        if found:
            record.iri, record.matched = URIRef(found[0]), True
        return True

    # -------------------------------------------------------------- references
    def resolve(self, text: str, predicate, source_kind: Kind, *, create: Kind | None = None, own: _Record | None = None):
        """The node ``text`` names for ``predicate`` from a ``source_kind`` node: a record, an IRI, a _Created, or an error message."""
        relation_label = self.schema.property(predicate).label
        candidates: list = []
        record = self.by_identifier.get(text)
        if record is not None:
            candidates = [record]
        elif _IRI.fullmatch(text) and text in self.index.kind:
            candidates = [URIRef(text)]
        elif text in self.index.by_identifier:
            candidates = [URIRef(s) for s in self.index.by_identifier[text]]
        else:
            key = _name_key(text)
            in_file = [r for r in self.by_name.get(key, ()) if r is not own]
            matched = {r.iri for r in in_file if r.matched}
            candidates = in_file + [URIRef(s) for s in self.index.by_name.get(key, ()) if URIRef(s) not in matched]
        fitting = [c for c in candidates if self.allowed(source_kind, predicate, self.kind_of(c))]
        if len(fitting) == 1:
            return fitting[0]
        if len(fitting) > 1:
            return _Miss(f"{len(fitting)} nodes are called “{_show(text)}”; use identifiers to say which")
        if candidates:
            other = self.kind_of(candidates[0])
            return _Miss(f"“{_show(text)}” is a {other.label.lower()}; the ontology has no “{relation_label}” from a {source_kind.label.lower()} to a {other.label.lower()}")
        if create is not None:
            if not self.allowed(source_kind, predicate, create):
                return _Miss(f"the ontology has no “{relation_label}” from a {source_kind.label.lower()} to a {create.label.lower()}")
            key = (_name_key(text), create.iri)
            made = self.created.get(key)
            if made is None:
                made = self.created[key] = _Created(" ".join(text.split()), create)
            return made
        skipped = next(iter(self.skipped_with_name(text)), None)
        if skipped is not None:
            return _Miss(f"“{_show(text)}” is {self.source.nodes.noun} {skipped}, which is not imported")
        return _Miss(f"“{_show(text)}” names nobody in the file or on the map")

    def skipped_with_name(self, text: str) -> list[int]:
        """Numbers of the rows left out whose name or identifier is ``text``."""
        if self._skipped_names is None:
            table, name_col = self.source.nodes, self.mapping.columns.get("name")
            id_col = self.mapping.columns.get("identifier")
            self._skipped_names = {}
            for number, cells in table.rows:
                if number in self.skipped_rows:
                    for key in {_name_key(_cell(table, cells, name_col)), _cell(table, cells, id_col)} - {""}:
                        self._skipped_names.setdefault(key, []).append(number)
        return self._skipped_names.get(text, []) or self._skipped_names.get(_name_key(text), [])

    def kind_of(self, target) -> Kind:
        if isinstance(target, (_Record, _Created)):
            return target.kind
        return self.index.kind[str(target)]

    # -------------------------------------------------------------- second pass
    def read_values(self) -> None:
        table, columns = self.source.nodes, self.mapping.columns
        cells_by_row = dict(table.rows) if self.records else {}
        role_spec = self.schema.property(RX.roleKind)
        for record in self.records:
            self.tick()
            cells = cells_by_row[record.row]
            for target, (predicate, create) in LINK_TARGETS.items():
                column = columns.get(target)
                text = _cell(table, cells, column)
                if not text:
                    continue
                names = [text] if target == "reports_to" else [t for t in _SPLIT.split(text) if t]
                for name in names:
                    found = self.resolve(name, predicate, record.kind, create=self.schema.kind(create) if create else None, own=record)
                    if isinstance(found, _Miss):
                        self.problem(record.row, column, found, skipped=False)
                        continue
                    if found is record:
                        self.problem(record.row, column, f"a node cannot be tied to itself by “{self.schema.property(predicate).label}”", skipped=False)
                        continue
                    record.values.setdefault(predicate, []).append(found)
                    record.labels[target] = (record.labels.get(target, "") + "; " if target in record.labels else "") + name
            column = columns.get("role")
            text = _cell(table, cells, column)
            if text:
                if not self.schema.admits(role_spec.domain, record.kind.iri):
                    self.problem(record.row, column, f"a {record.kind.label.lower()} has no role kinds", skipped=False)
                else:
                    for part in [p for p in _ROLE_SPLIT.split(text) if p]:
                        concept = self.concept(role_spec, re.sub(r"(?i)\s*role$", "", part)) or self.concept(role_spec, part)
                        if concept is None:
                            choices = ", ".join(c.label for c in role_spec.choices)
                            self.problem(record.row, column, f"“{_show(part)}” is not a role kind; use one of: {choices} "
                                                             "(a job title can go in a comment column)", skipped=False)
                            continue
                        record.values.setdefault(RX.roleKind, []).append(concept)
                        record.labels["role"] = (record.labels["role"] + "; " if "role" in record.labels else "") + part
            for column, prop in self.mapping.properties.items():
                text = _cell(table, cells, column)
                if text:
                    self.property_value(record, column, prop, text)
            if record.matched:
                self.decide(record)

    def concept(self, spec: PropertySpec, text: str):
        key = (spec.iri, text)
        if key not in self._concepts:
            self._concepts[key] = self._find_concept(spec, text)
        return self._concepts[key]

    def _find_concept(self, spec: PropertySpec, text: str):
        text = text.strip()
        iri = _expand(text)
        key = _norm(text)
        for concept in spec.choices:
            if (iri is not None and str(concept.iri) == iri) or key in (_norm(concept.label), _norm(_local(concept.iri))):
                return concept.iri
        if spec.iri == RX.level:
            for concept in self.schema.levels:
                if key in (_norm(concept.label), _norm(_local(concept.iri)), str(concept.order)):
                    return concept.iri
        return None

    def property_value(self, record: _Record, column: str, prop: URIRef, text: str) -> None:
        if prop == RDF.type:
            self.type_values(record, column, text)
            return
        spec = self.schema.property(prop)
        if spec.domain and not self.schema.admits(spec.domain, record.kind.iri):
            self.problem(record.row, column, f"“{spec.label}” does not apply to a {record.kind.label.lower()}", skipped=False)
            return
        if spec.iri == RX.level:
            spec = PropertySpec(RX.level, spec.label, widget="choice", choices=self.schema.levels, single=True)
        parts = [text] if spec.single or spec.widget in ("text", "multiline") else [p for p in _SPLIT.split(text) if p]
        for part in parts:
            if spec.widget == "choice":
                value = self.concept(spec, part)
                if value is None:
                    choices = ", ".join(c.label for c in spec.choices[:8])
                    self.problem(record.row, column, f"{spec.label} must be one of: {choices}; “{_show(part)}” is not", skipped=False)
                    continue
            elif spec.widget == "link":
                value = self.resolve(part, prop, record.kind, own=record)
                if isinstance(value, _Miss):
                    self.problem(record.row, column, value, skipped=False)
                    continue
            else:
                try:
                    value = self.coerce(prop, part)
                except ValueError as err:
                    self.problem(record.row, column, str(err), skipped=False)
                    continue
            record.values.setdefault(prop, []).append(value)

    def type_values(self, record: _Record, column: str, text: str) -> None:
        """Types a node has besides its kind (``rx:OpinionLeader`` on a role): IRIs or prefixed names, "; " apart."""
        for part in (p for p in _SPLIT.split(text) if p):
            iri = _expand(part)
            kind = self.schema.kind(URIRef(iri)) if iri is not None else None
            if iri is None or (kind is not None and (kind.is_tie or kind.iri == RX.QualifiedTie)):
                # A tie's class would turn the node into a tie.
                self.problem(record.row, column, f"“{_show(part)}” is not the IRI of a class a node can have", skipped=False)
                continue
            record.values.setdefault(RDF.type, []).append(URIRef(iri))

    def term(self, value):
        """A value's RDF term now (None for a node not yet minted)."""
        if isinstance(value, (_Record, _Created)):
            return value.iri
        return value

    def decide(self, record: _Record) -> None:
        """Compare a matched node with its row: unchanged, update, or (on conflict with "add") new."""
        node = record.iri
        differs = False
        conflict = False
        existing_label = self.index.label.get(str(node))
        if record.identifier is not None and existing_label is not None and _name_key(existing_label) != _name_key(record.name):
            conflict = True
        current_kind = self.index.kind.get(str(node))
        if current_kind is not None and current_kind.iri != record.kind.iri:
            conflict = True
        for predicate, values in record.values.items():
            have = {o for _, _, o, _ in self.store.quads(node, predicate, None, DEFAULT_GRAPH)}
            wanted = {self.term(v) for v in values}
            if predicate == RDF.type:
                differs = differs or bool(wanted - have)  # types are only added (the kind is the node's own column)
                continue
            if predicate == RX.level and not have and current_kind is not None and wanted == {self.schema.level_of(current_kind)}:
                continue  # the level the kind gives anyway
            if not have:
                differs = True
            elif not _same_values(have, wanted):
                conflict = True
        if conflict:
            self.conflicts += 1
            if self.mapping.on_conflict == "add":
                record.matched, record.iri = False, None
                record.new_iri_hint = None
                return
            record.action = "update" if self.mapping.on_conflict == "replace" or differs else "unchanged"
        else:
            record.action = "update" if differs else "unchanged"

    # ------------------------------------------------------------------- quads
    def new_node(self, added: list, kind: Kind, name: str, level=None, iri=None) -> URIRef:
        """Add the quads of a new node to ``added``: those :func:`explorer.core.editing.create_node` writes.

        Built here rather than by ``create_node`` because that checks each quad
        against the store, which for a 10,000-row roster costs seconds; the IRI
        is minted by :meth:`MapDocument.mint_iri` all the same (or kept from the file).
        """
        g = DEFAULT_GRAPH
        if iri is None:
            iri = self.doc.mint_iri(kind.iri, name)
        added += [(iri, RDF.type, kind.iri, g), (iri, RDFS.label, Literal(name), g)]
        if level is not None:
            added.append((iri, RX.level, level, g))
        self.fresh.add(iri)
        return iri

    def build(self) -> tuple[list, list, dict, int]:
        added: list = []
        removed: list = []
        new_nodes: dict = {}
        g = DEFAULT_GRAPH
        for record in self.records:
            if record.matched:
                continue
            level = None
            levels = record.values.get(RX.level)
            if levels:
                level = levels[0]
                if level == self.schema.level_of(record.kind):
                    level = None
                record.values.pop(RX.level)
            hint = record.new_iri_hint
            iri = hint if hint is not None and not any(True for _ in self.store.quads(hint)) else None
            iri = self.new_node(added, record.kind, record.name, level, iri)
            record.iri = iri
            if record.identifier is not None and not _IRI.fullmatch(record.identifier):
                added.append((iri, DCTERMS.identifier, Literal(record.identifier), g))
            new_nodes[iri] = self.schema.level_order(self.schema.level_of(record.kind, level))
        for made in self.created.values():
            made.iri = iri = self.new_node(added, made.kind, made.name)
            new_nodes[iri] = self.schema.level_order(self.schema.level_of(made.kind))
        ties = 0
        for record in self.records:
            node = record.iri
            replace = record.matched and self.mapping.on_conflict == "replace"
            if record.matched and replace:
                current = self.index.kind.get(str(node))
                if current is not None and current.iri != record.kind.iri:
                    removed.append((node, RDF.type, current.iri, g))
                    added.append((node, RDF.type, record.kind.iri, g))
                if record.identifier is not None and self.index.label.get(str(node)) != record.name:
                    removed += list(self.store.quads(node, RDFS.label, None, g))
                    added.append((node, RDFS.label, Literal(record.name), g))
            for predicate, values in record.values.items():
                wanted = list(dict.fromkeys(self.term(v) for v in values))
                if self.schema.property(predicate).single and predicate not in (RX.roleKind, RDF.type):
                    wanted = wanted[:1]
                if record.matched and predicate != RDF.type:  # types are only added, never replaced
                    have = list(self.store.quads(node, predicate, None, g))
                    current = self.index.kind.get(str(node))
                    if (predicate == RX.level and not have and current is not None
                            and set(wanted) == {self.schema.level_of(current)}):
                        continue
                    if have and _same_values((q[2] for q in have), wanted):
                        continue
                    if have:
                        if not replace:
                            continue
                        # Replace only what differs: a value the file also gives stays (removing it and
                        # then finding it still on the map would leave it out altogether).
                        wanted_keys = {_value_key(v) for v in wanted}
                        removed += [q for q in have if _value_key(q[2]) not in wanted_keys]
                        have_keys = {_value_key(q[2]) for q in have}
                        wanted = [v for v in wanted if _value_key(v) not in have_keys]
                for value in wanted:
                    quad = (node, predicate, value, g)
                    if record.matched and self.store.contains(quad):
                        continue
                    added.append(quad)
                    if isinstance(value, URIRef) and predicate in _TIES:
                        ties += 1
        return added, removed, new_nodes, ties

    # ------------------------------------------------------------------- edges
    def edges(self, added: list) -> int:
        table = self.source.edges
        if table is None or not table.rows:
            return 0
        cols = self.mapping.edge_columns
        noun = table.noun
        if not cols.get("from") or not cols.get("to"):
            self.problems.append(Problem(None, None, f"the file has {len(table.rows):,} {noun}s, but no column is chosen "
                                                     "for where they start and end", True, noun))
            return 0
        default = self.mapping.default_relation
        attribute_columns = [c for c in table.columns if c not in cols.values()]
        existing_ties = 0
        count = 0
        g = DEFAULT_GRAPH
        for number, cells in table.rows:
            self.tick()
            ends = []
            for end in ("from", "to"):
                text = _cell(table, cells, cols[end])
                found = self.edge_end(text) if text else _Miss(f"the {end} end is empty")
                if isinstance(found, _Miss):
                    self.problems.append(Problem(number, cols[end], found, True, noun))
                    break
                ends.append(found)
            if len(ends) < 2:
                continue
            (source, source_kind), (target, target_kind) = ends
            allowed = self.allowed_between(source_kind, target_kind)
            text = _cell(table, cells, cols.get("relation"))
            relation = None
            if text:
                mapped = self.mapping.relation_values.get(_norm(text))
                relation = next((r for r in self.relations if r.iri == mapped), None) if mapped else find_relation(self.relations, text)
                if relation is None:
                    self.problems.append(Problem(number, cols.get("relation"), f"“{_show(text)}” is not a relation of the ontology", True, noun))
                    continue
            elif default is not None:
                relation = next((r for r in self.relations if r.iri == default), None)
            if relation is None:
                self.problems.append(Problem(number, cols.get("relation"), "no relation is given; choose a relation for edges without one", True, noun))
                continue
            if relation.iri not in allowed:
                self.problems.append(Problem(number, cols.get("relation"), f"the ontology has no “{relation.label}” from a "
                                                                           f"{source_kind.label.lower()} to a {target_kind.label.lower()}", True, noun))
                continue
            identifier = _cell(table, cells, cols.get("identifier")) if relation.qualified else ""
            if identifier and _IRI.fullmatch(identifier) and URIRef(identifier) in self.fresh:
                # Taken by a node or another tie of this same import: two things under one IRI would merge.
                self.problems.append(Problem(number, cols.get("identifier"), f"the identifier <{_show(identifier, 60)}> is already "
                                             f"used by a node or another {noun} of the file", True, noun))
                continue
            directions = [(source, target)]
            if _norm(_cell(table, cells, cols.get("direction"))) == "mutual" and relation.iri in self.allowed_between(target_kind, source_kind):
                directions.append((target, source))
            for a, b in directions:
                if not relation.qualified:
                    quad = (a, relation.iri, b, g)
                    if self.store.contains(quad):
                        existing_ties += 1
                    else:
                        added.append(quad)
                        count += 1
                    continue
                tie = URIRef(identifier) if identifier and _IRI.fullmatch(identifier) and (a, b) == directions[0] else None
                if tie is not None and any(True for _ in self.store.quads(tie)):
                    existing_ties += 1
                    continue
                if tie is None:
                    tie = self.doc.mint_iri(relation.iri, relation.label)
                self.fresh.add(tie)
                added += [(tie, RDF.type, relation.iri, g), (tie, RX["from"], a, g), (tie, RX.to, b, g)]
                count += 1
                for column in attribute_columns:
                    value = _cell(table, cells, column)
                    spec = self.tie_property(column, relation.iri)
                    if value and spec is not None:
                        linked = spec.widget in ("link", "source")
                        parts = [p for p in _SPLIT.split(value) if p] if linked and not spec.single else [value]
                        for part in parts:
                            try:
                                term = self.tie_value(spec, part)
                            except ValueError as err:
                                self.problems.append(Problem(number, column, str(err), False, noun))
                                continue
                            added.append((tie, spec.iri, term, g))
        if existing_ties:
            self.notes.append(f"{existing_ties:,} {noun}(s) already on the map were left as they are.")
        return count

    def tie_value(self, spec: PropertySpec, text: str):
        """The term a tie attribute's cell gives for ``spec``; ValueError says why there is none."""
        if spec.widget == "choice":
            term = self.concept(spec, text)
            if term is None:
                raise ValueError(f"{spec.label} must be one of: {', '.join(c.label for c in spec.choices)}")
            return term
        if spec.widget in ("link", "source"):
            # A tie's link to a node (a task reallocation's task, a source record), named as an edge end is.
            found = self.edge_end(text)
            if isinstance(found, _Miss):
                raise ValueError(str(found))
            node, kind = found
            if spec.range and not self.schema.admits(spec.range, kind.iri):
                raise ValueError(f"“{_show(text)}” is a {kind.label.lower()}, which “{spec.label}” does not take")
            return node
        return self.schema.coerce(spec.iri, text)

    def tie_property(self, column: str, tie_kind) -> PropertySpec | None:
        key = (column, tie_kind)
        if key not in self._spec_cache:
            found = None
            prefix, _, local = column.partition("_")
            if local and prefix in STANDARD_PREFIXES:
                # "rdfs_label": how an export names a property whose local name is taken (see explorer.io.model).
                spec = self.schema.properties.get(URIRef(STANDARD_PREFIXES[prefix] + local))
                if spec is None and prefix != "rx":
                    spec = self.schema.property(URIRef(STANDARD_PREFIXES[prefix] + local))
                if spec is not None and spec.iri not in (RDF.type, *_INTERNAL) and self.schema.admits(spec.domain, tie_kind):
                    found = spec
            norm = _norm(column)
            for spec in self.schema.properties.values():
                if found is not None:
                    break
                # A bare "label" is the relation's name in graph files (GEXF's edge label), not the tie's own.
                if spec.widget == "source" or spec.iri in (RDFS.label, RX.canvasX, RX.canvasY, RX.level, *_INTERNAL):
                    continue
                if norm in (_norm(spec.label), _norm(_local(spec.iri))) and self.schema.admits(spec.domain, tie_kind):
                    found = spec
            self._spec_cache[key] = found
        return self._spec_cache[key]

    def edge_end(self, text: str):
        """(IRI, kind) of the node an edge end names, or an error message."""
        record = self.by_identifier.get(text)
        if record is not None:
            return record.iri, record.kind
        if text in self.index.kind:
            return URIRef(text), self.index.kind[text]
        if text in self.index.by_identifier and len(self.index.by_identifier[text]) == 1:
            s = self.index.by_identifier[text][0]
            return URIRef(s), self.index.kind[s]
        key = _name_key(text)
        in_file = self.by_name.get(key, [])
        if len(in_file) == 1:
            return in_file[0].iri, in_file[0].kind
        if len(in_file) > 1:
            return _Miss(f"{len(in_file)} {self.source.nodes.noun}s are called “{_show(text)}”; use identifiers")
        on_map = self.index.by_name.get(key, [])
        if len(on_map) == 1:
            return URIRef(on_map[0]), self.index.kind[on_map[0]]
        if len(on_map) > 1:
            return _Miss(f"{len(on_map)} nodes on the map are called “{_show(text)}”; use identifiers")
        if self.skipped_with_name(text):
            return _Miss(f"“{_show(text)}” is a {self.source.nodes.noun} that is not imported")
        return _Miss(f"“{_show(text)}” names no {self.source.nodes.noun} of the file and no node of the map")

    # -------------------------------------------------------------------- run
    def run(self) -> ImportPlan:
        self.read_rows()
        self.read_values()
        added, removed, new_nodes, ties = self.build()
        ties += self.edges(added)
        records = {r.row: r for r in self.records}
        counts = {"new": 0, "update": 0, "unchanged": 0, "skip": 0}
        table = self.source.nodes
        for number, cells in table.rows:
            record = records.get(number)
            if record is None:
                counts["skip"] += 1
                self.rows.append(PlannedRow(number, "skip", name=_cell(table, cells, self.mapping.columns.get("name")),
                                            kind=_cell(table, cells, self.mapping.columns.get("kind"))))
                continue
            action = "new" if not record.matched else record.action
            counts[action] += 1
            self.rows.append(PlannedRow(number, action, record.kind.label, record.name, record.labels.get("unit", ""),
                                        record.labels.get("role", ""), record.labels.get("reports_to", ""), record.iri))
        counts["created"] = len(self.created)
        counts["ties"] = ties
        counts["conflicts"] = self.conflicts
        self.problems.sort(key=lambda p: (p.noun != table.noun, p.row if p.row is not None else -1))
        plan = ImportPlan(label=f"Import {_show(self.source.name, 48)}", added=added, removed=removed, rows=self.rows,
                          problems=self.problems, new_nodes=new_nodes, fresh=frozenset(self.fresh), counts=counts,
                          notes=self.notes)
        plan.notes_conflict = {"keep": "kept the map's values", "replace": "took the file's values",
                               "add": "added as new nodes"}[self.mapping.on_conflict]
        if self.progress is not None:
            self.progress(self._steps, self._steps)
        return plan


def plan_import(doc, source: ImportSource, mapping: Mapping, *, schema: Schema | None = None,
                progress: Progress | None = None) -> ImportPlan:
    """Work out what importing ``source`` into ``doc`` with ``mapping`` does, changing nothing.

    Parameters
    ----------
    doc : MapDocument
        The open map (read only here; new IRIs are minted against it).
    source : ImportSource
        What a reader of :mod:`explorer.io.tables`, :mod:`explorer.io.graph_import`
        or :mod:`explorer.io.kumu` returned.
    mapping : Mapping
        What the columns mean, and what to do on conflicts.
    schema : Schema, optional
        The map's schema, if already at hand.
    progress : callable, optional
        ``progress(done, total)``, every few hundred rows; may raise to cancel.

    Returns
    -------
    ImportPlan

    Raises
    ------
    ExplorerError
        When no column gives the name, or ``on_conflict`` is not known.
    """
    if mapping.on_conflict not in ON_CONFLICT:
        raise ExplorerError(f"on_conflict must be one of {', '.join(ON_CONFLICT)}, not {mapping.on_conflict!r}.")
    schema = schema or schema_of(doc)
    return _Planner(doc, source, mapping, schema, progress).run()


def plan_command(doc, plan: ImportPlan, *, extra: Iterable = ()) -> Command:
    """The plan as one command against ``doc``'s current state, not yet applied (safe in a worker).

    ``extra`` quads go into the same command (the app adds canvas positions for the new nodes).
    """
    fresh = plan.fresh
    added = [*plan.added, *extra]
    # Quads about nodes and ties the import minted cannot be on the map yet; the rest are
    # checked against it (they may already be there, or be gone since the plan was made).
    checked = diff(doc.store, plan.label, added=[q for q in added if q[0] not in fresh], removed=plan.removed)
    minted = frozenset(q for q in added if q[0] in fresh)
    return Command(plan.label, added=checked.added | minted, removed=checked.removed)


def apply_plan(doc, plan: ImportPlan, *, extra: Iterable = ()) -> Command:
    """Apply ``plan`` to ``doc`` as one undoable command, labelled ``plan.label``.

    Returns the command (empty when the map already held everything).
    """
    command = plan_command(doc, plan, extra=extra)
    doc.execute(command)
    return command


def import_file(doc, path: str | Path, *, mapping: Mapping | str | Path | None = None, on_conflict: str | None = None,
                progress: Progress | None = None) -> ImportPlan:
    """Read ``path`` (any import format of the registry), plan and apply it: the whole import in one call.

    ``mapping`` is a :class:`Mapping`, a mapping file, or None to guess from
    the headers. Returns the applied plan (its problems say what was left out).
    """
    from .registry import for_path

    schema = schema_of(doc)
    source = for_path(path, "import").load()(path, progress=progress)
    if mapping is None:
        mapping = guess_mapping(source, schema)
    elif not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping, schema, source=source)
    if on_conflict is not None:
        mapping.on_conflict = on_conflict
    plan = plan_import(doc, source, mapping, schema=schema, progress=progress)
    apply_plan(doc, plan)
    return plan


__all__ = [
    "EDGE_TARGETS", "ImportPlan", "LINK_TARGETS", "Mapping", "ON_CONFLICT", "PlannedRow", "Problem", "TARGETS",
    "all_relations", "allowed_relations", "apply_plan", "plan_command", "find_kind", "find_property", "find_relation", "guess_mapping", "import_file",
    "load_mapping", "mappable_properties", "node_kinds", "plan_import", "schema_of",
]
