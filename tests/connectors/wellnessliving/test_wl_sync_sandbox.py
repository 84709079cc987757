"""The sandbox's WellnessLiving profile synced by the real engine, both ways.

``open_service(sandbox=True)`` starts the WellnessLiving emulator from the registry, connects
to the sample business with its sample keys and adds "WellnessLiving clients → Newsletter";
both services are emulators over loopback HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors import registry
from app.connectors.http import RateLimiter
from app.connectors.registry import describe_source
from app.connectors.wellnessliving import connector as wl_connector
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import OptOutHandling, SourceSpec, SyncProfile
from app.sandbox.wellnessliving import BUSINESS_KEY, BUSINESS_NAME, WellnessLivingEmulator
from app.sandbox.wellnessliving.samples import SAMPLE_CLIENTS
from app.sync.bootstrap import ServiceHandle, open_service
from tests.sync.two_way import counts_add_up

PROFILE = "WellnessLiving clients → Newsletter"
WRITES = ("POST /v3", "PUT /v3", "PATCH /v3", "DELETE /v3")


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


class Later:
    """Moves the Constant Contact emulator's clock on, so a person's action comes after the
    last sync's watermark (timestamps have whole seconds)."""

    def __init__(self, handle: ServiceHandle) -> None:
        self.cc = handle.emulator
        self.offset = 0

    def __call__(self, seconds: int = 2) -> None:
        self.offset += seconds
        offset = timedelta(seconds=self.offset)
        self.cc.clock = lambda: datetime.now(UTC) + offset


def uid_of(wl: WellnessLivingEmulator, email: str) -> str:
    return next(u for u in wl.client_uids(BUSINESS_KEY) if wl.client(u)["email"] == email)


def permission(handle: ServiceHandle, email: str) -> str:
    contact = handle.emulator.get_contact(email)
    return contact["email_address"]["permission_to_send"] if contact else ""


def test_the_sandbox_opens_with_the_wellnessliving_sample_profile(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    profile = service.profiles.named(PROFILE)
    (conn,) = service.connections.connections_of("wellnessliving")
    assert conn.account_name == f"{BUSINESS_NAME} (us.wellnessliving.com)"
    assert profile.source.kind == "wellnessliving"
    assert profile.source.settings["connection_id"] == conn.id
    assert profile.source.settings["clients"] == "subscribed"
    assert profile.main_list == "Newsletter"
    assert {(f.source, f.target) for f in profile.mapping.fields} == {
        ("First name", "first_name"),
        ("Last name", "last_name"),
        ("Email", "email"),
        ("City", "city"),
    }
    options = profile.options
    assert options.opt_out_handling is OptOutHandling.UNSUBSCRIBE  # a withdrawal unsubscribes
    assert options.optout_to_source and not options.import_from_cc  # CC updates not written back
    assert describe_source(profile.source) == "WellnessLiving"


def test_consented_clients_go_in_and_unsubscribes_go_both_ways(sandbox: ServiceHandle) -> None:
    service, cc = sandbox.service, sandbox.emulator
    wl: WellnessLivingEmulator = sandbox.emulators["wellnessliving"]
    later = Later(sandbox)
    profile = service.profiles.named(PROFILE)

    summary = service.runs.sync(profile.id)
    assert summary.status is RunStatus.COMPLETED
    counts_add_up(service, summary)
    pushed = [r for r in service.runs.results(summary.run_id) if r.direction == "push"]
    read = [c for c in SAMPLE_CLIENTS if c.subscribed is not None]  # the never-asked stay out
    counts = summary.counts
    assert len(pushed) == len(read) == counts.total
    assert (
        counts.created + counts.updated + counts.unchanged + counts.skipped + counts.failed
        == len(read)
    )
    subscribed = {c.email for c in SAMPLE_CLIENTS if c.subscribed is True and c.email}
    assert {e.lower() for e in cc.contacts_on_list("Newsletter")} >= subscribed
    assert counts.created + counts.updated + counts.unchanged == len(subscribed)
    unsubscribed = {c.email for c in SAMPLE_CLIENTS if c.subscribed is False and c.email}
    for email in unsubscribed:  # never created, never listed
        assert cc.get_contact(email) is None
    assert {r.outcome for r in pushed} <= {Outcome.CREATED, Outcome.UPDATED, Outcome.SKIPPED}

    # A person unsubscribes in Constant Contact: their WellnessLiving subscription goes off.
    later()
    cc.set_permission("maya.chen@example.com", "unsubscribed")
    later()
    back = service.runs.sync(profile.id)
    counts_add_up(service, back)
    assert wl.client(uid_of(wl, "maya.chen@example.com"))["subscribed"] is False
    assert wl.client(uid_of(wl, "zoe.angstrom@example.com"))["subscribed"] is True

    # A client withdraws consent in WellnessLiving: unsubscribed in Constant Contact too.
    wl.set_subscribed(uid_of(wl, "zoe.angstrom@example.com"), False)
    later()
    withdrawn = service.runs.sync(profile.id)
    counts_add_up(service, withdrawn)
    assert permission(sandbox, "zoe.angstrom@example.com") == "unsubscribed"
    assert permission(sandbox, "maya.chen@example.com") == "unsubscribed"  # never put back

    # Nothing changed since: nothing is written anywhere.
    later()
    wl.reset_counts()
    cc.reset_counts()
    quiet = service.runs.sync(profile.id)
    counts_add_up(service, quiet)
    assert [k for k in cc.request_counts() if k.startswith(WRITES)] == []
    assert not any(k.startswith("PUT ") for k in wl.request_counts())


def test_a_withdrawal_can_take_the_client_off_the_list_instead(sandbox: ServiceHandle) -> None:
    """The other choice: a client who turns the subscription off comes off the profile's
    list (and no other), and stays subscribed in Constant Contact."""
    service, cc = sandbox.service, sandbox.emulator
    wl: WellnessLivingEmulator = sandbox.emulators["wellnessliving"]
    later = Later(sandbox)
    profile = service.profiles.named(PROFILE)
    settings = {**profile.source.settings, "withdrawn": "remove"}
    profile = service.profiles.save(
        profile.with_changes(
            source=SourceSpec("wellnessliving", settings),
            options=replace(profile.options, remove_deleted=True),
        )
    )
    cc.seed_contact("amara.okafor@example.com", "Amara", "Okafor", "explicit", ["Yoga friends"])
    counts_add_up(service, service.runs.sync(profile.id))
    assert "amara.okafor@example.com" in cc.contacts_on_list("Newsletter")

    wl.set_subscribed(uid_of(wl, "amara.okafor@example.com"), False)
    later()
    removed = service.runs.sync(profile.id, confirm=True)
    counts_add_up(service, removed)
    assert "amara.okafor@example.com" not in cc.contacts_on_list("Newsletter")
    assert "amara.okafor@example.com" in cc.contacts_on_list("Yoga friends")  # other lists kept
    assert permission(sandbox, "amara.okafor@example.com") != "unsubscribed"


def test_describe_says_when_a_profile_takes_every_client() -> None:
    assert wl_connector.describe({"clients": "all"}) == "WellnessLiving (all clients)"
    assert wl_connector.describe({}) == "WellnessLiving"


def test_no_api_access_the_all_clients_export_with_its_consent_column(
    sandbox: ServiceHandle,
) -> None:
    """The fallback: the sandbox's sample "All Clients" export, read as a file whose "Email:
    News and Updates" column is consent. Only those who subscribed go in."""
    service, cc = sandbox.service, sandbox.emulator
    export = sandbox.home / "samples" / "wellnessliving-all-clients.csv"
    spec = registry.file_spec(export, "Member ID", consent_column="Email: News and Updates")
    columns, _ = service.profiles.preview_source(spec, 1)
    profile = service.profiles.save(
        SyncProfile(
            name="Studio export",
            source=spec,
            main_list="From the export",
            connection_id=service.connections.default_connection().id,
            mapping=service.profiles.suggest_mapping(columns),
        )
    )
    summary = service.runs.sync(profile.id)
    counts_add_up(service, summary)
    assert summary.counts.total == len(SAMPLE_CLIENTS)
    subscribed = {c.email for c in SAMPLE_CLIENTS if c.subscribed is True and c.email}
    assert {e.lower() for e in cc.contacts_on_list("From the export")} == subscribed


def test_results_name_each_client_with_their_wellnessliving_id(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    wl: WellnessLivingEmulator = sandbox.emulators["wellnessliving"]
    summary = service.runs.sync(service.profiles.named(PROFILE).id)
    by_email = {c.email.lower(): c for c in SAMPLE_CLIENTS if c.email}
    pushed = [r for r in service.runs.results(summary.run_id) if r.direction == "push"]
    assert pushed
    for r in (r for r in pushed if r.email):  # those without an email: below
        client = by_email[r.email.lower()]
        assert r.name == f"{client.first} {client.last}"
        assert r.source_id == uid_of(wl, client.email)  # the client's own id, not a row
    for r in (r for r in pushed if not r.email):  # named all the same, with their own id
        assert r.name and r.source_id in wl.client_uids(BUSINESS_KEY)
