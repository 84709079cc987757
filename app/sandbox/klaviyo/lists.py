"""Lists: ``/api/lists``, one list, and its profiles and relationships.

A list made without ``opt_in_process`` is ``single_opt_in`` [R]; names need not be unique
[R airbyte]. ``GET /api/lists`` pages ten at a time, by id in byte order [R]. Adding profiles
to a list (at most 1,000 a call) leaves their consent alone [S]; removing them too.
Creating lists is limited to 150 a day (``limits``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo import profile_store
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import invalid, not_found
from app.sandbox.klaviyo.filters import Field, to_sql
from app.sandbox.klaviyo.ids import read, stamp
from app.sandbox.klaviyo.jsonapi import (
    attributes,
    collection,
    keyset_page,
    relationship_links,
    require_type,
    self_link,
    single,
)

PATH = "/api/lists"
OPT_IN = ("single_opt_in", "double_opt_in")
MAX_MEMBERS_CALL = 1000
FILTERS = {
    "name": Field("name", frozenset({"any", "equals"})),
    "id": Field("id", frozenset({"any", "equals"})),
    "created": Field("created", frozenset({"greater-than"}), "time"),
    "updated": Field("updated", frozenset({"greater-than"}), "time"),
}
SORTS = {"id": "id", "name": "name", "created": "created", "updated": "updated"}
MEMBER_FILTERS = {
    "email": Field("p.email_key", frozenset({"any", "equals"}), "text_ci"),
    "phone_number": Field("p.phone", frozenset({"any", "equals"})),
    "joined_group_at": Field(
        "m.joined",
        frozenset({"greater-or-equal", "greater-than", "less-or-equal", "less-than"}),
        "time",
    ),
}


def list_resource(call: Call, row: sqlite3.Row, *, written: bool = False) -> dict[str, Any]:
    lid = row["id"]
    when = (lambda v: v) if written else read
    return {
        "type": "list",
        "id": lid,
        "attributes": {
            "name": row["name"],
            "created": when(row["created"]),
            "updated": when(row["updated"]),
            "opt_in_process": row["opt_in"],
        },
        "relationships": {
            name: {"links": relationship_links(call, PATH, lid, name)}
            for name in ("profiles", "tags", "flow-triggers")
        },
        "links": self_link(call, PATH, lid),
    }


def require_list(conn: sqlite3.Connection, list_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM lists WHERE id = ?", (list_id,)
    ).fetchone()
    if row is None:
        raise not_found(f"A list with id {list_id} does not exist.")
    return row


def get_lists(env: Env, call: Call) -> Reply:
    sort = call.arg("sort") or "id"
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        raise invalid(f"'{sort}' is not a valid sort for this endpoint.", None, "sort")
    where, params = to_sql(call.arg("filter"), FILTERS)
    size = call.page_size(10, 10)
    with env.state.tx() as conn:
        rows, nxt, prev = keyset_page(
            conn,
            call,
            f"SELECT *, {column} AS k0, id AS k1 FROM lists WHERE 1 = 1{where}",
            params,
            (column, "id"),
            descending=sort.startswith("-"),
            size=size,
        )
    return Reply(200, collection(call, [list_resource(call, r) for r in rows], nxt, prev))


def create_list(env: Env, call: Call) -> Reply:
    data = require_type(call.document()["data"], "list")
    attrs = attributes(data)
    name = attrs.get("name")
    if not isinstance(name, str) or not name.strip():
        raise invalid("A list name is required.", "/data/attributes/name")
    opt_in = attrs.get("opt_in_process") or "single_opt_in"
    if opt_in not in OPT_IN:
        raise invalid(
            f"'{opt_in}' is not a valid choice for 'opt_in_process'.",
            "/data/attributes/opt_in_process",
        )
    with env.state.tx() as conn:
        list_id = new_list(conn, env, call, name, opt_in)
        row = require_list(conn, list_id)
    return Reply(201, single(call, list_resource(call, row, written=True)))


def new_list(conn: sqlite3.Connection, env: Env, call: Call | None, name: str, opt_in: str) -> str:
    now = call.now if call is not None else env.clock()
    while True:
        list_id = env.ids.short(6)
        if conn.execute("SELECT 1 FROM lists WHERE id = ?", (list_id,)).fetchone() is None:
            break
    conn.execute(
        "INSERT INTO lists (id, name, opt_in, created, updated) VALUES (?, ?, ?, ?, ?)",
        (list_id, name, opt_in, stamp(now), stamp(now)),
    )
    return list_id


def get_list(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = require_list(conn, call.params["id"])
    return Reply(200, single(call, list_resource(call, row)))


def update_list(env: Env, call: Call) -> Reply:
    data = require_type(call.document()["data"], "list")
    if data.get("id") != call.params["id"]:
        raise invalid("The id in the payload must match the id in the URL.", "/data/id")
    attrs = attributes(data)
    with env.state.tx() as conn:
        require_list(conn, call.params["id"])
        if "name" in attrs:
            if not isinstance(attrs["name"], str) or not attrs["name"].strip():
                raise invalid("A list name is required.", "/data/attributes/name")
            conn.execute(
                "UPDATE lists SET name = ?, updated = ? WHERE id = ?",
                (attrs["name"], stamp(call.now), call.params["id"]),
            )
        if "opt_in_process" in attrs:
            if attrs["opt_in_process"] not in OPT_IN:
                raise invalid("Invalid opt_in_process.", "/data/attributes/opt_in_process")
            conn.execute(
                "UPDATE lists SET opt_in = ?, updated = ? WHERE id = ?",
                (attrs["opt_in_process"], stamp(call.now), call.params["id"]),
            )
        row = require_list(conn, call.params["id"])
    return Reply(200, single(call, list_resource(call, row, written=True)))


def delete_list(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        require_list(conn, call.params["id"])
        conn.execute("DELETE FROM memberships WHERE list_id = ?", (call.params["id"],))
        conn.execute("DELETE FROM lists WHERE id = ?", (call.params["id"],))
    return Reply(204)


def get_members(env: Env, call: Call, *, ids_only: bool = False) -> Reply:
    where, params = to_sql(call.arg("filter"), MEMBER_FILTERS)
    size = call.page_size(20, 100)
    sort = call.arg("sort")
    if sort not in (None, "joined_group_at", "-joined_group_at"):
        raise invalid(f"'{sort}' is not a valid sort for this endpoint.", None, "sort")
    order = ("m.joined", "p.id") if sort else ("p.id",)
    keys = ", ".join(f"{c} AS k{i}" for i, c in enumerate(order))
    subscriptions = "subscriptions" in call.list_arg("additional-fields[profile]")
    with env.state.tx() as conn:
        require_list(conn, call.params["id"])
        rows, nxt, prev = keyset_page(
            conn,
            call,
            f"SELECT p.*, m.joined AS joined, {keys} FROM memberships m"
            " JOIN profiles p ON p.id = m.profile_id"
            f" WHERE m.list_id = ?{where}",
            [call.params["id"], *params],
            order,
            descending=bool(sort and sort.startswith("-")),
            size=size,
        )
        if ids_only:
            data = [{"type": "profile", "id": r["id"]} for r in rows]
        else:
            data = [
                profile_store.resource(
                    call,
                    conn,
                    r,
                    subscriptions=subscriptions,
                    extra={"joined_group_at": read(r["joined"])},
                )
                for r in rows
            ]
    return Reply(200, collection(call, data, nxt, prev))


def get_member_ids(env: Env, call: Call) -> Reply:
    return get_members(env, call, ids_only=True)


def _profile_ids(call: Call) -> list[str]:
    data = call.document()["data"]
    if not isinstance(data, list) or not data:
        raise invalid("`data` must be a list of profiles.")
    if len(data) > MAX_MEMBERS_CALL:
        raise invalid(f"A maximum of {MAX_MEMBERS_CALL} profiles may be sent per call.")
    found = []
    for i, item in enumerate(data):
        item = require_type(item, "profile", f"/data/{i}")
        if not isinstance(item.get("id"), str):
            raise invalid("A profile id is required.", f"/data/{i}/id")
        found.append(item["id"])
    return found


def add_members(env: Env, call: Call) -> Reply:
    ids = _profile_ids(call)
    with env.state.tx() as conn:
        require_list(conn, call.params["id"])
        for pid in ids:
            if profile_store.row_by_id(conn, pid) is None:
                raise not_found(f"A profile with id {pid} does not exist.")
        conn.executemany(
            "INSERT OR IGNORE INTO memberships (list_id, profile_id, joined) VALUES (?, ?, ?)",
            [(call.params["id"], pid, stamp(call.now)) for pid in ids],
        )
    return Reply(204)


def remove_members(env: Env, call: Call) -> Reply:
    ids = _profile_ids(call)
    with env.state.tx() as conn:
        require_list(conn, call.params["id"])
        conn.executemany(
            "DELETE FROM memberships WHERE list_id = ? AND profile_id = ?",
            [(call.params["id"], pid) for pid in ids],
        )
    return Reply(204)


def profile_lists(env: Env, call: Call, *, ids_only: bool = False) -> Reply:
    """``GET /api/profiles/{id}/lists`` (and its relationship)."""
    with env.state.tx() as conn:
        if profile_store.row_by_id(conn, call.params["id"]) is None:
            raise not_found(f"A profile with id {call.params['id']} does not exist.")
        rows = conn.execute(
            "SELECT l.* FROM memberships m JOIN lists l ON l.id = m.list_id"
            " WHERE m.profile_id = ? ORDER BY l.id",
            (call.params["id"],),
        ).fetchall()
    if ids_only:
        data = [{"type": "list", "id": r["id"]} for r in rows]
    else:
        data = [list_resource(call, r) for r in rows]
    return Reply(200, collection(call, data, None, None))


def profile_list_ids(env: Env, call: Call) -> Reply:
    return profile_lists(env, call, ids_only=True)
