"""The one place that builds ``requests`` sessions: timeouts, retries, throttling, error mapping.

Every HTTP call ContactBridge makes to Constant Contact goes through :class:`ApiSession`, which

* throttles on the client side (Constant Contact allows 4 requests/second per API key and
  sends no rate-limit headers; the limit is shared by every user of the key),
* retries connection failures, timeouts and 500/502/503/504 with exponential backoff and
  jitter, but only where a retry cannot do harm (see ``idempotent``),
* retries ``429 throttled`` with backoff and stops at once on ``429 quota_exceeded``,
* refreshes the access token once on a 401,
* turns everything else into the core error types with plain messages, and
* never puts a token, an ``Authorization`` header or a code into a message or a log line.

The retries live here rather than in urllib3's ``Retry`` so that every attempt passes the
throttle and is counted, and so that tests can inject ``sleep`` and ``clock``.
"""

from __future__ import annotations

import json as jsonlib
import logging
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError
from urllib3.util.retry import Retry

from app import __version__
from app.connectors.base import RequestStats
from app.core.errors import (
    AppError,
    AuthError,
    ConflictError,
    NetworkError,
    NotFound,
    QuotaExceeded,
    RateLimited,
    RemoteError,
)
from app.core.redaction import redact

__all__ = ["redact"]  # kept here for callers that redact response text

log = logging.getLogger(__name__)

USER_AGENT = f"ContactBridge/{__version__}"
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds
RETRY_STATUSES = frozenset({500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
MAX_ERROR_BODY = 256 * 1024  # characters of an error body kept for the client to read


def build_session(*, pool_maxsize: int = 4) -> requests.Session:
    """A new ``requests.Session`` with our user-agent; the only place one is made.

    urllib3 itself does not retry (``Retry(total=0)``): :class:`ApiSession` does, so that
    every attempt is throttled and counted.
    """
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    adapter = HTTPAdapter(max_retries=Retry(total=0, read=False), pool_maxsize=pool_maxsize)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class RateLimiter:
    """At most ``max_calls`` requests in any ``period`` seconds, across threads.

    A sliding window, not a fixed one: the server counts arrivals per second, so the window
    gets a small ``margin`` to absorb network jitter.
    """

    def __init__(
        self,
        max_calls: int = 4,
        period: float = 1.0,
        *,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_calls = max_calls
        self.period = period
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: deque[float] = deque(maxlen=max_calls)
        self._not_before = 0.0

    def acquire(self) -> float:
        """Wait until a request may go out; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._not_before)
            if len(self._slots) == self.max_calls:
                start = max(start, self._slots[0] + self.period + self.margin)
            self._slots.append(start)  # reserve the slot before sleeping outside the lock
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` (after the server said "throttled")."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)


_shared_limiters: dict[str, RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(api_key: str, max_calls: int = 4, period: float = 1.0) -> RateLimiter:
    """The process-wide limiter for one API key (Constant Contact limits per key, not token)."""
    with _shared_lock:
        key = f"{api_key}/{max_calls}/{period}"
        if key not in _shared_limiters:
            _shared_limiters[key] = RateLimiter(max_calls, period)
        return _shared_limiters[key]


class TokenProvider(Protocol):
    """Hands out access tokens (``oauth.TokenManager`` implements it)."""

    def access_token(self) -> str: ...

    def refresh_after_rejection(self, rejected: str) -> str: ...


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts, and how long to wait between them (seconds)."""

    network_attempts: int = 4
    server_error_attempts: int = 4
    throttle_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 10.0
    throttle_base: float = 1.0
    throttle_cap: float = 30.0


def next_utc_midnight(now: datetime) -> datetime:
    """The next 00:00 UTC after ``now`` (when Constant Contact's daily quota resets)."""
    now = now.astimezone(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def quota_exceeded_error(now: datetime) -> QuotaExceeded:
    """The error for ``429 quota_exceeded``, saying when the run can resume."""
    resets_at = next_utc_midnight(now)
    hours = max(1, math.ceil((resets_at - now.astimezone(UTC)).total_seconds() / 3600))
    return QuotaExceeded(
        "Constant Contact's daily limit of requests is used up. The run has stopped and can "
        "resume after the limit resets at 00:00 UTC "
        f"(in about {hours} hour{'s' if hours != 1 else ''}).",
        resets_at=resets_at,
    )


def error_message(body: str) -> tuple[str, str]:
    """``(error_key, error_message)`` from a Constant Contact error body (array or object)."""
    try:
        data = jsonlib.loads(body)
    except ValueError:
        return "", ""
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        data = data[0]
    if not isinstance(data, Mapping):
        return "", ""
    key = str(data.get("error_key") or data.get("error") or "")
    message = str(data.get("error_message") or data.get("error_description") or "")
    return key, message


@dataclass(frozen=True)
class EncodedJson:
    """A JSON body already encoded, e.g. a 4 MB import built item by item.

    Encoding a big body in one ``json.dumps`` call holds the GIL for tens of milliseconds,
    which the window feels as a stall; building it from small pieces does not.
    """

    data: bytes


class ApiSession:
    """Authorized, throttled, retrying JSON calls to one API root.

    Args:
        base_url: the API root, e.g. ``https://api.cc.email/v3``.
        tokens: gives the bearer token; ``None`` sends no ``Authorization`` header.
        session: a session from :func:`build_session`; one is made (and closed) if omitted.
        limiter: shared by every client of the same API key; a private one if omitted.
        stats: counts each attempt under ``"METHOD /v3/path-template"``.
        timeout: ``(connect, read)`` seconds for every call.
        sleep, clock, now: injectable for tests (``now`` returns an aware UTC datetime).
        headers: extra headers sent on every call (e.g. Xero's ``xero-tenant-id``).
        service_name: how messages name the service.
        on_429: decides a 429 instead of Constant Contact's rules: given the response
            headers and body, returns the seconds to wait before retrying, or an
            :class:`AppError` to raise at once (e.g. Xero's day limit).
        message_of: pulls the service's own message out of an error body.
    """

    def __init__(
        self,
        base_url: str,
        *,
        tokens: TokenProvider | None = None,
        session: requests.Session | None = None,
        limiter: RateLimiter | None = None,
        stats: RequestStats | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: Callable[[], float] = random.random,
        headers: Mapping[str, str] | None = None,
        service_name: str = "Constant Contact",
        on_429: Callable[[Mapping[str, str], str], float | AppError] | None = None,
        message_of: Callable[[str], str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.service_name = service_name
        self.on_429 = on_429
        self.message_of = message_of or (lambda body: error_message(body)[1])
        self.base_path = urlsplit(self.base_url).path
        self.tokens = tokens
        self._own_session = session is None
        self.session = session if session is not None else build_session()
        self.limiter = limiter or RateLimiter(clock=clock, sleep=sleep)
        self.stats = stats if stats is not None else RequestStats()
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep
        self._now = now
        self._rng = rng
        self._stats_lock = threading.Lock()

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> ApiSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, template: str, **kwargs: Any) -> Any:
        return self.request("GET", template, **kwargs)

    def post(self, template: str, **kwargs: Any) -> Any:
        return self.request("POST", template, **kwargs)

    def put(self, template: str, **kwargs: Any) -> Any:
        return self.request("PUT", template, **kwargs)

    def request(
        self,
        method: str,
        template: str,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        url: str | None = None,
        idempotent: bool | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one logical request (maybe several attempts) and return the decoded JSON.

        Args:
            template: the path below the API root, e.g. ``/contacts/{contact_id}``; it names
                the request in ``stats`` and in messages.
            url: an absolute URL or a root-relative href (a ``_links.next.href``) to use
                instead of the template; the template still names the request.
            idempotent: whether repeating the request after an unclear failure (a reset, a
                read timeout, a 5xx) is harmless. Defaults to True for GET/PUT/DELETE and
                False for POST; callers set it for POSTs that are safe to repeat.
            headers: extra headers for this call only (e.g. ``If-Modified-Since``).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        key = f"{method} {self.base_path}{template}"
        target = urljoin(self.base_url + "/", url) if url else self._url(template, path_params)
        attempts = {"network": 0, "server": 0, "throttle": 0}
        auth_retried = False
        token = self.tokens.access_token() if self.tokens else ""
        while True:
            self.limiter.acquire()
            with self._stats_lock:
                self.stats.add(key)
            try:
                response = self._send(method, target, token, params, json, headers)
            except requests.RequestException as exc:
                attempts["network"] += 1
                if self._may_retry_network(exc, idempotent, attempts["network"]):
                    delay = self._backoff(attempts["network"])
                    log.info(
                        "%s: %s, retry %d in %.1f s",
                        key,
                        type(exc).__name__,
                        attempts["network"],
                        delay,
                    )
                    self._sleep(delay)
                    continue
                log.warning("%s: %s, giving up", key, type(exc).__name__)
                raise self._network_error(exc, key) from None
            status = response.status_code
            body = response.text
            response.close()
            log.debug("%s -> %s", key, status)
            if status < 300:
                return jsonlib.loads(body) if body.strip() else None
            if status == 401 and self.tokens and not auth_retried:
                auth_retried = True
                log.info("%s: sign-in refused (401), refreshing the token once", key)
                token = self.tokens.refresh_after_rejection(token)
                continue
            if status == 429 and self.on_429 is not None:
                verdict = self.on_429(response.headers, body)
                if isinstance(verdict, AppError):
                    log.warning("%s: 429, stopping: %s", key, verdict.message)
                    raise verdict
                attempts["throttle"] += 1
                if attempts["throttle"] < self.retry.throttle_attempts:
                    log.info(
                        "%s: 429, waiting %.1f s (attempt %d)", key, verdict, attempts["throttle"]
                    )
                    self.limiter.pause(verdict)
                    continue
                log.warning("%s: 429, still throttled after %d attempts", key, attempts["throttle"])
                raise RateLimited(
                    f"{self.service_name} is busy and asked ContactBridge to slow down. "
                    "Try again in a minute.",
                    retry_after=verdict,
                )
            if status == 429:
                err_key, _ = error_message(body)
                if err_key == "quota_exceeded":
                    log.warning("%s: 429 quota_exceeded, the run waits for the daily reset", key)
                    raise quota_exceeded_error(self._now())
                attempts["throttle"] += 1
                if attempts["throttle"] < self.retry.throttle_attempts:
                    delay = self._throttle_delay(attempts["throttle"])
                    log.info(
                        "%s: 429, waiting %.1f s (attempt %d)", key, delay, attempts["throttle"]
                    )
                    self.limiter.pause(delay)
                    continue
                log.warning("%s: 429, still throttled after %d attempts", key, attempts["throttle"])
                raise RateLimited(
                    "Constant Contact is busy and asked ContactBridge to slow down. "
                    "Try again in a minute.",
                    retry_after=self.retry.throttle_cap,
                )
            if status in RETRY_STATUSES and idempotent:
                attempts["server"] += 1
                if attempts["server"] < self.retry.server_error_attempts:
                    delay = self._backoff(attempts["server"])
                    log.info(
                        "%s: HTTP %d, retry %d in %.1f s", key, status, attempts["server"], delay
                    )
                    self._sleep(delay)
                    continue
            log.info("%s: HTTP %d", key, status)
            raise self._status_error(status, body, key, token)

    # -- helpers ----------------------------------------------------------------------------

    def _url(self, template: str, path_params: Mapping[str, str] | None) -> str:
        quoted = {k: quote(str(v), safe="") for k, v in (path_params or {}).items()}
        return self.base_url + template.format(**quoted)

    def _send(
        self,
        method: str,
        url: str,
        token: str,
        params: Any,
        json: Any,
        extra: Mapping[str, str] | None = None,
    ) -> requests.Response:
        headers = {**self.headers, **(extra or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if isinstance(json, EncodedJson):
            headers["Content-Type"] = "application/json"
            return self.session.request(
                method, url, params=params, data=json.data, headers=headers, timeout=self.timeout
            )
        return self.session.request(
            method, url, params=params, json=json, headers=headers, timeout=self.timeout
        )

    def _may_retry_network(self, exc: Exception, idempotent: bool, attempt: int) -> bool:
        if attempt >= self.retry.network_attempts:
            return False
        never_sent = isinstance(exc, requests.ConnectTimeout) or _caused_by(exc, NewConnectionError)
        return never_sent or idempotent

    def _backoff(self, attempt: int) -> float:
        base = min(self.retry.backoff_cap, self.retry.backoff_base * 2 ** (attempt - 1))
        return base * (0.5 + self._rng() / 2)

    def _throttle_delay(self, attempt: int) -> float:
        base = min(self.retry.throttle_cap, self.retry.throttle_base * 2 ** (attempt - 1))
        return base * (0.5 + self._rng() / 2)

    def _network_error(self, exc: Exception, key: str) -> NetworkError:
        if isinstance(exc, requests.Timeout):
            message = (
                f"{self.service_name} did not answer within {self.timeout[1]:g} seconds. "
                "Check your internet connection and try again."
            )
        else:
            message = f"Could not reach {self.service_name}. Check your internet connection."
        # The details name the request and the kind of failure, never the URL's query.
        return NetworkError(message, details=f"{key}: {type(exc).__name__}")

    def _status_error(self, status: int, body: str, key: str, token: str) -> AppError:
        # Kept whole (up to a bound): a refused batch lists every item, and the client
        # reads each item's problem out of it.
        body = redact(body, [token])[:MAX_ERROR_BODY]
        name = self.service_name
        service_message = self.message_of(body)
        said = f' {name} said: "{service_message}".' if service_message else ""
        if status == 401:
            return AuthError(
                f"{name} did not accept the saved sign-in. Connect again if this keeps happening.",
                details=f"{key}: HTTP 401",
            )
        if status == 404:
            return NotFound(f"{name} could not find it.{said}", status, body)
        if status == 409:
            return ConflictError(f"That already exists in {name}.{said}", status, body)
        if status == 403:
            return RemoteError(
                f"{name} refused this request: the connected account may lack the "
                f"permission for it.{said}",
                status,
                body,
            )
        if status >= 500:
            return RemoteError(
                f"{name} had a problem on its side (error {status}). Try again later.{said}",
                status,
                body,
            )
        return RemoteError(f"{name} rejected the request (error {status}).{said}", status, body)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` appears in the exception's chain or arguments (urllib3 wraps deeply)."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return True
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None)])
        stack.extend(item.args)
    return False
