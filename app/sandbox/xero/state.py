"""The Xero emulator's SQLite state: its schema, and the columns added since the first release."""

from __future__ import annotations

import sqlite3

from app.sandbox.kit.sqlite_state import SqliteState

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    country_code TEXT NOT NULL DEFAULT '',
    short_code TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS contacts (
    contact_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    number TEXT,
    status TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_tenant ON contacts(tenant_id, name_lower, contact_id);
CREATE INDEX IF NOT EXISTS contacts_updated ON contacts(tenant_id, updated_ms);
CREATE TABLE IF NOT EXISTS groups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT UNIQUE NOT NULL,
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    group_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    PRIMARY KEY (group_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_contact ON members(contact_id);
CREATE TABLE IF NOT EXISTS idempotency (
    tenant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS oauth_codes (
    code TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_access (
    token TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_refresh (
    token TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    valid INTEGER NOT NULL,
    last_used_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
    grant_id TEXT PRIMARY KEY,
    auth_event_id TEXT NOT NULL,
    tenant_ids TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
"""
# Columns added after the first release: an older state file gets them when it is opened.
ADDED_COLUMNS = {
    "tenants": (
        ("country_code", "TEXT NOT NULL DEFAULT ''"),
        ("short_code", "TEXT NOT NULL DEFAULT ''"),
    ),
}


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, columns in ADDED_COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, decl in columns:
            if name not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")


class State(SqliteState):
    """The Xero emulator's SQLite file (see :class:`SqliteState`); an older file gets the
    columns added since."""

    SCHEMA = SCHEMA

    def _prepare(self, conn: sqlite3.Connection) -> None:
        _add_missing_columns(conn)
