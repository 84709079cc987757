"""A settable clock for the emulator tests: token expiry, limit windows, timestamps."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    """Returns ``now`` when called; :meth:`advance` moves it on (``advance(hours=1)``)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
