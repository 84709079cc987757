"""Accounts in the Neon CRM emulator: get, create, PATCH and PUT, merged accounts (HTTP 222),
opt-out, consent, Do Not Contact, deceased, origin and custom values."""

from __future__ import annotations

from typing import Any

from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator, merged_sample_ids
from tests.sandbox.neoncrm.neon_support import RawNeon, codes


def _new_individual(raw: RawNeon, **extra: Any) -> str:
    body = {
        "individualAccount": {
            "primaryContact": {
                "firstName": "Rosa",
                "lastName": "Delgado",
                "email1": "rosa.delgado@example.org",
                "addresses": [
                    {
                        "addressLine1": "5 Elm St",
                        "city": "Salem",
                        "stateProvince": {"code": "OR"},
                        "zipCode": "97301",
                        "country": {"id": "1"},
                        "phone1": "503-555-0101",
                        "phone1Type": "Home",
                    }
                ],
            },
            "origin": {"originCategory": "API", "originDetail": "Constant Contact"},
            **extra,
        }
    }
    answer = raw.call("POST", "/accounts", json=body)
    assert answer.status_code == 200, answer.text
    account_id: str = answer.json()["id"]
    return account_id


def test_an_individual_reads_back_with_every_key_and_nulls(raw: RawNeon) -> None:
    account_id = _new_individual(raw)
    account = raw.account(account_id)
    contact = account["primaryContact"]
    assert account["accountId"] == account_id
    assert (contact["firstName"], contact["email1"], contact["email2"]) == (
        "Rosa",
        "rosa.delgado@example.org",
        None,
    )
    assert account["origin"] == {"originCategory": "API", "originDetail": "Constant Contact"}
    assert account["email1OptOut"] is False and account["noSolicitation"] is False
    assert account["consent"]["email"] == "NOT_ASKED"
    assert account["accountCustomFields"] == []
    address = contact["addresses"][0]
    assert address["isPrimaryAddress"] is True
    assert address["stateProvince"] == {"code": "OR", "name": "Oregon"}
    assert address["country"] == {"id": "1", "name": "United States"}
    assert address["phone2"] is None  # every key of the spec's object is there
    assert account["timestamps"]["createdBy"] == "Dana Whitfield"


def test_a_new_individual_needs_a_first_and_last_name_and_valid_emails(raw: RawNeon) -> None:
    answer = raw.call(
        "POST",
        "/accounts",
        json={"individualAccount": {"primaryContact": {"email1": "no at sign", "email2": "x@y"}}},
    )
    assert answer.status_code == 400
    messages = [m["message"] for m in answer.json()]
    assert "First name is required." in messages
    assert "Last name is required." in messages
    assert "Email 1 is invalid." in messages and "Email 2 is invalid." in messages
    assert raw.call("POST", "/accounts", json={"donor": {}}).status_code == 400


def test_a_company_needs_a_name_and_reads_as_a_company_account(raw: RawNeon) -> None:
    assert raw.call("POST", "/accounts", json={"companyAccount": {}}).status_code == 400
    answer = raw.call(
        "POST",
        "/accounts",
        json={
            "companyAccount": {
                "name": "Hillside Farm",
                "primaryContact": {
                    "firstName": "Ann",
                    "lastName": "Lee",
                    "email1": "ann@hill.example.org",
                },
            }
        },
    )
    company = raw.account(answer.json()["id"])
    assert company["name"] == "Hillside Farm"
    assert company["primaryContact"]["email1"] == "ann@hill.example.org"
    assert "individualTypes" not in company


def test_patch_changes_only_what_it_sends_and_answers_200_without_json(raw: RawNeon) -> None:
    account_id = _new_individual(raw)
    answer = raw.call(
        "PATCH",
        f"/accounts/{account_id}",
        json={
            "individualAccount": {
                "email1OptOut": True,
                "consent": {"email": "DECLINED"},
                "primaryContact": {"lastName": "Delgado-Ruiz"},
            }
        },
    )
    assert answer.status_code == 200
    assert answer.content == b""  # live PATCH answers are not JSON a client can rely on
    account = raw.account(account_id)
    assert account["email1OptOut"] is True
    assert account["consent"] == {
        "email": "DECLINED",
        "phone": "NOT_ASKED",
        "mail": "NOT_ASKED",
        "sms": "NOT_ASKED",
        "dataSharing": "NOT_ASKED",
    }
    contact = account["primaryContact"]
    assert (contact["firstName"], contact["lastName"]) == ("Rosa", "Delgado-Ruiz")
    assert contact["addresses"][0]["city"] == "Salem"
    assert account["origin"]["originDetail"] == "Constant Contact"


def test_patch_can_answer_the_specs_body_when_switched(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    account_id = _new_individual(raw)
    neon.settings.patch_json_body = True
    answer = raw.call(
        "PATCH", f"/accounts/{account_id}", json={"individualAccount": {"noSolicitation": True}}
    )
    assert answer.json() == {"accountId": account_id}


def test_patch_merges_addresses_by_id_and_adds_new_ones(raw: RawNeon) -> None:
    account_id = _new_individual(raw)
    first = raw.account(account_id)["primaryContact"]["addresses"][0]
    raw.call(
        "PATCH",
        f"/accounts/{account_id}",
        json={
            "individualAccount": {
                "primaryContact": {
                    "addresses": [
                        {
                            "addressId": first["addressId"],
                            "phone2": "503-555-0177",
                            "phone2Type": "Work",
                        },
                        {"addressLine1": "PO Box 9", "city": "Salem"},
                    ]
                }
            }
        },
    )
    addresses = raw.account(account_id)["primaryContact"]["addresses"]
    assert len(addresses) == 2
    assert addresses[0]["addressLine1"] == "5 Elm St"
    assert addresses[0]["phone2"] == "503-555-0177"
    assert addresses[1]["addressId"] not in (None, first["addressId"])


def test_put_replaces_the_whole_account(raw: RawNeon) -> None:
    account_id = _new_individual(raw)
    answer = raw.call(
        "PUT",
        f"/accounts/{account_id}",
        json={"individualAccount": {"primaryContact": {"firstName": "Rosa", "lastName": "D"}}},
    )
    assert (answer.status_code, answer.json()) == (200, {"accountId": account_id})
    account = raw.account(account_id)
    assert account["primaryContact"]["email1"] is None
    assert account["primaryContact"]["addresses"] == []
    assert account["origin"] == {"originDetail": None, "originCategory": None}


def test_a_write_of_the_other_account_type_is_refused(raw: RawNeon) -> None:
    account_id = _new_individual(raw)
    answer = raw.call("PATCH", f"/accounts/{account_id}", json={"companyAccount": {"name": "X"}})
    assert answer.status_code == 400


def test_unknown_ids_answer_404_with_an_empty_body(raw: RawNeon) -> None:
    for bad in ("999999", "-1", "0", "invalid", "None"):
        answer = raw.get(f"/accounts/{bad}")
        assert answer.status_code == 404, bad
        assert answer.content == b""
    missing = raw.call("PATCH", "/accounts/999999", json={"individualAccount": {}})
    assert missing.status_code == 404


def test_a_merged_account_answers_222_with_the_survivor(
    neon: NeonCrmEmulator, raw: RawNeon
) -> None:
    old, survivor = merged_sample_ids(neon)
    answer = raw.get(f"/accounts/{old}")
    assert answer.status_code == 222
    assert answer.json()["individualAccount"]["accountId"] == survivor
    assert raw.get(f"/accounts/{survivor}").status_code == 200
    patched = raw.call(
        "PATCH", f"/accounts/{old}", json={"individualAccount": {"email1OptOut": True}}
    )
    assert (patched.status_code, patched.json()) == (222, {"accountId": survivor})
    assert raw.account(survivor)["email1OptOut"] is True
    found = raw.search_rows(
        [{"field": "Email", "operator": "EQUAL", "value": "henry.adams@example.com"}],
        ["Account ID"],
    )
    assert found == [{"Account ID": survivor}]


def test_custom_values_set_by_patch_leave_the_others(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    priya = neon.find_by_email(ORG_ID, "priya.n@example.org")[0]
    before = {f["name"]: f for f in raw.account(priya)["accountCustomFields"]}
    assert before["First Volunteer Date"]["value"] == "03/15/2023"
    interests = before["Volunteer Interests"]["optionValues"]
    assert [o["name"] for o in interests] == ["Kitchen Shifts", "Events"]
    language = neon.custom_field_id(ORG_ID, "Preferred Language")
    options = {
        o["name"]: o["id"]
        for f in raw.get("/customFields", params={"category": "Account"}).json()
        if f["id"] == language
        for o in f["optionValues"]
    }
    answer = raw.call(
        "PATCH",
        f"/accounts/{priya}",
        json={
            "individualAccount": {
                "accountCustomFields": [
                    {"id": language, "optionValues": [{"id": options["Spanish"]}]}
                ]
            }
        },
    )
    assert answer.status_code == 200
    after = {f["name"]: f for f in raw.account(priya)["accountCustomFields"]}
    assert after["Preferred Language"]["optionValues"][0]["name"] == "Spanish"
    assert after["First Volunteer Date"]["value"] == "03/15/2023"
    assert len(after) == len(before) + 1


def test_an_account_lists_only_custom_fields_with_a_value(
    neon: NeonCrmEmulator, raw: RawNeon
) -> None:
    noah = neon.find_by_email(ORG_ID, "noah.wilson@example.org")[0]
    assert [f["name"] for f in raw.account(noah)["accountCustomFields"]] == ["T-Shirt Size"]
    size = neon.custom_field_id(ORG_ID, "T-Shirt Size")
    raw.call(
        "PATCH",
        f"/accounts/{noah}",
        json={"individualAccount": {"accountCustomFields": [{"id": size, "optionValues": []}]}},
    )
    assert raw.account(noah)["accountCustomFields"] == []


def test_bad_custom_values_get_neons_codes_all_at_once(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    account_id = _new_individual(raw)
    language = neon.custom_field_id(ORG_ID, "Preferred Language")
    notes = neon.custom_field_id(ORG_ID, "Dietary Notes")
    sponsorship = neon.custom_field_id(ORG_ID, "Sponsorship Level")  # companies only
    answer = raw.call(
        "PATCH",
        f"/accounts/{account_id}",
        json={
            "individualAccount": {
                "accountCustomFields": [
                    {"value": "no id"},
                    {"id": "424242", "value": "x"},
                    {"id": language, "optionValues": [{"id": "999"}]},
                    {"id": notes},
                    {"id": notes, "value": "again"},
                    {"id": sponsorship, "optionValues": []},
                ]
            }
        },
    )
    assert answer.status_code == 400
    assert codes(answer) == ["50", "51", "54", "52", "56", "51"]


def test_the_sample_flags_read_as_the_api_names_them(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    def account(email: str) -> dict[str, Any]:
        return raw.account(neon.find_by_email(ORG_ID, email)[0])

    assert account("grace.whitaker@example.net")["primaryContact"]["deceased"] is True
    assert account("bob.fitz@example.com")["noSolicitation"] is True
    samuel = account("sam.osei@example.com")
    assert samuel["email1OptOut"] is True and samuel["consent"]["email"] == "DECLINED"
    hannah = account("hannah.schmidt@example.org")
    assert hannah["email1OptOut"] is False and hannah["consent"]["email"] == "DECLINED"
    kwame = account("kwame.mensah@example.com")
    assert kwame["origin"] == {"originDetail": "Constant Contact", "originCategory": "API"}
    james = account("james.chen@example.net")
    assert [t["name"] for t in james["individualTypes"]] == ["Board Member", "Donor"]
    assert james["primaryContact"]["title"] == "Treasurer"


def test_individual_types_are_listed_and_checked_on_write(raw: RawNeon) -> None:
    types = {t["name"]: t["id"] for t in raw.get("/properties/individualTypes").json()}
    assert set(types) == {"Donor", "Volunteer", "Board Member", "Client", "Staff"}
    account_id = _new_individual(raw, individualTypes=[{"id": types["Volunteer"]}])
    assert raw.account(account_id)["individualTypes"] == [
        {"id": types["Volunteer"], "name": "Volunteer"}
    ]
    bad = raw.call(
        "PATCH",
        f"/accounts/{account_id}",
        json={"individualAccount": {"individualTypes": [{"id": "77"}]}},
    )
    assert bad.status_code == 400


def test_the_account_list_filters_by_type_and_email_and_pages(raw: RawNeon) -> None:
    companies = raw.get("/accounts", params={"userType": "COMPANY", "pageSize": 50}).json()
    assert {a["companyName"] for a in companies["accounts"]} == {
        "Greenleaf Grocers",
        "Riverside Rotary Club",
        "Northside Bakery Co-op",
    }
    assert all(a["userType"] == "COMPANY" for a in companies["accounts"])
    shared = raw.get(
        "/accounts", params={"userType": "INDIVIDUAL", "email": "okafor.family@example.org"}
    )
    assert {a["firstName"] for a in shared.json()["accounts"]} == {"Chidi", "Ngozi"}
    page = raw.get("/accounts", params={"userType": "INDIVIDUAL", "pageSize": 5000}).json()
    assert page["pagination"]["totalResults"] == len(page["accounts"]) == 40
