"""The fault knobs every emulator has: forced one-shot answers, latency, a seeded error rate.

Each emulator subclasses :class:`ForcedFaults`, names its ``FORCE_KINDS`` (what a forced
answer may be, in its service's terms) and adds the knobs of its service.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass
class _Forced:
    pattern: str
    kind: str
    remaining: int


class ForcedFaults:
    """Thread-safe fault knobs read by an emulator's server on every call.

    Attributes (settable at any time, or through :meth:`configure`):
        latency_ms: delay added to every call.
        error_rate: probability (0..1) that a call answers the service's random error.
        seed: reseeds the random generator behind ``error_rate``.
        timeout_seconds: how long a forced "timeout" holds the answer before dropping it.

    Subclasses list the further knobs :meth:`configure` takes in ``FLOAT_KNOBS``,
    ``INT_KNOBS`` and ``BOOL_KNOBS``, declared with their defaults as class attributes.
    """

    FORCE_KINDS: ClassVar[tuple[str, ...]] = ()
    FLOAT_KNOBS: ClassVar[tuple[str, ...]] = ("latency_ms", "error_rate", "timeout_seconds")
    INT_KNOBS: ClassVar[tuple[str, ...]] = ()
    BOOL_KNOBS: ClassVar[tuple[str, ...]] = ()

    latency_ms: float = 0.0
    error_rate: float = 0.0
    timeout_seconds: float = 30.0

    def __init__(self, seed: int | None = 0) -> None:
        self._lock = threading.Lock()
        self._forced: list[_Forced] = []
        self._seed = seed
        self._rng = random.Random(seed)

    @property
    def seed(self) -> int | None:
        return self._seed

    @seed.setter
    def seed(self, value: int | None) -> None:
        with self._lock:
            self._seed = value
            self._rng = random.Random(value)

    def force(self, endpoint_pattern: str, kind: str, times: int = 1) -> None:
        """Answer the next ``times`` calls matching ``endpoint_pattern`` (fnmatch over
        "METHOD /path-template") with ``kind``."""
        if kind not in self.FORCE_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {self.FORCE_KINDS}")
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._forced.append(_Forced(endpoint_pattern, kind, times))

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

    def clear(self) -> None:
        """Drop the queued forced answers and reset latency and the error rate."""
        with self._lock:
            self._forced.clear()
            self.latency_ms = 0.0
            self.error_rate = 0.0

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply a JSON-style mapping (the admin route's body): ``clear``, ``seed``, the
        knobs, and ``force: [{pattern, kind, times}]``."""
        if settings.get("clear"):
            self.clear()
        if "seed" in settings:
            self.seed = settings["seed"]
        for name in self.FLOAT_KNOBS:
            if name in settings:
                setattr(self, name, float(settings[name]))
        for name in self.INT_KNOBS:
            if name in settings:
                setattr(self, name, int(settings[name]))
        for name in self.BOOL_KNOBS:
            if name in settings:
                setattr(self, name, bool(settings[name]))
        for item in settings.get("force", ()):
            self.force(item["pattern"], str(item["kind"]), int(item.get("times", 1)))
