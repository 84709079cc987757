"""The connections manager on the sandbox: statuses, disconnect (with its purge), reconnect."""

from __future__ import annotations

import time

import pytest

from PySide6.QtCore import Qt

from app.connectors.http import RateLimiter
from app.connectors.oauth import normalize_token
from app.connectors.xero import client as xero_client
from app.core.store_types import Connection, ConnectionStatus
from app.sandbox.xero import DEMO_SHORT_CODE, DEMO_TENANT_ID
from app.store import models as m
from app.sync.bootstrap import SANDBOX_CLIENT_ID
from app.ui.connections_manager import ConnectionsDialog, connection_columns
from app.ui.lists.rows_model import RowsModel
from app.ui.services.xero.organisation import organisation_line
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
            Connection(
                4,
                "xero",
                "Sandbox Xero",
                "Demo Bakery Ltd",
                ConnectionStatus.CONNECTED,
                {"organisation": {"name": "Demo Bakery Ltd", "country_code": "NZ"}},
            ),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "Constant Contact"
    assert model.index(1, 1).data() == "Old"  # no account name yet: the label
    assert model.index(2, 1).data() == "Demo Ltd"  # no organisation read: the tenant's name
    assert model.index(2, 1).data(Qt.ItemDataRole.ToolTipRole) == (
        "Reconnect Xero to show the organisation name."
    )
    assert model.index(3, 1).data() == "Demo Bakery Ltd (NZ)"
    assert model.index(3, 1).data(Qt.ItemDataRole.ToolTipRole) == "Demo Bakery Ltd, New Zealand"
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
    assert synced.service.connections.connection(conn.id).status is ConnectionStatus.CONNECTED
    assert synced.service.store.mirror.count(conn.id) > 0


def test_disconnect_forgets_lists_and_mirror_but_keeps_records_and_history(
    qtbot, dialog, synced
) -> None:
    service = synced.service
    conn = select_cc(dialog)
    profile = synced.sample_profile
    runs_before = service.store.runs.history(profile.id)
    links_before = service.store.links.load(profile.id)
    assert service.store.mirror.count(conn.id) > 0 and links_before and runs_before
    assert service.store.profiles.main_list_id(profile.id)

    with qtbot.waitSignal(dialog.connections_changed, timeout=TIMEOUT):
        dialog.disconnect()

    assert service.connections.connection(conn.id).status is ConnectionStatus.DISCONNECTED
    assert service.secrets.load_token(conn.id) is None
    assert service.store.mirror.count(conn.id) == 0
    assert service.store.mirror.watermark(conn.id) is None
    assert m.MirrorState.select().where(m.MirrorState.connection == conn.id).count() == 0
    assert service.store.profiles.main_list_id(profile.id) is None
    # Kept: the profile, its run history with every record, and what was sent (links).
    assert service.profiles.get(profile.id).connection_id == conn.id
    assert service.store.runs.history(profile.id) == runs_before
    assert len(service.store.runs.results(runs_before[0].run_id)) == runs_before[0].counts.total
    assert service.store.links.load(profile.id) == links_before
    # Nothing was deleted in Constant Contact.
    assert synced.emulator.contacts_on_list("Newsletter")
    row = cc_row(dialog)
    assert dialog.model.index(row, 2).data() == "Disconnected"
    assert not dialog.disconnect_button.isEnabled()
    assert "Disconnected Sandbox Bakery" in dialog.status.text()


def test_reconnect_after_disconnect(qtbot, dialog, synced) -> None:
    conn = select_cc(dialog)
    synced.service.connections.disconnect(conn.id)
    dialog.reload()
    select_cc(dialog)
    assert dialog.reconnect_button.text() == "&Connect again"

    with qtbot.waitSignal(dialog.connections_changed, timeout=TIMEOUT):
        dialog.reconnect()

    assert synced.service.connections.connection(conn.id).status is ConnectionStatus.CONNECTED
    assert synced.service.secrets.load_token(conn.id) is not None
    assert dialog.model.index(cc_row(dialog), 2).data() == "Connected"
    assert "Connected to Sandbox Bakery" in dialog.status.text()


# -- Xero: which organisation ------------------------------------------------------------------


def test_organisation_line_follows_the_connection(qapp) -> None:
    def xero(status: ConnectionStatus, organisation: object = None) -> Connection:
        settings = {"organisation": organisation} if organisation is not None else {}
        return Connection(9, "xero", "Books", "Demo Bakery Ltd", status, settings)

    nz = {"name": "Demo Bakery Ltd", "country_code": "NZ", "short_code": "!a"}
    assert organisation_line(xero(ConnectionStatus.CONNECTED, nz)) == (
        "Connected to Xero: Demo Bakery Ltd (NZ)"
    )
    assert organisation_line(xero(ConnectionStatus.NEEDS_RECONNECT, nz)) == (
        "Xero organisation: Demo Bakery Ltd (NZ)"
    )
    assert organisation_line(xero(ConnectionStatus.CONNECTED, {"name": "Books Ltd"})) == (
        "Connected to Xero: Books Ltd"
    )
    for status in ConnectionStatus:
        assert organisation_line(xero(status)) == "Reconnect Xero to show the organisation name."


@pytest.fixture
def xero_dialog(qtbot, sandbox, tasks, monkeypatch):
    """The dialog over a fresh sandbox (no sync needed to look at Xero's row), with the
    process-wide Xero throttle lifted as the emulator's limits are."""
    monkeypatch.setattr(xero_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))

    def make() -> ConnectionsDialog:
        dialog = ConnectionsDialog(sandbox.service, tasks, confirm=Answers().confirm)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def select_row(dialog: ConnectionsDialog, service: str) -> int:
    row = next(i for i, c in enumerate(dialog.model.rows) if c.service == service)
    dialog.view.selectRow(dialog.proxy.mapFromSource(dialog.model.index(row, 0)).row())
    return row


def test_xero_row_names_the_organisation(xero_dialog) -> None:
    dialog = xero_dialog()
    row = select_row(dialog, "xero")
    cell = dialog.model.index(row, 1)
    assert cell.data() == "Demo Bakery Ltd (NZ)"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == (
        f"Demo Bakery Ltd, New Zealand, short code {DEMO_SHORT_CODE}"
    )
    assert dialog.organisation.isVisible()
    assert dialog.organisation.text() == "Connected to Xero: Demo Bakery Ltd (NZ)"
    select_row(dialog, "constant_contact")
    assert not dialog.organisation.isVisible()  # a Constant Contact account has none


def test_an_older_xero_connection_asks_to_reconnect_for_the_name(
    qtbot, xero_dialog, sandbox
) -> None:
    service, xero = sandbox.service, sandbox.emulators["xero"]
    (conn,) = service.connections.connections_of("xero")
    old = xero.issue_token(SANDBOX_CLIENT_ID, scope="offline_access accounting.contacts")
    service.secrets.save_token(conn.id, normalize_token(old, time.time()))
    service.connections.select_source_account(
        conn.id, DEMO_TENANT_ID
    )  # no settings scope: no organisation

    dialog = xero_dialog()
    row = select_row(dialog, "xero")
    assert dialog.model.index(row, 1).data() == "Demo Bakery Ltd"  # from /Connections
    assert dialog.model.index(row, 2).data() == "Connected"
    assert dialog.organisation.text() == "Reconnect Xero to show the organisation name."

    with qtbot.waitSignal(dialog.connections_changed, timeout=TIMEOUT):
        dialog.reconnect()

    row = select_row(dialog, "xero")
    assert dialog.model.index(row, 1).data() == "Demo Bakery Ltd (NZ)"
    assert dialog.organisation.text() == "Connected to Xero: Demo Bakery Ltd (NZ)"
    assert dialog.status.text() == "Connected to Demo Bakery Ltd (NZ)."
    assert [c.id for c in service.connections.connections_of("xero")] == [conn.id]


# -- a service that signs in with keys asks for them first --------------------------------------


def test_a_service_with_a_form_asks_before_connecting_and_cancel_does_nothing(
    qtbot, xero_dialog, sandbox, monkeypatch
) -> None:
    """A service whose screens export ``ask_connect_options`` (keys, a region) shows its form
    first: Cancel starts nothing; the answers reach the connector, and the status says it is
    connecting, not waiting for the browser."""
    from types import SimpleNamespace

    from app.connectors import registry
    from app.ui import connections_manager
    from app.ui.service_views import ServiceViews

    service = sandbox.service
    (conn,) = service.connections.connections_of("xero")
    answers: list[dict[str, str] | None] = [None, {"region": "au", "api_key": "k-123"}]
    asked: list[object] = []

    def ask_connect_options(parent, svc, reconnecting):  # type: ignore[no-untyped-def]
        asked.append(reconnecting)
        return answers.pop(0)

    form = ServiceViews(
        registry.connector("xero"), SimpleNamespace(ask_connect_options=ask_connect_options)
    )
    monkeypatch.setattr(connections_manager, "views", lambda kind: form)
    received: list[dict[str, str]] = []

    def connect_source(kind, label, cancel=None, connection_id=None, *, options=None):  # type: ignore[no-untyped-def]
        received.append(dict(options or {}))
        return conn

    monkeypatch.setattr(service.connections, "connect_source", connect_source)
    dialog = xero_dialog()
    select_row(dialog, "xero")

    dialog.reconnect()  # the form is cancelled
    assert asked and asked[0].id == conn.id
    assert received == [] and dialog.reconnect_button.isEnabled()

    with qtbot.waitSignal(dialog.connections_changed, timeout=TIMEOUT):
        dialog.reconnect()
        assert dialog.status.text() == "Connecting to Xero…"
    assert received == [{"region": "au", "api_key": "k-123"}]
