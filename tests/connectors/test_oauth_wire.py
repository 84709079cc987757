"""OAuth on requests-oauthlib: plain HTTP to loopback only, safe PKCE verifiers, one refresher
at a time with rotating refresh tokens, new tokens saved before use, messages in the service's
name. Against the Constant Contact emulator on loopback HTTP.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests

from app.connectors.constant_contact import ConstantContactClient
from app.connectors.endpoints import ServiceUrls
from app.connectors.http import RateLimiter, build_session
from app.connectors.oauth import (
    TokenManager,
    authorize_with_pkce,
    make_pkce,
    start_device_flow,
)
from app.connectors.oauth_session import check_transport
from app.core.errors import AuthError, ConfigError, NeedsReconnect, NetworkError

CLIENT_ID = "contactbridge-tests"  # as in conftest
CONNECTION_ID = 1
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")
INSECURE_FLAG = "OAUTHLIB_INSECURE_TRANSPORT"


class RecordingSessions:
    """A session factory that records every token request's form and headers."""

    def __init__(self) -> None:
        self.forms: list[dict[str, str]] = []
        self.headers: list[Mapping[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self) -> requests.Session:
        session = build_session()
        session.hooks["response"].append(self._record)
        return session

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        request = response.request
        body = request.body or ""
        text = body.decode() if isinstance(body, bytes) else body
        with self._lock:
            self.forms.append(dict(parse_qsl(text)))
            self.headers.append(dict(request.headers))


# -- plain HTTP to this computer only ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://authz.constantcontact.com/oauth2/default/v1/token",
        "http://127.0.0.1:8080/oauth/token",
        "http://127.5.6.7/token",
        "http://localhost:9/token",
        "http://[::1]:9/token",
    ],
)
def test_https_and_loopback_http_are_allowed(url: str) -> None:
    check_transport(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://authz.constantcontact.com/oauth2/default/v1/token",
        "http://192.168.1.10/token",
        "http://127.0.0.1.example.com/token",
        "ftp://127.0.0.1/token",
    ],
)
def test_plain_http_elsewhere_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="only over HTTPS"):
        check_transport(url, "Xero")


def test_a_refresh_over_plain_http_to_another_host_sends_nothing(token_store, wall_clock) -> None:
    token_store.save_token(3, {"access_token": "a", "refresh_token": "r", "expires_at": 0})
    sessions = RecordingSessions()
    manager = TokenManager(
        3, token_store, CLIENT_ID, "http://auth.example.com/token", sessions, wall_clock
    )
    with pytest.raises(ConfigError):
        manager.access_token()
    assert sessions.forms == []
    assert token_store.load_token(3)["refresh_token"] == "r"  # not spent


def test_a_sign_in_over_plain_http_to_another_host_never_opens_the_browser() -> None:
    opened: list[str] = []
    insecure = ServiceUrls("https://api.example.com/v3", "http://auth.example.com/oauth2")
    with pytest.raises(ConfigError):
        authorize_with_pkce(insecure, CLIENT_ID, opened.append, timeout=1)
    with pytest.raises(ConfigError):
        start_device_flow(insecure, CLIENT_ID)
    assert opened == []


def test_signing_in_to_the_loopback_emulator_never_loosens_oauthlib(
    urls, token_store, wall_clock, auto_approver
) -> None:
    assert INSECURE_FLAG not in os.environ
    token = authorize_with_pkce(urls, CLIENT_ID, auto_approver(), timeout=10, clock=wall_clock)
    token_store.save_token(CONNECTION_ID, dict(token, expires_at=wall_clock.now - 1))
    manager = TokenManager(CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, clock=wall_clock)
    assert manager.access_token() != token["access_token"]  # refreshed over loopback HTTP
    assert INSECURE_FLAG not in os.environ


# -- PKCE -------------------------------------------------------------------------------------


def test_pkce_verifiers_use_base64url_characters_only() -> None:
    # Salesforce refuses a verifier with "~" (RFC 7636 allows it; oauthlib's may contain it).
    for _ in range(50):
        verifier = make_pkce().verifier
        assert BASE64URL.match(verifier) and 43 <= len(verifier) <= 128


def test_the_code_exchange_is_a_public_client_with_pkce(urls, wall_clock, auto_approver) -> None:
    sessions = RecordingSessions()
    opened: list[str] = []
    authorize_with_pkce(
        urls, CLIENT_ID, auto_approver(opened), timeout=10, clock=wall_clock,
        session_factory=sessions,
    )  # fmt: skip
    ((form,),) = [sessions.forms]
    assert form["grant_type"] == "authorization_code"
    assert form["client_id"] == CLIENT_ID
    assert BASE64URL.match(form["code_verifier"]) and len(form["code_verifier"]) >= 43
    assert "client_secret" not in form
    assert "Authorization" not in sessions.headers[0]  # no Basic with an empty secret
    assert dict(parse_qsl(opened[0].split("?", 1)[1]))["code_challenge_method"] == "S256"


# -- refreshing: one refresher at a time, rotating tokens, saved before use -------------------


def test_two_threads_rejected_at_once_refresh_once(connect, urls, token_store, wall_clock) -> None:
    """Both calls meet a 401; one refresh serves both, and the spent refresh token is dead."""
    first = connect()
    token_store.save_token(CONNECTION_ID, dict(first, access_token="revoked-access-token"))
    sessions = RecordingSessions()
    start = threading.Barrier(2)
    answers: list[Any] = []

    def call() -> None:
        manager = TokenManager(
            CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, sessions, wall_clock
        )
        limiter = RateLimiter(max_calls=100_000)
        with ConstantContactClient(urls, manager, limiter=limiter) as client:
            start.wait()
            try:
                answers.append(client.get_account_summary())
            except Exception as exc:
                answers.append(exc)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert [type(a) for a in answers] == [dict, dict]
    assert [f["grant_type"] for f in sessions.forms] == ["refresh_token"]
    saved = token_store.load_token(CONNECTION_ID)
    assert saved["refresh_token"] != first["refresh_token"]
    # Single use: the refresh token spent by that one refresh is refused from now on.
    token_store.save_token(CONNECTION_ID, dict(first, expires_at=wall_clock.now - 1))
    stale = TokenManager(CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, clock=wall_clock)
    with pytest.raises(NeedsReconnect):
        stale.access_token()


class FailingStore:
    """A token store whose saving fails (a locked keyring)."""

    def __init__(self, token: dict[str, Any]) -> None:
        self.token = token

    def load_token(self, connection_id: int) -> dict[str, Any] | None:
        return dict(self.token)

    def save_token(self, connection_id: int, token: Mapping[str, Any]) -> None:
        raise OSError("the keyring is locked")


def test_a_new_token_that_cannot_be_saved_is_never_used(connect, urls, wall_clock) -> None:
    first = connect()
    store = FailingStore(dict(first, expires_at=wall_clock.now - 1))
    manager = TokenManager(9, store, CLIENT_ID, urls.token_url, clock=wall_clock)
    with pytest.raises(OSError):
        manager.access_token()


# -- messages in the service's name -----------------------------------------------------------


def test_token_messages_name_the_service(urls, token_store, wall_clock, emulator) -> None:
    missing = TokenManager(21, token_store, CLIENT_ID, urls.token_url, service="Xero")
    with pytest.raises(NeedsReconnect, match=r"^Xero is not connected yet"):
        missing.access_token()

    token_store.save_token(22, {"access_token": "a", "refresh_token": "unknown", "expires_at": 0})
    refused = TokenManager(22, token_store, CLIENT_ID, urls.token_url, service="Xero")
    with pytest.raises(NeedsReconnect, match=r"^Xero needs you to connect again"):
        refused.access_token()

    token_store.save_token(23, {"access_token": "a", "refresh_token": "r", "expires_at": 0})
    dead = TokenManager(23, token_store, CLIENT_ID, "http://127.0.0.1:9/token", service="Xero")
    with pytest.raises(NetworkError, match=r"^Could not reach Xero's sign-in service"):
        dead.access_token()


def test_a_denied_sign_in_names_the_service(urls) -> None:
    def denying_browser(url: str) -> None:
        query = dict(parse_qsl(url.split("?", 1)[1]))
        params = {"error": "access_denied", "state": query["state"]}
        requests.get(query["redirect_uri"], params=params, timeout=5).close()

    with pytest.raises(AuthError, match=r"^The connection to Xero was not approved"):
        authorize_with_pkce(urls, CLIENT_ID, denying_browser, timeout=5, service="Xero")
