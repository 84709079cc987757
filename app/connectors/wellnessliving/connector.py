"""WellnessLiving as the registry sees it: how it connects, opens, and runs in the sandbox.

Connecting takes no browser: the user types what WellnessLiving issued (the region and
environment, the business key, the application id and its secret, the "authorization
code") and a staff sign-in, in ContactBridge's own form (``ConnectRequest.options``). The
connection is checked (a staff sign-in and the All Clients report's first page) before
anything is saved. The settings that are not secret go to the connection row; the
application's secret and the staff password go to the keyring only (``host.secrets``), as
the connection's token. A reconnect with no options checks the saved ones again; secrets
left blank keep the saved ones.

In the sandbox the connection's ``service_urls`` is the emulator's address (passed as
``connect_to``: the client still signs for the real host); for real it is None and the host
comes from the region and environment.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from app.connectors.connector import (
    Connector,
    ConnectorHost,
    ConnectRequest,
    OpenRequest,
    SandboxSpec,
    connection_for,
)
from app.connectors.wellnessliving.client import WellnessLivingClient
from app.connectors.wellnessliving.regions import REGION_LABELS, Region
from app.connectors.wellnessliving.settings import (
    SECRET_KEYS,
    WellnessLivingConnection,
    WellnessLivingSecrets,
    WellnessLivingSourceSettings,
    open_client,
)
from app.connectors.wellnessliving.settings import open_source as open_wl_source
from app.connectors.wellnessliving.source import (
    COLUMNS,
    ClientsChoice,
    WellnessLivingSource,
    Withdrawn,
)
from app.core.errors import ConfigError, NeedsReconnect
from app.core.filters import FilterGroup
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.store_types import Connection, ConnectionStatus

KIND = "wellnessliving"
LABEL = "WellnessLiving"
SAMPLE_PROFILE = "WellnessLiving clients → Newsletter"
SAMPLE_LIST = "Newsletter"
URL_ENV = "CONTACTBRIDGE_WELLNESSLIVING_URL"  # the sandbox uses an emulator run elsewhere
NAME_KEY = "business_name"  # the name the user gave the business (WellnessLiving's API has none)
OPT_OUT_NOTE = (
    "In WellnessLiving, a client's consent is their email subscription to your news and "
    "updates (in their profile, or the Client Portal). A client who turned it off counts as "
    "opted out; a client never asked is left out unless the profile takes all clients."
)


# -- connecting --------------------------------------------------------------------------------


def _settings_of(options: Mapping[str, Any], saved: Mapping[str, Any]) -> dict[str, Any]:
    """The connection's settings: the form's answers over the saved ones (never a secret)."""
    merged = {k: v for k, v in saved.items() if k not in SECRET_KEYS}
    merged.update({k: v for k, v in options.items() if k not in SECRET_KEYS and v is not None})
    return merged


def _secrets_of(options: Mapping[str, Any], saved: Mapping[str, Any] | None) -> dict[str, str]:
    """The secrets to use: the form's, else those the keyring holds for the connection."""
    kept = dict(saved or {})
    return {k: str(options.get(k) or kept.get(k) or "") for k in SECRET_KEYS}


def account_name(settings: Mapping[str, Any]) -> str:
    """``Lotus & Pine Yoga (us.wellnessliving.com)``: the business, and the host serving it."""
    name = str(settings.get(NAME_KEY) or "").strip()
    key = str(settings.get("business_key") or "")
    host = str(settings.get("host") or "")
    shown = name or (f"Business {key}" if key else LABEL)
    return f"{shown} ({host})" if host else shown


def connect(host: ConnectorHost, request: ConnectRequest) -> Connection:
    """Check the keys and the staff sign-in, then save the connection (secrets to the keyring).

    ``request.options``: ``region``, ``environment``, ``business_key``, ``application_id``,
    ``staff_login``, ``business_name`` (optional) and the secrets ``application_secret`` and
    ``staff_password``. Nothing is saved when the check fails.

    Raises:
        ConfigError: a setting or secret is missing or unknown, in plain words.
        AuthError: WellnessLiving refused the keys or the sign-in, in its own words.
    """
    found = host.connection(request.connection_id) if request.connection_id else None
    if request.connection_id is not None and (found is None or found.service != KIND):
        raise ConfigError("That WellnessLiving connection was removed. Connect again.")
    saved = found.settings if found is not None else {}
    settings = _settings_of(request.options, saved)
    connection = WellnessLivingConnection.from_settings(settings)
    kept = host.secrets.load_token(found.id) if found is not None else None
    secrets = WellnessLivingSecrets.from_secrets(_secrets_of(request.options, kept))
    settings.update(connection.to_settings())
    settings["sandbox"] = host.sandbox
    # The connection is checked before it is saved: a mistyped key leaves nothing behind.
    trial = Connection(
        found.id if found else 0, KIND, request.label, "", ConnectionStatus.CONNECTED, settings
    )
    with open_client(
        connection, secrets, connect_to=host.service_urls(KIND, trial), stats=host.stats
    ) as wl:
        check = wl.check_connection()
    settings["host"] = check.host
    settings["clients"] = check.clients
    if found is None:
        found = host.create_connection(KIND, request.label, settings)
    host.secrets.save_token(found.id, secrets.to_secrets())
    return host.save_connection(
        found.id, status="connected", account_name=account_name(settings), settings=settings
    )


def client(host: ConnectorHost, connection_id: int) -> WellnessLivingClient:
    """A client for a saved connection (for the wizard's choices: client types, groups).

    Raises:
        ConfigError: the connection was removed.
        NeedsReconnect: the keyring no longer holds its secrets.
    """
    conn = host.connection(connection_id)
    if conn is None or conn.service != KIND:
        raise ConfigError("This profile's WellnessLiving connection was removed. Connect again.")
    return open_client(
        WellnessLivingConnection.from_settings(conn.settings),
        _saved_secrets(host, conn),
        connect_to=host.service_urls(KIND, conn),
        stats=host.stats,
    )


def _saved_secrets(host: ConnectorHost, conn: Connection) -> WellnessLivingSecrets:
    token = host.secrets.load_token(conn.id)
    if token is None:
        raise NeedsReconnect(
            "Connect to WellnessLiving again: enter the application's authorization code and "
            "the staff password (ContactBridge keeps them in your system's keyring only)."
        )
    return WellnessLivingSecrets.from_secrets(token)


def open_source(host: ConnectorHost, request: OpenRequest) -> WellnessLivingSource:
    """The WellnessLiving source of a profile (``settings["connection_id"]``, else the
    first connection), with the profile's choice of clients, filters and withdrawals."""
    conn = connection_for(
        host,
        KIND,
        request.settings,
        "Connect to WellnessLiving first: this profile reads its clients from WellnessLiving.",
    )
    return open_wl_source(
        WellnessLivingConnection.from_settings(conn.settings),
        _saved_secrets(host, conn),
        WellnessLivingSourceSettings.from_settings(request.settings),
        connect_to=host.service_urls(KIND, conn),
        stats=host.stats,
        label=LABEL,
    )


def describe(settings: Mapping[str, Any]) -> str:
    """ "WellnessLiving", or "WellnessLiving (all clients)" when it takes every client."""
    if str(settings.get("clients") or "") == ClientsChoice.ALL.value:
        return f"{LABEL} (all clients)"
    return LABEL


def region_words(settings: Mapping[str, Any]) -> str:
    """The region in words ("Canada"), for the connection's details."""
    try:
        return REGION_LABELS[Region(str(settings.get("region") or Region.US.value))]
    except ValueError:
        return str(settings.get("region") or "")


# -- the sandbox -------------------------------------------------------------------------------


def _env_urls() -> str | None:
    address = os.environ.get(URL_ENV, "").strip()
    return address.rstrip("/") or None


EXPORT_SAMPLE = "wellnessliving-all-clients.csv"  # in the sandbox's samples folder


def _sandbox() -> Any:
    """The sandbox's WellnessLiving (imported by name, as its emulator is)."""
    return importlib.import_module("app.sandbox.wellnessliving")


def _sample_options() -> dict[str, str]:
    """The sample business's keys and staff sign-in (sandbox values)."""
    found: dict[str, str] = _sandbox().sample_connection()
    return found


def _prepare_sandbox(
    host: ConnectorHost, cc_connection_id: int, samples: Path, with_samples: bool
) -> Sequence[SyncProfile]:
    """Connect to the sample business (again each launch: the sandbox's keyring is memory
    only); on first use, the sample profile, and the sample "All Clients" export for trying
    the file fallback (``samples/wellnessliving-all-clients.csv``)."""
    export = samples / "samples" / EXPORT_SAMPLE
    if with_samples and not export.exists():
        export.parent.mkdir(parents=True, exist_ok=True)
        _sandbox().write_all_clients_export(export)
    conns = host.connections_of(KIND)
    conn = conns[0] if conns else None
    if conn is not None and host.secrets.load_token(conn.id) is not None:
        return ()
    if conn is None and not with_samples:
        return ()
    options = _sample_options()
    conn = connect(
        host,
        ConnectRequest(options[NAME_KEY], connection_id=conn.id if conn else None, options=options),
    )
    if not with_samples or conns:
        return ()
    return (sample_profile(host, conn.id, cc_connection_id),)


def sample_profile(
    host: ConnectorHost, wl_connection_id: int, cc_connection_id: int
) -> SyncProfile:
    """The WellnessLiving sample profile: subscribed clients into "Newsletter", with Name,
    Email and City; a withdrawal unsubscribes, a Constant Contact unsubscribe is written
    back, updates made in Constant Contact are not."""
    choices = WellnessLivingSourceSettings(
        ClientsChoice.SUBSCRIBED, withdrawn=Withdrawn.UNSUBSCRIBE
    )
    return SyncProfile(
        name=SAMPLE_PROFILE,
        source=SourceSpec(KIND, {"connection_id": wl_connection_id, **choices.to_settings()}),
        main_list=SAMPLE_LIST,
        connection_id=cc_connection_id,
        options=SyncOptions(
            opt_out_handling=OptOutHandling.UNSUBSCRIBE,
            optout_to_source=True,
            import_from_cc=False,
            import_updates_existing=False,
        ),
        mapping=host.suggest_mapping(list(COLUMNS)),
        filters=FilterGroup(),
    )


CONNECTOR = Connector(
    kind=KIND,
    label=LABEL,
    name=LABEL,
    capabilities=WellnessLivingSource.capabilities,
    open_source=open_source,
    describe=describe,
    connect=connect,
    urls=lambda settings: None,  # the host comes from the region and environment
    panel="app.ui.services.wellnessliving",
    opt_out_note=OPT_OUT_NOTE,
    sandbox=SandboxSpec(
        emulator="app.sandbox.wellnessliving:start_sandbox",
        emulator_urls=lambda emulator: emulator.base_url,
        env_urls=_env_urls,
        env_names=(URL_ENV,),
        prepare=_prepare_sandbox,
    ),
)
