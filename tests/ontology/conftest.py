"""Fixtures for the ontology tests (rdflib, pyshacl and owlrl only; no Qt); the loaders are in ``support.ontology``."""

from __future__ import annotations

import pytest
from support.ontology import SAMPLE_NAMES, sample_path


@pytest.fixture(params=SAMPLE_NAMES)
def sample_name(request) -> str:
    if not sample_path(request.param).exists():
        pytest.fail(f"sample map {request.param}.ttl is missing")
    return request.param
