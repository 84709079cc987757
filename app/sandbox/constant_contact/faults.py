"""Fault-injection knobs: latency, random 500s, one-shot forced responses, failed activities."""

from __future__ import annotations

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

    The knobs are :class:`ForcedFaults`'s (``latency_ms``, ``error_rate`` as random 500s,
    ``seed``, ``timeout_seconds``); failed activities are Constant Contact's own.
    """

    FORCE_KINDS = FORCE_KINDS

    def __init__(self, seed: int | None = 0) -> None:
        super().__init__(seed)
        self._activity_failures: list[ActivityFailure] = []

    def fail_next_activity(self, state: str = "failed", errors: Iterable[str] = ()) -> None:
        """Make the next activity end in ``state`` (failed, timed_out or cancelled)."""
        if state not in FAILED_STATES:
            raise ValueError(f"state must be one of {FAILED_STATES}")
        with self._lock:
            self._activity_failures.append(ActivityFailure(state, tuple(errors)))

    def clear(self) -> None:
        """Drop all queued faults and reset latency and error rate."""
        super().clear()
        with self._lock:
            self._activity_failures.clear()

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply a JSON-style mapping (the admin endpoint's body); ``fail_next_activity``
        takes ``{state, errors}``."""
        super().configure(settings)
        failure = settings.get("fail_next_activity")
        if failure:
            self.fail_next_activity(failure.get("state", "failed"), failure.get("errors", ()))

    def take_activity_failure(self) -> ActivityFailure | None:
        with self._lock:
            return self._activity_failures.pop(0) if self._activity_failures else None
