"""Clients by key: the active-member list, user information, and the email subscription.

``GET Wl/Login/Member/LoginMemberListAll.json`` pages through the keys of active clients in
key order: ``i_page_size`` (150 when empty) after ``uid_last`` (empty for the first page).
``GET Wl/Login/Login.json`` describes one user; ``POST`` takes ``text_uid``, a JSON list of
keys, and describes each (with only the first letter of the last name, as the spec says).
``GET``/``PUT Wl/Business/User/Subscribe/Subscribe.json`` read and change the client's email
(and SMS) subscription in the business: ``null`` until first set; the PUT takes
``is_subscribe`` in the query, ``""``/``0``/``false`` meaning off (the vendor's SDK sends
false as an empty value), and answers no data.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from app.sandbox.wellnessliving import client_store as store
from app.sandbox.wellnessliving.calls import Call, Env
from app.sandbox.wellnessliving.errors import INVALID, WlError

DEFAULT_PAGE_SIZE = 150
_TRUE = frozenset({"1", "true", "on", "yes"})
_FALSE = frozenset({"", "0", "false", "off", "no"})


def member_list(env: Env, call: Call) -> dict[str, Any]:
    size = call.int_var("i_page_size", DEFAULT_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    if size < 0:
        raise WlError(INVALID, "The page size must be a positive number.", "i_page_size")
    last = call.var("uid_last").strip()
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        after = int(last) if last.isdigit() else -1
        rows = conn.execute(
            "SELECT uid FROM clients WHERE k_business = ? AND active = 1"
            " AND CAST(uid AS INTEGER) > ? ORDER BY CAST(uid AS INTEGER) LIMIT ?",
            (k_business, after, size),
        ).fetchall()
    return {"a_uid": [r["uid"] for r in rows]}


def _full_name(row: sqlite3.Row) -> str:
    return " ".join(p for p in (row["first"], row["last"]) if p) or row["email"]


def _photo(call: Call) -> str:
    return f"https://{call.host.name}/im/rs-undefined.png"


def login_get(env: Env, call: Call) -> dict[str, Any]:
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        row = store.get_client(conn, k_business, call.var("uid"))
    return {
        "can_postcard": False,
        "can_send_message": bool(row["phone"]),
        "id_gender": row["gender"],
        "is_photo_empty": True,
        "k_staff": "",
        "s_first_name": row["first"],
        "s_last_name": row["last"],
        "text_mail_client": row["email"],
        "text_mail_staff": "",
        "text_name_first_staff": "",
        "text_name_full_client": _full_name(row),
        "text_name_full_staff": "",
        "text_name_last_staff": "",
        "uid": row["uid"],
        "uid_staff": None,
        "url_photo": _photo(call),
    }


def login_post(env: Env, call: Call) -> dict[str, Any]:
    try:
        uids = json.loads(call.var("text_uid") or "[]")
    except ValueError:
        uids = None
    if not isinstance(uids, list):
        raise WlError(INVALID, "The list of users must be a JSON array.", "text_uid")
    items = []
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        for uid in uids:
            row = store.get_client(conn, k_business, str(uid))
            items.append(
                {
                    "id_gender": row["gender"],
                    "k_staff": "",
                    "s_first_name": row["first"],
                    "s_last_name": row["last"][:1],
                    "text_mail_client": row["email"],
                    "text_name_first_staff": "",
                    "text_name_full_client": _full_name(row),
                    "text_name_full_staff": "",
                    "text_name_last_staff": "",
                    "uid_staff": "",
                    "url_photo": _photo(call),
                }
            )
    return {"a_login": items}


def subscribe_get(env: Env, call: Call) -> dict[str, Any]:
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        row = store.get_client(conn, k_business, call.var("uid"))
    return {
        "is_subscribe": store.subscribe_value(row["is_subscribe"]),
        "is_subscribe_sms": store.subscribe_value(row["is_subscribe_sms"]),
    }


def _flag(call: Call, name: str) -> int | None:
    """The PUT's value for a flag: None when not sent (left as it is)."""
    if name not in call.request.args and name not in call.request.form:
        return None
    text = call.var(name).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise WlError(INVALID, f"The value of {name} must be true or false.", name)


def subscribe_put(env: Env, call: Call) -> dict[str, Any]:
    changes = {
        column: value
        for column, value in (
            ("is_subscribe", _flag(call, "is_subscribe")),
            ("is_subscribe_sms", _flag(call, "is_subscribe_sms")),
        )
        if value is not None
    }
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        row = store.get_client(conn, k_business, call.var("uid"))
        store.update_client(conn, row["uid"], changes, env.now_ms())
    return {}
