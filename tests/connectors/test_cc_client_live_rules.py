"""ConstantContactClient against the live service's rules, as the emulator now plays them.

Page-number paging that shifts while it is read, PUTs that replace the contact, and the 409
that names the contact owning an email (shared/notes/cc-real-behaviour.md).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from app.core.errors import ConflictError
from app.core.records import Permission


class Recorder:
    """A response hook keeping each exchange, and running ``on_contacts_page`` after a read."""

    def __init__(self) -> None:
        self.exchanges: list[requests.Response] = []
        self.on_contacts_page: Any = None

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.exchanges.append(response)
        path = response.request.path_url.split("?")[0]
        is_page = response.request.method == "GET" and path.endswith("/v3/contacts")
        if is_page and self.on_contacts_page is not None:
            self.on_contacts_page()

    def bodies(self, method: str) -> list[dict[str, Any]]:
        return [
            json.loads(r.request.body)
            for r in self.exchanges
            if r.request.method == method and r.request.body
        ]


class Ticking:
    """Constant Contact's clock, a second later at each reading (timestamps are whole seconds)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def recorder(cc_client) -> Recorder:
    hook = Recorder()
    cc_client.api.session.hooks["response"].append(hook)
    return hook


@pytest.fixture
def paged(make_emulator, make_client):
    """A ticking emulator, a client reading 3 contacts a page, and its response hook."""
    emulator = make_emulator(clock=Ticking())
    client = make_client(emulator)
    client.contacts_page_size = 3
    hook = Recorder()
    client.api.session.hooks["response"].append(hook)
    return emulator, client, hook


def test_contacts_added_between_page_reads_are_read_once_and_not_lost(paged):
    emulator, client, recorder = paged
    for i in range(9):
        emulator.seed_contact(f"c{i}@example.com")
    added: list[str] = []

    def add_one() -> None:  # someone signs up while the pages are read (twice)
        if len(added) < 2:
            added.append(f"new{len(added)}@example.com")
            emulator.seed_contact(added[-1])

    recorder.on_contacts_page = add_one

    read = [c.email for c in client.iter_contacts()]

    assert len(read) == len(set(read))  # the rows pushed onto the next page come once
    assert set(read) == {f"c{i}@example.com" for i in range(9)} | set(added)


def test_contacts_changed_during_a_read_are_not_lost(paged):
    emulator, client, recorder = paged
    for i in range(9):
        emulator.seed_contact(f"m{i}@example.com")
    changed: list[str] = []

    def change_oldest() -> None:  # the oldest contact, not read yet, changes: it moves first
        if not changed:
            changed.append("m0@example.com")
            emulator.set_permission("m0@example.com", "explicit")

    recorder.on_contacts_page = change_oldest

    read = [c.email for c in client.iter_contacts()]

    assert sorted(read) == [f"m{i}@example.com" for i in range(9)]


def test_a_one_page_read_costs_one_request(cc_client, emulator):
    emulator.seed_contact("solo@example.com")
    assert [c.email for c in cc_client.iter_contacts()] == ["solo@example.com"]
    assert cc_client.stats.by_endpoint["GET /v3/contacts"] == 1


def _import(cc_client, item: dict[str, str], list_id: str) -> None:
    activity = cc_client.start_contacts_import([item], [list_id])
    assert cc_client.wait_for_activity(activity).succeeded


def test_changing_an_email_keeps_everything_else_and_sends_no_arrays(cc_client, recorder):
    club = cc_client.create_list("Club")
    tier = cc_client.create_custom_field("Tier")
    item = {
        "email": "old@example.com",
        "first_name": "Ada",
        "job_title": "Analyst",
        "work_phone": "555-0100",
        "city": "Chicago",
        "state": "IL",
        f"cf:{tier.name}": "gold",
    }
    _import(cc_client, item, club.list_id)
    before = cc_client.get_contact_by_email("old@example.com")

    changed = cc_client.update_contact_email(before.contact_id, "new@example.com")

    (put,) = recorder.bodies("PUT")
    assert put["email_address"]["address"] == "new@example.com"
    assert put["email_address"]["permission_to_send"] == "implicit"  # consent as read
    assert (put["first_name"], put["job_title"]) == ("Ada", "Analyst")  # or they are cleared
    assert not {"list_memberships", "phone_numbers", "street_addresses", "custom_fields"} & set(
        put
    )  # left out, so kept; sending lists back could undo a membership change
    after = cc_client.get_contact_by_email("new@example.com")
    assert after.contact_id == before.contact_id
    assert after.fields == before.fields
    assert after.fields["state"] == "Illinois"  # as Constant Contact keeps it
    assert after.list_ids == before.list_ids == frozenset({club.list_id})
    assert changed.email == "new@example.com"
    assert changed.list_ids == before.list_ids
    assert changed.fields == before.fields


def test_an_email_taken_by_another_contact_names_it_in_the_error(cc_client, emulator):
    owner = emulator.seed_contact("taken@example.com")
    mover = emulator.seed_contact("mover@example.com", first_name="Mo")

    with pytest.raises(ConflictError) as caught:
        cc_client.update_contact_email(mover, "TAKEN@example.com")

    assert caught.value.existing_id == owner
    assert emulator.get_contact("mover@example.com")["first_name"] == "Mo"


def test_unsubscribing_sends_the_email_and_keeps_the_rest(cc_client, recorder):
    club = cc_client.create_list("Club")
    _import(
        cc_client, {"email": "out@example.com", "first_name": "Ann", "city": "Paris"}, club.list_id
    )
    contact = cc_client.get_contact_by_email("out@example.com")

    cc_client.unsubscribe_contact(contact.contact_id, "Asked by phone")

    (put,) = recorder.bodies("PUT")
    assert put["email_address"] == {
        "address": "out@example.com",
        "permission_to_send": Permission.UNSUBSCRIBED.value,
        "opt_out_reason": "Asked by phone",
    }
    assert "street_addresses" not in put
    after = cc_client.get_contact_by_email("out@example.com")
    assert after.unsubscribed
    assert after.fields == {**contact.fields}
    assert after.list_ids == frozenset()  # Constant Contact takes them off every list
