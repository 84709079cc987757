"""The three kinds of record a profile can sync (one per profile), and their fields.

* **Contact**: ``Email``, ``HasOptedOutOfEmail``, the ``Mailing…`` address, the account's
  name as ``Account.Name``;
* **Lead**: ``Email``, ``HasOptedOutOfEmail``, the plain address (``Street``, ``State``…),
  ``Company`` (required, as ``LastName`` is); converted leads are read apart
  (``IsConverted = false`` for the rest);
* **Person Account**: an ``Account`` with ``IsPersonAccount = true``, read through its
  ``Person…`` fields (``PersonEmail``, ``PersonHasOptedOutOfEmail``, ``PersonMailing…``)
  and the person's custom fields (``…__pc``); its campaign memberships name its
  ``PersonContactId``.

Columns are the fields' API names, which never change when an admin relabels a field;
messages use the labels (``errors.Labels``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Field types read as text columns (compound addresses, locations and files are left out).
READABLE_TYPES = frozenset(
    {
        "string",
        "email",
        "phone",
        "url",
        "picklist",
        "multipicklist",
        "combobox",
        "boolean",
        "date",
        "datetime",
        "double",
        "currency",
        "percent",
        "int",
        "long",
        "textarea",
        "id",
        "reference",
    }
)
# A text area longer than this halves Salesforce's query page (2,000 → 1,000 records)
# without a word: such fields are not read.
LONG_TEXT = 255
MAX_FIELDS = 250  # a query's URL stays well under Salesforce's 16,384 characters
# System fields a mapping never needs; reading them costs page space.
SKIPPED = frozenset(
    {
        "CreatedById",
        "LastModifiedById",
        "OwnerId",
        "MasterRecordId",
        "LastViewedDate",
        "LastReferencedDate",
        "LastActivityDate",
        "PhotoUrl",
        "JigsawContactId",
        "Jigsaw",
        "IndividualId",
        "ReportsToId",
        "CleanStatus",
        "ConnectionReceivedId",
        "ConnectionSentId",
        "IsDeleted",
        "SystemModstamp",
    }
)


class ObjectType(StrEnum):
    """What a profile syncs (the source setting ``object_type``)."""

    CONTACT = "Contact"
    LEAD = "Lead"
    PERSON_ACCOUNT = "PersonAccount"


@dataclass(frozen=True)
class ObjectSpec:
    """How one object type is read and written.

    Attributes:
        sobject: the Salesforce object queried and written.
        plural: in sentences ("contacts").
        email, opt_out: the email and "Email Opt Out" fields.
        address: the address fields' prefix ("Mailing", "", "PersonMailing").
        where: the condition every read adds (converted leads, business accounts out).
        first: the columns shown first, in this order (the rest follow by label).
        related: relationship columns read besides the object's own (``Account.Name``).
        required: fields Salesforce requires on create, with what fills them when blank
            and the profile allows it.
        read_only: columns never written (relationships, ids, system fields).
        member_field: the ``CampaignMember`` field naming a member of this type.
    """

    kind: ObjectType
    sobject: str
    plural: str
    email: str
    opt_out: str
    address: str
    where: str
    first: tuple[str, ...]
    related: tuple[str, ...] = ()
    required: tuple[str, ...] = ("LastName",)
    member_field: str = "ContactId"

    @property
    def state(self) -> str:
        return f"{self.address}State"

    @property
    def country(self) -> str:
        return f"{self.address}Country"

    @property
    def state_code(self) -> str:
        return f"{self.address}StateCode"

    @property
    def country_code(self) -> str:
        return f"{self.address}CountryCode"


CONTACT = ObjectSpec(
    kind=ObjectType.CONTACT,
    sobject="Contact",
    plural="contacts",
    email="Email",
    opt_out="HasOptedOutOfEmail",
    address="Mailing",
    where="",
    first=(
        "Id",
        "Salutation",
        "FirstName",
        "LastName",
        "Email",
        "Title",
        "Account.Name",
        "Phone",
        "MobilePhone",
        "MailingStreet",
        "MailingCity",
        "MailingState",
        "MailingPostalCode",
        "MailingCountry",
        "Birthdate",
        "HasOptedOutOfEmail",
    ),
    related=("Account.Name",),
)
LEAD = ObjectSpec(
    kind=ObjectType.LEAD,
    sobject="Lead",
    plural="leads",
    email="Email",
    opt_out="HasOptedOutOfEmail",
    address="",
    where="IsConverted = false",
    first=(
        "Id",
        "Salutation",
        "FirstName",
        "LastName",
        "Email",
        "Title",
        "Company",
        "Phone",
        "MobilePhone",
        "Street",
        "City",
        "State",
        "PostalCode",
        "Country",
        "Status",
        "HasOptedOutOfEmail",
    ),
    required=("LastName", "Company"),
    member_field="LeadId",
)
PERSON_ACCOUNT = ObjectSpec(
    kind=ObjectType.PERSON_ACCOUNT,
    sobject="Account",
    plural="person accounts",
    email="PersonEmail",
    opt_out="PersonHasOptedOutOfEmail",
    address="PersonMailing",
    where="IsPersonAccount = true",
    first=(
        "Id",
        "Salutation",
        "FirstName",
        "LastName",
        "PersonEmail",
        "PersonTitle",
        "Phone",
        "PersonMobilePhone",
        "PersonMailingStreet",
        "PersonMailingCity",
        "PersonMailingState",
        "PersonMailingPostalCode",
        "PersonMailingCountry",
        "PersonBirthdate",
        "PersonHasOptedOutOfEmail",
    ),
)
SPECS: dict[ObjectType, ObjectSpec] = {s.kind: s for s in (CONTACT, LEAD, PERSON_ACCOUNT)}
TYPE_WORDS: dict[ObjectType, str] = {
    ObjectType.CONTACT: "Contacts",
    ObjectType.LEAD: "Leads",
    ObjectType.PERSON_ACCOUNT: "Person Accounts",
}
# A converted lead is read as the contact it became: the contact's fields by the lead's names.
CONTACT_AS_LEAD: dict[str, str] = {
    "Salutation": "Salutation",
    "FirstName": "FirstName",
    "LastName": "LastName",
    "Email": "Email",
    "Title": "Title",
    "Phone": "Phone",
    "MobilePhone": "MobilePhone",
    "HasOptedOutOfEmail": "HasOptedOutOfEmail",
    "MailingStreet": "Street",
    "MailingCity": "City",
    "MailingState": "State",
    "MailingPostalCode": "PostalCode",
    "MailingCountry": "Country",
    "MailingStateCode": "StateCode",
    "MailingCountryCode": "CountryCode",
    "Account.Name": "Company",
}
LEAD_AS_CONTACT = {lead: contact for contact, lead in CONTACT_AS_LEAD.items()}


def spec_of(settings: Mapping[str, Any]) -> ObjectSpec:
    """The object type a profile's settings name (Contact unless they say otherwise)."""
    try:
        return SPECS[ObjectType(str(settings.get("object_type") or ObjectType.CONTACT.value))]
    except ValueError:
        return CONTACT


@dataclass(frozen=True)
class Field:
    """One field as describe gives it (what reading and writing need)."""

    name: str
    label: str
    type: str
    createable: bool = False
    updateable: bool = False
    custom: bool = False
    length: int = 0

    @classmethod
    def from_describe(cls, data: Mapping[str, Any]) -> Field:
        return cls(
            name=str(data.get("name") or ""),
            label=str(data.get("label") or data.get("name") or ""),
            type=str(data.get("type") or "string"),
            createable=bool(data.get("createable")),
            updateable=bool(data.get("updateable")),
            custom=bool(data.get("custom")),
            length=int(data.get("length") or 0),
        )

    @property
    def readable(self) -> bool:
        if self.type not in READABLE_TYPES or self.name in SKIPPED:
            return False
        return not (self.type == "textarea" and self.length > LONG_TEXT)


def columns_of(spec: ObjectSpec, fields: Sequence[Field]) -> list[str]:
    """The columns a profile of this type offers: the usual ones first, then the rest by
    label (the person's own custom fields before the account's, on a person account)."""
    by_name = {f.name: f for f in fields if f.readable}
    if spec.kind is ObjectType.PERSON_ACCOUNT:
        # A person account also carries the business account's fields; keep the person's.
        by_name = {n: f for n, f in by_name.items() if not _business_only(n)}
    first = [c for c in spec.first if c in by_name or c in spec.related]
    rest = sorted(
        (f for n, f in by_name.items() if n not in first),
        key=lambda f: (f.custom, not f.name.endswith("__pc"), f.label.casefold()),
    )
    return (first + [f.name for f in rest])[:MAX_FIELDS]


_BUSINESS = frozenset(
    {"Name", "Website", "Fax", "AccountNumber", "Site", "Sic", "TickerSymbol", "ParentId"}
)


def _business_only(name: str) -> bool:
    return name in _BUSINESS or name.startswith(("Billing", "Shipping"))
