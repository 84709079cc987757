"""GET /contacts (filters and cursor paging) and GET /contacts/counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.contacts import includes
from app.sandbox.constant_contact.errors import Reply, bad_request
from app.sandbox.constant_contact.util import decode_cursor, encode_cursor, iso, parse_iso
from app.sandbox.kit.replies import loads

STATUS_SQL = {
    "active": "(deleted_at IS NULL AND permission IN ('explicit', 'implicit'))",
    "deleted": "(deleted_at IS NOT NULL)",
    "not_set": "(deleted_at IS NULL AND permission = 'not_set')",
    "pending_confirmation": "(deleted_at IS NULL AND permission = 'pending_confirmation')",
    "temp_hold": "(deleted_at IS NULL AND permission = 'temp_hold')",
    "unsubscribed": "(deleted_at IS NULL AND permission = 'unsubscribed')",
}
DATE_FILTERS = {
    "updated_after": "updated_at > ?",
    "updated_before": "updated_at < ?",
    "created_after": "created_at > ?",
    "created_before": "created_at < ?",
    "optout_after": "opt_out_at > ?",
    "optout_before": "opt_out_at < ?",
}
QUERY_KEYS = ("status", "email", "lists", "include", "include_count", "limit", *DATE_FILTERS)


def _query_args(call: Call) -> dict[str, str]:
    """The effective query: from the cursor when one is given, else from the URL."""
    cursor = call.arg("cursor")
    if cursor is None:
        return {k: v for k in QUERY_KEYS if (v := call.arg(k)) is not None}
    decoded = decode_cursor(cursor)
    if decoded is None or not decoded.get("next", "").isdigit() or int(decoded["next"]) < 1:
        raise bad_request("cursor is invalid")
    if call.arg("limit"):
        decoded["limit"] = call.arg("limit") or decoded["limit"]
    return decoded


def list_contacts(env: Env, call: Call) -> Reply:
    """Newest first (most recently changed), by page number, as the real service pages.

    The cursor is base64 of ``limit=N&next=<page number>`` plus the filters. A page number
    is not a bookmark: a contact changed or added between two page reads moves to the front
    and pushes the rest back, so a reader sees some rows twice (and misses the moved one
    unless it reads the front again). On the last page ``_links`` is absent, not ``{}``.
    """
    if call.arg("segment_id") or call.arg("tags") or call.arg("sms_status"):
        raise bad_request("segment_id, tags and sms_status are not supported by the sandbox.")
    args = _query_args(call)
    view = replace(call, query={k: v for k, v in args.items() if k != "next"})
    limit = view.int_arg("limit", 50, 1, 500)
    page = int(args.get("next", "1"))
    wanted = includes(view)
    where, values = _filters(view)
    with env.state.tx() as conn:
        total = None
        if view.bool_arg("include_count"):
            total = conn.execute(f"SELECT count(*) FROM contacts WHERE {where}", values).fetchone()[
                0
            ]
        rows = conn.execute(
            f"SELECT contact_id, updated_at, doc FROM contacts WHERE {where}"
            " ORDER BY updated_at DESC, contact_id DESC LIMIT ? OFFSET ?",
            [*values, limit + 1, (page - 1) * limit],
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        ids = [r["contact_id"] for r in rows]
        lists = store.memberships(conn, ids) if "list_memberships" in wanted else {}
    contacts = [
        store.render(r["contact_id"], loads(r["doc"]), lists.get(r["contact_id"]), wanted)
        for r in rows
    ]
    body: dict[str, Any] = {"contacts": contacts}
    if total is not None:
        body["contacts_count"] = total
    if more:
        filters = {k: v for k, v in args.items() if k not in ("limit", "next")}
        cursor_args = {"limit": str(limit), "next": str(page + 1), **filters}
        body["_links"] = {"next": {"href": f"/v3/contacts?cursor={encode_cursor(cursor_args)}"}}
    return Reply(200, body)


def _filters(call: Call) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    values: list[Any] = []
    statuses = call.csv_arg("status")
    unknown = [s for s in statuses if s != "all" and s not in STATUS_SQL]
    if unknown:
        raise bad_request(f"status must be one or more of: all, {', '.join(STATUS_SQL)}.")
    if not statuses:
        clauses.append("deleted_at IS NULL")
    elif "all" not in statuses:
        clauses.append("(" + " OR ".join(STATUS_SQL[s] for s in statuses) + ")")
    email = call.arg("email")
    if email:
        clauses.append("email_lower = ?")
        values.append(email.strip().lower())
    lists = call.csv_arg("lists")
    if lists:
        if len(lists) > 25:
            raise bad_request("lists accepts at most 25 list ids.")
        marks = ",".join("?" * len(lists))
        clauses.append(
            f"contact_id IN (SELECT contact_id FROM memberships WHERE list_id IN ({marks}))"
        )
        values.extend(lists)
    for name, sql in DATE_FILTERS.items():
        raw = call.arg(name)
        if raw is None:
            continue
        moment = parse_iso(raw)
        if moment is None:
            raise bad_request(f"{name} must be an ISO-8601 date-time.")
        clauses.append(sql)
        values.append(iso(moment))
    return (" AND ".join(clauses) or "1 = 1"), values


def contact_counts(env: Env, call: Call) -> Reply:
    include = call.arg("include")
    if include not in (None, "new_subscriber"):
        raise bad_request("include must be new_subscriber.")
    with env.state.tx() as conn:
        rows = conn.execute(
            "SELECT permission, count(*) FROM contacts WHERE deleted_at IS NULL GROUP BY permission"
        ).fetchall()
        by = {r[0]: r[1] for r in rows}
        body = {
            "total": sum(by.values()),
            "explicit": by.get("explicit", 0),
            "implicit": by.get("implicit", 0),
            "pending": by.get("pending_confirmation", 0),
            "unsubscribed": by.get("unsubscribed", 0),
        }
        if include:
            since = iso(call.now - timedelta(days=30))
            body["new_subscriber"] = conn.execute(
                "SELECT count(*) FROM contacts WHERE deleted_at IS NULL AND created_at > ?"
                " AND permission IN ('explicit', 'implicit')",
                (since,),
            ).fetchone()[0]
    return Reply(200, body)
