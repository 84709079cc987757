"""Handlers for single contacts: POST /contacts and GET/PUT/DELETE /contacts/{contact_id}."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.consent import change_permission, new_email
from app.sandbox.constant_contact.contact_rules import (
    MAX_LISTS,
    NAME_FIELDS,
    SOURCES,
    SUB_RESOURCES,
    Problems,
    check_addresses,
    check_custom_fields,
    check_email,
    check_list_ids,
    check_phones,
    check_scalars,
)
from app.sandbox.constant_contact.errors import ApiError, Reply, bad_request, conflict, not_found
from app.sandbox.constant_contact.util import is_uuid, iso, iso_date, new_id

# The wording since 2022 (integrations take the contact id out of it); 2019's was
# "Validation failed: EmailAddress is not unique".
EMAIL_TAKEN = "Validation failed: Email already exists for contact {contact_id}."
SCALARS = (*NAME_FIELDS, "anniversary", "birthday_month", "birthday_day")


def includes(call: Call) -> list[str]:
    wanted = call.csv_arg("include")
    unknown = [w for w in wanted if w not in SUB_RESOURCES]
    if unknown:
        raise bad_request(f"include must be one or more of: {', '.join(SUB_RESOURCES)}.")
    return wanted


def load_or_404(conn: sqlite3.Connection, contact_id: str) -> dict[str, Any]:
    doc = store.load(conn, contact_id) if is_uuid(contact_id) else None
    if doc is None:
        if not is_uuid(contact_id):
            raise not_found("contact_id is in an invalid format.")
        raise not_found(f"Contact {contact_id} was not found.")
    return doc


def echo(
    conn: sqlite3.Connection, contact_id: str, doc: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """A POST/PUT answer: the core fields plus the sub-resources the request sent, as stored.

    The real service does not answer with every sub-resource, only with what was sent.
    """
    sent = [key for key in SUB_RESOURCES if body.get(key) is not None]
    lists = store.memberships(conn, [contact_id])[contact_id] if "list_memberships" in sent else []
    return store.render(contact_id, doc, lists, sent)


def email_taken(contact_id: str) -> ApiError:
    return conflict(EMAIL_TAKEN.format(contact_id=contact_id))


def sub_resources(
    problems: Problems, conn: sqlite3.Connection, body: dict[str, Any], now: datetime, source: str
) -> dict[str, Any]:
    """Validated sub-resource arrays present in ``body`` (absent ones are left out)."""
    out: dict[str, Any] = {}
    phones = check_phones(problems, body, now, source)
    addresses = check_addresses(problems, body, now)
    fields = check_custom_fields(problems, body.get("custom_fields"), store.custom_field_ids(conn))
    lists = check_list_ids(problems, body.get("list_memberships"), store.active_list_ids(conn))
    for key, value in (
        ("phone_numbers", phones),
        ("street_addresses", addresses),
        ("custom_fields", fields),
        ("list_memberships", lists),
    ):
        if value is not None:
            out[key] = value
    taggings = problems.array(body, "taggings", MAX_LISTS)
    if taggings is not None:
        out["taggings"] = [str(t) for t in taggings]
    notes = problems.array(body, "notes", 150)
    if notes is not None:
        out["notes"] = [
            {
                "note_id": n.get("note_id") or new_id(),
                "created_at": n.get("created_at") or iso(now),
                "content": str(n.get("content", ""))[:2000],
            }
            for n in notes
            if isinstance(n, dict)
        ]
    return out


def create_contact(env: Env, call: Call) -> Reply:
    body = call.json_object()
    problems = Problems()
    source = problems.required_choice(body, "create_source", SOURCES)
    scalars = check_scalars(problems, body)
    email = check_email(problems, body.get("email_address"))
    if not (scalars["first_name"] or scalars["last_name"] or email or body.get("sms_channel")):
        problems.add(
            "first_name, last_name, email_address, sms_channel are missing, "
            "at least one parameter must be provided"
        )
    now = call.now
    with env.state.tx() as conn:
        subs = sub_resources(problems, conn, body, now, source or "Account")
        problems.raise_if_any()
        assert source is not None
        taken = store.find_by_email(conn, email["address"]) if email else None
        if taken:
            raise email_taken(taken[0])
        stamp = iso(now)
        doc: dict[str, Any] = {}
        if email:
            default = "implicit" if source == "Account" else "explicit"
            permission = email["permission_to_send"] or default
            doc["email_address"] = new_email(email["address"], permission, source, now)
            if permission == "unsubscribed":
                doc["email_address"]["opt_out_reason"] = email["opt_out_reason"]
        doc.update({k: v for k, v in scalars.items() if v is not None})
        # update_source stays absent until the first update, as in the real service.
        doc.update(create_source=source, created_at=stamp, updated_at=stamp)
        lists = subs.pop("list_memberships", [])
        doc.update(subs)
        if body.get("sms_channel") is not None:
            doc["sms_channel"] = body["sms_channel"]
        contact_id = new_id()
        store.insert(conn, contact_id, doc)
        if doc.get("email_address", {}).get("permission_to_send") != "unsubscribed":
            store.set_memberships(conn, contact_id, lists)
        return Reply(201, echo(conn, contact_id, doc, body))


def get_contact(env: Env, call: Call) -> Reply:
    wanted = includes(call)
    contact_id = call.params["contact_id"]
    with env.state.tx() as conn:
        doc = load_or_404(conn, contact_id)
        lists = store.memberships(conn, [contact_id])[contact_id]
        return Reply(200, store.render(contact_id, doc, lists, wanted))


def update_contact(env: Env, call: Call) -> Reply:
    contact_id = call.params["contact_id"]
    body = call.json_object()
    problems = Problems()
    source = problems.required_choice(body, "update_source", SOURCES)
    scalars = check_scalars(problems, body)
    if body.get("email_address") is None:
        problems.add("email_address is missing")  # a PUT replaces the contact: it must say
    email = check_email(problems, body.get("email_address"))
    now = call.now
    with env.state.tx() as conn:
        doc = load_or_404(conn, contact_id)
        subs = sub_resources(problems, conn, body, now, source or "Account")
        problems.raise_if_any()
        assert source is not None and email is not None
        unsubscribed_now = _apply_email(conn, doc, contact_id, email, source, now)
        # A PUT replaces the contact: scalars left out are cleared; arrays left out are kept
        # and an empty array clears them (list_memberships: [] takes it off every list).
        for key in SCALARS:
            doc[key] = scalars[key]
        lists = subs.pop("list_memberships", None)
        for key, value in subs.items():
            doc[key] = value
        if body.get("sms_channel") is not None:
            doc["sms_channel"] = body["sms_channel"]
        doc["deleted_at"] = None  # a PUT revives a deleted contact
        store.touch(doc, now, source)
        store.update(conn, contact_id, doc)
        permission = (doc.get("email_address") or {}).get("permission_to_send")
        if unsubscribed_now or permission == "unsubscribed":
            store.clear_memberships(conn, contact_id)
        elif lists is not None:
            store.set_memberships(conn, contact_id, lists)
        return Reply(200, echo(conn, contact_id, doc, body))


def _apply_email(
    conn: sqlite3.Connection,
    doc: dict[str, Any],
    contact_id: str,
    email: dict[str, Any],
    source: str,
    now: datetime,
) -> bool:
    current = doc.get("email_address")
    if not current or current["address"].lower() != email["address"].lower():
        other = store.find_by_email(conn, email["address"])
        if other and other[0] != contact_id:
            raise email_taken(other[0])
    if not current:
        permission = email["permission_to_send"] or "implicit"
        doc["email_address"] = new_email(email["address"], permission, source, now)
        return permission == "unsubscribed"
    current["address"] = email["address"]
    if email["permission_to_send"]:
        return change_permission(
            current, email["permission_to_send"], source, email["opt_out_reason"], now
        )
    return False


def delete_contact(env: Env, call: Call) -> Reply:
    contact_id = call.params["contact_id"]
    with env.state.tx() as conn:
        doc = load_or_404(conn, contact_id)
        if doc.get("deleted_at"):  # still readable by id, but gone: deleting again is a 404
            raise not_found(f"Contact {contact_id} was not found.")
        doc["deleted_at"] = iso_date(call.now)  # a date, not a date-time, as the service has it
        doc["updated_at"] = iso(call.now)
        store.update(conn, contact_id, doc)
        store.clear_memberships(conn, contact_id)
    return Reply(204)
