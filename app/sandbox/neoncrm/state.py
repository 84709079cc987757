"""The Neon CRM emulator's SQLite state: one connection under a lock, and the schema.

An account is stored as its record (``records``: the API's individual or company account
object without id and timestamps) in JSON, with the columns a lookup needs beside it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS orgs (
    org_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    trial INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    api_key TEXT NOT NULL,
    first TEXT NOT NULL DEFAULT '',
    last TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, api_key)
);
CREATE TABLE IF NOT EXISTS individual_types (
    type_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS custom_fields (
    field_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    display_type TEXT NOT NULL,
    data_type TEXT,
    account_type TEXT NOT NULL DEFAULT 'Any',
    group_id TEXT,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    read_only INTEGER NOT NULL DEFAULT 0,
    options TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS accounts (
    account_id INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    record TEXT NOT NULL,
    merged_into INTEGER,
    created_ms INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    modified_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS accounts_org ON accounts(org_id, merged_into);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


class State:
    """Owns the SQLite file; every access goes through :meth:`tx`, which holds one lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # a sandbox: speed over crash safety
            conn.executescript(SCHEMA)
            self._conn = conn
        return self._conn

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction under the state lock (nested blocks join it)."""
        with self._lock:
            conn = self._connection()
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def next_id(conn: sqlite3.Connection, name: str, start: int) -> int:
    """The next number of a kind (accounts, contacts, addresses...), as Neon numbers them."""
    row = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
    value = (row["value"] if row else start) + 1
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, ?)"
        " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, value),
    )
    return int(value)
