"""Work in a thread, started now or once the event loop has finished the turn that asked."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication

from explorer.ui.common.workers import run_task


def test_a_task_started_next_turn_runs_only_once_the_event_loop_turns(qtbot):
    ran = []
    task = run_task("Count", lambda progress: ran.append(threading.current_thread()) or len(ran), next_turn=True)
    assert not ran and not any(t.name == "task: Count" for t in threading.enumerate())
    assert task.wait(10_000) and task.result == 1 and ran[0] is not threading.main_thread()


def test_a_task_started_now_runs_without_waiting_for_the_event_loop(qtbot):
    started = threading.Event()
    task = run_task("Count", lambda progress: started.set())
    assert started.wait(10)  # no turn of the event loop needed
    assert task.wait(10_000)


def test_a_task_cancelled_before_its_turn_came_ends_cancelled(qtbot):
    ended = []

    def work(progress):
        progress(0, 0)
        return "done"

    task = run_task("Count", work, next_turn=True, on_cancel=lambda: ended.append("cancelled"))
    task.cancel()
    QApplication.processEvents()
    assert task.wait(10_000) and ended == ["cancelled"] and task.result is None
