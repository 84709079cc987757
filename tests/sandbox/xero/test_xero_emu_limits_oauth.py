"""The Xero emulator's limits, faults, identity server and /connections."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app.sandbox.xero import DEMO_TENANT_ID, DEMO_TENANT_NAME, SECOND_TENANT_ID, XeroEmulator
from app.sandbox.xero.where import parse_where
from app.sync.sandbox_browser import approve_in_sandbox
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.xero.xero_support import XeroApi


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock):
    emu = XeroEmulator(tmp_path / "limited.sqlite3", clock=clock, per_minute=3, per_day=5)
    with emu, requests.Session() as session:
        yield XeroApi(emu, session)


def test_minute_limit(limited: XeroApi, clock: FakeClock) -> None:
    first = limited.get("/Contacts")
    assert first.headers["X-MinLimit-Remaining"] == "2"
    assert first.headers["X-DayLimit-Remaining"] == "4"
    assert "X-AppMinLimit-Remaining" in first.headers
    clock.advance(seconds=10)
    limited.get("/Contacts")
    limited.get("/Contacts")
    refused = limited.get("/Contacts")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert refused.headers["Retry-After"] == "50"
    clock.advance(seconds=50)
    assert limited.get("/Contacts").status_code == 200


def test_day_limit(limited: XeroApi, clock: FakeClock) -> None:
    for _ in range(5):
        assert limited.get("/Contacts").status_code == 200
        clock.advance(minutes=1)
    refused = limited.get("/Contacts")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "day"
    assert int(refused.headers["Retry-After"]) == 86_400 - 5 * 60
    clock.advance(hours=24)
    limited.token = limited.emulator.issue_token()["access_token"]  # the old one expired
    assert limited.get("/Contacts").status_code == 200


def test_limits_are_per_tenant(limited: XeroApi) -> None:
    for _ in range(3):
        limited.get("/Contacts")
    assert limited.get("/Contacts").status_code == 429
    other = limited.get("/Contacts", headers={"xero-tenant-id": SECOND_TENANT_ID})
    assert other.status_code == 200


def test_forced_faults_and_counts(api: XeroApi, xero: XeroEmulator) -> None:
    xero.faults.force("GET /api.xro/2.0/Contacts", "429")
    xero.faults.force("GET /api.xro/2.0/Contacts", "429-day")
    xero.faults.force("* /api.xro/2.0/ContactGroups", "503")
    minute = api.get("/Contacts")
    assert minute.status_code == 429 and minute.headers["X-Rate-Limit-Problem"] == "minute"
    day = api.get("/Contacts")
    assert day.status_code == 429 and day.headers["X-Rate-Limit-Problem"] == "day"
    assert api.get("/ContactGroups").status_code == 503
    assert api.get("/Contacts").status_code == 200
    xero.faults.force("GET /api.xro/2.0/Contacts", "reset")
    with pytest.raises(requests.ConnectionError):
        api.get("/Contacts")
    counts = xero.request_counts()
    assert counts["GET /api.xro/2.0/Contacts"] == 4
    assert counts["GET /api.xro/2.0/ContactGroups"] == 1
    with pytest.raises(ValueError):
        xero.faults.force("*", "teapot")


def test_admin_endpoints(api: XeroApi, xero: XeroEmulator) -> None:
    base = xero.base_url + "/__emulator"
    assert requests.post(
        base + "/faults", json={"force": [{"pattern": "GET *", "kind": "500"}]}, timeout=5
    ).ok
    assert api.get("/Contacts").status_code == 500
    assert requests.get(base + "/counts", timeout=5).json()["GET /api.xro/2.0/Contacts"] == 1
    token = requests.post(base + "/token", json={}, timeout=5).json()["access_token"]
    assert api.get("/Contacts", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _pkce() -> tuple[str, str]:
    verifier = "v" * 64
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize(xero: XeroEmulator, session: requests.Session, **extra: str) -> str:
    _, challenge = _pkce()
    params = {
        "client_id": "app",
        "redirect_uri": "http://127.0.0.1:1/callback",
        "response_type": "code",
        "scope": "offline_access accounting.contacts",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = session.get(xero.identity_url + "/authorize", params=params, timeout=5)
    assert page.status_code == 200 and DEMO_TENANT_NAME in page.text
    answer = session.post(
        xero.identity_url + "/authorize",
        data={**params, "approve": "1", **extra},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def _token(xero: XeroEmulator, session: requests.Session, **form: str) -> requests.Response:
    return session.post(xero.identity_url + "/token", data={"client_id": "app", **form}, timeout=5)


def test_pkce_code_flow_and_refresh_rotation(xero: XeroEmulator, clock: FakeClock) -> None:
    verifier, _ = _pkce()
    with requests.Session() as session:
        code = _authorize(xero, session)
        redirect = "http://127.0.0.1:1/callback"
        wrong = _token(
            xero,
            session,
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect,
            code_verifier="x" * 64,
        )
        assert wrong.json() == {"error": "invalid_grant"}  # and the code is spent
        code = _authorize(xero, session)
        token = _token(
            xero,
            session,
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect,
            code_verifier=verifier,
        ).json()
        assert token["expires_in"] == 1800 and token["refresh_token"]
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        tenants = session.get(xero.connections_url, headers=auth, timeout=5).json()
        assert [t["tenantId"] for t in tenants] == [DEMO_TENANT_ID, SECOND_TENANT_ID]
        assert tenants[0]["tenantType"] == "ORGANISATION"
        clock.advance(minutes=31)
        assert session.get(xero.connections_url, headers=auth, timeout=5).status_code == 401
        fresh = _token(
            xero, session, grant_type="refresh_token", refresh_token=token["refresh_token"]
        )
        assert fresh.status_code == 200
        assert fresh.json()["refresh_token"] != token["refresh_token"]
        reused = _token(
            xero, session, grant_type="refresh_token", refresh_token=token["refresh_token"]
        )
        assert reused.json() == {"error": "invalid_grant"}
        clock.advance(days=61)
        stale = _token(
            xero, session, grant_type="refresh_token", refresh_token=fresh.json()["refresh_token"]
        )
        assert stale.status_code == 400


def test_consent_can_pick_one_organisation(xero: XeroEmulator) -> None:
    verifier, _ = _pkce()
    with requests.Session() as session:
        code = _authorize(xero, session, **{f"tenant_{SECOND_TENANT_ID}": "1"})
        token = _token(
            xero,
            session,
            grant_type="authorization_code",
            code=code,
            redirect_uri="http://127.0.0.1:1/callback",
            code_verifier=verifier,
        ).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        tenants = session.get(xero.connections_url, headers=auth, timeout=5).json()
        assert [t["tenantId"] for t in tenants] == [SECOND_TENANT_ID]
        deleted = session.delete(
            f"{xero.connections_url}/{tenants[0]['id']}", headers=auth, timeout=5
        )
        assert deleted.status_code == 204
        assert session.get(xero.connections_url, headers=auth, timeout=5).json() == []


def test_sandbox_browser_approves_the_consent_page(xero: XeroEmulator) -> None:
    """``approve_in_sandbox`` reads the form and follows the redirect to the app."""
    from app.connectors.oauth import LoopbackReceiver

    with LoopbackReceiver("st") as receiver:
        url = (
            f"{xero.identity_url}/authorize?client_id=app&response_type=code&state=st"
            f"&scope=offline_access+accounting.contacts&redirect_uri={receiver.redirect_uri}"
        )
        approve_in_sandbox(url)
        params = receiver.wait(5)
    assert params["code"] and params["state"] == "st"


def test_where_parser_rejects_what_it_does_not_know() -> None:
    for text in ('Name=="unterminated', "Name ~ 1", "IsCustomer==", 'Name.Matches("x")', "Name==$"):
        with pytest.raises(Exception):  # noqa: B017 - XeroError carries the 400 reply
            parse_where(text)
