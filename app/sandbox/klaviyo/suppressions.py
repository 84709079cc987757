"""Suppression jobs: ``profile-suppression-bulk-create-jobs`` and their status.

At most 100 emails a call, or a list (or segment) whose members are all suppressed [S]. A
profile not found by its email is made and suppressed at once [S]. The answer is a job
(202, ``queued``); the suppressions are applied when the job completes (``jobs``). The
reason is ``USER_SUPPRESSED``: the API cannot set ``HARD_BOUNCE`` [I]. A profile already
suppressed is counted as skipped [I: no recording of the job's body exists].
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo import consent, jobs, profile_store
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import invalid
from app.sandbox.klaviyo.filters import Field, to_sql
from app.sandbox.klaviyo.ids import stamp
from app.sandbox.klaviyo.jsonapi import (
    attributes,
    collection,
    keyset_page,
    relationship_links,
    require_type,
    self_link,
    single,
)
from app.sandbox.klaviyo.lists import require_list

KIND = "suppression"
TYPE = "profile-suppression-bulk-create-job"
PATH = "/api/profile-suppression-bulk-create-jobs"
MAX_EMAILS = 100
FILTERS = {"status": Field("status", frozenset({"equals"}))}


def create_job(env: Env, call: Call) -> Reply:
    data = require_type(call.document()["data"], TYPE)
    attrs = attributes(data)
    profiles = (attrs.get("profiles") or {}).get("data")
    rel = data.get("relationships") or {}
    list_rel = (rel.get("list") or {}).get("data")
    if rel.get("segment"):
        raise invalid(
            "Suppressing a segment is not supported by this sandbox.", "/data/relationships/segment"
        )
    pointer = "/data/attributes/profiles/data"
    emails: list[str] = []
    if profiles is not None:
        if not isinstance(profiles, list) or not profiles:
            raise invalid("'profiles' must hold at least one profile.", pointer)
        if len(profiles) > MAX_EMAILS:
            raise invalid(
                f"A maximum of {MAX_EMAILS} email addresses may be sent per request.", pointer
            )
        for i, item in enumerate(profiles):
            item = require_type(item, "profile", f"{pointer}/{i}")
            email = attributes(item, f"{pointer}/{i}").get("email")
            if not isinstance(email, str) or not email.strip():
                raise invalid("'email' is required.", f"{pointer}/{i}/attributes/email")
            profile_store.check({"email": email}, f"{pointer}/{i}/attributes", need_identifier=True)
            emails.append(email)
    elif not list_rel:
        raise invalid("Either 'profiles' or a list or segment relationship is required.", pointer)
    with env.state.tx() as conn:
        list_ids: list[str] = []
        if list_rel:
            list_rel = require_type(list_rel, "list", "/data/relationships/list/data")
            list_ids = [require_list(conn, str(list_rel.get("id")))["id"]]
        total = len(emails) if emails else _member_count(conn, list_ids[0])
        row = jobs.create(conn, env, call.now, KIND, total, emails, list_ids)
    return Reply(202, single(call, resource(call, row)))


def _member_count(conn: sqlite3.Connection, list_id: str) -> int:
    return int(
        conn.execute("SELECT COUNT(*) FROM memberships WHERE list_id = ?", (list_id,)).fetchone()[0]
    )


def run(
    conn: sqlite3.Connection, env: Env, now: datetime, job: sqlite3.Row
) -> tuple[int, int, int]:
    done = skipped = 0
    targets: list[str] = []
    for email in json.loads(job["payload"]):
        profile_id, _ = profile_store.upsert(conn, env, now, {"email": email})
        targets.append(profile_id)
    for list_id in json.loads(job["list_ids"]):
        targets += [
            r[0]
            for r in conn.execute(
                "SELECT profile_id FROM memberships WHERE list_id = ?", (list_id,)
            )
        ]
    for profile_id in targets:
        if consent.suppress(conn, env, now, profile_id, "USER_SUPPRESSED", TYPE):
            done += 1
        else:
            skipped += 1
    return done, 0, skipped


jobs.register(KIND, run)


def resource(call: Call, row: sqlite3.Row) -> dict[str, Any]:
    jid = row["id"]
    times = jobs.timestamps(row)
    return {
        "type": TYPE,
        "id": jid,
        "attributes": {
            "status": row["status"],
            "created_at": times["created_at"],
            "total_count": row["total"],
            "completed_count": row["completed"],
            "completed_at": times["completed_at"],
            "skipped_count": row["skipped"],
        },
        "relationships": {
            "lists": {
                "data": [{"type": "list", "id": i} for i in json.loads(row["list_ids"])],
                "links": relationship_links(call, PATH, jid, "lists"),
            },
            "segments": {"data": [], "links": relationship_links(call, PATH, jid, "segments")},
        },
        "links": self_link(call, PATH, jid),
    }


def get_jobs(env: Env, call: Call) -> Reply:
    where, params = to_sql(call.arg("filter"), FILTERS)
    size = 20
    with env.state.tx() as conn:
        rows, nxt, prev = keyset_page(
            conn,
            call,
            f"SELECT *, seq AS k0 FROM jobs WHERE kind = ? AND expires_at > ?{where}",
            [KIND, stamp(call.now), *params],
            ("seq",),
            descending=False,
            size=size,
        )
    return Reply(200, collection(call, [resource(call, r) for r in rows], nxt, prev))


def get_job(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = jobs.require(conn, call.now, KIND, call.params["job_id"], TYPE)
        row = jobs.poll(conn, env, call.now, row)
    return Reply(200, single(call, resource(call, row)))
