"""Fault-injection knobs: latency, random faults and one-shot forced answers.

Kinds: ``request-limit`` and ``concurrent-limit`` answer 403 ``REQUEST_LIMIT_EXCEEDED`` (the
daily and the concurrency wording), ``invalid-session`` answers 401 ``INVALID_SESSION_ID``;
``429`` (with ``Retry-After``), ``500`` (Salesforce's ``UNKNOWN_EXCEPTION`` array) and
``503`` (an HTML maintenance page) are what live traffic has also shown; ``timeout`` holds the
answer then cuts the connection; ``reset`` cuts it at once.
"""

from __future__ import annotations

from app.sandbox.kit.forced_faults import ForcedFaults

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

    Beside :class:`ForcedFaults`'s knobs (``error_rate``: a data call answers a 500):
        retry_after: the ``Retry-After`` seconds a forced 429 carries.
    """

    FORCE_KINDS = FORCE_KINDS
    INT_KNOBS = ("retry_after",)

    retry_after = 1
