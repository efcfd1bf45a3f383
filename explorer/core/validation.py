"""Check a map against the SHACL shapes in ``ontology/shapes`` (with pySHACL).

A map in progress may be incomplete, so most shapes give warnings; violations
are real errors (a wrong type, a value off its scale, a tie missing an end).
Results name the node by its label, so a person can find it on the map.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> report = validate(MapDocument.new(editing=False))
>>> report.conforms, report.violations
(True, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyshacl
import rdflib
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from .document import ONTOLOGY_GRAPH
from .netguard import no_network
from .resources import ontology_dir
from .store import EmbeddedStore
from .terms import local_name
from .text import one_line

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)


@dataclass(frozen=True)
class ValidationResult:
    """One finding: how serious, on which node (and property), and what to do about it."""

    severity: str
    focus: str
    focus_label: str
    path: str | None
    message: str

    def as_text(self) -> str:
        where = self.focus_label + (f" ({local_name(self.path)})" if self.path else "")
        return f"{self.severity:<9} {where}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """All findings for one map, most serious first."""

    results: tuple[ValidationResult, ...]

    @property
    def violations(self) -> int:
        return sum(r.severity == "Violation" for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.severity == "Warning" for r in self.results)

    @property
    def conforms(self) -> bool:
        """True when there are no violations (warnings are allowed in a map in progress)."""
        return self.violations == 0


@lru_cache(maxsize=1)
def _shapes() -> rdflib.Graph:
    store = EmbeddedStore()
    for path in sorted((ontology_dir() / "shapes").glob("*.ttl")):
        store.load(path)
    shapes = rdflib.Graph()  # pySHACL adds its own system triples to the shapes graph
    for s, p, o, _ in store.quads():
        shapes.add((s, p, o))
    return shapes


def _label(graph: rdflib.Graph, vocabulary: rdflib.Graph, node) -> str:
    """The node's label; for an unlabelled tie, its kind and the labels of its ends."""
    for predicate in _LABELS:
        value = graph.value(node, predicate)
        if value is not None:
            return one_line(value)
    kinds = [vocabulary.value(k, RDFS.label) or local_name(k) for k in graph.objects(node, RDF.type)]
    kind = str(kinds[0]) if kinds else "node"
    ends = [
        _label(graph, vocabulary, end)
        for end in (
            graph.value(node, URIRef("https://w3id.org/routine-explorer/ns#from")),
            graph.value(node, URIRef("https://w3id.org/routine-explorer/ns#to")),
        )
        if end is not None and end != node
    ]
    if ends:
        return f"{kind} " + " → ".join(ends)
    return f"{kind} {node}" if isinstance(node, URIRef) else f"unnamed {kind}"


def validate(doc) -> ValidationReport:
    """Validate the map graph of ``doc`` against the shapes, with its ontology graph as background.

    Returns
    -------
    ValidationReport
        Top-level results only (pySHACL also nests the details of ``sh:or`` and
        the like, which would name the same problem twice).
    """
    return validate_store(doc.store)


def validate_store(store) -> ValidationReport:
    """:func:`validate` on a store holding a map graph and its ontology graph (a copy taken for a worker thread).

    Examples
    --------
    >>> validate_store(EmbeddedStore()).conforms
    True
    """
    # One plain copy of the map, into which pySHACL mixes the ontology in place: left to itself it copies the map
    # graph a second time to mix it in, about a tenth of the whole check.
    data = rdflib.Graph()
    for s, p, o, _ in store.quads():
        data.add((s, p, o))
    vocabulary = store.as_rdflib(ONTOLOGY_GRAPH)
    with no_network("validating the map"):
        _, report, _ = pyshacl.validate(
            data,
            shacl_graph=_shapes(),
            ont_graph=vocabulary if len(vocabulary) else None,
            inference="none",
            inplace=True,
            allow_warnings=True,
            do_owl_imports=False,
        )
    results = []
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        results.append(
            ValidationResult(
                severity=_SEVERITY.get(report.value(result, SH.resultSeverity), "Violation"),
                focus=str(focus),
                focus_label=_label(data, vocabulary, focus),
                path=str(path) if isinstance(path, URIRef) else None,
                message=str(report.value(result, SH.resultMessage) or "does not conform to its shape"),
            )
        )
    results.sort(key=lambda r: (_ORDER[r.severity], r.focus_label, r.path or ""))
    return ValidationReport(tuple(results))


__all__ = ["ValidationReport", "ValidationResult", "validate", "validate_store"]
