"""Child processes in tests: the command line, its peak memory, and waiting on a child without hanging.

:func:`run_explorer` starts the command from a small fresh Python process, so the peak it reports is
the command's own (a child forked from pytest would count pytest's pages until it execs), and kills
it once it runs past ``timeout``: the timeout is a guard against a hang, never a measure of speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

#: The command line, run from this checkout: ``[*EXPLORER, "info", path]``.
EXPLORER = (sys.executable, "-m", "explorer")

_MEASURE = """
import os, subprocess, sys, threading
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open("stderr.txt", "wb"))
timer = threading.Timer(float(sys.argv[1]), proc.kill)
timer.start()
_, status, usage = os.wait4(proc.pid, 0)
timer.cancel()
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_explorer(*args: str, cwd: Path, timeout: float = 120) -> tuple[int, str, float]:
    """``routine-explorer ARGS`` in ``cwd`` (data folder ``cwd/data``): exit code, stderr, peak MB.

    A command still running after ``timeout`` seconds is killed and exits -9.
    """
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(timeout), *EXPLORER, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ROUTINE_EXPLORER_DATA_DIR": str(cwd / "data")},
    )
    code, peak_kb = map(int, measured.stdout.split())
    return code, (cwd / "stderr.txt").read_text(encoding="utf-8", errors="replace"), peak_kb / 1024


def wait_for_line(proc: subprocess.Popen, expected: str, timeout: float = 60, who: str = "the child") -> None:
    """Read ``proc``'s stdout (text mode) up to a line that is ``expected``; fail if it ends or stays silent.

    The reading happens in a thread, so a child that neither says it nor exits fails the test
    after ``timeout`` seconds instead of blocking it. Lines after the expected one stay unread.
    """
    said = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if line.strip() == expected:
                said.set()
                return

    reader = threading.Thread(target=read, name=f"waiting for {expected!r}", daemon=True)
    reader.start()
    reader.join(timeout)
    if said.is_set():
        return
    if reader.is_alive():
        raise AssertionError(f"{who} never said {expected!r} in {timeout:.0f} s")
    raise AssertionError(f"{who} ended before saying {expected!r}: {proc.stderr.read() if proc.stderr else ''}")


def kill_when_ready(proc: subprocess.Popen, expected: str = "ready", timeout: float = 60) -> None:
    """Wait until ``proc`` prints ``expected``, then kill it with SIGKILL (no cleanup of its own runs) and reap it.

    The crash tests' way to stop a process holding unsaved edits, the way a power cut or the OOM killer would.
    """
    try:
        wait_for_line(proc, expected, timeout)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()


def gone(pid: int) -> bool:
    """Whether no process ``pid`` exists (a zombie still exists)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def ended(pid: int) -> bool:
    """Whether process ``pid`` is gone or a zombie waiting to be reaped (it runs nothing); Linux ``/proc``."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used so far; Linux ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
