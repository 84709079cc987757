"""The main window's "Recent campaigns" panel, as NeonCRM's dashboard widget: the latest
campaigns with the columns, number and order the user chose (``dashboard_choices``).

It stands beside the profiles table with a width of its own and fills the height it is
given: loading, pulling or an empty state never change its size, so the profiles table
never moves under the pointer (``app/ui/stable_layout.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.campaign_stats import CampaignSummary
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.i18n import tr
from app.ui.lists.rows_model import ROW_ROLE, RowsModel
from app.ui.lists.tasks import run_task
from app.ui.settings import UiSettings
from app.ui.stats.columns import campaign_columns
from app.ui.stats.dashboard_choices import SETTINGS_KEY, PanelChoices, recent
from app.ui.stats.pull import StatsPuller
from app.ui.stats.pull_bar import PullBar

PANEL_WIDTH = 470  # pixels: room for four columns without squeezing the profiles


def load_choices(settings: UiSettings) -> PanelChoices:
    return PanelChoices.from_json(settings.text(SETTINGS_KEY))


def save_choices(settings: UiSettings, choices: PanelChoices) -> None:
    settings.set_text(SETTINGS_KEY, choices.normalized().to_json())


class RecentCampaignsPanel(QFrame):
    """The recent campaigns, or how to get them; double-click one to open it.

    Signals:
        campaigns_loaded(): the campaigns were read (again) and are on screen.
        campaign_opened(object): a ``CampaignSummary`` was double-clicked.
        stats_requested(): "All stats" was pressed.
        customize_requested(): "Customize" was pressed.
    """

    campaigns_loaded = Signal()
    campaign_opened = Signal(object)
    stats_requested = Signal()
    customize_requested = Signal()

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        puller: StatsPuller,
        settings: UiSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statsPanel")
        self.service = service
        self.tasks = tasks
        self.settings = settings
        self.choices = load_choices(settings)
        self._campaigns: list[CampaignSummary] = []
        self.loads = 0  # how many times the campaigns were read (tests wait on it)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Ignored)
        self.setFixedWidth(PANEL_WIDTH)

        title = QLabel(tr("Recent campaigns"))
        title.setObjectName("sectionTitle")
        self.all_button = self._link(tr("All stats…"), tr("Open the Stats page"))
        self.all_button.clicked.connect(self.stats_requested)
        self.customize_button = self._link(
            tr("Customize…"), tr("Choose the columns, how many campaigns and their order")
        )
        self.customize_button.clicked.connect(self.customize_requested)
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        heading.addWidget(self.all_button)
        heading.addWidget(self.customize_button)

        self.model: RowsModel[CampaignSummary] = RowsModel(campaign_columns(), self)
        self.view = QTableView()
        self.view.setObjectName("recentCampaigns")
        self.view.setAccessibleName(tr("Recent campaigns"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(False)  # the order is the one chosen in Customize
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.activated.connect(self._on_double_clicked)

        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.setContentsMargins(8, 8, 8, 8)
        self.empty_text = QLabel(
            tr(
                "No campaign stats yet. Pull them to see how your emails did: opens, clicks, "
                "unsubscribes and bounces."
            )
        )
        self.empty_text.setObjectName("hint")
        self.empty_text.setWordWrap(True)
        self.pull_bar = PullBar(puller)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addWidget(self.pull_bar)
        empty_layout.addStretch(1)
        self.stack = QStackedWidget()
        self.stack.addWidget(empty)
        self.stack.addWidget(self.view)
        self.stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(heading)
        layout.addWidget(self.stack, 1)
        puller.finished.connect(self._on_pulled)
        self.reload()

    def _link(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoRaise(True)
        return button

    @Slot(object)
    def _on_pulled(self, _report: object) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the campaigns in the background."""
        stats = self.service.stats

        def load(cancel: CancelToken) -> list[CampaignSummary]:
            return stats.campaigns()

        run_task(self, self.tasks, load, self._show, self._on_failed, name="stats-panel")

    def _show(self, campaigns: list[CampaignSummary]) -> None:
        self._campaigns = campaigns
        self.loads += 1
        self._fill()
        self.campaigns_loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        # A panel on the main window opens no dialog; it says it in its place.
        self.empty_text.setText(
            tr("The campaign stats could not be read: %1").replace("%1", str(exc))
        )
        self.stack.setCurrentIndex(0)

    def set_choices(self, choices: PanelChoices) -> None:
        """Show and remember new choices."""
        self.choices = choices.normalized()
        save_choices(self.settings, self.choices)
        self._fill()

    def _fill(self) -> None:
        shown = recent(self._campaigns, self.choices)
        self.model.set_rows(shown, campaign_columns(self.choices.columns))
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.stack.setCurrentIndex(1 if shown else 0)

    def shown_campaigns(self) -> list[CampaignSummary]:
        return list(self.model.rows)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        campaign = index.data(ROW_ROLE)
        if isinstance(campaign, CampaignSummary):
            self.campaign_opened.emit(campaign)
