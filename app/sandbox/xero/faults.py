"""Fault-injection knobs: latency, random 500s and one-shot forced answers."""

from __future__ import annotations

import fnmatch
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# "429" is the minute limit; "429-day" the daily one.
FORCE_KINDS = ("429", "429-day", "500", "503", "timeout", "reset")


@dataclass
class _Forced:
    pattern: str
    kind: str
    remaining: int


class Faults:
    """Thread-safe knobs read by the server on every API call.

    Attributes (settable at any time):
        latency_ms: delay added to every API call.
        error_rate: probability (0..1) that an API call answers a 500.
        timeout_seconds: how long a forced "timeout" holds the answer before dropping it.
        retry_after: the ``Retry-After`` seconds a forced minute-limit 429 carries.
        day_retry_after: the same for a forced day-limit 429.
    """

    def __init__(self, seed: int | None = 0) -> None:
        self._lock = threading.Lock()
        self._forced: list[_Forced] = []
        self._rng = random.Random(seed)
        self.latency_ms = 0.0
        self.error_rate = 0.0
        self.timeout_seconds = 30.0
        self.retry_after = 1
        self.day_retry_after = 43_200

    def force(self, endpoint_pattern: str, kind: str, times: int = 1) -> None:
        """Answer the next ``times`` calls matching ``endpoint_pattern`` with ``kind``.

        The pattern is an fnmatch pattern over "METHOD /api.xro/2.0/path-template", e.g.
        "GET /api.xro/2.0/Contacts" or "* /api.xro/2.0/ContactGroups*"; identity calls are
        "POST /identity/connect/token" and "GET /connections".
        """
        if kind not in FORCE_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FORCE_KINDS}")
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._forced.append(_Forced(endpoint_pattern, kind, times))

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

    def take_forced(self, endpoint: str) -> str | None:
        """Consume and return the forced kind for ``endpoint``, if one is queued."""
        with self._lock:
            for item in self._forced:
                if fnmatch.fnmatchcase(endpoint, item.pattern):
                    item.remaining -= 1
                    if item.remaining <= 0:
                        self._forced.remove(item)
                    return item.kind
        return None

    def roll_error(self) -> bool:
        with self._lock:
            return self.error_rate > 0 and self._rng.random() < self.error_rate
