"""Closing during a run asks first; the window follows runs made elsewhere; a dry run never
hides the last real sync."""

from __future__ import annotations

import threading

import pytest

from PySide6.QtCore import Qt

from app.core.outcomes import RunStatus
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.close_question import CloseQuestion, running_words
from app.ui.history import HistoryDialog
from app.ui.main_window import MainWindow
from app.ui.profiles_model import ProfilesModel
from app.ui.tray import Tray

RUN_TIMEOUT = 60_000


@pytest.fixture
def window(qtbot, fake_service):
    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    yield window
    fake_service.runs.release.set()
    window.shutdown()


def start_held_run(qtbot, window, fake_service, pid: int = 1) -> None:
    """Sync Now on the profile; the run stays in progress until released."""
    fake_service.runs.release.clear()
    window.select_profile(pid)
    window.sync_now()
    qtbot.waitUntil(lambda: window.runner.phase(pid) != "", timeout=5000)


def close_question(qtbot, window) -> CloseQuestion:
    qtbot.waitUntil(lambda: isinstance(window.close_question, CloseQuestion), timeout=2000)
    box = window.close_question
    assert box is not None and box.isVisible()
    return box


def with_tray(window, monkeypatch) -> list:
    tray = Tray(window, available=lambda: True)
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(tray, "show_message", lambda *args: shown.append(args))
    window.set_tray(tray)
    return shown


def test_closing_with_nothing_running_asks_nothing(qtbot, window):
    with qtbot.waitSignal(window.closed, timeout=2000):
        window.close()
    assert window.close_question is None


def test_closing_during_a_run_asks_and_stay_keeps_everything(qtbot, window, fake_service):
    start_held_run(qtbot, window, fake_service)
    closed = []
    window.closed.connect(lambda: closed.append(True))

    window.close()
    box = close_question(qtbot, window)
    assert box.text() == "“Shop customers” is still syncing."
    labels = [b.text() for b in box.buttons()]
    assert "Keep syncing in the tray" not in labels  # headless: no tray to keep it in
    assert {"Cancel and quit", "Stay"} <= set(labels)
    assert box.defaultButton() is box.stay_button  # Enter never stops a run

    qtbot.mouseClick(box.stay_button, Qt.MouseButton.LeftButton)
    assert window.isVisible() and not closed
    assert window.runner.is_running(1)  # the run goes on
    fake_service.runs.release.set()
    qtbot.waitUntil(lambda: not window.runner.is_running(1), timeout=5000)
    assert fake_service.runs.histories[1][0].status is RunStatus.COMPLETED


def test_cancel_and_quit_stops_the_run_safely_then_quits(qtbot, window, fake_service):
    start_held_run(qtbot, window, fake_service)
    window.quit_app()  # File › Quit asks as closing does
    box = close_question(qtbot, window)
    with qtbot.waitSignal(window.closed, timeout=10_000):
        qtbot.mouseClick(box.quit_button, Qt.MouseButton.LeftButton)
    assert window._shut_down
    # Cancelled, as the Cancel button does: the next sync picks it up.
    assert fake_service.runs.histories[1][0].status is RunStatus.CANCELLED


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen: no window to raise
def test_keep_syncing_in_the_tray_hides_and_the_run_goes_on(
    qtbot, window, fake_service, monkeypatch
):
    shown = with_tray(window, monkeypatch)
    start_held_run(qtbot, window, fake_service)
    window.close()
    box = close_question(qtbot, window)
    assert box.tray_button is not None
    qtbot.mouseClick(box.tray_button, Qt.MouseButton.LeftButton)

    assert window.isHidden() and not window._shut_down
    assert window.runner.is_running(1)
    assert window.tray is not None
    assert window.tray.icon.toolTip() == "ContactBridge — 1 sync running"
    assert shown and shown[0][0] == "ContactBridge is still syncing"

    fake_service.runs.release.set()
    qtbot.waitUntil(lambda: not window.runner.is_running(1), timeout=5000)
    assert fake_service.runs.histories[1][0].status is RunStatus.COMPLETED

    # Quit from the tray while another run goes on asks again, in front.
    start_held_run(qtbot, window, fake_service, pid=2)
    window.quit_app()
    box = close_question(qtbot, window)
    assert window.isVisible()
    qtbot.mouseClick(box.stay_button, Qt.MouseButton.LeftButton)
    assert not window._quitting and window.runner.is_running(2)


def test_an_undo_in_progress_counts_as_a_run(qtbot, window, fake_service):
    gate = threading.Event()
    task = window.tasks.submit(lambda cancel: gate.wait(5), name="undo-run")
    window.close()
    box = close_question(qtbot, window)
    assert box.text() == "An undo is still running."
    qtbot.mouseClick(box.stay_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(task.finished, timeout=5000):
        gate.set()


def test_what_runs_in_words():
    assert running_words(["Shop"], 1) == "2 runs are still going: “Shop” and an undo."
    assert running_words(["A", "B", "C"]) == "3 runs are still going: “A”, “B” and “C”."


def test_the_window_notices_runs_recorded_elsewhere(qtbot, window, fake_service):
    window.select_profile(2)
    fake_service.runs.sync(1)  # as another process would: no signal reaches this window
    model = window.model
    row = model.row_of(1)
    qtbot.waitUntil(
        lambda: model.index(row, ProfilesModel.COL_STATUS).data() == "Synced", timeout=6000
    )
    assert window.selected_profile_id() == 2  # the refresh kept the selection


# -- on the sandbox ---------------------------------------------------------------------------


@pytest.fixture
def sandbox_window(qtbot, sandbox):
    window = MainWindow(sandbox.service)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown()


def cells(window: MainWindow, pid: int) -> tuple[str, str]:
    row = window.model.row_of(pid)
    return (
        window.model.index(row, ProfilesModel.COL_STATUS).data(),
        window.model.index(row, ProfilesModel.COL_LAST_RUN).data(),
    )


def test_a_sync_made_outside_the_window_shows_within_seconds(qtbot, sandbox_window, sandbox):
    window = sandbox_window
    pid = sandbox.service.profiles.named(SAMPLE_PROFILE_NAME).saved_id
    window.select_profile(pid)
    assert cells(window, pid)[0] == "Not synced yet"
    window.show_history()
    history = window.dialog
    assert isinstance(history, HistoryDialog) and history.proxy.rowCount() == 0

    # Another window's (or the command line's) sync: through the service, not this window.
    done: list = []
    other = threading.Thread(target=lambda: done.append(sandbox.service.runs.sync(pid)))
    other.start()
    qtbot.waitUntil(lambda: not other.is_alive(), timeout=RUN_TIMEOUT)
    other.join()
    summary = done[0]
    assert summary.status is RunStatus.COMPLETED

    qtbot.waitUntil(lambda: cells(window, pid)[0] == "Synced", timeout=8000)
    assert window.selected_profile_id() == pid
    # The panel shows that run's results, loaded from the database.
    qtbot.waitUntil(
        lambda: (
            window.panel.results.summary is not None
            and window.panel.results.summary.run_id == summary.run_id
        ),
        timeout=8000,
    )
    qtbot.waitUntil(lambda: history.proxy.rowCount() == 1, timeout=8000)  # its history too
    history.close()


def test_a_dry_run_leaves_last_run_as_the_last_real_sync(qtbot, sandbox_window, sandbox):
    window = sandbox_window
    pid = sandbox.service.profiles.named(SAMPLE_PROFILE_NAME).saved_id
    window.select_profile(pid)
    with qtbot.waitSignal(window.runner.run_finished, timeout=RUN_TIMEOUT):
        window.sync_now()
    synced = cells(window, pid)
    assert synced[0] == "Synced"

    with qtbot.waitSignal(window.runner.run_finished, timeout=RUN_TIMEOUT) as finished:
        window.dry_run()
    assert finished.args[1].dry_run

    assert cells(window, pid) == synced  # "Last run" and "When" still say the sync
    row = window.model.row_of(pid)
    tip = window.model.index(row, ProfilesModel.COL_LAST_RUN).data(Qt.ItemDataRole.ToolTipRole)
    assert "Dry run: Today" in tip and "nothing changed" in tip  # said apart
    assert "Dry run: Today" in window.profile_subtitle.text()

    # A later sync is the last run again, and the dry run before it is no longer shown.
    with qtbot.waitSignal(window.runner.run_finished, timeout=RUN_TIMEOUT):
        window.sync_now()
    assert "Dry run" not in window.profile_subtitle.text()
