"""The WSGI application: routing, counting, faults, signing, sessions, limits and envelopes.

Every call must be signed by an application WellnessLiving knows (``Authorization:
20150518,...``, see ``signature``) or carry a bearer JWT from ``JwtToken.json``. An
application is issued for staging or for production and works only on that environment's
hosts. Calls other than the notepad and the sign-in need a signed-in staff session, carried
in the host's cookies. Every answer is JSON with ``status`` and ``s_version``; errors come
with HTTP 200 unless ``X-Error-Rules`` maps them (see ``errors``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from app.sandbox.kit.cut_connections import Dropped
from app.sandbox.kit.emulator_app import EmulatorApp
from app.sandbox.kit.replies import Reply, dumps, gateway_throttled
from app.sandbox.wellnessliving import logins, passport, profile_edit, reports
from app.sandbox.wellnessliving.calls import Call, Env
from app.sandbox.wellnessliving.errors import (
    APPLICATION,
    CSRF,
    INTERNAL,
    LIMIT,
    RESOURCE_NOT_FOUND,
    SIGNATURE,
    USER_OUT,
    WlError,
    error_reply,
    ok_body,
)
from app.sandbox.wellnessliving.faults import Faults
from app.sandbox.wellnessliving.hosts import Host, host_named
from app.sandbox.wellnessliving.limits import AppLimits
from app.sandbox.wellnessliving.signature import check_signature, parse_authorization

log = logging.getLogger(__name__)

Handler = Callable[[Env, Call], dict[str, Any]]
# (method, resource) → handler; the resource is the path without its leading slash.
ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "Core/Passport/Login/Enter/Notepad.json"): passport.notepad,
    ("POST", "Core/Passport/Login/Enter/Enter.json"): passport.enter,
    ("GET", "Core/Passport/Enter/Jwt/JwtToken.json"): passport.jwt_token,
    ("GET", "Wl/Login/Member/LoginMemberListAll.json"): logins.member_list,
    ("GET", "Wl/Login/Login.json"): logins.login_get,
    ("POST", "Wl/Login/Login.json"): logins.login_post,
    ("GET", "Wl/Profile/Edit/Edit.json"): profile_edit.edit_get,
    ("POST", "Wl/Profile/Edit/Edit.json"): profile_edit.edit_post,
    ("PUT", "Wl/Profile/Edit/Edit.json"): profile_edit.edit_put,
    ("GET", "Wl/Business/User/Subscribe/Subscribe.json"): logins.subscribe_get,
    ("PUT", "Wl/Business/User/Subscribe/Subscribe.json"): logins.subscribe_put,
    ("GET", "Wl/Report/Data.json"): reports.report_data,
}
RESOURCES = frozenset(resource for _, resource in ROUTES)


class WellnessLivingApp(EmulatorApp[Faults]):
    """The WSGI callable serving the API and ``/__emulator`` (counts, faults)."""

    def __init__(
        self, env: Env, faults: Faults, limits: AppLimits | None, stopping: threading.Event
    ) -> None:
        super().__init__(faults, stopping)
        self.env = env
        self.limits = limits

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/__emulator/"):
            return self._admin(request, request.path[len("/__emulator/") :])
        resource = request.path.lstrip("/")
        key = f"{request.method} /{resource}"
        self.counts.add(key)
        host = host_named(request.host)
        rules = request.headers.get("X-Error-Rules")
        call: Call | None = None
        try:
            forced = self._inject(request, key)
            if forced is not None:
                return _response(forced, None)
            handler = ROUTES.get((request.method, resource))
            if handler is None:
                raise WlError(RESOURCE_NOT_FOUND, "The requested resource does not exist.")
            call = self._authenticate(request, host)
            if self.limits is not None:
                self.limits.acquire(call.app_id)
            reply = Reply(200, ok_body(handler(self.env, call)))
        except WlError as exc:
            reply = error_reply(exc, rules)
        except Dropped:
            raise
        except Exception:  # the emulator must answer like a service, not crash the thread
            log.exception("WellnessLiving emulator handler failed for %s", key)
            reply = error_reply(WlError(INTERNAL, "An internal error occurred."), rules)
        return _response(reply, call)

    def _authenticate(self, request: Request, host: Host) -> Call:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            found = passport.bearer_user(self.env, header[7:].strip())
            if found is None:
                raise WlError(USER_OUT, "Your session has expired. Please sign in again.")
            uid, app_id = found
            return Call(request, host, app_id, uid=uid)
        signed = parse_authorization(header)
        if signed is None:
            raise WlError(SIGNATURE, "The request is not signed.")
        with self.env.state.tx() as conn:
            app = conn.execute(
                "SELECT secret, staging FROM applications WHERE app_id = ?", (signed.app_id,)
            ).fetchone()
        if app is None:
            raise WlError(APPLICATION, "The application ID is not known.")
        if bool(app["staging"]) != host.staging:
            where = "staging" if app["staging"] else "production"
            raise WlError(APPLICATION, f"This application may only be used on the {where} servers.")
        check_signature(request, host, signed, app["secret"])
        call = Call(request, host, signed.app_id)
        passport.find_session(self.env, call)
        return call

    def _inject(self, request: Request, key: str) -> Reply | None:
        """Apply forced faults, latency and the random error rate; an HTTP fault's reply."""
        kind = self.faults.take_forced(key)
        rules = request.headers.get("X-Error-Rules")
        if kind in ("user-out", "csrf", "internal", "request-limit"):
            sid = {"request-limit": LIMIT, "user-out": USER_OUT, "csrf": CSRF}.get(kind, INTERNAL)
            raise WlError(sid, _FAULT_MESSAGES[sid])
        if kind == "429":
            return gateway_throttled(self.faults.retry_after)
        if kind in ("500", "503"):
            return Reply(
                int(kind), raw="<html><body>Server error</body></html>", content_type="text/html"
            )
        self.cut_if_forced(request, kind)
        self.add_latency()
        if self.faults.roll_error():
            return error_reply(WlError(INTERNAL, _FAULT_MESSAGES[INTERNAL]), rules)
        return None

    def _admin(self, request: Request, route: str) -> Response:
        reply = self.counts_and_faults(request, route)
        return _response(reply or Reply(404, {"error": "unknown admin endpoint"}), None)


_FAULT_MESSAGES = {
    USER_OUT: "Your session has expired. Please sign in again.",
    CSRF: "Your session has expired. Please refresh the page.",
    INTERNAL: "An internal error occurred. Please try again later.",
    LIMIT: "Too many requests. Please try again later.",
}


def _response(reply: Reply, call: Call | None) -> Response:
    if reply.raw is not None:
        response = Response(reply.raw, status=reply.status, mimetype=reply.content_type)
    else:
        response = Response(dumps(reply.body), status=reply.status, mimetype="application/json")
    for name, value in reply.headers:
        response.headers[name] = value
    for name, value in (call.set_cookies if call else {}).items():
        response.set_cookie(name, value, path="/", httponly=True)
    return response
