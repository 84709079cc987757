"""Bulk activities: JSON import, membership activities, states and failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from app.sandbox.constant_contact import ConstantContactEmulator
from tests.sandbox.cc_support import Api
from tests.sandbox.fake_clock import FakeClock


def _import(api: Api, items: list[dict[str, Any]], *list_ids: str) -> dict[str, Any]:
    response = api.post(
        "/activities/contacts_json_import", json={"import_data": items, "list_ids": list(list_ids)}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "initialized"
    assert body["_links"]["self"]["href"] == f"/v3/activities/{body['activity_id']}"
    return api.wait_activity(body["activity_id"])


def test_import_creates_updates_and_skips_unsubscribed(api: Api, clock: FakeClock) -> None:
    emu = api.emulator
    list_id = emu.create_list("Imported")
    emu.seed_contact("kept@example.com", "Old", permission="explicit")
    emu.seed_contact("gone@example.com", permission="unsubscribed")
    clock.advance(minutes=10)
    items = [
        {
            "email": "fresh@example.com",
            "first_name": "Fresh",
            "phone": "555-0101",
            "city": "Boston",
        },
        {"email": "KEPT@example.com", "last_name": "Kept"},
        {"email": "gone@example.com", "first_name": "Gone"},
    ]
    activity = _import(api, items, list_id)
    assert activity["state"] == "completed"
    assert activity["percent_done"] == 100
    status = activity["status"]
    assert status["items_total_count"] == 3
    assert status["person_count"] == 3
    assert status["error_count"] == 0
    assert status["cannot_add_to_list_count"] == 1
    assert status["list_count"] == 1
    assert emu.contacts_on_list("Imported") == {"fresh@example.com", "kept@example.com"}
    fresh = emu.get_contact("fresh@example.com")
    assert fresh["email_address"]["permission_to_send"] == "implicit"
    assert fresh["email_address"]["opt_in_source"] == "Account"
    assert fresh["create_source"] == "Account"
    assert fresh["phone_numbers"][0]["kind"] == "other"
    assert fresh["street_addresses"][0]["kind"] == "home"
    kept = emu.get_contact("kept@example.com")
    assert kept["email_address"]["permission_to_send"] == "explicit"
    assert (kept["first_name"], kept["last_name"]) == ("Old", "Kept")
    assert kept["updated_at"] == "2025-03-14T12:10:00Z"
    assert emu.get_contact("gone@example.com")["first_name"] == "Gone"


def test_import_errors_last_entry_wins_and_custom_fields(api: Api) -> None:
    emu = api.emulator
    list_id = emu.create_list("L")
    field_id = emu.create_custom_field("Shoe Size")
    items = [
        {"email": "dup@example.com", "first_name": "First"},
        {"email": "bad@x"},
        {"email": "dup@example.com", "first_name": "Second", "cf:shoe_size": "42"},
        {"email": "long@example.com", "first_name": "x" * 51},
        {"email": "cf@example.com", "cf:Unknown": "1"},
    ]
    status = _import(api, items, list_id)
    assert status["status"]["error_count"] == 3
    assert status["activity_errors"][0] == "Row 2 (bad@x): invalid email address"
    assert any(e.startswith("Row 4 (long@example.com)") for e in status["activity_errors"])
    dup = emu.get_contact("dup@example.com")
    assert dup["first_name"] == "Second"
    assert dup["custom_fields"] == [{"custom_field_id": field_id, "value": "42"}]


def test_import_revives_deleted_contacts(api: Api) -> None:
    list_id = api.emulator.create_list("L")
    contact_id = api.emulator.seed_contact("back@example.com")
    api.delete(f"/contacts/{contact_id}")
    _import(api, [{"email": "back@example.com"}], list_id)
    assert "deleted_at" not in api.emulator.get_contact("back@example.com")
    assert api.emulator.contacts_on_list("L") == {"back@example.com"}


def test_import_limits(api: Api) -> None:
    list_id = api.emulator.create_list("L")
    too_many = {
        "import_data": [{"email": f"u{i}@e.co"} for i in range(40_001)],
        "list_ids": [list_id],
    }
    response = api.post("/activities/contacts_json_import", json=too_many)
    assert response.status_code == 400
    assert "40,000" in response.json()[0]["error_message"]
    too_big = {
        "import_data": [{"email": f"u{i}@example.com", "street": "s" * 250} for i in range(16_000)],
        "list_ids": [list_id],
    }
    response = api.post("/activities/contacts_json_import", json=too_big)
    assert response.status_code == 400
    assert "4 MB" in response.json()[0]["error_message"]
    no_lists = api.post(
        "/activities/contacts_json_import",
        json={"import_data": [{"email": "a@example.com"}], "list_ids": []},
    )
    assert no_lists.status_code == 400


def test_activity_states_pass_through_processing(
    state_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with ConstantContactEmulator(
        state_path, clock=clock, enforce_limits=False, activity_delay=0.4
    ) as emu:
        api = Api(emu, session)
        list_id = emu.create_list("L")
        started = api.post(
            "/activities/contacts_json_import",
            json={"import_data": [{"email": "a@example.com"}], "list_ids": [list_id]},
        )
        activity_id = started.json()["activity_id"]
        seen = []
        while not seen or seen[-1] not in ("completed", "failed"):
            state = api.get(f"/activities/{activity_id}").json()["state"]
            if not seen or seen[-1] != state:
                seen.append(state)
        assert seen == ["initialized", "processing", "completed"]


def test_fail_next_activity(api: Api) -> None:
    list_id = api.emulator.create_list("L")
    api.emulator.faults.fail_next_activity("timed_out", ["Import timed out"])
    activity = _import(api, [{"email": "a@example.com"}], list_id)
    assert activity["state"] == "timed_out"
    assert activity["activity_errors"] == ["Import timed out"]
    assert api.emulator.get_contact("a@example.com") is None
    assert _import(api, [{"email": "a@example.com"}], list_id)["state"] == "completed"


def test_add_and_remove_list_memberships(api: Api) -> None:
    emu = api.emulator
    source, target = emu.create_list("Source"), emu.create_list("Target")
    emu.seed_contact("a@example.com", list_names=["Source"])
    emu.seed_contact("b@example.com", list_names=["Source"])
    emu.set_permission("b@example.com", "unsubscribed")
    c_id = emu.seed_contact("c@example.com")
    added = api.post(
        "/activities/add_list_memberships",
        json={"source": {"list_ids": [source]}, "list_ids": [target]},
    )
    assert added.status_code == 201
    api.wait_activity(added.json()["activity_id"])
    assert emu.contacts_on_list("Target") == {"a@example.com"}
    by_id = api.post(
        "/activities/add_list_memberships",
        json={"source": {"contact_ids": [c_id]}, "list_ids": [target]},
    )
    api.wait_activity(by_id.json()["activity_id"])
    assert emu.contacts_on_list("Target") == {"a@example.com", "c@example.com"}
    removed = api.post(
        "/activities/remove_list_memberships",
        json={"source": {"contact_ids": [c_id]}, "list_ids": [target]},
    )
    assert api.wait_activity(removed.json()["activity_id"])["state"] == "completed"
    assert emu.contacts_on_list("Target") == {"a@example.com"}
    both = {"source": {"list_ids": [source], "all_active_contacts": True}, "list_ids": [target]}
    assert api.post("/activities/add_list_memberships", json=both).status_code == 400


def test_set_permission_unsubscribes_like_the_contact(api: Api) -> None:
    api.emulator.seed_contact("me@example.com", list_names=["L"])
    api.emulator.set_permission("me@example.com", "unsubscribed")
    email = api.emulator.get_contact("me@example.com")["email_address"]
    assert email["permission_to_send"] == "unsubscribed"
    assert email["opt_out_source"] == "Contact"
    assert email["opt_out_date"]
    assert api.emulator.contacts_on_list("L") == set()


def test_list_activities(api: Api, clock: FakeClock) -> None:
    list_id = api.emulator.create_list("L")
    _import(api, [{"email": "a@example.com"}], list_id)
    listed = api.get("/activities").json()["activities"]
    assert [a["state"] for a in listed] == ["completed"]
    assert api.get("/activities", params={"state": "failed"}).json()["activities"] == []
    clock.advance(days=11)
    api.token = api.emulator.issue_token()["access_token"]  # the old one expired long ago
    assert api.get("/activities").json()["activities"] == []
