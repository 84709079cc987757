"""When a profile runs: manual, every N minutes, daily at a time, or weekly on chosen days."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ScheduleKind(StrEnum):
    MANUAL = "manual"
    INTERVAL = "interval"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class Schedule:
    """A profile's schedule. Times are local wall-clock times.

    Attributes:
        every_minutes: for INTERVAL.
        at: "HH:MM" for DAILY and WEEKLY.
        days: weekday numbers (0 = Monday) for WEEKLY.
    """

    kind: ScheduleKind = ScheduleKind.MANUAL
    every_minutes: int = 60
    at: str = "09:00"
    days: tuple[int, ...] = ()

    def describe(self) -> str:
        match self.kind:
            case ScheduleKind.MANUAL:
                return "Manual"
            case ScheduleKind.INTERVAL:
                n = self.every_minutes
                if n % 60 == 0 and n >= 60:
                    hours = n // 60
                    return "Every hour" if hours == 1 else f"Every {hours} hours"
                return f"Every {n} minutes"
            case ScheduleKind.DAILY:
                return f"Daily at {self.at}"
            case ScheduleKind.WEEKLY:
                names = ", ".join(WEEKDAYS[d] for d in sorted(self.days))
                return f"Weekly on {names or 'no days'} at {self.at}"
        return str(self.kind)  # pragma: no cover

    def problems(self) -> list[str]:
        """What is wrong with this schedule, in plain words (empty when valid)."""
        out: list[str] = []
        if self.kind is ScheduleKind.INTERVAL and not 5 <= self.every_minutes <= 7 * 24 * 60:
            out.append("Choose an interval between 5 minutes and 7 days.")
        if self.kind in (ScheduleKind.DAILY, ScheduleKind.WEEKLY) and _parse_time(self.at) is None:
            out.append("Enter the time as HH:MM, for example 09:30.")
        if self.kind is ScheduleKind.WEEKLY and not self.days:
            out.append("Choose at least one day of the week.")
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "every_minutes": self.every_minutes,
            "at": self.at,
            "days": list(self.days),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Schedule:
        if not data:
            return cls()
        return cls(
            ScheduleKind(str(data.get("kind", "manual"))),
            int(data.get("every_minutes", 60)),
            str(data.get("at", "09:00")),
            tuple(int(d) for d in data.get("days", ())),
        )


def _parse_time(text: str) -> time | None:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        return None


def next_run_at(schedule: Schedule, last_run: datetime | None, now: datetime) -> datetime | None:
    """The next time a profile is due, or None for manual schedules.

    A run missed while the machine slept is due once, at ``now``: this never returns a time
    more than one period in the past, so a late wake-up causes one run, not N.

    A daily or weekly profile that never ran counts from the start of today: it is due at
    today's time if that is still ahead, or once now if it has passed. (Counting from ``now``
    would put its first run forever one step ahead of the clock.)
    """
    if schedule.kind is ScheduleKind.MANUAL or schedule.problems():
        return None
    if schedule.kind is ScheduleKind.INTERVAL:
        if last_run is None:
            return now
        due = last_run + timedelta(minutes=schedule.every_minutes)
        return max(due, now) if due <= now else due
    at = _parse_time(schedule.at)
    assert at is not None
    days = set(range(7)) if schedule.kind is ScheduleKind.DAILY else set(schedule.days)
    if last_run is not None:
        start = last_run
    else:
        start = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo) - timedelta.resolution
    candidate = datetime.combine(start.date(), at, tzinfo=start.tzinfo)
    for _ in range(15):
        if candidate > start and candidate.weekday() in days:
            break
        candidate += timedelta(days=1)
    return now if candidate <= now else candidate
