"""Profiles in the state: validation, identity resolution, writes and the JSON:API resource.

A profile is found by any of its identifiers: ``id``, ``email`` (without regard to case),
``phone_number`` and ``external_id``. When the identifiers sent belong to different profiles
the write is a conflict (409 ``duplicate_profile`` [R], an import error in a bulk job). A
match on ``external_id`` with a new email changes that profile's email: an email change never
makes a second profile. A match on email or phone of a profile whose ``external_id`` differs
is a conflict too [I: ``external_id`` names one person in the source system].

Setting an attribute to ``null`` clears it; leaving it out keeps it [S profile-import].
``properties`` and ``location`` are merged key by key.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import phonenumbers

from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import KlaviyoError, duplicate_profile, invalid
from app.sandbox.klaviyo.ids import read, stamp
from app.sandbox.klaviyo.jsonapi import relationship_links, self_link

TEXT_ATTRIBUTES = {
    "email": "email",
    "phone_number": "phone",
    "external_id": "external_id",
    "anonymous_id": "anonymous_id",
    "first_name": "first_name",
    "last_name": "last_name",
    "organization": "organization",
    "locale": "locale",
    "title": "title",
    "image": "image",
}
WRITABLE = {*TEXT_ATTRIBUTES, "location", "properties", "_kx"}
IDENTIFIERS = ("email", "phone_number", "external_id")
LOCATION_KEYS = (
    "address1",
    "address2",
    "city",
    "country",
    "latitude",
    "longitude",
    "region",
    "zip",
    "timezone",
    "ip",
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
PROFILE_PATH = "/api/profiles"


def email_key(email: str | None) -> str | None:
    return None if email is None else email.strip().lower()


def problems(
    attrs: Mapping[str, Any], pointer: str, *, need_identifier: bool
) -> list[tuple[str, str]]:
    """What is wrong with a profile's attributes: (detail, pointer) pairs, empty when fine."""
    found: list[tuple[str, str]] = []
    for name in attrs:
        if name not in WRITABLE:
            found.append(
                (f"'{name}' is not a valid field for the resource 'profile'.", f"{pointer}/{name}")
            )
    for name in TEXT_ATTRIBUTES:
        value = attrs.get(name)
        if value is not None and not isinstance(value, str):
            found.append((f"'{name}' must be a string.", f"{pointer}/{name}"))
    for name in ("location", "properties"):
        value = attrs.get(name)
        if value is not None and not isinstance(value, dict):
            found.append((f"'{name}' must be an object.", f"{pointer}/{name}"))
    if found:
        return found
    email = attrs.get("email")
    if email is not None and not EMAIL.match(email.strip()):
        found.append((f"Invalid email address: {email}", f"{pointer}/email"))
    phone = attrs.get("phone_number")
    if phone is not None and not _valid_phone(phone):
        found.append(
            (
                "Invalid phone number format (Example of a valid format: +13239169023)",
                f"{pointer}/phone_number",
            )
        )
    if need_identifier and not any(attrs.get(k) for k in (*IDENTIFIERS, "anonymous_id")):
        found.append(
            (
                "A profile must have at least one identifier: email, phone_number,"
                " external_id or anonymous_id.",
                pointer,
            )
        )
    return found


def _valid_phone(text: str) -> bool:
    if not text.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def check(attrs: Mapping[str, Any], pointer: str, *, need_identifier: bool) -> None:
    """Raise the first problem as a 400."""
    found = problems(attrs, pointer, need_identifier=need_identifier)
    if found:
        raise invalid(found[0][0], found[0][1])


def row_by_id(conn: sqlite3.Connection, profile_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM profiles WHERE id = ?", (profile_id,)
    ).fetchone()
    return row


def matches(conn: sqlite3.Connection, attrs: Mapping[str, Any]) -> dict[str, str]:
    """The profile each identifier sent belongs to: {"email": id, ...}."""
    found: dict[str, str] = {}
    lookups = (
        ("email", "email_key", email_key(attrs.get("email"))),
        ("phone_number", "phone", attrs.get("phone_number")),
        ("external_id", "external_id", attrs.get("external_id")),
    )
    for name, column, value in lookups:
        if value:
            row = conn.execute(f"SELECT id FROM profiles WHERE {column} = ?", (value,)).fetchone()
            if row is not None:
                found[name] = row[0]
    return found


def resolve(
    conn: sqlite3.Connection, attrs: Mapping[str, Any], profile_id: str | None = None
) -> str | None:
    """The one profile these identifiers name (None: a new one); raises 409 on a conflict."""
    found = matches(conn, attrs)
    if profile_id is not None:
        if row_by_id(conn, profile_id) is None:
            raise invalid(f"A profile with id {profile_id} does not exist.", "/data/id")
        found["id"] = profile_id
    owners = set(found.values())
    if len(owners) > 1:
        # The conflict names the profile other than the one the id or external_id points at.
        target = found.get("id") or found.get("external_id") or found.get("email")
        raise duplicate_profile(next(v for v in found.values() if v != target))
    if not owners:
        return None
    owner = owners.pop()
    xid = attrs.get("external_id")
    if xid and "external_id" not in found:
        current = conn.execute("SELECT external_id FROM profiles WHERE id = ?", (owner,)).fetchone()
        if current is not None and current[0] and current[0] != xid:
            raise duplicate_profile(owner)
    return owner


def create(conn: sqlite3.Connection, env: Env, now: datetime, attrs: Mapping[str, Any]) -> str:
    """A new profile, in one INSERT (it fails whole on an identifier another profile holds)."""
    profile_id = env.ids.ulid(now)
    moment = stamp(now)
    values: dict[str, Any] = {"id": profile_id, "created": moment, "updated": moment}
    for name, column in TEXT_ATTRIBUTES.items():
        value = attrs.get(name)
        value = value.strip() if isinstance(value, str) else value
        if value:
            values[column] = value
    values["email_key"] = email_key(values.get("email"))
    for name in ("location", "properties"):
        if isinstance(attrs.get(name), dict):
            values[name] = json.dumps(attrs[name], separators=(",", ":"), sort_keys=True)
    columns = ", ".join(values)
    try:
        conn.execute(
            f"INSERT INTO profiles ({columns}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
    except sqlite3.IntegrityError as exc:
        raise _conflict(conn, values) from exc
    return profile_id


def apply(
    conn: sqlite3.Connection,
    profile_id: str,
    attrs: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Write the attributes sent onto a profile; True when anything changed."""
    row = row_by_id(conn, profile_id)
    assert row is not None
    changes: dict[str, Any] = {}
    for name, column in TEXT_ATTRIBUTES.items():
        if name in attrs:
            value = attrs[name]
            value = value.strip() if isinstance(value, str) else value
            if value == "":
                value = None
            if row[column] != value:
                changes[column] = value
                if name == "email":
                    changes["email_key"] = email_key(value)
    for name in ("location", "properties"):
        if isinstance(attrs.get(name), dict):
            merged = {**json.loads(row[name]), **attrs[name]}
            text = json.dumps(merged, separators=(",", ":"), sort_keys=True)
            if text != row[name]:
                changes[name] = text
        elif name in attrs and attrs[name] is None and row[name] != "{}":
            changes[name] = "{}"
    if not changes:
        return False
    changes["updated"] = stamp(now)
    sets = ", ".join(f"{column} = ?" for column in changes)
    try:
        conn.execute(f"UPDATE profiles SET {sets} WHERE id = ?", (*changes.values(), profile_id))
    except sqlite3.IntegrityError as exc:  # an identifier another profile holds
        raise _conflict(conn, changes) from exc
    return True


def _conflict(conn: sqlite3.Connection, changes: Mapping[str, Any]) -> KlaviyoError:
    for column in ("email_key", "phone", "external_id"):
        if changes.get(column):
            row = conn.execute(
                f"SELECT id FROM profiles WHERE {column} = ?", (changes[column],)
            ).fetchone()
            if row is not None:
                return duplicate_profile(row[0])
    return invalid("The payload provided in the request is invalid.")


def upsert(
    conn: sqlite3.Connection,
    env: Env,
    now: datetime,
    attrs: Mapping[str, Any],
    profile_id: str | None = None,
) -> tuple[str, bool]:
    """Create or update the profile the identifiers name; (id, created)."""
    owner = resolve(conn, attrs, profile_id)
    if owner is None:
        return create(conn, env, now, attrs), True
    apply(conn, owner, attrs, now)
    return owner, False


def properties(row: sqlite3.Row) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(row["properties"])
    return value


def set_properties(conn: sqlite3.Connection, profile_id: str, values: Mapping[str, Any]) -> None:
    """Merge properties Klaviyo writes itself (``$consent``...), without touching ``updated``."""
    row = row_by_id(conn, profile_id)
    assert row is not None
    merged = {**json.loads(row["properties"]), **values}
    conn.execute(
        "UPDATE profiles SET properties = ? WHERE id = ?",
        (json.dumps(merged, separators=(",", ":"), sort_keys=True), profile_id),
    )


def resource(
    call: Call,
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    *,
    subscriptions: bool = False,
    written: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The profile as JSON:API; times with microseconds in a write answer."""
    when = (lambda v: v) if written else read
    location = {key: None for key in LOCATION_KEYS}
    location.update(json.loads(row["location"]))
    attrs: dict[str, Any] = {
        "email": row["email"],
        "phone_number": row["phone"],
        "external_id": row["external_id"],
        "anonymous_id": row["anonymous_id"],
        "whatsapp_bsuid": None,
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "organization": row["organization"],
        "locale": row["locale"],
        "title": row["title"],
        "image": row["image"],
        "created": when(row["created"]),
        "updated": when(row["updated"]),
        "last_event_date": when(row["last_event_date"]),
        "location": location,
        "properties": json.loads(row["properties"]),
        **(extra or {}),
    }
    if subscriptions:
        from app.sandbox.klaviyo.consent import subscriptions_of  # a cycle: consent uses us

        attrs["subscriptions"] = subscriptions_of(conn, row)
    pid = row["id"]
    # 2026-07-15 made the conversation relationship plural (a breaking change).
    talk = "conversations" if call.revision_at_least("2026-07-15") else "conversation"
    return {
        "type": "profile",
        "id": pid,
        "attributes": attrs,
        "relationships": {
            name: {"links": relationship_links(call, PROFILE_PATH, pid, name)}
            for name in ("lists", "segments", "push-tokens", talk)
        },
        "links": self_link(call, PROFILE_PATH, pid),
    }
