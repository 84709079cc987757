"""Each service's wire policy: who it is, how it signs requests, how it says "slow down".

A connector declares one :class:`WirePolicy` and hands it, with the account's credentials, to
``http.ApiSession``. The session does the rest the same way for every service: throttling,
retries, concurrency caps, and errors that read in the service's own name.

A policy holds

* ``service``: the name every message uses ("Xero refused this request…");
* ``auth``: an ``app.connectors.auth.WireAuth`` (OAuth 2 bearer, an API key over HTTP Basic,
  a signature per request), added per account with :meth:`WirePolicy.signed_by`;
* ``signals``: readers that recognise the service's rate-limit answers, in order: the first
  that recognises an answer decides it (see :func:`throttle_on_429` and
  :func:`daily_quota_in_body`);
* ``concurrency``: caps on requests in flight at once, per endpoint (:class:`ConcurrencyCaps`);
* ``message_of``: the service's own words from an error body; ``status_of`` for a service that
  answers errors with HTTP 200 and a status in the body;
* ``words``: the sentences errors are made of (:class:`Words`).

Example (a service with an API key over Basic, a 429 with ``Retry-After``, and one search at
a time)::

    NEON_WIRE = WirePolicy(
        service="NeonCRM",
        signals=(throttle_on_429(),),
        concurrency=ConcurrencyCaps(default=5, endpoints={"POST /accounts/search": 1}),
        message_of=first_message,
    )
    api = ApiSession(root, NEON_WIRE.signed_by(BasicAuth(org_id, api_key), account=org_id))
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from app.core.errors import AppError, QuotaExceeded

MIN_THROTTLE_WAIT = 1.0  # seconds: the least a "slow down" that names a wait gets

if TYPE_CHECKING:
    from app.connectors.auth import WireAuth


@dataclass(frozen=True)
class Answer:
    """A service's answer as the policy's readers see it (``headers`` ignore case)."""

    status: int
    headers: Mapping[str, str]
    body: str


@dataclass(frozen=True)
class Wait:
    """The service asked to slow down: wait ``seconds`` and try again.

    ``None`` when the service did not say how long: the session backs off, a little longer at
    each attempt.
    """

    seconds: float | None = None


LimitVerdict = Wait | AppError | None
LimitSignal = Callable[[Answer, "WirePolicy", datetime], LimitVerdict]


@dataclass(frozen=True)
class Words:
    """The sentences errors are made of. ``{service}`` is the policy's service name.

    ``{said}`` is the service's own message, quoted with :attr:`said` (or nothing),
    ``{status}`` the HTTP status and ``{seconds}`` the read timeout.
    """

    unreachable: str = "Could not reach {service}. Check your internet connection."
    timeout: str = (
        "{service} did not answer within {seconds:g} seconds. "
        "Check your internet connection and try again."
    )
    auth_refused: str = (
        "{service} did not accept the saved sign-in. Connect again if this keeps happening."
    )
    not_found: str = "{service} could not find it.{said}"
    conflict: str = "That already exists in {service}.{said}"
    forbidden: str = (
        "{service} refused this request: the connected account may lack the permission "
        "for it.{said}"
    )
    server: str = "{service} had a problem on its side (error {status}). Try again later.{said}"
    rejected: str = "{service} rejected the request (error {status}).{said}"
    busy: str = "{service} is busy and asked ContactBridge to slow down. Try again in a minute."
    said: str = ' {service} said: "{message}".'


@dataclass(frozen=True)
class ConcurrencyCaps:
    """How many requests may be in flight at once to one account, per endpoint.

    ``endpoints`` maps ``"METHOD /template"`` (the template as the client names the request,
    below the API root) to its own cap; every other endpoint gets ``default`` (None: no cap).
    NeonCRM, for one: account search 1 at a time, most endpoints 5.
    """

    default: int | None = None
    endpoints: Mapping[str, int] = field(default_factory=dict)

    def cap(self, endpoint: str) -> int | None:
        return self.endpoints.get(endpoint, self.default)


class Gates:
    """The semaphores that hold one account's requests to its :class:`ConcurrencyCaps`."""

    def __init__(self, caps: ConcurrencyCaps) -> None:
        self.caps = caps
        self._lock = threading.Lock()
        self._gates: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def entered(self, endpoint: str) -> Iterator[None]:
        """Hold one of ``endpoint``'s places while the body runs (waits for one if all taken)."""
        cap = self.caps.cap(endpoint)
        if cap is None:
            yield
            return
        with self._lock:
            gate = self._gates.setdefault(endpoint, threading.BoundedSemaphore(cap))
        with gate:
            yield


_shared_gates: dict[str, Gates] = {}
_shared_gates_lock = threading.Lock()


def shared_gates(account: str, caps: ConcurrencyCaps) -> Gates:
    """The process-wide gates of one account: every client of it shares its caps."""
    with _shared_gates_lock:
        gates = _shared_gates.get(account)
        if gates is None or gates.caps != caps:
            gates = _shared_gates[account] = Gates(caps)
        return gates


def _no_message(body: str) -> str:
    return ""


@dataclass(frozen=True)
class WirePolicy:
    """How one service is spoken to (see the module's docstring).

    Attributes:
        service: the service's name, as every message says it.
        auth: what signs each request; None sends none (set per account: :meth:`signed_by`).
        account: whose allowance the requests spend; clients of one account share its
            concurrency gates. Empty: the session's gates are its own.
        signals: rate-limit readers, asked in order about every answer of 400 and above.
        concurrency: caps on requests in flight at once; None: no caps.
        message_of: the service's own message from an error body ("" when none).
        status_of: the status an answer means, for a service that answers errors with 200.
        words: the sentences of every error.
    """

    service: str
    auth: WireAuth | None = None
    account: str = ""
    signals: tuple[LimitSignal, ...] = ()
    concurrency: ConcurrencyCaps | None = None
    message_of: Callable[[str], str] = _no_message
    status_of: Callable[[Answer], int] | None = None
    words: Words = Words()

    def signed_by(self, auth: WireAuth | None, *, account: str | None = None) -> WirePolicy:
        """This policy for one account: its credentials (and whose allowance it spends)."""
        return replace(self, auth=auth, account=self.account if account is None else account)

    def said(self, body: str) -> str:
        """`` Xero said: "…".`` with the service's own words from ``body``, or ""."""
        message = self.message_of(body)
        if not message:
            return ""
        return self.words.said.format(service=self.service, message=message)

    def read_limits(self, answer: Answer, now: datetime) -> LimitVerdict:
        """What the first signal that recognises ``answer`` makes of it (None: not a limit)."""
        for signal in self.signals:
            verdict = signal(answer, self, now)
            if verdict is not None:
                return verdict
        return None


# -- rate-limit signals -----------------------------------------------------------------------


def header_seconds(headers: Mapping[str, str], name: str, now: datetime) -> float | None:
    """Seconds to wait from a header holding seconds or an HTTP date (``Retry-After``)."""
    raw = (headers.get(name) or "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def throttle_on_429(*wait_headers: str) -> LimitSignal:
    """A 429 means "slow down"; the first of ``wait_headers`` present says for how long.

    ``throttle_on_429()`` reads ``Retry-After``; Klaviyo's 429 may carry no ``Retry-After`` but
    its ``RateLimit-Reset`` (seconds until the window resets), so it passes both. Without any
    the session backs off.
    """
    names = wait_headers or ("Retry-After",)

    def read(answer: Answer, policy: WirePolicy, now: datetime) -> LimitVerdict:
        if answer.status != 429:
            return None
        for name in names:
            seconds = header_seconds(answer.headers, name, now)
            if seconds is not None:  # "0" (Klaviyo's reset, rounded down) still gets a beat
                return Wait(max(seconds, MIN_THROTTLE_WAIT))
        return Wait(None)

    return read


def error_codes(body: str) -> set[str]:
    """The error codes a JSON error body names, whatever its shape.

    Finds ``errorCode`` (Salesforce: ``[{"errorCode": "REQUEST_LIMIT_EXCEEDED"}]``),
    ``error_key`` (Constant Contact), ``code`` (Klaviyo's ``{"errors": [{"code": …}]}``) and
    ``error`` (OAuth), at the top or in a list of errors.
    """
    try:
        data: Any = json.loads(body)
    except ValueError:
        return set()
    items: list[Any] = []
    if isinstance(data, list):
        items = data
    elif isinstance(data, Mapping):
        items = [data]
        nested = data.get("errors")
        if isinstance(nested, list):
            items += nested
    codes: set[str] = set()
    for item in items:
        if isinstance(item, Mapping):
            for key in ("errorCode", "error_key", "code", "error"):
                value = item.get(key)
                if isinstance(value, str) and value:
                    codes.add(value)
    return codes


def quota_message(service: str, now: datetime, resets_at: datetime | None) -> str:
    """Says the day's allowance is used up, the run stopped, and when it can resume."""
    used_up = f"{service}'s daily limit of requests is used up. The run has stopped and can resume"
    if resets_at is None:
        return (
            f"{used_up} once {service} allows requests again: it counts the requests of the "
            "last 24 hours, so try again in a few hours."
        )
    hours = max(1, math.ceil((resets_at - now.astimezone(UTC)).total_seconds() / 3600))
    return (
        f"{used_up} after the limit resets at {resets_at.astimezone(UTC):%H:%M} UTC "
        f"(in about {hours} hour{'s' if hours != 1 else ''})."
    )


def daily_quota_in_body(
    status: int, code: str, *, resets: Callable[[datetime], datetime | None] | None = None
) -> LimitSignal:
    """An answer of ``status`` whose body names ``code`` means the day's allowance is used up.

    The run stops at once with :class:`QuotaExceeded` (a retry would only spend more).
    Salesforce: ``daily_quota_in_body(403, "REQUEST_LIMIT_EXCEEDED")`` (a rolling 24 hours, so
    no reset time); Constant Contact: ``daily_quota_in_body(429, "quota_exceeded",
    resets=next_utc_midnight)``.
    """

    def read(answer: Answer, policy: WirePolicy, now: datetime) -> LimitVerdict:
        if answer.status != status or code not in error_codes(answer.body):
            return None
        resets_at = resets(now) if resets is not None else None
        return QuotaExceeded(quota_message(policy.service, now, resets_at), resets_at=resets_at)

    return read


def next_utc_midnight(now: datetime) -> datetime:
    """The next 00:00 UTC after ``now`` (when Constant Contact's daily quota resets)."""
    now = now.astimezone(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
