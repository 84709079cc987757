"""The wizard's WellnessLiving panel and the connections manager's form, in sandbox mode
(the real service, store and emulators)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWizard

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.core.profiles import OptOutHandling
from app.sandbox.wellnessliving import BUSINESS_KEY, STAFF_PASSWORD
from app.sandbox.wellnessliving.samples import AU_BUSINESS_KEY, AU_STAFF_LOGIN, SAMPLE_CLIENTS
from app.sync.workers import BackgroundTasks
from app.ui.connections_manager import ConnectionsDialog
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.services.wellnessliving.connection import ConnectDialog

WAIT_MS = 15_000
KIND = "wellnessliving"
ACCOUNT = "Lotus & Pine Yoga (us.wellnessliving.com)"


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Iterator[object]:
    from app.sync.bootstrap import open_service

    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    yield handle
    handle.close()


def press_next(qtbot, wizard: QWizard, expected: Step) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=WAIT_MS)


def open_wizard(qtbot, service, *, errors_fail: bool = True) -> tuple[ProfileWizard, object]:
    wizard = ProfileWizard(service)
    if errors_fail:
        wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    qtbot.addWidget(wizard)
    wizard.show()
    source = wizard.page_for(Step.SOURCE)
    qtbot.mouseClick(source.kind_buttons[KIND], Qt.MouseButton.LeftButton)
    panel = source.panels[KIND]
    assert panel.isVisible() and not source.file_box.isVisible()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    return wizard, source


def column_values(model, name: str) -> list[str]:
    col = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == name
    )
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_the_panel_connects_in_the_sandbox_and_shows_a_preview(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    wizard, source = open_wizard(qtbot, service)
    panel = source.panels[KIND]
    qtbot.keyClicks(source.name_edit, "Studio members")

    # The sample business's keys are filled in; the secrets are typed as passwords.
    assert panel.form.edits["business_key"].text() == BUSINESS_KEY
    password = panel.form.edits["staff_password"]
    assert password.echoMode() is QLineEdit.EchoMode.Password
    assert password.text() == STAFF_PASSWORD
    assert panel.status_label.text().startswith(f"✔ Connected to WellnessLiving: {ACCOUNT}")
    assert panel.subscribed_radio.isChecked() and panel.unsubscribe_radio.isChecked()
    assert "never removes people from your other Constant Contact lists" in (
        panel.note_label.text()
    )

    # The preview: subscribed and unsubscribed clients, never the never-asked.
    assert "contacts from WellnessLiving" in source.preview_caption.text()
    read = [c for c in SAMPLE_CLIENTS if c.subscribed is not None]
    assert source.preview_model.rowCount() == min(20, len(read))
    news = column_values(source.preview_model, "News and updates")
    assert set(news) == {"Subscribed", "Unsubscribed"}

    # Connect again: the check runs in a worker while the window stays live, no duplicate.
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    assert panel.busy and panel.cancel_button.isVisible() and not source.isComplete()
    assert panel.status_label.text() == "Connecting to WellnessLiving…"
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert [c.id for c in service.connections.connections_of(KIND)] == [conn.id]

    # One client type (WellnessLiving's own integration cannot filter).
    index = panel.type_combo.findText("Member")
    assert index > 0 and panel.type_combo.findText("Drop-in") > 0
    panel.type_combo.setCurrentIndex(index)
    panel.type_combo.activated.emit(index)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert set(column_values(source.preview_model, "Client type")) == {"Member"}
    assert wizard.draft.source_settings["client_types"] == [panel.type_combo.itemData(index)]

    # Every type again, and all clients: the never-asked come in too.
    panel.type_combo.setCurrentIndex(0)
    panel.type_combo.activated.emit(0)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "client_types" not in wizard.draft.source_settings
    panel.all_radio.click()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "Not asked" in column_values(source.preview_model, "News and updates")
    panel.subscribed_radio.click()
    panel.type_combo.setCurrentIndex(index)
    panel.type_combo.activated.emit(index)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)

    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    cc.list_edit.setText("Members")
    press_next(qtbot, wizard, Step.OPTIONS)
    options = wizard.page_for(Step.OPTIONS)
    assert options.service_optout_hint.isVisible() and not options.opt_out_combo.isVisible()
    assert "news and updates" in options.service_optout_hint.text()
    # WellnessLiving takes opt-outs only: nothing to import into it, the write-back is on.
    assert options.two_way_box.isVisible()
    assert not options.checkboxes["import_from_cc"].isEnabled()
    assert not options.checkboxes["import_from_cc"].isChecked()
    assert options.checkboxes["optout_to_source"].isChecked()
    for step in (Step.MAPPING, Step.FILTERS, Step.SCHEDULE):
        press_next(qtbot, wizard, step)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )

    stored = service.profiles.get_by_name("Studio members")
    assert stored.source.kind == KIND
    assert dict(stored.source.settings) == {
        "connection_id": conn.id,
        "clients": "subscribed",
        "client_types": wizard.draft.source_settings["client_types"],
        "withdrawn": "unsubscribe",
    }
    assert stored.options.opt_out_handling is OptOutHandling.UNSUBSCRIBE
    assert stored.options.optout_to_source and not stored.options.import_from_cc
    summary = service.runs.sync(stored.id)
    assert summary.counts.total == len(service.runs.results(summary.run_id)) > 0
    assert summary.counts.failed == 0


def test_taking_withdrawals_off_the_list_sets_the_profile_to_remove(qtbot, sandbox):
    wizard, source = open_wizard(qtbot, sandbox.service)
    panel = source.panels[KIND]
    panel.remove_radio.click()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert wizard.draft.source_settings["withdrawn"] == "remove"
    assert wizard.draft.options.remove_deleted
    assert "Unsubscribed" not in column_values(source.preview_model, "News and updates")


def test_a_refused_sign_in_is_said_plainly_and_saves_nothing(qtbot, sandbox):
    service = sandbox.service
    before = service.connections.connections_of(KIND)
    _wizard, source = open_wizard(qtbot, service)
    panel = source.panels[KIND]
    form = panel.form
    form.region_combo.setCurrentIndex(form.region_combo.findData("au"))
    form.edits["business_key"].setText(AU_BUSINESS_KEY)
    form.edits["staff_login"].setText(AU_STAFF_LOGIN)
    form.edits["staff_password"].setText("wrong password")
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)

    error = source.findChild(QLabel, "error_source_connection")
    assert "did not accept the staff sign-in for manager@bondibreath.example" in error.text()
    assert not source.isComplete()
    assert service.connections.connections_of(KIND) == before


def test_the_connections_manager_asks_for_the_keys_and_reconnects(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    tasks = BackgroundTasks("test-wl-connections")
    dialog = ConnectionsDialog(service, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.connect_actions[KIND].text() == "WellnessLiving business…"
        row = next(i for i, c in enumerate(dialog.model.rows) if c.service == KIND)
        dialog.view.selectRow(dialog.proxy.mapFromSource(dialog.model.index(row, 0)).row())
        assert dialog.model.index(row, 1).data() == ACCOUNT
        assert dialog.organisation.text() == f"Connected to WellnessLiving: {ACCOUNT}"

        seen: list[str] = []

        def answer_the_form() -> None:
            form_dialog = QApplication.activeModalWidget()
            assert isinstance(form_dialog, ConnectDialog)
            seen.append(form_dialog.form.edits["business_key"].text())
            form_dialog.accept()

        QTimer.singleShot(0, answer_the_form)  # the form is modal: answer it when it shows
        with qtbot.waitSignal(dialog.connections_changed, timeout=WAIT_MS):
            dialog.reconnect()
        assert seen == [BUSINESS_KEY]
        assert dialog.status.text() == f"Connected to {ACCOUNT}."
        assert [c.id for c in service.connections.connections_of(KIND)] == [conn.id]
    finally:
        dialog.close()
        tasks.shutdown()
