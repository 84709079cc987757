"""Signing in (PKCE, device flow) and refreshing tokens, against the emulator."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from app.connectors.constant_contact import ConstantContactClient
from app.connectors.endpoints import ServiceUrls
from app.connectors.http import RateLimiter, build_session
from app.connectors.oauth import (
    RECONNECT_MESSAGE,
    DeviceCode,
    LoopbackReceiver,
    TokenManager,
    authorize_pkce,
    authorize_with_pkce,
    make_pkce,
    poll_device_flow,
    start_device_flow,
)
from app.core.errors import AuthError, Cancelled, NeedsReconnect

CLIENT_ID = "contactbridge-tests"  # as in conftest
CONNECTION_ID = 1
NOWHERE = ServiceUrls("http://127.0.0.1:9/v3", "http://127.0.0.1:9/oauth2/default/v1")


class CountingSessions:
    """A session factory that counts token requests and can slow them down."""

    def __init__(self, delay: float = 0.0) -> None:
        self.posts = 0
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self) -> requests.Session:
        session = build_session()
        plain_post = session.post

        def post(*args, **kwargs):
            with self._lock:
                self.posts += 1
            time.sleep(self.delay)
            return plain_post(*args, **kwargs)

        session.post = post  # type: ignore[method-assign]
        return session


def test_pkce_challenge_is_s256_of_the_verifier():
    import base64
    import hashlib

    pkce = make_pkce()
    assert 43 <= len(pkce.verifier) <= 128
    digest = hashlib.sha256(pkce.verifier.encode()).digest()
    assert pkce.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_pkce_flow_end_to_end(emulator, urls, token_store, wall_clock, auto_approver):
    opened: list[str] = []
    token = authorize_with_pkce(
        urls, CLIENT_ID, auto_approver(opened), timeout=10, clock=wall_clock
    )

    query = dict(parse_qsl(urlsplit(opened[0]).query))
    assert query["client_id"] == CLIENT_ID
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert "offline_access" in query["scope"].split()
    redirect = urlsplit(query["redirect_uri"])
    assert redirect.hostname == "127.0.0.1" and redirect.path == "/callback"
    assert redirect.port and redirect.port > 0

    assert token["access_token"] and token["refresh_token"]
    assert token["expires_at"] == pytest.approx(wall_clock.now + float(token["expires_in"]))

    manager = TokenManager(CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, clock=wall_clock)
    manager.save_new_token(token)
    with ConstantContactClient(urls, manager, limiter=RateLimiter(max_calls=100_000)) as client:
        assert isinstance(client.get_account_summary(), dict)


def test_pkce_wait_can_be_cancelled():
    with pytest.raises(Cancelled):
        authorize_with_pkce(NOWHERE, CLIENT_ID, lambda url: None, is_cancelled=lambda: True)


def test_pkce_wait_times_out():
    started = time.monotonic()
    with pytest.raises(AuthError, match="took too long"):
        authorize_with_pkce(NOWHERE, CLIENT_ID, lambda url: None, timeout=0.2)
    assert time.monotonic() - started < 2


def test_pkce_rejects_a_redirect_with_the_wrong_state():
    def forged_browser(url: str) -> None:
        redirect_uri = dict(parse_qsl(urlsplit(url).query))["redirect_uri"]
        requests.get(redirect_uri, params={"code": "abc", "state": "forged"}, timeout=5).close()

    with pytest.raises(AuthError, match="did not match"):
        authorize_with_pkce(NOWHERE, CLIENT_ID, forged_browser, timeout=5)


def test_loopback_receiver_answers_other_paths_with_404():
    with LoopbackReceiver("s") as receiver:
        base = receiver.redirect_uri.rsplit("/", 1)[0]
        assert requests.get(base + "/favicon.ico", timeout=5).status_code == 404


def test_access_denied_is_reported_plainly():
    def denying_browser(url: str) -> None:
        query = dict(parse_qsl(urlsplit(url).query))
        params = {"error": "access_denied", "state": query["state"]}
        requests.get(query["redirect_uri"], params=params, timeout=5).close()

    with pytest.raises(AuthError, match="not approved"):
        authorize_with_pkce(NOWHERE, CLIENT_ID, denying_browser, timeout=5)


def test_refreshes_only_when_expiring(connect, urls, token_store, wall_clock):
    first = connect()
    sessions = CountingSessions()
    manager = TokenManager(
        CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, sessions, wall_clock
    )
    for _ in range(3):
        assert manager.access_token() == first["access_token"]
    remaining = first["expires_at"] - wall_clock.now
    wall_clock.advance(remaining - 301)  # 301 s left: still fresh
    assert manager.access_token() == first["access_token"]
    assert sessions.posts == 0

    wall_clock.advance(2)  # 299 s left: inside the 5-minute margin
    new_access = manager.access_token()
    assert sessions.posts == 1
    assert new_access != first["access_token"]
    saved = token_store.load_token(CONNECTION_ID)
    assert saved["access_token"] == new_access
    assert saved["refresh_token"] and saved["refresh_token"] != first["refresh_token"]
    assert saved["expires_at"] > wall_clock.now + 300
    assert manager.access_token() == new_access
    assert sessions.posts == 1


def test_concurrent_callers_refresh_once(connect, urls, token_store, wall_clock):
    first = connect()
    wall_clock.advance(first["expires_at"] - wall_clock.now + 1)  # expired
    sessions = CountingSessions(delay=0.2)  # widen the race window
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def call() -> None:
        manager = TokenManager(
            CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, sessions, wall_clock
        )
        barrier.wait()
        try:
            results.append(manager.access_token())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert sessions.posts == 1
    assert len(results) == 2 and results[0] == results[1] != first["access_token"]


def test_reused_refresh_token_needs_reconnect(connect, urls, token_store, wall_clock):
    first = connect()
    flagged: list[int] = []
    manager = TokenManager(
        CONNECTION_ID,
        token_store,
        CLIENT_ID,
        urls.token_url,
        clock=wall_clock,
        on_needs_reconnect=flagged.append,
    )
    wall_clock.advance(first["expires_at"] - wall_clock.now + 1)
    manager.access_token()  # rotates: the first refresh token is now spent
    token_store.save_token(CONNECTION_ID, first)  # as if a stale copy came back

    with pytest.raises(NeedsReconnect) as info:
        manager.access_token()
    assert str(info.value) == RECONNECT_MESSAGE
    assert flagged == [CONNECTION_ID]
    text = f"{info.value} {info.value.details} {info.value!r}"
    assert first["refresh_token"] not in text and first["access_token"] not in text


def test_missing_token_needs_reconnect(token_store):
    flagged: list[int] = []
    manager = TokenManager(
        5, token_store, CLIENT_ID, NOWHERE.token_url, on_needs_reconnect=flagged.append
    )
    with pytest.raises(NeedsReconnect):
        manager.access_token()
    assert flagged == [5]


def test_rejected_token_is_refreshed_once_and_the_call_retried(
    connect, urls, token_store, wall_clock
):
    token = connect()
    token_store.save_token(CONNECTION_ID, dict(token, access_token="revoked-access-token"))
    sessions = CountingSessions()
    manager = TokenManager(
        CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, sessions, wall_clock
    )
    with ConstantContactClient(urls, manager, limiter=RateLimiter(max_calls=100_000)) as client:
        assert isinstance(client.get_account_summary(), dict)
        assert client.stats.by_endpoint == {"GET /v3/account/summary": 2}
    assert sessions.posts == 1


def test_still_rejected_after_refresh_is_an_auth_error(connect, urls, token_store, wall_clock):
    connect()

    class StuckTokens:
        client_id = CLIENT_ID

        def access_token(self) -> str:
            return "bad-token-value"

        def refresh_after_rejection(self, rejected: str) -> str:
            return "still-bad-token-value"

    with (
        ConstantContactClient(
            urls, StuckTokens(), limiter=RateLimiter(max_calls=100_000)
        ) as client,
        pytest.raises(AuthError) as info,
    ):
        client.get_account_summary()
    text = f"{info.value} {info.value.details}"
    assert "bad-token-value" not in text


def test_device_flow(emulator, urls, wall_clock):
    device = start_device_flow(urls, CLIENT_ID)
    assert device.user_code and device.verification_uri and device.interval > 0
    assert device.device_code not in repr(device)
    waits: list[float] = []

    def should_stop(seconds: float) -> bool:
        waits.append(seconds)
        if len(waits) == 2:  # the first poll found it pending; now the user approves
            approve_device(emulator, device)
        return False

    token = poll_device_flow(urls, CLIENT_ID, device, should_stop=should_stop, clock=wall_clock)
    assert token["access_token"] and token["refresh_token"]
    assert waits[0] == device.interval
    assert len(waits) >= 2


def test_device_flow_can_be_cancelled(emulator, urls):
    device = start_device_flow(urls, CLIENT_ID)
    with pytest.raises(Cancelled):
        poll_device_flow(urls, CLIENT_ID, device, should_stop=lambda s: True)


def approve_device(emulator, device) -> None:
    """Play the user who opens the verification page and approves."""
    url = device.verification_uri_complete or device.verification_uri
    with requests.Session() as browser:
        page = browser.get(url, params={"user_code": device.user_code}, timeout=5)
        assert page.status_code == 200, page.text
        endpoint = url.split("?", 1)[0]
        answer = browser.post(
            endpoint,
            data={"user_code": device.user_code, "approve": "1"},
            allow_redirects=False,
            timeout=5,
        )
        assert answer.status_code < 400, answer.text


def test_device_flow_denied(emulator, urls):
    device = start_device_flow(urls, CLIENT_ID)

    def deny_then_wait(seconds: float) -> bool:
        with requests.Session() as browser:
            browser.post(
                device.verification_uri, data={"user_code": device.user_code}, timeout=5
            ).close()
        return False

    with pytest.raises(AuthError, match="not approved"):
        poll_device_flow(urls, CLIENT_ID, device, should_stop=deny_then_wait)


class _Answer:
    def __init__(self, status: int, body: str) -> None:
        self.status_code = status
        self.text = body

    def close(self) -> None:
        pass


class ScriptedTokenEndpoint:
    """A stand-in session for the one answer the emulator never gives: ``slow_down``."""

    def __init__(self, answers: list[tuple[int, str]]) -> None:
        self.answers = answers
        self.forms: list[dict] = []

    def __call__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def post(self, url, data, timeout):
        self.forms.append(data)
        return _Answer(*self.answers.pop(0))


def test_device_flow_slows_down_when_asked():
    endpoint = ScriptedTokenEndpoint(
        [
            (400, '{"error":"authorization_pending"}'),
            (400, '{"error":"slow_down"}'),
            (400, '{"error":"authorization_pending"}'),
            (200, '{"access_token":"a","refresh_token":"r","expires_in":86400}'),
        ]
    )
    device = DeviceCode("ABCD-EFGH", "http://x/device", "", 5, 600, "device-secret")
    waits: list[float] = []
    token = poll_device_flow(
        NOWHERE,
        CLIENT_ID,
        device,
        should_stop=lambda s: bool(waits.append(s)),
        session_factory=endpoint,
        clock=lambda: 1000.0,
    )
    assert waits == [5, 5, 10, 10]
    assert token["expires_at"] == 1000.0 + 86400
    assert endpoint.forms[0] == {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": "device-secret",
        "client_id": CLIENT_ID,
    }


def test_authorize_pkce_takes_the_auth_url_and_a_cancel_wait(emulator, auto_approver):
    token = authorize_pkce(
        auth_url=emulator.auth_url,
        client_id=CLIENT_ID,
        open_browser=auto_approver(),
        should_stop=lambda seconds: False,
    )
    assert token["access_token"] and "expires_at" in token
    with pytest.raises(Cancelled):
        authorize_pkce(
            auth_url=emulator.auth_url,
            client_id=CLIENT_ID,
            open_browser=lambda url: None,
            should_stop=lambda seconds: True,
        )
