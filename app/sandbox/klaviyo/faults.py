"""Fault-injection knobs: latency, random 500s and one-shot forced answers.

Kinds: ``429`` (the 2024 body with ``Retry-After``), ``429-bare`` (the 2023 answer: no
``Retry-After``, no ``RateLimit-*``, the wait only in the text [R]), ``500``, ``503``,
``504``, ``403-challenge`` (Cloudflare's HTML challenge page, ``cf-mitigated: challenge``
[R api-python#84]), ``timeout`` (holds the answer, then cuts the connection), ``reset``
(cuts it at once) and ``no-job-id`` (the call is served, but the answer's job has no id
[P rudder-server#5316]). A storm is one kind forced many ``times``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from app.sandbox.kit.forced_faults import ForcedFaults

FORCE_KINDS = (
    "429",
    "429-bare",
    "500",
    "503",
    "504",
    "403-challenge",
    "timeout",
    "reset",
    "no-job-id",
)
JOB_ENDS = ("cancelled",)


class Faults(ForcedFaults):
    """Thread-safe knobs read by the server on every API call.

    Attributes (settable at any time):
        latency_ms: delay added to every call.
        error_rate: probability (0..1) that a call answers a random 500.
        retry_after: the seconds a forced 429 asks to wait.
        omit_retry_after: no ``Retry-After`` on any 429, real or forced (as recorded in 2023).
        timeout_seconds: how long a forced "timeout" holds the answer before dropping it.
    """

    FORCE_KINDS = FORCE_KINDS

    def __init__(self, seed: int | None = 0) -> None:
        super().__init__(seed)
        self.latency_ms = 0.0
        self.retry_after = 1
        self.omit_retry_after = False
        self.timeout_seconds = 30.0
        self.job_failures: list[str] = []

    def fail_next_job(self, status: str = "cancelled") -> None:
        """The next bulk job made (import or suppression) ends ``status``, nothing applied."""
        if status not in JOB_ENDS:
            raise ValueError(f"status must be one of {JOB_ENDS}")
        with self._lock:
            self.job_failures.append(status)

    def clear(self) -> None:
        with self._lock:
            self._forced.clear()
            self.job_failures.clear()
            self.latency_ms = 0.0
            self.error_rate = 0.0
            self.omit_retry_after = False

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply a JSON-style mapping (the admin route's body)."""
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
        if "omit_retry_after" in settings:
            self.omit_retry_after = bool(settings["omit_retry_after"])
        for item in settings.get("force", ()):
            self.force(item["pattern"], str(item["kind"]), int(item.get("times", 1)))
        if settings.get("fail_next_job"):
            self.fail_next_job(str(settings["fail_next_job"]))
