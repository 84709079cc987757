"""Runs profiles on their schedules while the app is open: one QTimer around ``app.sync.due``.

The clock and the timer are injected (STYLE rule 23): tests drive a fake clock and fire a fake
timer. The scheduler never waits for work itself; runs go through the window's ``SyncRunner``,
which allows one run per profile, and the ``ProfileLock`` under it keeps the ``run-due``
command of the OS job from running the same profile at the same time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from app.core.errors import AppError
from app.core.profiles import SyncProfile
from app.sync.due import (
    MAX_WAIT,
    ProfileWithLastRun,
    due_profiles,
    is_scheduled,
    local_now,
    wait_before_next_look,
    with_last_runs,
)
from app.sync.facade.api import ContactBridgeApi

log = logging.getLogger(__name__)


class TimerLike(Protocol):
    """The part of QTimer the scheduler uses; tests pass a fake."""

    timeout: Any

    def setSingleShot(self, single: bool) -> None: ...
    def start(self, msec: int) -> None: ...
    def stop(self) -> None: ...


class Scheduler(QObject):
    """Starts each profile when its schedule says so, re-arming one timer for the next look.

    Args:
        service: the app's service (reads ``profiles.list()`` and ``runs.last_started()``;
            ``runs.is_running`` tells a run in another process).
        runner: the window's ``SyncRunner``.
        clock: the current time; local and timezone-aware in the app.
        timer_factory: makes the single-shot timer (``QTimer`` in the app).
        max_wait: the longest wait between two looks, so sleep and clock changes are noticed.

    Signals:
        run_due(int): a profile came due and its run was started (profile id).
        checked(): a look at the schedules ended and the timer is armed again.
    """

    run_due = Signal(int)
    checked = Signal()

    def __init__(
        self,
        service: ContactBridgeApi,
        runner: Any,
        clock: Callable[[], datetime] = local_now,
        timer_factory: Callable[[], TimerLike] = QTimer,
        *,
        max_wait: timedelta = MAX_WAIT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner
        self.clock = clock
        self.max_wait = max_wait
        self.timer = timer_factory()
        self.timer.setSingleShot(True)
        if isinstance(self.timer, QTimer):
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse ones fire 5 % early
        self.timer.timeout.connect(self._on_timeout)
        self.active = False
        self.wait = max_wait  # the wait the timer was last armed with (tests read it)
        # When this scheduler last started each profile: a run that failed before the store
        # recorded it still counts, so a broken profile is not retried on every look.
        self._attempted: dict[int, datetime] = {}
        runner.run_finished.connect(self._on_run_ended)
        runner.run_failed.connect(self._on_run_ended)

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        """Look at the schedules now (from the event loop), then keep looking."""
        self.active = True
        self._arm(timedelta(0))

    def stop(self) -> None:
        """Stop looking; runs in progress go on (the runner's owner stops those)."""
        self.active = False
        self.timer.stop()

    def has_schedules(self) -> bool:
        """Whether any profile runs on its own."""
        return any(is_scheduled(p) for p in self.service.profiles.list())

    # -- looking ---------------------------------------------------------------------------

    def check(self) -> list[int]:
        """Start every due profile that is not running; re-arm the timer. Returns the ids."""
        if not self.active:
            return []
        started: list[int] = []
        now = self.clock()
        wait = self.max_wait
        try:
            items = self._profiles(now)
            for profile in due_profiles(items, now, running=self.runner.running_ids()):
                if self._start(profile, now):
                    started.append(profile.saved_id)
            wait = wait_before_next_look(
                items, now, skip=self.runner.running_ids() | set(started), cap=self.max_wait
            )
        except Exception:  # a bug here must not stop every later scheduled run
            log.exception("looking for due profiles failed; trying again in %s", self.max_wait)
        self._arm(wait)
        self.checked.emit()
        return started

    @Slot()
    def rearm(self) -> None:
        """Work out the next look again (a profile was saved, a run ended). Starts nothing."""
        if not self.active:
            return
        now = self.clock()
        try:
            wait = wait_before_next_look(
                self._profiles(now), now, skip=self.runner.running_ids(), cap=self.max_wait
            )
        except Exception:  # as in check(): keep the scheduler alive
            log.exception("could not work out the next scheduled run")
            wait = self.max_wait
        self._arm(wait)

    def sync_all(self) -> list[int]:
        """Start every profile that is not running, scheduled or not ("Sync all now")."""
        now = self.clock()
        return [
            p.id
            for p in self.service.profiles.list()
            if p.id is not None
            and not self.runner.is_running(p.id)
            and self._start(p, now, scheduled=False)
        ]

    # -- internals -------------------------------------------------------------------------

    def _profiles(self, now: datetime) -> list[ProfileWithLastRun]:
        return with_last_runs(
            self.service.profiles.list(),
            self.service.runs.last_started(),
            now,
            self._attempted,
        )

    def _start(self, profile: SyncProfile, now: datetime, *, scheduled: bool = True) -> bool:
        assert profile.id is not None
        if self.service.runs.is_running(profile.id):
            # The OS job's run-due has it; its run will count as this period's.
            log.info("%s is syncing in another process; skipped", profile.name)
            return False
        try:
            self.runner.start(profile.id, scheduled=scheduled)
        except AppError as exc:
            log.info("could not start %s: %s", profile.name, exc)
            return False
        self._attempted[profile.id] = now
        if scheduled:
            self.run_due.emit(profile.id)
        return True

    def _arm(self, wait: timedelta) -> None:
        self.wait = wait
        self.timer.stop()
        self.timer.start(max(0, int(wait / timedelta(milliseconds=1))))

    @Slot()
    def _on_timeout(self) -> None:
        self.check()

    def _on_run_ended(self, profile_id: int, *_outcome: object) -> None:
        # Never start a run from the runner's own "ended" signal (rule 10): only re-arm.
        self.rearm()
