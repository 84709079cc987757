"""The Xero Accounting API client: connections, the organisation, contacts and contact groups.

Every call carries ``xero-tenant-id`` and passes a client-side limiter of 60 calls a minute
per organisation (Xero's limit; the day allows 5,000). A 429 is read as Xero writes it:
``X-Rate-Limit-Problem: minute`` (or ``concurrent``) waits ``Retry-After`` seconds and
retries; ``day`` stops with :class:`QuotaExceeded`, saying when Xero allows calls again.
Writes send an ``Idempotency-Key`` so that retrying them after a reset or a 5xx is safe.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from app.connectors.auth import BearerAuth, TokenProvider
from app.connectors.base import RequestStats
from app.connectors.http import (
    DEFAULT_TIMEOUT,
    ApiSession,
    RateLimiter,
    RetryPolicy,
    build_session,
    shared_limiter,
)
from app.connectors.wire import Answer, LimitVerdict, Wait, WirePolicy, header_seconds
from app.connectors.xero.endpoints import XeroUrls
from app.core.errors import (
    AuthError,
    NeedsReconnect,
    QuotaExceeded,
    RemoteError,
    ValidationError,
)

SERVICE = "Xero"
PAGE_SIZE = 100  # Xero's page of contacts; pageSize may go up to 1000
WRITE_BATCH = 50  # contacts per PUT/POST, as Xero recommends for large writes
IDS_BATCH = 50  # contact ids per GET /Contacts?IDs=
PER_MINUTE = 60
DEFAULT_RETRY_AFTER = 60.0
RECONNECT_MESSAGE = (
    "Xero needs you to connect again: the saved authorization has expired or was revoked."
)


@dataclass(frozen=True)
class XeroTenant:
    """One organisation a Xero sign-in may use (from ``GET /Connections``)."""

    tenant_id: str
    name: str
    tenant_type: str = "ORGANISATION"
    connection_id: str = ""


@dataclass(frozen=True)
class XeroOrganisation:
    """The connected organisation, from ``GET /Organisation`` (not a secret: kept in SQLite).

    Attributes:
        country_code: ISO 3166 alpha-2, e.g. ``NZ``; may be empty.
        short_code: Xero's short code for the organisation, e.g. ``!mBdtL``.
    """

    organisation_id: str
    name: str
    country_code: str = ""
    short_code: str = ""

    def to_settings(self) -> dict[str, str]:
        return {
            "organisation_id": self.organisation_id,
            "name": self.name,
            "country_code": self.country_code,
            "short_code": self.short_code,
        }

    @classmethod
    def from_settings(cls, data: Any) -> XeroOrganisation | None:
        """The organisation kept in a connection's settings, or None if there is none."""
        if not isinstance(data, Mapping) or not str(data.get("name") or "").strip():
            return None
        return cls(
            organisation_id=str(data.get("organisation_id") or ""),
            name=str(data["name"]).strip(),
            country_code=str(data.get("country_code") or ""),
            short_code=str(data.get("short_code") or ""),
        )


@dataclass(frozen=True)
class ContactGroup:
    """A Xero contact group."""

    group_id: str
    name: str
    status: str = "ACTIVE"


def error_text(body: str) -> str:
    """Xero's own words from an error body (validation messages, ``Message`` or ``Detail``)."""
    try:
        data = json.loads(body)
    except ValueError:
        text = body.strip()
        return text if len(text) <= 200 and "<" not in text else ""
    if not isinstance(data, Mapping):
        return ""
    messages = validation_messages(data)
    if messages:
        return "; ".join(messages[:3])
    return str(data.get("Message") or data.get("Detail") or data.get("Title") or "")


def validation_messages(data: Mapping[str, Any]) -> list[str]:
    """Each invalid element's errors, as ``Name: message`` lines."""
    out: list[str] = []
    for element in data.get("Elements") or ():
        label = str(element.get("Name") or element.get("ContactID") or "").strip()
        for error in element.get("ValidationErrors") or ():
            message = str(error.get("Message") or "").strip()
            if message:
                out.append(f'"{label}": {message}' if label else message)
    return out


def names_taken(body: str) -> set[str]:
    """Lower-cased names a refused write was refused for because another contact has them."""
    try:
        data = json.loads(body)
    except ValueError:
        return set()
    taken: set[str] = set()
    for element in (data.get("Elements") or ()) if isinstance(data, Mapping) else ():
        for error in element.get("ValidationErrors") or ():
            if "must be unique" in str(error.get("Message") or ""):
                taken.add(str(element.get("Name") or "").strip().lower())
    return taken


def day_limit_error(now: datetime, retry_after: float) -> QuotaExceeded:
    resets_at = now.astimezone(UTC) + timedelta(seconds=retry_after)
    hours = retry_after / 3600
    when = (
        f"in about {math.ceil(hours)} hour{'s' if math.ceil(hours) != 1 else ''}"
        if hours >= 1
        else f"in about {max(1, math.ceil(retry_after / 60))} minutes"
    )
    return QuotaExceeded(
        "Xero's daily limit of 5,000 requests for this organisation is used up. The run has "
        f"stopped and can resume after the limit resets at {resets_at:%H:%M} UTC ({when}).",
        resets_at=resets_at,
    )


def xero_limits(answer: Answer, policy: WirePolicy, now: datetime) -> LimitVerdict:
    """Xero's 429: ``X-Rate-Limit-Problem: day`` stops the run; any other waits ``Retry-After``."""
    if answer.status != 429:
        return None
    retry_after = max(
        1.0, header_seconds(answer.headers, "Retry-After", now) or DEFAULT_RETRY_AFTER
    )
    if (answer.headers.get("X-Rate-Limit-Problem") or "").strip().lower() == "day":
        return day_limit_error(now, retry_after)
    return Wait(retry_after)


# How Xero is spoken to: OAuth 2 bearer tokens (PKCE, rotating refresh tokens), its own 429s,
# and its own words in error bodies (validation messages, Message or Detail).
WIRE = WirePolicy(service=SERVICE, signals=(xero_limits,), message_of=error_text)


class XeroClient:
    """Calls to one Xero organisation (tenant).

    Args:
        urls: where Xero lives (``endpoints.xero_urls`` or the emulator's).
        token_manager: gives access tokens (an ``oauth.TokenManager``).
        tenant_id: the organisation; may be empty for :meth:`list_connections` only.
        limiter: the client-side throttle; by default one per organisation in this process,
            at 60 calls a minute.
        sleep, clock, now: injectable for tests.
        page_size: contacts per page (1..1000).
    """

    def __init__(
        self,
        urls: XeroUrls,
        token_manager: TokenProvider,
        tenant_id: str = "",
        *,
        session: requests.Session | None = None,
        stats: RequestStats | None = None,
        limiter: RateLimiter | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, safe as a default
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.urls = urls
        self.tenant_id = tenant_id
        self.page_size = page_size
        self._own_session = session is None
        self.session = session if session is not None else build_session()
        if limiter is None:
            limiter = shared_limiter(f"xero:{tenant_id}", PER_MINUTE, 60.0)
        wire = WIRE.signed_by(BearerAuth(token_manager), account=tenant_id)
        common: dict[str, Any] = dict(
            session=self.session,
            stats=stats,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
            clock=clock,
            now=now,
        )
        self.api = ApiSession(
            urls.api_url, wire, limiter=limiter, headers={"xero-tenant-id": tenant_id}, **common
        )
        identity_limiter = RateLimiter(PER_MINUTE, 60.0, clock=clock, sleep=sleep)
        self.identity = ApiSession(
            urls.tenants_url, wire, limiter=identity_limiter, **{**common, "stats": self.api.stats}
        )

    @property
    def stats(self) -> RequestStats:
        return self.api.stats

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> XeroClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(
        self, method: str, template: str, *, session: ApiSession | None = None, **kwargs: Any
    ) -> Any:
        """One API call; a 403 means the organisation is no longer connected to us."""
        try:
            return (session or self.api).request(method, template, **kwargs)
        except NeedsReconnect as exc:  # a token manager may word it for another service
            raise NeedsReconnect(RECONNECT_MESSAGE, details=exc.details) from None
        except RemoteError as exc:
            if exc.status == 403:
                raise AuthError(
                    "Xero refused access to this organisation: it may have been disconnected "
                    "from ContactBridge. Connect to Xero again.",
                    details=exc.details,
                ) from None
            raise

    def _write(self, method: str, template: str, body: Any, **kwargs: Any) -> Any:
        """A write with an Idempotency-Key (safe to retry); 400s become ValidationError."""
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        try:
            return self._call(
                method, template, json=body, headers=headers, idempotent=True, **kwargs
            )
        except RemoteError as exc:
            if exc.status != 400:
                raise
            try:
                data = json.loads(exc.body)
            except ValueError:
                data = {}
            messages = validation_messages(data) if isinstance(data, Mapping) else []
            detail = "; ".join(messages[:5]) or error_text(exc.body) or "no reason given"
            raise ValidationError(f"Xero did not accept the change: {detail}.", exc.body) from None

    # -- organisations ----------------------------------------------------------------------

    def list_connections(self) -> list[XeroTenant]:
        """The organisations the signed-in user let ContactBridge use."""
        items = self._call("GET", "", session=self.identity) or []
        return [
            XeroTenant(
                tenant_id=str(i.get("tenantId") or ""),
                name=str(i.get("tenantName") or ""),
                tenant_type=str(i.get("tenantType") or ""),
                connection_id=str(i.get("id") or ""),
            )
            for i in items
        ]

    def get_organisation(self) -> XeroOrganisation:
        """The organisation of this client's tenant (``GET /Organisation``).

        Needs ``accounting.settings`` or ``accounting.settings.read``; without either Xero
        answers 401, which surfaces here as :class:`AuthError` (after one token refresh).
        """
        data = self._call("GET", "/Organisation") or {}
        found = data.get("Organisations") or []
        if not found:
            raise RemoteError("Xero sent no organisation for this connection.", 200, "")
        org = found[0]
        return XeroOrganisation(
            organisation_id=str(org.get("OrganisationID") or ""),
            name=str(org.get("Name") or "").strip(),
            country_code=str(org.get("CountryCode") or ""),
            short_code=str(org.get("ShortCode") or ""),
        )

    # -- contacts ---------------------------------------------------------------------------

    def iter_contacts(
        self,
        modified_since: datetime | None = None,
        include_archived: bool = False,
        where: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every contact (as Xero's JSON), page by page until a page comes back short."""
        headers = {}
        if modified_since is not None:
            moment = modified_since.astimezone(UTC)  # e.g. 2025-03-14T12:00:00.000+00:00
            headers["If-Modified-Since"] = moment.isoformat(timespec="milliseconds")
        page = 1
        while True:
            params: dict[str, Any] = {"page": page, "pageSize": self.page_size}
            if include_archived:
                params["includeArchived"] = "true"
            if where:
                params["where"] = where
            data = self._call("GET", "/Contacts", params=params, headers=headers) or {}
            contacts = data.get("Contacts") or []
            yield from contacts
            if len(contacts) < self.page_size:
                return
            page += 1

    def get_contacts(self, contact_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The contacts with these ids (archived ones too), in batches of 50 ids."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(contact_ids), IDS_BATCH):
            ids = ",".join(contact_ids[start : start + IDS_BATCH])
            params = {"IDs": ids, "includeArchived": "true"}
            found += (self._call("GET", "/Contacts", params=params) or {}).get("Contacts") or []
        return found

    def create_contacts(self, contacts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Create contacts (``PUT /Contacts``); returns them as Xero saved them, in order."""
        created: list[dict[str, Any]] = []
        for start in range(0, len(contacts), WRITE_BATCH):
            batch = [dict(c) for c in contacts[start : start + WRITE_BATCH]]
            created += (self._write("PUT", "/Contacts", {"Contacts": batch}) or {})["Contacts"]
        return created

    def update_contacts(self, contacts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Update contacts by ``ContactID`` (``POST /Contacts``); only given fields change."""
        updated: list[dict[str, Any]] = []
        for start in range(0, len(contacts), WRITE_BATCH):
            batch = [dict(c) for c in contacts[start : start + WRITE_BATCH]]
            updated += (self._write("POST", "/Contacts", {"Contacts": batch}) or {})["Contacts"]
        return updated

    # -- contact groups ---------------------------------------------------------------------

    def list_contact_groups(self) -> list[ContactGroup]:
        data = self._call("GET", "/ContactGroups") or {}
        return [_group(g) for g in data.get("ContactGroups") or ()]

    def group_members(self, group_id: str) -> list[str]:
        """The ContactIDs in a group."""
        data = (
            self._call("GET", "/ContactGroups/{group_id}", path_params={"group_id": group_id}) or {}
        )
        groups = data.get("ContactGroups") or [{}]
        return [str(c["ContactID"]) for c in groups[0].get("Contacts") or ()]

    def create_contact_group(self, name: str) -> ContactGroup:
        data = self._write("PUT", "/ContactGroups", {"ContactGroups": [{"Name": name}]})
        return _group(data["ContactGroups"][0])

    def add_to_group(self, group_id: str, contact_ids: Sequence[str]) -> None:
        for start in range(0, len(contact_ids), WRITE_BATCH):
            body = {
                "Contacts": [{"ContactID": c} for c in contact_ids[start : start + WRITE_BATCH]]
            }
            self._write(
                "PUT",
                "/ContactGroups/{group_id}/Contacts",
                body,
                path_params={"group_id": group_id},
            )

    def remove_from_group(self, group_id: str, contact_id: str) -> None:
        self._call(
            "DELETE",
            "/ContactGroups/{group_id}/Contacts/{contact_id}",
            path_params={"group_id": group_id, "contact_id": contact_id},
        )


def _group(data: Mapping[str, Any]) -> ContactGroup:
    return ContactGroup(
        group_id=str(data.get("ContactGroupID") or ""),
        name=str(data.get("Name") or ""),
        status=str(data.get("Status") or "ACTIVE"),
    )
