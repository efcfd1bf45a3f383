"""Run a change analysis on an open map or on a serialised one (for a separate process).

The analysis is pure Python: in a thread of the app it would hold the GIL and
make the window stutter, so the app sends the map, as N-Triples bytes, to a
separate process that calls :func:`analyse_serialised` and sends back the
(picklable) :class:`~explorer.analysis.change.ChangeAnalysis`.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.resources import sample_maps
>>> from explorer.core.document import MapDocument
>>> doc = MapDocument.open([p for p in sample_maps() if p.stem == "keystone-michigan"][0], editing=False)
>>> result = analyse_serialised(serialise_map(doc), runs=0)
>>> result.change_label
'CLABSI checklist bundle (Keystone)'
>>> doc.close()
"""

from __future__ import annotations

import pickle
import time
import traceback
from pathlib import Path

from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.rdf_formats import format_by_name
from explorer.core.resources import ontology_files
from explorer.core.store import EmbeddedStore
from explorer.core.terms import DEFAULT_GRAPH

from .change import AnalysisError, ChangeAnalysis, analyse_change
from .graph import map_graph
from .weights import load_weights


def serialise_map(doc) -> bytes:
    """The map graph of ``doc`` as N-Triples bytes (what a worker process needs)."""
    return doc.store.dump(format_by_name("ntriples"), graphs=[DEFAULT_GRAPH])


def serialise_side(doc, scenario=None) -> bytes:
    """The map graph of ``doc``'s as-is map (``scenario`` None) or of one of its scenarios, as N-Triples bytes.

    Whatever the open map shows, the side is built in a store of its own (the base, then the
    scenario's differences), so the open map is not touched.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from rdflib import RDFS, Literal, URIRef
    >>> from explorer.core import scenarios
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(with_ontology=False)
    >>> ward = (URIRef("urn:x:ward"), RDFS.label, Literal("Ward 7"), DEFAULT_GRAPH)
    >>> command, to_be = scenarios.create(doc, "to-be", added=[ward])
    >>> doc.execute(command); doc.execute(scenarios.show(doc, to_be))
    >>> b"Ward 7" in serialise_side(doc, to_be), b"Ward 7" in serialise_side(doc)
    (True, False)
    >>> doc.close()
    """
    from explorer.core import scenarios

    ntriples = format_by_name("ntriples")
    to_add, to_remove = scenarios.base_quads(doc.store)
    if scenario is None and not to_add and not to_remove:
        return serialise_map(doc)
    store = EmbeddedStore()
    store.load(serialise_map(doc), format=ntriples)
    in_map = [q for q in to_add if q[3] == DEFAULT_GRAPH], [q for q in to_remove if q[3] == DEFAULT_GRAPH]
    store.apply(added=in_map[0], removed=in_map[1])
    if scenario is not None:
        added, removed = scenarios.differences(doc.store, scenario)
        store.apply(added=added, removed=removed)
    return store.dump(ntriples, graphs=[DEFAULT_GRAPH])


def graph_of_serialised(data: bytes):
    """The map graph (:func:`~explorer.analysis.graph.map_graph`) of a map given as N-Triples ``data``,
    read with the ontology alongside, as in a document."""
    return _store_and_graph(data)[1]


def _store_and_graph(data: bytes):
    store = EmbeddedStore()
    store.load(data, format=format_by_name("ntriples"))
    for file in ontology_files():
        store.load(file, graph=ONTOLOGY_GRAPH)
    return store, map_graph(store)


def compare_serialised(data_a: bytes, data_b: bytes, change_a=None, change_b=None, *, weights_path=None, **options):
    """Compare two maps given as N-Triples (:func:`~explorer.analysis.compare.compare`), the ontology's labels
    naming the relations and properties that differ."""
    from .compare import compare, ontology_words

    store, graph_a = _store_and_graph(data_a)
    graph_b = graph_a if data_b == data_a else _store_and_graph(data_b)[1]
    words = ontology_words(store)
    return compare(graph_a, graph_b, change_a, change_b, weights=load_weights(weights_path), words=words, **options)


def compare_in_process(outbox, path_a: str, path_b: str, options: dict) -> None:
    """Run in a separate process: compare two maps written as N-Triples files (:func:`compare_serialised`).

    ``options`` holds ``change_a``, ``change_b`` and the keywords of :func:`~explorer.analysis.compare.compare`.
    Messages as :func:`analyse_in_process`: ``("progress", done, total)``, then ``("result", pickled
    Comparison)`` or ``("error", message, expected)``.
    """
    options = dict(options)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= 0.05:
            last[0] = now
            outbox.put(("progress", int(done), int(total)))

    try:
        with open(path_a, "rb") as handle:
            data_a = handle.read()
        with open(path_b, "rb") as handle:
            data_b = handle.read()
        result = compare_serialised(data_a, data_b, progress=progress, **options)
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except AnalysisError as error:
        outbox.put(("error", str(error), True))
    except BaseException as error:  # noqa: BLE001 - every failure must reach the window
        outbox.put(("error", f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}", False))
    else:
        outbox.put(("result", payload))
    outbox.close()
    outbox.join_thread()


def analyse_serialised(
    data: bytes, change=None, *, weights_path: str | Path | None = None, progress=None, **options
) -> ChangeAnalysis:
    """Analyse a map given as N-Triples ``data`` (the ontology is loaded alongside, as in a document)."""
    return analyse_change(
        graph_of_serialised(data), change, weights=load_weights(weights_path), progress=progress, **options
    )


def analyse_in_process(outbox, path: str, change, options: dict) -> None:
    """Run in the analysis process: read the map, analyse it, put messages on ``outbox``.

    The target of the app's analysis process: it imports no Qt, so the process starts
    quickly. Messages: ``("progress", done, total)`` (at most every 50 ms), then one of
    ``("result", pickled ChangeAnalysis, RunGraph)`` or ``("error", message, expected)``
    where ``expected`` is True for an :class:`AnalysisError` (a problem of the
    map or the request, not of the program). The :class:`~explorer.analysis.rdf.RunGraph`
    (the run as RDF, with the reasons of the top 200 points) is built here, so the
    app only loads it; ``options["map_path"]``, when given, names the map it used.
    """
    from .rdf import run_graph

    options = dict(options)
    map_path = options.pop("map_path", None)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= 0.05:
            last[0] = now
            outbox.put(("progress", int(done), int(total)))

    try:
        with open(path, "rb") as handle:
            data = handle.read()
        result = analyse_serialised(data, change, progress=progress, **options)
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        graph = run_graph(result, map_path=map_path, reasons_for=200)
    except AnalysisError as error:
        outbox.put(("error", str(error), True))
    except BaseException as error:  # noqa: BLE001 - every failure must reach the window
        outbox.put(("error", f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}", False))
    else:
        outbox.put(("result", payload, graph))
    outbox.close()
    outbox.join_thread()


def interdependencies_in_process(outbox, path: str, change, options: dict) -> None:
    """Run in a separate process: every interdependency measure of the map (``change`` is unused).

    Messages as :func:`analyse_in_process`: ``("result", pickled InterdependenceSummary)``
    or ``("error", message, expected)``.
    """
    from .interdependence import summary

    try:
        with open(path, "rb") as handle:
            data = handle.read()
        result = summary(graph_of_serialised(data), **options)
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # noqa: BLE001 - every failure must reach the window
        outbox.put(("error", f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}", False))
    else:
        outbox.put(("result", payload))
    outbox.close()
    outbox.join_thread()
