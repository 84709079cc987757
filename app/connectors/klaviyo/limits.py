"""Klaviyo's per-endpoint rate limits, held on our side so its 429s stay rare.

Klaviyo counts each endpoint apart, in two windows at once: a burst (per second) and a steady
rate (per minute), by tier [spec ``x-klaviyo-ratelimit``; connector-facts §3]: S 3/60, M
10/150, L 75/750, XL 350/3,500. Creating lists has a third window, 150 a day, which a client
cannot wait out: the 429 it gets stops the run (``wire.throttle``). Each endpoint gets its own
:class:`TwoWindowLimiter`, built from the generic ``http.RateLimiter``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.connectors.http import RateLimiter


@dataclass(frozen=True)
class Tier:
    burst: int  # a second
    steady: int  # a minute


S, M, L, XL = Tier(3, 60), Tier(10, 150), Tier(75, 750), Tier(350, 3500)

# "METHOD /template" as the client names its requests (below the API root) -> tier.
TIERS: dict[str, Tier] = {
    "GET /lists": L,
    "POST /lists": M,
    "GET /profiles": L,
    "POST /profile-bulk-import-jobs": M,
    "GET /profile-bulk-import-jobs": M,
    "GET /profile-bulk-import-jobs/{job_id}": M,
    "GET /profile-bulk-import-jobs/{job_id}/import-errors": M,
    "POST /profile-subscription-bulk-create-jobs": L,
    "POST /profile-subscription-bulk-delete-jobs": L,
    "POST /profile-suppression-bulk-create-jobs": L,
    "GET /profile-suppression-bulk-create-jobs/{job_id}": L,
    "POST /event-bulk-create-jobs": M,
    "GET /metrics": M,
}
DEFAULT_TIER = M


class TwoWindowLimiter(RateLimiter):
    """At most ``burst`` requests in any second and ``steady`` in any minute (with margins);
    ``pause`` holds both back after a 429."""

    def __init__(
        self,
        tier: Tier,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(tier.burst, 1.0, clock=clock, sleep=sleep)
        self.tier = tier
        self._steady = RateLimiter(tier.steady, 60.0, margin=0.5, clock=clock, sleep=sleep)

    def acquire(self) -> float:
        return self._steady.acquire() + super().acquire()

    def pause(self, seconds: float) -> None:
        super().pause(seconds)
        self._steady.pause(seconds)


class EndpointLimits:
    """One limiter per endpoint, made on first use (``enabled=False``: none, for tests)."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.enabled = enabled
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._made: dict[str, RateLimiter] = {}

    def for_endpoint(self, endpoint: str) -> RateLimiter:
        with self._lock:
            found = self._made.get(endpoint)
            if found is None:
                if self.enabled:
                    tier = TIERS.get(endpoint, DEFAULT_TIER)
                    found = TwoWindowLimiter(tier, clock=self._clock, sleep=self._sleep)
                else:  # no limiter at all would still need one with the session's interface
                    found = RateLimiter(1_000_000, clock=self._clock, sleep=self._sleep)
                self._made[endpoint] = found
            return found
