"""Which profiles are due, and when to look again: pure functions, no QApplication."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.core.profiles import SourceSpec, SyncProfile
from app.core.schedule import Schedule, ScheduleKind, next_run_at
from app.sync.due import (
    MAX_WAIT,
    due_profiles,
    is_scheduled,
    next_due_at,
    parse_started,
    wait_before_next_look,
    with_last_runs,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
EVERY_15 = Schedule(ScheduleKind.INTERVAL, every_minutes=15)


def profile(pid: int | None, schedule: Schedule = EVERY_15) -> SyncProfile:
    return SyncProfile(
        name=f"P{pid}",
        source=SourceSpec("file", {"path": "x.csv"}),
        main_list="Newsletter",
        schedule=schedule,
        id=pid,
    )


def ids(profiles: list[SyncProfile]) -> list[int | None]:
    return [p.id for p in profiles]


def test_parse_started_converts_the_stored_utc_time_to_the_clocks_zone():
    paris = timezone(timedelta(hours=1))
    now = NOW.astimezone(paris)
    got = parse_started("2026-03-02T08:00:00+00:00", now)
    assert got == datetime(2026, 3, 2, 9, 0, tzinfo=paris)
    assert got.tzinfo is paris
    assert parse_started("2026-03-02T08:00:00", now) == got  # naive text is UTC
    naive = parse_started("2026-03-02T08:00:00+00:00", datetime(2026, 3, 2, 10, 0))
    assert naive is not None and naive.tzinfo is None
    assert naive == datetime(2026, 3, 2, 8, 0, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert parse_started("", now) is None
    assert parse_started(None, now) is None
    assert parse_started("yesterday", now) is None


def test_with_last_runs_pairs_profiles_with_their_latest_start():
    started = {1: "2026-03-02T09:50:00+00:00"}
    tried = {1: NOW - timedelta(minutes=20), 2: NOW - timedelta(minutes=5)}
    pairs = with_last_runs([profile(1), profile(2), profile(3), profile(None)], started, NOW, tried)
    assert [(p.id, last) for p, last in pairs] == [
        (1, NOW - timedelta(minutes=10)),  # the store's is newer than our own attempt
        (2, NOW - timedelta(minutes=5)),  # a start that was never recorded still counts
        (3, None),
    ]


def test_due_profiles_skips_manual_running_and_not_yet_due():
    pairs = [
        (profile(1), None),  # never ran: due now
        (profile(2), NOW - timedelta(minutes=15)),  # exactly one period ago
        (profile(3), NOW - timedelta(minutes=5)),  # ran recently
        (profile(4, Schedule()), None),  # manual
        (profile(5), NOW - timedelta(hours=10)),  # missed while asleep: due once
        (profile(6), None),  # running
        (profile(7, Schedule(ScheduleKind.INTERVAL, every_minutes=1)), None),  # invalid
    ]
    assert ids(due_profiles(pairs, NOW, running={6})) == [1, 2, 5]


def test_a_timer_firing_a_moment_early_still_counts():
    pairs = [(profile(1), NOW - timedelta(minutes=15) + timedelta(milliseconds=400))]
    assert ids(due_profiles(pairs, NOW)) == [1]
    pairs = [(profile(1), NOW - timedelta(minutes=14))]
    assert due_profiles(pairs, NOW) == []


def test_wait_until_the_earliest_due_time_capped_at_a_minute():
    soon = [(profile(1), NOW - timedelta(minutes=14, seconds=40))]
    assert wait_before_next_look(soon, NOW) == timedelta(seconds=20)
    later = [(profile(1), NOW - timedelta(minutes=1))]
    assert wait_before_next_look(later, NOW) == MAX_WAIT
    assert wait_before_next_look([(profile(1, Schedule()), None)], NOW) == MAX_WAIT
    assert wait_before_next_look([], NOW) == MAX_WAIT
    overdue = [(profile(1), None), (profile(2), NOW - timedelta(minutes=14, seconds=50))]
    assert wait_before_next_look(overdue, NOW) == timedelta(0)
    # A running profile is due "now" by its old run; skipping it avoids a busy loop.
    assert wait_before_next_look(overdue, NOW, skip={1}) == timedelta(seconds=10)
    assert next_due_at(overdue, NOW, skip={1, 2}) is None


@pytest.mark.parametrize(
    ("at", "now", "expected"),
    [
        ("09:30", datetime(2026, 3, 2, 8, 0), datetime(2026, 3, 2, 9, 30)),  # later today
        ("09:30", datetime(2026, 3, 2, 9, 30), datetime(2026, 3, 2, 9, 30)),  # right now
        ("09:30", datetime(2026, 3, 2, 9, 30, 0, 3000), datetime(2026, 3, 2, 9, 30, 0, 3000)),
        ("09:30", datetime(2026, 3, 2, 14, 0), datetime(2026, 3, 2, 14, 0)),  # missed: once now
        ("00:00", datetime(2026, 3, 2, 0, 0), datetime(2026, 3, 2, 0, 0)),
    ],
)
def test_a_daily_profile_that_never_ran_is_due_at_todays_time(at, now, expected):
    assert next_run_at(Schedule(ScheduleKind.DAILY, at=at), None, now) == expected


def test_a_weekly_profile_that_never_ran_waits_for_its_day():
    weds = Schedule(ScheduleKind.WEEKLY, at="07:00", days=(2,))
    monday = datetime(2026, 3, 2, 10, 0)
    assert next_run_at(weds, None, monday) == datetime(2026, 3, 4, 7, 0)


def test_is_scheduled():
    assert is_scheduled(profile(1))
    assert not is_scheduled(profile(1, Schedule()))
    assert not is_scheduled(profile(1, Schedule(ScheduleKind.WEEKLY, days=())))


def test_due_and_os_jobs_never_import_qt():
    """The import-linter contract does not list these two yet; this keeps them Qt-free."""
    code = (
        "import sys, app.sync.due, app.platform.os_jobs; "
        "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_two_way_profile_polls_every_poll_minutes_even_when_manual() -> None:
    from dataclasses import replace

    from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
    from app.sync.due import due_profiles, is_scheduled, next_check_at

    start = datetime(2026, 11, 23, 9, 0)
    one_way = SyncOptions(optout_to_source=False, import_from_cc=False)
    manual = SyncProfile("Xero", SourceSpec("xero"), "Newsletter", options=one_way, id=7)
    assert not is_scheduled(manual)
    assert next_check_at(manual, start, start + timedelta(hours=5)) is None
    polling = replace(manual, options=replace(one_way, optout_to_source=True, poll_minutes=30))
    assert is_scheduled(polling)
    assert next_check_at(polling, start, start + timedelta(minutes=10)) == start + timedelta(
        minutes=30
    )
    assert [p.id for p in due_profiles([(polling, start)], start + timedelta(minutes=31))] == [7]
    assert due_profiles([(polling, start)], start + timedelta(minutes=29)) == []


@pytest.mark.parametrize(
    ("schedule", "poll", "words"),
    [
        (Schedule(), 30, "Every 30 minutes (two-way)"),  # never "Manual": it polls
        (Schedule(), 60, "Every hour (two-way)"),
        (EVERY_15, 30, "Every 15 minutes"),  # the schedule already runs it more often
        (Schedule(ScheduleKind.INTERVAL, every_minutes=120), 30, "Every 30 minutes (two-way)"),
        (
            Schedule(ScheduleKind.DAILY, at="07:30"),
            30,
            "Daily at 07:30 and every 30 minutes (two-way)",
        ),
    ],
)
def test_schedule_words_say_that_a_two_way_profile_polls(schedule, poll, words) -> None:
    from app.core.profiles import SyncOptions
    from app.sync.due import schedule_words

    options = SyncOptions(optout_to_source=True, poll_minutes=poll)
    two_way = SyncProfile("Xero", SourceSpec("xero"), "N", options=options)

    assert schedule_words(two_way.with_changes(schedule=schedule)) == words
    one_way = profile(1, schedule)  # a file source never polls: its schedule alone
    assert schedule_words(one_way) == schedule.describe()


def test_a_two_way_profile_never_synced_does_not_poll_until_its_first_sync() -> None:
    from app.core.profiles import SyncOptions
    from app.sync.due import next_check_at, polling_started, schedule_words

    options = SyncOptions(optout_to_source=True, poll_minutes=30)
    sample = SyncProfile("Xero", SourceSpec("xero"), "Newsletter", options=options, id=7)
    start = datetime(2026, 11, 23, 9, 0)

    # Never synced: Manual stays manual, for days, and says when the checks begin.
    for later in (timedelta(0), timedelta(minutes=31), timedelta(days=3)):
        assert due_profiles([(sample, None)], start + later) == []
        assert next_check_at(sample, None, start + later) is None
    assert not polling_started(sample, None)
    assert schedule_words(sample, synced=False) == (
        "Manual (two-way checks start after your first sync)"
    )
    # A schedule the user chose runs; polling starts after it ran.
    daily = sample.with_changes(schedule=Schedule(ScheduleKind.DAILY, at="09:00"))
    assert schedule_words(daily, synced=False) == (
        "Daily at 09:00 (two-way checks start after your first sync)"
    )
    assert ids(due_profiles([(daily, None)], start)) == [7]

    # After the user's first sync it polls every 30 minutes.
    assert polling_started(sample, start)
    assert ids(due_profiles([(sample, start)], start + timedelta(minutes=31))) == [7]
    assert schedule_words(sample, synced=True) == "Every 30 minutes (two-way)"


def test_a_fresh_sandbox_runs_nothing_by_itself(tmp_path: Path) -> None:
    from app.sync.bootstrap import open_service
    from app.sync.due import schedule_words

    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        service = handle.service
        now = datetime.now().astimezone()
        profiles = service.profiles.list()
        assert len(profiles) >= 2  # the file sample and each service's two-way sample
        for later in (timedelta(0), timedelta(minutes=31), timedelta(hours=25)):
            items = with_last_runs(profiles, service.runs.last_started(), now + later)
            assert due_profiles(items, now + later) == []
        assert {schedule_words(p, synced=False) for p in profiles} <= {
            "Manual",
            "Manual (two-way checks start after your first sync)",
            "Every hour (starts after your first sync)",  # a migration's sample
        }
    finally:
        handle.close()


# -- the campaign statistics pull -------------------------------------------------------------


def test_statistics_pull_nightly_after_two_hourly_off_and_after_the_quota() -> None:
    from app.sync.due import next_stats_pull_at

    tz = timezone(timedelta(hours=2))
    evening = datetime(2024, 6, 3, 21, 30, tzinfo=tz)
    small_hours = datetime(2024, 6, 4, 1, 0, tzinfo=tz)
    assert next_stats_pull_at("nightly", evening) == datetime(2024, 6, 4, 2, 0, tzinfo=tz)
    assert next_stats_pull_at("nightly", small_hours) == datetime(2024, 6, 4, 2, 0, tzinfo=tz)
    after = datetime(2024, 6, 4, 2, 0, 5, tzinfo=tz)
    assert next_stats_pull_at("nightly", after) == datetime(2024, 6, 5, 2, 0, tzinfo=tz)
    assert next_stats_pull_at("hourly", evening) == evening + timedelta(hours=1)
    assert next_stats_pull_at("off", evening) is None
    reset = datetime(2024, 6, 4, 0, 0, tzinfo=UTC)  # the quota's reset, 00:00 UTC
    assert next_stats_pull_at("nightly", evening, resume_at=reset) == reset
    assert next_stats_pull_at("off", evening, resume_at=reset) is None
