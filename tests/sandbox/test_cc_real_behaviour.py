"""The emulator does what the live service does, beyond the swagger.

Per shared/notes/cc-real-behaviour.md, each test names one behaviour seen in live traffic or
probing; where the emulator used to be more lenient than the service, it now refuses as the
service does.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.sandbox.cc_support import Api
from tests.sandbox.fake_clock import FakeClock

ADDRESS = {"kind": "home", "street": "1 Main St", "city": "Chicago", "state": "IL"}


def _post(api: Api, email: str, **extra: Any) -> dict[str, Any]:
    body = {"email_address": {"address": email}, "create_source": "Account", **extra}
    response = api.post("/contacts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _get(api: Api, contact_id: str, include: str = "") -> dict[str, Any]:
    params = {"include": include} if include else {}
    response = api.get(f"/contacts/{contact_id}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _put(api: Api, contact_id: str, body: dict[str, Any]) -> Any:
    return api.put(f"/contacts/{contact_id}", json={"update_source": "Account", **body})


def _cursor(href: str) -> dict[str, str]:
    token = dict(parse_qsl(urlsplit(href).query))["cursor"]
    return dict(parse_qsl(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()))


# -- street addresses ---------------------------------------------------------------------


def test_state_and_country_codes_come_back_as_names_and_stay_so(api: Api) -> None:
    address = dict(ADDRESS, country="US")
    created = _post(api, "il@example.com", street_addresses=[address])
    (answered,) = created["street_addresses"]
    assert (answered["state"], answered["country"]) == ("Illinois", "United States")
    (read,) = _get(api, created["contact_id"], "street_addresses")["street_addresses"]
    assert (read["state"], read["country"]) == ("Illinois", "United States")

    put = _put(
        api,
        created["contact_id"],
        {
            "email_address": {"address": "il@example.com"},
            "street_addresses": [{"kind": "work", "state": "CA"}],
        },
    )
    assert put.status_code == 200
    assert put.json()["street_addresses"][0]["state"] == "California"  # no country: a US state
    listed = api.get("/contacts", params={"include": "street_addresses"}).json()["contacts"]
    assert listed[0]["street_addresses"][0]["state"] == "California"


def test_unknown_places_and_other_countries_states_are_kept_or_named_by_that_country(
    api: Api,
) -> None:
    created = _post(
        api,
        "ca@example.com",
        street_addresses=[
            {"kind": "home", "state": "ON", "country": "CA"},
            {"kind": "work", "state": "Atlantis", "country": "Nowhere"},
        ],
    )
    home, work = created["street_addresses"]
    assert (home["state"], home["country"]) == ("Ontario", "Canada")
    assert (work["state"], work["country"]) == ("Atlantis", "Nowhere")


def test_bulk_import_normalises_addresses_too(api: Api) -> None:
    list_id = api.emulator.create_list("Imported")
    item = {"email": "imp@example.com", "city": "Springfield", "state": "IL", "country": "US"}
    started = api.post(
        "/activities/contacts_json_import", json={"import_data": [item], "list_ids": [list_id]}
    )
    assert api.wait_activity(started.json()["activity_id"])["state"] == "completed"
    (address,) = api.emulator.get_contact("imp@example.com")["street_addresses"]
    assert (address["state"], address["country"]) == ("Illinois", "United States")


# -- PUT replaces the contact ---------------------------------------------------------------


def test_put_without_the_email_address_is_400(api: Api) -> None:
    contact = _post(api, "keep@example.com", first_name="Kay")
    response = _put(api, contact["contact_id"], {"first_name": "Kay"})
    assert response.status_code == 400
    assert response.json() == [
        {"error_key": "contacts.api.validation.error", "error_message": "email_address is missing"}
    ]
    assert api.emulator.get_contact("keep@example.com")["first_name"] == "Kay"


def test_put_clears_left_out_scalars_keeps_left_out_arrays_and_empty_arrays_clear(
    api: Api,
) -> None:
    red, blue = api.emulator.create_list("Red"), api.emulator.create_list("Blue")
    contact = _post(
        api,
        "arr@example.com",
        first_name="Ann",
        company_name="Crumbs",
        phone_numbers=[{"phone_number": "555-0100", "kind": "home"}],
        street_addresses=[ADDRESS],
        list_memberships=[red, blue],
    )
    contact_id = contact["contact_id"]
    email = {"email_address": {"address": "arr@example.com"}}

    assert _put(api, contact_id, {**email, "first_name": "Ann"}).status_code == 200
    everything = "phone_numbers,street_addresses,list_memberships"
    kept = _get(api, contact_id, everything)
    assert "company_name" not in kept  # a scalar left out is cleared
    assert kept["phone_numbers"][0]["phone_number"] == "555-0100"  # arrays left out are kept
    assert kept["street_addresses"][0]["city"] == "Chicago"
    assert set(kept["list_memberships"]) == {red, blue}

    assert _put(api, contact_id, {**email, "phone_numbers": []}).status_code == 200
    assert _get(api, contact_id, everything)["phone_numbers"] == []

    assert _put(api, contact_id, {**email, "list_memberships": []}).status_code == 200
    assert _get(api, contact_id, everything)["list_memberships"] == []
    assert api.emulator.contacts_on_list("Red") == set()
    assert api.emulator.contacts_on_list("Blue") == set()


# -- consent only moves forward -------------------------------------------------------------


def test_explicit_permission_cannot_be_downgraded_to_implicit(api: Api) -> None:
    contact = _post(
        api,
        "ex@example.com",
        email_address={"address": "ex@example.com", "permission_to_send": "explicit"},
    )
    response = _put(
        api,
        contact["contact_id"],
        {"email_address": {"address": "ex@example.com", "permission_to_send": "implicit"}},
    )
    assert response.status_code == 400
    assert api.emulator.get_contact("ex@example.com")["email_address"]["permission_to_send"] == (
        "explicit"
    )


def test_the_account_may_add_back_whom_it_unsubscribed_but_never_a_contacts_own_opt_out(
    api: Api,
) -> None:
    by_account = _post(api, "acct@example.com")
    out = {"address": "acct@example.com", "permission_to_send": "unsubscribed"}
    assert _put(api, by_account["contact_id"], {"email_address": out}).status_code == 200
    email = api.emulator.get_contact("acct@example.com")["email_address"]
    assert email["opt_out_source"] == "Account"
    back = {"address": "acct@example.com", "permission_to_send": "implicit"}
    assert _put(api, by_account["contact_id"], {"email_address": back}).status_code == 200
    email = api.emulator.get_contact("acct@example.com")["email_address"]
    assert email["permission_to_send"] == "implicit"
    assert "opt_out_source" not in email

    by_person = api.emulator.seed_contact("self@example.com")
    api.emulator.set_permission("self@example.com", "unsubscribed")  # the person's own act
    back = {"address": "self@example.com", "permission_to_send": "implicit"}
    refused = _put(api, by_person, {"email_address": back})
    assert refused.status_code == 400
    email = api.emulator.get_contact("self@example.com")["email_address"]
    assert (email["permission_to_send"], email["opt_out_source"]) == ("unsubscribed", "Contact")


# -- conflicts, deletion ----------------------------------------------------------------------


def test_an_email_taken_by_another_contact_is_409_naming_that_contact(api: Api) -> None:
    owner = _post(api, "taken@example.com")
    other = _post(api, "other@example.com")
    response = _put(api, other["contact_id"], {"email_address": {"address": "Taken@example.com"}})
    assert response.status_code == 409
    assert response.json() == [
        {
            "error_key": "contacts.api.conflict",
            "error_message": "Validation failed: Email already exists for contact "
            f"{owner['contact_id']}.",
        }
    ]


def test_a_deleted_contact_stays_readable_and_deleting_it_again_is_404(
    api: Api, clock: FakeClock
) -> None:
    contact = _post(api, "del@example.com")
    assert api.delete(f"/contacts/{contact['contact_id']}").status_code == 204
    read = _get(api, contact["contact_id"])
    assert read["deleted_at"] == clock.now.date().isoformat()  # a date, not a date-time
    again = api.delete(f"/contacts/{contact['contact_id']}")
    assert again.status_code == 404
    assert again.json()[0]["error_key"] == "contacts.api.not_found"


def test_deleting_an_unknown_or_deleted_list_is_400_list_id_not_found(api: Api) -> None:
    list_id = api.emulator.create_list("Short-lived")
    assert api.delete(f"/contact_lists/{list_id}").status_code == 202
    assert api.emulator.wait_for_activities()
    for target in (list_id, str(uuid.uuid1()), "not-a-uuid"):
        response = api.delete(f"/contact_lists/{target}")
        assert response.status_code == 400
        assert response.json()[0]["error_message"] == "list_id not found"


# -- paging and order -------------------------------------------------------------------------


def test_contacts_page_newest_first_by_page_number_with_the_filters_in_the_cursor(
    api: Api, clock: FakeClock
) -> None:
    for i in range(5):
        api.emulator.seed_contact(f"n{i}@example.com")
        clock.advance(seconds=1)
    first = api.get("/contacts", params={"limit": 2, "status": "all"}).json()
    assert [c["email_address"]["address"] for c in first["contacts"]] == [
        "n4@example.com",
        "n3@example.com",
    ]
    assert _cursor(first["_links"]["next"]["href"]) == {"limit": "2", "next": "2", "status": "all"}
    second = api.get(api.emulator.base_url + first["_links"]["next"]["href"]).json()
    third = api.get(api.emulator.base_url + second["_links"]["next"]["href"]).json()
    assert [c["email_address"]["address"] for c in third["contacts"]] == ["n0@example.com"]
    assert "_links" not in third


def test_a_contact_added_between_page_reads_shifts_rows_onto_the_next_page(
    api: Api, clock: FakeClock
) -> None:
    for i in range(4):
        api.emulator.seed_contact(f"s{i}@example.com")
        clock.advance(seconds=1)
    first = api.get("/contacts", params={"limit": 2}).json()
    api.emulator.seed_contact("late@example.com")  # between the two reads
    second = api.get(api.emulator.base_url + first["_links"]["next"]["href"]).json()
    emails = [c["email_address"]["address"] for c in first["contacts"] + second["contacts"]]
    assert emails == ["s3@example.com", "s2@example.com", "s2@example.com", "s1@example.com"]


def test_lists_and_custom_fields_leave_links_out_on_the_last_page(api: Api) -> None:
    api.emulator.create_list("Only")
    api.emulator.create_custom_field("Only")
    assert "_links" not in api.get("/contact_lists").json()
    assert "_links" not in api.get("/contact_custom_fields").json()


def test_custom_fields_are_listed_newest_first(api: Api) -> None:
    for label in ("First", "Second", "Third"):
        api.emulator.create_custom_field(label)
    page = api.get("/contact_custom_fields", params={"limit": 2}).json()
    rest = api.get(api.emulator.base_url + page["_links"]["next"]["href"]).json()
    labels = [f["label"] for f in page["custom_fields"] + rest["custom_fields"]]
    assert labels == ["Third", "Second", "First"]
    assert "_links" not in rest


def test_activities_page_newest_first_with_a_keyset_cursor(api: Api) -> None:
    list_id = api.emulator.create_list("Acts")
    ids = []
    for i in range(3):
        body = {"import_data": [{"email": f"a{i}@example.com"}], "list_ids": [list_id]}
        ids.append(api.post("/activities/contacts_json_import", json=body).json()["activity_id"])
    assert api.emulator.wait_for_activities()
    page = api.get("/activities", params={"limit": 2}).json()
    # A new activity between the reads must not shift the keyset cursor.
    api.post(
        "/activities/contacts_json_import",
        json={"import_data": [{"email": "a9@example.com"}], "list_ids": [list_id]},
    )
    rest = api.get(api.emulator.base_url + page["_links"]["next"]["href"]).json()
    assert [a["activity_id"] for a in page["activities"] + rest["activities"]] == ids[::-1]
    assert "_links" not in rest


# -- custom fields ---------------------------------------------------------------------------


def test_custom_field_names_are_slugs_made_again_on_rename_with_version_1(api: Api) -> None:
    created = api.post("/contact_custom_fields", json={"label": "Favourite Cake", "type": "string"})
    field = created.json()
    assert (field["name"], field["version"]) == ("favourite_cake", 1)
    renamed = api.put(
        f"/contact_custom_fields/{field['custom_field_id']}", json={"label": "Best-loved Pie"}
    ).json()
    assert (renamed["name"], renamed["version"]) == ("best_loved_pie", 1)
    duplicate = api.post(
        "/contact_custom_fields", json={"label": "best-loved pie", "type": "string"}
    )
    assert duplicate.status_code == 409


# -- answers -----------------------------------------------------------------------------------


def test_write_answers_echo_what_was_sent_and_update_source_waits_for_an_update(
    api: Api,
) -> None:
    list_id = api.emulator.create_list("Echo")
    created = _post(api, "echo@example.com", first_name="Eve", list_memberships=[list_id])
    assert created["list_memberships"] == [list_id]
    assert "phone_numbers" not in created and "street_addresses" not in created
    assert "update_source" not in created
    assert "update_source" not in _get(api, created["contact_id"])

    updated = _put(
        api,
        created["contact_id"],
        {"email_address": {"address": "echo@example.com"}, "first_name": "Eva"},
    ).json()
    assert updated["update_source"] == "Account"
    assert updated["first_name"] == "Eva"
    assert "list_memberships" not in updated  # not sent, so not echoed (still on the list)
    assert api.emulator.contacts_on_list("Echo") == {"echo@example.com"}


def test_a_400_is_one_element_joining_the_problems_grape_style(api: Api) -> None:
    response = api.post("/contacts", json={"email_address": {"address": "g@example.com"}})
    assert response.status_code == 400
    assert response.json() == [
        {
            "error_key": "contacts.api.validation.error",
            "error_message": "create_source is missing, create_source does not have a valid value",
        }
    ]


def test_401_is_one_object_with_a_bearer_challenge_and_429_says_throttled(api: Api) -> None:
    response = api.get("/contacts", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.json() == {"error_key": "unauthorized", "error_message": "Unauthorized"}
    assert response.headers["WWW-Authenticate"] == "Bearer realm=api.cc.email"
    api.emulator.faults.force("GET /v3/contacts", "throttled")
    throttled = api.get("/contacts")
    assert throttled.status_code == 429
    assert throttled.json() == {"error_key": "throttled", "error_message": "Too Many Requests"}


# -- first names with a full stop ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["T.J.", "J. Robert"])
def test_a_first_name_with_a_full_stop_is_refused(api: Api, name: str) -> None:
    response = api.post(
        "/contacts",
        json={
            "email_address": {"address": "tj@example.com"},
            "create_source": "Account",
            "first_name": name,
        },
    )
    assert response.status_code == 400
    assert response.json()[0]["error_message"] == "first_name is invalid"
    assert api.emulator.get_contact("tj@example.com") is None


def test_a_bulk_import_reports_such_a_row_by_email_and_imports_the_rest(api: Api) -> None:
    list_id = api.emulator.create_list("Names")
    items = [
        {"email": "ok@example.com", "first_name": "TJ"},
        {"email": "tj@example.com", "first_name": "T.J."},
    ]
    started = api.post(
        "/activities/contacts_json_import", json={"import_data": items, "list_ids": [list_id]}
    )
    done = api.wait_activity(started.json()["activity_id"])
    assert done["state"] == "completed"
    assert done["status"]["error_count"] == 1
    assert done["activity_errors"] == ["Row 2 (tj@example.com): first_name is invalid"]
    assert api.emulator.contacts_on_list("Names") == {"ok@example.com"}


# -- ids ---------------------------------------------------------------------------------------


def test_contacts_lists_fields_and_activities_have_time_based_ids(api: Api) -> None:
    list_id = api.emulator.create_list("Ids")
    field = api.post("/contact_custom_fields", json={"label": "Ids", "type": "string"}).json()
    contact = _post(api, "ids@example.com")
    activity = api.post(
        "/activities/contacts_json_import",
        json={"import_data": [{"email": "ids2@example.com"}], "list_ids": [list_id]},
    ).json()
    for value in (
        list_id,
        field["custom_field_id"],
        contact["contact_id"],
        activity["activity_id"],
    ):
        assert uuid.UUID(value).version == 1
