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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

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


#: Named graphs a message names (the rest are counted).
MESSAGE_GRAPHS = 3


@dataclass(frozen=True)
class ValidationReport:
    """All findings for one map, most serious first, and how much of the map the shapes had to check.

    Attributes
    ----------
    results : tuple of ValidationResult
        The findings.
    checked : int or None
        The statements of the map graph (the default graph) the shapes were run on; None when not counted.
    elsewhere : tuple of (str, int)
        When nothing was checked: the named graphs besides the ontology, as ``<iri>`` or ``_:id``, with their
        statements, most first. A file whose data is all in named graphs (TriG, N-Quads) has an empty map graph.
    """

    results: tuple[ValidationResult, ...]
    checked: int | None = None
    elsewhere: tuple[tuple[str, int], ...] = ()

    @property
    def violations(self) -> int:
        return sum(r.severity == "Violation" for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.severity == "Warning" for r in self.results)

    @property
    def nothing_checked(self) -> bool:
        """True when the map graph held no statement: no shape had anything to check."""
        return self.checked == 0

    @property
    def conforms(self) -> bool:
        """True when there are no violations (warnings are allowed in a map in progress) in a map that was checked.

        A map with nothing to check does not conform: saying it does would pass a map whose data was never read.
        """
        return self.violations == 0 and not self.nothing_checked

    def note(self) -> str:
        """What was not checked, in one line (empty when the map graph was checked; see :func:`nothing_checked_note`).

        Examples
        --------
        >>> ValidationReport((), checked=0).note(), ValidationReport((), checked=12).note()
        ('nothing checked: the map is empty', '')
        """
        return nothing_checked_note(self.elsewhere) if self.nothing_checked else ""


def nothing_checked_note(elsewhere: Sequence[tuple[str, int]]) -> str:
    r"""One line saying that nothing was checked in a map whose map graph is empty, and what it holds instead.

    Parameters
    ----------
    elsewhere : sequence of (str, int)
        Its named graphs with their statements (:func:`graphs_besides_the_map`).

    Examples
    --------
    >>> print(nothing_checked_note([("<urn:g:a>", 8), ("<urn:g:b>", 1)]).replace("; ", ";\n"))
    nothing checked: the map graph (the default graph) is empty;
    9 statement(s) are in 2 named graph(s): <urn:g:a> (8 statements), <urn:g:b> (1 statement)
    >>> nothing_checked_note([])
    'nothing checked: the map is empty'
    """
    if not elsewhere:
        return "nothing checked: the map is empty"
    total = sum(n for _, n in elsewhere)
    shown = [f"{name} ({n:,} statement{'s' if n != 1 else ''})" for name, n in elsewhere[:MESSAGE_GRAPHS]]
    if len(elsewhere) > MESSAGE_GRAPHS:
        shown.append(f"and {len(elsewhere) - MESSAGE_GRAPHS:,} more")
    return (
        f"nothing checked: the map graph (the default graph) is empty; {total:,} statement(s) are in "
        f"{len(elsewhere):,} named graph(s): {', '.join(shown)}"
    )


def graphs_besides_the_map(store) -> tuple[tuple[str, int], ...]:
    """The named graphs of ``store`` but the ontology, as ``<iri>`` or ``_:id``, with their statements, most first.

    What a map whose map graph is empty holds instead (see :meth:`ValidationReport.note`).

    Examples
    --------
    >>> from explorer.core.rdf_formats import format_by_name
    >>> store = EmbeddedStore()
    >>> _ = store.load(b"<urn:g:a> { <urn:x:s> <urn:x:p> 1, 2 . }", format=format_by_name("trig"))
    >>> graphs_besides_the_map(store)
    (('<urn:g:a>', 2),)
    """
    counts = [
        (f"<{name}>" if isinstance(name, URIRef) else f"_:{name}", store.count(name))
        for name in store.graph_names()
        if name != ONTOLOGY_GRAPH
    ]
    return tuple(sorted(((name, n) for name, n in counts if n), key=lambda item: (-item[1], item[0])))


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
    >>> report = validate_store(EmbeddedStore())
    >>> report.conforms, report.nothing_checked, report.note()
    (False, True, 'nothing checked: the map is empty')
    """
    # One plain copy of the map, into which pySHACL mixes the ontology in place: left to itself it copies the map
    # graph a second time to mix it in, about a tenth of the whole check.
    data = rdflib.Graph()
    for s, p, o, _ in store.quads():
        data.add((s, p, o))
    checked = len(data)
    if not checked:
        # No shape has anything to run on; what the file holds instead is named, not passed as conforming.
        return ValidationReport((), checked=0, elsewhere=graphs_besides_the_map(store))
    import pyshacl  # here, not at start: only a check of the map needs it

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
    return ValidationReport(tuple(results), checked=checked)


__all__ = [
    "ValidationReport",
    "ValidationResult",
    "graphs_besides_the_map",
    "nothing_checked_note",
    "validate",
    "validate_store",
]
