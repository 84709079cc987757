"""One campaign in detail: its counts, opens and clicks over time, and each person with what
they did (opens, clicks and the links, forwards, unsubscribes, bounces), as NeonCRM's campaign
detail page shows them; searchable and exportable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.campaign_stats import ActivityPoint, CampaignSummary, PersonActivity
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.lists.rows_model import ROW_ROLE, selected_rows
from app.ui.lists.tasks import run_task
from app.ui.settings import UiSettings
from app.ui.stats.chart import ActivityChart
from app.ui.stats.columns import people_columns
from app.ui.stats.export import ExportButton, sheet_of
from app.ui.stats.person import open_person_activity
from app.ui.stats.tables import stats_table
from app.ui.stats.words import campaign_line, rate_words
from app.ui.theme import Tone, icon
from app.ui.widgets import Tile

Keep = Callable[[PersonActivity], bool] | None


def people_choices() -> list[tuple[str, Keep]]:
    """The "Show" choices: NeonCRM's Opens, Clicks, Forwards, Unsubscribes and Bounces."""
    return [
        (tr("Everyone sent to"), None),
        (tr("Opened"), lambda p: p.opens > 0),
        (tr("Clicked a link"), lambda p: p.clicks > 0),
        (tr("Forwarded"), lambda p: p.forwards > 0),
        (tr("Unsubscribed"), lambda p: p.unsubscribed),
        (tr("Bounced"), lambda p: p.bounced),
        (tr("Did not open"), lambda p: p.opens == 0 and not p.bounced),
    ]


@dataclass(frozen=True)
class CampaignDetails:
    """What the dialog shows, read in one background task."""

    campaign: CampaignSummary | None
    people: list[PersonActivity]
    timeline: list[ActivityPoint]


# The tiles: caption, count, rate (or None) and tone.
TILES: tuple[tuple[str, str, str | None, Tone], ...] = (
    ("Sent to", "sends", None, Tone.NEUTRAL),
    ("Opened", "opens", "open_rate", Tone.INFO),
    ("Clicked", "clicks", "click_rate", Tone.SUCCESS),
    ("Forwarded", "forwards", None, Tone.NEUTRAL),
    ("Unsubscribed", "optouts", "optout_rate", Tone.WARNING),
    ("Bounced", "bounces", "bounce_rate", Tone.ERROR),
)


class CampaignDialog(QDialog):
    """A campaign's counts, chart and people. Double-click a person for their activity.

    Signals:
        details_loaded(): the campaign, its people and its timeline are on screen.
    """

    details_loaded = Signal()

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        campaign: CampaignSummary,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.settings = settings
        self.campaign = campaign
        self.person_dialog: QDialog | None = None
        self.setWindowTitle(tr("Campaign “%1”").replace("%1", campaign.name))
        self.setAccessibleName(self.windowTitle())

        self.title = QLabel(campaign.name)
        self.title.setObjectName("pageTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel(campaign_line(campaign))
        self.subtitle.setObjectName("hint")

        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        self.tiles: dict[str, Tile] = {}
        for _caption, count, _rate, tone in TILES:
            tile = Tile(tone, compact=True)
            self.tiles[count] = tile
            tiles.addWidget(tile)

        self.chart = ActivityChart()
        self.chart.setMinimumHeight(150)

        self.columns = people_columns()
        self.model, self.proxy, self.view = stats_table(
            self.columns, tr("People"), sort_column=2, descending=True, parent=self
        )
        header = self.view.horizontalHeader()
        for col, width in ((0, 230), (1, 150), (2, 60), (3, 60), (4, 200), (5, 70), (6, 100)):
            header.resizeSection(col, width)
        header.resizeSection(7, 160)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search email, name or link"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(tr("Search people"))
        self.search.textChanged.connect(self._on_search)
        self.show_choice = QComboBox()
        self.show_choice.setAccessibleName(tr("Show"))
        self._choices = people_choices()
        for words, _keep in self._choices:
            self.show_choice.addItem(words)
        self.show_choice.currentIndexChanged.connect(self._on_choice)
        show_label = QLabel(tr("&Show:"))
        show_label.setBuddy(self.show_choice)
        self.shown = QLabel()
        self.shown.setObjectName("hint")
        self.person_button = QPushButton(icon("history"), tr("&Person's activity…"))
        self.person_button.setAccessibleName(tr("Person's activity"))
        self.person_button.setToolTip(tr("Everything the selected person did, in every campaign"))
        self.person_button.clicked.connect(self.open_selected_person)
        self.export = ExportButton(
            service,
            tasks,
            self.sheets,
            lambda: self.campaign.name,
            tr("campaign stats"),
            self,
        )
        self.export.set_available(False)

        tools = QHBoxLayout()
        tools.addWidget(self.search, 2)
        tools.addWidget(show_label)
        tools.addWidget(self.show_choice)
        tools.addStretch(1)
        tools.addWidget(self.shown)
        tools.addWidget(self.person_button)
        tools.addWidget(self.export)
        people = QWidget()
        people_layout = QVBoxLayout(people)
        people_layout.setContentsMargins(0, 0, 0, 0)
        people_layout.addLayout(tools)
        people_layout.addWidget(self.view, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(people)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([200, 320])

        self.status = QLabel(tr("Reading this campaign's statistics…"))
        self.status.setObjectName("hint")
        self.status.setAccessibleName(tr("Status"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(tiles)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        for signal in (self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._update_shown)
        fit_to_screen(self, QSize(1180, 760), settings, "stats-campaign")
        if settings is not None:
            settings.restore_splitter("stats-campaign", self.splitter)
        self._show_counts(campaign)
        self._update_buttons()
        self.reload()

    # -- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        stats, campaign_id = self.service.stats, self.campaign.campaign_id

        def load(cancel: CancelToken) -> CampaignDetails:
            return CampaignDetails(
                stats.campaign(campaign_id),
                stats.people(campaign_id),
                stats.timeline(campaign_id),
            )

        run_task(self, self.tasks, load, self._show, self._on_failed, name="stats-campaign")

    def _show(self, details: CampaignDetails) -> None:
        if details.campaign is not None:
            self.campaign = details.campaign
            self._show_counts(details.campaign)
        self.model.set_rows(details.people)
        self.chart.set_points(details.timeline)
        self.export.set_available(bool(details.people))
        self.status.setText(
            tr(
                "Statistics as last pulled from Constant Contact. Double-click a person to see "
                "everything they did."
            )
        )
        self._update_shown()
        self.details_loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(tr("This campaign's statistics could not be read."))
        show_error(self, exc)

    def _show_counts(self, campaign: CampaignSummary) -> None:
        self.title.setText(campaign.name)
        self.subtitle.setText(campaign_line(campaign))
        for caption, count, rate, _tone in TILES:
            note = rate_words(getattr(campaign, rate)) if rate else ""
            self.tiles[count].set_count(getattr(campaign, count), tr(caption), note)

    # -- the people table ------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_shown()

    def _on_choice(self, index: int) -> None:
        self.proxy.set_keep(self._choices[index][1])
        self._update_shown()

    def _update_shown(self, *_args: Any) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        text = tr("%1 people").replace("%1", f"{total:,}")
        if shown != total:
            text = tr("%1 of %2 people").replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
        self.shown.setText(text)
        self._update_buttons()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.person_button.setEnabled(bool(selected_rows(self.view)))

    def sheets(self) -> list[Any]:
        return [sheet_of(tr("People"), self.columns, self.proxy.shown_rows())]

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        person = index.data(ROW_ROLE)
        if isinstance(person, PersonActivity):
            self.open_person(person)

    @Slot()
    def open_selected_person(self) -> None:
        rows = selected_rows(self.view)
        if rows:
            self.open_person(rows[0])

    def open_person(self, person: PersonActivity) -> None:
        self.person_dialog = open_person_activity(
            self.service, self.tasks, person.email, self.settings, self, name=person.name
        )

    def done(self, result: int) -> None:
        if self.settings is not None:
            self.settings.save_splitter("stats-campaign", self.splitter)
        super().done(result)
