"""Small helpers shared by the emulator modules: ids, timestamps, cursors."""

from __future__ import annotations

import base64
import random
import re
import threading
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

# Contacts, lists, custom fields and activities have time-based (version 1) ids, as in the
# real service. A random node (multicast bit set, as RFC 4122 asks) keeps the machine's
# hardware address out of the sandbox's data; the lock keeps two threads from sharing a tick.
_NODE = random.getrandbits(48) | 0x010000000000
_id_lock = threading.Lock()


def new_id() -> str:
    """A new time-based (v1) UUID."""
    with _id_lock:
        return str(uuid.uuid1(node=_NODE))


def new_ids(n: int) -> list[str]:
    """``n`` time-based (v1) UUIDs at once, for bulk seeding: consecutive 100 ns ticks from
    now, under one random clock sequence (what ``uuid1`` draws per call anyway)."""
    with _id_lock:
        start = uuid.uuid1(node=_NODE).time + 1
    seq = random.getrandbits(14)
    tail = f"{((seq >> 8) & 0x3F) | 0x80:02x}{seq & 0xFF:02x}-{_NODE:012x}"
    return [
        f"{t & 0xFFFFFFFF:08x}-{(t >> 32) & 0xFFFF:04x}-{((t >> 48) & 0x0FFF) | 0x1000:04x}-{tail}"
        for t in range(start, start + n)
    ]


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return len(value) == 36


@lru_cache(maxsize=256)  # bulk work formats the same instant many times
def iso(moment: datetime) -> str:
    """The service's timestamp format, e.g. 2024-05-01T12:00:00Z (second precision, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def parse_iso(text: str) -> datetime | None:
    """Parse an ISO-8601 date or date-time; naive values are taken as UTC."""
    text = text.strip().replace("Z", "+00:00")
    if re.search(r"T.* \d\d:\d\d$", text):  # a "+" offset that arrived unescaped in a query
        text = text[:-6] + "+" + text[-5:]
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def encode_cursor(params: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(urlencode(params).encode()).decode()


def decode_cursor(cursor: str) -> dict[str, str] | None:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return dict(parse_qsl(text, keep_blank_values=True))


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch (campaigns and reports keep millisecond precision)."""
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def iso_ms(ms: int) -> str:
    """The reporting timestamp format, e.g. 2026-09-29T14:34:37.000Z (milliseconds, UTC)."""
    seconds, millis = divmod(ms, 1000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{millis:03d}Z"
