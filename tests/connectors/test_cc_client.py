"""ConstantContactClient against the emulator: lists, fields, contacts and bulk activities."""

from __future__ import annotations

import threading
import time

import pytest

from app.connectors.activity_timing import Pace
from app.connectors.import_chunks import chunk_import_items
from app.core.errors import Cancelled, NotFound
from app.core.records import Permission
from app.sync.progress import CancelToken


def test_account_summary(cc_client):
    assert isinstance(cc_client.get_account_summary(), dict)
    assert cc_client.stats.by_endpoint == {"GET /v3/account/summary": 1}


def test_lists_follow_pagination(cc_client, emulator):
    created = {cc_client.create_list(f"List {i:02d}", "made by a test").list_id for i in range(7)}
    cc_client.lists_page_size = 3
    lists = cc_client.list_contact_lists()
    assert created <= {lst.list_id for lst in lists}
    assert {lst.name for lst in lists} >= {f"List {i:02d}" for i in range(7)}
    assert all(lst.membership_count is not None for lst in lists if lst.list_id in created)
    assert cc_client.stats.by_endpoint["GET /v3/contact_lists"] >= 3
    # our request counts use the same "METHOD /v3/template" keys as the emulator's
    counts = emulator.request_counts()
    for key, count in cc_client.stats.by_endpoint.items():
        assert counts[key] == count


def test_find_list_by_exact_name(cc_client):
    newsletter = cc_client.create_list("Newsletter", "monthly")
    cc_client.create_list("Newsletter 2024")
    found = cc_client.find_list_by_name("Newsletter")
    assert (found.list_id, found.name, found.description) == (
        newsletter.list_id,
        "Newsletter",
        "monthly",
    )
    assert cc_client.find_list_by_name("No such list") is None


def test_list_names_match_without_regard_to_case(cc_client):
    """Constant Contact refuses "newsletter" beside "Newsletter" (409): it is the same list."""
    newsletter = cc_client.create_list("Newsletter")

    assert cc_client.find_list_by_name("newsletter").list_id == newsletter.list_id
    assert cc_client.find_list_by_name("NEWSLETTER").name == "Newsletter"
    # and so creating it, as a run does for a profile naming "newsletter", gives that list
    assert cc_client.create_list("newsletter").list_id == newsletter.list_id
    names = [lst.name.casefold() for lst in cc_client.list_contact_lists()]
    assert names.count("newsletter") == 1


def test_create_existing_list_returns_it(cc_client):
    first = cc_client.create_list("Customers")
    again = cc_client.create_list("Customers")
    assert again.list_id == first.list_id
    assert cc_client.stats.by_endpoint["POST /v3/contact_lists"] == 2


def test_custom_fields(cc_client):
    field = cc_client.create_custom_field("Member Since", "date")
    assert field.label == "Member Since" and field.type == "date"
    assert field.name  # the API derives it from the label
    assert field in cc_client.list_custom_fields()
    assert cc_client.create_custom_field("Member Since", "date") == field  # 409 -> lookup
    # Labels are unique in any letter case: the 409 is settled by the same lookup.
    assert cc_client.create_custom_field("member since", "date") == field


def test_import_and_wait_for_completion(cc_client):
    newsletter = cc_client.create_list("Newsletter")
    tier = cc_client.create_custom_field("Tier")
    assert tier.name == "tier"  # the import key is the field's name, a slug of its label
    items = [
        {"email": f"person{i}@example.com", "first_name": f"P{i}", "cf:tier": "gold"}
        for i in range(30)
    ]
    seen = []
    total = 0
    for chunk in chunk_import_items(items, max_count=12):
        activity_id = cc_client.start_contacts_import(chunk, [newsletter.list_id])
        status = cc_client.wait_for_activity(activity_id, on_progress=seen.append)
        assert status.succeeded, status
        assert status.items_total == len(chunk)
        total += status.items_completed
    assert total == 30
    assert seen and seen[-1].finished

    contact = cc_client.get_contact_by_email("person7@example.com")
    assert contact is not None
    assert contact.permission is Permission.IMPLICIT
    assert newsletter.list_id in contact.list_ids
    assert contact.fields["first_name"] == "P7"
    assert contact.fields["cf:tier"] == "gold"


def test_failed_activity_is_reported(cc_client, emulator):
    target = cc_client.create_list("Target")
    emulator.faults.fail_next_activity(state="failed", errors=["Something broke"])
    activity_id = cc_client.start_contacts_import([{"email": "a@example.com"}], [target.list_id])
    status = cc_client.wait_for_activity(activity_id)
    assert status.state == "failed" and not status.succeeded
    assert "Something broke" in status.errors


def test_a_stuck_activity_is_looked_at_less_and_less_often_and_can_be_cancelled(
    make_emulator, make_client
):
    """Looks back off while nothing moves, up to one every 2 minutes; the wait between them
    goes by in half-second slices (Cancel is seen at once), which cost no request."""
    client = make_client(make_emulator(activity_delay=3600))
    target = client.create_list("Target")
    activity_id = client.start_contacts_import([{"email": "a@example.com"}], [target.list_id])
    slices: list[float] = []
    gaps: list[float] = []  # seconds waited before each look
    seen: list[str] = []

    def should_stop(seconds: float) -> bool:  # pretends to wait; cancels after 15 minutes
        slices.append(seconds)
        return sum(slices) >= 15 * 60

    def looked(status) -> None:
        gaps.append(round(sum(slices) - sum(gaps), 6))
        seen.append(status.state)

    with pytest.raises(Cancelled):
        client.wait_for_activity(activity_id, should_stop=should_stop, on_progress=looked)

    assert max(slices) <= 0.5
    assert set(seen) <= {"initialized", "processing"}
    looks = client.stats.by_endpoint["GET /v3/activities/{activity_id}"]
    assert looks == len(gaps)
    assert looks <= 16  # a look every 10 s (the old schedule) would be 90
    assert gaps[0] == pytest.approx(0.5, abs=0.1)  # one contact: looked at soon
    later = gaps[2:]
    assert later == sorted(later)  # backing off...
    assert max(gaps) == pytest.approx(120)  # ...to one look every 2 minutes


def polls(client) -> int:
    """Requests that looked at activities: one activity's, or the account's recent ones."""
    return sum(n for k, n in client.stats.by_endpoint.items() if k.startswith("GET /v3/activities"))


def test_several_big_imports_are_waited_on_in_a_few_looks(cc_client):
    """Three 5,000-contact imports, waited on for real: a look or two sees them all (the old
    schedule polled each one 4 or 5 times), and the progress moves on to the end."""
    target = cc_client.create_list("Target")
    cc_client.activity_pace = Pace(10_000.0)  # about the emulator's: keeps the test short
    shown: list[tuple[int, int]] = []
    watch = cc_client.watch_activities(
        should_stop=CancelToken().wait, on_progress=lambda d, t: shown.append((d, t))
    )
    for n in range(3):
        items = [{"email": f"p{n}.{i}@example.com", "first_name": "Pat"} for i in range(5_000)]
        watch.add(cc_client.start_contacts_import(items, [target.list_id]))

    finished = []
    while watch.pending:
        finished += watch.wait()

    assert len(finished) == 3 and all(s.succeeded for s in finished)
    assert polls(cc_client) == watch.looks <= 3  # one request a look, however many it sees
    assert cc_client.stats.by_endpoint.get("GET /v3/activities", 0) >= 1
    assert [d for d, _ in shown] == sorted(d for d, _ in shown)
    assert shown[-1] == (15_000, 15_000)
    assert cc_client.activity_pace.items_per_second > 0  # the next wait starts from it


def test_cancel_during_a_wait_is_seen_at_once_and_looks_no_more(make_emulator, make_client):
    client = make_client(make_emulator(activity_delay=3600))
    target = client.create_list("Target")
    activity_id = client.start_contacts_import([{"email": "a@example.com"}], [target.list_id])
    cancel = CancelToken()
    looked = threading.Event()
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            client.wait_for_activity(
                activity_id, should_stop=cancel.wait, on_progress=lambda s: looked.set()
            )
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    assert looked.wait(10), "the activity was never looked at"
    looks = polls(client)
    asked = time.monotonic()
    cancel.cancel()
    waiter.join(5)

    assert not waiter.is_alive()
    assert time.monotonic() - asked < 0.5
    assert [type(e) for e in outcome] == [Cancelled]
    assert polls(client) == looks


def test_import_limits_are_checked_before_sending(cc_client):
    with pytest.raises(ValueError, match="40000"):
        cc_client.start_contacts_import([{"email": "a@example.com"}] * 40_001, ["l1"])
    big = [{"email": f"{i}@example.com", "first_name": "x" * 100} for i in range(39_000)]
    with pytest.raises(ValueError, match="4 MB"):
        cc_client.start_contacts_import(big, ["l1"])
    with pytest.raises(ValueError, match="lists"):
        cc_client.start_contacts_import([{"email": "a@example.com"}], [])
    assert cc_client.stats.total == 0


def test_iter_contacts_pages_and_filters(cc_client, emulator):
    for i in range(7):
        emulator.seed_contact(f"c{i}@example.com", permission="implicit", list_names=["Club"])
    emulator.seed_contact("other@example.com", permission="explicit", list_names=["Other"])
    club = cc_client.find_list_by_name("Club")
    cc_client.contacts_page_size = 3

    everyone = list(cc_client.iter_contacts())
    assert len(everyone) == 8
    # Three pages, then the first again: anything added meanwhile would be at the front.
    assert cc_client.stats.by_endpoint["GET /v3/contacts"] == 4

    members = list(cc_client.iter_contacts(lists=[club.list_id]))
    assert {c.email for c in members} == {f"c{i}@example.com" for i in range(7)}
    assert all(club.list_id in c.list_ids for c in members)


def test_get_contact_by_email_finds_deleted_contacts(cc_client, emulator):
    emulator.seed_contact("gone@example.com", permission="explicit", list_names=["Club"])
    contact = cc_client.get_contact_by_email("gone@example.com")
    assert contact is not None and not contact.deleted
    cc_client.api.request(
        "DELETE", "/contacts/{contact_id}", path_params={"contact_id": contact.contact_id}
    )
    deleted = cc_client.get_contact_by_email("gone@example.com")
    assert deleted is not None
    assert deleted.deleted
    assert deleted.contact_id == contact.contact_id
    assert cc_client.get_contact_by_email("never@example.com") is None


def test_remove_list_memberships(cc_client, emulator):
    for i in range(3):
        emulator.seed_contact(f"m{i}@example.com", permission="implicit", list_names=["Club"])
    club = cc_client.find_list_by_name("Club")
    contacts = list(cc_client.iter_contacts(lists=[club.list_id]))
    activity_id = cc_client.remove_list_memberships(
        [club.list_id], [c.contact_id for c in contacts[:2]]
    )
    assert cc_client.wait_for_activity(activity_id).succeeded
    remaining = list(cc_client.iter_contacts(lists=[club.list_id]))
    assert [c.contact_id for c in remaining] == [contacts[2].contact_id]
    assert cc_client.remove_list_memberships([club.list_id], []) == ""


def test_remove_list_memberships_chunks_by_500(cc_client, emulator):
    club = cc_client.create_list("Club")
    ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(1001)]
    cc_client.remove_list_memberships([club.list_id], ids)
    assert cc_client.stats.by_endpoint["POST /v3/activities/remove_list_memberships"] == 3


def test_unsubscribe_keeps_every_other_field(cc_client):
    club = cc_client.create_list("Club")
    cc_client.create_custom_field("Tier")
    item = {
        "email": "keep@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company_name": "Engines Ltd",
        "job_title": "Analyst",
        "work_phone": "555-0100",
        "street": "1 Main St",
        "city": "London",
        "zip": "N1",
        "cf:tier": "gold",
    }
    activity = cc_client.start_contacts_import([item], [club.list_id])
    assert cc_client.wait_for_activity(activity).succeeded
    before = cc_client.get_contact_by_email("keep@example.com")

    cc_client.unsubscribe_contact(before.contact_id, reason="Asked in the shop")

    after = cc_client.get_contact_by_email("keep@example.com")
    assert after.permission is Permission.UNSUBSCRIBED
    assert after.fields == before.fields
    assert before.list_ids and after.list_ids == frozenset()  # unsubscribing leaves all lists
    assert after.fields["company_name"] == "Engines Ltd"
    assert after.fields["work_phone"] == "555-0100"
    assert after.fields["city"] == "London"
    assert after.fields["cf:tier"] == "gold"
    raw = cc_client.api.get("/contacts/{contact_id}", path_params={"contact_id": before.contact_id})
    assert raw["email_address"]["opt_out_reason"] == "Asked in the shop"
    assert raw["update_source"] == "Account"


def test_unknown_activity_is_not_found(cc_client):
    with pytest.raises(NotFound):
        cc_client.get_activity("00000000-0000-4000-8000-000000000000")
