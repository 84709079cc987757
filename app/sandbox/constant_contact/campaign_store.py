"""Campaigns, their activities and per-contact tracking rows in SQLite.

Tracking rows are the source of every report: one row per send, open, click, forward, opt-out
and bounce, keyed by an integer activity number (``act``) so the indexes stay small. A page
of 500 newest-first rows is an index range scan: ``(act, kind, at_ms, seq)`` descending.
Opens carry ``latest`` (this is the contact's most recent open): the unique-opens report
reads the opens' range and keeps those.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.sandbox.wire import dumps, loads

KINDS = ("sends", "opens", "clicks", "forwards", "optouts", "bounces")
DEVICES = ("computer", "mobile", "tablet", "other", "none")
BOUNCE_KINDS = {
    "B": "nonexistent_address",
    "D": "undeliverable",
    "F": "mailbox_full",
    "S": "suspended",
    "V": "vacation",
    "X": "other",
    "Z": "blocked",
}
REPORTED_ROLES = ("primary_email", "resend")

INSERT_TRACKING = (
    "INSERT INTO tracking (act, kind, contact_id, email, at_ms, latest, device, url_id,"
    " link_url, bounce_code, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class Event:
    """One tracking row before it is stored."""

    kind: str
    contact_id: str
    email: str
    at_ms: int
    device: str | None = None
    url_id: str | None = None
    link_url: str | None = None
    bounce_code: str | None = None
    reason: str | None = None
    latest: bool = True


def new_campaign_id() -> str:
    """Campaign and campaign-activity ids are random (version 4) UUIDs, as in the service."""
    return str(uuid.uuid4())


# -- campaigns ----------------------------------------------------------------------------


def insert_campaign(
    conn: sqlite3.Connection,
    name: str,
    status: str,
    created_ms: int,
    sent_ms: int | None,
    doc: dict[str, Any],
) -> str:
    campaign_id = new_campaign_id()
    conn.execute(
        "INSERT INTO campaigns (campaign_id, name, status, created_ms, updated_ms, sent_ms, doc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (campaign_id, name, status, created_ms, sent_ms or created_ms, sent_ms, dumps(doc)),
    )
    return campaign_id


def insert_activity(conn: sqlite3.Connection, campaign_id: str, role: str) -> int:
    """A campaign activity; returns its integer key (``act``)."""
    cursor = conn.execute(
        "INSERT INTO campaign_activities (campaign_activity_id, campaign_id, role)"
        " VALUES (?, ?, ?)",
        (new_campaign_id(), campaign_id, role),
    )
    return int(cursor.lastrowid or 0)


def name_taken(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM campaigns WHERE lower(name) = lower(?) AND status != 'Removed'", (name,)
    ).fetchone()
    return row is not None


def campaign(conn: sqlite3.Connection, campaign_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM campaigns WHERE campaign_id = ?", (campaign_id,)).fetchone()


def doc(row: sqlite3.Row) -> dict[str, Any]:
    return loads(row["doc"])


def save_doc(conn: sqlite3.Connection, campaign_id: str, document: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE campaigns SET doc = ? WHERE campaign_id = ?", (dumps(document), campaign_id)
    )


def set_status(conn: sqlite3.Connection, campaign_id: str, status: str, at_ms: int) -> None:
    conn.execute(
        "UPDATE campaigns SET status = ?, updated_ms = ? WHERE campaign_id = ?",
        (status, at_ms, campaign_id),
    )


def activities_of(conn: sqlite3.Connection, campaign_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM campaign_activities WHERE campaign_id = ? ORDER BY act", (campaign_id,)
    ).fetchall()


def primary_act(conn: sqlite3.Connection, campaign_id: str) -> int | None:
    row = conn.execute(
        "SELECT act FROM campaign_activities WHERE campaign_id = ? AND role = 'primary_email'",
        (campaign_id,),
    ).fetchone()
    return int(row[0]) if row else None


def activity(conn: sqlite3.Connection, activity_id: str) -> sqlite3.Row | None:
    """An activity joined with its campaign (status, name, sent time, doc)."""
    return conn.execute(
        "SELECT a.act, a.campaign_activity_id, a.role, c.campaign_id, c.name, c.status,"
        " c.sent_ms, c.doc FROM campaign_activities a JOIN campaigns c USING (campaign_id)"
        " WHERE a.campaign_activity_id = ?",
        (activity_id,),
    ).fetchone()


def has_reports(row: sqlite3.Row) -> bool:
    """Reports exist only for a sent campaign's primary_email and resend activities."""
    return row["role"] in REPORTED_ROLES and row["sent_ms"] is not None


# -- tracking rows ------------------------------------------------------------------------


def insert_events(conn: sqlite3.Connection, act: int, events: Iterable[Event]) -> int:
    """Store events (in the order given, which should be oldest first); returns how many."""
    rows = [
        (
            act,
            e.kind,
            e.contact_id,
            e.email,
            e.at_ms,
            1 if e.latest else 0,
            e.device,
            e.url_id,
            e.link_url,
            e.bounce_code,
            e.reason,
        )
        for e in events
    ]
    conn.executemany(INSERT_TRACKING, rows)
    return len(rows)


def retire_latest_opens(conn: sqlite3.Connection, act: int, contact_ids: Iterable[str]) -> None:
    """Before storing newer opens: the contacts' earlier opens are no longer their latest."""
    conn.executemany(
        "UPDATE tracking SET latest = 0 WHERE act = ? AND kind = 'opens' AND contact_id = ?"
        " AND latest = 1",
        ((act, cid) for cid in contact_ids),
    )


def contacts_with(conn: sqlite3.Connection, act: int, kind: str) -> set[str]:
    rows = conn.execute(
        "SELECT DISTINCT contact_id FROM tracking WHERE act = ? AND kind = ?", (act, kind)
    )
    return {r[0] for r in rows}


def recipients(conn: sqlite3.Connection, act: int) -> list[tuple[str, str]]:
    """(contact_id, email) of every send, oldest first."""
    rows = conn.execute(
        "SELECT contact_id, email FROM tracking WHERE act = ? AND kind = 'sends'"
        " ORDER BY at_ms, seq",
        (act,),
    )
    return [(r[0], r[1]) for r in rows]


def latest_at(conn: sqlite3.Connection, act: int) -> int | None:
    row = conn.execute("SELECT max(at_ms) FROM tracking WHERE act = ?", (act,)).fetchone()
    return int(row[0]) if row and row[0] is not None else None


@dataclass(frozen=True)
class Counts:
    """Unique and total counts of one activity's tracking rows."""

    unique: dict[str, int]
    total: dict[str, int]
    opens_by_device: dict[str, int]
    clicks_by_device: dict[str, int]
    bounces_by_code: dict[str, int]

    @property
    def not_opened(self) -> int:
        u = self.unique
        return max(0, u["sends"] - u["opens"] - u["bounces"])


def counts(conn: sqlite3.Connection, act: int) -> Counts:
    unique = dict.fromkeys(KINDS, 0)
    total = dict.fromkeys(KINDS, 0)
    for kind, n_all, n_unique in conn.execute(
        "SELECT kind, count(*), count(DISTINCT contact_id) FROM tracking WHERE act = ?"
        " GROUP BY kind",
        (act,),
    ):
        unique[kind], total[kind] = n_unique, n_all
    devices: dict[str, dict[str, int]] = {"opens": {}, "clicks": {}}
    for kind, device, n in conn.execute(
        "SELECT kind, coalesce(device, 'none'), count(*) FROM tracking"
        " WHERE act = ? AND kind IN ('opens', 'clicks') GROUP BY kind, device",
        (act,),
    ):
        devices[kind][device] = n
    codes = {
        code: n
        for code, n in conn.execute(
            "SELECT bounce_code, count(DISTINCT contact_id) FROM tracking"
            " WHERE act = ? AND kind = 'bounces' GROUP BY bounce_code",
            (act,),
        )
    }
    return Counts(unique, total, devices["opens"], devices["clicks"], codes)


# -- report pages -------------------------------------------------------------------------

CONTACT_COLUMNS = (
    "json_extract(c.doc, '$.first_name') AS first_name,"
    " json_extract(c.doc, '$.last_name') AS last_name, c.deleted_at AS contact_deleted_at,"
    " json_extract(c.doc, '$.email_address.address') AS current_email"
)
PAGE_SQL = {
    "plain": "t.act = ? AND t.kind = ?",
    "unique_opens": "t.act = ? AND t.kind = 'opens' AND t.latest = 1",
    "didnotopens": (
        "t.act = ? AND t.kind = 'sends' AND NOT EXISTS (SELECT 1 FROM tracking o"
        " WHERE o.act = t.act AND o.kind IN ('opens', 'bounces') AND o.contact_id = t.contact_id)"
    ),
}


def page(
    conn: sqlite3.Connection,
    act: int,
    report: str,
    limit: int,
    before: tuple[int, int] | None = None,
    url_id: str | None = None,
    bounce_codes: Sequence[str] = (),
) -> list[sqlite3.Row]:
    """Up to ``limit + 1`` rows of one report, newest first, after the ``before`` bookmark.

    ``report`` is a tracking kind, or "unique_opens" or "didnotopens".
    """
    values: list[Any] = [act]
    if report in PAGE_SQL:
        where = PAGE_SQL[report]
    else:
        where = PAGE_SQL["plain"]
        values.append(report)
    if before is not None:
        where += " AND (t.at_ms, t.seq) < (?, ?)"
        values.extend(before)
    if url_id is not None:
        where += " AND t.url_id = ?"
        values.append(url_id)
    if bounce_codes:
        where += f" AND t.bounce_code IN ({','.join('?' * len(bounce_codes))})"
        values.extend(bounce_codes)
    sql = (
        f"SELECT t.*, {CONTACT_COLUMNS} FROM tracking t LEFT JOIN contacts c USING (contact_id)"
        f" WHERE {where} ORDER BY t.at_ms DESC, t.seq DESC LIMIT ?"
    )
    return conn.execute(sql, [*values, limit + 1]).fetchall()


def contact_page(
    conn: sqlite3.Connection,
    contact_id: str,
    kinds: Sequence[str],
    limit: int,
    before: tuple[int, int] | None = None,
) -> list[sqlite3.Row]:
    """One contact's tracking rows across every campaign, newest first (limit + 1 rows)."""
    values: list[Any] = [contact_id, *kinds]
    where = f"t.contact_id = ? AND t.kind IN ({','.join('?' * len(kinds))})"
    if before is not None:
        where += " AND (t.at_ms, t.seq) < (?, ?)"
        values.extend(before)
    sql = (
        "SELECT t.*, a.campaign_activity_id, c.name AS campaign_name FROM tracking t"
        " JOIN campaign_activities a ON a.act = t.act"
        " JOIN campaigns c ON c.campaign_id = a.campaign_id"
        f" WHERE {where} ORDER BY t.at_ms DESC, t.seq DESC LIMIT ?"
    )
    return conn.execute(sql, [*values, limit + 1]).fetchall()
