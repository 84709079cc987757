"""Salesforce's values, picklists, errors, limits and versions, without the network."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from app.connectors.salesforce.bulk import _match, encode_csv, failure
from app.connectors.salesforce.endpoints import pick_version, salesforce_urls
from app.connectors.salesforce.errors import query_error, record_error
from app.connectors.salesforce.picklists import AddressPicklists
from app.connectors.salesforce.values import from_csv, from_json, text_of, to_csv, to_json
from app.connectors.salesforce.wire import WIRE, parse_usage, salesforce_limits
from app.connectors.wire import Answer, Wait
from app.core.errors import ConfigError, QuotaExceeded, RemoteError, SourceError

NOW = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
LABELS = {
    "MailingStateCode": "Mailing State/Province Code",
    "LastName": "Last Name",
    "Region__c": "Region",
}.get


def labels(name: str) -> str:
    return LABELS(name) or name


def bitmap(*indexes: int, size: int = 4) -> str:
    data = bytearray(size)
    for i in indexes:
        data[i >> 3] |= 0x80 >> (i & 7)
    return base64.b64encode(bytes(data)).decode()


# Countries in picklist order: AU 0, DE 1, IT 2, US 3 (DE has no states configured).
DESCRIBE = [
    {
        "name": "MailingCountryCode",
        "picklistValues": [
            {"value": "AU", "label": "Australia", "active": True},
            {"value": "DE", "label": "Germany", "active": True},
            {"value": "IT", "label": "Italy", "active": True},
            {"value": "US", "label": "United States", "active": True},
        ],
    },
    {
        "name": "MailingStateCode",
        "picklistValues": [
            {"value": "CA", "label": "California", "active": True, "validFor": bitmap(3)},
            {"value": "CA", "label": "Cagliari", "active": True, "validFor": bitmap(2)},
            {"value": "OR", "label": "Oregon", "active": True, "validFor": bitmap(3)},
            {"value": "NSW", "label": "New South Wales", "active": True, "validFor": bitmap(0)},
        ],
    },
]
ADDRESS = ("MailingState", "MailingCountry", "MailingStateCode", "MailingCountryCode")


def test_states_belong_to_their_countries_by_the_validfor_bitmap() -> None:
    lists = AddressPicklists.from_describe(DESCRIBE, "MailingCountryCode", "MailingStateCode")
    assert lists.states["US"] == {"CA": "California", "OR": "Oregon"}
    assert lists.states["IT"] == {"CA": "Cagliari"}  # a code repeated in another country
    assert lists.has_states("AU") and not lists.has_states("DE")
    assert lists.country("united states") == "US"
    assert lists.country("USA") == "US"  # a spelling the picklist lacks, through pycountry
    assert lists.country("Narnia") is None
    assert lists.state("US", "oregon") == "OR"
    assert lists.state("IT", "Cagliari") == "CA"
    assert lists.state("US", "Cagliari") is None


def test_an_org_without_picklists_has_none() -> None:
    assert not AddressPicklists.from_describe([], "MailingCountryCode", "MailingStateCode")


def test_an_address_is_written_as_codes_and_a_state_its_country_lacks_is_left_out() -> None:
    lists = AddressPicklists.from_describe(DESCRIBE, "MailingCountryCode", "MailingStateCode")
    out, notes = lists.place(
        {"MailingState": "Oregon", "MailingCountry": "United States", "LastName": "Lee"}, ADDRESS
    )
    assert out == {"LastName": "Lee", "MailingStateCode": "OR", "MailingCountryCode": "US"}
    assert notes == []

    out, notes = lists.place({"MailingState": "Bavaria", "MailingCountry": "Germany"}, ADDRESS)
    assert out == {"MailingCountryCode": "DE"}
    assert notes == [
        "State “Bavaria” not sent: this Salesforce org has no states set up for Germany."
    ]

    out, notes = lists.place({"MailingState": "Texas", "MailingCountry": "US"}, ADDRESS)
    assert out == {"MailingCountryCode": "US"}  # Texas is not configured in this org
    assert notes == [
        "State “Texas” not sent: it is not one of the states set up for United States."
    ]

    out, notes = lists.place({"MailingCountry": "Narnia"}, ADDRESS)
    assert out == {}
    assert "Country “Narnia” not sent" in notes[0]


def test_values_read_as_json_or_csv_are_the_same_text() -> None:
    types = {"Amount__c": "currency", "HasOptedOutOfEmail": "boolean", "SystemModstamp": "datetime"}
    columns = ["Id", "Account.Name", "Amount__c", "HasOptedOutOfEmail", "SystemModstamp"]
    rest = {
        "Id": "003A",
        "Account": {"attributes": {"type": "Account"}, "Name": "Acme"},
        "Amount__c": 1200.0,
        "HasOptedOutOfEmail": True,
        "SystemModstamp": "2026-05-01T07:25:37.000+0000",
    }
    bulk_row = {
        "Id": "003A",
        "Account.Name": "Acme",
        "Amount__c": "1200",
        "HasOptedOutOfEmail": "true",
        "SystemModstamp": "2026-05-01T07:25:37.000Z",
    }
    assert from_json(rest, columns, types) == from_csv(bulk_row, columns, types)
    assert from_json({**rest, "Account": None}, columns, types)["Account.Name"] == ""
    assert text_of(None) == "" and text_of(2.5, "double") == "2.5"


def test_values_go_back_as_salesforce_takes_them() -> None:
    assert to_json("", "string") is None  # empties the field
    assert to_json("yes", "boolean") is True and to_json("", "boolean") is False
    assert to_json("1,200.50", "currency") == 1200.5
    assert to_json("twelve", "double") == "twelve"  # Salesforce's own message says why
    assert to_csv("", "string", empties=True) == "#N/A"
    assert to_csv("", "string", empties=False) == ""


def test_a_refused_record_names_the_field_by_its_label_in_plain_words() -> None:
    integrity = [
        {
            "statusCode": "FIELD_INTEGRITY_EXCEPTION",
            "message": "The existing country/territory doesn't recognize the state value",
            "fields": ["MailingStateCode"],
        }
    ]
    said = record_error(integrity, labels)
    assert said.startswith("Salesforce did not accept the value of “Mailing State/Province Code”")
    assert "doesn't recognize the state value" in said
    missing = [
        {
            "statusCode": "REQUIRED_FIELD_MISSING",
            "message": "Required fields are missing: [LastName]",
            "fields": [],
        }
    ]
    assert record_error(missing, labels).startswith(
        "Salesforce needs “Last Name”, and it was blank."
    )


def test_a_refused_query_says_which_field_by_its_label() -> None:
    body = (
        "[{\"message\":\"No such column 'Region__c' on entity 'Contact'\","
        '"errorCode":"INVALID_FIELD"}]'
    )
    error = query_error(RemoteError("x", 400, body), "Salesforce contacts", labels)
    assert isinstance(error, ConfigError)
    assert "“Region”" in error.message and "Region__c" not in error.message
    malformed = '[{"message":"unexpected token: \'Region__c\'","errorCode":"MALFORMED_QUERY"}]'
    error = query_error(RemoteError("x", 400, malformed), "Salesforce contacts", labels)
    assert isinstance(error, SourceError)
    assert "'Region'" in error.message and "MALFORMED_QUERY" in error.details


def test_the_daily_limit_pauses_and_too_many_at_once_waits() -> None:
    daily = Answer(
        403,
        {},
        '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]',
    )
    verdict = salesforce_limits(daily, WIRE, NOW)
    assert isinstance(verdict, QuotaExceeded)
    assert "Salesforce's daily limit of requests is used up" in verdict.message
    concurrent = Answer(
        403,
        {},
        '[{"message":"ConcurrentRequests (Concurrent API Requests) Limit exceeded.",'
        '"errorCode":"REQUEST_LIMIT_EXCEEDED"}]',
    )
    assert salesforce_limits(concurrent, WIRE, NOW) == Wait(None)
    forbidden = Answer(403, {}, '[{"message":"no","errorCode":"INSUFFICIENT_ACCESS"}]')
    assert salesforce_limits(forbidden, WIRE, NOW) is None


def test_the_usage_header_is_read() -> None:
    usage = parse_usage("api-usage=1234/15000; per-app-api-usage=17/250(appName=x)", NOW)
    assert usage is not None and (usage.used, usage.allowed) == (1234, 15000)
    assert usage.words() == "Salesforce API requests in the last 24 hours: 1,234 of 15,000."
    assert parse_usage("", NOW) is None


def test_the_newest_version_the_org_offers_is_pinned_up_to_the_newest_tested() -> None:
    versions = [{"version": v} for v in ("31.0", "58.0", "66.0", "67.0")]
    assert pick_version(versions) == "66.0"
    with pytest.raises(ConfigError, match="no API version"):
        pick_version([{"version": "31.0"}])


def test_production_and_sandbox_orgs_sign_in_on_their_own_hosts() -> None:
    assert salesforce_urls({}, {}).token_url == "https://login.salesforce.com/services/oauth2/token"
    sandbox = salesforce_urls({"org_type": "sandbox"}, {})
    assert sandbox.authorize_url == "https://test.salesforce.com/services/oauth2/authorize"


def test_bulk_results_find_their_rows_whatever_their_order() -> None:
    rows = [{"LastName": "Lee", "Email": "a@x.com"}, {"LastName": "Lee", "Email": "b@x.com"}]
    columns = ["LastName", "Email"]
    assert encode_csv(columns, rows) == b'"LastName","Email"\n"Lee","a@x.com"\n"Lee","b@x.com"\n'
    done = [{"sf__Id": "003B", "sf__Created": "true", "LastName": "Lee", "Email": "b@x.com"}]
    failed = [
        {
            "sf__Id": "",
            "sf__Error": "INVALID_EMAIL_ADDRESS:Email: invalid email address: a@x.com --",
            "LastName": "Lee",
            "Email": "a@x.com",
        }
    ]
    first, second = _match(columns, rows, done, failed)
    assert failure(
        "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
    ) == {
        "statusCode": "REQUIRED_FIELD_MISSING",
        "message": "Required fields are missing: [LastName]",
        "fields": ["LastName"],
    }
    assert second == {"id": "003B", "success": True, "errors": []}
    assert not first["success"]
    assert first["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
