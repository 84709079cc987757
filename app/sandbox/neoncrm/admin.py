"""The ``/_sandbox/...`` admin routes (also served under ``/__emulator/``, as the other
emulators name theirs): counts, faults, limits, behaviour settings, and the staff actions
a test in another process needs (merge two accounts, opt an address out, bulk seeding).

GET  counts                          requests served, by "METHOD /path-template"
POST counts/reset
POST faults     {clear, seed, latency_ms, error_rate, timeout_seconds, hold_seconds,
                 force: [{pattern, kind, times}]}
POST limits     {caps: {endpoint: n}, default_cap, per_second}   (when limits are enforced)
POST settings   {patch_json_body, versions}
GET  state      {orgs: [{orgId, name, trial, accounts}]}
POST accounts/<id>/merge-into/<survivor>
POST accounts/<id>/email-opt-out    {optedOut: bool, consent?: GIVEN|DECLINED|NOT_ASKED}
POST seed       {orgId, count, seed?, optedOutShare?}  → {ids: [...]}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from app.sandbox.kit.replies import Reply, to_response

if TYPE_CHECKING:
    from app.sandbox.neoncrm.emulator import NeonCrmEmulator


def _ok(body: Any = None) -> Response:
    return to_response(Reply(200, {} if body is None else body))


def _error(status: int, text: str) -> Response:
    return to_response(Reply(status, {"error": text}))


def handle(emulator: NeonCrmEmulator, request: Request, route: str) -> Response:
    try:
        body = json.loads(request.get_data() or b"{}") if request.method == "POST" else {}
    except ValueError:
        return _error(400, "the body is not JSON")
    common = emulator.app.counts_and_faults(request, route.strip("/"))
    if common is not None:
        return to_response(common)
    parts = route.strip("/").split("/")
    try:
        return _route(emulator, request.method, parts, body)
    except (KeyError, ValueError, TypeError) as exc:
        return _error(400, str(exc))


def _route(emulator: NeonCrmEmulator, method: str, parts: list[str], body: Any) -> Response:
    app = emulator.app
    if parts == ["limits"] and method == "POST":
        if app.limits is None:
            return _error(409, "limits are not enforced in this emulator")
        app.limits.configure(body)
        return _ok()
    if parts == ["settings"] and method == "POST":
        settings = emulator.env.settings
        if "patch_json_body" in body:
            settings.patch_json_body = bool(body["patch_json_body"])
        if "versions" in body:
            settings.versions = tuple(str(v) for v in body["versions"])
        return _ok()
    if parts == ["state"] and method == "GET":
        return _ok({"orgs": emulator.org_summaries()})
    if len(parts) == 4 and parts[0] == "accounts" and parts[2] == "merge-into" and method == "POST":
        emulator.merge_accounts(parts[1], parts[3])
        return _ok()
    if parts[:1] == ["accounts"] and parts[2:] == ["email-opt-out"] and method == "POST":
        emulator.set_email_opt_out(parts[1], bool(body["optedOut"]), consent=body.get("consent"))
        return _ok()
    if parts == ["seed"] and method == "POST":
        ids = emulator.seed_bulk(
            str(body["orgId"]),
            int(body["count"]),
            seed=int(body.get("seed", 0)),
            opted_out_share=float(body.get("optedOutShare", 0.1)),
        )
        return _ok({"ids": ids})
    return _error(404, "unknown admin endpoint")
