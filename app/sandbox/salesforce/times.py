"""Salesforce's date and time formats, both ways."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def sf_datetime(ms: int) -> str:
    """``2026-05-01T07:25:37.000+0000``: milliseconds, and ``+0000`` without a colon."""
    moment = from_ms(ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def bulk_datetime(ms: int) -> str:
    """Bulk API CSV writes datetimes with a ``Z``: ``2026-05-01T07:25:37.000Z``."""
    return sf_datetime(ms)[:-5] + "Z"


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date-time as Salesforce accepts it (``Z``, ``+0000`` or ``+00:00``)."""
    match = _DATETIME.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction = match.group(7) or ".0"
    zone = match.group(8)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    moment += timedelta(microseconds=round(float(fraction) * 1_000_000))
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment


def parse_date(text: str) -> date | None:
    if not _DATE.match(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def floor_minute(moment: datetime) -> datetime:
    """Replication windows ignore seconds."""
    return moment.replace(second=0, microsecond=0)
