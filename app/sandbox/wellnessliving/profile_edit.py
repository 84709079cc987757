"""``Wl/Profile/Edit/Edit.json``: profile fields (GET), changes (PUT) and new clients (POST).

``a_structure`` is keyed by field key (``k_field``), as PHP sends a keyed array; each field
names its general id (``RsFieldGeneralSid``): first and last name, the login (email), cell
phone, the address, the member ID and the client type (``STATUS``: "client/member types").
The address is composite: ``x_value`` is ``{s_address, s_city, s_postal, k_city}`` (wl-sdk
lists those inputs). The client type's ``x_value`` is its ``k_login_type`` (an inference: the
live user-information answer names a client's type ``k_login_type``/``text_login_type``).

``PUT`` takes ``a_change[k_field]=value`` (``a_change[k_field][s_city]=...`` for the address)
as a form; ``POST`` creates a client from ``a_new`` in the same shape and answers its ``uid``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.sandbox.wellnessliving import client_store as store
from app.sandbox.wellnessliving.calls import Call, Env
from app.sandbox.wellnessliving.errors import INVALID, WlError
from app.sandbox.wellnessliving.state import next_key

GENERAL = 5  # RsFieldTypeSid::GENERAL
ADDRESS_PARTS = {"s_address": "address", "s_city": "city", "s_postal": "postal"}
FIRST_UID = 51_299_000


@dataclass(frozen=True)
class Field:
    k_field: str
    general: int  # RsFieldGeneralSid
    title: str
    column: str  # the state's column ("address" for the composite)
    required: bool = False


FIELDS = (
    Field("2101", 2, "First Name", "first", True),
    Field("2102", 1, "Last Name", "last", True),
    Field("2103", 3, "Email", "email"),
    Field("2104", 4, "Cell Phone", "phone"),
    Field("2109", 9, "Address", "address"),
    Field("2111", 11, "Member ID", "member"),
    Field("2114", 14, "Client Type", "k_login_type"),
)
BY_KEY = {f.k_field: f for f in FIELDS}
_CHANGE = re.compile(r"^(?P<name>a_change|a_new)\[(?P<key>[^\]]+)\](?:\[(?P<part>[^\]]+)\])?$")


def _value(field: Field, row: sqlite3.Row | None) -> Any:
    if field.column == "address":
        parts = {part: (row[column] if row else "") for part, column in ADDRESS_PARTS.items()}
        return {**parts, "k_city": None}
    if row is None:
        return ""
    return row[field.column] or ""


def edit_get(env: Env, call: Call) -> dict[str, Any]:
    uid = call.var("uid").strip()
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        row = store.get_client(conn, k_business, uid) if uid else None
    structure = {
        f.k_field: {
            "id_field_general": f.general,
            "id_field_type": GENERAL,
            "is_require": f.required,
            "k_field": f.k_field,
            "s_title": f.title,
            "x_value": _value(f, row),
        }
        for f in FIELDS
    }
    return {
        "a_error_list": None,
        "a_phone_inherit": {"is_phone_inherit": False, "text_relative": "", "uid_relative": ""},
        "a_structure": structure,
        "can_password_change": False,
        "is_a2p": False,
        "is_address_inherit": None,
        "is_short": False,
        "k_lead_source": None,
        "s_class": None,
        "s_code": None,
        "text_message": None,
        "uid_inherit_address": None,
    }


def _changes(call: Call, name: str, conn: sqlite3.Connection, k_business: str) -> dict[str, Any]:
    """Schema columns → new values, from ``a_change[...]`` (or ``a_new[...]``) form fields."""
    changes: dict[str, Any] = {}
    for raw, value in call.request.form.items(multi=True):
        match = _CHANGE.match(raw)
        if match is None or match["name"] != name:
            continue
        field = BY_KEY.get(match["key"])
        if field is None:
            raise WlError(INVALID, f"The field {match['key']} does not exist.", raw)
        if field.column == "address":
            column = ADDRESS_PARTS.get(match["part"] or "")
            if column is not None:
                changes[column] = value.strip()
            continue
        if field.column == "k_login_type" and value.strip():
            known = conn.execute(
                "SELECT 1 FROM login_types WHERE k_login_type = ? AND k_business = ?",
                (value.strip(), k_business),
            ).fetchone()
            if known is None:
                raise WlError(INVALID, "The client type does not exist.", raw)
        if field.column == "email" and value.strip() and "@" not in value:
            raise WlError(INVALID, "Please enter a valid email address.", raw)
        changes[field.column] = value.strip()
    return changes


def edit_put(env: Env, call: Call) -> dict[str, Any]:
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        row = store.get_client(conn, k_business, call.var("uid"))
        store.update_client(
            conn, row["uid"], _changes(call, "a_change", conn, k_business), env.now_ms()
        )
    return {}


def edit_post(env: Env, call: Call) -> dict[str, Any]:
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        values = _changes(call, "a_new", conn, k_business)
        if not values.get("first") and not values.get("last"):
            raise WlError(INVALID, "Please enter the first name.", "a_new[2101]")
        uid = next_key(conn, "uid", FIRST_UID)
        prospect = conn.execute(
            "SELECT k_login_type FROM login_types WHERE k_business = ? AND is_prospect = 1",
            (k_business,),
        ).fetchone()
        values.setdefault("k_login_type", prospect["k_login_type"] if prospect else None)
        now = env.now_ms()
        columns = ["uid", "k_business", "added_ms", "changed_ms", *values]
        conn.execute(
            f"INSERT INTO clients ({', '.join(columns)})"
            f" VALUES ({', '.join('?' for _ in columns)})",
            (uid, k_business, now, now, *values.values()),
        )
    return {
        "a_error_list": None,
        "s_class": None,
        "s_code": None,
        "s_status": None,
        "text_message": None,
        "uid": uid,
    }
