"""The window when another sync holds the same Constant Contact account: the run waits, says
for what, starts by itself afterwards, can be cancelled meanwhile, and the window never stalls.

Another ContactBridge window is played by a second process holding the account's lock
(``tests/sync/lock_holder.py``); every wait ends on a signal.
"""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt, QTimer

from app.core.errors import Cancelled
from app.core.outcomes import RunStatus
from app.core.records import ContactList
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.lists.members import MembersDialog
from app.ui.main_window import MainWindow
from app.ui.profiles_model import ProfilesModel
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT, Answers
from tests.sync.lock_holder import held_elsewhere

fast_client = managers_support.fast_client
synced = managers_support.synced
tasks = managers_support.tasks

STUDIO = "Studio members → Classes"
RUN_TIMEOUT = 60_000


@pytest.fixture
def window(qtbot, sandbox, fast_client):
    window = MainWindow(sandbox.service)
    qtbot.addWidget(window)
    window.show()
    window.select_profile(sandbox.service.profiles.named(SAMPLE_PROFILE_NAME).id)
    yield window
    window.shutdown()


def lock_key(service) -> str:  # type: ignore[no-untyped-def]
    return service.runs.account_lock(service.profiles.named(SAMPLE_PROFILE_NAME).connection_id).key


def status_of(window: MainWindow, pid: int) -> tuple[str, str]:
    row = window.model.row_of(pid)
    index = window.model.index(row, ProfilesModel.COL_STATUS)
    return index.data(), index.data(Qt.ItemDataRole.ToolTipRole)


def assert_window_responds(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A zero-delay timer still fires: the event loop is free while the run waits."""
    timer = QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=2000):
        timer.start(0)


def test_sync_now_waits_for_another_window_then_starts_by_itself(qtbot, window, sandbox):
    service = sandbox.service
    pid = window.selected_profile_id()
    with held_elsewhere(service.home / "locks", lock_key(service), STUDIO, "window") as other:
        with qtbot.waitSignal(window.runner.run_waiting, timeout=RUN_TIMEOUT) as waiting:
            qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
        assert waiting.args[0] == pid
        message = waiting.args[1]
        assert message.startswith(
            f'Waiting for "{STUDIO}" to finish syncing with this Constant Contact account (started '
        )
        assert message.endswith(", in another ContactBridge window).")

        # The run card: queued, saying for what, with Cancel.
        card = window.panel.card
        assert window.panel.stack.currentIndex() == window.panel.PAGE_RUNNING
        assert card.title.text() == "Waiting to start"
        assert card.step.text() == message
        assert card.detail.text().startswith("It starts by itself when that finishes;")
        assert card.cancel_button.isEnabled()
        assert not card.bar.isVisible()  # nothing moves: it is not working yet
        # The profiles list and the toolbar say so too.
        assert status_of(window, pid) == ("Waiting for another sync…", message)
        assert window.sync_action.text() == "Waiting…"
        assert not window.sync_action.isEnabled()
        assert_window_responds(qtbot)

        with qtbot.waitSignal(window.runner.run_finished, timeout=RUN_TIMEOUT) as finished:  # noqa: SIM117
            with qtbot.waitSignal(window.panel.results_shown, timeout=RUN_TIMEOUT):
                other.release()  # the other window's sync ends
    assert finished.args[1].status is RunStatus.COMPLETED
    assert finished.args[1].counts.created > 0
    assert window.runner.waiting() == {}
    assert status_of(window, pid)[0] == "Synced"


def test_cancel_while_waiting_takes_the_run_off_the_queue(qtbot, window, sandbox):
    service = sandbox.service
    pid = window.selected_profile_id()
    with held_elsewhere(service.home / "locks", lock_key(service), STUDIO, "command line"):
        with qtbot.waitSignal(window.runner.run_waiting, timeout=RUN_TIMEOUT) as waiting:
            window.dry_run()
        assert waiting.args[1].endswith(", from the command line).")
        assert window.panel.card.title.text() == "Dry run waiting to start"
        with qtbot.waitSignal(window.runner.run_failed, timeout=RUN_TIMEOUT) as failed:
            qtbot.mouseClick(window.panel.card.cancel_button, Qt.MouseButton.LeftButton)
            assert window.panel.card.detail.text() == "Cancelling… taking it off the queue"
    assert isinstance(failed.args[1], Cancelled)
    assert window.panel.idle.text().startswith("Cancelled before it started")
    assert "Nothing was changed." in window.panel.idle.text()
    assert service.runs.history(pid) == []  # it never ran
    assert not window.attention.isVisible()  # a cancel is no failure to deal with
    assert window.sync_action.isEnabled()


def test_adding_people_to_a_list_waits_and_says_so(qtbot, synced, tasks):
    service, emulator = synced.service, synced.emulator
    profile = synced.sample_profile
    workshop = ContactList(emulator.create_list("Workshop sign-ups"), "Workshop sign-ups", 0)
    confirm = Answers().confirm
    members = MembersDialog(service, tasks, profile.connection_id, workshop, confirm=confirm)
    qtbot.addWidget(members)
    members.show()
    qtbot.waitSignal(members.members_loaded, timeout=TIMEOUT).wait()
    records = [r for r in service.profiles.source_records(profile.id) if r.row in (2, 3)]

    with held_elsewhere(service.home / "locks", lock_key(service), STUDIO, "window") as other:
        members.add_records(profile.id, records)
        qtbot.waitUntil(lambda: members.status.text().startswith("Waiting for"), timeout=TIMEOUT)
        assert members.status.text().startswith(
            f'Waiting for "{STUDIO}" to finish syncing with this Constant Contact account'
        )
        assert not members.add_button.isEnabled()  # one change at a time here too
        assert emulator.contacts_on_list("Workshop sign-ups") == set()  # nothing sent yet
        assert_window_responds(qtbot)
        with qtbot.waitSignal(members.members_changed, timeout=TIMEOUT):
            other.release()
    expected = {r.values["Email Address"].lower() for r in records}
    assert emulator.contacts_on_list("Workshop sign-ups") == expected
    assert members.banner.title.text().startswith("Added 2 contact")  # no one refused
