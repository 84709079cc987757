"""Reading and writing clients in the state: one row per client, groups apart."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.wellnessliving.errors import NOT_FOUND, WlError


def get_client(conn: sqlite3.Connection, k_business: str, uid: str) -> sqlite3.Row:
    """An active or inactive client of the business; raises ``uid-nx`` when there is none."""
    row = conn.execute(
        "SELECT * FROM clients WHERE uid = ? AND k_business = ?", (uid.strip(), k_business)
    ).fetchone()
    if row is None:
        raise WlError(NOT_FOUND, "The user was not found in this business.", "uid")
    return row


def group_keys(conn: sqlite3.Connection, uid: str) -> list[str]:
    rows = conn.execute(
        "SELECT k_member_group FROM client_groups WHERE uid = ? ORDER BY k_member_group", (uid,)
    )
    return [r[0] for r in rows]


def update_client(conn: sqlite3.Connection, uid: str, changes: dict[str, Any], now_ms: int) -> None:
    """Change columns of a client and its changed time (column names are the schema's)."""
    if not changes:
        return
    sets = ", ".join(f"{name} = ?" for name in changes)
    conn.execute(
        f"UPDATE clients SET {sets}, changed_ms = ? WHERE uid = ?",
        (*changes.values(), now_ms, uid),
    )


def set_groups(conn: sqlite3.Connection, uid: str, keys: list[str]) -> None:
    conn.execute("DELETE FROM client_groups WHERE uid = ?", (uid,))
    conn.executemany(
        "INSERT OR IGNORE INTO client_groups (uid, k_member_group) VALUES (?, ?)",
        [(uid, k) for k in keys],
    )


def subscribe_value(value: int | None) -> bool | None:
    return None if value is None else bool(value)
