"""The one place that builds ``requests`` sessions: timeouts, retries, throttling, error mapping.

Every HTTP call ContactBridge makes to a service's API goes through :class:`ApiSession`, which
speaks to the service as its ``wire.WirePolicy`` says, and

* throttles on the client side (Constant Contact allows 4 requests/second per API key and
  sends no rate-limit headers; the limit is shared by every user of the key),
* holds the account's concurrency caps (NeonCRM: one account search at a time),
* retries connection failures, timeouts and 500/502/503/504 with exponential backoff and
  jitter (or a 503's ``Retry-After``), but only where a retry cannot do harm (``idempotent``),
* retries what the policy's signals read as "slow down" (a 429, with or without
  ``Retry-After``) and stops at once on a used-up daily quota (:class:`QuotaExceeded`),
* renews the sign-in once on a 401,
* turns everything else into the core error types with plain messages in the service's name,
* never puts a token, an ``Authorization`` header or a code into a message or a log line.

The retries are tenacity's, inside ``ApiSession`` rather than urllib3's ``Retry`` so that every
attempt passes the throttle and the concurrency gate and is counted, and so that tests can
inject ``sleep`` and ``clock``.
"""

from __future__ import annotations

import json as jsonlib
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    wait_exception,
    wait_exponential,
    wait_random_exponential,
)
from tenacity.wait import wait_base
from urllib3.exceptions import NewConnectionError
from urllib3.util.retry import Retry

from app import __version__
from app.connectors.auth import TokenProvider, WireAuth
from app.connectors.base import RequestStats
from app.connectors.wire import (
    Answer,
    Gates,
    Wait,
    WirePolicy,
    header_seconds,
    next_utc_midnight,
    quota_message,
    shared_gates,
)
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

# Kept here for the callers that import them from this module.
__all__ = ["TokenProvider", "next_utc_midnight", "redact"]

log = logging.getLogger(__name__)

USER_AGENT = f"ContactBridge/{__version__}"
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds
RETRY_STATUSES = frozenset({500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
MAX_ERROR_BODY = 256 * 1024  # characters of an error body kept for the client to read
CONSTANT_CONTACT = "Constant Contact"


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


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts of each kind, and how long to wait between them (seconds).

    Waits grow as ``base * 2**(n-1)``, capped, times a random factor between 0.5 and 1, so
    that clients that failed together do not come back together.
    """

    network_attempts: int = 4
    server_error_attempts: int = 4
    throttle_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 10.0
    throttle_base: float = 1.0
    throttle_cap: float = 30.0


def _equal_jitter(base: float, cap: float) -> wait_base:
    """``min(cap, base * 2**(n-1)) * uniform(0.5, 1)``: half fixed, half random."""
    half, half_cap = base / 2, cap / 2
    return wait_exponential(multiplier=half, max=half_cap) + wait_random_exponential(
        multiplier=half, max=half_cap
    )


def _wait_at(strategy: wait_base, attempt: int) -> float:
    """What a tenacity wait strategy says after the ``attempt``-th failure of one kind."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = attempt
    return float(strategy(state))


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


def constant_contact_message(body: str) -> str:
    """Constant Contact's own words from an error body."""
    return error_message(body)[1]


def quota_exceeded_error(now: datetime) -> QuotaExceeded:
    """The error for Constant Contact's ``429 quota_exceeded``, saying when the run can resume."""
    resets_at = next_utc_midnight(now)
    return QuotaExceeded(quota_message(CONSTANT_CONTACT, now, resets_at), resets_at=resets_at)


@dataclass(frozen=True)
class EncodedJson:
    """A JSON body already encoded, e.g. a 4 MB import built item by item.

    Encoding a big body in one ``json.dumps`` call holds the GIL for tens of milliseconds,
    which the window feels as a stall; building it from small pieces does not.
    ``content_type`` names another encoded body (a CSV upload: ``text/csv``).
    """

    data: bytes
    content_type: str = "application/json"


class _Again(Exception):
    """An attempt failed in a way another attempt may not (internal to :class:`ApiSession`).

    Attributes:
        kind: ``network``, ``server``, ``throttle`` or ``auth``; each has its own count.
        attempt: how many failures of this kind the request has had.
        delay: seconds before the next attempt.
        error: what the caller gets if this was the last attempt.
        what: names the failure in the log (``ConnectionError``, ``HTTP 503``).
    """

    def __init__(self, kind: str, attempt: int, delay: float, error: AppError, what: str):
        super().__init__(what)
        self.kind = kind
        self.attempt = attempt
        self.delay = delay
        self.error = error
        self.what = what


@dataclass
class _Call:
    """One logical request: what it sends, and what has happened to it so far."""

    method: str
    key: str  # "METHOD /v3/path-template": stats and log lines
    endpoint: str  # "METHOD /path-template": concurrency caps
    url: str
    auth: WireAuth | None
    params: Any
    json: Any
    headers: Mapping[str, str] | None
    idempotent: bool
    raw: bool = False  # answer with the whole Answer (a CSV page and its headers)
    failures: Counter[str] = field(default_factory=Counter)
    renewed: bool = False


class ApiSession:
    """Authorized, throttled, retrying JSON calls to one API root, as a wire policy says.

    Args:
        base_url: the API root, e.g. ``https://api.cc.email/v3``.
        policy: the service's wire policy, signed by the account's credentials
            (``POLICY.signed_by(auth)``); its ``service`` names the service in every message.
        session: a session from :func:`build_session`; one is made (and closed) if omitted.
        limiter: shared by every client of the same API key; a private one if omitted.
        gates: the account's concurrency gates; by default the policy's account's, shared
            in the process (a private set when the policy names no account).
        stats: counts each attempt under ``"METHOD /v3/path-template"``.
        timeout: ``(connect, read)`` seconds for every call.
        retry: how many attempts, and the backoff between them.
        sleep, clock, now: injectable for tests (``now`` returns an aware UTC datetime).
        headers: extra headers sent on every call (e.g. Xero's ``xero-tenant-id``).
    """

    def __init__(
        self,
        base_url: str,
        policy: WirePolicy,
        *,
        session: requests.Session | None = None,
        limiter: RateLimiter | None = None,
        gates: Gates | None = None,
        stats: RequestStats | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self.headers = dict(headers or {})
        self.base_path = urlsplit(self.base_url).path
        self._own_session = session is None
        self.session = session if session is not None else build_session()
        self.limiter = limiter or RateLimiter(clock=clock, sleep=sleep)
        if gates is None and policy.concurrency is not None:
            if policy.account:
                gates = shared_gates(f"{policy.service}/{policy.account}", policy.concurrency)
            else:
                gates = Gates(policy.concurrency)
        self.gates = gates
        self.stats = stats if stats is not None else RequestStats()
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep
        self._now = now
        self._stats_lock = threading.Lock()
        self._network_wait = _equal_jitter(retry.backoff_base, retry.backoff_cap)
        self._throttle_wait = _equal_jitter(retry.throttle_base, retry.throttle_cap)
        self._limits = {
            "network": retry.network_attempts,
            "server": retry.server_error_attempts,
            "throttle": retry.throttle_attempts,
            "auth": 2,  # one renewal of the sign-in, then the 401 stands
        }

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
        raw: bool = False,
    ) -> Any:
        """Send one logical request (maybe several attempts) and return the decoded JSON.

        Args:
            template: the path below the API root, e.g. ``/contacts/{contact_id}``; it names
                the request in ``stats``, in concurrency caps and in messages.
            url: an absolute URL or a root-relative href (a ``_links.next.href``) to use
                instead of the template; the template still names the request.
            idempotent: whether repeating the request after an unclear failure (a reset, a
                read timeout, a 5xx) is harmless. Defaults to True for GET/PUT/DELETE and
                False for POST; callers set it for POSTs that are safe to repeat.
            headers: extra headers for this call only (e.g. ``If-Modified-Since``).
            raw: return the successful answer as it came (an :class:`Answer`: status,
                headers, text), for a body that is not JSON (a CSV page).
        """
        method = method.upper()
        call = _Call(
            method=method,
            key=f"{method} {self.base_path}{template}",
            endpoint=f"{method} {template}",
            url=urljoin(self.base_url + "/", url) if url else self._url(template, path_params),
            # Credentials first: a connection that is not signed in sends nothing at all.
            auth=self.policy.auth.for_request() if self.policy.auth else None,
            params=params,
            json=json,
            headers=headers,
            idempotent=method in IDEMPOTENT_METHODS if idempotent is None else idempotent,
            raw=raw,
        )
        retrying = Retrying(
            retry=retry_if_exception_type(_Again),
            stop=self._last_attempt,
            wait=wait_exception(self._wait_before_next),
            before_sleep=self._before_next,
            sleep=self._pause,
            reraise=True,
        )
        try:
            return retrying(self._attempt, call)
        except _Again as again:
            self._log_giving_up(call, again)
            raise again.error from None

    # -- one attempt ------------------------------------------------------------------------

    def _attempt(self, call: _Call) -> Any:
        self.limiter.acquire()
        with self._stats_lock:
            self.stats.add(call.key)
        try:
            with self._gate(call.endpoint):
                response = self._send(
                    call.method, call.url, call.auth, call.params, call.json, call.headers
                )
                if "charset" not in response.headers.get("Content-Type", "").lower():
                    response.encoding = "utf-8"  # JSON's, and CSV's (not ISO-8859-1)
                status, body, answer_headers = (
                    response.status_code,
                    response.text,
                    response.headers,
                )
                response.close()
        except requests.RequestException as exc:
            raise self._network_failure(call, exc) from None
        log.debug("%s -> %s", call.key, status)
        answer = Answer(status, answer_headers, body)
        if self.policy.status_of is not None:
            status = self.policy.status_of(answer)
            answer = Answer(status, answer_headers, body)
        if status < 300:
            if call.raw:
                return answer
            return jsonlib.loads(body) if body.strip() else None
        if status == 401 and call.auth is not None and not call.renewed:
            call.renewed = True
            log.info("%s: sign-in refused (401), renewing it once", call.key)
            if call.auth.renew():
                call.failures["auth"] += 1
                error = self._status_error(call, answer)
                raise _Again("auth", call.failures["auth"], 0.0, error, "HTTP 401")
        verdict = self.policy.read_limits(answer, self._now())
        if isinstance(verdict, AppError):
            log.warning("%s: HTTP %d, stopping: %s", call.key, status, verdict.message)
            raise verdict
        if isinstance(verdict, Wait):
            call.failures["throttle"] += 1
            attempt = call.failures["throttle"]
            delay = verdict.seconds
            if delay is None:
                delay = _wait_at(self._throttle_wait, attempt)
            busy = RateLimited(
                self.policy.words.busy.format(service=self.policy.service),
                retry_after=self.retry.throttle_cap if verdict.seconds is None else delay,
            )
            raise _Again("throttle", attempt, delay, busy, f"HTTP {status}")
        if status in RETRY_STATUSES and call.idempotent:
            call.failures["server"] += 1
            attempt = call.failures["server"]
            delay = header_seconds(answer_headers, "Retry-After", self._now())
            if delay is None:
                delay = _wait_at(self._network_wait, attempt)
            error = self._status_error(call, answer)
            raise _Again("server", attempt, delay, error, f"HTTP {status}")
        log.info("%s: HTTP %d", call.key, status)
        raise self._status_error(call, answer)

    def _network_failure(self, call: _Call, exc: requests.RequestException) -> Exception:
        """The error to raise at once, or an :class:`_Again` when a retry is harmless.

        A request that never left (no connection) is harmless to repeat; one that may have
        reached the service only if it is idempotent.
        """
        error = self._network_error(exc, call.key)
        never_sent = isinstance(exc, requests.ConnectTimeout) or _caused_by(exc, NewConnectionError)
        if not (never_sent or call.idempotent):
            log.warning("%s: %s, giving up", call.key, type(exc).__name__)
            return error
        call.failures["network"] += 1
        attempt = call.failures["network"]
        delay = _wait_at(self._network_wait, attempt)
        return _Again("network", attempt, delay, error, type(exc).__name__)

    def _gate(self, endpoint: str) -> AbstractContextManager[None]:
        return self.gates.entered(endpoint) if self.gates is not None else nullcontext()

    # -- tenacity's hooks -------------------------------------------------------------------

    def _last_attempt(self, state: RetryCallState) -> bool:
        again = _again_of(state)
        return again is None or again.attempt >= self._limits[again.kind]

    def _wait_before_next(self, exc: BaseException) -> float:
        # A throttle holds back every client of the limiter instead (see _before_next).
        if not isinstance(exc, _Again) or exc.kind == "throttle":
            return 0.0
        return exc.delay

    def _before_next(self, state: RetryCallState) -> None:
        again = _again_of(state)
        if again is None:
            return
        key = state.args[0].key
        if again.kind == "throttle":
            delay, attempt = again.delay, again.attempt
            log.info("%s: %s, waiting %.1f s (attempt %d)", key, again.what, delay, attempt)
            self.limiter.pause(again.delay)
        elif again.kind != "auth":
            log.info("%s: %s, retry %d in %.1f s", key, again.what, again.attempt, again.delay)

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(seconds)

    def _log_giving_up(self, call: _Call, again: _Again) -> None:
        if again.kind == "throttle":
            attempts = again.attempt
            log.warning("%s: %s, still throttled after %d attempts", call.key, again.what, attempts)
        elif again.kind == "network":
            log.warning("%s: %s, giving up", call.key, again.what)
        else:
            log.info("%s: %s", call.key, again.what)

    # -- helpers ----------------------------------------------------------------------------

    def _url(self, template: str, path_params: Mapping[str, str] | None) -> str:
        quoted = {k: quote(str(v), safe="") for k, v in (path_params or {}).items()}
        return self.base_url + template.format(**quoted)

    def _send(
        self,
        method: str,
        url: str,
        auth: WireAuth | None,
        params: Any,
        json: Any,
        extra: Mapping[str, str] | None = None,
    ) -> requests.Response:
        headers = {**self.headers, **(extra or {})}
        if isinstance(json, EncodedJson):
            headers["Content-Type"] = json.content_type
            return self.session.request(
                method,
                url,
                params=params,
                data=json.data,
                headers=headers,
                auth=auth,
                timeout=self.timeout,
            )
        return self.session.request(
            method, url, params=params, json=json, headers=headers, auth=auth, timeout=self.timeout
        )

    def _network_error(self, exc: Exception, key: str) -> NetworkError:
        words, service = self.policy.words, self.policy.service
        if isinstance(exc, requests.Timeout):
            message = words.timeout.format(service=service, seconds=self.timeout[1])
        else:
            message = words.unreachable.format(service=service)
        # The details name the request and the kind of failure, never the URL's query.
        return NetworkError(message, details=f"{key}: {type(exc).__name__}")

    def _status_error(self, call: _Call, answer: Answer) -> AppError:
        # Kept whole (up to a bound): a refused batch lists every item, and the client
        # reads each item's problem out of it.
        secrets = call.auth.secrets() if call.auth is not None else ()
        body = redact(answer.body, secrets)[:MAX_ERROR_BODY]
        status, key = answer.status, call.key
        words, service = self.policy.words, self.policy.service
        said = self.policy.said(body)

        def say(template: str) -> str:
            return template.format(service=service, status=status, said=said)

        if status == 401:
            return AuthError(say(words.auth_refused), details=f"{key}: HTTP 401")
        if status == 404:
            return NotFound(say(words.not_found), status, body)
        if status == 409:
            return ConflictError(say(words.conflict), status, body)
        if status == 403:
            return RemoteError(say(words.forbidden), status, body)
        if status >= 500:
            return RemoteError(say(words.server), status, body)
        return RemoteError(say(words.rejected), status, body)


def _again_of(state: RetryCallState) -> _Again | None:
    if state.outcome is None:
        return None
    exc = state.outcome.exception()
    return exc if isinstance(exc, _Again) else None


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
