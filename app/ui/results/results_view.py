"""The results of a run: a banner, summary tiles, every record's result and the error report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.advice import advice
from app.core.errors import AppError, Cancelled
from app.core.outcomes import RecordResult, RunStatus, RunSummary
from app.core.vocabulary import RunTallies, Side, Tally, Term, shown_terms, summary_text, term
from app.sync.facade.values import RecordDetails
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.errors import show_error
from app.ui.export_path import export_path
from app.ui.i18n import tr, tr_n
from app.ui.results.export import write_results_csv
from app.ui.results.record_details import RecordDetailsDialog
from app.ui.results.results_model import (
    Category,
    ResultsFilterProxy,
    RunResultsModel,
    is_problem,
    tally_category,
)
from app.ui.theme import Tone, icon
from app.ui.widgets import Banner, Tile
from app.ui.wording import (
    hint_words,
    parse_time,
    seconds_words,
    side_words,
    term_words,
    when_words,
)

ID_WIDTH_SAMPLE = 500  # rows whose own ids size the Record ID column


class ResultsTable(QWidget):
    """A sortable, filterable table of results with a search box and "Export to CSV…".

    A row's menu offers its details and, when ``activity`` is on, the person's campaign
    activity.

    Signals:
        export_finished(str, int): the file written and how many rows it holds.
        record_opened(object): a row's ``RecordResult`` was double-clicked (or "Details…").
        activity_requested(object): "Campaign activity…" was chosen on a row's
            ``RecordResult``.
    """

    export_finished = Signal(str, int)
    record_opened = Signal(object)
    activity_requested = Signal(object)

    def __init__(
        self,
        tasks: BackgroundTasks,
        categories: tuple[tuple[str, str], ...],
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.export_kind = name.lower()  # "results", "error report": the export file's name
        self.export_title = "ContactBridge"  # the profile's name, once a run is shown
        self.export_date: date | None = None  # the run's date (None: today)
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
        self.set_categories(categories)
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
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.activity = False  # "Campaign activity…" offered (the owner can open it)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.menu: QMenu | None = None  # the last row menu shown (tests read it)
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

    def set_categories(self, categories: tuple[tuple[str, str], ...]) -> None:
        """The filter's choices, ``(category, words)``; the chosen one stays when offered."""
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        for category, label in categories:
            self.category.addItem(label, str(category))
        found = self.category.findData(current) if current is not None else -1
        self.category.setCurrentIndex(max(found, 0))
        self.category.blockSignals(False)
        if found < 0 and current is not None:
            self.proxy.set_filter(category=Category.ALL)

    def visible_rows(self) -> tuple[RecordResult, ...]:
        """The rows the table shows, in the order shown."""
        rows = self.model.rows
        if not self.proxy.is_filtering():
            return rows
        proxy = self.proxy
        return tuple(
            rows[proxy.mapToSource(proxy.index(i, 0)).row()] for i in range(proxy.rowCount())
        )

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        """A row was double-clicked: say which record, for its details."""
        if index.isValid():
            self.record_opened.emit(self.model.rows[self.proxy.mapToSource(index).row()])

    def record_at(self, index: QModelIndex) -> RecordResult | None:
        if not index.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(index).row()]

    def row_menu(self, record: RecordResult) -> QMenu:
        """A row's menu: its details, and the person's campaign activity when offered."""
        menu = QMenu(self)
        menu.addAction(tr("Record &details…"), lambda: self.record_opened.emit(record))
        if self.activity:
            action = menu.addAction(
                tr("&Campaign activity…"), lambda: self.activity_requested.emit(record)
            )
            action.setEnabled(bool(record.email))
            action.setToolTip(tr("What this person did with your email campaigns"))
        return menu

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        record = self.record_at(self.view.indexAt(pos))
        if record is None:
            return
        self.menu = self.row_menu(record)
        self.menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.menu.popup(self.view.viewport().mapToGlobal(pos))

    @Slot(str)
    def _on_search(self, text: str) -> None:
        self.proxy.set_filter(text=text)
        self._update_shown()

    @Slot(int)
    def _on_category(self, index: int) -> None:
        self.proxy.set_filter(category=self.category.itemData(index) or Category.ALL)
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
        suggested = self.suggested_export_path()
        dialog.setDirectory(str(suggested.parent))
        dialog.selectFile(str(suggested))
        dialog.fileSelected.connect(self._on_file_selected)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def suggested_export_path(self) -> Path:
        """The profile's name and the run's date, in the documents folder."""
        when = self.export_date or date.today()
        return export_path(self.export_title, when, self.export_kind, "csv")

    @Slot(str)
    def _on_file_selected(self, path: str) -> None:
        self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the visible rows to ``path`` in a background task."""
        rows = self.visible_rows()
        dry_run, source = self.model.dry_run, self.model.source_name

        def write(cancel: CancelToken) -> tuple[Path, int]:
            count = write_results_csv(path, rows, dry_run=dry_run, cancel=cancel, source=source)
            return path, count

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


TALLY_TONES: dict[Tally, Tone] = {
    Tally.CREATED: Tone.SUCCESS,
    Tally.MATCHED: Tone.INFO,
    Tally.UPDATED: Tone.INFO,
    Tally.UNCHANGED: Tone.NEUTRAL,
    Tally.UNSUBSCRIBED: Tone.NEUTRAL,
    Tally.REMOVED: Tone.NEUTRAL,
    Tally.OPTED_OUT: Tone.NEUTRAL,
    Tally.OPT_OUT_CLEARED: Tone.NEUTRAL,
    Tally.SKIPPED: Tone.WARNING,
    Tally.FAILED: Tone.ERROR,
}
PROBLEM_TALLIES = frozenset({Tally.SKIPPED, Tally.FAILED_SUBSCRIPTIONS, Tally.FAILED})


def result_categories(
    shown: tuple[Term, ...], dry_run: bool, source: str = "", problems: bool = False
) -> tuple[tuple[str, str], ...]:
    """The outcome filter's choices: everything, then one for each term shown in the tiles
    (for the error report: those not pushed or failed)."""
    first = (Category.ALL.value, tr("All problems") if problems else tr("All records"))
    return (
        first,
        *(
            (tally_category(t.side, t.tally), term_words(t, dry_run, source))
            for t in shown
            if not problems or t.tally in PROBLEM_TALLIES
        ),
    )


DetailsFn = Callable[[int, str, str], RecordDetails]  # (run id, key, email) -> details
# Opens a person's campaign activity over a parent: (parent, email, name).
PersonFn = Callable[[QWidget, str, str], QDialog | None]


class ResultsView(QWidget):
    """Everything about one finished run: what it did, in counts and record by record.

    The tiles hold the run's tallies (``app.core.vocabulary``), a row for each way records
    went when some went to the source; ``tiles`` maps ``tally_category`` values to them.
    Double-clicking a record opens its details when ``details`` can read them (the service's
    ``runs.record_details``); with ``person`` (``app.ui.stats.person.person_opener``) a
    row's menu and the details open the person's campaign activity. ``dialog`` is the last
    one opened.
    """

    def __init__(
        self,
        tasks: BackgroundTasks,
        parent: QWidget | None = None,
        details: DetailsFn | None = None,
        person: PersonFn | None = None,
    ) -> None:
        super().__init__(parent)
        self.details = details
        self.person = person
        self.person_dialog: QDialog | None = None
        self.dialog: RecordDetailsDialog | None = None
        self.banner = Banner()
        self.tile_grid = QGridLayout()
        self.tile_grid.setHorizontalSpacing(8)
        self.tile_grid.setVerticalSpacing(6)
        self.tile_grid.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, Tile] = {}
        self._side_labels: list[QLabel] = []
        self.totals = QLabel()
        self.totals.setObjectName("hint")
        self.totals.setWordWrap(True)

        self.push_table = ResultsTable(tasks, result_categories((), False), tr("Results"))
        self.push_table.view.horizontalHeader().resizeSection(RunResultsModel.COL_OUTCOME, 270)
        self.error_table = ResultsTable(
            tasks, result_categories((), False, problems=True), tr("Error report")
        )
        self.error_table.view.horizontalHeader().resizeSection(RunResultsModel.COL_OUTCOME, 270)
        for table in (self.push_table, self.error_table):
            table.record_opened.connect(self.open_details)
            table.activity_requested.connect(self.open_activity)
            table.activity = person is not None
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.push_table, "")
        self.tabs.addTab(self.error_table, "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addLayout(self.tile_grid)
        layout.addWidget(self.totals)
        layout.addWidget(self.tabs, 1)
        self.summary: RunSummary | None = None
        self.tallies: RunTallies | None = None

    def show_run(self, summary: RunSummary, rows: tuple[RecordResult, ...]) -> None:
        """Show a run's summary and records (the whole run, as the service returned it)."""
        self.summary = summary
        dry = summary.dry_run or summary.status is RunStatus.DRY_RUN
        source = summary.source_name
        tallies = self.tallies = RunTallies.of(rows)
        shown = shown_terms([tallies])
        self._show_banner(summary, dry, tallies, source)
        self._show_tiles(tallies, shown, dry, source)
        when = when_words(summary.started_at)
        took = seconds_words(summary.seconds_taken())  # the time it ran, stops left out
        sides = ""
        if tallies.two_way and not _one_way_out(tallies):
            sides = " (%1)".replace(
                "%1",
                ", ".join(
                    f"{tallies.side(side).total:,} {_lower_first(side_words(side, source))}"
                    for side in Side
                ),
            )
        self.totals.setText(
            tr("%1 records%2 from “%3” · started %4%5")
            .replace("%1", f"{tallies.total:,}")
            .replace("%2", sides)
            .replace("%3", summary.profile_name)
            .replace("%4", when)
            .replace("%5", f" · {tr('took %1').replace('%1', took)}" if took else "")
        )
        problems = tuple(r for r in rows if is_problem(r))
        for table in (self.push_table, self.error_table):
            table.model.source_name = source
        self.push_table.set_rows(rows, dry)
        self.error_table.set_rows(problems, dry)
        started = parse_time(summary.started_at)
        for table in (self.push_table, self.error_table):
            table.export_title = summary.profile_name or "ContactBridge"
            table.export_date = started.date() if started else None
        self.push_table.set_categories(result_categories(shown, dry, source))
        self.error_table.set_categories(result_categories(shown, dry, source, problems=True))
        self.tabs.setTabText(
            0, (tr("Plan (%1)") if dry else tr("Results (%1)")).replace("%1", f"{len(rows):,}")
        )
        self.tabs.setTabText(1, tr("Error report (%1)").replace("%1", f"{len(problems):,}"))

    @Slot(object)
    def open_details(self, record: RecordResult) -> None:
        """Show one record's details: what was sent, what Constant Contact holds now."""
        if self.summary is None:
            return
        try:
            found = (
                self.details(self.summary.run_id, record.key, record.email)
                if self.details is not None
                else RecordDetails(None, None)
            )
        except AppError as exc:
            show_error(self, exc)
            return
        outcome = self.push_table.model.outcome_text(record)
        on_activity = (lambda: self.open_activity(record)) if self.person is not None else None
        dialog = RecordDetailsDialog(record, outcome, found, self, on_activity=on_activity)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    @Slot(object)
    def open_activity(self, record: RecordResult) -> None:
        """Show what this record's person did with the email campaigns."""
        if self.person is not None and record.email:
            self.person_dialog = self.person(self.window(), record.email, record.name)

    def _show_tiles(
        self, tallies: RunTallies, shown: tuple[Term, ...], dry: bool, source: str
    ) -> None:
        """One row of tiles for each way records went; "Failed subscriptions" is the note of
        the "Not pushed" tile, of which it is a part."""
        for widget in (*self.tiles.values(), *self._side_labels):
            self.tile_grid.removeWidget(widget)
            widget.deleteLater()
        self.tiles, self._side_labels = {}, []
        sides = [side for side in Side if any(t.side is side for t in shown)]
        for row, side in enumerate(sides):
            column = 0
            if len(sides) > 1:
                heading = QLabel(side_words(side, source))
                heading.setObjectName("tileSide")
                heading.setWordWrap(True)
                heading.setFixedWidth(96)
                self.tile_grid.addWidget(heading, row, 0)
                self._side_labels.append(heading)
                column = 1
            counts = tallies.side(side)
            for t in shown:
                if t.side is not side or t.tally is Tally.FAILED_SUBSCRIPTIONS:
                    continue
                tile = Tile(TALLY_TONES[t.tally], compact=len(sides) > 1)
                note = ""
                if side is Side.TO_CONSTANT_CONTACT and t.tally is Tally.SKIPPED:
                    fs = term(side, Tally.FAILED_SUBSCRIPTIONS)
                    note = f"{term_words(fs, dry, source)}: {counts.failed_subscriptions:,}"
                tile.set_count(counts.get(t.tally), term_words(t, dry, source), note)
                hints = [hint_words(t, source)]
                if note:
                    hints.append(f"{note}. {hint_words(fs, source)}")
                tile.setToolTip("\n".join(h for h in hints if h))
                self.tile_grid.addWidget(tile, row, column)
                self.tiles[tally_category(side, t.tally)] = tile
                column += 1

    def _show_banner(
        self, summary: RunSummary, dry: bool, tallies: RunTallies, source: str
    ) -> None:
        status = summary.status
        failed = summary.counts.failed
        # What the run said besides its counts (a guessed text encoding, the guard's note).
        sentence = summary_text(tallies, dry, source)
        note = ""
        if summary.message.startswith(sentence):
            note = summary.message.removeprefix(sentence).lstrip(". ")
        if dry:
            self.banner.show_message(
                Tone.INFO,
                tr("Dry run — nothing was changed in Constant Contact")
                if not tallies.two_way
                else tr("Dry run — nothing was changed in Constant Contact or %1").replace(
                    "%1", source or tr("the source")
                ),
                _joined(
                    note, tr("This is what Sync Now would do. Check the plan, then press Sync Now.")
                ),
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
                _joined(summary.message, tr(advice(summary.error_kind))),
            )
        elif status in (RunStatus.RUNNING, RunStatus.PENDING):
            self.banner.show_message(
                Tone.WARNING,
                tr("This sync did not finish"),
                tr(
                    "It was interrupted (or is still running elsewhere). Records finished so "
                    "far are listed below; sync again to pick up where it stopped."
                ),
            )
        elif failed:
            self.banner.show_message(
                Tone.WARNING,
                tr_n(
                    "Sync finished — %n record failed", "Sync finished — %n records failed", failed
                ),
                _joined(note, tr("See the Error report tab for the reason of each one.")),
            )
        elif _one_way_out(tallies):  # a migration: its notes say what else it did
            self.banner.show_message(
                Tone.SUCCESS,
                tr("Sync finished — %1 is up to date").replace("%1", source or tr("the source")),
                _joined(note, tr("Next time, only what changed in Constant Contact is sent.")),
            )
        elif tallies.two_way:
            self.banner.show_message(
                Tone.WARNING if note else Tone.SUCCESS,
                tr("Sync finished — Constant Contact and %1 are up to date").replace(
                    "%1", source or tr("the source")
                ),
                _joined(note, tr("Next time, only what changed on either side is sent.")),
            )
        else:
            self.banner.show_message(
                Tone.WARNING if note else Tone.SUCCESS,
                tr("Sync finished — your list in Constant Contact is up to date"),
                _joined(note, tr("Next time, only new and changed contacts are sent.")),
            )


def _one_way_out(tallies: RunTallies) -> bool:
    """Records only went out of Constant Contact (a migration to another service)."""
    return tallies.two_way and not tallies.to_constant_contact.total


def _joined(note: str, text: str) -> str:
    """``note`` as a sentence of its own, then ``text``."""
    if not note:
        return text
    return f"{note}{'' if note.endswith('.') else '.'} {text}"


def _lower_first(text: str) -> str:
    """ "To Xero" → "to Xero": mid-sentence, names keep their capitals."""
    return text[:1].lower() + text[1:]
