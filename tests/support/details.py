"""Map details as a hostile file could hold them: markup, a control sequence, 10,000 characters, 300 authors.

``set_details`` cleans what the app writes; a file made elsewhere is read as it is, so every place that shows
the details must escape them, keep one line where one line is expected and cut what is too long.
"""

from __future__ import annotations

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID

from explorer.core.map_details import map_node
from explorer.core.terms import DEFAULT_GRAPH

SCRIPT = "<script>alert(1)</script>"
ESCAPE = "\x1b[31m"  # a terminal's "turn red"
LONG = "Long " * 2000  # 10,000 characters

TITLE = f"Ward {SCRIPT}\n7\x00 discharge"
DESCRIPTION = f"How patients leave {SCRIPT}{ESCAPE} Ward 7.\nSecond\x07 line. {LONG}"
AUTHORS = (f"Ana {SCRIPT}", f"Ben{ESCAPE}\nOkafor", LONG, *(f"Author {n:03d}" for n in range(300)))
ORGANISATION = f"St {SCRIPT} Elsewhere\r\nNHS{ESCAPE} Trust"
CREATED, MODIFIED = "2025-03-01", f"not a date {SCRIPT}"


def give_hostile_details(doc) -> None:
    """Write the hostile details straight into ``doc``'s store, as reading such a file would."""
    store = doc.store
    node = map_node(store)
    added = []
    if node is None:
        node = URIRef("urn:uuid:hostile-map")
        added.append((node, RDF.type, VOID.Dataset, DEFAULT_GRAPH))
    removed = [
        q
        for p in (
            DCTERMS.title,
            DCTERMS.description,
            DCTERMS.creator,
            DCTERMS.publisher,
            DCTERMS.created,
            DCTERMS.modified,
        )
        for q in store.quads(node, p, None, DEFAULT_GRAPH)
    ]
    values = [
        (DCTERMS.title, TITLE),
        (DCTERMS.description, DESCRIPTION),
        (DCTERMS.publisher, ORGANISATION),
        (DCTERMS.created, CREATED),
        (DCTERMS.modified, MODIFIED),
        *((DCTERMS.creator, a) for a in AUTHORS),
    ]
    added.extend((node, p, Literal(v), DEFAULT_GRAPH) for p, v in values)
    store.apply(added=added, removed=removed)
