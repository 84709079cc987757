"""Identifiers and timestamps as Klaviyo writes them.

Profiles have 26-character ULIDs (``01KWFX4MZPQDSD3YG79C83CBDV``), lists and metrics six
characters (``XW53Ha``), events eleven (``7fxkUHF8g5Y``). A bulk job's id is unpadded base64
of ``<company id>_maintenance.<6 chars>.<unix ts>.<6 chars>``. Write answers show
microseconds (``2026-07-02T05:24:30.282562+00:00``); reads and jobs whole seconds.
"""

from __future__ import annotations

import base64
import random
import string
import threading
import uuid
from datetime import UTC, datetime

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ALNUM = string.ascii_letters + string.digits


class Ids:
    """Makes new ids; thread-safe, with its own random source."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._last_ms = -1
        self._last_random = 0

    def ulid(self, now: datetime) -> str:
        """A ULID for ``now``: ids made later sort after earlier ones, as Klaviyo's do."""
        ms = int(now.timestamp() * 1000)
        with self._lock:
            if ms <= self._last_ms:
                ms = self._last_ms
                rand = self._last_random + 1
            else:
                rand = self._rng.getrandbits(79)
            self._last_ms, self._last_random = ms, rand
        value = (ms << 80) | rand
        chars = []
        for _ in range(26):
            chars.append(CROCKFORD[value & 31])
            value >>= 5
        return "".join(reversed(chars))

    def short(self, length: int) -> str:
        with self._lock:
            return "".join(self._rng.choices(ALNUM, k=length))

    def job_id(self, company_id: str, now: datetime) -> str:
        text = f"{company_id}_maintenance.{self.short(6)}.{int(now.timestamp())}.{self.short(6)}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def uuid(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def event_uuid(self, now: datetime) -> str:
        """A time-based UUID, as an event's ``uuid`` attribute is."""
        with self._lock:
            node, seq = self._rng.getrandbits(48), self._rng.getrandbits(14)
        ticks = int(now.timestamp() * 10_000_000) + 0x01B21DD213814000
        low, mid, high = ticks & 0xFFFFFFFF, (ticks >> 32) & 0xFFFF, (ticks >> 48) & 0x0FFF
        fields = (low, mid, high | 0x1000, ((seq >> 8) & 0x3F) | 0x80, seq & 0xFF, node)
        return str(uuid.UUID(fields=fields))


def stamp(moment: datetime) -> str:
    """How the state stores a time: UTC, microseconds, ``+00:00``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def read(value: str | None) -> str | None:
    """A stored time as a read answer shows it (whole seconds)."""
    if value is None:
        return None
    return datetime.fromisoformat(value).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 date or date-time (``Z`` or an offset; naive means UTC), or None."""
    value = text.strip()
    if not value:
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
