"""Checks run over a document before a parser sees it, so no input can crash or exhaust the machine.

Oxigraph's parsers are fast and safe on well-shaped input, but measured on this machine some shapes cost
far more than their size: RDF 1.2 triple terms nested 20,000 deep (a 170 KB file) and JSON-LD objects
nested 5,000 deep overflow the parser's stack (a crash no exception can catch); RDF/XML elements nested
100,000 deep take minutes, each level re-reading those above; 20,000 namespace declarations on one element
take a second and grow with the square; JSON-LD holds every object whole except the members of a top-level
array, at about 20 times its size in memory; and a small gzip file can unpack to gigabytes.

:func:`screen` reads the (decompressed) document once in 16 MiB chunks, vectorised with numpy, and raises
:class:`~explorer.core.errors.UnsafeInputError` naming the limit at the first place it is passed. The limits
are far above anything a map needs, and each is a module constant:

======================  =============================================================================
:data:`NESTING_LIMIT`   RDF 1.2 triple terms inside triple terms (Turtle, TriG, N-Triples, N-Quads)
:data:`DEPTH_LIMIT`     JSON objects and arrays, or XML elements, inside one another
:data:`VALUE_LIMIT`     one JSON string, one XML text, attribute value, comment or CDATA section
:data:`HELD_LIMIT`      one JSON value the JSON-LD parser holds whole (anything but a top-level array)
:data:`NAMESPACE_LIMIT` namespace declarations on one XML element
======================  =============================================================================

:class:`BoundedGzip` caps what a gzip file may unpack to (:data:`DECOMPRESSED_LIMIT`, and
:data:`RATIO_LIMIT` times its compressed size beyond the first :data:`RATIO_FREE` bytes).

Examples
--------
>>> import io
>>> screen(io.BytesIO(b'[{"@id": "http://e/a"}]'), "jsonld", path="a.jsonld")
>>> screen(io.BytesIO(b"[" * 300), "jsonld", path="deep.jsonld")
Traceback (most recent call last):
...
explorer.core.errors.UnsafeInputError: deep.jsonld: the JSON nests objects and arrays more than 256 deep
(at byte 256); a map never needs that, and reading it could crash the reader
"""

from __future__ import annotations

import gzip
import io
import re

import numpy as np

from .errors import UnsafeInputError

#: Deepest nesting of RDF 1.2 triple terms allowed to reach the parser (the parser recurses once per level).
NESTING_LIMIT = 64
#: Deepest nesting of JSON objects and arrays, or of XML elements (a map needs fewer than ten).
DEPTH_LIMIT = 256
#: Longest single value: a JSON string, or an XML text, attribute value, comment or CDATA section (16 MiB).
VALUE_LIMIT = 16 * 1024 * 1024
#: Largest JSON value the JSON-LD parser holds in memory at once (64 MiB, about 1.5 GB while parsing).
HELD_LIMIT = 64 * 1024 * 1024
#: Most namespace declarations on one XML element (RDF/XML writers use one to three).
NAMESPACE_LIMIT = 100
#: Most bytes a gzip file may unpack to (1 GiB; a 100,000-node map is about 120 MB of N-Triples).
DECOMPRESSED_LIMIT = 1024 * 1024 * 1024
#: Most a gzip file may unpack to per compressed byte, beyond the first :data:`RATIO_FREE` bytes.
RATIO_LIMIT = 100
#: Unpacked bytes allowed before :data:`RATIO_LIMIT` applies (64 MiB).
RATIO_FREE = 64 * 1024 * 1024

_CHUNK = 16 * 1024 * 1024
_TURTLE_FAMILY = frozenset({"turtle", "trig", "ntriples", "nquads"})
_MIB = 1024 * 1024


def screen(stream, format_name: str, *, path: str) -> None:
    """Read ``stream`` once and refuse it if its shape passes a limit; leave it at its start.

    Parameters
    ----------
    stream : binary file object
        Seekable; read from its start in chunks, never whole.
    format_name : str
        One of ``turtle``, ``trig``, ``ntriples``, ``nquads``, ``jsonld``, ``rdfxml``.
    path : str
        Names the source in messages.

    Raises
    ------
    UnsafeInputError
        Naming the limit and the byte where it was passed.

    Examples
    --------
    >>> import io
    >>> data = b"<http://e/a> <http://e/b> << <http://e/c> <http://e/d> <http://e/e> >> ."
    >>> screen(io.BytesIO(data), "ntriples", path="x.nt")
    """
    checker: TripleTerms | _JsonShape | _XmlShape
    if format_name in _TURTLE_FAMILY:
        checker = TripleTerms(path)
    elif format_name == "jsonld":
        checker = _JsonShape(path)
    elif format_name == "rdfxml":
        checker = _XmlShape(path)
    else:
        return
    stream.seek(0)
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        checker.feed(chunk)
    checker.finish(stream)
    stream.seek(0)


def _refuse(path: str, reason: str, offset: int | None = None) -> UnsafeInputError:
    where = f" (at byte {offset:,})" if offset is not None else ""
    return UnsafeInputError(reason.replace("{where}", where), path=path)


# --- Turtle family: triple terms -------------------------------------------------------------------------

# What can hide "<<" or ">>" in Turtle-family text: strings, comments, IRIs, escapes in local names.
_TURTLE_TOKENS = re.compile(
    rb"|".join(
        (
            rb'"""(?:[^"\\]|\\.|"(?!""))*+"""',  # long strings
            rb"'''(?:[^'\\]|\\.|'(?!''))*+'''",
            rb'"(?:[^"\\\n\r]|\\.)*+"',  # short strings
            rb"'(?:[^'\\\n\r]|\\.)*+'",
            rb"\\.",  # an escape in a local name (ex:a\#b)
            rb"\#[^\n\r]*+",  # a comment
            rb"(<<)",  # a triple term or reified triple opens
            rb"(>>)",  # ... and closes
            rb'<[^<>"{}|^`\\\x00-\x20]*+>',  # an IRI
        )
    ),
    re.S,
)
#: Largest file walked token by token when it holds more than :data:`NESTING_LIMIT` ``<<``.
_TURTLE_WALK_LIMIT = 256 * _MIB


class TripleTerms:
    """Counts ``<<``; only a file with more of them than the limit can nest that deep, and is walked exactly.

    Fed chunk by chunk in order; a reader that hands the parser each chunk as it is screened stops
    (and screens the whole file first) once :attr:`opens` passes :data:`NESTING_LIMIT`.

    Examples
    --------
    >>> count = TripleTerms("a.nt")
    >>> count.feed(b"<http://e/a> <http://e/b> <")
    >>> count.feed(b"< <http://e/c> <http://e/d> <http://e/e> >> .")
    >>> count.opens
    1
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.opens = 0
        self.size = 0
        self.last = b""

    def feed(self, chunk: bytes) -> None:
        self.opens += chunk.count(b"<<") + (self.last == b"<" and chunk[:1] == b"<")
        self.last = chunk[-1:]
        self.size += len(chunk)

    def finish(self, stream) -> None:
        if self.opens <= NESTING_LIMIT:
            return
        if self.size > _TURTLE_WALK_LIMIT:
            raise _refuse(
                self.path,
                f"the file holds {self.opens:,} '<<' (RDF 1.2 triple terms or text) and is larger "
                f"than the {_TURTLE_WALK_LIMIT // _MIB} MiB that are checked for their nesting",
            )
        stream.seek(0)
        text = stream.read()
        depth = 0
        for match in _TURTLE_TOKENS.finditer(text):
            if match.group(1):
                depth += 1
                if depth > NESTING_LIMIT:
                    start = match.start()
                    raise UnsafeInputError(
                        f"RDF 1.2 triple terms (<< >>) nest more than {NESTING_LIMIT} deep here; Routine Explorer does "
                        "not read triple terms, and a nesting this deep is refused before parsing",
                        path=self.path,
                        line=text.count(b"\n", 0, start) + 1,
                        column=start - (text.rfind(b"\n", 0, start) + 1) + 1,
                    )
            elif match.group(2):
                depth = max(0, depth - 1)


# --- JSON ------------------------------------------------------------------------------------------------

_QUOTE, _BACKSLASH = 0x22, 0x5C
_OPENS, _CLOSES = (0x7B, 0x5B), (0x7D, 0x5D)


class _JsonShape:
    """Depth, string length and held-value size of JSON, chunk by chunk.

    A quote ends or starts a string unless an odd run of backslashes precedes it; a bracket counts only
    outside strings. Text a JSON parser rejects may be misread after the point of the error, which is
    harmless: the parser stops there.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0  # bytes before the current chunk
        self.in_string = False
        self.string_start = 0
        self.escape_next = False  # the previous chunk ended in an odd run of backslashes
        self.depth = 0
        self.top: int | None = None  # the first byte of the document, once seen
        self.held_start: int | None = None  # where the value being held started

    def feed(self, chunk: bytes) -> None:
        if self.top is None:
            stripped = chunk.lstrip(b" \t\r\n\xef\xbb\xbf")
            if stripped:
                self.top = stripped[0]
                if self.top != 0x5B:  # not an array: the parser holds the whole document
                    self.held_start = self.offset + len(chunk) - len(stripped)
        a = np.frombuffer(chunk, dtype=np.uint8)
        quotes = np.flatnonzero(a == _QUOTE)
        backslashes = np.flatnonzero(a == _BACKSLASH)
        if backslashes.size or self.escape_next:
            quotes = quotes[~self._escaped(quotes, backslashes, len(chunk))]
        # Quotes alternate opening and closing strings; ``first`` is the first that opens one.
        started_in_string = self.in_string
        first = 1 if started_in_string else 0
        if started_in_string and quotes.size:
            self._check_string(self.string_start, self.offset + int(quotes[0]))
        opens, closes = quotes[first::2], quotes[first + 1 :: 2]
        if closes.size:
            lengths = closes - opens[: closes.size]
            if int(lengths.max()) > VALUE_LIMIT:
                self._refuse_string(self.offset + int(opens[int(np.argmax(lengths))]))
        if opens.size > closes.size:
            self.in_string, self.string_start = True, self.offset + int(opens[-1])
        elif quotes.size:
            self.in_string = False
        if self.in_string:
            self._check_string(self.string_start, self.offset + len(chunk))
        brackets = np.flatnonzero((a == _OPENS[0]) | (a == _OPENS[1]) | (a == _CLOSES[0]) | (a == _CLOSES[1]))
        if brackets.size:
            # A bracket is outside every string when an even number of quotes (counting one carried in) precede it.
            brackets = brackets[(np.searchsorted(quotes, brackets) + first) % 2 == 0]
        if brackets.size:
            kinds = a[brackets]
            step = np.where((kinds == _OPENS[0]) | (kinds == _OPENS[1]), 1, -1).astype(np.int64)
            depth = self.depth + np.cumsum(step)
            deepest = int(np.argmax(depth))
            if depth[deepest] > DEPTH_LIMIT:
                at = self.offset + int(brackets[int(np.argmax(depth > DEPTH_LIMIT))])
                raise _refuse(
                    self.path,
                    f"the JSON nests objects and arrays more than {DEPTH_LIMIT} deep{{where}}; "
                    "a map never needs that, and reading it could crash the reader",
                    at,
                )
            if self.top == 0x5B:
                self._check_held(brackets, step, depth)
            self.depth = int(depth[-1])
        self.offset += len(chunk)
        if self.held_start is not None and self.offset - self.held_start > HELD_LIMIT:
            self._refuse_held(self.held_start)

    def _escaped(self, quotes, backslashes, size: int):
        """Which quotes an odd run of backslashes escapes; carries a run that ends the chunk."""
        escaped = np.zeros(quotes.size, dtype=bool)
        if backslashes.size:
            starts = np.ones(backslashes.size, dtype=bool)
            starts[1:] = np.diff(backslashes) != 1
            run_start = backslashes[np.maximum.accumulate(np.where(starts, np.arange(backslashes.size), 0))]
            index = np.searchsorted(backslashes, quotes - 1)
            index = np.minimum(index, backslashes.size - 1)
            follows = backslashes[index] == quotes - 1
            length = quotes - run_start[index]
            # A run that starts the chunk continues one that ended the previous chunk.
            carried = follows & (run_start[index] == 0) & self.escape_next
            escaped = follows & ((length + carried) % 2 == 1)
            tail = size - 1 == backslashes[-1]
            tail_length = size - int(run_start[-1]) if tail else 0
            if tail and run_start[-1] == 0 and self.escape_next:
                tail_length += 1
            next_escape = tail_length % 2 == 1
        else:
            next_escape = False
        if self.escape_next and quotes.size and quotes[0] == 0 and (not backslashes.size or backslashes[0] != 0):
            escaped[0] = True
        self.escape_next = next_escape
        return escaped

    def _check_string(self, start: int, end: int) -> None:
        if end - start > VALUE_LIMIT:
            self._refuse_string(start)

    def _refuse_string(self, start: int) -> None:
        raise _refuse(
            self.path,
            f"a JSON string is longer than {VALUE_LIMIT // _MIB} MiB{{where}}; no value in a map needs that much",
            start,
        )

    def _check_held(self, brackets, step, depth) -> None:
        # Members of the top-level array are held whole, one at a time: from the bracket that
        # takes the depth to 2 to the one that brings it back to 1.
        before = depth - step
        starts = brackets[(step == 1) & (depth == 2)] + self.offset
        ends = brackets[(step == -1) & (before == 2)] + self.offset
        if self.held_start is not None:
            starts = np.concatenate(([self.held_start], starts))
        pairs = min(starts.size, ends.size)
        if pairs:
            spans = ends[:pairs] - starts[:pairs]
            if int(spans.max()) > HELD_LIMIT:
                self._refuse_held(int(starts[int(np.argmax(spans))]))
        self.held_start = int(starts[pairs]) if starts.size > pairs else None

    def _refuse_held(self, start: int) -> None:
        raise _refuse(
            self.path,
            f"a JSON value of more than {HELD_LIMIT // _MIB} MiB{{where}} would be held in memory "
            "whole (only the members of a top-level array are read one by one); write a map this big as "
            "a top-level JSON-LD array, or as N-Triples, N-Quads or Turtle",
            start,
        )

    def finish(self, stream) -> None:
        """Nothing is left to check at the end: every limit was checked as the bytes passed."""


# --- XML -------------------------------------------------------------------------------------------------

_LT, _GT, _SLASH = 0x3C, 0x3E, 0x2F
# Where a tag ends: quoted values may hold '>' (possessive, so linear).
_TAG_END = re.compile(rb"""(?:[^"'>]++|"[^"]*+"|'[^']*+')*+>""")
_SPECIAL = re.compile(rb"<!--|<!\[CDATA\[|<\?|<!")
_SPECIAL_END = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>", b"<!": b">"}
_XMLNS = np.frombuffer(b"xmlns", dtype=np.uint8)


class _XmlShape:
    """Element depth, value length and namespace declarations per element of XML, chunk by chunk.

    Attribute values cannot hold ``<``, so every ``<`` outside comments, CDATA and processing instructions
    starts a tag, and a tag ends before the next ``<``. A tag is an end tag (``</``), or a start tag that
    is empty when its first ``>`` follows a ``/``; where a quoted value could hide that ``>``, the tag is
    read exactly. Reading an empty tag as a start tag can only count too deep, never too shallow.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0  # bytes before ``carry``
        self.carry = b""
        self.depth = 0

    def feed(self, chunk: bytes) -> None:
        buffer = self.carry + chunk if self.carry else chunk
        text, cut = self._without_specials(buffer)
        self._tags(text, cut)
        self.offset += cut
        self.carry = buffer[cut:]
        if len(self.carry) > VALUE_LIMIT:
            raise _refuse(
                self.path,
                f"an XML text or value is longer than {VALUE_LIMIT // _MIB} MiB{{where}}; "
                "no value in a map needs that much",
                self.offset,
            )

    def finish(self, stream) -> None:
        if self.carry:
            text, cut = self._without_specials(self.carry + b"<")
            self._tags(text[: len(text) - 1] if text.endswith(b"<") else text, cut)

    def _without_specials(self, buffer: bytes) -> tuple[bytes, int]:
        """Drop comments, CDATA, processing instructions and declarations; cut before the last ``<``.

        Returns the remaining text and how many bytes of ``buffer`` it covers; the rest is carried.
        """
        cut = buffer.rfind(b"<")
        if cut <= 0:
            return b"", 0
        if buffer.find(b"<!", 0, cut + 9) < 0 and buffer.find(b"<?", 0, cut + 2) < 0:
            return buffer[:cut], cut
        pieces, position = [], 0
        for match in _SPECIAL.finditer(buffer):
            if match.start() < position:
                continue
            if match.start() >= cut and not match.group().startswith(b"<!--") and match.group() != b"<![CDATA[":
                break
            end_mark = _SPECIAL_END[match.group()]
            end = buffer.find(end_mark, match.end())
            if end < 0:  # the rest is not here yet: carry it
                cut = match.start()
                break
            end += len(end_mark)
            if end - match.start() > VALUE_LIMIT:
                raise _refuse(
                    self.path,
                    f"an XML comment, CDATA section or instruction is longer than {VALUE_LIMIT // _MIB} MiB{{where}}",
                    self.offset + match.start(),
                )
            pieces.append(buffer[position : match.start()])
            position = end
            if position > cut:
                later = buffer.rfind(b"<", position)
                cut = later if later >= position else position
        pieces.append(buffer[position:cut])
        return b"".join(pieces), cut

    def _tags(self, text: bytes, covered: int) -> None:
        if not text:
            return
        a = np.frombuffer(text, dtype=np.uint8)
        lt = np.flatnonzero(a == _LT)
        if not lt.size:
            if len(text) > VALUE_LIMIT:
                raise _refuse(
                    self.path, f"an XML text or value is longer than {VALUE_LIMIT // _MIB} MiB{{where}}", self.offset
                )
            return
        bounds = np.append(lt, len(text))
        lengths = np.diff(bounds)
        if lengths.size and int(lengths.max()) > VALUE_LIMIT:
            raise _refuse(
                self.path,
                f"an XML text or value is longer than {VALUE_LIMIT // _MIB} MiB{{where}}; "
                "no value in a map needs that much",
                self.offset + int(lt[int(np.argmax(lengths))]),
            )
        after = np.minimum(lt + 1, len(text) - 1)
        closing = a[after] == _SLASH
        gt = np.flatnonzero(a == _GT)
        first = np.searchsorted(gt, lt)
        has_end = first < gt.size
        end = np.where(has_end, gt[np.minimum(first, max(gt.size - 1, 0))] if gt.size else 0, len(text))
        has_end &= end < bounds[1:]
        empty = ~closing & has_end & (a[np.maximum(end - 1, 0)] == _SLASH)
        # Several '>' before the next '<': a quoted value may have hidden the real end (either way: a '/>' inside a
        # value, or a '>' inside a value before the real '/>'); read those exactly.
        several = ~closing & has_end & (np.searchsorted(gt, bounds[1:]) - first > 1)
        for index in np.flatnonzero(several):
            start = int(lt[index]) + 1
            match = _TAG_END.match(text, start, int(bounds[index + 1]))
            empty[index] = bool(match) and text[match.end() - 2 : match.end() - 1] == b"/"
        step = np.where(closing, -1, np.where(empty, 0, 1)).astype(np.int64)
        depth = self.depth + np.cumsum(step)
        reach = depth + empty  # an empty element sits one level below the open ones around it
        if reach.size and int(reach.max()) > DEPTH_LIMIT:
            at = self.offset + int(lt[int(np.argmax(reach > DEPTH_LIMIT))])
            raise _refuse(
                self.path,
                f"the XML nests elements more than {DEPTH_LIMIT} deep{{where}}; a map never "
                "needs that, and reading it would take time growing with the square of the depth",
                at,
            )
        self.depth = int(depth[-1]) if depth.size else self.depth
        # Namespace declarations per tag ("xmlns" in a text only counts too many, never too few).
        x = np.flatnonzero(a[: len(a) - 4] == _XMLNS[0])
        if x.size:
            for k in range(1, 5):
                x = x[a[x + k] == _XMLNS[k]]
            if x.size:
                per_tag = np.bincount(np.searchsorted(lt, x, side="right"))
                if int(per_tag.max()) > NAMESPACE_LIMIT:
                    tag = int(np.argmax(per_tag)) - 1
                    raise _refuse(
                        self.path,
                        f"an XML element declares more than {NAMESPACE_LIMIT} namespaces"
                        "{where}; reading it would take time growing with the square of their number",
                        self.offset + int(lt[max(tag, 0)]),
                    )


class BoundedGzip:
    """A gzip stream that refuses to unpack more than the limits allow.

    Parameters
    ----------
    raw : binary file object
        The compressed file, positioned at its start.
    path : str
        Names the file in messages.

    Examples
    --------
    >>> import gzip, io
    >>> BoundedGzip(io.BytesIO(gzip.compress(b"abc")), path="a.gz").read()
    b'abc'
    """

    def __init__(self, raw, *, path: str, limit: int = DECOMPRESSED_LIMIT, ratio: int = RATIO_LIMIT) -> None:
        self._raw = raw
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self._path = path
        self._limit = limit
        self._ratio = ratio
        self._unpacked = 0

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if size is None or size < 0:
            size = self._limit + 1 - self._unpacked
        # Never more than one byte past the limit: that byte is how passing it shows.
        data = self._gzip.read(max(1, min(size, self._limit + 1 - self._unpacked)))
        # How far the stream has unpacked, not how much was read: a reader that goes back over a stretch
        # (the literal scan does) reads nothing new, and the ratio compares positions in both files.
        self._unpacked = self._gzip.tell()
        if self._unpacked > self._limit:
            raise UnsafeInputError(
                f"the gzip file unpacks to more than {self._limit // _MIB:,} MiB, the most a map file may hold",
                path=self._path,
            )
        if self._unpacked > RATIO_FREE and self._unpacked > self._ratio * max(self._raw.tell(), 1):
            raise UnsafeInputError(
                f"the gzip file unpacks to more than {self._ratio} times its size "
                f"({self._unpacked // _MIB:,} MiB from {self._raw.tell() // 1024:,} KiB so far), "
                "the sign of a decompression bomb rather than a map",
                path=self._path,
            )
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self._gzip.tell()
        if whence == 2:
            raise io.UnsupportedOperation("a bounded gzip stream cannot seek from its end")
        target = offset if whence == 0 else position + offset
        # Forward by reading, so what is unpacked on the way is checked as any read is.
        while target > position and (skipped := len(self.read(min(target - position, 1 << 20)))):
            position += skipped
        self._unpacked = self._gzip.seek(min(target, position))
        return self._unpacked

    def tell(self) -> int:
        return self._gzip.tell()

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._gzip.close()

    def __enter__(self) -> BoundedGzip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
