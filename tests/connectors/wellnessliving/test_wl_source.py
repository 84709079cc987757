"""WellnessLivingSource against the emulator: consent, values, filters, write-back, problems."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from app.connectors.wellnessliving import (
    COLUMNS,
    ClientsChoice,
    WellnessLivingClient,
    WellnessLivingSource,
)
from app.core.errors import ConfigError
from app.sandbox.wellnessliving import BUSINESS_KEY, WellnessLivingEmulator
from app.sandbox.wellnessliving.samples import SAMPLE_CLIENTS

MakeClient = Callable[..., WellnessLivingClient]


def by_email(records: list) -> dict:
    return {r.values["Email"]: r for r in records if r.values["Email"]}


def test_by_default_the_subscribed_come_in_and_the_unsubscribed_come_marked(
    wl_client: WellnessLivingClient,
) -> None:
    source = WellnessLivingSource(wl_client)
    records = list(source.iter_records())
    subscribed = [c for c in SAMPLE_CLIENTS if c.subscribed is True]
    unsubscribed = [c for c in SAMPLE_CLIENTS if c.subscribed is False]
    assert len(records) == len(subscribed) + len(unsubscribed)
    assert sum(r.opted_out for r in records) == len(unsubscribed)
    assert {r.values["News and updates"] for r in records} == {"Subscribed", "Unsubscribed"}
    never_asked = {c.email for c in SAMPLE_CLIENTS if c.subscribed is None}
    assert not never_asked & set(by_email(records))
    assert source.problems == []
    assert [r.row for r in records] == list(range(1, len(records) + 1))
    assert len({r.key for r in records}) == len(records)


def test_all_clients_reads_the_never_asked_as_not_opted_out(
    wl_client: WellnessLivingClient,
) -> None:
    records = list(WellnessLivingSource(wl_client, clients=ClientsChoice.ALL).iter_records())
    assert len(records) == 40
    mateo = next(r for r in records if r.values["First name"] == "Mateo")
    assert (mateo.opted_out, mateo.values["News and updates"], mateo.values["Email"]) == (
        False,
        "Not asked",
        "",
    )
    assert sum(r.opted_out for r in records) == sum(c.subscribed is False for c in SAMPLE_CLIENTS)


def test_values_carry_names_email_city_type_and_groups(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    source = WellnessLivingSource(wl_client)
    assert source.columns() == list(COLUMNS)
    zoe = by_email(list(source.iter_records()))["zoe.angstrom@example.com"]
    groups = [wl_emulator.add_group(BUSINESS_KEY, g) for g in ("Morning Flow", "Teacher Training")]
    assert zoe.values == {
        "First name": "Zoë",
        "Last name": "Ångström",
        "Email": "zoe.angstrom@example.com",
        "City": "Portland",
        "Client type": "Member",
        "Groups": ", ".join(sorted(groups)),
        "Member ID": "LP-0002",
        "Client since": "2023-01-15",
        "News and updates": "Subscribed",
    }
    assert wl_emulator.client(zoe.key)["email"] == "zoe.angstrom@example.com"


def test_a_filter_by_client_type_takes_those_types_only(wl_client: WellnessLivingClient) -> None:
    source = WellnessLivingSource(wl_client, client_types=["member", "Drop-in"])
    records = list(source.iter_records())
    assert {r.values["Client type"] for r in records} == {"Member", "Drop-in"}
    expected = [
        c
        for c in SAMPLE_CLIENTS
        if c.client_type in ("Member", "Drop-in") and c.subscribed is not None
    ]
    assert len(records) == len(expected)


def test_an_unknown_client_type_is_a_plain_error(wl_client: WellnessLivingClient) -> None:
    with pytest.raises(ConfigError, match='no clients of the client type "Members"'):
        list(WellnessLivingSource(wl_client, client_types=["Members"]).iter_records())


def test_a_filter_by_group_takes_its_members_only(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    teachers = wl_emulator.add_group(BUSINESS_KEY, "Teacher Training")
    source = WellnessLivingSource(wl_client, groups=[teachers])
    assert teachers in source.available_groups()
    records = list(source.iter_records())
    expected = [
        c for c in SAMPLE_CLIENTS if "Teacher Training" in c.groups and c.subscribed is not None
    ]
    assert len(records) == len(expected) > 0
    assert all(teachers in r.values["Groups"].split(", ") for r in records)
    # Members of a group who turned the subscription off still come, marked.
    assert any(r.opted_out for r in records) == any(c.subscribed is False for c in expected)


def test_the_wizard_can_list_types_and_groups(wl_client: WellnessLivingClient) -> None:
    source = WellnessLivingSource(wl_client)
    assert {t.title for t in source.available_client_types()} == {"Member", "Drop-in", "Prospect"}
    assert len(source.available_groups()) == 3


def test_a_withdrawn_consent_shows_as_opted_out_on_the_next_read(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    source = WellnessLivingSource(wl_client)
    maya = by_email(list(source.iter_records()))["maya.chen@example.com"]
    assert maya.opted_out is False
    wl_emulator.set_subscribed(maya.key, False)
    again = by_email(list(source.iter_records()))["maya.chen@example.com"]
    assert again.opted_out is True
    assert again.values["News and updates"] == "Unsubscribed"


def test_new_and_changed_clients_show_on_the_next_read(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    source = WellnessLivingSource(wl_client)
    first = by_email(list(source.iter_records()))
    wl_emulator.update_client(first["amara.okafor@example.com"].key, city="Montréal")
    wl_emulator.add_client(BUSINESS_KEY, "Noor", "Haddad", "noor@example.com", subscribed=True)
    second = by_email(list(source.iter_records(since=datetime.now(UTC))))
    assert second["amara.okafor@example.com"].values["City"] == "Montréal"
    assert "noor@example.com" in second
    assert len(second) == len(first) + 1
    assert WellnessLivingSource.capabilities.incremental is False


def test_the_unsubscribe_write_back_turns_the_email_subscription_off(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    source = WellnessLivingSource(wl_client)
    caps = source.capabilities
    assert (caps.opt_out, caps.create, caps.update) == (True, False, False)
    records = by_email(list(source.iter_records()))
    keys = [records["jose.nunez@example.com"].key, records["priya.sharma@example.com"].key]
    source.set_opted_out(keys + keys[:1] + ["999"], True)  # repeats and a gone client are fine
    assert [wl_emulator.client(k)["subscribed"] for k in keys] == [False, False]
    assert wl_emulator.client(keys[0])["is_subscribe_sms"] is None  # SMS left alone
    again = by_email(list(source.iter_records()))
    assert again["jose.nunez@example.com"].opted_out is True
    source.set_opted_out(keys, False)  # an undo puts the subscription back
    assert [wl_emulator.client(k)["subscribed"] for k in keys] == [True, True]


def test_updates_and_new_records_are_not_written_back(wl_client: WellnessLivingClient) -> None:
    source = WellnessLivingSource(wl_client)
    with pytest.raises(ConfigError, match="not written back"):
        source.update_records({"1": {"City": "Bend"}})
    with pytest.raises(ConfigError, match="only unsubscribes"):
        source.create_records([{"Email": "a@example.com"}])


def test_a_client_deleted_while_being_read_is_a_problem_not_a_failure(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    source = WellnessLivingSource(wl_client, clients=ClientsChoice.ALL)
    stream = source.iter_records()
    first = next(stream)
    gone = next(u for u in wl_emulator.client_uids(BUSINESS_KEY) if u != first.key)
    with wl_emulator.state.tx() as conn:  # deleted outright, between the report and its reads
        conn.execute("DELETE FROM clients WHERE uid = ?", (gone,))
    rest = list(stream)
    assert len(rest) == 38
    assert [p.key for p in source.problems] == [gone]
    problem = source.problems[0]
    assert "WellnessLiving no longer has this client" in problem.message
    rows = sorted([first.row, *[r.row for r in rest], problem.row])
    assert rows == list(range(1, 41))
    assert source.still_there([first.key, gone]) == {first.key}


def test_the_preview_numbers_rows_as_a_sync_does(wl_client: WellnessLivingClient) -> None:
    source = WellnessLivingSource(wl_client)
    columns, rows = source.numbered_preview(5)
    assert columns == list(COLUMNS)
    assert [n for n, _ in rows] == [1, 2, 3, 4, 5]
    full = list(source.iter_records())[:5]
    assert [cells[2] for _, cells in rows] == [r.values["Email"] for r in full]


def test_a_sessions_end_midway_does_not_stop_the_read(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    source = WellnessLivingSource(wl_client)
    stream = source.iter_records()
    next(stream)
    wl_emulator.expire_sessions()
    assert len(list(stream)) + 1 == sum(c.subscribed is not None for c in SAMPLE_CLIENTS)
