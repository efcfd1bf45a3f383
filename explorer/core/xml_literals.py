"""XML literals read from RDF/XML keep the lexical form the RDF/XML specification gives them.

An ``rdf:parseType="Literal"`` property element stands for an ``rdf:XMLLiteral`` whose lexical form is the
exclusive XML canonicalisation, with comments, of the element's content (RDF 1.1 XML Syntax, section 7.2.17;
the W3C tests ``rdfms-xml-literal-namespaces`` and ``xml-canon`` check it). Oxigraph's parser (0.5) writes the
content out again its own way: it declares every namespace in scope on each top-level element, escapes
apostrophes and quotes in text and writes ``<br />`` as ``<br></br>``, so ``<br />`` in a file became
``<br xmlns:rdf="…" xmlns:eg="…"></br>`` where the tests expect ``<br></br>``, and a converted or saved map
carried namespace declarations its author never wrote there.

:func:`canonical_xml_literal` takes Oxigraph's text to the canonical form (Python's C14N 2.0 writer, which with
its defaults declares a namespace where it is first used, as exclusive canonicalisation does), and
:func:`canonical_xml_literals` does it to the quads as a document is read. An XML literal typed with
``rdf:datatype`` is a lexical form its author wrote: :func:`typed_xml_literals` finds those, to be kept as they
are. :class:`XmlLiteralScan`, fed the document's bytes, says whether any of this is needed.

Limits: Oxigraph drops comments and processing instructions inside the literal (the canonical form would keep
them), and refuses an empty ``rdf:parseType="Literal"`` element (W3C ``rdfms-empty-property-elements`` tests
003 and 009); neither can be mended after its parser has run. In a file with raw carriage returns (CRLF line
ends), a carriage return written as ``&#13;`` inside an XML literal cannot be told from a line end, and is read
as one.

Examples
--------
>>> canonical_xml_literal('<br xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></br>')
'<br></br>'
>>> canonical_xml_literal('<a xmlns:p="http://p/"><p:b>it&apos;s</p:b></a>')
'<a><p:b xmlns:p="http://p/">it\\'s</p:b></a>'
"""

from __future__ import annotations

import contextlib
import re
import xml.parsers.expat
from collections.abc import Iterable, Iterator
from typing import BinaryIO
from xml.etree.ElementTree import ParseError, canonicalize

import pyoxigraph as ox

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LITERAL = RDF_NS + "XMLLiteral"

#: A start tag as Oxigraph writes it (attribute values in double quotes, which may hold ``>``).
_START_TAG = re.compile(r'<[^\s<>/!?]+(?:\s+[^\s=<>]+="[^"]*")*\s*>')
_NAMESPACE_DECLARATION = re.compile(r'\s+(xmlns(?::[^\s=<>]+)?)="[^"]*"')


def canonical_xml_literal(text: str, *, raw_cr: bool = False) -> str:
    """The exclusive canonical form (with comments) of the XML content ``text``; ``text`` itself if not well-formed.

    Parameters
    ----------
    text : str
        An XML literal's lexical form: XML content (text and elements), each namespace prefix declared.
    raw_cr : bool
        Whether the document it was read from holds raw carriage returns. Oxigraph keeps the carriage returns of
        the text as they come, raw or from ``&#13;``: in a document without raw ones, each came from a
        reference and is kept; otherwise each is a line end, as an XML parser reads it.

    Returns
    -------
    str

    Examples
    --------
    >>> canonical_xml_literal('\\n  <apply xmlns="http://m/" xmlns:dc="http://d/"><power></power></apply> x')
    '\\n  <apply xmlns="http://m/"><power></power></apply> x'
    >>> canonical_xml_literal("line\\r")
    'line&#xD;'
    >>> canonical_xml_literal("<a>unclosed")
    '<a>unclosed'
    """
    content = text
    if not raw_cr:
        # An XML parser would turn a raw CR into LF; written as a reference, the CR survives (XML 1.0, 2.11).
        content = text.replace("\r", "&#13;")
    for attempt in (content, _without_repeated_declarations(content)):
        try:
            # A wrapper without namespaces holds the content; it adds nothing to the content's canonical form.
            wrapped = canonicalize(xml_data=f"<w>{attempt}</w>", with_comments=True)
        except ParseError:
            continue
        return wrapped[len("<w>") : -len("</w>")]
    return text


def _without_repeated_declarations(text: str) -> str:
    """``text`` with a namespace declared twice on one element declared once.

    Oxigraph adds the namespaces in scope to a top-level element that already declares one of them, and XML
    forbids an attribute twice. Both say the same: the first is kept.
    """

    def once(tag: re.Match) -> str:
        seen: set[str] = set()

        def first(declaration: re.Match) -> str:
            name = declaration.group(1)
            if name in seen:
                return ""
            seen.add(name)
            return declaration.group(0)

        return _NAMESPACE_DECLARATION.sub(first, tag.group(0))

    return _START_TAG.sub(once, text)


def _matching_key(text: str) -> str:
    """``text`` with every line end made LF: Oxigraph keeps raw CRLF, an XML parser does not."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def canonical_xml_literals(
    quads: Iterable[ox.Quad], *, keep: frozenset[str] = frozenset(), raw_cr: bool = False
) -> Iterator[ox.Quad]:
    """``quads`` with each XML literal in its canonical form (:func:`canonical_xml_literal`), but those in ``keep``.

    Parameters
    ----------
    quads : iterable of pyoxigraph.Quad
        As Oxigraph's RDF/XML parser gives them.
    keep : frozenset of str
        :func:`typed_xml_literals` of the document: lexical forms written with ``rdf:datatype``.
    raw_cr : bool
        Whether the document holds raw carriage returns (see :func:`canonical_xml_literal`).

    Examples
    --------
    >>> literal = ox.Literal('<br xmlns:eg="http://example.org/"></br>', datatype=ox.NamedNode(XML_LITERAL))
    >>> quad = ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), literal)
    >>> [q.object.value for q in canonical_xml_literals([quad])]
    ['<br></br>']
    >>> [q.object.value for q in canonical_xml_literals([quad], keep=frozenset([literal.value]))]
    ['<br xmlns:eg="http://example.org/"></br>']
    """
    literal, xml_literal = ox.Literal, ox.NamedNode(XML_LITERAL)
    for quad in quads:
        obj = quad.object
        if type(obj) is literal and obj.datatype == xml_literal and _matching_key(obj.value) not in keep:
            canonical = canonical_xml_literal(obj.value, raw_cr=raw_cr)
            if canonical != obj.value:
                quad = ox.Quad(quad.subject, quad.predicate, literal(canonical, datatype=xml_literal), quad.graph_name)
        yield quad


def typed_xml_literals(stream: BinaryIO) -> frozenset[str]:
    """The lexical forms of the XML literals an RDF/XML document types with ``rdf:datatype``, as matching keys.

    Their authors wrote them as they want them: they are kept as written, where a ``rdf:parseType="Literal"``
    element's content is canonicalised. Read with expat (the document was screened for a DOCTYPE before).

    Examples
    --------
    >>> import io
    >>> doc = b'''<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">
    ...   <rdf:Description rdf:about="http://e/a">
    ...     <e:p rdf:datatype="http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral">&lt;br/&gt;</e:p>
    ...   </rdf:Description></rdf:RDF>'''
    >>> sorted(typed_xml_literals(io.BytesIO(doc)))
    ['<br/>']
    """
    found: set[str] = set()
    parts: list[str] | None = None
    depth = 0
    datatype = RDF_NS + " datatype"

    def start(_name: str, attributes: dict) -> None:
        nonlocal parts, depth
        if parts is not None:
            depth += 1  # an element inside a typed literal: not RDF/XML, and Oxigraph will say so
        elif attributes.get(datatype, "").endswith("XMLLiteral"):
            parts, depth = [], 0

    def end(_name: str) -> None:
        nonlocal parts, depth
        if parts is not None:
            if depth:
                depth -= 1
                return
            found.add(_matching_key("".join(parts)))
            parts = None

    def text(data: str) -> None:
        if parts is not None:
            parts.append(data)

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    # Oxigraph's own reading reports what is wrong with a malformed document, with its position.
    with contextlib.suppress(xml.parsers.expat.ExpatError):
        parser.ParseFile(stream)
    return frozenset(found)


class XmlLiteralScan:
    """Fed an RDF/XML document's bytes, says whether it may hold XML literals to canonicalise, or typed ones.

    Examples
    --------
    >>> scan = XmlLiteralScan()
    >>> scan.feed(b'<e:p rdf:parse'); scan.feed(b'Type="Literal"><br/></e:p>')
    >>> scan.parse_type, scan.typed, scan.raw_cr
    (True, False, False)
    """

    def __init__(self) -> None:
        self.parse_type = False
        self.typed = False
        self.raw_cr = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        """Look at the next bytes of the document."""
        if self.parse_type and self.typed and self.raw_cr:
            return
        data = self._tail + chunk
        self.parse_type = self.parse_type or b"parseType" in data
        self.typed = self.typed or b"XMLLiteral" in data
        self.raw_cr = self.raw_cr or b"\r" in chunk
        # A word split between two chunks is found in the next one.
        self._tail = data[-(len(b"XMLLiteral") - 1) :]


__all__ = ["XML_LITERAL", "XmlLiteralScan", "canonical_xml_literal", "canonical_xml_literals", "typed_xml_literals"]
