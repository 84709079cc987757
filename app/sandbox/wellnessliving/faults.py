"""Fault-injection knobs: latency, random faults and one-shot forced answers.

Kinds: ``user-out``, ``csrf``, ``internal`` and ``request-limit`` answer the error envelope
with HTTP 200, as WellnessLiving does; ``429`` (with ``Retry-After``), ``500`` and ``503`` are
what a gateway in front of it may answer; ``timeout`` holds the answer then cuts the
connection; ``reset`` cuts it at once.
"""

from __future__ import annotations

from app.sandbox.kit.forced_faults import ForcedFaults

FORCE_KINDS = (
    "user-out",
    "csrf",
    "internal",
    "request-limit",
    "429",
    "500",
    "503",
    "timeout",
    "reset",
)


class Faults(ForcedFaults):
    """Thread-safe knobs read by the server on every call.

    Beside :class:`ForcedFaults`'s knobs (``error_rate`` answers ``internal``):
        retry_after: the ``Retry-After`` seconds a forced 429 carries.
    """

    FORCE_KINDS = FORCE_KINDS
    INT_KNOBS = ("retry_after",)

    retry_after = 1
