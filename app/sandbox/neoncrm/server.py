"""The WSGI application: hosts, routing, counting, faults, auth, version, limits, headers.

Two hosts share one loopback port: production at ``/v2`` (``https://api.neoncrm.com/v2``)
and trial at ``/trial/v2`` (``https://trial.neoncrm.com/v2``); an org answers only on its
own. Every call signs in with HTTP Basic (org id : API key). ``NEON-API-VERSION`` is
optional (missing means the latest, 2.11); an unknown or retired version gets a 400.
Every answer carries the headers a live one does (no-cache, HSTS, ``X-Frame-Options``...)
and a fresh ``JSESSIONID`` cookie whose path names the version; none carries a request id,
a rate-limit header or ``Retry-After``.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.kit.cut_connections import Dropped
from app.sandbox.kit.emulator_app import EmulatorApp, admin_route
from app.sandbox.kit.replies import Reply, to_response
from app.sandbox.kit.request_counts import path_template
from app.sandbox.neoncrm import accounts, errors, properties, search
from app.sandbox.neoncrm.calls import Call, Env
from app.sandbox.neoncrm.errors import NeonError
from app.sandbox.neoncrm.faults import Faults
from app.sandbox.neoncrm.limits import EndpointLimits

log = logging.getLogger(__name__)

PRODUCTION_PREFIX = "/v2"
TRIAL_PREFIX = "/trial/v2"
LATEST_VERSION = "2.11"

Handler = Callable[[Env, Call], Reply]
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/accounts", accounts.list_accounts),
    ("POST", "/accounts", accounts.create),
    ("POST", "/accounts/search", search.search),
    ("GET", "/accounts/search/searchFields", search.search_fields),
    ("GET", "/accounts/search/outputFields", search.output_fields),
    ("GET", "/accounts/<id>", accounts.get),
    ("PUT", "/accounts/<id>", accounts.replace),
    ("PATCH", "/accounts/<id>", accounts.patch),
    ("GET", "/customFields", properties.list_custom_fields),
    ("GET", "/properties/organizationProfile", properties.organization_profile),
    ("GET", "/properties/currentSystemUser", properties.current_system_user),
    ("GET", "/properties/individualTypes", properties.list_individual_types),
]
LIVE_HEADERS = (
    ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
    ("Expires", "0"),
    ("Pragma", "no-cache"),
    ("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("X-XSS-Protection", "1; mode=block"),
)


def parse_version(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    return int(major), int(minor)


class NeonApp(EmulatorApp[Faults]):
    """The WSGI callable serving both hosts and the admin routes."""

    def __init__(
        self,
        env: Env,
        faults: Faults,
        limits: EndpointLimits | None,
        stopping: threading.Event,
        admin: Callable[[Request, str], Response],
    ) -> None:
        super().__init__(faults, stopping)
        self.env = env
        self.limits = limits
        self.admin = admin
        rules = [
            Rule(path, methods=[method], endpoint=(method, path, handler))
            for method, path, handler in ROUTES
        ]
        self._map = Map(rules, strict_slashes=False)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        admin = admin_route(path)
        if admin is not None:
            return self.admin(request, admin)
        if path.startswith(TRIAL_PREFIX + "/"):
            trial, route = True, path[len(TRIAL_PREFIX) :]
        elif path.startswith(PRODUCTION_PREFIX + "/"):
            trial, route = False, path[len(PRODUCTION_PREFIX) :]
        else:
            return self._finish(errors.not_found().reply, LATEST_VERSION)
        adapter = self._map.bind("neon", path_info=route)
        try:
            (method, template, handler), params = adapter.match(method=request.method)
        except (MethodNotAllowed, NotFound) as exc:
            self.counts.add(f"{request.method} {route}")
            status = 405 if isinstance(exc, MethodNotAllowed) else 404
            return self._finish(Reply(status, raw=b"", content_type="text/plain"), LATEST_VERSION)
        key = f"{method} {path_template(template)}"
        self.counts.add(key)
        version = request.headers.get("NEON-API-VERSION", "").strip() or LATEST_VERSION
        try:
            reply = self._serve(request, key, handler, params, trial, version)
        except Dropped:
            raise
        return self._finish(reply, version)

    def _serve(
        self,
        request: Request,
        key: str,
        handler: Handler,
        params: Mapping[str, Any],
        trial: bool,
        version: str,
    ) -> Reply:
        try:
            kind = self.faults.take_forced(key)
            forced = self._inject(request, kind)
            if forced is not None:
                return forced
            org_id, user_id, user_name = self._authenticate(request, trial)
            if version not in self.env.settings.versions:
                raise errors.bad_request(errors.VERSION_INVALID)
            call = Call(
                request,
                {**request.args.to_dict(), **params},
                org_id,
                user_name,
                user_id,
                parse_version(version),
            )
            if self.limits is not None and not self.limits.acquire(org_id, key):
                return errors.too_many_requests()
            try:
                gate = self.faults.take_gate(key)
                if gate is not None:
                    gate.wait(self.stopping, self.faults.hold_seconds)
                reply = handler(self.env, call)
                if kind == "222" and reply.status == 200:
                    # Live answered 222 on a list call too: any success may come as 222.
                    reply = replace(reply, status=222)
                elif kind == "204" and reply.status == 200:
                    reply = Reply(204)
                return reply
            finally:
                if self.limits is not None:
                    self.limits.release(org_id, key)
        except NeonError as exc:
            return exc.reply
        except Dropped:
            raise
        except Exception:  # the emulator must answer like a service, not crash the thread
            log.exception("Neon CRM emulator handler failed for %s", key)
            return errors.server_error()

    def _authenticate(self, request: Request, trial: bool) -> tuple[str, str, str]:
        auth = request.authorization
        if auth is None or auth.type != "basic":
            raise errors.unauthorized(errors.ORG_REQUIRED)
        org_id, api_key = auth.username or "", auth.password or ""
        if not org_id:
            raise errors.unauthorized(errors.ORG_REQUIRED)
        if not api_key:
            raise errors.unauthorized(errors.API_KEY_REQUIRED)
        with self.env.state.tx() as conn:
            org = conn.execute("SELECT trial FROM orgs WHERE org_id = ?", (org_id,)).fetchone()
            if org is None or bool(org["trial"]) != trial:
                raise errors.unauthorized(errors.ORG_INVALID)
            user = conn.execute(
                "SELECT user_id, first, last FROM users WHERE org_id = ? AND api_key = ?",
                (org_id, api_key),
            ).fetchone()
        if user is None:
            raise errors.unauthorized(errors.API_KEY_INVALID)
        name = " ".join(p for p in (user["first"], user["last"]) if p) or user["user_id"]
        return org_id, user["user_id"], name

    def _inject(self, request: Request, kind: str | None) -> Reply | None:
        """Apply a forced fault, latency and the random error rate."""
        if kind == "429":
            return errors.too_many_requests()
        if kind == "403":
            return Reply(403, raw="Forbidden", content_type="text/plain")
        if kind in ("500", "503"):
            return errors.server_error(int(kind))
        self.cut_if_forced(request, kind)
        self.add_latency()
        if self.faults.roll_error():
            return errors.server_error()
        return None

    def _finish(self, reply: Reply, version: str) -> Response:
        minor = version.replace(".", "_") if version in self.env.settings.versions else "2_11"
        cookie = (
            f"JSESSIONID={secrets.token_hex(16).upper()}; Path=/neonapiv{minor}; Secure; HttpOnly"
        )
        return to_response(
            replace(reply, headers=(*reply.headers, *LIVE_HEADERS, ("Set-Cookie", cookie)))
        )
