"""The window follows the database: runs made elsewhere (the command line, ``run-due``,
another window) show within seconds, without the user syncing here.

A light poll, not a file watch: every ``INTERVAL_MS`` one cheap query (the service's
``activity_marker``) says whether anything changed; only then does the window read again.
SQLite in WAL mode never makes that read wait for a writer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

log = logging.getLogger(__name__)

INTERVAL_MS = 2000


class DatabaseFollower(QObject):
    """Polls ``marker`` on a timer and says when it changed.

    Signals:
        changed(): the marker differs from the last one read.
    """

    changed = Signal()

    def __init__(
        self,
        marker: Callable[[], str],
        interval_ms: int = INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._marker = marker
        self._last = self._read()
        self.timer = QTimer(self)
        self.timer.setObjectName("databaseFollower")
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def seen(self) -> None:
        """The caller read everything just now: what changed so far is not news."""
        self._last = self._read()

    @Slot()
    def check(self) -> bool:
        """Read the marker; emit ``changed`` (and return True) when it moved."""
        now = self._read()
        if now is None or now == self._last:
            return False
        self._last = now
        self.changed.emit()
        return True

    def _read(self) -> str | None:
        try:
            return self._marker()
        except Exception as exc:  # a busy or closing database: look again next time
            log.debug("could not read the activity marker: %s", exc)
            return None
