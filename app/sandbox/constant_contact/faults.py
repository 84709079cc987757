"""Fault-injection knobs: latency, random 500s, one-shot forced responses, failed activities."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.sandbox.kit.forced_faults import ForcedFaults

FORCE_KINDS = ("throttled", "quota_exceeded", "500", "503", "timeout", "reset")
FAILED_STATES = ("failed", "timed_out", "cancelled")


@dataclass(frozen=True)
class ActivityFailure:
    """How the next activity ends instead of completing."""

    state: str
    errors: tuple[str, ...]


class Faults(ForcedFaults):
    """Thread-safe fault knobs read by the server on every API request.

    Attributes (settable at any time):
        latency_ms: delay added to every API request.
        error_rate: probability (0..1) that an API request answers a random 500.
        seed: reseeds the RNG behind ``error_rate``.
        timeout_seconds: how long a forced "timeout" holds the response before dropping it.
    """

    FORCE_KINDS = FORCE_KINDS

    def __init__(self, seed: int | None = 0) -> None:
        super().__init__(seed)
        self._activity_failures: list[ActivityFailure] = []
        self._seed = seed
        self.latency_ms = 0
        self.timeout_seconds = 30.0

    @property
    def seed(self) -> int | None:
        return self._seed

    @seed.setter
    def seed(self, value: int | None) -> None:
        with self._lock:
            self._seed = value
            self._rng = random.Random(value)

    def fail_next_activity(self, state: str = "failed", errors: Iterable[str] = ()) -> None:
        """Make the next activity end in ``state`` (failed, timed_out or cancelled)."""
        if state not in FAILED_STATES:
            raise ValueError(f"state must be one of {FAILED_STATES}")
        with self._lock:
            self._activity_failures.append(ActivityFailure(state, tuple(errors)))

    def clear(self) -> None:
        """Drop all queued faults and reset latency and error rate."""
        with self._lock:
            self._forced.clear()
            self._activity_failures.clear()
            self.latency_ms = 0
            self.error_rate = 0.0

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply a JSON-style mapping (the admin endpoint's body)."""
        if settings.get("clear"):
            self.clear()
        if "seed" in settings:
            self.seed = settings["seed"]
        for name in ("latency_ms", "error_rate", "timeout_seconds"):
            if name in settings:
                setattr(self, name, float(settings[name]))
        for item in settings.get("force", ()):
            self.force(item["pattern"], str(item["kind"]), int(item.get("times", 1)))
        failure = settings.get("fail_next_activity")
        if failure:
            self.fail_next_activity(failure.get("state", "failed"), failure.get("errors", ()))

    def take_activity_failure(self) -> ActivityFailure | None:
        with self._lock:
            return self._activity_failures.pop(0) if self._activity_failures else None
