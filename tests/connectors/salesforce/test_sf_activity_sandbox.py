"""Constant Contact's campaign activity written back to Salesforce by the real engine, against
both emulators: each email a Campaign with its recipients as members at their furthest
status (or one Task per open or click), and each event of the last 90 days a Campaign with
its registrants, unknown people added as leads, their registration in one field or several.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.salesforce import campaign_members
from app.connectors.salesforce import connector as sf_connector
from app.connectors.salesforce import source as sf_source
from app.core.campaign_responses import CLICKED, OPENED, SENT, STATUS_ORDER
from app.core.campaign_stats import PersonActivity
from app.core.outcomes import RunStatus
from app.sandbox.constant_contact.event_samples import COOKIES, PAIRING, WORKSHOP
from app.sandbox.salesforce import SalesforceEmulator
from app.store.campaign_response_repo import CampaignResponseRepository
from app.sync.bootstrap import ServiceHandle, open_service
from tests.sync.two_way import counts_add_up

KIND = "salesforce"
EMAIL = "Spring menu"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    monkeypatch.setattr(sf_source, "org_now", handle.emulators[KIND].clock)
    try:
        yield handle
    finally:
        handle.close()


def with_settings(handle: ServiceHandle, **settings: Any) -> int:
    """The sample profile, its Salesforce settings changed; returns its id."""
    service = handle.service
    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    source = replace(profile.source, settings={**profile.source.settings, **settings})
    return int(service.profiles.save(replace(profile, source=source)).id)


def sf_records(sf: SalesforceEmulator, sobject: str, **where: Any) -> list[dict[str, Any]]:
    return [r for r in sf.records(sobject) if all(r.get(k) == v for k, v in where.items())]


def campaign_named(sf: SalesforceEmulator, name: str) -> dict[str, Any]:
    (found,) = sf_records(sf, "Campaign", Name=name)
    return found


def expected_status(person: PersonActivity) -> str:
    if person.clicks:
        return CLICKED
    if person.opens or person.forwards:
        return OPENED
    if person.bounced:
        return "Bounced"
    if person.unsubscribed:
        return "Unsubscribed"
    return SENT


def members_by_email(sf: SalesforceEmulator, campaign_id: str) -> dict[str, dict[str, Any]]:
    out = {}
    for member in sf_records(sf, "CampaignMember", CampaignId=campaign_id):
        person = sf.record(member.get("ContactId") or member["LeadId"])
        out[str(person.get("Email") or "").lower()] = member
    return out


def send_spring_menu(handle: ServiceHandle) -> str:
    """An email to the Newsletter list (the profile's contacts, once synced)."""
    return handle.emulator.seed_campaign(
        EMAIL, ["Newsletter"], open_rate=0.5, click_rate=0.2, bounce_rate=0.05, rng_seed=7
    )


def test_each_email_becomes_a_campaign_with_its_recipients_at_their_furthest_status(
    sandbox: ServiceHandle,
) -> None:
    service, sf = sandbox.service, sandbox.emulators[KIND]
    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    assert service.runs.sync(profile.id).status is RunStatus.COMPLETED
    on_list = {e.lower() for e in sandbox.emulator.contacts_on_list("Newsletter")}
    cc_campaign = send_spring_menu(sandbox)
    profile_id = with_settings(sandbox, responses="members")
    sandbox.emulator.reset_counts()

    summary = service.runs.sync(profile_id)  # pulls the statistics first: never pulled yet

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(service, summary)
    campaign = campaign_named(sf, EMAIL)
    assert campaign["Type"] == "Email"
    members = members_by_email(sf, campaign["Id"])
    assert set(members) == on_list  # every recipient Salesforce knows, once
    people = {p.email: p for p in service.stats.people(cc_campaign)}
    for email, member in members.items():
        assert member["Status"] == expected_status(people[email]), email
    statuses = {
        s["Label"]: s["HasResponded"]
        for s in sf_records(sf, "CampaignMemberStatus", CampaignId=campaign["Id"])
    }
    assert statuses[OPENED] is True and statuses[CLICKED] is True and statuses[SENT] is False
    assert "Campaign activity in Salesforce:" in summary.message
    assert sandbox.emulator.request_counts().get("GET /v3/emails")

    # More activity arrives: statuses move up, nobody is added twice.
    sandbox.emulator.add_campaign_activity(cc_campaign, 0.5)
    service.stats.pull()
    again = service.runs.sync(profile_id)
    assert again.status is RunStatus.COMPLETED
    after = members_by_email(sf, campaign["Id"])
    assert set(after) == set(members)
    assert len(sf_records(sf, "CampaignMember", CampaignId=campaign["Id"])) == len(members)
    people = {p.email: p for p in service.stats.people(cc_campaign)}
    for email, member in after.items():
        assert member["Status"] == expected_status(people[email]), email
        assert STATUS_ORDER.index(member["Status"]) >= STATUS_ORDER.index(members[email]["Status"])
    assert len(sf_records(sf, "Campaign", Name=EMAIL)) == 1


def test_a_member_made_meanwhile_is_updated_not_duplicated(
    sandbox: ServiceHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, sf = sandbox.service, sandbox.emulators[KIND]
    service.runs.sync(service.profiles.named(sf_connector.SAMPLE_PROFILE).id)
    send_spring_menu(sandbox)
    profile_id = with_settings(sandbox, responses="members")
    # Someone (another tool, a colleague) adds the recipients to a campaign of that name
    # between ContactBridge's read of the members and its write.
    campaign_id = sf.create("Campaign", Name=EMAIL, Type="Email", IsActive=True)
    contacts = {c["Email"].lower(): c["Id"] for c in sf.records("Contact") if c.get("Email")}
    real = campaign_members.Campaigns.existing
    seen = {"calls": 0}

    def first_read_misses(self, campaign, people, fields=()):  # type: ignore[no-untyped-def]
        seen["calls"] += 1
        if seen["calls"] == 1:
            for person in people:
                sf.add_campaign_member(campaign, person.record_id, "Sent")
            return {}
        return real(self, campaign, people, fields)

    monkeypatch.setattr(campaign_members.Campaigns, "existing", first_read_misses)

    summary = service.runs.sync(profile_id)

    assert summary.status is RunStatus.COMPLETED
    members = sf_records(sf, "CampaignMember", CampaignId=campaign_id)
    per_person = Counter(m.get("ContactId") or m.get("LeadId") for m in members)
    assert per_person and max(per_person.values()) == 1  # DUPLICATE_VALUE handled
    assert any(m["Status"] in (OPENED, CLICKED) for m in members)  # updated instead
    assert "refused" not in summary.message
    assert set(per_person) <= set(contacts.values())


def test_task_mode_writes_one_task_per_open_or_click_and_never_twice(
    sandbox: ServiceHandle,
) -> None:
    service, sf = sandbox.service, sandbox.emulators[KIND]
    service.runs.sync(service.profiles.named(sf_connector.SAMPLE_PROFILE).id)
    cc_campaign = send_spring_menu(sandbox)
    profile_id = with_settings(sandbox, responses="tasks")

    service.runs.sync(profile_id)

    assert not sf_records(sf, "Campaign", Name=EMAIL)  # tasks, not campaign members
    tasks = [t for t in sf.records("Task") if EMAIL in str(t.get("Subject"))]
    people = {p.email: p for p in service.stats.people(cc_campaign)}
    contacts = {c["Id"]: c["Email"].lower() for c in sf.records("Contact") if c.get("Email")}
    per_person = Counter(contacts[t["WhoId"]] for t in tasks)
    for email, count in per_person.items():
        assert count == people[email].opens + people[email].clicks
    assert sum(per_person.values()) == len(tasks) > 0
    assert all(t["Status"] == "Completed" and t["IsClosed"] for t in tasks)

    # A run stopped after the write but before it remembered: the same events again.
    repo = CampaignResponseRepository()
    repo.save_state(profile_id, replace(repo.state(profile_id), mark=0))
    service.runs.sync(profile_id)
    again = [t for t in sf.records("Task") if EMAIL in str(t.get("Subject"))]
    assert len(again) == len(tasks)


def test_events_become_campaigns_with_registrants_and_unknown_people_become_leads(
    sandbox: ServiceHandle,
) -> None:
    service, sf = sandbox.service, sandbox.emulators[KIND]
    profile_id = with_settings(sandbox, events=True)
    before = {(x.get("Email") or "").lower() for x in sf.records("Lead")}

    summary = service.runs.sync(profile_id)

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(service, summary)
    assert not sf_records(sf, "Campaign", Name=COOKIES)  # older than 90 days
    workshop = members_by_email(sf, campaign_named(sf, WORKSHOP)["Id"])
    pairing = members_by_email(sf, campaign_named(sf, PAIRING)["Id"])
    assert set(workshop) == {
        "grace.hopper@example.com",
        "maya.chen@driftwoodcafe.example",
        "jose.nunez@larchgrocery.example",
        "lucy.park@example.com",
        "rosa.garcia@example.com",
        "nadia.fields@example.org",
    }
    maya = workshop["maya.chen@driftwoodcafe.example"]
    assert maya["Status"] == "Attended" and maya.get("ContactId")
    assert maya["Email_Events__c"].endswith("status: Registered; payment: Paid; guests: 2")
    assert maya["Email_Events__c"].startswith("Registered on ")
    assert workshop["rosa.garcia@example.com"]["Status"] == "Cancelled"
    assert workshop["lucy.park@example.com"].get("LeadId")  # an existing lead
    assert pairing["priya@larchgrocery.example"]["Status"] == "Pending"
    new = {(x.get("Email") or "").lower(): x for x in sf.records("Lead")}
    added = set(new) - before
    assert added == {
        "grace.hopper@example.com",
        "nadia.fields@example.org",
        "walter.brooks@example.org",
    }
    assert new["nadia.fields@example.org"]["Company"] == "Unknown"
    assert "3 new people added as leads" in summary.message

    # Nothing changed in Constant Contact: the events are not written again.
    sf.reset_counts()
    service.runs.sync(profile_id)
    assert not [k for k in sf.request_counts() if "composite/sobjects" in k]
    assert len(sf_records(sf, "Campaign", Name=WORKSHOP)) == 1


def test_registration_details_in_fields_of_their_own_and_a_missing_field_is_named(
    sandbox: ServiceHandle,
) -> None:
    service, sf = sandbox.service, sandbox.emulators[KIND]
    profile_id = with_settings(
        sandbox,
        events=True,
        event_fields="separate",
        event_map={
            "registration_date": "Registration_Date__c",
            "registration_status": "Registration_Status__c",
            "payment_status": "Payment_Status__c",
            "guest_count": "Guest_Count__c",
            "order_total": "Order_Total__c",  # not in the practice org
        },
    )

    summary = service.runs.sync(profile_id)

    assert summary.status is RunStatus.COMPLETED
    workshop = members_by_email(sf, campaign_named(sf, WORKSHOP)["Id"])
    nadia = workshop["nadia.fields@example.org"]
    assert (nadia["Payment_Status__c"], nadia["Guest_Count__c"]) == ("Paid", 3.0)
    assert nadia["Registration_Status__c"] == "Registered"
    assert len(nadia["Registration_Date__c"]) == 10  # a date
    assert not nadia.get("Email_Events__c")
    assert "“Order_Total__c”" in summary.message
