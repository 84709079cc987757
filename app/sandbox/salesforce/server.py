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
from collections.abc import Callable
from typing import Any

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from app.sandbox.salesforce import (
    bulk_ingest,
    bulk_query,
    collections_api,
    describe,
    query_api,
    replication,
    sobjects_api,
    versions,
)
from app.sandbox.salesforce.calls import Call, Env, sobject_or_404
from app.sandbox.salesforce.errors import SfError, not_found
from app.sandbox.salesforce.faults import Faults
from app.sandbox.salesforce.oauth import OAuth
from app.sandbox.wire import Dropped, Reply, drop, dumps

log = logging.getLogger(__name__)

Handler = Callable[..., Reply]
JSON_TYPE = "application/json;charset=UTF-8"
_VERSIONED = re.compile(r"^/services/data/v(?P<version>[^/]+)(?P<rest>/.*)?$")
_LOGIN_HOSTS = ("login", "test")


def _describe_global(env: Env, call: Call) -> Reply:
    return Reply(200, describe.describe_global(env.org, call.version))


def _describe(env: Env, call: Call, name: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    return Reply(200, describe.describe_object(env.org, sobject, call.version))


def _query(env: Env, call: Call) -> Reply:
    return query_api.run_query(env, call, everything=False)


def _query_all(env: Env, call: Call) -> Reply:
    return query_api.run_query(env, call, everything=True)


def _ingest_results(part: str) -> Handler:
    def handler(env: Env, call: Call, job_id: str) -> Reply:
        return bulk_ingest.results(env, call, job_id, part)

    return handler


# (pattern after /services/data/vXX.X, template for counts, {method: handler})
ROUTES: list[tuple[re.Pattern[str], str, dict[str, Handler]]] = [
    (re.compile(p), t, h)
    for p, t, h in (
        (r"^/?$", "/", {"GET": versions.resources}),
        (r"^/limits/?$", "/limits", {"GET": versions.limits}),
        (r"^/limits/recordCount/?$", "/limits/recordCount", {"GET": versions.record_count}),
        (r"^/query/?$", "/query", {"GET": _query}),
        (r"^/queryAll/?$", "/queryAll", {"GET": _query_all}),
        (r"^/(?:query|queryAll)/([^/]+)$", "/query/{locator}", {"GET": query_api.next_page}),
        (r"^/sobjects/?$", "/sobjects", {"GET": _describe_global}),
        (r"^/sobjects/([^/]+)/describe/?$", "/sobjects/{sobject}/describe", {"GET": _describe}),
        (
            r"^/sobjects/([^/]+)/updated/?$",
            "/sobjects/{sobject}/updated",
            {"GET": replication.updated},
        ),
        (
            r"^/sobjects/([^/]+)/deleted/?$",
            "/sobjects/{sobject}/deleted",
            {"GET": replication.deleted},
        ),
        (
            r"^/sobjects/([^/]+)/?$",
            "/sobjects/{sobject}",
            {"GET": sobjects_api.basic_info, "POST": sobjects_api.create},
        ),
        (
            r"^/sobjects/([^/]+)/([^/]+)/?$",
            "/sobjects/{sobject}/{id}",
            {
                "GET": sobjects_api.get_record,
                "PATCH": sobjects_api.update_record,
                "DELETE": sobjects_api.delete_record,
            },
        ),
        (
            r"^/sobjects/([^/]+)/([^/]+)/([^/]+)/?$",
            "/sobjects/{sobject}/{field}/{value}",
            {
                "GET": sobjects_api.by_external_id,
                "PATCH": sobjects_api.by_external_id,
                "DELETE": sobjects_api.by_external_id,
            },
        ),
        (
            r"^/composite/sobjects/?$",
            "/composite/sobjects",
            {
                "POST": collections_api.create,
                "PATCH": collections_api.update,
                "DELETE": collections_api.delete,
            },
        ),
        (
            r"^/composite/sobjects/([^/]+)/?$",
            "/composite/sobjects/{sobject}",
            {
                "GET": collections_api.retrieve,
                "PATCH": collections_api.update,
                "DELETE": collections_api.delete,
            },
        ),
        (
            r"^/composite/sobjects/([^/]+)/([^/]+)/?$",
            "/composite/sobjects/{sobject}/{field}",
            {"PATCH": collections_api.upsert},
        ),
        (
            r"^/jobs/ingest/?$",
            "/jobs/ingest",
            {"POST": bulk_ingest.create, "GET": bulk_ingest.list_jobs},
        ),
        (
            r"^/jobs/ingest/([^/]+)/?$",
            "/jobs/ingest/{id}",
            {
                "GET": bulk_ingest.job_info,
                "PATCH": bulk_ingest.change_state,
                "DELETE": bulk_ingest.delete_job,
            },
        ),
        (
            r"^/jobs/ingest/([^/]+)/batches/?$",
            "/jobs/ingest/{id}/batches",
            {"PUT": bulk_ingest.upload},
        ),
        (
            r"^/jobs/ingest/([^/]+)/successfulResults/?$",
            "/jobs/ingest/{id}/successfulResults",
            {"GET": _ingest_results("successfulResults")},
        ),
        (
            r"^/jobs/ingest/([^/]+)/failedResults/?$",
            "/jobs/ingest/{id}/failedResults",
            {"GET": _ingest_results("failedResults")},
        ),
        (
            r"^/jobs/ingest/([^/]+)/unprocessedrecords/?$",
            "/jobs/ingest/{id}/unprocessedrecords",
            {"GET": _ingest_results("unprocessedrecords")},
        ),
        (
            r"^/jobs/query/?$",
            "/jobs/query",
            {"POST": bulk_query.create, "GET": bulk_query.list_jobs},
        ),
        (
            r"^/jobs/query/([^/]+)/?$",
            "/jobs/query/{id}",
            {
                "GET": bulk_query.job_info,
                "PATCH": bulk_query.abort,
                "DELETE": bulk_query.delete_job,
            },
        ),
        (
            r"^/jobs/query/([^/]+)/results/?$",
            "/jobs/query/{id}/results",
            {"GET": bulk_query.results},
        ),
    )
]


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


def _route(rest: str, method: str) -> tuple[str, Handler | None, tuple[str, ...], list[str]]:
    """(count template, handler, path arguments, allowed methods) for a versioned path."""
    for pattern, template, handlers in ROUTES:
        match = pattern.match(rest)
        if match:
            return template, handlers.get(method), match.groups(), list(handlers)
    return rest, None, (), []


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
        template = _route(match.group("rest") or "/", request.method)[0]
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
        _, handler, args, allowed = _route(match.group("rest") or "/", request.method)
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
