"""The WellnessLiving emulator's SQLite state: its schema, and the keys it hands out."""

from __future__ import annotations

import sqlite3

from app.sandbox.kit.counters import COUNTERS_SCHEMA, reserve
from app.sandbox.kit.sqlite_state import SqliteState

SCHEMA = """
CREATE TABLE IF NOT EXISTS businesses (
    k_business TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    region INTEGER NOT NULL,
    staging INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS applications (
    app_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    staging INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS staff (
    uid TEXT PRIMARY KEY,
    login TEXT UNIQUE NOT NULL,
    password TEXT NOT NULL,
    k_business TEXT NOT NULL,
    first TEXT NOT NULL DEFAULT '',
    last TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS login_types (
    k_login_type TEXT PRIMARY KEY,
    k_business TEXT NOT NULL,
    title TEXT NOT NULL,
    is_prospect INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS member_groups (
    k_member_group TEXT PRIMARY KEY,
    k_business TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
    uid TEXT PRIMARY KEY,
    k_business TEXT NOT NULL,
    first TEXT NOT NULL DEFAULT '',
    last TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    postal TEXT NOT NULL DEFAULT '',
    gender INTEGER NOT NULL DEFAULT 3,
    k_login_type TEXT,
    member TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    is_subscribe INTEGER,
    is_subscribe_sms INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    added_ms INTEGER NOT NULL,
    changed_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS clients_business ON clients(k_business, active);
CREATE TABLE IF NOT EXISTS client_groups (
    uid TEXT NOT NULL,
    k_member_group TEXT NOT NULL,
    PRIMARY KEY (uid, k_member_group)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    transient TEXT PRIMARY KEY,
    persistent TEXT NOT NULL,
    host TEXT NOT NULL,
    notepad TEXT NOT NULL DEFAULT '',
    uid TEXT,
    used_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS jwt (
    token TEXT PRIMARY KEY,
    uid TEXT NOT NULL,
    app_id TEXT NOT NULL,
    expires_ms INTEGER NOT NULL
);
"""


class State(SqliteState):
    """The WellnessLiving emulator's SQLite file (see :class:`SqliteState`)."""

    SCHEMA = SCHEMA + COUNTERS_SCHEMA


def next_key(conn: sqlite3.Connection, name: str, start: int) -> str:
    """The next numeric key of a kind (uids, group keys...), as WellnessLiving writes them."""
    return str(reserve(conn, name, start))
