"""Contact lists and custom fields over HTTP."""

from __future__ import annotations

from tests.sandbox.cc_support import Api


def test_create_and_duplicate_list_name(api: Api) -> None:
    created = api.post("/contact_lists", json={"name": "Newsletter", "favorite": True})
    assert created.status_code == 201
    assert created.json()["favorite"] is True
    duplicate = api.post("/contact_lists", json={"name": "Newsletter"})
    assert duplicate.status_code == 409
    assert isinstance(duplicate.json(), list)


def test_a_list_name_in_other_capitals_is_a_duplicate(api: Api) -> None:
    assert api.post("/contact_lists", json={"name": "Newsletter"}).status_code == 201
    assert api.post("/contact_lists", json={"name": "newsletter"}).status_code == 409


def test_list_name_limits(api: Api) -> None:
    assert api.post("/contact_lists", json={"name": "x" * 256}).status_code == 400
    assert api.post("/contact_lists", json={}).status_code == 400


def test_get_lists_filters_counts_and_pages(api: Api) -> None:
    for i in range(7):
        api.emulator.create_list(f"List {i}")
    api.emulator.seed_contact("a@example.com", list_names=["List 0"])
    api.emulator.seed_contact("b@example.com", permission="unsubscribed")
    named = api.get(
        "/contact_lists", params={"name": "List 0", "include_membership_count": "all"}
    ).json()
    assert [(x["name"], x["membership_count"]) for x in named["lists"]] == [("List 0", 1)]
    names: list[str] = []
    page = api.get("/contact_lists", params={"limit": 3, "include_count": "true"}).json()
    assert page["lists_count"] == 7
    while True:
        names.extend(x["name"] for x in page["lists"])
        if "next" not in page.get("_links", {}):
            assert "_links" not in page  # absent on the last page, not {}
            break
        assert page["_links"]["next"]["href"].startswith("/v3/contact_lists?cursor=")
        page = api.get(api.emulator.base_url + page["_links"]["next"]["href"]).json()
    assert names == [f"List {i}" for i in range(7)]


def test_put_and_delete_list(api: Api) -> None:
    list_id = api.emulator.create_list("Old name")
    api.emulator.seed_contact("m@example.com", list_names=["Old name"])
    renamed = api.put(f"/contact_lists/{list_id}", json={"name": "New name"})
    assert renamed.json()["name"] == "New name"
    deleted = api.delete(f"/contact_lists/{list_id}")
    assert deleted.status_code == 202
    assert deleted.json()["activity_id"]
    api.wait_activity(deleted.json()["activity_id"])
    assert api.get("/contact_lists").json()["lists"] == []
    assert api.get("/contact_lists", params={"status": "deleted"}).json()["lists"][0]["deleted_at"]
    assert api.emulator.get_contact("m@example.com")["list_memberships"] == []
    assert api.get("/contact_lists/not-a-uuid").status_code == 404


def test_custom_fields(api: Api) -> None:
    created = api.post("/contact_custom_fields", json={"label": "Favourite Cake", "type": "string"})
    assert created.status_code == 201
    field = created.json()
    assert field["name"] == "favourite_cake"  # a lower-case slug of the label (live)
    assert (
        api.post(
            "/contact_custom_fields", json={"label": "Favourite Cake", "type": "string"}
        ).status_code
        == 409
    )
    assert (
        api.get(f"/contact_custom_fields/{field['custom_field_id']}").json()["label"]
        == "Favourite Cake"
    )
    updated = api.put(f"/contact_custom_fields/{field['custom_field_id']}", json={"label": "Cake"})
    assert updated.json()["name"] == "cake"  # made again from the new label
    listed = api.get("/contact_custom_fields").json()["custom_fields"]
    assert [f["label"] for f in listed] == ["Cake"]
    assert api.get("/contact_custom_fields", params={"limit": 101}).status_code == 400
    assert api.delete(f"/contact_custom_fields/{field['custom_field_id']}").status_code == 204
    assert api.get(f"/contact_custom_fields/{field['custom_field_id']}").status_code == 404


def test_at_most_100_custom_fields(api: Api) -> None:
    for i in range(100):
        api.emulator.create_custom_field(f"F{i}")
    assert (
        api.post("/contact_custom_fields", json={"label": "One more", "type": "string"}).status_code
        == 400
    )
