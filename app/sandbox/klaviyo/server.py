"""The WSGI application: routing, counting, faults, key, revision, media type, limits.

Every API answer is JSON:API (``application/vnd.api+json``) and carries
``x-klaviyo-api-revision`` (the revision echoed), ``x-klaviyo-req-id`` and ``cid`` (the
account) [R]. Plain ``application/json`` is accepted for bodies [P]. Requests are counted by
``METHOD /api/path/{template}``; ``/_sandbox/…`` (and ``/__emulator/…``, as the other
emulators name it) is the admin side: counts, faults, jobs, clock and inspection.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.kit.cut_connections import Dropped
from app.sandbox.kit.emulator_app import EmulatorApp, admin_route
from app.sandbox.kit.replies import Reply, to_response
from app.sandbox.klaviyo import jobs
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import (
    JSONAPI,
    KlaviyoError,
    authentication_failed,
    invalid,
    method_not_allowed,
    not_authenticated,
    not_found,
    permission_denied,
    server_error,
    throttled,
    throttled_2023,
    unsupported_media_type,
)
from app.sandbox.klaviyo.faults import Faults
from app.sandbox.klaviyo.limits import RouteLimits
from app.sandbox.klaviyo.routes import ROUTES, Route, check_revision

log = logging.getLogger(__name__)

SCHEME = "klaviyo-api-key"
BODY_TYPES = ("application/vnd.api+json", "application/json")
CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
    "<body>Checking your browser before accessing a.klaviyo.com.</body></html>"
)


AdminHandler = Callable[[Request, str], Reply]


class KlaviyoApp(EmulatorApp[Faults]):
    """The WSGI callable serving ``/api`` and the admin routes."""

    def __init__(
        self,
        env: Env,
        faults: Faults,
        limits: RouteLimits,
        stopping: threading.Event,
        admin: AdminHandler,
    ) -> None:
        super().__init__(faults, stopping)
        self.env = env
        self.limits = limits
        self.admin = admin
        self._map = Map(
            [Rule(r.path, methods=[r.method], endpoint=r) for r in ROUTES], strict_slashes=False
        )

    def dispatch(self, request: Request) -> Response:
        admin = admin_route(request.path)
        if admin is not None:
            return to_response(self.admin(request, admin))
        adapter = self._map.bind_to_environ(request.environ)
        try:
            route, params = adapter.match(method=request.method)
        except MethodNotAllowed:
            self.counts.add(f"{request.method} {request.path}")
            return self._finish(method_not_allowed(request.method).reply, [])
        except NotFound:
            self.counts.add(f"{request.method} {request.path}")
            return self._finish(not_found(f"The path {request.path} was not found.").reply, [])
        self.counts.add(route.key)
        headers: list[tuple[str, str]] = []
        try:
            kind = self.faults.take_forced(route.key)
            forced = self._inject(request, kind)
            if forced is not None:
                return to_response(forced)
            reply, headers = self._serve(request, route, params)
            if kind == "no-job-id" and isinstance(reply.body, dict):
                reply = replace(reply, body=_without_id(reply.body))
        except KlaviyoError as exc:
            reply = exc.reply
        except Dropped:
            raise
        except Exception:  # the emulator must answer like a service, not crash the thread
            log.exception("Klaviyo emulator handler failed for %s", route.key)
            reply = server_error().reply
        return self._finish(reply, headers)

    def _serve(
        self, request: Request, route: Route, params: Mapping[str, str]
    ) -> tuple[Reply, list[tuple[str, str]]]:
        now = self.env.clock()
        jobs.process_due(self.env, now)
        scopes = self._authenticate(request)
        if not route.scopes <= scopes:
            raise permission_denied()
        revision = check_revision(request.headers.get("revision"), route, now)
        if "page[size]" in request.args and not route.sized:
            raise invalid(
                f"'page_size' is not a valid field for the resource '{route.resource}'.",
                "/data/attributes/page_size",
            )
        headers = [("x-klaviyo-api-revision", revision)]
        if request.method in ("POST", "PATCH", "PUT") or request.content_length:
            mimetype = request.mimetype or ""
            if mimetype not in BODY_TYPES:
                raise unsupported_media_type(request.content_type or "")
        try:
            headers += self.limits.acquire(
                f"{self.env.company_id} {route.key}",
                route.tier,
                retry_after=not self.faults.omit_retry_after,
            )
        except KlaviyoError as exc:
            raise KlaviyoError(replace(exc.reply, headers=(*exc.reply.headers, *headers))) from None
        base = request.host_url.rstrip("/")
        call = Call(request, params, now, base, revision, scopes)
        try:
            reply = route.handler(self.env, call)
        except KlaviyoError as exc:
            return exc.reply, headers
        return reply, headers

    def _authenticate(self, request: Request) -> frozenset[str]:
        header = request.headers.get("Authorization", "").strip()
        if not header:
            raise not_authenticated()
        scheme, _, key = header.partition(" ")
        if scheme.lower() != SCHEME or not key.strip():
            raise authentication_failed()
        with self.env.state.tx() as conn:
            row = conn.execute(
                "SELECT scopes FROM api_keys WHERE key = ?", (key.strip(),)
            ).fetchone()
        if row is None:
            raise authentication_failed()
        return frozenset(row[0].split())

    def _inject(self, request: Request, kind: str | None) -> Reply | None:
        """Apply a forced fault, latency and the random error rate; a fault's reply."""
        if kind == "429":
            return throttled(
                self.faults.retry_after, retry_after=not self.faults.omit_retry_after
            ).reply
        if kind == "429-bare":
            return throttled_2023(self.faults.retry_after).reply
        if kind == "403-challenge":
            return Reply(
                403,
                raw=CHALLENGE,
                content_type="text/html",
                headers=[("cf-mitigated", "challenge"), ("server", "cloudflare")],
            )
        if kind in ("500", "503", "504"):
            if kind == "500":
                return server_error().reply
            return Reply(
                int(kind),
                raw=f"<html><body>{kind} Gateway error</body></html>",
                content_type="text/html",
                headers=[("server", "cloudflare")],
            )
        self.cut_if_forced(request, kind)
        self.add_latency()
        if self.faults.roll_error():
            return server_error().reply
        return None

    def _finish(self, reply: Reply, headers: list[tuple[str, str]]) -> Response:
        if reply.raw is None and reply.body is not None:
            reply = replace(reply, content_type=JSONAPI)
        extra = [
            ("x-klaviyo-req-id", str(uuid.uuid4())),
            ("cid", self.env.company_id),
        ]
        if reply.status == 429:
            # A refused call carries no rate-limit state (the recorded 429 has none).
            headers = [h for h in headers if not h[0].startswith("ratelimit")]
        return to_response(replace(reply, headers=(*reply.headers, *headers, *extra)))


def _without_id(body: dict[str, Any]) -> dict[str, Any]:
    """A create answer whose job lost its id, as RudderStack sometimes got one
    [P rudderlabs/rudder-server#5316]: the job exists, the client cannot name it."""
    data = {k: v for k, v in (body.get("data") or {}).items() if k not in ("id", "links")}
    return {**body, "data": data}
