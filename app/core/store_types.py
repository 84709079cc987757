"""Value types the local store hands out: connections, links and planned run records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple, TypedDict

from app.core.outcomes import Outcome


class ConnectionStatus(StrEnum):
    """Whether a saved connection to a service can be used."""

    CONNECTED = "connected"
    NEEDS_RECONNECT = "needs_reconnect"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True)
class Connection:
    """A connection to one account of a service. Its tokens live in the keyring, never here.

    Attributes:
        service: the connector name, e.g. "constant_contact" or "xero".
        settings: non-secret settings (API and auth URLs, the client id...).
        created_at, updated_at: ISO 8601 UTC timestamps.
    """

    id: int
    service: str
    label: str
    account_name: str = ""
    status: ConnectionStatus = ConnectionStatus.DISCONNECTED
    settings: Mapping[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""


class Link(NamedTuple):
    """What the last sync sent for one source record.

    A NamedTuple rather than a dataclass: a profile can hold a million of these in memory,
    and tuples are both smaller and faster to build.

    Attributes:
        source_key: the record's identity in the source.
        contact_id: the Constant Contact contact, when known (bulk imports return no ids).
        email: the email last sent, lowercased.
        fingerprint: a hash of the mapped values last sent, to detect changes.
    """

    source_key: str
    contact_id: str | None
    email: str
    fingerprint: str


class ContactSnapshot(TypedDict):
    """What the local copy holds of one Constant Contact contact: the "before" that the undo
    journal keeps for a write to it.

    Attributes:
        fields: names and custom fields, by the import's flat keys.
        list_ids: the lists it is on, sorted.
    """

    contact_id: str
    email: str
    permission: str
    list_ids: list[str]
    fields: dict[str, Any]


class RecordAction(StrEnum):
    """What the planner decided to do with one source record."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    UNSUBSCRIBE = "unsubscribe"  # opted out in the source: unsubscribe in Constant Contact
    CHANGE_EMAIL = "change_email"  # the source changed the email: PUT it on the same contact
    REMOVE = "remove"  # gone from the source (or filtered out): off the main list
    LISTS = "lists"  # unchanged, but joins or leaves lists the profile's list map names
    # Constant Contact → source (direction "import")
    IMPORT_CREATE = "import_create"  # a new source record from a Constant Contact contact
    IMPORT_LINK = "import_link"  # linked to an existing source record (matched)
    IMPORT_UPDATE = "import_update"  # an existing source record updated from Constant Contact
    # Opt-outs Constant Contact → source (direction "optout")
    OPT_OUT = "opt_out"  # unsubscribed in Constant Contact: mark the source record
    OPT_IN = "opt_in"  # resubscribed in Constant Contact: clear the source's mark


class Direction(StrEnum):
    """Which way a run record goes; counts add up per direction."""

    PUSH = "push"  # source → Constant Contact (one row per source record, plus removals)
    IMPORT = "import"  # Constant Contact → source
    OPTOUT = "optout"  # Constant Contact opt-outs → source


# The outcome a record gets when the action it was planned for succeeds.
ACTION_OUTCOME: dict[RecordAction, Outcome] = {
    RecordAction.CREATE: Outcome.CREATED,
    RecordAction.UPDATE: Outcome.UPDATED,
    RecordAction.UNCHANGED: Outcome.UNCHANGED,
    RecordAction.SKIP: Outcome.SKIPPED,
    RecordAction.UNSUBSCRIBE: Outcome.UPDATED,
    RecordAction.CHANGE_EMAIL: Outcome.UPDATED,
    RecordAction.REMOVE: Outcome.UPDATED,
    RecordAction.LISTS: Outcome.UPDATED,
    RecordAction.IMPORT_CREATE: Outcome.CREATED,
    RecordAction.IMPORT_LINK: Outcome.UNCHANGED,
    RecordAction.IMPORT_UPDATE: Outcome.UPDATED,
    RecordAction.OPT_OUT: Outcome.UPDATED,
    RecordAction.OPT_IN: Outcome.UPDATED,
}


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One source record in a run's plan, as the run stores it.

    Attributes:
        action: a ``RecordAction`` value.
        outcome: None until the record's fate is final.
        fingerprint: a hash of the mapped values; the link keeps it once the record is sent.
        payload: the import item to send (None when nothing is sent).
        chunk: which import chunk carries the payload (None when nothing is sent).
        direction: a ``Direction`` value.
        state: opt-out states to remember on success, "<source>,<cc>" with 0/1 each.
        name: the person's name (the mapped first and last name), for results.
        source_id: the source's own id for the record, or "" (``records.source_id_of``).
    """

    row: int
    key: str
    email: str
    action: str
    outcome: Outcome | None = None
    reason: str = ""
    contact_id: str = ""
    matched_existing: bool = False
    detail: str = ""
    payload: Mapping[str, Any] | None = None
    chunk: int | None = None
    fingerprint: str = ""
    direction: str = "push"
    state: str | None = None
    name: str = ""
    source_id: str = ""
