"""How a request proves who sends it: the three schemes ContactBridge's services use.

Each is a ``requests.auth.AuthBase`` that ``http.ApiSession`` puts on every attempt:

* :class:`BearerAuth`: OAuth 2 access tokens from a ``TokenProvider`` (``oauth.TokenManager``
  refreshes rotating refresh tokens one refresher at a time); renewed once after a 401;
* :class:`BasicAuth`: an API key over HTTP Basic (NeonCRM: the org id and an API key);
* :class:`SignedAuth`: a signature computed afresh for each attempt, since it covers the
  time (:class:`Signature20150518` is WellnessLiving's scheme).

None of them lets a secret reach a message: :meth:`WireAuth.secrets` names what to redact.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.cookies import CookieError, SimpleCookie
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

from requests import PreparedRequest
from requests.auth import AuthBase, HTTPBasicAuth


class TokenProvider(Protocol):
    """Hands out access tokens (``oauth.TokenManager`` implements it)."""

    def access_token(self) -> str: ...

    def refresh_after_rejection(self, rejected: str) -> str: ...


class WireAuth(AuthBase):
    """Credentials for one account, put on each attempt of a request.

    ``ApiSession`` calls :meth:`for_request` once per request (before anything is sent, so a
    missing sign-in stops it early), then the result on every attempt, and :meth:`renew` once
    after a 401.
    """

    def for_request(self) -> WireAuth:
        """The credentials for one request and its retries (self unless they change)."""
        return self

    def renew(self) -> bool:
        """After a 401: get new credentials; True when trying again may succeed."""
        return False

    def secrets(self) -> tuple[str, ...]:
        """Values to take out of anything shown or logged."""
        return ()

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        raise NotImplementedError


class BearerAuth(WireAuth):
    """OAuth 2: ``Authorization: Bearer <access token>``, refreshed once after a 401."""

    def __init__(self, tokens: TokenProvider) -> None:
        self.tokens = tokens

    def for_request(self) -> WireAuth:
        return _BearerCall(self.tokens, self.tokens.access_token())

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        return self.for_request()(request)


class _BearerCall(WireAuth):
    """One request's token: the same on each attempt until a 401 has it replaced."""

    def __init__(self, tokens: TokenProvider, token: str) -> None:
        self.tokens = tokens
        self.token = token

    def renew(self) -> bool:
        # The token manager refreshes unless another caller already replaced this token.
        self.token = self.tokens.refresh_after_rejection(self.token)
        return True

    def secrets(self) -> tuple[str, ...]:
        return (self.token,)

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class BasicAuth(WireAuth):
    """An API key over HTTP Basic: ``user`` (e.g. NeonCRM's org id) and ``key`` as password."""

    def __init__(self, user: str, key: str) -> None:
        self._basic = HTTPBasicAuth(user, key)
        self._secrets = (key, base64.b64encode(f"{user}:{key}".encode()).decode("ascii"))

    def secrets(self) -> tuple[str, ...]:
        return self._secrets

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        result: PreparedRequest = self._basic(request)
        return result


Signer = Callable[[PreparedRequest, datetime], Mapping[str, str]]


class SignedAuth(WireAuth):
    """Signs each attempt: ``sign(request, now)`` gives the headers to add.

    Each attempt is signed again with the time it is sent, so a retry never carries a stale
    signature.
    """

    def __init__(
        self,
        sign: Signer,
        *,
        secrets: tuple[str, ...] = (),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.sign = sign
        self._secrets = secrets
        self._now = now

    def secrets(self) -> tuple[str, ...]:
        return self._secrets

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers.update(self.sign(request, self._now()))
        return request


@dataclass(frozen=True)
class Signature20150518:
    """WellnessLiving's request signature (``Core\\Request\\Api::20150518``), as a :data:`Signer`.

    The header is ``Authorization: 20150518,{application id},,{sha256 hex}``, the time travels
    in ``Date``. The digest covers these lines, joined with ``\\n``: the scheme, the time
    (``YYYY-MM-DD HH:MM:SS`` GMT), the secret, the host, the application id, the method, the
    path without its leading slash, the persistent and transient session cookies (empty before
    sign-in), then the query and form variables as sorted ``name=value`` with lower-cased
    names. (../shared/notes/wellnessliving-real-behaviour.md, "Sign-in and request signing".)

    Attributes:
        application_id, secret: what WellnessLiving issues to the application.
        cookie_names: the session cookies' names, persistent then transient; they differ by
            region and host (``p``/``t`` US production, ``sp``/``st`` US staging...).
    """

    application_id: str
    secret: str
    cookie_names: tuple[str, str] = ("p", "t")

    def __call__(self, request: PreparedRequest, when: datetime) -> dict[str, str]:
        when = when.astimezone(UTC)
        parts = urlsplit(request.url or "")
        persistent, transient = self._cookies(request)
        lines = [
            "Core\\Request\\Api::20150518",
            f"{when:%Y-%m-%d %H:%M:%S}",
            self.secret,
            parts.netloc,
            self.application_id,
            (request.method or "GET").upper(),
            parts.path.lstrip("/"),
            persistent,
            transient,
            *sorted(f"{name.lower()}={value}" for name, value in _variables(request)),
        ]
        digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        return {
            "Authorization": f"20150518,{self.application_id},,{digest}",
            "Date": format_datetime(when, usegmt=True),
        }

    def _cookies(self, request: PreparedRequest) -> tuple[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(request.headers.get("Cookie", ""))
        except CookieError:
            return "", ""
        persistent, transient = self.cookie_names
        return (
            jar[persistent].value if persistent in jar else "",
            jar[transient].value if transient in jar else "",
        )


def _variables(request: PreparedRequest) -> list[tuple[str, str]]:
    """The query's and a form body's variables (GET and POST variables are signed together)."""
    pairs = parse_qsl(urlsplit(request.url or "").query, keep_blank_values=True)
    content_type = request.headers.get("Content-Type", "")
    body = request.body
    if body and content_type.startswith("application/x-www-form-urlencoded"):
        text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
        pairs += parse_qsl(text, keep_blank_values=True)
    return pairs
