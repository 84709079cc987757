"""The org's sObjects: the standard ones a sync client touches, the org's custom fields, and
what the Person Accounts and State/Country picklist settings add.

Prefixes are Salesforce's own (003 Contact, 00Q Lead, 001 Account, 701 Campaign, 00v
CampaignMember, 01Y CampaignMemberStatus, 00T Task, 005 User, 012 RecordType).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.sandbox.salesforce.fields import (
    FieldSpec,
    ObjectSpec,
    address,
    flag,
    pick,
    read_only,
    ref,
    system_fields,
    text,
)

SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx.")
LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Purchased List", "Other")
LEAD_STATUSES = (
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
)
CONVERTED_STATUS = "Closed - Converted"
CAMPAIGN_TYPES = ("Email", "Webinar", "Conference", "Advertisement", "Other")
CAMPAIGN_STATUSES = ("Planned", "In Progress", "Completed", "Aborted")
PERSON_CONTACT_FIELDS = {
    # Account field → the person contact's field it mirrors.
    "FirstName": "FirstName",
    "LastName": "LastName",
    "Salutation": "Salutation",
    "PersonEmail": "Email",
    "PersonHasOptedOutOfEmail": "HasOptedOutOfEmail",
    "PersonDoNotCall": "DoNotCall",
    "PersonMobilePhone": "MobilePhone",
    "PersonHomePhone": "HomePhone",
    "PersonTitle": "Title",
    "PersonBirthdate": "Birthdate",
    "PersonMailingStreet": "MailingStreet",
    "PersonMailingCity": "MailingCity",
    "PersonMailingState": "MailingState",
    "PersonMailingPostalCode": "MailingPostalCode",
    "PersonMailingCountry": "MailingCountry",
    "PersonMailingStateCode": "MailingStateCode",
    "PersonMailingCountryCode": "MailingCountryCode",
}
# The compound address fields: compound name → prefix of its parts.
ADDRESSES = {
    "Contact": {"MailingAddress": "Mailing", "OtherAddress": "Other"},
    "Lead": {"Address": ""},
    "Account": {
        "BillingAddress": "Billing",
        "ShippingAddress": "Shipping",
        "PersonMailingAddress": "PersonMailing",
    },
}


@dataclass(frozen=True)
class OrgOptions:
    person_accounts: bool = True
    picklists: bool = True


def _contact(o: OrgOptions) -> ObjectSpec:
    spec = ObjectSpec("Contact", "Contact", "Contacts", "003")
    spec.add(*system_fields())
    spec.add(
        read_only(ref("MasterRecordId", "Master Record ID", ("Contact",), "MasterRecord")),
        ref("AccountId", "Account ID", ("Account",), "Account"),
        text("LastName", "Last Name", 80, required=True),
        text("FirstName", "First Name", 40),
        pick("Salutation", "Salutation", SALUTATIONS, length=40),
        read_only(text("Name", "Full Name", 121, name_field=True)),
        *address("Mailing", "Mailing", picklists=o.picklists),
        *address("Other", "Other", picklists=o.picklists),
        FieldSpec("Phone", "phone", "Business Phone", 40),
        FieldSpec("MobilePhone", "phone", "Mobile Phone", 40),
        FieldSpec("HomePhone", "phone", "Home Phone", 40),
        FieldSpec("Email", "email", "Email", 80, id_lookup=True),
        text("Title", "Title", 128),
        text("Department", "Department", 80),
        pick("LeadSource", "Lead Source", LEAD_SOURCES, length=255),
        FieldSpec("Birthdate", "date", "Birthdate"),
        FieldSpec("Description", "textarea", "Contact Description", 32000),
        flag("HasOptedOutOfEmail", "Email Opt Out"),
        flag("DoNotCall", "Do Not Call"),
        read_only(flag("IsEmailBounced", "Is Email Bounced")),
        text("EmailBouncedReason", "Email Bounced Reason", 255),
        FieldSpec("EmailBouncedDate", "datetime", "Email Bounced Date"),
    )
    if o.person_accounts:
        spec.add(read_only(flag("IsPersonAccount", "Is Person Account")))
    return spec


def _lead(o: OrgOptions) -> ObjectSpec:
    spec = ObjectSpec("Lead", "Lead", "Leads", "00Q")
    owner = ref("OwnerId", "Owner ID", ("Group", "User"), "Owner")
    spec.add(*[owner if f.name == "OwnerId" else f for f in system_fields()])
    spec.add(
        read_only(ref("MasterRecordId", "Master Record ID", ("Lead",), "MasterRecord")),
        text("LastName", "Last Name", 80, required=True),
        text("FirstName", "First Name", 40),
        pick("Salutation", "Salutation", SALUTATIONS, length=40),
        read_only(text("Name", "Full Name", 121, name_field=True)),
        text("Title", "Title", 128),
        text("Company", "Company", 255, required=True),
        *address("", "", picklists=o.picklists),
        FieldSpec("Phone", "phone", "Phone", 40),
        FieldSpec("MobilePhone", "phone", "Mobile Phone", 40),
        FieldSpec("Email", "email", "Email", 80, id_lookup=True),
        FieldSpec("Website", "url", "Website", 255),
        FieldSpec("Description", "textarea", "Description", 32000),
        pick("LeadSource", "Lead Source", LEAD_SOURCES),
        pick("Status", "Status", LEAD_STATUSES, default=LEAD_STATUSES[0]),
        text("Industry", "Industry", 255),
        FieldSpec("NumberOfEmployees", "int", "Employees"),
        flag("HasOptedOutOfEmail", "Email Opt Out"),
        flag("DoNotCall", "Do Not Call"),
        read_only(flag("IsConverted", "Converted")),
        read_only(FieldSpec("ConvertedDate", "date", "Converted Date")),
        read_only(
            ref("ConvertedAccountId", "Converted Account ID", ("Account",), "ConvertedAccount")
        ),
        read_only(
            ref("ConvertedContactId", "Converted Contact ID", ("Contact",), "ConvertedContact")
        ),
        read_only(
            ref(
                "ConvertedOpportunityId",
                "Converted Opportunity ID",
                ("Opportunity",),
                "ConvertedOpportunity",
            )
        ),
        text("EmailBouncedReason", "Email Bounced Reason", 255),
        FieldSpec("EmailBouncedDate", "datetime", "Email Bounced Date"),
    )
    return spec


def _account(o: OrgOptions) -> ObjectSpec:
    spec = ObjectSpec("Account", "Account", "Accounts", "001")
    spec.add(*system_fields())
    spec.add(
        read_only(ref("MasterRecordId", "Master Record ID", ("Account",), "MasterRecord")),
        text("Name", "Account Name", 255, required=not o.person_accounts, name_field=True),
        pick("Type", "Account Type", ("Customer", "Partner", "Prospect", "Other")),
        ref("ParentId", "Parent Account ID", ("Account",), "Parent"),
        *address("Billing", "Billing", picklists=o.picklists),
        *address("Shipping", "Shipping", picklists=o.picklists),
        FieldSpec("Phone", "phone", "Account Phone", 40),
        FieldSpec("Website", "url", "Website", 255),
        text("Industry", "Industry", 255),
        FieldSpec("AnnualRevenue", "currency", "Annual Revenue"),
        FieldSpec("NumberOfEmployees", "int", "Employees"),
        FieldSpec("Description", "textarea", "Account Description", 32000),
    )
    if o.person_accounts:
        spec.add(
            ref("RecordTypeId", "Record Type ID", ("RecordType",), "RecordType"),
            text("FirstName", "First Name", 40),
            text("LastName", "Last Name", 80),
            pick("Salutation", "Salutation", SALUTATIONS, length=40),
            read_only(ref("PersonContactId", "Person Contact ID", ("Contact",), "PersonContact")),
            read_only(flag("IsPersonAccount", "Is Person Account")),
            FieldSpec("PersonEmail", "email", "Email", 80),
            flag("PersonHasOptedOutOfEmail", "Email Opt Out"),
            flag("PersonDoNotCall", "Do Not Call"),
            FieldSpec("PersonMobilePhone", "phone", "Mobile", 40),
            FieldSpec("PersonHomePhone", "phone", "Home Phone", 40),
            text("PersonTitle", "Title", 80),
            FieldSpec("PersonBirthdate", "date", "Birthdate"),
            *address("PersonMailing", "Mailing", picklists=o.picklists),
        )
    return spec


def _campaign() -> ObjectSpec:
    spec = ObjectSpec("Campaign", "Campaign", "Campaigns", "701")
    spec.add(*system_fields())
    spec.add(
        text("Name", "Name", 80, required=True, name_field=True),
        ref("ParentId", "Parent Campaign ID", ("Campaign",), "Parent"),
        pick("Type", "Type", CAMPAIGN_TYPES),
        pick("Status", "Status", CAMPAIGN_STATUSES),
        FieldSpec("StartDate", "date", "Start Date"),
        FieldSpec("EndDate", "date", "End Date"),
        flag("IsActive", "Active"),
        FieldSpec("Description", "textarea", "Description", 32000),
        FieldSpec("NumberSent", "double", "Num Sent in Campaign"),
        read_only(FieldSpec("NumberOfLeads", "int", "Leads in Campaign")),
        read_only(FieldSpec("NumberOfContacts", "int", "Contacts in Campaign")),
        read_only(FieldSpec("NumberOfResponses", "int", "Responses in Campaign")),
    )
    spec.children = [
        ("CampaignMember", "CampaignId", "CampaignMembers"),
        ("CampaignMemberStatus", "CampaignId", "CampaignMemberStatuses"),
    ]
    return spec


def _campaign_member() -> ObjectSpec:
    spec = ObjectSpec("CampaignMember", "Campaign Member", "Campaign Members", "00v")
    spec.add(*[f for f in system_fields(owner=False)])
    once = {"updateable": False}
    spec.add(
        ref("CampaignId", "Campaign ID", ("Campaign",), "Campaign", required=True, **once),
        ref("LeadId", "Lead ID", ("Lead",), "Lead", **once),
        ref("ContactId", "Contact ID", ("Contact",), "Contact", **once),
        pick("Status", "Status", (), length=40),
        read_only(flag("HasResponded", "Responded")),
        read_only(FieldSpec("FirstRespondedDate", "date", "First Responded Date")),
        read_only(text("Type", "Type", 40)),
        read_only(
            ref("LeadOrContactId", "Lead or Contact ID", ("Contact", "Lead"), "LeadOrContact")
        ),
        read_only(text("FirstName", "First Name", 40)),
        read_only(text("LastName", "Last Name", 80)),
        read_only(text("Name", "Name", 121, name_field=True)),
        read_only(FieldSpec("Email", "email", "Email", 80)),
        read_only(text("CompanyOrAccount", "Company (Account)", 255)),
        read_only(flag("HasOptedOutOfEmail", "Email Opt Out")),
    )
    return spec


def _campaign_member_status() -> ObjectSpec:
    spec = ObjectSpec(
        "CampaignMemberStatus", "Campaign Member Status", "Campaign Member Statuses", "01Y"
    )
    spec.add(*system_fields(owner=False))
    spec.add(
        ref(
            "CampaignId", "Campaign ID", ("Campaign",), "Campaign", required=True, updateable=False
        ),
        text("Label", "Member Status", 765, required=True),
        FieldSpec("SortOrder", "int", "Sort Order"),
        flag("IsDefault", "Default"),
        flag("HasResponded", "Responded"),
    )
    return spec


def _task() -> ObjectSpec:
    spec = ObjectSpec("Task", "Task", "Tasks", "00T")
    spec.add(*system_fields())
    spec.add(
        ref("WhoId", "Name ID", ("Contact", "Lead"), "Who"),
        ref("WhatId", "Related To ID", ("Account", "Campaign"), "What"),
        text("Subject", "Subject", 255),
        FieldSpec("ActivityDate", "date", "Due Date Only"),
        pick(
            "Status", "Status", ("Not Started", "In Progress", "Completed"), default="Not Started"
        ),
        pick("Priority", "Priority", ("High", "Normal", "Low"), default="Normal"),
        pick("Type", "Type", ("Call", "Email", "Meeting", "Other")),
        pick("TaskSubtype", "Task Subtype", ("Task", "Email", "Call"), updateable=False),
        FieldSpec("Description", "textarea", "Description", 32000),
        read_only(flag("IsClosed", "Closed")),
    )
    return spec


def _user() -> ObjectSpec:
    spec = ObjectSpec(
        "User", "User", "Users", "005", createable=False, updateable=False, deletable=False
    )
    spec.add(*system_fields(owner=False))
    spec.add(
        *[
            read_only(f)
            for f in (
                text("Username", "Username", 80),
                text("FirstName", "First Name", 40),
                text("LastName", "Last Name", 80),
                text("Name", "Full Name", 121, name_field=True),
                FieldSpec("Email", "email", "Email", 128),
                flag("IsActive", "Active"),
            )
        ]
    )
    return spec


def _record_type() -> ObjectSpec:
    spec = ObjectSpec(
        "RecordType",
        "Record Type",
        "Record Types",
        "012",
        createable=False,
        updateable=False,
        deletable=False,
    )
    spec.add(*system_fields(owner=False))
    spec.add(
        *[
            read_only(f)
            for f in (
                text("Name", "Name", 80, name_field=True),
                text("DeveloperName", "Record Type Name", 80),
                text("SobjectType", "SObject Type Name", 40),
                flag("IsPersonType", "Is Person Type"),
                flag("IsActive", "Active"),
                text("Description", "Description", 255),
            )
        ]
    )
    return spec


def build(options: OrgOptions, custom: Iterable[tuple[str, FieldSpec]]) -> dict[str, ObjectSpec]:
    """Every sObject of the org, keyed by name, with its custom fields appended."""
    objects = [
        _account(options),
        _campaign(),
        _campaign_member(),
        _campaign_member_status(),
        _contact(options),
        _lead(options),
        _record_type(),
        _task(),
        _user(),
    ]
    by_name = {o.name: o for o in objects}
    for sobject, spec in custom:
        target = by_name.get(sobject)
        if target is None:
            continue
        target.add(spec)
        if sobject == "Contact" and options.person_accounts:
            person = FieldSpec(**{**spec.__dict__, "name": spec.name[:-3] + "__pc"})
            by_name["Account"].add(person)
    by_name["Contact"].children = [
        ("CampaignMember", "ContactId", "CampaignMembers"),
        ("Task", "WhoId", "Tasks"),
    ]
    by_name["Lead"].children = [
        ("CampaignMember", "LeadId", "CampaignMembers"),
        ("Task", "WhoId", "Tasks"),
    ]
    by_name["Account"].children = [("Contact", "AccountId", "Contacts")]
    return by_name


def person_field_for(contact_field: str) -> str | None:
    """The Account field that mirrors a person contact's field (``Email`` → ``PersonEmail``,
    ``Tier__c`` → ``Tier__pc``)."""
    if contact_field.endswith("__c"):
        return contact_field[:-3] + "__pc"
    return next((a for a, c in PERSON_CONTACT_FIELDS.items() if c == contact_field), None)
