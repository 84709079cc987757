"""The scheduler on a fake clock and a fake timer: the right runs at the right times, and no more.

Nothing sleeps and no ``datetime`` is patched (STYLE rule 23): the test moves the clock to the
moment the scheduler's timer would fire, then fires it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from PySide6.QtCore import QObject, Signal

from app.core.errors import ConfigError, RunLocked
from app.core.outcomes import RunCounts, RunStatus, RunSummary
from app.core.profiles import SourceSpec, SyncProfile
from app.core.schedule import Schedule, ScheduleKind
from app.sync.scheduler import Scheduler
from tests.helpers.fake_service import FakeService

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
EVERY_15 = Schedule(ScheduleKind.INTERVAL, every_minutes=15)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeSignal:
    def __init__(self) -> None:
        self.slots: list[Callable[[], None]] = []

    def connect(self, slot: Callable[[], None]) -> None:
        self.slots.append(slot)

    def emit(self) -> None:
        for slot in self.slots:
            slot()


class FakeTimer:
    """A single-shot timer that fires only when the test says so."""

    def __init__(self) -> None:
        self.timeout = FakeSignal()
        self.interval: int | None = None
        self.active = False
        self.single_shot = False

    def setSingleShot(self, single: bool) -> None:
        self.single_shot = single

    def start(self, msec: int) -> None:
        self.interval, self.active = msec, True

    def stop(self) -> None:
        self.active = False

    def fire(self) -> None:
        assert self.active, "the scheduler left its timer stopped"
        self.active = False
        self.timeout.emit()


def profile(pid: int, schedule: Schedule = EVERY_15, name: str = "") -> SyncProfile:
    return SyncProfile(
        name=name or f"Profile {pid}",
        source=SourceSpec("file", {"path": "/data/x.csv"}),
        main_list="Newsletter",
        connection_id=1,
        schedule=schedule,
        id=pid,
    )


class FakeRunner(QObject):
    """SyncRunner's interface; the test decides when a run ends."""

    run_finished = Signal(int, object, object)
    run_failed = Signal(int, object)

    def __init__(self, service: FakeService, clock: FakeClock) -> None:
        super().__init__()
        self.service = service
        self.clock = clock
        self.active: set[int] = set()
        self.starts: list[tuple[int, datetime]] = []
        self.scheduled: list[tuple[int, bool]] = []  # (profile, started on its own)
        self.record = True  # False: the run fails before the store records it

    def is_running(self, pid: int) -> bool:
        return pid in self.active

    def running_ids(self) -> frozenset[int]:
        return frozenset(self.active)

    def start(self, pid: int, *, dry_run: bool = False, scheduled: bool = False) -> None:
        if pid in self.active:
            raise RunLocked("This profile is already syncing.")
        self.scheduled.append((pid, scheduled))
        self.active.add(pid)
        self.starts.append((pid, self.clock()))
        if self.record:
            self.service.runs.record_start(pid)

    def finish_all(self) -> None:
        for pid in sorted(self.active):
            self.active.discard(pid)
            if self.record:
                summary = RunSummary(pid, f"Profile {pid}", RunStatus.COMPLETED, RunCounts())
                self.run_finished.emit(pid, summary, ())
            else:
                self.run_failed.emit(pid, ConfigError("No connection."))


@pytest.fixture
def make(qapp, tmp_path):
    made: list[Scheduler] = []

    def make(*profiles: SyncProfile, now: datetime = T0):
        clock = FakeClock(now)
        service = FakeService(tmp_path, *profiles, clock=clock)
        runner = FakeRunner(service, clock)
        timer = FakeTimer()
        scheduler = Scheduler(service, runner, clock, lambda: timer)
        made.append(scheduler)
        return SimpleNamespace(
            clock=clock, service=service, runner=runner, timer=timer, scheduler=scheduler
        )

    yield make
    for scheduler in made:
        scheduler.stop()


def run_for(s: SimpleNamespace, duration: timedelta, *, finish: bool = True) -> None:
    """Let time pass as the app would: jump to each timer expiry and fire it."""
    end = s.clock.now + duration
    while True:
        assert s.timer.interval is not None
        step = timedelta(milliseconds=s.timer.interval)
        if s.clock.now + step > end:
            break
        s.clock.now += step
        s.timer.fire()
        if finish:
            s.runner.finish_all()  # runs take no time here


def start_times(s: SimpleNamespace, pid: int) -> list[datetime]:
    return [when for p, when in s.runner.starts if p == pid]


def test_a_profile_due_every_15_minutes_runs_at_the_right_times(make):
    s = make(profile(1))
    emitted: list[int] = []
    s.scheduler.run_due.connect(emitted.append)
    s.scheduler.start()
    assert s.timer.interval == 0  # the first look comes from the event loop, at once
    assert s.timer.single_shot
    run_for(s, timedelta(hours=2))
    assert start_times(s, 1) == [T0 + timedelta(minutes=15 * i) for i in range(9)]
    assert emitted == [1] * 9


def test_it_wakes_for_the_next_due_time_and_checks_at_least_every_minute(make):
    s = make(profile(1, Schedule(ScheduleKind.INTERVAL, every_minutes=5)))
    s.scheduler.start()
    s.timer.fire()
    s.runner.finish_all()
    assert s.timer.interval == 60_000  # due in 5 minutes: look again within a minute
    s.clock.now += timedelta(minutes=4, seconds=30)
    s.timer.fire()
    assert s.timer.interval == 30_000  # exactly at the due time


def test_a_manual_profile_never_runs(make):
    s = make(profile(1, Schedule()), profile(2))
    s.scheduler.start()
    run_for(s, timedelta(days=2))
    assert start_times(s, 1) == []
    assert len(start_times(s, 2)) == 2 * 24 * 4 + 1


def test_a_daily_profile_runs_once_a_day_at_its_time(make):
    s = make(profile(1, Schedule(ScheduleKind.DAILY, at="09:30")))
    s.scheduler.start()
    run_for(s, timedelta(days=3))
    assert start_times(s, 1) == [datetime(2026, 3, d, 9, 30, tzinfo=UTC) for d in (2, 3, 4)]


def test_after_ten_hours_asleep_a_missed_profile_runs_once_not_forty_times(make):
    s = make(profile(1))
    s.scheduler.start()
    run_for(s, timedelta(minutes=30))
    assert len(s.runner.starts) == 3
    # The computer sleeps: the timer's expiry passes unnoticed until it wakes 10 hours later.
    woke = s.clock.now + timedelta(hours=10)
    s.clock.now = woke
    s.timer.fire()
    s.runner.finish_all()
    assert start_times(s, 1)[3:] == [woke]
    run_for(s, timedelta(minutes=20))
    assert start_times(s, 1)[3:] == [woke, woke + timedelta(minutes=15)]


def test_a_running_profile_is_not_started_twice(make):
    s = make(profile(1))
    s.scheduler.start()
    run_for(s, timedelta(hours=1), finish=False)  # one long run, still going
    assert s.runner.starts == [(1, T0)]
    assert s.timer.interval == 60_000  # no spinning while it runs
    s.runner.finish_all()
    # Its end only re-arms the timer; the overdue run starts from the timer, not the signal.
    assert s.runner.starts == [(1, T0)]
    assert s.timer.interval == 0
    s.timer.fire()
    assert start_times(s, 1) == [T0, T0 + timedelta(hours=1)]


def test_a_profile_syncing_in_another_process_is_skipped(make):
    s = make(profile(1))
    s.service.runs.locked.add(1)  # run-due from the OS job holds its lock
    s.scheduler.start()
    s.timer.fire()
    assert s.runner.starts == []
    s.service.runs.record_start(1)  # that run ends, recorded by the other process
    s.service.runs.locked.clear()
    run_for(s, timedelta(minutes=14))
    assert s.runner.starts == []  # not due until 15 minutes after that run
    run_for(s, timedelta(minutes=1))
    assert start_times(s, 1) == [T0 + timedelta(minutes=15)]


def test_a_run_failing_before_it_is_recorded_is_retried_on_schedule_not_every_minute(make):
    s = make(profile(1))
    s.runner.record = False  # e.g. the connection is gone: no run row is written
    failed: list[int] = []
    s.runner.run_failed.connect(lambda pid, exc: failed.append(pid))
    s.scheduler.start()
    run_for(s, timedelta(minutes=40))
    assert start_times(s, 1) == [T0, T0 + timedelta(minutes=15), T0 + timedelta(minutes=30)]
    assert failed == [1, 1, 1]


def test_a_new_schedule_is_picked_up_within_a_minute(make):
    s = make(profile(1, Schedule()))
    s.scheduler.start()
    run_for(s, timedelta(minutes=5))
    assert s.runner.starts == []
    s.service.profiles.by_id[1] = profile(1)  # edited: now every 15 minutes
    run_for(s, timedelta(minutes=1))
    assert s.runner.starts == [(1, T0 + timedelta(minutes=6))]


def test_sync_all_starts_every_idle_profile_scheduled_or_not(make):
    s = make(profile(1, Schedule()), profile(2), profile(3))
    due: list[int] = []
    s.scheduler.run_due.connect(due.append)
    s.runner.active.add(3)  # already running
    assert s.scheduler.sync_all() == [1, 2]
    assert due == []  # started by hand, not because they were due


def test_stopped_scheduler_starts_nothing(make):
    s = make(profile(1))
    s.scheduler.start()
    s.scheduler.stop()
    assert not s.timer.active
    assert s.scheduler.check() == []
    assert s.runner.starts == []


def test_has_schedules(make):
    assert not make(profile(1, Schedule())).scheduler.has_schedules()
    assert make(profile(1, Schedule()), profile(2)).scheduler.has_schedules()


def test_a_broken_store_does_not_stop_the_scheduler(make, caplog):
    s = make(profile(1))
    s.service.runs.last_started = lambda: 1 / 0
    s.scheduler.start()
    s.timer.fire()
    assert s.timer.active and s.timer.interval == 60_000  # it tries again in a minute
    assert "looking for due profiles failed" in caplog.text


def test_runs_it_starts_itself_are_scheduled_and_sync_all_is_the_users(make):
    """A profile whose own runs resync only unsubscribes tells them from the user's."""
    s = make(profile(1))
    s.scheduler.start()
    s.timer.fire()
    s.runner.finish_all()
    assert s.runner.scheduled == [(1, True)]
    s.scheduler.sync_all()
    assert s.runner.scheduled[-1] == (1, False)
