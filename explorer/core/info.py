"""A summary of a map: how big it is, what kinds of node it holds, which prefixes it binds.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> doc = MapDocument.new(with_ontology=False, editing=False)
>>> summarise(doc).triples
3
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import URIRef

from .errors import printable
from .graph_view import census
from .map_details import MapDetails as _Details
from .map_details import credit_line, read_details
from .scenarios import display_title
from .terms import DEFAULT_GRAPH
from .text import one_line


@dataclass(frozen=True)
class KindCount:
    """How many nodes of one kind (``rdf:type``) the map holds."""

    kind: str
    label: str | None
    nodes: int


@dataclass(frozen=True)
class MapSummary:
    """What ``routine-explorer info`` prints."""

    file: str | None
    format: str | None
    title: str
    triples: int
    nodes: int
    kinds: tuple[KindCount, ...]
    named_graphs: tuple[str, ...]
    prefixes: dict[str, str]
    """The prefixes the file itself declares."""
    data_graphs: tuple[dict, ...] = ()
    """The named graphs that came with the data (not the ontology, not analysis runs): name, triples, nodes."""
    needs_view: bool = False
    """The map graph has no node while named graphs hold the data (see :mod:`explorer.core.graph_view`)."""
    description: str = ""
    authors: tuple[str, ...] = ()
    organisation: str = ""
    created: str = ""
    modified: str = ""
    """The map's details (:mod:`explorer.core.map_details`), whole: the text shows them on a line each."""

    def as_dict(self) -> dict:
        return asdict(self)

    def as_text(self) -> str:
        # The details come from the file: one line each, control characters never reach the terminal.
        credits = credit_line(_Details("", "", self.authors, self.organisation, self.created, self.modified))
        lines = [f"map:      {one_line(self.title, 300)}"]
        if one_line(self.description):
            lines.append(f"about:    {one_line(self.description, 300)}")
        if credits:
            lines.append(f"credits:  {credits}")
        lines += [
            f"file:     {self.file or '(not saved)'}" + (f" ({self.format})" if self.format else ""),
            f"triples:  {self.triples:,}",
            f"nodes:    {self.nodes:,}",
        ]
        if self.named_graphs:
            lines.append(f"graphs:   {len(self.named_graphs)} named graph(s) besides the map")
            names = [f"<{printable(g['name'], 120)}>" for g in self.data_graphs[:_LISTED]]
            width = max(map(len, names), default=0)
            for name, g in zip(names, self.data_graphs):
                lines.append(f"  {name:<{width}}  {g['triples']:>9,} triples  {g['nodes']:>7,} nodes")
            if len(self.data_graphs) > _LISTED:
                lines.append(f"  … and {len(self.data_graphs) - _LISTED:,} more (--json lists them all)")
        if self.needs_view:
            lines.append(
                "note:     the map graph has no nodes; its data is in the named graphs above. "
                "Add --union (all of them) or --graph IRI (one) to analyse, interdependencies, export, report "
                "or validate; the app offers the same choice."
            )
        lines.append("nodes by kind:")
        width = max((len(k.label or k.kind) for k in self.kinds), default=0)
        for k in self.kinds:
            name = k.label or k.kind
            lines.append(f"  {name:<{width}}  {k.nodes:>9,}" + (f"  <{k.kind}>" if k.label else ""))
        if not self.kinds:
            lines.append("  (no typed nodes)")
        lines.append("prefixes:")
        for name, namespace in sorted(self.prefixes.items()):
            lines.append(f"  {name + ':':<10} <{namespace}>")
        return "\n".join(lines)


_KINDS = """
SELECT ?kind (COUNT(DISTINCT ?node) AS ?n) WHERE { ?node a ?kind } GROUP BY ?kind ORDER BY DESC(?n) STR(?kind)
"""
_LABEL = """
SELECT ?kind ?label WHERE { GRAPH ?g { ?kind <http://www.w3.org/2000/01/rdf-schema#label> ?label } }
ORDER BY DESC(LANGMATCHES(LANG(?label), "en")) LIMIT 1
"""
_NODES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
_LISTED = 50  # data graphs listed in the text (a file may hold thousands)


def summarise(doc) -> MapSummary:
    """Summarise the map graph of ``doc`` (labels of kinds come from the ontology graph when loaded)."""
    store = doc.store
    found = census(doc)
    kinds = []
    for kind, count in store.query(_KINDS).rows:
        label_rows = store.query(_LABEL, bindings={"kind": kind}).rows if isinstance(kind, URIRef) else ()
        kinds.append(KindCount(str(kind), str(label_rows[0][1]) if label_rows else None, int(count)))
    details = read_details(store)
    return MapSummary(
        file=str(doc.path) if doc.path else None,
        format=doc.format.label if doc.format else None,
        title=display_title(doc),  # names the scenario shown (routine-explorer info --scenario)
        triples=store.count(DEFAULT_GRAPH),
        nodes=int(store.query(_NODES).rows[0][0]),
        kinds=tuple(kinds),
        named_graphs=tuple(
            str(g) for g in store.graph_names() if str(g) != "https://w3id.org/routine-explorer/graph/ontology"
        ),
        prefixes=dict(doc.declared_prefixes),
        data_graphs=tuple({"name": str(g.name), "triples": g.triples, "nodes": g.nodes} for g in found.graphs),
        needs_view=found.needs_view,
        description=details.description,
        authors=details.authors,
        organisation=details.organisation,
        created=details.created,
        modified=details.modified,
    )
