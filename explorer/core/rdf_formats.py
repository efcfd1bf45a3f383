"""The RDF formats a map can be read from and written to, and safe reading.

Formats are chosen by file extension (``.gz`` is looked through) or sniffed
from the content. Reading is done by Oxigraph's parsers, which stream, release
the GIL and report line and column; around them this module:

- refuses XML with a document type declaration before parsing, because both
  rdflib and Oxigraph expand internal entities without bound ("billion laughs")
  and a DOCTYPE is where external entities are declared;
- refuses JSON-LD that refers to a remote ``@context`` (Oxigraph has no loader
  set, so it never fetches one; the error is made readable here);
- refuses, before any parser sees it, a document whose shape passes a limit of
  :mod:`explorer.core.screening` (nesting, value size, held JSON, namespaces,
  gzip unpacking), shapes that crashed the parsers or took minutes or gigabytes;
- refuses RDF 1.2 triple terms at any depth, with a message, while reading:
  nothing downstream (validation, analysis, exports, the canvas) handles them;
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

import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import screening
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
_ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "nq": "nquads",
    "json-ld": "jsonld",
    "xml": "rdfxml",
    "rdf/xml": "rdfxml",
    "n-triples": "ntriples",
    "n-quads": "nquads",
}
_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 64 * 1024


def format_by_name(name: str) -> RdfFormat:
    """Look a format up by name or extension.

    The names are ``turtle``, ``trig``, ``ntriples``, ``nquads``, ``jsonld`` and ``rdfxml``.
    """
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
            return head[len(bom) :].decode(codec, errors="replace")
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
    if first.startswith(("<", "_:")):
        # Only content whose every sampled line is a whole N-Quads statement is read as N-Quads;
        # anything else that starts like it (Turtle with "a", numbers, ";") is TriG's.
        sample = lines[:50] if len(text) < len(head) or len(lines) <= 50 else lines[:-1][:50]
        if all(_NQUADS_LINE.fullmatch(ln) for ln in sample):
            return FORMATS["nquads"]
        return FORMATS["trig"]
    if re.match(r"(@prefix|@base|prefix\s|base\s)", first, re.IGNORECASE) or re.match(r"[\w-]*:[\w-]", first):
        return FORMATS["trig"]
    return None


_NQ_TERM = r'(<[^<>"{}|^`\\\s]*>|_:[^\s<>"]+)'
_NQ_LITERAL = r'"([^"\\\n\r]|\\.)*"(@[A-Za-z]+(-[A-Za-z0-9]+)*|\^\^<[^<>"{}|^`\\\s]*>)?'
_NQUADS_LINE = re.compile(rf"{_NQ_TERM}\s*<[^<>\s]*>\s*({_NQ_TERM}|{_NQ_LITERAL})(\s*{_NQ_TERM})?\s*\.\s*(#.*)?")


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
        if i >= n:
            break
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
    # The prolog did not end within ``head``: the caller passes more, or refuses.
    raise _PrologTooLong


class _PrologTooLong(Exception):
    """The XML prolog did not end within the bytes screened."""


def _screen_xml_stream(stream, *, path: str, limit: int = 1024 * 1024) -> None:
    """Screen the whole XML prolog, reading as far as it goes (it is usually a few lines)."""
    stream.seek(0)
    head = b""
    while True:
        chunk = stream.read(_HEAD_BYTES)
        head += chunk
        try:
            screen_xml(head, path=path)
            return
        except _PrologTooLong:
            if not chunk:
                return  # the document ended inside its prolog: the parser reports that
            if len(head) > limit:
                raise UnsafeInputError(
                    "the XML has more than 1 MiB of comments or space before its root element, "
                    "too much to check for entity declarations",
                    path=path,
                ) from None


class _TripleTermFound(Exception):
    """A parsed quad holds an RDF 1.2 triple term."""


class _Reader(io.RawIOBase):
    """A binary stream that hashes what it reads and reports progress (which may cancel)."""

    def __init__(self, raw, total: int, progress: Progress | None, position: Callable[[], int] | None = None) -> None:
        self._raw = raw
        self._total = total
        self._progress = progress
        self._position = position  # bytes of the file consumed, when it differs from bytes read (gzip)
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
                self._progress(self._position() if self._position else self.done, self._total)


@dataclass(frozen=True)
class LoadResult:
    """What reading a document found, besides its quads.

    ``typed_literal_quads`` holds the quads whose object is an XSD-typed literal
    a store may rewrite to a canonical form (see :class:`~explorer.core.store.EmbeddedStore`).
    """

    format: RdfFormat
    prefixes: dict[str, str]
    sha256: str
    quads: int
    typed_literal_quads: tuple = ()


_XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes whose lexical form a store keeps exactly as written.
_VERBATIM_TYPES = frozenset({_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", _XSD + "anyURI"})


def _watch_typed_literals(quads, found: list):
    literal, triple = ox.Literal, ox.Triple
    for quad in quads:
        obj = quad.object
        if type(obj) is triple or type(quad.subject) is triple:
            raise _TripleTermFound
        if type(obj) is literal:
            datatype = obj.datatype.value
            if datatype not in _VERBATIM_TYPES and datatype.startswith(_XSD):
                found.append(quad)
        yield quad


def _open_binary(path: Path, label: str):
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if raw.read(2) == _GZIP_MAGIC:
        raw.seek(0)
        return screening.BoundedGzip(raw, path=label), raw
    raw.seek(0)
    return raw, raw


def _syntax_error(err: SyntaxError, name: str, fmt: RdfFormat, guessed: bool) -> FormatError:
    message = str(err)
    reason = re.sub(
        r"^Parser error (at|between) line \d+ (column \d+|between columns \d+ and \d+)( and line \d+ column \d+)?: ",
        "",
        message,
    )
    reason = re.sub(r" \(line \d+\)$", "", reason)
    if "LoadDocumentCallback" in message:
        return UnsafeInputError(
            "the JSON-LD refers to a remote @context, which Routine Explorer never fetches while reading a file; "
            "put the context itself in the document instead of its address",
            path=name,
        )
    how = f" (read as {fmt.label}, guessed from the content)" if guessed else f" (read as {fmt.label})"
    return FormatError(reason + how, path=name, line=err.lineno, column=err.offset)


#: Where relative IRIs in a file resolve: the file's name under this, never the folder it sits in.
LOCAL_BASE = "https://w3id.org/routine-explorer/local/"


def local_base(path: str | Path) -> str:
    """The base IRI relative IRIs in the file at ``path`` resolve against: its name, not where it is.

    Resolving against the file's ``file:`` URI (as rdflib does) baked the reader's folder into every node
    IRI a relative reference names, so the same map read on two machines held different nodes, and a
    saved map carried its author's home folder.

    Examples
    --------
    >>> local_base("/home/ana/maps/ward 7.ttl")
    'https://w3id.org/routine-explorer/local/ward%207.ttl'
    """
    from urllib.parse import quote

    return LOCAL_BASE + quote(Path(path).name)


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
        Resolves relative IRIs; defaults to :func:`local_base` of the file, the same on every machine.
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
            with screening.BoundedGzip(io.BytesIO(data), path=label) as unpacked:
                data = unpacked.read()
        head, total = data[:_HEAD_BYTES], len(data)
        stream, closer = io.BytesIO(data), None
        position = None
    else:
        path = Path(source)
        label = name or str(path)
        if not path.is_file():
            raise FormatError("no such file" if not path.exists() else "not a file", path=label)
        try:
            stream, closer = _open_binary(path, label)
        except OSError as err:
            raise FormatError(f"could not read the file: {err.strerror or err}", path=label) from None
        position = closer.tell if stream is not closer else None
        total = path.stat().st_size
        if base_iri is None:
            base_iri = local_base(path)
    try:
        try:
            if closer is not None:
                head = stream.read(_HEAD_BYTES)
                stream.seek(0)
        except (OSError, EOFError, zlib.error) as err:
            raise FormatError(f"could not read the file: {err}", path=label) from None
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
            _screen_xml_stream(stream, path=label)
            stream.seek(0)
        try:
            screening.screen(stream, fmt.name, path=label)
        except (OSError, EOFError, zlib.error) as err:
            raise FormatError(f"could not read the file: {err}", path=label) from None
        # A UTF-8 byte order mark is allowed by the formats' media types but not by every parser: skip it,
        # and still hash it, so the hash is the file's.
        bom = _UTF8_BOM if head.startswith(_UTF8_BOM) else b""
        stream.seek(len(bom))
        reader = _Reader(stream, total, progress, position)
        reader.digest.update(bom)
        try:
            with no_network(f"reading {label}", block_files=True):
                parser = ox.parse(
                    io.BufferedReader(reader, buffer_size=1 << 20),
                    format=fmt.ox_format,
                    base_iri=base_iri,
                )
                before = len(store)
                typed: list = []
                quads = parser
                if to_graph is not None and not fmt.holds_datasets:
                    quads = (ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in parser)
                store.bulk_extend(_watch_typed_literals(quads, typed))
                count = len(store) - before
        except SyntaxError as err:
            raise _syntax_error(err, label, fmt, guessed) from None
        except _TripleTermFound:
            raise FormatError(
                "the file holds RDF 1.2 triple terms (statements about statements, << >>), which Routine Explorer "
                "does not read yet; state what they say as a qualified tie (for example an rx:InfluenceTie) instead",
                path=label,
            ) from None
        except UnicodeDecodeError as err:
            raise FormatError(f"the file is not valid UTF-8 ({err.reason})", path=label) from None
        except MemoryError as err:
            raise FormatError(
                f"a single value in the file is larger than the parser can hold ({err}); "
                "values of more than 16 MiB cannot be read",
                path=label,
            ) from None
        except (OSError, EOFError, zlib.error) as err:
            if isinstance(err, FileNotFoundError):
                raise FormatError("no such file", path=label) from None
            raise FormatError(f"could not read the file: {err}", path=label) from None
        return LoadResult(
            format=fmt,
            prefixes=dict(parser.prefixes),
            sha256=reader.digest.hexdigest(),
            quads=count,
            typed_literal_quads=tuple(typed),
        )
    finally:
        if closer is not None:
            closer.close()
            stream.close()


def drop_unused_prefixes(data: bytes) -> bytes:
    r"""Remove ``@prefix`` lines from Turtle/TriG output whose prefix the body never uses.

    Oxigraph writes every prefix it is given; the map should bind only those it
    uses. A prefix counts as used when ``name:`` occurs in the body, which can
    only keep a prefix too many (inside a literal), never drop a used one. Only
    the header is split into lines: the body may be hundreds of megabytes.

    Examples
    --------
    >>> drop_unused_prefixes(b"@prefix a: <http://a/> .\n@prefix b: <http://b/> .\na:x a:y b:z .\n")
    b'@prefix a: <http://a/> .\n@prefix b: <http://b/> .\na:x a:y b:z .\n'
    >>> drop_unused_prefixes(b"@prefix a: <http://a/> .\n@prefix b: <http://b/> .\na:x a:y a:z .\n")
    b'@prefix a: <http://a/> .\na:x a:y a:z .\n'
    """
    end = 0
    while data.startswith((b"@prefix ", b"@base "), end):
        newline = data.find(b"\n", end)
        end = len(data) if newline < 0 else newline + 1
    kept = [
        line
        for line in data[:end].splitlines(keepends=True)
        if not line.startswith(b"@prefix ") or data.find(line[len(b"@prefix ") :].split(b":", 1)[0] + b":", end) >= 0
    ]
    return b"".join(kept) + data[end:]


def serialize_quads(
    quads: Iterable[ox.Quad] | None,
    fmt: RdfFormat,
    *,
    store: ox.Store | None = None,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Serialise to bytes: from ``store``'s default graph for graph formats, else from ``quads``."""
    prefixes = dict(prefixes or {})
    if quads is None and store is not None:
        data = store.dump(format=fmt.ox_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    else:
        # Oxigraph writes default-graph quads in graph formats as they are: no conversion needed.
        data = ox.serialize(quads if quads is not None else [], format=fmt.ox_format, prefixes=prefixes)
    if fmt.name in ("turtle", "trig"):
        data = drop_unused_prefixes(data)
    elif fmt.name == "rdfxml":
        # XML parsers turn a raw CR into LF (XML 1.0, 2.11); a character reference survives.
        data = data.replace(b"\r", b"&#13;")
        refuse_xml_illegal(data, "RDF/XML")
    return data


# Characters XML 1.0 cannot hold, raw or as a reference (section 2.2): C0 controls but tab, LF and CR; U+FFFE, U+FFFF.
_XML_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def refuse_xml_illegal(data: bytes, what: str, instead: str = "Turtle, N-Triples or JSON-LD") -> None:
    """Raise when ``data`` (UTF-8 XML) holds a character XML 1.0 cannot hold: no reader would accept it.

    Examples
    --------
    >>> refuse_xml_illegal(b"<a>tab\tok</a>", "RDF/XML")
    >>> refuse_xml_illegal(b"<a>bell\x07</a>", "RDF/XML")
    Traceback (most recent call last):
    ...
    explorer.core.errors.ExplorerError: RDF/XML cannot hold the control character U+0007, found in "bell"
    (XML 1.0 has no way to write it); save as Turtle, N-Triples or JSON-LD instead
    """
    found = _XML_ILLEGAL.search(data)
    if found is None:
        return
    char = found.group().decode("utf-8")
    context = data[max(0, data.rfind(b">", 0, found.start()) + 1) : found.start()][-40:].decode("utf-8", "replace")
    raise ExplorerError(
        f'{what} cannot hold the control character U+{ord(char):04X}, found in "{context}" '
        f"(XML 1.0 has no way to write it); save as {instead} instead"
    )
