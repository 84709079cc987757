"""Contact rows in SQLite: documents, list memberships, lookup and rendering."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from app.sandbox.constant_contact.contact_rules import SUB_RESOURCES
from app.sandbox.constant_contact.util import iso
from app.sandbox.kit.replies import dumps, loads

INSERT_SQL = (
    "INSERT INTO contacts (contact_id, email_lower, permission, created_at, updated_at,"
    " deleted_at, opt_out_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
UPDATE_SQL = (
    "UPDATE contacts SET email_lower = ?, permission = ?, created_at = ?, updated_at = ?,"
    " deleted_at = ?, opt_out_at = ?, doc = ? WHERE contact_id = ?"
)
CHUNK = 500


def columns(doc: dict[str, Any]) -> tuple[Any, ...]:
    """The indexed columns of a contact document, in table order (after contact_id)."""
    email = doc.get("email_address") or {}
    address = email.get("address")
    return (
        address.lower() if address else None,
        email.get("permission_to_send") or "not_set",
        doc["created_at"],
        doc["updated_at"],
        doc.get("deleted_at"),
        email.get("opt_out_date"),
        dumps(doc),
    )


def insert(conn: sqlite3.Connection, contact_id: str, doc: dict[str, Any]) -> None:
    conn.execute(INSERT_SQL, (contact_id, *columns(doc)))


def update(conn: sqlite3.Connection, contact_id: str, doc: dict[str, Any]) -> None:
    conn.execute(UPDATE_SQL, (*columns(doc), contact_id))


def insert_many(conn: sqlite3.Connection, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
    conn.executemany(INSERT_SQL, ((cid, *columns(doc)) for cid, doc in items))


def update_many(conn: sqlite3.Connection, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
    conn.executemany(UPDATE_SQL, ((*columns(doc), cid) for cid, doc in items))


def load(conn: sqlite3.Connection, contact_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT doc FROM contacts WHERE contact_id = ?", (contact_id,)).fetchone()
    return loads(row["doc"]) if row else None


def find_by_email(conn: sqlite3.Connection, email: str) -> tuple[str, dict[str, Any]] | None:
    row = conn.execute(
        "SELECT contact_id, doc FROM contacts WHERE email_lower = ?", (email.strip().lower(),)
    ).fetchone()
    return (row["contact_id"], loads(row["doc"])) if row else None


def find_many_by_email(
    conn: sqlite3.Connection, emails: Sequence[str]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Lower-cased email -> (contact_id, doc) for the existing contacts among ``emails``."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT contact_id, email_lower, doc FROM contacts WHERE email_lower IN ({marks})"
        for row in conn.execute(sql, chunk):
            found[row["email_lower"]] = (row["contact_id"], loads(row["doc"]))
    return found


def memberships(conn: sqlite3.Connection, contact_ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {cid: [] for cid in contact_ids}
    for start in range(0, len(contact_ids), CHUNK):
        chunk = contact_ids[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT contact_id, list_id FROM memberships WHERE contact_id IN ({marks})"
        for row in conn.execute(sql, chunk):
            out[row["contact_id"]].append(row["list_id"])
    return out


def set_memberships(conn: sqlite3.Connection, contact_id: str, list_ids: Iterable[str]) -> None:
    conn.execute("DELETE FROM memberships WHERE contact_id = ?", (contact_id,))
    add_memberships(conn, ((contact_id, list_id) for list_id in list_ids))


def add_memberships(conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]]) -> None:
    conn.executemany("INSERT OR IGNORE INTO memberships (contact_id, list_id) VALUES (?, ?)", pairs)


def clear_memberships(conn: sqlite3.Connection, contact_id: str) -> None:
    conn.execute("DELETE FROM memberships WHERE contact_id = ?", (contact_id,))


def active_list_ids(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT list_id FROM lists WHERE deleted_at IS NULL")}


def custom_field_ids(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT custom_field_id FROM custom_fields")}


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None and not k.startswith("_")}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def render(
    contact_id: str, doc: dict[str, Any], lists: Sequence[str] | None, include: Iterable[str]
) -> dict[str, Any]:
    """A ContactResource: null properties are left out, sub-resources only when included."""
    wanted = set(include)
    out: dict[str, Any] = {"contact_id": contact_id}
    for key, value in doc.items():
        if key in SUB_RESOURCES and key not in wanted:
            continue
        out[key] = value
    if "list_memberships" in wanted:
        out["list_memberships"] = list(lists or [])
    for key in wanted & set(SUB_RESOURCES):
        out.setdefault(key, [])
    return _prune(out)


def touch(doc: dict[str, Any], now: datetime, source: str | None = None) -> None:
    doc["updated_at"] = iso(now)
    if source:
        doc["update_source"] = source
    if doc.get("email_address"):
        doc["email_address"]["updated_at"] = iso(now)
