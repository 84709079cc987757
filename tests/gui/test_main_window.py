"""The main window over a fake service: title, status bar, empty state, actions, results."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from app.core.errors import NeedsReconnect
from app.core.outcomes import Outcome
from app.core.store_types import ConnectionStatus
from app.core.vocabulary import Side, Tally
from app.ui.main_window import MainWindow
from app.ui.results.results_model import tally_category


class FakeWizard(QWizard):
    """Stands in for ProfileWizard: records what it was given; accepting "saves"."""

    def __init__(self, service, parent, profile, names):
        super().__init__(parent)
        self.service, self.profile, self.names = service, profile, names
        self.saved_profile = None

    def accept(self):
        pid = max(self.service.profiles.by_id, default=0) + 1
        self.saved_profile = self.service.add_profile(pid, "New shop")
        super().accept()


@pytest.fixture
def make_window(qtbot, fake_service):
    windows = []

    def make(service=fake_service):
        window = MainWindow(service, wizard_factory=FakeWizard)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()


def test_title_badge_and_connection(make_window, fake_service):
    window = make_window()
    assert window.windowTitle() == "ContactBridge — SANDBOX"
    assert window.sandbox_badge is not None
    assert window.sandbox_badge.text().startswith("SANDBOX — sample data")
    assert window.connection_label.text() == "Constant Contact: connected to Sandbox Bakery"


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (None, "Constant Contact: not connected"),
        (ConnectionStatus.NEEDS_RECONNECT, "Constant Contact: needs reconnect"),
        (ConnectionStatus.DISCONNECTED, "Constant Contact: not connected"),
    ],
)
def test_connection_states(make_window, fake_service, status, text):
    fake_service.connections.set_status(status)
    window = make_window()
    assert window.connection_label.text() == text


def test_real_mode_has_no_badge(make_window, fake_service):
    fake_service.sandbox = False
    window = make_window()
    assert window.windowTitle() == "ContactBridge"
    assert window.sandbox_badge is None


def test_empty_state_offers_the_first_profile(qtbot, make_window, tmp_path: Path):
    from tests.helpers.fake_service import FakeService

    window = make_window(FakeService(tmp_path))
    assert window.stack.currentIndex() == 0
    qtbot.mouseClick(window.create_first_button, Qt.MouseButton.LeftButton)
    wizard = window.dialog
    assert isinstance(wizard, FakeWizard) and wizard.profile is None
    wizard.accept()
    assert window.stack.currentIndex() == 1
    assert window.model.rowCount() == 1
    assert window.selected_profile_id() == 1


def test_first_profile_is_selected_and_actions_enabled(make_window):
    window = make_window()
    assert window.selected_profile_id() == 1  # "Shop customers" sorts first
    assert window.profile_title.text() == "Shop customers"
    assert window.sync_action.isEnabled() and window.dry_run_action.isEnabled()


def test_edit_opens_the_wizard_on_the_profile(make_window):
    window = make_window()
    window.edit_action.trigger()
    assert window.dialog.profile.name == "Shop customers"
    assert window.dialog.names == {"Shop customers", "Studio members"}
    window.dialog.reject()


def test_delete_asks_first_and_cancel_keeps_the_profile(make_window, fake_service):
    window = make_window()
    window.delete_action.trigger()
    box = window.dialog
    assert isinstance(box, QMessageBox) and "Shop customers" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert 1 in fake_service.profiles.by_id


def test_delete_confirmed_removes_the_profile(make_window, fake_service):
    window = make_window()
    window.delete_action.trigger()
    box = window.dialog
    delete = next(b for b in box.buttons() if b.text() == "Delete profile")
    delete.click()
    assert 1 not in fake_service.profiles.by_id
    assert window.model.rowCount() == 1


def test_sync_shows_progress_then_results_that_add_up(qtbot, make_window, fake_service):
    window = make_window()
    fake_service.runs.release.clear()
    with qtbot.waitSignal(window.runner.progress_changed, timeout=10_000):
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
    assert window.panel.stack.currentIndex() == window.panel.PAGE_RUNNING
    assert window.sync_action.text() == "Syncing…"
    assert not window.sync_action.isEnabled()
    assert window.sync_action.toolTip() == "This profile is already syncing"
    assert not window.sync_button.isEnabled()
    with qtbot.waitSignal(window.panel.results_shown, timeout=10_000):
        fake_service.runs.release.set()
    results = window.panel.results
    summary = results.summary
    tiles = {k: t.count for k, t in results.tiles.items()}
    assert tiles["to_constant_contact.created"] == summary.counts.created == 2
    settled = ("matched", "updated", "unchanged")
    assert sum(tiles[f"to_constant_contact.{k}"] for k in settled) == (
        summary.counts.updated + summary.counts.unchanged
    )
    assert sum(tiles.values()) == summary.counts.total == 10
    assert results.push_table.model.rowCount() == 10
    assert results.error_table.model.rowCount() == summary.counts.skipped + summary.counts.failed
    assert results.banner.title.text().startswith("Sync finished")
    assert window.sync_action.isEnabled() and window.sync_action.text() == "&Sync Now"


def test_dry_run_is_titled_as_a_plan(qtbot, make_window):
    window = make_window()
    with qtbot.waitSignal(window.panel.results_shown, timeout=10_000):
        window.dry_run_action.trigger()
    results = window.panel.results
    assert results.banner.title.text() == "Dry run — nothing was changed in Constant Contact"
    assert results.tabs.tabText(0) == "Plan (10)"
    assert results.tiles["to_constant_contact.created"].caption.text() == (
        "Would create in Constant Contact"
    )


def test_cancel_shows_cancelled_and_no_error(qtbot, make_window, fake_service):
    window = make_window()
    fake_service.runs.release.clear()
    with qtbot.waitSignal(window.runner.progress_changed, timeout=10_000):
        window.sync_action.trigger()
    with qtbot.waitSignal(window.panel.results_shown, timeout=10_000):
        qtbot.mouseClick(window.panel.card.cancel_button, Qt.MouseButton.LeftButton)
    banner = window.panel.results.banner.title.text()
    assert banner == "Cancelled — sync again to pick up where it stopped"
    assert window.findChild(QMessageBox, "errorDialog") is None


def test_failed_run_shows_the_error_dialog(qtbot, make_window, fake_service):
    window = make_window()
    fake_service.runs.error = NeedsReconnect("Connect to Constant Contact again.")
    with qtbot.waitSignal(window.runner.run_failed, timeout=10_000):
        window.sync_action.trigger()
    box = window.findChild(QMessageBox, "errorDialog")
    assert box is not None and box.text() == "Reconnect needed"
    box.close()


def test_results_filter_and_export_visible_rows(qtbot, make_window, tmp_path: Path):
    window = make_window()
    with qtbot.waitSignal(window.panel.results_shown, timeout=10_000):
        window.sync_action.trigger()
    table = window.panel.results.push_table
    failed = tally_category(Side.TO_CONSTANT_CONTACT, Tally.FAILED)
    table.category.setCurrentIndex(table.category.findData(failed))
    qtbot.keyClicks(table.search, "PERSON9")
    visible = table.visible_rows()
    assert [r.outcome for r in visible] == [Outcome.FAILED]
    target = tmp_path / "failed.csv"
    with qtbot.waitSignal(table.export_finished, timeout=10_000) as blocker:
        table.export_to(target)
    assert blocker.args == [str(target), 1]
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Row,Name,Email,Record ID,Outcome")
    assert len(lines) == 2 and "person" in lines[1] and "Failed" in lines[1]


def test_history_lists_runs_and_shows_results(qtbot, make_window):
    window = make_window()
    for _ in range(2):
        with qtbot.waitSignal(window.panel.results_shown, timeout=10_000):
            window.sync_action.trigger()
    window.history_action.trigger()
    dialog = window.dialog
    assert dialog.model.rowCount() == 2
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        pass  # the newest run's results load in the background
    assert dialog.results.push_table.model.rowCount() == 10
    dialog.close()


def test_about_mentions_version_and_sandbox(make_window):
    window = make_window()
    window.about_action.trigger()
    box = window.dialog
    assert "ContactBridge 0.1.0" in box.text()
    assert "sandbox" in box.informativeText()
    box.close()


def test_geometry_is_saved_and_restored(qtbot, make_window, fake_service):
    window = make_window()
    window.resize(780, 560)
    window.shutdown()
    again = make_window()
    assert (again.width(), again.height()) == (780, 560)
