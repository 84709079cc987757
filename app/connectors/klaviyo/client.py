"""The Klaviyo API client: lists, bulk profile imports, consent and suppression jobs, events.

One private API key, one account. Every endpoint has its own client-side limiter (Klaviyo
counts each endpoint apart: ``limits``), and every request goes through ``http.ApiSession``
with Klaviyo's wire policy (``wire``): throttles honoured, server errors retried where a
repeat does no harm, errors in Klaviyo's own words. The operations are named after the API.

Repeating these requests after an unclear failure is harmless (``idempotent``): an import is
an upsert on ``external_id``, a subscription or unsubscribe sets a state, a suppression of a
suppressed profile is skipped, and events are deduplicated on ``unique_id``. Creating a list
is not (list names need not be unique [R airbyte]): it is sent once, and a run that did not
learn its answer finds the list by name next time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from app.connectors.base import RequestStats
from app.connectors.http import ApiSession, RetryPolicy, build_session
from app.connectors.klaviyo.limits import EndpointLimits
from app.connectors.klaviyo.wire import JSONAPI, KLAVIYO_WIRE, REVISION, KlaviyoKeyAuth

IMPORT_JOBS = "/profile-bulk-import-jobs"
SUPPRESSION_JOBS = "/profile-suppression-bulk-create-jobs"
# A throttle storm is sat through (each wait as Klaviyo says, or a backoff), up to this many.
KLAVIYO_RETRY = RetryPolicy(throttle_attempts=12, throttle_cap=60.0)
SUPPRESSION_REASONS = (
    "HARD_BOUNCE",
    "INVALID_EMAIL",
    "SPAM_COMPLAINT",
    "UNSUBSCRIBE",
    "USER_SUPPRESSED",
)
FINISHED = frozenset({"complete", "cancelled", "failed"})


@dataclass(frozen=True)
class KlaviyoList:
    list_id: str
    name: str


@dataclass(frozen=True)
class BulkJob:
    """A bulk import or suppression job as Klaviyo last reported it."""

    job_id: str
    status: str  # queued, processing, complete, cancelled
    total: int = 0
    completed: int = 0
    failed: int = 0
    created_at: str = ""

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True)
class ImportProblem:
    """One profile an import job refused: Klaviyo's reason and the profile as sent."""

    code: str
    title: str
    detail: str
    original: Mapping[str, Any]

    @property
    def reason(self) -> str:
        return self.detail or self.title or self.code


class NoJobId(Exception):
    """Klaviyo accepted a job but its answer named none [P rudder-server#5316]."""


class KlaviyoClient:
    """Calls one Klaviyo account with its private API key.

    Args:
        api_url: the API root, ``https://a.klaviyo.com/api`` (the sandbox's emulator).
        api_key: the private key (``pk_…``); never logged.
        stats: counts each attempt by ``METHOD /api/path-template``.
        limits: the per-endpoint limiters; one set per account is made when omitted.
        sleep, clock, now, retry: injectable for tests (``sleep`` also paces job polls).
    """

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        stats: RequestStats | None = None,
        session: requests.Session | None = None,
        limits: EndpointLimits | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        retry: RetryPolicy = KLAVIYO_RETRY,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._own_session = session is None
        self.session = session if session is not None else build_session()
        self.policy = KLAVIYO_WIRE.signed_by(KlaviyoKeyAuth(api_key))
        self.stats = stats if stats is not None else RequestStats()
        self.limits = limits or EndpointLimits(clock=clock, sleep=sleep)
        self.sleep, self._clock, self._now, self._retry = sleep, clock, now, retry
        self._apis: dict[str, ApiSession] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> KlaviyoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> datetime:
        return self._now()

    # -- the wire -----------------------------------------------------------------------------

    def _api(self, endpoint: str) -> ApiSession:
        with self._lock:
            api = self._apis.get(endpoint)
            if api is None:
                api = self._apis[endpoint] = ApiSession(
                    self.api_url,
                    self.policy,
                    session=self.session,
                    limiter=self.limits.for_endpoint(endpoint),
                    stats=self.stats,
                    retry=self._retry,
                    sleep=self.sleep,
                    clock=self._clock,
                    now=self._now,
                    headers={"revision": REVISION, "Accept": JSONAPI, "Content-Type": JSONAPI},
                )
            return api

    def call(self, method: str, template: str, **kwargs: Any) -> Any:
        """One request to ``template`` below the API root (see ``ApiSession.request``)."""
        return self._api(f"{method} {template}").request(method, template, **kwargs)

    def _pages(
        self, template: str, params: Mapping[str, Any], **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """Each resource of every page, following ``links.next`` to its ``null``."""
        answer = self.call("GET", template, params=dict(params), **kwargs)
        while True:
            yield from (answer or {}).get("data") or []
            following = ((answer or {}).get("links") or {}).get("next")
            if not following:
                return
            answer = self.call("GET", template, url=following, **kwargs)

    # -- lists --------------------------------------------------------------------------------

    def lists(self) -> list[KlaviyoList]:
        """Every list of the account, in Klaviyo's order."""
        return [
            KlaviyoList(str(item["id"]), str((item.get("attributes") or {}).get("name") or ""))
            for item in self._pages("/lists", {})
        ]

    def create_list(self, name: str) -> KlaviyoList:
        """A new single opt-in list (Klaviyo's default)."""
        body = {"data": {"type": "list", "attributes": {"name": name}}}
        answer = self.call("POST", "/lists", json=body, idempotent=False)
        data = answer["data"]
        return KlaviyoList(str(data["id"]), str(data["attributes"].get("name") or name))

    # -- bulk profile imports -----------------------------------------------------------------

    def start_import(self, profiles: Sequence[Mapping[str, Any]], list_ids: Sequence[str]) -> str:
        """Send one import job (≤10,000 profiles, ≤5 MB); returns its id.

        Raises:
            NoJobId: Klaviyo took the job but named none (find it with ``recent_import_jobs``).
        """
        data: dict[str, Any] = {
            "type": "profile-bulk-import-job",
            "attributes": {
                "profiles": {"data": [{"type": "profile", "attributes": dict(p)} for p in profiles]}
            },
        }
        if list_ids:
            data["relationships"] = {
                "lists": {"data": [{"type": "list", "id": i} for i in list_ids]}
            }
        answer = self.call("POST", IMPORT_JOBS, json={"data": data}, idempotent=True)
        job_id = ((answer or {}).get("data") or {}).get("id")
        if not job_id:
            raise NoJobId()
        return str(job_id)

    def import_job(self, job_id: str) -> BulkJob:
        answer = self.call("GET", f"{IMPORT_JOBS}/{{job_id}}", path_params={"job_id": job_id})
        return _job(answer["data"])

    def recent_import_jobs(self, count: int = 10) -> list[BulkJob]:
        """The newest import jobs first (to find one whose id an answer left out)."""
        answer = self.call(
            "GET", IMPORT_JOBS, params={"sort": "-created_at", "page[size]": str(count)}
        )
        return [_job(item) for item in (answer or {}).get("data") or []]

    def import_errors(self, job_id: str) -> Iterator[ImportProblem]:
        """Each profile the job refused, with Klaviyo's reason and the profile as sent."""
        template = f"{IMPORT_JOBS}/{{job_id}}/import-errors"
        for item in self._pages(template, {"page[size]": "100"}, path_params={"job_id": job_id}):
            attrs = item.get("attributes") or {}
            yield ImportProblem(
                str(attrs.get("code") or ""),
                str(attrs.get("title") or ""),
                str(attrs.get("detail") or ""),
                attrs.get("original_payload") or {},
            )

    # -- consent --------------------------------------------------------------------------

    def subscribe(self, people: Sequence[tuple[str, str]]) -> None:
        """Email marketing consent for ≤1,000 people, ``(email, consented_at)``, as a
        historical import: no double opt-in, no "added to list" flows."""
        body = {
            "data": {
                "type": "profile-subscription-bulk-create-job",
                "attributes": {
                    "historical_import": True,
                    "profiles": {
                        "data": [
                            {
                                "type": "profile",
                                "attributes": {
                                    "email": email,
                                    "subscriptions": {
                                        "email": {
                                            "marketing": {
                                                "consent": "SUBSCRIBED",
                                                "consented_at": consented_at,
                                            }
                                        }
                                    },
                                },
                            }
                            for email, consented_at in people
                        ]
                    },
                },
            }
        }
        self.call("POST", "/profile-subscription-bulk-create-jobs", json=body, idempotent=True)

    def unsubscribe(self, emails: Sequence[str]) -> None:
        """Unsubscribe ≤100 people from email marketing (no list named: it is global)."""
        body = {
            "data": {
                "type": "profile-subscription-bulk-delete-job",
                "attributes": {
                    "profiles": {
                        "data": [
                            {
                                "type": "profile",
                                "attributes": {
                                    "email": email,
                                    "subscriptions": {
                                        "email": {"marketing": {"consent": "UNSUBSCRIBED"}}
                                    },
                                },
                            }
                            for email in emails
                        ]
                    }
                },
            }
        }
        self.call("POST", "/profile-subscription-bulk-delete-jobs", json=body, idempotent=True)

    def start_suppression(self, emails: Sequence[str]) -> str:
        """Suppress ≤100 addresses from email marketing; returns the job's id."""
        body = {
            "data": {
                "type": "profile-suppression-bulk-create-job",
                "attributes": {
                    "profiles": {
                        "data": [
                            {"type": "profile", "attributes": {"email": email}} for email in emails
                        ]
                    }
                },
            }
        }
        answer = self.call("POST", SUPPRESSION_JOBS, json=body, idempotent=True)
        job_id = ((answer or {}).get("data") or {}).get("id")
        if not job_id:
            raise NoJobId()
        return str(job_id)

    def suppression_job(self, job_id: str) -> BulkJob:
        answer = self.call("GET", f"{SUPPRESSION_JOBS}/{{job_id}}", path_params={"job_id": job_id})
        return _job(answer["data"])

    def suppressed_emails(self) -> set[str]:
        """Every address suppressed in the account, whatever the reason (lowercased): one
        read per reason, 100 profiles a page."""
        found: set[str] = set()
        for reason in SUPPRESSION_REASONS:
            params = {
                "filter": f'equals(subscriptions.email.marketing.suppression.reason,"{reason}")',
                "page[size]": "100",
            }
            for item in self._pages("/profiles", params):
                email = (item.get("attributes") or {}).get("email")
                if email:
                    found.add(str(email).strip().lower())
        return found

    # -- events ---------------------------------------------------------------------------

    def create_events(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """One bulk event job (≤1,000 events, ≤5 MB): ``entries`` are
        ``event-bulk-create`` resources, each a profile with its events."""
        body = {
            "data": {
                "type": "event-bulk-create-job",
                "attributes": {"events-bulk-create": {"data": list(entries)}},
            }
        }
        self.call("POST", "/event-bulk-create-jobs", json=body, idempotent=True)


def _job(data: Mapping[str, Any]) -> BulkJob:
    attrs = data.get("attributes") or {}
    return BulkJob(
        job_id=str(data.get("id") or ""),
        status=str(attrs.get("status") or ""),
        total=int(attrs.get("total_count") or 0),
        completed=int(attrs.get("completed_count") or 0),
        failed=int(attrs.get("failed_count") or 0),
        created_at=str(attrs.get("created_at") or ""),
    )
