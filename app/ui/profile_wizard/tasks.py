"""Runs the wizard's slow calls (OAuth, list lookups, record counts) off the GUI thread.

A ``TaskRunner`` owns a small private thread pool. It runs a plain function that takes a
``CancelToken`` and hands the outcome back on the GUI thread, through a queued signal, to
the callbacks given. Its owner calls ``shutdown()`` when the wizard closes (rule 10).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from app.core.errors import Cancelled
from app.sync.progress import CancelToken

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


class Task(QObject):
    """One background call. Cancelling it drops its outcome and sets its cancel token.

    Signals:
        succeeded(object): emitted from the worker thread with the function's result;
            delivered on the GUI thread.
        failed(object): the same, with the exception the function raised.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, runner: TaskRunner, on_done: Done, on_failed: Failed | None) -> None:
        super().__init__(runner)
        self.cancel_token = CancelToken()
        self.finished = False
        self._runner = runner
        self._on_done = on_done
        self._on_failed = on_failed
        # Bound slots of an object living in the GUI thread: emits from the pool are queued.
        self.succeeded.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        self._finish()
        if not self.cancelled:
            self._on_done(result)

    @Slot(object)
    def _deliver_error(self, error: object) -> None:
        self._finish()
        if not self.cancelled and self._on_failed is not None:
            assert isinstance(error, Exception)
            self._on_failed(error)

    def _finish(self) -> None:
        self.finished = True
        self._runner.forget(self)


class TaskRunner(QObject):
    """Starts tasks on a private pool and stops them all, waiting, on ``shutdown()``."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 3) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: set[Task] = set()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def run(
        self,
        fn: Callable[[CancelToken], Any],
        on_done: Done,
        on_failed: Failed | None = None,
    ) -> Task:
        """Call ``fn(cancel_token)`` on a worker thread.

        ``on_done(result)`` or ``on_failed(exception)`` then runs on the GUI thread, unless
        the task was cancelled first. A task cancelled before it starts never runs.
        """
        task = Task(self, on_done, on_failed)
        self._tasks.add(task)
        token = task.cancel_token

        def work() -> None:
            if token.cancelled:
                task.failed.emit(Cancelled())  # never delivered: the task is cancelled
                return
            try:
                result = fn(token)
            except Exception as exc:
                task.failed.emit(exc)
            else:
                task.succeeded.emit(result)

        self._pool.start(work)
        return task

    def forget(self, task: Task) -> None:
        self._tasks.discard(task)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every task and wait for the threads; True if they all stopped in time."""
        for task in list(self._tasks):
            task.cancel()
        return self._pool.waitForDone(timeout_ms)
