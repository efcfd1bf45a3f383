"""A change analysis as RDF: an analysis run graph with its provenance, so SPARQL can query the results.

The run is an ``rx:AnalysisRun`` (a ``prov:Activity``) that used the map and
the weights, analysed one change, recorded every parameter, and has its ranked
``rx:ResistancePoint`` nodes, each with its ``rx:AnalysisReason`` nodes.

Examples
--------
>>> from explorer.analysis.change import analyse_change
>>> from explorer.analysis.graph import map_graph_from_text
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .''')
>>> result = analyse_change(G, sensitivity_runs=0)
>>> graph = analysis_graph(result)
>>> len(list(graph.subjects(RDF.type, RX.ResistancePoint)))
1
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from explorer import __version__
from explorer.core.namespaces import RX

from .change import ChangeAnalysis

#: Where analysis run graphs are named: ``{ANALYSIS_GRAPHS}{uuid}``.
ANALYSIS_GRAPHS = "https://w3id.org/routine-explorer/graph/analysis/"
_SOFTWARE = URIRef("https://w3id.org/routine-explorer/software")


def _decimal(value: float) -> Literal:
    return Literal(Decimal(f"{value:.4f}"), datatype=XSD.decimal)


def analysis_graph(result: ChangeAnalysis, *, map_path: Path | None = None, started: dt.datetime | None = None) -> Graph:
    """The run as an rdflib :class:`~rdflib.Graph` (its identifier is the run graph's name)."""
    run_id = uuid.uuid4()
    graph = Graph(identifier=URIRef(f"{ANALYSIS_GRAPHS}{run_id}"))
    for prefix, namespace in (("rx", str(RX)), ("prov", str(PROV)), ("dct", str(DCTERMS))):
        graph.bind(prefix, namespace)
    run = URIRef(f"urn:uuid:{run_id}")
    started = started or dt.datetime.now(dt.timezone.utc)
    graph.add((run, RDF.type, RX.AnalysisRun))
    graph.add((run, RDFS.label, Literal(f"Resistance analysis of {result.change_label}")))
    graph.add((run, PROV.startedAtTime, Literal(started.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    graph.add((run, RX.analysedChange, URIRef(str(result.change))))
    graph.add((run, PROV.wasAssociatedWith, _SOFTWARE))
    graph.add((_SOFTWARE, RDFS.label, Literal(f"Routine Explorer {__version__}")))
    if map_path is not None:
        graph.add((run, PROV.used, URIRef(Path(map_path).resolve().as_uri())))
    if result.weights is not None and result.weights.path is not None:
        graph.add((run, PROV.used, URIRef(Path(result.weights.path).resolve().as_uri())))
    graph.add((run, RX.parameter, _setting(graph, "sensitivity.seed", result.seed)))
    for name, value in sorted((result.weights.values() if result.weights is not None else {}).items()):
        graph.add((run, RX.parameter, _setting(graph, name, value)))
    for rank, point in enumerate(result.points, 1):
        node = BNode()
        graph.add((run, RX.hasPoint, node))
        graph.add((node, RDF.type, RX.ResistancePoint))
        graph.add((node, RX.concerns, point.node if isinstance(point.node, (URIRef, BNode)) else URIRef(str(point.node))))
        graph.add((node, RDFS.label, Literal(point.label)))
        graph.add((node, RX.rank, Literal(rank)))
        graph.add((node, RX.score, _decimal(point.score)))
        graph.add((node, RX.restrainingSum, _decimal(point.restraining)))
        graph.add((node, RX.drivingSum, _decimal(point.driving)))
        graph.add((node, RX.confidence, _decimal(point.confidence)))
        if point.stability is not None:
            graph.add((node, RX.stability, _decimal(point.stability)))
        for missing in point.missing:
            graph.add((node, RX.missingInput, Literal(missing)))
        for reason in point.reasons:
            why = BNode()
            graph.add((node, RX.hasReason, why))
            graph.add((why, RDF.type, RX.AnalysisReason))
            graph.add((why, RX.mechanism, Literal(reason.mechanism)))
            graph.add((why, RX.contribution, _decimal(reason.value)))
            graph.add((why, RDFS.comment, Literal(reason.text)))
            if reason.construct.startswith("rx:"):
                graph.add((why, RX.construct, URIRef(str(RX) + reason.construct[3:])))
            if reason.citation:
                graph.add((why, DCTERMS.bibliographicCitation, Literal(reason.citation)))
            for evidence in reason.evidence:
                if isinstance(evidence, (URIRef, BNode)):
                    graph.add((why, RX.evidence, evidence))
    return graph


def _setting(graph: Graph, name: str, value) -> BNode:
    node = BNode()
    graph.add((node, RDFS.label, Literal(name)))
    graph.add((node, RDF.value, Literal(value)))
    return node


def analysis_graph_turtle(result: ChangeAnalysis, *, map_path: Path | None = None) -> str:
    """:func:`analysis_graph` as Turtle text."""
    return analysis_graph(result, map_path=map_path).serialize(format="turtle")
