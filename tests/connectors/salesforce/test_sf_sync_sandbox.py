"""The sandbox's Salesforce profile synced by the real engine, both ways, against the
emulators: campaigns as lists, opt-outs both ways, a read of the changes, deletions, the
daily limit pausing a run, and new Constant Contact contacts becoming Salesforce records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.salesforce import connector as sf_connector
from app.connectors.salesforce import source as sf_source
from app.core.mapping import FieldMapping
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import SourceSpec
from app.sandbox.salesforce import HOLIDAY, NEWSLETTER, SalesforceEmulator
from app.sync.bootstrap import ServiceHandle, open_service
from tests.sync.two_way import counts_add_up

KIND = "salesforce"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    # The source's "now" is the org's clock, which the tests move on.
    monkeypatch.setattr(sf_source, "org_now", handle.emulators[KIND].clock)
    try:
        yield handle
    finally:
        handle.close()


class Later:
    """Moves both emulators' clocks on, so what a person does next comes after the last
    sync's marks (Constant Contact's and SOQL's timestamps have whole seconds)."""

    def __init__(self, handle: ServiceHandle) -> None:
        self.cc = handle.emulator
        self.sf: SalesforceEmulator = handle.emulators[KIND]
        self.offset = 0

    def __call__(self, minutes: int = 1) -> None:
        self.offset += minutes * 60
        offset = timedelta(seconds=self.offset)
        self.cc.clock = lambda: datetime.now(UTC) + offset
        self.sf.advance(minutes=minutes)


def members(sf: SalesforceEmulator, campaign: str) -> set[str]:
    """The emails of a campaign's contacts who may be emailed."""
    campaign_id = next(c["Id"] for c in sf.records("Campaign") if c["Name"] == campaign)
    out = set()
    for member in sf.records("CampaignMember"):
        if member["CampaignId"] == campaign_id and member.get("ContactId"):
            contact = sf.record(member["ContactId"])
            if contact.get("Email") and not contact.get("HasOptedOutOfEmail"):
                out.add(contact["Email"].lower())
    return out


def sf_calls(sf: SalesforceEmulator) -> int:
    return sum(n for key, n in sf.request_counts().items() if "/services/data/" in key)


def test_campaign_members_go_to_their_lists_and_opt_outs_go_both_ways(
    sandbox: ServiceHandle,
) -> None:
    service, cc, sf = sandbox.service, sandbox.emulator, sandbox.emulators[KIND]
    later = Later(sandbox)
    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)

    summary = service.runs.sync(profile.id)

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(service, summary)
    newsletter, holiday = members(sf, NEWSLETTER), members(sf, HOLIDAY)
    assert newsletter and holiday
    assert {e.lower() for e in cc.contacts_on_list(NEWSLETTER)} == newsletter
    assert {e.lower() for e in cc.contacts_on_list(HOLIDAY)} == holiday
    assert {e.lower() for e in cc.contacts_on_list("Newsletter")} == newsletter | holiday
    opted = [c for c in sf.records("Contact") if c.get("HasOptedOutOfEmail") and c.get("Email")]
    for contact in opted:  # never put on a list, whichever campaign they are in
        found = cc.get_contact(contact["Email"])
        assert found is None or not found.get("list_memberships")
    assert "Salesforce API requests in the last 24 hours" in summary.message

    # Someone unsubscribes in Constant Contact: Email Opt Out is ticked in Salesforce.
    email = sorted(newsletter)[0]
    later()
    cc.set_permission(email, "unsubscribed")
    later()
    back = service.runs.sync(profile.id)
    counts_add_up(service, back)
    (contact,) = [c for c in sf.records("Contact") if (c.get("Email") or "").lower() == email]
    assert contact["HasOptedOutOfEmail"] is True
    marked = [r for r in service.runs.results(back.run_id) if r.direction != "push"]
    assert [r.outcome for r in marked] == [Outcome.UPDATED]


def test_a_second_sync_reads_only_the_changes_and_a_deleted_member_leaves_the_list(
    sandbox: ServiceHandle,
) -> None:
    service, cc, sf = sandbox.service, sandbox.emulator, sandbox.emulators[KIND]
    later = Later(sandbox)
    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    profile = replace(profile, options=replace(profile.options, remove_deleted=True))
    service.profiles.save(profile)
    first = service.runs.sync(profile.id)
    assert first.status is RunStatus.COMPLETED

    later(10)
    on_list = sorted(cc.contacts_on_list("Newsletter"))
    gone, renamed = on_list[0], on_list[1]
    ids = {(c.get("Email") or "").lower(): c["Id"] for c in sf.records("Contact")}
    sf.delete(ids[gone.lower()])
    sf.update(ids[renamed.lower()], Title="Head Roaster")
    later(2)
    sf.reset_counts()

    second = service.runs.sync(profile.id)

    counts_add_up(service, second)
    assert second.status is RunStatus.COMPLETED
    assert gone not in cc.contacts_on_list("Newsletter")  # taken off, not deleted
    assert cc.get_contact(gone) is not None
    assert cc.get_contact(renamed)["job_title"] == "Head Roaster"
    assert second.counts.updated == 2
    # Read of the changes: a handful of Salesforce requests, not a whole read.
    assert sf_calls(sf) <= 8, sf.request_counts()


def test_the_daily_limit_pauses_the_run_and_the_next_sync_resumes_without_duplicates(
    sandbox: ServiceHandle,
) -> None:
    service, cc, sf = sandbox.service, sandbox.emulator, sandbox.emulators[KIND]
    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    sf.faults.force("GET /services/data/*/query*", "request-limit")

    paused = service.runs.sync(profile.id)

    assert paused.status is RunStatus.PAUSED  # never failed
    assert "Salesforce's daily limit of requests is used up" in paused.message
    assert not cc.contacts_on_list("Newsletter")

    resumed = service.runs.sync(profile.id)
    assert resumed.status is RunStatus.COMPLETED
    assert resumed.run_id == paused.run_id  # the same run, picked up where it stopped
    counts_add_up(service, resumed)
    emails = [e.lower() for e in cc.contacts_on_list("Newsletter")]
    assert len(emails) == len(set(emails)) == resumed.counts.created


def test_new_constant_contact_contacts_become_leads_and_a_refusal_fails_alone(
    sandbox: ServiceHandle,
) -> None:
    service, cc, sf = sandbox.service, sandbox.emulator, sandbox.emulators[KIND]
    sample = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    settings = {
        "connection_id": sample.source.settings["connection_id"],
        "object_type": "Lead",
        "unknown_last_name": False,
    }
    profile = replace(
        sample,
        id=None,
        name="Salesforce leads → Expo list",
        main_list="Expo list",
        source=SourceSpec(KIND, settings),
        options=replace(sample.options, import_from_cc=True),
        mapping=FieldMapping.of(
            {
                "Email": "email",
                "FirstName": "first_name",
                "LastName": "last_name",
                "Company": "company_name",
            }
        ),
    )
    profile = service.profiles.save(profile)
    cc.seed_contact(
        "walk.in@example.com", "Walk", "In", list_names=["Expo list"], company_name="Kiosk"
    )
    cc.seed_contact(
        "no.surname@example.com", "Cher", "", list_names=["Expo list"], company_name="Solo"
    )

    summary = service.runs.sync(profile.id)

    counts_add_up(service, summary)
    assert summary.status is RunStatus.COMPLETED_WITH_ERRORS
    leads = {(x.get("Email") or ""): x for x in sf.records("Lead")}
    walk_in = leads["walk.in@example.com"]
    assert (walk_in["LastName"], walk_in["Company"]) == ("In", "Kiosk")
    assert "no.surname@example.com" not in leads
    back = {r.email: r for r in service.runs.results(summary.run_id) if r.direction != "push"}
    assert back["walk.in@example.com"].outcome is Outcome.CREATED
    refused = back["no.surname@example.com"]
    assert refused.outcome is Outcome.FAILED
    assert refused.reason.startswith("Salesforce needs “Last Name”, and it was blank.")
