"""The scheduler with the real ``SyncRunner`` and a real ``QTimer``, on a fake clock.

The runs happen in worker threads; the test waits on the runner's signals, never sleeps.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from app.core.outcomes import RunCounts, RunStatus, RunSummary
from app.sync.scheduler import Scheduler
from app.sync.workers import SyncRunner
from tests.sync.test_scheduler import T0, FakeClock, profile


class ThreadedService:
    """Runs "sync" in the worker thread until ``release`` is set; records each start."""

    def __init__(self, clock: FakeClock, *profiles) -> None:
        self.clock = clock
        self.by_id = {p.id: p for p in profiles}
        self.started: dict[int, str] = {}
        self.calls: list[int] = []
        self.release = threading.Event()
        self.profiles = SimpleNamespace(list=lambda: list(self.by_id.values()))
        self.runs = SimpleNamespace(last_started=lambda: dict(self.started))
        self._lock = threading.Lock()

    def is_running(self, pid: int) -> bool:
        return False  # no other process here

    def run_profile(
        self, pid, *, dry_run=False, reporter=None, cancel=None, on_wait=None
    ) -> RunSummary:
        with self._lock:
            self.calls.append(pid)
            self.started[pid] = self.clock().astimezone(UTC).isoformat()
        while not self.release.wait(0.005):
            if cancel is not None and cancel.cancelled:
                break
        return RunSummary(len(self.calls), f"P{pid}", RunStatus.COMPLETED, RunCounts(created=1))

    def run_results(self, run_id: int) -> list:
        return []


@pytest.fixture
def setup(qtbot):
    clock = FakeClock()
    service = ThreadedService(clock, profile(1))
    runner = SyncRunner(service)
    scheduler = Scheduler(service, runner, clock)
    yield SimpleNamespace(clock=clock, service=service, runner=runner, scheduler=scheduler)
    scheduler.stop()
    service.release.set()
    runner.shutdown()


def test_due_profile_runs_through_the_real_runner_once_while_it_runs(qtbot, setup):
    s = setup
    with qtbot.waitSignal(s.scheduler.run_due, timeout=5000) as due:
        s.scheduler.start()
    assert due.args == [1]
    assert s.runner.is_running(1)
    qtbot.waitUntil(lambda: s.service.calls == [1], timeout=5000)
    # Long past its next due time, while the first run still goes: never a second one.
    s.clock.now = T0 + timedelta(hours=2)
    for _ in range(3):
        with qtbot.waitSignal(s.scheduler.checked, timeout=5000):
            s.scheduler.check()
    assert s.service.calls == [1]
    with qtbot.waitSignal(s.runner.run_finished, timeout=5000):
        s.service.release.set()
    # The run ended at "T0 + 2 h" by the fake clock's reckoning of its start (T0): overdue,
    # so the real timer fires at once and the next run starts, once.
    with qtbot.waitSignal(s.scheduler.run_due, timeout=5000):
        pass
    qtbot.waitUntil(lambda: s.service.calls == [1, 1], timeout=5000)
    assert s.scheduler.wait == timedelta(seconds=60)


def test_the_timer_is_armed_for_the_next_due_time(qtbot, setup):
    s = setup
    s.service.started[1] = (T0 - timedelta(minutes=14, seconds=58)).isoformat()
    with qtbot.waitSignal(s.scheduler.checked, timeout=5000):
        s.scheduler.start()
    assert s.service.calls == []
    assert s.scheduler.wait == timedelta(seconds=2)
    assert s.scheduler.timer.isActive()
    assert 0 < s.scheduler.timer.remainingTime() <= 2000
    s.clock.now = T0 + timedelta(seconds=2)
    with qtbot.waitSignal(s.scheduler.run_due, timeout=5000):
        pass  # the real timer fires after two seconds and starts the run
    qtbot.waitUntil(lambda: s.service.calls == [1], timeout=5000)
    s.service.release.set()
    with qtbot.waitSignal(s.runner.run_finished, timeout=5000):
        pass
    assert datetime.fromisoformat(s.service.started[1]) == T0 + timedelta(seconds=2)
