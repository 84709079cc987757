"""Accounts in the state file, and a per-org cache of the live ones for searching.

Search reads every live account of an org (tens of thousands at most in a bench), so the
parsed records are kept in memory: a new or changed account updates its org's cache in
place (writes happen last in their transaction, after every check), a merge drops it.
A merged account keeps its row with ``merged_into`` set: reads follow it to the survivor.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.sandbox.neoncrm.state import State, next_id

FIRST_ACCOUNT_ID = 1000


@dataclass(frozen=True)
class AccountRow:
    account_id: int
    org_id: str
    kind: str
    record: dict[str, Any]
    merged_into: int | None
    created_ms: int
    modified_ms: int
    created_by: str
    modified_by: str

    @property
    def id(self) -> str:
        return str(self.account_id)

    def timestamps(self) -> dict[str, str]:
        return {
            "createdBy": self.created_by,
            "createdDateTime": iso(self.created_ms),
            "lastModifiedBy": self.modified_by,
            "lastModifiedDateTime": iso(self.modified_ms),
        }


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(row: sqlite3.Row) -> AccountRow:
    return AccountRow(
        account_id=int(row["account_id"]),
        org_id=row["org_id"],
        kind=row["kind"],
        record=json.loads(row["record"]),
        merged_into=row["merged_into"],
        created_ms=row["created_ms"],
        modified_ms=row["modified_ms"],
        created_by=row["created_by"],
        modified_by=row["modified_by"],
    )


class AccountStore:
    """Reads and writes accounts; keeps the live accounts of each org cached for search."""

    def __init__(self, state: State) -> None:
        self.state = state
        self._lock = threading.Lock()
        self._live: dict[str, list[AccountRow]] = {}

    def _changed(self, org_id: str) -> None:
        with self._lock:
            self._live.pop(org_id, None)

    def _cached(self, row: AccountRow) -> None:
        """Put a new or changed live account into its org's cache, if one is kept."""
        with self._lock:
            rows = self._live.get(row.org_id)
            if rows is None:
                return
            if not rows or rows[-1].account_id < row.account_id:
                rows.append(row)
                return
            index = bisect.bisect_left([r.account_id for r in rows], row.account_id)
            if index < len(rows) and rows[index].account_id == row.account_id:
                rows[index] = row
            else:
                self._live.pop(row.org_id, None)

    def get(self, conn: sqlite3.Connection, account_id: int) -> AccountRow | None:
        row = conn.execute("SELECT * FROM accounts WHERE account_id = ?", (account_id,)).fetchone()
        return _row(row) if row is not None else None

    def resolve(
        self, conn: sqlite3.Connection, org_id: str, account_id: str
    ) -> tuple[AccountRow, bool] | None:
        """The account an id names in an org, following merges; and whether it was merged."""
        if not account_id.isdigit():
            return None
        found = self.get(conn, int(account_id))
        merged = False
        for _ in range(20):  # merge chains are short; a cycle would be a seeding mistake
            if found is None or found.org_id != org_id:
                return None
            if found.merged_into is None:
                return found, merged
            merged = True
            found = self.get(conn, found.merged_into)
        return None

    def insert(
        self,
        conn: sqlite3.Connection,
        org_id: str,
        kind: str,
        record: dict[str, Any],
        when_ms: int,
        by: str,
    ) -> int:
        account_id = next_id(conn, "account", FIRST_ACCOUNT_ID)
        conn.execute(
            "INSERT INTO accounts (account_id, org_id, kind, record, created_ms, modified_ms,"
            " created_by, modified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (account_id, org_id, kind, json.dumps(record), when_ms, when_ms, by, by),
        )
        self._cached(AccountRow(account_id, org_id, kind, record, None, when_ms, when_ms, by, by))
        return account_id

    def replace(
        self,
        conn: sqlite3.Connection,
        row: AccountRow,
        record: dict[str, Any],
        when_ms: int,
        by: str,
    ) -> None:
        modified = max(when_ms, row.modified_ms)
        conn.execute(
            "UPDATE accounts SET record = ?, modified_ms = ?, modified_by = ? WHERE account_id = ?",
            (json.dumps(record), modified, by, row.account_id),
        )
        self._cached(dataclasses.replace(row, record=record, modified_ms=modified, modified_by=by))

    def merge(self, conn: sqlite3.Connection, loser: AccountRow, survivor: AccountRow) -> None:
        conn.execute(
            "UPDATE accounts SET merged_into = ? WHERE account_id = ?",
            (survivor.account_id, loser.account_id),
        )
        conn.execute(
            "UPDATE accounts SET merged_into = ? WHERE merged_into = ?",
            (survivor.account_id, loser.account_id),
        )
        self._changed(loser.org_id)

    def live(self, org_id: str) -> list[AccountRow]:
        """Every account of the org that was not merged away, by ascending id."""
        with self._lock:
            cached = self._live.get(org_id)
        if cached is not None:
            return cached
        with self.state.tx() as conn:
            rows = [
                _row(r)
                for r in conn.execute(
                    "SELECT * FROM accounts WHERE org_id = ? AND merged_into IS NULL"
                    " ORDER BY account_id",
                    (org_id,),
                )
            ]
            with self._lock:
                self._live[org_id] = rows
        return rows


def individual_types(conn: sqlite3.Connection, org_id: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT type_id, name FROM individual_types WHERE org_id = ?"
        " ORDER BY CAST(type_id AS INTEGER)",
        (org_id,),
    ).fetchall()
    return {r["type_id"]: r["name"] for r in rows}
