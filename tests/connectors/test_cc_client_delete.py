"""ConstantContactClient.delete_contacts against the emulator: the contact_delete activity."""

from __future__ import annotations

from app.connectors.constant_contact import deletion_errors

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_delete_contacts_deletes_them_and_they_read_as_deleted(cc_client, emulator):
    for i in range(3):
        emulator.seed_contact(f"d{i}@example.com", permission="implicit", list_names=["Club"])
    club = cc_client.find_list_by_name("Club")
    contacts = list(cc_client.iter_contacts(lists=[club.list_id]))
    doomed = [c.contact_id for c in contacts[:2]]

    status = cc_client.wait_for_activity(cc_client.delete_contacts(doomed))

    assert status.succeeded and status.errors == ()
    assert status.items_completed == 2
    left = list(cc_client.iter_contacts(lists=[club.list_id]))
    assert [c.contact_id for c in left] == [contacts[2].contact_id]  # off the list, the rest kept
    gone = cc_client.get_contact_by_email(contacts[0].email)
    assert gone is not None and gone.deleted  # a soft delete: deleted reads still show it
    assert cc_client.delete_contacts([]) == ""


def test_deleting_twice_changes_nothing(cc_client, emulator):
    contact_id = emulator.seed_contact("twice@example.com")
    assert cc_client.wait_for_activity(cc_client.delete_contacts([contact_id])).succeeded
    first = cc_client.get_contact_by_email("twice@example.com")

    again = cc_client.wait_for_activity(cc_client.delete_contacts([contact_id]))

    assert again.succeeded and again.errors == ()
    assert deletion_errors(again, [contact_id]) == {}
    assert cc_client.get_contact_by_email("twice@example.com") == first


def test_an_unknown_contact_is_named_in_plain_words_and_the_others_deleted(cc_client, emulator):
    kept_id = emulator.seed_contact("real@example.com")

    status = cc_client.wait_for_activity(cc_client.delete_contacts([kept_id, UNKNOWN]))

    assert status.succeeded
    refused = deletion_errors(status, [kept_id, UNKNOWN])
    assert list(refused) == [UNKNOWN]
    assert "no contact with this ID" in refused[UNKNOWN]
    assert cc_client.get_contact_by_email("real@example.com").deleted


def test_delete_contacts_chunks_by_500(cc_client, emulator):
    ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(1001)]
    cc_client.delete_contacts(ids)
    assert cc_client.stats.by_endpoint["POST /v3/activities/contact_delete"] == 3
    assert emulator.request_counts()["POST /v3/activities/contact_delete"] == 3
