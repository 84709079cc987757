"""The connections manager on the sandbox: statuses, disconnect (with its purge), reconnect."""

from __future__ import annotations

import pytest

from app.core.store_types import Connection, ConnectionStatus
from app.store import models as m
from app.ui.connections_manager import ConnectionsDialog, connection_columns
from app.ui.lists.rows_model import RowsModel
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT, Answers

DISCONNECT_TEXT = (
    "ContactBridge will forget its lists and contact data stored on this computer. Your "
    "profiles, run history and the records you imported stay. Nothing is deleted in "
    "Constant Contact."
)

# The shared fixtures (tests/gui/conftest.py is not ours to extend).
fast_client = managers_support.fast_client
synced = managers_support.synced
tasks = managers_support.tasks


def test_connections_model_passes_modeltester(qtmodeltester) -> None:
    model = RowsModel(connection_columns())
    model.set_rows(
        [
            Connection(1, "constant_contact", "Shop", "Sandbox Bakery", ConnectionStatus.CONNECTED),
            Connection(2, "constant_contact", "Old", "", ConnectionStatus.NEEDS_RECONNECT),
            Connection(3, "xero", "Books", "Demo Ltd", ConnectionStatus.DISCONNECTED),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "Constant Contact"
    assert model.index(1, 1).data() == "Old"  # no account name yet: the label
    assert [model.index(r, 2).data() for r in range(3)] == [
        "Connected",
        "Needs reconnect",
        "Disconnected",
    ]


@pytest.fixture
def dialog(qtbot, synced, tasks):
    answers = Answers()
    dialog = ConnectionsDialog(synced.service, tasks, confirm=answers.confirm)
    dialog.answers = answers
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cc_row(dialog: ConnectionsDialog) -> int:
    return next(i for i, c in enumerate(dialog.model.rows) if c.service == "constant_contact")


def select_cc(dialog: ConnectionsDialog) -> Connection:
    row = dialog.proxy.mapFromSource(dialog.model.index(cc_row(dialog), 0)).row()
    dialog.view.selectRow(row)
    conn = dialog.selected()
    assert conn is not None and conn.service == "constant_contact"
    return conn


def test_lists_each_connection_with_its_status(dialog) -> None:
    conn = dialog.model.rows[cc_row(dialog)]
    row = cc_row(dialog)
    assert dialog.model.index(row, 1).data() == "Sandbox Bakery"
    assert dialog.model.index(row, 2).data() == "Connected"
    assert conn.status is ConnectionStatus.CONNECTED
    assert dialog.view.accessibleName() == "Connections"
    for button in (dialog.connect_button, dialog.reconnect_button, dialog.disconnect_button):
        assert button.accessibleName()


def test_disconnect_asks_first_and_does_nothing_when_cancelled(dialog, synced) -> None:
    conn = select_cc(dialog)
    dialog.answers.yes = False
    dialog.disconnect()
    (question,) = dialog.answers.asked
    assert question.text == "Disconnect Sandbox Bakery?"
    assert question.details == DISCONNECT_TEXT
    assert synced.service.connections.get(conn.id).status is ConnectionStatus.CONNECTED
    assert synced.service.mirror.count(conn.id) > 0


def test_disconnect_forgets_lists_and_mirror_but_keeps_records_and_history(
    qtbot, dialog, synced
) -> None:
    service = synced.service
    conn = select_cc(dialog)
    profile = synced.sample_profile
    runs_before = service.run_history(profile.id)
    links_before = service.links.load(profile.id)
    assert service.mirror.count(conn.id) > 0 and links_before and runs_before
    assert service.profiles.main_list_id(profile.id)

    with qtbot.waitSignal(dialog.connections_changed, timeout=TIMEOUT):
        dialog.disconnect()

    assert service.connections.get(conn.id).status is ConnectionStatus.DISCONNECTED
    assert service.secrets.load_token(conn.id) is None
    assert service.mirror.count(conn.id) == 0
    assert service.mirror.watermark(conn.id) is None
    assert m.MirrorState.select().where(m.MirrorState.connection == conn.id).count() == 0
    assert service.profiles.main_list_id(profile.id) is None
    # Kept: the profile, its run history with every record, and what was sent (links).
    assert service.profiles.get(profile.id).connection_id == conn.id
    assert service.run_history(profile.id) == runs_before
    assert len(service.run_results(runs_before[0].run_id)) == runs_before[0].counts.total
    assert service.links.load(profile.id) == links_before
    # Nothing was deleted in Constant Contact.
    assert synced.emulator.contacts_on_list("Newsletter")
    row = cc_row(dialog)
    assert dialog.model.index(row, 2).data() == "Disconnected"
    assert not dialog.disconnect_button.isEnabled()
    assert "Disconnected Sandbox Bakery" in dialog.status.text()


def test_reconnect_after_disconnect(qtbot, dialog, synced) -> None:
    conn = select_cc(dialog)
    synced.service.disconnect(conn.id)
    dialog.reload()
    select_cc(dialog)
    assert dialog.reconnect_button.text() == "&Connect again"

    with qtbot.waitSignal(dialog.connections_changed, timeout=TIMEOUT):
        dialog.reconnect()

    assert synced.service.connections.get(conn.id).status is ConnectionStatus.CONNECTED
    assert synced.service.secrets.load_token(conn.id) is not None
    assert dialog.model.index(cc_row(dialog), 2).data() == "Connected"
    assert "Connected to Sandbox Bakery" in dialog.status.text()
