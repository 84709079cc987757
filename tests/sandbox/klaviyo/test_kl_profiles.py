"""Profiles in the Klaviyo emulator: create, the 409 ``duplicate_profile``, the upsert,
filters, ``external_id`` across an email change, and the subscriptions read-out."""

from __future__ import annotations

from typing import Any

import pytest

from app.sandbox.klaviyo import KlaviyoEmulator
from tests.sandbox.klaviyo.kl_support import KlaviyoApi, error_of


def _profile(**attrs: Any) -> dict[str, Any]:
    return {"data": {"type": "profile", "attributes": attrs}}


def test_a_new_profile_has_a_ulid_and_every_attribute_key(api: KlaviyoApi) -> None:
    answer = api.post("/profiles", json=_profile(email="ada@example.com", first_name="Ada"))
    assert answer.status_code == 201
    data = answer.json()["data"]
    assert len(data["id"]) == 26
    attrs = data["attributes"]
    assert attrs["email"] == "ada@example.com" and attrs["last_name"] is None
    assert set(attrs["location"]) >= {"address1", "city", "country", "zip", "timezone", "ip"}
    assert all(value is None for value in attrs["location"].values())
    assert attrs["created"].endswith(".000000+00:00")  # a write answer
    assert "conversations" in data["relationships"]  # plural from revision 2026-07-15


def test_an_email_already_taken_is_a_409_naming_the_existing_profile(api: KlaviyoApi) -> None:
    first = api.post("/profiles", json=_profile(email="ada@example.com")).json()["data"]["id"]
    again = api.post("/profiles", json=_profile(email="ADA@example.com", first_name="Ada"))
    assert again.status_code == 409
    error = error_of(again)
    assert error["code"] == "duplicate_profile"
    assert error["detail"] == "A profile already exists with one of these identifiers."
    assert error["meta"] == {"duplicate_profile_id": first}


def test_patching_an_email_that_belongs_to_another_profile_is_a_409(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    ada = kl.add_profile("ada@example.com")
    grace = kl.add_profile("grace@example.com")
    answer = api.patch(
        f"/profiles/{grace}",
        json={"data": {"type": "profile", "id": grace, "attributes": {"email": "ada@example.com"}}},
    )
    assert answer.status_code == 409
    assert error_of(answer)["meta"]["duplicate_profile_id"] == ada
    assert kl.profile(grace)["email"] == "grace@example.com"


def test_profile_import_creates_then_updates(api: KlaviyoApi) -> None:
    created = api.post("/profile-import", json=_profile(email="ada@example.com", first_name="Ada"))
    assert created.status_code == 201
    updated = api.post(
        "/profile-import", json=_profile(email="ada@example.com", last_name="Lovelace")
    )
    assert updated.status_code == 200
    attrs = updated.json()["data"]["attributes"]
    assert (attrs["first_name"], attrs["last_name"]) == ("Ada", "Lovelace")  # left out: kept


def test_profile_import_with_identifiers_of_two_profiles_is_a_409(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    kl.add_profile("ada@example.com", phone_number="+14155550100")
    grace = kl.add_profile("grace@example.com")
    answer = api.post(
        "/profile-import", json=_profile(email="grace@example.com", phone_number="+14155550100")
    )
    assert answer.status_code == 409
    assert error_of(answer)["code"] == "duplicate_profile"
    assert kl.profile(grace)["phone_number"] is None


def test_null_clears_an_attribute_and_properties_merge(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    api.post(
        "/profile-import",
        json=_profile(email="ada@example.com", title="CTO", properties={"a": 1, "b": 2}),
    )
    api.post(
        "/profile-import", json=_profile(email="ada@example.com", title=None, properties={"b": 3})
    )
    found = kl.profile_by_email("ada@example.com")
    assert found["title"] is None
    assert found["properties"] == {"a": 1, "b": 3}


def test_an_email_change_keeps_one_profile_when_the_external_id_matches(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    api.post("/profile-import", json=_profile(email="old@example.com", external_id="cc:42"))
    api.post("/profile-import", json=_profile(email="new@example.com", external_id="cc:42"))
    assert kl.profile_count() == 1
    assert kl.profile_by_external_id("cc:42")["email"] == "new@example.com"
    assert kl.profile_by_email("old@example.com") is None


def test_an_email_of_someone_with_another_external_id_is_a_conflict(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    kl.add_profile("ada@example.com", external_id="cc:1")
    answer = api.post("/profile-import", json=_profile(email="ada@example.com", external_id="cc:2"))
    assert answer.status_code == 409
    assert kl.profile_count() == 1


@pytest.mark.parametrize(
    ("attrs", "pointer"),
    [
        ({"email": "not-an-email"}, "/data/attributes/email"),
        ({"email": "a@example.com", "phone_number": "555-0100"}, "/data/attributes/phone_number"),
        ({"first_name": "Nobody"}, "/data/attributes"),
        ({"email": "a@example.com", "favourite": "x"}, "/data/attributes/favourite"),
    ],
)
def test_bad_profiles_are_refused_naming_the_field(
    api: KlaviyoApi, attrs: dict[str, Any], pointer: str
) -> None:
    answer = api.post("/profiles", json=_profile(**attrs))
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalid"
    assert error["source"]["pointer"] == pointer


def test_profiles_are_found_by_email_external_id_and_any(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    ada = kl.add_profile("Ada@Example.com", external_id="cc:1")
    grace = kl.add_profile("grace@example.com", external_id="cc:2")
    kl.add_profile("alan@example.com")

    def ids(filter_text: str) -> list[str]:
        answer = api.get("/profiles", params={"filter": filter_text})
        assert answer.status_code == 200, answer.text
        return [p["id"] for p in answer.json()["data"]]

    assert ids('equals(email,"ada@example.com")') == [ada]
    assert ids("equals(external_id,'cc:2')") == [grace]
    assert ids('any(external_id,["cc:1","cc:2"])') == [ada, grace]
    assert ids('and(equals(email,"ada@example.com"),equals(external_id,"cc:2"))') == []
    assert len(ids("greater-than(updated,2026-01-01T00:00:00Z)")) == 3


def test_an_unquoted_filter_value_is_invalid(api: KlaviyoApi) -> None:
    answer = api.get("/profiles", params={"filter": "equals(email,me@test.com)"})
    assert answer.status_code == 400
    assert error_of(answer)["detail"] == "Invalid filter provided"
    other = api.get("/profiles", params={"filter": 'equals(first_name,"Ada")'})
    assert other.status_code == 400


def test_profiles_page_by_id_twenty_at_a_time(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    made = kl.add_profiles({"email": f"p{i}@example.com"} for i in range(45))
    seen: list[str] = []
    url: str | None = "/profiles"
    pages = 0
    while url:
        body = api.get(url).json()
        seen += [p["id"] for p in body["data"]]
        url = body["links"]["next"]
        pages += 1
    assert pages == 3
    assert seen == sorted(made) == made  # ULIDs: creation order
    assert len(api.get("/profiles", params={"page[size]": 100}).json()["data"]) == 45
    assert api.get("/profiles", params={"page[size]": 101}).status_code == 400


def test_subscriptions_show_consent_and_suppressions_when_asked(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    pid = kl.add_profile("ada@example.com", subscribed=True)
    kl.suppress("ada@example.com", "HARD_BOUNCE")
    plain = api.get(f"/profiles/{pid}").json()["data"]["attributes"]
    assert "subscriptions" not in plain
    asked = api.get(f"/profiles/{pid}", params={"additional-fields[profile]": "subscriptions"})
    marketing = asked.json()["data"]["attributes"]["subscriptions"]["email"]["marketing"]
    assert marketing["consent"] == "SUBSCRIBED"
    assert marketing["can_receive_email_marketing"] is False
    assert [s["reason"] for s in marketing["suppression"]] == ["HARD_BOUNCE"]
    suppressed = api.get(
        "/profiles",
        params={"filter": 'equals(subscriptions.email.marketing.suppression.reason,"HARD_BOUNCE")'},
    ).json()["data"]
    assert [p["id"] for p in suppressed] == [pid]
