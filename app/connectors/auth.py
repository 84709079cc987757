"""How a request proves who sends it: the three schemes ContactBridge's services use.

Each is a ``requests.auth.AuthBase`` that ``http.ApiSession`` puts on every attempt:

* :class:`BearerAuth`: OAuth 2 access tokens from a ``TokenProvider`` (``oauth.TokenManager``
  refreshes rotating refresh tokens one refresher at a time); renewed once after a 401;
* :class:`BasicAuth`: an API key over HTTP Basic (NeonCRM: the org id and an API key);
* :class:`SignedAuth`: a signature computed afresh for each attempt, since it covers the
  time; the service's own folder holds its signing scheme (a :data:`Signer`).

None of them lets a secret reach a message: :meth:`WireAuth.secrets` names what to redact.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Protocol

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
