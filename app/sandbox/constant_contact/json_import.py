"""POST /activities/contacts_json_import: request checks and the background import."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.consent import new_email
from app.sandbox.constant_contact.contact_rules import (
    MAX_ADDRESSES,
    MAX_CUSTOM_FIELDS,
    MAX_CUSTOM_VALUE,
    MAX_EMAIL,
    MAX_LISTS,
    MAX_NAME,
    MAX_PHONE,
    MAX_PLACE,
    MAX_STREET,
    NAME_FIELDS,
    new_phone,
    valid_email,
    valid_first_name,
)
from app.sandbox.constant_contact.errors import Reply, bad_request
from app.sandbox.constant_contact.places import normalise
from app.sandbox.constant_contact.util import iso, new_id

if TYPE_CHECKING:
    from app.sandbox.constant_contact.activities import ActivityRunner

MAX_ITEMS = 40_000
MAX_BYTES = 4 * 1024 * 1024
CHUNK = 5_000
PHONE_KEYS = {
    "phone": "other",
    "home_phone": "home",
    "work_phone": "work",
    "mobile_phone": "mobile",
    "other_phone": "other",
}
ADDRESS_PREFIXES = {"": "home", "home_": "home", "work_": "work", "other_": "other"}
ADDRESS_KEYS = {"street": "street", "street2": "street2", "city": "city", "state": "state"}
ADDRESS_KEYS.update({"zip": "postal_code", "country": "country"})
ADDRESS_LIMITS = {"street": MAX_STREET, "street2": MAX_STREET, "postal_code": MAX_PLACE}
ADDRESS_LIMITS.update({"city": MAX_PLACE, "state": MAX_PLACE, "country": MAX_PLACE})


@dataclass
class Item:
    """One import row after parsing."""

    row: int
    email: str
    scalars: dict[str, Any] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, dict[str, str]] = field(default_factory=dict)
    custom: dict[str, str] = field(default_factory=dict)


def start_import(env: Env, call: Call) -> Reply:
    body = call.json_object(max_bytes=MAX_BYTES)
    items, list_ids = body.get("import_data"), body.get("list_ids")
    if not isinstance(items, list) or not items:
        raise bad_request("import_data is required and must be a non-empty array.")
    if len(items) > MAX_ITEMS:
        raise bad_request(f"import_data must contain at most {MAX_ITEMS:,} contacts.")
    if not isinstance(list_ids, list) or not 1 <= len(list_ids) <= MAX_LISTS:
        raise bad_request(f"list_ids is required and must contain 1 to {MAX_LISTS} list ids.")
    if not all(isinstance(i, dict) for i in items):
        raise bad_request("import_data items must be objects.")
    with env.state.tx() as conn:
        known = store.active_list_ids(conn)
        missing = [str(i) for i in list_ids if i not in known]
        if missing:
            raise bad_request(*(f"list_ids {i} does not exist" for i in missing))
        status = {"items_total_count": len(items), "person_count": 0, "error_count": 0}
        status.update(correctable_count=0, cannot_add_to_list_count=0)
        payload = {"import_data": items, "list_ids": list(dict.fromkeys(list_ids))}
        doc = env.runner.submit(conn, "contacts_json_import", payload, status, call.now)
    return Reply(201, doc)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = value.strip() if isinstance(value, str) else str(value).strip()
    return text or None  # blank values leave the stored value alone


def _key_table() -> dict[str, tuple[str, str, int]]:
    """Import key -> (group, target, max length); groups: scalar, int, phone, address."""
    table = {key: ("scalar", key, MAX_NAME) for key in NAME_FIELDS}
    table["anniversary"] = ("scalar", "anniversary", 10)
    table["birthday_month"] = ("int", "birthday_month", 12)
    table["birthday_day"] = ("int", "birthday_day", 31)
    for key, kind in PHONE_KEYS.items():
        table[key] = ("phone", kind, MAX_PHONE)
    for prefix, kind in ADDRESS_PREFIXES.items():
        for key, part in ADDRESS_KEYS.items():
            table[prefix + key] = ("address", f"{kind}:{part}", ADDRESS_LIMITS[part])
    table["home country"] = table["home_country"]  # the spec's own spelling of the key
    return table


KEYS = _key_table()


def parse_item(row: int, item: dict[str, Any], fields: dict[str, str]) -> Item | str:
    """An Item, or the error message for an invalid row."""
    email = _text(item.get("email"))
    label = f"Row {row} ({email})" if email else f"Row {row}"
    if email is None:
        return f"{label}: email is required"
    if len(email) > MAX_EMAIL or not valid_email(email):
        return f"{label}: invalid email address"
    parsed = Item(row, email)
    for key, raw in item.items():
        spec = KEYS.get(key)
        if spec is None:
            if key.startswith("cf:"):
                problem = _custom(parsed, key, raw, fields)
                if problem:
                    return f"{label}: {problem}"
            continue  # unknown keys are ignored
        value = _text(raw)
        if value is None:
            continue
        group, target, limit = spec
        if group == "int":
            if not value.isdigit() or not 1 <= int(value) <= limit:
                return f"{label}: {key} must be a number from 1 to {limit}"
            parsed.scalars[target] = int(value)
            continue
        if len(value) > limit:
            return f"{label}: {key} is longer than {limit} characters"
        if key == "first_name" and not valid_first_name(value):
            # The service refuses the whole row (reported in activity_errors by email).
            return f"{label}: first_name is invalid"
        if group == "scalar":
            parsed.scalars[target] = value
        elif group == "phone":
            parsed.phones[target] = value
        else:
            kind, part = target.split(":")
            parsed.addresses.setdefault(kind, {})[part] = value
    if len(parsed.custom) > MAX_CUSTOM_FIELDS:
        return f"{label}: more than {MAX_CUSTOM_FIELDS} custom fields"
    return parsed


def _custom(parsed: Item, key: str, raw: Any, fields: dict[str, str]) -> str | None:
    name = key[3:].strip()
    field_id = fields.get(name) or fields.get(name.lower())
    if field_id is None:
        return f"unknown custom field {name!r}"
    value = _text(raw)
    if value is not None:
        if len(value) > MAX_CUSTOM_VALUE:
            return f"{key} is longer than {MAX_CUSTOM_VALUE} characters"
        parsed.custom[field_id] = value
    return None


def merge(doc: dict[str, Any], item: Item, now: datetime) -> str | None:
    """Apply the properties sent in ``item`` to ``doc``; an error message if a limit breaks."""
    doc.update(item.scalars)
    if not (item.phones or item.addresses or item.custom):
        return None
    stamp = iso(now)
    phones = list(doc.get("phone_numbers") or [])
    for kind, number in item.phones.items():
        same = next((p for p in phones if p.get("kind") == kind), None)
        if same is not None:
            same.update(phone_number=number, updated_at=stamp, update_source="Account")
        else:
            phones.append(new_phone(number, kind, now, "Account"))
    addresses = list(doc.get("street_addresses") or [])
    for kind, parts in item.addresses.items():
        parts = dict(parts)
        if "street2" in parts:
            parts["street"] = "\n".join(filter(None, (parts.get("street"), parts.pop("street2"))))
        same = next((a for a in addresses if a.get("kind") == kind), None)
        if same is None:
            same = {"street_address_id": new_id(), "kind": kind, "created_at": stamp}
            addresses.append(same)
        same.update(parts, updated_at=stamp)
        normalise(same)  # "IL" is stored as "Illinois", as the service does
    custom = {c["custom_field_id"]: c for c in doc.get("custom_fields") or []}
    for field_id, value in item.custom.items():
        custom[field_id] = {"custom_field_id": field_id, "value": value}
    label = f"Row {item.row} ({item.email})"
    if len(phones) > 3:
        return f"{label}: a contact can have at most 3 phone numbers"
    if len(addresses) > MAX_ADDRESSES:
        return f"{label}: a contact can have at most {MAX_ADDRESSES} street addresses"
    if len(custom) > MAX_CUSTOM_FIELDS:
        return f"{label}: a contact can have at most {MAX_CUSTOM_FIELDS} custom fields"
    doc["phone_numbers"], doc["street_addresses"] = phones, addresses
    doc["custom_fields"] = list(custom.values())
    return None


def process(
    runner: ActivityRunner, activity_id: str, payload: dict[str, Any]
) -> tuple[dict[str, int], list[str]]:
    """The background half of an import; returns the final status counts and row errors."""
    # Bulk work allocates many small dicts; cyclic GC passes over them cost more than the
    # import itself, and nothing here creates cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _process(runner, activity_id, payload)
    finally:
        if was_enabled:
            gc.enable()


def _process(
    runner: ActivityRunner, activity_id: str, payload: dict[str, Any]
) -> tuple[dict[str, int], list[str]]:
    items, list_ids = payload["import_data"], payload["list_ids"]
    with runner.state.tx() as conn:
        fields: dict[str, str] = {}
        for row in conn.execute("SELECT custom_field_id, name FROM custom_fields"):
            fields.setdefault(row["name"], row["custom_field_id"])
            fields.setdefault(row["name"].lower(), row["custom_field_id"])
    errors: list[str] = []
    latest: dict[str, Item] = {}
    for number, raw in enumerate(items, start=1):
        parsed = parse_item(number, raw, fields)
        if isinstance(parsed, str):
            errors.append(parsed)
        else:
            latest.pop(parsed.email.lower(), None)  # the last entry for an email wins
            latest[parsed.email.lower()] = parsed
    emails = list(latest)
    cannot_add = persons = 0
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        now = runner.clock()
        with runner.state.tx() as conn:
            existing = store.find_many_by_email(conn, chunk)
            inserts: list[tuple[str, dict[str, Any]]] = []
            updates: list[tuple[str, dict[str, Any]]] = []
            pairs: list[tuple[str, str]] = []
            for email in chunk:
                item = latest[email]
                found = existing.get(email)
                if found is None:
                    contact_id, doc = new_id(), _new_doc(item, now)
                else:
                    contact_id, doc = found
                    doc["deleted_at"] = None  # importing a deleted contact revives it
                    store.touch(doc, now, "Account")
                problem = merge(doc, item, now)
                if problem:
                    errors.append(problem)
                    continue
                persons += 1
                (inserts if found is None else updates).append((contact_id, doc))
                if doc["email_address"]["permission_to_send"] == "unsubscribed":
                    cannot_add += 1
                else:
                    pairs.extend((contact_id, list_id) for list_id in list_ids)
            store.insert_many(conn, inserts)
            store.update_many(conn, updates)
            store.add_memberships(conn, pairs)
        runner.progress(activity_id, min(99, (start + len(chunk)) * 100 // max(1, len(emails))))
    errors.sort(key=lambda text: int(text.split()[1]))
    status = {
        "items_total_count": len(items),
        "items_completed_count": len(items),
        "person_count": persons,
        "error_count": len(errors),
        "correctable_count": 0,
        "cannot_add_to_list_count": cannot_add,
        "list_count": len(list_ids),
    }
    return status, errors


def _new_doc(item: Item, now: datetime) -> dict[str, Any]:
    stamp = iso(now)
    return {  # no update_source until the contact's first update
        "email_address": new_email(item.email, "implicit", "Account", now),
        "create_source": "Account",
        "created_at": stamp,
        "updated_at": stamp,
    }
