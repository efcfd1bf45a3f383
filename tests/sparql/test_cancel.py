"""A runaway query is stopped within a second, by cancel or timeout, and leaves no core busy."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from explorer.sparql import Cancelled, QueryTimeout

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def runaway_service(sample, services):
    service = services(sample("matching-michigan-england.ttl"))
    service.prepare()
    return service


def test_cancel_stops_a_runaway_query_within_a_second_and_frees_the_core(runaway_service):
    service = runaway_service
    cancel = threading.Event()
    ended: dict = {}

    def work():
        try:
            service.run(RUNAWAY, cancel=cancel)
        except Cancelled as err:
            ended["cancelled"] = time.monotonic()
            ended["message"] = str(err)

    worker = threading.Thread(target=work)
    worker.start()
    # While it runs, this thread (the app's UI thread) keeps its pace.
    slowest, last = 0.0, time.monotonic()
    for _ in range(40):
        time.sleep(0.01)
        now = time.monotonic()
        slowest, last = max(slowest, now - last), now
    assert slowest < 0.25
    pids = service.engine_pids
    assert len(pids) == 1 and worker.is_alive()
    if Path("/proc").is_dir():
        busy = _cpu_seconds(pids[0])
        time.sleep(0.3)
        assert _cpu_seconds(pids[0]) - busy > 0.1, "the runaway query should be using a core"
    asked = time.monotonic()
    cancel.set()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert ended["cancelled"] - asked < 1.0
    assert "cancelled" in ended["message"]
    assert all(_gone(pid) for pid in pids)
    assert service.engine_pids == []
    # The next query starts a fresh engine and answers.
    assert service.run("ASK { ?s a rx:Unit }").boolean is True


def test_timeout_stops_a_runaway_query(runaway_service):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"more than 0.5 s"):
        runaway_service.run(RUNAWAY, timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert runaway_service.engine_pids == []


def test_a_query_cancelled_before_it_starts_does_not_run(runaway_service):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        runaway_service.run(RUNAWAY, cancel=cancel)


def test_results_are_capped_with_a_message(sample, services):
    service = services(sample("keystone-michigan.ttl"), row_limit=25)
    out = service.run("SELECT * WHERE { ?s ?p ?o }")
    assert len(out.rows) == 25 and out.truncated
    assert "first 25 rows" in out.message
    graph = service.run("CONSTRUCT WHERE { ?s ?p ?o }")
    assert len(graph.triples) == 25 and graph.truncated
    small = service.run("SELECT * WHERE { ?s a rx:Unit } LIMIT 3")
    assert len(small.rows) == 3 and not small.truncated and small.message.startswith("3 rows in")


def test_closing_the_service_stops_its_engines(sample, services):
    service = services(sample("keystone-michigan.ttl"))
    service.prepare()
    pids = service.engine_pids
    assert pids
    service.close()
    assert all(_gone(pid) for pid in pids)


def test_two_queries_at_once_each_get_an_engine(runaway_service):
    service = runaway_service
    cancel = threading.Event()
    outcomes: dict = {}

    def runaway():
        try:
            service.run(RUNAWAY, cancel=cancel)
        except Cancelled:
            outcomes["runaway"] = "cancelled"

    worker = threading.Thread(target=runaway)
    worker.start()
    time.sleep(0.2)
    # While the runaway holds one engine, another query runs in a second one.
    assert service.run("SELECT ?u WHERE { ?u a rx:Unit }").rows
    assert len(service.engine_pids) == 2
    cancel.set()
    worker.join(timeout=5)
    assert outcomes == {"runaway": "cancelled"} and len(service.engine_pids) == 1


def _doubling(times: int) -> str:
    """Patterns binding ``?a{times}`` to a value that doubles in length ``times`` times: 10 * 2**times characters."""
    return 'BIND ("0123456789" AS ?a0) ' + " ".join(
        f"BIND (CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times))


def test_a_result_too_large_to_hold_is_capped_with_a_message(small_doc, services, monkeypatch):
    """Rows are counted, and so is their text: one huge value must not reach the app (it would fill its memory)."""
    from explorer.sparql import service as service_module

    monkeypatch.setattr(service_module, "MAX_RESULT_CHARS", 100_000)
    service = services(small_doc)
    huge = service.run(f"SELECT ?a14 WHERE {{ {_doubling(14)} }}")  # 163,840 characters in one value
    assert huge.rows == () and huge.truncated
    assert "too large" in huge.message and "100,000 characters" in huge.message
    fits = service.run(f"SELECT ?a12 WHERE {{ {_doubling(12)} }}")  # 40,960
    assert len(fits.rows) == 1 and len(fits.rows[0][0]) == 40_960 and not fits.truncated
    # Five rows of 20,481 characters: four fit.
    many = service.run(f"SELECT ?x WHERE {{ VALUES ?n {{ 1 2 3 4 5 }} {_doubling(11)} BIND (CONCAT(STR(?n), ?a11) AS ?x) }}")
    assert len(many.rows) == 4 and many.truncated and "too large" in many.message
    graph = service.run(f"CONSTRUCT {{ <http://e/a> <http://e/b> ?a14 }} WHERE {{ {_doubling(14)} }}")
    assert graph.triples == () and graph.truncated and "too large" in graph.message


def _ended(pid: int) -> bool:
    """The process is gone, or a zombie waiting to be reaped (it runs nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_an_engine_stops_when_the_app_dies_in_the_middle_of_a_runaway_query():
    """The app's watchdog dies with the app (a crash, a kill): the engine must not run the query on for nobody."""
    import signal
    import subprocess
    import sys

    source = (
        "from explorer.sparql.engine import EngineProcess\n"
        "engine = EngineProcess()\n"
        "engine.call({'op': 'reset', 'nquads': b''.join(b'<http://e/s%d> <http://e/p> <http://e/o%d> .\\n' % (i, i) for i in range(300))})\n"
        "print(engine.pid, flush=True)\n"
        f"engine.call({{'op': 'query', 'text': {RUNAWAY.replace('}', '. ?j ?k ?l }')!r}}})\n"
    )
    # -c runs in the repository (the current folder comes first on the path): the code under test, not an installed copy.
    app = subprocess.Popen([sys.executable, "-c", source], stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2])
    try:
        pid = int(app.stdout.readline())
        deadline = time.monotonic() + 10
        while _cpu_seconds(pid) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)  # the runaway query is running
        assert not _ended(pid)
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=5)
        deadline = time.monotonic() + 2
        while not _ended(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _ended(pid), "the engine ran on after the app died"
    finally:
        app.kill()
        app.wait(timeout=5)
        if "pid" in locals() and not _ended(pid):
            os.kill(pid, signal.SIGKILL)
