"""The fault suite with a Salesforce profile: Salesforce's 429s, 500s, 503 pages and dropped
connections are retried; Constant Contact's too; Salesforce's daily limit (403
``REQUEST_LIMIT_EXCEEDED``) pauses a run in any phase that speaks to it, and the next sync
resumes that run with nothing done twice. Each against both emulators, with the real engine.
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
from app.connectors.salesforce import connector as sf_connector
from app.connectors.salesforce import source as sf_source
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import SourceSpec
from app.sync.bootstrap import ServiceHandle, open_service
from tests.connectors.salesforce.test_sf_sync_sandbox import Later, members
from tests.sync.two_way import counts_add_up

KIND = "salesforce"
QUERY = "GET /services/data/vXX.X/query"
WRITE = "PATCH /services/data/vXX.X/composite/sobjects"
CREATE = "POST /services/data/vXX.X/composite/sobjects"
CC_IMPORT = "POST /v3/activities/contacts_json_import"
NEWSLETTER = "Spring Wholesale Newsletter"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    monkeypatch.setattr(sf_source, "org_now", handle.emulators[KIND].clock)
    handle.emulators[KIND].faults.retry_after = 0  # a 429 says "again at once"
    try:
        yield handle
    finally:
        handle.close()


def sample_id(handle: ServiceHandle) -> int:
    return int(handle.service.profiles.named(sf_connector.SAMPLE_PROFILE).id)


def no_duplicates_in_cc(handle: ServiceHandle) -> bool:
    with handle.emulator.state.tx() as conn:
        emails = [r[0] for r in conn.execute("SELECT email_lower FROM contacts").fetchall()]
    return all(n == 1 for n in Counter(emails).values())


def clean_newsletter(handle: ServiceHandle) -> set[str]:
    """What a run with no fault puts on the main list: the campaigns' reachable members."""
    sf = handle.emulators[KIND]
    return members(sf, NEWSLETTER) | members(sf, "Holiday Gift Box Launch")


@pytest.mark.parametrize("kind", ["429", "500", "503", "reset"])
@pytest.mark.parametrize("endpoint", [QUERY, CC_IMPORT], ids=["salesforce-read", "cc-import"])
def test_passing_errors_are_retried_and_the_run_completes(
    sandbox: ServiceHandle, endpoint: str, kind: str
) -> None:
    service = sandbox.service
    if endpoint == CC_IMPORT:
        sandbox.emulator.faults.force(endpoint, {"429": "throttled"}.get(kind, kind))
    else:
        sandbox.emulators[KIND].faults.force(endpoint, kind)

    summary = service.runs.sync(sample_id(sandbox))

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(service, summary)
    on_list = {e.lower() for e in sandbox.emulator.contacts_on_list("Newsletter")}
    assert on_list == clean_newsletter(sandbox)
    assert summary.counts.created == len(on_list)
    assert no_duplicates_in_cc(sandbox)


def test_the_daily_limit_while_marking_opt_outs_pauses_and_the_next_sync_resumes(
    sandbox: ServiceHandle,
) -> None:
    service, cc, sf = sandbox.service, sandbox.emulator, sandbox.emulators[KIND]
    later = Later(sandbox)
    profile_id = sample_id(sandbox)
    service.runs.sync(profile_id)
    email = sorted(members(sf, NEWSLETTER))[0]
    later()
    cc.set_permission(email, "unsubscribed")
    later()
    sf.faults.force(WRITE, "request-limit")

    paused = service.runs.sync(profile_id)

    assert paused.status is RunStatus.PAUSED  # never failed
    assert "Salesforce's daily limit of requests is used up" in paused.message
    (contact,) = [c for c in sf.records("Contact") if (c.get("Email") or "").lower() == email]
    assert contact["HasOptedOutOfEmail"] is False
    resumed = service.runs.sync(profile_id)
    assert resumed.run_id == paused.run_id and resumed.status is RunStatus.COMPLETED
    counts_add_up(service, resumed)
    assert sf.record(contact["Id"])["HasOptedOutOfEmail"] is True
    marked = [r for r in service.runs.results(resumed.run_id) if r.direction == "optout"]
    assert [(r.email, r.outcome) for r in marked] == [(email, Outcome.UPDATED)]


def test_the_daily_limit_while_adding_records_pauses_and_nothing_is_created_twice(
    sandbox: ServiceHandle,
) -> None:
    service, cc, sf = sandbox.service, sandbox.emulator, sandbox.emulators[KIND]
    sample = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    settings = {"connection_id": sample.source.settings["connection_id"], "object_type": "Lead"}
    profile = service.profiles.save(
        replace(
            sample,
            id=None,
            name="Leads both ways",
            main_list="Walk-ins",
            source=SourceSpec(KIND, settings),
            options=replace(sample.options, import_from_cc=True),
        )
    )
    for i in range(3):
        cc.seed_contact(f"walk.in{i}@example.com", "Walk", f"In{i}", list_names=["Walk-ins"])
    sf.faults.force(CREATE, "request-limit")

    paused = service.runs.sync(profile.id)

    assert paused.status is RunStatus.PAUSED
    resumed = service.runs.sync(profile.id)
    assert resumed.status is RunStatus.COMPLETED and resumed.run_id == paused.run_id
    counts_add_up(service, resumed)
    leads = Counter((x.get("Email") or "").lower() for x in sf.records("Lead"))
    assert all(leads[f"walk.in{i}@example.com"] == 1 for i in range(3))


def test_the_daily_limit_while_writing_campaign_activity_pauses_then_completes_once(
    sandbox: ServiceHandle,
) -> None:
    service, sf = sandbox.service, sandbox.emulators[KIND]
    sample = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    settings: dict[str, Any] = {**sample.source.settings, "events": True}
    profile = service.profiles.save(
        replace(sample, source=replace(sample.source, settings=settings))
    )
    sf.faults.force(CREATE, "request-limit")  # the first event's new campaign

    paused = service.runs.sync(profile.id)

    assert paused.status is RunStatus.PAUSED  # the records were synced; the events wait
    assert not [c for c in sf.records("Campaign") if c.get("Type") == "Other"]
    resumed = service.runs.sync(profile.id)
    assert resumed.status is RunStatus.COMPLETED and resumed.run_id == paused.run_id
    counts_add_up(service, resumed)
    assert "Campaign activity in Salesforce: 2 campaigns" in resumed.message
    names = Counter(c["Name"] for c in sf.records("Campaign") if c.get("Type") == "Other")
    assert len(names) == 2 and max(names.values()) == 1  # no event written twice
    per_member = Counter(
        (m["CampaignId"], m.get("ContactId") or m.get("LeadId"))
        for m in sf.records("CampaignMember")
    )
    assert max(per_member.values()) == 1
