"""The sandbox's NeonCRM profile synced by the real engine, both ways, against two emulators.

``open_service(sandbox=True)`` starts the NeonCRM emulator from the registry, connects to
the sample nonprofit with its sample key and adds "NeonCRM accounts → Newsletter" (import
turned on); Constant Contact is its emulator too, over loopback HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.connectors.http import RateLimiter
from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm import connector as neon_connector
from app.connectors.neoncrm.settings import NeonSourceSettings
from app.core.filters import FilterGroup, FilterRule, Operator
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import AmbiguousMatch, OptOutHandling, SourceSpec, SyncProfile
from app.core.tallies import FAILED_SUBSCRIPTION_REASON
from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator
from app.sync.bootstrap import ServiceHandle, open_service
from app.sync.due import next_check_at, polls, schedule_words
from app.sync.engine import HELD_BACK
from app.sync.locks import AccountBusy
from tests.sync.two_way import counts_add_up

PROFILE = "NeonCRM accounts → Newsletter"
ORGANIZATION = "An organization account"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    # The emulators enforce no limit here, so no client throttles either (at NeonCRM's 10 a
    # second, importing Constant Contact's 150 sample regulars took 15 s a test).
    monkeypatch.setattr(RateLimiter, "acquire", lambda self: 0.0)
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


def neon_of(handle: ServiceHandle) -> NeonCrmEmulator:
    emulator: NeonCrmEmulator = handle.emulators["neoncrm"]
    return emulator


def account_of(neon: NeonCrmEmulator, email: str) -> dict[str, Any]:
    (account_id,) = neon.find_by_email(ORG_ID, email)
    found: dict[str, Any] = neon.account(account_id)["individualAccount"]
    return found


def permission(handle: ServiceHandle, email: str) -> str:
    contact = handle.emulator.get_contact(email)
    return contact["email_address"]["permission_to_send"] if contact else ""


def custom_values(handle: ServiceHandle, profile: SyncProfile, email: str) -> dict[str, str]:
    names = {
        f.custom_field_id: f.label
        for f in handle.service.connections.custom_fields(profile.connection_id)
    }
    contact = handle.emulator.get_contact(email) or {}
    return {names[f["custom_field_id"]]: f["value"] for f in contact.get("custom_fields", [])}


def save(handle: ServiceHandle, profile: SyncProfile, **options: Any) -> SyncProfile:
    return handle.service.profiles.save(
        profile.with_changes(options=replace(profile.options, **options))
    )


def test_the_sandbox_opens_with_the_neoncrm_sample_profile(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    profile = service.profiles.named(PROFILE)
    (conn,) = service.connections.connections_of("neoncrm")
    assert conn.account_name == "Maple Street Community Kitchen (maplestreet)"
    assert neon_connector.owner_words(conn.settings) == "API user Dana Whitfield"
    assert profile.source.kind == "neoncrm" and profile.main_list == "Newsletter"
    options = profile.options
    assert options.import_from_cc  # import turned on
    assert options.opt_out_handling is OptOutHandling.UNSUBSCRIBE and options.optout_to_source
    assert options.scheduled_optouts_only and options.poll_minutes == 30
    assert profile.mapping.as_dict() == c.STANDARD_MAPPING  # no custom field made for it
    assert "api_key" not in conn.settings
    assert service.secrets.load_token(conn.id) == {"api_key": "sandbox-neon-maplestreet-2f9c"}


def with_push_settings(handle: ServiceHandle, profile: SyncProfile) -> SyncProfile:
    """Push Settings as a user chooses them: the Source mark and Individual Type, whose
    Constant Contact custom fields are made first (the NeonCRM window's Settings do so)."""
    service = handle.service
    for label in (c.SOURCE, c.INDIVIDUAL_TYPE):
        service.connections.create_custom_field(profile.connection_id, label)
    chosen = NeonSourceSettings(extras=(c.TYPES,), mark_source=True)
    return service.profiles.save(
        profile.with_changes(
            source=SourceSpec("neoncrm", {**profile.source.settings, **chosen.to_settings()}),
            mapping=c.push_mapping(chosen.extras, mark_source=True),
        )
    )


def test_a_push_sends_individuals_with_the_fixed_mapping_and_never_an_opted_out_person(
    sandbox: ServiceHandle,
) -> None:
    service, cc = sandbox.service, sandbox.emulator
    profile = with_push_settings(sandbox, service.profiles.named(PROFILE))
    summary = service.runs.sync(profile.id)
    assert summary.status is RunStatus.COMPLETED
    counts_add_up(service, summary)
    rows = [r for r in service.runs.results(summary.run_id) if r.direction == "push"]
    pushed = {r.email: r for r in rows if r.email}

    carlos = cc.get_contact("carlos.mendez@example.com")
    assert (carlos["first_name"], carlos["last_name"]) == ("Carlos", "Mendez")
    assert {p["kind"]: p["phone_number"] for p in carlos["phone_numbers"]} == {
        "mobile": "503-555-0148"  # Phone 3 is Constant Contact's mobile phone
    }
    (address,) = carlos["street_addresses"]
    assert address["kind"] == "home"  # NeonCRM's "Personal" address type
    assert (address["street"], address["city"]) == ("58 N Williams Ave", "Portland")
    assert custom_values(sandbox, profile, "carlos.mendez@example.com") == {
        "Source": "NeonCRM",
        "Individual Type": "Volunteer",
    }
    james = cc.get_contact("james.chen@example.net")
    assert james["job_title"] == "Treasurer"
    assert custom_values(sandbox, profile, "james.chen@example.net")["Individual Type"] == (
        "Board Member|Donor"
    )

    for email in ("sam.osei@example.com", "emily.novak@example.org", "hannah.schmidt@example.org"):
        assert cc.get_contact(email) is None  # opted out in NeonCRM: never created
    organizations = [r for r in rows if r.reason.startswith(ORGANIZATION)]
    assert len(organizations) == 3 and {r.outcome for r in organizations} == {Outcome.SKIPPED}
    assert (
        pushed["grace.whitaker@example.net"].reason == "Marked deceased in NeonCRM, so not pushed"
    )
    assert cc.get_contact("bob.fitz@example.com") is None  # Do Not Contact
    assert cc.get_contact("rotary@riverside.example.org") is None  # an organization


def only_board_members(profile: SyncProfile) -> SyncProfile:
    """The profile pushing only the board: everyone else is read (and matchable) but not
    pushed, so Constant Contact contacts with their emails go through the import's matching."""
    rule = FilterRule("Last Name", Operator.IN_LIST, "Chen,Park,Lewis")
    return profile.with_changes(filters=FilterGroup(rules=(rule,)))


@pytest.mark.parametrize(
    ("rule", "maria"),
    [
        (AmbiguousMatch.SKIP, "ignored"),
        (AmbiguousMatch.CREATE, "new account"),
        (AmbiguousMatch.LINK, "linked"),
    ],
)
def test_an_import_matches_by_email_then_name_and_email_then_the_profiles_rule(
    sandbox: ServiceHandle, rule: AmbiguousMatch, maria: str
) -> None:
    service, cc = sandbox.service, sandbox.emulator
    neon = neon_of(sandbox)
    profile = only_board_members(service.profiles.named(PROFILE))
    profile = service.profiles.save(
        profile.with_changes(options=replace(profile.options, import_ambiguous=rule))
    )
    cc.seed_contact("maria.lopez@example.com", "Maria", "Lopez", "implicit", ["Friends"])
    cc.seed_contact("okafor.family@example.org", "Ngozi", "Okafor", "implicit", ["Friends"])
    cc.seed_contact("Zoe.King@example.com", "Zoe", "King", "implicit", ["Friends"])
    cc.seed_contact("brand.new@example.org", "Brand", "New", "explicit", ["Friends"])
    cc.seed_contact("rotary@riverside.example.org", "Rotary", "Desk", "implicit", ["Friends"])
    cc.seed_contact("gone@example.org", "Gone", "Away", "unsubscribed", ["Friends"])
    before = set(neon.account_ids(ORG_ID))

    summary = service.runs.sync(profile.id)
    counts_add_up(service, summary)
    imported = {r.email: r for r in service.runs.results(summary.run_id) if r.direction == "import"}
    assert imported["zoe.king@example.com"].reason == "Matched an existing source record by email"
    assert imported["okafor.family@example.org"].reason == (
        "Matched an existing source record by name and email"
    )
    assert (
        imported["okafor.family@example.org"].source_id
        == neon.find_by_email(ORG_ID, "okafor.family@example.org")[1]
    )  # Ngozi's account, not Chidi's
    assert imported["gone@example.org"].reason == (
        "Unsubscribed in Constant Contact, so not added to the source"
    )
    assert neon.find_by_email(ORG_ID, "gone@example.org") == []  # consent: never created

    made = set(neon.account_ids(ORG_ID)) - before
    new = {neon.account(i)["individualAccount"]["primaryContact"]["email1"]: i for i in made}
    assert "brand.new@example.org" in new
    for account_id in made:
        origin = neon.account(account_id)["individualAccount"]["origin"]
        assert origin == {"originCategory": "API", "originDetail": "Constant Contact"}
    # An organization is never matched: its address becomes a new individual account.
    assert "rotary@riverside.example.org" in new

    row = imported["maria.lopez@example.com"]
    assert row.reason.startswith("2 source records share this email and name")
    if maria == "ignored":
        assert row.outcome is Outcome.SKIPPED and "not imported" in row.reason
        assert len(neon.find_by_email(ORG_ID, "maria.lopez@example.com")) == 2
    elif maria == "new account":
        assert row.outcome is Outcome.CREATED
        assert len(neon.find_by_email(ORG_ID, "maria.lopez@example.com")) == 3
    else:
        assert row.outcome is Outcome.UNCHANGED and row.matched_existing
        assert len(neon.find_by_email(ORG_ID, "maria.lopez@example.com")) == 2
    tallies = summary.message
    assert "NeonCRM" in tallies  # the results speak of NeonCRM by name


def test_unsubscribes_go_both_ways_and_a_resubscribe_clears_the_neon_opt_out(
    sandbox: ServiceHandle,
) -> None:
    service, cc = sandbox.service, sandbox.emulator
    neon = neon_of(sandbox)
    later = Later(sandbox)
    profile = service.profiles.named(PROFILE)
    counts_add_up(service, service.runs.sync(profile.id))

    # Constant Contact → NeonCRM: Email 1 opted out, consent declined.
    later()
    cc.set_permission("jack.wright@example.net", "unsubscribed")
    later()
    counts_add_up(service, service.runs.sync(profile.id))
    jack = account_of(neon, "jack.wright@example.net")
    assert jack["email1OptOut"] is True and jack["consent"]["email"] == "DECLINED"

    # NeonCRM → Constant Contact: an opt-out made in NeonCRM unsubscribes the contact.
    (zoe,) = neon.find_by_email(ORG_ID, "zoe.king@example.com")
    neon.set_email_opt_out(zoe, True)
    later()
    counts_add_up(service, service.runs.sync(profile.id))
    assert permission(sandbox, "zoe.king@example.com") == "unsubscribed"

    # The person resubscribes in Constant Contact: the NeonCRM opt-out is removed.
    later()
    cc.set_permission("jack.wright@example.net", "explicit")
    later()
    counts_add_up(service, service.runs.sync(profile.id))
    jack = account_of(neon, "jack.wright@example.net")
    assert jack["email1OptOut"] is False and jack["consent"]["email"] == "GIVEN"
    assert permission(sandbox, "zoe.king@example.com") == "unsubscribed"  # never put back


def test_a_resubscribe_keeps_the_neon_opt_out_when_the_profile_says_no(
    sandbox: ServiceHandle,
) -> None:
    service, cc = sandbox.service, sandbox.emulator
    neon = neon_of(sandbox)
    later = Later(sandbox)
    profile = save(sandbox, service.profiles.named(PROFILE), clear_optout_on_resubscribe=False)
    counts_add_up(service, service.runs.sync(profile.id))
    later()
    cc.set_permission("jack.wright@example.net", "unsubscribed")
    later()
    counts_add_up(service, service.runs.sync(profile.id))
    later()
    cc.set_permission("jack.wright@example.net", "explicit")
    later()
    summary = service.runs.sync(profile.id)
    counts_add_up(service, summary)
    assert account_of(neon, "jack.wright@example.net")["email1OptOut"] is True
    # ...and the push leaves the resubscribed contact alone, as the person chose.
    assert permission(sandbox, "jack.wright@example.net") == "explicit"


def test_each_unsubscribe_direction_can_be_switched_off(sandbox: ServiceHandle) -> None:
    service, cc = sandbox.service, sandbox.emulator
    neon = neon_of(sandbox)
    later = Later(sandbox)
    profile = save(
        sandbox,
        service.profiles.named(PROFILE),
        optout_to_source=False,
        opt_out_handling=OptOutHandling.SKIP,
    )
    counts_add_up(service, service.runs.sync(profile.id))
    later()
    cc.set_permission("jack.wright@example.net", "unsubscribed")
    (zoe,) = neon.find_by_email(ORG_ID, "zoe.king@example.com")
    neon.set_email_opt_out(zoe, True)
    later()
    summary = service.runs.sync(profile.id)
    counts_add_up(service, summary)
    assert account_of(neon, "jack.wright@example.net")["email1OptOut"] is False
    assert permission(sandbox, "zoe.king@example.com") != "unsubscribed"
    # Consent still holds: the unsubscribed contact is never put back on the list.
    jack = next(
        r for r in service.runs.results(summary.run_id) if r.email == "jack.wright@example.net"
    )
    assert jack.reason == FAILED_SUBSCRIPTION_REASON
    assert permission(sandbox, "jack.wright@example.net") == "unsubscribed"


def test_the_30_minute_check_resyncs_only_unsubscribes(sandbox: ServiceHandle) -> None:
    service, cc = sandbox.service, sandbox.emulator
    neon = neon_of(sandbox)
    later = Later(sandbox)
    profile = service.profiles.named(PROFILE)
    assert polls(profile)
    assert schedule_words(profile) == "Every 30 minutes (unsubscribes)"
    first = service.runs.sync(profile.id)
    counts_add_up(service, first)
    ran = datetime.fromisoformat(first.started_at)
    assert next_check_at(profile, ran, ran + timedelta(minutes=1)) == ran + timedelta(minutes=30)

    (james,) = neon.find_by_email(ORG_ID, "james.chen@example.net")
    neon.update_account(james, {"primaryContact": {"title": "Board Treasurer"}})
    neon.add_individual(ORG_ID, "Nora", "Quinn", "nora.quinn@example.org")
    (zoe,) = neon.find_by_email(ORG_ID, "zoe.king@example.com")
    neon.set_email_opt_out(zoe, True)
    later()
    cc.set_permission("jack.wright@example.net", "unsubscribed")
    later()

    check = service.runs.sync(profile.id, scheduled=True)  # the scheduler's run
    counts_add_up(service, check)
    assert check.message.endswith("Only unsubscribes and resubscribes were resynced")
    assert cc.get_contact("james.chen@example.net")["job_title"] == "Treasurer"  # not sent
    assert cc.get_contact("nora.quinn@example.org") is None  # not created
    assert permission(sandbox, "zoe.king@example.com") == "unsubscribed"  # NeonCRM → CC
    assert account_of(neon, "jack.wright@example.net")["email1OptOut"] is True  # CC → NeonCRM
    held = {r.email for r in service.runs.results(check.run_id) if r.reason == HELD_BACK}
    assert {"james.chen@example.net", "nora.quinn@example.org"} <= held

    push = service.runs.sync(profile.id)  # the user's own push sends the details
    counts_add_up(service, push)
    assert cc.get_contact("james.chen@example.net")["job_title"] == "Board Treasurer"
    assert cc.get_contact("nora.quinn@example.org") is not None
    assert permission(sandbox, "jack.wright@example.net") == "unsubscribed"


def test_a_push_holds_the_constant_contact_account_until_it_ends(sandbox: ServiceHandle) -> None:
    """As NeonCRM locks every sync activity while an import or push runs: another activity
    on the same Constant Contact account waits (or, asked not to wait, is told who holds it)."""
    service = sandbox.service
    neon = neon_of(sandbox)
    profile = service.profiles.named(PROFILE)
    other = service.profiles.named("Bakery customers → Newsletter")
    gate = neon.hold("POST /accounts/search")
    ended: list[Any] = []
    runner = threading.Thread(target=lambda: ended.append(service.runs.sync(profile.id)))
    runner.start()
    try:
        assert gate.entered.wait(20)
        with pytest.raises(AccountBusy) as busy:
            service.runs.sync(other.id, wait=False)
        assert PROFILE in busy.value.message
    finally:
        gate.release()
        runner.join(60)
    assert ended and ended[0].status is RunStatus.COMPLETED
    counts_add_up(service, service.runs.sync(other.id, wait=False))  # free again


def test_neon_faults_are_retried_and_a_failed_write_back_is_retried_next_run(
    sandbox: ServiceHandle,
) -> None:
    service, cc = sandbox.service, sandbox.emulator
    neon = neon_of(sandbox)
    later = Later(sandbox)
    profile = service.profiles.named(PROFILE)
    neon.faults.force("POST /accounts/search", "429", times=2)
    neon.faults.force("GET /accounts/search/searchFields", "503", times=1)
    first = service.runs.sync(profile.id)
    assert first.status is RunStatus.COMPLETED
    counts_add_up(service, first)

    later()
    cc.set_permission("jack.wright@example.net", "unsubscribed")
    later()
    neon.faults.force("PATCH /accounts/*", "500", times=20)
    failed = service.runs.sync(profile.id)
    counts_add_up(service, failed)
    assert failed.status is RunStatus.COMPLETED_WITH_ERRORS
    row = next(r for r in service.runs.results(failed.run_id) if r.outcome is Outcome.FAILED)
    assert row.email == "jack.wright@example.net"
    assert "NeonCRM had a problem on its side" in row.reason
    neon.faults.clear()
    later()
    again = service.runs.sync(profile.id)
    counts_add_up(service, again)
    assert account_of(neon, "jack.wright@example.net")["email1OptOut"] is True
