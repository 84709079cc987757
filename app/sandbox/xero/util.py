"""Small helpers: Xero's ``/Date(ms+0000)/`` dates, HTTP dates and ids."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def new_id() -> str:
    return str(uuid.uuid4())


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def ms_date(ms: int, offset: bool = True) -> str:
    """``/Date(1503348544227+0000)/`` (contacts) or ``/Date(1551399323399)/`` (envelopes)."""
    return f"/Date({ms}+0000)/" if offset else f"/Date({ms})/"


def parse_ms_date(text: str) -> int | None:
    match = _MS_DATE.match(text.strip())
    return int(match.group(1)) if match else None


def iso_utc(ms: int) -> str:
    """``2019-12-07T18:46:19.5165400`` style, as the connections endpoint writes dates."""
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S.%f0")


def parse_if_modified_since(value: str) -> datetime | None:
    """The header as Xero accepts it: ISO 8601 (with or without zone) or an HTTP date.

    A time without a zone is UTC. Returns None when the value cannot be read.
    """
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
