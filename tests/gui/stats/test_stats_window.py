"""Campaign statistics in the main window: the "Recent campaigns" panel (choices remembered,
the profiles table never pushed around), the Stats page, Settings' pull schedule, and every
new dialog fitting a 1366×768 laptop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.main_window import MainWindow
from app.ui.settings import UiSettings
from app.ui.settings_dialog import SettingsDialog
from app.ui.stats.dashboard_choices import PanelChoices
from app.ui.stats.detail import CampaignDialog
from app.ui.stats.page import StatsDialog
from app.ui.stats.panel_dialog import PanelChoicesDialog
from app.ui.stats.person import PersonActivityDialog
from app.ui.stats.pull import StatsPuller
from tests.gui import managers_support
from tests.gui.stats.samples import ADA, NEWS, OLD, SPRING, with_stats
from tests.gui.test_dialog_fit import assert_fits, laptop_area
from tests.helpers.fake_stats import FakeStats

TIMEOUT = managers_support.TIMEOUT
tasks = managers_support.tasks


def place(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def settled(window: MainWindow) -> None:
    QApplication.sendPostedEvents()
    window.centralWidget().layout().activate()


def window_of(qtbot, service, settings: UiSettings | None = None) -> MainWindow:
    window = MainWindow(service, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def panel_loaded(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.stats_panel.loads > 0, timeout=TIMEOUT)


def shown(window: MainWindow) -> list[str]:
    return [c.name for c in window.stats_panel.shown_campaigns()]


def test_the_panel_shows_recent_campaigns_as_chosen_and_remembers(qtbot, fake_service) -> None:
    service = with_stats(fake_service)
    settings = UiSettings.for_home(service.home)
    window = window_of(qtbot, service, settings)
    panel_loaded(qtbot, window)
    assert shown(window) == [NEWS.name, SPRING.name, OLD.name]  # sent ones, newest first
    headers = [window.stats_panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Campaign", "Sent", "Open rate", "Click rate"]

    window.customize_panel()
    dialog = window.dialog
    assert isinstance(dialog, PanelChoicesDialog)
    dialog.rows.setValue(2)
    dialog.sort.setCurrentIndex(dialog.sort.findData("oldest"))
    dialog.columns["open_rate"].setChecked(False)
    dialog.columns["optouts"].setChecked(True)
    dialog.accept()
    assert shown(window) == [OLD.name, SPRING.name]
    model = window.stats_panel.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Campaign", "Sent", "Click rate", "Opt-outs"
    ]  # fmt: skip
    window.show_panel_action.setChecked(False)  # Campaigns › Show recent campaigns
    assert window.stats_panel.isHidden()
    window.shutdown()

    again = window_of(qtbot, service, UiSettings.for_home(service.home))
    assert again.stats_panel.choices == PanelChoices(
        ("name", "sent", "click_rate", "optouts"), 2, "oldest", False
    )
    assert again.stats_panel.isHidden() and not again.show_panel_action.isChecked()
    again.shutdown()


def test_the_panel_never_moves_the_profiles_table(qtbot, fake_service) -> None:
    stats = with_stats(fake_service, FakeStats()).stats
    window = window_of(qtbot, fake_service)
    settled(window)
    before = place(window.table)
    panel_loaded(qtbot, window)
    settled(window)
    assert window.stats_panel.stack.currentIndex() == 0  # nothing pulled yet
    assert place(window.table) == before
    stats.summaries = [SPRING, NEWS]
    with qtbot.waitSignal(window.stats_panel.campaigns_loaded, timeout=TIMEOUT):
        window.stats_panel.pull_bar.pull_button.click()
    settled(window)
    assert shown(window) == [NEWS.name, SPRING.name]
    assert place(window.table) == before  # the data came in beside it
    window.set_panel_choices(PanelChoices(rows=20))
    settled(window)
    assert place(window.table) == before  # more rows scroll inside the panel
    # Both fit the laptop screen side by side, the profiles keeping most of the width.
    assert laptop_area(window).contains(window.frameGeometry())
    assert window.rect().contains(place(window.stats_panel))
    assert window.table.width() > window.stats_panel.width()
    window.shutdown()


def test_the_panel_and_the_menu_open_campaigns_and_the_stats_page(qtbot, fake_service) -> None:
    window = window_of(qtbot, with_stats(fake_service))
    panel_loaded(qtbot, window)
    panel = window.stats_panel
    panel.view.doubleClicked.emit(panel.model.index(1, 0))
    assert isinstance(window.dialog, CampaignDialog)
    assert window.dialog.campaign == SPRING
    window.dialog.close()
    assert window.stats_action in window.toolbar.actions()
    window.stats_action.trigger()
    page = window.dialog
    assert isinstance(page, StatsDialog)
    window.stats_action.trigger()  # again: the same page comes to the front
    assert window.dialog is page
    window.shutdown()


def test_settings_choose_when_stats_are_pulled(qtbot, fake_service) -> None:
    service = with_stats(fake_service)
    dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.stats_schedule.currentData() == "nightly"  # NeonCRM's default
    dialog.stats_schedule.setCurrentIndex(dialog.stats_schedule.findData("hourly"))
    dialog.accept()
    assert service.stats.schedule() == "hourly"
    again = SettingsDialog(service)
    qtbot.addWidget(again)
    assert again.stats_schedule.currentData() == "hourly"
    again.restore_defaults()
    assert again.stats_schedule.currentData() == "nightly"


def test_the_stats_dialogs_fit_a_laptop(qtbot, fake_service, tasks, tmp_path: Path) -> None:
    service = with_stats(fake_service)
    settings = UiSettings.for_home(tmp_path)
    dialogs = [
        StatsDialog(service, tasks, StatsPuller(service, tasks), settings),
        CampaignDialog(service, tasks, SPRING, settings),
        PersonActivityDialog(service, tasks, ADA.email, settings),
        PanelChoicesDialog(PanelChoices()),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert_fits(dialog)


def test_the_open_window_pulls_when_the_schedule_says(qtbot, fake_service) -> None:
    stats = with_stats(fake_service).stats
    window = window_of(qtbot, fake_service)
    now = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
    assert not window.pull_stats_if_due(now)  # the fake's schedule has nothing due
    stats.due_at = now - timedelta(minutes=30)  # last night's pull
    with qtbot.waitSignal(window.stats_puller.finished, timeout=TIMEOUT):
        assert window.pull_stats_if_due(now)
    assert stats.pulls == 1
    window.shutdown()


def test_a_scheduled_pull_that_fails_says_so_without_a_dialog(
    qtbot, fake_service, monkeypatch
) -> None:
    from app.ui import window_stats
    from tests.gui.stats.test_stats_page import _Unreachable

    dialogs: list[BaseException] = []
    monkeypatch.setattr(window_stats, "show_error", lambda parent, exc: dialogs.append(exc))

    stats = with_stats(fake_service, _Unreachable()).stats
    window = window_of(qtbot, fake_service)
    stats.due_at = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    with qtbot.waitSignal(window.stats_puller.failed, timeout=TIMEOUT):
        window.pull_stats_if_due(datetime(2026, 12, 7, 3, 0, tzinfo=UTC))
    assert "could not be reached" in window.statusBar().currentMessage()
    assert dialogs == []
    with qtbot.waitSignal(window.stats_puller.failed, timeout=TIMEOUT):
        window.pull_stats_action.trigger()  # pressed by hand: the error dialog says why
    assert len(dialogs) == 1
    window.shutdown()
