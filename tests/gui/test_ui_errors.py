"""``show_error``: one kind of dialog, plain words first, user errors apart from bugs."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.core.errors import BugError, Cancelled, NeedsReconnect, RunLocked
from app.ui.errors import UNEXPECTED_TITLE, build_error_dialog, show_error


def _raised(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:
        return caught


def test_cancelled_is_not_an_error(qtbot):
    assert build_error_dialog(None, Cancelled()) is None
    assert show_error(None, Cancelled()) is None


def test_app_error_shows_its_title_message_and_details(qtbot):
    exc = NeedsReconnect("Connect to Constant Contact again.", details="HTTP 401 invalid_grant")
    box = build_error_dialog(None, exc)
    qtbot.addWidget(box)
    assert box.icon() is QMessageBox.Icon.Warning
    assert box.windowTitle() == "Reconnect needed"
    assert box.text() == "Reconnect needed"
    assert box.informativeText() == "Connect to Constant Contact again."
    assert box.detailedText() == "HTTP 401 invalid_grant"
    assert "Traceback" not in box.text() + box.informativeText()


def test_app_error_without_details_has_no_details_section(qtbot):
    box = build_error_dialog(None, RunLocked("This profile is already syncing."))
    qtbot.addWidget(box)
    assert box.detailedText() == ""


def test_unexpected_error_puts_the_traceback_in_details_only(qtbot):
    box = build_error_dialog(None, _raised(KeyError("profile")))
    qtbot.addWidget(box)
    assert box.icon() is QMessageBox.Icon.Critical
    assert box.text() == UNEXPECTED_TITLE
    assert "Traceback" in box.detailedText()
    assert "KeyError" in box.detailedText()
    assert "Traceback" not in box.informativeText()


def test_bug_error_counts_as_a_bug(qtbot):
    box = build_error_dialog(None, _raised(BugError("the plan has no rows")))
    qtbot.addWidget(box)
    assert box.text() == UNEXPECTED_TITLE


def test_show_error_opens_without_blocking(qtbot, caplog):
    box = show_error(None, NeedsReconnect("Connect again."))
    assert box is not None
    qtbot.addWidget(box)
    qtbot.waitUntil(box.isVisible)
    box.close()
