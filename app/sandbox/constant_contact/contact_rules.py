"""Validation rules and limits for contact bodies, shared by every write path."""

from __future__ import annotations

import string
from collections.abc import Collection
from datetime import datetime
from typing import Any

from app.sandbox.constant_contact.errors import bad_request
from app.sandbox.constant_contact.places import normalise
from app.sandbox.constant_contact.util import is_uuid, iso, new_id

PERMISSIONS = (
    "explicit",
    "implicit",
    "not_set",
    "pending_confirmation",
    "temp_hold",
    "unsubscribed",
)
SUBSCRIBED = ("explicit", "implicit")
SOURCES = ("Contact", "Account")
PHONE_KINDS = ("home", "work", "mobile", "other")
ADDRESS_KINDS = ("home", "work", "other")
NAME_FIELDS = ("first_name", "last_name", "job_title", "company_name")
SUB_RESOURCES = (
    "custom_fields",
    "list_memberships",
    "phone_numbers",
    "street_addresses",
    "taggings",
    "notes",
)
MAX_LISTS = 50
MAX_CUSTOM_FIELDS = 25
MAX_PHONES = 3
MAX_ADDRESSES = 3
MAX_NAME = 50
MAX_EMAIL = 80
MAX_PHONE = 25
MAX_STREET = 255
MAX_PLACE = 50
MAX_CUSTOM_VALUE = 255
MAX_ANNIVERSARY = 10
ADDRESS_PARTS = {"street": MAX_STREET, "city": MAX_PLACE, "state": MAX_PLACE}
ADDRESS_PARTS.update({"postal_code": MAX_PLACE, "country": MAX_PLACE})

# What the service accepts as an address: ASCII only, as the conservative reading of the live
# service (nothing in ../shared/notes says otherwise); an internationalised domain must come
# in its punycode form (user@xn--bcher-kva.de). Written here as plain checks, with no code
# shared with the app's own validator (app/core/email_address.py), so each checks the other.
LOCAL_MAX = 64
LOCAL_CHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-")
LABEL_CHARS = frozenset(string.ascii_letters + string.digits + "-")
RESERVED_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def valid_email(address: str) -> bool:
    """A syntactically valid ASCII address (the caller trims it and checks its length)."""
    if not address.isascii():
        return False
    local, at, domain = address.rpartition("@")
    if not at or not local or len(local) > LOCAL_MAX:
        return False
    if any(not atom or not LOCAL_CHARS.issuperset(atom) for atom in local.split(".")):
        return False  # quoted local parts, "..", a dot at either end, a second "@"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_valid_label(label) for label in labels):
        return False
    top = labels[-1].lower()
    if top in RESERVED_TLDS:
        return False
    return (top.isalpha() and len(top) >= 2) or (top.startswith("xn--") and top[-1].isalpha())


def _valid_label(label: str) -> bool:
    return (
        0 < len(label) <= 63
        and LABEL_CHARS.issuperset(label)
        and not label.startswith("-")
        and not label.endswith("-")
    )


def valid_first_name(name: str) -> bool:
    """The service refuses first names with a full stop ("T.J."), seen in live probing."""
    return "." not in name


class Problems:
    """Collects validation messages; :meth:`raise_if_any` turns them into one 400.

    Messages follow the service's Grape wording ("create_source is missing", "kind does
    not have a valid value"), without a closing full stop: the 400 joins them with ", ".
    """

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise bad_request(*self.messages)

    def text(self, obj: dict[str, Any], key: str, limit: int, where: str = "") -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(f"{where}{key} is invalid")
            return None
        if len(value) > limit:
            self.add(f"{where}{key} must be at most {limit} characters long")
        return value

    def choice(
        self, obj: dict[str, Any], key: str, allowed: Collection[str], where: str = ""
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        if value not in allowed:
            self.add(f"{where}{key} does not have a valid value")
            return None
        return str(value)

    def array(self, obj: dict[str, Any], key: str, limit: int) -> list[Any] | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.add(f"{key} is invalid")
            return None
        if len(value) > limit:
            self.add(f"{key} must contain at most {limit} items")
        return value

    def required_choice(
        self, obj: dict[str, Any], key: str, allowed: Collection[str]
    ) -> str | None:
        """A required enum value; missing gives both of Grape's messages, as the service does."""
        if obj.get(key) is None:
            self.add(f"{key} is missing")
            self.add(f"{key} does not have a valid value")
            return None
        return self.choice(obj, key, allowed)


def check_scalars(problems: Problems, body: dict[str, Any]) -> dict[str, Any]:
    """Names, birthday and anniversary: returns the cleaned top-level scalar values."""
    out: dict[str, Any] = {}
    for key in NAME_FIELDS:
        out[key] = problems.text(body, key, MAX_NAME)
    if out["first_name"] and not valid_first_name(out["first_name"]):
        problems.add("first_name is invalid")
    out["anniversary"] = problems.text(body, "anniversary", MAX_ANNIVERSARY)
    month, day = body.get("birthday_month"), body.get("birthday_day")
    for key, value, high in (("birthday_month", month, 12), ("birthday_day", day, 31)):
        if value is not None and (type(value) is not int or not 1 <= value <= high):
            problems.add(f"{key} does not have a valid value")
    if (month is None) != (day is None):
        problems.add("birthday_month, birthday_day are missing, exactly one parameter provided")
    out["birthday_month"], out["birthday_day"] = month, day
    return out


def check_email(problems: Problems, value: Any) -> dict[str, Any] | None:
    """An EmailAddress input object -> {address, permission_to_send, opt_out_reason}."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("address"), str):
        problems.add("email_address[address] is missing")
        return None
    address = value["address"].strip()
    if len(address) > MAX_EMAIL:
        problems.add(f"email_address[address] must be at most {MAX_EMAIL} characters long")
    elif not valid_email(address):
        problems.add("email_address[address] is invalid")
    permission = problems.choice(value, "permission_to_send", PERMISSIONS, "email_address.")
    reason = problems.text(value, "opt_out_reason", 255, "email_address.")
    return {"address": address, "permission_to_send": permission, "opt_out_reason": reason}


def check_phones(
    problems: Problems, body: dict[str, Any], now: datetime, source: str
) -> list[dict[str, Any]] | None:
    items = problems.array(body, "phone_numbers", MAX_PHONES)
    if items is None:
        return None
    phones = []
    for item in items:
        if not isinstance(item, dict):
            problems.add("phone_numbers is invalid")
            continue
        number = problems.text(item, "phone_number", MAX_PHONE, "phone_numbers.")
        kind = problems.choice(item, "kind", PHONE_KINDS, "phone_numbers.") or "other"
        if number:
            phones.append(new_phone(number, kind, now, source))
    return phones


def new_phone(number: str, kind: str, now: datetime, source: str) -> dict[str, Any]:
    stamp = iso(now)
    return {
        "phone_number_id": new_id(),
        "phone_number": number,
        "kind": kind,
        "created_at": stamp,
        "updated_at": stamp,
        "create_source": source,
        "update_source": source,
    }


def check_addresses(
    problems: Problems, body: dict[str, Any], now: datetime
) -> list[dict[str, Any]] | None:
    items = problems.array(body, "street_addresses", MAX_ADDRESSES)
    if items is None:
        return None
    return [a for a in (check_address(problems, item, now) for item in items) if a]


def check_address(
    problems: Problems, item: Any, now: datetime, where: str = "street_addresses."
) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        problems.add(f"{where[:-1]} is invalid")
        return None
    if item.get("kind") is None:
        problems.add(f"{where}kind is missing")
    kind = problems.choice(item, "kind", ADDRESS_KINDS, where) or "home"
    address: dict[str, Any] = {"street_address_id": new_id(), "kind": kind}
    for part, limit in ADDRESS_PARTS.items():
        value = problems.text(item, part, limit, where)
        if value is not None:
            address[part] = value
    normalise(address)  # "IL" is stored, and answered, as "Illinois"
    address["created_at"] = address["updated_at"] = iso(now)
    return address


def check_custom_fields(
    problems: Problems, items: Any, known: Collection[str], limit: int = MAX_CUSTOM_FIELDS
) -> list[dict[str, Any]] | None:
    if items is None:
        return None
    problems_before = len(problems.messages)
    items = problems.array({"custom_fields": items}, "custom_fields", limit)
    if items is None or len(problems.messages) > problems_before:
        return None
    fields: dict[str, dict[str, Any]] = {}
    for item in items:
        field_id = item.get("custom_field_id") if isinstance(item, dict) else None
        if not isinstance(field_id, str) or field_id not in known:
            problems.add(f"custom_fields[custom_field_id] {field_id} does not exist")
            continue
        value = problems.text(item, "value", MAX_CUSTOM_VALUE, "custom_fields.")
        entry: dict[str, Any] = {"custom_field_id": field_id, "value": value or ""}
        if isinstance(item.get("choice_ids"), list):
            entry["choice_ids"] = [str(c) for c in item["choice_ids"]]
        fields[field_id] = entry
    return list(fields.values())


def check_list_ids(
    problems: Problems, items: Any, known: Collection[str], key: str = "list_memberships"
) -> list[str] | None:
    if items is None:
        return None
    items = problems.array({key: items}, key, MAX_LISTS)
    if items is None:
        return None
    out: list[str] = []
    for list_id in items:
        if not isinstance(list_id, str) or list_id not in known:
            problems.add(f"{key} {list_id} does not exist")
        elif list_id not in out:
            out.append(list_id)
    return out


def check_uuid_array(problems: Problems, items: Any, key: str, limit: int) -> list[str] | None:
    items = problems.array({key: items}, key, limit)
    if items is None:
        return None
    if not all(isinstance(i, str) and is_uuid(i) for i in items):
        problems.add(f"{key} is invalid")
    return [str(i) for i in items]
