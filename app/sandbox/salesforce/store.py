"""Records of every sObject in one table: load, insert, save, delete, scan."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.sandbox.salesforce.ids import make_id
from app.sandbox.salesforce.state import next_serial
from app.sandbox.salesforce.times import sf_datetime

SYSTEM = ("CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp")


@dataclass
class Stored:
    id: str
    sobject: str
    data: dict[str, Any]
    deleted_ms: int | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_ms is not None


def lookup_key(sobject: str, data: dict[str, Any]) -> str | None:
    """What writes look records up by (see ``state``)."""
    if sobject in ("Contact", "Lead"):
        email = data.get("Email")
        return email.lower() if isinstance(email, str) and email else None
    if sobject == "Account":
        email = data.get("PersonEmail")
        return email.lower() if isinstance(email, str) and email else None
    if sobject == "CampaignMember":
        member = data.get("ContactId") or data.get("LeadId")
        return f"{data.get('CampaignId')}:{member}" if member else None
    return None


def _row(row: sqlite3.Row) -> Stored:
    return Stored(row["id"], row["sobject"], json.loads(row["data"]), row["deleted_ms"])


def load(conn: sqlite3.Connection, record_id: str) -> Stored | None:
    row = conn.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    return None if row is None else _row(row)


def load_many(conn: sqlite3.Connection, ids: Iterable[str | None]) -> dict[str, Stored]:
    wanted = [i for i in dict.fromkeys(ids) if i]
    found: dict[str, Stored] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM records WHERE id IN ({marks})", chunk):
            found[row["id"]] = _row(row)
    return found


def new_ids(conn: sqlite3.Connection, prefix: str, count: int = 1) -> list[str]:
    first = next_serial(conn, f"id:{prefix}", count)
    return [make_id(prefix, n) for n in range(first, first + count)]


def stamp_new(data: dict[str, Any], record_id: str, now_ms: int, user_id: str) -> None:
    """The system fields of a new record."""
    now = sf_datetime(now_ms)
    data["Id"] = record_id
    data["IsDeleted"] = False
    data["CreatedDate"] = data["LastModifiedDate"] = data["SystemModstamp"] = now
    data["CreatedById"] = data["LastModifiedById"] = user_id


def insert(conn: sqlite3.Connection, sobject: str, data: dict[str, Any], now_ms: int) -> None:
    conn.execute(
        "INSERT INTO records (id, sobject, data, modstamp_ms, lookup) VALUES (?, ?, ?, ?, ?)",
        (data["Id"], sobject, json.dumps(data), now_ms, lookup_key(sobject, data)),
    )


def insert_many(
    conn: sqlite3.Connection, sobject: str, rows: list[dict[str, Any]], ms: int
) -> None:
    conn.executemany(
        "INSERT INTO records (id, sobject, data, modstamp_ms, lookup) VALUES (?, ?, ?, ?, ?)",
        [(d["Id"], sobject, json.dumps(d), ms, lookup_key(sobject, d)) for d in rows],
    )


def save(conn: sqlite3.Connection, stored: Stored, now_ms: int, user_id: str) -> None:
    """Write a changed record back, with a new modstamp."""
    now = sf_datetime(now_ms)
    stored.data["LastModifiedDate"] = stored.data["SystemModstamp"] = now
    stored.data["LastModifiedById"] = user_id
    conn.execute(
        "UPDATE records SET data = ?, modstamp_ms = ?, lookup = ? WHERE id = ?",
        (
            json.dumps(stored.data),
            now_ms,
            lookup_key(stored.sobject, stored.data),
            stored.id,
        ),
    )


def mark_deleted(conn: sqlite3.Connection, stored: Stored, now_ms: int) -> None:
    """Move a record to the recycle bin: queryAll still sees it, getDeleted lists it."""
    stored.data["IsDeleted"] = True
    stored.data["SystemModstamp"] = sf_datetime(now_ms)
    stored.deleted_ms = now_ms
    conn.execute(
        "UPDATE records SET data = ?, modstamp_ms = ?, deleted_ms = ?, lookup = NULL WHERE id = ?",
        (json.dumps(stored.data), now_ms, now_ms, stored.id),
    )


def scan(
    conn: sqlite3.Connection,
    sobject: str,
    *,
    include_deleted: bool = False,
    modstamp_after: int | None = None,
    modstamp_inclusive: bool = False,
) -> Iterator[Stored]:
    sql = "SELECT * FROM records WHERE sobject = ?"
    args: list[Any] = [sobject]
    if not include_deleted:
        sql += " AND deleted_ms IS NULL"
    if modstamp_after is not None:
        sql += " AND modstamp_ms >= ?" if modstamp_inclusive else " AND modstamp_ms > ?"
        args.append(modstamp_after)
    for row in conn.execute(sql + " ORDER BY rowid", args):
        yield _row(row)


def by_lookup(conn: sqlite3.Connection, sobject: str, key: str) -> list[Stored]:
    rows = conn.execute(
        "SELECT * FROM records WHERE sobject = ? AND lookup = ? AND deleted_ms IS NULL",
        (sobject, key),
    ).fetchall()
    return [_row(r) for r in rows]


def count(conn: sqlite3.Connection, sobject: str) -> int:
    row = conn.execute(
        "SELECT COUNT(*) AS n FROM records WHERE sobject = ? AND deleted_ms IS NULL", (sobject,)
    ).fetchone()
    return int(row["n"])
