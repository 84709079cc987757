"""How Salesforce is spoken to: its error arrays, its 403 limit, and ``Sforce-Limit-Info``.

Salesforce answers errors with a JSON array ``[{"message", "errorCode", "fields"}]`` (the
OAuth endpoints with ``{"error", "error_description"}``). Its daily allowance of API
requests counts a rolling 24 hours; when it is used up every call answers 403
``REQUEST_LIMIT_EXCEEDED`` "TotalRequests Limit exceeded.", and the run stops to resume
later (:class:`QuotaExceeded`: the run pauses, it never fails). The same code with
"ConcurrentRequests" means too many long calls at once: that one waits and tries again.

Most answers carry ``Sforce-Limit-Info: api-usage=22/15000``: :class:`UsageMeter` reads it
from every answer (a ``requests`` response hook), so the app can show how much of the day's
allowance is spent. The count is not monotonic across concurrent calls; the latest is kept.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from app.connectors.wire import (
    Answer,
    LimitVerdict,
    Wait,
    WirePolicy,
    error_codes,
    quota_message,
    throttle_on_429,
)
from app.core.errors import QuotaExceeded

SERVICE = "Salesforce"
LIMIT_HEADER = "Sforce-Limit-Info"
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


def faults(body: str) -> list[dict[str, Any]]:
    """The error objects of an answer: the array's items, or the one object."""
    try:
        data = json.loads(body)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    return [dict(i) for i in items if isinstance(i, Mapping)]


def salesforce_message(body: str) -> str:
    """Salesforce's own words from an error body (its first error's message)."""
    for item in faults(body):
        text = str(item.get("message") or item.get("error_description") or "").strip()
        if text:
            return text
    return ""


def salesforce_limits(answer: Answer, policy: WirePolicy, now: datetime) -> LimitVerdict:
    """403 ``REQUEST_LIMIT_EXCEEDED``: the day's allowance (stop, resume later) or too many
    calls at once (wait and try again)."""
    if answer.status != 403 or "REQUEST_LIMIT_EXCEEDED" not in error_codes(answer.body):
        return None
    if "concurrent" in salesforce_message(answer.body).lower():
        return Wait(None)
    return QuotaExceeded(quota_message(policy.service, now, None))


WIRE = WirePolicy(
    service=SERVICE,
    signals=(salesforce_limits, throttle_on_429()),
    message_of=salesforce_message,
)


@dataclass(frozen=True)
class ApiUsage:
    """The org's API requests in the last 24 hours, as the latest answer said."""

    used: int
    allowed: int
    seen_at: datetime

    def words(self) -> str:
        """``Salesforce API requests in the last 24 hours: 1,234 of 15,000.``"""
        return f"{SERVICE} API requests in the last 24 hours: {self.used:,} of {self.allowed:,}."

    def to_settings(self) -> dict[str, Any]:
        return {"used": self.used, "allowed": self.allowed, "seen_at": self.seen_at.isoformat()}

    @classmethod
    def from_settings(cls, data: Any) -> ApiUsage | None:
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(
                int(data["used"]), int(data["allowed"]), datetime.fromisoformat(data["seen_at"])
            )
        except (KeyError, TypeError, ValueError):
            return None


def parse_usage(header: str, now: datetime) -> ApiUsage | None:
    """``api-usage=22/15000`` (maybe with ``per-app-api-usage=…`` after it)."""
    found = _USAGE.search(header or "")
    if found is None:
        return None
    return ApiUsage(int(found.group(1)), int(found.group(2)), now)


class UsageMeter:
    """Keeps the latest ``Sforce-Limit-Info`` of a session's answers.

    Args:
        on_change: called with each new reading (from the thread that made the call).
    """

    def __init__(
        self,
        on_change: Callable[[ApiUsage], None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.latest: ApiUsage | None = None
        self._on_change = on_change
        self._now = now
        self._lock = threading.Lock()

    def watch(self, session: requests.Session) -> requests.Session:
        """Read every answer ``session`` receives."""
        session.hooks["response"].append(self._hook)
        return session

    def _hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        usage = parse_usage(response.headers.get(LIMIT_HEADER, ""), self._now())
        if usage is None:
            return
        with self._lock:
            self.latest = usage
        if self._on_change is not None:
            self._on_change(usage)
