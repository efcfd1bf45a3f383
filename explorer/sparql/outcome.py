r"""What a query gave back, and how to write it out.

:class:`Outcome` is what :meth:`~explorer.sparql.service.QueryService.run`
returns. Table and yes/no results are written by rdflib's SPARQL result
serializers (JSON, XML). CSV and TSV are written here to the W3C formats and
made safe to open in a spreadsheet: a CSV cell that starts like a formula gets
a leading apostrophe (as every CSV this app writes), CR and LF are quoted; a TSV
term is in N-Triples syntax as Oxigraph prints it, and a literal whose text
starts like a formula has that first character written as a ``\uXXXX`` escape,
which is the same literal to any SPARQL reader and plain text to a spreadsheet.
Graph results (CONSTRUCT, DESCRIBE) are written by the core's RDF writers.

Examples
--------
>>> from rdflib import Literal, URIRef
>>> out = Outcome("select", variables=("unit", "label"), rows=((URIRef("http://e/icu"), Literal("ICU, north\tside")),))
>>> out.serialize("csv")
b'unit,label\r\nhttp://e/icu,"ICU, north\tside"\r\n'
>>> out.serialize("tsv")
b'?unit\t?label\n<http://e/icu>\t"ICU, north\\tside"\n'
>>> print(format_table(out, {"e": "http://e/"}))
unit  | label
------+----------------
e:icu | ICU, north side
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result

from explorer.core.commands import Command
from explorer.core.errors import ExplorerError
from explorer.core.netguard import no_network
from explorer.core.rdf_formats import format_by_name, refuse_xml_illegal, serialize_quads
from explorer.core.spreadsheet import FORMULA_START, neutralise
from explorer.core.terms import DEFAULT_GRAPH, to_ox, to_ox_quad
from explorer.core.text import one_line

#: Formats for SELECT and ASK results (CSV and TSV hold tables only).
TABLE_FORMATS = ("csv", "tsv", "json", "xml")
#: Formats for CONSTRUCT and DESCRIBE results.
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "xml")
_MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
}


@dataclass(frozen=True)
class Outcome:
    """The result of one query or update.

    Attributes
    ----------
    kind : str
        ``"select"``, ``"ask"``, ``"graph"`` (CONSTRUCT/DESCRIBE) or ``"update"``.
    variables : tuple of str
        SELECT's column names.
    rows : tuple of tuple
        SELECT's rows: rdflib terms, None where unbound.
    boolean : bool or None
        ASK's answer.
    triples : tuple of tuple
        CONSTRUCT/DESCRIBE's ``(s, p, o)``.
    truncated : bool
        Rows or triples were capped at the row limit.
    elapsed : float
        Seconds, from the call to the answer.
    command : Command or None
        For an update: the diff to execute with :meth:`MapDocument.execute`
        (None if it changes nothing).
    message : str
        One line for a status bar, e.g. ``"12 rows in 0.03 s"``.
    prefixes : Mapping
        The prefixes declared for the query, used when a graph is written as Turtle.
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple, ...] = ()
    truncated: bool = False
    elapsed: float = 0.0
    command: Command | None = None
    message: str = ""
    prefixes: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def serialize(self, fmt: str, *, prefixes: dict[str, str] | None = None) -> bytes:
        """The result as bytes in ``fmt``.

        Parameters
        ----------
        fmt : str
            ``"csv"``, ``"tsv"``, ``"json"``, ``"xml"`` for SELECT and ASK (not
            CSV/TSV for ASK: those formats hold tables); ``"ttl"``, ``"nt"``,
            ``"jsonld"``, ``"xml"`` (RDF/XML) for graph results.
        prefixes : dict, optional
            Prefixes for Turtle output (only those used are written); default :attr:`prefixes`.

        Raises
        ------
        ExplorerError
            The format does not fit this kind of result.
        """
        fmt = fmt.lower()
        if self.kind == "update":
            raise ExplorerError("An update has no result to save: execute it on the map, then save the map.")
        if self.kind == "graph":
            if fmt not in GRAPH_FORMATS:
                raise ExplorerError(
                    f"A CONSTRUCT or DESCRIBE result is a graph: save it as {', '.join(GRAPH_FORMATS)}, not {fmt}."
                )
            quads = [to_ox_quad((s, p, o, DEFAULT_GRAPH)) for s, p, o in self.triples]
            chosen = dict(self.prefixes if prefixes is None else prefixes)
            return serialize_quads(quads, format_by_name("rdfxml" if fmt == "xml" else fmt), prefixes=chosen)
        if fmt not in TABLE_FORMATS:
            raise ExplorerError(
                f"A {self.kind.upper()} result is a table: save it as {', '.join(TABLE_FORMATS)}, not {fmt}."
            )
        if self.kind == "ask" and fmt in ("csv", "tsv"):
            raise ExplorerError(f"{fmt.upper()} holds tables only; save a yes/no answer as json or xml.")
        if fmt == "tsv":
            return _tsv(self.variables, self.rows)
        if fmt == "csv":
            return _csv(self.variables, self.rows)
        result = Result("ASK" if self.kind == "ask" else "SELECT")
        if self.kind == "ask":
            result.askAnswer = bool(self.boolean)
        else:
            names = [Variable(v) for v in self.variables]
            result.vars = names
            result.bindings = [{n: t for n, t in zip(names, row) if t is not None} for row in self.rows]
        with no_network("writing query results"):
            data = result.serialize(format=fmt, encoding="utf-8")
        if fmt == "xml":
            refuse_xml_illegal(data, "SPARQL XML results", "JSON, CSV or TSV")
        return data


def media_type(fmt: str) -> str | None:
    """The media type of a table result format (None for graph formats)."""
    return _MEDIA_TYPES.get(fmt)


def _csv(variables, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # CRLF line ends, so a CR or LF inside a value is quoted
    writer.writerow([neutralise(str(v)) for v in variables])
    for row in rows:
        writer.writerow(["" if t is None else neutralise(f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return out.getvalue().encode("utf-8")


def _tsv(variables, rows) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tsv_term(term) -> str:
    text = str(to_ox(term))
    if isinstance(term, Literal) and text[1:2] and text[1] in FORMULA_START:
        return f'"\\u{ord(text[1]):04X}{text[2:]}'
    return text


def short_name(term, prefixes: dict[str, str] | None = None) -> str:
    """A term as a person reads it: ``rx:Unit`` for a known namespace, a literal's text, ``_:id`` for a blank node.

    Examples
    --------
    >>> short_name(URIRef("https://w3id.org/routine-explorer/ns#Unit"), {"rx": "https://w3id.org/routine-explorer/ns#"})
    'rx:Unit'
    >>> short_name(Literal("0.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")))
    '0.5'
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        best = ""
        for name, namespace in (prefixes or {}).items():
            if text.startswith(namespace) and len(namespace) > len(best) and _local_ok(text[len(namespace) :]):
                best, found = namespace, name
        return f"{found}:{text[len(best) :]}" if best else text
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return f"{term}@{term.language}" if term.language else str(term)
    return str(term)


def _local_ok(local: str) -> bool:
    return bool(local) and all(c.isalnum() or c in "_-." for c in local) and not local.endswith(".")


def format_table(outcome: Outcome, prefixes: dict[str, str] | None = None, *, width: int = 60) -> str:
    """SELECT rows as an aligned text table (cells shortened to ``width``), ASK as yes/no."""
    if outcome.kind == "ask":
        return "yes" if outcome.boolean else "no"
    if outcome.kind != "select":
        raise ExplorerError("Only SELECT and ASK results print as a table.")

    def cell(term) -> str:
        return one_line(short_name(term, prefixes), width)

    header = list(outcome.variables)
    body = [[cell(t) for t in row] for row in outcome.rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body)
    return "\n".join(lines)


__all__ = ["GRAPH_FORMATS", "TABLE_FORMATS", "Outcome", "format_table", "media_type", "short_name"]
