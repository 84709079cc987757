"""The wizard's Klaviyo panel (a migration from Constant Contact) and the connections
manager's form, in sandbox mode (the real service, store and both emulators)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWizard

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.core.profiles import CONSTANT_CONTACT
from app.sandbox.klaviyo import API_KEY
from app.sync.workers import BackgroundTasks
from app.ui.connections_manager import ConnectionsDialog
from app.ui.profile_wizard.flow import FROM_CONSTANT_CONTACT, Step
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.services.klaviyo.connection import ConnectDialog

WAIT_MS = 15_000
KIND = "klaviyo"


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Iterator[object]:
    from app.sync.bootstrap import open_service

    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    handle.emulators[KIND].settings.job_seconds = 0
    handle.emulator.seed_contact("ada@example.com", "Ada", "Lovelace", "explicit", ["Regulars"])
    handle.emulator.seed_contact("alan@example.com", "Alan", "Turing", "implicit", ["Wholesale"])
    yield handle
    handle.close()


def column_values(model, name: str) -> list[str]:
    col = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == name
    )
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_a_migration_is_set_up_in_the_panel_saved_and_synced(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    wizard = ProfileWizard(service)
    wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    qtbot.addWidget(wizard)
    wizard.show()
    source = wizard.page_for(Step.SOURCE)
    assert source.kind_buttons[KIND].text() == "Constant Contact → Klaviyo"
    qtbot.mouseClick(source.kind_buttons[KIND], Qt.MouseButton.LeftButton)
    panel = source.panels[KIND]
    assert panel.isVisible() and not source.file_box.isVisible()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    qtbot.keyClicks(source.name_edit, "Regulars to Klaviyo")

    # The sample account's key is filled in as a password; the account is connected.
    assert panel.form.key_edit.echoMode() is QLineEdit.EchoMode.Password
    assert panel.form.key_edit.text() == API_KEY
    assert panel.status_label.text() == "✔ Connected to Klaviyo: Sandbox Bakery"
    # Klaviyo's own integration's defaults, each explained.
    assert panel.lists_check.isChecked() and panel.activity_check.isChecked()
    assert panel.suppress_radio.isChecked()
    # The Constant Contact lists, none ticked (everyone), and a preview of the contacts.
    names = [panel.lists_widget.item(i).text() for i in range(panel.lists_widget.count())]
    assert any(n.startswith("Regulars") for n in names)
    assert source.preview_model.rowCount() >= 2
    assert source.preview_caption.text().startswith("The first ")
    assert "contacts to move to Klaviyo, with " in source.preview_caption.text()
    # The label of the lists is a mnemonic for them, not a "&" on show.
    (label,) = [w for w in panel.findChildren(QLabel) if "lists to bring:" in w.text()]
    assert label.buddy() is panel.lists_widget

    # Bring one list; unsubscribes become unsubscribes; the company goes as a property.
    row = next(i for i, n in enumerate(names) if n.startswith("Regulars"))
    panel.lists_widget.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    # The list's members, and whoever unsubscribed (brought to be suppressed).
    permissions = column_values(source.preview_model, "Email permission")
    assert permissions.count("unsubscribed") == len(permissions) - 1
    panel.unsubscribe_radio.click()
    combo = panel.mapping_combo("Company")
    assert combo is not None and combo.currentData() == "organization"
    combo.setCurrentIndex(combo.findData("property"))

    # A migration goes straight to when it runs: no list, options, mapping or filters steps.
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == Step.SCHEDULE, timeout=WAIT_MS)
    when = wizard.page_for(Step.SCHEDULE).next_run_label.text()
    assert when.startswith("Every hour, once you have pressed Sync Now the first time")
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )

    stored = service.profiles.get_by_name("Regulars to Klaviyo")
    regulars = sandbox.emulator.list_id("Regulars")
    assert stored.source.kind == CONSTANT_CONTACT
    assert dict(stored.source.settings) == {"list_ids": [regulars]}
    assert stored.destination.kind == KIND
    settings = dict(stored.destination.settings)
    assert settings["connection_id"] == conn.id and settings["opted_out_as"] == "unsubscribe"
    assert settings["fields"]["Company"] == "property"
    assert FROM_CONSTANT_CONTACT not in settings
    assert stored.options.poll_minutes == 60  # hourly once synced
    summary = service.runs.sync(stored.id)
    assert summary.counts.created == len(permissions) and summary.counts.failed == 0
    kl = sandbox.emulators[KIND]
    assert kl.profile_by_email("ada@example.com")["consent"] == "SUBSCRIBED"
    assert kl.profile_by_email("alan@example.com") is None  # not on the list brought

    # Editing it opens the same panel with its choices.
    again = ProfileWizard(service, profile=stored)
    qtbot.addWidget(again)
    again.show()
    panel = again.page_for(Step.SOURCE).panels[KIND]
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.unsubscribe_radio.isChecked()
    assert again.draft.to_profile().source == stored.source
    assert again.draft.to_profile().destination == stored.destination


def test_the_connections_manager_asks_for_the_key_and_reconnects(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    tasks = BackgroundTasks("test-kl-connections")
    dialog = ConnectionsDialog(service, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.connect_actions[KIND].text() == "Klaviyo account (private API key)…"
        row = next(i for i, c in enumerate(dialog.model.rows) if c.service == KIND)
        dialog.view.selectRow(dialog.proxy.mapFromSource(dialog.model.index(row, 0)).row())
        assert dialog.organisation.text() == "Connected to Klaviyo: Sandbox Bakery"
        seen: list[str] = []

        def answer_the_form() -> None:
            form_dialog = QApplication.activeModalWidget()
            assert isinstance(form_dialog, ConnectDialog)
            seen.append(form_dialog.form.key_edit.text())
            form_dialog.accept()

        QTimer.singleShot(0, answer_the_form)
        with qtbot.waitSignal(dialog.connections_changed, timeout=WAIT_MS):
            dialog.reconnect()
        assert seen == [API_KEY]
        assert [c.id for c in service.connections.connections_of(KIND)] == [conn.id]
    finally:
        dialog.close()
        tasks.shutdown()
