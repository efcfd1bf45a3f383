"""Where the repository, its sample maps and its ontology are, for tests that read them as files."""

from __future__ import annotations

from pathlib import Path

from explorer.core.resources import sample_graphs_dir

REPO = Path(__file__).resolve().parents[2]
#: The sample maps as the tests read them: a copy of ``REPO / "sample_graphs"`` (see the root conftest.py).
SAMPLES = sample_graphs_dir()
ONTOLOGY = REPO / "ontology"
KEYSTONE = SAMPLES / "keystone-michigan.ttl"
MATCHING = SAMPLES / "matching-michigan-england.ttl"
