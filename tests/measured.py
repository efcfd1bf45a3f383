"""Run a command line in a child and report its exit code, stderr, time and peak memory.

The command is started from a small fresh Python process, so the peak it reports is the
command's own: a child forked from pytest would count pytest's pages until it execs. It is
killed once it runs past ``timeout``, so a command that hangs is not left running after a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

_MEASURE = """
import os, subprocess, sys, threading
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open("stderr.txt", "wb"))
timer = threading.Timer(float(sys.argv[1]), proc.kill)
timer.start()
_, status, usage = os.wait4(proc.pid, 0)
timer.cancel()
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_explorer(*args: str, cwd: Path, timeout: float = 120) -> tuple[int, str, float, float]:
    """``routine-explorer ARGS`` in ``cwd`` (data folder ``cwd/data``): exit code, stderr, seconds, peak MB.

    A command killed for running past ``timeout`` seconds exits -9.
    """
    started = time.monotonic()
    measured = subprocess.run([sys.executable, "-c", _MEASURE, str(timeout), sys.executable, "-m", "explorer", *args],
                              cwd=cwd, capture_output=True, text=True, check=True,
                              env={**os.environ, "ROUTINE_EXPLORER_DATA_DIR": str(cwd / "data")})
    elapsed = time.monotonic() - started
    code, peak_kb = map(int, measured.stdout.split())
    return code, (cwd / "stderr.txt").read_text(encoding="utf-8", errors="replace"), elapsed, peak_kb / 1024
