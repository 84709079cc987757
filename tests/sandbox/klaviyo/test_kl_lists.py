"""Lists in the Klaviyo emulator: create, read, page, filter, members, and the daily limit
on list creation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from app.sandbox.klaviyo import SAMPLE_LIST, KlaviyoEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo.kl_support import KlaviyoApi, error_of


def test_a_new_list_is_single_opt_in_with_microsecond_times(api: KlaviyoApi) -> None:
    answer = api.post(
        "/lists", json={"data": {"type": "list", "attributes": {"name": "CC – Newsletter"}}}
    )
    assert answer.status_code == 201
    data = answer.json()["data"]
    assert data["attributes"]["opt_in_process"] == "single_opt_in"
    assert data["attributes"]["created"] == "2026-09-01T12:00:00.000000+00:00"
    assert len(data["id"]) == 6
    assert data["links"]["self"].endswith(f"/api/lists/{data['id']}/")
    read = api.get(f"/lists/{data['id']}").json()["data"]
    assert read["attributes"]["created"] == "2026-09-01T12:00:00+00:00"  # reads: whole seconds
    assert read["attributes"]["name"] == "CC – Newsletter"


def test_list_names_need_not_be_unique(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    first = api.create_list("Newsletter")
    second = api.create_list("Newsletter")
    assert first != second
    found = api.get("/lists", params={"filter": 'equals(name,"Newsletter")'}).json()["data"]
    assert {item["id"] for item in found} == {first, second}


def test_lists_page_ten_at_a_time_by_id_with_null_links_at_the_ends(api: KlaviyoApi) -> None:
    for i in range(11):
        api.create_list(f"List {i}")
    first = api.get("/lists").json()
    assert len(first["data"]) == 10
    assert first["links"]["prev"] is None
    ids = [item["id"] for item in first["data"]]
    assert ids == sorted(ids)
    cursor = parse_qs(urlsplit(first["links"]["next"]).query)["page[cursor]"][0]
    second = api.get("/lists", params={"page[cursor]": cursor}).json()
    assert len(second["data"]) == 2  # 11 made + the sample's "Email List"
    assert second["links"]["next"] is None
    back = api.get(second["links"]["prev"]).json()
    assert [item["id"] for item in back["data"]] == ids
    assert api.get("/lists", params={"page[size]": 11}).status_code == 400


def test_a_bad_cursor_or_a_whole_next_url_as_cursor_is_refused(api: KlaviyoApi) -> None:
    for i in range(11):
        api.create_list(f"List {i}")
    next_url = api.get("/lists").json()["links"]["next"]
    for cursor in ("not-a-cursor", next_url):
        answer = api.get("/lists", params={"page[cursor]": cursor})
        assert answer.status_code == 400
        assert error_of(answer)["detail"] == "Invalid cursor provided."


def test_a_list_can_be_renamed_and_deleted(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    list_id = api.create_list("Old name")
    renamed = api.patch(
        f"/lists/{list_id}",
        json={"data": {"type": "list", "id": list_id, "attributes": {"name": "New name"}}},
    )
    assert renamed.status_code == 200
    assert kl.list_by_name("New name") is not None
    deleted = api.delete(f"/lists/{list_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.get(f"/lists/{list_id}").status_code == 404


def test_adding_profiles_to_a_list_leaves_their_consent_alone(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    list_id = api.create_list("Customers")
    ada = kl.add_profile("ada@example.com")
    grace = kl.add_profile("grace@example.com")
    added = api.post(
        f"/lists/{list_id}/relationships/profiles",
        json={"data": [{"type": "profile", "id": ada}, {"type": "profile", "id": grace}]},
    )
    assert added.status_code == 204 and added.content == b""
    assert kl.list_member_emails(list_id) == {"ada@example.com", "grace@example.com"}
    assert kl.profile(ada)["consent"] == "NEVER_SUBSCRIBED"
    members = api.get(
        f"/lists/{list_id}/profiles", params={"filter": 'equals(email,"ADA@example.com")'}
    ).json()
    assert [m["id"] for m in members["data"]] == [ada]
    assert members["data"][0]["attributes"]["joined_group_at"] == "2026-09-01T12:00:00+00:00"
    ids = api.get(f"/lists/{list_id}/relationships/profiles").json()["data"]
    assert {i["id"] for i in ids} == {ada, grace}
    removed = api.delete(
        f"/lists/{list_id}/relationships/profiles", json={"data": [{"type": "profile", "id": ada}]}
    )
    assert removed.status_code == 204
    assert kl.list_member_emails(list_id) == {"grace@example.com"}


def test_at_most_a_thousand_profiles_are_added_a_call(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    list_id = api.create_list("Big")
    data = [{"type": "profile", "id": f"01NOPE{i:020d}"} for i in range(1001)]
    answer = api.post(f"/lists/{list_id}/relationships/profiles", json={"data": data})
    assert answer.status_code == 400
    assert kl.list_member_emails(list_id) == set()


def test_list_creation_stops_at_150_a_day_and_resumes_the_next(
    limited: KlaviyoEmulator, limited_api: KlaviyoApi, clock: FakeClock
) -> None:
    first = limited_api.post(
        "/lists", json={"data": {"type": "list", "attributes": {"name": "One"}}}
    )
    assert first.headers["ratelimit-limit"] == "10, 10;w=1, 150;w=60, 150;w=86400"
    limited.use_up_daily_list_creations()
    clock.advance(minutes=5)
    refused = limited_api.post(
        "/lists", json={"data": {"type": "list", "attributes": {"name": "Two"}}}
    )
    assert refused.status_code == 429
    error = error_of(refused)
    assert error["code"] == "throttled"
    wait = int(refused.headers["Retry-After"])
    assert 86_000 < wait <= 86_400 - 300
    assert f"Expected available in {wait} seconds." in error["detail"]
    assert limited.list_by_name("Two") is None
    assert limited_api.get("/lists").status_code == 200  # reading lists is not limited by it
    clock.advance(seconds=wait)
    assert (
        limited_api.post(
            "/lists", json={"data": {"type": "list", "attributes": {"name": "Two"}}}
        ).status_code
        == 201
    )


def test_the_sample_account_has_one_list_and_no_profiles(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    lists = api.get("/lists").json()["data"]
    assert [item["attributes"]["name"] for item in lists] == [SAMPLE_LIST]
    assert api.get("/profiles").json()["data"] == []


def test_the_daily_list_cap_holds_even_with_the_other_limits_off(
    kl: KlaviyoEmulator, api: KlaviyoApi, clock: FakeClock
) -> None:
    answer = api.post("/lists", json={"data": {"type": "list", "attributes": {"name": "One"}}})
    assert "ratelimit-limit" not in answer.headers  # limits off: no headers
    kl.use_up_daily_list_creations()
    refused = api.post("/lists", json={"data": {"type": "list", "attributes": {"name": "Two"}}})
    assert refused.status_code == 429
    assert all(api.get("/lists").status_code == 200 for _ in range(100))  # no burst limit
    clock.advance(days=1)
    assert (
        api.post(
            "/lists", json={"data": {"type": "list", "attributes": {"name": "Two"}}}
        ).status_code
        == 201
    )
