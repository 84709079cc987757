"""Bulk jobs (profile imports, suppressions): their states and when they complete.

A job is ``queued`` when made [R]. The first poll shows it ``processing``; it completes (its
work is applied, ``completed_at`` set) once ``Settings.job_seconds`` have passed on the
emulator's clock, or on the ``Settings.job_polls``-th poll, whichever comes first. Due jobs
are completed before every API call, so a client that never polls still sees the work done.
A job can be made to end ``cancelled`` (``Faults.fail_next_job``): nothing is applied.
Jobs expire seven days after creation [R ``expires_at``]; an expired job is not found.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.sandbox.klaviyo.calls import Env
from app.sandbox.klaviyo.errors import not_found
from app.sandbox.klaviyo.ids import stamp

QUEUED, PROCESSING, COMPLETE, CANCELLED = "queued", "processing", "complete", "cancelled"
PENDING = (QUEUED, PROCESSING)
EXPIRY = timedelta(days=7)
# kind → the function that applies a job's work: (conn, env, now, job row) → (done, failed, skipped)
Runner = Callable[[sqlite3.Connection, Env, datetime, sqlite3.Row], tuple[int, int, int]]
RUNNERS: dict[str, Runner] = {}


def register(kind: str, runner: Runner) -> None:
    RUNNERS[kind] = runner


def create(
    conn: sqlite3.Connection,
    env: Env,
    now: datetime,
    kind: str,
    total: int,
    payload: Any,
    list_ids: list[str],
) -> sqlite3.Row:
    job_id = env.ids.job_id(env.company_id, now)
    end = env.job_failures.pop(0) if env.job_failures else COMPLETE
    conn.execute(
        "INSERT INTO jobs (id, kind, status, created_at, expires_at, total, ready_at, end_status,"
        " list_ids, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            job_id,
            kind,
            QUEUED,
            stamp(now),
            stamp(now + EXPIRY),
            total,
            now.timestamp() + env.settings.job_seconds,
            end,
            json.dumps(list_ids),
            json.dumps(payload, separators=(",", ":")),
        ),
    )
    row = get(conn, now, kind, job_id)
    assert row is not None
    return row


def get(conn: sqlite3.Connection, now: datetime, kind: str, job_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM jobs WHERE id = ? AND kind = ? AND expires_at > ?",
        (job_id, kind, stamp(now)),
    ).fetchone()
    return row


def require(
    conn: sqlite3.Connection, now: datetime, kind: str, job_id: str, label: str
) -> sqlite3.Row:
    row = get(conn, now, kind, job_id)
    if row is None:
        raise not_found(f"A {label} with id {job_id} does not exist.")
    return row


def poll(conn: sqlite3.Connection, env: Env, now: datetime, row: sqlite3.Row) -> sqlite3.Row:
    """A client read the job: it moves on, and completes on the configured poll."""
    if row["status"] not in PENDING:
        return row
    polls = row["polls"] + 1
    conn.execute(
        "UPDATE jobs SET polls = ?, status = ?, started_at = COALESCE(started_at, ?) WHERE id = ?",
        (polls, PROCESSING, stamp(now), row["id"]),
    )
    if polls >= env.settings.job_polls or now.timestamp() >= row["ready_at"]:
        finish(conn, env, now, row["id"])
    fresh = conn.execute("SELECT * FROM jobs WHERE id = ?", (row["id"],)).fetchone()
    assert fresh is not None
    return fresh


def finish(conn: sqlite3.Connection, env: Env, now: datetime, job_id: str) -> None:
    row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None or row["status"] not in PENDING:
        return
    done = failed = skipped = 0
    if row["end_status"] == COMPLETE:
        done, failed, skipped = RUNNERS[row["kind"]](conn, env, now, row)
    conn.execute(
        "UPDATE jobs SET status = ?, started_at = COALESCE(started_at, ?), completed_at = ?,"
        " completed = ?, failed = ?, skipped = ? WHERE id = ?",
        (row["end_status"], stamp(now), stamp(now), done, failed, skipped, job_id),
    )


def process_due(env: Env, now: datetime, *, everything: bool = False) -> int:
    """Complete the jobs whose time has come (all pending ones with ``everything``)."""
    with env.state.tx() as conn:
        query = "SELECT id FROM jobs WHERE status IN (?, ?)"
        args: tuple[Any, ...] = PENDING
        if not everything:
            query += " AND ready_at <= ?"
            args = (*PENDING, now.timestamp())
        due = [r[0] for r in conn.execute(query + " ORDER BY seq", args)]
        for job_id in due:
            finish(conn, env, now, job_id)
    return len(due)


def timestamps(row: sqlite3.Row) -> dict[str, str | None]:
    """A job's times, whole seconds (no fractional seconds on jobs [R])."""

    def whole(value: str | None) -> str | None:
        return (
            None if value is None else datetime.fromisoformat(value).isoformat(timespec="seconds")
        )

    return {
        "created_at": whole(row["created_at"]),
        "completed_at": whole(row["completed_at"]),
        "expires_at": whole(row["expires_at"]),
        "started_at": whole(row["started_at"]),
    }
