"""The sandbox's Xero sample profile, end to end: Xero emulator → engine → CC emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.xero import XeroSource
from app.core.errors import ConfigError
from app.core.outcomes import RunStatus
from app.core.profiles import SourceKind, SourceSpec
from app.sandbox.xero import DEMO_TENANT_ID, SECOND_TENANT_ID
from app.sandbox.xero_samples import OPT_OUT_GROUP, XERO_LIST_NAME, XERO_PROFILE_NAME
from app.sync.bootstrap import ServiceHandle, open_service


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


def test_sample_profile_runs_end_to_end(sandbox: ServiceHandle) -> None:
    service, xero, cc = sandbox.service, sandbox.xero_emulator, sandbox.emulator
    assert xero is not None and cc is not None
    (conn,) = service.xero_connections()
    assert conn.settings["tenant_id"] == DEMO_TENANT_ID
    assert conn.account_name == "Demo Bakery Ltd"
    assert [t["tenant_id"] for t in conn.settings["tenants"]] == [DEMO_TENANT_ID, SECOND_TENANT_ID]
    profile = service.get_profile(XERO_PROFILE_NAME)
    assert profile.source.kind is SourceKind.XERO and profile.main_list == XERO_LIST_NAME
    assert profile.mapping.as_dict()["EmailAddress"] == "email"

    opt_out = xero.group_id(OPT_OUT_GROUP)
    assert opt_out is not None
    opted = xero.group_members(opt_out)
    customers = [c for c in xero.contacts() if c["IsCustomer"] and c["ContactStatus"] == "ACTIVE"]
    sendable = [c for c in customers if c.get("EmailAddress") and c["ContactID"] not in opted]
    assert 40 <= len(sendable) < len(customers)

    first = service.run_profile(profile.id)
    assert first.status is RunStatus.COMPLETED
    assert first.counts.total == len(customers)
    assert first.counts.created == len(sendable)
    assert first.counts.skipped == len(customers) - len(sendable)
    assert first.counts.failed == 0
    on_list = cc.contacts_on_list(XERO_LIST_NAME)
    assert {c["EmailAddress"].lower() for c in sendable} <= on_list

    second = service.run_profile(profile.id)
    assert second.counts.unchanged == len(sendable)
    assert second.counts.created == second.counts.updated == second.counts.failed == 0


def test_reopening_the_sandbox_reconnects_without_duplicates(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_service(sandbox=True, home=home, enforce_limits=False).close()
    handle = open_service(sandbox=True, home=home, enforce_limits=False)
    try:
        assert len(handle.service.xero_connections()) == 1
        assert handle.xero_emulator is not None
        assert len(handle.xero_emulator.contacts()) == 58
        names = [o.profile.name for o in handle.service.list_profiles()]
        assert names.count(XERO_PROFILE_NAME) == 1
    finally:
        handle.close()


def test_open_source_for_xero(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    (conn,) = service.xero_connections()
    spec = SourceSpec(SourceKind.XERO, {"connection_id": conn.id, "group_names": ["VIP"]})
    source = service.open_source(spec)
    assert isinstance(source, XeroSource)
    assert source.describe() == "Xero (Demo Bakery Ltd)"
    columns, rows = service.preview_source(spec, 3)
    assert "EmailAddress" in columns and 0 < len(rows) <= 3
    assert all("VIP" in r[columns.index("Groups")] for r in rows)
    second = service.select_xero_tenant(conn.id, SECOND_TENANT_ID)
    assert second.settings["tenant_name"] == "Harbour Café Ltd"
    assert list(service.open_source(SourceSpec(SourceKind.XERO, {})).iter_records()) == []
    with pytest.raises(ConfigError):
        service.open_source(SourceSpec(SourceKind.XERO, {"connection_id": 999}))
