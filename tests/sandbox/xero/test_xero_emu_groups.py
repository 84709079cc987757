"""The Xero emulator's contact groups and membership."""

from __future__ import annotations

from app.sandbox.xero import XeroEmulator
from tests.sandbox.xero.xero_support import XeroApi


def test_groups_list_create_and_members(api: XeroApi, xero: XeroEmulator) -> None:
    vip = xero.create_group("VIP")
    a = xero.seed_contact("Ada", groups=["VIP"])
    b = xero.seed_contact("Bo")
    listed = api.get("/ContactGroups").json()["ContactGroups"]
    assert [(g["Name"], g["Status"], g["Contacts"]) for g in listed] == [("VIP", "ACTIVE", [])]
    assert api.get("/ContactGroups", params={"where": 'Status=="ACTIVE"'}).status_code == 200
    created = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "Newsletter"}]})
    assert created.status_code == 200
    news = created.json()["ContactGroups"][0]["ContactGroupID"]
    assert api.put("/ContactGroups", json={"ContactGroups": [{"Name": "vip"}]}).status_code == 400
    added = api.put(
        f"/ContactGroups/{news}/Contacts", json={"Contacts": [{"ContactID": a}, {"ContactID": b}]}
    )
    assert added.status_code == 200 and len(added.json()["Contacts"]) == 2
    group = api.get(f"/ContactGroups/{news}").json()["ContactGroups"][0]
    assert {c["ContactID"] for c in group["Contacts"]} == {a, b}
    contact = api.get(f"/Contacts/{a}").json()["Contacts"][0]
    assert sorted(g["Name"] for g in contact["ContactGroups"]) == ["Newsletter", "VIP"]
    assert api.delete(f"/ContactGroups/{news}/Contacts/{b}").status_code == 204
    assert xero.group_members(news) == {a}
    assert api.delete(f"/ContactGroups/{vip}/Contacts").status_code == 204
    assert xero.group_members(vip) == set()
    missing = {"Contacts": [{"ContactID": "00000000-0000-4000-8000-000000000009"}]}
    assert api.put(f"/ContactGroups/{news}/Contacts", json=missing).status_code == 400
    assert api.get("/ContactGroups/00000000-0000-4000-8000-000000000009").status_code == 404


def test_membership_does_not_touch_updated_date(api: XeroApi, xero: XeroEmulator) -> None:
    a = xero.seed_contact("Ada")
    before = xero.get_contact(a)
    group = xero.create_group("Later")
    api.put(f"/ContactGroups/{group}/Contacts", json={"Contacts": [{"ContactID": a}]})
    assert xero.get_contact(a)["UpdatedDateUTC"] == before["UpdatedDateUTC"]  # type: ignore[index]


def test_rename_and_delete_group(api: XeroApi, xero: XeroEmulator) -> None:
    group = xero.create_group("Old name")
    xero.seed_contact("Ada", groups=["Old name"])
    renamed = api.post(f"/ContactGroups/{group}", json={"ContactGroups": [{"Name": "New name"}]})
    assert renamed.json()["ContactGroups"][0]["Name"] == "New name"
    deleted = api.post(f"/ContactGroups/{group}", json={"ContactGroups": [{"Status": "DELETED"}]})
    assert deleted.json()["ContactGroups"][0]["Status"] == "DELETED"
    assert api.get("/ContactGroups").json()["ContactGroups"] == []
    assert api.get(f"/ContactGroups/{group}").status_code == 404
