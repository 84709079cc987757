"""What every emulator does with its server: start, stop, a ``with`` block, request counts."""

from __future__ import annotations

import threading
from typing import Any, Self

from app.sandbox.kit.emulator_app import EmulatorApp
from app.sandbox.kit.sqlite_state import SqliteState
from app.sandbox.kit.threaded_server import ThreadedServer


class ServedEmulator:
    """The life of an emulator: its app served on a loopback port, its state closed at stop.

    A subclass calls ``super().__init__(thread_name)`` before it builds its app (the app
    waits on :attr:`stopping`), sets ``state`` and ``app``, and may extend
    :meth:`_after_start` and :meth:`_before_close`.
    """

    state: SqliteState
    app: EmulatorApp[Any]

    def __init__(self, thread_name: str) -> None:
        self._server = ThreadedServer(thread_name)
        self.base_url = ""

    @property
    def stopping(self) -> threading.Event:
        """Set while the emulator stops; the app's waits end on it."""
        return self._server.stopping

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        self.base_url = self._server.start(self.app, host, port)
        self._after_start()
        return self

    def _after_start(self) -> None:
        """Once the server listens (``base_url`` is known)."""

    def stop(self) -> None:
        self._server.stop()
        self._before_close()
        self.state.close()

    def _before_close(self) -> None:
        """Once the server has stopped, before the state is closed."""

    def __enter__(self) -> Self:
        return self if self._server.running else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def request_counts(self) -> dict[str, int]:
        """Requests served, by "METHOD /path-template" (as the emulator's docs write it)."""
        return self.app.counts.snapshot()

    def reset_counts(self) -> None:
        self.app.counts.reset()
