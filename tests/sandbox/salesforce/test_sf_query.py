"""SOQL over ``/query`` and ``/queryAll``: paging as live orgs page (2,000 a page, 1,000 with
a long text field, no ``nextRecordsUrl`` key on the last page), cursors that expire, the
SOQL a sync client sends, and the errors of a bad query."""

from __future__ import annotations

from typing import Any

import pytest

from app.sandbox.salesforce import SalesforceEmulator
from tests.sandbox.salesforce.sf_support import Api, FakeClock


def _error(api: Api, soql: str) -> dict[str, Any]:
    errors = api.errors(api.query(soql), 400)
    assert len(errors) == 1
    return errors[0]


def test_versions_list_is_open_and_oldest_first(api: Api) -> None:
    answer = api.session.get(f"{api.emu.base_url}/services/data", timeout=10)
    versions = answer.json()
    assert answer.status_code == 200 and "Sforce-Limit-Info" not in answer.headers
    assert versions[0] == {"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"}
    assert versions[-1]["version"] == "66.0" and len(versions) == 36
    assert api.get("/services/data/v30.0/limits").status_code == 410
    assert api.get("/services/data/v99.0/limits").status_code == 404
    resources = api.get("/").json()
    assert resources["query"] == "/services/data/v66.0/query"


def test_paging_follows_nextrecordsurl_with_2000_a_page(api: Api) -> None:
    api.emu.seed_contacts(4_100)
    first = api.query("SELECT Id, Email FROM Contact").json()
    total = 4_100 + 45
    assert first["totalSize"] == total and first["done"] is False
    assert len(first["records"]) == 2000
    assert first["nextRecordsUrl"].startswith("/services/data/v66.0/query/0r8")
    assert first["nextRecordsUrl"].endswith("-2000")
    second = api.get(first["nextRecordsUrl"]).json()
    assert len(second["records"]) == 2000 and second["nextRecordsUrl"].endswith("-4000")
    last = api.get(second["nextRecordsUrl"]).json()
    assert last["done"] is True and "nextRecordsUrl" not in last
    assert len(last["records"]) == total - 4000 and last["totalSize"] == total
    ids = {r["Id"] for page in (first, second, last) for r in page["records"]}
    assert len(ids) == total


def test_a_long_text_field_halves_the_page_silently(api: Api) -> None:
    api.emu.seed_contacts(2_100)
    body = api.query("SELECT Id, Description FROM Contact").json()
    assert len(body["records"]) == 1000 and body["nextRecordsUrl"].endswith("-1000")


def test_batch_size_header_asks_for_smaller_pages(api: Api) -> None:
    body = api.query("SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=20"})
    assert len(body.json()["records"]) == 45  # the minimum page is 200


def test_next_page_keeps_the_first_calls_version(api: Api) -> None:
    api.emu.seed_contacts(2_100)
    first = api.get("/services/data/v59.0/query", params={"q": "SELECT Id FROM Contact"}).json()
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    assert first["records"][0]["attributes"]["url"].startswith("/services/data/v59.0/")


def test_queryall_includes_deleted_records_and_its_link_says_query(api: Api) -> None:
    emu = api.emu
    emu.seed_contacts(2_100)
    gone = emu.records("Contact")[0]["Id"]
    emu.delete(gone)
    live = api.query(f"SELECT Id FROM Contact WHERE Id = '{gone}'").json()
    assert live == {"totalSize": 0, "done": True, "records": []}
    every = api.query("SELECT Id, IsDeleted FROM Contact", every=True).json()
    assert every["totalSize"] == 2_100 + 45
    assert "/query/" in every["nextRecordsUrl"]
    deleted = [r for r in every["records"] if r["IsDeleted"]]
    assert [r["Id"] for r in deleted] == [gone]


def test_cursors_die_after_15_idle_minutes_and_beyond_10_open(api: Api, clock: FakeClock) -> None:
    api.emu.seed_contacts(2_100)
    first = api.query("SELECT Id FROM Contact").json()
    clock.advance(minutes=16)
    error = api.errors(api.get(first["nextRecordsUrl"]), 400)
    assert error == [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]
    links = [api.query("SELECT Id FROM Contact").json()["nextRecordsUrl"] for _ in range(11)]
    assert api.get(links[0]).status_code == 400  # the oldest went first
    assert api.get(links[1]).status_code == 200


def test_every_selected_field_is_present_and_parents_may_be_null(api: Api) -> None:
    rows = api.records("SELECT Id, Email, Title, Account.Name, Owner.Name FROM Contact")
    assert all(set(r) == {"attributes", "Id", "Email", "Title", "Account", "Owner"} for r in rows)
    assert any(r["Account"] is None for r in rows)
    with_account = next(r for r in rows if r["Account"])
    assert with_account["Account"]["attributes"]["type"] == "Account"
    leads = api.records("SELECT Id, Owner.Name FROM Lead LIMIT 1")
    assert leads[0]["Owner"]["attributes"]["type"] == "Name"  # polymorphic owner


def test_soql_conditions_a_sync_client_sends(api: Api, clock: FakeClock) -> None:
    emu = api.emu
    mark = clock.now
    clock.advance(minutes=5)
    contact = emu.records("Contact")[3]
    emu.update(contact["Id"], Title="Head Roaster")
    iso = mark.strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = api.records(f"SELECT Id FROM Contact WHERE SystemModstamp > {iso}")
    assert [r["Id"] for r in changed] == [contact["Id"]]
    opted = api.records("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true")
    assert len(opted) == 6  # five business contacts and one person account
    open_leads = api.records("SELECT Id, ConvertedContactId FROM Lead WHERE IsConverted = false")
    assert len(open_leads) == 13
    converted = api.records("SELECT ConvertedContactId FROM Lead WHERE IsConverted = true")
    assert all(r["ConvertedContactId"].startswith("003") for r in converted)
    mixed = api.records(
        "SELECT Id FROM Contact WHERE (MailingCountryCode IN ('CA', 'IE') OR Email LIKE"
        " '%@harbourview.example') AND HasOptedOutOfEmail != true"
    )
    # Canada: four contacts and a person account; Ireland: two; Harbourview: Hannah (the
    # third there is Irish, the fourth opted out).
    assert len(mixed) == 8
    ordered = api.records(
        "SELECT LastName FROM Contact WHERE LastName LIKE 'o%' ORDER BY LastName DESC"
    )
    assert [r["LastName"] for r in ordered] == ["Okafor", "O'Neill"]  # "Ó Briain" is no match
    names = [
        r["LastName"]
        for r in api.records(
            "SELECT LastName FROM Contact ORDER BY LastName ASC NULLS FIRST LIMIT 3"
        )
    ]
    assert names == sorted(names, key=str.lower)
    count = api.query("SELECT COUNT() FROM Lead WHERE IsConverted = false").json()
    assert count == {"totalSize": 13, "done": True, "records": []}
    today = api.records("SELECT Id FROM Contact WHERE CreatedDate = TODAY")
    assert len(today) == 45


@pytest.mark.parametrize(
    ("soql", "code", "wording"),
    [
        ("SELECT Id FORM Contact", "MALFORMED_QUERY", "unexpected token: 'FORM'"),
        (
            "SELECT Id FROM Contact WHERE A = 1 AND B = 2 OR C = 3",
            "MALFORMED_QUERY",
            "unexpected token: 'OR'",
        ),
        (
            "SELECT Id, Foo__c FROM Contact",
            "INVALID_FIELD",
            "No such column 'Foo__c' on entity 'Contact'",
        ),
        ("SELECT Id FROM Accout", "INVALID_TYPE", "sObject type 'Accout' is not supported"),
        (
            "SELECT Acount.Name FROM Contact",
            "INVALID_FIELD",
            "Didn't understand relationship 'Acount'",
        ),
        (
            "SELECT Id FROM Contact WHERE SystemModstamp > '2026-01-01'",
            "INVALID_FIELD",
            "must be of type dateTime and should not be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'",
            "INVALID_FIELD",
            "must be of type boolean",
        ),
        (
            "SELECT Id FROM Contact WHERE Id = 'nope'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: nope",
        ),
        ("SELECT FIELDS(ALL) FROM Contact", "MALFORMED_QUERY", "LIMIT of at most 200"),
    ],
)
def test_bad_queries_get_salesforces_errors(api: Api, soql: str, code: str, wording: str) -> None:
    error = _error(api, soql)
    assert error["errorCode"] == code
    assert wording in error["message"]


def test_error_messages_point_at_the_column(api: Api) -> None:
    error = _error(api, "SELECT Id, Foo__c FROM Contact")
    lines = error["message"].split("\n")
    assert lines[1] == "SELECT Id, Foo__c FROM Contact"
    assert lines[2] == " " * 11 + "^"
    assert lines[3] == "ERROR at Row:1:Column:12"


def test_custom_and_person_account_fields_are_queryable(api: Api) -> None:
    people = api.records(
        "SELECT Name, PersonEmail, Loyalty_Tier__pc, PersonMailingCountryCode FROM Account"
        " WHERE IsPersonAccount = true ORDER BY LastName"
    )
    assert len(people) == 5
    assert people[0]["Name"] == "Beatriz Alves" and people[0]["Loyalty_Tier__pc"] == "Gold"
    assert people[0]["PersonMailingCountryCode"] == "US"
    tiers = api.records("SELECT Loyalty_Tier__c FROM Contact WHERE Loyalty_Tier__c = 'gold'")
    assert len(tiers) == 8  # seven contacts and Beatriz's person contact; case is ignored


def test_seeded_100k_style_read_is_quick_per_page(emu: SalesforceEmulator, api: Api) -> None:
    emu.seed_contacts(20_000)
    rows = api.records("SELECT Id, Email, HasOptedOutOfEmail FROM Contact")
    assert len(rows) == 20_045
    assert sum(1 for r in rows if r["HasOptedOutOfEmail"]) == 20_000 // 20 + 6
    counts = emu.request_counts()
    assert counts["GET /services/data/vXX.X/query"] == 1
    assert counts["GET /services/data/vXX.X/query/{locator}"] == 10
