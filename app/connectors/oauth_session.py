"""Token requests: requests-oauthlib's ``OAuth2Session`` over a session from ``http.py``.

``OAuth2Session`` builds the requests (authorization URL with PKCE, code exchange, refresh)
and checks the answers; :class:`OAuthSession` hands each finished call to a session from
``http.build_session`` (the one place sessions are configured), reads the token answer as the
service wrote it, and turns failures into plain messages in the service's name.

**Plain HTTP to this computer only.** oauthlib refuses every ``http://`` URL unless the
process-wide ``OAUTHLIB_INSECURE_TRANSPORT`` variable is set, which would allow plain HTTP to
any host, in every thread. The sandbox's emulators listen on ``http://127.0.0.1``, so an
:class:`OAuthSession` shows oauthlib the ``https://`` spelling of a *loopback* URL
(:meth:`OAuthSession.for_oauthlib`) and sends the request to the ``http://`` URL it stands for.
Any other ``http://`` URL is refused before a request is made (:func:`check_transport`).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from oauthlib.oauth2 import OAuth2Error, WebApplicationClient
from requests_oauthlib import OAuth2Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_fixed

from app.connectors.http import CONSTANT_CONTACT, DEFAULT_TIMEOUT, error_message
from app.core.errors import AuthError, ConfigError, NetworkError

TOKEN_ENDPOINT_PAUSE = 1.0  # seconds: token endpoints allow one request a second
LOOPBACK_NAMES = frozenset({"localhost"})


class TokenEndpointError(AuthError):
    """The token endpoint answered with an OAuth error (``error`` holds its code)."""

    def __init__(
        self,
        error: str | None,
        description: str = "",
        status: int = 0,
        service: str = CONSTANT_CONTACT,
    ) -> None:
        super().__init__(f"{service} did not accept the sign-in.", details=f"{status} {error}")
        self.error = error
        self.description = description
        self.status = status


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this computer (``127.0.0.0/8``, ``::1`` or ``localhost``)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(url: str, service: str = CONSTANT_CONTACT) -> None:
    """Refuse a sign-in URL that would send codes or tokens in the clear.

    HTTPS everywhere; plain HTTP only to this computer (the sandbox's emulators).
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https" or (scheme == "http" and is_loopback(url)):
        return
    raise ConfigError(
        f"ContactBridge signs in to {service} only over HTTPS, and this address is not: "
        f"{urlunsplit(urlsplit(url)._replace(query='', fragment=''))}. Check the sign-in "
        "address in the settings.",
    )


class PublicClient(WebApplicationClient):
    """oauthlib's authorization-code client for an app with no secret, and safe verifiers.

    oauthlib's PKCE verifiers may contain ``.`` and ``~``; Salesforce refuses a verifier with
    ``~`` ("invalid code verifier"), so ours use base64url characters only.
    """

    def create_code_verifier(self, length: int) -> str:
        verifier = secrets.token_urlsafe(96)[: max(length, 64)]
        self.code_verifier = verifier
        return verifier


class _Transport(requests.Session):
    """The bottom of :class:`OAuthSession`: hands each finished call to ``transport``."""

    transport: requests.Session
    _plain: dict[str, str]

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        verb = method.decode() if isinstance(method, bytes) else method
        target = url.decode() if isinstance(url, bytes) else url
        # Through the verb's own method (post, get), as a caller of the session would.
        send = getattr(self.transport, verb.lower())
        return send(self.real_url(target), *args, **kwargs)

    def real_url(self, url: str) -> str:
        """The URL a request is really sent to (undoes :meth:`OAuthSession.for_oauthlib`)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._plain:
            return urlunsplit(parts._replace(scheme="http"))
        return url


class OAuthSession(OAuth2Session, _Transport):
    """An ``OAuth2Session`` whose requests travel over ``transport``.

    Args:
        transport: a session from ``http.build_session`` (closed by whoever made it).
        client_id: the app's client id (a public client: no secret).
        service: names the service in every message.
        scope, redirect_uri, pkce, token_updater: as ``OAuth2Session`` takes them.
    """

    def __init__(
        self,
        transport: requests.Session,
        client_id: str,
        *,
        service: str = CONSTANT_CONTACT,
        scope: list[str] | None = None,
        redirect_uri: str | None = None,
        pkce: str | None = None,
        token_updater: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__(
            client=PublicClient(client_id),
            scope=scope,
            redirect_uri=redirect_uri,
            pkce=pkce,
            token_updater=token_updater,
        )
        self.transport = transport
        self.service = service
        self._plain = {}
        self.answer: dict[str, Any] = {}
        self.register_compliance_hook("access_token_response", self._read_answer)
        self.register_compliance_hook("refresh_token_response", self._read_answer)

    def for_oauthlib(self, url: str) -> str:
        """``url`` as oauthlib may see it: a loopback ``http://`` URL spelled ``https://``.

        Raises :class:`ConfigError` for a plain-HTTP URL to any other host.
        """
        check_transport(url, self.service)
        parts = urlsplit(url)
        if parts.scheme.lower() != "http":
            return url
        self._plain[f"https://{parts.netloc}"] = f"http://{parts.netloc}"
        return urlunsplit(parts._replace(scheme="https"))

    def _read_answer(self, response: requests.Response) -> requests.Response:
        """Keep the token answer as the service wrote it (oauthlib then checks it)."""
        self.answer = token_answer(response.status_code, response.text, self.service)
        return response


def token_answer(status: int, body: str, service: str = CONSTANT_CONTACT) -> dict[str, Any]:
    """An OAuth endpoint's JSON answer; :class:`TokenEndpointError` if it is an error."""
    if status >= 300:
        error, description = error_message(body)
        raise TokenEndpointError(error or f"http_{status}", description, status, service)
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, Mapping):
        raise TokenEndpointError("invalid_response", "", status, service)
    return dict(data)


def _is_busy(exc: BaseException) -> bool:
    return isinstance(exc, TokenEndpointError) and exc.status == 429


def token_request(
    send: Callable[[], Any],
    *,
    service: str = CONSTANT_CONTACT,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run one token request; a 429 is tried once more after a pause.

    Failures become plain errors in the service's name, with nothing of the request (codes,
    refresh tokens) in them.
    """
    retrying = Retrying(
        retry=retry_if_exception(_is_busy),
        stop=stop_after_attempt(2),
        wait=wait_fixed(TOKEN_ENDPOINT_PAUSE),
        sleep=sleep,
        reraise=True,
    )
    try:
        retrying(send)
    except requests.Timeout:
        raise NetworkError(
            f"{service}'s sign-in service did not answer in time. Try again."
        ) from None
    except requests.RequestException:
        raise NetworkError(
            f"Could not reach {service}'s sign-in service. Check your internet connection."
        ) from None
    except OAuth2Error as exc:  # oauthlib found the answer wanting (no access token...)
        raise TokenEndpointError(exc.error, exc.description, exc.status_code, service) from None


def post_token_request(
    session: requests.Session,
    url: str,
    data: Mapping[str, str],
    *,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
    service: str = CONSTANT_CONTACT,
) -> dict[str, Any]:
    """POST a form to an OAuth endpoint (the device flow's); its JSON answer.

    Raises :class:`TokenEndpointError` for an OAuth error; a 429 is tried once more.
    """
    check_transport(url, service)
    answer: dict[str, Any] = {}

    def send() -> None:
        response = session.post(url, data=dict(data), timeout=timeout)
        status, body = response.status_code, response.text
        response.close()
        answer.update(token_answer(status, body, service))

    token_request(send, service=service, sleep=sleep)
    return answer
