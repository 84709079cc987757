"""Signing in to Constant Contact: PKCE and device flows, and safe refreshing of tokens.

ContactBridge is a public desktop client: it has no client secret. It signs in with the
authorization code flow plus PKCE (a loopback redirect to ``127.0.0.1``) or, as an
alternative, with the device flow.

Refresh tokens rotate and are single-use: two refreshes at once, or a refresh whose result is
not saved, lock the user out (``invalid_grant``). :class:`TokenManager` therefore refreshes
only when the token is expired or about to expire, serializes refreshes per connection, re-reads
the stored token once it holds the lock, and saves the new token before anyone uses it.

The requests are simple form posts, written out here instead of going through
requests-oauthlib: its ``OAuth2Session`` is a ``requests.Session`` of its own (only
``http.py`` builds sessions) and oauthlib refuses plain-HTTP URLs, which the loopback
emulator uses, unless a process-wide environment variable is set.
"""

from __future__ import annotations

import base64
import hashlib
import html
import http.server
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from app.connectors.base import TokenStore
from app.connectors.endpoints import SCOPES, ServiceUrls
from app.connectors.http import DEFAULT_TIMEOUT, build_session, error_message
from app.core.errors import AuthError, Cancelled, NeedsReconnect, NetworkError

log = logging.getLogger(__name__)

REFRESH_MARGIN = 300.0  # seconds: refresh when the token expires within 5 minutes
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
RECONNECT_MESSAGE = (
    "Constant Contact needs you to connect again: the saved authorization has expired or "
    "was revoked."
)
NOT_CONNECTED_MESSAGE = "Constant Contact is not connected yet. Connect it to continue."

SessionFactory = Callable[[], requests.Session]


class TokenEndpointError(AuthError):
    """The token endpoint answered with an OAuth error (``error`` holds its code)."""

    def __init__(self, error: str, description: str = "", status: int = 0) -> None:
        super().__init__(
            "Constant Contact did not accept the sign-in.", details=f"{status} {error}"
        )
        self.error = error
        self.description = description
        self.status = status


def post_token_request(
    session: requests.Session,
    url: str,
    data: Mapping[str, str],
    *,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """POST a form to an OAuth endpoint; the JSON answer, or :class:`TokenEndpointError`.

    The token endpoint allows one request per second, so a 429 is retried once after a pause.
    Nothing of ``data`` (codes, refresh tokens) ever reaches a message.
    """
    for attempt in (1, 2):
        try:
            response = session.post(url, data=dict(data), timeout=timeout)
        except requests.Timeout:
            raise NetworkError(
                "Constant Contact's sign-in service did not answer in time. Try again."
            ) from None
        except requests.RequestException:
            raise NetworkError(
                "Could not reach Constant Contact's sign-in service. Check your internet "
                "connection."
            ) from None
        status, body = response.status_code, response.text
        response.close()
        if status == 429 and attempt == 1:
            sleep(1.0)
            continue
        if status < 300:
            try:
                return dict(_json(body))
            except ValueError:
                raise TokenEndpointError("invalid_response", "", status) from None
        error, description = error_message(body)
        raise TokenEndpointError(error or f"http_{status}", description, status)
    raise AssertionError("unreachable")  # pragma: no cover


def _json(body: str) -> Mapping[str, Any]:
    data = json.loads(body)
    if not isinstance(data, Mapping):
        raise ValueError("not an object")
    return data


def normalize_token(
    raw: Mapping[str, Any], now: float, previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The token as we store it: with ``expires_at`` (epoch seconds) computed from ``now``.

    Keeps the previous refresh token if the answer has none (long-lived refresh tokens).
    """
    token = dict(raw)
    if "expires_in" in token:
        token["expires_at"] = now + float(token["expires_in"])
    if not token.get("refresh_token") and previous and previous.get("refresh_token"):
        token["refresh_token"] = previous["refresh_token"]
    return token


# -- PKCE -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pkce:
    """A PKCE verifier and its S256 challenge."""

    verifier: str
    challenge: str


def make_pkce() -> Pkce:
    verifier = secrets.token_urlsafe(64)[:96]  # 43..128 chars of [A-Za-z0-9-_]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return Pkce(verifier, challenge)


def build_authorize_url(
    urls: ServiceUrls,
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str,
    scopes: tuple[str, ...] = SCOPES,
) -> str:
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": " ".join(scopes),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{urls.authorize_url}?{urlencode(query)}"


_DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>ContactBridge</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p></body></html>"
)


class _CallbackHandler(http.server.BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.callback_path:
            self.send_error(404)
            return
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if params.get("code") and params.get("state") == self.server.expected_state:
            title, text = "Connected", "You can close this tab and return to ContactBridge."
        else:
            title = "Not connected"
            text = "The sign-in did not complete. You can close this tab and try again."
        page = _DONE_PAGE.format(title=html.escape(title), text=html.escape(text))
        payload = page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.server.deliver(params)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr log: the request line carries the code."""


class _CallbackServer(http.server.HTTPServer):
    def __init__(self, expected_state: str, callback_path: str, port: int) -> None:
        super().__init__(("127.0.0.1", port), _CallbackHandler)
        self.expected_state = expected_state
        self.callback_path = callback_path
        self.result: dict[str, str] | None = None
        self.arrived = threading.Event()

    def deliver(self, params: dict[str, str]) -> None:
        if self.result is None:
            self.result = params
        self.arrived.set()


class LoopbackReceiver:
    """A one-shot HTTP listener on ``127.0.0.1`` that catches the redirect.

    ``port=0`` takes any free port; pass a fixed one if the app registration demands an
    exact redirect URI.
    """

    def __init__(self, state: str, callback_path: str = "/callback", port: int = 0) -> None:
        self._server = _CallbackServer(state, callback_path, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="oauth-loopback",
            daemon=True,
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}{self._server.callback_path}"

    def wait(
        self,
        timeout: float,
        is_cancelled: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> dict[str, str]:
        """The redirect's query parameters; raises Cancelled or AuthError on timeout."""
        deadline = clock() + timeout
        while not self._server.arrived.wait(0.05):
            if is_cancelled and is_cancelled():
                raise Cancelled()
            if clock() >= deadline:
                raise AuthError(
                    "The sign-in took too long. Start connecting to Constant Contact again."
                )
        assert self._server.result is not None
        return self._server.result

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def authorize_with_pkce(
    urls: ServiceUrls,
    client_id: str,
    open_browser: Callable[[str], object],
    *,
    scopes: tuple[str, ...] = SCOPES,
    timeout: float = 300.0,
    is_cancelled: Callable[[], bool] | None = None,
    should_stop: Callable[[float], bool] | None = None,
    port: int = 0,
    session_factory: SessionFactory = build_session,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Run the whole PKCE flow and return the new token (with ``expires_at``).

    Args:
        open_browser: shows the consent page; the app passes ``webbrowser.open``.
        timeout: seconds to wait for the user to approve.
        is_cancelled: polled while waiting; True ends the flow with :class:`Cancelled`.
        should_stop: the same as a ``CancelToken.wait``-style callable (called with 0).
        port: the loopback port (0: any free one).
    """
    if is_cancelled is None and should_stop is not None:
        is_cancelled = lambda: should_stop(0)  # noqa: E731 - a one-line adapter
    pkce = make_pkce()
    state = secrets.token_urlsafe(24)
    with LoopbackReceiver(state, port=port) as receiver:
        url = build_authorize_url(
            urls, client_id, receiver.redirect_uri, state, pkce.challenge, scopes
        )
        open_browser(url)
        params = receiver.wait(timeout, is_cancelled)
        redirect_uri = receiver.redirect_uri
    if params.get("state") != state:
        raise AuthError("The sign-in answer did not match this request. Try connecting again.")
    if "error" in params or not params.get("code"):
        if params.get("error") == "access_denied":
            raise AuthError("The connection to Constant Contact was not approved.")
        raise AuthError(
            "Constant Contact did not complete the sign-in. Try connecting again.",
            details=params.get("error", ""),
        )
    code = params["code"]
    return exchange_code(
        urls,
        client_id,
        code,
        redirect_uri,
        pkce.verifier,
        session_factory=session_factory,
        clock=clock,
    )


def authorize_pkce(
    *, auth_url: str, client_id: str, open_browser: Callable[[str], object], **options: Any
) -> dict[str, Any]:
    """:func:`authorize_with_pkce` for callers that hold only the authorization URL."""
    return authorize_with_pkce(
        ServiceUrls("", auth_url.rstrip("/")), client_id, open_browser, **options
    )


def exchange_code(
    urls: ServiceUrls,
    client_id: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    *,
    session_factory: SessionFactory = build_session,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Trade an authorization code for tokens (public client: ``client_id``, no secret)."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "code_verifier": code_verifier,
    }
    with session_factory() as session:
        raw = post_token_request(session, urls.token_url, data)
    return normalize_token(raw, clock())


# -- device flow ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceCode:
    """What the user needs to approve a device sign-in, and what we poll with."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    interval: float
    expires_in: float
    device_code: str

    def __repr__(self) -> str:  # keep the device code out of logs and tracebacks
        return (
            f"DeviceCode(user_code={self.user_code!r}, verification_uri={self.verification_uri!r})"
        )


def start_device_flow(
    urls: ServiceUrls,
    client_id: str,
    *,
    scopes: tuple[str, ...] = SCOPES,
    session_factory: SessionFactory = build_session,
) -> DeviceCode:
    data = {"client_id": client_id, "scope": " ".join(scopes)}
    with session_factory() as session:
        raw = post_token_request(session, urls.device_authorize_url, data)
    return DeviceCode(
        user_code=str(raw["user_code"]),
        verification_uri=str(raw["verification_uri"]),
        verification_uri_complete=str(raw.get("verification_uri_complete", "")),
        interval=float(raw.get("interval", 5)),
        expires_in=float(raw.get("expires_in", 600)),
        device_code=str(raw["device_code"]),
    )


def poll_device_flow(
    urls: ServiceUrls,
    client_id: str,
    device: DeviceCode,
    *,
    should_stop: Callable[[float], bool] | None = None,
    session_factory: SessionFactory = build_session,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll the token endpoint until the user approves; returns the token.

    Honours ``interval``, ``authorization_pending`` and ``slow_down`` (+5 s). ``should_stop``
    waits the given seconds and returns True to cancel (e.g. ``CancelToken.wait``).
    """
    wait = should_stop or _plain_wait
    interval = device.interval
    deadline = monotonic() + device.expires_in
    data = {"grant_type": DEVICE_GRANT, "device_code": device.device_code, "client_id": client_id}
    with session_factory() as session:
        while True:
            if wait(interval):
                raise Cancelled()
            if monotonic() > deadline:
                raise AuthError("The sign-in code expired. Start connecting again.")
            try:
                return normalize_token(post_token_request(session, urls.token_url, data), clock())
            except TokenEndpointError as exc:
                if exc.error == "authorization_pending":
                    continue
                if exc.error == "slow_down":
                    interval += 5
                    continue
                if exc.error == "access_denied":
                    raise AuthError(
                        "The connection to Constant Contact was not approved."
                    ) from None
                if exc.error == "expired_token":
                    raise AuthError("The sign-in code expired. Start connecting again.") from None
                raise


def _plain_wait(seconds: float) -> bool:
    time.sleep(seconds)
    return False


# -- refreshing -------------------------------------------------------------------------------

_connection_locks: dict[int, threading.Lock] = {}
_connection_locks_guard = threading.Lock()


def connection_lock(connection_id: int) -> threading.Lock:
    """The process-wide lock that serializes token refreshes of one connection."""
    with _connection_locks_guard:
        return _connection_locks.setdefault(connection_id, threading.Lock())


class TokenManager:
    """Gives a valid access token for one connection, refreshing it safely when needed.

    Args:
        connection_id: the connection whose token lives in ``token_store``.
        clock: wall-clock epoch seconds (``expires_at`` is stored in the same unit).
        on_needs_reconnect: called with ``connection_id`` before :class:`NeedsReconnect` is
            raised, so the connection repository can mark the connection.
        refresh_margin: refresh when the token expires within this many seconds.
    """

    def __init__(
        self,
        connection_id: int,
        token_store: TokenStore,
        client_id: str,
        token_url: str,
        session_factory: SessionFactory = build_session,
        clock: Callable[[], float] = time.time,
        *,
        on_needs_reconnect: Callable[[int], None] | None = None,
        refresh_margin: float = REFRESH_MARGIN,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.connection_id = connection_id
        self.token_store = token_store
        self.client_id = client_id
        self.token_url = token_url
        self.session_factory = session_factory
        self.clock = clock
        self.on_needs_reconnect = on_needs_reconnect
        self.refresh_margin = refresh_margin
        self._sleep = sleep
        self._lock = connection_lock(connection_id)

    def access_token(self) -> str:
        """A token valid for at least ``refresh_margin`` seconds (refreshing if needed)."""
        token = self._load()
        if self._fresh(token):
            return str(token["access_token"])
        with self._lock:
            token = self._load()  # another caller may have refreshed while we waited
            if self._fresh(token):
                return str(token["access_token"])
            return str(self._refresh(token)["access_token"])

    def refresh_after_rejection(self, rejected: str) -> str:
        """The API refused ``rejected`` (401): refresh unless someone already replaced it."""
        with self._lock:
            token = self._load()
            if token.get("access_token") != rejected and self._fresh(token):
                return str(token["access_token"])
            return str(self._refresh(token)["access_token"])

    def save_new_token(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Store a token from a fresh sign-in (adds ``expires_at`` if missing)."""
        token = dict(raw) if "expires_at" in raw else normalize_token(raw, self.clock())
        with self._lock:
            self.token_store.save_token(self.connection_id, token)
        return token

    def _load(self) -> dict[str, Any]:
        token = self.token_store.load_token(self.connection_id)
        if not token or not token.get("access_token"):
            self._needs_reconnect()
            raise NeedsReconnect(NOT_CONNECTED_MESSAGE)
        return token

    def _fresh(self, token: Mapping[str, Any]) -> bool:
        expires_at = token.get("expires_at")
        if expires_at is None:
            return True  # no expiry known: use it until the API says 401
        return float(expires_at) - self.clock() > self.refresh_margin

    def _refresh(self, token: Mapping[str, Any]) -> dict[str, Any]:
        refresh_token = token.get("refresh_token")
        if not refresh_token:
            self._needs_reconnect()
            raise NeedsReconnect(RECONNECT_MESSAGE)
        data = {
            "grant_type": "refresh_token",
            "refresh_token": str(refresh_token),
            "client_id": self.client_id,
        }
        try:
            with self.session_factory() as session:
                raw = post_token_request(session, self.token_url, data, sleep=self._sleep)
        except TokenEndpointError as exc:
            if exc.error in ("invalid_grant", "invalid_token", "unauthorized_client"):
                self._needs_reconnect()
                raise NeedsReconnect(RECONNECT_MESSAGE, details=exc.error) from None
            raise
        new_token = normalize_token(raw, self.clock(), previous=token)
        # Saved before anyone uses it: the old refresh token is already spent.
        self.token_store.save_token(self.connection_id, new_token)
        log.info("Refreshed the Constant Contact token of connection %s", self.connection_id)
        return new_token

    def _needs_reconnect(self) -> None:
        if self.on_needs_reconnect is not None:
            self.on_needs_reconnect(self.connection_id)
