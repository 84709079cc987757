"""The Xero emulator's contacts: tenant header, paging, filters, writes and validation."""

from __future__ import annotations

import re

from app.sandbox.xero import SECOND_TENANT_ID, XeroEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.xero.xero_support import XeroApi

MS_DATE = re.compile(r"^/Date\(\d+\+0000\)/$")


def _seed(xero: XeroEmulator, count: int, **fields: object) -> list[str]:
    return [xero.seed_contact(f"Contact {i:03d}", **fields) for i in range(count)]  # type: ignore[arg-type]


def test_every_call_needs_a_connected_tenant(api: XeroApi, xero: XeroEmulator) -> None:
    missing = api.get("/Contacts", headers={"xero-tenant-id": None})
    assert missing.status_code == 403
    # Xero's words for a missing or foreign tenant (see app/sandbox/xero/errors.py).
    assert missing.json()["Detail"] == "AuthenticationUnsuccessful"
    assert api.get("/Contacts", headers={"xero-tenant-id": "not-a-tenant"}).status_code == 403
    only_first = xero.issue_token(tenant_ids=[api.tenant])["access_token"]
    other = api.get(
        "/Contacts",
        headers={"Authorization": f"Bearer {only_first}", "xero-tenant-id": SECOND_TENANT_ID},
    )
    assert other.status_code == 403
    assert api.get("/Contacts", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_tenants_are_separate(api: XeroApi, xero: XeroEmulator) -> None:
    xero.seed_contact("In the second org", tenant_id=SECOND_TENANT_ID)
    assert api.get("/Contacts").json()["Contacts"] == []
    second = api.get("/Contacts", headers={"xero-tenant-id": SECOND_TENANT_ID}).json()
    assert [c["Name"] for c in second["Contacts"]] == ["In the second org"]


def test_response_envelope_and_dates(api: XeroApi, xero: XeroEmulator) -> None:
    xero.seed_contact("Ada Bakes", email="ada@example.com", is_customer=True)
    body = api.get("/Contacts", params={"page": 1}).json()
    assert body["Status"] == "OK" and body["Id"] and body["ProviderName"]
    assert re.match(r"^/Date\(\d+\)/$", body["DateTimeUTC"])
    assert body["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 1, "itemCount": 1}
    contact = body["Contacts"][0]
    assert MS_DATE.match(contact["UpdatedDateUTC"])
    assert contact["IsCustomer"] is True and contact["IsSupplier"] is False
    assert {a["AddressType"] for a in contact["Addresses"]} == {"STREET", "POBOX"}
    assert [p["PhoneType"] for p in contact["Phones"]] == ["DEFAULT", "DDI", "FAX", "MOBILE"]


def test_paging_250_contacts(api: XeroApi, xero: XeroEmulator) -> None:
    ids = set(_seed(xero, 250))
    seen: list[str] = []
    for page in (1, 2, 3):
        body = api.get("/Contacts", params={"page": page}).json()
        assert body["pagination"]["pageCount"] == 3 and body["pagination"]["itemCount"] == 250
        seen += [c["ContactID"] for c in body["Contacts"]]
    assert len(seen) == 250 and set(seen) == ids
    assert api.get("/Contacts", params={"page": 4}).json()["Contacts"] == []
    big = api.get("/Contacts", params={"page": 1, "pageSize": 5000}).json()
    assert big["pagination"]["pageSize"] == 1000 and len(big["Contacts"]) == 250
    assert len(api.get("/Contacts").json()["Contacts"]) == 250  # no page: everything


def test_if_modified_since(api: XeroApi, xero: XeroEmulator, clock: FakeClock) -> None:
    old = xero.seed_contact("Old")
    clock.advance(minutes=5)
    new = xero.seed_contact("New")
    since = {"If-Modified-Since": "2025-03-14T12:02:00"}
    assert [c["ContactID"] for c in api.get("/Contacts", headers=since).json()["Contacts"]] == [new]
    clock.advance(minutes=5)
    xero.update_contact(old, EmailAddress="old@example.com")
    changed = api.get("/Contacts", headers={"If-Modified-Since": "2025-03-14T12:07:00Z"})
    assert [c["ContactID"] for c in changed.json()["Contacts"]] == [old]
    http_date = {"If-Modified-Since": "Fri, 14 Mar 2025 12:20:00 GMT"}
    assert api.get("/Contacts", headers=http_date).json()["Contacts"] == []
    assert api.get("/Contacts", headers={"If-Modified-Since": "soon"}).status_code == 400


def test_where_filters(api: XeroApi, xero: XeroEmulator) -> None:
    xero.seed_contact("Cust", email="c@example.com", is_customer=True)
    xero.seed_contact("Supp", email="s@example.com", is_supplier=True)
    xero.seed_contact("Both", is_customer=True, is_supplier=True)
    xero.seed_contact("Gone", email="g@example.com", is_customer=True, status="ARCHIVED")

    def names(where: str, **params: object) -> list[str]:
        response = api.get("/Contacts", params={"where": where, **params})
        assert response.status_code == 200, response.text
        return sorted(c["Name"] for c in response.json()["Contacts"])

    assert names("IsCustomer==true") == ["Both", "Cust"]
    assert names("IsSupplier==true") == ["Both", "Supp"]
    assert names("EmailAddress!=null") == ["Cust", "Supp"]
    assert names("EmailAddress==null") == ["Both"]
    assert names('ContactStatus=="ACTIVE"') == ["Both", "Cust", "Supp"]
    assert names('ContactStatus=="ARCHIVED"', includeArchived="true") == ["Gone"]
    assert names("IsCustomer==true AND EmailAddress!=null") == ["Cust"]
    assert names("IsCustomer==true&&EmailAddress!=null", includeArchived="true") == [
        "Cust",
        "Gone",
    ]
    assert names("(IsCustomer==true OR IsSupplier==true) AND EmailAddress!=null") == [
        "Cust",
        "Supp",
    ]
    assert names('Name.StartsWith("b")') == ["Both"]
    assert names('Name=="cust"') == ["Cust"]
    bad = api.get("/Contacts", params={"where": "Colour==blue"})
    assert bad.status_code == 400 and bad.json()["Type"] == "QueryParseException"


def test_archived_summary_search_order_and_ids(api: XeroApi, xero: XeroEmulator) -> None:
    a = xero.seed_contact("Alpha", email="alpha@example.com", ContactNumber="A-1")
    xero.seed_contact("Beta", status="ARCHIVED")
    assert [c["Name"] for c in api.get("/Contacts").json()["Contacts"]] == ["Alpha"]
    archived = api.get("/Contacts", params={"includeArchived": "true", "order": "Name DESC"})
    assert [c["Name"] for c in archived.json()["Contacts"]] == ["Beta", "Alpha"]
    summary = api.get("/Contacts", params={"summaryOnly": "true"}).json()["Contacts"][0]
    assert "Addresses" not in summary and "ContactGroups" not in summary
    assert summary["EmailAddress"] == "alpha@example.com"
    found = api.get("/Contacts", params={"searchTerm": "ALPHA@"}).json()["Contacts"]
    assert [c["ContactID"] for c in found] == [a]
    assert [c["ContactID"] for c in api.get("/Contacts", params={"IDs": a}).json()["Contacts"]] == [
        a
    ]
    assert api.get(f"/Contacts/{a}").json()["Contacts"][0]["Name"] == "Alpha"
    assert api.get("/Contacts/A-1").json()["Contacts"][0]["ContactID"] == a
    missing = api.get("/Contacts/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404


def test_create_and_update(api: XeroApi, xero: XeroEmulator, clock: FakeClock) -> None:
    body = {
        "Contacts": [
            {
                "Name": "Cake Co",
                "EmailAddress": "hello@cake.example.com",
                "Phones": [{"PhoneType": "MOBILE", "PhoneNumber": "021 1"}],
                "Addresses": [
                    {"AddressType": "STREET", "AddressLine1": "1 Main", "City": "Nelson"}
                ],
                "IsCustomer": True,  # read-only: ignored
            }
        ]
    }
    created = api.put("/Contacts", json=body)
    assert created.status_code == 200, created.text
    contact = created.json()["Contacts"][0]
    cid = contact["ContactID"]
    assert contact["IsCustomer"] is False and contact["ContactStatus"] == "ACTIVE"
    clock.advance(minutes=1)
    update = {
        "Contacts": [
            {"ContactID": cid, "Addresses": [{"AddressType": "STREET", "City": "Nelson South"}]}
        ]
    }
    updated = api.post("/Contacts", json=update).json()["Contacts"][0]
    street = next(a for a in updated["Addresses"] if a["AddressType"] == "STREET")
    assert street["City"] == "Nelson South" and "AddressLine1" not in street  # replaced by type
    assert updated["EmailAddress"] == "hello@cake.example.com"  # untouched fields stay
    assert updated["UpdatedDateUTC"] != contact["UpdatedDateUTC"]
    one = api.post(f"/Contacts/{cid}", json={"Contacts": [{"FirstName": "Pat"}]})
    assert one.json()["Contacts"][0]["FirstName"] == "Pat"
    by_number = api.post("/Contacts", json={"Contacts": [{"Name": "N", "ContactNumber": "X-9"}]})
    again = api.post("/Contacts", json={"Contacts": [{"ContactNumber": "X-9", "LastName": "Lee"}]})
    assert again.json()["Contacts"][0]["ContactID"] == by_number.json()["Contacts"][0]["ContactID"]


def test_validation_exception(api: XeroApi, xero: XeroEmulator) -> None:
    xero.seed_contact("Taken")
    body = {
        "Contacts": [{"Name": "Fine"}, {"Name": "Taken"}, {"Name": "X", "EmailAddress": "no"}, {}]
    }
    response = api.put("/Contacts", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["Type"] == "ValidationException" and error["ErrorNumber"] == 10
    messages = [[m["Message"] for m in e["ValidationErrors"]] for e in error["Elements"]]
    assert messages[0] == []
    assert "already assigned to another contact" in messages[1][0]
    assert messages[2] == ["Email address must be valid."]
    assert messages[3] == ["The contact name must be specified."]
    assert len(xero.contacts()) == 1  # nothing saved
    partial = api.put("/Contacts", params={"summarizeErrors": "false"}, json=body).json()
    assert [c.get("HasValidationErrors", False) for c in partial["Contacts"]] == [
        False,
        True,
        True,
        True,
    ]
    assert len(xero.contacts()) == 2
    dup = api.put("/Contacts", json={"Contacts": [{"Name": "Twin"}, {"Name": "twin"}]})
    assert dup.status_code == 400
    unknown = api.post(
        "/Contacts", json={"Contacts": [{"ContactID": "00000000-0000-4000-8000-000000000001"}]}
    )
    assert unknown.status_code == 400
    assert (
        api.put(
            "/Contacts", data=b"{oops", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )


def test_idempotency_key_replays_the_first_answer(api: XeroApi, xero: XeroEmulator) -> None:
    headers = {"Idempotency-Key": "abc-123"}
    first = api.put("/Contacts", json={"Contacts": [{"Name": "Once"}]}, headers=headers)
    second = api.put("/Contacts", json={"Contacts": [{"Name": "Once"}]}, headers=headers)
    assert second.status_code == 200
    assert second.json()["Contacts"][0]["ContactID"] == first.json()["Contacts"][0]["ContactID"]
    assert len(xero.contacts()) == 1
