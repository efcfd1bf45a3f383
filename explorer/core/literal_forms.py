"""Find, in the bytes of a document, the statements whose literal a store may keep in another form.

Oxigraph stores numbers, booleans and dates by value, so ``"01"^^xsd:integer`` comes back as
``"1"`` (see :class:`~explorer.core.store.EmbeddedStore`, which remembers such literals as
written). Looking at every parsed statement in Python to find them costs more than Oxigraph's
whole load, so a document in the Turtle family is screened here, in bulk, with regular
expressions that run in C:

- **N-Triples and N-Quads**: :func:`lines_to_check` returns the lines that may hold a typed
  literal written in other than its canonical form, or an RDF 1.2 triple term (``<<``). Only
  those lines are parsed again, statement by statement.
- **Turtle and TriG**: statements span lines, so :func:`turtle_needs_watching` only says
  whether the document may hold such a literal or a triple term (strings, IRIs and comments
  aside). If it may, the caller watches every parsed statement, as before.

Both err on the safe side: a statement they pass over never holds a literal Oxigraph
rewrites. A literal whose lexical form is not a valid value (``"abc"^^xsd:integer``) is
kept as written, so it needs no watching.

Examples
--------
>>> import io
>>> xsd = b"<http://www.w3.org/2001/XMLSchema#integer>"
>>> data = b'<http://e/a> <http://e/p> "1"^^' + xsd + b' .\\n<http://e/b> <http://e/p> "01"^^' + xsd + b' .\\n'
>>> [line[:12] for line in lines_to_check(io.BytesIO(data))]
[b'<http://e/b>']
>>> turtle_needs_watching(b'@prefix e: <http://e/> .\\ne:a e:p 1, 2.5, "Unit 7" .')
False
>>> turtle_needs_watching(b'@prefix e: <http://e/> .\\ne:a e:p 2.50 .')
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pyoxigraph as ox

_CHUNK = 16 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
_XSD = re.escape(_XSD_IRI.encode())
# Lexical forms Oxigraph keeps exactly as they are, by datatype (its canonical forms).
_CANONICAL_FORMS = {
    b"integer": rb"0|-?[1-9][0-9]*",
    b"decimal": rb"0|-?[1-9][0-9]*|-?(?:0|[1-9][0-9]*)\.[0-9]*[1-9]",
    b"boolean": rb"true|false",
    b"date": rb"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
# A typed literal in canonical form, as N-Triples writes it. Its closing quote is never escaped (a digit
# or letter precedes it), so a match always ends a real literal; one starting at an escaped quote
# inside a string belongs to a lexical form that is no valid value, which Oxigraph keeps as written.
_NT_CANONICAL = re.compile(
    rb"|".join(rb'"(?:' + form + rb')"\^\^<' + _XSD + name + rb">" for name, form in _CANONICAL_FORMS.items())
)


_NT_CANONICAL_SPLIT = re.compile(b"(" + _NT_CANONICAL.pattern + b")")

_XSD_STRING = _XSD_IRI + "string"
# The same forms as text, to check a parsed literal without a store round trip.
_CANONICAL = {_XSD_IRI + name.decode(): re.compile(form.decode()) for name, form in _CANONICAL_FORMS.items()}


def surely_kept(term) -> bool:
    """Whether Oxigraph keeps ``term`` exactly as written, known without asking a store.

    True for what is not a literal, a string (plain or with a language) and a typed literal
    already in the canonical form of its type; others may be kept as another spelling.

    Examples
    --------
    >>> decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    >>> surely_kept(ox.Literal("2.5", datatype=decimal)), surely_kept(ox.Literal("2.50", datatype=decimal))
    (True, False)
    """
    if type(term) is not ox.Literal:
        return True
    datatype = term.datatype.value
    if datatype == _XSD_STRING or term.language:
        return True
    pattern = _CANONICAL.get(datatype)
    return pattern is not None and pattern.fullmatch(term.value) is not None


def rewritten_forms(quads: Iterable[ox.Quad]) -> dict[ox.Quad, ox.Quad]:
    """The quads among ``quads`` that Oxigraph stores in another form than written: ``{written: stored}``.

    Oxigraph keeps a typed literal in its canonical form (``"01"^^xsd:integer`` as ``"1"``); the
    store remembers what was written, to hand it back and save it as written. A quad written in
    canonical form maps to itself when the same statement is also among ``quads`` in another
    form (the store holds them as one, and must keep both). A pure function of
    the quads, so a big command finds it in a worker (:attr:`~explorer.core.commands.Command.rewritten`),
    and a load finds it batch by batch while the parser works.

    Examples
    --------
    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> a, p = ox.NamedNode("urn:a"), ox.NamedNode("urn:p")
    >>> written = ox.Quad(a, p, ox.Literal("01", datatype=ox.NamedNode(xsd + "integer")))
    >>> [q.object.value for q in rewritten_forms([written]).values()]
    ['1']
    >>> one = ox.Quad(a, p, ox.Literal("1", datatype=ox.NamedNode(xsd + "integer")))
    >>> rewritten_forms([one])
    {}
    >>> sorted(w.object.value for w in rewritten_forms([one, written]))
    ['01', '1']
    """
    by_literal: dict = {}
    for quad in quads:
        literal = quad.object
        if type(literal) is ox.Literal and literal.datatype.value != _XSD_STRING:
            by_literal.setdefault(literal, []).append(quad)
    literals = []
    for literal in by_literal:
        pattern = _CANONICAL.get(literal.datatype.value)
        if pattern is None or not pattern.fullmatch(literal.value):
            literals.append(literal)
    found: dict = {}
    if not literals:
        return found
    # Store lookups compare by value, so ask a scratch store, in one batch, which form it keeps;
    # once for each literal, however many statements hold it.
    probe = ox.NamedNode("urn:x-routine-explorer:probe")
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x-routine-explorer:{i}"), probe, literal) for i, literal in enumerate(literals)
    )
    for kept in scratch:
        written = literals[int(kept.subject.value.rsplit(":", 1)[1])]
        canonical = kept.object
        if canonical.value == written.value and canonical.datatype == written.datatype:
            continue
        for quad in by_literal[written]:
            found[quad] = ox.Quad(quad.subject, quad.predicate, canonical, quad.graph_name)
    if found:
        # The canonical spelling of a statement also written another way is a form of its own to keep.
        targets = set(found.values())
        for same in by_literal.values():
            found.update((quad, quad) for quad in same if quad in targets)
    return found


class LineScan:
    """Finds the N-Triples or N-Quads lines that may hold a rewritten literal or a triple term.

    Feed the document in chunks, in order, then read :attr:`lines`.

    Examples
    --------
    >>> scan = LineScan()
    >>> scan.feed(b'<http://e/a> <http://e/p> "x" .\\n<http://e/a> <http://e/p> "1.50"^^<http://www.w3.org/')
    >>> scan.feed(b'2001/XMLSchema#decimal> .\\n')
    >>> [line[:12] for line in scan.lines]
    [b'<http://e/a>']
    """

    def __init__(self) -> None:
        self._found: list[bytes] = []
        self._carry = b""
        self._offset = 0  # where, in the document, the carried bytes start
        # (start, end, hashes of the canonical typed literals there, sorted) for each stretch of lines scanned:
        # 8 bytes a distinct literal, where the literals themselves cost 130 MB at 1M distinct numbers.
        self._stretches: list[tuple[int, int, np.ndarray]] = []
        #: Whether the document may name a blank node (``_:``).
        self.blank_nodes = False

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk if self._carry else chunk
        # "_" alone is found by the C library's fast search, and is rare in most documents.
        self.blank_nodes = self.blank_nodes or (b"_" in data and b"_:" in data)
        end = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1  # a statement never spans a line end
        self._carry = data[end:]
        self._scan(data[:end], self._found)

    def _scan(self, data: bytes, found: list[bytes]) -> None:
        canonical = _collect(data, found)
        if canonical:
            hashes = np.unique(np.fromiter(map(hash, canonical), dtype=np.int64, count=len(canonical)))
            self._stretches.append((self._offset, self._offset + len(data), hashes))
        self._offset += len(data)

    @property
    def lines(self) -> list[bytes]:
        """The lines found, in order (a UTF-8 byte order mark dropped), once the whole document is fed."""
        return self.take(final=True)

    def take(self, *, final: bool = False) -> list[bytes]:
        """The lines found since the last take, in order; ``final`` once the whole document is fed.

        Lets a reader parse them again, batch by batch, while the rest of the document is read.
        """
        found, self._found = self._found, []
        if final:
            self._scan(self._carry, found)
            self._carry = b""
        return _without_bom(found)

    def stretches_holding(self, literals: set[bytes]) -> list[tuple[int, int]]:
        """Where in the document (``(start, end)`` offsets) whole lines hold one of the canonical ``literals``.

        ``literals`` as N-Triples writes them (``str()`` of a :class:`pyoxigraph.Literal`). The scan passes
        over the lines whose literals are canonical; when a statement was also written in another form, its
        canonical spelling is in one of these stretches (see :func:`lines_holding`), which are few or none.
        """
        wanted = np.fromiter(map(hash, literals), dtype=np.int64, count=len(literals))
        # By hash: two literals of one hash only make a stretch read for nothing, never one passed over.
        return [(start, end) for start, end, hashes in self._stretches if np.isin(wanted, hashes).any()]


def _without_bom(found: list[bytes]) -> list[bytes]:
    if found and found[0].startswith(_BOM):
        found[0] = found[0][len(_BOM) :]  # only a document's first line can start with one
    return found


def lines_to_check(stream) -> list[bytes]:
    """The N-Triples or N-Quads lines of ``stream`` that may hold a rewritten literal or a triple term.

    Reads the stream from where it is, in chunks.

    Examples
    --------
    >>> import io
    >>> lines_to_check(io.BytesIO(b'<http://e/a> <http://e/p> "x" .\\n'))
    []
    """
    scan = LineScan()
    while chunk := stream.read(_CHUNK):
        scan.feed(chunk)
    return scan.lines


def lines_holding(stream, literals: set[bytes]) -> list[bytes]:
    r"""The N-Triples or N-Quads lines of ``stream`` holding one of the canonical typed ``literals``.

    ``literals`` are written as N-Triples writes them (``str()`` of a :class:`pyoxigraph.Literal`).
    :class:`LineScan` passes over lines whose literals are canonical; when a statement was also written
    in another form, its canonical spelling is on such a line, and this finds it. Reads the stream
    from where it is, in chunks.

    Examples
    --------
    >>> import io
    >>> one = b'"1"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    >>> two = b'"2"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    >>> data = b'<http://e/a> <http://e/p> ' + one + b' .\n<http://e/a> <http://e/q> ' + two + b' .\n'
    >>> [line[26:29] for line in lines_holding(io.BytesIO(data), {one})]
    [b'"1"']
    """
    found: list[bytes] = []
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = carry + chunk if carry else chunk
        end = len(data) if not chunk else data.rfind(b"\n") + 1  # a statement never spans a line end
        text, carry = data[:end], data[end:]
        if b"^^" in text:
            _take_lines(text, [m.start() for m in _NT_CANONICAL.finditer(text) if m.group() in literals], found)
        if not chunk:
            return _without_bom(found)


def _collect(data: bytes, found: list[bytes]) -> list[bytes]:
    """Add to ``found`` the lines of ``data`` to parse again; the canonical typed literals ``data`` holds."""
    canonical: list[bytes] = []
    if b"^^" in data:
        # A line that keeps a "^^" once the canonical literals are gone holds no canonical literal but
        # in a comment (N-Triples has one literal a line), so it is taken as it stands; were it changed
        # all the same, parsing it fails, and the reader looks at every statement instead.
        parts = _NT_CANONICAL_SPLIT.split(data)  # text, literal, text, ...: one pass for both
        canonical = parts[1::2]
        stripped = b"".join(parts[::2])
        _take_lines(stripped, _positions(stripped, b"^", b"^", 1), found)
    # "<<(" opens an RDF 1.2 triple term, N-Triples' only form of one.
    _take_lines(data, _positions(data, b"(", b"<<", -2), found)
    return canonical


def _positions(text: bytes, rare: bytes, beside: bytes, offset: int) -> list[int]:
    """Where ``rare`` (one byte, found by the C library's fast search) has ``beside`` at ``offset`` from it."""
    found = []
    at = text.find(rare)
    while at >= 0:
        if at + offset >= 0 and text.startswith(beside, at + offset):
            found.append(at)
        at = text.find(rare, at + 1)
    return found


def _take_lines(text: bytes, positions: list[int], found: list[bytes]) -> None:
    """Add the lines of ``text`` holding ``positions`` (in order), each once."""
    last = -1
    for position in positions:
        start = text.rfind(b"\n", 0, position) + 1
        if start != last:
            end = text.find(b"\n", position)
            found.append(text[start : end if end >= 0 else len(text)])
            last = start


# --- Turtle and TriG -------------------------------------------------------------------------------------

_NAME_END = rb"(?![\w:%\\-]|\.[\w:%\\-])"
# A canonical typed literal in Turtle: the datatype as a full IRI or a prefixed name. A prefix bound to
# another namespace names a datatype Oxigraph does not rewrite either, so it need not be looked up.
_TURTLE_CANONICAL = re.compile(
    rb"|".join(
        rb'"(?:' + form + rb')"\^\^(?:<' + _XSD + name + rb">|(?:[A-Za-z][\w.-]*)?:" + name + _NAME_END + rb")"
        for name, form in _CANONICAL_FORMS.items()
    )
)


def _classes(*groups: bytes) -> bytes:
    """A :meth:`bytes.translate` table giving each byte the number of the group it is in (else its count)."""
    table = bytearray([len(groups)] * 256)
    for number, group in enumerate(groups):
        for byte in group:
            table[byte] = number
    return bytes(table)


# Bytes sorted for a bare number (a literal typed by its syntax, 01 or 1.50) in Turtle: what may come just
# before one, then what a number starts with, then the rest of what it is made of.
_BEFORE, _DIGIT, _SIGN, _EXPONENT = 0, 1, 2, 3
_NUMBER_CLASSES = _classes(b" \t\r\n,;([{)]\"'>", b"0123456789", b"+-.", b"eE")
# A canonical number, maybe with a statement's end; or a canonical date, which is no bare token but may open
# a typed literal's lexical form (a quote may come before a bare number).
_CANONICAL_NUMBER = re.compile(rb"(?:" + _CANONICAL_FORMS[b"decimal"] + rb")\.?|" + _CANONICAL_FORMS[b"date"])
_LONGEST_NUMBER = 24


def turtle_needs_watching(data: bytes) -> bool:
    """Whether a Turtle or TriG document may hold a literal Oxigraph rewrites, or a triple term.

    Takes the whole document: Turtle's statements span lines. Text in strings and comments is
    not told apart, so a number there written in other than its canonical form (``"Room 007"``)
    says "may" too: the caller then only does more work.

    Examples
    --------
    >>> turtle_needs_watching(b'<http://e/a> <http://e/p> "01"^^<http://e/code> .')
    True
    >>> turtle_needs_watching(b'<http://e/a> <http://e/p> "1"^^xsd:integer, -0.5, (1 2.25) .')
    False
    >>> turtle_needs_watching(b'<http://e/a> <http://e/p> 1e3 .')
    True
    """
    return turtle_terms_need_watching(data) or turtle_numbers_need_watching(data)


def turtle_terms_need_watching(data: bytes) -> bool:
    """The first half of :func:`turtle_needs_watching`: a triple term, or a typed literal not plainly canonical.

    Examples
    --------
    >>> turtle_terms_need_watching(b'<http://e/a> <http://e/p> "1"^^xsd:integer, "01"^^xsd:integer .')
    True
    >>> turtle_terms_need_watching(b'<http://e/a> <http://e/p> <http://e/o> {| <http://e/q> 1 |} .')
    True
    """
    # RDF 1.2 makes triple terms three ways: "<<", an annotation "{| |}" and a reifier "~" (after an
    # object). A "~" in an IRI or a string makes a document watched for nothing, never one let through.
    if b"<<" in data or b"{|" in data or b"~" in data:
        return True
    # Every "^^" must be in a canonical typed literal.
    return data.count(b"^^") != len(_TURTLE_CANONICAL.findall(data))


def turtle_numbers_need_watching(data: bytes) -> bool:
    """The second half of :func:`turtle_needs_watching`: a bare number not plainly canonical.

    Mostly numpy, which lets go of the GIL: it can run in a thread while Oxigraph loads.

    Examples
    --------
    >>> turtle_numbers_need_watching(b'<http://e/a> <http://e/p> 1, 0.5, 0.50 .')
    True
    """
    return any(_CANONICAL_NUMBER.fullmatch(token) is None for token in _odd_number_tokens(data))


def _odd_number_tokens(data: bytes) -> set[bytes]:
    """The distinct tokens that look like a bare number where a token may start, less those plainly canonical.

    Found in bulk with numpy; what is left (a few at most, in a map) is checked by the caller.
    """
    kinds = np.frombuffer(data.translate(_NUMBER_CLASSES), dtype=np.uint8)
    starts = np.flatnonzero((kinds[:-1] == _BEFORE) & ((kinds[1:] - _DIGIT) < 2)) + 1  # a digit or a sign
    if not starts.size:
        return set()
    in_number = (kinds - _DIGIT) < 3
    # Each token ends where its run of number bytes does.
    run_ends = np.append(np.flatnonzero(in_number[:-1] & ~in_number[1:]) + 1, kinds.size)
    ends = run_ends[np.searchsorted(run_ends, starts, side="right")]
    # Most are whole numbers (in labels, too): digits only, no leading zero, plainly canonical at once.
    others = np.flatnonzero((kinds - _SIGN) < 2)  # signs, dots, exponents
    whole = np.searchsorted(others, starts) == np.searchsorted(others, ends)
    whole &= (kinds[starts] == _DIGIT) & ((data_bytes := np.frombuffer(data, dtype=np.uint8))[starts] != 48)
    whole |= (ends - starts == 1) & (kinds[starts] == _DIGIT)
    starts, ends = starts[~whole], ends[~whole]
    if not starts.size:
        return set()
    lengths = ends - starts
    columns = np.arange(_LONGEST_NUMBER)
    inside = columns < lengths[:, None]
    grid = data_bytes[np.minimum(starts[:, None] + columns, kinds.size - 1)]
    grid[~inside] = 0
    digit = (grid - 48) < 10
    numbers = digit.any(axis=1)  # a token with no digit is punctuation (a statement's end)
    # Plainly canonical: digits with at most a leading minus, no leading zero, and a dot (at most one)
    # only before a last digit of 1 to 9, or ending the token (a statement's end).
    rows = np.arange(grid.shape[0])
    shown = np.minimum(lengths, _LONGEST_NUMBER)  # a longer token is never plainly canonical (see below)
    trailing_dot = grid[rows, np.maximum(shown - 1, 0)] == 46
    body = shown - trailing_dot
    minus = grid[:, 0] == 45
    first = grid[rows, minus.astype(np.intp)]
    second = grid[rows, np.minimum(minus + 1, _LONGEST_NUMBER - 1)]
    dots = ((grid == 46) & (columns < body[:, None])).sum(axis=1)
    end = grid[rows, np.maximum(body - 1, 0)]
    allowed = (
        digit
        | ~inside
        | ((grid == 46) & (columns < body[:, None]))
        | ((columns == 0) & minus[:, None])
        | ((columns == body[:, None]) & trailing_dot[:, None])
    )
    plain = (
        (lengths <= _LONGEST_NUMBER)
        & allowed.all(axis=1)
        & (body - minus > 0)
        & ((first != 48) | (body - minus == 1) | (second == 46))  # no leading zero
        & (first != 46)
        & ((dots == 0) | ((dots == 1) & (end != 48) & (end != 46)))
        & ~(minus & (first == 48) & (dots == 0))  # -0
    )
    odd = numbers & ~plain
    return set(grid[odd].view(f"S{_LONGEST_NUMBER}").ravel().tolist()) | (
        {b"+"} if (odd & (lengths > _LONGEST_NUMBER)).any() else set()
    )


__all__ = [
    "LineScan",
    "lines_to_check",
    "rewritten_forms",
    "turtle_needs_watching",
    "turtle_numbers_need_watching",
    "turtle_terms_need_watching",
]
