"""Fault injection: latency, random 500s, one-shot forced answers, and held requests.

Kinds: ``429`` (Neon's: empty body, no ``Retry-After``), ``403`` (the text ``Forbidden``,
as a paged search once answered live), ``500`` (Neon's system-error body),
``503`` (a gateway page), ``timeout`` (holds the answer, then cuts the connection),
``reset`` (cuts it at once) and ``222`` (serves the call and answers its 200 as 222: live
sent 222 with an ordinary body on a list call, so any success may come so); ``204`` serves
the call and answers 204 with no body, as the spec allows for PATCH. A *hold* keeps
the next request matching a pattern running, inside its endpoint's limit, until the test
releases it: the way to show the concurrency limit without racing threads.
"""

from __future__ import annotations

import fnmatch
import threading

from app.sandbox.kit.forced_faults import ForcedFaults

FORCE_KINDS = ("429", "403", "500", "503", "timeout", "reset", "222", "204")


class Gate:
    """One held request: ``entered`` is set once it runs; :meth:`release` lets it finish."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.entered = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait(self, stopping: threading.Event, timeout: float) -> None:
        self.entered.set()
        deadline = timeout
        while deadline > 0 and not self._released.wait(0.05):
            if stopping.is_set():
                return
            deadline -= 0.05


class Faults(ForcedFaults):
    """Thread-safe knobs read by the server on every API call.

    Beside :class:`ForcedFaults`'s knobs (``error_rate`` answers a 500):
        hold_seconds: the longest a held request waits for its release.
    """

    FORCE_KINDS = FORCE_KINDS
    FLOAT_KNOBS = (*ForcedFaults.FLOAT_KNOBS, "hold_seconds")

    hold_seconds = 30.0

    def __init__(self, seed: int | None = 0) -> None:
        super().__init__(seed)
        self._gates: list[Gate] = []

    def hold(self, pattern: str) -> Gate:
        """Hold the next request matching ``pattern`` ("METHOD /path-template", fnmatch)."""
        gate = Gate(pattern)
        with self._lock:
            self._gates.append(gate)
        return gate

    def take_gate(self, endpoint: str) -> Gate | None:
        with self._lock:
            for gate in self._gates:
                if fnmatch.fnmatchcase(endpoint, gate.pattern):
                    self._gates.remove(gate)
                    return gate
        return None

    def clear(self) -> None:
        """Drop the queued faults, reset latency and the error rate, release held requests."""
        super().clear()
        with self._lock:
            gates, self._gates = self._gates, []
        for gate in gates:
            gate.release()
