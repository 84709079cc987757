"""Handlers for /contact_custom_fields and /contact_custom_fields/{custom_field_id}."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from typing import Any

from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import ApiError, Reply, bad_request, conflict, not_found
from app.sandbox.constant_contact.util import decode_cursor, encode_cursor, is_uuid, iso, new_id
from app.sandbox.kit.replies import dumps, loads

MAX_FIELDS = 100
TYPES = (
    "string",
    "date",
    "datetime",
    "single_select",
    "currency",
    "text_area",
    "multi_select",
    "number",
    "boolean",
)
NOT_FOUND_KEY = "contact_custom_fields.api.not_found"


def field_name(label: str) -> str:
    """The service's ``name`` for a label: a lower-case slug ("Favourite Cake" -> favourite_cake).

    The swagger says blanks become underscores; live answers are lower-cased as well.
    """
    return re.sub(r"[\W_]+", "_", label.lower()).strip("_")


def _clash(conn: sqlite3.Connection, label: str, name: str, field_id: str = "") -> bool:
    """Whether another field has this label (in any letter case) or the same name."""
    return (
        conn.execute(
            "SELECT 1 FROM custom_fields WHERE custom_field_id != ? AND (name = ?"
            " OR lower(json_extract(doc, '$.label')) = lower(?))",
            (field_id, name, label),
        ).fetchone()
        is not None
    )


def _taken(label: str) -> ApiError:
    return conflict(
        f"A custom field with the label {label!r} already exists.",
        key="contact_custom_fields.api.conflict",
    )


def create_field(
    conn: sqlite3.Connection,
    label: str,
    kind: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Insert a custom field after the account-level checks (handler and helpers)."""
    name = field_name(label)
    if _clash(conn, label, name):
        raise _taken(label)
    if conn.execute("SELECT count(*) FROM custom_fields").fetchone()[0] >= MAX_FIELDS:
        raise bad_request(f"An account can have at most {MAX_FIELDS} custom fields.")
    stamp = iso(now)
    doc: dict[str, Any] = {"custom_field_id": new_id(), "label": label, "name": name, "type": kind}
    doc["version"] = 1  # every live answer carries it
    doc.update(extra or {})
    doc.update(created_at=stamp, updated_at=stamp)
    conn.execute(
        "INSERT INTO custom_fields (custom_field_id, name, doc) VALUES (?, ?, ?)",
        (doc["custom_field_id"], name, dumps(doc)),
    )
    return doc


def _choices(raw: Any, field_id: str, now: datetime) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) > 100:
        raise bad_request("choices must be an array of at most 100 items.")
    out = []
    for number, item in enumerate(raw, start=1):
        label = item.get("choice_label") if isinstance(item, dict) else None
        if not isinstance(label, str) or len(label) > 255:
            raise bad_request("choices: choice_label is required (at most 255 characters).")
        out.append(
            {
                "custom_field_id": field_id,
                "choice_id": number,
                "choice_label": label,
                "display_order": int(item.get("display_order") or number),
                "created_at": iso(now),
                "updated_at": iso(now),
            }
        )
    return out


def _label(body: dict[str, Any]) -> str:
    label = body.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 50:
        raise bad_request("label is required and must be at most 50 characters long.")
    return label.strip()


def post_field(env: Env, call: Call) -> Reply:
    body = call.json_object()
    label = _label(body)
    kind = body.get("type", "string")
    if kind not in TYPES:
        raise bad_request(f"type must be one of: {', '.join(TYPES)}.")
    extra: dict[str, Any] = {}
    if isinstance(body.get("metadata"), dict):
        extra["metadata"] = body["metadata"]
    if isinstance(body.get("version"), int):
        extra["version"] = body["version"]
    with env.state.tx() as conn:
        doc = create_field(conn, label, kind, call.now, extra)
        choices = _choices(body.get("choices"), doc["custom_field_id"], call.now)
        if choices is not None:
            doc["choices"] = choices
            conn.execute(
                "UPDATE custom_fields SET doc = ? WHERE custom_field_id = ?",
                (dumps(doc), doc["custom_field_id"]),
            )
    return Reply(201, doc)


def _load(conn: sqlite3.Connection, field_id: str) -> dict[str, Any]:
    row = None
    if is_uuid(field_id):
        row = conn.execute(
            "SELECT doc FROM custom_fields WHERE custom_field_id = ?", (field_id,)
        ).fetchone()
    if row is None:
        raise not_found(f"Custom field {field_id} was not found.", key=NOT_FOUND_KEY)
    return loads(row["doc"])


def get_fields(env: Env, call: Call) -> Reply:
    """Newest first; on the last page ``_links`` is absent, as in the real service."""
    before = None
    args: dict[str, str] = {"limit": call.arg("limit") or "50"}
    cursor = call.arg("cursor")
    if cursor is not None:
        decoded = decode_cursor(cursor) or {}
        if not decoded.get("next", "").isdigit():
            raise bad_request("cursor is invalid")
        before = int(decoded["next"])
        args["limit"] = call.arg("limit") or decoded.get("limit", "50")
    limit = Call(call.request, {}, call.client_id, call.now, args).int_arg("limit", 50, 1, 100)
    with env.state.tx() as conn:
        rows = conn.execute(
            "SELECT seq, doc FROM custom_fields WHERE seq < ? ORDER BY seq DESC LIMIT ?",
            (before if before is not None else 2**62, limit + 1),
        ).fetchall()
    body: dict[str, Any] = {"custom_fields": [loads(r["doc"]) for r in rows[:limit]]}
    if len(rows) > limit:
        cursor_args = {"limit": str(limit), "next": str(rows[limit - 1]["seq"])}
        body["_links"] = {
            "next": {"href": f"/v3/contact_custom_fields?cursor={encode_cursor(cursor_args)}"}
        }
    return Reply(200, body)


def get_field(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        return Reply(200, _load(conn, call.params["custom_field_id"]))


def put_field(env: Env, call: Call) -> Reply:
    body = call.json_object()
    label = _label(body)
    with env.state.tx() as conn:
        doc = _load(conn, call.params["custom_field_id"])
        name = field_name(label)  # a rename makes a new name
        if _clash(conn, label, name, doc["custom_field_id"]):
            raise _taken(label)
        choices = _choices(body.get("choices"), doc["custom_field_id"], call.now)
        doc.update(label=label, name=name, updated_at=iso(call.now))
        doc.pop("choices", None)  # omitted properties are overwritten with null
        if choices is not None:
            doc["choices"] = choices
        conn.execute(
            "UPDATE custom_fields SET name = ?, doc = ? WHERE custom_field_id = ?",
            (name, dumps(doc), doc["custom_field_id"]),
        )
    return Reply(200, doc)


def delete_field(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        doc = _load(conn, call.params["custom_field_id"])
        field_id = doc["custom_field_id"]
        conn.execute("DELETE FROM custom_fields WHERE custom_field_id = ?", (field_id,))
        rows = conn.execute(
            "SELECT contact_id, doc FROM contacts WHERE instr(doc, ?) > 0", (field_id,)
        ).fetchall()
        for row in rows:  # contacts lose their values for the deleted field
            contact = loads(row["doc"])
            contact["custom_fields"] = [
                c for c in contact.get("custom_fields") or [] if c["custom_field_id"] != field_id
            ]
            conn.execute(
                "UPDATE contacts SET doc = ? WHERE contact_id = ?",
                (dumps(contact), row["contact_id"]),
            )
    return Reply(204)
