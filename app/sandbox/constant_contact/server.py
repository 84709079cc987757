"""The WSGI application: routing, counting, faults, auth and limits in front of the handlers."""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from app.sandbox.constant_contact import errors
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.campaign_seeding import Campaigns
from app.sandbox.constant_contact.errors import ApiError, Reply
from app.sandbox.constant_contact.faults import Faults
from app.sandbox.constant_contact.limits import DailyQuota, TokenBucket
from app.sandbox.constant_contact.oauth import AUTH_PREFIX, DEFAULT_SCOPE, OAuthServer
from app.sandbox.constant_contact.routes import Route, build_map
from app.sandbox.constant_contact.util import iso_ms
from app.sandbox.wire import Dropped, drop, to_response

log = logging.getLogger(__name__)

COUNTED_AUTH_ROUTES = {"token": "POST", "device/authorize": "POST"}
AUTH_ROUTES = {
    "authorize": ("GET", "POST"),
    "device": ("GET", "POST"),
    **{k: (v,) for k, v in COUNTED_AUTH_ROUTES.items()},
}


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr; the emulator counts requests instead."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug(message, *args)


class RequestCounter:
    """Thread-safe counts of served requests by "METHOD /path-template"."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class Limits:
    """The per-key rate limit and daily quota applied to API requests."""

    def __init__(self, rate: TokenBucket, quota: DailyQuota) -> None:
        self.rate = rate
        self.quota = quota

    def check(self, key: str) -> None:
        if not self.rate.allow(key):
            raise errors.throttled()
        if not self.quota.allow(key):
            raise errors.quota_exceeded()


class ApiApp:
    """The WSGI callable serving /v3, /oauth2/default/v1 and /__emulator."""

    def __init__(
        self,
        env: Env,
        oauth: OAuthServer,
        faults: Faults,
        limits: Limits | None,
        stopping: threading.Event,
    ) -> None:
        self.env = env
        self.oauth = oauth
        self.faults = faults
        self.limits = limits
        self.counts = RequestCounter()
        self.stopping = stopping
        self._map = build_map()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Dropped:
            response = Response(b"", status=500)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/__emulator/"):
            return self._admin(request, path[len("/__emulator/") :])
        if path.startswith("/_sandbox/"):
            return self._admin(request, path[len("/_sandbox/") :])
        if path.startswith(AUTH_PREFIX + "/"):
            return self._auth(request, path[len(AUTH_PREFIX) + 1 :])
        return self._api(request)

    # -- API ------------------------------------------------------------------------------

    def _api(self, request: Request) -> Response:
        adapter = self._map.bind_to_environ(request.environ)
        try:
            route, params = adapter.match(method=request.method)
        except MethodNotAllowed:
            self.counts.add(f"{request.method} {request.path}")
            return to_response(
                errors.error_array(405, "method_not_allowed", "Method Not Allowed").reply()
            )
        except NotFound:
            self.counts.add(f"{request.method} {request.path}")
            return to_response(
                errors.error_array(
                    404, "not_found", "The requested resource was not found."
                ).reply()
            )
        assert isinstance(route, Route)
        key = f"{request.method} {route.template}"
        self.counts.add(key)
        try:
            self._inject(request, key, api=True)
            auth = self.oauth.authenticate(request.headers.get("Authorization"))
            if auth is None:
                raise errors.unauthorized()
            client_id, scopes = auth
            if route.scope not in scopes:
                raise errors.forbidden(f"The access token lacks the {route.scope} scope.")
            if self.limits is not None:
                self.limits.check(client_id)
            call = Call(request, params, client_id, self.env.clock())
            reply = route.handler(self.env, call)
        except ApiError as exc:
            reply = exc.reply()
        except Dropped:
            raise
        except Exception:  # the emulator must answer like a service, not crash the thread
            log.exception("emulator handler failed for %s", key)
            reply = errors.server_error().reply()
        return to_response(reply)

    def _inject(self, request: Request, key: str, api: bool) -> None:
        """Apply forced faults, latency and the random error rate."""
        kind = self.faults.take_forced(key)
        if kind == "throttled":
            raise errors.throttled()
        if kind == "quota_exceeded":
            raise errors.quota_exceeded()
        if kind in ("500", "503"):
            raise errors.server_error(int(kind))
        if kind == "timeout":
            self.stopping.wait(self.faults.timeout_seconds)
            drop(request)
        if kind == "reset":
            drop(request)
        if api:
            if self.faults.latency_ms > 0:
                self.stopping.wait(self.faults.latency_ms / 1000)
            if self.faults.roll_error():
                raise errors.server_error()

    # -- OAuth ----------------------------------------------------------------------------

    def _auth(self, request: Request, route: str) -> Response:
        methods = AUTH_ROUTES.get(route)
        if methods is None:
            return Response("Not Found", status=404, mimetype="text/plain")
        if request.method not in methods:
            return Response("Method Not Allowed", status=405, mimetype="text/plain")
        if route in COUNTED_AUTH_ROUTES:
            key = f"{request.method} {AUTH_PREFIX}/{route}"
            self.counts.add(key)
            try:
                self._inject(request, key, api=False)
            except ApiError as exc:
                return to_response(exc.reply())
        return self.oauth.handle(request, route)

    # -- admin ----------------------------------------------------------------------------

    def _admin(self, request: Request, route: str) -> Response:
        if route == "counts" and request.method == "GET":
            return to_response(Reply(200, self.counts.snapshot()))
        if route == "counts/reset" and request.method == "POST":
            self.counts.reset()
            return to_response(Reply(200, {}))
        if route == "faults" and request.method == "POST":
            try:
                self.faults.configure(json.loads(request.get_data() or b"{}"))
            except (ValueError, KeyError, TypeError) as exc:
                return to_response(Reply(400, {"error": str(exc)}))
            return to_response(Reply(200, {}))
        if route == "campaigns/advance" and request.method == "POST":
            return to_response(self._advance_campaigns(request))
        if route == "token" and request.method == "POST":
            body = json.loads(request.get_data() or b"{}")
            with self.env.state.tx() as conn:
                token = self.oauth.issue(
                    conn, body.get("client_id", "sandbox"), body.get("scope") or DEFAULT_SCOPE
                )
            return to_response(Reply(200, token))
        return to_response(Reply(404, {"error": "unknown admin endpoint"}))

    def _advance_campaigns(self, request: Request) -> Reply:
        """``{"hours": N}``: let N hours pass on the campaign clock; late activity arrives."""
        try:
            body = json.loads(request.get_data() or b"{}")
            hours = float(body["hours"])
            if not 0 <= hours <= 24 * 366:
                raise ValueError("hours must be between 0 and 8784")
        except (ValueError, KeyError, TypeError) as exc:
            return Reply(400, {"error": f'send {{"hours": N}} with N >= 0 ({exc})'})
        campaigns = Campaigns(self.env.state, self.env.clock)
        added = campaigns.advance(hours)
        return Reply(
            200,
            {"hours": hours, "new_rows": added, "campaign_now": iso_ms(campaigns.now_ms())},
        )
