"""``PUT /Contacts`` (create), ``POST /Contacts`` (update or create), ``POST /Contacts/{id}``.

Each item is checked as Xero does: a name is required on create and must be unique among
active contacts; email addresses must look valid; lengths and enums follow the spec.
``IsCustomer``/``IsSupplier`` are read-only (Xero sets them from invoices) and are ignored.
With ``summarizeErrors`` true (Xero's default) one bad item fails the whole call with a
``ValidationException`` listing every item; with false, good items are saved and bad ones come
back with ``HasValidationErrors``. POST matches an existing contact by ContactID, then by
ContactNumber. Groups are changed through /ContactGroups only.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from app.sandbox.xero import contact_store as store
from app.sandbox.xero.calls import Call, Env, envelope
from app.sandbox.xero.errors import Reply, validation
from app.sandbox.xero.util import new_id, to_ms

EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
MAX_LENGTHS = {
    "Name": 255,
    "FirstName": 255,
    "LastName": 255,
    "EmailAddress": 255,
    "ContactNumber": 50,
    "AccountNumber": 50,
    "CompanyNumber": 50,
    "TaxNumber": 50,
}
ADDRESS_LENGTHS = {"City": 255, "Region": 255, "PostalCode": 50, "Country": 50}
STATUSES = ("ACTIVE", "ARCHIVED")


def create_contacts(env: Env, call: Call) -> Reply:
    return _write(env, call, call.json_items("Contacts"), update_allowed=False)


def update_or_create_contacts(env: Env, call: Call) -> Reply:
    return _write(env, call, call.json_items("Contacts"), update_allowed=True)


def update_contact(env: Env, call: Call) -> Reply:
    items = call.json_items("Contacts")[:1]
    if items:
        items[0] = {**items[0], "ContactID": call.params["ContactID"]}
    return _write(env, call, items, update_allowed=True)


def _write(env: Env, call: Call, items: list[dict[str, Any]], update_allowed: bool) -> Reply:
    summarize = call.bool_arg("summarizeErrors", default=True)
    ms = to_ms(call.now)
    with env.state.tx() as conn:
        plans = [_plan(conn, call.tenant_id, item, update_allowed) for item in items]
        _check_batch_names(conn, call.tenant_id, plans)
        if summarize and any(p.errors for p in plans):
            raise validation(p.element() for p in plans)
        saved: list[Any] = []
        for plan in plans:
            if plan.errors:
                saved.append(plan.element(status="ERROR"))
                continue
            store.save(conn, call.tenant_id, plan.contact_id, plan.doc, ms)
            contact = store.get_contact(conn, call.tenant_id, plan.contact_id)
            assert contact is not None
            saved.append(store.render(contact))
    return Reply(200, envelope(call.now, Contacts=saved))


class _Plan:
    """One submitted item: the contact it becomes and what is wrong with it."""

    def __init__(self, item: Mapping[str, Any], contact_id: str, doc: dict[str, Any]) -> None:
        self.item = item
        self.contact_id = contact_id
        self.doc = doc
        self.errors: list[str] = []

    def element(self, status: str = "") -> dict[str, Any]:
        out = {k: v for k, v in self.item.items() if k != "ValidationErrors"}
        out["ValidationErrors"] = [{"Message": m} for m in self.errors]
        if status:
            out["HasValidationErrors"] = True
            out["StatusAttributeString"] = status
        return out


def _plan(
    conn: sqlite3.Connection, tenant_id: str, item: Mapping[str, Any], update_allowed: bool
) -> _Plan:
    existing_id = str(item.get("ContactID") or "")
    if not existing_id and update_allowed and item.get("ContactNumber"):
        existing_id = store.find_by_number(conn, tenant_id, str(item["ContactNumber"])) or ""
    current = store.get_contact(conn, tenant_id, existing_id) if existing_id else None
    if current is None:
        doc = store.merge({"ContactStatus": "ACTIVE"}, item)
        plan = _Plan(item, new_id(), doc)
        if existing_id:
            plan.errors.append(
                f"The contact with ContactID {existing_id} could not be found."
                if update_allowed
                else "A ContactID cannot be given when creating a contact."
            )
    else:
        plan = _Plan(item, current.contact_id, store.merge(current.doc, item))
        if not update_allowed:
            plan.errors.append("A ContactID cannot be given when creating a contact.")
    plan.errors += _field_errors(plan.doc)
    return plan


def _field_errors(doc: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    name = str(doc.get("Name") or "").strip()
    if not name:
        errors.append("The contact name must be specified.")
    for key, limit in MAX_LENGTHS.items():
        if len(str(doc.get(key) or "")) > limit:
            errors.append(f"{key} must not be longer than {limit} characters.")
    email = str(doc.get("EmailAddress") or "").strip()
    if email and not EMAIL.match(email):
        errors.append("Email address must be valid.")
    if doc.get("ContactStatus") not in STATUSES:
        errors.append("ContactStatus must be ACTIVE or ARCHIVED.")
    for address in doc.get("Addresses", ()):
        if address.get("AddressType") not in store.ADDRESS_TYPES:
            errors.append("AddressType must be POBOX or STREET.")
        for key, limit in ADDRESS_LENGTHS.items():
            if len(str(address.get(key) or "")) > limit:
                errors.append(f"{key} must not be longer than {limit} characters.")
    for phone in doc.get("Phones", ()):
        if phone.get("PhoneType") not in (*store.PHONE_TYPES, "OFFICE"):
            errors.append("PhoneType must be DEFAULT, DDI, MOBILE, FAX or OFFICE.")
        if len(str(phone.get("PhoneNumber") or "")) > 50:
            errors.append("PhoneNumber must not be longer than 50 characters.")
    return errors


def _check_batch_names(conn: sqlite3.Connection, tenant_id: str, plans: list[_Plan]) -> None:
    """Names must be unique among active contacts, counting the other items of the call."""
    seen: dict[str, str] = {}
    for plan in plans:
        name = str(plan.doc.get("Name") or "").strip()
        if not name or plan.doc.get("ContactStatus") != "ACTIVE":
            continue
        key = name.lower()
        if store.name_taken(conn, tenant_id, name, plan.contact_id) or (
            key in seen and seen[key] != plan.contact_id
        ):
            plan.errors.append(
                f"The contact name {name} is already assigned to another contact. "
                "The contact name must be unique across all active contacts."
            )
        seen.setdefault(key, plan.contact_id)
