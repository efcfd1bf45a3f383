"""The query engine process, seen from the app: start it, talk to it, kill it.

:class:`EngineProcess` runs :mod:`explorer.sparql._engine_worker` with the
same Python and exchanges length-framed pickled dicts with it. Every call
takes a ``cancel`` event and a deadline; a watchdog thread kills the process
as soon as either fires, which unblocks the caller's read at once (measured:
about 60 ms from ``cancel.set()`` to :class:`~explorer.sparql.errors.Cancelled`,
with the query's core freed). A killed engine is never reused.

Each process's memory is capped (:func:`memory_limit`, ``RLIMIT_AS`` set by
the worker itself): a query that needs more stops with
:class:`~explorer.sparql.errors.QueryOutOfMemory`, which names the limit and
how to raise it, instead of pushing the machine into swap. The cap is
:data:`DEFAULT_MEMORY_LIMIT` (4 GiB), or half the physical memory if that is
less (but at least 1 GiB); the environment variable
``ROUTINE_EXPLORER_ENGINE_MEMORY_MB`` sets it in megabytes. (A 100k-node map,
857k triples, takes 0.93 GB of address space in the engine.)

Examples
--------
>>> engine = EngineProcess()
>>> engine.call({"op": "reset", "nquads": b'<http://e/a> <http://e/p> "x" .\\n'})["quads"]
1
>>> reply = engine.call({"op": "query", "text": "SELECT ?o WHERE { ?s ?p ?o }"})
>>> reply["rows"], [decode(t) for t in reply["rows"][0]]
([(('L', 'x', None, None),)], [rdflib.term.Literal('x')])
>>> engine.close()
"""

from __future__ import annotations

import collections
import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from explorer import ENGINE_ARGUMENT
from explorer.core.errors import QueryError
from explorer.core.terms import DEFAULT_GRAPH

from .errors import Cancelled, QueryOutOfMemory, QueryTimeout

_WORKER = Path(__file__).with_name("_engine_worker.py")
_HEADER = struct.Struct(">I")
_WATCH_INTERVAL = 0.05  # seconds between the watchdog's looks at cancel and the deadline
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_STDERR_KEPT = 8  # chunks of at most 4 KiB: the end of what the engine wrote to stderr, for the reason it died
_MIB = 1 << 20

#: The engine's memory cap where neither the environment nor the caller sets one, in bytes.
DEFAULT_MEMORY_LIMIT = 4 << 30
#: The environment variable that sets the cap, in megabytes (MiB).
MEMORY_ENV = "ROUTINE_EXPLORER_ENGINE_MEMORY_MB"


def memory_limit() -> int:
    """The memory cap of each query engine process, in bytes (see the module docstring).

    Raises
    ------
    QueryError
        ``ROUTINE_EXPLORER_ENGINE_MEMORY_MB`` is set but is not a whole number of megabytes from 256.

    Examples
    --------
    >>> (1 << 30) <= memory_limit() <= DEFAULT_MEMORY_LIMIT or MEMORY_ENV in os.environ
    True
    """
    setting = os.environ.get(MEMORY_ENV, "").strip()
    if setting:
        if not setting.isdigit() or not 256 <= int(setting) <= 1 << 30:
            raise QueryError(
                f"{MEMORY_ENV}={setting[:40]!r}: give the query engine's memory limit as a whole number "
                "of megabytes, at least 256 (for example 8192 for 8 GiB)."
            )
        return int(setting) * _MIB
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return DEFAULT_MEMORY_LIMIT
    return max(1 << 30, min(DEFAULT_MEMORY_LIMIT, physical // 2))


def describe_size(size: int) -> str:
    """A memory size as people read it.

    Examples
    --------
    >>> describe_size(4 << 30), describe_size(300 << 20)
    ('4 GiB', '300 MiB')
    """
    if size >= 1 << 30 and size % (1 << 28) == 0:
        return f"{size / (1 << 30):g} GiB"
    return f"{round(size / _MIB):,} MiB"


def _drain(stream, kept: collections.deque) -> None:
    """Read the engine's stderr to its end, keeping the last few KiB (so the engine never blocks on a full pipe)."""
    fd = stream.fileno()
    try:
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            kept.append(chunk)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            stream.close()


def encode(term) -> tuple:
    """An rdflib term (or :data:`~explorer.core.terms.DEFAULT_GRAPH`) as the worker's tuple form."""
    if term is None or term == DEFAULT_GRAPH:
        return ("D",)
    if isinstance(term, URIRef):
        return ("I", str(term))
    if isinstance(term, BNode):
        return ("B", str(term))
    if isinstance(term, Literal):
        if term.language:
            return ("L", str(term), term.language, None)
        datatype = term.datatype
        return ("L", str(term), None, None if datatype is None or str(datatype) == _XSD_STRING else str(datatype))
    raise TypeError(f"not an RDF term: {term!r} ({type(term).__name__})")


def decode(value):
    """The rdflib term of a worker tuple; plain literals come back without a datatype.

    rdflib has no RDF-star triple term, so a triple term becomes a literal
    holding its N-Triples form (``<< s p o >>``).
    """
    if value is None:
        return None
    tag = value[0]
    if tag == "I":
        return URIRef(value[1])
    if tag == "L":
        if value[2]:
            return Literal(value[1], lang=value[2], normalize=False)
        if value[3]:
            return Literal(value[1], datatype=URIRef(value[3]), normalize=False)
        return Literal(value[1])
    if tag == "B":
        return BNode(value[1])
    if tag == "T":
        return Literal("<< " + " ".join(decode(part).n3() for part in value[1:]) + " >>")
    if tag == "D":
        return DEFAULT_GRAPH
    raise ValueError(f"unexpected term from the query engine: {value!r}")


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    # Reap the killed process; one that survives SIGKILL (never seen) is not waited for longer.
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout):
        with contextlib.suppress(OSError):
            stream.close()


class EngineProcess:
    """One query engine process (see the module docstring).

    Attributes
    ----------
    generation, seq : int or None
        Which version of the map the engine holds; kept by the owner.
    """

    def __init__(self, *, checker: bool = False, memory: int | None = None) -> None:
        # A frozen bundle's executable is the app itself, which serves as the engine when asked (explorer/__main__.py).
        args = [sys.executable, ENGINE_ARGUMENT] if getattr(sys, "frozen", False) else [sys.executable, str(_WORKER)]
        if memory:
            args += ["--memory", str(int(memory))]
        if checker:
            args.append("--checker")
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # Out of memory, a Rust backtrace would need memory too: the one-line reason is enough.
            env={**os.environ, "RUST_BACKTRACE": "0"},
            # A desktop app on Windows would otherwise flash a console window for the engine.
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        self._stderr: collections.deque = collections.deque(maxlen=_STDERR_KEPT)
        threading.Thread(
            target=_drain, args=(self._proc.stderr, self._stderr), name="query engine stderr", daemon=True
        ).start()
        self._finalizer = weakref.finalize(self, _kill, self._proc)
        #: Whether this process reads queries (``check``) rather than running them.
        self.checker = checker
        #: Whether it answered once (a checker answers only once it has loaded rdflib); kept by the owner.
        self.ready = False
        #: Its memory cap in bytes (None: none).
        self.memory = memory
        self.generation: int | None = None
        self.seq = 0

    @property
    def pid(self) -> int:
        """The engine's process id."""
        return self._proc.pid

    @property
    def alive(self) -> bool:
        """False once the engine was killed or stopped on its own."""
        return self._finalizer.alive and self._proc.poll() is None

    def close(self) -> None:
        """Stop the process (idempotent)."""
        self._finalizer()

    def call(self, request: dict, *, cancel: threading.Event | None = None, deadline: float | None = None) -> dict:
        """Send one request and wait for its reply.

        Raises
        ------
        Cancelled
            ``cancel`` was set; the process is killed.
        QueryTimeout
            The deadline (a :func:`time.monotonic` value) passed; the process is killed.
        QueryOutOfMemory
            The process ran out of its memory cap, and died or was stopped.
        QueryError
            The process died.
        """
        if not self.alive:
            raise QueryError("The query engine is not running; run the query again.")
        if cancel is not None and cancel.is_set():
            raise Cancelled("The query was cancelled.")
        done = threading.Event()
        why: list[str] = []

        def watch() -> None:
            while not done.wait(_WATCH_INTERVAL):
                if cancel is not None and cancel.is_set():
                    why.append("cancel")
                elif deadline is not None and time.monotonic() > deadline:
                    why.append("timeout")
                else:
                    continue
                self.close()
                return

        watchdog = None
        if cancel is not None or deadline is not None:
            watchdog = threading.Thread(target=watch, name="query engine watchdog", daemon=True)
            watchdog.start()
        try:
            body = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                self._proc.stdin.write(_HEADER.pack(len(body)) + body)
                self._proc.stdin.flush()
                header = self._proc.stdout.read(_HEADER.size)
                reply = None
                if header and len(header) == _HEADER.size:
                    size = _HEADER.unpack(header)[0]
                    data = self._proc.stdout.read(size)
                    if data is not None and len(data) == size:
                        reply = pickle.loads(data)
            except (OSError, ValueError, EOFError, pickle.UnpicklingError):
                reply = None
        except BaseException:
            # KeyboardInterrupt or similar mid-exchange: the stream is out of step, so the engine is done for.
            self.close()
            raise
        finally:
            done.set()
        if reply is None:
            self.close()
            # The watchdog may still be reaping the process it killed: wait for it, so no zombie outlives the call.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            if why and why[0] == "cancel":
                raise Cancelled("The query was cancelled.")
            if why and why[0] == "timeout":
                raise QueryTimeout("The query ran past its time limit and was stopped.")
            if self.out_of_memory:
                raise self.memory_error()
            raise QueryError(
                "The query engine stopped unexpectedly (it may have run out of memory); run the query again."
            )
        if reply.get("error") == "memory":
            self.close()
            raise self.memory_error()
        return reply

    @property
    def out_of_memory(self) -> bool:
        """Whether the process died for want of memory (it says so on stderr as it aborts)."""
        if self._proc.poll() is None:
            return False
        # The stderr reader may still be taking the last words of a process that just died.
        deadline = time.monotonic() + 1.0
        while self._proc.stderr is not None and not self._proc.stderr.closed and time.monotonic() < deadline:
            time.sleep(0.01)
        said = b"".join(self._stderr)
        return b"memory allocation of" in said or b"MemoryError" in said or b"Cannot allocate memory" in said

    def memory_error(self) -> QueryOutOfMemory:
        """The error that says this process ran out of its memory cap."""
        cap = f" ({describe_size(self.memory)})" if self.memory else ""
        what = "Reading the query" if self.checker else "The query"
        return QueryOutOfMemory(
            f"{what} needed more memory than the query engine may use{cap}, so it was stopped; the map is unchanged. "
            f"Add a LIMIT or narrow its patterns, or raise the limit with the environment variable {MEMORY_ENV}."
        )


__all__ = ["DEFAULT_MEMORY_LIMIT", "MEMORY_ENV", "EngineProcess", "decode", "describe_size", "encode", "memory_limit"]
