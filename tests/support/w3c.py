"""The W3C test suites: where they are, and their manifests' entries.

The suites (w3c/rdf-tests and w3c/json-ld-api, see ``../shared/w3c-tests/README.md``) are not part of the
repository: they are looked for in ``$ROUTINE_EXPLORER_W3C_TESTS``, else in ``../shared/w3c-tests`` beside
the checkout. Tests that need them skip with a reason when they are absent.

A manifest (``manifest.ttl``) is read with rdflib, its relative IRIs resolved against the manifest's own
``file:`` URI so that actions and results name files; ``mf:include`` is followed. Each test is an
:class:`Entry`; its :attr:`Entry.base` is the IRI the test assumes its input has
(``mf:assumedTestBase`` and the action's file name), which is not where the file is.

Examples
--------
>>> root = suites_root()
>>> root is None or (root / "rdf-tests").is_dir()
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import rdflib
from rdflib.collection import Collection

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFT = rdflib.Namespace("http://www.w3.org/ns/rdftest#")


def suites_root() -> Path | None:
    """The folder holding ``rdf-tests/`` and ``json-ld-api/``, or ``None`` when it is not here."""
    given = os.environ.get("ROUTINE_EXPLORER_W3C_TESTS")
    root = Path(given) if given else Path(__file__).resolve().parents[3] / "shared" / "w3c-tests"
    return root if (root / "rdf-tests").is_dir() else None


def suite(*parts: str) -> Path:
    """A folder of the suites (``suite("rdf-tests", "rdf", "rdf11")``); skips the calling test when absent."""
    root = suites_root()
    if root is None:
        pytest.skip("the W3C test suites are not here: set ROUTINE_EXPLORER_W3C_TESTS or see ../shared/w3c-tests")
    return root.joinpath(*parts)


@dataclass(frozen=True)
class Entry:
    """One test of a manifest: its IRI, name, types (local names, e.g. ``TestTurtleEval``) and properties.

    ``properties`` maps each predicate to its objects as rdflib terms; :meth:`files` and :meth:`value`
    read them. ``base`` is the IRI the test's input assumes (``None`` when the manifest names none).
    """

    iri: str
    name: str
    types: frozenset[str]
    manifest: Path
    base: str | None
    properties: dict = field(repr=False, hash=False, compare=False)
    graph: rdflib.Graph | None = field(default=None, repr=False, hash=False, compare=False)

    def value(self, predicate) -> rdflib.term.Node | None:
        """The one object of ``predicate``, or ``None``."""
        found = self.properties.get(predicate, [])
        return found[0] if found else None

    def about(self, node) -> dict:
        """What the manifest says of ``node`` (a blank node such as SPARQL's ``mf:action [ qt:query ...;
        qt:data ... ]``), as ``{predicate: [objects]}`` like :attr:`properties`."""
        found: dict = {}
        for p, o in self.graph.predicate_objects(node) if self.graph is not None else ():
            found.setdefault(p, []).append(o)
        return found

    @property
    def id(self) -> str:
        """A short, stable id for pytest: the manifest's folder and the test's name."""
        return f"{self.manifest.parent.name}/{self.iri.rsplit('#', 1)[-1]}"


def file_of(term) -> Path:
    """The file a ``file:`` IRI names."""
    return Path(unquote(urlparse(str(term)).path))


@cache
def entries(manifest: Path) -> tuple[Entry, ...]:
    """Every test of ``manifest`` and of the manifests it includes, in the manifests' order."""
    graph = rdflib.Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    found: list[Entry] = []
    for node in graph.subjects(rdflib.RDF.type, MF.Manifest):
        for listed in graph.objects(node, MF.include):
            for included in Collection(graph, listed):
                if file_of(included).is_file():  # the copy leaves some suites out (semantics, entailment)
                    found.extend(entries(file_of(included)))
        assumed = graph.value(node, MF.assumedTestBase)
        for listed in graph.objects(node, MF.entries):
            for test in Collection(graph, listed):
                properties: dict = {}
                for p, o in graph.predicate_objects(test):
                    properties.setdefault(p, []).append(o)
                action = graph.value(test, MF.action)
                base = None
                if assumed is not None and isinstance(action, rdflib.URIRef):
                    # The action's path below the manifest's folder (RDF/XML's tests sit in subfolders).
                    action_file = file_of(action).resolve()
                    if action_file.is_relative_to(manifest.resolve().parent):
                        base = str(assumed) + action_file.relative_to(manifest.resolve().parent).as_posix()
                    else:
                        base = str(assumed) + action_file.name
                found.append(
                    Entry(
                        iri=str(test),
                        name=str(graph.value(test, MF.name) or test),
                        types=frozenset(str(t).rsplit("#", 1)[-1] for t in graph.objects(test, rdflib.RDF.type)),
                        manifest=manifest,
                        base=base,
                        properties=properties,
                        graph=graph,
                    )
                )
    return tuple(found)
