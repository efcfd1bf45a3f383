"""A real Oxigraph server for a test: its own data folder, a free loopback port, stopped afterwards."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

#: The server the `oxigraph` package installs beside this Python.
OXIGRAPH = Path(sys.executable).parent / "oxigraph"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def oxigraph(folder: Path, *, timeout: float = 30):
    """Serve a new store in ``folder``; yields the base address (``http://127.0.0.1:PORT``)."""
    if not OXIGRAPH.exists():
        import pytest

        pytest.skip(f"no Oxigraph server at {OXIGRAPH}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph ended at start: {proc.stderr.read().decode(errors='replace')[:500]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph did not answer on {base} within {timeout} s")
            time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def put_triples(base: str, ntriples: str, graph: str | None = None) -> None:
    """Add N-Triples text to ``graph`` (the default graph when None) through the Graph Store Protocol."""
    params = {"graph": graph} if graph else {"default": ""}
    response = httpx.post(
        f"{base}/store",
        params=params,
        content=ntriples.encode("utf-8"),
        headers={"Content-Type": "application/n-triples"},
        timeout=60,
    )
    response.raise_for_status()
