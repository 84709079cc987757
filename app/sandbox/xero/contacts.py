"""``GET /Contacts`` and ``GET /Contacts/{ContactID}``: filters, ordering and paging.

Supported query parameters: ``page`` (without it, every match comes back unpaged),
``pageSize`` (default 100, at most 1000), ``where`` (see ``where.py``), ``order``
(``<Field> [ASC|DESC]`` for the ``where`` fields and UpdatedDateUTC), ``IDs``,
``includeArchived``, ``summaryOnly``, ``searchTerm``; and the ``If-Modified-Since`` header
(contacts whose UpdatedDateUTC is later than it).
"""

from __future__ import annotations

import math
import uuid

from app.sandbox.xero import contact_store as store
from app.sandbox.xero.calls import Call, Env, envelope
from app.sandbox.xero.contact_store import Contact
from app.sandbox.xero.errors import Reply, bad_request, not_found, query_error
from app.sandbox.xero.util import parse_if_modified_since, to_ms
from app.sandbox.xero.where import FIELDS, field_value, parse_where

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
SEARCH_FIELDS = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")


def list_contacts(env: Env, call: Call) -> Reply:
    contacts = _matching(env, call)
    summary = call.bool_arg("summaryOnly")
    page = call.int_arg("page")
    if page is None:
        rendered = [store.render(c, summary) for c in contacts]
        return Reply(200, envelope(call.now, Contacts=rendered))
    if page < 1:
        raise bad_request("page must be 1 or more.")
    size = call.int_arg("pageSize") or DEFAULT_PAGE_SIZE
    size = max(1, min(size, MAX_PAGE_SIZE))
    chunk = contacts[(page - 1) * size : page * size]
    pagination = {
        "page": page,
        "pageSize": size,
        "pageCount": math.ceil(len(contacts) / size),
        "itemCount": len(contacts),
    }
    rendered = [store.render(c, summary) for c in chunk]
    return Reply(200, envelope(call.now, pagination=pagination, Contacts=rendered))


def get_contact(env: Env, call: Call) -> Reply:
    """One contact by ContactID (or, as ``/Contacts/{ContactNumber}``, by its number)."""
    ident = call.params["ContactID"]
    with env.state.tx() as conn:
        contact_id = ident if _is_uuid(ident) else store.find_by_number(conn, call.tenant_id, ident)
        contact = store.get_contact(conn, call.tenant_id, contact_id) if contact_id else None
    if contact is None:
        raise not_found()
    return Reply(200, envelope(call.now, Contacts=[store.render(contact)]))


def _matching(env: Env, call: Call) -> list[Contact]:
    ids_arg = call.arg("IDs")
    ids = [i.strip() for i in ids_arg.split(",") if i.strip()] if ids_arg else None
    with env.state.tx() as conn:
        contacts = store.load_contacts(conn, call.tenant_id, ids)
    if not call.bool_arg("includeArchived") and ids is None:
        contacts = [c for c in contacts if c.status != "ARCHIVED"]
    since_header = call.request.headers.get("If-Modified-Since")
    if since_header:
        since = parse_if_modified_since(since_header)
        if since is None:
            raise bad_request("The If-Modified-Since header is not a date Xero can read.")
        since_ms = to_ms(since)
        contacts = [c for c in contacts if c.updated_ms > since_ms]
    where = call.arg("where")
    if where:
        predicate = parse_where(where)
        contacts = [c for c in contacts if predicate(c)]
    term = (call.arg("searchTerm") or "").strip().lower()
    if term:
        contacts = [c for c in contacts if _found(c, term)]
    return _ordered(contacts, call.arg("order"))


def _found(contact: Contact, term: str) -> bool:
    return any(term in str(contact.doc.get(f) or "").lower() for f in SEARCH_FIELDS)


def _ordered(contacts: list[Contact], order: str | None) -> list[Contact]:
    if not order:
        return contacts  # already by name, then id
    parts = order.split()
    field = parts[0]
    direction = parts[1].upper() if len(parts) > 1 else "ASC"
    known = {f.lower(): f for f in (*FIELDS, "UpdatedDateUTC")}
    if field.lower() not in known or direction not in ("ASC", "DESC") or len(parts) > 2:
        raise query_error(f"The order {order!r} cannot be applied.")
    field = known[field.lower()]

    def key(contact: Contact) -> tuple[object, str]:
        if field == "UpdatedDateUTC":
            return contact.updated_ms, contact.contact_id
        value = field_value(contact, field)
        return (value.lower() if isinstance(value, str) else value), contact.contact_id

    return sorted(contacts, key=key, reverse=direction == "DESC")


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
