"""A runaway query is stopped, by cancel or timeout, and leaves no core busy.

How soon it stops (within a second) and how long other threads wait meanwhile is measured by
``tests/benchmarks/bench_sparql.py``; these tests check that it stops, and what is left.
"""

from __future__ import annotations

import os
import threading

import pytest
from support.paths import REPO
from support.processes import cpu_seconds, ended, gone
from support.waiting import wait_until

from explorer.sparql import Cancelled, QueryTimeout

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def wait_for_a_busy_engine(used: dict[int, float]) -> None:
    """Wait until one of the engines in ``used`` (pid: CPU seconds before) has used a core for a while more."""
    wait_until(
        lambda: any(cpu_seconds(pid) - before > 0.2 for pid, before in used.items()),
        what="the runaway query using a core",
    )


@pytest.fixture
def runaway_service(sample, services):
    service = services(sample("matching-michigan-england.ttl"))
    service.prepare()
    return service


def test_cancel_stops_a_runaway_query_and_frees_the_core(runaway_service):
    service = runaway_service
    cancel = threading.Event()
    outcome: dict = {}

    def work():
        try:
            service.run(RUNAWAY, cancel=cancel)
        except Cancelled as err:
            outcome["message"] = str(err)

    pids = service.engine_pids
    assert len(pids) == 1
    worker = threading.Thread(target=work)
    worker.start()
    wait_for_a_busy_engine({pid: cpu_seconds(pid) for pid in pids})
    assert worker.is_alive() and service.engine_pids == pids
    cancel.set()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert "cancelled" in outcome["message"]
    assert all(gone(pid) for pid in pids)
    assert service.engine_pids == []
    # The next query starts a fresh engine and answers.
    assert service.run("ASK { ?s a rx:Unit }").boolean is True


def test_timeout_stops_a_runaway_query(runaway_service):
    with pytest.raises(QueryTimeout, match=r"more than 0.5 s"):
        runaway_service.run(RUNAWAY, timeout=0.5)
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
    assert all(gone(pid) for pid in pids)


def test_two_queries_at_once_each_get_an_engine(runaway_service):
    service = runaway_service
    cancel = threading.Event()
    outcomes: dict = {}

    def runaway():
        try:
            service.run(RUNAWAY, cancel=cancel)
        except Cancelled:
            outcomes["runaway"] = "cancelled"

    used = {pid: cpu_seconds(pid) for pid in service.engine_pids}
    worker = threading.Thread(target=runaway)
    worker.start()
    wait_for_a_busy_engine(used)
    # While the runaway holds one engine, another query runs in a second one.
    assert service.run("SELECT ?u WHERE { ?u a rx:Unit }").rows
    assert len(service.engine_pids) == 2
    cancel.set()
    worker.join(timeout=5)
    assert outcomes == {"runaway": "cancelled"} and len(service.engine_pids) == 1


def _doubling(times: int) -> str:
    """Patterns binding ``?a{times}`` to a value that doubles in length ``times`` times: 10 * 2**times characters."""
    return 'BIND ("0123456789" AS ?a0) ' + " ".join(f"BIND (CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times))


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
    many = service.run(
        f"SELECT ?x WHERE {{ VALUES ?n {{ 1 2 3 4 5 }} {_doubling(11)} BIND (CONCAT(STR(?n), ?a11) AS ?x) }}"
    )
    assert len(many.rows) == 4 and many.truncated and "too large" in many.message
    graph = service.run(f"CONSTRUCT {{ <http://e/a> <http://e/b> ?a14 }} WHERE {{ {_doubling(14)} }}")
    assert graph.triples == () and graph.truncated and "too large" in graph.message


def test_an_engine_stops_when_the_app_dies_in_the_middle_of_a_runaway_query():
    """The app's watchdog dies with the app (a crash, a kill): the engine must not run the query on for nobody."""
    import signal
    import subprocess
    import sys

    source = (
        "from explorer.sparql.engine import EngineProcess\n"
        "engine = EngineProcess()\n"
        "engine.call({'op': 'reset', 'nquads': "
        "b''.join(b'<http://e/s%d> <http://e/p> <http://e/o%d> .\\n' % (i, i) for i in range(300))})\n"
        "print(engine.pid, flush=True)\n"
        f"engine.call({{'op': 'query', 'text': {RUNAWAY.replace('}', '. ?j ?k ?l }')!r}}})\n"
    )
    # -c runs in the repository (the current folder comes first on the path): the code under test, not an
    # installed copy.
    app = subprocess.Popen([sys.executable, "-c", source], stdout=subprocess.PIPE, cwd=REPO)
    try:
        pid = int(app.stdout.readline())  # said once the engine had the map and was idle
        wait_for_a_busy_engine({pid: cpu_seconds(pid)})
        assert not ended(pid)
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=5)
        wait_until(lambda: ended(pid), timeout=30, what="the engine stopping after the app died")
    finally:
        app.kill()
        app.wait(timeout=5)
        if "pid" in locals() and not ended(pid):
            os.kill(pid, signal.SIGKILL)
