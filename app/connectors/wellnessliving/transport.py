"""One signed call to WellnessLiving: signing, throttling, retries and reading the answer.

* Every attempt is signed afresh (time, cookies) and passes a client-side limiter: the spec
  allows 200,000 calls an hour per application, so ContactBridge keeps under 55 a second.
* Retries (``tenacity``): connection failures, timeouts and 5xx for calls safe to repeat;
  ``internal`` answers to reads; HTTP 429 (a gateway) and a throttled status, after the wait
  they ask for. The sign-in POST is never repeated blindly (its notepad is single-use).
* The answer is read as WellnessLiving sends it: HTTP 200 whatever happened, ``status`` in
  the body. A non-ok status becomes an error in WellnessLiving's own words (``errors``).
* With ``connect_to`` (the sandbox) the call goes to that address but names the real host in
  ``Host``, so the host, its cookies and the signature are those of the real service.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from urllib3.exceptions import NewConnectionError

from app.connectors.base import RequestStats
from app.connectors.http import (
    DEFAULT_TIMEOUT,
    RateLimiter,
    _caused_by,
    build_session,
    shared_limiter,
)
from app.connectors.wellnessliving.errors import error_from_body, notes
from app.connectors.wellnessliving.regions import session_cookies
from app.connectors.wellnessliving.signing import authorization, flatten, signature
from app.core.errors import AppError, NetworkError, RateLimited, RemoteError

log = logging.getLogger(__name__)

PER_SECOND = 55  # 198,000 an hour: under the spec's 200,000 per application
IDEMPOTENT = frozenset({"GET", "PUT"})
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Application:
    """The application id and secret ("authorization code") WellnessLiving issues."""

    app_id: str
    secret: str


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 10.0


class _Transient(Exception):
    """An attempt that failed in a way another attempt may fix; ``error`` if none does."""

    def __init__(self, error: AppError, wait: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.wait = wait


class SignedTransport:
    """Signed JSON calls to one WellnessLiving host, sharing one session's cookies.

    Args:
        application: the application id and secret.
        host: the API host, e.g. ``us.wellnessliving.com`` (see ``regions.host_for``).
        connect_to: where to connect instead (``http://127.0.0.1:port`` for the sandbox).
        session: a session from ``http.build_session``; its cookie jar holds the sign-in.
        limiter: shared by every client of the application; a process-wide one if omitted.
        stats: counts each attempt under ``"METHOD /resource"``.
        sleep, now: injectable for tests.
    """

    def __init__(
        self,
        application: Application,
        host: str,
        *,
        connect_to: str | None = None,
        session: requests.Session | None = None,
        limiter: RateLimiter | None = None,
        stats: RequestStats | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.application = application
        self.host = host
        self.connect_to = connect_to.rstrip("/") if connect_to else None
        self.base_url = self.connect_to or f"https://{host}"
        self._own_session = session is None
        self.session = session if session is not None else build_session()
        self.limiter = limiter or shared_limiter(application.app_id, PER_SECOND, 1.0)
        self.stats = stats if stats is not None else RequestStats()
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep
        self._now = now
        self._cookie_names = session_cookies(host)

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def forget_session(self) -> None:
        """Drop the session cookies, so the next sign-in starts a new session."""
        self.session.cookies.clear()

    def call(
        self,
        method: str,
        resource: str,
        *,
        params: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        what: str = "talking to it",
    ) -> dict[str, Any]:
        """Send one logical call (maybe several attempts); the answer's body when it is ok.

        Args:
            resource: the path without a leading slash, e.g. ``Wl/Report/Data.json``.
            params: query variables; form: form variables (both signed, flattened).
            what: how messages describe the call ("reading the clients").
        """
        method = method.upper()
        safe = method in IDEMPOTENT if idempotent is None else idempotent
        retrying = Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Transient),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(method, resource, params or {}, form or {}, safe, what)
        except _Transient as exc:
            raise exc.error from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and exc.wait is not None:
            return float(exc.wait)
        n = state.attempt_number
        return min(self.retry.backoff_cap, self.retry.backoff_base * 2.0 ** (n - 1))

    def _cookie(self, name: str) -> str:
        value = ""
        for cookie in self.session.cookies:
            if cookie.name == name and cookie.value:
                value = cookie.value
        return value

    def _once(
        self,
        method: str,
        resource: str,
        params: Mapping[str, Any],
        form: Mapping[str, Any],
        safe: bool,
        what: str,
    ) -> dict[str, Any]:
        key = f"{method} /{resource}"
        query, body = flatten(params), flatten(form)
        moment = self._now().astimezone(UTC).replace(microsecond=0)
        persistent, transient = (self._cookie(n) for n in self._cookie_names)
        signed = signature(
            secret=self.application.secret,
            app_id=self.application.app_id,
            host=self.host,
            method=method,
            resource=resource,
            moment=moment,
            persistent=persistent,
            transient=transient,
            variables={**query, **body},
        )
        date = format_datetime(moment, usegmt=True)
        headers = {
            "Authorization": authorization(self.application.app_id, signed),
            "Date": date,
            "X-Signature-Date": date,
        }
        if self.connect_to:
            headers["Host"] = self.host
        self.limiter.acquire()
        self.stats.add(key)
        try:
            response = self.session.request(
                method,
                f"{self.base_url}/{resource}",
                params=query,
                data=body or None,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            error: AppError = self._network_error(exc, key)
            never_sent = isinstance(exc, requests.ConnectTimeout) or _caused_by(
                exc, NewConnectionError
            )
            log.info("%s: %s", key, type(exc).__name__)
            if safe or never_sent:
                raise _Transient(error) from None
            raise error from None
        status, text = response.status_code, response.text[:MAX_BODY]
        response.close()
        log.debug("%s -> HTTP %s", key, status)
        if status == 429:
            wait = _retry_after(response.headers.get("Retry-After"))
            raise _Transient(
                RateLimited(
                    "WellnessLiving is busy and asked ContactBridge to slow down. "
                    "Try again in a minute.",
                    retry_after=wait,
                ),
                wait,
            )
        data = _json(text)
        if status >= 400 and not (isinstance(data, dict) and data.get("status")):
            error = RemoteError(
                f"WellnessLiving {'had a problem on its side' if status >= 500 else 'refused'}"
                f" the request while {what} (error {status}).",
                status,
                text,
            )
            if status >= 500 and safe:
                raise _Transient(error)
            raise error
        if not isinstance(data, dict):
            raise RemoteError(
                f"WellnessLiving sent an answer ContactBridge could not read while {what}.",
                status,
                text,
            )
        if str(data.get("status")) != "ok":
            error = error_from_body(data, text, what)
            log.info("%s: status %s", key, data.get("status"))
            if isinstance(error, RateLimited):
                raise _Transient(error, error.retry_after)
            if data.get("status") == "internal" and safe:
                raise _Transient(error)
            raise error
        for note in notes(data):
            log.info("%s: WellnessLiving noted: %s", key, note)
        return data

    def _network_error(self, exc: Exception, key: str) -> NetworkError:
        if isinstance(exc, requests.Timeout):
            message = (
                f"WellnessLiving did not answer within {self.timeout[1]:g} seconds. "
                "Check your internet connection and try again."
            )
        else:
            message = "Could not reach WellnessLiving. Check your internet connection."
        return NetworkError(message, details=f"{key}: {type(exc).__name__}")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 1.0
    except ValueError:
        return 1.0
