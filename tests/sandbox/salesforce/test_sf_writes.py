"""Single-record writes and the rules every write follows: required fields, opt-outs,
address picklists, person accounts, converted leads, campaign members, duplicate rules."""

from __future__ import annotations

from typing import Any

from app.sandbox.salesforce import EXPO, NEWSLETTER, SalesforceEmulator
from tests.sandbox.salesforce.sf_support import Api


def _one(api: Api, soql: str) -> dict[str, Any]:
    rows = api.records(soql)
    assert len(rows) == 1, rows
    return rows[0]


def _create_error(api: Api, sobject: str, body: dict[str, Any]) -> dict[str, Any]:
    errors = api.errors(api.post(f"/sobjects/{sobject}/", json=body), 400)
    assert len(errors) == 1
    return errors[0]


def test_create_read_update_delete_one_contact(api: Api) -> None:
    created = api.post(
        "/sobjects/Contact/",
        json={"LastName": "Lovelace", "FirstName": "Ada", "Email": "ada@example.org"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body == {"id": body["id"], "success": True, "errors": []}
    assert created.headers["Location"] == f"/services/data/v66.0/sobjects/Contact/{body['id']}"
    record = api.get(f"/sobjects/Contact/{body['id']}").json()
    assert record["Name"] == "Ada Lovelace" and record["HasOptedOutOfEmail"] is False
    assert record["MailingAddress"]["city"] is None and record["IsDeleted"] is False
    assert (
        api.patch(f"/sobjects/Contact/{body['id']}", json={"HasOptedOutOfEmail": True}).status_code
        == 204
    )
    assert (
        api.get(f"/sobjects/Contact/{body['id']}?fields=HasOptedOutOfEmail").json()[
            "HasOptedOutOfEmail"
        ]
        is True
    )
    assert api.delete(f"/sobjects/Contact/{body['id']}").status_code == 204
    again = api.errors(api.delete(f"/sobjects/Contact/{body['id']}"), 404)
    assert (
        again[0]["errorCode"] == "ENTITY_IS_DELETED" and again[0]["message"] == "entity is deleted"
    )


def test_upsert_by_email_answers_201_then_200_with_a_body(api: Api) -> None:
    url = "/sobjects/Contact/Email/grace.hopper@example.org"
    first = api.patch(url, json={"LastName": "Hopper", "FirstName": "Grace"})
    assert first.status_code == 201 and first.json()["created"] is True
    second = api.patch(url, json={"Title": "Rear Admiral"})
    assert second.status_code == 200
    assert second.json() == {
        "id": first.json()["id"],
        "success": True,
        "errors": [],
        "created": False,
    }
    assert api.get(url).json()["Title"] == "Rear Admiral"
    missing = api.patch(
        "/sobjects/Contact/Email/nobody@example.org?updateOnly=true", json={"LastName": "Nobody"}
    )
    assert missing.status_code == 404
    not_a_key = api.patch("/sobjects/Contact/Title/x", json={"LastName": "X"})
    assert not_a_key.status_code == 404


def test_required_and_unknown_and_read_only_fields(api: Api) -> None:
    missing = _create_error(api, "Lead", {"LastName": "Webb"})
    assert missing == {
        "message": "Required fields are missing: [Company]",
        "errorCode": "REQUIRED_FIELD_MISSING",
        "fields": ["Company"],
    }
    unknown = _create_error(api, "Account", {"Name": "X", "AccountNumer": "1"})
    assert unknown["message"] == "No such column 'AccountNumer' on sobject of type Account"
    assert "fields" not in unknown
    locked = _create_error(api, "Contact", {"LastName": "X", "MasterRecordId": None})
    assert locked["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert locked["fields"] == ["MasterRecordId"]
    long = _create_error(api, "Contact", {"LastName": "x" * 81})
    assert long["errorCode"] == "STRING_TOO_LONG"
    email = _create_error(api, "Contact", {"LastName": "X", "Email": "not an email"})
    assert email["errorCode"] == "INVALID_EMAIL_ADDRESS"
    typed = _create_error(api, "Contact", {"LastName": "X", "HasOptedOutOfEmail": "maybe"})
    assert typed["errorCode"] == "JSON_PARSER_ERROR"
    bad_json = api.errors(api.post("/sobjects/Contact/", data="{nope"), 400)
    assert bad_json[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_country_and_state_picklists_keep_codes_and_names_in_step(api: Api) -> None:
    body = {"LastName": "Okoro", "MailingCountryCode": "US", "MailingStateCode": "TX"}
    made = api.post("/sobjects/Contact/", json=body).json()["id"]
    record = api.get(f"/sobjects/Contact/{made}").json()
    assert (record["MailingCountry"], record["MailingState"]) == ("United States", "Texas")
    by_name = api.post(
        "/sobjects/Contact/",
        json={"LastName": "Byrne", "MailingCountry": "Ireland", "MailingState": "Cork"},
    ).json()["id"]
    assert api.get(f"/sobjects/Contact/{by_name}").json()["MailingStateCode"] == "CO"
    no_states = _create_error(
        api, "Contact", {"LastName": "Hale", "MailingCountryCode": "GB", "MailingStateCode": "LND"}
    )
    assert no_states["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert no_states["fields"] == ["MailingStateCode"]
    assert "doesn't recognize the state value" in no_states["message"]
    no_states_text = _create_error(
        api, "Contact", {"LastName": "Hale", "MailingCountry": "Germany", "MailingState": "Bavaria"}
    )
    assert no_states_text["fields"] == ["MailingState"]
    usa = _create_error(api, "Contact", {"LastName": "Hale", "MailingCountry": "USA"})
    assert usa["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert usa["message"].endswith(": [MailingCountry]")
    wrong_state = _create_error(
        api, "Contact", {"LastName": "Hale", "MailingCountryCode": "CA", "MailingStateCode": "TX"}
    )
    assert wrong_state["fields"] == ["MailingStateCode"]
    cleared = api.patch(f"/sobjects/Contact/{made}", json={"MailingCountryCode": None})
    assert cleared.status_code == 204
    record = api.get(f"/sobjects/Contact/{made}").json()
    assert record["MailingStateCode"] is None and record["MailingState"] is None


def test_person_accounts_write_through_the_account(emu: SalesforceEmulator, api: Api) -> None:
    person = {
        "RecordTypeId": emu.person_record_type_id,
        "FirstName": "Rosa",
        "LastName": "Parks",
        "PersonEmail": "rosa@example.org",
        "Loyalty_Tier__pc": "Gold",
    }
    made = api.post("/sobjects/Account/", json=person).json()["id"]
    account = api.get(f"/sobjects/Account/{made}").json()
    assert account["IsPersonAccount"] is True and account["Name"] == "Rosa Parks"
    contact = api.get(f"/sobjects/Contact/{account['PersonContactId']}").json()
    assert contact["Email"] == "rosa@example.org" and contact["Loyalty_Tier__c"] == "Gold"
    assert contact["IsPersonAccount"] is True
    api.patch(f"/sobjects/Account/{made}", json={"PersonHasOptedOutOfEmail": True})
    contact = api.get(f"/sobjects/Contact/{account['PersonContactId']}").json()
    assert contact["HasOptedOutOfEmail"] is True
    named = _create_error(api, "Account", {**person, "Name": "Rosa Parks"})
    assert named["message"] == "Account: bad field names on insert/update call: Name"
    business = _create_error(api, "Account", {"Name": "Acme", "Loyalty_Tier__pc": "Gold"})
    assert business["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert business["fields"] == ["Loyalty_Tier__pc"]


def test_converted_leads_are_read_only(api: Api) -> None:
    lead = _one(
        api,
        "SELECT Id, ConvertedContactId FROM Lead WHERE IsConverted = true"
        " AND Email = 'noor.haddad@example.com'",
    )
    refused = api.errors(
        api.patch(f"/sobjects/Lead/{lead['Id']}", json={"HasOptedOutOfEmail": True}), 400
    )
    assert refused == [
        {
            "message": "cannot reference converted lead",
            "errorCode": "CANNOT_UPDATE_CONVERTED_LEAD",
            "fields": [],
        }
    ]
    contact = api.get(f"/sobjects/Contact/{lead['ConvertedContactId']}").json()
    assert contact["Email"] == "noor.haddad@example.com"


def test_org_granting_edit_of_converted_leads_accepts_it(emu: SalesforceEmulator, api: Api) -> None:
    emu.set_flag("edit_converted_leads", True)
    lead = _one(api, "SELECT Id FROM Lead WHERE IsConverted = true AND FirstName = 'Diego'")
    assert api.patch(f"/sobjects/Lead/{lead['Id']}", json={"Title": "x"}).status_code == 204


def test_campaign_members_are_one_per_person(api: Api) -> None:
    campaign = _one(api, f"SELECT Id FROM Campaign WHERE Name = '{NEWSLETTER}'")["Id"]
    member = _one(
        api,
        f"SELECT ContactId FROM CampaignMember WHERE CampaignId = '{campaign}'"
        " AND Status = 'Clicked' LIMIT 1",
    )
    again = _create_error(
        api, "CampaignMember", {"CampaignId": campaign, "ContactId": member["ContactId"]}
    )
    assert again == {
        "message": "Already a campaign member.",
        "errorCode": "DUPLICATE_VALUE",
        "fields": [],
    }
    newcomer = _one(api, "SELECT Id FROM Contact WHERE Email = 'aiko.tanaka@example.com'")["Id"]
    made = api.post(
        "/sobjects/CampaignMember/", json={"CampaignId": campaign, "ContactId": newcomer}
    ).json()["id"]
    row = api.get(f"/sobjects/CampaignMember/{made}").json()
    assert row["Status"] == "Sent" and row["HasResponded"] is False  # the default status
    api.patch(f"/sobjects/CampaignMember/{made}", json={"Status": "Opened"})
    row = _one(
        api,
        f"SELECT HasResponded, FirstRespondedDate, Email FROM CampaignMember WHERE Id = '{made}'",
    )
    assert row["HasResponded"] is True and row["FirstRespondedDate"] == "2026-05-06"
    assert row["Email"] == "aiko.tanaka@example.com"
    statuses = api.records(
        f"SELECT Label, IsDefault, HasResponded, SortOrder FROM"
        f" CampaignMemberStatus WHERE CampaignId = '{campaign}'"
        " ORDER BY SortOrder"
    )
    assert [s["Label"] for s in statuses] == ["Sent", "Responded", "Opened", "Clicked"]
    converted = _one(api, "SELECT Id FROM Lead WHERE IsConverted = true AND FirstName = 'Noor'")
    refused = _create_error(
        api, "CampaignMember", {"CampaignId": campaign, "LeadId": converted["Id"]}
    )
    assert refused["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def test_a_new_campaign_gets_the_default_statuses(api: Api) -> None:
    made = api.post("/sobjects/Campaign/", json={"Name": "May Newsletter"}).json()["id"]
    statuses = api.records(
        f"SELECT Label, IsDefault, HasResponded FROM CampaignMemberStatus"
        f" WHERE CampaignId = '{made}' ORDER BY SortOrder"
    )
    assert statuses == [
        {
            "attributes": statuses[0]["attributes"],
            "Label": "Sent",
            "IsDefault": True,
            "HasResponded": False,
        },
        {
            "attributes": statuses[1]["attributes"],
            "Label": "Responded",
            "IsDefault": False,
            "HasResponded": True,
        },
    ]
    clicked = api.post(
        "/sobjects/CampaignMemberStatus/",
        json={"CampaignId": made, "Label": "Clicked", "HasResponded": True, "IsDefault": True},
    )
    assert clicked.status_code == 201
    defaults = api.records(
        f"SELECT Label FROM CampaignMemberStatus WHERE CampaignId = '{made}' AND IsDefault = true"
    )
    assert [d["Label"] for d in defaults] == ["Clicked"]
    twice = _create_error(api, "CampaignMemberStatus", {"CampaignId": made, "Label": "clicked"})
    assert twice["errorCode"] == "DUPLICATE_VALUE"


def test_expo_registrations_sit_in_campaign_member_custom_fields(api: Api) -> None:
    rows = api.records(
        "SELECT LeadId, Registration_Status__c, Payment_Status__c, Guest_Count__c FROM"
        f" CampaignMember WHERE Campaign.Name = '{EXPO}'"
    )
    assert len(rows) == 8 and all(r["LeadId"].startswith("00Q") for r in rows)
    assert {r["Payment_Status__c"] for r in rows} == {"Paid", "Complimentary"}


def test_duplicate_rules_block_a_plain_create_unless_allowed(api: Api) -> None:
    body = {"FirstName": "Maya", "LastName": "Chen", "Email": "maya.chen@driftwoodcafe.example"}
    blocked = _create_error(api, "Contact", body)
    assert blocked["errorCode"] == "DUPLICATES_DETECTED"
    matches = blocked["duplicateResult"]["matchResults"][0]["matchRecords"]
    assert matches[0]["record"]["Id"].startswith("003")
    allowed = api.post(
        "/sobjects/Contact/", json=body, headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"}
    )
    assert allowed.status_code == 201


def test_tasks_for_opens_and_clicks(api: Api) -> None:
    who = _one(api, "SELECT Id FROM Contact WHERE Email = 'maya.chen@driftwoodcafe.example'")
    made = api.post(
        "/sobjects/Task/",
        json={
            "WhoId": who["Id"],
            "Subject": "Clicked: Spring",
            "Status": "Completed",
            "ActivityDate": "2026-05-06",
        },
    )
    assert made.status_code == 201
    task = api.get(f"/sobjects/Task/{made.json()['id']}").json()
    assert task["IsClosed"] is True and task["Priority"] == "Normal"
    account = _one(api, "SELECT Id FROM Account WHERE Name = 'Driftwood Café'")["Id"]
    bad_who = _create_error(api, "Task", {"WhoId": account, "Subject": "x"})
    assert bad_who["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert bad_who["fields"] == ["WhoId"]
    malformed = _create_error(api, "Task", {"WhoId": "003-not-an-id", "Subject": "x"})
    assert malformed["errorCode"] == "MALFORMED_ID"


def test_deletes_take_what_belongs_to_the_record_with_them(api: Api) -> None:
    person = _one(
        api, "SELECT Id, PersonContactId FROM Account WHERE PersonEmail = 'theo.grant@example.com'"
    )
    assert api.delete(f"/sobjects/Contact/{person['PersonContactId']}").status_code == 204
    assert api.records(f"SELECT Id FROM Account WHERE Id = '{person['Id']}'") == []
    member = _one(
        api,
        "SELECT Id, ContactId FROM CampaignMember WHERE Contact.Email ="
        " 'maya.chen@driftwoodcafe.example'",
    )
    assert api.delete(f"/sobjects/Contact/{member['ContactId']}").status_code == 204
    assert api.records(f"SELECT Id FROM CampaignMember WHERE Id = '{member['Id']}'") == []
    every = api.query(
        f"SELECT Id, IsDeleted FROM CampaignMember WHERE Id = '{member['Id']}'", every=True
    ).json()
    assert every["records"][0]["IsDeleted"] is True
