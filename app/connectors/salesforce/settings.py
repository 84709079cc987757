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


@dataclass(frozen=True)
class SalesforceSourceSettings:
    """A profile's Salesforce choices (see the module's docstring)."""

    object_type: ObjectType = ObjectType.CONTACT
    campaigns: tuple[str, ...] = ()
    converted_leads: ConvertedLeads = ConvertedLeads.FOLLOW
    unknown_first_name: bool = False
    unknown_last_name: bool = True

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
        )

    def to_settings(self) -> dict[str, Any]:
        return {
            "object_type": self.object_type.value,
            "campaigns": list(self.campaigns),
            "converted_leads": self.converted_leads.value,
            "unknown_first_name": self.unknown_first_name,
            "unknown_last_name": self.unknown_last_name,
        }
