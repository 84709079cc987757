"""Serial numbers an emulator hands out (ids, keys), kept in a ``counters`` table.

An emulator that hands them out adds ``COUNTERS_SCHEMA`` to its own schema.
"""

from __future__ import annotations

import sqlite3

COUNTERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


def reserve(conn: sqlite3.Connection, name: str, start: int, count: int = 1) -> int:
    """Reserve the next ``count`` numbers of a kind; returns the first.

    The first number ever given is ``start + 1``; the counter keeps the last one given.
    """
    row = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
    first = int(row[0] if row else start) + 1
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, ?)"
        " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, first + count - 1),
    )
    return first
