"""Account custom fields: the catalogue, ``GET /customFields`` and values on accounts.

Live shapes (shared/notes/neoncrm-real-behaviour.md): ``GET /customFields?category=Account``
is a bare array whose ids (field and option) are strings; ``dataType`` is null for most
choice fields; an account lists in ``accountCustomFields`` only the fields that have a value,
text fields with ``value`` and choice fields with ``optionValues``. The answer's shape
depends on ``NEON-API-VERSION``: 2.8 has no ``displayName`` and puts the event settings flat
on each field, with ``status`` and ``code`` on options; the latest nests them in
``accountSettings``/``eventSettings``/... as the 2.11 spec does. The emulator gives the flat
shape to versions up to 2.9 and the nested one from 2.10 (only 2.8 and the latest are on
record).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.sandbox.neoncrm import errors
from app.sandbox.neoncrm.errors import bad_request

CHOICE_TYPES = frozenset({"Checkbox", "Dropdown", "Radio"})
DISPLAY_TYPES = frozenset(
    {"Checkbox", "Dropdown", "OneLineText", "MultiLineText", "Password", "Radio", "File", "Account"}
)
CATEGORIES = (
    "Account",
    "Donation",
    "Event",
    "Attendee",
    "Individual",
    "Company",
    "Activity",
    "Membership",
    "Product",
    "Prospect",
    "Grant",
)
NESTED_FROM = (2, 10)

# Operators the search-field list advertises for custom fields, by kind (as a 2026 org's
# list shows them: dates get the comparisons, choices CONTAIN but not NOT_IN_RANGE).
TEXT_OPERATORS = ("EQUAL", "NOT_EQUAL", "BLANK", "NOT_BLANK", "IN_RANGE", "NOT_IN_RANGE", "CONTAIN")
CHOICE_OPERATORS = ("EQUAL", "NOT_EQUAL", "BLANK", "NOT_BLANK", "IN_RANGE", "CONTAIN")
DATE_OPERATORS = (
    "EQUAL",
    "NOT_EQUAL",
    "BLANK",
    "NOT_BLANK",
    "LESS_THAN",
    "GREATER_THAN",
    "LESS_AND_EQUAL",
    "GREATER_AND_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE",
)


@dataclass(frozen=True)
class CustomField:
    field_id: str
    org_id: str
    name: str
    display_type: str
    data_type: str | None
    account_type: str  # Any, Individual or Company
    group_id: str | None
    status: str
    read_only: bool
    options: tuple[tuple[str, str], ...]  # (option id, name)

    @property
    def is_choice(self) -> bool:
        return self.display_type in CHOICE_TYPES

    @property
    def is_date(self) -> bool:
        return self.data_type == "Date"

    @property
    def operators(self) -> tuple[str, ...]:
        if self.is_date:
            return DATE_OPERATORS
        return CHOICE_OPERATORS if self.is_choice else TEXT_OPERATORS

    def applies_to(self, kind: str) -> bool:
        if self.account_type == "Any":
            return True
        return (self.account_type == "Individual") == (kind == "INDIVIDUAL")

    def option_name(self, option_id: str) -> str | None:
        return next((name for oid, name in self.options if oid == option_id), None)

    def option_id(self, name: str) -> str | None:
        wanted = name.strip().lower()
        return next((oid for oid, oname in self.options if oname.lower() == wanted), None)


def from_row(row: sqlite3.Row) -> CustomField:
    return CustomField(
        field_id=row["field_id"],
        org_id=row["org_id"],
        name=row["name"],
        display_type=row["display_type"],
        data_type=row["data_type"],
        account_type=row["account_type"],
        group_id=row["group_id"],
        status=row["status"],
        read_only=bool(row["read_only"]),
        options=tuple((str(o["id"]), str(o["name"])) for o in json.loads(row["options"])),
    )


def load(conn: sqlite3.Connection, org_id: str) -> list[CustomField]:
    rows = conn.execute(
        "SELECT * FROM custom_fields WHERE org_id = ? ORDER BY name COLLATE NOCASE,"
        " CAST(field_id AS INTEGER)",
        (org_id,),
    ).fetchall()
    return [from_row(r) for r in rows]


def by_id(fields: Iterable[CustomField]) -> dict[str, CustomField]:
    return {f.field_id: f for f in fields}


# -- GET /customFields ---------------------------------------------------------------------


def list_for(fields: Iterable[CustomField], category: str, version: tuple[int, int]) -> list[Any]:
    """The answer to ``GET /customFields?category=...`` (account fields only live here)."""
    if category == "Account":
        chosen = list(fields)
    elif category in ("Individual", "Company"):
        chosen = [f for f in fields if f.account_type == category]
    else:
        chosen = []
    nested = version >= NESTED_FROM
    return [_nested(f) if nested else _flat(f) for f in chosen]


def _nested(field: CustomField) -> dict[str, Any]:
    return {
        "id": field.field_id,
        "name": field.name,
        "status": field.status,
        "displayName": field.name,
        "groupId": field.group_id,
        "displayType": field.display_type,
        "dataType": field.data_type,
        "constituentReadOnly": field.read_only,
        "component": "Account",
        "optionValues": [
            {
                "id": oid,
                "name": name,
                "visibleOnPublicForms": True,
                "visibleOnConstituentForms": True,
            }
            for oid, name in field.options
        ]
        if field.is_choice
        else None,
        "accountSettings": {"accountType": field.account_type},
        "eventSettings": None,
        "membershipSettings": None,
        "productSettings": None,
    }


def _flat(field: CustomField) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": field.field_id,
        "name": field.name,
        "status": field.status,
        "groupId": field.group_id,
        "displayType": field.display_type,
        "dataType": field.data_type,
        "constituentReadOnly": field.read_only,
        "component": "Account",
        "optionValues": [
            {
                "id": oid,
                "name": name,
                "status": None,
                "code": "",
                "visibleOnPublicForms": True,
                "visibleOnConstituentForms": True,
            }
            for oid, name in field.options
        ]
        if field.is_choice
        else None,
    }
    for key in (
        "isEventSpecificField",
        "eventId",
        "attendeeQuestion",
        "constituentName",
        "publicName",
        "constituentRequired",
        "publicRequired",
        "constituentVisible",
        "publicVisible",
    ):
        body[key] = None
    return body


# -- values on accounts -----------------------------------------------------------------------


def parse_values(
    items: Any, fields: Mapping[str, CustomField], kind: str
) -> dict[str, dict[str, Any] | None]:
    """``accountCustomFields`` of a write → {field id: stored value, or None to clear it}.

    Raises the 400 with every problem found (codes 50-56).
    """
    if items is None:
        return {}
    if not isinstance(items, list):
        raise bad_request(errors.value_invalid("accountCustomFields"))
    problems: list[errors.Message] = []
    changes: dict[str, dict[str, Any] | None] = {}
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            problems.append(errors.CUSTOM_ID_REQUIRED)
            continue
        field_id = str(item["id"])
        field = fields.get(field_id)
        if field is None or not field.applies_to(kind):
            problems.append(errors.CUSTOM_ID_INVALID)
            continue
        if field_id in seen:
            problems.append(errors.CUSTOM_ID_DUPLICATED)
            continue
        seen.add(field_id)
        if field.is_choice:
            changes[field_id] = _choice_value(field, item, problems)
        else:
            value = item.get("value")
            if value is None:
                problems.append(errors.CUSTOM_VALUE_REQUIRED)
                continue
            text = str(value)
            changes[field_id] = {"value": text} if text != "" else None
    if problems:
        raise bad_request(*problems)
    return changes


def _choice_value(
    field: CustomField, item: Mapping[str, Any], problems: list[errors.Message]
) -> dict[str, Any] | None:
    options = item.get("optionValues")
    if options is None:
        problems.append(errors.CUSTOM_OPTION_REQUIRED)
        return None
    if not isinstance(options, list):
        problems.append(errors.CUSTOM_OPTION_INVALID)
        return None
    chosen: list[str] = []
    for option in options:
        option_id = option.get("id") if isinstance(option, dict) else None
        if option_id in (None, ""):
            problems.append(errors.CUSTOM_OPTION_REQUIRED)
        elif field.option_name(str(option_id)) is None:
            problems.append(errors.CUSTOM_OPTION_INVALID)
        elif str(option_id) in chosen:
            problems.append(errors.CUSTOM_OPTION_DUPLICATED)
        else:
            chosen.append(str(option_id))
    return {"options": chosen} if chosen else None


def render_values(stored: Mapping[str, Any], fields: Mapping[str, CustomField]) -> list[Any]:
    """``accountCustomFields`` of an answer: only fields that have a value, by id."""
    out: list[dict[str, Any]] = []
    for field_id in sorted(stored, key=lambda k: int(k) if k.isdigit() else 0):
        field = fields.get(field_id)
        value = stored[field_id]
        if field is None or not value:
            continue
        if "options" in value:
            names = [(oid, field.option_name(oid)) for oid in value["options"]]
            out.append(
                {
                    "id": field_id,
                    "name": field.name,
                    "optionValues": [{"id": oid, "name": n} for oid, n in names if n is not None],
                }
            )
        else:
            out.append({"id": field_id, "name": field.name, "value": value.get("value")})
    return out


def search_value(field: CustomField, stored: Mapping[str, Any]) -> str | list[str] | None:
    """A custom value as search sees it: the text, or the names of the chosen options."""
    value = stored.get(field.field_id)
    if not value:
        return None
    if "options" in value:
        return [n for n in (field.option_name(o) for o in value["options"]) if n is not None]
    text = value.get("value")
    return text if text not in (None, "") else None


def output_value(field: CustomField, stored: Mapping[str, Any]) -> str | None:
    """A custom value in a search row: text as stored, choices by option name (``|``-joined)."""
    value = search_value(field, stored)
    if isinstance(value, list):
        return "|".join(value) if value else None
    return value
