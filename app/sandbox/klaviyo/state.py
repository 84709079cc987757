"""The Klaviyo emulator's SQLite state: its schema and its account's meta values.

Emails are matched without regard to case through ``email_key`` (the address lowercased);
timestamps are ISO 8601 text in UTC with microseconds, so they sort and compare as text.
"""

from __future__ import annotations

import sqlite3

from app.sandbox.kit.sqlite_state import SqliteState

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY,
    scopes TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS lists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    opt_in TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS profiles (
    seq INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    email TEXT,
    email_key TEXT,
    phone TEXT,
    external_id TEXT,
    anonymous_id TEXT,
    first_name TEXT,
    last_name TEXT,
    organization TEXT,
    locale TEXT,
    title TEXT,
    image TEXT,
    location TEXT NOT NULL DEFAULT '{}',
    properties TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    last_event_date TEXT,
    email_consent TEXT NOT NULL DEFAULT 'NEVER_SUBSCRIBED',
    email_consent_at TEXT,
    email_method TEXT,
    email_method_detail TEXT,
    email_double_optin INTEGER,
    email_last_updated TEXT,
    sms_consent TEXT NOT NULL DEFAULT 'NEVER_SUBSCRIBED',
    sms_consent_at TEXT,
    sms_last_updated TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS profiles_email ON profiles(email_key);
CREATE UNIQUE INDEX IF NOT EXISTS profiles_phone ON profiles(phone);
CREATE UNIQUE INDEX IF NOT EXISTS profiles_external ON profiles(external_id);
CREATE INDEX IF NOT EXISTS profiles_updated ON profiles(updated, id);
CREATE INDEX IF NOT EXISTS profiles_created ON profiles(created, id);
CREATE TABLE IF NOT EXISTS suppressions (
    profile_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (profile_id, reason)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memberships (
    list_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    joined TEXT NOT NULL,
    PRIMARY KEY (list_id, profile_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS memberships_profile ON memberships(profile_id);
CREATE TABLE IF NOT EXISTS metrics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    integration_key TEXT NOT NULL,
    integration_name TEXT NOT NULL,
    category TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (name, integration_key)
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    profile_id TEXT NOT NULL,
    metric_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    uuid TEXT NOT NULL,
    properties TEXT NOT NULL,
    unique_id TEXT NOT NULL,
    backfill INTEGER NOT NULL DEFAULT 0,
    triggered_flow INTEGER NOT NULL DEFAULT 0,
    received TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_dedupe ON events(profile_id, metric_id, unique_id);
CREATE INDEX IF NOT EXISTS events_metric ON events(metric_id, ts);
CREATE INDEX IF NOT EXISTS events_time ON events(ts, id);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    expires_at TEXT,
    total INTEGER NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    polls INTEGER NOT NULL DEFAULT 0,
    ready_at REAL NOT NULL,
    end_status TEXT NOT NULL DEFAULT 'complete',
    list_ids TEXT NOT NULL DEFAULT '[]',
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs(status, ready_at);
CREATE TABLE IF NOT EXISTS job_profiles (
    job_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    PRIMARY KEY (job_id, profile_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS import_errors (
    seq INTEGER PRIMARY KEY,
    job_id TEXT NOT NULL,
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    pointer TEXT NOT NULL,
    original TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS import_errors_job ON import_errors(job_id, seq);
CREATE TABLE IF NOT EXISTS flow_triggers (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS consent_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    change TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_log_profile ON consent_log(profile_id, seq);
"""


class State(SqliteState):
    """The Klaviyo emulator's SQLite file (see :class:`SqliteState`)."""

    SCHEMA = SCHEMA
    PRAGMAS = ("cache_size=-32000",)


def get_meta(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, name: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (name, value) VALUES (?, ?)"
        " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, value),
    )
