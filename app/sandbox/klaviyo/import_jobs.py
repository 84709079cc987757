"""Bulk profile import jobs: ``/api/profile-bulk-import-jobs`` and their relationships.

At most 10,000 profiles and 5 MB a job; a profile over 100 KB, or with a bad email or phone,
or whose identifiers belong to different profiles, fails alone and is read back from
``import-errors`` with its ``original_payload`` [S; shape P rudder-server]. Importing grants no
consent (the payload has no subscriptions) and adds the profiles to the lists named. The
create answer has a body (202, status ``queued``) [R].
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo import consent, jobs, profile_store
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import KlaviyoError, invalid, not_found, payload_too_large
from app.sandbox.klaviyo.filters import Field, to_sql
from app.sandbox.klaviyo.ids import stamp
from app.sandbox.klaviyo.jsonapi import (
    attributes,
    collection,
    keyset_page,
    relationship_links,
    request_link,
    require_type,
    self_link,
    single,
)
from app.sandbox.klaviyo.lists import list_resource

KIND = "import"
PATH = "/api/profile-bulk-import-jobs"
MAX_PROFILES = 10_000
MAX_BYTES = 5 * 1024 * 1024
MAX_PROFILE_BYTES = 100 * 1024
FILTERS = {"status": Field("status", frozenset({"equals", "any"}))}


def create_job(env: Env, call: Call) -> Reply:
    if len(call.request.get_data()) > MAX_BYTES:
        raise payload_too_large("5MB")
    body = call.document()
    data = require_type(body["data"], "profile-bulk-import-job")
    profiles = (attributes(data).get("profiles") or {}).get("data")
    pointer = "/data/attributes/profiles/data"
    if not isinstance(profiles, list) or not profiles:
        raise invalid("'profiles' must hold at least one profile.", pointer)
    if len(profiles) > MAX_PROFILES:
        raise invalid(f"A maximum of {MAX_PROFILES} profiles may be imported per request.", pointer)
    for i, item in enumerate(profiles):
        require_type(item, "profile", f"{pointer}/{i}")
        if not isinstance(item.get("attributes"), dict):
            raise invalid("`attributes` must be an object.", f"{pointer}/{i}/attributes")
    list_ids = _list_ids(data)
    with env.state.tx() as conn:
        for list_id in list_ids:
            if conn.execute("SELECT 1 FROM lists WHERE id = ?", (list_id,)).fetchone() is None:
                raise not_found(f"A list with id {list_id} does not exist.")
        row = jobs.create(conn, env, call.now, KIND, len(profiles), profiles, list_ids)
    return Reply(202, single(call, resource(call, row)))


def _list_ids(data: dict[str, Any]) -> list[str]:
    rel = (data.get("relationships") or {}).get("lists") or {}
    items = rel.get("data") or []
    if not isinstance(items, list):
        raise invalid("'lists' must hold a list of lists.", "/data/relationships/lists/data")
    found = []
    for i, item in enumerate(items):
        item = require_type(item, "list", f"/data/relationships/lists/data/{i}")
        if not isinstance(item.get("id"), str):
            raise invalid("A list id is required.", f"/data/relationships/lists/data/{i}/id")
        found.append(item["id"])
    return found


def run(
    conn: sqlite3.Connection, env: Env, now: datetime, job: sqlite3.Row
) -> tuple[int, int, int]:
    """Apply a job's profiles; each that fails becomes an import error."""
    done = failed = 0
    list_ids: list[str] = json.loads(job["list_ids"])
    for i, item in enumerate(json.loads(job["payload"])):
        pointer = f"/data/attributes/profiles/data/{i}/attributes"
        attrs = {k: v for k, v in item["attributes"].items() if k != "_kx"}
        problems = profile_store.problems(attrs, pointer, need_identifier=not item.get("id"))
        if len(json.dumps(item, separators=(",", ":")).encode()) > MAX_PROFILE_BYTES:
            problems.insert(0, ("The maximum allowed payload size per-profile is 100KB.", pointer))
        if problems:
            _error(conn, env, job["id"], "invalid", "Invalid input.", *problems[0], item)
            failed += 1
            continue
        try:  # a refused profile changed nothing: each write is one statement
            profile_id, _ = profile_store.upsert(conn, env, now, attrs, item.get("id"))
        except KlaviyoError as exc:
            error = exc.reply.body["errors"][0]
            detail = error["detail"]
            if error["code"] == "duplicate_profile":
                detail += f" (duplicate_profile_id {error['meta']['duplicate_profile_id']})"
            _error(conn, env, job["id"], error["code"], error["title"], detail, pointer, item)
            failed += 1
            continue
        conn.execute(
            "INSERT OR IGNORE INTO job_profiles (job_id, profile_id) VALUES (?, ?)",
            (job["id"], profile_id),
        )
        for list_id in list_ids:
            consent.add_member(conn, now, list_id, profile_id)
        done += 1
    return done, failed, 0


def _error(
    conn: sqlite3.Connection,
    env: Env,
    job_id: str,
    code: str,
    title: str,
    detail: str,
    pointer: str,
    item: Any,
) -> None:
    conn.execute(
        "INSERT INTO import_errors (job_id, id, code, title, detail, pointer, original)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (job_id, env.ids.uuid(), code, title, detail, pointer, json.dumps(item)),
    )


jobs.register(KIND, run)


def resource(call: Call, row: sqlite3.Row) -> dict[str, Any]:
    jid = row["id"]
    return {
        "type": "profile-bulk-import-job",
        "id": jid,
        "attributes": {
            "status": row["status"],
            "total_count": row["total"],
            "completed_count": row["completed"],
            "failed_count": row["failed"],
            **jobs.timestamps(row),
        },
        "relationships": {
            "lists": {
                "data": [{"type": "list", "id": i} for i in json.loads(row["list_ids"])],
                "links": relationship_links(call, PATH, jid, "lists"),
            },
            "profiles": {"links": relationship_links(call, PATH, jid, "profiles")},
            "import-errors": {"links": {"related": call.link(f"{PATH}/{jid}/import-errors/")}},
        },
        "links": self_link(call, PATH, jid),
    }


def get_jobs(env: Env, call: Call) -> Reply:
    where, params = to_sql(call.arg("filter"), FILTERS)
    size = call.page_size(20, 100)
    sort = call.arg("sort") or "created_at"
    if sort not in ("created_at", "-created_at"):
        raise invalid(f"'{sort}' is not a valid sort for this endpoint.", None, "sort")
    with env.state.tx() as conn:
        rows, nxt, prev = keyset_page(
            conn,
            call,
            f"SELECT *, seq AS k0 FROM jobs WHERE kind = ? AND expires_at > ?{where}",
            [KIND, stamp(call.now), *params],
            ("seq",),
            descending=sort.startswith("-"),
            size=size,
        )
    return Reply(200, collection(call, [resource(call, r) for r in rows], nxt, prev))


def get_job(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = jobs.require(conn, call.now, KIND, call.params["job_id"], "profile-bulk-import-job")
        row = jobs.poll(conn, env, call.now, row)
        included = None
        if "lists" in call.list_arg("include"):
            included = _lists(conn, call, row)
    return Reply(200, single(call, resource(call, row), included))


def _job(conn: sqlite3.Connection, call: Call) -> sqlite3.Row:
    return jobs.require(conn, call.now, KIND, call.params["id"], "profile-bulk-import-job")


def _lists(conn: sqlite3.Connection, call: Call, row: sqlite3.Row) -> list[dict[str, Any]]:
    found = []
    for list_id in json.loads(row["list_ids"]):
        item = conn.execute("SELECT * FROM lists WHERE id = ?", (list_id,)).fetchone()
        if item is not None:
            found.append(list_resource(call, item))
    return found


def get_job_lists(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        data = _lists(conn, call, _job(conn, call))
    return Reply(200, collection(call, data, None, None))


def get_job_list_ids(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = _job(conn, call)
    data = [{"type": "list", "id": i} for i in json.loads(row["list_ids"])]
    return Reply(200, collection(call, data, None, None))


def get_job_profiles(env: Env, call: Call, *, ids_only: bool = False) -> Reply:
    size = call.page_size(20, 100)
    with env.state.tx() as conn:
        row = _job(conn, call)
        rows, nxt, prev = keyset_page(
            conn,
            call,
            "SELECT p.*, p.id AS k0 FROM job_profiles j JOIN profiles p ON p.id = j.profile_id"
            " WHERE j.job_id = ?",
            [row["id"]],
            ("p.id",),
            descending=False,
            size=size,
        )
        if ids_only:
            data = [{"type": "profile", "id": r["id"]} for r in rows]
        else:
            data = [profile_store.resource(call, conn, r) for r in rows]
    return Reply(200, collection(call, data, nxt, prev))


def get_job_profile_ids(env: Env, call: Call) -> Reply:
    return get_job_profiles(env, call, ids_only=True)


def get_import_errors(env: Env, call: Call) -> Reply:
    size = call.page_size(20, 100)
    with env.state.tx() as conn:
        row = _job(conn, call)
        rows, nxt, prev = keyset_page(
            conn,
            call,
            "SELECT *, seq AS k0 FROM import_errors WHERE job_id = ?",
            [row["id"]],
            ("seq",),
            descending=False,
            size=size,
        )
    data = [
        {
            "type": "import-error",
            "id": r["id"],
            "attributes": {
                "code": r["code"],
                "title": r["title"],
                "detail": r["detail"],
                "source": {"pointer": r["pointer"]},
                "original_payload": json.loads(r["original"]),
            },
            "links": {"self": call.link(f"/api/import-errors/{r['id']}/")},
        }
        for r in rows
    ]
    body = collection(call, data, nxt, prev)
    body["links"]["first"] = request_link(call)
    return Reply(200, body)
