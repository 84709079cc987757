"""Fault-injection knobs: latency, random 500s and one-shot forced answers."""

from __future__ import annotations

from app.sandbox.kit.forced_faults import ForcedFaults

# "429" is the minute limit; "429-day" the daily one.
FORCE_KINDS = ("429", "429-day", "500", "503", "timeout", "reset")


class Faults(ForcedFaults):
    """Thread-safe knobs read by the server on every API call.

    Beside :class:`ForcedFaults`'s knobs (``error_rate`` answers a 500):
        retry_after: the ``Retry-After`` seconds a forced minute-limit 429 carries.
        day_retry_after: the same for a forced day-limit 429.
    """

    FORCE_KINDS = FORCE_KINDS
    INT_KNOBS = ("retry_after", "day_retry_after")

    retry_after = 1
    day_retry_after = 43_200
