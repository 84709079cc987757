"""Neon's limits: simultaneous requests per endpoint per org, and an optional rate.

Neon's rate-limits page defines each method's limit as the number of requests an org may
have running at once on that endpoint ("thread pool"): ``POST /accounts/search`` 1, most
others 5; a request over it gets a 429. A later copy of the page heads the column "per
second", and practitioners pace to 10 requests a second, so a per-second rate (per org and
endpoint, a rolling one-second window) can be switched on as well; it is off by default.
Refused requests are not counted. The window follows the emulator's clock.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

SEARCH = "POST /accounts/search"
DEFAULT_CAP = 5
CAPS = {SEARCH: 1}


class EndpointLimits:
    """Counts running requests (and, when set, requests in the last second) per org and
    endpoint, and refuses those over a limit."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        caps: Mapping[str, int] | None = None,
        default_cap: int = DEFAULT_CAP,
        per_second: int | None = None,
    ) -> None:
        self.clock = clock
        self.caps: dict[str, int] = dict(CAPS if caps is None else caps)
        self.default_cap = default_cap
        self.per_second = per_second
        self._lock = threading.Lock()
        self._running: dict[tuple[str, str], int] = defaultdict(int)
        self._recent: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def cap(self, endpoint: str) -> int:
        return self.caps.get(endpoint, self.default_cap)

    def acquire(self, org_id: str, endpoint: str) -> bool:
        """Start a request; False when it is over a limit (answer the 429)."""
        key = (org_id, endpoint)
        now = self.clock().timestamp()
        with self._lock:
            if self._running[key] >= self.cap(endpoint):
                return False
            if self.per_second is not None:
                recent = self._recent[key]
                while recent and recent[0] <= now - 1.0:
                    recent.popleft()
                if len(recent) >= self.per_second:
                    return False
                recent.append(now)
            self._running[key] += 1
            return True

    def release(self, org_id: str, endpoint: str) -> None:
        with self._lock:
            key = (org_id, endpoint)
            self._running[key] = max(0, self._running[key] - 1)

    def running(self, org_id: str, endpoint: str) -> int:
        with self._lock:
            return self._running[(org_id, endpoint)]

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply the admin route's body: ``caps`` (endpoint → n), ``default_cap``,
        ``per_second`` (null turns the rate off)."""
        with self._lock:
            if "caps" in settings:
                self.caps.update({str(k): int(v) for k, v in settings["caps"].items()})
            if "default_cap" in settings:
                self.default_cap = int(settings["default_cap"])
            if "per_second" in settings:
                value = settings["per_second"]
                self.per_second = None if value is None else int(value)
                self._recent.clear()
