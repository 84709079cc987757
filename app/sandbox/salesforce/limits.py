"""The org's daily API allowance: a rolling 24-hour count, reported on every data answer as
``Sforce-Limit-Info: api-usage=N/M``; a call over it gets 403 ``REQUEST_LIMIT_EXCEEDED``.

A Developer Edition org allows 15,000 calls a day. Refused calls are not counted; the window
follows the emulator's clock, so a test moves time forward (``advance(hours=24)``) to see the
allowance come back.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from app.sandbox.salesforce.errors import request_limit

DAY_MS = 86_400_000
DEVELOPER_EDITION = 15_000


class ApiUsage:
    def __init__(
        self, now_ms: Callable[[], int], daily_limit: int = DEVELOPER_EDITION, enforce: bool = True
    ) -> None:
        self.now_ms = now_ms
        self.daily_limit = daily_limit
        self.enforce = enforce
        self._lock = threading.Lock()
        self._calls: deque[int] = deque()

    def _trim(self, now: int) -> None:
        while self._calls and self._calls[0] <= now - DAY_MS:
            self._calls.popleft()

    def take(self) -> str:
        """Count one call, or raise the 403; returns the ``Sforce-Limit-Info`` value."""
        now = self.now_ms()
        with self._lock:
            self._trim(now)
            if self.enforce and len(self._calls) >= self.daily_limit:
                raise request_limit()
            self._calls.append(now)
            return f"api-usage={len(self._calls)}/{self.daily_limit}"

    def used(self) -> int:
        with self._lock:
            self._trim(self.now_ms())
            return len(self._calls)

    def header(self) -> str:
        return f"api-usage={self.used()}/{self.daily_limit}"

    def spend(self, count: int) -> None:
        """Count ``count`` calls made now (elsewhere), e.g. to bring the limit close."""
        now = self.now_ms()
        with self._lock:
            self._calls.extend([now] * count)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
