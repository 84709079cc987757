"""Contacts over HTTP: create, update, delete, sign-up form, filters, paging and limits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.cc_support import Api
from tests.sandbox.fake_clock import FakeClock


def conflict(contact_id: str) -> list[dict[str, str]]:
    return [
        {
            "error_key": "contacts.api.conflict",
            "error_message": f"Validation failed: Email already exists for contact {contact_id}.",
        }
    ]


def _post(api: Api, email: str, **extra: Any) -> dict[str, Any]:
    body = {"email_address": {"address": email}, "create_source": "Account", **extra}
    response = api.post("/contacts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_post_creates_implicit_contact_for_account_source(api: Api) -> None:
    contact = _post(api, "new@example.com", first_name="Ann")
    assert contact["email_address"]["permission_to_send"] == "implicit"
    assert contact["email_address"]["opt_in_source"] == "Account"
    assert contact["first_name"] == "Ann"
    assert api.emulator.get_contact("NEW@example.com")["contact_id"] == contact["contact_id"]


def test_post_requires_create_source_and_an_identity(api: Api) -> None:
    assert (
        api.post("/contacts", json={"email_address": {"address": "a@example.com"}}).status_code
        == 400
    )
    assert api.post("/contacts", json={"create_source": "Account"}).status_code == 400


def test_post_existing_or_deleted_email_is_409(api: Api) -> None:
    contact = _post(api, "dup@example.com")
    again = api.post(
        "/contacts",
        json={"email_address": {"address": "DUP@example.com"}, "create_source": "Account"},
    )
    assert again.status_code == 409
    assert again.json() == conflict(contact["contact_id"])
    assert api.delete(f"/contacts/{contact['contact_id']}").status_code == 204
    deleted = api.post(
        "/contacts",
        json={"email_address": {"address": "dup@example.com"}, "create_source": "Account"},
    )
    assert deleted.status_code == 409


def test_wrong_content_type_is_415(api: Api) -> None:
    response = api.post(
        "/contacts", data='{"create_source":"Account"}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert isinstance(response.json(), list)


def test_unknown_and_malformed_ids_are_404(api: Api) -> None:
    assert api.get("/contacts/not-a-uuid").status_code == 404
    missing = api.get("/contacts/2a3b4c5d-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.json()[0]["error_key"] == "contacts.api.not_found"


def test_put_nulls_omitted_top_level_fields_but_keeps_sub_resources(api: Api) -> None:
    list_id = api.emulator.create_list("VIP")
    contact = _post(
        api,
        "put@example.com",
        first_name="Pat",
        job_title="Baker",
        phone_numbers=[{"phone_number": "555-1000", "kind": "home"}],
        list_memberships=[list_id],
    )
    body = {
        "email_address": {"address": "put@example.com"},
        "update_source": "Account",
        "last_name": "Lee",
    }
    response = api.put(f"/contacts/{contact['contact_id']}", json=body)
    assert response.status_code == 200
    assert response.json()["last_name"] == "Lee"
    include = {"include": "phone_numbers,list_memberships"}
    updated = api.get(f"/contacts/{contact['contact_id']}", params=include).json()
    assert "first_name" not in updated
    assert "job_title" not in updated
    assert updated["last_name"] == "Lee"
    assert [p["phone_number"] for p in updated["phone_numbers"]] == ["555-1000"]
    assert updated["list_memberships"] == [list_id]


def test_put_requires_update_source(api: Api) -> None:
    contact = _post(api, "src@example.com")
    response = api.put(
        f"/contacts/{contact['contact_id']}", json={"email_address": {"address": "src@example.com"}}
    )
    assert response.status_code == 400


def test_put_unsubscribe_then_resubscribe_attempt_is_400(api: Api) -> None:
    list_id = api.emulator.create_list("News")
    contact = _post(api, "unsub@example.com", list_memberships=[list_id])
    path = f"/contacts/{contact['contact_id']}"
    body = {
        "email_address": {
            "address": "unsub@example.com",
            "permission_to_send": "unsubscribed",
            "opt_out_reason": "moved",
        },
        "update_source": "Contact",
    }
    unsubscribed = api.put(path, json=body).json()["email_address"]
    assert unsubscribed["permission_to_send"] == "unsubscribed"
    assert unsubscribed["opt_out_source"] == "Contact"
    assert unsubscribed["opt_out_reason"] == "moved"
    assert unsubscribed["opt_out_date"]
    assert api.emulator.contacts_on_list("News") == set()
    body["email_address"]["permission_to_send"] = "explicit"
    refused = api.put(path, json=body)
    assert refused.status_code == 400
    assert refused.json()[0]["error_key"] == "contacts.api.validation.error"
    assert (
        api.emulator.get_contact("unsub@example.com")["email_address"]["permission_to_send"]
        == "unsubscribed"
    )


def test_put_revives_a_deleted_contact(api: Api) -> None:
    contact = _post(api, "back@example.com")
    api.delete(f"/contacts/{contact['contact_id']}")
    assert api.get("/contacts", params={"email": "back@example.com"}).json()["contacts"] == []
    body = {"email_address": {"address": "back@example.com"}, "update_source": "Account"}
    revived = api.put(f"/contacts/{contact['contact_id']}", json=body).json()
    assert "deleted_at" not in revived
    assert len(api.get("/contacts", params={"email": "back@example.com"}).json()["contacts"]) == 1


def test_delete_strips_list_memberships_and_hides_the_contact(api: Api) -> None:
    contact_id = api.emulator.seed_contact("gone@example.com", list_names=["A"])
    assert api.delete(f"/contacts/{contact_id}").status_code == 204
    assert api.emulator.contacts_on_list("A") == set()
    all_contacts = api.get(
        "/contacts", params={"status": "all", "include": "list_memberships"}
    ).json()
    assert all_contacts["contacts"][0]["deleted_at"]
    assert (
        api.get("/contacts", params={"status": "deleted"}).json()["contacts"][0]["contact_id"]
        == contact_id
    )


def test_sign_up_form_creates_then_appends(api: Api) -> None:
    first, second = api.emulator.create_list("One"), api.emulator.create_list("Two")
    created = api.post(
        "/contacts/sign_up_form",
        json={"email_address": "form@example.com", "list_memberships": [first]},
    )
    assert created.status_code == 201
    assert created.json()["action"] == "created"
    updated = api.post(
        "/contacts/sign_up_form",
        json={
            "email_address": "form@example.com",
            "first_name": "Fay",
            "list_memberships": [second],
        },
    )
    assert updated.status_code == 200
    assert updated.json() == {"contact_id": created.json()["contact_id"], "action": "updated"}
    contact = api.emulator.get_contact("form@example.com")
    assert set(contact["list_memberships"]) == {first, second}
    assert contact["first_name"] == "Fay"
    assert contact["email_address"]["permission_to_send"] == "explicit"


def test_sign_up_form_does_not_resubscribe(api: Api) -> None:
    list_id = api.emulator.create_list("Promo")
    api.emulator.seed_contact("left@example.com", permission="unsubscribed")
    response = api.post(
        "/contacts/sign_up_form",
        json={"email_address": "left@example.com", "list_memberships": [list_id]},
    )
    assert response.status_code == 200
    assert (
        api.emulator.get_contact("left@example.com")["email_address"]["permission_to_send"]
        == "unsubscribed"
    )
    assert api.emulator.contacts_on_list("Promo") == set()


def test_sign_up_form_requires_list_memberships(api: Api) -> None:
    assert (
        api.post("/contacts/sign_up_form", json={"email_address": "x@example.com"}).status_code
        == 400
    )


def test_resubscribe_can_be_sent_once(api: Api) -> None:
    list_id = api.emulator.create_list("Again")
    contact_id = api.emulator.seed_contact("re@example.com", permission="unsubscribed")
    assert (
        api.put(f"/contacts/resubscribe/{contact_id}", json={"list_ids": [list_id]}).status_code
        == 200
    )
    assert (
        api.emulator.get_contact("re@example.com")["email_address"]["permission_to_send"]
        == "unsubscribed"
    )
    assert (
        api.put(f"/contacts/resubscribe/{contact_id}", json={"list_ids": [list_id]}).status_code
        == 409
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"phone_numbers": [{"phone_number": f"555-000{i}", "kind": "home"} for i in range(4)]},
            "phone_numbers",
        ),
        ({"street_addresses": [{"kind": "home", "city": "X"}] * 4}, "street_addresses"),
        ({"first_name": "x" * 51}, "first_name"),
        ({"phone_numbers": [{"phone_number": "5" * 26, "kind": "home"}]}, "phone_number"),
        ({"street_addresses": [{"kind": "home", "city": "c" * 51}]}, "city"),
        ({"birthday_month": 13, "birthday_day": 1}, "birthday_month"),
        ({"list_memberships": ["2a3b4c5d-0000-4000-8000-000000000000"]}, "list_memberships"),
    ],
)
def test_per_contact_limits_are_400(api: Api, extra: dict[str, Any], message: str) -> None:
    body = {"email_address": {"address": "limits@example.com"}, "create_source": "Account", **extra}
    response = api.post("/contacts", json=body)
    assert response.status_code == 400
    error = response.json()[0]
    assert error["error_key"] == "contacts.api.validation.error"
    assert message in error["error_message"]


def test_more_than_50_lists_is_400(api: Api) -> None:
    lists = [api.emulator.create_list(f"L{i}") for i in range(51)]
    body = {
        "email_address": {"address": "many@example.com"},
        "create_source": "Account",
        "list_memberships": lists,
    }
    assert api.post("/contacts", json=body).status_code == 400


def test_more_than_25_custom_fields_is_400(api: Api) -> None:
    fields = [
        {"custom_field_id": api.emulator.create_custom_field(f"F{i}"), "value": "v"}
        for i in range(26)
    ]
    body = {
        "email_address": {"address": "cf@example.com"},
        "create_source": "Account",
        "custom_fields": fields,
    }
    assert api.post("/contacts", json=body).status_code == 400
    body["custom_fields"] = fields[:25]
    assert api.post("/contacts", json=body).status_code == 201


def test_sub_resources_only_when_included(api: Api) -> None:
    api.emulator.seed_contact("inc@example.com", list_names=["X"])
    plain = api.get("/contacts").json()["contacts"][0]
    assert "list_memberships" not in plain
    assert "phone_numbers" not in plain
    included = api.get("/contacts", params={"include": "list_memberships,phone_numbers"}).json()[
        "contacts"
    ][0]
    assert len(included["list_memberships"]) == 1
    assert included["phone_numbers"] == []


def test_paging_covers_every_contact_exactly_once(api: Api, clock: FakeClock) -> None:
    for i in range(23):
        api.emulator.seed_contact(f"p{i:02}@example.com")
        if i % 5 == 0:
            clock.advance(seconds=1)
    seen: list[str] = []
    page = api.get("/contacts", params={"limit": 5, "include_count": "true"}).json()
    assert page["contacts_count"] == 23
    while True:
        seen.extend(c["email_address"]["address"] for c in page["contacts"])
        next_link = page.get("_links", {}).get("next")
        if not next_link:
            assert "_links" not in page  # absent on the last page, not {}
            break
        assert next_link["href"].startswith("/v3/contacts?cursor=")
        page = api.get(api.emulator.base_url + next_link["href"]).json()
    assert sorted(seen) == sorted(f"p{i:02}@example.com" for i in range(23))
    assert len(seen) == len(set(seen))
    assert seen[0] == "p22@example.com"  # newest first


def test_updated_after_filter(api: Api, clock: FakeClock) -> None:
    api.emulator.seed_contact("old@example.com")
    clock.advance(hours=1)
    checkpoint = clock.now
    clock.advance(seconds=1)
    api.emulator.seed_contact("new@example.com")
    response = api.get(
        "/contacts", params={"updated_after": checkpoint.isoformat().replace("+00:00", "Z")}
    )
    assert [c["email_address"]["address"] for c in response.json()["contacts"]] == [
        "new@example.com"
    ]


def test_status_email_and_list_filters(api: Api) -> None:
    api.emulator.seed_contact("a@example.com", list_names=["Red"])
    api.emulator.seed_contact("b@example.com", permission="unsubscribed")
    api.emulator.seed_contact("c@example.com", permission="explicit", list_names=["Red"])

    def emails(**params: str) -> set[str]:
        return {
            c["email_address"]["address"]
            for c in api.get("/contacts", params=params).json()["contacts"]
        }

    assert emails(status="unsubscribed") == {"b@example.com"}
    assert emails(status="active") == {"a@example.com", "c@example.com"}
    assert emails(email="C@EXAMPLE.COM") == {"c@example.com"}
    assert emails(lists=api.emulator.list_id("Red") or "") == {"a@example.com", "c@example.com"}
    assert api.get("/contacts", params={"limit": 501}).status_code == 400


def test_contact_counts(api: Api) -> None:
    api.emulator.seed_contact("a@example.com")
    api.emulator.seed_contact("b@example.com", permission="unsubscribed")
    counts = api.get("/contacts/counts").json()
    assert counts["total"] == 2
    assert counts["implicit"] == 1
    assert counts["unsubscribed"] == 1
