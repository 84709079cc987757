"""Help: the getting-started guide opens from the Help menu, and the first-run welcome shows
once and does what each of its buttons says."""

from __future__ import annotations

from typing import Any

import pytest

from PySide6.QtCore import Qt

from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.connections_manager import ConnectionsDialog
from app.ui.help.guide import GuideDialog
from app.ui.help.guide_text import SECTIONS
from app.ui.help.welcome import WelcomeDialog
from app.ui.main_window import MainWindow
from app.ui.settings import UiSettings
from tests.helpers.fake_connections import cc_connection
from tests.helpers.fake_service import FakeService


def open_window(qtbot, service: Any) -> MainWindow:
    window = MainWindow(service, settings=UiSettings.for_home(service.home))
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def sandbox_window(qtbot, sandbox):
    window = open_window(qtbot, sandbox.service)
    yield window
    window.shutdown()


def help_menu_actions(window: MainWindow) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return [a.objectName() for a in menu.actions()]


def test_the_guide_opens_from_help_and_covers_the_first_steps(qtbot, sandbox_window):
    window = sandbox_window
    assert "guideAction" in help_menu_actions(window)
    window.guide_action.trigger()
    guide = window.dialog
    assert isinstance(guide, GuideDialog)
    qtbot.waitUntil(guide.isVisible)
    text = guide.browser.toPlainText()
    for words in (
        "Your first sync",
        "Profiles",
        "Schedules",
        "never re-subscribes anyone",
        "The sandbox",
        "Undo",
        "Where the log is",
        "You are in the sandbox now",
    ):
        assert words in text
    assert str(sandbox_window.service.home) in text  # the sandbox's own log folder
    html = guide.browser.toHtml()
    assert all(f'name="{s}"' in html for s in SECTIONS)
    free = guide.screen().availableGeometry()
    assert guide.width() <= free.width() and guide.height() <= free.height()


def test_the_welcome_shows_once(qtbot, tmp_path):
    service = FakeService(tmp_path, connections=(cc_connection("Shop"),), sandbox=False)
    window = open_window(qtbot, service)
    assert window.welcome_if_first_run()
    welcome = window.dialog
    assert isinstance(welcome, WelcomeDialog)
    qtbot.waitUntil(welcome.isVisible)
    assert not welcome.tour_button.isVisible()  # not the sandbox: no sample data to tour
    assert "sample data" not in welcome.text.text()
    welcome.later_button.click()
    window.shutdown()
    # The next launch (the same data folder) does not ask again.
    again = open_window(qtbot, service)
    assert not again.welcome_if_first_run()
    assert again.dialog is None
    again.shutdown()


def test_the_tour_selects_the_sample_profile_and_points_at_dry_run(qtbot, sandbox_window):
    window = sandbox_window
    window.welcome_if_first_run()
    welcome = window.dialog
    assert isinstance(welcome, WelcomeDialog)
    qtbot.waitUntil(welcome.isVisible)
    assert "sample data" in welcome.text.text()
    qtbot.mouseClick(welcome.tour_button, Qt.MouseButton.LeftButton)
    pid = window.selected_profile_id()
    assert pid is not None
    assert window._overviews[pid].profile.name == SAMPLE_PROFILE_NAME
    assert "Dry run" in window.statusBar().currentMessage()
    assert window.dry_run_action.isEnabled()
    assert window.toolbar.widgetForAction(window.dry_run_action).hasFocus()


def test_connect_my_account_opens_the_connections_manager(qtbot, sandbox_window):
    window = sandbox_window
    window.show_welcome()
    welcome = window.dialog
    assert isinstance(welcome, WelcomeDialog)
    qtbot.waitUntil(welcome.isVisible)
    welcome.connect_button.click()
    assert isinstance(window.dialog, ConnectionsDialog)
    qtbot.waitUntil(window.dialog.isVisible)
    window.dialog.close()


def test_read_the_guide_opens_it_at_the_first_sync(qtbot, sandbox_window):
    window = sandbox_window
    window.show_welcome()
    welcome = window.dialog
    assert isinstance(welcome, WelcomeDialog)
    welcome.guide_button.click()
    assert isinstance(window.dialog, GuideDialog)
