"""Describe: the org's objects, and each object's fields with custom fields (``__c``), person
account fields (``Person…``, ``__pc``) and the State/Country picklists."""

from __future__ import annotations

import base64
from typing import Any

from app.sandbox.salesforce import SalesforceEmulator
from tests.sandbox.salesforce.sf_support import Api, FakeClock


def _fields(api: Api, sobject: str) -> dict[str, dict[str, Any]]:
    answer = api.get(f"/sobjects/{sobject}/describe")
    assert answer.status_code == 200, answer.text
    return {f["name"]: f for f in answer.json()["fields"]}


def _countries_with_states(state_field: dict[str, Any], countries: list[str]) -> set[str]:
    found = set()
    for value in state_field["picklistValues"]:
        bits = base64.b64decode(value["validFor"])
        for index, country in enumerate(countries):
            if bits[index // 8] & (0x80 >> (index % 8)):
                found.add(country)
    return found


def test_describe_global_lists_the_objects_a_sync_touches(api: Api) -> None:
    body = api.get("/sobjects/").json()
    assert body["maxBatchSize"] == 200 and body["encoding"] == "UTF-8"
    names = {o["name"]: o for o in body["sobjects"]}
    for name in (
        "Contact",
        "Lead",
        "Account",
        "Campaign",
        "CampaignMember",
        "CampaignMemberStatus",
        "Task",
    ):
        assert names[name]["queryable"] and names[name]["urls"]["describe"].endswith("/describe")
    assert names["Contact"]["keyPrefix"] == "003" and names["Lead"]["keyPrefix"] == "00Q"
    basic = api.get("/sobjects/Contact").json()
    assert basic["objectDescribe"]["name"] == "Contact" and basic["recentItems"] == []
    assert api.get("/sobjects/Nope__c/describe").status_code == 404


def test_contact_describe_has_standard_and_custom_fields(api: Api) -> None:
    fields = _fields(api, "Contact")
    assert fields["LastName"]["nillable"] is False and fields["LastName"]["length"] == 80
    assert fields["Email"]["type"] == "email" and fields["Email"]["idLookup"] is True
    assert fields["HasOptedOutOfEmail"]["label"] == "Email Opt Out"
    assert fields["SystemModstamp"]["type"] == "datetime"
    assert fields["AccountId"]["referenceTo"] == ["Account"]
    assert fields["AccountId"]["relationshipName"] == "Account"
    tier = fields["Loyalty_Tier__c"]
    assert tier["custom"] is True and tier["type"] == "picklist"
    assert [v["value"] for v in tier["picklistValues"]] == ["Bronze", "Silver", "Gold"]
    assert fields["Customer_Since__c"]["type"] == "date"
    assert fields["IsPersonAccount"]["updateable"] is False
    assert fields["MailingAddress"]["type"] == "address"


def test_state_and_country_picklists_as_a_new_org_has_them(api: Api) -> None:
    fields = _fields(api, "Contact")
    country, state = fields["MailingCountryCode"], fields["MailingStateCode"]
    assert country["restrictedPicklist"] is True and country["type"] == "picklist"
    assert state["dependentPicklist"] is True and state["controllerName"] == "MailingCountryCode"
    codes = [v["value"] for v in country["picklistValues"]]
    assert len(codes) > 230 and {"US", "GB", "DE", "IE"} <= set(codes)
    with_states = _countries_with_states(state, codes)
    assert with_states == {"IT", "US", "JP", "IN", "CN", "MX", "BR", "IE", "CA", "AU"}
    us = [
        v for v in state["picklistValues"] if v["label"] in ("California", "District of Columbia")
    ]
    assert {v["value"] for v in us} == {"CA", "DC"}
    assert fields["MailingCountry"]["type"] == "string" and fields["MailingCountry"]["length"] == 80
    assert "CountryCode" in _fields(api, "Lead") and "StateCode" in _fields(api, "Lead")


def test_person_account_fields_on_account(api: Api) -> None:
    fields = _fields(api, "Account")
    for name in (
        "PersonEmail",
        "PersonHasOptedOutOfEmail",
        "PersonMailingCity",
        "PersonMailingCountryCode",
        "FirstName",
        "LastName",
        "Loyalty_Tier__pc",
        "Customer_Since__pc",
    ):
        assert name in fields, name
    assert fields["Name"]["nillable"] is True
    assert fields["IsPersonAccount"]["createable"] is False
    record_types = api.get("/sobjects/Account/describe").json()["recordTypeInfos"]
    assert {"PersonAccount", "Business_Account"} <= {r["developerName"] for r in record_types}


def test_org_settings_change_what_describe_shows(emu: SalesforceEmulator, api: Api) -> None:
    emu.set_flag("picklists", False)
    emu.set_flag("person_accounts", False)
    contact = _fields(api, "Contact")
    assert "MailingCountryCode" not in contact and "IsPersonAccount" not in contact
    account = _fields(api, "Account")
    assert "PersonEmail" not in account and account["Name"]["nillable"] is False
    address = api.records("SELECT MailingAddress FROM Contact WHERE MailingCity = 'Dublin'")
    assert set(address[0]["MailingAddress"]) == {
        "city",
        "country",
        "geocodeAccuracy",
        "latitude",
        "longitude",
        "postalCode",
        "state",
        "street",
    }  # an org without the feature has no code keys
    emu.add_custom_field("Contact", "Shoe_Size__c", "double")
    assert _fields(api, "Contact")["Shoe_Size__c"]["custom"] is True


def test_describe_global_answers_304_when_nothing_changed_since(
    emu: SalesforceEmulator, api: Api, clock: FakeClock
) -> None:
    since = {"If-Modified-Since": "Wed, 06 May 2026 10:00:00 GMT"}  # after the samples
    assert api.get("/sobjects/", headers=since).status_code == 304
    clock.advance(hours=1)  # 10:30, within the session's two hours
    emu.add_custom_field("Contact", "Newsletter_Topics__c", "string")
    answer = api.get("/sobjects/", headers=since)
    assert answer.status_code == 200 and answer.json()["sobjects"]
