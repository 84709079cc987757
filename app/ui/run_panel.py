"""The lower half of the main window: the selected profile's live progress or last results."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.advice import ErrorKind, advice, error_kind
from app.core.errors import AppError, Cancelled, NeedsConfirmation
from app.core.outcomes import RecordResult, RunSummary
from app.core.phases import PHASES
from app.core.vocabulary import phase_words
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks, SyncRunner
from app.ui.i18n import tr
from app.ui.results.results_view import ResultsView
from app.ui.run_actions import ConfirmFn, RetryFailedBar, ask_confirmation
from app.ui.stats.person import person_opener
from app.ui.theme import icon


@dataclass(frozen=True)
class Progress:
    """The latest progress of one run, as last reported."""

    phase: str = ""
    done: int = 0
    total: int = 0
    message: str = ""


def progress_text(progress: Progress) -> tuple[str, str]:
    """The run card's two lines: the step and phase, then the counts."""
    words = tr(phase_words(progress.phase)) if progress.phase else ""
    if progress.phase in PHASES:
        step = (
            tr("Step %1 of %2 · %3")
            .replace("%1", str(PHASES.index(progress.phase) + 1))  # type: ignore[arg-type]
            .replace("%2", str(len(PHASES)))
            .replace("%3", words)
        )
    else:
        step = words or tr("Starting…")
    if progress.total:
        detail = f"{words}: {progress.done:,} / {progress.total:,}"
    elif progress.message:
        detail = progress.message
    else:
        detail = tr("Working…")
    return step, detail


class RunCard(QFrame):
    """A running sync: what it is doing, how far it got, and a Cancel button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runCard")
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.step = QLabel()
        self.step.setWordWrap(True)  # a waiting run's step names the run it waits for
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setObjectName("hint")
        self.elapsed = QLabel()
        self.elapsed.setObjectName("hint")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(tr("Sync progress"))
        self.cancel_button = QPushButton(icon("cancel"), tr("Cancel"))
        self.cancel_button.setAccessibleName(tr("Cancel the sync"))
        self.cancel_button.setToolTip(
            tr("Stop after the current step. Sync again later to pick up where it stopped.")
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 14, 16, 14)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.step, 1, 0)
        grid.addWidget(self.elapsed, 1, 1)
        grid.addWidget(self.bar, 2, 0, 1, 2)
        grid.addWidget(self.detail, 3, 0)
        grid.addWidget(self.cancel_button, 3, 1)
        grid.setColumnStretch(0, 1)

    def show_progress(self, progress: Progress) -> None:
        self.bar.show()
        step, detail = progress_text(progress)
        self.step.setText(step)
        self.detail.setText(detail)
        if progress.total > 0:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(min(progress.done, progress.total))
        else:
            self.bar.setRange(0, 0)  # busy: the total is not known yet
        self.bar.setAccessibleDescription(detail)

    def show_waiting(self, message: str) -> None:
        """Queued behind another sync with the same Constant Contact account."""
        self.step.setText(message)
        self.detail.setText(
            tr(
                "It starts by itself when that finishes; nothing has been sent yet. Press "
                "Cancel if you no longer want it to run."
            )
        )
        self.bar.hide()  # no progress to show: a moving bar would say it was working


class RunPanel(QWidget):
    """Shows, for the selected profile, its run in progress or its latest results.

    Signals:
        cancel_requested(int): the user pressed Cancel on this profile's run.
        results_shown(int): a profile's results were put on screen (tests wait on it).
        locate_requested(int): the user pressed "Locate file…" for a profile whose source
            file was not found.
    """

    cancel_requested = Signal(int)
    results_shown = Signal(int)
    locate_requested = Signal(int)

    PAGE_IDLE, PAGE_RUNNING, PAGE_RESULTS = range(3)

    def __init__(
        self,
        service: ContactBridgeApi,
        runner: SyncRunner,
        tasks: BackgroundTasks,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner
        self.tasks = tasks
        self.profile_id: int | None = None
        self._progress: dict[int, Progress] = {}
        self._started: dict[int, float] = {}
        self._results: dict[int, tuple[RunSummary, tuple[RecordResult, ...]]] = {}
        self._cancelling: set[int] = set()
        self._waiting: dict[int, str] = {}  # runs queued behind their account: what for
        self._not_started: dict[int, str] = {}  # cancelled while queued: said until the next run
        self._failed: dict[int, tuple[str, bool]] = {}  # why a run failed; offer Locate file…
        self._loading: set[int] = set()  # run ids whose results are being loaded
        self._shown: tuple[int, int] | None = None  # (profile id, run id) on screen

        self.idle = QLabel()
        self.idle.setObjectName("hint")
        self.idle.setWordWrap(True)
        self.idle.setMargin(16)
        self.idle.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.card = RunCard()
        self.card.cancel_button.clicked.connect(self._on_cancel_clicked)
        running_page = QWidget()
        running_layout = QVBoxLayout(running_page)
        running_layout.setContentsMargins(0, 0, 0, 0)
        running_layout.addWidget(self.card)
        running_layout.addStretch(1)
        self.results = ResultsView(
            tasks,
            details=service.runs.record_details,
            person=person_opener(service, tasks),
        )
        self.locate_button = QPushButton(tr("Locate file…"))
        self.locate_button.setObjectName("locateFile")
        self.locate_button.setToolTip(
            tr("Show ContactBridge where the file is now; the profile and its history are kept")
        )
        self.locate_button.clicked.connect(self._on_locate_clicked)
        self.locate_button.hide()
        idle_page = QWidget()
        idle_layout = QVBoxLayout(idle_page)
        idle_layout.setContentsMargins(0, 0, 0, 0)
        idle_layout.addWidget(self.idle)
        locate_row = QHBoxLayout()
        locate_row.setContentsMargins(16, 0, 16, 0)
        locate_row.addWidget(self.locate_button)
        locate_row.addStretch(1)
        idle_layout.addLayout(locate_row)
        idle_layout.addStretch(1)
        self.stack = QStackedWidget()
        self.stack.addWidget(idle_page)
        self.stack.addWidget(running_page)
        self.stack.addWidget(self.results)
        # Two-way sync: confirming a run the guard stopped, retrying failed records.
        self.confirm: ConfirmFn = ask_confirmation
        self.retry_bar = RetryFailedBar()
        self.retry_bar.retry_requested.connect(self._on_retry_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.retry_bar)

        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)

        runner.run_started.connect(self._on_run_started)
        runner.run_waiting.connect(self._on_run_waiting)
        runner.phase_changed.connect(self._on_phase_changed)
        runner.progress_changed.connect(self._on_progress_changed)
        runner.run_finished.connect(self._on_run_finished)
        runner.run_failed.connect(self._on_run_failed)
        self.show_profile(None)

    # -- what is shown ---------------------------------------------------------------------

    def show_profile(self, profile_id: int | None, last_run: RunSummary | None = None) -> None:
        """Show the profile's run in progress, its results, or load its last run's results."""
        self.profile_id = profile_id
        if profile_id is None:
            self._show_idle(tr("Select a profile to see its progress and results."))
        elif self.runner.is_running(profile_id):
            self._show_running(profile_id)
        elif profile_id in self._not_started:
            self._show_idle(self._not_started[profile_id])
        elif profile_id in self._failed:
            self._show_failed(profile_id)
        elif profile_id in self._results:
            summary, rows = self._results[profile_id]
            self._show_results(profile_id, summary, rows)
        elif last_run is not None:
            self._show_idle(tr("Loading the last run's results…"))
            self._load_results(profile_id, last_run)
        else:
            self._show_idle(
                tr(
                    "This profile has not synced yet. Press Dry run to see what would change "
                    "without touching Constant Contact, or Sync Now to send the contacts."
                )
            )
        if profile_id is not None and self.runner.is_running(profile_id):
            self._clock.start()
        else:
            self._clock.stop()

    def _show_idle(self, text: str) -> None:
        self._shown = None
        self.retry_bar.hide()
        self.locate_button.hide()
        self.idle.setText(text)
        self.stack.setCurrentIndex(self.PAGE_IDLE)

    def _show_running(self, profile_id: int) -> None:
        dry = self.runner.is_dry_run(profile_id)
        self._shown = None
        self.retry_bar.hide()
        waiting = self._waiting.get(profile_id, "")
        if waiting:
            title = tr("Dry run waiting to start") if dry else tr("Waiting to start")
            self.card.title.setText(title)
            self.card.show_waiting(waiting)
        else:
            self.card.title.setText(tr("Dry run in progress") if dry else tr("Syncing"))
            self.card.show_progress(self._progress.get(profile_id, Progress()))
        cancelling = profile_id in self._cancelling
        self.card.cancel_button.setEnabled(not cancelling)
        if cancelling:
            self.card.detail.setText(self._cancelling_words(profile_id))
        self._tick()
        self.stack.setCurrentIndex(self.PAGE_RUNNING)

    def _show_results(
        self, profile_id: int, summary: RunSummary, rows: tuple[RecordResult, ...]
    ) -> None:
        if self._shown != (profile_id, summary.run_id):  # 100,000 rows are worth not redoing
            self.results.show_run(summary, rows)
            self._shown = (profile_id, summary.run_id)
        self.stack.setCurrentIndex(self.PAGE_RESULTS)
        self.retry_bar.show_for(summary)
        self.results_shown.emit(profile_id)

    def _load_results(self, profile_id: int, last_run: RunSummary) -> None:
        if last_run.run_id in self._loading:
            return
        self._loading.add(last_run.run_id)
        service = self.service

        def load(cancel: CancelToken) -> tuple[int, RunSummary, tuple[RecordResult, ...]]:
            return profile_id, last_run, tuple(service.runs.results(last_run.run_id))

        task = self.tasks.submit(load, name="load-results")
        task.finished.connect(self._on_loaded)
        task.failed.connect(self._on_load_failed)

    @Slot(object)
    def _on_loaded(self, loaded: tuple[int, RunSummary, tuple[RecordResult, ...]]) -> None:
        profile_id, summary, rows = loaded
        self._loading.discard(summary.run_id)
        if profile_id in self._results or self.runner.is_running(profile_id):
            return  # a newer run arrived meanwhile
        self._results[profile_id] = (summary, rows)
        if self.profile_id == profile_id:
            self._show_results(profile_id, summary, rows)

    @Slot(object)
    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading.clear()
        profile_id = self.profile_id
        if (
            profile_id is not None
            and not self.runner.is_running(profile_id)
            and (profile_id not in self._results)
        ):
            self._show_idle(
                tr("The last run's results could not be loaded: %1").replace("%1", str(exc))
            )

    def confirm_and_rerun(self, profile_id: int, exc: NeedsConfirmation) -> bool:
        """Ask whether a run the guard stopped may go ahead; if so, run it confirmed.

        Returns True once the user was asked (so no error dialog is needed as well).
        """
        if self.confirm(self, exc) and not self.runner.is_running(profile_id):
            self.runner.start(profile_id, confirm=True)
        return True

    @Slot(int)
    def _on_retry_requested(self, run_id: int) -> None:
        profile_id = self.profile_id
        if profile_id is not None and not self.runner.is_running(profile_id):
            self.runner.start(profile_id, retry_of=run_id)

    def kept_run(self, profile_id: int) -> int | None:
        """The id of the run whose results are kept for the profile (None: none kept)."""
        kept = self._results.get(profile_id)
        return kept[0].run_id if kept else None

    def forget(self, profile_id: int) -> None:
        """Drop what is kept about a deleted profile."""
        for store in (
            self._progress,
            self._started,
            self._results,
            self._waiting,
            self._not_started,
            self._failed,
        ):
            store.pop(profile_id, None)
        if self._shown and self._shown[0] == profile_id:
            self._shown = None

    # -- runner signals --------------------------------------------------------------------

    @Slot(int, bool)
    def _on_run_started(self, profile_id: int, dry_run: bool) -> None:
        self._progress[profile_id] = Progress()
        self._started[profile_id] = time.monotonic()
        self._cancelling.discard(profile_id)
        self._not_started.pop(profile_id, None)
        self._failed.pop(profile_id, None)
        if profile_id == self.profile_id:
            self.show_profile(profile_id)

    @Slot(int, str)
    def _on_run_waiting(self, profile_id: int, message: str) -> None:
        if message:
            self._waiting[profile_id] = message
        elif self._waiting.pop(profile_id, None) is not None:
            self._started[profile_id] = time.monotonic()  # the sync itself starts now
        if profile_id == self.profile_id and profile_id not in self._cancelling:
            self._show_running(profile_id)

    @Slot(int, str)
    def _on_phase_changed(self, profile_id: int, phase: str) -> None:
        self._progress[profile_id] = Progress(phase)
        if profile_id == self.profile_id:
            self._show_running(profile_id)

    @Slot(int, str, int, int, str)
    def _on_progress_changed(
        self, profile_id: int, phase: str, done: int, total: int, message: str
    ) -> None:
        progress = Progress(phase, done, total, message)
        self._progress[profile_id] = progress
        if profile_id == self.profile_id and profile_id not in self._cancelling:
            self.card.show_progress(progress)

    @Slot(int, object, object)
    def _on_run_finished(
        self, profile_id: int, summary: RunSummary, rows: tuple[RecordResult, ...]
    ) -> None:
        self._progress.pop(profile_id, None)
        self._waiting.pop(profile_id, None)
        self._cancelling.discard(profile_id)
        self._results[profile_id] = (summary, rows)
        if profile_id == self.profile_id:
            self._clock.stop()
            self._show_results(profile_id, summary, rows)

    @Slot(int, object)
    def _on_run_failed(self, profile_id: int, exc: BaseException) -> None:
        self._progress.pop(profile_id, None)
        self._cancelling.discard(profile_id)
        if self._waiting.pop(profile_id, None) is not None and isinstance(exc, Cancelled):
            self._not_started[profile_id] = tr(
                "Cancelled before it started, while it waited for another sync with the same "
                "Constant Contact account. Nothing was changed."
            )
            if profile_id == self.profile_id:
                self._clock.stop()
                self._show_idle(self._not_started[profile_id])
            return
        # Its results (the run before) would say the list is up to date: no longer true.
        self._results.pop(profile_id, None)
        why = exc.message if isinstance(exc, AppError) else tr("an unexpected problem.")
        kind = error_kind(exc)
        self._failed[profile_id] = (
            tr("The last sync did not finish: %1\n\n%2")
            .replace("%1", why)
            .replace("%2", tr(advice(kind))),
            kind is ErrorKind.MISSING_FILE,
        )
        if profile_id == self.profile_id:
            self._clock.stop()
            self._show_failed(profile_id)

    def _show_failed(self, profile_id: int) -> None:
        text, locate = self._failed[profile_id]
        self._show_idle(text)
        self.locate_button.setVisible(locate)

    @Slot()
    def _on_locate_clicked(self) -> None:
        if self.profile_id is not None:
            self.locate_requested.emit(self.profile_id)

    def source_located(self, profile_id: int) -> None:
        """The profile's file was found again: the failure no longer stands as the last word."""
        if self._failed.pop(profile_id, None) is not None and profile_id == self.profile_id:
            self._show_idle(
                tr("The file was found. Press Sync Now to pick up where the last sync stopped.")
            )

    @Slot()
    def _on_cancel_clicked(self) -> None:
        if self.profile_id is None or not self.runner.is_running(self.profile_id):
            return
        self._cancelling.add(self.profile_id)
        self.card.cancel_button.setEnabled(False)
        self.card.detail.setText(self._cancelling_words(self.profile_id))
        self.runner.cancel(self.profile_id)
        self.cancel_requested.emit(self.profile_id)

    def _cancelling_words(self, profile_id: int) -> str:
        if profile_id in self._waiting:
            return tr("Cancelling… taking it off the queue")
        return tr("Cancelling… finishing the current step")

    def _tick(self) -> None:
        started = self._started.get(self.profile_id) if self.profile_id is not None else None
        if started is None:
            self.card.elapsed.clear()
            return
        seconds = int(time.monotonic() - started)
        label = tr("Waiting %1") if self.profile_id in self._waiting else tr("Elapsed %1")
        self.card.elapsed.setText(label.replace("%1", f"{seconds // 60}:{seconds % 60:02d}"))
