"""The main window's campaign statistics: the Campaigns menu, the "Campaign stats" toolbar
button, the Stats page, the "Recent campaigns" panel and the window's one pull."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.core.campaign_stats import CampaignSummary
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.stats.dashboard import RecentCampaignsPanel
from app.ui.stats.dashboard_choices import PanelChoices
from app.ui.stats.page import StatsDialog, open_campaign
from app.ui.stats.panel_dialog import PanelChoicesDialog
from app.ui.stats.person import person_opener
from app.ui.stats.pull import StatsPuller
from app.ui.theme import icon

# How often the open window looks whether the statistics schedule says to pull (the pull
# itself reads only what changed); the first look comes a little after start-up.
SCHEDULE_CHECK_MS = 10 * 60 * 1000
FIRST_CHECK_MS = 60 * 1000

if TYPE_CHECKING:  # the mixin only runs as part of MainWindow
    from app.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class StatsActions(_Base):
    """Campaign statistics in the main window; mixed into ``MainWindow``."""

    def _build_stats(self) -> None:
        """The puller and the actions (before the menus and the layout use them)."""
        self.stats_puller = StatsPuller(self.service, self.tasks, self)
        self.stats_puller.failed.connect(self._on_stats_pull_failed)
        self.stats_puller.finished.connect(self._on_stats_pulled)
        self._scheduled_pull = False  # the running pull was started by the schedule
        # While the window is open, the schedule's pulls run here (run-due runs them when
        # it is closed); a timer looks now and then whether one is due.
        self.stats_timer = QTimer(self)
        self.stats_timer.setInterval(SCHEDULE_CHECK_MS)
        self.stats_timer.timeout.connect(self.pull_stats_if_due)
        QTimer.singleShot(FIRST_CHECK_MS, self, self._start_stats_schedule)
        self.open_person = person_opener(self.service, self.tasks, self.settings)
        self.stats_action = QAction(icon("history"), tr("Campaign &stats"), self)
        self.stats_action.setObjectName("statsAction")
        self.stats_action.setShortcut("Ctrl+T")
        tip = tr("How your emails did: opens, clicks, unsubscribes and bounces per campaign")
        self.stats_action.setToolTip(tip)
        self.stats_action.setStatusTip(tip)
        self.stats_action.triggered.connect(self.show_stats)
        self.pull_stats_action = QAction(icon("sync"), tr("&Pull campaign stats now"), self)
        self.pull_stats_action.setStatusTip(
            tr("Read the latest campaign results from Constant Contact")
        )
        self.pull_stats_action.triggered.connect(self.stats_puller.start)
        self.stats_puller.started.connect(lambda: self.pull_stats_action.setEnabled(False))
        self.stats_puller.finished.connect(lambda _r: self.pull_stats_action.setEnabled(True))
        self.stats_puller.failed.connect(lambda _e: self.pull_stats_action.setEnabled(True))
        self.show_panel_action = QAction(tr("Show &recent campaigns"), self)
        self.show_panel_action.setCheckable(True)
        self.show_panel_action.setStatusTip(tr("The latest campaigns beside your profiles"))
        self.show_panel_action.toggled.connect(self._on_show_panel_toggled)
        self.customize_panel_action = QAction(tr("&Customize recent campaigns…"), self)
        self.customize_panel_action.triggered.connect(self.customize_panel)

    def _add_stats_menu(self) -> QMenu:
        menu = self.menuBar().addMenu(tr("&Campaigns"))
        menu.addAction(self.stats_action)
        menu.addAction(self.pull_stats_action)
        menu.addSeparator()
        menu.addAction(self.show_panel_action)
        menu.addAction(self.customize_panel_action)
        return menu

    def _build_stats_panel(self) -> RecentCampaignsPanel:
        panel = RecentCampaignsPanel(self.service, self.tasks, self.stats_puller, self.settings)
        panel.campaign_opened.connect(self.open_campaign)
        panel.stats_requested.connect(self.show_stats)
        panel.customize_requested.connect(self.customize_panel)
        panel.setVisible(panel.choices.shown)
        self.show_panel_action.setChecked(panel.choices.shown)
        self.stats_panel = panel
        return panel

    @Slot()
    def show_stats(self) -> None:
        """Open the Stats page (or bring the open one to the front)."""
        page = getattr(self, "stats_page", None)
        if isinstance(page, StatsDialog) and page.isVisible():
            page.activateWindow()  # to the front (raise_ is the window manager's, offscreen not)
            return
        page = StatsDialog(self.service, self.tasks, self.stats_puller, self.settings, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.destroyed.connect(lambda: setattr(self, "stats_page", None))
        self.stats_page = page
        self.dialog = page
        page.show()

    @Slot(object)
    def open_campaign(self, campaign: CampaignSummary) -> None:
        self.dialog = open_campaign(self.service, self.tasks, campaign, self.settings, self)

    def open_person_activity(self, parent: QWidget, email: str, name: str = "") -> None:
        dialog = self.open_person(parent, email, name)
        if dialog is not None:
            self.dialog = dialog

    @Slot()
    def customize_panel(self) -> None:
        dialog = PanelChoicesDialog(self.stats_panel.choices, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.choices_chosen.connect(self.set_panel_choices)
        self.dialog = dialog
        dialog.open()

    def set_panel_choices(self, choices: PanelChoices) -> None:
        self.stats_panel.set_choices(choices)
        self.stats_panel.setVisible(choices.shown)
        self.show_panel_action.setChecked(choices.shown)

    @Slot(bool)
    def _on_show_panel_toggled(self, shown: bool) -> None:
        panel = getattr(self, "stats_panel", None)
        if panel is None or panel.choices.shown == shown:
            return
        self.set_panel_choices(
            PanelChoices(panel.choices.columns, panel.choices.rows, panel.choices.sort, shown)
        )

    @Slot()
    def _start_stats_schedule(self) -> None:
        if not self._shut_down:
            self.pull_stats_if_due()
            self.stats_timer.start()

    @Slot()
    def pull_stats_if_due(self, now: datetime | None = None) -> bool:
        """Start the schedule's pull when it is due; returns whether one started."""
        if self._shut_down or self.stats_puller.is_running():
            return False
        now = now or datetime.now().astimezone()
        try:
            when = self.service.stats.next_pull_at(now)
        except Exception:  # a store it cannot read now: the next look tries again
            return False
        if when is None or when > now:
            return False
        self._scheduled_pull = self.stats_puller.start()
        return self._scheduled_pull

    @Slot(object)
    def _on_stats_pulled(self, _report: object) -> None:
        self._scheduled_pull = False

    @Slot(object)
    def _on_stats_pull_failed(self, exc: BaseException) -> None:
        scheduled, self._scheduled_pull = self._scheduled_pull, False
        if self._shut_down:
            return
        if scheduled:  # nobody pressed anything: say it without a dialog
            self.statusBar().showMessage(
                tr("The scheduled campaign stats pull stopped: %1").replace("%1", str(exc)),
                15_000,
            )
            return
        show_error(self, exc)
