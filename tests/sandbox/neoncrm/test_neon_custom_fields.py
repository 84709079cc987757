"""``GET /customFields`` in the Neon CRM emulator: the live shapes of 2.8 and 2.11, and the
categories."""

from __future__ import annotations

from app.sandbox.neoncrm import API_KEY, ORG_ID, NeonCrmEmulator
from tests.sandbox.neoncrm.neon_support import RawNeon, codes


def test_account_fields_come_as_a_bare_array_with_string_ids(raw: RawNeon) -> None:
    fields = raw.get("/customFields", params={"category": "Account"}).json()
    assert isinstance(fields, list) and len(fields) == 9
    assert all(isinstance(f["id"], str) for f in fields)
    by_name = {f["name"]: f for f in fields}
    interests = by_name["Volunteer Interests"]
    assert interests["displayType"] == "Checkbox"
    assert interests["dataType"] is None
    assert interests["displayName"] == "Volunteer Interests"
    assert interests["accountSettings"] == {"accountType": "Individual"}
    assert interests["eventSettings"] is None
    assert [o["name"] for o in interests["optionValues"]] == [
        "Kitchen Shifts",
        "Food Drives",
        "Deliveries",
        "Events",
    ]
    assert all(isinstance(o["id"], str) for o in interests["optionValues"])
    assert by_name["First Volunteer Date"]["dataType"] == "Date"
    assert by_name["Dietary Notes"]["optionValues"] is None
    assert [f["name"] for f in fields].count("Emergency Contact") == 2


def test_version_2_8_answers_the_flat_shape(neon: NeonCrmEmulator) -> None:
    old = RawNeon(neon, ORG_ID, API_KEY, version="2.8")
    fields = old.get("/customFields", params={"category": "Account"}).json()
    field = next(f for f in fields if f["name"] == "T-Shirt Size")
    assert "displayName" not in field and "accountSettings" not in field
    assert field["isEventSpecificField"] is None and field["publicVisible"] is None
    assert field["optionValues"][0] == {
        "id": field["optionValues"][0]["id"],
        "name": "S",
        "status": None,
        "code": "",
        "visibleOnPublicForms": True,
        "visibleOnConstituentForms": True,
    }


def test_categories_split_the_fields(raw: RawNeon) -> None:
    def names(category: str) -> list[str]:
        return [f["name"] for f in raw.get("/customFields", params={"category": category}).json()]

    assert names("Company") == ["Sponsorship Level"]
    assert "Sponsorship Level" not in names("Individual")
    assert "Preferred Language" not in names("Individual")  # an "Any" field is not Individual-only
    assert names("Donation") == []
    missing = raw.get("/customFields")
    assert missing.status_code == 400
    assert codes(raw.get("/customFields", params={"category": "Shoes"})) == ["99018"]
