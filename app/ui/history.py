"""A profile's run history: every run with its counts; selecting one shows its results.

The runs table has the columns of the reports' (``app.ui.run_columns``), without the profile.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QSize,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.core.outcomes import RecordResult, RunSummary
from app.core.profiles import SyncProfile
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.undo_report import UNDOABLE, UndoReport
from app.sync.workers import BackgroundTasks
from app.ui.dialog_fit import fit_to_screen
from app.ui.i18n import tr
from app.ui.lists.rows_model import RowsModel, make_table, selected_rows
from app.ui.results.results_view import ResultsView
from app.ui.run_columns import run_columns, size_run_columns
from app.ui.run_split import runs_over_results
from app.ui.settings import UiSettings
from app.ui.stats.person import person_opener
from app.ui.undo_dialog import UndoPreviewDialog

UNDO_TASK = "undo-run"  # the background task an undo runs as (the window asks before closing)


def undoable(run: RunSummary) -> bool:
    """Whether "Undo this run" applies: a finished real sync, not itself an undo."""
    return not run.dry_run and run.status in UNDOABLE and "undo_of" not in run.extra


class HistoryDialog(QDialog):
    """Past runs of one profile (newest first) over the selected run's results.

    Signals:
        results_shown(int): the run id whose results are now on screen.
        undo_previewed(object): the preview dialog of "Undo this run", now open.
        undo_finished(object): the ``UndoReport`` of an undo that ran.
    """

    results_shown = Signal(int)
    undo_previewed = Signal(object)  # the UndoPreviewDialog, open
    undo_finished = Signal(object)  # the UndoReport of an undo that ran

    def __init__(
        self,
        service: ContactBridgeApi,
        profile: SyncProfile,
        tasks: BackgroundTasks,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        assert profile.id is not None
        self.service = service
        self.profile = profile
        self.tasks = tasks
        self.settings = settings
        self.setWindowTitle(tr("Run history — %1").replace("%1", profile.name))
        self.setAccessibleName(self.windowTitle())

        title = QLabel(tr("Run history of “%1”").replace("%1", profile.name))
        title.setObjectName("pageTitle")
        hint = QLabel(tr("Select a run to see what it did, record by record."))
        hint.setObjectName("hint")

        self.model: RowsModel[RunSummary] = RowsModel(run_columns(with_profile=False), self)
        self.view, self.proxy = make_table(
            self.model, tr("Runs"), sort_column=0, descending=True, parent=self
        )
        size_run_columns(self.view, with_profile=False)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.loading = QLabel()
        self.loading.setObjectName("hint")
        self.results = ResultsView(
            tasks,
            details=service.runs.record_details,
            person=person_opener(service, tasks, settings),
        )
        self.splitter = runs_over_results(self.view, self.loading, self.results, (170, 560))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.undo_button = buttons.addButton(
            tr("Undo this run…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.undo_button.setToolTip(
            tr("Put back what this run changed in Constant Contact; you see it all first.")
        )
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.preview: UndoPreviewDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(1040, 780), settings, "history")
        if settings is not None:
            settings.restore_splitter("history", self.splitter)
        self._wanted: int | None = None
        self.reload()

    def reload(self, keep_selection: bool = False) -> None:
        """Read the runs again and select the newest, or (``keep_selection``: runs made
        elsewhere appeared) the run selected before, when it is still there."""
        assert self.profile.id is not None
        before = selected_rows(self.view) if keep_selection else []
        runs = tuple(self.service.runs.history(self.profile.id))
        live = self.service.runs.live_run_ids(runs)
        self.model.set_rows(runs, run_columns(runs, with_profile=False, live=live))
        size_run_columns(self.view, with_profile=False)
        ids = [run.run_id for run in runs]
        if before and before[0].run_id in ids:
            source = self.model.index(ids.index(before[0].run_id), 0)
            self.view.selectRow(self.proxy.mapFromSource(source).row())
        elif self.proxy.rowCount():
            self.view.selectRow(0)
        else:
            self.loading.setText(tr("This profile has no runs yet."))

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = selected_rows(self.view)
        self.undo_button.setEnabled(bool(rows) and undoable(rows[0]))
        if rows:
            self.show_run(rows[0])

    def show_run(self, run: RunSummary) -> None:
        """Load the run's records in the background and show them."""
        self._wanted = run.run_id
        self.loading.setText(tr("Loading the results of this run…"))
        self.loading.show()

        service = self.service

        def load(cancel: CancelToken) -> tuple[RunSummary, tuple[RecordResult, ...]]:
            return run, tuple(service.runs.results(run.run_id))

        # Bound methods, so a closed dialog simply drops a late answer.
        task = self.tasks.submit(load, name="load-history-results")
        task.finished.connect(self._on_loaded)
        task.failed.connect(self._on_failed)

    @Slot(object)
    def _on_loaded(self, loaded: tuple[RunSummary, tuple[RecordResult, ...]]) -> None:
        run, rows = loaded
        if run.run_id != self._wanted:
            return  # the user picked another run meanwhile
        self.loading.hide()
        self.results.show_run(run, rows)
        self.results.show()
        self.results_shown.emit(run.run_id)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.loading.setText(tr("The results could not be loaded: %1").replace("%1", str(exc)))

    # -- undo --------------------------------------------------------------------------------

    def _on_undo_clicked(self) -> None:
        rows = selected_rows(self.view)
        if not rows or not undoable(rows[0]):
            return
        run, service, profile_id = rows[0], self.service, self.profile.id
        self.undo_button.setEnabled(False)
        self.loading.setText(tr("Working out what undoing this run would restore…"))
        self.loading.show()

        def preview(cancel: CancelToken) -> UndoReport:
            return service.runs.undo(profile_id, run.run_id, dry_run=True, cancel=cancel)

        task = self.tasks.submit(preview, name="undo-preview")
        task.finished.connect(self._on_preview)
        task.failed.connect(self._on_undo_failed)

    @Slot(object)
    def _on_preview(self, report: UndoReport) -> None:
        self.loading.hide()
        self.undo_button.setEnabled(True)
        dialog = UndoPreviewDialog(report, self, self.settings)
        dialog.accepted.connect(lambda: self._start_undo(report.undo_of, dialog.delete_created))
        self.preview = dialog
        dialog.open()
        self.undo_previewed.emit(dialog)

    def _start_undo(self, run_id: int, delete_created: bool) -> None:
        service, profile_id = self.service, self.profile.id
        self.undo_button.setEnabled(False)
        self.loading.setText(tr("Undoing run %1…").replace("%1", str(run_id)))
        self.loading.show()

        def undo(cancel: CancelToken) -> UndoReport:
            return service.runs.undo(
                profile_id, run_id, delete_created=delete_created, cancel=cancel
            )

        task = self.tasks.submit(undo, name=UNDO_TASK)
        task.finished.connect(self._on_undone)
        task.failed.connect(self._on_undo_failed)

    @Slot(object)
    def _on_undone(self, report: UndoReport) -> None:
        self.reload()
        self.undo_finished.emit(report)

    @Slot(object)
    def _on_undo_failed(self, exc: BaseException) -> None:
        self.undo_button.setEnabled(True)
        message = getattr(exc, "message", "") or str(exc)
        self.loading.setText(tr("The run could not be undone: %1").replace("%1", message))
        self.loading.show()

    def done(self, result: int) -> None:
        if self.settings is not None:
            self.settings.save_splitter("history", self.splitter)
        super().done(result)
