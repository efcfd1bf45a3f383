"""A change analysis as RDF: an analysis run graph with its provenance, so SPARQL can query the results.

The run is an ``rx:AnalysisRun`` (a ``prov:Activity``) that used the map and
the weights, analysed one change, recorded every parameter and the context
figure (``rx:peopleLikelyToResist`` of ``rx:peopleExposed``, with its interval, and
``rx:exposedShare``, their ratio), and has its ranked
``rx:ResistancePoint`` nodes, each with its likelihood, intervals, sentence
and ``rx:AnalysisReason`` nodes, and its ranked ``rx:Lever`` nodes.

The triples are built as Oxigraph terms and serialised by Oxigraph: a 10k-node
map's run holds about 280k triples, which took 19 s to add to an rdflib graph
and 5 s more to write as N-Triples here, against about a second this way.

Examples
--------
>>> from explorer.analysis.change import analyse_change
>>> from explorer.analysis.graph import map_graph_from_text
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .''')
>>> result = analyse_change(G, runs=0)
>>> graph = analysis_graph(result)
>>> len(list(graph.subjects(RDF.type, RX.ResistancePoint)))
1
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from explorer import __version__
from explorer.core.document import DERIVED_GRAPHS, is_derived
from explorer.core.namespaces import RX
from explorer.core.store import ANY_GRAPH
from explorer.core.terms import from_ox

from .change import ChangeAnalysis

#: Where analysis run graphs are named: ``{ANALYSIS_GRAPHS}{uuid}`` (the document's derived graphs).
ANALYSIS_GRAPHS = DERIVED_GRAPHS
_SOFTWARE = "https://w3id.org/routine-explorer/software"
_PREFIXES = {"rx": str(RX), "prov": str(PROV), "dct": str(DCTERMS), "rdfs": str(RDFS), "xsd": str(XSD)}


@dataclass(frozen=True)
class RunGraph:
    """One analysis run as RDF: the graph's name, the change analysed, and the triples as N-Triples."""

    name: URIRef
    change: URIRef
    ntriples: bytes


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(str(value))


_TYPE, _LABEL, _COMMENT, _VALUE = _iri(RDF.type), _iri(RDFS.label), _iri(RDFS.comment), _iri(RDF.value)
_DECIMAL, _INTEGER, _DATETIME = _iri(XSD.decimal), _iri(XSD.integer), _iri(XSD.dateTime)
_RX = {
    name: _iri(RX[name])
    for name in (
        "AnalysisRun",
        "ResistancePoint",
        "AnalysisReason",
        "Lever",
        "analysedChange",
        "parameter",
        "hasPoint",
        "concerns",
        "rank",
        "score",
        "restrainingSum",
        "drivingSum",
        "confidence",
        "stability",
        "missingInput",
        "hasReason",
        "mechanism",
        "contribution",
        "construct",
        "evidence",
        "likelihood",
        "likelihoodLow",
        "likelihoodHigh",
        "rankLow",
        "rankHigh",
        "reasonKind",
        "exposedShare",
        "exposedShareLow",
        "exposedShareHigh",
        "peopleExposed",
        "peopleLikelyToResist",
        "peopleLikelyToResistLow",
        "peopleLikelyToResistHigh",
        "hasLever",
        "leverEffect",
    )
}


def _decimal(value: float) -> ox.Literal:
    # The canonical lexical form, which Oxigraph keeps as written (no rewriting on load).
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return ox.Literal("0" if text in ("", "-0") else text, datatype=_DECIMAL)


def _term(node) -> ox.NamedNode | ox.BlankNode:
    text = str(node)
    return ox.BlankNode(text) if type(node).__name__ == "BNode" else ox.NamedNode(text)


def _triples(
    result: ChangeAnalysis, *, map_path: Path | None, started: dt.datetime, reasons_for: int | None = None
) -> tuple[str, list]:
    run_id = uuid.uuid4()
    run = _iri(f"urn:uuid:{run_id}")
    software = _iri(_SOFTWARE)
    out = [
        ox.Triple(run, _TYPE, _RX["AnalysisRun"]),
        ox.Triple(run, _LABEL, ox.Literal(f"Resistance analysis of {result.change_label}")),
        ox.Triple(run, _iri(PROV.startedAtTime), ox.Literal(started.isoformat(timespec="seconds"), datatype=_DATETIME)),
        ox.Triple(run, _RX["analysedChange"], _term(result.change)),
        ox.Triple(run, _iri(PROV.wasAssociatedWith), software),
        ox.Triple(software, _LABEL, ox.Literal(f"Routine Explorer {__version__}")),
    ]
    if map_path is not None:
        out.append(ox.Triple(run, _iri(PROV.used), _iri(Path(map_path).resolve().as_uri())))
    if result.weights is not None and result.weights.path is not None:
        out.append(ox.Triple(run, _iri(PROV.used), _iri(Path(result.weights.path).resolve().as_uri())))
    figure = result.figure
    out.append(ox.Triple(run, _RX["peopleLikelyToResist"], _decimal(figure.value)))
    out.append(ox.Triple(run, _RX["peopleExposed"], _decimal(figure.people)))
    out.append(ox.Triple(run, _RX["exposedShare"], _decimal(figure.share)))
    if figure.low is not None:
        out += [
            ox.Triple(run, _RX["peopleLikelyToResistLow"], _decimal(figure.low)),
            ox.Triple(run, _RX["peopleLikelyToResistHigh"], _decimal(figure.high)),
            ox.Triple(run, _RX["exposedShareLow"], _decimal(figure.share_low)),
            ox.Triple(run, _RX["exposedShareHigh"], _decimal(figure.share_high)),
        ]
    settings = [
        ("uncertainty.seed", result.seed),
        ("uncertainty.runs_made", result.runs),
        *sorted((result.weights.values() if result.weights is not None else {}).items()),
    ]
    for name, value in settings:
        setting = ox.BlankNode()
        out += [
            ox.Triple(run, _RX["parameter"], setting),
            ox.Triple(setting, _LABEL, ox.Literal(name)),
            ox.Triple(setting, _VALUE, _value(value)),
        ]
    for rank, point in enumerate(result.points, 1):
        node = ox.BlankNode()
        out += [
            ox.Triple(run, _RX["hasPoint"], node),
            ox.Triple(node, _TYPE, _RX["ResistancePoint"]),
            ox.Triple(node, _RX["concerns"], _term(point.node)),
            ox.Triple(node, _LABEL, ox.Literal(point.label)),
            ox.Triple(node, _RX["rank"], ox.Literal(str(rank), datatype=_INTEGER)),
            ox.Triple(node, _RX["score"], _decimal(point.score)),
            ox.Triple(node, _RX["restrainingSum"], _decimal(point.restraining)),
            ox.Triple(node, _RX["drivingSum"], _decimal(point.driving)),
            ox.Triple(node, _RX["likelihood"], _decimal(point.likelihood)),
            ox.Triple(node, _COMMENT, ox.Literal(point.sentence)),
        ]
        if point.stability is not None:
            out += [
                ox.Triple(node, _RX["stability"], _decimal(point.stability)),
                ox.Triple(node, _RX["confidence"], _decimal(point.confidence)),
                ox.Triple(node, _RX["rankLow"], ox.Literal(str(point.rank_low), datatype=_INTEGER)),
                ox.Triple(node, _RX["rankHigh"], ox.Literal(str(point.rank_high), datatype=_INTEGER)),
                ox.Triple(node, _RX["likelihoodLow"], _decimal(point.likelihood_low)),
                ox.Triple(node, _RX["likelihoodHigh"], _decimal(point.likelihood_high)),
            ]
        out += [ox.Triple(node, _RX["missingInput"], ox.Literal(missing)) for missing in point.missing]
        for reason in point.reasons if reasons_for is None or rank <= reasons_for else ():
            why = ox.BlankNode()
            out += [
                ox.Triple(node, _RX["hasReason"], why),
                ox.Triple(why, _TYPE, _RX["AnalysisReason"]),
                ox.Triple(why, _RX["mechanism"], ox.Literal(reason.mechanism)),
                ox.Triple(why, _RX["contribution"], _decimal(reason.value)),
                ox.Triple(why, _RX["reasonKind"], ox.Literal(reason.kind)),
                ox.Triple(why, _COMMENT, ox.Literal(reason.text)),
            ]
            if reason.construct.startswith("rx:"):
                out.append(ox.Triple(why, _RX["construct"], _iri(str(RX) + reason.construct[3:])))
            if reason.citation:
                out.append(ox.Triple(why, _iri(DCTERMS.bibliographicCitation), ox.Literal(reason.citation)))
            out += [
                ox.Triple(why, _RX["evidence"], _term(e))
                for e in reason.evidence
                if type(e).__name__ in ("URIRef", "BNode")
            ]
    for rank, lever in enumerate(result.levers, 1):
        node = ox.BlankNode()
        out += [
            ox.Triple(run, _RX["hasLever"], node),
            ox.Triple(node, _TYPE, _RX["Lever"]),
            ox.Triple(node, _LABEL, ox.Literal(lever.kind)),
            ox.Triple(node, _COMMENT, ox.Literal(lever.text)),
            ox.Triple(node, _RX["rank"], ox.Literal(str(rank), datatype=_INTEGER)),
            ox.Triple(node, _RX["leverEffect"], _decimal(lever.effect)),
        ]
        out += [
            ox.Triple(node, _RX["concerns"], _term(n)) for n in lever.nodes if type(n).__name__ in ("URIRef", "BNode")
        ]
    return f"{ANALYSIS_GRAPHS}{run_id}", out


def _value(value) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_iri(XSD.boolean))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_INTEGER)
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=_iri(XSD.double))
    return ox.Literal(str(value))


def run_graph(
    result: ChangeAnalysis,
    *,
    map_path: Path | None = None,
    started: dt.datetime | None = None,
    reasons_for: int | None = None,
) -> RunGraph:
    """The run as N-Triples bytes with its graph name: what the analysis process sends back to the app.

    ``reasons_for`` keeps the reasons of the leading points only (every point keeps
    its rank and scores): the app records runs with the reasons of the top 200,
    since a 10k-node map's reasons alone are some 200k triples.

    Examples
    --------
    >>> from explorer.analysis.change import analyse_change
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> result = analyse_change(map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> . <urn:x:r> a rx:Routine .'''), runs=0)
    >>> run = run_graph(result)
    >>> str(run.change), b"ResistancePoint" in run.ntriples
    ('urn:x:c', True)
    """
    name, triples = _triples(
        result, map_path=map_path, started=started or dt.datetime.now(dt.UTC), reasons_for=reasons_for
    )
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return RunGraph(URIRef(name), URIRef(str(result.change)), data)


def analysis_graph(
    result: ChangeAnalysis, *, map_path: Path | None = None, started: dt.datetime | None = None
) -> Graph:
    """The run as an rdflib :class:`~rdflib.Graph` (its identifier is the run graph's name)."""
    name, triples = _triples(result, map_path=map_path, started=started or dt.datetime.now(dt.UTC))
    graph = Graph(identifier=URIRef(name))
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.addN((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), graph) for t in triples)
    return graph


def analysis_graph_turtle(result: ChangeAnalysis, *, map_path: Path | None = None) -> str:
    """The run as Turtle text (written by Oxigraph, with the usual prefixes)."""
    _, triples = _triples(result, map_path=map_path, started=dt.datetime.now(dt.UTC))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_PREFIXES).decode("utf-8")


def record_run(document, run: RunGraph | ChangeAnalysis, *, publish: bool = True):
    """Put a run into ``document`` as an analysis run graph, replacing earlier runs of the same change.

    The graph is a derived graph (see :meth:`MapDocument.put_derived_graph`): not an
    edit, so it neither marks the map unsaved nor enters the undo history, and
    SPARQL finds it with ``GRAPH ?g { ?run a rx:AnalysisRun }``.

    Parameters
    ----------
    document : MapDocument
        The open map.
    run : RunGraph or ChangeAnalysis
        The run, as the analysis process sent it, or a result to turn into one.

    publish : bool
        Publish the document's ``DerivedGraphsChanged`` event (the default). With
        False the call is safe in a worker thread, and the event is returned
        for the caller to publish on the document's thread.

    Returns
    -------
    URIRef or DerivedGraphsChanged
        The run graph's name; the event when ``publish`` is False.

    Examples
    --------
    >>> from explorer.analysis.change import analyse_change
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> from explorer.core.document import MapDocument
    >>> result = analyse_change(map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> . <urn:x:r> a rx:Routine .'''), runs=0)
    >>> doc = MapDocument.new(with_ontology=False)
    >>> first = record_run(doc, result)
    >>> second = record_run(doc, result)
    >>> doc.derived_graphs() == [second], first != second, doc.dirty
    (True, True, False)
    >>> doc.close()
    """
    if isinstance(run, ChangeAnalysis):
        run = run_graph(run, map_path=document.path)
    earlier = {
        q[3] for q in document.store.quads(None, RX.analysedChange, run.change, graph=ANY_GRAPH) if is_derived(q[3])
    }
    event = document.write_derived_graph(run.name, data=run.ntriples, replacing=earlier)
    if not publish:
        return event
    document.events.publish(event)
    return run.name


__all__ = ["ANALYSIS_GRAPHS", "RunGraph", "analysis_graph", "analysis_graph_turtle", "record_run", "run_graph"]
