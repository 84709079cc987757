"""Sync Now, Dry run, Cancel and resume through the main window, on the sandbox emulator."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.outcomes import RunStatus
from app.sync.engine import IMPORT
from app.ui.main_window import MainWindow

RUN_TIMEOUT = 60_000


@pytest.fixture
def window(qtbot, sandbox):
    window = MainWindow(sandbox.service)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown()  # before the sandbox closes the database and the emulator


def contact_count(handle) -> int:
    with handle.emulator.state.tx() as conn:
        return conn.execute("SELECT COUNT(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0]


def duplicate_emails(handle) -> list[str]:
    with handle.emulator.state.tx() as conn:
        rows = conn.execute(
            "SELECT email_lower FROM contacts WHERE deleted_at IS NULL"
            " GROUP BY email_lower HAVING COUNT(*) > 1"
        ).fetchall()
    return [r[0] for r in rows]


def run_and_wait(qtbot, window: MainWindow, button) -> tuple:
    """Press a button and wait until the run's results are on screen."""
    with qtbot.waitSignal(window.runner.run_finished, timeout=RUN_TIMEOUT) as finished:  # noqa: SIM117
        with qtbot.waitSignal(window.panel.results_shown, timeout=RUN_TIMEOUT):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return tuple(finished.args)


def assert_results_match(window: MainWindow, summary, rows) -> None:
    view = window.panel.results
    counts = summary.counts
    assert view.summary == summary
    assert view.push_table.model.rowCount() == len(rows) == counts.total
    tiles = {k.removeprefix("to_constant_contact."): t.count for k, t in view.tiles.items()}
    assert tiles["created"] == counts.created
    assert tiles["matched"] + tiles["updated"] + tiles["unchanged"] == (
        counts.updated + counts.unchanged
    )
    assert tiles["skipped"] == counts.skipped
    assert tiles["failed"] == counts.failed
    assert sum(tiles.values()) == counts.total
    assert view.error_table.model.rowCount() == counts.skipped + counts.failed


def test_sync_now_then_again_reports_unchanged(qtbot, window, sandbox):
    assert window.selected_profile_id() is not None
    _pid, summary, rows = run_and_wait(qtbot, window, window.sync_button)
    assert summary.status in (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS)
    assert summary.counts.created > 0
    assert_results_match(window, summary, rows)
    assert window.panel.results.banner.title.text().startswith("Sync finished")
    assert duplicate_emails(sandbox) == []

    _pid, again, rows = run_and_wait(qtbot, window, window.sync_button)
    assert again.counts.created == 0
    # Everything the first run created is now unchanged (the engine currently updates the
    # one sample contact that matched an existing one again on each run).
    assert again.counts.unchanged >= summary.counts.created
    assert_results_match(window, again, rows)
    assert window.findChild(QMessageBox, "errorDialog") is None


def test_dry_run_shows_the_plan_and_writes_nothing(qtbot, window, sandbox):
    before = contact_count(sandbox)
    _pid, summary, rows = run_and_wait(qtbot, window, window.dry_run_button)
    assert summary.status is RunStatus.DRY_RUN
    assert contact_count(sandbox) == before
    view = window.panel.results
    assert view.banner.title.text() == "Dry run — nothing was changed in Constant Contact"
    assert view.tabs.tabText(0).startswith("Plan (")
    assert_results_match(window, summary, rows)


def test_cancel_mid_import_then_resume_without_duplicates(qtbot, window, sandbox):
    sandbox.emulator.runner.delay = 2.0  # the import stays in progress long enough to cancel
    pid = window.selected_profile_id()

    def in_import(profile_id, phase, done, total, message) -> bool:
        return phase == IMPORT

    with qtbot.waitSignal(
        window.runner.progress_changed, check_params_cb=in_import, timeout=RUN_TIMEOUT
    ):
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)

    # While it runs, a second Sync Now is refused and the button says why.
    assert window.sync_action.text() == "Syncing…"
    assert not window.sync_button.isEnabled()
    assert window.sync_action.toolTip() == "This profile is already syncing"
    worker = window.runner.worker(pid)
    window.sync_now()
    assert window.runner.worker(pid) is worker

    with qtbot.waitSignal(window.runner.run_finished, timeout=RUN_TIMEOUT) as finished:
        qtbot.mouseClick(window.panel.card.cancel_button, Qt.MouseButton.LeftButton)
    summary = finished.args[1]
    assert summary.status is RunStatus.CANCELLED
    assert window.panel.results.banner.title.text() == (
        "Cancelled — sync again to pick up where it stopped"
    )
    assert window.findChild(QMessageBox, "errorDialog") is None

    sandbox.emulator.runner.delay = 0.0
    _pid, resumed, rows = run_and_wait(qtbot, window, window.sync_button)
    assert resumed.status in (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS)
    assert_results_match(window, resumed, rows)
    assert duplicate_emails(sandbox) == []
    assert window.findChild(QMessageBox, "errorDialog") is None
