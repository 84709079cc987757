"""Connecting a Xero organisation: sign-in, the client for a saved connection, its source.

The app's connections (``app/sync/facade/connections.py``) keep the connection row and ask
these helpers for the rest, so that the Xero specifics live with the connector. A Xero
connection's settings hold ``tenant_id``, ``tenant_name``, ``tenants`` (every organisation
the sign-in allowed, for a picker), ``organisation`` (the chosen one as ``GET /Organisation``
describes it: ``organisation_id``, ``name``, ``country_code``, ``short_code``; None when it
could not be read), ``client_id`` and ``sandbox``. Names are not secrets and stay in SQLite;
the token lives in the keyring like any other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from app.connectors.base import RequestStats, TokenStore
from app.connectors.oauth import TokenManager, authorize_with_pkce
from app.connectors.xero.client import SERVICE, XeroClient, XeroOrganisation, XeroTenant
from app.connectors.xero.endpoints import ORGANISATION_SCOPES, SCOPES, XeroUrls
from app.connectors.xero.source import XeroSource
from app.core.errors import AppError, AuthError, ConfigError, NeedsReconnect

log = logging.getLogger(__name__)
SERVICE_NAME = "xero"


def sign_in(
    urls: XeroUrls,
    client_id: str,
    open_browser: Callable[[str], object],
    should_stop: Callable[[float], bool] | None = None,
) -> dict[str, Any]:
    """Run the PKCE sign-in in the browser; returns the new token."""
    if not client_id:
        raise ConfigError("Enter your Xero app's client id first (see Help > Connecting Xero).")
    return authorize_with_pkce(
        urls, client_id, open_browser, scopes=SCOPES, should_stop=should_stop, service=SERVICE
    )


def tenant_settings(tenants: list[XeroTenant], tenant_id: str | None = None) -> dict[str, Any]:
    """The settings naming the chosen organisation (the first unless ``tenant_id`` is given)."""
    if not tenants:
        raise AuthError(
            "The Xero sign-in did not allow any organisation. Connect again and choose one."
        )
    chosen = next((t for t in tenants if t.tenant_id == tenant_id), None) if tenant_id else None
    if tenant_id and chosen is None:
        raise ConfigError("That Xero organisation is not connected to ContactBridge.")
    chosen = chosen or tenants[0]
    return {
        "tenant_id": chosen.tenant_id,
        "tenant_name": chosen.name,
        "tenants": [{"tenant_id": t.tenant_id, "name": t.name} for t in tenants],
    }


def may_read_organisation(token: Mapping[str, Any] | None) -> bool:
    """Whether the token's grant includes a scope for ``GET /Organisation``.

    Xero's token answer lists the granted ``scope``; a connection made before ContactBridge
    asked for ``accounting.settings.read`` lacks it, and a refresh keeps the old scopes. A
    token that names no scope at all is given the benefit of the doubt.
    """
    if not token:
        return False
    scope = token.get("scope")
    if scope is None:
        return True
    granted = set(scope.split()) if isinstance(scope, str) else {str(s) for s in scope}
    return bool(granted & ORGANISATION_SCOPES)


def organisation_settings(client: XeroClient, token: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"organisation": ...}`` for the client's tenant: read from Xero, or None.

    None when the grant lacks the settings scope (the app then asks to reconnect to show the
    name) or Xero could not say: the organisation's name is a nicety, never a reason for a
    connection to fail. Only a sign-in Xero no longer accepts is raised.
    """
    if not may_read_organisation(token):
        return {"organisation": None}
    try:
        organisation = client.get_organisation()
    except NeedsReconnect:
        raise
    except AppError as exc:  # e.g. 401 AuthorizationUnsuccessful: the scope was not granted
        log.warning("Could not read the Xero organisation: %s", exc.message)
        return {"organisation": None}
    return {"organisation": organisation.to_settings() if organisation.name else None}


def organisation_of(settings: Mapping[str, Any]) -> XeroOrganisation | None:
    """The organisation a connection's settings name, if it was read."""
    return XeroOrganisation.from_settings(settings.get("organisation"))


def make_client(
    urls: XeroUrls,
    token_store: TokenStore,
    connection_id: int,
    client_id: str,
    tenant_id: str = "",
    *,
    stats: RequestStats | None = None,
    on_needs_reconnect: Callable[[int], object] | None = None,
) -> XeroClient:
    tokens = TokenManager(
        connection_id=connection_id,
        token_store=token_store,
        client_id=client_id,
        token_url=urls.token_url,
        on_needs_reconnect=on_needs_reconnect,
        service=SERVICE,
    )
    return XeroClient(urls, tokens, tenant_id, stats=stats)


def source_for(
    client: XeroClient, spec_settings: Mapping[str, Any], connection_settings: Mapping[str, Any]
) -> XeroSource:
    """The source a profile describes: its group and customer/supplier choices.

    Profile settings win; the connection's ``group_ids``/``group_names`` are the default.
    """

    def pick(key: str, default: Any) -> Any:
        if key in spec_settings:
            return spec_settings[key]
        return connection_settings.get(key, default)

    name = str(connection_settings.get("tenant_name") or "")
    return XeroSource(
        client,
        group_ids=tuple(pick("group_ids", ())),
        group_names=tuple(pick("group_names", ())),
        customers_only=bool(pick("customers_only", False)),
        suppliers_only=bool(pick("suppliers_only", False)),
        include_archived=bool(pick("include_archived", False)),
        label=f"Xero ({name})" if name else "Xero",
        list_groups=tuple(str(k) for k in (spec_settings.get("list_map") or {})),
    )
