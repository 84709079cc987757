"""GET /events, GET /events/{event_id} and its registrations (the Event Management API).

As the swagger describes them: the listing gives ``records``, ``total_records`` and, while
more follow, ``next_cursor`` with ``_links.next``; ``limit`` is 1 to 100 (100 by default),
``event_status`` one of the six statuses, ``sort_by`` one of five properties. Deleted events
are listed only when ``event_status=DELETED`` asks for them (an inference: the account's
own pages hide them). The registrations page the same way (``limit`` and ``page_size``
must agree when both are sent, 50 by default) and filter by registration and payment
status. An unknown event, or a track that is not the event's, is a 404.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.constant_contact import event_store as es
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import Reply, bad_request, error_array
from app.sandbox.constant_contact.util import decode_cursor, encode_cursor, iso_ms
from app.sandbox.kit.replies import loads

NOT_FOUND_KEY = "event.not_found"
EVENT_SORTS = {
    "name": "name",
    "start_time": "start_ms",
    "end_time": "end_ms",
    "created_time": "created_ms",
    "updated_time": "updated_ms",
}
REGISTRATION_SORTS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email_address": "email",
    "registration_status": "status",
    "payment_status": "payment_status",
    "tickets": "tickets",
    "total": "total",
}


def _limit(raw: str | None, default: int, high: int, name: str = "limit") -> int:
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or not 1 <= int(raw) <= high:
        raise bad_request(f"{name} does not have a valid value")
    return int(raw)


def _offset(call: Call, other: str) -> int:
    """The offset a ``next`` (or ``prev``) cursor of ours carries; 0 without one."""
    raw = call.arg("next") or call.arg("prev")
    if call.arg("next") and call.arg("prev"):
        raise bad_request(f"next and {other} are mutually exclusive")
    if not raw:
        return 0
    decoded = decode_cursor(raw)
    if decoded is None or not decoded.get("o", "").isdigit():
        raise bad_request("The cursor is not valid.")
    return int(decoded["o"])


def _order(call: Call, sorts: dict[str, str], default: str) -> str:
    sort_by = call.arg("sort_by")
    column = sorts.get(sort_by or "") if sort_by else default
    if column is None:
        raise bad_request("sort_by does not have a valid value")
    order = (call.arg("sort_order") or "ASC").upper()
    if order not in ("ASC", "DESC"):
        raise bad_request("sort_order does not have a valid value")
    return f"{column} {order}, seq {order}"


def _page(
    path: str, rows: list[Any], offset: int, limit: int, total: int
) -> tuple[list[Any], dict[str, Any]]:
    """The page's rows and the paging keys of its answer."""
    page = rows[:limit]
    extra: dict[str, Any] = {"total_records": total}
    links: dict[str, Any] = {}
    if offset + limit < total:
        cursor = encode_cursor({"o": str(offset + limit)})
        extra["next_cursor"] = cursor
        links["next"] = {"href": f"{path}?limit={limit}&next={cursor}"}
    if offset > 0:
        cursor = encode_cursor({"o": str(max(0, offset - limit))})
        extra["prev_cursor"] = cursor
        links["prev"] = {"href": f"{path}?limit={limit}&prev={cursor}"}
    if links:
        extra["_links"] = links
    return page, extra


def _listed(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    return {
        "event_id": row["event_id"],
        "name": row["name"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "start_time": iso_ms(row["start_ms"]),
        "end_time": iso_ms(row["end_ms"]),
        "create_time": iso_ms(row["created_ms"]),
        "event_type": row["event_type"],
        "location_type": row["location_type"],
        "time_zone_type": "PST",
        "registration_url": f"https://events.constantcontact.com/register/{row['track_id']}",
        "address": loads(row["address"]),
        "event_registration_summary_metrics": es.counts(conn, row["event_id"]),
    }


def list_events(env: Env, call: Call) -> Reply:
    limit = _limit(call.arg("limit"), 100, 100)
    offset = _offset(call, "prev")
    status = (call.arg("event_status") or "").upper()
    if status and status not in es.EVENT_STATUSES:
        raise bad_request("event_status does not have a valid value")
    order = _order(call, EVENT_SORTS, "start_ms")
    clauses, values = ["status = ?" if status else "status != 'DELETED'"], []
    if status:
        values.append(status)
    search = (call.arg("search_text") or "").strip().lower()
    if search:
        clauses.append("(lower(name) LIKE ? OR lower(title) LIKE ?)")
        values += [f"%{search}%", f"%{search}%"]
    where = " AND ".join(clauses)
    with env.state.tx() as conn:
        es.ensure(conn)
        total = int(
            conn.execute(f"SELECT COUNT(*) FROM cc_events WHERE {where}", values).fetchone()[0]
        )
        rows = conn.execute(
            f"SELECT * FROM cc_events WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*values, limit, offset],
        ).fetchall()
        page, extra = _page("/v3/events", rows, offset, limit, total)
        records = [_listed(conn, r) for r in page]
    return Reply(200, {"records": records, **extra})


def _event_or_404(conn: sqlite3.Connection, event_id: str) -> sqlite3.Row:
    row = es.event(conn, event_id)
    if row is None or row["status"] == "DELETED":
        raise error_array(404, NOT_FOUND_KEY, f"The event {event_id} was not found.")
    return row


def get_event(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = _event_or_404(conn, call.params["event_id"])
    created = iso_ms(row["created_ms"])
    body = {
        "event_id": row["event_id"],
        "campaign_id": row["campaign_id"],
        "name": row["name"],
        "title": row["title"],
        "description": row["description"],
        "event_start": iso_ms(row["start_ms"]),
        "event_end": iso_ms(row["end_ms"]),
        "event_type": row["event_type"],
        "location_type": row["location_type"],
        "time_zone": row["time_zone"],
        "status": row["status"],
        "create_time": created,
        "last_update_time": iso_ms(row["updated_ms"]),
        "currency_type": "USD",
        "address": loads(row["address"]),
        "default_track": {
            "track_id": row["track_id"],
            "campaign_activity_id": row["activity_id"],
            "create_time": created,
            "registration_type": "TICKETED",
        },
    }
    return Reply(200, body)


def _registrant(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "registration_id": row["registration_id"],
        "email_address": row["email"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "registration_status": row["status"],
        "payment_status": row["payment_status"],
        "registration_time": iso_ms(row["registered_ms"]),
        "tickets": row["tickets"],
        "total": row["total"],
        "checkin_status": row["checkin_status"],
        "checkedIn_tickets": row["checked_in"],
        "eligible_checkin_tickets": row["tickets"] - row["checked_in"],
        "new_contact": bool(row["new_contact"]),
        "track_key": row["track_id"],
    }


def registrations(env: Env, call: Call) -> Reply:
    event_id, track_id = call.params["event_id"], call.params["track_id"]
    limit, size = call.arg("limit"), call.arg("page_size")
    if limit and size and limit != size:
        raise bad_request("limit and page_size must be the same value")
    per_page = _limit(limit or size, 50, 100, "limit" if limit else "page_size")
    offset = _offset(call, "prev")
    order = _order(call, REGISTRATION_SORTS, "registered_ms")
    clauses, values = ["event_id = ?"], [event_id]
    for arg, column, allowed in (
        ("registration_status", "status", es.REGISTRATION_STATUSES),
        ("payment_status", "payment_status", es.PAYMENT_STATUSES),
    ):
        wanted = (call.arg(arg) or "").upper()
        if wanted:
            if wanted not in allowed:
                raise bad_request(f"{arg} does not have a valid value")
            clauses.append(f"{column} = ?")
            values.append(wanted)
    search = (call.arg("search_text") or "").strip().lower()
    if search:
        clauses.append("(lower(first_name) LIKE ? OR lower(last_name) LIKE ? OR email LIKE ?)")
        values += [f"%{search}%"] * 3
    where = " AND ".join(clauses)
    with env.state.tx() as conn:
        row = _event_or_404(conn, event_id)
        if row["track_id"] != track_id:
            raise error_array(404, NOT_FOUND_KEY, f"The track {track_id} was not found.")
        total = int(
            conn.execute(f"SELECT COUNT(*) FROM cc_registrations WHERE {where}", values).fetchone()[
                0
            ]
        )
        rows = conn.execute(
            f"SELECT * FROM cc_registrations WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*values, per_page, offset],
        ).fetchall()
    path = f"/v3/events/{event_id}/tracks/{track_id}/registrations"
    page, extra = _page(path, rows, offset, per_page, total)
    return Reply(200, {"records": [_registrant(r) for r in page], **extra})
