"""A saved Salesforce connection: signing in, the client for it, and what it shows.

``connect`` signs in (the browser or the password fallback), pins the API version the org
offers, reads who signed in, and only then saves the connection: its settings in SQLite
(``settings.py``), its token and any password in the keyring only (``host.secrets``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from app.connectors.auth import BearerAuth, TokenProvider
from app.connectors.base import RequestStats, TokenStore
from app.connectors.connector import ConnectorHost, ConnectRequest
from app.connectors.oauth import TokenManager
from app.connectors.salesforce.client import SalesforceClient
from app.connectors.salesforce.endpoints import (
    CALLBACK_PORT,
    OrgType,
    SalesforceUrls,
    pick_version,
    salesforce_urls,
)
from app.connectors.salesforce.settings import AuthMethod
from app.connectors.salesforce.signin import (
    PASSWORD_SECRETS,
    PasswordTokens,
    sign_in_browser,
    sign_in_password,
)
from app.connectors.salesforce.wire import SERVICE, ApiUsage, UsageMeter
from app.core.errors import ConfigError, NeedsReconnect
from app.core.redaction import remember
from app.core.store_types import Connection, ConnectionStatus

log = logging.getLogger(__name__)

KIND = "salesforce"
# What a connection's form may set besides the secrets (never a secret).
SETTING_KEYS = ("consumer_key", "org_type", "auth", "login_url", "username")
USAGE_EVERY = 60.0  # seconds between saving the API usage seen to a connection


def _secrets_of(options: Mapping[str, Any], kept: Mapping[str, Any] | None) -> dict[str, str]:
    """The password, security token and consumer secret: typed, else the keyring's."""
    saved = dict(kept or {})
    return {k: str(options.get(k) or saved.get(k) or "") for k in PASSWORD_SECRETS}


def _urls(host: ConnectorHost, conn: Connection) -> SalesforceUrls:
    urls = host.service_urls(KIND, conn)
    if not isinstance(urls, SalesforceUrls):
        return salesforce_urls(conn.settings)
    return urls.for_org(str(conn.settings.get("org_type") or ""))


def account_name(settings: Mapping[str, Any]) -> str:
    """``ada@acme.com (sandbox org)``: who signed in, and where."""
    who = (
        str(settings.get("username") or "")
        or urlsplit(str(settings.get("instance_url") or "")).netloc
    )
    sandbox = str(settings.get("org_type") or "") == OrgType.SANDBOX.value
    return f"{who or SERVICE} (sandbox org)" if sandbox else who or SERVICE


def connect(host: ConnectorHost, request: ConnectRequest) -> Connection:
    """Sign in and save the connection (see the module's docstring).

    ``request.options``: ``auth`` ("browser" or "password"), ``consumer_key``,
    ``org_type`` ("production" or "sandbox"), ``login_url`` (a My Domain address, optional)
    and, for a password, ``username`` and the secrets ``password``, ``security_token`` and
    ``consumer_secret``. A reconnect with no options signs in as the connection did.

    Raises:
        ConfigError: something needed was not given, in plain words.
        AuthError: Salesforce refused, saying what to check.
    """
    found = host.connection(request.connection_id) if request.connection_id else None
    if request.connection_id is not None and (found is None or found.service != KIND):
        raise ConfigError("That Salesforce connection was removed. Connect to Salesforce again.")
    saved = dict(found.settings) if found is not None else {}
    settings = {**saved, **{k: v for k, v in request.options.items() if k in SETTING_KEYS}}
    settings["consumer_key"] = str(settings.get("consumer_key") or host.oauth_client_id(KIND))
    settings.setdefault("org_type", OrgType.PRODUCTION.value)
    settings.setdefault("auth", AuthMethod.BROWSER.value)
    settings["sandbox"] = host.sandbox
    trial = Connection(
        found.id if found else 0, KIND, request.label, "", ConnectionStatus.CONNECTED, settings
    )
    urls = _urls(host, trial)
    kept = host.secrets.load_token(found.id) if found is not None else None
    secrets: dict[str, str] = {}
    if settings["auth"] == AuthMethod.PASSWORD.value:
        secrets = _secrets_of(request.options, kept)
        token = sign_in_password(urls, settings["consumer_key"], {**settings, **secrets})
    else:
        token = sign_in_browser(
            urls,
            settings["consumer_key"],
            host.open_browser,
            request.should_stop,
            port=0 if host.sandbox else CALLBACK_PORT,
        )
    # Known to the log's redaction before any call carries it (the keyring has it only later).
    remember(*(str(token.get(k) or "") for k in ("access_token", "refresh_token")))
    instance_url = str(token["instance_url"]).rstrip("/")
    with SalesforceClient(
        instance_url, "", _Fixed(str(token["access_token"])), stats=host.stats
    ) as c:
        settings["api_version"] = pick_version(c.versions())
        who = c.identity(token)
        usage = c.meter.latest
    settings["instance_url"] = instance_url
    name = who.get("username") or who.get("preferred_username") or settings.get("username")
    settings["username"] = str(name or "")
    settings["org_id"] = str(who.get("organization_id") or "")
    if usage is not None:
        settings["api_usage"] = usage.to_settings()
    if found is None:
        found = host.create_connection(KIND, request.label, settings)
    host.secrets.save_token(found.id, {**token, **secrets, "username": settings["username"]})
    log.info("Connected to Salesforce at %s (API %s)", instance_url, settings["api_version"])
    return host.save_connection(
        found.id, status="connected", account_name=account_name(settings), settings=settings
    )


class _Fixed(BearerAuth):
    """A token just received, for the calls that finish connecting."""

    def __init__(self, token: str) -> None:
        super().__init__(_Once(token))


class _Once:
    def __init__(self, token: str) -> None:
        self.token = token

    def access_token(self) -> str:
        return self.token

    def refresh_after_rejection(self, rejected: str) -> str:
        raise NeedsReconnect(f"{SERVICE} did not accept the sign-in it just gave. Try again.")


def tokens_for(
    conn: Connection,
    urls: SalesforceUrls,
    store: TokenStore,
    on_needs_reconnect: Callable[[int], object] | None = None,
) -> TokenProvider:
    """The connection's access tokens: refreshed (browser) or signed in again (password)
    when Salesforce answers 401 ``INVALID_SESSION_ID``."""
    key = str(conn.settings.get("consumer_key") or "")
    if conn.settings.get("auth") == AuthMethod.PASSWORD.value:
        return PasswordTokens(conn.id, store, urls, key, on_needs_reconnect=on_needs_reconnect)
    return TokenManager(
        conn.id,
        store,
        key,
        urls.token_url,
        on_needs_reconnect=on_needs_reconnect,
        service=SERVICE,
    )


_saved_at: dict[tuple[int, int], float] = {}
_saved_lock = threading.Lock()


def usage_saver(host: ConnectorHost, connection_id: int) -> Callable[[ApiUsage], None]:
    """Keeps the API usage seen in the connection's settings (at most once a minute), so
    the wizard and the connections manager can show it."""

    def save(usage: ApiUsage) -> None:
        now, key = time.monotonic(), (id(host), connection_id)
        with _saved_lock:
            if now - _saved_at.get(key, now - USAGE_EVERY) < USAGE_EVERY:
                return
            _saved_at[key] = now
        conn = host.connection(connection_id)
        if conn is not None:
            settings = {**conn.settings, "api_usage": usage.to_settings()}
            host.save_connection(connection_id, settings=settings)

    return save


def client(
    host: ConnectorHost, connection_id: int, *, remember_usage: bool = False
) -> SalesforceClient:
    """A client for a saved connection (its org, its pinned API version).

    ``remember_usage``: keep the API usage it sees in the connection's settings (the
    wizard's calls; a sync says it in its summary instead).

    Raises:
        ConfigError: the connection was removed.
        NeedsReconnect: the keyring no longer holds its sign-in.
    """
    conn = host.connection(connection_id)
    if conn is None or conn.service != KIND:
        raise ConfigError("This profile's Salesforce connection was removed. Connect again.")
    if host.secrets.load_token(conn.id) is None:
        raise NeedsReconnect("Connect to Salesforce again to continue.")
    instance_url = str(conn.settings.get("instance_url") or "")
    version = str(conn.settings.get("api_version") or "")
    if not instance_url or not version:
        raise NeedsReconnect("Connect to Salesforce again: the connection is incomplete.")
    tokens = tokens_for(
        conn,
        _urls(host, conn),
        host.secrets,
        on_needs_reconnect=lambda cid: host.save_connection(cid, status="needs_reconnect"),
    )
    meter = UsageMeter(usage_saver(host, conn.id) if remember_usage else None)
    stats: RequestStats = host.stats
    return SalesforceClient(instance_url, version, BearerAuth(tokens), stats=stats, meter=meter)
