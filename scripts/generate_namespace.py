#!/usr/bin/env python3
"""Generate ``explorer/core/namespaces.py`` from the ontology Turtle.

Reads ``ontology/routine-explorer.ttl``, ``ontology/schemes.ttl`` and
``ontology/presentation.ttl`` and writes a closed rdflib ``DefinedNamespace``
``RX`` with one annotated attribute per term in the rx namespace (classes,
properties, concept schemes and concepts), each commented with its English
label, so that a typo such as ``RX.Rotuine`` raises ``AttributeError``.

Usage (from the repository root)::

    python scripts/generate_namespace.py            # write the module
    python scripts/generate_namespace.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import keyword
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("ontology/routine-explorer.ttl", "ontology/schemes.ttl", "ontology/presentation.ttl")
TARGET = ROOT / "explorer" / "core" / "namespaces.py"
RX_IRI = "https://w3id.org/routine-explorer/ns#"

HEADER = '''"""The Routine Explorer vocabulary as a closed rdflib namespace.

GENERATED FILE - DO NOT EDIT. Regenerate with::

    python scripts/generate_namespace.py

from ontology/routine-explorer.ttl, ontology/schemes.ttl and
ontology/presentation.ttl. ``RX`` is a ``DefinedNamespace`` with ``_fail = True``:
an unknown name such as ``RX.Rotuine`` raises ``AttributeError``. The W3C and
other namespaces the project reuses are re-exported from ``rdflib.namespace``.

Examples
--------
>>> str(RX.Routine)
'https://w3id.org/routine-explorer/ns#Routine'
>>> str(RX["from"])  # a Python keyword, so item access
'https://w3id.org/routine-explorer/ns#from'
>>> RX.NoSuchTerm
Traceback (most recent call last):
...
AttributeError: term 'NoSuchTerm' not in namespace 'https://w3id.org/routine-explorer/ns#'
"""

from __future__ import annotations

from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

__all__ = [
    "RX",
    "RX_IRI",
    "ORG",
    "FOAF",
    "PROV",
    "SKOS",
    "DCTERMS",
    "RDF",
    "RDFS",
    "OWL",
    "XSD",
    "SH",
    "VOID",
]

#: The namespace IRI of the Routine Explorer ontology.
RX_IRI = "https://w3id.org/routine-explorer/ns#"


class RX(DefinedNamespace):
    """Routine Explorer ontology terms (version {version})."""

    _NS = Namespace("https://w3id.org/routine-explorer/ns#")
    _fail = True
'''


def _label(g: Graph, term: URIRef) -> str:
    for pred in (RDFS.label, SKOS.prefLabel):
        for value in g.objects(term, pred):
            if isinstance(value, Literal) and value.language in (None, "en"):
                return " ".join(str(value).split())
    return ""


def _kind(g: Graph, term: URIRef) -> str:
    from rdflib.namespace import OWL, RDF

    types = set(g.objects(term, RDF.type))
    for t, name in (
        (OWL.Class, "class"),
        (OWL.ObjectProperty, "object property"),
        (OWL.DatatypeProperty, "datatype property"),
        (OWL.AnnotationProperty, "annotation property"),
        (SKOS.ConceptScheme, "concept scheme"),
        (SKOS.Concept, "concept"),
    ):
        if t in types:
            return name
    return "term"


def render() -> str:
    g = Graph()
    for rel in SOURCES:
        g.parse(ROOT / rel, format="turtle")
    from rdflib.namespace import OWL, RDF

    version = g.value(URIRef("https://w3id.org/routine-explorer/ns"), OWL.versionInfo) or "?"
    terms = sorted(
        {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(RX_IRI)},
        key=lambda t: (
            [
                "class",
                "object property",
                "datatype property",
                "annotation property",
                "concept scheme",
                "concept",
                "term",
            ].index(_kind(g, t)),
            str(t).lower(),
        ),
    )
    lines = [HEADER.replace("{version}", str(version))]
    extras = [str(t)[len(RX_IRI) :] for t in terms if keyword.iskeyword(str(t)[len(RX_IRI) :])]
    if extras:
        lines.append('    # Terms whose names are Python keywords: use RX["from"], not RX.from.')
        lines.append(f"    _extras = {extras!r}")
    current = None
    for term in terms:
        name = str(term)[len(RX_IRI) :]
        if name in extras:
            continue
        if not name.isidentifier():
            raise SystemExit(f"term {term} is not a valid Python identifier")
        kind = _kind(g, term)
        if kind != current:
            plural = {"class": "classes", "concept scheme": "concept schemes", "concept": "concepts", "term": "terms"}
            lines.append(f"\n    # --- {plural.get(kind, kind[:-1] + 'ies')} ---")
            current = kind
        lines.append(f"    {name}: URIRef  # {_label(g, term)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the module is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run scripts/generate_namespace.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({text.count(': URIRef')} terms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
