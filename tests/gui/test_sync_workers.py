"""``SyncRunner`` and ``SyncWorker`` over a fake service: signals, refusal, cancel, shutdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import RunLocked
from app.core.outcomes import RunStatus
from app.sync.workers import BackgroundTasks, ProgressThrottle, SyncRunner
from tests.helpers.fake_runs import IMPORT_PHASE


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_throttle_lets_through_at_most_one_report_per_interval():
    clock = FakeClock()
    throttle = ProgressThrottle(0.1, clock)
    assert throttle.should_emit(1, 100)  # the first of a phase
    passed = 0
    for i in range(2, 99):
        clock.now += 0.01
        passed += throttle.should_emit(i, 100)
    assert passed == 9  # 0.97 s of reports at 100 a second -> one each 0.1 s
    assert throttle.should_emit(100, 100)  # the last one always passes
    throttle.reset()
    assert throttle.should_emit(1, 5)


@pytest.fixture
def runner(qapp, fake_service):
    runner = SyncRunner(fake_service)
    yield runner
    runner.shutdown()


def test_run_reports_phases_progress_and_summary(qtbot, runner, fake_service):
    progress: list[tuple] = []
    runner.progress_changed.connect(lambda *args: progress.append(args))
    with qtbot.waitSignal(runner.run_finished, timeout=10_000) as blocker:
        runner.start(1)
    pid, summary, rows = blocker.args
    assert pid == 1
    assert summary.status is RunStatus.COMPLETED
    assert rows == fake_service.runs.run_rows
    assert progress[-1] == (1, IMPORT_PHASE, 5, 5, "5 / 5")
    assert not runner.is_running(1)


def test_second_run_of_the_same_profile_is_refused(qtbot, runner, fake_service):
    fake_service.runs.release.clear()
    runner.start(1)
    assert runner.is_running(1)
    with pytest.raises(RunLocked):
        runner.start(1, dry_run=True)
    with qtbot.waitSignal(runner.run_finished, timeout=10_000):
        runner.start(2)  # another profile may run meanwhile
        fake_service.runs.release.set()
    qtbot.waitUntil(lambda: not runner.running_ids(), timeout=10_000)


def test_cancel_ends_the_run_as_cancelled_not_failed(qtbot, runner, fake_service):
    fake_service.runs.release.clear()
    failures: list = []
    runner.run_failed.connect(lambda *a: failures.append(a))
    with qtbot.waitSignal(runner.run_finished, timeout=10_000) as blocker:
        runner.start(1)
        runner.cancel(1)
    assert blocker.args[1].status is RunStatus.CANCELLED
    assert failures == []


def test_failure_is_reported_with_the_exception(qtbot, runner, fake_service):
    fake_service.runs.error = RunLocked("Another ContactBridge is syncing this profile.")
    with qtbot.waitSignal(runner.run_failed, timeout=10_000) as blocker:
        runner.start(1)
    assert blocker.args[0] == 1
    assert isinstance(blocker.args[1], RunLocked)


def test_shutdown_cancels_and_waits(qtbot, fake_service):
    fake_service.runs.release.clear()
    runner = SyncRunner(fake_service)
    worker = runner.start(1)
    runner.shutdown(timeout_ms=10_000)
    assert worker.cancel_token.cancelled
    assert not runner.running_ids()


def test_background_task_result_arrives_in_the_main_thread(qtbot, tmp_path: Path):
    tasks = BackgroundTasks("test-tasks")
    task = tasks.submit(lambda cancel: 42, name="answer")
    with qtbot.waitSignal(task.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == [42]
    failing = tasks.submit(lambda cancel: 1 / 0, name="broken")
    with qtbot.waitSignal(failing.failed, timeout=10_000) as blocker:
        pass
    assert isinstance(blocker.args[0], ZeroDivisionError)
    tasks.shutdown()
