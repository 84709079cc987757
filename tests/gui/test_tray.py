"""The tray icon and running in the background: its menu, hiding to it, the OS job dialog.

There is no system tray headless, so the "tray available" cases use a ``Tray`` told that one
exists; its icon is never shown.
"""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QApplication

from app.application import run_in_background
from app.core.schedule import Schedule, ScheduleKind
from app.platform.os_jobs import OsJobs
from app.sync.scheduler import Scheduler
from app.ui.main_window import MainWindow
from app.ui.tray import OsJobDialog, Tray
from tests.platform.test_os_jobs import COMMAND, SYSTEMD_OK, Recorder

EVERY_15 = Schedule(ScheduleKind.INTERVAL, every_minutes=15)


@pytest.fixture
def window(qtbot, fake_service):
    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown()


def schedule_profile(window, fake_service, pid: int = 1) -> None:
    fake_service.profiles.by_id[pid] = fake_service.profiles.by_id[pid].with_changes(
        schedule=EVERY_15
    )
    window.reload_profiles()


def fake_tray(window, monkeypatch) -> tuple[Tray, list]:
    tray = Tray(window, available=lambda: True)
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(tray, "show_message", lambda *args: shown.append(args))
    window.set_tray(tray)
    return tray, shown


def test_tray_menu_and_its_signals(qtbot, window):
    tray = Tray(window, available=lambda: False)
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == ["Open ContactBridge", "Sync all now", "Quit"]
    for action, signal in (
        (tray.open_action, tray.open_requested),
        (tray.sync_all_action, tray.sync_all_requested),
        (tray.quit_action, tray.quit_requested),
    ):
        with qtbot.waitSignal(signal, timeout=1000):
            action.trigger()
    tray.set_running(2)
    assert tray.icon.toolTip() == "ContactBridge — 2 syncs running"
    tray.set_running(0)
    assert tray.icon.toolTip() == "ContactBridge"


def test_headless_there_is_no_tray_and_closing_closes(qtbot, window, fake_service):
    scheduler, tray = run_in_background(QApplication.instance(), window)
    assert tray is None
    assert window.notifier.tray is None
    assert isinstance(scheduler, Scheduler) and scheduler.runner is window.runner
    schedule_profile(window, fake_service)
    with qtbot.waitSignal(window.closed, timeout=1000):
        window.close()
    assert window._shut_down


def test_closing_with_schedules_hides_to_the_tray_and_says_so_once(
    qtbot, window, fake_service, monkeypatch
):
    schedule_profile(window, fake_service)
    _tray, shown = fake_tray(window, monkeypatch)
    closed = []
    window.closed.connect(lambda: closed.append(True))
    window.close()
    assert window.isHidden()
    assert not window._shut_down  # the runner and the scheduler go on
    assert shown == [
        (
            "ContactBridge is still running",
            "Your scheduled syncs keep running in the background. To quit, choose Quit from "
            "the ContactBridge icon's menu.",
            "info",
        )
    ]
    window.show()
    window.close()
    assert window.isHidden() and len(shown) == 1  # said once
    assert closed == []
    with qtbot.waitSignal(window.closed, timeout=1000):
        window.quit_app()  # Quit (menu or tray) really quits
    assert window._shut_down


def test_closing_without_schedules_closes_even_with_a_tray(qtbot, window, monkeypatch):
    _tray, shown = fake_tray(window, monkeypatch)
    with qtbot.waitSignal(window.closed, timeout=1000):
        window.close()
    assert window._shut_down and shown == []


def test_sync_all_now_starts_every_profile(qtbot, window, fake_service):
    scheduler = Scheduler(fake_service, window.runner)
    tray = Tray(window, available=lambda: False)
    tray.sync_all_requested.connect(scheduler.sync_all)
    with qtbot.waitSignals([window.runner.run_finished] * 2, timeout=5000):
        tray.sync_all_action.trigger()
    assert sorted(fake_service.runs.calls) == [(1, False), (2, False)]


def test_the_os_job_dialog_installs_and_removes_the_job(qtbot, window, tmp_path):
    run = Recorder(SYSTEMD_OK)
    window.os_jobs = OsJobs(tmp_path, platform="linux", run=run, command=COMMAND, env=())
    assert window.background_action.text() == "Run schedules when ContactBridge is &closed…"
    file_menu = window.menuBar().actions()[0].menu()
    assert window.background_action in file_menu.actions()

    window.background_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.dialog, OsJobDialog), timeout=5000)
    dialog = window.dialog
    assert not dialog.enabled.isChecked() and not dialog.minutes.isEnabled()
    assert "a systemd user timer" in dialog.findChildren(type(dialog.state))[0].text()
    dialog.enabled.setChecked(True)
    dialog.minutes.setCurrentIndex(dialog.minutes.findData(30))
    dialog.accept()
    enable = ["systemctl", "--user", "enable", "--now", "contactbridge-run-due.timer"]
    qtbot.waitUntil(lambda: enable in run.argvs, timeout=5000)
    timer = tmp_path / ".config" / "systemd" / "user" / "contactbridge-run-due.timer"
    assert "OnUnitActiveSec=30min" in timer.read_text()
    qtbot.waitUntil(lambda: "every 30 minutes" in window.statusBar().currentMessage())

    window.background_action.trigger()
    qtbot.waitUntil(lambda: window.dialog is not dialog, timeout=5000)
    dialog = window.dialog
    assert dialog.enabled.isChecked()
    assert dialog.state.text() == "It is on now."
    dialog.enabled.setChecked(False)
    dialog.accept()
    qtbot.waitUntil(lambda: not timer.exists(), timeout=5000)
    assert ["systemctl", "--user", "disable", "--now", "contactbridge-run-due.timer"] in run.argvs


def test_cancelling_the_os_job_dialog_changes_nothing(qtbot, window, tmp_path):
    run = Recorder(SYSTEMD_OK)
    window.os_jobs = OsJobs(tmp_path, platform="linux", run=run, command=COMMAND, env=())
    window.configure_background_job()
    qtbot.waitUntil(lambda: isinstance(window.dialog, OsJobDialog), timeout=5000)
    window.dialog.enabled.setChecked(True)
    window.dialog.reject()
    assert run.argvs == [["systemctl", "--user", "show-environment"]]
