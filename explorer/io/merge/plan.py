"""The plan of an import, made in named steps, and applied as one undoable command.

:func:`plan_import` works out, without changing anything, which rows add a
node, which update one already on the map, and which cannot be imported, with a
:class:`~explorer.io.merge.planning.Problem` per bad value naming its row and
column (the header is row 1, as in the spreadsheet). Good rows are never held
back by bad ones. It runs the steps in order, over one shared
:class:`~explorer.io.merge.planning.Planning`:

1. :func:`~explorer.io.merge.reader.read_rows`: each row's name, kind and
   identifier, matched with the map's node it is;
2. :func:`~explorer.io.merge.reader.read_values`: the rest of each row, the
   nodes its cells name resolved, matched nodes compared with their rows;
3. :func:`~explorer.io.merge.builder.add_nodes`: the new nodes;
4. :func:`~explorer.io.merge.builder.add_values`: each row's values;
5. :func:`~explorer.io.merge.builder.add_edges`: the ties of a graph file's edges;
6. :func:`make_plan`: what happens to every row, the counts, the problems in file order.

:func:`apply_plan` applies the plan as **one** command: a single undo takes the
whole import back. :func:`import_file` does it all, from a file's path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ...core.commands import Command, diff
from ...core.errors import ExplorerError
from ...core.schema import Schema, schema_of
from ..registry import for_path
from ..tables import ImportSource
from .builder import add_edges, add_nodes, add_values
from .mapping import ON_CONFLICT, Mapping, guess_mapping, load_mapping
from .names import show
from .planning import Planning, Progress, cell
from .reader import read_rows, read_values


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
    merges : list of Merge
        Names in the file taken as a node of another spelling ("Nurses" as the map's "Nurse"); each is also
        one of ``notes``.
    kept : dict
        Column -> the property of its own it was kept as (:attr:`Mapping.keep_columns`); also one of ``notes``.
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
    merges: list = field(default_factory=list)
    kept: dict = field(default_factory=dict)

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
            extra.append(
                n(
                    c["created"],
                    "new node named in the rows (units, professions)",
                    "new nodes named in the rows (units, professions)",
                )
            )
        if c.get("ties"):
            extra.append(n(c["ties"], "tie"))
        if c.get("conflicts"):
            extra.append(n(c["conflicts"], "conflict") + f" ({self.notes_conflict})")
        return text + ("; " + "; ".join(extra) if extra else "") + "."


def plan_import(
    doc, source: ImportSource, mapping: Mapping, *, schema: Schema | None = None, progress: Progress | None = None
) -> ImportPlan:
    """Work out what importing ``source`` into ``doc`` with ``mapping`` does, changing nothing.

    Parameters
    ----------
    doc : MapDocument
        The open map (read only here; new IRIs are minted against it).
    source : ImportSource
        What a reader of the import formats returned (:mod:`explorer.io.csv_tables`,
        :mod:`explorer.io.xlsx`, :mod:`explorer.io.graphml`, :mod:`explorer.io.gexf`,
        :mod:`explorer.io.kumu`).
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
    planning = Planning(doc, source, mapping, schema or schema_of(doc), progress)
    read_rows(planning)
    read_values(planning)
    added: list = list(planning.described)
    removed: list = []
    new_nodes = add_nodes(planning, added)
    ties = add_values(planning, added, removed)
    ties += add_edges(planning, added)
    return make_plan(planning, added, removed, new_nodes, ties)


def kept_note(columns) -> str:
    """The plan's note on the columns kept as properties of their own.

    Examples
    --------
    >>> kept_note(["City", "Code"])
    'Kept as properties of their own (no property of the ontology matches): “City”, “Code”.'
    """
    names = ", ".join(f"“{show(c, 60)}”" for c in columns)
    return f"Kept as properties of their own (no property of the ontology matches): {names}."


def make_plan(planning: Planning, added: list, removed: list, new_nodes: dict, ties: int) -> ImportPlan:
    """Step 6: the plan: what happens to every node row (in file order), the counts, the problems in file order."""
    source, mapping = planning.source, planning.mapping
    records = {r.row: r for r in planning.records}
    counts = {"new": 0, "update": 0, "unchanged": 0, "skip": 0}
    rows: list[PlannedRow] = []
    table = source.nodes
    for number, cells in table.rows:
        record = records.get(number)
        if record is None:
            counts["skip"] += 1
            rows.append(
                PlannedRow(
                    number,
                    "skip",
                    name=cell(table, cells, mapping.columns.get("name")),
                    kind=cell(table, cells, mapping.columns.get("kind")),
                )
            )
            continue
        action = "new" if not record.matched else record.action
        counts[action] += 1
        rows.append(
            PlannedRow(
                number,
                action,
                record.kind.label,
                record.name,
                record.labels.get("unit", ""),
                record.labels.get("role", ""),
                record.labels.get("reports_to", ""),
                record.iri,
            )
        )
    if planning.kept:
        planning.notes.append(kept_note(planning.kept))
    counts["created"] = len(planning.created)
    counts["ties"] = ties
    counts["conflicts"] = planning.conflicts
    planning.problems.sort(key=lambda p: (p.noun != table.noun, p.row if p.row is not None else -1))
    plan = ImportPlan(
        label=f"Import {show(source.name, 48)}",
        added=added,
        removed=removed,
        rows=rows,
        problems=planning.problems,
        new_nodes=new_nodes,
        fresh=frozenset(planning.fresh),
        counts=counts,
        notes=planning.notes,
        merges=list(planning.merged.values()),
        kept=dict(planning.kept),
    )
    plan.notes_conflict = {
        "keep": "kept the map's values",
        "replace": "took the file's values",
        "add": "added as new nodes",
    }[mapping.on_conflict]
    if planning.progress is not None:
        planning.progress(planning.steps, planning.steps)
    return plan


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


def import_file(
    doc,
    path: str | Path,
    *,
    mapping: Mapping | str | Path | None = None,
    on_conflict: str | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read ``path`` (any import format of the registry), plan and apply it: the whole import in one call.

    ``mapping`` is a :class:`Mapping`, a mapping file, or None to guess from
    the headers. Returns the applied plan (its problems say what was left out).
    """
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
    "ImportPlan",
    "PlannedRow",
    "apply_plan",
    "import_file",
    "kept_note",
    "make_plan",
    "plan_command",
    "plan_import",
]
