"""The results of a run: a banner, summary tiles, the push results and the error report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import Cancelled
from app.core.outcomes import Outcome, RecordResult, RunStatus, RunSummary
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.results.export import write_results_csv
from app.ui.results.results_model import (
    Category,
    ResultsFilterProxy,
    RunResultsModel,
    is_matched,
    is_problem,
)
from app.ui.theme import Tone, icon
from app.ui.widgets import Banner, Tile
from app.ui.wording import duration_words, skipped_words, when_words

ID_WIDTH_SAMPLE = 500  # rows whose own ids size the Record ID column


@dataclass(frozen=True)
class TileCounts:
    """The push results as NeonCRM words them; the five add up to ``total``."""

    created: int
    matched: int  # updated or unchanged, matched to an existing contact by email
    linked: int  # updated or unchanged, linked by an earlier sync
    skipped: int
    failed: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.matched + self.linked + self.skipped + self.failed

    @classmethod
    def of(cls, summary: RunSummary, rows: tuple[RecordResult, ...]) -> TileCounts:
        c = summary.counts
        matched = sum(1 for r in rows if is_matched(r))
        return cls(
            created=c.created,
            matched=matched,
            linked=c.updated + c.unchanged - matched,
            skipped=c.skipped,
            failed=c.failed,
            updated=c.updated,
            unchanged=c.unchanged,
        )


class ResultsTable(QWidget):
    """A sortable, filterable table of results with a search box and "Export to CSV…".

    Signals:
        export_finished(str, int): the file written and how many rows it holds.
    """

    export_finished = Signal(str, int)

    def __init__(
        self,
        tasks: BackgroundTasks,
        categories: tuple[tuple[Category, str], ...],
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.model = RunResultsModel(self)
        self.proxy = ResultsFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search name, email, row, ID or reason"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(tr("Search %1").replace("%1", name))
        self.search.textChanged.connect(self._on_search)

        self.category = QComboBox()
        self.category.setAccessibleName(tr("Show outcome"))
        for category, label in categories:
            self.category.addItem(label, category.value)
        self.category.currentIndexChanged.connect(self._on_category)
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.shown = QLabel()
        self.shown.setObjectName("hint")
        self.export_button = QPushButton(icon("export"), tr("Export to CSV…"))
        self.export_button.setAccessibleName(tr("Export %1 to CSV").replace("%1", name))
        self.export_button.clicked.connect(self.choose_export_file)

        self.view = QTableView()
        self.view.setAccessibleName(name)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(RunResultsModel.COL_ROW, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        # A fixed row height keeps 100,000 rows cheap: the view never measures them.
        vh = self.view.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for col, width in (
            (RunResultsModel.COL_ROW, 64),
            (RunResultsModel.COL_NAME, 160),
            (RunResultsModel.COL_EMAIL, 240),
            (RunResultsModel.COL_ID, 110),
            (RunResultsModel.COL_OUTCOME, 140),
        ):
            header.resizeSection(col, width)

        tools = QHBoxLayout()
        tools.addWidget(self.search, 2)
        tools.addWidget(self.category)
        tools.addStretch(1)
        tools.addWidget(self.shown)
        tools.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        self.proxy.modelReset.connect(self._update_shown)
        self.proxy.rowsInserted.connect(self._update_shown)
        self.proxy.rowsRemoved.connect(self._update_shown)
        self.proxy.layoutChanged.connect(self._update_shown)
        self._export: object | None = None

    def set_rows(self, rows: tuple[RecordResult, ...], dry_run: bool) -> None:
        self.model.set_rows(rows, dry_run)
        # Without the source's own ids (a file with no ID column), the row is the record's id.
        has_ids = self.model.has_source_ids()
        self.view.setColumnHidden(RunResultsModel.COL_ID, not has_ids)
        if has_ids:  # wide enough for the ids at hand (a Xero ContactID has 36 characters)
            sample = max((r.source_id for r in rows[:ID_WIDTH_SAMPLE]), key=len)
            width = self.view.fontMetrics().horizontalAdvance(sample) + 16
            self.view.horizontalHeader().resizeSection(
                RunResultsModel.COL_ID, max(110, min(width, 300))
            )
        header = self.view.horizontalHeader()
        if header.sortIndicatorSection() >= 0:
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._update_shown()

    def visible_rows(self) -> tuple[RecordResult, ...]:
        """The rows the table shows, in the order shown."""
        rows = self.model.rows
        if not self.proxy.is_filtering():
            return rows
        proxy = self.proxy
        return tuple(
            rows[proxy.mapToSource(proxy.index(i, 0)).row()] for i in range(proxy.rowCount())
        )

    @Slot(str)
    def _on_search(self, text: str) -> None:
        self.proxy.set_filter(text=text)
        self._update_shown()

    @Slot(int)
    def _on_category(self, index: int) -> None:
        self.proxy.set_filter(category=Category(self.category.itemData(index)))
        self._update_shown()

    def _update_shown(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if shown == total:
            self.shown.setText(tr("%1 records").replace("%1", f"{total:,}"))
        else:
            self.shown.setText(
                tr("%1 of %2 records").replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
            )
        self.export_button.setEnabled(shown > 0 and self._export is None)

    @Slot()
    def choose_export_file(self) -> None:
        dialog = QFileDialog(self, tr("Export to CSV"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(tr("CSV files (*.csv)"))
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(tr("contactbridge-results.csv"))
        dialog.fileSelected.connect(self._on_file_selected)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot(str)
    def _on_file_selected(self, path: str) -> None:
        self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the visible rows to ``path`` in a background task."""
        rows = self.visible_rows()
        dry_run = self.model.dry_run

        def write(cancel: CancelToken) -> tuple[Path, int]:
            return path, write_results_csv(path, rows, dry_run=dry_run, cancel=cancel)

        task = self.tasks.submit(write, name="export-csv")
        self._export = task
        self.export_button.setEnabled(False)
        self.shown.setText(tr("Exporting %1 records…").replace("%1", f"{len(rows):,}"))
        task.finished.connect(self._on_exported)
        task.failed.connect(self._on_export_failed)

    @Slot(object)
    def _on_exported(self, written: tuple[Path, int]) -> None:
        path, count = written
        self._export = None
        self._update_shown()
        self.shown.setText(
            tr("Saved %1 records to %2").replace("%1", f"{count:,}").replace("%2", path.name)
        )
        self.shown.setToolTip(str(path))
        self.export_finished.emit(str(path), count)

    @Slot(object)
    def _on_export_failed(self, exc: BaseException) -> None:
        self._export = None
        self._update_shown()
        if not isinstance(exc, Cancelled):
            show_error(self, exc)


def _push_categories(dry_run: bool, two_way: bool = False) -> tuple[tuple[Category, str], ...]:
    return (
        (Category.ALL, tr("All records")),
        (Category.CREATED, tr("Would create") if dry_run else tr("Created")),
        (Category.MATCHED, tr("Matched to existing contacts")),
        (Category.LINKED, tr("Already linked")),
        (Category.UPDATED, tr("Would update") if dry_run else tr("Updated")),
        (Category.UNCHANGED, tr("Unchanged")),
        (Category.SKIPPED, skipped_words(False, two_way)),
        (Category.FAILED, tr("Failed")),
    )


def _problem_categories(two_way: bool = False) -> tuple[tuple[Category, str], ...]:
    return (
        (Category.ALL, tr("All problems")),
        (Category.SKIPPED, skipped_words(False, two_way)),
        (Category.FAILED, tr("Failed")),
    )


class ResultsView(QWidget):
    """Everything about one finished run: what it did, in counts and record by record."""

    def __init__(self, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = Banner()
        self.tiles = {
            "created": Tile(Tone.SUCCESS),
            "matched": Tile(Tone.INFO),
            "linked": Tile(Tone.NEUTRAL),
            "skipped": Tile(Tone.WARNING),
            "failed": Tile(Tone.ERROR),
        }
        tile_row = QHBoxLayout()
        tile_row.setSpacing(8)
        for tile in self.tiles.values():
            tile_row.addWidget(tile)
        self.totals = QLabel()
        self.totals.setObjectName("hint")
        self.totals.setWordWrap(True)

        self.push_table = ResultsTable(tasks, _push_categories(False), tr("Push results"))
        self.error_table = ResultsTable(tasks, _problem_categories(), tr("Error report"))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.push_table, "")
        self.tabs.addTab(self.error_table, "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addLayout(tile_row)
        layout.addWidget(self.totals)
        layout.addWidget(self.tabs, 1)
        self.summary: RunSummary | None = None
        self.counts: TileCounts | None = None

    def show_run(self, summary: RunSummary, rows: tuple[RecordResult, ...]) -> None:
        """Show a run's summary and records (the whole run, as the service returned it)."""
        self.summary = summary
        dry = summary.dry_run or summary.status is RunStatus.DRY_RUN
        counts = self.counts = TileCounts.of(summary, rows)
        self._show_banner(summary, dry, counts)
        self.tiles["created"].set_count(
            counts.created,
            tr("Would create in Constant Contact") if dry else tr("Created in Constant Contact"),
        )
        self.tiles["matched"].set_count(
            counts.matched,
            tr("Would match existing contacts") if dry else tr("Matched to existing contacts"),
        )
        self.tiles["linked"].set_count(
            counts.linked,
            tr("Already linked"),
            tr("%1 updated · %2 unchanged")
            .replace("%1", f"{counts.updated - _matched_of(rows, Outcome.UPDATED):,}")
            .replace("%2", f"{counts.unchanged - _matched_of(rows, Outcome.UNCHANGED):,}"),
        )
        two_way = any(r.direction != "push" for r in rows)
        self.tiles["skipped"].set_count(counts.skipped, skipped_words(dry, two_way))
        self.tiles["failed"].set_count(counts.failed, tr("Failed"))
        when = when_words(summary.started_at)
        took = duration_words(summary.started_at, summary.finished_at)
        self.totals.setText(
            tr("%1 records from “%2” · started %3%4")
            .replace("%1", f"{summary.counts.total:,}")
            .replace("%2", summary.profile_name)
            .replace("%3", when)
            .replace("%4", f" · {tr('took %1').replace('%1', took)}" if took else "")
        )
        problems = tuple(r for r in rows if is_problem(r))
        self.push_table.set_rows(rows, dry)
        self.error_table.set_rows(problems, dry)
        for i, category in enumerate(_push_categories(dry, two_way)):
            self.push_table.category.setItemText(i, category[1])
        for i, category in enumerate(_problem_categories(two_way)):
            self.error_table.category.setItemText(i, category[1])
        self.tabs.setTabText(
            0,
            (tr("Push plan (%1)") if dry else tr("Push results (%1)")).replace(
                "%1", f"{len(rows):,}"
            ),
        )
        self.tabs.setTabText(1, tr("Error report (%1)").replace("%1", f"{len(problems):,}"))

    def _show_banner(self, summary: RunSummary, dry: bool, counts: TileCounts) -> None:
        status = summary.status
        if dry:
            self.banner.show_message(
                Tone.INFO,
                tr("Dry run — nothing was changed in Constant Contact"),
                tr("This is what Sync Now would do. Check the plan, then press Sync Now."),
            )
        elif status is RunStatus.CANCELLED:
            self.banner.show_message(
                Tone.NEUTRAL,
                tr("Cancelled — sync again to pick up where it stopped"),
                tr("Records finished before you cancelled are listed below."),
            )
        elif status is RunStatus.PAUSED:
            self.banner.show_message(
                Tone.WARNING,
                tr("Paused — Constant Contact's daily limit was reached"),
                summary.message or tr("Sync again after the limit resets to finish."),
            )
        elif status is RunStatus.FAILED:
            self.banner.show_message(
                Tone.ERROR,
                tr("The sync stopped before it finished"),
                summary.message + " " + tr("Sync again to pick up where it stopped."),
            )
        elif counts.failed:
            self.banner.show_message(
                Tone.WARNING,
                tr("Sync finished — %n record(s) failed", n=counts.failed),
                tr("See the Error report tab for the reason of each one."),
            )
        else:
            self.banner.show_message(
                Tone.SUCCESS,
                tr("Sync finished — your list in Constant Contact is up to date"),
                tr("Next time, only new and changed contacts are sent."),
            )


def _matched_of(rows: tuple[RecordResult, ...], outcome: Outcome) -> int:
    return sum(1 for r in rows if r.outcome is outcome and r.matched_existing)
