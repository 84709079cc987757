"""Constant Contact events written to Salesforce, as SyncApps does.

Each event (of the last 90 days, or to come) becomes a Campaign named as the event, with its
registrants as members. A registrant Salesforce has no contact or lead for is added as a
lead (first and last name, email, "Unknown" for a blank last name and for the company
Salesforce requires; Email Opt Out ticked when they are unsubscribed in Constant Contact).

A member's status says where the registration stands: Attended (checked in), Registered,
Pending or Cancelled. Its registration date, registration status, payment status and guest
count (the tickets) go into one text field, "Email Events" (``Email_Events__c``), or into a
field each, as the profile says; other details (the order total, checked in) go to the
Campaign Member fields the profile maps them to. A field the org lacks, or that this user
cannot write, is named once in the run's message and left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.connectors.salesforce.campaign_members import Campaigns, MemberWrite, Person
from app.connectors.salesforce.client import COLLECTION_MAX
from app.connectors.salesforce.errors import record_error
from app.connectors.salesforce.objects import Field
from app.connectors.salesforce.settings import (
    EVENT_DETAILS,
    SUMMARY_DETAILS,
    EventFields,
    SalesforceSourceSettings,
)
from app.connectors.salesforce.values import to_json
from app.connectors.salesforce.writer import UNKNOWN
from app.core.campaign_responses import ActivityReport, CcEvent, Registrant

if TYPE_CHECKING:
    from app.connectors.salesforce.client import SalesforceClient

EVENT_TYPE = "Other"
ATTENDED, REGISTERED, PENDING, CANCELLED = "Attended", "Registered", "Pending", "Cancelled"
STATUSES = ((REGISTERED, True), (ATTENDED, True), (PENDING, False), (CANCELLED, False))
STATUS_WORDS = {
    "REGISTERED": "Registered",
    "CANCELED": "Cancelled",
    "CANCELLED": "Cancelled",
    "PENDING": "Pending",
    "IN_PROGRESS": "In progress",
    "EXPIRED": "Expired",
    "FAILED": "Failed",
}
PAYMENT_WORDS = {
    "PAID": "Paid",
    "PENDING": "Pending",
    "REFUNDED": "Refunded",
    "CANCELLED": "Cancelled",
    "FAILED": "Failed",
    "CHARGED_BACK": "Charged back",
}


def member_status(r: Registrant) -> str:
    if r.status in ("CANCELED", "CANCELLED", "EXPIRED", "FAILED"):
        return CANCELLED
    if r.status == "REGISTERED":
        return ATTENDED if r.checked_in else REGISTERED
    return PENDING


def detail_text(r: Registrant, detail: str) -> str:
    """A registrant detail as text (what a field of any type is written from)."""
    if detail == "registration_date":
        return r.registered_at.date().isoformat() if r.registered_at else ""
    if detail == "registration_status":
        return STATUS_WORDS.get(r.status, r.status.title())
    if detail == "payment_status":
        return PAYMENT_WORDS.get(r.payment_status, r.payment_status.title())
    if detail == "guest_count":
        return str(r.tickets)
    if detail == "order_total":
        return "" if r.total is None else f"{r.total:.2f}"
    if detail == "checked_in":
        return "true" if r.checked_in else "false"
    return ""


def summary(r: Registrant) -> str:
    """The one "Email Events" text: ``Registered on 2026-05-01; status: Registered;
    payment: Paid; guests: 2``."""
    parts = []
    if r.registered_at is not None:
        parts.append(f"Registered on {detail_text(r, 'registration_date')}")
    parts.append(f"status: {detail_text(r, 'registration_status')}")
    if r.payment_status:
        parts.append(f"payment: {detail_text(r, 'payment_status')}")
    parts.append(f"guests: {r.tickets}")
    return "; ".join(parts)


class EventWriter:
    """Writes events for one profile's choices."""

    def __init__(self, client: SalesforceClient, choices: SalesforceSourceSettings) -> None:
        self.client = client
        self.choices = choices
        self.campaigns = Campaigns(client)
        self._fields: dict[str, Field] | None = None

    def member_fields(self) -> dict[str, Field]:
        if self._fields is None:
            described = self.client.describe("CampaignMember")
            found = (Field.from_describe(d) for d in described.get("fields") or ())
            self._fields = {f.name: f for f in found if f.name}
        return self._fields

    def targets(self) -> tuple[dict[str, str], list[str]]:
        """Registrant detail -> the Campaign Member field it goes to ("summary" for the one
        field), and the fields asked for that this org or user does not have."""
        fields = self.member_fields()
        wanted: dict[str, str] = {}
        if self.choices.event_fields is EventFields.ONE and self.choices.event_field:
            wanted["summary"] = self.choices.event_field
        mapped = dict(self.choices.event_map)
        for detail in EVENT_DETAILS:
            if detail in SUMMARY_DETAILS and self.choices.event_fields is EventFields.ONE:
                continue
            if mapped.get(detail):
                wanted[detail] = mapped[detail]
        usable, missing = {}, []
        for detail, name in wanted.items():
            found = fields.get(name)
            if found is None or not (found.createable and found.updateable):
                missing.append(name)
            else:
                usable[detail] = name
        return usable, missing

    def values(self, r: Registrant, targets: Mapping[str, str]) -> dict[str, Any]:
        fields = self.member_fields()
        out: dict[str, Any] = {}
        for detail, name in targets.items():
            text = summary(r) if detail == "summary" else detail_text(r, detail)
            out[name] = to_json(text, fields[name].type)
        return out

    def write(self, events: Sequence[CcEvent]) -> ActivityReport:
        report = ActivityReport()
        targets, missing = self.targets()
        if missing:
            names = ", ".join(f"“{n}”" for n in missing)
            report.failed.append(
                f"Campaign Member has no field {names} this user can write (add it in "
                "Salesforce's Setup, or choose another in the profile); left out"
            )
        for event in events:
            report.add(self._event(event, targets))
        return report

    def _event(self, event: CcEvent, targets: Mapping[str, str]) -> ActivityReport:
        report = ActivityReport()
        latest: dict[str, Registrant] = {}
        for r in event.registrants:  # one member a person: their last registration
            latest[r.email] = r
        people = self.campaigns.people({e: r.source_key for e, r in latest.items()})
        unknown = [r for e, r in latest.items() if e not in people]
        made, refused = self._new_leads(unknown)
        people.update(made)
        report.people_created += len(made)
        report.failed.extend(refused)
        campaign_id = self.campaigns.campaign(
            event.target_id,
            event.name,
            EVENT_TYPE,
            start=event.starts_at,
            end=event.ends_at,
            description=event.description or "A Constant Contact event.",
        )
        report.targets[event.event_id] = campaign_id
        report.campaigns += 1
        report.failed.extend(self.campaigns.statuses(campaign_id, STATUSES))
        writes = [
            MemberWrite(people[e], member_status(r), self.values(r, targets), label=e)
            for e, r in latest.items()
            if e in people
        ]
        report.add(self.campaigns.write(campaign_id, writes))
        return report

    def _new_leads(self, unknown: Sequence[Registrant]) -> tuple[dict[str, Person], list[str]]:
        """Leads for registrants Salesforce has no one for."""
        made: dict[str, Person] = {}
        refused: list[str] = []
        for start in range(0, len(unknown), COLLECTION_MAX):
            part = unknown[start : start + COLLECTION_MAX]
            records = [
                {
                    "attributes": {"type": "Lead"},
                    "FirstName": r.first_name or None,
                    "LastName": r.last_name or UNKNOWN,
                    "Email": r.email,
                    "Company": UNKNOWN,
                    "HasOptedOutOfEmail": r.unsubscribed,
                    "Description": "Registered for a Constant Contact event.",
                }
                for r in part
            ]
            for r, result in zip(part, self.client.create(records), strict=True):
                if result.get("success"):
                    made[r.email] = Person(str(result.get("id") or ""))
                else:
                    refused.append(f"{r.email}: {record_error(result.get('errors') or ())}")
        return made, refused
