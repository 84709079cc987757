"""Constant Contact as a source: its contacts, consent and lists, read from the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.connectors.constant_contact_source import (
    CONTACT_ID,
    EMAIL,
    LISTS,
    PERMISSION,
    ConstantContactSource,
)
from app.sync.bootstrap import open_service


@pytest.fixture
def account(tmp_path: Path):  # type: ignore[no-untyped-def]
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        conn = handle.service.connections.default_connection()
        assert conn is not None
        yield handle, handle.service.connections.cc_client(conn.id)
    finally:
        handle.close()


def test_every_contact_is_read_with_its_consent_and_keyed_by_its_id(account) -> None:  # type: ignore[no-untyped-def]
    handle, client = account
    emulator = handle.emulator
    emulator.seed_contact(email="zoe@example.com", first_name="Zoë", permission="explicit")
    emulator.seed_contact(email="gone@example.com", first_name="Gone", permission="unsubscribed")
    source = ConstantContactSource(client)
    records = {r.values[EMAIL]: r for r in source.iter_records()}
    zoe, gone = records["zoe@example.com"], records["gone@example.com"]
    assert zoe.values["First name"] == "Zoë" and not zoe.opted_out
    assert zoe.key == zoe.values[CONTACT_ID]  # an email change keeps the same record
    assert gone.opted_out and gone.values[PERMISSION] == "unsubscribed"  # never subscribed
    assert {EMAIL, LISTS, PERMISSION, "First name", "Company"} <= set(source.columns())


def test_only_the_chosen_lists_members_are_read_and_lists_are_named(account) -> None:  # type: ignore[no-untyped-def]
    handle, client = account
    vip = client.create_list("VIP")
    activity = client.start_contacts_import(
        [{"email": "vip@example.com", "first_name": "Vera"}], [vip.list_id]
    )
    client.wait_for_activity(activity)
    handle.emulator.seed_contact(email="other@example.com", first_name="Otto")
    handle.emulator.seed_contact(email="left@example.com", first_name="Lea", list_names=["VIP"])
    handle.emulator.set_permission("left@example.com", "unsubscribed")  # off every list now
    source = ConstantContactSource(client, list_ids=[vip.list_id])
    records = list(source.iter_records())
    (only,) = [r for r in records if not r.opted_out]
    assert only.values[EMAIL] == "vip@example.com"
    assert only.values[LISTS] == "VIP" and only.lists == ("VIP",)
    # Whoever unsubscribed is read too (Constant Contact took them off the list), so the
    # unsubscribe still reaches the destination; nobody else from outside the list is.
    outside = {r.values[EMAIL] for r in records if r.opted_out}
    assert "left@example.com" in outside and "other@example.com" not in outside
    assert [r.row for r in records] == list(range(1, len(records) + 1))
    assert source.still_there([only.key, "no-such-contact"]) == {only.key}


def test_contacts_deleted_since_a_time_are_found_off_the_lists_too(account) -> None:  # type: ignore[no-untyped-def]
    handle, client = account
    from datetime import UTC, datetime, timedelta

    vip = client.create_list("VIP")
    contact_id = handle.emulator.seed_contact(email="bye@example.com", list_names=["VIP"])
    before = datetime.now(UTC) - timedelta(minutes=1)
    client.delete_contact(contact_id)
    source = ConstantContactSource(client, list_ids=[vip.list_id])
    assert contact_id in source.deleted_since(before)
    assert all(r.key != contact_id for r in source.iter_records())
