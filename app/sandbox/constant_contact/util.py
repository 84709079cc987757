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
