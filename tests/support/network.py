"""A loopback TCP listener that counts the connections made to it: proof that nothing reached the network."""

from __future__ import annotations

import select
import socket
import threading


class Listener:
    """A TCP listener on 127.0.0.1 that accepts, counts and closes every connection made to it.

    A client's connection is closed at once, so it fails instead of waiting for an answer. :meth:`connections`
    needs no sleep: a connect to loopback has finished, and waits in the backlog, by the time the
    client's call returns, so counting what was accepted plus what waits is exact.
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/context.jsonld"
        self.accepted = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="connection-counter", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                waiting, _, _ = select.select([self.sock], [], [], 0.05)
            except (OSError, ValueError):  # closed
                return
            if waiting:
                self._accept_waiting()

    def _accept_waiting(self) -> None:
        with self._lock:
            while True:
                try:
                    connection, _ = self.sock.accept()
                except OSError:  # nothing waiting (BlockingIOError), or closed
                    return
                self.accepted += 1
                connection.close()

    def connections(self) -> int:
        """Connections made so far, those still waiting in the backlog included."""
        self._accept_waiting()
        return self.accepted

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
        assert not self._thread.is_alive()
