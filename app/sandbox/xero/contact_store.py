"""Contacts and contact groups in the emulator's SQLite file, and their Xero JSON shape.

A contact is stored as a document of the writable fields. Rendering adds what Xero always
sends: both address types (STREET, POBOX), the four phone types, ``UpdatedDateUTC`` as
``/Date(ms+0000)/`` and the contact's groups. Changing group membership does not change a
contact's ``UpdatedDateUTC`` (as far as the published material says, Xero does not either),
so an incremental reader must read the groups themselves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from app.sandbox.kit.replies import dumps, loads
from app.sandbox.xero.util import ms_date

SCALARS = (
    "ContactNumber",
    "AccountNumber",
    "ContactStatus",
    "Name",
    "FirstName",
    "LastName",
    "CompanyNumber",
    "EmailAddress",
    "TaxNumber",
)
ADDRESS_TYPES = ("STREET", "POBOX")
PHONE_TYPES = ("DEFAULT", "DDI", "FAX", "MOBILE")
ADDRESS_KEYS = (
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "AddressLine4",
    "City",
    "Region",
    "PostalCode",
    "Country",
    "AttentionTo",
)
PHONE_KEYS = ("PhoneNumber", "PhoneAreaCode", "PhoneCountryCode")
# Dropped by summaryOnly=true (the lightweight form of GET /Contacts).
SUMMARY_DROPS = ("Addresses", "Phones", "ContactGroups", "ContactPersons", "HasAttachments")


class Contact:
    """One stored contact: its id, its document and when it last changed."""

    __slots__ = ("contact_id", "doc", "groups", "updated_ms")

    def __init__(self, contact_id: str, doc: dict[str, Any], updated_ms: int) -> None:
        self.contact_id = contact_id
        self.doc = doc
        self.updated_ms = updated_ms
        self.groups: list[dict[str, str]] = []

    @property
    def status(self) -> str:
        return str(self.doc.get("ContactStatus") or "ACTIVE")


def load_contacts(
    conn: sqlite3.Connection, tenant_id: str, ids: Iterable[str] | None = None
) -> list[Contact]:
    """The tenant's contacts (or those of ``ids``), each with its active groups."""
    sql = "SELECT contact_id, doc, updated_ms FROM contacts WHERE tenant_id = ?"
    args: list[Any] = [tenant_id]
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return []
        sql += f" AND contact_id IN ({','.join('?' * len(wanted))})"
        args += wanted
    contacts = [
        Contact(r["contact_id"], loads(r["doc"]), r["updated_ms"])
        for r in conn.execute(sql + " ORDER BY name_lower, contact_id", args)
    ]
    by_id = {c.contact_id: c for c in contacts}
    rows = conn.execute(
        "SELECT m.contact_id, g.group_id, g.name FROM members m JOIN groups g USING (group_id)"
        " WHERE g.tenant_id = ? AND g.status = 'ACTIVE' ORDER BY g.name",
        (tenant_id,),
    )
    for row in rows:
        contact = by_id.get(row["contact_id"])
        if contact is not None:
            contact.groups.append({"ContactGroupID": row["group_id"], "Name": row["name"]})
    return contacts


def get_contact(conn: sqlite3.Connection, tenant_id: str, contact_id: str) -> Contact | None:
    found = load_contacts(conn, tenant_id, [contact_id])
    return found[0] if found else None


def render(contact: Contact, summary: bool = False) -> dict[str, Any]:
    """The contact as Xero sends it."""
    doc = contact.doc
    out: dict[str, Any] = {"ContactID": contact.contact_id, "ContactStatus": contact.status}
    for key in SCALARS:
        if key != "ContactStatus" and doc.get(key):
            out[key] = doc[key]
    out["Name"] = doc.get("Name", "")
    out["Addresses"] = [_address(doc, kind) for kind in ADDRESS_TYPES]
    out["Phones"] = [_phone(doc, kind) for kind in PHONE_TYPES]
    out["UpdatedDateUTC"] = ms_date(contact.updated_ms)
    out["ContactGroups"] = [
        {**g, "Status": "ACTIVE", "Contacts": []} for g in sorted(contact.groups, key=_by_name)
    ]
    out["IsSupplier"] = bool(doc.get("IsSupplier"))
    out["IsCustomer"] = bool(doc.get("IsCustomer"))
    out["ContactPersons"] = []
    out["HasAttachments"] = False
    out["HasValidationErrors"] = False
    if summary:
        for key in SUMMARY_DROPS:
            out.pop(key, None)
    return out


def brief(contact: Contact) -> dict[str, Any]:
    """The short form inside a group's ``Contacts``."""
    return {"ContactID": contact.contact_id, "Name": contact.doc.get("Name", "")}


def _by_name(group: Mapping[str, str]) -> str:
    return group["Name"].lower()


def _address(doc: Mapping[str, Any], kind: str) -> dict[str, Any]:
    stored: Mapping[str, Any] = next(
        (a for a in doc.get("Addresses", ()) if a.get("AddressType") == kind), {}
    )
    out: dict[str, Any] = {"AddressType": kind}
    for key in ADDRESS_KEYS:
        if stored.get(key) or key in ("City", "Region", "PostalCode", "Country"):
            out[key] = stored.get(key, "")
    return out


def _phone(doc: Mapping[str, Any], kind: str) -> dict[str, Any]:
    stored: Mapping[str, Any] = next(
        (p for p in doc.get("Phones", ()) if p.get("PhoneType") == kind), {}
    )
    return {"PhoneType": kind, **{key: stored.get(key, "") for key in PHONE_KEYS}}


def merge(doc: dict[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with the writable fields of ``item``; phones and addresses replace by type."""
    merged = dict(doc)
    for key in SCALARS:
        if key in item and item[key] is not None:
            merged[key] = str(item[key])
    for list_key, type_key in (("Addresses", "AddressType"), ("Phones", "PhoneType")):
        if isinstance(item.get(list_key), list):
            entries = {e.get(type_key): dict(e) for e in merged.get(list_key, ())}
            for entry in item[list_key]:
                if isinstance(entry, Mapping) and entry.get(type_key):
                    entries[entry[type_key]] = {k: v for k, v in entry.items() if v is not None}
            merged[list_key] = list(entries.values())
    return merged


def save(
    conn: sqlite3.Connection, tenant_id: str, contact_id: str, doc: Mapping[str, Any], ms: int
) -> None:
    conn.execute(
        "INSERT INTO contacts (contact_id, tenant_id, name_lower, number, status, updated_ms,"
        " doc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(contact_id) DO UPDATE SET"
        " name_lower = excluded.name_lower, number = excluded.number,"
        " status = excluded.status, updated_ms = excluded.updated_ms, doc = excluded.doc",
        (
            contact_id,
            tenant_id,
            str(doc.get("Name", "")).lower(),
            doc.get("ContactNumber") or None,
            doc.get("ContactStatus") or "ACTIVE",
            ms,
            dumps(dict(doc)),
        ),
    )


def name_taken(
    conn: sqlite3.Connection, tenant_id: str, name: str, except_id: str | None = None
) -> bool:
    """Whether an active contact other than ``except_id`` has this name (case-insensitive)."""
    row = conn.execute(
        "SELECT 1 FROM contacts WHERE tenant_id = ? AND name_lower = ? AND status = 'ACTIVE'"
        " AND contact_id != ?",
        (tenant_id, name.lower(), except_id or ""),
    ).fetchone()
    return row is not None


def find_by_number(conn: sqlite3.Connection, tenant_id: str, number: str) -> str | None:
    row = conn.execute(
        "SELECT contact_id FROM contacts WHERE tenant_id = ? AND number = ?", (tenant_id, number)
    ).fetchone()
    return row["contact_id"] if row else None


# -- groups ---------------------------------------------------------------------------------


def groups(conn: sqlite3.Connection, tenant_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT group_id, name, status FROM groups WHERE tenant_id = ? AND status = 'ACTIVE'"
        " ORDER BY name COLLATE NOCASE",
        (tenant_id,),
    ).fetchall()


def group(conn: sqlite3.Connection, tenant_id: str, group_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT group_id, name, status FROM groups WHERE tenant_id = ? AND group_id = ?",
        (tenant_id, group_id),
    ).fetchone()


def group_by_name(conn: sqlite3.Connection, tenant_id: str, name: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT group_id, name, status FROM groups WHERE tenant_id = ? AND status = 'ACTIVE'"
        " AND lower(name) = lower(?)",
        (tenant_id, name),
    ).fetchone()


def insert_group(conn: sqlite3.Connection, tenant_id: str, group_id: str, name: str) -> None:
    conn.execute(
        "INSERT INTO groups (group_id, tenant_id, name, status) VALUES (?, ?, ?, 'ACTIVE')",
        (group_id, tenant_id, name),
    )


def member_ids(conn: sqlite3.Connection, group_id: str) -> list[str]:
    rows = conn.execute("SELECT contact_id FROM members WHERE group_id = ?", (group_id,))
    return [r["contact_id"] for r in rows]


def add_members(conn: sqlite3.Connection, group_id: str, contact_ids: Iterable[str]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO members (group_id, contact_id) VALUES (?, ?)",
        [(group_id, cid) for cid in contact_ids],
    )


def remove_members(
    conn: sqlite3.Connection, group_id: str, contact_ids: Iterable[str] | None = None
) -> None:
    if contact_ids is None:
        conn.execute("DELETE FROM members WHERE group_id = ?", (group_id,))
        return
    conn.executemany(
        "DELETE FROM members WHERE group_id = ? AND contact_id = ?",
        [(group_id, cid) for cid in contact_ids],
    )
