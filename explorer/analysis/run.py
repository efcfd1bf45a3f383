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


def side_patch(doc, scenario=None) -> tuple[frozenset, frozenset]:
    """``(added, removed)``: the map-graph statements that take :func:`serialise_map` of ``doc`` (what the open
    map shows) to its as-is map (``scenario`` None) or to one of its scenarios.

    A quick read of the scenarios' graphs, so the heavy part (loading the map elsewhere and applying this) can
    run off the UI thread or in another process (:func:`patched`, the ``patches`` of :func:`compare_in_process`).

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
    >>> doc.execute(command)
    >>> side_patch(doc, to_be) == (frozenset([ward]), frozenset()), side_patch(doc)
    (True, (frozenset(), frozenset()))
    >>> doc.execute(scenarios.show(doc, to_be))  # shown: the as-is map is the shown one less the ward
    >>> side_patch(doc) == (frozenset(), frozenset([ward])), side_patch(doc, to_be)[1]
    (True, frozenset())
    >>> doc.close()
    """
    from explorer.core import scenarios

    to_add, to_remove = scenarios.base_quads(doc.store)
    added = {q for q in to_add if q[3] == DEFAULT_GRAPH}
    removed = {q for q in to_remove if q[3] == DEFAULT_GRAPH}
    if scenario is not None:
        # The base's patch then the scenario's, as one: what the second adds wins over what the first removes.
        more, fewer = scenarios.differences(doc.store, scenario)
        added, removed = (added - fewer) | more, (removed | fewer) - more
    return frozenset(added), frozenset(removed)


def patched(data: bytes, added=(), removed=()) -> bytes:
    """N-Triples ``data`` with the statements ``removed`` taken out and ``added`` put in (as N-Triples bytes).

    Examples
    --------
    >>> from rdflib import RDFS, Literal, URIRef
    >>> ward = (URIRef("urn:x:ward"), RDFS.label, Literal("Ward 7"), DEFAULT_GRAPH)
    >>> patched(b"", added=[ward]).strip()
    b'<urn:x:ward> <http://www.w3.org/2000/01/rdf-schema#label> "Ward 7" .'
    >>> patched(patched(b"", added=[ward]), removed=[ward])
    b''
    """
    if not added and not removed:
        return data
    ntriples = format_by_name("ntriples")
    store = EmbeddedStore()
    store.load(data, format=ntriples)
    store.apply(added=added, removed=removed)
    return store.dump(ntriples, graphs=[DEFAULT_GRAPH])


def serialise_side(doc, scenario=None) -> bytes:
    """The map graph of ``doc``'s as-is map (``scenario`` None) or of one of its scenarios, as N-Triples bytes.

    Whatever the open map shows, the side is built in a store of its own (the base, then the
    scenario's differences), so the open map is not touched. The app does the two steps apart
    (:func:`side_patch` on the UI thread, the rest elsewhere).

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
    added, removed = side_patch(doc, scenario)
    return patched(serialise_map(doc), added, removed)


def built_side(data: bytes, patch=None) -> tuple[bytes, object]:
    """``(N-Triples, map graph)`` of the map ``data`` with ``patch`` (``(added, removed)``) applied, read once.

    Examples
    --------
    >>> from rdflib import RDFS, Literal, URIRef
    >>> ward = URIRef("urn:x:ward")
    >>> data, graph = built_side(b"", ([(ward, RDFS.label, Literal("Ward 7"), DEFAULT_GRAPH)], []))
    >>> b"Ward 7" in data, graph.number_of_nodes()  # a label alone is no node of the map graph
    (True, 0)
    """
    store, graph = _store_and_graph(data, patch)
    if patch and any(patch):
        data = store.dump(format_by_name("ntriples"), graphs=[DEFAULT_GRAPH])
    return data, graph


def graph_of_serialised(data: bytes, patch=None):
    """The map graph (:func:`~explorer.analysis.graph.map_graph`) of a map given as N-Triples ``data``
    (with ``patch``, ``(added, removed)``, applied), read with the ontology alongside, as in a document."""
    return _store_and_graph(data, patch)[1]


def _store_and_graph(data: bytes, patch=None):
    store = EmbeddedStore()
    store.load(data, format=format_by_name("ntriples"))
    if patch:
        store.apply(added=patch[0], removed=patch[1])
    for file in ontology_files():
        store.load(file, graph=ONTOLOGY_GRAPH)
    return store, map_graph(store)


def compare_serialised(
    data_a: bytes,
    data_b: bytes,
    change_a=None,
    change_b=None,
    *,
    weights_path=None,
    patch_a=None,
    patch_b=None,
    **options,
):
    """Compare two maps given as N-Triples (:func:`~explorer.analysis.compare.compare`), the ontology's labels
    naming the relations and properties that differ. ``patch_a``, ``patch_b``: ``(added, removed)`` statements
    applied to a side's map first (:func:`side_patch`)."""
    from .compare import compare, ontology_words

    patch_a = patch_a if patch_a and any(patch_a) else None
    patch_b = patch_b if patch_b and any(patch_b) else None
    store, graph_a = _store_and_graph(data_a, patch_a)
    same = data_b == data_a and patch_a == patch_b
    graph_b = graph_a if same else _store_and_graph(data_b, patch_b)[1]
    words = ontology_words(store)
    return compare(graph_a, graph_b, change_a, change_b, weights=load_weights(weights_path), words=words, **options)


def compare_in_process(outbox, path_a: str, path_b: str, options: dict) -> None:
    """Run in a separate process: compare two maps written as N-Triples files (:func:`compare_serialised`).

    ``options`` holds ``change_a``, ``change_b`` and the keywords of :func:`~explorer.analysis.compare.compare`,
    and may hold ``patches``: the path of a pickle of ``(patch_a, patch_b)`` (:func:`side_patch`), applied here
    so the app need not build a side's map itself. ``path_b`` empty: both sides start from ``path_a``'s map.
    Messages as :func:`analyse_in_process`: ``("progress", done, total)``, then ``("result", pickled
    Comparison)`` or ``("error", message, expected)``.
    """
    options = dict(options)
    patches = options.pop("patches", None)
    progress = _progress_to(outbox)

    try:
        with open(path_a, "rb") as handle:
            data_a = handle.read()
        if not path_b:
            data_b = data_a
        else:
            with open(path_b, "rb") as handle:
                data_b = handle.read()
        if patches:
            with open(patches, "rb") as handle:  # written by the app for this run, in its private folder
                options["patch_a"], options["patch_b"] = pickle.load(handle)
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


def _progress_to(outbox):
    """``progress(done, total)`` putting ``("progress", done, total)`` on ``outbox`` at most every 50 ms (and at
    the end), so a child process never floods the window with messages."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= 0.05:
            last[0] = now
            outbox.put(("progress", int(done), int(total)))

    return progress


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
    progress = _progress_to(outbox)

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
