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
- reports progress by bytes read and lets the callback cancel;
- finds, in bulk, the statements whose literals the store may rewrite (:mod:`explorer.core.literal_forms`),
  so Oxigraph loads the rest natively, in bulk when the document names no blank node.

Examples
--------
>>> format_for_path("team.ttl.gz").name
'turtle'
>>> sniff(b'<?xml version="1.0"?><rdf:RDF').name
'rdfxml'
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import hashlib
import io
import mmap
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyoxigraph as ox

from . import literal_forms, screening, xml_literals
from .errors import ExplorerError, FormatError, UnsafeInputError
from .netguard import files_allowed, no_network

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
    r"""Guess the format from the first bytes of a document; ``None`` if it does not look like RDF.

    Turtle-like content is read as TriG and line-based content as N-Quads, the
    supersets of Turtle and N-Triples, so a guess never loses data. Only patterns
    anchored at the start and the fixed-size head are looked at, so hostile input
    costs time bounded by the head's size.

    Examples
    --------
    >>> sniff(b'{ <http://e/s> <http://e/p> <http://e/o> . }').name
    'trig'
    >>> sniff(b'{"@id": "http://e/s"}').name
    'jsonld'
    >>> sniff(b'[ <http://e/p> "x" ] .').name
    'trig'
    >>> sniff(b'VERSION "1.2"\nPREFIX : <http://e/>\n:s :p :o .').name
    'trig'
    >>> sniff(b'<http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> <http://e/g> .').name
    'nquads'
    >>> sniff(b"# a document of comments only\n").name
    'nquads'
    """
    text = _decode_head(head).lstrip()
    if text.startswith(("<?xml", "<!DOCTYPE", "<!--", "<rdf:RDF")) or re.match(r"<[A-Za-z_][\w.-]*:RDF\b", text):
        return FORMATS["rdfxml"]
    whole = len(head) < _HEAD_BYTES  # the head is the whole document
    # Lines as the formats end them: str.splitlines and str.strip would also break at and drop the
    # control characters a literal may hold raw (U+001C to U+001F, U+0085).
    lines = [ln.strip(" \t") for ln in re.split(r"\r\n|\r|\n", text)]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        # Comments alone are a valid, empty document of every line-based and Turtle-family format.
        return FORMATS["nquads"] if text else None
    first = lines[0]
    if first.startswith(("{", "[")):
        # JSON has no comments: a "#" line before the bracket makes it TriG (a graph, or a blank node).
        if text.startswith(("{", "[")) and _JSON_START.match(text) and not _json_ends_early(text, whole):
            return FORMATS["jsonld"]
        return FORMATS["trig"]
    if first.startswith(("<", "_:")) and not first.startswith("<<"):
        # Only content whose every sampled line is a whole N-Quads statement is read as N-Quads;
        # anything else that starts like it (Turtle with "a", numbers, ";", relative IRIs) is TriG's.
        sample = lines[:50] if whole or len(lines) <= 50 else lines[:-1][:50]
        if all(_NQUADS_LINE.fullmatch(ln) for ln in sample):
            return FORMATS["nquads"]
        return FORMATS["trig"]
    if first.startswith(("<<", "(")) or _TURTLE_START.match(first):
        return FORMATS["trig"]
    return None


# JSON-LD opens an object with a key or closes it, or opens an array of values; "[" followed by anything
# else (a predicate) is a Turtle blank node.
_JSON_START = re.compile(r'\{\s*["}]|\[\s*(["{\[\]\-0-9]|true\b|false\b|null\b)')
# Turtle's and TriG's directives (SPARQL-style ones need no space before "<"), GRAPH, or a prefixed name.
_TURTLE_START = re.compile(r"(@?(prefix|base|version)\b|graph\b|[\w-]*:[\w-]|:)", re.IGNORECASE)


def _json_ends_early(text: str, whole: bool) -> bool:
    """Whether an empty ``{}`` or ``[]`` is followed by more: then it is TriG's empty graph or blank node."""
    if not re.match(r"[\[{]\s*[\]}]", text):
        return False
    rest = text[text.index("]" if text[0] == "[" else "}") + 1 :]
    return bool(rest.strip()) or not whole


_NQ_IRI = r"<[A-Za-z][A-Za-z0-9+.-]*:([^<>\"{}|^`\\\s]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"
# A blank node's label holds no ":" (N-Triples' grammar); allowing it let "_:_:_:..." backtrack quadratically.
_NQ_TERM = rf'({_NQ_IRI}|_:[^\s<>":]+)'
# N-Triples 1.2 lets space stand between a string and its language or datatype; Turtle does not.
_NQ_LITERAL = rf'"([^"\\\n\r]|\\.)*"(\s*@[A-Za-z]+(-[A-Za-z0-9]+)*(--[A-Za-z]+)?|\s*\^\^\s*{_NQ_IRI})?'
# An RDF 1.2 triple term, nested up to three deep (deeper ones are read as TriG, which holds them too).
_NQ_TRIPLE = rf"<<\(\s*{_NQ_TERM}\s*{_NQ_IRI}\s*({_NQ_TERM}|{_NQ_LITERAL})\s*\)>>"
for _ in range(2):
    _NQ_TRIPLE = rf"<<\(\s*{_NQ_TERM}\s*{_NQ_IRI}\s*({_NQ_TERM}|{_NQ_LITERAL}|{_NQ_TRIPLE})\s*\)>>"
_NQUADS_LINE = re.compile(
    rf"{_NQ_TERM}\s*{_NQ_IRI}\s*({_NQ_TERM}|{_NQ_LITERAL}|{_NQ_TRIPLE})(\s*{_NQ_TERM})?\s*\.\s*(#.*)?"
)


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
    """A binary stream that reports progress (which may cancel) as the parser reads it."""

    def __init__(self, raw, total: int, progress: Progress | None, position: Callable[[], int] | None = None) -> None:
        self._raw = raw
        self._total = total
        self._progress = progress
        self._position = position  # bytes of the file consumed, when it differs from bytes read (gzip)
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self._account(count)
        return count

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._account(len(data))
        return data

    def _account(self, count: int) -> None:
        if count:
            self.done += count
            if self._progress is not None:
                self._progress(self._position() if self._position else self.done, self._total)


class _Tee(io.RawIOBase):
    """A seekable stream handing each byte, the first time it is read in order, to ``consume``.

    Screening reads the whole document once; hashing and the literal scan ride along on that read.
    """

    def __init__(self, raw, consume: Callable[[bytes], None]) -> None:
        self._raw = raw
        self._consume = consume
        self._fed = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def read(self, size: int = -1) -> bytes:
        at = self._raw.tell()
        data = self._raw.read(size)
        if at <= self._fed < at + len(data):
            self._consume(data[self._fed - at :])
            self._fed = at + len(data)
        return data

    def drain(self) -> None:
        """Read whatever screening left unread, so every byte has been consumed."""
        self._raw.seek(self._fed)
        while self.read(_SCAN_CHUNK):
            pass


_SCAN_CHUNK = 16 * 1024 * 1024


@dataclass(frozen=True)
class LoadResult:
    """What reading a document found, besides its quads.

    ``typed_literal_quads`` holds (at least) the quads whose object is an XSD-typed literal
    a store may rewrite to a canonical form (see :class:`~explorer.core.store.EmbeddedStore`).
    """

    format: RdfFormat
    prefixes: dict[str, str]
    sha256: str
    typed_literal_quads: tuple = ()
    #: :func:`~explorer.core.literal_forms.rewritten_forms` of ``typed_literal_quads``, when found while loading.
    rewritten: dict | None = None


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


class _Digest:
    """SHA-256 of what is fed, computed in a thread beside the caller's own work on the same bytes.

    hashlib lets go of the GIL for big chunks, so on a 1M-statement file the hash costs no time.
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="hash")
        self._pending: concurrent.futures.Future | None = None

    def update(self, chunk: bytes) -> None:
        if self._pending is not None:
            self._pending.result()
        self._pending = self._pool.submit(self._hash.update, chunk)

    def hexdigest(self) -> str:
        self.close()
        return self._hash.hexdigest()

    def close(self) -> None:
        """Let the thread go, once what was fed is hashed (also when the read stops at an error)."""
        self._pool.shutdown()


class _WholeTurtle:
    """Collects a Turtle or TriG document for :func:`~explorer.core.literal_forms.turtle_needs_watching`.

    The check of bare numbers is left for :meth:`numbers_need_watching`, which may run beside the load.
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._data = b""
        self.blank_nodes = True
        self.directives: bytes | None = b""

    def feed(self, chunk: bytes) -> None:
        self._chunks.append(chunk)

    @property
    def lines(self) -> list[bytes] | None:
        self._data = b"".join(self._chunks).removeprefix(_UTF8_BOM)
        self._chunks = []
        self.blank_nodes = b"_:" in self._data or b"[" in self._data
        # A long string may hold a line that reads like a directive: such a document is read the slow way.
        long_strings = b'"""' in self._data or b"'''" in self._data
        self.directives = None if long_strings else _directives(self._data)
        return None if literal_forms.turtle_terms_need_watching(self._data) else []

    def numbers_need_watching(self) -> bool:
        data, self._data = self._data, b""
        return literal_forms.turtle_numbers_need_watching(data)


def _directives(data: bytes) -> bytes:
    """The lines declaring a prefix or the base: how to know the prefixes of a document Oxigraph
    loads in bulk (it reports none). Found with the C library's search, not a pattern tried at every line."""
    lower = data.lower()
    found = []
    for word in (b"prefix", b"base"):
        at = lower.find(word)
        while at >= 0:
            start = max(lower.rfind(b"\n", 0, at), lower.rfind(b"\r", 0, at)) + 1
            if lower[start:at].strip(b" \t") in (b"", b"@"):
                end = len(data)
                for newline in (lower.find(b"\n", at), lower.find(b"\r", at)):
                    if newline >= 0:
                        end = min(end, newline)
                found.append((start, data[start:end]))
            at = lower.find(word, at + len(word))
    return b"\n".join(line for _, line in sorted(found))


def _declared_prefixes(scan, fmt: RdfFormat, base_iri: str | None) -> dict[str, str] | None:
    """The prefixes a document declares, from its directive lines; ``None`` if they do not parse alone."""
    directives = getattr(scan, "directives", b"")
    if directives is None:
        return None
    if not directives:
        return {}
    try:
        parser = ox.parse(directives, format=fmt.ox_format, base_iri=base_iri)
        collections.deque(parser, maxlen=0)
    except SyntaxError:
        return None
    return dict(parser.prefixes)


def _literal_scan(fmt: RdfFormat, to_graph) -> literal_forms.LineScan | _WholeTurtle | None:
    """What finds, in bulk, the statements whose literals the store may rewrite, fed the document's bytes.

    Its ``lines`` are the statements to parse again, or ``None`` when every statement must be looked at;
    no scan at all (``None``) means the same.
    """
    if to_graph is not None and not fmt.holds_datasets:
        return None  # each statement is rewritten into the graph anyway
    if fmt.name in ("ntriples", "nquads"):
        return literal_forms.LineScan()
    if fmt.name in ("turtle", "trig"):
        return _WholeTurtle()
    return None  # JSON-LD and RDF/XML type literals in ways bytes do not show


def _loaded(
    fmt: RdfFormat, prefixes: dict[str, str], digest: _Digest, typed: list, rewritten: dict | None = None
) -> LoadResult:
    return LoadResult(
        format=fmt,
        prefixes=prefixes,
        sha256=digest.hexdigest(),
        typed_literal_quads=tuple(typed),
        rewritten=rewritten,
    )


def _look_again(lines: list[bytes], stream, fmt: RdfFormat, base_iri, typed: list, *, skip: int) -> None:
    """Parse the lines the scan found again, watching their typed literals (and triple terms).

    Should a line the scan took not parse on its own (see :class:`~explorer.core.literal_forms.LineScan`),
    every statement of the document is looked at instead.
    """
    again = _parse_lines(lines, fmt, base_iri)
    if again is None:
        _watch_everything(stream, fmt, base_iri, typed, skip=skip)
    else:
        typed.extend(again)


def _parse_lines(lines: list[bytes], fmt: RdfFormat, base_iri) -> list | None:
    """The quads of the lines a scan found (refusing a triple term); ``None`` if one does not parse alone."""
    try:
        again = ox.parse(b"\n".join(lines), format=fmt.ox_format, base_iri=base_iri)
        if any(b"<<(" in line for line in lines):
            typed: list = []
            collections.deque(_watch_typed_literals(again, typed), maxlen=0)  # refuses the triple term
            return typed
        return list(again)  # the store passes over what holds no rewritten literal
    except SyntaxError:
        return None


def _watch_everything(stream, fmt: RdfFormat, base_iri, typed: list, *, skip: int) -> None:
    """Parse the whole document again (after ``skip`` bytes), keeping in ``typed`` every typed literal's quad."""
    typed.clear()
    stream.seek(skip)
    reader = io.BufferedReader(_Reader(stream, 0, None), buffer_size=1 << 20)
    everything = ox.parse(reader, format=fmt.ox_format, base_iri=base_iri)
    collections.deque(_watch_typed_literals(everything, typed), maxlen=0)


@contextlib.contextmanager
def _reading(label: str, fmt: RdfFormat, guessed: bool) -> Iterator[None]:
    """Turn what a parse of ``label`` may raise into a :class:`FormatError` naming what and where."""
    try:
        yield
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


class _NotInOneRead(Exception):
    """The document cannot be screened block by block as the parser goes: screen it whole first."""


_BLOCK = 1024 * 1024


def _pipe_to_parser() -> tuple[int, int] | None:
    """An OS pipe the parser can open by path (``/dev/fd/N``), widened to a block where Linux allows."""
    if not os.path.isdir("/dev/fd"):
        return None  # Windows: no path names a pipe's end
    read_end, write_end = os.pipe()
    with contextlib.suppress(AttributeError, OSError):
        import fcntl

        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, _BLOCK)
    return read_end, write_end


def _load_in_one_read(
    store: ox.Store, stream, fmt: RdfFormat, base_iri: str | None, label: str, progress, total: int, position
) -> LoadResult | None:
    """Load N-Triples or N-Quads into an empty ``store`` in one read, screened, hashed and scanned as parsed.

    Oxigraph's bulk loader reads a pipe in a thread of its own, without the GIL; this thread reads the
    document in blocks, screens each before writing it to the pipe, then hashes and scans it while the
    parser works (a Python stream would make the parser wait for the GIL at every 2 KB it reads, and
    the document was read whole by Python before the parser started: a fifth of the parse at 1M
    statements). Returns ``None``, the store emptied again, when the document must be screened whole
    first (more ``<<`` than the nesting limit, then walked exactly) or holds a blank node (which the
    bulk loader would rename), or where no pipe can be named (Windows).
    """
    pipe = _pipe_to_parser()
    if pipe is None:
        return None
    read_end, write_end = pipe
    digest = _Digest()
    scan = literal_forms.LineScan()
    opens = screening.TripleTerms(label)

    def parse() -> None:
        # Rust reads the pipe: no Python opens a file or a socket in this thread for no_network to refuse.
        try:
            store.bulk_load(path=f"/dev/fd/{read_end}", format=fmt.ox_format, base_iri=base_iri)
        finally:
            os.close(read_end)  # a write to a pipe no one reads fails, rather than waiting for ever

    parser = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="parse")
    parsed = parser.submit(parse)
    skip = 0
    typed: list = []
    rewritten: dict | None = {}
    whole_first = False
    try:
        stream.seek(0)
        done, last, stopped = 0, b"", False
        while block := stream.read(_BLOCK):
            opens.feed(block)
            if opens.opens > screening.NESTING_LIMIT:
                raise _NotInOneRead
            if stopped:
                # The parser stopped at an error: the rest is still screened, so that a refusal (a gzip
                # bomb, a nesting) is what the user reads, as when the document was screened first.
                continue
            # "_" alone is found by the C library's fast search, and is rare in most documents.
            if (b"_" in block and b"_:" in block) or (last == b"_" and block[:1] == b":"):
                raise _NotInOneRead
            view = memoryview(block)
            if not done and block.startswith(_UTF8_BOM):
                skip = len(_UTF8_BOM)
                view = view[skip:]
            try:
                _write_all(write_end, view)
            except BrokenPipeError:
                stopped = True  # its error is raised below
                continue
            done, last = done + len(block), block[-1:]
            digest.update(block)
            scan.feed(block)
            # The lines found so far are parsed again while the parser works on this block.
            if rewritten is not None:
                rewritten = _typed_lines(scan.take(), fmt, base_iri, typed, rewritten)
            if progress is not None:
                progress(position() if position else done, total)
    except _NotInOneRead:
        whole_first = True
    finally:
        os.close(write_end)  # the parser reads to the end of what was written, and stops
        parsed.exception()  # the parser has let go of the store, even on an error here
        parser.shutdown()
        digest.close()
    if whole_first:
        store.clear()
        return None
    parsed.result()
    if rewritten is not None:
        rewritten = _typed_lines(scan.take(final=True), fmt, base_iri, typed, rewritten)
    if rewritten is None:  # a line the scan found does not parse alone
        _watch_everything(stream, fmt, base_iri, typed, skip=skip)
    else:
        rewritten = _with_canonical_spellings(rewritten, stream, fmt, base_iri, scan)
    return _loaded(fmt, {}, digest, typed, rewritten)


def _with_canonical_spellings(rewritten: dict, stream, fmt: RdfFormat, base_iri, scan: literal_forms.LineScan) -> dict:
    """``rewritten`` (of the lines ``scan`` took) with the statements written in canonical form on the lines
    it passed over, where another spelling of the same statement was among those it took: each maps to
    itself, a form to keep (``"1"`` beside ``"1.0"``). Only the stretches of the document that hold such
    a canonical literal are read again: none, for a document where no value is spelled two ways."""
    if not rewritten:
        return rewritten
    targets = set(rewritten.values())
    literals = {str(c.object).encode() for c in targets}
    lines = []
    for start, end in scan.stretches_holding(literals):
        stream.seek(start)
        lines += literal_forms.lines_holding(io.BytesIO(stream.read(end - start)), literals)
    quads = _parse_lines(lines, fmt, base_iri)
    if quads is None:  # a literal's text inside a comment or a string: each line alone
        quads = [q for line in lines for q in (_parse_lines([line], fmt, base_iri) or ())]
    rewritten.update((q, q) for q in quads if q in targets)
    return rewritten


def _typed_lines(lines: list[bytes], fmt: RdfFormat, base_iri, typed: list, rewritten: dict) -> dict | None:
    """Add the quads of ``lines`` to ``typed`` and their stored forms to ``rewritten`` (``None`` if one fails)."""
    if not lines:
        return rewritten
    again = _parse_lines(lines, fmt, base_iri)
    if again is None:
        return None
    typed.extend(again)
    rewritten.update(literal_forms.rewritten_forms(again))
    return rewritten


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _open_binary(path: Path, label: str):
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if raw.read(2) == _GZIP_MAGIC:
        raw.seek(0)
        return screening.BoundedGzip(raw, path=label), raw
    raw.seek(0)
    return raw, raw


def _syntax_error(err: SyntaxError, name: str, fmt: RdfFormat, guessed: bool) -> FormatError:
    # The message alone: str() adds the name the parser read, "/dev/fd/13" for a pipe (see _load_in_one_read).
    message = err.msg or str(err)
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


def checked_base(iri: str, *, what: str = "the base IRI") -> str:
    """``iri`` if it is an absolute IRI relative references can resolve against, else a one-line refusal.

    A relative or malformed base would make every relative IRI of the document a different, wrong node
    (or fail deep in the parser with a message about the parser's base), so it is refused up front.

    Examples
    --------
    >>> checked_base("https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/")
    'https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/'
    >>> checked_base("data/map.ttl")
    Traceback (most recent call last):
    ...
    explorer.core.errors.ExplorerError: the base IRI 'data/map.ttl' is not an absolute IRI
    (No scheme found in an absolute IRI); give one with a scheme, such as https://example.org/data/
    """
    try:
        ox.NamedNode(iri)
    except (ValueError, TypeError) as err:
        raise ExplorerError(
            f"{what} {iri!r} is not an absolute IRI ({err}); give one with a scheme, such as https://example.org/data/"
        ) from None
    return iri


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
        Resolves relative IRIs (checked by :func:`checked_base`); defaults to :func:`local_base` of the
        file, the same on every machine.
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
    if base_iri is not None:
        checked_base(base_iri)
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
        if isinstance(_literal_scan(fmt, to_graph), literal_forms.LineScan) and next(iter(store), None) is None:
            with _reading(label, fmt, guessed):
                loaded = _load_in_one_read(store, stream, fmt, base_iri, label, progress, total, position)
            if loaded is not None:
                return loaded
        # One read of the whole document screens it, hashes it (the file's hash, byte order mark
        # included) and, for the Turtle family, finds in bulk the statements whose literals the store
        # may rewrite; the parser then feeds Oxigraph without Python touching each statement.
        digest = _Digest()
        scan = _literal_scan(fmt, to_graph)
        xml_scan = xml_literals.XmlLiteralScan() if fmt.name == "rdfxml" else None

        def consume(chunk: bytes) -> None:
            digest.update(chunk)
            if scan is not None:
                scan.feed(chunk)
            if xml_scan is not None:
                xml_scan.feed(chunk)

        tee = _Tee(stream, consume)
        try:
            screening.screen(tee, fmt.name, path=label)
            tee.drain()
        except (OSError, EOFError, zlib.error) as err:
            raise FormatError(f"could not read the file: {err}", path=label) from None
        to_check = None if scan is None else scan.lines
        # A UTF-8 byte order mark is allowed by the formats' media types but not by every parser: skip it.
        bom = head.startswith(_UTF8_BOM)
        keep_xml: frozenset[str] = frozenset()
        if xml_scan is not None and xml_scan.parse_type and xml_scan.typed:
            stream.seek(0)
            keep_xml = xml_literals.typed_xml_literals(stream)
        stream.seek(len(_UTF8_BOM) if bom else 0)
        reader = _Reader(stream, total, progress, position)
        typed: list = []
        with _reading(label, fmt, guessed), no_network(f"reading {label}", block_files=True):
            buffered = io.BufferedReader(reader, buffer_size=1 << 20)
            # Oxigraph's bulk loader is the fastest way in, but it renames blank nodes; their names
            # must stay as written (a crash's journal names them), so it only takes a document with none.
            declared = None
            if to_check is not None and scan is not None and not scan.blank_nodes:
                declared = _declared_prefixes(scan, fmt, base_iri)
            numbers = getattr(scan, "numbers_need_watching", None)
            if numbers is not None and to_check is not None:
                if declared is not None and next(iter(store), None) is None:
                    # Checked in a thread while Oxigraph loads; should it find a number to watch,
                    # the (empty) store is emptied again and the document read the slow way.
                    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="scan") as pool:
                        later = pool.submit(numbers)
                        try:
                            store.bulk_load(buffered, format=fmt.ox_format, base_iri=base_iri)
                        finally:
                            watch = later.result()
                    if not watch:
                        return _loaded(fmt, declared, digest, typed)
                    store.clear()
                    declared = None
                    stream.seek(len(_UTF8_BOM) if bom else 0)
                    buffered = io.BufferedReader(_Reader(stream, total, progress, position), buffer_size=1 << 20)
                    to_check = None
                else:
                    with files_allowed():  # our scan of the bytes, not the parser
                        watch = numbers()
                    if watch:
                        to_check, declared = None, None
            if declared is not None:
                store.bulk_load(buffered, format=fmt.ox_format, base_iri=base_iri)
            else:
                parser = ox.parse(buffered, format=fmt.ox_format, base_iri=base_iri)
                if to_check is None:  # every statement is looked at as it goes in
                    quads: Iterable[ox.Quad] = parser
                    if xml_scan is not None and xml_scan.parse_type:
                        # Oxigraph writes rdf:parseType="Literal" content its own way, not in the lexical
                        # form RDF/XML gives it (see explorer.core.xml_literals).
                        quads = xml_literals.canonical_xml_literals(quads, keep=keep_xml, raw_cr=xml_scan.raw_cr)
                    if to_graph is not None and not fmt.holds_datasets:
                        quads = (ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in quads)
                    store.bulk_extend(_watch_typed_literals(quads, typed))
                else:
                    store.bulk_extend(parser)
                declared = dict(parser.prefixes)
            rewritten = None
            if to_check:
                skip = len(_UTF8_BOM) if bom else 0
                _look_again(to_check, stream, fmt, base_iri, typed, skip=skip)
                if isinstance(scan, literal_forms.LineScan):
                    found = literal_forms.rewritten_forms(typed)
                    rewritten = _with_canonical_spellings(found, stream, fmt, base_iri, scan)
        return _loaded(fmt, declared, digest, typed, rewritten)
    finally:
        if closer is not None:
            closer.close()
            stream.close()


def drop_unused_prefixes(data: bytes, tail: bytes = b"") -> bytes:
    r"""Remove ``@prefix`` lines from Turtle/TriG output whose prefix the body never uses.

    Oxigraph writes every prefix it is given; the map should bind only those it
    uses. A prefix counts as used when ``name:`` occurs in the body, which can
    only keep a prefix too many (inside a literal), never drop a used one. Only
    the header is split into lines: the body may be hundreds of megabytes. A ``tail`` of more
    statements (without a header) is joined after the body in the same copy.

    Examples
    --------
    >>> drop_unused_prefixes(b"@prefix a: <http://a/> .\n@prefix b: <http://b/> .\na:x a:y b:z .\n")
    b'@prefix a: <http://a/> .\n@prefix b: <http://b/> .\na:x a:y b:z .\n'
    >>> drop_unused_prefixes(b"@prefix a: <http://a/> .\n@prefix b: <http://b/> .\na:x a:y a:z .\n")
    b'@prefix a: <http://a/> .\na:x a:y a:z .\n'
    """
    if tail and not data:
        data, tail = tail, b""  # the tail holds the header
    header = _kept_header(data, tail=tail)
    if header is None:
        return data + tail if tail else data
    kept, end = header
    return b"".join([kept, memoryview(data)[end:], tail])


def _kept_header(data: bytes | mmap.mmap, start: int = 0, tail: bytes = b"") -> tuple[bytes, int] | None:
    """The header of the document in ``data[start:]`` without the prefixes its body (and ``tail``) never use.

    Returns it with the offset in ``data`` where the header ends, or None when every prefix is
    used. ``data`` may be a file mapped into memory: only the header is copied out of it.
    """
    end = start
    while data[end : end + 8] == b"@prefix " or data[end : end + 6] == b"@base ":
        newline = data.find(b"\n", end)
        end = len(data) if newline < 0 else newline + 1
    if end == start:
        return None
    lines = data[start:end].splitlines(keepends=True)
    names = [line[len(b"@prefix ") :].split(b":", 1)[0] for line in lines if line.startswith(b"@prefix ")]
    used = _names_before_colons(data, end, names)
    if tail:
        used |= _names_before_colons(tail, 0, [name for name in names if name not in used])
    kept = [
        line for line in lines if not line.startswith(b"@prefix ") or line[len(b"@prefix ") :].split(b":", 1)[0] in used
    ]
    return None if len(kept) == len(lines) else (b"".join(kept), end)


def dump_graph_into(
    handle: BinaryIO,
    store: ox.Store,
    fmt: RdfFormat,
    prefixes: dict[str, str] | None = None,
    extra: Iterable[ox.Quad] = (),
    once_read: Callable[[], None] | None = None,
) -> None:
    """Write ``store``'s default graph (and ``extra``) into ``handle`` as :func:`serialize_quads` returns it.

    Turtle and N-Triples stream from Oxigraph straight into a file open for reading and
    writing (by the file's name when it is empty, so that Oxigraph writes it without holding
    the interpreter): a map of a million triples is never held in memory as one document, nor
    copied into the file after (about 0.1 s at 47 MB). The prefixes the Turtle body never uses
    are then taken out of the file's header in place. Other formats and streams are written whole.
    ``once_read`` is called as soon as what is written of the store can no longer change: from
    then on the store may (while Oxigraph still writes, when it writes the file by its name).

    Examples
    --------
    >>> import tempfile
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1")))
    >>> with tempfile.TemporaryFile() as handle:
    ...     dump_graph_into(handle, store, FORMATS["turtle"], {"e": "http://e/", "f": "http://f/"})
    ...     _ = handle.seek(0)
    ...     print(handle.read().decode())
    @prefix e: <http://e/> .
    e:a e:p "1" .
    <BLANKLINE>
    """
    read = once_read or (lambda: None)
    if fmt.name not in ("turtle", "ntriples") or not isinstance(handle, io.BufferedRandom):
        data = serialize_quads(None, fmt, store=store, prefixes=prefixes, extra=extra)
        read()
        handle.write(data)
        return
    prefixes = dict(prefixes or {})
    handle.flush()
    start = handle.tell()
    path = _empty_file_path(handle)
    if path is not None:
        # Oxigraph writes the file by its name without holding the interpreter. Through the handle it takes the
        # interpreter back for each of thousands of writes: beside a busy Python thread its dump of a million
        # statements then took a minute instead of a second. Meanwhile the store can be given back and the tail
        # written (0.05 s of a million statements' save).
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dump") as pool:
            dumping = pool.submit(
                store.dump, path, format=fmt.ox_format, from_graph=ox.DefaultGraph(), prefixes=prefixes
            )
            if once_read is not None:
                _wait_until_read(path, dumping, prefixes)
                once_read()
            extra = list(extra)
            tail = _tail_parts(extra, fmt, prefixes) if extra else None
            dumping.result()
        handle.seek(0, os.SEEK_END)
    else:
        store.dump(handle, format=fmt.ox_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        read()
        extra = list(extra)
        tail = _tail_parts(extra, fmt, prefixes) if extra else None
    if tail is not None:
        end = handle.tell()

        def head_starts_with(header: bytes) -> bool:
            handle.seek(start)
            try:
                return handle.read(min(len(header), end - start)) == header
            finally:
                handle.seek(end)

        handle.write(_joined(tail, head_starts_with))
    handle.flush()
    if fmt.name == "turtle":
        _drop_unused_prefixes_in_file(handle, start)


#: Written past this many bytes beyond its header, a dump has certainly begun reading the store.
_READ_MARGIN = 1 << 20


def _wait_until_read(path: str, dumping: concurrent.futures.Future, prefixes: dict[str, str]) -> None:
    """Wait until Oxigraph, dumping into ``path``, reads the store from a snapshot it can no longer leave.

    Oxigraph promises "repeatable read": a read sees the store as it was when it began, whatever is
    written meanwhile. A dump reads through one iterator, made before its first statement is written;
    so once the file holds statements (well past any header and buffer), the store may change.
    """
    past = _READ_MARGIN + sum(len(f"@prefix {name}: <{iri}> .\n".encode()) for name, iri in prefixes.items())
    while not dumping.done():
        with contextlib.suppress(OSError):
            if os.stat(path).st_size > past:
                return
        concurrent.futures.wait([dumping], timeout=0.001)


def _empty_file_path(handle: io.BufferedRandom) -> str | None:
    """The name of the empty file ``handle`` has open, if that name still leads to it; else None."""
    name = getattr(handle, "name", None)
    if not isinstance(name, str):
        return None
    try:
        opened, named = os.fstat(handle.fileno()), os.stat(name)
    except OSError:
        return None
    return name if os.path.samestat(opened, named) and opened.st_size == 0 and handle.tell() == 0 else None


def _drop_unused_prefixes_in_file(handle: io.BufferedRandom, start: int) -> None:
    """:func:`drop_unused_prefixes` on the Turtle document ``handle`` holds from ``start`` to its end, in place."""
    size = os.fstat(handle.fileno()).st_size
    if size <= start:
        return
    with mmap.mmap(handle.fileno(), size) as mapped:
        header = _kept_header(mapped, start)
        if header is None:
            return
        kept, end = header
        mapped[start : start + len(kept)] = kept
        mapped.move(start + len(kept), end, size - end)  # the body, moved up over the dropped lines
    handle.truncate(size - (end - start - len(kept)))
    handle.seek(0, os.SEEK_END)


#: How much of a document :func:`_names_before_colons` compares at a time.
_SCAN_BLOCK = 1024 * 1024


def _names_before_colons(data: bytes | mmap.mmap, start: int, names: list[bytes]) -> set[bytes]:
    """Which of ``names`` stand just before a colon somewhere in ``data[start:]``.

    Found by narrowing the colons' positions byte by byte with numpy, so a name that is never used
    costs no search through a body of hundreds of megabytes. The colons are found a block at a time
    into one buffer: a flag array as big as the body cost more in fresh pages than in the comparing
    (0.11 s of 0.2 s at 46 MB), and a name found early is not looked for again. Each numpy call
    lets go of the interpreter: beside a thread busy in Python, getting it back cost 0.74 s of 1 MiB
    blocks at 34 MB, 0.24 s of 8 MiB blocks; but in a save, fresh from the dump, 8 MiB blocks took
    0.10-0.125 s against 0.07-0.08 s (their arrays in new pages each time).
    """
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    found = {name for name in names if len(name) < 2 and data.find(name + b":", start) >= 0}
    # The two bytes before each colon, as one number: most names fail on these alone.
    wanted: dict[int, list[bytes]] = {}
    for name in names:
        if len(name) >= 2:
            wanted.setdefault((name[-2] << 8) | name[-1], []).append(name)
    flags = np.empty(min(_SCAN_BLOCK, body.size), dtype=bool)
    for first in range(0, body.size, _SCAN_BLOCK):
        if not wanted:
            break
        block = body[first : first + _SCAN_BLOCK]
        colons = np.flatnonzero(np.equal(block, 0x3A, out=flags[: block.size])) + first
        colons = colons[colons >= 2]
        pairs = (body[colons - 2].astype(np.uint16) << 8) | body[colons - 1]
        for code in list(wanted):
            ending = colons[pairs == code]
            if not ending.size:
                continue
            for name in list(wanted[code]):
                hits = ending
                for back in range(3, len(name) + 1):
                    hits = hits[hits >= back]
                    hits = hits[body[hits - back] == name[-back]]
                if hits.size:
                    found.add(name)
                    wanted[code].remove(name)
            if not wanted[code]:
                del wanted[code]
    return found


def _joined(tail: tuple[bytes, bytes], head_starts_with: Callable[[bytes], bool]) -> bytes:
    """A tail from :func:`_tail_parts`, to follow a document written with the same prefixes, without a second header."""
    header, statements = tail
    # The head declares the same prefixes, unless it is empty (then Oxigraph writes no header).
    return statements if head_starts_with(header) else header + statements


def _tail_parts(extra: list[ox.Quad], fmt: RdfFormat, prefixes: dict[str, str]) -> tuple[bytes, bytes]:
    """``extra`` serialised with ``prefixes``, as its header and its statements (to follow a document's)."""
    if fmt.name not in ("turtle", "ntriples"):
        raise ValueError(f"{fmt.label} documents cannot be joined end to end")
    tail = ox.serialize(extra, format=fmt.ox_format, prefixes=prefixes) or b""
    header = 0
    while tail.startswith(b"@prefix ", header):
        header = tail.find(b"\n", header) + 1
    return tail[:header], tail[header:]


def serialize_quads(
    quads: Iterable[ox.Quad] | None,
    fmt: RdfFormat,
    *,
    store: ox.Store | None = None,
    prefixes: dict[str, str] | None = None,
    extra: Iterable[ox.Quad] = (),
) -> bytes:
    """Serialise to bytes: from ``store``'s default graph for graph formats, else from ``quads``.

    ``extra`` quads are written after the store's; only Turtle and N-Triples, whose documents can be
    joined end to end, take them.

    Examples
    --------
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1")))
    >>> later = ox.Quad(ox.NamedNode("http://e/b"), ox.NamedNode("http://e/p"), ox.Literal("2"))
    >>> data = serialize_quads(None, FORMATS["turtle"], store=store, prefixes={"e": "http://e/"}, extra=[later])
    >>> print(data.decode())
    @prefix e: <http://e/> .
    e:a e:p "1" .
    e:b e:p "2" .
    <BLANKLINE>
    """
    prefixes = dict(prefixes or {})
    if quads is None and store is not None:
        data = store.dump(format=fmt.ox_format, from_graph=ox.DefaultGraph(), prefixes=prefixes) or b""
        extra = list(extra)
        if extra:
            tail = _joined(_tail_parts(extra, fmt, prefixes), data.startswith)
            if fmt.name == "turtle":
                return drop_unused_prefixes(data, tail)  # joined once: the body may be hundreds of megabytes
            data += tail
    else:
        # Oxigraph writes default-graph quads in graph formats as they are: no conversion needed.
        data = ox.serialize(quads if quads is not None else [], format=fmt.ox_format, prefixes=prefixes) or b""
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
