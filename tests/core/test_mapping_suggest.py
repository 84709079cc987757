"""Mapping suggestions for the headers of real exports, and their rules."""

from __future__ import annotations

import pytest

from app.core.mapping_suggest import (
    normalize_header,
    suggest_consent_column,
    suggest_key_column,
    suggest_mapping,
    suggest_opt_out_column,
)

MAILCHIMP = [
    "Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday",
    "Company", "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP",
    "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED",
    "LEID", "EUID", "NOTES", "TAGS",
]  # fmt: skip
CONSTANT_CONTACT = [
    "Email address", "First name", "Last name", "Company", "Job title", "Email status",
    "Phone - home", "Phone - work", "Phone - mobile", "Street address line 1 - Home",
    "Street address line 2 - Home", "City - Home", "State/Province - Home",
    "Zip/Postal Code - Home", "Country - Home", "Street address line 1 - Work", "City - Work",
    "State/Province - Work", "Zip/Postal Code - Work", "Country - Work", "Birthday",
    "Anniversary", "Email permission status", "Source name", "Created At", "Updated At",
    "Tags", "Email Lists",
]  # fmt: skip
XERO = [
    "ContactName", "AccountNumber", "EmailAddress", "FirstName", "LastName", "POAttentionTo",
    "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4", "POCity",
    "PORegion", "POPostalCode", "POCountry", "SAAttentionTo", "SAAddressLine1",
    "SAAddressLine2", "SAAddressLine3", "SAAddressLine4", "SACity", "SARegion",
    "SAPostalCode", "SACountry", "PhoneNumber", "FaxNumber", "MobileNumber", "DDINumber",
    "SkypeName", "TaxNumber", "ContactID",
]  # fmt: skip
SALESFORCE = [
    "Contact ID", "Salutation", "First Name", "Last Name", "Title", "Account Name",
    "Mailing Street", "Mailing City", "Mailing State/Province", "Mailing Zip/Postal Code",
    "Mailing Country", "Other Street", "Other City", "Other State/Province",
    "Other Zip/Postal Code", "Other Country", "Phone", "Mobile", "Home Phone", "Other Phone",
    "Fax", "Email", "Email Opt Out", "Birthdate", "Lead Source", "Account ID", "Contact Owner",
]  # fmt: skip
HUBSPOT = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
    "Company Name", "Job Title", "Street Address", "City", "State/Region", "Postal Code",
    "Country/Region", "Contact owner", "Lead Status", "Marketing contact status",
    "Create Date", "Last Activity Date", "Unsubscribed from all email",
]  # fmt: skip


def test_mailchimp() -> None:
    assert suggest_mapping(MAILCHIMP).as_dict() == {
        "Email Address": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Address": "street",
        "Phone Number": "phone",
        "Company": "company_name",
        "Birthday": "birthday",  # a full date: month and day sent
        # REGION is Mailchimp's guess from the IP address, not part of the address.
    }
    assert suggest_opt_out_column(MAILCHIMP) is None
    assert suggest_key_column(MAILCHIMP) is None


def test_constant_contact() -> None:
    assert suggest_mapping(CONSTANT_CONTACT).as_dict() == {
        "Email address": "email",
        "First name": "first_name",
        "Last name": "last_name",
        "Company": "company_name",
        "Job title": "job_title",
        "Phone - home": "home_phone",
        "Phone - work": "work_phone",
        "Phone - mobile": "mobile_phone",
        "Street address line 1 - Home": "street",
        "Street address line 2 - Home": "street2",
        "City - Home": "city",
        "State/Province - Home": "state",
        "Zip/Postal Code - Home": "zip",
        "Country - Home": "country",
        "Anniversary": "anniversary",
        "Birthday": "birthday",
    }
    assert suggest_opt_out_column(CONSTANT_CONTACT) == "Email status"
    assert suggest_key_column(CONSTANT_CONTACT) is None


def test_xero() -> None:
    assert suggest_mapping(XERO).as_dict() == {
        "ContactName": "company_name",
        "EmailAddress": "email",
        "FirstName": "first_name",
        "LastName": "last_name",
        "POAddressLine1": "street",
        "POAddressLine2": "street2",
        "POCity": "city",
        "PORegion": "state",
        "POPostalCode": "zip",
        "POCountry": "country",
        "PhoneNumber": "phone",
        "MobileNumber": "mobile_phone",
    }
    assert suggest_opt_out_column(XERO) is None
    assert suggest_key_column(XERO) == "ContactID"


def test_salesforce() -> None:
    assert suggest_mapping(SALESFORCE).as_dict() == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Title": "job_title",
        "Account Name": "company_name",
        "Mailing Street": "street",
        "Mailing City": "city",
        "Mailing State/Province": "state",
        "Mailing Zip/Postal Code": "zip",
        "Mailing Country": "country",
        "Phone": "phone",
        "Mobile": "mobile_phone",
        "Home Phone": "home_phone",
        "Other Phone": "other_phone",
        "Email": "email",
        "Birthdate": "birthday",
    }
    assert suggest_opt_out_column(SALESFORCE) == "Email Opt Out"
    assert suggest_key_column(SALESFORCE) == "Contact ID"  # the contact's, not the account's


def test_hubspot() -> None:
    assert suggest_mapping(HUBSPOT).as_dict() == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": "mobile_phone",
        "Company Name": "company_name",
        "Job Title": "job_title",
        "Street Address": "street",
        "City": "city",
        "State/Region": "state",
        "Postal Code": "zip",
        "Country/Region": "country",
    }
    assert suggest_opt_out_column(HUBSPOT) == "Unsubscribed from all email"
    assert suggest_key_column(HUBSPOT) == "Record ID"


def test_generic_spellings() -> None:
    headers = [
        "e-mail", "Given name", "Surname", "Organisation", "Position", "Tel", "Cell",
        "Address 1", "Address 2", "Town", "County", "Postcode", "Favourite colour",
        "Birthday Month", "Birthday Day",
    ]  # fmt: skip
    assert suggest_mapping(headers).as_dict() == {
        "e-mail": "email",
        "Given name": "first_name",
        "Surname": "last_name",
        "Organisation": "company_name",
        "Position": "job_title",
        "Tel": "phone",
        "Cell": "mobile_phone",
        "Address 1": "street",
        "Address 2": "street2",
        "Town": "city",
        "County": "state",
        "Postcode": "zip",
        "Birthday Month": "birthday_month",
        "Birthday Day": "birthday_day",
    }


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("mail", "email"),
        ("EMAIL", "email"),
        ("email_address", "email"),
        ("Customer Email", "email"),
        ("Email ID", "email"),
        ("zip code", "zip"),
        ("ZIP", "zip"),
        ("province", "state"),
        ("organization", "company_name"),
        ("Client First Name", "first_name"),
        ("firstname", "first_name"),
        ("Work Phone", "work_phone"),
        ("Business Phone", "work_phone"),
        ("Mobile Number", "mobile_phone"),
        ("Telephone", "phone"),
    ],
)
def test_single_headers(header: str, target: str) -> None:
    assert suggest_mapping([header]).as_dict() == {header: target}


@pytest.mark.parametrize(
    "header",
    [
        "Email status", "Email Opt Out", "Email Lists", "Email 2", "Fax", "Phone Area Code",
        "PhoneCountryCode", "Notes", "Created At", "Account ID", "Member Number",
    ],
)  # fmt: skip
def test_not_mapped(header: str) -> None:
    assert suggest_mapping([header]).fields == ()


def test_each_target_and_column_at_most_once() -> None:
    headers = ["Work Email", "Email", "E-mail", "Phone", "Tel", "First Name", "FirstName"]
    mapping = suggest_mapping(headers)
    # The exact spelling beats the looser one; otherwise the leftmost column wins.
    assert mapping.as_dict() == {"Email": "email", "Phone": "phone", "First Name": "first_name"}
    for headers in (MAILCHIMP, CONSTANT_CONTACT, XERO, SALESFORCE, HUBSPOT):
        targets = suggest_mapping(headers).targets
        assert len(targets) == len(set(targets))


def test_address_fields_come_from_one_set() -> None:
    # Home is preferred over work, even when the work columns come first.
    headers = ["Work Street", "Work City", "Home City", "Home Street", "Home Zip"]
    assert suggest_mapping(headers).as_dict() == {
        "Home City": "city",
        "Home Street": "street",
        "Home Zip": "zip",
    }
    # A preferred set with a single field does not pull in fields from another set.
    headers = ["Country", "Billing Street", "Billing City", "Billing Postcode"]
    assert suggest_mapping(headers).as_dict() == {
        "Billing Street": "street",
        "Billing City": "city",
        "Billing Postcode": "zip",
    }
    # Xero: the postal (PO) set beats the street (SA) set.
    assert set(suggest_mapping(XERO).as_dict()) >= {"POCity", "POCountry"}
    assert not any(h.startswith("SA") for h in suggest_mapping(XERO).as_dict())


def test_mapping_keeps_column_order() -> None:
    headers = ["City", "Email", "First Name"]
    assert [f.source for f in suggest_mapping(headers).fields] == headers


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Email", "Opted out"], "Opted out"),
        (["Email", "Do Not Email"], "Do Not Email"),
        (["Email", "DoNotEmail"], "DoNotEmail"),
        (["Email", "HasOptedOutOfEmail"], "HasOptedOutOfEmail"),
        (["Email", "Newsletter opt-out?"], "Newsletter opt-out?"),
        (["Email", "UNSUB_TIME", "Unsubscribed"], "Unsubscribed"),
        (["Email", "UNSUB_REASON"], None),
        (["Email", "Email Opt In"], None),
    ],
)
def test_opt_out_column(headers: list[str], expected: str | None) -> None:
    assert suggest_opt_out_column(headers) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Email", "Id"], "Id"),
        (["Account ID", "Contact ID"], "Contact ID"),
        (["Account ID", "Email"], "Account ID"),
        (["Email ID", "Name"], None),
        (["Email", "Name"], None),
    ],
)
def test_key_column(headers: list[str], expected: str | None) -> None:
    assert suggest_key_column(headers) == expected


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("Zip/Postal Code - Home", "zip postal code home"),
        ("POAddressLine1", "po address line 1"),
        ("MEMBER_RATING", "member rating"),
        ("  E-Mail  ", "email"),
        ("HasOptedOutOfEmail", "has opted out of email"),
    ],
)
def test_normalize_header(header: str, normal: str) -> None:
    assert normalize_header(header) == normal


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Email", "Email Consent"], "Email Consent"),
        (["Email", "Accepts Email Marketing"], "Accepts Email Marketing"),  # Shopify
        (["Email", "Email: News and Updates"], "Email: News and Updates"),
        (["Email", "Subscribed"], "Subscribed"),
        (["Email", "Email Opt In"], "Email Opt In"),
        (["Email", "SMS Consent", "Text subscribed"], None),  # texts, not email
        (["Email", "Email Opt Out", "Unsubscribed"], None),  # the opposite meaning
        (["Email", "OPTIN_TIME", "Consent date"], None),  # when, not whether
    ],
)
def test_consent_column(headers: list[str], expected: str | None) -> None:
    assert suggest_consent_column(headers) == expected
