"""Fault-injection knobs: latency, random 500s and one-shot forced answers.

Kinds: ``429`` (the 2024 body with ``Retry-After``), ``429-bare`` (the 2023 answer: no
``Retry-After``, no ``RateLimit-*``, the wait only in the text [R]), ``500``, ``503``,
``504``, ``403-challenge`` (Cloudflare's HTML challenge page, ``cf-mitigated: challenge``
[R api-python#84]), ``timeout`` (holds the answer, then cuts the connection), ``reset``
(cuts it at once) and ``no-job-id`` (the call is served, but the answer's job has no id
[P rudder-server#5316]). A storm is one kind forced many ``times``.
"""

from __future__ import annotations

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

    Beside :class:`ForcedFaults`'s knobs (``error_rate`` answers a random 500):
        retry_after: the seconds a forced 429 asks to wait.
        omit_retry_after: no ``Retry-After`` on any 429, real or forced (as recorded in 2023).
    """

    FORCE_KINDS = FORCE_KINDS
    INT_KNOBS = ("retry_after",)
    BOOL_KNOBS = ("omit_retry_after",)

    retry_after = 1
    omit_retry_after = False

    def __init__(self, seed: int | None = 0) -> None:
        super().__init__(seed)
        self.job_failures: list[str] = []

    def fail_next_job(self, status: str = "cancelled") -> None:
        """The next bulk job made (import or suppression) ends ``status``, nothing applied."""
        if status not in JOB_ENDS:
            raise ValueError(f"status must be one of {JOB_ENDS}")
        with self._lock:
            self.job_failures.append(status)

    def clear(self) -> None:
        super().clear()
        with self._lock:
            self.job_failures.clear()
            self.omit_retry_after = False

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply a JSON-style mapping (the admin route's body); ``fail_next_job`` takes a
        status."""
        super().configure(settings)
        if settings.get("fail_next_job"):
            self.fail_next_job(str(settings["fail_next_job"]))
