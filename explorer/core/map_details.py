"""A map's details: its title, description, authors, organisation and dates, kept in the map itself.

They are statements about the map's own description node (the ``void:Dataset``
that also holds the base for new nodes, ``void:uriSpace``), in Dublin Core terms:
``dct:title``, ``dct:description``, one ``dct:creator`` per author,
``dct:publisher`` for the organisation, ``dct:created`` and ``dct:modified``
(``xsd:date``). So they travel with the file, SPARQL sees them, and every export
and the report read the title from the same place (:attr:`MapDocument.title
<explorer.core.document.MapDocument.title>`).

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> doc = MapDocument.new(with_ontology=False)
>>> doc.execute(set_details(doc.store, MapDetails(title="Ward 7 discharge", authors=("Ana", "Ben"))))
>>> doc.title, read_details(doc.store).authors, doc.stack.undo_text
('Ward 7 discharge', ('Ana', 'Ben'), 'Edit map details')
>>> doc.undo(); doc.title
'Untitled map'
>>> doc.close()
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from uuid import uuid4

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from .commands import Command, diff
from .terms import DEFAULT_GRAPH
from .text import ELLIPSIS, one_line

#: The longest title kept; a longer one is cut (a title is a heading, not a text).
TITLE_LIMIT = 500

#: The longest description kept.
DESCRIPTION_LIMIT = 20_000

#: The longest credit line shown (see :func:`credit_line`), and the authors it names before counting the others.
CREDIT_LIMIT = 400
CREDITED = 5


@dataclass(frozen=True)
class MapDetails:
    """What the Map Details dialog edits. Dates are ISO ``YYYY-MM-DD`` text, "" when not set."""

    title: str = ""
    description: str = ""
    authors: tuple[str, ...] = ()
    organisation: str = ""
    created: str = ""
    modified: str = ""


def map_node(store) -> URIRef | None:
    """The map's description node: the ``void:Dataset`` of the map graph (the one naming a base first), or None.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> map_node(EmbeddedStore()) is None
    True
    """
    found = sorted(
        {s for s, _, _, _ in store.quads(None, RDF.type, VOID.Dataset, DEFAULT_GRAPH) if isinstance(s, URIRef)},
        key=lambda s: (next(iter(store.quads(s, VOID.uriSpace, None, DEFAULT_GRAPH)), None) is None, str(s)),
    )
    return found[0] if found else None


def _texts(store, node, predicate) -> list[str]:
    return sorted(str(o) for _, _, o, _ in store.quads(node, predicate, None, DEFAULT_GRAPH) if isinstance(o, Literal))


def read_details(store) -> MapDetails:
    """The details the map holds (empty ones for a map with no description node).

    RDF keeps no order among a node's values, so the authors come in alphabetical order.
    """
    node = map_node(store)
    if node is None:
        return MapDetails()

    def first(predicate) -> str:
        return next(iter(_texts(store, node, predicate)), "")

    return MapDetails(
        title=first(DCTERMS.title),
        description=first(DCTERMS.description),
        authors=tuple(_texts(store, node, DCTERMS.creator)),
        organisation=first(DCTERMS.publisher),
        created=first(DCTERMS.created),
        modified=first(DCTERMS.modified),
    )


def _clean(text: str, limit: int, *, lines: bool = False) -> str:
    """``text`` stripped and cut; a single-line field loses its line breaks and control characters."""
    text = str(text)
    if not lines:
        text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    else:
        text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip()
    return text[:limit]


def _date(text: str) -> Literal | None:
    try:
        return Literal(dt.date.fromisoformat(text.strip()).isoformat(), datatype=XSD.date)
    except ValueError:
        return None


def set_details(store, details: MapDetails, *, today: dt.date | None = None) -> Command:
    """One undoable command that makes the map's details ``details`` (and its modified date today).

    Empty fields are removed; authors are split into one ``dct:creator`` each (blank ones dropped);
    a date that is not ``YYYY-MM-DD`` is left as it was. A map with no description node gets one.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> store = EmbeddedStore()
    >>> command = set_details(store, MapDetails(title="  Ward\\n7 ", authors=("Ana", " ")), today=dt.date(2025, 1, 2))
    >>> store.apply(added=command.added, removed=command.removed)
    >>> read_details(store)
    MapDetails(title='Ward 7', description='', authors=('Ana',), organisation='', created='', modified='2025-01-02')
    """
    node = map_node(store)
    added: list = []
    removed: list = []
    if node is None:
        node = URIRef(f"urn:uuid:{uuid4()}")
        added.append((node, RDF.type, VOID.Dataset, DEFAULT_GRAPH))
    details = replace(details, modified=(today or dt.date.today()).isoformat())
    wanted = {
        DCTERMS.title: [_clean(details.title, TITLE_LIMIT)],
        DCTERMS.description: [_clean(details.description, DESCRIPTION_LIMIT, lines=True)],
        DCTERMS.creator: [_clean(a, TITLE_LIMIT) for a in details.authors],
        DCTERMS.publisher: [_clean(details.organisation, TITLE_LIMIT)],
    }
    for predicate, values in wanted.items():
        removed.extend(store.quads(node, predicate, None, DEFAULT_GRAPH))
        added.extend((node, predicate, Literal(v), DEFAULT_GRAPH) for v in dict.fromkeys(values) if v)
    for predicate, text in ((DCTERMS.created, details.created), (DCTERMS.modified, details.modified)):
        value = _date(text) if text.strip() else None
        if value is not None or not text.strip():
            removed.extend(store.quads(node, predicate, None, DEFAULT_GRAPH))
        if value is not None:
            added.append((node, predicate, value, DEFAULT_GRAPH))
    command = diff(store, "Edit map details", added=added, removed=removed)
    if all(q[1] == DCTERMS.modified for q in command.added | command.removed):
        return Command("Edit map details")  # only the date would change: nothing was edited
    return command


def long_date(text: str) -> str:
    """An ISO date as people write it ("1 March 2025"); other text as one short line, as the file has it.

    Examples
    --------
    >>> long_date("2025-03-01"), long_date("spring\\n2025")
    ('1 March 2025', 'spring 2025')
    """
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return one_line(text, 40)
    return f"{day.day} {day:%B %Y}"


def credit_line(details: MapDetails, *, limit: int = CREDIT_LIMIT) -> str:
    """Who made the map, for which organisation, and when, as one line ("" when the map says none of it).

    For the report's title block, the exports' headings and ``routine-explorer info``. The first
    :data:`CREDITED` authors are named, the others counted; each part is one line, cut where it is long.
    Plain text: a page escapes it.

    Examples
    --------
    >>> credit_line(MapDetails(authors=("Ana", "Ben"), organisation="St Elsewhere", created="2025-03-01"))
    'By Ana and Ben · St Elsewhere · made 1 March 2025'
    >>> credit_line(MapDetails(authors=tuple("ABCDEFG")))
    'By A, B, C, D, E and 2 others'
    """
    names = [one_line(a, 80) for a in details.authors]
    names = [n for n in names if n]
    parts = []
    if names:
        shown = names[:CREDITED]
        rest = len(names) - len(shown)
        if rest:
            parts.append(f"By {', '.join(shown)} and {rest:,} other{'s' if rest != 1 else ''}")
        else:
            parts.append("By " + (f"{', '.join(shown[:-1])} and {shown[-1]}" if len(shown) > 1 else shown[0]))
    if one_line(details.organisation):
        parts.append(one_line(details.organisation, 120))
    dates = [
        f"{words} {long_date(value)}"
        for words, value in (("made", details.created), ("last changed", details.modified))
        if one_line(value)
    ]
    if dates:
        parts.append(", ".join(dates))
    line = " · ".join(parts)
    return one_line(line[:1].upper() + line[1:], limit)


def authorship(details: MapDetails, *, limit: int = 300) -> str:
    """The authors and the organisation as a file's "Author" metadata: one line, "" when the map names none.

    Examples
    --------
    >>> authorship(MapDetails(authors=("Ana", "Ben"), organisation="St Elsewhere"))
    'Ana, Ben · St Elsewhere'
    >>> authorship(MapDetails(authors=tuple("ABCDEFG")))
    'A, B, C, D, E and 2 others'
    """
    names = [n for n in (one_line(a, 80) for a in details.authors) if n]
    rest = len(names) - CREDITED
    people = ", ".join(names[:CREDITED]) + (f" and {rest:,} other{'s' if rest != 1 else ''}" if rest > 0 else "")
    return one_line(" · ".join(p for p in (people, one_line(details.organisation, 120)) if p), limit)


def description_paragraphs(details: MapDetails, *, limit: int = 1200) -> list[str]:
    """The description as paragraphs of one line each (one a line of the text), at most ``limit`` characters in all.

    Examples
    --------
    >>> description_paragraphs(MapDetails(description="How patients leave.\\n\\n  Second\\tline."))
    ['How patients leave.', 'Second line.']
    >>> description_paragraphs(MapDetails(description="x" * 50), limit=10)
    ['xxxxxxxxx…']
    """
    found, room = [], limit
    for line in str(details.description).splitlines():
        text = one_line(line)
        if not text:
            continue
        if room < 2:  # no room left for this paragraph: say that the text goes on
            found.append(ELLIPSIS)
            break
        found.append(one_line(text, room))
        room -= len(found[-1])
    return found


__all__ = [
    "CREDITED",
    "CREDIT_LIMIT",
    "DESCRIPTION_LIMIT",
    "TITLE_LIMIT",
    "MapDetails",
    "authorship",
    "credit_line",
    "description_paragraphs",
    "long_date",
    "map_node",
    "read_details",
    "set_details",
]
