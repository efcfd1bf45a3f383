"""What each column of an import means: the :class:`Mapping`, guessed from the headers or read from a file.

A :class:`Mapping` says which column gives the node's **name**, its **kind** (a
kind of the ontology, by label or local name, any case: "Person",
"professional group"), its **unit** (``org:memberOf``), its **role** kinds
(``rx:roleKind``: clinical, managerial, academic, administrative), whom it
**reports to** (``org:reportsTo``), its **profession** (``rx:ofProfession``),
an **identifier**, and which columns hold a property of the ontology (coerced
with :meth:`~explorer.core.schema.Schema.coerce`); for graph files, which edge
columns give the ends and the relation. :func:`guess_mapping` guesses one from
what the format suggests and the headers; :func:`load_mapping` reads one from a file.

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
    relation = "influences"   # graph files: edges that name no relation of the ontology
    on_conflict = "keep"      # keep | replace | add
    keep_columns = true       # columns nothing above reads: kept as properties of their own

    [edges]                   # graph files and Kumu blueprints: the edge columns
    from = "from"
    to = "to"
    relation = "type"

    [relations]               # relation cells that are not the name of a relation
    "likes" = "influences"

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.schema import schema_of
>>> from explorer.io.tables import ImportSource, Table
>>> doc = MapDocument.new()
>>> source = ImportSource("staff.csv", "csv", Table(("Full name", "Department", "Line manager", "Workload")))
>>> mapping = guess_mapping(source, schema_of(doc))
>>> mapping.columns, mapping.default_kind == RX.Role
({'name': 'Full name', 'unit': 'Department', 'reports_to': 'Line manager'}, True)
>>> mapping.properties == {"Workload": RX.workload}
True
>>> doc.close()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import ORG, RDF, RDFS

from ...core.errors import ExplorerError
from ...core.namespaces import RX
from ...core.schema import Schema
from ..json_input import load_json, load_toml
from ..tables import ImportSource
from .names import all_relations, find_kind, find_property, find_relation, node_kinds, norm

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
#: What to do when a matched node already holds another value than its row gives, with the words a dialog shows.
ON_CONFLICT: dict[str, str] = {
    "keep": "keep the map's value",
    "replace": "take the file's value",
    "add": "add the row as a new node",
}

_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "label",
        "fullname",
        "displayname",
        "employeename",
        "staffname",
        "personname",
        "nodename",
        "element",
    ),
    "kind": ("kind", "type", "nodekind", "nodetype", "elementtype", "category", "class"),
    "identifier": (
        "id",
        "identifier",
        "iri",
        "uri",
        "staffid",
        "staffnumber",
        "employeeid",
        "employeenumber",
        "personid",
        "payrollnumber",
        "key",
    ),
    "unit": (
        "unit",
        "team",
        "department",
        "dept",
        "ward",
        "division",
        "service",
        "memberof",
        "unitname",
        "teamname",
        "departmentname",
        "orgunit",
        "organisationalunit",
        "organizationalunit",
    ),
    "role": ("role", "roles", "rolekind", "rolekinds", "roletype"),
    "reports_to": ("reportsto", "reportingto", "manager", "linemanager", "supervisor", "managername", "reportsline"),
    "profession": ("profession", "professionalgroup", "staffgroup", "occupation", "discipline", "ofprofession"),
}
_EDGE_WORDS: dict[str, tuple[str, ...]] = {
    "from": ("from", "source", "sourceid", "start"),
    "to": ("to", "target", "targetid", "end"),
    # "interaction" is Cytoscape's name for an edge's type.
    "relation": (
        "relation",
        "type",
        "predicate",
        "relationtype",
        "connectiontype",
        "interaction",
        "edgetype",
        "tietype",
        "label",
    ),
    "identifier": ("id", "identifier", "iri"),
}


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
    keep_columns : bool
        Keep the node columns nothing else reads (:func:`unused_columns`) as properties of their own,
        described in the map (:func:`~explorer.io.merge.planning.Planning.kept`); else they are left out.
        Off unless asked for: a roster's other columns may hold what a map should not (pay, contacts).
    """

    columns: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)
    default_kind: URIRef | None = None
    kind_values: dict = field(default_factory=dict)
    edge_columns: dict = field(default_factory=dict)
    default_relation: URIRef | None = None
    relation_values: dict = field(default_factory=dict)
    on_conflict: str = "keep"
    keep_columns: bool = False

    def kind_for_every_row(self, kind: URIRef) -> str | None:
        """Give every row ``kind``, over the column guessed to give kinds: returns that column, now left out.

        What ``--kind`` and the import dialog's kind do unless the person chose the kind column themselves.

        Examples
        --------
        >>> mapping = Mapping(columns={"name": "Name", "kind": "Category"})
        >>> mapping.kind_for_every_row(RX.Person), mapping.columns, mapping.default_kind == RX.Person
        ('Category', {'name': 'Name'}, True)
        """
        self.default_kind = kind
        return self.columns.pop("kind", None)

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
        defaults: dict = {"on_conflict": self.on_conflict}
        if self.keep_columns:
            defaults["keep_columns"] = True
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
    def from_dict(
        cls, data: dict, schema: Schema, *, where: str = "the mapping", source: ImportSource | None = None
    ) -> Mapping:
        """Read a mapping file's dictionary; an :class:`ExplorerError` names any key that makes no sense.

        ``source``, when given, is checked to have every column the mapping names.
        """
        if not isinstance(data, dict):
            raise ExplorerError(f"{where}: a mapping must be a table (TOML) or an object (JSON).")
        unknown = set(data) - {"columns", "properties", "kinds", "defaults", "edges", "relations"}
        if unknown:
            raise ExplorerError(
                f"{where}: unknown section(s) {', '.join(sorted(map(repr, unknown)))}; "
                "use columns, properties, kinds, defaults, edges, relations."
            )

        def section(name: str) -> dict:
            value = data.get(name, {})
            if name == "defaults" and isinstance(value, dict) and "keep_columns" in value:
                if not isinstance(value["keep_columns"], bool):
                    raise ExplorerError(f"{where}: [defaults] keep_columns must be true or false.")
                value = {k: v for k, v in value.items() if k != "keep_columns"}
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
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
                raise ExplorerError(
                    f"{where}: [kinds] {value!r} = {name!r} is not a kind; use one of: {', '.join(kinds)}."
                )
            mapping.kind_values[norm(value)] = kind.iri
        relations = all_relations(schema)
        defaults = section("defaults")
        for key in defaults:
            if key not in ("kind", "relation", "on_conflict"):
                raise ExplorerError(f"{where}: [defaults] has {key!r}; use kind, relation, on_conflict, keep_columns.")
        mapping.keep_columns = data.get("defaults", {}).get("keep_columns", False)
        if "kind" in defaults:
            kind = find_kind(schema, defaults["kind"])
            if kind is None:
                raise ExplorerError(
                    f"{where}: [defaults] kind = {defaults['kind']!r} is not a kind; use one of: {', '.join(kinds)}."
                )
            mapping.default_kind = kind.iri
        if "relation" in defaults:
            relation = find_relation(relations, defaults["relation"])
            if relation is None:
                raise ExplorerError(
                    f"{where}: [defaults] relation = {defaults['relation']!r} is not a relation of the ontology."
                )
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
            mapping.relation_values[norm(value)] = relation.iri
        if source is not None:
            known = set(source.nodes.columns)
            for column in [*mapping.columns.values(), *mapping.properties]:
                if column not in known:
                    raise ExplorerError(
                        f"{where}: the column {column!r} is not in {source.name}; its columns are "
                        f"{', '.join(map(repr, source.nodes.columns[:20]))}."
                    )
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
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_MAPPING_BYTES:
            raise ExplorerError(
                f"The mapping file {path.name} is {size:,} bytes; a mapping names columns, kinds and relations "
                f"in a few KB, and files over {MAX_MAPPING_BYTES:,} bytes are refused."
            )
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ExplorerError(f"Cannot read the mapping file {path.name}: {err}") from None
    # Nesting and numbers past Python's parsers' own limits are refused with a line and column.
    data = load_json(text, name=path.name) if path.suffix.lower() == ".json" else load_toml(text, name=path.name)
    return Mapping.from_dict(data, schema, where=path.name, source=source)


def guess_mapping(source: ImportSource, schema: Schema, *, named_people: bool = False) -> Mapping:
    """A mapping from what the format suggests, then from the column headers.

    Headers are compared loosely ("Line manager" = "linemanager"): name/label,
    kind/type, unit/team/department, role, reports to/manager, id/identifier,
    profession/staff group, and the label or local name of a property.
    Rows that look like people (a unit, role, manager or profession column, and no kind column) become
    roles, as the map's guidance prefers (a role stands for everyone who holds it); ``named_people``
    makes them named persons instead.
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
        key = norm(column)
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
        people = any(target in mapping.columns for target in ("reports_to", "role", "unit", "profession"))
        mapping.default_kind = (RX.Person if named_people else RX.Role) if people else None
    if source.edges is not None:
        edge_columns = list(source.edges.columns)
        for target, column in (suggested.get("edges") or {}).items():
            if column in edge_columns:
                mapping.edge_columns[target] = column
        for column in edge_columns:
            key = norm(column)
            target = next(
                (t for t, words in _EDGE_WORDS.items() if key in words and t not in mapping.edge_columns), None
            )
            if target is not None and column not in mapping.edge_columns.values():
                mapping.edge_columns[target] = column
    return mapping


def unused_columns(source: ImportSource, mapping: Mapping) -> list[str]:
    """The node columns of ``source`` that ``mapping`` reads nothing from, in file order: what the import
    leaves out, to name to the user before it runs.

    Examples
    --------
    >>> from explorer.io.tables import ImportSource, Table
    >>> source = ImportSource("staff.csv", "csv", Table(("Name", "Shoe size")))
    >>> mapping = Mapping()
    >>> mapping.columns["name"] = "Name"
    >>> unused_columns(source, mapping)
    ['Shoe size']
    """
    used = set(mapping.columns.values()) | set(mapping.properties)
    ignored = set((source.suggested or {}).get("ignore", ()))  # the format's own bookkeeping columns
    return [c for c in source.nodes.columns if c not in used and c not in ignored]


__all__ = [
    "EDGE_TARGETS",
    "LINK_TARGETS",
    "MAX_MAPPING_BYTES",
    "ON_CONFLICT",
    "TARGETS",
    "Mapping",
    "guess_mapping",
    "load_mapping",
    "unused_columns",
]
