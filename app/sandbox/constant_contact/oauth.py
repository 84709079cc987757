"""The sandbox authorization server: PKCE/auth-code, rotating refresh tokens, device flow."""

from __future__ import annotations

import base64
import hashlib
import secrets
import sqlite3
import string
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from app.sandbox.constant_contact.limits import TokenBucket
from app.sandbox.constant_contact.oauth_pages import consent_page, device_page, message_page
from app.sandbox.constant_contact.state import State
from app.sandbox.constant_contact.util import iso, parse_iso
from app.sandbox.wire import dumps, loads

AUTH_PREFIX = "/oauth2/default/v1"
ACCESS_TTL = timedelta(hours=24)
CODE_TTL = timedelta(minutes=5)
DEVICE_TTL = timedelta(minutes=10)
REFRESH_IDLE_TTL = timedelta(days=180)
DEFAULT_SCOPE = "contact_data campaign_data account_read offline_access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_INVALID = "The refresh token is invalid or expired."
RATE_LIMITED = {
    "errorCode": "E0000047",
    "errorSummary": "API call exceeded rate limit due to too many requests.",
    "errorLink": "E0000047",
    "errorCauses": [],
}


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(body), status=status, mimetype="application/json", headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return _json(status, {"error": error, "error_description": description})


def pkce_ok(verifier: str | None, challenge: str | None, method: str | None) -> bool:
    if not challenge:
        return True  # a confidential-client code without PKCE; the sandbox accepts any secret
    if not verifier:
        return False
    if (method or "plain") == "plain":
        return secrets.compare_digest(verifier, challenge)
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(expected, challenge)


class OAuthServer:
    """Serves the /oauth2/default/v1 endpoints and checks bearer tokens for the API."""

    def __init__(
        self, state: State, clock: Callable[[], datetime], token_limit: TokenBucket | None
    ) -> None:
        self.state = state
        self.clock = clock
        self.token_limit = token_limit

    # -- tokens ---------------------------------------------------------------------------

    def issue(
        self, conn: sqlite3.Connection, client_id: str, scope: str, grant_id: str | None = None
    ) -> dict[str, Any]:
        """A new access token (and, with offline_access, a refresh token) for a grant."""
        now = self.clock()
        access = secrets.token_urlsafe(32)
        conn.execute(
            "INSERT INTO oauth_access (token, client_id, scope, expires_at) VALUES (?, ?, ?, ?)",
            (access, client_id, scope, iso(now + ACCESS_TTL)),
        )
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": int(ACCESS_TTL.total_seconds()),
            "access_token": access,
            "scope": scope,
        }
        if "offline_access" in scope.split():
            grant_id = grant_id or secrets.token_hex(8)
            conn.execute("UPDATE oauth_refresh SET valid = 0 WHERE grant_id = ?", (grant_id,))
            refresh = secrets.token_urlsafe(32)
            conn.execute(
                "INSERT INTO oauth_refresh (token, grant_id, client_id, scope, valid, last_used_at)"
                " VALUES (?, ?, ?, ?, 1, ?)",
                (refresh, grant_id, client_id, scope, iso(now)),
            )
            body["refresh_token"] = refresh
        return body

    def authenticate(self, header: str | None) -> tuple[str, set[str]] | None:
        """(client_id, scopes) for a valid ``Authorization: Bearer`` header, else None."""
        if not header or not header.startswith("Bearer "):
            return None
        token = header[7:].strip()
        with self.state.tx() as conn:
            row = conn.execute("SELECT * FROM oauth_access WHERE token = ?", (token,)).fetchone()
        if row is None or row["expires_at"] <= iso(self.clock()):
            return None
        return row["client_id"], set(row["scope"].split())

    # -- routing --------------------------------------------------------------------------

    def handle(self, request: Request, route: str) -> Response:
        if route == "authorize":
            return self._authorize(request)
        if route == "token":
            return self._token(request)
        if route == "device/authorize":
            return self._device_authorize(request)
        return self._device_verify(request)

    def _client_redirects(self, client_id: str) -> list[str] | None:
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT redirect_uris FROM oauth_clients WHERE client_id = ?", (client_id,)
            ).fetchone()
        return loads(row["redirect_uris"]) if row else None

    def _authorize(self, request: Request) -> Response:
        params = request.form if request.method == "POST" else request.args
        fields = {
            k: params.get(k, "")
            for k in (
                "client_id",
                "redirect_uri",
                "response_type",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method",
            )
        }
        problem = self._check_authorize(fields)
        if problem:
            return message_page(400, "Authorization request rejected", problem)
        if request.method == "GET":
            return consent_page(fields, request.path)
        query: dict[str, str] = {}
        if params.get("approve") == "1":
            code = secrets.token_urlsafe(24)
            doc = dict(fields, expires_at=iso(self.clock() + CODE_TTL))
            with self.state.tx() as conn:
                conn.execute(
                    "INSERT INTO oauth_codes (code, doc) VALUES (?, ?)", (code, dumps(doc))
                )
            query["code"] = code
        else:
            query.update(error="access_denied", error_description="The user denied the request.")
        if fields["state"]:
            query["state"] = fields["state"]
        separator = "&" if "?" in fields["redirect_uri"] else "?"
        return Response(
            status=302, headers={"Location": fields["redirect_uri"] + separator + urlencode(query)}
        )

    def _check_authorize(self, fields: dict[str, str]) -> str | None:
        if not fields["client_id"]:
            return "client_id is required."
        if not fields["redirect_uri"]:
            return "redirect_uri is required."
        allowed = self._client_redirects(fields["client_id"])
        if allowed and fields["redirect_uri"] not in allowed:
            return "redirect_uri is not registered for this client."
        if fields["response_type"] != "code":
            return "response_type must be code."
        if fields["code_challenge"] and fields["code_challenge_method"] not in (
            "",
            "S256",
            "plain",
        ):
            return "code_challenge_method must be S256."
        return None

    def _token(self, request: Request) -> Response:
        form = request.form
        client_id = form.get("client_id", "")
        if request.authorization and request.authorization.type == "basic":
            client_id = request.authorization.username or client_id
        if self.token_limit is not None and not self.token_limit.allow(
            client_id or request.remote_addr or "-"
        ):
            return _json(429, dict(RATE_LIMITED, errorId=secrets.token_hex(8)))
        if not client_id:
            return _oauth_error("invalid_client", "Client authentication failed.", 401)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._code_grant(form, client_id)
        if grant == "refresh_token":
            return self._refresh_grant(form, client_id)
        if grant == DEVICE_GRANT:
            return self._device_grant(form, client_id)
        return _oauth_error("unsupported_grant_type", f"The grant type {grant!r} is not supported.")

    def _code_grant(self, form: Any, client_id: str) -> Response:
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT doc FROM oauth_codes WHERE code = ?", (form.get("code", ""),)
            ).fetchone()
            if row is None:
                return _oauth_error(
                    "invalid_grant", "The authorization code is invalid or has expired."
                )
            conn.execute(
                "DELETE FROM oauth_codes WHERE code = ?", (form.get("code", ""),)
            )  # single use
            doc = loads(row["doc"])
            expires = parse_iso(doc["expires_at"])
            if expires is None or expires <= self.clock() or doc["client_id"] != client_id:
                return _oauth_error(
                    "invalid_grant", "The authorization code is invalid or has expired."
                )
            if form.get("redirect_uri") and form.get("redirect_uri") != doc["redirect_uri"]:
                return _oauth_error(
                    "invalid_grant", "The redirect_uri does not match the authorization request."
                )
            if not pkce_ok(
                form.get("code_verifier"), doc["code_challenge"], doc["code_challenge_method"]
            ):
                return _oauth_error("invalid_grant", "PKCE verification failed.")
            return _json(200, self.issue(conn, client_id, doc["scope"] or "contact_data"))

    def _refresh_grant(self, form: Any, client_id: str) -> Response:
        now = self.clock()
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT * FROM oauth_refresh WHERE token = ?", (form.get("refresh_token", ""),)
            ).fetchone()
            stale = row is None or not row["valid"] or row["client_id"] != client_id
            if not stale:
                last_used = parse_iso(row["last_used_at"])
                stale = last_used is None or now - last_used > REFRESH_IDLE_TTL
            if stale:
                return _oauth_error("invalid_grant", REFRESH_INVALID)
            scope = row["scope"]
            wanted = form.get("scope")
            if wanted and set(wanted.split()) - set(scope.split()):
                return _oauth_error(
                    "invalid_scope", "The requested scope exceeds the original grant."
                )
            return _json(200, self.issue(conn, client_id, wanted or scope, row["grant_id"]))

    def _device_authorize(self, request: Request) -> Response:
        client_id = request.form.get("client_id", "")
        if not client_id:
            return _oauth_error("invalid_client", "client_id is required.", 401)
        device_code = secrets.token_urlsafe(32)
        letters = "".join(secrets.choice(string.ascii_uppercase) for _ in range(8))
        user_code = f"{letters[:4]}-{letters[4:]}"
        doc = {
            "client_id": client_id,
            "scope": request.form.get("scope", "contact_data"),
            "expires_at": iso(self.clock() + DEVICE_TTL),
            "approved": False,
        }
        with self.state.tx() as conn:
            conn.execute(
                "INSERT INTO oauth_devices (device_code, user_code, doc) VALUES (?, ?, ?)",
                (device_code, user_code, dumps(doc)),
            )
        uri = request.host_url.rstrip("/") + AUTH_PREFIX + "/device"
        return _json(
            200,
            {
                "device_code": device_code,
                "user_code": user_code,
                "verification_uri": uri,
                "verification_uri_complete": f"{uri}?{urlencode({'user_code': user_code})}",
                "expires_in": int(DEVICE_TTL.total_seconds()),
                "interval": 5,
            },
        )

    def _device_verify(self, request: Request) -> Response:
        if request.method == "GET":
            return device_page(request.args.get("user_code", ""), request.path)
        user_code = request.form.get("user_code", "").strip().upper()
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT device_code, doc FROM oauth_devices WHERE user_code = ?", (user_code,)
            ).fetchone()
            if row is None:
                return message_page(
                    400, "Unknown code", "That code is not valid. Check it and try again."
                )
            doc = loads(row["doc"])
            expires = parse_iso(doc["expires_at"])
            if expires is None or expires <= self.clock():
                return message_page(
                    400, "Code expired", "That code has expired. Start again on your device."
                )
            doc["approved"] = request.form.get("approve") == "1"
            doc["denied"] = not doc["approved"]
            conn.execute(
                "UPDATE oauth_devices SET doc = ? WHERE device_code = ?",
                (dumps(doc), row["device_code"]),
            )
        if doc["approved"]:
            return message_page(200, "Device connected", "You can return to ContactBridge now.")
        return message_page(200, "Access denied", "ContactBridge was not given access.")

    def _device_grant(self, form: Any, client_id: str) -> Response:
        device_code = form.get("device_code", "")
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT doc FROM oauth_devices WHERE device_code = ?", (device_code,)
            ).fetchone()
            if row is None:
                return _oauth_error("invalid_grant", "The device code is invalid or has expired.")
            doc = loads(row["doc"])
            expires = parse_iso(doc["expires_at"])
            if doc["client_id"] != client_id:
                return _oauth_error(
                    "invalid_grant", "The device code was issued to another client."
                )
            if expires is None or expires <= self.clock():
                conn.execute("DELETE FROM oauth_devices WHERE device_code = ?", (device_code,))
                return _oauth_error("expired_token", "The device code has expired.")
            if doc.get("denied"):
                conn.execute("DELETE FROM oauth_devices WHERE device_code = ?", (device_code,))
                return _oauth_error("access_denied", "The user denied the request.")
            if not doc["approved"]:
                return _oauth_error("authorization_pending", "The device authorization is pending.")
            conn.execute("DELETE FROM oauth_devices WHERE device_code = ?", (device_code,))
            return _json(200, self.issue(conn, client_id, doc["scope"]))
