"""Shared loaders for the ontology tests (rdflib, pyshacl and owlrl only; no Qt)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
SAMPLES_DIR = ROOT / "sample_graphs"
RX = Namespace("https://w3id.org/routine-explorer/ns#")

SAMPLE_NAMES = [
    "video-consultations-gp",
    "keystone-michigan",
    "matching-michigan-england",
    "action-schools-bc",
    "mental-health-lmic",
]


@lru_cache(maxsize=None)
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


@pytest.fixture(params=SAMPLE_NAMES)
def sample_name(request) -> str:
    if not sample_path(request.param).exists():
        pytest.fail(f"sample map {request.param}.ttl is missing")
    return request.param
