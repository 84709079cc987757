"""A profile's run history: every run with its counts; selecting one shows its results."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.outcomes import RecordResult, RunStatus, RunSummary
from app.core.profiles import SyncProfile
from app.sync.progress import CancelToken
from app.sync.service import ContactBridgeService
from app.sync.workers import BackgroundTasks
from app.ui.i18n import tr
from app.ui.results.results_view import ResultsView
from app.ui.run_split import runs_over_results
from app.ui.settings import UiSettings
from app.ui.table_model import RowTableModel
from app.ui.theme import Tone, tone_icon
from app.ui.wording import status_words, when_words

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class HistoryModel(RowTableModel[RunSummary]):
    """Runs of one profile, newest first, over a tuple of ``RunSummary``."""

    (
        COL_STARTED,
        COL_KIND,
        COL_STATUS,
        COL_CREATED,
        COL_UPDATED,
        COL_UNCHANGED,
        COL_SKIPPED,
        COL_FAILED,
        COL_MESSAGE,
    ) = range(9)
    COUNT_COLUMNS = (COL_CREATED, COL_UPDATED, COL_UNCHANGED, COL_SKIPPED, COL_FAILED)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._status: tuple[tuple[str, Tone], ...] = ()
        self.live_runs: frozenset[int] = frozenset()  # in progress (else "Interrupted")
        self.headers = (
            tr("Started"),
            tr("Kind"),
            tr("Result"),
            tr("Created"),
            tr("Updated"),
            tr("Unchanged"),
            tr("Not pushed"),
            tr("Failed"),
            tr("Message"),
        )

    def _rows_changed(self) -> None:
        self._status = tuple(status_words(r, r.run_id in self.live_runs) for r in self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        run = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(run, index.row(), col)
        if role == SORT_ROLE:
            if col == self.COL_STARTED:
                return run.started_at
            return self._display(run, index.row(), col)
        if role == Qt.ItemDataRole.DecorationRole and col == self.COL_STATUS:
            return tone_icon(self._status[index.row()][1])
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.COL_MESSAGE, self.COL_STATUS):
            return run.message or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.COUNT_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, run: RunSummary, row: int, col: int) -> Any:
        c = run.counts
        if col == self.COL_STARTED:
            return when_words(run.started_at)
        if col == self.COL_KIND:
            return tr("Dry run") if _is_dry(run) else tr("Sync")
        if col == self.COL_STATUS:
            return self._status[row][0]
        if col == self.COL_MESSAGE:
            return run.message
        return (c.created, c.updated, c.unchanged, c.skipped, c.failed)[col - self.COL_CREATED]


def _is_dry(run: RunSummary) -> bool:
    return run.dry_run or run.status is RunStatus.DRY_RUN


class HistoryDialog(QDialog):
    """Past runs of one profile (newest first) over the selected run's results.

    Signals:
        results_shown(int): the run id whose results are now on screen.
    """

    results_shown = Signal(int)

    def __init__(
        self,
        service: ContactBridgeService,
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

        self.model = HistoryModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setAccessibleName(tr("Runs"))
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(HistoryModel.COL_STARTED, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HistoryModel.COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.loading = QLabel()
        self.loading.setObjectName("hint")
        self.results = ResultsView(tasks)
        self.splitter = runs_over_results(self.view, self.loading, self.results, (170, 560))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)
        self.resize(1040, 780)
        if settings is not None:
            settings.restore_geometry("history", self)
            settings.restore_splitter("history", self.splitter)
        self._wanted: int | None = None
        self.reload()

    def reload(self) -> None:
        assert self.profile.id is not None
        runs = tuple(self.service.run_history(self.profile.id))
        self.model.live_runs = self.service.live_run_ids(runs)
        self.model.set_rows(runs)
        if self.proxy.rowCount():
            self.view.selectRow(0)
        else:
            self.loading.setText(tr("This profile has no runs yet."))

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        run = self.model.rows[self.proxy.mapToSource(rows[0]).row()]
        self.show_run(run)

    def show_run(self, run: RunSummary) -> None:
        """Load the run's records in the background and show them."""
        self._wanted = run.run_id
        self.loading.setText(tr("Loading the results of this run…"))
        self.loading.show()

        service = self.service

        def load(cancel: CancelToken) -> tuple[RunSummary, tuple[RecordResult, ...]]:
            return run, tuple(service.run_results(run.run_id))

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

    def done(self, result: int) -> None:
        if self.settings is not None:
            self.settings.save_geometry("history", self)
            self.settings.save_splitter("history", self.splitter)
        super().done(result)
