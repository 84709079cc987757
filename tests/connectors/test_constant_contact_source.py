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
    source = ConstantContactSource(client, list_ids=[vip.list_id])
    (only,) = list(source.iter_records())
    assert only.values[EMAIL] == "vip@example.com"
    assert only.values[LISTS] == "VIP"
    assert source.still_there([only.key, "no-such-contact"]) == {only.key}
