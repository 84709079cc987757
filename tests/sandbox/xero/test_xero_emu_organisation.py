"""The Xero emulator's GET /Organisation (scope, tenant, shape) and /Connections (its path)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import requests

from app.sandbox.xero import (
    DEMO_SHORT_CODE,
    DEMO_TENANT_ID,
    DEMO_TENANT_NAME,
    SECOND_TENANT_ID,
    SECOND_TENANT_NAME,
    XeroEmulator,
    serve_forever,
)
from tests.sandbox.serving import serve_forever_lines
from tests.sandbox.xero.xero_support import XeroApi

CONTACTS_ONLY = "offline_access accounting.contacts"


def _as(api: XeroApi, scope: str) -> XeroApi:
    """The same caller with a token granted only ``scope``."""
    api.token = api.emulator.issue_token(scope=scope)["access_token"]
    return api


def test_organisation_of_each_tenant(api: XeroApi, xero: XeroEmulator) -> None:
    reply = api.get("/Organisation")
    assert reply.status_code == 200
    body = reply.json()
    assert body["Status"] == "OK" and body["DateTimeUTC"].startswith("/Date(")
    (org,) = body["Organisations"]
    assert org["Name"] == DEMO_TENANT_NAME
    assert org["CountryCode"] == "NZ" and org["Version"] == "NZ" and org["BaseCurrency"] == "NZD"
    assert org["ShortCode"] == DEMO_SHORT_CODE
    assert org["OrganisationID"] == DEMO_TENANT_ID
    assert org["OrganisationStatus"] == "ACTIVE"
    assert "APIKey" not in org  # a key for Xero-to-Xero invoices: nothing a sandbox hands out

    second = api.get("/Organisation", headers={"xero-tenant-id": SECOND_TENANT_ID}).json()
    (other,) = second["Organisations"]
    assert (other["Name"], other["CountryCode"], other["BaseCurrency"]) == (
        SECOND_TENANT_NAME,
        "AU",
        "AUD",
    )
    assert other["ShortCode"] != org["ShortCode"]


def test_renamed_organisation_answers_with_its_new_name(api: XeroApi, xero: XeroEmulator) -> None:
    xero.rename_organisation("Demo Bakery & Café Ltd")
    assert api.get("/Organisation").json()["Organisations"][0]["Name"] == "Demo Bakery & Café Ltd"


@pytest.mark.parametrize("scope", ["accounting.settings", "accounting.settings.read"])
def test_either_settings_scope_reads_the_organisation(api: XeroApi, scope: str) -> None:
    assert _as(api, f"offline_access {scope}").get("/Organisation").status_code == 200


def test_without_a_settings_scope_xero_says_401_authorization_unsuccessful(api: XeroApi) -> None:
    refused = _as(api, CONTACTS_ONLY).get("/Organisation")
    assert refused.status_code == 401
    body = refused.json()
    assert (body["Title"], body["Status"], body["Detail"]) == (
        "Unauthorized",
        401,
        "AuthorizationUnsuccessful",
    )
    assert api.get("/Contacts").status_code == 200  # the same token still reads contacts


def test_a_settings_scope_does_not_open_contacts(api: XeroApi) -> None:
    api = _as(api, "accounting.settings.read")
    assert api.get("/Organisation").status_code == 200
    assert api.get("/Contacts").status_code == 401
    assert api.put("/Contacts", json={"Contacts": [{"Name": "Nope"}]}).status_code == 401


def test_organisation_needs_a_connected_tenant_and_a_good_token(
    api: XeroApi, xero: XeroEmulator
) -> None:
    missing = api.get("/Organisation", headers={"xero-tenant-id": None})
    assert missing.status_code == 403
    assert missing.json()["Detail"] == "AuthenticationUnsuccessful"
    only_second = xero.issue_token(tenant_ids=[SECOND_TENANT_ID])["access_token"]
    foreign = api.get("/Organisation", headers={"Authorization": f"Bearer {only_second}"})
    assert foreign.status_code == 403
    bad = api.get("/Organisation", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["Detail"] == "AuthenticationUnsuccessful"


def test_connections_at_the_identity_specs_path(xero: XeroEmulator) -> None:
    """xero-identity.yaml (and xero-python) say /Connections; Xero's guides say /connections."""
    token = xero.issue_token()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert xero.connections_url == f"{xero.base_url}/Connections"
    with requests.Session() as session:
        upper = session.get(f"{xero.base_url}/Connections", headers=auth, timeout=5)
        lower = session.get(f"{xero.base_url}/connections", headers=auth, timeout=5)
        assert upper.status_code == lower.status_code == 200
        assert [c["tenantId"] for c in upper.json()] == [DEMO_TENANT_ID, SECOND_TENANT_ID]
        assert lower.json() == upper.json()
        event = upper.json()[0]["authEventId"]
        same = session.get(xero.connections_url, params={"authEventId": event}, headers=auth)
        assert len(same.json()) == 2
        other = session.get(
            xero.connections_url,
            params={"authEventId": "00000000-0000-0000-0000-000000000000"},
            headers=auth,
        )
        assert other.json() == []
        gone = session.delete(f"{xero.connections_url}/{upper.json()[1]['id']}", headers=auth)
        assert gone.status_code == 204
        left = session.get(xero.connections_url, headers=auth, timeout=5).json()
        assert [c["tenantId"] for c in left] == [DEMO_TENANT_ID]
    counts = xero.request_counts()
    assert counts["GET /Connections"] == 5 and counts["DELETE /Connections/{id}"] == 1
    assert not any(key.endswith("/connections") for key in counts)


def test_an_older_state_file_gets_its_organisations_countries(tmp_path: Path) -> None:
    """A sandbox saved before organisations had a country keeps its data and gains one."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE tenants (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT UNIQUE"
            " NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL)"
        )
        conn.execute(
            "INSERT INTO tenants (tenant_id, name, created_ms) VALUES (?, 'Renamed Bakery', 0)",
            (DEMO_TENANT_ID,),
        )
    conn.close()
    emu = XeroEmulator(path, enforce_limits=False).start()
    try:
        with requests.Session() as session:
            (org,) = XeroApi(emu, session).get("/Organisation").json()["Organisations"]
    finally:
        emu.stop()
    assert (org["Name"], org["CountryCode"], org["ShortCode"]) == (
        "Renamed Bakery",
        "NZ",
        DEMO_SHORT_CODE,
    )


def test_serve_forever_says_where_with_a_working_curl_line(tmp_path: Path) -> None:
    with serve_forever_lines(serve_forever, tmp_path / "served.sqlite3", 5) as said:
        assert said[0].split()[-1].endswith("/api.xro/2.0")
        assert DEMO_TENANT_NAME in said[3]
        token = re.search(r"Bearer (\S+)\"", said[4]).group(1)  # type: ignore[union-attr]
        answer = requests.get(
            said[4].split()[-1],
            headers={"Authorization": f"Bearer {token}", "xero-tenant-id": DEMO_TENANT_ID},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["Contacts"] == []
