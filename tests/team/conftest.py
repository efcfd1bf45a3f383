"""Real SPARQL servers for the team tests: Oxigraph server and Virtuoso, each on free loopback ports.

Each server is started once per test session in its own data folder and stopped at the end
(tests/support/oxigraph_server.py, tests/support/virtuoso_server.py). Tests keep out of each
other's way by writing to graphs of their own (:func:`graph`), so nothing is cleared between
them. A server that is not installed skips its tests, saying why and how to get it.
"""

from __future__ import annotations

import uuid

import pytest
from support.oxigraph_server import oxigraph
from support.virtuoso_server import START_LIMIT, free_port, missing, virtuoso


@pytest.fixture
def graph() -> str:
    """A graph name no other test uses."""
    return f"urn:test:{uuid.uuid4()}"


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: a server that is down."""
    return free_port()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The base address (``http://127.0.0.1:PORT``) of an Oxigraph server with an empty store of its own."""
    with oxigraph(tmp_path_factory.mktemp("oxigraph") / "store", timeout=START_LIMIT) as base:
        yield base


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A :class:`support.virtuoso_server.Virtuoso` with an empty database of its own, its users set up."""
    why = missing()
    if why is not None:
        pytest.skip(why)
    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
