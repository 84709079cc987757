"""Xero's limits per tenant: 60 calls a minute, 5,000 a day, 5 at once (rolling windows).

Every answered call carries ``X-MinLimit-Remaining``, ``X-DayLimit-Remaining`` and
``X-AppMinLimit-Remaining``. A call over a limit gets a 429 with ``Retry-After`` (whole
seconds until a slot frees) and ``X-Rate-Limit-Problem`` (``minute``, ``day`` or
``concurrent``); rejected calls are not counted. The windows follow the emulator's clock, so a
test can move time instead of waiting.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime

from app.sandbox.xero.errors import rate_limited

MINUTE = 60.0
DAY = 86_400.0
APP_PER_MINUTE = 10_000


class TenantLimits:
    """Counts calls per tenant in rolling windows and refuses those over a limit."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        per_minute: int = 60,
        per_day: int = 5000,
        concurrent: int = 5,
    ) -> None:
        self.clock = clock
        self.per_minute = per_minute
        self.per_day = per_day
        self.concurrent = concurrent
        self._lock = threading.Lock()
        self._minute: dict[str, deque[float]] = defaultdict(deque)
        self._day: dict[str, deque[float]] = defaultdict(deque)
        self._app: deque[float] = deque()
        self._in_flight: dict[str, int] = defaultdict(int)

    def acquire(self, tenant_id: str) -> list[tuple[str, str]]:
        """Count one call, or raise the 429; returns the headers to add to the answer."""
        now = self.clock().timestamp()
        with self._lock:
            minute, day = self._minute[tenant_id], self._day[tenant_id]
            _trim(minute, now - MINUTE)
            _trim(day, now - DAY)
            _trim(self._app, now - MINUTE)
            if len(day) >= self.per_day:
                raise rate_limited("day", math.ceil(day[0] + DAY - now))
            if len(minute) >= self.per_minute:
                raise rate_limited("minute", math.ceil(minute[0] + MINUTE - now))
            if len(self._app) >= APP_PER_MINUTE:
                raise rate_limited("appminute", math.ceil(self._app[0] + MINUTE - now))
            if self._in_flight[tenant_id] >= self.concurrent:
                raise rate_limited("concurrent", 1)
            minute.append(now)
            day.append(now)
            self._app.append(now)
            self._in_flight[tenant_id] += 1
            return [
                ("X-DayLimit-Remaining", str(self.per_day - len(day))),
                ("X-MinLimit-Remaining", str(self.per_minute - len(minute))),
                ("X-AppMinLimit-Remaining", str(APP_PER_MINUTE - len(self._app))),
            ]

    def release(self, tenant_id: str) -> None:
        with self._lock:
            self._in_flight[tenant_id] = max(0, self._in_flight[tenant_id] - 1)

    def used_today(self, tenant_id: str) -> int:
        now = self.clock().timestamp()
        with self._lock:
            day = self._day[tenant_id]
            _trim(day, now - DAY)
            return len(day)

    def use_up_day(self, tenant_id: str) -> None:
        """Spend the whole daily allowance now (to test the day limit without 5,000 calls)."""
        now = self.clock().timestamp()
        with self._lock:
            day = self._day[tenant_id]
            day.extend([now] * max(0, self.per_day - len(day)))


def _trim(window: deque[float], horizon: float) -> None:
    while window and window[0] <= horizon:
        window.popleft()
