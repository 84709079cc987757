"""Handlers for /contact_lists and /contact_lists/{list_id}."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import Reply, bad_request, conflict, not_found
from app.sandbox.constant_contact.util import decode_cursor, encode_cursor, is_uuid, iso, new_id

MAX_LISTS_PER_ACCOUNT = 1000
MAX_NAME = 255
LIST_NOT_FOUND = "contact_lists.api.not_found"
MEMBER_COUNT_SQL = {
    "all": "SELECT count(*) FROM memberships m JOIN contacts c USING (contact_id)"
    " WHERE m.list_id = ? AND c.deleted_at IS NULL",
    "active": "SELECT count(*) FROM memberships m JOIN contacts c USING (contact_id)"
    " WHERE m.list_id = ? AND c.deleted_at IS NULL AND c.permission IN ('explicit', 'implicit')",
}


def render(
    row: sqlite3.Row, conn: sqlite3.Connection | None = None, counting: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"list_id": row["list_id"], "name": row["name"]}
    if row["description"] is not None:
        out["description"] = row["description"]
    out.update(
        favorite=bool(row["favorite"]), created_at=row["created_at"], updated_at=row["updated_at"]
    )
    if row["deleted_at"]:
        out["deleted_at"] = row["deleted_at"]
    if conn is not None and counting:
        out["membership_count"] = conn.execute(
            MEMBER_COUNT_SQL[counting], (row["list_id"],)
        ).fetchone()[0]
    return out


def create_list(
    name: str,
    conn: sqlite3.Connection,
    now_iso: str,
    description: str | None = None,
    favorite: bool = False,
) -> sqlite3.Row:
    """Insert a list after the account-level checks (used by the handler and the helpers)."""
    taken = conn.execute(
        "SELECT 1 FROM lists WHERE lower(name) = lower(?) AND deleted_at IS NULL", (name,)
    ).fetchone()
    if taken:
        raise conflict(
            f"The list name {name!r} is already in use.", key="contact_lists.api.conflict"
        )
    count = conn.execute("SELECT count(*) FROM lists WHERE deleted_at IS NULL").fetchone()[0]
    if count >= MAX_LISTS_PER_ACCOUNT:
        raise bad_request(f"An account can have at most {MAX_LISTS_PER_ACCOUNT:,} lists.")
    list_id = new_id()
    conn.execute(
        "INSERT INTO lists (list_id, name, description, favorite, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (list_id, name, description, int(favorite), now_iso, now_iso),
    )
    return _row(conn, list_id)


def _row(conn: sqlite3.Connection, list_id: str) -> sqlite3.Row:
    row = (
        conn.execute("SELECT * FROM lists WHERE list_id = ?", (list_id,)).fetchone()
        if is_uuid(list_id)
        else None
    )
    if row is None:
        raise not_found(f"List {list_id} was not found.", key=LIST_NOT_FOUND)
    return row


def _list_input(call: Call) -> tuple[str, str | None, bool]:
    body = call.json_object()
    name, description, favorite = (
        body.get("name"),
        body.get("description"),
        body.get("favorite", False),
    )
    if not isinstance(name, str) or not name.strip():
        raise bad_request("name is required.")
    if len(name) > MAX_NAME:
        raise bad_request(f"name must be at most {MAX_NAME} characters long.")
    if description is not None and not isinstance(description, str):
        raise bad_request("description must be a string.")
    if not isinstance(favorite, bool):
        raise bad_request("favorite must be true or false.")
    return name, description, favorite


def post_list(env: Env, call: Call) -> Reply:
    name, description, favorite = _list_input(call)
    with env.state.tx() as conn:
        row = create_list(name, conn, iso(call.now), description, favorite)
        return Reply(201, render(row))


def get_lists(env: Env, call: Call) -> Reply:
    args: dict[str, str] = dict(call.args)
    cursor = args.pop("cursor", None)
    after = 0
    if cursor is not None:
        decoded = decode_cursor(cursor)
        if decoded is None or "next" not in decoded or not decoded["next"].isdigit():
            raise bad_request("The cursor is invalid.")
        after = int(decoded.pop("next"))
        decoded.update({k: v for k, v in args.items() if k == "limit"})
        args = decoded
    view = Call(call.request, call.params, call.client_id, call.now, args)
    limit = view.int_arg("limit", 50, 1, 1000)
    status = view.arg("status", "active")
    counting = view.arg("include_membership_count")
    if status not in ("all", "active", "deleted"):
        raise bad_request("status must be all, active or deleted.")
    if counting not in (None, "all", "active"):
        raise bad_request("include_membership_count must be all or active.")
    where: list[str] = ["seq > ?"]
    values: list[int | str] = [after]
    if status == "active":
        where.append("deleted_at IS NULL")
    elif status == "deleted":
        where.append("deleted_at IS NOT NULL")
    if view.arg("name") is not None:
        where.append("name = ?")
        values.append(view.arg("name") or "")
    sql = " AND ".join(where)
    with env.state.tx() as conn:
        rows = conn.execute(
            f"SELECT * FROM lists WHERE {sql} ORDER BY seq LIMIT ?", [*values, limit + 1]
        ).fetchall()
        body: dict[str, Any] = {"lists": [render(r, conn, counting) for r in rows[:limit]]}
        if view.bool_arg("include_count"):
            total_sql = " AND ".join(where[1:]) or "1 = 1"
            body["lists_count"] = conn.execute(
                f"SELECT count(*) FROM lists WHERE {total_sql}", values[1:]
            ).fetchone()[0]
    if len(rows) > limit:  # on the last page _links is absent, as in the real service
        cursor_args = {**args, "next": str(rows[limit - 1]["seq"])}
        body["_links"] = {
            "next": {"href": f"/v3/contact_lists?cursor={encode_cursor(cursor_args)}"}
        }
    return Reply(200, body)


def get_list(env: Env, call: Call) -> Reply:
    counting = call.arg("include_membership_count")
    if counting not in (None, "all", "active"):
        raise bad_request("include_membership_count must be all or active.")
    with env.state.tx() as conn:
        return Reply(200, render(_row(conn, call.params["list_id"]), conn, counting))


def put_list(env: Env, call: Call) -> Reply:
    name, description, favorite = _list_input(call)
    with env.state.tx() as conn:
        row = _row(conn, call.params["list_id"])
        taken = conn.execute(
            "SELECT 1 FROM lists WHERE lower(name) = lower(?) AND deleted_at IS NULL"
            " AND list_id != ?",
            (name, row["list_id"]),
        ).fetchone()
        if taken:
            raise conflict(
                f"The list name {name!r} is already in use.", key="contact_lists.api.conflict"
            )
        conn.execute(
            "UPDATE lists SET name = ?, description = ?, favorite = ?, updated_at = ?"
            " WHERE list_id = ?",
            (name, description, int(favorite), iso(call.now), row["list_id"]),
        )
        return Reply(200, render(_row(conn, row["list_id"])))


def delete_list(env: Env, call: Call) -> Reply:
    """Deleting an unknown or already deleted list is a 400 "list_id not found" (live)."""
    list_id = call.params["list_id"]
    with env.state.tx() as conn:
        row = (
            conn.execute("SELECT * FROM lists WHERE list_id = ?", (list_id,)).fetchone()
            if is_uuid(list_id)
            else None
        )
        if row is None or row["deleted_at"]:
            raise bad_request("list_id not found")
        status = {"items_total_count": 1, "items_completed_count": 0, "list_count": 1}
        doc = env.runner.submit(conn, "list_delete", {"list_id": row["list_id"]}, status, call.now)
    return Reply(202, {k: v for k, v in doc.items() if k != "status"})
