"""The NeonCRM API v2 client: who is connected, account search, accounts, custom fields.

Every call signs in with HTTP Basic (org id : API key), names the API version
(``NEON-API-VERSION``), and goes through ``ApiSession`` under :data:`policy.NEON_WIRE`: one
account search at a time and five other calls per org, 10 a second, a 429 retried with
growing waits (tenacity), a 500/502/503/504 retried where repeating is harmless. Every 2xx
is a success; a merged account's old id answers 222 with the surviving account.

Searches ask for at most 200 rows a page (Neon's cap, code 9004), sorted by account id so
that the pages do not shift while they are read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from app.connectors.auth import BasicAuth
from app.connectors.base import RequestStats
from app.connectors.http import ApiSession, RateLimiter, RetryPolicy, shared_limiter
from app.connectors.neoncrm.hosts import API_VERSION
from app.connectors.neoncrm.policy import NEON_WIRE, PER_SECOND
from app.core.errors import ConfigError, NotFound

PAGE_SIZE = 200  # Neon's cap on a search page
SEARCH = "/accounts/search"

Criterion = Mapping[str, Any]  # {"field", "operator", "value" | "valueList"}


@dataclass(frozen=True)
class SearchField:
    """A field Neon's account search can filter on, with the operators it advertises.

    ``field_id`` is set for a custom field (searched by its id; its ``name`` is its display
    name, which two fields may share).
    """

    name: str
    operators: tuple[str, ...]
    field_id: str = ""

    @property
    def key(self) -> str:
        return self.field_id or self.name


@dataclass(frozen=True)
class SearchFields:
    """``GET /accounts/search/searchFields``: the standard fields and the org's custom ones."""

    standard: tuple[SearchField, ...]
    custom: tuple[SearchField, ...] = ()

    def find(self, name: str) -> SearchField | None:
        return next((f for f in (*self.standard, *self.custom) if f.key == name), None)


@dataclass(frozen=True)
class SearchPage:
    rows: list[dict[str, Any]]
    page: int
    total_pages: int
    total_results: int


@dataclass(frozen=True)
class Whoami:
    """The connected org and API user, as Neon's setup page names them."""

    org_id: str
    org_name: str
    user_name: str
    user_email: str = ""
    app_url: str = ""


@dataclass
class NeonClient:
    """Calls NeonCRM for one org as one API user.

    Args:
        root: the API root (``https://api.neoncrm.com/v2``, or the sandbox's).
        org_id, api_key: what Neon issued; the key is a secret (the keyring keeps it).
        session, limiter, stats, retry, sleep: passed to ``ApiSession`` (tests inject them).
    """

    root: str
    org_id: str
    api_key: str = field(repr=False)
    session: requests.Session | None = None
    limiter: RateLimiter | None = None
    stats: RequestStats | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if not self.org_id.strip():
            raise ConfigError("Enter your NeonCRM org ID.")
        if not self.api_key.strip():
            raise ConfigError("Enter the API key of your NeonCRM API user.")
        account = f"{self.root.rstrip('/')}#{self.org_id}"
        limiter = self.limiter or shared_limiter(f"neoncrm:{account}", PER_SECOND, 1.0)
        self.api = ApiSession(
            self.root,
            NEON_WIRE.signed_by(
                BasicAuth(self.org_id.strip(), self.api_key.strip()), account=account
            ),
            session=self.session,
            limiter=limiter,
            stats=self.stats,
            retry=self.retry,
            sleep=self.sleep,
            headers={"NEON-API-VERSION": API_VERSION},
        )

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> NeonClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- who is connected ---------------------------------------------------------------------

    def whoami(self) -> Whoami:
        """The org's name and the API user's name (Neon's setup page shows both)."""
        org = self.api.get("/properties/organizationProfile") or {}
        user = self.api.get("/properties/currentSystemUser") or {}
        parts = (user.get("firstName"), user.get("middleName"), user.get("lastName"))
        name = " ".join(str(p).strip() for p in parts if p and str(p).strip())
        email = str(user.get("email") or org.get("email") or "")
        return Whoami(
            org_id=str(org.get("orgId") or self.org_id),
            org_name=str(org.get("name") or "").strip(),
            user_name=name or str(user.get("id") or ""),
            user_email=email,
            app_url=str(org.get("appUrl") or ""),
        )

    # -- search ---------------------------------------------------------------------------------

    def search_fields(self) -> SearchFields:
        data = self.api.get(SEARCH + "/searchFields") or {}
        standard = tuple(
            SearchField(str(f.get("fieldName")), tuple(f.get("operators") or ()))
            for f in data.get("standardFields") or ()
            if isinstance(f, Mapping) and f.get("fieldName")
        )
        custom = tuple(
            SearchField(
                str(f.get("displayName") or f.get("name") or ""),
                tuple(f.get("operators") or ()),
                str(f.get("id")),
            )
            for f in data.get("customFields") or ()
            if isinstance(f, Mapping) and f.get("id") is not None
        )
        return SearchFields(standard, custom)

    def output_fields(self) -> tuple[list[str], dict[str, str]]:
        """The standard output names, and the custom output fields (id → display name)."""
        data = self.api.get(SEARCH + "/outputFields") or {}
        standard = [str(f) for f in data.get("standardFields") or () if isinstance(f, str)]
        custom = {
            str(f["id"]): str(f.get("displayName") or f.get("name") or "")
            for f in data.get("customFields") or ()
            if isinstance(f, Mapping) and f.get("id") is not None
        }
        return standard, custom

    def search_page(
        self,
        criteria: Sequence[Criterion],
        outputs: Sequence[str | int],
        page: int = 0,
        size: int = PAGE_SIZE,
    ) -> SearchPage:
        body = {
            "searchFields": [dict(c) for c in criteria],
            "outputFields": list(outputs),
            "pagination": {
                "currentPage": page,
                "pageSize": size,
                "sortColumn": "Account ID",
                "sortDirection": "ASC",
            },
        }
        data = self.api.post(SEARCH, json=body, idempotent=True) or {}
        pagination = data.get("pagination") or {}
        return SearchPage(
            rows=[r for r in data.get("searchResults") or () if isinstance(r, dict)],
            page=int(pagination.get("currentPage") or page),
            total_pages=int(pagination.get("totalPages") or 0),
            total_results=int(pagination.get("totalResults") or 0),
        )

    def search(
        self,
        criteria: Sequence[Criterion],
        outputs: Sequence[str | int],
        *,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every row of a search, page by page (200 a page)."""
        page = 0
        while True:
            found = self.search_page(criteria, outputs, page)
            yield from found.rows
            page += 1
            if page >= found.total_pages or not found.rows:
                return
            if should_stop is not None and should_stop():
                return

    def count(self, criteria: Sequence[Criterion]) -> int:
        """How many accounts match (one row asked for)."""
        return self.search_page(criteria, ["Account ID"], 0, 1).total_results

    # -- accounts -------------------------------------------------------------------------------

    def get_account(self, account_id: str) -> dict[str, Any] | None:
        """``{"individualAccount": …}`` or ``{"companyAccount": …}``; None when Neon has no
        such account. A merged account's old id answers with the survivor (HTTP 222)."""
        try:
            found = self.api.get("/accounts/{id}", path_params={"id": account_id})
        except NotFound:
            return None
        return found if isinstance(found, dict) else None

    def create_account(self, body: Mapping[str, Any]) -> str:
        """Create an account; its new id. Never retried after an unclear failure."""
        answer = self.api.post("/accounts", json=dict(body)) or {}
        account_id = str(answer.get("id") or answer.get("accountId") or "")
        if not account_id:
            raise ConfigError("NeonCRM created the account but did not say its id.")
        return account_id

    def patch_account(self, account_id: str, body: Mapping[str, Any]) -> None:
        """Change only what ``body`` carries. Neon may answer 200 with no JSON, 204 or 222."""
        try:
            self.api.request(
                "PATCH",
                "/accounts/{id}",
                path_params={"id": account_id},
                json=dict(body),
                idempotent=True,
            )
        except ValueError:
            return  # a 2xx whose body is not JSON: practitioners saw it live

    def custom_fields(self, category: str = "Account") -> list[dict[str, Any]]:
        """``GET /customFields?category=…``: the org's custom fields (a bare array)."""
        found = self.api.get("/customFields", params={"category": category})
        return [f for f in found or () if isinstance(f, dict)]
