"""Pulling campaign statistics from Constant Contact in the background, with progress and
Cancel; one pull at a time for the whole window (the Stats page and the main window's panel
share it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.core.campaign_stats import PullReport
from app.core.errors import Cancelled
from app.sync.facade.api import ContactBridgeApi
from app.sync.workers import BackgroundTasks, ProgressThrottle, Task, TaskToken
from app.ui.i18n import tr, tr_n

PULL_TASK = "stats-pull"


class _Reporter:
    """The pull's ``ProgressReporter``: runs in the worker thread, only emits a signal."""

    def __init__(self, puller: StatsPuller) -> None:
        self._emit = puller._progress.emit
        self._throttle = ProgressThrottle()
        self._phase = ""

    def phase(self, name: str, total: int = 0) -> None:
        self._throttle.reset()
        self._phase = name
        self._emit(0, total, name)

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        if self._throttle.should_emit(done, total):
            self._emit(done, total, message or self._phase)


class StatsPuller(QObject):
    """Runs ``service.stats.pull`` on ``tasks``; its signals arrive in the main thread.

    Signals:
        started(): a pull began.
        progress_changed(int, int, str): done, total (0 when unknown) and what it is doing.
        finished(object): the ``PullReport`` (a cancelled pull ends here, ``stopped`` set).
        failed(object): the exception that stopped it.
    """

    started = Signal()
    progress_changed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    _progress = Signal(int, int, str)  # emitted in the worker thread, queued to this one

    def __init__(
        self, service: ContactBridgeApi, tasks: BackgroundTasks, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.task: Task | None = None
        self.last: tuple[int, int, str] = (0, 0, "")  # the latest progress, for a late view
        self._progress.connect(self._on_progress)

    def is_running(self) -> bool:
        return self.task is not None

    def start(self) -> bool:
        """Start a pull unless one runs; returns whether this call started one."""
        if self.task is not None:
            return False
        stats = self.service.stats
        reporter = _Reporter(self)

        def pull(token: TaskToken) -> PullReport:
            try:
                return stats.pull(progress=reporter, cancel=token)
            except Cancelled:
                return PullReport(stopped="cancelled")

        self.last = (0, 0, tr("Asking Constant Contact for your campaigns…"))
        task = self.tasks.submit(pull, name=PULL_TASK)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        self.task = task
        self.started.emit()
        self.progress_changed.emit(*self.last)
        return True

    def cancel(self) -> None:
        """Ask the pull to stop at its next page; what it stored stays (the next resumes)."""
        if self.task is not None:
            self.task.cancel()
            self.last = (self.last[0], self.last[1], tr("Stopping…"))
            self.progress_changed.emit(*self.last)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if self.task is None:
            return
        self.last = (done, total, message)
        self.progress_changed.emit(done, total, message)

    @Slot(object)
    def _on_finished(self, report: Any) -> None:
        self.task = None
        self.finished.emit(report)

    @Slot(object)
    def _on_failed(self, exc: Any) -> None:
        self.task = None
        self.failed.emit(exc)


def pull_words(report: PullReport) -> str:
    """What a pull found, in a sentence."""
    if report.stopped == "cancelled":
        return tr("Stopped. What was read is kept; the next pull picks up from there.")
    if report.stopped == "quota":
        return report.message or tr(
            "Constant Contact's daily limit was reached. The next pull picks up from there."
        )
    return (
        tr("Up to date: %1, %2.")
        .replace("%1", tr_n("%n campaign", "%n campaigns", report.campaigns))
        .replace("%2", tr_n("%n new event", "%n new events", report.events_new))
    )
