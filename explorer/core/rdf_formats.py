"""The RDF formats a map can be read from and written to, and safe reading.

Formats are chosen by file extension (``.gz`` is looked through) or sniffed
from the content. Reading is done by Oxigraph's parsers, which stream, release
the GIL and report line and column; around them this module:

- refuses XML with a document type declaration before parsing, because both
  rdflib and Oxigraph expand internal entities without bound ("billion laughs")
  and a DOCTYPE is where external entities are declared;
- refuses JSON-LD that refers to a remote ``@context`` (Oxigraph has no loader
  set, so it never fetches one; the error is made readable here);
- blocks network access for the whole parse (:mod:`explorer.core.netguard`);
- reports progress by bytes read and lets the callback cancel.

Examples
--------
>>> format_for_path("team.ttl.gz").name
'turtle'
>>> sniff(b'<?xml version="1.0"?><rdf:RDF').name
'rdfxml'
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from .errors import ExplorerError, FormatError, UnsafeInputError
from .netguard import no_network

#: ``progress(done, total)`` in bytes; may raise :class:`~explorer.core.errors.OperationCancelled`.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation the core reads and writes."""

    name: str
    label: str
    extensions: tuple[str, ...]
    media_type: str
    ox_format: ox.RdfFormat
    holds_datasets: bool

    @property
    def extension(self) -> str:
        """The preferred file extension, with its dot."""
        return "." + self.extensions[0]


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", "Turtle", ("ttl", "turtle"), "text/turtle", ox.RdfFormat.TURTLE, False),
        RdfFormat("trig", "TriG", ("trig",), "application/trig", ox.RdfFormat.TRIG, True),
        RdfFormat("ntriples", "N-Triples", ("nt", "ntriples"), "application/n-triples", ox.RdfFormat.N_TRIPLES, False),
        RdfFormat("nquads", "N-Quads", ("nq", "nquads"), "application/n-quads", ox.RdfFormat.N_QUADS, True),
        RdfFormat("jsonld", "JSON-LD", ("jsonld", "json"), "application/ld+json", ox.RdfFormat.JSON_LD, True),
        RdfFormat("rdfxml", "RDF/XML", ("rdf", "owl", "xml"), "application/rdf+xml", ox.RdfFormat.RDF_XML, False),
    )
}
_BY_EXTENSION = {ext: f for f in FORMATS.values() for ext in f.extensions}
_ALIASES = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json-ld": "jsonld", "xml": "rdfxml", "rdf/xml": "rdfxml", "n-triples": "ntriples", "n-quads": "nquads"}
_GZIP_MAGIC = b"\x1f\x8b"
_HEAD_BYTES = 64 * 1024


def format_by_name(name: str) -> RdfFormat:
    """Look a format up by name (``turtle``, ``trig``, ``ntriples``, ``nquads``, ``jsonld``, ``rdfxml``) or extension."""
    key = name.lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key in FORMATS:
        return FORMATS[key]
    if key in _BY_EXTENSION:
        return _BY_EXTENSION[key]
    raise ExplorerError(f"Unknown RDF format {name!r}; known formats: {', '.join(FORMATS)}")


def format_for_path(path: str | Path) -> RdfFormat | None:
    """The format a file name implies, looking through a trailing ``.gz``; ``None`` if unknown."""
    suffixes = [s.lower().lstrip(".") for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == "gz":
        suffixes = suffixes[:-1]
    return _BY_EXTENSION.get(suffixes[-1]) if suffixes else None


def _decode_head(head: bytes) -> str:
    """Decode the start of a document for sniffing, honouring a BOM or UTF-16/32 pattern."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    if head[:4] == b"<\x00?\x00" or head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:4] == b"\x00<\x00?" or head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def sniff(head: bytes) -> RdfFormat | None:
    """Guess the format from the first bytes of a document; ``None`` if it does not look like RDF.

    Turtle-like content is read as TriG and line-based content as N-Quads, the
    supersets of Turtle and N-Triples, so a guess never loses data.
    """
    text = _decode_head(head).lstrip()
    if text.startswith(("<?xml", "<!DOCTYPE", "<!--", "<rdf:RDF")) or re.match(r"<[A-Za-z_][\w.-]*:RDF\b", text):
        return FORMATS["rdfxml"]
    if text.startswith(("{", "[")):
        return FORMATS["jsonld"]
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        return None
    first = lines[0]
    if re.match(r"(@prefix|@base|prefix\s|base\s)", first, re.IGNORECASE) or re.match(r"[\w-]*:[\w-]", first):
        return FORMATS["trig"]
    if first.startswith(("<", "_:")):
        if all(ln.endswith(".") and not ln.endswith(("; .", ";")) for ln in lines[:20] if not ln.startswith("#")):
            return FORMATS["nquads"]
        return FORMATS["trig"]
    return None


def screen_xml(head: bytes, *, path: str) -> None:
    """Refuse an XML document whose prolog declares a DOCTYPE (and so possibly entities).

    The XML prolog is walked by its grammar (declaration, comments, processing
    instructions, whitespace) up to the root element, so a DOCTYPE cannot hide
    behind a comment. RDF/XML never needs a DOCTYPE.
    """
    text = _decode_head(head)
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            i = n if end < 0 else end + 3
        elif text.startswith("<!", i):
            raise UnsafeInputError(
                "the XML declares a document type (<!DOCTYPE or <!ENTITY), which can expand without bound "
                "or pull in other files; RDF/XML does not need one: remove the declaration and use full IRIs",
                path=path,
                line=text.count("\n", 0, i) + 1,
                column=i - (text.rfind("\n", 0, i) + 1) + 1,
            )
        else:
            return
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise UnsafeInputError("the XML declares a document type (<!DOCTYPE or <!ENTITY)", path=path)


class _Reader(io.RawIOBase):
    """A binary stream that hashes what it reads and reports progress (which may cancel)."""

    def __init__(self, raw, total: int, progress: Progress | None) -> None:
        self._raw = raw
        self._total = total
        self._progress = progress
        self.done = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self._account(data)
        return count

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._account(data)
        return data

    def _account(self, data: bytes) -> None:
        if data:
            self.done += len(data)
            self.digest.update(data)
            if self._progress is not None:
                self._progress(self.done, self._total)


@dataclass(frozen=True)
class LoadResult:
    """What reading a document found, besides its quads."""

    format: RdfFormat
    prefixes: dict[str, str]
    sha256: str
    quads: int


def _open_binary(path: Path):
    raw = open(path, "rb")
    if raw.read(2) == _GZIP_MAGIC:
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    raw.seek(0)
    return raw, raw


def _syntax_error(err: SyntaxError, name: str, fmt: RdfFormat, guessed: bool) -> FormatError:
    message = str(err)
    reason = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    reason = re.sub(r" \(line \d+\)$", "", reason)
    if "LoadDocumentCallback" in message:
        return UnsafeInputError(
            "the JSON-LD refers to a remote @context, which Routine Explorer never fetches while reading a file; "
            "put the context itself in the document instead of its address",
            path=name,
        )
    how = f" (read as {fmt.label}, guessed from the content)" if guessed else f" (read as {fmt.label})"
    return FormatError(reason + how, path=name, line=err.lineno, column=err.offset)


def load_into(
    store: ox.Store,
    source: str | Path | bytes,
    *,
    format: RdfFormat | None = None,
    base_iri: str | None = None,
    to_graph: ox.NamedNode | ox.DefaultGraph | None = None,
    progress: Progress | None = None,
    name: str | None = None,
) -> LoadResult:
    """Parse ``source`` (a path or bytes) into ``store`` safely.

    Parameters
    ----------
    store : pyoxigraph.Store
        Receives the quads. On error it may hold part of them: load into a fresh
        store and swap it in only on success (as :class:`~explorer.core.document.MapDocument` does).
    source : path or bytes
        The document; gzip is recognised by its magic number.
    format : RdfFormat, optional
        Forces a format; otherwise the extension, then the content decides.
    base_iri : str, optional
        Resolves relative IRIs; defaults to the file's ``file:`` URI (as rdflib does).
    to_graph : optional
        Loads a graph format into this named graph instead of the default graph.
    progress : callable, optional
        Called as ``progress(bytes_done, bytes_total)``; raise to cancel.
    name : str, optional
        How to name the source in messages (defaults to the path).

    Returns
    -------
    LoadResult

    Raises
    ------
    FormatError
        Malformed content, with file, line, column and reason.
    UnsafeInputError
        Content refused before parsing (XML DOCTYPE, remote JSON-LD context).
    """
    if isinstance(source, (bytes, bytearray)):
        label = name or "<data>"
        data = bytes(source)
        if data[:2] == _GZIP_MAGIC:
            data = gzip.decompress(data)
        head, total = data[:_HEAD_BYTES], len(data)
        stream, closer = io.BytesIO(data), None
    else:
        path = Path(source)
        label = name or str(path)
        if not path.is_file():
            raise FormatError("no such file" if not path.exists() else "not a file", path=label)
        stream, closer = _open_binary(path)
        head = stream.read(_HEAD_BYTES)
        stream.seek(0)
        total = path.stat().st_size
        if base_iri is None:
            base_iri = path.resolve().as_uri()
    try:
        guessed = False
        fmt = format or (None if isinstance(source, (bytes, bytearray)) else format_for_path(source))
        if fmt is None:
            fmt = sniff(head)
            guessed = True
            if fmt is None:
                raise FormatError(
                    "cannot tell the RDF format from the file name or the content; "
                    f"use one of the extensions {', '.join('.' + e for e in _BY_EXTENSION)}",
                    path=label,
                )
        if fmt.name == "rdfxml":
            screen_xml(head, path=label)
        reader = _Reader(stream, total, progress)
        try:
            with no_network(f"reading {label}"):
                parser = ox.parse(
                    io.BufferedReader(reader, buffer_size=1 << 20),
                    format=fmt.ox_format,
                    base_iri=base_iri,
                )
                before = len(store)
                if to_graph is not None and not fmt.holds_datasets:
                    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in parser)
                else:
                    store.bulk_extend(parser)
                count = len(store) - before
        except SyntaxError as err:
            raise _syntax_error(err, label, fmt, guessed) from None
        except UnicodeDecodeError as err:
            raise FormatError(f"the file is not valid UTF-8 ({err.reason})", path=label) from None
        except (OSError, EOFError, gzip.BadGzipFile) as err:
            if isinstance(err, FileNotFoundError):
                raise FormatError("no such file", path=label) from None
            raise FormatError(f"could not read the file: {err}", path=label) from None
        return LoadResult(format=fmt, prefixes=dict(parser.prefixes), sha256=reader.digest.hexdigest(), quads=count)
    finally:
        if closer is not None:
            closer.close()
            stream.close()


def drop_unused_prefixes(data: bytes, prefixes: dict[str, str]) -> bytes:
    """Remove ``@prefix`` lines from Turtle/TriG output whose prefix the body never uses.

    Oxigraph writes every prefix it is given; the map should bind only those it
    uses. A prefix counts as used when ``name:`` occurs in the body, which can
    only keep a prefix too many (inside a literal), never drop a used one.
    """
    lines = data.split(b"\n")
    header_end = 0
    while header_end < len(lines) and lines[header_end].startswith((b"@prefix ", b"@base ")):
        header_end += 1
    body = b"\n".join(lines[header_end:])
    kept = []
    for line in lines[:header_end]:
        if line.startswith(b"@prefix "):
            name = line[len(b"@prefix "):].split(b":", 1)[0]
            if (name + b":") not in body:
                continue
        kept.append(line)
    return b"\n".join(kept + lines[header_end:])


def serialize_quads(
    quads: Iterable[ox.Quad] | None,
    fmt: RdfFormat,
    *,
    store: ox.Store | None = None,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Serialise to bytes: from ``store``'s default graph for graph formats, else from ``quads``."""
    prefixes = dict(prefixes or {})
    if not fmt.holds_datasets and store is not None:
        data = store.dump(format=fmt.ox_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    else:
        data = ox.serialize(quads if quads is not None else [], format=fmt.ox_format, prefixes=prefixes)
    if fmt.name in ("turtle", "trig"):
        data = drop_unused_prefixes(data, prefixes)
    return data
