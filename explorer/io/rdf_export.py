"""The core's RDF formats as exports: Turtle, TriG, N-Triples, N-Quads, JSON-LD and RDF/XML.

Each writer is :meth:`MapDocument.serialize <explorer.core.document.MapDocument.serialize>`
(Oxigraph's serialisers, the map without the ontology graph, only the prefixes
the map uses) written atomically, so an export is byte for byte what Save As
writes, without making the file the map's own. A name ending ``.gz`` is
gzipped. Graph formats (Turtle, N-Triples, RDF/XML) refuse a map with named
graphs besides the map graph, with a message naming TriG or N-Quads instead.
Scenarios are the exception: a one-graph export writes the map shown (the
scenario shown, or the map as it is) and leaves them out, which
:func:`scenarios_note` says in words; TriG and N-Quads write the map as it is
and every scenario, as a save does.
``title``, ``heat``, ``layout`` and ``positions`` are accepted, so every export
takes the same call, and not written: analysis runs belong in their own graph
(``routine-explorer analyse --format ttl``).

Examples
--------
>>> import os, tempfile
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.nt"
>>> write_ntriples(doc, out)
>>> len(out.read_text(encoding="utf-8").splitlines()) == doc.store.count()
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..core.atomic_file import atomic_write
from ..core.rdf_formats import format_by_name
from ..core.scenarios import scenarios
from .model import check_options


def _write(document, path: Path, name: str, progress: Callable[[int, int], None] | None, options: Mapping) -> None:
    # Layout and positions mean nothing to RDF; they are accepted so every export takes the same call.
    check_options(options)
    if progress is not None:
        progress(0, 2)
    fmt = format_by_name(name)
    if fmt.holds_datasets:
        with document.as_saved():  # what Save As writes: the map as it is and every scenario
            data = document.serialize(fmt)
    else:
        data = document.serialize(fmt, without_scenarios=True)  # the map shown
    if progress is not None:
        progress(1, 2)
    atomic_write(Path(path), data)
    if progress is not None:
        progress(2, 2)


def write_turtle(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map graph as Turtle (``title`` and ``heat`` are not written; see the module note)."""
    _write(document, path, "turtle", progress, format_options)


def write_trig(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map and its named graphs (not the ontology) as TriG."""
    _write(document, path, "trig", progress, format_options)


def write_ntriples(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map graph as N-Triples, one triple a line."""
    _write(document, path, "ntriples", progress, format_options)


def write_nquads(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map and its named graphs (not the ontology) as N-Quads."""
    _write(document, path, "nquads", progress, format_options)


def write_jsonld(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map and its named graphs (not the ontology) as JSON-LD (expanded, no remote context)."""
    _write(document, path, "jsonld", progress, format_options)


def write_rdfxml(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    """Write the map graph as RDF/XML."""
    _write(document, path, "rdfxml", progress, format_options)


#: The core format each export writes, by the registry's name.
_FORMATS = {"ttl": "turtle", "trig": "trig", "nt": "ntriples", "nq": "nquads", "jsonld": "jsonld", "rdfxml": "rdfxml"}


def scenarios_note(document, name: str) -> str:
    """What an export as ``name`` (the registry's: "ttl", "nt"...) leaves out of a map with scenarios; "" if nothing.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.scenarios import create
    >>> doc = MapDocument.new(with_ontology=False)
    >>> command, _ = create(doc, "to-be"); doc.execute(command)
    >>> scenarios_note(doc, "ttl")
    'exported the map shown; its scenario is kept only in TriG or N-Quads'
    >>> scenarios_note(doc, "trig"), scenarios_note(doc, "html")
    ('', '')
    >>> doc.close()
    """
    core = _FORMATS.get(name)
    if core is None or format_by_name(core).holds_datasets:
        return ""
    kept = [s for s in scenarios(document.store) if not s.trial]
    if not kept:
        return ""
    which = "its scenario is" if len(kept) == 1 else f"its {len(kept)} scenarios are"
    return f"exported the map shown; {which} kept only in TriG or N-Quads"


__all__ = [
    "scenarios_note",
    "write_jsonld",
    "write_nquads",
    "write_ntriples",
    "write_rdfxml",
    "write_trig",
    "write_turtle",
]
