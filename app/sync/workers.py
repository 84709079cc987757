"""The Qt adapter around the sync engine: one worker per run on its own QThread, and its owner.

The engine is plain Python that reports through a ``ProgressReporter`` and stops when its
``CancelToken`` is set (STYLE rules 5-10). ``SyncWorker`` turns those calls into signals;
``SyncRunner`` owns every worker thread, allows one run per profile, and cancels and waits for
all of them on shutdown. A run whose Constant Contact account is busy with another sync waits
for it in its own thread (``run_waiting`` says what for), so the window never does.
``BackgroundTasks`` runs short plain functions (loading a run's results, writing a CSV) on a
small named pool with the same guarantees.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from app.core.errors import AppError, RunLocked
from app.core.outcomes import RecordResult, RunSummary
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken

log = logging.getLogger(__name__)

MIN_PROGRESS_INTERVAL = 0.1  # seconds: at most 10 progress signals a second (rule 9)


class ProgressThrottle:
    """Decides which progress reports are worth a signal: at most one per interval.

    The first report of a phase and the one that completes it always pass, so the UI never
    shows a stale "0 of N" or stops short of "N of N".
    """

    def __init__(
        self,
        interval: float = MIN_PROGRESS_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: float | None = None

    def reset(self) -> None:
        """A new phase starts: its first report passes."""
        self._last = None

    def should_emit(self, done: int, total: int) -> bool:
        now = self.clock()
        due = self._last is None or now - self._last >= self.interval
        if due or (total > 0 and done >= total):
            self._last = now
            return True
        return False


def _log_failure(what: str, exc: Exception) -> None:
    if isinstance(exc, AppError):
        log.info("%s stopped: %s", what, exc)
    else:
        log.error("%s failed", what, exc_info=exc)


class _SignalReporter:
    """A ``ProgressReporter`` that forwards throttled reports as the worker's signals.

    It runs in the worker thread; emitting a signal is the only thing it does with Qt.
    """

    def __init__(self, worker: SyncWorker, throttle: ProgressThrottle) -> None:
        self._worker = worker
        self._throttle = throttle

    def phase(self, name: str, total: int = 0) -> None:
        self._throttle.reset()
        self._worker.phase_changed.emit(name)

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        if self._throttle.should_emit(done, total):
            self._worker.progress_changed.emit(done, total, message)


class SyncWorker(QObject):
    """Runs one profile through ``service.runs.sync`` in a worker thread.

    Signals:
        phase_changed(str): a phase started, e.g. "Planning".
        progress_changed(int, int, str): done, total (0 when unknown) and a short message;
            at most about 10 a second.
        waiting(str): the run waits for another activity on its Constant Contact account
            (a sentence naming it); ``""`` once it got the account and starts.
        results_ready(object): the run's ``tuple[RecordResult, ...]``, loaded in the worker
            thread; always emitted just before ``finished``.
        finished(object): the ``RunSummary``; a cancelled run ends here too, as CANCELLED.
        failed(object): the exception that stopped the run (an ``AppError`` or a bug).
    """

    phase_changed = Signal(str)
    progress_changed = Signal(int, int, str)
    waiting = Signal(str)
    results_ready = Signal(object)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        service: ContactBridgeApi,
        profile_id: int,
        *,
        dry_run: bool = False,
        throttle: ProgressThrottle | None = None,
        confirm: bool = False,
        retry_of: int | None = None,
        scheduled: bool = False,
    ) -> None:
        super().__init__()
        self.service = service
        self.profile_id = profile_id
        self.dry_run = dry_run
        self.scheduled = scheduled  # started on its own (the scheduler), not by the user
        self.confirm = confirm  # go ahead past the blast-radius guard
        self.retry_of = retry_of  # retry only the failed records of this run id
        self.cancel_token = CancelToken()
        self._reporter = _SignalReporter(self, throttle or ProgressThrottle())

    def cancel(self) -> None:
        """Ask the run to stop at its next checkpoint. Safe from any thread."""
        self.cancel_token.cancel()

    @Slot()
    def run(self) -> None:
        """The thread's body: run the profile, load its results, emit exactly one outcome."""
        try:
            if self.retry_of is not None:
                summary = self.service.runs.retry_failed(
                    self.retry_of,
                    reporter=self._reporter,
                    cancel=self.cancel_token,
                    confirm=self.confirm,
                    on_wait=self.waiting.emit,
                )
            else:
                summary = self.service.runs.sync(
                    self.profile_id,
                    dry_run=self.dry_run,
                    reporter=self._reporter,
                    cancel=self.cancel_token,
                    confirm=self.confirm,
                    on_wait=self.waiting.emit,
                    scheduled=self.scheduled,
                )
            rows = tuple(self.service.runs.results(summary.run_id))
        except Exception as exc:  # every failure reaches the UI, as a signal
            _log_failure(f"run of profile {self.profile_id}", exc)
            self.failed.emit(exc)
        else:
            self.results_ready.emit(rows)
            self.finished.emit(summary)


class _Job(QObject):
    """One run in progress: its worker, thread and latest state, living in the main thread."""

    def __init__(self, runner: SyncRunner, worker: SyncWorker) -> None:
        super().__init__()
        self.runner = runner
        self.worker = worker
        self.profile_id = worker.profile_id
        self.dry_run = worker.dry_run
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(f"sync-profile-{self.profile_id}")
        self.phase = ""
        self.waiting_for = ""  # what the run waits for; "" once it runs
        self.rows: tuple[RecordResult, ...] = ()
        self.summary: RunSummary | None = None
        self.error: BaseException | None = None

        worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(worker.run)
        worker.phase_changed.connect(self.on_phase_changed)
        worker.progress_changed.connect(self.on_progress_changed)
        worker.waiting.connect(self.on_waiting)
        worker.results_ready.connect(self.on_results_ready)
        worker.finished.connect(self.on_finished)
        worker.failed.connect(self.on_failed)
        self.worker_thread.finished.connect(self.on_thread_finished)

    @Slot(str)
    def on_phase_changed(self, name: str) -> None:
        self.phase = name
        self.runner.phase_changed.emit(self.profile_id, name)

    @Slot(int, int, str)
    def on_progress_changed(self, done: int, total: int, message: str) -> None:
        self.runner.progress_changed.emit(self.profile_id, self.phase, done, total, message)

    @Slot(str)
    def on_waiting(self, message: str) -> None:
        self.waiting_for = message
        self.runner.run_waiting.emit(self.profile_id, message)

    @Slot(object)
    def on_results_ready(self, rows: tuple[RecordResult, ...]) -> None:
        self.rows = rows

    @Slot(object)
    def on_finished(self, summary: RunSummary) -> None:
        self.summary = summary
        self.worker_thread.quit()

    @Slot(object)
    def on_failed(self, exc: BaseException) -> None:
        self.error = exc
        self.worker_thread.quit()

    @Slot()
    def on_thread_finished(self) -> None:
        self.runner.job_ended(self)


class SyncRunner(QObject):
    """Owns the sync threads: one run per profile at a time; cancels and waits on shutdown.

    Signals:
        run_started(int, bool): a run of the profile started (profile id, dry run).
        run_waiting(int, str): the run waits for another sync activity on its Constant
            Contact account (profile id, a sentence naming it, which changes as the holder
            does); ``""`` when the wait is over and the run begins. Cancel works meanwhile.
        phase_changed(int, str): profile id, phase name.
        progress_changed(int, str, int, int, str): profile id, phase, done, total, message.
        run_finished(int, object, object): profile id, ``RunSummary`` and the run's
            ``tuple[RecordResult, ...]``; emitted after the thread stopped, so the profile
            can be run again from a slot connected here.
        run_failed(int, object): profile id and the exception that stopped the run.
    """

    run_started = Signal(int, bool)
    run_waiting = Signal(int, str)
    phase_changed = Signal(int, str)
    progress_changed = Signal(int, str, int, int, str)
    run_finished = Signal(int, object, object)
    run_failed = Signal(int, object)

    def __init__(self, service: ContactBridgeApi, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._active: dict[int, _Job] = {}
        # Finished jobs are kept until the profile runs again: their Qt objects then die
        # with their Python wrappers, long after their threads stopped.
        self._retired: dict[int, _Job] = {}

    def is_running(self, profile_id: int) -> bool:
        return profile_id in self._active

    def running_ids(self) -> frozenset[int]:
        return frozenset(self._active)

    def worker(self, profile_id: int) -> SyncWorker | None:
        job = self._active.get(profile_id)
        return job.worker if job else None

    def phase(self, profile_id: int) -> str:
        job = self._active.get(profile_id)
        return job.phase if job else ""

    def waiting_for(self, profile_id: int) -> str:
        """What the profile's run waits for (a sentence), or "" when it is not waiting."""
        job = self._active.get(profile_id)
        return job.waiting_for if job else ""

    def waiting(self) -> dict[int, str]:
        """The runs waiting for their Constant Contact account: profile id -> what for."""
        return {pid: job.waiting_for for pid, job in self._active.items() if job.waiting_for}

    def is_dry_run(self, profile_id: int) -> bool:
        job = self._active.get(profile_id)
        return bool(job and job.dry_run)

    def start(
        self,
        profile_id: int,
        *,
        dry_run: bool = False,
        confirm: bool = False,
        retry_of: int | None = None,
        scheduled: bool = False,
    ) -> SyncWorker:
        """Start a run of the profile in a new thread (``retry_of``: retry that run's
        failed records; ``confirm``: go ahead past the blast-radius guard; ``scheduled``:
        the scheduler started it, not the user).

        Raises:
            RunLocked: the profile is already syncing in this window.
        """
        if profile_id in self._active:
            raise RunLocked("This profile is already syncing.")
        worker = SyncWorker(
            self.service,
            profile_id,
            dry_run=dry_run,
            confirm=confirm,
            retry_of=retry_of,
            scheduled=scheduled,
        )
        job = _Job(self, worker)
        self._retired.pop(profile_id, None)
        self._active[profile_id] = job
        job.worker_thread.start()
        self.run_started.emit(profile_id, dry_run)
        return job.worker

    def cancel(self, profile_id: int) -> None:
        """Ask the profile's run to stop; it ends as CANCELLED through ``run_finished``."""
        job = self._active.get(profile_id)
        if job is not None:
            job.worker.cancel()

    def job_ended(self, job: _Job) -> None:
        """Called by a job when its thread stopped; reports the outcome."""
        if self._active.get(job.profile_id) is not job:
            return  # shut down already
        del self._active[job.profile_id]
        self._retired[job.profile_id] = job
        if job.summary is not None:
            self.run_finished.emit(job.profile_id, job.summary, job.rows)
        else:
            self.run_failed.emit(job.profile_id, job.error)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Cancel every run, then wait for each thread (rule 10). Idempotent."""
        jobs = list(self._active.values())
        self._active.clear()
        for job in jobs:
            job.worker.cancel()
        for job in jobs:
            job.worker_thread.quit()
            if not job.worker_thread.wait(timeout_ms):
                log.warning("sync thread for profile %s did not stop in time", job.profile_id)
        self._retired.clear()


class TaskToken(CancelToken):
    """The cancel token a background function gets, which can also pass on a note.

    ``note(message)`` reaches the main thread as the task's ``noted`` signal; it suits a
    service's ``on_wait`` callback (what the task waits for, ``""`` once it goes on).
    """

    def __init__(self, note: Callable[[str], None]) -> None:
        super().__init__()
        self.note = note


class Task(QObject):
    """A plain function run by ``BackgroundTasks``; its signals arrive in the main thread.

    Signals:
        noted(str): the function passed on a note (``TaskToken.note``), e.g. what it waits
            for; ``""`` when that is over.
        finished(object): the function's return value.
        failed(object): the exception it raised.
    """

    noted = Signal(str)
    finished = Signal(object)
    failed = Signal(object)
    # Emitted in the pool thread; queued to this object's (main) thread, then re-emitted.
    _returned = Signal(object)
    _raised = Signal(object)
    _noted = Signal(str)

    def __init__(self, fn: Callable[[TaskToken], Any], name: str) -> None:
        super().__init__()
        self.fn = fn
        self.name = name
        self.cancel_token = TaskToken(self._noted.emit)
        self._returned.connect(self._on_returned)
        self._raised.connect(self._on_raised)
        self._noted.connect(self._on_noted)

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @Slot(object)
    def _on_returned(self, result: object) -> None:
        self.finished.emit(result)

    @Slot(object)
    def _on_raised(self, exc: BaseException) -> None:
        self.failed.emit(exc)

    @Slot(str)
    def _on_noted(self, message: str) -> None:
        self.noted.emit(message)


class _TaskRunnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        try:
            result = self.task.fn(self.task.cancel_token)
        except Exception as exc:  # reported to the UI, as a signal
            _log_failure(f"task {self.task.name}", exc)
            self.task._raised.emit(exc)
        else:
            self.task._returned.emit(result)


class BackgroundTasks(QObject):
    """A small named pool for short jobs off the UI thread (loading results, writing a CSV).

    The function gets a ``TaskToken`` (a ``CancelToken`` that can pass on notes). Connect to
    the returned task's signals right away (they are queued, so nothing is missed);
    ``shutdown()`` cancels every task and waits.
    """

    def __init__(self, name: str = "background-tasks", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setObjectName(name)
        self._pool.setMaxThreadCount(2)
        self._tasks: set[Task] = set()

    def submit(self, fn: Callable[[TaskToken], Any], name: str = "task") -> Task:
        task = Task(fn, name)
        self._tasks.add(task)  # kept alive until its outcome reached the main thread
        task.finished.connect(lambda _result, t=task: self._tasks.discard(t))
        task.failed.connect(lambda _exc, t=task: self._tasks.discard(t))
        self._pool.start(_TaskRunnable(task))
        return task

    def pending(self) -> int:
        return len(self._tasks)

    def pending_named(self, name: str) -> int:
        """How many tasks of that name have not reported back yet (e.g. "undo-run")."""
        return sum(1 for task in self._tasks if task.name == name)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        for task in list(self._tasks):
            task.cancel()
        if not self._pool.waitForDone(timeout_ms):
            log.warning("background tasks did not stop in time")
