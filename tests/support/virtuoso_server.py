"""A real Virtuoso (Debian's virtuoso-opensource) for a test or a benchmark: its own database folder, free
loopback ports, a changed dba password, an editor who may change data (digest on ``/sparql-auth``) and a
reader who may only read; Debian's answer cap of 10,000 rows kept, so tests meet what a real server does.
"""

from __future__ import annotations

import contextlib
import ctypes
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from explorer.team.endpoint import Endpoint

#: Seconds a server may take to answer its first question; it takes 1 to 4 here.
START_LIMIT = 60

# Loaded here, not in the child: between fork and exec only the call itself is safe.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In the server's process: Linux stops it when its parent dies without tidying up (killed, timed out)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing() -> str | None:
    """Why Virtuoso cannot be started here, or None."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        return (
            "Virtuoso is not installed (virtuoso-t and isql-vt are missing); "
            "install the Debian package virtuoso-opensource (.ci/run does, as root)"
        )
    return None


def _wait_until_answering(url: str, proc: subprocess.Popen, log: Path, who: str) -> float:
    """Poll ``url`` with ``ASK {}`` until it answers; the seconds it took. Fails if ``proc`` ends first."""
    start = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"{who} stopped at start (exit {proc.returncode}): {log.read_text(errors='replace')[-2000:]}"
            )
        try:
            answer = httpx.get(url, params={"query": "ASK {}"}, timeout=2, trust_env=False)
            if answer.status_code == 200:
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        if time.monotonic() - start > START_LIMIT:
            raise RuntimeError(
                f"{who} did not answer within {START_LIMIT} s: {log.read_text(errors='replace')[-2000:]}"
            )
        time.sleep(0.05)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its SPARQL address and the people who may sign in."""

    url: str  # http://127.0.0.1:PORT/sparql
    dba_password: str
    editor: tuple[str, str]  # may read and change (SPARQL_UPDATE)
    reader: tuple[str, str]  # may read only
    started_in: float  # seconds from start to its first answer, users included

    def endpoint(self, who: tuple[str, str] | None = None, **options) -> Endpoint:
        """The endpoint for ``who`` (user, password) signed in with digest, or anonymous when None."""
        if who is None:
            return Endpoint.for_server(self.url, **options)
        return Endpoint.for_server(self.url, auth="digest", user=who[0], secret=who[1], **options)


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 2000
MaxDirtyBuffers = 1200
MaxMemPoolSize = 20000000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""

# SPARQL_UPDATE lets the editor run updates on /sparql-auth; the graph permissions say what each may do
# to the data (1 read, 3 read and write) whatever graph it is in. "nobody" is the anonymous /sparql user.
_VIRTUOSO_USERS = """\
DB.DBA.USER_CREATE('{editor}', '{editor_password}');
GRANT SPARQL_UPDATE TO "{editor}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{editor}', 3);
DB.DBA.USER_CREATE('{reader}', '{reader_password}');
GRANT SPARQL_SELECT TO "{reader}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{reader}', 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1);
USER_SET_PASSWORD('dba', '{dba_password}');
"""


@contextlib.contextmanager
def virtuoso(folder: Path):
    """Start a Virtuoso with an empty database in ``folder``; yields a :class:`Virtuoso`, stops it after."""
    why = missing()
    if why is not None:
        raise RuntimeError(why)
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    folder.mkdir(parents=True, exist_ok=True)
    isql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(_VIRTUOSO_INI.format(isql_port=isql_port, http_port=http_port))
    log = folder / "server.log"
    start = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [server, "-f", "-c", "virtuoso.ini"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_stop_with_parent,
        )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_until_answering(url, proc, log, "Virtuoso")
        found = Virtuoso(
            url=url,
            dba_password=secrets.token_urlsafe(12),
            editor=("editor", secrets.token_urlsafe(12)),
            reader=("reader", secrets.token_urlsafe(12)),
            started_in=0.0,
        )
        script = _VIRTUOSO_USERS.format(
            editor=found.editor[0],
            editor_password=found.editor[1],
            reader=found.reader[0],
            reader_password=found.reader[1],
            dba_password=found.dba_password,
        )
        done = subprocess.run(
            [isql, f"127.0.0.1:{isql_port}", "dba", "dba", "VERBOSE=OFF", "ERRORS=STDOUT"],
            input=script,
            capture_output=True,
            text=True,
            timeout=START_LIMIT,
        )
        if done.returncode != 0 or "Error" in done.stdout:
            raise RuntimeError(f"setting up Virtuoso's users failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        yield Virtuoso(**{**found.__dict__, "started_in": time.monotonic() - start})
    finally:
        _stop(proc)
