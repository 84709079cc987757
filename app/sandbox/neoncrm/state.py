"""The Neon CRM emulator's SQLite state: its schema, and the numbers it hands out.

An account is stored as its record (``records``: the API's individual or company account
object without id and timestamps) in JSON, with the columns a lookup needs beside it.
"""

from __future__ import annotations

import sqlite3

from app.sandbox.kit.counters import COUNTERS_SCHEMA, reserve
from app.sandbox.kit.sqlite_state import SqliteState

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
"""


class State(SqliteState):
    """The Neon CRM emulator's SQLite file (see :class:`SqliteState`)."""

    SCHEMA = SCHEMA + COUNTERS_SCHEMA


def next_id(conn: sqlite3.Connection, name: str, start: int) -> int:
    """The next number of a kind (accounts, contacts, addresses...), as Neon numbers them."""
    return reserve(conn, name, start)
