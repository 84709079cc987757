"""Constant Contact's campaign activity as a source takes it back (pure): who each email
reached and how far they went, and the events people registered for.

A source that can hold it (a CRM: Salesforce writes each email as a Campaign with its
recipients as members, or one Task per open or click) says what it wants
(``ActivityWanted``); the sync hands it ``EmailResponses`` made from the campaign
statistics the app keeps, and ``CcEvent``s read from Constant Contact's event registrations,
and the source answers with an ``ActivityReport``.

A member's status is the furthest the person went, in SyncApps' order: Clicked > Opened >
Bounced > Unsubscribed > Sent (a forward counts as an open). A status never goes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

SENT, UNSUBSCRIBED, BOUNCED, OPENED, CLICKED = (
    "Sent",
    "Unsubscribed",
    "Bounced",
    "Opened",
    "Clicked",
)
# Lowest first: a status replaces only one before it in this order.
STATUS_ORDER = (SENT, UNSUBSCRIBED, BOUNCED, OPENED, CLICKED)
RESPONDED = frozenset({OPENED, CLICKED})  # what counts as a response to the email
STATUS_OF_KIND = {
    "send": SENT,
    "did_not_open": SENT,
    "optout": UNSUBSCRIBED,
    "bounce": BOUNCED,
    "open": OPENED,
    "forward": OPENED,
    "click": CLICKED,
}
TASK_KINDS = ("open", "click")  # the events the Task mode writes, one Task each
EVENT_WINDOW_DAYS = 90  # campaigns and events older than this are not written back


def rank(status: str) -> int:
    """A status's place in ``STATUS_ORDER`` (-1 for one that is not ours)."""
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else -1


def member_status(kinds: Iterable[str]) -> str:
    """The furthest status these tracking kinds reach (``Sent`` when none says more)."""
    best = SENT
    for kind in kinds:
        status = STATUS_OF_KIND.get(kind, SENT)
        if rank(status) > rank(best):
            best = status
    return best


def moves_up(current: str, wanted: str) -> bool:
    """Whether a member now at ``current`` takes ``wanted``: a blank or one of ours that
    ranks lower. A status someone set by hand (not ours) is left alone."""
    if not current:
        return True
    return rank(current) >= 0 and rank(wanted) > rank(current)


@dataclass(frozen=True)
class ResponseEvent:
    """One open or click of a person, for the Task mode."""

    kind: str  # "open" or "click"
    at: datetime
    link: str = ""


@dataclass(frozen=True)
class Response:
    """One person's part in one email campaign.

    Attributes:
        status: the furthest they went (``member_status`` of all their events).
        events: their opens and clicks not handed to the source before (Task mode).
        source_key: the source record a profile linked to this contact, or None (the
            source looks the person up by email).
        unsubscribed: the contact is unsubscribed in Constant Contact.
    """

    contact_id: str
    email: str
    name: str
    status: str
    events: tuple[ResponseEvent, ...] = ()
    source_key: str | None = None
    unsubscribed: bool = False


@dataclass(frozen=True)
class EmailResponses:
    """One email campaign and the people whose activity changed since it was last handed."""

    campaign_id: str
    name: str
    sent_at: datetime | None
    responses: tuple[Response, ...]
    target_id: str = ""  # the source's own record for it, when a run made one before


@dataclass(frozen=True)
class Registrant:
    """One registration for a Constant Contact event."""

    registration_id: str
    email: str
    first_name: str
    last_name: str
    registered_at: datetime | None
    status: str  # REGISTERED, CANCELED, PENDING, ...
    payment_status: str  # PAID, PENDING, REFUNDED, ...
    tickets: int = 0  # the guest count: tickets on the registration
    total: float | None = None  # the order total
    checked_in: bool = False
    source_key: str | None = None
    unsubscribed: bool = False


@dataclass(frozen=True)
class CcEvent:
    """A Constant Contact event and its registrants."""

    event_id: str
    name: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    registrants: tuple[Registrant, ...]
    description: str = ""
    target_id: str = ""  # the source's own record for it, when a run made one before


@dataclass(frozen=True)
class ActivityWanted:
    """What a source takes back: email campaign responses, event registrations."""

    emails: bool = False
    events: bool = False

    @property
    def anything(self) -> bool:
        return self.emails or self.events


@dataclass
class ActivityReport:
    """What the source did with the activity handed to it.

    Attributes:
        campaigns: campaigns (emails or events) written, new or existing.
        targets: Constant Contact's id -> the source's own record, for every campaign
            written (the next run hands them back as ``target_id``).
        created, updated: members (or tasks) created and changed.
        people_created: people the source did not have, added (event registrants).
        not_found: people the source has no record of (left out).
        failed: what the source refused, each in its own words.
    """

    campaigns: int = 0
    targets: dict[str, str] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    people_created: int = 0
    not_found: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: ActivityReport) -> None:
        self.campaigns += other.campaigns
        self.targets.update(other.targets)
        self.created += other.created
        self.updated += other.updated
        self.people_created += other.people_created
        self.not_found += other.not_found
        self.failed.extend(other.failed)
