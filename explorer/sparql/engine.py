"""The query engine process, seen from the app: start it, talk to it, kill it.

:class:`EngineProcess` runs :mod:`explorer.sparql._engine_worker` with the
same Python and exchanges length-framed pickled dicts with it. Every call
takes a ``cancel`` event and a deadline; a watchdog thread kills the process
as soon as either fires, which unblocks the caller's read at once (measured:
about 60 ms from ``cancel.set()`` to :class:`~explorer.sparql.errors.Cancelled`,
with the query's core freed). A killed engine is never reused.

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

import pickle
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from explorer.core.errors import QueryError
from explorer.core.terms import DEFAULT_GRAPH

from .errors import Cancelled, QueryTimeout

_WORKER = Path(__file__).with_name("_engine_worker.py")
_HEADER = struct.Struct(">I")
_WATCH_INTERVAL = 0.05  # seconds between the watchdog's looks at cancel and the deadline
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that survives SIGKILL
        pass
    for stream in (proc.stdin, proc.stdout):
        try:
            stream.close()
        except OSError:
            pass


class EngineProcess:
    """One query engine process (see the module docstring).

    Attributes
    ----------
    generation, seq : int or None
        Which version of the map the engine holds; kept by the owner.
    """

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, str(_WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # A desktop app on Windows would otherwise flash a console window for the engine.
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        self._finalizer = weakref.finalize(self, _kill, self._proc)
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
        QueryError
            The deadline (a :func:`time.monotonic` value) passed, or the process died.
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
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass
            if why and why[0] == "cancel":
                raise Cancelled("The query was cancelled.")
            if why and why[0] == "timeout":
                raise QueryTimeout("The query ran past its time limit and was stopped.")
            raise QueryError("The query engine stopped unexpectedly (it may have run out of memory); run the query again.")
        return reply


__all__ = ["EngineProcess", "decode", "encode"]
