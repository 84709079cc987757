"""The sandbox's Xero sample profile, end to end: Xero emulator → engine → CC emulator."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.oauth import normalize_token
from app.connectors.xero import XeroSource
from app.connectors.xero.connector import SAMPLE_LIST as XERO_LIST_NAME
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.core.errors import ConfigError
from app.core.outcomes import RunStatus
from app.core.profiles import SourceSpec
from app.core.store_types import ConnectionStatus
from app.sandbox.xero import DEMO_SHORT_CODE, DEMO_TENANT_ID, SECOND_TENANT_ID
from app.sandbox.xero.samples import OPT_OUT_GROUP
from app.sync.bootstrap import SANDBOX_CLIENT_ID, ServiceHandle, open_service


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


def test_sample_profile_runs_end_to_end(sandbox: ServiceHandle) -> None:
    service, xero, cc = sandbox.service, sandbox.emulators["xero"], sandbox.emulator
    assert xero is not None and cc is not None
    (conn,) = service.connections.connections_of("xero")
    assert conn.settings["tenant_id"] == DEMO_TENANT_ID
    assert conn.account_name == "Demo Bakery Ltd"
    assert [t["tenant_id"] for t in conn.settings["tenants"]] == [DEMO_TENANT_ID, SECOND_TENANT_ID]
    profile = service.profiles.named(XERO_PROFILE_NAME)
    assert profile.source.kind == "xero" and profile.main_list == XERO_LIST_NAME
    assert profile.mapping.as_dict()["EmailAddress"] == "email"

    opt_out = xero.group_id(OPT_OUT_GROUP)
    assert opt_out is not None
    opted = xero.group_members(opt_out)
    customers = [c for c in xero.contacts() if c["IsCustomer"] and c["ContactStatus"] == "ACTIVE"]
    sendable = [c for c in customers if c.get("EmailAddress") and c["ContactID"] not in opted]
    assert 40 <= len(sendable) < len(customers)

    first = service.runs.sync(profile.id)
    assert first.status is RunStatus.COMPLETED
    assert first.counts.total == len(customers)
    assert first.counts.created == len(sendable)
    assert first.counts.skipped == len(customers) - len(sendable)
    assert first.counts.failed == 0
    on_list = cc.contacts_on_list(XERO_LIST_NAME)
    assert {c["EmailAddress"].lower() for c in sendable} <= on_list

    second = service.runs.sync(profile.id)
    assert second.counts.unchanged == len(sendable)
    assert second.counts.created == second.counts.updated == second.counts.failed == 0


def test_reopening_the_sandbox_reconnects_without_duplicates(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_service(sandbox=True, home=home, enforce_limits=False).close()
    handle = open_service(sandbox=True, home=home, enforce_limits=False)
    try:
        assert len(handle.service.connections.connections_of("xero")) == 1
        assert "xero" in handle.emulators
        assert len(handle.emulators["xero"].contacts()) == 58
        names = [o.profile.name for o in handle.service.profiles.overviews()]
        assert names.count(XERO_PROFILE_NAME) == 1
    finally:
        handle.close()


def test_open_source_for_xero(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    (conn,) = service.connections.connections_of("xero")
    spec = SourceSpec("xero", {"connection_id": conn.id, "group_names": ["VIP"]})
    source = service.profiles.open_source(spec)
    assert isinstance(source, XeroSource)
    assert source.describe() == "Xero (Demo Bakery Ltd)"
    columns, rows = service.profiles.preview_source(spec, 3)
    assert "EmailAddress" in columns and 0 < len(rows) <= 3
    assert all("VIP" in r[columns.index("Groups")] for r in rows)
    second = service.connections.select_source_account(conn.id, SECOND_TENANT_ID)
    assert second.settings["tenant_name"] == "Harbour Café Ltd"
    assert list(service.profiles.open_source(SourceSpec("xero", {})).iter_records()) == []
    with pytest.raises(ConfigError):
        service.profiles.open_source(SourceSpec("xero", {"connection_id": 999}))


def test_connecting_keeps_the_organisation_in_sqlite_and_the_token_out(
    sandbox: ServiceHandle,
) -> None:
    service = sandbox.service
    (conn,) = service.connections.connections_of("xero")
    assert conn.settings["organisation"] == {
        "organisation_id": DEMO_TENANT_ID,
        "name": "Demo Bakery Ltd",
        "country_code": "NZ",
        "short_code": DEMO_SHORT_CODE,
    }
    token = service.secrets.load_token(conn.id)
    assert token is not None and "accounting.settings.read" in token["scope"].split()
    with sqlite3.connect(sandbox.home / "contactbridge.sqlite3") as db:
        rows = db.execute("SELECT account_name, settings FROM connection").fetchall()
    stored = " ".join(f"{name} {settings}" for name, settings in rows)
    assert "Demo Bakery Ltd" in stored and DEMO_SHORT_CODE in stored
    assert token["access_token"] not in stored and token["refresh_token"] not in stored


def test_switching_organisation_reads_the_new_one(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    (conn,) = service.connections.connections_of("xero")
    second = service.connections.select_source_account(conn.id, SECOND_TENANT_ID)
    assert second.settings["organisation"]["name"] == "Harbour Café Ltd"
    assert second.settings["organisation"]["country_code"] == "AU"
    assert second.account_name == "Harbour Café Ltd"


def test_an_older_connection_lacks_the_organisation_until_it_reconnects(
    sandbox: ServiceHandle,
) -> None:
    """Its token predates accounting.settings.read: no name, no failure; reconnecting fixes it."""
    service, xero = sandbox.service, sandbox.emulators["xero"]
    assert xero is not None
    (conn,) = service.connections.connections_of("xero")
    old = xero.issue_token(SANDBOX_CLIENT_ID, scope="offline_access accounting.contacts")
    service.secrets.save_token(conn.id, normalize_token(old, time.time()))
    xero.reset_counts()
    older = service.connections.select_source_account(conn.id, DEMO_TENANT_ID)
    assert "organisation" not in older.settings
    assert older.account_name == "Demo Bakery Ltd"  # the tenant's name, from /Connections
    assert older.status is ConnectionStatus.CONNECTED
    assert "GET /api.xro/2.0/Organisation" not in xero.request_counts()
    xero.rename_organisation("Demo Bakery & Café Ltd")
    again = service.connections.connect_source(
        "xero", "Sandbox Xero", connection_id=conn.id, account_id=DEMO_TENANT_ID
    )
    assert again.settings["organisation"]["name"] == "Demo Bakery & Café Ltd"
    assert again.account_name == "Demo Bakery & Café Ltd"


def test_xero_results_name_each_contact_with_its_contact_id(sandbox: ServiceHandle) -> None:
    service, xero = sandbox.service, sandbox.emulators["xero"]
    profile = service.profiles.named(XERO_PROFILE_NAME)
    summary = service.runs.sync(profile.id)
    by_id = {c["ContactID"]: c for c in xero.contacts()}
    rows = service.runs.results(summary.run_id)
    assert rows
    for r in rows:
        contact = by_id[r.source_id]  # the Xero ContactID, whole
        assert r.name  # never blank: the name the results and error report show
        assert r.name in (
            f"{contact.get('FirstName', '')} {contact.get('LastName', '')}".strip(),
            contact.get("Name", ""),
        )
