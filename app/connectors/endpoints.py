"""Where Constant Contact lives: the API and authorization URLs, and the scopes we ask for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_API_URL = "https://api.cc.email/v3"
DEFAULT_AUTH_URL = "https://authz.constantcontact.com/oauth2/default/v1"

# A contract with the sandbox, the CLI and the tests: these names must not change.
API_URL_ENV = "CONTACTBRIDGE_CC_API_URL"
AUTH_URL_ENV = "CONTACTBRIDGE_CC_AUTH_URL"

# offline_access is what makes the token endpoint hand out a refresh token.
SCOPES: tuple[str, ...] = ("contact_data", "campaign_data", "account_read", "offline_access")


@dataclass(frozen=True)
class ServiceUrls:
    """The two roots of Constant Contact: the v3 API and the OAuth2 authorization server."""

    api_url: str
    auth_url: str

    @property
    def api_origin(self) -> str:
        """``scheme://host[:port]`` of the API, to resolve the relative ``_links`` hrefs."""
        parts = urlsplit(self.api_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def api_base_path(self) -> str:
        """The API path prefix, e.g. ``/v3``."""
        return urlsplit(self.api_url).path.rstrip("/")

    @property
    def authorize_url(self) -> str:
        return f"{self.auth_url}/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.auth_url}/token"

    @property
    def device_authorize_url(self) -> str:
        return f"{self.auth_url}/device/authorize"


def constant_contact_urls(
    settings: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
) -> ServiceUrls:
    """The URLs to use: defaults, then ``settings`` (``cc_api_url``/``cc_auth_url``), then env.

    The environment wins so that the sandbox and tests can point a whole process at an
    emulator without touching saved settings.
    """
    settings = settings or {}
    environ = os.environ if environ is None else environ
    api = environ.get(API_URL_ENV) or settings.get("cc_api_url") or DEFAULT_API_URL
    auth = environ.get(AUTH_URL_ENV) or settings.get("cc_auth_url") or DEFAULT_AUTH_URL
    return ServiceUrls(api_url=api.rstrip("/"), auth_url=auth.rstrip("/"))
