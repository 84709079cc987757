"""Xero as the registry sees it: how it connects, opens, and runs in the sandbox."""

from __future__ import annotations

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
    SubAccount,
    connection_for,
)
from app.connectors.xero import account
from app.connectors.xero.client import XeroClient
from app.connectors.xero.contact_fields import COLUMNS
from app.connectors.xero.endpoints import (
    API_URL_ENV,
    AUTH_URL_ENV,
    CLIENT_ID_ENV,
    XeroUrls,
    xero_urls,
)
from app.connectors.xero.source import XeroSource
from app.core.errors import ConfigError, NeedsReconnect
from app.core.filters import FilterGroup
from app.core.profiles import SourceSpec, SyncProfile
from app.core.store_types import Connection

KIND = account.SERVICE_NAME
SAMPLE_PROFILE = "Xero customers → Newsletter"
SAMPLE_LIST = "Newsletter"


def client(host: ConnectorHost, connection_id: int, tenant_id: str | None = None) -> XeroClient:
    """A client for a saved connection (its organisation, unless ``tenant_id`` is given)."""
    conn = host.connection(connection_id)
    if conn is None or conn.service != KIND:
        raise ConfigError("This profile's Xero connection was removed. Connect to Xero.")
    if host.secrets.load_token(conn.id) is None:
        raise NeedsReconnect("Connect to Xero to continue.")
    return account.make_client(
        host.service_urls(KIND, conn),
        host.secrets,
        conn.id,
        str(conn.settings.get("client_id") or host.oauth_client_id(KIND)),
        str(conn.settings.get("tenant_id") or "") if tenant_id is None else tenant_id,
        stats=host.stats,
        on_needs_reconnect=lambda cid: host.save_connection(cid, status="needs_reconnect"),
    )


def connect(host: ConnectorHost, request: ConnectRequest) -> Connection:
    """Sign in to Xero (PKCE) and pick an organisation: ``account_id``, else the first.

    Every organisation the sign-in allowed is kept in the settings (``tenants``) for a
    picker; ``select_account`` switches later. The chosen one's name, country and short code
    are read too (``organisation``; None without the settings scope).
    """
    client_id = host.oauth_client_id(KIND)
    if request.connection_id is None:
        settings = {"client_id": client_id, "sandbox": host.sandbox}
        conn = host.create_connection(KIND, request.label, settings)
    else:
        found = host.connection(request.connection_id)
        if found is None:
            raise ConfigError("That Xero connection was removed. Connect to Xero again.")
        conn = found
    token = account.sign_in(
        host.service_urls(KIND, conn), client_id, host.open_browser, request.should_stop
    )
    host.secrets.save_token(conn.id, token)
    host.save_connection(conn.id, status="connected")
    settings = account.tenant_settings(_tenants(host, conn.id), request.account_id)
    return _save_tenant(host, conn.id, settings)


def accounts(host: ConnectorHost, connection_id: int) -> list[SubAccount]:
    """The organisations the connection's sign-in allowed (``GET /Connections``)."""
    return [SubAccount(t.tenant_id, t.name) for t in _tenants(host, connection_id)]


def select_account(host: ConnectorHost, connection_id: int, tenant_id: str) -> Connection:
    settings = account.tenant_settings(_tenants(host, connection_id), tenant_id)
    return _save_tenant(host, connection_id, settings)


def open_source(host: ConnectorHost, request: OpenRequest) -> XeroSource:
    """The Xero source of a profile (``settings["connection_id"]``, else the first).

    Opted out = in Xero's "Email opt-out" group.
    """
    conn = connection_for(
        host,
        KIND,
        request.settings,
        "Connect to Xero first: this profile reads its contacts from Xero.",
    )
    return account.source_for(client(host, conn.id), request.settings, conn.settings)


def _tenants(host: ConnectorHost, connection_id: int) -> list[Any]:
    with client(host, connection_id, tenant_id="") as c:
        return c.list_connections()


def _save_tenant(host: ConnectorHost, connection_id: int, settings: dict[str, Any]) -> Connection:
    """Keep the chosen tenant and its organisation (``GET /Organisation``) in SQLite."""
    token = host.secrets.load_token(connection_id)
    with client(host, connection_id, tenant_id=settings["tenant_id"]) as c:
        settings.update(account.organisation_settings(c, token))
    organisation = account.organisation_of(settings)
    name = organisation.name if organisation else settings["tenant_name"]
    return host.save_connection(connection_id, account_name=name, settings=settings)


# -- the sandbox -------------------------------------------------------------------------------


def _emulator_urls(emulator: Any) -> XeroUrls:
    return XeroUrls(
        emulator.api_url, emulator.identity_url, connections_url=emulator.connections_url
    )


def _env_urls() -> XeroUrls | None:
    return xero_urls() if os.environ.get(API_URL_ENV) and os.environ.get(AUTH_URL_ENV) else None


def _prepare_sandbox(
    host: ConnectorHost, cc_connection_id: int, samples: Path, with_samples: bool
) -> Sequence[SyncProfile]:
    """Connect to the sandbox organisation; on first use, the sample profile."""
    conns = host.connections_of(KIND)
    conn = conns[0] if conns else None
    if conn is not None and host.secrets.load_token(conn.id) is not None:
        return ()
    conn = connect(
        host,
        ConnectRequest(
            "Sandbox Xero",
            connection_id=conn.id if conn else None,
            account_id=conn.settings.get("tenant_id") if conn else None,
        ),
    )
    if not with_samples or conns:
        return ()
    return (sample_profile(host, conn.id, cc_connection_id),)


def sample_profile(
    host: ConnectorHost, xero_connection_id: int, cc_connection_id: int
) -> SyncProfile:
    """The Xero sample profile: the organisation's customers into the "Newsletter" list."""
    return SyncProfile(
        name=SAMPLE_PROFILE,
        source=SourceSpec(KIND, {"connection_id": xero_connection_id, "customers_only": True}),
        main_list=SAMPLE_LIST,
        connection_id=cc_connection_id,
        mapping=host.suggest_mapping(list(COLUMNS)),
        filters=FilterGroup(),
    )


def _describe(settings: Mapping[str, Any]) -> str:
    return "Xero"


CONNECTOR = Connector(
    kind=KIND,
    label="Xero",
    name="Xero",
    capabilities=XeroSource.capabilities,
    open_source=open_source,
    describe=_describe,
    connect=connect,
    accounts=accounts,
    select_account=select_account,
    urls=xero_urls,
    client_id=lambda: os.environ.get(CLIENT_ID_ENV, ""),
    panel="app.ui.services.xero",
    opt_out_note="In Xero, people in the “Email opt-out” contact group count as opted out.",
    sandbox=SandboxSpec(
        emulator="app.sandbox.xero:start_sandbox",
        emulator_urls=_emulator_urls,
        env_urls=_env_urls,
        env_names=(AUTH_URL_ENV, API_URL_ENV),
        prepare=_prepare_sandbox,
    ),
)
