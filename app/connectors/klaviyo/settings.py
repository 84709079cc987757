"""A migration profile's Klaviyo settings, and the field mapping from Constant Contact.

Kept as the profile's destination settings (never a secret: the private API key lives in the
keyring only):

- ``connection_id``: the Klaviyo connection;
- ``create_lists``: "Create Klaviyo lists from Constant Contact lists" (each contact joins
  the Klaviyo lists named as its Constant Contact lists);
- ``collect_activity``: "Collect open and click data": received, opened and clicked emails,
  90 days back on the first run, then what is new each run;
- ``opted_out_as``: what an unsubscribed or bounced contact becomes in Klaviyo: a
  suppression (``suppress``, the default) or an unsubscribe (``unsubscribe``);
- ``fields``: Constant Contact column → Klaviyo field (``FIELD_CHOICES``); a column not
  named goes as it is set by default (``default_fields``), "" leaves it out.

The Constant Contact lists to bring are the profile's *source* settings (``list_ids``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.connectors.constant_contact_source import (
    CONTACT_ID,
    EMAIL,
    LISTS,
    PERMISSION,
    UPDATED,
)
from app.core.errors import ConfigError

ACTIVITY_DAYS = 90


class OptedOutAs(StrEnum):
    """What an unsubscribed or bounced Constant Contact contact becomes in Klaviyo."""

    SUPPRESS = "suppress"
    UNSUBSCRIBE = "unsubscribe"


# Klaviyo's profile fields a column can fill, in the mapping's words.
FIELD_CHOICES: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "organization": "Organization",
    "title": "Title",
    "phone_number": "Phone number (SMS: must be a full international number)",
    "location.address1": "Address",
    "location.address2": "Address line 2",
    "location.city": "City",
    "location.region": "Region",
    "location.zip": "Zip code",
    "location.country": "Country",
    "property": "Custom property (named after the column)",
    "": "Not copied",
}
# Constant Contact's columns (``ConstantContactSource``) and where they go by default. A
# phone goes as a property: Klaviyo takes a phone number as an identifier, and two people
# sharing a landline would be one profile. Lists and permission go as the properties a
# migrated profile carries [connector-facts §3]; the id is the profile's ``external_id``.
DEFAULTS: dict[str, str] = {
    "First name": "first_name",
    "Last name": "last_name",
    "Company": "organization",
    "Job title": "title",
    "Street": "location.address1",
    "Street line 2": "location.address2",
    "City": "location.city",
    "State / province": "location.region",
    "Postal code": "location.zip",
    "Country": "location.country",
    LISTS: "property",
    PERMISSION: "property",
}
# Never mapped: the email and the id go as Klaviyo's identifiers; the time changes each edit.
FIXED = frozenset({EMAIL, CONTACT_ID, UPDATED})
PROPERTY_NAMES = {LISTS: "cc_lists", PERMISSION: "cc_status"}


def default_fields(columns: Iterable[str]) -> dict[str, str]:
    """The mapping a new profile starts with: names, company and address to Klaviyo's
    fields, everything else Constant Contact holds as properties."""
    return {c: DEFAULTS.get(c, "property") for c in columns if c not in FIXED}


@dataclass(frozen=True)
class KlaviyoSettings:
    """A migration profile's destination settings (see the module's docstring)."""

    connection_id: int | None = None
    create_lists: bool = True
    collect_activity: bool = True
    opted_out_as: OptedOutAs = OptedOutAs.SUPPRESS
    fields: Mapping[str, str] = field(default_factory=dict)

    def target(self, column: str) -> str:
        """Where a column goes: its mapping, else its default."""
        if column in FIXED:
            return ""
        if column in self.fields:
            return str(self.fields[column] or "")
        return DEFAULTS.get(column, "property")

    def to_settings(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "create_lists": self.create_lists,
            "collect_activity": self.collect_activity,
            "opted_out_as": self.opted_out_as.value,
            "fields": dict(self.fields),
        }
        if self.connection_id is not None:
            found["connection_id"] = self.connection_id
        return found

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> KlaviyoSettings:
        """Read saved settings; unknown keys are ignored, a wrong value is refused.

        Raises:
            ConfigError: naming the setting and what it may be.
        """
        raw_choice = str(settings.get("opted_out_as") or OptedOutAs.SUPPRESS.value)
        try:
            choice = OptedOutAs(raw_choice)
        except ValueError:
            raise ConfigError(
                f'The Klaviyo setting "opted_out_as" must be suppress or unsubscribe, not '
                f'"{raw_choice[:40]}".'
            ) from None
        fields = settings.get("fields") or {}
        if not isinstance(fields, Mapping):
            raise ConfigError('The Klaviyo setting "fields" must map columns to fields.')
        for column, target in fields.items():
            if str(target or "") not in FIELD_CHOICES:
                raise ConfigError(
                    f'The column "{column}" is mapped to "{target}", which is no Klaviyo '
                    f"field: choose one of {', '.join(k for k in FIELD_CHOICES if k)}."
                )
        connection = settings.get("connection_id")
        return cls(
            connection_id=int(connection) if connection is not None else None,
            create_lists=bool(settings.get("create_lists", True)),
            collect_activity=bool(settings.get("collect_activity", True)),
            opted_out_as=choice,
            fields={str(k): str(v or "") for k, v in fields.items()},
        )
