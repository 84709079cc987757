"""The scheduler with the real ``SyncRunner`` and a real ``QTimer``, on a fake clock.

The runs happen in worker threads; the test waits on the runner's signals, never sleeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from app.sync.scheduler import Scheduler
from app.sync.workers import SyncRunner
from tests.helpers.fake_service import FakeService
from tests.sync.test_scheduler import T0, FakeClock, profile


@pytest.fixture
def setup(qtbot, tmp_path):
    clock = FakeClock()
    service = FakeService(tmp_path, profile(1), clock=clock)  # each run records its start
    service.runs.release.clear()  # a run goes on until the test releases it
    runner = SyncRunner(service)
    scheduler = Scheduler(service, runner, clock)
    yield SimpleNamespace(clock=clock, service=service, runner=runner, scheduler=scheduler)
    scheduler.stop()
    service.runs.release.set()
    runner.shutdown()


def test_due_profile_runs_through_the_real_runner_once_while_it_runs(qtbot, setup):
    s = setup
    with qtbot.waitSignal(s.scheduler.run_due, timeout=5000) as due:
        s.scheduler.start()
    assert due.args == [1]
    assert s.runner.is_running(1)
    qtbot.waitUntil(lambda: s.service.runs.calls == [(1, False)], timeout=5000)
    # Long past its next due time, while the first run still goes: never a second one.
    s.clock.now = T0 + timedelta(hours=2)
    for _ in range(3):
        with qtbot.waitSignal(s.scheduler.checked, timeout=5000):
            s.scheduler.check()
    assert s.service.runs.calls == [(1, False)]
    with qtbot.waitSignal(s.runner.run_finished, timeout=5000):
        s.service.runs.release.set()
    # The run ended at "T0 + 2 h" by the fake clock's reckoning of its start (T0): overdue,
    # so the real timer fires at once and the next run starts, once.
    with qtbot.waitSignal(s.scheduler.run_due, timeout=5000):
        pass
    qtbot.waitUntil(lambda: s.service.runs.calls == [(1, False), (1, False)], timeout=5000)
    assert s.scheduler.wait == timedelta(seconds=60)


def test_the_timer_is_armed_for_the_next_due_time(qtbot, setup):
    s = setup
    s.service.runs.started[1] = (T0 - timedelta(minutes=14, seconds=58)).isoformat()
    with qtbot.waitSignal(s.scheduler.checked, timeout=5000):
        s.scheduler.start()
    assert s.service.runs.calls == []
    assert s.scheduler.wait == timedelta(seconds=2)
    assert s.scheduler.timer.isActive()
    assert 0 < s.scheduler.timer.remainingTime() <= 2000
    s.clock.now = T0 + timedelta(seconds=2)
    with qtbot.waitSignal(s.scheduler.run_due, timeout=5000):
        pass  # the real timer fires after two seconds and starts the run
    qtbot.waitUntil(lambda: s.service.runs.calls == [(1, False)], timeout=5000)
    s.service.runs.release.set()
    with qtbot.waitSignal(s.runner.run_finished, timeout=5000):
        pass
    assert datetime.fromisoformat(s.service.runs.started[1]) == T0 + timedelta(seconds=2)
