"""Where Salesforce lives: the login hosts (production or sandbox org), the OAuth endpoints,
the scopes ContactBridge asks for, and the API versions it speaks.

Every call after the sign-in goes to the org's own ``instance_url`` (from the token
answer), under one API version pinned per connection when connecting (the newest the org
offers, up to :data:`NEWEST_VERSION`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.connectors.endpoints import ServiceUrls
from app.core.errors import ConfigError

PRODUCTION_LOGIN = "https://login.salesforce.com"
SANDBOX_LOGIN = "https://test.salesforce.com"
# A contract with the sandbox and the tests: these names must not change.
LOGIN_URL_ENV = "CONTACTBRIDGE_SALESFORCE_LOGIN_URL"  # an emulator run elsewhere
CLIENT_ID_ENV = "CONTACTBRIDGE_SALESFORCE_CLIENT_ID"  # a consumer key to offer by default
# "api" for the REST and Bulk APIs; "refresh_token" for a refresh token (no expires_in:
# ContactBridge refreshes when Salesforce answers 401 INVALID_SESSION_ID).
SCOPES: tuple[str, ...] = ("api", "refresh_token")
# The loopback address Salesforce sends the browser back to. Salesforce compares callback
# URLs exactly, so the port is fixed and the user enters this URL in their app's settings.
CALLBACK_PORT = 1717
CALLBACK_URL = f"http://127.0.0.1:{CALLBACK_PORT}/callback"
# API versions: 47.0 brought Bulk API 2.0 queries; 66.0 is Spring '26, the newest tested.
OLDEST_VERSION = 47.0
NEWEST_VERSION = 66.0


class OrgType(StrEnum):
    """SyncApps' "Salesforce Sandbox" switch: a production org or a sandbox (test) org."""

    PRODUCTION = "production"
    SANDBOX = "sandbox"


@dataclass(frozen=True)
class SalesforceUrls(ServiceUrls):
    """The login host's OAuth endpoints (``auth_url`` is ``<host>/services/oauth2``).

    ``api_url`` is empty: the API lives at the org's ``instance_url``, which the token
    answer gives. ``sandbox_auth_url`` is the sandbox orgs' host when one object names
    both (an emulator's); :meth:`for_org` picks.
    """

    sandbox_auth_url: str = ""

    def for_org(self, org_type: str) -> SalesforceUrls:
        """The host a production or sandbox org signs in on."""
        if org_type == OrgType.SANDBOX.value and self.sandbox_auth_url:
            return SalesforceUrls("", self.sandbox_auth_url)
        return self

    @property
    def login_url(self) -> str:
        return self.auth_url.removesuffix("/services/oauth2")

    @property
    def authorize_url(self) -> str:
        return f"{self.auth_url}/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.auth_url}/token"


def login_urls(login_url: str, sandbox_login_url: str = "") -> SalesforceUrls:
    """The OAuth endpoints of a login host (``https://login.salesforce.com``, a My Domain
    address, or an emulator's), and of the sandbox orgs' host when it is another."""
    test = f"{sandbox_login_url.rstrip('/')}/services/oauth2" if sandbox_login_url else ""
    return SalesforceUrls("", f"{login_url.rstrip('/')}/services/oauth2", test)


def salesforce_urls(
    settings: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> SalesforceUrls:
    """The login host for a connection: the environment's (an emulator), the connection's
    own ``login_url`` (My Domain), else production's or the sandbox orgs' by ``org_type``."""
    settings = settings or {}
    environ = os.environ if environ is None else environ
    login = environ.get(LOGIN_URL_ENV) or str(settings.get("login_url") or "")
    if not login:
        sandbox = str(settings.get("org_type") or "") == OrgType.SANDBOX.value
        login = SANDBOX_LOGIN if sandbox else PRODUCTION_LOGIN
    return login_urls(login)


def pick_version(versions: Sequence[Mapping[str, Any]]) -> str:
    """The API version to pin: the newest the org offers up to :data:`NEWEST_VERSION`.

    ``versions`` is ``GET /services/data/``'s answer (``[{"version": "66.0", ...}]``).

    Raises:
        ConfigError: the org offers no version ContactBridge can use.
    """
    usable = []
    for item in versions:
        try:
            number = float(str(item.get("version") or ""))
        except ValueError:
            continue
        if OLDEST_VERSION <= number <= NEWEST_VERSION:
            usable.append(number)
    if not usable:
        raise ConfigError(
            f"This Salesforce org offers no API version ContactBridge can use (it needs "
            f"{OLDEST_VERSION:.1f} to {NEWEST_VERSION:.1f}). Ask your Salesforce admin."
        )
    return f"{max(usable):.1f}"
