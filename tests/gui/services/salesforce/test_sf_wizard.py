"""The wizard's Salesforce panel and the connections manager's form, in sandbox mode (the
real service, store and emulators)."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QWizard

from app.core.profiles import ImportScope, OptOutHandling
from app.core.transforms import StateFormat
from app.sandbox.salesforce import HOLIDAY, NEWSLETTER, USERNAME
from app.sync.workers import BackgroundTasks
from app.ui.connections_manager import ConnectionsDialog
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.services.salesforce.connection import ConnectDialog

WAIT_MS = 15_000
KIND = "salesforce"


def press_next(qtbot, wizard: QWizard, expected: Step) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=WAIT_MS)


def open_wizard(qtbot, service) -> tuple[ProfileWizard, object]:
    wizard = ProfileWizard(service)
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


def campaign_row(panel, name: str):
    for index in range(panel.campaign_list.count()):
        item = panel.campaign_list.item(index)
        if item.text().startswith(name):
            return item
    raise AssertionError(f"no campaign {name!r}")


def test_the_panel_shows_the_org_campaigns_options_and_a_preview(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    wizard, source = open_wizard(qtbot, service)
    panel = source.panels[KIND]
    qtbot.keyClicks(source.name_edit, "Wholesale buyers")

    status = panel.status_label.text()
    assert status.startswith(f"✔ Connected to Salesforce: {USERNAME}. ")
    assert "Salesforce API requests in the last 24 hours: " in status  # Sforce-Limit-Info
    assert panel.form.browser_radio.isChecked()
    assert not panel.form.edits["password"].isVisible()  # only for the password way
    assert panel.type_combo.currentText() == "Contacts"
    # A new Salesforce profile starts as SyncApps' does, one way from Salesforce.
    draft = wizard.draft
    assert draft.options.opt_out_handling is OptOutHandling.UNSUBSCRIBE
    assert draft.options.optout_to_source and not draft.options.import_from_cc
    assert draft.options.state_format is StateFormat.CODE
    boxes = panel.choices.boxes
    assert boxes["one_way"].isChecked() and boxes["unsubscribe"].isChecked()
    assert not boxes["all_active"].isEnabled()  # only when contacts come from Constant Contact
    assert not boxes["converted"].isVisible()  # a Lead profile's option

    # The preview: contacts, read in the background.
    assert "Email" in [
        source.preview_model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(source.preview_model.columnCount())
    ]
    assert source.preview_model.rowCount() == 20

    # Campaigns with their member counts; ticking one syncs only its members, to its list.
    holiday = campaign_row(panel, HOLIDAY)
    assert "contact" in holiday.text()
    holiday.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.campaigns_box.isChecked()
    settings = draft.source_settings
    (holiday_id,) = settings["campaigns"]
    assert settings["list_map"] == {holiday_id: HOLIDAY}
    assert 0 < source.preview_model.rowCount() < 20

    # Options write the draft: two-way from all of Constant Contact, state names.
    boxes["one_way"].click()
    assert draft.options.import_from_cc and boxes["all_active"].isEnabled()
    boxes["all_active"].click()
    boxes["state_name"].click()
    assert draft.options.import_scope is ImportScope.ALL_ACTIVE
    assert draft.options.state_format is StateFormat.NAME

    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    cc.list_edit.setText("Wholesale")
    press_next(qtbot, wizard, Step.OPTIONS)
    options = wizard.page_for(Step.OPTIONS)
    assert "Email Opt Out" in options.service_optout_hint.text()
    assert options.checkboxes["import_from_cc"].isChecked()  # the same draft, the same values
    for step in (Step.MAPPING, Step.FILTERS, Step.SCHEDULE):
        press_next(qtbot, wizard, step)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )

    stored = service.profiles.get_by_name("Wholesale buyers")
    assert stored.source.kind == KIND
    assert stored.source.settings["connection_id"] == conn.id
    assert stored.source.settings["campaigns"] == [holiday_id]
    assert stored.source.settings["list_map"] == {holiday_id: HOLIDAY}
    assert stored.options.import_from_cc and stored.options.state_format is StateFormat.NAME


def test_a_lead_profile_offers_taking_converted_leads_off_the_list(qtbot, sandbox):
    wizard, source = open_wizard(qtbot, sandbox.service)
    panel = source.panels[KIND]
    index = panel.type_combo.findData("Lead")
    panel.type_combo.setCurrentIndex(index)
    panel.type_combo.activated.emit(index)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "Webb's Corner Store" in column_values(source.preview_model, "Company")
    converted = panel.choices.boxes["converted"]
    assert converted.isVisible() and not converted.isChecked()
    converted.click()
    assert wizard.draft.source_settings["converted_leads"] == "remove"
    assert wizard.draft.options.remove_deleted  # they leave as records leaving Salesforce do
    assert panel.choices.boxes["deleted"].isChecked()
    panel.choices.boxes["deleted"].click()  # and without that, they stay (followed)
    assert wizard.draft.source_settings["converted_leads"] == "follow"
    assert not converted.isChecked()
    assert NEWSLETTER in [
        panel.campaign_list.item(i).text().split(" — ")[0]
        for i in range(panel.campaign_list.count())
    ]


def test_the_connections_manager_asks_how_to_sign_in_and_reconnects(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    tasks = BackgroundTasks("test-sf-connections")
    dialog = ConnectionsDialog(service, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.connect_actions[KIND].text() == "Salesforce org…"
        row = next(i for i, c in enumerate(dialog.model.rows) if c.service == KIND)
        dialog.view.selectRow(dialog.proxy.mapFromSource(dialog.model.index(row, 0)).row())
        assert dialog.organisation.text() == f"Connected to Salesforce: {USERNAME}"

        seen: list[tuple[bool, str]] = []

        def answer_the_form() -> None:
            form_dialog = QApplication.activeModalWidget()
            assert isinstance(form_dialog, ConnectDialog)
            form = form_dialog.form
            form.password_radio.setChecked(True)
            password = form.edits["password"]
            seen.append((password.isVisible(), password.placeholderText()))
            assert password.echoMode() is QLineEdit.EchoMode.Password
            form.browser_radio.setChecked(True)
            form_dialog.accept()

        QTimer.singleShot(0, answer_the_form)  # the form is modal: answer it when it shows
        with qtbot.waitSignal(dialog.connections_changed, timeout=WAIT_MS):
            dialog.reconnect()
        assert seen == [(True, "Kept in your keyring: leave blank to keep it")]
        assert [c.id for c in service.connections.connections_of(KIND)] == [conn.id]
    finally:
        dialog.close()
        tasks.shutdown()
