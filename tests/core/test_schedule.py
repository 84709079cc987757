"""Schedules: what users choose, how it reads, and when the next run is due."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.schedule import Schedule, ScheduleKind, next_run_at

MON_9AM = datetime(2026, 11, 23, 9, 0)  # a Monday


def test_manual_never_runs_by_itself() -> None:
    assert next_run_at(Schedule(), None, MON_9AM) is None
    assert Schedule().describe() == "Manual"


def test_interval_runs_now_first_then_every_n_minutes() -> None:
    s = Schedule(ScheduleKind.INTERVAL, every_minutes=30)
    assert s.describe() == "Every 30 minutes"
    assert next_run_at(s, None, MON_9AM) == MON_9AM
    assert next_run_at(s, MON_9AM, MON_9AM + timedelta(minutes=1)) == MON_9AM + timedelta(
        minutes=30
    )


def test_missed_runs_after_sleep_run_once_not_n_times() -> None:
    s = Schedule(ScheduleKind.INTERVAL, every_minutes=15)
    woke = MON_9AM + timedelta(hours=10)
    assert next_run_at(s, MON_9AM, woke) == woke  # one run now, not forty
    daily = Schedule(ScheduleKind.DAILY, at="08:00")
    assert next_run_at(daily, MON_9AM - timedelta(days=3), MON_9AM) == MON_9AM


def test_daily_at_a_time() -> None:
    s = Schedule(ScheduleKind.DAILY, at="18:30")
    assert s.describe() == "Daily at 18:30"
    assert next_run_at(s, MON_9AM, MON_9AM) == datetime(2026, 11, 23, 18, 30)
    after = datetime(2026, 11, 23, 18, 30)
    assert next_run_at(s, after, after) == datetime(2026, 11, 24, 18, 30)


def test_weekly_on_chosen_days() -> None:
    s = Schedule(ScheduleKind.WEEKLY, at="07:00", days=(2, 4))  # Wed, Fri
    assert s.describe() == "Weekly on Wed, Fri at 07:00"
    assert next_run_at(s, MON_9AM, MON_9AM) == datetime(2026, 11, 25, 7, 0)
    wed = datetime(2026, 11, 25, 7, 0)
    assert next_run_at(s, wed, wed) == datetime(2026, 11, 27, 7, 0)


def test_problems_are_plain_words() -> None:
    assert Schedule(ScheduleKind.WEEKLY, at="7am").problems() == [
        "Enter the time as HH:MM, for example 09:30.",
        "Choose at least one day of the week.",
    ]
    assert Schedule(ScheduleKind.INTERVAL, every_minutes=1).problems()
    assert next_run_at(Schedule(ScheduleKind.DAILY, at="25:00"), None, MON_9AM) is None


def test_schedule_roundtrips_through_a_dict() -> None:
    s = Schedule(ScheduleKind.WEEKLY, 60, "06:15", (0, 6))
    assert Schedule.from_dict(s.to_dict()) == s
    assert Schedule.from_dict({}) == Schedule()
    assert Schedule(ScheduleKind.INTERVAL, every_minutes=120).describe() == "Every 2 hours"
