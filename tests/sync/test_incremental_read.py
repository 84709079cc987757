"""A Xero profile reads only what changed since its last run, and still misses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.xero.connector import SAMPLE_PROFILE
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import OptOutHandling
from app.sandbox.xero.samples import OPT_OUT_GROUP
from app.sync import incremental
from app.sync.bootstrap import ServiceHandle, open_service


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    # No overlap: a contact changed before the last read is not read again (the overlap only
    # guards against clocks that differ, which the emulator's and the app's do not).
    monkeypatch.setattr(incremental, "OVERLAP", timedelta(0))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


def _customers(xero) -> list[dict]:  # type: ignore[no-untyped-def]
    return [c for c in xero.contacts() if c["IsCustomer"] and c["ContactStatus"] == "ACTIVE"]


def test_a_second_run_reads_only_the_changes_and_misses_none(sandbox: ServiceHandle) -> None:
    service, xero = sandbox.service, sandbox.emulators["xero"]
    profile = service.profiles.named(SAMPLE_PROFILE)
    first = service.runs.sync(profile.id)
    assert first.status is RunStatus.COMPLETED
    assert first.counts.total == len(_customers(xero))  # the first run reads everyone

    customers = [c for c in _customers(xero) if c.get("EmailAddress")]
    renamed, opted, archived = customers[0], customers[1], customers[2]
    xero.update_contact(renamed["ContactID"], FirstName="Renamed")
    xero.add_to_group(xero.group_id(OPT_OUT_GROUP), [opted["ContactID"]])  # not a modification
    xero.update_contact(archived["ContactID"], ContactStatus="ARCHIVED")
    profile = service.profiles.save(
        profile.with_changes(options=replace(profile.options, remove_deleted=True))
    )
    full_again = service.runs.sync(profile.id)  # the profile changed: a whole read
    assert full_again.counts.total >= len(_customers(xero))

    xero.update_contact(renamed["ContactID"], LastName="Changed")
    second = service.runs.sync(profile.id)
    results = {r.key: r for r in service.store.runs.results(second.run_id)}
    assert results[renamed["ContactID"]].outcome is Outcome.UPDATED
    # Only the changed contact and the opt-out group's members were read, not everyone.
    opted_out = xero.group_members(xero.group_id(OPT_OUT_GROUP))
    read = {k for k, r in results.items() if r.row}
    assert read <= {renamed["ContactID"], *opted_out}
    assert second.counts.total == len(results)  # the counts add up to the records of the run


def test_an_opt_out_and_an_archive_reach_constant_contact_without_a_whole_read(
    sandbox: ServiceHandle,
) -> None:
    service, xero, cc = sandbox.service, sandbox.emulators["xero"], sandbox.emulator
    profile = service.profiles.named(SAMPLE_PROFILE)
    options = replace(
        profile.options, remove_deleted=True, opt_out_handling=OptOutHandling.UNSUBSCRIBE
    )
    profile = service.profiles.save(profile.with_changes(options=options))
    assert service.runs.sync(profile.id).status is RunStatus.COMPLETED
    customers = [c for c in _customers(xero) if c.get("EmailAddress")]
    opted, archived = customers[3], customers[4]
    xero.add_to_group(xero.group_id(OPT_OUT_GROUP), [opted["ContactID"]])
    xero.update_contact(archived["ContactID"], ContactStatus="ARCHIVED")

    second = service.runs.sync(profile.id)
    results = {r.key: r for r in service.store.runs.results(second.run_id)}
    assert cc.get_contact(opted["EmailAddress"])["email_address"]["permission_to_send"] == (
        "unsubscribed"
    )
    assert archived["ContactID"] in results  # learnt from Xero's archive, not from absence
    assert results[archived["ContactID"]].reason.startswith("Deleted")
    assert len(results) < len(_customers(xero))  # not a whole read
