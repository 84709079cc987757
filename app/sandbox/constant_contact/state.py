"""The emulator's SQLite state: one connection guarded by a lock, schema and JSON helpers."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    contact_id TEXT PRIMARY KEY,
    email_lower TEXT,
    permission TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    opt_out_at TEXT,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_email ON contacts(email_lower);
CREATE INDEX IF NOT EXISTS contacts_updated ON contacts(updated_at, contact_id);
CREATE TABLE IF NOT EXISTS memberships (
    contact_id TEXT NOT NULL,
    list_id TEXT NOT NULL,
    PRIMARY KEY (contact_id, list_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS memberships_list ON memberships(list_id, contact_id);
CREATE TABLE IF NOT EXISTS lists (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    favorite INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS custom_fields (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    custom_field_id TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS activities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id TEXT UNIQUE NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    payload TEXT
);
CREATE TABLE IF NOT EXISTS oauth_codes (
    code TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_devices (
    device_code TEXT PRIMARY KEY,
    user_code TEXT UNIQUE NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_access (
    token TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_refresh (
    token TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    valid INTEGER NOT NULL,
    last_used_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS oauth_refresh_grant ON oauth_refresh(grant_id);
CREATE TABLE IF NOT EXISTS oauth_clients (
    client_id TEXT PRIMARY KEY,
    redirect_uris TEXT
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS campaigns (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    sent_ms INTEGER,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS campaigns_updated ON campaigns(updated_ms, seq);
CREATE TABLE IF NOT EXISTS campaign_activities (
    act INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_activity_id TEXT UNIQUE NOT NULL,
    campaign_id TEXT NOT NULL,
    role TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS campaign_activities_campaign ON campaign_activities(campaign_id);
CREATE TABLE IF NOT EXISTS tracking (
    seq INTEGER PRIMARY KEY,
    act INTEGER NOT NULL,
    kind TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    email TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    latest INTEGER NOT NULL DEFAULT 1,
    device TEXT,
    url_id TEXT,
    link_url TEXT,
    bounce_code TEXT,
    reason TEXT
);
CREATE INDEX IF NOT EXISTS tracking_page ON tracking(act, kind, at_ms, seq);
CREATE INDEX IF NOT EXISTS tracking_who ON tracking(act, kind, contact_id);
CREATE INDEX IF NOT EXISTS tracking_contact ON tracking(contact_id, at_ms);
"""


class State:
    """Owns the SQLite file. All access goes through :meth:`tx`, which holds one lock.

    One connection is shared by the server threads and the activity worker; the lock keeps
    it to one user at a time, which is simple and fast enough for a local emulator.
    """

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
            conn.execute("PRAGMA cache_size=-65536")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.executescript(SCHEMA)
            self._conn = conn
        return self._conn

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction under the state lock."""
        with self._lock:
            conn = self._connection()
            if conn.in_transaction:  # nested use: the outer block commits
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
