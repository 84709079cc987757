"""The connect flow every service panel shares: what the status line, the buttons and the
wizard say while a sign-in runs, once it is done, failed or cancelled (a made-up service,
"Acme CRM", on the fake service)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime

import pytest

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.errors import AuthError
from app.core.store_types import Connection, ConnectionStatus
from app.ui.profile_wizard.flow import ProfileDraft
from app.ui.profile_wizard.pages.base import WizardContext
from app.ui.profile_wizard.tasks import TaskRunner
from app.ui.services.connect_flow import ConnectFlow, ConnectWords
from tests.helpers.fake_service import FakeService

KIND = "acme"
WAIT_MS = 5_000


class Panel(QWidget):
    """A service panel's connect part, as the real ones lay it out."""

    def __init__(
        self, ctx: WizardContext, *, per_account: tuple[str, ...] = (), in_sandbox: bool = False
    ) -> None:
        super().__init__()
        self.forgotten = 0
        self.changes = 0
        self.used: list[Connection] = []
        self.flow = ConnectFlow(
            self,
            ctx,
            KIND,
            ConnectWords(
                name="Acme CRM",
                expired=lambda conn: f"Acme CRM asks for {conn.account_name} again.",
                connected=lambda conn: f"✔ Connected to Acme CRM: {conn.account_name}",
                recheck="Check the &connection again",
            ),
            on_connected=self._connected,
            refresh=lambda: self.flow.show_busy(self.flow.connecting),
            changed=self._changed,
            forget=self._forget,
            forget_in_sandbox=in_sandbox,
            per_account=per_account,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.flow.status_label)
        layout.addLayout(self.flow.row)

    def _connected(self, conn: Connection) -> None:
        self.used.append(conn)
        self.flow.use(conn)
        self.flow.show_busy(False)

    def _changed(self) -> None:
        self.changes += 1

    def _forget(self) -> None:
        self.forgotten += 1


@pytest.fixture
def service(tmp_path) -> FakeService:
    return FakeService(tmp_path, sandbox=False)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    assert tasks.shutdown()


def make(qtbot, service: FakeService, runner: TaskRunner, **kwargs) -> tuple[Panel, ProfileDraft]:
    draft = ProfileDraft(source_kind=KIND)
    ctx = WizardContext(service, draft, runner, frozenset(), lambda: datetime(2025, 6, 2))
    panel = Panel(ctx, **kwargs)
    qtbot.addWidget(panel)
    panel.show()
    panel.flow.use(panel.flow.saved())
    return panel, draft


@pytest.fixture
def gate(service: FakeService, runner: TaskRunner) -> Iterator[threading.Event]:
    """Sign-ins wait for this event, so a test can look while one runs."""
    event = threading.Event()
    service.connections.connect_gate = event
    yield event
    event.set()  # also when the test failed first: the runner's shutdown waits for the worker


def test_a_sign_in_says_so_then_names_the_account_and_forgets_the_typed_secrets(
    qtbot, service, runner, gate
):
    panel, draft = make(qtbot, service, runner, per_account=("groups",))
    draft.source_settings["groups"] = ["g1"]  # chosen in another account
    assert panel.flow.status_label.text() == "Not connected to Acme CRM yet."
    assert panel.flow.connect_button.text() == "Connect to &Acme CRM"

    panel.flow.start("Acme CRM", None, options={"api_key": "k"})
    assert panel.flow.status_label.text() == "Connecting to Acme CRM…"
    assert not panel.flow.connect_button.isEnabled()
    assert panel.flow.cancel_button is not None and panel.flow.cancel_button.isVisible()
    assert panel.flow.busy_bar.isVisible()
    assert panel.flow.problems() == {"source_connection": "Finish connecting to Acme CRM first."}
    gate.set()
    qtbot.waitUntil(lambda: bool(panel.used), timeout=WAIT_MS)

    conn = panel.used[0]
    assert panel.flow.status_label.text() == f"✔ Connected to Acme CRM: {conn.account_name}"
    assert panel.flow.connect_button.text() == "Check the &connection again"
    assert panel.flow.ready and not panel.flow.problems()
    assert draft.source_settings == {"connection_id": conn.id}  # the other account's groups go
    assert panel.forgotten == 1


def test_a_failed_sign_in_names_the_service_and_keeps_the_connection_shown(qtbot, service, runner):
    panel, draft = make(qtbot, service, runner)
    service.connections.connect_error = OSError("connection refused")
    panel.flow.start("Acme CRM", None)
    qtbot.waitUntil(lambda: not panel.flow.connecting, timeout=WAIT_MS)
    assert draft.source_problem == "Acme CRM could not be reached (connection refused)."
    assert panel.flow.status_label.text() == "Not connected to Acme CRM yet."
    assert panel.flow.connect_button.isEnabled() and not panel.flow.busy_bar.isVisible()
    assert panel.forgotten == 0  # what was typed stays, to correct it

    service.connections.connect_error = AuthError("Acme CRM refused the API key.")
    panel.flow.start("Acme CRM", None)
    qtbot.waitUntil(lambda: not panel.flow.connecting, timeout=WAIT_MS)
    assert draft.source_problem == "Acme CRM refused the API key."  # the error's own words


def test_cancelling_a_sign_in_shows_the_connection_as_it_was_and_drops_the_result(
    qtbot, service, runner, gate
):
    panel, draft = make(qtbot, service, runner)
    panel.flow.start("Acme CRM", None)
    assert panel.flow.cancel_button is not None
    changes = panel.changes
    panel.flow.cancel_button.click()
    assert not panel.flow.connecting and not panel.flow.cancel_button.isVisible()
    assert panel.flow.status_label.text() == "Not connected to Acme CRM yet."
    assert panel.changes == changes + 1  # the page checks again: Next is allowed again
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)  # the worker has ended
    assert panel.used == [] and "connection_id" not in draft.source_settings
    assert panel.flow.status_label.text() == "Not connected to Acme CRM yet."


def test_a_connection_that_asks_again_says_so_in_the_services_words(qtbot, service, runner):
    expired = Connection(7, KIND, "Acme CRM", "Riverside Gym", ConnectionStatus.NEEDS_RECONNECT)
    connected = Connection(8, KIND, "Acme CRM", "Harbour Cafe", ConnectionStatus.CONNECTED)
    service.connections.connections.extend([expired, connected])

    panel, draft = make(qtbot, service, runner)
    assert panel.flow.connection == connected  # none named yet: the first connected one

    draft.source_settings["connection_id"] = expired.id
    panel.flow.use(panel.flow.saved())  # the one the profile names, even when it expired
    assert panel.flow.status_label.text() == "Acme CRM asks for Riverside Gym again."
    assert panel.flow.connect_button.text() == "Connect to &Acme CRM again"
    assert not panel.flow.ready
    assert panel.flow.problems() == {"source_connection": "Acme CRM asks you to connect again."}


@pytest.mark.parametrize(("in_sandbox", "forgotten"), [(False, 0), (True, 1)])
def test_in_sandbox_mode_the_sample_secrets_stay_unless_asked(
    qtbot, tmp_path, runner, in_sandbox, forgotten
):
    sandbox = FakeService(tmp_path, sandbox=True)
    panel, _draft = make(qtbot, sandbox, runner, in_sandbox=in_sandbox)
    panel.flow.start("Acme CRM", None)
    qtbot.waitUntil(lambda: bool(panel.used), timeout=WAIT_MS)
    assert panel.forgotten == forgotten
