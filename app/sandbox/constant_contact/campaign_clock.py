"""The campaign clock: the emulator's clock plus an offset that only moves forward.

Campaigns, their activity and their reports run on this clock so a test, the bench or the
sandbox's admin route can let days pass for campaigns (``POST /_sandbox/campaigns/advance``)
without touching token expiry, the daily quota or contact timestamps. The offset is kept in
the state file, so a reopened sandbox carries on where it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from app.sandbox.constant_contact.util import to_ms

OFFSET_KEY = "campaign_clock_offset_ms"
HOUR_MS = 3_600_000


def offset_ms(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (OFFSET_KEY,)).fetchone()
    return int(row[0]) if row else 0


def now_ms(conn: sqlite3.Connection, clock: Callable[[], datetime]) -> int:
    """The campaign clock's reading, in milliseconds since the epoch."""
    return to_ms(clock()) + offset_ms(conn)


def advance(conn: sqlite3.Connection, hours: float) -> int:
    """Move the campaign clock ``hours`` forward; returns the new offset."""
    if hours < 0:
        raise ValueError("the campaign clock only moves forward")
    offset = offset_ms(conn) + round(hours * HOUR_MS)
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (OFFSET_KEY, str(offset))
    )
    return offset
