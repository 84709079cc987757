"""The ``/_sandbox`` admin routes (also served under ``/__emulator``), for tests and benches
that run the emulator in another process.

- ``GET counts``, ``GET counts/writes``, ``POST counts/reset``: requests served.
- ``POST faults``: ``{"force": [{"pattern": "POST /api/*", "kind": "429", "times": 5}],
  "retry_after": 2, "omit_retry_after": true, "latency_ms": 50, "error_rate": 0.1,
  "fail_next_job": "cancelled", "clear": true}``.
- ``POST settings``: ``{"job_seconds": 0, "job_polls": 1, "subscribe_clears_suppressions": false}``.
- ``POST jobs/complete``: complete every pending bulk job now.
- ``POST clock/advance``: ``{"seconds": 86400}``.
- ``POST limits/use-up-list-creations``: spend today's 150 list creations.
- ``GET stats``: profiles, consent, suppressions, lists, events by metric, jobs, flows.
- ``GET profile?email=…`` or ``?external_id=…`` or ``?id=…``: one profile (404 when none).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from app.sandbox.kit.replies import Reply

if TYPE_CHECKING:  # the emulator imports this module
    from app.sandbox.klaviyo.emulator import KlaviyoEmulator


def handle(emulator: KlaviyoEmulator, request: Request, route: str) -> Reply:
    route = route.rstrip("/")
    method = request.method
    try:
        body: dict[str, Any] = json.loads(request.get_data() or b"{}") if method == "POST" else {}
        common = emulator.app.counts_and_faults(request, route)
        if common is not None:
            return common
        if (method, route) == ("GET", "counts/writes"):
            return Reply(200, emulator.write_request_counts())
        if (method, route) == ("POST", "settings"):
            _settings(emulator, body)
            return Reply(200, {})
        if (method, route) == ("POST", "jobs/complete"):
            return Reply(200, {"completed": emulator.complete_jobs()})
        if (method, route) == ("POST", "clock/advance"):
            emulator.advance(seconds=float(body.get("seconds", 0)))
            return Reply(200, {"now": emulator.clock().isoformat()})
        if (method, route) == ("POST", "limits/use-up-list-creations"):
            emulator.use_up_daily_list_creations()
            return Reply(200, {})
        if (method, route) == ("GET", "stats"):
            return Reply(200, stats(emulator))
        if (method, route) == ("GET", "profile"):
            return _profile(emulator, request)
    except (ValueError, KeyError, TypeError, RuntimeError) as exc:
        return Reply(400, {"error": str(exc)})
    return Reply(404, {"error": "unknown admin route"})


def _settings(emulator: KlaviyoEmulator, body: dict[str, Any]) -> None:
    settings = emulator.settings
    if "job_seconds" in body:
        settings.job_seconds = float(body["job_seconds"])
    if "job_polls" in body:
        settings.job_polls = int(body["job_polls"])
    if "subscribe_clears_suppressions" in body:
        settings.subscribe_clears_suppressions = bool(body["subscribe_clears_suppressions"])


def stats(emulator: KlaviyoEmulator) -> dict[str, Any]:
    jobs: dict[str, int] = {}
    for job in emulator.jobs():
        key = f"{job['kind']}:{job['status']}"
        jobs[key] = jobs.get(key, 0) + 1
    return {
        "profiles": emulator.profile_count(),
        "consent": emulator.consent_counts(),
        "suppressed": len(emulator.suppressions()),
        "lists": emulator.lists(),
        "events": emulator.event_counts(),
        "jobs": jobs,
        "flows_triggered": len(emulator.flows_triggered()),
        "resubscribed_after_opt_out": emulator.resubscribed_after_opt_out(),
    }


def _profile(emulator: KlaviyoEmulator, request: Request) -> Reply:
    args = request.args
    if "email" in args:
        found = emulator.profile_by_email(args["email"])
    elif "external_id" in args:
        found = emulator.profile_by_external_id(args["external_id"])
    else:
        found = emulator.profile(args.get("id", ""))
    if found is None:
        return Reply(404, {"error": "no such profile"})
    return Reply(200, json.loads(json.dumps(found, default=str)))
