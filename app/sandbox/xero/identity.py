"""The sandbox Xero identity server: PKCE sign-in, rotating refresh tokens, /Connections.

* ``GET /identity/connect/authorize`` shows a consent form listing the organisations;
  posting it back with ``approve=1`` redirects with a single-use code (5 minutes).
* ``POST /identity/connect/token`` trades a code (checking PKCE S256) or a refresh token.
  Access tokens last 30 minutes. With ``offline_access`` a refresh token comes too; it is
  single-use (the emulator grants no grace period, stricter than Xero) and expires after 60
  days unused.
* ``GET /Connections`` lists the organisations (tenants) the token's grant may use, and
  ``DELETE /Connections/{id}`` disconnects one (the path is matched without regard to case).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from app.sandbox.kit.replies import dumps, loads
from app.sandbox.xero.errors import XeroError, not_found, unauthorized
from app.sandbox.xero.pages import consent_page, message_page
from app.sandbox.xero.state import State
from app.sandbox.xero.util import iso_utc, new_id, to_ms

IDENTITY_PREFIX = "/identity/connect"
ACCESS_TTL = 1800.0
CODE_TTL = 300.0
REFRESH_IDLE_TTL = 60 * 86_400.0
# Each route needs one of a set of scopes, as the accounting spec's security section says.
READ_SCOPES = frozenset({"accounting.contacts", "accounting.contacts.read"})
WRITE_SCOPES = frozenset({"accounting.contacts"})
SETTINGS_READ_SCOPES = frozenset({"accounting.settings", "accounting.settings.read"})
# What a sign-in grants when the request names no scope, and what issue_token() gives.
DEFAULT_SCOPE = "offline_access accounting.contacts accounting.settings.read"
_AUTHORIZE_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _json(status: int, body: Any) -> Response:
    response = Response(dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _oauth_error(error: str, status: int = 400) -> Response:
    return _json(status, {"error": error})


def pkce_ok(verifier: str, challenge: str, method: str) -> bool:
    if not challenge:
        return True  # a confidential client's code; the sandbox keeps no secrets
    if not verifier:
        return False
    if method == "plain":
        return secrets.compare_digest(verifier, challenge)
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(expected, challenge)


class Grant:
    """What a valid access token allows: its grant, client, scopes and organisations."""

    def __init__(self, grant_id: str, client_id: str, scopes: set[str], tenants: list[str]):
        self.grant_id = grant_id
        self.client_id = client_id
        self.scopes = scopes
        self.tenant_ids = tenants


class IdentityServer:
    """Serves the identity endpoints and checks bearer tokens for the API."""

    def __init__(self, state: State, clock: Callable[[], datetime]) -> None:
        self.state = state
        self.clock = clock

    def _now(self) -> float:
        return self.clock().timestamp()

    # -- tokens ---------------------------------------------------------------------------

    def new_grant(self, conn: sqlite3.Connection, tenant_ids: list[str]) -> str:
        grant_id = new_id()
        conn.execute(
            "INSERT INTO grants (grant_id, auth_event_id, tenant_ids, created_ms)"
            " VALUES (?, ?, ?, ?)",
            (grant_id, new_id(), dumps(tenant_ids), to_ms(self.clock())),
        )
        return grant_id

    def issue(
        self, conn: sqlite3.Connection, grant_id: str, client_id: str, scope: str
    ) -> dict[str, Any]:
        """A new access token and, with offline_access, a new refresh token for a grant."""
        now = self._now()
        access = secrets.token_urlsafe(32)
        conn.execute(
            "INSERT INTO oauth_access (token, grant_id, client_id, scope, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (access, grant_id, client_id, scope, now + ACCESS_TTL),
        )
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": int(ACCESS_TTL),
            "token_type": "Bearer",
            "scope": scope,
        }
        if "offline_access" in scope.split():
            conn.execute("UPDATE oauth_refresh SET valid = 0 WHERE grant_id = ?", (grant_id,))
            refresh = secrets.token_urlsafe(32)
            conn.execute(
                "INSERT INTO oauth_refresh (token, grant_id, client_id, scope, valid,"
                " last_used_at) VALUES (?, ?, ?, ?, 1, ?)",
                (refresh, grant_id, client_id, scope, now),
            )
            body["refresh_token"] = refresh
        return body

    def authenticate(self, header: str | None) -> Grant:
        """The grant behind ``Authorization: Bearer``; raises the 401 otherwise."""
        if not header or not header.startswith("Bearer "):
            raise unauthorized()
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT a.*, g.tenant_ids FROM oauth_access a JOIN grants g USING (grant_id)"
                " WHERE a.token = ?",
                (header[7:].strip(),),
            ).fetchone()
        if row is None or row["expires_at"] <= self._now():
            raise unauthorized()
        return Grant(
            row["grant_id"], row["client_id"], set(row["scope"].split()), loads(row["tenant_ids"])
        )

    # -- routes ---------------------------------------------------------------------------

    def handle(self, request: Request, route: str) -> Response:
        if route == "authorize" and request.method in ("GET", "POST"):
            return self._authorize(request)
        if route == "token" and request.method == "POST":
            return self._token(request)
        return Response("Not Found", status=404, mimetype="text/plain")

    def _tenants(self) -> list[tuple[str, str]]:
        with self.state.tx() as conn:
            rows = conn.execute("SELECT tenant_id, name FROM tenants ORDER BY seq").fetchall()
        return [(r["tenant_id"], r["name"]) for r in rows]

    def _authorize(self, request: Request) -> Response:
        params = request.form if request.method == "POST" else request.args
        fields = {k: params.get(k, "") for k in _AUTHORIZE_FIELDS}
        problem = _check_authorize(fields)
        if problem:
            return message_page(400, "Authorization request rejected", problem)
        tenants = self._tenants()
        if request.method == "GET":
            return consent_page(fields, request.path, tenants)
        query: dict[str, str] = {}
        if params.get("approve") == "1":
            chosen = [tid for tid, _ in tenants if params.get(f"tenant_{tid}")]
            code = secrets.token_urlsafe(24)
            with self.state.tx() as conn:
                grant_id = self.new_grant(conn, chosen or [tid for tid, _ in tenants])
                doc = dict(fields, grant_id=grant_id, expires_at=self._now() + CODE_TTL)
                conn.execute(
                    "INSERT INTO oauth_codes (code, doc) VALUES (?, ?)", (code, dumps(doc))
                )
            query["code"] = code
        else:
            query["error"] = "access_denied"
        if fields["state"]:
            query["state"] = fields["state"]
        separator = "&" if "?" in fields["redirect_uri"] else "?"
        location = fields["redirect_uri"] + separator + urlencode(query)
        return Response(status=302, headers={"Location": location})

    def _token(self, request: Request) -> Response:
        form = request.form
        client_id = form.get("client_id", "")
        if request.authorization and request.authorization.type == "basic":
            client_id = request.authorization.username or client_id
        if not client_id:
            return _oauth_error("invalid_client")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._code_grant(form, client_id)
        if grant == "refresh_token":
            return self._refresh_grant(form, client_id)
        return _oauth_error("unsupported_grant_type")

    def _code_grant(self, form: Any, client_id: str) -> Response:
        code = form.get("code", "")
        with self.state.tx() as conn:
            row = conn.execute("SELECT doc FROM oauth_codes WHERE code = ?", (code,)).fetchone()
            if row is None:
                return _oauth_error("invalid_grant")
            conn.execute("DELETE FROM oauth_codes WHERE code = ?", (code,))  # single use
            doc = loads(row["doc"])
            if doc["expires_at"] <= self._now() or doc["client_id"] != client_id:
                return _oauth_error("invalid_grant")
            if form.get("redirect_uri", "") != doc["redirect_uri"]:
                return _oauth_error("invalid_grant")
            if not pkce_ok(
                form.get("code_verifier", ""),
                doc["code_challenge"],
                doc["code_challenge_method"] or "S256",
            ):
                return _oauth_error("invalid_grant")
            scope = doc["scope"] or DEFAULT_SCOPE
            return _json(200, self.issue(conn, doc["grant_id"], client_id, scope))

    def _refresh_grant(self, form: Any, client_id: str) -> Response:
        now = self._now()
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT * FROM oauth_refresh WHERE token = ?", (form.get("refresh_token", ""),)
            ).fetchone()
            if (
                row is None
                or not row["valid"]
                or row["client_id"] != client_id
                or now - row["last_used_at"] > REFRESH_IDLE_TTL
            ):
                return _oauth_error("invalid_grant")
            return _json(200, self.issue(conn, row["grant_id"], client_id, row["scope"]))

    # -- connections ----------------------------------------------------------------------

    def connections(self, request: Request, connection_id: str | None) -> Response:
        """``GET /Connections`` and ``DELETE /Connections/{id}``."""
        try:
            grant = self.authenticate(request.headers.get("Authorization"))
        except XeroError as exc:
            return _json(exc.reply.status, exc.reply.body)
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT auth_event_id, created_ms FROM grants WHERE grant_id = ?",
                (grant.grant_id,),
            ).fetchone()
            names = dict(conn.execute("SELECT tenant_id, name FROM tenants").fetchall())
            items = [
                {
                    "id": connection_uuid(grant.grant_id, tid),
                    "authEventId": row["auth_event_id"],
                    "tenantId": tid,
                    "tenantType": "ORGANISATION",
                    "tenantName": names.get(tid, ""),
                    "createdDateUtc": iso_utc(row["created_ms"]),
                    "updatedDateUtc": iso_utc(row["created_ms"]),
                }
                for tid in grant.tenant_ids
            ]
            if request.method == "GET" and connection_id is None:
                wanted = request.args.get("authEventId")  # the spec's optional filter
                if wanted:
                    items = [i for i in items if i["authEventId"] == wanted]
                return _json(200, items)
            if request.method != "DELETE" or connection_id is None:
                return Response("Method Not Allowed", status=405, mimetype="text/plain")
            kept = [i["tenantId"] for i in items if i["id"] != connection_id]
            if len(kept) == len(items):
                reply = not_found().reply
                return Response(reply.raw, status=404, mimetype="text/plain")
            conn.execute(
                "UPDATE grants SET tenant_ids = ? WHERE grant_id = ?", (dumps(kept), grant.grant_id)
            )
        return Response(status=204)


def connection_uuid(grant_id: str, tenant_id: str) -> str:
    """A stable id for one organisation connected under one grant."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"xero-sandbox:{grant_id}:{tenant_id}"))


def _check_authorize(fields: dict[str, str]) -> str | None:
    if not fields["client_id"]:
        return "client_id is required."
    if not fields["redirect_uri"]:
        return "redirect_uri is required."
    if fields["response_type"] != "code":
        return "response_type must be code."
    if not fields["scope"]:
        return "scope is required."
    if fields["code_challenge"] and fields["code_challenge_method"] not in ("", "S256", "plain"):
        return "code_challenge_method must be S256."
    return None
