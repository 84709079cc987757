"""The emulator's authorization server: PKCE codes, rotating refresh tokens, device flow."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html import unescape
from urllib.parse import parse_qs, urlsplit

import requests

from app.sandbox.constant_contact import ConstantContactEmulator
from tests.sandbox.fake_clock import FakeClock

REDIRECT = "http://127.0.0.1:8765/callback"
UNAUTHORIZED = {"error_key": "unauthorized", "error_message": "Unauthorized"}


def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _authorize(
    emu: ConstantContactEmulator,
    session: requests.Session,
    verifier: str,
    scope: str = "contact_data offline_access",
) -> str:
    """Walk the consent page like a browser and return the code from the redirect."""
    params = {
        "client_id": "desktop-app",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": scope,
        "state": "xyz",
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    page = session.get(emu.auth_url + "/authorize", params=params, timeout=10)
    assert page.status_code == 200
    assert "ContactBridge Sandbox wants to access your Constant Contact account" in page.text
    form = dict(re.findall(r"name='([^']+)' value='([^']*)'", page.text))
    form = {k: unescape(v) for k, v in form.items() if k != "approve"}
    form["approve"] = "1"
    answer = session.post(emu.auth_url + "/authorize", data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def _exchange(
    emu: ConstantContactEmulator, session: requests.Session, code: str, verifier: str
) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "desktop-app",
        "code_verifier": verifier,
    }
    return session.post(emu.auth_url + "/token", data=data, timeout=10)


def _refresh(
    emu: ConstantContactEmulator, session: requests.Session, token: str
) -> requests.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token, "client_id": "desktop-app"}
    return session.post(emu.auth_url + "/token", data=data, timeout=10)


def test_pkce_code_exchange_gives_tokens_that_work(
    emulator: ConstantContactEmulator, session: requests.Session
) -> None:
    verifier = secrets.token_urlsafe(48)
    response = _exchange(emulator, session, _authorize(emulator, session, verifier), verifier)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert body["refresh_token"]
    lists = session.get(
        emulator.api_url + "/contact_lists",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=10,
    )
    assert lists.status_code == 200


def test_bad_verifier_is_invalid_grant(
    emulator: ConstantContactEmulator, session: requests.Session
) -> None:
    code = _authorize(emulator, session, "right-verifier-" + "a" * 40)
    response = _exchange(emulator, session, code, "wrong-verifier-" + "b" * 40)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_is_single_use(emulator: ConstantContactEmulator, session: requests.Session) -> None:
    verifier = secrets.token_urlsafe(48)
    code = _authorize(emulator, session, verifier)
    assert _exchange(emulator, session, code, verifier).status_code == 200
    again = _exchange(emulator, session, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_code_expires_after_five_minutes(
    emulator: ConstantContactEmulator, session: requests.Session, clock: FakeClock
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = _authorize(emulator, session, verifier)
    clock.advance(minutes=5, seconds=1)
    assert _exchange(emulator, session, code, verifier).json()["error"] == "invalid_grant"


def test_denied_consent_redirects_with_error(
    emulator: ConstantContactEmulator, session: requests.Session
) -> None:
    data = {
        "client_id": "c",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "state": "s",
        "approve": "0",
    }
    answer = session.post(
        emulator.auth_url + "/authorize", data=data, allow_redirects=False, timeout=10
    )
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["access_denied"]


def test_registered_client_rejects_unknown_redirect(
    emulator: ConstantContactEmulator, session: requests.Session
) -> None:
    emulator.register_client("desktop-app", ["http://127.0.0.1:9999/cb"])
    params = {"client_id": "desktop-app", "redirect_uri": REDIRECT, "response_type": "code"}
    assert (
        session.get(emulator.auth_url + "/authorize", params=params, timeout=10).status_code == 400
    )


def test_refresh_rotates_and_old_token_is_invalid(
    emulator: ConstantContactEmulator, session: requests.Session
) -> None:
    verifier = secrets.token_urlsafe(48)
    first = _exchange(emulator, session, _authorize(emulator, session, verifier), verifier).json()
    second = _refresh(emulator, session, first["refresh_token"])
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    reused = _refresh(emulator, session, first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid or expired.",
    }
    third = _refresh(emulator, session, second.json()["refresh_token"])
    assert third.status_code == 200


def test_no_refresh_token_without_offline_access(
    emulator: ConstantContactEmulator, session: requests.Session
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = _authorize(emulator, session, verifier, scope="contact_data")
    body = _exchange(emulator, session, code, verifier).json()
    assert "refresh_token" not in body


def test_access_token_expires_after_24_hours(
    emulator: ConstantContactEmulator, session: requests.Session, clock: FakeClock
) -> None:
    token = emulator.issue_token()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(hours=23, minutes=59)
    assert (
        session.get(emulator.api_url + "/contacts", headers=headers, timeout=10).status_code == 200
    )
    clock.advance(minutes=2)
    response = session.get(emulator.api_url + "/contacts", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.content == b'{"error_key":"unauthorized","error_message":"Unauthorized"}'
    assert response.headers["WWW-Authenticate"] == "Bearer realm=api.cc.email"


def test_missing_token_is_401(emulator: ConstantContactEmulator, session: requests.Session) -> None:
    response = session.get(emulator.api_url + "/contacts", timeout=10)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_missing_scope_is_403(emulator: ConstantContactEmulator, session: requests.Session) -> None:
    token = emulator.issue_token(scope="contact_data")["access_token"]
    response = session.get(
        emulator.api_url + "/account/summary",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 403


def test_device_flow(emulator: ConstantContactEmulator, session: requests.Session) -> None:
    start = session.post(
        emulator.auth_url + "/device/authorize",
        data={"client_id": "tv", "scope": "contact_data offline_access"},
        timeout=10,
    ).json()
    assert {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    } <= set(start)
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": start["device_code"],
        "client_id": "tv",
    }
    pending = session.post(emulator.auth_url + "/token", data=poll, timeout=10)
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending"
    page = session.get(start["verification_uri_complete"], timeout=10)
    assert start["user_code"] in page.text
    approved = session.post(
        start["verification_uri"],
        data={"user_code": start["user_code"], "approve": "1"},
        timeout=10,
    )
    assert approved.status_code == 200
    tokens = session.post(emulator.auth_url + "/token", data=poll, timeout=10)
    assert tokens.status_code == 200
    assert tokens.json()["refresh_token"]
    assert (
        session.post(emulator.auth_url + "/token", data=poll, timeout=10).json()["error"]
        == "invalid_grant"
    )


def test_basic_auth_client_id_is_accepted(
    emulator: ConstantContactEmulator, session: requests.Session
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = _authorize(emulator, session, verifier)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    response = session.post(
        emulator.auth_url + "/token", data=data, auth=("desktop-app", "secret"), timeout=10
    )
    assert response.status_code == 200
