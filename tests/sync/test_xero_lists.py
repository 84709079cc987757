"""Xero contact groups as Constant Contact lists, through the profile's list map."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.xero.connector import SAMPLE_PROFILE
from app.sandbox.xero.samples import OPT_OUT_GROUP
from app.sync.bootstrap import ServiceHandle, open_service


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


def test_members_of_a_mapped_xero_group_go_on_its_constant_contact_list(
    sandbox: ServiceHandle,
) -> None:
    service, xero, cc = sandbox.service, sandbox.emulators["xero"], sandbox.emulator
    profile = service.profiles.named(SAMPLE_PROFILE)
    settings = {**profile.source.settings, "list_map": {"VIP": "VIP customers"}}
    service.profiles.save(profile.with_changes(source=replace(profile.source, settings=settings)))
    summary = service.runs.sync(profile.id)
    assert summary.counts.failed == 0

    vip = xero.group_members(xero.group_id("VIP"))
    opted_out = xero.group_members(xero.group_id(OPT_OUT_GROUP))
    sent = {
        c["EmailAddress"].lower()
        for c in xero.contacts()
        if c["ContactID"] in vip
        and c["ContactID"] not in opted_out  # never sent, so on no list
        and c.get("EmailAddress")
        and c["IsCustomer"]
        and c["ContactStatus"] == "ACTIVE"
    }
    on_list = {e.lower() for e in cc.contacts_on_list("VIP customers")}
    assert sent and on_list == sent
    assert on_list < {e.lower() for e in cc.contacts_on_list("Newsletter")}
