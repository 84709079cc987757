"""Notifications when a run ends, and the attention banner that keeps failures in view.

Headless there is no system tray (``isSystemTrayAvailable()`` is False), so notifications fall
back to the banner in the window; a tray that says it is available gets them instead.
"""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QMessageBox, QSystemTrayIcon

from app.core.errors import Cancelled, NeedsReconnect, NetworkError, RunLocked
from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.store_types import ConnectionStatus
from app.core.vocabulary import FAILED_SUBSCRIPTION_REASON, RunTallies
from app.ui.attention import AttentionKind
from app.ui.main_window import MainWindow
from app.ui.notifications import (
    counts_text,
    failure_notification,
    run_notification,
)
from app.ui.tray import Tray

RESULT_TEXT = (
    "Shop customers → Newsletter: Created in Constant Contact: 2 · Matched to existing "
    "contacts: 2 · Updated in Constant Contact: 1 · Unchanged: 1 · Not pushed: 2 · Failed: 2"
)


@pytest.fixture
def window(qtbot, fake_service):
    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown()


def summary(status: RunStatus, counts: RunCounts, *, dry_run=False, message="") -> RunSummary:
    return RunSummary(1, "Bakery customers", status, counts, dry_run=dry_run, message=message)


def open_boxes(window) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


# -- the words -----------------------------------------------------------------------------


def test_run_notification_words(qapp):
    counts = RunCounts(created=12, updated=3, unchanged=40, failed=1)
    assert run_notification(summary(RunStatus.COMPLETED, counts), "Newsletter") == (
        "Sync finished",
        "Bakery customers → Newsletter: Created in Constant Contact: 12 · Updated in Constant "
        "Contact: 3 · Unchanged: 40 · Failed: 1",
        "info",
    )
    title, _, level = run_notification(summary(RunStatus.COMPLETED_WITH_ERRORS, counts))
    assert (title, level) == ("Sync finished with errors", "warning")
    failed = run_notification(
        summary(RunStatus.FAILED, RunCounts(created=12), message="The file is gone.")
    )
    assert failed == (
        "Sync failed",
        "Bakery customers: Created in Constant Contact: 12. The file is gone.",
        "error",
    )
    dry = run_notification(summary(RunStatus.DRY_RUN, RunCounts(created=5), dry_run=True))
    assert dry == (
        "Dry run finished — nothing was changed",
        "Bakery customers: Would create in Constant Contact: 5",
        "info",
    )
    assert run_notification(summary(RunStatus.CANCELLED, counts)) is None


def test_a_two_way_run_is_told_per_direction(qapp):
    rows = (
        RecordResult(2, "a", "a@example.com", Outcome.CREATED, action="create"),
        RecordResult(3, "b", "b@example.com", Outcome.CREATED, direction="import"),
        RecordResult(
            4, "c", "c@example.com", Outcome.UPDATED, direction="optout", action="opt_out"
        ),
        RecordResult(5, "d", "d@example.com", Outcome.SKIPPED, reason=FAILED_SUBSCRIPTION_REASON),
    )
    run = RunSummary(
        1,
        "Xero customers → Newsletter",
        RunStatus.COMPLETED,
        RunCounts.of(r.outcome for r in rows),
        extra=RunTallies.of(rows).as_extra(),
        source_name="Xero",
    )
    assert run_notification(run, "Newsletter")[1] == (
        "Xero customers → Newsletter: Created in Constant Contact: 1 · Not pushed: 1 (Failed "
        "subscriptions: 1) · Created in Xero: 1 · Marked opted out in Xero: 1"
    )


def test_a_profile_named_after_its_list_is_not_repeated(qapp):
    s = RunSummary(1, "Bakery customers → Newsletter", RunStatus.COMPLETED, RunCounts(created=1))
    assert run_notification(s, "Newsletter")[1] == (
        "Bakery customers → Newsletter: Created in Constant Contact: 1"
    )


def test_counts_text_with_nothing_to_change(qapp):
    assert counts_text(summary(RunStatus.COMPLETED, RunCounts(unchanged=1200))) == (
        "Unchanged: 1,200"
    )
    assert counts_text(summary(RunStatus.COMPLETED, RunCounts())) == "No records to sync"


def test_failures_that_are_no_news_are_not_notified(qapp):
    assert failure_notification("Shop", Cancelled()) is None
    assert failure_notification("Shop", RunLocked("busy")) is None
    assert failure_notification("Shop", NetworkError("Offline.")) == (
        "Sync failed",
        "Shop: Offline.",
        "error",
    )
    assert failure_notification("Shop", ZeroDivisionError())[1] == (
        "Shop: ContactBridge ran into a problem."
    )


# -- where they show -----------------------------------------------------------------------


def test_headless_a_finished_run_shows_a_banner_in_the_window(qtbot, window):
    assert not QSystemTrayIcon.isSystemTrayAvailable()
    assert window.notice_banner.isHidden()
    window.select_profile(1)
    with qtbot.waitSignal(window.notifier.notified, timeout=5000) as note:
        window.sync_now()
    assert note.args == ["Sync finished", RESULT_TEXT, "info"]
    assert window.notice_banner.isVisible()
    assert window.notice_banner.title.text() == "Sync finished"
    assert window.notice_banner.body.text() == RESULT_TEXT
    window.notice_banner.close_button.click()
    assert window.notice_banner.isHidden()


def test_with_a_tray_the_message_goes_to_the_tray(qtbot, window, monkeypatch):
    tray = Tray(window, available=lambda: True)  # never shown: no tray here really
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(tray, "show_message", lambda *args: shown.append(args))
    window.set_tray(tray)
    window.select_profile(1)
    with qtbot.waitSignal(window.notifier.notified, timeout=5000):
        window.sync_now()
    assert shown == [("Sync finished", RESULT_TEXT, "info")]
    assert window.notice_banner.isHidden()


def test_tray_message_icons(qapp, monkeypatch):
    tray = Tray(None, available=lambda: True)
    calls = []
    monkeypatch.setattr(tray.icon, "showMessage", lambda *args: calls.append(args))
    tray.show_message("T", "M", "error")
    tray.show_message("T", "M", "info")
    assert calls == [
        ("T", "M", QSystemTrayIcon.MessageIcon.Critical, 10_000),
        ("T", "M", QSystemTrayIcon.MessageIcon.Information, 10_000),
    ]
    tray.menu.deleteLater()


# -- the attention banner ------------------------------------------------------------------


def test_a_failed_scheduled_run_stays_in_view_until_a_successful_run(qtbot, window, fake_service):
    fake_service.runs.error = NetworkError("Constant Contact could not be reached.")
    window.note_scheduled_run(1)
    with qtbot.waitSignal(window.notifier.notified, timeout=5000) as note:
        window.runner.start(1)
    assert note.args == [
        "Sync failed",
        "Shop customers: Constant Contact could not be reached.",
        "error",
    ]
    banner = window.attention
    assert banner.isVisible()
    assert banner.title.text() == "The last sync of “Shop customers” failed"
    assert banner.body.text() == "Constant Contact could not be reached."
    assert banner.action_button.text() == "Show"
    assert open_boxes(window) == []  # nobody pressed a button: no dialog
    assert window.notice_banner.isHidden()  # the attention banner says it already

    fake_service.runs.error = None
    window.select_profile(1)
    with qtbot.waitSignal(window.runner.run_finished, timeout=5000):
        window.sync_now()
    assert banner.isHidden()
    assert banner.items() == []


def test_a_manual_run_failing_still_gets_its_dialog_and_the_banner(qtbot, window, fake_service):
    fake_service.runs.error = NetworkError("Offline.")
    window.select_profile(2)
    with qtbot.waitSignal(window.runner.run_failed, timeout=5000):
        window.sync_now()
    boxes = open_boxes(window)
    assert len(boxes) == 1
    boxes[0].close()
    assert window.attention.current().profile_id == 2


def test_a_dry_run_does_not_clear_a_failure_but_a_real_run_does(qapp, window):
    banner = window.attention
    banner.on_run_finished(1, summary(RunStatus.FAILED, RunCounts(), message="Stopped."), ())
    assert banner.isVisible() and banner.body.text() == "Stopped."
    banner.on_run_finished(1, summary(RunStatus.DRY_RUN, RunCounts(), dry_run=True), ())
    assert banner.isVisible()
    banner.on_run_finished(2, summary(RunStatus.COMPLETED, RunCounts()), ())
    assert banner.isVisible()  # another profile's success
    banner.on_run_finished(1, summary(RunStatus.COMPLETED_WITH_ERRORS, RunCounts(failed=1)), ())
    assert banner.isHidden()


def test_show_dismiss_and_more(qtbot, window):
    banner = window.attention
    banner.on_run_failed(1, NetworkError("Offline."))
    banner.on_run_failed(2, ZeroDivisionError("bug"))
    banner.on_run_failed(2, Cancelled())  # no news: ignored
    banner.on_run_failed(1, RunLocked("busy"))
    assert [i.profile_id for i in banner.items()] == [2, 1]  # newest first
    assert banner.title.text() == "The last sync of “Studio members” failed"
    assert banner.body.text() == "ContactBridge ran into a problem it did not expect."
    assert banner.more.text() == "+1 more"
    window.select_profile(1)
    with qtbot.waitSignal(banner.show_requested) as shown:
        banner.action_button.click()
    assert shown.args == [2]
    assert window.selected_profile_id() == 2
    banner.dismiss_button.click()
    assert banner.current().profile_id == 1 and banner.more.isHidden()
    banner.dismiss_button.click()
    assert banner.isHidden()


def test_needs_reconnect_shows_until_reconnected(qtbot, fake_service):
    fake_service.connections.set_status(ConnectionStatus.NEEDS_RECONNECT)
    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    try:
        banner = window.attention
        assert banner.isVisible()
        assert banner.current().kind is AttentionKind.RECONNECT
        assert banner.title.text() == "Reconnect to Constant Contact"
        assert banner.action_button.text() == "Reconnect…"
        banner.action_button.click()
        qtbot.waitUntil(banner.isHidden, timeout=5000)
        assert fake_service.connections.connect_calls == [("Sandbox", 1)]  # the same account
        assert window.connection_label.text() == "Constant Contact: connected to Sandbox Bakery"
    finally:
        window.shutdown()


def test_a_run_that_needs_reconnecting_asks_for_it_first(qtbot, window, fake_service):
    window.attention.on_run_failed(2, NetworkError("Offline."))
    fake_service.runs.error = NeedsReconnect("Connect to Constant Contact again.")
    window.note_scheduled_run(1)
    with qtbot.waitSignal(window.runner.run_failed, timeout=5000):
        window.runner.start(1)
    item = window.attention.current()
    assert item.kind is AttentionKind.RECONNECT  # before the older failure
    assert item.message == "Connect to Constant Contact again."
    assert window.attention.more.text() == "+1 more"
