"""Background work for the manager screens, whose answers die with the screen that asked.

A dialog may close while its task still runs. The answer then goes to a small receiver owned
by the dialog: when the dialog is deleted the receiver goes too, and Qt drops the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Slot

from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks, Task


class _Receiver(QObject):
    def __init__(
        self,
        owner: QObject,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        super().__init__(owner)
        self._on_done = on_done
        self._on_failed = on_failed

    @Slot(object)
    def done(self, result: Any) -> None:
        self.deleteLater()
        self._on_done(result)

    @Slot(object)
    def failed(self, exc: BaseException) -> None:
        self.deleteLater()
        self._on_failed(exc)


def run_task(
    owner: QObject,
    tasks: BackgroundTasks,
    fn: Callable[[CancelToken], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    name: str = "task",
) -> Task:
    """Run ``fn`` on ``tasks``; ``on_done`` or ``on_failed`` run in the main thread while
    ``owner`` lives."""
    receiver = _Receiver(owner, on_done, on_failed)
    task = tasks.submit(fn, name=name)
    task.finished.connect(receiver.done)
    task.failed.connect(receiver.failed)
    return task
