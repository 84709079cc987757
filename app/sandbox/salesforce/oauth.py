"""Sign-in: the web-server flow with PKCE, refresh tokens, the username-password flow,
revocation and userinfo, on the login host, the test host and the org's own host.

Live behaviour followed (shared/notes/salesforce-real-behaviour.md):

* The token response has ``instance_url``, ``id``, ``issued_at`` (epoch ms as a string),
  ``signature``, ``scope``, ``token_type`` and ``api_instance_url``, and **no**
  ``expires_in``. An access token lasts until the session times out (2 hours unused);
  a data call with an expired or revoked one gets 401 ``INVALID_SESSION_ID``.
* PKCE: a verifier with ``~`` (or any character outside base64url), one of the wrong length
  and one that does not match the challenge all get ``invalid_grant`` "invalid code
  verifier". An app that requires PKCE refuses an authorize request without a challenge.
* With refresh-token rotation on, a refresh token works once; a used, revoked or unknown one
  gets ``invalid_grant`` "expired access/refresh token".
* The username-password flow is blocked (as in orgs since Summer '23) until the org allows
  it; blocked, a wrong password and a missing security token all answer ``invalid_grant``
  "authentication failure".
* A production org's users sign in on the login host, a sandbox org's on the test host; the
  org's own host takes both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from app.sandbox.salesforce import oauth_pages
from app.sandbox.salesforce.errors import OAuthError, SfError, invalid_session
from app.sandbox.salesforce.ids import opaque
from app.sandbox.salesforce.org import Org
from app.sandbox.wire import dumps

CODE_TTL_MS = 15 * 60 * 1000
SESSION_MINUTES = 120
_VERIFIER = re.compile(r"^[A-Za-z0-9_-]{43,128}$")
_LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/.*)?$")
HOST_LABELS = {"login": "production", "test": "sandbox", "instance": "My Domain"}
_AUTHORIZE_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "display",
)


def _json(status: int, body: Any) -> Response:
    response = Response(dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache,must-revalidate,max-age=0,no-store,private"
    return response


def _redirect(uri: str, query: dict[str, str]) -> Response:
    separator = "&" if "?" in uri else "?"
    return Response(status=302, headers={"Location": uri + separator + urlencode(query)})


class OAuth:
    """Serves the OAuth endpoints and checks bearer tokens for the data API."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.base_url = ""  # set when the server starts

    def host_url(self, host: str) -> str:
        return self.base_url if host == "instance" else f"{self.base_url}/{host}"

    # -- apps and tokens ------------------------------------------------------------------

    def app(self, consumer_key: str) -> dict[str, Any] | None:
        with self.org.state.tx() as conn:
            row = conn.execute(
                "SELECT doc FROM apps WHERE consumer_key = ?", (consumer_key,)
            ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def authenticate(self, header: str | None) -> str:
        """The user behind ``Authorization: Bearer`` (or ``OAuth``); raises the 401."""
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() not in ("bearer", "oauth") or not token.strip():
            raise invalid_session()
        now = self.org.now_ms()
        timeout = int(self.org.setting("session_minutes", str(SESSION_MINUTES))) * 60_000
        with self.org.state.tx() as conn:
            row = conn.execute(
                "SELECT user_id, used_ms, valid FROM access_tokens WHERE token = ?",
                (token.strip(),),
            ).fetchone()
            if row is None or not row["valid"] or now - row["used_ms"] > timeout:
                raise invalid_session()
            conn.execute(
                "UPDATE access_tokens SET used_ms = ? WHERE token = ?", (now, token.strip())
            )
        return str(row["user_id"])

    def issue(
        self, user_id: str, consumer_key: str, scope: str, host: str, *, refresh: str | None
    ) -> dict[str, Any]:
        """A new access token (and, when ``refresh`` is "new", a new refresh token)."""
        now = self.org.now_ms()
        access = f"{self.org.org_id[:15]}!{opaque(90)}"
        body: dict[str, Any] = {"access_token": access}
        with self.org.state.tx() as conn:
            if refresh == "new":
                refresh = f"5Aep861{opaque(80)}"
                conn.execute(
                    "INSERT INTO refresh_tokens (token, user_id, consumer_key, scope, host)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (refresh, user_id, consumer_key, scope, host),
                )
                body["refresh_token"] = refresh
            conn.execute(
                "INSERT INTO access_tokens (token, user_id, consumer_key, refresh, used_ms)"
                " VALUES (?, ?, ?, ?, ?)",
                (access, user_id, consumer_key, refresh, now),
            )
        identity = f"{self.host_url(host)}/id/{self.org.org_id}/{user_id}"
        issued = str(now)
        app = self.app(consumer_key) or {}
        key = (app.get("secret") or consumer_key).encode()
        signature = hmac.new(key, (identity + issued).encode(), hashlib.sha256).digest()
        body.update(
            {
                "signature": base64.b64encode(signature).decode(),
                "scope": scope,
                "instance_url": self.base_url,
                "id": identity,
                "token_type": "Bearer",
                "issued_at": issued,
                "api_instance_url": f"{self.base_url}/api-host",
            }
        )
        return body

    # -- routes ---------------------------------------------------------------------------

    def handle(self, request: Request, host: str, route: str) -> Response:
        try:
            if route == "services/oauth2/authorize":
                return self._authorize(request, host)
            if route == "services/oauth2/token" and request.method == "POST":
                return self._token(request, host)
            if route == "services/oauth2/revoke":
                return self._revoke(request)
            if route == "services/oauth2/userinfo" or route.startswith("id/"):
                return self._userinfo(request)
        except OAuthError as exc:
            return _json(exc.status, exc.body())
        return Response("Not Found", status=404, mimetype="text/plain")

    def _authorize(self, request: Request, host: str) -> Response:
        params = request.form if request.method == "POST" else request.args
        fields = {k: params.get(k, "") for k in _AUTHORIZE_FIELDS}
        app = self.app(fields["client_id"])
        if app is None:
            return oauth_pages.error_page("invalid_client_id", "client identifier invalid")
        callbacks = app.get("callbacks") or []
        uri = fields["redirect_uri"]
        if not (uri in callbacks or (not callbacks and _LOOPBACK.match(uri))):
            return oauth_pages.error_page(
                "redirect_uri_mismatch", "redirect_uri must match configuration"
            )
        problem = _authorize_problem(app, fields)
        if problem:
            return _redirect(uri, {**problem, **_state(fields)})
        label = HOST_LABELS[host]
        if request.method == "GET":
            user = self.org.setting(f"sample_login_{host}") or ""
            password = self.org.setting(f"sample_password_{host}") if user else ""
            return oauth_pages.login_page(fields, request.path, label, user, password)
        if params.get("approve") != "1":
            return _redirect(
                uri,
                {
                    "error": "access_denied",
                    "error_description": "end-user denied authorization",
                    **_state(fields),
                },
            )
        user_id = self._check_login(params.get("username", ""), params.get("pw", ""), host)
        if user_id is None:
            return oauth_pages.login_page(
                fields,
                request.path,
                label,
                params.get("username", ""),
                error=oauth_pages.BAD_LOGIN,
            )
        code = f"aPrx{opaque(60)}"
        doc = dict(
            fields,
            user_id=user_id,
            host=host,
            expires_ms=self.org.now_ms() + CODE_TTL_MS,
            scope=fields["scope"] or app.get("scopes", "api refresh_token"),
        )
        with self.org.state.tx() as conn:
            conn.execute("INSERT INTO oauth_codes (code, doc) VALUES (?, ?)", (code, dumps(doc)))
        return _redirect(uri, {"code": code, **_state(fields)})

    def _check_login(self, username: str, password: str, host: str) -> str | None:
        with self.org.state.tx() as conn:
            row = conn.execute(
                "SELECT id, password, host FROM users WHERE username = ?", (username.strip(),)
            ).fetchone()
        if row is None or not hmac.compare_digest(row["password"], password):
            return None
        if host != "instance" and row["host"] != host:
            return None  # a sandbox user on the login host, or the other way round
        return str(row["id"])

    def _client(self, request: Request, *, secret_needed: bool) -> tuple[str, dict[str, Any]]:
        form = request.form
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if request.authorization and request.authorization.type == "basic":
            client_id = request.authorization.username or client_id
            secret = request.authorization.password or secret
        app = self.app(client_id)
        if app is None:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        needed = secret_needed or app.get("require_secret", False)
        if (secret and secret != app.get("secret")) or (needed and not secret):
            raise OAuthError("invalid_client", "invalid client credentials")
        return client_id, app

    def _token(self, request: Request, host: str) -> Response:
        grant = request.form.get("grant_type", "")
        if grant == "authorization_code":
            return self._code_grant(request, host)
        if grant == "refresh_token":
            return self._refresh_grant(request, host)
        if grant == "password":
            return self._password_grant(request, host)
        raise OAuthError("unsupported_grant_type", "grant type not supported")

    def _code_grant(self, request: Request, host: str) -> Response:
        client_id, _ = self._client(request, secret_needed=False)
        form = request.form
        code = form.get("code", "")
        with self.org.state.tx() as conn:
            row = conn.execute("SELECT doc FROM oauth_codes WHERE code = ?", (code,)).fetchone()
            if row is not None:
                conn.execute("DELETE FROM oauth_codes WHERE code = ?", (code,))  # single use
        doc = json.loads(row["doc"]) if row else None
        if (
            doc is None
            or doc["expires_ms"] < self.org.now_ms()
            or doc["client_id"] != client_id
            or doc["host"] != host
        ):
            raise OAuthError("invalid_grant", "invalid authorization code")
        if form.get("redirect_uri", "") != doc["redirect_uri"]:
            raise OAuthError("redirect_uri_mismatch", "redirect_uri must match configuration")
        if doc["code_challenge"] and not _verifier_ok(
            form.get("code_verifier", ""), doc["code_challenge"]
        ):
            raise OAuthError("invalid_grant", "invalid code verifier")
        scope = doc["scope"]
        wants_refresh = bool({"refresh_token", "offline_access", "full"} & set(scope.split()))
        body = self.issue(
            doc["user_id"], client_id, scope, host, refresh="new" if wants_refresh else None
        )
        return _json(200, body)

    def _refresh_grant(self, request: Request, host: str) -> Response:
        client_id, app = self._client(request, secret_needed=False)
        token = request.form.get("refresh_token", "")
        with self.org.state.tx() as conn:
            row = conn.execute("SELECT * FROM refresh_tokens WHERE token = ?", (token,)).fetchone()
            usable = (
                row is not None
                and row["valid"]
                and row["consumer_key"] == client_id
                and (host == "instance" or row["host"] == host)
            )
            if not usable:
                raise OAuthError("invalid_grant", "expired access/refresh token")
            rotate = bool(app.get("rotate_refresh"))
            if rotate:
                conn.execute("UPDATE refresh_tokens SET valid = 0 WHERE token = ?", (token,))
        body = self.issue(
            row["user_id"], client_id, row["scope"], row["host"], refresh="new" if rotate else token
        )
        return _json(200, body)

    def _password_grant(self, request: Request, host: str) -> Response:
        client_id, _ = self._client(request, secret_needed=True)
        failure = OAuthError("invalid_grant", "authentication failure")
        if not self.org.flag("password_flow"):
            raise failure
        username = request.form.get("username", "")
        with self.org.state.tx() as conn:
            row = conn.execute(
                "SELECT * FROM users WHERE username = ?", (username.strip(),)
            ).fetchone()
        if row is None or (host != "instance" and row["host"] != host):
            raise failure
        expected = row["password"] + row["security_token"]
        if not hmac.compare_digest(expected, request.form.get("password", "")):
            raise failure
        return _json(200, self.issue(row["id"], client_id, "api", host, refresh=None))

    def _revoke(self, request: Request) -> Response:
        token = request.form.get("token") or request.args.get("token") or ""
        with self.org.state.tx() as conn:
            refresh = conn.execute(
                "UPDATE refresh_tokens SET valid = 0 WHERE token = ?", (token,)
            ).rowcount
            if refresh:
                conn.execute("UPDATE access_tokens SET valid = 0 WHERE refresh = ?", (token,))
            access = conn.execute(
                "UPDATE access_tokens SET valid = 0 WHERE token = ?", (token,)
            ).rowcount
        if not refresh and not access:
            raise OAuthError("unsupported_token_type", "this token type is not supported")
        return Response(status=200)

    def _userinfo(self, request: Request) -> Response:
        try:
            user_id = self.authenticate(request.headers.get("Authorization"))
        except SfError:
            return _json(403, "Bad_OAuth_Token")
        with self.org.state.tx() as conn:
            row = conn.execute("SELECT data FROM records WHERE id = ?", (user_id,)).fetchone()
        user = json.loads(row["data"]) if row else {}
        org_id = self.org.org_id
        identity = f"{self.base_url}/id/{org_id}/{user_id}"
        base = f"{self.base_url}/services/data/v{{version}}"
        return _json(
            200,
            {
                "sub": identity,
                "user_id": user_id,
                "organization_id": org_id,
                "preferred_username": user.get("Username"),
                "nickname": (user.get("Username") or "").split("@")[0],
                "name": user.get("Name"),
                "email": user.get("Email"),
                "email_verified": True,
                "given_name": user.get("FirstName"),
                "family_name": user.get("LastName"),
                "zoneinfo": "America/Los_Angeles",
                "urls": {
                    "enterprise": f"{self.base_url}/services/Soap/c/{{version}}/{org_id[:15]}",
                    "rest": f"{base}/",
                    "sobjects": f"{base}/sobjects/",
                    "query": f"{base}/query/",
                    "profile": f"{self.base_url}/{user_id}",
                },
                "active": True,
                "user_type": "STANDARD",
                "language": "en_US",
                "locale": "en_US",
                "utcOffset": -28800000,
                "updated_at": (user.get("LastModifiedDate") or "")[:19] + "Z",
            },
        )


def _state(fields: dict[str, str]) -> dict[str, str]:
    return {"state": fields["state"]} if fields["state"] else {}


def _authorize_problem(app: dict[str, Any], fields: dict[str, str]) -> dict[str, str] | None:
    if fields["response_type"] != "code":
        return {
            "error": "unsupported_response_type",
            "error_description": "response type not supported",
        }
    if app.get("require_pkce", True) and not fields["code_challenge"]:
        return {"error": "invalid_request", "error_description": "missing required code challenge"}
    if fields["code_challenge_method"] not in ("", "S256"):
        return {
            "error": "invalid_request",
            "error_description": "unsupported code challenge method",
        }
    return None


def _verifier_ok(verifier: str, challenge: str) -> bool:
    """S256 only, and a verifier of base64url characters (live orgs refuse ``~``)."""
    if not _VERIFIER.match(verifier):
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(expected, challenge)
