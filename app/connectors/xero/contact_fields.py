"""Xero contacts as flat rows of named columns, and rows back into Xero contacts (pure).

Phones and addresses are flattened: "Phone" is the DEFAULT phone and "Mobile" the MOBILE one
(country code, area code and number joined); the address is the STREET address when it has
anything in it, else the POBOX one, and "Street" joins its address lines with ", ".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

COLUMNS: tuple[str, ...] = (
    "ContactID",
    "Name",
    "FirstName",
    "LastName",
    "EmailAddress",
    "ContactNumber",
    "Phone",
    "Mobile",
    "Street",
    "City",
    "Region",
    "PostalCode",
    "Country",
    "Groups",
    "IsCustomer",
    "IsSupplier",
    "ContactStatus",
    "UpdatedDateUTC",
)
SCALARS = ("Name", "FirstName", "LastName", "EmailAddress", "ContactNumber", "ContactStatus")
ADDRESS_COLUMNS = {
    "City": "City",
    "Region": "Region",
    "PostalCode": "PostalCode",
    "Country": "Country",
}
PHONE_COLUMNS = {"Phone": "DEFAULT", "Mobile": "MOBILE"}
LINES = ("AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4")
# Columns that need the contact's current phones or addresses to write back safely.
COMPOUND = frozenset({"Street", *ADDRESS_COLUMNS, *PHONE_COLUMNS})
READ_ONLY = frozenset({"ContactID", "Groups", "IsCustomer", "IsSupplier", "UpdatedDateUTC"})
_MS_DATE = re.compile(r"/Date\((-?\d+)")


def parse_xero_date(text: str | None) -> datetime | None:
    """``/Date(1503348544227+0000)/`` as an aware UTC datetime."""
    match = _MS_DATE.match(text or "")
    return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC) if match else None


def _phone_text(phone: Mapping[str, Any]) -> str:
    country = str(phone.get("PhoneCountryCode") or "").strip()
    if country and not country.startswith("+"):
        country = "+" + country
    parts = (country, phone.get("PhoneAreaCode"), phone.get("PhoneNumber"))
    return " ".join(str(p).strip() for p in parts if p and str(p).strip())


def _has_content(address: Mapping[str, Any]) -> bool:
    keys = (*LINES, *ADDRESS_COLUMNS.values())
    return any(str(address.get(k) or "").strip() for k in keys)


def chosen_address(contact: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(AddressType, address)``: STREET if it holds anything, else POBOX, else empty STREET."""
    by_type = {a.get("AddressType"): a for a in contact.get("Addresses") or ()}
    for kind in ("STREET", "POBOX"):
        if kind in by_type and _has_content(by_type[kind]):
            return kind, dict(by_type[kind])
    return "STREET", {"AddressType": "STREET"}


def flatten(contact: Mapping[str, Any]) -> dict[str, str]:
    """One Xero contact as ``{column: text}`` for every column in :data:`COLUMNS`."""
    values = {column: "" for column in COLUMNS}
    values["ContactID"] = str(contact.get("ContactID") or "")
    for key in SCALARS:
        values[key] = str(contact.get(key) or "").strip()
    phones = {p.get("PhoneType"): p for p in contact.get("Phones") or ()}
    for column, kind in PHONE_COLUMNS.items():
        values[column] = _phone_text(phones.get(kind) or {})
    _, address = chosen_address(contact)
    values["Street"] = ", ".join(
        str(address.get(k)).strip() for k in LINES if str(address.get(k) or "").strip()
    )
    for column, key in ADDRESS_COLUMNS.items():
        values[column] = str(address.get(key) or "").strip()
    names = sorted(str(g.get("Name") or "") for g in contact.get("ContactGroups") or ())
    values["Groups"] = "; ".join(n for n in names if n)
    values["IsCustomer"] = "true" if contact.get("IsCustomer") else "false"
    values["IsSupplier"] = "true" if contact.get("IsSupplier") else "false"
    updated = parse_xero_date(contact.get("UpdatedDateUTC"))
    values["UpdatedDateUTC"] = updated.isoformat(timespec="milliseconds") if updated else ""
    return values


def display_name(values: Mapping[str, str]) -> str:
    """Xero requires a unique contact name: the Name column, else the person's name or email."""
    name = (values.get("Name") or "").strip()
    if name:
        return name
    person = " ".join(
        v.strip() for v in (values.get("FirstName") or "", values.get("LastName") or "") if v
    ).strip()
    return person or (values.get("EmailAddress") or "").strip()


def to_xero(values: Mapping[str, str], current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A Xero contact item from column values; ``current`` is the contact being updated.

    Only the columns present in ``values`` are written (read-only ones are ignored). Phones
    and the address are rebuilt from ``current`` so that an update of one part keeps the rest.
    """
    item: dict[str, Any] = {}
    if current is not None:
        item["ContactID"] = current["ContactID"]
    for key in SCALARS:
        if key in values:
            item[key] = values[key].strip()
    if current is None:
        item["Name"] = display_name(values)
    for column, kind in PHONE_COLUMNS.items():
        if column in values:
            phone = {"PhoneType": kind, "PhoneNumber": values[column].strip()}
            item.setdefault("Phones", []).append(
                {**phone, "PhoneAreaCode": "", "PhoneCountryCode": ""}
            )
    if any(column in values for column in ("Street", *ADDRESS_COLUMNS)):
        kind, address = chosen_address(current or {})
        address = {k: v for k, v in address.items() if k != "AddressType"}
        if "Street" in values:
            address.update({line: "" for line in LINES}, AddressLine1=values["Street"].strip())
        for column, key in ADDRESS_COLUMNS.items():
            if column in values:
                address[key] = values[column].strip()
        item["Addresses"] = [{"AddressType": kind, **address}]
    return item
