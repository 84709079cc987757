"""Klaviyo as the registry sees it: a destination that Constant Contact accounts move into.

Connecting takes the account's **private API key** (Klaviyo: Settings > API keys, "Create
Private API Key", full access), typed into ContactBridge's own form. The key is checked (the
account's lists are read) before anything is saved, then kept in the keyring only
(``host.secrets``); the connection row keeps the account's name.

Klaviyo is no source: a profile never reads it. A migration profile has Constant Contact as
its source (the lists to bring) and Klaviyo as its destination (``open_destination``), runs
every hour once synced (as Klaviyo's own integration did), and can be previewed with a dry
run. In the sandbox the emulator plays the account, and the sample profile
"Constant Contact → Klaviyo migration" moves the sample Constant Contact account into it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from app.connectors.base import Source, SourceCapabilities
from app.connectors.connector import (
    Connector,
    ConnectorHost,
    ConnectRequest,
    OpenRequest,
    SandboxSpec,
    connection_for,
)
from app.connectors.klaviyo.client import KlaviyoClient
from app.connectors.klaviyo.destination import KlaviyoDestination
from app.connectors.klaviyo.settings import KlaviyoSettings
from app.core.errors import ConfigError, NeedsReconnect
from app.core.profiles import CONSTANT_CONTACT, SourceSpec, SyncOptions, SyncProfile
from app.core.store_types import Connection, ConnectionStatus

KIND = "klaviyo"
LABEL = "Klaviyo"
API_URL = "https://a.klaviyo.com/api"
URL_ENV = "CONTACTBRIDGE_KLAVIYO_URL"  # the sandbox uses an emulator run elsewhere
SAMPLE_PROFILE = "Constant Contact → Klaviyo migration"
HOURLY = 60  # minutes: a migration runs every hour once it has synced
KEY = "api_key"  # the secret, in the keyring
NAME_KEY = "account_name"


def _check_key(key: str) -> None:
    if not key.strip():
        raise ConfigError("Enter the Klaviyo private API key (it starts with pk_).")
    if not key.strip().startswith("pk_"):
        raise ConfigError(
            "That is not a Klaviyo private API key: it starts with pk_ (a public key or site "
            "ID cannot write to Klaviyo). Create one in Klaviyo under Settings > API keys."
        )


def connect(host: ConnectorHost, request: ConnectRequest) -> Connection:
    """Check the private API key, then save the connection (the key to the keyring only).

    ``request.options``: ``api_key`` (blank on a reconnect: the saved one) and
    ``account_name`` (the name to show). Nothing is saved when the check fails.

    Raises:
        ConfigError: no key, or not a private one.
        AuthError: Klaviyo refused the key, in its own words.
    """
    found = host.connection(request.connection_id) if request.connection_id else None
    if request.connection_id is not None and (found is None or found.service != KIND):
        raise ConfigError("That Klaviyo connection was removed. Connect again.")
    saved = host.secrets.load_token(found.id) if found is not None else None
    key = str(request.options.get(KEY) or (saved or {}).get(KEY) or "").strip()
    _check_key(key)
    settings: dict[str, Any] = dict(found.settings) if found is not None else {}
    name = str(request.options.get(NAME_KEY) or settings.get(NAME_KEY) or request.label)
    settings.update({NAME_KEY: name, "sandbox": host.sandbox})
    trial = Connection(
        found.id if found else 0, KIND, request.label, "", ConnectionStatus.CONNECTED, settings
    )
    with KlaviyoClient(_api_url(host, trial), key, stats=host.stats) as client:
        settings["lists"] = len(client.lists())  # the check: the key reads the account
    if found is None:
        found = host.create_connection(KIND, request.label, settings)
    host.secrets.save_token(found.id, {KEY: key})
    return host.save_connection(found.id, status="connected", account_name=name, settings=settings)


def _api_url(host: ConnectorHost, conn: Connection) -> str:
    urls = host.service_urls(KIND, conn)
    return str(urls or API_URL)


def client(host: ConnectorHost, connection_id: int) -> KlaviyoClient:
    """A client of a saved connection.

    Raises:
        ConfigError: the connection was removed.
        NeedsReconnect: the keyring no longer holds its key.
    """
    conn = host.connection(connection_id)
    if conn is None or conn.service != KIND:
        raise ConfigError("This profile's Klaviyo connection was removed. Connect again.")
    return _client(host, conn)


def _client(host: ConnectorHost, conn: Connection) -> KlaviyoClient:
    token = host.secrets.load_token(conn.id)
    if not token or not token.get(KEY):
        raise NeedsReconnect(
            "Connect to Klaviyo again: enter the private API key (ContactBridge keeps it in "
            "your system's keyring only)."
        )
    return KlaviyoClient(_api_url(host, conn), str(token[KEY]), stats=host.stats)


def open_destination(host: ConnectorHost, request: OpenRequest) -> KlaviyoDestination:
    """The Klaviyo account a migration profile writes to, with the profile's choices."""
    conn = connection_for(
        host,
        KIND,
        request.settings,
        "Connect to Klaviyo first: this profile copies Constant Contact into Klaviyo.",
    )
    return KlaviyoDestination(_client(host, conn), KlaviyoSettings.from_settings(request.settings))


def open_source(host: ConnectorHost, request: OpenRequest) -> Source:
    """Klaviyo is never read: profiles copy Constant Contact into it."""
    raise ConfigError(
        "Klaviyo is where a migration profile copies your Constant Contact account to; "
        "ContactBridge does not read contacts from Klaviyo."
    )


def describe(settings: Mapping[str, Any]) -> str:
    return f"Constant Contact → {LABEL}"


# -- profiles ----------------------------------------------------------------------------------


def migration_profile(
    name: str,
    cc_connection_id: int,
    klaviyo_connection_id: int,
    *,
    list_ids: Sequence[str] = (),
    settings: KlaviyoSettings | None = None,
) -> SyncProfile:
    """A migration profile: the Constant Contact lists to bring (none: every contact) into
    the Klaviyo account, with Klaviyo's own integration's defaults (lists created, opens
    and clicks collected, unsubscribes and bounces suppressed, every hour once synced)."""
    chosen = settings or KlaviyoSettings()
    return SyncProfile(
        name=name,
        source=SourceSpec(CONSTANT_CONTACT, {"list_ids": list(list_ids)}),
        main_list="",
        connection_id=cc_connection_id,
        options=SyncOptions(poll_minutes=HOURLY),
        destination=SourceSpec(
            KIND, {**chosen.to_settings(), "connection_id": klaviyo_connection_id}
        ),
    )


# -- the sandbox -------------------------------------------------------------------------------


def _env_urls() -> str | None:
    address = os.environ.get(URL_ENV, "").strip()
    return address.rstrip("/") or None


def _sandbox() -> Any:
    """The sandbox's Klaviyo (imported by name, as its emulator is)."""
    return importlib.import_module("app.sandbox.klaviyo")


def sample_options() -> dict[str, str]:
    """What a user would type to connect to the sandbox's account (sandbox values)."""
    return dict(_sandbox().sample_connection())


def _bench(handle: Any, contacts: int) -> Mapping[str, Any]:
    """``sandbox bench --scenario klaviyo`` (imported when run: ``bench``)."""
    found: Mapping[str, Any] = importlib.import_module("app.connectors.klaviyo.bench").bench(
        handle, contacts
    )
    return found


def _prepare_sandbox(
    host: ConnectorHost, cc_connection_id: int, samples: Path, with_samples: bool
) -> Sequence[SyncProfile]:
    """Connect to the sample account (again each launch: the sandbox's keyring is memory
    only) and, on first use, add the sample migration profile."""
    conns = host.connections_of(KIND)
    conn = conns[0] if conns else None
    if conn is not None and host.secrets.load_token(conn.id) is not None:
        return ()
    if conn is None and not with_samples:
        return ()
    options = sample_options()
    conn = connect(
        host,
        ConnectRequest(options[NAME_KEY], connection_id=conn.id if conn else None, options=options),
    )
    if not with_samples or conns:
        return ()
    return (migration_profile(SAMPLE_PROFILE, cc_connection_id, conn.id),)


CONNECTOR = Connector(
    kind=KIND,
    label=LABEL,
    name=LABEL,
    capabilities=SourceCapabilities(),
    open_source=open_source,
    describe=describe,
    connect=connect,
    urls=lambda settings: API_URL,
    panel="app.ui.services.klaviyo",
    two_way_minutes=HOURLY,
    sandbox=SandboxSpec(
        emulator="app.sandbox.klaviyo:start_sandbox",
        emulator_urls=lambda emulator: emulator.api_url,
        env_urls=_env_urls,
        env_names=(URL_ENV,),
        prepare=_prepare_sandbox,
        bench=_bench,
    ),
    open_destination=open_destination,
)
