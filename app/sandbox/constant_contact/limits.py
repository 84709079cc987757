"""Rate limits: a token bucket per API key and a daily quota that resets at 00:00 UTC."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime


class TokenBucket:
    """``rate`` requests per second per key, with a burst of ``max(1, rate)``."""

    def __init__(self, rate: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = self._monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            return True


class DailyQuota:
    """At most ``limit`` requests per key per UTC day, judged by the injected clock."""

    def __init__(self, limit: int, clock: Callable[[], datetime]) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._used: dict[str, tuple[date, int]] = {}

    def allow(self, key: str) -> bool:
        today = self._clock().astimezone(UTC).date()
        with self._lock:
            day, used = self._used.get(key, (today, 0))
            if day != today:
                used = 0
            if used >= self.limit:
                self._used[key] = (today, used)
                return False
            self._used[key] = (today, used + 1)
            return True

    def used(self, key: str) -> int:
        today = self._clock().astimezone(UTC).date()
        with self._lock:
            day, used = self._used.get(key, (today, 0))
            return used if day == today else 0
