"""The Stats page: every campaign with its sends, opens, clicks, bounces, opt-outs, forwards
and rates; sortable, searchable and exportable, with the pull that fills it. Open a campaign
for its people (``app.ui.stats.detail``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.campaign_stats import ActivityPoint, CampaignSummary
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.lists.confirm import ChooseFile, choose_save_file
from app.ui.lists.rows_model import ROW_ROLE, selected_rows
from app.ui.lists.tasks import run_task
from app.ui.settings import UiSettings
from app.ui.stats.chart import ActivityChart
from app.ui.stats.columns import CAMPAIGN_KEYS, campaign_columns
from app.ui.stats.detail import CampaignDialog
from app.ui.stats.export import ExportButton, sheet_of
from app.ui.stats.pull import StatsPuller
from app.ui.stats.pull_bar import PullBar
from app.ui.stats.tables import stats_table
from app.ui.theme import app_icon, icon

SCHEDULE_WORDS = {
    "nightly": "ContactBridge pulls them from Constant Contact every night.",
    "hourly": "ContactBridge pulls them from Constant Contact every hour.",
    "off": "ContactBridge pulls them only when you press Pull (Settings can change that).",
}


def schedule_line(schedule: str) -> str:
    return tr(SCHEDULE_WORDS.get(schedule, SCHEDULE_WORDS["nightly"]))


class StatsDialog(QDialog):
    """The campaigns table over its search and export, or how to get data when there is none.

    Signals:
        campaigns_loaded(): the campaigns were read (again) and are on screen.
    """

    campaigns_loaded = Signal()

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        puller: StatsPuller,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
        *,
        choose_file: ChooseFile = choose_save_file,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.settings = settings
        self.puller = puller
        self.campaign_dialog: CampaignDialog | None = None
        self.setWindowTitle(tr("Campaign stats"))
        self.setAccessibleName(self.windowTitle())

        title = QLabel(tr("Campaign stats"))
        title.setObjectName("pageTitle")
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.pull_bar = PullBar(puller)

        self.columns = campaign_columns()
        self.model, self.proxy, self.view = stats_table(
            self.columns, tr("Campaigns"), sort_column=1, descending=True, parent=self
        )
        header = self.view.horizontalHeader()
        header.resizeSection(0, 230)
        header.resizeSection(1, 110)
        for col in range(2, len(self.columns)):  # counts narrower than rates
            header.resizeSection(col, 92 if CAMPAIGN_KEYS[col].endswith("rate") else 76)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.activated.connect(self._on_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search campaigns"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(tr("Search campaigns"))
        self.search.textChanged.connect(self._on_search)
        self.shown = QLabel()
        self.shown.setObjectName("hint")
        self.open_button = QPushButton(icon("history"), tr("&Open campaign…"))
        self.open_button.setAccessibleName(tr("Open campaign"))
        self.open_button.setToolTip(tr("Who opened, clicked, forwarded, unsubscribed or bounced"))
        self.open_button.clicked.connect(self.open_selected)
        self.export = ExportButton(
            service,
            tasks,
            lambda: [sheet_of(tr("Campaigns"), self.columns, self.proxy.shown_rows())],
            lambda: tr("Campaign stats"),
            tr("campaigns"),
            self,
            choose_file=choose_file,
        )
        tools = QHBoxLayout()
        tools.addWidget(self.search, 2)
        tools.addStretch(1)
        tools.addWidget(self.shown)
        tools.addWidget(self.open_button)
        tools.addWidget(self.export)
        table_part = QWidget()
        table_layout = QVBoxLayout(table_part)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addLayout(tools)
        table_layout.addWidget(self.view, 1)
        # Every campaign's opens and clicks a day, under the table (the splitter between).
        chart_part = QWidget()
        chart_layout = QVBoxLayout(chart_part)
        chart_layout.setContentsMargins(0, 4, 0, 0)
        chart_title = QLabel(tr("Opens and clicks per day, all campaigns"))
        chart_title.setObjectName("sectionTitle")
        self.chart = ActivityChart()
        self.chart.setMinimumHeight(120)
        chart_layout.addWidget(chart_title)
        chart_layout.addWidget(self.chart, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(table_part)
        self.splitter.addWidget(chart_part)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([330, 220])
        table_page = self.splitter

        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_state())
        self.stack.addWidget(table_page)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.hint)
        layout.addWidget(self.pull_bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(buttons)
        for signal in (self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._update_shown)
        # Bound slots: Qt drops them when the page closes, before the pull ends.
        puller.started.connect(self._on_pull_started)
        puller.finished.connect(self._on_pulled)
        puller.failed.connect(self._on_pull_failed)
        fit_to_screen(self, QSize(1240, 700), settings, "stats")
        if settings is not None:
            settings.restore_header("stats/campaigns", header)
            settings.restore_splitter("stats", self.splitter)
        self._update_buttons()
        self.reload()

    def _empty_state(self) -> QWidget:
        page = QWidget()
        page.setObjectName("emptyState")
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading = QLabel(tr("No campaign stats yet"))
        heading.setObjectName("emptyTitle")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            tr(
                "After you send an email campaign from Constant Contact, its results come "
                "here: who opened it, clicked its links, forwarded it, unsubscribed or "
                "bounced. Pull them now; after that ContactBridge keeps them up to date on "
                "the schedule in Settings."
            )
        )
        text.setObjectName("hint")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(540)
        text.setMinimumHeight(text.heightForWidth(540))
        self.empty_pull_button = QPushButton(icon("sync", "#ffffff"), tr("Pull campaign stats"))
        self.empty_pull_button.setObjectName("primaryButton")
        self.empty_pull_button.setAccessibleName(tr("Pull campaign stats"))
        self.empty_pull_button.clicked.connect(self.puller.start)
        self.empty_pull_button.setEnabled(not self.puller.is_running())
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        layout.addWidget(logo)
        layout.addWidget(heading)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(self.empty_pull_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        return page

    # -- reading ---------------------------------------------------------------------------

    @Slot()
    def _on_pull_started(self) -> None:
        self.empty_pull_button.setEnabled(False)

    @Slot(object)
    def _on_pulled(self, _report: object) -> None:
        self.empty_pull_button.setEnabled(True)
        self.reload()

    @Slot(object)
    def _on_pull_failed(self, _exc: object) -> None:
        self.empty_pull_button.setEnabled(True)

    @Slot()
    def reload(self) -> None:
        stats = self.service.stats

        def load(cancel: CancelToken) -> tuple[list[CampaignSummary], str, list[ActivityPoint]]:
            return stats.campaigns(), stats.schedule(), stats.timeline()

        run_task(self, self.tasks, load, self._show, self._on_failed, name="stats-campaigns")

    def _show(self, loaded: tuple[list[CampaignSummary], str, list[ActivityPoint]]) -> None:
        campaigns, schedule, timeline = loaded
        self.chart.set_points(timeline)
        keep = self.selected()
        self.model.set_rows(campaigns)
        self.hint.setText(
            tr("How your Constant Contact emails did.") + " " + schedule_line(schedule)
        )
        self.stack.setCurrentIndex(1 if campaigns else 0)
        # The empty state has its own big button; the bar then only shows a pull's progress.
        self.pull_bar.pull_button.setVisible(bool(campaigns))
        self.export.set_available(bool(campaigns))
        if campaigns:
            self.select(keep.campaign_id if keep else "")
        self._update_shown()
        self.campaigns_loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.hint.setText(tr("The campaign stats could not be read."))
        show_error(self, exc)

    # -- the table -------------------------------------------------------------------------

    def selected(self) -> CampaignSummary | None:
        rows = selected_rows(self.view)
        return rows[0] if rows else None

    def select(self, campaign_id: str) -> None:
        """Select that campaign (else the first one shown)."""
        row = 0
        for i in range(self.proxy.rowCount()):
            if self.proxy.index(i, 0).data(ROW_ROLE).campaign_id == campaign_id:
                row = i
                break
        if self.proxy.rowCount():
            self.view.selectRow(row)

    def shown_campaigns(self) -> list[CampaignSummary]:
        return self.proxy.shown_rows()

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_shown()

    def _update_shown(self, *_args: Any) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        text = tr("%1 campaigns").replace("%1", f"{total:,}")
        if shown != total:
            text = tr("%1 of %2 campaigns").replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
        self.shown.setText(text)
        self._update_buttons()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        campaign = index.data(ROW_ROLE)
        if isinstance(campaign, CampaignSummary):
            self.open_campaign(campaign)

    @Slot()
    def open_selected(self) -> None:
        campaign = self.selected()
        if campaign is not None:
            self.open_campaign(campaign)

    def open_campaign(self, campaign: CampaignSummary) -> CampaignDialog:
        dialog = open_campaign(self.service, self.tasks, campaign, self.settings, self)
        self.campaign_dialog = dialog
        return dialog

    def done(self, result: int) -> None:
        if self.settings is not None:
            self.settings.save_header("stats/campaigns", self.view.horizontalHeader())
            self.settings.save_splitter("stats", self.splitter)
        super().done(result)


def open_campaign(
    service: ContactBridgeApi,
    tasks: BackgroundTasks,
    campaign: CampaignSummary,
    settings: UiSettings | None,
    parent: QWidget | None,
) -> CampaignDialog:
    """Show a campaign's detail in its own window."""
    dialog = CampaignDialog(service, tasks, campaign, settings, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
