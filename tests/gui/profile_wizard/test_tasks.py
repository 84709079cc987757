"""The wizard's background tasks: results come back on the GUI thread, cancelled ones never."""

from __future__ import annotations

import threading

from app.core.errors import RemoteError
from app.ui.profile_wizard.tasks import TaskRunner


def test_result_is_delivered_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    seen: list[tuple[object, bool]] = []
    worker_threads: list[threading.Thread] = []

    def work(_cancel):
        worker_threads.append(threading.current_thread())
        return 42

    runner.run(work, lambda result: seen.append((result, _on_gui_thread())))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, True)]
    assert worker_threads[0] is not threading.main_thread()
    assert not runner.busy
    assert runner.shutdown()


def test_failure_is_delivered_as_the_exception(qtbot):
    runner = TaskRunner()
    errors: list[Exception] = []

    def work(_cancel):
        raise RemoteError("Constant Contact answered 500.", 500)

    runner.run(work, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], RemoteError) and errors[0].status == 500


def test_cancelled_task_sets_its_token_and_delivers_nothing(qtbot):
    runner = TaskRunner()
    started, release = threading.Event(), threading.Event()
    seen: list[object] = []

    def work(cancel):
        started.set()
        release.wait(5)
        return cancel.cancelled

    task = runner.run(work, seen.append, seen.append)
    assert started.wait(5)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: task.finished)
    assert seen == []
    assert task.cancel_token.cancelled


def test_shutdown_cancels_and_waits(qtbot):
    runner = TaskRunner()
    stopped: list[bool] = []
    started = threading.Event()

    def work(cancel):
        started.set()
        stopped.append(cancel.wait(5))  # returns at once when cancelled

    runner.run(work, lambda _r: None)
    assert started.wait(5)
    assert runner.shutdown(timeout_ms=5000)
    assert stopped == [True]


def _on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()
