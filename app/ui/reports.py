"""Reports: run history across profiles with filters, each run's results and error report,
and exports to CSV and Excel (written by ``app.sync.exports`` in the background)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QItemSelection, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.outcomes import RecordResult, RunStatus, RunSummary
from app.sync import exports
from app.sync.facade.api import ContactBridgeApi
from app.sync.facade.values import RunFilter
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.export_path import export_path
from app.ui.i18n import tr
from app.ui.lists.confirm import ChooseFile, choose_save_file
from app.ui.lists.rows_model import RowsModel, make_table, selected_rows
from app.ui.lists.tasks import run_task
from app.ui.results.export import csv_header
from app.ui.results.results_view import ResultsView
from app.ui.run_columns import is_dry, run_columns, size_run_columns
from app.ui.run_split import runs_over_results
from app.ui.settings import UiSettings
from app.ui.stats.person import person_opener
from app.ui.theme import icon
from app.ui.wording import parse_time, row_words_of, status_words

# The result filter's choices: words and the statuses each covers (empty: all).
RESULT_CHOICES: tuple[tuple[str, frozenset[RunStatus]], ...] = (
    ("All results", frozenset()),
    ("Synced", frozenset({RunStatus.COMPLETED})),
    ("Synced, some failed", frozenset({RunStatus.COMPLETED_WITH_ERRORS})),
    ("Did not finish", frozenset({RunStatus.FAILED, RunStatus.RUNNING, RunStatus.PENDING})),
    ("Cancelled or paused", frozenset({RunStatus.CANCELLED, RunStatus.PAUSED})),
    ("Dry runs", frozenset({RunStatus.DRY_RUN})),
)
# The period filter's choices: words and how many days back (None: any time; -1: custom).
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Any time", None),
    ("Today", 0),
    ("Last 7 days", 6),
    ("Last 30 days", 29),
    ("Last 12 months", 364),
    ("Custom range", -1),
)
CUSTOM = len(PERIODS) - 1


def run_filter_of(
    profile_id: int | None,
    result_index: int,
    period_index: int,
    since: date,
    until: date,
    today: date,
) -> RunFilter:
    """The filter for the controls' values (pure, so it is tested without widgets)."""
    statuses = RESULT_CHOICES[result_index][1]
    days = PERIODS[period_index][1]
    if days is None:
        return RunFilter(profile_id, statuses)
    if days < 0:
        return RunFilter(profile_id, statuses, min(since, until), max(since, until))
    return RunFilter(profile_id, statuses, today - timedelta(days=days), today)


class ReportsDialog(QDialog):
    """Runs of every profile (newest first) over the selected run's results.

    Signals:
        runs_loaded(): the runs matching the filters are on screen.
        results_shown(int): the run id whose results are now on screen.
        export_finished(str, int): the file written and how many rows it holds.
    """

    runs_loaded = Signal()
    results_shown = Signal(int)
    export_finished = Signal(str, int)

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
        *,
        choose_file: ChooseFile = choose_save_file,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.settings = settings
        self.choose_file = choose_file
        self.today = today
        self._wanted: int | None = None
        self._loaded: tuple[RunSummary, tuple[RecordResult, ...]] | None = None
        self.setWindowTitle(tr("Reports"))
        self.setAccessibleName(self.windowTitle())

        title = QLabel(tr("Sync reports"))
        title.setObjectName("pageTitle")
        hint = QLabel(tr("Every run of every profile. Select a run to see what it did."))
        hint.setObjectName("hint")

        self.profile = QComboBox()
        self.profile.setAccessibleName(tr("Profile"))
        self.profile.addItem(tr("All profiles"), None)
        for overview in service.profiles.overviews():
            self.profile.addItem(overview.profile.name, overview.profile.id)
        self.result = QComboBox()
        self.result.setAccessibleName(tr("Result"))
        for words, _statuses in RESULT_CHOICES:
            self.result.addItem(tr(words))
        self.period = QComboBox()
        self.period.setAccessibleName(tr("Period"))
        for words, _days in PERIODS:
            self.period.addItem(tr(words))
        now = QDate.currentDate()
        self.since = self._date_edit(tr("From date"), now.addDays(-30))
        self.until = self._date_edit(tr("To date"), now)

        filters = QHBoxLayout()
        for label_text, widget in (
            (tr("&Profile:"), self.profile),
            (tr("&Result:"), self.result),
            (tr("P&eriod:"), self.period),
        ):
            label = QLabel(label_text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
            filters.addSpacing(8)
        self.range_label = QLabel(tr("to"))
        filters.addWidget(self.since)
        filters.addWidget(self.range_label)
        filters.addWidget(self.until)
        filters.addStretch(1)
        self.export_note = QLabel()
        self.export_note.setObjectName("hint")
        self.export_note.setAccessibleName(tr("Export status"))
        self.export_button = self._export_button()
        filters.addWidget(self.export_note)
        filters.addWidget(self.export_button)
        for combo in (self.profile, self.result, self.period):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.reload())
        self._show_range()

        self._live: frozenset[int] = frozenset()  # runs in progress, as the runs were read
        self.model: RowsModel[RunSummary] = RowsModel(run_columns(), self)
        self.view, self.proxy = make_table(
            self.model, tr("Runs"), sort_column=0, descending=True, parent=self
        )
        size_run_columns(self.view)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setAccessibleName(tr("Status"))
        self.results = ResultsView(
            tasks,
            details=service.runs.record_details,
            person=person_opener(service, tasks, settings),
        )
        self.splitter = runs_over_results(
            self.view, self.status, self.results, (230, 520), top_stretch=2
        )

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(1120, 820), settings, "reports")
        if settings is not None:
            settings.restore_splitter("reports", self.splitter)
        self.reload()

    def _date_edit(self, name: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setAccessibleName(name)
        return edit

    def _export_button(self) -> QToolButton:
        button = QToolButton()
        button.setText(tr("E&xport"))
        button.setIcon(icon("export"))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setAccessibleName(tr("Export"))
        menu = QMenu(button)
        self.export_run_xlsx = menu.addAction(
            tr("This run to Excel (results and errors)…"), lambda: self.export("run", "xlsx")
        )
        self.export_run_csv = menu.addAction(
            tr("This run's results to CSV…"), lambda: self.export("run", "csv")
        )
        self.export_errors_csv = menu.addAction(
            tr("This run's error report to CSV…"), lambda: self.export("errors", "csv")
        )
        menu.addSeparator()
        menu.addAction(tr("The runs shown to Excel…"), lambda: self.export("runs", "xlsx"))
        menu.addAction(tr("The runs shown to CSV…"), lambda: self.export("runs", "csv"))
        button.setMenu(menu)
        return button

    # -- filters and runs ------------------------------------------------------------------

    def run_filter(self) -> RunFilter:
        return run_filter_of(
            self.profile.currentData(),
            self.result.currentIndex(),
            self.period.currentIndex(),
            self.since.date().toPython(),
            self.until.date().toPython(),
            self.today(),
        )

    def _show_range(self) -> None:
        custom = self.period.currentIndex() == CUSTOM
        for widget in (self.since, self.range_label, self.until):
            widget.setVisible(custom)

    @Slot()
    def reload(self) -> None:
        """Read the runs that match the filters, in the background."""
        self._show_range()
        run_filter, service = self.run_filter(), self.service
        self.status.setText(tr("Reading the run history…"))
        run_task(
            self,
            self.tasks,
            lambda cancel: _runs_and_live(service, run_filter),
            self._show_runs,
            self._on_failed,
        )

    def _show_runs(self, loaded: tuple[RunFilter, list[RunSummary], frozenset[int]]) -> None:
        run_filter, runs, live = loaded
        if run_filter != self.run_filter():
            return  # the filters changed meanwhile; their own answer follows
        self._live = live
        self.model.set_rows(runs, run_columns(runs, live=live))
        size_run_columns(self.view)
        self._loaded = None
        self.results.hide()
        self._update_export()
        if runs:
            self.view.selectRow(0)
        else:
            self.status.setText(tr("No runs match these filters."))
        self.runs_loaded.emit()

    def shown_runs(self) -> list[RunSummary]:
        """The runs in the order the table shows them."""
        return [
            self.model.row(self.proxy.mapToSource(self.proxy.index(i, 0)).row())
            for i in range(self.proxy.rowCount())
        ]

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        rows = selected_rows(self.view)
        if rows:
            self.show_run(rows[0])

    def show_run(self, run: RunSummary) -> None:
        """Load the run's records in the background and show them."""
        self._wanted = run.run_id
        self.status.setText(tr("Loading the results of this run…"))
        self.status.show()
        service = self.service

        def load(cancel: CancelToken) -> tuple[RunSummary, tuple[RecordResult, ...]]:
            return run, tuple(service.runs.results(run.run_id))

        run_task(self, self.tasks, load, self._on_results, self._on_failed)

    def _on_results(self, loaded: tuple[RunSummary, tuple[RecordResult, ...]]) -> None:
        run, rows = loaded
        if run.run_id != self._wanted:
            return  # another run was picked meanwhile
        self._loaded = loaded
        self.status.hide()
        self.results.show_run(run, rows)
        self.results.show()
        self._update_export()
        self.results_shown.emit(run.run_id)

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(tr("That could not be read."))
        self.status.show()
        show_error(self, exc)

    def _update_export(self) -> None:
        has_run = self._loaded is not None
        for action in (self.export_run_xlsx, self.export_run_csv, self.export_errors_csv):
            action.setEnabled(has_run)
        self.export_button.setEnabled(bool(self.model.rowCount()))

    # -- exports ---------------------------------------------------------------------------

    def sheets(self, what: str) -> list[exports.Sheet]:
        """The sheets of an export: ``run`` (results, errors), ``errors`` or ``runs``."""
        if what == "runs":
            return [
                exports.runs_sheet(
                    self.shown_runs(),
                    title=tr("Runs"),
                    header=(tr("Started"), tr("Finished"), tr("Profile"), tr("Kind"), tr("Result")),
                    tail=(tr("Total"), tr("Message")),
                    status_words=lambda r: status_words(r, r.run_id in self._live)[0],
                    kind_words=(tr("Sync"), tr("Dry run")),
                    translate=tr,
                )
            ]
        assert self._loaded is not None
        run, rows = self._loaded
        dry = is_dry(run)
        results, errors = exports.results_sheets(
            rows,
            titles=(tr("Results"), tr("Errors")),
            header=csv_header(),
            outcome_word=row_words_of(dry, run.source_name),
            yes_no=(tr("Yes"), tr("No")),
        )
        return {"run": [results, errors], "errors": [errors]}[what]

    def export(self, what: str, fmt: str) -> None:
        """Ask where, then write the export in the background."""
        name_filter = tr("Excel workbooks (*.xlsx)") if fmt == "xlsx" else tr("CSV files (*.csv)")
        self.choose_file(
            self,
            tr("Export"),
            name_filter,
            str(self.suggested_export_path(what, fmt)),
            lambda path: self.export_to(Path(path), what, fmt),
        )

    def suggested_export_path(self, what: str, fmt: str) -> Path:
        """The profile's name and the run's date (the runs: today's), in the documents folder."""
        kind = {"run": tr("results"), "errors": tr("error report"), "runs": tr("runs")}[what]
        if what != "runs" and self._loaded is not None:
            run = self._loaded[0]
            started = parse_time(run.started_at)
            when = started.date() if started else date.today()
            return export_path(run.profile_name or "ContactBridge", when, kind, fmt)
        return export_path("ContactBridge", date.today(), kind, fmt)

    def export_to(self, path: Path, what: str, fmt: str) -> None:
        sheets = self.sheets(what)

        reports = self.service.reports

        def write(cancel: CancelToken) -> tuple[Path, int]:
            return path, reports.export(path, sheets, fmt, cancel)

        self.export_button.setEnabled(False)
        self.export_note.setText(tr("Exporting…"))
        run_task(self, self.tasks, write, self._on_exported, self._on_export_failed)

    def _on_exported(self, written: tuple[Path, int]) -> None:
        path, count = written
        self._update_export()
        self.export_note.setText(
            tr("Saved %1 rows to %2").replace("%1", f"{count:,}").replace("%2", path.name)
        )
        self.export_note.setToolTip(str(path))
        self.export_finished.emit(str(path), count)

    def _on_export_failed(self, exc: BaseException) -> None:
        self._update_export()
        self.export_note.clear()
        show_error(self, exc)

    def done(self, result: int) -> None:
        if self.settings is not None:
            self.settings.save_splitter("reports", self.splitter)
        super().done(result)


def _runs_and_live(
    service: ContactBridgeApi, run_filter: RunFilter
) -> tuple[RunFilter, list[RunSummary], frozenset[int]]:
    """The runs that pass the filter, and which of them are in progress (background)."""
    runs = service.reports.runs(run_filter)
    return run_filter, runs, service.runs.live_run_ids(runs)
