"""Fault-injection knobs: latency, random faults and one-shot forced answers.

Kinds: ``request-limit`` and ``concurrent-limit`` answer 403 ``REQUEST_LIMIT_EXCEEDED`` (the
daily and the concurrency wording), ``invalid-session`` answers 401 ``INVALID_SESSION_ID``;
``429`` (with ``Retry-After``), ``500`` (Salesforce's ``UNKNOWN_EXCEPTION`` array) and
``503`` (an HTML maintenance page) are what live traffic has also shown; ``timeout`` holds the
answer then cuts the connection; ``reset`` cuts it at once.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from app.sandbox.wire import ForcedFaults

FORCE_KINDS = (
    "request-limit",
    "concurrent-limit",
    "invalid-session",
    "429",
    "500",
    "503",
    "timeout",
    "reset",
)


class Faults(ForcedFaults):
    """Thread-safe knobs read by the server on every call.

    Attributes (settable at any time):
        latency_ms: delay added to every call.
        error_rate: probability (0..1) that a data call answers a 500.
        timeout_seconds: how long a forced "timeout" holds the answer before dropping it.
        retry_after: the ``Retry-After`` seconds a forced 429 carries.
    """

    FORCE_KINDS = FORCE_KINDS

    def __init__(self, seed: int | None = 0) -> None:
        super().__init__(seed)
        self.latency_ms = 0.0
        self.timeout_seconds = 30.0
        self.retry_after = 1

    def clear(self) -> None:
        with self._lock:
            self._forced.clear()
            self.latency_ms = 0.0
            self.error_rate = 0.0

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply a JSON-style mapping (the admin endpoint's body)."""
        if settings.get("clear"):
            self.clear()
        if "seed" in settings:
            with self._lock:
                self._rng = random.Random(settings["seed"])
        for name in ("latency_ms", "error_rate", "timeout_seconds"):
            if name in settings:
                setattr(self, name, float(settings[name]))
        if "retry_after" in settings:
            self.retry_after = int(settings["retry_after"])
        for item in settings.get("force", ()):
            self.force(item["pattern"], str(item["kind"]), int(item.get("times", 1)))
