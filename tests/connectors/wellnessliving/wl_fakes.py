"""Fakes shared by the WellnessLiving connector tests."""

from __future__ import annotations


class Sleeps:
    """Records the waits a client asks for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
