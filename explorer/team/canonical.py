"""One form for every value of a shared map, so no engine's rewriting makes a phantom difference.

Servers store values, not the text they were given: Oxigraph turns ``"01"^^xsd:integer``
into ``"1"``, ``xsd:int`` into ``xsd:integer`` and ``en-GB`` into ``en-gb``; Jena's TDB
keeps values too. A shared map therefore holds only canonical forms (:func:`canonical`),
applied to the local copy before its changes are worked out, and to whatever is read back
from a server, so the same value always compares equal. Blank nodes, which no engine can
match in a later update, become IRIs first (:func:`skolem_iri`).

Examples
--------
>>> from rdflib import Literal, XSD
>>> canonical(Literal("01", datatype=XSD.int))
rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
>>> canonical(Literal("x", lang="en-GB")).language
'en-gb'
>>> canonical(Literal("1.50", datatype=XSD.decimal))
rdflib.term.Literal('1.5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
"""

from __future__ import annotations

import decimal
import math
import re
import uuid

from rdflib import Literal, URIRef

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_FRACTION_ZEROS = re.compile(r"\.0+(?=(Z|[+-]\d\d:\d\d)?$)")

#: Where blank nodes of a shared map are named (RDF 1.1's well-known place for skolem IRIs).
SKOLEM_BASE = "https://w3id.org/routine-explorer/.well-known/genid/"


def canonical(term):
    """``term`` in the one form a shared map keeps (IRIs and plain strings as they are).

    Integers of every XSD integer type become ``xsd:integer`` without leading zeros or sign
    ``+``; decimals lose trailing zeros; booleans are ``true``/``false``; doubles and floats
    are written as Python writes the number; language tags are lower case; a date-time
    loses a fraction of zeros. A value that is not valid for its type is kept as it is.

    Examples
    --------
    >>> from rdflib import XSD
    >>> str(canonical(Literal("1", datatype=XSD.boolean)))
    'true'
    >>> str(canonical(Literal("1e3", datatype=XSD.double)))
    '1000.0'
    """
    if not isinstance(term, Literal):
        return term
    if term.language:
        lowered = term.language.lower()
        return term if lowered == term.language else Literal(str(term), lang=lowered)
    datatype = str(term.datatype) if term.datatype is not None else None
    if datatype is None or datatype == _XSD + "string":
        return term
    text = str(term).strip()
    try:
        if datatype in _INTEGERS:
            return Literal(str(int(text)), datatype=URIRef(_XSD + "integer"))
        if datatype == _XSD + "decimal":
            value = decimal.Decimal(text)
            if not value.is_finite():
                return term
            out = format(value.normalize(), "f")
            if "." in out:
                out = out.rstrip("0").rstrip(".")
            return Literal("0" if out in ("-0", "") else out, datatype=term.datatype)
        if datatype == _XSD + "boolean":
            if text in ("1", "true"):
                return Literal("true", datatype=term.datatype)
            if text in ("0", "false"):
                return Literal("false", datatype=term.datatype)
            return term
        if datatype in (_XSD + "double", _XSD + "float"):
            number = float(text)
            return Literal(repr(number) if math.isfinite(number) else text, datatype=term.datatype)
        if datatype == _XSD + "dateTime":
            return Literal(_FRACTION_ZEROS.sub("", text), datatype=term.datatype)
    except (ValueError, ArithmeticError):
        return term
    return term


def canonical_triple(triple: tuple) -> tuple:
    """A triple with its object in canonical form."""
    s, p, o = triple
    return s, p, canonical(o)


def skolem_iri() -> URIRef:
    """A fresh IRI for a blank node (a UUID under :data:`SKOLEM_BASE`).

    Examples
    --------
    >>> skolem_iri().startswith(SKOLEM_BASE)
    True
    """
    return URIRef(SKOLEM_BASE + str(uuid.uuid4()))
