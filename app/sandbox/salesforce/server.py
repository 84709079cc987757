"""The WSGI application: routing, counting, faults, sign-in, the daily limit and headers.

One port serves three hosts: the org's own (``/services/...``, what ``instance_url``
names), the production login host under ``/login`` and the sandbox login host under
``/test``. ``/__emulator`` serves counts and fault settings.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from typing import Any

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from app.sandbox.salesforce import versions
from app.sandbox.salesforce.calls import Call, Env
from app.sandbox.salesforce.errors import SfError, not_found
from app.sandbox.salesforce.faults import Faults
from app.sandbox.salesforce.oauth import OAuth
from app.sandbox.salesforce.routes import route
from app.sandbox.wire import Dropped, Reply, drop, dumps

log = logging.getLogger(__name__)

JSON_TYPE = "application/json;charset=UTF-8"
_VERSIONED = re.compile(r"^/services/data/v(?P<version>[^/]+)(?P<rest>/.*)?$")
_LOGIN_HOSTS = ("login", "test")


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


class SalesforceApp:
    """The WSGI callable."""

    def __init__(self, env: Env, oauth: OAuth, faults: Faults, stopping: threading.Event):
        self.env = env
        self.oauth = oauth
        self.faults = faults
        self.stopping = stopping
        self.counts = RequestCounter()

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
        host, _, route = path.lstrip("/").partition("/")
        if host in _LOGIN_HOSTS:
            key = f"{request.method} /{host}/{route}"
        else:
            host, route = "instance", path.lstrip("/")
            key = f"{request.method} {self._template(request)}"
        self.counts.add(key)
        forced = self._inject(request, key)
        if forced is not None:
            return _response(forced)
        if route.startswith(("services/oauth2/", "id/")):
            return self.oauth.handle(request, host, route)
        if host != "instance":
            return _response(Reply(404, not_found().body()))
        try:
            return _response(self._data(request))
        except SfError as exc:
            return _response(Reply(exc.status, exc.body()))

    def _template(self, request: Request) -> str:
        match = _VERSIONED.match(request.path)
        if not match:
            return request.path
        template = route(match.group("rest") or "/", request.method)[0]
        return f"/services/data/vXX.X{template if template != '/' else '/'}"

    def _data(self, request: Request) -> Reply:
        path = request.path
        if path in ("/services/data", "/services/data/"):
            return Reply(200, versions.versions())  # no sign-in, no Sforce-Limit-Info
        match = _VERSIONED.match(path)
        if not match:
            raise not_found()
        version = match.group("version")
        user_id = self.oauth.authenticate(request.headers.get("Authorization"))
        versions.check(version)
        limit_info = self.env.usage.take()
        if self.faults.roll_error():
            return _with_limit(_unknown_exception(), limit_info)
        _, handler, args, allowed = route(match.group("rest") or "/", request.method)
        try:
            if handler is None:
                if not allowed:
                    raise not_found()
                raise SfError(
                    405,
                    "METHOD_NOT_ALLOWED",
                    f"HTTP Method '{request.method}' not allowed. Allowed are"
                    f" {','.join(['HEAD', *allowed] if 'GET' in allowed else allowed)}",
                )
            reply = handler(self.env, Call(request, version, user_id), *args)
        except SfError as exc:
            reply = Reply(exc.status, exc.body())
        except Dropped:
            raise
        except Exception:  # the emulator must answer like a service, not crash the thread
            log.exception("Salesforce emulator handler failed for %s", request.path)
            reply = _unknown_exception()
        return _with_limit(reply, limit_info)

    def _inject(self, request: Request, key: str) -> Reply | None:
        kind = self.faults.take_forced(key)
        if kind == "request-limit":
            return Reply(
                403,
                [
                    {
                        "message": "TotalRequests Limit exceeded.",
                        "errorCode": "REQUEST_LIMIT_EXCEEDED",
                    }
                ],
            )
        if kind == "concurrent-limit":
            return Reply(
                403,
                [
                    {
                        "message": "ConcurrentRequests (Concurrent API Requests) Limit exceeded.",
                        "errorCode": "REQUEST_LIMIT_EXCEEDED",
                    }
                ],
            )
        if kind == "invalid-session":
            return Reply(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
        if kind == "429":
            return Reply(
                429,
                raw="Too Many Requests",
                content_type="text/plain",
                headers=[("Retry-After", str(self.faults.retry_after))],
            )
        if kind == "500":
            return _unknown_exception()
        if kind == "503":
            return Reply(
                503,
                raw="<html><body><h1>Service Unavailable</h1><p>We are down for"
                " maintenance.</p></body></html>",
                content_type="text/html",
            )
        if kind == "timeout":
            self.stopping.wait(self.faults.timeout_seconds)
            drop(request)
        if kind == "reset":
            drop(request)
        if self.faults.latency_ms > 0:
            self.stopping.wait(self.faults.latency_ms / 1000)
        return None

    def _admin(self, request: Request, route: str) -> Response:
        if route == "counts" and request.method == "GET":
            return _response(Reply(200, self.counts.snapshot()))
        if route == "counts/reset" and request.method == "POST":
            self.counts.reset()
            return _response(Reply(200, {}))
        if route == "faults" and request.method == "POST":
            try:
                self.faults.configure(json.loads(request.get_data() or b"{}"))
            except (ValueError, KeyError, TypeError) as exc:
                return _response(Reply(400, {"error": str(exc)}))
            return _response(Reply(200, {}))
        return _response(Reply(404, {"error": "unknown admin endpoint"}))


def _unknown_exception() -> Reply:
    return Reply(
        500,
        [
            {
                "message": "An unexpected error occurred. Please include this ErrorId"
                " if you contact support: 1928374655-12345 (-1234567890)",
                "errorCode": "UNKNOWN_EXCEPTION",
            }
        ],
    )


def _with_limit(reply: Reply, limit_info: str) -> Reply:
    return Reply(
        reply.status,
        reply.body,
        [*reply.headers, ("Sforce-Limit-Info", limit_info)],
        reply.raw,
        reply.content_type,
    )


def _response(reply: Reply) -> Response:
    if reply.raw is not None:
        mimetype = JSON_TYPE if reply.content_type == "application/json" else reply.content_type
        response = Response(reply.raw, status=reply.status, content_type=mimetype)
    elif reply.body is None:
        response = Response(status=reply.status)
    else:
        response = Response(dumps(reply.body), status=reply.status, content_type=JSON_TYPE)
    for name, value in reply.headers:
        response.headers[name] = value
    return response
