"""The spec's rate limit: 200,000 calls an hour per application (a rolling window).

No throttled answer from the live service is on record; the emulator answers the error
envelope with status ``request-limit`` (its own id), HTTP 200 like every other error.
Refused calls are not counted. The window follows the emulator's clock.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime

from app.sandbox.wellnessliving.errors import LIMIT, WlError

HOUR = 3600.0
PER_HOUR = 200_000


class AppLimits:
    """Counts calls per application and refuses those over the limit."""

    def __init__(self, clock: Callable[[], datetime], per_hour: int = PER_HOUR) -> None:
        self.clock = clock
        self.per_hour = per_hour
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = defaultdict(deque)

    def acquire(self, app_id: str) -> None:
        now = self.clock().timestamp()
        with self._lock:
            window = self._calls[app_id]
            while window and window[0] <= now - HOUR:
                window.popleft()
            if len(window) >= self.per_hour:
                raise WlError(LIMIT, "Too many requests. Please try again later.")
            window.append(now)
