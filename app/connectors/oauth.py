"""Signing in with OAuth 2 (PKCE or the device flow) and refreshing tokens safely.

ContactBridge is a public desktop client: it has no client secret. It signs in with the
authorization code flow plus PKCE (S256, a loopback redirect to ``127.0.0.1``) or, as an
alternative, with the device flow. requests-oauthlib's ``OAuth2Session`` builds and checks the
code and refresh requests (``oauth_session.OAuthSession``); the device flow, which it does
not offer, is a short form post written out here.

Refresh tokens rotate and are single-use: two refreshes at once, or a refresh whose result is
not saved, lock the user out (``invalid_grant``). :class:`TokenManager` therefore refreshes
only when the token is expired or about to expire, serializes refreshes per connection, re-reads
the stored token once it holds the lock, and saves the new token before anyone uses it.

Every message names the service signed in to (``service``; Constant Contact by default).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from app.connectors.base import TokenStore
from app.connectors.endpoints import SCOPES, ServiceUrls
from app.connectors.http import CONSTANT_CONTACT, DEFAULT_TIMEOUT, build_session
from app.connectors.oauth_loopback import LoopbackReceiver
from app.connectors.oauth_session import (
    OAuthSession,
    PublicClient,
    TokenEndpointError,
    check_transport,
    post_token_request,
    token_request,
)
from app.core.errors import AuthError, Cancelled, NeedsReconnect

log = logging.getLogger(__name__)

REFRESH_MARGIN = 300.0  # seconds: refresh when the token expires within 5 minutes
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Answers of the token endpoint that mean the saved authorization is gone for good.
GONE = frozenset({"invalid_grant", "invalid_token", "unauthorized_client"})

SessionFactory = Callable[[], requests.Session]


def reconnect_message(service: str) -> str:
    return (
        f"{service} needs you to connect again: the saved authorization has expired or was revoked."
    )


def not_connected_message(service: str) -> str:
    return f"{service} is not connected yet. Connect it to continue."


RECONNECT_MESSAGE = reconnect_message(CONSTANT_CONTACT)
NOT_CONNECTED_MESSAGE = not_connected_message(CONSTANT_CONTACT)


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
    """A verifier (base64url characters only) and its S256 challenge, as sign-ins make them."""
    client = PublicClient("")  # no client: only its PKCE helpers are used
    verifier = client.create_code_verifier(96)
    return Pkce(verifier, client.create_code_challenge(verifier, "S256"))


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
    service: str = CONSTANT_CONTACT,
) -> dict[str, Any]:
    """Run the whole PKCE flow and return the new token (with ``expires_at``).

    Args:
        open_browser: shows the consent page; the app passes ``webbrowser.open``.
        timeout: seconds to wait for the user to approve.
        is_cancelled: polled while waiting; True ends the flow with :class:`Cancelled`.
        should_stop: the same as a ``CancelToken.wait``-style callable (called with 0).
        port: the loopback port (0: any free one).
        service: names the service in messages.
    """
    if is_cancelled is None and should_stop is not None:
        is_cancelled = lambda: should_stop(0)  # noqa: E731 - a one-line adapter
    check_transport(urls.authorize_url, service)
    check_transport(urls.token_url, service)
    state = secrets.token_urlsafe(24)
    with (
        session_factory() as transport,
        OAuthSession(
            transport, client_id, service=service, scope=list(scopes), pkce="S256"
        ) as oauth,
    ):
        with LoopbackReceiver(state, port=port) as receiver:
            oauth.redirect_uri = receiver.redirect_uri
            url, _ = oauth.authorization_url(oauth.for_oauthlib(urls.authorize_url), state=state)
            open_browser(oauth.real_url(url))
            params = receiver.wait(timeout, is_cancelled, service=service)
        if params.get("state") != state:
            raise AuthError("The sign-in answer did not match this request. Try connecting again.")
        if "error" in params or not params.get("code"):
            if params.get("error") == "access_denied":
                raise AuthError(f"The connection to {service} was not approved.")
            raise AuthError(
                f"{service} did not complete the sign-in. Try connecting again.",
                details=params.get("error", ""),
            )
        # The grant may be narrower than asked (Xero lets the user choose); the caller judges
        # what that means, so oauthlib is not asked to refuse it.
        oauth.scope = None
        token_url = oauth.for_oauthlib(urls.token_url)
        token_request(
            lambda: oauth.fetch_token(
                token_url, code=params["code"], include_client_id=True, timeout=DEFAULT_TIMEOUT
            ),
            service=service,
        )
        return normalize_token(oauth.answer, clock())


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
    service: str = CONSTANT_CONTACT,
) -> dict[str, Any]:
    """Trade an authorization code for tokens (public client: ``client_id``, no secret)."""
    with (
        session_factory() as transport,
        OAuthSession(transport, client_id, service=service, redirect_uri=redirect_uri) as oauth,
    ):
        token_url = oauth.for_oauthlib(urls.token_url)
        token_request(
            lambda: oauth.fetch_token(
                token_url,
                code=code,
                code_verifier=code_verifier,
                include_client_id=True,
                timeout=DEFAULT_TIMEOUT,
            ),
            service=service,
        )
        return normalize_token(oauth.answer, clock())


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
    service: str = CONSTANT_CONTACT,
) -> DeviceCode:
    data = {"client_id": client_id, "scope": " ".join(scopes)}
    with session_factory() as session:
        raw = post_token_request(session, urls.device_authorize_url, data, service=service)
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
    service: str = CONSTANT_CONTACT,
) -> dict[str, Any]:
    """Poll the token endpoint until the user approves; returns the token.

    Honours ``interval``, ``authorization_pending`` and ``slow_down`` (+5 s). ``should_stop``
    waits the given seconds and returns True to cancel (e.g. ``CancelToken.wait``).
    """
    wait = should_stop or _plain_wait
    interval = device.interval
    deadline = monotonic() + device.expires_in
    data = {"grant_type": DEVICE_GRANT, "device_code": device.device_code, "client_id": client_id}
    expired = AuthError("The sign-in code expired. Start connecting again.")
    with session_factory() as session:
        while True:
            if wait(interval):
                raise Cancelled()
            if monotonic() > deadline:
                raise expired
            try:
                raw = post_token_request(session, urls.token_url, data, service=service)
            except TokenEndpointError as exc:
                if exc.error == "authorization_pending":
                    continue
                if exc.error == "slow_down":
                    interval += 5
                    continue
                if exc.error == "access_denied":
                    raise AuthError(f"The connection to {service} was not approved.") from None
                if exc.error == "expired_token":
                    raise expired from None
                raise
            return normalize_token(raw, clock())


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
        session_factory: makes the session token requests travel over.
        clock: wall-clock epoch seconds (``expires_at`` is stored in the same unit).
        on_needs_reconnect: called with ``connection_id`` before :class:`NeedsReconnect` is
            raised, so the connection repository can mark the connection.
        refresh_margin: refresh when the token expires within this many seconds.
        service: names the service in messages.
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
        on_needs_reconnect: Callable[[int], object] | None = None,
        refresh_margin: float = REFRESH_MARGIN,
        sleep: Callable[[float], None] = time.sleep,
        service: str = CONSTANT_CONTACT,
    ) -> None:
        self.connection_id = connection_id
        self.token_store = token_store
        self.client_id = client_id
        self.token_url = token_url
        self.session_factory = session_factory
        self.clock = clock
        self.on_needs_reconnect = on_needs_reconnect
        self.refresh_margin = refresh_margin
        self.service = service
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
            raise NeedsReconnect(not_connected_message(self.service))
        return token

    def _fresh(self, token: Mapping[str, Any]) -> bool:
        expires_at = token.get("expires_at")
        if expires_at is None:
            return True  # no expiry known: use it until the API says 401
        return float(expires_at) - self.clock() > self.refresh_margin

    def _save(self, token: Mapping[str, Any]) -> None:
        self.token_store.save_token(self.connection_id, token)

    def _refresh(self, token: Mapping[str, Any]) -> dict[str, Any]:
        """Spend the refresh token (the caller holds the connection's lock)."""
        refresh_token = token.get("refresh_token")
        if not refresh_token:
            self._needs_reconnect()
            raise NeedsReconnect(reconnect_message(self.service))
        with (
            self.session_factory() as transport,
            OAuthSession(
                transport, self.client_id, service=self.service, token_updater=self._save
            ) as oauth,
        ):
            token_url = oauth.for_oauthlib(self.token_url)
            try:
                token_request(
                    lambda: oauth.refresh_token(
                        token_url,
                        refresh_token=str(refresh_token),
                        client_id=self.client_id,
                        timeout=DEFAULT_TIMEOUT,
                    ),
                    service=self.service,
                    sleep=self._sleep,
                )
            except TokenEndpointError as exc:
                if exc.error in GONE:
                    self._needs_reconnect()
                    raise NeedsReconnect(
                        reconnect_message(self.service), details=exc.error
                    ) from None
                raise
            new_token = normalize_token(oauth.answer, self.clock(), previous=token)
            # Saved before anyone uses it: the old refresh token is already spent.
            oauth.token_updater(new_token)
        log.info("Refreshed the %s token of connection %s", self.service, self.connection_id)
        return new_token

    def _needs_reconnect(self) -> None:
        if self.on_needs_reconnect is not None:
            self.on_needs_reconnect(self.connection_id)
