"""Per-endpoint rate limits: a burst window (1 s), a steady one (60 s) and, for list
creation, a daily one (150 a day), each counted per account and endpoint.

The tiers are the spec's ``x-klaviyo-ratelimit`` (XS 1/s 15/m, S 3/s 60/m, M 10/s 150/m,
L 75/s 750/m, XL 350/s 3,500/m). Every answered call carries the state in IETF-draft form,
all windows at once, ``remaining`` and ``reset`` following the burst window [R nango]:
``ratelimit-limit: 10, 10;w=1, 150;w=60, 150;w=86400``. A refused call is a 429 (``errors``)
and is not counted. The windows follow the emulator's clock, so a test can move time instead
of waiting. With ``daily_only`` (the emulator's limits turned off) only the daily cap on list
creation is kept, and answers carry no rate-limit headers.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.sandbox.klaviyo.errors import throttled


@dataclass(frozen=True)
class Tier:
    burst: int
    steady: int
    daily: int | None = None

    def windows(self) -> list[tuple[float, int]]:
        found = [(1.0, self.burst), (60.0, self.steady)]
        if self.daily is not None:
            found.append((86_400.0, self.daily))
        return found

    def header(self) -> str:
        parts = [str(self.burst)] + [f"{limit};w={int(w)}" for w, limit in self.windows()]
        return ", ".join(parts)


XS, S, M, L, XL = Tier(1, 15), Tier(3, 60), Tier(10, 150), Tier(75, 750), Tier(350, 3500)
LIST_CREATE = Tier(10, 150, 150)


class RouteLimits:
    """Sliding windows per (account, endpoint); refuses calls over any window."""

    def __init__(self, clock: Callable[[], datetime], *, daily_only: bool = False) -> None:
        self.clock = clock
        self.daily_only = daily_only
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, float], deque[float]] = defaultdict(deque)

    def acquire(self, key: str, tier: Tier, *, retry_after: bool = True) -> list[tuple[str, str]]:
        """Count a call to ``key`` or raise the 429; returns the headers for the answer."""
        if self.daily_only:
            if tier.daily is not None:
                self._acquire(key, [(86_400.0, tier.daily)], retry_after)
            return []
        burst = self._acquire(key, tier.windows(), retry_after)
        remaining = tier.burst - len(burst)
        reset = (
            0 if remaining > 0 else max(0, math.floor(burst[0] + 1.0 - self.clock().timestamp()))
        )
        return [
            ("ratelimit-limit", tier.header()),
            ("ratelimit-remaining", str(remaining)),
            ("ratelimit-reset", str(reset)),
        ]

    def _acquire(
        self, key: str, windows: list[tuple[float, int]], retry_after: bool
    ) -> deque[float]:
        """Count a call in every window or raise the 429; the first window's calls."""
        now = self.clock().timestamp()
        with self._lock:
            wait = 0.0
            for window, limit in windows:
                calls = self._trim(key, window, now)
                if len(calls) >= limit:
                    wait = max(wait, calls[len(calls) - limit] + window - now)
            if wait > 0:
                raise throttled(wait, retry_after=retry_after)
            for window, _ in windows:
                self._calls[(key, window)].append(now)
            return deque(self._calls[(key, windows[0][0])])

    def _trim(self, key: str, window: float, now: float) -> deque[float]:
        calls = self._calls[(key, window)]
        while calls and calls[0] <= now - window:
            calls.popleft()
        return calls

    def use_up(self, key: str, tier: Tier, window: float = 86_400.0) -> None:
        """Spend a window's whole allowance now (the daily one by default), to test it
        without making 150 calls."""
        limit = dict((w, n) for w, n in tier.windows())[window]
        now = self.clock().timestamp()
        with self._lock:
            calls = self._trim(key, window, now)
            calls.extend([now] * max(0, limit - len(calls)))

    def used(self, key: str, window: float) -> int:
        now = self.clock().timestamp()
        with self._lock:
            return len(self._trim(key, window, now))
