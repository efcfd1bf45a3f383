"""The ontology and the sample maps as rdflib graphs, for the ontology tests (rdflib only; no Qt).

Parsing is cached; each call returns a fresh copy, so a test may change what it gets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, Namespace

from support.paths import ONTOLOGY, REPO, SAMPLES

ROOT = REPO
ONTOLOGY_DIR = ONTOLOGY
SAMPLES_DIR = SAMPLES
RX = Namespace("https://w3id.org/routine-explorer/ns#")

SAMPLE_NAMES = [
    "video-consultations-gp",
    "keystone-michigan",
    "matching-michigan-england",
    "action-schools-bc",
    "mental-health-lmic",
]


@cache
def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def parse(path: Path) -> Graph:
    """A fresh copy of a parsed Turtle file (parsing is cached)."""
    g = Graph()
    for t in _parse(path):
        g.add(t)
    return g


def ontology() -> Graph:
    return parse(ONTOLOGY_DIR / "routine-explorer.ttl")


def schemes() -> Graph:
    return parse(ONTOLOGY_DIR / "schemes.ttl")


def presentation() -> Graph:
    return parse(ONTOLOGY_DIR / "presentation.ttl")


def shapes() -> Graph:
    return parse(ONTOLOGY_DIR / "shapes" / "map-shapes.ttl")


def vocabulary() -> Graph:
    """Ontology + schemes + presentation in one graph."""
    g = ontology()
    g += schemes()
    g += presentation()
    return g


def sample(name: str) -> Graph:
    return parse(SAMPLES_DIR / f"{name}.ttl")


def sample_path(name: str) -> Path:
    return SAMPLES_DIR / f"{name}.ttl"
