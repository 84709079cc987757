"""The sandbox's sample nonprofit in the Neon CRM emulator, its seeding, and start_sandbox."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import requests

from app.sandbox.neoncrm import (
    ORG_ID,
    NeonCrmEmulator,
    SeedError,
    address,
    merged_sample_ids,
    sample_connection,
    seed_samples,
    serve_forever,
    start_sandbox,
)
from tests.sandbox.serving import serve_forever_lines


def _people(emu: NeonCrmEmulator) -> list[dict]:
    return [emu.account(i)["individualAccount"] for i in emu.account_ids(ORG_ID, "INDIVIDUAL")]


def test_the_sample_org_holds_what_a_sync_must_handle(neon: NeonCrmEmulator) -> None:
    people = _people(neon)
    companies = neon.account_ids(ORG_ID, "COMPANY")
    assert (len(people), len(companies)) == (40, 3)
    emails = Counter(
        p["primaryContact"]["email1"].lower() for p in people if p["primaryContact"]["email1"]
    )
    assert emails["okafor.family@example.org"] == 2
    names = Counter(
        (
            p["primaryContact"]["firstName"],
            p["primaryContact"]["lastName"],
            p["primaryContact"]["email1"],
        )
        for p in people
    )
    assert names[("Maria", "Lopez", "maria.lopez@example.com")] == 2
    assert sum(1 for p in people if p["email1OptOut"]) == 4
    assert sum(1 for p in people if p["primaryContact"]["deceased"]) == 1
    assert sum(1 for p in people if p["noSolicitation"]) == 1
    assert sum(1 for p in people if not p["primaryContact"]["email1"]) == 2
    assert sum(1 for p in people if p["accountCustomFields"]) >= 8
    old, survivor = merged_sample_ids(neon)
    assert old not in neon.account_ids(ORG_ID) and survivor in neon.account_ids(ORG_ID)
    # A partner's primary contact shares his email with his own individual account.
    assert len(neon.find_by_email(ORG_ID, "tom@greenleafgrocers.example.com")) == 2


def test_seeding_twice_adds_nothing_and_keeps_changes(tmp_path: Path) -> None:
    emu = NeonCrmEmulator(tmp_path / "neon.sqlite3")
    seed_samples(emu)
    zoe = emu.find_by_email(ORG_ID, "zoe.king@example.com")[0]
    emu.set_email_opt_out(zoe, True)
    emu.stop()
    again = NeonCrmEmulator(tmp_path / "neon.sqlite3")
    seed_samples(again)
    assert len(again.account_ids(ORG_ID)) == 43
    assert again.account(zoe)["individualAccount"]["email1OptOut"] is True
    again.stop()


def test_start_sandbox_serves_the_samples_on_loopback(tmp_path: Path) -> None:
    emu = start_sandbox(tmp_path / "neon.sqlite3", enforce_limits=True, with_samples=True)
    try:
        assert emu.api_url.startswith("http://127.0.0.1:") and emu.api_url.endswith("/v2")
        assert emu.trial_url.endswith("/trial/v2")
        connection = sample_connection()
        answer = requests.get(
            emu.api_url + "/properties/organizationProfile",
            auth=(connection["org_id"], connection["api_key"]),
            timeout=10,
        )
        assert answer.json()["orgId"] == ORG_ID
        assert emu.limits is not None and emu.limits.cap("POST /accounts/search") == 1
    finally:
        emu.stop()
    empty = start_sandbox(tmp_path / "empty.sqlite3", enforce_limits=False, with_samples=False)
    try:
        assert empty.org_summaries() == [] and empty.limits is None
    finally:
        empty.stop()


def test_seeding_methods_for_tests_and_benches(neon: NeonCrmEmulator) -> None:
    neon.add_org("harbor", "Harbor Lights Food Bank")
    neon.add_api_user("harbor", "harbor-key")
    field = neon.add_custom_field("harbor", "Pantry", "Dropdown", options=("North", "South"))
    kim = neon.add_individual(
        "harbor",
        "Kim",
        "Ode",
        "kim@example.org",
        home=address("1 Dock St", "Astoria", "OR", "97103", phone="503-555-0000"),
        phones={"phone3": "503-555-0001"},
        individual_types=["Donor"],
        consent={"email": "GIVEN"},
        custom={"Pantry": "South"},
    )
    account = neon.account(kim)["individualAccount"]
    assert account["accountCustomFields"][0]["optionValues"][0]["name"] == "South"
    assert account["primaryContact"]["addresses"][0]["phone3Type"] == "Mobile"
    assert field in {f["id"] for f in account["accountCustomFields"]}
    with pytest.raises(SeedError, match="First name is required"):
        neon.add_individual("harbor", "", "Nameless")
    ids = neon.seed_bulk("harbor", 300, seed=1, opted_out_share=0.2)
    assert len(ids) == 300 == len(set(ids))
    opted = [neon.account(i)["individualAccount"]["email1OptOut"] for i in ids]
    assert 30 < sum(opted) < 90
    assert len(neon.account_ids("harbor")) == 301
    assert neon.find_by_email(ORG_ID, "KIM@example.org") == []  # orgs are separate


def test_serve_forever_says_where_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "serve.sqlite3"
    with serve_forever_lines(serve_forever, path, 3, seed=seed_samples) as said:
        url = said[0].split(": ", 1)[1].strip()
        connection = sample_connection()
        answer = requests.get(
            url + "/accounts/1001", auth=(connection["org_id"], connection["api_key"]), timeout=10
        )
        assert answer.json()["companyAccount"]["name"] == "Greenleaf Grocers"
        assert said[1].rstrip().endswith("/trial/v2")
