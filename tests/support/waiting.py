"""Waiting in tests without asserting how long anything took.

A test asserts what happened, never how fast: timings belong in ``tests/benchmarks``. Two
kinds of wait are left, and both have limits far above the time the work takes, so a busy
machine never fails them:

- :func:`wait_until` polls a condition (another process or thread getting somewhere) and
  fails if it never holds;
- :func:`no_hang` fails a block that is still running after a generous limit: a guard
  against a regression that hangs (a parser that runs for minutes, an open that blocks),
  so the suite reports it instead of stopping.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time


class Hung(BaseException):
    """A block ran past :func:`no_hang`'s limit.

    A BaseException, so no ``except Exception`` in the code under test hides it.
    """


def wait_until(condition, timeout: float = 30, what: str = "the condition", interval: float = 0.02) -> None:
    """Poll ``condition()`` until it is true; fail if it is still false after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout:g} s")
        time.sleep(interval)


@contextlib.contextmanager
def no_hang(seconds: float = 60, what: str = "the block"):
    """Fail the ``with`` block if it is still running after ``seconds`` (a hang, not a slow machine).

    SIGALRM interrupts the main thread where it is, a blocking system call included. Where there
    is no SIGALRM, or off the main thread, the block runs unguarded.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise Hung(f"{what} was still running after {seconds:g} s: it hangs")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
