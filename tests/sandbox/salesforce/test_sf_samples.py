"""The sample org a newcomer sees, ``start_sandbox`` seeding it once, and the fast seeding
helpers tests and benches use."""

from __future__ import annotations

import time
from pathlib import Path

from app.sandbox.salesforce import (
    CONSUMER_SECRET,
    EXPO,
    HOLIDAY,
    NEWSLETTER,
    SalesforceEmulator,
    sample_connection,
    seed_samples,
    start_sandbox,
)
from tests.sandbox.salesforce.sf_support import Api


def test_the_sample_org_holds_what_the_docs_promise(emu: SalesforceEmulator) -> None:
    contacts = emu.records("Contact")
    business = [c for c in contacts if not c["IsPersonAccount"]]
    assert len(business) == 40 and len(contacts) == 45
    assert sum(c["HasOptedOutOfEmail"] for c in business) == 5
    assert sum(not c.get("Email") for c in business) == 3
    assert any(c.get("EmailBouncedReason") for c in business)
    assert {c.get("MailingCountryCode") for c in business} >= {"US", "CA", "IE", "GB", "DE"}
    leads = emu.records("Lead")
    assert len(leads) == 15 and sum(bool(lead["IsConverted"]) for lead in leads) == 2
    assert all(lead["ConvertedContactId"] for lead in leads if lead["IsConverted"])
    people = [a for a in emu.records("Account") if a.get("IsPersonAccount")]
    assert len(people) == 5 and sum(p["PersonHasOptedOutOfEmail"] for p in people) == 1
    campaigns = {c["Name"]: c["Id"] for c in emu.records("Campaign")}
    assert set(campaigns) == {NEWSLETTER, EXPO, HOLIDAY}
    members = emu.records("CampaignMember")
    sizes = {name: sum(m["CampaignId"] == cid for m in members) for name, cid in campaigns.items()}
    assert sizes == {NEWSLETTER: 23, EXPO: 8, HOLIDAY: 10}


def test_names_with_accents_come_through_the_api(api: Api) -> None:
    rows = api.records("SELECT Name, MailingCity FROM Contact WHERE LastName = 'Ångström'")
    assert rows[0]["Name"] == "Zoë Ångström"


def test_start_sandbox_seeds_once_and_keeps_changes(tmp_path: Path) -> None:
    state = tmp_path / "sandbox" / "salesforce.sqlite3"
    emu = start_sandbox(state, enforce_limits=True, with_samples=True)
    try:
        assert emu.base_url.startswith("http://127.0.0.1:")
        maya = next(c for c in emu.records("Contact") if c.get("FirstName") == "Maya")
        emu.update(maya["Id"], Title="Owner")
    finally:
        emu.stop()
    emu = start_sandbox(state, enforce_limits=True, with_samples=True)
    try:
        assert len(emu.records("Contact")) == 45
        assert emu.record(maya["Id"])["Title"] == "Owner"
        seed_samples(emu)
        assert len(emu.records("Lead")) == 15
    finally:
        emu.stop()
    empty = start_sandbox(tmp_path / "empty.sqlite3", enforce_limits=False, with_samples=False)
    try:
        assert empty.records("Contact") == []
    finally:
        empty.stop()


def test_sample_connection_signs_in_with_the_password_flow_once_allowed(
    emu: SalesforceEmulator, api: Api
) -> None:
    values = sample_connection()
    emu.allow_password_flow()
    answer = api.session.post(
        f"{emu.login_url}/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": values["consumer_key"],
            "client_secret": CONSUMER_SECRET,
            "username": values["username"],
            "password": values["password"] + values["security_token"],
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def test_seed_contacts_is_fast_and_changes_show_up_incrementally(
    emu: SalesforceEmulator, api: Api
) -> None:
    started = time.perf_counter()
    ids = emu.seed_contacts(20_000)
    elapsed = time.perf_counter() - started
    assert len(ids) == 20_000 and elapsed < 12  # 100,000 in well under a minute
    stamp = api.records(f"SELECT SystemModstamp FROM Contact WHERE Id = '{ids[0]}'")[0]
    emu.advance(minutes=1)
    emu.change_records(ids[:200], Title="Changed")
    changed = api.query(
        "SELECT Id FROM Contact WHERE SystemModstamp > "
        + stamp["SystemModstamp"].replace(".000+0000", "Z")
    ).json()
    assert changed["totalSize"] == 200
    assert emu.record(ids[0])["Title"] == "Changed"
