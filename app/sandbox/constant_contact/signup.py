"""POST /contacts/sign_up_form, PUT /contacts/resubscribe/{id} and GET /account/summary."""

from __future__ import annotations

from typing import Any

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.consent import new_email
from app.sandbox.constant_contact.contact_rules import (
    MAX_CUSTOM_FIELDS,
    MAX_LISTS,
    MAX_PHONE,
    MAX_PHONES,
    Problems,
    check_address,
    check_custom_fields,
    check_list_ids,
    check_scalars,
    new_phone,
    valid_email,
)
from app.sandbox.constant_contact.contacts import load_or_404
from app.sandbox.constant_contact.errors import Reply, bad_request, conflict
from app.sandbox.constant_contact.util import iso, new_id

ACCOUNT = {
    "contact_email": "owner@sandbox-bakery.example",
    "contact_phone": "555-0100",
    "country_code": "US",
    "encoded_account_id": "a07e1sandbox0",
    "first_name": "Sandy",
    "last_name": "Baker",
    "organization_name": "Sandbox Bakery",
    "organization_phone": "555-0100",
    "state_code": "MA",
    "time_zone_id": "US/Eastern",
    "website": "https://sandbox-bakery.example",
}


def account_summary(env: Env, call: Call) -> Reply:
    return Reply(200, dict(ACCOUNT))


def sign_up_form(env: Env, call: Call) -> Reply:
    body = call.json_object()
    problems = Problems()
    address = body.get("email_address")
    if not isinstance(address, str) or not address.strip():
        problems.add(
            "email_address is required (SMS-only sign-ups are not supported by the sandbox)."
        )
    elif len(address.strip()) > 80 or not valid_email(address.strip()):
        problems.add("email_address is invalid")
    scalars = {k: v for k, v in check_scalars(problems, body).items() if v is not None}
    phone = problems.text(body, "phone_number", MAX_PHONE)
    street = (
        check_address(problems, body["street_address"], call.now, "street_address.")
        if body.get("street_address") is not None
        else None
    )
    now = call.now
    with env.state.tx() as conn:
        if not isinstance(body.get("list_memberships"), list) or not body["list_memberships"]:
            problems.add("list_memberships is missing")
        lists = (
            check_list_ids(problems, body.get("list_memberships"), store.active_list_ids(conn))
            or []
        )
        fields = (
            check_custom_fields(
                problems, body.get("custom_fields"), store.custom_field_ids(conn), 50
            )
            or []
        )
        problems.raise_if_any()
        email = str(address).strip()
        found = store.find_by_email(conn, email)
        if found is None:
            contact_id, doc, status = new_id(), _new_contact(email, now), 201
            existing_lists: list[str] = []
        else:
            contact_id, doc = found
            status = 200
            existing_lists = store.memberships(conn, [contact_id])[contact_id]
            doc["deleted_at"] = None  # updating a deleted contact restores it
            store.touch(doc, now, "Contact")
            current = doc["email_address"]
            if current["permission_to_send"] != "unsubscribed":
                current["permission_to_send"] = "explicit"
                current.setdefault("opt_in_date", iso(now))
        doc.update(scalars)
        _append(doc, phone, street, fields, now)
        if len(doc.get("custom_fields") or []) > MAX_CUSTOM_FIELDS:
            raise bad_request(f"A contact can have at most {MAX_CUSTOM_FIELDS} custom fields.")
        if len(set(existing_lists) | set(lists)) > MAX_LISTS:
            raise bad_request(f"A contact can be on at most {MAX_LISTS} lists.")
        if status == 201:
            store.insert(conn, contact_id, doc)
        else:
            store.update(conn, contact_id, doc)
        if doc["email_address"]["permission_to_send"] != "unsubscribed":
            store.add_memberships(conn, ((contact_id, list_id) for list_id in lists))
    return Reply(
        status, {"contact_id": contact_id, "action": "created" if status == 201 else "updated"}
    )


def _new_contact(email: str, now: Any) -> dict[str, Any]:
    stamp = iso(now)
    return {
        "email_address": new_email(email, "explicit", "Contact", now),
        "create_source": "Contact",
        "created_at": stamp,
        "updated_at": stamp,
    }


def _append(
    doc: dict[str, Any],
    phone: str | None,
    street: dict[str, Any] | None,
    fields: list[dict[str, Any]],
    now: Any,
) -> None:
    """sign_up_form appends sub-resources instead of replacing them."""
    phones = list(doc.get("phone_numbers") or [])
    if phone and all(p.get("phone_number") != phone for p in phones):
        if len(phones) >= MAX_PHONES:
            raise bad_request(f"A contact can have at most {MAX_PHONES} phone numbers.")
        phones.append(new_phone(phone, "other", now, "Contact"))
    doc["phone_numbers"] = phones
    addresses = [
        a
        for a in doc.get("street_addresses") or []
        if not street or a.get("kind") != street["kind"]
    ]
    if street:
        addresses.append(street)
    doc["street_addresses"] = addresses
    custom = {c["custom_field_id"]: c for c in doc.get("custom_fields") or []}
    custom.update({c["custom_field_id"]: c for c in fields})
    doc["custom_fields"] = list(custom.values())


def resubscribe(env: Env, call: Call) -> Reply:
    body = call.json_object()
    with env.state.tx() as conn:
        problems = Problems()
        if not isinstance(body.get("list_ids"), list) or not body["list_ids"]:
            problems.add("list_ids is missing")
        lists = check_list_ids(
            problems, body.get("list_ids"), store.active_list_ids(conn), "list_ids"
        )
        problems.raise_if_any()
        contact_id = call.params["contact_id"]
        doc = load_or_404(conn, contact_id)
        email = doc.get("email_address") or {}
        if email.get("permission_to_send") != "unsubscribed":
            raise bad_request("Only unsubscribed contacts can be sent a resubscribe email.")
        if doc.get("_resubscribe_sent_at"):
            raise conflict("A resubscribe email was already sent to this contact.")
        doc["_resubscribe_sent_at"] = iso(call.now)
        doc["_resubscribe_list_ids"] = lists
        store.update(conn, contact_id, doc)
    return Reply(200, None, raw=b"")
