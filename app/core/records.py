"""Records as they come from a source, and contacts as Constant Contact holds them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.core.email_address import email_key


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record read from a source.

    Attributes:
        key: a stable identity within the source (a CRM id, or the email for a file).
        row: the row number a spreadsheet shows for it (the header is row 1, blank rows
            count), or for a CRM its 1-based position in the read; results and messages
            name the record by it.
        values: raw column values by source column name, already stripped.
        opted_out: the source says this person must not be emailed.
        notes: what the source changed while reading the record (control characters
            removed...), one sentence each naming the column; shown with the row's result.
        lists: the source's own lists the record is in (a CRM's groups or campaigns), by
            name, for a profile that maps them to Constant Contact lists (``ListRules``).
        skip: the source's own reason to leave the record out of the push (a CRM's
            organization account, a person marked deceased), in plain words; the planner
            skips it with this reason before anything else. "" for a record to push.
    """

    key: str
    row: int
    values: Mapping[str, str]
    opted_out: bool = False
    notes: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    skip: str = ""


def source_id_of(key: str) -> str:
    """The source's own id of a record, from its key; "" when the key is not one.

    Keys are the source's ids (a Xero ContactID, a file's record-ID column), except where
    a source has none: then a file keys its rows by email or ``row:<n>``, and a contact
    not yet in the source is keyed ``cc:<contact id>``.
    """
    if not key or "@" in key or key.startswith(("row:", "cc:")):
        return ""
    return key


class Permission(StrEnum):
    """Constant Contact's ``permission_to_send``."""

    EXPLICIT = "explicit"
    IMPLICIT = "implicit"
    NOT_SET = "not_set"
    PENDING_CONFIRMATION = "pending_confirmation"
    TEMP_HOLD = "temp_hold"
    UNSUBSCRIBED = "unsubscribed"


# A contact our own bulk import created: Constant Contact returns no ids, so the local copy
# holds it under this placeholder until a read brings the real id (see ``mirror_repo``).
PENDING_ID_PREFIX = "pending:"


def pending_contact_id(email: str) -> str:
    return PENDING_ID_PREFIX + email_key(email)


def known_contact_id(contact_id: str | None) -> str:
    """The id to send to Constant Contact: "" when it is unknown or only a placeholder."""
    if not contact_id or contact_id.startswith(PENDING_ID_PREFIX):
        return ""
    return contact_id


@dataclass(frozen=True, slots=True)
class RemoteContact:
    """What ContactBridge knows of one Constant Contact contact."""

    contact_id: str
    email: str
    permission: Permission
    list_ids: frozenset[str] = frozenset()
    fields: Mapping[str, str] = field(default_factory=dict)
    updated_at: datetime | None = None
    deleted: bool = False

    @property
    def unsubscribed(self) -> bool:
        return self.permission is Permission.UNSUBSCRIBED


@dataclass(frozen=True, slots=True)
class ContactList:
    """A Constant Contact contact list."""

    list_id: str
    name: str
    membership_count: int | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class CustomField:
    """A Constant Contact custom field."""

    custom_field_id: str
    name: str
    label: str
    type: str = "string"
