"""CONSTRUCT and DESCRIBE results as a graph in a window of their own, drawn by a read-only map canvas.

Why a new window rather than a filtered view of the main canvas: a CONSTRUCT
makes new statements (a tie the map only implies, a summary relation), which
the map does not hold and so cannot show by hiding what it does hold; and a
separate window can sit beside the map for comparison while the map stays
exactly as it was.

The result's triples go into a throw-away in-memory
:class:`~explorer.core.document.MapDocument` (with the ontology, for kinds,
colours and levels). So that nodes are drawn with their kind, label and level,
each IRI the result names is given its ``rdf:type``, labels and level from the
open map; an IRI the map does not type either is drawn as a plain entity
(``prov:Entity``, grey). Literal values are not drawn; the console lists every
triple. Nothing of this is written back to the map.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import PROV, RDFS, SKOS

from explorer.core.document import MapDocument
from explorer.core.namespaces import RX
from explorer.core.projection import Projection
from explorer.core.schema import Schema, schema_of
from explorer.core.terms import DEFAULT_GRAPH
from explorer.core.text import one_line
from explorer.ui.canvas.view import MapCanvas

#: What the drawing borrows from the open map for each IRI of the result.
BORROWED = (RDF.type, RDFS.label, SKOS.prefLabel, RX.level)
FALLBACK_KIND = PROV.Entity


@dataclass
class GraphResult:
    """A graph result ready to draw (built off the UI thread by :func:`build_graph_result`)."""

    document: MapDocument
    schema: Schema
    projection: Projection
    positions: dict
    triples: int
    literals: int

    def close(self) -> None:
        self.document.close()


def build_graph_result(triples, source_store=None, *, title: str = "Query result", cancelled=None) -> GraphResult:
    """Put ``triples`` in a new in-memory map, borrow kinds and labels from ``source_store``, lay it out by level.

    Safe to call on a worker thread: it only reads ``source_store``.
    """
    from explorer.layout.placement import initial_positions

    document = MapDocument.new(title=title, editing=False)
    try:
        schema = schema_of(document)
        quads = {(s, p, o, DEFAULT_GRAPH) for s, p, o in triples}
        named, types = set(), {}
        literals = 0
        for s, p, o in triples:
            named.add(s)
            if p == RDF.type:
                types.setdefault(s, []).append(o)
            elif isinstance(o, (URIRef, BNode)):
                named.add(o)
            elif isinstance(o, Literal):
                literals += 1
        if source_store is not None:
            for term in named:
                if not isinstance(term, URIRef):
                    continue
                for predicate in BORROWED:
                    for quad in source_store.quads(term, predicate, None):
                        quads.add((quad[0], quad[1], quad[2], DEFAULT_GRAPH))
                        if predicate == RDF.type:
                            types.setdefault(term, []).append(quad[2])
        for term in named:
            if schema.kind_of(types.get(term, ())) is None:
                quads.add((term, RDF.type, FALLBACK_KIND, DEFAULT_GRAPH))
        document.store.apply(added=quads)
        projection = Projection.build(document.store, schema)
        positions = initial_positions(projection, cancelled=cancelled)
        return GraphResult(document, schema, projection, positions, len(triples), literals)
    except BaseException:
        document.close()
        raise


class ReadOnlyCanvas(MapCanvas):
    """A map canvas that shows, selects, zooms and pans, but offers no edit gesture."""

    def start_rename(self, iri) -> None:
        """Renaming is an edit: a result is read-only."""

    def _place_handle(self, node) -> None:
        # No tie handle: dragging one would ask for a new tie.
        super()._place_handle(None)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        event.ignore()


class GraphResultWindow(QMainWindow):
    """A window showing one graph result; closing it frees its in-memory map."""

    def __init__(self, result: GraphResult, query_title: str, parent=None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.result = result
        title = one_line(query_title, 80) or "Query result"
        self.setWindowTitle(f"{title} — graph result — Routine Explorer")
        self.setAccessibleName("Graph result")
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.summary = QLabel(page)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setContentsMargins(12, 8, 12, 8)
        self.summary.setStyleSheet("background: palette(alternate-base); border-bottom: 1px solid palette(mid);")
        self.summary.setAccessibleName("Graph result summary")
        nodes, ties = len(result.projection.nodes), len(result.projection.ties)
        parts = [
            f"{result.triples:,} triple{'s' if result.triples != 1 else ''}",
            f"{nodes:,} node{'s' if nodes != 1 else ''} and {ties:,} tie{'s' if ties != 1 else ''} drawn",
        ]
        if result.literals:
            parts.append(
                f"{result.literals:,} literal value{'s' if result.literals != 1 else ''} "
                "listed in the console, not drawn"
            )
        self.summary.setText(f"{title}: " + "; ".join(parts) + ". Read-only: the map is not changed.")
        layout.addWidget(self.summary)
        self.canvas = ReadOnlyCanvas(page)
        self.canvas.setAccessibleName("Graph result canvas")
        layout.addWidget(self.canvas, 1)
        self.setCentralWidget(page)
        self.canvas.set_map(result.projection, result.schema, result.positions)
        self.resize(960, 680)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.canvas.fit()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.canvas.clear_map()
        self.result.close()
        super().closeEvent(event)
