"""Fault-injection knobs: latency, random 500s and one-shot forced answers."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from app.sandbox.kit.forced_faults import ForcedFaults

# "429" is the minute limit; "429-day" the daily one.
FORCE_KINDS = ("429", "429-day", "500", "503", "timeout", "reset")


class Faults(ForcedFaults):
    """Thread-safe knobs read by the server on every API call.

    Attributes (settable at any time):
        latency_ms: delay added to every API call.
        error_rate: probability (0..1) that an API call answers a 500.
        timeout_seconds: how long a forced "timeout" holds the answer before dropping it.
        retry_after: the ``Retry-After`` seconds a forced minute-limit 429 carries.
        day_retry_after: the same for a forced day-limit 429.
    """

    FORCE_KINDS = FORCE_KINDS

    def __init__(self, seed: int | None = 0) -> None:
        super().__init__(seed)
        self.latency_ms = 0.0
        self.timeout_seconds = 30.0
        self.retry_after = 1
        self.day_retry_after = 43_200

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
        for name in ("retry_after", "day_retry_after"):
            if name in settings:
                setattr(self, name, int(settings[name]))
        for item in settings.get("force", ()):
            self.force(item["pattern"], str(item["kind"]), int(item.get("times", 1)))
