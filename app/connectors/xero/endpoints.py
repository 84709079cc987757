"""Where Xero lives: the Accounting API, the identity service and /Connections; our scopes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.connectors.endpoints import ServiceUrls

DEFAULT_API_URL = "https://api.xero.com/api.xro/2.0"
DEFAULT_AUTH_URL = "https://login.xero.com/identity/connect"  # + /authorize
DEFAULT_TOKEN_URL = "https://identity.xero.com/connect/token"
# The path as xero-identity.yaml declares it (and xero-python's IdentityApi calls it).
CONNECTIONS_PATH = "/Connections"
DEFAULT_CONNECTIONS_URL = f"https://api.xero.com{CONNECTIONS_PATH}"

# A contract with the sandbox, the CLI and the tests: these names must not change.
API_URL_ENV = "CONTACTBRIDGE_XERO_API_URL"
AUTH_URL_ENV = "CONTACTBRIDGE_XERO_AUTH_URL"
CLIENT_ID_ENV = "CONTACTBRIDGE_XERO_CLIENT_ID"

# offline_access brings a refresh token; accounting.contacts reads and writes contacts/groups;
# accounting.settings.read lets ContactBridge read GET /Organisation (name, country, short code).
SCOPES: tuple[str, ...] = ("offline_access", "accounting.contacts", "accounting.settings.read")
# Either one allows GET /Organisation (the accounting spec's security section).
ORGANISATION_SCOPES = frozenset({"accounting.settings", "accounting.settings.read"})


@dataclass(frozen=True)
class XeroUrls(ServiceUrls):
    """Xero's roots. ``auth_url`` holds ``/authorize``; the token endpoint is on another host.

    A ``ServiceUrls`` so that ``oauth.authorize_with_pkce`` can drive the sign-in.
    """

    token_endpoint: str = ""
    connections_url: str = ""

    @property
    def authorize_url(self) -> str:
        return f"{self.auth_url}/authorize"

    @property
    def token_url(self) -> str:
        return self.token_endpoint or f"{self.auth_url}/token"

    @property
    def tenants_url(self) -> str:
        """``GET`` lists the organisations a token may use (``/Connections``)."""
        if self.connections_url:
            return self.connections_url
        parts = urlsplit(self.api_url)
        return f"{parts.scheme}://{parts.netloc}{CONNECTIONS_PATH}"


def xero_urls(
    settings: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
) -> XeroUrls:
    """The URLs to use: Xero's, then ``settings`` (``xero_api_url``/``xero_auth_url``), then env.

    An overridden API root also moves ``/Connections`` to its host, and an overridden
    identity root serves ``/token`` too, as the emulator does.
    """
    settings = settings or {}
    environ = os.environ if environ is None else environ
    api = environ.get(API_URL_ENV) or settings.get("xero_api_url") or ""
    auth = environ.get(AUTH_URL_ENV) or settings.get("xero_auth_url") or ""
    return XeroUrls(
        api_url=(api or DEFAULT_API_URL).rstrip("/"),
        auth_url=(auth or DEFAULT_AUTH_URL).rstrip("/"),
        token_endpoint="" if auth else DEFAULT_TOKEN_URL,
        connections_url="" if api else DEFAULT_CONNECTIONS_URL,
    )
