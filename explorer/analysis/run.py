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
>>> result = analyse_serialised(serialise_map(doc), sensitivity_runs=0)
>>> result.change_label
'CLABSI checklist bundle (Keystone)'
>>> doc.close()
"""

from __future__ import annotations

from pathlib import Path

from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.rdf_formats import format_by_name
from explorer.core.resources import ontology_files
from explorer.core.store import EmbeddedStore
from explorer.core.terms import DEFAULT_GRAPH

from .change import ChangeAnalysis, analyse_change
from .graph import map_graph
from .weights import load_weights


def serialise_map(doc) -> bytes:
    """The map graph of ``doc`` as N-Triples bytes (what a worker process needs)."""
    return doc.store.dump(format_by_name("ntriples"), graphs=[DEFAULT_GRAPH])


def analyse_document(doc, change=None, *, weights_path: str | Path | None = None, **options) -> ChangeAnalysis:
    """Analyse ``change`` on an open :class:`~explorer.core.document.MapDocument` in this process."""
    return analyse_change(map_graph(doc.store), change, weights=load_weights(weights_path), **options)


def analyse_serialised(data: bytes, change=None, *, weights_path: str | Path | None = None, progress=None, **options) -> ChangeAnalysis:
    """Analyse a map given as N-Triples ``data`` (the ontology is loaded alongside, as in a document)."""
    store = EmbeddedStore()
    store.load(data, format=format_by_name("ntriples"))
    for file in ontology_files():
        store.load(file, graph=ONTOLOGY_GRAPH)
    return analyse_change(map_graph(store), change, weights=load_weights(weights_path), progress=progress, **options)
