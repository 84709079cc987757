"""Background work for the manager screens, whose answers die with the screen that asked.

A dialog may close while its task still runs. The answer then goes to a small receiver owned
by the dialog: when the dialog is deleted the receiver goes too, and Qt drops the answer.
A change to a list waits while a sync holds the Constant Contact account; ``QueuedTasks``
shows what it waits for and takes it off the queue when the screen closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel

from app.sync.workers import BackgroundTasks, Task, TaskToken


class _Receiver(QObject):
    def __init__(
        self,
        owner: QObject,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_note: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(owner)
        self._on_done = on_done
        self._on_failed = on_failed
        self._on_note = on_note

    @Slot(object)
    def done(self, result: Any) -> None:
        self.deleteLater()
        self._on_done(result)

    @Slot(object)
    def failed(self, exc: BaseException) -> None:
        self.deleteLater()
        self._on_failed(exc)

    @Slot(str)
    def noted(self, note: str) -> None:
        if self._on_note is not None:
            self._on_note(note)


def run_task(
    owner: QObject,
    tasks: BackgroundTasks,
    fn: Callable[[TaskToken], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    name: str = "task",
    on_note: Callable[[str], None] | None = None,
) -> Task:
    """Run ``fn`` on ``tasks``; ``on_done`` or ``on_failed`` (and ``on_note`` for each note
    the function passes on) run in the main thread while ``owner`` lives."""
    receiver = _Receiver(owner, on_done, on_failed, on_note)
    task = tasks.submit(fn, name=name)
    task.finished.connect(receiver.done)
    task.failed.connect(receiver.failed)
    task.noted.connect(receiver.noted)
    return task


class QueuedTasks:
    """A screen's tasks that may wait for their Constant Contact account.

    While one waits, ``status`` says what for (the task's note) instead of its own message;
    ``cancel_waiting()``, called when the screen closes, takes the waiting ones off the queue:
    nothing was sent for them yet.
    """

    def __init__(self) -> None:
        self.waiting: set[Task] = set()

    def run(
        self,
        owner: QObject,
        tasks: BackgroundTasks,
        fn: Callable[[TaskToken], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        status: QLabel,
        message: str,
    ) -> Task:
        box: list[Task] = []

        def noted(note: str) -> None:
            status.setText(note or message)
            if note:
                self.waiting.add(box[0])
            else:
                self.waiting.discard(box[0])

        def done(result: Any) -> None:
            self.waiting.discard(box[0])
            on_done(result)

        def failed(exc: BaseException) -> None:
            self.waiting.discard(box[0])
            on_failed(exc)

        box.append(run_task(owner, tasks, fn, done, failed, on_note=noted))
        return box[0]

    def cancel_waiting(self) -> None:
        for task in self.waiting:
            task.cancel()
        self.waiting.clear()
