"""The endpoints the emulator serves: handler, rate-limit tier, scopes and first revision.

Tiers and scopes are the spec's ``x-klaviyo-ratelimit`` and ``x-klaviyo-scopes``. The first
revision of each endpoint is approximate [I] except bulk event creation (2024-05-15, Klaviyo's
changelog); a revision older than it answers 404 "No valid revisions found for method" [P].
A revision is supported for two years after its release (Klaviyo's changelog); an older one
answers 410 [P].
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo import (
    events,
    import_jobs,
    lists,
    metrics,
    profiles,
    subscriptions,
    suppressions,
)
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import (
    KlaviyoError,
    no_valid_revision,
    revision_gone,
    revision_malformed,
    revision_missing,
)
from app.sandbox.klaviyo.limits import LIST_CREATE, XL, L, M, S, Tier

V3 = "2022-10-17"
REVISION = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(\.[A-Za-z0-9]+)?$")
SUPPORTED_YEARS = 2
LATEST = "2026-07-15"

Handler = Callable[[Env, Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # werkzeug rule, e.g. /api/lists/<id>
    handler: Handler
    tier: Tier
    scopes: frozenset[str]
    since: str = V3

    @property
    def sized(self) -> bool:
        """Whether the endpoint takes ``page[size]`` (the spec's parameters)."""
        return self.key in SIZED

    @property
    def resource(self) -> str:
        """The resource's name in error texts: ``/api/metrics`` → ``metric``."""
        return self.path.split("/")[2].removesuffix("s")

    @property
    def key(self) -> str:
        """How requests are counted: ``METHOD /api/lists/{id}``."""
        return f"{self.method} {self.path.replace('<', '{').replace('>', '}')}"


def _r(method: str, path: str, handler: Handler, tier: Tier, scopes: str, since: str = V3) -> Route:
    return Route(method, path, handler, tier, frozenset(scopes.split()), since)


IMPORT = "/api/profile-bulk-import-jobs"
# The GET endpoints that take page[size]; the others refuse it [R amp].
SIZED = frozenset(
    {
        "GET /api/lists",
        "GET /api/lists/{id}/profiles",
        "GET /api/lists/{id}/relationships/profiles",
        "GET /api/profiles",
        f"GET {IMPORT}",
        f"GET {IMPORT}/{{id}}/profiles",
        f"GET {IMPORT}/{{id}}/relationships/profiles",
        f"GET {IMPORT}/{{id}}/import-errors",
        "GET /api/events",
    }
)
ROUTES: tuple[Route, ...] = (
    _r("GET", "/api/lists", lists.get_lists, L, "lists:read"),
    _r("POST", "/api/lists", lists.create_list, LIST_CREATE, "lists:write"),
    _r("GET", "/api/lists/<id>", lists.get_list, L, "lists:read"),
    _r("PATCH", "/api/lists/<id>", lists.update_list, M, "lists:write"),
    _r("DELETE", "/api/lists/<id>", lists.delete_list, M, "lists:write"),
    _r("GET", "/api/lists/<id>/profiles", lists.get_members, L, "lists:read profiles:read"),
    _r(
        "GET",
        "/api/lists/<id>/relationships/profiles",
        lists.get_member_ids,
        L,
        "lists:read profiles:read",
    ),
    _r(
        "POST",
        "/api/lists/<id>/relationships/profiles",
        lists.add_members,
        M,
        "lists:write profiles:write",
    ),
    _r(
        "DELETE",
        "/api/lists/<id>/relationships/profiles",
        lists.remove_members,
        M,
        "lists:write profiles:write",
    ),
    _r("GET", "/api/profiles", profiles.get_profiles, L, "profiles:read"),
    _r("POST", "/api/profiles", profiles.create_profile, L, "profiles:write"),
    _r("GET", "/api/profiles/<id>", profiles.get_profile, L, "profiles:read"),
    _r("PATCH", "/api/profiles/<id>", profiles.update_profile, L, "profiles:write"),
    _r("GET", "/api/profiles/<id>/lists", lists.profile_lists, S, "lists:read profiles:read"),
    _r(
        "GET",
        "/api/profiles/<id>/relationships/lists",
        lists.profile_list_ids,
        S,
        "lists:read profiles:read",
    ),
    _r("POST", "/api/profile-import", profiles.import_profile, L, "profiles:write", "2023-06-15"),
    _r("GET", IMPORT, import_jobs.get_jobs, M, "lists:read profiles:read", "2023-10-15"),
    _r("POST", IMPORT, import_jobs.create_job, M, "lists:write profiles:write", "2023-10-15"),
    _r(
        "GET",
        f"{IMPORT}/<job_id>",
        import_jobs.get_job,
        M,
        "lists:read profiles:read",
        "2023-10-15",
    ),
    _r("GET", f"{IMPORT}/<id>/lists", import_jobs.get_job_lists, M, "lists:read", "2023-10-15"),
    _r(
        "GET",
        f"{IMPORT}/<id>/relationships/lists",
        import_jobs.get_job_list_ids,
        M,
        "lists:read",
        "2023-10-15",
    ),
    _r(
        "GET",
        f"{IMPORT}/<id>/profiles",
        import_jobs.get_job_profiles,
        M,
        "profiles:read",
        "2023-10-15",
    ),
    _r(
        "GET",
        f"{IMPORT}/<id>/relationships/profiles",
        import_jobs.get_job_profile_ids,
        M,
        "profiles:read",
        "2023-10-15",
    ),
    _r(
        "GET",
        f"{IMPORT}/<id>/import-errors",
        import_jobs.get_import_errors,
        M,
        "profiles:read",
        "2023-10-15",
    ),
    _r(
        "POST",
        "/api/profile-subscription-bulk-create-jobs",
        subscriptions.subscribe,
        L,
        "lists:write profiles:write subscriptions:write",
        "2023-02-22",
    ),
    _r(
        "POST",
        "/api/profile-subscription-bulk-delete-jobs",
        subscriptions.unsubscribe,
        L,
        "lists:write profiles:write subscriptions:write",
        "2023-02-22",
    ),
    _r(
        "GET",
        "/api/profile-suppression-bulk-create-jobs",
        suppressions.get_jobs,
        L,
        "subscriptions:read",
        "2023-02-22",
    ),
    _r(
        "POST",
        "/api/profile-suppression-bulk-create-jobs",
        suppressions.create_job,
        L,
        "profiles:write subscriptions:write",
        "2023-02-22",
    ),
    _r(
        "GET",
        "/api/profile-suppression-bulk-create-jobs/<job_id>",
        suppressions.get_job,
        L,
        "subscriptions:read",
        "2023-02-22",
    ),
    _r("GET", "/api/events", events.get_events, XL, "events:read"),
    _r("POST", "/api/events", events.create_event, XL, "events:write"),
    _r("GET", "/api/events/<id>", events.get_event, M, "events:read"),
    _r("POST", "/api/event-bulk-create-jobs", events.bulk_create, M, "events:write", "2024-05-15"),
    _r("GET", "/api/metrics", metrics.get_metrics, M, "metrics:read"),
    _r("GET", "/api/metrics/<id>", metrics.get_metric, M, "metrics:read"),
)
ALL_SCOPES = frozenset(scope for route in ROUTES for scope in route.scopes)


def check_revision(value: str | None, route: Route, today: datetime) -> str:
    """The revision a call names, or the error Klaviyo answers for it."""
    if value is None or not value.strip():
        raise revision_missing()
    text = value.strip()
    match = REVISION.match(text)
    if match is None:
        raise revision_malformed(text)
    try:
        released = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise revision_malformed(text) from None
    current = today.date()
    try:
        retired = released.replace(year=released.year + SUPPORTED_YEARS)
    except ValueError:  # 29 February
        retired = released.replace(year=released.year + SUPPORTED_YEARS, day=28)
    if retired <= current:
        raise revision_gone(text)
    if text[:10] < route.since:
        raise no_valid_revision()
    return text


__all__ = ["ROUTES", "KlaviyoError", "Route", "check_revision"]
