"""Import rows into the open map: the mapping, the plan, and the merge as one undoable command.

An import has three steps, each usable on its own:

1. a :class:`Mapping` says what each column means: which gives the node's
   **name**, its **kind**, its **unit**, its **role** kinds, whom it **reports
   to**, its **profession**, an **identifier**, and which columns hold a
   property of the ontology. :func:`guess_mapping` guesses one from the
   headers; :func:`load_mapping` reads one from a file (TOML or JSON, described
   in :mod:`explorer.io.merge.mapping`);
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

Where each part lives:

- :mod:`~explorer.io.merge.mapping`: the :class:`Mapping`, guessed or read from a file;
- :mod:`~explorer.io.merge.names`: kinds, relations and properties found by the text that names them;
- :mod:`~explorer.io.merge.reader`: rows in, as records;
- :mod:`~explorer.io.merge.matcher`: rows to the map's nodes, and the nodes their cells name;
- :mod:`~explorer.io.merge.builder`: the quads of new nodes, values and ties;
- :mod:`~explorer.io.merge.plan`: :func:`plan_import`'s steps, the :class:`ImportPlan`, and applying it;
- :mod:`~explorer.io.merge.planning`: what the steps share.

Examples
--------
>>> import os, tempfile, pathlib
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.schema import schema_of
>>> from explorer.io.csv_tables import read_csv
>>> path = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
>>> rows = ["Name,Kind,Team,Manager", "Ana,Person,ICU,", "Ben,Person,ICU,Ana", ",Person,ICU,", "Cid,Robot,ICU,"]
>>> _ = path.write_text("\\n".join(rows) + "\\n", encoding="utf-8")
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
row 5, column “Kind”: “Robot” is not a kind of node; use one of: Role, Person, ... (row not imported)
>>> command = apply_plan(doc, plan)
>>> doc.stack.undo_text
'Import roster.csv'
>>> doc.close()
"""

from __future__ import annotations

from .builder import GENERIC_TIE, generic_relation_of
from .mapping import (
    EDGE_TARGETS,
    LINK_TARGETS,
    MAX_MAPPING_BYTES,
    ON_CONFLICT,
    TARGETS,
    Mapping,
    guess_mapping,
    load_mapping,
    unused_columns,
)
from .names import (
    all_relations,
    allowed_relations,
    find_kind,
    find_property,
    find_relation,
    mappable_properties,
    node_kinds,
)
from .plan import ImportPlan, PlannedRow, apply_plan, import_file, kept_note, plan_command, plan_import
from .planning import Merge, Problem

__all__ = [
    "EDGE_TARGETS",
    "GENERIC_TIE",
    "LINK_TARGETS",
    "MAX_MAPPING_BYTES",
    "ON_CONFLICT",
    "TARGETS",
    "ImportPlan",
    "Mapping",
    "Merge",
    "PlannedRow",
    "Problem",
    "all_relations",
    "allowed_relations",
    "apply_plan",
    "find_kind",
    "find_property",
    "find_relation",
    "generic_relation_of",
    "guess_mapping",
    "import_file",
    "kept_note",
    "load_mapping",
    "mappable_properties",
    "node_kinds",
    "plan_command",
    "plan_import",
    "unused_columns",
]
