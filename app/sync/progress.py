"""Progress reporting and cooperative cancellation, with no Qt in sight."""

from __future__ import annotations

import threading
from typing import Protocol

from app.core.errors import Cancelled


class ProgressReporter(Protocol):
    """What the engine tells whoever is watching. Implementations must be cheap."""

    def phase(self, name: str, total: int = 0) -> None:
        """A new phase starts, e.g. "Reading source" (total 0 when unknown)."""

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        """Progress inside the current phase."""


class NullReporter:
    """A reporter that ignores everything."""

    def phase(self, name: str, total: int = 0) -> None:
        pass

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        pass


class RecordingReporter:
    """Keeps every phase and the last progress; used by the CLI and tests."""

    def __init__(self) -> None:
        self.phases: list[str] = []
        self.last: tuple[int, int, str] = (0, 0, "")

    def phase(self, name: str, total: int = 0) -> None:
        self.phases.append(name)

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        self.last = (done, total, message)


class CancelToken:
    """A thread-safe flag the engine checks between pages and batches."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if cancelled meanwhile (so waits end at once)."""
        return self._event.wait(seconds)
