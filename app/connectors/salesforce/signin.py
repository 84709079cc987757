"""Signing in to Salesforce: the browser (OAuth 2 web-server flow with PKCE) or, as the
fallback, a user name, password and security token.

**The browser.** The consumer key is the user's own (new connected apps cannot be created
since Spring '26, so each org brings an External Client App with "Require secret" off, or an
existing connected app). ``oauth.authorize_with_pkce`` drives requests-oauthlib; the verifier
uses base64url characters only (Salesforce refuses ``~``). The token answer has no
``expires_in``: the token is used until Salesforce answers 401 ``INVALID_SESSION_ID``, and
``oauth.TokenManager`` then spends the refresh token once. ``instance_url`` in the answer
is where the org's API lives.

**The password.** ``grant_type=password`` with the password and the security token joined.
It gives no refresh token, so :class:`PasswordTokens` signs in again after a 401 with what
the keyring holds. Orgs created since Summer '23 block this flow, and Salesforce then
answers exactly as for a wrong password (``invalid_grant`` "authentication failure"):
:func:`password_refused` says both, and what to do.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from app.connectors.base import TokenStore
from app.connectors.http import build_session
from app.connectors.oauth import authorize_with_pkce, normalize_token
from app.connectors.oauth_session import TokenEndpointError, post_token_request
from app.connectors.salesforce.endpoints import CALLBACK_PORT, SCOPES, SalesforceUrls
from app.connectors.salesforce.wire import SERVICE
from app.core.errors import AuthError, ConfigError, NeedsReconnect

# What the keyring holds for a password connection, besides the token.
PASSWORD_SECRETS = ("password", "security_token", "consumer_secret")

CONSUMER_KEY_MISSING = (
    "Enter the consumer key of your Salesforce External Client App (or connected app) "
    "first: the connect dialog says where to find it."
)


def browser_refused(exc: AuthError) -> AuthError:
    """A browser sign-in that failed, in words that say what to check."""
    code = exc.error if isinstance(exc, TokenEndpointError) else exc.details
    description = exc.description if isinstance(exc, TokenEndpointError) else ""
    if code == "invalid_client_id" or code == "invalid_client":
        return AuthError(
            f"{SERVICE} does not know this consumer key. Copy it again from your External "
            "Client App's OAuth settings (Consumer Key and Secret).",
            details=str(code),
        )
    if code == "redirect_uri_mismatch":
        return AuthError(
            f"{SERVICE} refused the address ContactBridge listens on. In your External "
            "Client App's OAuth settings, set the callback URL exactly as the connect dialog "
            "shows it.",
            details=str(code),
        )
    if code == "invalid_grant" and "verifier" in description:
        return AuthError(
            f"{SERVICE} did not accept the sign-in's check code (PKCE). In your External "
            "Client App, tick “Require Proof Key for Code Exchange (PKCE)” and untick "
            "“Require secret for Web Server Flow”, then connect again.",
            details=f"{code}: {description}",
        )
    return exc


def sign_in_browser(
    urls: SalesforceUrls,
    consumer_key: str,
    open_browser: Callable[[str], object],
    should_stop: Callable[[float], bool] | None = None,
    *,
    port: int = CALLBACK_PORT,
) -> dict[str, Any]:
    """The web-server flow with PKCE in the user's browser; returns the token answer.

    Raises:
        ConfigError: no consumer key.
        AuthError: Salesforce refused (in words that say what to check).
    """
    if not consumer_key.strip():
        raise ConfigError(CONSUMER_KEY_MISSING)
    try:
        token = authorize_with_pkce(
            urls,
            consumer_key.strip(),
            open_browser,
            scopes=SCOPES,
            should_stop=should_stop,
            port=port,
            service=SERVICE,
        )
    except AuthError as exc:
        raise browser_refused(exc) from None
    except OSError as exc:  # the callback port is taken (the Salesforce CLI uses it too)
        raise AuthError(
            f"ContactBridge could not wait for {SERVICE}'s answer on this computer's port "
            f"{port}: another program is using it. Close that program (the Salesforce CLI "
            "uses the same port) and connect again.",
            details=f"{type(exc).__name__}: {exc}",
        ) from None
    return _checked(token)


def password_refused(exc: TokenEndpointError) -> AuthError:
    """Salesforce refused a user name and password: say every cause it hides, and what to do."""
    if exc.error == "invalid_grant":
        return AuthError(
            f"{SERVICE} refused the user name, password and security token. Check all three: "
            "the security token is the one Salesforce last emailed you (Settings › Reset My "
            "Security Token sends a new one). Orgs created since Summer '23 block signing in "
            "with a password and answer the same way: then sign in with Salesforce in your "
            "browser instead, or ask your Salesforce admin to allow it (Setup › OAuth and "
            "OpenID Connect Settings › Allow OAuth Username-Password Flows).",
            details=f"{exc.error}: {exc.description}",
        )
    if exc.error in ("invalid_client_id", "invalid_client"):
        return AuthError(
            f"{SERVICE} does not know this consumer key and secret. Signing in with a "
            "password needs a connected app's key and secret (External Client Apps do not "
            "allow it).",
            details=str(exc.error),
        )
    return exc


def sign_in_password(
    urls: SalesforceUrls, consumer_key: str, secrets: Mapping[str, Any]
) -> dict[str, Any]:
    """``grant_type=password``; returns the token answer (no refresh token).

    ``secrets``: ``username``, ``password``, ``security_token`` and, for a connected app
    that requires it, ``consumer_secret``.
    """
    if not consumer_key.strip():
        raise ConfigError(CONSUMER_KEY_MISSING)
    username = str(secrets.get("username") or "").strip()
    if not username or not secrets.get("password"):
        raise ConfigError("Enter your Salesforce user name and password.")
    data = {
        "grant_type": "password",
        "client_id": consumer_key.strip(),
        "username": username,
        "password": f"{secrets['password']}{secrets.get('security_token') or ''}",
    }
    if secrets.get("consumer_secret"):
        data["client_secret"] = str(secrets["consumer_secret"])
    try:
        with build_session() as session:
            raw = post_token_request(session, urls.token_url, data, service=SERVICE)
    except TokenEndpointError as exc:
        raise password_refused(exc) from None
    return _checked(normalize_token(raw, time.time()))


def _checked(token: dict[str, Any]) -> dict[str, Any]:
    if not str(token.get("instance_url") or "").startswith(("https://", "http://")):
        raise AuthError(
            f"{SERVICE} signed in but did not say where the org's data lives "
            "(no instance_url). Try connecting again."
        )
    return token


class PasswordTokens:
    """Access tokens for a password connection: signs in again after a 401.

    The keyring entry holds the token and the credentials (``username`` and
    :data:`PASSWORD_SECRETS`), never anything in SQLite.
    """

    def __init__(
        self,
        connection_id: int,
        store: TokenStore,
        urls: SalesforceUrls,
        consumer_key: str,
        *,
        on_needs_reconnect: Callable[[int], object] | None = None,
    ) -> None:
        self.connection_id = connection_id
        self.store = store
        self.urls = urls
        self.consumer_key = consumer_key
        self.on_needs_reconnect = on_needs_reconnect
        self._lock = threading.Lock()

    def _saved(self) -> dict[str, Any]:
        saved = self.store.load_token(self.connection_id)
        if not saved or not saved.get("password"):
            if self.on_needs_reconnect is not None:
                self.on_needs_reconnect(self.connection_id)
            raise NeedsReconnect(
                f"Connect to {SERVICE} again: enter the user name, password and security token."
            )
        return saved

    def access_token(self) -> str:
        saved = self._saved()
        if saved.get("access_token"):
            return str(saved["access_token"])
        return self.refresh_after_rejection("")

    def refresh_after_rejection(self, rejected: str) -> str:
        with self._lock:
            saved = self._saved()
            if saved.get("access_token") and saved["access_token"] != rejected:
                return str(saved["access_token"])
            try:
                token = sign_in_password(self.urls, self.consumer_key, saved)
            except AuthError as exc:
                if self.on_needs_reconnect is not None:
                    self.on_needs_reconnect(self.connection_id)
                raise NeedsReconnect(exc.message, details=exc.details) from None
            merged = {**saved, **token}
            self.store.save_token(self.connection_id, merged)
            return str(merged["access_token"])
