"""What a Salesforce connection and a Salesforce profile keep (never a secret).

A connection's settings (SQLite): how it signs in (``auth``: the browser or a password),
the ``consumer_key`` (the user's own app; a public value, not a secret), the ``org_type``
(production or sandbox) or a My Domain ``login_url``, the org's ``instance_url``, the
pinned ``api_version``, the ``username`` and ``org_id`` it signed in as, and the last
``api_usage`` seen. The tokens, the password, the security token and a consumer secret
live in the keyring only (``host.secrets``).

A profile's source settings: ``connection_id``, ``object_type`` (Contact, Lead or
PersonAccount), ``campaigns`` (the Ids of the campaigns synced as lists; none: every record
of the type), ``list_map`` (campaign Id -> Constant Contact list, ``app/core/list_rules.py``),
``converted_leads`` ("follow": a converted lead is read as the contact it became, so the
person stays one contact; "remove": it leaves the read, and the profile's list when the
profile removes records that leave the source), and the "Unknown" name defaults for
records created in Salesforce.

Campaign activity back to Salesforce (``activity.py``): ``responses`` ("off"; "members":
each Constant Contact email a Campaign with its recipients as members and their furthest
status; "tasks": one Task per open or click), ``events`` (each Constant Contact event a
Campaign with its registrants as members, unknown people added as leads),
``event_fields`` ("one": registration date, status, payment status and guest count in one
field, ``event_field``; "separate": each in its own field) and ``event_map`` (registrant
detail -> Campaign Member field: the separate fields, and any other detail mapped in step 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.connectors.salesforce.objects import ObjectType


class AuthMethod(StrEnum):
    BROWSER = "browser"  # OAuth 2 web-server flow with PKCE
    PASSWORD = "password"  # user name + password + security token (the fallback)


class ConvertedLeads(StrEnum):
    FOLLOW = "follow"
    REMOVE = "remove"


class ResponseMode(StrEnum):
    OFF = "off"
    MEMBERS = "members"  # a Campaign per email, its recipients as members with a status
    TASKS = "tasks"  # one Task per open or click


class EventFields(StrEnum):
    ONE = "one"  # registration date, status, payment status and guest count in one field
    SEPARATE = "separate"  # each in a field of its own


# Registrant details a Campaign Member field can take, in the order the wizard lists them.
EVENT_DETAILS: dict[str, str] = {
    "registration_date": "Registration date",
    "registration_status": "Registration status",
    "payment_status": "Payment status",
    "guest_count": "Guest count (tickets)",
    "order_total": "Order total",
    "checked_in": "Checked in",
}
# The four SyncApps puts in one "Email Events" field unless each has its own.
SUMMARY_DETAILS = ("registration_date", "registration_status", "payment_status", "guest_count")
EVENTS_FIELD = "Email_Events__c"  # the one field's usual name ("Email Events")


@dataclass(frozen=True)
class SalesforceSourceSettings:
    """A profile's Salesforce choices (see the module's docstring)."""

    object_type: ObjectType = ObjectType.CONTACT
    campaigns: tuple[str, ...] = ()
    converted_leads: ConvertedLeads = ConvertedLeads.FOLLOW
    unknown_first_name: bool = False
    unknown_last_name: bool = True
    responses: ResponseMode = ResponseMode.OFF
    events: bool = False
    event_fields: EventFields = EventFields.ONE
    event_field: str = EVENTS_FIELD
    event_map: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SalesforceSourceSettings:
        def enum(kind: type[StrEnum], key: str, default: Any) -> Any:
            try:
                return kind(str(settings.get(key) or default.value))
            except ValueError:
                return default

        raw = settings.get("campaigns") or ()
        campaigns = (
            tuple(str(c) for c in raw if str(c).strip()) if isinstance(raw, list | tuple) else ()
        )
        return cls(
            object_type=enum(ObjectType, "object_type", ObjectType.CONTACT),
            campaigns=campaigns,
            converted_leads=enum(ConvertedLeads, "converted_leads", ConvertedLeads.FOLLOW),
            unknown_first_name=bool(settings.get("unknown_first_name", False)),
            unknown_last_name=bool(settings.get("unknown_last_name", True)),
            responses=enum(ResponseMode, "responses", ResponseMode.OFF),
            events=bool(settings.get("events", False)),
            event_fields=enum(EventFields, "event_fields", EventFields.ONE),
            event_field=str(settings.get("event_field", EVENTS_FIELD) or ""),
            event_map=_pairs(settings.get("event_map")),
        )

    def to_settings(self) -> dict[str, Any]:
        return {
            "object_type": self.object_type.value,
            "campaigns": list(self.campaigns),
            "converted_leads": self.converted_leads.value,
            "unknown_first_name": self.unknown_first_name,
            "unknown_last_name": self.unknown_last_name,
            "responses": self.responses.value,
            "events": self.events,
            "event_fields": self.event_fields.value,
            "event_field": self.event_field,
            "event_map": dict(self.event_map),
        }


def _pairs(raw: Any) -> tuple[tuple[str, str], ...]:
    """``{"registration_date": "Registration_Date__c"}`` as pairs of known details."""
    if not isinstance(raw, Mapping):
        return ()
    return tuple(
        (str(k), str(v)) for k, v in raw.items() if str(k) in EVENT_DETAILS and str(v).strip()
    )
