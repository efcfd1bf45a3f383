"""Where the repository, its sample maps and its ontology are, for tests that read them as files."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_graphs"
ONTOLOGY = REPO / "ontology"
KEYSTONE = SAMPLES / "keystone-michigan.ttl"
MATCHING = SAMPLES / "matching-michigan-england.ttl"
