"""The WSGI application: routing, counting, faults, auth, tenant, limits and idempotency."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.kit.cut_connections import Dropped
from app.sandbox.kit.emulator_app import EmulatorApp
from app.sandbox.kit.replies import dumps, to_response
from app.sandbox.kit.request_counts import path_template
from app.sandbox.xero import contact_writes, contacts, groups, organisation
from app.sandbox.xero.calls import Call, Env
from app.sandbox.xero.errors import (
    Reply,
    XeroError,
    forbidden,
    missing_scope,
    not_found,
    rate_limited,
    server_error,
)
from app.sandbox.xero.faults import Faults
from app.sandbox.xero.identity import (
    DEFAULT_SCOPE,
    IDENTITY_PREFIX,
    READ_SCOPES,
    SETTINGS_READ_SCOPES,
    WRITE_SCOPES,
    IdentityServer,
)
from app.sandbox.xero.limits import TenantLimits

log = logging.getLogger(__name__)

API_PREFIX = "/api.xro/2.0"
CONNECTIONS_PATH = "/Connections"  # as xero-identity.yaml declares it
CONNECTIONS = CONNECTIONS_PATH.lower()
Handler = Callable[[Env, Call], Reply]
# (method, path, handler, scopes): a call needs one of the scopes (the spec's security section).
ROUTES: list[tuple[str, str, Handler, frozenset[str]]] = [
    ("GET", "/Contacts", contacts.list_contacts, READ_SCOPES),
    ("PUT", "/Contacts", contact_writes.create_contacts, WRITE_SCOPES),
    ("POST", "/Contacts", contact_writes.update_or_create_contacts, WRITE_SCOPES),
    ("GET", "/Contacts/<ContactID>", contacts.get_contact, READ_SCOPES),
    ("POST", "/Contacts/<ContactID>", contact_writes.update_contact, WRITE_SCOPES),
    ("GET", "/ContactGroups", groups.list_groups, READ_SCOPES),
    ("PUT", "/ContactGroups", groups.create_groups, WRITE_SCOPES),
    ("GET", "/ContactGroups/<ContactGroupID>", groups.get_group, READ_SCOPES),
    ("POST", "/ContactGroups/<ContactGroupID>", groups.update_group, WRITE_SCOPES),
    ("PUT", "/ContactGroups/<ContactGroupID>/Contacts", groups.add_members, WRITE_SCOPES),
    ("DELETE", "/ContactGroups/<ContactGroupID>/Contacts", groups.remove_all_members, WRITE_SCOPES),
    (
        "DELETE",
        "/ContactGroups/<ContactGroupID>/Contacts/<ContactID>",
        groups.remove_member,
        WRITE_SCOPES,
    ),
    ("GET", "/Organisation", organisation.get_organisation, SETTINGS_READ_SCOPES),
]


class XeroApp(EmulatorApp[Faults]):
    """The WSGI callable serving /api.xro/2.0, /Connections, /identity and /__emulator."""

    def __init__(
        self,
        env: Env,
        identity: IdentityServer,
        faults: Faults,
        limits: TenantLimits | None,
        stopping: threading.Event,
    ) -> None:
        super().__init__(faults, stopping)
        self.env = env
        self.identity = identity
        self.limits = limits
        rules = [
            Rule(API_PREFIX + path, methods=[method], endpoint=(method, path, handler, scopes))
            for method, path, handler, scopes in ROUTES
        ]
        self._map = Map(rules, strict_slashes=False)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/__emulator/"):
            return self._admin(request, path[len("/__emulator/") :])
        if path.startswith(IDENTITY_PREFIX + "/"):
            route = path[len(IDENTITY_PREFIX) + 1 :]
            if route == "token":
                key = f"POST {IDENTITY_PREFIX}/token"
                self.counts.add(key)
                try:
                    self._inject(request, key)
                except XeroError as exc:
                    return to_response(exc.reply)
            return self.identity.handle(request, route)
        # The identity spec and Xero's SDKs (xero-python's IdentityApi.get_connections) call
        # /Connections; Xero's own guides and most integrations write /connections, and both
        # work against api.xero.com, so the path is matched without regard to case.
        lowered = path.lower()
        if lowered == CONNECTIONS or lowered.startswith(CONNECTIONS + "/"):
            one = lowered != CONNECTIONS
            key = f"{request.method} {CONNECTIONS_PATH}" + ("/{id}" if one else "")
            self.counts.add(key)
            try:
                self._inject(request, key)
            except XeroError as exc:
                return to_response(exc.reply)
            connection_id = path[len(CONNECTIONS) + 1 :] if one else None
            return self.identity.connections(request, connection_id or None)
        return self._api(request)

    # -- API ------------------------------------------------------------------------------

    def _api(self, request: Request) -> Response:
        adapter = self._map.bind_to_environ(request.environ)
        try:
            (method, path, handler, scopes), params = adapter.match(method=request.method)
        except (MethodNotAllowed, NotFound) as exc:
            self.counts.add(f"{request.method} {request.path}")
            if isinstance(exc, MethodNotAllowed):
                return Response("Method Not Allowed", status=405, mimetype="text/plain")
            return to_response(not_found().reply)
        key = f"{method} {API_PREFIX}{path_template(path)}"
        self.counts.add(key)
        headers: list[tuple[str, str]] = []
        tenant_id = ""
        try:
            self._inject(request, key)
            grant = self.identity.authenticate(request.headers.get("Authorization"))
            tenant_id = request.headers.get("xero-tenant-id", "").strip()
            if not tenant_id or tenant_id not in grant.tenant_ids:
                raise forbidden()
            if not scopes & grant.scopes:
                raise missing_scope()
            if self.limits is not None:
                headers = self.limits.acquire(tenant_id)
            try:
                reply = self._idempotent(request, key, tenant_id, handler, params)
            finally:
                if self.limits is not None:
                    self.limits.release(tenant_id)
        except XeroError as exc:
            reply = exc.reply
        except Dropped:
            raise
        except Exception:  # the emulator must answer like a service, not crash the thread
            log.exception("Xero emulator handler failed for %s", key)
            reply = server_error().reply
        reply = replace(reply, headers=(*reply.headers, *headers))
        return to_response(reply)

    def _idempotent(
        self, request: Request, key: str, tenant_id: str, handler: Handler, params: Any
    ) -> Reply:
        """Run the handler; a repeated ``Idempotency-Key`` replays the first answer."""
        call = Call(request, params, tenant_id, self.env.clock())
        idem = request.headers.get("Idempotency-Key", "").strip()[:128]
        if not idem or request.method == "GET":
            return handler(self.env, call)
        with self.env.state.tx() as conn:
            row = conn.execute(
                "SELECT status, body FROM idempotency WHERE tenant_id = ? AND key = ?",
                (tenant_id, idem),
            ).fetchone()
            if row is not None:
                return Reply(row["status"], json.loads(row["body"]))
            try:
                reply = handler(self.env, call)
            except XeroError as exc:
                reply = exc.reply
            if reply.raw is None and reply.status < 500:
                conn.execute(
                    "INSERT INTO idempotency (tenant_id, key, endpoint, status, body)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (tenant_id, idem, key, reply.status, dumps(reply.body)),
                )
        return reply

    def _inject(self, request: Request, key: str) -> None:
        """Apply forced faults, latency and the random error rate."""
        kind = self.faults.take_forced(key)
        if kind == "429":
            raise rate_limited("minute", self.faults.retry_after)
        if kind == "429-day":
            raise rate_limited("day", self.faults.day_retry_after)
        if kind in ("500", "503"):
            raise server_error(int(kind))
        self.cut_if_forced(request, kind)
        self.add_latency()
        if self.faults.roll_error():
            raise server_error()

    # -- admin ----------------------------------------------------------------------------

    def _admin(self, request: Request, route: str) -> Response:
        common = self.counts_and_faults(request, route)
        if common is not None:
            return to_response(common)
        if route == "token" and request.method == "POST":
            body = json.loads(request.get_data() or b"{}")
            with self.env.state.tx() as conn:
                tenants = body.get("tenant_ids") or [
                    r[0] for r in conn.execute("SELECT tenant_id FROM tenants ORDER BY seq")
                ]
                grant_id = self.identity.new_grant(conn, list(tenants))
                client_id = body.get("client_id", "sandbox")
                scope = body.get("scope") or DEFAULT_SCOPE
                token = self.identity.issue(conn, grant_id, client_id, scope)
            return to_response(Reply(200, token))
        return to_response(Reply(404, {"error": "unknown admin endpoint"}))
