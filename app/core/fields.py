"""The Constant Contact contact fields a mapping can target, with their limits.

Keys are the flat names of Constant Contact's bulk JSON import (``email``, ``first_name``,
``work_phone``, ``street``...). A custom field is addressed as ``cf:<custom field name>``.
"""

from __future__ import annotations

from dataclasses import dataclass

CUSTOM_PREFIX = "cf:"


@dataclass(frozen=True)
class TargetField:
    """One Constant Contact field a source column can be mapped to."""

    key: str
    label: str
    max_length: int
    group: str = "Contact"


STANDARD_FIELDS: tuple[TargetField, ...] = (
    TargetField("email", "Email address", 80),
    TargetField("first_name", "First name", 50),
    TargetField("last_name", "Last name", 50),
    TargetField("company_name", "Company", 50),
    TargetField("job_title", "Job title", 50),
    TargetField("phone", "Phone", 25, "Phone"),
    TargetField("home_phone", "Home phone", 25, "Phone"),
    TargetField("work_phone", "Work phone", 25, "Phone"),
    TargetField("mobile_phone", "Mobile phone", 25, "Phone"),
    TargetField("other_phone", "Other phone", 25, "Phone"),
    TargetField("street", "Street", 255, "Address"),
    TargetField("street2", "Street line 2", 255, "Address"),
    TargetField("city", "City", 50, "Address"),
    TargetField("state", "State / province", 50, "Address"),
    TargetField("zip", "Postal code", 50, "Address"),
    TargetField("country", "Country", 50, "Address"),
    TargetField("birthday_month", "Birthday month", 2, "Dates"),
    TargetField("birthday_day", "Birthday day", 2, "Dates"),
    TargetField("anniversary", "Anniversary", 10, "Dates"),
)

# Worked out from one column before sending (``core.derived_fields``): not Constant Contact
# fields themselves, so never sent under these keys.
DERIVED_FIELDS: tuple[TargetField, ...] = (
    TargetField("full_name", "Full name (split into first and last)", 255),
    TargetField("birthday", "Birthday (full date: month and day sent)", 40, "Dates"),
)

FIELDS_BY_KEY: dict[str, TargetField] = {f.key: f for f in STANDARD_FIELDS + DERIVED_FIELDS}
ADDRESS_KEYS = frozenset(f.key for f in STANDARD_FIELDS if f.group == "Address")
PHONE_KEYS = frozenset(f.key for f in STANDARD_FIELDS if f.group == "Phone")

CUSTOM_FIELD_VALUE_MAX = 255
CUSTOM_FIELD_LABEL_MAX = 50
MAX_CUSTOM_FIELDS_PER_CONTACT = 25
MAX_CUSTOM_FIELDS_PER_ACCOUNT = 100
MAX_LISTS_PER_CONTACT = 50
MAX_LISTS_PER_ACCOUNT = 1000
LIST_NAME_MAX = 255
IMPORT_MAX_CONTACTS = 40_000
IMPORT_MAX_BYTES = 4 * 1024 * 1024


def is_custom(key: str) -> bool:
    return key.startswith(CUSTOM_PREFIX)


def custom_key(name: str) -> str:
    return f"{CUSTOM_PREFIX}{name}"


def custom_name(key: str) -> str:
    return key[len(CUSTOM_PREFIX) :]


def max_length(key: str) -> int:
    """The longest value Constant Contact accepts for a target field."""
    if is_custom(key):
        return CUSTOM_FIELD_VALUE_MAX
    return FIELDS_BY_KEY[key].max_length


def label(key: str) -> str:
    if is_custom(key):
        return f"Custom: {custom_name(key)}"
    field = FIELDS_BY_KEY.get(key)
    return field.label if field else key
